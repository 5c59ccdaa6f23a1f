#!/usr/bin/env bash
# test-team-drain: draining a member for maintenance loses nothing.  vm1
# pings a remote host every millisecond (3000 echo requests) while the
# member carrying its port is disabled (team/set-member ... disable): no
# echo request may go unanswered, the member shows "disabled" and carries
# nothing, vm1's port is on the other member.  Then the member is enabled
# again under the same traffic: it is back "up", vm1's port returns to it
# (failback=yes), and again nothing is lost.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

COUNT=3000

team_world 2 2 -- policy=src-port failback=yes rebalance=0
VM_PORT=$(port_of vm1)
pull_setup drain
M=$OLD
O=$NEW

# under_traffic NAME CMD...: runs CMD 1 s into a 3000-request fast ping
# from vm1 to rh1 and sets LOST and OUTAGE_US (see outage) from it.
under_traffic()
{
    local name=$1 sent run gap_us
    shift
    fastping_start vm1 "$(rh_ip 1)" "$COUNT" "$name"
    sleep 1
    kill -0 "$PING_PID" 2>/dev/null || fail "the ping ended too early: \
$(cat "$VST_TMP/$name.ping")"
    "$@"
    fastping_wait "$PING_PID"
    read -r sent _ LOST run OUTAGE_US gap_us < <(outage "$name" "$COUNT")
    log "$name: lost $LOST of $sent echo requests (longest run $run," \
        "outage $(us_to_ms "$OUTAGE_US") ms); longest time between two" \
        "replies $(us_to_ms "$gap_us") ms"
    assert_eq "$COUNT" "$sent" "echo requests sent ($name)"
    if ((LOST)); then
        log "unanswered icmp_seq in $name: $(unanswered "$name" "$COUNT")"
        printf '%s\n' "$(team_events)" | tail -n 12 | sed 's/^/    /'
    fi
}

# shellcheck disable=SC2317 # called by under_traffic
drain()
{
    ctl_ok team/set-member "$TEAM" "$M" disable
    wait_member "$M" disabled 5
}

under_traffic drain drain
assert_eq 0 "$LOST" "echo requests lost while $M was drained"
assert_eq "$O" "$(carrier_of "$VM_PORT")" "member carrying vm1's port"
assert_eq "[]" "$(member_field "$M" ports)" "ports carried by $M"
assert_eq disabled "$(member_state "$M")" "state of $M"

# shellcheck disable=SC2317 # called by under_traffic
undrain()
{
    ctl_ok team/set-member "$TEAM" "$M" enable
    wait_member "$M" up 5
}

under_traffic undrain undrain
assert_eq 0 "$LOST" "echo requests lost while $M was enabled again"
assert_eq "$M" "$(carrier_of "$VM_PORT")" "member carrying vm1's port"
assert_eq up "$(member_state "$M")" "state of $M"
exit 0
