#!/usr/bin/env bash
# test-team-announce-vlan: a team announces only stations of the VLANs it
# carries, and VM ports whose VLAN it cannot carry are given to no member
# (issue 7, hole 2).
#   - team bond0 (src-port) is a trunk of VLAN 10 only; vm1 is in VLAN 10,
#     vm2 in VLAN 20, both preferring member u1;
#   - vm2's port is carried by no member (team/show), vm1's by u1;
#   - u1's cable is pulled: vm1's port moves to u2, which announces vm1's
#     MAC tagged with VLAN 10; nothing at all is announced for vm2's MAC
#     (neither tagged 20, which the trunk does not allow, nor untagged,
#     which would put it in another VLAN);
#   - the same with policy active-backup, which announces every local
#     station when the active member changes: vm2 is not among them.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init
require_scapy

sw_ns
phys_add
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
uplink_add u1
uplink_add u2
U1=$(member u1)
U2=$(member u2)
sw_start
ctl_ok add-br "$TEAM_BR"
ctl_ok add-team "$TEAM_BR" "$TEAM" "$U1" "$U2" policy=src-port \
    rebalance=0 failback=no trunks=10
wait_member "$U1" up
wait_member "$U2" up
attach "$TEAM_BR" vm1 vlan=10 uplink="$U1"
attach "$TEAM_BR" vm2 vlan=20 uplink="$U1"
VM1_MAC=$(vm_mac vm1)
VM2_MAC=$(vm_mac vm2)

# Both VMs talk, so that the switch learns them.
send_bcast vm1 "$VM1_MAC" 198.18.0.1 2
send_bcast vm2 "$VM2_MAC" 198.18.0.2 2
learned() { [[ $(fdb_json "$TEAM_BR" "len([e for e in d['entries'] \
if e['mac'] in ('$VM1_MAC', '$VM2_MAC')])") == 2 ]]; }
wait_for 5 learned || fail "vm1 and vm2 not learned: $(ctl fdb/show "$TEAM_BR")"

wait_carrier "$(port_of vm1)" "$U1" 5
assert_eq "" "$(carrier_of "$(port_of vm2)")" \
    "member carrying vm2's port (VLAN 20, which the team does not carry)"
assert_eq False "$(team_json "any('$(port_of vm2)' in x['ports'] \
for x in t['members'])")" "vm2's port in a member's ports"

tcap_start phys "$(phys_peer "$U2")" ann in ""
cable "$U1" down
wait_member "$U1" down 5
wait_carrier "$(port_of vm1)" "$U2" 5
# The capture hands frames over in blocks, up to a second late: wait
# before stopping it.
sleep 1.5
capture_stop "$CAP_PID"
log "frames from the switch on $(phys_peer "$U2") after the pull:"
capture_read ann | head -n 12 | sed 's/^/    /'

assert_cmp "$(capture_count ann "vlan 10 and rarp and ether src $VM1_MAC")" \
    -ge 1 "announcements of vm1 tagged with VLAN 10"
assert_eq 0 "$(capture_count ann "ether src $VM2_MAC")" \
    "frames with vm2's MAC (VLAN 20) sent on $U2, tagged or not"
assert_eq 0 "$(capture_count ann "rarp or arp")" \
    "untagged announcements (the trunk has no native VLAN)"

# active-backup announces every local station when the active member
# changes: still only those of VLAN 10.
cable "$U1" up
ctl_ok del-team "$TEAM"
ctl_ok add-team "$TEAM_BR" "$TEAM" "$U1" "$U2" policy=active-backup \
    failback=no trunks=10
wait_member "$U1" up
wait_member "$U2" up
active_is() { [[ $(team_json "next((x['name'] for x in t['members'] \
if x['active']), '')") == "$1" ]]; }
wait_for 5 active_is "$U1" || tfail "$U1 is not the active member"
wait_for 5 learned || fail "vm1 and vm2 not learned: $(ctl fdb/show "$TEAM_BR")"
tcap_start phys "$(phys_peer "$U2")" ab in ""
cable "$U1" down
wait_member "$U1" down 5
wait_for 5 active_is "$U2" || tfail "$U2 is not the active member"
sleep 1.5
capture_stop "$CAP_PID"
log "frames from the switch on $(phys_peer "$U2") after the second pull:"
capture_read ab | head -n 12 | sed 's/^/    /'
assert_cmp "$(capture_count ab "vlan 10 and rarp and ether src $VM1_MAC")" \
    -ge 1 "active-backup: announcements of vm1 tagged with VLAN 10"
assert_eq 0 "$(capture_count ab "ether src $VM2_MAC")" \
    "active-backup: frames with vm2's MAC (VLAN 20) sent on $U2"
exit 0
