/* team-cmd: the team commands of the control socket (see team.h for the
 * list) and the team parts of show and port/stats.  Commands that change
 * the configuration do it as one configuration transaction (config-txn.h),
 * the bridge's: bridge_txn_begin() gives the copy to edit and
 * bridge_commit() validates, saves and applies it, as for the bridge
 * commands.  The change reaches the running teams through team_apply()
 * like any other. */
#include <autoconf.h>
#include "team-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-glib/json-glib.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "bridge.h"
#include "config.h"
#include "ctl-server.h"
#include "ctl-util.h"
#include "log.h"
#include "mac-table.h"
#include "packet.h"
#include "rcu.h"
#include "team-hash.h"
#include "util.h"
#include "vlan.h"

static int
team_setter(void *ct, const char *key, const char *value, char **msg)
{
    return config_team_set(ct, key, value, msg);
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
    char *msg = NULL;
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
    cfg = bridge_txn_begin();
    ct = config_add_team(cfg, args[0], args[1], (char *const *) members->pdata,
                         &msg);
    g_ptr_array_free(members, TRUE);
    if (!ct) {
        ctl_refuse_msg(reply, msg);
        config_free(cfg);
        return;
    }
    if (!ctl_set_kv_args(ct, team_setter, n_args - first_kv,
                         args + first_kv, reply)) {
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
    cfg = bridge_txn_begin();
    if (!ctl_set_kv_args(config_find_team(cfg, args[0]), team_setter,
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
    cfg = bridge_txn_begin();
    config_del_team(cfg, args[0]);
    bridge_commit(cfg, reply);
}

static void
cmd_add_team_member(struct ctl_reply *reply, int n_args, char *args[],
                    bool json, void *aux)
{
    char *msg = NULL;
    struct config *cfg;

    if (!find_team(args[0], reply)
        || !check_devices_exist(&args[1], 1, reply)) {
        return;
    }
    cfg = bridge_txn_begin();
    if (config_team_add_member(cfg, config_find_team(cfg, args[0]),
                               args[1], &msg)) {
        ctl_refuse_msg(reply, msg);
        config_free(cfg);
        return;
    }
    bridge_commit(cfg, reply);
}

static void
cmd_del_team_member(struct ctl_reply *reply, int n_args, char *args[],
                    bool json, void *aux)
{
    char *msg = NULL;
    struct config *cfg;

    if (!find_team(args[0], reply)) {
        return;
    }
    cfg = bridge_txn_begin();
    if (config_team_del_member(cfg, config_find_team(cfg, args[0]),
                               args[1], &msg)) {
        ctl_refuse_msg(reply, msg);
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
    char *msg = NULL;
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
    cfg = bridge_txn_begin();
    if (config_team_set_disabled(config_find_team(cfg, t->name), args[1],
                                 disable, &msg)) {
        ctl_refuse_msg(reply, msg);
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

        if (!ctl_split_kv(args[i], &key, &value)) {
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
    if (t->cls->item == TEAM_ITEM_ACTIVE) {
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
                        member,
                        member_state_name(t->members[slot].health.state));
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
    cls = t->cls;
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

        if (!ctl_split_kv(args[i], &key, &v)) {
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
        struct mac_table *mt
            = dp_bridge_mac_table(bridge_dp_bridge(t->bridge));
        struct mac_entry *e;

        rcu_read_lock();
        e = mac_table_lookup_rcu(mt, vlan, src);
        in = e ? datapath_find_port(team_datapath, e->port_no) : NULL;
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

            snprintf(why + n, sizeof why - n, "; %s",
                     slot == TEAM_NONE ? "no member can carry it"
                     : "its member cannot carry, so the designated member "
                       "does");
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
        ctl_reply_set_object(reply, o);
    }
}

/* A station port/announce announces. */
struct announce_station {
    uint8_t mac[ETH_ADDR_LEN];   /* Its MAC. */
    uint16_t vlan;               /* The VLAN it is switched in. */
};

static void
add_station(GArray *stations, const uint8_t mac[ETH_ADDR_LEN], uint16_t vlan)
{
    struct announce_station st = { .vlan = vlan };

    for (guint i = 0; i < stations->len; i++) {
        const struct announce_station *o
            = &g_array_index(stations, struct announce_station, i);

        if (o->vlan == vlan && !memcmp(o->mac, mac, ETH_ADDR_LEN)) {
            return;
        }
    }
    memcpy(st.mac, mac, ETH_ADDR_LEN);
    g_array_append_val(stations, st);
}

/* What port_learned() needs. */
struct learned_ctx {
    uint32_t port_no;            /* The port. */
    GArray *stations;            /* struct announce_station, to fill. */
};

static void
port_learned(const struct mac_entry *e, void *ctx_)
{
    struct learned_ctx *ctx = ctx_;

    if (e->port_no == ctx->port_no) {
        add_station(ctx->stations, e->mac, e->vlan);
    }
}

/* port/announce IFACE: the stations learned on the port, and the MACs its
 * policy allows in its untagged VLAN, announced (RARP, as after a team
 * move) on the member of each team of its bridge that their frames from
 * the port leave on, so that the physical network relearns them at once.
 * The libvirt agent calls it when a VM arrives by live migration. */
static void
cmd_port_announce(struct ctl_reply *reply, int n_args, char *args[],
                  bool json, void *aux)
{
    static const uint8_t broadcast[ETH_ADDR_LEN] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    const struct config_port *cp = config_find_port(bridge_config(),
                                                    args[0]);
    struct dp_port *p = bridge_dp_port(args[0]);
    struct learned_ctx ctx;
    uint16_t untagged;
    unsigned int queued = 0, teams = 0;
    GHashTableIter iter;
    gpointer value;

    if (!cp || !p) {
        ctl_reply_error(reply, CTL_REFUSED, "no port named %s (port/announce "
                        "takes a VM's port: see show)", args[0]);
        return;
    }
    ctx.port_no = dp_port_no(p);
    ctx.stations = g_array_new(FALSE, FALSE, sizeof(struct announce_station));
    mac_table_foreach(dp_bridge_mac_table(bridge_dp_bridge(cp->bridge)),
                      port_learned, &ctx);
    untagged = (cp->mode == VLAN_MODE_ACCESS ? cp->vlan
                : cp->mode == VLAN_MODE_TRUNK ? cp->native : 0);
    for (unsigned int i = 0; i < cp->policy.n_allowed_macs; i++) {
        if (cp->mode != VLAN_MODE_TRUNK || untagged) {
            add_station(ctx.stations, cp->policy.allowed_macs[i], untagged);
        }
    }

    g_hash_table_iter_init(&iter, team_table);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct team *t = value;
        unsigned int sent = 0;

        if (strcmp(t->bridge, cp->bridge)) {
            continue;
        }
        teams++;
        if (!t->s.announce || !t->s.announce_count) {
            ctl_reply_printf(reply, "team %s: announce=no, nothing sent\n",
                             t->name);
            continue;
        }
        for (guint i = 0; i < ctx.stations->len; i++) {
            const struct announce_station *st
                = &g_array_index(ctx.stations, struct announce_station, i);
            struct packet_info pi = {
                .eth_src = st->mac, .eth_dst = broadcast,
                .eth_type = ETH_TYPE_RARP,
            };
            struct team_frame tf = { &pi, st->vlan, ctx.port_no };
            uint32_t item;
            int slot;

            if (!vlan_port_carries(dp_port_vlan(t->dp), st->vlan)) {
                continue;
            }
            slot = team_select(t->cls, &tf, t->s.fields, &team_sel_ops, t,
                               &item);
            if (slot == TEAM_NONE) {
                continue;
            }
            team_announce_station(t, slot, st->mac, st->vlan);
            ctl_reply_printf(reply, "team %s: " ETH_ADDR_FMT " vlan %u on "
                             "%s\n", t->name, ETH_ADDR_ARGS(st->mac),
                             st->vlan, t->members[slot].name);
            sent++;
        }
        if (sent) {
            team_log(t, "announcing %u station(s) of port %s on request",
                     sent, args[0]);
        }
        queued += sent;
    }
    if (!teams) {
        ctl_reply_printf(reply, "bridge %s has no team: nothing to "
                         "announce\n", cp->bridge);
    } else if (!queued) {
        ctl_reply_printf(reply, "no station of port %s to announce (none "
                         "learned, no allowed-macs)\n", args[0]);
    }
    g_array_free(ctx.stations, TRUE);
}

void
team_cmd_register(void)
{
    ctl_command_bind("add-team", cmd_add_team, NULL);
    ctl_command_bind("set-team", cmd_set_team, NULL);
    ctl_command_bind("del-team", cmd_del_team, NULL);
    ctl_command_bind("add-team-member", cmd_add_team_member, NULL);
    ctl_command_bind("del-team-member", cmd_del_team_member, NULL);
    ctl_command_bind("team/show", cmd_team_show, NULL);
    ctl_command_bind("team/set-member", cmd_set_member, NULL);
    ctl_command_bind("team/migrate", cmd_migrate, NULL);
    ctl_command_bind("team/hash", cmd_hash, NULL);
    ctl_command_bind("team/events", cmd_team_events, NULL);
    ctl_command_bind("lacp/show", cmd_lacp_show, NULL);
    ctl_command_bind("port/announce", cmd_port_announce, NULL);
}
