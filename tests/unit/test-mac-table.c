#include <autoconf.h>
#include "mac-table.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "rcu.h"
#include "util.h"

/* Test MACs are locally administered unicast addresses 02:00:ii:ii:ii:ii. */
static void
mac_from_index(uint32_t i, uint8_t mac[ETH_ADDR_LEN])
{
    mac[0] = 0x02;
    mac[1] = 0x00;
    mac[2] = i >> 24;
    mac[3] = i >> 16;
    mac[4] = i >> 8;
    mac[5] = i;
}

/* The index of a MAC made by mac_from_index(). */
static uint32_t
mac_to_index(const uint8_t mac[ETH_ADDR_LEN])
{
    return ((uint32_t) mac[2] << 24) | ((uint32_t) mac[3] << 16)
           | ((uint32_t) mac[4] << 8) | mac[5];
}

#define NO_PORT UINT32_MAX

/* The port ('vlan', MAC #'i') is on, or NO_PORT. */
static uint32_t
port_of(const struct mac_table *t, uint16_t vlan, uint32_t i)
{
    uint8_t mac[ETH_ADDR_LEN];
    struct mac_entry *e;
    uint32_t port;

    mac_from_index(i, mac);
    rcu_read_lock();
    e = mac_table_lookup_rcu(t, vlan, mac);
    port = e ? e->port_no : NO_PORT;
    rcu_read_unlock();
    return port;
}

/* Last-seen time of ('vlan', MAC #'i'), which must exist. */
static uint32_t
used_of(const struct mac_table *t, uint16_t vlan, uint32_t i)
{
    uint8_t mac[ETH_ADDR_LEN];
    struct mac_entry *e;
    uint32_t used = 0;

    mac_from_index(i, mac);
    rcu_read_lock();
    e = mac_table_lookup_rcu(t, vlan, mac);
    CU_ASSERT_PTR_NOT_NULL(e);
    if (e) {
        used = CMM_LOAD_SHARED(e->used);
    }
    rcu_read_unlock();
    return used;
}

static bool
is_static_entry(const struct mac_table *t, uint16_t vlan, uint32_t i)
{
    uint8_t mac[ETH_ADDR_LEN];
    struct mac_entry *e;
    bool is_static;

    mac_from_index(i, mac);
    rcu_read_lock();
    e = mac_table_lookup_rcu(t, vlan, mac);
    is_static = e && e->is_static;
    rcu_read_unlock();
    return is_static;
}

static enum mac_learn_result
learn(struct mac_table *t, uint16_t vlan, uint32_t i, uint32_t port,
      uint32_t now)
{
    uint8_t mac[ETH_ADDR_LEN];

    mac_from_index(i, mac);
    return mac_table_learn(t, vlan, mac, port, now);
}

static int
add_static(struct mac_table *t, uint16_t vlan, uint32_t i, uint32_t port)
{
    uint8_t mac[ETH_ADDR_LEN];

    mac_from_index(i, mac);
    return mac_table_add_static(t, vlan, mac, port);
}

static int
del(struct mac_table *t, uint16_t vlan, uint32_t i)
{
    uint8_t mac[ETH_ADDR_LEN];

    mac_from_index(i, mac);
    return mac_table_del(t, vlan, mac);
}

static struct mac_table_stats
stats_of(const struct mac_table *t)
{
    struct mac_table_stats s;

    mac_table_get_stats(t, &s);
    return s;
}

static void
test_create_defaults(void)
{
    struct mac_table *t = mac_table_create(MAC_TABLE_DEFAULT_SIZE,
                                           MAC_TABLE_DEFAULT_AGING);
    struct mac_table_stats s;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(mac_table_get_max(t), MAC_TABLE_DEFAULT_SIZE);
    CU_ASSERT_EQUAL(mac_table_get_aging(t), MAC_TABLE_DEFAULT_AGING);
    CU_ASSERT_EQUAL(mac_table_count(t), 0);
    s = stats_of(t);
    CU_ASSERT_EQUAL(s.learned + s.moved + s.aged + s.full_drops + s.flushed,
                    0);
    mac_table_set_max(t, 10);
    mac_table_set_aging(t, 20);
    CU_ASSERT_EQUAL(mac_table_get_max(t), 10);
    CU_ASSERT_EQUAL(mac_table_get_aging(t), 20);
    mac_table_destroy(t);
    mac_table_destroy(NULL);
}

static void
test_learn_lookup(void)
{
    struct mac_table *t = mac_table_create(100, 300);
    uint8_t mac[ETH_ADDR_LEN];
    struct mac_entry *e;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(learn(t, 10, 1, 3, 1000), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 10, 2, 4, 1000), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(mac_table_count(t), 2);
    CU_ASSERT_EQUAL(stats_of(t).learned, 2);

    mac_from_index(1, mac);
    rcu_read_lock();
    e = mac_table_lookup_rcu(t, 10, mac);
    CU_ASSERT_PTR_NOT_NULL(e);
    if (e) {
        CU_ASSERT_EQUAL(memcmp(e->mac, mac, ETH_ADDR_LEN), 0);
        CU_ASSERT_EQUAL(e->vlan, 10);
        CU_ASSERT_EQUAL(e->port_no, 3);
        CU_ASSERT_FALSE(e->is_static);
        CU_ASSERT_EQUAL(e->used, 1000);
    }
    rcu_read_unlock();

    CU_ASSERT_EQUAL(port_of(t, 10, 2), 4);
    CU_ASSERT_EQUAL(port_of(t, 10, 3), NO_PORT);    /* Never learned. */
    CU_ASSERT_EQUAL(port_of(t, 11, 1), NO_PORT);    /* Other VLAN. */

    CU_ASSERT_EQUAL(del(t, 10, 1), 0);
    CU_ASSERT_EQUAL(del(t, 10, 1), -ENOENT);
    CU_ASSERT_EQUAL(port_of(t, 10, 1), NO_PORT);
    CU_ASSERT_EQUAL(port_of(t, 10, 2), 4);
    CU_ASSERT_EQUAL(mac_table_count(t), 1);
    mac_table_destroy(t);
}

static void
test_vlan_separation(void)
{
    struct mac_table *t = mac_table_create(100, 300);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(learn(t, 10, 7, 1, 1000), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 20, 7, 2, 1000), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(mac_table_count(t), 2);
    CU_ASSERT_EQUAL(port_of(t, 10, 7), 1);
    CU_ASSERT_EQUAL(port_of(t, 20, 7), 2);

    /* Learning in one VLAN does not move the other VLAN's entry. */
    CU_ASSERT_EQUAL(learn(t, 20, 7, 3, 1001), MAC_LEARN_MOVED);
    CU_ASSERT_EQUAL(port_of(t, 10, 7), 1);
    CU_ASSERT_EQUAL(port_of(t, 20, 7), 3);

    CU_ASSERT_EQUAL(del(t, 10, 7), 0);
    CU_ASSERT_EQUAL(port_of(t, 10, 7), NO_PORT);
    CU_ASSERT_EQUAL(port_of(t, 20, 7), 3);
    CU_ASSERT_EQUAL(mac_table_count(t), 1);
    mac_table_destroy(t);
}

static void
test_move(void)
{
    struct mac_table *t = mac_table_create(100, 300);
    uint8_t mac[ETH_ADDR_LEN];
    struct mac_entry *before, *after;
    struct mac_table_stats s;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    mac_from_index(5, mac);
    CU_ASSERT_EQUAL(learn(t, 1, 5, 1, 1000), MAC_LEARN_NEW);
    rcu_read_lock();
    before = mac_table_lookup_rcu(t, 1, mac);
    CU_ASSERT_EQUAL(learn(t, 1, 5, 2, 1010), MAC_LEARN_MOVED);
    after = mac_table_lookup_rcu(t, 1, mac);
    CU_ASSERT_PTR_NOT_NULL(after);
    /* A move publishes a new entry: the one a reader holds is unchanged. */
    CU_ASSERT_PTR_NOT_EQUAL(before, after);
    CU_ASSERT_EQUAL(before->port_no, 1);
    if (after) {
        CU_ASSERT_EQUAL(after->port_no, 2);
        CU_ASSERT_EQUAL(after->used, 1010);
    }
    rcu_read_unlock();

    CU_ASSERT_EQUAL(port_of(t, 1, 5), 2);
    CU_ASSERT_EQUAL(mac_table_count(t), 1);
    s = stats_of(t);
    CU_ASSERT_EQUAL(s.learned, 1);
    CU_ASSERT_EQUAL(s.moved, 1);

    /* And back again. */
    CU_ASSERT_EQUAL(learn(t, 1, 5, 1, 1020), MAC_LEARN_MOVED);
    CU_ASSERT_EQUAL(port_of(t, 1, 5), 1);
    CU_ASSERT_EQUAL(stats_of(t).moved, 2);
    CU_ASSERT_EQUAL(mac_table_count(t), 1);
    mac_table_destroy(t);
}

static void
test_refresh(void)
{
    struct mac_table *t = mac_table_create(100, 300);
    uint8_t mac[ETH_ADDR_LEN];
    struct mac_entry *before, *after;
    struct mac_table_stats s;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    mac_from_index(9, mac);
    CU_ASSERT_EQUAL(learn(t, 1, 9, 4, 100), MAC_LEARN_NEW);
    rcu_read_lock();
    before = mac_table_lookup_rcu(t, 1, mac);
    rcu_read_unlock();

    CU_ASSERT_EQUAL(learn(t, 1, 9, 4, 150), MAC_LEARN_REFRESHED);
    CU_ASSERT_EQUAL(used_of(t, 1, 9), 150);
    rcu_read_lock();
    after = mac_table_lookup_rcu(t, 1, mac);
    /* A refresh updates the entry in place. */
    CU_ASSERT_PTR_EQUAL(before, after);

    /* The datapath's touch does the same. */
    mac_entry_touch_rcu(after, 170);
    rcu_read_unlock();
    CU_ASSERT_EQUAL(used_of(t, 1, 9), 170);

    s = stats_of(t);
    CU_ASSERT_EQUAL(s.learned, 1);
    CU_ASSERT_EQUAL(s.moved, 0);
    CU_ASSERT_EQUAL(mac_table_count(t), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 9), 4);
    mac_table_destroy(t);
}

static void
test_static(void)
{
    struct mac_table *t = mac_table_create(3, 300);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(add_static(t, 1, 1, 3), 0);
    CU_ASSERT_EQUAL(mac_table_count(t), 1);
    CU_ASSERT_TRUE(is_static_entry(t, 1, 1));
    CU_ASSERT_EQUAL(port_of(t, 1, 1), 3);

    /* Not moved (nor refreshed) by learning. */
    CU_ASSERT_EQUAL(learn(t, 1, 1, 4, 1000), MAC_LEARN_STATIC);
    CU_ASSERT_EQUAL(learn(t, 1, 1, 3, 1000), MAC_LEARN_STATIC);
    CU_ASSERT_EQUAL(port_of(t, 1, 1), 3);
    CU_ASSERT_EQUAL(stats_of(t).moved, 0);
    CU_ASSERT_EQUAL(stats_of(t).learned, 0);

    /* Not aged, however old. */
    CU_ASSERT_EQUAL(mac_table_age(t, UINT32_MAX / 2), 0);
    CU_ASSERT_EQUAL(port_of(t, 1, 1), 3);

    /* Re-adding with another port replaces it; adding the same is a
     * no-op. */
    CU_ASSERT_EQUAL(add_static(t, 1, 1, 5), 0);
    CU_ASSERT_EQUAL(add_static(t, 1, 1, 5), 0);
    CU_ASSERT_EQUAL(port_of(t, 1, 1), 5);
    CU_ASSERT_EQUAL(mac_table_count(t), 1);

    /* Static entries count toward the limit. */
    CU_ASSERT_EQUAL(add_static(t, 1, 2, 5), 0);
    CU_ASSERT_EQUAL(learn(t, 1, 3, 6, 1000), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(mac_table_count(t), 3);
    CU_ASSERT_EQUAL(learn(t, 1, 4, 6, 1000), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(add_static(t, 1, 4, 6), -ENOSPC);
    CU_ASSERT_EQUAL(port_of(t, 1, 4), NO_PORT);
    /* ...but a dynamic entry already there can be made static when full. */
    CU_ASSERT_EQUAL(add_static(t, 1, 3, 7), 0);
    CU_ASSERT_TRUE(is_static_entry(t, 1, 3));
    CU_ASSERT_EQUAL(port_of(t, 1, 3), 7);
    CU_ASSERT_EQUAL(mac_table_count(t), 3);

    /* Flushes leave static entries alone unless told otherwise. */
    CU_ASSERT_EQUAL(mac_table_flush(t, MAC_VLAN_ANY, MAC_PORT_ANY, false), 0);
    CU_ASSERT_EQUAL(mac_table_count(t), 3);

    /* Deleted by del. */
    CU_ASSERT_EQUAL(del(t, 1, 2), 0);
    CU_ASSERT_EQUAL(port_of(t, 1, 2), NO_PORT);
    CU_ASSERT_EQUAL(mac_table_count(t), 2);

    CU_ASSERT_EQUAL(mac_table_flush(t, MAC_VLAN_ANY, MAC_PORT_ANY, true), 2);
    CU_ASSERT_EQUAL(mac_table_count(t), 0);
    CU_ASSERT_EQUAL(port_of(t, 1, 1), NO_PORT);
    CU_ASSERT_EQUAL(stats_of(t).flushed, 2);
    mac_table_destroy(t);
}

static void
test_limit(void)
{
    struct mac_table *t = mac_table_create(4, 300);
    struct mac_table_stats s;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (uint32_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(learn(t, 1, i, 1, 1000), MAC_LEARN_NEW);
    }
    CU_ASSERT_EQUAL(learn(t, 1, 4, 1, 1000), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(learn(t, 2, 0, 1, 1000), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(learn(t, 1, 5, 1, 1001), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(mac_table_count(t), 4);
    CU_ASSERT_EQUAL(port_of(t, 1, 4), NO_PORT);
    CU_ASSERT_EQUAL(port_of(t, 2, 0), NO_PORT);
    s = stats_of(t);
    CU_ASSERT_EQUAL(s.full_drops, 3);
    CU_ASSERT_EQUAL(s.learned, 4);

    /* Known stations still refresh and move, and nobody was evicted: the
     * only port with entries holds no more than its fair share (all of
     * them). */
    CU_ASSERT_EQUAL(stats_of(t).evicted, 0);
    CU_ASSERT_EQUAL(learn(t, 1, 0, 1, 1100), MAC_LEARN_REFRESHED);
    CU_ASSERT_EQUAL(learn(t, 1, 1, 2, 1100), MAC_LEARN_MOVED);
    CU_ASSERT_EQUAL(port_of(t, 1, 1), 2);
    for (uint32_t i = 0; i < 4; i++) {
        CU_ASSERT_NOT_EQUAL(port_of(t, 1, i), NO_PORT);
    }
    CU_ASSERT_EQUAL(mac_table_count(t), 4);
    CU_ASSERT_EQUAL(stats_of(t).full_drops, 3);

    /* Room again after a removal. */
    CU_ASSERT_EQUAL(del(t, 1, 3), 0);
    CU_ASSERT_EQUAL(learn(t, 1, 4, 1, 1200), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(port_of(t, 1, 4), 1);
    /* Ports 1 (3 entries) and 2 (1): 3 is over a fair share of 4 / 2, so
     * port 1 makes room for a newcomer on port 2... */
    CU_ASSERT_EQUAL(learn(t, 1, 5, 2, 1200), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 1);
    /* ...and then each holds its share: full, refused. */
    CU_ASSERT_EQUAL(learn(t, 1, 6, 1, 1200), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(learn(t, 1, 6, 2, 1200), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(stats_of(t).full_drops, 5);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 1);
    CU_ASSERT_EQUAL(mac_table_count(t), 4);
    mac_table_destroy(t);
}

/* Sets the last-seen time of ('vlan', MAC #'i') as the datapath would. */
static void
touch(struct mac_table *t, uint16_t vlan, uint32_t i, uint32_t now)
{
    uint8_t mac[ETH_ADDR_LEN];
    struct mac_entry *e;

    mac_from_index(i, mac);
    rcu_read_lock();
    e = mac_table_lookup_rcu(t, vlan, mac);
    CU_ASSERT_PTR_NOT_NULL(e);
    if (e) {
        mac_entry_touch_rcu(e, now);
    }
    rcu_read_unlock();
}

/* A full table makes room for a newcomer by evicting the least recently
 * used dynamic entry of the port holding the most, when that port holds
 * more than its fair share (size / ports with entries, the newcomer's port
 * included); otherwise it refuses. */
static void
test_evict_fair(void)
{
    struct mac_table *t = mac_table_create(6, 300);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    /* Port 1 (a flooder) holds 4, port 2 holds 2. */
    for (uint32_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(learn(t, 1, i, 1, 1000 + i), MAC_LEARN_NEW);
    }
    CU_ASSERT_EQUAL(learn(t, 1, 4, 2, 1000), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 1, 5, 2, 1000), MAC_LEARN_NEW);
    touch(t, 1, 0, 1100);       /* #0 is in use; #1 is the oldest now. */

    /* A new VM on port 3: port 1 is over its share (4 > 6 / 3), port 2 is
     * not (2): port 1's least recently used entry goes. */
    CU_ASSERT_EQUAL(learn(t, 1, 6, 3, 1200), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(port_of(t, 1, 6), 3);
    CU_ASSERT_EQUAL(port_of(t, 1, 1), NO_PORT);
    CU_ASSERT_EQUAL(port_of(t, 1, 0), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 4), 2);
    CU_ASSERT_EQUAL(port_of(t, 1, 5), 2);
    CU_ASSERT_EQUAL(mac_table_count(t), 6);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 1);
    CU_ASSERT_EQUAL(stats_of(t).full_drops, 0);

    /* Port 1 still holds 3 > 2: it gives up #2, the oldest left. */
    CU_ASSERT_EQUAL(learn(t, 1, 7, 3, 1201), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(port_of(t, 1, 2), NO_PORT);
    CU_ASSERT_EQUAL(port_of(t, 1, 0), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 3), 1);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 2);

    /* 2, 2, 2: every port within its share (6 / 3); refused and
     * counted. */
    CU_ASSERT_EQUAL(learn(t, 1, 8, 3, 1202), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(learn(t, 1, 8, 1, 1202), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(stats_of(t).full_drops, 2);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 2);
    CU_ASSERT_EQUAL(mac_table_count(t), 6);

    /* A fourth port's share is 6 / 4: the others' 2 are over it. */
    CU_ASSERT_EQUAL(learn(t, 1, 8, 4, 1203), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(port_of(t, 1, 8), 4);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 3);
    CU_ASSERT_EQUAL(mac_table_count(t), 6);
    mac_table_destroy(t);
}

/* A flood from one port churns only that port's entries. */
static void
test_evict_own_flood(void)
{
    struct mac_table *t = mac_table_create(4, 300);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(learn(t, 1, 100, 2, 1000), MAC_LEARN_NEW);
    for (uint32_t i = 0; i < 50; i++) {
        enum mac_learn_result r = learn(t, 1, i, 1, 1000 + i);
        CU_ASSERT(r == MAC_LEARN_NEW);
    }
    CU_ASSERT_EQUAL(port_of(t, 1, 100), 2);
    CU_ASSERT_EQUAL(port_of(t, 1, 49), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 48), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 47), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 46), NO_PORT);
    CU_ASSERT_EQUAL(mac_table_count(t), 4);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 47);
    CU_ASSERT_EQUAL(stats_of(t).full_drops, 0);

    /* A whole table taken by one port (after a flush, say) still makes
     * room for a newcomer elsewhere. */
    CU_ASSERT_EQUAL(mac_table_flush(t, MAC_VLAN_ANY, 2, false), 1);
    CU_ASSERT_EQUAL(learn(t, 1, 50, 1, 2000), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 1, 51, 1, 2000), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(learn(t, 1, 101, 2, 2001), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(port_of(t, 1, 101), 2);
    mac_table_destroy(t);
}

/* Static entries are never evicted and hold no share; moves and removals
 * keep each port's count right. */
static void
test_evict_static_and_moves(void)
{
    struct mac_table *t = mac_table_create(4, 300);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (uint32_t i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(add_static(t, 1, i, 1), 0);
    }
    CU_ASSERT_EQUAL(learn(t, 1, 3, 1, 1000), MAC_LEARN_NEW);
    /* Port 1's one dynamic entry is within its share (4 / 2). */
    CU_ASSERT_EQUAL(learn(t, 1, 4, 2, 1000), MAC_LEARN_FULL);
    for (uint32_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(port_of(t, 1, i), 1);
    }
    CU_ASSERT_EQUAL(stats_of(t).evicted, 0);
    mac_table_flush(t, MAC_VLAN_ANY, MAC_PORT_ANY, true);
    CU_ASSERT_EQUAL(mac_table_count(t), 0);

    /* 2 and 2; then port 2's two move to port 1: 4 and 0.  A newcomer on
     * port 2 must find port 1 over its share (4 > 4 / 2). */
    CU_ASSERT_EQUAL(learn(t, 1, 10, 1, 1000), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 1, 11, 1, 1001), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 1, 12, 2, 1002), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 1, 13, 2, 1003), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 1, 14, 2, 1004), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(learn(t, 1, 12, 1, 1005), MAC_LEARN_MOVED);
    CU_ASSERT_EQUAL(learn(t, 1, 13, 1, 1006), MAC_LEARN_MOVED);
    CU_ASSERT_EQUAL(learn(t, 1, 14, 2, 1007), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(port_of(t, 1, 10), NO_PORT);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 1);

    /* A static entry replacing a dynamic one takes it out of its port's
     * count: port 1 keeps 11 and 12 dynamic (2), port 2 has 14 (1). */
    CU_ASSERT_EQUAL(add_static(t, 1, 13, 1), 0);
    CU_ASSERT_EQUAL(learn(t, 1, 15, 2, 1008), MAC_LEARN_FULL);
    CU_ASSERT(is_static_entry(t, 1, 13));
    /* Removing and aging keep the counts too: after #11 is deleted there
     * is room; then port 1 holds 1 dynamic, port 2 holds 2. */
    CU_ASSERT_EQUAL(del(t, 1, 11), 0);
    CU_ASSERT_EQUAL(learn(t, 1, 15, 2, 1009), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 1, 16, 3, 1010), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(port_of(t, 1, 12), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 13), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 16), 3);
    CU_ASSERT_EQUAL(port_of(t, 1, 14), NO_PORT);
    CU_ASSERT_EQUAL(port_of(t, 1, 15), 2);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 2);
    mac_table_destroy(t);
}

static void
test_aging(void)
{
    struct mac_table *t = mac_table_create(100, 300);
    struct mac_entry *e;
    uint8_t mac[ETH_ADDR_LEN];

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(learn(t, 1, 1, 1, 1000), MAC_LEARN_NEW);  /* Ages. */
    CU_ASSERT_EQUAL(learn(t, 1, 2, 1, 1000), MAC_LEARN_NEW);  /* Touched. */
    CU_ASSERT_EQUAL(learn(t, 1, 3, 1, 1001), MAC_LEARN_NEW);  /* 299 s. */
    CU_ASSERT_EQUAL(learn(t, 1, 4, 1, 900), MAC_LEARN_NEW);   /* Refreshed. */
    CU_ASSERT_EQUAL(learn(t, 1, 5, 1, 1200), MAC_LEARN_NEW);  /* Young. */
    CU_ASSERT_EQUAL(learn(t, 1, 6, 1, 1500), MAC_LEARN_NEW);  /* Future. */
    CU_ASSERT_EQUAL(add_static(t, 1, 7, 1), 0);

    mac_from_index(2, mac);
    rcu_read_lock();
    e = mac_table_lookup_rcu(t, 1, mac);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    mac_entry_touch_rcu(e, 1250);
    rcu_read_unlock();
    CU_ASSERT_EQUAL(learn(t, 1, 4, 1, 1290), MAC_LEARN_REFRESHED);

    /* now - used >= aging goes: only #1 (exactly 300 s). */
    CU_ASSERT_EQUAL(mac_table_age(t, 1300), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 1), NO_PORT);
    for (uint32_t i = 2; i <= 7; i++) {
        CU_ASSERT_EQUAL(port_of(t, 1, i), 1);
    }
    CU_ASSERT_EQUAL(mac_table_count(t), 6);
    CU_ASSERT_EQUAL(stats_of(t).aged, 1);

    /* One second later, #3 is 300 s old too. */
    CU_ASSERT_EQUAL(mac_table_age(t, 1301), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 3), NO_PORT);

    /* Aging 0 keeps everything, however old. */
    mac_table_set_aging(t, 0);
    CU_ASSERT_EQUAL(mac_table_age(t, 100000), 0);
    CU_ASSERT_EQUAL(mac_table_count(t), 5);

    /* Back on: everything dynamic is old by then; the static one stays. */
    mac_table_set_aging(t, 300);
    CU_ASSERT_EQUAL(mac_table_age(t, 100000), 4);
    CU_ASSERT_EQUAL(mac_table_count(t), 1);
    CU_ASSERT_EQUAL(port_of(t, 1, 7), 1);
    CU_ASSERT_EQUAL(stats_of(t).aged, 6);
    mac_table_destroy(t);
}

/* Builds 2 VLANs x 2 ports x 3 MACs of dynamic entries plus one static entry
 * per (VLAN, port). */
static struct mac_table *
flush_fixture(void)
{
    struct mac_table *t = mac_table_create(100, 300);
    uint32_t i = 0;

    for (uint16_t vlan = 1; vlan <= 2; vlan++) {
        for (uint32_t port = 1; port <= 2; port++) {
            for (int n = 0; n < 3; n++) {
                CU_ASSERT_EQUAL(learn(t, vlan, i++, port, 1000),
                                MAC_LEARN_NEW);
            }
            CU_ASSERT_EQUAL(add_static(t, vlan, i++, port), 0);
        }
    }
    CU_ASSERT_EQUAL(mac_table_count(t), 16);
    return t;
}

struct flush_census {
    size_t n[3][3];         /* Entries by [vlan][port], 1-based. */
    size_t n_static;        /* Static entries. */
};

static void
flush_census_cb(const struct mac_entry *e, void *aux)
{
    struct flush_census *c = aux;

    if (e->vlan <= 2 && e->port_no <= 2) {
        c->n[e->vlan][e->port_no]++;
    }
    c->n_static += e->is_static;
}

static struct flush_census
census(const struct mac_table *t)
{
    struct flush_census c;

    memset(&c, 0, sizeof c);
    mac_table_foreach(t, flush_census_cb, &c);
    return c;
}

static void
test_flush(void)
{
    struct mac_table *t;
    struct flush_census c;

    /* By VLAN. */
    t = flush_fixture();
    CU_ASSERT_EQUAL(mac_table_flush(t, 1, MAC_PORT_ANY, false), 6);
    c = census(t);
    CU_ASSERT_EQUAL(c.n[1][1], 1);
    CU_ASSERT_EQUAL(c.n[1][2], 1);
    CU_ASSERT_EQUAL(c.n[2][1], 4);
    CU_ASSERT_EQUAL(c.n[2][2], 4);
    CU_ASSERT_EQUAL(c.n_static, 4);
    CU_ASSERT_EQUAL(mac_table_flush(t, 1, MAC_PORT_ANY, true), 2);
    CU_ASSERT_EQUAL(mac_table_count(t), 8);
    CU_ASSERT_EQUAL(stats_of(t).flushed, 8);
    mac_table_destroy(t);

    /* By port. */
    t = flush_fixture();
    CU_ASSERT_EQUAL(mac_table_flush(t, MAC_VLAN_ANY, 2, false), 6);
    c = census(t);
    CU_ASSERT_EQUAL(c.n[1][1], 4);
    CU_ASSERT_EQUAL(c.n[2][1], 4);
    CU_ASSERT_EQUAL(c.n[1][2], 1);
    CU_ASSERT_EQUAL(c.n[2][2], 1);
    CU_ASSERT_EQUAL(mac_table_count(t), 10);
    mac_table_destroy(t);

    /* By both. */
    t = flush_fixture();
    CU_ASSERT_EQUAL(mac_table_flush(t, 2, 1, true), 4);
    c = census(t);
    CU_ASSERT_EQUAL(c.n[1][1], 4);
    CU_ASSERT_EQUAL(c.n[1][2], 4);
    CU_ASSERT_EQUAL(c.n[2][1], 0);
    CU_ASSERT_EQUAL(c.n[2][2], 4);
    CU_ASSERT_EQUAL(mac_table_count(t), 12);
    /* Nothing left to match. */
    CU_ASSERT_EQUAL(mac_table_flush(t, 2, 1, true), 0);
    CU_ASSERT_EQUAL(mac_table_flush(t, 3, MAC_PORT_ANY, true), 0);
    CU_ASSERT_EQUAL(stats_of(t).flushed, 4);
    mac_table_destroy(t);

    /* Everything. */
    t = flush_fixture();
    CU_ASSERT_EQUAL(mac_table_flush(t, MAC_VLAN_ANY, MAC_PORT_ANY, true), 16);
    CU_ASSERT_EQUAL(mac_table_count(t), 0);
    CU_ASSERT_EQUAL(census(t).n_static, 0);
    mac_table_destroy(t);
}

#define FOREACH_N 1000

struct foreach_seen {
    uint8_t seen[FOREACH_N];    /* Visits of MAC #i. */
    size_t n;                   /* Visits in all. */
    size_t bad;                 /* Visits of entries we never added. */
};

static void
foreach_cb(const struct mac_entry *e, void *aux)
{
    struct foreach_seen *s = aux;
    uint32_t i = mac_to_index(e->mac);

    s->n++;
    if (i < FOREACH_N && e->vlan == 1 + i % 3 && e->port_no == i % 7) {
        s->seen[i]++;
    } else {
        s->bad++;
    }
}

static void
test_foreach(void)
{
    struct mac_table *t = mac_table_create(FOREACH_N, 300);
    struct foreach_seen *s = calloc(1, sizeof *s);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    for (uint32_t i = 0; i < FOREACH_N; i++) {
        CU_ASSERT_EQUAL(learn(t, 1 + i % 3, i, i % 7, 1000), MAC_LEARN_NEW);
    }
    mac_table_foreach(t, foreach_cb, s);
    CU_ASSERT_EQUAL(s->n, FOREACH_N);
    CU_ASSERT_EQUAL(s->bad, 0);
    for (uint32_t i = 0; i < FOREACH_N; i++) {
        CU_ASSERT_EQUAL(s->seen[i], 1);
    }
    mac_table_destroy(t);
    free(s);
}

static void
test_set_max_lowering(void)
{
    struct mac_table *t = mac_table_create(10, 300);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (uint32_t i = 0; i < 8; i++) {
        CU_ASSERT_EQUAL(learn(t, 1, i, 1, 1000), MAC_LEARN_NEW);
    }
    mac_table_set_max(t, 4);
    CU_ASSERT_EQUAL(mac_table_get_max(t), 4);
    CU_ASSERT_EQUAL(mac_table_count(t), 8);
    for (uint32_t i = 0; i < 8; i++) {
        CU_ASSERT_EQUAL(port_of(t, 1, i), 1);
    }
    /* Over the limit, port 1 is over its share (8 > 4 / 1): a newcomer
     * takes the place of its oldest entry, one for one. */
    CU_ASSERT_EQUAL(learn(t, 1, 8, 1, 1001), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(port_of(t, 1, 0), NO_PORT);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 1);
    CU_ASSERT_EQUAL(add_static(t, 1, 9, 1), -ENOSPC);
    CU_ASSERT_EQUAL(learn(t, 1, 1, 2, 1001), MAC_LEARN_MOVED);
    CU_ASSERT_EQUAL(learn(t, 1, 2, 1, 1001), MAC_LEARN_REFRESHED);
    CU_ASSERT_EQUAL(mac_table_count(t), 8);

    /* Learning adds again once the count is back under the new limit. */
    for (uint32_t i = 1; i < 6; i++) {
        CU_ASSERT_EQUAL(del(t, 1, i), 0);
    }
    CU_ASSERT_EQUAL(mac_table_count(t), 3);
    CU_ASSERT_EQUAL(learn(t, 1, 10, 1, 1002), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 1, 11, 1, 1002), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(stats_of(t).evicted, 1);
    mac_table_destroy(t);
}

/* Enough entries for the hash table to resize several times. */
static void
test_many(void)
{
    enum { N = 20000 };
    struct mac_table *t = mac_table_create(N, 300);
    size_t wrong = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (uint32_t i = 0; i < N; i++) {
        wrong += learn(t, 1 + i % 4094, i, i % 50, 1000) != MAC_LEARN_NEW;
    }
    CU_ASSERT_EQUAL(wrong, 0);
    /* 50 ports with exactly their share each: refused. */
    CU_ASSERT_EQUAL(learn(t, 1, N, 0, 1000), MAC_LEARN_FULL);
    CU_ASSERT_EQUAL(mac_table_count(t), N);
    for (uint32_t i = 0; i < N; i++) {
        wrong += port_of(t, 1 + i % 4094, i) != i % 50;
        wrong += port_of(t, 1 + (i + 1) % 4094, i) != NO_PORT;
    }
    CU_ASSERT_EQUAL(wrong, 0);
    /* Remove half, so that destroy meets a table with removed entries. */
    CU_ASSERT_EQUAL(mac_table_flush(t, MAC_VLAN_ANY, 0, false)
                    + mac_table_flush(t, MAC_VLAN_ANY, 1, false),
                    N / 50 * 2);
    mac_table_destroy(t);
}

/* A reader that found an entry may keep using it until it leaves its read
 * section, even if the control thread moves or deletes it meanwhile: the old
 * version is freed only after a grace period, and never changed.  (Under
 * ASan or valgrind an early free shows up as a use after free.) */
static void
test_readers_keep_old_versions(void)
{
    struct mac_table *t = mac_table_create(100, 300);
    uint8_t a[ETH_ADDR_LEN], b[ETH_ADDR_LEN];
    struct mac_entry *ea, *eb, *ea2;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    mac_from_index(1, a);
    mac_from_index(2, b);
    CU_ASSERT_EQUAL(learn(t, 1, 1, 1, 1000), MAC_LEARN_NEW);
    CU_ASSERT_EQUAL(learn(t, 1, 2, 1, 1000), MAC_LEARN_NEW);

    rcu_read_lock();
    ea = mac_table_lookup_rcu(t, 1, a);
    eb = mac_table_lookup_rcu(t, 1, b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ea);
    CU_ASSERT_PTR_NOT_NULL_FATAL(eb);

    CU_ASSERT_EQUAL(learn(t, 1, 1, 2, 1001), MAC_LEARN_MOVED);
    CU_ASSERT_EQUAL(del(t, 1, 2), 0);

    CU_ASSERT_EQUAL(ea->port_no, 1);
    CU_ASSERT_EQUAL(ea->vlan, 1);
    CU_ASSERT_EQUAL(memcmp(ea->mac, a, ETH_ADDR_LEN), 0);
    CU_ASSERT_EQUAL(eb->port_no, 1);
    CU_ASSERT_EQUAL(memcmp(eb->mac, b, ETH_ADDR_LEN), 0);

    ea2 = mac_table_lookup_rcu(t, 1, a);
    CU_ASSERT_PTR_NOT_NULL(ea2);
    CU_ASSERT_PTR_NOT_EQUAL(ea2, ea);
    if (ea2) {
        CU_ASSERT_EQUAL(ea2->port_no, 2);
    }
    CU_ASSERT_PTR_NULL(mac_table_lookup_rcu(t, 1, b));
    rcu_read_unlock();

    vs_rcu_barrier();
    CU_ASSERT_EQUAL(port_of(t, 1, 1), 2);
    mac_table_destroy(t);
}

/* Stress: STRESS_READERS threads look keys up while the control thread
 * fills the table from empty (so the bucket array grows under the readers),
 * then learns, moves, deletes, ages and flushes at random over the key
 * space.  Every entry a reader finds must carry the key it looked up and a
 * valid port: a torn or freed entry would not (and ASan/valgrind see a freed
 * one). */
#define STRESS_READERS 3
#define STRESS_MACS 2048
#define STRESS_VLANS 2
#define STRESS_KEYS (STRESS_MACS * STRESS_VLANS)
#define STRESS_MAX_ENTRIES 3000         /* < STRESS_KEYS: exercises FULL. */
#define STRESS_PORTS 8                  /* Ports 1...STRESS_PORTS. */
#define STRESS_READER_ROUNDS 100000     /* Read sections per reader, unless
                                         * $VST_STRESS_ROUNDS says (the
                                         * TSan pass runs a shorter stress,
                                         * see tests/run-all.sh). */
#define STRESS_BATCH 8                  /* Lookups per read section. */
#define STRESS_WRITER_MAX_OPS 5000000   /* Bound, should readers stall,
                                         * unless $VST_STRESS_OPS says. */
#define STRESS_WRITER_MIN_OPS 20000     /* Writes the readers overlap (at
                                         * most the bound). */

struct stress_reader {
    pthread_t thread;           /* The reader thread. */
    struct mac_table *table;    /* Shared table. */
    uint32_t seed;              /* xorshift32 state. */
    unsigned long lookups;      /* Lookups done. */
    unsigned long found;        /* Lookups that found an entry. */
    unsigned long bad_key;      /* Found entries with the wrong key. */
    unsigned long bad_port;     /* Found entries with an invalid port. */
};

static int stress_readers_started;  /* Readers running; atomic. */
static int stress_readers_done;     /* Readers finished; atomic. */
static uint32_t stress_now;         /* The writer's clock; atomic. */
static int stress_rounds = STRESS_READER_ROUNDS; /* Read sections per
                                     * reader; set before readers start. */
static int stress_writer_warm;      /* The writer did its minimum; C11
                                     * atomics, which TSan sees. */

static uint32_t
xorshift32(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static void
stress_key(uint32_t r, uint16_t *vlan, uint8_t mac[ETH_ADDR_LEN])
{
    uint32_t k = r % STRESS_KEYS;

    *vlan = 100 + k / STRESS_MACS;
    mac_from_index(k % STRESS_MACS, mac);
}

static void *
stress_reader_main(void *r_)
{
    struct stress_reader *r = r_;

    rcu_register_thread();
    uatomic_inc(&stress_readers_started);
    /* At least 'stress_rounds' read sections, and on until the writer has
     * churned STRESS_WRITER_MIN_OPS times, so that reads and writes overlap
     * however slow either side runs (under TSan, say). */
    for (int round = 0; round < stress_rounds
                        || !__atomic_load_n(&stress_writer_warm,
                                            __ATOMIC_ACQUIRE); round++) {
        rcu_read_lock();
        for (int j = 0; j < STRESS_BATCH; j++) {
            uint8_t mac[ETH_ADDR_LEN];
            struct mac_entry *e;
            uint16_t vlan;

            stress_key(xorshift32(&r->seed), &vlan, mac);
            e = mac_table_lookup_rcu(r->table, vlan, mac);
            r->lookups++;
            if (!e) {
                continue;
            }
            r->found++;
            if (e->vlan != vlan || memcmp(e->mac, mac, ETH_ADDR_LEN)) {
                r->bad_key++;
            }
            if (e->port_no < 1 || e->port_no > STRESS_PORTS) {
                r->bad_port++;
            }
            if (vlan == 100) {
                /* The other VLAN is left to age. */
                mac_entry_touch_rcu(e, uatomic_read(&stress_now));
            }
        }
        rcu_read_unlock();
    }
    rcu_unregister_thread();
    uatomic_inc(&stress_readers_done);
    return NULL;
}

struct stress_check {
    uint8_t seen[STRESS_KEYS];  /* Entries seen per key. */
    size_t n;                   /* Entries seen. */
    size_t bad;                 /* Entries with an impossible key or port. */
};

static void
stress_check_cb(const struct mac_entry *e, void *aux)
{
    struct stress_check *c = aux;
    uint32_t i = mac_to_index(e->mac);

    c->n++;
    if (e->vlan < 100 || e->vlan >= 100 + STRESS_VLANS || i >= STRESS_MACS
        || e->port_no < 1 || e->port_no > STRESS_PORTS) {
        c->bad++;
    } else {
        c->seen[(e->vlan - 100) * STRESS_MACS + i]++;
    }
}

static void
test_stress_concurrent_readers(void)
{
    struct stress_reader readers[STRESS_READERS];
    struct mac_table *t = mac_table_create(STRESS_MAX_ENTRIES, 2);
    struct mac_table_stats stats;
    struct stress_check check;
    unsigned long ops = 0, found = 0, lookups = 0;
    unsigned long max_ops = STRESS_WRITER_MAX_OPS, min_ops;
    uint32_t seed = 12345, now = 1;

    uatomic_set(&stress_now, now);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    if (getenv("VST_STRESS_ROUNDS")) {
        stress_rounds = atoi(getenv("VST_STRESS_ROUNDS"));
        CU_ASSERT_FATAL(stress_rounds > 0);
    }
    if (getenv("VST_STRESS_OPS")) {
        max_ops = strtoul(getenv("VST_STRESS_OPS"), NULL, 10);
        CU_ASSERT_FATAL(max_ops > 0);
    }
    min_ops = MIN(STRESS_WRITER_MIN_OPS, max_ops);
    uatomic_set(&stress_readers_started, 0);
    uatomic_set(&stress_readers_done, 0);
    __atomic_store_n(&stress_writer_warm, 0, __ATOMIC_RELEASE);
    memset(readers, 0, sizeof readers);
    for (int i = 0; i < STRESS_READERS; i++) {
        readers[i].table = t;
        readers[i].seed = 0x9e3779b9u * (i + 1);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&readers[i].thread, NULL,
                                             stress_reader_main, &readers[i]),
                              0);
    }

    /* Fill from empty while the readers run: the table grows from 64
     * buckets to 4096 under them, and ends full. */
    while (uatomic_read(&stress_readers_started) < STRESS_READERS) {
        sched_yield();
    }
    for (uint32_t k = 0; k < STRESS_KEYS; k++) {
        uint8_t mac[ETH_ADDR_LEN];
        uint16_t vlan;

        stress_key(k, &vlan, mac);
        mac_table_learn(t, vlan, mac, 1 + k % STRESS_PORTS, now);
    }
    CU_ASSERT_EQUAL(mac_table_count(t), STRESS_MAX_ENTRIES);

    /* Then churn until every reader is done. */
    while (uatomic_read(&stress_readers_done) < STRESS_READERS
           && ops < max_ops) {
        uint32_t r = xorshift32(&seed);
        uint32_t op = r % 10000;
        uint32_t port = 1 + (r >> 20) % STRESS_PORTS;
        uint8_t mac[ETH_ADDR_LEN];
        uint16_t vlan;

        stress_key(r >> 8, &vlan, mac);
        if (op < 7500) {
            mac_table_learn(t, vlan, mac, port, now);
        } else if (op < 9000) {
            mac_table_del(t, vlan, mac);
        } else if (op < 9990) {
            mac_table_add_static(t, vlan, mac, port);
        } else if (op < 9998) {
            mac_table_flush(t, MAC_VLAN_ANY, port, false);
        } else {
            mac_table_flush(t, vlan, MAC_PORT_ANY, true);
        }
        if (++ops == min_ops) {
            __atomic_store_n(&stress_writer_warm, 1, __ATOMIC_RELEASE);
        }
        if (!(ops % 64)) {
            /* The clock ticks every 256 operations: with aging 2, an entry
             * nobody touches lives 512 to 768 operations. */
            now = 1 + ops / 256;
            uatomic_set(&stress_now, now);
            mac_table_age(t, now);
        }
    }

    for (int i = 0; i < STRESS_READERS; i++) {
        pthread_join(readers[i].thread, NULL);
        CU_ASSERT_EQUAL(readers[i].bad_key, 0);
        CU_ASSERT_EQUAL(readers[i].bad_port, 0);
        CU_ASSERT(readers[i].lookups
                  >= (unsigned long) stress_rounds * STRESS_BATCH);
        found += readers[i].found;
        lookups += readers[i].lookups;
    }
    CU_ASSERT(ops >= min_ops);
    CU_ASSERT(found > 0);
    stats = stats_of(t);
    printf("\n    stress: %lu writer ops (%"PRIu64" learned, %"PRIu64" moved, "
           "%"PRIu64" aged), %lu lookups, %lu hits ", ops, stats.learned,
           stats.moved, stats.aged, lookups, found);

    /* What is left is consistent: the count matches, no key twice. */
    memset(&check, 0, sizeof check);
    mac_table_foreach(t, stress_check_cb, &check);
    CU_ASSERT_EQUAL(check.n, mac_table_count(t));
    CU_ASSERT(check.n <= STRESS_MAX_ENTRIES);
    CU_ASSERT_EQUAL(check.bad, 0);
    for (int k = 0; k < STRESS_KEYS; k++) {
        CU_ASSERT(check.seen[k] <= 1);
    }
    mac_table_destroy(t);
}

int
main(void)
{
    static const struct {
        const char *name;
        CU_TestFunc func;
    } tests[] = {
        {"create, defaults, setters", test_create_defaults},
        {"learn and lookup", test_learn_lookup},
        {"same MAC in two VLANs is two entries", test_vlan_separation},
        {"move to another port", test_move},
        {"refresh on the same port", test_refresh},
        {"static entries", test_static},
        {"size limit: refuse when every port holds its share", test_limit},
        {"full: evict from the port over its fair share", test_evict_fair},
        {"full: a flood churns its own entries", test_evict_own_flood},
        {"full: statics stay, moves and removals counted",
         test_evict_static_and_moves},
        {"aging with explicit now", test_aging},
        {"flush by vlan, by port, both", test_flush},
        {"foreach visits every entry once", test_foreach},
        {"lowering the limit evicts nothing", test_set_max_lowering},
        {"20000 entries, resizing", test_many},
        {"readers keep old versions", test_readers_keep_old_versions},
        {"stress: 3 readers vs the writer", test_stress_concurrent_readers},
    };
    unsigned int failures;
    CU_pSuite suite;

    vs_rcu_init();
    rcu_register_thread();

    if (CU_initialize_registry() != CUE_SUCCESS) {
        return 1;
    }
    suite = CU_add_suite("mac-table", NULL, NULL);
    if (!suite) {
        CU_cleanup_registry();
        return 1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
        if (!CU_add_test(suite, tests[i].name, tests[i].func)) {
            CU_cleanup_registry();
            return 1;
        }
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed()
               + CU_get_number_of_tests_failed();
    CU_cleanup_registry();

    /* Let every deferred free run, so leak checkers see a clean heap. */
    vs_rcu_barrier();
    rcu_unregister_thread();
    return failures ? 1 : 0;
}
