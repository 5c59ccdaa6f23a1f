/* dp-team: the datapath's teams, on the control side: adding one, its
 * members' devices and carrier, publishing its map, sending on a member.
 * The threads' side of a team is in dp-thread.c and the policies
 * (team-policy.h).  Split from datapath.c, whose private interface
 * (datapath-private.h) it uses. */
#include <autoconf.h>
#include "datapath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "datapath-private.h"

struct dp_port *
datapath_team_add(struct datapath *dp, struct dp_bridge *b, const char *name,
                  const struct dp_port_settings *s)
{
    struct dp_team *team = calloc(1, sizeof *team);
    struct dp_team_map *map = calloc(1, sizeof *map);
    struct dp_port *p;

    if (!team || !map) {
        free(team);
        free(map);
        return NULL;
    }
    map->cls = team_policy_class(TEAM_POLICY_SRC_PORT);
    map->designated = TEAM_NONE;
    map->active = TEAM_NONE;
    map->prev_active = TEAM_NONE;
    memset(map->bucket, TEAM_NONE, sizeof map->bucket);
    memset(map->prev_bucket, TEAM_NONE, sizeof map->prev_bucket);
    team->map = map;

    p = calloc(1, sizeof *p);
    if (!p) {
        free(team);
        free(map);
        return NULL;
    }
    snprintf(p->name, sizeof p->name, "%s", name);
    p->bridge = b;
    dp_port_set_settings(p, s);
    port_policy_init(&p->policy, true);
    p->team = team;
    return dp_port_link_publish(dp, p) ? NULL : p;
}

bool
dp_port_is_team(const struct dp_port *p)
{
    return p->team != NULL;
}

void
datapath_team_member_set(struct datapath *dp, struct dp_port *p, int slot,
                         const char *name)
{
    struct dp_team_member *m = &p->team->members[slot];

    m->present = true;
    snprintf(m->name, sizeof m->name, "%s", name);
    memset(m->stats, 0, sizeof m->stats);
    CMM_STORE_SHARED(m->down_ifindex, 0);
}

void
datapath_team_member_clear(struct datapath *dp, struct dp_port *p, int slot)
{
    datapath_team_member_detach(dp, p, slot);
    p->team->members[slot].present = false;
    p->team->members[slot].name[0] = '\0';
    CMM_STORE_SHARED(p->team->members[slot].down_ifindex, 0);
}

int
datapath_team_member_attach(struct datapath *dp, struct dp_port *p, int slot,
                            char *err, size_t err_size)
{
    struct dp_team_member *m = &p->team->members[slot];

    return dp_open_dev(dp, p, m->name, &m->dev, err, err_size);
}

void
datapath_team_member_detach(struct datapath *dp, struct dp_port *p, int slot)
{
    struct dp_team_member *m = &p->team->members[slot];

    if (m->dev) {
        dp_retire_dev(dp, p, &m->dev, m->stats, p->stats);
    }
}

/* Member 'm''s carrier now: its device's, or its in-memory device's. */
static bool
member_carrier(const struct dp_team_member *m)
{
    if (m->dev && m->dev->mem) {
        return m->dev->mem->carrier;
    }
    return netdev_packet_carrier(m->name);
}

bool
datapath_team_member_carrier(struct dp_port *p, int slot, bool *lost)
{
    struct dp_team_member *m = &p->team->members[slot];
    int down = CMM_LOAD_SHARED(m->down_ifindex);

    *lost = down && m->dev && down == m->dev->ifindex;
    if (!member_carrier(m)) {
        return false;
    }
    if (!down) {
        return true;
    }
    /* The link is back: clear the watcher's mark, then look again, so
     * that a loss the watcher reports meanwhile is not wiped out. */
    uatomic_xchg(&m->down_ifindex, 0);
    if (member_carrier(m)) {
        return true;
    }
    if (m->dev && p->team->map->fast_down) {
        CMM_STORE_SHARED(m->down_ifindex, m->dev->ifindex);
    }
    return false;
}

bool
dp_team_member_is_attached(const struct dp_port *p, int slot)
{
    return p->team->members[slot].dev != NULL;
}

int
dp_team_member_ifindex(const struct dp_port *p, int slot)
{
    const struct dp_team_member *m = &p->team->members[slot];

    return m->dev ? m->dev->ifindex : 0;
}

bool
dp_team_member_mac(const struct dp_port *p, int slot,
                   uint8_t mac[ETH_ADDR_LEN])
{
    const struct dp_team_member *m = &p->team->members[slot];

    if (!m->dev) {
        return false;
    }
    memcpy(mac, m->dev->mac, ETH_ADDR_LEN);
    return true;
}

void
dp_team_member_get_stats(const struct dp_port *p, int slot,
                         struct dp_port_stats *s)
{
    dp_stats_read(p->team->members[slot].stats, s);
}

static void
team_map_free_cb(struct rcu_head *head)
{
    free(CONTAINER_OF(head, struct dp_team_map, rcu_head));
}

/* The previous member of an item now on 'slot', which was on 'old_slot'
 * with previous member 'old_prev' until 'old_until': the one it left if it
 * moved now, else the one it left in the grace still running.  Sets
 * '*until'. */
static int
prev_member(int slot, int old_slot, int old_prev, uint64_t old_until,
            uint64_t now, uint64_t *until)
{
    if (old_slot != slot && old_slot != TEAM_NONE) {
        *until = now + DP_TEAM_MOVE_GRACE_USEC;
        return old_slot;
    }
    if (old_prev != TEAM_NONE && old_prev != slot && old_until > now) {
        *until = old_until;
        return old_prev;
    }
    *until = 0;
    return TEAM_NONE;
}

/* Fills the previous members of 'map''s items from 'old', the map it
 * replaces (dp_team_map's 'prev_*'). */
static void
note_moves(struct dp_team_map *map, const struct dp_team_map *old,
           uint64_t now)
{
    size_t j = 0;

    map->prev_active = prev_member(map->active, old->active,
                                   old->prev_active, old->prev_active_until,
                                   now, &map->prev_active_until);
    for (int b = 0; b < TEAM_BUCKETS; b++) {
        map->prev_bucket[b] = prev_member(map->bucket[b], old->bucket[b],
                                          old->prev_bucket[b],
                                          old->prev_bucket_until[b], now,
                                          &map->prev_bucket_until[b]);
    }
    /* Both port lists are sorted by port number. */
    for (size_t i = 0; i < map->n_ports; i++) {
        struct dp_team_port *tp = &map->ports[i];

        while (j < old->n_ports && old->ports[j].port_no < tp->port_no) {
            j++;
        }
        if (j < old->n_ports && old->ports[j].port_no == tp->port_no) {
            tp->prev_slot = prev_member(tp->slot, old->ports[j].slot,
                                        old->ports[j].prev_slot,
                                        old->ports[j].prev_until, now,
                                        &tp->prev_until);
        } else {
            tp->prev_slot = TEAM_NONE;
        }
    }
}

int
datapath_team_publish(struct datapath *dp, struct dp_port *p,
                      const struct dp_team_map_desc *d)
{
    struct dp_team_map *map, *old;

    map = calloc(1, sizeof *map + d->n_ports * sizeof map->ports[0]);
    if (!map) {
        return -ENOMEM;
    }
    map->cls = team_policy_class(d->policy);
    map->fields = d->fields;
    map->switch_independent = d->switch_independent;
    map->usable = d->usable;
    map->designated = d->designated;
    map->active = d->active;
    memcpy(map->bucket, d->bucket, sizeof map->bucket);
    map->n_order = MIN(d->n_order, TEAM_MAX_MEMBERS);
    for (int i = 0; i < map->n_order; i++) {
        map->order[i] = d->order[i];
    }
    map->fast_down = d->fast_down;
    map->lacp = d->lacp;
    map->collecting = d->collecting;
    map->n_ports = d->n_ports;
    for (size_t i = 0; i < d->n_ports; i++) {
        map->ports[i].port_no = d->port_nos[i];
        map->ports[i].slot = d->port_slots[i];
    }
    map->published_usec = dp_now_usec(dp);

    old = p->team->map;
    note_moves(map, old, map->published_usec);
    rcu_assign_pointer(p->team->map, map);
    call_rcu(&old->rcu_head, team_map_free_cb);
    return 0;
}

void
dp_team_map_times(const struct dp_port *p, uint64_t *published,
                  uint64_t *first_use)
{
    const struct dp_team_map *map = p->team->map;

    *published = map->published_usec;
    *first_use = CMM_LOAD_SHARED(map->first_use_usec);
}

void
dp_team_bucket_bytes(const struct dp_port *p, uint64_t bytes[TEAM_BUCKETS])
{
    for (int i = 0; i < TEAM_BUCKETS; i++) {
        bytes[i] = CMM_LOAD_SHARED(p->team->bucket_bytes[i]);
    }
}

uint64_t
dp_port_team_tx_bytes(const struct dp_port *p)
{
    return CMM_LOAD_SHARED(p->team_tx_bytes);
}

int
datapath_team_send(struct dp_port *p, int slot, const void *frame,
                   size_t len)
{
    struct dp_team_member *m = &p->team->members[slot];
    struct virtio_net_hdr vnet;
    struct iovec iov[2];
    struct msghdr mh;

    if (!m->dev) {
        return -ENETDOWN;
    }
    memset(&vnet, 0, sizeof vnet);
    iov[0] = (struct iovec) { &vnet, sizeof vnet };
    iov[1] = (struct iovec) { (void *) frame, len };
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = iov;
    mh.msg_iovlen = 2;
    if (sendmsg(m->dev->tx_fd, &mh, MSG_DONTWAIT) < 0) {
        return -errno;
    }
    uatomic_add(&m->stats[ST_TX_PKTS], 1);
    uatomic_add(&m->stats[ST_TX_BYTES], len);
    return 0;
}
