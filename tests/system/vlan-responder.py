#!/usr/bin/python3
"""A tagged host on a trunk: answers ARP and ICMP echo on one 802.1Q VLAN.

This kernel has no VLAN devices, so a host that lives on VLAN N behind a
trunk is played by this script.  It reads every frame of its device with a
packet socket (scapy puts back the 802.1Q tag that the kernel reports in
PACKET_AUXDATA), and answers, tagged with the same VLAN:

  - an ARP request for its address, carried in exactly one tag of VLAN N;
  - an ICMP echo request to its address, carried the same way.

Anything else (untagged frames, other VLANs, double tags) is ignored and
counted.  It stops by itself after --timeout seconds, or on SIGTERM, and
prints its counts.
"""

import argparse
import os
import select
import signal
import sys
import time

from scapy.all import ARP, ICMP, IP, Dot1Q, Ether, get_if_hwaddr
from scapy.arch.linux import L2Socket


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--vlan", type=int, required=True)
    ap.add_argument("--ip", required=True)
    ap.add_argument("--mac", help="default: the device's address")
    ap.add_argument("--ready", help="file created once listening")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()

    mac = (args.mac or get_if_hwaddr(args.iface)).lower()
    counts = {"arp": 0, "icmp": 0, "other-vlan": 0, "untagged": 0,
              "ignored": 0}

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    sock = L2Socket(iface=args.iface)
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("%d\n" % os.getpid())
    print("listening on %s vlan %d ip %s mac %s"
          % (args.iface, args.vlan, args.ip, mac), flush=True)

    deadline = time.monotonic() + args.timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([sock], [], [], min(left, 0.5))
            if not r:
                continue
            pkt = sock.recv()
            if pkt is None or not pkt.haslayer(Ether):
                continue
            if pkt[Ether].src.lower() == mac:
                continue                        # Our own reply.
            if not isinstance(pkt[Ether].payload, Dot1Q):
                counts["untagged"] += 1
                continue
            tag = pkt[Ether].payload
            if tag.vlan != args.vlan:
                counts["other-vlan"] += 1
                continue
            inner = tag.payload
            if isinstance(inner, ARP):
                if inner.op != 1 or inner.pdst != args.ip:
                    counts["ignored"] += 1
                    continue
                reply = (Ether(src=mac, dst=pkt[Ether].src)
                         / Dot1Q(vlan=args.vlan)
                         / ARP(op=2, hwsrc=mac, psrc=args.ip,
                               hwdst=inner.hwsrc, pdst=inner.psrc))
                sock.send(reply)
                counts["arp"] += 1
            elif isinstance(inner, IP) and isinstance(inner.payload, ICMP):
                icmp = inner.payload
                if icmp.type != 8 or inner.dst != args.ip:
                    counts["ignored"] += 1
                    continue
                reply = (Ether(src=mac, dst=pkt[Ether].src)
                         / Dot1Q(vlan=args.vlan)
                         / IP(src=args.ip, dst=inner.src)
                         / ICMP(type=0, id=icmp.id, seq=icmp.seq)
                         / icmp.payload)
                sock.send(reply)
                counts["icmp"] += 1
            else:
                counts["ignored"] += 1
    finally:
        print("counts: " + " ".join("%s=%d" % kv for kv in counts.items()),
              flush=True)
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
