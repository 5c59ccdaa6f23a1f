#!/usr/bin/env bash
# test-trace: vswitch-ctl trace against a running daemon (issue 12, item
# 2): the real pipeline run on a frame that is not sent.
#
#   vm1 --+
#   vm2 --+-- switch (br0)
#   vm3 --+   (access ports: vm1 and vm2 in VLAN 10, vm3 in VLAN 20)
#
# After a ping has taught the switch vm1 and vm2: a unicast trace from vm1
# to vm2 goes to vm2's port alone; a broadcast trace floods to vm2 and not
# to vm3; a tagged frame on vm1's access port is a "vlan" drop; a source
# vm2's allowed-macs does not allow is a "src-mac" drop; each in text and
# in --json.  Across all the traces no counter of port/stats changes,
# nothing is learned and nothing arrives at the VMs; bad requests are
# refused with a message.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init

port_world vm1 vm2 vm3
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
attach br0 vm3 vlan=20
ctl_ok set-port "$(port_of vm2)" "allowed-macs=$(vm_mac vm2)"

p1=$(port_of vm1)
p2=$(port_of vm2)
m1=$(vm_mac vm1)
m2=$(vm_mac vm2)
assert_ping vm1 198.18.0.2
# No ARP from now on: the counters stay still but for the traces.
vm_neigh vm1 198.18.0.2 "$m2"
vm_neigh vm2 198.18.0.1 "$m1"
has_mac() { [[ $(fdb_json br0 "any(e['mac'] == '$1' for e in d['entries'])") == True ]]; }
has_mac "$m1" && has_mac "$m2" \
    || fail "vm1 and vm2 not both learned: $(ctl fdb/show br0)"

stats_before=$(ctl --json port/stats)
fdb_before=$(ctl --json fdb/show br0 | json "sorted((e['mac'], e['port']) for e in d['entries'])")
capture_start vm2 "$(dev_of vm2)" v2 "ether src $m1 or ether src 02:00:00:00:00:77"
c2=$CAP_PID
capture_start vm3 "$(dev_of vm3)" v3 "ether src $m1 or ether src 02:00:00:00:00:77"
c3=$CAP_PID

# trace_json ARGS... EXPR: evaluates EXPR over trace --json ARGS.
trace_json()
{
    local expr=${!#}
    ctl --json trace "${@:1:$#-1}" | json "$expr"
}

log "known unicast: to vm2's port alone"
out=$(ctl trace br0 "in_port=$p1" "dl_src=$m1" "dl_dst=$m2" \
      nw_src=198.18.0.1 nw_dst=198.18.0.2) || fail "trace failed: $out"
log "$out"
grep -q "^lookup: destination on $p2\$" <<<"$out" || fail "no lookup line: $out"
grep -q "^result: output $p2\$" <<<"$out" || fail "no result line: $out"
assert_eq "[\"$p2\"]" "$(trace_json br0 "in_port=$p1" "dl_src=$m1" "dl_dst=$m2" \
    "[o['port'] for o in d['outputs']]")" "unicast outputs (json)"
assert_eq output "$(trace_json br0 "in_port=$p1" "dl_src=$m1" "dl_dst=$m2" \
    "d['result']")" "unicast result (json)"

log "broadcast from an unknown source: flood in VLAN 10 only"
out=$(ctl trace br0 "in_port=$p1" dl_src=02:00:00:00:00:77) \
    || fail "trace failed: $out"
log "$out"
grep -q "^lookup: flood to $p2\$" <<<"$out" || fail "no flood line: $out"
grep -q "^learn: would ask the control thread to learn" <<<"$out" \
    || fail "no learn line: $out"
assert_eq "[\"$p2\"]" "$(trace_json br0 "in_port=$p1" dl_src=02:00:00:00:00:77 \
    "[s['flood'] for s in d['stages'] if s['stage'] == 'lookup'][0]")" \
    "flood list (json)"

log "a tagged frame on an access port: a vlan drop"
out=$(ctl trace br0 "in_port=$p1" vlan=20) || fail "trace failed: $out"
log "$out"
grep -q "^result: drop: vlan\$" <<<"$out" || fail "no vlan drop: $out"
assert_eq vlan "$(trace_json br0 "in_port=$p1" vlan=20 "d['drop-reason']")" \
    "drop reason (json)"

log "a source vm2 may not use: a src-mac drop"
out=$(ctl trace br0 "in_port=$p2" dl_src=02:00:00:00:00:66) \
    || fail "trace failed: $out"
log "$out"
grep -q "^result: drop: src-mac\$" <<<"$out" || fail "no src-mac drop: $out"
assert_eq src-mac "$(trace_json br0 "in_port=$p2" dl_src=02:00:00:00:00:66 \
    "d['drop-reason']")" "drop reason (json)"
assert_eq "['src-mac', 'drop']" "$(trace_json br0 "in_port=$p2" \
    dl_src=02:00:00:00:00:66 \
    "str([[s['check'], s['result']] for s in d['stages'] if s['stage'] == 'policy-in'][0])")" \
    "policy check (json)"

log "refusals"
if out=$(ctl trace br0 in_port=nosuchport 2>&1); then
    fail "trace from an unknown port succeeded: $out"
fi
grep -q "nosuchport is not a port" <<<"$out" || fail "message: $out"
if out=$(ctl trace br0 "in_port=$p1" vlan=5000 2>&1); then
    fail "trace with vlan=5000 succeeded: $out"
fi
grep -q "vlan=5000" <<<"$out" || fail "message: $out"
if out=$(ctl trace br0 dl_src=02:00:00:00:00:01 2>&1); then
    fail "trace without in_port succeeded: $out"
fi
grep -q "in_port" <<<"$out" || fail "message: $out"

log "nothing changed, nothing sent, nothing learned"
sleep 0.5
capture_stop "$c2"
capture_stop "$c3"
assert_eq 0 "$(frame_count v2)" "frames from the traced sources at vm2"
assert_eq 0 "$(frame_count v3)" "frames from the traced sources at vm3"
stats_after=$(ctl --json port/stats)
[[ $stats_after == "$stats_before" ]] \
    || fail "port/stats changed: before $stats_before after $stats_after"
log "ok: port/stats unchanged"
assert_eq "$fdb_before" "$(ctl --json fdb/show br0 | json "sorted((e['mac'], e['port']) for e in d['entries'])")" \
    "MAC table (mac, port)"
log "PASS"
