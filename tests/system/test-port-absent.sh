#!/usr/bin/env bash
# test-port-absent: a port may be added before its device exists (a VM's
# port provisioned before its first boot).
#   - add-port of a name with no device is accepted, and its reply says
#     the device does not exist yet; --json gives the state "absent";
#   - show (text and --json) says absent; the configuration file has the
#     port; list-ports lists it;
#   - the daemon is restarted while the device is still missing: the port
#     is still there, absent;
#   - the veth pair is created (ip link add): the port is attached, comes
#     up, and the VM pings a VM on another port of the bridge;
#   - what is still refused: type=internal on a device the daemon did not
#     make (its device cannot be created), and the loopback device.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
ns_add vm1
vm_add vm2 198.18.0.2/24
P1=$(port_of vm1)
P2=$(port_of vm2)
P3=$(dev later)
sw_start
ctl_ok add-br br0
attach br0 vm2 vlan=10

log "add-port of $P1, which has no device yet"
ip -n "$(ns sw)" link show "$P1" >/dev/null 2>&1 \
    && fail "device $P1 exists already"
out=$(ctl add-port br0 "$P1" vlan=10 2>&1) \
    || fail "add-port of a device that does not exist yet was refused: $out"
assert_eq "port $P1 added to br0; device $P1 does not exist yet: attached when it appears" \
    "$out" "reply of add-port"
assert_eq absent "$(port_state "$P1")" "state of $P1 in show --json"
line=$(ctl show | grep "port $P1:")
[[ $line == *", absent"* ]] || fail "show does not say $P1 is absent: $line"
log "ok: show: $line"
grep -qx "\[port $P1\]" "$VST_CONF" || fail "$P1 is not in the configuration file"
ctl list-ports br0 | grep -qx "$P1" || fail "list-ports br0 does not list $P1"

json=$(ctl --json add-port br0 "$P3" vlan=10) \
    || fail "add-port --json of a device that does not exist yet was refused"
assert_eq "$P3 br0 absent" \
    "$(json "' '.join([d['name'], d['bridge'], d['state']])" <<<"$json")" \
    "name, bridge and state of add-port --json"
ctl_ok del-port "$P3"

log "restart while $P1 has no device"
sw_signal TERM
assert_eq 0 "$SW_STATUS" "exit status after SIGTERM"
sw_start
assert_eq absent "$(port_state "$P1")" "state of $P1 after the restart"
assert_eq up "$(port_state "$P2")" "state of $P2 after the restart"

log "the device appears: veth $P1 in the switch's namespace, its peer in vm1"
vm_plug vm1 198.18.0.1/24
wait_port "$P1" up
assert_ping vm1 198.18.0.2

log "still refused: type=internal on a device the daemon did not make, and lo"
OTHER=$(dev other)
veth_add sw "$OTHER" vm1 "$(dev gother)"
out=$(ctl add-port br0 "$OTHER" type=internal 2>&1) \
    && fail "type=internal on $OTHER, a veth of the test's, was accepted: $out"
log "ok: refused: $out"
out=$(ctl add-port br0 lo 2>&1) && fail "add-port of lo was accepted: $out"
log "ok: refused: $out"
ctl list-ports br0 | grep -qx -e "$OTHER" -e lo \
    && fail "a refused port was added"
exit 0
