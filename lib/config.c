/* config: the configuration model (see config.h): objects, lookups,
 * names, bridges, ports and static entries.  The bottom of the module: it
 * calls none of config-team.c (team settings), config-validate.c and
 * config-file.c (the key file), which build on it (config-private.h). */
#include <autoconf.h>
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "config-private.h"

/* Room for any vlan_parse_vid() or vlan_bitmap_parse() reason. */
#define VLAN_ERR_SIZE 256

void
config_prefix_msg(char **msg, const char *fmt, ...)
{
    va_list args;
    char *prefix;
    char *old = *msg;

    if (!old) {
        return;
    }
    va_start(args, fmt);
    prefix = g_strdup_vprintf(fmt, args);
    va_end(args);
    *msg = g_strconcat(prefix, old, NULL);
    g_free(prefix);
    g_free(old);
}

/* Objects. */

struct config_bridge *
config_bridge_new(const char *name)
{
    struct config_bridge *b = g_new0(struct config_bridge, 1);

    b->name = g_strdup(name);
    b->mac_aging = DEFAULT_MAC_AGING;
    b->mac_table_size = DEFAULT_MAC_TABLE_SIZE;
    return b;
}

static void
bridge_free(void *b_)
{
    struct config_bridge *b = b_;

    g_free(b->name);
    g_free(b);
}

struct config_fdb *
config_fdb_new(const char *bridge, uint16_t vlan,
               const uint8_t mac[ETH_ADDR_LEN], const char *port)
{
    struct config_fdb *f = g_new0(struct config_fdb, 1);

    f->bridge = g_strdup(bridge);
    memcpy(f->mac, mac, ETH_ADDR_LEN);
    f->vlan = vlan;
    f->port = g_strdup(port);
    return f;
}

static void
fdb_free(void *f_)
{
    struct config_fdb *f = f_;

    g_free(f->bridge);
    g_free(f->port);
    g_free(f);
}

struct config_team_member *
config_team_member_new(const char *name)
{
    struct config_team_member *m = g_new0(struct config_team_member, 1);

    m->name = g_strdup(name);
    m->lacp_port_priority = CONFIG_LACP_PORT_PRIORITY;
    return m;
}

void
config_team_member_free(void *m_)
{
    struct config_team_member *m = m_;

    g_free(m->name);
    g_free(m);
}

void
config_team_free(void *t_)
{
    struct config_team *t = t_;

    config_port_uninit(&t->port);
    g_ptr_array_unref(t->members);
    g_free(t);
}

struct config_team *
config_team_clone(const struct config_team *t)
{
    struct config_team *copy = g_new(struct config_team, 1);

    /* Every setting, then the owned parts. */
    *copy = *t;
    config_port_copy(&copy->port, &t->port);
    copy->members = g_ptr_array_new_with_free_func(config_team_member_free);
    for (guint i = 0; i < t->members->len; i++) {
        const struct config_team_member *m = g_ptr_array_index(t->members,
                                                               i);
        struct config_team_member *nm = config_team_member_new(m->name);

        nm->disabled = m->disabled;
        nm->lacp_port_priority = m->lacp_port_priority;
        g_ptr_array_add(copy->members, nm);
    }
    return copy;
}

struct config_team_member *
config_team_find_member(const struct config_team *t, const char *member)
{
    for (guint i = 0; i < t->members->len; i++) {
        struct config_team_member *m = g_ptr_array_index(t->members, i);

        if (!strcmp(m->name, member)) {
            return m;
        }
    }
    return NULL;
}

struct config *
config_new(void)
{
    struct config *cfg = g_new0(struct config, 1);

    cfg->bridges = g_ptr_array_new_with_free_func(bridge_free);
    cfg->ports = g_ptr_array_new_with_free_func(config_port_unref);
    cfg->teams = g_ptr_array_new_with_free_func(config_team_free);
    cfg->fdbs = g_ptr_array_new_with_free_func(fdb_free);
    return cfg;
}

struct config *
config_clone(const struct config *cfg)
{
    struct config *copy = config_new();

    for (guint i = 0; i < cfg->bridges->len; i++) {
        const struct config_bridge *b = g_ptr_array_index(cfg->bridges, i);
        struct config_bridge *nb = config_bridge_new(b->name);

        nb->mac_aging = b->mac_aging;
        nb->mac_table_size = b->mac_table_size;
        g_ptr_array_add(copy->bridges, nb);
    }
    g_ptr_array_set_size(copy->ports, cfg->ports->len);
    for (guint i = 0; i < cfg->ports->len; i++) {
        struct config_port *p = g_ptr_array_index(cfg->ports, i);

        copy->ports->pdata[i] = config_port_ref(p);
    }
    for (guint i = 0; i < cfg->teams->len; i++) {
        g_ptr_array_add(copy->teams,
                        config_team_clone(g_ptr_array_index(cfg->teams, i)));
    }
    for (guint i = 0; i < cfg->fdbs->len; i++) {
        const struct config_fdb *f = g_ptr_array_index(cfg->fdbs, i);

        g_ptr_array_add(copy->fdbs,
                        config_fdb_new(f->bridge, f->vlan, f->mac, f->port));
    }
    copy->libvirt_bridge = g_strdup(cfg->libvirt_bridge);
    return copy;
}

void
config_free(struct config *cfg)
{
    if (!cfg) {
        return;
    }
    g_ptr_array_unref(cfg->bridges);
    g_ptr_array_unref(cfg->ports);
    g_ptr_array_unref(cfg->teams);
    g_ptr_array_unref(cfg->fdbs);
    g_free(cfg->libvirt_bridge);
    g_free(cfg);
}

/* Lookups. */

struct config_bridge *
config_find_bridge(const struct config *cfg, const char *name)
{
    for (guint i = 0; i < cfg->bridges->len; i++) {
        struct config_bridge *b = g_ptr_array_index(cfg->bridges, i);

        if (!strcmp(b->name, name)) {
            return b;
        }
    }
    return NULL;
}

/* The index of port 'name' in 'cfg->ports', or -1. */
static int
port_index(const struct config *cfg, const char *name)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, i);

        if (!strcmp(p->name, name)) {
            return i;
        }
    }
    return -1;
}

const struct config_port *
config_find_port(const struct config *cfg, const char *name)
{
    int i = port_index(cfg, name);

    return i < 0 ? NULL : g_ptr_array_index(cfg->ports, i);
}

struct config_port *
config_edit_port(struct config *cfg, const char *name)
{
    int i = port_index(cfg, name);

    return i < 0 ? NULL : config_port_unshare(cfg, i);
}

GHashTable *
config_port_index(const struct config *cfg)
{
    GHashTable *index = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, i);

        g_hash_table_insert(index, p->name, (gpointer) p);
    }
    return index;
}

struct config_team *
config_find_team(const struct config *cfg, const char *name)
{
    for (guint i = 0; i < cfg->teams->len; i++) {
        struct config_team *t = g_ptr_array_index(cfg->teams, i);

        if (!strcmp(t->port.name, name)) {
            return t;
        }
    }
    return NULL;
}

struct config_team *
config_find_team_of_member(const struct config *cfg, const char *member)
{
    for (guint i = 0; i < cfg->teams->len; i++) {
        struct config_team *t = g_ptr_array_index(cfg->teams, i);

        if (config_team_find_member(t, member)) {
            return t;
        }
    }
    return NULL;
}

struct config_fdb *
config_find_fdb(const struct config *cfg, const char *bridge, uint16_t vlan,
                const uint8_t mac[ETH_ADDR_LEN])
{
    for (guint i = 0; i < cfg->fdbs->len; i++) {
        struct config_fdb *f = g_ptr_array_index(cfg->fdbs, i);

        if (f->vlan == vlan && !memcmp(f->mac, mac, ETH_ADDR_LEN)
            && !strcmp(f->bridge, bridge)) {
            return f;
        }
    }
    return NULL;
}

/* Names and numbers. */

static bool
name_char_ok(char c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '.' || c == '-';
}

int
config_name_valid(const char *what, const char *name, char **msg)
{
    size_t len = name ? strlen(name) : 0;

    if (!len) {
        *msg = g_strdup_printf("%s name is empty (give 1-%d characters from "
                               "A-Z, a-z, 0-9, '_', '.' and '-')", what,
                               CONFIG_NAME_MAX);
        return -EINVAL;
    }
    if (len > CONFIG_NAME_MAX) {
        *msg = g_strdup_printf("%s name \"%s\" is too long (%zu characters, "
                               "at most %d)", what, name, len,
                               CONFIG_NAME_MAX);
        return -EINVAL;
    }
    for (const char *p = name; *p; p++) {
        if (!name_char_ok(*p)) {
            char shown[8];

            if (g_ascii_isprint(*p)) {
                snprintf(shown, sizeof shown, "'%c'", *p);
            } else {
                snprintf(shown, sizeof shown, "\\x%02x", (unsigned char) *p);
            }
            *msg = g_strdup_printf("%s name \"%s\" contains %s (use only A-Z, "
                                   "a-z, 0-9, '_', '.' and '-')", what, name,
                                   shown);
            return -EINVAL;
        }
    }
    if (!strcmp(name, ".") || !strcmp(name, "..")) {
        *msg = g_strdup_printf("%s name \"%s\" is not allowed (Linux reserves "
                               "it)", what, name);
        return -EINVAL;
    }
    return 0;
}

/* Bridges, ports, teams and team members share one namespace. */

/* The kinds of names ("bridge", "team", "port" and "member"), in the order
 * messages name them. */
static int
kind_rank(const char *kind)
{
    static const char *const kinds[] = { "bridge", "team", "port", "member" };

    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        if (!strcmp(kind, kinds[i])) {
            return i;
        }
    }
    return ARRAY_SIZE(kinds);
}

static const char *
kind_noun(const char *kind)
{
    return !strcmp(kind, "member") ? "team member" : kind;
}

/* Says that 'name', wanted as a 'kind', is already a 'taken' (a kind too)
 * of 'owner': the bridge of a port or team, the team of a member. */
void
config_name_taken_error(char **msg, const char *name, const char *kind,
                        const char *taken, const char *owner)
{
    /* A port is a device, like a member: no need to explain why one device
     * cannot be used twice. */
    bool device = !strcmp(kind, "port") || !strcmp(kind, "member");
    bool kind_first = kind_rank(kind) < kind_rank(taken);
    char *why = g_strdup_printf(" (a %s and a %s cannot share a name)",
                                kind_noun(kind_first ? kind : taken),
                                kind_noun(kind_first ? taken : kind));

    if (!strcmp(taken, kind) && strcmp(kind, "port")
        && strcmp(kind, "member")) {
        *msg = g_strdup_printf("%s %s already exists", kind, name);
    } else if (!strcmp(taken, "bridge")) {
        *msg = g_strdup_printf("%s is a bridge%s", name, why);
    } else if (!strcmp(taken, "port")) {
        *msg = g_strdup_printf("%s is already a port of bridge %s%s", name,
                               owner, device ? "" : why);
    } else if (!strcmp(taken, "team")) {
        *msg = g_strdup_printf("%s is already a team of bridge %s%s", name,
                               owner, why);
    } else {
        *msg = g_strdup_printf("%s is already a member of team %s%s", name,
                               owner, device ? "" : why);
    }
    g_free(why);
}

/* Checks that no bridge, port, team or team member of 'cfg' is called
 * 'name', which is to become a 'kind'. */
int
config_name_is_free(const struct config *cfg, const char *name,
                    const char *kind, char **msg)
{
    const struct config_port *p;
    const struct config_team *t;

    if (config_find_bridge(cfg, name)) {
        config_name_taken_error(msg, name, kind, "bridge", NULL);
        return -EINVAL;
    }
    p = config_find_port(cfg, name);
    if (p) {
        config_name_taken_error(msg, name, kind, "port", p->bridge);
        return -EINVAL;
    }
    t = config_find_team(cfg, name);
    if (t) {
        config_name_taken_error(msg, name, kind, "team", t->port.bridge);
        return -EINVAL;
    }
    t = config_find_team_of_member(cfg, name);
    if (t) {
        config_name_taken_error(msg, name, kind, "member", t->port.name);
        return -EINVAL;
    }
    return 0;
}

/* Parses 'value' as the decimal setting 'key' in [min, max]; 'unit' follows
 * the range in the message when the text is not a number at all. */
int
config_parse_setting(const char *key, const char *value, unsigned long min,
                     unsigned long max, const char *unit, unsigned int *out,
                     char **msg)
{
    unsigned long v;
    bool digits = *value != '\0';

    if (str_to_uint_range(value, min, max, &v)) {
        *out = v;
        return 0;
    }
    for (const char *p = value; *p; p++) {
        if (!g_ascii_isdigit(*p)) {
            digits = false;
        }
    }
    if (digits) {
        /* Unquoted, so cut here rather than by str_shorten_quoted(). */
        bool cut = strlen(value) > MSG_QUOTE_MAX;

        *msg = g_strdup_printf("%s %.*s%s is out of range (%lu-%lu)", key,
                               MSG_QUOTE_MAX, value, cut ? "..." : "", min,
                               max);
    } else {
        *msg = g_strdup_printf("%s \"%s\" is not a number (write %lu-%lu%s)",
                               key, value, min, max, unit);
    }
    return -EINVAL;
}

/* Bridges. */

struct config_bridge *
config_add_bridge(struct config *cfg, const char *name, char **msg)
{
    struct config_bridge *b;

    if (config_name_valid("bridge", name, msg)
        || config_name_is_free(cfg, name, "bridge", msg)) {
        return NULL;
    }
    b = config_bridge_new(name);
    g_ptr_array_add(cfg->bridges, b);
    return b;
}

bool
config_del_bridge(struct config *cfg, const char *name)
{
    guint i;

    for (i = 0; i < cfg->bridges->len; i++) {
        const struct config_bridge *b = g_ptr_array_index(cfg->bridges, i);

        if (!strcmp(b->name, name)) {
            break;
        }
    }
    if (i == cfg->bridges->len) {
        return false;
    }

    /* Each port and team goes with the static entries that point to it,
     * wherever they are. */
    for (guint j = 0; j < cfg->ports->len;) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, j);

        if (!strcmp(p->bridge, name)) {
            config_del_port(cfg, p->name);
        } else {
            j++;
        }
    }
    for (guint j = 0; j < cfg->teams->len;) {
        const struct config_team *t = g_ptr_array_index(cfg->teams, j);

        if (!strcmp(t->port.bridge, name)) {
            config_del_team(cfg, t->port.name);
        } else {
            j++;
        }
    }
    for (guint j = 0; j < cfg->fdbs->len;) {
        const struct config_fdb *f = g_ptr_array_index(cfg->fdbs, j);

        if (!strcmp(f->bridge, name)) {
            g_ptr_array_remove_index(cfg->fdbs, j);
        } else {
            j++;
        }
    }
    g_ptr_array_remove_index(cfg->bridges, i);
    return true;
}

int
config_bridge_set(struct config_bridge *b, const char *key,
                  const char *value, char **msg)
{
    if (!strcmp(key, "mac-aging")) {
        return config_parse_setting(key, value, 0, CONFIG_MAC_AGING_MAX,
                                    " seconds, 0 = never", &b->mac_aging,
                                    msg);
    } else if (!strcmp(key, "mac-table-size")) {
        return config_parse_setting(key, value, 1, CONFIG_MAC_TABLE_SIZE_MAX,
                                    " entries", &b->mac_table_size, msg);
    }
    *msg = g_strdup_printf("unknown bridge setting \"%s\" (expected mac-aging "
                           "or mac-table-size)", key);
    return -EINVAL;
}

/* Ports. */

/* Fails unless 'bridge' exists. */
int
config_bridge_exists(const struct config *cfg, const char *bridge,
                     char **msg)
{
    if (!config_find_bridge(cfg, bridge)) {
        *msg = g_strdup_printf("bridge %s does not exist", bridge);
        return -EINVAL;
    }
    return 0;
}

struct config_port *
config_add_port(struct config *cfg, const char *bridge, const char *name,
                char **msg)
{
    struct config_port *p;

    if (config_name_valid("port", name, msg)
        || config_bridge_exists(cfg, bridge, msg)
        || config_name_is_free(cfg, name, "port", msg)) {
        return NULL;
    }
    p = config_port_new(name, bridge);
    g_ptr_array_add(cfg->ports, p);
    return p;
}

bool
config_del_port(struct config *cfg, const char *name)
{
    int i = port_index(cfg, name);

    if (i < 0) {
        return false;
    }
    config_del_port_fdbs(cfg, name);
    g_ptr_array_remove_index(cfg->ports, i);
    return true;
}

/* Clears the uplink of the ports of 'bridge' that preferred 'member'. */
void
config_clear_uplinks(struct config *cfg, const char *bridge,
                     const char *member)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, i);

        if (p->uplink && !strcmp(p->uplink, member)
            && !strcmp(p->bridge, bridge)) {
            g_clear_pointer(&config_port_unshare(cfg, i)->uplink, g_free);
        }
    }
}

bool
config_del_team(struct config *cfg, const char *name)
{
    struct config_team *t = config_find_team(cfg, name);

    if (!t) {
        return false;
    }
    for (guint i = 0; i < t->members->len; i++) {
        const struct config_team_member *m = g_ptr_array_index(t->members,
                                                               i);

        config_clear_uplinks(cfg, t->port.bridge, m->name);
    }
    config_del_port_fdbs(cfg, name);
    g_ptr_array_remove(cfg->teams, t);
    return true;
}

static bool
trunks_are_all(const struct vlan_bitmap *b)
{
    struct vlan_bitmap all;

    vlan_bitmap_set_all(&all);
    return vlan_bitmap_equal(b, &all);
}

/* Formats trunks the way the file says them: "all" or a list.  Caller
 * frees. */
char *
config_trunks_to_string(const struct vlan_bitmap *b)
{
    char small[64];
    size_t n;
    char *s;

    if (trunks_are_all(b)) {
        return g_strdup("all");
    }
    n = vlan_bitmap_format(b, small, sizeof small);
    if (n < sizeof small) {
        return g_strdup(small);
    }
    s = g_malloc(n + 1);
    vlan_bitmap_format(b, s, n + 1);
    return s;
}

static int
vlan_error(int retval, const char *err, char **msg)
{
    if (retval) {
        *msg = g_strdup_printf("%s", err);
        return -EINVAL;
    }
    return 0;
}

/* "owner": printable ASCII without spaces, so that 'show' prints it as
 * one word. */
static int
config_port_set_owner(struct config_port *p, const char *value, char **msg)
{
    size_t len = strlen(value);

    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isgraph(value[i])) {
            len = 0;
            break;
        }
    }
    if (!len || len > CONFIG_OWNER_MAX) {
        *msg = g_strdup_printf("owner \"%s\" is not 1-%d printable "
                               "characters without spaces (e.g. "
                               "libvirt:UUID, or none)", value,
                               CONFIG_OWNER_MAX);
        return -EINVAL;
    }
    g_free(p->owner);
    p->owner = strcmp(value, "none") ? g_strdup(value) : NULL;
    return 0;
}

/* Each key changes only what it names, plus the mode it implies, so that a
 * set of keys applied in any order gives the same port ("trunks=10
 * native=20" or "native=20 trunks=10"); whether the result makes sense is
 * config_port_validate()'s question.  "none" undoes only its own key's
 * mode: vlan=none leaves a trunk a trunk, trunks=none an access port an
 * access port. */
int
config_port_set(struct config_port *p, const char *key, const char *value,
                char **msg)
{
    char err[VLAN_ERR_SIZE];

    if (!strcmp(key, "type")) {
        if (!strcmp(value, "system") || !strcmp(value, "internal")) {
            p->type = (!strcmp(value, "internal") ? CONFIG_PORT_INTERNAL
                       : CONFIG_PORT_SYSTEM);
            return 0;
        }
        *msg = g_strdup_printf("type \"%s\" is not a port type (expected "
                               "system or internal)", value);
        return -EINVAL;
    } else if (!strcmp(key, "vlan")) {
        uint16_t vid;

        if (!strcmp(value, "none")) {
            if (p->mode == VLAN_MODE_ACCESS) {
                p->mode = VLAN_MODE_ALL;
            }
            p->vlan = 0;
            return 0;
        }
        if (vlan_error(vlan_parse_vid("vlan", value, &vid, err, sizeof err),
                       err, msg)) {
            return -EINVAL;
        }
        p->mode = VLAN_MODE_ACCESS;
        p->vlan = vid;
        vlan_bitmap_clear_all(&p->trunks);
        p->native = 0;
        return 0;
    } else if (!strcmp(key, "trunks")) {
        struct vlan_bitmap trunks;

        if (!strcmp(value, "none")) {
            if (p->mode == VLAN_MODE_TRUNK) {
                p->mode = VLAN_MODE_ALL;
            }
            vlan_bitmap_clear_all(&p->trunks);
            return 0;
        }
        if (!strcmp(value, "all")) {
            vlan_bitmap_set_all(&trunks);
        } else if (vlan_error(vlan_bitmap_parse(value, &trunks, err,
                                                 sizeof err),
                               err, msg)) {
            return -EINVAL;
        } else if (vlan_bitmap_is_empty(&trunks)) {
            *msg = g_strdup_printf("trunks \"%s\" lists no vlan (write e.g. "
                                   "10,20,100-199, all, or none)", value);
            return -EINVAL;
        }
        p->mode = VLAN_MODE_TRUNK;
        p->vlan = 0;
        p->trunks = trunks;
        return 0;
    } else if (!strcmp(key, "native")) {
        uint16_t vid;

        if (!strcmp(value, "none")) {
            p->native = 0;
            return 0;
        }
        if (vlan_error(vlan_parse_vid("native", value, &vid, err,
                                       sizeof err),
                        err, msg)) {
            return -EINVAL;
        }
        p->native = vid;
        return 0;
    } else if (!strcmp(key, "uplink")) {
        if (strcmp(value, "none")
            && config_name_valid("uplink", value, msg)) {
            return -EINVAL;
        }
        g_free(p->uplink);
        p->uplink = strcmp(value, "none") ? g_strdup(value) : NULL;
        return 0;
    } else if (!strcmp(key, "owner")) {
        return config_port_set_owner(p, value, msg);
    }
    if (port_policy_is_key(key)) {
        return port_policy_set(&p->policy, key, value, msg);
    }
    *msg = g_strdup_printf("unknown port setting \"%s\" (expected vlan, "
                           "trunks, native or uplink)", key);
    return -EINVAL;
}

int
config_port_validate(const struct config_port *p, char **msg)
{
    bool has_trunks = !vlan_bitmap_is_empty(&p->trunks);

    if (p->vlan && has_trunks) {
        *msg = g_strdup_printf("vlan=%u and trunks cannot both be set (vlan "
                               "makes an access port, trunks a trunk)",
                               p->vlan);
        return -EINVAL;
    }
    if (p->policy.mac_security == PORT_MAC_SECURITY_STRICT
        && !p->policy.n_allowed_macs) {
        *msg = g_strdup_printf("mac-security=strict needs "
                               "allowed-macs=MAC[,MAC...] (with any source "
                               "allowed it would change nothing)");
        return -EINVAL;
    }
    if (p->native && p->mode != VLAN_MODE_TRUNK) {
        *msg = g_strdup_printf("native=%u needs trunks=LIST", p->native);
        return -EINVAL;
    }

    switch (p->mode) {
    case VLAN_MODE_ALL:
        if (p->vlan || has_trunks) {
            *msg = g_strdup_printf("vlan settings are inconsistent: no vlan "
                                   "mode, but vlan or trunks set");
            return -EINVAL;
        }
        return 0;

    case VLAN_MODE_ACCESS:
        if (p->vlan < VLAN_MIN || p->vlan > VLAN_MAX) {
            *msg = g_strdup_printf("vlan %u is out of range (%d-%d)", p->vlan,
                                   VLAN_MIN, VLAN_MAX);
            return -EINVAL;
        }
        return 0;

    case VLAN_MODE_TRUNK:
        if (!has_trunks) {
            *msg = g_strdup_printf("trunks is empty (write trunks=LIST, "
                                   "trunks=all or trunks=none)");
            return -EINVAL;
        }
        if (vlan_bitmap_test(&p->trunks, 0)
            || vlan_bitmap_test(&p->trunks, VLAN_COUNT - 1)) {
            *msg = g_strdup_printf("trunks may not include vlan 0 or %d "
                                   "(%d-%d)", VLAN_COUNT - 1, VLAN_MIN,
                                   VLAN_MAX);
            return -EINVAL;
        }
        if (p->native > VLAN_MAX) {
            *msg = g_strdup_printf("native %u is out of range (%d-%d)",
                                   p->native, VLAN_MIN, VLAN_MAX);
            return -EINVAL;
        }
        return 0;
    }
    *msg = g_strdup_printf("unknown vlan mode %d", (int) p->mode);
    return -EINVAL;
}

/* In ALL mode untagged frames belong to VLAN 0, so every VLAN 0-4094 is
 * carried; a trunk's untagged frames belong to its native VLAN instead. */
bool
config_port_has_vlan(const struct config_port *p, uint16_t vlan)
{
    switch (p->mode) {
    case VLAN_MODE_ALL:
        return vlan <= VLAN_MAX;
    case VLAN_MODE_ACCESS:
        return vlan == p->vlan;
    case VLAN_MODE_TRUNK:
        return vlan >= VLAN_MIN && vlan <= VLAN_MAX
               && (vlan_bitmap_test(&p->trunks, vlan) || vlan == p->native);
    }
    return false;
}

char *
config_port_vlan_describe(const struct config_port *p)
{
    char *trunks, *s;

    switch (p->mode) {
    case VLAN_MODE_ALL:
        return g_strdup("trunk (all VLANs)");
    case VLAN_MODE_ACCESS:
        return g_strdup_printf("access vlan=%u", p->vlan);
    case VLAN_MODE_TRUNK:
        trunks = config_trunks_to_string(&p->trunks);
        if (p->native) {
            s = g_strdup_printf("trunk trunks=%s native=%u",
                                trunks, p->native);
        } else {
            s = g_strdup_printf("trunk trunks=%s", trunks);
        }
        g_free(trunks);
        return s;
    }
    return g_strdup("unknown vlan mode");
}

/* Static entries. */

struct config_fdb *
config_add_fdb(struct config *cfg, const char *bridge, uint16_t vlan,
               const uint8_t mac[ETH_ADDR_LEN], const char *port)
{
    struct config_fdb *f = config_find_fdb(cfg, bridge, vlan, mac);

    if (f) {
        char *old = f->port;

        f->port = g_strdup(port);
        g_free(old);
        return f;
    }
    f = config_fdb_new(bridge, vlan, mac, port);
    g_ptr_array_add(cfg->fdbs, f);
    return f;
}

bool
config_del_fdb(struct config *cfg, const char *bridge, uint16_t vlan,
               const uint8_t mac[ETH_ADDR_LEN])
{
    struct config_fdb *f = config_find_fdb(cfg, bridge, vlan, mac);

    return f && g_ptr_array_remove(cfg->fdbs, f);
}

void
config_del_port_fdbs(struct config *cfg, const char *port)
{
    for (guint i = 0; i < cfg->fdbs->len;) {
        const struct config_fdb *f = g_ptr_array_index(cfg->fdbs, i);

        if (!strcmp(f->port, port)) {
            g_ptr_array_remove_index(cfg->fdbs, i);
        } else {
            i++;
        }
    }
}

