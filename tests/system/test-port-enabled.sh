#!/usr/bin/env bash
# test-port-enabled: set-port IFACE enabled=no blocks a port without
# removing it, enabled=yes restores it (issue 9, admin state).
#
#   vm1 --+-- switch -- uplink == phys bridge -- rh1
#   vm2 --+
#
# With vm1's port enabled=no: vm1 <-> vm2 and vm1 <-> rh1 pings get no
# reply, in both directions, nothing of vm1's reaches vm2 (tcpdump), the
# port is still in show (not "up"), and vm1's echo requests are counted
# (drops.disabled); vm2 <-> rh1 is untouched.  enabled=yes: all pings pass
# again.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init

port_world --uplink vm1 vm2
attach br0 vm1
attach br0 vm2
P1=$(port_of vm1)

assert_ping vm1 198.18.0.2
assert_ping vm1 198.18.0.10
assert_ping rh1 198.18.0.1

log "enabled=no"
ctl_ok set-port "$P1" enabled=no
d0=$(drops "$P1" "$DROP_DISABLED")
capture_start vm2 "$(dev_of vm2)" vm2 "ether src $(vm_mac vm1)"
assert_no_ping vm1 198.18.0.2
capture_stop "$CAP_PID"
d1=$(drops "$P1" "$DROP_DISABLED")
assert_no_ping vm2 198.18.0.1
assert_no_ping vm1 198.18.0.10
assert_no_ping rh1 198.18.0.1
assert_ping vm2 198.18.0.10
assert_eq 0 "$(frame_count vm2)" "frames from vm1 at vm2"
assert_cmp "$((d1 - d0))" -ge 5 "vm1 drops.$DROP_DISABLED (its 5 echo requests to vm2)"
log "vm1's port in show: $(ctl show | grep -F "$P1")"
assert_eq up "$(port_state "$P1")" "vm1's port (link) state in show with enabled=no"
assert_eq disabled "$(port_admin "$P1")" "vm1's port admin-state in show --json"
ctl show | grep -F "$P1" | grep -q disabled \
    || fail "show does not say vm1's port is disabled: $(ctl show | grep -F "$P1")"

log "enabled=yes"
ctl_ok set-port "$P1" enabled=yes
wait_port "$P1" up
assert_eq enabled "$(port_admin "$P1")" "vm1's port admin-state after enabled=yes"
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1
assert_ping vm1 198.18.0.10
assert_ping rh1 198.18.0.1
log "PASS"
