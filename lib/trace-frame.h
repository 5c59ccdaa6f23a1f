/* trace-frame: the frame that "vswitch-ctl trace" runs through the
 * pipeline, built from KEY=VALUE fields or given whole in hex.
 *
 * Fields (the names Open vSwitch's flows use):
 *   dl_src=MAC       source (default 02:00:00:00:00:01)
 *   dl_dst=MAC       destination (default ff:ff:ff:ff:ff:ff, broadcast)
 *   vlan=N           an 802.1Q tag with VLAN N (0-4095; default: untagged)
 *   pcp=N            the tag's priority (0-7; a priority tag, VLAN 0, if
 *                    no vlan is given)
 *   dl_type=TYPE     ethertype: a number (0x0800) or ip, ipv6, arp, rarp
 *                    (default: ipv6 if nw_src or nw_dst is an IPv6
 *                    address, ip otherwise)
 *   nw_src=ADDR, nw_dst=ADDR
 *                    IPv4 or IPv6 addresses (defaults 198.18.0.1 and
 *                    198.18.0.2, or 2001:db8::1 and 2001:db8::2); for ARP
 *                    and RARP the sender's and target's addresses
 *   nw_proto=PROTO   a number, or udp, tcp, icmp, icmpv6 (default udp)
 *   tp_src=N, tp_dst=N
 *                    UDP or TCP ports (defaults 49152 and 9); for ICMP and
 *                    ICMPv6 the type and the code (default echo request)
 *   len=N            pad the frame to N bytes (default 60, the minimum)
 *   hex=HEX          the whole frame in hex (no other field with it)
 * An IPv4 frame gets a valid header checksum; a UDP frame from port 547
 * (DHCPv6 server) carries a Reply.
 *
 * Errors: 0, or -EINVAL with a message for the operator that names the
 * field and what it takes.
 *
 * Thread-safety: pure functions; any thread. */
#ifndef VSWITCH_TRACE_FRAME_H
#define VSWITCH_TRACE_FRAME_H 1

#include <stddef.h>
#include <stdint.h>

/* Builds the frame described by the 'n' fields 'args' into 'buf' of
 * 'size' bytes, its length in '*len'.  Returns 0, or -EINVAL with '*msg'
 * (caller frees with g_free()). */
int trace_frame_build(int n, char *args[], uint8_t *buf, size_t size,
                      size_t *len, char **msg);

#endif /* trace-frame.h */
