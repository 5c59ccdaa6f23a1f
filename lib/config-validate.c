/* config-validate: the whole-configuration checks of config_validate()
 * (see config.h): references resolve, names are unique, values are
 * consistent.  Built on config.c (the model) and config-team.c (teams). */
#include <autoconf.h>
#include "config.h"

#include <errno.h>
#include <string.h>
#include "config-private.h"
#include "netdev-internal.h"

/* Validation. */

/* What config_validate() has seen so far, by name. */
struct seen {
    GHashTable *bridges;        /* Name -> struct config_bridge *. */
    GHashTable *ports;          /* Name -> struct config_port *. */
    GHashTable *teams;          /* Name -> struct config_team *. */
    GHashTable *members;        /* Device -> the struct config_team *
                                 * that has it. */
};

static int
validate_bridges(const struct config *cfg, struct seen *seen,
                 char **msg)
{
    for (guint i = 0; i < cfg->bridges->len; i++) {
        struct config_bridge *b = g_ptr_array_index(cfg->bridges, i);

        if (config_name_valid("bridge", b->name, msg)) {
            return -EINVAL;
        }
        if (!g_hash_table_insert(seen->bridges, b->name, b)) {
            *msg = g_strdup_printf("bridge %s is defined twice", b->name);
            return -EINVAL;
        }
        if (b->mac_aging > CONFIG_MAC_AGING_MAX) {
            *msg = g_strdup_printf("bridge %s: mac-aging %u is out of range "
                                   "(0-%d)", b->name, b->mac_aging,
                                   CONFIG_MAC_AGING_MAX);
            return -EINVAL;
        }
        if (b->mac_table_size < 1
            || b->mac_table_size > CONFIG_MAC_TABLE_SIZE_MAX) {
            *msg = g_strdup_printf("bridge %s: mac-table-size %u is out of "
                                   "range (1-%d)", b->name, b->mac_table_size,
                                   CONFIG_MAC_TABLE_SIZE_MAX);
            return -EINVAL;
        }
    }
    return 0;
}

static int
validate_ports(const struct config *cfg, struct seen *seen, char **msg)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, i);
        const struct config_port *old;

        if (config_name_valid("port", p->name, msg)) {
            return -EINVAL;
        }
        old = g_hash_table_lookup(seen->ports, p->name);
        if (old) {
            *msg = g_strdup_printf("port %s is defined twice (on bridge %s "
                                   "and on bridge %s)", p->name, old->bridge,
                                   p->bridge);
            return -EINVAL;
        }
        g_hash_table_insert(seen->ports, p->name, (gpointer) p);
        if (g_hash_table_contains(seen->bridges, p->name)) {
            *msg = g_strdup_printf("%s is both a bridge and a port (rename "
                                   "one)", p->name);
            return -EINVAL;
        }
        if (!g_hash_table_contains(seen->bridges, p->bridge)) {
            *msg = g_strdup_printf("port %s: bridge %s does not exist",
                                   p->name, p->bridge);
            return -EINVAL;
        }
        if (config_port_validate(p, msg)) {
            config_prefix_msg(msg, "port %s: ", p->name);
            return -EINVAL;
        }
    }
    return 0;
}

/* The switch's end of an internal port (netdev-internal.h) is a device
 * too: its name must not be one the configuration uses, nor another
 * internal port's. */
static int
validate_internal_peers(const struct config *cfg, struct seen *seen,
                        char **msg)
{
    GHashTable *peers = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, NULL);
    int retval = 0;

    for (guint i = 0; !retval && i < cfg->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, i);
        const char *other;
        char peer[IF_NAMESIZE];

        if (p->type != CONFIG_PORT_INTERNAL) {
            continue;
        }
        netdev_internal_peer_name(p->name, peer);
        other = g_hash_table_lookup(peers, peer);
        if (other || g_hash_table_contains(seen->bridges, peer)
            || g_hash_table_contains(seen->ports, peer)
            || g_hash_table_contains(seen->teams, peer)
            || g_hash_table_contains(seen->members, peer)) {
            *msg = g_strdup_printf("internal port %s: its switch-side "
                                   "device %s clashes with %s%s (rename "
                                   "one of them)", p->name, peer,
                                   other ? "internal port " : "the name ",
                                   other ? other : peer);
            retval = -EINVAL;
        }
        g_hash_table_insert(peers, g_strdup(peer), p->name);
    }
    g_hash_table_destroy(peers);
    return retval;
}

/* A member's name against every other name; its own team already checked
 * that it is not the team's name or listed twice. */
static int
validate_member(const struct config_team *t, const char *member,
                struct seen *seen, char **msg)
{
    const struct config_port *p;
    const struct config_team *other;

    if (g_hash_table_contains(seen->bridges, member)) {
        config_name_taken_error(msg, member, "member", "bridge", NULL);
        return -EINVAL;
    }
    p = g_hash_table_lookup(seen->ports, member);
    if (p) {
        config_name_taken_error(msg, member, "member", "port", p->bridge);
        return -EINVAL;
    }
    other = g_hash_table_lookup(seen->teams, member);
    if (other) {
        config_name_taken_error(msg, member, "member", "team",
                                other->port.bridge);
        return -EINVAL;
    }
    other = g_hash_table_lookup(seen->members, member);
    if (other) {
        config_name_taken_error(msg, member, "member", "member",
                                other->port.name);
        return -EINVAL;
    }
    g_hash_table_insert(seen->members, (char *) member, (void *) t);
    return 0;
}

static int
validate_teams(const struct config *cfg, struct seen *seen, char **msg)
{
    /* Every team's name first, so that a member is checked against teams
     * defined after it too. */
    for (guint i = 0; i < cfg->teams->len; i++) {
        struct config_team *t = g_ptr_array_index(cfg->teams, i);
        const char *name = t->port.name;
        const struct config_team *old;

        if (config_name_valid("team", name, msg)) {
            return -EINVAL;
        }
        old = g_hash_table_lookup(seen->teams, name);
        if (old) {
            *msg = g_strdup_printf("team %s is defined twice (on bridge %s "
                                   "and on bridge %s)", name, old->port.bridge,
                                   t->port.bridge);
            return -EINVAL;
        }
        g_hash_table_insert(seen->teams, (char *) name, t);
        if (g_hash_table_contains(seen->bridges, name)
            || g_hash_table_contains(seen->ports, name)) {
            *msg = g_strdup_printf("%s is both a %s and a team (rename one)",
                                   name,
                                   g_hash_table_contains(seen->bridges, name)
                                   ? "bridge" : "port");
            return -EINVAL;
        }
        if (!g_hash_table_contains(seen->bridges, t->port.bridge)) {
            *msg = g_strdup_printf("team %s: bridge %s does not exist", name,
                                   t->port.bridge);
            return -EINVAL;
        }
        if (config_team_validate(t, msg)) {
            config_prefix_msg(msg, "team %s: ", name);
            return -EINVAL;
        }
    }
    for (guint i = 0; i < cfg->teams->len; i++) {
        const struct config_team *t = g_ptr_array_index(cfg->teams, i);

        for (guint j = 0; j < t->members->len; j++) {
            const struct config_team_member *m = g_ptr_array_index(
                t->members, j);

            if (validate_member(t, m->name, seen, msg)) {
                config_prefix_msg(msg, "team %s: ", t->port.name);
                return -EINVAL;
            }
        }
    }
    return 0;
}

/* A port's uplink is a member of a team of its own bridge. */
static int
validate_uplinks(const struct config *cfg, const struct seen *seen,
                 char **msg)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, i);
        const struct config_team *t;

        if (!p->uplink) {
            continue;
        }
        t = g_hash_table_lookup(seen->members, p->uplink);
        if (!t) {
            *msg = g_strdup_printf("port %s: uplink %s is not a member of a "
                                   "team on bridge %s", p->name, p->uplink,
                                   p->bridge);
            return -EINVAL;
        }
        if (strcmp(t->port.bridge, p->bridge)) {
            *msg = g_strdup_printf("port %s: uplink %s is a member of team %s "
                                   "on bridge %s, not %s", p->name, p->uplink,
                                   t->port.name, t->port.bridge, p->bridge);
            return -EINVAL;
        }
    }
    return 0;
}

/* Checks one static entry; 'name' names it in messages, 'old' is an
 * earlier entry for the same bridge and MAC, if any. */
static int
validate_fdb(const struct config_fdb *f, const char *name,
             const struct config_fdb *old, const struct seen *seen,
             char **msg)
{
    const struct config_port *p;
    const struct config_team *t;
    const char *kind = "port";

    if (!g_hash_table_contains(seen->bridges, f->bridge)) {
        *msg = g_strdup_printf("%s: bridge %s does not exist", name,
                               f->bridge);
        return -EINVAL;
    }
    if (eth_addr_is_zero(f->mac)) {
        *msg = g_strdup_printf("%s: the all-zero address is not a station",
                               name);
        return -EINVAL;
    }
    if (eth_addr_is_multicast(f->mac)) {
        *msg = g_strdup_printf("%s: " ETH_ADDR_FMT " is a multicast address "
                               "(static entries are for unicast stations)",
                               name, ETH_ADDR_ARGS(f->mac));
        return -EINVAL;
    }
    if (f->vlan > VLAN_MAX) {
        *msg = g_strdup_printf("%s: vlan %u is out of range (0-%d)", name,
                               f->vlan, VLAN_MAX);
        return -EINVAL;
    }
    if (old) {
        /* The file names an entry by bridge and MAC only, so a second VLAN
         * could not be saved. */
        *msg = g_strdup_printf("%s: " ETH_ADDR_FMT " already has a static "
                               "entry on bridge %s, in vlan %u (one per MAC "
                               "and bridge)", name, ETH_ADDR_ARGS(f->mac),
                               f->bridge, old->vlan);
        return -EINVAL;
    }
    p = g_hash_table_lookup(seen->ports, f->port);
    if (!p) {
        /* A team is a port of its bridge; its members are not. */
        t = g_hash_table_lookup(seen->teams, f->port);
        if (t) {
            p = &t->port;
            kind = "team";
        }
    }
    if (!p) {
        t = g_hash_table_lookup(seen->members, f->port);
        if (t) {
            *msg = g_strdup_printf("%s: %s is a member of team %s (write "
                                   "port=%s)", name, f->port, t->port.name,
                                   t->port.name);
        } else {
            *msg = g_strdup_printf("%s: port %s does not exist", name,
                                   f->port);
        }
        return -EINVAL;
    }
    if (strcmp(p->bridge, f->bridge)) {
        *msg = g_strdup_printf("%s: %s %s is on bridge %s, not %s", name, kind,
                               f->port, p->bridge, f->bridge);
        return -EINVAL;
    }
    if (!config_port_has_vlan(p, f->vlan)) {
        char *desc = config_port_vlan_describe(p);

        *msg = g_strdup_printf("%s: %s %s does not carry vlan %u (%s)", name,
                               kind, f->port, f->vlan, desc);
        g_free(desc);
        return -EINVAL;
    }
    return 0;
}

static int
validate_fdbs(const struct config *cfg, const struct seen *seen,
              char **msg)
{
    /* "BRIDGE MAC" -> the first entry for it. */
    GHashTable *macs = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);
    bool ok = true;

    for (guint i = 0; ok && i < cfg->fdbs->len; i++) {
        const struct config_fdb *f = g_ptr_array_index(cfg->fdbs, i);
        char *name = g_strdup_printf("fdb %s " ETH_ADDR_FMT " vlan %u",
                                     f->bridge, ETH_ADDR_ARGS(f->mac),
                                     f->vlan);
        char *key = g_strdup_printf("%s " ETH_ADDR_FMT,
                                    f->bridge, ETH_ADDR_ARGS(f->mac));
        const struct config_fdb *old = g_hash_table_lookup(macs, key);

        if (old) {
            g_free(key);
        } else {
            g_hash_table_insert(macs, key, (void *) f);
        }
        ok = !validate_fdb(f, name, old, seen, msg);
        g_free(name);
    }
    g_hash_table_destroy(macs);
    return ok ? 0 : -EINVAL;
}

int
config_validate(const struct config *cfg, char **msg)
{
    struct seen seen = {
        .bridges = g_hash_table_new(g_str_hash, g_str_equal),
        .ports = g_hash_table_new(g_str_hash, g_str_equal),
        .teams = g_hash_table_new(g_str_hash, g_str_equal),
        .members = g_hash_table_new(g_str_hash, g_str_equal),
    };
    int error;

    *msg = NULL;
    error = validate_bridges(cfg, &seen, msg);
    if (!error) {
        error = validate_ports(cfg, &seen, msg);
    }
    if (!error) {
        error = validate_teams(cfg, &seen, msg);
    }
    if (!error) {
        error = validate_uplinks(cfg, &seen, msg);
    }
    if (!error) {
        error = validate_internal_peers(cfg, &seen, msg);
    }
    if (!error) {
        error = validate_fdbs(cfg, &seen, msg);
    }

    g_hash_table_destroy(seen.members);
    g_hash_table_destroy(seen.teams);
    g_hash_table_destroy(seen.ports);
    g_hash_table_destroy(seen.bridges);
    return error;
}

