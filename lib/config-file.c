/* config-file: the configuration's key file (see config.h): loading it,
 * with the messages that name the group and key, and saving it. */
#include <autoconf.h>
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include "config-private.h"

#define CONFIG_HEADER \
    "# Written by vswitchd; edits are read on SIGHUP or restart.\n"

/* Comparing. */

/* Order counts: two configurations are equal exactly when config_to_data()
 * writes the same text for them, so a caller may use this to decide whether
 * anything needs saving or applying. */
bool
config_equal(const struct config *a, const struct config *b)
{
    if (a->bridges->len != b->bridges->len
        || a->ports->len != b->ports->len
        || a->teams->len != b->teams->len
        || a->fdbs->len != b->fdbs->len
        || g_strcmp0(a->libvirt_bridge, b->libvirt_bridge)) {
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
        if (!config_port_equal(g_ptr_array_index(a->ports, i),
                               g_ptr_array_index(b->ports, i))) {
            return false;
        }
    }
    for (guint i = 0; i < a->teams->len; i++) {
        if (!config_team_equal(g_ptr_array_index(a->teams, i),
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

/* Returns the value of 'key' in 'group', or NULL if the key is absent
 * ('*msg' untouched) or cannot be read ('*msg' set). */
static char *
get_value(GKeyFile *kf, const char *group, const char *key, char **msg)
{
    GError *kf_error = NULL;
    char *value;

    if (!g_key_file_has_key(kf, group, key, NULL)) {
        return NULL;
    }
    value = g_key_file_get_string(kf, group, key, &kf_error);
    if (!value) {
        *msg = g_strdup_printf("[%s] %s: %s", group, key,
                               kf_error->message);
        g_error_free(kf_error);
        return NULL;
    }
    strip_comment(value);
    return value;
}

/* Checks that every key of 'group' is one of 'known' (NULL-terminated) and
 * appears once.  'expected' lists them for the message. */
static int
check_keys(GKeyFile *kf, const char *group, const char *const *known,
           const char *expected, char **msg)
{
    char **keys = g_key_file_get_keys(kf, group, NULL, NULL);
    bool ok = true;

    for (guint i = 0; ok && keys && keys[i]; i++) {
        if (!g_strv_contains(known, keys[i])) {
            *msg = g_strdup_printf("[%s] unknown key \"%s\" (expected %s)",
                                   group, keys[i], expected);
            ok = false;
        }
        for (guint j = 0; ok && j < i; j++) {
            if (!strcmp(keys[i], keys[j])) {
                *msg = g_strdup_printf("[%s] %s is given twice (each group "
                                       "and each key in it may appear only "
                                       "once)", group, keys[i]);
                ok = false;
            }
        }
    }
    g_strfreev(keys);
    return ok ? 0 : -EINVAL;
}

static int
load_bridge(struct config *cfg, GKeyFile *kf, const char *group,
            const char *name, char **msg)
{
    static const char *const keys[] = { "mac-aging", "mac-table-size", NULL };
    struct config_bridge *b;

    if (config_name_valid("bridge", name, msg)) {
        config_prefix_msg(msg, "[%s] ", group);
        return -EINVAL;
    }
    if (check_keys(kf, group, keys, "mac-aging or mac-table-size", msg)) {
        return -EINVAL;
    }
    b = config_bridge_new(name);
    g_ptr_array_add(cfg->bridges, b);
    for (guint i = 0; keys[i]; i++) {
        char *value_msg = NULL;
        char *value = get_value(kf, group, keys[i], &value_msg);
        bool ok = true;

        if (value) {
            ok = !config_bridge_set(b, keys[i], value, msg);
            if (!ok) {
                config_prefix_msg(msg, "[%s] %s: ", group, keys[i]);
            }
            g_free(value);
        } else if (value_msg) {
            *msg = value_msg;
            ok = false;
        }
        if (!ok) {
            return -EINVAL;
        }
    }
    return 0;
}

/* Reads each of 'keys' (NULL-terminated) of 'group' into 'values' (NULL
 * for an absent key).  On error the caller still frees 'values'. */
static int
get_values(GKeyFile *kf, const char *group, const char *const *keys,
           char **values, char **msg)
{
    for (guint i = 0; keys[i]; i++) {
        char *value_msg = NULL;

        values[i] = get_value(kf, group, keys[i], &value_msg);
        if (value_msg) {
            *msg = value_msg;
            return -EINVAL;
        }
    }
    return 0;
}

/* Checks the "bridge" key of a port or team group ('kind'). */
static int
check_bridge_key(const char *group, const char *kind, const char *bridge,
                 char **msg)
{
    if (!bridge) {
        *msg = g_strdup_printf("[%s] missing key \"bridge\" (write "
                               "bridge=NAME, the bridge this %s belongs to)",
                               group, kind);
        return -EINVAL;
    }
    if (config_name_valid("bridge", bridge, msg)) {
        config_prefix_msg(msg, "[%s] bridge: ", group);
        return -EINVAL;
    }
    return 0;
}

/* Applying vlan and then trunks would let one silently undo the other. */
static int
check_vlan_trunks(const char *group, const char *vlan, const char *trunks,
                  char **msg)
{
    if (vlan && trunks && strcmp(vlan, "none") && strcmp(trunks, "none")) {
        *msg = g_strdup_printf("[%s] vlan and trunks cannot both be set (vlan "
                               "makes an access port, trunks a trunk)", group);
        return -EINVAL;
    }
    return 0;
}

static void
add_policy_key(const char *key, const char *value, void *keys)
{
    (void) value;
    g_ptr_array_add(keys, g_strdup(key));
}

/* 'keys' (NULL-terminated), then every port policy key (port-policy.h):
 * the keys a [port] group may have.  Caller frees with g_strfreev(). */
static char **
port_group_keys(const char *const *keys)
{
    GPtrArray *a = g_ptr_array_new();
    struct port_policy defaults;

    for (guint i = 0; keys[i]; i++) {
        g_ptr_array_add(a, g_strdup(keys[i]));
    }
    port_policy_init(&defaults, false);
    port_policy_format(&defaults, false, true, add_policy_key, a);
    g_ptr_array_add(a, NULL);
    return (char **) g_ptr_array_free(a, FALSE);
}

/* Applies the port policy keys of 'group' to 'p', in port-policy.h's order
 * (a fixed one, as the other keys). */
static int
load_port_policy(GKeyFile *kf, const char *group, char *const *policy_keys,
                 struct config_port *p, char **msg)
{
    for (guint i = 0; policy_keys[i]; i++) {
        char *value_msg = NULL;
        char *value = get_value(kf, group, policy_keys[i], &value_msg);
        int error = 0;

        if (value_msg) {
            *msg = value_msg;
            error = -EINVAL;
        } else if (value) {
            error = config_port_set(p, policy_keys[i], value, msg);
            if (error) {
                config_prefix_msg(msg, "[%s] %s: ", group, policy_keys[i]);
            }
        }
        g_free(value);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* A team takes none of the port policy keys: say so rather than "unknown
 * key". */
static int
check_team_policy_keys(GKeyFile *kf, const char *group, char **msg)
{
    char **keys = g_key_file_get_keys(kf, group, NULL, NULL);
    int error = 0;

    for (guint i = 0; !error && keys && keys[i]; i++) {
        if (port_policy_is_key(keys[i])) {
            error = config_team_policy_key_error(msg, keys[i]);
            config_prefix_msg(msg, "[%s] ", group);
        }
    }
    g_strfreev(keys);
    return error;
}

static int
load_port(struct config *cfg, GKeyFile *kf, const char *group,
          const char *name, char **msg)
{
    static const char *const keys[] = {
        "bridge", "type", "vlan", "trunks", "native", "uplink", NULL
    };
    char *values[G_N_ELEMENTS(keys)] = { NULL };
    char **known = port_group_keys(keys);
    struct config_port *p;
    bool ok = false;

    if (config_name_valid("port", name, msg)) {
        config_prefix_msg(msg, "[%s] ", group);
        g_strfreev(known);
        return -EINVAL;
    }
    if (check_keys(kf, group, (const char *const *) known,
                   "bridge, vlan, trunks, native or uplink", msg)
        || get_values(kf, group, keys, values, msg)
        || check_bridge_key(group, "port", values[0], msg)
        || check_vlan_trunks(group, values[2], values[3], msg)) {
        goto out;
    }

    p = config_port_new(name, values[0]);
    g_ptr_array_add(cfg->ports, p);
    /* A fixed order, not the file's, so that the result does not depend on
     * how the keys were written. */
    for (guint i = 1; keys[i]; i++) {
        if (values[i] && config_port_set(p, keys[i], values[i], msg)) {
            config_prefix_msg(msg, "[%s] %s: ", group, keys[i]);
            goto out;
        }
    }
    if (load_port_policy(kf, group, known + G_N_ELEMENTS(keys) - 1, p,
                         msg)) {
        goto out;
    }
    if (config_port_validate(p, msg)) {
        config_prefix_msg(msg, "[%s] ", group);
        goto out;
    }
    ok = true;

out:
    for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
        g_free(values[i]);
    }
    g_strfreev(known);
    return ok ? 0 : -EINVAL;
}

static int
load_team(struct config *cfg, GKeyFile *kf, const char *group,
          const char *name, char **msg)
{
    /* The order in which they apply: "disabled" and "lacp-port-priority"
     * after "members". */
    static const char *const keys[] = {
        "bridge", "members", "policy", "hash-fields", "mode", "updelay",
        "downdelay", "failback", "announce", "announce-count",
        "announce-interval", "rebalance", "probe", "probe-interval",
        "lacp", "lacp-rate", "lacp-fallback", "lacp-system-priority",
        "lacp-system-id", "min-links", "disabled", "lacp-port-priority",
        "vlan", "trunks", "native", NULL
    };
    enum { BRIDGE, MEMBERS, FIRST_SETTING };
    char *values[G_N_ELEMENTS(keys)] = { NULL };
    const char *vlan = NULL, *trunks = NULL;
    char **members = NULL;
    struct config_team *t;
    bool ok = false;

    if (config_name_valid("team", name, msg)) {
        config_prefix_msg(msg, "[%s] ", group);
        return -EINVAL;
    }
    if (check_team_policy_keys(kf, group, msg)
        || check_keys(kf, group, keys, "bridge, members, "
                      CONFIG_TEAM_KEYS_TEXT, msg)
        || get_values(kf, group, keys, values, msg)
        || check_bridge_key(group, "team", values[BRIDGE], msg)) {
        goto out;
    }
    if (!values[MEMBERS]) {
        *msg = g_strdup_printf("[%s] missing key \"members\" (write "
                               "members=DEV,DEV..., the team's devices in "
                               "failover order)", group);
        goto out;
    }
    members = config_parse_names("members", values[MEMBERS], msg);
    if (!members) {
        config_prefix_msg(msg, "[%s] members: ", group);
        goto out;
    }
    for (guint i = FIRST_SETTING; keys[i]; i++) {
        if (!strcmp(keys[i], "vlan")) {
            vlan = values[i];
        } else if (!strcmp(keys[i], "trunks")) {
            trunks = values[i];
        }
    }
    if (check_vlan_trunks(group, vlan, trunks, msg)) {
        goto out;
    }

    t = config_team_new(name, values[BRIDGE], members);
    g_ptr_array_add(cfg->teams, t);
    for (guint i = FIRST_SETTING; keys[i]; i++) {
        if (values[i] && config_team_set(t, keys[i], values[i], msg)) {
            config_prefix_msg(msg, "[%s] %s: ", group, keys[i]);
            goto out;
        }
    }
    if (config_team_validate(t, msg)) {
        config_prefix_msg(msg, "[%s] ", group);
        goto out;
    }
    ok = true;

out:
    g_strfreev(members);
    for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
        g_free(values[i]);
    }
    return ok ? 0 : -EINVAL;
}

static int
load_fdb(struct config *cfg, GKeyFile *kf, const char *group,
         const char *rest, char **msg)
{
    static const char *const keys[] = { "vlan", "port", NULL };
    char **words = g_strsplit(rest, " ", 0);
    char *vlan = NULL, *port = NULL;
    uint8_t mac[ETH_ADDR_LEN];
    unsigned long vid = 0;
    char *value_msg = NULL;
    bool ok = false;

    if (g_strv_length(words) != 2) {
        *msg = g_strdup_printf("[%s] should be [fdb BRIDGE MAC]", group);
        goto out;
    }
    if (config_name_valid("bridge", words[0], msg)) {
        config_prefix_msg(msg, "[%s] ", group);
        goto out;
    }
    if (!eth_addr_parse(words[1], mac)) {
        *msg = g_strdup_printf("[%s] \"%s\" is not a MAC address (write "
                               "xx:xx:xx:xx:xx:xx)", group, words[1]);
        goto out;
    }
    if (check_keys(kf, group, keys, "vlan or port", msg)) {
        goto out;
    }
    vlan = get_value(kf, group, "vlan", &value_msg);
    if (!value_msg) {
        port = get_value(kf, group, "port", &value_msg);
    }
    if (value_msg) {
        *msg = value_msg;
        goto out;
    }
    if (vlan && !str_to_uint_range(vlan, 0, VLAN_MAX, &vid)) {
        unsigned int dummy;

        /* Same wording as the other numbers. */
        config_parse_setting("vlan", vlan, 0, VLAN_MAX, "", &dummy, msg);
        config_prefix_msg(msg, "[%s] vlan: ", group);
        goto out;
    }
    if (!port) {
        *msg = g_strdup_printf("[%s] missing key \"port\" (write port=NAME, "
                               "the port the station is behind)", group);
        goto out;
    }
    if (config_name_valid("port", port, msg)) {
        config_prefix_msg(msg, "[%s] port: ", group);
        goto out;
    }
    g_ptr_array_add(cfg->fdbs, config_fdb_new(words[0], vid, mac, port));
    ok = true;

out:
    g_free(vlan);
    g_free(port);
    g_strfreev(words);
    return ok ? 0 : -EINVAL;
}

/* [libvirt]: default-bridge, the bridge libvirt's hook and agent attach
 * a NIC to when its domain's metadata does not name one. */
static int
load_libvirt(struct config *cfg, GKeyFile *kf, const char *group,
             char **msg)
{
    static const char *const keys[] = { "default-bridge", NULL };
    char *value_msg = NULL;
    char *value;

    if (check_keys(kf, group, keys, "default-bridge", msg)) {
        return -EINVAL;
    }
    value = get_value(kf, group, keys[0], &value_msg);
    if (value_msg) {
        *msg = value_msg;
        return -EINVAL;
    }
    if (value && config_name_valid("bridge", value, msg)) {
        config_prefix_msg(msg, "[%s] default-bridge: ", group);
        g_free(value);
        return -EINVAL;
    }
    g_free(cfg->libvirt_bridge);
    cfg->libvirt_bridge = value;
    return 0;
}

static int
load_group(struct config *cfg, GKeyFile *kf, const char *group,
           char **msg)
{
    static const struct {
        const char *kind;
        int (*load)(struct config *, GKeyFile *, const char *,
                    const char *, char **);
    } kinds[] = {
        { "bridge", load_bridge },
        { "port", load_port },
        { "team", load_team },
        { "fdb", load_fdb },
    };
    const char *space = strchr(group, ' ');
    size_t kind_len = space ? (size_t) (space - group) : strlen(group);

    if (!strcmp(group, "libvirt")) {
        return load_libvirt(cfg, kf, group, msg);
    }

    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        if (strlen(kinds[i].kind) == kind_len
            && !strncmp(group, kinds[i].kind, kind_len)) {
            if (!space) {
                *msg = g_strdup_printf("[%s] needs a name: [%s NAME]%s",
                                       group, group,
                                       !strcmp(group, "fdb")
                                       ? " (here [fdb BRIDGE MAC])" : "");
                return -EINVAL;
            }
            return kinds[i].load(cfg, kf, group, space + 1, msg);
        }
    }
    *msg = g_strdup_printf("unknown group [%s] (expected [bridge NAME], [port "
                           "NAME], [team NAME], [fdb BRIDGE MAC] or "
                           "[libvirt])", group);
    return -EINVAL;
}

/* GKeyFile reads a line up to a NUL byte and drops the rest, so that
 * "vlan=2\0junk" would be taken as VLAN 2: refuse such a file instead. */
static int
check_no_nul(const char *data, size_t len, const char *source,
             char **msg)
{
    const char *nul = memchr(data, '\0', len);
    unsigned int line = 1;

    if (!nul) {
        return 0;
    }
    for (const char *p = data; p < nul; p++) {
        line += *p == '\n';
    }
    *msg = g_strdup_printf("%s: line %u contains a NUL byte (the "
                           "configuration is a text file)", source, line);
    return -EINVAL;
}

static int load_data(const char *data, size_t len, const char *source,
                     struct config **cfgp, char **msg);

/* Messages quote the offending line or value (GKeyFile quotes whole lines):
 * a 50 MB line must not become a 50 MB log line. */
static void
shorten_msg(char **msg)
{
    if (*msg) {
        str_shorten_quoted(*msg, MSG_QUOTE_MAX, MSG_MAX_LEN);
    }
}

int
config_load_data(const char *data, size_t len, const char *source,
                 struct config **cfgp, char **msg)
{
    int error;

    *msg = NULL;
    error = load_data(data, len, source, cfgp, msg);
    if (error) {
        shorten_msg(msg);
    }
    return error;
}

static int
load_data(const char *data, size_t len, const char *source,
          struct config **cfgp, char **msg)
{
    GKeyFile *kf;
    struct config *cfg;
    GError *kf_error = NULL;
    char **groups = NULL;

    *cfgp = NULL;
    if (check_no_nul(data, len, source, msg)) {
        return -EINVAL;
    }
    kf = g_key_file_new();
    cfg = config_new();
    if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE,
                                   &kf_error)) {
        /* GKeyFile quotes the offending line. */
        *msg = g_strdup_printf("%s: %s", source, kf_error->message);
        g_error_free(kf_error);
        goto error;
    }
    groups = g_key_file_get_groups(kf, NULL);
    for (guint i = 0; groups[i]; i++) {
        if (load_group(cfg, kf, groups[i], msg)) {
            config_prefix_msg(msg, "%s: ", source);
            goto error;
        }
    }
    if (config_validate(cfg, msg)) {
        config_prefix_msg(msg, "%s: ", source);
        goto error;
    }
    g_strfreev(groups);
    g_key_file_free(kf);
    *cfgp = cfg;
    return 0;

error:
    g_strfreev(groups);
    g_key_file_free(kf);
    config_free(cfg);
    return -EINVAL;
}

static int
load_file(const char *path, bool missing_ok, struct config **cfgp,
          char **msg)
{
    GError *file_error = NULL;
    char *data;
    gsize len;
    int error;

    *cfgp = NULL;
    *msg = NULL;
    if (!g_file_get_contents(path, &data, &len, &file_error)) {
        bool missing = g_error_matches(file_error, G_FILE_ERROR,
                                       G_FILE_ERROR_NOENT);

        if (missing && missing_ok) {
            g_error_free(file_error);
            *cfgp = config_new();
            return 0;
        }
        if (missing) {
            *msg = g_strdup_printf("configuration %s is missing", path);
        } else {
            *msg = g_strdup_printf("cannot read configuration %s: %s", path,
                                   file_error->message);
        }
        g_error_free(file_error);
        return -EIO;
    }
    error = config_load_data(data, len, path, cfgp, msg);
    g_free(data);
    return error;
}

int
config_load(const char *path, struct config **cfgp, char **msg)
{
    return load_file(path, true, cfgp, msg);
}

int
config_load_existing(const char *path, struct config **cfgp, char **msg)
{
    return load_file(path, false, cfgp, msg);
}

/* Saving. */

/* The VLAN keys of a port or team. */
static void
append_vlan_keys(GString *s, const struct config_port *p)
{
    if (p->mode == VLAN_MODE_ACCESS) {
        g_string_append_printf(s, "vlan=%u\n", p->vlan);
    } else if (p->mode == VLAN_MODE_TRUNK) {
        char *trunks = config_trunks_to_string(&p->trunks);

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
    char *members = config_team_get(t, "members");

    g_string_append_printf(s, "\n[team %s]\nbridge=%s\nmembers=%s\n",
                           t->port.name, t->port.bridge, members);
    g_free(members);
    for (size_t i = 0; config_team_settings[i]; i++) {
        const char *key = config_team_settings[i];
        char *value = config_team_get(t, key);
        char *def = config_team_get(defaults, key);

        if (strcmp(value, def)) {
            g_string_append_printf(s, "%s=%s\n", key, value);
        }
        g_free(def);
        g_free(value);
    }
    append_vlan_keys(s, &t->port);
}

/* "KEY=VALUE\n" (appends, not printf: a file of a thousand ports is
 * written on each command). */
static void
append_key(const char *key, const char *value, void *s)
{
    g_string_append(s, key);
    g_string_append_c(s, '=');
    g_string_append(s, value);
    g_string_append_c(s, '\n');
}

/* Writes only what differs from the defaults and from what the port's mode
 * already says, in a fixed order, so that saving twice gives the same
 * text. */
char *
config_to_data(const struct config *cfg, size_t *len)
{
    GString *s = g_string_new(CONFIG_HEADER);
    struct config_team *defaults = config_team_new("", "", NULL);

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

        if (p->owner) {
            continue;           /* Its owner adds it again (config.h). */
        }
        g_string_append(s, "\n[port ");
        g_string_append(s, p->name);
        g_string_append(s, "]\n");
        append_key("bridge", p->bridge, s);
        if (p->type == CONFIG_PORT_INTERNAL) {
            g_string_append(s, "type=internal\n");
        }
        append_vlan_keys(s, p);
        if (p->uplink) {
            append_key("uplink", p->uplink, s);
        }
        port_policy_format(&p->policy, false, false, append_key, s);
    }
    for (guint i = 0; i < cfg->teams->len; i++) {
        append_team(s, g_ptr_array_index(cfg->teams, i), defaults);
    }
    config_team_free(defaults);
    for (guint i = 0; i < cfg->fdbs->len; i++) {
        const struct config_fdb *f = g_ptr_array_index(cfg->fdbs, i);
        const struct config_port *p = config_find_port(cfg, f->port);

        if (p && p->owner) {
            continue;           /* Its port is not in the file either. */
        }
        g_string_append_printf(s, "\n[fdb %s " ETH_ADDR_FMT "]\n",
                               f->bridge, ETH_ADDR_ARGS(f->mac));
        if (f->vlan) {
            g_string_append_printf(s, "vlan=%u\n", f->vlan);
        }
        g_string_append_printf(s, "port=%s\n", f->port);
    }
    if (cfg->libvirt_bridge) {
        g_string_append_printf(s, "\n[libvirt]\ndefault-bridge=%s\n",
                               cfg->libvirt_bridge);
    }
    if (len) {
        *len = s->len;
    }
    return g_string_free(s, FALSE);
}

/* Refuses to write a configuration that would not load again: the daemon
 * would then fail at its next start. */
int
config_save(const struct config *cfg, const char *path, char **msg)
{
    *msg = NULL;
    if (config_validate(cfg, msg)) {
        config_prefix_msg(msg, "not saving %s: ", path);
        return -EINVAL;
    }
    return config_write(cfg, path, msg);
}

int
config_write(const struct config *cfg, const char *path, char **msg)
{
    GError *file_error = NULL;
    char *dir, *data;
    size_t len;
    bool ok;

    *msg = NULL;
    dir = g_path_get_dirname(path);
    if (g_mkdir_with_parents(dir, 0755)) {
        int err = errno;

        *msg = g_strdup_printf("cannot create directory %s for %s: %s", dir,
                               path, g_strerror(err));
        g_free(dir);
        return -EIO;
    }
    g_free(dir);

    data = config_to_data(cfg, &len);
    ok = g_file_set_contents_full(path, data, len,
                                  G_FILE_SET_CONTENTS_CONSISTENT
                                  | G_FILE_SET_CONTENTS_DURABLE,
                                  0644, &file_error);
    g_free(data);
    if (!ok) {
        *msg = g_strdup_printf("cannot save configuration %s: %s", path,
                               file_error->message);
        g_error_free(file_error);
    }
    return ok ? 0 : -EIO;
}

/* Owned ports are not in the file (config_to_data()): a reload keeps
 * the running ones. */
void
config_keep_owned_ports(struct config *to, const struct config *from)
{
    for (guint i = 0; i < from->ports->len; i++) {
        const struct config_port *p = g_ptr_array_index(from->ports, i);
        struct config_port *copy;

        if (!p->owner || !config_find_bridge(to, p->bridge)
            || config_find_port(to, p->name) || config_find_team(to, p->name)
            || config_find_bridge(to, p->name)
            || config_find_team_of_member(to, p->name)) {
            continue;
        }
        copy = config_port_dup(p);
        if (copy->uplink && !config_find_team_of_member(to, copy->uplink)) {
            g_clear_pointer(&copy->uplink, g_free);
        }
        g_ptr_array_add(to->ports, copy);
    }
}
