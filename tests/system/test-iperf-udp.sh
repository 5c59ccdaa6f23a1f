#!/usr/bin/env bash
# test-iperf-udp: a UDP flow (iperf3 -u, 100 Mbit/s for 5 s) between two
# VMs in one VLAN arrives with little loss, and none of it corrupted.
#
# The loss that counts is the network's: what iperf3 reports lost, less
# what the receiving VM's own kernel dropped because iperf3's socket buffer
# was full (Udp RcvbufErrors in vm2's /proc/net/snmp).  That second part
# measures how often the receiving process got a CPU, not the switch: on a
# 2-CPU machine shared by the iperf3 client, the iperf3 server and an
# AddressSanitizer build of the daemon it was 0 to 7 % from run to run,
# with the switch forwarding every frame it was given.  It is logged, and
# only the rest is held to the bound.  (iperf3 counts a datagram lost when
# a later one arrives, so drops at the very end may be in RcvbufErrors and
# not in iperf3's count: the difference is taken as 0 then.)
#
# vm1 sends with its device's transmit checksum offload off, so that its
# kernel writes each UDP checksum and vm2's verifies it (with the offload
# on, the frames carry "checksum not computed yet", which the receiver
# trusts): a byte the switch changed shows as Udp InCsumErrors.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init
require_cmd iperf3 ss ethtool

RATE=100M
MAX_LOSS_PERCENT=2

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10

# udp_snmp NS FIELD: one of the Udp counters of /proc/net/snmp as NS sees
# it (each namespace has its own).
udp_snmp()
{
    local v
    # shellcheck disable=SC2016 # awk's own $1 and $col[f]
    v=$(in_ns "$1" awk -v f="$2" '$1 == "Udp:" {
        if (!n) { for (i = 2; i <= NF; i++) col[$i] = i; n = 1; next }
        print (f in col) ? $col[f] : "?"; exit
    }' /proc/net/snmp)
    [[ $v =~ ^[0-9]+$ ]] || fail "cannot read Udp $2 in $1's /proc/net/snmp: '$v'"
    printf '%s\n' "$v"
}

in_ns vm1 ethtool -K "$(dev_of vm1)" tx off >/dev/null \
    || fail "cannot turn off vm1's transmit checksum offload"

assert_ping vm1 198.18.0.2
rcvbuf_before=$(udp_snmp vm2 RcvbufErrors)
csum_before=$(udp_snmp vm2 InCsumErrors)
bg_ns vm2 "$VST_TMP/iperf3-server.log" iperf3 -s -1 -B 198.18.0.2 -p 5201
wait_for 5 listening vm2 5201 || fail "iperf3 server did not start"
out=$(in_ns vm1 timeout 30 iperf3 -c 198.18.0.2 -p 5201 -u -b "$RATE" \
    -t 5 -J 2>&1) \
    || fail "iperf3 client failed: $(printf '%s' "$out" | tail -n 5)"
read -r sent lost pct < <(printf '%s' "$out" | json '"%d %d %.3f" % (
    d["end"]["sum_received"]["packets"],
    d["end"]["sum_received"]["lost_packets"],
    d["end"]["sum_received"]["lost_percent"])') \
    || fail "no result from iperf3: $(printf '%s' "$out" | tail -n 5)"
rcvbuf_after=$(udp_snmp vm2 RcvbufErrors)
csum_after=$(udp_snmp vm2 InCsumErrors)
rcvbuf=$((rcvbuf_after - rcvbuf_before))
csum=$((csum_after - csum_before))
log "UDP vm1 -> vm2 at $RATE: $sent datagrams sent, $lost lost ($pct %), \
$rcvbuf of them by vm2's full socket buffer"
log "switch: vm1's port received $(stat_of "$(port_of vm1)" rx-packets) \
frames, vm2's port sent $(stat_of "$(port_of vm2)" tx-packets)"
assert_cmp "$sent" -gt 10000 "UDP datagrams sent in 5 s at $RATE"
received=$((sent - lost))
assert_cmp "$received" -gt 0 "UDP datagrams received"
assert_eq 0 "$csum" "UDP datagrams with a bad checksum at vm2"
# The network's loss in percent, rounded up, so 2.001 % is 3.
lost_net=$((lost > rcvbuf ? lost - rcvbuf : 0))
loss=$(( (lost_net * 100 + sent - 1) / sent ))
assert_cmp "$loss" -le "$MAX_LOSS_PERCENT" \
    "UDP loss vm1 -> vm2 before vm2's socket (%, rounded up)"
exit 0
