#!/usr/bin/env bash
# test-libvirt-agent: vswitch-libvirt-agent keeps a libvirt domain's ports
# as its domain XML says (issue 10 items 3 and 4).
#
# libvirt's test driver keeps its state in the process that opened it
# (test:///PATH/node.xml loads a node file whose domains come up running),
# so the agent's own connection is the only one that sees the domain: the
# agent runs the test's libvirt calls (--test-script) on it, and the test
# checks the switch through vswitch-ctl.
#   - resync at start: domain "vm1" (an ethernet NIC on vm1's port device,
#     metadata vlan=42) gets its port, with owner libvirt:UUID and VLAN 42;
#     a port owned by a domain that does not run (added by the test) is
#     removed;
#   - metadata change (virDomainSetMetadata, live): VLAN 43;
#   - destroy: the port goes; start: it comes back, with the persistent
#     metadata's VLAN 42;
#   - the daemon restarted (owned ports are not saved): the port comes back;
#   - SIGTERM: the agent exits 0, the port stays;
#   - port/announce: on a team of two uplinks, the port's MAC is announced
#     (RARP) on the member carrying the port, and not on the other.
# Not covered (the test driver cannot do them): DEVICE_ADDED/REMOVED
# (no hot-plug), a live migration's RESUMED/MIGRATED event, libvirtd
# restarting under the agent.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
# shellcheck source-path=SCRIPTDIR source=libvirt-lib.sh
. "$(dirname "$0")/libvirt-lib.sh"
vst_init
AGENT=$VST_BUILD/utilities/vswitch-libvirt-agent
[[ -x $AGENT ]] || skip "$AGENT not built"

sw_ns
phys_add
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
uplink_add u1
uplink_add u2
U1=$(member u1)
U2=$(member u2)
sw_start
ctl_ok add-br br0
PORT1=$(port_of vm1)
PORT2=$(port_of vm2)
MAC1=$(vm_mac vm1)
UUID=6695eb01-f6a4-8304-79aa-97f2502e193f
STALE=11111111-2222-3333-4444-555555555555
NS=urn:vswitchd:libvirt:1

# A port of a domain that does not run: the agent removes it at start.
ctl_ok add-port br0 "$PORT2" owner="libvirt:$STALE"

cat >"$VST_TMP/node.xml" <<XML
<node>
  <domain type='test'>
    <name>vm1</name>
    <uuid>$UUID</uuid>
    <memory>65536</memory>
    <os><type>hvm</type></os>
    <metadata>
      <vsw:ports xmlns:vsw="$NS">
        <vsw:port mac="$MAC1" bridge="br0" vlan="42" mac-limit="4"/>
      </vsw:ports>
    </metadata>
    <devices>
      <interface type='ethernet'>
        <mac address='$MAC1'/>
        <target dev='$PORT1' managed='no'/>
      </interface>
    </devices>
  </domain>
</node>
XML
cat >"$VST_TMP/meta43.xml" <<XML
<ports><port mac="$MAC1" bridge="br0" vlan="43"/></ports>
XML
cat >"$VST_TMP/script" <<SCRIPT
wait-file $VST_TMP/step1
set-metadata vm1 $VST_TMP/meta43.xml
wait-file $VST_TMP/step2
destroy vm1
wait-file $VST_TMP/step3
start vm1
SCRIPT

AGENT_LOG=$VST_TMP/agent.log
bg_ns sw "$AGENT_LOG" "$AGENT" --connect="test://$VST_TMP/node.xml" \
    --socket="$VST_SOCK" --test-script="$VST_TMP/script" --verbose
AGENT_PID=$BG_PID
agent_says() { grep -q -- "$1" "$AGENT_LOG"; }
agent_fail() { fail "$1; agent log: $(tail -n 15 "$AGENT_LOG")"; }

log "resync at start"
wait_for 10 port_field_is "$PORT1" vlan 42 \
    || agent_fail "vm1's port $PORT1 not on VLAN 42"
assert_eq "libvirt:$UUID" "$(port_field "$PORT1" owner)" "owner of $PORT1"
assert_eq access "$(port_field "$PORT1" mode)" "mode of $PORT1"
wait_for 5 no_port "$PORT2" \
    || agent_fail "port $PORT2 of a domain that does not run still there"
wait_port "$PORT1" up

log "metadata change: VLAN 43"
touch "$VST_TMP/step1"
wait_for 5 port_field_is "$PORT1" vlan 43 \
    || agent_fail "metadata change did not reach $PORT1"

log "destroy: the port goes"
touch "$VST_TMP/step2"
wait_for 5 no_port "$PORT1" || agent_fail "$PORT1 still there after destroy"

log "start: it comes back"
touch "$VST_TMP/step3"
wait_for 5 has_port "$PORT1" || agent_fail "$PORT1 not back after start"
wait_for 5 agent_says "test script: done" || agent_fail "test script not done"
# The live metadata went with the destroy: the persistent one is back.
wait_for 5 port_field_is "$PORT1" vlan 42 \
    || agent_fail "$PORT1 on VLAN $(port_field "$PORT1" vlan) after start, \
not 42"

log "daemon restarted: the owned port is added again"
sw_signal TERM
sw_start
wait_for 10 has_port "$PORT1" \
    || agent_fail "$PORT1 not added again after the daemon restarted"
assert_eq "libvirt:$UUID" "$(port_field "$PORT1" owner)" "owner after restart"

log "SIGTERM: the agent exits 0, the port stays"
kill -TERM "$AGENT_PID"
for ((i = 0; i < 30; i++)); do
    kill -0 "$AGENT_PID" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$AGENT_PID" 2>/dev/null && fail "agent still runs 3 s after SIGTERM"
wait "$AGENT_PID"
assert_eq 0 "$?" "agent exit status"
has_port "$PORT1" || fail "$PORT1 gone when the agent stopped"

log "port/announce on the member carrying the port"
ctl_ok del-port "$PORT1"
ctl_ok add-team br0 "$TEAM" "$U1" "$U2" policy=src-port rebalance=0 \
    failback=no
wait_member "$U1" up
wait_member "$U2" up
ctl_ok add-port br0 "$PORT1" uplink="$U2" allowed-macs="$MAC1"
wait_port "$PORT1" up
wait_carrier "$PORT1" "$U2" 5
tcap_start phys "$(phys_peer "$U2")" ann2 in "rarp"
CAP2=$CAP_PID
tcap_start phys "$(phys_peer "$U1")" ann1 in "rarp"
CAP1=$CAP_PID
out=$(ctl port/announce "$PORT1") || fail "port/announce failed: $out"
log "port/announce: $out"
sleep 1.5
capture_stop "$CAP2"
capture_stop "$CAP1"
capture_read ann2 | head -n 5 | sed 's/^/    /'
assert_cmp "$(capture_count ann2 "ether src $MAC1")" -ge 1 \
    "RARPs for $MAC1 on $U2, the member carrying $PORT1"
assert_eq 0 "$(capture_count ann1 "ether src $MAC1")" \
    "RARPs for $MAC1 on $U1"
out=$(ctl port/announce nosuchport 2>&1) && fail "port/announce of no port"
log "refused: $out"
log "PASS"
