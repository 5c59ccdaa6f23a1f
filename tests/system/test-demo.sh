#!/usr/bin/env bash
# test-demo: the README's first command, utilities/demo.sh, tells its story
# and leaves nothing behind.
#   1. A whole run (--no-setup: run-all.sh has built the tree; the picture
#      in this test's temp dir) exits 0, prints the measured outage of the
#      cable pull and of the failback, the failover and failback events with
#      the microseconds to the new map, the announcements of vm1's MAC the
#      physical network heard, the text timeline and where the picture is;
#      the picture is a valid PNG (every chunk's CRC, the image data
#      inflates to the size its header says) of a sensible size.
#   2. A run interrupted (SIGINT, as Ctrl-C) while its stream runs exits
#      130 and cleans up as well.
#   After each: none of the demo's namespaces, devices, processes or temp
#   files is left, and its daemon is gone.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init
require_scapy
"$VST_PY" -c 'import matplotlib' 2>/dev/null \
    || skip "matplotlib not installed (run tests/setup.sh)"

DEMO=$VST_SRCDIR/utilities/demo.sh
PNG=$VST_TMP/demo.png

# demo_prefix OUT: the demo's name prefix, from its output.
demo_prefix()
{
    sed -n 's/.*every name starts with \(vd[0-9a-f]*\)).*/\1/p' "$1" \
        | head -n 1
}

# assert_gone OUT: nothing the demo of output OUT made is left.
assert_gone()
{
    local out=$1 pfx pid
    pfx=$(demo_prefix "$out")
    [[ -n $pfx ]] || fail "no name prefix in the demo's output: \
$(head -n 20 "$out")"
    assert_eq "" "$(ip netns list | awk '{print $1}' | grep "^$pfx-")" \
        "namespaces $pfx-* left by the demo"
    assert_eq "" "$(ip -o link show | awk -F': ' '{print $2}' \
        | grep "^$pfx")" "devices $pfx* left in the machine's namespace"
    assert_eq "" "$(find /tmp -maxdepth 1 -name "$pfx.*")" \
        "temp dirs /tmp/$pfx.* left by the demo"
    assert_eq "" "$(pgrep -f -- "/tmp/$pfx\\.")" \
        "processes still using the demo's temp dir"
    pid=$(sed -n 's/.*vswitchd runs as pid \([0-9]*\) .*/\1/p' "$out" \
        | head -n 1)
    [[ -n $pid ]] || fail "no daemon pid in the demo's output"
    if [[ -e /proc/$pid ]] \
        && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == vswitchd ]]; then
        fail "the demo's vswitchd (pid $pid) still runs"
    fi
    log "ok: the demo with prefix $pfx left nothing behind (daemon pid $pid \
gone)"
}

# assert_output OUT PATTERN WHAT: OUT has a line matching PATTERN (ERE).
assert_output()
{
    local line
    line=$(grep -E -m 1 -- "$2" "$1") \
        || fail "$3: no line matching '$2' in the demo's output"
    log "ok: $3: ${line#"${line%%[! ]*}"}"
}

# 1. A whole run.
OUT=$VST_TMP/demo.out
timeout -s TERM 100 "$DEMO" --no-setup --output="$PNG" >"$OUT" 2>&1
rc=$?
if ((rc != 0)); then
    sed 's/^/    /' "$OUT" | tail -n 60 >&2
    fail "the demo exited with status $rc"
fi
log "ok: the demo exited 0 in its run"
# The outage at the pull and at the failback, measured on vm1's stream.
OUTAGE='^ +vm1 -> host10, now on u[12]: [0-9]+ unanswered, '
OUTAGE+='longest silence [0-9]+\.[0-9] ms \([0-9]+ replies\)$'
assert_cmp "$(grep -cE "$OUTAGE" "$OUT")" -eq 2 \
    "lines with vm1's measured outage (the pull, the failback)"
assert_output "$OUT" "$OUTAGE" "vm1's outage at the pull"
assert_output "$OUT" '^ +OK +hypervisor \(198\.18\.0\.100\) -> host10 \(VLAN 10\): [1-5] of 5 pings answered$' \
    "the hypervisor's internal port reaches host10"
assert_output "$OUT" "port [^ ]+ \\(the hypervisor's port\\): internal, access vlan=10, up" \
    "show's line of the hypervisor's internal port"
# What moved, and the microseconds from the event to the new map.
MOVED='port [^ ]+ \(vm1\) moved [^ ]+ \(u[12]\) -> [^ ]+ \(u[12]\)'
MAP='[0-9]+ item\(s\) moved; new map in use [0-9]+ us after the event'
assert_output "$OUT" 'member [^ ]+ \(u[12]\): up -> down' "member down event"
assert_output "$OUT" "$MOVED \\(failover\\)" "vm1's failover event"
assert_output "$OUT" "failover: $MAP" "failover summary"
assert_output "$OUT" 'member [^ ]+ \(u[12]\): down -> up' "member up event"
assert_output "$OUT" "$MOVED \\(failback\\)" "vm1's failback event"
assert_output "$OUT" "(failback|member back in use): $MAP" "failback summary"
# The announcements of vm1 the physical network heard.
RARP='RARP from 02:00:00:00:00:01 \(vm1\), VLAN 10$'
assert_output "$OUT" "after u[12] went down, on .*: $RARP" \
    "vm1's announcement heard after the pull"
assert_output "$OUT" "after u[12] came back up, on .*: $RARP" \
    "vm1's announcement heard after the failback"
assert_output "$OUT" '^ +u1 \([^)]*\) +\|[^|]+\|$' "text timeline of u1"
assert_output "$OUT" '^ +u2 \([^)]*\) +\|[^|]+\|$' "text timeline of u2"
assert_eq "Demo done: every expectation held.  The picture: $PNG" \
    "$(tail -n 1 "$OUT")" "the demo's last line"

# The picture: a PNG whose chunks all check out.
read -r w h size < <("$VST_PY" - "$PNG" <<'PY' || fail "$PNG: not a PNG"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
pos, idat, ihdr, end = 8, b"", None, False
while pos < len(data):
    n, kind = struct.unpack_from(">I4s", data, pos)
    body = data[pos + 8:pos + 8 + n]
    crc = struct.unpack_from(">I", data, pos + 8 + n)[0]
    assert zlib.crc32(kind + body) == crc, "bad CRC in %r" % kind
    if kind == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    elif kind == b"IEND":
        end = True
    pos += 12 + n
assert ihdr and end, "no IHDR or IEND"
w, h, depth, color = ihdr[:4]
channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
row = 1 + (w * channels * depth + 7) // 8
assert len(zlib.decompress(idat)) == h * row, "image data of the wrong size"
print(w, h, len(data))
PY
)
assert_cmp "$w" -ge 600 "picture width in pixels"
assert_cmp "$w" -le 3000 "picture width in pixels"
assert_cmp "$h" -ge 300 "picture height in pixels"
assert_cmp "$h" -le 3000 "picture height in pixels"
assert_cmp "$size" -ge 10000 "picture size in bytes"
assert_cmp "$size" -le 3000000 "picture size in bytes"
assert_gone "$OUT"

# 2. Interrupted while the stream runs (job control on, so that the demo
# does not start with SIGINT ignored, as background commands of a script
# otherwise do).
OUT2=$VST_TMP/demo-int.out
set -m
timeout -s TERM 100 "$DEMO" --no-setup --output="$VST_TMP/int.png" \
    >"$OUT2" 2>&1 &
DEMO_PID=$!
set +m
VST_PIDS+=("$DEMO_PID")
wait_for 60 grep -q '^== A live stream' "$OUT2" \
    || fail "the demo did not reach its stream: $(tail -n 20 "$OUT2")"
sleep 0.5
# timeout passes the signal on to the demo.
kill -INT "$DEMO_PID"
wait "$DEMO_PID"
rc=$?
assert_eq 130 "$rc" "exit status of the interrupted demo"
assert_output "$OUT2" '^== Cleaning up' "the interrupted demo's cleanup"
assert_gone "$OUT2"
exit 0
