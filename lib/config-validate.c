/* config-validate: the whole-configuration checks of config_validate()
 * (see config.h): references resolve, names are unique, values are
 * consistent.  Built on config.c (the model) and config-team.c (teams). */
#include <autoconf.h>
#include "config.h"

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

static bool
validate_bridges(const struct config *cfg, struct seen *seen,
                 GError **error)
{
    for (guint i = 0; i < cfg->bridges->len; i++) {
        struct config_bridge *b = g_ptr_array_index(cfg->bridges, i);

        if (!config_name_valid("bridge", b->name, error)) {
            return false;
        }
        if (!g_hash_table_insert(seen->bridges, b->name, b)) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "bridge %s is defined twice", b->name);
            return false;
        }
        if (b->mac_aging > CONFIG_MAC_AGING_MAX) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "bridge %s: mac-aging %u is out of range (0-%d)",
                        b->name, b->mac_aging, CONFIG_MAC_AGING_MAX);
            return false;
        }
        if (b->mac_table_size < 1
            || b->mac_table_size > CONFIG_MAC_TABLE_SIZE_MAX) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "bridge %s: mac-table-size %u is out of range (1-%d)",
                        b->name, b->mac_table_size,
                        CONFIG_MAC_TABLE_SIZE_MAX);
            return false;
        }
    }
    return true;
}

static bool
validate_ports(const struct config *cfg, struct seen *seen, GError **error)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        struct config_port *p = g_ptr_array_index(cfg->ports, i);
        const struct config_port *old;

        if (!config_name_valid("port", p->name, error)) {
            return false;
        }
        old = g_hash_table_lookup(seen->ports, p->name);
        if (old) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "port %s is defined twice (on bridge %s and on "
                        "bridge %s)", p->name, old->bridge, p->bridge);
            return false;
        }
        g_hash_table_insert(seen->ports, p->name, p);
        if (g_hash_table_contains(seen->bridges, p->name)) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "%s is both a bridge and a port (rename one)",
                        p->name);
            return false;
        }
        if (!g_hash_table_contains(seen->bridges, p->bridge)) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "port %s: bridge %s does not exist",
                        p->name, p->bridge);
            return false;
        }
        if (!config_port_validate(p, error)) {
            g_prefix_error(error, "port %s: ", p->name);
            return false;
        }
    }
    return true;
}

/* The switch's end of an internal port (netdev-internal.h) is a device
 * too: its name must not be one the configuration uses, nor another
 * internal port's. */
static bool
validate_internal_peers(const struct config *cfg, struct seen *seen,
                        GError **error)
{
    GHashTable *peers = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, NULL);
    bool ok = true;

    for (guint i = 0; ok && i < cfg->ports->len; i++) {
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
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "internal port %s: its switch-side device %s "
                        "clashes with %s%s (rename one of them)", p->name,
                        peer, other ? "internal port " : "the name ",
                        other ? other : peer);
            ok = false;
        }
        g_hash_table_insert(peers, g_strdup(peer), p->name);
    }
    g_hash_table_destroy(peers);
    return ok;
}

/* A member's name against every other name; its own team already checked
 * that it is not the team's name or listed twice. */
static bool
validate_member(const struct config_team *t, const char *member,
                struct seen *seen, GError **error)
{
    const struct config_port *p;
    const struct config_team *other;

    if (g_hash_table_contains(seen->bridges, member)) {
        config_name_taken_error(error, member, "member", "bridge", NULL);
        return false;
    }
    p = g_hash_table_lookup(seen->ports, member);
    if (p) {
        config_name_taken_error(error, member, "member", "port", p->bridge);
        return false;
    }
    other = g_hash_table_lookup(seen->teams, member);
    if (other) {
        config_name_taken_error(error, member, "member", "team",
                                other->port.bridge);
        return false;
    }
    other = g_hash_table_lookup(seen->members, member);
    if (other) {
        config_name_taken_error(error, member, "member", "member",
                                other->port.name);
        return false;
    }
    g_hash_table_insert(seen->members, (char *) member, (void *) t);
    return true;
}

static bool
validate_teams(const struct config *cfg, struct seen *seen, GError **error)
{
    /* Every team's name first, so that a member is checked against teams
     * defined after it too. */
    for (guint i = 0; i < cfg->teams->len; i++) {
        struct config_team *t = g_ptr_array_index(cfg->teams, i);
        const char *name = t->port.name;
        const struct config_team *old;

        if (!config_name_valid("team", name, error)) {
            return false;
        }
        old = g_hash_table_lookup(seen->teams, name);
        if (old) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "team %s is defined twice (on bridge %s and on "
                        "bridge %s)", name, old->port.bridge,
                        t->port.bridge);
            return false;
        }
        g_hash_table_insert(seen->teams, (char *) name, t);
        if (g_hash_table_contains(seen->bridges, name)
            || g_hash_table_contains(seen->ports, name)) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "%s is both a %s and a team (rename one)", name,
                        g_hash_table_contains(seen->bridges, name)
                        ? "bridge" : "port");
            return false;
        }
        if (!g_hash_table_contains(seen->bridges, t->port.bridge)) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "team %s: bridge %s does not exist",
                        name, t->port.bridge);
            return false;
        }
        if (!config_team_validate(t, error)) {
            g_prefix_error(error, "team %s: ", name);
            return false;
        }
    }
    for (guint i = 0; i < cfg->teams->len; i++) {
        const struct config_team *t = g_ptr_array_index(cfg->teams, i);

        for (guint j = 0; j < t->members->len; j++) {
            const struct config_team_member *m = g_ptr_array_index(
                t->members, j);

            if (!validate_member(t, m->name, seen, error)) {
                g_prefix_error(error, "team %s: ", t->port.name);
                return false;
            }
        }
    }
    return true;
}

/* A port's uplink is a member of a team of its own bridge. */
static bool
validate_uplinks(const struct config *cfg, const struct seen *seen,
                 GError **error)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, i);
        const struct config_team *t;

        if (!p->uplink) {
            continue;
        }
        t = g_hash_table_lookup(seen->members, p->uplink);
        if (!t) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "port %s: uplink %s is not a member of a team on "
                        "bridge %s", p->name, p->uplink, p->bridge);
            return false;
        }
        if (strcmp(t->port.bridge, p->bridge)) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "port %s: uplink %s is a member of team %s on "
                        "bridge %s, not %s", p->name, p->uplink,
                        t->port.name, t->port.bridge, p->bridge);
            return false;
        }
    }
    return true;
}

/* Checks one static entry; 'name' names it in messages, 'old' is an
 * earlier entry for the same bridge and MAC, if any. */
static bool
validate_fdb(const struct config_fdb *f, const char *name,
             const struct config_fdb *old, const struct seen *seen,
             GError **error)
{
    const struct config_port *p;
    const struct config_team *t;
    const char *kind = "port";

    if (!g_hash_table_contains(seen->bridges, f->bridge)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s: bridge %s does not exist", name, f->bridge);
        return false;
    }
    if (eth_addr_is_zero(f->mac)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s: the all-zero address is not a station", name);
        return false;
    }
    if (eth_addr_is_multicast(f->mac)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s: " ETH_ADDR_FMT " is a multicast address (static "
                    "entries are for unicast stations)",
                    name, ETH_ADDR_ARGS(f->mac));
        return false;
    }
    if (f->vlan > VLAN_MAX) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s: vlan %u is out of range (0-%d)",
                    name, f->vlan, VLAN_MAX);
        return false;
    }
    if (old) {
        /* The file names an entry by bridge and MAC only, so a second VLAN
         * could not be saved. */
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s: " ETH_ADDR_FMT " already has a static entry on "
                    "bridge %s, in vlan %u (one per MAC and bridge)",
                    name, ETH_ADDR_ARGS(f->mac), f->bridge, old->vlan);
        return false;
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
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "%s: %s is a member of team %s (write port=%s)",
                        name, f->port, t->port.name, t->port.name);
        } else {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "%s: port %s does not exist", name, f->port);
        }
        return false;
    }
    if (strcmp(p->bridge, f->bridge)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s: %s %s is on bridge %s, not %s",
                    name, kind, f->port, p->bridge, f->bridge);
        return false;
    }
    if (!config_port_has_vlan(p, f->vlan)) {
        char *desc = config_port_vlan_describe(p);

        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s: %s %s does not carry vlan %u (%s)",
                    name, kind, f->port, f->vlan, desc);
        g_free(desc);
        return false;
    }
    return true;
}

static bool
validate_fdbs(const struct config *cfg, const struct seen *seen,
              GError **error)
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
        ok = validate_fdb(f, name, old, seen, error);
        g_free(name);
    }
    g_hash_table_destroy(macs);
    return ok;
}

bool
config_validate(const struct config *cfg, GError **error)
{
    struct seen seen = {
        .bridges = g_hash_table_new(g_str_hash, g_str_equal),
        .ports = g_hash_table_new(g_str_hash, g_str_equal),
        .teams = g_hash_table_new(g_str_hash, g_str_equal),
        .members = g_hash_table_new(g_str_hash, g_str_equal),
    };
    bool ok = (validate_bridges(cfg, &seen, error)
               && validate_ports(cfg, &seen, error)
               && validate_teams(cfg, &seen, error)
               && validate_uplinks(cfg, &seen, error)
               && validate_internal_peers(cfg, &seen, error)
               && validate_fdbs(cfg, &seen, error));

    g_hash_table_destroy(seen.members);
    g_hash_table_destroy(seen.teams);
    g_hash_table_destroy(seen.ports);
    g_hash_table_destroy(seen.bridges);
    return ok;
}

