#!/usr/bin/env bash
# demo.sh: vswitch in two minutes, in a sandbox, on any Debian 12 machine.
#
# Run as root from the source tree:   sudo utilities/demo.sh
#
# It installs and builds what is missing (tests/setup.sh), then builds a
# small world out of network namespaces, all named with a prefix unique to
# this run, so nothing of the machine's own network is touched:
#
#     vm1 (VLAN 10) --+             team bond0 (u1, u2),
#     vm2 (VLAN 10) --+-- vswitchd --trunk 10,20---- physical network -- host10
#     vm3 (VLAN 20) --+      |                      (a kernel bridge) (VLAN 10)
#     the host's port mgmt (VLAN 10, internal)
#
# and shows that vm1 reaches vm2 and host10 (through the team, tagged
# VLAN 10) but not vm3, which is in VLAN 20; then that the host's own
# port (add-port ... type=internal) reaches host10 over the team, also
# after the cable of the uplink carrying it is pulled.  Everything it made
# is removed at the end, also when interrupted.  Exit status 0 only if
# every expected reachability held.

set -u -o pipefail

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)

if [[ $(id -u) -ne 0 ]]; then
    echo "demo: needs root to make network namespaces: sudo $0" >&2
    exit 1
fi

say()
{
    printf '\n== %s\n' "$*"
}

explain()
{
    printf '   %s\n' "$@"
}

say "Preparing the machine: packages and build (tests/setup.sh)"
"$SRCDIR/tests/setup.sh" || exit 1

# The sandbox: the system tests' library makes the namespaces and veths,
# starts the daemon in its own namespace and cleans up on exit.
VST_PREFIX=vd$(printf '%x' $$)
export VST_PREFIX
# shellcheck source-path=SCRIPTDIR source=../tests/system/lib.sh
. "$SRCDIR/tests/system/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../tests/system/team-lib.sh
. "$SRCDIR/tests/system/team-lib.sh"
vst_init >/dev/null
require_scapy

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

say "Building the sandbox (every name starts with $P)"
explain "Namespace $(ns sw) is the hypervisor: vswitchd runs there and sees" \
    "only the devices given to it.  Each VM is a namespace with one veth," \
    "whose other end, in the switch's namespace, becomes a switch port."
sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
explain "The VMs share one IP subnet (198.18.0.0/24): only the VLANs keep" \
    "them apart."
explain "Namespace $(ns phys) is the physical network, a kernel bridge," \
    "reached by two uplinks, $(dev u1) and $(dev u2), the team's members." \
    "Behind it, host10 is a host on VLAN 10: it answers only frames" \
    "tagged 10 (this kernel has no VLAN devices, so a small scapy script" \
    "plays it)."
phys_add
uplink_add u1
uplink_add u2
rhost_add rh10
responder_start rh10 10 198.18.0.10

say "Starting vswitchd"
sw_start
explain "vswitchd runs as pid $VST_DAEMON_PID in $(ns sw), with its" \
    "configuration file, control socket and log in $VST_TMP."
explain "vswitch-ctl talks to it over the socket: vswitch-ctl --socket=$VST_SOCK ..."

say "Configuring the switch with vswitch-ctl"
run()
{
    printf '   $ vswitch-ctl %s\n' "$*"
    ctl "$@" || fail "vswitch-ctl $* failed"
}
run add-br br0
run add-port br0 "$(port_of vm1)" vlan=10
run add-port br0 "$(port_of vm2)" vlan=10
run add-port br0 "$(port_of vm3)" vlan=20
run add-team br0 bond0 "$(dev u1)" "$(dev u2)" trunks=10,20
explain "vm1 and vm2 are access ports of VLAN 10, vm3 of VLAN 20; the" \
    "uplinks to the physical network are team bond0, a trunk carrying" \
    "VLANs 10 and 20, tagged; each VM's traffic uses one member, and moves" \
    "to the other if that one fails."
for p in "$(port_of vm1)" "$(port_of vm2)" "$(port_of vm3)"; do
    wait_port "$p" up
done
wait_member "$(dev u1)" up
wait_member "$(dev u2)" up

say "Traffic from vm1 (198.18.0.1, VLAN 10)"
capture_start phys "$(dev prh10)" trunk "icmp or arp"
expect_ping vm1 198.18.0.2 "vm1 -> vm2 (same VLAN, 10)" yes
expect_ping vm1 198.18.0.10 "vm1 -> host10 (VLAN 10, over the team)" yes
expect_ping vm1 198.18.0.3 "vm1 -> vm3 (other VLAN, 20)" no
capture_stop "$CAP_PID"
explain "On the wire of the physical network, vm1's frames to host10 carry" \
    "the 802.1Q tag of VLAN 10 (tcpdump -e):"
capture_read trunk | grep 'ICMP echo request' | head -n 2 \
    | cut -c 17- | sed 's/^/     /'

say "The host's own port: an internal port in VLAN 10"
MGMT=$(dev mgmt)
run add-port br0 "$MGMT" type=internal vlan=10
wait_port "$MGMT" up
explain "vswitchd created device $MGMT in $(ns sw), the hypervisor's" \
    "namespace (a veth pair: the switch opens the other end).  The host" \
    "puts its management address on it, as on any device:"
printf '   $ ip addr add 198.18.0.100/24 dev %s\n' "$MGMT"
ip -n "$(ns sw)" addr add 198.18.0.100/24 dev "$MGMT" \
    || fail "cannot put 198.18.0.100 on $MGMT"
expect_ping sw 198.18.0.10 \
    "host (198.18.0.100) -> host10 (VLAN 10, over the team)" yes
OLD=$(carrier_of "$MGMT")
explain "The host's port, like a VM's, is carried by one member: ${OLD:-none}."

say "Pulling the cable of ${OLD:-?} while the host pings host10 every ms"
if [[ -n $OLD ]]; then
    ann0=$(team_json "t['announcements']")
    pull_under_ping sw 198.18.0.10 1000 fo "$OLD"
    read -r sent _ lost _ outage_us _ < <(outage fo 1000)
    n_ann=$(($(team_json "t['announcements']") - ann0))
    explain "$lost of $sent echo requests went unanswered (outage:" \
        "$(us_to_ms "$outage_us") ms).  The host's port is now carried by" \
        "$(carrier_of "$MGMT"); the team sent $n_ann announcement(s) of" \
        "the MACs it moved, so that the physical network learned their" \
        "new place at once."
    expect_ping sw 198.18.0.10 "host -> host10 after the failover" yes
    expect_ping vm1 198.18.0.10 "vm1 -> host10 after the failover" yes
    cable "$OLD" up
else
    printf '   FAIL no member carries %s\n' "$MGMT"
    problems=$((problems + 1))
fi
explain "The device stays when vswitchd stops (with the host's address)," \
    "and is deleted by del-port; here the sandbox's removal takes it."

say "What the switch shows: vswitch-ctl show"
ctl show | sed 's/^/   /'

say "What it learned: vswitch-ctl fdb/show br0"
ctl fdb/show br0 | sed 's/^/   /'
explain "vm1, vm2, host10 and the host's port were learned in VLAN 10." \
    "vm3 is not there: vm1's ARP requests for 198.18.0.3 were flooded in" \
    "VLAN 10 only, so vm3 never heard them and never answered."

say "Cleaning up: stopping vswitchd, removing the namespaces of $P"
if ((problems == 0)); then
    printf '\nDemo done: every expected reachability held.\n'
    exit 0
fi
printf '\nDemo done: %d expectation(s) did not hold.\n' "$problems"
exit 1
