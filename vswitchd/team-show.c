/* team-show: what the team commands show: team/show, team/events, and the
 * team parts of show, port/stats and metrics. */
#include <autoconf.h>
#include "team-private.h"

#include <string.h>
#include "bridge.h"
#include "config.h"
#include "ctl-server.h"
#include "ctl-util.h"
#include "metrics.h"
#include "team.h"
#include "util.h"

static JsonObject *
team_to_json(const struct team *t, GString *text)
{
    JsonObject *o = json_object_new();
    JsonArray *members = json_array_new();
    int slots[TEAM_MAX_MEMBERS];
    int n = team_map_members(t->map, slots);
    int designated = team_designated(t);
    gint64 now = g_get_real_time();
    const struct team_policy_class *cls = t->cls;
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
        JsonArray *jwatch = json_array_new();
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
                    struct dp_port *p = datapath_find_port(team_datapath,
                                                           ports[k]);
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
                               m->name, member_state_name(m->health.state),
                               (now - m->since) / 1000000,
                               slots[i] == designated
                               ? " (receives floods)" : "",
                               team_map_member_load(t->map, slots[i]),
                               st.tx_packets, st.rx_packets,
                               carries->len ? carries->str : " nothing");
        json_object_set_string_member(jm, "name", m->name);
        for (int w = 0; w < MEMBER_N_WATCHES; w++) {
            char line[128];

            if (m->watch[w].cls) {
                m->watch[w].cls->show(&m->watch[w], line, sizeof line);
                json_array_add_string_element(jwatch, line);
            }
        }
        json_object_set_array_member(jm, "link-watchers", jwatch);
        json_object_set_string_member(jm, "state",
                                      member_state_name(m->health.state));
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

void
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
        struct team *t = g_hash_table_lookup(team_table, ct->port.name);
        if (t && (!n_args || !strcmp(args[0], t->name))) {
            json_array_add_object_element(a, team_to_json(t, text));
        }
    }
    ctl_reply_printf(reply, "%s", text->str);
    g_string_free(text, TRUE);
    ctl_reply_set_array_member(reply, json, "teams", a);
}

void
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
        ctl_reply_set_object(reply, o);
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
        struct team *t = g_hash_table_lookup(team_table, ct->port.name);
        JsonObject *o;
        JsonArray *jm;
        char *desc;

        if (!t || strcmp(t->bridge, bridge)) {
            continue;
        }
        desc = config_port_vlan_describe(&ct->port);
        ctl_reply_printf(reply, "    team %s: %s, policy %s,", t->name,
                         desc, team_policy_name(t->s.policy));
        if (t->lacp) {
            ctl_reply_printf(reply, " lacp %s,",
                             lacp_status_name(t->lacp_status));
        }
        ctl_reply_printf(reply, " members");
        o = json_object_new();
        jm = json_array_new();
        json_object_set_string_member(o, "name", t->name);
        json_object_set_int_member(o, "port-no", dp_port_no(t->dp));
        json_object_set_string_member(o, "policy",
                                      team_policy_name(t->s.policy));
        json_object_set_string_member(o, "mode",
                                      config_team_mode_to_string(ct->mode));
        if (t->lacp) {
            json_object_set_string_member(o, "lacp",
                                          lacp_status_name(t->lacp_status));
        }
        json_object_set_string_member(o, "vlan-settings", desc);
        for (guint j = 0; j < ct->members->len; j++) {
            const struct config_team_member *cm
                = g_ptr_array_index(ct->members, j);
            const char *name = cm->name;
            int slot = member_slot(t, name);
            const char *state = slot >= 0
                                ? member_state_name(
                                      t->members[slot].health.state)
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
team_counters(const char *name, bridge_counters_func *func, void *aux)
{
    const struct config *cfg = bridge_config();
    bool found = false;

    for (guint i = 0; i < cfg->teams->len; i++) {
        const struct config_team *ct = g_ptr_array_index(cfg->teams, i);
        struct team *t = g_hash_table_lookup(team_table, ct->port.name);
        struct dp_port_stats s;
        bool all;

        if (!t) {
            continue;
        }
        all = !name || !strcmp(name, t->name);
        if (all) {
            found = true;
            dp_port_get_stats(t->dp, &s);
            func(&(struct bridge_counters) {
                     .kind = BRIDGE_COUNTERS_TEAM, .name = t->name,
                     .bridge = t->bridge, .stats = &s,
                 }, aux);
        }
        for (int slot = 0; slot < TEAM_MAX_MEMBERS; slot++) {
            const struct member *m = &t->members[slot];
            if (!m->name || (!all && strcmp(name, m->name))) {
                continue;
            }
            found = true;
            dp_team_member_get_stats(t->dp, slot, &s);
            func(&(struct bridge_counters) {
                     .kind = BRIDGE_COUNTERS_MEMBER, .name = m->name,
                     .bridge = t->bridge, .team = t->name,
                     .state = member_state_name(m->health.state),
                     .stats = &s,
                 }, aux);
        }
    }
    return found;
}

/* How many items of the team's policy (ports or buckets) the member in
 * 'slot' carries; 0 for active-backup, which moves everything at once. */
static unsigned int
member_items(const struct team *t, int slot)
{
    unsigned int n = 0;

    if (t->cls->item == TEAM_ITEM_PORT) {
        size_t np = team_map_ports(t->map, NULL, 0);
        uint32_t *ports = g_new(uint32_t, np + 1);

        team_map_ports(t->map, ports, np);
        for (size_t k = 0; k < np; k++) {
            n += team_map_member_of(t->map, TEAM_ITEM_PORT, ports[k]) == slot;
        }
        g_free(ports);
    } else if (t->cls->item == TEAM_ITEM_BUCKET) {
        for (int b = 0; b < TEAM_BUCKETS; b++) {
            n += team_map_member_of(t->map, TEAM_ITEM_BUCKET, b) == slot;
        }
    }
    return n;
}

/* The metrics of one member of 't' (see team_metrics()). */
static void
member_metrics(struct metrics *m, const struct team *t, int slot,
               int designated)
{
    const struct member *mb = &t->members[slot];
    const char *items = (t->cls->item == TEAM_ITEM_PORT
                         ? "vswitch_team_member_ports"
                         : t->cls->item == TEAM_ITEM_BUCKET
                         ? "vswitch_team_member_buckets" : NULL);
    bool active = team_map_member_of(t->map, TEAM_ITEM_ACTIVE, 0) == slot;

    for (int st = 0; st < MEMBER_N_STATES; st++) {
        metrics_add_u64(m, "vswitch_team_member_state",
                        st == (int) mb->health.state, "bridge", t->bridge,
                        "team", t->name, "member", mb->name,
                        "state", member_state_name(st), NULL);
    }
    metrics_add_u64(m, "vswitch_team_member_active", active,
                    "bridge", t->bridge, "team", t->name,
                    "member", mb->name, NULL);
    metrics_add_u64(m, "vswitch_team_member_designated", slot == designated,
                    "bridge", t->bridge, "team", t->name,
                    "member", mb->name, NULL);
    metrics_add_u64(m, "vswitch_team_member_load_bytes",
                    team_map_member_load(t->map, slot), "bridge", t->bridge,
                    "team", t->name, "member", mb->name, NULL);
    if (items) {
        metrics_add_u64(m, items, member_items(t, slot), "bridge", t->bridge,
                        "team", t->name, "member", mb->name, NULL);
    }
}

void
team_metrics(struct metrics *m)
{
    const struct config *cfg = bridge_config();

    metrics_declare(m, "vswitch_team_failovers_total", METRICS_COUNTER,
                    "Members the team took out of use (link lost, link "
                    "watcher failed, member disabled).");
    metrics_declare(m, "vswitch_team_moves_total", METRICS_COUNTER,
                    "Ports or hash buckets moved from one member to "
                    "another, for any reason (failover, failback, "
                    "rebalancing, team/migrate).");
    metrics_declare(m, "vswitch_team_announcements_total", METRICS_COUNTER,
                    "Announcement frames (RARP) sent on members so that "
                    "the physical network relearns moved stations.");
    metrics_declare(m, "vswitch_team_last_migration_seconds", METRICS_GAUGE,
                    "Time from the team's last member event to its new "
                    "map in use by the datapath (absent before the "
                    "first).");
    metrics_declare(m, "vswitch_team_member_state", METRICS_GAUGE,
                    "1 for the state the member is in, 0 for the others.");
    metrics_declare(m, "vswitch_team_member_active", METRICS_GAUGE,
                    "1 if the member is the active one (active-backup).");
    metrics_declare(m, "vswitch_team_member_designated", METRICS_GAUGE,
                    "1 if the member receives the floods from upstream.");
    metrics_declare(m, "vswitch_team_member_load_bytes", METRICS_GAUGE,
                    "Bytes the member sent over the last rebalancing "
                    "interval (teams with rebalance=SECS).");
    metrics_declare(m, "vswitch_team_member_ports", METRICS_GAUGE,
                    "Ports the member carries (policy src-port).");
    metrics_declare(m, "vswitch_team_member_buckets", METRICS_GAUGE,
                    "Hash buckets the member carries (policies src-mac "
                    "and hash).");

    for (guint i = 0; i < cfg->teams->len; i++) {
        const struct config_team *ct = g_ptr_array_index(cfg->teams, i);
        struct team *t = g_hash_table_lookup(team_table, ct->port.name);
        int slots[TEAM_MAX_MEMBERS];
        int n, designated;

        if (!t) {
            continue;
        }
        metrics_add_u64(m, "vswitch_team_failovers_total", t->failovers,
                        "bridge", t->bridge, "team", t->name, NULL);
        metrics_add_u64(m, "vswitch_team_moves_total", t->moves,
                        "bridge", t->bridge, "team", t->name, NULL);
        metrics_add_u64(m, "vswitch_team_announcements_total",
                        t->announcements, "bridge", t->bridge,
                        "team", t->name, NULL);
        if (t->last_migration_usec >= 0) {
            metrics_add_double(m, "vswitch_team_last_migration_seconds",
                               t->last_migration_usec / 1e6,
                               "bridge", t->bridge, "team", t->name, NULL);
        }
        n = team_map_members(t->map, slots);
        designated = team_designated(t);
        for (int k = 0; k < n; k++) {
            member_metrics(m, t, slots[k], designated);
        }
    }
}
