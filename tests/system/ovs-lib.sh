# shellcheck shell=bash
# ovs-lib.sh: Open vSwitch's userspace datapath as a peer of a system test,
# sourced after lib.sh.
#
# ovs_start NAME NS starts a PRIVATE Open vSwitch (Debian's
# openvswitch-switch): its own ovsdb-server with its own database, and its
# own ovs-vswitchd, run, log and database directories and control sockets
# all under $VST_TMP/ovs-NAME, both processes in namespace PREFIX-NS, so
# that its bridges (datapath_type=netdev, ovs_add_br) see only the devices
# the test put there.  The system's own openvswitch-switch service is
# never started, stopped or connected to: every ovs-vsctl and ovs-appctl
# below names the private sockets.  Both processes are the test's
# background processes (bg_ns): the cleanup stops them by pid, and
# deleting the namespace removes what ovs-vswitchd made there (its tap
# devices).  On failure the cleanup shows the end of their logs.
#
# Several instances may run at once (different NAMEs); ovs_ctl and
# ovs_appctl talk to the one named by OVS_DIR, which ovs_start and ovs_use
# set.

OVS_SCHEMA=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
OVS_DIR=                # The instance ovs_ctl and ovs_appctl talk to.
declare -A OVS_PIDS_OF=()  # Instance name -> "DB-PID VSWITCHD-PID".

# require_ovs: skips the test unless Open vSwitch's programs are installed.
require_ovs()
{
    local c
    for c in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-appctl; do
        command -v "$c" >/dev/null 2>&1 || skip "$c not installed \
(Open vSwitch, Debian's openvswitch-switch: run tests/setup.sh)"
    done
    [[ -r $OVS_SCHEMA ]] || skip "no Open vSwitch schema $OVS_SCHEMA \
(openvswitch-switch: run tests/setup.sh)"
}

# ovs_dir NAME: the private directory of instance NAME.
ovs_dir()
{
    printf '%s/ovs-%s' "$VST_TMP" "$1"
}

# ovs_use NAME: ovs_ctl and ovs_appctl talk to instance NAME from now on.
ovs_use()
{
    OVS_DIR=$(ovs_dir "$1")
}

# ovs_env CMD...: CMD with OVS's directories set to the private ones
# (nothing falls back to /var/run/openvswitch or /etc/openvswitch).
ovs_env()
{
    env OVS_RUNDIR="$OVS_DIR" OVS_LOGDIR="$OVS_DIR" OVS_DBDIR="$OVS_DIR" \
        OVS_SYSCONFDIR="$OVS_DIR" "$@"
}

# ovs_ctl ARGS...: ovs-vsctl against the private database only.
ovs_ctl()
{
    [[ -n $OVS_DIR ]] || fail "ovs_ctl: no Open vSwitch instance (ovs_start)"
    ovs_env ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=20 "$@"
}

# ovs_ctl_ok ARGS...: ovs_ctl that must succeed.
ovs_ctl_ok()
{
    local out
    out=$(ovs_ctl "$@" 2>&1) || fail "ovs-vsctl $* failed: $out"
    [[ -z $out ]] || printf '%s\n' "$out"
}

# ovs_appctl ARGS...: ovs-appctl to the private ovs-vswitchd only.
ovs_appctl()
{
    [[ -n $OVS_DIR ]] || fail "ovs_appctl: no Open vSwitch instance \
(ovs_start)"
    ovs-appctl --timeout=10 -t "$OVS_DIR/ovs-vswitchd.ctl" "$@"
}

# ovs_start NAME NS: starts instance NAME in namespace PREFIX-NS (see the
# top) and waits until both its database and ovs-vswitchd answer; makes it
# the current one (ovs_use).
ovs_start()
{
    local name=$1 nsname=$2 dir i db_pid vs_pid
    [[ -z ${OVS_PIDS_OF[$name]+x} ]] \
        || fail "ovs_start: Open vSwitch instance $name already runs"
    dir=$(ovs_dir "$name")
    mkdir -p "$dir" || fail "cannot make $dir"
    OVS_DIR=$dir
    ovs_env ovsdb-tool create "$dir/conf.db" "$OVS_SCHEMA" \
        >"$dir/ovsdb-tool.out" 2>&1 \
        || fail "ovsdb-tool create failed: $(cat "$dir/ovsdb-tool.out")"
    VST_FAIL_LOGS+=("$dir/ovsdb-server.log" "$dir/ovs-vswitchd.log"
                    "$dir/ovs-vswitchd.out")
    bg_ns "$nsname" "$dir/ovsdb-server.out" env OVS_RUNDIR="$dir" \
        OVS_LOGDIR="$dir" OVS_DBDIR="$dir" OVS_SYSCONFDIR="$dir" \
        ovsdb-server "$dir/conf.db" --remote="punix:$dir/db.sock" \
        --pidfile="$dir/ovsdb-server.pid" --unixctl="$dir/ovsdb-server.ctl" \
        --log-file="$dir/ovsdb-server.log"
    db_pid=$BG_PID
    OVS_PIDS_OF[$name]=$db_pid
    for ((i = 0; i < 100; i++)); do
        [[ -S $dir/db.sock ]] && break
        kill -0 "$db_pid" 2>/dev/null || break
        sleep 0.1
    done
    [[ -S $dir/db.sock ]] || fail "ovsdb-server ($name) did not start \
within 10 s: $(tail -n 5 "$dir/ovsdb-server.out" "$dir/ovsdb-server.log" \
        2>/dev/null)"
    ovs_ctl_ok --no-wait init
    bg_ns "$nsname" "$dir/ovs-vswitchd.out" env OVS_RUNDIR="$dir" \
        OVS_LOGDIR="$dir" OVS_DBDIR="$dir" OVS_SYSCONFDIR="$dir" \
        ovs-vswitchd "unix:$dir/db.sock" --pidfile="$dir/ovs-vswitchd.pid" \
        --unixctl="$dir/ovs-vswitchd.ctl" --log-file="$dir/ovs-vswitchd.log"
    vs_pid=$BG_PID
    OVS_PIDS_OF[$name]="$db_pid $vs_pid"
    for ((i = 0; i < 100; i++)); do
        ovs_appctl version >/dev/null 2>&1 && break
        kill -0 "$vs_pid" 2>/dev/null || break
        sleep 0.1
    done
    ovs_appctl version >/dev/null 2>&1 || fail "ovs-vswitchd ($name) did \
not answer within 10 s: $(tail -n 5 "$dir/ovs-vswitchd.out" \
        "$dir/ovs-vswitchd.log" 2>/dev/null)"
    log "Open vSwitch $name: $(ovs-vswitchd --version | head -n 1), \
private, in namespace $(ns "$nsname"), directory $dir"
}

# ovs_stop NAME: stops instance NAME (ovs-vswitchd first, which removes
# its ports, then the database), by pid.
ovs_stop()
{
    local pids
    [[ -n ${OVS_PIDS_OF[$1]+x} ]] || return 0
    read -r -a pids <<<"${OVS_PIDS_OF[$1]}"
    ((${#pids[@]} > 1)) && stop_pid "${pids[1]}"
    stop_pid "${pids[0]}"
    unset "OVS_PIDS_OF[$1]"
}

# ovs_add_br BR: a bridge on the userspace datapath (datapath_type=netdev)
# in the current instance; a port is added with ovs_add_port.
ovs_add_br()
{
    ovs_ctl_ok add-br "$1" -- set bridge "$1" datapath_type=netdev
}

# ovs_add_port BR NS DEV: DEV (in namespace PREFIX-NS, the instance's own)
# up and a port of BR.
ovs_add_port()
{
    ip -n "$(ns "$2")" link set "$3" up || fail "cannot set $3 up"
    ovs_ctl_ok add-port "$1" "$3"
}

# ovs_lacp_show BOND: the text of ovs-appctl lacp/show BOND.
ovs_lacp_show()
{
    ovs_appctl lacp/show "$1"
}

# ovs_lacp_field BOND [MEMBER] KEY: a value of ovs-appctl lacp/show BOND,
# from the bond's own lines (no MEMBER: "status", "sys_id",
# "sys_priority", "aggregation key", "lacp_time") or from MEMBER's
# ("partner sys_id", "actor state", "may_enable"...); the member's first
# line ("member: DEV: current attached") is KEY "member".  "" if absent.
ovs_lacp_field()
{
    local bond=$1 member='' key
    if (($# == 3)); then
        member=$2
        key=$3
    else
        key=$2
    fi
    ovs_lacp_show "$bond" 2>/dev/null | awk -v m="$member" -v k="$key" '
        /^member: / {
            dev = $2; sub(/:$/, "", dev)
            cur = dev
            if (m == dev && k == "member") {
                sub(/^member: [^:]*: /, ""); print; exit
            }
            next
        }
        {
            line = $0; sub(/^[ \t]+/, "", line)
            i = index(line, ": ")
            if (!i) next
            if (substr(line, 1, i - 1) != k) next
            if ((m == "" && cur == "") || (m != "" && cur == m)) {
                print substr(line, i + 2); exit
            }
        }'
}

# ovs_bond_show BOND: the text of ovs-appctl bond/show BOND.
ovs_bond_show()
{
    ovs_appctl bond/show "$1"
}

# ovs_member_enabled BOND MEMBER: true if bond/show says MEMBER is enabled.
ovs_member_enabled()
{
    ovs_bond_show "$1" 2>/dev/null | grep -q "^member $2: enabled"
}
