/* Tests of lib/port-policy.c: every key's parser, its refusals and their
 * messages, and the text port_policy_format() writes, read back. */
#include <autoconf.h>
#include "port-policy.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include "unit.h"

/* Helpers. */

static void
set_ok(struct port_policy *pp, const char *key, const char *value)
{
    char *msg = NULL;
    int error = port_policy_set(pp, key, value, &msg);

    if (error) {
        fprintf(stderr, "\n  %s=%s refused: %s\n", key, value, msg);
    }
    CU_ASSERT_EQUAL(error, 0);
    CU_ASSERT_PTR_NULL(msg);
    g_free(msg);
}

/* Setting 'key' to 'value' must fail with exactly 'expected' and leave the
 * policy as it was. */
static void
expect_error(struct port_policy *pp, const char *key, const char *value,
             const char *expected)
{
    struct port_policy before = *pp;
    char *msg = NULL;

    CU_ASSERT_EQUAL(port_policy_set(pp, key, value, &msg), -EINVAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    if (strcmp(msg, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n", expected, msg);
    }
    CU_ASSERT_STRING_EQUAL(msg, expected);
    CU_ASSERT_TRUE(port_policy_equal(pp, &before));
    CU_ASSERT_EQUAL(memcmp(pp, &before, sizeof before), 0);
    g_free(msg);
}

/* Collects port_policy_format()'s output as "key=value key=value". */
static void
collect(const char *key, const char *value, void *s_)
{
    GString *s = s_;

    g_string_append_printf(s, "%s%s=%s", s->len ? " " : "", key, value);
}

static char *
format(const struct port_policy *pp, bool is_team, bool all)
{
    GString *s = g_string_new(NULL);

    port_policy_format(pp, is_team, all, collect, s);
    return g_string_free(s, FALSE);
}

static void
expect_format(const struct port_policy *pp, const char *expected)
{
    char *s = format(pp, false, false);

    if (strcmp(s, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n", expected, s);
    }
    CU_ASSERT_STRING_EQUAL(s, expected);
    g_free(s);
}

/* Sets every key port_policy_format() gave for 'pp' on a fresh policy and
 * checks that it comes out equal. */
static void
collect_set(const char *key, const char *value, void *pp)
{
    set_ok(pp, key, value);
}

static void
expect_round_trip(const struct port_policy *pp, bool is_team)
{
    struct port_policy back;

    for (int all = 0; all < 2; all++) {
        port_policy_init(&back, is_team);
        port_policy_format(pp, is_team, all, collect_set, &back);
        CU_ASSERT_TRUE(port_policy_equal(pp, &back));
    }
}

/* Tests. */

static void
test_defaults(void)
{
    struct port_policy pp, team;
    char *s;

    port_policy_init(&pp, false);
    port_policy_init(&team, true);
    CU_ASSERT_TRUE(pp.enabled);
    CU_ASSERT_EQUAL(pp.mac_limit, PORT_POLICY_MAC_LIMIT_DEFAULT);
    CU_ASSERT_EQUAL(team.mac_limit, 0);
    CU_ASSERT_FALSE(port_policy_equal(&pp, &team));

    /* Nothing differs from the defaults: nothing written. */
    expect_format(&pp, "");
    s = format(&team, true, false);
    CU_ASSERT_STRING_EQUAL(s, "");
    g_free(s);
    /* A port's defaults seen as a team's: the MAC limit differs. */
    s = format(&pp, true, false);
    CU_ASSERT_STRING_EQUAL(s, "mac-limit=64");
    g_free(s);

    /* 'all': every key, in port-policy.h's order. */
    s = format(&pp, false, true);
    CU_ASSERT_STRING_EQUAL(s, "enabled=yes bpdu-guard=no allowed-macs=any "
                           "mac-security=source mac-limit=64 "
                           "mac-limit-action=drop isolated=no dhcp-guard=no "
                           "ra-guard=no rate-in=none rate-out=none "
                           "storm-limit=none mtu=none");
    g_free(s);
}

static void
test_is_key(void)
{
    static const char *const keys[] = {
        "enabled", "bpdu-guard", "allowed-macs", "mac-security", "mac-limit",
        "mac-limit-action", "isolated", "dhcp-guard", "ra-guard", "rate-in",
        "rate-out", "storm-limit", "mtu",
    };
    struct port_policy pp;
    char *s;

    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        CU_ASSERT_TRUE(port_policy_is_key(keys[i]));
    }
    CU_ASSERT_FALSE(port_policy_is_key("vlan"));
    CU_ASSERT_FALSE(port_policy_is_key("type"));
    CU_ASSERT_FALSE(port_policy_is_key("MTU"));
    CU_ASSERT_FALSE(port_policy_is_key(""));

    /* format(all) names exactly these keys. */
    port_policy_init(&pp, false);
    s = format(&pp, false, true);
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        char *kv = g_strdup_printf("%s=", keys[i]);

        CU_ASSERT_PTR_NOT_NULL(strstr(s, kv));
        g_free(kv);
    }
    g_free(s);

    expect_error(&pp, "vlan", "10", "unknown port policy key \"vlan\"");
}

static void
test_booleans(void)
{
    static const struct {
        const char *key;
        size_t offset;
    } bools[] = {
        { "enabled", offsetof(struct port_policy, enabled) },
        { "bpdu-guard", offsetof(struct port_policy, bpdu_guard) },
        { "isolated", offsetof(struct port_policy, isolated) },
        { "dhcp-guard", offsetof(struct port_policy, dhcp_guard) },
        { "ra-guard", offsetof(struct port_policy, ra_guard) },
    };

    for (size_t i = 0; i < ARRAY_SIZE(bools); i++) {
        const char *key = bools[i].key;
        struct port_policy pp;
        bool *field = (bool *) ((char *) &pp + bools[i].offset);
        char *msg;

        port_policy_init(&pp, false);
        set_ok(&pp, key, "yes");
        CU_ASSERT_TRUE(*field);
        expect_round_trip(&pp, false);
        set_ok(&pp, key, "no");
        CU_ASSERT_FALSE(*field);
        expect_round_trip(&pp, false);

        msg = g_strdup_printf("%s \"true\" is not yes or no", key);
        expect_error(&pp, key, "true", msg);
        g_free(msg);
        msg = g_strdup_printf("%s \"YES\" is not yes or no", key);
        expect_error(&pp, key, "YES", msg);
        g_free(msg);
        msg = g_strdup_printf("%s \"\" is not yes or no", key);
        expect_error(&pp, key, "", msg);
        g_free(msg);
    }
}

static void
test_choices(void)
{
    struct port_policy pp;

    port_policy_init(&pp, false);
    set_ok(&pp, "mac-security", "strict");
    CU_ASSERT_EQUAL(pp.mac_security, PORT_MAC_SECURITY_STRICT);
    expect_format(&pp, "mac-security=strict");
    expect_round_trip(&pp, false);
    set_ok(&pp, "mac-security", "source");
    CU_ASSERT_EQUAL(pp.mac_security, PORT_MAC_SECURITY_SOURCE);
    expect_error(&pp, "mac-security", "reject",
                 "unknown mac-security \"reject\" (expected source or "
                 "strict)");

    set_ok(&pp, "mac-limit-action", "flood");
    CU_ASSERT_EQUAL(pp.mac_limit_action, PORT_MAC_LIMIT_FLOOD);
    expect_format(&pp, "mac-limit-action=flood");
    expect_round_trip(&pp, false);
    set_ok(&pp, "mac-limit-action", "drop");
    CU_ASSERT_EQUAL(pp.mac_limit_action, PORT_MAC_LIMIT_DROP);
    expect_error(&pp, "mac-limit-action", "evict",
                 "unknown mac-limit-action \"evict\" (expected drop or "
                 "flood)");
}

static void
test_numbers(void)
{
    struct port_policy pp;

    port_policy_init(&pp, false);

    /* mac-limit: 1-1048576 or unlimited (0). */
    set_ok(&pp, "mac-limit", "1");
    CU_ASSERT_EQUAL(pp.mac_limit, 1);
    set_ok(&pp, "mac-limit", "1048576");
    CU_ASSERT_EQUAL(pp.mac_limit, 1048576);
    expect_format(&pp, "mac-limit=1048576");
    set_ok(&pp, "mac-limit", "unlimited");
    CU_ASSERT_EQUAL(pp.mac_limit, 0);
    expect_format(&pp, "mac-limit=unlimited");
    expect_round_trip(&pp, false);
    expect_error(&pp, "mac-limit", "0",
                 "mac-limit 0 is out of range (1-1048576, or unlimited)");
    expect_error(&pp, "mac-limit", "1048577",
                 "mac-limit 1048577 is out of range (1-1048576, or "
                 "unlimited)");
    expect_error(&pp, "mac-limit", "none",
                 "mac-limit \"none\" is not a number (write 1-1048576 "
                 "learned addresses, or unlimited)");
    expect_error(&pp, "mac-limit", "-1",
                 "mac-limit \"-1\" is not a number (write 1-1048576 "
                 "learned addresses, or unlimited)");
    expect_error(&pp, "mac-limit", "99999999999999999999999",
                 "mac-limit 99999999999999999999999 is out of range "
                 "(1-1048576, or unlimited)");

    /* A team's default is unlimited: 64 is then written. */
    port_policy_init(&pp, true);
    set_ok(&pp, "mac-limit", "64");
    {
        char *s = format(&pp, true, false);

        CU_ASSERT_STRING_EQUAL(s, "mac-limit=64");
        g_free(s);
    }
    expect_round_trip(&pp, true);

    /* storm-limit: 1-100000000 or none. */
    port_policy_init(&pp, false);
    set_ok(&pp, "storm-limit", "1000");
    CU_ASSERT_EQUAL(pp.storm_limit, 1000);
    expect_format(&pp, "storm-limit=1000");
    expect_round_trip(&pp, false);
    set_ok(&pp, "storm-limit", "100000000");
    CU_ASSERT_EQUAL(pp.storm_limit, 100000000);
    set_ok(&pp, "storm-limit", "none");
    CU_ASSERT_EQUAL(pp.storm_limit, 0);
    expect_error(&pp, "storm-limit", "0",
                 "storm-limit 0 is out of range (1-100000000, or none)");
    expect_error(&pp, "storm-limit", "100000001",
                 "storm-limit 100000001 is out of range (1-100000000, or "
                 "none)");
    expect_error(&pp, "storm-limit", "1k",
                 "storm-limit \"1k\" is not a number (write 1-100000000 "
                 "frames per second, or none)");

    /* mtu: 68-65535 or none. */
    set_ok(&pp, "mtu", "9000");
    CU_ASSERT_EQUAL(pp.mtu, 9000);
    expect_format(&pp, "mtu=9000");
    expect_round_trip(&pp, false);
    set_ok(&pp, "mtu", "68");
    set_ok(&pp, "mtu", "65535");
    set_ok(&pp, "mtu", "none");
    CU_ASSERT_EQUAL(pp.mtu, 0);
    expect_error(&pp, "mtu", "67",
                 "mtu 67 is out of range (68-65535, or none)");
    expect_error(&pp, "mtu", "65536",
                 "mtu 65536 is out of range (68-65535, or none)");
    expect_error(&pp, "mtu", "1500 ",
                 "mtu \"1500 \" is not a number (write 68-65535 bytes, or "
                 "none)");
    expect_error(&pp, "mtu", "",
                 "mtu \"\" is not a number (write 68-65535 bytes, or none)");
}

static void
test_rates(void)
{
    /* Too big for 64 bits, a unit, milli, nothing, a burst without a
     * rate. */
    static const char *const not_rates[] = {
        "99999999999999999999G", "100Mbit", "100m", "", "none,burst=64k",
    };
    static const char *const not_bursts[] = {
        "100M,burst=", "100M,bust=64k", "100M,burst=64k,burst=1M",
    };
    struct port_policy pp;

    port_policy_init(&pp, false);
    set_ok(&pp, "rate-out", "100M");
    CU_ASSERT_EQUAL(pp.rate_out.bps, 100000000ULL);
    CU_ASSERT_EQUAL(pp.rate_out.burst, 0);
    CU_ASSERT_EQUAL(pp.rate_in.bps, 0);
    expect_format(&pp, "rate-out=100M");

    set_ok(&pp, "rate-in", "1500000,burst=64k");
    CU_ASSERT_EQUAL(pp.rate_in.bps, 1500000ULL);
    CU_ASSERT_EQUAL(pp.rate_in.burst, 64000ULL);
    expect_format(&pp, "rate-in=1500k,burst=64k rate-out=100M");
    expect_round_trip(&pp, false);

    /* Suffixes are powers of 1000; k or K; an exact value is written with
     * the largest suffix that keeps it exact. */
    set_ok(&pp, "rate-in", "8k");
    CU_ASSERT_EQUAL(pp.rate_in.bps, 8000ULL);
    set_ok(&pp, "rate-in", "8K");
    CU_ASSERT_EQUAL(pp.rate_in.bps, 8000ULL);
    set_ok(&pp, "rate-in", "400G");
    CU_ASSERT_EQUAL(pp.rate_in.bps, PORT_POLICY_RATE_MAX);
    set_ok(&pp, "rate-in", "10000000000,burst=1073741824");
    CU_ASSERT_EQUAL(pp.rate_in.bps, 10000000000ULL);
    CU_ASSERT_EQUAL(pp.rate_in.burst, PORT_POLICY_BURST_MAX);
    expect_format(&pp, "rate-in=10G,burst=1073741824 rate-out=100M");
    expect_round_trip(&pp, false);
    set_ok(&pp, "rate-in", "8001,burst=1500");
    expect_format(&pp, "rate-in=8001,burst=1500 rate-out=100M");
    expect_round_trip(&pp, false);
    set_ok(&pp, "rate-in", "1G,burst=2M");
    CU_ASSERT_EQUAL(pp.rate_in.burst, 2000000ULL);

    /* none clears the rate and its burst. */
    set_ok(&pp, "rate-in", "none");
    CU_ASSERT_EQUAL(pp.rate_in.bps, 0);
    CU_ASSERT_EQUAL(pp.rate_in.burst, 0);
    set_ok(&pp, "rate-out", "none");
    expect_format(&pp, "");

    expect_error(&pp, "rate-in", "7999",
                 "rate-in \"7999\" is out of range (8k-400G bits/s)");
    expect_error(&pp, "rate-in", "401G",
                 "rate-in \"401G\" is out of range (8k-400G bits/s)");
    for (size_t i = 0; i < ARRAY_SIZE(not_rates); i++) {
        char *msg = g_strdup_printf("rate-out \"%s\" is not a rate (write "
                                    "BITS/S with an optional k, M or G "
                                    "suffix, 8k-400G bits/s, then "
                                    "optionally ,burst=BYTES; or none)",
                                    not_rates[i]);

        expect_error(&pp, "rate-out", not_rates[i], msg);
        g_free(msg);
    }
    for (size_t i = 0; i < ARRAY_SIZE(not_bursts); i++) {
        char *msg = g_strdup_printf("rate-out \"%s\": the burst is not a "
                                    "size (write RATE,burst=BYTES, BYTES "
                                    "with an optional k, M or G suffix, "
                                    "1500-1073741824)", not_bursts[i]);

        expect_error(&pp, "rate-out", not_bursts[i], msg);
        g_free(msg);
    }
    expect_error(&pp, "rate-out", "100M,burst=1499",
                 "rate-out \"100M,burst=1499\": the burst is out of range "
                 "(1500-1073741824 bytes)");
    expect_error(&pp, "rate-out", "100M,burst=2G",
                 "rate-out \"100M,burst=2G\": the burst is out of range "
                 "(1500-1073741824 bytes)");
}

#define NOT_STATION " is not a station address (a source is never a " \
    "multicast or zero address)"
#define NOT_MAC " is not a MAC address (write xx:xx:xx:xx:xx:xx, up to 16 " \
    "separated by commas, or any)"

static void
test_allowed_macs(void)
{
    static const struct {
        const char *value;
        const char *expected;
    } bad[] = {
        { "02:00:00:00:00:01,01:00:5e:00:00:01",
          "allowed-macs: 01:00:5e:00:00:01" NOT_STATION },
        { "ff:ff:ff:ff:ff:ff", "allowed-macs: ff:ff:ff:ff:ff:ff" NOT_STATION },
        { "00:00:00:00:00:00", "allowed-macs: 00:00:00:00:00:00" NOT_STATION },
        { "02:00:00:00:00:01,02:00:00:00:00:01",
          "allowed-macs lists 02:00:00:00:00:01 twice (give each address "
          "once)" },
        /* Duplicates are found whatever the case. */
        { "02:00:00:00:00:aa,02:00:00:00:00:AA",
          "allowed-macs lists 02:00:00:00:00:AA twice (give each address "
          "once)" },
        { "02:00:00:00:00:01,", "allowed-macs: \"\"" NOT_MAC },
        { "none", "allowed-macs: \"none\"" NOT_MAC },
        { "02-00-00-00-00-01", "allowed-macs: \"02-00-00-00-00-01\"" NOT_MAC },
    };
    struct port_policy pp;
    GString *many = g_string_new(NULL);
    char *msg;

    port_policy_init(&pp, false);
    set_ok(&pp, "allowed-macs", "02:00:00:00:00:01,02:00:00:00:00:0A");
    CU_ASSERT_EQUAL(pp.n_allowed_macs, 2);
    {
        static const uint8_t a[ETH_ADDR_LEN] = UNIT_MAC(1);
        static const uint8_t b[ETH_ADDR_LEN] = UNIT_MAC(10);
        static const uint8_t c[ETH_ADDR_LEN] = UNIT_MAC(3);

        CU_ASSERT_TRUE(port_policy_mac_allowed(&pp, a));
        CU_ASSERT_TRUE(port_policy_mac_allowed(&pp, b));
        CU_ASSERT_FALSE(port_policy_mac_allowed(&pp, c));
    }
    /* Written lower case, in the order given. */
    expect_format(&pp, "allowed-macs=02:00:00:00:00:01,02:00:00:00:00:0a");
    expect_round_trip(&pp, false);

    /* A new list replaces the old one. */
    set_ok(&pp, "allowed-macs", "02:00:00:00:00:03");
    CU_ASSERT_EQUAL(pp.n_allowed_macs, 1);
    expect_format(&pp, "allowed-macs=02:00:00:00:00:03");

    /* any, or nothing, clears it. */
    set_ok(&pp, "allowed-macs", "any");
    CU_ASSERT_EQUAL(pp.n_allowed_macs, 0);
    expect_format(&pp, "");
    set_ok(&pp, "allowed-macs", "02:00:00:00:00:03");
    set_ok(&pp, "allowed-macs", "");
    CU_ASSERT_EQUAL(pp.n_allowed_macs, 0);

    /* The most there may be. */
    for (int i = 1; i <= PORT_POLICY_MACS_MAX; i++) {
        g_string_append_printf(many, "%s02:00:00:00:01:%02x",
                               i > 1 ? "," : "", i);
    }
    set_ok(&pp, "allowed-macs", many->str);
    CU_ASSERT_EQUAL(pp.n_allowed_macs, PORT_POLICY_MACS_MAX);
    expect_round_trip(&pp, false);

    g_string_append(many, ",02:00:00:00:01:ff");
    expect_error(&pp, "allowed-macs", many->str,
                 "allowed-macs lists 17 addresses (at most 16)");
    g_string_free(many, TRUE);

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        expect_error(&pp, "allowed-macs", bad[i].value, bad[i].expected);
    }

    /* A huge value is quoted shortened. */
    many = g_string_new(NULL);
    for (int i = 0; i < 1000; i++) {
        g_string_append_c(many, 'x');
    }
    CU_ASSERT_EQUAL(port_policy_set(&pp, "allowed-macs", many->str, &msg),
                    -EINVAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT_TRUE(strlen(msg) < 200);
    g_free(msg);
    g_string_free(many, TRUE);
}

/* Every key set at once: written, read back, equal; and each key changes
 * only its own field. */
static void
test_all_keys_round_trip(void)
{
    struct port_policy pp, back;
    char *s;

    port_policy_init(&pp, false);
    set_ok(&pp, "enabled", "no");
    set_ok(&pp, "bpdu-guard", "yes");
    set_ok(&pp, "allowed-macs", "02:00:00:00:00:01,02:00:00:00:00:02");
    set_ok(&pp, "mac-security", "strict");
    set_ok(&pp, "mac-limit", "10");
    set_ok(&pp, "mac-limit-action", "flood");
    set_ok(&pp, "isolated", "yes");
    set_ok(&pp, "dhcp-guard", "yes");
    set_ok(&pp, "ra-guard", "yes");
    set_ok(&pp, "rate-in", "1G,burst=1M");
    set_ok(&pp, "rate-out", "250M");
    set_ok(&pp, "storm-limit", "1000");
    set_ok(&pp, "mtu", "9000");

    s = format(&pp, false, false);
    CU_ASSERT_STRING_EQUAL(s, "enabled=no bpdu-guard=yes "
                           "allowed-macs=02:00:00:00:00:01,02:00:00:00:00:02 "
                           "mac-security=strict mac-limit=10 "
                           "mac-limit-action=flood isolated=yes "
                           "dhcp-guard=yes ra-guard=yes rate-in=1G,burst=1M "
                           "rate-out=250M storm-limit=1000 mtu=9000");
    g_free(s);
    expect_round_trip(&pp, false);

    /* Back to the defaults key by key. */
    back = pp;
    set_ok(&back, "enabled", "yes");
    set_ok(&back, "bpdu-guard", "no");
    set_ok(&back, "allowed-macs", "any");
    set_ok(&back, "mac-security", "source");
    set_ok(&back, "mac-limit", "64");
    set_ok(&back, "mac-limit-action", "drop");
    set_ok(&back, "isolated", "no");
    set_ok(&back, "dhcp-guard", "no");
    set_ok(&back, "ra-guard", "no");
    set_ok(&back, "rate-in", "none");
    set_ok(&back, "rate-out", "none");
    set_ok(&back, "storm-limit", "none");
    set_ok(&back, "mtu", "none");
    port_policy_init(&pp, false);
    CU_ASSERT_TRUE(port_policy_equal(&back, &pp));
    expect_format(&back, "");
}

static void
test_burst_default(void)
{
    struct port_rate r = { 1000000, 0 };

    /* 64 KiB at low rates, 10 ms at high ones, the given burst if any. */
    CU_ASSERT_EQUAL(port_rate_burst(&r), 65536);
    r.bps = 10000000000ULL;
    CU_ASSERT_EQUAL(port_rate_burst(&r), 12500000);
    r.burst = 3000;
    CU_ASSERT_EQUAL(port_rate_burst(&r), 3000);
}

static const CU_TestInfo tests[] = {
    { "defaults", test_defaults },
    { "keys", test_is_key },
    { "yes/no keys", test_booleans },
    { "mac-security and mac-limit-action", test_choices },
    { "mac-limit, storm-limit and mtu", test_numbers },
    { "rate-in and rate-out", test_rates },
    { "allowed-macs", test_allowed_macs },
    { "every key round trip", test_all_keys_round_trip },
    { "burst default", test_burst_default },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("port-policy", NULL, NULL, tests);
}
