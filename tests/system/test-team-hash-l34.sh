#!/usr/bin/env bash
# test-team-hash-l34: team bond0 of two uplinks, policy hash on L3+L4
# fields, switch-independent (the physical network is a kernel bridge, not
# an aggregating switch).  One VM sends 64 UDP flows (different ports) to
# a remote host: both members carry a substantial share (each at least a
# quarter), and each member's tx-packets grew by what team/hash predicts
# for the flows it should carry (so the spreading is the team's own hash,
# not chance).  Every datagram entered the switch (vm1 port's rx).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

FLOWS=64
COUNT=40        # Datagrams per flow.
SPORT=20000
DPORT=30000

team_world 1 2 -- policy=hash hash-fields=l34 mode=switch-independent \
    rebalance=0
U1=$(member u1)
U2=$(member u2)
assert_eq "hash l34 switch-independent" "$(team_json "' '.join((t['policy'],
    t['hash-fields'], t['mode']))")" "policy, fields and mode"
assert_eq 256 "$(team_json "m['$U1']['buckets'] + m['$U2']['buckets']")" \
    "buckets of the two members"
# No further ARP during the run.
vm_neigh vm1 "$(rh_ip 1)" "$(rh_mac 1)"

# What the team's hash says for each flow.
declare -A expect=([$U1]=0 [$U2]=0)
for ((i = 0; i < FLOWS; i++)); do
    who=$(ctl --json team/hash "$TEAM" "$(vm_mac vm1)" dst-mac="$(rh_mac 1)" \
        src-ip=198.18.0.1 dst-ip="$(rh_ip 1)" proto=udp \
        sport=$((SPORT + i)) dport=$((DPORT + i)) | json "d['member']")
    [[ -n ${expect[$who]+x} ]] || tfail "team/hash names '$who' for flow $i"
    expect[$who]=$((expect[$who] + COUNT))
done
log "team/hash: $U1 should carry ${expect[$U1]} datagrams, $U2 ${expect[$U2]}"
TOTAL=$((FLOWS * COUNT))
for u in "$U1" "$U2"; do
    assert_cmp "${expect[$u]}" -ge "$((TOTAL / 4))" \
        "datagrams team/hash assigns to $u (of $TOTAL)"
done

rx0=$(stat_of "$(port_of vm1)" rx-packets)
a0=$(member_tx "$U1")
b0=$(member_tx "$U2")
sent=$(in_ns vm1 timeout 30 "$VST_PY" "$VST_SYSDIR/team-udp-flows.py" \
    --dst "$(rh_ip 1)" --flows "$FLOWS" --count "$COUNT" --sport "$SPORT" \
    --dport "$DPORT" 2>"$VST_TMP/flows.err") \
    || fail "the UDP sender failed: $(cat "$VST_TMP/flows.err")"
assert_eq "$TOTAL" "$sent" "datagrams sent by vm1"
sleep 0.5
rx1=$(stat_of "$(port_of vm1)" rx-packets)
a1=$(member_tx "$U1")
b1=$(member_tx "$U2")
assert_cmp "$((rx1 - rx0))" -ge "$TOTAL" "rx-packets of vm1's port"
log "tx-packets grew by $((a1 - a0)) on $U1, $((b1 - b0)) on $U2"
# Each member sent what the hash assigns it (a few more for ARP at most).
assert_cmp "$((a1 - a0))" -ge "${expect[$U1]}" "tx-packets of $U1"
assert_cmp "$((a1 - a0))" -le "$((expect[$U1] + 5))" "tx-packets of $U1"
assert_cmp "$((b1 - b0))" -ge "${expect[$U2]}" "tx-packets of $U2"
assert_cmp "$((b1 - b0))" -le "$((expect[$U2] + 5))" "tx-packets of $U2"
exit 0
