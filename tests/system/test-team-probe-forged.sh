#!/usr/bin/env bash
# test-team-probe-forged: forged ARP replies do not keep members whose
# upstream is dead in use (issue 7, hole 6).
#
#   vm1 -- [switch] --ua-- access switch A --+
#                  \--ub-- access switch B --+-- core -- rh (198.18.0.100)
#                                                  \---- evil
#
# The team probes rh with ARP (probe=arp:198.18.0.100).  evil, an L2 peer
# upstream, sends "198.18.0.100 is-at" replies to both members' MACs every
# 20 ms, the way any host can once it has seen a probe: VLAN-tagged ones
# (VLAN 10: someone else's VLAN, not the untagged one the probes use) and
# broadcast ones (not sent to the member).  When rh goes away, both members
# must go down: none of evil's frames is the answer to a probe sent.  Then
# rh comes back and its real replies bring both members up again.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init
require_scapy

probe_world rh evil
ip -n "$(ns rh)" addr add 198.18.0.100/24 dev "$(dev grh)"

sw_start
ctl_ok add-br br0
attach br0 vm1
ctl_ok add-team br0 bond0 "$(dev ua)" "$(dev ub)" policy=active-backup \
    probe=arp:198.18.0.100 probe-interval=100

state_of()
{
    ctl --json team/show bond0 | json "next((m['state'] for t in d['teams'] \
for m in t['members'] if m['name'] == '$1'), '')"
}
is_state() { [[ $(state_of "$1") == "$2" ]]; }
mac_of() { ip -n "$(ns sw)" -o link show "$1" | sed 's/.*link\/ether \([^ ]*\).*/\1/'; }

for x in a b; do
    wait_for 10 is_state "$(dev "u$x")" up \
        || fail "u$x is '$(state_of "$(dev "u$x")")', expected up (probe answered)"
done
assert_ping vm1 198.18.0.100
# evil's broadcast replies reach vm1 too: keep vm1's neighbour entry for
# rh right, so that the last ping tests the team, not vm1's ARP cache.
vm_neigh vm1 198.18.0.100 "$(ip -n "$(ns rh)" -o link show "$(dev grh)" | \
    sed 's/.*link\/ether \([^ ]*\).*/\1/')"

log "evil forges replies from 198.18.0.100 to both members"
bg_ns evil "$VST_TMP/evil.log" timeout 30 "$VST_PY" -c '
import sys, time
from scapy.all import ARP, Dot1Q, Ether, sendp, conf
iface, macs = sys.argv[1], sys.argv[2:]
frames = []
for mac in macs:
    reply = ARP(op=2, hwsrc="02:00:00:00:0e:66", psrc="198.18.0.100",
                hwdst=mac, pdst="0.0.0.0")
    frames.append(Ether(src="02:00:00:00:0e:66", dst=mac) / Dot1Q(vlan=10)
                  / reply)
    frames.append(Ether(src="02:00:00:00:0e:66", dst="ff:ff:ff:ff:ff:ff")
                  / reply)
s = conf.L2socket(iface=iface)
while True:
    for f in frames:
        s.send(f)
    time.sleep(0.02)
' "$(dev gevil)" "$(mac_of "$(dev ua)")" "$(mac_of "$(dev ub)")"
EVIL_PID=$BG_PID
sleep 1
kill -0 "$EVIL_PID" 2>/dev/null || fail "the forger died: $(cat "$VST_TMP/evil.log")"

log "rh goes away: nothing answers the probes but the forger"
ip -n "$(ns rh)" link set "$(dev grh)" down
for x in a b; do
    wait_for 5 is_state "$(dev "u$x")" down \
        || fail "u$x is '$(state_of "$(dev "u$x")")' 5 s after rh went away, expected down (forged replies kept it in use)"
done
ctl team/events bond0 | grep -q "no ARP reply from 198.18.0.100" \
    || fail "team/events does not say why the members went down"
kill -0 "$EVIL_PID" 2>/dev/null || fail "the forger died: $(cat "$VST_TMP/evil.log")"

log "rh comes back: its real replies count"
ip -n "$(ns rh)" link set "$(dev grh)" up
for x in a b; do
    wait_for 10 is_state "$(dev "u$x")" up \
        || fail "u$x is '$(state_of "$(dev "u$x")")' after rh came back, expected up"
done
stop_pid "$EVIL_PID"
assert_ping vm1 198.18.0.100
exit 0
