#include <autoconf.h>
#include "config.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "unit.h"

#define SOURCE "test.conf"

static const uint8_t MAC1[ETH_ADDR_LEN] = UNIT_MAC(1);
static const uint8_t MAC2[ETH_ADDR_LEN] = UNIT_MAC(2);
static const uint8_t MAC3[ETH_ADDR_LEN] = UNIT_MAC(3);

/* Helpers. */

/* For the calls whose message a test does not look at. */
static char *ignored_msg;
#define NO_MSG no_msg()

static char **
no_msg(void)
{
    g_clear_pointer(&ignored_msg, g_free);
    return &ignored_msg;
}

/* What the last load_*() below returned: 0 or a negative errno. */
static int load_error;

/* config_load_data(), config_load() and config_load_existing() returning
 * the configuration (NULL on error, 'load_error' says which). */
static struct config *
load_data(const char *data, size_t len, const char *source, char **msg)
{
    struct config *cfg;

    load_error = config_load_data(data, len, source, &cfg, msg);
    CU_ASSERT_EQUAL(!load_error, !!cfg);
    return cfg;
}

/* 'load' is config_load() or config_load_existing(). */
static struct config *
load_path(int (*load)(const char *, struct config **, char **),
          const char *path, char **msg)
{
    struct config *cfg;

    load_error = load(path, &cfg, msg);
    CU_ASSERT_EQUAL(!load_error, !!cfg);
    return cfg;
}

static struct config *
load_text(const char *text, char **msg)
{
    return load_data(text, strlen(text), SOURCE, msg);
}

/* Loads 'text', which must fail with exactly 'expected'. */
static void
expect_load_error(const char *text, const char *expected)
{
    char *msg = NULL;
    struct config *cfg = load_text(text, &msg);

    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT_EQUAL(load_error, -EINVAL);
    if (strcmp(msg, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n",
                expected, msg);
    }
    CU_ASSERT_STRING_EQUAL(msg, expected);
    g_free(msg);
    config_free(cfg);
}

/* Checks that 'cfg' fails validation with exactly 'expected'. */
static void
expect_invalid(const struct config *cfg, const char *expected)
{
    char *msg = NULL;

    CU_ASSERT_EQUAL(config_validate(cfg, &msg), -EINVAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    if (strcmp(msg, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n",
                expected, msg);
    }
    CU_ASSERT_STRING_EQUAL(msg, expected);
    g_free(msg);
}

static void
expect_port_set_error(struct config_port *p, const char *key,
                      const char *value, const char *expected)
{
    char *msg = NULL;

    CU_ASSERT_EQUAL(config_port_set(p, key, value, &msg), -EINVAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    if (strcmp(msg, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n",
                expected, msg);
    }
    CU_ASSERT_STRING_EQUAL(msg, expected);
    g_free(msg);
}

static void
set_ok(struct config_port *p, const char *key, const char *value)
{
    char *msg = NULL;

    CU_ASSERT_EQUAL(config_port_set(p, key, value, &msg), 0);
    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);
}

static void
port_valid(const struct config_port *p)
{
    char *msg = NULL;

    CU_ASSERT_EQUAL(config_port_validate(p, &msg), 0);
    if (msg) {
        fprintf(stderr, "\n  unexpected: %s\n", msg);
    }
    g_clear_pointer(&msg, g_free);
}

/* br0 { vnet0 (access 10), vnet1 (ALL), eth1 (trunk 10,20,100-199 native
 * 1) }, br1 (mac-aging 0, mac-table-size 100) { eth2 (trunk all) }, static
 * entries on vnet0, vnet1 (vlan 0) and eth1 (vlan 150). */
static struct config *
build_sample(void)
{
    struct config *cfg = config_new();
    struct config_bridge *br0, *br1;
    struct config_port *p;

    br0 = config_add_bridge(cfg, "br0", NO_MSG);
    br1 = config_add_bridge(cfg, "br1", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br1);
    CU_ASSERT_EQUAL(config_bridge_set(br1, "mac-aging", "0", NO_MSG), 0);
    CU_ASSERT_EQUAL(config_bridge_set(br1, "mac-table-size", "100",
                                      NO_MSG), 0);

    p = config_add_port(cfg, "br0", "vnet0", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    set_ok(p, "vlan", "10");
    CU_ASSERT_PTR_NOT_NULL(config_add_port(cfg, "br0", "vnet1", NO_MSG));
    p = config_add_port(cfg, "br0", "eth1", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    set_ok(p, "trunks", "10,20,100-199");
    set_ok(p, "native", "1");
    p = config_add_port(cfg, "br1", "eth2", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    set_ok(p, "trunks", "all");

    config_add_fdb(cfg, "br0", 10, MAC1, "vnet0");
    config_add_fdb(cfg, "br0", 0, MAC2, "vnet1");
    config_add_fdb(cfg, "br0", 150, MAC3, "eth1");
    return cfg;
}

static const char SAMPLE_TEXT[] =
    "# Written by vswitchd; edits are read on SIGHUP or restart.\n"
    "\n"
    "[bridge br0]\n"
    "\n"
    "[bridge br1]\n"
    "mac-aging=0\n"
    "mac-table-size=100\n"
    "\n"
    "[port vnet0]\n"
    "bridge=br0\n"
    "vlan=10\n"
    "\n"
    "[port vnet1]\n"
    "bridge=br0\n"
    "\n"
    "[port eth1]\n"
    "bridge=br0\n"
    "trunks=10,20,100-199\n"
    "native=1\n"
    "\n"
    "[port eth2]\n"
    "bridge=br1\n"
    "trunks=all\n"
    "\n"
    "[fdb br0 02:00:00:00:00:01]\n"
    "vlan=10\n"
    "port=vnet0\n"
    "\n"
    "[fdb br0 02:00:00:00:00:02]\n"
    "port=vnet1\n"
    "\n"
    "[fdb br0 02:00:00:00:00:03]\n"
    "vlan=150\n"
    "port=eth1\n";

/* A temporary directory, removed with everything in it. */
static char *
make_temp_dir(void)
{
    GError *error = NULL;
    char *dir = g_dir_make_tmp("test-config-XXXXXX", &error);

    CU_ASSERT_PTR_NOT_NULL(dir);
    g_clear_error(&error);
    return dir;
}

static void
remove_tree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);

    if (dir) {
        const char *name;

        while ((name = g_dir_read_name(dir))) {
            char *child = g_build_filename(path, name, NULL);

            remove_tree(child);
            g_free(child);
        }
        g_dir_close(dir);
    }
    g_remove(path);
}

/* Tests. */

static void
test_defaults(void)
{
    struct config *cfg = config_new();
    struct config_bridge *b = config_add_bridge(cfg, "br0", NO_MSG);
    struct config_port *p;
    char *desc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->mac_aging, 300);
    CU_ASSERT_EQUAL(b->mac_table_size, 8192);
    CU_ASSERT_PTR_EQUAL(config_find_bridge(cfg, "br0"), b);
    CU_ASSERT_PTR_NULL(config_find_bridge(cfg, "br1"));

    p = config_add_port(cfg, "br0", "vnet0", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(p->bridge, "br0");
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_ALL);
    CU_ASSERT_EQUAL(p->vlan, 0);
    CU_ASSERT_EQUAL(p->native, 0);
    CU_ASSERT_TRUE(vlan_bitmap_is_empty(&p->trunks));
    CU_ASSERT_PTR_EQUAL(config_find_port(cfg, "vnet0"), p);
    CU_ASSERT_PTR_NULL(config_find_port(cfg, "vnet1"));
    desc = config_port_vlan_describe(p);
    CU_ASSERT_STRING_EQUAL(desc, "trunk (all VLANs)");
    g_free(desc);
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    config_free(cfg);
    config_free(NULL);
}

static void
test_round_trip(void)
{
    struct config *cfg = build_sample();
    struct config *back;
    char *msg = NULL;
    char *text, *again;
    size_t len;

    CU_ASSERT_EQUAL(config_validate(cfg, &msg), 0);
    CU_ASSERT_PTR_NULL(msg);
    text = config_to_data(cfg, &len);
    CU_ASSERT_EQUAL(len, strlen(text));
    CU_ASSERT_STRING_EQUAL(text, SAMPLE_TEXT);

    back = load_data(text, len, SOURCE, &msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_PTR_NULL(msg);
    CU_ASSERT_TRUE(config_equal(cfg, back));
    CU_ASSERT_TRUE(config_equal(back, cfg));

    /* Saving twice gives the same text. */
    again = config_to_data(back, NULL);
    CU_ASSERT_STRING_EQUAL(again, text);

    g_free(again);
    g_free(text);
    config_free(back);
    config_free(cfg);
}

static void
test_clone_equal(void)
{
    struct config *cfg = build_sample();
    struct config *copy = config_clone(cfg);
    struct config_port *p;

    CU_ASSERT_TRUE(config_equal(cfg, copy));

    config_find_bridge(copy, "br0")->mac_aging = 30;
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    CU_ASSERT_EQUAL(config_find_bridge(cfg, "br0")->mac_aging, 300);
    config_free(copy);

    copy = config_clone(cfg);
    p = config_edit_port(copy, "eth1");
    set_ok(p, "trunks", "10,20,100-198");
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    config_free(copy);

    copy = config_clone(cfg);
    set_ok(config_edit_port(copy, "eth1"), "native", "none");
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    config_free(copy);

    copy = config_clone(cfg);
    config_add_fdb(copy, "br0", 10, MAC1, "vnet1");
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    config_free(copy);

    copy = config_clone(cfg);
    CU_ASSERT_TRUE(config_del_fdb(copy, "br0", 0, MAC2));
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    config_free(copy);

    copy = config_clone(cfg);
    CU_ASSERT_PTR_NOT_NULL(config_add_bridge(copy, "br2", NO_MSG));
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    CU_ASSERT_FALSE(config_equal(copy, cfg));
    config_free(copy);

    config_free(cfg);
}

/* The example in config.h, inline comments included, loads as it says. */
static void
test_header_example(void)
{
    static const char text[] =
        "[bridge br0]\n"
        "mac-aging=300\n"
        "mac-table-size=8192\n"
        "\n"
        "[port vnet0]\n"
        "bridge=br0\n"
        "vlan=10                  # access port in VLAN 10\n"
        "uplink=eth2              # preferred member of the bridge's team\n"
        "\n"
        "[port vnet1]\n"
        "bridge=br0\n"
        "trunks=10,20             # trunk; \"native=N\" adds an untagged "
        "VLAN\n"
        "\n"
        "[team bond0]\n"
        "bridge=br0\n"
        "members=eth1,eth2        # devices, in failover order\n"
        "policy=hash              # src-port (default), src-mac, hash or\n"
        "hash-fields=l34          # active-backup; l2, l23 or l34 with "
        "hash\n"
        "updelay=200              # ms a member must be up before it is "
        "used\n"
        "trunks=10,20,100-199     # VLAN keys as a port's: a team is a "
        "port\n"
        "\n"
        "[fdb br0 02:00:00:00:00:01]\n"
        "vlan=10\n"
        "port=vnet0               # a port or a team of the bridge\n";
    char *msg = NULL;
    struct config *cfg = load_text(text, &msg);
    const struct config_port *p;
    const struct config_team *t;
    const struct config_fdb *f;

    CU_ASSERT_PTR_NULL(msg);
    if (msg) {
        fprintf(stderr, "\n  unexpected: %s\n", msg);
        g_clear_pointer(&msg, g_free);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(cfg->bridges->len, 1);
    CU_ASSERT_EQUAL(cfg->ports->len, 2);
    CU_ASSERT_EQUAL(cfg->teams->len, 1);
    CU_ASSERT_EQUAL(cfg->fdbs->len, 1);
    p = config_find_port(cfg, "vnet0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_ACCESS);
    CU_ASSERT_EQUAL(p->vlan, 10);
    CU_ASSERT_STRING_EQUAL(p->uplink, "eth2");
    p = config_find_port(cfg, "vnet1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_TRUNK);
    CU_ASSERT_TRUE(vlan_bitmap_test(&p->trunks, 10));
    CU_ASSERT_TRUE(vlan_bitmap_test(&p->trunks, 20));
    CU_ASSERT_FALSE(vlan_bitmap_test(&p->trunks, 11));
    CU_ASSERT_EQUAL(p->native, 0);
    CU_ASSERT_PTR_NULL(p->uplink);
    t = config_find_team(cfg, "bond0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->members->len, 2);
    CU_ASSERT_PTR_EQUAL(config_find_team_of_member(cfg, "eth2"), t);
    CU_ASSERT_EQUAL(t->policy, TEAM_POLICY_HASH);
    CU_ASSERT_EQUAL(t->hash_fields, TEAM_HASH_L34);
    CU_ASSERT_EQUAL(t->updelay, 200);
    CU_ASSERT_EQUAL(t->port.mode, VLAN_MODE_TRUNK);
    CU_ASSERT_TRUE(vlan_bitmap_test(&t->port.trunks, 150));
    f = config_find_fdb(cfg, "br0", 10, MAC1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->port, "vnet0");
    config_free(cfg);
}

static void
test_empty_and_comments(void)
{
    char *msg = NULL;
    struct config *cfg = load_text("", &msg);

    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(cfg->bridges->len, 0);
    CU_ASSERT_EQUAL(cfg->ports->len, 0);
    CU_ASSERT_EQUAL(cfg->fdbs->len, 0);
    config_free(cfg);

    /* Upper-case MACs, blanks around values, a default fdb vlan. */
    cfg = load_text("# only a comment\n\n[bridge br0]\n"
                    "[port vnet0]\nbridge = br0  \n"
                    "[fdb br0 02:00:00:00:00:AB]\nport=vnet0\n", &msg);
    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(cfg->fdbs->len, 1);
    CU_ASSERT_PTR_NOT_NULL(config_find_fdb(cfg, "br0", 0,
                                           (uint8_t[]) { 2, 0, 0, 0, 0,
                                                         0xab }));
    config_free(cfg);
}

static void
test_syntax_error(void)
{
    char *msg = NULL;
    struct config *cfg;

    cfg = load_text("[bridge br0]\nmac-aging=10\nthis is wrong\n", &msg);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT_EQUAL(load_error, -EINVAL);
    CU_ASSERT(g_str_has_prefix(msg, SOURCE ": "));
    /* GKeyFile's message quotes the offending line. */
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "this is wrong"));
    g_clear_pointer(&msg, g_free);

    cfg = load_text("mac-aging=10\n[bridge br0]\n", &msg);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT(g_str_has_prefix(msg, SOURCE ": "));
    g_clear_pointer(&msg, g_free);

    cfg = load_text("[bridge br0\n", &msg);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT(g_str_has_prefix(msg, SOURCE ": "));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "[bridge br0"));
    g_clear_pointer(&msg, g_free);
}

static void
test_unknown_group_and_key(void)
{
    expect_load_error("[bridge br0]\n[brdge br1]\n",
                      SOURCE ": unknown group [brdge br1] (expected "
                      "[bridge NAME], [port NAME], [team NAME], [fdb "
                      "BRIDGE MAC] or [libvirt])");
    expect_load_error("[bridge]\n",
                      SOURCE ": [bridge] needs a name: [bridge NAME]");
    expect_load_error("[bridge br0]\nmac-ageing=10\n",
                      SOURCE ": [bridge br0] unknown key \"mac-ageing\" "
                      "(expected mac-aging or mac-table-size)");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\nvlann=10\n",
                      SOURCE ": [port vnet0] unknown key \"vlann\" "
                      "(expected bridge, vlan, trunks, native or uplink)");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\n"
                      "[fdb br0 02:00:00:00:00:01]\nport=vnet0\nvid=3\n",
                      SOURCE ": [fdb br0 02:00:00:00:00:01] unknown key "
                      "\"vid\" (expected vlan or port)");
    /* A repeated key or group is not silently merged. */
    expect_load_error("[bridge br0]\nmac-aging=10\nmac-aging=20\n",
                      SOURCE ": [bridge br0] mac-aging is given twice "
                      "(each group and each key in it may appear only "
                      "once)");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\nvlan=10\n"
                      "[port vnet0]\nvlan=20\n",
                      SOURCE ": [port vnet0] vlan is given twice "
                      "(each group and each key in it may appear only "
                      "once)");
}

/* A NUL byte in the file would end a value early for GKeyFile's readers:
 * "vlan=2\0junk" would be VLAN 2. */
static void
test_nul_byte(void)
{
    static const char text[] = "[bridge br0]\n[port vnet0]\nbridge=br0\n"
                               "vlan=2\0junk\n";
    static const char in_group[] = "[bridge br0\0x]\n";
    char *msg = NULL;
    struct config *cfg;

    cfg = load_data(text, sizeof text - 1, SOURCE, &msg);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT_EQUAL(load_error, -EINVAL);
    CU_ASSERT_STRING_EQUAL(msg, SOURCE ": line 4 contains a NUL "
                           "byte (the configuration is a text file)");
    g_clear_pointer(&msg, g_free);
    config_free(cfg);

    cfg = load_data(in_group, sizeof in_group - 1, SOURCE, &msg);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT_STRING_EQUAL(msg, SOURCE ": line 1 contains a NUL "
                           "byte (the configuration is a text file)");
    g_clear_pointer(&msg, g_free);
    config_free(cfg);
}

/* Loads 'head' + 'n' copies of 'fill' + 'tail', which must fail with a
 * message of at most 'max' bytes that contains "..." and 'words'. */
static void
expect_short_error(const char *head, const char *fill, size_t n,
                   const char *tail, size_t max, const char *words)
{
    GString *text = g_string_new(head);
    size_t fill_len = strlen(fill);
    char *msg = NULL;
    struct config *cfg;

    g_string_set_size(text, text->len + n * fill_len);
    for (size_t i = 0; i < n; i++) {
        memcpy(text->str + strlen(head) + i * fill_len, fill, fill_len);
    }
    g_string_append(text, tail);
    cfg = load_data(text->str, text->len, SOURCE, &msg);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    if (strlen(msg) > max || !strstr(msg, "...")
        || !strstr(msg, words)) {
        fprintf(stderr, "\n  message of %zu bytes lacks \"...\" or \"%s\": "
                "%.200s\n", strlen(msg), words, msg);
        CU_FAIL("error message too long or lacks the expected words");
    }
    CU_ASSERT(g_str_has_prefix(msg, SOURCE ": "));
    CU_ASSERT(g_utf8_validate(msg, -1, NULL));
    g_free(msg);
    config_free(cfg);
    g_string_free(text, TRUE);
}

/* A huge line is not echoed whole into the message (a 50 MB line made a
 * 50 MB log line and reply). */
static void
test_long_values_shortened(void)
{
    expect_short_error("[bridge br0]\n", "x", 50 * 1024 * 1024, "\n", 300,
                       "not a key-value pair");
    expect_short_error("[bridge br0]\n[port vnet0]\nbridge=br0\nvlan=", "x",
                       1024 * 1024, "\n", 300, "vlan");
    expect_short_error("[bridge br0]\nmac-aging=", "9", 1024 * 1024, "\n",
                       300, "mac-aging");
    expect_short_error("[bridge br0]\n", "k", 1024 * 1024, "=1\n", 300,
                       "unknown key");
    expect_short_error("[bridge ", "b", 1024 * 1024, "]\n", 300,
                       "[bridge bbbb");
    expect_short_error("[", "g", 1024 * 1024, "]\n", 300, "unknown group");
    /* Multi-byte characters are cut whole (the cut at 64 bytes falls in
     * the middle of one here). */
    expect_short_error("[bridge br0]\n[port vnet0]\nbridge=br0\nvlan=a",
                       "\xc3\xa9", 50, "\n", 300, "vlan");
}

static void
test_bad_values(void)
{
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\nvlan=5000\n",
                      SOURCE ": [port vnet0] vlan: vlan 5000 is out of "
                      "range (1-4094)");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\nvlan=ten\n",
                      SOURCE ": [port vnet0] vlan: vlan \"ten\" is not a "
                      "number (write a vlan 1-4094)");
    expect_load_error("[bridge br0]\n[port eth1]\nbridge=br0\n"
                      "trunks=10,5000\n",
                      SOURCE ": [port eth1] trunks: vlan 5000 is out of "
                      "range (1-4094)");
    expect_load_error("[bridge br0]\n[port eth1]\nbridge=br0\ntrunks=\n",
                      SOURCE ": [port eth1] trunks: trunks \"\" lists no "
                      "vlan (write e.g. 10,20,100-199, all, or none)");
    expect_load_error("[bridge br0]\n[port eth1]\nbridge=br0\ntrunks=10\n"
                      "native=0\n",
                      SOURCE ": [port eth1] native: native 0 is out of "
                      "range (1-4094)");
    expect_load_error("[bridge br0]\nmac-aging=1000001\n",
                      SOURCE ": [bridge br0] mac-aging: mac-aging 1000001 is "
                      "out of range (0-1000000)");
    expect_load_error("[bridge br0]\nmac-aging=-1\n",
                      SOURCE ": [bridge br0] mac-aging: mac-aging \"-1\" is "
                      "not a number (write 0-1000000 seconds, 0 = never)");
    expect_load_error("[bridge br0]\nmac-table-size=0\n",
                      SOURCE ": [bridge br0] mac-table-size: mac-table-size "
                      "0 is out of range (1-1048576)");
    expect_load_error("[bridge br0]\nmac-table-size=99999999999999999999\n",
                      SOURCE ": [bridge br0] mac-table-size: mac-table-size "
                      "99999999999999999999 is out of range (1-1048576)");
    expect_load_error("[bridge br0!]\n",
                      SOURCE ": [bridge br0!] bridge name \"br0!\" contains "
                      "'!' (use only A-Z, a-z, 0-9, '_', '.' and '-')");
    expect_load_error("[bridge br0]\n[port a-very-long-name0]\nbridge=br0\n",
                      SOURCE ": [port a-very-long-name0] port name "
                      "\"a-very-long-name0\" is too long (17 characters, at "
                      "most 15)");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br 0\n",
                      SOURCE ": [port vnet0] bridge: bridge name \"br 0\" "
                      "contains ' ' (use only A-Z, a-z, 0-9, '_', '.' and "
                      "'-')");
    expect_load_error("[bridge br0]\n[fdb br0 02:00:00:00:00]\nport=x\n",
                      SOURCE ": [fdb br0 02:00:00:00:00] \"02:00:00:00:00\" "
                      "is not a MAC address (write xx:xx:xx:xx:xx:xx)");
    expect_load_error("[bridge br0]\n[fdb br0]\nport=x\n",
                      SOURCE ": [fdb br0] should be [fdb BRIDGE MAC]");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\n"
                      "[fdb br0 02:00:00:00:00:01]\nvlan=4095\nport=vnet0\n",
                      SOURCE ": [fdb br0 02:00:00:00:00:01] vlan: vlan 4095 "
                      "is out of range (0-4094)");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\n"
                      "[fdb br0 02:00:00:00:00:01]\nvlan=x\nport=vnet0\n",
                      SOURCE ": [fdb br0 02:00:00:00:00:01] vlan: vlan \"x\" "
                      "is not a number (write 0-4094)");
    expect_load_error("[bridge br0]\n[port eth1]\nbridge=br0\ntrunks=none\n"
                      "native=4\n",
                      SOURCE ": [port eth1] native=4 needs trunks=LIST");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\n"
                      "[fdb br0 02:00:00:00:00:01]\nport=vnet0\n"
                      "[fdb br0 01:00:5e:00:00:01]\nport=vnet0\n",
                      SOURCE ": fdb br0 01:00:5e:00:00:01 vlan 0: "
                      "01:00:5e:00:00:01 is a multicast address (static "
                      "entries are for unicast stations)");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\nvlan=10\n"
                      "trunks=20\n",
                      SOURCE ": [port vnet0] vlan and trunks cannot both be "
                      "set (vlan makes an access port, trunks a trunk)");
}

static void
test_missing_keys(void)
{
    expect_load_error("[bridge br0]\n[port vnet0]\nvlan=10\n",
                      SOURCE ": [port vnet0] missing key \"bridge\" (write "
                      "bridge=NAME, the bridge this port belongs to)");
    expect_load_error("[bridge br0]\n[fdb br0 02:00:00:00:00:01]\nvlan=1\n",
                      SOURCE ": [fdb br0 02:00:00:00:00:01] missing key "
                      "\"port\" (write port=NAME, the port the station is "
                      "behind)");
}

static void
test_references(void)
{
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br9\n",
                      SOURCE ": port vnet0: bridge br9 does not exist");
    expect_load_error("[bridge br0]\n[port br0]\nbridge=br0\n",
                      SOURCE ": br0 is both a bridge and a port (rename "
                      "one)");
    expect_load_error("[bridge br0]\n[bridge br1]\n[port vnet1]\nbridge=br1\n"
                      "[fdb br0 02:00:00:00:00:01]\nport=vnet1\n",
                      SOURCE ": fdb br0 02:00:00:00:00:01 vlan 0: port vnet1 "
                      "is on bridge br1, not br0");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\nvlan=10\n"
                      "[fdb br0 02:00:00:00:00:01]\nvlan=20\nport=vnet0\n",
                      SOURCE ": fdb br0 02:00:00:00:00:01 vlan 20: port "
                      "vnet0 does not carry vlan 20 (access vlan=10)");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\n"
                      "[fdb br0 02:00:00:00:00:01]\nport=vnet9\n",
                      SOURCE ": fdb br0 02:00:00:00:00:01 vlan 0: port vnet9 "
                      "does not exist");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\n"
                      "[fdb br7 02:00:00:00:00:01]\nport=vnet0\n",
                      SOURCE ": fdb br7 02:00:00:00:00:01 vlan 0: bridge br7 "
                      "does not exist");
    expect_load_error("[bridge br0]\n[port eth1]\nbridge=br0\nnative=5\n",
                      SOURCE ": [port eth1] native=5 needs trunks=LIST");
    /* The same MAC twice on one bridge cannot be written back. */
    expect_load_error("[bridge br0]\n[port eth1]\nbridge=br0\n"
                      "[fdb br0 02:00:00:00:00:0a]\nvlan=1\nport=eth1\n"
                      "[fdb br0 02:00:00:00:00:0A]\nvlan=2\nport=eth1\n",
                      SOURCE ": fdb br0 02:00:00:00:00:0a vlan 2: "
                      "02:00:00:00:00:0a already has a static entry on "
                      "bridge br0, in vlan 1 (one per MAC and bridge)");
}

/* The same checks through the API, as the control commands use them. */
static void
test_validate_api(void)
{
    struct config *cfg = build_sample();
    struct config_port *p;

    /* A port whose bridge went away behind the API's back. */
    p = config_edit_port(cfg, "eth2");
    g_free(p->bridge);
    p->bridge = g_strdup("br5");
    expect_invalid(cfg, "port eth2: bridge br5 does not exist");
    config_free(cfg);

    cfg = build_sample();
    set_ok(config_edit_port(cfg, "vnet1"), "native", "7");
    expect_invalid(cfg, "port vnet1: native=7 needs trunks=LIST");
    config_free(cfg);

    cfg = build_sample();
    config_add_fdb(cfg, "br0", 11, MAC1, "vnet0");
    expect_invalid(cfg, "fdb br0 02:00:00:00:00:01 vlan 11: "
                   "02:00:00:00:00:01 already has a static entry on bridge "
                   "br0, in vlan 10 (one per MAC and bridge)");
    config_free(cfg);

    cfg = build_sample();
    config_add_fdb(cfg, "br0", 30, (uint8_t[]) { 2, 0, 0, 0, 0, 9 }, "eth1");
    expect_invalid(cfg, "fdb br0 02:00:00:00:00:09 vlan 30: port eth1 does "
                   "not carry vlan 30 (trunk trunks=10,20,100-199 "
                   "native=1)");
    config_free(cfg);

    cfg = build_sample();
    config_add_fdb(cfg, "br1", 0, (uint8_t[]) { 0, 0, 0, 0, 0, 0 }, "eth2");
    expect_invalid(cfg, "fdb br1 00:00:00:00:00:00 vlan 0: the all-zero "
                   "address is not a station");
    config_free(cfg);

    cfg = build_sample();
    p = config_edit_port(cfg, "eth2");
    vlan_bitmap_clear_all(&p->trunks);
    expect_invalid(cfg, "port eth2: trunks is empty (write trunks=LIST, "
                   "trunks=all or trunks=none)");
    config_free(cfg);

    cfg = build_sample();
    config_find_bridge(cfg, "br1")->mac_table_size = 0;
    expect_invalid(cfg, "bridge br1: mac-table-size 0 is out of range "
                   "(1-1048576)");
    config_free(cfg);
}

static void
test_add_errors(void)
{
    struct config *cfg = build_sample();
    char *msg = NULL;

    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "br0", &msg));
    CU_ASSERT_STRING_EQUAL(msg, "bridge br0 already exists");
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "eth1", &msg));
    CU_ASSERT_STRING_EQUAL(msg, "eth1 is already a port of "
                           "bridge br0 (a bridge and a port cannot share a "
                           "name)");
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "", &msg));
    CU_ASSERT_STRING_EQUAL(msg, "bridge name is empty (give 1-15 "
                           "characters from A-Z, a-z, 0-9, '_', '.' and "
                           "'-')");
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "..", &msg));
    CU_ASSERT_STRING_EQUAL(msg, "bridge name \"..\" is not "
                           "allowed (Linux reserves it)");
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "a\tb", &msg));
    CU_ASSERT_STRING_EQUAL(msg, "bridge name \"a\tb\" contains "
                           "\\x09 (use only A-Z, a-z, 0-9, '_', '.' and "
                           "'-')");
    g_clear_pointer(&msg, g_free);

    CU_ASSERT_PTR_NULL(config_add_port(cfg, "br1", "eth1", &msg));
    CU_ASSERT_STRING_EQUAL(msg,
                           "eth1 is already a port of bridge br0");
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NULL(config_add_port(cfg, "br9", "eth9", &msg));
    CU_ASSERT_STRING_EQUAL(msg, "bridge br9 does not exist");
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NULL(config_add_port(cfg, "br0", "br1", &msg));
    CU_ASSERT_STRING_EQUAL(msg, "br1 is a bridge (a bridge and a "
                           "port cannot share a name)");
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NULL(config_add_port(cfg, "br0", "x/y", &msg));
    CU_ASSERT_STRING_EQUAL(msg, "port name \"x/y\" contains '/' "
                           "(use only A-Z, a-z, 0-9, '_', '.' and '-')");
    g_clear_pointer(&msg, g_free);

    /* Failed additions left nothing behind. */
    CU_ASSERT_EQUAL(cfg->bridges->len, 2);
    CU_ASSERT_EQUAL(cfg->ports->len, 4);
    CU_ASSERT_EQUAL(config_name_valid("port", "a.b_c-D9", NO_MSG), 0);
    CU_ASSERT_EQUAL(config_name_valid("port", "fifteen-chars-x", NO_MSG), 0);
    CU_ASSERT_EQUAL(config_name_valid("port", "sixteen-chars-xx", NO_MSG),
                    -EINVAL);
    CU_ASSERT_EQUAL(config_name_valid("port", NULL, NO_MSG), -EINVAL);
    config_free(cfg);
}

static void
test_bridge_set(void)
{
    struct config *cfg = config_new();
    struct config_bridge *b = config_add_bridge(cfg, "br0", NO_MSG);
    char *msg = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(config_bridge_set(b, "mac-aging", "1000000", NO_MSG), 0);
    CU_ASSERT_EQUAL(b->mac_aging, CONFIG_MAC_AGING_MAX);
    CU_ASSERT_EQUAL(config_bridge_set(b, "mac-table-size", "1048576",
                                      NO_MSG), 0);
    CU_ASSERT_EQUAL(b->mac_table_size, CONFIG_MAC_TABLE_SIZE_MAX);
    CU_ASSERT_EQUAL(config_bridge_set(b, "mac-table-size", "1", NO_MSG), 0);
    CU_ASSERT_EQUAL(b->mac_table_size, 1);

    CU_ASSERT_EQUAL(config_bridge_set(b, "mac-table-size", "1048577",
                                      &msg), -EINVAL);
    CU_ASSERT_STRING_EQUAL(msg, "mac-table-size 1048577 is out "
                           "of range (1-1048576)");
    CU_ASSERT_EQUAL(b->mac_table_size, 1);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_EQUAL(config_bridge_set(b, "mac-table-size", "", &msg), -EINVAL);
    CU_ASSERT_STRING_EQUAL(msg, "mac-table-size \"\" is not a "
                           "number (write 1-1048576 entries)");
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_EQUAL(config_bridge_set(b, "aging", "10", &msg), -EINVAL);
    CU_ASSERT_STRING_EQUAL(msg, "unknown bridge setting "
                           "\"aging\" (expected mac-aging or "
                           "mac-table-size)");
    g_clear_pointer(&msg, g_free);
    config_free(cfg);
}

static void
test_port_set(void)
{
    struct config *cfg = config_new();
    struct config_port *p;
    char *desc;

    config_add_bridge(cfg, "br0", NO_MSG);
    p = config_add_port(cfg, "br0", "eth1", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);

    /* vlan makes an access port and clears trunk settings. */
    set_ok(p, "trunks", "10,20");
    set_ok(p, "native", "5");
    set_ok(p, "vlan", "30");
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_ACCESS);
    CU_ASSERT_EQUAL(p->vlan, 30);
    CU_ASSERT_EQUAL(p->native, 0);
    CU_ASSERT_TRUE(vlan_bitmap_is_empty(&p->trunks));
    port_valid(p);
    desc = config_port_vlan_describe(p);
    CU_ASSERT_STRING_EQUAL(desc, "access vlan=30");
    g_free(desc);

    /* trunks=none leaves an access port alone; vlan=none ends it. */
    set_ok(p, "trunks", "none");
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_ACCESS);
    set_ok(p, "vlan", "none");
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_ALL);
    CU_ASSERT_EQUAL(p->vlan, 0);
    port_valid(p);

    /* trunks makes a trunk and clears vlan. */
    set_ok(p, "vlan", "30");
    set_ok(p, "trunks", "100-102");
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_TRUNK);
    CU_ASSERT_EQUAL(p->vlan, 0);
    CU_ASSERT_TRUE(vlan_bitmap_test(&p->trunks, 101));
    CU_ASSERT_FALSE(vlan_bitmap_test(&p->trunks, 30));
    port_valid(p);

    /* vlan=none leaves a trunk a trunk. */
    set_ok(p, "vlan", "none");
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_TRUNK);

    /* trunks=all: every vlan 1-4094, tagged; not the ALL mode. */
    set_ok(p, "trunks", "all");
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_TRUNK);
    CU_ASSERT_TRUE(vlan_bitmap_test(&p->trunks, 1));
    CU_ASSERT_TRUE(vlan_bitmap_test(&p->trunks, 4094));
    CU_ASSERT_FALSE(vlan_bitmap_test(&p->trunks, 0));
    CU_ASSERT_FALSE(vlan_bitmap_test(&p->trunks, 4095));
    CU_ASSERT_FALSE(config_port_has_vlan(p, 0));
    CU_ASSERT_TRUE(config_port_has_vlan(p, 4094));
    port_valid(p);
    desc = config_port_vlan_describe(p);
    CU_ASSERT_STRING_EQUAL(desc, "trunk trunks=all");
    g_free(desc);

    /* trunks=none: back to all vlans, untagged included. */
    set_ok(p, "trunks", "none");
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_ALL);
    CU_ASSERT_TRUE(vlan_bitmap_is_empty(&p->trunks));
    CU_ASSERT_TRUE(config_port_has_vlan(p, 0));
    port_valid(p);

    /* Errors leave the port as it was. */
    set_ok(p, "trunks", "7");
    expect_port_set_error(p, "trunks", "7,9-8",
                          "vlan range 9-8 is reversed (write 8-9)");
    expect_port_set_error(p, "vlan", "0", "vlan 0 is out of range (1-4094)");
    expect_port_set_error(p, "native", "4095",
                          "native 4095 is out of range (1-4094)");
    expect_port_set_error(p, "mode", "access", "unknown port setting "
                          "\"mode\" (expected vlan, trunks, native or "
                          "uplink)");
    CU_ASSERT_EQUAL(p->mode, VLAN_MODE_TRUNK);
    CU_ASSERT_TRUE(vlan_bitmap_test(&p->trunks, 7));
    CU_ASSERT_FALSE(vlan_bitmap_test(&p->trunks, 8));
    CU_ASSERT_EQUAL(p->native, 0);

    set_ok(p, "native", "8");
    set_ok(p, "native", "none");
    CU_ASSERT_EQUAL(p->native, 0);
    config_free(cfg);
}

/* "trunks then native" and "native then trunks" give the same port, valid
 * once both are set. */
static void
test_port_order_independent(void)
{
    struct config *cfg = config_new();
    struct config_port *a, *b;
    char *msg = NULL;
    char *desc;

    config_add_bridge(cfg, "br0", NO_MSG);
    a = config_add_port(cfg, "br0", "eth1", NO_MSG);
    b = config_add_port(cfg, "br0", "eth2", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);

    set_ok(a, "trunks", "10,20");
    set_ok(a, "native", "20");
    set_ok(b, "native", "20");
    /* Half way, b is not valid yet... */
    CU_ASSERT_EQUAL(config_port_validate(b, &msg), -EINVAL);
    CU_ASSERT_STRING_EQUAL(msg, "native=20 needs trunks=LIST");
    g_clear_pointer(&msg, g_free);
    set_ok(b, "trunks", "10,20");
    /* ...and now both are, and the same. */
    port_valid(a);
    port_valid(b);
    CU_ASSERT_EQUAL(a->mode, b->mode);
    CU_ASSERT_EQUAL(a->native, b->native);
    CU_ASSERT_TRUE(vlan_bitmap_equal(&a->trunks, &b->trunks));
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    desc = config_port_vlan_describe(b);
    CU_ASSERT_STRING_EQUAL(desc, "trunk trunks=10,20 native=20");
    g_free(desc);

    /* In the file, key order does not matter either. */
    config_free(cfg);
    cfg = load_text("[bridge br0]\n[port eth1]\nnative=20\nbridge=br0\n"
                    "trunks=10,20\n", &msg);
    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    a = config_edit_port(cfg, "eth1");
    CU_ASSERT_EQUAL(a->mode, VLAN_MODE_TRUNK);
    CU_ASSERT_EQUAL(a->native, 20);
    config_free(cfg);

    /* vlan=none next to trunks, either way round, is a trunk. */
    cfg = load_text("[bridge br0]\n[port eth1]\nbridge=br0\ntrunks=10\n"
                    "vlan=none\n[port eth2]\nbridge=br0\nvlan=none\n"
                    "trunks=10\n", &msg);
    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(config_find_port(cfg, "eth1")->mode, VLAN_MODE_TRUNK);
    CU_ASSERT_EQUAL(config_find_port(cfg, "eth2")->mode, VLAN_MODE_TRUNK);
    config_free(cfg);
}

static void
test_has_vlan(void)
{
    struct config *cfg = config_new();
    struct config_port *p;

    config_add_bridge(cfg, "br0", NO_MSG);
    p = config_add_port(cfg, "br0", "eth1", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);

    /* ALL: untagged is vlan 0, and every vlan is carried. */
    CU_ASSERT_TRUE(config_port_has_vlan(p, 0));
    CU_ASSERT_TRUE(config_port_has_vlan(p, 1));
    CU_ASSERT_TRUE(config_port_has_vlan(p, 4094));
    CU_ASSERT_FALSE(config_port_has_vlan(p, 4095));

    set_ok(p, "vlan", "10");
    CU_ASSERT_TRUE(config_port_has_vlan(p, 10));
    CU_ASSERT_FALSE(config_port_has_vlan(p, 0));
    CU_ASSERT_FALSE(config_port_has_vlan(p, 11));

    set_ok(p, "trunks", "10,20");
    set_ok(p, "native", "30");
    CU_ASSERT_TRUE(config_port_has_vlan(p, 10));
    CU_ASSERT_TRUE(config_port_has_vlan(p, 20));
    CU_ASSERT_TRUE(config_port_has_vlan(p, 30));
    CU_ASSERT_FALSE(config_port_has_vlan(p, 0));
    CU_ASSERT_FALSE(config_port_has_vlan(p, 15));
    config_free(cfg);
}

static void
test_fdb(void)
{
    struct config *cfg = build_sample();
    struct config_fdb *f;

    /* Adding an existing (bridge, vlan, mac) replaces its port. */
    f = config_add_fdb(cfg, "br0", 10, MAC1, "vnet1");
    CU_ASSERT_EQUAL(cfg->fdbs->len, 3);
    CU_ASSERT_PTR_EQUAL(config_find_fdb(cfg, "br0", 10, MAC1), f);
    CU_ASSERT_STRING_EQUAL(f->port, "vnet1");
    CU_ASSERT_PTR_NULL(config_find_fdb(cfg, "br0", 11, MAC1));
    CU_ASSERT_PTR_NULL(config_find_fdb(cfg, "br1", 10, MAC1));

    CU_ASSERT_FALSE(config_del_fdb(cfg, "br0", 11, MAC1));
    CU_ASSERT_TRUE(config_del_fdb(cfg, "br0", 10, MAC1));
    CU_ASSERT_PTR_NULL(config_find_fdb(cfg, "br0", 10, MAC1));
    CU_ASSERT_EQUAL(cfg->fdbs->len, 2);
    CU_ASSERT_FALSE(config_del_fdb(cfg, "br0", 10, MAC1));
    config_free(cfg);
}

static void
test_del_bridge(void)
{
    struct config *cfg = build_sample();
    struct config_port *p;

    /* An (invalid) entry on br1 that points into br0 goes with its port. */
    p = config_add_port(cfg, "br1", "eth3", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    config_add_fdb(cfg, "br1", 5, MAC1, "eth2");
    config_add_fdb(cfg, "br1", 6, MAC2, "vnet0");

    CU_ASSERT_FALSE(config_del_bridge(cfg, "br9"));
    CU_ASSERT_TRUE(config_del_bridge(cfg, "br0"));
    CU_ASSERT_PTR_NULL(config_find_bridge(cfg, "br0"));
    CU_ASSERT_PTR_NOT_NULL(config_find_bridge(cfg, "br1"));
    CU_ASSERT_EQUAL(cfg->ports->len, 2);
    CU_ASSERT_PTR_NULL(config_find_port(cfg, "vnet0"));
    CU_ASSERT_PTR_NULL(config_find_port(cfg, "vnet1"));
    CU_ASSERT_PTR_NULL(config_find_port(cfg, "eth1"));
    CU_ASSERT_PTR_NOT_NULL(config_find_port(cfg, "eth2"));
    CU_ASSERT_PTR_NOT_NULL(config_find_port(cfg, "eth3"));
    CU_ASSERT_EQUAL(cfg->fdbs->len, 1);
    CU_ASSERT_PTR_NOT_NULL(config_find_fdb(cfg, "br1", 5, MAC1));
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    CU_ASSERT_FALSE(config_del_bridge(cfg, "br0"));
    config_free(cfg);
}

static void
test_del_port(void)
{
    struct config *cfg = build_sample();

    config_add_fdb(cfg, "br0", 20, (uint8_t[]) { 2, 0, 0, 0, 0, 9 }, "eth1");
    CU_ASSERT_EQUAL(cfg->fdbs->len, 4);
    CU_ASSERT_FALSE(config_del_port(cfg, "eth9"));
    CU_ASSERT_TRUE(config_del_port(cfg, "eth1"));
    CU_ASSERT_PTR_NULL(config_find_port(cfg, "eth1"));
    CU_ASSERT_EQUAL(cfg->ports->len, 3);
    CU_ASSERT_EQUAL(cfg->fdbs->len, 2);
    CU_ASSERT_PTR_NULL(config_find_fdb(cfg, "br0", 150, MAC3));
    CU_ASSERT_PTR_NOT_NULL(config_find_fdb(cfg, "br0", 10, MAC1));
    CU_ASSERT_PTR_NOT_NULL(config_find_fdb(cfg, "br0", 0, MAC2));
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    /* The order of the others is kept. */
    CU_ASSERT_STRING_EQUAL(((struct config_port *)
                            g_ptr_array_index(cfg->ports, 2))->name, "eth2");
    config_free(cfg);
}

static void
test_save_load(void)
{
    struct config *cfg = build_sample();
    struct config *back;
    char *msg = NULL;
    char *dir = make_temp_dir();
    char *path, *contents, *text;
    struct stat st;
    mode_t old_umask = umask(022);

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    /* Two missing levels of directories. */
    path = g_build_filename(dir, "etc", "vswitch", "vswitchd.conf", NULL);
    CU_ASSERT_EQUAL(config_save(cfg, path, &msg), 0);
    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);

    CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
    CU_ASSERT_TRUE(g_file_get_contents(path, &contents, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(contents, SAMPLE_TEXT);
    g_free(contents);

    back = load_path(config_load, path, &msg);
    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_TRUE(config_equal(cfg, back));

    /* Saving again over the old file gives the same text. */
    CU_ASSERT_EQUAL(config_save(back, path, NO_MSG), 0);
    CU_ASSERT_TRUE(g_file_get_contents(path, &contents, NULL, NULL));
    text = config_to_data(cfg, NULL);
    CU_ASSERT_STRING_EQUAL(contents, text);
    g_free(text);
    g_free(contents);
    config_free(back);

    /* An invalid configuration is not written. */
    set_ok(config_edit_port(cfg, "vnet1"), "native", "3");
    CU_ASSERT_EQUAL(config_save(cfg, path, &msg), -EINVAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT(g_str_has_suffix(msg,
                               "port vnet1: native=3 needs trunks=LIST"));
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_TRUE(g_file_get_contents(path, &contents, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(contents, SAMPLE_TEXT);
    g_free(contents);
    config_free(cfg);

    umask(old_umask);
    remove_tree(dir);
    g_free(path);
    g_free(dir);
}

static void
test_io_errors(void)
{
    char *dir = make_temp_dir();
    char *missing, *blocker, *below;
    struct config *cfg;
    char *msg = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);

    /* A missing file is a first start: empty configuration. */
    missing = g_build_filename(dir, "none", "vswitchd.conf", NULL);
    cfg = load_path(config_load, missing, &msg);
    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(cfg->bridges->len, 0);
    CU_ASSERT_EQUAL(cfg->ports->len, 0);
    CU_ASSERT_EQUAL(cfg->fdbs->len, 0);
    config_free(cfg);

    /* ...but not on a reload: a file gone (an editor saving by rename, a
     * mistaken mv) is not a request to delete every bridge. */
    cfg = load_path(config_load_existing, missing, &msg);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_EQUAL(load_error, -EIO);
    CU_ASSERT_PTR_NOT_NULL(msg ? strstr(msg, missing) : NULL);
    CU_ASSERT_PTR_NOT_NULL(msg ? strstr(msg, "missing")
                           : NULL);
    g_clear_pointer(&msg, g_free);
    config_free(cfg);
    cfg = load_path(config_load_existing, dir, &msg);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_EQUAL(load_error, -EIO);
    g_clear_pointer(&msg, g_free);
    config_free(cfg);

    /* Unreadable (a directory; root reads anything else): an error. */
    cfg = load_path(config_load, dir, &msg);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_EQUAL(load_error, -EIO);
    CU_ASSERT_PTR_NOT_NULL(msg ? strstr(msg, dir) : NULL);
    g_clear_pointer(&msg, g_free);

    /* A regular file where a directory should be. */
    blocker = g_build_filename(dir, "file", NULL);
    CU_ASSERT_TRUE(g_file_set_contents(blocker, "x", 1, NULL));
    below = g_build_filename(blocker, "vswitchd.conf", NULL);
    cfg = load_path(config_load, below, &msg);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_EQUAL(load_error, -EIO);
    g_clear_pointer(&msg, g_free);

    cfg = config_new();
    CU_ASSERT_EQUAL(config_save(cfg, below, &msg), -EIO);
    g_clear_pointer(&msg, g_free);
    g_free(below);
    below = g_build_filename(blocker, "sub", "vswitchd.conf", NULL);
    CU_ASSERT_EQUAL(config_save(cfg, below, &msg), -EIO);
    CU_ASSERT_PTR_NOT_NULL(msg ? strstr(msg, "cannot create "
                                             "directory") : NULL);
    g_clear_pointer(&msg, g_free);
    /* The rename cannot replace a directory. */
    CU_ASSERT_EQUAL(config_save(cfg, dir, &msg), -EIO);
    CU_ASSERT_PTR_NOT_NULL(msg ? strstr(msg, "cannot save "
                                             "configuration") : NULL);
    g_clear_pointer(&msg, g_free);
    config_free(cfg);

    remove_tree(dir);
    g_free(below);
    g_free(blocker);
    g_free(missing);
    g_free(dir);
}

static void
test_load_file_error_names_file(void)
{
    char *dir = make_temp_dir();
    char *path;
    char *msg = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    path = g_build_filename(dir, "vswitchd.conf", NULL);
    CU_ASSERT_TRUE(g_file_set_contents(path, "[bridge br0]\nfoo=1\n", -1,
                                       NULL));
    CU_ASSERT_PTR_NULL(load_path(config_load, path, &msg));
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT(g_str_has_prefix(msg, path));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "[bridge br0] unknown "
                                       "key \"foo\""));
    g_clear_pointer(&msg, g_free);
    remove_tree(dir);
    g_free(path);
    g_free(dir);
}

/* Teams. */

static void
team_set_ok(struct config_team *t, const char *key, const char *value)
{
    char *msg = NULL;

    CU_ASSERT_EQUAL(config_team_set(t, key, value, &msg), 0);
    if (msg) {
        fprintf(stderr, "\n  unexpected: %s=%s: %s\n", key, value,
                msg);
    }
    g_clear_pointer(&msg, g_free);
}

static void
expect_team_set_error(struct config_team *t, const char *key,
                      const char *value, const char *expected)
{
    char *msg = NULL;

    CU_ASSERT_EQUAL(config_team_set(t, key, value, &msg), -EINVAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    if (strcmp(msg, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n",
                expected, msg);
    }
    CU_ASSERT_STRING_EQUAL(msg, expected);
    g_free(msg);
}

/* Checks that '*msg' is set to exactly 'expected', and clears it. */
static void
expect_error(char **msg, const char *expected)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(*msg);
    if (strcmp(*msg, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n",
                expected, *msg);
    }
    CU_ASSERT_STRING_EQUAL(*msg, expected);
    g_clear_pointer(msg, g_free);
}

static struct config_team *
add_team_ok(struct config *cfg, const char *bridge, const char *name,
            char *const *members)
{
    char *msg = NULL;
    struct config_team *t = config_add_team(cfg, bridge, name, members,
                                            &msg);

    if (msg) {
        fprintf(stderr, "\n  unexpected: %s\n", msg);
    }
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NOT_NULL(t);
    return t;
}

static bool
member_disabled(const struct config_team *t, const char *member)
{
    const struct config_team_member *m = config_team_find_member(t, member);

    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    return m->disabled;
}

/* br0 { vnet0 (access 10, uplink eth11), vnet1, team bond0 (eth10, eth11,
 * eth12; every setting changed; trunk 10,20 native 1) }, br1 { vnet2
 * (uplink eth20), team bond1 (eth20, defaults) }; static entries on vnet0
 * and on bond0. */
static struct config *
build_team_sample(void)
{
    static char *members0[] = { "eth10", "eth11", "eth12", NULL };
    static char *members1[] = { "eth20", NULL };
    struct config *cfg = config_new();
    struct config_port *p;
    struct config_team *t;

    CU_ASSERT_PTR_NOT_NULL_FATAL(config_add_bridge(cfg, "br0", NO_MSG));
    CU_ASSERT_PTR_NOT_NULL_FATAL(config_add_bridge(cfg, "br1", NO_MSG));
    p = config_add_port(cfg, "br0", "vnet0", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    set_ok(p, "vlan", "10");
    set_ok(p, "uplink", "eth11");
    CU_ASSERT_PTR_NOT_NULL_FATAL(config_add_port(cfg, "br0", "vnet1",
                                                 NO_MSG));
    p = config_add_port(cfg, "br1", "vnet2", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    set_ok(p, "uplink", "eth20");

    t = add_team_ok(cfg, "br0", "bond0", members0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    team_set_ok(t, "policy", "hash");
    team_set_ok(t, "hash-fields", "l23");
    team_set_ok(t, "mode", "static");
    team_set_ok(t, "updelay", "200");
    team_set_ok(t, "downdelay", "600000");
    team_set_ok(t, "failback", "no");
    team_set_ok(t, "announce", "no");
    team_set_ok(t, "announce-count", "0");
    team_set_ok(t, "announce-interval", "60000");
    team_set_ok(t, "rebalance", "0");
    team_set_ok(t, "probe", "arp:198.18.0.1");
    team_set_ok(t, "probe-interval", "10");
    team_set_ok(t, "lacp", "passive");
    team_set_ok(t, "lacp-rate", "fast");
    team_set_ok(t, "lacp-fallback", "none");
    team_set_ok(t, "lacp-system-priority", "100");
    team_set_ok(t, "lacp-system-id", "02:00:00:00:00:07");
    team_set_ok(t, "min-links", "2");
    team_set_ok(t, "disabled", "eth12");
    team_set_ok(t, "lacp-port-priority", "eth12:7,eth10:65535");
    team_set_ok(t, "trunks", "10,20");
    team_set_ok(t, "native", "1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(add_team_ok(cfg, "br1", "bond1",
                                             members1));

    config_add_fdb(cfg, "br0", 10, MAC1, "vnet0");
    config_add_fdb(cfg, "br0", 20, MAC2, "bond0");
    return cfg;
}

static const char TEAM_TEXT[] =
    "# Written by vswitchd; edits are read on SIGHUP or restart.\n"
    "\n"
    "[bridge br0]\n"
    "\n"
    "[bridge br1]\n"
    "\n"
    "[port vnet0]\n"
    "bridge=br0\n"
    "vlan=10\n"
    "uplink=eth11\n"
    "\n"
    "[port vnet1]\n"
    "bridge=br0\n"
    "\n"
    "[port vnet2]\n"
    "bridge=br1\n"
    "uplink=eth20\n"
    "\n"
    "[team bond0]\n"
    "bridge=br0\n"
    "members=eth10,eth11,eth12\n"
    "policy=hash\n"
    "hash-fields=l23\n"
    "mode=static\n"
    "updelay=200\n"
    "downdelay=600000\n"
    "failback=no\n"
    "announce=no\n"
    "announce-count=0\n"
    "announce-interval=60000\n"
    "rebalance=0\n"
    "probe=arp:198.18.0.1\n"
    "probe-interval=10\n"
    "lacp=passive\n"
    "lacp-rate=fast\n"
    "lacp-fallback=none\n"
    "lacp-system-priority=100\n"
    "lacp-system-id=02:00:00:00:00:07\n"
    "min-links=2\n"
    "disabled=eth12\n"
    "lacp-port-priority=eth10:65535,eth12:7\n"
    "trunks=10,20\n"
    "native=1\n"
    "\n"
    "[team bond1]\n"
    "bridge=br1\n"
    "members=eth20\n"
    "\n"
    "[fdb br0 02:00:00:00:00:01]\n"
    "vlan=10\n"
    "port=vnet0\n"
    "\n"
    "[fdb br0 02:00:00:00:00:02]\n"
    "vlan=20\n"
    "port=bond0\n";

static void
test_team_defaults(void)
{
    static char *members[] = { "eth1", "eth2", NULL };
    struct config *cfg = config_new();
    struct config_team *t;
    char *text;

    config_add_bridge(cfg, "br0", NO_MSG);
    t = add_team_ok(cfg, "br0", "bond0", members);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_STRING_EQUAL(t->port.name, "bond0");
    CU_ASSERT_STRING_EQUAL(t->port.bridge, "br0");
    CU_ASSERT_EQUAL(t->port.mode, VLAN_MODE_ALL);
    CU_ASSERT_PTR_NULL(t->port.uplink);
    CU_ASSERT_EQUAL_FATAL(t->members->len, 2);
    CU_ASSERT_STRING_EQUAL(((struct config_team_member *)
                            g_ptr_array_index(t->members, 0))->name, "eth1");
    CU_ASSERT_STRING_EQUAL(((struct config_team_member *)
                            g_ptr_array_index(t->members, 1))->name, "eth2");
    CU_ASSERT_FALSE(member_disabled(t, "eth1"));
    CU_ASSERT_FALSE(member_disabled(t, "eth2"));
    CU_ASSERT_EQUAL(t->policy, TEAM_POLICY_SRC_PORT);
    CU_ASSERT_EQUAL(t->hash_fields, TEAM_HASH_L34);
    CU_ASSERT_EQUAL(t->mode, CONFIG_TEAM_SWITCH_INDEPENDENT);
    CU_ASSERT_EQUAL(t->updelay, 0);
    CU_ASSERT_EQUAL(t->downdelay, 0);
    CU_ASSERT_TRUE(t->failback);
    CU_ASSERT_TRUE(t->announce);
    CU_ASSERT_EQUAL(t->announce_count, 3);
    CU_ASSERT_EQUAL(t->announce_interval, 100);
    CU_ASSERT_EQUAL(t->rebalance, 10);
    CU_ASSERT_EQUAL(t->probe_ip, 0);
    CU_ASSERT_EQUAL(t->probe_interval, 1000);

    CU_ASSERT_PTR_EQUAL(config_find_team(cfg, "bond0"), t);
    CU_ASSERT_PTR_NULL(config_find_team(cfg, "eth1"));
    CU_ASSERT_PTR_NULL(config_find_port(cfg, "bond0"));
    CU_ASSERT_PTR_EQUAL(config_find_team_of_member(cfg, "eth2"), t);
    CU_ASSERT_PTR_NULL(config_find_team_of_member(cfg, "bond0"));
    CU_ASSERT_PTR_NULL(config_find_team_of_member(cfg, "eth3"));
    CU_ASSERT_PTR_NULL(config_team_find_member(t, "eth3"));
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);

    /* Defaults are not written; a file that says them gives the same. */
    text = config_to_data(cfg, NULL);
    CU_ASSERT_STRING_EQUAL(text,
                           "# Written by vswitchd; edits are read on "
                           "SIGHUP or restart.\n\n[bridge br0]\n\n"
                           "[team bond0]\nbridge=br0\nmembers=eth1,eth2\n");
    g_free(text);
    {
        char *msg = NULL;
        struct config *back = load_text(
            "[bridge br0]\n[team bond0]\nbridge=br0\nmembers=eth1,eth2\n"
            "policy=src-port\nhash-fields=l34\nmode=switch-independent\n"
            "updelay=0\ndowndelay=0\nfailback=yes\nannounce=yes\n"
            "announce-count=3\nannounce-interval=100\nrebalance=10\n"
            "probe=none\nprobe-interval=1000\nlacp=active\n"
            "lacp-rate=slow\nlacp-fallback=active-backup\n"
            "lacp-system-priority=65534\nlacp-system-id=auto\n"
            "min-links=1\ndisabled=none\nlacp-port-priority=none\n"
            "vlan=none\ntrunks=none\nnative=none\n", &msg);

        CU_ASSERT_PTR_NULL(msg);
        g_clear_pointer(&msg, g_free);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        CU_ASSERT_TRUE(config_equal(cfg, back));
        config_free(back);
    }
    config_free(cfg);
}

static void
test_team_round_trip(void)
{
    struct config *cfg = build_team_sample();
    struct config *back;
    const struct config_team *t;
    char *msg = NULL;
    char *text, *again;
    size_t len;

    CU_ASSERT_EQUAL(config_validate(cfg, &msg), 0);
    if (msg) {
        fprintf(stderr, "\n  unexpected: %s\n", msg);
    }
    g_clear_pointer(&msg, g_free);
    text = config_to_data(cfg, &len);
    CU_ASSERT_EQUAL(len, strlen(text));
    if (strcmp(text, TEAM_TEXT)) {
        fprintf(stderr, "\n  got:\n%s\n", text);
    }
    CU_ASSERT_STRING_EQUAL(text, TEAM_TEXT);

    back = load_data(text, len, SOURCE, &msg);
    if (msg) {
        fprintf(stderr, "\n  unexpected: %s\n", msg);
    }
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_TRUE(config_equal(cfg, back));
    CU_ASSERT_TRUE(config_equal(back, cfg));

    /* What was loaded, field by field. */
    t = config_find_team(back, "bond0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->members->len, 3);
    CU_ASSERT_EQUAL(t->policy, TEAM_POLICY_HASH);
    CU_ASSERT_EQUAL(t->hash_fields, TEAM_HASH_L23);
    CU_ASSERT_EQUAL(t->mode, CONFIG_TEAM_STATIC);
    CU_ASSERT_EQUAL(t->updelay, 200);
    CU_ASSERT_EQUAL(t->downdelay, CONFIG_TEAM_DELAY_MAX);
    CU_ASSERT_FALSE(t->failback);
    CU_ASSERT_FALSE(t->announce);
    CU_ASSERT_EQUAL(t->announce_count, 0);
    CU_ASSERT_EQUAL(t->announce_interval, 60000);
    CU_ASSERT_EQUAL(t->rebalance, 0);
    CU_ASSERT_EQUAL(t->probe_ip, htonl(0xc6120001));  /* 198.18.0.1 */
    CU_ASSERT_EQUAL(t->probe_interval, 10);
    CU_ASSERT_FALSE(member_disabled(t, "eth10"));
    CU_ASSERT_FALSE(member_disabled(t, "eth11"));
    CU_ASSERT_TRUE(member_disabled(t, "eth12"));
    CU_ASSERT_EQUAL(t->port.mode, VLAN_MODE_TRUNK);
    CU_ASSERT_EQUAL(t->port.native, 1);
    CU_ASSERT_STRING_EQUAL(config_find_port(back, "vnet0")->uplink,
                           "eth11");
    CU_ASSERT_STRING_EQUAL(config_find_fdb(back, "br0", 20, MAC2)->port,
                           "bond0");

    again = config_to_data(back, NULL);
    CU_ASSERT_STRING_EQUAL(again, text);
    g_free(again);
    g_free(text);
    config_free(back);
    config_free(cfg);
}

/* Key order in the file does not matter: disabled before members, native
 * before trunks, policy after hash-fields. */
static void
test_team_key_order(void)
{
    char *msg = NULL;
    struct config *a = load_text("[bridge br0]\n[team bond0]\n"
                                 "disabled=eth2\nnative=5\nhash-fields=l2\n"
                                 "trunks=5,6\npolicy=hash\nbridge=br0\n"
                                 "members=eth1,eth2\n", &msg);
    struct config *b;

    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    b = load_text("[bridge br0]\n[team bond0]\nbridge=br0\n"
                  "members=eth1,eth2\npolicy=hash\nhash-fields=l2\n"
                  "disabled=eth2\ntrunks=5,6\nnative=5\n", &msg);
    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_TRUE(config_equal(a, b));
    CU_ASSERT_TRUE(member_disabled(config_find_team(a, "bond0"), "eth2"));
    config_free(a);
    config_free(b);
}

static void
test_team_clone_equal(void)
{
    static const struct {
        const char *key;
        const char *value;
    } changes[] = {
        { "policy", "src-mac" }, { "hash-fields", "l34" },
        { "mode", "switch-independent" }, { "updelay", "201" },
        { "downdelay", "0" }, { "failback", "yes" }, { "announce", "yes" },
        { "announce-count", "1" }, { "announce-interval", "59999" },
        { "rebalance", "1" }, { "probe", "arp:198.18.0.2" },
        { "probe-interval", "11" }, { "lacp", "active" },
        { "lacp-rate", "slow" }, { "lacp-fallback", "active-backup" },
        { "lacp-system-priority", "99" }, { "lacp-system-id", "auto" },
        { "min-links", "3" }, { "lacp-port-priority", "eth10:1" },
        { "disabled", "none" },
        { "trunks", "10" }, { "native", "none" },
    };
    struct config *cfg = build_team_sample();
    struct config *copy = config_clone(cfg);
    struct config_team *t, *ct;

    CU_ASSERT_TRUE(config_equal(cfg, copy));
    /* Deep: the copy owns its own strings and members. */
    t = config_find_team(cfg, "bond0");
    ct = config_find_team(copy, "bond0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ct);
    CU_ASSERT_PTR_NOT_EQUAL(ct->port.name, t->port.name);
    CU_ASSERT_PTR_NOT_EQUAL(ct->members, t->members);
    CU_ASSERT_PTR_NOT_EQUAL(config_team_find_member(ct, "eth10"),
                            config_team_find_member(t, "eth10"));
    /* Ports are shared until changed (test_clone_shares_ports()). */
    CU_ASSERT_PTR_EQUAL(config_find_port(copy, "vnet0"),
                        config_find_port(cfg, "vnet0"));
    config_free(copy);

    /* Any one setting changed makes a difference. */
    for (size_t i = 0; i < G_N_ELEMENTS(changes); i++) {
        copy = config_clone(cfg);
        team_set_ok(config_find_team(copy, "bond0"), changes[i].key,
                    changes[i].value);
        if (config_equal(cfg, copy)) {
            fprintf(stderr, "\n  %s=%s made no difference\n",
                    changes[i].key, changes[i].value);
        }
        CU_ASSERT_FALSE(config_equal(cfg, copy));
        CU_ASSERT_FALSE(config_equal(copy, cfg));
        config_free(copy);
    }

    /* So do members, their order, a disabled flag and an uplink. */
    copy = config_clone(cfg);
    CU_ASSERT_EQUAL(config_team_add_member(copy, config_find_team(copy,
                                                                  "bond1"),
                                           "eth21", NO_MSG), 0);
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    config_free(copy);

    copy = config_clone(cfg);
    ct = config_find_team(copy, "bond0");
    g_ptr_array_add(ct->members, g_ptr_array_steal_index(ct->members, 0));
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    config_free(copy);

    copy = config_clone(cfg);
    CU_ASSERT_EQUAL(config_team_set_disabled(config_find_team(copy, "bond0"),
                                             "eth10", true, NO_MSG), 0);
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    config_free(copy);

    copy = config_clone(cfg);
    set_ok(config_edit_port(copy, "vnet0"), "uplink", "eth10");
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    config_free(copy);

    copy = config_clone(cfg);
    set_ok(config_edit_port(copy, "vnet0"), "uplink", "none");
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    CU_ASSERT_FALSE(config_equal(copy, cfg));
    config_free(copy);

    copy = config_clone(cfg);
    CU_ASSERT_TRUE(config_del_team(copy, "bond1"));
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    config_free(copy);
    config_free(cfg);
}

static void
test_team_enum_names(void)
{
    enum team_policy policy;
    enum team_hash_fields fields;
    enum config_team_mode mode;

    CU_ASSERT_STRING_EQUAL(team_policy_name(TEAM_POLICY_SRC_PORT),
                           "src-port");
    CU_ASSERT_STRING_EQUAL(team_policy_name(TEAM_POLICY_SRC_MAC),
                           "src-mac");
    CU_ASSERT_STRING_EQUAL(team_policy_name(TEAM_POLICY_HASH),
                           "hash");
    CU_ASSERT_STRING_EQUAL(
        team_policy_name(TEAM_POLICY_ACTIVE_BACKUP),
        "active-backup");
    CU_ASSERT_TRUE(team_policy_from_string("active-backup", &policy));
    CU_ASSERT_EQUAL(policy, TEAM_POLICY_ACTIVE_BACKUP);
    CU_ASSERT_TRUE(team_policy_from_string("src-mac", &policy));
    CU_ASSERT_EQUAL(policy, TEAM_POLICY_SRC_MAC);
    CU_ASSERT_FALSE(team_policy_from_string("Hash", &policy));
    CU_ASSERT_EQUAL(policy, TEAM_POLICY_SRC_MAC);

    CU_ASSERT_STRING_EQUAL(
        team_hash_fields_name(TEAM_HASH_L2), "l2");
    CU_ASSERT_STRING_EQUAL(
        team_hash_fields_name(TEAM_HASH_L23), "l23");
    CU_ASSERT_STRING_EQUAL(
        team_hash_fields_name(TEAM_HASH_L34), "l34");
    CU_ASSERT_TRUE(team_hash_fields_from_string("l23", &fields));
    CU_ASSERT_EQUAL(fields, TEAM_HASH_L23);
    CU_ASSERT_FALSE(team_hash_fields_from_string("l3", &fields));

    CU_ASSERT_STRING_EQUAL(
        config_team_mode_to_string(CONFIG_TEAM_SWITCH_INDEPENDENT),
        "switch-independent");
    CU_ASSERT_STRING_EQUAL(config_team_mode_to_string(CONFIG_TEAM_STATIC),
                           "static");
    CU_ASSERT_TRUE(config_team_mode_from_string("static", &mode));
    CU_ASSERT_EQUAL(mode, CONFIG_TEAM_STATIC);
    CU_ASSERT_TRUE(config_team_mode_from_string("lacp", &mode));
    CU_ASSERT_EQUAL(mode, CONFIG_TEAM_LACP);
    CU_ASSERT_STRING_EQUAL(config_team_mode_to_string(CONFIG_TEAM_LACP),
                           "lacp");
    CU_ASSERT_FALSE(config_team_mode_from_string("802.3ad", &mode));
}

/* Each setting: limits accepted, one past refused with the range, and a
 * refused value leaves the team as it was. */
static void
test_team_set(void)
{
    static char *members[] = { "eth1", "eth2", "eth3", NULL };
    struct config *cfg = config_new();
    struct config_team *t;

    config_add_bridge(cfg, "br0", NO_MSG);
    t = add_team_ok(cfg, "br0", "bond0", members);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);

    expect_team_set_error(t, "policy", "round-robin", "unknown policy "
                          "\"round-robin\" (expected src-port, src-mac, "
                          "hash or active-backup)");
    expect_team_set_error(t, "hash-fields", "l3", "unknown hash-fields "
                          "\"l3\" (expected l2, l23 or l34)");
    expect_team_set_error(t, "mode", "802.3ad", "unknown mode \"802.3ad\" "
                          "(expected switch-independent, static or lacp)");
    CU_ASSERT_EQUAL(t->policy, TEAM_POLICY_SRC_PORT);
    CU_ASSERT_EQUAL(t->hash_fields, TEAM_HASH_L34);
    CU_ASSERT_EQUAL(t->mode, CONFIG_TEAM_SWITCH_INDEPENDENT);
    team_set_ok(t, "policy", "active-backup");
    CU_ASSERT_EQUAL(t->policy, TEAM_POLICY_ACTIVE_BACKUP);
    team_set_ok(t, "hash-fields", "l2");
    CU_ASSERT_EQUAL(t->hash_fields, TEAM_HASH_L2);
    team_set_ok(t, "mode", "static");
    CU_ASSERT_EQUAL(t->mode, CONFIG_TEAM_STATIC);

    team_set_ok(t, "updelay", "600000");
    CU_ASSERT_EQUAL(t->updelay, 600000);
    expect_team_set_error(t, "updelay", "600001",
                          "updelay 600001 is out of range (0-600000)");
    expect_team_set_error(t, "updelay", "-1", "updelay \"-1\" is not a "
                          "number (write 0-600000 ms)");
    CU_ASSERT_EQUAL(t->updelay, 600000);
    team_set_ok(t, "downdelay", "0");
    expect_team_set_error(t, "downdelay", "1000000",
                          "downdelay 1000000 is out of range (0-600000)");
    CU_ASSERT_EQUAL(t->downdelay, 0);
    team_set_ok(t, "announce-count", "100");
    CU_ASSERT_EQUAL(t->announce_count, 100);
    expect_team_set_error(t, "announce-count", "101", "announce-count 101 "
                          "is out of range (0-100)");
    team_set_ok(t, "announce-interval", "1");
    CU_ASSERT_EQUAL(t->announce_interval, 1);
    expect_team_set_error(t, "announce-interval", "0", "announce-interval "
                          "0 is out of range (1-60000)");
    expect_team_set_error(t, "announce-interval", "60001",
                          "announce-interval 60001 is out of range "
                          "(1-60000)");
    CU_ASSERT_EQUAL(t->announce_interval, 1);
    team_set_ok(t, "rebalance", "86400");
    CU_ASSERT_EQUAL(t->rebalance, 86400);
    expect_team_set_error(t, "rebalance", "86401", "rebalance 86401 is out "
                          "of range (0-86400)");
    expect_team_set_error(t, "rebalance", "off", "rebalance \"off\" is not "
                          "a number (write 0-86400 seconds, 0 = off)");
    team_set_ok(t, "probe-interval", "60000");
    CU_ASSERT_EQUAL(t->probe_interval, 60000);
    expect_team_set_error(t, "probe-interval", "9", "probe-interval 9 is "
                          "out of range (10-60000)");
    CU_ASSERT_EQUAL(t->probe_interval, 60000);

    team_set_ok(t, "failback", "no");
    CU_ASSERT_FALSE(t->failback);
    expect_team_set_error(t, "failback", "true", "failback \"true\" is not "
                          "yes or no");
    CU_ASSERT_FALSE(t->failback);
    team_set_ok(t, "announce", "no");
    CU_ASSERT_FALSE(t->announce);
    team_set_ok(t, "announce", "yes");
    CU_ASSERT_TRUE(t->announce);

    /* Probes. */
    team_set_ok(t, "probe", "arp:198.19.255.254");
    CU_ASSERT_EQUAL(t->probe_ip, htonl(0xc613fffe));
    expect_team_set_error(t, "probe", "arp:198.18.0", "probe address "
                          "\"198.18.0\" is not an IPv4 address (write "
                          "arp:IPV4ADDR, e.g. arp:198.18.0.1, or none)");
    expect_team_set_error(t, "probe", "arp:198.18.0.256", "probe address "
                          "\"198.18.0.256\" is not an IPv4 address (write "
                          "arp:IPV4ADDR, e.g. arp:198.18.0.1, or none)");
    expect_team_set_error(t, "probe", "arp:", "probe address \"\" is not "
                          "an IPv4 address (write arp:IPV4ADDR, e.g. "
                          "arp:198.18.0.1, or none)");
    expect_team_set_error(t, "probe", "arp:2001:db8::1", "probe address "
                          "\"2001:db8::1\" is not an IPv4 address (write "
                          "arp:IPV4ADDR, e.g. arp:198.18.0.1, or none)");
    expect_team_set_error(t, "probe", "198.18.0.1", "probe \"198.18.0.1\" "
                          "is not valid (write arp:IPV4ADDR, e.g. "
                          "arp:198.18.0.1, or none)");
    expect_team_set_error(t, "probe", "arp:224.0.0.1", "probe address "
                          "224.0.0.1 is not a unicast host address (write "
                          "arp:IPV4ADDR, e.g. arp:198.18.0.1, or none)");
    expect_team_set_error(t, "probe", "arp:255.255.255.255", "probe "
                          "address 255.255.255.255 is not a unicast host "
                          "address (write arp:IPV4ADDR, e.g. "
                          "arp:198.18.0.1, or none)");
    expect_team_set_error(t, "probe", "arp:0.0.0.0", "probe address "
                          "0.0.0.0 is not a unicast host address (write "
                          "arp:IPV4ADDR, e.g. arp:198.18.0.1, or none)");
    expect_team_set_error(t, "probe", "arp:127.0.0.1", "probe address "
                          "127.0.0.1 is not a unicast host address (write "
                          "arp:IPV4ADDR, e.g. arp:198.18.0.1, or none)");
    CU_ASSERT_EQUAL(t->probe_ip, htonl(0xc613fffe));
    team_set_ok(t, "probe", "none");
    CU_ASSERT_EQUAL(t->probe_ip, 0);

    /* disabled replaces the whole set; a bad list changes nothing. */
    team_set_ok(t, "disabled", "eth3,eth1");
    CU_ASSERT_TRUE(member_disabled(t, "eth1"));
    CU_ASSERT_FALSE(member_disabled(t, "eth2"));
    CU_ASSERT_TRUE(member_disabled(t, "eth3"));
    expect_team_set_error(t, "disabled", "eth2,eth9",
                          "eth9 is not a member of team bond0");
    expect_team_set_error(t, "disabled", "eth2,", "member name is empty "
                          "(give 1-15 characters from A-Z, a-z, 0-9, '_', "
                          "'.' and '-')");
    expect_team_set_error(t, "disabled", "", "disabled \"\" lists no "
                          "device (write e.g. eth1,eth2)");
    CU_ASSERT_TRUE(member_disabled(t, "eth1"));
    CU_ASSERT_FALSE(member_disabled(t, "eth2"));
    team_set_ok(t, "disabled", "eth2");
    CU_ASSERT_FALSE(member_disabled(t, "eth1"));
    CU_ASSERT_TRUE(member_disabled(t, "eth2"));
    CU_ASSERT_FALSE(member_disabled(t, "eth3"));
    team_set_ok(t, "disabled", "none");
    CU_ASSERT_FALSE(member_disabled(t, "eth2"));

    /* VLAN keys are the port's. */
    team_set_ok(t, "native", "7");
    CU_ASSERT_EQUAL(config_team_validate(t, NO_MSG), -EINVAL);
    team_set_ok(t, "trunks", "all");
    CU_ASSERT_EQUAL(config_team_validate(t, NO_MSG), 0);
    CU_ASSERT_EQUAL(t->port.mode, VLAN_MODE_TRUNK);
    CU_ASSERT_TRUE(config_port_has_vlan(&t->port, 4094));
    CU_ASSERT_TRUE(config_port_has_vlan(&t->port, 7));
    team_set_ok(t, "vlan", "30");
    CU_ASSERT_EQUAL(t->port.mode, VLAN_MODE_ACCESS);
    CU_ASSERT_EQUAL(t->port.native, 0);
    expect_team_set_error(t, "trunks", "1-4095", "vlan 4095 is out of "
                          "range (1-4094)");
    CU_ASSERT_EQUAL(t->port.mode, VLAN_MODE_ACCESS);

    /* Not settings. */
    expect_team_set_error(t, "uplink", "eth1", "unknown team setting "
                          "\"uplink\" (expected policy, hash-fields, mode, "
                          "updelay, downdelay, failback, announce, "
                          "announce-count, announce-interval, rebalance, "
                          "probe, probe-interval, lacp, lacp-rate, "
                          "lacp-fallback, lacp-system-priority, "
                          "lacp-system-id, min-links, disabled, "
                          "lacp-port-priority, vlan, trunks or native)");
    expect_team_set_error(t, "members", "eth1", "members is not a setting "
                          "(add and remove members one at a time)");
    expect_team_set_error(t, "bridge", "br1", "bridge is not a setting (a "
                          "team stays on its bridge: delete the team and "
                          "add it to the other one)");
    CU_ASSERT_PTR_NULL(t->port.uplink);
    CU_ASSERT_EQUAL(t->members->len, 3);
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    config_free(cfg);
}

/* Errors in a [team] group name the group and key. */
/* The LACP keys: defaults, values, errors, and that a member's port
 * priority follows the member. */
static void
test_team_lacp_keys(void)
{
    static char *members[] = { "eth1", "eth2", NULL };
    static const uint8_t id[ETH_ADDR_LEN] = { 2, 0, 0, 0, 0, 9 };
    struct config *cfg = config_new();
    struct config_team *t;
    struct config_team_member *m1, *m2;
    char *msg = NULL;

    config_add_bridge(cfg, "br0", NO_MSG);
    t = add_team_ok(cfg, "br0", "bond0", members);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    m1 = config_team_find_member(t, "eth1");
    m2 = config_team_find_member(t, "eth2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m2);

    /* Defaults. */
    CU_ASSERT_TRUE(t->lacp_active);
    CU_ASSERT_FALSE(t->lacp_fast);
    CU_ASSERT_TRUE(t->lacp_fallback);
    CU_ASSERT_EQUAL(t->lacp_system_priority, CONFIG_LACP_SYSTEM_PRIORITY);
    CU_ASSERT_TRUE(eth_addr_is_zero(t->lacp_system_id));
    CU_ASSERT_EQUAL(t->min_links, 1);
    CU_ASSERT_EQUAL(m1->lacp_port_priority, CONFIG_LACP_PORT_PRIORITY);

    team_set_ok(t, "mode", "lacp");
    CU_ASSERT_EQUAL(t->mode, CONFIG_TEAM_LACP);
    team_set_ok(t, "lacp", "passive");
    CU_ASSERT_FALSE(t->lacp_active);
    team_set_ok(t, "lacp-rate", "fast");
    CU_ASSERT_TRUE(t->lacp_fast);
    team_set_ok(t, "lacp-fallback", "none");
    CU_ASSERT_FALSE(t->lacp_fallback);
    team_set_ok(t, "lacp-system-priority", "1");
    CU_ASSERT_EQUAL(t->lacp_system_priority, 1);
    team_set_ok(t, "lacp-system-id", "02:00:00:00:00:09");
    CU_ASSERT_EQUAL(memcmp(t->lacp_system_id, id, ETH_ADDR_LEN), 0);
    team_set_ok(t, "min-links", "0");
    CU_ASSERT_EQUAL(t->min_links, 0);
    team_set_ok(t, "lacp-port-priority", "eth2:10");
    CU_ASSERT_EQUAL(m1->lacp_port_priority, CONFIG_LACP_PORT_PRIORITY);
    CU_ASSERT_EQUAL(m2->lacp_port_priority, 10);

    expect_team_set_error(t, "lacp", "on", "unknown lacp \"on\" (expected "
                          "passive or active)");
    expect_team_set_error(t, "lacp-rate", "1", "unknown lacp-rate \"1\" "
                          "(expected slow or fast)");
    expect_team_set_error(t, "lacp-fallback", "yes", "unknown lacp-fallback "
                          "\"yes\" (expected none or active-backup)");
    expect_team_set_error(t, "lacp-system-priority", "0",
                          "lacp-system-priority 0 is out of range (1-65535)");
    expect_team_set_error(t, "lacp-system-id", "01:00:00:00:00:01",
                          "lacp-system-id 01:00:00:00:00:01 is not a unicast "
                          "address (write a unicast MAC such as "
                          "02:00:00:00:00:01, or auto for the first "
                          "member's)");
    expect_team_set_error(t, "lacp-system-id", "x", "lacp-system-id \"x\" is "
                          "not a MAC address (write a unicast MAC such as "
                          "02:00:00:00:00:01, or auto for the first "
                          "member's)");
    expect_team_set_error(t, "min-links", "17", "min-links 17 is out of "
                          "range (0-16)");
    expect_team_set_error(t, "lacp-port-priority", "eth3:5", "eth3 is not a "
                          "member of team bond0");
    expect_team_set_error(t, "lacp-port-priority", "eth1", "lacp-port-priority "
                          "\"eth1\" is not valid (write MEMBER:PRIORITY,..., "
                          "e.g. eth1:100,eth2:200, with priorities 1-65535 "
                          "(lower wins), or none)");
    expect_team_set_error(t, "lacp-port-priority", "eth1:0",
                          "lacp-port-priority 0 is out of range (1-65535)");
    /* A refused list changes nothing. */
    expect_team_set_error(t, "lacp-port-priority", "eth1:5,eth3:5", "eth3 is "
                          "not a member of team bond0");
    CU_ASSERT_EQUAL(m1->lacp_port_priority, CONFIG_LACP_PORT_PRIORITY);
    CU_ASSERT_EQUAL(m2->lacp_port_priority, 10);
    CU_ASSERT_FALSE(t->lacp_active);
    CU_ASSERT_EQUAL(memcmp(t->lacp_system_id, id, ETH_ADDR_LEN), 0);

    /* Written and read back; "none" and "auto" give the defaults back. */
    {
        char *text = config_to_data(cfg, NULL);
        struct config *back = load_text(text, &msg);

        CU_ASSERT_PTR_NULL(msg);
        CU_ASSERT_PTR_NOT_NULL_FATAL(back);
        CU_ASSERT_TRUE(config_equal(cfg, back));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "lacp-port-priority=eth2:10\n"));
        config_free(back);
        g_free(text);
    }
    team_set_ok(t, "lacp-port-priority", "none");
    CU_ASSERT_EQUAL(m2->lacp_port_priority, CONFIG_LACP_PORT_PRIORITY);
    team_set_ok(t, "lacp-system-id", "auto");
    CU_ASSERT_TRUE(eth_addr_is_zero(t->lacp_system_id));

    /* A member removed and added again has the default priority. */
    team_set_ok(t, "lacp-port-priority", "eth2:10");
    CU_ASSERT_EQUAL(config_team_del_member(cfg, t, "eth2", &msg), 0);
    CU_ASSERT_EQUAL(config_team_add_member(cfg, t, "eth2", &msg), 0);
    CU_ASSERT_PTR_NULL(msg);
    m2 = config_team_find_member(t, "eth2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m2);
    CU_ASSERT_EQUAL(m2->lacp_port_priority, CONFIG_LACP_PORT_PRIORITY);

    expect_load_error("[bridge br0]\n[team bond0]\nbridge=br0\n"
                      "members=eth1,eth2\nlacp-port-priority=eth9:1\n",
                      SOURCE ": [team bond0] lacp-port-priority: eth9 is not "
                      "a member of team bond0");
    config_free(cfg);
}

static void
test_team_load_errors(void)
{
#define BR "[bridge br0]\n"
#define TEAM "[team bond0]\nbridge=br0\nmembers=eth1,eth2\n"
    expect_load_error(BR TEAM "policy=round-robin\n",
                      SOURCE ": [team bond0] policy: unknown policy "
                      "\"round-robin\" (expected src-port, src-mac, hash or "
                      "active-backup)");
    expect_load_error(BR TEAM "hash-fields=l4\n",
                      SOURCE ": [team bond0] hash-fields: unknown "
                      "hash-fields \"l4\" (expected l2, l23 or l34)");
    expect_load_error(BR TEAM "mode=802.3ad\n",
                      SOURCE ": [team bond0] mode: unknown mode \"802.3ad\" "
                      "(expected switch-independent, static or lacp)");
    expect_load_error(BR TEAM "updelay=600001\n",
                      SOURCE ": [team bond0] updelay: updelay 600001 is out "
                      "of range (0-600000)");
    expect_load_error(BR TEAM "downdelay=700000\n",
                      SOURCE ": [team bond0] downdelay: downdelay 700000 is "
                      "out of range (0-600000)");
    expect_load_error(BR TEAM "updelay=1s\n",
                      SOURCE ": [team bond0] updelay: updelay \"1s\" is not "
                      "a number (write 0-600000 ms)");
    expect_load_error(BR TEAM "announce-count=101\n",
                      SOURCE ": [team bond0] announce-count: announce-count "
                      "101 is out of range (0-100)");
    expect_load_error(BR TEAM "announce-interval=0\n",
                      SOURCE ": [team bond0] announce-interval: "
                      "announce-interval 0 is out of range (1-60000)");
    expect_load_error(BR TEAM "rebalance=86401\n",
                      SOURCE ": [team bond0] rebalance: rebalance 86401 is "
                      "out of range (0-86400)");
    expect_load_error(BR TEAM "probe-interval=60001\n",
                      SOURCE ": [team bond0] probe-interval: probe-interval "
                      "60001 is out of range (10-60000)");
    expect_load_error(BR TEAM "failback=maybe\n",
                      SOURCE ": [team bond0] failback: failback \"maybe\" is "
                      "not yes or no");
    expect_load_error(BR TEAM "announce=1\n",
                      SOURCE ": [team bond0] announce: announce \"1\" is not "
                      "yes or no");
    expect_load_error(BR TEAM "probe=arp:198.18.0.300\n",
                      SOURCE ": [team bond0] probe: probe address "
                      "\"198.18.0.300\" is not an IPv4 address (write "
                      "arp:IPV4ADDR, e.g. arp:198.18.0.1, or none)");
    expect_load_error(BR TEAM "probe=ping:198.18.0.3\n",
                      SOURCE ": [team bond0] probe: probe "
                      "\"ping:198.18.0.3\" is not valid (write "
                      "arp:IPV4ADDR, e.g. arp:198.18.0.1, or none)");
    expect_load_error(BR TEAM "disabled=eth3\n",
                      SOURCE ": [team bond0] disabled: eth3 is not a member "
                      "of team bond0");
    expect_load_error(BR TEAM "vlan=10\ntrunks=20\n",
                      SOURCE ": [team bond0] vlan and trunks cannot both be "
                      "set (vlan makes an access port, trunks a trunk)");
    expect_load_error(BR TEAM "native=5\n",
                      SOURCE ": [team bond0] native=5 needs trunks=LIST");
    expect_load_error(BR TEAM "trunks=10,5000\n",
                      SOURCE ": [team bond0] trunks: vlan 5000 is out of "
                      "range (1-4094)");
    expect_load_error(BR TEAM "uplink=eth1\n",
                      SOURCE ": [team bond0] unknown key \"uplink\" "
                      "(expected bridge, members, policy, hash-fields, "
                      "mode, updelay, downdelay, failback, announce, "
                      "announce-count, announce-interval, rebalance, probe, "
                      "probe-interval, lacp, lacp-rate, lacp-fallback, "
                      "lacp-system-priority, lacp-system-id, min-links, "
                      "disabled, lacp-port-priority, vlan, trunks or "
                      "native)");
    expect_load_error(BR TEAM "policy=hash\npolicy=src-mac\n",
                      SOURCE ": [team bond0] policy is given twice (each "
                      "group and each key in it may appear only once)");
    expect_load_error(BR "[team]\nbridge=br0\n",
                      SOURCE ": [team] needs a name: [team NAME]");

    /* Members. */
    expect_load_error(BR "[team bond0]\nbridge=br0\n",
                      SOURCE ": [team bond0] missing key \"members\" (write "
                      "members=DEV,DEV..., the team's devices in failover "
                      "order)");
    expect_load_error(BR "[team bond0]\nmembers=eth1\n",
                      SOURCE ": [team bond0] missing key \"bridge\" (write "
                      "bridge=NAME, the bridge this team belongs to)");
    expect_load_error(BR "[team bond0]\nbridge=br0\nmembers=\n",
                      SOURCE ": [team bond0] members: members \"\" lists no "
                      "device (write e.g. eth1,eth2)");
    expect_load_error(BR "[team bond0]\nbridge=br0\nmembers=eth1,,eth2\n",
                      SOURCE ": [team bond0] members: member name is empty "
                      "(give 1-15 characters from A-Z, a-z, 0-9, '_', '.' "
                      "and '-')");
    expect_load_error(BR "[team bond0]\nbridge=br0\nmembers=eth1, eth2\n",
                      SOURCE ": [team bond0] members: member name \" eth2\" "
                      "contains ' ' (use only A-Z, a-z, 0-9, '_', '.' and "
                      "'-')");
    expect_load_error(BR "[team bond0]\nbridge=br0\nmembers=eth1,eth2,eth1\n",
                      SOURCE ": [team bond0] eth1 is listed twice in "
                      "members");
    expect_load_error(BR "[team bond0]\nbridge=br0\nmembers=eth1,bond0\n",
                      SOURCE ": [team bond0] bond0 is the team's own name (a "
                      "team and a team member cannot share a name)");
    expect_load_error(BR "[team bond0]\nbridge=br0\nmembers=e0,e1,e2,e3,e4,"
                      "e5,e6,e7,e8,e9,e10,e11,e12,e13,e14,e15,e16\n",
                      SOURCE ": [team bond0] 17 members is too many (at "
                      "most 16)");
    expect_load_error(BR "[team bond0!]\nbridge=br0\nmembers=eth1\n",
                      SOURCE ": [team bond0!] team name \"bond0!\" contains "
                      "'!' (use only A-Z, a-z, 0-9, '_', '.' and '-')");
#undef TEAM
#undef BR
}

/* Names are shared by bridges, ports, teams and members. */
static void
test_team_references(void)
{
    /* One member in two teams, or a port. */
    expect_load_error("[bridge br0]\n[port eth1]\nbridge=br0\n"
                      "[team bond0]\nbridge=br0\nmembers=eth1,eth2\n",
                      SOURCE ": team bond0: eth1 is already a port of bridge "
                      "br0");
    expect_load_error("[bridge br0]\n[bridge br1]\n"
                      "[team bond0]\nbridge=br0\nmembers=eth1,eth2\n"
                      "[team bond1]\nbridge=br1\nmembers=eth3,eth2\n",
                      SOURCE ": team bond1: eth2 is already a member of team "
                      "bond0");
    /* A member named like a bridge or a team (defined before or after). */
    expect_load_error("[bridge br0]\n[bridge eth2]\n"
                      "[team bond0]\nbridge=br0\nmembers=eth1,eth2\n",
                      SOURCE ": team bond0: eth2 is a bridge (a bridge and a "
                      "team member cannot share a name)");
    expect_load_error("[bridge br0]\n"
                      "[team bond0]\nbridge=br0\nmembers=eth1,bond1\n"
                      "[team bond1]\nbridge=br0\nmembers=eth3\n",
                      SOURCE ": team bond0: bond1 is already a team of bridge "
                      "br0 (a team and a team member cannot share a name)");
    /* A team named like a bridge or a port. */
    expect_load_error("[bridge br0]\n[team br0]\nbridge=br0\nmembers=eth1\n",
                      SOURCE ": br0 is both a bridge and a team (rename "
                      "one)");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\n"
                      "[team vnet0]\nbridge=br0\nmembers=eth1\n",
                      SOURCE ": vnet0 is both a port and a team (rename "
                      "one)");
    expect_load_error("[bridge br0]\n[team bond0]\nbridge=br9\n"
                      "members=eth1\n",
                      SOURCE ": team bond0: bridge br9 does not exist");

    /* Uplinks. */
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\n"
                      "uplink=eth9\n"
                      "[team bond0]\nbridge=br0\nmembers=eth1,eth2\n",
                      SOURCE ": port vnet0: uplink eth9 is not a member of a "
                      "team on bridge br0");
    expect_load_error("[bridge br0]\n[bridge br1]\n[port vnet0]\n"
                      "bridge=br0\nuplink=eth3\n"
                      "[team bond0]\nbridge=br0\nmembers=eth1,eth2\n"
                      "[team bond1]\nbridge=br1\nmembers=eth3\n",
                      SOURCE ": port vnet0: uplink eth3 is a member of team "
                      "bond1 on bridge br1, not br0");
    /* The team itself is not a member. */
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\n"
                      "uplink=bond0\n"
                      "[team bond0]\nbridge=br0\nmembers=eth1,eth2\n",
                      SOURCE ": port vnet0: uplink bond0 is not a member of a "
                      "team on bridge br0");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\n"
                      "uplink=eth/1\n",
                      SOURCE ": [port vnet0] uplink: uplink name \"eth/1\" "
                      "contains '/' (use only A-Z, a-z, 0-9, '_', '.' and "
                      "'-')");

    /* Static entries behind a team, not behind its members. */
    expect_load_error("[bridge br0]\n[bridge br1]\n"
                      "[team bond0]\nbridge=br1\nmembers=eth1\n"
                      "[fdb br0 02:00:00:00:00:01]\nport=bond0\n",
                      SOURCE ": fdb br0 02:00:00:00:00:01 vlan 0: team bond0 "
                      "is on bridge br1, not br0");
    expect_load_error("[bridge br0]\n"
                      "[team bond0]\nbridge=br0\nmembers=eth1\ntrunks=10\n"
                      "[fdb br0 02:00:00:00:00:01]\nvlan=20\nport=bond0\n",
                      SOURCE ": fdb br0 02:00:00:00:00:01 vlan 20: team "
                      "bond0 does not carry vlan 20 (trunk trunks=10)");
    expect_load_error("[bridge br0]\n"
                      "[team bond0]\nbridge=br0\nmembers=eth1\n"
                      "[fdb br0 02:00:00:00:00:01]\nport=eth1\n",
                      SOURCE ": fdb br0 02:00:00:00:00:01 vlan 0: eth1 is a "
                      "member of team bond0 (write port=bond0)");
}

/* The same checks through the API, on values set behind its back. */
static void
test_team_validate_api(void)
{
    struct config *cfg = build_team_sample();
    struct config_team *t = config_find_team(cfg, "bond0");
    struct config_team_member *m;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    t->updelay = 700000;
    expect_invalid(cfg, "team bond0: updelay 700000 is out of range "
                   "(0-600000)");
    t->updelay = 0;
    t->probe_interval = 5;
    expect_invalid(cfg, "team bond0: probe-interval 5 is out of range "
                   "(10-60000)");
    t->probe_interval = 10;
    t->probe_ip = htonl(0xe0000005);
    expect_invalid(cfg, "team bond0: probe address 224.0.0.5 is not a "
                   "unicast host address (write arp:IPV4ADDR, e.g. "
                   "arp:198.18.0.1, or none)");
    t->probe_ip = 0;
    t->policy = 4;
    expect_invalid(cfg, "team bond0: unknown policy, hash-fields or mode "
                   "(4, 1, 1)");
    t->policy = TEAM_POLICY_HASH;
    t->port.uplink = g_strdup("eth10");
    expect_invalid(cfg, "team bond0: uplink=eth10 is a port setting (a "
                   "team has no uplink)");
    g_clear_pointer(&t->port.uplink, g_free);
    m = config_team_find_member(t, "eth12");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    g_free(m->name);
    m->name = g_strdup("eth20");
    expect_invalid(cfg, "team bond1: eth20 is already a member of team "
                   "bond0");
    g_free(m->name);
    m->name = g_strdup("vnet1");
    expect_invalid(cfg, "team bond0: vnet1 is already a port of bridge br0");
    g_free(m->name);
    m->name = g_strdup("eth12");
    g_ptr_array_set_size(t->members, 0);
    expect_invalid(cfg, "team bond0: a team needs at least one member");
    config_free(cfg);

    /* An uplink set through the API is checked against the teams. */
    cfg = build_team_sample();
    set_ok(config_edit_port(cfg, "vnet1"), "uplink", "eth20");
    expect_invalid(cfg, "port vnet1: uplink eth20 is a member of team bond1 "
                   "on bridge br1, not br0");
    set_ok(config_edit_port(cfg, "vnet1"), "uplink", "eth12");
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    config_free(cfg);

    cfg = build_team_sample();
    config_add_fdb(cfg, "br1", 0, MAC3, "bond1");
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    config_add_fdb(cfg, "br1", 5, (uint8_t[]) { 2, 0, 0, 0, 0, 4 },
                   "bond0");
    expect_invalid(cfg, "fdb br1 02:00:00:00:00:04 vlan 5: team bond0 is on "
                   "bridge br0, not br1");
    config_free(cfg);
}

static void
test_team_add_errors(void)
{
    static char *ok[] = { "eth30", "eth31", NULL };
    static char *port[] = { "eth30", "vnet1", NULL };
    static char *member[] = { "eth30", "eth11", NULL };
    static char *twice[] = { "eth30", "eth31", "eth30", NULL };
    static char *own[] = { "eth30", "bond9", NULL };
    static char *bridge[] = { "br1", NULL };
    static char *team[] = { "bond1", NULL };
    static char *bad[] = { "eth30", "a:b", NULL };
    static char *none[] = { NULL };
    struct config *cfg = build_team_sample();
    struct config *before = config_clone(cfg);
    char *msg = NULL;

    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "bond9", port, &msg));
    expect_error(&msg, "vnet1 is already a port of bridge br0");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "bond9", member, &msg));
    expect_error(&msg, "eth11 is already a member of team bond0");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "bond9", twice, &msg));
    expect_error(&msg, "eth30 is listed twice in members");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "bond9", own, &msg));
    expect_error(&msg, "bond9 is the team's own name (a team and a team "
                 "member cannot share a name)");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "bond9", bridge, &msg));
    expect_error(&msg, "br1 is a bridge (a bridge and a team member "
                 "cannot share a name)");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "bond9", team, &msg));
    expect_error(&msg, "bond1 is already a team of bridge br1 (a team and "
                 "a team member cannot share a name)");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "bond9", bad, &msg));
    expect_error(&msg, "member name \"a:b\" contains ':' (use only A-Z, "
                 "a-z, 0-9, '_', '.' and '-')");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "bond9", none, &msg));
    expect_error(&msg, "a team needs at least one member");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "bond9", NULL, &msg));
    expect_error(&msg, "a team needs at least one member");

    /* The team's own name. */
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br9", "bond9", ok, &msg));
    expect_error(&msg, "bridge br9 does not exist");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "bond1", ok, &msg));
    expect_error(&msg, "team bond1 already exists");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "br1", ok, &msg));
    expect_error(&msg, "br1 is a bridge (a bridge and a team cannot share "
                 "a name)");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "vnet2", ok, &msg));
    expect_error(&msg, "vnet2 is already a port of bridge br1 (a team and "
                 "a port cannot share a name)");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "eth20", ok, &msg));
    expect_error(&msg, "eth20 is already a member of team bond1 (a team "
                 "and a team member cannot share a name)");
    CU_ASSERT_PTR_NULL(config_add_team(cfg, "br0", "", ok, &msg));
    expect_error(&msg, "team name is empty (give 1-15 characters from "
                 "A-Z, a-z, 0-9, '_', '.' and '-')");

    /* Bridges and ports cannot take a team's or a member's name either. */
    CU_ASSERT_PTR_NULL(config_add_port(cfg, "br0", "eth10", &msg));
    expect_error(&msg, "eth10 is already a member of team bond0");
    CU_ASSERT_PTR_NULL(config_add_port(cfg, "br1", "bond0", &msg));
    expect_error(&msg, "bond0 is already a team of bridge br0 (a team and "
                 "a port cannot share a name)");
    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "bond1", &msg));
    expect_error(&msg, "bond1 is already a team of bridge br1 (a bridge "
                 "and a team cannot share a name)");
    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "eth12", &msg));
    expect_error(&msg, "eth12 is already a member of team bond0 (a bridge "
                 "and a team member cannot share a name)");

    /* Nothing was left behind; then a good one goes in at the end. */
    CU_ASSERT_TRUE(config_equal(cfg, before));
    CU_ASSERT_PTR_NOT_NULL(add_team_ok(cfg, "br0", "bond9", ok));
    CU_ASSERT_EQUAL(cfg->teams->len, 3);
    CU_ASSERT_STRING_EQUAL(((struct config_team *)
                            g_ptr_array_index(cfg->teams, 2))->port.name,
                           "bond9");
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    config_free(before);
    config_free(cfg);
}

static void
test_team_members(void)
{
    struct config *cfg = build_team_sample();
    struct config_team *t0 = config_find_team(cfg, "bond0");
    struct config_team *t1 = config_find_team(cfg, "bond1");
    struct config_team_member *m;
    char *msg = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t1);

    /* Adding: to the end of the failover order, enabled. */
    CU_ASSERT_EQUAL(config_team_add_member(cfg, t1, "eth21", &msg), 0);
    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_EQUAL_FATAL(t1->members->len, 2);
    m = g_ptr_array_index(t1->members, 1);
    CU_ASSERT_STRING_EQUAL(m->name, "eth21");
    CU_ASSERT_FALSE(m->disabled);
    CU_ASSERT_PTR_EQUAL(config_find_team_of_member(cfg, "eth21"), t1);
    CU_ASSERT_EQUAL(config_team_add_member(cfg, t1, "eth21", &msg), -EINVAL);
    expect_error(&msg, "eth21 is already a member of team bond1");
    CU_ASSERT_EQUAL(config_team_add_member(cfg, t1, "eth10", &msg), -EINVAL);
    expect_error(&msg, "eth10 is already a member of team bond0");
    CU_ASSERT_EQUAL(config_team_add_member(cfg, t1, "vnet0", &msg), -EINVAL);
    expect_error(&msg, "vnet0 is already a port of bridge br0");
    CU_ASSERT_EQUAL(config_team_add_member(cfg, t1, "bond1", &msg), -EINVAL);
    expect_error(&msg, "bond1 is the team's own name (a team and a team "
                 "member cannot share a name)");
    CU_ASSERT_EQUAL(config_team_add_member(cfg, t1, "bond0", &msg), -EINVAL);
    expect_error(&msg, "bond0 is already a team of bridge br0 (a team and "
                 "a team member cannot share a name)");
    CU_ASSERT_EQUAL(config_team_add_member(cfg, t1, "eth 1", &msg), -EINVAL);
    expect_error(&msg, "member name \"eth 1\" contains ' ' (use only A-Z, "
                 "a-z, 0-9, '_', '.' and '-')");
    for (int i = 2; i < CONFIG_TEAM_MEMBERS_MAX; i++) {
        char name[16];

        snprintf(name, sizeof name, "x%d", i);
        CU_ASSERT_EQUAL(config_team_add_member(cfg, t1, name, NO_MSG), 0);
    }
    CU_ASSERT_EQUAL(t1->members->len, CONFIG_TEAM_MEMBERS_MAX);
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    CU_ASSERT_EQUAL(config_team_add_member(cfg, t1, "x99", &msg), -EINVAL);
    expect_error(&msg, "team bond1 already has 16 members (at most 16)");

    /* Disabling. */
    CU_ASSERT_EQUAL(config_team_set_disabled(t0, "eth10", true, NO_MSG), 0);
    CU_ASSERT_TRUE(member_disabled(t0, "eth10"));
    CU_ASSERT_EQUAL(config_team_set_disabled(t0, "eth12", false, NO_MSG), 0);
    CU_ASSERT_FALSE(member_disabled(t0, "eth12"));
    CU_ASSERT_EQUAL(config_team_set_disabled(t0, "eth20", true, &msg),
                    -EINVAL);
    expect_error(&msg, "eth20 is not a member of team bond0");

    /* Removing a member clears the uplinks of its bridge that named it. */
    CU_ASSERT_EQUAL(config_team_del_member(cfg, t0, "eth20", &msg), -EINVAL);
    expect_error(&msg, "eth20 is not a member of team bond0");
    CU_ASSERT_EQUAL(config_team_del_member(cfg, t0, "eth10", NO_MSG), 0);
    CU_ASSERT_STRING_EQUAL(config_find_port(cfg, "vnet0")->uplink, "eth11");
    CU_ASSERT_EQUAL(config_team_del_member(cfg, t0, "eth11", NO_MSG), 0);
    CU_ASSERT_PTR_NULL(config_find_port(cfg, "vnet0")->uplink);
    CU_ASSERT_STRING_EQUAL(config_find_port(cfg, "vnet2")->uplink, "eth20");
    CU_ASSERT_PTR_NULL(config_find_team_of_member(cfg, "eth11"));
    CU_ASSERT_EQUAL_FATAL(t0->members->len, 1);
    CU_ASSERT_EQUAL(config_team_del_member(cfg, t0, "eth12", &msg), -EINVAL);
    expect_error(&msg, "team bond0 needs at least one member; use "
                 "del-team");
    CU_ASSERT_EQUAL(t0->members->len, 1);
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    /* The device is free again. */
    CU_ASSERT_PTR_NOT_NULL(config_add_port(cfg, "br0", "eth11", NO_MSG));
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    config_free(cfg);
}

static void
test_del_team(void)
{
    struct config *cfg = build_team_sample();
    struct config_port *p;

    /* vnet1 on br0 names a bond0 member, vnet2 on br1 a bond1 one. */
    set_ok(config_edit_port(cfg, "vnet1"), "uplink", "eth12");
    config_add_fdb(cfg, "br1", 0, MAC3, "bond1");
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);

    CU_ASSERT_FALSE(config_del_team(cfg, "bond9"));
    CU_ASSERT_FALSE(config_del_team(cfg, "eth10"));
    CU_ASSERT_TRUE(config_del_team(cfg, "bond0"));
    CU_ASSERT_PTR_NULL(config_find_team(cfg, "bond0"));
    CU_ASSERT_PTR_NULL(config_find_team_of_member(cfg, "eth10"));
    CU_ASSERT_EQUAL(cfg->teams->len, 1);
    CU_ASSERT_PTR_NULL(config_find_port(cfg, "vnet0")->uplink);
    CU_ASSERT_PTR_NULL(config_find_port(cfg, "vnet1")->uplink);
    p = config_edit_port(cfg, "vnet2");
    CU_ASSERT_STRING_EQUAL(p->uplink, "eth20");
    /* Its static entries went with it; the others stay. */
    CU_ASSERT_PTR_NULL(config_find_fdb(cfg, "br0", 20, MAC2));
    CU_ASSERT_PTR_NOT_NULL(config_find_fdb(cfg, "br0", 10, MAC1));
    CU_ASSERT_PTR_NOT_NULL(config_find_fdb(cfg, "br1", 0, MAC3));
    CU_ASSERT_EQUAL(cfg->fdbs->len, 2);
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    CU_ASSERT_FALSE(config_del_team(cfg, "bond0"));
    /* Its name and members are free again. */
    CU_ASSERT_PTR_NOT_NULL(config_add_port(cfg, "br0", "eth10", NO_MSG));
    CU_ASSERT_PTR_NOT_NULL(config_add_bridge(cfg, "bond0", NO_MSG));
    config_free(cfg);
}

static void
test_del_bridge_teams(void)
{
    struct config *cfg = build_team_sample();

    CU_ASSERT_TRUE(config_del_bridge(cfg, "br0"));
    CU_ASSERT_EQUAL(cfg->teams->len, 1);
    CU_ASSERT_PTR_NULL(config_find_team(cfg, "bond0"));
    CU_ASSERT_PTR_NOT_NULL(config_find_team(cfg, "bond1"));
    CU_ASSERT_EQUAL(cfg->ports->len, 1);
    CU_ASSERT_STRING_EQUAL(config_find_port(cfg, "vnet2")->uplink, "eth20");
    CU_ASSERT_EQUAL(cfg->fdbs->len, 0);
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);

    CU_ASSERT_TRUE(config_del_bridge(cfg, "br1"));
    CU_ASSERT_EQUAL(cfg->teams->len, 0);
    CU_ASSERT_EQUAL(cfg->ports->len, 0);
    CU_ASSERT_EQUAL(cfg->bridges->len, 0);
    config_free(cfg);
}

static void
test_port_uplink(void)
{
    struct config *cfg = build_team_sample();
    struct config_port *p = config_edit_port(cfg, "vnet1");

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NULL(p->uplink);
    set_ok(p, "uplink", "eth10");
    CU_ASSERT_STRING_EQUAL(p->uplink, "eth10");
    expect_port_set_error(p, "uplink", "", "uplink name is empty (give 1-15 "
                          "characters from A-Z, a-z, 0-9, '_', '.' and "
                          "'-')");
    expect_port_set_error(p, "uplink", "sixteen-chars-xx", "uplink name "
                          "\"sixteen-chars-xx\" is too long (16 characters, "
                          "at most 15)");
    CU_ASSERT_STRING_EQUAL(p->uplink, "eth10");
    /* A disabled member may be preferred: it is used when enabled. */
    set_ok(p, "uplink", "eth12");
    port_valid(p);
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);
    set_ok(p, "uplink", "none");
    CU_ASSERT_PTR_NULL(p->uplink);
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);

    /* An uplink without a team on the bridge. */
    set_ok(p, "uplink", "eth1");
    expect_invalid(cfg, "port vnet1: uplink eth1 is not a member of a team "
                   "on bridge br0");
    config_free(cfg);
}

static void
test_team_save_load(void)
{
    struct config *cfg = build_team_sample();
    struct config *back;
    char *msg = NULL;
    char *dir = make_temp_dir();
    char *path, *contents;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    path = g_build_filename(dir, "vswitchd.conf", NULL);
    CU_ASSERT_EQUAL(config_save(cfg, path, &msg), 0);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_TRUE(g_file_get_contents(path, &contents, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(contents, TEAM_TEXT);
    g_free(contents);
    back = load_path(config_load, path, &msg);
    CU_ASSERT_PTR_NULL(msg);
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_TRUE(config_equal(cfg, back));
    config_free(back);

    /* A team that would not load again is not written. */
    set_ok(config_edit_port(cfg, "vnet1"), "uplink", "eth20");
    CU_ASSERT_EQUAL(config_save(cfg, path, &msg), -EINVAL);
    CU_ASSERT(msg && g_str_has_suffix(msg, "port vnet1: uplink "
                                        "eth20 is a member of team bond1 on "
                                        "bridge br1, not br0"));
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_TRUE(g_file_get_contents(path, &contents, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(contents, TEAM_TEXT);
    g_free(contents);

    config_free(cfg);
    remove_tree(dir);
    g_free(path);
    g_free(dir);
}

/* Port policy keys (port-policy.h) in [port] groups. */

#define POLICY_PORT "[bridge br0]\n[port vnet0]\nbridge=br0\n"

static void
test_port_policy_round_trip(void)
{
    /* Written in port-policy.h's order whatever the file's; defaults
     * (mac-security=source, mtu=none) are not written back. */
    static const char text[] =
        POLICY_PORT "vlan=10\n"
        "mtu=9000\nrate-out=100M\nrate-in=1G,burst=1M\nenabled=no\n"
        "allowed-macs=02:00:00:00:00:01,02:00:00:00:00:0A\n"
        "mac-security=source\nmac-limit=unlimited\nmac-limit-action=flood\n"
        "isolated=yes\ndhcp-guard=yes\nra-guard=yes\nbpdu-guard=yes\n"
        "storm-limit=1000\n"
        "[port vnet1]\nbridge=br0\nmtu=none\nmac-limit=64\n";
    static const char expected[] =
        "# Written by vswitchd; edits are read on SIGHUP or restart.\n"
        "\n[bridge br0]\n"
        "\n[port vnet0]\nbridge=br0\nvlan=10\n"
        "enabled=no\nbpdu-guard=yes\n"
        "allowed-macs=02:00:00:00:00:01,02:00:00:00:00:0a\n"
        "mac-limit=unlimited\nmac-limit-action=flood\nisolated=yes\n"
        "dhcp-guard=yes\nra-guard=yes\nrate-in=1G,burst=1M\n"
        "rate-out=100M\nstorm-limit=1000\nmtu=9000\n"
        "\n[port vnet1]\nbridge=br0\n";
    char *msg = NULL;
    struct config *cfg = load_text(text, &msg), *back;
    const struct config_port *p;
    char *data, *again;

    if (msg) {
        fprintf(stderr, "\n  unexpected: %s\n", msg);
        g_free(msg);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    p = config_find_port(cfg, "vnet0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_FALSE(p->policy.enabled);
    CU_ASSERT_TRUE(p->policy.bpdu_guard);
    CU_ASSERT_EQUAL(p->policy.n_allowed_macs, 2);
    CU_ASSERT_EQUAL(p->policy.mac_limit, 0);
    CU_ASSERT_EQUAL(p->policy.rate_in.bps, 1000000000ULL);
    CU_ASSERT_EQUAL(p->policy.rate_in.burst, 1000000ULL);
    CU_ASSERT_EQUAL(p->policy.rate_out.bps, 100000000ULL);
    CU_ASSERT_EQUAL(p->policy.storm_limit, 1000);
    CU_ASSERT_EQUAL(p->policy.mtu, 9000);
    CU_ASSERT_EQUAL(p->vlan, 10);

    data = config_to_data(cfg, NULL);
    if (strcmp(data, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n", expected,
                data);
    }
    CU_ASSERT_STRING_EQUAL(data, expected);
    back = load_text(data, NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_TRUE(config_equal(cfg, back));
    again = config_to_data(back, NULL);
    CU_ASSERT_STRING_EQUAL(again, data);

    /* A policy change is a change. */
    set_ok(config_edit_port(back, "vnet1"), "isolated", "yes");
    CU_ASSERT_FALSE(config_equal(cfg, back));

    g_free(again);
    g_free(data);
    config_free(back);
    config_free(cfg);
}

/* [libvirt] default-bridge: loaded, compared, cloned, written back after
 * everything else, and refused when misspelt or not a bridge name. */
static void
test_libvirt_group(void)
{
    static const char text[] =
        "[bridge br0]\n\n[libvirt]\ndefault-bridge=br0   # VMs\n";
    struct config *cfg, *copy, *back;
    char *msg = NULL;
    char *out;

    cfg = load_data(text, strlen(text), SOURCE, &msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_PTR_NULL(msg);
    CU_ASSERT_STRING_EQUAL(cfg->libvirt_bridge, "br0");
    out = config_to_data(cfg, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n[libvirt]\ndefault-bridge=br0\n"));
    back = load_data(out, strlen(out), SOURCE, &msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_TRUE(config_equal(cfg, back));
    copy = config_clone(cfg);
    CU_ASSERT_TRUE(config_equal(cfg, copy));
    g_free(copy->libvirt_bridge);
    copy->libvirt_bridge = g_strdup("br1");
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    g_clear_pointer(&copy->libvirt_bridge, g_free);
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    g_free(out);
    out = config_to_data(copy, NULL);
    CU_ASSERT_PTR_NULL(strstr(out, "[libvirt]"));

    expect_load_error("[libvirt]\ndefault-bridg=br0\n",
                      SOURCE ": [libvirt] unknown key \"default-bridg\" "
                      "(expected default-bridge)");
    expect_load_error("[libvirt]\ndefault-bridge=a:b\n",
                      SOURCE ": [libvirt] default-bridge: bridge name "
                      "\"a:b\" contains ':' (use only A-Z, a-z, 0-9, '_', "
                      "'.' and '-')");

    g_free(out);
    config_free(back);
    config_free(copy);
    config_free(cfg);
}

static void
test_port_policy_load_errors(void)
{
    expect_load_error(POLICY_PORT "mtu=10\n",
                      SOURCE ": [port vnet0] mtu: mtu 10 is out of range "
                      "(68-65535, or none)");
    expect_load_error(POLICY_PORT "rate-in=fast   # comment\n",
                      SOURCE ": [port vnet0] rate-in: rate-in \"fast\" is "
                      "not a rate (write BITS/S with an optional k, M or G "
                      "suffix, 8k-400G bits/s, then optionally "
                      ",burst=BYTES; or none)");
    expect_load_error(POLICY_PORT "allowed-macs=01:00:00:00:00:01\n",
                      SOURCE ": [port vnet0] allowed-macs: allowed-macs: "
                      "01:00:00:00:00:01 is not a station address (a source "
                      "is never a multicast or zero address)");
    expect_load_error(POLICY_PORT "enabled=off\n",
                      SOURCE ": [port vnet0] enabled: enabled \"off\" is not "
                      "yes or no");
    expect_load_error(POLICY_PORT "isolated=yes\nisolated=no\n",
                      SOURCE ": [port vnet0] isolated is given twice (each "
                      "group and each key in it may appear only once)");
    expect_load_error(POLICY_PORT "mac-security=strict\n",
                      SOURCE ": [port vnet0] mac-security=strict needs "
                      "allowed-macs=MAC[,MAC...] (with any source allowed "
                      "it would change nothing)");
    /* A huge value is cut in the message. */
    {
        GString *text = g_string_new(POLICY_PORT "storm-limit=");
        char *msg = NULL;

        for (int i = 0; i < 10000; i++) {
            g_string_append_c(text, 'z');
        }
        g_string_append_c(text, '\n');
        CU_ASSERT_PTR_NULL(load_text(text->str, &msg));
        CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
        CU_ASSERT_TRUE(strlen(msg) <= MSG_MAX_LEN);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, "[port vnet0] storm-limit: "));
        g_free(msg);
        g_string_free(text, TRUE);
    }
}

static void
test_port_policy_set(void)
{
    struct config *cfg = config_new();
    struct config_port *p;

    config_add_bridge(cfg, "br0", NO_MSG);
    p = config_add_port(cfg, "br0", "vnet0", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);

    /* Through config_port_set(), with the policy module's messages. */
    set_ok(p, "rate-out", "10M");
    CU_ASSERT_EQUAL(p->policy.rate_out.bps, 10000000ULL);
    expect_port_set_error(p, "mac-limit", "0", "mac-limit 0 is out of range "
                          "(1-1048576, or unlimited)");
    expect_port_set_error(p, "rate-out", "1", "rate-out \"1\" is out of "
                          "range (8k-400G bits/s)");
    CU_ASSERT_EQUAL(p->policy.rate_out.bps, 10000000ULL);
    CU_ASSERT_EQUAL(p->policy.mac_limit, PORT_POLICY_MAC_LIMIT_DEFAULT);

    /* strict without a list is refused by validation, whatever the order
     * the keys came in. */
    set_ok(p, "mac-security", "strict");
    expect_invalid(cfg, "port vnet0: mac-security=strict needs "
                   "allowed-macs=MAC[,MAC...] (with any source allowed it "
                   "would change nothing)");
    set_ok(p, "allowed-macs", "02:00:00:00:00:01");
    port_valid(p);
    CU_ASSERT_EQUAL(config_validate(cfg, NO_MSG), 0);

    config_free(cfg);
}

static void
test_team_policy_keys_refused(void)
{
    static char *members[] = { "eth1", NULL };
    struct config *cfg = config_new();
    struct config_team *t;

    config_add_bridge(cfg, "br0", NO_MSG);
    t = add_team_ok(cfg, "br0", "bond0", members);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    expect_team_set_error(t, "mtu", "9000", "mtu is a port policy key, "
                          "which a team does not take (a team keeps the "
                          "defaults; set mtu on the bridge's ports with "
                          "set-port)");
    expect_team_set_error(t, "isolated", "yes", "isolated is a port policy "
                          "key, which a team does not take (a team keeps "
                          "the defaults; set isolated on the bridge's ports "
                          "with set-port)");
    CU_ASSERT_EQUAL(t->port.policy.mtu, 0);
    CU_ASSERT_EQUAL(t->port.policy.mac_limit, 0);
    config_free(cfg);

    expect_load_error("[bridge br0]\n[team bond0]\nbridge=br0\n"
                      "members=eth1\nrate-out=1G\n",
                      SOURCE ": [team bond0] rate-out is a port policy key, "
                      "which a team does not take (a team keeps the "
                      "defaults; set rate-out on the bridge's ports with "
                      "set-port)");
}

/* A port with an owner (the libvirt hook's) is shown but never saved, and
 * a reload from the file keeps it. */
static void
test_port_owner(void)
{
    struct config *cfg = config_new();
    struct config *reloaded = config_new();
    struct config_port *p;
    char *msg = NULL;
    char *text;

    CU_ASSERT_PTR_NOT_NULL_FATAL(config_add_bridge(cfg, "br0", NO_MSG));
    CU_ASSERT_PTR_NOT_NULL_FATAL(config_add_bridge(reloaded, "br0", NO_MSG));
    CU_ASSERT_PTR_NOT_NULL_FATAL(config_add_port(cfg, "br0", "tap-op",
                                                 NO_MSG));
    p = config_add_port(cfg, "br0", "tap-vm", NO_MSG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(config_port_set(p, "vlan", "42", NO_MSG), 0);
    CU_ASSERT_EQUAL(config_port_set(p, "owner", "libvirt:c7a5fdbd", NO_MSG),
                    0);
    CU_ASSERT_STRING_EQUAL(p->owner, "libvirt:c7a5fdbd");

    CU_ASSERT_EQUAL(config_port_set(p, "owner", "two words", &msg), -EINVAL);
    CU_ASSERT_PTR_NOT_NULL(msg && strstr(msg, "owner"));
    g_free(msg);
    msg = NULL;
    CU_ASSERT_EQUAL(config_port_set(p, "owner", "", &msg), -EINVAL);
    g_free(msg);
    CU_ASSERT_STRING_EQUAL(p->owner, "libvirt:c7a5fdbd");

    text = config_to_data(cfg, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "[port tap-op]"));
    CU_ASSERT_PTR_NULL(strstr(text, "tap-vm"));
    CU_ASSERT_PTR_NULL(strstr(text, "owner"));
    g_free(text);

    config_keep_owned_ports(reloaded, cfg);
    CU_ASSERT_PTR_NULL(config_find_port(reloaded, "tap-op"));
    p = config_edit_port(reloaded, "tap-vm");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(p->owner, "libvirt:c7a5fdbd");
    CU_ASSERT_EQUAL(p->vlan, 42);
    CU_ASSERT_EQUAL(config_validate(reloaded, NO_MSG), 0);

    /* "none" gives the port to the operator: saved again. */
    CU_ASSERT_EQUAL(config_port_set(config_edit_port(cfg, "tap-vm"),
                                    "owner", "none", NO_MSG), 0);
    text = config_to_data(cfg, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "[port tap-vm]"));
    g_free(text);
    config_free(reloaded);
    config_free(cfg);
}

/* A clone shares its ports with the original (a transaction over many
 * ports copies pointers), and every way of changing one gives the clone a
 * port of its own: the original, the running configuration, never sees a
 * change that was not committed.  An unchanged port keeps its address:
 * how applying tells it did not change. */
static void
test_clone_shares_ports(void)
{
    struct config *cfg = build_team_sample();
    struct config *copy = config_clone(cfg);
    const struct config_port *vnet0 = config_find_port(cfg, "vnet0");
    const struct config_port *vnet1 = config_find_port(cfg, "vnet1");
    struct config_port *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(vnet0);
    CU_ASSERT_PTR_EQUAL(config_find_port(copy, "vnet0"), vnet0);
    CU_ASSERT_PTR_EQUAL(config_find_port(copy, "vnet1"), vnet1);

    /* Edited: the clone's own copy; the original keeps its value. */
    p = config_edit_port(copy, "vnet1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_EQUAL(p, vnet1);
    set_ok(p, "vlan", "77");
    CU_ASSERT_PTR_EQUAL(config_edit_port(copy, "vnet1"), p);
    CU_ASSERT_EQUAL(config_find_port(copy, "vnet1")->vlan, 77);
    CU_ASSERT_NOT_EQUAL(config_find_port(cfg, "vnet1")->vlan, 77);
    CU_ASSERT_PTR_EQUAL(config_find_port(cfg, "vnet1"), vnet1);
    CU_ASSERT_PTR_EQUAL(config_find_port(copy, "vnet0"), vnet0);
    CU_ASSERT_PTR_NULL(config_edit_port(copy, "nosuch"));

    /* A team losing the member a port preferred clears that port's uplink
     * in the clone only. */
    CU_ASSERT_EQUAL(config_team_del_member(copy,
                                           config_find_team(copy, "bond0"),
                                           "eth11", NO_MSG), 0);
    CU_ASSERT_PTR_NULL(config_find_port(copy, "vnet0")->uplink);
    CU_ASSERT_PTR_NOT_EQUAL(config_find_port(copy, "vnet0"), vnet0);
    CU_ASSERT_STRING_EQUAL(config_find_port(cfg, "vnet0")->uplink, "eth11");
    CU_ASSERT_FALSE(config_equal(cfg, copy));

    /* Freed in either order, each port once (ASan and valgrind check). */
    config_free(cfg);
    CU_ASSERT_STRING_EQUAL(config_find_port(copy, "vnet2")->name, "vnet2");
    config_free(copy);

    cfg = build_team_sample();
    copy = config_clone(cfg);
    config_free(copy);
    CU_ASSERT_STRING_EQUAL(config_find_port(cfg, "vnet0")->uplink, "eth11");
    config_free(cfg);
}

static const CU_TestInfo tests[] = {
    { "defaults", test_defaults },
    { "round trip", test_round_trip },
    { "clone and equal", test_clone_equal },
    { "a clone shares ports until one changes", test_clone_shares_ports },
    { "header example", test_header_example },
    { "empty and comments", test_empty_and_comments },
    { "syntax error", test_syntax_error },
    { "unknown group and key", test_unknown_group_and_key },
    { "bad values", test_bad_values },
    { "NUL byte", test_nul_byte },
    { "long values shortened in messages", test_long_values_shortened },
    { "missing keys", test_missing_keys },
    { "references", test_references },
    { "validate through the API", test_validate_api },
    { "add errors", test_add_errors },
    { "bridge set", test_bridge_set },
    { "port set", test_port_set },
    { "port keys in any order", test_port_order_independent },
    { "port has vlan", test_has_vlan },
    { "static entries", test_fdb },
    { "del bridge", test_del_bridge },
    { "del port", test_del_port },
    { "save and load", test_save_load },
    { "i/o errors", test_io_errors },
    { "file errors name the file", test_load_file_error_names_file },
    { "team defaults", test_team_defaults },
    { "team round trip", test_team_round_trip },
    { "team keys in any order", test_team_key_order },
    { "team clone and equal", test_team_clone_equal },
    { "team enum names", test_team_enum_names },
    { "team set", test_team_set },
    { "team lacp keys", test_team_lacp_keys },
    { "team load errors", test_team_load_errors },
    { "team references", test_team_references },
    { "team validate through the API", test_team_validate_api },
    { "add team errors", test_team_add_errors },
    { "team members", test_team_members },
    { "del team", test_del_team },
    { "del bridge with teams", test_del_bridge_teams },
    { "port uplink", test_port_uplink },
    { "team save and load", test_team_save_load },
    { "port policy round trip", test_port_policy_round_trip },
    { "port policy load errors", test_port_policy_load_errors },
    { "[libvirt] default-bridge", test_libvirt_group },
    { "port policy through config_port_set", test_port_policy_set },
    { "team refuses port policy keys", test_team_policy_keys_refused },
    { "port owner: shown, not saved, kept by reload", test_port_owner },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("config", NULL, NULL, tests);
}
