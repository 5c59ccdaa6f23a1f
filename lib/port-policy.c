/* port-policy: what a port may do, beyond its VLANs (port-policy.h). */
#include <autoconf.h>
#include "port-policy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

void
port_policy_init(struct port_policy *pp, bool is_team)
{
    memset(pp, 0, sizeof *pp);
    pp->enabled = true;
    pp->mac_limit = is_team ? 0 : PORT_POLICY_MAC_LIMIT_DEFAULT;
}

bool
port_policy_equal(const struct port_policy *a, const struct port_policy *b)
{
    return a->enabled == b->enabled
           && a->bpdu_guard == b->bpdu_guard
           && a->n_allowed_macs == b->n_allowed_macs
           && !memcmp(a->allowed_macs, b->allowed_macs,
                      a->n_allowed_macs * ETH_ADDR_LEN)
           && a->mac_security == b->mac_security
           && a->mac_limit == b->mac_limit
           && a->mac_limit_action == b->mac_limit_action
           && a->isolated == b->isolated
           && a->dhcp_guard == b->dhcp_guard
           && a->ra_guard == b->ra_guard
           && a->rate_in.bps == b->rate_in.bps
           && a->rate_in.burst == b->rate_in.burst
           && a->rate_out.bps == b->rate_out.bps
           && a->rate_out.burst == b->rate_out.burst
           && a->storm_limit == b->storm_limit
           && a->mtu == b->mtu;
}

uint64_t
port_rate_burst(const struct port_rate *r)
{
    uint64_t rto;

    if (r->burst) {
        return r->burst;
    }
    /* A policer drops the tail of a TCP sender's flight, which then waits
     * for its retransmission timer (200 ms at least): a bucket that fills
     * up meanwhile lets the sender make up for the wait.  Measured with
     * iperf3 over veths at 100 Mbit/s: 10 ms, 5 Mbit/s; 100 ms, 54; 150 ms,
     * 75; 200 ms, 100. */
    rto = r->bps / 8 / 5;
    return rto > 65536 ? rto : 65536;
}

/* ---- The keys ----------------------------------------------------------- */

/* Room for the longest value port_policy_format() writes: the full list of
 * allowed MACs. */
#define VALUE_MAX (PORT_POLICY_MACS_MAX * ETH_ADDR_STRLEN + 1)

enum key_type {
    KEY_BOOL,                    /* yes|no, a 'bool'. */
    KEY_UINT,                    /* A number in [min, max] or 'none_word'
                                  * (stored as 0), an 'unsigned int'. */
    KEY_RATE,                    /* RATE[,burst=BYTES]|none, a 'struct
                                  * port_rate'. */
    KEY_MACS,                    /* MAC[,MAC...]|any. */
    KEY_MAC_SECURITY,            /* source|strict. */
    KEY_MAC_LIMIT_ACTION,        /* drop|flood. */
};

struct key {
    const char *name;            /* As in the file and the commands. */
    enum key_type type;          /* How its value is read and written. */
    size_t offset;               /* Of its field in struct port_policy
                                  * (KEY_BOOL, KEY_UINT, KEY_RATE). */
    unsigned int min, max;       /* KEY_UINT: the range. */
    const char *none_word;       /* KEY_UINT: the word for 0. */
    const char *unit;            /* KEY_UINT: said after the range in
                                  * messages. */
};

#define FIELD(MEMBER) offsetof(struct port_policy, MEMBER)

/* In the order of port-policy.h, which is the order the file and 'show'
 * write them. */
static const struct key keys[] = {
    { "enabled", KEY_BOOL, FIELD(enabled), 0, 0, NULL, NULL },
    { "bpdu-guard", KEY_BOOL, FIELD(bpdu_guard), 0, 0, NULL, NULL },
    { "allowed-macs", KEY_MACS, 0, 0, 0, NULL, NULL },
    { "mac-security", KEY_MAC_SECURITY, 0, 0, 0, NULL, NULL },
    { "mac-limit", KEY_UINT, FIELD(mac_limit), 1, PORT_POLICY_MAC_LIMIT_MAX,
      "unlimited", " learned addresses" },
    { "mac-limit-action", KEY_MAC_LIMIT_ACTION, 0, 0, 0, NULL, NULL },
    { "isolated", KEY_BOOL, FIELD(isolated), 0, 0, NULL, NULL },
    { "dhcp-guard", KEY_BOOL, FIELD(dhcp_guard), 0, 0, NULL, NULL },
    { "ra-guard", KEY_BOOL, FIELD(ra_guard), 0, 0, NULL, NULL },
    { "rate-in", KEY_RATE, FIELD(rate_in), 0, 0, NULL, NULL },
    { "rate-out", KEY_RATE, FIELD(rate_out), 0, 0, NULL, NULL },
    { "storm-limit", KEY_UINT, FIELD(storm_limit), 1, PORT_POLICY_STORM_MAX,
      "none", " frames per second" },
    { "mtu", KEY_UINT, FIELD(mtu), PORT_POLICY_MTU_MIN, PORT_POLICY_MTU_MAX,
      "none", " bytes" },
};

static const char *const mac_security_names[] = {
    [PORT_MAC_SECURITY_SOURCE] = "source",
    [PORT_MAC_SECURITY_STRICT] = "strict",
};

static const char *const mac_limit_action_names[] = {
    [PORT_MAC_LIMIT_DROP] = "drop",
    [PORT_MAC_LIMIT_FLOOD] = "flood",
};

static const struct key *
key_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (!strcmp(keys[i].name, name)) {
            return &keys[i];
        }
    }
    return NULL;
}

static void *
key_field(struct port_policy *pp, const struct key *k)
{
    return (char *) pp + k->offset;
}

static const void *
key_field_const(const struct port_policy *pp, const struct key *k)
{
    return (const char *) pp + k->offset;
}

bool
port_policy_is_key(const char *key)
{
    return key_find(key) != NULL;
}

/* ---- Parsing ------------------------------------------------------------ */

/* Sets '*msg' and returns -EINVAL, for the parsers' one-line refusals. */
static int G_GNUC_PRINTF(2, 3)
refuse(char **msg, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    *msg = g_strdup_vprintf(format, args);
    va_end(args);
    return -EINVAL;
}

static bool
all_digits(const char *s)
{
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (!g_ascii_isdigit(*s)) {
            return false;
        }
    }
    return true;
}

static int
parse_bool(const struct key *k, const char *value, bool *out, char **msg)
{
    if (!strcmp(value, "yes") || !strcmp(value, "no")) {
        *out = !strcmp(value, "yes");
        return 0;
    }
    return refuse(msg, "%s \"%s\" is not yes or no", k->name, value);
}

static int
parse_uint(const struct key *k, const char *value, unsigned int *out,
           char **msg)
{
    unsigned long v;

    if (!strcmp(value, k->none_word)) {
        *out = 0;
        return 0;
    }
    if (str_to_uint_range(value, k->min, k->max, &v)) {
        *out = v;
        return 0;
    }
    if (all_digits(value)) {
        /* Unquoted, so cut here rather than by str_shorten_quoted(). */
        bool cut = strlen(value) > MSG_QUOTE_MAX;

        return refuse(msg, "%s %.*s%s is out of range (%u-%u, or %s)",
                      k->name, MSG_QUOTE_MAX, value, cut ? "..." : "",
                      k->min, k->max, k->none_word);
    }
    return refuse(msg, "%s \"%s\" is not a number (write %u-%u%s, or %s)",
                  k->name, value, k->min, k->max, k->unit, k->none_word);
}

static int
parse_choice(const struct key *k, const char *value,
             const char *const names[2], unsigned int *out, char **msg)
{
    for (unsigned int i = 0; i < 2; i++) {
        if (!strcmp(value, names[i])) {
            *out = i;
            return 0;
        }
    }
    return refuse(msg, "unknown %s \"%s\" (expected %s or %s)", k->name,
                  value, names[0], names[1]);
}

/* Parses "DIGITS[k|K|M|G]" (powers of 1000) from 's' up to 'end', the whole
 * of it.  Returns false if it is not that or does not fit in 64 bits. */
static bool
parse_scaled(const char *s, const char *end, uint64_t *out)
{
    uint64_t v = 0, scale = 1;

    if (s == end || !g_ascii_isdigit(*s)) {
        return false;
    }
    for (; s < end && g_ascii_isdigit(*s); s++) {
        unsigned int d = *s - '0';

        if (v > (UINT64_MAX - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    if (s < end) {
        switch (*s++) {
        case 'k': case 'K': scale = 1000; break;
        case 'M': scale = 1000 * 1000; break;
        case 'G': scale = 1000 * 1000 * 1000; break;
        default: return false;
        }
    }
    if (s != end || v > UINT64_MAX / scale) {
        return false;
    }
    *out = v * scale;
    return true;
}

/* Writes 'v' with the largest suffix that keeps it exact: 100000000 as
 * "100M", 65536 as "65536", so that parse_scaled() reads back 'v'. */
static void
format_scaled(uint64_t v, char *buf, size_t size)
{
    static const struct { uint64_t scale; char suffix; } units[] = {
        { 1000ULL * 1000 * 1000, 'G' }, { 1000 * 1000, 'M' }, { 1000, 'k' },
    };

    for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
        if (v && !(v % units[i].scale)) {
            snprintf(buf, size, "%" PRIu64 "%c", v / units[i].scale,
                     units[i].suffix);
            return;
        }
    }
    snprintf(buf, size, "%" PRIu64, v);
}

#define RATE_RANGE "8k-400G bits/s"
#define BURST_PREFIX ",burst="

static int
parse_rate(const struct key *k, const char *value, struct port_rate *out,
           char **msg)
{
    const char *comma = strchr(value, ',');
    const char *rate_end = comma ? comma : value + strlen(value);
    struct port_rate r = { 0, 0 };

    if (!strcmp(value, "none")) {
        *out = r;
        return 0;
    }
    if (!parse_scaled(value, rate_end, &r.bps)) {
        return refuse(msg, "%s \"%s\" is not a rate (write BITS/S with an "
                      "optional k, M or G suffix, " RATE_RANGE ", then "
                      "optionally " BURST_PREFIX "BYTES; or none)",
                      k->name, value);
    }
    if (r.bps < PORT_POLICY_RATE_MIN || r.bps > PORT_POLICY_RATE_MAX) {
        return refuse(msg, "%s \"%s\" is out of range (" RATE_RANGE ")",
                      k->name, value);
    }
    if (comma) {
        const char *burst = comma + strlen(BURST_PREFIX);

        if (strncmp(comma, BURST_PREFIX, strlen(BURST_PREFIX))
            || !parse_scaled(burst, burst + strlen(burst), &r.burst)) {
            return refuse(msg, "%s \"%s\": the burst is not a size (write "
                          "RATE" BURST_PREFIX "BYTES, BYTES with an optional "
                          "k, M or G suffix, %u-%u)", k->name, value,
                          PORT_POLICY_BURST_MIN, PORT_POLICY_BURST_MAX);
        }
        if (r.burst < PORT_POLICY_BURST_MIN
            || r.burst > PORT_POLICY_BURST_MAX) {
            return refuse(msg, "%s \"%s\": the burst is out of range "
                          "(%u-%u bytes)", k->name, value,
                          PORT_POLICY_BURST_MIN, PORT_POLICY_BURST_MAX);
        }
    }
    *out = r;
    return 0;
}

static int
parse_macs(const struct key *k, const char *value, struct port_policy *pp,
           char **msg)
{
    uint8_t macs[PORT_POLICY_MACS_MAX][ETH_ADDR_LEN];
    unsigned int n = 0;
    char **words;
    int error = 0;

    if (!strcmp(value, "any") || !*value) {
        pp->n_allowed_macs = 0;
        memset(pp->allowed_macs, 0, sizeof pp->allowed_macs);
        return 0;
    }
    words = g_strsplit(value, ",", -1);
    for (size_t i = 0; !error && words[i]; i++) {
        uint8_t mac[ETH_ADDR_LEN];

        if (!eth_addr_parse(words[i], mac)) {
            error = refuse(msg, "%s: \"%s\" is not a MAC address (write "
                           "xx:xx:xx:xx:xx:xx, up to %d separated by commas, "
                           "or any)", k->name, words[i],
                           PORT_POLICY_MACS_MAX);
        } else if (eth_addr_is_multicast(mac) || eth_addr_is_zero(mac)) {
            error = refuse(msg, "%s: %s is not a station address (a source "
                           "is never a multicast or zero address)", k->name,
                           words[i]);
        } else if (n == PORT_POLICY_MACS_MAX) {
            error = refuse(msg, "%s lists %u addresses (at most %d)",
                           k->name, g_strv_length(words),
                           PORT_POLICY_MACS_MAX);
        } else {
            for (unsigned int j = 0; !error && j < n; j++) {
                if (!memcmp(macs[j], mac, ETH_ADDR_LEN)) {
                    error = refuse(msg, "%s lists %s twice (give each "
                                   "address once)", k->name, words[i]);
                }
            }
            memcpy(macs[n++], mac, ETH_ADDR_LEN);
        }
    }
    g_strfreev(words);
    if (!error) {
        memset(pp->allowed_macs, 0, sizeof pp->allowed_macs);
        memcpy(pp->allowed_macs, macs, n * ETH_ADDR_LEN);
        pp->n_allowed_macs = n;
    }
    return error;
}

/* Parses into 'pp', which may be left half-changed on error: the caller
 * works on a copy. */
static int
key_parse(const struct key *k, struct port_policy *pp, const char *value,
          char **msg)
{
    unsigned int choice;
    int error;

    switch (k->type) {
    case KEY_BOOL:
        return parse_bool(k, value, key_field(pp, k), msg);
    case KEY_UINT:
        return parse_uint(k, value, key_field(pp, k), msg);
    case KEY_RATE:
        return parse_rate(k, value, key_field(pp, k), msg);
    case KEY_MACS:
        return parse_macs(k, value, pp, msg);
    case KEY_MAC_SECURITY:
        error = parse_choice(k, value, mac_security_names, &choice, msg);
        if (!error) {
            pp->mac_security = choice;
        }
        return error;
    case KEY_MAC_LIMIT_ACTION:
        error = parse_choice(k, value, mac_limit_action_names, &choice, msg);
        if (!error) {
            pp->mac_limit_action = choice;
        }
        return error;
    }
    return refuse(msg, "%s: unknown kind of key", k->name);
}

int
port_policy_set(struct port_policy *pp, const char *key, const char *value,
                char **msg)
{
    const struct key *k = key_find(key);
    struct port_policy copy = *pp;
    int error;

    *msg = NULL;
    if (!k) {
        return refuse(msg, "unknown port policy key \"%s\"", key);
    }
    error = key_parse(k, &copy, value, msg);
    if (error) {
        str_shorten_quoted(*msg, MSG_QUOTE_MAX, MSG_MAX_LEN);
        return error;
    }
    *pp = copy;
    return 0;
}

/* ---- Formatting --------------------------------------------------------- */

static void
format_rate(const struct port_rate *r, char *buf, size_t size)
{
    size_t n;

    if (!r->bps) {
        snprintf(buf, size, "none");
        return;
    }
    format_scaled(r->bps, buf, size);
    n = strlen(buf);
    if (r->burst && n + strlen(BURST_PREFIX) < size) {
        snprintf(buf + n, size - n, BURST_PREFIX);
        n = strlen(buf);
        format_scaled(r->burst, buf + n, size - n);
    }
}

static void
format_macs(const struct port_policy *pp, char *buf, size_t size)
{
    size_t n = 0;

    if (!pp->n_allowed_macs) {
        snprintf(buf, size, "any");
        return;
    }
    buf[0] = '\0';
    for (unsigned int i = 0; i < pp->n_allowed_macs && n < size; i++) {
        n += snprintf(buf + n, size - n, "%s" ETH_ADDR_FMT, i ? "," : "",
                      ETH_ADDR_ARGS(pp->allowed_macs[i]));
    }
}

/* Writes the value of 'k' in 'pp' as key_parse() reads it. */
static void
key_format(const struct key *k, const struct port_policy *pp, char *buf,
           size_t size)
{
    const unsigned int *u;

    switch (k->type) {
    case KEY_BOOL:
        snprintf(buf, size, "%s",
                 *(const bool *) key_field_const(pp, k) ? "yes" : "no");
        return;
    case KEY_UINT:
        u = key_field_const(pp, k);
        if (*u) {
            snprintf(buf, size, "%u", *u);
        } else {
            snprintf(buf, size, "%s", k->none_word);
        }
        return;
    case KEY_RATE:
        format_rate(key_field_const(pp, k), buf, size);
        return;
    case KEY_MACS:
        format_macs(pp, buf, size);
        return;
    case KEY_MAC_SECURITY:
        snprintf(buf, size, "%s", mac_security_names[pp->mac_security]);
        return;
    case KEY_MAC_LIMIT_ACTION:
        snprintf(buf, size, "%s",
                 mac_limit_action_names[pp->mac_limit_action]);
        return;
    }
    snprintf(buf, size, "?");
}

/* True if 'k' has the same value in 'a' and 'b' (then key_format() writes
 * the same text for both): saving a thousand ports compares their keys
 * with the defaults' without formatting either. */
static bool
key_equal(const struct key *k, const struct port_policy *a,
          const struct port_policy *b)
{
    const struct port_rate *ra, *rb;

    switch (k->type) {
    case KEY_BOOL:
        return (*(const bool *) key_field_const(a, k)
                == *(const bool *) key_field_const(b, k));
    case KEY_UINT:
        return (*(const unsigned int *) key_field_const(a, k)
                == *(const unsigned int *) key_field_const(b, k));
    case KEY_RATE:
        ra = key_field_const(a, k);
        rb = key_field_const(b, k);
        return ra->bps == rb->bps && (!ra->bps || ra->burst == rb->burst);
    case KEY_MACS:
        return (a->n_allowed_macs == b->n_allowed_macs
                && !memcmp(a->allowed_macs, b->allowed_macs,
                           a->n_allowed_macs * ETH_ADDR_LEN));
    case KEY_MAC_SECURITY:
        return a->mac_security == b->mac_security;
    case KEY_MAC_LIMIT_ACTION:
    default:
        return a->mac_limit_action == b->mac_limit_action;
    }
}

void
port_policy_format(const struct port_policy *pp, bool is_team, bool all,
                   void (*cb)(const char *key, const char *value, void *aux),
                   void *aux)
{
    struct port_policy def;

    port_policy_init(&def, is_team);
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        char value[VALUE_MAX];

        if (all || !key_equal(&keys[i], pp, &def)) {
            key_format(&keys[i], pp, value, sizeof value);
            cb(keys[i].name, value, aux);
        }
    }
}
