#!/usr/bin/env bash
# test-iperf-udp: a UDP flow (iperf3 -u, 100 Mbit/s for 5 s) between two
# VMs in one VLAN arrives with little loss.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init
require_cmd iperf3 ss

RATE=100M
MAX_LOSS_PERCENT=2

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10

assert_ping vm1 198.18.0.2
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
log "UDP vm1 -> vm2 at $RATE: $sent datagrams sent, $lost lost ($pct %)"
assert_cmp "$sent" -gt 10000 "UDP datagrams sent in 5 s at $RATE"
received=$((sent - lost))
# Loss in percent, rounded up, so 2.001 % is 3.
loss=$(( (lost * 100 + sent - 1) / sent ))
assert_cmp "$received" -gt 0 "UDP datagrams received"
assert_cmp "$loss" -le "$MAX_LOSS_PERCENT" "UDP loss vm1 -> vm2 (%, rounded up)"
exit 0
