#include <autoconf.h>
#include "datapath.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>
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

static const CU_TestInfo tests[] = {
    { "a transaction publishes once", test_txn_publishes_once },
    { "an empty transaction publishes nothing", test_empty_txn },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("datapath", suite_init, suite_clean, tests);
}
