#!/usr/bin/env bash
# test-team-bad-commands: wrong team commands are refused with one line
# naming the problem, and change nothing (show --json, team/show --json
# and the configuration file are as before):
#   add-team with one member (usage, exit 2); an unknown policy (exit 1,
#   the message lists the valid ones); a member that is already a port; a
#   second team on the same bridge; team/set-member of a non-member;
#   set-port uplink= naming a port or a device that is not a member.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

sw_ns
phys_add
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
for u in u1 u2 u3 u4; do
    uplink_add "$u"
done
rhost_add rh1 "$(rh_ip 1)/24"
sw_start
ctl_ok add-br "$TEAM_BR"
attach "$TEAM_BR" vm1
attach "$TEAM_BR" vm2
U1=$(member u1)
U2=$(member u2)
U3=$(member u3)
U4=$(member u4)
P1=$(port_of vm1)
P2=$(port_of vm2)

# state: what must not change: show --json, the stable part of team/show
# --json (counters and ages move on their own) and the configuration file.
state()
{
    ctl --json show
    ctl --json team/show | "$VST_PY" -c '
import json, sys
d = json.load(sys.stdin)
keep = ("name", "bridge", "policy", "hash-fields", "mode")
mkeep = ("name", "state", "designated", "ports", "buckets", "active")
print(json.dumps([dict([(k, t[k]) for k in keep]
                       + [("members", [dict((k, m[k]) for k in mkeep)
                                       for m in t["members"]])])
                  for t in d["teams"]], sort_keys=True))'
    cat "$VST_CONF" 2>/dev/null
}

# refused RC PATTERN ARGS...: vswitch-ctl ARGS must exit RC with one line
# "vswitch-ctl: ..." on stderr matching the extended regex PATTERN, and
# leave the state as it was.
refused()
{
    local want=$1 pattern=$2 rc before after
    shift 2
    before=$(state)
    ctl "$@" >"$VST_TMP/out" 2>"$VST_TMP/err"
    rc=$?
    after=$(state)
    log "vswitch-ctl $*: exit $rc: $(cat "$VST_TMP/err")"
    assert_eq "$want" "$rc" "exit status of vswitch-ctl $*"
    assert_eq 1 "$(wc -l <"$VST_TMP/err")" "lines on stderr"
    grep -qE "^vswitch-ctl: .*($pattern)" "$VST_TMP/err" \
        || fail "message of vswitch-ctl $* does not match /$pattern/: \
$(cat "$VST_TMP/err")"
    [[ $before == "$after" ]] || fail "vswitch-ctl $* changed the state: \
$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after"))"
    log "ok: refused, state unchanged"
}

# No team yet.
refused 2 "usage|two members" add-team "$TEAM_BR" "$TEAM" "$U1"
refused 2 "usage|two members" add-team "$TEAM_BR" "$TEAM" "$U1" policy=src-mac
refused 1 "bogus" add-team "$TEAM_BR" "$TEAM" "$U1" "$U2" policy=bogus
for p in src-port src-mac hash active-backup; do
    grep -q -- "$p" "$VST_TMP/err" \
        || fail "the message for policy=bogus does not list $p: \
$(cat "$VST_TMP/err")"
done
log "ok: the message lists src-port, src-mac, hash and active-backup"
refused 1 "$P1" add-team "$TEAM_BR" "$TEAM" "$P1" "$U2"
refused 1 "$U1" add-team "$TEAM_BR" "$TEAM" "$U1" "$U1"
assert_eq '{"teams": []}' "$(ctl --json team/show | json d)" \
    "team/show --json after the refusals"

# With a team.
ctl_ok add-team "$TEAM_BR" "$TEAM" "$U1" "$U2" policy=src-port
wait_member "$U1" up
wait_member "$U2" up
refused 1 "$TEAM|one team" add-team "$TEAM_BR" bond1 "$U3" "$U4"
refused 1 "$U1" add-team-member "$TEAM" "$U1"
refused 1 "not a member" team/set-member "$TEAM" "$P1" disable
refused 1 "not a member" team/set-member "$TEAM" "$U3" disable
refused 1 "$P2" set-port "$P1" uplink="$P2"
refused 1 "$U3" set-port "$P1" uplink="$U3"
refused 1 "$TEAM" set-port "$P1" uplink="$TEAM"
refused 1 "bogus" set-team "$TEAM" policy=bogus
refused 1 "not a member" team/migrate "$TEAM" port="$P1" member="$U3"

# The team still works as it did.
assert_eq "up up" "$(team_json "' '.join(m[n]['state'] for n in \
('$U1', '$U2'))")" "members' states"
assert_ping vm1 "$(rh_ip 1)"
assert_ping vm2 "$(rh_ip 1)"
# And a valid uplink= is taken (so the refusals above were about the
# value).
ctl_ok set-port "$P1" uplink="$U2"
wait_carrier "$P1" "$U2" 5
exit 0
