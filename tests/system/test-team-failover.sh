#!/usr/bin/env bash
# test-team-failover: a cable pull under traffic.  vm1 pings a remote host
# every millisecond (3000 echo requests) while the physical-network peer of
# the member carrying vm1's port is taken down:
#   - the outage, from the unanswered sequence numbers and the times of
#     the replies around them, stays below MAX_OUTAGE_MS (printed:
#     "outage: ...").  After an unanswered request, ping waits about 10 ms
#     before the next one, so one lost request shows as 10-15 ms;
#   - vm1's port moves to the other member, which announces vm1's MAC
#     with a RARP (ethertype 0x8035), captured on that member's peer, and
#     never with an ARP: the switch claims no address for a station, even
#     one it saw in vm1's own ARP (test-team-arp-lie); vm9, which never
#     sent an ARP and preferred the same member, is announced too;
#   - when the cable is back, failback=yes returns vm1's port to its
#     original member (announcing vm1's MAC there), and vm1 still reaches
#     the remote host.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

COUNT=3000
MAX_OUTAGE_MS=${MAX_OUTAGE_MS:-200}

team_world 2 2 -- policy=src-port failback=yes rebalance=0
VM_PORT=$(port_of vm1)
VM_MAC=$(vm_mac vm1)
pull_setup
# vm9 never sends ARP (permanent neighbours on both sides): the switch
# knows its MAC but not its address.  It prefers OLD, so it moves too.
vm_add vm9 198.18.0.9/24
vm_neigh vm9 "$(rh_ip 1)" "$(rh_mac 1)"
vm_neigh rh1 198.18.0.9 "$(vm_mac vm9)"
attach "$TEAM_BR" vm9 uplink="$OLD"
wait_carrier "$(port_of vm9)" "$OLD" 5
assert_ping vm9 "$(rh_ip 1)"
VM9_MAC=$(vm_mac vm9)
ann0=$(team_json "t['announcements']")

# Announcements: RARP, or a gratuitous ARP (a request whose sender and
# target addresses are the same).
ANN="(rarp or (arp and arp[6:2] = 1 and arp[14:4] = arp[24:4]))"
tcap_start phys "$(phys_peer "$NEW")" rarp in "rarp or arp"
fastping_start vm1 "$(rh_ip 1)" "$COUNT" fo
sleep 1
kill -0 "$PING_PID" 2>/dev/null || fail "the ping ended before the pull: \
$(cat "$VST_TMP/fo.ping")"
cable "$OLD" down
wait_member "$OLD" down 5
fastping_wait "$PING_PID"
capture_stop "$CAP_PID"

read -r sent got lost run outage_us gap_us < <(outage fo "$COUNT")
log "outage: $(us_to_ms "$outage_us") ms ($lost of $sent echo requests" \
    "unanswered, longest run $run; longest time between two replies" \
    "$(us_to_ms "$gap_us") ms; last-migration-usec" \
    "$(team_json "t['last-migration-usec']"))"
((lost)) && log "unanswered icmp_seq: $(unanswered fo "$COUNT")"
assert_eq "$COUNT" "$sent" "echo requests sent"
assert_cmp "$outage_us" -lt "$((MAX_OUTAGE_MS * 1000))" "outage in us"
assert_cmp "$got" -gt 0 "echo replies"

wait_carrier "$VM_PORT" "$NEW" 5
assert_eq 1 "$(team_json "t['failovers']")" "failovers"
assert_cmp "$(team_json "t['announcements']")" -gt "$ann0" \
    "team announcements counter"
log "announcements captured on $(phys_peer "$NEW"):"
capture_read rarp "$ANN" | head -n 8 | sed 's/^/    /'
rarps=$(capture_read rarp "rarp and ether src $VM_MAC" | grep -c \
    "ethertype Reverse ARP (0x8035)")
assert_cmp "$rarps" -ge 1 "RARP announcements of vm1 ($VM_MAC) on $NEW's peer"
assert_eq 0 "$(capture_count rarp "arp and ether src $VM_MAC \
and arp[6:2] = 1 and arp[14:4] = arp[24:4]")" \
    "gratuitous ARPs for vm1 sent by the switch"
rarps=$(capture_read rarp "rarp and ether src $VM9_MAC" | grep -c \
    "ethertype Reverse ARP (0x8035)")
assert_cmp "$rarps" -ge 1 "RARP announcements of vm9 ($VM9_MAC)"
assert_eq 0 "$(capture_count rarp "$ANN and not ether src $VM_MAC \
and not ether src $VM9_MAC")" \
    "announcements for other MACs (only vm1 and vm9 moved)"
assert_ping vm1 "$(rh_ip 1)"

# The cable comes back: failback=yes returns vm1's port to its member,
# which announces it there.  OLD's peer cannot be captured on while it is
# down, and the switch's own sends are not seen by a capture on its side
# (qdisc bypass), so the proof is on NEW's peer: the announcements reach
# it from the kernel bridge (direction out: they came in on another bridge
# port, and no other host sends RARP) and none leaves the switch there
# (direction in).
tcap_start phys "$(phys_peer "$NEW")" fb-out out "rarp or arp"
OUT_PID=$CAP_PID
tcap_start phys "$(phys_peer "$NEW")" fb-in in "rarp or arp"
cable "$OLD" up
wait_member "$OLD" up 5
wait_carrier "$VM_PORT" "$OLD" 5
log "vm1's port is back on $OLD"
sleep 0.5
capture_stop "$CAP_PID"
capture_stop "$OUT_PID"
assert_cmp "$(capture_count fb-out "$ANN and ether src $VM_MAC")" -ge 1 \
    "announcements of $VM_MAC flooded to $NEW after the failback"
assert_eq 0 "$(capture_count fb-in "$ANN and ether src $VM_MAC")" \
    "announcements of $VM_MAC sent on $NEW after the failback"
assert_ping vm1 "$(rh_ip 1)"
assert_ping vm2 "$(rh_ip 1)"
exit 0
