/* Unit tests of internal ports without root: the name of the switch's end
 * (netdev-internal.h) and the "type" key of the configuration (config.h).
 * Creating and deleting the devices needs root: tests/system/
 * test-internal-port.sh. */
#include <autoconf.h>
#include "netdev-internal.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>
#include "config.h"
#include "unit.h"

/* The peer's name is the documented one: prefix and FNV-1a of the name
 * (the published test vector of "a"), within IFNAMSIZ for any name. */
static void
test_peer_name(void)
{
    char peer[IF_NAMESIZE], other[IF_NAMESIZE];

    netdev_internal_peer_name("a", peer);
    CU_ASSERT_STRING_EQUAL(peer, "vsi-e40c292c");
    netdev_internal_peer_name("mgmt0", peer);
    netdev_internal_peer_name("mgmt0", other);
    CU_ASSERT_STRING_EQUAL(peer, other);
    CU_ASSERT_EQUAL(strlen(peer), 12);
    CU_ASSERT_EQUAL(strncmp(peer, NETDEV_INTERNAL_PREFIX,
                            strlen(NETDEV_INTERNAL_PREFIX)), 0);
    netdev_internal_peer_name("mgmt1", other);
    CU_ASSERT_STRING_NOT_EQUAL(peer, other);
    netdev_internal_peer_name("abcdefghijklmno", peer);
    CU_ASSERT_EQUAL(strlen(peer), 12);
}

static struct config *
load(const char *text)
{
    struct config *cfg;
    char *msg;

    if (config_load_data(text, strlen(text), "test.conf", &cfg, &msg)) {
        fprintf(stderr, "\n  %s\n", msg);
        g_free(msg);
    }
    return cfg;
}

/* "type" is parsed, refused when unknown, and saved only when internal. */
static void
test_type_key(void)
{
    struct config *cfg = load("[bridge br0]\n"
                              "[port mgmt0]\nbridge=br0\ntype=internal\n"
                              "vlan=100\n"
                              "[port vnet0]\nbridge=br0\ntype=system\n");
    struct config *again;
    char *text, *msg;
    size_t len;

    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(config_find_port(cfg, "mgmt0")->type,
                    CONFIG_PORT_INTERNAL);
    CU_ASSERT_EQUAL(config_find_port(cfg, "mgmt0")->vlan, 100);
    CU_ASSERT_EQUAL(config_find_port(cfg, "vnet0")->type,
                    CONFIG_PORT_SYSTEM);

    text = config_to_data(cfg, &len);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "[port mgmt0]\nbridge=br0\n"
                                  "type=internal\nvlan=100\n"));
    CU_ASSERT_PTR_NULL(strstr(text, "type=system"));
    CU_ASSERT_EQUAL(config_load_data(text, len, "saved", &again, &msg), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(again);
    CU_ASSERT_TRUE(config_equal(cfg, again));

    CU_ASSERT_EQUAL(config_port_set(config_edit_port(cfg, "vnet0"), "type",
                                    "tap", &msg), -EINVAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT_STRING_EQUAL(msg, "type \"tap\" is not a port type "
                           "(expected system or internal)");
    g_free(msg);
    g_free(text);
    config_free(again);
    config_free(cfg);
}

/* The switch's end is a device name too: it may not clash with a name of
 * the configuration. */
static void
test_peer_clash(void)
{
    char peer[IF_NAMESIZE];
    char *text, *expected, *msg;
    struct config *cfg;

    netdev_internal_peer_name("mgmt0", peer);
    text = g_strdup_printf("[bridge br0]\n"
                           "[port mgmt0]\nbridge=br0\ntype=internal\n"
                           "[port %s]\nbridge=br0\n", peer);
    CU_ASSERT_EQUAL(config_load_data(text, strlen(text), "test.conf", &cfg,
                                     &msg), -EINVAL);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    expected = g_strdup_printf("test.conf: internal port mgmt0: its "
                               "switch-side device %s clashes with the "
                               "name %s (rename one of them)", peer, peer);
    if (strcmp(msg, expected)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n", expected,
                msg);
    }
    CU_ASSERT_STRING_EQUAL(msg, expected);
    g_free(expected);
    g_free(msg);
    g_free(text);
}

static const CU_TestInfo tests[] = {
    { "peer name", test_peer_name },
    { "type key", test_type_key },
    { "peer name clash", test_peer_clash },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("netdev-internal", NULL, NULL, tests);
}
