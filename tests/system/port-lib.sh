# shellcheck shell=bash
# port-lib.sh: what the port-policy system tests (test-port-*.sh of issue 9)
# share, sourced after lib.sh.

# The drop reasons of the port policies as port/stats names them
# (drops.NAME; lib/datapath.h, enum dp_drop_reason).
# shellcheck disable=SC2034 # each test uses some of them
DROP_MAC_SECURITY='src-mac'       # Source not in allowed-macs.
DROP_MAC_LIMIT='mac-limit'        # New source beyond mac-limit (action drop).
DROP_MAC_LIMIT_FLOOD='mac-limit-flood' # Same, action flood: not learned.
DROP_ISOLATED='isolated'          # Isolated port to isolated port.
DROP_DHCP_GUARD='dhcp-guard'      # DHCP server message, dhcp-guard=yes.
DROP_RA_GUARD='ra-guard'          # RA or redirect, ra-guard=yes.
DROP_BPDU_GUARD='bpdu-guard'      # Frames of a port bpdu-guard disabled.
DROP_RATE_OUT='rate-out'          # Over rate-out (from the VM).
DROP_RATE_IN='rate-in'            # Over rate-in (to the VM).
DROP_STORM='storm'                # Over storm-limit.
DROP_DISABLED='disabled'          # Port set enabled=no.

# port_world [--uplink] VM...: the switch's namespace and each VM (vmN,
# 198.18.0.N/24), with --uplink the physical network, its uplink "up" and
# rh1 (198.18.0.10/24) behind it; starts the daemon and makes bridge br0,
# with the uplink on it.  The VMs are not attached: each test attaches
# them with its own settings.
port_world()
{
    local uplink=false vm
    if [[ ${1:-} == --uplink ]]; then
        uplink=true
        shift
    fi
    sw_ns
    for vm in "$@"; do
        vm_add "$vm" "198.18.0.${vm//[!0-9]/}/24"
    done
    if $uplink; then
        phys_add
        uplink_add up
        rhost_add rh1 198.18.0.10/24
    fi
    sw_start ${PORT_SW_ARGS[@]+"${PORT_SW_ARGS[@]}"}
    ctl_ok add-br br0
    if $uplink; then
        ctl_ok add-port br0 "$(dev up)"
        wait_port "$(dev up)" up
    fi
}

# guard_world: the world of the guard tests: vm1 and vm2 untagged, vm5 a
# trunk of VLAN 10 and vm6 in VLAN 10, and the uplink.
guard_world()
{
    port_world --uplink vm1 vm2 vm5 vm6
    attach br0 vm1
    attach br0 vm2
    attach br0 vm5 trunks=10
    attach br0 vm6 vlan=10
}

# settled TRIES SECS CMD...: CMD's output once two reads SECS apart agree
# (what the switch still works through after a test's traffic: learning,
# a socket's queue), or the last read after TRIES reads.
settled()
{
    local tries=$1 secs=$2 a b='' i
    shift 2
    for ((i = 0; i < tries; i++)); do
        a=$("$@")
        [[ $a == "$b" ]] && break
        b=$a
        sleep "$secs"
    done
    printf '%s\n' "$a"
}

# drops PORT REASON: the port's drops.REASON counter.
drops()
{
    local v
    v=$(stat_of "$1" "drops.$2" 2>/dev/null)
    [[ $v =~ ^[0-9]+$ ]] \
        || fail "port/stats of $1 has no counter drops.$2: $(ctl port/stats "$1" 2>&1 | tr -s ' \n' ' ')"
    printf '%s\n' "$v"
}

# policy_frames HOST ARGS...: sends guard test frames from HOST's device
# with HOST's MAC (tests/system/policy-frames.py ARGS).
policy_frames()
{
    local host=$1
    shift
    in_ns "$host" timeout 60 "$VST_PY" "$VST_SYSDIR/policy-frames.py" \
        --iface "$(dev_of "$host")" --src "$(vm_mac "$host")" "$@" \
        >/dev/null || fail "policy-frames.py in $host failed"
}

# kind_src KIND: the IP source address policy-frames.py uses for KIND.
declare -A VST_KIND_SRC=()
kind_src()
{
    local k v
    if ((${#VST_KIND_SRC[@]} == 0)); then
        while read -r k v; do
            VST_KIND_SRC[$k]=$v
        done < <("$VST_PY" "$VST_SYSDIR/policy-frames.py" --list)
    fi
    printf '%s\n' "${VST_KIND_SRC[$1]:-}"
}

# mac_flood HOST ARGS...: tests/system/mac-flood.py from HOST's device;
# prints its "sent N in S seconds" line.
mac_flood()
{
    local host=$1
    shift
    in_ns "$host" timeout 90 "$VST_PY" "$VST_SYSDIR/mac-flood.py" \
        --iface "$(dev_of "$host")" "$@" || fail "mac-flood.py in $host failed"
}

# iperf_mbps FROM SERVER-HOST SERVER-IP SECS [iperf3 args]: a TCP iperf3
# run from FROM to an iperf3 server started in SERVER-HOST; sets MBPS to
# the received rate in Mbit/s and RETR to the sender's retransmissions
# (not in a subshell: the server is ours).
iperf_mbps()
{
    local from=$1 srv=$2 ip=$3 secs=$4 out bps port=5201 pin=()
    shift 4
    # IPERF_CPU: the CPU both ends run on, if set.
    [[ -z ${IPERF_CPU:-} ]] || pin=(-A "$IPERF_CPU")
    bg_ns "$srv" "$VST_TMP/iperf3-s-$srv.log" iperf3 -s -1 -B "$ip" -p $port \
        ${pin[@]+"${pin[@]}"}
    wait_for 5 listening "$srv" $port || fail "iperf3 server in $srv did not start"
    out=$(in_ns "$from" timeout $((secs + 20)) iperf3 -c "$ip" -p $port \
        -t "$secs" -J ${pin[@]+"${pin[@]}"} "$@" 2>&1) \
        || fail "iperf3 $from -> $ip failed: $(printf '%s' "$out" | tail -n 5)"
    bps=$(printf '%s' "$out" \
        | json 'int(d["end"]["sum_received"]["bits_per_second"])') \
        || fail "no result from iperf3: $(printf '%s' "$out" | tail -n 5)"
    RETR=$(printf '%s' "$out" \
        | json 'd["end"]["sum_sent"].get("retransmits", "?")')
    stop_pid "$BG_PID"
    MBPS=$((bps / 1000000))
}

# kind_filter KIND: a tcpdump filter for the frames of a policy-frames.py
# KIND (by their source address; "vlan and" also matches them tagged).
kind_filter()
{
    local src
    src=$(kind_src "$1")
    [[ -n $src ]] || fail "no source address for kind $1"
    if [[ $src == *:* ]]; then
        printf 'ip6 src %s or (vlan and ip6 src %s)' "$src" "$src"
    else
        printf 'src host %s or (vlan and src host %s)' "$src" "$src"
    fi
}

# guard_phase NAME SRV CLI KEY=VALUE DROP [--vlan N]: sets KEY=VALUE on
# SRV's port, sends GUARD_COUNT frames of each kind in GUARD_BLOCKED and
# GUARD_PASSED (arrays) from SRV, and checks: the kinds of GUARD_PASSED
# reach CLI and the uplink's peer (the device $(dev pup) in phys), those
# of GUARD_BLOCKED only if VALUE is "no", and SRV's drops.DROP counts
# exactly the blocked ones.
guard_phase()
{
    local name=$1 srv=$2 cli=$3 set=$4 drop=$5 k want c1 cu d0 d1 args=()
    shift 5
    kind_src "${GUARD_PASSED[0]}" >/dev/null   # Fills the cache here.
    for k in "${GUARD_BLOCKED[@]}" "${GUARD_PASSED[@]}"; do
        args+=(--kind "$k")
    done
    ctl_ok set-port "$(port_of "$srv")" "$set"
    d0=$(drops "$(port_of "$srv")" "$drop")
    capture_start "$cli" "$(dev_of "$cli")" "$name-cli" "ip or ip6 or vlan"
    c1=$CAP_PID
    capture_start phys "$(dev pup)" "$name-up" "ip or ip6 or vlan"
    cu=$CAP_PID
    policy_frames "$srv" "${args[@]}" --count "$GUARD_COUNT" "$@"
    capture_stop "$c1"
    stop_pid "$cu"
    d1=$(drops "$(port_of "$srv")" "$drop")
    for k in "${GUARD_BLOCKED[@]}" "${GUARD_PASSED[@]}"; do
        want=$GUARD_COUNT
        [[ ${set#*=} != no && " ${GUARD_BLOCKED[*]} " == *" $k "* ]] && want=0
        assert_eq "$want" "$(frame_count "$name-cli" "$(kind_filter "$k")")" \
            "$name: $k from $srv at $cli ($set)"
        assert_eq "$want" "$(frame_count "$name-up" "$(kind_filter "$k")")" \
            "$name: $k from $srv at the uplink's peer ($set)"
    done
    want=0
    [[ ${set#*=} != no ]] && want=$((GUARD_COUNT * ${#GUARD_BLOCKED[@]}))
    assert_eq "$want" "$((d1 - d0))" "$name: $srv drops.$drop"
}

# drops_total REASON: drops.REASON summed over every port (for drops on
# output, which a datapath may count on the input or the output port).
drops_total()
{
    local v
    v=$(ctl --json port/stats | json "sum(p['drops']['$1'] for p in d['ports'])" 2>/dev/null)
    [[ $v =~ ^[0-9]+$ ]] \
        || fail "port/stats has no counter drops.$1: $(ctl port/stats 2>&1 | head -n 5 | tr -s ' \n' ' ')"
    printf '%s\n' "$v"
}

# port_admin PORT: the port's administrative state from show --json
# ("admin-state": enabled, disabled, or blocked by its BPDU guard).
port_admin()
{
    ctl --json show | json "next((p.get('admin-state', '?') for b in \
d['bridges'] for p in b['ports'] if p['name'] == '$1'), '')"
}
