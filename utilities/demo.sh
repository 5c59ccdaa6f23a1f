#!/usr/bin/env bash
# demo.sh: vswitch in two minutes, in a sandbox, on any Debian 12 machine.
#
# Run as root from the source tree:   sudo utilities/demo.sh
#
# It installs and builds what is missing (tests/setup.sh), then builds a
# small world out of network namespaces, all named with a prefix unique to
# this run, so nothing of the machine's own network is touched:
#
#     vm1 (VLAN 10) --+
#     vm2 (VLAN 10) --+-- vswitchd --trunk 10,20-- physical network -- host10
#     vm3 (VLAN 20) --+                            (a kernel bridge)   (VLAN 10)
#
# and shows that vm1 reaches vm2 and host10 (through the trunk, tagged
# VLAN 10) but not vm3, which is in VLAN 20.  Everything it made is removed
# at the end, also when interrupted.  Exit status 0 only if every expected
# reachability held.

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
explain "Namespace $(ns phys) is the physical network, a kernel bridge." \
    "Behind it, host10 is a host on VLAN 10: it answers only frames" \
    "tagged 10 (this kernel has no VLAN devices, so a small scapy script" \
    "plays it)."
phys_add
uplink_add trunk
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
run add-port br0 "$(dev trunk)" trunks=10,20
explain "vm1 and vm2 are access ports of VLAN 10, vm3 of VLAN 20; the" \
    "uplink to the physical network is a trunk carrying VLANs 10 and 20," \
    "tagged."
for p in "$(port_of vm1)" "$(port_of vm2)" "$(port_of vm3)" "$(dev trunk)"; do
    wait_port "$p" up
done

say "Traffic from vm1 (198.18.0.1, VLAN 10)"
capture_start phys "$(dev ptrunk)" trunk "icmp or arp"
expect_ping vm1 198.18.0.2 "vm1 -> vm2 (same VLAN, 10)" yes
expect_ping vm1 198.18.0.10 "vm1 -> host10 (VLAN 10, behind the trunk)" yes
expect_ping vm1 198.18.0.3 "vm1 -> vm3 (other VLAN, 20)" no
capture_stop "$CAP_PID"
explain "On the wire between the switch and the physical network, vm1's" \
    "frames carry the 802.1Q tag of VLAN 10 (tcpdump -e):"
capture_read trunk | grep 'ICMP echo request' | head -n 2 \
    | cut -c 17- | sed 's/^/     /'

say "What the switch shows: vswitch-ctl show"
ctl show | sed 's/^/   /'

say "What it learned: vswitch-ctl fdb/show br0"
ctl fdb/show br0 | sed 's/^/   /'
explain "vm1, vm2 and host10 were learned in VLAN 10.  vm3 is not there:" \
    "vm1's ARP requests for 198.18.0.3 were flooded in VLAN 10 only, so vm3" \
    "never heard them and never answered."

say "Cleaning up: stopping vswitchd, removing the namespaces of $P"
if ((problems == 0)); then
    printf '\nDemo done: every expected reachability held.\n'
    exit 0
fi
printf '\nDemo done: %d expectation(s) did not hold.\n' "$problems"
exit 1
