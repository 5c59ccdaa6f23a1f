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
#                                                   (up2, see below)    |
#                  [PREFIX-phys: kernel bridge] --- rh1, rh2 (remote hosts)
#
# All on 198.18.0.0/24: VMs .1-.4, remote hosts .101-.102.
#
# The switches, each built, measured and torn down in turn; the order
# rotates from one round to the next so that drift hits all alike:
#   ours      vswitchd in the switch namespace, the VMs' ports untagged.
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
# The system's own openvswitch-switch service is never started, stopped or
# connected to: every ovs-vsctl names our private database socket.
#
# Figures, each the median over the rounds with min and max:
#   TCP east-west vm1 -> vm2, 1 and 4 streams (iperf3); TCP north-south
#   vm1 -> rh1 through the uplink; 64-byte UDP frames a second vm1 -> vm2,
#   offered (vm1's device tx counter) and delivered (vm2's rx counter),
#   sent by udp-flood (AF_PACKET, sendmmsg); ping RTT vm1 -> vm2, median
#   and 99th percentile; the switch processes' CPU time (utime + stime)
#   during the 1-stream east-west run per gigabit received (and as a share
#   of one CPU over that run), and their CPU use over 5 s with no traffic
#   (a kernel bridge has no process: n/a).  Clock ticks are 10 ms, so the
#   idle figure has a resolution of 0.2 % of one CPU.
#
# Settings (environment):
#   BUILD           build tree with vswitchd/vswitchd (default: this tree)
#   QUICK=1         short run: 3 s per traffic run, 2 rounds (< 5 minutes)
#   BENCH_ROUNDS    rounds (default 2 quick, 4 full)
#   BENCH_SECONDS   seconds per traffic run (default 3 quick, 10 full)
#   BENCH_SWITCHES  which switches, default "ours kbr ovs ovs-tso"
#   BENCH_RESULTS   where JSON and PNG go (default BUILD/results)
#   BENCH_DP_THREADS  vswitchd --datapath-threads (default 1)
#   BENCH_OVS_OFFLOADS  "off" (default): the hosts' offloads off for ovs;
#                   "on" leaves them on (to see why they must be off)
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
else
    ROUNDS=${BENCH_ROUNDS:-4}
    DUR=${BENCH_SECONDS:-10}
    PINGS=500
fi
IDLE_SECS=5
SWITCHES=${BENCH_SWITCHES:-ours kbr ovs ovs-tso}
RESULTS=${BENCH_RESULTS:-$VSWITCH_BUILD/results}
DP_THREADS=${BENCH_DP_THREADS:-1}
OVS_OFFLOADS=${BENCH_OVS_OFFLOADS:-off}
# A soft limit: past it, no new round starts (each step has its own
# timeout, so the run is bounded anyway).
if [[ -n $QUICK ]]; then
    LIMIT_SECS=270
else
    LIMIT_SECS=1500
fi

VMS=(vm1 vm2 vm3 vm4)
RHOSTS=(rh1 rh2)
UPLINKS=(up1 up2)
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

# uplinks_attached: the uplinks the switch under test is given.
#
# HOOK (teams): for now every switch gets ONE uplink, up1, as a plain
# port; up2 is cabled to the physical network's bridge but left unattached
# (two plain ports into one bridge would be a loop).  To measure a team of
# two: make ours_attach_uplinks put up1 and up2 in a team (vswitch-ctl
# add-team ...), ovs_attach_uplinks make them an OVS bond
# (ovs-vsctl add-bond BR NAME up1 up2 bond_mode=balance-slb), and let
# uplinks_attached print both for those two; the kernel bridge, with no
# bonding driver on these machines, keeps one uplink.
uplinks_attached()
{
    dev up1
    echo
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

ours_up()
{
    local out i p
    rm -f "$VST_CONF" "$VST_SOCK" "$VST_PIDFILE"
    out=$VST_TMP/vswitchd.$ROUND.out
    ip netns exec "$(ns sw)" "$VSWITCHD" --config="$VST_CONF" \
        --socket="$VST_SOCK" --pidfile="$VST_PIDFILE" \
        --log-file="$VST_LOG" --log-level=warn \
        --datapath-threads="$DP_THREADS" >"$out" 2>&1 &
    VST_DAEMON_PID=$!
    VST_DAEMON_PIDS+=("$VST_DAEMON_PID")
    SWITCH_PIDS=("$VST_DAEMON_PID")
    for ((i = 0; i < 100; i++)); do
        kill -0 "$VST_DAEMON_PID" 2>/dev/null \
            || { note "ours: vswitchd exited at start: $(tail -n 3 "$out")"; return 1; }
        [[ -S $VST_SOCK ]] && ctl list-br >/dev/null 2>&1 && break
        sleep 0.1
    done
    ((i < 100)) || { note "ours: vswitchd did not answer within 10 s"; return 1; }
    ctl add-br br0 >/dev/null || { note "ours: add-br failed"; return 1; }
    for p in $(vm_ports); do
        out=$(ctl add-port br0 "$p" 2>&1) \
            || { note "ours: add-port $p failed: $out"; return 1; }
    done
    ours_attach_uplinks || return 1
    for p in $(vm_ports) $(uplinks_attached); do
        wait_for 10 port_is "$p" up \
            || { note "ours: port $p is not up within 10 s"; return 1; }
    done
}

# ours_attach_uplinks: see uplinks_attached (the teams hook).
ours_attach_uplinks()
{
    local p out
    for p in $(uplinks_attached); do
        out=$(ctl add-port br0 "$p" 2>&1) \
            || { note "ours: add-port $p failed: $out"; return 1; }
    done
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
    # One uplink only, whatever uplinks_attached says: no bonding driver.
    for p in $(vm_ports) "$(dev up1)"; do
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

# ovs_up TSO: TSO is true or false.
ovs_up()
{
    local tso=$1 name=ovs i p
    $tso && name=ovs-tso
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
    ovs_attach_uplinks "$name" || return 1
    if $tso; then
        grep -q 'Userspace TCP Segmentation Offloading support enabled' \
            "$OVS_DIR/ovs-vswitchd.log" \
            || note "$name: ovs-vswitchd did not log that userspace TSO is enabled"
    fi
}

# ovs_attach_uplinks NAME: see uplinks_attached (the teams hook).
ovs_attach_uplinks()
{
    local p
    for p in $(uplinks_attached); do
        ip -n "$(ns sw)" link set "$p" up
        ovs_ctl add-port "$(dev obr)" "$p" >/dev/null \
            || { note "$1: add-port $p failed"; return 1; }
    done
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
    kbr) kbr_up ;;
    ovs)
        if [[ $OVS_OFFLOADS == off ]]; then
            offloads_off || return 1
        else
            note "ovs: hosts' offloads left on (BENCH_OVS_OFFLOADS=$OVS_OFFLOADS)"
        fi
        ovs_up false
        ;;
    ovs-tso) ovs_up true ;;
    *) fail "unknown switch '$1' (ours, kbr, ovs, ovs-tso)" ;;
    esac
}

switch_down()
{
    case $SWITCH_UP in
    ours) ours_down ;;
    kbr) kbr_down ;;
    ovs) ovs_down; offloads_restore ;;
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

# m_ping SW: RTT vm1 -> vm2, PINGS echo requests 10 ms apart.
m_ping()
{
    local sw=$1 out stats med p99 n
    out=$(in_ns vm1 timeout $((PINGS / 100 + 20)) ping -n -i 0.01 \
        -c "$PINGS" -W 1 "${IP[vm2]}" 2>&1)
    # Median and 99th percentile (nearest rank) of the replies' times, in
    # microseconds, and how many replies there were.
    stats=$(sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' <<<"$out" | sort -g \
        | awk '{t[NR] = $1 * 1000}
               END {
                   if (NR == 0) exit 1
                   m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
                   k = int(0.99 * NR); if (k < 0.99 * NR) k++
                   printf "%.1f %.1f %d\n", m, t[k], NR
               }') || { note "$sw round $ROUND: ping vm1 -> vm2 got no reply"; return 1; }
    read -r med p99 n <<<"$stats"
    record "$sw" rtt_median_us "$med"
    record "$sw" rtt_p99_us "$p99"
    ((n == PINGS)) || note "$sw round $ROUND: ping: $n of $PINGS replies"
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

# m_udp SW: 64-byte frames vm1 -> vm2 for DUR seconds, as fast as
# udp-flood sends them: offered = vm1's tx counter, delivered = vm2's rx
# counter, per second of sending.
m_udp()
{
    local sw=$1 d1 d2 spid tx0 tx1 rx0 rx1 out secs
    d1=$(dev_of vm1)
    d2=$(dev_of vm2)
    # Holds the port so vm2 answers no "port unreachable"; reads nothing.
    bg_ns vm2 "$VST_TMP/sink.$ROUND.$sw.log" timeout $((DUR + 20)) \
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
        || { note "$sw round $ROUND: udp-flood failed: $out"; return 1; }
    record "$sw" udp64_offered_pps \
        "$(awk -v n=$((tx1 - tx0)) -v s="$secs" 'BEGIN {printf "%.0f", n / s}')"
    record "$sw" udp64_delivered_pps \
        "$(awk -v n=$((rx1 - rx0)) -v s="$secs" 'BEGIN {printf "%.0f", n / s}')"
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
    m_ping "$sw"
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
    local start sw round order i n date meta cc offloads
    vst_init
    trap bench_cleanup EXIT
    require_cmd iperf3 ethtool ss awk
    RAW=$VST_TMP/raw.tsv
    NOTES=$VST_TMP/notes.txt
    : >"$RAW"
    : >"$NOTES"
    for sw in $SWITCHES; do
        case $sw in
        ours|kbr|ovs|ovs-tso) ;;
        *) fail "unknown switch '$sw' in BENCH_SWITCHES (ours kbr ovs ovs-tso)" ;;
        esac
    done
    if [[ " $SWITCHES " == *" ovs"* ]] && ! { command -v ovs-vswitchd \
        && command -v ovsdb-server && command -v ovs-vsctl \
        && command -v ovsdb-tool && [[ -r $OVS_SCHEMA ]]; } >/dev/null; then
        note "Open vSwitch is not installed (apt-get install openvswitch-switch): ovs and ovs-tso left out"
        SWITCHES=$(tr ' ' '\n' <<<"$SWITCHES" | grep -v '^ovs' | tr '\n' ' ')
    fi
    [[ -n ${SWITCHES// /} ]] || skip "no switch to measure"
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
    blog "rounds $ROUNDS, $DUR s per traffic run, switches: $SWITCHES"
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
    "idle_seconds": $IDLE_SECS,
    "datapath_threads": $DP_THREADS,
    "switches": "$SWITCHES".split(),
    "elapsed_seconds": $((SECONDS - start)),
    "host": {"kernel": platform.release(), "cpus": os.cpu_count(),
             "cpu": cpu},
    "versions": {"vswitchd": """$("$VSWITCHD" --version 2>/dev/null | head -n1)""",
                 "ovs": """$(ovs-vswitchd --version 2>/dev/null | head -n1)""",
                 "iperf3": """$(iperf3 --version 2>/dev/null | head -n1)""",
                 "git": """$(git -C "$BENCH_SRCDIR" rev-parse --short HEAD 2>/dev/null)"""},
    "topology": "4 VMs on the switch; 1 uplink (plain port, no team yet) "
                "to a kernel bridge with 2 remote hosts",
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
