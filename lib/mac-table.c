#include <autoconf.h>
#include "mac-table.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "rcu.h"
#include "util.h"

/* Why the control thread sizes the bucket array itself, instead of passing
 * CDS_LFHT_AUTO_RESIZE: in liburcu (seen with 0.13), the lazy resize path
 * queues its work item for the resize worker and only then sets the table's
 * "resize initiated" flag; if the worker runs the (small, quick) resize in
 * between, it clears the flag before the queuing thread sets it, the flag
 * stays set for good, and the table never resizes again.  A 1M-entry table
 * stuck at 256 buckets was seen in about one fill in forty, and lookups then
 * walk chains thousands of entries long.  Growing synchronously with
 * cds_lfht_resize() has no such race, and the control thread knows the
 * count anyway.
 *
 * Growth keeps at most one entry per bucket, doubling the bucket array
 * (16 bytes per bucket) when the count passes it: a grow links the new
 * buckets in without waiting for a grace period, and its cost is amortized
 * over the entries that caused it.  The array never shrinks, since that
 * would make the control thread wait for grace periods; it is bounded by the
 * table's size limit. */
#define MAC_TABLE_MIN_BUCKETS 64

/* Eviction looks at this many of the victim port's entries, from the front
 * of its list, and takes the least recently used of them; the others go to
 * the back (a second chance), so a station in use is not the one evicted
 * just because it was learned long ago, and an eviction costs O(1) however
 * many entries the port holds. */
#define MAC_EVICT_SCAN 8

/* The dynamic entries of one port, for fair eviction.  Control thread
 * only. */
struct mac_port {
    uint32_t port_no;             /* Key in mac_table's 'ports'. */
    size_t n_dynamic;             /* Entries in 'entries', at least 1. */
    struct cds_list_head entries; /* Of mac_entry.port_node: learned or
                                   * refreshed by learning, oldest first. */
    struct mac_port *next;        /* Next in its bucket of 'ports'. */
};

/* The ports holding dynamic entries, by number: a chained hash of our own,
 * so that running out of memory when a frame brings a new port's first
 * address is a refusal to learn (counted), not an abort.  Control thread
 * only. */
struct mac_port_map {
    struct mac_port **buckets;    /* Owned array of 'n_buckets' chains of
                                   * owned ports; NULL until the first. */
    size_t n_buckets;             /* A power of 2, or 0. */
    size_t n;                     /* Ports in the map. */
};

struct mac_table {
    struct cds_lfht *ht;          /* Owned; holds the 'struct mac_entry's. */
    unsigned long n_buckets;      /* Size of 'ht'; control thread only. */
    uint32_t basis;               /* Random hash basis, fixed at creation. */
    unsigned int max_entries;     /* Size limit; control thread only. */
    unsigned int aging_secs;      /* Aging time, 0 = never; control only. */
    size_t n_entries;             /* Entries in 'ht'; control thread only. */
    struct mac_port_map ports;    /* Ports holding dynamic entries;
                                   * control thread only. */
    struct mac_table_stats stats; /* Counters; control thread only. */
    mac_table_count_func *count_func; /* Told of each port's count of
                                   * dynamic entries; control only. */
    void *count_aux;              /* For count_func. */
};

/* The lookup key.  Exactly 8 bytes with no padding, so it can be hashed as
 * raw bytes. */
struct mac_key {
    uint8_t mac[ETH_ADDR_LEN];    /* Ethernet address. */
    uint16_t vlan;                /* VLAN ID. */
};
_Static_assert(sizeof(struct mac_key) == 8, "struct mac_key has padding");

static void
mac_key_init(struct mac_key *key, uint16_t vlan,
             const uint8_t mac[ETH_ADDR_LEN])
{
    memcpy(key->mac, mac, ETH_ADDR_LEN);
    key->vlan = vlan;
}

static uint32_t
mac_table_hash(const struct mac_table *t, const struct mac_key *key)
{
    return hash_bytes(key, sizeof *key, t->basis);
}

static int
mac_entry_match(struct cds_lfht_node *node, const void *key_)
{
    const struct mac_entry *e = CONTAINER_OF(node, struct mac_entry, node);
    const struct mac_key *key = key_;

    return e->vlan == key->vlan && !memcmp(e->mac, key->mac, ETH_ADDR_LEN);
}

/* A fully built entry, not yet published. */
static struct mac_entry *
mac_entry_create(const struct mac_key *key, uint32_t port_no, bool is_static,
                 uint32_t used)
{
    struct mac_entry *e = malloc(sizeof *e);

    if (e) {
        memset(e, 0, sizeof *e);
        cds_lfht_node_init(&e->node);
        memcpy(e->mac, key->mac, ETH_ADDR_LEN);
        e->vlan = key->vlan;
        e->port_no = port_no;
        e->is_static = is_static;
        e->used = used;
        CDS_INIT_LIST_HEAD(&e->port_node);
    }
    return e;
}

static void
mac_entry_free_cb(struct rcu_head *head)
{
    free(CONTAINER_OF(head, struct mac_entry, rcu_head));
}

static uint32_t
mac_table_random_basis(const struct mac_table *t)
{
    uint32_t basis;

    if (getrandom(&basis, sizeof basis, GRND_NONBLOCK) == sizeof basis) {
        return basis;
    }
    /* No entropy yet (early boot): still differ per table and per run. */
    return hash_finish32((uint32_t) time_usec() ^ (uint32_t) (uintptr_t) t);
}

static void mac_port_map_destroy(struct mac_port_map *);

struct mac_table *
mac_table_create(unsigned int max_entries, unsigned int aging_secs)
{
    struct mac_table *t = calloc(1, sizeof *t);

    if (!t) {
        return NULL;
    }
    t->ht = cds_lfht_new(MAC_TABLE_MIN_BUCKETS, MAC_TABLE_MIN_BUCKETS, 0, 0,
                         NULL);
    if (!t->ht) {
        free(t);
        return NULL;
    }
    t->n_buckets = MAC_TABLE_MIN_BUCKETS;
    t->basis = mac_table_random_basis(t);
    t->max_entries = max_entries;
    t->aging_secs = aging_secs;
    return t;
}

/* No other thread can reach the table (the caller's promise), and cds_lfht
 * has no resize worker of its own here (see the comment at the top), so
 * each entry can be freed as soon as it is unlinked: the iterator has
 * already read the pointer to the next one. */
void
mac_table_destroy(struct mac_table *t)
{
    struct cds_lfht_iter iter;
    struct mac_entry *e;

    if (!t) {
        return;
    }

    rcu_read_lock();
    cds_lfht_for_each_entry (t->ht, &iter, e, node) {
        if (!cds_lfht_del(t->ht, &e->node)) {
            free(e);
        }
    }
    rcu_read_unlock();

    if (cds_lfht_destroy(t->ht, NULL)) {
        /* Only possible if another thread broke the contract and added an
         * entry meanwhile. */
        abort();
    }
    mac_port_map_destroy(&t->ports);
    free(t);
}

void
mac_table_set_max(struct mac_table *t, unsigned int max_entries)
{
    /* Lowering the limit evicts nothing by itself: until aging or flushes
     * bring the count under it, a newcomer only takes the place of an entry
     * of a port over its share, one for one, or is refused. */
    t->max_entries = max_entries;
}

void
mac_table_set_aging(struct mac_table *t, unsigned int aging_secs)
{
    t->aging_secs = aging_secs;
}

unsigned int
mac_table_get_max(const struct mac_table *t)
{
    return t->max_entries;
}

unsigned int
mac_table_get_aging(const struct mac_table *t)
{
    return t->aging_secs;
}

static struct mac_entry *
mac_table_find__(const struct mac_table *t, const struct mac_key *key,
                 uint32_t hash, struct cds_lfht_iter *iter)
{
    struct cds_lfht_node *node;

    cds_lfht_lookup(t->ht, hash, mac_entry_match, key, iter);
    node = cds_lfht_iter_get_node(iter);
    return node ? CONTAINER_OF(node, struct mac_entry, node) : NULL;
}

struct mac_entry *
mac_table_lookup_rcu(const struct mac_table *t, uint16_t vlan,
                     const uint8_t mac[ETH_ADDR_LEN])
{
    struct cds_lfht_iter iter;
    struct mac_key key;

    assert(rcu_read_ongoing());
    mac_key_init(&key, vlan, mac);
    return mac_table_find__(t, &key, mac_table_hash(t, &key), &iter);
}

#define MAC_PORT_MIN_BUCKETS 16

static size_t
mac_port_bucket(const struct mac_port_map *map, uint32_t port_no)
{
    return hash_finish32(port_no) & (map->n_buckets - 1);
}

static struct mac_port *
mac_port_find(const struct mac_port_map *map, uint32_t port_no)
{
    if (!map->n_buckets) {
        return NULL;
    }
    for (struct mac_port *mp = map->buckets[mac_port_bucket(map, port_no)];
         mp; mp = mp->next) {
        if (mp->port_no == port_no) {
            return mp;
        }
    }
    return NULL;
}

/* Doubles the buckets when the ports outnumber them.  Without memory for a
 * bigger array the chains just get longer. */
static void
mac_port_map_grow(struct mac_port_map *map)
{
    size_t n = map->n_buckets ? map->n_buckets * 2 : MAC_PORT_MIN_BUCKETS;
    struct mac_port **buckets;

    if (map->n_buckets && map->n <= map->n_buckets) {
        return;
    }
    buckets = calloc(n, sizeof *buckets);
    if (!buckets) {
        return;
    }
    for (size_t i = 0; i < map->n_buckets; i++) {
        while (map->buckets[i]) {
            struct mac_port *mp = map->buckets[i];
            size_t b = hash_finish32(mp->port_no) & (n - 1);

            map->buckets[i] = mp->next;
            mp->next = buckets[b];
            buckets[b] = mp;
        }
    }
    free(map->buckets);
    map->buckets = buckets;
    map->n_buckets = n;
}

/* The port 'port_no', added (empty) if missing.  NULL if out of memory. */
static struct mac_port *
mac_port_get(struct mac_port_map *map, uint32_t port_no)
{
    struct mac_port *mp = mac_port_find(map, port_no);
    size_t b;

    if (mp) {
        return mp;
    }
    mac_port_map_grow(map);
    mp = map->n_buckets ? calloc(1, sizeof *mp) : NULL;
    if (!mp) {
        return NULL;
    }
    mp->port_no = port_no;
    CDS_INIT_LIST_HEAD(&mp->entries);
    b = mac_port_bucket(map, port_no);
    mp->next = map->buckets[b];
    map->buckets[b] = mp;
    map->n++;
    return mp;
}

static void
mac_port_remove(struct mac_port_map *map, struct mac_port *mp)
{
    struct mac_port **prev = &map->buckets[mac_port_bucket(map,
                                                           mp->port_no)];

    while (*prev != mp) {
        prev = &(*prev)->next;
    }
    *prev = mp->next;
    map->n--;
    free(mp);
}

static void
mac_port_map_destroy(struct mac_port_map *map)
{
    for (size_t i = 0; i < map->n_buckets; i++) {
        while (map->buckets[i]) {
            struct mac_port *mp = map->buckets[i];

            map->buckets[i] = mp->next;
            free(mp);
        }
    }
    free(map->buckets);
}

/* Tells the count hook that port 'port_no' holds 'n' dynamic entries. */
static void
mac_port_count_changed(const struct mac_table *t, uint32_t port_no, size_t n)
{
    if (t->count_func) {
        t->count_func(port_no, n, t->count_aux);
    }
}

/* Puts dynamic 'e' at the back of the list of 'mp', its port. */
static void
mac_port_link(struct mac_table *t, struct mac_port *mp, struct mac_entry *e)
{
    cds_list_add_tail(&e->port_node, &mp->entries);
    mp->n_dynamic++;
    mac_port_count_changed(t, mp->port_no, mp->n_dynamic);
}

/* Takes dynamic 'e' out of its port's list, forgetting the port when it
 * holds no dynamic entry any more.  Static entries are in no list. */
static void
mac_port_unlink(struct mac_table *t, struct mac_entry *e)
{
    struct mac_port *mp;

    if (e->is_static) {
        return;
    }
    cds_list_del_init(&e->port_node);
    /* Every dynamic entry is in its port's list. */
    mp = mac_port_find(&t->ports, e->port_no);
    if (mp) {
        mac_port_count_changed(t, mp->port_no, --mp->n_dynamic);
        if (!mp->n_dynamic) {
            mac_port_remove(&t->ports, mp);
        }
    }
}

/* Moves dynamic 'e' to the back of its port's list: just used. */
static void
mac_port_touch(struct mac_table *t, struct mac_entry *e)
{
    struct mac_port *mp = mac_port_find(&t->ports, e->port_no);

    if (mp) {
        cds_list_del(&e->port_node);
        cds_list_add_tail(&e->port_node, &mp->entries);
    }
}

/* The entry to evict so that a newcomer on 'port_no' fits in the full
 * table, or NULL if every port holds no more than its fair share: the size
 * limit over the number of ports holding dynamic entries, 'port_no'
 * counted even if it holds none yet. */
static struct mac_entry *
mac_table_choose_victim(struct mac_table *t, uint32_t port_no, uint32_t now)
{
    struct mac_port *most = NULL;
    struct mac_entry *victim = NULL;
    uint32_t victim_age = 0;
    uint64_t n_ports;

    n_ports = t->ports.n + !mac_port_find(&t->ports, port_no);
    for (size_t i = 0; i < t->ports.n_buckets; i++) {
        for (struct mac_port *mp = t->ports.buckets[i]; mp; mp = mp->next) {
            if (!most || mp->n_dynamic > most->n_dynamic) {
                most = mp;
            }
        }
    }
    if (!most || (uint64_t) most->n_dynamic * n_ports <= t->max_entries) {
        return NULL;
    }

    for (int i = 0; i < MAC_EVICT_SCAN; i++) {
        struct mac_entry *e = cds_list_first_entry(&most->entries,
                                                   struct mac_entry,
                                                   port_node);
        /* Seen "after" 'now' (a reader's clock ran ahead): age 0. */
        int32_t age = (int32_t) (now - CMM_LOAD_SHARED(e->used));
        uint32_t a = age > 0 ? (uint32_t) age : 0;

        if (!victim || a > victim_age) {
            victim = e;
            victim_age = a;
        }
        if (i + 1 >= (int) most->n_dynamic) {
            break;
        }
        /* Looked at: to the back, so the next scan sees others. */
        cds_list_del(&e->port_node);
        cds_list_add_tail(&e->port_node, &most->entries);
    }
    return victim;
}

/* Publishes 'e', known not to be in the table.  In a read section.  A
 * dynamic 'e' is already in its port's list (mac_port_link()). */
static void
mac_table_insert__(struct mac_table *t, struct mac_entry *e,
                   const struct mac_key *key, uint32_t hash)
{
    struct cds_lfht_node *node;

    node = cds_lfht_add_unique(t->ht, hash, mac_entry_match, key, &e->node);
    if (node != &e->node) {
        /* Only a second writer could have added the key since our lookup. */
        abort();
    }
    t->n_entries++;
}

/* Doubles the bucket array until it has at least one bucket per entry.
 * cds_lfht_resize() must not run inside a read section, so a caller that
 * holds one gets its resize from a later call. */
static void
mac_table_grow(struct mac_table *t)
{
    unsigned long n = t->n_buckets;

    if (n >= t->n_entries || rcu_read_ongoing()) {
        return;
    }
    while (n < t->n_entries) {
        n *= 2;
    }
    cds_lfht_resize(t->ht, n);
    t->n_buckets = n;
}

/* Publishes 'new' in place of the entry at 'iter' and frees the old one after
 * a grace period: readers see either the old entry or the new one, each
 * consistent.  In a read section.  'mp' is the port of a dynamic 'new'
 * (mac_port_get()), NULL for a static one. */
static void
mac_table_replace__(struct mac_table *t, struct cds_lfht_iter *iter,
                    struct mac_entry *new, struct mac_port *mp,
                    const struct mac_key *key, uint32_t hash)
{
    struct mac_entry *old = CONTAINER_OF(cds_lfht_iter_get_node(iter),
                                         struct mac_entry, node);

    if (cds_lfht_replace(t->ht, iter, hash, mac_entry_match, key,
                         &new->node)) {
        /* Only a second writer could have removed 'old' since our lookup. */
        abort();
    }
    if (mp) {
        mac_port_link(t, mp, new);
    }
    mac_port_unlink(t, old);
    call_rcu(&old->rcu_head, mac_entry_free_cb);
}

/* Unpublishes 'e' and frees it after a grace period.  In a read section. */
static bool
mac_table_remove__(struct mac_table *t, struct mac_entry *e)
{
    if (cds_lfht_del(t->ht, &e->node)) {
        return false;
    }
    mac_port_unlink(t, e);
    t->n_entries--;
    call_rcu(&e->rcu_head, mac_entry_free_cb);
    return true;
}

/* An allocation failure is reported as MAC_LEARN_FULL and counted in
 * 'full_drops': either way the address is not learned (or not moved) and
 * will be tried again with the next frame.  The new entry is allocated
 * before a victim is evicted, so a failure evicts nobody. */
enum mac_learn_result
mac_table_learn(struct mac_table *t, uint16_t vlan,
                const uint8_t mac[ETH_ADDR_LEN], uint32_t port_no,
                uint32_t now)
{
    return mac_table_learn_limited(t, vlan, mac, port_no, now, 0);
}

/* True if port 'port_no' may not hold one more dynamic entry. */
static bool
mac_port_at_limit(const struct mac_table *t, uint32_t port_no,
                  unsigned int port_limit)
{
    return port_limit && mac_table_port_count(t, port_no) >= port_limit;
}

size_t
mac_table_port_count(const struct mac_table *t, uint32_t port_no)
{
    const struct mac_port *mp = mac_port_find(&t->ports, port_no);

    return mp ? mp->n_dynamic : 0;
}

void
mac_table_set_count_func(struct mac_table *t, mac_table_count_func *func,
                         void *aux)
{
    t->count_func = func;
    t->count_aux = aux;
}

enum mac_learn_result
mac_table_learn_limited(struct mac_table *t, uint16_t vlan,
                        const uint8_t mac[ETH_ADDR_LEN], uint32_t port_no,
                        uint32_t now, unsigned int port_limit)
{
    enum mac_learn_result result;
    struct cds_lfht_iter iter;
    struct mac_entry *e, *new, *victim = NULL;
    struct mac_port *mp = NULL;
    struct mac_key key;
    uint32_t hash;

    mac_key_init(&key, vlan, mac);
    hash = mac_table_hash(t, &key);

    rcu_read_lock();
    e = mac_table_find__(t, &key, hash, &iter);
    if (e && e->is_static) {
        result = MAC_LEARN_STATIC;
    } else if (e && e->port_no == port_no) {
        mac_entry_touch_rcu(e, now);
        mac_port_touch(t, e);
        result = MAC_LEARN_REFRESHED;
    } else if (mac_port_at_limit(t, port_no, port_limit)) {
        t->stats.limit_drops++;
        result = MAC_LEARN_PORT_LIMIT;
    } else {
        /* Moved or new: the entry needs its port's list. */
        if (!e && t->n_entries >= t->max_entries) {
            victim = mac_table_choose_victim(t, port_no, now);
        }
        if ((!e && t->n_entries >= t->max_entries && !victim)
            || !(mp = mac_port_get(&t->ports, port_no))
            || !(new = mac_entry_create(&key, port_no, false, now))) {
            if (mp && !mp->n_dynamic) {
                mac_port_remove(&t->ports, mp);
            }
            t->stats.full_drops++;
            result = MAC_LEARN_FULL;
        } else if (e) {
            mac_table_replace__(t, &iter, new, mp, &key, hash);
            t->stats.moved++;
            result = MAC_LEARN_MOVED;
        } else {
            /* In its port's list first, so that evicting the victim
             * cannot leave the port empty and forgotten. */
            mac_port_link(t, mp, new);
            if (victim && mac_table_remove__(t, victim)) {
                t->stats.evicted++;
            }
            mac_table_insert__(t, new, &key, hash);
            t->stats.learned++;
            result = MAC_LEARN_NEW;
        }
    }
    rcu_read_unlock();

    if (result == MAC_LEARN_NEW) {
        mac_table_grow(t);
    }
    return result;
}

int
mac_table_add_static(struct mac_table *t, uint16_t vlan,
                     const uint8_t mac[ETH_ADDR_LEN], uint32_t port_no)
{
    struct cds_lfht_iter iter;
    struct mac_entry *e, *new;
    struct mac_key key;
    uint32_t hash;
    int error = 0;

    mac_key_init(&key, vlan, mac);
    hash = mac_table_hash(t, &key);

    rcu_read_lock();
    e = mac_table_find__(t, &key, hash, &iter);
    if (e && e->is_static && e->port_no == port_no) {
        /* Already exactly this. */
    } else if (!e && t->n_entries >= t->max_entries) {
        error = -ENOSPC;
    } else if (!(new = mac_entry_create(&key, port_no, true, time_sec()))) {
        error = -ENOMEM;
    } else if (e) {
        mac_table_replace__(t, &iter, new, NULL, &key, hash);
    } else {
        mac_table_insert__(t, new, &key, hash);
    }
    rcu_read_unlock();

    mac_table_grow(t);
    return error;
}

int
mac_table_del(struct mac_table *t, uint16_t vlan,
              const uint8_t mac[ETH_ADDR_LEN])
{
    struct cds_lfht_iter iter;
    struct mac_entry *e;
    struct mac_key key;
    int error;

    mac_key_init(&key, vlan, mac);

    rcu_read_lock();
    e = mac_table_find__(t, &key, mac_table_hash(t, &key), &iter);
    error = e && mac_table_remove__(t, e) ? 0 : -ENOENT;
    rcu_read_unlock();

    return error;
}

size_t
mac_table_flush(struct mac_table *t, int vlan, uint32_t port_no,
                bool include_static)
{
    struct cds_lfht_iter iter;
    struct mac_entry *e;
    size_t n = 0;

    /* cds_lfht allows removal during traversal. */
    rcu_read_lock();
    cds_lfht_for_each_entry (t->ht, &iter, e, node) {
        if ((vlan == MAC_VLAN_ANY || e->vlan == vlan)
            && (port_no == MAC_PORT_ANY || e->port_no == port_no)
            && (include_static || !e->is_static)
            && mac_table_remove__(t, e)) {
            n++;
        }
    }
    rcu_read_unlock();

    t->stats.flushed += n;
    return n;
}

size_t
mac_table_age(struct mac_table *t, uint32_t now)
{
    struct cds_lfht_iter iter;
    struct mac_entry *e;
    size_t n = 0;

    if (!t->aging_secs) {
        return 0;
    }

    rcu_read_lock();
    cds_lfht_for_each_entry (t->ht, &iter, e, node) {
        /* A reader may have stamped 'used' later than 'now' (it read the
         * clock after our caller did): the difference is then "negative",
         * and the entry is fresh, not 4 billion seconds old. */
        uint32_t age = now - CMM_LOAD_SHARED(e->used);

        if (!e->is_static && (int32_t) age >= 0 && age >= t->aging_secs
            && mac_table_remove__(t, e)) {
            n++;
        }
    }
    rcu_read_unlock();

    t->stats.aged += n;
    return n;
}

size_t
mac_table_count(const struct mac_table *t)
{
    return t->n_entries;
}

void
mac_table_get_stats(const struct mac_table *t, struct mac_table_stats *stats)
{
    *stats = t->stats;
}

void
mac_table_note_conflict(struct mac_table *t)
{
    t->stats.conflicts++;
}

void
mac_table_foreach(const struct mac_table *t, mac_table_foreach_cb *cb,
                  void *aux)
{
    struct cds_lfht_iter iter;
    struct mac_entry *e;

    rcu_read_lock();
    cds_lfht_for_each_entry (t->ht, &iter, e, node) {
        cb(e, aux);
    }
    rcu_read_unlock();
}
