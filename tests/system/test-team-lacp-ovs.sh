#!/usr/bin/env bash
# test-team-lacp-ovs: team bond0 (mode=lacp, policy=hash, lacp-rate=fast)
# against Open vSwitch's userspace datapath as the upstream switch: a bond
# with lacp=active, lacp-time=fast, bond_mode=balance-tcp over the peers of
# our two members (lacp-lib.sh draws the world; ovs-lib.sh starts Open
# vSwitch privately).
#   - Both sides negotiate and show each other as partner: our lacp/show
#     --json names Open vSwitch's system id (as its lacp/show prints it)
#     and each member's partner port the port id Open vSwitch gives the
#     peer; Open vSwitch names our system id and port on each member.
#   - 64 UDP flows vm1 -> rh1 spread over both members exactly as team/hash
#     predicts (every datagram captured on the predicted member's peer).
#   - Open vSwitch's LACPDUs on the peer of one member (OUT) are taken away
#     while the link stays up (tc, lacp_drop): within MAX_TIMEOUT_MS at the
#     fast rate (3 s time-out) lacp/show says OUT no longer carries
#     (measured and printed), its partner state expired or defaulted, and
#     only OUT's buckets moved, to the other member: the other member keeps
#     every bucket it had; the flows go to the other member.  team/events
#     says so.
#   - The LACPDUs pass again: OUT carries again (time printed), both
#     members carry flows as team/hash says.
#   - No LACPDU reaches vm1.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lacp-lib.sh
. "$(dirname "$0")/lacp-lib.sh"
vst_init
require_ovs
require_cmd tc

FLOWS=64
COUNT=10                # Datagrams per flow.
MAX_TIMEOUT_MS=${MAX_TIMEOUT_MS:-3500}

lacp_upstream_world lacp=active other_config:lacp-time=fast \
    bond_mode=balance-tcp -- policy=hash hash-fields=l34 mode=lacp \
    lacp-rate=fast rebalance=0
U1=$(member u1)
U2=$(member u2)
P1=$(phys_peer "$U1")
P2=$(phys_peer "$U2")
tcap_start vm1 "$(dev_of vm1)" vm-lacp in "ether proto 0x8809"
VM_CAP=$CAP_PID

# 1. Negotiation, seen from both sides.
ms=$(time_until 30 lacp_status_is negotiated) \
    || lfail "team $TEAM did not negotiate with Open vSwitch within 30 s"
log "negotiated with Open vSwitch $(ms_to_s "$ms") s after add-team returned"
wait_carries "$U1" yes 10
wait_carries "$U2" yes 10
wait_for 10 ovs_lacp_negotiated \
    || lfail "Open vSwitch's bond is not negotiated: \
$(ovs_lacp_field "$OVS_BOND" status)"
for p in "$P1" "$P2"; do
    wait_for 10 ovs_lacp_member_is "$p" current \
        || lfail "Open vSwitch's member $p: $(ovs_lacp_field "$OVS_BOND" \
"$p" member)"
    wait_for 10 ovs_member_enabled "$OVS_BOND" "$p" \
        || lfail "Open vSwitch's member $p is not enabled"
done
assert_eq "active fast active-backup" "$(lacp_json "' '.join((
    t['lacp'], t['rate'], t['fallback']))")" "lacp, rate and fallback"

OVS_SYSID=$(ovs_lacp_field "$OVS_BOND" sys_id)
[[ $OVS_SYSID =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] \
    || lfail "no system id in Open vSwitch's lacp/show: '$OVS_SYSID'"
OUR_SYSID=$(lacp_json "t['actor']['system-id'].lower()")
log "system ids: ours $OUR_SYSID, Open vSwitch's $OVS_SYSID"
mac1=$(member_mac "$U1")
mac2=$(member_mac "$U2")
[[ $OUR_SYSID == "$mac1" || $OUR_SYSID == "$mac2" ]] \
    || lfail "our system id $OUR_SYSID is neither member's MAC ($mac1, $mac2)"
for u in "$U1" "$U2"; do
    p=$(phys_peer "$u")
    assert_eq "$OVS_SYSID" "$(lacp_json "m['$u']['partner']['system-id']\
.lower()")" "partner system id of $u"
    assert_eq "$(ovs_lacp_field "$OVS_BOND" "$p" port_id)" \
        "$(lacp_json "m['$u']['partner']['port']")" \
        "partner port of $u (Open vSwitch's port id of $p)"
    assert_eq "$OUR_SYSID" "$(ovs_lacp_field "$OVS_BOND" "$p" \
        "partner sys_id")" "Open vSwitch's partner system id on $p"
    assert_eq "$(lacp_json "m['$u']['actor']['port']")" \
        "$(ovs_lacp_field "$OVS_BOND" "$p" "partner port_id")" \
        "Open vSwitch's partner port on $p (our port of $u)"
    assert_eq "current True" "$(lacp_json "'%s %s' % (m['$u']['status'],
        m['$u']['selected'])")" "status and selection of $u"
    state=$(lacp_json "m['$u']['actor']['state']")
    [[ ,$state, == *,collecting,* && ,$state, == *,distributing,* ]] \
        || lfail "actor state of $u is '$state': not collecting and \
distributing"
    assert_cmp "$(lacp_json "m['$u']['pdus-received']")" -gt 0 \
        "LACPDUs received on $u"
    assert_cmp "$(lacp_json "m['$u']['pdus-sent']")" -gt 0 \
        "LACPDUs sent on $u"
    assert_eq 0 "$(lacp_json "m['$u']['pdus-bad']")" "bad LACPDUs on $u"
done
assert_ping vm1 "$(rh_ip 1)"

# 2. 64 flows spread as team/hash says.
assert_eq 256 "$(team_json "m['$U1']['buckets'] + m['$U2']['buckets']")" \
    "buckets of the two members"
flows_check spread "$FLOWS" "$COUNT" 20000 30000 "$U1" "$U2"
log "spread: $U1 carried $(seen_of "$U1") datagrams, $U2 $(seen_of "$U2")"
for u in "$U1" "$U2"; do
    assert_cmp "$(seen_of "$u")" -ge "$((FLOWS * COUNT / 4))" \
        "datagrams on $u (of $((FLOWS * COUNT)))"
done

# 3. Open vSwitch stops sending LACPDUs to the member that carries the
# fewer buckets (OUT); the link stays up.
OUT=$U1
STAY=$U2
if (($(buckets_of "$U2") < $(buckets_of "$U1"))); then
    OUT=$U2
    STAY=$U1
fi
OUT_PEER=$(phys_peer "$OUT")
out_b0=$(member_buckets "$OUT")
stay_b0=$(member_buckets "$STAY")
n_out=$(wc -w <<<"$out_b0")
n_stay=$(wc -w <<<"$stay_b0")
ev0=$(lacp_events_of "$OUT")
rx0=$(lacp_json "m['$OUT']['pdus-received']")
log "LACPDUs from Open vSwitch to $OUT (via $OUT_PEER) taken away; \
$OUT has $n_out buckets, $STAY $n_stay"
T0=$(now_ms)
lacp_drop "$OUT_PEER" on
ms=$(TIME_UNTIL_T0=$T0 time_until 15 lacp_carries_is "$OUT" no) \
    || lfail "$OUT still carries 15 s after its partner's LACPDUs stopped"
log "time-out: $OUT stopped carrying $(ms_to_s "$ms") s after its \
partner's LACPDUs stopped (fast rate: 3 s time-out)"
assert_cmp "$ms" -le "$MAX_TIMEOUT_MS" "ms until $OUT stopped carrying"
# The drop worked: LACPDUs went to the sink, none reached OUT since.
rx1=$(lacp_json "m['$OUT']['pdus-received']")
assert_cmp "$(lacp_dropped)" -ge 2 "LACPDUs taken away on $OUT_PEER"
assert_cmp "$((rx1 - rx0))" -le 1 "LACPDUs received on $OUT after the drop \
(at most one in flight)"
ip -n "$(ns up)" link show "$OUT_PEER" | grep -q 'state UP' \
    || lfail "$OUT_PEER is not up: the link must stay up"
st=$(lacp_json "m['$OUT']['status']")
[[ $st == expired || $st == defaulted ]] \
    || lfail "status of $OUT is '$st', expected expired or defaulted"
why=$(lacp_json "m['$OUT']['why']")
[[ -n $why ]] || lfail "lacp/show gives no reason why $OUT does not carry"
log "ok: $OUT is $st, out because '$why'"
assert_eq yes "$(lacp_carries "$STAY")" "$STAY carries"

# Only OUT's buckets moved, all to STAY; STAY kept its own.
wait_for 5 buckets_cmp "$OUT" eq 0 \
    || lfail "$OUT still has $(buckets_of "$OUT") buckets"
stay_b1=$(member_buckets "$STAY")
union=$(tr ' ' '\n' <<<"$stay_b0 $out_b0" | sort -n | tr '\n' ' ' \
    | sed 's/ $//')
[[ $stay_b1 == "$union" ]] || lfail "$STAY carries buckets [$stay_b1], \
expected its own [$stay_b0] and $OUT's [$out_b0]"
log "ok: $STAY carries its own $n_stay buckets and the $n_out of $OUT"
assert_cmp "$(lacp_events_of "$OUT")" -gt "$ev0" \
    "team/events lines on lacp and $OUT"
ctl team/events "$TEAM" | grep -i lacp | tail -n 3 | sed 's/^/    /'
flows_check after-out "$FLOWS" "$COUNT" 21000 31000 "$U1" "$U2"
assert_eq 0 "$(seen_of "$OUT")" "datagrams on $OUT while it is out"
assert_eq "$((FLOWS * COUNT))" "$(seen_of "$STAY")" "datagrams on $STAY"

# 4. The LACPDUs pass again: OUT rejoins.
T0=$(now_ms)
lacp_drop "$OUT_PEER" off
ms=$(TIME_UNTIL_T0=$T0 time_until 30 lacp_carries_is "$OUT" yes) \
    || lfail "$OUT does not carry 30 s after its partner's LACPDUs \
came back"
log "rejoin: $OUT carries again $(ms_to_s "$ms") s after its partner's \
LACPDUs came back"
assert_eq "current" "$(lacp_json "m['$OUT']['status']")" "status of $OUT"
wait_for 10 ovs_member_enabled "$OVS_BOND" "$OUT_PEER" \
    || lfail "Open vSwitch's member $OUT_PEER is not enabled again"
wait_for 5 buckets_cmp "$OUT" gt 0 \
    || lfail "$OUT has no bucket after rejoining"
flows_check rejoin "$FLOWS" "$COUNT" 22000 32000 "$U1" "$U2"
log "after the rejoin: $U1 carried $(seen_of "$U1") datagrams, \
$U2 $(seen_of "$U2")"
assert_cmp "$(seen_of "$OUT")" -gt 0 "datagrams on $OUT after the rejoin"
assert_ping vm1 "$(rh_ip 1)"

capture_stop "$VM_CAP"
assert_eq 0 "$(frame_count vm-lacp)" "LACPDUs that reached vm1"
exit 0
