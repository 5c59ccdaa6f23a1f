/* team: the teams' life (see team-private.h for how the module is split):
 * applying the configuration, link events, rebalancing and the module's
 * start and end.  The top of the module: it calls the other team files,
 * none of them calls it. */
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


/* ---- VLANs -------------------------------------------------------------- */

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

/* ---- Rebalancing -------------------------------------------------------- */

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
    s->switch_independent = ct->mode == CONFIG_TEAM_SWITCH_INDEPENDENT;
    s->updelay = ct->updelay;
    s->downdelay = ct->downdelay;
    s->failback = ct->failback;
    s->announce = ct->announce;
    s->announce_count = ct->announce_count;
    s->announce_interval = ct->announce_interval;
    s->rebalance = ct->rebalance;
    s->probe_ip = ct->probe_ip;
    s->probe_interval = ct->probe_interval;
    s->lacp = ct->mode == CONFIG_TEAM_LACP;
    memset(&s->lacp_s, 0, sizeof s->lacp_s);
    s->lacp_s.active = ct->lacp_active;
    s->lacp_s.fast = ct->lacp_fast;
    s->lacp_s.sys_priority = ct->lacp_system_priority;
    memcpy(s->lacp_s.sys_id, ct->lacp_system_id, ETH_ADDR_LEN);
    s->lacp_s.min_links = ct->min_links;
    s->lacp_s.fallback = ct->lacp_fallback;
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
    team_lacp_stop(t);
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
        if (!ct || strcmp(ct->port.bridge, t->bridge)
            || s.policy != t->s.policy) {
            g_ptr_array_add(doomed, t);
        }
    }
    for (guint i = 0; i < doomed->len; i++) {
        team_state_forget(g_ptr_array_index(doomed, i));
        team_destroy(g_ptr_array_index(doomed, i));
    }
    g_ptr_array_free(doomed, TRUE);
}

/* Makes the team's VM ports (the bridge's plain ports that have a VLAN in
 * common with the team) and their preferred members match 'cfg', in
 * O(ports); 'by_name' is 'cfg''s config_port_index().  A port the team
 * cannot carry any traffic of is given to no member: it would count in a
 * member's load and be announced on moves for nothing. */
static void
team_sync_ports(struct team *t, const struct config *cfg,
                GHashTable *by_name, GArray *moves)
{
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
team_apply(const struct config *cfg, GHashTable *cfg_ports)
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
                /* The slot may be a removed member's: nothing of its LACP
                 * verdict carries over (team-lacp.c sets it). */
                t->members[slot].lacp_ok = false;
                t->members[slot].lacp_status = LACP_DEFAULTED;
                t->members[slot].lacp_why = LACP_WHY_LINK_DOWN;
                t->members[slot].since = g_get_real_time();
                datapath_team_member_set(team_datapath, t->dp, slot, name);
                team_log(t, "member %s added", name);
                member_try_attach(t, slot);
            }
            t->members[slot].admin_disabled = cm->disabled;
            t->members[slot].lacp_port_priority = cm->lacp_port_priority;
        }

        if (team_lacp_apply(t)) {
            probe_changed = true;
        }
        if (probe_changed) {
            team_set_probing(t);
        }
        if (created) {
            /* The member that was active before a restart comes up first
             * and is preferred, so that it is active again. */
            char *saved = team_state_saved_active(t);

            restored = saved ? member_slot(t, saved) : TEAM_NONE;
            team_map_set_active_home(t->map, restored);
            g_free(saved);
        }
        team_sync_ports(t, cfg, cfg_ports, moves);
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

/* ---- Module life -------------------------------------------------------- */

void
team_init(struct datapath *dp_, const char *state_path_)
{
    team_datapath = dp_;
    team_state_open(state_path_);
    team_table = g_hash_table_new(g_str_hash, g_str_equal);
    team_announce_init();
    team_lacp_init();
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
    team_state_close();
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
    .counters = team_counters,
    .metrics = team_metrics,
};
