#!/usr/bin/env bash
# test-port-mac-limit: a MAC flood from one port neither fills the table
# nor disturbs the others (issue 9, mac-limit and mac-limit-action).
#
#   vm1 (attacker, mac-limit=100) --+
#   vm2 ----------------------------+-- switch
#   vm3 ----------------------------+
#   vm4 (watches) ------------------+
#
# vm2, vm3 and vm4 are learned first.  vm1 sends 100,000 broadcasts, each
# from a different source address, as fast as a raw socket goes:
#   A. mac-limit-action=drop: vm1's port holds exactly 100 entries in
#      fdb/show, no entry of another port is evicted (vm2-vm4 still there,
#      stats.evicted unchanged), the frames from new sources beyond the
#      limit are dropped (drops.mac-limit; hardly any reaches vm4), and
#      vm2 -> vm3 pings (known unicast) are not seen on vm4.
#   B. set-port mac-limit-action=flood, 100,000 other sources: the same,
#      except that the frames are forwarded (vm4's port sends them), still
#      not learned, and counted (drops.mac-limit-flood, though forwarded).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init

LIMIT=100
N=100000

port_world vm1 vm2 vm3 vm4
attach br0 vm1 mac-limit=$LIMIT mac-limit-action=drop
attach br0 vm2
attach br0 vm3
attach br0 vm4

on_port() { fdb_json br0 "sum(1 for e in d['entries'] if e['port'] == '$1')"; }
mac_port() { fdb_json br0 "next((e['port'] for e in d['entries'] if e['mac'] == '$1'), '')"; }
learned_others()
{
    local vm
    for vm in vm2 vm3 vm4; do
        [[ $(mac_port "$(vm_mac "$vm")") == "$(port_of "$vm")" ]] || return 1
    done
}

# Static neighbours: no ARP during the flood (vm2 <-> vm3).
vm_neigh vm2 198.18.0.3 "$(vm_mac vm3)"
vm_neigh vm3 198.18.0.2 "$(vm_mac vm2)"
assert_ping vm2 198.18.0.3
assert_ping vm4 198.18.0.2
wait_for 5 learned_others || fail "vm2-vm4 not learned: $(ctl fdb/show br0)"

# flood_phase NAME FIRST: the flood, then the checks common to A and B.
flood_phase()
{
    local name=$1 first=$2 ev0 ev1 rx0 rx1 tx0 tx1 d0 d1 o0 o1 cnt
    ev0=$(fdb_json br0 "d['stats']['evicted']")
    rx0=$(stat_of "$(port_of vm1)" rx-packets)
    tx0=$(stat_of "$(port_of vm4)" tx-packets)
    d0=$(drops "$(port_of vm1)" "$DROP_MAC_LIMIT")
    o0=$(drops "$(port_of vm1)" rx-overrun)
    log "$name: vm1 sends $N frames from $N sources: $(mac_flood vm1 \
--first "$first" --count $N)"
    # Keep vm2 and vm3 alive and known while and after the flood.
    assert_ping vm2 198.18.0.3
    # Learning is asynchronous: wait until the count stops moving.
    cnt=$(settled 25 0.4 on_port "$(port_of vm1)")
    ev1=$(fdb_json br0 "d['stats']['evicted']")
    rx1=$(stat_of "$(port_of vm1)" rx-packets)
    tx1=$(stat_of "$(port_of vm4)" tx-packets)
    d1=$(drops "$(port_of vm1)" "$DROP_MAC_LIMIT")
    o1=$(drops "$(port_of vm1)" rx-overrun)
    RX=$((rx1 - rx0))
    TX4=$((tx1 - tx0))
    DROPS=$((d1 - d0))
    log "$name: vm1 rx-packets +$RX, drops.rx-overrun +$((o1 - o0)), vm4 tx-packets +$TX4, vm1 drops.$DROP_MAC_LIMIT +$DROPS, entries on vm1's port $cnt, table $(fdb_json br0 "d['count']"), evicted +$((ev1 - ev0))"
    # The switch may not read all of a flood this fast (the kernel drops
    # what overflows its socket: rx-overrun); what it read must be many
    # times the limit, and the rest accounted for.
    assert_cmp "$RX" -ge $((LIMIT * 100)) "$name: frames of the flood the switch read"
    assert_cmp "$((RX + o1 - o0))" -ge $((N * 99 / 100)) \
        "$name: frames of the flood read or counted as rx-overrun"
    assert_eq $LIMIT "$cnt" "$name: fdb entries on vm1's port"
    assert_eq 0 "$((ev1 - ev0))" "$name: entries evicted (stats.evicted)"
    learned_others || fail "$name: an entry of vm2-vm4 is gone or moved: $(ctl fdb/show br0 | head -n 20)"
    log "ok: $name: vm2, vm3, vm4 still learned on their ports"

    capture_start vm4 "$(dev_of vm4)" "$name-vm4" icmp
    assert_ping vm2 198.18.0.3
    assert_ping vm3 198.18.0.2
    capture_stop "$CAP_PID"
    assert_eq 0 "$(frame_count "$name-vm4")" \
        "$name: vm2 <-> vm3 echo frames seen on vm4 (known unicast)"
}

log "A. mac-limit-action=drop"
flood_phase A 1
# Beyond the limit every frame from a new source is dropped: all but the
# ones learned (and those in flight while the first were learned).
assert_cmp "$DROPS" -ge $((RX * 9 / 10)) "A: drops.$DROP_MAC_LIMIT vs. frames received"
assert_cmp "$TX4" -le $((RX / 10)) "A: flood frames vm4's port sent"

log "B. mac-limit-action=flood"
ctl_ok set-port "$(port_of vm1)" mac-limit-action=flood
f0=$(drops "$(port_of vm1)" "$DROP_MAC_LIMIT_FLOOD")
flood_phase B 200001
f1=$(drops "$(port_of vm1)" "$DROP_MAC_LIMIT_FLOOD")
log "B: vm1 drops.$DROP_MAC_LIMIT_FLOOD +$((f1 - f0))"
assert_cmp "$((f1 - f0))" -ge $((RX * 9 / 10)) "B: drops.$DROP_MAC_LIMIT_FLOOD vs. frames received"
assert_eq 0 "$DROPS" "B: drops.$DROP_MAC_LIMIT (action flood)"
assert_cmp "$TX4" -ge $((RX * 9 / 10)) "B: flood frames vm4's port sent"
log "PASS"
