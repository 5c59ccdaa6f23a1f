#!/usr/bin/python3
"""send-frames: sends COUNT copies of a hand-built Ethernet frame on IFACE.

The frame: DST, SRC, the tags given (outermost first, each TPID:TCI, e.g.
0x8100:0 for a priority tag), the ethertype, then a payload (hex, or
zeros of --payload-len bytes; padded to 60 bytes).  Sent with a raw packet
socket, byte for byte: no VLAN offload, no kernel rewriting.  Frames are
paced (--pace seconds apart) and bounded in number.  Prints how many were
sent."""

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


def tag(s):
    tpid, tci = s.split(":")
    return struct.pack("!HH", int(tpid, 0), int(tci, 0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--dst", type=mac, required=True)
    ap.add_argument("--src", type=mac, required=True)
    ap.add_argument("--tag", type=tag, action="append", default=[])
    ap.add_argument("--type", type=lambda s: int(s, 0), default=0x88b5,
                    help="ethertype (or 802.3 length) after the tags")
    ap.add_argument("--payload", default="", help="payload bytes, hex")
    ap.add_argument("--payload-len", type=int, default=46)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--pace", type=float, default=0.01)
    a = ap.parse_args()
    if not 0 < a.count <= 100000:
        ap.error("--count must be 1-100000")

    payload = bytes.fromhex(a.payload) if a.payload \
        else bytes(a.payload_len)
    frame = a.dst + a.src + b"".join(a.tag) + struct.pack("!H", a.type) \
        + payload
    frame += bytes(max(0, 60 - len(frame)))

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    sent = 0
    for _ in range(a.count):
        try:
            s.send(frame)
            sent += 1
        except OSError as e:
            print("send error: %s" % e, file=sys.stderr)
        if a.pace:
            time.sleep(a.pace)
    print(sent)


if __name__ == "__main__":
    main()
