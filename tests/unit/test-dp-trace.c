/* Tests of the packet tracer (lib/dp-trace.c, lib/trace-frame.c): frames
 * built by trace_frame_build() are traced from in-memory ports through the
 * real pipeline, one test per drop reason the datapath counts, and the
 * forwarding cases.  Every trace goes through trace(), which checks that
 * the trace changed nothing: no counter, no learning request, nothing sent,
 * no team load, no MAC entry refreshed, no BPDU guard tripped.  Policers
 * are checked not to be charged by running real frames after traces. */
#include <autoconf.h>
#include "dp-trace.h"

#include <CUnit/Basic.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "datapath.h"
#include "mac-table.h"
#include "netdev-memory.h"
#include "netdev-packet.h"
#include "port-policy.h"
#include "rcu.h"
#include "trace-frame.h"
#include "unit.h"
#include "unit-dp.h"

/* Device indexes no real device has (the link watcher hears of those). */
#define IFINDEX_BASE 3000000
#define MAX_PORTS 8

static struct datapath *dp;
static uint64_t now_usec;
static int next_ifindex = IFINDEX_BASE;
static struct dp_trace tr;         /* The last trace. */

static int
suite_init(void)
{
    now_usec = UINT64_C(3000000000);
    dp = unit_dp_create(now_usec);
    return dp ? 0 : -1;
}

static int
suite_clean(void)
{
    unit_dp_destroy(dp);
    return 0;
}

/* ---- A world of ports ---- */

struct world {
    struct dp_bridge *br;          /* The bridge. */
    struct dp_port *ports[MAX_PORTS]; /* Its ports and teams. */
    int n;                         /* Entries in 'ports'. */
};

static struct world
world_new(void)
{
    struct world w = { .n = 0 };

    w.br = datapath_bridge_create(dp, "br", 1024, 300);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w.br);
    return w;
}

static struct dp_port *
port_new(struct world *w, const char *name, struct dp_port_settings s)
{
    struct dp_port *p = datapath_port_add(dp, w->br, name, &s);
    uint8_t mac[ETH_ADDR_LEN];
    int ifindex = next_ifindex++;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    unit_mac_set(mac, 0xee000000u + ifindex);
    CU_ASSERT_EQUAL_FATAL(datapath_port_attach_memory(dp, p, ifindex, mac),
                          0);
    w->ports[w->n++] = p;
    return p;
}

/* The MAC of member 'slot' of a team made by team_new(), as text. */
static void
member_mac(const struct dp_port *t, int slot, char buf[18])
{
    uint8_t mac[ETH_ADDR_LEN];

    unit_mac_set(mac, 0xfe000000u + dp_port_no(t) * 16 + slot);
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
             mac[2], mac[3], mac[4], mac[5]);
}

/* A team of two members, active-backup on member 0 (designated), receive
 * rules on, both usable unless 'down'. */
static struct dp_port *
team_new(struct world *w, const char *name, bool down)
{
    struct dp_port_settings s = unit_vlan_access(1);
    struct dp_port *t = datapath_team_add(dp, w->br, name, &s);
    struct dp_team_map_desc d = {
        .policy = TEAM_POLICY_ACTIVE_BACKUP, .switch_independent = true,
        .usable = down ? 0 : 3, .designated = down ? TEAM_NONE : 0,
        .active = down ? TEAM_NONE : 0, .order = { 0, 1 }, .n_order = 2,
    };

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    memset(d.bucket, TEAM_NONE, sizeof d.bucket);
    for (int i = 0; i < 2; i++) {
        uint8_t mac[ETH_ADDR_LEN];
        char mname[16];

        snprintf(mname, sizeof mname, "%s-m%d", name, i);
        unit_mac_set(mac, 0xfe000000u + dp_port_no(t) * 16 + i);
        datapath_team_member_set(dp, t, i, mname);
        CU_ASSERT_EQUAL_FATAL(datapath_team_member_attach_memory(
                                  dp, t, i, next_ifindex++, mac), 0);
    }
    CU_ASSERT_EQUAL_FATAL(datapath_team_publish(dp, t, &d), 0);
    w->ports[w->n++] = t;
    return t;
}

static void
world_free(struct world *w)
{
    for (int i = 0; i < w->n; i++) {
        datapath_port_remove(dp, w->ports[i]);
    }
    datapath_bridge_destroy(dp, w->br);
}

static size_t
run_learning(void)
{
    return datapath_run_learning(dp, now_usec / 1000000);
}

static void
advance_usec(uint64_t usec)
{
    now_usec += usec;
    datapath_set_clock(dp, now_usec);
}

static void
policy_set(struct dp_port *p, const struct port_policy *pp)
{
    CU_ASSERT_EQUAL(datapath_port_set_policy(dp, p, pp), 0);
}

/* The frame of the space-separated FIELD=VALUE list 'fields'. */
static size_t
frame(const char *fields, uint8_t *buf, size_t size)
{
    char **args = g_strsplit(fields, " ", -1);
    char *msg = NULL;
    size_t len = 0;

    CU_ASSERT_EQUAL(trace_frame_build(g_strv_length(args), args, buf, size,
                                      &len, &msg), 0);
    if (msg) {
        fprintf(stderr, "%s\n", msg);
    }
    g_free(msg);
    g_strfreev(args);
    return len;
}

/* Frames sent on 'p' (all its members for a team), taken. */
static int
n_sent(const struct dp_port *p)
{
    struct netdev_memory_frame f;
    int n = 0;

    for (int slot = dp_port_is_team(p) ? 0 : -1;
         slot < (dp_port_is_team(p) ? 2 : 0); slot++) {
        while (!datapath_memory_take(p, slot, &f)) {
            n++;
        }
    }
    return n;
}

static void
drain(const struct world *w)
{
    for (int i = 0; i < w->n; i++) {
        n_sent(w->ports[i]);
    }
}

/* Pushes the frame of 'fields' into 'p' (member 'slot', or -1) for
 * real. */
static void
push(struct dp_port *p, int slot, const char *fields)
{
    static uint8_t buf[NETDEV_MAX_FRAME];
    size_t len = frame(fields, buf, sizeof buf);

    CU_ASSERT_EQUAL(datapath_memory_receive(dp, p, slot, NULL, buf, len), 0);
}

/* Pushes a frame from 'mac' into 'p' (member 'slot', or -1) and learns
 * it. */
static void
teach(struct world *w, struct dp_port *p, int slot, const char *mac)
{
    char fields[64];

    snprintf(fields, sizeof fields, "dl_src=%s", mac);
    push(p, slot, fields);
    run_learning();
    drain(w);
}

/* What a trace must leave as it was. */
struct state {
    struct dp_port_stats stats[MAX_PORTS];     /* Ports' counters. */
    struct dp_port_stats members[MAX_PORTS][2]; /* Team members'. */
    uint64_t buckets[MAX_PORTS][TEAM_BUCKETS]; /* Teams' bucket loads. */
    uint64_t team_tx[MAX_PORTS];               /* Ports' loads into
                                                * teams. */
    uint64_t first_use[MAX_PORTS];             /* Teams' maps' first use. */
    bool tripped[MAX_PORTS];                   /* BPDU guards. */
    struct mac_table_stats macs;               /* The MAC table's. */
};

static void
state_take(const struct world *w, struct state *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < w->n; i++) {
        const struct dp_port *p = w->ports[i];

        dp_port_get_stats(p, &s->stats[i]);
        s->team_tx[i] = dp_port_team_tx_bytes(p);
        s->tripped[i] = dp_port_guard_tripped(p);
        if (dp_port_is_team(p)) {
            uint64_t published;

            for (int m = 0; m < 2; m++) {
                dp_team_member_get_stats(p, m, &s->members[i][m]);
            }
            dp_team_bucket_bytes(p, s->buckets[i]);
            dp_team_map_times(p, &published, &s->first_use[i]);
        }
    }
    mac_table_get_stats(dp_bridge_mac_table(w->br), &s->macs);
}

/* Traces the frame of 'fields' from 'p' (member 'slot', or -1) into 'tr',
 * and checks that it changed nothing, sent nothing and queued no learning.
 * Returns the verdict. */
static int
trace(const struct world *w, struct dp_port *p, int slot,
      const char *fields)
{
    static uint8_t buf[NETDEV_MAX_FRAME];
    size_t len = frame(fields, buf, sizeof buf);
    struct state before, after;

    drain(w);
    run_learning();
    state_take(w, &before);
    CU_ASSERT_EQUAL_FATAL(dp_trace_run(dp, p, slot, buf, len, &tr), 0);
    state_take(w, &after);
    CU_ASSERT_EQUAL(memcmp(&before, &after, sizeof before), 0);
    CU_ASSERT_EQUAL(run_learning(), 0);
    for (int i = 0; i < w->n; i++) {
        CU_ASSERT_EQUAL(n_sent(w->ports[i]), 0);
    }
    CU_ASSERT_EQUAL(tr.n_lost, 0);
    return tr.verdict;
}

/* The first record of 'stage' (for port 'port', or any if NULL) in the
 * last trace, or NULL. */
static const struct dp_trace_rec *
rec_find(enum dp_trace_stage stage, const struct dp_port *port)
{
    for (size_t i = 0; i < tr.n; i++) {
        if (tr.recs[i].stage == stage
            && (!port || tr.recs[i].port_no == dp_port_no(port))) {
            return &tr.recs[i];
        }
    }
    return NULL;
}

/* Number of outputs in the last trace. */
static int
n_outputs(void)
{
    int n = 0;

    for (size_t i = 0; i < tr.n; i++) {
        n += tr.recs[i].stage == DP_TRACE_OUTPUT;
    }
    return n;
}

/* Checks that the text and JSON of the last trace name drop reason 'r':
 * as the verdict, as counted, or as a stage's drop. */
static void
check_names(enum dp_drop_reason r)
{
    const char *name = dp_drop_reason_name(r);
    GString *text = g_string_new(NULL);
    JsonObject *o = json_object_new();
    char *want = g_strdup_printf("drop: %s", name);
    JsonObject *counted;
    JsonArray *stages;
    bool in_json = false;

    dp_trace_format(dp, &tr, text, o);
    if (!strstr(text->str, want)) {
        fprintf(stderr, "no \"%s\" in:\n%s", want, text->str);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(text->str, want));
    if (json_object_has_member(o, "drop-reason")) {
        in_json |= !strcmp(json_object_get_string_member(o, "drop-reason"),
                           name);
    }
    counted = json_object_get_object_member(o, "counted-drops");
    in_json |= json_object_has_member(counted, name);
    stages = json_object_get_array_member(o, "stages");
    for (guint i = 0; i < json_array_get_length(stages); i++) {
        JsonObject *s = json_array_get_object_element(stages, i);

        if (json_object_has_member(s, "reason")) {
            in_json |= !strcmp(json_object_get_string_member(s, "reason"),
                               name);
        }
    }
    CU_ASSERT(in_json);
    g_free(want);
    json_object_unref(o);
    g_string_free(text, TRUE);
}

/* ---- Forwarding ---- */

static void
test_known_unicast(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *b = port_new(&w, "b", unit_vlan_access(1));
    struct dp_port *c = port_new(&w, "c", unit_vlan_access(1));
    const uint8_t m1[ETH_ADDR_LEN] = { 2, 0, 0, 0, 0, 1 };
    const struct dp_trace_rec *r;
    struct mac_entry *e;
    uint32_t used;

    (void) c;
    teach(&w, a, -1, "02:00:00:00:00:01");
    teach(&w, b, -1, "02:00:00:00:00:02");
    /* Two seconds on, a real frame would refresh the source's entry. */
    advance_usec(2000000);
    rcu_read_lock();
    e = mac_table_lookup_rcu(dp_bridge_mac_table(w.br), 1, m1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    used = e->used;
    rcu_read_unlock();

    CU_ASSERT_EQUAL(trace(&w, a, -1, "dl_src=02:00:00:00:00:01 "
                          "dl_dst=02:00:00:00:00:02"), DP_N_DROPS);
    r = rec_find(DP_TRACE_LOOKUP, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->what, DP_TRACE_LOOKUP_KNOWN);
    CU_ASSERT_EQUAL(r->port_no, dp_port_no(b));
    CU_ASSERT_EQUAL(n_outputs(), 1);
    CU_ASSERT_PTR_NOT_NULL(rec_find(DP_TRACE_OUTPUT, b));
    r = rec_find(DP_TRACE_LEARN, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->what, DP_TRACE_LEARN_REFRESH);

    rcu_read_lock();
    e = mac_table_lookup_rcu(dp_bridge_mac_table(w.br), 1, m1);
    CU_ASSERT_EQUAL(e->used, used);
    rcu_read_unlock();
    world_free(&w);
}

static void
test_flood(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *b = port_new(&w, "b", unit_vlan_access(1));
    struct dp_port *c = port_new(&w, "c", unit_vlan_access(1));
    struct dp_port *d = port_new(&w, "d", unit_vlan_access(2));
    const uint8_t m7[ETH_ADDR_LEN] = { 2, 0, 0, 0, 0, 7 };
    const struct dp_trace_rec *r;
    GString *text = g_string_new(NULL);
    JsonObject *o = json_object_new();

    CU_ASSERT_EQUAL(trace(&w, a, -1, "dl_src=02:00:00:00:00:07"),
                    DP_N_DROPS);
    r = rec_find(DP_TRACE_LOOKUP, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->what, DP_TRACE_LOOKUP_FLOOD);
    CU_ASSERT_EQUAL(n_outputs(), 2);
    CU_ASSERT_PTR_NOT_NULL(rec_find(DP_TRACE_OUTPUT, b));
    CU_ASSERT_PTR_NOT_NULL(rec_find(DP_TRACE_OUTPUT, c));
    CU_ASSERT_PTR_NULL(rec_find(DP_TRACE_VLAN_OUT, d));
    r = rec_find(DP_TRACE_LEARN, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->what, DP_TRACE_LEARN_QUEUE);
    /* Not learned. */
    rcu_read_lock();
    CU_ASSERT_PTR_NULL(mac_table_lookup_rcu(dp_bridge_mac_table(w.br), 1,
                                            m7));
    rcu_read_unlock();

    dp_trace_format(dp, &tr, text, o);
    CU_ASSERT_PTR_NOT_NULL(strstr(text->str, "flood to b c"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text->str, "result: output b, c"));
    CU_ASSERT_EQUAL(json_array_get_length(
                        json_object_get_array_member(o, "outputs")), 2);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "result"),
                           "output");
    json_object_unref(o);
    g_string_free(text, TRUE);
    world_free(&w);
}

static void
test_trunk_tagging(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(10));
    struct dp_port *b = port_new(&w, "b", unit_vlan_trunk("10,20", 1));
    struct dp_port *c = port_new(&w, "c", unit_vlan_access(20));
    struct dp_port *d = port_new(&w, "d", unit_vlan_access(10));
    const struct dp_trace_rec *r;

    (void) c;
    CU_ASSERT_EQUAL(trace(&w, a, -1, ""), DP_N_DROPS);
    CU_ASSERT_EQUAL(n_outputs(), 2);
    r = rec_find(DP_TRACE_OUTPUT, b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->a, 1);       /* Tagged... */
    CU_ASSERT_EQUAL(r->b, 10);      /* ...with VLAN 10. */
    r = rec_find(DP_TRACE_OUTPUT, d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->a, 0);

    /* Tagged 20 on the trunk: to c, untagged. */
    CU_ASSERT_EQUAL(trace(&w, b, -1, "vlan=20 pcp=5"), DP_N_DROPS);
    r = rec_find(DP_TRACE_VLAN_IN, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->a, 20);
    CU_ASSERT_EQUAL(n_outputs(), 1);
    r = rec_find(DP_TRACE_OUTPUT, c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->a, 0);
    world_free(&w);
}

/* The member a trace picks is the one the real frame leaves on. */
static void
test_team_member(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *t = team_new(&w, "t", false);
    struct dp_team_map_desc d = {
        .policy = TEAM_POLICY_HASH, .fields = TEAM_HASH_L34,
        .switch_independent = true, .usable = 3, .designated = 0,
        .active = 0, .order = { 0, 1 }, .n_order = 2,
    };
    struct netdev_memory_frame f;
    const struct dp_trace_rec *r;
    int hits[2] = { 0, 0 };

    for (int b = 0; b < TEAM_BUCKETS; b++) {
        d.bucket[b] = b % 2;
    }
    CU_ASSERT_EQUAL_FATAL(datapath_team_publish(dp, t, &d), 0);
    for (int port = 1000; port < 1016; port++) {
        char fields[128];
        int slot;

        snprintf(fields, sizeof fields, "dl_src=02:00:00:00:00:01 "
                 "tp_src=%d", port);
        CU_ASSERT_EQUAL(trace(&w, a, -1, fields), DP_N_DROPS);
        r = rec_find(DP_TRACE_TEAM_SELECT, t);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_EQUAL(r->what, TEAM_ITEM_BUCKET);
        CU_ASSERT_STRING_EQUAL(r->name, "hash");
        slot = r->slot;
        CU_ASSERT(slot == 0 || slot == 1);
        CU_ASSERT_EQUAL(r->b, (uint32_t) slot);
        r = rec_find(DP_TRACE_OUTPUT, t);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_EQUAL(r->slot, slot);
        hits[slot]++;

        /* The real frame leaves on that member. */
        push(a, -1, fields);
        CU_ASSERT_EQUAL(datapath_memory_take(t, slot, &f), 0);
        CU_ASSERT_EQUAL(datapath_memory_take(t, !slot, &f), -EAGAIN);
        run_learning();
    }
    CU_ASSERT(hits[0] > 0 && hits[1] > 0);
    world_free(&w);
}

/* ---- Drop reasons, one test each ---- */

/* Traces 'fields' from 'p' (member 'slot', or -1): the verdict is 'r'. */
static void
expect_drop(const struct world *w, struct dp_port *p, int slot,
            const char *fields, enum dp_drop_reason r)
{
    CU_ASSERT_EQUAL(trace(w, p, slot, fields), r);
    CU_ASSERT_EQUAL(tr.counted[r], 1);
    check_names(r);
}

/* Traces 'fields' from 'p': forwarded ('n_out' outputs), and 'r' counted
 * for one of its output ports (or, mac-limit-flood, for the frame). */
static void
expect_counted(const struct world *w, struct dp_port *p, const char *fields,
               int n_out, enum dp_drop_reason r)
{
    CU_ASSERT_EQUAL(trace(w, p, -1, fields), DP_N_DROPS);
    CU_ASSERT_EQUAL(n_outputs(), n_out);
    CU_ASSERT_EQUAL(tr.counted[r], 1);
    check_names(r);
}

static void
test_drop_runt(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));

    port_new(&w, "b", unit_vlan_access(1));
    expect_drop(&w, a, -1, "hex=0200000000010200", DP_DROP_RUNT);
    world_free(&w);
}

static void
test_drop_vlan(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_trunk("10", 1));
    struct dp_port *b = port_new(&w, "b", unit_vlan_access(1));
    const struct dp_trace_rec *r;

    expect_drop(&w, a, -1, "vlan=20", DP_DROP_VLAN);
    r = rec_find(DP_TRACE_VLAN_IN, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->verdict, DP_DROP_VLAN);
    (void) b;
    world_free(&w);
}

static void
test_drop_loop(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));

    port_new(&w, "b", unit_vlan_access(1));
    teach(&w, a, -1, "02:00:00:00:00:02");
    expect_drop(&w, a, -1, "dl_src=02:00:00:00:00:01 "
                "dl_dst=02:00:00:00:00:02", DP_DROP_LOOP);
    world_free(&w);
}

/* learn-queue, tx-error and rx-overrun cannot happen to a traced frame:
 * a trace queues no learning request (learn-queue counts a datapath
 * thread's full queue at the moment a real frame arrives), sends nothing
 * (tx-error is the output device refusing a frame), and is not read from a
 * socket (rx-overrun is the kernel dropping frames on a full socket
 * buffer, counted by datapath_collect_stats()).  The trace says instead
 * that it would ask to learn the source, and where it would send. */

static void
test_drop_team_rx(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *t = team_new(&w, "t", false);
    const struct dp_trace_rec *r;

    (void) a;
    /* A flood from upstream on member 1: the designated member 0 keeps
     * its copy. */
    expect_drop(&w, t, 1, "dl_src=02:00:00:00:00:32", DP_DROP_TEAM_RX);
    r = rec_find(DP_TRACE_TEAM_RX, t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->slot, 1);
    CU_ASSERT_EQUAL((int32_t) r->a, 0);
    /* On member 0 it passes. */
    CU_ASSERT_EQUAL(trace(&w, t, 0, "dl_src=02:00:00:00:00:32"), DP_N_DROPS);
    world_free(&w);
}

static void
test_drop_reflection(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *t = team_new(&w, "t", false);

    /* A local station's frame went into the team just now... */
    push(a, -1, "dl_src=02:00:00:00:00:01");
    /* ...and comes back from upstream. */
    expect_drop(&w, t, 0, "dl_src=02:00:00:00:00:01", DP_DROP_REFLECTION);
    world_free(&w);
}

static void
test_drop_team_down(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *t = team_new(&w, "t", true);
    const struct dp_trace_rec *r;

    expect_counted(&w, a, "", 0, DP_DROP_TEAM_DOWN);
    r = rec_find(DP_TRACE_TEAM_SELECT, t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->verdict, DP_DROP_TEAM_DOWN);
    world_free(&w);
}

static void
test_drop_local(void)
{
    struct world w = world_new();
    struct dp_port *t = team_new(&w, "t", false);
    char mac[18], fields[64];

    port_new(&w, "a", unit_vlan_access(1));
    member_mac(t, 0, mac);
    snprintf(fields, sizeof fields, "dl_type=arp dl_src=%s", mac);
    expect_drop(&w, t, 0, fields, DP_DROP_LOCAL);
    world_free(&w);
}

static void
test_drop_link_local(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));

    port_new(&w, "b", unit_vlan_access(1));
    expect_drop(&w, a, -1, "dl_dst=01:80:c2:00:00:0e", DP_DROP_LINK_LOCAL);
    world_free(&w);
}

/* A LACPDU on a member of a LACP team is LACP's; on a team without LACP
 * it is link-local.  The trace queues nothing (a traced frame never fills
 * the queue: "lacp-queue" cannot show in a trace). */
static void
test_drop_lacp(void)
{
    static const char *const pdu = "dl_dst=01:80:c2:00:00:02 dl_type=0x8809";
    struct world w = world_new();
    struct dp_port *t = team_new(&w, "t", false);
    struct dp_team_map_desc d = {
        .policy = TEAM_POLICY_ACTIVE_BACKUP, .usable = 3, .designated = 0,
        .active = 0, .order = { 0, 1 }, .n_order = 2,
    };

    port_new(&w, "a", unit_vlan_access(1));
    expect_drop(&w, t, 1, pdu, DP_DROP_LINK_LOCAL);
    memset(d.bucket, TEAM_NONE, sizeof d.bucket);
    d.lacp = true;
    CU_ASSERT_EQUAL_FATAL(datapath_team_publish(dp, t, &d), 0);
    expect_drop(&w, t, 1, pdu, DP_DROP_LACP);
    world_free(&w);
}

static void
test_drop_bad_src(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));

    port_new(&w, "b", unit_vlan_access(1));
    expect_drop(&w, a, -1, "dl_src=01:00:5e:00:00:01", DP_DROP_BAD_SRC);
    world_free(&w);
}

static void
test_drop_src_conflict(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *t = team_new(&w, "t", false);

    /* A station alive behind the team... */
    teach(&w, t, 0, "02:00:00:00:00:05");
    /* ...forged by a local port: the conflict's learning request (for the
     * control thread's count) is not queued by the trace either. */
    expect_drop(&w, a, -1, "dl_src=02:00:00:00:00:05", DP_DROP_SRC_CONFLICT);
    world_free(&w);
}

static void
test_drop_disabled(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);

    port_new(&w, "b", unit_vlan_access(1));
    pp.enabled = false;
    policy_set(a, &pp);
    expect_drop(&w, a, -1, "", DP_DROP_DISABLED);
    world_free(&w);
}

static void
test_drop_bpdu_guard(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *b = port_new(&w, "b", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);

    pp.bpdu_guard = true;
    policy_set(a, &pp);
    expect_drop(&w, a, -1, "dl_dst=01:80:c2:00:00:00", DP_DROP_BPDU_GUARD);
    /* Not tripped (trace() checked): the port still forwards. */
    CU_ASSERT_FALSE(dp_port_guard_tripped(a));
    push(a, -1, "");
    CU_ASSERT_EQUAL(n_sent(b), 1);
    world_free(&w);
}

static void
test_drop_src_mac(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);

    port_new(&w, "b", unit_vlan_access(1));
    CU_ASSERT_FATAL(eth_addr_parse("02:00:00:00:00:01",
                                   pp.allowed_macs[0]));
    pp.n_allowed_macs = 1;
    policy_set(a, &pp);
    expect_drop(&w, a, -1, "dl_src=02:00:00:00:00:02", DP_DROP_SRC_MAC);
    CU_ASSERT_EQUAL(trace(&w, a, -1, "dl_src=02:00:00:00:00:01"),
                    DP_N_DROPS);
    world_free(&w);
}

static void
test_drop_dst_mac(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *b = port_new(&w, "b", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(b);

    teach(&w, b, -1, "02:00:00:00:00:05");
    CU_ASSERT_FATAL(eth_addr_parse("02:00:00:00:00:01",
                                   pp.allowed_macs[0]));
    pp.n_allowed_macs = 1;
    pp.mac_security = PORT_MAC_SECURITY_STRICT;
    policy_set(b, &pp);
    expect_counted(&w, a, "dl_dst=02:00:00:00:00:05", 0, DP_DROP_DST_MAC);
    world_free(&w);
}

static void
test_drop_mac_limit(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);

    port_new(&w, "b", unit_vlan_access(1));
    teach(&w, a, -1, "02:00:00:00:00:01");
    pp.mac_limit = 1;
    pp.mac_limit_action = PORT_MAC_LIMIT_DROP;
    policy_set(a, &pp);
    expect_drop(&w, a, -1, "dl_src=02:00:00:00:00:02", DP_DROP_MAC_LIMIT);
    /* The learned one passes. */
    CU_ASSERT_EQUAL(trace(&w, a, -1, "dl_src=02:00:00:00:00:01"),
                    DP_N_DROPS);
    world_free(&w);
}

static void
test_drop_mac_limit_flood(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);
    const struct dp_trace_rec *r;

    port_new(&w, "b", unit_vlan_access(1));
    teach(&w, a, -1, "02:00:00:00:00:01");
    pp.mac_limit = 1;
    pp.mac_limit_action = PORT_MAC_LIMIT_FLOOD;
    policy_set(a, &pp);
    expect_counted(&w, a, "dl_src=02:00:00:00:00:02", 1,
                   DP_DROP_MAC_LIMIT_FLOOD);
    r = rec_find(DP_TRACE_LEARN, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->what, DP_TRACE_LEARN_NO_LEARN);
    world_free(&w);
}

static void
test_drop_isolated(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *b = port_new(&w, "b", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);

    teach(&w, b, -1, "02:00:00:00:00:02");
    pp.isolated = true;
    policy_set(a, &pp);
    policy_set(b, &pp);
    expect_counted(&w, a, "dl_dst=02:00:00:00:00:02", 0, DP_DROP_ISOLATED);
    world_free(&w);
}

static void
test_drop_dhcp_guard(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);

    port_new(&w, "b", unit_vlan_access(1));
    pp.dhcp_guard = true;
    policy_set(a, &pp);
    expect_drop(&w, a, -1, "nw_proto=udp tp_src=67 tp_dst=68",
                DP_DROP_DHCP_GUARD);
    expect_drop(&w, a, -1, "nw_src=2001:db8::1 tp_src=547 tp_dst=546",
                DP_DROP_DHCP_GUARD);
    /* A client's request passes. */
    CU_ASSERT_EQUAL(trace(&w, a, -1, "tp_src=68 tp_dst=67"), DP_N_DROPS);
    world_free(&w);
}

static void
test_drop_ra_guard(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);

    port_new(&w, "b", unit_vlan_access(1));
    pp.ra_guard = true;
    policy_set(a, &pp);
    expect_drop(&w, a, -1, "nw_dst=ff02::1 nw_proto=icmpv6 tp_src=134",
                DP_DROP_RA_GUARD);
    /* An echo request passes. */
    CU_ASSERT_EQUAL(trace(&w, a, -1, "nw_dst=2001:db8::2 nw_proto=icmpv6"),
                    DP_N_DROPS);
    world_free(&w);
}

/* rate-out: a bucket of one 1000-byte frame.  Traces do not charge it: a
 * real frame after two traces still passes, and only then does a trace
 * say the next would be dropped. */
static void
test_drop_rate_out(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *b = port_new(&w, "b", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);

    pp.rate_out = (struct port_rate) { .bps = 8000000, .burst = 1000 };
    policy_set(a, &pp);
    CU_ASSERT_EQUAL(trace(&w, a, -1, "len=1000"), DP_N_DROPS);
    CU_ASSERT_EQUAL(trace(&w, a, -1, "len=1000"), DP_N_DROPS);
    push(a, -1, "len=1000");
    CU_ASSERT_EQUAL(n_sent(b), 1);
    expect_drop(&w, a, -1, "len=1000", DP_DROP_RATE_OUT);
    world_free(&w);
}

/* rate-in, on the output port: counted there, not on the input. */
static void
test_drop_rate_in(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *b = port_new(&w, "b", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(b);
    const struct dp_trace_rec *r;

    pp.rate_in = (struct port_rate) { .bps = 8000000, .burst = 1000 };
    policy_set(b, &pp);
    CU_ASSERT_EQUAL(trace(&w, a, -1, "len=1000"), DP_N_DROPS);
    CU_ASSERT_EQUAL(n_outputs(), 1);
    CU_ASSERT_EQUAL(trace(&w, a, -1, "len=1000"), DP_N_DROPS);
    push(a, -1, "len=1000");
    CU_ASSERT_EQUAL(n_sent(b), 1);
    CU_ASSERT_EQUAL(trace(&w, a, -1, "len=1000"), DP_N_DROPS);
    CU_ASSERT_EQUAL(n_outputs(), 0);
    r = rec_find(DP_TRACE_POLICY_OUT, b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->verdict, DP_DROP_RATE_IN);
    CU_ASSERT_EQUAL(r->a, DP_TRACE_COUNT_OUT);
    check_names(DP_DROP_RATE_IN);
    world_free(&w);
}

/* storm-limit 10/s: a bucket of 8 frames (the minimum). */
static void
test_drop_storm(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *b = port_new(&w, "b", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);

    pp.storm_limit = 10;
    policy_set(a, &pp);
    for (int i = 0; i < 7; i++) {
        push(a, -1, "");
    }
    CU_ASSERT_EQUAL(n_sent(b), 7);
    CU_ASSERT_EQUAL(trace(&w, a, -1, ""), DP_N_DROPS);
    CU_ASSERT_EQUAL(trace(&w, a, -1, ""), DP_N_DROPS);
    push(a, -1, "");
    CU_ASSERT_EQUAL(n_sent(b), 1);
    expect_drop(&w, a, -1, "", DP_DROP_STORM);
    world_free(&w);
}

/* mtu 500, on the way in and on the way out. */
static void
test_drop_mtu(void)
{
    struct world w = world_new();
    struct dp_port *a = port_new(&w, "a", unit_vlan_access(1));
    struct dp_port *b = port_new(&w, "b", unit_vlan_access(1));
    struct port_policy pp = *dp_port_policy(a);
    const struct dp_trace_rec *r;

    pp.mtu = 500;
    policy_set(a, &pp);
    CU_ASSERT_EQUAL(trace(&w, a, -1, "len=514"), DP_N_DROPS);
    expect_drop(&w, a, -1, "len=515", DP_DROP_MTU);
    /* From b to a: dropped at a's egress, counted on a. */
    CU_ASSERT_EQUAL(trace(&w, b, -1, "len=515"), DP_N_DROPS);
    r = rec_find(DP_TRACE_POLICY_OUT, a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->verdict, DP_DROP_MTU);
    CU_ASSERT_EQUAL(r->a, DP_TRACE_COUNT_OUT);
    world_free(&w);
}

/* Every reason the datapath counts is covered above or said to be
 * impossible for a traced frame: a new reason fails here until it gets a
 * test. */
static void
test_every_reason(void)
{
    static const enum dp_drop_reason covered[] = {
        DP_DROP_RUNT, DP_DROP_VLAN, DP_DROP_LOOP, DP_DROP_LEARN_QUEUE,
        DP_DROP_TX_ERROR, DP_DROP_TEAM_RX, DP_DROP_REFLECTION,
        DP_DROP_TEAM_DOWN, DP_DROP_LOCAL, DP_DROP_RX_OVERRUN,
        DP_DROP_LINK_LOCAL, DP_DROP_BAD_SRC, DP_DROP_SRC_CONFLICT,
        DP_DROP_DISABLED, DP_DROP_BPDU_GUARD, DP_DROP_SRC_MAC,
        DP_DROP_DST_MAC, DP_DROP_MAC_LIMIT, DP_DROP_MAC_LIMIT_FLOOD,
        DP_DROP_ISOLATED, DP_DROP_DHCP_GUARD, DP_DROP_RA_GUARD,
        DP_DROP_RATE_OUT, DP_DROP_RATE_IN, DP_DROP_STORM, DP_DROP_MTU,
        DP_DROP_LACP,
        DP_DROP_LACP_QUEUE,     /* Impossible in a trace (test_drop_lacp),
                                 * test-pipeline's. */
    };

    CU_ASSERT_EQUAL(ARRAY_SIZE(covered), DP_N_DROPS);
}

/* ---- The frame builder ---- */

static void
test_frame_builder(void)
{
    uint8_t buf[256];
    struct packet_info pi;
    char *args[2];
    char *msg = NULL;
    size_t len;

    len = frame("", buf, sizeof buf);
    CU_ASSERT_EQUAL(len, 60);
    CU_ASSERT_EQUAL(packet_parse(buf, len, false, 0, 0, &pi), 0);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_IPV4);
    CU_ASSERT(eth_addr_is_multicast(pi.eth_dst));
    packet_parse_l3(buf, len, &pi);
    CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_UDP);
    CU_ASSERT(pi.l4_present);

    len = frame("nw_dst=2001:db8::9 vlan=7 pcp=3 nw_proto=tcp tp_dst=80",
                buf, sizeof buf);
    CU_ASSERT_EQUAL(packet_parse(buf, len, false, 0, 0, &pi), 0);
    CU_ASSERT(pi.vlan_present);
    CU_ASSERT_EQUAL(pi.vlan_tci, 3 << 13 | 7);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_IPV6);
    packet_parse_l3(buf, len, &pi);
    CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_TCP);
    CU_ASSERT_EQUAL(pi.l4_dst, 80);

    len = frame("hex=0200000000020200:00000001.0800", buf, sizeof buf);
    CU_ASSERT_EQUAL(len, 14);
    CU_ASSERT_EQUAL(buf[13], 0x00);
    CU_ASSERT_EQUAL(buf[12], 0x08);

    /* Refusals name the field. */
    args[0] = "vlan=4096";
    CU_ASSERT_EQUAL(trace_frame_build(1, args, buf, sizeof buf, &len, &msg),
                    -EINVAL);
    CU_ASSERT_PTR_NOT_NULL(msg && strstr(msg, "vlan=4096"));
    g_free(msg);
    args[0] = "nw_src=198.18.0.1";
    args[1] = "nw_dst=2001:db8::1";
    CU_ASSERT_EQUAL(trace_frame_build(2, args, buf, sizeof buf, &len, &msg),
                    -EINVAL);
    g_free(msg);
    args[0] = "colour=red";
    CU_ASSERT_EQUAL(trace_frame_build(1, args, buf, sizeof buf, &len, &msg),
                    -EINVAL);
    CU_ASSERT_PTR_NOT_NULL(msg && strstr(msg, "colour"));
    g_free(msg);
}

int
main(void)
{
    static const CU_TestInfo tests[] = {
        { "frame builder", test_frame_builder },
        { "known unicast", test_known_unicast },
        { "flood", test_flood },
        { "trunk tagging", test_trunk_tagging },
        { "team member chosen as the real frame's", test_team_member },
        { "drop: runt", test_drop_runt },
        { "drop: vlan", test_drop_vlan },
        { "drop: loop", test_drop_loop },
        { "drop: team-rx", test_drop_team_rx },
        { "drop: reflection", test_drop_reflection },
        { "drop: team-down", test_drop_team_down },
        { "drop: local", test_drop_local },
        { "drop: link-local", test_drop_link_local },
        { "drop: lacp", test_drop_lacp },
        { "drop: bad-src", test_drop_bad_src },
        { "drop: src-conflict", test_drop_src_conflict },
        { "drop: disabled", test_drop_disabled },
        { "drop: bpdu-guard", test_drop_bpdu_guard },
        { "drop: src-mac", test_drop_src_mac },
        { "drop: dst-mac", test_drop_dst_mac },
        { "drop: mac-limit", test_drop_mac_limit },
        { "drop: mac-limit-flood", test_drop_mac_limit_flood },
        { "drop: isolated", test_drop_isolated },
        { "drop: dhcp-guard", test_drop_dhcp_guard },
        { "drop: ra-guard", test_drop_ra_guard },
        { "drop: rate-out", test_drop_rate_out },
        { "drop: rate-in", test_drop_rate_in },
        { "drop: storm", test_drop_storm },
        { "drop: mtu", test_drop_mtu },
        { "every drop reason covered", test_every_reason },
        CU_TEST_INFO_NULL,
    };

    return unit_run_suite("dp-trace", suite_init, suite_clean, tests);
}
