#!/usr/bin/python3
"""mac-flood: sends many small Ethernet frames on IFACE, fast.

Two uses by the port-policy tests:
  - a MAC flood: --count N frames, each from a different source address
    (--src-prefix, two bytes, then a 32-bit counter from --first), to
    --dst (default broadcast);
  - a broadcast storm: frames from one --src for --duration seconds at
    --pps frames per second (paced in 10 ms batches); with --alternate
    IFACE2 --period P, the storm goes to --iface for P seconds, then to
    IFACE2 for P seconds, and so on, and a line per phase says where it
    went and when: "phase N IFACE START END SENT" (CLOCK_MONOTONIC
    seconds, the clock of time.monotonic() in every process).
Frames are built up front where possible and sent with a raw packet socket,
byte for byte.  Bounded: at most 1,000,000 frames, 300 seconds.  Prints
"sent N in S seconds" (send errors, e.g. a full device queue, are counted
apart as "errors N")."""

import argparse
import socket
import struct
import sys
import time


def mac(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6:
        raise argparse.ArgumentTypeError("bad MAC %r" % s)
    return b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--dst", type=mac, default=mac("ff:ff:ff:ff:ff:ff"))
    ap.add_argument("--src", type=mac,
                    help="one source for every frame (a storm)")
    ap.add_argument("--src-prefix", default="0a:f0",
                    help="first two bytes of the varying sources")
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--pps", type=int, default=0,
                    help="frames per second (0: as fast as possible)")
    ap.add_argument("--duration", type=float, default=0)
    ap.add_argument("--type", type=lambda s: int(s, 0), default=0x88b5)
    ap.add_argument("--alternate", metavar="IFACE2",
                    help="storm: alternate between --iface and IFACE2")
    ap.add_argument("--period", type=float, default=1.0,
                    help="storm: seconds on each side with --alternate")
    a = ap.parse_args()
    if not 0 <= a.count <= 1000000 or not 0 <= a.duration <= 300:
        ap.error("--count at most 1000000, --duration at most 300")
    if not a.count and not a.duration:
        ap.error("give --count or --duration")
    if a.alternate and (a.src is None or not a.duration
                        or not 0.1 <= a.period <= 60):
        ap.error("--alternate needs --src, --duration and a --period "
                 "of 0.1 to 60 seconds")

    tail = struct.pack("!H", a.type) + bytes(46)
    socks = []
    for name in [a.iface] + ([a.alternate] if a.alternate else []):
        so = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        so.bind((name, 0))
        so.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        socks.append((name, so))
    s = socks[0][1]
    sent = errors = 0
    start = time.monotonic()
    if a.src is not None:
        frame = a.dst + a.src + tail
        batch = max(1, a.pps // 100) if a.pps else 1000
        end = start + a.duration if a.duration else float("inf")
        next_t = start
        phase, phase_start, phase_sent = 0, start, 0
        while time.monotonic() < end and (not a.count or sent < a.count):
            now = time.monotonic()
            if a.alternate and now >= phase_start + a.period:
                print("phase %d %s %.6f %.6f %d" % (
                    phase, socks[phase % 2][0], phase_start, now,
                    sent - phase_sent))
                phase, phase_start, phase_sent = phase + 1, now, sent
                s = socks[phase % 2][1]
            for _ in range(batch):
                try:
                    s.send(frame)
                    sent += 1
                except OSError:
                    errors += 1
            if a.pps:
                next_t += 0.01
                delay = next_t - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        if a.alternate:
            print("phase %d %s %.6f %.6f %d" % (
                phase, socks[phase % 2][0], phase_start, time.monotonic(),
                sent - phase_sent))
    else:
        prefix = mac(a.src_prefix + ":00:00:00:00")[:2]
        head = a.dst + prefix
        pack = struct.Struct("!I").pack
        frames = [head + pack(i & 0xffffffff) + tail
                  for i in range(a.first, a.first + a.count)]
        for f in frames:
            try:
                s.send(f)
                sent += 1
            except OSError:
                errors += 1
    print("sent %d in %.2f seconds, errors %d"
          % (sent, time.monotonic() - start, errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
