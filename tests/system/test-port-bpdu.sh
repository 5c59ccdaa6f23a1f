#!/usr/bin/env bash
# test-port-bpdu: a guest's BPDUs, LACPDUs and pause frames never reach the
# physical network, and with bpdu-guard=yes one BPDU disables the port
# until an operator re-enables it (issue 9, BPDU guard).
#
#   vm1 (guest) --+
#   vm2 ----------+-- switch -- uplink == phys bridge -- rh1
#
# A. bpdu-guard=no (the default): vm1 sends 5 each of an STP BPDU, an
#    LACPDU and a pause frame: none reaches the uplink's peer or rh1
#    (tcpdump), vm1's drops.link-local counts them, the port stays up.
# B. set-port bpdu-guard=yes: LACPDUs and pause frames are dropped as
#    before and leave the port up (pings); then one BPDU: the port is
#    blocked: its admin-state in show is no longer "enabled" (nor the
#    operator's "disabled"), show's line says bpdu, vm1 <-> vm2 and
#    vm1 -> rh1 pings stop (drops.bpdu-guard counts vm1's), the daemon logs a warning naming the port,
#    and the BPDU did not reach the uplink's peer either.
# C. set-port enabled=yes: the port is up and pings pass again.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init

port_world --uplink vm1 vm2
attach br0 vm1
attach br0 vm2
P1=$(port_of vm1)
M1=$(vm_mac vm1)
# The warning bpdu-guard gives when it disables vm1's port.
expect_log "\\|warn\\|[a-z-]+\\|.*$P1"
LL="ether[0:4] == 0x0180c200 and ether[4:2] & 0xfff0 == 0"

bpdu() { send_frames vm1 --dst 01:80:c2:00:00:00 --src "$M1" --type 0x0026 \
    --payload 424203000000000080000200000000010000000080000200000000010080010000140002000f00 "$@"; }
lacpdu() { send_frames vm1 --dst 01:80:c2:00:00:02 --src "$M1" --type 0x8809 \
    --payload 0101 "$@"; }
pause() { send_frames vm1 --dst 01:80:c2:00:00:01 --src "$M1" --type 0x8808 \
    --payload 0001ffff "$@"; }

# captures NAME: starts the captures of link-local frames on the uplink's
# peer and at rh1 (pids CU, CR).
captures()
{
    capture_start phys "$(dev pup)" "$1-up" "$LL"
    CU=$CAP_PID
    capture_start rh1 "$(dev_of rh1)" "$1-rh1" "$LL"
    CR=$CAP_PID
}
captures_check()
{
    capture_stop "$CU"
    stop_pid "$CR"
    assert_eq 0 "$(frame_count "$1-up")" "$1: link-local frames from vm1 at the uplink's peer"
    assert_eq 0 "$(frame_count "$1-rh1")" "$1: link-local frames from vm1 at rh1"
}

assert_ping vm1 198.18.0.2
assert_ping vm1 198.18.0.10

log "A. bpdu-guard=no"
l0=$(drops "$P1" link-local)
captures A
bpdu --count 5
lacpdu --count 5
pause --count 5
captures_check A
l1=$(drops "$P1" link-local)
assert_eq 15 "$((l1 - l0))" "A: vm1 drops.link-local"
assert_eq enabled "$(port_admin "$P1")" "A: vm1's port admin-state"
assert_ping vm1 198.18.0.10

log "B. bpdu-guard=yes"
ctl_ok set-port "$P1" bpdu-guard=yes
captures B
lacpdu --count 5
pause --count 5
sleep 0.5
assert_eq enabled "$(port_admin "$P1")" "B: vm1's admin-state after LACPDUs and pause frames"
assert_ping vm1 198.18.0.2
bpdu --count 1
not_enabled() { [[ $(port_admin "$P1") != enabled ]]; }
wait_for 3 not_enabled \
    || fail "B: vm1's port still enabled 3 s after a BPDU with bpdu-guard=yes"
state=$(port_admin "$P1")
log "B: vm1's port admin-state after one BPDU: '$state'; show: $(ctl show | grep -F "$P1")"
assert_ne enabled "$state" "B: vm1's port admin-state after one BPDU"
assert_ne disabled "$state" "B: vm1's port admin-state after one BPDU (the guard's, not the operator's)"
ctl show | grep -F "$P1" | grep -qi bpdu \
    || fail "B: show does not say the BPDU guard blocked vm1's port: $(ctl show | grep -F "$P1")"
g0=$(drops "$P1" "$DROP_BPDU_GUARD")
assert_no_ping vm1 198.18.0.2
g1=$(drops "$P1" "$DROP_BPDU_GUARD")
assert_cmp "$((g1 - g0))" -ge 5 "B: vm1 drops.$DROP_BPDU_GUARD (its echo requests)"
assert_no_ping vm2 198.18.0.1
assert_no_ping vm1 198.18.0.10
captures_check B
grep -E "\\|warn\\|[a-z-]+\\|.*$P1" "$VST_LOG" \
    || fail "B: no warning naming $P1 in the daemon's log"
log "ok: B: the daemon warned about $P1"

log "C. set-port enabled=yes"
ctl_ok set-port "$P1" enabled=yes
wait_for 3 test "$(port_admin "$P1")" = enabled \
    || fail "C: vm1's port admin-state is '$(port_admin "$P1")' after enabled=yes"
wait_port "$P1" up
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1
assert_ping vm1 198.18.0.10
log "PASS"
