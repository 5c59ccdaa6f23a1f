#!/usr/bin/env bash
# test-ping: two VMs in the same VLAN reach each other, over IPv4 and IPv6.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24 2001:db8::1/64
vm_add vm2 198.18.0.2/24 2001:db8::2/64
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10

assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1
assert_ping vm1 2001:db8::2
assert_ping vm2 2001:db8::1

# Both VMs were learned on their own ports, in VLAN 10.
for vm in vm1 vm2; do
    assert_eq "$(port_of "$vm")" "$(fdb_json br0 "next((e['port'] \
for e in d['entries'] if e['mac'] == '$(vm_mac "$vm")' \
and e['vlan'] == 10), '')")" "fdb port of $vm's MAC in VLAN 10"
done
exit 0
