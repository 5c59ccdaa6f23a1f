#!/usr/bin/env bash
# test-team-arp-lie: the switch does not repeat a VM's lies (issue 7, hole
# 7).  vm1 sends one ARP claiming rh1's address (198.18.0.101) with its own
# MAC, as a VM trying to become the gateway would.  When vm1's port then
# moves to another member, the switch announces vm1's MAC with a RARP,
# which claims no address: it never sends "198.18.0.101 is-at vm1's MAC"
# (nor any ARP with vm1's MAC).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init
require_scapy

team_world 1 2 -- policy=src-port failback=no rebalance=0
VM_PORT=$(port_of vm1)
VM_MAC=$(vm_mac vm1)
# Permanent neighbours: vm1 sends no ARP of its own after the lie.
vm_neigh vm1 "$(rh_ip 1)" "$(rh_mac 1)"
vm_neigh rh1 198.18.0.1 "$VM_MAC"
OLD=$(carrier_of "$VM_PORT")
[[ -n $OLD ]] || tfail "no member carries $VM_PORT"
NEW=$(member u1)
[[ $OLD == "$NEW" ]] && NEW=$(member u2)

log "vm1 claims rh1's address $(rh_ip 1)"
send_bcast vm1 "$VM_MAC" "$(rh_ip 1)" 1
in_ns vm1 timeout 20 "$VST_PY" - "$(dev_of vm1)" "$VM_MAC" "$(rh_ip 1)" <<'PY' \
    || fail "scapy could not send the gratuitous ARP"
import sys
from scapy.all import ARP, Ether, sendp
iface, mac, ip = sys.argv[1:4]
sendp(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff")
      / ARP(op=1, hwsrc=mac, psrc=ip, pdst=ip), iface=iface, count=1,
      verbose=False)
PY
sleep 0.5

tcap_start phys "$(phys_peer "$NEW")" ann in "rarp or arp"
cable "$OLD" down
wait_member "$OLD" down 5
wait_carrier "$VM_PORT" "$NEW" 5
# The capture hands frames over in blocks, up to a second late: wait
# before stopping it.
sleep 1.5
capture_stop "$CAP_PID"
log "announcements captured on $(phys_peer "$NEW"):"
capture_read ann | head -n 8 | sed 's/^/    /'

assert_eq 0 "$(capture_count ann "arp and ether src $VM_MAC")" \
    "ARP frames with vm1's MAC sent by the switch after the move"
assert_eq 0 "$(capture_read ann "arp" | grep -c "tell $(rh_ip 1)")" \
    "ARP frames claiming $(rh_ip 1) sent by the switch after the move"
assert_cmp "$(capture_count ann "rarp and ether src $VM_MAC")" -ge 1 \
    "RARP announcements of vm1 after the move"
exit 0
