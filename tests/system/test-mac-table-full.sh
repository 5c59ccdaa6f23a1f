#!/usr/bin/env bash
# test-mac-table-full: a full MAC table in which every port holds no more
# than its fair share (mac-table-size=3: a static entry and vm1 and vm2,
# one learned entry per port) learns nothing new, counts what it could not
# learn (full-drops), and keeps forwarding: frames to the unlearned VM are
# flooded.  (The static entry takes the third place: without it vm3's port
# would be owed a share of 3 / 3 and, as test-mac-table-evict shows, a
# newcomer then evicts from a port over its share.)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
sw_start
ctl_ok add-br br0 mac-table-size=3
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
attach br0 vm3 vlan=10
STATIC_MAC=02:00:00:00:0e:01
ctl_ok fdb/add br0 "$STATIC_MAC" vlan=10 port="$(port_of vm1)"
assert_eq 3 "$(fdb_json br0 "d['max']")" "max in fdb/show --json"

# The static entry, vm1 and vm2 fill the table.
assert_ping vm1 198.18.0.2
assert_eq 3 "$(fdb_json br0 "d['count']")" "entries after vm1 <-> vm2"

capture_start vm2 "$(dev_of vm2)" vm2 "icmp and host 198.18.0.3"
assert_ping vm3 198.18.0.1
assert_ping vm1 198.18.0.3
capture_stop "$CAP_PID"

ctl fdb/show br0
assert_eq 3 "$(fdb_json br0 "d['count']")" "entries after vm3 talked"
assert_eq "False" "$(fdb_json br0 "any(e['mac'] == '$(vm_mac vm3)' \
for e in d['entries'])")" "vm3's MAC in the table"
assert_eq "[\"$(vm_mac vm1)\", \"$(vm_mac vm2)\", \"$STATIC_MAC\"]" \
    "$(fdb_json br0 "sorted(e['mac'] for e in d['entries'])")" \
    "the table still holds vm1, vm2 and the static entry"
assert_eq 0 "$(fdb_json br0 "d['stats']['evicted']")" "stats.evicted"
drops=$(fdb_json br0 "d['stats']['full-drops']")
assert_cmp "$drops" -gt 0 "stats.full-drops"
# Frames to vm3 are unknown unicast: flooded, so vm2 sees vm1's echo
# requests to vm3 (and vm1's replies to vm3's pings).
n=$(capture_count vm2 "ether dst $(vm_mac vm3)")
assert_cmp "$n" -ge 10 "frames to vm3 flooded to vm2"
exit 0
