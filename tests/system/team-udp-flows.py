#!/usr/bin/python3
"""team-udp-flows: sends FLOWS UDP flows to DST, COUNT datagrams each.

Flow i goes from source port SPORT+i to destination port DPORT+i.  The
datagrams are interleaved across flows and paced (one every PACE
seconds) so that no queue on the way overflows.  Prints the number of
datagrams sent."""

import argparse
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dst", required=True)
    ap.add_argument("--flows", type=int, default=64)
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--sport", type=int, default=20000)
    ap.add_argument("--dport", type=int, default=30000)
    ap.add_argument("--pace", type=float, default=0.0002)
    ap.add_argument("--size", type=int, default=200)
    a = ap.parse_args()

    socks = []
    for i in range(a.flows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", a.sport + i))
        socks.append(s)
    payload = b"x" * a.size
    sent = 0
    for _ in range(a.count):
        for i, s in enumerate(socks):
            try:
                s.sendto(payload, (a.dst, a.dport + i))
                sent += 1
            except OSError as e:
                # Not counted as sent; the caller compares the count.
                print("send error: %s" % e, file=sys.stderr)
            time.sleep(a.pace)
    print(sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
