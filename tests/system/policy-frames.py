#!/usr/bin/python3
"""policy-frames: sends the frames the port guards look at, with scapy.

--kind (repeatable) is one of:
  dhcp-offer      DHCPv4 server message (UDP 67 -> 68, BOOTREPLY, offer)
  dhcp-ack        DHCPv4 server message (ack)
  dhcp-discover   DHCPv4 client message (UDP 68 -> 67): no guard drops it
  dhcp6-advertise DHCPv6 server message (UDP 547 -> 546, Advertise)
  dhcp6-reply     DHCPv6 server message (Reply)
  dhcp6-solicit   DHCPv6 client message (UDP 546 -> 547)
  ra              ICMPv6 router advertisement
  redirect        ICMPv6 redirect
  ra-hbh          RA behind a hop-by-hop options header
  ra-dstopt       RA behind a destination options header
  ra-hbh-dstopt   RA behind hop-by-hop and destination options headers
  ns              ICMPv6 neighbour solicitation: no guard drops it
  echo6           ICMPv6 echo request to ff02::1: no guard drops it
Each kind has its own IPv4 or IPv6 source address (KINDS below, printed
with --list), so a capture can count each kind apart.  --vlan puts an
802.1Q tag on the frames.  COUNT frames of each kind, --pace apart."""

import argparse
import sys

# kind -> its source address (scapy is imported only to send: --list is
# quick).
KINDS = {
    "dhcp-offer": "198.18.1.1",
    "dhcp-ack": "198.18.1.2",
    "dhcp-discover": "198.18.1.3",
    "dhcp6-advertise": "fe80::a1",
    "dhcp6-reply": "fe80::a2",
    "dhcp6-solicit": "fe80::a3",
    "ra": "fe80::b1",
    "redirect": "fe80::b2",
    "ra-hbh": "fe80::b3",
    "ra-dstopt": "fe80::b4",
    "ra-hbh-dstopt": "fe80::b5",
    "ns": "fe80::c1",
    "echo6": "fe80::c2",
}


def l3(kind, client_mac):
    from scapy.all import (BOOTP, DHCP, DHCP6_Advertise, DHCP6_Reply,
                           DHCP6_Solicit, ICMPv6EchoRequest, ICMPv6ND_NS,
                           ICMPv6ND_RA, ICMPv6ND_Redirect,
                           ICMPv6NDOptPrefixInfo, IP, IPv6,
                           IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, UDP)
    src = KINDS[kind]
    chaddr = bytes(int(x, 16) for x in client_mac.split(":"))
    if kind in ("dhcp-offer", "dhcp-ack"):
        mtype = "offer" if kind == "dhcp-offer" else "ack"
        return (IP(src=src, dst="255.255.255.255")
                / UDP(sport=67, dport=68)
                / BOOTP(op=2, yiaddr="198.18.1.100", siaddr=src,
                        chaddr=chaddr, xid=0x1234)
                / DHCP(options=[("message-type", mtype),
                                ("server_id", src), "end"]))
    if kind == "dhcp-discover":
        return (IP(src=src, dst="255.255.255.255")
                / UDP(sport=68, dport=67)
                / BOOTP(op=1, chaddr=chaddr, xid=0x1234)
                / DHCP(options=[("message-type", "discover"), "end"]))
    if kind == "dhcp6-advertise":
        return (IPv6(src=src, dst="fe80::1:2")
                / UDP(sport=547, dport=546) / DHCP6_Advertise(trid=1))
    if kind == "dhcp6-reply":
        return (IPv6(src=src, dst="fe80::1:2")
                / UDP(sport=547, dport=546) / DHCP6_Reply(trid=1))
    if kind == "dhcp6-solicit":
        return (IPv6(src=src, dst="ff02::1:2")
                / UDP(sport=546, dport=547) / DHCP6_Solicit(trid=1))
    ra = (ICMPv6ND_RA(routerlifetime=1800)
          / ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64))
    if kind == "ra":
        return IPv6(src=src, dst="ff02::1", hlim=255) / ra
    if kind == "redirect":
        return (IPv6(src=src, dst="fe80::1:2", hlim=255)
                / ICMPv6ND_Redirect(tgt="fe80::99", dst="2001:db8:2::1"))
    if kind == "ra-hbh":
        return IPv6(src=src, dst="ff02::1", hlim=255) \
            / IPv6ExtHdrHopByHop() / ra
    if kind == "ra-dstopt":
        return IPv6(src=src, dst="ff02::1", hlim=255) \
            / IPv6ExtHdrDestOpt() / ra
    if kind == "ra-hbh-dstopt":
        return IPv6(src=src, dst="ff02::1", hlim=255) \
            / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / ra
    if kind == "ns":
        return (IPv6(src=src, dst="ff02::1:ff00:99", hlim=255)
                / ICMPv6ND_NS(tgt="2001:db8::99"))
    if kind == "echo6":
        return IPv6(src=src, dst="ff02::1") / ICMPv6EchoRequest()
    raise ValueError(kind)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface")
    ap.add_argument("--src", help="source MAC")
    ap.add_argument("--client", default="02:00:00:00:00:fe",
                    help="client MAC in DHCPv4 messages")
    ap.add_argument("--kind", action="append", default=[],
                    choices=sorted(KINDS))
    ap.add_argument("--vlan", type=int)
    ap.add_argument("--count", type=int, default=5)
    ap.add_argument("--pace", type=float, default=0.005)
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for k, v in KINDS.items():
            print(k, v)
        return 0
    if not a.iface or not a.src or not a.kind:
        ap.error("--iface, --src and --kind are needed")
    if not 0 < a.count <= 1000:
        ap.error("--count must be 1-1000")
    from scapy.all import Dot1Q, Ether, sendp
    frames = []
    for kind in a.kind:
        p = l3(kind, a.client)
        dst = "ff:ff:ff:ff:ff:ff" if kind.startswith("dhcp-") \
            else "33:33:00:00:00:01"
        eth = Ether(src=a.src, dst=dst)
        if a.vlan is not None:
            eth = eth / Dot1Q(vlan=a.vlan)
        frames.append(eth / p)
    sendp(frames * a.count, iface=a.iface, inter=a.pace, verbose=False)
    print(len(frames) * a.count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
