#!/usr/bin/env bash
# test-link-local: link-local control frames (01:80:C2:00:00:00-0F: STP,
# pause, LACP, 802.1X, LLDP...) are never forwarded, and frames with a
# multicast or all-zero source address are dropped; both are counted
# (issue: hardening, hole 3).
#
#   vm1 (attacker) --+
#                    +-- switch -- uplink == phys bridge -- rh1
#   vm2 -------------+
#
# vm1 sends each kind of link-local frame and frames with bad sources; none
# reaches vm2 or the uplink's peer (tcpdump there), vm1's drops.link-local
# and drops.bad-src count them.  A BPDU from the physical network does not
# reach the VMs either.  Ordinary broadcasts still pass both ways.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
phys_add
uplink_add up
rhost_add rh1
sw_start
ctl_ok add-br br0
attach br0 vm1
attach br0 vm2
ctl_ok add-port br0 "$(dev up)"
wait_port "$(dev up)" up

M1=$(vm_mac vm1)
MR=02:00:00:00:01:01
# Destinations 01:80:c2:00:00:00-0f.
LL="ether[0:4] == 0x0180c200 and ether[4:2] & 0xfff0 == 0"

capture_start phys "$(dev pup)" up
capture_start vm2 "$(dev_of vm2)" vm2
capture_start vm1 "$(dev_of vm1)" vm1

ll0=$(stat_of "$(port_of vm1)" drops.link-local)
bs0=$(stat_of "$(port_of vm1)" drops.bad-src)
# STP configuration BPDU (802.3 length, LLC 42 42 03), pause, LACPDU,
# 802.1X EAPOL-Start, LLDP, and the top of the range.
send_frames vm1 --pace 0.002 --dst 01:80:c2:00:00:00 --src "$M1" --type 0x0026 \
    --payload 424203000000000080000200000000010000000080000200000000010080010000140002000f00 --count 5
send_frames vm1 --pace 0.002 --dst 01:80:c2:00:00:01 --src "$M1" --type 0x8808 \
    --payload 0001ffff --count 5
send_frames vm1 --pace 0.002 --dst 01:80:c2:00:00:02 --src "$M1" --type 0x8809 \
    --payload 0101 --count 5
send_frames vm1 --pace 0.002 --dst 01:80:c2:00:00:03 --src "$M1" --type 0x888e \
    --payload 01010000 --count 5
send_frames vm1 --pace 0.002 --dst 01:80:c2:00:00:0e --src "$M1" --type 0x88cc --count 5
send_frames vm1 --pace 0.002 --dst 01:80:c2:00:00:0f --src "$M1" --type 0x88b5 --count 5
# Tagged link-local frames are link-local too.
send_frames vm1 --pace 0.002 --dst 01:80:c2:00:00:00 --src "$M1" --tag 0x8100:0 \
    --type 0x0026 --payload 424203 --count 5
# Bad sources: multicast, broadcast, all zeros.
send_frames vm1 --pace 0.002 --dst ff:ff:ff:ff:ff:ff --src 03:00:00:00:00:01 --count 5
send_frames vm1 --pace 0.002 --dst ff:ff:ff:ff:ff:ff --src ff:ff:ff:ff:ff:ff --count 5
send_frames vm1 --pace 0.002 --dst ff:ff:ff:ff:ff:ff --src 00:00:00:00:00:00 --count 5
# A BPDU from the physical network.
send_frames rh1 --pace 0.002 --dst 01:80:c2:00:00:00 --src $MR --type 0x0026 \
    --payload 424203 --count 5
# Ordinary broadcasts, both ways (01:80:c2:00:00:10 is not link-local).
send_frames vm1 --pace 0.002 --dst ff:ff:ff:ff:ff:ff --src "$M1" --count 3
send_frames vm1 --pace 0.002 --dst 01:80:c2:00:00:10 --src "$M1" --count 3
send_frames rh1 --pace 0.002 --dst ff:ff:ff:ff:ff:ff --src $MR --count 3

capture_stop "$CAP_PID"
sleep 0.3
for p in "${VST_PIDS[@]}"; do stop_pid "$p"; done

assert_eq 0 "$(frame_count up "$LL and ether src $M1")" \
    "link-local frames from vm1 on the uplink's peer"
assert_eq 0 "$(frame_count vm2 "$LL")" \
    "link-local frames at vm2 (from vm1 or upstream)"
assert_eq 0 "$(frame_count vm1 "$LL and ether src $MR")" \
    "the upstream BPDU at vm1"
assert_eq 0 "$(frame_count up "ether src 03:00:00:00:00:01 or ether src ff:ff:ff:ff:ff:ff or ether src 00:00:00:00:00:00")" \
    "frames with a bad source on the uplink's peer"
assert_eq 0 "$(frame_count vm2 "ether src 03:00:00:00:00:01 or ether src ff:ff:ff:ff:ff:ff or ether src 00:00:00:00:00:00")" \
    "frames with a bad source at vm2"
assert_eq 6 "$(frame_count up "ether src $M1")" \
    "ordinary broadcasts from vm1 on the uplink's peer"
assert_eq 6 "$(frame_count vm2 "ether src $M1")" "ordinary broadcasts at vm2"
assert_eq 3 "$(frame_count vm2 "ether src $MR")" "broadcasts from upstream at vm2"

ll1=$(stat_of "$(port_of vm1)" drops.link-local)
bs1=$(stat_of "$(port_of vm1)" drops.bad-src)
assert_eq 35 "$((ll1 - ll0))" "vm1 drops.link-local"
assert_eq 15 "$((bs1 - bs0))" "vm1 drops.bad-src"
assert_cmp "$(stat_of "$(dev up)" drops.link-local)" -ge 5 \
    "uplink drops.link-local (the upstream BPDU)"
log "PASS"
