#include <autoconf.h>
#include "bridge.h"
#include "bridge-private.h"

#include <errno.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "config.h"
#include "config-txn.h"
#include "ctl-server.h"
#include "ctl-util.h"
#include "datapath.h"
#include "log.h"
#include "mac-table.h"
#include "netdev-packet.h"
#include "netlink-monitor.h"
#include "port-kind.h"
#include "port-kind-internal.h"
#include "util.h"

#define THIS_MODULE "bridge"

/* A running port. */
struct port {
    char *name;                    /* Owned.  Key in 'ports'. */
    struct br *br;                 /* Borrowed: its bridge. */
    char *dev;                     /* Owned.  The device it opens: 'name',
                                    * or an internal port's veth peer
                                    * (netdev-internal.h).  Key in
                                    * 'ports_by_dev'. */
    bool internal;                 /* An internal port: the daemon owns its
                                    * device pair. */
    struct dp_port *dp;            /* Owned datapath port. */
    struct dp_port_settings settings; /* Applied VLAN settings. */
    struct port_policy policy;     /* Applied policy (port-policy.h). */
    const struct config_port *applied; /* In 'running': what it applied
                                    * in full, or NULL.  The same pointer:
                                    * no change (config_edit_port()). */
    bool carrier;                  /* Last known carrier. */
};

static struct datapath *dp;           /* Borrowed from the daemon. */
static char *config_path;             /* Owned. */
static struct config *running;        /* Owned: applied and saved. */
static GHashTable *bridges;           /* name -> struct br *. */
static GHashTable *ports;             /* name -> struct port *. */
static GHashTable *ports_by_dev;      /* device -> struct port *. */
static bool shutting_down;            /* The daemon exits: internal ports'
                                       * devices stay, for the next start
                                       * (and the host's addresses). */
static GHashTable *ports_by_ifindex;  /* ifindex -> struct port *, the
                                       * attached ports. */
static struct netlink_monitor *monitor; /* Owned. */
static guint learn_watch;             /* Learning eventfd watch. */
static guint aging_timer;             /* MAC aging timer. */

/* ---- Port kinds (port-kind.h) -------------------------------------- */

/* The datapath port of a port that a kind runs, or NULL. */
static struct dp_port *
kind_dp_port(const char *name)
{
    for (size_t k = 0; k < n_port_kinds; k++) {
        struct dp_port *p = port_kinds[k]->dp_port(name);

        if (p) {
            return p;
        }
    }
    return NULL;
}

/* ---- Applying a configuration ------------------------------------------- */

void
bridge_port_settings(const struct config_port *cp, struct dp_port_settings *s)
{
    /* One enum (vlan.h): the mode is the configuration's; only the
     * fields the mode uses are taken. */
    memset(s, 0, sizeof *s);
    s->mode = cp->mode;
    if (cp->mode == VLAN_MODE_ACCESS) {
        s->vlan = cp->vlan;
    } else if (cp->mode == VLAN_MODE_TRUNK) {
        s->trunks = cp->trunks;
        s->native = cp->native;
    }
}

static bool
settings_equal(const struct dp_port_settings *a,
               const struct dp_port_settings *b)
{
    return a->mode == b->mode && a->vlan == b->vlan && a->native == b->native
           && vlan_bitmap_equal(&a->trunks, &b->trunks);
}

/* ---- Port policies ----------------------------------------------------- */

/* Gives the attached device of 'p' the MTU of its policy, if it has one.
 * Here nobody waits for an answer: a refusal is logged. */
static void
port_apply_mtu(struct port *p)
{
    char err[256];

    if (p->policy.mtu && dp_port_is_attached(p->dp)
        && bridge_device_set_mtu(p->name, p->policy.mtu, NULL, err,
                                 sizeof err)) {
        VLOG_WARN("port %s: %s; fix it with vswitch-ctl set-port %s mtu=N",
                  p->name, err, p->name);
    }
}

/* Hands the port's datapath its policy 'pp' if it changed.  Returns
 * false if it could not. */
static bool
port_set_policy(struct port *p, const struct port_policy *pp)
{
    bool mtu_changed = pp->mtu != p->policy.mtu;
    GString *keys;

    if (port_policy_equal(pp, &p->policy)) {
        return true;
    }
    if (datapath_port_set_policy(dp, p->dp, pp)) {
        VLOG_ERR("port %s: policy not changed: out of memory (a reload "
                 "applies it once memory is free)", p->name);
        return false;
    }
    p->policy = *pp;
    keys = g_string_new(NULL);
    port_policy_format(pp, false, false, bridge_policy_append_key, keys);
    VLOG_INFO("port %s: policy%s", p->name,
              keys->len ? keys->str : " the defaults");
    g_string_free(keys, TRUE);
    if (!pp->bpdu_guard && dp_port_guard_tripped(p->dp)) {
        /* A guard that is off blocks nothing. */
        datapath_port_guard_reset(dp, p->dp);
        VLOG_INFO("port %s: bpdu-guard is off: the port it blocked is "
                  "unblocked", p->name);
    }
    if (mtu_changed) {
        port_apply_mtu(p);
    }
    return true;
}

/* The datapath saw a BPDU on a port with bpdu-guard=yes and blocked it. */
static void
guard_tripped(struct dp_port *dport, void *aux)
{
    const char *name = dp_port_name(dport);

    VLOG_WARN("port %s: blocked by its BPDU guard: a BPDU (spanning tree) "
              "came from it and bpdu-guard=yes; it drops everything until "
              "an operator re-enables it: vswitch-ctl set-port %s "
              "enabled=yes", name, name);
}

/* Operators see three states: enabled, disabled by them, blocked by the
 * BPDU guard (which enabled=yes lifts). */
const char *
bridge_port_admin_state(const char *name)
{
    const struct port *p = g_hash_table_lookup(ports, name);

    if (!p) {
        return "enabled";
    }
    return !p->policy.enabled ? "disabled"
           : dp_port_guard_tripped(p->dp) ? "blocked-by-bpdu-guard"
           : "enabled";
}

bool
bridge_port_guard_reset(const char *name)
{
    struct port *p = g_hash_table_lookup(ports, name);

    if (!p || !dp_port_guard_tripped(p->dp)) {
        return false;
    }
    datapath_port_guard_reset(dp, p->dp);
    VLOG_INFO("port %s: re-enabled by the operator after its BPDU guard "
              "blocked it", p->name);
    return true;
}

/* Tries to open the port's device.  Returns false if it does not exist
 * (then logs nothing when 'quiet_if_absent'). */
static bool
port_try_attach(struct port *p, bool quiet_if_absent)
{
    char err[256];
    int error;

    if (dp_port_is_attached(p->dp)) {
        return true;
    }
    error = datapath_port_attach_device(dp, p->dp, p->dev, err, sizeof err);
    if (error == -ENODEV && quiet_if_absent) {
        return false;
    } else if (error) {
        VLOG_WARN("port %s: %s", p->name, err);
    } else {
        g_hash_table_insert(ports_by_ifindex,
                            GINT_TO_POINTER(dp_port_ifindex(p->dp)), p);
        p->carrier = netdev_packet_carrier(p->dev);
        VLOG_INFO("port %s attached to bridge %s (ifindex %d)", p->name,
                  p->br->name, dp_port_ifindex(p->dp));
        port_apply_mtu(p);
    }
    return error != -ENODEV;
}

/* Closes the port's device (it went away); the port stays. */
static void
port_detach(struct port *p)
{
    if (dp_port_is_attached(p->dp)) {
        g_hash_table_remove(ports_by_ifindex,
                            GINT_TO_POINTER(dp_port_ifindex(p->dp)));
        datapath_port_detach(dp, p->dp);
    }
}

/* Names the ports of one apply_config() that wait for their device: one
 * line, not one per port (a configuration may have thousands). */
struct absent_list {
    GString *names;                /* The first few names. */
    unsigned int n;                /* How many in all. */
};

static void
absent_add(struct absent_list *a, const char *name)
{
    if (a->n++ < 8) {
        g_string_append_printf(a->names, "%s%s", a->n > 1 ? ", " : "",
                               name);
    }
}

static void
absent_log(struct absent_list *a)
{
    if (a->n) {
        VLOG_INFO("%u port(s) wait for their device, attached when it "
                  "appears: %s%s", a->n, a->names->str,
                  a->n > 8 ? ", ..." : "");
    }
    g_string_free(a->names, TRUE);
}

/* Makes the running state equal to 'cfg' (already validated), in
 * O(ports), where a port 'cfg' shares with the running configuration (a
 * transaction did not change it) costs a lookup and a pointer comparison:
 * the datapath publishes its new state once, at the end. */
static void
apply_config(const struct config *cfg)
{
    struct absent_list absent = { g_string_new(NULL), 0 };
    GHashTable *cfg_ports = config_port_index(cfg);
    GHashTableIter iter;
    gpointer key, value;

    datapath_txn_begin(dp);

    /* Ports that went away or changed bridge. */
    g_hash_table_iter_init(&iter, ports);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        struct port *p = value;
        const struct config_port *cp = g_hash_table_lookup(cfg_ports,
                                                           p->name);
        if (!cp || strcmp(cp->bridge, p->br->name)) {
            g_hash_table_iter_steal(&iter);
            VLOG_INFO("port %s removed from bridge %s", p->name, p->br->name);
            if (dp_port_is_attached(p->dp)) {
                g_hash_table_remove(ports_by_ifindex,
                                    GINT_TO_POINTER(dp_port_ifindex(p->dp)));
            }
            datapath_port_remove(dp, p->dp);
            g_hash_table_remove(ports_by_dev, p->dev);
            if (p->internal && !cp && !shutting_down) {
                internal_port_delete(p->name);
            }
            g_free(p->dev);
            g_free(p->name);
            g_free(p);
        }
    }

    for (size_t k = 0; k < n_port_kinds; k++) {
        port_kinds[k]->apply_removals(cfg);
    }

    /* Bridges that went away (they have no ports left now). */
    g_hash_table_iter_init(&iter, bridges);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        struct br *br = value;
        if (!config_find_bridge(cfg, br->name)) {
            if (datapath_bridge_destroy(dp, br->dp)) {
                VLOG_ERR("bridge %s not deleted: out of memory (a reload "
                         "deletes it once memory is free)", br->name);
                continue;
            }
            g_hash_table_iter_steal(&iter);
            VLOG_INFO("bridge %s deleted", br->name);
            g_free(br->name);
            g_free(br);
        }
    }

    /* New and changed bridges. */
    for (guint i = 0; i < cfg->bridges->len; i++) {
        const struct config_bridge *cb = g_ptr_array_index(cfg->bridges, i);
        struct br *br = g_hash_table_lookup(bridges, cb->name);
        if (!br) {
            struct dp_bridge *dp_br = datapath_bridge_create(
                dp, cb->name, cb->mac_table_size, cb->mac_aging);

            if (!dp_br) {
                VLOG_ERR("bridge %s not created: out of memory (it is "
                         "created by the next reload once memory is free)",
                         cb->name);
                continue;
            }
            br = g_new0(struct br, 1);
            br->name = g_strdup(cb->name);
            br->dp = dp_br;
            g_hash_table_insert(bridges, br->name, br);
            VLOG_INFO("bridge %s created", br->name);
        } else {
            struct mac_table *mt = dp_bridge_mac_table(br->dp);
            if (br->mac_aging != cb->mac_aging) {
                mac_table_set_aging(mt, cb->mac_aging);
            }
            if (br->mac_table_size != cb->mac_table_size) {
                mac_table_set_max(mt, cb->mac_table_size);
            }
        }
        br->mac_aging = cb->mac_aging;
        br->mac_table_size = cb->mac_table_size;
    }

    /* New and changed ports. */
    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *cp = g_ptr_array_index(cfg->ports, i);
        struct port *p = g_hash_table_lookup(ports, cp->name);
        struct br *br = g_hash_table_lookup(bridges, cp->bridge);
        struct dp_port_settings s;

        if (p && p->internal && !dp_port_is_attached(p->dp)) {
            /* Its device was deleted behind the daemon's back. */
            g_free(internal_port_device(cp));
            port_try_attach(p, true);
        }
        if (p && cp == p->applied) {
            continue;
        }
        bridge_port_settings(cp, &s);
        if (!p) {
            struct dp_port *dp_port = br ? datapath_port_add(dp, br->dp,
                                                             cp->name, &s)
                                         : NULL;

            if (!dp_port) {
                VLOG_ERR("port %s not added to bridge %s: out of memory "
                         "(it is added by the next reload once memory is "
                         "free)", cp->name, cp->bridge);
                continue;
            }
            p = g_new0(struct port, 1);
            p->name = g_strdup(cp->name);
            p->internal = cp->type == CONFIG_PORT_INTERNAL;
            p->dev = internal_port_device(cp);
            g_hash_table_insert(ports_by_dev, p->dev, p);
            p->br = br;
            p->settings = s;
            p->dp = dp_port;
            port_policy_init(&p->policy, false);
            g_hash_table_insert(ports, p->name, p);
            /* Before the attach, which sets the device's MTU. */
            p->applied = port_set_policy(p, &cp->policy) ? cp : NULL;
            if (!port_try_attach(p, true)) {
                absent_add(&absent, p->name);
            }
            continue;
        }
        p->applied = cp;
        if (!settings_equal(&s, &p->settings)) {
            if (datapath_port_set(dp, p->dp, &s)) {
                VLOG_ERR("port %s: VLAN settings not changed: out of memory "
                         "(a reload applies them once memory is free)",
                         p->name);
                p->applied = NULL;
            } else {
                p->settings = s;
                VLOG_INFO("port %s: VLAN settings changed; its MAC entries "
                          "were flushed", p->name);
            }
        }
        if (!port_set_policy(p, &cp->policy)) {
            p->applied = NULL;
        }
    }

    for (size_t k = 0; k < n_port_kinds; k++) {
        port_kinds[k]->apply(cfg, cfg_ports);
    }
    g_hash_table_destroy(cfg_ports);

    /* Static entries: remove those that went away, then (re)install every
     * configured one (the port may have been re-created). */
    if (running) {
        for (guint i = 0; i < running->fdbs->len; i++) {
            const struct config_fdb *f = g_ptr_array_index(running->fdbs, i);
            struct br *br = g_hash_table_lookup(bridges, f->bridge);
            const struct config_fdb *nf = config_find_fdb(cfg, f->bridge,
                                                          f->vlan, f->mac);
            if (br && (!nf || strcmp(nf->port, f->port))) {
                mac_table_del(dp_bridge_mac_table(br->dp), f->vlan, f->mac);
            }
        }
    }
    for (guint i = 0; i < cfg->fdbs->len; i++) {
        const struct config_fdb *f = g_ptr_array_index(cfg->fdbs, i);
        struct br *br = g_hash_table_lookup(bridges, f->bridge);
        struct dp_port *p = bridge_dp_port(f->port);
        if (!p) {
            p = kind_dp_port(f->port);
        }
        if (br && p
            && mac_table_add_static(dp_bridge_mac_table(br->dp), f->vlan,
                                    f->mac, dp_port_no(p))) {
            VLOG_WARN("bridge %s: static entry " ETH_ADDR_FMT " vlan %u not "
                      "installed: the MAC table is full", f->bridge,
                      ETH_ADDR_ARGS(f->mac), f->vlan);
        }
    }

    if (datapath_txn_commit(dp)) {
        VLOG_ERR("the configuration's changes to ports could not be handed "
                 "to the datapath threads: out of memory; they keep the "
                 "previous ports until the next change succeeds");
    }
    absent_log(&absent);
}

/* The daemon runs at most one team per bridge: a VM port's traffic into
 * "the" team is what src-port balancing measures. */
static int
check_teams(const struct config *cfg, char **msg, void *aux)
{
    for (guint i = 0; i < cfg->teams->len; i++) {
        const struct config_team *a = g_ptr_array_index(cfg->teams, i);
        for (guint j = i + 1; j < cfg->teams->len; j++) {
            const struct config_team *b = g_ptr_array_index(cfg->teams, j);
            if (!strcmp(a->port.bridge, b->port.bridge)) {
                *msg = g_strdup_printf("bridge %s has two teams, %s and %s: "
                                       "one team of uplinks per bridge (put "
                                       "all the uplinks in one)",
                                       a->port.bridge, a->port.name,
                                       b->port.name);
                return -EINVAL;
            }
        }
    }
    return 0;
}

static int
check_config(const struct config *cfg, char **msg, void *aux)
{
    int retval = check_teams(cfg, msg, aux);

    return retval ? retval : internal_port_check(running, cfg, msg);
}

/* The running configuration, where it is saved and what applying means. */
static struct config_store store;

static void
store_apply(const struct config *cfg, void *aux)
{
    apply_config(cfg);
}

/* ---- Changing the configuration: one transaction path ----------------- */

struct config *
bridge_txn_begin(void)
{
    return config_txn_begin(&store);
}

int
bridge_txn_commit(struct config *cfg, char **msg)
{
    return config_txn_commit(&store, cfg, msg);
}

bool
bridge_commit(struct config *cfg, struct ctl_reply *reply)
{
    char *msg;

    if (bridge_txn_commit(cfg, &msg)) {
        ctl_reply_error(reply, CTL_REFUSED, "%s", msg);
        g_free(msg);
        return false;
    }
    return true;
}

/* ---- For bridge-cmd.c ------------------------------------------------- */

struct dp_port *
bridge_dp_port_by_no(uint32_t port_no)
{
    return datapath_find_port(dp, port_no);
}

int
bridge_port_attach(const char *name, char *err, size_t err_size)
{
    struct port *p = g_hash_table_lookup(ports, name);
    int error = datapath_port_attach_device(dp, p->dp, p->dev, err,
                                            err_size);

    if (!error) {
        g_hash_table_insert(ports_by_ifindex,
                            GINT_TO_POINTER(dp_port_ifindex(p->dp)), p);
    } else if (p->internal && error == -ENODEV) {
        snprintf(err, err_size, "internal port %s: its device could not be "
                 "created (the daemon's log says why)", name);
    }
    return error;
}

/* ---- Argument helpers --------------------------------------------------- */

struct br *
bridge_find_br(const char *name, struct ctl_reply *reply)
{
    struct br *br = g_hash_table_lookup(bridges, name);

    if (!br) {
        ctl_reply_error(reply, CTL_REFUSED, "no bridge named %s", name);
    }
    return br;
}

/* Indexes in bridge_port_states[]. */
enum { PORT_UP, PORT_DOWN, PORT_ABSENT };
const char *const bridge_port_states[] = {
    [PORT_UP] = "up", [PORT_DOWN] = "down", [PORT_ABSENT] = "absent",
};
const size_t bridge_n_port_states = ARRAY_SIZE(bridge_port_states);

static const char *
port_state(const struct port *p)
{
    return bridge_port_states[!dp_port_is_attached(p->dp) ? PORT_ABSENT
                              : p->carrier ? PORT_UP : PORT_DOWN];
}

const char *
bridge_port_state(const char *name)
{
    const struct port *p = g_hash_table_lookup(ports, name);

    return p ? port_state(p) : "absent";
}

GPtrArray *
bridge_config_ports(const char *bridge)
{
    GPtrArray *a = g_ptr_array_new();

    for (guint i = 0; i < running->ports->len; i++) {
        const struct config_port *cp = g_ptr_array_index(running->ports, i);
        if (!strcmp(cp->bridge, bridge)) {
            g_ptr_array_add(a, (gpointer) cp);
        }
    }
    return a;
}

/* ---- Commands involving teams (the others are in bridge-cmd.c) -------- */

static void
cmd_show(struct ctl_reply *reply, int n_args, char *args[], bool json,
         void *aux)
{
    JsonArray *jbridges = json_array_new();

    for (guint i = 0; i < running->bridges->len; i++) {
        const struct config_bridge *cb = g_ptr_array_index(running->bridges,
                                                           i);
        GPtrArray *list = bridge_config_ports(cb->name);
        JsonObject *jb = json_object_new();
        JsonArray *jports = json_array_new();

        ctl_reply_printf(reply, "bridge %s: mac-aging=%u mac-table-size=%u\n",
                         cb->name, cb->mac_aging, cb->mac_table_size);
        json_object_set_string_member(jb, "name", cb->name);
        json_object_set_int_member(jb, "mac-aging", cb->mac_aging);
        json_object_set_int_member(jb, "mac-table-size", cb->mac_table_size);
        for (guint j = 0; j < list->len; j++) {
            const struct config_port *cp = g_ptr_array_index(list, j);
            const struct port *p = g_hash_table_lookup(ports, cp->name);
            char *desc = config_port_vlan_describe(cp);
            JsonObject *jp = json_object_new();
            char trunks[4096 * 5];

            vlan_bitmap_format(&cp->trunks, trunks, sizeof trunks);
            ctl_reply_printf(reply, "    port %s: %s%s, %s%s%s", cp->name,
                             (cp->type == CONFIG_PORT_INTERNAL
                              ? "internal, " : ""), desc, port_state(p),
                             cp->owner ? ", owner " : "",
                             cp->owner ? cp->owner : "");
            bridge_show_port_policy(cp, bridge_port_admin_state(cp->name),
                                    reply, jp);
            json_object_set_string_member(jp, "name", cp->name);
            json_object_set_string_member(jp, "type",
                                          (cp->type == CONFIG_PORT_INTERNAL
                                           ? "internal" : "system"));
            json_object_set_int_member(jp, "port-no", dp_port_no(p->dp));
            json_object_set_string_member(jp, "mode",
                                          vlan_mode_name(cp->mode));
            json_object_set_int_member(jp, "vlan", cp->vlan);
            json_object_set_string_member(jp, "trunks",
                                          cp->mode == VLAN_MODE_TRUNK
                                          ? trunks : "");
            json_object_set_int_member(jp, "native", cp->native);
            json_object_set_string_member(jp, "state", port_state(p));
            json_object_set_string_member(jp, "owner",
                                          cp->owner ? cp->owner : "");
            json_array_add_object_element(jports, jp);
            g_free(desc);
        }
        g_ptr_array_free(list, TRUE);
        json_object_set_array_member(jb, "ports", jports);
        for (size_t k = 0; k < n_port_kinds; k++) {
            JsonArray *jkind = json_array_new();

            port_kinds[k]->show_bridge(cb->name, reply, jkind);
            json_object_set_array_member(jb, port_kinds[k]->show_key,
                                         jkind);
        }
        json_array_add_object_element(jbridges, jb);
    }
    bridge_show_end(running, jbridges, json, reply);
}

/* ---- Commands: MAC table ------------------------------------------------ */

bool
bridge_fdb_args(int n_args, char *args[], int *vlan, const char **port,
         struct ctl_reply *reply)
{
    for (int i = 0; i < n_args; i++) {
        const char *value;
        char *key;

        if (!ctl_split_kv(args[i], &key, &value)) {
            ctl_reply_error(reply, CTL_USAGE, "\"%s\" is not KEY=VALUE",
                            args[i]);
            return false;
        }
        if (!strcmp(key, "vlan")) {
            unsigned long v;
            if (!str_to_uint_range(value, 0, VLAN_MAX, &v)) {
                ctl_reply_error(reply, CTL_REFUSED, "vlan %s is out of range "
                                "(0-%d)", value, VLAN_MAX);
                g_free(key);
                return false;
            }
            *vlan = v;
        } else if (!strcmp(key, "port") && port) {
            *port = value;
        } else {
            ctl_reply_error(reply, CTL_USAGE, "unknown argument \"%s\" "
                            "(expected vlan=N%s)", key,
                            port ? " or port=IFACE" : "");
            g_free(key);
            return false;
        }
        g_free(key);
    }
    return true;
}

static void
cmd_fdb_flush(struct ctl_reply *reply, int n_args, char *args[], bool json,
              void *aux)
{
    struct br *br = bridge_find_br(args[0], reply);
    const char *port = NULL;
    uint32_t port_no = MAC_PORT_ANY;
    int vlan = MAC_VLAN_ANY;
    size_t n;

    if (!br || !bridge_fdb_args(n_args - 1, args + 1, &vlan, &port, reply)) {
        return;
    }
    if (port) {
        struct port *p = g_hash_table_lookup(ports, port);
        struct dp_port *tp = kind_dp_port(port);
        const struct config_team *ct = config_find_team(running, port);

        if (p && p->br == br) {
            port_no = dp_port_no(p->dp);
        } else if (tp && ct && !strcmp(ct->port.bridge, br->name)) {
            port_no = dp_port_no(tp);
        } else {
            ctl_reply_error(reply, CTL_REFUSED, "no port or team named %s "
                            "on bridge %s", port, br->name);
            return;
        }
    }
    n = mac_table_flush(dp_bridge_mac_table(br->dp), vlan, port_no, false);
    ctl_reply_printf(reply, "%zu entries flushed\n", n);
    if (json) {
        JsonObject *o = json_object_new();
        json_object_set_int_member(o, "flushed", n);
        ctl_reply_set_object(reply, o);
    }
}

static void
port_counters(const struct port *p, bridge_counters_func *func, void *aux)
{
    struct dp_port_stats s;

    dp_port_get_stats(p->dp, &s);
    func(&(struct bridge_counters) {
             .kind = BRIDGE_COUNTERS_PORT, .name = p->name,
             .bridge = p->br->name, .state = port_state(p), .stats = &s,
         }, aux);
}

bool
bridge_counters_foreach(const char *name, bridge_counters_func *func,
                        void *aux)
{
    bool found = false;

    datapath_collect_stats(dp);
    if (name) {
        struct port *p = g_hash_table_lookup(ports, name);

        if (p) {
            port_counters(p, func, aux);
            return true;
        }
    } else {
        for (guint i = 0; i < running->ports->len; i++) {
            const struct config_port *cp = g_ptr_array_index(running->ports,
                                                             i);
            port_counters(g_hash_table_lookup(ports, cp->name), func, aux);
            found = true;
        }
    }
    for (size_t k = 0; k < n_port_kinds; k++) {
        found |= port_kinds[k]->counters(name, func, aux);
    }
    return found;
}

/* ---- Events and timers -------------------------------------------------- */

static void
resync_ports(void)
{
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, ports);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        struct port *p = value;
        unsigned int ifindex = if_nametoindex(p->dev);

        if (dp_port_is_attached(p->dp)
            && (int) ifindex != dp_port_ifindex(p->dp)) {
            VLOG_INFO("port %s: device is gone; port kept, waiting for it "
                      "to come back", p->name);
            port_detach(p);
        }
        if (ifindex) {
            port_try_attach(p, false);
            p->carrier = netdev_packet_carrier(p->dev);
        }
    }
}

static void
link_event(const struct netlink_link_event *ev, void *aux)
{
    struct port *p;

    for (size_t k = 0; k < n_port_kinds; k++) {
        port_kinds[k]->link_event(ev);
    }
    if (!ev->ifindex) {
        resync_ports();
        return;
    }

    /* A device we hold that was removed or renamed away. */
    p = g_hash_table_lookup(ports_by_ifindex, GINT_TO_POINTER(ev->ifindex));
    if (p && (ev->removed || strcmp(p->dev, ev->name))) {
        VLOG_INFO("port %s: device is gone; port kept, waiting for it "
                  "to come back", p->name);
        port_detach(p);
    }
    if (ev->removed) {
        return;
    }

    p = g_hash_table_lookup(ports_by_dev, ev->name);
    if (!p) {
        return;
    }
    if (dp_port_is_attached(p->dp) && dp_port_ifindex(p->dp) != ev->ifindex) {
        /* Re-created under the same name before we saw it go. */
        port_detach(p);
    }
    port_try_attach(p, false);
    if (p->carrier != ev->carrier) {
        VLOG_INFO("port %s: carrier %s", p->name, ev->carrier ? "up" : "down");
    }
    p->carrier = ev->carrier;
}

static gboolean
learning_ready(gint fd, GIOCondition cond, gpointer aux)
{
    datapath_run_learning(dp, time_sec());
    return G_SOURCE_CONTINUE;
}

static gboolean
aging_tick(gpointer aux)
{
    GHashTableIter iter;
    gpointer key, value;
    uint32_t now = time_sec();

    /* Apply pending learning first, so a station that is still talking is
     * not aged out on a stale time stamp. */
    datapath_run_learning(dp, now);
    datapath_collect_stats(dp);
    g_hash_table_iter_init(&iter, bridges);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        struct br *br = value;
        mac_table_age(dp_bridge_mac_table(br->dp), now);
    }
    return G_SOURCE_CONTINUE;
}

/* ---- For team.c --------------------------------------------------------- */

const struct config *
bridge_config(void)
{
    return running;
}

struct dp_bridge *
bridge_dp_bridge(const char *name)
{
    struct br *br = g_hash_table_lookup(bridges, name);

    return br ? br->dp : NULL;
}

struct dp_port *
bridge_dp_port(const char *name)
{
    struct port *p = g_hash_table_lookup(ports, name);

    return p ? p->dp : NULL;
}

/* ---- Module life -------------------------------------------------------- */

static void
register_commands(void)
{
    ctl_command_bind("show", cmd_show, NULL);
    ctl_command_bind("fdb/flush", cmd_fdb_flush, NULL);
}

int
bridge_init(struct datapath *dp_, const char *path, char **msg)
{
    struct config *cfg;
    int nl_error;
    int retval;

    dp = dp_;
    /* Absolute: the daemon may chdir("/") when it detaches. */
    config_path = g_canonicalize_filename(path, NULL);
    store = (struct config_store) {
        .path = config_path, .running = &running,
        .check = check_config, .apply = store_apply,
    };
    retval = config_txn_read(&store, false, &cfg, msg);
    if (retval) {
        g_clear_pointer(&config_path, g_free);
        return retval;
    }
    bridges = g_hash_table_new(g_str_hash, g_str_equal);
    ports = g_hash_table_new(g_str_hash, g_str_equal);
    ports_by_dev = g_hash_table_new(g_str_hash, g_str_equal);
    ports_by_ifindex = g_hash_table_new(NULL, NULL);
    datapath_set_guard_func(dp, guard_tripped, NULL);
    for (size_t k = 0; k < n_port_kinds; k++) {
        port_kinds[k]->init(dp, config_path);
    }

    /* Subscribe before the first attach, so no device can appear unseen
     * between the attach attempt and the subscription. */
    monitor = netlink_monitor_create(link_event, NULL, &nl_error);
    if (!monitor) {
        *msg = g_strdup_printf("cannot subscribe to link events: %s",
                               g_strerror(-nl_error));
        config_free(cfg);
        return -EIO;
    }
    apply_config(cfg);
    running = cfg;
    learn_watch = g_unix_fd_add(datapath_learning_fd(dp), G_IO_IN,
                                learning_ready, NULL);
    aging_timer = g_timeout_add_seconds(1, aging_tick, NULL);
    register_commands();
    return 0;
}

/* A file that is gone or unreadable is never applied: an editor saving by
 * rename, or a mistaken mv, would otherwise delete every bridge. */
int
bridge_reload(char **msg)
{
    struct config *cfg;
    int retval = config_txn_read(&store, true, &cfg, msg);

    if (retval) {
        if (retval == -EIO) {
            VLOG_WARN("configuration not reloaded, running state kept: %s "
                      "(restore the file and send SIGHUP again)", *msg);
        } else {
            VLOG_ERR("configuration not reloaded, running state kept: %s",
                     *msg);
        }
        return retval;
    }
    /* The file never holds owned ports (a VM's, from the libvirt hook). */
    config_keep_owned_ports(cfg, running);
    if (!config_equal(cfg, running)) {
        VLOG_INFO("configuration reloaded from %s", config_path);
    }
    apply_config(cfg);
    config_free(running);
    running = cfg;
    return 0;
}

void
bridge_fini(void)
{
    struct config *empty;

    if (!running) {
        return;
    }
    g_source_remove(aging_timer);
    g_source_remove(learn_watch);
    netlink_monitor_destroy(monitor);
    empty = config_new();
    shutting_down = true;
    apply_config(empty);
    shutting_down = false;
    config_free(empty);
    for (size_t k = n_port_kinds; k-- > 0;) {
        port_kinds[k]->fini();
    }
    config_free(running);
    running = NULL;
    g_hash_table_destroy(ports_by_ifindex);
    g_hash_table_destroy(ports_by_dev);
    g_hash_table_destroy(ports);
    g_hash_table_destroy(bridges);
    g_free(config_path);
}
