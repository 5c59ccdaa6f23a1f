#!/usr/bin/env bash
# test-ctl-lockout: clients that connect to the control socket and wait, or
# trickle a request one byte a second, cannot lock the operator out (issue
# 7, hole 9).  Twice as many as the daemon's 64 connection slots, opened
# again as soon as the daemon closes them, while vswitch-ctl must still be
# answered every time; then a few tricklers alone are closed at the request
# deadline (5 s after their first byte) although they never stop sending.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
sw_start
# The crowd is what the daemon warns about: admissions that drop another
# client, and requests refused or cut off.
expect_log '\|warn\|ctl\|.*control connection'
ctl_ok add-br br0

# crowd_start NAME ARGS...: ctl-crowd.py against the daemon's socket, its
# JSON report in $VST_TMP/NAME.json; waits until every connection is open.
crowd_start()
{
    local name=$1 ready i
    shift
    ready=$VST_TMP/$name.ready
    bg "$VST_TMP/$name.json" "$VST_PY" "$VST_SYSDIR/ctl-crowd.py" \
        --socket "$VST_SOCK" --ready "$ready" "$@"
    CROWD_PID=$BG_PID
    for ((i = 0; i < 100; i++)); do
        [[ -e $ready ]] && return 0
        kill -0 "$CROWD_PID" 2>/dev/null \
            || fail "ctl-crowd.py failed: $(cat "$VST_TMP/$name.json")"
        sleep 0.1
    done
    fail "ctl-crowd.py did not open its connections within 10 s"
}

# crowd_wait PID: waits for a crowd to finish on its own (it is bounded).
crowd_wait()
{
    local i
    for ((i = 0; i < 300; i++)); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    wait "$1" || fail "ctl-crowd.py exited with an error"
}

log "64 silent and 64 trickling clients, reconnecting when closed"
crowd_start crowd --silent 64 --trickle 64 --interval 1 --duration 12 \
    --reconnect
sleep 1
ok=0
for ((n = 0; n < 8; n++)); do
    if out=$(ctl list-br 2>&1) && [[ $out == br0 ]]; then
        ok=$((ok + 1))
    else
        log "vswitch-ctl list-br: $out"
    fi
    sleep 1
done
assert_eq 8 "$ok" "vswitch-ctl answered, of 8 tries, under the crowd"
crowd_wait "$CROWD_PID"
log "crowd: $(cat "$VST_TMP/crowd.json")"
kill -0 "$VST_DAEMON_PID" 2>/dev/null || fail "vswitchd died under the crowd"
grep -q 'to admit a new client' "$VST_LOG" \
    || fail "the log does not say that connections were dropped for newcomers"

log "8 trickling clients alone: closed at the request deadline"
crowd_start trickle --silent 0 --trickle 8 --interval 1 --duration 12
crowd_wait "$CROWD_PID"
report=$(cat "$VST_TMP/trickle.json")
log "tricklers: $report"
assert_eq 8 "$(json "d['trickle_closed']" <<<"$report")" \
    "tricklers closed by the daemon (sending a byte a second throughout)"
# 5 s deadline, checked every second: closed by 6 s, 2 s of slack.
assert_cmp "$(json "int(d['trickle_lifetime_max'])" <<<"$report")" -le 8 \
    "longest life of a trickler, in whole seconds"
assert_eq br0 "$(ctl list-br)" "list-br after the crowds"

log "PASS"
