#!/usr/bin/env bash
# test-unicast-learning: once the switch has learned two VMs' addresses,
# unicast between them goes to the destination's port only: a third VM of
# the same VLAN sees none of it (while it does see their broadcasts, which
# shows its capture works).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
attach br0 vm3 vlan=10

# Learning: each VM talks once.
assert_ping vm1 198.18.0.2
assert_ping vm3 198.18.0.1
for vm in vm1 vm2 vm3; do
    assert_eq "$(port_of "$vm")" "$(fdb_json br0 "next((e['port'] \
for e in d['entries'] if e['mac'] == '$(vm_mac "$vm")' \
and e['vlan'] == 10), '')")" "port learned for $vm's MAC"
done

capture_start vm3 "$(dev_of vm3)" vm3 "not ether src $(vm_mac vm3)"
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1
# A broadcast from vm1 (ARP for an address nobody has) must reach vm3.
assert_no_ping vm1 198.18.0.99
capture_stop "$CAP_PID"

unicast=$(capture_count vm3 "ether dst $(vm_mac vm1) or ether dst $(vm_mac vm2)")
if ((unicast != 0)); then
    capture_read vm3 | head -n 10
fi
assert_eq 0 "$unicast" "unicast frames vm1 <-> vm2 seen on vm3's device"
bcast=$(capture_count vm3 "ether src $(vm_mac vm1) and arp and ether broadcast")
assert_cmp "$bcast" -ge 1 "ARP broadcasts from vm1 seen on vm3's device"
exit 0
