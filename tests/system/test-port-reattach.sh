#!/usr/bin/env bash
# test-port-reattach: when a port's device disappears the port stays
# configured, shown "absent", and traffic to it stops; when a device of that
# name appears again the switch attaches it by itself: "up", and traffic
# flows again.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
assert_ping vm1 198.18.0.2

# Deleting one end of a veth deletes both.
ip -n "$(ns sw)" link del "$(port_of vm2)" || fail "cannot delete the port device"
wait_port "$(port_of vm2)" absent
assert_eq "$(port_of vm2)" "$(ctl list-ports br0 | grep -x "$(port_of vm2)")" \
    "the absent port is still listed"
assert_no_ping vm1 198.18.0.2

# The same device comes back.
vm_plug vm2 198.18.0.2/24
wait_port "$(port_of vm2)" up
assert_eq "access 10" "$(ctl --json show | json "next('%s %d' % (p['mode'],
    p['vlan']) for b in d['bridges'] for p in b['ports']
    if p['name'] == '$(port_of vm2)')")" "vm2's port settings after re-attach"
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1

# Once more, the other way: the device goes and comes back twice.
ip -n "$(ns vm2)" link del "$(dev_of vm2)"
wait_port "$(port_of vm2)" absent
vm_plug vm2 198.18.0.2/24
wait_port "$(port_of vm2)" up
assert_ping vm1 198.18.0.2
exit 0
