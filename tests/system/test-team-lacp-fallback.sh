#!/usr/bin/env bash
# test-team-lacp-fallback: team bond0 (mode=lacp, policy=hash, lacp-rate=
# fast, the default lacp-fallback=active-backup) behind an upstream switch
# that does not speak LACP: Open vSwitch's bond with lacp=off,
# bond_mode=active-backup (lacp-lib.sh draws the world).
#   - No partner answers: the team's LACP status becomes "fallback"
#     (time printed), one member carries, and ping and UDP pass both ways
#     between vm1 and rh1.  (Open vSwitch's active-backup bond takes in
#     frames only on its active member: the test makes it the peer of the
#     member our team chose, as the cabling of a real host would.)
#   - lacp-fallback=none: the status becomes "down", no member carries,
#     and neither ping nor UDP passes, either way.
#   - lacp-fallback=active-backup again: back to "fallback", traffic passes.
#   - Open vSwitch's bond turns LACP on (lacp=active, fast,
#     bond_mode=balance-tcp): the team leaves fallback and negotiates, both
#     members carry (time printed), traffic passes; team/events holds an
#     LACP line for each change.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lacp-lib.sh
. "$(dirname "$0")/lacp-lib.sh"
vst_init
require_ovs

FLOWS=64
COUNT=5                 # Datagrams per flow.
SEQ=0                   # Captures and port ranges of udp_delivered.
DELIVERED=              # What the last udp_delivered counted.

lacp_upstream_world lacp=off bond_mode=active-backup \
    other_config:bond-detect-mode=carrier -- policy=hash hash-fields=l34 \
    mode=lacp lacp-rate=fast rebalance=0
U1=$(member u1)
U2=$(member u2)

# udp_delivered FROM DST-IP TO: FLOWS UDP flows of COUNT datagrams from
# host FROM to DST-IP, host TO's address; sets DELIVERED to how many TO
# received (captured as they come in on its device).  (Not to be called
# in a command substitution: the capture must be stopped by this shell.)
udp_delivered()
{
    local from=$1 dst=$2 to=$3 src sent
    SEQ=$((SEQ + 1))
    src=198.18.0.1
    [[ $from == rh1 ]] && src=$(rh_ip 1)
    tcap_start "$to" "$(dev_of "$to")" "udp$SEQ" in \
        "udp and src host $src and dst host $dst"
    sent=$(in_ns "$from" timeout 60 "$VST_PY" \
        "$VST_SYSDIR/team-udp-flows.py" --dst "$dst" --flows "$FLOWS" \
        --count "$COUNT" --sport $((20000 + SEQ * 100)) \
        --dport $((30000 + SEQ * 100)) 2>"$VST_TMP/udp$SEQ.err") \
        || fail "the UDP sender in $from failed: \
$(cat "$VST_TMP/udp$SEQ.err")"
    [[ $sent == $((FLOWS * COUNT)) ]] \
        || fail "$from sent $sent datagrams, not $((FLOWS * COUNT))"
    sleep 0.3
    capture_stop "$CAP_PID"
    DELIVERED=$(frame_count "udp$SEQ")
}

# carriers: the members lacp/show says carry, on one line.
carriers()
{
    lacp_json "' '.join(x['name'] for x in t['members'] if x['carries'])"
}

# one_carries: exactly one member carries.
# shellcheck disable=SC2317 # called through wait_for
one_carries()
{
    local c
    c=$(carriers)
    [[ -n $c && $c != *" "* ]]
}

# both_carry: both members carry.
# shellcheck disable=SC2317 # called through time_until
both_carry()
{
    [[ $(carriers) == "$U1 $U2" || $(carriers) == "$U2 $U1" ]]
}

# traffic_passes: ping and UDP both ways between vm1 and rh1.
traffic_passes()
{
    assert_ping vm1 "$(rh_ip 1)"
    assert_ping rh1 198.18.0.1
    udp_delivered vm1 "$(rh_ip 1)" rh1
    assert_eq "$((FLOWS * COUNT))" "$DELIVERED" \
        "UDP datagrams vm1 -> rh1 delivered"
    udp_delivered rh1 198.18.0.1 vm1
    assert_eq "$((FLOWS * COUNT))" "$DELIVERED" \
        "UDP datagrams rh1 -> vm1 delivered"
}

# fallback_active: waits for status fallback with one member carrying,
# makes Open vSwitch's active member that member's peer; sets ACTIVE.
fallback_active()
{
    local c
    wait_for 10 one_carries \
        || lfail "in fallback, the members carrying are '$(carriers)', \
expected one"
    ACTIVE=$(carriers)
    log "fallback: $ACTIVE carries ($(lacp_json "m['$ACTIVE']['status']"))"
    ovs_appctl bond/set-active-member "$OVS_BOND" "$(phys_peer "$ACTIVE")" \
        >/dev/null || fail "cannot make $(phys_peer "$ACTIVE") Open \
vSwitch's active member"
    c=$(lacp_json "' '.join(x['name'] + ':' + x['why'] for x in \
t['members'] if not x['carries'])")
    log "not carrying: $c"
}

# 1. No partner: fallback to active-backup.
ev0=$(ctl team/events "$TEAM" | grep -ci lacp)
ms=$(time_until 60 lacp_status_is fallback) \
    || lfail "team $TEAM is not in fallback 60 s after it was made"
log "fallback: status fallback $(ms_to_s "$ms") s after add-team"
assert_eq active-backup "$(lacp_json "t['fallback']")" "lacp-fallback"
fallback_active
for u in "$U1" "$U2"; do
    assert_eq 0 "$(lacp_json "m['$u']['pdus-received']")" \
        "LACPDUs received on $u"
    assert_cmp "$(lacp_json "m['$u']['pdus-sent']")" -gt 0 \
        "LACPDUs sent on $u (lacp=active)"
done
traffic_passes
ev1=$(ctl team/events "$TEAM" | grep -ci lacp)
assert_cmp "$ev1" -gt "$ev0" "team/events lines on lacp (fallback)"

# 2. lacp-fallback=none: down, nothing passes.
ctl_ok set-team "$TEAM" lacp-fallback=none
ms=$(time_until 10 lacp_status_is down) \
    || lfail "team $TEAM is not down 10 s after lacp-fallback=none"
log "lacp-fallback=none: status down after $(ms_to_s "$ms") s"
assert_eq "" "$(carriers)" "members carrying with lacp-fallback=none"
assert_no_ping vm1 "$(rh_ip 1)"
assert_no_ping rh1 198.18.0.1
udp_delivered vm1 "$(rh_ip 1)" rh1
assert_eq 0 "$DELIVERED" "UDP datagrams vm1 -> rh1 delivered while down"
udp_delivered rh1 198.18.0.1 vm1
assert_eq 0 "$DELIVERED" "UDP datagrams rh1 -> vm1 delivered while down"
ev2=$(ctl team/events "$TEAM" | grep -ci lacp)
assert_cmp "$ev2" -gt "$ev1" "team/events lines on lacp (down)"

# 3. lacp-fallback=active-backup again.
ctl_ok set-team "$TEAM" lacp-fallback=active-backup
ms=$(time_until 10 lacp_status_is fallback) \
    || lfail "team $TEAM is not in fallback 10 s after \
lacp-fallback=active-backup"
log "lacp-fallback=active-backup: status fallback after $(ms_to_s "$ms") s"
fallback_active
traffic_passes

# 4. The upstream switch speaks LACP: the team negotiates.
ev3=$(ctl team/events "$TEAM" | grep -ci lacp)
T0=$(now_ms)
ovs_ctl_ok set port "$OVS_BOND" lacp=active bond_mode=balance-tcp \
    other_config:lacp-time=fast
ms=$(TIME_UNTIL_T0=$T0 time_until 30 lacp_status_is negotiated) \
    || lfail "team $TEAM did not negotiate 30 s after Open vSwitch turned \
LACP on"
log "negotiated $(ms_to_s "$ms") s after Open vSwitch turned LACP on"
ms=$(TIME_UNTIL_T0=$T0 time_until 30 both_carry) \
    || lfail "both members do not carry 30 s after Open vSwitch turned \
LACP on: '$(carriers)'"
log "both members carry $(ms_to_s "$ms") s after Open vSwitch turned LACP on"
wait_for 10 ovs_lacp_negotiated \
    || lfail "Open vSwitch's bond is not negotiated: \
$(ovs_lacp_field "$OVS_BOND" status)"
assert_eq "$(ovs_lacp_field "$OVS_BOND" sys_id)" \
    "$(lacp_json "m['$U1']['partner']['system-id'].lower()")" \
    "partner system id of $U1 (Open vSwitch's)"
traffic_passes
assert_cmp "$(ctl team/events "$TEAM" | grep -ci lacp)" -gt "$ev3" \
    "team/events lines on lacp (negotiated)"
ctl team/events "$TEAM" | grep -i lacp | tail -n 6 | sed 's/^/    /'
exit 0
