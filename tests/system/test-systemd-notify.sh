#!/usr/bin/env bash
# test-systemd-notify: the daemon speaks systemd's notification protocol
# (sd_notify(3)) to a socket of the test's own (tests/system/
# sd-notify-listen.py, named by NOTIFY_SOCKET), and logs for the journal
# when JOURNAL_STREAM names its stderr.
#   - READY=1 comes once, from the daemon's own pid, and only when the
#     configuration's ports are attached: the daemon's log, copied by the
#     listener the moment READY=1 arrives, already says "attached" for the
#     two VM ports and the internal port; the port whose device does not
#     exist does not hold it up; its STATUS= counts them;
#   - WATCHDOG_USEC=400000: WATCHDOG=1 every 200 ms, counted over 3 s
#     (a generous range: the machine is shared);
#   - SIGHUP with a port added to the file: RELOADING=1 (with
#     MONOTONIC_USEC=) then READY=1, the new port attached when it comes;
#     the device of the absent port appears: a STATUS= alone follows, with
#     the new count;
#     SIGHUP with a bad file: RELOADING=1 then READY=1 with a STATUS= that
#     says the configuration was not reloaded and why;
#   - SIGTERM: STOPPING=1;
#   - with JOURNAL_STREAM naming its stderr (and no --log-file) the daemon's
#     lines there carry "<6>"-style priorities and no time; naming another
#     file, they keep their time; WATCHDOG_PID of another process: no
#     pings.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init
require_cmd stat

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
P1=$(port_of vm1)
P2=$(port_of vm2)
P3=$(port_of vm3)
MGMT=$(dev mgmt)
GHOST=$(dev ghost)

conf_v1="[bridge br0]

[port $P1]
bridge=br0
vlan=10

[port $P2]
bridge=br0
vlan=10

[port $MGMT]
bridge=br0
type=internal
vlan=10

[port $GHOST]
bridge=br0
vlan=10
"
conf_v2="$conf_v1
[port $P3]
bridge=br0
vlan=10
"
printf '%s' "$conf_v1" >"$VST_CONF"

NOTIFY_SOCK=$VST_TMP/notify.sock
NOTES=$VST_TMP/notify.out
bg "$VST_TMP/listen.log" "$VST_PY" "$VST_SYSDIR/sd-notify-listen.py" \
    --socket "$NOTIFY_SOCK" --out "$NOTES" --snapshot "$VST_LOG" \
    --ready "$VST_TMP/listen.ready" --timeout 300
wait_for 10 test -e "$VST_TMP/listen.ready" \
    || fail "the notify listener did not start: $(cat "$VST_TMP/listen.log")"

# count WORD: how many messages so far hold the assignment WORD (READY=1).
count()
{
    grep -c -- "[ |]$1\(|\|$\)" "$NOTES"
}

# at_least N WORD: true once N messages hold WORD.
# shellcheck disable=SC2317 # called through wait_for
at_least()
{
    (($(count "$2") >= $1))
}

# events: the messages but the watchdog's pings, one per line, without the
# time and pid.
events()
{
    grep -v ' WATCHDOG=1$' "$NOTES" | cut -d' ' -f3-
}

# event_after N WORD: the message after the N-th message holding WORD
# (the pings left out).
event_after()
{
    events | awk -v n="$1" -v w="$2" '
        found { print; exit }
        index("|" $0 "|", "|" w "|") && ++k == n { found = 1 }'
}

# status_of LINE: the STATUS= value of a message line.
status_of()
{
    printf '%s\n' "$1" | tr '|' '\n' | sed -n 's/^STATUS=//p'
}

log "start: 4 ports in the file, one of them without a device"
VST_DAEMON_ENV=(NOTIFY_SOCKET="$NOTIFY_SOCK" WATCHDOG_USEC=400000)
sw_start
wait_for 10 at_least 1 READY=1 || fail "no READY=1 within 10 s: $(events)"
ready=$(grep -m1 ' READY=1' "$NOTES")
log "READY message: $ready"
assert_eq "$VST_DAEMON_PID" "$(cut -d' ' -f2 <<<"$ready")" \
    "pid of the sender of READY=1 (its credentials)"
snap=$NOTES.ready1
[[ -s $snap ]] || fail "the listener did not copy the log at READY=1"
for p in "$P1" "$P2" "$MGMT"; do
    grep -q "|bridge|port $p attached to bridge br0" "$snap" \
        || fail "READY=1 came before port $p was attached (log at READY: $(tail -n 5 "$snap"))"
    log "ok: port $p was attached when READY=1 came"
done
grep -q "wait for their device.*$GHOST" "$snap" \
    || fail "the log at READY=1 does not name $GHOST as waiting"
assert_eq "absent" "$(port_state "$GHOST")" "state of $GHOST"
assert_eq "running: 1 bridge, 4 ports (3 attached, 1 absent), 0 teams" \
    "$(status_of "$ready")" "STATUS= of READY=1"
[[ $(events | head -n 1) == "$(cut -d' ' -f3- <<<"$ready")" ]] \
    || fail "a message came before READY=1: $(events | head -n 1)"
assert_eq 1 "$(count READY=1)" "READY=1 messages at start"

log "watchdog: WATCHDOG_USEC=400000, a ping expected every 200 ms"
c0=$(count WATCHDOG=1)
sleep 3
c1=$(count WATCHDOG=1)
n=$((c1 - c0))
log "$n pings in 3 s"
assert_cmp "$n" -ge 5 "pings in 3 s (about 15 expected)"
assert_cmp "$n" -le 45 "pings in 3 s (about 15 expected)"
others=$(grep ' WATCHDOG=1$' "$NOTES" | awk -v p="$VST_DAEMON_PID" '$2 != p' \
    | wc -l)
assert_eq 0 "$others" "pings from another pid than the daemon's"

log "SIGHUP with $P3 added to the file"
printf '%s' "$conf_v2" >"$VST_CONF.new" && mv "$VST_CONF.new" "$VST_CONF"
sw_signal HUP
wait_for 10 at_least 2 READY=1 || fail "no READY=1 after SIGHUP: $(events)"
reloading=$(event_after 1 READY=1)
[[ $reloading == RELOADING=1\|MONOTONIC_USEC=[0-9]*\|STATUS=* ]] \
    || fail "after the first READY=1: '$reloading', expected RELOADING=1 with MONOTONIC_USEC="
log "ok: then $reloading"
ready=$(event_after 1 RELOADING=1)
[[ $ready == READY=1\|* ]] || fail "after RELOADING=1: '$ready', expected READY=1"
assert_eq "running: 1 bridge, 5 ports (4 attached, 1 absent), 0 teams" \
    "$(status_of "$ready")" "STATUS= of READY=1 after the reload"
grep -q "|bridge|port $P3 attached to bridge br0" "$NOTES.ready2" \
    || fail "READY=1 came before the reload attached $P3"
log "ok: $P3 was attached when READY=1 came after the reload"

log "the device of $GHOST appears"
# shellcheck disable=SC2317 # called through wait_for
has_status() { grep -qF -e "|STATUS=$1" -e " STATUS=$1" "$NOTES"; }
ip -n "$(ns sw)" link add "$GHOST" type veth peer name "$(dev ghostp)" \
    || fail "cannot create $GHOST"
status="running: 1 bridge, 5 ports (5 attached, 0 absent), 0 teams"
wait_for 10 has_status "$status" \
    || fail "no STATUS=$status after $GHOST appeared: $(events | tail -n 3)"
log "ok: then $(events | tail -n 1)"
assert_eq 2 "$(count READY=1)" "READY=1 messages (a STATUS= change is no READY=1)"

log "SIGHUP with a bad file (vlan 5000)"
expect_log '\|err\|bridge\|configuration not reloaded, .*vlan 5000'
printf '%s' "${conf_v2/vlan=10/vlan=5000}" >"$VST_CONF.new" \
    && mv "$VST_CONF.new" "$VST_CONF"
sw_signal HUP
wait_for 10 at_least 3 READY=1 || fail "no READY=1 after a bad SIGHUP: $(events)"
assert_eq 2 "$(count RELOADING=1)" "RELOADING=1 messages after two SIGHUPs"
ready=$(event_after 2 RELOADING=1)
[[ $ready == READY=1\|* ]] || fail "after RELOADING=1: '$ready', expected READY=1"
status=$(status_of "$ready")
log "READY=1 after the bad file: STATUS=$status"
[[ $status == "configuration not reloaded, running state kept: "*5000*"; 1 bridge, 5 ports (5 attached, 0 absent), 0 teams" ]] \
    || fail "STATUS= after a bad file does not say it was kept and why: $status"
log "ok: the status says the file was not applied, and why"
printf '%s' "$conf_v2" >"$VST_CONF"

log "SIGTERM"
sw_signal TERM
assert_eq 0 "$SW_STATUS" "exit status after SIGTERM"
wait_for 5 at_least 1 STOPPING=1 || fail "no STOPPING=1 after SIGTERM: $(events)"
last=$(events | tail -n 1)
[[ $last == STOPPING=1\|* ]] || fail "last message '$last', expected STOPPING=1"
log "ok: last message: $last"
n_ready=$(count READY=1)

log "journal: JOURNAL_STREAM names the daemon's stderr, no --log-file"
out=$(sw_next_out)
VST_DAEMON_ENV=(NOTIFY_SOCKET="$NOTIFY_SOCK" WATCHDOG_USEC=400000
    WATCHDOG_PID=1 JOURNAL_STREAM="$(stat -c '%d:%i' "$out")")
VST_LOG_STDERR=true
sw_start
wait_for 10 at_least $((n_ready + 1)) READY=1 \
    || fail "no READY=1 from the second daemon: $(events)"
c0=$(count WATCHDOG=1)
sleep 1.5
assert_eq "$c0" "$(count WATCHDOG=1)" \
    "pings in 1.5 s with WATCHDOG_PID=1 (another process's watchdog)"
sw_signal TERM
grep -Eq '^<6>info\|vswitchd\|vswitchd .* started' "$out" \
    || fail "no '<6>info|vswitchd|... started' line on stderr: $(head -n 3 "$out")"
grep -Eq '^<6>info\|bridge\|port [^ ]+ attached' "$out" \
    || fail "no '<6>info|bridge|port ... attached' line on stderr"
unprefixed=$(grep -Evc '^<[3467]>(err|warn|info|dbg)\|' "$out")
assert_eq 0 "$unprefixed" "stderr lines without a priority prefix"
log "ok: $(wc -l <"$out") lines on stderr, each with its priority; first: $(head -n 1 "$out")"

log "JOURNAL_STREAM naming another file: lines keep their time"
out=$(sw_next_out)
VST_DAEMON_ENV=(JOURNAL_STREAM="$(stat -c '%d:%i' "$VST_CONF")")
sw_start
sw_signal TERM
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\|info\|vswitchd\|vswitchd .* started' "$out" \
    || fail "no time-stamped start line on stderr: $(head -n 3 "$out")"
grep -q '^<' "$out" && fail "a priority prefix on a stderr that is not the journal"
log "ok: $(head -n 1 "$out")"
exit 0
