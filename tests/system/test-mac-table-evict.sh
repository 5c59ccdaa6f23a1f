#!/usr/bin/env bash
# test-mac-table-evict: a full MAC table still learns a new VM, by evicting
# an entry of the port that holds more than its fair share (issue 7, hole
# 14).
#   - mac-table-size=4; vm1 and vm2 are learned, then vm2 sends frames from
#     two made-up MACs: the table is full, vm2's port holds 3 entries;
#   - vm3 starts talking: its port's share is 4 / 3 ports; vm2's port is
#     over it and gives up one entry; vm1's is within it and keeps its one.
#     vm3 is learned, so frames to vm3 are no longer flooded to vm2.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init
require_scapy

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
sw_start
ctl_ok add-br br0 mac-table-size=4
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
attach br0 vm3 vlan=10

has_mac() { [[ $(fdb_json br0 "any(e['mac'] == '$1' for e in d['entries'])") == True ]]; }
on_port_count() { fdb_json br0 "sum(1 for e in d['entries'] if e['port'] == '$1')"; }

assert_ping vm1 198.18.0.2
in_ns vm2 timeout 20 "$VST_PY" - "$(dev_of vm2)" <<'PY' \
    || fail "scapy could not send the made-up source addresses"
import sys
from scapy.all import Ether, sendp
for mac in ("02:00:00:00:0f:01", "02:00:00:00:0f:02"):
    sendp(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff", type=0x88b5) / (b"x" * 46),
          iface=sys.argv[1], count=1, verbose=False)
PY
full() { [[ $(fdb_json br0 "d['count']") == 4 ]]; }
wait_for 5 full || fail "table not full after vm2's made-up MACs: $(ctl fdb/show br0)"
assert_eq 3 "$(on_port_count "$(port_of vm2)")" "entries on vm2's port"
evicted0=$(fdb_json br0 "d['stats']['evicted']")

assert_ping vm3 198.18.0.1
wait_for 5 has_mac "$(vm_mac vm3)" \
    || fail "vm3 not learned in a full table whose vm2 port is over its share: $(ctl fdb/show br0)"
# From now on (learning is asynchronous: the first replies to vm3 may have
# been flooded before it was learned).
capture_start vm2 "$(dev_of vm2)" vm2 "icmp and host 198.18.0.3"
assert_ping vm1 198.18.0.3
capture_stop "$CAP_PID"
ctl fdb/show br0

assert_eq 4 "$(fdb_json br0 "d['count']")" "entries after vm3 talked"
has_mac "$(vm_mac vm1)" || fail "vm1 (within its share) was evicted"
assert_eq 2 "$(on_port_count "$(port_of vm2)")" "entries left on vm2's port"
assert_cmp "$(fdb_json br0 "d['stats']['evicted']")" -gt "$evicted0" \
    "stats.evicted"
# vm3 is learned: vm1's echo replies to vm3 are not flooded to vm2.
assert_eq 0 "$(capture_count vm2 "ether dst $(vm_mac vm3)")" \
    "frames to vm3 flooded to vm2"
exit 0
