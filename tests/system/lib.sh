# shellcheck shell=bash
# lib.sh: the world of a system test, sourced by every tests/system/test-*.sh.
#
# A test builds its own network namespaces joined by veth pairs:
#
#   PREFIX-sw     the switch: vswitchd runs here and sees only the
#                 switch-side ends of the veths ("ports").
#   PREFIX-vmN    a "VM": one veth whose peer is a port of the switch.
#   PREFIX-phys   the "physical network": a kernel bridge joining the
#                 uplinks' peers and the "remote hosts".
#   PREFIX-rhN    a "remote host" behind the physical network.
#
# Every namespace and device carries PREFIX, unique to this run (tests may
# run in parallel), and the cleanup (trap on EXIT, also after SIGINT and
# SIGTERM) stops only the processes the test started, by pid, deletes
# exactly the namespaces it made (which removes their veths) and its temp
# directory.  Addresses come from 198.18.0.0/15 and 2001:db8::/32 only.
#
# Exit codes of a test: 0 pass, 77 skip (with the reason on stdout), any
# other value fail.

set -u -o pipefail

# ---------------------------------------------------------------------------
# Where things are.

VST_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VST_BUILD=${VSWITCH_BUILD:-$VST_SRCDIR}
VSWITCHD=$VST_BUILD/vswitchd/vswitchd
VSCTL=$VST_BUILD/utilities/vswitch-ctl
VST_PY=/usr/bin/python3
VST_SYSDIR=$VST_SRCDIR/tests/system
VST_NAME=$(basename "$0" .sh)

# State the cleanup needs.
VST_NETNS=()            # Namespaces this test made.
VST_DAEMON_PIDS=()      # vswitchd processes this test started.
VST_PIDS=()             # Other background processes (tcpdump, iperf3...).
VST_TMP=
VST_DAEMON_PID=         # The running daemon, if any.
VST_CLEANED=false
VST_FAIL_LOGS=()        # Other logs to show when the test fails (a peer's).

# ---------------------------------------------------------------------------
# Messages and outcomes.

log()
{
    printf '%s: %s\n' "$VST_NAME" "$*"
}

# Fails the test with a message; the trap cleans up.  Called in a
# subshell (a command substitution), it also makes the test itself fail.
fail()
{
    printf '%s: FAIL: %s\n' "$VST_NAME" "$*" >&2
    if [[ $BASHPID != "$$" ]]; then
        kill -USR1 "$$" 2>/dev/null
    fi
    exit 1
}

# Skips the test; the reason goes to stdout so the runner can show it.
skip()
{
    printf 'SKIP: %s\n' "$*"
    exit 77
}

# ---------------------------------------------------------------------------
# Cleanup: only what this test made.

# vst_is_child PID: true if PID is still a child of this shell, so that a
# pid that exited and was reused by another process is never signalled.
vst_is_child()
{
    [[ $(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ') == "$$" ]]
}

# Sends SIGTERM to each pid in "$@" that is still our child, waits up to
# 5 s, then SIGKILL.
vst_stop_pids()
{
    local pid i alive mine=()
    for pid in "$@"; do
        vst_is_child "$pid" && mine+=("$pid")
    done
    ((${#mine[@]})) || return 0
    kill -TERM "${mine[@]}" 2>/dev/null
    for ((i = 0; i < 50; i++)); do
        alive=false
        for pid in "${mine[@]}"; do
            if vst_is_child "$pid" && kill -0 "$pid" 2>/dev/null \
                && [[ $(ps -o stat= -p "$pid") != Z* ]]; then
                alive=true
            fi
        done
        $alive || break
        sleep 0.1
    done
    for pid in "${mine[@]}"; do
        vst_is_child "$pid" && kill -KILL "$pid" 2>/dev/null
    done
    for pid in "${mine[@]}"; do
        wait "$pid" 2>/dev/null
    done
    return 0
}

vst_cleanup()
{
    local rc=$? ns pid pids f
    trap - EXIT INT TERM USR1
    $VST_CLEANED && exit "$rc"
    VST_CLEANED=true
    set +e

    if ((rc != 0 && rc != 77)) && [[ -n $VST_TMP ]]; then
        for f in "$VST_TMP"/vswitchd*.log "$VST_TMP"/vswitchd*.out \
            "${VST_FAIL_LOGS[@]}"; do
            [[ -s $f ]] || continue
            printf '%s: --- last lines of %s ---\n' "$VST_NAME" \
                "${f#"$VST_TMP"/}" >&2
            tail -n 40 "$f" >&2
        done
    fi

    ((${#VST_DAEMON_PIDS[@]})) && vst_stop_pids "${VST_DAEMON_PIDS[@]}"
    ((${#VST_PIDS[@]})) && vst_stop_pids "${VST_PIDS[@]}"

    # A test that passed fails after all if the daemon complained of
    # something the test did not expect (read once the daemon stopped, so
    # that its shutdown is checked too).
    if ((rc == 0)) && ! check_daemon_log; then
        rc=1
    fi

    # Anything still running inside our own namespaces was started by this
    # test (a namespace only holds what we put there): stop it by pid.
    for ns in "${VST_NETNS[@]}"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        for pid in $pids; do
            kill -KILL "$pid" 2>/dev/null
        done
    done
    for ns in "${VST_NETNS[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    if [[ -n $VST_TMP && -d $VST_TMP ]]; then
        rm -rf "$VST_TMP"
    fi
    exit "$rc"
}

# ---------------------------------------------------------------------------
# The daemon's log: every warning and error must be expected.

# Lines that need a declaration: the log file's warnings and errors
# ("TIME|warn|MODULE|..." and "TIME|err|MODULE|...", see lib/log.c), and
# in what the daemon wrote to stderr (vswitchd.N.out: before its log file
# was open), the same lines (also as "<4>warn|MODULE|...", the journal's
# form), GLib's warnings and criticals and sanitizer reports.
VST_LOG_BAD='^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\||<[34]>)(warn|err)\||-(WARNING|CRITICAL) \*\*|ERROR: [A-Za-z]+Sanitizer|runtime error:'
VST_LOG_EXPECTED=()     # Patterns declared with expect_log.

# expect_log PATTERN: warnings or errors matching PATTERN (an extended
# regular expression, as bash's =~ takes it, anywhere in the line) are
# legitimate in this test: check_daemon_log lets them pass.  Declare what
# the test provokes, as narrowly as you can: "\|warn\|bridge\|port
# $(port_of vm2): ", not "warn".
expect_log()
{
    VST_LOG_EXPECTED+=("$1")
}

# check_daemon_log: fails (status 1, with the lines on stderr) if a log
# of this test's daemons holds a warning or error that no expect_log
# pattern matches; run by the cleanup of every test that passed, once the
# daemon has stopped.  Prints how many were expected.
check_daemon_log()
{
    local f bad=() line pat ok n_expected=0
    [[ -n $VST_TMP && -d $VST_TMP ]] || return 0
    # (Every daemon's log: a test may run several, see sw_use.)
    for f in "$VST_TMP"/vswitchd*.log "$VST_TMP"/vswitchd.*.out; do
        [[ -s $f ]] || continue
        while IFS= read -r line; do
            ok=false
            for pat in "${VST_LOG_EXPECTED[@]}"; do
                if [[ $line =~ $pat ]]; then
                    ok=true
                    break
                fi
            done
            if $ok; then
                n_expected=$((n_expected + 1))
            else
                bad+=("$(basename "$f"): $line")
            fi
        done < <(grep -aE -- "$VST_LOG_BAD" "$f")
    done
    if ((${#bad[@]})); then
        printf '%s: FAIL: %s\n' "$VST_NAME" "the daemon logged \
${#bad[@]} warning(s) or error(s) the test did not expect (declare \
legitimate ones with expect_log):" >&2
        printf '    %s\n' "${bad[@]:0:20}" >&2
        return 1
    fi
    log "ok: no unexpected warning or error in the daemon's log \
($n_expected expected)"
    return 0
}

# ---------------------------------------------------------------------------
# Requirements.

require_root()
{
    [[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces)"
}

require_cmd()
{
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 \
            || skip "$c not installed (run tests/setup.sh)"
    done
}

require_scapy()
{
    "$VST_PY" -c 'import scapy.all' 2>/dev/null \
        || skip "scapy not installed (apt-get install python3-scapy)"
}

require_daemon()
{
    [[ -x $VSWITCHD ]] || fail "$VSWITCHD not built (run tests/setup.sh)"
    [[ -x $VSCTL ]] || fail "$VSCTL not built (run tests/setup.sh)"
}

# ---------------------------------------------------------------------------
# Names.

vst_prefix_in_use()
{
    ip netns list 2>/dev/null | awk '{print $1}' | grep -q "^$1-"
}

vst_choose_prefix()
{
    local p i
    if [[ -n ${VST_PREFIX:-} ]]; then
        [[ $VST_PREFIX =~ ^[a-z][a-z0-9]{1,8}$ ]] \
            || fail "VST_PREFIX '$VST_PREFIX' must be 2-9 of [a-z0-9]"
        vst_prefix_in_use "$VST_PREFIX" \
            && fail "namespaces named $VST_PREFIX-* already exist"
        P=$VST_PREFIX
        return
    fi
    P=vs$(printf '%x' $$)
    for ((i = 0; i < 20 && i >= 0; i++)); do
        vst_prefix_in_use "$P" || return 0
        p=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
        P=vs$p
    done
    fail "could not find an unused name prefix"
}

# Prints the name of a device: PREFIX + SUFFIX, at most 15 characters.
dev()
{
    local n=$P$1
    ((${#n} <= 15)) || fail "device name $n is longer than 15 characters"
    printf '%s' "$n"
}

# Namespace of a host: PREFIX-NAME.
ns()
{
    printf '%s-%s' "$P" "$1"
}

# A VM's switch port and its own device.
port_of()
{
    dev "$1"
}

dev_of()
{
    dev "g$1"
}

# ---------------------------------------------------------------------------
# Namespaces and links.

# ns_add NAME [ipv6]: makes namespace PREFIX-NAME with loopback up.  IPv6
# is disabled unless "ipv6" is given, so that hosts send nothing on their
# own (router solicitations, MLD) that would disturb counts.
ns_add()
{
    local n
    n=$(ns "$1")
    ip netns add "$n" || fail "cannot create namespace $n"
    VST_NETNS+=("$n")
    ip -n "$n" link set lo up
    if [[ ${2:-} == ipv6 ]]; then
        ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
            net.ipv6.conf.default.accept_dad=0 \
            net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
            >/dev/null
    else
        ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1 >/dev/null
    fi
}

# in_ns NAME CMD...: runs CMD in namespace PREFIX-NAME.
in_ns()
{
    local n
    n=$(ns "$1")
    shift
    ip netns exec "$n" "$@"
}

# veth_add NS1 DEV1 NS2 DEV2: a veth pair with one end in each namespace
# (short namespace names), created directly there: nothing ever appears in
# the machine's own namespace.
veth_add()
{
    ip -n "$(ns "$1")" link add "$2" type veth peer name "$4" \
        netns "$(ns "$3")" || fail "cannot create veth $2 <-> $4"
}

# sw_ns: makes the switch's namespace.
# idle_veths_add NAME N: N veth pairs in the switch namespace, NAME1..NAMEN
# (devices $(dev NAMEi)) and their peers, which stay down: ports that never
# see a frame.  One netlink batch: thousands take seconds.
idle_veths_add()
{
    local name=$1 n=$2 i batch=$VST_TMP/veths-$1
    for ((i = 1; i <= n; i++)); do
        printf 'link add %s type veth peer name %s\n' "$(dev "$name$i")" \
            "$(dev "$name${i}p")"
    done >"$batch"
    ip -n "$(ns sw)" -batch "$batch" || fail "cannot create $n veth pairs"
}

sw_ns()
{
    ns_add sw
}

# vm_add NAME IPV4/LEN [IPV6/LEN]: a VM namespace whose device is joined by
# a veth to port PREFIX+NAME in the switch namespace (the port's device,
# down until the switch takes it).  The VM's MAC is fixed (vm_mac), so
# tests can name it.
vm_add()
{
    if [[ -n ${3:-} ]]; then
        ns_add "$1" ipv6
    else
        ns_add "$1"
    fi
    vm_plug "$@"
}

# vm_plug NAME IPV4/LEN [IPV6/LEN]: (re)creates the VM's veth, its
# address and MAC, in an existing VM namespace.
vm_plug()
{
    local name=$1 ip4=$2 ip6=${3:-} d
    d=$(dev_of "$name")
    veth_add sw "$(port_of "$name")" "$name" "$d"
    ip -n "$(ns "$name")" link set "$d" address "$(vm_mac "$name")"
    ip -n "$(ns "$name")" addr add "$ip4" dev "$d"
    if [[ -n $ip6 ]]; then
        ip -n "$(ns "$name")" addr add "$ip6" dev "$d" nodad
    fi
    ip -n "$(ns "$name")" link set "$d" up
}

# vm_neigh VM IP MAC: a permanent neighbour entry in VM, so that it sends
# no ARP for IP (no later probes that would refresh the switch's table).
vm_neigh()
{
    ip -n "$(ns "$1")" neigh replace "$2" lladdr "$3" nud permanent \
        dev "$(dev_of "$1")" || fail "cannot set neighbour $2 in $1"
}

# vm_mac NAME: 02:00:00:00:00:NN, NN from the digits of NAME.
vm_mac()
{
    local num=${1//[!0-9]/}
    printf '02:00:00:00:00:%02x' "$((10#${num:-0} % 256))"
}

# phys_add: the physical network, a namespace with a kernel bridge.
phys_add()
{
    ns_add phys
    ip -n "$(ns phys)" link add "$(dev pbr)" type bridge \
        || fail "cannot create bridge $(dev pbr)"
    # Forward at once (no STP, no learning delay), never age out quickly.
    ip -n "$(ns phys)" link set "$(dev pbr)" type bridge stp_state 0 \
        forward_delay 0
    ip -n "$(ns phys)" link set "$(dev pbr)" up
}

# uplink_add NAME: port PREFIX+NAME of the switch, its peer PREFIX+pNAME
# on the physical network's bridge.
uplink_add()
{
    local name=$1
    veth_add sw "$(dev "$name")" phys "$(dev "p$name")"
    ip -n "$(ns phys)" link set "$(dev "p$name")" master "$(dev pbr)"
    ip -n "$(ns phys)" link set "$(dev "p$name")" up
}

# rhost_add NAME [IPV4/LEN]: a remote host behind the physical network; its
# device is PREFIX+gNAME, its bridge port PREFIX+pNAME.  Without an address
# the host stays silent (a scapy responder plays it).
rhost_add()
{
    local name=$1 ip4=${2:-}
    ns_add "$name"
    veth_add "$name" "$(dev_of "$name")" phys "$(dev "p$name")"
    ip -n "$(ns phys)" link set "$(dev "p$name")" master "$(dev pbr)"
    ip -n "$(ns phys)" link set "$(dev "p$name")" up
    if [[ -n $ip4 ]]; then
        ip -n "$(ns "$name")" addr add "$ip4" dev "$(dev_of "$name")"
    fi
    ip -n "$(ns "$name")" link set "$(dev_of "$name")" up
}

# ---------------------------------------------------------------------------
# Background processes.

# bg LOGFILE CMD...: starts CMD (a program, not a shell function, so that
# the pid is the program's own) in the background with its output in
# LOGFILE, remembers its pid for the cleanup, and sets BG_PID.
bg()
{
    local out=$1
    shift
    "$@" >"$out" 2>&1 &
    BG_PID=$!
    VST_PIDS+=("$BG_PID")
}

# bg_ns HOST LOGFILE CMD...: bg in namespace PREFIX-HOST (ip netns exec
# execs CMD, so BG_PID is CMD's pid).
bg_ns()
{
    local n
    n=$(ns "$1")
    bg "$2" ip netns exec "$n" "${@:3}"
}

# stop_pid PID: stops one background process this test started.
stop_pid()
{
    vst_stop_pids "$1"
}

# ping_stop PID LOGFILE: stops a background ping started with bg_ns (under
# timeout, which passes SIGINT on) so that it writes its summary, and
# prints the summary: "N packets transmitted, N received, ... loss".
ping_stop()
{
    local i
    if vst_is_child "$1"; then
        kill -INT "$1" 2>/dev/null
        for ((i = 0; i < 30; i++)); do
            kill -0 "$1" 2>/dev/null || break
            sleep 0.1
        done
    fi
    stop_pid "$1"
    grep -o '[0-9]* packets transmitted.*loss' "$2" \
        || fail "no summary from the ping in $2"
}

# ---------------------------------------------------------------------------
# The daemon.

VST_CONF=
VST_SOCK=
VST_PIDFILE=
VST_LOG=
VST_DAEMON_RUNS=0
# For the next sw_start: VAR=VALUE assignments added to the daemon's
# environment (NOTIFY_SOCKET=..., say), and whether it logs to its stderr
# (vswitchd.N.out, see sw_next_out) instead of $VST_LOG.
VST_DAEMON_ENV=()
# For the next sw_start: a command that runs the daemon's (and execs it, so
# the daemon keeps its pid), e.g. (prlimit --nofile=128 --).
VST_DAEMON_WRAP=()
VST_SW=sw               # The daemon the commands act on (sw_use).
VST_SW_NS=sw            # Its namespace.
declare -A VST_DAEMON_PID_OF=()  # Daemon name -> pid, for sw_use.
VST_LOG_STDERR=false

# sw_next_out: prints the file the next sw_start sends the daemon's stdout
# and stderr to, created now (sw_start keeps its inode: a test may name it
# in the daemon's environment).
sw_next_out()
{
    local out=$VST_TMP/vswitchd.$((VST_DAEMON_RUNS + 1)).out
    : >"$out" || fail "cannot create $out"
    printf '%s' "$out"
}

# sw_start [EXTRA-ARGS...]: starts vswitchd in the switch namespace with
# its own config, socket, pidfile and log under the temp directory, waits
# for its socket to answer.
# shellcheck disable=SC2120 # arguments are optional
sw_start()
{
    local out i log_arg=(--log-file="$VST_LOG")
    [[ -z $VST_DAEMON_PID ]] || fail "sw_start: the daemon already runs"
    VST_DAEMON_RUNS=$((VST_DAEMON_RUNS + 1))
    out=$VST_TMP/vswitchd.$VST_DAEMON_RUNS.out
    $VST_LOG_STDERR && log_arg=()
    # Only what the test gives: nothing of systemd's from the runner's own
    # environment.
    ip netns exec "$(ns "$VST_SW_NS")" env -u NOTIFY_SOCKET -u WATCHDOG_USEC \
        -u WATCHDOG_PID -u JOURNAL_STREAM "${VST_DAEMON_ENV[@]}" \
        "${VST_DAEMON_WRAP[@]}" "$VSWITCHD" \
        --config="$VST_CONF" --socket="$VST_SOCK" --pidfile="$VST_PIDFILE" \
        "${log_arg[@]}" "$@" >"$out" 2>&1 &
    VST_DAEMON_PID=$!
    VST_DAEMON_PIDS+=("$VST_DAEMON_PID")
    for ((i = 0; i < 100; i++)); do
        if ! kill -0 "$VST_DAEMON_PID" 2>/dev/null; then
            wait "$VST_DAEMON_PID"
            i=$?
            vst_forget_daemon "$VST_DAEMON_PID"
            VST_DAEMON_PID=
            fail "vswitchd exited at start (status $i): $(tail -n 5 "$out")"
        fi
        if [[ -S $VST_SOCK ]] && ctl list-br >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    fail "vswitchd did not answer on $VST_SOCK within 10 s"
}

# sw_use NAME [NS]: for a test that runs several daemons: sw_start,
# sw_signal, ctl and the other daemon commands act on daemon NAME from now
# on, which runs in namespace PREFIX-NS (default PREFIX-NAME, made by the
# test) with its own config, socket, pidfile and log (vswitchd-NAME.*)
# under the temp directory.  "sw_use sw" returns to the first daemon (in
# PREFIX-sw, the files vswitchd.*).
sw_use()
{
    local name=$1 base
    VST_DAEMON_PID_OF[$VST_SW]=$VST_DAEMON_PID
    VST_SW=$name
    VST_SW_NS=${2:-$name}
    base=$VST_TMP/vswitchd-$name
    [[ $name == sw ]] && base=$VST_TMP/vswitchd
    VST_CONF=$base.conf
    VST_SOCK=$base.sock
    VST_PIDFILE=$base.pid
    VST_LOG=$base.log
    VST_DAEMON_PID=${VST_DAEMON_PID_OF[$name]:-}
}

# sw_on NAME CMD...: runs CMD (ctl, a function...) with daemon NAME (in
# namespace PREFIX-NAME) as the current one (sw_use), then returns to the
# daemon that was current before; CMD's status.
sw_on()
{
    local prev=$VST_SW prev_ns=$VST_SW_NS rc
    sw_use "$1"
    "${@:2}"
    rc=$?
    sw_use "$prev" "$prev_ns"
    return "$rc"
}

# sw_signal SIG: sends SIG to the daemon; for TERM, KILL and INT waits for
# it to exit and sets SW_STATUS to its exit status.
sw_signal()
{
    local sig=$1 i
    [[ -n $VST_DAEMON_PID ]] || fail "sw_signal: no daemon running"
    kill -"$sig" "$VST_DAEMON_PID" || fail "cannot signal vswitchd"
    case $sig in
    TERM|KILL|INT)
        for ((i = 0; i < 100; i++)); do
            kill -0 "$VST_DAEMON_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$VST_DAEMON_PID" 2>/dev/null \
            && fail "vswitchd still runs 10 s after SIG$sig"
        # (2>/dev/null: bash would print a "Killed" line for SIGKILL.)
        wait "$VST_DAEMON_PID" 2>/dev/null
        # shellcheck disable=SC2034 # read by the tests
        SW_STATUS=$?
        vst_forget_daemon "$VST_DAEMON_PID"
        VST_DAEMON_PID=
        ;;
    esac
}

# vst_forget_daemon PID: a daemon that exited is no longer ours to stop.
vst_forget_daemon()
{
    local p keep=()
    for p in "${VST_DAEMON_PIDS[@]}"; do
        [[ $p == "$1" ]] || keep+=("$p")
    done
    VST_DAEMON_PIDS=("${keep[@]}")
}

# sw_fds: how many file descriptors the running daemon holds.
sw_fds()
{
    [[ -n $VST_DAEMON_PID ]] || fail "sw_fds: no daemon running"
    find "/proc/$VST_DAEMON_PID/fd" -mindepth 1 -maxdepth 1 | wc -l
}

# sw_rss_kb: the running daemon's resident memory (VmRSS), in KiB.
# sw_is_asan: true if the daemon under test is an AddressSanitizer build,
# whose memory grows by design (freed blocks sit in a quarantine) and whose
# leaks LeakSanitizer reports at exit instead.
sw_is_asan()
{
    # Not "nm | grep -q": grep's early exit would SIGPIPE nm, and pipefail
    # turn the match into a failure.
    grep -q ' __asan_init$' < <(nm "$VSWITCHD" 2>/dev/null)
}

# assert_rss_growth BEFORE AFTER MAX-KB: the daemon's VmRSS grew by at most
# MAX-KB (not checked on an ASan build: see sw_is_asan).
assert_rss_growth()
{
    if sw_is_asan; then
        log "ASan build: RSS growth $(($2 - $1)) KiB not checked (LeakSanitizer checks leaks at exit)"
        return 0
    fi
    assert_cmp "$(($2 - $1))" -le "$3" "growth of the daemon's VmRSS in KiB"
}

sw_rss_kb()
{
    [[ -n $VST_DAEMON_PID ]] || fail "sw_rss_kb: no daemon running"
    awk '$1 == "VmRSS:" { print $2 }' "/proc/$VST_DAEMON_PID/status"
}

# ctl ARGS...: vswitch-ctl against this test's daemon (the socket is a
# file, so the command line runs outside the switch's namespace).
ctl()
{
    "$VSCTL" --socket="$VST_SOCK" --timeout=10 "$@"
}

# ctl_ok ARGS...: ctl that must succeed.
ctl_ok()
{
    local out
    out=$(ctl "$@" 2>&1) || fail "vswitch-ctl $* failed: $out"
    [[ -z $out ]] || printf '%s\n' "$out"
}

# attach BR VM [SETTINGS...]: adds VM's port to bridge BR and waits until
# it is up.
attach()
{
    local br=$1 port
    port=$(port_of "$2")
    ctl_ok add-port "$br" "$port" "${@:3}"
    wait_port "$port" up
}

# json EXPR: reads JSON on stdin, prints the Python expression EXPR over it
# (bound to 'd'); lists and dicts are printed as JSON.
json()
{
    "$VST_PY" -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1], {"d": d})
print(json.dumps(v, sort_keys=True) if isinstance(v, (list, dict)) else v)
' "$1"
}

# port_state PORT: the port's state from show --json ("" if not found).
port_state()
{
    ctl --json show | json "next((p['state'] for b in d['bridges'] \
for p in b['ports'] if p['name'] == '$1'), '')"
}

port_is()
{
    [[ $(port_state "$1") == "$2" ]]
}

# wait_port PORT STATE [SECS]: waits until the port shows STATE.
wait_port()
{
    wait_for "${3:-10}" port_is "$1" "$2" \
        || fail "port $1 is '$(port_state "$1")', expected '$2' within ${3:-10} s"
}

# stat_of PORT KEY: one counter of port/stats --json; KEY is like
# rx-packets or drops.vlan.
stat_of()
{
    local key=$2 expr
    case $key in
    drops.*) expr="p['drops']['${key#drops.}']" ;;
    *) expr="p['$key']" ;;
    esac
    ctl --json port/stats | json "[$expr for p in d['ports'] \
if p['name'] == '$1'][0]"
}

# fdb_field BR EXPR: evaluates EXPR over fdb/show --json.
fdb_json()
{
    ctl --json fdb/show "$1" | json "$2"
}

# ---------------------------------------------------------------------------
# Waiting and asserting.

# wait_for SECS CMD...: runs CMD every 0.2 s until it succeeds (0) or SECS
# pass (1).
wait_for()
{
    local secs=$1 end
    shift
    end=$((SECONDS + secs))
    while true; do
        "$@" >/dev/null 2>&1 && return 0
        ((SECONDS >= end)) && return 1
        sleep 0.2
    done
}

# assert_eq EXPECTED ACTUAL WHAT
assert_eq()
{
    [[ $2 == "$1" ]] || fail "$3: expected '$1', got '$2'"
    if [[ $2 == *$'\n'* ]]; then
        log "ok: $3: as expected ($(printf '%s\n' "$2" | wc -l) lines)"
    else
        log "ok: $3 = '$2'"
    fi
}

assert_ne()
{
    [[ $2 != "$1" ]] || fail "$3: expected anything but '$1', got it"
    log "ok: $3 = '$2' (not '$1')"
}

# assert_cmp A OP B WHAT: numeric comparison (OP: -gt -ge -lt -le -eq).
assert_cmp()
{
    [[ $1 =~ ^-?[0-9]+$ ]] || fail "$4: '$1' is not a number"
    [[ $3 =~ ^-?[0-9]+$ ]] || fail "$4: '$3' is not a number"
    local ok=false
    case $2 in
    -gt) (($1 > $3)) && ok=true ;;
    -ge) (($1 >= $3)) && ok=true ;;
    -lt) (($1 < $3)) && ok=true ;;
    -le) (($1 <= $3)) && ok=true ;;
    -eq) (($1 == $3)) && ok=true ;;
    *) fail "assert_cmp: unknown operator $2" ;;
    esac
    $ok || fail "$4: expected $1 $2 $3, it is not"
    log "ok: $4: $1 $2 $3"
}

# ping_count FROM DST [ping-args...]: sends 5 echo requests (bounded: -c 5
# -i 0.2 -W 1) and prints how many replies came back.
ping_count()
{
    local from=$1 dst=$2 out
    shift 2
    out=$(in_ns "$from" timeout 20 ping -n -q -c 5 -i 0.2 -W 1 "$@" "$dst" \
        2>&1)
    printf '%s\n' "$out" | sed -n 's/.* \([0-9][0-9]*\) \(packets \)\{0,1\}received.*/\1/p' \
        | head -n1 | grep . || echo 0
}

# assert_ping FROM DST [ping-args]: all 5 echo requests must be answered.
assert_ping()
{
    local n
    n=$(ping_count "$@")
    [[ $n == 5 ]] || fail "ping $2 from $1: expected 5 of 5 replies, got $n"
    log "ok: ping $2 from $1: 5 of 5 replies"
}

# assert_no_ping FROM DST [ping-args]: none of 5 may be answered.
assert_no_ping()
{
    local n
    n=$(ping_count "$@")
    [[ $n == 0 ]] || fail "ping $2 from $1: expected 0 of 5 replies, got $n"
    log "ok: ping $2 from $1: 0 of 5 replies, as expected"
}

# ping_reaches FROM DST: true if one echo request is answered (for wait_for).
ping_reaches()
{
    in_ns "$1" timeout 5 ping -n -q -c 1 -W 1 "$2" >/dev/null 2>&1
}

# listening HOST PORT: true if a TCP socket listens on PORT in HOST.
listening()
{
    [[ -n $(in_ns "$1" ss -Hltn "sport = :$2") ]]
}

# ---------------------------------------------------------------------------
# Captures.

# capture_start HOST DEV NAME [FILTER]: tcpdump on DEV in namespace
# PREFIX-HOST writing $VST_TMP/NAME.pcap; waits until it listens.  Sets
# CAP_PID.
capture_start()
{
    local n=$1 d=$2 name=$3 filter=${4:-} i
    bg_ns "$n" "$VST_TMP/$name.tcpdump" tcpdump -i "$d" -nn -U --immediate-mode \
        -s 256 -w "$VST_TMP/$name.pcap" ${filter:+"$filter"}
    CAP_PID=$BG_PID
    for ((i = 0; i < 50; i++)); do
        grep -qs 'listening on' "$VST_TMP/$name.tcpdump" && return 0
        kill -0 "$CAP_PID" 2>/dev/null \
            || fail "tcpdump on $d failed: $(cat "$VST_TMP/$name.tcpdump")"
        sleep 0.1
    done
    fail "tcpdump on $d did not start within 5 s"
}

# capture_stop PID: stops a capture (it flushes its file on SIGTERM).
capture_stop()
{
    sleep 0.3
    stop_pid "$1"
}

# capture_read NAME [FILTER]: prints the captured frames, link level (-e).
capture_read()
{
    tcpdump -r "$VST_TMP/$1.pcap" -nn -e ${2:+"$2"} 2>/dev/null
}

# frame_count NAME [FILTER]: how many captured frames match (tcpdump
# prints frames of unknown ethertypes with hex lines: headers only count).
frame_count()
{
    capture_read "$1" "${2:-}" | grep -c '^[0-9].* > ' || true
}

# send_frames HOST ARGS...: sends hand-built frames from HOST's device
# (tests/system/send-frames.py ARGS, 5 ms apart unless --pace says).
send_frames()
{
    local host=$1
    shift
    in_ns "$host" "$VST_PY" "$VST_SYSDIR/send-frames.py" \
        --iface "$(dev_of "$host")" --pace 0.005 "$@" >/dev/null \
        || fail "send-frames.py in $host failed"
}

capture_count()
{
    capture_read "$@" | wc -l
}

# ---------------------------------------------------------------------------
# Scapy responder: a tagged host on a trunk (this kernel has no VLAN
# devices).

# responder_start HOST VLAN IPV4: answers ARP and ICMP echo for IPV4 on
# frames tagged VLAN arriving at HOST's device.  Sets RESP_PID.
responder_start()
{
    local host=$1 vlan=$2 ip=$3 ready i
    ready=$VST_TMP/responder-$host-$vlan.ready
    bg_ns "$host" "$VST_TMP/responder-$host-$vlan.log" "$VST_PY" \
        "$VST_SYSDIR/vlan-responder.py" --iface "$(dev_of "$host")" \
        --vlan "$vlan" --ip "$ip" --ready "$ready" --timeout 300
    RESP_PID=$BG_PID
    for ((i = 0; i < 100; i++)); do
        [[ -e $ready ]] && return 0
        kill -0 "$RESP_PID" 2>/dev/null || fail "responder failed: \
$(cat "$VST_TMP/responder-$host-$vlan.log")"
        sleep 0.1
    done
    fail "responder on $host did not start within 10 s"
}

# ---------------------------------------------------------------------------
# Start of every test.

# vst_init: checks what every test needs and arms the cleanup.
vst_init()
{
    require_root
    require_cmd ip ping tcpdump timeout
    require_daemon
    vst_choose_prefix
    trap vst_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 1' USR1
    VST_TMP=$(mktemp -d "/tmp/$P.XXXXXX") || fail "cannot make a temp dir"
    VST_CONF=$VST_TMP/vswitchd.conf
    VST_SOCK=$VST_TMP/vswitchd.sock
    VST_PIDFILE=$VST_TMP/vswitchd.pid
    VST_LOG=$VST_TMP/vswitchd.log
    log "prefix $P, temp dir $VST_TMP"
}
