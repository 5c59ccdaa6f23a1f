#!/usr/bin/env bash
# test-team-failover-busy: a cable pull while the control thread is busy.
# vm1 pings a remote host every millisecond through a team of two uplinks;
# then the daemon is sent SIGHUP with a configuration of N_PORTS more ports
# (absent devices: VM ports of a host with many VMs), and the cable of the
# member carrying vm1's port is pulled right after, while the daemon reads
# and applies the configuration:
#   - the outage stays below MAX_OUTAGE_MS: the datapath stops using the
#     member as soon as the kernel reports the carrier loss, whatever the
#     control thread is doing (printed: "outage: ...", with how long the
#     control thread took to answer again after the SIGHUP);
#   - the control thread then catches up: the member is down, vm1's port
#     moved to the other member, one failover counted, every port applied;
#   - with the cable back, vm1 still reaches the remote host.
# The reload must keep the control thread busy for longer than
# MAX_OUTAGE_MS, or the test proves nothing: it fails if the control thread
# answered sooner (raise N_PORTS on a faster machine).  Before the link
# watcher, the outage lasted as long as the reload (and with the reload
# quadratic in the number of ports, that was minutes).
#
# Two VMs, not one: the members' device indexes then differ from their
# peers'.  The kernel reports the carrier change of a device whose index
# equals its link's (as a physical NIC's does) as a non-urgent event, up to
# a second late when other devices changed recently, and no switch can act
# before it knows.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

N_PORTS=${N_PORTS:-40000}
COUNT=4000
MAX_OUTAGE_MS=${MAX_OUTAGE_MS:-200}

team_world 2 2 -- policy=src-port failback=no rebalance=0
VM_PORT=$(port_of vm1)
pull_setup

# The daemon's own file, plus N_PORTS ports whose devices do not exist
# (names with this run's prefix: nothing else has them).
cp "$VST_CONF" "$VST_TMP/before.conf"
"$VST_PY" - "$VST_CONF" "$N_PORTS" "$P" <<'PY' || fail "cannot write the config"
import sys
path, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "a") as f:
    for i in range(n):
        f.write("\n[port %sx%d]\nbridge=br0\nvlan=%d\n" % (prefix, i,
                                                        1 + i % 4000))
PY
n_before=$(ctl list-ports "$TEAM_BR" | wc -l)

fastping_start vm1 "$(rh_ip 1)" "$COUNT" busy
sleep 1
kill -0 "$PING_PID" 2>/dev/null || fail "the ping ended before the pull: \
$(cat "$VST_TMP/busy.ping")"
t_hup=$(date +%s%N)
sw_signal HUP
cable "$OLD" down
# When the control thread answers again (it reads and applies the
# configuration first).
# shellcheck disable=SC2016 # expanded by that bash
bg "$VST_TMP/answer.out" bash -c '"$0" --socket="$1" --timeout=120 list-br \
    && date +%s%N' "$VSCTL" "$VST_SOCK"
ANSWER_PID=$BG_PID
fastping_wait "$PING_PID"
wait "$ANSWER_PID" 2>/dev/null
t_answer=$(tail -n 1 "$VST_TMP/answer.out")
if [[ $t_answer =~ ^[0-9]+$ ]]; then
    busy_ms=$(((t_answer - t_hup) / 1000000))
else
    busy_ms=120000
fi

read -r sent got lost run outage_us gap_us < <(outage busy "$COUNT")
log "outage: $(us_to_ms "$outage_us") ms ($lost of $sent echo requests" \
    "unanswered, longest run $run; longest time between two replies" \
    "$(us_to_ms "$gap_us") ms); the control thread answered again" \
    "$busy_ms ms after the SIGHUP ($N_PORTS ports to apply)"
((lost)) && log "unanswered icmp_seq: $(unanswered busy "$COUNT")"
assert_eq "$COUNT" "$sent" "echo requests sent"
assert_cmp "$got" -gt 0 "echo replies"
assert_cmp "$outage_us" -lt "$((MAX_OUTAGE_MS * 1000))" "outage in us"
assert_cmp "$busy_ms" -gt "$MAX_OUTAGE_MS" \
    "ms the control thread was busy after the SIGHUP (more than the bound)"

# The control thread caught up.
wait_member "$OLD" down 10
wait_carrier "$VM_PORT" "$NEW" 5
assert_eq 1 "$(team_json "t['failovers']")" "failovers"
assert_eq "$((n_before + N_PORTS))" "$(ctl list-ports "$TEAM_BR" | wc -l)" \
    "ports on $TEAM_BR after the reload"
assert_ping vm1 "$(rh_ip 1)"

# The cable back; the member comes back into use.
cable "$OLD" up
wait_member "$OLD" up 10
assert_ping vm1 "$(rh_ip 1)"

# Back to the small configuration before the daemon stops (quicker).
cp "$VST_TMP/before.conf" "$VST_CONF"
sw_signal HUP
wait_for 30 ctl list-br || fail "vswitchd does not answer after the reload"
assert_eq "$n_before" "$(ctl list-ports "$TEAM_BR" | wc -l)" \
    "ports on $TEAM_BR after going back"
exit 0
