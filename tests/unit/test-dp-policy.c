/* Tests of the per-port policy stages (lib/dp-policy.c): frames pushed into
 * in-memory ports go through the real pipeline at the test clock, and each
 * test looks at what the ports sent and at the drop counters, one for each
 * setting of port-policy.h.  The policers are driven by the test clock: no
 * timing is measured. */
#include <autoconf.h>
#include "datapath.h"

#include <CUnit/Basic.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <string.h>
#include "mac-table.h"
#include "netdev-memory.h"
#include "packet.h"
#include "port-policy.h"
#include "rcu.h"
#include "unit.h"
#include "unit-dp.h"

/* Device indexes no real device has (the link watcher hears of those). */
#define IFINDEX_BASE 2000000

static struct datapath *dp;
static uint64_t now_usec;
static int next_ifindex = IFINDEX_BASE;

static const uint8_t bcast[ETH_ADDR_LEN] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static int
suite_init(void)
{
    now_usec = UINT64_C(2000000000);
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
advance_usec(uint64_t usec)
{
    now_usec += usec;
    datapath_set_clock(dp, now_usec);
}

static size_t
run_learning(void)
{
    return datapath_run_learning(dp, now_usec / 1000000);
}

/* A world: one bridge with 'n' ports, all access ports of VLAN 1 unless
 * 'trunk', the last a team of one member if 'team'. */
struct world {
    struct dp_bridge *br;          /* The bridge. */
    struct dp_port *ports[8];      /* Its ports. */
    int n;                         /* Ports in 'ports'. */
};

static struct world
world_new(int n, unsigned int table_size, bool trunk, bool team)
{
    struct dp_port_settings s = { .mode = VLAN_MODE_ACCESS, .vlan = 1 };
    struct world w = { .n = n };
    char err[128];

    if (trunk) {
        s = (struct dp_port_settings) { .mode = VLAN_MODE_TRUNK,
                                        .native = 1 };
        CU_ASSERT_EQUAL_FATAL(vlan_bitmap_parse("10", &s.trunks, err,
                                                sizeof err), 0);
    }
    w.br = datapath_bridge_create(dp, "br", table_size, 300);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w.br);
    for (int i = 0; i < n; i++) {
        uint8_t mac[ETH_ADDR_LEN];
        char name[16];
        int ifindex = next_ifindex++;

        snprintf(name, sizeof name, "p%d", i);
        unit_mac_set(mac, 0xee000000u + ifindex);
        if (team && i == n - 1) {
            struct dp_team_map_desc d = {
                .policy = TEAM_POLICY_ACTIVE_BACKUP, .usable = 1,
                .designated = 0, .active = 0, .n_order = 1,
                .order = { 0 },
            };

            w.ports[i] = datapath_team_add(dp, w.br, name, &s);
            CU_ASSERT_PTR_NOT_NULL_FATAL(w.ports[i]);
            datapath_team_member_set(dp, w.ports[i], 0, "t0");
            CU_ASSERT_EQUAL_FATAL(datapath_team_member_attach_memory(
                                      dp, w.ports[i], 0, ifindex, mac), 0);
            CU_ASSERT_EQUAL_FATAL(datapath_team_publish(dp, w.ports[i], &d),
                                  0);
        } else {
            w.ports[i] = datapath_port_add(dp, w.br, name, &s);
            CU_ASSERT_PTR_NOT_NULL_FATAL(w.ports[i]);
            CU_ASSERT_EQUAL_FATAL(datapath_port_attach_memory(
                                      dp, w.ports[i], ifindex, mac), 0);
        }
    }
    return w;
}

static void
world_free(struct world *w)
{
    for (int i = 0; i < w->n; i++) {
        datapath_port_remove(dp, w->ports[i]);
    }
    datapath_bridge_destroy(dp, w->br);
}

/* The policy the datapath applies to 'p', to change and set. */
static struct port_policy
policy_of(const struct dp_port *p)
{
    return *dp_port_policy(p);
}

static void
policy_set(struct dp_port *p, const struct port_policy *pp)
{
    CU_ASSERT_EQUAL(datapath_port_set_policy(dp, p, pp), 0);
}

/* An untagged UDP frame from UNIT_MAC(src) to 'dst', of 'len' bytes at
 * least (60 at least). */
static struct unit_frame
udp(uint32_t src, const uint8_t dst[ETH_ADDR_LEN])
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
udp_to(uint32_t src, uint32_t dst)
{
    const uint8_t mac[ETH_ADDR_LEN] = UNIT_MAC(dst);

    return udp(src, mac);
}

/* Builds 'f', sets byte 'ofs' of it to 'byte' if 'ofs' is nonzero, and
 * pushes it into 'p' with offload header 'vnet' (NULL: none). */
static void
push_raw(struct dp_port *p, const struct unit_frame *f, size_t ofs,
         uint8_t byte, const struct virtio_net_hdr *vnet)
{
    static uint8_t buf[4096];
    size_t len = unit_frame_build(buf, sizeof buf, f);

    CU_ASSERT_FATAL(len > 0);
    if (ofs) {
        CU_ASSERT_FATAL(ofs < len);
        buf[ofs] = byte;
    }
    CU_ASSERT_EQUAL(datapath_memory_receive(dp, p, dp_port_is_team(p) ? 0 : -1,
                                            vnet, buf, len), 0);
}

static void
push(struct dp_port *p, const struct unit_frame *f)
{
    push_raw(p, f, 0, 0, NULL);
}

/* How many frames 'p' sent since the last call (they are taken). */
static int
n_sent(const struct dp_port *p)
{
    struct netdev_memory_frame f;
    int n = 0;

    while (!datapath_memory_take(p, dp_port_is_team(p) ? 0 : -1, &f)) {
        n++;
    }
    return n;
}

static void
drain(struct world *w)
{
    for (int i = 0; i < w->n; i++) {
        n_sent(w->ports[i]);
    }
}

static uint64_t
drops(const struct dp_port *p, enum dp_drop_reason r)
{
    struct dp_port_stats s;

    dp_port_get_stats(p, &s);
    return s.drops[r];
}

/* The port number (VLAN 1, UNIT_MAC(mac)) is learned on, or 0. */
static uint32_t
learned_on(const struct world *w, uint32_t mac)
{
    const uint8_t m[ETH_ADDR_LEN] = UNIT_MAC(mac);
    struct mac_entry *e;
    uint32_t port_no;

    rcu_read_lock();
    e = mac_table_lookup_rcu(dp_bridge_mac_table(w->br), 1, m);
    port_no = e ? e->port_no : 0;
    rcu_read_unlock();
    return port_no;
}

/* Pushes a frame from UNIT_MAC(mac) into 'p' and learns it. */
static void
teach(struct world *w, struct dp_port *p, uint32_t mac)
{
    struct unit_frame f = udp(mac, bcast);

    push(p, &f);
    run_learning();
    CU_ASSERT_EQUAL(learned_on(w, mac), dp_port_no(p));
    drain(w);
}

/* Every drop reason this file tests has a name in port/stats. */
static void
test_reason_names(void)
{
    static const struct {
        enum dp_drop_reason r;
        const char *name;
    } names[] = {
        { DP_DROP_DISABLED, "disabled" },
        { DP_DROP_BPDU_GUARD, "bpdu-guard" },
        { DP_DROP_SRC_MAC, "src-mac" },
        { DP_DROP_DST_MAC, "dst-mac" },
        { DP_DROP_MAC_LIMIT, "mac-limit" },
        { DP_DROP_MAC_LIMIT_FLOOD, "mac-limit-flood" },
        { DP_DROP_ISOLATED, "isolated" },
        { DP_DROP_DHCP_GUARD, "dhcp-guard" },
        { DP_DROP_RA_GUARD, "ra-guard" },
        { DP_DROP_RATE_OUT, "rate-out" },
        { DP_DROP_RATE_IN, "rate-in" },
        { DP_DROP_STORM, "storm" },
        { DP_DROP_MTU, "mtu" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        CU_ASSERT_STRING_EQUAL(dp_drop_reason_name(names[i].r),
                               names[i].name);
    }
    for (int r = 0; r < DP_N_DROPS; r++) {
        CU_ASSERT_STRING_NOT_EQUAL(dp_drop_reason_name(r), "?");
    }
}

/* ---- enabled ---- */

static void
test_disabled(void)
{
    struct world w = world_new(3, 64, false, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1], *c = w.ports[2];
    struct port_policy pp = policy_of(a);
    struct unit_frame f;

    pp.enabled = false;
    policy_set(a, &pp);

    /* Nothing in: dropped, counted, not learned. */
    f = udp(1, bcast);
    push(a, &f);
    CU_ASSERT_EQUAL(run_learning(), 0);
    CU_ASSERT_EQUAL(learned_on(&w, 1), 0);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_DISABLED), 1);
    CU_ASSERT_EQUAL(n_sent(b), 0);
    CU_ASSERT_EQUAL(n_sent(c), 0);

    /* Nothing out. */
    f = udp(2, bcast);
    push(b, &f);
    CU_ASSERT_EQUAL(n_sent(a), 0);
    CU_ASSERT_EQUAL(n_sent(c), 1);

    /* Enabled again: both ways. */
    pp.enabled = true;
    policy_set(a, &pp);
    push(b, &f);
    CU_ASSERT_EQUAL(n_sent(a), 1);
    f = udp(1, bcast);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_DISABLED), 1);
    world_free(&w);
}

/* ---- BPDU guard ---- */

static int guard_calls;
static struct dp_port *guard_port;

static void
guard_cb(struct dp_port *p, void *aux)
{
    CU_ASSERT_PTR_EQUAL(aux, &guard_calls);
    guard_calls++;
    guard_port = p;
}

static void
test_bpdu_guard(void)
{
    static const uint8_t stp[ETH_ADDR_LEN] = {
        0x01, 0x80, 0xc2, 0x00, 0x00, 0x00
    };
    static const uint8_t lacp[ETH_ADDR_LEN] = {
        0x01, 0x80, 0xc2, 0x00, 0x00, 0x02
    };
    struct world w = world_new(3, 64, false, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1], *c = w.ports[2];
    struct port_policy pp = policy_of(a);
    struct unit_frame bpdu = udp(1, stp), f;

    datapath_set_guard_func(dp, guard_cb, &guard_calls);
    guard_calls = 0;

    /* Without the guard a BPDU is a link-local drop, nothing more. */
    push(a, &bpdu);
    run_learning();
    CU_ASSERT_EQUAL(drops(a, DP_DROP_LINK_LOCAL), 1);
    CU_ASSERT_FALSE(dp_port_guard_tripped(a));
    CU_ASSERT_EQUAL(guard_calls, 0);

    /* With it, another link-local frame (LACP) does not trip it... */
    pp.bpdu_guard = true;
    policy_set(a, &pp);
    f = udp(1, lacp);
    push(a, &f);
    run_learning();
    CU_ASSERT_EQUAL(drops(a, DP_DROP_LINK_LOCAL), 2);
    CU_ASSERT_FALSE(dp_port_guard_tripped(a));

    /* ...a BPDU does: the port is blocked both ways, the control thread
     * told once. */
    push(a, &bpdu);
    CU_ASSERT_TRUE(dp_port_guard_tripped(a));
    CU_ASSERT_EQUAL(drops(a, DP_DROP_BPDU_GUARD), 1);
    f = udp(1, bcast);
    push(a, &f);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_BPDU_GUARD), 2);
    CU_ASSERT_EQUAL(n_sent(b) + n_sent(c), 0);
    CU_ASSERT_EQUAL(guard_calls, 0);
    run_learning();
    CU_ASSERT_EQUAL(guard_calls, 1);
    CU_ASSERT_PTR_EQUAL(guard_port, a);
    CU_ASSERT_EQUAL(learned_on(&w, 1), 0);
    push(a, &bpdu);
    run_learning();
    CU_ASSERT_EQUAL(guard_calls, 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_BPDU_GUARD), 3);
    f = udp(2, bcast);
    push(b, &f);
    CU_ASSERT_EQUAL(n_sent(a), 0);
    CU_ASSERT_EQUAL(n_sent(c), 1);

    /* Reset by the operator: open again; a new BPDU trips it again. */
    datapath_port_guard_reset(dp, a);
    CU_ASSERT_FALSE(dp_port_guard_tripped(a));
    push(b, &f);
    CU_ASSERT_EQUAL(n_sent(a), 1);
    f = udp(1, bcast);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    push(a, &bpdu);
    run_learning();
    CU_ASSERT_TRUE(dp_port_guard_tripped(a));
    CU_ASSERT_EQUAL(guard_calls, 2);

    datapath_port_guard_reset(dp, a);
    datapath_set_guard_func(dp, NULL, NULL);
    drain(&w);
    world_free(&w);
}

/* ---- Source and destination MAC security ---- */

static void
test_allowed_macs(void)
{
    struct world w = world_new(3, 64, false, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1], *c = w.ports[2];
    struct port_policy pp = policy_of(a);
    const uint8_t m1[ETH_ADDR_LEN] = UNIT_MAC(1);
    struct unit_frame f;

    /* MAC 5 learned on 'a' before its policy. */
    teach(&w, a, 5);
    memcpy(pp.allowed_macs[0], m1, ETH_ADDR_LEN);
    pp.n_allowed_macs = 1;
    policy_set(a, &pp);

    /* A forged source: dropped, counted, never learned. */
    f = udp(2, bcast);
    push(a, &f);
    CU_ASSERT_EQUAL(run_learning(), 0);
    CU_ASSERT_EQUAL(learned_on(&w, 2), 0);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_SRC_MAC), 1);
    CU_ASSERT_EQUAL(n_sent(b) + n_sent(c), 0);

    /* The allowed one goes, and is learned. */
    teach(&w, a, 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_SRC_MAC), 1);

    /* mac-security=source: frames to 'a' are not checked. */
    f = udp_to(3, 5);
    push(b, &f);
    CU_ASSERT_EQUAL(n_sent(a), 1);

    /* strict: unicast to a MAC not allowed on 'a' is not delivered there,
     * counted when it was for 'a' alone. */
    pp.mac_security = PORT_MAC_SECURITY_STRICT;
    policy_set(a, &pp);
    push(b, &f);
    CU_ASSERT_EQUAL(n_sent(a), 0);
    CU_ASSERT_EQUAL(n_sent(c), 0);
    CU_ASSERT_EQUAL(drops(b, DP_DROP_DST_MAC), 1);
    /* Unknown unicast floods, but not to 'a'; not counted. */
    f = udp_to(3, 7);
    push(b, &f);
    CU_ASSERT_EQUAL(n_sent(a), 0);
    CU_ASSERT_EQUAL(n_sent(c), 1);
    CU_ASSERT_EQUAL(drops(b, DP_DROP_DST_MAC), 1);
    /* The allowed MAC and broadcast are delivered. */
    f = udp_to(3, 1);
    push(b, &f);
    CU_ASSERT_EQUAL(n_sent(a), 1);
    f = udp(3, bcast);
    push(b, &f);
    CU_ASSERT_EQUAL(n_sent(a), 1);
    CU_ASSERT_EQUAL(drops(b, DP_DROP_DST_MAC), 1);
    drain(&w);
    world_free(&w);
}

/* ---- MAC limit ---- */

static void
test_mac_limit_drop(void)
{
    struct world w = world_new(2, 64, false, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1];
    struct port_policy pp = policy_of(a);
    struct mac_table_stats st;
    struct unit_frame f;

    /* The default for a port. */
    CU_ASSERT_EQUAL(pp.mac_limit, PORT_POLICY_MAC_LIMIT_DEFAULT);
    pp.mac_limit = 2;
    policy_set(a, &pp);
    teach(&w, a, 1);
    teach(&w, a, 2);

    /* A third source: dropped, counted, not learned. */
    f = udp(3, bcast);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 0);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_MAC_LIMIT), 1);
    CU_ASSERT_EQUAL(run_learning(), 0);
    CU_ASSERT_EQUAL(learned_on(&w, 3), 0);
    /* Known sources still go. */
    f = udp(1, bcast);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);

    /* The race: sources queued before the count caught up are refused
     * by the control thread. */
    pp.mac_limit = 4;
    policy_set(a, &pp);
    for (uint32_t m = 10; m < 14; m++) {
        f = udp(m, bcast);
        push(a, &f);
    }
    CU_ASSERT_EQUAL(n_sent(b), 4);
    CU_ASSERT_EQUAL(run_learning(), 4);
    CU_ASSERT_EQUAL(mac_table_port_count(dp_bridge_mac_table(w.br),
                                         dp_port_no(a)), 4);
    mac_table_get_stats(dp_bridge_mac_table(w.br), &st);
    CU_ASSERT_EQUAL(st.limit_drops, 2);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_MAC_LIMIT), 1);
    world_free(&w);
}

static void
test_mac_limit_flood(void)
{
    struct world w = world_new(2, 64, false, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1];
    struct port_policy pp = policy_of(a);
    struct unit_frame f;

    pp.mac_limit = 1;
    pp.mac_limit_action = PORT_MAC_LIMIT_FLOOD;
    policy_set(a, &pp);
    teach(&w, a, 1);

    /* A second source: forwarded, counted, not learned (replies to it
     * flood). */
    f = udp(2, bcast);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_MAC_LIMIT_FLOOD), 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_MAC_LIMIT), 0);
    CU_ASSERT_EQUAL(run_learning(), 0);
    CU_ASSERT_EQUAL(learned_on(&w, 2), 0);
    world_free(&w);
}

/* A port at its limit evicts nobody, even from a full table where the
 * bridge-wide rule would evict another port's entry. */
static void
test_mac_limit_no_evict(void)
{
    struct world w = world_new(3, 4, false, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1], *c = w.ports[2];
    struct mac_table *macs = dp_bridge_mac_table(w.br);
    struct port_policy pp = policy_of(a);
    struct mac_table_stats st;
    struct unit_frame f;

    pp.mac_limit = 1;
    policy_set(a, &pp);
    pp = policy_of(b);
    pp.mac_limit = 0;
    policy_set(b, &pp);
    for (uint32_t m = 1; m <= 3; m++) {
        teach(&w, b, m);
    }
    teach(&w, a, 10);
    CU_ASSERT_EQUAL(mac_table_count(macs), 4);

    /* 'a' is at its limit: its new source is dropped, 'b' keeps all. */
    f = udp(11, bcast);
    push(a, &f);
    run_learning();
    CU_ASSERT_EQUAL(drops(a, DP_DROP_MAC_LIMIT), 1);
    for (uint32_t m = 1; m <= 3; m++) {
        CU_ASSERT_EQUAL(learned_on(&w, m), dp_port_no(b));
    }
    mac_table_get_stats(macs, &st);
    CU_ASSERT_EQUAL(st.evicted, 0);

    /* The control: 'c', within its limit, does evict one of 'b''s (over
     * its fair share), as the bridge-wide rule says. */
    f = udp(20, bcast);
    push(c, &f);
    run_learning();
    CU_ASSERT_EQUAL(learned_on(&w, 20), dp_port_no(c));
    mac_table_get_stats(macs, &st);
    CU_ASSERT_EQUAL(st.evicted, 1);
    drain(&w);
    world_free(&w);
}

/* The defaults: a port holds PORT_POLICY_MAC_LIMIT_DEFAULT addresses, a
 * team any number; an entry aged out makes room again. */
static void
test_mac_limit_default(void)
{
    struct world w = world_new(2, 1024, false, true);
    struct dp_port *a = w.ports[0], *t = w.ports[1];
    uint32_t limit = PORT_POLICY_MAC_LIMIT_DEFAULT;
    struct unit_frame f;

    CU_ASSERT_EQUAL(dp_port_policy(t)->mac_limit, 0);
    for (uint32_t m = 1; m <= limit + 1; m++) {
        f = udp(m, bcast);
        push(a, &f);
        f = udp(1000 + m, bcast);
        push(t, &f);
        run_learning();
        drain(&w);
    }
    CU_ASSERT_EQUAL(learned_on(&w, limit), dp_port_no(a));
    CU_ASSERT_EQUAL(learned_on(&w, limit + 1), 0);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_MAC_LIMIT), 1);
    CU_ASSERT_EQUAL(learned_on(&w, 1000 + limit + 1), dp_port_no(t));
    CU_ASSERT_EQUAL(drops(t, DP_DROP_MAC_LIMIT), 0);

    /* Address 1 ages out (the others are refreshed): room for one. */
    advance_usec(200 * UINT64_C(1000000));
    for (uint32_t m = 2; m <= limit; m++) {
        f = udp(m, bcast);
        push(a, &f);
    }
    advance_usec(200 * UINT64_C(1000000));
    CU_ASSERT_EQUAL(mac_table_age(dp_bridge_mac_table(w.br),
                                  now_usec / 1000000), 1 + limit + 1);
    f = udp(limit + 1, bcast);
    push(a, &f);
    run_learning();
    CU_ASSERT_EQUAL(learned_on(&w, limit + 1), dp_port_no(a));
    CU_ASSERT_EQUAL(drops(a, DP_DROP_MAC_LIMIT), 1);
    drain(&w);
    world_free(&w);
}

/* ---- Isolation ---- */

static void
test_isolated(void)
{
    struct world w = world_new(4, 64, false, true);
    struct dp_port *a = w.ports[0], *b = w.ports[1], *c = w.ports[2];
    struct dp_port *t = w.ports[3];
    struct port_policy pp = policy_of(a);
    struct unit_frame f;

    teach(&w, b, 2);
    teach(&w, c, 3);
    pp.isolated = true;
    policy_set(a, &pp);
    policy_set(b, &pp);
    pp = policy_of(t);
    pp.isolated = true;         /* A team is never isolated. */
    policy_set(t, &pp);

    /* A flood from an isolated port skips the other, uncounted. */
    f = udp(1, bcast);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 0);
    CU_ASSERT_EQUAL(n_sent(c), 1);
    CU_ASSERT_EQUAL(n_sent(t), 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_ISOLATED), 0);
    /* Known unicast to it: dropped, counted. */
    f = udp_to(1, 2);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 0);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_ISOLATED), 1);
    /* To a non-isolated port, and from one, frames go. */
    f = udp_to(1, 3);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(c), 1);
    f = udp_to(3, 2);
    push(c, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    /* From the team, to both. */
    f = udp(4, bcast);
    push_raw(t, &f, 0, 0, NULL);
    CU_ASSERT_EQUAL(n_sent(a), 1);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    drain(&w);
    world_free(&w);
}

/* ---- Guards ---- */

enum { TAGS_NONE, TAGS_ONE, TAGS_QINQ };

/* A frame from UNIT_MAC(1) to broadcast: UDP from 'sport' over IP version
 * 'ipv' (4 or 6), or ICMPv6 if 'sport' is 0; with 'tags'; 'n_ext' IPv6
 * extension headers of types 'ext'. */
static struct unit_frame
guard_frame(int ipv, uint16_t sport, int tags, size_t n_ext,
            const uint8_t *ext)
{
    struct unit_frame f = udp(1, bcast);

    if (ipv == 6) {
        unit_frame_set_ips(&f, "2001:db8::1", "2001:db8::2");
    }
    f.l4_src = sport;
    if (!sport) {
        f.ip_proto = IPPROTO_ICMPV6;
    }
    f.n_tags = tags;
    f.tags[0] = (struct unit_tag) { ETH_TYPE_VLAN, 10 };
    f.tags[1] = (struct unit_tag) { ETH_TYPE_VLAN, 20 };
    f.n_ext = n_ext;
    if (n_ext) {
        memcpy(f.ext, ext, n_ext);
    }
    return f;
}

/* Pushes 'f' into 'p' with the byte after the UDP header (the DHCPv6
 * message type) or the first byte of the ICMPv6 header set to 'type'. */
static void
push_typed(struct dp_port *p, const struct unit_frame *f, uint8_t type)
{
    size_t ofs = unit_frame_l4_ofs(f) + (f->ip_proto == IPPROTO_UDP ? 8 : 0);

    push_raw(p, f, ofs, type, NULL);
}

static void
test_dhcp_guard(void)
{
    static const uint8_t hop_dst[] = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS };
    static const uint8_t frag[] = { IPPROTO_FRAGMENT };
    static const uint8_t nine[9] = {
        IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
        IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
        IPPROTO_DSTOPTS,
    };
    struct world w = world_new(2, 64, true, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1];
    struct port_policy pp = policy_of(a);
    struct unit_frame f;
    uint64_t n = 0;

    /* Without the guard, a DHCP server's frames go. */
    f = guard_frame(4, 67, TAGS_NONE, 0, NULL);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);

    pp.dhcp_guard = true;
    policy_set(a, &pp);
    /* DHCPv4 server: untagged, tagged, QinQ. */
    for (int tags = TAGS_NONE; tags <= TAGS_QINQ; tags++) {
        f = guard_frame(4, 67, tags, 0, NULL);
        push(a, &f);
        CU_ASSERT_EQUAL(n_sent(b), 0);
        CU_ASSERT_EQUAL(drops(a, DP_DROP_DHCP_GUARD), ++n);
    }
    /* A DHCPv4 client goes. */
    f = guard_frame(4, 68, TAGS_ONE, 0, NULL);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);

    /* DHCPv6 server messages: Advertise, Reply, Reconfigure, Relay-Reply,
     * also behind a tag and extension headers. */
    f = guard_frame(6, 547, TAGS_NONE, 0, NULL);
    push_typed(a, &f, 2);
    push_typed(a, &f, 7);
    push_typed(a, &f, 10);
    push_typed(a, &f, 13);
    f = guard_frame(6, 547, TAGS_QINQ, ARRAY_SIZE(hop_dst), hop_dst);
    push_typed(a, &f, 7);
    f = guard_frame(6, 547, TAGS_ONE, ARRAY_SIZE(frag), frag);
    push_typed(a, &f, 7);          /* A first fragment: seen through. */
    CU_ASSERT_EQUAL(n_sent(b), 0);
    n += 6;
    CU_ASSERT_EQUAL(drops(a, DP_DROP_DHCP_GUARD), n);
    /* A relay's Relay-Forward from 547 is not a server's. */
    f = guard_frame(6, 547, TAGS_NONE, ARRAY_SIZE(hop_dst), hop_dst);
    push_typed(a, &f, 12);
    CU_ASSERT_EQUAL(n_sent(b), 1);

    /* Upper layer not found: too many headers, a later fragment. */
    f = guard_frame(6, 1000, TAGS_NONE, ARRAY_SIZE(nine), nine);
    push(a, &f);
    f = guard_frame(6, 1000, TAGS_NONE, ARRAY_SIZE(frag), frag);
    f.ip_frag = 8 << 3;             /* Offset 8 (64 bytes). */
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 0);
    n += 2;
    CU_ASSERT_EQUAL(drops(a, DP_DROP_DHCP_GUARD), n);
    /* Within the bound, an ordinary datagram goes. */
    f = guard_frame(6, 1000, TAGS_NONE, 8, nine);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_RA_GUARD), 0);
    world_free(&w);
}

static void
test_ra_guard(void)
{
    static const uint8_t hop_dst[] = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS };
    static const uint8_t frag[] = { IPPROTO_FRAGMENT };
    struct world w = world_new(2, 64, true, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1];
    struct port_policy pp = policy_of(a);
    struct unit_frame f = guard_frame(6, 0, TAGS_NONE, 0, NULL);

    push_typed(a, &f, 134);
    CU_ASSERT_EQUAL(n_sent(b), 1);

    pp.ra_guard = true;
    policy_set(a, &pp);
    push_typed(a, &f, 134);         /* Router Advertisement. */
    push_typed(a, &f, 137);         /* Redirect. */
    f = guard_frame(6, 0, TAGS_ONE, 0, NULL);
    push_typed(a, &f, 134);
    f = guard_frame(6, 0, TAGS_QINQ, ARRAY_SIZE(hop_dst), hop_dst);
    push_typed(a, &f, 134);
    CU_ASSERT_EQUAL(n_sent(b), 0);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_RA_GUARD), 4);

    /* Neighbour solicitations and router solicitations go. */
    push_typed(a, &f, 135);
    push_typed(a, &f, 133);
    CU_ASSERT_EQUAL(n_sent(b), 2);

    /* A later fragment: the upper layer cannot be found. */
    f = guard_frame(6, 0, TAGS_NONE, ARRAY_SIZE(frag), frag);
    f.ip_frag = 8 << 3;
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 0);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_RA_GUARD), 5);

    /* DHCP is not this guard's business. */
    f = guard_frame(4, 67, TAGS_NONE, 0, NULL);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_DHCP_GUARD), 0);
    world_free(&w);
}

/* ---- Rate limits, storm limit, MTU ---- */

/* A UDP frame from UNIT_MAC(src) to 'dst' of exactly 'len' bytes. */
static struct unit_frame
sized(uint32_t src, const uint8_t dst[ETH_ADDR_LEN], size_t len)
{
    struct unit_frame f = udp(src, dst);

    f.payload_len = len - (14 + 20 + 8);
    f.min_len = 0;
    return f;
}

/* With a policer of 8 Mbit/s (a byte a microsecond) and a bucket of 1500
 * bytes on 'policed' (the sender's rate-out, or the receiver's rate-in),
 * counting 'reason' there: a GSO frame from 'a' to 'b' is charged its whole
 * size, 1900 bytes, which take 1.9 ms to pay. */
static void
gso_charged_whole(struct dp_port *a, struct dp_port *b,
                  struct dp_port *policed, enum dp_drop_reason reason)
{
    struct virtio_net_hdr gso = {
        .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 1000,
    };
    uint64_t dropped = drops(policed, reason);
    struct unit_frame f = sized(1, bcast, 1900);

    /* The full bucket lets it through... */
    advance_usec(100000);
    n_sent(b);
    push_raw(a, &f, 0, 0, &gso);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    /* ...and 1 ms later a 1000-byte frame does not fit yet (it would if
     * the GSO frame had cost no more than the bucket's 1500)... */
    advance_usec(1000);
    f = sized(1, bcast, 1000);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 0);
    CU_ASSERT_EQUAL(drops(policed, reason), dropped + 1);
    /* ...but 1.4 ms after the GSO frame it does. */
    advance_usec(400);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
}

/* rate-out: 8 Mbit/s is a byte a microsecond; a bucket of 10,000 bytes. */
static void
test_rate_out(void)
{
    struct world w = world_new(2, 64, false, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1];
    struct port_policy pp = policy_of(a);
    struct unit_frame f = sized(1, bcast, 1000);

    pp.rate_out = (struct port_rate) { .bps = 8000000, .burst = 10000 };
    policy_set(a, &pp);

    /* A full bucket: ten frames of 1000 bytes, not eleven. */
    for (int i = 0; i < 11; i++) {
        push(a, &f);
    }
    CU_ASSERT_EQUAL(n_sent(b), 10);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_RATE_OUT), 1);
    /* A millisecond later, one more. */
    advance_usec(1000);
    push(a, &f);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_RATE_OUT), 2);

    pp.rate_out.burst = 1500;
    policy_set(a, &pp);
    gso_charged_whole(a, b, a, DP_DROP_RATE_OUT);
    world_free(&w);
}

/* rate-in: charged for what is sent to the port, counted on it. */
static void
test_rate_in(void)
{
    struct world w = world_new(3, 64, false, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1], *c = w.ports[2];
    struct port_policy pp = policy_of(b);
    struct unit_frame f = sized(1, bcast, 1000);

    pp.rate_in = (struct port_rate) { .bps = 8000000, .burst = 5000 };
    policy_set(b, &pp);
    for (int i = 0; i < 7; i++) {
        push(a, &f);
    }
    CU_ASSERT_EQUAL(n_sent(b), 5);
    CU_ASSERT_EQUAL(n_sent(c), 7);
    CU_ASSERT_EQUAL(drops(b, DP_DROP_RATE_IN), 2);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_RATE_IN), 0);
    /* From another port, the same bucket. */
    f = sized(3, bcast, 1000);
    push(c, &f);
    CU_ASSERT_EQUAL(n_sent(b), 0);
    advance_usec(2000);
    push(c, &f);
    push(a, &f);
    push(c, &f);
    CU_ASSERT_EQUAL(n_sent(b), 2);
    CU_ASSERT_EQUAL(drops(b, DP_DROP_RATE_IN), 4);

    pp.rate_in.burst = 1500;
    policy_set(b, &pp);
    gso_charged_whole(a, b, b, DP_DROP_RATE_IN);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_RATE_IN), 0);
    drain(&w);
    world_free(&w);
}

/* storm-limit 50/s: a frame each 20 ms, a bucket of 8 (the minimum). */
static void
test_storm(void)
{
    struct world w = world_new(3, 64, false, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1], *c = w.ports[2];
    struct port_policy pp = policy_of(a);
    struct unit_frame f;

    teach(&w, b, 2);
    pp.storm_limit = 50;
    policy_set(a, &pp);

    /* Broadcast, multicast and unknown unicast share the bucket. */
    for (int i = 0; i < 4; i++) {
        const uint8_t mcast[ETH_ADDR_LEN] = { 0x01, 0, 0x5e, 0, 0, 1 };

        f = udp(1, bcast);
        push(a, &f);
        f = udp(1, mcast);
        push(a, &f);
        f = udp_to(1, 9);
        push(a, &f);
    }
    CU_ASSERT_EQUAL(n_sent(c), 8);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_STORM), 4);
    drain(&w);
    /* Known unicast is not counted against it. */
    f = udp_to(1, 2);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    /* 20 ms later, one more. */
    advance_usec(20000);
    f = udp(1, bcast);
    push(a, &f);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(c), 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_STORM), 5);
    drain(&w);
    world_free(&w);
}

/* mtu 500: both ways, a tag allowed on top, GSO frames excepted. */
static void
test_mtu(void)
{
    struct world w = world_new(3, 64, true, false);
    struct dp_port *a = w.ports[0], *b = w.ports[1], *c = w.ports[2];
    struct port_policy pp = policy_of(a);
    struct virtio_net_hdr gso = {
        .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 400,
    };
    struct unit_frame f;

    pp.mtu = 500;
    policy_set(a, &pp);

    f = sized(1, bcast, 514);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    f = sized(1, bcast, 515);
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 0);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_MTU), 1);
    /* Tagged: 4 bytes more. */
    f = sized(1, bcast, 514);
    f.n_tags = 1;
    f.tags[0] = (struct unit_tag) { ETH_TYPE_VLAN, 10 };
    push(a, &f);
    CU_ASSERT_EQUAL(n_sent(b), 1);
    f = sized(1, bcast, 1500);
    push_raw(a, &f, 0, 0, &gso);
    CU_ASSERT_EQUAL(n_sent(b), 1);

    /* Going out on 'a': counted on 'a'. */
    drain(&w);
    f = sized(2, bcast, 515);
    push(b, &f);
    CU_ASSERT_EQUAL(n_sent(a), 0);
    CU_ASSERT_EQUAL(n_sent(c), 1);
    CU_ASSERT_EQUAL(drops(a, DP_DROP_MTU), 2);
    CU_ASSERT_EQUAL(drops(b, DP_DROP_MTU), 0);
    drain(&w);
    world_free(&w);
}

static const CU_TestInfo tests[] = {
    { "every drop reason has its name", test_reason_names },
    { "enabled=no: nothing in (counted), nothing out", test_disabled },
    { "BPDU guard: trips on a BPDU, blocks, told once, reset",
      test_bpdu_guard },
    { "allowed MACs: forged source dropped; strict destination",
      test_allowed_macs },
    { "MAC limit, drop: beyond it dropped, control refuses the race",
      test_mac_limit_drop },
    { "MAC limit, flood: beyond it forwarded, not learned",
      test_mac_limit_flood },
    { "MAC limit: a port at its limit evicts nobody",
      test_mac_limit_no_evict },
    { "MAC limit: the defaults, and aging makes room",
      test_mac_limit_default },
    { "isolated ports never reach each other; teams never isolated",
      test_isolated },
    { "DHCP guard: v4 and v6, tags, QinQ, extension headers",
      test_dhcp_guard },
    { "RA guard: RA and redirect, tags, fragments", test_ra_guard },
    { "rate-out: token bucket at the test clock, GSO charged whole",
      test_rate_out },
    { "rate-in: charged per output port, counted on it, GSO charged whole",
      test_rate_in },
    { "storm limit: broadcast, multicast, unknown unicast", test_storm },
    { "MTU: both directions, a tag on top, GSO excepted", test_mtu },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("dp-policy", suite_init, suite_clean, tests);
}
