#!/usr/bin/env bash
# test-team-failback: where a VM's port ends up when its member comes back,
# and a team with every member down.
#   1. failback=yes: vm1's member loses its cable, vm1's port moves to the
#      other member; the cable comes back: the port returns.
#   2. failback=no (set-team): same cable pull; when the member is back up,
#      vm1's port stays where it went (checked 1.5 s after it is up).
#   3. All members down: vm1 and vm2 (inside the host) still reach each
#      other, the remote host is unreachable (vm1's port counts team-down
#      drops); the member that carried nothing comes back: remote traffic
#      resumes, every port on that member.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

team_world 2 2 -- policy=src-port failback=yes rebalance=0
VM_PORT=$(port_of vm1)
U1=$(member u1)
U2=$(member u2)
M=$(carrier_of "$VM_PORT")
[[ -n $M ]] || tfail "no member carries $VM_PORT"
O=$U1
[[ $O == "$M" ]] && O=$U2
log "vm1's port is on $M"

# 1. failback=yes.
cable "$M" down
wait_member "$M" down 5
wait_carrier "$VM_PORT" "$O" 5
assert_ping vm1 "$(rh_ip 1)"
cable "$M" up
wait_member "$M" up 5
wait_carrier "$VM_PORT" "$M" 5
log "ok: failback=yes: vm1's port went to $O and came back to $M"
assert_ping vm1 "$(rh_ip 1)"

# 2. failback=no.
ctl_ok set-team "$TEAM" failback=no
ctl team/show "$TEAM" | grep -q 'failback no' \
    || tfail "team/show does not say failback no"
cable "$M" down
wait_member "$M" down 5
wait_carrier "$VM_PORT" "$O" 5
cable "$M" up
wait_member "$M" up 5
sleep 1.5
assert_eq "$O" "$(carrier_of "$VM_PORT")" \
    "member carrying vm1's port after $M came back (failback=no)"
assert_ping vm1 "$(rh_ip 1)"

# 3. All members down, then one back.
cable "$U1" down
cable "$U2" down
wait_member "$U1" down 5
wait_member "$U2" down 5
# Drops are counted on the port a frame came in on.
d0=$(stat_of "$VM_PORT" drops.team-down)
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1
assert_no_ping vm1 "$(rh_ip 1)"
d1=$(stat_of "$VM_PORT" drops.team-down)
assert_cmp "$((d1 - d0))" -ge 5 \
    "drops.team-down of vm1's port with every member down"

# The member that comes back is the one that carried nothing (both ports
# are on O since step 2): every port must move to it.
assert_eq "[]" "$(member_field "$M" ports)" "ports carried by $M before"
cable "$M" up
wait_member "$M" up 5
wait_for 5 ping_reaches vm1 "$(rh_ip 1)" \
    || tfail "vm1 does not reach rh1 once $M is back"
assert_ping vm1 "$(rh_ip 1)"
assert_ping vm2 "$(rh_ip 1)"
for vm in vm1 vm2; do
    assert_eq "$M" "$(carrier_of "$(port_of "$vm")")" \
        "member carrying $vm's port with only $M up"
done
assert_eq "$O" "$(team_json "','.join(x['name'] for x in t['members'] \
if x['state'] == 'down')")" "members down"
cable "$O" up
wait_member "$O" up 5
assert_ping vm1 "$(rh_ip 1)"
assert_ping vm2 "$(rh_ip 1)"
exit 0
