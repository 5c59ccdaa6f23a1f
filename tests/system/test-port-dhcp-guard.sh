#!/usr/bin/env bash
# test-port-dhcp-guard: a rogue DHCP server in a VM reaches nobody once its
# port has dhcp-guard=yes (issue 9, DHCPv4 and DHCPv6 server messages,
# untagged and through a trunk).
#
#   vm1 (rogue server, access) --+
#   vm2 (client, access) --------+-- switch -- uplink == phys
#   vm5 (rogue server, trunk 10) +
#   vm6 (client, access 10) -----+
#
# vm1 sends (scapy) DHCPv4 offers and acks (UDP 67 -> 68), DHCPv6
# Advertise and Reply (UDP 547 -> 546), and client messages (DHCPDISCOVER,
# DHCPv6 Solicit).  Without the guard all reach vm2 and the uplink's
# peer; with dhcp-guard=yes (set-port) no server message does, client
# messages still do, and vm1's drops.dhcp-guard counts the server
# messages.  The same from vm5, whose frames carry an 802.1Q tag (VLAN
# 10), to vm6.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init
require_scapy

guard_world

GUARD_BLOCKED=(dhcp-offer dhcp-ack dhcp6-advertise dhcp6-reply)
GUARD_PASSED=(dhcp-discover dhcp6-solicit)
GUARD_COUNT=5

guard_phase untagged-off vm1 vm2 dhcp-guard=no "$DROP_DHCP_GUARD"
guard_phase untagged-on vm1 vm2 dhcp-guard=yes "$DROP_DHCP_GUARD"
guard_phase tagged-off vm5 vm6 dhcp-guard=no "$DROP_DHCP_GUARD" --vlan 10
guard_phase tagged-on vm5 vm6 dhcp-guard=yes "$DROP_DHCP_GUARD" --vlan 10
log "PASS"
