#include <autoconf.h>
#include "team-map.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include "unit.h"

#define MAX_PORTS 64            /* Most ports a test uses. */

/* The full assignment of a team: every bucket and every port. */
struct snapshot {
    int buckets[TEAM_BUCKETS];  /* Member of each bucket. */
    size_t n_ports;             /* Ports in 'port_nos'. */
    uint32_t port_nos[MAX_PORTS]; /* Ports, ascending. */
    int ports[MAX_PORTS];       /* Member of each port in 'port_nos'. */
    int active;                 /* Active member. */
};

static GArray *
moves_new(void)
{
    return g_array_new(FALSE, FALSE, sizeof(struct team_move));
}

static struct team_move *
move_at(GArray *moves, guint i)
{
    return &g_array_index(moves, struct team_move, i);
}

static void
take_snapshot(const struct team_map *map, struct snapshot *s)
{
    memset(s, 0, sizeof *s);
    for (uint32_t i = 0; i < TEAM_BUCKETS; i++) {
        s->buckets[i] = team_map_member_of(map, TEAM_ITEM_BUCKET, i);
    }
    s->n_ports = team_map_ports(map, s->port_nos, MAX_PORTS);
    CU_ASSERT_FATAL(s->n_ports <= MAX_PORTS);
    for (size_t i = 0; i < s->n_ports; i++) {
        s->ports[i] = team_map_member_of(map, TEAM_ITEM_PORT,
                                         s->port_nos[i]);
    }
    s->active = team_map_member_of(map, TEAM_ITEM_ACTIVE, 0);
}

/* Index of 'port_no' in 's'. */
static size_t
port_index(const struct snapshot *s, uint32_t port_no)
{
    for (size_t i = 0; i < s->n_ports; i++) {
        if (s->port_nos[i] == port_no) {
            return i;
        }
    }
    CU_FAIL_FATAL("no such port in snapshot");
    return 0;
}

/* Checks that 'moves', applied to 'before', give exactly 'after': every
 * move starts where the item was, and nothing changed without a move. */
static void
check_moves(const struct snapshot *before, GArray *moves,
            const struct snapshot *after)
{
    struct snapshot s = *before;

    for (guint i = 0; i < moves->len; i++) {
        const struct team_move *m = move_at(moves, i);
        int *where;

        switch (m->kind) {
        case TEAM_ITEM_BUCKET:
            CU_ASSERT_FATAL(m->id < TEAM_BUCKETS);
            where = &s.buckets[m->id];
            break;
        case TEAM_ITEM_PORT:
            where = &s.ports[port_index(&s, m->id)];
            break;
        case TEAM_ITEM_ACTIVE:
        default:
            where = &s.active;
            break;
        }
        CU_ASSERT_EQUAL(*where, m->from);
        CU_ASSERT_NOT_EQUAL(m->from, m->to);
        CU_ASSERT(m->to >= 0 && m->to < TEAM_MAX_MEMBERS);
        *where = m->to;
    }
    CU_ASSERT(!memcmp(s.buckets, after->buckets, sizeof s.buckets));
    CU_ASSERT_EQUAL(s.n_ports, after->n_ports);
    CU_ASSERT(!memcmp(s.ports, after->ports, sizeof s.ports));
    CU_ASSERT_EQUAL(s.active, after->active);
}

static int
count_buckets(const struct snapshot *s, int slot)
{
    int n = 0;

    for (int i = 0; i < TEAM_BUCKETS; i++) {
        n += s->buckets[i] == slot;
    }
    return n;
}

static int
count_ports(const struct snapshot *s, int slot)
{
    int n = 0;

    for (size_t i = 0; i < s->n_ports; i++) {
        n += s->ports[i] == slot;
    }
    return n;
}

static bool
all_moves_are(GArray *moves, enum team_move_reason reason)
{
    for (guint i = 0; i < moves->len; i++) {
        if (move_at(moves, i)->reason != reason) {
            return false;
        }
    }
    return true;
}

/* A team of 'n' members, all usable, and ports 1..n_ports. */
static struct team_map *
make_team(enum team_policy policy, bool failback, int n, int n_ports)
{
    struct team_map *map = team_map_create(policy, failback);

    for (int i = 0; i < n; i++) {
        CU_ASSERT_EQUAL_FATAL(team_map_add_member(map), i);
    }
    for (int i = 0; i < n; i++) {
        team_map_set_usable(map, i, true, NULL);
    }
    for (int i = 1; i <= n_ports; i++) {
        team_map_add_port(map, i, TEAM_NONE, NULL);
    }
    return map;
}

/* Sets every bucket's load to what 'load_of' says for its member. */
static void
set_bucket_loads(struct team_map *map, const uint64_t load_of[])
{
    for (uint32_t i = 0; i < TEAM_BUCKETS; i++) {
        int m = team_map_member_of(map, TEAM_ITEM_BUCKET, i);

        team_map_set_load(map, TEAM_ITEM_BUCKET, i, load_of[m]);
    }
}

/* The first 'n' buckets carried by 'slot'. */
static void
buckets_of(const struct team_map *map, int slot, uint32_t *ids, int n)
{
    int found = 0;

    for (uint32_t i = 0; i < TEAM_BUCKETS && found < n; i++) {
        if (team_map_member_of(map, TEAM_ITEM_BUCKET, i) == slot) {
            ids[found++] = i;
        }
    }
    CU_ASSERT_EQUAL_FATAL(found, n);
}

static void
test_names(void)
{
    static const enum team_policy policies[] = {
        TEAM_POLICY_SRC_PORT, TEAM_POLICY_SRC_MAC, TEAM_POLICY_HASH,
        TEAM_POLICY_ACTIVE_BACKUP,
    };
    enum team_policy policy;

    CU_ASSERT_STRING_EQUAL(team_policy_name(TEAM_POLICY_SRC_PORT),
                           "src-port");
    CU_ASSERT_STRING_EQUAL(team_policy_name(TEAM_POLICY_ACTIVE_BACKUP),
                           "active-backup");
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        CU_ASSERT(team_policy_from_string(team_policy_name(policies[i]),
                                          &policy));
        CU_ASSERT_EQUAL(policy, policies[i]);
    }
    CU_ASSERT(team_policy_from_string("src-mac", &policy));
    CU_ASSERT_EQUAL(policy, TEAM_POLICY_SRC_MAC);
    CU_ASSERT(team_policy_from_string("hash", &policy));
    CU_ASSERT_EQUAL(policy, TEAM_POLICY_HASH);
    CU_ASSERT(!team_policy_from_string("balance-slb", &policy));
    CU_ASSERT(!team_policy_from_string("", &policy));
    CU_ASSERT_EQUAL(policy, TEAM_POLICY_HASH);

    CU_ASSERT_STRING_EQUAL(team_move_reason_name(TEAM_MOVE_FAILOVER),
                           "failover");
    CU_ASSERT_STRING_EQUAL(team_move_reason_name(TEAM_MOVE_FAILBACK),
                           "failback");
    CU_ASSERT_STRING_EQUAL(team_move_reason_name(TEAM_MOVE_REBALANCE),
                           "rebalance");
    CU_ASSERT_STRING_EQUAL(team_move_reason_name(TEAM_MOVE_MANUAL),
                           "manual");
    CU_ASSERT_STRING_EQUAL(team_move_reason_name(TEAM_MOVE_INITIAL),
                           "initial");
}

/* A fresh team is balanced from the start: the first member takes every
 * bucket, each next one takes its even share, moving the fewest. */
static void
test_setup_buckets(void)
{
    struct team_map *map = team_map_create(TEAM_POLICY_SRC_MAC, true);
    struct snapshot before, after;
    GArray *moves = moves_new();

    CU_ASSERT_EQUAL(team_map_policy(map), TEAM_POLICY_SRC_MAC);
    CU_ASSERT_EQUAL(team_map_add_member(map), 0);
    CU_ASSERT_EQUAL(team_map_add_member(map), 1);
    CU_ASSERT_EQUAL(team_map_add_member(map), 2);
    CU_ASSERT(!team_map_is_usable(map, 0));
    take_snapshot(map, &before);
    CU_ASSERT_EQUAL(count_buckets(&before, TEAM_NONE), TEAM_BUCKETS);
    CU_ASSERT_EQUAL(team_map_designated(map), TEAM_NONE);

    team_map_set_usable(map, 0, true, moves);
    take_snapshot(map, &after);
    CU_ASSERT_EQUAL(moves->len, TEAM_BUCKETS);
    CU_ASSERT(all_moves_are(moves, TEAM_MOVE_INITIAL));
    CU_ASSERT_EQUAL(count_buckets(&after, 0), TEAM_BUCKETS);
    check_moves(&before, moves, &after);
    CU_ASSERT_EQUAL(team_map_designated(map), 0);

    /* Second member: exactly half move, nothing else. */
    g_array_set_size(moves, 0);
    before = after;
    team_map_set_usable(map, 1, true, moves);
    take_snapshot(map, &after);
    CU_ASSERT_EQUAL(moves->len, 128);
    CU_ASSERT(all_moves_are(moves, TEAM_MOVE_REBALANCE));
    CU_ASSERT_EQUAL(count_buckets(&after, 0), 128);
    CU_ASSERT_EQUAL(count_buckets(&after, 1), 128);
    check_moves(&before, moves, &after);

    /* Third member: 85 or 86 each, and only the third's share moved. */
    g_array_set_size(moves, 0);
    before = after;
    team_map_set_usable(map, 2, true, moves);
    take_snapshot(map, &after);
    CU_ASSERT_EQUAL(moves->len, 85);
    for (int m = 0; m < 3; m++) {
        CU_ASSERT(count_buckets(&after, m) >= 85);
        CU_ASSERT(count_buckets(&after, m) <= 86);
    }
    for (guint i = 0; i < moves->len; i++) {
        CU_ASSERT_EQUAL(move_at(moves, i)->to, 2);
    }
    check_moves(&before, moves, &after);

    /* Once load has been measured, a new member gets nothing at once:
     * rebalancing will give it its share from the measure. */
    team_map_set_load(map, TEAM_ITEM_BUCKET, 7, 1000);
    CU_ASSERT_EQUAL(team_map_add_member(map), 3);
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 3, true, moves);
    CU_ASSERT_EQUAL(moves->len, 0);

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

/* Same with the members usable before any bucket hashed anything: the hash
 * policy, 2 and 3 members. */
static void
test_setup_sizes(void)
{
    for (int n = 2; n <= 5; n++) {
        struct team_map *map = make_team(TEAM_POLICY_HASH, false, n, 0);
        struct snapshot s;
        int lo = TEAM_BUCKETS, hi = 0;

        take_snapshot(map, &s);
        for (int m = 0; m < n; m++) {
            lo = MIN(lo, count_buckets(&s, m));
            hi = MAX(hi, count_buckets(&s, m));
        }
        CU_ASSERT(hi - lo <= 1);
        CU_ASSERT_EQUAL(count_buckets(&s, TEAM_NONE), 0);
        team_map_destroy(map);
    }
}

/* Ports spread by count when nothing is measured, whether they come before
 * or after the members. */
static void
test_setup_ports(void)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_PORT, true, 3, 0);
    struct snapshot before, after;
    GArray *moves = moves_new();

    take_snapshot(map, &before);
    for (uint32_t p = 1; p <= 10; p++) {
        g_array_set_size(moves, 0);
        team_map_add_port(map, p * 10, TEAM_NONE, moves);
        CU_ASSERT_EQUAL_FATAL(moves->len, 1);
        CU_ASSERT_EQUAL(move_at(moves, 0)->reason, TEAM_MOVE_INITIAL);
        CU_ASSERT_EQUAL(move_at(moves, 0)->from, TEAM_NONE);
        CU_ASSERT_EQUAL(move_at(moves, 0)->id, p * 10);
        /* Ties go by failover order: 0, 1, 2, 0, 1... */
        CU_ASSERT_EQUAL(move_at(moves, 0)->to, (int) (p - 1) % 3);
    }
    take_snapshot(map, &after);
    CU_ASSERT_EQUAL(count_ports(&after, 0), 4);
    CU_ASSERT_EQUAL(count_ports(&after, 1), 3);
    CU_ASSERT_EQUAL(count_ports(&after, 2), 3);
    /* The src-port policy has no buckets. */
    CU_ASSERT_EQUAL(count_buckets(&after, TEAM_NONE), TEAM_BUCKETS);
    team_map_destroy(map);

    /* Ports first, members later. */
    map = team_map_create(TEAM_POLICY_SRC_PORT, false);
    for (int i = 0; i < 3; i++) {
        team_map_add_member(map);
    }
    g_array_set_size(moves, 0);
    for (uint32_t p = 1; p <= 9; p++) {
        team_map_add_port(map, p, TEAM_NONE, moves);
        CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, p),
                        TEAM_NONE);
    }
    CU_ASSERT_EQUAL(moves->len, 0);
    take_snapshot(map, &before);
    for (int i = 0; i < 3; i++) {
        team_map_set_usable(map, i, true, moves);
    }
    take_snapshot(map, &after);
    check_moves(&before, moves, &after);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(count_ports(&after, i), 3);
    }
    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

/* Exactly the failed member's buckets move, spread over the survivors. */
static void
test_failover_buckets(void)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_MAC, true, 3, 0);
    struct snapshot before, after;
    GArray *moves = moves_new();
    int n_on_1;

    take_snapshot(map, &before);
    n_on_1 = count_buckets(&before, 1);
    team_map_set_usable(map, 1, false, moves);
    take_snapshot(map, &after);
    CU_ASSERT(!team_map_is_usable(map, 1));
    CU_ASSERT_EQUAL(moves->len, n_on_1);
    CU_ASSERT(all_moves_are(moves, TEAM_MOVE_FAILOVER));
    for (int i = 0; i < TEAM_BUCKETS; i++) {
        if (before.buckets[i] == 1) {
            CU_ASSERT(after.buckets[i] == 0 || after.buckets[i] == 2);
        } else {
            CU_ASSERT_EQUAL(after.buckets[i], before.buckets[i]);
        }
    }
    check_moves(&before, moves, &after);
    /* Nothing measured: count decides, so the survivors end up even. */
    CU_ASSERT(abs(count_buckets(&after, 0) - count_buckets(&after, 2)) <= 1);

    /* Failing it again changes nothing. */
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 1, false, moves);
    CU_ASSERT_EQUAL(moves->len, 0);

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

/* With measured load, each orphan goes to the least loaded survivor at that
 * moment: the lighter one fills up to the other's level first, then they
 * alternate. */
static void
test_failover_by_load(void)
{
    const uint64_t loads1[] = { 30, 10, 0 };
    const uint64_t loads2[] = { 2, 10, 0 };
    struct snapshot before, after;
    GArray *moves = moves_new();
    struct team_map *map;
    uint64_t load0, load2;

    /* Member 0: ~85 x 30 bytes; member 1: ~85 x 10; member 2: nothing.
     * All of member 1's ~850 bytes fit under member 0's ~2550. */
    map = make_team(TEAM_POLICY_SRC_MAC, true, 3, 0);
    set_bucket_loads(map, loads1);
    take_snapshot(map, &before);
    CU_ASSERT_EQUAL(team_map_member_load(map, 0),
                    30 * (uint64_t) count_buckets(&before, 0));
    CU_ASSERT_EQUAL(team_map_member_load(map, 1),
                    10 * (uint64_t) count_buckets(&before, 1));
    CU_ASSERT_EQUAL(team_map_member_load(map, 2), 0);
    team_map_set_usable(map, 1, false, moves);
    take_snapshot(map, &after);
    check_moves(&before, moves, &after);
    CU_ASSERT_EQUAL(moves->len, count_buckets(&before, 1));
    for (guint i = 0; i < moves->len; i++) {
        CU_ASSERT_EQUAL(move_at(moves, i)->to, 2);
    }
    CU_ASSERT_EQUAL(team_map_member_load(map, 2),
                    10 * (uint64_t) count_buckets(&before, 1));
    team_map_destroy(map);

    /* Member 0 at ~170, member 2 at 0, member 1's 10-byte buckets: 2
     * takes the first 17 or so, then they alternate. */
    map = make_team(TEAM_POLICY_SRC_MAC, true, 3, 0);
    set_bucket_loads(map, loads2);
    take_snapshot(map, &before);
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 1, false, moves);
    take_snapshot(map, &after);
    check_moves(&before, moves, &after);
    load0 = team_map_member_load(map, 0);
    load2 = team_map_member_load(map, 2);
    CU_ASSERT(count_buckets(&after, 0) > count_buckets(&before, 0));
    CU_ASSERT(count_buckets(&after, 2) > count_buckets(&after, 0));
    CU_ASSERT(load0 > load2 ? load0 - load2 <= 10 : load2 - load0 <= 10);
    team_map_destroy(map);

    g_array_free(moves, TRUE);
}

/* Failback returns exactly what the member carried before it failed, for
 * buckets and for ports. */
static void
check_failback(enum team_policy policy)
{
    struct team_map *map = make_team(policy, true, 3, 30);
    struct snapshot s0, s1, s2;
    GArray *moves = moves_new();

    take_snapshot(map, &s0);
    team_map_set_usable(map, 1, false, moves);
    take_snapshot(map, &s1);
    check_moves(&s0, moves, &s1);
    CU_ASSERT(moves->len > 0);

    g_array_set_size(moves, 0);
    team_map_set_usable(map, 1, true, moves);
    take_snapshot(map, &s2);
    check_moves(&s1, moves, &s2);
    CU_ASSERT(all_moves_are(moves, TEAM_MOVE_FAILBACK));
    CU_ASSERT(!memcmp(s0.buckets, s2.buckets, sizeof s0.buckets));
    CU_ASSERT(!memcmp(s0.ports, s2.ports, sizeof s0.ports));
    if (policy == TEAM_POLICY_SRC_PORT) {
        CU_ASSERT_EQUAL(moves->len, count_ports(&s0, 1));
    } else {
        CU_ASSERT_EQUAL(moves->len, count_buckets(&s0, 1));
    }

    /* Two failures in a row: items keep their first home. */
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 1, false, moves);
    team_map_set_usable(map, 2, false, moves);
    take_snapshot(map, &s1);
    check_moves(&s0, moves, &s1);
    CU_ASSERT_EQUAL(count_buckets(&s1, 0) + count_ports(&s1, 0),
                    TEAM_BUCKETS * (policy != TEAM_POLICY_SRC_PORT)
                    + (int) s0.n_ports * (policy == TEAM_POLICY_SRC_PORT));
    team_map_set_usable(map, 2, true, NULL);
    team_map_set_usable(map, 1, true, NULL);
    take_snapshot(map, &s2);
    CU_ASSERT(!memcmp(s0.buckets, s2.buckets, sizeof s0.buckets));
    CU_ASSERT(!memcmp(s0.ports, s2.ports, sizeof s0.ports));

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

static void
test_failback_buckets(void)
{
    check_failback(TEAM_POLICY_SRC_MAC);
}

static void
test_failback_ports(void)
{
    check_failback(TEAM_POLICY_SRC_PORT);
}

/* Without failback the returning member gets nothing back, and the moved
 * items now belong where they are. */
static void
test_no_failback(void)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_MAC, false, 3, 0);
    struct snapshot s0, s1, s2;
    GArray *moves = moves_new();

    take_snapshot(map, &s0);
    team_map_set_usable(map, 1, false, moves);
    take_snapshot(map, &s1);
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 1, true, moves);
    take_snapshot(map, &s2);
    CU_ASSERT_EQUAL(moves->len, 0);
    CU_ASSERT(!memcmp(s1.buckets, s2.buckets, sizeof s1.buckets));
    CU_ASSERT_EQUAL(count_buckets(&s2, 1), 0);
    CU_ASSERT(team_map_is_usable(map, 1));

    /* Turning failback on later does not bring them back either: their
     * home is where they are now. */
    team_map_set_failback(map, true);
    team_map_set_usable(map, 0, false, NULL);
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 0, true, moves);
    take_snapshot(map, &s1);
    CU_ASSERT_EQUAL(count_buckets(&s1, 1), 0);
    CU_ASSERT(!memcmp(s1.buckets, s2.buckets, sizeof s1.buckets));
    for (guint i = 0; i < moves->len; i++) {
        CU_ASSERT_EQUAL(move_at(moves, i)->to, 0);
        CU_ASSERT_EQUAL(s2.buckets[move_at(moves, i)->id], 0);
    }

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

/* A preferred port goes to its member, leaves it on failure and returns
 * on recovery even without failback; nothing else returns. */
static void
test_preferred_port(void)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_PORT, false, 3, 6);
    struct snapshot before, after;
    GArray *moves = moves_new();
    bool moved7 = false;

    /* Ports 1-6 spread 2/2/2, so the least loaded member for a new port
     * is 0 (failover order breaks the tie); port 7 prefers 2 and goes
     * there. */
    team_map_add_port(map, 7, 2, moves);
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->to, 2);
    team_map_add_port(map, 8, 2, moves);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 8), 2);

    take_snapshot(map, &before);
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 2, false, moves);
    take_snapshot(map, &after);
    check_moves(&before, moves, &after);
    CU_ASSERT_EQUAL(moves->len, 4);     /* Two plain ports, 7 and 8. */
    CU_ASSERT_NOT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 7), 2);
    CU_ASSERT_NOT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 7),
                        TEAM_NONE);

    before = after;
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 2, true, moves);
    take_snapshot(map, &after);
    check_moves(&before, moves, &after);
    CU_ASSERT_EQUAL(moves->len, 2);     /* Only 7 and 8. */
    CU_ASSERT(all_moves_are(moves, TEAM_MOVE_FAILBACK));
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 7), 2);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 8), 2);

    /* A new preference for a usable member moves the port now... */
    g_array_set_size(moves, 0);
    team_map_set_preferred(map, 7, 0, moves);
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->to, 0);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 7), 0);
    /* ...one for a member that is down moves it when that member is up. */
    team_map_set_usable(map, 1, false, NULL);
    g_array_set_size(moves, 0);
    team_map_set_preferred(map, 7, 1, moves);
    CU_ASSERT_EQUAL(moves->len, 0);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 7), 0);
    team_map_set_usable(map, 1, true, moves);
    for (guint i = 0; i < moves->len; i++) {
        if (move_at(moves, i)->id == 7) {
            moved7 = true;
            CU_ASSERT_EQUAL(move_at(moves, i)->to, 1);
        }
    }
    CU_ASSERT(moved7);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 7), 1);

    /* Migrating it away from its usable preferred member is refused. */
    g_array_set_size(moves, 0);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_PORT, 7, 0, moves),
                    -EBUSY);
    CU_ASSERT_EQUAL(moves->len, 0);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_PORT, 7, 1, moves), 0);
    CU_ASSERT_EQUAL(moves->len, 0);

    /* A preference dropped: the port stays where it is. */
    team_map_set_preferred(map, 7, TEAM_NONE, moves);
    CU_ASSERT_EQUAL(moves->len, 0);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 7), 1);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_PORT, 7, 0, moves), 0);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 7), 0);

    /* A preference for a member that is not there counts for nothing. */
    team_map_add_port(map, 9, 12, NULL);
    CU_ASSERT_NOT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 9),
                        TEAM_NONE);

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

/* A port that prefers a member not yet usable goes elsewhere, then moves
 * when its member first comes up. */
static void
test_preferred_before_up(void)
{
    struct team_map *map = team_map_create(TEAM_POLICY_SRC_PORT, false);
    GArray *moves = moves_new();

    team_map_add_member(map);
    team_map_add_member(map);
    team_map_set_usable(map, 0, true, NULL);
    team_map_add_port(map, 5, 1, moves);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 5), 0);
    team_map_set_load(map, TEAM_ITEM_PORT, 5, 100);
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 1, true, moves);
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->id, 5);
    CU_ASSERT_EQUAL(move_at(moves, 0)->from, 0);
    CU_ASSERT_EQUAL(move_at(moves, 0)->to, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->reason, TEAM_MOVE_FAILBACK);
    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

/* With no usable member the items keep their member and nobody is
 * designated; the first member back takes everything. */
static void
test_all_down(void)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_MAC, true, 2, 0);
    struct snapshot s0, s1, s2;
    GArray *moves = moves_new();

    take_snapshot(map, &s0);
    CU_ASSERT_EQUAL(team_map_designated(map), 0);
    team_map_set_usable(map, 0, false, NULL);
    CU_ASSERT_EQUAL(team_map_designated(map), 1);
    take_snapshot(map, &s1);
    team_map_set_usable(map, 1, false, moves);
    take_snapshot(map, &s2);
    CU_ASSERT_EQUAL(moves->len, 0);
    CU_ASSERT(!memcmp(s1.buckets, s2.buckets, sizeof s1.buckets));
    CU_ASSERT_EQUAL(count_buckets(&s2, 1), TEAM_BUCKETS);
    CU_ASSERT_EQUAL(team_map_designated(map), TEAM_NONE);

    team_map_set_usable(map, 0, true, moves);
    take_snapshot(map, &s1);
    check_moves(&s2, moves, &s1);
    CU_ASSERT_EQUAL(count_buckets(&s1, 0), TEAM_BUCKETS);
    CU_ASSERT_EQUAL(moves->len, TEAM_BUCKETS);
    CU_ASSERT_EQUAL(team_map_designated(map), 0);

    /* Member 1 back with failback: what was home there returns, and the
     * team is as it started. */
    team_map_set_usable(map, 1, true, NULL);
    take_snapshot(map, &s1);
    CU_ASSERT(!memcmp(s0.buckets, s1.buckets, sizeof s0.buckets));

    g_array_free(moves, TRUE);
    team_map_destroy(map);

    /* The same for ports without failback: all on the first one back. */
    map = make_team(TEAM_POLICY_SRC_PORT, false, 2, 8);
    team_map_set_usable(map, 0, false, NULL);
    team_map_set_usable(map, 1, false, NULL);
    take_snapshot(map, &s1);
    CU_ASSERT_EQUAL(count_ports(&s1, 1), 8);
    team_map_set_usable(map, 0, true, NULL);
    take_snapshot(map, &s1);
    CU_ASSERT_EQUAL(count_ports(&s1, 0), 8);
    team_map_set_usable(map, 1, true, NULL);
    take_snapshot(map, &s2);
    CU_ASSERT_EQUAL(count_ports(&s2, 0), 8);
    team_map_destroy(map);
}

static void
check_one_active_move(GArray *moves, int from, int to,
                      enum team_move_reason reason)
{
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->kind, TEAM_ITEM_ACTIVE);
    CU_ASSERT_EQUAL(move_at(moves, 0)->id, 0);
    CU_ASSERT_EQUAL(move_at(moves, 0)->from, from);
    CU_ASSERT_EQUAL(move_at(moves, 0)->to, to);
    CU_ASSERT_EQUAL(move_at(moves, 0)->reason, reason);
    g_array_set_size(moves, 0);
}

static void
test_active_backup_failback(void)
{
    struct team_map *map = team_map_create(TEAM_POLICY_ACTIVE_BACKUP, true);
    GArray *moves = moves_new();

    for (int i = 0; i < 3; i++) {
        team_map_add_member(map);
    }
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_ACTIVE, 0), TEAM_NONE);
    /* Members come up out of order: the first in failover order wins. */
    team_map_set_usable(map, 2, true, moves);
    check_one_active_move(moves, TEAM_NONE, 2, TEAM_MOVE_INITIAL);
    team_map_set_usable(map, 1, true, moves);
    check_one_active_move(moves, 2, 1, TEAM_MOVE_FAILBACK);
    team_map_set_usable(map, 0, true, moves);
    check_one_active_move(moves, 1, 0, TEAM_MOVE_FAILBACK);

    /* A backup failing moves nothing. */
    team_map_set_usable(map, 2, false, moves);
    CU_ASSERT_EQUAL(moves->len, 0);
    team_map_set_usable(map, 0, false, moves);
    check_one_active_move(moves, 0, 1, TEAM_MOVE_FAILOVER);
    team_map_set_usable(map, 0, true, moves);
    check_one_active_move(moves, 1, 0, TEAM_MOVE_FAILBACK);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_ACTIVE, 0), 0);

    /* Everything rides on the active member. */
    team_map_add_port(map, 3, TEAM_NONE, moves);
    CU_ASSERT_EQUAL(moves->len, 0);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 3), 0);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, 9), 0);
    team_map_set_load(map, TEAM_ITEM_PORT, 3, 500);
    CU_ASSERT_EQUAL(team_map_member_load(map, 0), 500);
    CU_ASSERT_EQUAL(team_map_member_load(map, 1), 0);
    team_map_rebalance(map, 0, moves);
    CU_ASSERT_EQUAL(moves->len, 0);

    /* All down: the active stays, nobody designated; one back: it. */
    team_map_set_usable(map, 0, false, moves);
    check_one_active_move(moves, 0, 1, TEAM_MOVE_FAILOVER);
    team_map_set_usable(map, 1, false, moves);
    CU_ASSERT_EQUAL(moves->len, 0);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_ACTIVE, 0), 1);
    CU_ASSERT_EQUAL(team_map_designated(map), TEAM_NONE);
    team_map_set_usable(map, 2, true, moves);
    check_one_active_move(moves, 1, 2, TEAM_MOVE_FAILOVER);

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

static void
test_active_backup_no_failback(void)
{
    struct team_map *map = make_team(TEAM_POLICY_ACTIVE_BACKUP, false, 3, 0);
    GArray *moves = moves_new();

    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_ACTIVE, 0), 0);
    team_map_set_usable(map, 0, false, moves);
    check_one_active_move(moves, 0, 1, TEAM_MOVE_FAILOVER);
    team_map_set_usable(map, 0, true, moves);
    CU_ASSERT_EQUAL(moves->len, 0);     /* Stays on 1. */
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_ACTIVE, 0), 1);
    team_map_set_usable(map, 2, false, moves);
    team_map_set_usable(map, 2, true, moves);
    CU_ASSERT_EQUAL(moves->len, 0);
    /* When it fails, the first usable in failover order takes over. */
    team_map_set_usable(map, 1, false, moves);
    check_one_active_move(moves, 1, 0, TEAM_MOVE_FAILOVER);

    /* Manual switchover. */
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_ACTIVE, 0, 2, moves), 0);
    check_one_active_move(moves, 0, 2, TEAM_MOVE_MANUAL);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_ACTIVE, 0, 1, moves),
                    -ENETDOWN);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_ACTIVE, 1, 0, moves),
                    -ENOENT);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_BUCKET, 0, 0, moves),
                    -ENOENT);
    CU_ASSERT_EQUAL(moves->len, 0);

    /* Deleting the active member fails over. */
    team_map_del_member(map, 2, moves);
    check_one_active_move(moves, 2, 0, TEAM_MOVE_FAILOVER);

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

/* The fewest moves that bring 'loads' (of 'n' items on 'members') within
 * 'threshold_pct' of the total, found by trying every assignment over
 * 'n_members' members. */
static int
brute_force_min_moves(const uint64_t *loads, const int *members, int n,
                      int n_members, unsigned int threshold_pct)
{
    int best = INT_MAX;
    int combos = 1;

    for (int i = 0; i < n; i++) {
        combos *= n_members;
    }
    for (int c = 0; c < combos; c++) {
        uint64_t sum[TEAM_MAX_MEMBERS] = { 0 };
        uint64_t total = 0, lo = UINT64_MAX, hi = 0;
        int x = c, moved = 0;

        for (int i = 0; i < n; i++) {
            int m = x % n_members;

            x /= n_members;
            sum[m] += loads[i];
            total += loads[i];
            moved += m != members[i];
        }
        for (int m = 0; m < n_members; m++) {
            lo = MIN(lo, sum[m]);
            hi = MAX(hi, sum[m]);
        }
        if ((hi - lo) * 100 <= total * threshold_pct) {
            best = MIN(best, moved);
        }
    }
    return best;
}

/* Loads 'loads[i]' on the i-th bucket given to member 'members[i]' (its
 * 'k'-th bucket), rebalances, and checks the result is within the
 * threshold with the fewest moves. */
static void
check_rebalance(int n_members, const uint64_t *loads, const int *members,
                int n, unsigned int threshold_pct, int expected_moves)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_MAC, true, n_members,
                                     0);
    int next[TEAM_MAX_MEMBERS] = { 0 };
    struct snapshot before, after;
    GArray *moves = moves_new();
    uint64_t lo = UINT64_MAX, hi = 0, total = 0;

    for (int i = 0; i < n; i++) {
        uint32_t ids[TEAM_BUCKETS];

        buckets_of(map, members[i], ids, next[members[i]] + 1);
        team_map_set_load(map, TEAM_ITEM_BUCKET, ids[next[members[i]]++],
                          loads[i]);
        total += loads[i];
    }
    take_snapshot(map, &before);
    team_map_rebalance(map, threshold_pct, moves);
    take_snapshot(map, &after);
    check_moves(&before, moves, &after);
    CU_ASSERT(all_moves_are(moves, TEAM_MOVE_REBALANCE));
    CU_ASSERT_EQUAL(moves->len, expected_moves);
    for (int m = 0; m < n_members; m++) {
        lo = MIN(lo, team_map_member_load(map, m));
        hi = MAX(hi, team_map_member_load(map, m));
    }
    CU_ASSERT((hi - lo) * 100 <= total * threshold_pct);
    CU_ASSERT_EQUAL(expected_moves,
                    brute_force_min_moves(loads, members, n, n_members,
                                          threshold_pct));
    /* Balanced: the next run finds nothing to do. */
    g_array_set_size(moves, 0);
    team_map_rebalance(map, threshold_pct, moves);
    CU_ASSERT_EQUAL(moves->len, 0);

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

static void
test_rebalance_fewest(void)
{
    /* One heavy bucket is half of everything: moving it alone evens it. */
    static const uint64_t loads1[] = { 100, 50, 30, 20 };
    static const int members1[] = { 0, 0, 0, 0 };
    /* Three members: two moves are needed, and two are made. */
    static const uint64_t loads2[] = { 70, 40, 40, 30, 30 };
    static const int members2[] = { 0, 0, 0, 1, 2 };
    /* Two members, small items on both sides. */
    static const uint64_t loads3[] = { 45, 35, 20, 10, 5, 5 };
    static const int members3[] = { 0, 0, 0, 0, 1, 1 };

    check_rebalance(2, loads1, members1, ARRAY_SIZE(loads1), 10, 1);
    check_rebalance(3, loads2, members2, ARRAY_SIZE(loads2), 10, 2);
    check_rebalance(2, loads3, members3, ARRAY_SIZE(loads3), 10, 1);
}

/* Below the threshold nothing moves, even when a move would help. */
static void
test_rebalance_threshold(void)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_MAC, true, 2, 0);
    GArray *moves = moves_new();
    uint32_t a[2], b[1];

    /* Nothing measured: nothing to do. */
    team_map_rebalance(map, 0, moves);
    CU_ASSERT_EQUAL(moves->len, 0);

    buckets_of(map, 0, a, 2);
    buckets_of(map, 1, b, 1);
    team_map_set_load(map, TEAM_ITEM_BUCKET, a[0], 50);
    team_map_set_load(map, TEAM_ITEM_BUCKET, a[1], 5);
    team_map_set_load(map, TEAM_ITEM_BUCKET, b[0], 45);
    /* 55 against 45: a gap of 10% of the total. */
    team_map_rebalance(map, 10, moves);
    CU_ASSERT_EQUAL(moves->len, 0);
    team_map_rebalance(map, 5, moves);
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->id, a[1]);
    CU_ASSERT_EQUAL(team_map_member_load(map, 0), 50);
    CU_ASSERT_EQUAL(team_map_member_load(map, 1), 50);
    CU_ASSERT_EQUAL(team_map_item_load(map, TEAM_ITEM_BUCKET, a[1]), 5);

    /* No single move helps (the only item outweighs the gap): none. */
    team_map_set_load(map, TEAM_ITEM_BUCKET, a[1], 0);
    team_map_set_load(map, TEAM_ITEM_BUCKET, b[0], 0);
    g_array_set_size(moves, 0);
    team_map_rebalance(map, 10, moves);
    CU_ASSERT_EQUAL(moves->len, 0);

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

/* Many equal small buckets: each run moves at most its cap, and the load
 * evens out over runs with the fewest moves in all: 128 buckets of 10 bytes
 * against none, a gap of 1280 that must come down to 10% of the total (128),
 * 20 per move: 58 moves. */
static void
test_rebalance_cap(void)
{
    static const guint expected[] = { 16, 16, 16, 10, 0 };
    struct team_map *map = make_team(TEAM_POLICY_SRC_MAC, true, 2, 0);
    const uint64_t loads[] = { 10, 0 };
    GArray *moves = moves_new();

    set_bucket_loads(map, loads);
    CU_ASSERT_EQUAL(team_map_member_load(map, 0), 1280);
    for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
        g_array_set_size(moves, 0);
        team_map_rebalance(map, 10, moves);
        CU_ASSERT_EQUAL(moves->len, expected[i]);
    }
    CU_ASSERT_EQUAL(team_map_member_load(map, 0), 700);
    CU_ASSERT_EQUAL(team_map_member_load(map, 1), 580);

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

/* An item moved by one run is not moved back by the next, even when the
 * new loads would make it the best choice. */
static void
test_rebalance_no_ping_pong(void)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_MAC, true, 2, 0);
    struct team_map *control;
    GArray *moves = moves_new();
    uint32_t a[2], b[1];
    uint32_t h;

    buckets_of(map, 0, a, 2);
    buckets_of(map, 1, b, 1);
    team_map_set_load(map, TEAM_ITEM_BUCKET, a[0], 40);
    team_map_set_load(map, TEAM_ITEM_BUCKET, a[1], 40);
    team_map_set_load(map, TEAM_ITEM_BUCKET, b[0], 20);
    /* 80 against 20: one 40 moves (the first of the two). */
    team_map_rebalance(map, 20, moves);
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    h = move_at(moves, 0)->id;
    CU_ASSERT_EQUAL(h, a[0]);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, h), 1);

    /* The loads shift: member 1 now carries h = 30 and b = 40, member 0
     * only 4.  Half the gap is 33, nearest is h (30) but h just left
     * member 0: b (40) goes instead. */
    team_map_set_load(map, TEAM_ITEM_BUCKET, h, 30);
    team_map_set_load(map, TEAM_ITEM_BUCKET, b[0], 40);
    team_map_set_load(map, TEAM_ITEM_BUCKET, a[1], 4);
    g_array_set_size(moves, 0);
    team_map_rebalance(map, 20, moves);
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->id, b[0]);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, h), 1);

    /* Control: the same assignment and loads without the history moves h,
     * so the rule above is what kept it in place. */
    control = make_team(TEAM_POLICY_SRC_MAC, true, 2, 0);
    CU_ASSERT_EQUAL(team_map_migrate(control, TEAM_ITEM_BUCKET, h, 1, NULL),
                    0);
    team_map_set_load(control, TEAM_ITEM_BUCKET, h, 30);
    team_map_set_load(control, TEAM_ITEM_BUCKET, b[0], 40);
    team_map_set_load(control, TEAM_ITEM_BUCKET, a[1], 4);
    g_array_set_size(moves, 0);
    team_map_rebalance(control, 20, moves);
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->id, h);

    g_array_free(moves, TRUE);
    team_map_destroy(control);
    team_map_destroy(map);
}

/* Rebalancing never takes a port from its usable preferred member. */
static void
check_rebalance_preferred(int preferred, uint32_t expected)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_PORT, true, 2, 0);
    GArray *moves = moves_new();

    team_map_add_port(map, 1, preferred, NULL);
    for (uint32_t p = 2; p <= 4; p++) {
        team_map_add_port(map, p, TEAM_NONE, NULL);
    }
    CU_ASSERT_EQUAL_FATAL(team_map_member_of(map, TEAM_ITEM_PORT, 1), 0);
    CU_ASSERT_EQUAL_FATAL(team_map_member_of(map, TEAM_ITEM_PORT, 2), 1);
    CU_ASSERT_EQUAL_FATAL(team_map_member_of(map, TEAM_ITEM_PORT, 3), 0);
    CU_ASSERT_EQUAL_FATAL(team_map_member_of(map, TEAM_ITEM_PORT, 4), 1);
    /* 600 against 0: ports 1 and 3 each make it even; the first would go
     * unless it is held by its preference. */
    team_map_set_load(map, TEAM_ITEM_PORT, 1, 300);
    team_map_set_load(map, TEAM_ITEM_PORT, 3, 300);
    team_map_rebalance(map, 10, moves);
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->id, expected);
    CU_ASSERT_EQUAL(move_at(moves, 0)->to, 1);
    CU_ASSERT_EQUAL(team_map_member_load(map, 0), 300);
    CU_ASSERT_EQUAL(team_map_member_load(map, 1), 300);

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

static void
test_rebalance_preferred(void)
{
    check_rebalance_preferred(0, 3);
    check_rebalance_preferred(TEAM_NONE, 1);    /* Control. */
}

/* Rebalancing an item displaced by a failure keeps its way home. */
static void
test_rebalance_keeps_home(void)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_MAC, true, 3, 0);
    struct snapshot s0, s1;
    GArray *moves = moves_new();
    uint32_t x[1], y[2], z[1];
    int m, o;

    take_snapshot(map, &s0);
    buckets_of(map, 1, x, 1);
    team_map_set_usable(map, 1, false, NULL);
    m = team_map_member_of(map, TEAM_ITEM_BUCKET, x[0]);
    o = m == 0 ? 2 : 0;
    buckets_of(map, m, y, 2);
    if (y[0] == x[0]) {
        y[0] = y[1];
    }
    buckets_of(map, o, z, 1);
    /* m: x (100) and y (150), o: z (10).  Half the gap is 120: x moves. */
    team_map_set_load(map, TEAM_ITEM_BUCKET, x[0], 100);
    team_map_set_load(map, TEAM_ITEM_BUCKET, y[0], 150);
    team_map_set_load(map, TEAM_ITEM_BUCKET, z[0], 10);
    team_map_rebalance(map, 10, moves);
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->id, x[0]);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, x[0]), o);

    /* Member 1 back: x comes home with the rest. */
    team_map_set_usable(map, 1, true, NULL);
    take_snapshot(map, &s1);
    CU_ASSERT_EQUAL(s1.buckets[x[0]], 1);
    CU_ASSERT(!memcmp(s0.buckets, s1.buckets, sizeof s0.buckets));

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

static void
test_migrate(void)
{
    struct team_map *map = make_team(TEAM_POLICY_HASH, true, 3, 0);
    struct snapshot s0, s1;
    GArray *moves = moves_new();
    int from = team_map_member_of(map, TEAM_ITEM_BUCKET, 17);
    int to = (from + 1) % 3;

    team_map_add_member(map);           /* Slot 3, never usable. */
    take_snapshot(map, &s0);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_BUCKET, 256, 0, moves),
                    -ENOENT);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_PORT, 1, 0, moves),
                    -ENOENT);
    team_map_add_port(map, 1, TEAM_NONE, NULL);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_PORT, 1, 0, moves),
                    -ENOENT);           /* Not an item of this policy. */
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_ACTIVE, 0, 0, moves),
                    -ENOENT);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_BUCKET, 17, 4, moves),
                    -EINVAL);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_BUCKET, 17, -1, moves),
                    -EINVAL);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_BUCKET, 17,
                                     TEAM_MAX_MEMBERS, moves), -EINVAL);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_BUCKET, 17, 3, moves),
                    -ENETDOWN);
    CU_ASSERT_EQUAL(moves->len, 0);
    take_snapshot(map, &s1);
    CU_ASSERT(!memcmp(s0.buckets, s1.buckets, sizeof s0.buckets));

    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_BUCKET, 17, to, moves),
                    0);
    CU_ASSERT_EQUAL_FATAL(moves->len, 1);
    CU_ASSERT_EQUAL(move_at(moves, 0)->from, from);
    CU_ASSERT_EQUAL(move_at(moves, 0)->to, to);
    CU_ASSERT_EQUAL(move_at(moves, 0)->reason, TEAM_MOVE_MANUAL);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, 17), to);
    /* Already there: no move. */
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_BUCKET, 17, to, moves),
                    0);
    CU_ASSERT_EQUAL(moves->len, 1);

    /* Its home is now 'to': the old member coming back does not take it,
     * 'to' coming back does. */
    team_map_set_usable(map, from, false, NULL);
    team_map_set_usable(map, from, true, NULL);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, 17), to);
    team_map_set_usable(map, to, false, NULL);
    CU_ASSERT_NOT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, 17), to);
    team_map_set_usable(map, to, true, NULL);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, 17), to);

    g_array_free(moves, TRUE);
    team_map_destroy(map);

    map = make_team(TEAM_POLICY_SRC_PORT, true, 2, 2);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_PORT, 3, 0, NULL),
                    -ENOENT);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_BUCKET, 0, 0, NULL),
                    -ENOENT);
    CU_ASSERT_EQUAL(team_map_migrate(map, TEAM_ITEM_PORT, 2, 0, NULL), 0);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 2), 0);
    team_map_destroy(map);
}

static void
test_del_member(void)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_PORT, true, 3, 9);
    struct snapshot before, after;
    GArray *moves = moves_new();
    int slots[TEAM_MAX_MEMBERS];

    team_map_add_port(map, 10, 1, NULL);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 10), 1);
    team_map_set_load(map, TEAM_ITEM_PORT, 1, 10);  /* Measured. */
    take_snapshot(map, &before);
    team_map_del_member(map, 1, moves);
    take_snapshot(map, &after);
    check_moves(&before, moves, &after);
    CU_ASSERT_EQUAL(moves->len, count_ports(&before, 1));
    CU_ASSERT(all_moves_are(moves, TEAM_MOVE_FAILOVER));
    CU_ASSERT_EQUAL(count_ports(&after, 1), 0);
    CU_ASSERT(!team_map_has_member(map, 1));
    CU_ASSERT(!team_map_is_usable(map, 1));
    CU_ASSERT_EQUAL(team_map_members(map, slots), 2);
    CU_ASSERT_EQUAL(slots[0], 0);
    CU_ASSERT_EQUAL(slots[1], 2);

    /* The slot is reused, at the end of the failover order; neither the
     * preference nor the homes come back with it. */
    CU_ASSERT_EQUAL(team_map_add_member(map), 1);
    CU_ASSERT_EQUAL(team_map_members(map, slots), 3);
    CU_ASSERT_EQUAL(slots[2], 1);
    CU_ASSERT_EQUAL(team_map_designated(map), 0);
    g_array_set_size(moves, 0);
    team_map_set_usable(map, 1, true, moves);
    CU_ASSERT_EQUAL(moves->len, 0);
    CU_ASSERT_NOT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 10), 1);

    /* Deleting twice, or an unknown slot, does nothing. */
    team_map_del_member(map, 5, moves);
    team_map_del_member(map, -1, moves);
    CU_ASSERT_EQUAL(moves->len, 0);
    team_map_destroy(map);

    /* Deleting the member that holds everything while the team is down:
     * the items have no member until one comes up. */
    map = make_team(TEAM_POLICY_SRC_MAC, true, 2, 0);
    team_map_set_usable(map, 0, false, NULL);
    team_map_set_usable(map, 1, false, NULL);
    g_array_set_size(moves, 0);
    team_map_del_member(map, 1, moves);
    CU_ASSERT_EQUAL(moves->len, 0);
    take_snapshot(map, &after);
    CU_ASSERT_EQUAL(count_buckets(&after, TEAM_NONE), TEAM_BUCKETS);
    team_map_set_usable(map, 0, true, moves);
    take_snapshot(map, &after);
    CU_ASSERT_EQUAL(count_buckets(&after, 0), TEAM_BUCKETS);
    CU_ASSERT_EQUAL(moves->len, TEAM_BUCKETS);

    g_array_free(moves, TRUE);
    team_map_destroy(map);
}

static void
test_member_limit(void)
{
    struct team_map *map = team_map_create(TEAM_POLICY_SRC_MAC, false);
    int slots[TEAM_MAX_MEMBERS];

    CU_ASSERT_EQUAL(team_map_members(map, slots), 0);
    for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
        CU_ASSERT_EQUAL(team_map_add_member(map), i);
        CU_ASSERT(team_map_has_member(map, i));
    }
    CU_ASSERT_EQUAL(team_map_add_member(map), TEAM_NONE);
    CU_ASSERT_EQUAL(team_map_members(map, slots), TEAM_MAX_MEMBERS);
    team_map_del_member(map, 3, NULL);
    CU_ASSERT_EQUAL(team_map_add_member(map), 3);
    CU_ASSERT_EQUAL(team_map_add_member(map), TEAM_NONE);
    CU_ASSERT_EQUAL(team_map_members(map, slots), TEAM_MAX_MEMBERS);
    CU_ASSERT_EQUAL(slots[TEAM_MAX_MEMBERS - 1], 3);
    CU_ASSERT(!team_map_has_member(map, TEAM_MAX_MEMBERS));
    CU_ASSERT(!team_map_has_member(map, TEAM_NONE));
    /* Sixteen members share the buckets evenly. */
    for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
        team_map_set_usable(map, i, true, NULL);
    }
    for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
        int n = 0;

        for (uint32_t b = 0; b < TEAM_BUCKETS; b++) {
            n += team_map_member_of(map, TEAM_ITEM_BUCKET, b) == i;
        }
        CU_ASSERT_EQUAL(n, TEAM_BUCKETS / TEAM_MAX_MEMBERS);
    }
    team_map_destroy(map);
    team_map_destroy(NULL);
}

static void
test_unknown_items(void)
{
    struct team_map *map = make_team(TEAM_POLICY_SRC_PORT, true, 2, 3);
    uint32_t ports[2];

    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 99), TEAM_NONE);
    CU_ASSERT_NOT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 3),
                        TEAM_NONE);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, 0), TEAM_NONE);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_ACTIVE, 0), TEAM_NONE);
    CU_ASSERT_EQUAL(team_map_item_load(map, TEAM_ITEM_PORT, 99), 0);
    team_map_set_load(map, TEAM_ITEM_PORT, 99, 5);  /* Ignored. */
    CU_ASSERT_EQUAL(team_map_item_load(map, TEAM_ITEM_PORT, 99), 0);
    CU_ASSERT_EQUAL(team_map_member_load(map, 7), 0);

    team_map_del_port(map, 2);
    team_map_del_port(map, 2);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 2), TEAM_NONE);
    team_map_add_port(map, 0, TEAM_NONE, NULL);
    CU_ASSERT_EQUAL(team_map_ports(map, ports, 2), 3);
    CU_ASSERT_EQUAL(ports[0], 0);
    CU_ASSERT_EQUAL(ports[1], 1);
    CU_ASSERT_EQUAL(team_map_ports(map, NULL, 0), 3);
    team_map_destroy(map);

    map = make_team(TEAM_POLICY_SRC_MAC, true, 2, 1);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, TEAM_BUCKETS),
                    TEAM_NONE);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, UINT32_MAX),
                    TEAM_NONE);
    CU_ASSERT_NOT_EQUAL(team_map_member_of(map, TEAM_ITEM_BUCKET, 255),
                        TEAM_NONE);
    /* A port is known but buckets carry its traffic. */
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_PORT, 1), TEAM_NONE);
    CU_ASSERT_EQUAL(team_map_ports(map, NULL, 0), 1);
    CU_ASSERT_EQUAL(team_map_member_of(map, TEAM_ITEM_ACTIVE, 0), TEAM_NONE);
    team_map_destroy(map);
}

/* Adding many ports at once places each where adding them one by one
 * would, with the same moves: loads measured before, preferences (usable
 * or not), a port already known, and members of unequal load. */
static void
test_add_ports_batch(void)
{
    enum { N_OLD = 6, N_NEW = 40 };
    struct team_map *one = make_team(TEAM_POLICY_SRC_PORT, true, 3, N_OLD);
    struct team_map *all = make_team(TEAM_POLICY_SRC_PORT, true, 3, N_OLD);
    uint32_t port_nos[N_NEW];
    int preferred[N_NEW];
    GArray *moves_one = moves_new(), *moves_all = moves_new();

    for (struct team_map **m = (struct team_map *[]) { one, all, NULL }; *m;
         m++) {
        /* Member 2 goes unusable (its ports move), member 0 is loaded. */
        team_map_set_usable(*m, 2, false, NULL);
        for (uint32_t p = 1; p <= N_OLD; p++) {
            team_map_set_load(*m, TEAM_ITEM_PORT, p,
                              team_map_member_of(*m, TEAM_ITEM_PORT, p) == 0
                              ? 5000 : 10);
        }
    }
    for (int i = 0; i < N_NEW; i++) {
        /* Port 3 again, with a preference now; the others new. */
        port_nos[i] = i == 7 ? 3 : 100 + i;
        preferred[i] = i == 7 ? 0 : i % 5 == 0 ? 1 : i % 7 == 0 ? 2
                       : TEAM_NONE;
    }
    for (int i = 0; i < N_NEW; i++) {
        team_map_add_port(one, port_nos[i], preferred[i], moves_one);
    }
    team_map_add_ports(all, port_nos, preferred, N_NEW, moves_all);

    CU_ASSERT_EQUAL(moves_all->len, moves_one->len);
    for (guint i = 0; i < MIN(moves_all->len, moves_one->len); i++) {
        CU_ASSERT(!memcmp(move_at(moves_all, i), move_at(moves_one, i),
                          sizeof(struct team_move)));
    }
    for (int i = 0; i < N_NEW; i++) {
        CU_ASSERT(team_map_has_port(all, port_nos[i]));
        CU_ASSERT_EQUAL(team_map_member_of(all, TEAM_ITEM_PORT, port_nos[i]),
                        team_map_member_of(one, TEAM_ITEM_PORT,
                                           port_nos[i]));
        CU_ASSERT_NOT_EQUAL(team_map_member_of(all, TEAM_ITEM_PORT,
                                               port_nos[i]), 2);
    }
    /* Port 3 follows its new preference; the new ports without a usable
     * preference all go to member 1, whose measured load stays the lower
     * (new ports carry nothing yet). */
    CU_ASSERT_EQUAL(team_map_member_of(all, TEAM_ITEM_PORT, 3), 0);
    for (int i = 0; i < N_NEW; i++) {
        if (i != 7) {
            CU_ASSERT_EQUAL(team_map_member_of(all, TEAM_ITEM_PORT,
                                               port_nos[i]), 1);
        }
    }
    CU_ASSERT(!team_map_has_port(all, 99));
    team_map_destroy(one);
    team_map_destroy(all);
    g_array_free(moves_one, TRUE);
    g_array_free(moves_all, TRUE);
}

static const CU_TestInfo tests[] = {
    { "names", test_names },
    { "setup: buckets", test_setup_buckets },
    { "setup: team sizes", test_setup_sizes },
    { "setup: ports", test_setup_ports },
    { "setup: many ports at once", test_add_ports_batch },
    { "failover: only the failed member's buckets", test_failover_buckets },
    { "failover: by load", test_failover_by_load },
    { "failback: buckets", test_failback_buckets },
    { "failback: ports", test_failback_ports },
    { "no failback", test_no_failback },
    { "preferred port", test_preferred_port },
    { "preferred member up later", test_preferred_before_up },
    { "all members down", test_all_down },
    { "active-backup with failback", test_active_backup_failback },
    { "active-backup without failback", test_active_backup_no_failback },
    { "rebalance: fewest moves", test_rebalance_fewest },
    { "rebalance: threshold", test_rebalance_threshold },
    { "rebalance: cap per run", test_rebalance_cap },
    { "rebalance: no ping-pong", test_rebalance_no_ping_pong },
    { "rebalance: preferred ports", test_rebalance_preferred },
    { "rebalance: displaced items keep home", test_rebalance_keeps_home },
    { "migrate", test_migrate },
    { "del member", test_del_member },
    { "member limit", test_member_limit },
    { "unknown items", test_unknown_items },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("team-map", NULL, NULL, tests);
}
