#!/usr/bin/env bash
# test-mac-aging: learned addresses are removed after the bridge's aging
# time without traffic (mac-aging=2), and learned again with new traffic.
# The VMs have permanent neighbour entries: they send nothing but the
# pings (no ARP, no later ARP probes; IPv6 is off), so the table only
# changes by aging.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
sw_start
ctl_ok add-br br0 mac-aging=2
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
assert_eq 2 "$(fdb_json br0 "d['aging']")" "aging in fdb/show --json"
vm_neigh vm1 198.18.0.2 "$(vm_mac vm2)"
vm_neigh vm2 198.18.0.1 "$(vm_mac vm1)"

dynamic()
{
    fdb_json br0 "len([e for e in d['entries'] if not e['static']])"
}

# shellcheck disable=SC2317 # called through wait_for
none_dynamic()
{
    [[ $(dynamic) == 0 ]]
}

assert_ping vm1 198.18.0.2
n=$(dynamic)
assert_cmp "$n" -ge 2 "dynamic entries right after traffic"

# No traffic now (IPv6 is off in the VMs, so they say nothing by themselves).
start=$SECONDS
wait_for 15 none_dynamic
n=$(dynamic)
ctl fdb/show br0
assert_eq 0 "$n" "dynamic entries $((SECONDS - start)) s after the traffic stopped"
aged=$(fdb_json br0 "d['stats']['aged']")
assert_cmp "$aged" -ge 2 "stats.aged"

# Traffic teaches them again.
assert_ping vm1 198.18.0.2
n=$(dynamic)
assert_cmp "$n" -ge 2 "dynamic entries after new traffic"
exit 0
