/* bridge-cmd: the commands on bridges, ports and MAC tables that involve
 * no team (see bridge.h): add-br, set-br, del-br, list-br, add-port,
 * set-port, del-port, list-ports, fdb/show, fdb/add and fdb/del; and
 * port/stats, which shows the counters of every kind of port through
 * bridge_counters_foreach().  Built on bridge.c through bridge-private.h;
 * bridge.c does not call this file. */
#include <autoconf.h>
#include "bridge-private.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "bridge.h"
#include "config.h"
#include "ctl-server.h"
#include "ctl-util.h"
#include "datapath.h"
#include "mac-table.h"
#include "netlink-monitor.h"
#include "util.h"

/* ---- Bridges ------------------------------------------------------------ */

static int
port_setter(void *cp, const char *key, const char *value, char **msg)
{
    return config_port_set(cp, key, value, msg);
}

static int
bridge_setter(void *cb, const char *key, const char *value, char **msg)
{
    return config_bridge_set(cb, key, value, msg);
}

static void
cmd_add_br(struct ctl_reply *reply, int n_args, char *args[], bool json,
           void *aux)
{
    struct config *cfg = bridge_txn_begin();
    struct config_bridge *cb;
    char *msg = NULL;

    cb = config_add_bridge(cfg, args[0], &msg);
    if (!cb) {
        ctl_refuse_msg(reply, msg);
        config_free(cfg);
        return;
    }
    if (!ctl_set_kv_args(cb, bridge_setter, n_args - 1, args + 1, reply)) {
        config_free(cfg);
        return;
    }
    bridge_commit(cfg, reply);
}

static void
cmd_set_br(struct ctl_reply *reply, int n_args, char *args[], bool json,
           void *aux)
{
    struct config *cfg;
    struct config_bridge *cb;

    if (!bridge_find_br(args[0], reply)) {
        return;
    }
    cfg = bridge_txn_begin();
    cb = config_find_bridge(cfg, args[0]);
    if (!ctl_set_kv_args(cb, bridge_setter, n_args - 1, args + 1, reply)) {
        config_free(cfg);
        return;
    }
    bridge_commit(cfg, reply);
}

static void
cmd_del_br(struct ctl_reply *reply, int n_args, char *args[], bool json,
           void *aux)
{
    struct config *cfg;

    if (!bridge_find_br(args[0], reply)) {
        return;
    }
    cfg = bridge_txn_begin();
    config_del_bridge(cfg, args[0]);
    bridge_commit(cfg, reply);
}

static void
cmd_list_br(struct ctl_reply *reply, int n_args, char *args[], bool json,
            void *aux)
{
    const struct config *running = bridge_config();
    JsonArray *a = json_array_new();

    for (guint i = 0; i < running->bridges->len; i++) {
        const struct config_bridge *cb = g_ptr_array_index(running->bridges,
                                                           i);
        ctl_reply_printf(reply, "%s\n", cb->name);
        json_array_add_string_element(a, cb->name);
    }
    ctl_reply_set_array_member(reply, json, "bridges", a);
}

char *
bridge_status(void)
{
    const struct config *running = bridge_config();
    guint n_bridges = running->bridges->len;
    guint n_ports = running->ports->len;
    guint n_teams = running->teams->len;
    guint n_absent = 0;

    for (guint i = 0; i < n_ports; i++) {
        const struct config_port *cp = g_ptr_array_index(running->ports, i);

        n_absent += !strcmp(bridge_port_state(cp->name), "absent");
    }
    return g_strdup_printf("%u bridge%s, %u port%s (%u attached, %u "
                           "absent), %u team%s", n_bridges,
                           n_bridges == 1 ? "" : "s", n_ports,
                           n_ports == 1 ? "" : "s", n_ports - n_absent,
                           n_absent, n_teams, n_teams == 1 ? "" : "s");
}

/* ---- Ports -------------------------------------------------------------- */

bool
bridge_device_ok(const char *name, struct ctl_reply *reply)
{
    struct netlink_link_info info;
    char master[IF_NAMESIZE];

    if (netlink_link_get(name, &info)) {
        return true;
    }
    if (info.loopback) {
        ctl_reply_error(reply, CTL_REFUSED, "%s is the loopback device, "
                        "which cannot be a port or a team member (give a "
                        "VM's tap, a veth or a NIC)", name);
        return false;
    }
    if (info.bridge) {
        ctl_reply_error(reply, CTL_REFUSED, "%s is a Linux bridge, which "
                        "cannot be a port or a team member of this switch "
                        "(add its devices instead, or join it with a veth "
                        "pair)", name);
        return false;
    }
    if (info.master) {
        if (!if_indextoname(info.master, master)) {
            g_snprintf(master, sizeof master, "ifindex %d", info.master);
        }
        ctl_reply_error(reply, CTL_REFUSED, "%s is already enslaved to %s "
                        "(a Linux bridge, bond or team); release it first "
                        "(ip link set %s nomaster)", name, master, name);
        return false;
    }
    return true;
}

/* A command that sets mtu=N on a port whose device exists sets the
 * device's MTU before it commits, so that a device that refuses it refuses
 * the command, with nothing changed.  'applied' is the port's MTU key as
 * it runs (0 for a new port); '*old' gets the device's MTU to put back if
 * the commit fails (0: nothing to put back). */
static bool
port_mtu_before_commit(const char *name, unsigned int mtu,
                       unsigned int applied, unsigned int *old,
                       struct ctl_reply *reply)
{
    char err[256];

    *old = 0;
    if (!mtu || mtu == applied || !if_nametoindex(name)) {
        return true;
    }
    if (bridge_device_set_mtu(name, mtu, old, err, sizeof err)) {
        ctl_reply_error(reply, CTL_REFUSED, "%s", err);
        *old = 0;
        return false;
    }
    return true;
}

static void
port_mtu_restore(const char *name, unsigned int old)
{
    char err[256];

    if (old) {
        bridge_device_set_mtu(name, old, NULL, err, sizeof err);
    }
}

/* The reply to an add-port that succeeded: the port's state, and for a
 * port whose device does not exist yet, that it waits for it. */
static void
add_port_reply(struct ctl_reply *reply, const char *br, const char *name,
               bool json)
{
    const char *state = bridge_port_state(name);

    if (!strcmp(state, "absent")) {
        ctl_reply_printf(reply, "port %s added to %s; device %s does not "
                         "exist yet: attached when it appears\n", name, br,
                         name);
    }
    if (json) {
        JsonObject *o = json_object_new();

        json_object_set_string_member(o, "name", name);
        json_object_set_string_member(o, "bridge", br);
        json_object_set_string_member(o, "state", state);
        ctl_reply_set_object(reply, o);
    }
}

/* A port whose device does not exist yet is accepted: it is saved, shows
 * "absent" and is attached when the device appears (a VM's tap made at
 * its first boot), as with a configuration file that names it.  An
 * internal port's device is the daemon's to create: failing to is a
 * refusal. */
static void
cmd_add_port(struct ctl_reply *reply, int n_args, char *args[], bool json,
             void *aux)
{
    struct config_port *cp;
    struct config *cfg;
    char *msg = NULL;
    unsigned int old_mtu;
    bool internal;
    char err[256];
    int rc;

    if (!bridge_find_br(args[0], reply)) {
        return;
    }
    cfg = bridge_txn_begin();
    cp = config_add_port(cfg, args[0], args[1], &msg);
    if (!cp) {
        ctl_refuse_msg(reply, msg);
        config_free(cfg);
        return;
    }
    if (!ctl_set_kv_args(cp, port_setter, n_args - 2, args + 2, reply)) {
        config_free(cfg);
        return;
    }
    internal = cp->type == CONFIG_PORT_INTERNAL;
    if ((!internal && !bridge_device_ok(args[1], reply))
        || !port_mtu_before_commit(args[1], cp->policy.mtu, 0, &old_mtu,
                                   reply)) {
        config_free(cfg);
        return;
    }
    if (!bridge_commit(cfg, reply)) {
        port_mtu_restore(args[1], old_mtu);
        return;
    }

    /* A device that exists but cannot be opened: undo.  One that does not
     * exist (or went away meanwhile) is waited for. */
    rc = bridge_port_attach(args[1], err, sizeof err);
    if (rc && (internal || rc != -ENODEV)) {
        struct config *undo = bridge_txn_begin();

        config_del_port(undo, args[1]);
        bridge_txn_commit(undo, &msg);
        g_free(msg);
        port_mtu_restore(args[1], old_mtu);
        ctl_reply_error(reply, CTL_REFUSED, "%s", err);
        return;
    }
    add_port_reply(reply, args[0], args[1], json);
}

/* True if the arguments say enabled=yes: the operator re-enables the
 * port, also when only its BPDU guard blocked it (the configuration does
 * not change then). */
static bool
args_enable(int n_args, char *args[])
{
    for (int i = 0; i < n_args; i++) {
        if (!strcmp(args[i], "enabled=yes")) {
            return true;
        }
    }
    return false;
}

static void
cmd_set_port(struct ctl_reply *reply, int n_args, char *args[], bool json,
             void *aux)
{
    const struct config_port *running_cp;
    struct config_port *cp;
    struct config *cfg;
    unsigned int old_mtu;

    running_cp = config_find_port(bridge_config(), args[0]);
    if (!running_cp) {
        ctl_reply_error(reply, CTL_REFUSED, "no port named %s", args[0]);
        return;
    }
    cfg = bridge_txn_begin();
    cp = config_edit_port(cfg, args[0]);
    if (!ctl_set_kv_args(cp, port_setter, n_args - 1, args + 1, reply)
        || !port_mtu_before_commit(args[0], cp->policy.mtu,
                                   running_cp->policy.mtu, &old_mtu,
                                   reply)) {
        config_free(cfg);
        return;
    }
    if (!bridge_commit(cfg, reply)) {
        port_mtu_restore(args[0], old_mtu);
        return;
    }
    running_cp = config_find_port(bridge_config(), args[0]);
    if (running_cp->policy.enabled && args_enable(n_args - 1, args + 1)) {
        bridge_port_guard_reset(args[0]);
    }
}

static void
cmd_del_port(struct ctl_reply *reply, int n_args, char *args[], bool json,
             void *aux)
{
    const char *name = args[n_args - 1];
    const struct config_port *cp = config_find_port(bridge_config(), name);
    struct config *cfg;

    if (!cp) {
        ctl_reply_error(reply, CTL_REFUSED, "no port named %s", name);
        return;
    }
    if (n_args == 2 && strcmp(cp->bridge, args[0])) {
        ctl_reply_error(reply, CTL_REFUSED, "port %s is on bridge %s, not %s",
                        name, cp->bridge, args[0]);
        return;
    }
    cfg = bridge_txn_begin();
    config_del_port(cfg, name);
    bridge_commit(cfg, reply);
}

static void
cmd_list_ports(struct ctl_reply *reply, int n_args, char *args[], bool json,
               void *aux)
{
    const struct config *running = bridge_config();
    JsonArray *a;
    GPtrArray *list;

    if (!bridge_find_br(args[0], reply)) {
        return;
    }
    a = json_array_new();
    list = bridge_config_ports(args[0]);
    for (guint i = 0; i < list->len; i++) {
        const struct config_port *cp = g_ptr_array_index(list, i);
        ctl_reply_printf(reply, "%s\n", cp->name);
        json_array_add_string_element(a, cp->name);
    }
    g_ptr_array_free(list, TRUE);
    for (guint i = 0; i < running->teams->len; i++) {
        const struct config_team *ct = g_ptr_array_index(running->teams, i);
        if (!strcmp(ct->port.bridge, args[0])) {
            ctl_reply_printf(reply, "%s\n", ct->port.name);
            json_array_add_string_element(a, ct->port.name);
        }
    }
    ctl_reply_set_array_member(reply, json, "ports", a);
}

/* ---- Counters ----------------------------------------------------------- */

/* Where port/stats writes. */
struct port_stats_out {
    struct ctl_reply *reply;       /* The text. */
    JsonArray *ports;              /* An object per port, team, member. */
};

static void
port_stats_add(const struct bridge_counters *c, void *out_)
{
    struct port_stats_out *out = out_;
    const struct dp_port_stats *s = c->stats;
    JsonObject *o = json_object_new();

    json_object_set_string_member(o, "name", c->name);
    json_object_set_string_member(o, "bridge", c->bridge);
    switch (c->kind) {
    case BRIDGE_COUNTERS_PORT:
        ctl_reply_printf(out->reply, "port %s (bridge %s, %s):\n", c->name,
                         c->bridge, c->state);
        ctl_stats_text(out->reply, s);
        break;
    case BRIDGE_COUNTERS_TEAM:
        ctl_reply_printf(out->reply, "team %s (bridge %s):\n", c->name,
                         c->bridge);
        ctl_stats_text(out->reply, s);
        json_object_set_string_member(o, "type", "team");
        break;
    case BRIDGE_COUNTERS_MEMBER:
        ctl_reply_printf(out->reply, "  member %s (%s): rx %"
                         G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT
                         " bytes; tx %" G_GUINT64_FORMAT " packets, %"
                         G_GUINT64_FORMAT " bytes\n", c->name, c->state,
                         s->rx_packets, s->rx_bytes, s->tx_packets,
                         s->tx_bytes);
        json_object_set_string_member(o, "type", "team-member");
        json_object_set_string_member(o, "team", c->team);
        break;
    }
    ctl_stats_json(o, s);
    json_array_add_object_element(out->ports, o);
}

static void
cmd_port_stats(struct ctl_reply *reply, int n_args, char *args[], bool json,
               void *aux)
{
    struct port_stats_out out = { reply, json_array_new() };

    if (!bridge_counters_foreach(n_args ? args[0] : NULL, port_stats_add,
                                 &out) && n_args) {
        ctl_reply_error(reply, CTL_REFUSED, "no port, team or team "
                        "member named %s", args[0]);
        json_array_unref(out.ports);
        return;
    }
    ctl_reply_set_array_member(reply, json, "ports", out.ports);
}

/* ---- MAC table ---------------------------------------------------------- */

struct fdb_row {
    uint16_t vlan;                 /* Entry's VLAN. */
    uint8_t mac[ETH_ADDR_LEN];     /* Entry's MAC. */
    uint32_t port_no;              /* Entry's port. */
    uint32_t used;                 /* Last seen. */
    bool is_static;                /* Static entry. */
};

static void
collect_fdb_row(const struct mac_entry *e, void *rows_)
{
    GArray *rows = rows_;
    struct fdb_row r = {
        .vlan = e->vlan, .port_no = e->port_no,
        .used = CMM_LOAD_SHARED(e->used), .is_static = e->is_static,
    };
    memcpy(r.mac, e->mac, ETH_ADDR_LEN);
    g_array_append_val(rows, r);
}

static gint
fdb_row_cmp(gconstpointer a_, gconstpointer b_)
{
    const struct fdb_row *a = a_, *b = b_;

    if (a->vlan != b->vlan) {
        return a->vlan < b->vlan ? -1 : 1;
    }
    return memcmp(a->mac, b->mac, ETH_ADDR_LEN);
}

static void
cmd_fdb_show(struct ctl_reply *reply, int n_args, char *args[], bool json,
             void *aux)
{
    struct br *br = bridge_find_br(args[0], reply);
    struct mac_table_stats st;
    struct mac_table *mt;
    JsonArray *entries;
    JsonObject *o, *js;
    uint32_t now = time_sec();
    GArray *rows;

    if (!br) {
        return;
    }
    mt = dp_bridge_mac_table(br->dp);
    rows = g_array_new(FALSE, FALSE, sizeof(struct fdb_row));
    mac_table_foreach(mt, collect_fdb_row, rows);
    g_array_sort(rows, fdb_row_cmp);

    entries = json_array_new();
    ctl_reply_printf(reply, " port            VLAN  MAC                 Age  "
                     "Type\n");
    for (guint i = 0; i < rows->len; i++) {
        const struct fdb_row *r = &g_array_index(rows, struct fdb_row, i);
        struct dp_port *p = bridge_dp_port_by_no(r->port_no);
        const char *pname = p ? dp_port_name(p) : "?";
        char mac[ETH_ADDR_STRLEN];
        JsonObject *je = json_object_new();
        unsigned int age = r->is_static ? 0 : now - MIN(now, r->used);

        snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(r->mac));
        ctl_reply_printf(reply, " %-15s %4u  %s  %4u  %s\n", pname, r->vlan,
                         mac, age, r->is_static ? "static" : "dynamic");
        json_object_set_int_member(je, "vlan", r->vlan);
        json_object_set_string_member(je, "mac", mac);
        json_object_set_string_member(je, "port", pname);
        json_object_set_int_member(je, "age", age);
        json_object_set_boolean_member(je, "static", r->is_static);
        json_array_add_object_element(entries, je);
    }

    mac_table_get_stats(mt, &st);
    ctl_reply_printf(reply, "%u entries (limit %u, aging %u s); learned %"
                     G_GUINT64_FORMAT ", moved %" G_GUINT64_FORMAT
                     ", aged %" G_GUINT64_FORMAT ", evicted %" G_GUINT64_FORMAT
                     ", not learned (table full) %" G_GUINT64_FORMAT
                     ", not moved (alive on the other side of a team) %"
                     G_GUINT64_FORMAT "\n", rows->len,
                     mac_table_get_max(mt), mac_table_get_aging(mt),
                     st.learned, st.moved, st.aged, st.evicted,
                     st.full_drops, st.conflicts);
    if (json) {
        o = json_object_new();
        json_object_set_string_member(o, "bridge", br->name);
        json_object_set_int_member(o, "count", rows->len);
        json_object_set_int_member(o, "max", mac_table_get_max(mt));
        json_object_set_int_member(o, "aging", mac_table_get_aging(mt));
        json_object_set_array_member(o, "entries", entries);
        js = json_object_new();
        json_object_set_int_member(js, "learned", st.learned);
        json_object_set_int_member(js, "moved", st.moved);
        json_object_set_int_member(js, "aged", st.aged);
        json_object_set_int_member(js, "evicted", st.evicted);
        json_object_set_int_member(js, "full-drops", st.full_drops);
        json_object_set_int_member(js, "flushed", st.flushed);
        json_object_set_int_member(js, "conflicts", st.conflicts);
        json_object_set_object_member(o, "stats", js);
        ctl_reply_set_object(reply, o);
    } else {
        json_array_unref(entries);
    }
    g_array_free(rows, TRUE);
}

static bool
parse_mac_arg(const char *s, uint8_t mac[ETH_ADDR_LEN],
              struct ctl_reply *reply)
{
    if (!eth_addr_parse(s, mac)) {
        ctl_reply_error(reply, CTL_REFUSED, "\"%s\" is not a MAC address "
                        "(expected xx:xx:xx:xx:xx:xx)", s);
        return false;
    }
    if (eth_addr_is_multicast(mac) || eth_addr_is_zero(mac)) {
        ctl_reply_error(reply, CTL_REFUSED, "%s is not a station address "
                        "(multicast and zero addresses cannot be learned)",
                        s);
        return false;
    }
    return true;
}

static void
cmd_fdb_add(struct ctl_reply *reply, int n_args, char *args[], bool json,
            void *aux)
{
    uint8_t mac[ETH_ADDR_LEN];
    const char *port = NULL;
    struct config *cfg;
    int vlan = 0;

    if (!bridge_find_br(args[0], reply) || !parse_mac_arg(args[1], mac, reply)
        || !bridge_fdb_args(n_args - 2, args + 2, &vlan, &port, reply)) {
        return;
    }
    if (!port) {
        ctl_reply_error(reply, CTL_USAGE, "fdb/add needs port=IFACE");
        return;
    }
    cfg = bridge_txn_begin();
    config_add_fdb(cfg, args[0], vlan, mac, port);
    bridge_commit(cfg, reply);
}

static void
cmd_fdb_del(struct ctl_reply *reply, int n_args, char *args[], bool json,
            void *aux)
{
    const struct config *running = bridge_config();
    struct br *br = bridge_find_br(args[0], reply);
    uint8_t mac[ETH_ADDR_LEN];
    int vlan = 0;

    if (!br || !eth_addr_parse(args[1], mac)) {
        if (br) {
            ctl_reply_error(reply, CTL_REFUSED, "\"%s\" is not a MAC address "
                            "(expected xx:xx:xx:xx:xx:xx)", args[1]);
        }
        return;
    }
    if (!bridge_fdb_args(n_args - 2, args + 2, &vlan, NULL, reply)) {
        return;
    }
    if (config_find_fdb(running, args[0], vlan, mac)) {
        struct config *cfg = bridge_txn_begin();
        config_del_fdb(cfg, args[0], vlan, mac);
        bridge_commit(cfg, reply);
    } else if (mac_table_del(dp_bridge_mac_table(br->dp), vlan, mac)) {
        ctl_reply_error(reply, CTL_REFUSED, "no entry for %s in vlan %d on "
                        "bridge %s", args[1], vlan, br->name);
    }
}

void
bridge_cmd_init(void)
{
    ctl_command_bind("add-br", cmd_add_br, NULL);
    ctl_command_bind("set-br", cmd_set_br, NULL);
    ctl_command_bind("del-br", cmd_del_br, NULL);
    ctl_command_bind("list-br", cmd_list_br, NULL);
    ctl_command_bind("add-port", cmd_add_port, NULL);
    ctl_command_bind("set-port", cmd_set_port, NULL);
    ctl_command_bind("del-port", cmd_del_port, NULL);
    ctl_command_bind("list-ports", cmd_list_ports, NULL);
    ctl_command_bind("port/stats", cmd_port_stats, NULL);
    ctl_command_bind("fdb/show", cmd_fdb_show, NULL);
    ctl_command_bind("fdb/add", cmd_fdb_add, NULL);
    ctl_command_bind("fdb/del", cmd_fdb_del, NULL);
}
