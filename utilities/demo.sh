#!/usr/bin/env bash
# demo.sh: vswitch's team at work, in a sandbox, on any Debian 12 machine.
#
# Run as root from the source tree:   sudo utilities/demo.sh
#
# It installs and builds what is missing (tests/setup.sh), then builds a
# small world out of network namespaces, all named with a prefix unique to
# this run, so nothing of the machine's own network is touched:
#
#     vm1 (VLAN 10) --+                team bond0           physical network
#     vm2 (VLAN 10) --+-- vswitchd --- uplink u1 ---+--- (a kernel bridge)
#     vm3 (VLAN 20) --+                uplink u2 ---+     host10 (VLAN 10)
#     mgmt (VLAN 10) -+                                   host20 (VLAN 20)
#     (the hypervisor's own port, type=internal)
#
# It gives the hypervisor an address of its own on an internal port
# (VLAN 10) and pings host10 from it; it shows which VM rides which uplink
# (team/show), then streams pings from vm1 to host10 (and from a VM on the
# other uplink), pulls the cable of vm1's uplink, and prints the measured outage, what moved (team/events)
# and the announcements the physical network heard; then it puts the cable
# back and shows the failback.  It draws each uplink's traffic through all
# of it as a PNG timeline (and as text in the terminal) and says where the
# picture is.  Everything it made is removed at the end, also when it is
# interrupted or fails.  Exit status 0 only if every expectation held.

set -u -o pipefail

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
PNG=$SRCDIR/results/demo-failover.png
SETUP=true

usage()
{
    cat <<EOF
usage: $0 [--output=FILE.png] [--no-setup] [--help]

Shows vswitch's team of uplinks at work, in a sandbox of network
namespaces: VMs in two VLANs behind a team of two uplinks, a live stream
through a cable pull and its failback, the measured outage, the team's
events and announcements, and a picture of each uplink's traffic.  Takes
well under a minute; needs root; removes everything it made when it ends.

  --output=FILE.png  where to write the picture
                     (default: results/demo-failover.png in the source tree)
  --no-setup         do not run tests/setup.sh (packages and build)
  --help             this text
EOF
}

for arg in "$@"; do
    case $arg in
    --output=*) PNG=${arg#--output=} ;;
    --no-setup) SETUP=false ;;
    --help|-h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
[[ $PNG == /* ]] || PNG=$(pwd)/$PNG

if [[ $(id -u) -ne 0 ]]; then
    echo "demo: needs root to make network namespaces: sudo $0" >&2
    exit 1
fi

say()
{
    printf '\n== %s\n' "$*"
}

# explain TEXT...: the words, as one paragraph of at most 75 columns.
explain()
{
    printf '%s\n' "$*" | fmt -w 75 | sed 's/^/   /'
}

indent()
{
    sed 's/^/     /'
}

if $SETUP; then
    say "Preparing the machine: packages and build (tests/setup.sh)"
    "$SRCDIR/tests/setup.sh" || exit 1
fi

# The sandbox: the system tests' library makes the namespaces and veths,
# starts the daemon in its own namespace and cleans up on exit.
VST_PREFIX=vd$(printf '%x' $$)
export VST_PREFIX
# shellcheck source-path=SCRIPTDIR source=../tests/system/lib.sh
. "$SRCDIR/tests/system/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../tests/system/team-lib.sh
. "$SRCDIR/tests/system/team-lib.sh"
# The library's progress lines are for tests; failures still print.
log() { :; }
vst_init
require_scapy
"$VST_PY" -c 'import matplotlib' 2>/dev/null \
    || skip "matplotlib not installed (apt-get install python3-matplotlib)"
TIMELINE=$SRCDIR/utilities/demo-timeline.py

# The cleanup says what it removes, then removes it (lib.sh's vst_cleanup,
# on every exit: the end, a failure, Ctrl-C).
# The cleanup runs in a subshell (still the parent of what the demo
# started, by pid: $$ is the same there), so that the last word is the
# demo's own: where the picture is.
DONE=
# shellcheck disable=SC2317 # run by the trap
demo_exit()
{
    local rc=$?
    trap - EXIT
    say "Cleaning up: stopping vswitchd${VST_DAEMON_PID:+ (pid \
$VST_DAEMON_PID)} and every helper by pid, deleting the namespaces $P-*"
    (exit "$rc")
    (vst_cleanup)
    rc=$?
    if ((rc == 0)); then
        explain "Removed: nothing of the demo is left on the machine."
    fi
    [[ -n $DONE ]] && printf '\n%s\n' "$DONE"
    exit "$rc"
}
trap demo_exit EXIT

problems=0

# expect_ping FROM DST WHAT yes|no: one reachability check, explained.
expect_ping()
{
    local from=$1 dst=$2 what=$3 want=$4 n
    n=$(ping_count "$from" "$dst")
    if [[ $want == yes ]]; then
        if ((n > 0)); then
            printf '   OK   %s: %s of 5 pings answered\n' "$what" "$n"
        else
            printf '   FAIL %s: no ping answered, expected answers\n' "$what"
            problems=$((problems + 1))
        fi
    else
        if ((n == 0)); then
            printf '   OK   %s: no ping answered, as it should\n' "$what"
        else
            printf '   FAIL %s: %s of 5 pings answered, expected none\n' \
                "$what" "$n"
            problems=$((problems + 1))
        fi
    fi
}

# expect WHAT CONDITION...: a check of the story, counted if it fails.
expect()
{
    local what=$1
    shift
    if "$@"; then
        return 0
    fi
    printf '   FAIL %s\n' "$what"
    problems=$((problems + 1))
    return 1
}

# name_of DEVICE-OR-MAC: the demo's name for a switch device or a MAC.
name_of()
{
    local x
    for x in u1 u2; do
        if [[ $1 == "$(dev "$x")" || $1 == "$(dev "p$x")" ]]; then
            printf '%s' "$x"
            return
        fi
    done
    for x in vm1 vm2 vm3; do
        if [[ $1 == "$(port_of "$x")" || $1 == "$(vm_mac "$x")" ]]; then
            printf '%s' "$x"
            return
        fi
    done
    printf '%s' "$1"
}

# names TEXT: TEXT with the sandbox's device names and MACs followed by
# the demo's names for them ("vd1234u1" -> "vd1234u1 (u1)").
names()
{
    local s=() x
    for x in u1 u2 vm1 vm2 vm3; do
        s+=(-e "s/\\b$(dev "$x")\\b/& ($x)/g")
    done
    s+=(-e "s/\\b$(dev mgmt)\\b/& (the hypervisor's port)/g")
    for x in u1 u2; do
        s+=(-e "s/\\b$(dev "p$x")\\b/& (far end of $x)/g")
    done
    for x in vm1 vm2 vm3; do
        s+=(-e "s/$(vm_mac "$x")/& ($x)/g")
    done
    sed "${s[@]}"
}

# now: the time, in seconds since the epoch, to the microsecond.
now()
{
    date +%s.%6N
}

# iso EPOCH: that time as team/events prints it.
iso()
{
    date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%6NZ
}

# events_since EPOCH: team/events lines from that time on.
events_since()
{
    ctl team/events "$TEAM" | awk -v t="$(iso "$1")" '$1 >= t' | names
}

# measure EPOCH WHAT: the outage each stream saw since that time.
measure()
{
    local vm lost ms n
    printf '   Measured (ping -i 0.002, replies since %s):\n' "$2"
    for vm in vm1 ${VM_B:+"$VM_B"}; do
        read -r lost ms n < <("$VST_PY" "$TIMELINE" outage \
            --ping "$VST_TMP/$vm.ping" --start "$1")
        printf '     %s -> %s, now on %s: %s unanswered, longest silence %s' \
            "$vm" "${HNAME[${HOST_OF[$vm]}]}" \
            "$(name_of "$(carrier_of "$(port_of "$vm")")")" "$lost" "$ms"
        printf ' ms (%s replies)\n' "$n"
        expect "$vm's stream carried on after $2" test "${n:-0}" -gt 0
    done
    if [[ -n $VM_B ]]; then
        explain "The longest silence is the outage an application saw;" \
            "$VM_B's stream, which did not move, shows the ordinary jitter" \
            "of this sandbox."
    fi
}

# summary_since EPOCH: the first team/events line from that time on that
# says when the datapath used the new map, without its time and details.
summary_since()
{
    events_since "$1" | grep -m1 'new map in use' \
        | sed -e 's/^[^ ]*  //' -e 's/ (published after .*//'
}

# event_time EPOCH PATTERN: the time (epoch) of the first team/events line
# from that time on that matches PATTERN, or EPOCH if none does.
event_time()
{
    local iso
    iso=$(events_since "$1" | grep -m1 -e "$2" | cut -d' ' -f1)
    if [[ -n $iso ]]; then
        date -d "$iso" +%s.%6N
    else
        printf '%s' "$1"
    fi
}

# announcements_since EPOCH WHAT: the announcements the physical network
# heard from that time on (lines "TIME DEVICE VLAN MAC KIND" of $ANN), in
# words, WHAT naming the moment.
announcements_since()
{
    awk -v t="$1" -v what="$2" '$1 >= t {
        printf "+%.1f ms after %s, on %s: %s from %s, VLAN %s\n",
            ($1 - t) * 1000, what, $2, $5, $4, $3 }' "$ANN" | names
}

say "Building the sandbox (every name starts with $P)"
explain "Namespace $(ns sw) is the hypervisor: vswitchd runs there and sees" \
    "only the devices given to it.  Each VM is a namespace with one veth," \
    "whose other end, in the switch's namespace, becomes a switch port."
sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
explain "Namespace $(ns phys) is the physical network, a kernel bridge" \
    "(the upstream switch), reached by two uplinks, u1 = $(dev u1) and" \
    "u2 = $(dev u2), cables from the hypervisor's two NICs.  Behind it," \
    "host10 is a remote host in VLAN 10 (198.18.0.10) and host20 one in" \
    "VLAN 20 (198.18.0.20); they answer only frames tagged with their VLAN" \
    "(a small scapy script plays each)."
phys_add
uplink_add u1
uplink_add u2
rhost_add h10
rhost_add h20
responder_start h10 10 198.18.0.10
responder_start h20 20 198.18.0.20

say "Starting vswitchd and configuring it with vswitch-ctl"
sw_start
printf '   vswitchd runs as pid %s in %s.\n' "$VST_DAEMON_PID" "$(ns sw)"
explain "Its configuration file, control socket and log are in $VST_TMP."
run()
{
    printf '   $ vswitch-ctl %s\n' "$*" | names
    ctl "$@" >/dev/null || fail "vswitch-ctl $* failed"
}
U1=$(member u1)
U2=$(member u2)
run add-br br0
run add-team br0 "$TEAM" "$U1" "$U2" trunks=10,20 policy=src-port \
    failback=yes rebalance=0
run add-port br0 "$(port_of vm1)" vlan=10
run add-port br0 "$(port_of vm2)" vlan=10
run add-port br0 "$(port_of vm3)" vlan=20
explain "vm1 and vm2 are in VLAN 10, vm3 in VLAN 20: all three share one" \
    "subnet, 198.18.0.0/24, only the VLANs keep them apart.  The uplinks" \
    "form team $TEAM, a trunk that carries VLANs 10 and 20 tagged." \
    "Policy src-port: each VM rides one uplink, and when that uplink" \
    "fails only its VMs move; failback=yes: they return when it is back."
for vm in vm1 vm2 vm3; do
    wait_port "$(port_of "$vm")" up
done
wait_member "$U1" up
wait_member "$U2" up

say "Each VM reaches the remote host of its own VLAN, through the team"
expect_ping vm1 198.18.0.10 "vm1 -> host10 (VLAN 10)" yes
expect_ping vm2 198.18.0.10 "vm2 -> host10 (VLAN 10)" yes
expect_ping vm3 198.18.0.20 "vm3 -> host20 (VLAN 20)" yes
expect_ping vm3 198.18.0.10 "vm3 -> host10 (VLAN 10, not vm3's)" no

say "The hypervisor's own port: its address rides the team too"
explain "The host needs addresses of its own (management, migration," \
    "storage) on the same uplinks, with the same failover.  A port of type" \
    "internal is a device the switch creates for the host, kept in its" \
    "configuration and re-created when it starts; here in VLAN 10, where" \
    "the hypervisor takes 198.18.0.100."
HOSTP=$(dev mgmt)
run add-port br0 "$HOSTP" type=internal vlan=10
wait_port "$HOSTP" up
ip -n "$(ns sw)" addr add 198.18.0.100/24 dev "$HOSTP" \
    || fail "cannot put 198.18.0.100 on $HOSTP"
ctl show | grep "port $HOSTP:" | names | indent
expect_ping sw 198.18.0.10 "hypervisor (198.18.0.100) -> host10 (VLAN 10)" yes

say "Which VM rides which uplink: vswitch-ctl team/show $TEAM"
ctl team/show "$TEAM" | names | indent
OLD=$(carrier_of "$(port_of vm1)")
[[ -n $OLD ]] || fail "no uplink carries vm1's port"
NEW=$U1
[[ $OLD == "$U1" ]] && NEW=$U2
for vm in vm1 vm2 vm3; do
    explain "$vm rides $(name_of "$(carrier_of "$(port_of "$vm")")")"
done
# The second stream: a VM on the other uplink, which must lose nothing.
VM_B=
for vm in vm3 vm2; do
    if [[ $(carrier_of "$(port_of "$vm")") == "$NEW" ]]; then
        VM_B=$vm
        break
    fi
done
declare -A HOST_OF=([vm1]=198.18.0.10 [vm2]=198.18.0.10 [vm3]=198.18.0.20)
declare -A HNAME=([198.18.0.10]=host10 [198.18.0.20]=host20)
declare -A HMAC=([198.18.0.10]=h10 [198.18.0.20]=h20)

say "A live stream: vm1 pings host10 every 2 ms (ping -i 0.002)"
explain "vm1 rides $(name_of "$OLD"); in a moment we pull that cable."
if [[ -n $VM_B ]]; then
    explain "$VM_B, on $(name_of "$NEW"), pings" \
        "${HNAME[${HOST_OF[$VM_B]}]} as well: its traffic should not" \
        "notice a thing."
fi
# Permanent neighbour entries: no ARP during the stream, so what the
# stream sees is the switch's doing.
for vm in vm1 ${VM_B:+"$VM_B"}; do
    h=${HOST_OF[$vm]}
    vm_neigh "$vm" "$h" "$(ip -n "$(ns "${HMAC[$h]}")" -br link show \
        "$(dev_of "${HMAC[$h]}")" | awk '{print $3}')"
done
WATCH=$VST_TMP/watch.json
ANN=$VST_TMP/announcements
bg_ns phys "$VST_TMP/watch.log" "$VST_PY" "$TIMELINE" watch \
    --dev "$(phys_peer "$U1")" --dev "$(phys_peer "$U2")" --out "$WATCH" \
    --announcements "$ANN" --ready "$VST_TMP/watch.ready"
WATCH_PID=$BG_PID
wait_for 10 test -e "$VST_TMP/watch.ready" \
    || fail "the watcher did not start: $(cat "$VST_TMP/watch.log")"
bg_ns vm1 "$VST_TMP/vm1.ping" stdbuf -oL ping -n -D -i 0.002 -w 60 198.18.0.10
PING_A=$BG_PID
PING_B=
if [[ -n $VM_B ]]; then
    bg_ns "$VM_B" "$VST_TMP/$VM_B.ping" stdbuf -oL ping -n -D -i 0.002 -w 60 \
        "${HOST_OF[$VM_B]}"
    PING_B=$BG_PID
fi
sleep 1.5

say "Pulling the cable of $(name_of "$OLD") ($OLD)"
explain "The upstream end of the cable goes down: the hypervisor's NIC" \
    "loses carrier, as when someone unplugs it."
T_PULL=$(now)
cable "$OLD" down
wait_member "$OLD" down 5
wait_carrier "$(port_of vm1)" "$NEW" 5
sleep 1
measure "$T_PULL" "the pull"
echo
explain "What the team did (vswitch-ctl team/events $TEAM, since the" \
    "pull): the member's state, each port moved, the announcements, and" \
    "how soon the datapath used the new map:"
events_since "$T_PULL" | indent
FAILOVER=$(summary_since "$T_PULL")
expect "a failover with its time to the new map in team/events" \
    test -n "$FAILOVER"
US=$(printf '%s' "$FAILOVER" \
    | sed -n 's/.*new map in use \([0-9]*\) us.*/\1/p')
explain "The switch's own part of the outage: ${US:-?} microseconds from" \
    "the carrier loss to the datapath sending on the new map."
echo
explain "What the physical network heard on the uplinks (announcements" \
    "from the switch, so that it sends the VMs' traffic to their new" \
    "uplink at once, instead of waiting for them to speak):"
T_DOWN=$(event_time "$T_PULL" 'up -> down')
announcements_since "$T_DOWN" "$(name_of "$OLD") went down" | indent
expect "announcements of vm1 on $(name_of "$NEW")'s port" \
    grep -q " $(phys_peer "$NEW") 10 $(vm_mac vm1) " "$ANN"

say "Putting the cable of $(name_of "$OLD") back"
T_BACK=$(now)
cable "$OLD" up
wait_member "$OLD" up 5
wait_carrier "$(port_of vm1)" "$OLD" 5
sleep 1
explain "The team takes vm1 back to $(name_of "$OLD") (failback=yes)."
measure "$T_BACK" "the cable came back"
echo
explain "What moved back, and when (team/events):"
events_since "$T_BACK" | indent
FAILBACK=$(summary_since "$T_BACK")
expect "a failback with its time to the new map in team/events" \
    test -n "$FAILBACK"
explain "Announcements heard since the cable came back:"
T_UP=$(event_time "$T_BACK" 'down -> up')
announcements_since "$T_UP" "$(name_of "$OLD") came back up" | indent
# shellcheck disable=SC2016 # an awk program
expect "announcements of vm1 on $(name_of "$OLD")'s port after the failback" \
    awk -v t="$T_BACK" -v d="$(phys_peer "$OLD")" -v m="$(vm_mac vm1)" \
    '$1 >= t && $2 == d && $4 == m { f = 1 } END { exit !f }' "$ANN"

ping_stop "$PING_A" "$VST_TMP/vm1.ping" >/dev/null
[[ -n $PING_B ]] && ping_stop "$PING_B" "$VST_TMP/$VM_B.ping" >/dev/null
stop_pid "$WATCH_PID"
[[ -s $WATCH ]] || fail "the watcher wrote no samples: \
$(cat "$VST_TMP/watch.log")"

say "The timeline: frames on each uplink (both directions, per 10 ms)"
mkdir -p "$(dirname "$PNG")" || fail "cannot make $(dirname "$PNG")"
"$VST_PY" "$TIMELINE" report --watch "$WATCH" --announcements "$ANN" \
    --name "u1 ($U1)" --name "u2 ($U2)" --png "$PNG" \
    --title "vswitch team $TEAM: vm1's uplink loses its cable, then gets \
it back" \
    --mark "$T_DOWN|$(name_of "$OLD")'s cable pulled, \
${FAILOVER:-no failover}" \
    --mark "$T_UP|$(name_of "$OLD")'s cable back, ${FAILBACK:-no failback}" \
    || fail "could not draw the timeline"
echo
explain "The same as a picture: $PNG"

if ((problems == 0)); then
    DONE="Demo done: every expectation held.  The picture: $PNG"
    exit 0
fi
DONE="Demo done: $problems expectation(s) did not hold.  The picture: $PNG"
exit 1
