/* team-member: the health of a team's members (see team-private.h).
 *
 * A member is in use when its device is attached, its link watchers say
 * the link works, the operator has not disabled it, and the up delay has
 * run out; it leaves use when one of these goes, after the down delay for
 * a lost link.  The state machine with its delays is lib/member-health, the
 * link watchers lib/member-watch; this file runs them (devices, carrier,
 * the watchers' sockets and timers, the delays' timer) and turns the
 * members' changes into moves on the team map. */
#include <autoconf.h>
#include "team-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include "log.h"
#include "util.h"

#define THIS_MODULE "team"

int
member_slot(const struct team *t, const char *name)
{
    for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
        if (t->members[i].name && !strcmp(t->members[i].name, name)) {
            return i;
        }
    }
    return TEAM_NONE;
}

bool
member_in_use(const struct member *m)
{
    return member_state_in_use(m->health.state);
}

/* The member went from state 'old' to its current one: log it, and if it
 * came into or went out of use, move what it carries. */
static void
member_changed(struct team *t, int slot, enum member_state old,
               uint64_t event_usec)
{
    struct member *m = &t->members[slot];
    bool was = member_state_in_use(old);
    GArray *moves;

    team_log(t, "member %s: %s -> %s", m->name, member_state_name(old),
             member_state_name(m->health.state));
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

static void
member_cancel_delay(struct member *m)
{
    if (m->delay_timer) {
        g_source_remove(m->delay_timer);
        m->delay_timer = 0;
    }
    m->delay_deadline = 0;
}

struct delay_ctx {
    struct team *t;              /* Team (valid while the timer runs). */
    int slot;                    /* Member. */
};

static void member_arm_delay(struct team *, int slot);

/* The delay's timer: the delay has run out. */
static gboolean
member_delay_done(gpointer ctx_)
{
    struct delay_ctx *ctx = ctx_;
    struct member *m = &ctx->t->members[ctx->slot];
    enum member_state old = m->health.state;
    uint64_t deadline = m->delay_deadline;

    m->delay_timer = 0;
    m->delay_deadline = 0;
    /* The main loop says the delay is over: end it even if the clock
     * reads a hair earlier than the deadline. */
    if (member_health_run(&m->health, MAX(time_msec(), deadline))) {
        member_changed(ctx->t, ctx->slot, old, time_usec());
    }
    member_arm_delay(ctx->t, ctx->slot);
    return G_SOURCE_REMOVE;
}

/* Keeps the member's timer on the state machine's deadline. */
static void
member_arm_delay(struct team *t, int slot)
{
    struct member *m = &t->members[slot];
    uint64_t deadline = member_health_deadline(&m->health);
    uint64_t now = time_msec();
    struct delay_ctx *ctx;

    if (deadline == m->delay_deadline && (m->delay_timer || !deadline)) {
        return;
    }
    member_cancel_delay(m);
    if (!deadline) {
        return;
    }
    ctx = g_new(struct delay_ctx, 1);
    ctx->t = t;
    ctx->slot = slot;
    m->delay_deadline = deadline;
    m->delay_timer = g_timeout_add_full(G_PRIORITY_DEFAULT,
                                        deadline > now ? deadline - now : 0,
                                        member_delay_done, ctx, g_free);
}

void
member_update(struct team *t, int slot, uint64_t event_usec)
{
    struct member *m = &t->members[slot];
    struct member_health_input in = {
        .disabled = m->admin_disabled,
        .attached = dp_team_member_is_attached(t->dp, slot),
        .link_ok = member_watches_ok(m->watch, MEMBER_N_WATCHES),
        .updelay_ms = t->s.updelay,
        .downdelay_ms = t->s.downdelay,
    };
    enum member_state old = m->health.state;

    if (member_health_update(&m->health, &in, time_msec())) {
        member_changed(t, slot, old, event_usec);
    }
    member_arm_delay(t, slot);
}

static bool member_watch_deliver(struct team *, int slot,
                                 const struct member_watch_event *,
                                 int only);

/* Takes the member's carrier as it is now.  If the link watcher saw the
 * link go meanwhile (the datapath stopped using the member then) and it
 * is back already, the loss still happened: the member goes down, and
 * comes back through its up delay. */
void
member_read_carrier(struct team *t, int slot, uint64_t event_usec)
{
    struct member *m = &t->members[slot];
    struct member_watch_event ev = { .has_carrier = true };
    bool lost;

    ev.carrier = datapath_team_member_carrier(t->dp, slot, &lost);
    if (lost && ev.carrier && member_in_use(m)) {
        struct member_watch_event down = { .has_carrier = true };

        member_watch_deliver(t, slot, &down, -1);
        member_update(t, slot, event_usec);
    }
    member_watch_deliver(t, slot, &ev, -1);
}

/* ---- Link watchers ---------------------------------------------------------
 *
 * Each member runs the link watchers (lib/member-watch.h) the team's
 * settings want, while its device is attached; its link works when all of
 * them say so. */

static void
watch_settings(struct team *t, int slot, struct member_watch_settings *s)
{
    struct member *m = &t->members[slot];

    s->ifname = m->name;
    s->arp_target = t->s.probe_ip;
    s->arp_interval_ms = t->s.probe_interval;
    s->lacp = t->lacp;
    s->slot = slot;
    s->lacp_ok = &m->lacp_ok;
}

static void
member_watch_stop(struct member *m, int i)
{
    if (m->watch_source[i]) {
        g_source_remove(m->watch_source[i]);
        m->watch_source[i] = 0;
    }
    if (m->watch[i].cls) {
        m->watch[i].cls->stop(&m->watch[i]);
    }
}

/* Delivers 'ev' to every watcher of member 'slot' (or only to watcher
 * 'only', if not -1); returns true if a verdict changed (logged with the
 * watcher's reason). */
static bool
member_watch_deliver(struct team *t, int slot,
                     const struct member_watch_event *ev, int only)
{
    struct member *m = &t->members[slot];
    bool changed = false;

    for (int i = 0; i < MEMBER_N_WATCHES; i++) {
        struct member_watch *w = &m->watch[i];
        char why[128] = "";

        if (!w->cls || (only >= 0 && i != only)) {
            continue;
        }
        if (w->cls->event(w, ev, time_usec(), why, sizeof why)) {
            changed = true;
            if (why[0]) {
                team_log(t, "member %s: %s", m->name, why);
            }
        }
    }
    return changed;
}

struct watch_ctx {
    struct team *t;              /* Team. */
    int slot;                    /* Member. */
    int watch;                   /* Index in member_watch_classes[]. */
};

static gboolean
member_watch_readable(gint fd, GIOCondition cond, gpointer ctx_)
{
    struct watch_ctx *ctx = ctx_;
    struct member_watch_event ev = { .readable = true };

    if (member_watch_deliver(ctx->t, ctx->slot, &ev, ctx->watch)) {
        member_update(ctx->t, ctx->slot, time_usec());
    }
    return G_SOURCE_CONTINUE;
}

/* (Re)starts member 'slot''s watchers: every one if 'all' (its device
 * changed), else those the settings changed. */
static void
member_watch_start(struct team *t, int slot, bool all)
{
    struct member *m = &t->members[slot];
    struct member_watch_settings s;

    watch_settings(t, slot, &s);
    for (int i = 0; i < MEMBER_N_WATCHES; i++) {
        const struct member_watch_class *cls = member_watch_classes[i];
        struct member_watch *w = &m->watch[i];
        struct watch_ctx *ctx;
        int error, fd;

        if (!all && w->cls && cls->wanted(&s) && cls->same
            && cls->same(w, &s)) {
            continue;
        }
        member_watch_stop(m, i);
        if (!cls->wanted(&s) || !dp_team_member_is_attached(t->dp, slot)) {
            continue;
        }
        error = cls->start(w, &s, time_usec());
        if (error) {
            VLOG_WARN("team %s: member %s: cannot start the %s link "
                      "watcher: %s", t->name, m->name, cls->name,
                      g_strerror(-error));
            continue;
        }
        fd = cls->fd(w);
        if (fd >= 0) {
            ctx = g_new(struct watch_ctx, 1);
            ctx->t = t;
            ctx->slot = slot;
            ctx->watch = i;
            m->watch_source[i] = g_unix_fd_add_full(G_PRIORITY_DEFAULT, fd,
                                                    G_IO_IN,
                                                    member_watch_readable,
                                                    ctx, g_free);
        }
    }
}

/* The team's watcher tick: every watcher's periodic work (ARP: ask again,
 * and give up on an upstream silent for three intervals). */
static gboolean
watch_tick(gpointer t_)
{
    struct team *t = t_;
    uint64_t now = time_usec();

    for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
        struct member *m = &t->members[slot];
        bool changed = false;

        if (!m->name) {
            continue;
        }
        for (int i = 0; i < MEMBER_N_WATCHES; i++) {
            struct member_watch *w = &m->watch[i];
            char why[128] = "";

            if (w->cls && w->cls->timer(w, now, why, sizeof why)) {
                changed = true;
                if (why[0]) {
                    team_log(t, "member %s: %s", m->name, why);
                }
            }
        }
        if (changed) {
            member_update(t, slot, now);
        }
    }
    return G_SOURCE_CONTINUE;
}

void
team_set_probing(struct team *t)
{
    struct member_watch_settings s;
    unsigned int tick = 0;

    team_stop_probing(t);
    for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
        if (t->members[slot].name) {
            member_watch_start(t, slot, false);
        }
    }
    watch_settings(t, 0, &s);
    for (int i = 0; i < MEMBER_N_WATCHES; i++) {
        unsigned int ms = member_watch_classes[i]->interval_ms(&s);

        if (ms && (!tick || ms < tick)) {
            tick = ms;
        }
    }
    if (tick) {
        t->probe_timer = g_timeout_add(tick, watch_tick, t);
    }
}

void
member_lacp_recheck(struct team *t, int slot, uint64_t now_usec)
{
    struct member_watch_event ev = { .recheck = true };

    if (member_watch_deliver(t, slot, &ev, MEMBER_WATCH_LACP)) {
        member_update(t, slot, now_usec);
    }
}

void
member_try_attach(struct team *t, int slot)
{
    char err[256];
    int error;

    if (dp_team_member_is_attached(t->dp, slot)) {
        return;
    }
    error = datapath_team_member_attach(team_datapath, t->dp, slot, err,
                                        sizeof err);
    if (error) {
        if (error != -ENODEV) {
            VLOG_WARN("team %s: %s", t->name, err);
        }
        return;
    }
    member_watch_start(t, slot, true);
    member_read_carrier(t, slot, time_usec());
}

void
team_stop_probing(struct team *t)
{
    if (t->probe_timer) {
        g_source_remove(t->probe_timer);
        t->probe_timer = 0;
    }
}

void
member_stop(struct member *m)
{
    member_cancel_delay(m);
    for (int i = 0; i < MEMBER_N_WATCHES; i++) {
        member_watch_stop(m, i);
    }
}
