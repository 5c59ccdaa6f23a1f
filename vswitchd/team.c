#include <autoconf.h>
#include "team.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <glib-unix.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "arp.h"
#include "arp-probe.h"
#include "bridge.h"
#include "config.h"
#include "ctl-server.h"
#include "datapath.h"
#include "log.h"
#include "mac-table.h"
#include "netdev-packet.h"
#include "netlink-monitor.h"
#include "packet.h"
#include "team-hash.h"
#include "team-map.h"
#include "util.h"
#include "vlan.h"

#define THIS_MODULE "team"

#define TEAM_EVENTS 64            /* History kept per team. */
#define ANNOUNCE_BURST 64         /* Announcements sent per 10 ms tick. */
#define REBALANCE_THRESHOLD 10    /* Percent of total load. */

enum member_state {
    MEMBER_ABSENT,      /* No such device. */
    MEMBER_DOWN,        /* No carrier. */
    MEMBER_WAIT_UP,     /* Carrier back; waiting out updelay. */
    MEMBER_UP,          /* In use. */
    MEMBER_WAIT_DOWN,   /* Carrier lost; waiting out downdelay (in use). */
    MEMBER_DISABLED,    /* Drained by the operator. */
};

static const char *const member_state_names[] = {
    [MEMBER_ABSENT] = "absent", [MEMBER_DOWN] = "down",
    [MEMBER_WAIT_UP] = "waiting-up", [MEMBER_UP] = "up",
    [MEMBER_WAIT_DOWN] = "waiting-down", [MEMBER_DISABLED] = "disabled",
};

struct member {
    char *name;                  /* Owned; NULL for a free slot. */
    bool carrier;                /* Last known carrier. */
    bool admin_disabled;         /* From the configuration. */
    enum member_state state;     /* Health. */
    gint64 since;                /* Wall clock (µs) of the last change. */
    guint delay_timer;           /* Up/down delay source, or 0. */
    struct arp_probe *probe;     /* Owned ARP watcher, or NULL. */
    guint probe_watch;           /* Its fd's source, or 0. */
    bool probe_ok;               /* A reply came within 3 intervals. */
    uint64_t probe_reply_usec;   /* When the last reply came. */
};

struct team_settings {
    enum team_policy policy;     /* Distribution policy. */
    enum team_hash_fields fields;/* For the hash policy. */
    bool switch_independent;     /* Receive rules on. */
    unsigned int updelay;        /* ms. */
    unsigned int downdelay;      /* ms. */
    bool failback;               /* Return items to their home member. */
    bool announce;               /* Announce moved stations. */
    unsigned int announce_count; /* Announcements per station and move. */
    unsigned int announce_interval; /* ms between them. */
    unsigned int rebalance;      /* Seconds, 0 = off. */
    uint32_t probe_ip;           /* ARP probe target, 0 = none. */
    unsigned int probe_interval; /* ms between probes. */
};

struct announcement {
    int slot;                    /* Member to send on. */
    uint8_t mac[ETH_ADDR_LEN];   /* Station. */
    uint16_t vlan;               /* Its VLAN. */
    unsigned int left;           /* Sends left. */
    uint64_t next_usec;          /* When the next is due. */
};

struct team {
    char *name;                  /* Owned.  Key in 'teams'. */
    char *bridge;                /* Owned.  Bridge name. */
    struct dp_port *dp;          /* The team's datapath port. */
    struct team_map *map;        /* Owned assignment state. */
    struct team_settings s;      /* Applied settings. */
    struct dp_port_settings vlan;/* Applied VLAN settings. */
    struct member members[TEAM_MAX_MEMBERS]; /* By map slot. */

    /* Counters. */
    uint64_t failovers;          /* Members taken out of use. */
    uint64_t moves;              /* Items moved, all reasons. */
    uint64_t announcements;      /* Announcement frames sent. */
    int64_t last_migration_usec; /* Event to new map in use, or -1. */

    /* Migration being timed: the event time and the number of moves. */
    uint64_t pending_event_usec; /* 0 = none. */
    unsigned int pending_moves;  /* Moves it made. */
    char *pending_what;          /* What happened (owned). */
    guint timing_source;         /* migration_timed() source, or 0. */

    /* History: a ring of lines. */
    char *events[TEAM_EVENTS];   /* Owned strings, NULL when unused. */
    gint64 event_time[TEAM_EVENTS]; /* Wall clock, µs. */
    unsigned int n_events;       /* Total ever logged. */

    /* Load measurement for rebalancing. */
    uint64_t bucket_base[TEAM_BUCKETS]; /* Counters at the last run. */
    GHashTable *port_base;       /* port_no -> bytes at the last run. */
    guint rebalance_timer;       /* Source id, or 0. */
    guint probe_timer;           /* ARP probing tick, or 0. */

    GQueue *announce_queue;      /* Of struct announcement *. */
    char *saved_active;          /* Active member as last written to the
                                  * state file (owned), or NULL. */
};

static struct datapath *dp;          /* Borrowed. */
static GHashTable *teams;            /* name -> struct team *. */
static GHashTable *announced;        /* (vlan, mac) key -> expiry µs. */
static guint announce_timer;         /* 10 ms tick while sending. */
static char *state_path;             /* The state file (owned). */
static GKeyFile *saved_state;        /* Its contents, as read at start and
                                      * kept up to date (owned). */

static void team_publish(struct team *, GArray *moves, uint64_t event_usec,
                         const char *what);

/* ---- Events ------------------------------------------------------------- */

static void team_log(struct team *, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
static void
team_log(struct team *t, const char *fmt, ...)
{
    unsigned int i = t->n_events++ % TEAM_EVENTS;
    va_list args;

    g_free(t->events[i]);
    va_start(args, fmt);
    t->events[i] = g_strdup_vprintf(fmt, args);
    va_end(args);
    t->event_time[i] = g_get_real_time();
    VLOG_INFO("team %s: %s", t->name, t->events[i]);
}

/* ---- Members and health ------------------------------------------------- */

static int
member_slot(const struct team *t, const char *name)
{
    for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
        if (t->members[i].name && !strcmp(t->members[i].name, name)) {
            return i;
        }
    }
    return TEAM_NONE;
}

static bool
member_in_use(const struct member *m)
{
    return m->state == MEMBER_UP || m->state == MEMBER_WAIT_DOWN;
}

static void
member_set_state(struct team *t, int slot, enum member_state state,
                 uint64_t event_usec)
{
    struct member *m = &t->members[slot];
    bool was = member_in_use(m);
    GArray *moves;

    if (m->state == state) {
        return;
    }
    team_log(t, "member %s: %s -> %s", m->name,
             member_state_names[m->state], member_state_names[state]);
    m->state = state;
    m->since = g_get_real_time();
    if (was == member_in_use(m)) {
        return;
    }
    if (was) {
        t->failovers++;
    }
    moves = g_array_new(FALSE, FALSE, sizeof(struct team_move));
    team_map_set_usable(t->map, slot, !was, moves);
    team_publish(t, moves, event_usec,
                 was ? "failover" : "member back in use");
    g_array_free(moves, TRUE);
}

struct delay_ctx {
    struct team *t;              /* Team (valid while the timer runs). */
    int slot;                    /* Member. */
};

static gboolean
member_delay_done(gpointer ctx_)
{
    struct delay_ctx *ctx = ctx_;
    struct member *m = &ctx->t->members[ctx->slot];

    m->delay_timer = 0;
    if (m->state == MEMBER_WAIT_UP) {
        member_set_state(ctx->t, ctx->slot, MEMBER_UP, time_usec());
    } else if (m->state == MEMBER_WAIT_DOWN) {
        member_set_state(ctx->t, ctx->slot, MEMBER_DOWN, time_usec());
    }
    return G_SOURCE_REMOVE;
}

static void
member_cancel_delay(struct member *m)
{
    if (m->delay_timer) {
        g_source_remove(m->delay_timer);
        m->delay_timer = 0;
    }
}

static void
member_start_delay(struct team *t, int slot, unsigned int ms)
{
    struct delay_ctx *ctx = g_new(struct delay_ctx, 1);

    ctx->t = t;
    ctx->slot = slot;
    member_cancel_delay(&t->members[slot]);
    t->members[slot].delay_timer = g_timeout_add_full(G_PRIORITY_DEFAULT, ms,
                                                      member_delay_done, ctx,
                                                      g_free);
}

/* Recomputes a member's state from its device, carrier and administrative
 * state, applying the delays. */
static void
member_update(struct team *t, int slot, uint64_t event_usec)
{
    struct member *m = &t->members[slot];
    bool attached = dp_team_member_is_attached(t->dp, slot);
    bool link_ok = m->carrier && (!m->probe || m->probe_ok);

    if (m->admin_disabled) {
        member_cancel_delay(m);
        member_set_state(t, slot, MEMBER_DISABLED, event_usec);
    } else if (!attached) {
        member_cancel_delay(m);
        member_set_state(t, slot, MEMBER_ABSENT, event_usec);
    } else if (link_ok) {
        if (m->state == MEMBER_UP || m->state == MEMBER_WAIT_UP) {
            if (m->state == MEMBER_UP) {
                member_cancel_delay(m);
            }
            return;
        }
        if (m->state == MEMBER_WAIT_DOWN) {
            /* Carrier came back within the down delay: nothing happened. */
            member_cancel_delay(m);
            member_set_state(t, slot, MEMBER_UP, event_usec);
        } else if (t->s.updelay && m->state != MEMBER_DISABLED
                   && m->state != MEMBER_ABSENT) {
            member_set_state(t, slot, MEMBER_WAIT_UP, event_usec);
            member_start_delay(t, slot, t->s.updelay);
        } else {
            member_set_state(t, slot, MEMBER_UP, event_usec);
        }
    } else {
        if (m->state == MEMBER_DOWN || m->state == MEMBER_WAIT_DOWN) {
            return;
        }
        if (m->state == MEMBER_UP && t->s.downdelay) {
            member_set_state(t, slot, MEMBER_WAIT_DOWN, event_usec);
            member_start_delay(t, slot, t->s.downdelay);
        } else {
            member_cancel_delay(m);
            member_set_state(t, slot, MEMBER_DOWN, event_usec);
        }
    }
}

/* Takes the member's carrier as it is now.  If the link watcher saw the
 * link go meanwhile (the datapath stopped using the member then) and it
 * is back already, the loss still happened: the member goes down, and
 * comes back through its up delay. */
static void
member_read_carrier(struct team *t, int slot, uint64_t event_usec)
{
    struct member *m = &t->members[slot];
    bool lost;

    m->carrier = datapath_team_member_carrier(t->dp, slot, &lost);
    if (lost && m->carrier && member_in_use(m)) {
        m->carrier = false;
        member_update(t, slot, event_usec);
        m->carrier = true;
    }
}

/* ---- ARP probing ---------------------------------------------------------- */

static void
member_probe_stop(struct member *m)
{
    if (m->probe_watch) {
        g_source_remove(m->probe_watch);
        m->probe_watch = 0;
    }
    arp_probe_destroy(m->probe);
    m->probe = NULL;
    m->probe_ok = false;
}

struct probe_ctx {
    struct team *t;              /* Team. */
    int slot;                    /* Member. */
};

static gboolean
member_probe_readable(gint fd, GIOCondition cond, gpointer ctx_)
{
    struct probe_ctx *ctx = ctx_;
    struct member *m = &ctx->t->members[ctx->slot];

    if (m->probe && arp_probe_receive(m->probe, time_usec())) {
        m->probe_reply_usec = time_usec();
        if (!m->probe_ok) {
            m->probe_ok = true;
            team_log(ctx->t, "member %s: upstream %s answers ARP", m->name,
                     inet_ntoa((struct in_addr) { ctx->t->s.probe_ip }));
            member_update(ctx->t, ctx->slot, time_usec());
        }
    }
    return G_SOURCE_CONTINUE;
}

static void
member_probe_start(struct team *t, int slot)
{
    struct member *m = &t->members[slot];
    struct probe_ctx *ctx;
    int error;

    member_probe_stop(m);
    if (!t->s.probe_ip || !dp_team_member_is_attached(t->dp, slot)) {
        return;
    }
    m->probe = arp_probe_create(m->name, t->s.probe_ip, t->s.probe_interval,
                                &error);
    if (!m->probe) {
        VLOG_WARN("team %s: member %s: cannot start ARP probing: %s",
                  t->name, m->name, g_strerror(-error));
        return;
    }
    /* Give the upstream three intervals to answer before the member is
     * taken out, so that enabling probing on a running team, or a member
     * coming up, does not drop traffic while the first reply is on its
     * way. */
    m->probe_ok = true;
    m->probe_reply_usec = time_usec();
    ctx = g_new(struct probe_ctx, 1);
    ctx->t = t;
    ctx->slot = slot;
    m->probe_watch = g_unix_fd_add_full(G_PRIORITY_DEFAULT,
                                        arp_probe_fd(m->probe), G_IO_IN,
                                        member_probe_readable, ctx, g_free);
    arp_probe_send(m->probe, time_usec());
}

/* Every probe interval: ask again, and give up on members whose upstream
 * has not answered for three intervals. */
static gboolean
probe_tick(gpointer t_)
{
    struct team *t = t_;
    uint64_t now = time_usec();
    uint64_t limit = 3 * (uint64_t) t->s.probe_interval * 1000;

    for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
        struct member *m = &t->members[slot];

        if (!m->name || !m->probe) {
            continue;
        }
        if (m->probe_ok && now - m->probe_reply_usec > limit) {
            m->probe_ok = false;
            team_log(t, "member %s: no ARP reply from %s for %u ms", m->name,
                     inet_ntoa((struct in_addr) { t->s.probe_ip }),
                     3 * t->s.probe_interval);
            member_update(t, slot, now);
        }
        arp_probe_send(m->probe, now);
    }
    return G_SOURCE_CONTINUE;
}

static void
team_set_probing(struct team *t)
{
    if (t->probe_timer) {
        g_source_remove(t->probe_timer);
        t->probe_timer = 0;
    }
    for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
        if (t->members[slot].name) {
            member_probe_start(t, slot);
        }
    }
    if (t->s.probe_ip) {
        t->probe_timer = g_timeout_add(t->s.probe_interval, probe_tick, t);
    }
}

static void
member_try_attach(struct team *t, int slot)
{
    char err[256];
    int error;

    if (dp_team_member_is_attached(t->dp, slot)) {
        return;
    }
    error = datapath_team_member_attach(dp, t->dp, slot, err, sizeof err);
    if (error) {
        if (error != -ENODEV) {
            VLOG_WARN("team %s: %s", t->name, err);
        }
        return;
    }
    member_read_carrier(t, slot, time_usec());
    member_probe_start(t, slot);
}

/* ---- VLANs ---------------------------------------------------------------- */

/* The VLANs a port with settings 's' is a member of, as the datapath
 * forwards them (a port in DP_VLAN_ALL: every one, VLAN 0 being its
 * untagged traffic). */
static void
settings_vlans(const struct dp_port_settings *s, struct vlan_bitmap *b)
{
    switch (s->mode) {
    case DP_VLAN_ACCESS:
        vlan_bitmap_clear_all(b);
        vlan_bitmap_set(b, s->vlan);
        break;
    case DP_VLAN_TRUNK:
        *b = s->trunks;
        if (s->native) {
            vlan_bitmap_set(b, s->native);
        }
        break;
    case DP_VLAN_ALL:
    default:
        memset(b, 0xff, sizeof *b);
        break;
    }
}

/* True if the team carries VLAN 'vlan' (as settings_vlans() says, without
 * building the bitmap: this runs per MAC entry). */
static bool
team_carries(const struct team *t, uint16_t vlan)
{
    const struct dp_port_settings *s = &t->vlan;

    switch (s->mode) {
    case DP_VLAN_ACCESS:
        return vlan == s->vlan;
    case DP_VLAN_TRUNK:
        return vlan_bitmap_test(&s->trunks, vlan)
               || (s->native && vlan == s->native);
    case DP_VLAN_ALL:
    default:
        return true;
    }
}

/* True if a port with VLAN settings 'ps' has a VLAN in common with the
 * team: only then can the team carry any of its traffic. */
static bool
team_shares_vlan(const struct team *t, const struct dp_port_settings *ps)
{
    struct vlan_bitmap tb, pb;

    settings_vlans(&t->vlan, &tb);
    settings_vlans(ps, &pb);
    for (size_t i = 0; i < ARRAY_SIZE(tb.bits); i++) {
        if (tb.bits[i] & pb.bits[i]) {
            return true;
        }
    }
    return false;
}

/* ---- Announcements -------------------------------------------------------- */

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
 * carries that VLAN tagged.  Returns its length.
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
    struct arp_body b;
    bool tagged;

    switch (t->vlan.mode) {
    case DP_VLAN_ACCESS:
        tagged = false;
        break;
    case DP_VLAN_TRUNK:
        tagged = vlan != t->vlan.native;
        break;
    case DP_VLAN_ALL:
    default:
        tagged = vlan != 0;
        break;
    }
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

static gboolean
announce_tick(gpointer aux)
{
    uint64_t now = time_usec();
    unsigned int budget = ANNOUNCE_BURST;
    bool pending = false;
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, teams);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        struct team *t = value;
        unsigned int n = g_queue_get_length(t->announce_queue);

        /* Each entry is looked at once per tick; due ones are sent and go
         * to the back with one send fewer. */
        for (unsigned int i = 0; i < n && budget; i++) {
            struct announcement *a = g_queue_pop_head(t->announce_queue);
            uint8_t frame[ARP_FRAME_MAX];
            size_t len;

            if (a->next_usec > now) {
                g_queue_push_tail(t->announce_queue, a);
                continue;
            }
            len = build_rarp(t, a->mac, a->vlan, frame);
            if (!datapath_team_send(t->dp, a->slot, frame, len)) {
                t->announcements++;
            }
            g_hash_table_insert(announced,
                                g_memdup2(&(uint64_t) {
                                    announced_key(a->vlan, a->mac) },
                                    sizeof(uint64_t)),
                                g_memdup2(&(uint64_t) {
                                    now + 2000000
                                    + (uint64_t) t->s.announce_interval
                                      * 1000 * a->left },
                                    sizeof(uint64_t)));
            budget--;
            if (--a->left) {
                a->next_usec = now + (uint64_t) t->s.announce_interval * 1000;
                g_queue_push_tail(t->announce_queue, a);
            } else {
                g_free(a);
            }
        }
        if (!g_queue_is_empty(t->announce_queue)) {
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
    struct announcement *a;

    if (e->port_no == dp_port_no(t->dp)) {
        return;     /* Learned from upstream: not ours to announce. */
    }
    if (!team_carries(t, e->vlan)) {
        /* Sent untagged or with a VLAN the trunk does not allow, it would
         * land in another VLAN's (or no) broadcast domain upstream. */
        return;
    }
    if (!team_policy_class(t->s.policy)->station_moved(mv->id, e->mac,
                                                       e->vlan,
                                                       e->port_no)) {
        return;
    }
    a = g_new0(struct announcement, 1);
    a->slot = mv->to;
    memcpy(a->mac, e->mac, ETH_ADDR_LEN);
    a->vlan = e->vlan;
    a->left = t->s.announce_count;
    a->next_usec = 0;
    g_queue_push_tail(t->announce_queue, a);
    ctx->queued++;
}

/* Queues announcements of every local station that 'moves' moved. */
static void
announce_moves(struct team *t, const GArray *moves)
{
    struct mac_table *mt;
    unsigned int queued = 0;

    if (!t->s.announce || !t->s.announce_count
        || !team_policy_class(t->s.policy)->station_moved) {
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

/* ---- Runtime state --------------------------------------------------------
 *
 * Which member an active-backup team has active is not configuration, but
 * it must survive the daemon: after a crash or a restart the team keeps
 * the member it had (with failback=no, the one it failed over to), so the
 * physical network sees no move.  It is kept in a key file beside the
 * configuration (CONFIG.state), one group per team, written atomically
 * when it changes and read once at start. */

static void
state_save(void)
{
    GError *error = NULL;
    gchar *data = g_key_file_to_data(saved_state, NULL, NULL);

    if (!g_file_set_contents(state_path, data, -1, &error)) {
        static struct log_ratelimit rl = LOG_RATELIMIT_INIT(1, 60000);

        if (log_ratelimit_pass(&rl)) {
            VLOG_WARN("cannot save the teams' state to %s: %s", state_path,
                      error->message);
        }
        g_error_free(error);
    }
    g_free(data);
}

/* Records 't''s active member, if it changed. */
static void
state_note_active(struct team *t, int active)
{
    const char *name;
    gchar *group;

    if (team_policy_class(t->s.policy)->item != TEAM_ITEM_ACTIVE
        || active < 0
        || !t->members[active].name) {
        return;
    }
    name = t->members[active].name;
    if (t->saved_active && !strcmp(t->saved_active, name)) {
        return;
    }
    g_free(t->saved_active);
    t->saved_active = g_strdup(name);
    group = g_strconcat("team ", t->name, NULL);
    g_key_file_set_string(saved_state, group, "active", name);
    g_free(group);
    state_save();
}

/* The member 't' had active when the state was last saved, or NULL. */
static char *
state_saved_active(const struct team *t)
{
    gchar *group = g_strconcat("team ", t->name, NULL);
    char *name = g_key_file_get_string(saved_state, group, "active", NULL);

    g_free(group);
    return name;
}

/* Forgets a team that was deleted. */
static void
state_forget(const struct team *t)
{
    gchar *group = g_strconcat("team ", t->name, NULL);

    if (g_key_file_remove_group(saved_state, group, NULL)) {
        state_save();
    }
    g_free(group);
}

/* ---- Publishing ----------------------------------------------------------- */

static void
describe_item(const struct team_move *mv, char *buf, size_t size)
{
    struct dp_port *p;

    switch (mv->kind) {
    case TEAM_ITEM_PORT:
        p = datapath_find_port(dp, mv->id);
        snprintf(buf, size, "port %s", p ? dp_port_name(p) : "?");
        break;
    case TEAM_ITEM_BUCKET:
        snprintf(buf, size, "bucket %u", mv->id);
        break;
    case TEAM_ITEM_ACTIVE:
    default:
        snprintf(buf, size, "active member");
        break;
    }
}

static gboolean
migration_timed(gpointer t_)
{
    struct team *t = t_;
    uint64_t published, first_use;

    t->timing_source = 0;
    if (!t->pending_event_usec) {
        return G_SOURCE_REMOVE;
    }
    dp_team_map_times(t->dp, &published, &first_use);
    if (first_use >= t->pending_event_usec) {
        t->last_migration_usec = first_use - t->pending_event_usec;
        team_log(t, "%s: %u item(s) moved; new map in use %" G_GINT64_FORMAT
                 " us after the event (published after %" G_GUINT64_FORMAT
                 " us)", t->pending_what, t->pending_moves,
                 t->last_migration_usec, published - t->pending_event_usec);
    } else {
        team_log(t, "%s: %u item(s) moved; new map published %"
                 G_GUINT64_FORMAT " us after the event (no traffic has used "
                 "it yet)", t->pending_what, t->pending_moves,
                 published - t->pending_event_usec);
    }
    t->pending_event_usec = 0;
    g_clear_pointer(&t->pending_what, g_free);
    return G_SOURCE_REMOVE;
}

/* The member that takes floods from upstream: for active-backup the active
 * one, even when failback=no keeps it off the first in order. */
static int
team_designated(const struct team *t)
{
    return team_policy_class(t->s.policy)->item == TEAM_ITEM_ACTIVE
           ? team_map_member_of(t->map, TEAM_ITEM_ACTIVE, 0)
           : team_map_designated(t->map);
}

/* Publishes the map as it stands and announces the moves. */
static void
team_publish(struct team *t, GArray *moves, uint64_t event_usec,
             const char *what)
{
    struct dp_team_map_desc d;
    uint32_t *port_nos;
    int *slots;
    int members[TEAM_MAX_MEMBERS];
    int n_members;
    size_t n_ports;

    memset(&d, 0, sizeof d);
    d.policy = t->s.policy;
    d.fields = t->s.fields;
    d.switch_independent = t->s.switch_independent;
    n_members = team_map_members(t->map, members);
    for (int i = 0; i < n_members; i++) {
        if (team_map_is_usable(t->map, members[i])) {
            d.usable |= 1u << members[i];
        }
        d.order[i] = members[i];
    }
    d.n_order = n_members;
    d.fast_down = !t->s.downdelay;
    d.active = team_map_member_of(t->map, TEAM_ITEM_ACTIVE, 0);
    state_note_active(t, d.active);
    d.designated = team_designated(t);
    for (int b = 0; b < TEAM_BUCKETS; b++) {
        d.bucket[b] = team_map_member_of(t->map, TEAM_ITEM_BUCKET, b);
    }
    n_ports = team_map_ports(t->map, NULL, 0);
    port_nos = g_new(uint32_t, n_ports + 1);
    slots = g_new(int, n_ports + 1);
    team_map_ports(t->map, port_nos, n_ports);
    for (size_t i = 0; i < n_ports; i++) {
        slots[i] = team_map_member_of(t->map, TEAM_ITEM_PORT, port_nos[i]);
    }
    d.n_ports = n_ports;
    d.port_nos = port_nos;
    d.port_slots = slots;
    datapath_team_publish(dp, t->dp, &d);
    g_free(port_nos);
    g_free(slots);

    if (!moves || !moves->len) {
        return;
    }
    t->moves += moves->len;
    for (guint i = 0; i < moves->len && i < 8; i++) {
        const struct team_move *mv = &g_array_index(moves, struct team_move,
                                                    i);
        char item[64];
        describe_item(mv, item, sizeof item);
        team_log(t, "%s moved %s -> %s (%s)", item,
                 mv->from >= 0 && t->members[mv->from].name
                 ? t->members[mv->from].name : "none",
                 mv->to >= 0 && t->members[mv->to].name
                 ? t->members[mv->to].name : "none",
                 team_move_reason_name(mv->reason));
    }
    if (moves->len > 8) {
        team_log(t, "... and %u more move(s)", moves->len - 8);
    }
    if (event_usec) {
        t->pending_event_usec = event_usec;
        t->pending_moves = moves->len;
        g_free(t->pending_what);
        t->pending_what = g_strdup(what);
        if (!t->timing_source) {
            t->timing_source = g_timeout_add(100, migration_timed, t);
        }
    }
    announce_moves(t, moves);
}

/* ---- Rebalancing ---------------------------------------------------------- */

static gboolean
rebalance_tick(gpointer t_)
{
    struct team *t = t_;
    uint64_t now_bytes[TEAM_BUCKETS];
    uint32_t *port_nos;
    size_t n_ports;
    GArray *moves;

    const struct team_policy_class *cls = team_policy_class(t->s.policy);

    if (!cls->rebalances) {
        return G_SOURCE_CONTINUE;
    } else if (cls->item == TEAM_ITEM_BUCKET) {
        dp_team_bucket_bytes(t->dp, now_bytes);
        for (int b = 0; b < TEAM_BUCKETS; b++) {
            team_map_set_load(t->map, TEAM_ITEM_BUCKET, b,
                              now_bytes[b] - t->bucket_base[b]);
            t->bucket_base[b] = now_bytes[b];
        }
    } else if (cls->item == TEAM_ITEM_PORT) {
        n_ports = team_map_ports(t->map, NULL, 0);
        port_nos = g_new(uint32_t, n_ports + 1);
        team_map_ports(t->map, port_nos, n_ports);
        for (size_t i = 0; i < n_ports; i++) {
            struct dp_port *p = datapath_find_port(dp, port_nos[i]);
            uint64_t bytes = p ? dp_port_team_tx_bytes(p) : 0;
            gpointer key = GUINT_TO_POINTER(port_nos[i]);
            uint64_t *base = g_hash_table_lookup(t->port_base, key);
            uint64_t prev = base ? *base : 0;

            team_map_set_load(t->map, TEAM_ITEM_PORT, port_nos[i],
                              bytes - prev);
            g_hash_table_insert(t->port_base, key,
                                g_memdup2(&bytes, sizeof bytes));
        }
        g_free(port_nos);
    } else {
        return G_SOURCE_CONTINUE;
    }

    moves = g_array_new(FALSE, FALSE, sizeof(struct team_move));
    team_map_rebalance(t->map, REBALANCE_THRESHOLD, moves);
    if (moves->len) {
        team_publish(t, moves, 0, "rebalance");
    }
    g_array_free(moves, TRUE);
    return G_SOURCE_CONTINUE;
}

static void
team_set_rebalance(struct team *t, unsigned int secs)
{
    if (t->rebalance_timer) {
        g_source_remove(t->rebalance_timer);
        t->rebalance_timer = 0;
    }
    if (secs && team_policy_class(t->s.policy)->rebalances) {
        t->rebalance_timer = g_timeout_add_seconds(secs, rebalance_tick, t);
    }
}

/* ---- Applying the configuration ----------------------------------------- */

static void
team_settings_from_config(const struct config_team *ct,
                          struct team_settings *s)
{
    s->policy = ct->policy;
    s->fields = ct->hash_fields;
    s->switch_independent = ct->mode != CONFIG_TEAM_STATIC;
    s->updelay = ct->updelay;
    s->downdelay = ct->downdelay;
    s->failback = ct->failback;
    s->announce = ct->announce;
    s->announce_count = ct->announce_count;
    s->announce_interval = ct->announce_interval;
    s->rebalance = ct->rebalance;
    s->probe_ip = ct->probe_ip;
    s->probe_interval = ct->probe_interval;
}

static void
team_destroy(struct team *t)
{
    team_log(t, "team deleted");
    g_hash_table_steal(teams, t->name);
    team_set_rebalance(t, 0);
    if (t->probe_timer) {
        g_source_remove(t->probe_timer);
    }
    for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
        member_cancel_delay(&t->members[i]);
        member_probe_stop(&t->members[i]);
        g_free(t->members[i].name);
    }
    datapath_port_remove(dp, t->dp);
    team_map_destroy(t->map);
    g_queue_free_full(t->announce_queue, g_free);
    g_hash_table_destroy(t->port_base);
    for (int i = 0; i < TEAM_EVENTS; i++) {
        g_free(t->events[i]);
    }
    g_free(t->pending_what);
    g_free(t->saved_active);
    if (t->timing_source) {
        g_source_remove(t->timing_source);
    }
    g_free(t->name);
    g_free(t->bridge);
    g_free(t);
}

void
team_apply_removals(const struct config *cfg)
{
    GHashTableIter iter;
    gpointer key, value;
    GPtrArray *doomed = g_ptr_array_new();

    g_hash_table_iter_init(&iter, teams);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        struct team *t = value;
        const struct config_team *ct = config_find_team(cfg, t->name);
        struct team_settings s;

        if (ct) {
            team_settings_from_config(ct, &s);
        }
        if (!ct || strcmp(ct->port.bridge, t->bridge) || s.policy != t->s.policy) {
            g_ptr_array_add(doomed, t);
        }
    }
    for (guint i = 0; i < doomed->len; i++) {
        state_forget(g_ptr_array_index(doomed, i));
        team_destroy(g_ptr_array_index(doomed, i));
    }
    g_ptr_array_free(doomed, TRUE);
}

/* Makes the team's VM ports (the bridge's plain ports that have a VLAN in
 * common with the team) and their preferred members match 'cfg', in
 * O(ports).  A port the team cannot carry any traffic of is given to no
 * member: it would count in a member's load and be announced on moves for
 * nothing. */
static void
team_sync_ports(struct team *t, const struct config *cfg, GArray *moves)
{
    GHashTable *by_name = config_port_index(cfg);
    size_t n = team_map_ports(t->map, NULL, 0);
    uint32_t *known = g_new(uint32_t, n + 1);
    GArray *new_nos = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    GArray *new_prefs = g_array_new(FALSE, FALSE, sizeof(int));

    team_map_ports(t->map, known, n);
    for (size_t i = 0; i < n; i++) {
        struct dp_port *p = datapath_find_port(dp, known[i]);
        const struct config_port *cp = (p ? g_hash_table_lookup(
                                                by_name, dp_port_name(p))
                                          : NULL);
        struct dp_port_settings ps;

        if (cp) {
            bridge_port_settings(cp, &ps);
        }
        if (!cp || strcmp(cp->bridge, t->bridge)
            || !team_shares_vlan(t, &ps)) {
            team_map_del_port(t->map, known[i]);
            g_hash_table_remove(t->port_base, GUINT_TO_POINTER(known[i]));
        }
    }
    g_free(known);
    g_hash_table_destroy(by_name);

    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *cp = g_ptr_array_index(cfg->ports, i);
        struct dp_port_settings ps;
        struct dp_port *p;
        uint32_t port_no;
        int preferred;

        if (strcmp(cp->bridge, t->bridge)) {
            continue;
        }
        p = bridge_dp_port(cp->name);
        bridge_port_settings(cp, &ps);
        if (!p || !team_shares_vlan(t, &ps)) {
            continue;
        }
        port_no = dp_port_no(p);
        preferred = cp->uplink ? member_slot(t, cp->uplink) : TEAM_NONE;
        if (!team_map_has_port(t->map, port_no)) {
            g_array_append_val(new_nos, port_no);
            g_array_append_val(new_prefs, preferred);
        } else {
            team_map_set_preferred(t->map, port_no, preferred, moves);
        }
    }
    team_map_add_ports(t->map, (const uint32_t *) (void *) new_nos->data,
                       (const int *) (void *) new_prefs->data, new_nos->len,
                       moves);
    g_array_free(new_nos, TRUE);
    g_array_free(new_prefs, TRUE);
}

void
team_apply(const struct config *cfg)
{
    for (guint i = 0; i < cfg->teams->len; i++) {
        const struct config_team *ct = g_ptr_array_index(cfg->teams, i);
        struct team *t = g_hash_table_lookup(teams, ct->port.name);
        struct dp_port_settings vlan;
        struct team_settings s;
        bool probe_changed = true;
        bool created = !t;
        int restored = TEAM_NONE;
        GArray *moves;

        team_settings_from_config(ct, &s);
        bridge_port_settings(&ct->port, &vlan);
        moves = g_array_new(FALSE, FALSE, sizeof(struct team_move));
        if (!t) {
            t = g_new0(struct team, 1);
            t->name = g_strdup(ct->port.name);
            t->bridge = g_strdup(ct->port.bridge);
            t->s = s;
            t->vlan = vlan;
            t->last_migration_usec = -1;
            t->map = team_map_create(s.policy, s.failback);
            t->port_base = g_hash_table_new_full(NULL, NULL, NULL, g_free);
            t->announce_queue = g_queue_new();
            t->dp = datapath_team_add(dp, bridge_dp_bridge(ct->port.bridge),
                                      ct->port.name, &vlan);
            g_hash_table_insert(teams, t->name, t);
            team_log(t, "team created on bridge %s, policy %s", t->bridge,
                     team_policy_name(s.policy));
        } else {
            if (memcmp(&vlan, &t->vlan, sizeof vlan)) {
                datapath_port_set(dp, t->dp, &vlan);
                t->vlan = vlan;
            }
            if (s.failback != t->s.failback) {
                team_map_set_failback(t->map, s.failback);
            }
            probe_changed = s.probe_ip != t->s.probe_ip
                            || s.probe_interval != t->s.probe_interval;
            t->s = s;
        }
        team_set_rebalance(t, s.rebalance);

        /* Members that went away. */
        for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
            struct member *m = &t->members[slot];
            bool keep = false;

            if (!m->name) {
                continue;
            }
            keep = config_team_find_member(ct, m->name) != NULL;
            if (!keep) {
                team_log(t, "member %s removed", m->name);
                member_cancel_delay(m);
                member_probe_stop(m);
                team_map_del_member(t->map, slot, moves);
                datapath_team_member_clear(dp, t->dp, slot);
                g_clear_pointer(&m->name, g_free);
            }
        }
        /* New members, in failover order. */
        for (guint j = 0; j < ct->members->len; j++) {
            const struct config_team_member *cm
                = g_ptr_array_index(ct->members, j);
            const char *name = cm->name;
            int slot = member_slot(t, name);

            if (slot == TEAM_NONE) {
                slot = team_map_add_member(t->map);
                if (slot == TEAM_NONE) {
                    VLOG_ERR("team %s: too many members", t->name);
                    continue;
                }
                t->members[slot].name = g_strdup(name);
                t->members[slot].state = MEMBER_ABSENT;
                t->members[slot].since = g_get_real_time();
                datapath_team_member_set(dp, t->dp, slot, name);
                team_log(t, "member %s added", name);
                member_try_attach(t, slot);
            }
            t->members[slot].admin_disabled = cm->disabled;
        }

        if (probe_changed) {
            team_set_probing(t);
        }
        if (created) {
            /* The member that was active before a restart comes up first
             * and is preferred, so that it is active again. */
            char *saved = state_saved_active(t);

            restored = saved ? member_slot(t, saved) : TEAM_NONE;
            team_map_set_active_home(t->map, restored);
            g_free(saved);
        }
        team_sync_ports(t, cfg, moves);
        team_publish(t, moves, 0, "configuration");
        g_array_free(moves, TRUE);
        if (restored != TEAM_NONE) {
            member_update(t, restored, time_usec());
        }
        for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
            if (t->members[slot].name && slot != restored) {
                member_update(t, slot, time_usec());
            }
        }
    }
}

struct dp_port *
team_dp_port(const char *name)
{
    struct team *t = g_hash_table_lookup(teams, name);

    return t ? t->dp : NULL;
}

void
team_link_event(const struct netlink_link_event *ev)
{
    uint64_t now = time_usec();
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, teams);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        struct team *t = value;

        for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
            struct member *m = &t->members[slot];
            int ifindex;

            if (!m->name) {
                continue;
            }
            ifindex = dp_team_member_ifindex(t->dp, slot);
            if (!ev->ifindex) {
                /* Resynchronise. */
                unsigned int now_index = if_nametoindex(m->name);
                if (ifindex && (int) now_index != ifindex) {
                    datapath_team_member_detach(dp, t->dp, slot);
                }
                if (now_index) {
                    member_try_attach(t, slot);
                    member_read_carrier(t, slot, now);
                }
            } else if (ifindex && ifindex == ev->ifindex
                       && (ev->removed || strcmp(ev->name, m->name))) {
                datapath_team_member_detach(dp, t->dp, slot);
            } else if (!ev->removed && !strcmp(ev->name, m->name)) {
                if (ifindex && ifindex != ev->ifindex) {
                    datapath_team_member_detach(dp, t->dp, slot);
                }
                member_try_attach(t, slot);
                /* Events queue up (our own "set up" makes several): take
                 * the device's state now, so a stale one cannot flap the
                 * member. */
                member_read_carrier(t, slot, now);
            } else {
                continue;
            }
            member_update(t, slot, now);
        }
    }
}

/* ---- Commands ------------------------------------------------------------- */

static struct team *
find_team(const char *name, struct ctl_reply *reply)
{
    struct team *t = g_hash_table_lookup(teams, name);

    if (!t) {
        ctl_reply_error(reply, CTL_REFUSED, "no team named %s", name);
    }
    return t;
}

static bool
team_setter(void *ct, const char *key, const char *value, GError **error)
{
    return config_team_set(ct, key, value, error);
}

static bool
check_devices_exist(char **names, int n, struct ctl_reply *reply)
{
    for (int i = 0; i < n; i++) {
        if (!if_nametoindex(names[i])) {
            ctl_reply_error(reply, CTL_REFUSED, "no network device named %s "
                            "(a team member must be an existing NIC or "
                            "veth)", names[i]);
            return false;
        }
        if (!bridge_device_ok(names[i], reply)) {
            return false;
        }
    }
    return true;
}

static void
cmd_add_team(struct ctl_reply *reply, int n_args, char *args[], bool json,
             void *aux)
{
    GPtrArray *members = g_ptr_array_new();
    struct config_team *ct;
    struct config *cfg;
    GError *error = NULL;
    int first_kv = n_args;

    for (int i = 2; i < n_args; i++) {
        if (strchr(args[i], '=')) {
            first_kv = i;
            break;
        }
        g_ptr_array_add(members, args[i]);
    }
    for (int i = first_kv; i < n_args; i++) {
        if (!strchr(args[i], '=')) {
            ctl_reply_error(reply, CTL_USAGE, "member %s must come before "
                            "the KEY=VALUE settings", args[i]);
            g_ptr_array_free(members, TRUE);
            return;
        }
    }
    if (members->len < 2) {
        ctl_reply_error(reply, CTL_USAGE, "a team needs at least two "
                        "members (add-team BR TEAM IFACE IFACE...)");
        g_ptr_array_free(members, TRUE);
        return;
    }
    if (!check_devices_exist((char **) members->pdata, members->len,
                             reply)) {
        g_ptr_array_free(members, TRUE);
        return;
    }
    for (guint i = 0; i < bridge_config()->teams->len; i++) {
        const struct config_team *other
            = g_ptr_array_index(bridge_config()->teams, i);
        if (!strcmp(other->port.bridge, args[0])) {
            ctl_reply_error(reply, CTL_REFUSED, "bridge %s already has team "
                            "%s (one team of uplinks per bridge: add members "
                            "to it with add-team-member)", args[0],
                            other->port.name);
            g_ptr_array_free(members, TRUE);
            return;
        }
    }
    g_ptr_array_add(members, NULL);
    cfg = config_clone(bridge_config());
    ct = config_add_team(cfg, args[0], args[1], (char *const *) members->pdata,
                         &error);
    g_ptr_array_free(members, TRUE);
    if (!ct) {
        bridge_refuse(reply, error);
        config_free(cfg);
        return;
    }
    if (!bridge_set_kv_args(ct, team_setter, n_args - first_kv, args + first_kv, reply)) {
        config_free(cfg);
        return;
    }
    bridge_commit(cfg, reply);
}

static void
cmd_set_team(struct ctl_reply *reply, int n_args, char *args[], bool json,
             void *aux)
{
    struct config *cfg;

    if (!find_team(args[0], reply)) {
        return;
    }
    cfg = config_clone(bridge_config());
    if (!bridge_set_kv_args(config_find_team(cfg, args[0]), team_setter,
                            n_args - 1, args + 1, reply)) {
        config_free(cfg);
        return;
    }
    bridge_commit(cfg, reply);
}

static void
cmd_del_team(struct ctl_reply *reply, int n_args, char *args[], bool json,
             void *aux)
{
    struct config *cfg;

    if (!find_team(args[0], reply)) {
        return;
    }
    cfg = config_clone(bridge_config());
    config_del_team(cfg, args[0]);
    bridge_commit(cfg, reply);
}

static void
cmd_add_team_member(struct ctl_reply *reply, int n_args, char *args[],
                    bool json, void *aux)
{
    GError *error = NULL;
    struct config *cfg;

    if (!find_team(args[0], reply)
        || !check_devices_exist(&args[1], 1, reply)) {
        return;
    }
    cfg = config_clone(bridge_config());
    if (!config_team_add_member(cfg, config_find_team(cfg, args[0]),
                                args[1], &error)) {
        bridge_refuse(reply, error);
        config_free(cfg);
        return;
    }
    bridge_commit(cfg, reply);
}

static void
cmd_del_team_member(struct ctl_reply *reply, int n_args, char *args[],
                    bool json, void *aux)
{
    GError *error = NULL;
    struct config *cfg;

    if (!find_team(args[0], reply)) {
        return;
    }
    cfg = config_clone(bridge_config());
    if (!config_team_del_member(cfg, config_find_team(cfg, args[0]),
                                args[1], &error)) {
        bridge_refuse(reply, error);
        config_free(cfg);
        return;
    }
    bridge_commit(cfg, reply);
}

static void
cmd_set_member(struct ctl_reply *reply, int n_args, char *args[], bool json,
               void *aux)
{
    struct team *t = find_team(args[0], reply);
    GError *error = NULL;
    struct config *cfg;
    bool disable;

    if (!t) {
        return;
    }
    if (member_slot(t, args[1]) == TEAM_NONE) {
        ctl_reply_error(reply, CTL_REFUSED, "%s is not a member of team %s",
                        args[1], t->name);
        return;
    }
    if (!strcmp(args[2], "disable")) {
        disable = true;
    } else if (!strcmp(args[2], "enable")) {
        disable = false;
    } else {
        ctl_reply_error(reply, CTL_USAGE, "\"%s\": expected enable or "
                        "disable", args[2]);
        return;
    }
    cfg = config_clone(bridge_config());
    if (!config_team_set_disabled(config_find_team(cfg, t->name), args[1],
                                  disable, &error)) {
        bridge_refuse(reply, error);
        config_free(cfg);
        return;
    }
    bridge_commit(cfg, reply);
}

static void
cmd_migrate(struct ctl_reply *reply, int n_args, char *args[], bool json,
            void *aux)
{
    struct team *t = find_team(args[0], reply);
    enum team_item_kind kind = TEAM_ITEM_PORT;
    const char *member = NULL;
    uint32_t id = UINT32_MAX;
    GArray *moves;
    int slot, error;

    if (!t) {
        return;
    }
    for (int i = 1; i < n_args; i++) {
        const char *value;
        char *key;

        if (!bridge_split_kv(args[i], &key, &value)) {
            ctl_reply_error(reply, CTL_USAGE, "\"%s\" is not KEY=VALUE",
                            args[i]);
            return;
        }
        if (!strcmp(key, "port")) {
            struct dp_port *p = bridge_dp_port(value);
            if (!p) {
                ctl_reply_error(reply, CTL_REFUSED, "no port named %s",
                                value);
                g_free(key);
                return;
            }
            kind = TEAM_ITEM_PORT;
            id = dp_port_no(p);
        } else if (!strcmp(key, "bucket")) {
            unsigned long b;
            if (!str_to_uint_range(value, 0, TEAM_BUCKETS - 1, &b)) {
                ctl_reply_error(reply, CTL_REFUSED, "bucket %s is out of "
                                "range (0-%d)", value, TEAM_BUCKETS - 1);
                g_free(key);
                return;
            }
            kind = TEAM_ITEM_BUCKET;
            id = b;
        } else if (!strcmp(key, "member")) {
            member = value;
        } else {
            ctl_reply_error(reply, CTL_USAGE, "unknown argument \"%s\" "
                            "(expected port=, bucket= or member=)", key);
            g_free(key);
            return;
        }
        g_free(key);
    }
    if (id == UINT32_MAX || !member) {
        ctl_reply_error(reply, CTL_USAGE, "usage: team/migrate TEAM "
                        "port=IFACE|bucket=N member=IFACE");
        return;
    }
    if (team_policy_class(t->s.policy)->item == TEAM_ITEM_ACTIVE) {
        kind = TEAM_ITEM_ACTIVE;
        id = 0;
    }
    slot = member_slot(t, member);
    if (slot == TEAM_NONE) {
        ctl_reply_error(reply, CTL_REFUSED, "%s is not a member of team %s",
                        member, t->name);
        return;
    }
    moves = g_array_new(FALSE, FALSE, sizeof(struct team_move));
    error = team_map_migrate(t->map, kind, id, slot, moves);
    if (error == -ENOENT) {
        ctl_reply_error(reply, CTL_REFUSED, "team %s does not carry that "
                        "%s (policy %s)", t->name,
                        kind == TEAM_ITEM_PORT ? "port" : "bucket",
                        team_policy_name(t->s.policy));
    } else if (error == -ENETDOWN) {
        ctl_reply_error(reply, CTL_REFUSED, "member %s is not in use (%s)",
                        member, member_state_names[t->members[slot].state]);
    } else if (error == -EBUSY) {
        ctl_reply_error(reply, CTL_REFUSED, "that port prefers member %s, "
                        "which is in use: change its uplink= instead",
                        t->members[team_map_member_of(t->map, kind, id)].name);
    } else if (error) {
        ctl_reply_error(reply, CTL_REFUSED, "cannot migrate: %s",
                        g_strerror(-error));
    } else {
        team_publish(t, moves, time_usec(), "manual migration");
        ctl_reply_printf(reply, "%u item(s) moved\n", moves->len);
    }
    g_array_free(moves, TRUE);
}

/* How team_select() reads a team's map for team/hash: 'a' is the struct
 * team.  A member carries when the map says it is usable and its device
 * is attached, as the datapath checks. */
static int
sel_member_of(const void *a, enum team_item_kind kind, uint32_t id)
{
    return team_map_member_of(((const struct team *) a)->map, kind, id);
}

static bool
sel_live(const void *a, int slot)
{
    const struct team *t = a;

    return (team_map_is_usable(t->map, slot)
            && dp_team_member_is_attached(t->dp, slot));
}

static int
sel_designated(const void *a)
{
    return team_designated(a);
}

static int
sel_nth_member(const void *a, int i)
{
    const struct team *t = a;
    int slots[TEAM_MAX_MEMBERS];

    return i < team_map_members(t->map, slots) ? slots[i] : TEAM_NONE;
}

static const struct team_assignment_ops team_sel_ops = {
    .member_of = sel_member_of,
    .live = sel_live,
    .designated = sel_designated,
    .nth_member = sel_nth_member,
};

static void
cmd_hash(struct ctl_reply *reply, int n_args, char *args[], bool json,
         void *aux)
{
    struct team *t = find_team(args[0], reply);
    struct packet_info pi;
    uint8_t src[ETH_ADDR_LEN], dst[ETH_ADDR_LEN] = { 0 };
    unsigned long vlan = 0;
    const struct team_policy_class *cls;
    struct dp_port *in = NULL;
    struct team_frame tf;
    char why[256];
    int slot = TEAM_NONE;
    uint32_t item;

    if (!t) {
        return;
    }
    cls = team_policy_class(t->s.policy);
    if (!eth_addr_parse(args[1], src)) {
        ctl_reply_error(reply, CTL_REFUSED, "\"%s\" is not a MAC address",
                        args[1]);
        return;
    }
    memset(&pi, 0, sizeof pi);
    for (int i = 2; i < n_args; i++) {
        const char *v;
        char *key;
        bool ok = true;

        if (!bridge_split_kv(args[i], &key, &v)) {
            ctl_reply_error(reply, CTL_USAGE, "\"%s\" is not KEY=VALUE",
                            args[i]);
            return;
        }
        if (!strcmp(key, "vlan")) {
            ok = str_to_uint_range(v, 0, VLAN_MAX, &vlan);
        } else if (!strcmp(key, "dst-mac")) {
            ok = eth_addr_parse(v, dst);
        } else if (!strcmp(key, "src-ip") || !strcmp(key, "dst-ip")) {
            uint8_t *ip = key[0] == 's' ? pi.ip_src : pi.ip_dst;
            if (inet_pton(AF_INET, v, ip) == 1) {
                pi.eth_type = ETH_TYPE_IPV4;
            } else if (inet_pton(AF_INET6, v, ip) == 1) {
                pi.eth_type = ETH_TYPE_IPV6;
            } else {
                ok = false;
            }
        } else if (!strcmp(key, "proto")) {
            unsigned long p;
            ok = !strcmp(v, "tcp") ? (pi.ip_proto = 6, true)
                 : !strcmp(v, "udp") ? (pi.ip_proto = 17, true)
                 : str_to_uint_range(v, 0, 255, &p)
                   ? (pi.ip_proto = p, true) : false;
        } else if (!strcmp(key, "sport") || !strcmp(key, "dport")) {
            unsigned long port;
            ok = str_to_uint_range(v, 0, 65535, &port);
            if (key[0] == 's') {
                pi.l4_src = port;
            } else {
                pi.l4_dst = port;
            }
            pi.l4_present = true;
        } else {
            ctl_reply_error(reply, CTL_USAGE, "unknown argument \"%s\"", key);
            g_free(key);
            return;
        }
        if (!ok) {
            ctl_reply_error(reply, CTL_REFUSED, "bad value \"%s\" for %s", v,
                            key);
            g_free(key);
            return;
        }
        g_free(key);
    }
    pi.eth_src = src;
    pi.eth_dst = dst;

    tf = (struct team_frame) { &pi, vlan, 0 };
    if (cls->item == TEAM_ITEM_PORT) {
        /* The frame comes from the port its source is learned on. */
        struct mac_table *mt = dp_bridge_mac_table(bridge_dp_bridge(t->bridge));
        struct mac_entry *e;

        rcu_read_lock();
        e = mac_table_lookup_rcu(mt, vlan, src);
        in = e ? datapath_find_port(dp, e->port_no) : NULL;
        rcu_read_unlock();
        if (!in) {
            snprintf(why, sizeof why, "policy src-port: " ETH_ADDR_FMT
                     " is not learned in vlan %lu, so its port is unknown",
                     ETH_ADDR_ARGS(src), vlan);
        } else {
            tf.port_no = dp_port_no(in);
        }
    }
    if (cls->item != TEAM_ITEM_PORT || in) {
        /* The very function the datapath calls, with its fallback. */
        slot = team_select(cls, &tf, t->s.fields, &team_sel_ops, t, &item);
        cls->explain(&tf, t->s.fields, item, in ? dp_port_name(in) : NULL,
                     why, sizeof why);
        if (slot != team_map_member_of(t->map, cls->item, item)) {
            size_t n = strlen(why);

            snprintf(why + n, sizeof why - n, "; its member cannot carry, "
                     "so the designated member does");
        }
    }
    ctl_reply_printf(reply, "member: %s\nwhy: %s\n",
                     slot >= 0 && t->members[slot].name
                     ? t->members[slot].name : "none", why);
    if (json) {
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "member",
                                      slot >= 0 && t->members[slot].name
                                      ? t->members[slot].name : "");
        json_object_set_string_member(o, "why", why);
        ctl_reply_set_result(reply, json_node_init_object(json_node_alloc(),
                                                          o));
        json_object_unref(o);
    }
}

static JsonObject *
team_to_json(const struct team *t, GString *text)
{
    JsonObject *o = json_object_new();
    JsonArray *members = json_array_new();
    int slots[TEAM_MAX_MEMBERS];
    int n = team_map_members(t->map, slots);
    int designated = team_designated(t);
    gint64 now = g_get_real_time();
    const struct team_policy_class *cls = team_policy_class(t->s.policy);
    char policy[64];

    json_object_set_string_member(o, "name", t->name);
    json_object_set_string_member(o, "bridge", t->bridge);
    json_object_set_string_member(o, "policy", team_policy_name(t->s.policy));
    json_object_set_string_member(o, "hash-fields",
                                  team_hash_fields_name(t->s.fields));
    json_object_set_string_member(o, "mode", t->s.switch_independent
                                  ? "switch-independent" : "static");
    json_object_set_int_member(o, "failovers", t->failovers);
    json_object_set_int_member(o, "moves", t->moves);
    json_object_set_int_member(o, "announcements", t->announcements);
    json_object_set_int_member(o, "last-migration-usec",
                               t->last_migration_usec);
    cls->show(t->s.fields, policy, sizeof policy);
    g_string_append_printf(text, "team %s (bridge %s): policy %s, mode "
                           "%s\n", t->name, t->bridge, policy,
                           t->s.switch_independent ? "switch-independent"
                           : "static");
    g_string_append_printf(text, "  updelay %u ms, downdelay %u ms, failback "
                           "%s, announce %s (%u every %u ms), rebalance %u s"
                           "\n", t->s.updelay, t->s.downdelay,
                           t->s.failback ? "yes" : "no",
                           t->s.announce ? "yes" : "no",
                           t->s.announce_count, t->s.announce_interval,
                           t->s.rebalance);
    g_string_append_printf(text, "  failovers %" G_GUINT64_FORMAT ", items "
                           "moved %" G_GUINT64_FORMAT ", announcements sent %"
                           G_GUINT64_FORMAT ", last migration ",
                           t->failovers, t->moves, t->announcements);
    if (t->last_migration_usec >= 0) {
        g_string_append_printf(text, "%" G_GINT64_FORMAT " us\n",
                               t->last_migration_usec);
    } else {
        g_string_append(text, "none\n");
    }

    for (int i = 0; i < n; i++) {
        const struct member *m = &t->members[slots[i]];
        JsonObject *jm = json_object_new();
        JsonArray *jports = json_array_new();
        JsonArray *jbuckets = json_array_new();
        struct dp_port_stats st;
        unsigned int n_buckets = 0;
        GString *carries = g_string_new("");

        dp_team_member_get_stats(t->dp, slots[i], &st);
        if (cls->item == TEAM_ITEM_PORT) {
            size_t np = team_map_ports(t->map, NULL, 0);
            uint32_t *ports = g_new(uint32_t, np + 1);
            team_map_ports(t->map, ports, np);
            for (size_t k = 0; k < np; k++) {
                if (team_map_member_of(t->map, TEAM_ITEM_PORT, ports[k])
                    == slots[i]) {
                    struct dp_port *p = datapath_find_port(dp, ports[k]);
                    const char *pn = p ? dp_port_name(p) : "?";
                    json_array_add_string_element(jports, pn);
                    g_string_append_printf(carries, " %s", pn);
                }
            }
            g_free(ports);
        } else if (cls->item == TEAM_ITEM_BUCKET) {
            int top[3] = { -1, -1, -1 };
            uint64_t top_load[3] = { 0, 0, 0 };

            for (int b = 0; b < TEAM_BUCKETS; b++) {
                uint64_t load;
                JsonObject *jb;

                if (team_map_member_of(t->map, TEAM_ITEM_BUCKET, b)
                    != slots[i]) {
                    continue;
                }
                n_buckets++;
                load = team_map_item_load(t->map, TEAM_ITEM_BUCKET, b);
                jb = json_object_new();
                json_object_set_int_member(jb, "bucket", b);
                json_object_set_int_member(jb, "load", load);
                json_array_add_object_element(jbuckets, jb);
                /* Keep the three busiest for the text. */
                for (int k = 0; k < 3; k++) {
                    if (load > top_load[k]) {
                        for (int j = 2; j > k; j--) {
                            top[j] = top[j - 1];
                            top_load[j] = top_load[j - 1];
                        }
                        top[k] = b;
                        top_load[k] = load;
                        break;
                    }
                }
            }
            g_string_append_printf(carries, " %u buckets", n_buckets);
            if (top[0] >= 0) {
                g_string_append(carries, " (busiest:");
                for (int k = 0; k < 3 && top[k] >= 0; k++) {
                    g_string_append_printf(carries, " %d=%" G_GUINT64_FORMAT
                                           " B", top[k], top_load[k]);
                }
                g_string_append(carries, ")");
            }
        } else if (team_map_member_of(t->map, TEAM_ITEM_ACTIVE, 0)
                   == slots[i]) {
            g_string_append(carries, " everything (active)");
        }
        g_string_append_printf(text, "  member %s: %s for %" G_GINT64_FORMAT
                               " s%s; load %" G_GUINT64_FORMAT " B/interval;"
                               " tx %" G_GUINT64_FORMAT " pkts, rx %"
                               G_GUINT64_FORMAT " pkts; carries:%s\n",
                               m->name, member_state_names[m->state],
                               (now - m->since) / 1000000,
                               slots[i] == designated
                               ? " (receives floods)" : "",
                               team_map_member_load(t->map, slots[i]),
                               st.tx_packets, st.rx_packets,
                               carries->len ? carries->str : " nothing");
        json_object_set_string_member(jm, "name", m->name);
        json_object_set_string_member(jm, "state",
                                      member_state_names[m->state]);
        json_object_set_int_member(jm, "since-secs", (now - m->since)
                                                     / 1000000);
        json_object_set_boolean_member(jm, "designated",
                                       slots[i] == designated);
        json_object_set_array_member(jm, "ports", jports);
        json_object_set_int_member(jm, "buckets", n_buckets);
        json_object_set_array_member(jm, "bucket-loads", jbuckets);
        json_object_set_boolean_member(jm, "active",
            team_map_member_of(t->map, TEAM_ITEM_ACTIVE, 0) == slots[i]);
        json_object_set_int_member(jm, "load", team_map_member_load(t->map,
                                                                    slots[i]));
        json_object_set_int_member(jm, "tx-packets", st.tx_packets);
        json_object_set_int_member(jm, "tx-bytes", st.tx_bytes);
        json_object_set_int_member(jm, "rx-packets", st.rx_packets);
        json_object_set_int_member(jm, "rx-bytes", st.rx_bytes);
        json_array_add_object_element(members, jm);
        g_string_free(carries, TRUE);
    }
    json_object_set_array_member(o, "members", members);
    return o;
}

static void
cmd_team_show(struct ctl_reply *reply, int n_args, char *args[], bool json,
              void *aux)
{
    JsonArray *a = json_array_new();
    GString *text = g_string_new("");
    const struct config *cfg = bridge_config();

    if (n_args && !find_team(args[0], reply)) {
        json_array_unref(a);
        g_string_free(text, TRUE);
        return;
    }
    for (guint i = 0; i < cfg->teams->len; i++) {
        const struct config_team *ct = g_ptr_array_index(cfg->teams, i);
        struct team *t = g_hash_table_lookup(teams, ct->port.name);
        if (t && (!n_args || !strcmp(args[0], t->name))) {
            json_array_add_object_element(a, team_to_json(t, text));
        }
    }
    ctl_reply_printf(reply, "%s", text->str);
    g_string_free(text, TRUE);
    if (json) {
        JsonObject *o = json_object_new();
        json_object_set_array_member(o, "teams", a);
        ctl_reply_set_result(reply, json_node_init_object(json_node_alloc(),
                                                          o));
        json_object_unref(o);
    } else {
        json_array_unref(a);
    }
}

static void
cmd_team_events(struct ctl_reply *reply, int n_args, char *args[], bool json,
                void *aux)
{
    struct team *t = find_team(args[0], reply);
    JsonArray *a;
    unsigned int first;

    if (!t) {
        return;
    }
    a = json_array_new();
    first = t->n_events > TEAM_EVENTS ? t->n_events - TEAM_EVENTS : 0;
    for (unsigned int k = first; k < t->n_events; k++) {
        unsigned int i = k % TEAM_EVENTS;
        GDateTime *dt = g_date_time_new_from_unix_utc(t->event_time[i]
                                                      / 1000000);
        char *stamp = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
        JsonObject *o = json_object_new();
        char *full = g_strdup_printf("%s.%06" G_GINT64_FORMAT "Z", stamp,
                                     t->event_time[i] % 1000000);

        ctl_reply_printf(reply, "%s  %s\n", full, t->events[i]);
        json_object_set_string_member(o, "time", full);
        json_object_set_string_member(o, "event", t->events[i]);
        json_array_add_object_element(a, o);
        g_free(full);
        g_free(stamp);
        g_date_time_unref(dt);
    }
    if (json) {
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "team", t->name);
        json_object_set_array_member(o, "events", a);
        ctl_reply_set_result(reply, json_node_init_object(json_node_alloc(),
                                                          o));
        json_object_unref(o);
    } else {
        json_array_unref(a);
    }
}

void
team_show_bridge(const char *bridge, struct ctl_reply *reply,
                 JsonArray *jteams)
{
    const struct config *cfg = bridge_config();

    for (guint i = 0; i < cfg->teams->len; i++) {
        const struct config_team *ct = g_ptr_array_index(cfg->teams, i);
        struct team *t = g_hash_table_lookup(teams, ct->port.name);
        JsonObject *o;
        JsonArray *jm;
        char *desc;

        if (!t || strcmp(t->bridge, bridge)) {
            continue;
        }
        desc = config_port_vlan_describe(&ct->port);
        ctl_reply_printf(reply, "    team %s: %s, policy %s, members", t->name,
                         desc, team_policy_name(t->s.policy));
        o = json_object_new();
        jm = json_array_new();
        json_object_set_string_member(o, "name", t->name);
        json_object_set_int_member(o, "port-no", dp_port_no(t->dp));
        json_object_set_string_member(o, "policy",
                                      team_policy_name(t->s.policy));
        json_object_set_string_member(o, "vlan-settings", desc);
        for (guint j = 0; j < ct->members->len; j++) {
            const struct config_team_member *cm
                = g_ptr_array_index(ct->members, j);
            const char *name = cm->name;
            int slot = member_slot(t, name);
            const char *state = slot >= 0
                                ? member_state_names[t->members[slot].state]
                                : "?";
            JsonObject *m = json_object_new();
            ctl_reply_printf(reply, " %s (%s)", name, state);
            json_object_set_string_member(m, "name", name);
            json_object_set_string_member(m, "state", state);
            json_array_add_object_element(jm, m);
        }
        ctl_reply_printf(reply, "\n");
        json_object_set_array_member(o, "members", jm);
        json_array_add_object_element(jteams, o);
        g_free(desc);
    }
}

bool
team_port_stats(const char *name, struct ctl_reply *reply, JsonArray *a)
{
    const struct config *cfg = bridge_config();
    bool found = false;

    for (guint i = 0; i < cfg->teams->len; i++) {
        const struct config_team *ct = g_ptr_array_index(cfg->teams, i);
        struct team *t = g_hash_table_lookup(teams, ct->port.name);
        struct dp_port_stats s;
        JsonObject *o;
        bool all;

        if (!t) {
            continue;
        }
        all = !name || !strcmp(name, t->name);
        if (all) {
            found = true;
            dp_port_get_stats(t->dp, &s);
            ctl_reply_printf(reply, "team %s (bridge %s):\n", t->name,
                             t->bridge);
            bridge_stats_text(reply, &s);
            o = json_object_new();
            json_object_set_string_member(o, "name", t->name);
            json_object_set_string_member(o, "bridge", t->bridge);
            json_object_set_string_member(o, "type", "team");
            bridge_stats_json(o, &s);
            json_array_add_object_element(a, o);
        }
        for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
            const struct member *m = &t->members[slot];
            if (!m->name || (!all && strcmp(name, m->name))) {
                continue;
            }
            found = true;
            dp_team_member_get_stats(t->dp, slot, &s);
            ctl_reply_printf(reply, "  member %s (%s): rx %" G_GUINT64_FORMAT
                             " packets, %" G_GUINT64_FORMAT " bytes; tx %"
                             G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT
                             " bytes\n", m->name,
                             member_state_names[m->state], s.rx_packets,
                             s.rx_bytes, s.tx_packets, s.tx_bytes);
            o = json_object_new();
            json_object_set_string_member(o, "name", m->name);
            json_object_set_string_member(o, "bridge", t->bridge);
            json_object_set_string_member(o, "type", "team-member");
            json_object_set_string_member(o, "team", t->name);
            bridge_stats_json(o, &s);
            json_array_add_object_element(a, o);
        }
    }
    return found;
}

/* ---- Module life ---------------------------------------------------------- */

void
team_init(struct datapath *dp_, const char *state_path_)
{
    dp = dp_;
    state_path = g_strdup(state_path_);
    saved_state = g_key_file_new();
    /* A missing or unreadable state file: start afresh. */
    g_key_file_load_from_file(saved_state, state_path, G_KEY_FILE_NONE, NULL);
    teams = g_hash_table_new(g_str_hash, g_str_equal);
    announced = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                      g_free);
    datapath_set_learn_filter(dp, learn_filter, NULL);

    ctl_command_register("add-team",
                         "BR TEAM IFACE IFACE... [policy=src-port|src-mac|"
                         "hash|active-backup] [hash-fields=l2|l23|l34] "
                         "[mode=switch-independent|static] [updelay=MS] "
                         "[downdelay=MS] [failback=yes|no] [announce=yes|no] "
                         "[announce-count=N] [announce-interval=MS] "
                         "[rebalance=SECS] [probe=arp:ADDR|none] "
                         "[probe-interval=MS] [disabled=IFACE,...] "
                         "[trunks=LIST] [native=N] [vlan=N]",
                         "Create team TEAM on bridge BR from the member "
                         "devices, in failover order.", 4, -1, cmd_add_team,
                         NULL);
    ctl_command_register("set-team", "TEAM KEY=VALUE...",
                         "Change a team's settings (keys as for add-team).",
                         2, -1, cmd_set_team, NULL);
    ctl_command_register("del-team", "TEAM", "Delete a team.", 1, 1,
                         cmd_del_team, NULL);
    ctl_command_register("add-team-member", "TEAM IFACE",
                         "Add a member at the end of the failover order.",
                         2, 2, cmd_add_team_member, NULL);
    ctl_command_register("del-team-member", "TEAM IFACE",
                         "Remove a member; what it carried moves.", 2, 2,
                         cmd_del_team_member, NULL);
    ctl_command_register("team/show", "[TEAM]",
                         "Show teams: policy, members' state and load, what "
                         "each carries, counters.", 0, 1, cmd_team_show,
                         NULL);
    ctl_command_register("team/set-member", "TEAM IFACE enable|disable",
                         "Drain a member for maintenance, or bring it back.",
                         3, 3, cmd_set_member, NULL);
    ctl_command_register("team/migrate",
                         "TEAM port=IFACE|bucket=N member=IFACE",
                         "Move one assignment to another member by hand.",
                         3, 3, cmd_migrate, NULL);
    ctl_command_register("team/hash",
                         "TEAM MAC [vlan=N] [dst-mac=MAC] [src-ip=IP] "
                         "[dst-ip=IP] [proto=tcp|udp|N] [sport=N] [dport=N]",
                         "Which member a frame would leave on, and why.",
                         2, -1, cmd_hash, NULL);
    ctl_command_register("team/events", "TEAM",
                         "Recent history: member changes, migrations and "
                         "how long they took, announcements.", 1, 1,
                         cmd_team_events, NULL);
}

void
team_fini(void)
{
    GHashTableIter iter;
    gpointer key, value;
    GPtrArray *all = g_ptr_array_new();

    g_hash_table_iter_init(&iter, teams);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        g_ptr_array_add(all, value);
    }
    for (guint i = 0; i < all->len; i++) {
        team_destroy(g_ptr_array_index(all, i));
    }
    g_ptr_array_free(all, TRUE);
    if (announce_timer) {
        g_source_remove(announce_timer);
        announce_timer = 0;
    }
    g_hash_table_destroy(teams);
    g_hash_table_destroy(announced);
    g_clear_pointer(&saved_state, g_key_file_free);
    g_clear_pointer(&state_path, g_free);
}
