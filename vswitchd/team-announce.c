/* team-announce: after a move, each moved local station is announced on
 * its new member (see team-private.h), so that the physical switch
 * relearns it there at once.
 *
 * What moved with an item is the policy's to say (station_moved in
 * team-policy.h); only stations in VLANs the team carries are announced,
 * each 'announce-count' times 'announce-interval' apart, paced by
 * lib/announce-queue (at most ANNOUNCE_BURST frames per 10 ms tick over all
 * teams).  The frames are RARPs built by lib/arp.  Each announcement is
 * remembered for a while, so that the learning filter can tell it coming
 * back from upstream from a station that really moved to another host. */
#include <autoconf.h>
#include "team-private.h"

#include <string.h>
#include "arp.h"
#include "bridge.h"
#include "log.h"
#include "mac-table.h"
#include "packet.h"
#include "util.h"
#include "vlan.h"

#define THIS_MODULE "team"

#define ANNOUNCE_BURST 64         /* Announcements sent per 10 ms tick. */

static GHashTable *announced;        /* (vlan, mac) key -> expiry µs. */
static guint announce_timer;         /* 10 ms tick while sending. */

static uint64_t
announced_key(uint16_t vlan, const uint8_t mac[ETH_ADDR_LEN])
{
    uint64_t k = vlan;

    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        k = (k << 8) | mac[i];
    }
    return k;
}

/* Builds a RARP frame announcing 'mac', tagged with 'vlan' when the team
 * sends that VLAN tagged (vlan_port_tags()).  Returns its length.
 *
 * A RARP (as Open vSwitch's bonds and QEMU send after a move) claims no
 * address: it only makes the upstream switches learn where 'mac' is now,
 * which is all a team move changes.  A gratuitous ARP would have to say
 * which IP address the station has, and what the switch saw a station
 * send is no proof of that: a VM that once claimed the gateway's address
 * would get the switch itself to tell the network "the gateway is at the
 * VM's MAC" (issue 7), and an address the station has since given up
 * would be claimed again for it. */
static size_t
build_rarp(const struct team *t, const uint8_t mac[ETH_ADDR_LEN],
           uint16_t vlan, uint8_t frame[ARP_FRAME_MAX])
{
    static const uint8_t broadcast[ETH_ADDR_LEN] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    bool tagged = vlan_port_tags(dp_port_vlan(t->dp), vlan);
    struct arp_body b;

    /* A reverse request from 'mac' about 'mac', claiming no address. */
    arp_body_init(&b, ARP_OP_RARP_REQUEST);
    memcpy(b.sha, mac, ETH_ADDR_LEN);
    memcpy(b.tha, mac, ETH_ADDR_LEN);
    return arp_frame_build(frame, broadcast, mac, tagged, vlan, ETH_TYPE_RARP,
                           &b, ARP_PAD_LEN);
}

static gboolean announce_tick(gpointer);

static void
announce_schedule(void)
{
    if (!announce_timer) {
        announce_timer = g_timeout_add(10, announce_tick, NULL);
    }
}

/* What announce_send() needs. */
struct send_ctx {
    struct team *t;              /* Team sending. */
    uint64_t now;                /* time_usec() of the tick. */
};

static void
announce_send(int slot, const uint8_t mac[ETH_ADDR_LEN], uint16_t vlan,
              unsigned int left, void *ctx_)
{
    struct send_ctx *ctx = ctx_;
    struct team *t = ctx->t;
    uint8_t frame[ARP_FRAME_MAX];
    size_t len = build_rarp(t, mac, vlan, frame);
    uint64_t interval = (uint64_t) t->s.announce_interval * 1000;

    if (!datapath_team_send(t->dp, slot, frame, len)) {
        t->announcements++;
    }
    /* Ours until two seconds after the last one. */
    g_hash_table_insert(announced,
                        g_memdup2(&(uint64_t) { announced_key(vlan, mac) },
                                  sizeof(uint64_t)),
                        g_memdup2(&(uint64_t) {
                                      ctx->now + 2000000
                                      + interval * (left + 1) },
                                  sizeof(uint64_t)));
}

static gboolean
announce_tick(gpointer aux)
{
    uint64_t now = time_usec();
    unsigned int budget = ANNOUNCE_BURST;
    bool pending = false;
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, team_table);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        struct team *t = value;
        struct send_ctx ctx = { .t = t, .now = now };

        budget -= announce_queue_run(t->announce_queue, now,
                                     (uint64_t) t->s.announce_interval
                                     * 1000, budget, announce_send, &ctx);
        if (announce_queue_pending(t->announce_queue)) {
            pending = true;
        }
    }
    if (!pending) {
        announce_timer = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

struct announce_ctx {
    struct team *t;              /* Team. */
    const struct team_move *mv;  /* The move. */
    unsigned int queued;         /* Stations queued. */
};

static void
announce_entry(const struct mac_entry *e, void *ctx_)
{
    struct announce_ctx *ctx = ctx_;
    struct team *t = ctx->t;
    const struct team_move *mv = ctx->mv;

    if (e->port_no == dp_port_no(t->dp)) {
        return;     /* Learned from upstream: not ours to announce. */
    }
    if (!vlan_port_carries(dp_port_vlan(t->dp), e->vlan)) {
        /* Sent untagged or with a VLAN the trunk does not allow, it would
         * land in another VLAN's (or no) broadcast domain upstream. */
        return;
    }
    if (!t->cls->station_moved(mv->id, e->mac, e->vlan, e->port_no)) {
        return;
    }
    announce_queue_add(t->announce_queue, mv->to, e->mac, e->vlan,
                       t->s.announce_count);
    ctx->queued++;
}

void
team_announce_moves(struct team *t, const GArray *moves)
{
    struct mac_table *mt;
    unsigned int queued = 0;

    if (!t->s.announce || !t->s.announce_count
        || !t->cls->station_moved) {
        return;
    }
    mt = dp_bridge_mac_table(bridge_dp_bridge(t->bridge));
    for (guint i = 0; i < moves->len; i++) {
        struct announce_ctx ctx = {
            .t = t, .mv = &g_array_index(moves, struct team_move, i),
        };
        if (ctx.mv->to < 0) {
            continue;
        }
        mac_table_foreach(mt, announce_entry, &ctx);
        queued += ctx.queued;
    }
    if (queued) {
        team_log(t, "announcing %u station(s) on their new member(s), %u "
                 "time(s) every %u ms", queued, t->s.announce_count,
                 t->s.announce_interval);
        announce_schedule();
    }
}

void
team_announce_station(struct team *t, int slot,
                      const uint8_t mac[ETH_ADDR_LEN], uint16_t vlan)
{
    announce_queue_add(t->announce_queue, slot, mac, vlan,
                       t->s.announce_count);
    announce_schedule();
}

/* The learning filter: our own announcements coming back are not a move. */
static bool
learn_filter(uint32_t team_port_no, uint16_t vlan,
             const uint8_t mac[ETH_ADDR_LEN], void *aux)
{
    uint64_t key = announced_key(vlan, mac);
    uint64_t *expiry = g_hash_table_lookup(announced, &key);

    if (expiry && *expiry > time_usec()) {
        return false;
    }
    static struct log_ratelimit rl = LOG_RATELIMIT_INIT(10, 1000);

    if (!log_ratelimit_pass(&rl)) {
        return true;
    }
    VLOG_INFO("station " ETH_ADDR_FMT " vlan %u announced itself from "
              "upstream: it moved to another host; relearned on the team",
              ETH_ADDR_ARGS(mac), vlan);
    return true;
}

void
team_announce_init(void)
{
    announced = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                      g_free);
    datapath_set_learn_filter(team_datapath, learn_filter, NULL);
}

void
team_announce_fini(void)
{
    if (announce_timer) {
        g_source_remove(announce_timer);
        announce_timer = 0;
    }
    g_clear_pointer(&announced, g_hash_table_destroy);
}
