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
    size_t n_log;                      /* Entries in 'log'. */
    struct {
        int inst;                      /* Sender. */
        int slot;                      /* Its member. */
        uint64_t at;                   /* Clock when sent. */
    } log[2048];                       /* Every frame sent, in order (the
                                        * first 2048). */
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
    int rc;

    CU_ASSERT_FATAL(slot >= 0 && slot < MAX_SLOTS);
    CU_ASSERT_EQUAL(len, LACP_PDU_LEN);
    net->sent[i][slot]++;
    if (net->n_log < ARRAY_SIZE(net->log)) {
        net->log[net->n_log].inst = i;
        net->log[net->n_log].slot = slot;
        net->log[net->n_log].at = net->now;
        net->n_log++;
    }
    memcpy(net->last[i][slot], frame, LACP_PDU_LEN);
    peer = &net->peer[i][slot];
    if (net->drop[i][slot] || peer->inst < 0 || !net->inst[peer->inst]) {
        return;
    }
    net->delivered[i][slot] = net->now;
    rc = lacp_receive(net->inst[peer->inst], peer->slot, frame, len,
                      net->now);
    /* A member whose link the test took down refuses what it hears. */
    CU_ASSERT(rc == 0 || rc == -ENETDOWN);
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
net_pair2(struct net *net, int n, const struct lacp_settings *s0,
          const struct lacp_settings *s1)
{
    net_init(net);
    net_add(net, 0, s0, n);
    net_add(net, 1, s1, n);
    for (int j = 0; j < n; j++) {
        net_wire(net, 0, j, 1, j);
    }
}

static void
net_pair(struct net *net, int n, bool active0, bool active1, bool fast)
{
    struct lacp_settings s0 = settings(0, active0, fast);
    struct lacp_settings s1 = settings(1, active1, fast);

    net_pair2(net, n, &s0, &s1);
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
}

/* Two active instances with two members each reach collecting and
 * distributing on both members, each showing the other as partner.  The
 * clock starts at 0 (any origin works). */
static void
test_negotiate(void)
{
    struct net net;

    net_pair(&net, 2, true, true, true);
    net.now = 0;
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_DOWN);
    net_run_for(&net, 2 * SEC);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(lacp_status(net.inst[i]), LACP_NEGOTIATED);
        for (int j = 0; j < 2; j++) {
            assert_negotiated(&net, i, j, !i, j);
            CU_ASSERT_EQUAL(view(&net, i, j).pdus_bad, 0);
        }
    }
    net_fini(&net);
}

/* Offsets in a LACPDU (Ethernet header included) the tests look at. */
#define OFS_ACTOR_INFO 18       /* After the actor TLV's type, length. */
#define OFS_ACTOR_STATE 32
#define OFS_PARTNER_STATE 52

/* The actor state bits member 'slot' of 'i' last sent. */
static uint8_t
sent_state(const struct net *net, int i, int slot)
{
    return net->last[i][slot][OFS_ACTOR_STATE];
}

/* Once negotiated, a run with nothing new changes nothing. */
static void
test_quiet_run(void)
{
    struct net net;

    net_pair(&net, 2, true, true, true);
    CU_ASSERT(net_tick(&net));  /* First run: reports. */
    net_run_for(&net, 2 * SEC);
    for (int k = 0; k < 30; k++) {
        CU_ASSERT(!net_tick(&net));
    }
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_NEGOTIATED);
    net_fini(&net);
}

/* The partner stops sending on member 0 (its frames are lost, carrier
 * stays): that member stops carrying one timeout (3 s fast, 90 s slow)
 * after the last LACPDU delivered, lacp_run() says so, member 1 keeps
 * carrying; the member is EXPIRED (sending fast, saying so), then
 * DEFAULTED; it comes back when the partner is heard again. */
static void
check_partner_timeout(bool fast)
{
    uint64_t timeout = fast ? 3 * SEC : 90 * SEC;
    struct lacp_member_view v;
    struct net net;
    uint64_t stop = 0;
    uint64_t elapsed;
    unsigned int sent;
    bool changed = false;

    net_pair(&net, 2, true, true, fast);
    net_run_for(&net, 2 * SEC);
    assert_negotiated(&net, 0, 0, 1, 0);
    assert_negotiated(&net, 0, 1, 1, 1);

    net.drop[1][0] = true;
    while (net.now < 1000 * SEC + 2 * timeout) {
        net_tick(&net);
        if (!carries(&net, 0, 0)) {
            stop = net.now;
            changed = net.changed[0];
            break;
        }
    }
    CU_ASSERT_FATAL(stop != 0);
    elapsed = stop - net.delivered[1][0];
    printf("\n    %s: stopped carrying %.1f s after the last LACPDU ",
           fast ? "fast" : "slow", elapsed / 1e6);
    CU_ASSERT(elapsed >= timeout && elapsed <= timeout + TICK_USEC);
    if (fast) {
        CU_ASSERT(elapsed >= 2 * SEC && elapsed <= 3200 * 1000ULL);
    }
    CU_ASSERT(changed);
    CU_ASSERT(carries(&net, 0, 1));
    CU_ASSERT(carries(&net, 1, 1));
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_NEGOTIATED);
    v = view(&net, 0, 0);
    CU_ASSERT_EQUAL(v.status, LACP_EXPIRED);
    CU_ASSERT_EQUAL(v.why, LACP_WHY_NO_PARTNER);
    CU_ASSERT(!v.selected);
    CU_ASSERT(v.actor.state & LACP_STATE_EXPIRED);
    CU_ASSERT(!(v.actor.state & ALL_UP));
    /* Expired: the partner's sync is no longer believed, and it is asked
     * for the short timeout. */
    CU_ASSERT(!(v.partner.state & LACP_STATE_SYNC));
    CU_ASSERT(v.partner.state & LACP_STATE_TIMEOUT);
    /* Said at once (need-to-transmit): the partner takes member 0 out. */
    CU_ASSERT(sent_state(&net, 0, 0) & LACP_STATE_EXPIRED);
    CU_ASSERT(!(sent_state(&net, 0, 0) & LACP_STATE_SYNC));
    net_tick(&net);
    CU_ASSERT(!carries(&net, 1, 0));
    CU_ASSERT(carries(&net, 1, 1));

    /* Expired sends every second, whatever the partner asked for. */
    sent = net.sent[0][0];
    net_run_for(&net, 2 * SEC);
    CU_ASSERT(net.sent[0][0] - sent >= 2);

    /* A short timeout after expiring: defaulted. */
    net_run_for(&net, 1 * SEC + TICK_USEC);
    v = view(&net, 0, 0);
    CU_ASSERT_EQUAL(v.status, LACP_DEFAULTED);
    CU_ASSERT_EQUAL(v.why, LACP_WHY_NO_PARTNER);
    CU_ASSERT(eth_addr_is_zero(v.partner.sys_id));
    CU_ASSERT_EQUAL(v.partner.state, 0);
    CU_ASSERT(v.actor.state & LACP_STATE_DEFAULTED);
    CU_ASSERT(!(v.actor.state & LACP_STATE_EXPIRED));
    CU_ASSERT(sent_state(&net, 0, 0) & LACP_STATE_DEFAULTED);
    CU_ASSERT(carries(&net, 0, 1));

    /* Heard again: back, at the partner's next periodic LACPDU (at most
     * 30 s when it was asked for the long timeout). */
    net.drop[1][0] = false;
    net_run_for(&net, fast ? 3 * SEC : 31 * SEC);
    assert_negotiated(&net, 0, 0, 1, 0);
    assert_negotiated(&net, 1, 0, 0, 0);
    net_fini(&net);
}

static void
test_timeout_fast(void)
{
    check_partner_timeout(true);
}

static void
test_timeout_slow(void)
{
    check_partner_timeout(false);
}

/* Three active, fast instances (systems 0, 1, 2) with 'n0', 'n1' and 'n2'
 * members, no cables yet. */
static void
net_three(struct net *net, int n0, int n1, int n2)
{
    const int n[3] = { n0, n1, n2 };

    net_init(net);
    for (int i = 0; i < 3; i++) {
        struct lacp_settings s = settings(i, true, true);

        net_add(net, i, &s, n[i]);
    }
}

/* Instance 0 has three members: member 'odd' is cabled to instance 2,
 * another system, the two others to instance 1.  Member 'odd' is kept out,
 * whatever its port: the larger group wins. */
static void
check_other_partner(int odd)
{
    struct lacp_member_view v;
    struct net net;
    int k = 0;

    net_three(&net, 3, 2, 1);
    for (int j = 0; j < 3; j++) {
        if (j == odd) {
            net_wire(&net, 0, j, 2, 0);
        } else {
            net_wire(&net, 0, j, 1, k++);
        }
    }
    net_run_for(&net, 3 * SEC);

    k = 0;
    for (int j = 0; j < 3; j++) {
        if (j != odd) {
            assert_negotiated(&net, 0, j, 1, k);
            assert_negotiated(&net, 1, k, 0, j);
            k++;
        }
    }
    v = view(&net, 0, odd);
    CU_ASSERT(!carries(&net, 0, odd));
    CU_ASSERT(!v.selected);
    CU_ASSERT_EQUAL(v.status, LACP_CURRENT);
    CU_ASSERT_EQUAL(v.why, LACP_WHY_OTHER_PARTNER);
    CU_ASSERT_STRING_EQUAL(lacp_why_name(v.why), "other-partner");
    CU_ASSERT(!memcmp(v.partner.sys_id, net.s[2].sys_id, ETH_ADDR_LEN));
    CU_ASSERT(!(v.actor.state & LACP_STATE_SYNC));
    /* The third system selected its member, but we are not in sync. */
    v = view(&net, 2, 0);
    CU_ASSERT(v.selected);
    CU_ASSERT(!carries(&net, 2, 0));
    CU_ASSERT_EQUAL(v.why, LACP_WHY_PARTNER_NOT_READY);
    CU_ASSERT_EQUAL(lacp_status(net.inst[2]), LACP_DOWN);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_NEGOTIATED);
    net_fini(&net);
}

/* Member 2 (port 3) on another system: kept out. */
static void
test_other_partner(void)
{
    check_other_partner(2);
}

/* Member 0 (port 1, the best) on another system: still kept out, the
 * largest group wins. */
static void
test_largest_group(void)
{
    check_other_partner(0);
}

/* Between groups of the same size, the better port priority, then port
 * number, wins. */
static void
test_selection_tie(void)
{
    struct lacp_member_settings ms;
    struct net net;

    /* One member each: port number 1 wins. */
    net_three(&net, 2, 1, 1);
    net_wire(&net, 0, 0, 2, 0);
    net_wire(&net, 0, 1, 1, 0);
    net_run_for(&net, 3 * SEC);
    assert_negotiated(&net, 0, 0, 2, 0);
    CU_ASSERT(!carries(&net, 0, 1));
    CU_ASSERT_EQUAL(view(&net, 0, 1).why, LACP_WHY_OTHER_PARTNER);
    CU_ASSERT(carries(&net, 2, 0));
    CU_ASSERT(!carries(&net, 1, 0));

    /* A better port priority on member 1 (port 2) beats the number: the
     * aggregator moves. */
    ms = member_settings(0, 1);
    ms.port_priority = 10;
    lacp_member_set(net.inst[0], 1, &ms);
    net_run_for(&net, 3 * SEC);
    CU_ASSERT(carries(&net, 0, 1));
    CU_ASSERT_EQUAL(view(&net, 0, 1).actor.port_priority, 10);
    CU_ASSERT(!carries(&net, 0, 0));
    CU_ASSERT_EQUAL(view(&net, 0, 0).why, LACP_WHY_OTHER_PARTNER);
    CU_ASSERT(carries(&net, 1, 0));
    CU_ASSERT(!carries(&net, 2, 0));
    net_fini(&net);
}

/* Two members of one team cabled to each other: a loop, not a partner. */
static void
test_loopback(void)
{
    struct lacp_settings s0 = settings(0, true, true);
    struct net net;

    s0.fallback = true;
    net_init(&net);
    net_add(&net, 0, &s0, 2);
    net_wire(&net, 0, 0, 0, 1);
    net_run_for(&net, 3 * SEC);
    CU_ASSERT(net.sent[0][0] > 0);
    for (int j = 0; j < 2; j++) {
        struct lacp_member_view v = view(&net, 0, j);

        CU_ASSERT_EQUAL(v.status, LACP_CURRENT);
        CU_ASSERT(!v.selected);
        CU_ASSERT(!carries(&net, 0, j));
        CU_ASSERT_EQUAL(v.why, LACP_WHY_OTHER_PARTNER);
    }
    /* Nor a reason to fall back: something answers. */
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_DOWN);
    net_fini(&net);
}

/* A partner's port, then key, changes (slow rate, so nothing periodic
 * helps within seconds): both sides are back together at once. */
static void
test_port_change(void)
{
    struct lacp_member_settings ms;
    struct net net;

    net_pair(&net, 1, true, true, false);
    net_run_for(&net, 3 * SEC);
    assert_negotiated(&net, 0, 0, 1, 0);
    ms = member_settings(0, 0);
    ms.port_number = 40;
    lacp_member_set(net.inst[0], 0, &ms);
    net_run_for(&net, 1 * SEC);
    CU_ASSERT(carries(&net, 0, 0));
    CU_ASSERT(carries(&net, 1, 0));
    CU_ASSERT_EQUAL(view(&net, 1, 0).partner.port_number, 40);
    CU_ASSERT_EQUAL(view(&net, 0, 0).actor.port_number, 40);

    /* Instance 1's key changes: instance 0 says at once that it knows. */
    net.s[1].key = 77;
    lacp_configure(net.inst[1], &net.s[1]);
    net_run_for(&net, 1 * SEC);
    CU_ASSERT(carries(&net, 0, 0));
    CU_ASSERT(carries(&net, 1, 0));
    CU_ASSERT_EQUAL(view(&net, 0, 0).partner.key, 77);
    net_fini(&net);
}

/* Passive meets passive: not a word, nothing carries.  Active meets
 * passive: the passive one answers, both carry. */
static void
test_passive(void)
{
    struct net net;

    net_pair(&net, 2, false, false, true);
    net_run_for(&net, 10 * SEC);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(lacp_status(net.inst[i]), LACP_DOWN);
        for (int j = 0; j < 2; j++) {
            struct lacp_member_view v = view(&net, i, j);

            CU_ASSERT_EQUAL(net.sent[i][j], 0);
            CU_ASSERT(!carries(&net, i, j));
            CU_ASSERT_EQUAL(v.status, LACP_DEFAULTED);
            CU_ASSERT_EQUAL(v.why, LACP_WHY_NO_PARTNER);
            CU_ASSERT(!(v.actor.state & LACP_STATE_ACTIVITY));
        }
    }
    net_fini(&net);

    net_pair(&net, 2, true, false, true);
    net_run_for(&net, 3 * SEC);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(lacp_status(net.inst[i]), LACP_NEGOTIATED);
        for (int j = 0; j < 2; j++) {
            assert_negotiated(&net, i, j, !i, j);
        }
    }
    CU_ASSERT(view(&net, 0, 0).actor.state & LACP_STATE_ACTIVITY);
    CU_ASSERT(!(view(&net, 1, 0).actor.state & LACP_STATE_ACTIVITY));
    CU_ASSERT(!(view(&net, 0, 0).partner.state & LACP_STATE_ACTIVITY));
    net_fini(&net);
}

/* Runs instance 'i' alone at the current time. */
static bool
run_one(struct net *net, int i)
{
    struct sender aux = { net, i };

    net->changed[i] = lacp_run(net->inst[i], net->now, net_send, &aux);
    return net->changed[i];
}

/* No partner on any member: with fallback, every member with link carries;
 * the first LACPDU ends it; a partner gone silent long enough brings it
 * back.  Without fallback, nothing carries. */
static void
test_fallback(void)
{
    struct lacp_settings s0 = settings(0, true, true);
    struct lacp_settings s1 = settings(1, true, true);
    struct net net;

    s0.fallback = true;
    net_init(&net);
    net_add(&net, 0, &s0, 2);
    net_wire(&net, 0, 0, 1, 0);    /* Instance 1 not there yet. */
    net_wire(&net, 0, 1, 1, 1);
    CU_ASSERT(net_tick(&net));
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_FALLBACK);
    CU_ASSERT_STRING_EQUAL(lacp_status_name(LACP_FALLBACK), "fallback");
    for (int j = 0; j < 2; j++) {
        CU_ASSERT(carries(&net, 0, j));
        CU_ASSERT_EQUAL(view(&net, 0, j).why, LACP_WHY_NONE);
        CU_ASSERT_EQUAL(view(&net, 0, j).status, LACP_DEFAULTED);
    }
    net_run_for(&net, 40 * SEC);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_FALLBACK);
    CU_ASSERT(net.sent[0][0] >= 2);     /* Active: it keeps asking. */

    /* A member without link does not carry, even in fallback; with no
     * link at all, the team is down. */
    lacp_member_set_link(net.inst[0], 1, false, net.now);
    CU_ASSERT(net_tick(&net));
    CU_ASSERT(carries(&net, 0, 0));
    CU_ASSERT(!carries(&net, 0, 1));
    CU_ASSERT_EQUAL(view(&net, 0, 1).why, LACP_WHY_LINK_DOWN);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_FALLBACK);
    lacp_member_set_link(net.inst[0], 0, false, net.now);
    net_tick(&net);
    CU_ASSERT(!carries(&net, 0, 0));
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_DOWN);
    lacp_member_set_link(net.inst[0], 0, true, net.now);
    lacp_member_set_link(net.inst[0], 1, true, net.now);
    net_tick(&net);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_FALLBACK);

    /* The partner appears: its first LACPDU ends the fallback... */
    net_add(&net, 1, &s1, 2);
    run_one(&net, 1);
    CU_ASSERT_EQUAL(net.sent[1][0], 1);
    CU_ASSERT(run_one(&net, 0));
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_DOWN);
    CU_ASSERT(!carries(&net, 0, 0));
    CU_ASSERT_EQUAL(view(&net, 0, 0).why, LACP_WHY_PARTNER_NOT_READY);
    /* ...and the team is negotiated once in sync. */
    net_run_for(&net, 2 * SEC);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_NEGOTIATED);
    assert_negotiated(&net, 0, 0, 1, 0);
    assert_negotiated(&net, 0, 1, 1, 1);

    /* The partner goes silent: expired (team down), then defaulted
     * (fallback again). */
    net.drop[1][0] = net.drop[1][1] = true;
    net_run_for(&net, 3 * SEC + TICK_USEC);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_DOWN);
    CU_ASSERT_EQUAL(view(&net, 0, 0).status, LACP_EXPIRED);
    net_run_for(&net, 3 * SEC + TICK_USEC);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_FALLBACK);
    CU_ASSERT(carries(&net, 0, 0));
    CU_ASSERT(carries(&net, 0, 1));
    net_fini(&net);

    /* Without fallback: down, nothing carries. */
    s0.fallback = false;
    net_init(&net);
    net_add(&net, 0, &s0, 2);
    net_run_for(&net, 5 * SEC);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_DOWN);
    for (int j = 0; j < 2; j++) {
        CU_ASSERT(!carries(&net, 0, j));
        CU_ASSERT_EQUAL(view(&net, 0, j).why, LACP_WHY_NO_PARTNER);
    }
    net_fini(&net);
}

/* min-links 2 on instance 0: when member 0's partner goes silent, member
 * 1 stops carrying too (why min-links) and says it no longer collects, so
 * the partner stops using it; everything comes back with the partner. */
static void
test_min_links(void)
{
    struct lacp_settings s0 = settings(0, true, true);
    struct lacp_settings s1 = settings(1, true, true);
    struct lacp_member_view v;
    struct net net;

    s0.min_links = 2;
    net_pair2(&net, 2, &s0, &s1);
    net_run_for(&net, 3 * SEC);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_NEGOTIATED);
    assert_negotiated(&net, 0, 0, 1, 0);
    assert_negotiated(&net, 0, 1, 1, 1);

    net.drop[1][0] = true;
    net_run_for(&net, 4 * SEC);
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_DOWN);
    CU_ASSERT(!carries(&net, 0, 0));
    CU_ASSERT(!carries(&net, 0, 1));
    v = view(&net, 0, 1);
    CU_ASSERT_EQUAL(v.why, LACP_WHY_MIN_LINKS);
    CU_ASSERT_STRING_EQUAL(lacp_why_name(v.why), "min-links");
    CU_ASSERT(v.selected);
    CU_ASSERT(v.actor.state & LACP_STATE_SYNC);
    CU_ASSERT(!(v.actor.state & LACP_STATE_COLLECTING));
    CU_ASSERT(!carries(&net, 1, 0));
    CU_ASSERT(!carries(&net, 1, 1));
    CU_ASSERT_EQUAL(view(&net, 1, 1).why, LACP_WHY_PARTNER_NOT_READY);

    net.drop[1][0] = false;
    net_run_for(&net, 3 * SEC);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(lacp_status(net.inst[i]), LACP_NEGOTIATED);
        for (int j = 0; j < 2; j++) {
            assert_negotiated(&net, i, j, !i, j);
        }
    }
    net_fini(&net);
}

/* Asserts that member 0 of instance 0 is as 'before' said, counters
 * aside. */
static void
assert_unchanged(const struct net *net, const struct lacp_member_view *b)
{
    struct lacp_member_view v = view(net, 0, 0);

    CU_ASSERT_EQUAL(v.status, b->status);
    CU_ASSERT_EQUAL(v.why, b->why);
    CU_ASSERT(!memcmp(&v.partner.sys_id, b->partner.sys_id, ETH_ADDR_LEN));
    CU_ASSERT_EQUAL(v.partner.key, b->partner.key);
    CU_ASSERT_EQUAL(v.partner.port_number, b->partner.port_number);
    CU_ASSERT_EQUAL(v.partner.state, b->partner.state);
    CU_ASSERT_EQUAL(v.pdus_received, b->pdus_received);
    CU_ASSERT_EQUAL(v.last_rx_usec, b->last_rx_usec);
}

/* Truncated and malformed LACPDUs are counted and ignored; a marker is
 * neither; padding is fine. */
static void
test_malformed(void)
{
    static const struct {
        size_t ofs;             /* Byte to break. */
        uint8_t value;          /* Its wrong value. */
    } breaks[] = {
        { 15, 0 },              /* Version 0. */
        { 16, 2 }, { 17, 19 }, { 17, 21 },  /* Actor TLV type, length. */
        { 36, 1 }, { 37, 0 },               /* Partner TLV. */
        { 56, 4 }, { 57, 20 },              /* Collector TLV. */
        { 72, 1 }, { 73, 2 },               /* Terminator. */
    };
    struct lacp_info other = {
        .sys_priority = 1, .key = 99, .port_priority = 1, .port_number = 7,
        .state = LACP_STATE_ACTIVITY | LACP_STATE_AGGREGATION
                 | LACP_STATE_SYNC | LACP_STATE_COLLECTING,
    };
    struct lacp_info zero = { 0 };
    uint8_t bad[LACP_PDU_LEN];
    uint8_t good[LACP_PDU_LEN + 4];
    uint8_t src[ETH_ADDR_LEN] = UNIT_MAC(0x999);
    struct lacp_member_view before, v;
    struct net net;
    uint64_t n_bad;

    net_pair(&net, 2, true, true, true);
    net_run_for(&net, 3 * SEC);
    assert_negotiated(&net, 0, 0, 1, 0);
    before = view(&net, 0, 0);
    n_bad = before.pdus_bad;

    /* A LACPDU from another system, whole it would move the partner. */
    unit_mac_set(other.sys_id, 0x999);
    lacp_pdu_build(bad, src, &other, &zero);
    for (size_t len = 0; len < LACP_PDU_LEN; len++) {
        uint8_t *copy = unit_dup(bad, len);

        CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, copy, len, net.now),
                        -EINVAL);
        free(copy);
    }
    n_bad += LACP_PDU_LEN;
    CU_ASSERT_EQUAL(view(&net, 0, 0).pdus_bad, n_bad);
    for (size_t k = 0; k < ARRAY_SIZE(breaks); k++) {
        uint8_t *copy = unit_dup(bad, sizeof bad);

        copy[breaks[k].ofs] = breaks[k].value;
        CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, copy, sizeof bad,
                                     net.now), -EINVAL);
        free(copy);
    }
    n_bad += ARRAY_SIZE(breaks);
    CU_ASSERT_EQUAL(view(&net, 0, 0).pdus_bad, n_bad);
    assert_unchanged(&net, &before);
    net_tick(&net);
    assert_unchanged(&net, &before);
    assert_negotiated(&net, 0, 0, 1, 0);
    CU_ASSERT_EQUAL(view(&net, 0, 1).pdus_bad, 0);

    /* A marker (subtype 2), another subtype, another EtherType: not
     * LACP, not bad. */
    bad[14] = 2;
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, bad, sizeof bad, net.now),
                    -EPROTONOSUPPORT);
    bad[14] = 10;
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, bad, 20, net.now),
                    -EPROTONOSUPPORT);
    bad[14] = 1;
    bad[12] = 0x08;
    bad[13] = 0x00;
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, bad, sizeof bad, net.now),
                    -EPROTONOSUPPORT);
    CU_ASSERT_EQUAL(view(&net, 0, 0).pdus_bad, n_bad);
    assert_unchanged(&net, &before);

    /* The partner's own LACPDU, padded: taken. */
    memset(good, 0xa5, sizeof good);
    memcpy(good, net.last[1][0], LACP_PDU_LEN);
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, good, sizeof good,
                                 net.now), 0);
    v = view(&net, 0, 0);
    CU_ASSERT_EQUAL(v.pdus_received, before.pdus_received + 1);
    CU_ASSERT_EQUAL(v.pdus_bad, n_bad);
    CU_ASSERT(!memcmp(v.partner.sys_id, net.s[1].sys_id, ETH_ADDR_LEN));

    /* Version 2 may carry more TLVs where version 1 has its terminator. */
    good[15] = 2;
    good[72] = 4;
    good[73] = 8;
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, good, LACP_PDU_LEN,
                                 net.now), 0);

    /* No such member; a member without link. */
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 2, good, LACP_PDU_LEN,
                                 net.now), -ENOENT);
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], -1, good, LACP_PDU_LEN,
                                 net.now), -ENOENT);
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], LACP_MAX_MEMBERS, good,
                                 LACP_PDU_LEN, net.now), -ENOENT);
    lacp_member_set_link(net.inst[0], 1, false, net.now);
    v = view(&net, 0, 1);
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 1, good, LACP_PDU_LEN,
                                 net.now), -ENETDOWN);
    CU_ASSERT_EQUAL(view(&net, 0, 1).pdus_received, v.pdus_received);
    CU_ASSERT_EQUAL(view(&net, 0, 1).status, LACP_DEFAULTED);
    net_fini(&net);
}

/* An active, aggregating actor of system UNIT_MAC(n), port 1, key 5. */
static struct lacp_info
stranger(uint32_t n)
{
    struct lacp_info info = {
        .sys_priority = 1, .key = 5, .port_priority = 1, .port_number = 1,
        .state = LACP_STATE_ACTIVITY | LACP_STATE_AGGREGATION,
    };

    unit_mac_set(info.sys_id, n);
    return info;
}

/* Random damage to a good LACPDU, at random lengths: every frame is taken,
 * counted bad or not LACP, and the counters add up; nothing reads past the
 * end (unit_dup() for AddressSanitizer). */
static void
test_random_pdus(void)
{
    struct lacp_settings s = settings(0, true, true);
    struct lacp_info actor = stranger(0x555);
    struct lacp_info zero = { 0 };
    uint8_t src[ETH_ADDR_LEN] = UNIT_MAC(0x555);
    uint8_t good[LACP_PDU_LEN + 8];
    unsigned int n_ok = 0, n_bad = 0, n_other = 0;
    struct lacp_member_view v;
    uint32_t seed = 11;
    struct net net;

    net_init(&net);
    net_add(&net, 0, &s, 1);
    memset(good, 0, sizeof good);
    lacp_pdu_build(good, src, &actor, &zero);
    for (int k = 0; k < 5000; k++) {
        size_t len = unit_rand(&seed) % (sizeof good + 1);
        uint8_t *copy = unit_dup(good, len);
        int n_damage = unit_rand(&seed) % 3;
        int rc;

        for (int d = 0; d < n_damage && len; d++) {
            copy[unit_rand(&seed) % len] = unit_rand(&seed);
        }
        rc = lacp_receive(net.inst[0], 0, copy, len, net.now);
        free(copy);
        CU_ASSERT(rc == 0 || rc == -EINVAL || rc == -EPROTONOSUPPORT);
        n_ok += rc == 0;
        n_bad += rc == -EINVAL;
        n_other += rc == -EPROTONOSUPPORT;
        net_tick(&net);
    }
    v = view(&net, 0, 0);
    printf("\n    %u taken, %u bad, %u not LACP ", n_ok, n_bad, n_other);
    CU_ASSERT_EQUAL(v.pdus_received, n_ok);
    CU_ASSERT_EQUAL(v.pdus_bad, n_bad);
    CU_ASSERT(n_ok > 0 && n_bad > 0 && n_other > 0);
    net_fini(&net);
}

/* Asserts that no 4 frames of the log sent by member 'slot' of 'i' fall
 * within one second; returns how many it sent. */
static unsigned int
assert_rate(const struct net *net, int i, int slot)
{
    uint64_t at[ARRAY_SIZE(net->log)];
    unsigned int n = 0;

    for (size_t k = 0; k < net->n_log; k++) {
        if (net->log[k].inst == i && net->log[k].slot == slot) {
            at[n++] = net->log[k].at;
        }
    }
    for (unsigned int k = 3; k < n; k++) {
        CU_ASSERT(at[k] - at[k - 3] >= SEC);
    }
    return n;
}

/* Need-to-transmit under churn (settings changing every 10 ms, then
 * LACPDUs that see us wrong every 10 ms): at most 3 LACPDUs in any
 * second, and the last word gets out. */
static void
test_ntt_rate(void)
{
    struct lacp_settings s0 = settings(0, true, true);
    struct lacp_info peer = stranger(0x777);
    struct lacp_info wrong = { 0 };
    uint8_t frame[LACP_PDU_LEN];
    uint8_t src[ETH_ADDR_LEN] = UNIT_MAC(0x777);
    struct net net;
    unsigned int n;

    net_init(&net);
    net_add(&net, 0, &s0, 1);
    for (int k = 0; k < 500; k++) {
        s0.sys_priority = 100 + k;
        lacp_configure(net.inst[0], &s0);
        net.now += 10000;
        run_one(&net, 0);
    }
    n = assert_rate(&net, 0, 0);
    printf("\n    settings churn: %u LACPDUs in 5 s ", n);
    CU_ASSERT(n >= 13 && n <= 15);
    net_run_for(&net, 1 * SEC);
    CU_ASSERT_EQUAL(unit_get_be16(net.last[0][0] + OFS_ACTOR_INFO),
                    s0.sys_priority);

    net.n_log = 0;
    for (int k = 0; k < 500; k++) {
        wrong.port_number = k;
        lacp_pdu_build(frame, src, &peer, &wrong);
        CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, frame, sizeof frame,
                                     net.now), 0);
        net.now += 10000;
        run_one(&net, 0);
    }
    n = assert_rate(&net, 0, 0);
    printf("received churn: %u LACPDUs in 5 s ", n);
    CU_ASSERT(n >= 13 && n <= 15);
    net_fini(&net);
}

/* Runs for 'usec' and says how many LACPDUs member 0 of instances 0 and 1
 * sent meanwhile, in '*a' and '*b'. */
static void
count_sent(struct net *net, uint64_t usec, unsigned int *a, unsigned int *b)
{
    unsigned int a0 = net->sent[0][0];
    unsigned int b0 = net->sent[1][0];

    net_run_for(net, usec);
    *a = net->sent[0][0] - a0;
    *b = net->sent[1][0] - b0;
}

/* Periodic transmission: every second for a partner that asks for the
 * short timeout, every 30 s for one that asks for the long one. */
static void
test_periodic(void)
{
    struct lacp_settings fast = settings(0, true, true);
    struct lacp_settings slow = settings(1, true, false);
    unsigned int a, b, a2, b2;
    struct net net;

    net_pair2(&net, 1, &fast, &fast);
    net_run_for(&net, 5 * SEC);
    count_sent(&net, 10 * SEC, &a, &b);
    printf("\n    fast: %u and %u LACPDUs in 10 s ", a, b);
    CU_ASSERT(a >= 9 && a <= 11);
    CU_ASSERT(b >= 9 && b <= 11);
    net_fini(&net);

    /* Instance 0 fast, instance 1 slow: 0 sends slowly, 1 fast. */
    net_pair2(&net, 1, &fast, &slow);
    net_run_for(&net, 5 * SEC);
    assert_negotiated(&net, 0, 0, 1, 0);
    count_sent(&net, 10 * SEC, &a, &b);
    CU_ASSERT(a <= 1);
    count_sent(&net, 80 * SEC, &a2, &b2);
    a += a2;
    b += b2;
    printf("slow partner: %u in 90 s (its partner %u) ", a, b);
    CU_ASSERT(a >= 3 && a <= 4);
    CU_ASSERT(b >= 89 && b <= 91);
    assert_negotiated(&net, 0, 0, 1, 0);
    assert_negotiated(&net, 1, 0, 0, 0);
    net_fini(&net);

    /* Both slow: still together after many long periods. */
    fast.fast = false;
    net_pair2(&net, 1, &fast, &slow);
    net_run_for(&net, 300 * SEC);
    CU_ASSERT(net.sent[0][0] >= 10 && net.sent[0][0] <= 16);
    assert_negotiated(&net, 0, 0, 1, 0);
    assert_negotiated(&net, 1, 0, 0, 0);
    net_fini(&net);
}

/* The wire format, byte by byte, and back through lacp_receive(): the
 * actor TLV becomes the partner, the partner TLV decides whether its sync
 * is believed. */
static void
test_pdu_format(void)
{
    struct lacp_info actor = {
        .sys_priority = 0x1234, .key = 0x5678, .port_priority = 0x9abc,
        .port_number = 0xdef0,
        .state = LACP_STATE_ACTIVITY | LACP_STATE_AGGREGATION
                 | LACP_STATE_SYNC | LACP_STATE_COLLECTING
                 | LACP_STATE_DISTRIBUTING,
    };
    struct lacp_info partner = {
        .sys_priority = 0x0102, .key = 0x0304, .port_priority = 0x0506,
        .port_number = 0x0708, .state = 0xc2,
    };
    static const uint8_t actor_tlv[] = {
        1, 20, 0x12, 0x34, 0x02, 0x00, 0x00, 0x00, 0x00, 0x11,
        0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x3d, 0, 0, 0,
    };
    static const uint8_t partner_tlv[] = {
        2, 20, 0x01, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x22,
        0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xc2, 0, 0, 0,
    };
    uint8_t src[ETH_ADDR_LEN] = UNIT_MAC(0x33);
    uint8_t frame[LACP_PDU_LEN];
    struct lacp_settings s = settings(0, true, true);
    struct lacp_member_view v;
    struct net net;

    unit_mac_set(actor.sys_id, 0x11);
    unit_mac_set(partner.sys_id, 0x22);
    memset(frame, 0xff, sizeof frame);
    lacp_pdu_build(frame, src, &actor, &partner);
    CU_ASSERT(!memcmp(frame, lacp_dst_mac, ETH_ADDR_LEN));
    CU_ASSERT(!memcmp(frame + 6, src, ETH_ADDR_LEN));
    CU_ASSERT_EQUAL(unit_get_be16(frame + 12), LACP_ETH_TYPE);
    CU_ASSERT_EQUAL(frame[14], 1);                  /* Subtype LACP. */
    CU_ASSERT_EQUAL(frame[15], 1);                  /* Version 1. */
    CU_ASSERT(!memcmp(frame + 16, actor_tlv, sizeof actor_tlv));
    CU_ASSERT(!memcmp(frame + 36, partner_tlv, sizeof partner_tlv));
    CU_ASSERT_EQUAL(frame[56], 3);                  /* Collector. */
    CU_ASSERT_EQUAL(frame[57], 16);
    for (size_t k = 58; k < LACP_PDU_LEN; k++) {
        /* Max delay, reserved, terminator (0, 0), reserved. */
        CU_ASSERT_EQUAL(frame[k], 0);
    }

    /* Back: the actor TLV is the partner as we see it.  Its partner TLV
     * does not name us: its sync is not believed. */
    net_init(&net);
    net_add(&net, 0, &s, 1);
    run_one(&net, 0);
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, frame, sizeof frame,
                                 net.now), 0);
    run_one(&net, 0);
    v = view(&net, 0, 0);
    CU_ASSERT_EQUAL(v.status, LACP_CURRENT);
    CU_ASSERT_EQUAL(v.partner.sys_priority, actor.sys_priority);
    CU_ASSERT(!memcmp(v.partner.sys_id, actor.sys_id, ETH_ADDR_LEN));
    CU_ASSERT_EQUAL(v.partner.key, actor.key);
    CU_ASSERT_EQUAL(v.partner.port_priority, actor.port_priority);
    CU_ASSERT_EQUAL(v.partner.port_number, actor.port_number);
    CU_ASSERT_EQUAL(v.partner.state, actor.state & ~LACP_STATE_SYNC);
    CU_ASSERT(v.selected);
    CU_ASSERT(!carries(&net, 0, 0));
    CU_ASSERT_EQUAL(v.why, LACP_WHY_PARTNER_NOT_READY);

    /* Its partner TLV names us: in sync, collecting: we carry. */
    lacp_pdu_build(frame, src, &actor, &v.actor);
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, frame, sizeof frame,
                                 net.now), 0);
    run_one(&net, 0);
    v = view(&net, 0, 0);
    CU_ASSERT_EQUAL(v.partner.state, actor.state);
    CU_ASSERT(carries(&net, 0, 0));
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_NEGOTIATED);

    /* Named wrong (another port number): out of sync again. */
    v.actor.port_number++;
    lacp_pdu_build(frame, src, &actor, &v.actor);
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 0, frame, sizeof frame,
                                 net.now), 0);
    run_one(&net, 0);
    CU_ASSERT(!carries(&net, 0, 0));
    CU_ASSERT(!(view(&net, 0, 0).partner.state & LACP_STATE_SYNC));
    net_fini(&net);
}

/* A member whose link goes down is defaulted and does not carry; back up,
 * it speaks at once (if active), defaulted, and rejoins.  A removed member
 * is gone. */
static void
test_link_down(void)
{
    struct lacp_member_view v;
    struct net net;
    unsigned int sent;

    net_pair(&net, 2, true, false, true);
    net_run_for(&net, 3 * SEC);
    assert_negotiated(&net, 0, 0, 1, 0);

    lacp_member_set_link(net.inst[0], 0, false, net.now);
    CU_ASSERT(run_one(&net, 0));
    v = view(&net, 0, 0);
    CU_ASSERT(!carries(&net, 0, 0));
    CU_ASSERT(carries(&net, 0, 1));
    CU_ASSERT_EQUAL(v.status, LACP_DEFAULTED);
    CU_ASSERT_EQUAL(v.why, LACP_WHY_LINK_DOWN);
    CU_ASSERT_STRING_EQUAL(lacp_why_name(v.why), "link-down");
    CU_ASSERT(eth_addr_is_zero(v.partner.sys_id));
    CU_ASSERT_EQUAL(lacp_status(net.inst[0]), LACP_NEGOTIATED);
    sent = net.sent[0][0];
    net_run_for(&net, 5 * SEC);
    CU_ASSERT_EQUAL(net.sent[0][0], sent);      /* Nothing on a dead link. */
    CU_ASSERT(!carries(&net, 0, 0));
    CU_ASSERT_EQUAL(view(&net, 0, 0).pdus_received, v.pdus_received);

    /* Back up: instance 0 (active) speaks at once, defaulted. */
    lacp_member_set_link(net.inst[0], 0, true, net.now);
    run_one(&net, 0);
    CU_ASSERT_EQUAL(net.sent[0][0], sent + 1);
    CU_ASSERT(sent_state(&net, 0, 0) & LACP_STATE_DEFAULTED);
    CU_ASSERT(sent_state(&net, 0, 0) & LACP_STATE_ACTIVITY);
    net_run_for(&net, 2 * SEC);
    assert_negotiated(&net, 0, 0, 1, 0);
    assert_negotiated(&net, 1, 0, 0, 0);

    /* Instance 1 is passive: back up, it waits for its partner. */
    lacp_member_set_link(net.inst[1], 1, false, net.now);
    run_one(&net, 1);
    CU_ASSERT(!carries(&net, 1, 1));
    lacp_member_set_link(net.inst[1], 1, true, net.now);
    sent = net.sent[1][1];
    run_one(&net, 1);
    CU_ASSERT_EQUAL(net.sent[1][1], sent);
    net_run_for(&net, 2 * SEC);
    assert_negotiated(&net, 1, 1, 0, 1);

    /* Removed: gone. */
    lacp_member_remove(net.inst[0], 1);
    CU_ASSERT(run_one(&net, 0));
    CU_ASSERT(!carries(&net, 0, 1));
    CU_ASSERT(!view(&net, 0, 1).present);
    CU_ASSERT_EQUAL(lacp_receive(net.inst[0], 1, net.last[1][1],
                                 LACP_PDU_LEN, net.now), -ENOENT);
    CU_ASSERT(carries(&net, 0, 0));
    net_fini(&net);
}

/* Names and the state bits as text. */
static void
test_format(void)
{
    struct lacp_settings s = settings(3, false, true);
    struct lacp_info a;
    struct lacp *lacp;
    char buf[128];

    lacp_state_format(0, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "");
    lacp_state_format(0xff, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "activity,timeout,aggregation,"
                           "synchronization,collecting,distributing,"
                           "defaulted,expired");
    lacp_state_format(0x3d, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "activity,aggregation,synchronization,"
                           "collecting,distributing");
    lacp_state_format(0x41, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "activity,defaulted");
    lacp_state_format(0x03, buf, 12);
    CU_ASSERT_STRING_EQUAL(buf, "activity");
    lacp_state_format(0x03, buf, 1);
    CU_ASSERT_STRING_EQUAL(buf, "");
    buf[0] = 'x';
    lacp_state_format(0x03, buf, 0);
    CU_ASSERT_EQUAL(buf[0], 'x');

    CU_ASSERT_STRING_EQUAL(lacp_status_name(LACP_NEGOTIATED), "negotiated");
    CU_ASSERT_STRING_EQUAL(lacp_status_name(LACP_DOWN), "down");
    CU_ASSERT_STRING_EQUAL(lacp_status_name(99), "unknown");
    CU_ASSERT_STRING_EQUAL(lacp_member_status_name(LACP_CURRENT),
                           "current");
    CU_ASSERT_STRING_EQUAL(lacp_member_status_name(LACP_EXPIRED),
                           "expired");
    CU_ASSERT_STRING_EQUAL(lacp_member_status_name(LACP_DEFAULTED),
                           "defaulted");
    CU_ASSERT_STRING_EQUAL(lacp_why_name(LACP_WHY_NONE), "");
    CU_ASSERT_STRING_EQUAL(lacp_why_name(LACP_WHY_NO_PARTNER),
                           "no-partner");
    CU_ASSERT_STRING_EQUAL(lacp_why_name(LACP_WHY_INDIVIDUAL),
                           "individual");
    CU_ASSERT_STRING_EQUAL(lacp_why_name(LACP_WHY_PARTNER_NOT_READY),
                           "partner-not-ready");
    CU_ASSERT_STRING_EQUAL(lacp_why_name(99), "unknown");

    lacp = lacp_create(&s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lacp);
    lacp_actor(lacp, &a);
    CU_ASSERT_EQUAL(a.sys_priority, s.sys_priority);
    CU_ASSERT(!memcmp(a.sys_id, s.sys_id, ETH_ADDR_LEN));
    CU_ASSERT_EQUAL(a.key, s.key);
    CU_ASSERT_EQUAL(a.port_number, 0);
    CU_ASSERT_EQUAL(a.port_priority, 0);
    CU_ASSERT_EQUAL(a.state, LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION);
    CU_ASSERT_EQUAL(lacp_status(lacp), LACP_DOWN);
    lacp_destroy(lacp);
    lacp_destroy(NULL);
}

static const CU_TestInfo tests[] = {
    { "two instances negotiate", test_negotiate },
    { "a quiet run changes nothing", test_quiet_run },
    { "partner timeout, fast", test_timeout_fast },
    { "partner timeout, slow", test_timeout_slow },
    { "a member cabled to another system", test_other_partner },
    { "the largest group wins", test_largest_group },
    { "selection tie: port priority, then number", test_selection_tie },
    { "loopback", test_loopback },
    { "a port changes", test_port_change },
    { "passive and active", test_passive },
    { "fallback in and out", test_fallback },
    { "min-links", test_min_links },
    { "malformed and truncated LACPDUs", test_malformed },
    { "random damage", test_random_pdus },
    { "need-to-transmit rate", test_ntt_rate },
    { "periodic transmission", test_periodic },
    { "LACPDU format and parse", test_pdu_format },
    { "link down and up, member removed", test_link_down },
    { "names and state format", test_format },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("lacp", NULL, NULL, tests);
}
