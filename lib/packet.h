/* packet: parsing of Ethernet frames as the datapath sees them.
 *
 * Owns nothing: a 'struct packet_info' points into the caller's frame.
 *
 * The frame handed to packet_parse() is what AF_PACKET delivered.  On many
 * devices (veth, most NICs) the kernel has already removed the outer 802.1Q
 * tag and reports it in PACKET_AUXDATA; the caller passes that tag in, and
 * the result describes the frame as it was on the wire.
 *
 * Thread-safety: pure functions; safe anywhere, including the datapath (no
 * allocation, no system call). */
#ifndef VSWITCH_PACKET_H
#define VSWITCH_PACKET_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define ETH_HEADER_LEN 14
#define VLAN_HEADER_LEN 4
#define ETH_MIN_FRAME_LEN 14      /* Shorter frames are runts: dropped. */

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_RARP 0x8035
#define ETH_TYPE_IPV6 0x86dd

/* Where a frame's outer VLAN tag came from. */
enum packet_tag_source {
    PACKET_TAG_NONE,       /* Untagged (or priority-tagged VID 0 handled as
                            * tagged with vid 0: see 'vlan_present'). */
    PACKET_TAG_IN_FRAME,   /* The tag is in the frame bytes at offset 12. */
    PACKET_TAG_AUXDATA,    /* The kernel removed it; the caller supplied it. */
};

struct packet_info {
    const uint8_t *eth_dst;       /* Destination MAC, points into frame. */
    const uint8_t *eth_src;       /* Source MAC, points into frame. */
    enum packet_tag_source tag_source; /* Where the outer tag came from. */
    bool vlan_present;            /* An outer 802.1Q/802.1ad tag exists. */
    uint16_t vlan_tpid;           /* Outer tag's TPID, if vlan_present. */
    uint16_t vlan_tci;            /* Outer tag's TCI, if vlan_present. */
    uint16_t eth_type;            /* Ethertype after the outer tag (may be
                                   * another tag's TPID for QinQ). */
    uint16_t payload_ofs;         /* Offset in the frame bytes of what follows
                                   * the Ethernet header and any in-frame outer
                                   * tag. */

    /* Filled only when packet_parse_l3() is asked for (hash policies). */
    uint8_t ip_proto;             /* IPPROTO_*, or 0 when not IP. */
    bool ip_fragment;             /* A fragment: L4 ports not available. */
    bool l4_present;              /* src/dst ports valid. */
    uint8_t ip_src[16];           /* IPv4 in the first 4 bytes, or IPv6. */
    uint8_t ip_dst[16];
    uint16_t l4_src;              /* TCP/UDP source port, host order. */
    uint16_t l4_dst;              /* TCP/UDP destination port, host order. */
};

/* Parses the Ethernet header of 'frame' ('len' bytes).  'aux_tci_valid' and
 * 'aux_tci'/'aux_tpid' describe a tag the kernel removed (PACKET_AUXDATA);
 * an 'aux_tpid' of 0 (not reported by the kernel) means ETH_TYPE_VLAN.
 * Returns 0, or -EINVAL for a runt or a frame whose in-frame tag is cut
 * off. */
int packet_parse(const uint8_t *frame, size_t len, bool aux_tci_valid,
                 uint16_t aux_tpid, uint16_t aux_tci, struct packet_info *pi);

/* After packet_parse() succeeded: parses IPv4/IPv6 and TCP/UDP/SCTP ports
 * for hashing, looking through one inner tag (QinQ).  Never fails: what
 * cannot be parsed is left zero. */
void packet_parse_l3(const uint8_t *frame, size_t len,
                     struct packet_info *pi);

/* What the DHCP and RA guards (port-policy.h) look for. */
enum packet_guard_class {
    PACKET_GUARD_NONE,        /* None of the below. */
    PACKET_GUARD_DHCP_SERVER, /* UDP from port 67 over IPv4 (DHCPv4 server
                               * or relay), or from port 547 over IPv6 with
                               * a DHCPv6 Advertise, Reply, Reconfigure or
                               * Relay-Reply. */
    PACKET_GUARD_ROUTER,      /* ICMPv6 Router Advertisement or Redirect. */
    PACKET_GUARD_UNKNOWN,     /* IPv6 whose upper-layer header cannot be
                               * found: a chain of more than
                               * PACKET_GUARD_MAX_EXT extension headers, one
                               * cut short, or a non-first fragment; or
                               * more tags than the bound.  The guards drop
                               * it (RFC 7113). */
};

/* Extension headers packet_guard_classify() walks through. */
#define PACKET_GUARD_MAX_EXT 8

/* After packet_parse() succeeded: classifies the frame for the guards,
 * looking through up to two VLAN tags in the frame behind the outer one
 * (QinQ) and IPv6 extension headers (hop-by-hop, routing, destination
 * options, fragment, authentication).  An IPv4 fragment other than the
 * first, or an IP header that does not parse, is PACKET_GUARD_NONE. */
enum packet_guard_class packet_guard_classify(const uint8_t *frame,
                                              size_t len,
                                              const struct packet_info *);

#endif /* packet.h */
