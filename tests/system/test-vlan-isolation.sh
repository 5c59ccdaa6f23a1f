#!/usr/bin/env bash
# test-vlan-isolation: VMs in different VLANs do not reach each other, even
# in the same IP subnet, and not even a broadcast crosses: vm1 and vm2 in
# VLAN 10 talk, vm3 in VLAN 20 hears nothing of them.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24 2001:db8::1/64
vm_add vm2 198.18.0.2/24 2001:db8::2/64
vm_add vm3 198.18.0.3/24 2001:db8::3/64
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
attach br0 vm3 vlan=20

capture_start vm3 "$(dev_of vm3)" vm3 "ether src $(vm_mac vm1) or \
ether src $(vm_mac vm2)"

assert_ping vm1 198.18.0.2
assert_no_ping vm1 198.18.0.3
assert_no_ping vm3 198.18.0.2
assert_no_ping vm1 2001:db8::3
assert_no_ping vm3 2001:db8::1
assert_ping vm2 2001:db8::1

capture_stop "$CAP_PID"
# vm1's ARP requests for 198.18.0.3 and its neighbour solicitations are
# broadcast/multicast in VLAN 10: none may reach vm3's device.
n=$(capture_count vm3)
if ((n != 0)); then
    capture_read vm3 | head -n 10
fi
assert_eq 0 "$n" "frames from vm1/vm2 (VLAN 10) seen on vm3 (VLAN 20)"

# vm3's own VLAN works: it is alone there, so it learned only itself.
assert_eq "[20]" "$(fdb_json br0 "sorted(set(e['vlan'] for e in \
d['entries'] if e['mac'] == '$(vm_mac vm3)'))")" "VLANs vm3's MAC is in"
exit 0
