#include <autoconf.h>
#include "team-hash.h"

#include <string.h>
#include "util.h"
#include "vlan.h"

/* One basis per kind of hash, so that the src-mac hash and the L2 hash of
 * the same frame do not land in related buckets by construction. */
#define BASIS_SRC_MAC 0x5eed0001u
#define BASIS_L2 0x5eed0002u
#define BASIS_L23 0x5eed0003u
#define BASIS_L34 0x5eed0004u

/* Largest key: two MACs, a VLAN, two IPv6 addresses. */
#define KEY_MAX (2 * ETH_ADDR_LEN + 2 + 2 * 16)

const char *
team_hash_fields_name(enum team_hash_fields fields)
{
    switch (fields) {
    case TEAM_HASH_L2:
        return "l2";
    case TEAM_HASH_L23:
        return "l23";
    case TEAM_HASH_L34:
        return "l34";
    }
    return "unknown";
}

bool
team_hash_fields_from_string(const char *s, enum team_hash_fields *fields)
{
    static const enum team_hash_fields all[] = {
        TEAM_HASH_L2, TEAM_HASH_L23, TEAM_HASH_L34,
    };

    for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
        if (!strcmp(s, team_hash_fields_name(all[i]))) {
            *fields = all[i];
            return true;
        }
    }
    return false;
}

/* The 32-bit hash folded to a bucket, so that every bit of it counts. */
static uint8_t
fold(uint32_t h)
{
    h ^= h >> 16;
    h ^= h >> 8;
    return (uint8_t) h;
}

static size_t
put_vlan(uint8_t *p, uint16_t vlan)
{
    vlan &= VLAN_VID_MASK;
    p[0] = vlan >> 8;
    p[1] = (uint8_t) vlan;
    return 2;
}

uint8_t
team_hash_src_mac(const uint8_t mac[6], uint16_t vlan)
{
    uint8_t key[ETH_ADDR_LEN + 2];

    memcpy(key, mac, ETH_ADDR_LEN);
    put_vlan(key + ETH_ADDR_LEN, vlan);
    return fold(hash_bytes(key, sizeof key, BASIS_SRC_MAC));
}

/* packet_parse_l3() leaves everything zero for a frame that is not IP (or
 * whose IP header could not be read). */
static bool
is_ip(const struct packet_info *pi)
{
    static const uint8_t zero[16];

    return (pi->ip_proto || pi->ip_fragment
            || memcmp(pi->ip_src, zero, sizeof zero)
            || memcmp(pi->ip_dst, zero, sizeof zero));
}

static size_t
put_l2(uint8_t *p, const struct packet_info *pi, uint16_t vlan)
{
    memcpy(p, pi->eth_src, ETH_ADDR_LEN);
    memcpy(p + ETH_ADDR_LEN, pi->eth_dst, ETH_ADDR_LEN);
    return 2 * ETH_ADDR_LEN + put_vlan(p + 2 * ETH_ADDR_LEN, vlan);
}

static size_t
put_ips(uint8_t *p, const struct packet_info *pi)
{
    memcpy(p, pi->ip_src, sizeof pi->ip_src);
    memcpy(p + sizeof pi->ip_src, pi->ip_dst, sizeof pi->ip_dst);
    return sizeof pi->ip_src + sizeof pi->ip_dst;
}

uint8_t
team_hash_bucket(const struct packet_info *pi, uint16_t vlan,
                 enum team_hash_fields fields)
{
    uint8_t key[KEY_MAX];
    size_t n;

    if (fields != TEAM_HASH_L2 && is_ip(pi)) {
        if (fields == TEAM_HASH_L34 && !pi->ip_fragment) {
            n = put_ips(key, pi);
            key[n++] = pi->ip_proto;
            if (pi->l4_present) {
                key[n++] = pi->l4_src >> 8;
                key[n++] = (uint8_t) pi->l4_src;
                key[n++] = pi->l4_dst >> 8;
                key[n++] = (uint8_t) pi->l4_dst;
            }
            return fold(hash_bytes(key, n, BASIS_L34));
        }
        /* L23, and L34 for a fragment: all fragments of a datagram, the
         * first one included, must take one member. */
        n = put_l2(key, pi, vlan);
        n += put_ips(key + n, pi);
        return fold(hash_bytes(key, n, BASIS_L23));
    }
    n = put_l2(key, pi, vlan);
    return fold(hash_bytes(key, n, BASIS_L2));
}
