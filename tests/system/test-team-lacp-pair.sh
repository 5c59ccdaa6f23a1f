#!/usr/bin/env bash
# test-team-lacp-pair: two of our daemons as each other's LACP partner.
#
#   vm1 -- [A: PREFIX-sw]  u1 ====== v1  [B: PREFIX-swb] -- vm2
#            team bond0    u2 ====== v2    team bond0
#                          u3 ------ w1  [C: PREFIX-swc]  (added later)
#                                           team bond0 of w1, w2 (w2's
#                                           peer w2p sits in PREFIX-swc)
#
# Each daemon runs in its own namespace with its own files (lib.sh's
# sw_use); every team is mode=lacp policy=hash lacp-rate=fast.
#   - A and B negotiate: each shows the other's system id, key and port
#     numbers as partner on both members, both members carry on both
#     sides, vm1 (198.18.0.1) and vm2 (198.18.0.2) ping each other.
#   - Miscabling: A's third member u3 is cabled to daemon C, another LACP
#     system.  A shows C as u3's partner and keeps u3 out (why
#     other-partner, not selected, not carrying) while u1 and u2 go on
#     carrying, and vm1 still reaches vm2.  Broadcasts sent into u3 from
#     C's side do not reach vm1 (u3 does not collect); the same sent into
#     u1 from B's side do.
#   - u1 disabled by the operator on A: what B still sends into u1 reaches
#     vm1 (a drained member sends nothing but still collects).
#   - A restart of A (SIGTERM, start again from its configuration file)
#     keeps mode=lacp and its keys: A negotiates again with B, keeps u3
#     out, and vm1 reaches vm2.
#   - u2 removed and u4 (cabled to no LACP system) added in its slot: u4
#     never comes into use.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lacp-lib.sh
. "$(dirname "$0")/lacp-lib.sh"
vst_init

SETTINGS=(policy=hash hash-fields=l34 mode=lacp lacp-rate=fast rebalance=0)
U1=$(dev u1)
U2=$(dev u2)
U3=$(dev u3)
V1=$(dev v1)
V2=$(dev v2)
W1=$(dev w1)
W2=$(dev w2)

# A world of three switches; vm2 hangs off B.
sw_ns
ns_add swb
vm_add vm1 198.18.0.1/24
ns_add vm2
veth_add swb "$(port_of vm2)" vm2 "$(dev_of vm2)"
ip -n "$(ns vm2)" link set "$(dev_of vm2)" address "$(vm_mac vm2)"
ip -n "$(ns vm2)" addr add 198.18.0.2/24 dev "$(dev_of vm2)"
ip -n "$(ns vm2)" link set "$(dev_of vm2)" up
veth_add sw "$U1" swb "$V1"
veth_add sw "$U2" swb "$V2"

# team_up DAEMON VM MEMBER...: starts DAEMON (in PREFIX-DAEMON), bridge
# br0 with VM's port (if any) and team bond0 of the members.
team_up()
{
    local d=$1 vm=$2
    shift 2
    sw_use "$d"
    sw_start
    ctl_ok add-br "$TEAM_BR"
    [[ -n $vm ]] && attach "$TEAM_BR" "$vm"
    ctl_ok add-team "$TEAM_BR" "$TEAM" "$@" "${SETTINGS[@]}"
    log "daemon $d: team $TEAM of $* (${SETTINGS[*]})"
    sw_use sw
}
team_up sw vm1 "$U1" "$U2"
team_up swb vm2 "$V1" "$V2"

# 1. A and B negotiate.
ms=$(time_until 30 lacp_status_is negotiated) \
    || { lacp_report "$TEAM"; sw_on swb lacp_report "$TEAM"; \
         fail "A did not negotiate within 30 s"; }
log "A negotiated $(ms_to_s "$ms") s after B's team was made"
sw_on swb wait_for 30 lacp_status_is negotiated \
    || { lacp_report "$TEAM"; sw_on swb lacp_report "$TEAM"; \
         fail "B did not negotiate within 30 s"; }
for u in "$U1" "$U2"; do
    wait_carries "$u" yes 10
done
for v in "$V1" "$V2"; do
    sw_on swb wait_carries "$v" yes 10
done
A_ID=$(lacp_json "t['actor']['system-id'].lower()")
B_ID=$(sw_on swb lacp_json "t['actor']['system-id'].lower()")
A_KEY=$(lacp_json "t['actor']['key']")
B_KEY=$(sw_on swb lacp_json "t['actor']['key']")
log "A is system $A_ID key $A_KEY, B is $B_ID key $B_KEY"
assert_ne "$A_ID" "$B_ID" "B's system id"
# pair A-MEMBER B-MEMBER: each side names the other as partner.
pair()
{
    local a=$1 b=$2
    assert_eq "$B_ID $B_KEY $(sw_on swb lacp_json "m['$b']['actor']['port']")" \
        "$(lacp_json "'%s %s %s' % (m['$a']['partner']['system-id'].lower(),
            m['$a']['partner']['key'], m['$a']['partner']['port'])")" \
        "A's partner on $a (B's system, key and port of $b)"
    assert_eq "$A_ID $A_KEY $(lacp_json "m['$a']['actor']['port']")" \
        "$(sw_on swb lacp_json "'%s %s %s' % (
            m['$b']['partner']['system-id'].lower(),
            m['$b']['partner']['key'], m['$b']['partner']['port'])")" \
        "B's partner on $b (A's system, key and port of $a)"
}
pair "$U1" "$V1"
pair "$U2" "$V2"
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1

# 2. Miscabling: A's u3 goes to C, another LACP system.
ns_add swc
veth_add sw "$U3" swc "$W1"
ip -n "$(ns swc)" link add "$W2" type veth peer name "$(dev w2p)" \
    || fail "cannot create veth $W2"
ip -n "$(ns swc)" link set "$(dev w2p)" up
team_up swc "" "$W1" "$W2"
C_ID=$(sw_on swc lacp_json "t['actor']['system-id'].lower()")
log "C is system $C_ID"
ctl_ok add-team-member "$TEAM" "$U3"

# u3_partner_is_c: A sees C as u3's partner.
# shellcheck disable=SC2317 # called through wait_for
u3_partner_is_c()
{
    [[ $(lacp_json "m['$U3']['partner']['system-id'].lower()") == "$C_ID" ]]
}
wait_for 15 u3_partner_is_c \
    || lfail "A does not show C ($C_ID) as the partner of $U3 within 15 s"
# shellcheck disable=SC2317 # called through wait_for
u3_other_partner()
{
    [[ $(lacp_json "m['$U3']['why']") == other-partner ]]
}
wait_for 10 u3_other_partner \
    || lfail "$U3 is not shown out for another partner within 10 s"
# It stays out while LACPDUs (fast: one a second) go on.
sleep 3
assert_eq "other-partner False no" "$(lacp_json "'%s %s %s' % (
    m['$U3']['why'], m['$U3']['selected'],
    'yes' if m['$U3']['carries'] else 'no')")" \
    "why, selected and carries of $U3 (cabled to C)"
assert_eq negotiated "$(lacp_status)" "A's LACP status"
assert_eq "yes yes" "$(lacp_carries "$U1") $(lacp_carries "$U2")" \
    "$U1 and $U2 carry"
assert_eq 0 "$(buckets_of "$U3")" "buckets of $U3"
assert_cmp "$(lacp_events_of "$U3")" -ge 1 "team/events lines on lacp and $U3"
ctl team/events "$TEAM" | grep -i lacp | grep -- "$U3" | tail -n 3 \
    | sed 's/^/    /'

# What comes in on u3 is not taken in either (out of the aggregator, a
# member neither distributes nor collects): broadcasts sent into u3 from
# C's side do not reach vm1, while the same sent into u1 from B's side do.
# inject NS DEV SRC-MAC: 20 broadcasts of ethertype 0x88b5 from SRC-MAC
# sent on DEV (raw, beside the daemon that owns it).
inject()
{
    in_ns "$1" "$VST_PY" "$VST_SYSDIR/send-frames.py" --iface "$2" \
        --dst ff:ff:ff:ff:ff:ff --src "$3" --type 0x88b5 --count 20 \
        --pace 0.005 >/dev/null || fail "send-frames.py on $2 failed"
}
tcap_start vm1 "$(dev_of vm1)" inject in "ether proto 0x88b5"
inject swb "$V1" 02:00:00:00:0b:01
inject swc "$W1" 02:00:00:00:0c:01
capture_stop "$CAP_PID"
assert_eq 20 "$(frame_count inject "ether src 02:00:00:00:0b:01")" \
    "broadcasts sent into $U1 (carrying) that reached vm1"
assert_eq 0 "$(frame_count inject "ether src 02:00:00:00:0c:01")" \
    "broadcasts sent into $U3 (out: other-partner) that reached vm1"
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1

# The operator drains u1 on A (team/set-member disable): A sends nothing
# on it, but its LACP still has the link collecting, and B may go on
# sending there: what arrives on u1 must still reach vm1, not be lost.
ctl_ok team/set-member "$TEAM" "$U1" disable
tcap_start vm1 "$(dev_of vm1)" drain in "ether proto 0x88b5"
inject swb "$V1" 02:00:00:00:0b:02
capture_stop "$CAP_PID"
assert_eq 20 "$(frame_count drain "ether src 02:00:00:00:0b:02")" \
    "broadcasts sent into $U1 (disabled by the operator) that reached vm1"
ctl_ok team/set-member "$TEAM" "$U1" enable
wait_carries "$U1" yes 10

# The LACP settings are in A's configuration file: after a restart A
# negotiates again, with the same rate, and keeps u3 out.
sw_signal TERM
sw_start
wait_lacp_status negotiated 10
wait_carries "$U1" yes 10
wait_carries "$U2" yes 10
wait_for 10 u3_other_partner \
    || lfail "after a restart, $U3 is not shown out for another partner"
assert_eq "fast active-backup" "$(lacp_json "t['rate'] + ' ' + t['fallback']")" \
    "A's lacp-rate and lacp-fallback after a restart"
assert_ping vm1 198.18.0.2

# A member added in a removed member's slot starts without that member's
# LACP verdict: u4, cabled to no LACP system, never comes into use, not
# even for a moment (u2's slot said "carries").
U4=$(dev u4)
veth_add sw "$U4" swb "$(dev v4)"
ip -n "$(ns swb)" link set "$(dev v4)" up   # u4 has carrier
ctl_ok del-team-member "$TEAM" "$U2"
ctl_ok add-team-member "$TEAM" "$U4"
sleep 1
assert_eq no-partner "$(lacp_json "m['$U4']['why']")" \
    "why $U4 does not carry (its link is up: LACP alone keeps it out)"
assert_eq no "$(lacp_carries "$U4")" "$U4 (no partner) carries"
assert_eq 0 "$(ctl team/events "$TEAM" | grep -c "member $U4: .*-> up")" \
    "team/events lines of $U4 coming into use"
assert_ping vm1 198.18.0.2
exit 0
