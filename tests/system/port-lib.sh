# shellcheck shell=bash
# port-lib.sh: what the port-policy system tests (test-port-*.sh of issue 9)
# share, sourced after lib.sh.

# The drop reasons of the port policies as port/stats names them
# (drops.NAME; lib/datapath.h, enum dp_drop_reason).
DROP_MAC_SECURITY=mac-security  # Source not in allowed-macs.
DROP_MAC_LIMIT=mac-limit        # New source beyond mac-limit (action drop).
DROP_ISOLATED=isolated          # Isolated port to isolated port.
DROP_DHCP_GUARD=dhcp-guard      # DHCP server message, dhcp-guard=yes.
DROP_RA_GUARD=ra-guard          # RA or redirect, ra-guard=yes.
DROP_BPDU_GUARD=bpdu-guard      # Frames of a port bpdu-guard disabled.
DROP_RATE_OUT=rate-out          # Over rate-out (from the VM).
DROP_RATE_IN=rate-in            # Over rate-in (to the VM).
DROP_STORM=storm                # Over storm-limit.
DROP_DISABLED=disabled          # Port set enabled=no.

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
kind_src()
{
    "$VST_PY" "$VST_SYSDIR/policy-frames.py" --list \
        | awk -v k="$1" '$1 == k { print $2 }'
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
# the received rate in Mbit/s (not in a subshell: the server is ours).
iperf_mbps()
{
    local from=$1 srv=$2 ip=$3 secs=$4 out bps port=5201
    shift 4
    bg_ns "$srv" "$VST_TMP/iperf3-s-$srv.log" iperf3 -s -1 -B "$ip" -p $port
    wait_for 5 listening "$srv" $port || fail "iperf3 server in $srv did not start"
    out=$(in_ns "$from" timeout $((secs + 20)) iperf3 -c "$ip" -p $port \
        -t "$secs" -J "$@" 2>&1) \
        || fail "iperf3 $from -> $ip failed: $(printf '%s' "$out" | tail -n 5)"
    bps=$(printf '%s' "$out" \
        | json 'int(d["end"]["sum_received"]["bits_per_second"])') \
        || fail "no result from iperf3: $(printf '%s' "$out" | tail -n 5)"
    stop_pid "$BG_PID"
    MBPS=$((bps / 1000000))
}
