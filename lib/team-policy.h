/* team-policy: how a team spreads traffic over its members, one ops table
 * per policy.
 *
 * A policy divides a team's traffic into items (enum team_item_kind): VM
 * ports for src-port, TEAM_BUCKETS hash buckets for src-mac and hash, the
 * one active member for active-backup.  The team map (team-map.h) decides
 * which member carries each item; the policy says which item a frame is,
 * and everything that follows from that:
 *
 *   - select_item: the item a frame sent into the team falls in.  The
 *     member is the one carrying that item, and when that member cannot
 *     carry (not assigned yet, or the map lags behind a failure), the
 *     designated member (team_select()).
 *   - rx_item: on a switch-independent team, the item of a frame that
 *     comes back from upstream addressed to a local station: upstream
 *     delivers it on the member the station's own traffic leaves on, so a
 *     copy on another member is a flood.  Flooded frames (broadcast,
 *     multicast, unknown unicast) are expected on the designated member
 *     whatever the policy (team_rx_expected()).
 *   - station_moved: after an item moved, whether a local station (MAC,
 *     VLAN, port) moved with it and is to be announced on its new member;
 *     NULL when the policy announces nothing (hash: upstream aggregates the
 *     members and relearns nothing).
 *   - the load: rebalancing measures the bytes each item carried (per
 *     bucket for bucket policies, per VM port for src-port); 'rebalances'
 *     is false when there is nothing to even out (active-backup).
 *   - show and explain: the text team/show and team/hash print.
 *
 * The datapath, team/hash, the team map and the configuration all go
 * through this table: one enum, one name table (team_policy_name()), and
 * team/hash answers with the very function the datapath calls
 * (team_select()).
 *
 * Thread-safety: the classes are constant.  select_item, rx_item and
 * team_select()/team_rx_expected() run on datapath threads under RCU: no
 * allocation, lock, logging or GLib (tests/check-datapath-symbols.sh
 * checks every policy object).  The rest runs anywhere. */
#ifndef VSWITCH_TEAM_POLICY_H
#define VSWITCH_TEAM_POLICY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "packet.h"
#include "team-hash.h"
#include "util.h"

#define TEAM_BUCKETS 256
#define TEAM_MAX_MEMBERS 16
#define TEAM_NONE (-1)
#define TEAM_ANY (-2)           /* team_rx_expected(): any member. */

/* The policies, in the order of team_policies[] (the configuration's
 * "policy" key names them). */
enum team_policy {
    TEAM_POLICY_SRC_PORT,       /* Each VM port on one member. */
    TEAM_POLICY_SRC_MAC,        /* Buckets by source MAC and VLAN. */
    TEAM_POLICY_HASH,           /* Buckets by L2/L3/L4 hash. */
    TEAM_POLICY_ACTIVE_BACKUP,  /* Everything on the active member. */
    TEAM_N_POLICIES
};

enum team_item_kind {
    TEAM_ITEM_PORT,             /* id is a port number. */
    TEAM_ITEM_BUCKET,           /* id is a bucket, 0..TEAM_BUCKETS-1. */
    TEAM_ITEM_ACTIVE,           /* The active member (active-backup); id 0. */
};

/* A frame, as a policy sees it. */
struct team_frame {
    const struct packet_info *pi; /* Parsed headers: L2 always, L3/L4 when
                                   * the class's needs_l3() says so. */
    uint16_t vlan;              /* VLAN it is switched in. */
    uint32_t port_no;           /* select_item: the port it came in on.
                                 * rx_item: the port its destination is
                                 * learned on. */
};

struct team_policy_class {
    enum team_policy policy;    /* Its value. */
    const char *name;           /* "src-port", ...: configuration, show. */
    enum team_item_kind item;   /* What its items are. */
    bool rebalances;            /* Load rebalancing applies. */

    /* True if select_item() reads the frame's L3/L4 headers with 'fields'
     * (the caller parses them first).  NULL = never. */
    bool (*needs_l3)(enum team_hash_fields fields);
    /* The item a frame sent into the team falls in.  Datapath. */
    uint32_t (*select_item)(const struct team_frame *,
                            enum team_hash_fields fields);
    /* The item whose member a unicast frame from upstream to a local
     * station is expected on, in '*id'; false if any member is fine.
     * Datapath. */
    bool (*rx_item)(const struct team_frame *, enum team_hash_fields fields,
                    uint32_t *id);
    /* After item 'id' moved: true if the local station 'mac' in 'vlan',
     * learned on port 'port_no', moved with it.  NULL = announce
     * nothing. */
    bool (*station_moved)(uint32_t id, const uint8_t mac[ETH_ADDR_LEN],
                          uint16_t vlan, uint32_t port_no);
    /* The policy as team/show names it ("hash l34"), into 'buf'. */
    void (*show)(enum team_hash_fields fields, char *buf, size_t size);
    /* Why frame 'f' falls in item 'id', for team/hash, into 'buf'.
     * 'port_name' names f->port_no. */
    void (*explain)(const struct team_frame *f, enum team_hash_fields fields,
                    uint32_t id, const char *port_name, char *buf,
                    size_t size);
};

/* Every policy, indexed by enum team_policy. */
extern const struct team_policy_class *const team_policies[TEAM_N_POLICIES];

extern const struct team_policy_class team_policy_src_port;
extern const struct team_policy_class team_policy_src_mac;
extern const struct team_policy_class team_policy_hash;
extern const struct team_policy_class team_policy_active_backup;

/* The class of 'policy' (src-port for an out of range value). */
const struct team_policy_class *team_policy_class(enum team_policy);
const char *team_policy_name(enum team_policy);
/* Parses "src-port", "src-mac", "hash", "active-backup"; false if
 * unknown. */
bool team_policy_from_string(const char *, enum team_policy *);

/* How selection reads a team's assignment: the datapath's published map,
 * or the control thread's team map (team/hash).  'a' is the caller's. */
struct team_assignment_ops {
    /* The member carrying an item, or TEAM_NONE. */
    int (*member_of)(const void *a, enum team_item_kind, uint32_t id);
    /* True if member 'slot' (maybe TEAM_NONE) can carry frames now. */
    bool (*live)(const void *a, int slot);
    /* The member that receives floods, as last decided, or TEAM_NONE. */
    int (*designated)(const void *a);
    /* The 'i'th member in failover order, TEAM_NONE past the last. */
    int (*nth_member)(const void *a, int i);
};

/* The member that receives floods and carries what a member that cannot
 * carry was assigned: the designated member, or while that one cannot
 * carry (the map lags behind a member that just failed), the first member
 * in failover order that can (what the next map will designate).
 * TEAM_NONE if none can. */
static inline int
team_designated_live(const struct team_assignment_ops *ops, const void *a)
{
    int slot = ops->designated(a);

    if (ops->live(a, slot)) {
        return slot;
    }
    for (int i = 0; (slot = ops->nth_member(a, i)) != TEAM_NONE; i++) {
        if (ops->live(a, slot)) {
            return slot;
        }
    }
    return TEAM_NONE;
}

/* The member frame 'f' leaves the team on (TEAM_NONE if none can carry
 * it); its item in '*item'.  The datapath and team/hash both call this. */
static inline int
team_select(const struct team_policy_class *cls, const struct team_frame *f,
            enum team_hash_fields fields,
            const struct team_assignment_ops *ops, const void *a,
            uint32_t *item)
{
    int slot;

    *item = cls->select_item(f, fields);
    slot = ops->member_of(a, cls->item, *item);
    if (!ops->live(a, slot)) {
        /* Not assigned yet, or the map lags behind a member that just
         * went: any usable member beats a drop. */
        slot = team_designated_live(ops, a);
    }
    return slot;
}

/* The member a frame from upstream is expected on, under the receive rules
 * of switch-independent teaming: for a flood ('flooded'), the designated
 * member; for a unicast frame to a local station, the member its item is
 * on (or the designated member if that one cannot carry).  TEAM_ANY if
 * any member will do; TEAM_NONE if none can carry. */
static inline int
team_rx_expected(const struct team_policy_class *cls,
                 const struct team_frame *f, enum team_hash_fields fields,
                 bool flooded, const struct team_assignment_ops *ops,
                 const void *a)
{
    uint32_t id;
    int slot;

    if (flooded) {
        return team_designated_live(ops, a);
    }
    if (!cls->rx_item(f, fields, &id)) {
        return TEAM_ANY;
    }
    slot = ops->member_of(a, cls->item, id);
    if (!ops->live(a, slot)) {
        slot = team_designated_live(ops, a);
    }
    return slot;
}

#endif /* team-policy.h */
