#!/usr/bin/env bash
# test-port-isolated: isolated ports never reach each other, but reach the
# uplink's remote host and non-isolated ports (issue 9, isolated=yes).
#
#   vm1 (isolated) --+
#   vm2 (isolated) --+-- switch -- uplink == phys -- rh1
#   vm3 -------------+
#
# vm1 and vm2 cannot ping each other, neither by broadcast ARP nor by
# known unicast (static neighbours, both learned), and vm2 sees none of
# vm1's frames; both ping rh1 and vm3.  set-port vm2 isolated=no: vm1
# reaches vm2.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init

port_world --uplink vm1 vm2 vm3
attach br0 vm1 isolated=yes
attach br0 vm2 isolated=yes
attach br0 vm3

has_mac() { [[ $(fdb_json br0 "any(e['mac'] == '$1' for e in d['entries'])") == True ]]; }

assert_ping vm1 198.18.0.10
assert_ping vm2 198.18.0.10
assert_ping vm1 198.18.0.3
assert_ping vm2 198.18.0.3
assert_ping vm3 198.18.0.1
assert_ping vm3 198.18.0.2
assert_ping rh1 198.18.0.1
assert_ping rh1 198.18.0.2

log "broadcast (ARP) between the isolated ports"
capture_start vm2 "$(dev_of vm2)" bc "ether src $(vm_mac vm1)"
assert_no_ping vm1 198.18.0.2
capture_stop "$CAP_PID"
assert_eq 0 "$(frame_count bc)" "frames from vm1 at vm2"

log "known unicast between the isolated ports"
vm_neigh vm1 198.18.0.2 "$(vm_mac vm2)"
vm_neigh vm2 198.18.0.1 "$(vm_mac vm1)"
if ! has_mac "$(vm_mac vm1)" || ! has_mac "$(vm_mac vm2)"; then
    fail "vm1 and vm2 not both learned: $(ctl fdb/show br0)"
fi
capture_start vm2 "$(dev_of vm2)" uc "ether src $(vm_mac vm1)"
c2=$CAP_PID
capture_start vm1 "$(dev_of vm1)" uc1 "ether src $(vm_mac vm2)"
c1=$CAP_PID
i0=$(drops "$(port_of vm1)" "$DROP_ISOLATED")
assert_no_ping vm1 198.18.0.2
assert_no_ping vm2 198.18.0.1
capture_stop "$c2"
stop_pid "$c1"
i1=$(drops "$(port_of vm1)" "$DROP_ISOLATED")
assert_eq 0 "$(frame_count uc)" "frames from vm1 at vm2"
assert_eq 0 "$(frame_count uc1)" "frames from vm2 at vm1"
assert_eq 5 "$((i1 - i0))" "vm1 drops.$DROP_ISOLATED (its 5 echo requests)"

log "both still reach rh1 and vm3"
assert_ping vm1 198.18.0.10
assert_ping vm2 198.18.0.10
assert_ping vm1 198.18.0.3
assert_ping vm2 198.18.0.3

log "vm2 no longer isolated"
ctl_ok set-port "$(port_of vm2)" isolated=no
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1
log "PASS"
