/* The datapath refuses a change it has no memory for and stays as it was;
 * it never aborts (issue 8, item 7).
 *
 * This program replaces calloc() to make the Nth call from this thread
 * fail; every other call goes to the C library's.  Under AddressSanitizer
 * or ThreadSanitizer, whose allocators own calloc() (memory from the C
 * library's would reach their free()), the replacement is left out and the
 * tests say so. */
#include <autoconf.h>
#include "datapath.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "rcu.h"
#include "unit.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NOMEM_INJECT 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NOMEM_INJECT 0
#endif
#endif
#ifndef NOMEM_INJECT
#define NOMEM_INJECT 1
#endif

static struct datapath *dp;
static struct dp_bridge *br;

#if NOMEM_INJECT
void *__libc_calloc(size_t, size_t);

static pthread_t fail_thread;   /* The thread whose calls may fail. */
static int fail_countdown;      /* Its Nth calloc() from now fails; 0:
                                 * none. */
static int fail_count;          /* callocs failed so far. */

void *
calloc(size_t n, size_t size)
{
    if (fail_countdown && pthread_equal(pthread_self(), fail_thread)
        && !--fail_countdown) {
        fail_count++;
        return NULL;
    }
    return __libc_calloc(n, size);
}

/* Makes this thread's 'nth' calloc() from now on fail. */
static void
fail_calloc(int nth)
{
    fail_thread = pthread_self();
    fail_countdown = nth;
}
#endif

static int
suite_init(void)
{
    vs_rcu_init();
    rcu_register_thread();
    dp = datapath_create(&(struct datapath_options) { .n_threads = 1 });
    br = dp ? datapath_bridge_create(dp, "br0", 1024, 300) : NULL;
    return br ? 0 : -1;
}

static int
suite_clean(void)
{
    datapath_destroy(dp);
    rcu_unregister_thread();
    return 0;
}

#if NOMEM_INJECT
static const struct dp_port_settings access10 = {
    .mode = VLAN_MODE_ACCESS, .vlan = 10,
};
#endif

/* Adding a port whose snapshot cannot be allocated (the second calloc:
 * the first is the port) returns NULL and leaves no trace: no snapshot,
 * no port under the number it had. */
static void
test_port_add(void)
{
#if NOMEM_INJECT
    struct dp_port *a, *b;
    uint64_t gen;

    a = datapath_port_add(dp, br, "vsw-a", &access10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    gen = datapath_snapshot_gen(dp);
    fail_calloc(2);
    CU_ASSERT_PTR_NULL(datapath_port_add(dp, br, "vsw-b", &access10));
    CU_ASSERT_EQUAL(fail_count, 1);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen);
    CU_ASSERT_PTR_NULL(datapath_find_port(dp, dp_port_no(a) + 1));

    b = datapath_port_add(dp, br, "vsw-b", &access10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen + 1);
    CU_ASSERT_PTR_EQUAL(datapath_find_port(dp, dp_port_no(b)), b);
    datapath_port_remove(dp, a);
    datapath_port_remove(dp, b);
#else
    printf("(calloc() not replaced under a sanitizer) ");
#endif
}

/* A VLAN change that cannot be published is refused; the next one
 * goes through. */
static void
test_port_set(void)
{
#if NOMEM_INJECT
    struct dp_port_settings trunk = { .mode = VLAN_MODE_ALL };
    struct dp_port *p = datapath_port_add(dp, br, "vsw-c", &access10);
    uint64_t gen;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    gen = datapath_snapshot_gen(dp);
    fail_calloc(1);
    CU_ASSERT_EQUAL(datapath_port_set(dp, p, &trunk), -ENOMEM);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen);
    CU_ASSERT_EQUAL(datapath_port_set(dp, p, &trunk), 0);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen + 1);
    datapath_port_remove(dp, p);
#else
    printf("(calloc() not replaced under a sanitizer) ");
#endif
}

/* Detaching a device allocates nothing of its own: when even the snapshot
 * fails, the device stays in use until the next publication. */
static void
test_detach(void)
{
#if NOMEM_INJECT
    static const uint8_t mac[ETH_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 1 };
    struct dp_port *p = datapath_port_add(dp, br, "vsw-d", &access10);
    uint64_t gen;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL_FATAL(datapath_port_attach_memory(dp, p, 900001, mac),
                          0);
    gen = datapath_snapshot_gen(dp);
    fail_calloc(1);
    datapath_port_detach(dp, p);
    CU_ASSERT_FALSE(dp_port_is_attached(p));
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen);
    datapath_port_remove(dp, p);
    CU_ASSERT_EQUAL(datapath_snapshot_gen(dp), gen + 1);
#else
    printf("(calloc() not replaced under a sanitizer) ");
#endif
}

/* A team map that cannot be allocated is refused; the previous one stays
 * published. */
static void
test_team_publish(void)
{
#if NOMEM_INJECT
    struct dp_team_map_desc d;
    uint64_t published, first_use, published2;
    struct dp_port *t = datapath_team_add(dp, br, "vsw-t", &access10);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    memset(&d, 0, sizeof d);
    d.policy = TEAM_POLICY_SRC_PORT;
    d.designated = d.active = TEAM_NONE;
    memset(d.bucket, TEAM_NONE, sizeof d.bucket);
    datapath_set_clock(dp, 1000);
    CU_ASSERT_EQUAL(datapath_team_publish(dp, t, &d), 0);
    dp_team_map_times(t, &published, &first_use);
    CU_ASSERT_EQUAL(published, 1000);

    datapath_set_clock(dp, 2000);
    fail_calloc(1);
    CU_ASSERT_EQUAL(datapath_team_publish(dp, t, &d), -ENOMEM);
    dp_team_map_times(t, &published2, &first_use);
    CU_ASSERT_EQUAL(published2, 1000);
    datapath_set_clock(dp, 0);
    datapath_port_remove(dp, t);
#else
    printf("(calloc() not replaced under a sanitizer) ");
#endif
}

static const CU_TestInfo tests[] = {
    { "a port add that cannot be published", test_port_add },
    { "a VLAN change that cannot be published", test_port_set },
    { "a detach that cannot be published", test_detach },
    { "a team map that cannot be allocated", test_team_publish },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("datapath-nomem", suite_init, suite_clean, tests);
}
