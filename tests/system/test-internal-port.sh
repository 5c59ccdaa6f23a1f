#!/usr/bin/env bash
# test-internal-port: the host's own port (add-port ... type=internal) on
# VLAN 100, over a team of two uplinks.
#   - add-port creates the device pair in the daemon's namespace: the
#     host's end NAME (a veth, up) and the switch's end vsi-XXXXXXXX;
#     `show` says the port is internal; the host's address on NAME
#     (198.18.100.1/24) reaches remote host rh1 on VLAN 100 (a scapy
#     responder: this kernel has no VLAN devices);
#   - refusals: a change of the type (set-port NAME type=system), and
#     type=internal on a device the daemon did not create (a veth with
#     another peer), which is left alone;
#   - the cable of the member carrying the port is pulled while the host
#     pings rh1 every millisecond: at most MAX_LOSS_MS of loss, that is
#     at most that many echo requests in a row unanswered (the outage
#     printed, from the reply before the loss to the reply after it, and
#     the longest time between two replies are logged, not asserted: they
#     include the pauses of the scapy responder, which answers every 2-3
#     ms and sometimes stalls for tens of ms, pull or not, longer on an
#     ASan build), the port moves to the other member, which
#     announces the host's MAC tagged with VLAN 100;
#   - the daemon is stopped (SIGTERM) and started again: the device and its
#     address are still there (the daemon's exit leaves them) and the ping
#     works again through the re-attached port;
#   - the device is deleted while the daemon is stopped: the daemon's start
#     re-creates the pair from its configuration file, and the host, its
#     address put back, reaches rh1 through it;
#   - del-port removes both ends of the pair, and so does del-br.
# The namespaces' deletion by the cleanup removes the pair on failure.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init
require_scapy

COUNT=3000
MAX_LOSS_MS=${MAX_LOSS_MS:-10}
HOST_IP=198.18.100.1
RH_IP=198.18.100.101

team_world 0 2 -- policy=src-port failback=no rebalance=0
HP=$(dev h1)

# Remote host rh1 on VLAN 100: this kernel has no VLAN devices, so a scapy
# responder answers ARP and echo requests tagged 100 on rh1's link.
responder_start rh1 100 "$RH_IP"

# The device the daemon creates.
ctl_ok add-port "$TEAM_BR" "$HP" type=internal vlan=100
in_ns sw ip -d link show "$HP" | grep -q veth \
    || fail "$HP is not a veth: $(in_ns sw ip -d link show "$HP" 2>&1)"
PEER=$(in_ns sw ip -o link show | sed -n "s/^[0-9]*: \([^@:]*\)@$HP:.*/\1/p")
[[ $PEER == vsi-???????? ]] || fail "peer of $HP is '$PEER', expected \
vsi-XXXXXXXX: $(in_ns sw ip -o link show)"
log "ok: add-port created $HP and its peer $PEER"
wait_port "$HP" up
ctl show | grep -q "port $HP: internal, access vlan=100, up" \
    || fail "show does not say $HP is internal: $(ctl show)"
assert_eq internal "$(ctl --json show | json "[p['type'] for b in \
d['bridges'] for p in b['ports'] if p['name'] == '$HP'][0]")" \
    "show --json type of $HP"
ip -n "$(ns sw)" addr add "$HOST_IP/24" dev "$HP" \
    || fail "cannot put $HOST_IP on $HP"
wait_for 10 ping_reaches sw "$RH_IP" \
    || fail "the host ($HOST_IP on $HP) does not reach rh1 ($RH_IP)"
assert_ping sw "$RH_IP"

# Refusals.
out=$(ctl set-port "$HP" type=system 2>&1) \
    && fail "set-port $HP type=system was accepted: $out"
[[ $out == *"type cannot change"* ]] \
    || fail "set-port $HP type=system: unexpected message: $out"
log "ok: type change refused: $out"
FX=$(dev fx)
# A veth, but not the daemon's: its peer is not vsi-XXXXXXXX.
ip -n "$(ns sw)" link add "$FX" type veth peer name "$(dev fy)" \
    || fail "cannot create $FX"
out=$(ctl add-port "$TEAM_BR" "$FX" type=internal 2>&1) \
    && fail "add-port $FX type=internal was accepted on a veth of \
someone else: $out"
[[ $out == *"not an internal port"* ]] \
    || fail "add-port $FX type=internal: unexpected message: $out"
in_ns sw ip link show "$FX" | grep -q "$FX@$(dev fy)" \
    || fail "the veth $FX was touched"
log "ok: foreign device refused: $out"

# Cable pull of the member carrying the host's port.
HP_MAC=$(in_ns sw cat "/sys/class/net/$HP/address")
ip -n "$(ns sw)" neigh replace "$RH_IP" lladdr "$(rh_mac 1)" nud permanent \
    dev "$HP"
OLD=$(carrier_of "$HP")
[[ -n $OLD ]] || tfail "no member carries $HP"
NEW=$(member u1)
[[ $OLD == "$NEW" ]] && NEW=$(member u2)
log "$HP is on $OLD; $OLD's cable will be pulled, $NEW takes over"
tcap_start phys "$(phys_peer "$NEW")" ann in ""
pull_under_ping sw "$RH_IP" "$COUNT" fo "$OLD"
capture_stop "$CAP_PID"
read -r sent got lost run outage_us gap_us < <(outage fo "$COUNT")
log "outage: $(us_to_ms "$outage_us") ms ($lost of $sent echo requests" \
    "unanswered, longest run $run; longest time between two replies" \
    "$(us_to_ms "$gap_us") ms)"
((lost)) && log "unanswered icmp_seq: $(unanswered fo "$COUNT")"
assert_eq "$COUNT" "$sent" "echo requests sent"
assert_cmp "$run" -le "$MAX_LOSS_MS" \
    "echo requests (1 ms apart) unanswered in a row"
assert_cmp "$got" -gt 0 "echo replies"
wait_carrier "$HP" "$NEW" 5
assert_cmp "$(capture_count ann "vlan 100 and rarp and ether src $HP_MAC")" \
    -ge 1 "announcements of the host's MAC tagged with VLAN 100 on $NEW"
assert_ping sw "$RH_IP"

# A restart of the daemon leaves the device and the host's address.
sw_signal TERM
in_ns sw ip -o addr show dev "$HP" | grep -q "inet $HOST_IP/" \
    || fail "$HP or its address is gone after the daemon's exit: \
$(in_ns sw ip addr show dev "$HP" 2>&1)"
log "ok: $HP keeps $HOST_IP while the daemon is stopped"
sw_start
wait_port "$HP" up
in_ns sw ip -o addr show dev "$HP" | grep -q "inet $HOST_IP/" \
    || fail "$HP lost its address at the daemon's start"
wait_for 10 ping_reaches sw "$RH_IP" \
    || fail "the host does not reach rh1 after the restart"
assert_ping sw "$RH_IP"

# Deleted while the daemon is stopped: its start re-creates the pair from
# the configuration file (the host's address went with the device).
sw_signal TERM
ip -n "$(ns sw)" link del "$HP" || fail "cannot delete $HP"
in_ns sw ip link show "$PEER" >/dev/null 2>&1 \
    && fail "$PEER outlived its peer $HP"
sw_start
wait_port "$HP" up
in_ns sw ip link show "$PEER" >/dev/null 2>&1 \
    || fail "the daemon's start did not re-create $PEER: $(in_ns sw ip -o link show)"
log "ok: the daemon's start re-created $HP and $PEER"
ip -n "$(ns sw)" addr add "$HOST_IP/24" dev "$HP" \
    || fail "cannot put $HOST_IP on the re-created $HP"
wait_for 10 ping_reaches sw "$RH_IP" \
    || fail "the host does not reach rh1 through the re-created $HP"
assert_ping sw "$RH_IP"

# del-port removes both ends.
# pair_gone COMMAND: both ends of the pair are gone after COMMAND.
pair_gone()
{
    local d
    for d in "$HP" "$PEER"; do
        in_ns sw ip link show "$d" >/dev/null 2>&1 \
            && fail "$d still exists after $1"
    done
    log "ok: $1 removed $HP and $PEER"
}
ctl_ok del-port "$HP"
pair_gone del-port

# del-br removes the pairs of its internal ports too.
ctl_ok add-port "$TEAM_BR" "$HP" type=internal vlan=100
in_ns sw ip link show "$PEER" >/dev/null 2>&1 || fail "$PEER not re-created"
ctl_ok del-br "$TEAM_BR"
pair_gone del-br
exit 0
