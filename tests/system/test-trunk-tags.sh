#!/usr/bin/env bash
# test-trunk-tags: a trunk carries each VLAN with its own 802.1Q tag, and
# handles untagged frames by its native VLAN.
#
#   vm1 (access 10) --+                      +-- rh10: scapy, VLAN 10 only
#                     +-- switch == trunk == phys bridge -- rh20: scapy, VLAN 20
#   vm3 (access 20) --+   (trunks=10,20)     +-- rh0: plain host, untagged
#
# Phase 1, no native VLAN: vm1 reaches only rh10 and vm3 only rh20; the
# frames on the wire (tcpdump -e on the trunk's peer) carry "vlan 10" and
# "vlan 20"; the untagged host is reached by nobody and its untagged frames
# are dropped by the trunk (drops.vlan).  Phase 2, native=10: VLAN 10 leaves
# untagged, so vm1 reaches rh0 (and no longer the tagged rh10), VLAN 20 is
# still tagged.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init
require_scapy

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm3 198.18.0.3/24
phys_add
uplink_add trunk
rhost_add rh10
rhost_add rh20
rhost_add rh0 198.18.0.100/24
responder_start rh10 10 198.18.0.10
responder_start rh20 20 198.18.0.20
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm3 vlan=20
ctl_ok add-port br0 "$(dev trunk)" trunks=10,20
wait_port "$(dev trunk)" up

log "phase 1: trunks=10,20, no native VLAN"
capture_start phys "$(dev ptrunk)" trunk1
assert_ping vm1 198.18.0.10
assert_ping vm3 198.18.0.20
assert_no_ping vm1 198.18.0.20
assert_no_ping vm3 198.18.0.10
assert_no_ping vm1 198.18.0.100
drops0=$(stat_of "$(dev trunk)" drops.vlan)
assert_no_ping rh0 198.18.0.1
drops1=$(stat_of "$(dev trunk)" drops.vlan)
capture_stop "$CAP_PID"

# Every echo request on the wire, with its tag.
c() { capture_read trunk1 | grep -c -- "$1"; }
assert_eq 5 "$(c 'vlan 10, .* 198.18.0.1 > 198.18.0.10: ICMP echo request')" \
    "echo requests vm1 -> rh10 tagged vlan 10 on the trunk"
assert_eq 5 "$(c 'vlan 10, .* 198.18.0.10 > 198.18.0.1: ICMP echo reply')" \
    "echo replies rh10 -> vm1 tagged vlan 10 on the trunk"
assert_eq 5 "$(c 'vlan 20, .* 198.18.0.3 > 198.18.0.20: ICMP echo request')" \
    "echo requests vm3 -> rh20 tagged vlan 20 on the trunk"
assert_eq 5 "$(c 'vlan 20, .* 198.18.0.20 > 198.18.0.3: ICMP echo reply')" \
    "echo replies rh20 -> vm3 tagged vlan 20 on the trunk"
# Whatever vm1 and vm3 sent left with their VLAN's tag: exactly one tag,
# never another VLAN, never untagged.
tagged()
{
    printf 'ethertype 802[.]1Q [(]0x8100[)], length [0-9]+: vlan %s, p [0-7], ethertype (IPv4|ARP) ' "$1"
}
assert_eq 0 "$(capture_read trunk1 "ether src $(vm_mac vm1)" \
    | grep -vcE "$(tagged 10)")" \
    "frames from vm1 on the trunk not tagged exactly vlan 10"
assert_eq 0 "$(capture_read trunk1 "ether src $(vm_mac vm3)" \
    | grep -vcE "$(tagged 20)")" \
    "frames from vm3 on the trunk not tagged exactly vlan 20"
n1=$(capture_count trunk1 "ether src $(vm_mac vm1)")
assert_cmp "$n1" -ge 5 "frames from vm1 seen on the trunk"
assert_cmp "$drops1" -gt "$drops0" \
    "trunk drops.vlan after untagged frames from rh0 (no native VLAN)"

log "phase 2: native=10"
ctl_ok set-port "$(dev trunk)" native=10
assert_eq "trunk 10,20 10" "$(ctl --json show | json "next(
    '%s %s %d' % (p['mode'], p['trunks'], p['native'])
    for b in d['bridges'] for p in b['ports'] if p['name'] == '$(dev trunk)')")" \
    "trunk's mode, trunks and native in show --json"
capture_start phys "$(dev ptrunk)" trunk2
assert_ping vm1 198.18.0.100
assert_ping rh0 198.18.0.1
assert_no_ping vm1 198.18.0.10
assert_ping vm3 198.18.0.20
assert_no_ping vm3 198.18.0.100
capture_stop "$CAP_PID"
assert_eq 5 "$(capture_read trunk2 | grep -c -- \
    "$(vm_mac vm1) > .*, ethertype IPv4 (0x0800), length [0-9]*: 198.18.0.1 > 198.18.0.100: ICMP echo request")" \
    "untagged echo requests vm1 -> rh0 on the trunk (native VLAN 10)"
assert_eq 0 "$(capture_read trunk2 "ether src $(vm_mac vm1)" | grep -c 'vlan')" \
    "frames from vm1 tagged on the trunk with native=10"
assert_eq 5 "$(capture_read trunk2 | grep -c -- \
    'vlan 20, .* 198.18.0.3 > 198.18.0.20: ICMP echo request')" \
    "echo requests vm3 -> rh20 still tagged vlan 20"
exit 0
