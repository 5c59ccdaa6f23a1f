#include <autoconf.h>
#include "config.h"

#include <CUnit/Basic.h>
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

static struct config *
load_text(const char *text, GError **error)
{
    return config_load_data(text, strlen(text), SOURCE, error);
}

/* Loads 'text', which must fail with exactly 'expected'. */
static void
expect_load_error(const char *text, const char *expected)
{
    GError *error = NULL;
    struct config *cfg = load_text(text, &error);

    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT(g_error_matches(error, CONFIG_ERROR, CONFIG_ERROR_INVALID));
    if (strcmp(error->message, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n",
                expected, error->message);
    }
    CU_ASSERT_STRING_EQUAL(error->message, expected);
    g_error_free(error);
    config_free(cfg);
}

/* Checks that 'cfg' fails validation with exactly 'expected'. */
static void
expect_invalid(const struct config *cfg, const char *expected)
{
    GError *error = NULL;

    CU_ASSERT_FALSE(config_validate(cfg, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT(g_error_matches(error, CONFIG_ERROR, CONFIG_ERROR_INVALID));
    if (strcmp(error->message, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n",
                expected, error->message);
    }
    CU_ASSERT_STRING_EQUAL(error->message, expected);
    g_error_free(error);
}

static void
expect_port_set_error(struct config_port *p, const char *key,
                      const char *value, const char *expected)
{
    GError *error = NULL;

    CU_ASSERT_FALSE(config_port_set(p, key, value, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    if (strcmp(error->message, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n",
                expected, error->message);
    }
    CU_ASSERT_STRING_EQUAL(error->message, expected);
    g_error_free(error);
}

static void
set_ok(struct config_port *p, const char *key, const char *value)
{
    GError *error = NULL;

    CU_ASSERT_TRUE(config_port_set(p, key, value, &error));
    CU_ASSERT_PTR_NULL(error);
    g_clear_error(&error);
}

static void
port_valid(const struct config_port *p)
{
    GError *error = NULL;

    CU_ASSERT_TRUE(config_port_validate(p, &error));
    if (error) {
        fprintf(stderr, "\n  unexpected: %s\n", error->message);
    }
    g_clear_error(&error);
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

    br0 = config_add_bridge(cfg, "br0", NULL);
    br1 = config_add_bridge(cfg, "br1", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br1);
    CU_ASSERT_TRUE(config_bridge_set(br1, "mac-aging", "0", NULL));
    CU_ASSERT_TRUE(config_bridge_set(br1, "mac-table-size", "100", NULL));

    p = config_add_port(cfg, "br0", "vnet0", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    set_ok(p, "vlan", "10");
    CU_ASSERT_PTR_NOT_NULL(config_add_port(cfg, "br0", "vnet1", NULL));
    p = config_add_port(cfg, "br0", "eth1", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    set_ok(p, "trunks", "10,20,100-199");
    set_ok(p, "native", "1");
    p = config_add_port(cfg, "br1", "eth2", NULL);
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
    struct config_bridge *b = config_add_bridge(cfg, "br0", NULL);
    struct config_port *p;
    char *desc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->mac_aging, 300);
    CU_ASSERT_EQUAL(b->mac_table_size, 8192);
    CU_ASSERT_PTR_EQUAL(config_find_bridge(cfg, "br0"), b);
    CU_ASSERT_PTR_NULL(config_find_bridge(cfg, "br1"));

    p = config_add_port(cfg, "br0", "vnet0", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(p->bridge, "br0");
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_ALL);
    CU_ASSERT_EQUAL(p->vlan, 0);
    CU_ASSERT_EQUAL(p->native, 0);
    CU_ASSERT_TRUE(vlan_bitmap_is_empty(&p->trunks));
    CU_ASSERT_PTR_EQUAL(config_find_port(cfg, "vnet0"), p);
    CU_ASSERT_PTR_NULL(config_find_port(cfg, "vnet1"));
    desc = config_port_vlan_describe(p);
    CU_ASSERT_STRING_EQUAL(desc, "trunk (all VLANs)");
    g_free(desc);
    CU_ASSERT_TRUE(config_validate(cfg, NULL));
    config_free(cfg);
    config_free(NULL);
}

static void
test_round_trip(void)
{
    struct config *cfg = build_sample();
    struct config *back;
    GError *error = NULL;
    char *text, *again;
    size_t len;

    CU_ASSERT_TRUE(config_validate(cfg, &error));
    CU_ASSERT_PTR_NULL(error);
    text = config_to_data(cfg, &len);
    CU_ASSERT_EQUAL(len, strlen(text));
    CU_ASSERT_STRING_EQUAL(text, SAMPLE_TEXT);

    back = config_load_data(text, len, SOURCE, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_PTR_NULL(error);
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
    /* Deep: the copy owns its own strings. */
    CU_ASSERT_PTR_NOT_EQUAL(config_find_port(copy, "vnet0")->name,
                            config_find_port(cfg, "vnet0")->name);

    config_find_bridge(copy, "br0")->mac_aging = 30;
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    CU_ASSERT_EQUAL(config_find_bridge(cfg, "br0")->mac_aging, 300);
    config_free(copy);

    copy = config_clone(cfg);
    p = config_find_port(copy, "eth1");
    set_ok(p, "trunks", "10,20,100-198");
    CU_ASSERT_FALSE(config_equal(cfg, copy));
    config_free(copy);

    copy = config_clone(cfg);
    set_ok(config_find_port(copy, "eth1"), "native", "none");
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
    CU_ASSERT_PTR_NOT_NULL(config_add_bridge(copy, "br2", NULL));
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
        "\n"
        "[port eth1]\n"
        "bridge=br0\n"
        "trunks=10,20,100-199     # trunk; \"native=N\" adds an untagged "
        "VLAN\n"
        "\n"
        "[fdb br0 02:00:00:00:00:01]\n"
        "vlan=10\n"
        "port=vnet0\n";
    GError *error = NULL;
    struct config *cfg = load_text(text, &error);
    const struct config_port *p;
    const struct config_fdb *f;

    CU_ASSERT_PTR_NULL(error);
    if (error) {
        fprintf(stderr, "\n  unexpected: %s\n", error->message);
        g_clear_error(&error);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(cfg->bridges->len, 1);
    CU_ASSERT_EQUAL(cfg->ports->len, 2);
    CU_ASSERT_EQUAL(cfg->fdbs->len, 1);
    p = config_find_port(cfg, "vnet0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_ACCESS);
    CU_ASSERT_EQUAL(p->vlan, 10);
    p = config_find_port(cfg, "eth1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_TRUNK);
    CU_ASSERT_TRUE(vlan_bitmap_test(&p->trunks, 10));
    CU_ASSERT_TRUE(vlan_bitmap_test(&p->trunks, 150));
    CU_ASSERT_FALSE(vlan_bitmap_test(&p->trunks, 11));
    CU_ASSERT_EQUAL(p->native, 0);
    f = config_find_fdb(cfg, "br0", 10, MAC1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->port, "vnet0");
    config_free(cfg);
}

static void
test_empty_and_comments(void)
{
    GError *error = NULL;
    struct config *cfg = load_text("", &error);

    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(cfg->bridges->len, 0);
    CU_ASSERT_EQUAL(cfg->ports->len, 0);
    CU_ASSERT_EQUAL(cfg->fdbs->len, 0);
    config_free(cfg);

    /* Upper-case MACs, blanks around values, a default fdb vlan. */
    cfg = load_text("# only a comment\n\n[bridge br0]\n"
                    "[port vnet0]\nbridge = br0  \n"
                    "[fdb br0 02:00:00:00:00:AB]\nport=vnet0\n", &error);
    CU_ASSERT_PTR_NULL(error);
    g_clear_error(&error);
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
    GError *error = NULL;
    struct config *cfg;

    cfg = load_text("[bridge br0]\nmac-aging=10\nthis is wrong\n", &error);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT(g_error_matches(error, CONFIG_ERROR, CONFIG_ERROR_INVALID));
    CU_ASSERT(g_str_has_prefix(error->message, SOURCE ": "));
    /* GKeyFile's message quotes the offending line. */
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "this is wrong"));
    g_clear_error(&error);

    cfg = load_text("mac-aging=10\n[bridge br0]\n", &error);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT(g_str_has_prefix(error->message, SOURCE ": "));
    g_clear_error(&error);

    cfg = load_text("[bridge br0\n", &error);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT(g_str_has_prefix(error->message, SOURCE ": "));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "[bridge br0"));
    g_clear_error(&error);
}

static void
test_unknown_group_and_key(void)
{
    expect_load_error("[bridge br0]\n[brdge br1]\n",
                      SOURCE ": unknown group [brdge br1] (expected "
                      "[bridge NAME], [port NAME] or [fdb BRIDGE MAC])");
    expect_load_error("[bridge]\n",
                      SOURCE ": [bridge] needs a name: [bridge NAME]");
    expect_load_error("[bridge br0]\nmac-ageing=10\n",
                      SOURCE ": [bridge br0] unknown key \"mac-ageing\" "
                      "(expected mac-aging or mac-table-size)");
    expect_load_error("[bridge br0]\n[port vnet0]\nbridge=br0\nvlann=10\n",
                      SOURCE ": [port vnet0] unknown key \"vlann\" "
                      "(expected bridge, vlan, trunks or native)");
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
    p = config_find_port(cfg, "eth2");
    g_free(p->bridge);
    p->bridge = g_strdup("br5");
    expect_invalid(cfg, "port eth2: bridge br5 does not exist");
    config_free(cfg);

    cfg = build_sample();
    set_ok(config_find_port(cfg, "vnet1"), "native", "7");
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
    p = config_find_port(cfg, "eth2");
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
    GError *error = NULL;

    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "br0", &error));
    CU_ASSERT_STRING_EQUAL(error->message, "bridge br0 already exists");
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "eth1", &error));
    CU_ASSERT_STRING_EQUAL(error->message, "eth1 is already a port of "
                           "bridge br0 (a bridge and a port cannot share a "
                           "name)");
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "", &error));
    CU_ASSERT_STRING_EQUAL(error->message, "bridge name is empty (give 1-15 "
                           "characters from A-Z, a-z, 0-9, '_', '.' and "
                           "'-')");
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "..", &error));
    CU_ASSERT_STRING_EQUAL(error->message, "bridge name \"..\" is not "
                           "allowed (Linux reserves it)");
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(config_add_bridge(cfg, "a\tb", &error));
    CU_ASSERT_STRING_EQUAL(error->message, "bridge name \"a\tb\" contains "
                           "\\x09 (use only A-Z, a-z, 0-9, '_', '.' and "
                           "'-')");
    g_clear_error(&error);

    CU_ASSERT_PTR_NULL(config_add_port(cfg, "br1", "eth1", &error));
    CU_ASSERT_STRING_EQUAL(error->message,
                           "eth1 is already a port of bridge br0");
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(config_add_port(cfg, "br9", "eth9", &error));
    CU_ASSERT_STRING_EQUAL(error->message, "bridge br9 does not exist");
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(config_add_port(cfg, "br0", "br1", &error));
    CU_ASSERT_STRING_EQUAL(error->message, "br1 is a bridge (a bridge and a "
                           "port cannot share a name)");
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(config_add_port(cfg, "br0", "x/y", &error));
    CU_ASSERT_STRING_EQUAL(error->message, "port name \"x/y\" contains '/' "
                           "(use only A-Z, a-z, 0-9, '_', '.' and '-')");
    g_clear_error(&error);

    /* Failed additions left nothing behind. */
    CU_ASSERT_EQUAL(cfg->bridges->len, 2);
    CU_ASSERT_EQUAL(cfg->ports->len, 4);
    CU_ASSERT_TRUE(config_name_valid("port", "a.b_c-D9", NULL));
    CU_ASSERT_TRUE(config_name_valid("port", "fifteen-chars-x", NULL));
    CU_ASSERT_FALSE(config_name_valid("port", "sixteen-chars-xx", NULL));
    CU_ASSERT_FALSE(config_name_valid("port", NULL, NULL));
    config_free(cfg);
}

static void
test_bridge_set(void)
{
    struct config *cfg = config_new();
    struct config_bridge *b = config_add_bridge(cfg, "br0", NULL);
    GError *error = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_TRUE(config_bridge_set(b, "mac-aging", "1000000", NULL));
    CU_ASSERT_EQUAL(b->mac_aging, CONFIG_MAC_AGING_MAX);
    CU_ASSERT_TRUE(config_bridge_set(b, "mac-table-size", "1048576", NULL));
    CU_ASSERT_EQUAL(b->mac_table_size, CONFIG_MAC_TABLE_SIZE_MAX);
    CU_ASSERT_TRUE(config_bridge_set(b, "mac-table-size", "1", NULL));
    CU_ASSERT_EQUAL(b->mac_table_size, 1);

    CU_ASSERT_FALSE(config_bridge_set(b, "mac-table-size", "1048577",
                                      &error));
    CU_ASSERT_STRING_EQUAL(error->message, "mac-table-size 1048577 is out "
                           "of range (1-1048576)");
    CU_ASSERT_EQUAL(b->mac_table_size, 1);
    g_clear_error(&error);
    CU_ASSERT_FALSE(config_bridge_set(b, "mac-table-size", "", &error));
    CU_ASSERT_STRING_EQUAL(error->message, "mac-table-size \"\" is not a "
                           "number (write 1-1048576 entries)");
    g_clear_error(&error);
    CU_ASSERT_FALSE(config_bridge_set(b, "aging", "10", &error));
    CU_ASSERT_STRING_EQUAL(error->message, "unknown bridge setting "
                           "\"aging\" (expected mac-aging or "
                           "mac-table-size)");
    g_clear_error(&error);
    config_free(cfg);
}

static void
test_port_set(void)
{
    struct config *cfg = config_new();
    struct config_port *p;
    char *desc;

    config_add_bridge(cfg, "br0", NULL);
    p = config_add_port(cfg, "br0", "eth1", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);

    /* vlan makes an access port and clears trunk settings. */
    set_ok(p, "trunks", "10,20");
    set_ok(p, "native", "5");
    set_ok(p, "vlan", "30");
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_ACCESS);
    CU_ASSERT_EQUAL(p->vlan, 30);
    CU_ASSERT_EQUAL(p->native, 0);
    CU_ASSERT_TRUE(vlan_bitmap_is_empty(&p->trunks));
    port_valid(p);
    desc = config_port_vlan_describe(p);
    CU_ASSERT_STRING_EQUAL(desc, "access vlan=30");
    g_free(desc);

    /* trunks=none leaves an access port alone; vlan=none ends it. */
    set_ok(p, "trunks", "none");
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_ACCESS);
    set_ok(p, "vlan", "none");
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_ALL);
    CU_ASSERT_EQUAL(p->vlan, 0);
    port_valid(p);

    /* trunks makes a trunk and clears vlan. */
    set_ok(p, "vlan", "30");
    set_ok(p, "trunks", "100-102");
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_TRUNK);
    CU_ASSERT_EQUAL(p->vlan, 0);
    CU_ASSERT_TRUE(vlan_bitmap_test(&p->trunks, 101));
    CU_ASSERT_FALSE(vlan_bitmap_test(&p->trunks, 30));
    port_valid(p);

    /* vlan=none leaves a trunk a trunk. */
    set_ok(p, "vlan", "none");
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_TRUNK);

    /* trunks=all: every vlan 1-4094, tagged; not the ALL mode. */
    set_ok(p, "trunks", "all");
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_TRUNK);
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
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_ALL);
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
                          "\"mode\" (expected vlan, trunks or native)");
    CU_ASSERT_EQUAL(p->mode, CONFIG_VLAN_TRUNK);
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
    GError *error = NULL;
    char *desc;

    config_add_bridge(cfg, "br0", NULL);
    a = config_add_port(cfg, "br0", "eth1", NULL);
    b = config_add_port(cfg, "br0", "eth2", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);

    set_ok(a, "trunks", "10,20");
    set_ok(a, "native", "20");
    set_ok(b, "native", "20");
    /* Half way, b is not valid yet... */
    CU_ASSERT_FALSE(config_port_validate(b, &error));
    CU_ASSERT_STRING_EQUAL(error->message, "native=20 needs trunks=LIST");
    g_clear_error(&error);
    set_ok(b, "trunks", "10,20");
    /* ...and now both are, and the same. */
    port_valid(a);
    port_valid(b);
    CU_ASSERT_EQUAL(a->mode, b->mode);
    CU_ASSERT_EQUAL(a->native, b->native);
    CU_ASSERT_TRUE(vlan_bitmap_equal(&a->trunks, &b->trunks));
    CU_ASSERT_TRUE(config_validate(cfg, NULL));
    desc = config_port_vlan_describe(b);
    CU_ASSERT_STRING_EQUAL(desc, "trunk trunks=10,20 native=20");
    g_free(desc);

    /* In the file, key order does not matter either. */
    config_free(cfg);
    cfg = load_text("[bridge br0]\n[port eth1]\nnative=20\nbridge=br0\n"
                    "trunks=10,20\n", &error);
    CU_ASSERT_PTR_NULL(error);
    g_clear_error(&error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    a = config_find_port(cfg, "eth1");
    CU_ASSERT_EQUAL(a->mode, CONFIG_VLAN_TRUNK);
    CU_ASSERT_EQUAL(a->native, 20);
    config_free(cfg);

    /* vlan=none next to trunks, either way round, is a trunk. */
    cfg = load_text("[bridge br0]\n[port eth1]\nbridge=br0\ntrunks=10\n"
                    "vlan=none\n[port eth2]\nbridge=br0\nvlan=none\n"
                    "trunks=10\n", &error);
    CU_ASSERT_PTR_NULL(error);
    g_clear_error(&error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(config_find_port(cfg, "eth1")->mode, CONFIG_VLAN_TRUNK);
    CU_ASSERT_EQUAL(config_find_port(cfg, "eth2")->mode, CONFIG_VLAN_TRUNK);
    config_free(cfg);
}

static void
test_has_vlan(void)
{
    struct config *cfg = config_new();
    struct config_port *p;

    config_add_bridge(cfg, "br0", NULL);
    p = config_add_port(cfg, "br0", "eth1", NULL);
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
    p = config_add_port(cfg, "br1", "eth3", NULL);
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
    CU_ASSERT_TRUE(config_validate(cfg, NULL));
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
    CU_ASSERT_TRUE(config_validate(cfg, NULL));
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
    GError *error = NULL;
    char *dir = make_temp_dir();
    char *path, *contents, *text;
    struct stat st;
    mode_t old_umask = umask(022);

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    /* Two missing levels of directories. */
    path = g_build_filename(dir, "etc", "vswitch", "vswitchd.conf", NULL);
    CU_ASSERT_TRUE(config_save(cfg, path, &error));
    CU_ASSERT_PTR_NULL(error);
    g_clear_error(&error);

    CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
    CU_ASSERT_TRUE(g_file_get_contents(path, &contents, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(contents, SAMPLE_TEXT);
    g_free(contents);

    back = config_load(path, &error);
    CU_ASSERT_PTR_NULL(error);
    g_clear_error(&error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_TRUE(config_equal(cfg, back));

    /* Saving again over the old file gives the same text. */
    CU_ASSERT_TRUE(config_save(back, path, NULL));
    CU_ASSERT_TRUE(g_file_get_contents(path, &contents, NULL, NULL));
    text = config_to_data(cfg, NULL);
    CU_ASSERT_STRING_EQUAL(contents, text);
    g_free(text);
    g_free(contents);
    config_free(back);

    /* An invalid configuration is not written. */
    set_ok(config_find_port(cfg, "vnet1"), "native", "3");
    CU_ASSERT_FALSE(config_save(cfg, path, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT(g_error_matches(error, CONFIG_ERROR, CONFIG_ERROR_INVALID));
    CU_ASSERT(g_str_has_suffix(error->message,
                               "port vnet1: native=3 needs trunks=LIST"));
    g_clear_error(&error);
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
    GError *error = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);

    /* A missing file is a first start: empty configuration. */
    missing = g_build_filename(dir, "none", "vswitchd.conf", NULL);
    cfg = config_load(missing, &error);
    CU_ASSERT_PTR_NULL(error);
    g_clear_error(&error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(cfg->bridges->len, 0);
    CU_ASSERT_EQUAL(cfg->ports->len, 0);
    CU_ASSERT_EQUAL(cfg->fdbs->len, 0);
    config_free(cfg);

    /* Unreadable (a directory; root reads anything else): an error. */
    cfg = config_load(dir, &error);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT(g_error_matches(error, CONFIG_ERROR, CONFIG_ERROR_IO));
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, dir) : NULL);
    g_clear_error(&error);

    /* A regular file where a directory should be. */
    blocker = g_build_filename(dir, "file", NULL);
    CU_ASSERT_TRUE(g_file_set_contents(blocker, "x", 1, NULL));
    below = g_build_filename(blocker, "vswitchd.conf", NULL);
    cfg = config_load(below, &error);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT(g_error_matches(error, CONFIG_ERROR, CONFIG_ERROR_IO));
    g_clear_error(&error);

    cfg = config_new();
    CU_ASSERT_FALSE(config_save(cfg, below, &error));
    CU_ASSERT(g_error_matches(error, CONFIG_ERROR, CONFIG_ERROR_IO));
    g_clear_error(&error);
    g_free(below);
    below = g_build_filename(blocker, "sub", "vswitchd.conf", NULL);
    CU_ASSERT_FALSE(config_save(cfg, below, &error));
    CU_ASSERT(g_error_matches(error, CONFIG_ERROR, CONFIG_ERROR_IO));
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, "cannot create "
                                          "directory") : NULL);
    g_clear_error(&error);
    /* The rename cannot replace a directory. */
    CU_ASSERT_FALSE(config_save(cfg, dir, &error));
    CU_ASSERT(g_error_matches(error, CONFIG_ERROR, CONFIG_ERROR_IO));
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, "cannot save "
                                          "configuration") : NULL);
    g_clear_error(&error);
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
    GError *error = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    path = g_build_filename(dir, "vswitchd.conf", NULL);
    CU_ASSERT_TRUE(g_file_set_contents(path, "[bridge br0]\nfoo=1\n", -1,
                                       NULL));
    CU_ASSERT_PTR_NULL(config_load(path, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT(g_str_has_prefix(error->message, path));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "[bridge br0] unknown "
                                  "key \"foo\""));
    g_clear_error(&error);
    remove_tree(dir);
    g_free(path);
    g_free(dir);
}

static const CU_TestInfo tests[] = {
    { "defaults", test_defaults },
    { "round trip", test_round_trip },
    { "clone and equal", test_clone_equal },
    { "header example", test_header_example },
    { "empty and comments", test_empty_and_comments },
    { "syntax error", test_syntax_error },
    { "unknown group and key", test_unknown_group_and_key },
    { "bad values", test_bad_values },
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
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("config", NULL, NULL, tests);
}
