#!/usr/bin/env bash
# test-team-migration: a VM that moved to another host announces itself
# from upstream, and the switch relearns it on the team; a VM's frame that
# merely comes back from upstream does not move it.
#   - rh1 sends, with vm2's MAC, broadcast ARP requests that are not
#     gratuitous (like a reflection of vm2's own broadcast): dropped as
#     reflections, vm2's MAC stays on vm2's port;
#   - rh1 then sends a gratuitous ARP for 198.18.0.2 with vm2's MAC (what
#     a hypervisor sends after a live migration): vm2's MAC is now learned
#     on the team, and vm1's frames to vm2 go upstream.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

team_world 2 2 -- policy=src-port rebalance=0
VM2_MAC=$(vm_mac vm2)
# rh1's frames with vm2's address are refused and logged.
expect_log "\\|warn\\|datapath\\|team $TEAM sent from $VM2_MAC .*: not moved"

fdb_port_of()
{
    fdb_json "$TEAM_BR" "next((e['port'] for e in d['entries'] \
if e['mac'] == '$1'), '')"
}

assert_eq "$(port_of vm2)" "$(fdb_port_of "$VM2_MAC")" "vm2's MAC before"
refl0=$(stat_of "$TEAM" drops.src-conflict)
ping_reaches vm2 "$(rh_ip 1)" || fail "vm2 does not reach rh1"
send_bcast rh1 "$VM2_MAC" 198.18.0.2 5
sleep 0.5
assert_eq "$(port_of vm2)" "$(fdb_port_of "$VM2_MAC")" \
    "vm2's MAC after reflected (non-gratuitous) ARPs"
assert_cmp "$(stat_of "$TEAM" drops.src-conflict)" -ge $((refl0 + 5)) \
    "conflicting frames counted on $TEAM"

in_ns rh1 timeout 20 "$VST_PY" - "$(dev_of rh1)" "$VM2_MAC" <<'PY' \
    || fail "scapy could not send the gratuitous ARP"
import sys
from scapy.all import ARP, Ether, sendp
iface, mac = sys.argv[1], sys.argv[2]
sendp(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff")
      / ARP(op=1, hwsrc=mac, psrc="198.18.0.2", pdst="198.18.0.2"),
      iface=iface, count=1, verbose=False)
PY
is_on_team() { [[ $(fdb_port_of "$VM2_MAC") == "$TEAM" ]]; }
wait_for 5 is_on_team \
    || fail "vm2's MAC is on '$(fdb_port_of "$VM2_MAC")' after its gratuitous ARP from upstream, expected $TEAM"
log "ok: vm2's MAC relearned on $TEAM after its gratuitous ARP from upstream"
ctl team/events "$TEAM" >/dev/null
grep -q "announced itself from upstream" "$VST_LOG" \
    || fail "the log does not say that vm2 moved"
exit 0
