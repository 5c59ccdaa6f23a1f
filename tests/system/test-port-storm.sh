#!/usr/bin/env bash
# vst-timeout: 240
# test-port-storm: a broadcast storm from one VM, with storm-limit=1000 on
# its port: about 1000 storm frames a second get through, the rest is
# dropped and counted, and another pair's TCP throughput during the storm
# is measured against its value without the storm (issue 9, storm control).
#
#   vm1 (storm, storm-limit=1000) --+
#   vm2 -- iperf3 client -----------+-- switch
#   vm3 -- iperf3 server -----------+
#   vm4 (idle: counts what of the storm gets through)
#
# The storm: vm1 sends broadcasts as fast as a raw socket in Python goes
# (STORM_PPS=0; or STORM_PPS per second).  One TCP stream vm2 -> vm3 runs
# through the whole test; one storm sender alternates every PHASE_SECS
# (2.5) between:
# 1. the reference: a veth pair inside vm1's namespace that does not lead
#    to the switch, so the reference carries the sender's own CPU load
#    (this machine may have 2 CPUs) and the ratio measures what the storm
#    does to the switch;
# 2. vm1's port, with storm-limit=1000.
# vm3's received bytes are sampled every 50 ms, and each phase's TCP rate
# taken over the phase (without its start: SKIP_STORM, SKIP_REF).  The
# two kinds of phase take turns within one TCP connection, PAIRS (20)
# times: this machine's TCP rate drifts by more than 10 % from one
# connection to the next, which made separate runs too noisy to judge
# 90 % by, and even one pair of phases ranges 66-130 %.  The mean TCP rate
# over the storm phases must be >= 90 % (the issue's figure) of the mean
# over the reference phases; the per-pair ratios and their median go to
# the log.  (With 12 pairs, 12 runs here gave 91-101 %, 95 % typical: the
# storm costs the switch a few per cent; 20 pairs narrow the spread.)  Not
# judged on an ASan build (see the end).  vm1's drops.storm counts the excess, and vm4's port sent about
# 1000 storm frames a second.
# 3. (for the log only) one more pair with storm-limit=none.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init
require_cmd iperf3 ss

LIMIT=1000
STORM_PPS=${STORM_PPS:-0}
PAIRS=${STORM_PAIRS:-20}
PHASE_SECS=${STORM_PHASE_SECS:-2.5}

# With two CPUs or more, the storm's sender runs on the last CPU and what
# the TCP pair needs (the switch's datapath thread, both iperf3 ends) on
# CPU 0: the ratio then measures what the storm costs the switch, not the
# CPU time the sender takes from the others (which the reference carries
# too, but which the scheduler shares out differently from run to run).
STORM_PIN=()
IPERF_PIN=()
if (( $(nproc) >= 2 )) && [[ ${STORM_NOPIN:-} != 1 ]]; then
    STORM_PIN=(taskset -c $(($(nproc) - 1)))
    IPERF_PIN=(-A 0)
    PORT_SW_ARGS=(--datapath-cpus=0)
fi

port_world vm1 vm2 vm3 vm4
attach br0 vm1 storm-limit=$LIMIT
attach br0 vm2
attach br0 vm3
attach br0 vm4
P1=$(port_of vm1)
P4=$(port_of vm4)
assert_ping vm2 198.18.0.3
assert_ping vm4 198.18.0.1

# A dead end for the reference storm: a veth pair inside vm1.
ip -n "$(ns vm1)" link add "$(dev sd0)" type veth peer name "$(dev sd1)" \
    || fail "cannot create the dead-end veth in vm1"
ip -n "$(ns vm1)" link set "$(dev sd0)" up
ip -n "$(ns vm1)" link set "$(dev sd1)" up

# storm_pairs NAME PAIRS: the storm from vm1, alternately into the dead
# end (a reference phase) and into the switch (a storm phase), PHASE_SECS
# each, PAIRS times, while the TCP stream runs and vm3's received bytes are
# sampled every 50 ms.  Sets RATIOS (per pair: the storm phase's TCP rate
# in % of the reference phase's just before it), RATIO (their median),
# REF and R2 (the mean TCP rate of the reference and the storm phases,
# Mbit/s), SENT (storm frames sent into the switch), DROPS (vm1's
# drops.storm), OVERRUN (vm1's drops.rx-overrun: what the kernel dropped
# before the switch read it) and TX4 (vm4's tx-packets).  A phase's rate
# is taken from SKIP_STORM (storm) or SKIP_REF (reference: the switch may
# still be reading what the kernel queued of the storm before) seconds
# after its start to its end.
SKIP_STORM=0.3
SKIP_REF=0.8
storm_pairs()
{
    local d0 d1 o0 o1 t0 t1 pid secs out
    secs=$(awk -v p="$PHASE_SECS" -v n="$2" 'BEGIN { print 2 * n * p }')
    d0=$(drops "$P1" "$DROP_STORM")
    o0=$(drops "$P1" rx-overrun)
    t0=$(stat_of "$P4" tx-packets)
    bg_ns vm3 "$VST_TMP/rx-$1.log" ${STORM_PIN[@]+"${STORM_PIN[@]}"} \
        "$VST_PY" "$VST_SYSDIR/sample-counter.py" --interval 0.05 \
        --path "/sys/class/net/$(dev_of vm3)/statistics/rx_bytes" \
        --duration "$(awk -v s="$secs" 'BEGIN { print s + 1 }')"
    pid=$BG_PID
    in_ns vm1 ${STORM_PIN[@]+"${STORM_PIN[@]}"} \
        "$VST_PY" "$VST_SYSDIR/mac-flood.py" \
        --iface "$(dev sd0)" --alternate "$(dev_of vm1)" \
        --period "$PHASE_SECS" --src "$(vm_mac vm1)" --pps "$STORM_PPS" \
        --duration "$secs" >"$VST_TMP/storm-$1.log" 2>&1 \
        || fail "$1: the storm sender failed: $(cat "$VST_TMP/storm-$1.log")"
    wait "$pid" || fail "$1: the sampler failed: $(cat "$VST_TMP/rx-$1.log")"
    # What the kernel queued for the switch before the sender stopped is
    # still read (and dropped) after it: wait until the count stands.
    d1=$(settled 50 0.1 drops "$P1" "$DROP_STORM")
    o1=$(drops "$P1" rx-overrun)
    t1=$(stat_of "$P4" tx-packets)
    DROPS=$((d1 - d0))
    OVERRUN=$((o1 - o0))
    TX4=$((t1 - t0))
    out=$("$VST_PY" - "$VST_TMP/storm-$1.log" "$VST_TMP/rx-$1.log" \
        "$(dev_of vm1)" $SKIP_STORM $SKIP_REF <<'PY'
import sys
phases = [l.split() for l in open(sys.argv[1]) if l.startswith("phase ")]
samples = [tuple(map(float, l.split())) for l in open(sys.argv[2])]
storm_dev, skip_storm, skip_ref = sys.argv[3], float(sys.argv[4]), float(sys.argv[5])

def rate(t0, t1):
    """Mbit/s between the first sample at or after t0 and the last at or
    before t1."""
    inside = [s for s in samples if t0 <= s[0] <= t1]
    if len(inside) < 2 or inside[-1][0] - inside[0][0] < 0.3:
        sys.exit("too few samples between %.3f and %.3f" % (t0, t1))
    return (inside[-1][1] - inside[0][1]) * 8 / 1e6 / (inside[-1][0] - inside[0][0])

ratios, refs, storms, sent = [], [], [], 0
ref = None
for _, _, dev, start, end, n in phases:
    start, end = float(start), float(end)
    if dev == storm_dev:
        sent += int(n)
        r = rate(start + skip_storm, end)
        storms.append(r)
        if ref is not None:
            ratios.append(100 * r / ref)
        ref = None
    else:
        ref = rate(start + skip_ref, end)
        refs.append(ref)
ratios.sort()
m = len(ratios)
median = (ratios[(m - 1) // 2] + ratios[m // 2]) / 2
print(int(median), int(sum(refs) / len(refs)), int(sum(storms) / len(storms)),
      sent, " ".join("%d" % r for r in ratios))
PY
    ) || fail "$1: cannot work out the phases' rates: $out"
    read -r RATIO REF R2 SENT RATIOS <<<"$out"
    log "$1: $2 pairs of ${PHASE_SECS} s: sent $SENT storm frames into the switch; vm1 drops.$DROP_STORM +$DROPS, drops.rx-overrun +$OVERRUN; vm4's port sent $TX4; vm2 -> vm3 $REF Mbit/s in the reference phases, $R2 in the storm phases; per pair (sorted) $RATIOS %, median $RATIO %"
}

# One TCP stream through all the phases, ended once they are done.
TCP_SECS=$(awk -v p="$PHASE_SECS" -v n=$((PAIRS + 1)) \
    'BEGIN { print int(2 * n * p + 15) }')
bg_ns vm3 "$VST_TMP/iperf3-s.log" iperf3 -s -1 -B 198.18.0.3 \
    ${IPERF_PIN[@]+"${IPERF_PIN[@]}"}
wait_for 5 listening vm3 5201 || fail "iperf3 server in vm3 did not start"
bg_ns vm2 "$VST_TMP/iperf3-c.log" iperf3 -c 198.18.0.3 -t "$TCP_SECS" \
    ${IPERF_PIN[@]+"${IPERF_PIN[@]}"}
IPERF_C=$BG_PID
sleep 1

log "1, 2. the storm alternately into the dead end and the switch (storm-limit=$LIMIT)"
storm_pairs 2 "$PAIRS"
S2=$SENT D2=$DROPS O2=$OVERRUN T2=$TX4 RATIO2=$((R2 * 100 / (REF > 0 ? REF : 1))) REF2=$REF
log "2: during the storm phases vm2 -> vm3 carried $RATIO2 % of what it did in the reference phases"

log "3. the same with storm-limit=none (not checked, for comparison)"
ctl_ok set-port "$P1" storm-limit=none
storm_pairs 3 1
stop_pid "$IPERF_C"

# Whole seconds of storm into the switch, and the most the switch may pass
# on: LIMIT a second for as long as it reads the storm (each phase, and up
# to a second after it while it reads what the kernel queued), plus a
# full bucket (a tenth of a second) at the start of each phase.
STORM_SECS=$(awk -v p="$PHASE_SECS" -v n="$PAIRS" 'BEGIN { print int(n * p) }')
PASS_MAX=$(awk -v p="$PHASE_SECS" -v n="$PAIRS" -v l="$LIMIT" \
    'BEGIN { print int(n * (l * (p + 1) + l / 10 + 50)) }')
assert_cmp "$REF2" -gt 0 "1: reference rate (Mbit/s)"
assert_cmp "$S2" -ge $((LIMIT * STORM_SECS * 10)) "2: storm frames sent"
# An ASan build reads and drops each storm frame two to three times as
# slowly, so what the storm costs the switch there says nothing of the
# switch users run: the ratio is logged, not judged (as assert_rss_growth
# does for memory); everything else is checked on both builds.
if sw_is_asan; then
    log "ASan build: TCP during the storm $RATIO2 % of the reference, not judged"
else
    assert_cmp "$RATIO2" -ge 90 \
        "2: mean TCP rate of the storm phases in % of the reference phases'"
fi
assert_cmp "$T2" -le "$PASS_MAX" "2: storm frames vm4's port sent"
assert_cmp "$T2" -ge $((LIMIT * STORM_SECS - LIMIT * PAIRS / 2)) \
    "2: storm frames vm4's port sent"
# What the switch read beyond the limit is dropped and counted as storm;
# the kernel's drops before it (rx-overrun) are the rest.
assert_cmp "$((D2 + O2))" -ge $((S2 - PASS_MAX)) \
    "2: vm1 drops.$DROP_STORM + drops.rx-overrun"
assert_cmp "$D2" -le "$S2" "2: vm1 drops.$DROP_STORM"
log "PASS"
