#!/usr/bin/env bash
# bench.sh: the benchmark (`make bench`).  Our switch, the Linux kernel
# bridge and Open vSwitch's userspace datapath (without and with userspace
# TSO) in turn, on one topology, in the same run; a table on stdout, JSON
# and a PNG bar chart in results/.
#
#   BUILD=DIR QUICK=1 tests/bench/bench.sh      (as root)
#
# Topology (the world of the system tests, tests/system/lib.sh):
#
#   vm1..vm4 ---- [switch under test, namespace PREFIX-sw] ---- up1 ----+
#                                                         \--- up2 ----+
#                  [PREFIX-phys: kernel bridge] --- rh1, rh2 (remote hosts)
#
# The uplinks: ours makes up1 and up2 a team (src-port, rebalance=0), OVS a
# bond (balance-slb; ovs-ab: active-backup; carrier detection, no up or
# down delay, no LACP); the kernel bridge has one uplink, up1, as this
# kernel has no bonding driver (up2 stays cabled but unattached).
#
# All on 198.18.0.0/24: VMs .1-.4, remote hosts .101-.102.
#
# The switches, each built, measured and torn down in turn; the order
# rotates from one round to the next so that drift hits all alike:
#   ours      vswitchd in the switch namespace, the VMs' ports untagged.
#   ours-bp   the same with vswitchd --busy-poll (its datapath thread
#             spins instead of sleeping): measured for the latency rows
#             (with the load's rate) and the idle CPU only.  Ours already
#             keeps polling for --poll-window (5 ms) after each frame, so
#             the pings 1 ms apart and the load find it awake either way:
#             the pings 10 ms apart and the idle CPU are the rows that
#             show what spinning all the time adds and costs.
#   kbr       a kernel bridge (ip link add type bridge) there.
#   ovs       ovsdb-server and ovs-vswitchd (Debian's openvswitch-switch),
#             started privately (own db, sockets and logs under the temp
#             dir) in the switch namespace, bridge datapath_type=netdev,
#             the veths as "system" ports.  Userspace TSO is off, and then
#             OVS forwards TCP only if the hosts send no offloaded frames:
#             for this variant the VMs and remote hosts have TSO, GSO and
#             tx checksum offload turned off (restored after).
#   ovs-tso   the same with other_config:userspace-tso-enable=true and the
#             hosts' default offloads.
#   ovs-ab    ovs (no userspace TSO, hosts' offloads off) with an
#             active-backup bond; by default in the failover figures only.
# The system's own openvswitch-switch service is never started, stopped or
# connected to: every ovs-vsctl names our private database socket.
#
# Figures, each the median over the rounds with min and max:
#   TCP east-west vm1 -> vm2, 1 and 4 streams (iperf3); TCP north-south
#   vm1 -> rh1 through the uplink; 64-byte UDP frames a second vm1 -> vm2,
#   offered (vm1's device tx counter) and delivered (vm2's rx counter),
#   sent by udp-flood (AF_PACKET, sendmmsg); ping RTT vm1 -> vm2, median
#   and 99th percentile, with pings 10 ms apart (rtt_*: PINGS of them)
#   and 1 ms apart (rtt1ms_*: PINGS1, 1000 quick, 3000 full); latency
#   under load: ping RTT vm3 -> vm4, 1 ms apart, median and 99th
#   percentile, while vm1 sends vm2 one TCP stream (iperf3) through the
#   same switch (loaded_*, with the stream's rate); the switch
#   processes' CPU time (utime + stime)
#   during the 1-stream east-west run per gigabit received (and as a share
#   of one CPU over that run), and their CPU use over 5 s with no traffic
#   (a kernel bridge has no process: n/a).  Clock ticks are 10 ms, so the
#   idle figure has a resolution of 0.2 % of one CPU.
#
# Failover figures (ours, ovs, ovs-ab: the switches with two uplinks), each
# switch brought up once and measured FO_REPEATS times, median and min-max
# over the repeats: vm1 sends rh1 a sequence-numbered UDP stream, one frame
# every 0.1 ms (udp-flood send --rate 10000) for FO_SECS seconds, and rh1's
# sink counts the sequence numbers skipped; outage = frames lost x 0.1 ms
# (frames after the last one seen would not count: a stream whose tail is
# missing is reported in the notes).  FO_AT seconds into the stream, the
# member carrying it (found from the physical-side peers' rx counters
# during the stream, and checked against team/show --json or bond/show) is
#   failover  unplugged (its peer in PREFIX-phys set down);
#   failback  plugged back (in the next stream; ours, failback=yes, moves
#             vm1 back; OVS moves nothing back: noted);
#   drain     taken off by the operator: ours team/set-member TEAM IF
#             disable (put back after, untimed); ovs-ab
#             bond/set-active-member to the other member; ovs (balance-slb)
#             bond/migrate of vm1's hash (bond/hash) to the other member,
#             as OVS 3.1's bond/disable-member does not hold while the
#             carrier is up (the next bond_run enables the member again).
#             (OVS 3.1's names; bond/set-active-slave, bond/disable-slave
#             are deprecated aliases.)
# A control stream with no event comes first.  Ours' own figure: team/show's
# last-migration-usec after each failover (netlink event to the new map in
# use by the datapath).
#
# Settings (environment):
#   BUILD           build tree with vswitchd/vswitchd (default: this tree)
#   QUICK=1         short run: 3 s per traffic run, 2 rounds (about 7
#                   minutes with the five switches; no scale figures)
#   BENCH_ROUNDS    rounds (default 2 quick, 4 full)
#   BENCH_SECONDS   seconds per traffic run (default 3 quick, 10 full)
#   BENCH_SWITCHES  which switches, default "ours ours-bp kbr ovs ovs-tso"
#   BENCH_FO_SWITCHES  failover figures, default "ours ovs ovs-ab"
#   BENCH_FO_REPEATS   repeats of each failover figure (3 quick, 5 full)
#   BENCH_RESULTS   where JSON and PNG go (default BUILD/results)
#   BENCH_DP_THREADS  vswitchd --datapath-threads (default 1)
#   BENCH_OVS_OFFLOADS  "off" (default): the hosts' offloads off for ovs;
#                   "on" leaves them on (to see why they must be off)
#   BENCH_SCALE     the scale figures (below): on by default in a full
#                   run, off with QUICK=1 (they take 1-3 minutes a switch,
#                   OVS's add-ports the most); BENCH_SCALE=1 turns them on
#                   with QUICK too, BENCH_SCALE=0 off
#   BENCH_SCALE_SWITCHES  default: BENCH_SWITCHES but ovs-ab and ours-bp,
#                   and ovs only without ovs-tso
#   BENCH_SCALE_PORTS (1000), BENCH_SCALE_MACS (10000), BENCH_SCALE_SIZES
#                   ("4 64 256": ports on the bridge at the measured points)
#
# Exit: 0 done (a switch that failed to come up or a measurement that
# failed is reported as such in the table and notes), 77 skipped (not
# root, a tool missing), 1 error.

export LC_ALL=C          # Numbers with a '.', tools' messages in English.
BENCH_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export VSWITCH_BUILD=${BUILD:-${VSWITCH_BUILD:-$BENCH_SRCDIR}}
# shellcheck source=../system/lib.sh
. "$BENCH_SRCDIR/tests/system/lib.sh"

QUICK=${QUICK:-}
[[ $QUICK == 0 ]] && QUICK=
if [[ -n $QUICK ]]; then
    ROUNDS=${BENCH_ROUNDS:-2}
    DUR=${BENCH_SECONDS:-3}
    PINGS=300
    PINGS1=1000
else
    ROUNDS=${BENCH_ROUNDS:-4}
    DUR=${BENCH_SECONDS:-10}
    PINGS=500
    PINGS1=3000
fi
IDLE_SECS=5
SWITCHES=${BENCH_SWITCHES:-ours ours-bp kbr ovs ovs-tso}
FO_SWITCHES=${BENCH_FO_SWITCHES:-ours ovs ovs-ab}
if [[ -n $QUICK ]]; then
    FO_REPEATS=${BENCH_FO_REPEATS:-3}
else
    FO_REPEATS=${BENCH_FO_REPEATS:-5}
fi
FO_RATE=10000           # Frames a second: one every 0.1 ms.
FO_SECS=1.5             # Length of one stream, seconds.
FO_AT=0.4               # When the event comes, seconds into the stream.
RESULTS=${BENCH_RESULTS:-$VSWITCH_BUILD/results}
# Cost as the host grows: on in a full run, off with QUICK unless
# BENCH_SCALE=1 (it adds about 2 minutes a switch); BENCH_SCALE=0 turns it off.
SCALE=${BENCH_SCALE:-}
[[ -z $SCALE && -z $QUICK ]] && SCALE=1
[[ $SCALE == 0 ]] && SCALE=
SCALE_PORTS=${BENCH_SCALE_PORTS:-1000}
SCALE_MACS=${BENCH_SCALE_MACS:-10000}
SCALE_SIZES=${BENCH_SCALE_SIZES:-4 64 256}
SCALE_FO_SIZE=256
SCALE_ADD_LIMIT=300     # Seconds of add-port commands per switch, at most.
# Which switches: BENCH_SCALE_SWITCHES, by default those of BENCH_SWITCHES
# but ovs-ab and ours-bp, and ovs only when ovs-tso is not there (one OVS
# is enough).
SCALE_SWITCHES=
if [[ -n $SCALE ]]; then
    if [[ -n ${BENCH_SCALE_SWITCHES:-} ]]; then
        SCALE_SWITCHES=$BENCH_SCALE_SWITCHES
    else
        for sw in $SWITCHES; do
            case $sw in
            ovs-ab|ours-bp) ;;
            ovs) [[ " $SWITCHES " == *" ovs-tso "* ]] || SCALE_SWITCHES+="$sw " ;;
            *) SCALE_SWITCHES+="$sw " ;;
            esac
        done
    fi
fi
DP_THREADS=${BENCH_DP_THREADS:-1}
OVS_OFFLOADS=${BENCH_OVS_OFFLOADS:-off}
# A soft limit: past it, no new round starts (each step has its own
# timeout, so the run is bounded anyway).
# The rounds stop at LIMIT_SECS, the failover figures at FO_LIMIT_SECS.
if [[ -n $QUICK ]]; then
    LIMIT_SECS=170
    # The 1 ms pings and the latency under load take about 7 s a switch
    # and round; ours-bp's rows about 36 s in all.
    FO_LIMIT_SECS=370
else
    LIMIT_SECS=1200
    FO_LIMIT_SECS=1500
fi

VMS=(vm1 vm2 vm3 vm4)
RHOSTS=(rh1 rh2)
UPLINKS=(up1 up2)
TEAM=team0              # Ours' team of up1 and up2.
declare -A IP=([vm1]=198.18.0.1 [vm2]=198.18.0.2 [vm3]=198.18.0.3
               [vm4]=198.18.0.4 [rh1]=198.18.0.101 [rh2]=198.18.0.102)
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
CLK_TCK=$(getconf CLK_TCK)

SWITCH_PIDS=()          # Processes of the switch under test (CPU time).
SWITCH_UP=              # Which switch is up, for the cleanup.
OVS_DIR=                # Private directory of the running OVS.
OVS_PIDS=()
ROUND=0
RAW=
NOTES=
FLOOD=
SEQ=0

# ---------------------------------------------------------------------------
# Bookkeeping.

# blog TEXT: progress, on stderr (stdout has the table).
blog()
{
    log "$@" >&2
}

# note TEXT: a remark that goes into the report (and on stderr now).
note()
{
    blog "note: $*"
    printf '%s\n' "$*" >>"$NOTES"
}

# record SWITCH FIGURE VALUE: one sample.
record()
{
    printf '%s\t%s\t%s\t%s\n' "$ROUND" "$1" "$2" "$3" >>"$RAW"
    blog "  $1 round $ROUND: $2 = $3"
}

# forget PID...: drops PIDs (stopped and reaped) from the cleanup's lists,
# so that a later cleanup can never signal a process that reused the pid.
forget()
{
    local pid keep p
    for pid in "$@"; do
        keep=()
        for p in "${VST_PIDS[@]}"; do
            [[ $p == "$pid" ]] || keep+=("$p")
        done
        VST_PIDS=("${keep[@]}")
        keep=()
        for p in "${VST_DAEMON_PIDS[@]}"; do
            [[ $p == "$pid" ]] || keep+=("$p")
        done
        VST_DAEMON_PIDS=("${keep[@]}")
    done
}

# stop PID...: stops background processes this run started (by pid).
stop()
{
    (($#)) || return 0
    vst_stop_pids "$@"
    forget "$@"
}

# cpu_ticks PID...: their utime + stime, in clock ticks, summed.
cpu_ticks()
{
    local pid s f total=0
    for pid in "$@"; do
        s=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        # Fields after the command name: state is field 3, utime 14,
        # stime 15.
        read -r -a f <<<"${s##*) }"
        total=$((total + f[11] + f[12]))
    done
    printf '%s\n' "$total"
}

# dev_counter HOST DEV COUNTER: a device statistic (rx_packets...).
dev_counter()
{
    in_ns "$1" cat "/sys/class/net/$2/statistics/$3"
}

# ---------------------------------------------------------------------------
# The world.

world_build()
{
    local vm rh
    sw_ns
    for vm in "${VMS[@]}"; do
        vm_add "$vm" "${IP[$vm]}/24"
    done
    phys_add
    for rh in "${RHOSTS[@]}"; do
        rhost_add "$rh" "${IP[$rh]}/24"
    done
    for up in "${UPLINKS[@]}"; do
        uplink_add "$up"
    done
}

# The switch-side devices of the VMs.
vm_ports()
{
    local vm
    for vm in "${VMS[@]}"; do
        port_of "$vm"
        echo
    done
}

# uplinks_attached SWITCH: the uplinks' devices the switch is given: both
# for ours (a team) and OVS (a bond); one, up1, for the kernel bridge, as
# these machines have no bonding driver (two plain ports into one bridge
# would be a loop), so up2 stays cabled but unattached there.
uplinks_attached()
{
    case $1 in
    kbr) dev up1; echo ;;
    *) dev up1; echo; dev up2; echo ;;
    esac
}

# uplink_of DEVICE: the uplink's short name (up1) of its switch-side device.
uplink_of()
{
    printf '%s' "${1#"$P"}"
}

# cable UPLINK up|down: plugs or pulls the cable of an uplink (its peer on
# the physical network; the switch sees carrier change).
cable()
{
    ip -n "$(ns phys)" link set "$(dev "p$1")" "$2"
}

# ---------------------------------------------------------------------------
# Hosts' offloads (for ovs without userspace TSO).

OFFLOAD_SAVED=()        # "HOST DEV tx tso gso" as they were.

offload_state()
{
    local out
    out=$(in_ns "$1" ethtool -k "$2" 2>/dev/null) || return 1
    printf '%s %s %s\n' \
        "$(awk '/^tx-checksumming:/ {print $2}' <<<"$out")" \
        "$(awk '/^tcp-segmentation-offload:/ {print $2}' <<<"$out")" \
        "$(awk '/^generic-segmentation-offload:/ {print $2}' <<<"$out")"
}

# offloads_off: TSO, GSO and tx checksum offload off in every VM and
# remote host, remembering what they were.
offloads_off()
{
    local h d st
    for h in "${VMS[@]}" "${RHOSTS[@]}"; do
        d=$(dev_of "$h")
        st=$(offload_state "$h" "$d") || { note "ethtool -k $d failed"; return 1; }
        OFFLOAD_SAVED+=("$h $d $st")
        in_ns "$h" ethtool -K "$d" tso off gso off tx off >/dev/null 2>&1 \
            || { note "ethtool -K $d tso off gso off tx off failed"; return 1; }
    done
}

offloads_restore()
{
    local e h d tx tso gso
    for e in "${OFFLOAD_SAVED[@]}"; do
        read -r h d tx tso gso <<<"$e"
        in_ns "$h" ethtool -K "$d" tx "$tx" tso "$tso" gso "$gso" \
            >/dev/null 2>&1 || note "cannot restore the offloads of $d"
    done
    OFFLOAD_SAVED=()
}

# ---------------------------------------------------------------------------
# Switch: ours.

# ours_up [VSWITCHD-OPTION...]: the daemon (with those options too), br0
# with the VMs' ports and the team.
ours_up()
{
    local out i p
    rm -f "$VST_CONF" "$VST_SOCK" "$VST_PIDFILE"
    out=$VST_TMP/vswitchd.$SWITCH_UP.$ROUND.out
    ip netns exec "$(ns sw)" "$VSWITCHD" --config="$VST_CONF" \
        --socket="$VST_SOCK" --pidfile="$VST_PIDFILE" \
        --log-file="$VST_LOG" --log-level=warn \
        --datapath-threads="$DP_THREADS" "$@" >"$out" 2>&1 &
    VST_DAEMON_PID=$!
    VST_DAEMON_PIDS+=("$VST_DAEMON_PID")
    SWITCH_PIDS=("$VST_DAEMON_PID")
    for ((i = 0; i < 100; i++)); do
        kill -0 "$VST_DAEMON_PID" 2>/dev/null \
            || { note "$SWITCH_UP: vswitchd exited at start:" \
                "$(tail -n 3 "$out")"; return 1; }
        [[ -S $VST_SOCK ]] && ctl list-br >/dev/null 2>&1 && break
        sleep 0.1
    done
    ((i < 100)) \
        || { note "$SWITCH_UP: vswitchd did not answer within 10 s"; return 1; }
    ctl add-br br0 >/dev/null || { note "$SWITCH_UP: add-br failed"; return 1; }
    for p in $(vm_ports); do
        out=$(ctl add-port br0 "$p" 2>&1) \
            || { note "$SWITCH_UP: add-port $p failed: $out"; return 1; }
    done
    ours_attach_uplinks || return 1
    for p in $(vm_ports); do
        wait_for 10 port_is "$p" up \
            || { note "$SWITCH_UP: port $p is not up within 10 s"; return 1; }
    done
    for p in $(uplinks_attached ours); do
        wait_for 10 ours_member_is "$p" up \
            || { note "$SWITCH_UP: team member $p is not up within 10 s"; return 1; }
    done
}

# ours_attach_uplinks: team TEAM of up1 and up2, VM ports spread by port,
# no rebalancing (failback, announcements, up and down delay: defaults).
ours_attach_uplinks()
{
    local out
    # shellcheck disable=SC2046 # one device a word
    out=$(ctl add-team br0 "$TEAM" $(uplinks_attached ours) \
        policy=src-port rebalance=0 2>&1) \
        || { note "$SWITCH_UP: add-team failed: $out"; return 1; }
}

# ours_team EXPR: EXPR over team/show --json of TEAM, with 't' the team and
# 'm' its members by name.
ours_team()
{
    ctl --json team/show "$TEAM" | "$VST_PY" -c '
import json, sys
t = json.load(sys.stdin)["teams"][0]
m = {x["name"]: x for x in t["members"]}
print(eval(sys.argv[1], {"t": t, "m": m}))
' "$1"
}

ours_member_is()
{
    [[ $(ours_team "m['$1']['state']") == "$2" ]]
}

ours_down()
{
    local pid=$VST_DAEMON_PID
    [[ -n $pid ]] || return 0
    stop "$pid"
    VST_DAEMON_PID=
}

# ---------------------------------------------------------------------------
# Switch: the kernel bridge.

kbr_up()
{
    local p s
    s=$(ns sw)
    ip -n "$s" link add "$(dev kbr)" type bridge stp_state 0 \
        forward_delay 0 || { note "kbr: cannot create the bridge"; return 1; }
    # One uplink only: this kernel has no bonding driver.
    for p in $(vm_ports) $(uplinks_attached kbr); do
        ip -n "$s" link set "$p" master "$(dev kbr)" \
            || { note "kbr: cannot enslave $p"; return 1; }
        ip -n "$s" link set "$p" up
    done
    ip -n "$s" link set "$(dev kbr)" up
    SWITCH_PIDS=()
}

kbr_down()
{
    ip -n "$(ns sw)" link del "$(dev kbr)" 2>/dev/null
    return 0
}

# ---------------------------------------------------------------------------
# Switch: Open vSwitch, userspace datapath, private instance.

# ovs_env CMD...: CMD with OVS's directories set to the private ones.
ovs_env()
{
    env OVS_RUNDIR="$OVS_DIR" OVS_LOGDIR="$OVS_DIR" OVS_DBDIR="$OVS_DIR" \
        OVS_SYSCONFDIR="$OVS_DIR" "$@"
}

# ovs_ctl ARGS...: ovs-vsctl against OUR database only.
ovs_ctl()
{
    ovs_env ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=20 "$@"
}

# ovs_up NAME: ovs, ovs-tso (userspace TSO) or ovs-ab (bond active-backup).
ovs_up()
{
    local name=$1 tso=false mode=balance-slb i p
    [[ $name == ovs-tso ]] && tso=true
    [[ $name == ovs-ab ]] && mode=active-backup
    OVS_DIR=$VST_TMP/$name.$ROUND
    mkdir -p "$OVS_DIR"
    ovs_env ovsdb-tool create "$OVS_DIR/conf.db" "$OVS_SCHEMA" \
        || { note "$name: ovsdb-tool create failed"; return 1; }
    bg_ns sw "$OVS_DIR/ovsdb-server.out" env OVS_RUNDIR="$OVS_DIR" \
        OVS_LOGDIR="$OVS_DIR" OVS_DBDIR="$OVS_DIR" \
        OVS_SYSCONFDIR="$OVS_DIR" ovsdb-server "$OVS_DIR/conf.db" \
        --remote="punix:$OVS_DIR/db.sock" \
        --pidfile="$OVS_DIR/ovsdb-server.pid" \
        --unixctl="$OVS_DIR/ovsdb-server.ctl" \
        --log-file="$OVS_DIR/ovsdb-server.log"
    OVS_PIDS=("$BG_PID")
    for ((i = 0; i < 100; i++)); do
        [[ -S $OVS_DIR/db.sock ]] && break
        kill -0 "$BG_PID" 2>/dev/null || break
        sleep 0.1
    done
    [[ -S $OVS_DIR/db.sock ]] \
        || { note "$name: ovsdb-server did not start: $(tail -n 3 "$OVS_DIR/ovsdb-server.out")"; return 1; }
    ovs_ctl --no-wait init >/dev/null || { note "$name: ovs-vsctl init failed"; return 1; }
    if $tso; then
        ovs_ctl --no-wait set Open_vSwitch . \
            other_config:userspace-tso-enable=true \
            || { note "$name: cannot enable userspace TSO"; return 1; }
    fi
    bg_ns sw "$OVS_DIR/ovs-vswitchd.out" env OVS_RUNDIR="$OVS_DIR" \
        OVS_LOGDIR="$OVS_DIR" OVS_DBDIR="$OVS_DIR" \
        OVS_SYSCONFDIR="$OVS_DIR" ovs-vswitchd "unix:$OVS_DIR/db.sock" \
        --pidfile="$OVS_DIR/ovs-vswitchd.pid" \
        --unixctl="$OVS_DIR/ovs-vswitchd.ctl" \
        --log-file="$OVS_DIR/ovs-vswitchd.log"
    OVS_PIDS+=("$BG_PID")
    SWITCH_PIDS=("${OVS_PIDS[@]}")
    ovs_ctl add-br "$(dev obr)" -- set bridge "$(dev obr)" \
        datapath_type=netdev >/dev/null \
        || { note "$name: add-br failed: $(tail -n 3 "$OVS_DIR/ovs-vswitchd.log")"; return 1; }
    for p in $(vm_ports); do
        ip -n "$(ns sw)" link set "$p" up
        ovs_ctl add-port "$(dev obr)" "$p" >/dev/null \
            || { note "$name: add-port $p failed"; return 1; }
    done
    ovs_attach_uplinks "$name" "$mode" || return 1
    if $tso; then
        grep -q 'Userspace TCP Segmentation Offloading support enabled' \
            "$OVS_DIR/ovs-vswitchd.log" \
            || note "$name: ovs-vswitchd did not log that userspace TSO is enabled"
    fi
}

# ovs_attach_uplinks NAME MODE: bond PREFIX+obd of up1 and up2, bond_mode
# MODE (balance-slb or active-backup), carrier detection, no up or down
# delay, no LACP; rebalancing (balance-slb) at OVS's default interval.
ovs_attach_uplinks()
{
    local p out
    for p in $(uplinks_attached "$1"); do
        ip -n "$(ns sw)" link set "$p" up
    done
    # shellcheck disable=SC2046 # one device a word
    out=$(ovs_ctl add-bond "$(dev obr)" "$(dev obd)" \
        $(uplinks_attached "$1") bond_mode="$2" lacp=off \
        other_config:bond-detect-mode=carrier bond_updelay=0 \
        bond_downdelay=0 2>&1) \
        || { note "$1: add-bond failed: $out"; return 1; }
    for ((p = 0; p < 100; p++)); do
        [[ $(ovs_bond_enabled) == 2 ]] && return 0
        sleep 0.1
    done
    note "$1: the bond's members are not both enabled within 10 s"
    return 1
}

# ovs_appctl ARGS...: ovs-appctl to OUR ovs-vswitchd only.
ovs_appctl()
{
    ovs-appctl --timeout=10 -t "$OVS_DIR/ovs-vswitchd.ctl" "$@"
}

# ovs_bond_enabled: how many of the bond's members bond/show calls enabled.
ovs_bond_enabled()
{
    ovs_appctl bond/show "$(dev obd)" 2>/dev/null \
        | grep -c '^member .*: enabled'
}

# ovs_member_is DEVICE enabled|disabled
ovs_member_is()
{
    ovs_appctl bond/show "$(dev obd)" 2>/dev/null \
        | grep -q "^member $1: $2\$"
}

ovs_down()
{
    local pids=("${OVS_PIDS[@]}") i
    # ovs-vswitchd first (it removes its ports), then the database.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        stop "${pids[i]}"
    done
    OVS_PIDS=()
}

# ---------------------------------------------------------------------------
# Switch up and down, by name.

switch_up()
{
    SWITCH_UP=$1
    case $1 in
    ours) ours_up ;;
    ours-bp) ours_up --busy-poll ;;
    kbr) kbr_up ;;
    ovs|ovs-ab)
        if [[ $OVS_OFFLOADS == off ]]; then
            offloads_off || return 1
        else
            note "$1: hosts' offloads left on (BENCH_OVS_OFFLOADS=$OVS_OFFLOADS)"
        fi
        ovs_up "$1"
        ;;
    ovs-tso) ovs_up ovs-tso ;;
    *) fail "unknown switch '$1' (ours, ours-bp, kbr, ovs, ovs-tso, ovs-ab)" ;;
    esac
}

switch_down()
{
    case $SWITCH_UP in
    ours|ours-bp) ours_down ;;
    kbr) kbr_down ;;
    ovs|ovs-ab) ovs_down; offloads_restore ;;
    ovs-tso) ovs_down ;;
    esac
    SWITCH_UP=
    SWITCH_PIDS=()
}

# ---------------------------------------------------------------------------
# Measurements.  Each is bounded in time and, when it fails, says so in a
# note and records nothing.

# m_idle SW: the switch processes' CPU use over IDLE_SECS with no traffic.
m_idle()
{
    local sw=$1 c0 c1
    ((${#SWITCH_PIDS[@]})) || return 0
    sleep 1
    c0=$(cpu_ticks "${SWITCH_PIDS[@]}")
    sleep "$IDLE_SECS"
    c1=$(cpu_ticks "${SWITCH_PIDS[@]}")
    record "$sw" idle_cpu_pct \
        "$(awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v s="$IDLE_SECS" \
            'BEGIN {printf "%.3f", d / hz / s * 100}')"
}

# ping_stats FROM DST COUNT INTERVAL: COUNT echo requests INTERVAL seconds
# apart; prints the median and 99th percentile (nearest rank) of the
# replies' times in microseconds and how many replies there were, or
# fails if none came.
ping_stats()
{
    local from=$1 dst=$2 count=$3 ival=$4 out
    out=$(in_ns "$from" timeout "$(awk -v c="$count" -v i="$ival" \
        'BEGIN {printf "%d", c * i * 1.5 + 20}')" ping -n -i "$ival" \
        -c "$count" -W 1 "$dst" 2>&1)
    sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' <<<"$out" | sort -g \
        | awk '{t[NR] = $1 * 1000}
               END {
                   if (NR == 0) exit 1
                   m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
                   k = int(0.99 * NR); if (k < 0.99 * NR) k++
                   printf "%.1f %.1f %d\n", m, t[k], NR
               }'
}

# m_ping SW FIGURE COUNT INTERVAL: RTT vm1 -> vm2, COUNT echo requests
# INTERVAL seconds apart; records FIGURE_median_us and FIGURE_p99_us
# (FIGURE rtt: 10 ms apart, the original row; rtt1ms: 1 ms apart).
m_ping()
{
    local sw=$1 fig=$2 count=$3 ival=$4 stats med p99 n
    stats=$(ping_stats vm1 "${IP[vm2]}" "$count" "$ival") \
        || { note "$sw round $ROUND: ping vm1 -> vm2 (${ival} s apart) got no reply"; return 1; }
    read -r med p99 n <<<"$stats"
    record "$sw" "${fig}_median_us" "$med"
    record "$sw" "${fig}_p99_us" "$p99"
    ((n == count)) || note "$sw round $ROUND: ping ${ival} s apart: $n of $count replies"
}

# m_tcp SW FIGURE CLIENT SERVER STREAMS [cpu]: iperf3 CLIENT -> SERVER;
# records Gbit/s received, and with "cpu" the switch's CPU per Gbit.
m_tcp()
{
    local sw=$1 fig=$2 cli=$3 srv=$4 n=$5 cpu=${6:-} port spid out c0 c1 \
        res bps bytes expr t0 t1
    SEQ=$((SEQ + 1))
    port=$((5201 + SEQ % 500))
    bg_ns "$srv" "$VST_TMP/iperf3-s.$SEQ.log" timeout $((DUR + 25)) \
        iperf3 -s -1 -B "${IP[$srv]}" -p "$port"
    spid=$BG_PID
    if ! wait_for 5 listening "$srv" "$port"; then
        note "$sw round $ROUND: iperf3 server in $srv did not start"
        stop "$spid"
        return 1
    fi
    c0=$(cpu_ticks "${SWITCH_PIDS[@]}")
    t0=$EPOCHREALTIME
    out=$(in_ns "$cli" timeout $((DUR + 15)) iperf3 -c "${IP[$srv]}" \
        -p "$port" -t "$DUR" -P "$n" --connect-timeout 3000 -J 2>&1)
    t1=$EPOCHREALTIME
    c1=$(cpu_ticks "${SWITCH_PIDS[@]}")
    stop "$spid"
    expr='"%d %d" % (d["end"]["sum_received"]["bits_per_second"],'
    expr+=' d["end"]["sum_received"]["bytes"])'
    res=$(json "$expr" <<<"$out" 2>/dev/null)
    if [[ -z $res ]]; then
        note "$sw round $ROUND: $fig: iperf3 failed: $(json 'd.get("error", "")' <<<"$out" 2>/dev/null || tail -n 2 <<<"$out")"
        return 1
    fi
    read -r bps bytes <<<"$res"
    if ((bytes == 0)); then
        note "$sw round $ROUND: $fig: no data crossed the switch"
        return 1
    fi
    record "$sw" "$fig" "$(awk -v b="$bps" 'BEGIN {printf "%.4f", b / 1e9}')"
    if [[ $cpu == cpu && ${#SWITCH_PIDS[@]} -gt 0 ]]; then
        record "$sw" tcp_cpu_per_gbit "$(awk -v d=$((c1 - c0)) \
            -v hz="$CLK_TCK" -v by="$bytes" \
            'BEGIN {printf "%.4f", (d / hz) / (by * 8 / 1e9)}')"
        record "$sw" tcp_cpu_pct "$(awk -v d=$((c1 - c0)) \
            -v hz="$CLK_TCK" -v t0="$t0" -v t1="$t1" \
            'BEGIN {printf "%.1f", d / hz / (t1 - t0) * 100}')"
    fi
}

# m_loaded SW: latency under load: RTT vm3 -> vm4, pings 1 ms apart, while
# vm1 sends vm2 one TCP stream (iperf3, as m_tcp) through the same switch.
# The stream runs DUR + 1 s; the pings, (DUR - 1) x 1000 of them, start
# 0.5 s in, so that they all fall inside it.  Records loaded_rtt_median_us,
# loaded_rtt_p99_us and the stream's rate, loaded_tcp_gbit.
m_loaded()
{
    local sw=$1 port spid cpid clog stats med p99 n count res
    count=$(((DUR - 1) * 1000))
    ((count > 0)) || count=500
    SEQ=$((SEQ + 1))
    port=$((5201 + SEQ % 500))
    bg_ns vm2 "$VST_TMP/iperf3-s.$SEQ.log" timeout $((DUR + 25)) \
        iperf3 -s -1 -B "${IP[vm2]}" -p "$port"
    spid=$BG_PID
    if ! wait_for 5 listening vm2 "$port"; then
        note "$sw round $ROUND: loaded RTT: iperf3 server in vm2 did not start"
        stop "$spid"
        return 1
    fi
    clog=$VST_TMP/iperf3-c.$SEQ.json
    bg_ns vm1 "$clog" timeout $((DUR + 15)) iperf3 -c "${IP[vm2]}" \
        -p "$port" -t $((DUR + 1)) --connect-timeout 3000 -J
    cpid=$BG_PID
    sleep 0.5
    stats=$(ping_stats vm3 "${IP[vm4]}" "$count" 0.001)
    wait "$cpid" 2>/dev/null
    forget "$cpid"
    stop "$spid"
    res=$(json '"%d" % d["end"]["sum_received"]["bytes"]' <"$clog" 2>/dev/null)
    if [[ -z $res || $res == 0 ]]; then
        note "$sw round $ROUND: loaded RTT: the TCP stream vm1 -> vm2 failed: $(json 'd.get("error", "")' <"$clog" 2>/dev/null || tail -n 2 "$clog")"
        return 1
    fi
    record "$sw" loaded_tcp_gbit "$(json '"%.4f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9)' <"$clog")"
    if [[ -z $stats ]]; then
        note "$sw round $ROUND: loaded RTT: ping vm3 -> vm4 got no reply"
        return 1
    fi
    read -r med p99 n <<<"$stats"
    record "$sw" loaded_rtt_median_us "$med"
    record "$sw" loaded_rtt_p99_us "$p99"
    ((n == count)) || note "$sw round $ROUND: loaded RTT: $n of $count replies"
}

# udp_run SW TAG: 64-byte frames vm1 -> vm2 for DUR seconds, as fast as
# udp-flood sends them; sets UDP_OFFERED (vm1's tx counter) and
# UDP_DELIVERED (vm2's rx counter), frames per second of sending.  TAG
# names the sink's log and the note if it fails.
UDP_OFFERED=
UDP_DELIVERED=
udp_run()
{
    local sw=$1 tag=$2 d1 d2 spid tx0 tx1 rx0 rx1 out secs
    d1=$(dev_of vm1)
    d2=$(dev_of vm2)
    # Holds the port so vm2 answers no "port unreachable"; reads nothing.
    bg_ns vm2 "$VST_TMP/sink.$tag.$sw.log" timeout $((DUR + 20)) \
        "$FLOOD" sink --port 9 --seconds $((DUR + 5)) --no-read
    spid=$BG_PID
    sleep 0.3
    tx0=$(dev_counter vm1 "$d1" tx_packets)
    rx0=$(dev_counter vm2 "$d2" rx_packets)
    out=$(in_ns vm1 timeout $((DUR + 20)) "$FLOOD" send --iface "$d1" \
        --dst-mac "$(vm_mac vm2)" --src "${IP[vm1]}" --dst "${IP[vm2]}" \
        --port 9 --seconds "$DUR" 2>&1)
    sleep 0.5
    tx1=$(dev_counter vm1 "$d1" tx_packets)
    rx1=$(dev_counter vm2 "$d2" rx_packets)
    stop "$spid"
    secs=$(json 'd["seconds"]' <<<"$out" 2>/dev/null) \
        || { note "$sw $tag: udp-flood failed: $out"; return 1; }
    UDP_OFFERED=$(awk -v n=$((tx1 - tx0)) -v s="$secs" \
        'BEGIN {printf "%.0f", n / s}')
    UDP_DELIVERED=$(awk -v n=$((rx1 - rx0)) -v s="$secs" \
        'BEGIN {printf "%.0f", n / s}')
}

# m_udp SW: the 64-byte frames' offered and delivered rates (udp_run).
m_udp()
{
    udp_run "$1" "round$ROUND" || return 1
    record "$1" udp64_offered_pps "$UDP_OFFERED"
    record "$1" udp64_delivered_pps "$UDP_DELIVERED"
}

# ---------------------------------------------------------------------------
# Failover figures.

FO_LOG=                 # One line per stream: members, counts.
FO_UP=                  # The member the last stream's event hit.
FO_AFTER=               # The member carrying the last stream at its end.
FO_RH_MAC=              # rh1's MAC, the streams' destination.
START=                  # $SECONDS when the measurements began.

# mac_of HOST: the MAC address of HOST's device.
mac_of()
{
    in_ns "$1" cat "/sys/class/net/$(dev_of "$1")/address"
}

# peer_rx UPLINK: frames the switch sent on UPLINK (its peer's rx counter).
peer_rx()
{
    dev_counter phys "$(dev "p$1")" rx_packets
}

# flow_member: the uplink (up1, up2) that carries vm1's running stream,
# from the peers' rx counters over 0.15 s (at 10000 frames a second, about
# 1500 on one and none on the other), or "" if that is not clear.
flow_member()
{
    local a1 a2 b1 b2 d1 d2
    a1=$(peer_rx up1)
    a2=$(peer_rx up2)
    sleep 0.15
    b1=$(peer_rx up1)
    b2=$(peer_rx up2)
    d1=$((b1 - a1))
    d2=$((b2 - a2))
    if ((d1 > 500 && d2 < d1 / 20)); then
        echo up1
    elif ((d2 > 500 && d1 < d2 / 20)); then
        echo up2
    else
        echo "?($d1/$d2)"
    fi
}

# switch_member SW: the uplink carrying vm1 by the switch's own account:
# ours, the member whose ports hold vm1's port (team/show --json); ovs-ab,
# the active member (bond/show); ovs, the member listing the hash of vm1's
# MAC (bond/hash), which bond/show lists only once it carried 1 kB.
switch_member()
{
    local sw=$1 out hash m
    case $sw in
    ours)
        m=$(ours_team "next((x['name'] for x in t['members'] \
if '$(port_of vm1)' in x['ports']), '')" 2>/dev/null)
        ;;
    ovs|ovs-tso|ovs-ab)
        out=$(ovs_appctl bond/show "$(dev obd)" 2>/dev/null)
        if [[ $sw == ovs-ab ]]; then
            m=$(awk '/^member / {m = $2; sub(":", "", m)}
                     /^  active member$/ {print m}' <<<"$out")
        else
            hash=$(ovs_vm1_hash)
            m=$(awk -v h="hash $hash:" '/^member / {m = $2; sub(":", "", m)}
                     index($0, h) == 3 {print m}' <<<"$out")
        fi
        ;;
    esac
    [[ -n $m ]] && uplink_of "$m"
}

# ovs_vm1_hash: the bond hash (0-255) of vm1's MAC, untagged.
ovs_vm1_hash()
{
    local basis
    basis=$(ovs_appctl bond/show "$(dev obd)" 2>/dev/null \
        | awk '/^bond-hash-basis:/ {print $2}')
    ovs_appctl bond/hash "$(vm_mac vm1)" 0 "${basis:-0}" 2>/dev/null
}

# fo_event SW KIND UPLINK OTHER: the action of event KIND on UPLINK, the
# member carrying the stream (OTHER: the other one).
fo_event()
{
    local sw=$1 kind=$2 up=$3 other=$4
    case $kind in
    control) ;;
    failover) cable "$up" down ;;
    failback) cable "$up" up ;;
    drain)
        case $sw in
        ours) ctl team/set-member "$TEAM" "$(dev "$up")" disable ;;
        ovs-ab) ovs_appctl bond/set-active-member "$(dev obd)" \
            "$(dev "$other")" ;;
        # bond/disable-member does not hold while the carrier is up: the
        # next bond_run enables the member again (no updelay here), and
        # the flow stays.  bond/migrate moves vm1's hash instead.
        *) ovs_appctl bond/migrate "$(dev obd)" "$(ovs_vm1_hash)" \
            "$(dev "$other")" ;;
        esac >/dev/null
        ;;
    esac
}

# fo_settled SW KIND UPLINK: true once the switch shows the event's outcome.
fo_settled()
{
    local sw=$1 kind=$2 up=$3 want
    case $kind in
    failover|drain) want=down ;;
    failback) want=up ;;
    *) return 0 ;;
    esac
    case $sw in
    ours)
        [[ $kind == drain ]] && want=disabled
        ours_member_is "$(dev "$up")" "$want"
        ;;
    *)
        # OVS's drains (bond/set-active-member, bond/migrate) leave the
        # member enabled.
        [[ $kind == drain ]] && return 0
        [[ $want == up ]] && want=enabled || want=disabled
        ovs_member_is "$(dev "$up")" "$want"
        ;;
    esac
}

# fo_stream SW KIND [UPLINK]: one stream vm1 -> rh1 with event KIND
# FO_AT seconds in, on the member carrying it (failback: on UPLINK, the
# member whose cable was pulled).  Records fo_KIND_ms = lost x 0.1 ms and
# sets FO_UP to the member the event hit ("" if none).
fo_stream()
{
    local sw=$1 kind=$2 up=${3:-} port slog flog spid fpid before own \
        after other='' res sent lost recv maxseq tail t0
    FO_UP=
    FO_AFTER=
    SEQ=$((SEQ + 1))
    port=$((20000 + SEQ))
    slog=$VST_TMP/fo-sink.$SEQ.log
    flog=$VST_TMP/fo-send.$SEQ.log
    bg_ns rh1 "$slog" timeout 20 "$FLOOD" sink --port "$port" \
        --bind "${IP[rh1]}" --seconds "$(awk -v s="$FO_SECS" \
        'BEGIN {print s + 0.4}')"
    spid=$BG_PID
    if ! wait_for 3 grep -q 'sink ready' "$slog"; then
        note "$sw $kind $ROUND: the sink did not start: $(cat "$slog")"
        stop "$spid"
        return 1
    fi
    bg_ns vm1 "$flog" timeout 20 "$FLOOD" send \
        --iface "$(dev_of vm1)" --dst-mac "$FO_RH_MAC" --src "${IP[vm1]}" \
        --dst "${IP[rh1]}" --port "$port" --seconds "$FO_SECS" \
        --rate "$FO_RATE"
    fpid=$BG_PID
    t0=$EPOCHREALTIME
    sleep 0.15
    before=$(flow_member)
    own=$(switch_member "$sw")
    if [[ $kind == failback ]]; then
        # The stream is on the other member; the event is UPLINK's cable.
        other=$before
        before=$up
    fi
    [[ $before == up1 ]] && other=up2
    [[ $before == up2 ]] && other=up1
    if [[ $kind != control && $before != up[12] ]]; then
        note "$sw $kind $ROUND: cannot tell which member carries the stream (frames on up1/up2: $before); nothing done"
    else
        if [[ $kind != failback && $kind != control && $own != "$before" ]]; then
            note "$sw $kind $ROUND: the stream is on $before, the switch says ${own:-nothing}; $before used"
        fi
        # Wait for FO_AT seconds into the stream.
        sleep "$(awk -v t0="$t0" -v now="$EPOCHREALTIME" -v at="$FO_AT" \
            'BEGIN {d = at - (now - t0); printf "%.3f", (d > 0 ? d : 0)}')"
        fo_event "$sw" "$kind" "$before" "$other" \
            || note "$sw $kind $ROUND: the $kind of $before failed"
        [[ $kind != control ]] && FO_UP=$before
    fi
    sleep 0.4
    after=$(flow_member)
    wait "$fpid" 2>/dev/null
    forget "$fpid"
    wait "$spid" 2>/dev/null
    forget "$spid"
    res=$(grep '^{' "$flog" | json '"%d" % d["sent"]' 2>/dev/null) \
        || { note "$sw $kind $ROUND: udp-flood send failed: $(cat "$flog")"; return 1; }
    sent=$res
    res=$(grep '^{' "$slog" | json '"%d %d %d" % (d["lost"], d["received"], d["max-seq"])' 2>/dev/null) \
        || { note "$sw $kind $ROUND: udp-flood sink failed: $(cat "$slog")"; return 1; }
    read -r lost recv maxseq <<<"$res"
    tail=$((sent - maxseq - 1))
    printf '%s %s %s: carrier %s (switch says %s) -> %s after; sent %s received %s lost %s tail %s\n' \
        "$sw" "$kind" "$ROUND" "$before" "${own:-?}" "$after" "$sent" \
        "$recv" "$lost" "$tail" >>"$FO_LOG"
    blog "  $sw $kind $ROUND: member $before -> $after; sent $sent, received $recv, lost $lost, tail $tail"
    if ((recv == 0)); then
        note "$sw $kind $ROUND: the sink received nothing"
        return 1
    fi
    if ((tail > 10)); then
        note "$sw $kind $ROUND: the last $tail frames never arrived: the outage outlasted the stream ($FO_SECS s), not recorded"
        return 1
    fi
    record "$sw" "fo_${kind}_ms" "$(awk -v n="$lost" -v r="$FO_RATE" \
        'BEGIN {printf "%.1f", n * 1000 / r}')"
    FO_AFTER=$after
}

# fo_measure SW: the failover figures of the switch that is up.
fo_measure()
{
    local sw=$1 r n0 n1 mig up stayed=0 moved=0
    if ! wait_for 15 ping_reaches vm1 "${IP[rh1]}"; then
        note "$sw: vm1 cannot reach rh1 through the uplinks; no failover figures"
        return 1
    fi
    # rh1 and vm1 learned by every switch on the way.
    in_ns rh1 ping -n -q -c 3 -i 0.1 -W 1 "${IP[vm1]}" >/dev/null 2>&1
    FO_RH_MAC=$(mac_of rh1)
    ROUND=0
    fo_stream "$sw" control
    for ((r = 1; r <= FO_REPEATS; r++)); do
        if ((SECONDS - START > FO_LIMIT_SECS)); then
            note "$sw: time limit ($FO_LIMIT_SECS s) reached: $((r - 1)) of $FO_REPEATS failover repeats run"
            break
        fi
        ROUND=$r
        [[ $sw == ours ]] && n0=$(ours_team "t['failovers']")
        FO_UP=
        fo_stream "$sw" failover
        up=$FO_UP
        [[ -n $up ]] || continue
        wait_for 5 fo_settled "$sw" failover "$up" \
            || note "$sw failover $r: $up is not shown down within 5 s"
        if [[ $sw == ours ]]; then
            n1=$(ours_team "t['failovers']")
            mig=$(ours_team "t['last-migration-usec']")
            if ((n1 > n0 && mig >= 0)); then
                record ours ours_migration_us "$mig"
            else
                note "ours failover $r: no new failover in team/show (failovers $n0 -> $n1, last-migration-usec $mig)"
            fi
        fi
        fo_stream "$sw" failback "$up"
        if [[ -n $FO_UP ]]; then
            [[ $FO_AFTER == "$up" ]] && moved=$((moved + 1)) \
                || stayed=$((stayed + 1))
        fi
        cable "$up" up
        wait_for 5 fo_settled "$sw" failback "$up" \
            || note "$sw failback $r: $up is not shown up within 5 s"
        sleep 0.2
        fo_stream "$sw" drain
        up=$FO_UP
        [[ -n $up ]] || continue
        wait_for 5 fo_settled "$sw" drain "$up" \
            || note "$sw drain $r: $up is not shown out of use within 5 s"
        if [[ $FO_AFTER != up[12] || $FO_AFTER == "$up" ]]; then
            note "$sw drain $r: the stream did not leave $up (on ${FO_AFTER:-?} after)"
        fi
        # Put it back (untimed); OVS's drains disabled nothing.
        if [[ $sw == ours ]]; then
            ctl team/set-member "$TEAM" "$(dev "$up")" enable >/dev/null 2>&1
            wait_for 5 fo_settled "$sw" failback "$up" \
                || note "$sw drain $r: $up is not back in use within 5 s"
        fi
        sleep 0.2
    done
    if ((moved + stayed)); then
        note "$sw: after the cable came back, the stream went back to its member in $moved of $((moved + stayed)) failbacks"
    fi
}

# ---------------------------------------------------------------------------
# Cost as the host grows (BENCH_SCALE): ours, the kernel bridge and OVS
# (SCALE_SWITCHES), each brought up once with its 4 VM ports, then:
#   - MAC table: SCALE_MACS source addresses sent from vm3 to vm4 (frames
#     of tests/system/mac-flood.py, ethertype 0x88b5, 1,000 at a time);
#     ours' bridge has mac-table-size and vm3's port mac-limit raised for
#     them, OVS's bridge other_config:mac-table-size; memory per MAC =
#     the switch process's VmRSS growth / entries learned (mem_mac_bytes);
#   - add-port: SCALE_PORTS more ports added one command at a time
#     (vswitch-ctl add-port, ovs-vsctl add-port, ip link set master), each
#     timed; the ports are veth pairs made beforehand in the switch
#     namespace (both ends there, both up, IPv6 off, nothing behind them:
#     ports with carrier that never see a frame); addport_ms_bNN = mean milliseconds
#     per command over the NNth tenth of them, addport_ms_max the slowest;
#     memory per port = VmRSS growth over them / SCALE_PORTS (mem_port_kb);
#   - at 4, 64 and 256 ports on the bridge (SCALE_SIZES, the VMs' 4 among
#     them; uplinks not counted), with the MACs sent again just before:
#     64-byte frames vm1 -> vm2 delivered (as m_udp: scaleN_udp64_pps) and
#     ping RTT vm1 -> vm2 1 ms apart (scaleN_rtt_median_us, _p99_us);
#   - ours, at 256 ports: failover of the member carrying vm3's port (and
#     the SCALE_MACS stations behind it) while vm3 sends rh1 a stream:
#     team/show's last-migration-usec, the event to the new map's first
#     use (scale_fo_migration_us) and the time from the cable pulled to the
#     last announcement (RARP) captured on the other member's peer
#     (scale_fo_announce_ms).
# One sample each (round 1).

SCALE_POOL=0            # Veth pairs made for the scale figures.

# scale_pool N: veth pairs PREFIX+sNNNN (the port) and PREFIX+tNNNN, both
# in the switch namespace and up, without IPv6: with it each end sends
# router solicitations, MLD reports and DAD probes for seconds after it
# comes up, which every switch floods to the ports already added (each
# copy, in a namespace of thousands of devices, costs its receiver a route
# lookup over all of them), and add-port would time that flood rather
# than the command.
scale_pool()
{
    local n=$1 i ok b=$VST_TMP/scale-pool.batch
    ((SCALE_POOL >= n)) && return 0
    in_ns sw sysctl -qw net.ipv6.conf.default.disable_ipv6=1 \
        || note "scale: cannot turn IPv6 off for the veth pairs"
    : >"$b"
    for ((i = SCALE_POOL + 1; i <= n; i++)); do
        printf 'link add %s type veth peer name %s\nlink set %s up\nlink set %s up\n' \
            "$(scale_dev s "$i")" "$(scale_dev t "$i")" \
            "$(scale_dev s "$i")" "$(scale_dev t "$i")" >>"$b"
    done
    ip -n "$(ns sw)" -batch "$b" >/dev/null
    ok=$?
    # Restored whether the pairs were made or not.
    in_ns sw sysctl -qw net.ipv6.conf.default.disable_ipv6=0
    if ((ok != 0)); then
        note "scale: cannot make $n veth pairs"
        return 1
    fi
    SCALE_POOL=$n
}

scale_dev()
{
    dev "$(printf '%s%04d' "$1" "$2")"
}

# scale_attach SW DEV: adds DEV to the switch SW's bridge.
scale_attach()
{
    case $1 in
    ours) ctl add-port br0 "$2" >/dev/null ;;
    kbr) ip -n "$(ns sw)" link set "$2" master "$(dev kbr)" ;;
    ovs*) ovs_ctl add-port "$(dev obr)" "$2" >/dev/null ;;
    esac
}

# scale_rss_kb: VmRSS of the switch's datapath process (vswitchd,
# ovs-vswitchd; nothing for the kernel bridge).
scale_rss_kb()
{
    local n=${#SWITCH_PIDS[@]}
    ((n)) || return 1
    local pid=${SWITCH_PIDS[n - 1]}
    awk '$1 == "VmRSS:" {print $2}' "/proc/$pid/status"
}

# scale_macs SW: the learned entries of the switch's MAC table.
scale_macs()
{
    case $1 in
    ours) ctl --json fdb/show br0 | json 'd["count"]' ;;
    kbr) bridge -n "$(ns sw)" fdb show br "$(dev kbr)" | grep -vc permanent ;;
    ovs*) ovs_appctl fdb/show "$(dev obr)" | tail -n +2 | wc -l ;;
    esac
}

# scale_learn SW: SCALE_MACS sources from vm3 to vm4, 1000 at a time.
scale_learn()
{
    local first dst
    dst=$(vm_mac vm4)
    for ((first = 1; first <= SCALE_MACS; first += 1000)); do
        in_ns vm3 "$VST_PY" "$VST_SYSDIR/mac-flood.py" \
            --iface "$(dev_of vm3)" --dst "$dst" --first "$first" \
            --count "$(( SCALE_MACS - first + 1 < 1000 ? SCALE_MACS - first + 1 : 1000 ))" \
            >/dev/null || { note "$1 scale: mac-flood.py failed"; return 1; }
        sleep 0.05
    done
    sleep 0.3
}

# scale_point SW N: the figures at N ports.
scale_point()
{
    local sw=$1 n=$2 stats med p99
    scale_learn "$sw"
    blog "  $sw scale: $n ports, $(scale_macs "$sw") MACs"
    stats=$(ping_stats vm1 "${IP[vm2]}" "$PINGS1" 0.001) \
        || note "$sw scale $n: ping vm1 -> vm2 got no reply"
    if [[ -n $stats ]]; then
        read -r med p99 _ <<<"$stats"
        record "$sw" "scale${n}_rtt_median_us" "$med"
        record "$sw" "scale${n}_rtt_p99_us" "$p99"
    fi
    udp_run "$sw" "scale-$n" || return 1
    record "$sw" "scale${n}_udp64_pps" "$UDP_DELIVERED"
}

# scale_failover: ours, the member carrying vm3's port (and the MACs
# behind it) unplugged; the migration time and the last announcement.
scale_failover()
{
    local up other n0 n1 mig t0 last cnt i a prev fpid
    scale_learn ours
    up=$(ours_team "next((x['name'] for x in t['members'] \
if '$(port_of vm3)' in x['ports']), '')" 2>/dev/null)
    up=$(uplink_of "$up")
    case $up in
    up1) other=up2 ;;
    up2) other=up1 ;;
    *) note "ours scale failover: vm3's port is on no member"; return 1 ;;
    esac
    # A stream vm3 -> rh1 (10,000 frames a second) for the datapath to
    # use the new map with: team/show times the migration to its first
    # use.
    in_ns rh1 ping -n -q -c 2 -i 0.1 -W 1 "${IP[vm3]}" >/dev/null 2>&1
    bg_ns vm3 "$VST_TMP/scale-fo-send.log" timeout 20 "$FLOOD" send \
        --iface "$(dev_of vm3)" --dst-mac "$(mac_of rh1)" \
        --src "${IP[vm3]}" --dst "${IP[rh1]}" --port 9 --seconds 3 \
        --rate "$FO_RATE"
    fpid=$BG_PID
    capture_start phys "$(dev "p$other")" scale-fo rarp
    sleep 0.3
    n0=$(ours_team "t['failovers']")
    t0=$EPOCHREALTIME
    cable "$up" down
    for ((i = 0; i < 50; i++)); do
        n1=$(ours_team "t['failovers']")
        ((n1 > n0)) && break
        sleep 0.1
    done
    # Until the announcements counter stands still for 0.5 s (at most 10 s).
    prev=-1
    for ((i = 0; i < 20; i++)); do
        sleep 0.5
        a=$(ours_team "t['announcements']")
        [[ $a == "$prev" ]] && break
        prev=$a
    done
    capture_stop "$CAP_PID"
    forget "$CAP_PID"
    stop "$fpid"
    mig=$(ours_team "t['last-migration-usec']")
    if ((n1 > n0 && mig >= 0)); then
        record ours scale_fo_migration_us "$mig"
        # Its parts (the publication, then the first use), as team/events
        # gives them.
        note "ours scale failover: $(ctl team/events "$TEAM" \
            | grep -F 'new map' | tail -n 1)"
    else
        note "ours scale failover: no new failover in team/show (failovers $n0 -> $n1, last-migration-usec '$mig')"
    fi
    last=$(tcpdump -r "$VST_TMP/scale-fo.pcap" -nn -tt 2>/dev/null \
        | awk 'END {print $1}')
    cnt=$(tcpdump -r "$VST_TMP/scale-fo.pcap" -nn 2>/dev/null | wc -l)
    if ((cnt > 0)); then
        record ours scale_fo_announce_ms \
            "$(awk -v a="$last" -v b="$t0" 'BEGIN {printf "%.1f", (a - b) * 1000}')"
        note "ours scale failover: $cnt announcements captured on $other ($SCALE_MACS stations behind vm3's port)"
    else
        note "ours scale failover: no announcement captured on $other"
    fi
    cable "$up" up
    wait_for 5 ours_member_is "$(dev "$up")" up \
        || note "ours scale failover: $up is not back up within 5 s"
}

# scale_measure SW: the scale figures of the switch that is up.
scale_measure()
{
    local sw=$1 i n t0 t1 us blk=$((SCALE_PORTS / 10)) sum=0 max=0 \
        r0 r1 r2 macs sizes="$SCALE_SIZES " failed=0 added=0 tstart
    ROUND=1
    if ! wait_for 15 ping_reaches vm1 "${IP[vm2]}"; then
        note "$sw scale: vm1 cannot reach vm2; no scale figures"
        return 1
    fi
    in_ns vm4 ping -n -q -c 3 -i 0.1 -W 1 "${IP[vm3]}" >/dev/null 2>&1
    case $sw in
    ours)
        ctl set-br br0 mac-table-size=$((SCALE_MACS * 2)) >/dev/null \
            && ctl set-port "$(port_of vm3)" mac-limit=unlimited >/dev/null \
            || note "ours scale: cannot raise the MAC table's limits"
        ;;
    ovs*)
        ovs_ctl set bridge "$(dev obr)" \
            other_config:mac-table-size=$((SCALE_MACS * 2)) \
            || note "$sw scale: cannot raise the MAC table size"
        ;;
    esac
    r0=$(scale_rss_kb)
    # Up to 3 passes: OVS learns only part of a fast flood (each new
    # source is an upcall).
    for ((i = 0; i < 3; i++)); do
        scale_learn "$sw"
        macs=$(scale_macs "$sw")
        ((macs >= SCALE_MACS)) && break
    done
    r1=$(scale_rss_kb)
    blog "  $sw scale: $macs MACs learned"
    ((macs >= SCALE_MACS)) \
        || note "$sw scale: $macs of $SCALE_MACS sources learned"
    if [[ -n $r0 && $macs -gt 0 ]]; then
        record "$sw" mem_mac_bytes \
            "$(awk -v a="$r0" -v b="$r1" -v m="$macs" 'BEGIN {printf "%.1f", (b - a) * 1024 / m}')"
    fi
    [[ " $sizes" == *" ${#VMS[@]} "* ]] && scale_point "$sw" "${#VMS[@]}"
    r1=$(scale_rss_kb)
    tstart=$SECONDS
    for ((i = 1; i <= SCALE_PORTS; i++)); do
        if ((SECONDS - tstart > SCALE_ADD_LIMIT)); then
            note "$sw scale: $SCALE_ADD_LIMIT s limit reached after $added of $SCALE_PORTS add-port commands; the rest left out"
            break
        fi
        t0=${EPOCHREALTIME/./}
        scale_attach "$sw" "$(scale_dev s "$i")" || failed=$((failed + 1))
        t1=${EPOCHREALTIME/./}
        added=$i
        us=$((10#$t1 - 10#$t0))
        sum=$((sum + us))
        ((us > max)) && max=$us
        if ((blk > 0 && i % blk == 0)); then
            record "$sw" "$(printf 'addport_ms_b%02d' $((i / blk)))" \
                "$(awk -v s="$sum" -v b="$blk" 'BEGIN {printf "%.3f", s / b / 1000}')"
            sum=0
        fi
        n=$((i + ${#VMS[@]}))
        if [[ " $sizes" == *" $n "* ]]; then
            r2=$(scale_rss_kb)
            scale_point "$sw" "$n"
            [[ $sw == ours && $n == "$SCALE_FO_SIZE" ]] && scale_failover
            # Memory of the ports only: what the point added is left out.
            [[ -n $r1 ]] && r1=$((r1 + $(scale_rss_kb) - r2))
        fi
    done
    ((added)) && record "$sw" addport_ms_max \
        "$(awk -v m="$max" 'BEGIN {printf "%.3f", m / 1000}')"
    ((failed == 0)) || note "$sw scale: $failed of $added add-port commands failed"
    r2=$(scale_rss_kb)
    if [[ -n $r1 ]] && ((added)); then
        record "$sw" mem_port_kb \
            "$(awk -v a="$r1" -v b="$r2" -v n="$added" 'BEGIN {printf "%.1f", (b - a) / n}')"
    fi
}

# measure SW: every figure for the switch that is up.
measure()
{
    local sw=$1
    if ! wait_for 15 ping_reaches vm1 "${IP[vm2]}"; then
        note "$sw round $ROUND: vm1 cannot reach vm2 through the switch; no figures"
        return 1
    fi
    wait_for 10 ping_reaches vm1 "${IP[rh1]}" \
        || note "$sw round $ROUND: vm1 cannot reach rh1 through the uplink"
    in_ns vm2 ping -n -q -c 3 -i 0.1 -W 1 "${IP[vm1]}" >/dev/null 2>&1
    m_idle "$sw"
    m_ping "$sw" rtt "$PINGS" 0.01
    m_ping "$sw" rtt1ms "$PINGS1" 0.001
    in_ns vm4 ping -n -q -c 3 -i 0.1 -W 1 "${IP[vm3]}" >/dev/null 2>&1
    m_loaded "$sw"
    # --busy-poll is a latency setting: its throughput is ours'.
    [[ $sw == ours-bp ]] && return 0
    m_tcp "$sw" tcp_ew_1 vm1 vm2 1 cpu
    m_tcp "$sw" tcp_ew_4 vm1 vm2 4
    m_tcp "$sw" tcp_ns_1 vm1 rh1 1
    m_udp "$sw"
}

# ---------------------------------------------------------------------------
# Main.

bench_cleanup()
{
    local rc=$?
    set +e
    [[ -n $SWITCH_UP ]] && switch_down
    (exit "$rc")
    vst_cleanup
}

main()
{
    local start sw round order i n date meta cc offloads all fo
    vst_init
    trap bench_cleanup EXIT
    require_cmd iperf3 ethtool ss awk
    RAW=$VST_TMP/raw.tsv
    NOTES=$VST_TMP/notes.txt
    FO_LOG=$VST_TMP/failover.txt
    : >"$RAW"
    : >"$NOTES"
    : >"$FO_LOG"
    for sw in $SWITCHES; do
        case $sw in
        ours|ours-bp|kbr|ovs|ovs-tso|ovs-ab) ;;
        *) fail "unknown switch '$sw' in BENCH_SWITCHES (ours ours-bp kbr ovs ovs-tso ovs-ab)" ;;
        esac
    done
    fo=
    for sw in $FO_SWITCHES; do
        case $sw in
        ours|ovs|ovs-tso|ovs-ab) fo+="$sw " ;;
        kbr) note "kbr has one uplink: no failover figures" ;;
        *) fail "unknown switch '$sw' in BENCH_FO_SWITCHES (ours ovs ovs-tso ovs-ab)" ;;
        esac
    done
    FO_SWITCHES=$fo
    for sw in $SCALE_SWITCHES; do
        case $sw in
        ours|kbr|ovs|ovs-tso) ;;
        *) fail "unknown switch '$sw' in BENCH_SCALE_SWITCHES (ours kbr ovs ovs-tso)" ;;
        esac
    done
    if [[ " $SWITCHES $FO_SWITCHES $SCALE_SWITCHES " == *" ovs"* ]] && ! { command -v ovs-vswitchd \
        && command -v ovsdb-server && command -v ovs-vsctl \
        && command -v ovs-appctl \
        && command -v ovsdb-tool && [[ -r $OVS_SCHEMA ]]; } >/dev/null; then
        note "Open vSwitch is not installed (apt-get install openvswitch-switch): ovs, ovs-tso and ovs-ab left out"
        SWITCHES=$(tr ' ' '\n' <<<"$SWITCHES" | grep -v '^ovs' | tr '\n' ' ')
        FO_SWITCHES=$(tr ' ' '\n' <<<"$FO_SWITCHES" | grep -v '^ovs' | tr '\n' ' ')
        SCALE_SWITCHES=$(tr ' ' '\n' <<<"$SCALE_SWITCHES" | grep -v '^ovs' | tr '\n' ' ')
    fi
    [[ -n ${SWITCHES// /}${FO_SWITCHES// /} ]] || skip "no switch to measure"
    [[ " $SWITCHES " == *" kbr "* ]] \
        && note "kernel bridge: one uplink (up1) only, this kernel has no bonding driver; up2 stays unattached, and there are no failover figures for it"
    "$VST_PY" -c 'import matplotlib' 2>/dev/null \
        || note "python3-matplotlib is not installed: no chart (apt-get install python3-matplotlib)"

    # The UDP sender, built for this run.
    FLOOD=$VST_TMP/udp-flood
    cc=${CC:-cc}
    "$cc" -O2 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
        -I"$VSWITCH_BUILD" -I"$BENCH_SRCDIR" \
        "$BENCH_SRCDIR/tests/bench/udp-flood.c" -o "$FLOOD" \
        || fail "cannot build tests/bench/udp-flood.c"

    date=$(date +%Y%m%d-%H%M%S)
    start=$SECONDS
    START=$start
    blog "rounds $ROUNDS, $DUR s per traffic run, switches: $SWITCHES;" \
        "failover: $FO_REPEATS repeats, switches: $FO_SWITCHES"
    world_build

    read -r -a order <<<"$SWITCHES"
    n=${#order[@]}
    for ((round = 1; round <= ROUNDS; round++)); do
        if ((SECONDS - start > LIMIT_SECS)); then
            note "time limit ($LIMIT_SECS s) reached: $((round - 1)) of $ROUNDS rounds run"
            break
        fi
        ROUND=$round
        for ((i = 0; i < n; i++)); do
            # Rotate the order each round.
            sw=${order[(i + round - 1) % n]}
            blog "round $round/$ROUNDS: $sw ($((SECONDS - start)) s)"
            if switch_up "$sw"; then
                measure "$sw"
            else
                note "$sw round $round: the switch did not come up"
            fi
            switch_down
        done
    done

    # Failover figures: each switch up once, FO_REPEATS repeats.
    for sw in $FO_SWITCHES; do
        if ((SECONDS - start > FO_LIMIT_SECS)); then
            note "time limit ($FO_LIMIT_SECS s) reached: no failover figures for $sw"
            continue
        fi
        blog "failover: $sw ($((SECONDS - start)) s)"
        if switch_up "$sw"; then
            fo_measure "$sw"
        else
            note "$sw failover: the switch did not come up"
        fi
        switch_down
    done
    # Cost as the host grows: each switch up once more.
    if [[ -n $SCALE ]]; then
        for sw in $SCALE_SWITCHES; do
            blog "scale: $sw ($((SECONDS - start)) s)"
            scale_pool "$SCALE_PORTS" || break
            # Its own name for the switch's files (OVS's directory).
            ROUND=scale
            if switch_up "$sw"; then
                scale_measure "$sw"
            else
                note "$sw scale: the switch did not come up"
            fi
            switch_down
        done
    fi
    # Every switch measured, in the usual order.
    all=
    for sw in ours ours-bp kbr ovs ovs-tso ovs-ab; do
        [[ " $SWITCHES $FO_SWITCHES $SCALE_SWITCHES " == *" $sw "* ]] \
            && all+="$sw "
    done

    mkdir -p "$RESULTS" || fail "cannot create $RESULTS"
    if [[ $OVS_OFFLOADS == off ]]; then
        offloads="ovs: TSO, GSO and tx checksum offload turned off in the"
        offloads+=" VMs and remote hosts (OVS's userspace datapath without"
        offloads+=" userspace TSO forwards no TCP otherwise);"
    else
        offloads="ovs: the hosts' default offloads (BENCH_OVS_OFFLOADS=on);"
    fi
    offloads+=" every other switch: the veths' default offloads"
    meta=$VST_TMP/meta.json
    "$VST_PY" - "$meta" <<EOF || fail "cannot write $meta"
import json, os, platform, sys
cpu = ""
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
json.dump({
    "date": "$date",
    "quick": bool("$QUICK"),
    "rounds": $ROUNDS,
    "seconds_per_run": $DUR,
    "pings": $PINGS,
    "pings_1ms": $PINGS1,
    "idle_seconds": $IDLE_SECS,
    "datapath_threads": $DP_THREADS,
    "switches": "$all".split(),
    "round_switches": "$SWITCHES".split(),
    "failover_switches": "$FO_SWITCHES".split(),
    "scale": {"on": bool("$SCALE"), "switches": "$SCALE_SWITCHES".split(),
              "ports": $SCALE_PORTS, "macs": $SCALE_MACS,
              "sizes": [int(x) for x in "$SCALE_SIZES".split()],
              "failover_size": $SCALE_FO_SIZE},
    "failover": {"repeats": $FO_REPEATS, "rate_pps": $FO_RATE,
                 "stream_seconds": $FO_SECS, "event_at_seconds": $FO_AT,
                 "drain": {"ours": "vswitch-ctl team/set-member TEAM IF disable",
                           "ovs": "ovs-appctl bond/migrate BOND HASH-OF-VM1 OTHER-IF (bond/disable-member does not hold while the carrier is up)",
                           "ovs-ab": "ovs-appctl bond/set-active-member BOND OTHER-IF"},
                 "streams": open("$FO_LOG").read().splitlines()},
    "elapsed_seconds": $((SECONDS - start)),
    "host": {"kernel": platform.release(), "cpus": os.cpu_count(),
             "cpu": cpu},
    "versions": {"vswitchd": """$("$VSWITCHD" --version 2>/dev/null | head -n1)""",
                 "ovs": """$(ovs-vswitchd --version 2>/dev/null | head -n1)""",
                 "iperf3": """$(iperf3 --version 2>/dev/null | head -n1)""",
                 "git": """$(git -C "$BENCH_SRCDIR" rev-parse --short HEAD 2>/dev/null)"""},
    "topology": "4 VMs on the switch; 2 uplinks to a kernel bridge with "
                "2 remote hosts: ours a team of both (policy src-port, "
                "rebalance=0), ovs and ovs-tso a bond of both (balance-slb, "
                "carrier detection, updelay/downdelay 0, lacp off), ovs-ab "
                "the same bond in active-backup; the kernel bridge one "
                "uplink only (this kernel has no bonding driver)",
    "offloads": "$offloads",
}, open(sys.argv[1], "w"), indent=1)
EOF
    "$VST_PY" "$BENCH_SRCDIR/tests/bench/bench-report.py" --raw "$RAW" \
        --notes "$NOTES" --meta "$meta" \
        --json "$RESULTS/bench-$date.json" --png "$RESULTS/bench-$date.png" \
        || fail "the report failed"
    blog "done in $((SECONDS - start)) s"
}

main "$@"
