# shellcheck shell=bash
# lacp-lib.sh: helpers for the LACP system tests (test-team-lacp-*.sh),
# sourced after lib.sh; brings team-lib.sh and ovs-lib.sh with it.
#
# The world of the tests against Open vSwitch (lacp_upstream_world):
#
#   PREFIX-vm1    VM 198.18.0.1/24, MAC 02:00:00:00:00:01, port PREFIX+vm1.
#   PREFIX-sw     our switch: bridge br0 with vm1's port and team bond0 of
#                 members PREFIX+u1, PREFIX+u2.
#   PREFIX-up     the upstream switch: a private Open vSwitch (ovs-lib.sh,
#                 instance "up"), bridge PREFIX+obr on the userspace
#                 datapath with bond PREFIX+obd of the members' peers
#                 PREFIX+pu1, PREFIX+pu2, and port PREFIX+prh1 to rh1.
#   PREFIX-rh1    host 198.18.0.101/24, MAC 02:00:00:00:01:01, device
#                 PREFIX+grh1.
#
# vm1 and rh1 know each other's MAC (permanent neighbour entries): no ARP
# disturbs counts or hides an outage.

# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$VST_SYSDIR/team-lib.sh"
# shellcheck source-path=SCRIPTDIR source=ovs-lib.sh
. "$VST_SYSDIR/ovs-lib.sh"

# shellcheck disable=SC2034 # read by the tests
OVS_BR=
OVS_BOND=
LACP_SINK=              # The device dropped LACPDUs are sent to.
FLOWS_SEEN=             # What the last flows_check saw, per member.

# now_ms: the time, in milliseconds.
now_ms()
{
    local t
    t=$(date +%s%N)
    printf '%s' "$((t / 1000000))"
}

# ---------------------------------------------------------------------------
# Our side: lacp/show.

# lacp_json EXPR [TEAM]: evaluates EXPR over lacp/show --json of TEAM
# (default bond0), with 'd' bound to the document, 't' to the team and 'm'
# to a dict of its members by name.
lacp_json()
{
    ctl --json lacp/show "${2:-$TEAM}" | teams_eval "$1"
}

# lacp_status [TEAM]: the team's LACP status (negotiated, fallback, down).
lacp_status()
{
    lacp_json "t['status']" "${1:-}"
}

lacp_status_is()
{
    [[ $(lacp_status "${2:-}") == "$1" ]]
}

# lacp_carries MEMBER [TEAM]: "yes" if lacp/show says MEMBER carries
# traffic, "no" if not, "" if there is no such member.
lacp_carries()
{
    lacp_json "('yes' if m['$1']['carries'] else 'no') if '$1' in m else ''" \
        "${2:-}"
}

lacp_carries_is()
{
    [[ $(lacp_carries "$1" "${3:-}") == "$2" ]]
}

# lacp_report [TEAM]: lacp/show and team/events of TEAM, on stderr, for a
# failure.
lacp_report()
{
    printf '%s: lacp/show:\n%s\n%s: team/events:\n%s\n' "$VST_NAME" \
        "$(ctl lacp/show "${1:-$TEAM}" 2>&1)" "$VST_NAME" \
        "$(ctl team/events "${1:-$TEAM}" 2>&1 | tail -n 40)" >&2
}

# lfail MESSAGE: fails with our team's LACP state and history, and the
# upstream Open vSwitch's, if it runs.
lfail()
{
    lacp_report "$TEAM"
    if [[ -n $OVS_BOND ]]; then
        printf '%s: Open vSwitch lacp/show:\n%s\n' "$VST_NAME" \
            "$(ovs_lacp_show "$OVS_BOND" 2>&1)" >&2
    fi
    fail "$@"
}

# wait_lacp_status STATUS SECS [TEAM]: waits until the team's LACP status
# is STATUS.
wait_lacp_status()
{
    wait_for "$2" lacp_status_is "$1" "${3:-}" \
        || lfail "team ${3:-$TEAM}: LACP status is '$(lacp_status "${3:-}")'\
, expected '$1' within $2 s"
}

# wait_carries MEMBER yes|no SECS [TEAM]: waits until lacp/show says MEMBER
# carries (yes) or not (no).
wait_carries()
{
    wait_for "$3" lacp_carries_is "$1" "$2" "${4:-}" \
        || lfail "member $1: carries is '$(lacp_carries "$1" "${4:-}")', \
expected '$2' within $3 s"
}

# time_until SECS CMD...: runs CMD every 50 ms until it succeeds, and
# prints the milliseconds from the call to the start of the run that
# succeeded; fails the test (with MESSAGE-less status 1) after SECS.
# Set TIME_UNTIL_T0 (milliseconds, now_ms) to count from an earlier moment.
time_until()
{
    local secs=$1 t0=${TIME_UNTIL_T0:-} t end
    shift
    [[ -n $t0 ]] || t0=$(now_ms)
    end=$((t0 + secs * 1000))
    while true; do
        t=$(now_ms)
        if "$@" >/dev/null 2>&1; then
            printf '%s' "$((t - t0))"
            return 0
        fi
        ((t >= end)) && return 1
        sleep 0.05
    done
}

# ms_to_s MS: milliseconds as seconds with three decimals.
ms_to_s()
{
    printf '%d.%03d' "$(($1 / 1000))" "$(($1 % 1000))"
}

# member_mac MEMBER [NS]: the MAC of our member's device (in PREFIX-sw).
member_mac()
{
    ip -n "$(ns "${2:-sw}")" -br link show dev "$1" | awk '{print $3}'
}

# lacp_events_of MEMBER [TEAM]: how many team/events lines mention both
# "lacp" and MEMBER (the wording is not the test's business).
lacp_events_of()
{
    ctl team/events "${2:-$TEAM}" | grep -i 'lacp' | grep -c -- "$1" || true
}

# ---------------------------------------------------------------------------
# The upstream Open vSwitch.

# lacp_upstream_world OVS-BOND-SETTING... -- ADD-TEAM-SETTING...: builds
# the world above, starts Open vSwitch with the bond's settings (add-bond's
# column=value arguments: lacp=active...) and our daemon with team bond0
# of the settings given.  Waits for nothing LACP: the test does.
lacp_upstream_world()
{
    local ovs_args=() i
    while (($#)) && [[ $1 != -- ]]; do
        ovs_args+=("$1")
        shift
    done
    [[ ${1:-} == -- ]] && shift
    OVS_BR=$(dev obr)
    OVS_BOND=$(dev obd)

    sw_ns
    vm_add vm1 198.18.0.1/24
    ns_add up
    ns_add rh1
    veth_add rh1 "$(dev_of rh1)" up "$(dev prh1)"
    ip -n "$(ns rh1)" link set "$(dev_of rh1)" address "$(rh_mac 1)" \
        || fail "cannot set the MAC of rh1"
    ip -n "$(ns rh1)" addr add "$(rh_ip 1)/24" dev "$(dev_of rh1)"
    ip -n "$(ns rh1)" link set "$(dev_of rh1)" up
    for i in 1 2; do
        veth_add sw "$(member "u$i")" up "$(phys_peer "$(member "u$i")")"
    done

    ovs_start up up
    ovs_add_br "$OVS_BR"
    ovs_add_port "$OVS_BR" up "$(dev prh1)"
    for i in 1 2; do
        ip -n "$(ns up)" link set "$(phys_peer "$(member "u$i")")" up
    done
    ovs_ctl_ok add-bond "$OVS_BR" "$OVS_BOND" \
        "$(phys_peer "$(member u1)")" "$(phys_peer "$(member u2)")" \
        "${ovs_args[@]}"
    log "Open vSwitch bond $OVS_BOND: ${ovs_args[*]}"

    vm_neigh vm1 "$(rh_ip 1)" "$(rh_mac 1)"
    vm_neigh rh1 198.18.0.1 "$(vm_mac vm1)"
    sw_start
    ctl_ok add-br "$TEAM_BR"
    attach "$TEAM_BR" vm1
    ctl_ok add-team "$TEAM_BR" "$TEAM" "$(member u1)" "$(member u2)" "$@"
    log "team $TEAM: $*"
}

# ovs_lacp_member_is PEER WORD: Open vSwitch's lacp/show line of bond
# member PEER ("current attached", "expired attached"...) holds WORD.
ovs_lacp_member_is()
{
    [[ " $(ovs_lacp_field "$OVS_BOND" "$1" member) " == *" $2 "* ]]
}

# ovs_lacp_negotiated: Open vSwitch's bond says "negotiated".
ovs_lacp_negotiated()
{
    [[ $(ovs_lacp_field "$OVS_BOND" status) == *negotiated* ]]
}

# lacp_drop PEER on|off: from now on, the LACPDUs that Open vSwitch sends
# on bond member PEER (ethertype 0x8809, leaving PEER in PREFIX-up) are
# taken away (on) or not (off), while the link and everything else on it
# stays as it is.  These kernels have no tc "drop" action (act_gact) nor
# matchall: a u32 filter on PEER's egress (clsact) redirects them (mirred)
# to a veth pair of their own, PREFIX+lks, whose peer PREFIX+lkr counts
# what arrives and hands it to nobody (lacp_dropped).
lacp_drop()
{
    local peer=$1 u
    u=$(ns up)
    if [[ -z $LACP_SINK ]]; then
        LACP_SINK=$(dev lks)
        ip -n "$u" link add "$LACP_SINK" type veth peer name "$(dev lkr)" \
            || fail "cannot create the LACPDU sink $LACP_SINK"
        ip -n "$u" link set "$(dev lkr)" up
        ip -n "$u" link set "$LACP_SINK" up
    fi
    if ! ip netns exec "$u" tc qdisc show dev "$peer" | grep -q clsact; then
        ip netns exec "$u" tc qdisc add dev "$peer" clsact \
            || fail "cannot add a clsact qdisc to $peer"
    fi
    case $2 in
    on)
        ip netns exec "$u" tc filter add dev "$peer" egress pref 10 \
            protocol 0x8809 u32 match u32 0 0 \
            action mirred egress redirect dev "$LACP_SINK" \
            || fail "cannot filter the LACPDUs leaving $peer"
        ;;
    off)
        ip netns exec "$u" tc filter del dev "$peer" egress pref 10 \
            || fail "cannot remove the LACPDU filter of $peer"
        ;;
    esac
}

# lacp_dropped: how many frames the LACPDU filter took away.
lacp_dropped()
{
    in_ns up cat "/sys/class/net/$(dev lkr)/statistics/rx_packets"
}

# ---------------------------------------------------------------------------
# Flows and where they go.

# flows_predict FLOWS SPORT DPORT: asks team/hash which member each UDP
# flow vm1 -> rh1 (source port SPORT+i, destination DPORT+i) takes; sets
# the associative array PREDICT (source port -> member).
declare -A PREDICT=()
flows_predict()
{
    local flows=$1 sport=$2 dport=$3 i who
    PREDICT=()
    for ((i = 0; i < flows; i++)); do
        who=$(ctl --json team/hash "$TEAM" "$(vm_mac vm1)" \
            dst-mac="$(rh_mac 1)" src-ip=198.18.0.1 dst-ip="$(rh_ip 1)" \
            proto=udp sport=$((sport + i)) dport=$((dport + i)) \
            | json "d['member']")
        [[ -n $who ]] || lfail "team/hash names no member for flow $i"
        PREDICT[$((sport + i))]=$who
    done
}

# flows_check NAME FLOWS COUNT SPORT DPORT MEMBER...: vm1 sends FLOWS UDP
# flows of COUNT datagrams each to rh1 (team-udp-flows.py), captured as
# they arrive on each MEMBER's peer in PREFIX-up; every datagram of every
# flow must arrive on the peer of the member team/hash predicted just
# before (flows_predict), none elsewhere.  Sets FLOWS_SEEN, "MEMBER:N"
# per member, the datagrams each carried (seen_of).
flows_check()
{
    local name=$1 flows=$2 count=$3 sport=$4 dport=$5 m sent caps=() \
        wrong=0 short=0 line out=() i
    shift 5
    flows_predict "$flows" "$sport" "$dport"
    for m in "$@"; do
        tcap_start up "$(phys_peer "$m")" "$name-$m" in \
            "udp and src host 198.18.0.1 and dst host $(rh_ip 1)"
        caps+=("$CAP_PID")
    done
    sent=$(in_ns vm1 timeout 60 "$VST_PY" "$VST_SYSDIR/team-udp-flows.py" \
        --dst "$(rh_ip 1)" --flows "$flows" --count "$count" \
        --sport "$sport" --dport "$dport" 2>"$VST_TMP/$name.err") \
        || fail "the UDP sender failed: $(cat "$VST_TMP/$name.err")"
    [[ $sent == $((flows * count)) ]] \
        || fail "vm1 sent $sent datagrams, not $((flows * count))"
    sleep 0.5
    for i in "${caps[@]}"; do
        capture_stop "$i"
    done
    # Datagrams per source port on each peer: "MEMBER SPORT N".
    for m in "$@"; do
        capture_read "$name-$m" | sed -n \
            's/.* 198\.18\.0\.1\.\([0-9]*\) > 198\.18\.0\.101\..*/\1/p' \
            | sort | uniq -c \
            | awk -v m="$m" '{print m, $2, $1}'
    done >"$VST_TMP/$name.seen"
    while read -r m i line; do
        if [[ ${PREDICT[$i]:-} != "$m" ]]; then
            wrong=$((wrong + line))
            ((wrong <= 10 * count)) && log "flow from port $i: $line datagram(s) on $m, team/hash \
said ${PREDICT[$i]:-nothing}"
        fi
    done <"$VST_TMP/$name.seen"
    for ((i = sport; i < sport + flows; i++)); do
        line=$(awk -v p="$i" -v m="${PREDICT[$i]}" \
            '$1 == m && $2 == p {print $3}' "$VST_TMP/$name.seen")
        if [[ ${line:-0} != "$count" ]]; then
            short=$((short + 1))
            ((short <= 10)) && log "flow from port $i: ${line:-0} of \
$count datagrams on ${PREDICT[$i]}"
        fi
    done
    assert_eq 0 "$wrong" "datagrams on another member than team/hash said"
    assert_eq 0 "$short" "flows not all seen on their member"
    for m in "$@"; do
        out+=("$m:$(awk -v m="$m" '$1 == m {n += $3} END {print n + 0}' \
            "$VST_TMP/$name.seen")")
    done
    FLOWS_SEEN="${out[*]}"
}

# seen_of MEMBER: the datagrams MEMBER carried in the last flows_check.
seen_of()
{
    local e
    for e in $FLOWS_SEEN; do
        [[ ${e%%:*} == "$1" ]] && printf '%s' "${e#*:}"
    done
}

# member_buckets MEMBER: the team's buckets MEMBER carries (team/show),
# sorted, on one line.
member_buckets()
{
    team_json "' '.join(str(b['bucket']) for b in \
sorted(m['$1']['bucket-loads'], key=lambda b: b['bucket']))"
}

# buckets_of MEMBER: how many buckets MEMBER carries (team/show).
buckets_of()
{
    team_json "m['$1']['buckets']"
}

# buckets_cmp MEMBER eq|gt N: true if MEMBER carries N buckets (eq) or
# more (gt).
buckets_cmp()
{
    local n
    n=$(buckets_of "$1") || return 1
    [[ $n =~ ^[0-9]+$ ]] || return 1
    case $2 in
    eq) ((n == $3)) ;;
    gt) ((n > $3)) ;;
    *) fail "buckets_cmp: unknown operator $2" ;;
    esac
}
