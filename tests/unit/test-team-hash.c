#include <autoconf.h>
#include "team-hash.h"

#include <CUnit/Basic.h>
#include <string.h>
#include "unit.h"

#define N_RANDOM 1000           /* Random inputs per field test. */
#define N_SPREAD 100000         /* Random flows for the spread test. */

/* A flow as the tests vary it, one field at a time. */
struct flow {
    uint8_t eth_src[ETH_ADDR_LEN]; /* Source MAC. */
    uint8_t eth_dst[ETH_ADDR_LEN]; /* Destination MAC. */
    uint16_t vlan;              /* Logical VLAN, also tagged in the frame. */
    int ip_version;             /* 4 or 6, or 0 for an ARP frame. */
    uint8_t ip_src[16];         /* IPv4 in the first 4 bytes, or IPv6. */
    uint8_t ip_dst[16];         /* Same. */
    uint8_t ip_proto;           /* TCP, UDP, SCTP or ICMP. */
    uint16_t ip_frag;           /* unit_frame 'ip_frag'. */
    uint16_t l4_src;            /* Transport source port. */
    uint16_t l4_dst;            /* Transport destination port. */
};

/* The fields a test changes. */
enum field {
    F_ETH_SRC,
    F_ETH_DST,
    F_VLAN,
    F_IP_SRC,
    F_IP_DST,
    F_IP_PROTO,
    F_L4_SRC,
    F_L4_DST,
    N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
    "eth_src", "eth_dst", "vlan", "ip_src", "ip_dst", "ip_proto", "l4_src",
    "l4_dst",
};

/* Builds 'flow' into a frame and returns its bucket for 'fields'. */
static uint8_t
flow_bucket(const struct flow *flow, enum team_hash_fields fields)
{
    struct unit_frame f = {
        .n_tags = 1,
        .tags = { { ETH_TYPE_VLAN, flow->vlan } },
        .ip_version = flow->ip_version,
        .ip_proto = flow->ip_proto,
        .ip_frag = flow->ip_frag,
        .l4_src = flow->l4_src,
        .l4_dst = flow->l4_dst,
        .payload_len = 16,
    };
    struct packet_info pi;
    uint8_t buf[256];
    size_t len;

    memcpy(f.eth_src, flow->eth_src, ETH_ADDR_LEN);
    memcpy(f.eth_dst, flow->eth_dst, ETH_ADDR_LEN);
    memcpy(f.ip_src, flow->ip_src, sizeof f.ip_src);
    memcpy(f.ip_dst, flow->ip_dst, sizeof f.ip_dst);
    if (!flow->ip_version) {
        f.eth_type = ETH_TYPE_ARP;
        f.payload_len = 28;
    } else if (flow->ip_version == 6 && flow->ip_frag) {
        f.n_ext = 1;
        f.ext[0] = IPPROTO_FRAGMENT;
    }
    len = unit_frame_build(buf, sizeof buf, &f);
    CU_ASSERT_FATAL(len > 0);
    CU_ASSERT_FATAL(packet_parse(buf, len, false, 0, 0, &pi) == 0);
    packet_parse_l3(buf, len, &pi);
    return team_hash_bucket(&pi, flow->vlan, fields);
}

static void
random_ip(uint32_t *seed, int version, uint8_t ip[16])
{
    memset(ip, 0, 16);
    if (version == 4) {
        /* 198.18.0.0/15. */
        uint32_t r = unit_rand(seed);

        ip[0] = 198;
        ip[1] = 18 + (r & 1);
        ip[2] = r >> 8;
        ip[3] = r >> 16;
    } else {
        /* 2001:db8::/32. */
        ip[0] = 0x20;
        ip[1] = 0x01;
        ip[2] = 0x0d;
        ip[3] = 0xb8;
        for (int i = 4; i < 16; i += 4) {
            uint32_t r = unit_rand(seed);

            memcpy(ip + i, &r, 4);
        }
    }
}

static uint8_t
random_proto(uint32_t *seed)
{
    static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP,
                                      IPPROTO_SCTP };

    return protos[unit_rand(seed) % ARRAY_SIZE(protos)];
}

static void
random_flow(uint32_t *seed, struct flow *flow)
{
    memset(flow, 0, sizeof *flow);
    unit_mac_set(flow->eth_src, unit_rand(seed));
    unit_mac_set(flow->eth_dst, unit_rand(seed));
    flow->vlan = 1 + unit_rand(seed) % 4094;
    flow->ip_version = unit_rand(seed) & 1 ? 6 : 4;
    random_ip(seed, flow->ip_version, flow->ip_src);
    random_ip(seed, flow->ip_version, flow->ip_dst);
    flow->ip_proto = random_proto(seed);
    flow->l4_src = unit_rand(seed);
    flow->l4_dst = unit_rand(seed);
}

/* Changes 'field' of 'flow' to another value. */
static void
change_field(uint32_t *seed, struct flow *flow, enum field field)
{
    struct flow old = *flow;

    do {
        switch (field) {
        case F_ETH_SRC:
            unit_mac_set(flow->eth_src, unit_rand(seed));
            break;
        case F_ETH_DST:
            unit_mac_set(flow->eth_dst, unit_rand(seed));
            break;
        case F_VLAN:
            flow->vlan = 1 + unit_rand(seed) % 4094;
            break;
        case F_IP_SRC:
            random_ip(seed, flow->ip_version, flow->ip_src);
            break;
        case F_IP_DST:
            random_ip(seed, flow->ip_version, flow->ip_dst);
            break;
        case F_IP_PROTO:
            flow->ip_proto = random_proto(seed);
            break;
        case F_L4_SRC:
            flow->l4_src = unit_rand(seed);
            break;
        case F_L4_DST:
            flow->l4_dst = unit_rand(seed);
            break;
        case N_FIELDS:
            CU_FAIL_FATAL("no such field");
        }
    } while (!memcmp(&old, flow, sizeof old));
}

static void
test_names(void)
{
    enum team_hash_fields fields;

    CU_ASSERT_STRING_EQUAL(team_hash_fields_name(TEAM_HASH_L2), "l2");
    CU_ASSERT_STRING_EQUAL(team_hash_fields_name(TEAM_HASH_L23), "l23");
    CU_ASSERT_STRING_EQUAL(team_hash_fields_name(TEAM_HASH_L34), "l34");
    CU_ASSERT(team_hash_fields_from_string("l2", &fields));
    CU_ASSERT_EQUAL(fields, TEAM_HASH_L2);
    CU_ASSERT(team_hash_fields_from_string("l23", &fields));
    CU_ASSERT_EQUAL(fields, TEAM_HASH_L23);
    CU_ASSERT(team_hash_fields_from_string("l34", &fields));
    CU_ASSERT_EQUAL(fields, TEAM_HASH_L34);
    fields = TEAM_HASH_L23;
    CU_ASSERT(!team_hash_fields_from_string("l3", &fields));
    CU_ASSERT(!team_hash_fields_from_string("L2", &fields));
    CU_ASSERT(!team_hash_fields_from_string("", &fields));
    CU_ASSERT_EQUAL(fields, TEAM_HASH_L23);     /* Untouched on failure. */
}

/* A fixed flow, so that the known values below stay meaningful. */
static void
known_flow(struct flow *flow)
{
    memset(flow, 0, sizeof *flow);
    unit_mac_set(flow->eth_src, 1);
    unit_mac_set(flow->eth_dst, 2);
    flow->vlan = 10;
    flow->ip_version = 4;
    flow->ip_src[0] = 198;
    flow->ip_src[1] = 18;
    flow->ip_src[3] = 1;
    flow->ip_dst[0] = 198;
    flow->ip_dst[1] = 18;
    flow->ip_dst[3] = 20;
    flow->ip_proto = IPPROTO_TCP;
    flow->l4_src = 40000;
    flow->l4_dst = 80;
}

/* The same input always gives the same bucket, and these values are pinned:
 * a change to the hash function re-maps every team on upgrade, so it must
 * be deliberate (update the values then).  They hold on little-endian hosts:
 * hash_bytes() reads words in host order. */
static void
test_stable(void)
{
    const uint8_t mac[ETH_ADDR_LEN] = UNIT_MAC(1);
    struct flow flow;
    uint32_t seed = 7;

    CU_ASSERT_EQUAL(team_hash_src_mac(mac, 10), 149);
    known_flow(&flow);
    CU_ASSERT_EQUAL(flow_bucket(&flow, TEAM_HASH_L2), 27);
    CU_ASSERT_EQUAL(flow_bucket(&flow, TEAM_HASH_L23), 157);
    CU_ASSERT_EQUAL(flow_bucket(&flow, TEAM_HASH_L34), 253);

    for (int i = 0; i < N_RANDOM; i++) {
        random_flow(&seed, &flow);
        for (int fields = TEAM_HASH_L2; fields <= TEAM_HASH_L34; fields++) {
            CU_ASSERT_EQUAL(flow_bucket(&flow, fields),
                            flow_bucket(&flow, fields));
        }
        CU_ASSERT_EQUAL(team_hash_src_mac(flow.eth_src, flow.vlan),
                        team_hash_src_mac(flow.eth_src, flow.vlan));
    }
}

/* For each mode and each field: changing a field the mode includes changes
 * the bucket for nearly all random flows (a collision happens 1 time in
 * 256); changing a field it does not include never does. */
static void
test_fields_honored(void)
{
    static const bool included[3][N_FIELDS] = {
        [TEAM_HASH_L2] = {
            [F_ETH_SRC] = true, [F_ETH_DST] = true, [F_VLAN] = true,
        },
        [TEAM_HASH_L23] = {
            [F_ETH_SRC] = true, [F_ETH_DST] = true, [F_VLAN] = true,
            [F_IP_SRC] = true, [F_IP_DST] = true,
        },
        [TEAM_HASH_L34] = {
            [F_IP_SRC] = true, [F_IP_DST] = true, [F_IP_PROTO] = true,
            [F_L4_SRC] = true, [F_L4_DST] = true,
        },
    };
    uint32_t seed = 12345;

    for (int fields = TEAM_HASH_L2; fields <= TEAM_HASH_L34; fields++) {
        for (int field = 0; field < N_FIELDS; field++) {
            int changed = 0;

            for (int i = 0; i < N_RANDOM; i++) {
                struct flow flow;
                uint8_t before;

                random_flow(&seed, &flow);
                before = flow_bucket(&flow, fields);
                change_field(&seed, &flow, field);
                changed += flow_bucket(&flow, fields) != before;
            }
            if (included[fields][field] ? changed < 950 : changed != 0) {
                fprintf(stderr, "%s: changing %s changed %d of %d buckets\n",
                        team_hash_fields_name(fields), field_names[field],
                        changed, N_RANDOM);
            }
            if (included[fields][field]) {
                CU_ASSERT(changed >= 950);
            } else {
                CU_ASSERT_EQUAL(changed, 0);
            }
        }
    }
}

/* The src-mac hash: the source MAC and the VLAN, nothing else. */
static void
test_src_mac_fields(void)
{
    uint32_t seed = 99;
    int mac_changed = 0, vlan_changed = 0;

    for (int i = 0; i < N_RANDOM; i++) {
        struct flow flow;
        uint8_t mac[ETH_ADDR_LEN];
        uint8_t before;

        random_flow(&seed, &flow);
        before = team_hash_src_mac(flow.eth_src, flow.vlan);
        memcpy(mac, flow.eth_src, ETH_ADDR_LEN);
        change_field(&seed, &flow, F_ETH_SRC);
        mac_changed += team_hash_src_mac(flow.eth_src, flow.vlan) != before;
        memcpy(flow.eth_src, mac, ETH_ADDR_LEN);
        change_field(&seed, &flow, F_VLAN);
        vlan_changed += team_hash_src_mac(flow.eth_src, flow.vlan) != before;
    }
    CU_ASSERT(mac_changed >= 950);
    CU_ASSERT(vlan_changed >= 950);
}

/* Fragments hash in l34 as in l23, so that every fragment of a datagram,
 * the first one (which has the ports) included, takes one member. */
static void
test_fragments(void)
{
    static const uint16_t frags[] = {
        0x2000,                 /* First fragment: MF, offset 0. */
        0x2000 | 185,           /* Middle fragment. */
        185,                    /* Last fragment. */
    };
    uint32_t seed = 4242;

    for (int i = 0; i < N_RANDOM; i++) {
        struct flow flow;
        uint8_t first = 0;

        random_flow(&seed, &flow);
        flow.ip_proto = IPPROTO_UDP;
        for (size_t j = 0; j < ARRAY_SIZE(frags); j++) {
            uint8_t l34;

            flow.ip_frag = frags[j];
            if (flow.ip_version == 6) {
                /* IPv6's M flag is bit 0, the offset above it. */
                flow.ip_frag = (uint16_t) ((frags[j] & 0x1fff) << 3
                                           | !!(frags[j] & 0x2000));
            }
            l34 = flow_bucket(&flow, TEAM_HASH_L34);
            CU_ASSERT_EQUAL(l34, flow_bucket(&flow, TEAM_HASH_L23));
            if (!j) {
                first = l34;
            }
            CU_ASSERT_EQUAL(l34, first);
        }
    }
}

/* Non-IP frames hash as l2 in every mode. */
static void
test_non_ip(void)
{
    uint32_t seed = 777;

    for (int i = 0; i < N_RANDOM; i++) {
        struct flow flow;
        uint8_t l2;

        random_flow(&seed, &flow);
        flow.ip_version = 0;
        l2 = flow_bucket(&flow, TEAM_HASH_L2);
        CU_ASSERT_EQUAL(flow_bucket(&flow, TEAM_HASH_L23), l2);
        CU_ASSERT_EQUAL(flow_bucket(&flow, TEAM_HASH_L34), l2);
    }
}

/* IP without ports (ICMP): l34 is the addresses and protocol; MACs and
 * VLAN still do not count, the addresses do. */
static void
test_ip_without_ports(void)
{
    uint32_t seed = 31337;
    int changed = 0;

    for (int i = 0; i < N_RANDOM; i++) {
        struct flow flow, other;
        uint8_t l34;

        random_flow(&seed, &flow);
        flow.ip_proto = IPPROTO_ICMP;
        l34 = flow_bucket(&flow, TEAM_HASH_L34);
        other = flow;
        change_field(&seed, &other, F_ETH_SRC);
        change_field(&seed, &other, F_VLAN);
        change_field(&seed, &other, F_L4_SRC);  /* Not a port for ICMP. */
        CU_ASSERT_EQUAL(flow_bucket(&other, TEAM_HASH_L34), l34);
        other = flow;
        change_field(&seed, &other, F_IP_DST);
        changed += flow_bucket(&other, TEAM_HASH_L34) != l34;
    }
    CU_ASSERT(changed >= 950);
}

static void
check_spread(const char *what, const unsigned int counts[256])
{
    const double mean = (double) N_SPREAD / 256;
    unsigned int lo = UINT32_MAX, hi = 0;

    for (int i = 0; i < 256; i++) {
        lo = MIN(lo, counts[i]);
        hi = MAX(hi, counts[i]);
    }
    if (lo < mean * 0.5 || hi > mean * 1.5) {
        fprintf(stderr, "%s: buckets hold %u to %u flows (mean %.0f)\n",
                what, lo, hi, mean);
    }
    CU_ASSERT(lo >= mean * 0.5);
    CU_ASSERT(hi <= mean * 1.5);
}

/* 100,000 random flows fill every bucket within 50% of the mean. */
static void
test_spread(void)
{
    unsigned int counts[3][256] = { { 0 } };
    unsigned int mac_counts[256] = { 0 };
    uint32_t seed = 2024;

    for (int i = 0; i < N_SPREAD; i++) {
        struct flow flow;

        random_flow(&seed, &flow);
        for (int fields = TEAM_HASH_L2; fields <= TEAM_HASH_L34; fields++) {
            counts[fields][flow_bucket(&flow, fields)]++;
        }
        mac_counts[team_hash_src_mac(flow.eth_src, flow.vlan)]++;
    }
    for (int fields = TEAM_HASH_L2; fields <= TEAM_HASH_L34; fields++) {
        check_spread(team_hash_fields_name(fields), counts[fields]);
    }
    check_spread("src-mac", mac_counts);

    /* Sequential MACs on one VLAN, the usual shape of a host's VMs. */
    memset(mac_counts, 0, sizeof mac_counts);
    for (uint32_t i = 0; i < N_SPREAD; i++) {
        uint8_t mac[ETH_ADDR_LEN];

        unit_mac_set(mac, i);
        mac_counts[team_hash_src_mac(mac, 100)]++;
    }
    check_spread("src-mac sequential", mac_counts);
}

static const CU_TestInfo tests[] = {
    { "names", test_names },
    { "stable", test_stable },
    { "fields honored", test_fields_honored },
    { "src-mac fields", test_src_mac_fields },
    { "fragments hash as l23", test_fragments },
    { "non-IP hashes as l2", test_non_ip },
    { "IP without ports", test_ip_without_ports },
    { "spread", test_spread },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("team-hash", NULL, NULL, tests);
}
