#include <autoconf.h>
#include "packet.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include "vlan.h"

#define IPV4_HEADER_LEN 20
#define IPV4_MF 0x2000              /* More-fragments flag. */
#define IPV4_FRAG_OFS_MASK 0x1fff   /* Fragment offset, in 8-byte units. */
#define IPV6_HEADER_LEN 40
#define IPV6_FRAG_HEADER_LEN 8
#define L4_PORTS_LEN 4              /* TCP, UDP and SCTP: ports first. */

/* An IPv6 header chain longer than this is not walked: a frame made of
 * thousands of empty options headers costs no more than a normal one. */
#define IPV6_MAX_EXT_HEADERS 8

static uint16_t
get_be16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static bool
is_vlan_tpid(uint16_t tpid)
{
    return tpid == ETH_TYPE_VLAN || tpid == ETH_TYPE_VLAN_8021AD;
}

int
packet_parse(const uint8_t *frame, size_t len, bool aux_tci_valid,
             uint16_t aux_tpid, uint16_t aux_tci, struct packet_info *pi)
{
    uint16_t type;

    memset(pi, 0, sizeof *pi);
    if (len < ETH_MIN_FRAME_LEN) {
        return -EINVAL;
    }
    pi->eth_dst = frame;
    pi->eth_src = frame + ETH_ADDR_LEN;
    type = get_be16(frame + 2 * ETH_ADDR_LEN);

    if (aux_tci_valid) {
        /* The kernel took the outer tag out of the bytes.  Whatever tag is
         * still at offset 12 is an inner one (QinQ): it is 'eth_type'. */
        pi->tag_source = PACKET_TAG_AUXDATA;
        pi->vlan_present = true;
        pi->vlan_tpid = aux_tpid ? aux_tpid : ETH_TYPE_VLAN;
        pi->vlan_tci = aux_tci;
        pi->eth_type = type;
        pi->payload_ofs = ETH_HEADER_LEN;
    } else if (is_vlan_tpid(type)) {
        if (len < ETH_HEADER_LEN + VLAN_HEADER_LEN) {
            memset(pi, 0, sizeof *pi);
            return -EINVAL;
        }
        pi->tag_source = PACKET_TAG_IN_FRAME;
        pi->vlan_present = true;
        pi->vlan_tpid = type;
        pi->vlan_tci = get_be16(frame + ETH_HEADER_LEN);
        pi->eth_type = get_be16(frame + ETH_HEADER_LEN + 2);
        pi->payload_ofs = ETH_HEADER_LEN + VLAN_HEADER_LEN;
    } else {
        pi->tag_source = PACKET_TAG_NONE;
        pi->eth_type = type;
        pi->payload_ofs = ETH_HEADER_LEN;
    }
    return 0;
}

/* Reads the TCP, UDP or SCTP ports at 'l4', if the 'end - l4' bytes there
 * hold them. */
static void
parse_l4(const uint8_t *l4, const uint8_t *end, struct packet_info *pi)
{
    if (pi->ip_proto != IPPROTO_TCP && pi->ip_proto != IPPROTO_UDP
        && pi->ip_proto != IPPROTO_SCTP) {
        return;
    }
    if (end - l4 < L4_PORTS_LEN) {
        return;
    }
    pi->l4_src = get_be16(l4);
    pi->l4_dst = get_be16(l4 + 2);
    pi->l4_present = true;
}

/* Parses the IPv4 packet at 'l3', which has 'avail' bytes in the frame.  A
 * header that is cut short or contradicts itself (IHL below 5, total length
 * below the header's or beyond the frame) leaves everything zero. */
static void
parse_ipv4(const uint8_t *l3, size_t avail, struct packet_info *pi)
{
    size_t ihl, tot_len;
    uint16_t frag;

    if (avail < IPV4_HEADER_LEN || l3[0] >> 4 != 4) {
        return;
    }
    ihl = (size_t) (l3[0] & 0x0f) * 4;
    tot_len = get_be16(l3 + 2);
    if (!tot_len && avail > UINT16_MAX) {
        /* A large GSO packet (Linux "BIG TCP"): the length is the frame's. */
        tot_len = avail;
    }
    if (ihl < IPV4_HEADER_LEN || tot_len < ihl || tot_len > avail) {
        return;
    }

    pi->ip_proto = l3[9];
    memcpy(pi->ip_src, l3 + 12, 4);
    memcpy(pi->ip_dst, l3 + 16, 4);
    frag = get_be16(l3 + 6);
    if (frag & (IPV4_MF | IPV4_FRAG_OFS_MASK)) {
        /* Only the first fragment has ports: hashing by them would split
         * one datagram over two members. */
        pi->ip_fragment = true;
        return;
    }
    /* Bounded by the IP length, not the frame's: Ethernet padding after a
     * short packet is not a transport header. */
    parse_l4(l3 + ihl, l3 + tot_len, pi);
}

/* Parses the IPv6 packet at 'l3', which has 'avail' bytes in the frame.
 * Skips hop-by-hop, routing and destination options headers to find the
 * transport header.  A header cut short or a payload length beyond the frame
 * leaves everything zero; an extension header chain cut short (or too long)
 * leaves the addresses but 'ip_proto' zero.  Any fragment header makes a
 * fragment, even at offset 0. */
static void
parse_ipv6(const uint8_t *l3, size_t avail, struct packet_info *pi)
{
    const uint8_t *p, *end;
    size_t payload_len;
    uint8_t nh;

    if (avail < IPV6_HEADER_LEN || l3[0] >> 4 != 6) {
        return;
    }
    payload_len = get_be16(l3 + 4);
    if (!payload_len) {
        /* A jumbogram or a large GSO packet: the frame gives the length. */
        payload_len = avail - IPV6_HEADER_LEN;
    }
    if (payload_len > avail - IPV6_HEADER_LEN) {
        return;
    }

    memcpy(pi->ip_src, l3 + 8, 16);
    memcpy(pi->ip_dst, l3 + 24, 16);
    nh = l3[6];
    p = l3 + IPV6_HEADER_LEN;
    end = p + payload_len;

    for (int i = 0; ; i++) {
        size_t ext_len;

        if (nh == IPPROTO_FRAGMENT) {
            pi->ip_fragment = true;
            if (end - p >= IPV6_FRAG_HEADER_LEN) {
                pi->ip_proto = p[0];
            }
            return;
        }
        if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING
            && nh != IPPROTO_DSTOPTS) {
            break;
        }
        if (i >= IPV6_MAX_EXT_HEADERS || end - p < 2) {
            return;
        }
        ext_len = ((size_t) p[1] + 1) * 8;
        if ((size_t) (end - p) < ext_len) {
            return;
        }
        nh = p[0];
        p += ext_len;
    }
    pi->ip_proto = nh;
    parse_l4(p, end, pi);
}

void
packet_parse_l3(const uint8_t *frame, size_t len, struct packet_info *pi)
{
    uint16_t type = pi->eth_type;
    size_t ofs = pi->payload_ofs;

    pi->ip_proto = 0;
    pi->ip_fragment = false;
    pi->l4_present = false;
    memset(pi->ip_src, 0, sizeof pi->ip_src);
    memset(pi->ip_dst, 0, sizeof pi->ip_dst);
    pi->l4_src = 0;
    pi->l4_dst = 0;

    if (ofs > len) {
        return;
    }
    /* QinQ: look through one inner tag, so that hashing sees the flow. */
    if (is_vlan_tpid(type)) {
        if (len - ofs < VLAN_HEADER_LEN) {
            return;
        }
        type = get_be16(frame + ofs + 2);
        ofs += VLAN_HEADER_LEN;
    }

    if (type == ETH_TYPE_IPV4) {
        parse_ipv4(frame + ofs, len - ofs, pi);
    } else if (type == ETH_TYPE_IPV6) {
        parse_ipv6(frame + ofs, len - ofs, pi);
    }
}

/* ---- The guards' classifier ---- */

#define UDP_HEADER_LEN 8
#define DHCP4_SERVER_PORT 67
#define DHCP6_SERVER_PORT 547
#define DHCP6_ADVERTISE 2
#define DHCP6_REPLY 7
#define DHCP6_RECONFIGURE 10
#define DHCP6_RELAY_REPLY 13
#define ICMP6_ROUTER_ADVERT 134
#define ICMP6_REDIRECT 137
#define IPV6_FRAG_OFS_MASK 0xfff8   /* In the fragment header's 3rd word. */
#define GUARD_MAX_INNER_TAGS 2

static enum packet_guard_class
guard_ipv4(const uint8_t *l3, size_t avail)
{
    size_t ihl;

    if (avail < IPV4_HEADER_LEN || l3[0] >> 4 != 4) {
        return PACKET_GUARD_NONE;
    }
    ihl = (size_t) (l3[0] & 0x0f) * 4;
    if (l3[9] != IPPROTO_UDP || ihl < IPV4_HEADER_LEN
        || (get_be16(l3 + 6) & IPV4_FRAG_OFS_MASK)
        || avail < ihl + L4_PORTS_LEN) {
        return PACKET_GUARD_NONE;
    }
    return (get_be16(l3 + ihl) == DHCP4_SERVER_PORT
            ? PACKET_GUARD_DHCP_SERVER : PACKET_GUARD_NONE);
}

/* The upper-layer header 'nh' at 'p', 'end - p' bytes to the end. */
static enum packet_guard_class
guard_ipv6_upper(uint8_t nh, const uint8_t *p, const uint8_t *end)
{
    if (nh == IPPROTO_ICMPV6) {
        if (end - p < 1) {
            return PACKET_GUARD_UNKNOWN;
        }
        return (p[0] == ICMP6_ROUTER_ADVERT || p[0] == ICMP6_REDIRECT
                ? PACKET_GUARD_ROUTER : PACKET_GUARD_NONE);
    }
    if (nh == IPPROTO_UDP) {
        uint8_t type;

        if (end - p < UDP_HEADER_LEN) {
            return PACKET_GUARD_UNKNOWN;
        }
        if (get_be16(p) != DHCP6_SERVER_PORT || end - p < UDP_HEADER_LEN + 1) {
            return PACKET_GUARD_NONE;
        }
        type = p[UDP_HEADER_LEN];
        return (type == DHCP6_ADVERTISE || type == DHCP6_REPLY
                || type == DHCP6_RECONFIGURE || type == DHCP6_RELAY_REPLY
                ? PACKET_GUARD_DHCP_SERVER : PACKET_GUARD_NONE);
    }
    return PACKET_GUARD_NONE;
}

static enum packet_guard_class
guard_ipv6(const uint8_t *l3, size_t avail)
{
    const uint8_t *p, *end;
    size_t payload_len;
    uint8_t nh;

    if (avail < IPV6_HEADER_LEN || l3[0] >> 4 != 6) {
        return PACKET_GUARD_NONE;
    }
    payload_len = get_be16(l3 + 4);
    if (!payload_len || payload_len > avail - IPV6_HEADER_LEN) {
        /* A jumbogram or GSO packet, or a length beyond the frame: the
         * frame gives the end. */
        payload_len = avail - IPV6_HEADER_LEN;
    }
    nh = l3[6];
    p = l3 + IPV6_HEADER_LEN;
    end = p + payload_len;

    for (int i = 0; ; i++) {
        size_t ext_len;

        if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING
            && nh != IPPROTO_DSTOPTS && nh != IPPROTO_FRAGMENT
            && nh != IPPROTO_AH) {
            return guard_ipv6_upper(nh, p, end);
        }
        if (i >= PACKET_GUARD_MAX_EXT || end - p < 8) {
            return PACKET_GUARD_UNKNOWN;
        }
        if (nh == IPPROTO_FRAGMENT) {
            if (get_be16(p + 2) & IPV6_FRAG_OFS_MASK) {
                /* Not the first fragment: the upper-layer header, if any,
                 * is in another one. */
                return PACKET_GUARD_UNKNOWN;
            }
            ext_len = IPV6_FRAG_HEADER_LEN;
        } else if (nh == IPPROTO_AH) {
            ext_len = ((size_t) p[1] + 2) * 4;
        } else {
            ext_len = ((size_t) p[1] + 1) * 8;
        }
        if ((size_t) (end - p) < ext_len) {
            return PACKET_GUARD_UNKNOWN;
        }
        nh = p[0];
        p += ext_len;
    }
}

enum packet_guard_class
packet_guard_classify(const uint8_t *frame, size_t len,
                      const struct packet_info *pi)
{
    uint16_t type = pi->eth_type;
    size_t ofs = pi->payload_ofs;

    for (int i = 0; i < GUARD_MAX_INNER_TAGS && is_vlan_tpid(type); i++) {
        if (ofs > len || len - ofs < VLAN_HEADER_LEN) {
            return PACKET_GUARD_NONE;
        }
        type = get_be16(frame + ofs + 2);
        ofs += VLAN_HEADER_LEN;
    }
    if (is_vlan_tpid(type)) {
        return PACKET_GUARD_UNKNOWN;    /* Tags beyond the bound. */
    }
    if (ofs > len) {
        return PACKET_GUARD_NONE;
    }
    if (type == ETH_TYPE_IPV4) {
        return guard_ipv4(frame + ofs, len - ofs);
    } else if (type == ETH_TYPE_IPV6) {
        return guard_ipv6(frame + ofs, len - ofs);
    }
    return PACKET_GUARD_NONE;
}
