#include <autoconf.h>
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Defaults of a new bridge. */
#define DEFAULT_MAC_AGING 300
#define DEFAULT_MAC_TABLE_SIZE 8192

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

static struct config_port *
port_new(const char *name, const char *bridge)
{
    struct config_port *p = g_new0(struct config_port, 1);

    p->name = g_strdup(name);
    p->bridge = g_strdup(bridge);
    p->mode = CONFIG_VLAN_ALL;
    vlan_bitmap_clear_all(&p->trunks);
    return p;
}

static void
port_free(void *p_)
{
    struct config_port *p = p_;

    g_free(p->name);
    g_free(p->bridge);
    g_free(p);
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
        struct config_port *np = port_new(p->name, p->bridge);

        np->mode = p->mode;
        np->vlan = p->vlan;
        np->trunks = p->trunks;
        np->native = p->native;
        g_ptr_array_add(copy->ports, np);
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
    g_ptr_array_unref(cfg->fdbs);
    g_free(cfg);
}

/* Order counts: two configurations are equal exactly when config_to_data()
 * writes the same text for them, so a caller may use this to decide whether
 * anything needs saving or applying. */
bool
config_equal(const struct config *a, const struct config *b)
{
    if (a->bridges->len != b->bridges->len
        || a->ports->len != b->ports->len
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
        const struct config_port *x = g_ptr_array_index(a->ports, i);
        const struct config_port *y = g_ptr_array_index(b->ports, i);

        if (strcmp(x->name, y->name) || strcmp(x->bridge, y->bridge)
            || x->mode != y->mode || x->vlan != y->vlan
            || !vlan_bitmap_equal(&x->trunks, &y->trunks)
            || x->native != y->native) {
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
    const struct config_port *p;
    struct config_bridge *b;

    if (!config_name_valid("bridge", name, error)) {
        return NULL;
    }
    if (config_find_bridge(cfg, name)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "bridge %s already exists", name);
        return NULL;
    }
    p = config_find_port(cfg, name);
    if (p) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s is already a port of bridge %s (a bridge and a port "
                    "cannot share a name)", name, p->bridge);
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

    /* Each port goes with the static entries that point to it, wherever
     * they are. */
    for (guint j = 0; j < cfg->ports->len;) {
        const struct config_port *p = g_ptr_array_index(cfg->ports, j);

        if (!strcmp(p->bridge, name)) {
            config_del_port(cfg, p->name);
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

struct config_port *
config_add_port(struct config *cfg, const char *bridge, const char *name,
                GError **error)
{
    const struct config_port *old;
    struct config_port *p;

    if (!config_name_valid("port", name, error)) {
        return NULL;
    }
    if (!config_find_bridge(cfg, bridge)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "bridge %s does not exist", bridge);
        return NULL;
    }
    old = config_find_port(cfg, name);
    if (old) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s is already a port of bridge %s", name, old->bridge);
        return NULL;
    }
    if (config_find_bridge(cfg, name)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s is a bridge (a bridge and a port cannot share a "
                    "name)", name);
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
    }
    g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                "unknown port setting \"%s\" (expected vlan, trunks or "
                "native)", key);
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

static bool
validate_bridges(const struct config *cfg, GHashTable *bridges,
                 GError **error)
{
    for (guint i = 0; i < cfg->bridges->len; i++) {
        struct config_bridge *b = g_ptr_array_index(cfg->bridges, i);

        if (!config_name_valid("bridge", b->name, error)) {
            return false;
        }
        if (!g_hash_table_insert(bridges, b->name, b)) {
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
validate_ports(const struct config *cfg, GHashTable *bridges,
               GHashTable *ports, GError **error)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        struct config_port *p = g_ptr_array_index(cfg->ports, i);
        const struct config_port *old;

        if (!config_name_valid("port", p->name, error)) {
            return false;
        }
        old = g_hash_table_lookup(ports, p->name);
        if (old) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "port %s is defined twice (on bridge %s and on "
                        "bridge %s)", p->name, old->bridge, p->bridge);
            return false;
        }
        g_hash_table_insert(ports, p->name, p);
        if (g_hash_table_contains(bridges, p->name)) {
            g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                        "%s is both a bridge and a port (rename one)",
                        p->name);
            return false;
        }
        if (!g_hash_table_contains(bridges, p->bridge)) {
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

/* Checks one static entry; 'name' names it in messages, 'old' is an
 * earlier entry for the same bridge and MAC, if any. */
static bool
validate_fdb(const struct config_fdb *f, const char *name,
             const struct config_fdb *old, GHashTable *bridges,
             GHashTable *ports, GError **error)
{
    const struct config_port *p;

    if (!g_hash_table_contains(bridges, f->bridge)) {
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
    p = g_hash_table_lookup(ports, f->port);
    if (!p) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s: port %s does not exist", name, f->port);
        return false;
    }
    if (strcmp(p->bridge, f->bridge)) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s: port %s is on bridge %s, not %s",
                    name, f->port, p->bridge, f->bridge);
        return false;
    }
    if (!config_port_has_vlan(p, f->vlan)) {
        char *desc = config_port_vlan_describe(p);

        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "%s: port %s does not carry vlan %u (%s)",
                    name, f->port, f->vlan, desc);
        g_free(desc);
        return false;
    }
    return true;
}

static bool
validate_fdbs(const struct config *cfg, GHashTable *bridges,
              GHashTable *ports, GError **error)
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
        ok = validate_fdb(f, name, old, bridges, ports, error);
        g_free(name);
    }
    g_hash_table_destroy(macs);
    return ok;
}

bool
config_validate(const struct config *cfg, GError **error)
{
    GHashTable *bridges = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *ports = g_hash_table_new(g_str_hash, g_str_equal);
    bool ok = (validate_bridges(cfg, bridges, error)
               && validate_ports(cfg, bridges, ports, error)
               && validate_fdbs(cfg, bridges, ports, error));

    g_hash_table_destroy(ports);
    g_hash_table_destroy(bridges);
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

static bool
load_port(struct config *cfg, GKeyFile *kf, const char *group,
          const char *name, GError **error)
{
    static const char *const keys[] = {
        "bridge", "vlan", "trunks", "native", NULL
    };
    char *values[G_N_ELEMENTS(keys)] = { NULL };
    struct config_port *p;
    bool ok = false;

    if (!config_name_valid("port", name, error)) {
        g_prefix_error(error, "[%s] ", group);
        return false;
    }
    if (!check_keys(kf, group, keys, "bridge, vlan, trunks or native",
                    error)) {
        return false;
    }
    for (guint i = 0; keys[i]; i++) {
        GError *value_error = NULL;

        values[i] = get_value(kf, group, keys[i], &value_error);
        if (value_error) {
            g_propagate_error(error, value_error);
            goto out;
        }
    }
    if (!values[0]) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "[%s] missing key \"bridge\" (write bridge=NAME, the "
                    "bridge this port belongs to)", group);
        goto out;
    }
    if (!config_name_valid("bridge", values[0], error)) {
        g_prefix_error(error, "[%s] bridge: ", group);
        goto out;
    }
    /* Applying vlan and then trunks would let one silently undo the
     * other. */
    if (values[1] && values[2] && strcmp(values[1], "none")
        && strcmp(values[2], "none")) {
        g_set_error(error, CONFIG_ERROR, CONFIG_ERROR_INVALID,
                    "[%s] vlan and trunks cannot both be set (vlan makes an "
                    "access port, trunks a trunk)", group);
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
                "unknown group [%s] (expected [bridge NAME], [port NAME] or "
                "[fdb BRIDGE MAC])", group);
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

/* Writes only what differs from the defaults and from what the port's mode
 * already says, in a fixed order, so that saving twice gives the same
 * text. */
char *
config_to_data(const struct config *cfg, size_t *len)
{
    GString *s = g_string_new(CONFIG_HEADER);

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
