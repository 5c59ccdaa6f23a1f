#!/usr/bin/env bash
# test-team-three-uplinks: team bond0 of three uplinks, policy src-mac (256
# buckets of source MAC and VLAN).
#   - The buckets are spread 86/85/85 (team/show --json "buckets").
#   - One member loses its cable: its buckets go to the two others and
#     nothing else changes member: the survivors' counts only grow, by
#     exactly the lost member's count between them; the team's "moves"
#     counter grows by exactly that count; and for 64 sample MACs
#     (team/hash) every MAC not on the lost member keeps its member.  The
#     VMs still reach the remote host.
#   - The cable comes back (failback=yes): the spread and every sample
#     MAC's member are as before.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

SAMPLES=64

team_world 3 3 -- policy=src-mac failback=yes rebalance=0
U1=$(member u1)
U2=$(member u2)
U3=$(member u3)
DOWN=$U2

# buckets: "N1 N2 N3", the members' bucket counts in member order.
buckets()
{
    team_json "' '.join(str(m[n]['buckets']) for n in \
('$U1', '$U2', '$U3'))"
}

# has_buckets MEMBER N: true if MEMBER has N buckets (for wait_for).
# shellcheck disable=SC2317
has_buckets()
{
    [[ $(member_field "$1" buckets) == "$2" ]]
}

# sample_members: the member of each sample MAC, one per line.
sample_members()
{
    local i
    for ((i = 0; i < SAMPLES; i++)); do
        printf '%s %s\n' "$i" "$(ctl --json team/hash "$TEAM" \
            "$(printf '02:00:00:00:aa:%02x' "$i")" | json "d['member']")"
    done
}

read -r b1 b2 b3 < <(buckets)
log "buckets: $U1 $b1, $U2 $b2, $U3 $b3"
assert_eq "85 85 86" "$(printf '%s\n' "$b1" "$b2" "$b3" | sort -n \
    | tr '\n' ' ' | sed 's/ $//')" "bucket counts, sorted"
assert_eq 256 "$((b1 + b2 + b3))" "buckets in all"
sample_members >"$VST_TMP/samples.0"
grep -q " $DOWN\$" "$VST_TMP/samples.0" \
    || tfail "no sample MAC hashes to $DOWN (team/hash)"
moves0=$(team_json "t['moves']")

# One cable pulled.
cable "$DOWN" down
wait_member "$DOWN" down 5
wait_for 5 has_buckets "$DOWN" 0 \
    || tfail "$DOWN still has $(member_field "$DOWN" buckets) buckets"
read -r c1 c2 c3 < <(buckets)
log "buckets with $DOWN down: $U1 $c1, $U2 $c2, $U3 $c3"
assert_eq 0 "$c2" "buckets of $DOWN"
assert_cmp "$c1" -ge "$b1" "buckets of $U1 (only grows)"
assert_cmp "$c3" -ge "$b3" "buckets of $U3 (only grows)"
assert_eq "$b2" "$((c1 - b1 + c3 - b3))" "buckets the survivors gained"
assert_cmp "$((c1 - b1))" -gt 0 "buckets $U1 gained"
assert_cmp "$((c3 - b3))" -gt 0 "buckets $U3 gained"
assert_eq "$b2" "$(($(team_json "t['moves']") - moves0))" \
    "items moved by the failover (only $DOWN's buckets)"
sample_members >"$VST_TMP/samples.1"
while read -r i before; do
    after=$(sed -n "s/^$i //p" "$VST_TMP/samples.1")
    if [[ $before == "$DOWN" ]]; then
        [[ $after == "$U1" || $after == "$U3" ]] \
            || tfail "sample MAC $i was on $DOWN, now on '$after'"
    elif [[ $after != "$before" ]]; then
        tfail "sample MAC $i moved from $before to $after, but $before is up"
    fi
done <"$VST_TMP/samples.0"
log "ok: of $SAMPLES sample MACs, the $(grep -c " $DOWN\$" \
"$VST_TMP/samples.0") on $DOWN moved to a survivor, no other one moved"
for vm in vm1 vm2 vm3; do
    assert_ping "$vm" "$(rh_ip 1)"
done

# The cable comes back: everything returns.
moves1=$(team_json "t['moves']")
cable "$DOWN" up
wait_member "$DOWN" up 5
wait_for 5 has_buckets "$DOWN" "$b2" \
    || tfail "$DOWN has $(member_field "$DOWN" buckets) buckets, not $b2"
assert_eq "$b1 $b2 $b3" "$(buckets)" "buckets after the cable is back"
assert_eq "$b2" "$(($(team_json "t['moves']") - moves1))" \
    "items moved by the failback"
sample_members >"$VST_TMP/samples.2"
assert_eq "" "$(diff "$VST_TMP/samples.0" "$VST_TMP/samples.2")" \
    "difference of the sample MACs' members with the first assignment"
for vm in vm1 vm2 vm3; do
    assert_ping "$vm" "$(rh_ip 1)"
done
exit 0
