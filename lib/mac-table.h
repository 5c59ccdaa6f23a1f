/* mac-table: the MAC learning table of one bridge.
 *
 * Maps (VLAN, MAC) to the port number a station was last seen on.  Owns its
 * entries.  Built on liburcu's lock-free hash table (cds_lfht), so datapath
 * threads look entries up without locks while the control thread changes
 * them.
 *
 * Learning policy: a new (VLAN, MAC) is added while the table holds fewer
 * than its size limit.  When it is full, the port holding the most dynamic
 * entries gives up its least recently used one, provided it holds more than
 * its fair share: the size limit divided by the number of ports holding
 * dynamic entries, the newcomer's port included.  Otherwise (every port
 * within its share) the address is not learned and the refusal is counted.
 * So a MAC flood from one port churns that port's own entries and cannot
 * push out the stations of ports within their share, and a full table
 * never locks a new port out.  A known MAC seen on another port moves.
 * Static entries are never aged, moved by learning, or evicted, and hold no
 * share; they count toward the limit.
 *
 * A port may also have a limit of its own (mac_table_learn_limited()):
 * past it, its new addresses are refused, and evict nobody.  The table
 * keeps each port's count of dynamic entries and tells a hook when it
 * changes (mac_table_set_count_func()), so that the datapath can read it.
 *
 * The datapath only reads the table and refreshes entries' times: its
 * learning stage (dp-fdb.c) queues a new or moved address to the control
 * thread, which learns it here (datapath_run_learning()).
 *
 * Thread-safety:
 *   - mac_table_lookup_rcu() and mac_entry_touch_rcu() are for any registered
 *     thread inside an RCU read section (the datapath).
 *   - Every other function is control-thread only (single writer).  They take
 *     the RCU read lock themselves where liburcu requires it.
 *   - mac_table_destroy() requires that no reader can still reach the
 *     table. */
#ifndef VSWITCH_MAC_TABLE_H
#define VSWITCH_MAC_TABLE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rcu.h"
#include "util.h"

#define MAC_TABLE_DEFAULT_AGING 300     /* Seconds. */
#define MAC_TABLE_DEFAULT_SIZE 8192     /* Entries. */
#define MAC_PORT_ANY UINT32_MAX         /* Wildcard for flush. */
#define MAC_VLAN_ANY (-1)               /* Wildcard for flush. */

struct mac_entry {
    struct cds_lfht_node node;    /* In mac_table's hash table. */
    struct rcu_head rcu_head;     /* For deferred free. */
    uint8_t mac[ETH_ADDR_LEN];    /* Immutable after publish. */
    uint16_t vlan;                /* Immutable after publish. */
    uint32_t port_no;             /* Immutable after publish (a move
                                   * replaces the entry). */
    bool is_static;               /* Immutable after publish. */
    struct cds_list_head port_node; /* In its port's list of dynamic entries
                                   * (mac-table.c); control thread only,
                                   * never read by readers. */
    uint32_t used;                /* Last seen, time_sec(); written by any
                                   * reader with a relaxed store, only when it
                                   * changes. */
    uint32_t team_tx;             /* When a frame from this station was last
                                   * sent into a team, in mac_tick() units;
                                   * written like 'used'.  Tells its frames
                                   * reflected back by upstream from frames
                                   * of a station really there. */
};

/* A coarse clock for 'team_tx': about 16 ms a tick, so that a station
 * sending at full speed dirties its entry's cache line at most 61 times a
 * second. */
static inline uint32_t
mac_tick(uint64_t usec)
{
    return usec >> 14;
}

enum mac_learn_result {
    MAC_LEARN_NEW,        /* Added. */
    MAC_LEARN_MOVED,      /* Existed on another port; now on 'port_no'. */
    MAC_LEARN_REFRESHED,  /* Existed on this port; last-seen updated. */
    MAC_LEARN_STATIC,     /* A static entry exists; left alone. */
    MAC_LEARN_FULL,       /* Table full and every port within its fair
                           * share; not learned (counted). */
    MAC_LEARN_PORT_LIMIT, /* The port holds its limit of entries
                           * (mac_table_learn_limited()); not learned
                           * (counted). */
};

struct mac_table_stats {
    uint64_t learned;     /* New entries learned. */
    uint64_t moved;       /* Entries moved to another port. */
    uint64_t aged;        /* Entries removed by aging. */
    uint64_t full_drops;  /* Learning refused because the table was full
                           * and no port held more than its fair share. */
    uint64_t evicted;     /* Entries evicted to make room for a newcomer. */
    uint64_t flushed;     /* Entries removed by flushes. */
    uint64_t conflicts;   /* Moves refused: an address alive on one side
                           * of a team sent from the other (see
                           * mac_table_note_conflict()). */
    uint64_t limit_drops; /* Learning refused: the port held its limit
                           * of entries. */
};

struct mac_table;

/* Creates a table holding at most 'max_entries' entries, aging out dynamic
 * entries unused for 'aging_secs' seconds (0 = never). */
struct mac_table *mac_table_create(unsigned int max_entries,
                                   unsigned int aging_secs);
/* Frees the table and every entry at once (no grace period): call only when
 * no reader can reach it any more.  Accepts NULL. */
void mac_table_destroy(struct mac_table *);

void mac_table_set_max(struct mac_table *, unsigned int max_entries);
void mac_table_set_aging(struct mac_table *, unsigned int aging_secs);
unsigned int mac_table_get_max(const struct mac_table *);
unsigned int mac_table_get_aging(const struct mac_table *);

/* Datapath: the entry for ('vlan', 'mac'), or NULL. */
struct mac_entry *mac_table_lookup_rcu(const struct mac_table *,
                                       uint16_t vlan,
                                       const uint8_t mac[ETH_ADDR_LEN]);

/* Datapath: marks 'e' as seen at 'now' (time_sec()), without dirtying its
 * cache line when nothing changed. */
static inline void
mac_entry_touch_rcu(struct mac_entry *e, uint32_t now)
{
    if (CMM_LOAD_SHARED(e->used) != now) {
        CMM_STORE_SHARED(e->used, now);
    }
}

/* Datapath: notes that a frame from 'e' was sent into a team at 'tick'
 * (mac_tick()), without dirtying the cache line when nothing changed. */
static inline void
mac_entry_mark_team_tx_rcu(struct mac_entry *e, uint32_t tick)
{
    if (CMM_LOAD_SHARED(e->team_tx) != tick) {
        CMM_STORE_SHARED(e->team_tx, tick);
    }
}

/* Control: learns that ('vlan', 'mac') is on 'port_no' at time 'now',
 * evicting another port's entry if the table is full (see the top). */
enum mac_learn_result mac_table_learn(struct mac_table *, uint16_t vlan,
                                      const uint8_t mac[ETH_ADDR_LEN],
                                      uint32_t port_no, uint32_t now);

/* Control: as mac_table_learn(), but a new address, or one moving to
 * 'port_no', is not learned while 'port_no' holds 'port_limit' dynamic
 * entries or more (0: no limit), and then nobody's entry is evicted. */
enum mac_learn_result mac_table_learn_limited(
    struct mac_table *, uint16_t vlan, const uint8_t mac[ETH_ADDR_LEN],
    uint32_t port_no, uint32_t now, unsigned int port_limit);

/* Control: the number of dynamic entries on port 'port_no'. */
size_t mac_table_port_count(const struct mac_table *, uint32_t port_no);

/* Control: 'func' is called, on the thread changing the table, with a
 * port's number and its new number of dynamic entries each time that
 * number changes (0 when the port holds none any more).  NULL: none. */
typedef void mac_table_count_func(uint32_t port_no, size_t n, void *aux);
void mac_table_set_count_func(struct mac_table *, mac_table_count_func *,
                              void *aux);

/* Control: adds or replaces a static entry.  Returns 0, or -ENOSPC when the
 * table is full and the address is not already in it. */
int mac_table_add_static(struct mac_table *, uint16_t vlan,
                         const uint8_t mac[ETH_ADDR_LEN], uint32_t port_no);

/* Control: removes the entry for ('vlan', 'mac'), static or not.  Returns 0
 * or -ENOENT. */
int mac_table_del(struct mac_table *, uint16_t vlan,
                  const uint8_t mac[ETH_ADDR_LEN]);

/* Control: removes entries matching 'vlan' (or MAC_VLAN_ANY) and 'port_no'
 * (or MAC_PORT_ANY); static entries too if 'include_static'.  Returns how
 * many were removed. */
size_t mac_table_flush(struct mac_table *, int vlan, uint32_t port_no,
                       bool include_static);

/* Control: removes dynamic entries not seen for the aging time.  Returns how
 * many were removed. */
size_t mac_table_age(struct mac_table *, uint32_t now);

/* Control: counts a move that the caller refused because the address is
 * alive elsewhere. */
void mac_table_note_conflict(struct mac_table *);

/* Control: number of entries (static included). */
size_t mac_table_count(const struct mac_table *);
void mac_table_get_stats(const struct mac_table *, struct mac_table_stats *);

/* Control: calls 'cb' for every entry, in no particular order.  'cb' must
 * not change the table. */
typedef void mac_table_foreach_cb(const struct mac_entry *, void *aux);
void mac_table_foreach(const struct mac_table *, mac_table_foreach_cb *cb,
                       void *aux);

#endif /* mac-table.h */
