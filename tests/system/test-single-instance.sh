#!/usr/bin/env bash
# test-single-instance: one daemon per configuration (issue 7, hole 12).  A
# second vswitchd on the same configuration, with another socket, refuses
# to start and names the running one's pid, whether it shares the pidfile or
# not; it neither attaches the ports nor touches the pidfile.  The pidfile
# is 0644 even under umask 000, and a restart right after SIGTERM works.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24

printf '[bridge br0]\n\n[port %s]\nbridge=br0\n\n[port %s]\nbridge=br0\n' \
    "$(port_of vm1)" "$(port_of vm2)" >"$VST_CONF"
umask 000
sw_start
umask 022
wait_port "$(port_of vm1)" up
wait_port "$(port_of vm2)" up
assert_eq 644 "$(stat -c %a "$VST_PIDFILE")" "pidfile mode under umask 000"
assert_eq "$VST_DAEMON_PID" "$(cat "$VST_PIDFILE")" "pid in the pidfile"

# second NAME PIDFILE: starts another vswitchd on the same configuration with
# its own socket and log, for at most 5 s (a second daemon that started
# would run until then); sets SECOND_RC and SECOND_OUT.
second()
{
    local name=$1 pidfile=$2
    SECOND_OUT=$VST_TMP/$name.out
    ip netns exec "$(ns sw)" timeout 5 "$VSWITCHD" --config="$VST_CONF" \
        --socket="$VST_TMP/$name.sock" --pidfile="$pidfile" \
        --log-file="$VST_TMP/$name.log" >"$SECOND_OUT" 2>&1
    SECOND_RC=$?
}

# refused NAME PIDFILE: the second daemon must exit at once with status 1,
# naming the running daemon's pid.
refused()
{
    second "$1" "$2"
    assert_eq 1 "$SECOND_RC" "exit status of a second vswitchd ($1)"
    grep -q "pid $VST_DAEMON_PID" "$SECOND_OUT" \
        || fail "the refusal does not name pid $VST_DAEMON_PID: \
$(cat "$SECOND_OUT")"
    log "ok: refused: $(cat "$SECOND_OUT")"
    [[ ! -e $VST_TMP/$1.sock ]] || fail "the refused daemon left a socket"
}

log "a second daemon, same configuration and pidfile, another socket"
refused second "$VST_PIDFILE"
assert_eq "$VST_DAEMON_PID" "$(cat "$VST_PIDFILE" 2>/dev/null)" \
    "pidfile after the refused start"

log "a third daemon, same configuration, its own pidfile and socket"
refused third "$VST_TMP/third.pid"
[[ ! -e $VST_TMP/third.pid ]] || fail "the refused daemon left its pidfile"

log "the first daemon is undisturbed"
assert_ping vm1 198.18.0.2
assert_eq br0 "$(ctl list-br)" "list-br on the first daemon"

log "SIGTERM, then at once a new daemon: it starts"
sw_signal TERM
assert_eq 0 "$SW_STATUS" "exit status after SIGTERM"
[[ ! -e $VST_PIDFILE ]] || fail "pidfile left after SIGTERM"
[[ ! -e $VST_CONF.lock ]] || fail "configuration lock file left after SIGTERM"
sw_start
wait_port "$(port_of vm1)" up
assert_ping vm1 198.18.0.2

log "PASS"
