/* metrics-cmd: the "metrics" command (see metrics-cmd.h). */
#include <autoconf.h>
#include "metrics-cmd.h"

#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "bridge.h"
#include "config.h"
#include "ctl-server.h"
#include "ctl-util.h"
#include "datapath.h"
#include "mac-table.h"
#include "metrics.h"
#include "port-kind.h"
#include "util.h"

static struct datapath *dp;        /* Borrowed from the daemon. */
static gint64 start_wall;          /* g_get_real_time() at the start. */
static gint64 start_mono;          /* g_get_monotonic_time() then. */

/* ---- The daemon --------------------------------------------------------- */

static void
daemon_metrics(struct metrics *m)
{
    metrics_declare(m, "vswitch_build_info", METRICS_GAUGE,
                    "Always 1; the label says the daemon's version.");
    metrics_declare(m, "vswitch_start_time_seconds", METRICS_GAUGE,
                    "When the daemon started, in seconds since the Unix "
                    "epoch.");
    metrics_declare(m, "vswitch_uptime_seconds", METRICS_GAUGE,
                    "Seconds since the daemon started.");
    metrics_declare(m, "vswitch_datapath_threads", METRICS_GAUGE,
                    "Datapath threads forwarding frames.");
    metrics_declare(m, "vswitch_datapath_thread_sockets", METRICS_GAUGE,
                    "Sockets a datapath thread reads: one per attached port "
                    "and team member.");
    metrics_declare(m, "vswitch_datapath_thread_sockets_limit",
                    METRICS_GAUGE, "The most sockets one datapath thread "
                    "reads: a port or member past that is refused.");

    metrics_add_u64(m, "vswitch_build_info", 1, "version", PACKAGE_VERSION,
                    NULL);
    metrics_add_double(m, "vswitch_start_time_seconds", start_wall / 1e6,
                       NULL);
    metrics_add_double(m, "vswitch_uptime_seconds",
                       (g_get_monotonic_time() - start_mono) / 1e6, NULL);
    metrics_add_u64(m, "vswitch_datapath_threads", datapath_n_threads(dp),
                    NULL);
    for (unsigned int i = 0; i < datapath_n_threads(dp); i++) {
        char thread[16];

        snprintf(thread, sizeof thread, "%u", i);
        metrics_add_u64(m, "vswitch_datapath_thread_sockets",
                        datapath_thread_sockets(dp, i), "thread", thread,
                        NULL);
    }
    metrics_add_u64(m, "vswitch_datapath_thread_sockets_limit",
                    DATAPATH_MAX_PORTS, NULL);
}

/* ---- MAC tables (what fdb/show says) ------------------------------------ */

/* The MAC table counters (struct mac_table_stats), as families. */
static const struct {
    const char *name;              /* Family. */
    const char *help;              /* Its help. */
    size_t offset;                 /* Of the counter in the stats. */
} mac_counters[] = {
#define MAC_COUNTER(NAME, FIELD, HELP) \
    { "vswitch_mac_table_" NAME "_total", HELP, \
      offsetof(struct mac_table_stats, FIELD) }
    MAC_COUNTER("learned", learned, "Entries learned."),
    MAC_COUNTER("moved", moved, "Entries moved to another port."),
    MAC_COUNTER("aged", aged, "Entries removed by aging."),
    MAC_COUNTER("evicted", evicted,
                "Entries evicted to make room for a new station."),
    MAC_COUNTER("full_drops", full_drops,
                "Stations not learned: the table was full."),
    MAC_COUNTER("limit_drops", limit_drops,
                "Stations not learned: their port held its mac-limit."),
    MAC_COUNTER("flushed", flushed, "Entries removed by flushes."),
    MAC_COUNTER("conflicts", conflicts,
                "Moves refused: the station is alive on the other side of "
                "a team."),
#undef MAC_COUNTER
};

static void
count_vlan(const struct mac_entry *e, void *per_vlan_)
{
    unsigned int *per_vlan = per_vlan_;

    if (e->vlan <= VLAN_MAX) {
        per_vlan[e->vlan]++;
    }
}

static void
bridge_metrics(struct metrics *m, const char *name)
{
    struct mac_table *mt = dp_bridge_mac_table(bridge_dp_bridge(name));
    unsigned int *per_vlan = g_new0(unsigned int, VLAN_MAX + 1);
    struct mac_table_stats st;

    mac_table_foreach(mt, count_vlan, per_vlan);
    for (int vlan = 0; vlan <= VLAN_MAX; vlan++) {
        char text[8];

        if (per_vlan[vlan]) {
            snprintf(text, sizeof text, "%d", vlan);
            metrics_add_u64(m, "vswitch_mac_table_entries", per_vlan[vlan],
                            "bridge", name, "vlan", text, NULL);
        }
    }
    g_free(per_vlan);
    metrics_add_u64(m, "vswitch_mac_table_entries_limit",
                    mac_table_get_max(mt), "bridge", name, NULL);
    metrics_add_u64(m, "vswitch_mac_table_aging_seconds",
                    mac_table_get_aging(mt), "bridge", name, NULL);
    mac_table_get_stats(mt, &st);
    for (size_t i = 0; i < ARRAY_SIZE(mac_counters); i++) {
        metrics_add_u64(m, mac_counters[i].name,
                        *(const uint64_t *) ((const char *) &st
                                             + mac_counters[i].offset),
                        "bridge", name, NULL);
    }
}

static void
bridges_metrics(struct metrics *m)
{
    const struct config *cfg = bridge_config();

    metrics_declare(m, "vswitch_mac_table_entries", METRICS_GAUGE,
                    "Entries in the bridge's MAC table, by VLAN (VLANs "
                    "with none are left out).");
    metrics_declare(m, "vswitch_mac_table_entries_limit", METRICS_GAUGE,
                    "Entries the bridge's MAC table may hold "
                    "(mac-table-size).");
    metrics_declare(m, "vswitch_mac_table_aging_seconds", METRICS_GAUGE,
                    "Seconds an entry is kept without a frame from its "
                    "station (mac-aging).");
    for (size_t i = 0; i < ARRAY_SIZE(mac_counters); i++) {
        metrics_declare(m, mac_counters[i].name, METRICS_COUNTER,
                        mac_counters[i].help);
    }
    for (guint i = 0; i < cfg->bridges->len; i++) {
        const struct config_bridge *cb = g_ptr_array_index(cfg->bridges, i);

        if (bridge_dp_bridge(cb->name)) {
            bridge_metrics(m, cb->name);
        }
    }
}

/* ---- Port counters (what port/stats says) ------------------------------- */

/* The traffic counters of struct dp_port_stats, as the families of ports
 * (teams included) and of team members. */
static const struct {
    const char *port;              /* Family of the ports. */
    const char *member;            /* Family of the team members. */
    const char *help;              /* Their help. */
    size_t offset;                 /* Of the counter in the stats. */
} traffic_counters[] = {
#define TRAFFIC_COUNTER(NAME, FIELD, HELP) \
    { "vswitch_port_" NAME "_total", "vswitch_team_member_" NAME "_total", \
      HELP, offsetof(struct dp_port_stats, FIELD) }
    TRAFFIC_COUNTER("rx_packets", rx_packets, "Frames received."),
    TRAFFIC_COUNTER("rx_bytes", rx_bytes, "Bytes received, frames as on "
                    "the wire."),
    TRAFFIC_COUNTER("tx_packets", tx_packets, "Frames sent."),
    TRAFFIC_COUNTER("tx_bytes", tx_bytes, "Bytes sent, frames as on the "
                    "wire."),
#undef TRAFFIC_COUNTER
};

#define PORT_DROPS "vswitch_port_drops_total"
#define MEMBER_DROPS "vswitch_team_member_drops_total"
#define PORT_STATE "vswitch_port_state"

static void
declare_port_families(struct metrics *m)
{
    for (size_t i = 0; i < ARRAY_SIZE(traffic_counters); i++) {
        metrics_declare(m, traffic_counters[i].port, METRICS_COUNTER,
                        traffic_counters[i].help);
    }
    metrics_declare(m, PORT_DROPS, METRICS_COUNTER,
                    "Frames dropped, by reason (the drops of port/stats; "
                    "mac-limit-flood frames were forwarded, not learned).");
    metrics_declare(m, PORT_STATE, METRICS_GAUGE,
                    "1 for the state the port is in (up, down: no "
                    "carrier, absent: no device), 0 for the others.");
    for (size_t i = 0; i < ARRAY_SIZE(traffic_counters); i++) {
        metrics_declare(m, traffic_counters[i].member, METRICS_COUNTER,
                        traffic_counters[i].help);
    }
    metrics_declare(m, MEMBER_DROPS, METRICS_COUNTER,
                    "Frames dropped on a team member, by reason.");
}

/* Adds the samples of one port, team or member (a bridge_counters_func:
 * 'm_' is the writer). */
static void
add_counters(const struct bridge_counters *c, void *m_)
{
    bool member = c->kind == BRIDGE_COUNTERS_MEMBER;
    struct metrics_label labels[4] = {
        { "bridge", c->bridge },
        { member ? "team" : "port", member ? c->team : c->name },
        { "member", c->name },
    };
    const struct dp_port_stats *s = c->stats;
    size_t n = member ? 3 : 2;
    struct metrics *m = m_;

    for (size_t i = 0; i < ARRAY_SIZE(traffic_counters); i++) {
        metrics_add_u64_labels(m, (member ? traffic_counters[i].member
                                   : traffic_counters[i].port),
                               *(const uint64_t *) ((const char *) s
                                   + traffic_counters[i].offset),
                               labels, n);
    }
    labels[n].name = "reason";
    for (int r = 0; r < DP_N_DROPS; r++) {
        labels[n].value = dp_drop_reason_name(r);
        metrics_add_u64_labels(m, member ? MEMBER_DROPS : PORT_DROPS,
                               s->drops[r], labels, n + 1);
    }
    if (c->kind == BRIDGE_COUNTERS_PORT) {
        labels[n].name = "state";
        for (size_t i = 0; i < bridge_n_port_states; i++) {
            labels[n].value = bridge_port_states[i];
            metrics_add_u64_labels(m, PORT_STATE,
                                   !strcmp(c->state, bridge_port_states[i]),
                                   labels, n + 1);
        }
    }
}

/* ---- The command -------------------------------------------------------- */

static void
cmd_metrics(struct ctl_reply *reply, int n_args, char *args[], bool json,
            void *aux)
{
    struct metrics *m = metrics_create();
    GString *text;

    daemon_metrics(m);
    bridges_metrics(m);
    declare_port_families(m);
    bridge_counters_foreach(NULL, add_counters, m);
    for (size_t k = 0; k < n_port_kinds; k++) {
        port_kinds[k]->metrics(m);
    }

    if (metrics_error(m)) {
        ctl_reply_error(reply, CTL_REFUSED, "cannot write the metrics: %s "
                        "(a bug of vswitchd: please report it)",
                        metrics_error(m));
        metrics_destroy(m);
        return;
    }
    text = g_string_new("");
    metrics_format(m, text);
    metrics_destroy(m);
    if (json) {
        JsonObject *o = json_object_new();

        json_object_set_string_member(o, "text", text->str);
        ctl_reply_set_object(reply, o);
    }
    ctl_reply_printf(reply, "%s", text->str);
    g_string_free(text, TRUE);
}

void
metrics_cmd_init(struct datapath *dp_)
{
    dp = dp_;
    start_wall = g_get_real_time();
    start_mono = g_get_monotonic_time();
    ctl_command_bind("metrics", cmd_metrics, NULL);
}
