#!/usr/bin/env bash
# test-restart-sigkill: after SIGKILL (no chance to clean up) the daemon
# started again rebuilds every bridge, port and static entry from its
# configuration file: `show` is the same as before, and traffic flows as it
# did (same-VLAN pings pass, cross-VLAN pings still fail).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
sw_start
ctl_ok add-br br0 mac-aging=120 mac-table-size=100
ctl_ok add-br br1
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
attach br0 vm3 vlan=20
ctl_ok fdb/add br0 02:00:00:00:aa:01 vlan=10 port="$(port_of vm1)"
assert_ping vm1 198.18.0.2
assert_no_ping vm1 198.18.0.3

show_before=$(ctl --json show) || fail "show failed"
text_before=$(ctl show)
static_before=$(fdb_json br0 "[e for e in d['entries'] if e['static']]")

sw_signal KILL
assert_eq 137 "$SW_STATUS" "exit status after SIGKILL"
# The daemon is gone: the command line says so and fails.
if ctl list-br >/dev/null 2>&1; then
    fail "vswitch-ctl still got an answer after SIGKILL"
fi

sw_start        # The stale socket and pidfile are still there.
for vm in vm1 vm2 vm3; do
    wait_port "$(port_of "$vm")" up
done
show_after=$(ctl --json show)
text_after=$(ctl show)
printf '%s\n' "$text_after"
assert_eq "$show_before" "$show_after" "show --json after restart"
assert_eq "$text_before" "$text_after" "show after restart"
assert_eq "$static_before" \
    "$(fdb_json br0 "[e for e in d['entries'] if e['static']]")" \
    "static entries after restart"
assert_eq "$(cat "$VST_PIDFILE")" "$VST_DAEMON_PID" "pid in the pidfile"

assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1
assert_no_ping vm1 198.18.0.3
exit 0
