/* Tests of the datapath's pipeline (lib/dp-pipeline.h): frames pushed into
 * in-memory ports (lib/netdev-memory.h) go through the real stages, at the
 * test clock, and the test looks at what every port sent.  Teams are driven
 * through the datapath's map API, as the control thread drives them; the
 * failover test computes its maps with lib/team-map, as the control thread
 * does.  No root, no devices, no threads racing the test. */
#include <autoconf.h>
#include "datapath.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include "mac-table.h"
#include "netdev-memory.h"
#include "packet.h"
#include "rcu.h"
#include "team-hash.h"
#include "team-map.h"
#include "unit.h"
#include "unit-dp.h"

/* Device indexes no real device has (the link watcher hears of those). */
#define IFINDEX_BASE 1000000

/* What a port is expected to send, in the tables below. */
#define NOTHING (-2)            /* No frame. */
#define UNTAGGED (-1)           /* One frame, without a tag. */
/* Any other value: one frame, tagged with this TCI. */

static struct datapath *dp;
static uint64_t now_usec;
static int next_ifindex = IFINDEX_BASE;
static int n_bridges;

static const uint8_t bcast[ETH_ADDR_LEN] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static int
suite_init(void)
{
    now_usec = UINT64_C(1000000000);
    dp = unit_dp_create(now_usec);
    return dp ? 0 : -1;
}

static int
suite_clean(void)
{
    unit_dp_destroy(dp);
    return 0;
}

/* ---- Helpers ---- */

static void
clock_advance_ms(uint64_t ms)
{
    now_usec += ms * 1000;
    datapath_set_clock(dp, now_usec);
}

/* Runs the learning the datapath queued, as the control thread does.
 * Returns how many requests there were. */
static size_t
learn(void)
{
    return datapath_run_learning(dp, now_usec / 1000000);
}

static struct dp_bridge *
bridge_new(void)
{
    char name[16];
    struct dp_bridge *br;

    snprintf(name, sizeof name, "br%d", n_bridges++);
    br = datapath_bridge_create(dp, name, 1024, 300);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    return br;
}

static struct dp_port_settings
vlan_all(void)
{
    return (struct dp_port_settings) { .mode = VLAN_MODE_ALL };
}

static struct dp_port *
port_new(struct dp_bridge *br, const char *name, struct dp_port_settings s)
{
    struct dp_port *p = datapath_port_add(dp, br, name, &s);
    uint8_t mac[ETH_ADDR_LEN];
    int ifindex = next_ifindex++;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    unit_mac_set(mac, 0xee000000u + ifindex);
    CU_ASSERT_EQUAL_FATAL(datapath_port_attach_memory(dp, p, ifindex, mac),
                          0);
    return p;
}

/* The MAC of member 'slot' of a team made by team_new(). */
static void
member_mac(const struct dp_port *team, int slot, uint8_t mac[ETH_ADDR_LEN])
{
    unit_mac_set(mac, 0xfe000000u + dp_port_no(team) * 16 + slot);
}

static struct dp_port *
team_new(struct dp_bridge *br, const char *name, struct dp_port_settings s,
         int n_members)
{
    struct dp_port *t = datapath_team_add(dp, br, name, &s);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (int i = 0; i < n_members; i++) {
        uint8_t mac[ETH_ADDR_LEN];
        char mname[16];

        snprintf(mname, sizeof mname, "%s-m%d", name, i);
        member_mac(t, i, mac);
        datapath_team_member_set(dp, t, i, mname);
        CU_ASSERT_EQUAL_FATAL(datapath_team_member_attach_memory(
                                  dp, t, i, next_ifindex++, mac), 0);
    }
    return t;
}

/* A map as the control thread publishes it for a team of 'n' members, all
 * usable, in failover order 0..n-1: member 0 designated and active, bucket
 * 'b' on member b % n, receive rules on, no down delay. */
static struct dp_team_map_desc
team_desc(enum team_policy policy, int n)
{
    struct dp_team_map_desc d = {
        .policy = policy,
        .switch_independent = true,
        .usable = (1u << n) - 1,
        .designated = 0,
        .active = 0,
        .n_order = n,
        .fast_down = true,
    };

    for (int i = 0; i < n; i++) {
        d.order[i] = i;
    }
    for (int b = 0; b < TEAM_BUCKETS; b++) {
        d.bucket[b] = b % n;
    }
    return d;
}

/* Removes the ports 'ports' (NULL-terminated) and their bridge. */
static void
bridge_free(struct dp_bridge *br, struct dp_port **ports)
{
    for (; *ports; ports++) {
        datapath_port_remove(dp, *ports);
    }
    datapath_bridge_destroy(dp, br);
}

/* An untagged UDP frame from UNIT_MAC(src) to 'dst'. */
static struct unit_frame
udp_frame(uint32_t src, const uint8_t dst[ETH_ADDR_LEN])
{
    struct unit_frame f = {
        .eth_src = UNIT_MAC(src),
        .ip_proto = IPPROTO_UDP,
        .l4_src = 1000,
        .l4_dst = 2000,
        .payload_len = 18,
        .min_len = 60,
    };

    memcpy(f.eth_dst, dst, ETH_ADDR_LEN);
    unit_frame_set_ips(&f, "198.18.0.1", "198.18.0.2");
    return f;
}

static struct unit_frame
udp_frame_to(uint32_t src, uint32_t dst)
{
    const uint8_t mac[ETH_ADDR_LEN] = UNIT_MAC(dst);

    return udp_frame(src, mac);
}

/* An ARP frame from UNIT_MAC(src) to broadcast (push() makes it a
 * gratuitous one). */
static struct unit_frame
garp_frame(uint32_t src)
{
    struct unit_frame f = udp_frame(src, bcast);

    f.ip_version = 0;
    f.ip_proto = 0;
    f.eth_type = ETH_TYPE_ARP;
    f.payload_len = 28;
    return f;
}

/* Writes 'f' and pushes it into 'p' (member 'slot', or -1), in a batch
 * whose clock reads 'batch_usec'.  An untagged ARP frame gets its target
 * protocol address equal to its sender's: a gratuitous ARP. */
static void
push_at(struct dp_port *p, int slot, const struct unit_frame *f,
        uint64_t batch_usec)
{
    uint8_t buf[512];
    size_t len = unit_frame_build(buf, sizeof buf, f);

    CU_ASSERT_FATAL(len > 0);
    if (f->eth_type == ETH_TYPE_ARP && !f->n_tags) {
        memcpy(buf + ETH_HEADER_LEN + 24, buf + ETH_HEADER_LEN + 14, 4);
    }
    CU_ASSERT_EQUAL(datapath_memory_receive_at(dp, p, slot, NULL, buf, len,
                                               batch_usec), 0);
}

/* push_at() at the test clock. */
static void
push(struct dp_port *p, int slot, const struct unit_frame *f)
{
    push_at(p, slot, f, now_usec);
}

/* What 'p' (member 'slot', or -1) sent: NOTHING, UNTAGGED or the TCI of
 * the tag of the one frame it sent (more than one fails).  The frame goes
 * to '*out' if non-NULL. */
static int
sent(const struct dp_port *p, int slot, struct netdev_memory_frame *out)
{
    struct netdev_memory_frame f, extra;
    int result;

    if (datapath_memory_take(p, slot, &f)) {
        return NOTHING;
    }
    CU_ASSERT_NOT_EQUAL(datapath_memory_take(p, slot, &extra), 0);
    CU_ASSERT_FATAL(f.len >= ETH_HEADER_LEN);
    result = (unit_get_be16(f.data + 12) == ETH_TYPE_VLAN
              ? unit_get_be16(f.data + 14) : UNTAGGED);
    if (out) {
        *out = f;
    }
    return result;
}

/* Empties what every port in 'ports' (NULL-terminated) sent. */
static void
drain(struct dp_port **ports)
{
    struct netdev_memory_frame f;

    for (; *ports; ports++) {
        for (int slot = -1; slot < TEAM_MAX_MEMBERS; slot++) {
            while (!datapath_memory_take(*ports, slot, &f)) {
                continue;
            }
        }
    }
}

static uint64_t
drops(const struct dp_port *p, enum dp_drop_reason r)
{
    struct dp_port_stats s;

    dp_port_get_stats(p, &s);
    return s.drops[r];
}

/* The port number ('vlan', UNIT_MAC(mac)) is learned on, or 0. */
static uint32_t
learned_on(struct dp_bridge *br, uint16_t vlan, uint32_t mac)
{
    const uint8_t m[ETH_ADDR_LEN] = UNIT_MAC(mac);
    struct mac_entry *e;
    uint32_t port_no;

    rcu_read_lock();
    e = mac_table_lookup_rcu(dp_bridge_mac_table(br), vlan, m);
    port_no = e ? e->port_no : 0;
    rcu_read_unlock();
    return port_no;
}

/* The bytes of frame 'data' ('len' bytes) from its ethertype on, after its
 * VLAN tags: what no stage may change. */
static const uint8_t *
after_tags(const uint8_t *data, size_t *len)
{
    size_t ofs = 12;

    while (ofs + 4 <= *len && vlan_tpid_is_tag(unit_get_be16(data + ofs))) {
        ofs += VLAN_HEADER_LEN;
    }
    *len -= ofs;
    return data + ofs;
}

/* ---- VLAN matrix ---- */

enum { ACC10, ACC30, TRK, TRKN, ALL, ALL2, N_MATRIX };

struct vlan_case {
    const char *name;             /* What is tested. */
    int in;                       /* Input port. */
    size_t n_tags;                /* Tags on the input frame... */
    struct unit_tag tags[2];      /* ...outermost first. */
    int expect[N_MATRIX];         /* What each port sends. */
    uint64_t vlan_drops;          /* "vlan" drops counted on 'in'. */
};

#define Q(TCI) { ETH_TYPE_VLAN, (TCI) }
#define PCP(N) ((N) << VLAN_PCP_SHIFT)
#define N NOTHING
#define U UNTAGGED

static const struct vlan_case vlan_cases[] = {
    { "access, untagged", ACC10, 0, { { 0, 0 } },
      { N, N, 10, 10, 10, 10 }, 0 },
    { "access, tagged: refused", ACC10, 1, { Q(10) },
      { N, N, N, N, N, N }, 1 },
    { "access, priority-tagged: its VLAN, priority kept", ACC10, 1,
      { Q(PCP(5)) },
      { N, N, PCP(5) | 10, PCP(5) | 10, PCP(5) | 10, PCP(5) | 10 }, 0 },
    { "access, priority tag then a tag: refused (VLAN hop)", ACC10, 2,
      { Q(0), Q(30) }, { N, N, N, N, N, N }, 1 },
    { "trunk, allowed VLAN", TRK, 1, { Q(20) },
      { N, N, N, 20, 20, 20 }, 0 },
    { "trunk, untagged: native VLAN", TRK, 0, { { 0, 0 } },
      { N, U, N, N, 30, 30 }, 0 },
    { "trunk, native VLAN tagged", TRK, 1, { Q(30) },
      { N, U, N, N, 30, 30 }, 0 },
    { "trunk, priority-tagged: native VLAN, priority kept", TRK, 1,
      { Q(PCP(3)) }, { N, U, N, N, PCP(3) | 30, PCP(3) | 30 }, 0 },
    { "trunk, VLAN not allowed: refused", TRK, 1, { Q(99) },
      { N, N, N, N, N, N }, 1 },
    { "trunk without native, untagged: refused", TRKN, 0, { { 0, 0 } },
      { N, N, N, N, N, N }, 1 },
    { "trunk without native, tagged", TRKN, 1, { Q(PCP(7) | 10) },
      { U, N, PCP(7) | 10, N, PCP(7) | 10, PCP(7) | 10 }, 0 },
    { "all VLANs, untagged: VLAN 0", ALL, 0, { { 0, 0 } },
      { N, N, N, N, N, U }, 0 },
    { "all VLANs, tagged", ALL, 1, { Q(10) },
      { U, N, 10, 10, N, 10 }, 0 },
    { "a tag behind the outer one never leaves untagged", TRK, 2,
      { Q(10), Q(5) }, { N, N, N, 10, 10, 10 }, 1 },
};

#undef N
#undef U

static void
test_vlan_matrix(void)
{
    struct dp_bridge *br = bridge_new();
    struct dp_port *ports[N_MATRIX + 1];

    ports[ACC10] = port_new(br, "acc10", unit_vlan_access(10));
    ports[ACC30] = port_new(br, "acc30", unit_vlan_access(30));
    ports[TRK] = port_new(br, "trk", unit_vlan_trunk("10,20", 30));
    ports[TRKN] = port_new(br, "trkn", unit_vlan_trunk("10,20", 0));
    ports[ALL] = port_new(br, "all", vlan_all());
    ports[ALL2] = port_new(br, "all2", vlan_all());
    ports[N_MATRIX] = NULL;

    for (size_t c = 0; c < ARRAY_SIZE(vlan_cases); c++) {
        const struct vlan_case *vc = &vlan_cases[c];
        struct dp_port *in = ports[vc->in];
        struct unit_frame f = udp_frame(100 + c, bcast);
        uint64_t before = drops(in, DP_DROP_VLAN);
        uint8_t buf[512];
        size_t len;

        f.n_tags = vc->n_tags;
        memcpy(f.tags, vc->tags, sizeof vc->tags);
        len = unit_frame_build(buf, sizeof buf, &f);
        push(in, -1, &f);
        for (int p = 0; p < N_MATRIX; p++) {
            struct netdev_memory_frame out;
            int got = sent(ports[p], -1, &out);

            if (got != vc->expect[p]) {
                printf("\n%s: port %d sent %d, expected %d\n", vc->name, p,
                       got, vc->expect[p]);
            }
            CU_ASSERT_EQUAL(got, vc->expect[p]);
            if (got != NOTHING) {
                /* Only tags change: push, keep or pop. */
                size_t a_len = len, b_len = out.len;
                const uint8_t *a = after_tags(buf, &a_len);
                const uint8_t *b = after_tags(out.data, &b_len);

                if (vc->n_tags < 2) {
                    CU_ASSERT_EQUAL(a_len, b_len);
                    CU_ASSERT(a_len == b_len && !memcmp(a, b, a_len));
                }
                CU_ASSERT(!memcmp(out.data, buf, 12));
            }
        }
        CU_ASSERT_EQUAL(drops(in, DP_DROP_VLAN) - before, vc->vlan_drops);
        learn();
    }
    bridge_free(br, ports);
}

/* The offload header's offsets follow the payload when a tag is pushed or
 * popped, and "checksum verified" is not passed on. */
static void
test_offload_offsets(void)
{
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", unit_vlan_access(10));
    struct dp_port *t = port_new(br, "t", unit_vlan_trunk("10", 0));
    struct dp_port *all[] = { a, t, NULL };
    struct virtio_net_hdr vnet = {
        .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID,
        .gso_type = VIRTIO_NET_HDR_GSO_NONE,
        .hdr_len = 42,
        .csum_start = 34,
        .csum_offset = 6,
    };
    struct netdev_memory_frame out;
    struct unit_frame f = udp_frame(1, bcast);
    uint8_t buf[512];
    size_t len = unit_frame_build(buf, sizeof buf, &f);

    /* Pushed: 4 bytes later. */
    CU_ASSERT_EQUAL(datapath_memory_receive(dp, a, -1, &vnet, buf, len), 0);
    CU_ASSERT_EQUAL(sent(t, -1, &out), 10);
    CU_ASSERT_EQUAL(out.vnet.csum_start, 38);
    CU_ASSERT_EQUAL(out.vnet.hdr_len, 46);
    CU_ASSERT_EQUAL(out.vnet.csum_offset, 6);
    CU_ASSERT_EQUAL(out.vnet.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);

    /* Popped: 4 bytes earlier. */
    f.n_tags = 1;
    f.tags[0] = (struct unit_tag) { ETH_TYPE_VLAN, 10 };
    len = unit_frame_build(buf, sizeof buf, &f);
    vnet.csum_start = 38;
    vnet.hdr_len = 46;
    CU_ASSERT_EQUAL(datapath_memory_receive(dp, t, -1, &vnet, buf, len), 0);
    CU_ASSERT_EQUAL(sent(a, -1, &out), UNTAGGED);
    CU_ASSERT_EQUAL(out.vnet.csum_start, 34);
    CU_ASSERT_EQUAL(out.vnet.hdr_len, 42);
    CU_ASSERT_EQUAL(out.vnet.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);

    learn();
    bridge_free(br, all);
}

/* ---- Learning ---- */

static void
test_learning_and_moves(void)
{
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", unit_vlan_access(10));
    struct dp_port *b = port_new(br, "b", unit_vlan_access(10));
    struct dp_port *c = port_new(br, "c", unit_vlan_access(10));
    struct dp_port *d = port_new(br, "d", unit_vlan_access(20));
    struct dp_port *e = port_new(br, "e", unit_vlan_access(20));
    struct dp_port *all[] = { a, b, c, d, e, NULL };
    struct unit_frame f;

    /* A new source is queued to the control thread, not learned by the
     * datapath itself. */
    f = udp_frame(1, bcast);
    push(a, -1, &f);
    CU_ASSERT_EQUAL(learned_on(br, 10, 1), 0);
    CU_ASSERT_EQUAL(learn(), 1);
    CU_ASSERT_EQUAL(learned_on(br, 10, 1), dp_port_no(a));
    drain(all);

    /* A known source on its port is not queued again. */
    push(a, -1, &f);
    CU_ASSERT_EQUAL(learn(), 0);
    drain(all);

    /* Known unicast goes to its port only. */
    f = udp_frame_to(2, 1);
    push(b, -1, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(sent(c, -1, NULL), NOTHING);
    CU_ASSERT_EQUAL(sent(d, -1, NULL), NOTHING);
    learn();

    /* Entries are per VLAN: in VLAN 20 the address is unknown, flooded
     * there. */
    f = udp_frame_to(3, 1);
    push(d, -1, &f);
    CU_ASSERT_EQUAL(sent(e, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);
    CU_ASSERT_EQUAL(sent(b, -1, NULL), NOTHING);
    CU_ASSERT_EQUAL(sent(c, -1, NULL), NOTHING);
    learn();

    /* The station moves to c. */
    f = udp_frame(1, bcast);
    push(c, -1, &f);
    CU_ASSERT_EQUAL(learned_on(br, 10, 1), dp_port_no(a));
    CU_ASSERT_EQUAL(learn(), 1);
    CU_ASSERT_EQUAL(learned_on(br, 10, 1), dp_port_no(c));
    drain(all);
    f = udp_frame_to(2, 1);
    push(b, -1, &f);
    CU_ASSERT_EQUAL(sent(c, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);

    /* To a station on the input port: dropped. */
    f = udp_frame_to(4, 1);
    push(c, -1, &f);
    CU_ASSERT_EQUAL(drops(c, DP_DROP_LOOP), 1);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);
    CU_ASSERT_EQUAL(sent(b, -1, NULL), NOTHING);
    learn();

    /* Until the control thread learns a source, frames to it flood. */
    f = udp_frame(5, bcast);
    push(a, -1, &f);
    drain(all);
    f = udp_frame_to(2, 5);
    push(b, -1, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(sent(c, -1, NULL), UNTAGGED);
    learn();
    push(b, -1, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(sent(c, -1, NULL), NOTHING);

    bridge_free(br, all);
}

/* ---- Flooding ---- */

static void
test_flooding(void)
{
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", unit_vlan_access(10));
    struct dp_port *b = port_new(br, "b", unit_vlan_access(10));
    struct dp_port *c = port_new(br, "c", unit_vlan_access(20));
    struct dp_port *t = port_new(br, "t", unit_vlan_trunk("10,20", 0));
    struct dp_port *all[] = { a, b, c, t, NULL };
    const uint8_t mcast[ETH_ADDR_LEN] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
    const uint8_t stp[ETH_ADDR_LEN] = { 0x01, 0x80, 0xc2, 0, 0, 0 };
    const uint8_t unknown[ETH_ADDR_LEN] = UNIT_MAC(999);
    const uint8_t *dsts[] = { bcast, mcast, unknown };
    struct unit_frame f;
    uint8_t runt[10] = { 0 };

    /* Broadcast, multicast and unknown unicast: every port of the VLAN
     * but the input. */
    for (size_t i = 0; i < ARRAY_SIZE(dsts); i++) {
        f = udp_frame(1, dsts[i]);
        push(a, -1, &f);
        CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);
        CU_ASSERT_EQUAL(sent(b, -1, NULL), UNTAGGED);
        CU_ASSERT_EQUAL(sent(c, -1, NULL), NOTHING);
        CU_ASSERT_EQUAL(sent(t, -1, NULL), 10);
    }
    f = udp_frame(2, bcast);
    f.n_tags = 1;
    f.tags[0] = (struct unit_tag) { ETH_TYPE_VLAN, 20 };
    push(t, -1, &f);
    CU_ASSERT_EQUAL(sent(c, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);
    CU_ASSERT_EQUAL(sent(b, -1, NULL), NOTHING);
    CU_ASSERT_EQUAL(sent(t, -1, NULL), NOTHING);

    /* Never forwarded: link-local destinations, group or null sources,
     * runts. */
    f = udp_frame(3, stp);
    push(a, -1, &f);
    f = udp_frame(0, bcast);
    memset(f.eth_src, 0, ETH_ADDR_LEN);
    push(a, -1, &f);
    f.eth_src[0] = 0x01;
    push(a, -1, &f);
    CU_ASSERT_EQUAL(datapath_memory_receive(dp, a, -1, NULL, runt,
                                            sizeof runt), 0);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_LINK_LOCAL), 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_BAD_SRC), 2);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_RUNT), 1);
    for (struct dp_port **p = all; *p; p++) {
        CU_ASSERT_EQUAL(sent(*p, -1, NULL), NOTHING);
    }
    learn();
    bridge_free(br, all);
}

/* ---- Teams ---- */

/* Which member of 'team' (of 'n') sent one frame, or TEAM_NONE; fails if
 * more than one did. */
static int
member_sent(const struct dp_port *team, int n)
{
    int slot = TEAM_NONE;

    for (int i = 0; i < n; i++) {
        if (sent(team, i, NULL) != NOTHING) {
            CU_ASSERT_EQUAL(slot, TEAM_NONE);
            slot = i;
        }
    }
    return slot;
}

static void
test_team_receive_rules(void)
{
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", vlan_all());
    struct dp_port *b = port_new(br, "b", vlan_all());
    struct dp_port *t = team_new(br, "t", vlan_all(), 2);
    struct dp_port *all[] = { a, b, t, NULL };
    struct dp_team_map_desc d = team_desc(TEAM_POLICY_ACTIVE_BACKUP, 2);
    struct unit_frame f;
    uint8_t mac[ETH_ADDR_LEN];

    d.active = 1;               /* Designated 0, active 1. */
    datapath_team_publish(dp, t, &d);

    /* A flood from upstream arrives on every member: the designated
     * member's copy is kept. */
    f = udp_frame(50, bcast);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(sent(b, -1, NULL), UNTAGGED);
    push(t, 1, &f);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_TEAM_RX), 1);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);
    CU_ASSERT_EQUAL(sent(b, -1, NULL), NOTHING);
    learn();
    CU_ASSERT_EQUAL(learned_on(br, 0, 50), dp_port_no(t));

    /* A local station's frames go out on the active member. */
    f = udp_frame(1, bcast);
    push(a, -1, &f);
    CU_ASSERT_EQUAL(member_sent(t, 2), 1);
    CU_ASSERT_EQUAL(sent(b, -1, NULL), UNTAGGED);
    learn();

    /* Unicast to it: upstream delivers it on the member the station
     * sends on; a copy on another member is a flood. */
    f = udp_frame_to(50, 1);
    push(t, 1, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_TEAM_RX), 2);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);

    /* Unknown unicast is a flood: the designated member's copy. */
    f = udp_frame_to(50, 777);
    push(t, 1, &f);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_TEAM_RX), 3);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(sent(b, -1, NULL), UNTAGGED);

    /* ARP from or to a member's own address (the switch's link probes) is
     * not switched. */
    f = garp_frame(0);
    member_mac(t, 0, mac);
    memcpy(f.eth_src, mac, ETH_ADDR_LEN);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_LOCAL), 1);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);

    /* Without the receive rules, every member's copy is kept. */
    d.switch_independent = false;
    datapath_team_publish(dp, t, &d);
    f = udp_frame(50, bcast);
    push(t, 1, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_TEAM_RX), 3);

    learn();
    bridge_free(br, all);
}

/* Pushes unicast from upstream station 50 to local station 1 on member
 * 'slot' of 't': true if it reached 'a', false if the receive rules
 * dropped it (and counted it). */
static bool
upstream_unicast_kept(struct dp_port *t, int slot, struct dp_port *a)
{
    struct unit_frame f = udp_frame_to(50, 1);
    uint64_t before = drops(t, DP_DROP_TEAM_RX);
    int got;

    push(t, slot, &f);
    got = sent(a, -1, NULL);
    CU_ASSERT(got == UNTAGGED || got == NOTHING);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_TEAM_RX), before + (got == NOTHING));
    return got == UNTAGGED;
}

/* After a move, upstream still delivers the station's unicast on the
 * previous member until it learns of the move: rule 2 accepts it there for
 * DP_TEAM_MOVE_GRACE_USEC (a later map that does not move the item keeps
 * the grace), then drops it again.  For each kind of item. */
static void
test_team_move_grace(void)
{
    const uint64_t grace_ms = DP_TEAM_MOVE_GRACE_USEC / 1000;
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", vlan_all());
    struct dp_port *b = port_new(br, "b", vlan_all());
    struct dp_port *t = team_new(br, "t", vlan_all(), 2);
    struct dp_port *all[] = { a, b, t, NULL };
    uint32_t port_nos[2] = { dp_port_no(a), dp_port_no(b) };
    int port_slots[2] = { 0, 1 };
    struct unit_frame f = udp_frame(1, bcast);
    struct dp_team_map_desc d = team_desc(TEAM_POLICY_SRC_PORT, 2);
    const uint8_t mac1[ETH_ADDR_LEN] = UNIT_MAC(1);
    uint8_t bucket = team_hash_src_mac(mac1, 0);

    d.n_ports = 2;
    d.port_nos = port_nos;
    d.port_slots = port_slots;
    datapath_team_publish(dp, t, &d);
    push(a, -1, &f);
    drain(all);
    learn();

    /* src-port: station 1's port moves from member 0 to member 1. */
    CU_ASSERT_TRUE(upstream_unicast_kept(t, 0, a));
    CU_ASSERT_FALSE(upstream_unicast_kept(t, 1, a));
    port_slots[0] = 1;
    datapath_team_publish(dp, t, &d);
    CU_ASSERT_TRUE(upstream_unicast_kept(t, 1, a));
    CU_ASSERT_TRUE(upstream_unicast_kept(t, 0, a));
    clock_advance_ms(grace_ms / 2);
    datapath_team_publish(dp, t, &d);         /* Nothing moves. */
    CU_ASSERT_TRUE(upstream_unicast_kept(t, 0, a));
    clock_advance_ms(grace_ms / 2);
    CU_ASSERT_FALSE(upstream_unicast_kept(t, 0, a));
    CU_ASSERT_TRUE(upstream_unicast_kept(t, 1, a));
    /* A port the previous map did not have has no previous member, even
     * if an older map had it elsewhere. */
    port_slots[0] = 0;
    d.n_ports = 0;
    datapath_team_publish(dp, t, &d);
    d.n_ports = 2;
    datapath_team_publish(dp, t, &d);
    CU_ASSERT_TRUE(upstream_unicast_kept(t, 0, a));
    CU_ASSERT_FALSE(upstream_unicast_kept(t, 1, a));

    /* src-mac: station 1's bucket moves. */
    d = team_desc(TEAM_POLICY_SRC_MAC, 2);
    datapath_team_publish(dp, t, &d);
    clock_advance_ms(grace_ms);
    CU_ASSERT_FALSE(upstream_unicast_kept(t, !(bucket % 2), a));
    d.bucket[bucket] = !(bucket % 2);
    datapath_team_publish(dp, t, &d);
    CU_ASSERT_TRUE(upstream_unicast_kept(t, bucket % 2, a));
    CU_ASSERT_TRUE(upstream_unicast_kept(t, !(bucket % 2), a));
    clock_advance_ms(grace_ms);
    CU_ASSERT_FALSE(upstream_unicast_kept(t, bucket % 2, a));

    /* active-backup: the active member (and the designated one, as a
     * failover moves both) changes. */
    d = team_desc(TEAM_POLICY_ACTIVE_BACKUP, 2);
    datapath_team_publish(dp, t, &d);
    clock_advance_ms(grace_ms);
    CU_ASSERT_FALSE(upstream_unicast_kept(t, 1, a));
    d.active = 1;
    d.designated = 1;
    datapath_team_publish(dp, t, &d);
    CU_ASSERT_TRUE(upstream_unicast_kept(t, 0, a));
    CU_ASSERT_TRUE(upstream_unicast_kept(t, 1, a));
    /* Floods keep only the designated member's copy, in the grace too. */
    f = udp_frame(50, bcast);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);
    push(t, 1, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    drain(all);
    clock_advance_ms(grace_ms);
    CU_ASSERT_FALSE(upstream_unicast_kept(t, 0, a));

    learn();
    bridge_free(br, all);
}

/* A team map's first use is stamped when a batch uses it, even if the
 * batch's clock was read before the map was published (a thread reads it
 * once for all the sockets it found ready): failover times are measured
 * from it, and a stamp from before the event read as "not used yet". */
static void
test_team_first_use_stamp(void)
{
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", vlan_all());
    struct dp_port *t = team_new(br, "t", vlan_all(), 2);
    struct dp_port *all[] = { a, t, NULL };
    struct dp_team_map_desc d = team_desc(TEAM_POLICY_SRC_MAC, 2);
    struct unit_frame f = udp_frame(1, bcast);
    uint64_t batch_clock = now_usec, published, first_use;

    clock_advance_ms(1);
    datapath_team_publish(dp, t, &d);
    clock_advance_ms(1);
    dp_team_map_times(t, &published, &first_use);
    CU_ASSERT_EQUAL(first_use, 0);
    /* A broadcast from 'a' reaches the team through its map. */
    push_at(a, -1, &f, batch_clock);
    dp_team_map_times(t, &published, &first_use);
    CU_ASSERT(first_use >= published);
    CU_ASSERT_EQUAL(first_use, now_usec);
    drain(all);
    learn();
    bridge_free(br, all);
}

/* What the slow-protocol function got. */
static struct {
    unsigned int n;               /* Frames handed over. */
    struct dp_port *team;         /* The last one's team... */
    int slot;                     /* ...member... */
    size_t len;                   /* ...and length. */
} slow_got;

static void
slow_func(struct dp_port *team, int slot, const void *frame, size_t len,
          void *aux)
{
    slow_got.n++;
    slow_got.team = team;
    slow_got.slot = slot;
    slow_got.len = len;
}

/* LACPDUs (slow protocols) that a LACP team's members receive go to the
 * control thread and nowhere else; on a team without LACP, and from a VM,
 * they are link-local frames like any other, never forwarded. */
static void
test_team_lacp_divert(void)
{
    static const uint8_t slow[ETH_ADDR_LEN] = {
        0x01, 0x80, 0xc2, 0x00, 0x00, 0x02
    };
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", vlan_all());
    struct dp_port *t = team_new(br, "t", vlan_all(), 2);
    struct dp_port *all[] = { a, t, NULL };
    struct dp_team_map_desc d = team_desc(TEAM_POLICY_HASH, 2);
    struct unit_frame f = udp_frame(50, slow);

    f.eth_type = 0x8809;
    f.ip_version = 0;
    f.min_len = 124;
    memset(&slow_got, 0, sizeof slow_got);
    datapath_set_slow_func(dp, slow_func, NULL);

    /* No LACP on the team: dropped as link-local. */
    d.switch_independent = false;
    datapath_team_publish(dp, t, &d);
    push(t, 1, &f);
    learn();
    CU_ASSERT_EQUAL(slow_got.n, 0);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_LINK_LOCAL), 1);

    /* LACP: handed over with its member, counted as "lacp". */
    d.lacp = true;
    d.collecting = 3;
    datapath_team_publish(dp, t, &d);
    push(t, 1, &f);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(slow_got.n, 0);     /* Not before the control thread
                                         * runs. */
    learn();
    CU_ASSERT_EQUAL(slow_got.n, 2);
    CU_ASSERT_PTR_EQUAL(slow_got.team, t);
    CU_ASSERT_EQUAL(slow_got.slot, 0);
    CU_ASSERT_EQUAL(slow_got.len, 124);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_LACP), 2);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);

    /* Other slow protocols and other link-local groups: not LACP's. */
    f.eth_type = 0x88cc;
    push(t, 0, &f);
    f.eth_type = 0x8809;
    f.eth_dst[5] = 0x0e;
    push(t, 0, &f);
    learn();
    CU_ASSERT_EQUAL(slow_got.n, 2);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_LINK_LOCAL), 3);

    /* A VM's LACPDU goes nowhere, not even to the team's LACP. */
    f.eth_dst[5] = 0x02;
    push(a, -1, &f);
    learn();
    CU_ASSERT_EQUAL(slow_got.n, 2);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_LINK_LOCAL), 1);
    CU_ASSERT_EQUAL(member_sent(t, 2), TEAM_NONE);

    /* A queue the control thread does not drain fills: the rest are
     * counted lost. */
    for (int i = 0; i < 100; i++) {
        push(t, 0, &f);
    }
    CU_ASSERT_EQUAL(drops(t, DP_DROP_LACP) + drops(t, DP_DROP_LACP_QUEUE),
                    102);
    CU_ASSERT_TRUE(drops(t, DP_DROP_LACP_QUEUE) > 0);
    learn();
    CU_ASSERT_EQUAL(slow_got.n, drops(t, DP_DROP_LACP));

    /* A member LACP does not have collecting (out of the aggregator)
     * delivers nothing; the one in it does. */
    learn();
    d.collecting = 1u << 0;
    datapath_team_publish(dp, t, &d);
    f = udp_frame(60, bcast);
    push(t, 1, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), NOTHING);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_TEAM_RX), 1);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    /* A member that collects but carries nothing (disabled by the
     * operator, in its up delay) still delivers what the partner sends
     * it: nothing is lost on the way in. */
    d.collecting = 3;
    d.usable = 1u << 0;
    datapath_team_publish(dp, t, &d);
    push(t, 1, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_TEAM_RX), 1);
    /* Without LACP (static), every member delivers. */
    d.lacp = false;
    d.collecting = 0;
    datapath_team_publish(dp, t, &d);
    push(t, 1, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_TEAM_RX), 1);

    learn();
    datapath_set_slow_func(dp, NULL, NULL);
    bridge_free(br, all);
}

static void
test_team_reflections(void)
{
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", vlan_all());
    struct dp_port *b = port_new(br, "b", vlan_all());
    struct dp_port *t = team_new(br, "t", vlan_all(), 2);
    struct dp_port *all[] = { a, b, t, NULL };
    struct dp_team_map_desc d = team_desc(TEAM_POLICY_ACTIVE_BACKUP, 2);
    struct mac_table_stats ms;
    struct unit_frame f;

    datapath_team_publish(dp, t, &d);

    /* A station not learned yet sends into the team; upstream floods it
     * back: a reflection, not a station behind the team. */
    f = udp_frame(1, bcast);
    push(a, -1, &f);
    CU_ASSERT_EQUAL(member_sent(t, 2), 0);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_REFLECTION), 1);
    CU_ASSERT_EQUAL(sent(b, -1, NULL), UNTAGGED);      /* From a. */
    CU_ASSERT_EQUAL(sent(b, -1, NULL), NOTHING);
    learn();
    CU_ASSERT_EQUAL(learned_on(br, 0, 1), dp_port_no(a));

    /* Learned, the same. */
    push(a, -1, &f);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_REFLECTION), 2);
    drain(all);

    /* Later, while the station is alive here, a frame with its address
     * from upstream is a conflict: not forwarded, not moved. */
    clock_advance_ms(1000);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_SRC_CONFLICT), 1);
    CU_ASSERT_EQUAL(sent(b, -1, NULL), NOTHING);
    learn();
    CU_ASSERT_EQUAL(learned_on(br, 0, 1), dp_port_no(a));
    mac_table_get_stats(dp_bridge_mac_table(br), &ms);
    CU_ASSERT_EQUAL(ms.conflicts, 1);

    /* An announcement from upstream moves it (a migration). */
    f = garp_frame(1);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(drops(t, DP_DROP_REFLECTION), 3);
    learn();
    CU_ASSERT_EQUAL(learned_on(br, 0, 1), dp_port_no(t));

    /* A station silent for longer than it counts as alive, seen behind
     * the team: it moved there; forwarded and learned. */
    f = udp_frame(2, bcast);
    push(b, -1, &f);
    learn();
    drain(all);
    clock_advance_ms(5000);
    push(t, 0, &f);
    CU_ASSERT_EQUAL(sent(a, -1, NULL), UNTAGGED);
    drain(all);
    learn();
    CU_ASSERT_EQUAL(learned_on(br, 0, 2), dp_port_no(t));

    /* Now a local port sending from its address forges it. */
    push(a, -1, &f);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_SRC_CONFLICT), 1);
    CU_ASSERT_EQUAL(member_sent(t, 2), TEAM_NONE);
    CU_ASSERT_EQUAL(sent(b, -1, NULL), NOTHING);
    learn();
    CU_ASSERT_EQUAL(learned_on(br, 0, 2), dp_port_no(t));

    bridge_free(br, all);
}

/* ---- Selection per policy ---- */

static void
test_team_select(void)
{
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", vlan_all());
    struct dp_port *b = port_new(br, "b", vlan_all());
    struct dp_port *t = team_new(br, "t", vlan_all(), 2);
    struct dp_port *all[] = { a, b, t, NULL };
    struct dp_team_map_desc d;
    uint32_t port_nos[2] = { dp_port_no(a), dp_port_no(b) };
    int port_slots[2] = { 1, 0 };
    uint64_t bytes[TEAM_BUCKETS];
    int seen[2] = { 0, 0 };

    /* active-backup: everything on the active member. */
    d = team_desc(TEAM_POLICY_ACTIVE_BACKUP, 2);
    d.active = 1;
    datapath_team_publish(dp, t, &d);
    for (uint32_t s = 1; s <= 8; s++) {
        struct unit_frame f = udp_frame(s, bcast);

        push(s % 2 ? a : b, -1, &f);
        CU_ASSERT_EQUAL(member_sent(t, 2), 1);
    }
    drain(all);
    learn();

    /* src-port: each port on its member. */
    d = team_desc(TEAM_POLICY_SRC_PORT, 2);
    d.n_ports = 2;
    d.port_nos = port_nos;
    d.port_slots = port_slots;
    datapath_team_publish(dp, t, &d);
    for (uint32_t s = 1; s <= 8; s++) {
        struct unit_frame f = udp_frame(s, bcast);

        push(s % 2 ? a : b, -1, &f);
        CU_ASSERT_EQUAL(member_sent(t, 2), s % 2 ? 1 : 0);
    }
    CU_ASSERT(dp_port_team_tx_bytes(a) > 0);
    drain(all);

    /* src-mac: the bucket of the source address and VLAN. */
    d = team_desc(TEAM_POLICY_SRC_MAC, 2);
    datapath_team_publish(dp, t, &d);
    dp_team_bucket_bytes(t, bytes);
    for (uint32_t s = 1; s <= 16; s++) {
        struct unit_frame f = udp_frame(s, bcast);
        uint8_t bucket = team_hash_src_mac(f.eth_src, 0);
        uint64_t after[TEAM_BUCKETS];
        int slot;

        push(a, -1, &f);
        slot = member_sent(t, 2);
        CU_ASSERT_EQUAL(slot, bucket % 2);
        seen[slot >= 0 ? slot : 0]++;
        dp_team_bucket_bytes(t, after);
        CU_ASSERT(after[bucket] > bytes[bucket]);
        memcpy(bytes, after, sizeof bytes);
        drain(all);
    }
    CU_ASSERT(seen[0] && seen[1]);

    /* hash (L3 and L4): the bucket of the flow. */
    d = team_desc(TEAM_POLICY_HASH, 2);
    d.fields = TEAM_HASH_L34;
    datapath_team_publish(dp, t, &d);
    seen[0] = seen[1] = 0;
    for (uint16_t port = 1; port <= 16; port++) {
        struct unit_frame f = udp_frame(1, bcast);
        struct packet_info pi;
        uint8_t buf[512];
        size_t len;
        int slot;

        f.l4_src = port;
        len = unit_frame_build(buf, sizeof buf, &f);
        CU_ASSERT_EQUAL_FATAL(packet_parse(buf, len, false, 0, 0, &pi), 0);
        packet_parse_l3(buf, len, &pi);
        push(a, -1, &f);
        slot = member_sent(t, 2);
        CU_ASSERT_EQUAL(slot, team_hash_bucket(&pi, 0, TEAM_HASH_L34) % 2);
        seen[slot >= 0 ? slot : 0]++;
        drain(all);
    }
    CU_ASSERT(seen[0] && seen[1]);

    learn();
    bridge_free(br, all);
}

/* ---- Failover ---- */

/* Publishes what 'map' says, as the control thread does. */
static void
publish_map(struct dp_port *t, const struct team_map *map)
{
    struct dp_team_map_desc d;
    int members[TEAM_MAX_MEMBERS];
    int n = team_map_members(map, members);

    memset(&d, 0, sizeof d);
    d.policy = team_map_policy(map);
    d.switch_independent = true;
    d.fast_down = true;
    for (int i = 0; i < n; i++) {
        if (team_map_is_usable(map, members[i])) {
            d.usable |= 1u << members[i];
        }
        d.order[i] = members[i];
    }
    d.n_order = n;
    d.active = team_map_member_of(map, TEAM_ITEM_ACTIVE, 0);
    d.designated = team_map_designated(map);
    for (int b = 0; b < TEAM_BUCKETS; b++) {
        d.bucket[b] = team_map_member_of(map, TEAM_ITEM_BUCKET, b);
    }
    datapath_team_publish(dp, t, &d);
}

#define N_SOURCES 48

/* Sends a frame from each of N_SOURCES stations on 'a' and notes the
 * member of 't' it left on. */
static void
members_of_sources(struct dp_port *a, struct dp_port *t, int n,
                   int member[N_SOURCES])
{
    for (int s = 0; s < N_SOURCES; s++) {
        struct unit_frame f = udp_frame(1000 + s, bcast);

        push(a, -1, &f);
        member[s] = member_sent(t, n);
        CU_ASSERT_NOT_EQUAL(member[s], TEAM_NONE);
    }
    learn();
}

static void
test_team_failover(void)
{
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", vlan_all());
    struct dp_port *t = team_new(br, "t", vlan_all(), 3);
    struct dp_port *all[] = { a, t, NULL };
    struct team_map *map = team_map_create(TEAM_POLICY_SRC_MAC, false);
    GArray *moves = g_array_new(false, false, sizeof(struct team_move));
    int before[N_SOURCES], fast[N_SOURCES], after[N_SOURCES];
    int on_failed = 0;
    bool lost;

    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(team_map_add_member(map), i);
        team_map_set_usable(map, i, true, moves);
    }
    publish_map(t, map);
    members_of_sources(a, t, 3, before);
    for (int s = 0; s < N_SOURCES; s++) {
        on_failed += before[s] == 1;
    }
    CU_ASSERT(on_failed > 0 && on_failed < N_SOURCES);

    /* Member 1 loses its link: from the next frame on, the datapath sends
     * what it carried on the designated member, before the control thread
     * has done anything; nothing else moves. */
    CU_ASSERT_EQUAL(datapath_memory_set_carrier(dp, t, 1, false), 0);
    members_of_sources(a, t, 3, fast);
    for (int s = 0; s < N_SOURCES; s++) {
        CU_ASSERT_EQUAL(fast[s], before[s] == 1 ? 0 : before[s]);
    }
    CU_ASSERT_FALSE(datapath_team_member_carrier(t, 1, &lost));
    CU_ASSERT_TRUE(lost);

    /* The control thread's new map moves only member 1's buckets, spread
     * over the others. */
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 1, false, moves);
    CU_ASSERT(moves->len > 0);
    publish_map(t, map);
    members_of_sources(a, t, 3, after);
    for (int s = 0; s < N_SOURCES; s++) {
        if (before[s] != 1) {
            CU_ASSERT_EQUAL(after[s], before[s]);
        } else {
            CU_ASSERT_NOT_EQUAL(after[s], 1);
        }
    }

    /* The link comes back: the control thread sees it (and that it was
     * lost meanwhile) and clears the mark. */
    CU_ASSERT_EQUAL(datapath_memory_set_carrier(dp, t, 1, true), 0);
    CU_ASSERT_TRUE(datapath_team_member_carrier(t, 1, &lost));
    CU_ASSERT_TRUE(lost);
    CU_ASSERT_TRUE(datapath_team_member_carrier(t, 1, &lost));
    CU_ASSERT_FALSE(lost);

    g_array_free(moves, true);
    team_map_destroy(map);
    bridge_free(br, all);
}

/* Everything a port sends is kept until the test takes it, up to the
 * queue's size; more are refused and counted, as a full socket's. */
static void
test_memory_port_queue(void)
{
    struct dp_bridge *br = bridge_new();
    struct dp_port *a = port_new(br, "a", unit_vlan_access(10));
    struct dp_port *b = port_new(br, "b", unit_vlan_access(10));
    struct dp_port *all[] = { a, b, NULL };
    struct netdev_memory_frame out;
    struct dp_port_stats s;

    for (int i = 0; i < NETDEV_MEMORY_QUEUE + 3; i++) {
        struct unit_frame f = udp_frame(1, bcast);

        push(a, -1, &f);
    }
    dp_port_get_stats(b, &s);
    CU_ASSERT_EQUAL(s.tx_packets, NETDEV_MEMORY_QUEUE);
    CU_ASSERT_EQUAL(s.drops[DP_DROP_TX_ERROR], 3);
    dp_port_get_stats(a, &s);
    CU_ASSERT_EQUAL(s.rx_packets, NETDEV_MEMORY_QUEUE + 3);
    for (int i = 0; i < NETDEV_MEMORY_QUEUE; i++) {
        CU_ASSERT_EQUAL(datapath_memory_take(b, -1, &out), 0);
    }
    CU_ASSERT_EQUAL(datapath_memory_take(b, -1, &out), -EAGAIN);
    learn();
    bridge_free(br, all);
}

static const CU_TestInfo tests[] = {
    { "VLAN matrix: access, trunk, native, tags in and out",
      test_vlan_matrix },
    { "offload offsets follow a pushed or popped tag",
      test_offload_offsets },
    { "learning is queued, per VLAN, and follows moves",
      test_learning_and_moves },
    { "flooding: the VLAN's ports but the input", test_flooding },
    { "team receive rules", test_team_receive_rules },
    { "team receive rules: a moved item's previous member, for a while",
      test_team_move_grace },
    { "team LACPDUs to the control thread", test_team_lacp_divert },
    { "team reflections, conflicts and moves", test_team_reflections },
    { "team member selection per policy", test_team_select },
    { "failover moves only the failed member's items",
      test_team_failover },
    { "team map: first use stamped when used", test_team_first_use_stamp },
    { "an in-memory port's queue", test_memory_port_queue },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("pipeline", suite_init, suite_clean, tests);
}
