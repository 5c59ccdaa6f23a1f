#!/usr/bin/env bash
# test-team-probe: ARP probing catches a failure beyond the first cable.
#
#   vm1 -- [switch] --ua-- access switch A --+
#                  \--ub-- access switch B --+-- core -- rh (198.18.0.100)
#
# With probe=arp:198.18.0.100, cutting the link between access switch A and
# the core (member ua keeps its carrier) must take ua out of use: the
# active member moves to ub and vm1 reaches rh again.  Without probing the
# member would stay in use and traffic would be lost for good.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

probe_world rh
ip -n "$(ns rh)" addr add 198.18.0.100/24 dev "$(dev grh)"

sw_start
ctl_ok add-br br0
attach br0 vm1
ctl_ok add-team br0 bond0 "$(dev ua)" "$(dev ub)" policy=active-backup \
    probe=arp:198.18.0.100 probe-interval=100

active()
{
    ctl --json team/show bond0 | json "next((m['name'] for t in d['teams'] \
for m in t['members'] if m['active']), '')"
}
state_of()
{
    ctl --json team/show bond0 | json "next((m['state'] for t in d['teams'] \
for m in t['members'] if m['name'] == '$1'), '')"
}
is_active() { [[ $(active) == "$1" ]]; }
is_state() { [[ $(state_of "$1") == "$2" ]]; }

wait_for 10 is_state "$(dev ua)" up || fail "ua is '$(state_of "$(dev ua)")', expected up (probe answered)"
wait_for 10 is_state "$(dev ub)" up || fail "ub is '$(state_of "$(dev ub)")', expected up"
assert_eq "$(dev ua)" "$(active)" "active member before the cut"
assert_ping vm1 198.18.0.100

log "cutting access switch A from the core; ua keeps its carrier"
ip -n "$(ns core)" link set "$(dev ka)" down
assert_eq 1 "$(ip netns exec "$(ns sw)" cat "/sys/class/net/$(dev ua)/carrier")" \
    "ua's carrier after the cut"
wait_for 5 is_active "$(dev ub)" \
    || fail "active member is '$(active)' 5 s after the cut, expected ub"
assert_eq down "$(state_of "$(dev ua)")" "ua's state after the cut"
ctl team/events bond0 | grep -q "no ARP reply from 198.18.0.100" \
    || fail "team/events does not say why ua went down"
assert_ping vm1 198.18.0.100

log "reconnecting: ua answers again and takes over (failback)"
ip -n "$(ns core)" link set "$(dev ka)" up
wait_for 10 is_active "$(dev ua)" \
    || fail "active member is '$(active)' after the repair, expected ua"
assert_ping vm1 198.18.0.100
exit 0
