#!/usr/bin/env bash
# test-shutdown-leaks: the daemon shut down by SIGTERM under load leaks
# nothing (LeakSanitizer) and exits 0.
#
# Needs the AddressSanitizer build (tests/run-all.sh --sanitizers, or
# VSWITCH_BUILD pointing at a build configured with --enable-sanitizers);
# skipped on a plain build.  A bridge with three VMs and a team of two
# uplinks carries a 1 ms ping to a remote host and a UDP flood between two
# VMs, and has learned a few hundred extra MACs, when SIGTERM arrives:
# every MAC entry, port, team, timer and thread the daemon made must be
# freed on the way out.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init
require_cmd iperf3 ss nm
require_scapy

# (Not "nm | grep -q": with pipefail, nm killed by SIGPIPE fails the test.)
grep -q ' __asan_init$' < <(nm "$VSWITCHD" 2>/dev/null) \
    || skip "needs a build with --enable-sanitizers (tests/run-all.sh --sanitizers)"

EXTRA_MACS=300

# Every process started from here (the daemon, vswitch-ctl) writes any
# sanitizer report to $VST_TMP/asan.PID instead of its stderr; the leak
# check runs at exit and makes the exit status 23 if it found a leak.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:\
halt_on_error=1:exitcode=23:log_path=$VST_TMP/asan"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}exitcode=23"

# reports: the sanitizer reports written so far, printed; true if any.
reports()
{
    local f found=false
    for f in "$VST_TMP"/asan.*; do
        [[ -s $f ]] || continue
        found=true
        printf '%s: --- %s ---\n' "$VST_NAME" "$(basename "$f")" >&2
        head -n 60 "$f" >&2
    done
    $found
}

team_world 3 2 -- policy=src-mac announce=yes
# vm1 sends the extra sources: a VM port learns 64 addresses by default.
ctl_ok set-port "$(port_of vm1)" mac-limit=unlimited
ctl_ok fdb/add "$TEAM_BR" 02:00:00:00:0f:01 vlan=0 port="$(port_of vm1)"

# A few hundred more MAC entries, from frames with made-up sources.
in_ns vm1 timeout 30 "$VST_PY" - "$(dev_of vm1)" "$EXTRA_MACS" <<'PY' \
    || fail "scapy could not send the frames with extra MACs"
import sys
from scapy.all import ARP, Ether, sendp
iface, n = sys.argv[1], int(sys.argv[2])
frames = [Ether(src="02:00:00:aa:%02x:%02x" % (i >> 8, i & 0xff),
                dst="ff:ff:ff:ff:ff:ff")
          / ARP(op=1, hwsrc="02:00:00:aa:%02x:%02x" % (i >> 8, i & 0xff),
                psrc="198.18.1.1", pdst="198.18.1.250")
          for i in range(n)]
sendp(frames, iface=iface, verbose=False)
PY
learned=$(ctl --json fdb/show "$TEAM_BR" | json 'd["count"]')
log "MAC table holds $learned entries"
assert_cmp "$learned" -gt 100 "MAC entries before the shutdown"

# Load: a 1 ms ping through the team and a UDP flood between two VMs.
fastping_start vm1 "$(rh_ip 1)" 20000 load
bg_ns vm2 "$VST_TMP/iperf3-server.log" iperf3 -s -1 -B 198.18.0.2 -p 5201
wait_for 5 listening vm2 5201 || fail "iperf3 server did not start"
bg_ns vm1 "$VST_TMP/iperf3-client.log" timeout 30 iperf3 -c 198.18.0.2 \
    -p 5201 -u -b 200M -t 20
sleep 2
grep -q 'bytes from' "$VST_TMP/load.ping" \
    || fail "no ping reply through the team before the shutdown"

sw_signal TERM
log "vswitchd exited with status $SW_STATUS under load"
if reports; then
    fail "sanitizer report(s) at shutdown (above)"
fi
assert_eq 0 "$SW_STATUS" "exit status after SIGTERM under load (23: leaks)"
exit 0
