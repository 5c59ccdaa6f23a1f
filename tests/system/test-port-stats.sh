#!/usr/bin/env bash
# test-port-stats: port/stats counts what each port received and sent, and
# the frames a port's VLAN settings refuse: 5 pings between two VMs that
# send nothing else (permanent neighbours, no IPv6) are exactly 5 frames of
# 98 bytes each way; 3 tagged frames sent into an access port are dropped,
# counted as drops.vlan, and never reach the other VM.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init
require_scapy

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
vm_neigh vm1 198.18.0.2 "$(vm_mac vm2)"
vm_neigh vm2 198.18.0.1 "$(vm_mac vm1)"
P1=$(port_of vm1)
P2=$(port_of vm2)

# counters PORT: "rx-packets rx-bytes tx-packets tx-bytes drops.vlan".
counters()
{
    ctl --json port/stats "$1" | json "' '.join(str(p[k]) for p in
        d['ports'] if p['name'] == '$1' for k in ('rx-packets', 'rx-bytes',
        'tx-packets', 'tx-bytes')) + ' %d' % next(p['drops']['vlan']
        for p in d['ports'] if p['name'] == '$1')"
}
assert_eq "[\"$P1\"]" "$(ctl --json port/stats "$P1" \
    | json "[p['name'] for p in d['ports']]")" "ports in port/stats $P1"
assert_eq "br0" "$(ctl --json port/stats | json "next(p['bridge']
    for p in d['ports'] if p['name'] == '$P2')")" "bridge of $P2"

read -r rxp1 rxb1 txp1 txb1 _ < <(counters "$P1")
read -r rxp2 rxb2 txp2 txb2 _ < <(counters "$P2")
assert_ping vm1 198.18.0.2
read -r rxp1b rxb1b txp1b txb1b _ < <(counters "$P1")
read -r rxp2b rxb2b txp2b txb2b _ < <(counters "$P2")
assert_eq 5 "$((rxp1b - rxp1))" "rx-packets of vm1's port (echo requests)"
assert_eq 490 "$((rxb1b - rxb1))" "rx-bytes of vm1's port (5 x 98)"
assert_eq 5 "$((txp2b - txp2))" "tx-packets of vm2's port (echo requests)"
assert_eq 490 "$((txb2b - txb2))" "tx-bytes of vm2's port"
assert_eq 5 "$((rxp2b - rxp2))" "rx-packets of vm2's port (echo replies)"
assert_eq 490 "$((rxb2b - rxb2))" "rx-bytes of vm2's port"
assert_eq 5 "$((txp1b - txp1))" "tx-packets of vm1's port (echo replies)"
assert_eq 490 "$((txb1b - txb1))" "tx-bytes of vm1's port"

# Tagged frames into an access port: dropped and counted.
read -r _ _ _ _ dv1 < <(counters "$P1")
read -r _ _ txp2 _ _ < <(counters "$P2")
capture_start vm2 "$(dev_of vm2)" vm2
in_ns vm1 "$VST_PY" - "$(dev_of vm1)" "$(vm_mac vm1)" "$(vm_mac vm2)" <<'PY' \
    || fail "scapy could not send the tagged frames"
import sys
from scapy.all import Dot1Q, Ether, ICMP, IP, sendp
iface, src, dst = sys.argv[1:4]
for vid in (10, 10, 20):
    sendp(Ether(src=src, dst=dst) / Dot1Q(vlan=vid)
          / IP(src="198.18.0.1", dst="198.18.0.2") / ICMP(id=99),
          iface=iface, verbose=False)
PY
sleep 0.5
capture_stop "$CAP_PID"
read -r _ _ _ _ dv1b < <(counters "$P1")
read -r _ _ txp2b _ _ < <(counters "$P2")
assert_eq 3 "$((dv1b - dv1))" "drops.vlan of vm1's port after 3 tagged frames"
assert_eq 0 "$((txp2b - txp2))" "tx-packets of vm2's port for the tagged frames"
assert_eq 0 "$(capture_count vm2 "icmp")" "ICMP frames reaching vm2"
exit 0
