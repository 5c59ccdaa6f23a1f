/* team-lacp: LACP for teams in mode=lacp (see team-private.h).
 *
 * Each such team owns one protocol instance (lib/lacp.h) for all its
 * members.  It runs on a tick of LACP_TICK_MS and whenever a LACPDU
 * arrives: the datapath queues the LACPDUs its members receive and hands
 * them over here (datapath_set_slow_func()); what LACP sends goes out
 * through the datapath's send path (datapath_team_send()).
 *
 * After each run the team turns LACP's answers into one verdict per
 * member, which the member's lacp link watcher reads
 * (member-watch-lacp.c): so a member that LACP takes out of the aggregator
 * leaves use exactly as one that loses its carrier does (its items move,
 * are announced, the up and down delays apply).  While LACP has fallen
 * back (no partner), one member carries: the first in failover order with
 * link, kept while it has link; and the team receives as a
 * switch-independent one (team-publish.c).
 *
 * Every change of a member's LACP state, and of the team's, goes into the
 * team's event history. */
#include <autoconf.h>
#include "team-private.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "ctl-server.h"
#include "ctl-util.h"
#include "log.h"
#include "util.h"

#define THIS_MODULE "team"

static void
lacp_send(int slot, const void *frame, size_t len, void *t_)
{
    struct team *t = t_;
    int error = datapath_team_send(t->dp, slot, frame, len);

    if (error && error != -ENODEV) {
        VLOG_DBG("team %s: member %s: LACPDU not sent: %s", t->name,
                 t->members[slot].name, g_strerror(-error));
    }
}

/* The actor's system MAC for "auto": the first member in failover order
 * whose device is known, else one made from the team's name (locally
 * administered), so that the team has one before its devices exist. */
static void
auto_system_id(const struct team *t, uint8_t mac[ETH_ADDR_LEN])
{
    int members[TEAM_MAX_MEMBERS];
    int n = team_map_members(t->map, members);
    uint32_t h;

    for (int i = 0; i < n; i++) {
        if (dp_team_member_mac(t->dp, members[i], mac)) {
            return;
        }
    }
    h = g_str_hash(t->name);
    mac[0] = 0x02;
    mac[1] = 0x00;
    memcpy(&mac[2], &h, sizeof h);
}

/* Gives LACP the team's settings and its members' (their MACs appear when
 * their devices are attached, so this runs on each tick). */
static void
lacp_sync_settings(struct team *t)
{
    struct lacp_settings ls = t->s.lacp_s;

    if (eth_addr_is_zero(ls.sys_id)) {
        auto_system_id(t, ls.sys_id);
    }
    ls.key = (dp_port_no(t->dp) & 0x3fff) | 0x4000;
    lacp_configure(t->lacp, &ls);
    for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
        const struct member *m = &t->members[slot];
        struct lacp_member_settings ms = {
            .port_priority = m->lacp_port_priority,
            .port_number = slot + 1,
        };

        if (!m->name) {
            lacp_member_remove(t->lacp, slot);
            continue;
        }
        if (!dp_team_member_mac(t->dp, slot, ms.mac)) {
            memcpy(ms.mac, ls.sys_id, ETH_ADDR_LEN);
        }
        lacp_member_set(t->lacp, slot, &ms);
    }
}

/* The member that carries while LACP has fallen back: the one that did,
 * while LACP still lets it, else the first in failover order that LACP
 * lets. */
static int
fallback_member(const struct team *t)
{
    int members[TEAM_MAX_MEMBERS];
    int n;

    if (t->lacp_active != TEAM_NONE && t->members[t->lacp_active].name
        && lacp_member_carries(t->lacp, t->lacp_active)) {
        return t->lacp_active;
    }
    n = team_map_members(t->map, members);
    for (int i = 0; i < n; i++) {
        if (lacp_member_carries(t->lacp, members[i])) {
            return members[i];
        }
    }
    return TEAM_NONE;
}

/* Why a member LACP reports as 'v' does not carry: LACP's reason, or
 * "standby" for a member LACP would let carry that the team does not use
 * (fallback's other members). */
static const char *
member_why(const struct lacp_member_view *v)
{
    return v->why == LACP_WHY_NONE ? "standby" : lacp_why_name(v->why);
}

/* Logs what changed in member 'slot''s LACP state or verdict ('ok'). */
static void
log_member(struct team *t, int slot, bool ok)
{
    struct member *m = &t->members[slot];
    struct lacp_member_view v;

    lacp_member_view(t->lacp, slot, &v);
    if (v.status == m->lacp_status && v.why == m->lacp_why
        && ok == m->lacp_ok) {
        return;
    }
    if (ok && t->lacp_status == LACP_FALLBACK) {
        team_log(t, "member %s: lacp %s, carries (active in fallback)",
                 m->name, lacp_member_status_name(v.status));
    } else if (ok) {
        team_log(t, "member %s: lacp %s, carries (partner "
                 ETH_ADDR_FMT " port %u)", m->name,
                 lacp_member_status_name(v.status),
                 ETH_ADDR_ARGS(v.partner.sys_id),
                 v.partner.port_number);
    } else {
        team_log(t, "member %s: lacp %s, out (%s)", m->name,
                 lacp_member_status_name(v.status),
                 member_why(&v));
    }
    m->lacp_status = v.status;
    m->lacp_why = v.why;
}

/* Runs LACP at 'now' and applies what it says. */
static void
lacp_step(struct team *t, uint64_t now)
{
    enum lacp_status status;
    bool republish = false;
    uint32_t ok_changed = 0;
    int active;
    bool ok;

    lacp_run(t->lacp, now, lacp_send, t);
    status = lacp_status(t->lacp);
    if (status != t->lacp_status) {
        static const char *const what[] = {
            [LACP_NEGOTIATED] = "lacp negotiated",
            [LACP_FALLBACK] = "lacp fallback to active-backup: no partner",
            [LACP_DOWN] = "lacp down: no member in the aggregator",
        };

        team_log(t, "%s", what[status]);
        republish = (status == LACP_FALLBACK
                     || t->lacp_status == LACP_FALLBACK);
        t->lacp_status = status;
    }
    active = status == LACP_FALLBACK ? fallback_member(t) : TEAM_NONE;
    t->lacp_active = active;
    for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
        struct member *m = &t->members[slot];

        if (!m->name) {
            continue;
        }
        ok = (status == LACP_FALLBACK ? slot == active
              : lacp_member_carries(t->lacp, slot));
        log_member(t, slot, ok);
        if (ok != m->lacp_ok) {
            ok_changed |= 1u << slot;
        }
        m->lacp_ok = ok;
        member_lacp_recheck(t, slot, now);
    }
    if (republish || ok_changed) {
        /* The receive rules follow the fallback, and what is taken in
         * follows the members LACP has collecting, also those that do not
         * carry (team-publish.c); member_lacp_recheck() published only the
         * members whose use changed. */
        GArray *moves = g_array_new(FALSE, FALSE, sizeof(struct team_move));

        team_publish(t, moves, 0, "lacp");
        g_array_free(moves, TRUE);
    }
}

static gboolean
lacp_tick(gpointer t_)
{
    struct team *t = t_;

    lacp_sync_settings(t);
    lacp_step(t, time_usec());
    return G_SOURCE_CONTINUE;
}

/* A LACPDU from the datapath. */
static void
lacp_frame(struct dp_port *port, int slot, const void *frame, size_t len,
           void *aux)
{
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, team_table);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        struct team *t = value;

        if (t->dp == port && t->lacp && t->members[slot].name) {
            uint64_t now = time_usec();

            lacp_receive(t->lacp, slot, frame, len, now);
            lacp_step(t, now);
            return;
        }
    }
}

void
team_lacp_init(void)
{
    datapath_set_slow_func(team_datapath, lacp_frame, NULL);
}

void
team_lacp_stop(struct team *t)
{
    if (t->lacp_timer) {
        g_source_remove(t->lacp_timer);
        t->lacp_timer = 0;
    }
    lacp_destroy(t->lacp);
    t->lacp = NULL;
    for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
        t->members[slot].lacp_ok = false;
    }
}

bool
team_lacp_apply(struct team *t)
{
    if (!t->s.lacp) {
        if (!t->lacp) {
            return false;
        }
        team_log(t, "lacp stopped");
        team_lacp_stop(t);
        return true;
    }
    if (t->lacp) {
        lacp_sync_settings(t);
        return false;
    }
    t->lacp = lacp_create(&t->s.lacp_s);
    if (!t->lacp) {
        g_error("team %s: out of memory for LACP", t->name);
    }
    t->lacp_status = LACP_DOWN;
    t->lacp_active = TEAM_NONE;
    for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
        t->members[slot].lacp_ok = false;
        t->members[slot].lacp_status = LACP_DEFAULTED;
        t->members[slot].lacp_why = LACP_WHY_LINK_DOWN;
    }
    lacp_sync_settings(t);
    t->lacp_timer = g_timeout_add(LACP_TICK_MS, lacp_tick, t);
    team_log(t, "lacp started");
    return true;
}

/* ---- lacp/show ---------------------------------------------------------- */

static void
format_mac(const uint8_t a[ETH_ADDR_LEN], char buf[ETH_ADDR_STRLEN])
{
    snprintf(buf, ETH_ADDR_STRLEN, ETH_ADDR_FMT, ETH_ADDR_ARGS(a));
}

/* One system's or port's identity, as JSON and as a line of text. */
static JsonObject *
info_json(const struct lacp_info *in, bool system, bool port)
{
    JsonObject *o = json_object_new();
    char mac[ETH_ADDR_STRLEN], state[128];

    if (system) {
        format_mac(in->sys_id, mac);
        json_object_set_int_member(o, "system-priority", in->sys_priority);
        json_object_set_string_member(o, "system-id", mac);
        json_object_set_int_member(o, "key", in->key);
    }
    if (port) {
        lacp_state_format(in->state, state, sizeof state);
        json_object_set_int_member(o, "port-priority", in->port_priority);
        json_object_set_int_member(o, "port", in->port_number);
        json_object_set_string_member(o, "state", state);
    }
    return o;
}

static unsigned int
member_buckets(const struct team *t, int slot)
{
    unsigned int n = 0;

    for (int b = 0; b < TEAM_BUCKETS; b++) {
        n += team_map_member_of(t->map, TEAM_ITEM_BUCKET, b) == slot;
    }
    return n;
}

static JsonObject *
show_team(const struct team *t, struct ctl_reply *reply)
{
    const struct lacp_settings *s = &t->s.lacp_s;
    JsonObject *o = json_object_new();
    JsonArray *jm = json_array_new();
    struct lacp_info actor;
    int members[TEAM_MAX_MEMBERS];
    int n = team_map_members(t->map, members);
    char mac[ETH_ADDR_STRLEN];

    lacp_actor(t->lacp, &actor);
    format_mac(actor.sys_id, mac);
    ctl_reply_printf(reply, "team %s: lacp %s, %s, rate %s, fallback %s, "
                     "min-links %u\n", t->name,
                     lacp_status_name(t->lacp_status),
                     s->active ? "active" : "passive",
                     s->fast ? "fast" : "slow",
                     s->fallback ? "active-backup" : "none", s->min_links);
    ctl_reply_printf(reply, "  actor: system %u,%s key %u\n",
                     actor.sys_priority, mac, actor.key);
    json_object_set_string_member(o, "name", t->name);
    json_object_set_string_member(o, "status",
                                  lacp_status_name(t->lacp_status));
    json_object_set_string_member(o, "lacp",
                                  s->active ? "active" : "passive");
    json_object_set_string_member(o, "rate", s->fast ? "fast" : "slow");
    json_object_set_string_member(o, "fallback",
                                  s->fallback ? "active-backup" : "none");
    json_object_set_int_member(o, "min-links", s->min_links);
    json_object_set_object_member(o, "actor", info_json(&actor, true, false));
    for (int i = 0; i < n; i++) {
        const struct member *m = &t->members[members[i]];
        struct lacp_member_view v;
        JsonObject *jo = json_object_new();
        char as[128], ps[128], pmac[ETH_ADDR_STRLEN];
        unsigned int buckets = member_buckets(t, members[i]);
        const char *why;

        lacp_member_view(t->lacp, members[i], &v);
        why = m->lacp_ok ? "" : member_why(&v);
        lacp_state_format(v.actor.state, as, sizeof as);
        lacp_state_format(v.partner.state, ps, sizeof ps);
        format_mac(v.partner.sys_id, pmac);
        ctl_reply_printf(reply, "  member %s: %s, %s%s%s, %u buckets\n"
                         "    actor:   port %u,%u state %s\n"
                         "    partner: system %u,%s key %u port %u,%u "
                         "state %s\n"
                         "    lacpdus: %" PRIu64 " sent, %" PRIu64
                         " received, %" PRIu64 " bad\n",
                         m->name, lacp_member_status_name(v.status),
                         m->lacp_ok ? "carries" : "out",
                         *why ? ": " : "", why, buckets,
                         v.actor.port_priority, v.actor.port_number, as,
                         v.partner.sys_priority, pmac, v.partner.key,
                         v.partner.port_priority, v.partner.port_number, ps,
                         v.pdus_sent, v.pdus_received, v.pdus_bad);
        json_object_set_string_member(jo, "name", m->name);
        json_object_set_string_member(jo, "status",
                                      lacp_member_status_name(v.status));
        json_object_set_boolean_member(jo, "selected", v.selected);
        json_object_set_boolean_member(jo, "carries", m->lacp_ok);
        json_object_set_string_member(jo, "why", why);
        json_object_set_int_member(jo, "buckets", buckets);
        json_object_set_object_member(jo, "actor",
                                      info_json(&v.actor, false, true));
        json_object_set_object_member(jo, "partner",
                                      info_json(&v.partner, true, true));
        json_object_set_int_member(jo, "pdus-sent", v.pdus_sent);
        json_object_set_int_member(jo, "pdus-received", v.pdus_received);
        json_object_set_int_member(jo, "pdus-bad", v.pdus_bad);
        json_array_add_object_element(jm, jo);
    }
    json_object_set_array_member(o, "members", jm);
    return o;
}

void
cmd_lacp_show(struct ctl_reply *reply, int n_args, char *args[], bool json,
              void *aux)
{
    JsonArray *teams = json_array_new();
    JsonObject *o;

    if (n_args) {
        struct team *t = find_team(args[0], reply);

        if (!t) {
            json_array_unref(teams);
            return;
        }
        if (!t->lacp) {
            ctl_reply_error(reply, CTL_REFUSED, "team %s does not run LACP "
                            "(set-team %s mode=lacp)", t->name, t->name);
            json_array_unref(teams);
            return;
        }
        json_array_add_object_element(teams, show_team(t, reply));
    } else {
        GList *names = g_list_sort(g_hash_table_get_keys(team_table),
                                   (GCompareFunc) strcmp);

        for (GList *l = names; l; l = l->next) {
            struct team *t = g_hash_table_lookup(team_table, l->data);

            if (t->lacp) {
                json_array_add_object_element(teams, show_team(t, reply));
            }
        }
        g_list_free(names);
    }
    if (json) {
        o = json_object_new();
        json_object_set_array_member(o, "teams", teams);
        ctl_reply_set_object(reply, o);
    } else {
        json_array_unref(teams);
    }
}
