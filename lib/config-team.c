/* config-team: the teams of the configuration (see config.h): their
 * objects, settings, members and the names of their enums. */
#include <autoconf.h>
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include "config-private.h"

/* Defaults of a new team (those of its numeric keys are in
 * team_numbers[]). */
#define DEFAULT_TEAM_POLICY TEAM_POLICY_SRC_PORT
#define DEFAULT_TEAM_HASH_FIELDS TEAM_HASH_L34
#define DEFAULT_TEAM_MODE CONFIG_TEAM_SWITCH_INDEPENDENT
#define DEFAULT_TEAM_FAILBACK true
#define DEFAULT_TEAM_ANNOUNCE true
#define DEFAULT_LACP_ACTIVE true
#define DEFAULT_LACP_FAST false
#define DEFAULT_LACP_FALLBACK true

/* Objects. */

static void team_set_defaults(struct config_team *);

/* A team with default settings and the members in 'members' (NULL or
 * NULL-terminated), unchecked. */
struct config_team *
config_team_new(const char *name, const char *bridge, char *const *members)
{
    struct config_team *t = g_new0(struct config_team, 1);

    config_port_init(&t->port, name, bridge);
    port_policy_init(&t->port.policy, true);
    t->members = g_ptr_array_new_with_free_func(config_team_member_free);
    for (size_t i = 0; members && members[i]; i++) {
        g_ptr_array_add(t->members, config_team_member_new(members[i]));
    }
    team_set_defaults(t);
    return t;
}

/* Names of the enums. */

/* The policy and hash-fields names, from their one table each
 * (team-policy.h, team-hash.h), in enum order as parse_choice() takes
 * them. */
static void
policy_names(const char *names[TEAM_N_POLICIES])
{
    for (int i = 0; i < TEAM_N_POLICIES; i++) {
        names[i] = team_policy_name(i);
    }
}

static void
hash_fields_names(const char *names[TEAM_N_HASH_FIELDS])
{
    for (int i = 0; i < TEAM_N_HASH_FIELDS; i++) {
        names[i] = team_hash_fields_name(i);
    }
}

static const char *const mode_names[] = {
    [CONFIG_TEAM_SWITCH_INDEPENDENT] = "switch-independent",
    [CONFIG_TEAM_STATIC] = "static",
    [CONFIG_TEAM_LACP] = "lacp",
};

/* The two-valued LACP keys: their names for true and false. */
struct team_flag {
    const char *key;            /* Its key in the file. */
    size_t offset;              /* Of its 'bool' in a team. */
    const char *names[2];       /* [0]: false, [1]: true. */
    bool def;                   /* Default. */
};

static const struct team_flag team_flags[] = {
    { "lacp", offsetof(struct config_team, lacp_active),
      { "passive", "active" }, DEFAULT_LACP_ACTIVE },
    { "lacp-rate", offsetof(struct config_team, lacp_fast),
      { "slow", "fast" }, DEFAULT_LACP_FAST },
    { "lacp-fallback", offsetof(struct config_team, lacp_fallback),
      { "none", "active-backup" }, DEFAULT_LACP_FALLBACK },
};

static const struct team_flag *
team_flag_find(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(team_flags); i++) {
        if (!strcmp(key, team_flags[i].key)) {
            return &team_flags[i];
        }
    }
    return NULL;
}

static bool *
team_flag_field(struct config_team *t, const struct team_flag *f)
{
    return (bool *) (void *) ((char *) t + f->offset);
}

static bool
team_flag_get(const struct config_team *t, const struct team_flag *f)
{
    return *(const bool *) (const void *) ((const char *) t + f->offset);
}

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
static int
parse_choice(const char *key, const char *value, const char *const *names,
             size_t n, unsigned int *out, char **msg)
{
    char *list;

    if (choice_from_string(names, n, value, out)) {
        return 0;
    }
    list = choices_list(names, n);
    *msg = g_strdup_printf("unknown %s \"%s\" (expected %s)", key, value,
                           list);
    g_free(list);
    return -EINVAL;
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

static int
parse_yes_no(const char *key, const char *value, bool *out, char **msg)
{
    if (!strcmp(value, "yes") || !strcmp(value, "no")) {
        *out = !strcmp(value, "yes");
        return 0;
    }
    *msg = g_strdup_printf("%s \"%s\" is not yes or no", key, value);
    return -EINVAL;
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
    { "lacp-system-priority",
      offsetof(struct config_team, lacp_system_priority),
      1, 65535, CONFIG_LACP_SYSTEM_PRIORITY, " (lower wins)" },
    { "min-links", offsetof(struct config_team, min_links),
      0, CONFIG_TEAM_MEMBERS_MAX, 1, " members" },
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
    memset(t->lacp_system_id, 0, sizeof t->lacp_system_id);
    for (size_t i = 0; i < ARRAY_SIZE(team_numbers); i++) {
        *team_number_field(t, &team_numbers[i]) = team_numbers[i].def;
    }
    for (size_t i = 0; i < ARRAY_SIZE(team_flags); i++) {
        *team_flag_field(t, &team_flags[i]) = team_flags[i].def;
    }
}

#define SYSTEM_ID_SYNTAX "write a unicast MAC such as 02:00:00:00:00:01, or " \
    "auto for the first member's"

static int
parse_system_id(const char *value, uint8_t out[ETH_ADDR_LEN], char **msg)
{
    uint8_t mac[ETH_ADDR_LEN];

    if (!strcmp(value, "auto")) {
        memset(out, 0, ETH_ADDR_LEN);
        return 0;
    }
    if (!eth_addr_parse(value, mac)) {
        *msg = g_strdup_printf("lacp-system-id \"%s\" is not a MAC address "
                               "(%s)", value, SYSTEM_ID_SYNTAX);
        return -EINVAL;
    }
    if (eth_addr_is_multicast(mac) || eth_addr_is_zero(mac)) {
        *msg = g_strdup_printf("lacp-system-id %s is not a unicast address "
                               "(%s)", value, SYSTEM_ID_SYNTAX);
        return -EINVAL;
    }
    memcpy(out, mac, ETH_ADDR_LEN);
    return 0;
}

#define PORT_PRIORITY_SYNTAX "write MEMBER:PRIORITY,..., e.g. " \
    "eth1:100,eth2:200, with priorities 1-65535 (lower wins), or none"

/* Sets the LACP port priority of exactly the members listed in 'value'
 * ("MEMBER:N,..."); the others get the default. */
static int
team_set_port_priorities(struct config_team *t, const char *value,
                         char **msg)
{
    unsigned int prio[CONFIG_TEAM_MEMBERS_MAX];
    char **items = NULL;
    int error = 0;

    for (guint i = 0; i < t->members->len; i++) {
        prio[i] = CONFIG_LACP_PORT_PRIORITY;
    }
    if (strcmp(value, "none")) {
        items = g_strsplit(value, ",", 0);
        for (size_t i = 0; items[i] && !error; i++) {
            char *colon = strrchr(items[i], ':');
            unsigned int n;

            if (!colon || colon == items[i]) {
                *msg = g_strdup_printf("lacp-port-priority \"%s\" is not "
                                       "valid (%s)", items[i],
                                       PORT_PRIORITY_SYNTAX);
                error = -EINVAL;
                break;
            }
            *colon = '\0';
            if (config_parse_setting("lacp-port-priority", colon + 1, 1,
                                     65535, " (lower wins)", &n, msg)) {
                error = -EINVAL;
                break;
            }
            error = -EINVAL;
            for (guint j = 0; j < t->members->len; j++) {
                const struct config_team_member *m = g_ptr_array_index(
                    t->members, j);

                if (!strcmp(m->name, items[i])) {
                    prio[j] = n;
                    error = 0;
                }
            }
            if (error) {
                *msg = g_strdup_printf("%s is not a member of team %s",
                                       items[i], t->port.name);
            }
        }
        g_strfreev(items);
    }
    if (error) {
        return error;
    }
    for (guint i = 0; i < t->members->len; i++) {
        struct config_team_member *m = g_ptr_array_index(t->members, i);

        m->lacp_port_priority = prio[i];
    }
    return 0;
}

#define PROBE_SYNTAX "write arp:IPV4ADDR, e.g. arp:198.18.0.1, or none"

/* An ARP probe goes to a host: not to "this network" (0/8), loopback
 * (127/8), multicast or the reserved and broadcast addresses above. */
static int
probe_ip_check(uint32_t ip, char **msg)
{
    uint32_t h = ntohl(ip);
    char text[INET_ADDRSTRLEN];

    if (h >> 24 && h >> 24 != 127 && h < 0xe0000000) {
        return 0;
    }
    inet_ntop(AF_INET, &ip, text, sizeof text);
    *msg = g_strdup_printf("probe address %s is not a unicast host address "
                           "(%s)", text, PROBE_SYNTAX);
    return -EINVAL;
}

static int
parse_probe(const char *value, uint32_t *ip, char **msg)
{
    struct in_addr addr;

    if (!strcmp(value, "none")) {
        *ip = 0;
        return 0;
    }
    if (!g_str_has_prefix(value, "arp:")) {
        *msg = g_strdup_printf("probe \"%s\" is not valid (%s)", value,
                               PROBE_SYNTAX);
        return -EINVAL;
    }
    if (inet_pton(AF_INET, value + 4, &addr) != 1) {
        *msg = g_strdup_printf("probe address \"%s\" is not an IPv4 address "
                               "(%s)", value + 4, PROBE_SYNTAX);
        return -EINVAL;
    }
    if (probe_ip_check(addr.s_addr, msg)) {
        return -EINVAL;
    }
    *ip = addr.s_addr;
    return 0;
}

/* Splits the comma-separated device names of 'key' ("members",
 * "disabled"), each checked.  Returns NULL on error. */
char **
config_parse_names(const char *key, const char *value, char **msg)
{
    char **names;

    if (!*value) {
        *msg = g_strdup_printf("%s \"\" lists no device (write e.g. "
                               "eth1,eth2)", key);
        return NULL;
    }
    names = g_strsplit(value, ",", 0);
    for (size_t i = 0; names[i]; i++) {
        if (config_name_valid("member", names[i], msg)) {
            g_strfreev(names);
            return NULL;
        }
    }
    return names;
}

/* Writes 'value' the way the file says it: the canonical text of one of a
 * team's own keys (not bridge or the VLAN keys).  Caller frees. */
char *
config_team_get(const struct config_team *t, const char *key)
{
    const struct team_number *n = team_number_find(key);

    const struct team_flag *f = team_flag_find(key);

    if (n) {
        return g_strdup_printf("%u", team_number_get(t, n));
    } else if (f) {
        return g_strdup(f->names[team_flag_get(t, f)]);
    } else if (!strcmp(key, "lacp-system-id")) {
        const uint8_t *a = t->lacp_system_id;

        if (eth_addr_is_zero(a)) {
            return g_strdup("auto");
        }
        return g_strdup_printf(ETH_ADDR_FMT, ETH_ADDR_ARGS(a));
    } else if (!strcmp(key, "lacp-port-priority")) {
        GString *s = g_string_new(NULL);

        for (guint i = 0; i < t->members->len; i++) {
            const struct config_team_member *m = g_ptr_array_index(
                t->members, i);

            if (m->lacp_port_priority != CONFIG_LACP_PORT_PRIORITY) {
                g_string_append_printf(s, "%s%s:%u", s->len ? "," : "",
                                       m->name, m->lacp_port_priority);
            }
        }
        if (!s->len) {
            g_string_append(s, "none");
        }
        return g_string_free(s, FALSE);
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
        return g_strdup(team_policy_name(t->policy));
    } else if (!strcmp(key, "hash-fields")) {
        return g_strdup(team_hash_fields_name(t->hash_fields));
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
const char *const config_team_settings[] = {
    "policy", "hash-fields", "mode", "updelay", "downdelay", "failback",
    "announce", "announce-count", "announce-interval", "rebalance", "probe",
    "probe-interval", "lacp", "lacp-rate", "lacp-fallback",
    "lacp-system-priority", "lacp-system-id", "min-links", "disabled",
    "lacp-port-priority", NULL
};

static bool
team_key_equal(const struct config_team *x, const struct config_team *y,
               const char *key)
{
    char *a = config_team_get(x, key);
    char *b = config_team_get(y, key);
    bool equal = !strcmp(a, b);

    g_free(a);
    g_free(b);
    return equal;
}

/* Equal as config_to_data() writes them, so by the text of each key. */
bool
config_team_equal(const struct config_team *x, const struct config_team *y)
{
    if (!config_port_equal(&x->port, &y->port)
        || !team_key_equal(x, y, "members")) {
        return false;
    }
    for (size_t i = 0; config_team_settings[i]; i++) {
        if (!team_key_equal(x, y, config_team_settings[i])) {
            return false;
        }
    }
    return true;
}

static int
not_a_member(const struct config_team *t, const char *member,
             char **msg)
{
    *msg = g_strdup_printf("%s is not a member of team %s", member,
                           t->port.name);
    return -EINVAL;
}

/* Disables exactly the members listed in 'value' (or none). */
static int
team_set_disabled_list(struct config_team *t, const char *value,
                       char **msg)
{
    char **names = NULL;

    if (strcmp(value, "none")) {
        names = config_parse_names("disabled", value, msg);
        if (!names) {
            return -EINVAL;
        }
        for (size_t i = 0; names[i]; i++) {
            if (!config_team_find_member(t, names[i])) {
                not_a_member(t, names[i], msg);
                g_strfreev(names);
                return -EINVAL;
            }
        }
    }
    for (guint i = 0; i < t->members->len; i++) {
        struct config_team_member *m = g_ptr_array_index(t->members, i);

        m->disabled = names && g_strv_contains((const char *const *) names,
                                               m->name);
    }
    g_strfreev(names);
    return 0;
}

int
config_team_policy_key_error(char **msg, const char *key)
{
    *msg = g_strdup_printf("%s is a port policy key, which a team does not "
                           "take (a team keeps the defaults; set %s on the "
                           "bridge's ports with set-port)", key, key);
    return -EINVAL;
}

/* Like config_port_set(), each key changes only what it names, so that
 * keys apply in any order; config_team_validate() judges the result. */
int
config_team_set(struct config_team *t, const char *key, const char *value,
                char **msg)
{
    const struct team_number *n = team_number_find(key);
    const struct team_flag *f = team_flag_find(key);
    unsigned int choice;

    if (n) {
        return config_parse_setting(key, value, n->min, n->max, n->unit,
                                    team_number_field(t, n), msg);
    } else if (f) {
        if (parse_choice(key, value, f->names, 2, &choice, msg)) {
            return -EINVAL;
        }
        *team_flag_field(t, f) = choice;
        return 0;
    } else if (!strcmp(key, "lacp-system-id")) {
        return parse_system_id(value, t->lacp_system_id, msg);
    } else if (!strcmp(key, "lacp-port-priority")) {
        return team_set_port_priorities(t, value, msg);
    } else if (!strcmp(key, "policy")) {
        const char *names[TEAM_N_POLICIES];

        policy_names(names);
        if (parse_choice(key, value, names, TEAM_N_POLICIES, &choice,
                         msg)) {
            return -EINVAL;
        }
        t->policy = choice;
        return 0;
    } else if (!strcmp(key, "hash-fields")) {
        const char *names[TEAM_N_HASH_FIELDS];

        hash_fields_names(names);
        if (parse_choice(key, value, names, TEAM_N_HASH_FIELDS, &choice,
                         msg)) {
            return -EINVAL;
        }
        t->hash_fields = choice;
        return 0;
    } else if (!strcmp(key, "mode")) {
        if (parse_choice(key, value, mode_names, ARRAY_SIZE(mode_names),
                         &choice, msg)) {
            return -EINVAL;
        }
        t->mode = choice;
        return 0;
    } else if (!strcmp(key, "failback")) {
        return parse_yes_no(key, value, &t->failback, msg);
    } else if (!strcmp(key, "announce")) {
        return parse_yes_no(key, value, &t->announce, msg);
    } else if (!strcmp(key, "probe")) {
        return parse_probe(value, &t->probe_ip, msg);
    } else if (!strcmp(key, "disabled")) {
        return team_set_disabled_list(t, value, msg);
    } else if (!strcmp(key, "vlan") || !strcmp(key, "trunks")
               || !strcmp(key, "native")) {
        return config_port_set(&t->port, key, value, msg);
    } else if (port_policy_is_key(key)) {
        return config_team_policy_key_error(msg, key);
    } else if (!strcmp(key, "members")) {
        *msg = g_strdup_printf("members is not a setting (add and remove "
                               "members one at a time)");
        return -EINVAL;
    } else if (!strcmp(key, "bridge")) {
        *msg = g_strdup_printf("bridge is not a setting (a team stays on its "
                               "bridge: delete the team and add it to the "
                               "other one)");
        return -EINVAL;
    }
    *msg = g_strdup_printf("unknown team setting \"%s\" (expected %s)",
                           key, CONFIG_TEAM_KEYS_TEXT);
    return -EINVAL;
}

int
config_team_validate(const struct config_team *t, char **msg)
{
    guint n_members = t->members->len;

    if (!n_members) {
        *msg = g_strdup("a team needs at least one member");
        return -EINVAL;
    }
    if (n_members > CONFIG_TEAM_MEMBERS_MAX) {
        *msg = g_strdup_printf("%u members is too many (at most %d)",
                               n_members, CONFIG_TEAM_MEMBERS_MAX);
        return -EINVAL;
    }
    for (guint i = 0; i < n_members; i++) {
        const struct config_team_member *m = g_ptr_array_index(t->members,
                                                               i);

        if (config_name_valid("member", m->name, msg)) {
            return -EINVAL;
        }
        if (!strcmp(m->name, t->port.name)) {
            *msg = g_strdup_printf("%s is the team's own name (a team and a "
                                   "team member cannot share a name)",
                                   m->name);
            return -EINVAL;
        }
        for (guint j = 0; j < i; j++) {
            const struct config_team_member *o = g_ptr_array_index(
                t->members, j);

            if (!strcmp(m->name, o->name)) {
                *msg = g_strdup_printf("%s is listed twice in members",
                                       m->name);
                return -EINVAL;
            }
        }
        if (m->lacp_port_priority < 1 || m->lacp_port_priority > 65535) {
            *msg = g_strdup_printf("lacp-port-priority %u of %s is out of "
                                   "range (1-65535)", m->lacp_port_priority,
                                   m->name);
            return -EINVAL;
        }
    }
    if (eth_addr_is_multicast(t->lacp_system_id)) {
        *msg = g_strdup("lacp-system-id is a group address (write a unicast "
                        "MAC, or auto)");
        return -EINVAL;
    }
    if ((unsigned int) t->policy >= TEAM_N_POLICIES
        || (unsigned int) t->hash_fields >= TEAM_N_HASH_FIELDS
        || (unsigned int) t->mode >= ARRAY_SIZE(mode_names)) {
        *msg = g_strdup_printf("unknown policy, hash-fields or mode (%d, %d, "
                               "%d)", (int) t->policy, (int) t->hash_fields,
                               (int) t->mode);
        return -EINVAL;
    }
    for (size_t i = 0; i < ARRAY_SIZE(team_numbers); i++) {
        const struct team_number *n = &team_numbers[i];
        unsigned int v = team_number_get(t, n);

        if (v < n->min || v > n->max) {
            *msg = g_strdup_printf("%s %u is out of range (%u-%u)", n->key, v,
                                   n->min, n->max);
            return -EINVAL;
        }
    }
    if (t->probe_ip && probe_ip_check(t->probe_ip, msg)) {
        return -EINVAL;
    }
    if (t->port.uplink) {
        *msg = g_strdup_printf("uplink=%s is a port setting (a team has no "
                               "uplink)", t->port.uplink);
        return -EINVAL;
    }
    return config_port_validate(&t->port, msg);
}

struct config_team *
config_add_team(struct config *cfg, const char *bridge, const char *name,
                char *const *members, char **msg)
{
    struct config_team *t;

    if (config_name_valid("team", name, msg)
        || config_bridge_exists(cfg, bridge, msg)
        || config_name_is_free(cfg, name, "team", msg)) {
        return NULL;
    }
    t = config_team_new(name, bridge, members);
    if (config_team_validate(t, msg)) {
        goto error;
    }
    for (guint i = 0; i < t->members->len; i++) {
        const struct config_team_member *m = g_ptr_array_index(t->members,
                                                               i);

        if (config_name_is_free(cfg, m->name, "member", msg)) {
            goto error;
        }
    }
    g_ptr_array_add(cfg->teams, t);
    return t;

error:
    config_team_free(t);
    return NULL;
}

int
config_team_add_member(struct config *cfg, struct config_team *t,
                       const char *member, char **msg)
{
    if (config_name_valid("member", member, msg)) {
        return -EINVAL;
    }
    if (!strcmp(member, t->port.name)) {
        *msg = g_strdup_printf("%s is the team's own name (a team and a team "
                               "member cannot share a name)", member);
        return -EINVAL;
    }
    if (config_name_is_free(cfg, member, "member", msg)) {
        return -EINVAL;
    }
    if (t->members->len >= CONFIG_TEAM_MEMBERS_MAX) {
        *msg = g_strdup_printf("team %s already has %u members (at most %d)",
                               t->port.name, t->members->len,
                               CONFIG_TEAM_MEMBERS_MAX);
        return -EINVAL;
    }
    g_ptr_array_add(t->members, config_team_member_new(member));
    return 0;
}

int
config_team_del_member(struct config *cfg, struct config_team *t,
                       const char *member, char **msg)
{
    struct config_team_member *m = config_team_find_member(t, member);

    if (!m) {
        return not_a_member(t, member, msg);
    }
    if (t->members->len == 1) {
        *msg = g_strdup_printf("team %s needs at least one member; use "
                               "del-team", t->port.name);
        return -EINVAL;
    }
    config_clear_uplinks(cfg, t->port.bridge, member);
    g_ptr_array_remove(t->members, m);
    return 0;
}

int
config_team_set_disabled(struct config_team *t, const char *member,
                         bool disabled, char **msg)
{
    struct config_team_member *m = config_team_find_member(t, member);

    if (!m) {
        return not_a_member(t, member, msg);
    }
    m->disabled = disabled;
    return 0;
}

