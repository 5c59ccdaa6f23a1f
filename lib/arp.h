/* arp: the ARP and RARP wire format (RFC 826, RFC 903) over Ethernet for
 * IPv4, in one place: the ARP probe's requests and replies (arp-probe),
 * the announcements a team sends after a move (RARP), and the datapath's
 * recognition of a station announcing itself (gratuitous ARP, RARP).
 *
 * Owns nothing.  Thread-safety: pure functions; safe on the datapath (no
 * allocation, no system call; tests/check-datapath-symbols.sh checks
 * it). */
#ifndef VSWITCH_ARP_H
#define VSWITCH_ARP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define ARP_BODY_LEN 28           /* Ethernet/IPv4 ARP or RARP body. */
#define ARP_FRAME_MAX 64          /* Largest frame arp_frame_build() makes. */
#define ARP_PAD_LEN 60            /* Shortest Ethernet frame (no FCS). */

#define ARP_HTYPE_ETHERNET 1
#define ARP_OP_REQUEST 1          /* ARP "who-has". */
#define ARP_OP_REPLY 2            /* ARP "is-at". */
#define ARP_OP_RARP_REQUEST 3     /* RARP "reverse request". */

/* An ARP or RARP body, fields in host order except the IPv4 addresses. */
struct arp_body {
    uint16_t htype;               /* Hardware type: ARP_HTYPE_ETHERNET. */
    uint16_t ptype;               /* Protocol type: ETH_TYPE_IPV4. */
    uint8_t hlen;                 /* Hardware address length: 6. */
    uint8_t plen;                 /* Protocol address length: 4. */
    uint16_t op;                  /* ARP_OP_*. */
    uint8_t sha[ETH_ADDR_LEN];    /* Sender hardware address. */
    uint32_t spa;                 /* Sender IPv4 address, network order. */
    uint8_t tha[ETH_ADDR_LEN];    /* Target hardware address. */
    uint32_t tpa;                 /* Target IPv4 address, network order. */
};

/* Fills 'b' as an Ethernet/IPv4 body with operation 'op', the addresses
 * zero. */
void arp_body_init(struct arp_body *b, uint16_t op);
/* True if 'b' is Ethernet/IPv4 (htype, ptype, hlen, plen as they must). */
bool arp_body_is_eth_ipv4(const struct arp_body *b);
/* Writes 'b' as the ARP_BODY_LEN bytes at 'p'. */
void arp_body_put(uint8_t *p, const struct arp_body *b);
/* Reads the body at 'p' ('len' bytes available) into 'b'.  Returns false
 * if fewer than ARP_BODY_LEN bytes are there; checks nothing else (see
 * arp_body_is_eth_ipv4()). */
bool arp_body_parse(const uint8_t *p, size_t len, struct arp_body *b);

/* Builds in 'frame' (ARP_FRAME_MAX bytes) an Ethernet frame from 'src' to
 * 'dst' of type 'eth_type' (ETH_TYPE_ARP or ETH_TYPE_RARP) carrying 'b',
 * with an 802.1Q tag for 'vlan' if 'tagged', and zero padding up to
 * 'min_len' bytes not counting the tag (ARP_PAD_LEN: the frame stays
 * valid once a switch removes the tag; 0: no padding).  Returns its
 * length. */
size_t arp_frame_build(uint8_t frame[ARP_FRAME_MAX],
                       const uint8_t dst[ETH_ADDR_LEN],
                       const uint8_t src[ETH_ADDR_LEN], bool tagged,
                       uint16_t vlan, uint16_t eth_type,
                       const struct arp_body *b, size_t min_len);

/* True if the ARP or RARP body at 'p' ('len' bytes), in a frame of type
 * 'eth_type', is a station announcing itself: any RARP, or an ARP whose
 * sender and target addresses are equal (gratuitous ARP). */
bool arp_is_announcement(uint16_t eth_type, const uint8_t *p, size_t len);

#endif /* arp.h */
