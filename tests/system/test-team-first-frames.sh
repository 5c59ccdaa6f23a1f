#!/usr/bin/env bash
# test-team-first-frames: a switch-independent team never delivers a VM
# its own frame, or any frame twice, from a new station's very first frame
# (issue: hardening, hole 5).
#
# A station that was never seen before (a new MAC on a VM whose port is
# carried by the non-designated member) sends a burst of N broadcasts at
# once.  They leave on its member, the kernel bridge upstream floods them
# back to the designated member, and learning is asynchronous: the switch
# must know them as its own from the first frame, not only once the
# control thread has learned the address.  Each other VM gets each frame
# exactly once, the sender none, the remote host all N.  Repeated with a
# second new MAC from a VM on the designated member, then both again with
# the MAC table full, so that the new stations are never learned.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

N=50
VMS=(vm1 vm2 vm3)

team_world 3 2 -- policy=src-port rebalance=0
DES=$(designated)
[[ -n $DES ]] || tfail "no member is designated to receive floods"
OTHER=$(member u1)
[[ $OTHER == "$DES" ]] && OTHER=$(member u2)
ctl_ok team/migrate "$TEAM" port="$(port_of vm1)" member="$OTHER" >/dev/null
ctl_ok team/migrate "$TEAM" port="$(port_of vm2)" member="$DES" >/dev/null
wait_carrier "$(port_of vm1)" "$OTHER"
wait_carrier "$(port_of vm2)" "$DES"
log "floods are received on $DES; vm1 is on $OTHER, vm2 on $DES"


# burst VM MAC: N broadcasts at once from a MAC never seen before, then
# checks who got them.
burst()
{
    local x=$1 mac=$2 vm pids=() ref0 ref1 trx0 trx1
    for vm in "${VMS[@]}"; do
        tcap_start "$vm" "$(dev_of "$vm")" "$x-$vm" in "ether src $mac"
        pids+=("$CAP_PID")
    done
    tcap_start rh1 "$(dev_of rh1)" "$x-rh1" in "ether src $mac"
    pids+=("$CAP_PID")
    ref0=$(stat_of "$TEAM" drops.reflection)
    trx0=$(stat_of "$TEAM" drops.team-rx)
    send_frames "$x" --dst ff:ff:ff:ff:ff:ff --src "$mac" --count "$N" \
        --pace 0
    sleep 0.5
    for p in "${pids[@]}"; do
        capture_stop "$p"
    done
    ref1=$(stat_of "$TEAM" drops.reflection)
    trx1=$(stat_of "$TEAM" drops.team-rx)
    log "$N broadcasts from new station $mac on $x: received" \
        "$(for vm in "${VMS[@]}" rh1; do
               printf '%s=%s ' "$vm" "$(frame_count "$x-$vm" "")"; done)" \
        "dropped: reflection $((ref1 - ref0)), team-rx $((trx1 - trx0))"
    assert_eq "$N" "$(frame_count "$x-rh1" "")" "broadcasts that went upstream"
    for vm in "${VMS[@]}"; do
        if [[ $vm == "$x" ]]; then
            assert_eq 0 "$(frame_count "$x-$vm" "")" \
                "own frames delivered back to $x"
        else
            assert_eq "$N" "$(frame_count "$x-$vm" "")" \
                "frames from $x's new station received by $vm"
        fi
    done
    # On the designated member the copies come back as reflections, on the
    # other as floods that member must not deliver (team-rx).
    assert_cmp "$((ref1 - ref0 + trx1 - trx0))" -ge "$N" \
        "drops.reflection + drops.team-rx of $TEAM"
}

burst vm1 02:00:00:00:aa:01
burst vm2 02:00:00:00:aa:02

# The same while the new station cannot be learned at all, its bridge's
# MAC table being full: the switch must still know its frames as its own.
# Static entries fill the table (they are never evicted and count toward
# no port's fair share), so every port holds less than its share and a
# newcomer evicts nobody.
for i in $(seq 10 25); do
    ctl_ok fdb/add "$TEAM_BR" "02:00:00:00:bb:$i" port="$(port_of vm3)"
done
n=$(fdb_json "$TEAM_BR" "d['count']")
ctl_ok set-br "$TEAM_BR" mac-table-size="$n"
log "MAC table limited to its $n entries: new stations are not learned"
burst vm1 02:00:00:00:aa:03
burst vm2 02:00:00:00:aa:04
f=$(fdb_json "$TEAM_BR" "d['stats']['full-drops']")
assert_cmp "$f" -ge 1 "full-drops (the new stations were not learned)"
log "PASS"
