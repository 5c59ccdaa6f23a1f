#!/usr/bin/env bash
# test-fault-uplink-flap: a flapping uplink neither leaks nor confuses the
# team.  While vm1 and vm2 ping a remote host every 10 ms, the cable of
# the member carrying vm1's port is pulled and plugged back every 50 ms
# for FLAP_SECS seconds (default 60; the team has updelay=30 and
# downdelay=20, so both timers run out in every cycle and vm1's port moves
# back and forth).  Afterwards:
#   - the daemon still runs, with exactly the file descriptors it had
#     before the flapping and a resident memory (VmRSS) at most
#     MAX_RSS_GROWTH_KB (default 1024) above what it was (see below);
#   - the team converges within CONVERGE_SECS (default 2, updelay + 1 s
#     rounded up) of the last plug: both members up, every VM port back on
#     the member that carried it before (failback=yes), and that member
#     really carries vm1's frames (its tx counter grows with vm1's pings);
#   - every VM reaches the remote host and the other VM.
# Prints "flap: N cycles in S s", "fds: BEFORE -> AFTER", "rss: BEFORE ->
# AFTER KiB", "converged in MS ms" and the pings' loss during the flapping.
#
# The memory bound: the daemon allocates nothing per frame, but each flap
# makes timers, team events (a ring of 64 strings), log lines and reply
# buffers; glibc keeps freed memory in its arenas, so RSS moves by some
# tens of KiB between two quiet moments.  A leak of only 100 bytes per
# carrier change (two per cycle, ~1,100 cycles a minute) would add more
# than 200 KiB, one of 1 KiB per cycle more than 1 MiB: the bound lets the
# allocator's noise pass and catches a leak of the size of a team event, a
# timer or a socket buffer.  Descriptors have no noise: the count must be
# exactly the same.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

FLAP_SECS=${FLAP_SECS:-60}
MAX_RSS_GROWTH_KB=${MAX_RSS_GROWTH_KB:-1024}
CONVERGE_SECS=${CONVERGE_SECS:-2}

team_world 2 2 -- policy=src-port failback=yes rebalance=0 updelay=30 \
    downdelay=20
P1=$(port_of vm1)
P2=$(port_of vm2)
M=$(carrier_of "$P1")
C2=$(carrier_of "$P2")
[[ -n $M && -n $C2 ]] || tfail "no member carries the VM ports"
log "vm1's port is on $M (its cable will flap), vm2's on $C2"
PEER=$(phys_peer "$M")
PHYS=$(ns phys)

# Traffic for the whole test: each VM pings the remote host every 10 ms.
PING_SECS=$((FLAP_SECS + 30))
declare -A PING
for vm in vm1 vm2; do
    bg_ns "$vm" "$VST_TMP/$vm.ping" timeout "$PING_SECS" ping -n -q \
        -i 0.01 -W 1 "$(rh_ip 1)"
    PING[$vm]=$BG_PID
done
sleep 2
FDS0=$(sw_fds)
RSS0=$(sw_rss_kb)
PID0=$VST_DAEMON_PID

# Flap: 50 ms without carrier, 50 ms with it.
cycles=0
end=$((SECONDS + FLAP_SECS))
start=$SECONDS
while ((SECONDS < end)); do
    ip -n "$PHYS" link set "$PEER" down || fail "cannot pull $PEER"
    sleep 0.05
    ip -n "$PHYS" link set "$PEER" up || fail "cannot plug $PEER"
    sleep 0.05
    cycles=$((cycles + 1))
done
t_plug=$(date +%s%N)
log "flap: $cycles cycles in $((SECONDS - start)) s"
kill -0 "$VST_DAEMON_PID" 2>/dev/null \
    || fail "vswitchd died during the flapping"

# converged: every member up, each VM port on the member it was on (one
# team/show, so that polling is cheap).
# shellcheck disable=SC2317 # called through wait_for
converged()
{
    [[ $(team_json "all(x['state'] == 'up' for x in t['members']) \
and '$P1' in m['$M']['ports'] and '$P2' in m['$C2']['ports']") == True ]]
}
wait_for "$CONVERGE_SECS" converged \
    || tfail "the team did not converge within $CONVERGE_SECS s of the \
last plug: vm1's port on '$(carrier_of "$P1")' (was $M), vm2's on \
'$(carrier_of "$P2")' (was $C2)"
conv_ms=$((($(date +%s%N) - t_plug) / 1000000))
log "converged in $conv_ms ms (members up, ports back where they were)"

# Still under the same traffic as when measured before.
sleep 1
FDS1=$(sw_fds)
RSS1=$(sw_rss_kb)
log "fds: $FDS0 -> $FDS1"
log "rss: $RSS0 -> $RSS1 KiB ($((RSS1 - RSS0)) KiB)"
assert_eq "$PID0" "$VST_DAEMON_PID" "daemon pid"
assert_eq "$FDS0" "$FDS1" "the daemon's open file descriptors"
assert_rss_growth "$RSS0" "$RSS1" "$MAX_RSS_GROWTH_KB"

for vm in vm1 vm2; do
    log "$vm's pings during the test: $(ping_stop "${PING[$vm]}" \
        "$VST_TMP/$vm.ping")"
done
log "team events logged: $(grep -c '|team|' "$VST_LOG")"

# The member that carries vm1's port carries its frames, the other not.
O=$(member u1)
[[ $O == "$M" ]] && O=$(member u2)
tx0=$(member_tx "$M")
otx0=$(member_tx "$O")
assert_ping vm1 "$(rh_ip 1)"
tx1=$(member_tx "$M")
otx1=$(member_tx "$O")
assert_cmp "$((tx1 - tx0))" -ge 5 "frames $M sent while vm1 pinged rh1"
assert_cmp "$((otx1 - otx0))" -lt 5 "frames $O sent while vm1 pinged rh1"
assert_ping vm2 "$(rh_ip 1)"
assert_ping vm1 198.18.0.2
exit 0
