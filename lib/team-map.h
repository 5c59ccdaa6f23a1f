/* team-map: which member of a team carries what.
 *
 * Owns a team's assignment state: for the src-port policy, which member
 * each VM port goes out on; for the src-mac and hash policies, which member
 * each of TEAM_BUCKETS hash buckets goes out on; for active-backup, which
 * member is active.  Pure logic, no frames and no I/O: the control thread
 * feeds it member state changes, ports coming and going and measured loads,
 * and it answers with the moves to make, which the caller then publishes to
 * the datapath in one new map.
 *
 * Rules it guarantees:
 *   - When a member becomes unusable, only what it carried moves, each item
 *     to the usable member with the least load (measured bytes; item count
 *     breaks ties and stands in when nothing was measured); nothing else
 *     changes member.
 *   - Each item remembers its "home" member (where it was before a failure
 *     moved it).  With failback, when that member is usable again, exactly
 *     the items whose home it is go back.  Without failback they stay.
 *   - A port's preferred member, when usable, always carries that port
 *     (failback or not).
 *   - Rebalancing moves the fewest items that even the measured load, only
 *     when the imbalance is worth it, and never moves an item back to the
 *     member it left in the previous rebalancing run.
 *   - With no usable member, items keep their member (the team is down).
 *
 * What an item is comes from the team's policy class (team-policy.h): the
 * map only looks at its item kind.
 *
 * Members are slots 0..TEAM_MAX_MEMBERS-1; failover order is the order in
 * which they were added (team_map_add_member appends).
 *
 * Thread-safety: control thread only.  Not RCU-protected: the caller copies
 * what the datapath needs into its own published structure. */
#ifndef VSWITCH_TEAM_MAP_H
#define VSWITCH_TEAM_MAP_H 1

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include "team-policy.h"

enum team_move_reason {
    TEAM_MOVE_FAILOVER,         /* Its member became unusable. */
    TEAM_MOVE_FAILBACK,         /* Its home or preferred member came back. */
    TEAM_MOVE_REBALANCE,        /* Measured load. */
    TEAM_MOVE_MANUAL,           /* team_map_migrate(). */
    TEAM_MOVE_INITIAL,          /* First assignment (new port, new team). */
};

struct team_move {
    enum team_item_kind kind;   /* What moved. */
    uint32_t id;                /* Port number or bucket. */
    int from;                   /* Member slot, or TEAM_NONE. */
    int to;                     /* Member slot. */
    enum team_move_reason reason; /* Why. */
};

const char *team_move_reason_name(enum team_move_reason);

struct team_map;

struct team_map *team_map_create(enum team_policy, bool failback);
void team_map_destroy(struct team_map *);   /* Accepts NULL. */
enum team_policy team_map_policy(const struct team_map *);
void team_map_set_failback(struct team_map *, bool failback);

/* Adds a member at the end of the failover order, unusable.  Returns its
 * slot, or TEAM_NONE when TEAM_MAX_MEMBERS are in use. */
int team_map_add_member(struct team_map *);
/* Removes a member; what it carried moves (reason FAILOVER) and ports that
 * preferred it lose their preference.  Moves are appended to 'moves'
 * (GArray of struct team_move). */
void team_map_del_member(struct team_map *, int slot, GArray *moves);
/* Declares a member usable or not (carrier, delays and administrative
 * state already combined by the caller).  Appends the resulting moves. */
void team_map_set_usable(struct team_map *, int slot, bool usable,
                         GArray *moves);
bool team_map_is_usable(const struct team_map *, int slot);
bool team_map_has_member(const struct team_map *, int slot);
/* Members in failover order: fills 'slots', returns how many. */
int team_map_members(const struct team_map *, int slots[TEAM_MAX_MEMBERS]);

/* Active-backup: the member to make active whenever it is usable and the
 * choice is open (at the start, or on failover), as team_map_migrate()'s
 * home does, but moving nothing now.  A restart uses it to keep the member
 * that was active before.  TEAM_NONE clears it. */
void team_map_set_active_home(struct team_map *, int slot);

/* src-port: a VM port joins or leaves the team's bridge.  'preferred' is a
 * member slot or TEAM_NONE. */
void team_map_add_port(struct team_map *, uint32_t port_no, int preferred,
                       GArray *moves);
/* The same for 'n' ports at once ('preferred[i]' for 'port_nos[i]'), in
 * O(n): the placement is the one adding them one by one would give. */
void team_map_add_ports(struct team_map *, const uint32_t *port_nos,
                        const int *preferred, size_t n, GArray *moves);
bool team_map_has_port(const struct team_map *, uint32_t port_no);
void team_map_del_port(struct team_map *, uint32_t port_no);
void team_map_set_preferred(struct team_map *, uint32_t port_no,
                            int preferred, GArray *moves);

/* The member carrying an item now (TEAM_NONE if unknown item or no member
 * at all).  For TEAM_ITEM_ACTIVE, the active member. */
int team_map_member_of(const struct team_map *, enum team_item_kind,
                       uint32_t id);
/* The member that receives flooded frames from upstream in
 * switch-independent mode: the first usable member in failover order, or
 * TEAM_NONE. */
int team_map_designated(const struct team_map *);
/* Ports known to the map, in ascending port number: fills up to 'max'
 * entries of 'port_nos' and returns the total. */
size_t team_map_ports(const struct team_map *, uint32_t *port_nos,
                      size_t max);

/* Measured load of an item over the last interval, in bytes.  Loads decay:
 * each call replaces the previous value. */
void team_map_set_load(struct team_map *, enum team_item_kind, uint32_t id,
                       uint64_t bytes);
uint64_t team_map_member_load(const struct team_map *, int slot);
uint64_t team_map_item_load(const struct team_map *, enum team_item_kind,
                            uint32_t id);

/* Rebalances from the loads last set.  Appends the moves (reason
 * REBALANCE); none when the imbalance is below 'threshold_pct' percent of
 * the total load (10 is a good value) or nothing could improve it. */
void team_map_rebalance(struct team_map *, unsigned int threshold_pct,
                        GArray *moves);

/* Moves one item by hand.  Returns 0, -ENOENT (no such item), -EINVAL (no
 * such member), -ENETDOWN (member not usable) or -EBUSY (a port whose
 * usable preferred member is another).  The item's home becomes 'to'. */
int team_map_migrate(struct team_map *, enum team_item_kind, uint32_t id,
                     int to, GArray *moves);

#endif /* team-map.h */
