/* team: the teams' life (see team-private.h for how the module is split):
 * applying the configuration, link events, publishing each team's map to
 * the datapath, rebalancing, the event history, and the state file that
 * keeps an active-backup team's active member across restarts. */
#include <autoconf.h>
#include "team.h"
#include "team-private.h"

#include <errno.h>
#include <glib.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "bridge.h"
#include "config.h"
#include "datapath.h"
#include "log.h"
#include "netlink-monitor.h"
#include "port-kind.h"
#include "util.h"
#include "vlan.h"

#define THIS_MODULE "team"

#define REBALANCE_THRESHOLD 10    /* Percent of total load. */

struct datapath *team_datapath;      /* Borrowed. */
GHashTable *team_table;              /* name -> struct team *. */
static char *state_path;             /* The state file (owned). */
static GKeyFile *saved_state;        /* Its contents, as read at start and
                                      * kept up to date (owned). */

/* ---- Events ------------------------------------------------------------- */

void
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

/* ---- VLANs ---------------------------------------------------------------- */

/* True if a port with VLAN settings 'ps' has a VLAN in common with the
 * team: only then can the team carry any of its traffic.  The VLAN rules
 * are vlan.c's, the team's those the datapath applies. */
static bool
team_shares_vlan(const struct team *t, const struct dp_port_settings *ps)
{
    struct vlan_port pv;

    vlan_port_init(&pv, ps->mode, ps->vlan, &ps->trunks, ps->native);
    return vlan_port_shares(dp_port_vlan(t->dp), &pv);
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

    if (t->cls->item != TEAM_ITEM_ACTIVE
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
        p = datapath_find_port(team_datapath, mv->id);
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
int
team_designated(const struct team *t)
{
    return t->cls->item == TEAM_ITEM_ACTIVE
           ? team_map_member_of(t->map, TEAM_ITEM_ACTIVE, 0)
           : team_map_designated(t->map);
}

void
team_publish(struct team *t, GArray *moves, uint64_t event_usec,
             const char *what)
{
    struct dp_team_map_desc d;
    uint32_t *port_nos;
    int *slots;
    int members[TEAM_MAX_MEMBERS];
    int n_members;
    size_t n_ports;
    int error;

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
    error = datapath_team_publish(team_datapath, t->dp, &d);
    g_free(port_nos);
    g_free(slots);
    if (error) {
        /* The threads keep the previous map; moving traffic was not
         * done, so nothing is announced.  The next change republishes. */
        VLOG_ERR("team %s: new member map not published (%s): out of "
                 "memory; the datapath keeps the previous one until the "
                 "next change", t->name, what);
        return;
    }

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
    team_announce_moves(t, moves);
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

    const struct team_policy_class *cls = t->cls;

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
            struct dp_port *p = datapath_find_port(team_datapath,
                                                   port_nos[i]);
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
    if (secs && t->cls->rebalances) {
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
    g_hash_table_steal(team_table, t->name);
    team_set_rebalance(t, 0);
    team_stop_probing(t);
    for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
        member_stop(&t->members[i]);
        g_free(t->members[i].name);
    }
    datapath_port_remove(team_datapath, t->dp);
    team_map_destroy(t->map);
    announce_queue_destroy(t->announce_queue);
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

    g_hash_table_iter_init(&iter, team_table);
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
        struct dp_port *p = datapath_find_port(team_datapath, known[i]);
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
        struct team *t = g_hash_table_lookup(team_table, ct->port.name);
        struct dp_port_settings vlan;
        struct team_settings s;
        bool probe_changed = true;
        bool created = !t;
        int restored = TEAM_NONE;
        GArray *moves;

        team_settings_from_config(ct, &s);
        bridge_port_settings(&ct->port, &vlan);
        if (!t) {
            struct dp_bridge *dp_br = bridge_dp_bridge(ct->port.bridge);
            struct dp_port *dp_team = dp_br ? datapath_team_add(
                team_datapath, dp_br, ct->port.name, &vlan) : NULL;

            if (!dp_team) {
                VLOG_ERR("team %s not created on bridge %s: out of memory "
                         "(it is created by the next reload once memory is "
                         "free)", ct->port.name, ct->port.bridge);
                continue;
            }
            t = g_new0(struct team, 1);
            t->dp = dp_team;
            t->name = g_strdup(ct->port.name);
            t->bridge = g_strdup(ct->port.bridge);
            t->s = s;
            t->vlan = vlan;
            t->last_migration_usec = -1;
            t->map = team_map_create(s.policy, s.failback);
            t->cls = team_policy_class(s.policy);
            t->port_base = g_hash_table_new_full(NULL, NULL, NULL, g_free);
            t->announce_queue = announce_queue_create();
            g_hash_table_insert(team_table, t->name, t);
            team_log(t, "team created on bridge %s, policy %s", t->bridge,
                     team_policy_name(s.policy));
        } else {
            if (memcmp(&vlan, &t->vlan, sizeof vlan)) {
                if (datapath_port_set(team_datapath, t->dp, &vlan)) {
                    VLOG_ERR("team %s: VLAN settings not changed: out of "
                             "memory (reload to apply them)", t->name);
                } else {
                    t->vlan = vlan;
                }
            }
            if (s.failback != t->s.failback) {
                team_map_set_failback(t->map, s.failback);
            }
            probe_changed = s.probe_ip != t->s.probe_ip
                            || s.probe_interval != t->s.probe_interval;
            t->s = s;
        }
        team_set_rebalance(t, s.rebalance);
        moves = g_array_new(FALSE, FALSE, sizeof(struct team_move));

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
                member_stop(m);
                team_map_del_member(t->map, slot, moves);
                datapath_team_member_clear(team_datapath, t->dp, slot);
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
                member_health_init(&t->members[slot].health);
                t->members[slot].since = g_get_real_time();
                datapath_team_member_set(team_datapath, t->dp, slot, name);
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
    struct team *t = g_hash_table_lookup(team_table, name);

    return t ? t->dp : NULL;
}

void
team_link_event(const struct netlink_link_event *ev)
{
    uint64_t now = time_usec();
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, team_table);
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
                    datapath_team_member_detach(team_datapath, t->dp, slot);
                }
                if (now_index) {
                    member_try_attach(t, slot);
                    member_read_carrier(t, slot, now);
                }
            } else if (ifindex && ifindex == ev->ifindex
                       && (ev->removed || strcmp(ev->name, m->name))) {
                datapath_team_member_detach(team_datapath, t->dp, slot);
            } else if (!ev->removed && !strcmp(ev->name, m->name)) {
                if (ifindex && ifindex != ev->ifindex) {
                    datapath_team_member_detach(team_datapath, t->dp, slot);
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

/* ---- Module life ---------------------------------------------------------- */

void
team_init(struct datapath *dp_, const char *state_path_)
{
    team_datapath = dp_;
    state_path = g_strdup(state_path_);
    saved_state = g_key_file_new();
    /* A missing or unreadable state file: start afresh. */
    g_key_file_load_from_file(saved_state, state_path, G_KEY_FILE_NONE, NULL);
    team_table = g_hash_table_new(g_str_hash, g_str_equal);
    team_announce_init();
    team_cmd_register();
}

void
team_fini(void)
{
    GHashTableIter iter;
    gpointer key, value;
    GPtrArray *all = g_ptr_array_new();

    g_hash_table_iter_init(&iter, team_table);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        g_ptr_array_add(all, value);
    }
    for (guint i = 0; i < all->len; i++) {
        team_destroy(g_ptr_array_index(all, i));
    }
    g_ptr_array_free(all, TRUE);
    team_announce_fini();
    g_hash_table_destroy(team_table);
    g_clear_pointer(&saved_state, g_key_file_free);
    g_clear_pointer(&state_path, g_free);
}

/* The port kind: 'state_path' is CONFIG.state. */
static void
team_kind_init(struct datapath *dp_, const char *config_path)
{
    char *state = g_strconcat(config_path, ".state", NULL);

    team_init(dp_, state);
    g_free(state);
}

const struct port_kind_class team_port_kind = {
    .name = "team",
    .show_key = "teams",
    .init = team_kind_init,
    .fini = team_fini,
    .apply_removals = team_apply_removals,
    .apply = team_apply,
    .link_event = team_link_event,
    .dp_port = team_dp_port,
    .show_bridge = team_show_bridge,
    .port_stats = team_port_stats,
};
