/* unit-dp: what the unit tests of the datapath's pipeline share
 * (test-pipeline.c, test-dp-policy.c, test-dp-trace.c).
 *
 * Header only, every helper 'static inline', like unit.h:
 *
 *   - unit_dp_create(), unit_dp_destroy(): a datapath of one thread, on
 *     the test clock set to 'now_usec', with the calling thread registered
 *     with RCU (a suite's init and clean).
 *   - unit_vlan_access(), unit_vlan_trunk(): a port's VLAN settings. */
#ifndef VSWITCH_TESTS_UNIT_DP_H
#define VSWITCH_TESTS_UNIT_DP_H 1

#include <CUnit/Basic.h>
#include <stdint.h>
#include "datapath.h"
#include "rcu.h"
#include "vlan.h"

/* Returns a datapath of one thread whose clock reads 'now_usec', or NULL
 * (the suite's init then fails). */
static inline struct datapath *
unit_dp_create(uint64_t now_usec)
{
    struct datapath *dp;

    vs_rcu_init();
    rcu_register_thread();
    dp = datapath_create(&(struct datapath_options) { .n_threads = 1 });
    if (dp) {
        datapath_set_clock(dp, now_usec);
    }
    return dp;
}

static inline void
unit_dp_destroy(struct datapath *dp)
{
    datapath_destroy(dp);
    rcu_unregister_thread();
}

static inline struct dp_port_settings
unit_vlan_access(uint16_t vid)
{
    return (struct dp_port_settings) { .mode = VLAN_MODE_ACCESS,
                                       .vlan = vid };
}

/* A trunk of 'trunks' ("10,20-30"), with native VLAN 'native' (0: none). */
static inline struct dp_port_settings
unit_vlan_trunk(const char *trunks, uint16_t native)
{
    struct dp_port_settings s = { .mode = VLAN_MODE_TRUNK, .native = native };
    char err[128];

    CU_ASSERT_EQUAL_FATAL(vlan_bitmap_parse(trunks, &s.trunks, err,
                                            sizeof err), 0);
    return s;
}

#endif /* unit-dp.h */
