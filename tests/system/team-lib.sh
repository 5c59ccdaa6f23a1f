# shellcheck shell=bash
# team-lib.sh: helpers for the team (uplink group) system tests, sourced by
# tests/system/test-team-*.sh after lib.sh, whose world and helpers they
# reuse.
#
# The world of a team test (team_world):
#
#   PREFIX-vmN    VMs 198.18.0.N/24, MAC 02:00:00:00:00:0N, switch port
#                 PREFIX+vmN.
#   PREFIX-sw     the switch: bridge br0 with the VMs' ports and team bond0
#                 made of members PREFIX+u1, PREFIX+u2 (, PREFIX+u3).
#   PREFIX-phys   kernel bridge PREFIX+pbr joining the members' peers
#                 PREFIX+pu1... (a cable pull is "ip link set PEER down"
#                 there) and the remote hosts' ports.
#   PREFIX-rhN    remote hosts 198.18.0.10N/24, MAC 02:00:00:00:01:0N.

TEAM=bond0
TEAM_BR=br0

# rh_ip N, rh_mac N: the address and MAC of remote host rhN.
rh_ip()
{
    printf '198.18.0.%d' "$((100 + $1))"
}

rh_mac()
{
    printf '02:00:00:00:01:%02x' "$1"
}

# member NAME: the switch-side device of uplink NAME (u1, u2...).
member()
{
    dev "$1"
}

# phys_peer MEMBER: the physical-network peer of a member's device.
phys_peer()
{
    printf '%sp%s' "$P" "${1#"$P"}"
}

# team_world N-VMS N-UPLINKS [N-REMOTE-HOSTS] -- [add-team settings...]:
# builds the world above, starts the daemon, makes bridge br0 with the
# VMs' ports (default port settings) and team bond0 of the uplinks with
# the settings given, and waits until every member is up and every VM
# reaches rh1.
team_world()
{
    local nvm=$1 nup=$2 nrh=1 i m members=()
    shift 2
    if [[ ${1:-} != -- && -n ${1:-} ]]; then
        nrh=$1
        shift
    fi
    [[ ${1:-} == -- ]] && shift

    sw_ns
    phys_add
    for ((i = 1; i <= nvm; i++)); do
        vm_add "vm$i" "198.18.0.$i/24"
    done
    for ((i = 1; i <= nup; i++)); do
        uplink_add "u$i"
        members+=("$(member "u$i")")
    done
    for ((i = 1; i <= nrh; i++)); do
        rhost_add "rh$i" "$(rh_ip "$i")/24"
        ip -n "$(ns "rh$i")" link set "$(dev_of "rh$i")" address \
            "$(rh_mac "$i")" || fail "cannot set the MAC of rh$i"
    done
    sw_start
    ctl_ok add-br "$TEAM_BR"
    for ((i = 1; i <= nvm; i++)); do
        attach "$TEAM_BR" "vm$i"
    done
    ctl_ok add-team "$TEAM_BR" "$TEAM" "${members[@]}" "$@"
    for m in "${members[@]}"; do
        wait_member "$m" up
    done
    for ((i = 1; i <= nvm; i++)); do
        wait_for 10 ping_reaches "vm$i" "$(rh_ip 1)" \
            || fail "vm$i does not reach rh1 ($(rh_ip 1)) through the team"
    done
}

# team_json EXPR: evaluates EXPR over team/show --json of bond0, with 'd'
# bound to the document, 't' to the team and 'm' to a dict of its members
# by name.
team_json()
{
    ctl --json team/show "$TEAM" | teams_eval "$1"
}

# teams_eval EXPR: evaluates EXPR over a {"teams": [TEAM]} document on
# stdin (team/show --json, lacp/show --json), as team_json does.
teams_eval()
{
    "$VST_PY" -c '
import json, sys
d = json.load(sys.stdin)
t = d["teams"][0]
m = {x["name"]: x for x in t["members"]}
v = eval(sys.argv[1], {"d": d, "t": t, "m": m})
print(json.dumps(v, sort_keys=True) if isinstance(v, (list, dict)) else v)
' "$1"
}

# member_field MEMBER KEY: one field of a member in team/show --json.
member_field()
{
    team_json "m['$1']['$2']"
}

member_state()
{
    team_json "m['$1']['state'] if '$1' in m else ''"
}

member_is()
{
    [[ $(member_state "$1") == "$2" ]]
}

# wait_member MEMBER STATE [SECS]: waits until the member shows STATE.
wait_member()
{
    wait_for "${3:-10}" member_is "$1" "$2" \
        || fail "member $1 is '$(member_state "$1")', expected '$2' within \
${3:-10} s"
}

# carrier_of PORT: the member whose "ports" list holds PORT ("" if none).
carrier_of()
{
    team_json "next((x['name'] for x in t['members'] if '$1' in x['ports']), \
'')"
}

# pull_setup [drain]: for moving vm1's port off its member under a ping
# from vm1 to rh1 (two members), by a cable pull or, with "drain", by
# disabling the member: sets OLD, the member carrying vm1's port, and NEW,
# the other; gives vm1 and rh1 permanent neighbour entries for each other,
# so that only the switch decides what the outage is.
pull_setup()
{
    OLD=$(carrier_of "$(port_of vm1)")
    [[ -n $OLD ]] || tfail "no member carries $(port_of vm1)"
    NEW=$(member u1)
    [[ $OLD == "$NEW" ]] && NEW=$(member u2)
    if [[ ${1:-} == drain ]]; then
        log "vm1's port is on $OLD, which will be drained to $NEW"
    else
        log "vm1's port is on $OLD; $OLD's cable will be pulled, $NEW takes \
over"
    fi
    vm_neigh vm1 "$(rh_ip 1)" "$(rh_mac 1)"
    vm_neigh rh1 198.18.0.1 "$(vm_mac vm1)"
}

carrier_is()
{
    [[ $(carrier_of "$1") == "$2" ]]
}

# wait_carrier PORT MEMBER [SECS]: waits until MEMBER carries PORT.
wait_carrier()
{
    wait_for "${3:-10}" carrier_is "$1" "$2" \
        || fail "port $1 is carried by '$(carrier_of "$1")', expected '$2' \
within ${3:-10} s"
}

# designated: the member that receives floods.
designated()
{
    team_json "next((x['name'] for x in t['members'] if x['designated']), '')"
}

# member_tx MEMBER: the member's tx-packets (port/stats MEMBER).
member_tx()
{
    stat_of "$1" tx-packets
}

# team_events: the team's history, for a failure report.
team_events()
{
    ctl team/events "$TEAM" 2>&1
}

# tfail MESSAGE: fails with the team's state and history appended.
tfail()
{
    printf '%s: team/show:\n%s\n%s: team/events:\n%s\n' "$VST_NAME" \
        "$(ctl team/show 2>&1)" "$VST_NAME" "$(team_events)" >&2
    fail "$@"
}

# cable MEMBER up|down: plugs or pulls the cable of a member (its peer on
# the physical network goes up or down; the member sees carrier change).
cable()
{
    ip -n "$(ns phys)" link set "$(phys_peer "$1")" "$2" \
        || fail "cannot set $(phys_peer "$1") $2"
}

# tcap_start HOST DEV NAME DIRECTION [FILTER]: like capture_start, with
# tcpdump's direction (-Q in|out|inout).  Sets CAP_PID.
tcap_start()
{
    local n=$1 d=$2 name=$3 dir=$4 filter=${5:-} i
    bg_ns "$n" "$VST_TMP/$name.tcpdump" tcpdump -i "$d" -nn -U --immediate-mode -Q "$dir" \
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

# ---------------------------------------------------------------------------
# Fast ping and outage.

# fastping_start VM DST COUNT NAME: pings DST from VM every millisecond
# (COUNT echo requests, bounded by a timeout), each reply with its time
# (-D), output in $VST_TMP/NAME.ping.  Sets PING_PID.  (While requests go
# unanswered, ping slows down to 100 a second: count time, not requests.)
fastping_start()
{
    local vm=$1 dst=$2 count=$3 name=$4
    bg_ns "$vm" "$VST_TMP/$name.ping" timeout 40 ping -n -D -i 0.001 \
        -c "$count" -W 1 "$dst"
    # shellcheck disable=SC2034 # read by the tests
    PING_PID=$BG_PID
}

# pull_under_ping HOST DST COUNT NAME MEMBER: HOST pings DST every
# millisecond (fastping_start, output NAME) and MEMBER's cable is pulled
# one second in; returns when the ping has ended (read it with outage NAME
# COUNT).
pull_under_ping()
{
    fastping_start "$1" "$2" "$3" "$4"
    sleep 1
    kill -0 "$PING_PID" 2>/dev/null || fail "the ping ended before the \
pull: $(cat "$VST_TMP/$4.ping")"
    cable "$5" down
    wait_member "$5" down 5
    fastping_wait "$PING_PID"
}

# fastping_wait PID: waits for a fast ping to end (it is bounded).
fastping_wait()
{
    wait "$1" 2>/dev/null
    return 0
}

# outage NAME COUNT: reads $VST_TMP/NAME.ping (from fastping_start) and
# prints "SENT RECEIVED LOST LONGEST-RUN OUTAGE-US MAX-GAP-US":
#   LOST        COUNT minus the distinct sequence numbers answered;
#   LONGEST-RUN the longest run of consecutive unanswered sequence
#               numbers (within 1..COUNT);
#   OUTAGE-US   the longest time a run of unanswered requests lasted:
#               from the reply to the request before it to the reply to
#               the request after it (to the end of the ping if none
#               came after); 0 without loss;
#   MAX-GAP-US  the longest time between two consecutive replies, lost
#               requests or not (what an application saw).
outage()
{
    "$VST_PY" - "$VST_TMP/$1.ping" "$2" <<'PY'
import re, sys
path, count = sys.argv[1], int(sys.argv[2])
text = open(path).read()
times = {}
for t, s in re.findall(r"^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)",
                       text, re.M):
    times.setdefault(int(s), float(t))
m = re.search(r"(\d+) packets transmitted.*time (\d+)ms", text)
sent = int(m.group(1)) if m else 0
first = min(times.values()) if times else 0.0
end = first + int(m.group(2)) / 1000.0 if m else max(times.values(),
                                                        default=0.0)
got = [s for s in sorted(times) if 1 <= s <= count]
lost = count - len(got)
longest, outage, run, start = 0, 0.0, 0, 0
for s in range(1, count + 2):
    if s <= count and s not in times:
        if not run:
            start = s
        run += 1
        continue
    if run:
        before = times.get(start - 1, first)
        after = times.get(s, end) if s <= count else end
        longest = max(longest, run)
        outage = max(outage, after - before)
        run = 0
order = sorted(times.values())
gap = max((b - a for a, b in zip(order, order[1:])), default=0.0)
print(sent, len(got), lost, longest, int(outage * 1e6), int(gap * 1e6))
PY
}

# us_to_ms US: microseconds as milliseconds with one decimal.
us_to_ms()
{
    printf '%d.%d' "$(($1 / 1000))" "$((($1 % 1000) / 100))"
}

# BCAST_FILTER: a pcap filter for the broadcasts of send_bcast (ARP
# requests for 198.18.1.250, broadcast), not the hosts' own ARP.
# shellcheck disable=SC2034 # read by the tests
BCAST_FILTER='ether broadcast and arp and arp[24:4] = 0xc61201fa'

# send_bcast HOST MAC IP COUNT: HOST sends COUNT broadcast ARP requests
# (from MAC and IP, for 198.18.1.250, an address nobody has, so nothing
# answers) on its device, 10 ms apart (scapy).
send_bcast()
{
    in_ns "$1" timeout 20 "$VST_PY" - "$(dev_of "$1")" "$2" "$3" "$4" \
        <<'PY' || fail "scapy could not send the broadcasts from $1"
import sys
from scapy.all import ARP, Ether, sendp
iface, mac, ip, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
frame = (Ether(src=mac, dst="ff:ff:ff:ff:ff:ff")
         / ARP(op=1, hwsrc=mac, psrc=ip, pdst="198.18.1.250"))
sendp(frame, iface=iface, count=count, inter=0.01, verbose=False)
PY
}

# unanswered NAME COUNT: the sequence numbers (1..COUNT) of a fast ping
# that got no answer, on one line (the first 400 characters).
unanswered()
{
    "$VST_PY" - "$VST_TMP/$1.ping" "$2" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
seqs = set(int(s) for s in re.findall(r"bytes from .*icmp_seq=(\d+)", text))
lost = [str(i) for i in range(1, int(sys.argv[2]) + 1) if i not in seqs]
print(" ".join(lost)[:400])
PY
}

# ---------------------------------------------------------------------------
# The world of the ARP probe tests (probe_world HOST...):
#
#   vm1 -- [switch] --ua-- access switch A (bridge PREFIX+ba) --+
#                  \--ub-- access switch B (bridge PREFIX+bb) --+-- core
#
# vm1 is 198.18.0.1/24; the core is kernel bridge PREFIX+cbr in namespace
# PREFIX-core; each HOST named (rh, evil...) hangs off the core by device
# PREFIX+gHOST (its core-side port PREFIX+kHOST), up, without an address.
# Cutting access switch A from the core: "ip -n $(ns core) link set
# $(dev ka) down".  The daemon is not started.
probe_world()
{
    local x d h
    sw_ns
    vm_add vm1 198.18.0.1/24
    ns_add core
    ip -n "$(ns core)" link add "$(dev cbr)" type bridge
    ip -n "$(ns core)" link set "$(dev cbr)" type bridge stp_state 0 \
        forward_delay 0
    ip -n "$(ns core)" link set "$(dev cbr)" up
    for x in a b; do
        ns_add "s$x"
        ip -n "$(ns "s$x")" link add "$(dev "b$x")" type bridge
        ip -n "$(ns "s$x")" link set "$(dev "b$x")" type bridge stp_state 0 \
            forward_delay 0
        ip -n "$(ns "s$x")" link set "$(dev "b$x")" up
        veth_add sw "$(dev "u$x")" "s$x" "$(dev "d$x")"
        veth_add "s$x" "$(dev "c$x")" core "$(dev "k$x")"
        for d in "d$x" "c$x"; do
            ip -n "$(ns "s$x")" link set "$(dev "$d")" master "$(dev "b$x")" up
        done
        ip -n "$(ns core)" link set "$(dev "k$x")" master "$(dev cbr)" up
    done
    for h in "$@"; do
        ns_add "$h"
        veth_add "$h" "$(dev "g$h")" core "$(dev "k$h")"
        ip -n "$(ns core)" link set "$(dev "k$h")" master "$(dev cbr)" up
        ip -n "$(ns "$h")" link set "$(dev "g$h")" up
    done
}
