#!/usr/bin/env bash
# test-port-rate: rate-out and rate-in police a VM's TCP traffic to within a
# few percent of the rate, with the devices' default offloads on (TSO/GSO:
# super-frames charged by their size) (issue 9, rate limits).
#
#   vm1 --+-- switch --+-- vm2
#
# iperf3 TCP, 5 s each (the limited ones: the median of three runs):
#   0. no limit, vm1 -> vm2: well above 100 Mbit/s (> UNLIMITED_MIN);
#   1. rate-out=100M on vm1 (from the VM), vm1 -> vm2: 90-105 Mbit/s,
#      drops.rate-out counted;
#   2. rate-out=none rate-in=100M on vm1 (to the VM), vm2 -> vm1: 90-105
#      Mbit/s, drops.rate-in counted; vm1 -> vm2 is no longer limited
#      (> UNLIMITED_MIN): each direction separately.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init
require_cmd iperf3 ss

UNLIMITED_MIN=500
ROUNDS=3
LOW=90
HIGH=105

port_world vm1 vm2
attach br0 vm1
attach br0 vm2
P1=$(port_of vm1)
for vm in vm1 vm2; do
    log "$vm offloads: $(in_ns "$vm" ethtool -k "$(dev_of "$vm")" 2>/dev/null \
        | grep -E '^(tcp-segmentation-offload|generic-segmentation-offload):' \
        | tr -s ' \n' ' ')"
done
assert_ping vm1 198.18.0.2

# Every run first, the checks after, so that a failure shows all numbers.
log "0. no limit"
iperf_mbps vm1 vm2 198.18.0.2 5
R0=$MBPS
log "0: vm1 -> vm2 without a limit: $R0 Mbit/s, $RETR retransmissions"

# policed_mbps NAME FROM SRV IP DROP: ROUNDS runs of 5 s of TCP FROM ->
# SRV; MBPS is their median (one run slowed down by another program on a
# 2-CPU machine does not decide), DROPS the drops.DROP of all of them.
policed_mbps()
{
    local name=$1 from=$2 srv=$3 ip=$4 drop=$5 d0 d1 i all=()
    d0=$(drops_total "$drop")
    for ((i = 0; i < ROUNDS; i++)); do
        iperf_mbps "$from" "$srv" "$ip" 5
        log "$name: $MBPS Mbit/s, $RETR retransmissions"
        all+=("$MBPS")
    done
    d1=$(drops_total "$drop")
    DROPS=$((d1 - d0))
    MBPS=$(printf '%s\n' "${all[@]}" | sort -n | sed -n "$((ROUNDS / 2 + 1))p")
    log "$name: median $MBPS Mbit/s of ${all[*]}; drops.$drop +$DROPS"
}

log "1. rate-out=100M"
ctl_ok set-port "$P1" rate-out=100M
policed_mbps "1: vm1 -> vm2 with rate-out=100M" vm1 vm2 198.18.0.2 \
    "$DROP_RATE_OUT"
R1=$MBPS
D1=$DROPS

log "2. rate-in=100M"
ctl_ok set-port "$P1" rate-out=none rate-in=100M
policed_mbps "2: vm2 -> vm1 with rate-in=100M" vm2 vm1 198.18.0.1 \
    "$DROP_RATE_IN"
R2=$MBPS
D2=$DROPS
iperf_mbps vm1 vm2 198.18.0.2 4
R3=$MBPS
log "2: vm1 -> vm2 with rate-in=100M only: $R3 Mbit/s, $RETR retransmissions"

assert_cmp "$R0" -gt $UNLIMITED_MIN "0: vm1 -> vm2 without a limit (Mbit/s)"
assert_cmp "$R1" -ge $LOW "1: vm1 -> vm2 with rate-out=100M (Mbit/s, median)"
assert_cmp "$R1" -le $HIGH "1: vm1 -> vm2 with rate-out=100M (Mbit/s, median)"
assert_cmp "$D1" -gt 0 "1: drops.$DROP_RATE_OUT"
assert_cmp "$R2" -ge $LOW "2: vm2 -> vm1 with rate-in=100M (Mbit/s, median)"
assert_cmp "$R2" -le $HIGH "2: vm2 -> vm1 with rate-in=100M (Mbit/s, median)"
assert_cmp "$D2" -gt 0 "2: drops.$DROP_RATE_IN"
assert_cmp "$R3" -gt $UNLIMITED_MIN "2: vm1 -> vm2, rate-in only (Mbit/s)"
log "PASS"
