#include <autoconf.h>
#include "arp.h"

#include <arpa/inet.h>
#include <string.h>
#include "packet.h"
#include "vlan.h"

static void
put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = (uint8_t) v;
}

static uint16_t
get_be16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

void
arp_body_init(struct arp_body *b, uint16_t op)
{
    memset(b, 0, sizeof *b);
    b->htype = ARP_HTYPE_ETHERNET;
    b->ptype = ETH_TYPE_IPV4;
    b->hlen = ETH_ADDR_LEN;
    b->plen = 4;
    b->op = op;
}

bool
arp_body_is_eth_ipv4(const struct arp_body *b)
{
    return (b->htype == ARP_HTYPE_ETHERNET && b->ptype == ETH_TYPE_IPV4
            && b->hlen == ETH_ADDR_LEN && b->plen == 4);
}

void
arp_body_put(uint8_t *p, const struct arp_body *b)
{
    put_be16(p, b->htype);
    put_be16(p + 2, b->ptype);
    p[4] = b->hlen;
    p[5] = b->plen;
    put_be16(p + 6, b->op);
    memcpy(p + 8, b->sha, ETH_ADDR_LEN);
    memcpy(p + 14, &b->spa, 4);
    memcpy(p + 18, b->tha, ETH_ADDR_LEN);
    memcpy(p + 24, &b->tpa, 4);
}

bool
arp_body_parse(const uint8_t *p, size_t len, struct arp_body *b)
{
    if (len < ARP_BODY_LEN) {
        return false;
    }
    b->htype = get_be16(p);
    b->ptype = get_be16(p + 2);
    b->hlen = p[4];
    b->plen = p[5];
    b->op = get_be16(p + 6);
    memcpy(b->sha, p + 8, ETH_ADDR_LEN);
    memcpy(&b->spa, p + 14, 4);
    memcpy(b->tha, p + 18, ETH_ADDR_LEN);
    memcpy(&b->tpa, p + 24, 4);
    return true;
}

size_t
arp_frame_build(uint8_t frame[ARP_FRAME_MAX], const uint8_t dst[ETH_ADDR_LEN],
                const uint8_t src[ETH_ADDR_LEN], bool tagged, uint16_t vlan,
                uint16_t eth_type, const struct arp_body *b, size_t min_len)
{
    size_t tag = tagged ? VLAN_HEADER_LEN : 0;
    size_t len = ETH_HEADER_LEN + ARP_BODY_LEN;
    uint8_t *p = frame;

    memset(frame, 0, ARP_FRAME_MAX);
    memcpy(p, dst, ETH_ADDR_LEN);
    memcpy(p + ETH_ADDR_LEN, src, ETH_ADDR_LEN);
    p += 2 * ETH_ADDR_LEN;
    if (tagged) {
        put_be16(p, ETH_TYPE_VLAN);
        put_be16(p + 2, vlan);
        p += VLAN_HEADER_LEN;
    }
    put_be16(p, eth_type);
    arp_body_put(p + 2, b);
    if (len < min_len) {
        len = MIN(min_len, ARP_FRAME_MAX - tag);
    }
    return len + tag;
}

bool
arp_is_announcement(uint16_t eth_type, const uint8_t *p, size_t len)
{
    struct arp_body b;

    if (eth_type == ETH_TYPE_RARP) {
        return true;
    }
    return (eth_type == ETH_TYPE_ARP && arp_body_parse(p, len, &b)
            && b.spa == b.tpa);
}
