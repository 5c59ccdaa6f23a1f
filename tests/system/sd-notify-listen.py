#!/usr/bin/python3
"""sd-notify-listen: plays systemd's side of sd_notify(3) for a test.

Binds an AF_UNIX datagram socket at SOCKET (a file name), with SO_PASSCRED
as systemd sets it, and writes one line per message received to OUT:

    SECONDS PID VAR=VALUE|VAR=VALUE...

(SECONDS: the monotonic clock; PID: the sender, from its credentials; the
message's newline-separated assignments joined by '|').  Each line is
flushed at once.  With --snapshot FILE, a message that holds READY=1 also
copies FILE as it is at that moment to OUT.readyN (N = 1, 2, ...): what the
daemon had logged when it said it was ready.  Touches --ready once bound.
Exits after --timeout seconds (bounded, like every test process)."""

import argparse
import os
import shutil
import socket
import struct
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--snapshot")
    ap.add_argument("--ready")
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    sock.bind(args.socket)
    if args.ready:
        open(args.ready, "w").close()

    end = time.monotonic() + args.timeout
    n_ready = 0
    with open(args.out, "w") as out:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return 0
            sock.settimeout(left)
            try:
                msg, anc, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(12))
            except socket.timeout:
                return 0
            now = time.monotonic()
            pid = 0
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and \
                        kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("iII", data[:12])[0]
            fields = msg.decode("utf-8", "replace").strip("\n").split("\n")
            if "READY=1" in fields and args.snapshot:
                n_ready += 1
                try:
                    shutil.copyfile(args.snapshot,
                                    "%s.ready%d" % (args.out, n_ready))
                except OSError as e:
                    print("cannot copy %s: %s" % (args.snapshot, e),
                          file=sys.stderr)
            out.write("%.3f %d %s\n" % (now, pid, "|".join(fields)))
            out.flush()


if __name__ == "__main__":
    sys.exit(main())
