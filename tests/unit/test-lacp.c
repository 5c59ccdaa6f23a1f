/* Unit tests for lib/lacp.c: instances of the protocol module wired to
 * each other in memory, driven by a fake clock. */
#include <autoconf.h>
#include "lacp.h"

#include <errno.h>
#include "unit.h"

#define MAX_INST 3              /* Instances in a test network. */
#define MAX_SLOTS 4             /* Members per instance in tests. */
#define TICK_USEC (LACP_TICK_MS * 1000ULL)
#define SEC 1000000ULL

/* Where a frame sent on one member lands. */
struct wire_end {
    int inst;                   /* Peer instance, -1 for no cable. */
    int slot;                   /* Its member. */
};

/* A test network: instances, cables between their members, a fake clock. */
struct net {
    struct lacp *inst[MAX_INST];       /* NULL: not in this test. */
    struct lacp_settings s[MAX_INST];  /* Their settings. */
    int n_members[MAX_INST];           /* Slots 0 .. n - 1 in use. */
    struct wire_end peer[MAX_INST][MAX_SLOTS]; /* Cabling. */
    bool drop[MAX_INST][MAX_SLOTS];    /* Lose what this member sends. */
    unsigned int sent[MAX_INST][MAX_SLOTS]; /* Frames sent by each. */
    uint64_t delivered[MAX_INST][MAX_SLOTS]; /* Clock of the last frame
                                              * from it delivered. */
    uint8_t last[MAX_INST][MAX_SLOTS][LACP_PDU_LEN]; /* Last frame sent. */
    bool changed[MAX_INST];            /* Last lacp_run() result. */
    uint64_t now;                      /* Fake clock, microseconds. */
};

/* The 'aux' of the send callback: which instance sends. */
struct sender {
    struct net *net;            /* The network. */
    int inst;                   /* The sender. */
};

static void
net_send(int slot, const void *frame, size_t len, void *aux_)
{
    struct sender *aux = aux_;
    struct net *net = aux->net;
    int i = aux->inst;
    struct wire_end *peer;

    CU_ASSERT_FATAL(slot >= 0 && slot < MAX_SLOTS);
    CU_ASSERT_EQUAL(len, LACP_PDU_LEN);
    net->sent[i][slot]++;
    memcpy(net->last[i][slot], frame, LACP_PDU_LEN);
    peer = &net->peer[i][slot];
    if (net->drop[i][slot] || peer->inst < 0 || !net->inst[peer->inst]) {
        return;
    }
    net->delivered[i][slot] = net->now;
    CU_ASSERT_EQUAL(lacp_receive(net->inst[peer->inst], peer->slot, frame,
                                 len, net->now), 0);
}

static struct lacp_settings
settings(int sys, bool active, bool fast)
{
    struct lacp_settings s = {
        .active = active,
        .fast = fast,
        .sys_priority = 32768,
        .key = 10 + sys,
    };

    unit_mac_set(s.sys_id, 0x100 + sys);
    return s;
}

static void
net_init(struct net *net)
{
    memset(net, 0, sizeof *net);
    for (int i = 0; i < MAX_INST; i++) {
        for (int j = 0; j < MAX_SLOTS; j++) {
            net->peer[i][j].inst = -1;
        }
    }
    net->now = 1000 * SEC;      /* Any origin. */
}

static void
net_fini(struct net *net)
{
    for (int i = 0; i < MAX_INST; i++) {
        lacp_destroy(net->inst[i]);
    }
}

/* Member 'slot' of instance 'i': port number slot + 1. */
static struct lacp_member_settings
member_settings(int i, int slot)
{
    struct lacp_member_settings ms = {
        .port_priority = 128,
        .port_number = slot + 1,
    };

    unit_mac_set(ms.mac, 0x1000 + i * 16 + slot);
    return ms;
}

/* Adds instance 'i' with 'n' members, links up. */
static void
net_add(struct net *net, int i, const struct lacp_settings *s, int n)
{
    net->s[i] = *s;
    net->inst[i] = lacp_create(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net->inst[i]);
    net->n_members[i] = n;
    for (int j = 0; j < n; j++) {
        struct lacp_member_settings ms = member_settings(i, j);

        lacp_member_set(net->inst[i], j, &ms);
        lacp_member_set_link(net->inst[i], j, true, net->now);
    }
}

/* A cable from member 'sa' of 'a' to member 'sb' of 'b'. */
static void
net_wire(struct net *net, int a, int sa, int b, int sb)
{
    net->peer[a][sa] = (struct wire_end) { b, sb };
    net->peer[b][sb] = (struct wire_end) { a, sa };
}

/* Two instances 0 and 1 with 'n' members each, cabled slot to slot. */
static void
net_pair(struct net *net, int n, bool active0, bool active1, bool fast)
{
    struct lacp_settings s0 = settings(0, active0, fast);
    struct lacp_settings s1 = settings(1, active1, fast);

    net_init(net);
    net_add(net, 0, &s0, n);
    net_add(net, 1, &s1, n);
    for (int j = 0; j < n; j++) {
        net_wire(net, 0, j, 1, j);
    }
}

/* Runs every instance at the current time.  Returns true if one said that
 * what carries changed. */
static bool
net_run(struct net *net)
{
    struct sender aux[MAX_INST];
    bool any = false;

    for (int i = 0; i < MAX_INST; i++) {
        aux[i] = (struct sender) { net, i };
        if (net->inst[i]) {
            net->changed[i] = lacp_run(net->inst[i], net->now, net_send,
                                       &aux[i]);
            any |= net->changed[i];
        }
    }
    return any;
}

/* Advances the clock by one tick and runs. */
static bool
net_tick(struct net *net)
{
    net->now += TICK_USEC;
    return net_run(net);
}

/* Runs for 'usec' of fake time, tick by tick. */
static void
net_run_for(struct net *net, uint64_t usec)
{
    uint64_t end = net->now + usec;

    while (net->now < end) {
        net_tick(net);
    }
}

static bool
carries(const struct net *net, int i, int slot)
{
    return lacp_member_carries(net->inst[i], slot);
}

static struct lacp_member_view
view(const struct net *net, int i, int slot)
{
    struct lacp_member_view v;

    lacp_member_view(net->inst[i], slot, &v);
    return v;
}

#define ALL_UP (LACP_STATE_SYNC | LACP_STATE_COLLECTING \
                | LACP_STATE_DISTRIBUTING)

/* Asserts that member 'slot' of 'i' carries, with instance 'p' as its
 * partner, both sides saying they are in sync, collecting and
 * distributing. */
static void
assert_negotiated(const struct net *net, int i, int slot, int p, int pslot)
{
    struct lacp_member_view v = view(net, i, slot);

    CU_ASSERT(carries(net, i, slot));
    CU_ASSERT(v.present);
    CU_ASSERT(v.selected);
    CU_ASSERT_EQUAL(v.status, LACP_CURRENT);
    CU_ASSERT_EQUAL(v.why, LACP_WHY_NONE);
    CU_ASSERT_EQUAL(v.actor.state & ALL_UP, ALL_UP);
    CU_ASSERT_EQUAL(v.partner.state & ALL_UP, ALL_UP);
    CU_ASSERT(!(v.actor.state & (LACP_STATE_DEFAULTED
                                 | LACP_STATE_EXPIRED)));
    CU_ASSERT(v.actor.state & LACP_STATE_AGGREGATION);
    CU_ASSERT(!memcmp(v.partner.sys_id, net->s[p].sys_id, ETH_ADDR_LEN));
    CU_ASSERT_EQUAL(v.partner.key, net->s[p].key);
    CU_ASSERT_EQUAL(v.partner.port_number, pslot + 1);
    CU_ASSERT(!memcmp(v.actor.sys_id, net->s[i].sys_id, ETH_ADDR_LEN));
    CU_ASSERT_EQUAL(v.actor.port_number, slot + 1);
    CU_ASSERT(v.pdus_received > 0);
    CU_ASSERT(v.pdus_sent > 0);
    CU_ASSERT_EQUAL(v.pdus_bad, 0);
}

/* Two active instances with two members each reach collecting and
 * distributing on both members, each showing the other as partner. */
static void
test_negotiate(void)
{
    struct net net;

    net_pair(&net, 2, true, true, true);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_DOWN);
    net_run_for(&net, 2 * SEC);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(lacp_status(net.inst[i]), LACP_NEGOTIATED);
        for (int j = 0; j < 2; j++) {
            assert_negotiated(&net, i, j, !i, j);
        }
    }
    net_fini(&net);
}

static const CU_TestInfo tests[] = {
    { "two instances negotiate", test_negotiate },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("lacp", NULL, NULL, tests);
}
