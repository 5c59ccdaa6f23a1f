#include <autoconf.h>
#include "team-map.h"

#include <errno.h>
#include <string.h>

/* Most items one rebalancing run moves: evening out a large imbalance takes
 * a few runs, so that no run disturbs many flows at once. */
#define TEAM_REBALANCE_MAX_MOVES 16

/* One thing a member carries: a hash bucket or a VM port.  The active
 * member of an active-backup team is kept apart (struct team_map). */
struct team_item {
    enum team_item_kind kind;   /* TEAM_ITEM_PORT or TEAM_ITEM_BUCKET. */
    uint32_t id;                /* Port number or bucket. */
    int member;                 /* Member carrying it now, or TEAM_NONE. */
    int home;                   /* Member it goes back to on failback (where
                                 * it was before a failure moved it), or
                                 * TEAM_NONE before its first assignment. */
    int preferred;              /* Ports: preferred member, or TEAM_NONE. */
    uint64_t load;              /* Bytes measured over the last interval. */
    int left_member;            /* Member it left in rebalancing run
                                 * 'left_run'. */
    uint64_t left_run;          /* That run, 0 if never moved by
                                 * rebalancing. */
};

/* One member slot. */
struct team_member {
    bool present;               /* The slot is in use. */
    bool usable;                /* It can carry traffic now. */
    bool was_usable;            /* It has been usable at least once. */
};

/* A member's share of the items, as the balancing decisions see it. */
struct member_load {
    uint64_t bytes;             /* Sum of the loads of its items. */
    unsigned int count;         /* Number of its items. */
};

struct team_map {
    const struct team_policy_class *cls; /* Policy, fixed at creation. */
    bool failback;              /* Items go back home when it returns. */
    struct team_member members[TEAM_MAX_MEMBERS]; /* By slot. */
    int order[TEAM_MAX_MEMBERS]; /* Present slots in failover order. */
    int n_members;              /* Entries in 'order'. */
    struct team_item buckets[TEAM_BUCKETS]; /* Items of the bucket
                                             * policies. */
    GHashTable *ports;          /* Port number -> owned struct team_item:
                                 * items of the src-port policy, known (with
                                 * their preference) under every policy. */
    int active;                 /* Active-backup: the active member, or
                                 * TEAM_NONE before the first one. */
    int active_home;            /* Active-backup: member chosen by
                                 * team_map_migrate(), or TEAM_NONE. */
    bool load_measured;         /* A non-zero load was set at least once. */
    uint64_t rebalance_run;     /* Rebalancing runs so far. */
};

const char *
team_move_reason_name(enum team_move_reason reason)
{
    switch (reason) {
    case TEAM_MOVE_FAILOVER:
        return "failover";
    case TEAM_MOVE_FAILBACK:
        return "failback";
    case TEAM_MOVE_REBALANCE:
        return "rebalance";
    case TEAM_MOVE_MANUAL:
        return "manual";
    case TEAM_MOVE_INITIAL:
        return "initial";
    }
    return "unknown";
}

static void
item_init(struct team_item *item, enum team_item_kind kind, uint32_t id)
{
    memset(item, 0, sizeof *item);
    item->kind = kind;
    item->id = id;
    item->member = TEAM_NONE;
    item->home = TEAM_NONE;
    item->preferred = TEAM_NONE;
    item->left_member = TEAM_NONE;
}

struct team_map *
team_map_create(enum team_policy policy, bool failback)
{
    struct team_map *map = g_new0(struct team_map, 1);

    map->cls = team_policy_class(policy);
    map->failback = failback;
    for (uint32_t i = 0; i < TEAM_BUCKETS; i++) {
        item_init(&map->buckets[i], TEAM_ITEM_BUCKET, i);
    }
    map->ports = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       g_free);
    map->active = TEAM_NONE;
    map->active_home = TEAM_NONE;
    return map;
}

void
team_map_destroy(struct team_map *map)
{
    if (map) {
        g_hash_table_destroy(map->ports);
        g_free(map);
    }
}

enum team_policy
team_map_policy(const struct team_map *map)
{
    return map->cls->policy;
}

void
team_map_set_failback(struct team_map *map, bool failback)
{
    map->failback = failback;
}

bool
team_map_has_member(const struct team_map *map, int slot)
{
    return slot >= 0 && slot < TEAM_MAX_MEMBERS && map->members[slot].present;
}

bool
team_map_is_usable(const struct team_map *map, int slot)
{
    return team_map_has_member(map, slot) && map->members[slot].usable;
}

int
team_map_members(const struct team_map *map, int slots[TEAM_MAX_MEMBERS])
{
    memcpy(slots, map->order, map->n_members * sizeof *slots);
    return map->n_members;
}

int
team_map_designated(const struct team_map *map)
{
    for (int i = 0; i < map->n_members; i++) {
        if (map->members[map->order[i]].usable) {
            return map->order[i];
        }
    }
    return TEAM_NONE;
}

static bool
any_usable(const struct team_map *map)
{
    return team_map_designated(map) != TEAM_NONE;
}

static bool
uses_buckets(const struct team_map *map)
{
    return map->cls->item == TEAM_ITEM_BUCKET;
}

static struct team_item *
find_port(const struct team_map *map, uint32_t port_no)
{
    return g_hash_table_lookup(map->ports, GUINT_TO_POINTER(port_no));
}

static gint
compare_items_by_id(gconstpointer a_, gconstpointer b_)
{
    const struct team_item *a = *(struct team_item *const *) a_;
    const struct team_item *b = *(struct team_item *const *) b_;

    return a->id < b->id ? -1 : a->id > b->id;
}

/* Heaviest first, then by id, so that placing items one by one on the
 * least loaded member packs them well and always the same way. */
static gint
compare_items_by_load(gconstpointer a_, gconstpointer b_)
{
    const struct team_item *a = *(struct team_item *const *) a_;
    const struct team_item *b = *(struct team_item *const *) b_;

    if (a->load != b->load) {
        return a->load > b->load ? -1 : 1;
    }
    return compare_items_by_id(a_, b_);
}

/* Every port, in ascending port number.  The caller frees the array. */
static GPtrArray *
sorted_ports(const struct team_map *map)
{
    GPtrArray *items = g_ptr_array_sized_new(g_hash_table_size(map->ports));
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, map->ports);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_ptr_array_add(items, value);
    }
    g_ptr_array_sort(items, compare_items_by_id);
    return items;
}

/* The items the policy assigns to members, in ascending id: ports for
 * src-port, buckets for the bucket policies, none for active-backup.  The
 * caller frees the array. */
static GPtrArray *
policy_items(const struct team_map *map)
{
    GPtrArray *items;

    if (map->cls->item == TEAM_ITEM_PORT) {
        return sorted_ports(map);
    }
    items = g_ptr_array_new();
    if (uses_buckets(map)) {
        for (size_t i = 0; i < TEAM_BUCKETS; i++) {
            g_ptr_array_add(items, (struct team_item *) &map->buckets[i]);
        }
    }
    return items;
}

/* True if 'item' is a port held on its member by a usable preference. */
static bool
item_is_pinned(const struct team_map *map, const struct team_item *item)
{
    return (item->preferred != TEAM_NONE
            && item->preferred == item->member
            && team_map_is_usable(map, item->preferred));
}

static void
compute_loads(const struct team_map *map, const GPtrArray *items,
              struct member_load loads[TEAM_MAX_MEMBERS])
{
    memset(loads, 0, TEAM_MAX_MEMBERS * sizeof *loads);
    for (guint i = 0; i < items->len; i++) {
        const struct team_item *item = g_ptr_array_index(items, i);

        if (item->member != TEAM_NONE) {
            loads[item->member].bytes += item->load;
            loads[item->member].count++;
        }
    }
}

/* The usable member with the least load: fewest bytes, then fewest items,
 * then first in failover order.  TEAM_NONE if no member is usable. */
static int
least_loaded(const struct team_map *map,
             const struct member_load loads[TEAM_MAX_MEMBERS])
{
    int best = TEAM_NONE;

    for (int i = 0; i < map->n_members; i++) {
        int slot = map->order[i];

        if (!map->members[slot].usable) {
            continue;
        }
        if (best == TEAM_NONE
            || loads[slot].bytes < loads[best].bytes
            || (loads[slot].bytes == loads[best].bytes
                && loads[slot].count < loads[best].count)) {
            best = slot;
        }
    }
    return best;
}

static void
append_move(GArray *moves, enum team_item_kind kind, uint32_t id, int from,
            int to, enum team_move_reason reason)
{
    if (moves) {
        struct team_move move = {
            .kind = kind, .id = id, .from = from, .to = to, .reason = reason,
        };

        g_array_append_val(moves, move);
    }
}

/* Moves 'item' to 'to', keeping 'loads' (if nonnull) up to date. */
static void
move_item(struct team_item *item, int to, enum team_move_reason reason,
          struct member_load *loads, GArray *moves)
{
    if (item->member == to) {
        return;
    }
    if (loads && item->member != TEAM_NONE) {
        loads[item->member].bytes -= item->load;
        loads[item->member].count--;
    }
    if (loads) {
        loads[to].bytes += item->load;
        loads[to].count++;
    }
    append_move(moves, item->kind, item->id, item->member, to, reason);
    item->member = to;
}

/* Active-backup: the member that should be active, given that the current
 * one is to be replaced (or failback wants the best one). */
static int
ab_choose(const struct team_map *map)
{
    if (team_map_is_usable(map, map->active_home)) {
        return map->active_home;
    }
    return team_map_designated(map);
}

/* Active-backup: re-evaluates the active member after a change. */
static void
ab_update(struct team_map *map, GArray *moves)
{
    enum team_move_reason reason;
    int target;

    if (!any_usable(map)) {
        return;                 /* The team is down: the active stays. */
    }
    if (map->active == TEAM_NONE) {
        reason = TEAM_MOVE_INITIAL;
    } else if (!team_map_is_usable(map, map->active)) {
        reason = TEAM_MOVE_FAILOVER;
    } else if (map->failback) {
        reason = TEAM_MOVE_FAILBACK;
    } else {
        return;                 /* Stays where it is while usable. */
    }
    target = ab_choose(map);
    if (target != map->active) {
        append_move(moves, TEAM_ITEM_ACTIVE, 0, map->active, target, reason);
        map->active = target;
    }
}

/* Moves every item of 'slot', which just became unusable, each to the
 * least loaded usable member at that moment.  Items keep their home, so
 * that failback can bring them back.  Nothing moves if no member is
 * usable. */
static void
fail_over_items(struct team_map *map, int slot, GArray *moves)
{
    GPtrArray *items = policy_items(map);
    GPtrArray *orphans = g_ptr_array_new();
    struct member_load loads[TEAM_MAX_MEMBERS];

    compute_loads(map, items, loads);
    for (guint i = 0; i < items->len; i++) {
        struct team_item *item = g_ptr_array_index(items, i);

        if (item->member == slot) {
            g_ptr_array_add(orphans, item);
        }
    }
    g_ptr_array_sort(orphans, compare_items_by_load);
    for (guint i = 0; i < orphans->len; i++) {
        struct team_item *item = g_ptr_array_index(orphans, i);
        int to = (team_map_is_usable(map, item->preferred)
                  ? item->preferred : least_loaded(map, loads));

        if (to == TEAM_NONE) {
            break;
        }
        if (item->home == TEAM_NONE) {
            item->home = slot;
        }
        move_item(item, to, TEAM_MOVE_FAILOVER, loads, moves);
    }
    g_ptr_array_free(orphans, TRUE);
    g_ptr_array_free(items, TRUE);
}

/* Gives a member to every item whose member is not usable (the team was
 * down, or the item never had one): its preferred member or home if
 * usable, else the least loaded member. */
static void
place_orphans(struct team_map *map, GPtrArray *items, GArray *moves)
{
    struct member_load loads[TEAM_MAX_MEMBERS];
    GPtrArray *orphans = g_ptr_array_new();

    compute_loads(map, items, loads);
    for (guint i = 0; i < items->len; i++) {
        struct team_item *item = g_ptr_array_index(items, i);

        if (!team_map_is_usable(map, item->member)) {
            g_ptr_array_add(orphans, item);
        }
    }
    g_ptr_array_sort(orphans, compare_items_by_load);
    for (guint i = 0; i < orphans->len; i++) {
        struct team_item *item = g_ptr_array_index(orphans, i);
        enum team_move_reason reason;
        int to;

        if (team_map_is_usable(map, item->preferred)) {
            to = item->preferred;
            reason = TEAM_MOVE_FAILBACK;
        } else if (team_map_is_usable(map, item->home)) {
            to = item->home;
            reason = TEAM_MOVE_FAILBACK;
        } else {
            to = least_loaded(map, loads);
            reason = TEAM_MOVE_FAILOVER;
        }
        if (to == TEAM_NONE) {
            break;
        }
        if (item->member == TEAM_NONE) {
            reason = TEAM_MOVE_INITIAL;
        }
        if (item->home == TEAM_NONE || reason == TEAM_MOVE_INITIAL
            || to == item->preferred) {
            item->home = to;
        }
        move_item(item, to, reason, loads, moves);
    }
    g_ptr_array_free(orphans, TRUE);
}

/* Spreads the items evenly by count over the usable members, moving the
 * fewest: one at a time from the member with the most movable items to the
 * one with the fewest, until the counts differ by at most one (or only
 * pinned ports make the difference). */
static void
spread_evenly(struct team_map *map, GPtrArray *items, GArray *moves)
{
    for (;;) {
        struct team_item *last_movable[TEAM_MAX_MEMBERS] = { NULL };
        struct member_load loads[TEAM_MAX_MEMBERS];
        int from = TEAM_NONE;
        int to;

        compute_loads(map, items, loads);
        for (guint i = 0; i < items->len; i++) {
            struct team_item *item = g_ptr_array_index(items, i);

            if (team_map_is_usable(map, item->member)
                && !item_is_pinned(map, item)) {
                last_movable[item->member] = item;
            }
        }
        for (int i = 0; i < map->n_members; i++) {
            int slot = map->order[i];

            if (last_movable[slot]
                && (from == TEAM_NONE
                    || loads[slot].count > loads[from].count)) {
                from = slot;
            }
        }
        to = least_loaded(map, loads);
        if (from == TEAM_NONE || to == TEAM_NONE
            || loads[from].count <= loads[to].count + 1) {
            return;
        }
        last_movable[from]->home = to;
        move_item(last_movable[from], to, TEAM_MOVE_REBALANCE, NULL, moves);
    }
}

/* 'slot' just became usable. */
static void
member_up(struct team_map *map, int slot, bool first_time, GArray *moves)
{
    GPtrArray *items = policy_items(map);
    unsigned int n_usable = 0;

    place_orphans(map, items, moves);

    for (guint i = 0; i < items->len; i++) {
        struct team_item *item = g_ptr_array_index(items, i);

        if (item->member == slot) {
            continue;
        }
        if (item->preferred == slot) {
            /* A preference holds whatever the failback setting. */
            item->home = slot;
            move_item(item, slot, TEAM_MOVE_FAILBACK, NULL, moves);
        } else if (item->home == slot) {
            if (map->failback && !item_is_pinned(map, item)) {
                move_item(item, slot, TEAM_MOVE_FAILBACK, NULL, moves);
            } else {
                item->home = item->member;
            }
        }
    }

    /* A member that comes up for the first time has nothing at home: on a
     * team that carries measured traffic, rebalancing will give it some,
     * but a fresh team has no measure to go by, so it is balanced by count
     * now. */
    for (int i = 0; i < map->n_members; i++) {
        n_usable += map->members[map->order[i]].usable;
    }
    if (first_time && !map->load_measured && n_usable > 1) {
        spread_evenly(map, items, moves);
    }
    g_ptr_array_free(items, TRUE);
}

int
team_map_add_member(struct team_map *map)
{
    for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
        if (!map->members[slot].present) {
            memset(&map->members[slot], 0, sizeof map->members[slot]);
            map->members[slot].present = true;
            map->order[map->n_members++] = slot;
            return slot;
        }
    }
    return TEAM_NONE;
}

void
team_map_set_usable(struct team_map *map, int slot, bool usable,
                    GArray *moves)
{
    struct team_member *member;
    bool first_time;

    if (!team_map_has_member(map, slot)) {
        return;
    }
    member = &map->members[slot];
    if (member->usable == usable) {
        return;
    }
    first_time = !member->was_usable;
    member->usable = usable;
    member->was_usable |= usable;

    if (map->cls->item == TEAM_ITEM_ACTIVE) {
        ab_update(map, moves);
    } else if (usable) {
        member_up(map, slot, first_time, moves);
    } else {
        fail_over_items(map, slot, moves);
    }
}

void
team_map_del_member(struct team_map *map, int slot, GArray *moves)
{
    GPtrArray *items;
    GPtrArray *ports;
    int n = 0;

    if (!team_map_has_member(map, slot)) {
        return;
    }
    team_map_set_usable(map, slot, false, moves);

    /* What could not fail over (no usable member) loses its member. */
    items = policy_items(map);
    for (guint i = 0; i < items->len; i++) {
        struct team_item *item = g_ptr_array_index(items, i);

        if (item->member == slot) {
            item->member = TEAM_NONE;
        }
        if (item->home == slot) {
            item->home = item->member;
        }
        if (item->left_member == slot) {
            item->left_member = TEAM_NONE;
            item->left_run = 0;
        }
    }
    g_ptr_array_free(items, TRUE);

    ports = sorted_ports(map);
    for (guint i = 0; i < ports->len; i++) {
        struct team_item *port = g_ptr_array_index(ports, i);

        if (port->preferred == slot) {
            port->preferred = TEAM_NONE;
        }
    }
    g_ptr_array_free(ports, TRUE);

    if (map->active == slot) {
        map->active = TEAM_NONE;
    }
    if (map->active_home == slot) {
        map->active_home = TEAM_NONE;
    }

    for (int i = 0; i < map->n_members; i++) {
        if (map->order[i] != slot) {
            map->order[n++] = map->order[i];
        }
    }
    map->n_members = n;
    memset(&map->members[slot], 0, sizeof map->members[slot]);
}

/* A preference for 'slot' as the contract allows it: a present member or
 * TEAM_NONE. */
static int
valid_preference(const struct team_map *map, int slot)
{
    return team_map_has_member(map, slot) ? slot : TEAM_NONE;
}

/* Moves a port to its preferred member if that member is usable. */
static void
port_follow_preference(struct team_map *map, struct team_item *port,
                       enum team_move_reason reason, GArray *moves)
{
    if (map->cls->item == TEAM_ITEM_PORT
        && team_map_is_usable(map, port->preferred)) {
        port->home = port->preferred;
        move_item(port, port->preferred, reason, NULL, moves);
    }
}

void
team_map_add_ports(struct team_map *map, const uint32_t *port_nos,
                   const int *preferred, size_t n, GArray *moves)
{
    struct member_load loads[TEAM_MAX_MEMBERS];

    /* The loads are measured once for the whole lot, then kept up to date
     * as each port is placed: the placement of adding them one by one, in
     * O(n) instead of O(n^2). */
    if (map->cls->item == TEAM_ITEM_PORT) {
        GPtrArray *items = policy_items(map);

        compute_loads(map, items, loads);
        g_ptr_array_free(items, TRUE);
    }
    for (size_t i = 0; i < n; i++) {
        struct team_item *port = find_port(map, port_nos[i]);
        int to;

        if (port) {
            int from = port->member;

            team_map_set_preferred(map, port_nos[i], preferred[i], moves);
            if (map->cls->item == TEAM_ITEM_PORT && from != port->member) {
                if (from != TEAM_NONE) {
                    loads[from].bytes -= port->load;
                    loads[from].count--;
                }
                loads[port->member].bytes += port->load;
                loads[port->member].count++;
            }
            continue;
        }
        port = g_new(struct team_item, 1);
        item_init(port, TEAM_ITEM_PORT, port_nos[i]);
        port->preferred = valid_preference(map, preferred[i]);
        g_hash_table_insert(map->ports, GUINT_TO_POINTER(port_nos[i]), port);

        if (map->cls->item != TEAM_ITEM_PORT) {
            continue;
        }
        to = (team_map_is_usable(map, port->preferred) ? port->preferred
              : least_loaded(map, loads));
        if (to != TEAM_NONE) {
            port->home = to;
            move_item(port, to, TEAM_MOVE_INITIAL, loads, moves);
        }
    }
}

void
team_map_add_port(struct team_map *map, uint32_t port_no, int preferred,
                  GArray *moves)
{
    team_map_add_ports(map, &port_no, &preferred, 1, moves);
}

bool
team_map_has_port(const struct team_map *map, uint32_t port_no)
{
    return find_port(map, port_no) != NULL;
}

void
team_map_del_port(struct team_map *map, uint32_t port_no)
{
    g_hash_table_remove(map->ports, GUINT_TO_POINTER(port_no));
}

void
team_map_set_preferred(struct team_map *map, uint32_t port_no,
                       int preferred, GArray *moves)
{
    struct team_item *port = find_port(map, port_no);

    if (!port) {
        return;
    }
    port->preferred = valid_preference(map, preferred);
    if (port->member != TEAM_NONE) {
        port_follow_preference(map, port, TEAM_MOVE_MANUAL, moves);
    }
}

int
team_map_member_of(const struct team_map *map, enum team_item_kind kind,
                   uint32_t id)
{
    switch (kind) {
    case TEAM_ITEM_PORT:
        if (!find_port(map, id)) {
            return TEAM_NONE;
        }
        if (map->cls->item == TEAM_ITEM_ACTIVE) {
            return map->active;
        }
        return (map->cls->item == TEAM_ITEM_PORT
                ? find_port(map, id)->member : TEAM_NONE);

    case TEAM_ITEM_BUCKET:
        if (id >= TEAM_BUCKETS) {
            return TEAM_NONE;
        }
        if (map->cls->item == TEAM_ITEM_ACTIVE) {
            return map->active;
        }
        return uses_buckets(map) ? map->buckets[id].member : TEAM_NONE;

    case TEAM_ITEM_ACTIVE:
        return (map->cls->item == TEAM_ITEM_ACTIVE && id == 0
                ? map->active : TEAM_NONE);
    }
    return TEAM_NONE;
}

size_t
team_map_ports(const struct team_map *map, uint32_t *port_nos, size_t max)
{
    GPtrArray *ports = sorted_ports(map);
    size_t n = ports->len;

    for (size_t i = 0; i < n && i < max; i++) {
        const struct team_item *port = g_ptr_array_index(ports, i);

        port_nos[i] = port->id;
    }
    g_ptr_array_free(ports, TRUE);
    return n;
}

/* The stored item 'kind'/'id' whatever the policy, or NULL. */
static struct team_item *
find_item(const struct team_map *map, enum team_item_kind kind, uint32_t id)
{
    if (kind == TEAM_ITEM_PORT) {
        return find_port(map, id);
    } else if (kind == TEAM_ITEM_BUCKET && id < TEAM_BUCKETS) {
        return (struct team_item *) &map->buckets[id];
    }
    return NULL;
}

void
team_map_set_load(struct team_map *map, enum team_item_kind kind,
                  uint32_t id, uint64_t bytes)
{
    struct team_item *item = find_item(map, kind, id);

    if (item) {
        item->load = bytes;
        if (bytes) {
            map->load_measured = true;
        }
    }
}

uint64_t
team_map_item_load(const struct team_map *map, enum team_item_kind kind,
                   uint32_t id)
{
    const struct team_item *item = find_item(map, kind, id);

    return item ? item->load : 0;
}

uint64_t
team_map_member_load(const struct team_map *map, int slot)
{
    struct member_load loads[TEAM_MAX_MEMBERS];
    GPtrArray *items;
    uint64_t total = 0;

    if (!team_map_has_member(map, slot)) {
        return 0;
    }
    if (map->cls->item == TEAM_ITEM_ACTIVE) {
        /* The active member carries everything. */
        if (slot == map->active) {
            GPtrArray *ports = sorted_ports(map);

            for (guint i = 0; i < ports->len; i++) {
                const struct team_item *port = g_ptr_array_index(ports, i);

                total += port->load;
            }
            g_ptr_array_free(ports, TRUE);
            for (size_t i = 0; i < TEAM_BUCKETS; i++) {
                total += map->buckets[i].load;
            }
        }
        return total;
    }
    items = policy_items(map);
    compute_loads(map, items, loads);
    g_ptr_array_free(items, TRUE);
    return loads[slot].bytes;
}

/* The item on 'from' whose move to 'to' best halves their difference
 * 'diff', or NULL if no move would reduce it.  Never an item held there by
 * its preference, one this run has moved already, or one that left 'to' in
 * the previous run (that would be ping-pong). */
static struct team_item *
rebalance_candidate(const struct team_map *map, GPtrArray *items, int from,
                    int to, uint64_t diff)
{
    struct team_item *best = NULL;
    uint64_t best_dist = 0;

    for (guint i = 0; i < items->len; i++) {
        struct team_item *item = g_ptr_array_index(items, i);
        uint64_t dist;

        if (item->member != from || item_is_pinned(map, item)
            || !item->load || item->load >= diff
            || item->left_run == map->rebalance_run
            || (item->left_run + 1 == map->rebalance_run
                && item->left_member == to)) {
            continue;
        }
        /* |load - diff / 2|, doubled to stay in integers.  'load' is below
         * 'diff', so neither term overflows. */
        dist = (item->load > diff - item->load
                ? item->load - (diff - item->load)
                : (diff - item->load) - item->load);
        if (!best || dist < best_dist) {
            best = item;
            best_dist = dist;
        }
    }
    return best;
}

void
team_map_rebalance(struct team_map *map, unsigned int threshold_pct,
                   GArray *moves)
{
    GPtrArray *items;

    if (!map->cls->rebalances) {
        return;
    }
    map->rebalance_run++;
    items = policy_items(map);
    for (int n_moves = 0; n_moves < TEAM_REBALANCE_MAX_MOVES; n_moves++) {
        struct member_load loads[TEAM_MAX_MEMBERS];
        unsigned __int128 total = 0;
        int hi = TEAM_NONE, lo = TEAM_NONE;
        struct team_item *item;
        uint64_t diff;

        compute_loads(map, items, loads);
        for (int i = 0; i < map->n_members; i++) {
            int slot = map->order[i];

            if (!map->members[slot].usable) {
                continue;
            }
            total += loads[slot].bytes;
            if (hi == TEAM_NONE || loads[slot].bytes > loads[hi].bytes) {
                hi = slot;
            }
            if (lo == TEAM_NONE || loads[slot].bytes < loads[lo].bytes) {
                lo = slot;
            }
        }
        if (hi == TEAM_NONE || hi == lo) {
            break;
        }
        diff = loads[hi].bytes - loads[lo].bytes;
        if ((unsigned __int128) diff * 100 <= total * threshold_pct) {
            break;
        }
        item = rebalance_candidate(map, items, hi, lo, diff);
        if (!item) {
            break;
        }
        item->left_member = hi;
        item->left_run = map->rebalance_run;
        /* An item displaced by a failure keeps its way home. */
        if (!team_map_has_member(map, item->home)
            || map->members[item->home].usable) {
            item->home = lo;
        }
        move_item(item, lo, TEAM_MOVE_REBALANCE, NULL, moves);
    }
    g_ptr_array_free(items, TRUE);
}

void
team_map_set_active_home(struct team_map *map, int slot)
{
    map->active_home = team_map_has_member(map, slot) ? slot : TEAM_NONE;
}

int
team_map_migrate(struct team_map *map, enum team_item_kind kind, uint32_t id,
                 int to, GArray *moves)
{
    struct team_item *item = NULL;

    if (kind == TEAM_ITEM_ACTIVE) {
        if (map->cls->item != TEAM_ITEM_ACTIVE || id != 0) {
            return -ENOENT;
        }
    } else if ((kind == TEAM_ITEM_PORT
                && map->cls->item == TEAM_ITEM_PORT)
               || (kind == TEAM_ITEM_BUCKET && uses_buckets(map))) {
        item = find_item(map, kind, id);
        if (!item) {
            return -ENOENT;
        }
    } else {
        return -ENOENT;
    }
    if (!team_map_has_member(map, to)) {
        return -EINVAL;
    }
    if (!map->members[to].usable) {
        return -ENETDOWN;
    }

    if (!item) {
        map->active_home = to;
        if (map->active != to) {
            append_move(moves, TEAM_ITEM_ACTIVE, 0, map->active, to,
                        TEAM_MOVE_MANUAL);
            map->active = to;
        }
        return 0;
    }
    if (team_map_is_usable(map, item->preferred) && item->preferred != to) {
        return -EBUSY;
    }
    item->home = to;
    move_item(item, to, TEAM_MOVE_MANUAL, NULL, moves);
    return 0;
}
