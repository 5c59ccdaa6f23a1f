#!/usr/bin/env bash
# test-iperf-tcp: a TCP flow (iperf3, 5 s) between two VMs in one VLAN,
# with the devices' default offloads (TSO/GSO, checksum offload: no ethtool
# change), runs at a reasonable rate, so large offloaded segments cross the
# switch intact.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init
require_cmd iperf3 ss

MIN_MBPS=100

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
for vm in vm1 vm2; do
    log "$vm offloads: $(in_ns "$vm" ethtool -k "$(dev_of "$vm")" 2>/dev/null \
        | grep -E '^(tcp-segmentation-offload|tx-checksumming|generic-segmentation-offload):' \
        | tr -s ' \n' ' ')"
done

assert_ping vm1 198.18.0.2
bg_ns vm2 "$VST_TMP/iperf3-server.log" iperf3 -s -1 -B 198.18.0.2 -p 5201
wait_for 5 listening vm2 5201 || fail "iperf3 server did not start"
out=$(in_ns vm1 timeout 30 iperf3 -c 198.18.0.2 -p 5201 -t 5 -J 2>&1) \
    || fail "iperf3 client failed: $(printf '%s' "$out" | tail -n 5)"
bps=$(printf '%s' "$out" | json 'int(d["end"]["sum_received"]["bits_per_second"])') \
    || fail "no result from iperf3: $(printf '%s' "$out" | tail -n 5)"
bytes=$(printf '%s' "$out" | json 'int(d["end"]["sum_received"]["bytes"])')
log "TCP vm1 -> vm2: $((bps / 1000000)) Mbit/s, $bytes bytes received"
assert_cmp "$((bps / 1000000))" -gt "$MIN_MBPS" "TCP rate vm1 -> vm2 (Mbit/s)"

# The frames really went through the switch: vm2's port sent them.
tx=$(stat_of "$(port_of vm2)" tx-bytes)
assert_cmp "$tx" -ge "$bytes" "tx-bytes of vm2's port vs. TCP bytes received"
exit 0
