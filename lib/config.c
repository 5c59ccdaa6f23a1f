#include <autoconf.h>
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Defaults of a new bridge. */
#define DEFAULT_MAC_AGING 300
#define DEFAULT_MAC_TABLE_SIZE 8192

/* Defaults of a new team (those of its numeric keys are in
 * team_numbers[]). */
#define DEFAULT_TEAM_POLICY CONFIG_TEAM_SRC_PORT
#define DEFAULT_TEAM_HASH_FIELDS CONFIG_TEAM_HASH_L34
#define DEFAULT_TEAM_MODE CONFIG_TEAM_SWITCH_INDEPENDENT
#define DEFAULT_TEAM_FAILBACK true
#define DEFAULT_TEAM_ANNOUNCE true

#define CONFIG_HEADER \
    "# Written by vswitchd; edits are read on SIGHUP or restart.\n"

/* Room for any vlan_parse_vid() or vlan_bitmap_parse() reason. */
#define VLAN_ERR_SIZE 256

G_DEFINE_QUARK(vswitch_config_error_quark, config_error)

/* Objects. */

static struct config_bridge *
bridge_new(const char *name)
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

/* A port's fields, also those of the port inside each team. */
static void
port_init(struct config_port *p, const char *name, const char *bridge)
{
    memset(p, 0, sizeof *p);
    p->name = g_strdup(name);
    p->bridge = g_strdup(bridge);
    p->mode = CONFIG_VLAN_ALL;
    vlan_bitmap_clear_all(&p->trunks);
}

static void
port_uninit(struct config_port *p)
{
    g_free(p->name);
    g_free(p->bridge);
    g_free(p->uplink);
}

/* Makes 'dst' (uninitialized) a deep copy of 'src'. */
static void
port_copy(struct config_port *dst, const struct config_port *src)
{
    *dst = *src;
    dst->name = g_strdup(src->name);
    dst->bridge = g_strdup(src->bridge);
    dst->uplink = g_strdup(src->uplink);
}

static bool
port_equal(const struct config_port *x, const struct config_port *y)
{
    return (!strcmp(x->name, y->name) && !strcmp(x->bridge, y->bridge)
            && x->mode == y->mode && x->vlan == y->vlan
            && vlan_bitmap_equal(&x->trunks, &y->trunks)
            && x->native == y->native && !g_strcmp0(x->uplink, y->uplink));
}

static struct config_port *
port_new(const char *name, const char *bridge)
{
    struct config_port *p = g_new(struct config_port, 1);

    port_init(p, name, bridge);
    return p;
}

static void
port_free(void *p_)
{
    struct config_port *p = p_;

    port_uninit(p);
    g_free(p);
}

static struct config_team_member *
member_new(const char *name)
{
    struct config_team_member *m = g_new0(struct config_team_member, 1);

    m->name = g_strdup(name);
    return m;
}

static void
member_free(void *m_)
{
    struct config_team_member *m = m_;

    g_free(m->name);
    g_free(m);
}

static void team_set_defaults(struct config_team *);

/* A team with default settings and the members in 'members' (NULL or
 * NULL-terminated), unchecked. */
static struct config_team *
team_new(const char *name, const char *bridge, char *const *members)
{
    struct config_team *t = g_new0(struct config_team, 1);

    port_init(&t->port, name, bridge);
    t->members = g_ptr_array_new_with_free_func(member_free);
    for (size_t i = 0; members && members[i]; i++) {
        g_ptr_array_add(t->members, member_new(members[i]));
    }
    team_set_defaults(t);
    return t;
}

static void
team_free(void *t_)
{
    struct config_team *t = t_;

    port_uninit(&t->port);
    g_ptr_array_unref(t->members);
    g_free(t);
}

static struct config_team *
team_clone(const struct config_team *t)
{
    struct config_team *copy = g_new(struct config_team, 1);

    /* Every setting, then the owned parts. */
    *copy = *t;
    port_copy(&copy->port, &t->port);
    copy->members = g_ptr_array_new_with_free_func(member_free);
    for (guint i = 0; i < t->members->len; i++) {
        const struct config_team_member *m = g_ptr_array_index(t->members,
                                                               i);
        struct config_team_member *nm = member_new(m->name);

        nm->disabled = m->disabled;
        g_ptr_array_add(copy->members, nm);
    }
    return copy;
}

static struct config_fdb *
fdb_new(const char *bridge, uint16_t vlan, const uint8_t mac[ETH_ADDR_LEN],
        const char *port)
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

struct config *
config_new(void)
{
    struct config *cfg = g_new0(struct config, 1);

    cfg->bridges = g_ptr_array_new_with_free_func(bridge_free);
    cfg->ports = g_ptr_array_new_with_free_func(port_free);
    cfg->teams = g_ptr_array_new_with_free_func(team_free);
    cfg->fdbs = g_ptr_array_new_with_free_func(fdb_free);
    return cfg;
}

struct config *
config_clone(const struct config *cfg)
{
    struct config *copy = config_new();

    for (guint i = 0; i < cfg->bridges->len; i++) {
        const struct config_bridge *b = g_ptr_array_index(cfg->bridges, i);
        struct config_bridge *nb = bridge_new(b->name);

        nb->mac_aging = b->mac_aging;
        nb->mac_table_size = b->mac_table_size;
        g_ptr_array_add(copy->bridges, nb);
    }
    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, i);
        struct config_port *np = g_new(struct config_port, 1);

        port_copy(np, p);
        g_ptr_array_add(copy->ports, np);
    }
    for (guint i = 0; i < cfg->teams->len; i++) {
        g_ptr_array_add(copy->teams,
                        team_clone(g_ptr_array_index(cfg->teams, i)));
    }
    for (guint i = 0; i < cfg->fdbs->len; i++) {
        const struct config_fdb *f = g_ptr_array_index(cfg->fdbs, i);

        g_ptr_array_add(copy->fdbs,
                        fdb_new(f->bridge, f->vlan, f->mac, f->port));
    }
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
    g_free(cfg);
}

static bool team_equal(const struct config_team *,
                       const struct config_team *);

/* Order counts: two configurations are equal exactly when config_to_data()
 * writes the same text for them, so a caller may use this to decide whether
 * anything needs saving or applying. */
bool
config_equal(const struct config *a, const struct config *b)
{
    if (a->bridges->len != b->bridges->len
        || a->ports->len != b->ports->len
        || a->teams->len != b->teams->len
        || a->fdbs->len != b->fdbs->len) {
        return false;
    }
    for (guint i = 0; i < a->bridges->len; i++) {
        const struct config_bridge *x = g_ptr_array_index(a->bridges, i);
        const struct config_bridge *y = g_ptr_array_index(b->bridges, i);

        if (strcmp(x->name, y->name)
            || x->mac_aging != y->mac_aging
            || x->mac_table_size != y->mac_table_size) {
            return false;
        }
    }
    for (guint i = 0; i < a->ports->len; i++) {
        if (!port_equal(g_ptr_array_index(a->ports, i),
                        g_ptr_array_index(b->ports, i))) {
            return false;
        }
    }
    for (guint i = 0; i < a->teams->len; i++) {
        if (!team_equal(g_ptr_array_index(a->teams, i),
                        g_ptr_array_index(b->teams, i))) {
            return false;
        }
    }
    for (guint i = 0; i < a->fdbs->len; i++) {
        const struct config_fdb *x = g_ptr_array_index(a->fdbs, i);
        const struct config_fdb *y = g_ptr_array_index(b->fdbs, i);

        if (strcmp(x->bridge, y->bridge) || strcmp(x->port, y->port)
            || x->vlan != y->vlan || memcmp(x->mac, y->mac, ETH_ADDR_LEN)) {
            return false;
        }
    }
    return true;
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

struct config_port *
config_find_port(const struct config *cfg, const char *name)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        struct config_port *p = g_ptr_array_index(cfg->ports, i);

        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    return NULL;
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

bool
config_name_valid(const char *what, const char *name, GError **error)
{
    size_t len = name ? strlen(name) : 0;

    if (!len) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s name is empty (give 1-%d characters from A-Z, a-z, "
                    "0-9, '_', '.' and '-')", what, CONFIG_NAME_MAX);
        return false;
    }
    if (len > CONFIG_NAME_MAX) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s name \"%s\" is too long (%zu characters, at most %d)",
                    what, name, len, CONFIG_NAME_MAX);
        return false;
    }
    for (const char *p = name; *p; p++) {
        if (!name_char_ok(*p)) {
            char shown[8];

            if (g_ascii_isprint(*p)) {
                snprintf(shown, sizeof shown, "'%c'", *p);
            } else {
                snprintf(shown, sizeof shown, "\\x%02x", (unsigned char) *p);
            }
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "%s name \"%s\" contains %s (use only A-Z, a-z, "
                        "0-9, '_', '.' and '-')", what, name, shown);
            return false;
        }
    }
    if (!strcmp(name, ".") || !strcmp(name, "..")) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s name \"%s\" is not allowed (Linux reserves it)",
                    what, name);
        return false;
    }
    return true;
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
static void
name_taken_error(GError **error, const char *name, const char *kind,
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
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s %s already exists", kind, name);
    } else if (!strcmp(taken, "bridge")) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s is a bridge%s", name, why);
    } else if (!strcmp(taken, "port")) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s is already a port of bridge %s%s", name, owner,
                    device ? "" : why);
    } else if (!strcmp(taken, "team")) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s is already a team of bridge %s%s", name, owner, why);
    } else {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s is already a member of team %s%s", name, owner,
                    device ? "" : why);
    }
    g_free(why);
}

/* Checks that no bridge, port, team or team member of 'cfg' is called
 * 'name', which is to become a 'kind'. */
static bool
name_is_free(const struct config *cfg, const char *name, const char *kind,
             GError **error)
{
    const struct config_port *p;
    const struct config_team *t;

    if (config_find_bridge(cfg, name)) {
        name_taken_error(error, name, kind, "bridge", NULL);
        return false;
    }
    p = config_find_port(cfg, name);
    if (p) {
        name_taken_error(error, name, kind, "port", p->bridge);
        return false;
    }
    t = config_find_team(cfg, name);
    if (t) {
        name_taken_error(error, name, kind, "team", t->port.bridge);
        return false;
    }
    t = config_find_team_of_member(cfg, name);
    if (t) {
        name_taken_error(error, name, kind, "member", t->port.name);
        return false;
    }
    return true;
}

/* Parses 'value' as the decimal setting 'key' in [min, max]; 'unit' follows
 * the range in the message when the text is not a number at all. */
static bool
parse_setting(const char *key, const char *value, unsigned long min,
              unsigned long max, const char *unit, unsigned int *out,
              GError **error)
{
    unsigned long v;
    bool digits = *value != '\0';

    if (str_to_uint_range(value, min, max, &v)) {
        *out = v;
        return true;
    }
    for (const char *p = value; *p; p++) {
        if (!g_ascii_isdigit(*p)) {
            digits = false;
        }
    }
    if (digits) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s %s is out of range (%lu-%lu)", key, value, min, max);
    } else {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s \"%s\" is not a number (write %lu-%lu%s)",
                    key, value, min, max, unit);
    }
    return false;
}

/* Bridges. */

struct config_bridge *
config_add_bridge(struct config *cfg, const char *name, GError **error)
{
    struct config_bridge *b;

    if (!config_name_valid("bridge", name, error)
        || !name_is_free(cfg, name, "bridge", error)) {
        return NULL;
    }
    b = bridge_new(name);
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

bool
config_bridge_set(struct config_bridge *b, const char *key,
                  const char *value, GError **error)
{
    if (!strcmp(key, "mac-aging")) {
        return parse_setting(key, value, 0, CONFIG_MAC_AGING_MAX,
                             " seconds, 0 = never", &b->mac_aging, error);
    } else if (!strcmp(key, "mac-table-size")) {
        return parse_setting(key, value, 1, CONFIG_MAC_TABLE_SIZE_MAX,
                             " entries", &b->mac_table_size, error);
    }
    g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                "unknown bridge setting \"%s\" (expected mac-aging or "
                "mac-table-size)", key);
    return false;
}

/* Ports. */

/* Fails unless 'bridge' exists. */
static bool
bridge_exists(const struct config *cfg, const char *bridge, GError **error)
{
    if (!config_find_bridge(cfg, bridge)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "bridge %s does not exist", bridge);
        return false;
    }
    return true;
}

struct config_port *
config_add_port(struct config *cfg, const char *bridge, const char *name,
                GError **error)
{
    struct config_port *p;

    if (!config_name_valid("port", name, error)
        || !bridge_exists(cfg, bridge, error)
        || !name_is_free(cfg, name, "port", error)) {
        return NULL;
    }
    p = port_new(name, bridge);
    g_ptr_array_add(cfg->ports, p);
    return p;
}

bool
config_del_port(struct config *cfg, const char *name)
{
    guint i;

    for (i = 0; i < cfg->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, i);

        if (!strcmp(p->name, name)) {
            break;
        }
    }
    if (i == cfg->ports->len) {
        return false;
    }
    for (guint j = 0; j < cfg->fdbs->len;) {
        const struct config_fdb *f = g_ptr_array_index(cfg->fdbs, j);

        if (!strcmp(f->port, name)) {
            g_ptr_array_remove_index(cfg->fdbs, j);
        } else {
            j++;
        }
    }
    g_ptr_array_remove_index(cfg->ports, i);
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
static char *
trunks_to_string(const struct vlan_bitmap *b)
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

static bool
vlan_error(int retval, const char *err, GError **error)
{
    if (retval) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID, "%s", err);
        return false;
    }
    return true;
}

/* Each key changes only what it names, plus the mode it implies, so that a
 * set of keys applied in any order gives the same port ("trunks=10
 * native=20" or "native=20 trunks=10"); whether the result makes sense is
 * config_port_validate()'s question.  "none" undoes only its own key's
 * mode: vlan=none leaves a trunk a trunk, trunks=none an access port an
 * access port. */
bool
config_port_set(struct config_port *p, const char *key, const char *value,
                GError **error)
{
    char err[VLAN_ERR_SIZE];

    if (!strcmp(key, "vlan")) {
        uint16_t vid;

        if (!strcmp(value, "none")) {
            if (p->mode == CONFIG_VLAN_ACCESS) {
                p->mode = CONFIG_VLAN_ALL;
            }
            p->vlan = 0;
            return true;
        }
        if (!vlan_error(vlan_parse_vid("vlan", value, &vid, err, sizeof err),
                        err, error)) {
            return false;
        }
        p->mode = CONFIG_VLAN_ACCESS;
        p->vlan = vid;
        vlan_bitmap_clear_all(&p->trunks);
        p->native = 0;
        return true;
    } else if (!strcmp(key, "trunks")) {
        struct vlan_bitmap trunks;

        if (!strcmp(value, "none")) {
            if (p->mode == CONFIG_VLAN_TRUNK) {
                p->mode = CONFIG_VLAN_ALL;
            }
            vlan_bitmap_clear_all(&p->trunks);
            return true;
        }
        if (!strcmp(value, "all")) {
            vlan_bitmap_set_all(&trunks);
        } else if (!vlan_error(vlan_bitmap_parse(value, &trunks, err,
                                                 sizeof err),
                               err, error)) {
            return false;
        } else if (vlan_bitmap_is_empty(&trunks)) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "trunks \"%s\" lists no vlan (write e.g. "
                        "10,20,100-199, all, or none)", value);
            return false;
        }
        p->mode = CONFIG_VLAN_TRUNK;
        p->vlan = 0;
        p->trunks = trunks;
        return true;
    } else if (!strcmp(key, "native")) {
        uint16_t vid;

        if (!strcmp(value, "none")) {
            p->native = 0;
            return true;
        }
        if (!vlan_error(vlan_parse_vid("native", value, &vid, err,
                                       sizeof err),
                        err, error)) {
            return false;
        }
        p->native = vid;
        return true;
    } else if (!strcmp(key, "uplink")) {
        if (strcmp(value, "none")
            && !config_name_valid("uplink", value, error)) {
            return false;
        }
        g_free(p->uplink);
        p->uplink = strcmp(value, "none") ? g_strdup(value) : NULL;
        return true;
    }
    g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                "unknown port setting \"%s\" (expected vlan, trunks, "
                "native or uplink)", key);
    return false;
}

bool
config_port_validate(const struct config_port *p, GError **error)
{
    bool has_trunks = !vlan_bitmap_is_empty(&p->trunks);

    if (p->vlan && has_trunks) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "vlan=%u and trunks cannot both be set (vlan makes an "
                    "access port, trunks a trunk)", p->vlan);
        return false;
    }
    if (p->native && p->mode != CONFIG_VLAN_TRUNK) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "native=%u needs trunks=LIST", p->native);
        return false;
    }

    switch (p->mode) {
    case CONFIG_VLAN_ALL:
        if (p->vlan || has_trunks) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "vlan settings are inconsistent: no vlan mode, but "
                        "vlan or trunks set");
            return false;
        }
        return true;

    case CONFIG_VLAN_ACCESS:
        if (p->vlan < VLAN_MIN || p->vlan > VLAN_MAX) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "vlan %u is out of range (%d-%d)",
                        p->vlan, VLAN_MIN, VLAN_MAX);
            return false;
        }
        return true;

    case CONFIG_VLAN_TRUNK:
        if (!has_trunks) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "trunks is empty (write trunks=LIST, trunks=all or "
                        "trunks=none)");
            return false;
        }
        if (vlan_bitmap_test(&p->trunks, 0)
            || vlan_bitmap_test(&p->trunks, VLAN_COUNT - 1)) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "trunks may not include vlan 0 or %d (%d-%d)",
                        VLAN_COUNT - 1, VLAN_MIN, VLAN_MAX);
            return false;
        }
        if (p->native > VLAN_MAX) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "native %u is out of range (%d-%d)",
                        p->native, VLAN_MIN, VLAN_MAX);
            return false;
        }
        return true;
    }
    g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                "unknown vlan mode %d", (int) p->mode);
    return false;
}

/* In ALL mode untagged frames belong to VLAN 0, so every VLAN 0-4094 is
 * carried; a trunk's untagged frames belong to its native VLAN instead. */
bool
config_port_has_vlan(const struct config_port *p, uint16_t vlan)
{
    switch (p->mode) {
    case CONFIG_VLAN_ALL:
        return vlan <= VLAN_MAX;
    case CONFIG_VLAN_ACCESS:
        return vlan == p->vlan;
    case CONFIG_VLAN_TRUNK:
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
    case CONFIG_VLAN_ALL:
        return g_strdup("trunk (all VLANs)");
    case CONFIG_VLAN_ACCESS:
        return g_strdup_printf("access vlan=%u", p->vlan);
    case CONFIG_VLAN_TRUNK:
        trunks = trunks_to_string(&p->trunks);
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

/* Teams. */

static const char *const policy_names[] = {
    [CONFIG_TEAM_SRC_PORT] = "src-port",
    [CONFIG_TEAM_SRC_MAC] = "src-mac",
    [CONFIG_TEAM_HASH] = "hash",
    [CONFIG_TEAM_ACTIVE_BACKUP] = "active-backup",
};

static const char *const hash_fields_names[] = {
    [CONFIG_TEAM_HASH_L2] = "l2",
    [CONFIG_TEAM_HASH_L23] = "l23",
    [CONFIG_TEAM_HASH_L34] = "l34",
};

static const char *const mode_names[] = {
    [CONFIG_TEAM_SWITCH_INDEPENDENT] = "switch-independent",
    [CONFIG_TEAM_STATIC] = "static",
};

static const char *
choice_name(const char *const *names, size_t n, unsigned int value)
{
    return value < n ? names[value] : "unknown";
}

static bool
choice_from_string(const char *const *names, size_t n, const char *s,
                   unsigned int *value)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(s, names[i])) {
            *value = i;
            return true;
        }
    }
    return false;
}

/* "a, b or c".  Caller frees. */
static char *
choices_list(const char *const *names, size_t n)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < n; i++) {
        if (i) {
            g_string_append(s, i + 1 < n ? ", " : " or ");
        }
        g_string_append(s, names[i]);
    }
    return g_string_free(s, FALSE);
}

/* Parses 'value' as one of the 'n' 'names' of setting 'key'. */
static bool
parse_choice(const char *key, const char *value, const char *const *names,
             size_t n, unsigned int *out, GError **error)
{
    char *list;

    if (choice_from_string(names, n, value, out)) {
        return true;
    }
    list = choices_list(names, n);
    g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                "unknown %s \"%s\" (expected %s)", key, value, list);
    g_free(list);
    return false;
}

const char *
config_team_policy_to_string(enum config_team_policy policy)
{
    return choice_name(policy_names, ARRAY_SIZE(policy_names), policy);
}

bool
config_team_policy_from_string(const char *s, enum config_team_policy *out)
{
    unsigned int v;

    if (!choice_from_string(policy_names, ARRAY_SIZE(policy_names), s, &v)) {
        return false;
    }
    *out = v;
    return true;
}

const char *
config_team_hash_fields_to_string(enum config_team_hash_fields fields)
{
    return choice_name(hash_fields_names, ARRAY_SIZE(hash_fields_names),
                       fields);
}

bool
config_team_hash_fields_from_string(const char *s,
                                    enum config_team_hash_fields *out)
{
    unsigned int v;

    if (!choice_from_string(hash_fields_names, ARRAY_SIZE(hash_fields_names),
                            s, &v)) {
        return false;
    }
    *out = v;
    return true;
}

const char *
config_team_mode_to_string(enum config_team_mode mode)
{
    return choice_name(mode_names, ARRAY_SIZE(mode_names), mode);
}

bool
config_team_mode_from_string(const char *s, enum config_team_mode *out)
{
    unsigned int v;

    if (!choice_from_string(mode_names, ARRAY_SIZE(mode_names), s, &v)) {
        return false;
    }
    *out = v;
    return true;
}

static bool
parse_yes_no(const char *key, const char *value, bool *out, GError **error)
{
    if (!strcmp(value, "yes") || !strcmp(value, "no")) {
        *out = !strcmp(value, "yes");
        return true;
    }
    g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                "%s \"%s\" is not yes or no", key, value);
    return false;
}

/* The numeric team keys: range, default and unit in one place, for the
 * setter, the validator, the writer and new teams. */
struct team_number {
    const char *key;            /* Its key in the file. */
    size_t offset;              /* Of its 'unsigned int' in a team. */
    unsigned int min, max;      /* Accepted range. */
    unsigned int def;           /* Default. */
    const char *unit;           /* Follows the range in messages. */
};

static const struct team_number team_numbers[] = {
    { "updelay", offsetof(struct config_team, updelay),
      0, CONFIG_TEAM_DELAY_MAX, 0, " ms" },
    { "downdelay", offsetof(struct config_team, downdelay),
      0, CONFIG_TEAM_DELAY_MAX, 0, " ms" },
    { "announce-count", offsetof(struct config_team, announce_count),
      0, CONFIG_TEAM_ANNOUNCE_COUNT_MAX, 3, " announcements" },
    { "announce-interval", offsetof(struct config_team, announce_interval),
      CONFIG_TEAM_ANNOUNCE_INTERVAL_MIN, CONFIG_TEAM_ANNOUNCE_INTERVAL_MAX,
      100, " ms" },
    { "rebalance", offsetof(struct config_team, rebalance),
      0, CONFIG_TEAM_REBALANCE_MAX, 10, " seconds, 0 = off" },
    { "probe-interval", offsetof(struct config_team, probe_interval),
      CONFIG_TEAM_PROBE_INTERVAL_MIN, CONFIG_TEAM_PROBE_INTERVAL_MAX, 1000,
      " ms" },
};

static const struct team_number *
team_number_find(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(team_numbers); i++) {
        if (!strcmp(key, team_numbers[i].key)) {
            return &team_numbers[i];
        }
    }
    return NULL;
}

static unsigned int *
team_number_field(struct config_team *t, const struct team_number *n)
{
    return (unsigned int *) (void *) ((char *) t + n->offset);
}

static unsigned int
team_number_get(const struct config_team *t, const struct team_number *n)
{
    return *(const unsigned int *) (const void *) ((const char *) t
                                                   + n->offset);
}

static void
team_set_defaults(struct config_team *t)
{
    t->policy = DEFAULT_TEAM_POLICY;
    t->hash_fields = DEFAULT_TEAM_HASH_FIELDS;
    t->mode = DEFAULT_TEAM_MODE;
    t->failback = DEFAULT_TEAM_FAILBACK;
    t->announce = DEFAULT_TEAM_ANNOUNCE;
    t->probe_ip = 0;
    for (size_t i = 0; i < ARRAY_SIZE(team_numbers); i++) {
        *team_number_field(t, &team_numbers[i]) = team_numbers[i].def;
    }
}

#define PROBE_SYNTAX "write arp:IPV4ADDR, e.g. arp:198.18.0.1, or none"

/* An ARP probe goes to a host: not to "this network" (0/8), loopback
 * (127/8), multicast or the reserved and broadcast addresses above. */
static bool
probe_ip_check(uint32_t ip, GError **error)
{
    uint32_t h = ntohl(ip);
    char text[INET_ADDRSTRLEN];

    if (h >> 24 && h >> 24 != 127 && h < 0xe0000000) {
        return true;
    }
    inet_ntop(AF_INET, &ip, text, sizeof text);
    g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                "probe address %s is not a unicast host address (%s)",
                text, PROBE_SYNTAX);
    return false;
}

static bool
parse_probe(const char *value, uint32_t *ip, GError **error)
{
    struct in_addr addr;

    if (!strcmp(value, "none")) {
        *ip = 0;
        return true;
    }
    if (!g_str_has_prefix(value, "arp:")) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "probe \"%s\" is not valid (%s)", value, PROBE_SYNTAX);
        return false;
    }
    if (inet_pton(AF_INET, value + 4, &addr) != 1) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "probe address \"%s\" is not an IPv4 address (%s)",
                    value + 4, PROBE_SYNTAX);
        return false;
    }
    if (!probe_ip_check(addr.s_addr, error)) {
        return false;
    }
    *ip = addr.s_addr;
    return true;
}

/* Splits the comma-separated device names of 'key' ("members",
 * "disabled"), each checked.  Returns NULL on error. */
static char **
parse_names(const char *key, const char *value, GError **error)
{
    char **names;

    if (!*value) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s \"\" lists no device (write e.g. eth1,eth2)", key);
        return NULL;
    }
    names = g_strsplit(value, ",", 0);
    for (size_t i = 0; names[i]; i++) {
        if (!config_name_valid("member", names[i], error)) {
            g_strfreev(names);
            return NULL;
        }
    }
    return names;
}

/* Writes 'value' the way the file says it: the canonical text of one of a
 * team's own keys (not bridge or the VLAN keys).  Caller frees. */
static char *
team_get(const struct config_team *t, const char *key)
{
    const struct team_number *n = team_number_find(key);

    if (n) {
        return g_strdup_printf("%u", team_number_get(t, n));
    } else if (!strcmp(key, "members") || !strcmp(key, "disabled")) {
        bool members = !strcmp(key, "members");
        GString *s = g_string_new(NULL);

        for (guint i = 0; i < t->members->len; i++) {
            const struct config_team_member *m = g_ptr_array_index(
                t->members, i);

            if (members || m->disabled) {
                g_string_append_printf(s, "%s%s", s->len ? "," : "",
                                       m->name);
            }
        }
        if (!s->len) {
            g_string_append(s, "none");
        }
        return g_string_free(s, FALSE);
    } else if (!strcmp(key, "policy")) {
        return g_strdup(config_team_policy_to_string(t->policy));
    } else if (!strcmp(key, "hash-fields")) {
        return g_strdup(config_team_hash_fields_to_string(t->hash_fields));
    } else if (!strcmp(key, "mode")) {
        return g_strdup(config_team_mode_to_string(t->mode));
    } else if (!strcmp(key, "failback")) {
        return g_strdup(t->failback ? "yes" : "no");
    } else if (!strcmp(key, "announce")) {
        return g_strdup(t->announce ? "yes" : "no");
    } else if (!strcmp(key, "probe")) {
        char text[INET_ADDRSTRLEN];

        if (!t->probe_ip) {
            return g_strdup("none");
        }
        inet_ntop(AF_INET, &t->probe_ip, text, sizeof text);
        return g_strdup_printf("arp:%s", text);
    }
    return NULL;
}

/* A team's own settings, in the order the file writes them. */
static const char *const team_settings[] = {
    "policy", "hash-fields", "mode", "updelay", "downdelay", "failback",
    "announce", "announce-count", "announce-interval", "rebalance", "probe",
    "probe-interval", "disabled",
};

static bool
team_key_equal(const struct config_team *x, const struct config_team *y,
               const char *key)
{
    char *a = team_get(x, key);
    char *b = team_get(y, key);
    bool equal = !strcmp(a, b);

    g_free(a);
    g_free(b);
    return equal;
}

/* Equal as config_to_data() writes them, so by the text of each key. */
static bool
team_equal(const struct config_team *x, const struct config_team *y)
{
    if (!port_equal(&x->port, &y->port)
        || !team_key_equal(x, y, "members")) {
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(team_settings); i++) {
        if (!team_key_equal(x, y, team_settings[i])) {
            return false;
        }
    }
    return true;
}

static bool
not_a_member(const struct config_team *t, const char *member,
             GError **error)
{
    g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                "%s is not a member of team %s", member, t->port.name);
    return false;
}

/* Disables exactly the members listed in 'value' (or none). */
static bool
team_set_disabled_list(struct config_team *t, const char *value,
                       GError **error)
{
    char **names = NULL;

    if (strcmp(value, "none")) {
        names = parse_names("disabled", value, error);
        if (!names) {
            return false;
        }
        for (size_t i = 0; names[i]; i++) {
            if (!config_team_find_member(t, names[i])) {
                not_a_member(t, names[i], error);
                g_strfreev(names);
                return false;
            }
        }
    }
    for (guint i = 0; i < t->members->len; i++) {
        struct config_team_member *m = g_ptr_array_index(t->members, i);

        m->disabled = names && g_strv_contains((const char *const *) names,
                                               m->name);
    }
    g_strfreev(names);
    return true;
}

/* Like config_port_set(), each key changes only what it names, so that
 * keys apply in any order; config_team_validate() judges the result. */
bool
config_team_set(struct config_team *t, const char *key, const char *value,
                GError **error)
{
    const struct team_number *n = team_number_find(key);
    unsigned int choice;

    if (n) {
        return parse_setting(key, value, n->min, n->max, n->unit,
                             team_number_field(t, n), error);
    } else if (!strcmp(key, "policy")) {
        if (!parse_choice(key, value, policy_names,
                          ARRAY_SIZE(policy_names), &choice, error)) {
            return false;
        }
        t->policy = choice;
        return true;
    } else if (!strcmp(key, "hash-fields")) {
        if (!parse_choice(key, value, hash_fields_names,
                          ARRAY_SIZE(hash_fields_names), &choice, error)) {
            return false;
        }
        t->hash_fields = choice;
        return true;
    } else if (!strcmp(key, "mode")) {
        if (!parse_choice(key, value, mode_names, ARRAY_SIZE(mode_names),
                          &choice, error)) {
            return false;
        }
        t->mode = choice;
        return true;
    } else if (!strcmp(key, "failback")) {
        return parse_yes_no(key, value, &t->failback, error);
    } else if (!strcmp(key, "announce")) {
        return parse_yes_no(key, value, &t->announce, error);
    } else if (!strcmp(key, "probe")) {
        return parse_probe(value, &t->probe_ip, error);
    } else if (!strcmp(key, "disabled")) {
        return team_set_disabled_list(t, value, error);
    } else if (!strcmp(key, "vlan") || !strcmp(key, "trunks")
               || !strcmp(key, "native")) {
        return config_port_set(&t->port, key, value, error);
    } else if (!strcmp(key, "members")) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "members is not a setting (add and remove members one "
                    "at a time)");
        return false;
    } else if (!strcmp(key, "bridge")) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "bridge is not a setting (a team stays on its bridge: "
                    "delete the team and add it to the other one)");
        return false;
    }
    g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                "unknown team setting \"%s\" (expected policy, hash-fields, "
                "mode, updelay, downdelay, failback, announce, "
                "announce-count, announce-interval, rebalance, probe, "
                "probe-interval, disabled, vlan, trunks or native)", key);
    return false;
}

bool
config_team_validate(const struct config_team *t, GError **error)
{
    guint n_members = t->members->len;

    if (!n_members) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "a team needs at least one member");
        return false;
    }
    if (n_members > CONFIG_TEAM_MEMBERS_MAX) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%u members is too many (at most %d)",
                    n_members, CONFIG_TEAM_MEMBERS_MAX);
        return false;
    }
    for (guint i = 0; i < n_members; i++) {
        const struct config_team_member *m = g_ptr_array_index(t->members,
                                                               i);

        if (!config_name_valid("member", m->name, error)) {
            return false;
        }
        if (!strcmp(m->name, t->port.name)) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "%s is the team's own name (a team and a team "
                        "member cannot share a name)", m->name);
            return false;
        }
        for (guint j = 0; j < i; j++) {
            const struct config_team_member *o = g_ptr_array_index(
                t->members, j);

            if (!strcmp(m->name, o->name)) {
                g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                            "%s is listed twice in members", m->name);
                return false;
            }
        }
    }
    if ((unsigned int) t->policy >= ARRAY_SIZE(policy_names)
        || (unsigned int) t->hash_fields >= ARRAY_SIZE(hash_fields_names)
        || (unsigned int) t->mode >= ARRAY_SIZE(mode_names)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "unknown policy, hash-fields or mode (%d, %d, %d)",
                    (int) t->policy, (int) t->hash_fields, (int) t->mode);
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(team_numbers); i++) {
        const struct team_number *n = &team_numbers[i];
        unsigned int v = team_number_get(t, n);

        if (v < n->min || v > n->max) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "%s %u is out of range (%u-%u)",
                        n->key, v, n->min, n->max);
            return false;
        }
    }
    if (t->probe_ip && !probe_ip_check(t->probe_ip, error)) {
        return false;
    }
    if (t->port.uplink) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "uplink=%s is a port setting (a team has no uplink)",
                    t->port.uplink);
        return false;
    }
    return config_port_validate(&t->port, error);
}

struct config_team *
config_add_team(struct config *cfg, const char *bridge, const char *name,
                char *const *members, GError **error)
{
    struct config_team *t;

    if (!config_name_valid("team", name, error)
        || !bridge_exists(cfg, bridge, error)
        || !name_is_free(cfg, name, "team", error)) {
        return NULL;
    }
    t = team_new(name, bridge, members);
    if (!config_team_validate(t, error)) {
        goto error;
    }
    for (guint i = 0; i < t->members->len; i++) {
        const struct config_team_member *m = g_ptr_array_index(t->members,
                                                               i);

        if (!name_is_free(cfg, m->name, "member", error)) {
            goto error;
        }
    }
    g_ptr_array_add(cfg->teams, t);
    return t;

error:
    team_free(t);
    return NULL;
}

/* Clears the uplink of the ports of 'bridge' that preferred 'member'. */
static void
clear_uplinks(struct config *cfg, const char *bridge, const char *member)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        struct config_port *p = g_ptr_array_index(cfg->ports, i);

        if (p->uplink && !strcmp(p->uplink, member)
            && !strcmp(p->bridge, bridge)) {
            g_free(p->uplink);
            p->uplink = NULL;
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

        clear_uplinks(cfg, t->port.bridge, m->name);
    }
    for (guint j = 0; j < cfg->fdbs->len;) {
        const struct config_fdb *f = g_ptr_array_index(cfg->fdbs, j);

        if (!strcmp(f->port, name)) {
            g_ptr_array_remove_index(cfg->fdbs, j);
        } else {
            j++;
        }
    }
    g_ptr_array_remove(cfg->teams, t);
    return true;
}

bool
config_team_add_member(struct config *cfg, struct config_team *t,
                       const char *member, GError **error)
{
    if (!config_name_valid("member", member, error)) {
        return false;
    }
    if (!strcmp(member, t->port.name)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s is the team's own name (a team and a team member "
                    "cannot share a name)", member);
        return false;
    }
    if (!name_is_free(cfg, member, "member", error)) {
        return false;
    }
    if (t->members->len >= CONFIG_TEAM_MEMBERS_MAX) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "team %s already has %u members (at most %d)",
                    t->port.name, t->members->len, CONFIG_TEAM_MEMBERS_MAX);
        return false;
    }
    g_ptr_array_add(t->members, member_new(member));
    return true;
}

bool
config_team_del_member(struct config *cfg, struct config_team *t,
                       const char *member, GError **error)
{
    struct config_team_member *m = config_team_find_member(t, member);

    if (!m) {
        return not_a_member(t, member, error);
    }
    if (t->members->len == 1) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "team %s needs at least one member; use del-team",
                    t->port.name);
        return false;
    }
    clear_uplinks(cfg, t->port.bridge, member);
    g_ptr_array_remove(t->members, m);
    return true;
}

bool
config_team_set_disabled(struct config_team *t, const char *member,
                         bool disabled, GError **error)
{
    struct config_team_member *m = config_team_find_member(t, member);

    if (!m) {
        return not_a_member(t, member, error);
    }
    m->disabled = disabled;
    return true;
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
    f = fdb_new(bridge, vlan, mac, port);
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

/* A member's name against every other name; its own team already checked
 * that it is not the team's name or listed twice. */
static bool
validate_member(const struct config_team *t, const char *member,
                struct seen *seen, GError **error)
{
    const struct config_port *p;
    const struct config_team *other;

    if (g_hash_table_contains(seen->bridges, member)) {
        name_taken_error(error, member, "member", "bridge", NULL);
        return false;
    }
    p = g_hash_table_lookup(seen->ports, member);
    if (p) {
        name_taken_error(error, member, "member", "port", p->bridge);
        return false;
    }
    other = g_hash_table_lookup(seen->teams, member);
    if (other) {
        name_taken_error(error, member, "member", "team",
                         other->port.bridge);
        return false;
    }
    other = g_hash_table_lookup(seen->members, member);
    if (other) {
        name_taken_error(error, member, "member", "member",
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
               && validate_fdbs(cfg, &seen, error));

    g_hash_table_destroy(seen.members);
    g_hash_table_destroy(seen.teams);
    g_hash_table_destroy(seen.ports);
    g_hash_table_destroy(seen.bridges);
    return ok;
}

/* Loading. */

/* Values may carry a trailing comment ("vlan=10   # web servers"), as the
 * examples in config.h and vswitchd.conf(5) do: no value of ours contains
 * '#' or blanks. */
static void
strip_comment(char *value)
{
    for (char *p = value; *p; p++) {
        if (*p == '#' && (p == value || p[-1] == ' ' || p[-1] == '\t')) {
            *p = '\0';
            break;
        }
    }
    g_strstrip(value);
}

/* Returns the value of 'key' in 'group', or NULL if the key is absent (no
 * error) or cannot be read (error set). */
static char *
get_value(GKeyFile *kf, const char *group, const char *key, GError **error)
{
    GError *kf_error = NULL;
    char *value;

    if (!g_key_file_has_key(kf, group, key, NULL)) {
        return NULL;
    }
    value = g_key_file_get_string(kf, group, key, &kf_error);
    if (!value) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "[%s] %s: %s", group, key, kf_error->message);
        g_error_free(kf_error);
        return NULL;
    }
    strip_comment(value);
    return value;
}

/* Checks that every key of 'group' is one of 'known' (NULL-terminated) and
 * appears once.  'expected' lists them for the message. */
static bool
check_keys(GKeyFile *kf, const char *group, const char *const *known,
           const char *expected, GError **error)
{
    char **keys = g_key_file_get_keys(kf, group, NULL, NULL);
    bool ok = true;

    for (guint i = 0; ok && keys && keys[i]; i++) {
        if (!g_strv_contains(known, keys[i])) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "[%s] unknown key \"%s\" (expected %s)",
                        group, keys[i], expected);
            ok = false;
        }
        for (guint j = 0; ok && j < i; j++) {
            if (!strcmp(keys[i], keys[j])) {
                g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                            "[%s] %s is given twice (each group and each key "
                            "in it may appear only once)", group, keys[i]);
                ok = false;
            }
        }
    }
    g_strfreev(keys);
    return ok;
}

static bool
load_bridge(struct config *cfg, GKeyFile *kf, const char *group,
            const char *name, GError **error)
{
    static const char *const keys[] = { "mac-aging", "mac-table-size", NULL };
    struct config_bridge *b;

    if (!config_name_valid("bridge", name, error)) {
        g_prefix_error(error, "[%s] ", group);
        return false;
    }
    if (!check_keys(kf, group, keys, "mac-aging or mac-table-size", error)) {
        return false;
    }
    b = bridge_new(name);
    g_ptr_array_add(cfg->bridges, b);
    for (guint i = 0; keys[i]; i++) {
        GError *value_error = NULL;
        char *value = get_value(kf, group, keys[i], &value_error);
        bool ok = true;

        if (value) {
            ok = config_bridge_set(b, keys[i], value, error);
            if (!ok) {
                g_prefix_error(error, "[%s] %s: ", group, keys[i]);
            }
            g_free(value);
        } else if (value_error) {
            g_propagate_error(error, value_error);
            ok = false;
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* Reads each of 'keys' (NULL-terminated) of 'group' into 'values' (NULL
 * for an absent key).  On error the caller still frees 'values'. */
static bool
get_values(GKeyFile *kf, const char *group, const char *const *keys,
           char **values, GError **error)
{
    for (guint i = 0; keys[i]; i++) {
        GError *value_error = NULL;

        values[i] = get_value(kf, group, keys[i], &value_error);
        if (value_error) {
            g_propagate_error(error, value_error);
            return false;
        }
    }
    return true;
}

/* Checks the "bridge" key of a port or team group ('kind'). */
static bool
check_bridge_key(const char *group, const char *kind, const char *bridge,
                 GError **error)
{
    if (!bridge) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "[%s] missing key \"bridge\" (write bridge=NAME, the "
                    "bridge this %s belongs to)", group, kind);
        return false;
    }
    if (!config_name_valid("bridge", bridge, error)) {
        g_prefix_error(error, "[%s] bridge: ", group);
        return false;
    }
    return true;
}

/* Applying vlan and then trunks would let one silently undo the other. */
static bool
check_vlan_trunks(const char *group, const char *vlan, const char *trunks,
                  GError **error)
{
    if (vlan && trunks && strcmp(vlan, "none") && strcmp(trunks, "none")) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "[%s] vlan and trunks cannot both be set (vlan makes an "
                    "access port, trunks a trunk)", group);
        return false;
    }
    return true;
}

static bool
load_port(struct config *cfg, GKeyFile *kf, const char *group,
          const char *name, GError **error)
{
    static const char *const keys[] = {
        "bridge", "vlan", "trunks", "native", "uplink", NULL
    };
    char *values[G_N_ELEMENTS(keys)] = { NULL };
    struct config_port *p;
    bool ok = false;

    if (!config_name_valid("port", name, error)) {
        g_prefix_error(error, "[%s] ", group);
        return false;
    }
    if (!check_keys(kf, group, keys, "bridge, vlan, trunks, native or "
                    "uplink", error)
        || !get_values(kf, group, keys, values, error)
        || !check_bridge_key(group, "port", values[0], error)
        || !check_vlan_trunks(group, values[1], values[2], error)) {
        goto out;
    }

    p = port_new(name, values[0]);
    g_ptr_array_add(cfg->ports, p);
    /* A fixed order, not the file's, so that the result does not depend on
     * how the keys were written. */
    for (guint i = 1; keys[i]; i++) {
        if (values[i] && !config_port_set(p, keys[i], values[i], error)) {
            g_prefix_error(error, "[%s] %s: ", group, keys[i]);
            goto out;
        }
    }
    if (!config_port_validate(p, error)) {
        g_prefix_error(error, "[%s] ", group);
        goto out;
    }
    ok = true;

out:
    for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
        g_free(values[i]);
    }
    return ok;
}

static bool
load_team(struct config *cfg, GKeyFile *kf, const char *group,
          const char *name, GError **error)
{
    /* The order in which they apply: "disabled" after "members". */
    static const char *const keys[] = {
        "bridge", "members", "policy", "hash-fields", "mode", "updelay",
        "downdelay", "failback", "announce", "announce-count",
        "announce-interval", "rebalance", "probe", "probe-interval",
        "disabled", "vlan", "trunks", "native", NULL
    };
    enum { BRIDGE, MEMBERS, FIRST_SETTING };
    char *values[G_N_ELEMENTS(keys)] = { NULL };
    const char *vlan = NULL, *trunks = NULL;
    char **members = NULL;
    struct config_team *t;
    bool ok = false;

    if (!config_name_valid("team", name, error)) {
        g_prefix_error(error, "[%s] ", group);
        return false;
    }
    if (!check_keys(kf, group, keys, "bridge, members, policy, "
                    "hash-fields, mode, updelay, downdelay, failback, "
                    "announce, announce-count, announce-interval, "
                    "rebalance, probe, probe-interval, disabled, vlan, "
                    "trunks or native", error)
        || !get_values(kf, group, keys, values, error)
        || !check_bridge_key(group, "team", values[BRIDGE], error)) {
        goto out;
    }
    if (!values[MEMBERS]) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "[%s] missing key \"members\" (write members=DEV,DEV..., "
                    "the team's devices in failover order)", group);
        goto out;
    }
    members = parse_names("members", values[MEMBERS], error);
    if (!members) {
        g_prefix_error(error, "[%s] members: ", group);
        goto out;
    }
    for (guint i = FIRST_SETTING; keys[i]; i++) {
        if (!strcmp(keys[i], "vlan")) {
            vlan = values[i];
        } else if (!strcmp(keys[i], "trunks")) {
            trunks = values[i];
        }
    }
    if (!check_vlan_trunks(group, vlan, trunks, error)) {
        goto out;
    }

    t = team_new(name, values[BRIDGE], members);
    g_ptr_array_add(cfg->teams, t);
    for (guint i = FIRST_SETTING; keys[i]; i++) {
        if (values[i] && !config_team_set(t, keys[i], values[i], error)) {
            g_prefix_error(error, "[%s] %s: ", group, keys[i]);
            goto out;
        }
    }
    if (!config_team_validate(t, error)) {
        g_prefix_error(error, "[%s] ", group);
        goto out;
    }
    ok = true;

out:
    g_strfreev(members);
    for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
        g_free(values[i]);
    }
    return ok;
}

static bool
load_fdb(struct config *cfg, GKeyFile *kf, const char *group,
         const char *rest, GError **error)
{
    static const char *const keys[] = { "vlan", "port", NULL };
    char **words = g_strsplit(rest, " ", 0);
    char *vlan = NULL, *port = NULL;
    uint8_t mac[ETH_ADDR_LEN];
    unsigned long vid = 0;
    GError *value_error = NULL;
    bool ok = false;

    if (g_strv_length(words) != 2) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "[%s] should be [fdb BRIDGE MAC]", group);
        goto out;
    }
    if (!config_name_valid("bridge", words[0], error)) {
        g_prefix_error(error, "[%s] ", group);
        goto out;
    }
    if (!eth_addr_parse(words[1], mac)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "[%s] \"%s\" is not a MAC address (write "
                    "xx:xx:xx:xx:xx:xx)", group, words[1]);
        goto out;
    }
    if (!check_keys(kf, group, keys, "vlan or port", error)) {
        goto out;
    }
    vlan = get_value(kf, group, "vlan", &value_error);
    if (!value_error) {
        port = get_value(kf, group, "port", &value_error);
    }
    if (value_error) {
        g_propagate_error(error, value_error);
        goto out;
    }
    if (vlan && !str_to_uint_range(vlan, 0, VLAN_MAX, &vid)) {
        unsigned int dummy;

        /* Same wording as the other numbers. */
        parse_setting("vlan", vlan, 0, VLAN_MAX, "", &dummy, error);
        g_prefix_error(error, "[%s] vlan: ", group);
        goto out;
    }
    if (!port) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "[%s] missing key \"port\" (write port=NAME, the port "
                    "the station is behind)", group);
        goto out;
    }
    if (!config_name_valid("port", port, error)) {
        g_prefix_error(error, "[%s] port: ", group);
        goto out;
    }
    g_ptr_array_add(cfg->fdbs, fdb_new(words[0], vid, mac, port));
    ok = true;

out:
    g_free(vlan);
    g_free(port);
    g_strfreev(words);
    return ok;
}

static bool
load_group(struct config *cfg, GKeyFile *kf, const char *group,
           GError **error)
{
    static const struct {
        const char *kind;
        bool (*load)(struct config *, GKeyFile *, const char *,
                     const char *, GError **);
    } kinds[] = {
        { "bridge", load_bridge },
        { "port", load_port },
        { "team", load_team },
        { "fdb", load_fdb },
    };
    const char *space = strchr(group, ' ');
    size_t kind_len = space ? (size_t) (space - group) : strlen(group);

    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        if (strlen(kinds[i].kind) == kind_len
            && !strncmp(group, kinds[i].kind, kind_len)) {
            if (!space) {
                g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                            "[%s] needs a name: [%s NAME]%s", group, group,
                            !strcmp(group, "fdb") ? " (here [fdb BRIDGE MAC])"
                            : "");
                return false;
            }
            return kinds[i].load(cfg, kf, group, space + 1, error);
        }
    }
    g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                "unknown group [%s] (expected [bridge NAME], [port NAME], "
                "[team NAME] or [fdb BRIDGE MAC])", group);
    return false;
}

struct config *
config_load_data(const char *data, size_t len, const char *source,
                 GError **error)
{
    GKeyFile *kf = g_key_file_new();
    struct config *cfg = config_new();
    GError *kf_error = NULL;
    char **groups = NULL;

    if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE,
                                   &kf_error)) {
        /* GKeyFile quotes the offending line. */
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID, "%s: %s",
                    source, kf_error->message);
        g_error_free(kf_error);
        goto error;
    }
    groups = g_key_file_get_groups(kf, NULL);
    for (guint i = 0; groups[i]; i++) {
        if (!load_group(cfg, kf, groups[i], error)) {
            g_prefix_error(error, "%s: ", source);
            goto error;
        }
    }
    if (!config_validate(cfg, error)) {
        g_prefix_error(error, "%s: ", source);
        goto error;
    }
    g_strfreev(groups);
    g_key_file_free(kf);
    return cfg;

error:
    g_strfreev(groups);
    g_key_file_free(kf);
    config_free(cfg);
    return NULL;
}

struct config *
config_load(const char *path, GError **error)
{
    GError *file_error = NULL;
    struct config *cfg;
    char *data;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, &file_error)) {
        if (g_error_matches(file_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            g_error_free(file_error);
            return config_new();
        }
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_IO,
                    "cannot read configuration %s: %s", path,
                    file_error->message);
        g_error_free(file_error);
        return NULL;
    }
    cfg = config_load_data(data, len, path, error);
    g_free(data);
    return cfg;
}

/* Saving. */

/* The VLAN keys of a port or team. */
static void
append_vlan_keys(GString *s, const struct config_port *p)
{
    if (p->mode == CONFIG_VLAN_ACCESS) {
        g_string_append_printf(s, "vlan=%u\n", p->vlan);
    } else if (p->mode == CONFIG_VLAN_TRUNK) {
        char *trunks = trunks_to_string(&p->trunks);

        g_string_append_printf(s, "trunks=%s\n", trunks);
        g_free(trunks);
    }
    if (p->native) {
        g_string_append_printf(s, "native=%u\n", p->native);
    }
}

static void
append_team(GString *s, const struct config_team *t,
            const struct config_team *defaults)
{
    char *members = team_get(t, "members");

    g_string_append_printf(s, "\n[team %s]\nbridge=%s\nmembers=%s\n",
                           t->port.name, t->port.bridge, members);
    g_free(members);
    for (size_t i = 0; i < ARRAY_SIZE(team_settings); i++) {
        const char *key = team_settings[i];
        char *value = team_get(t, key);
        char *def = team_get(defaults, key);

        if (strcmp(value, def)) {
            g_string_append_printf(s, "%s=%s\n", key, value);
        }
        g_free(def);
        g_free(value);
    }
    append_vlan_keys(s, &t->port);
}

/* Writes only what differs from the defaults and from what the port's mode
 * already says, in a fixed order, so that saving twice gives the same
 * text. */
char *
config_to_data(const struct config *cfg, size_t *len)
{
    GString *s = g_string_new(CONFIG_HEADER);
    struct config_team *defaults = team_new("", "", NULL);

    for (guint i = 0; i < cfg->bridges->len; i++) {
        const struct config_bridge *b = g_ptr_array_index(cfg->bridges, i);

        g_string_append_printf(s, "\n[bridge %s]\n", b->name);
        if (b->mac_aging != DEFAULT_MAC_AGING) {
            g_string_append_printf(s, "mac-aging=%u\n", b->mac_aging);
        }
        if (b->mac_table_size != DEFAULT_MAC_TABLE_SIZE) {
            g_string_append_printf(s, "mac-table-size=%u\n",
                                   b->mac_table_size);
        }
    }
    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, i);

        g_string_append_printf(s, "\n[port %s]\nbridge=%s\n",
                               p->name, p->bridge);
        append_vlan_keys(s, p);
        if (p->uplink) {
            g_string_append_printf(s, "uplink=%s\n", p->uplink);
        }
    }
    for (guint i = 0; i < cfg->teams->len; i++) {
        append_team(s, g_ptr_array_index(cfg->teams, i), defaults);
    }
    team_free(defaults);
    for (guint i = 0; i < cfg->fdbs->len; i++) {
        const struct config_fdb *f = g_ptr_array_index(cfg->fdbs, i);

        g_string_append_printf(s, "\n[fdb %s " ETH_ADDR_FMT "]\n",
                               f->bridge, ETH_ADDR_ARGS(f->mac));
        if (f->vlan) {
            g_string_append_printf(s, "vlan=%u\n", f->vlan);
        }
        g_string_append_printf(s, "port=%s\n", f->port);
    }
    if (len) {
        *len = s->len;
    }
    return g_string_free(s, FALSE);
}

/* Refuses to write a configuration that would not load again: the daemon
 * would then fail at its next start. */
bool
config_save(const struct config *cfg, const char *path, GError **error)
{
    GError *file_error = NULL;
    char *dir, *data;
    size_t len;
    bool ok;

    if (!config_validate(cfg, error)) {
        g_prefix_error(error, "not saving %s: ", path);
        return false;
    }

    dir = g_path_get_dirname(path);
    if (g_mkdir_with_parents(dir, 0755)) {
        int err = errno;

        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_IO,
                    "cannot create directory %s for %s: %s",
                    dir, path, g_strerror(err));
        g_free(dir);
        return false;
    }
    g_free(dir);

    data = config_to_data(cfg, &len);
    ok = g_file_set_contents_full(path, data, len,
                                  G_FILE_SET_CONTENTS_CONSISTENT
                                  | G_FILE_SET_CONTENTS_DURABLE,
                                  0644, &file_error);
    g_free(data);
    if (!ok) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_IO,
                    "cannot save configuration %s: %s", path,
                    file_error->message);
        g_error_free(file_error);
    }
    return ok;
}
