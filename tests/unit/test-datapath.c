#include <autoconf.h>
#include "datapath.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>
#include "datapath-private.h"
#include "rcu.h"
#include "unit.h"

#define N_PORTS 3000

static struct datapath *dp;

static int
suite_init(void)
{
    vs_rcu_init();
    rcu_register_thread();
    dp = datapath_create(&(struct datapath_options) { .n_threads = 2 });
    return dp ? 0 : -1;
}

static int
suite_clean(void)
{
    datapath_destroy(dp);
    rcu_unregister_thread();
    return 0;
}

static void
port_name(char name[16], int i)
{
    snprintf(name, 16, "vsw-p%d", i);
}

/* Applying thousands of ports in a transaction publishes one snapshot
 * (O(N) work, not one O(N) snapshot per port), and every port is found
 * by its number. */
static void
test_txn_publishes_once(void)
{
    struct dp_port_settings s = { .mode = VLAN_MODE_ACCESS, .vlan = 10 };
    static struct dp_port *ports[N_PORTS];
    static uint32_t nos[N_PORTS];
    struct dp_bridge *br;
    uint64_t gen;

    br = datapath_bridge_create(dp, "br0", 1024, 300);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);

    gen = datapath_snapshot_gen(dp);
    datapath_txn_begin(dp);
    for (int i = 0; i < N_PORTS; i++) {
        char name[16];

        port_name(name, i);
        ports[i] = datapath_port_add(dp, br, name, &s);
        CU_ASSERT_PTR_NOT_NULL_FATAL(ports[i]);
    }
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen);
    datapath_txn_commit(dp);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen + 1);
    for (int i = 0; i < N_PORTS; i++) {
        nos[i] = dp_port_no(ports[i]);
        CU_ASSERT_PTR_EQUAL(datapath_find_port(dp, nos[i]), ports[i]);
    }

    /* Removing half and changing the others: once again. */
    datapath_txn_begin(dp);
    for (int i = 0; i < N_PORTS; i++) {
        if (i % 2) {
            datapath_port_remove(dp, ports[i]);
        } else {
            s.vlan = 20;
            datapath_port_set(dp, ports[i], &s);
        }
    }
    datapath_txn_commit(dp);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen + 2);
    for (int i = 0; i < N_PORTS; i++) {
        if (i % 2) {
            CU_ASSERT_PTR_NULL(datapath_find_port(dp, nos[i]));
        } else {
            CU_ASSERT_PTR_EQUAL(datapath_find_port(dp, nos[i]), ports[i]);
        }
    }

    /* Outside a transaction, each change is published at once. */
    datapath_port_remove(dp, ports[0]);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen + 3);

    /* Transactions nest: the outermost commit publishes. */
    datapath_txn_begin(dp);
    datapath_txn_begin(dp);
    for (int i = 2; i < N_PORTS; i += 2) {
        datapath_port_remove(dp, ports[i]);
    }
    datapath_txn_commit(dp);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen + 3);
    /* Destroying the bridge publishes what is pending first (the
     * snapshot must not refer to its ports any more). */
    datapath_bridge_destroy(dp, br);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen + 4);
    datapath_txn_commit(dp);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen + 4);
}

/* A transaction with nothing in it publishes nothing. */
static void
test_empty_txn(void)
{
    uint64_t gen = datapath_snapshot_gen(dp);

    datapath_txn_begin(dp);
    datapath_txn_commit(dp);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen);
}

/* The published view of 'p' and its bridge's range, read as the datapath
 * threads read them. */
static const struct dp_view *
published(const struct dp_port *p, uint32_t *first, uint32_t *count)
{
    const struct dp_entry *e;

    rcu_read_lock();
    e = dp_snapshot_entry_of(rcu_dereference(dp->snap), p);
    if (e) {
        *first = e->first;
        *count = e->count;
    }
    rcu_read_unlock();
    return e ? e->view : NULL;
}

/* A publication keeps the views of the ports that did not change: adding a
 * port copies no other port's view (what kept add-port O(ports)), and a
 * changed port gets a new view that says so.  The bridges' ranges follow
 * the ports, a second bridge's kept apart. */
static void
test_unchanged_views_kept(void)
{
    struct dp_port_settings s = { .mode = VLAN_MODE_ACCESS, .vlan = 10 };
    const struct dp_view *va, *vb, *vx;
    struct dp_bridge *br, *br2;
    struct dp_port *a, *b, *c, *x;
    uint32_t first, count;

    br = datapath_bridge_create(dp, "br1", 1024, 300);
    br2 = datapath_bridge_create(dp, "br2", 1024, 300);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br2);
    a = datapath_port_add(dp, br, "vsw-a", &s);
    x = datapath_port_add(dp, br2, "vsw-x", &s);
    b = datapath_port_add(dp, br, "vsw-b", &s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    va = published(a, &first, &count);
    vb = published(b, &first, &count);
    vx = published(x, &first, &count);
    CU_ASSERT_PTR_NOT_NULL_FATAL(va);
    CU_ASSERT_PTR_NOT_NULL_FATAL(vb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(vx);
    CU_ASSERT_EQUAL(count, 1);

    c = datapath_port_add(dp, br, "vsw-c", &s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_EQUAL(published(a, &first, &count), va);
    CU_ASSERT_EQUAL(count, 3);
    CU_ASSERT_PTR_EQUAL(published(b, &first, &count), vb);
    CU_ASSERT_PTR_EQUAL(published(x, &first, &count), vx);
    CU_ASSERT_EQUAL(count, 1);
    CU_ASSERT_PTR_NOT_NULL(published(c, &first, &count));
    CU_ASSERT_EQUAL(count, 3);

    s.vlan = 20;
    CU_ASSERT_EQUAL(datapath_port_set(dp, a, &s), 0);
    va = published(a, &first, &count);
    CU_ASSERT_PTR_NOT_NULL_FATAL(va);
    CU_ASSERT_TRUE(vlan_port_carries(&va->vlan, 20));
    CU_ASSERT_FALSE(vlan_port_carries(&va->vlan, 10));
    CU_ASSERT_PTR_EQUAL(published(b, &first, &count), vb);

    /* A policy change too: the port disabled is blocked in its view. */
    {
        struct port_policy pp = *dp_port_policy(b);

        pp.enabled = false;
        CU_ASSERT_EQUAL(datapath_port_set_policy(dp, b, &pp), 0);
        CU_ASSERT_PTR_NOT_EQUAL(published(b, &first, &count), vb);
        vb = published(b, &first, &count);
        CU_ASSERT_TRUE(vb->blocked);
        CU_ASSERT_PTR_EQUAL(published(a, &first, &count), va);
    }

    datapath_port_remove(dp, b);
    CU_ASSERT_PTR_NULL(published(b, &first, &count));
    CU_ASSERT_PTR_EQUAL(published(a, &first, &count), va);
    CU_ASSERT_EQUAL(count, 2);

    datapath_txn_begin(dp);
    datapath_port_remove(dp, a);
    datapath_port_remove(dp, c);
    datapath_port_remove(dp, x);
    datapath_txn_commit(dp);
    datapath_bridge_destroy(dp, br2);
    datapath_bridge_destroy(dp, br);
}

static const CU_TestInfo tests[] = {
    { "a transaction publishes once", test_txn_publishes_once },
    { "an empty transaction publishes nothing", test_empty_txn },
    { "a publication keeps unchanged ports' views",
      test_unchanged_views_kept },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("datapath", suite_init, suite_clean, tests);
}
