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

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm5 198.18.0.5/24
vm_add vm6 198.18.0.6/24
phys_add
uplink_add up
sw_start
ctl_ok add-br br0
ctl_ok add-port br0 "$(dev up)"
wait_port "$(dev up)" up
attach br0 vm1
attach br0 vm2
attach br0 vm5 trunks=10
attach br0 vm6 vlan=10

SERVER=(dhcp-offer dhcp-ack dhcp6-advertise dhcp6-reply)
CLIENT=(dhcp-discover dhcp6-solicit)
COUNT=5

# kind_filter KIND: a tcpdump filter for KIND's frames (by their source
# address; "vlan and" also matches them tagged, on the uplink's peer).
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

# phase NAME SERVER-VM CLIENT-VM GUARD [--vlan N]: the server VM sends
# COUNT of each kind; checks what reached the client VM and the uplink.
phase()
{
    local name=$1 srv=$2 cli=$3 guard=$4 k want c1 cu d0 d1 args=()
    shift 4
    for k in "${SERVER[@]}" "${CLIENT[@]}"; do
        args+=(--kind "$k")
    done
    ctl_ok set-port "$(port_of "$srv")" dhcp-guard="$guard"
    d0=$(drops "$(port_of "$srv")" "$DROP_DHCP_GUARD")
    capture_start "$cli" "$(dev_of "$cli")" "$name-cli" "udp or (vlan and udp)"
    c1=$CAP_PID
    capture_start phys "$(dev pup)" "$name-up" "udp or (vlan and udp)"
    cu=$CAP_PID
    policy_frames "$srv" "${args[@]}" --count $COUNT "$@"
    capture_stop "$c1"
    stop_pid "$cu"
    d1=$(drops "$(port_of "$srv")" "$DROP_DHCP_GUARD")
    for k in "${SERVER[@]}"; do
        want=$COUNT
        [[ $guard == yes ]] && want=0
        assert_eq $want "$(frame_count "$name-cli" "$(kind_filter "$k")")" \
            "$name: $k from $srv at $cli (dhcp-guard=$guard)"
        assert_eq $want "$(frame_count "$name-up" "$(kind_filter "$k")")" \
            "$name: $k from $srv at the uplink's peer (dhcp-guard=$guard)"
    done
    for k in "${CLIENT[@]}"; do
        assert_eq $COUNT "$(frame_count "$name-cli" "$(kind_filter "$k")")" \
            "$name: $k from $srv at $cli (dhcp-guard=$guard)"
    done
    want=0
    [[ $guard == yes ]] && want=$((COUNT * ${#SERVER[@]}))
    assert_eq $want "$((d1 - d0))" "$name: $srv drops.$DROP_DHCP_GUARD"
}

phase untagged-off vm1 vm2 no
phase untagged-on vm1 vm2 yes
phase tagged-off vm5 vm6 no --vlan 10
phase tagged-on vm5 vm6 yes --vlan 10
log "PASS"
