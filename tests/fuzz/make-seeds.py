#!/usr/bin/env python3
"""make-seeds.py: writes the seed inputs of the fuzz targets.

    python3 tests/fuzz/make-seeds.py [DIR]    (default: tests/fuzz/corpus)

Seeds are small, valid or nearly valid inputs that show libFuzzer the
shape of what each parser reads, so that it reaches the deep code
quickly.  They are committed (tests/fuzz/corpus/TARGET/) and replayed by
`make check`; this script documents where they came from and rewrites
them.  Addresses: 198.18.0.0/15, 2001:db8::/32, locally administered MACs.
"""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "corpus")

DST = bytes.fromhex("020000000002")
SRC = bytes.fromhex("020000000001")
BCAST = b"\xff" * 6
IP4_A = bytes([198, 18, 0, 1])
IP4_B = bytes([198, 18, 0, 2])
IP6_A = bytes.fromhex("20010db8000000000000000000000001")
IP6_B = bytes.fromhex("20010db8000000000000000000000002")


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- packet: 1 flag byte (bit 0: auxdata tag), auxdata TPID and TCI, frame.

def pkt(frame, aux=None):
    if aux is None:
        return b"\x00" + struct.pack("!HH", 0, 0) + frame
    tpid, tci = aux
    return b"\x01" + struct.pack("!HH", tpid, tci) + frame


def tag(tpid, vid, pcp=0):
    return struct.pack("!HH", tpid, pcp << 13 | vid)


def ipv4(proto, payload, frag=0, options=b""):
    ihl = 5 + len(options) // 4
    tot = ihl * 4 + len(payload)
    return struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot, 1, frag, 64,
                       proto, 0, IP4_A, IP4_B) + options + payload


def ipv6(nh, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64,
                       IP6_A, IP6_B) + payload


def udp(sport=1000, dport=2000, data=b"hello"):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def tcp(sport=40000, dport=80):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x02, 65535,
                       0, 0)


def eth(type_, payload, dst=DST, src=SRC, tags=b""):
    return dst + src + tags + struct.pack("!H", type_) + payload


ARP = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, SRC, IP4_A,
                  b"\0" * 6, IP4_B)

write("packet", "untagged-arp", pkt(eth(0x0806, ARP, dst=BCAST)))
write("packet", "untagged-ipv4-udp", pkt(eth(0x0800, ipv4(17, udp()))))
write("packet", "untagged-ipv4-tcp-options",
      pkt(eth(0x0800, ipv4(6, tcp(), options=b"\x01\x01\x01\x00"))))
write("packet", "untagged-ipv4-fragment",
      pkt(eth(0x0800, ipv4(17, udp(), frag=0x2000))))
write("packet", "untagged-ipv4-sctp", pkt(eth(0x0800, ipv4(132, udp()))))
write("packet", "untagged-ipv6-tcp", pkt(eth(0x86dd, ipv6(6, tcp()))))
write("packet", "untagged-ipv6-hopopts-udp",
      pkt(eth(0x86dd, ipv6(0, bytes([17, 0]) + b"\x01\x04\0\0\0\0"
                           + udp()))))
write("packet", "untagged-ipv6-fragment",
      pkt(eth(0x86dd, ipv6(44, bytes([17, 0, 0, 1, 0, 0, 0, 7])
                           + udp()))))
write("packet", "tagged-8021q-ipv4-udp",
      pkt(eth(0x0800, ipv4(17, udp()), tags=tag(0x8100, 10, 5))))
write("packet", "tagged-8021ad-8021q-ipv4-tcp",
      pkt(eth(0x0800, ipv4(6, tcp()),
              tags=tag(0x88a8, 100) + tag(0x8100, 10))))
write("packet", "priority-tag-then-vlan-tag",
      pkt(eth(0x0800, ipv4(17, udp()),
              tags=tag(0x8100, 0, 3) + tag(0x8100, 20))))
write("packet", "auxdata-tag-ipv6-udp",
      pkt(eth(0x86dd, ipv6(17, udp())), aux=(0x8100, 10)))
write("packet", "auxdata-tag-inner-tag-ipv4",
      pkt(eth(0x0800, ipv4(17, udp()), tags=tag(0x8100, 10)),
          aux=(0x88a8, 100)))
write("packet", "auxdata-tpid-zero", pkt(eth(0x0806, ARP), aux=(0, 30)))
write("packet", "lldp-link-local",
      pkt(eth(0x88cc, b"\x02\x07\x04" + SRC + b"\0\0",
              dst=bytes.fromhex("0180c200000e"))))
write("packet", "runt", pkt(DST + SRC))
write("packet", "tag-cut-off", pkt(DST + SRC + b"\x81\x00\x00"))

# ---- ctl: request lines as vswitch-ctl sends them, and replies.

for name, line in [
    ("add-port", '{"command":"add-port","args":["br0","vnet0","vlan=10"],'
                 '"json":false}'),
    ("show-json", '{"command":"show","args":[],"json":true}'),
    ("help", '{"command":"help","args":["add-port"],"json":false}'),
    ("list-commands", '{"command":"list-commands"}'),
    ("echo-unicode", '{"command":"echo","args":["a\\u00e9\\n\\t",'
                     '"\\ud83d\\ude00"],"json":null}'),
    ("two-requests", '{"command":"version"}\n{"command":"echo",'
                     '"args":["x","y","z","w"]}\n'),
    ("reply-ok", '{"status":0,"text":"br0\\n","result":{"bridges":'
                 '[{"name":"br0","ports":[1,2.5,true,null]}]}}'),
    ("reply-refused", '{"status":1,"text":"no bridge br9","result":null}'),
    ("not-an-object", '["command","show"]'),
    ("nested", '{"command":"x","args":[],"extra":{"a":[[[[{"b":1}]]]]}}'),
]:
    write("ctl", name, line.encode())

# ---- config: key files.

write("config", "full", b"""\
# A configuration with every kind of group.
[bridge br0]
mac-aging=300
mac-table-size=8192

[port vnet0]
bridge=br0
vlan=10                  # access port
uplink=eth2

[port vnet1]
bridge=br0
trunks=10,20,100-199
native=20

[port vnet2]
bridge=br0

[team bond0]
bridge=br0
members=eth1,eth2,eth3
policy=hash
hash-fields=l34
mode=static
updelay=200
downdelay=100
failback=no
announce=yes
announce-count=3
announce-interval=100
rebalance=10
probe=arp:198.18.0.254
probe-interval=1000
disabled=eth3
trunks=10,20,100-199

[fdb br0 02:00:00:00:00:01]
vlan=10
port=vnet0
""")
write("config", "two-bridges", b"""\
[bridge br0]
[bridge br1]
mac-aging=0
[port p0]
bridge=br0
trunks=all
[port p1]
bridge=br1
vlan=4094
[team t1]
bridge=br1
members=e1
policy=active-backup
vlan=4094
[fdb br1 02:00:00:00:00:02]
vlan=4094
port=t1
""")
write("config", "empty", b"")
write("config", "bad-vlan", b"[bridge br0]\n[port p0]\nbridge=br0\n"
      b"vlan=5000\n")
write("config", "unknown-group", b"[switch s0]\nx=1\n")
