#!/usr/bin/env bash
# test-port-admin-down: a port whose device an administrator sets down
# costs no CPU, and works again when the device comes back up
# (issue: hardening, hole 10: a datapath thread spun at 100 % of a CPU on
# the error poll() kept reporting for the down device).
#
#   vm1 --+-- switch --+-- vm2
#
# With vm2's port device set down in the switch namespace, the daemon's
# CPU time over 3 s (utime + stime from /proc) stays under 30 % of one CPU
# (idle, it uses ~0 %); once the device is up again vm1 reaches vm2.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
sw_start
ctl_ok add-br br0
attach br0 vm1
attach br0 vm2
assert_ping vm1 198.18.0.2

# cpu_ticks: the daemon's user + system time, in clock ticks.
cpu_ticks()
{
    awk '{ print $14 + $15 }' "/proc/$VST_DAEMON_PID/stat"
}
hz=$(getconf CLK_TCK)

log "vm2's port device set down"
ip -n "$(ns sw)" link set "$(port_of vm2)" down
# Traffic towards the down port, so its socket has something to refuse.
in_ns vm1 timeout 5 ping -n -q -c 3 -i 0.2 -W 1 198.18.0.2 >/dev/null 2>&1
sleep 0.5
t0=$(cpu_ticks)
sleep 3
t1=$(cpu_ticks)
used=$(((t1 - t0) * 100 / hz))
log "daemon CPU with a port down: $((t1 - t0)) ticks in 3 s ($((used / 3)) % of a CPU)"
assert_cmp "$used" -lt 90 "daemon CPU time (centiseconds) in 3 s with a port down"

log "vm2's port device up again"
ip -n "$(ns sw)" link set "$(port_of vm2)" up
wait_for 10 ping_reaches vm1 198.18.0.2 || fail "vm1 cannot reach vm2 after the port came back up"
assert_ping vm1 198.18.0.2
log "PASS"
