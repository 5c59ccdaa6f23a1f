#!/usr/bin/env bash
# test-ctl-hostile: hostile control requests and configuration bytes are
# refused, and the daemon keeps forwarding (issue: hardening, hole 8).
#
# Against the running daemon, over its control socket:
#   - a 200 KB request nested 100,000 levels deep (json-glib recursed until
#     the stack overflowed: the daemon crashed and all forwarding stopped);
#   - a request with a key given twice, and one with a NUL (\u0000) in an
#     argument (it truncated names);
# each gets a refusal, and afterwards the daemon still answers and the VMs
# still reach each other.  Then a configuration file with a NUL byte in a
# value (vlan=2\0junk was taken as VLAN 2) is refused at SIGHUP: the
# running state stays as it was.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
attach br0 vm2 vlan=10
assert_ping vm1 198.18.0.2
show0=$(ctl --json show)
# The daemon logs each refused request before it closes the connection.
expect_log '\|warn\|ctl\|.*: closing control connection: '

# raw PAYLOAD-PYTHON-EXPR: sends one request line built by the Python
# expression, prints the daemon's reply line (or "closed").
raw()
{
    "$VST_PY" - "$VST_SOCK" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(eval(sys.argv[2]) + b"\n")
buf = b""
try:
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
except OSError as e:
    print("error: %s" % e)
print(buf.decode(errors="replace").strip() or "closed")
PY
}

log "a request nested 100,000 levels deep (200 KB)"
r=$(raw 'b"{\"command\": \"show\", \"args\": " + b"[" * 100000 + b"]" * 100000 + b"}"')
log "reply: ${r:0:160}"
[[ $r == *'"status":'* && $r != *'"status": 0'* && $r != *'"status":0'* ]] \
    || fail "the deep request was not refused: ${r:0:200}"
kill -0 "$VST_DAEMON_PID" || fail "the daemon died on the deep request"

log "a request with a key given twice"
r=$(raw 'b"{\"command\": \"del-br\", \"command\": \"show\", \"args\": [\"br0\"]}"')
log "reply: ${r:0:160}"
[[ $r == *'"status":'* && $r != *'"status": 0'* && $r != *'"status":0'* ]] \
    || fail "the request with a duplicate key was not refused: $r"

log "a request with a NUL in an argument"
r=$(raw 'b"{\"command\": \"del-br\", \"args\": [\"br0\\u0000junk\"]}"')
log "reply: ${r:0:160}"
[[ $r == *'"status":'* && $r != *'"status": 0'* && $r != *'"status":0'* ]] \
    || fail "the request with a NUL was not refused: $r"

assert_eq "$show0" "$(ctl --json show)" "show --json after the hostile requests"
assert_ping vm1 198.18.0.2

log "a configuration file with a NUL byte in a value, then SIGHUP"
cp "$VST_CONF" "$VST_TMP/good.conf"
"$VST_PY" - "$VST_CONF" <<'PY'
import sys
p = sys.argv[1]
data = open(p, "rb").read().replace(b"vlan=10", b"vlan=2\x00junk", 1)
open(p, "wb").write(data)
PY
grep -qa $'vlan=2' "$VST_CONF" || fail "could not plant the NUL byte"
expect_log '\|err\|bridge\|configuration not reloaded'
sw_signal HUP
sleep 1
kill -0 "$VST_DAEMON_PID" || fail "the daemon died on the reload"
grep -q 'configuration not reloaded' "$VST_LOG" \
    || fail "the refused reload was not logged: $(tail -n 3 "$VST_LOG")"
assert_eq "$show0" "$(ctl --json show)" "show --json after the refused reload"
assert_ping vm1 198.18.0.2
cp "$VST_TMP/good.conf" "$VST_CONF"
log "PASS"
