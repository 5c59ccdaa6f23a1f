#!/usr/bin/env bash
# test-port-mac-security: source MAC security per port (issue 9,
# allowed-macs and mac-security=strict).
#
#   vm1 (allowed-macs=its MAC) --+
#   vm2 -------------------------+-- switch -- uplink == phys -- rh1
#   vm3 (strict) ----------------+
#
# A. vm1 sends broadcasts and unicasts to vm2 from a forged source MAC:
#    nothing of them reaches vm2, vm3 or the uplink's peer (tcpdump on
#    each), the forged MAC is not in fdb/show, vm1's drops.mac-security
#    counts every one; vm1's own MAC still works (pings to vm2 and rh1).
#    Then allowed-macs=any: the same frames reach vm2 (the captures see
#    what they should).
# B. vm3 has allowed-macs=its MAC, mac-security=strict: unknown unicast
#    flooded from vm1 to another MAC reaches vm2 but not vm3; frames to
#    vm3's own MAC and broadcasts still do (ping).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init

port_world --uplink vm1 vm2 vm3
M1=$(vm_mac vm1)
M2=$(vm_mac vm2)
M3=$(vm_mac vm3)
FORGED=02:00:00:00:0f:01
OTHER=02:00:00:00:0e:01     # A MAC nobody has: unknown unicast.
attach br0 vm1 "allowed-macs=$M1"
attach br0 vm2
attach br0 vm3 "allowed-macs=$M3" mac-security=strict

has_mac() { [[ $(fdb_json br0 "any(e['mac'] == '$1' for e in d['entries'])") == True ]]; }

log "A. forged source from vm1"
assert_ping vm1 198.18.0.2
assert_ping vm1 198.18.0.10
d0=$(drops "$(port_of vm1)" "$DROP_MAC_SECURITY")
capture_start vm2 "$(dev_of vm2)" a-vm2 "ether src $FORGED"
c2=$CAP_PID
capture_start vm3 "$(dev_of vm3)" a-vm3 "ether src $FORGED"
c3=$CAP_PID
capture_start phys "$(dev pup)" a-up "ether src $FORGED"
cu=$CAP_PID
send_frames vm1 --src "$FORGED" --dst ff:ff:ff:ff:ff:ff --count 10
send_frames vm1 --src "$FORGED" --dst "$M2" --count 10
# An IPv4 packet too (the check is on the source MAC, whatever it carries).
send_frames vm1 --src "$FORGED" --dst "$M2" --type 0x0800 --count 5
sleep 0.5
has_forged=$(has_mac "$FORGED" && echo yes || echo no)
capture_stop "$c2"
stop_pid "$c3"
stop_pid "$cu"
d1=$(drops "$(port_of vm1)" "$DROP_MAC_SECURITY")
log "vm1 drops.$DROP_MAC_SECURITY: $d0 -> $d1"
assert_eq 0 "$(frame_count a-vm2)" "forged frames at vm2"
assert_eq 0 "$(frame_count a-vm3)" "forged frames at vm3"
assert_eq 0 "$(frame_count a-up)" "forged frames at the uplink's peer"
assert_eq no "$has_forged" "forged MAC $FORGED in fdb/show"
assert_eq 25 "$((d1 - d0))" "vm1 drops.$DROP_MAC_SECURITY"
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1
has_mac "$M1" || fail "vm1's own MAC is not learned: $(ctl fdb/show br0)"
log "ok: vm1's own MAC learned"

log "A'. allowed-macs=any: the same frames pass"
ctl_ok set-port "$(port_of vm1)" allowed-macs=any
capture_start vm2 "$(dev_of vm2)" a2-vm2 "ether src $FORGED"
send_frames vm1 --src "$FORGED" --dst ff:ff:ff:ff:ff:ff --count 10
capture_stop "$CAP_PID"
assert_eq 10 "$(frame_count a2-vm2)" "frames from $FORGED at vm2 with allowed-macs=any"
wait_for 3 has_mac "$FORGED" \
    || fail "$FORGED not learned with allowed-macs=any: $(ctl fdb/show br0)"
log "ok: $FORGED learned with allowed-macs=any"

log "B. vm3 strict: frames to a MAC not allowed on it are not delivered"
assert_ping vm1 198.18.0.3
assert_ping vm3 198.18.0.2
capture_start vm2 "$(dev_of vm2)" b-vm2 "ether dst $OTHER"
c2=$CAP_PID
capture_start vm3 "$(dev_of vm3)" b-vm3 "ether dst $OTHER or ether dst $M3"
c3=$CAP_PID
x0=$(drops "$(port_of vm1)" dst-mac)
send_frames vm1 --src "$M1" --dst "$OTHER" --count 10
send_frames vm1 --src "$M1" --dst "$M3" --count 10
capture_stop "$c2"
capture_stop "$c3"
log "B: vm1 drops.dst-mac +$(($(drops "$(port_of vm1)" dst-mac) - x0)) (the \
copies not flooded to vm3; not checked)"
assert_eq 10 "$(frame_count b-vm2)" "unknown unicast to $OTHER at vm2 (not strict)"
assert_eq 0 "$(frame_count b-vm3 "ether dst $OTHER")" \
    "unknown unicast to $OTHER at vm3 (strict)"
assert_eq 10 "$(frame_count b-vm3 "ether dst $M3")" "frames to vm3's own MAC at vm3"
log "PASS"
