#!/usr/bin/env bash
# test-port-ra-guard: router advertisements and redirects from a VM reach
# nobody once its port has ra-guard=yes, also behind IPv6 extension
# headers and through a trunk (issue 9, ra-guard).
#
#   vm1 (rogue router, access) --+
#   vm2 -------------------------+-- switch -- uplink == phys
#   vm5 (rogue router, trunk 10) +
#   vm6 (access 10) -------------+
#
# vm1 sends (scapy) ICMPv6 RAs, redirects, RAs behind a hop-by-hop
# options header, a destination options header and both, and, as
# controls, a neighbour solicitation and an echo request to ff02::1.
# Without the guard all reach vm2 and the uplink's peer; with ra-guard=yes
# (set-port) no RA or redirect does, the controls still do, and vm1's
# drops.ra-guard counts the RAs and redirects.  The same from vm5 with an
# 802.1Q tag (VLAN 10) to vm6.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init
require_scapy

guard_world

GUARD_BLOCKED=(ra redirect ra-hbh ra-dstopt ra-hbh-dstopt)
GUARD_PASSED=(ns echo6)
GUARD_COUNT=5

guard_phase untagged-off vm1 vm2 ra-guard=no "$DROP_RA_GUARD"
guard_phase untagged-on vm1 vm2 ra-guard=yes "$DROP_RA_GUARD"
guard_phase tagged-off vm5 vm6 ra-guard=no "$DROP_RA_GUARD" --vlan 10
guard_phase tagged-on vm5 vm6 ra-guard=yes "$DROP_RA_GUARD" --vlan 10
log "PASS"
