#include <autoconf.h>
#include "team-policy.h"

#include <CUnit/Basic.h>
#include <string.h>
#include "unit.h"

/* A team's assignment as the tests set it up: what team_select() reads
 * through 'fake_ops'. */
struct fake {
    int active;                 /* Active member. */
    int designated;             /* Flood-receiving member. */
    int8_t bucket[TEAM_BUCKETS]; /* Bucket -> member. */
    uint32_t port_no[4];        /* Ports... */
    int port_slot[4];           /* ...and their members. */
    int n_ports;                /* Entries in 'port_no'. */
    uint32_t live;              /* Bit per member that can carry. */
    int order[TEAM_MAX_MEMBERS]; /* Failover order... */
    int n_order;                /* ...this many. */
};

static int
fake_member_of(const void *a_, enum team_item_kind kind, uint32_t id)
{
    const struct fake *a = a_;

    switch (kind) {
    case TEAM_ITEM_PORT:
        for (int i = 0; i < a->n_ports; i++) {
            if (a->port_no[i] == id) {
                return a->port_slot[i];
            }
        }
        return TEAM_NONE;
    case TEAM_ITEM_BUCKET:
        return id < TEAM_BUCKETS ? a->bucket[id] : TEAM_NONE;
    case TEAM_ITEM_ACTIVE:
    default:
        return a->active;
    }
}

static bool
fake_live(const void *a_, int slot)
{
    const struct fake *a = a_;

    return slot >= 0 && (a->live & (1u << slot));
}

static int
fake_designated(const void *a_)
{
    return ((const struct fake *) a_)->designated;
}

static int
fake_nth_member(const void *a_, int i)
{
    const struct fake *a = a_;

    return i < a->n_order ? a->order[i] : TEAM_NONE;
}

static const struct team_assignment_ops fake_ops = {
    .member_of = fake_member_of,
    .live = fake_live,
    .designated = fake_designated,
    .nth_member = fake_nth_member,
};

/* Three live members 0, 1, 2 in that order; buckets round robin; ports 10
 * on 1 and 11 on 2; member 2 active; member 0 designated. */
static void
fake_init(struct fake *a)
{
    memset(a, 0, sizeof *a);
    a->active = 2;
    a->designated = 0;
    for (int b = 0; b < TEAM_BUCKETS; b++) {
        a->bucket[b] = b % 3;
    }
    a->port_no[0] = 10;
    a->port_slot[0] = 1;
    a->port_no[1] = 11;
    a->port_slot[1] = 2;
    a->n_ports = 2;
    a->live = 0x7;
    a->n_order = 3;
    for (int i = 0; i < 3; i++) {
        a->order[i] = i;
    }
}

static void
test_table(void)
{
    enum team_policy policy;

    for (int i = 0; i < TEAM_N_POLICIES; i++) {
        const struct team_policy_class *cls = team_policies[i];

        CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
        CU_ASSERT_EQUAL(cls->policy, (enum team_policy) i);
        CU_ASSERT_PTR_EQUAL(team_policy_class(i), cls);
        CU_ASSERT_STRING_EQUAL(team_policy_name(i), cls->name);
        CU_ASSERT(team_policy_from_string(cls->name, &policy));
        CU_ASSERT_EQUAL(policy, (enum team_policy) i);
        CU_ASSERT_PTR_NOT_NULL(cls->select_item);
        CU_ASSERT_PTR_NOT_NULL(cls->rx_item);
        CU_ASSERT_PTR_NOT_NULL(cls->show);
        CU_ASSERT_PTR_NOT_NULL(cls->explain);
        for (int j = 0; j < i; j++) {
            CU_ASSERT(strcmp(team_policies[j]->name, cls->name));
        }
    }
    CU_ASSERT_STRING_EQUAL(team_policy_name(TEAM_POLICY_SRC_PORT),
                           "src-port");
    CU_ASSERT_STRING_EQUAL(team_policy_name(TEAM_POLICY_SRC_MAC), "src-mac");
    CU_ASSERT_STRING_EQUAL(team_policy_name(TEAM_POLICY_HASH), "hash");
    CU_ASSERT_STRING_EQUAL(team_policy_name(TEAM_POLICY_ACTIVE_BACKUP),
                           "active-backup");
    CU_ASSERT_STRING_EQUAL(team_policy_name(TEAM_N_POLICIES), "unknown");
    CU_ASSERT(!team_policy_from_string("balance-slb", &policy));
    CU_ASSERT_EQUAL(team_policy_class(TEAM_POLICY_HASH)->item,
                    TEAM_ITEM_BUCKET);
    CU_ASSERT_EQUAL(team_policy_class(TEAM_POLICY_SRC_PORT)->item,
                    TEAM_ITEM_PORT);
    CU_ASSERT_EQUAL(team_policy_class(TEAM_POLICY_ACTIVE_BACKUP)->item,
                    TEAM_ITEM_ACTIVE);
    CU_ASSERT(!team_policy_class(TEAM_POLICY_ACTIVE_BACKUP)->rebalances);
}

/* A frame from 'src' to 'dst' in VLAN 7, parsed. */
struct parsed {
    uint8_t data[256];          /* The frame. */
    struct packet_info pi;      /* Its headers. */
};

static void
parse_udp(struct parsed *p, int src, int dst, uint16_t sport)
{
    struct unit_frame uf = {
        .eth_src = UNIT_MAC(src), .eth_dst = UNIT_MAC(dst),
        .ip_version = 4, .ip_proto = IPPROTO_UDP, .l4_src = sport,
        .l4_dst = 53,
    };
    size_t len;

    CU_ASSERT_FATAL(unit_frame_set_ips(&uf, "198.18.0.1", "198.18.0.2"));
    len = unit_frame_build(p->data, sizeof p->data, &uf);
    CU_ASSERT_FATAL(len > 0);
    CU_ASSERT_FATAL(packet_parse(p->data, len, false, 0, 0, &p->pi) == 0);
    packet_parse_l3(p->data, len, &p->pi);
}

static void
test_select_per_policy(void)
{
    struct parsed p;
    struct fake a;
    struct team_frame f;
    uint32_t item;
    int slot;

    fake_init(&a);
    parse_udp(&p, 1, 2, 1000);
    f = (struct team_frame) { &p.pi, 7, 11 };

    slot = team_select(&team_policy_src_port, &f, TEAM_HASH_L34, &fake_ops,
                       &a, &item);
    CU_ASSERT_EQUAL(item, 11);
    CU_ASSERT_EQUAL(slot, 2);

    slot = team_select(&team_policy_src_mac, &f, TEAM_HASH_L34, &fake_ops,
                       &a, &item);
    CU_ASSERT_EQUAL(item, team_hash_src_mac(p.pi.eth_src, 7));
    CU_ASSERT_EQUAL(slot, (int) item % 3);

    slot = team_select(&team_policy_hash, &f, TEAM_HASH_L34, &fake_ops, &a,
                       &item);
    CU_ASSERT_EQUAL(item, team_hash_bucket(&p.pi, 7, TEAM_HASH_L34));
    CU_ASSERT_EQUAL(slot, (int) item % 3);
    CU_ASSERT(team_policy_hash.needs_l3(TEAM_HASH_L34));
    CU_ASSERT(!team_policy_hash.needs_l3(TEAM_HASH_L2));

    slot = team_select(&team_policy_active_backup, &f, TEAM_HASH_L34,
                       &fake_ops, &a, &item);
    CU_ASSERT_EQUAL(item, 0);
    CU_ASSERT_EQUAL(slot, 2);
}

/* A member that cannot carry gives way to the designated member, and a
 * designated member that cannot either to the first live member in
 * failover order. */
static void
test_select_fallback(void)
{
    struct parsed p;
    struct fake a;
    struct team_frame f;
    uint32_t item;

    fake_init(&a);
    parse_udp(&p, 1, 2, 1000);
    f = (struct team_frame) { &p.pi, 7, 11 };

    a.live = 0x3;               /* Port 11's member 2 is gone. */
    CU_ASSERT_EQUAL(team_select(&team_policy_src_port, &f, TEAM_HASH_L2,
                                &fake_ops, &a, &item), 0);
    a.live = 0x6;               /* The designated member 0 is gone too. */
    a.port_slot[1] = 0;
    CU_ASSERT_EQUAL(team_select(&team_policy_src_port, &f, TEAM_HASH_L2,
                                &fake_ops, &a, &item), 1);
    f.port_no = 12;             /* Not assigned yet. */
    CU_ASSERT_EQUAL(team_select(&team_policy_src_port, &f, TEAM_HASH_L2,
                                &fake_ops, &a, &item), 1);
    a.live = 0;                 /* The team is down. */
    CU_ASSERT_EQUAL(team_select(&team_policy_active_backup, &f, TEAM_HASH_L2,
                                &fake_ops, &a, &item), TEAM_NONE);
    CU_ASSERT_EQUAL(team_designated_live(&fake_ops, &a), TEAM_NONE);
}

static void
test_rx_expected(void)
{
    struct parsed p;
    struct fake a;
    struct team_frame f;
    int bucket;

    fake_init(&a);
    parse_udp(&p, 1, 2, 1000);
    f = (struct team_frame) { &p.pi, 7, 10 };

    for (int i = 0; i < TEAM_N_POLICIES; i++) {
        CU_ASSERT_EQUAL(team_rx_expected(team_policies[i], &f, TEAM_HASH_L34,
                                         true, &fake_ops, &a), 0);
    }
    CU_ASSERT_EQUAL(team_rx_expected(&team_policy_src_port, &f, TEAM_HASH_L34,
                                     false, &fake_ops, &a), 1);
    bucket = team_hash_src_mac(p.pi.eth_dst, 7);
    CU_ASSERT_EQUAL(team_rx_expected(&team_policy_src_mac, &f, TEAM_HASH_L34,
                                     false, &fake_ops, &a), bucket % 3);
    CU_ASSERT_EQUAL(team_rx_expected(&team_policy_hash, &f, TEAM_HASH_L34,
                                     false, &fake_ops, &a), TEAM_ANY);
    CU_ASSERT_EQUAL(team_rx_expected(&team_policy_active_backup, &f,
                                     TEAM_HASH_L34, false, &fake_ops, &a), 2);
    a.live = 0x3;               /* The active member is gone. */
    CU_ASSERT_EQUAL(team_rx_expected(&team_policy_active_backup, &f,
                                     TEAM_HASH_L34, false, &fake_ops, &a), 0);
}

static void
test_station_moved(void)
{
    uint8_t mac[ETH_ADDR_LEN] = UNIT_MAC(5);
    uint32_t b = team_hash_src_mac(mac, 7);

    CU_ASSERT(team_policy_src_port.station_moved(10, mac, 7, 10));
    CU_ASSERT(!team_policy_src_port.station_moved(11, mac, 7, 10));
    CU_ASSERT(team_policy_src_mac.station_moved(b, mac, 7, 10));
    CU_ASSERT(!team_policy_src_mac.station_moved((b + 1) % TEAM_BUCKETS, mac,
                                                 7, 10));
    CU_ASSERT(team_policy_active_backup.station_moved(0, mac, 7, 10));
    CU_ASSERT_PTR_NULL(team_policy_hash.station_moved);
}

static void
test_show(void)
{
    char buf[64];

    team_policy_hash.show(TEAM_HASH_L23, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "hash l23");
    team_policy_src_mac.show(TEAM_HASH_L23, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "src-mac");
}

static const CU_TestInfo tests[] = {
    { "table and names", test_table },
    { "select per policy", test_select_per_policy },
    { "select falls back to the designated member", test_select_fallback },
    { "receive rules' expected member", test_rx_expected },
    { "stations announced after a move", test_station_moved },
    { "show", test_show },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("team-policy", NULL, NULL, tests);
}
