#!/usr/bin/env bash
# test-vlan-hop: a frame never changes VLAN inside a bridge, whatever stack
# of tags it carries (issue: hardening, hole 1).
#
#   vm1 (access 10, attacker) --+
#                               +-- switch == trunk (trunks=20, native=10)
#   vm2 (access 20, victim)  ---+            == phys bridge (capture)
#
# 1. vm1 sends frames with a priority tag (802.1Q or 802.1ad, VID 0) in
#    front of an 802.1Q tag for VLAN 20.  Taken as "untagged" they would
#    be switched in VLAN 10 and leave the trunk untagged (its native VLAN),
#    putting the inner tag, VLAN 20, on the wire.  None may leave the trunk
#    or reach vm2; each is counted in vm1's drops.vlan.
# 2. From the trunk side, frames tagged VLAN 10 (the native VLAN) with an
#    inner tag for VLAN 20: they may be switched in VLAN 10, but leaving
#    vm1's access port untagged would hand vm1 a frame of VLAN 20.  None
#    may reach vm1; drops.vlan of the trunk counts them.
# 3. Plain traffic still flows: a normal frame of vm1 leaves the trunk
#    untagged, and one tagged VLAN 20 from the trunk reaches vm2.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
phys_add
uplink_add trunk
rhost_add rh1
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm2 vlan=20
ctl_ok add-port br0 "$(dev trunk)" trunks=20 native=10
wait_port "$(dev trunk)" up

BCAST=ff:ff:ff:ff:ff:ff
M1=$(vm_mac vm1)
MR=02:00:00:00:01:01

capture_start phys "$(dev ptrunk)" trunk
capture_start vm2 "$(dev_of vm2)" vm2
capture_start vm1 "$(dev_of vm1)" vm1

log "1. priority tag + VLAN 20 from an access port"
d0=$(stat_of "$(port_of vm1)" drops.vlan)
send_frames vm1 --pace 0.005 --dst $BCAST --src "$M1" --tag 0x8100:0 --tag 0x8100:20 \
    --type 0x0800 --count 10
send_frames vm1 --pace 0.005 --dst $BCAST --src "$M1" --tag 0x88a8:0 --tag 0x8100:20 \
    --type 0x0800 --count 10

log "2. VLAN 10 (native) + inner VLAN 20 from the trunk"
t0=$(stat_of "$(dev trunk)" drops.vlan)
send_frames rh1 --pace 0.005 --dst $BCAST --src $MR --tag 0x8100:10 --tag 0x8100:20 \
    --type 0x0800 --count 10

log "3. plain frames still pass"
send_frames vm1 --pace 0.005 --dst $BCAST --src "$M1" --type 0x88b5 --count 3
send_frames rh1 --pace 0.005 --dst $BCAST --src $MR --tag 0x8100:20 --type 0x88b5 --count 3


capture_stop "$CAP_PID"
sleep 0.3
for p in "${VST_PIDS[@]}"; do stop_pid "$p"; done

assert_eq 0 "$(frame_count trunk "ether src $M1 and vlan")" \
    "tagged frames from vm1 on the trunk"
assert_eq 3 "$(frame_count trunk "ether src $M1 and ether proto 0x88b5")" \
    "plain frames from vm1 on the trunk, untagged"
assert_eq 0 "$(frame_count vm2 "ether src $M1")" \
    "frames from vm1 (VLAN 10) at vm2 (VLAN 20)"
assert_eq 0 "$(frame_count vm1 "ether src $MR and vlan")" \
    "tagged frames from the trunk at vm1 (access port)"
assert_eq 3 "$(frame_count vm2 "ether src $MR and ether proto 0x88b5")" \
    "plain VLAN 20 frames from the trunk at vm2"
d1=$(stat_of "$(port_of vm1)" drops.vlan)
assert_cmp "$d1" -ge $((d0 + 20)) "vm1 drops.vlan after 20 hop attempts"
d2=$(stat_of "$(dev trunk)" drops.vlan)
assert_cmp "$d2" -ge $((t0 + 10)) "trunk drops.vlan after 10 QinQ frames"
log "PASS"
