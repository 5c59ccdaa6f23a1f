#!/usr/bin/env bash
# test-port-fd-limit: each port holds two packet sockets (one receives, one
# sends), so the daemon raises its soft limit of open files to the hard
# limit at start (systemd gives services 1024 soft, 524288 hard).
#   A: started with a soft limit of 128, it attaches 100 ports (200
#      sockets) and two VMs behind the last of them ping each other.
#   B: started with a hard limit of 128, it says at start how few ports
#      can attach, the ports past the limit (32 descriptors kept free)
#      stay absent with a message that names the limit, and are not
#      retried in a loop; the control socket still takes commands, and
#      the room removed ports make takes a port added again.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

N=100
hard=$(ulimit -Hn)
[[ $hard == unlimited ]] || ((hard >= 1024)) \
    || skip "the hard limit of open files here is $hard (< 1024)"

require_cmd prlimit
sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
idle_veths_add p "$N"

# attached: how many ports of br0 are attached (not absent).
attached()
{
    ctl --json show | json "sum(1 for b in d['bridges'] for p in b['ports'] \
if p['state'] != 'absent')"
}

# limits_of PID: the soft and hard limits of open files of process PID.
limits_of()
{
    awk '/^Max open files/ {print $4, $5}' "/proc/$1/limits"
}

# --- A: soft limit 128 -----------------------------------------------------
VST_DAEMON_WRAP=(prlimit --nofile=128:"$hard" --)
sw_start
assert_eq "$hard $hard" "$(limits_of "$VST_DAEMON_PID")" \
    "the daemon's soft and hard limits of open files (soft was 128)"
ctl_ok add-br br0
for ((i = 1; i <= N; i++)); do
    ctl_ok add-port br0 "$(dev "p$i")"
done
attach br0 vm1
attach br0 vm2
assert_eq $((N + 2)) "$(attached)" "ports attached with a soft limit of 128"
log "A: $(sw_fds) descriptors open for $((N + 2)) ports"
assert_cmp "$(sw_fds)" -ge $((2 * (N + 2))) "descriptors: two per port"
assert_ping vm1 198.18.0.2
sw_signal TERM
assert_eq 0 "$SW_STATUS" "exit status"

# --- B: hard limit 128 -----------------------------------------------------
expect_log "open files are limited to 128 \(RLIMIT_NOFILE\)"
expect_log "port ${P}[a-z0-9]+: .*limit \(128\) is nearly reached.*each port takes two sockets: raise"
VST_DAEMON_WRAP=(prlimit --nofile=128:128 --)
sw_start
VST_DAEMON_WRAP=()
assert_eq "128 128" "$(limits_of "$VST_DAEMON_PID")" \
    "the daemon's limits of open files (hard 128)"
grep -q "open files are limited to 128 (RLIMIT_NOFILE): each port takes \
two and 32 are kept for the rest, so fewer than 48 ports can attach" \
    "$VST_LOG" \
    || fail "no warning at start about the low limit: $(tail -n 3 "$VST_LOG")"
n=$(attached)
log "B: $n of $((N + 2)) ports attached from the configuration"
assert_cmp "$n" -ge 20 "ports attached under a hard limit of 128"
assert_cmp "$n" -lt 48 "ports attached under a hard limit of 128"
grep -q "the open files limit (128) is nearly reached and 32 are kept for \
the control socket; each port takes two sockets: raise vswitchd's open files \
limit (LimitNOFILE=)" "$VST_LOG" \
    || fail "no message naming the limit for the refused ports"
# A refused port is left alone: its device is not touched, so it makes no
# link event that would have it tried (and refused) again and again.
refused=$(grep -c "is nearly reached" "$VST_LOG")
sleep 2
assert_eq "$refused" "$(grep -c "is nearly reached" "$VST_LOG")" \
    "refusals logged, 2 s later"
assert_eq absent "$(port_state "$(port_of vm2)")" "vm2's port, past the limit"
# The limit reached, the control socket still takes commands (the
# descriptors kept free), and the room removed ports make (once their
# sockets are closed, after a grace period) takes a port added again.
for ((i = 1; i <= 5; i++)); do
    ctl_ok del-port "$(dev "p$i")"
done
ctl_ok del-port "$(port_of vm1)"
wait_for 10 ctl add-port br0 "$(port_of vm1)" \
    || fail "vm1's port not added again after 5 ports removed: \
$(ctl add-port br0 "$(port_of vm1)" 2>&1)"
wait_port "$(port_of vm1)" up
log "B: $(attached) ports attached after 5 removed and vm1's added again"
sw_signal TERM
exit 0
