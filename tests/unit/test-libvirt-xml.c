/* Tests of lib/libvirt-xml.c: domain XML of many shapes to per-NIC port
 * settings, the refusals and their messages, and hostile documents (huge,
 * billion laughs, external entities, deep nesting) refused. */
#include <autoconf.h>
#include "libvirt-xml.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include "unit.h"

#define NS "xmlns:vsw='urn:vswitchd:libvirt:1'"
#define UUID "c7a5fdbd-edaf-9455-926a-d65c16db1809"
#define MAC1 "52:54:00:00:00:01"
#define MAC2 "52:54:00:00:00:02"
#define MAC3 "52:54:00:00:00:03"

/* A domain "vm1" with 'metadata' (the inside of <metadata>) and
 * 'interfaces' (the inside of <devices>).  Caller frees. */
static char *
domain_xml(const char *metadata, const char *interfaces)
{
    return g_strdup_printf(
        "<domain type='kvm'>\n"
        "  <name>vm1</name>\n"
        "  <uuid>" UUID "</uuid>\n"
        "  <metadata>%s</metadata>\n"
        "  <devices>\n%s  </devices>\n"
        "</domain>\n", metadata, interfaces);
}

/* An ethernet NIC with 'mac', tap 'dev' and alias 'alias' (NULL: none),
 * and 'extra' elements. */
static char *
nic_xml(const char *mac, const char *dev, const char *alias,
        const char *extra)
{
    return g_strdup_printf(
        "    <interface type='ethernet'>\n"
        "      <mac address='%s'/>\n"
        "      <target dev='%s' managed='no'/>\n"
        "      %s%s%s\n"
        "      %s\n"
        "    </interface>\n", mac, dev,
        alias ? "<alias name='" : "", alias ? alias : "",
        alias ? "'/>" : "", extra ? extra : "");
}

static struct libvirt_domain *
parse_ok(const char *xml, const char *default_bridge)
{
    struct libvirt_domain *dom = NULL;
    char *msg = NULL;
    int error = libvirt_domain_parse(xml, strlen(xml), default_bridge, &dom,
                                     &msg);

    if (error) {
        fprintf(stderr, "\n  refused: %s\n", msg);
    }
    CU_ASSERT_EQUAL(error, 0);
    CU_ASSERT_PTR_NULL(msg);
    g_free(msg);
    return dom;
}

/* Parsing 'len' bytes of 'xml' must fail with 'expected_error' and a
 * message containing each of the NULL-terminated 'needles'. */
static void
parse_fails_len(const char *xml, size_t len, int expected_error, ...)
{
    struct libvirt_domain *dom = NULL;
    char *msg = NULL;
    int error = libvirt_domain_parse(xml, len, "br0", &dom, &msg);
    const char *needle;
    va_list args;

    CU_ASSERT_EQUAL(error, expected_error);
    CU_ASSERT_PTR_NULL(dom);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    va_start(args, expected_error);
    while ((needle = va_arg(args, const char *))) {
        if (!strstr(msg, needle)) {
            fprintf(stderr, "\n  \"%s\" not in: %s\n", needle, msg);
            CU_FAIL("message lacks a word");
        }
    }
    va_end(args);
    CU_ASSERT_PTR_NULL(strchr(msg, '\n'));
    g_free(msg);
    libvirt_domain_free(dom);
}

#define parse_fails(XML, ERR, ...) \
    parse_fails_len(XML, strlen(XML), ERR, __VA_ARGS__, (const char *) NULL)

/* The metadata of 'xml' must be refused, the domain still read (its name
 * and UUID, for removing its ports), its NICs not, and the domain's
 * 'error' must contain each of the NULL-terminated 'needles'. */
static void
metadata_fails_(const char *xml, ...)
{
    struct libvirt_domain *dom = parse_ok(xml, "br0");
    const char *needle;
    va_list args;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dom);
    CU_ASSERT_STRING_EQUAL(dom->uuid, UUID);
    CU_ASSERT_EQUAL(dom->nics->len, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dom->error);
    va_start(args, xml);
    while ((needle = va_arg(args, const char *))) {
        if (!strstr(dom->error, needle)) {
            fprintf(stderr, "\n  \"%s\" not in: %s\n", needle, dom->error);
            CU_FAIL("message lacks a word");
        }
    }
    va_end(args);
    CU_ASSERT_PTR_NULL(strchr(dom->error, '\n'));
    libvirt_domain_free(dom);
}

#define metadata_fails(XML, ...) \
    metadata_fails_(XML, __VA_ARGS__, (const char *) NULL)

/* The NIC's settings joined by spaces ("" for none).  Caller frees. */
static char *
settings(const struct libvirt_nic *nic)
{
    return nic->settings ? g_strjoinv(" ", nic->settings) : g_strdup("");
}

static void
assert_settings(const struct libvirt_nic *nic, const char *expected)
{
    char *s = settings(nic);

    if (strcmp(s, expected)) {
        fprintf(stderr, "\n  NIC %s: got \"%s\", expected \"%s\" (%s)\n",
                nic->key, s, expected, nic->error ? nic->error : "");
    }
    CU_ASSERT_STRING_EQUAL(s, expected);
    g_free(s);
}

/* The NIC's policy is refused with a message naming 'needle'. */
static void
assert_nic_error(const struct libvirt_nic *nic, const char *needle)
{
    if (!nic->error) {
        char *s = settings(nic);

        fprintf(stderr, "\n  NIC %s accepted (%s), expected an error "
                "with \"%s\"\n", nic->key, s, needle);
        g_free(s);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(nic->error);
    CU_ASSERT_PTR_NULL(nic->bridge);
    CU_ASSERT_PTR_NULL(nic->settings);
    if (!strstr(nic->error, needle)) {
        fprintf(stderr, "\n  \"%s\" not in: %s\n", needle, nic->error);
        CU_FAIL("NIC error lacks a word");
    }
}

/* One ethernet NIC (MAC1, tap vnet1) with entry attributes 'attrs' and
 * entry content 'inner', NIC 'extra'.  Returns the domain. */
static struct libvirt_domain *
one_nic(const char *attrs, const char *inner, const char *extra)
{
    char *md = g_strdup_printf("<vsw:ports " NS "><vsw:port mac='" MAC1
                               "' %s>%s</vsw:port></vsw:ports>", attrs,
                               inner ? inner : "");
    char *nic = nic_xml(MAC1, "vnet1", "net0", extra);
    char *xml = domain_xml(md, nic);
    struct libvirt_domain *dom = parse_ok(xml, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(dom);
    CU_ASSERT_PTR_NULL(dom->error);
    g_free(md);
    g_free(nic);
    g_free(xml);
    return dom;
}

/* ---- Shapes ------------------------------------------------------------- */

static void
test_several_nics(void)
{
    char *n1 = nic_xml(MAC1, "vnet1", "net0", NULL);
    char *n2 = nic_xml(MAC2, "vnet2", "net1", NULL);
    char *nics = g_strdup_printf(
        "%s%s"
        "    <interface type='bridge'><mac address='" MAC3 "'/>"
        "<source bridge='virbr0'/><alias name='net2'/></interface>\n"
        "    <interface type='user'><alias name='net3'/></interface>\n",
        n1, n2);
    char *xml = domain_xml(
        "<vsw:ports " NS ">"
        "<vsw:port mac='52:54:00:00:00:01' bridge='br0' vlan='42' "
        "mac-limit='4' isolated='yes' rate-in='100M' rate-out='100M' "
        "dhcp-guard='yes' ra-guard='yes'/>"
        "</vsw:ports>"
        "<other:x xmlns:other='urn:example:other'/>", nics);
    struct libvirt_domain *dom = parse_ok(xml, "brdef");
    const struct libvirt_nic *nic;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dom);
    CU_ASSERT_STRING_EQUAL(dom->name, "vm1");
    CU_ASSERT_STRING_EQUAL(dom->uuid, UUID);
    CU_ASSERT_PTR_NULL(dom->error);
    CU_ASSERT_EQUAL_FATAL(dom->nics->len, 4);

    nic = g_ptr_array_index(dom->nics, 0);
    CU_ASSERT_STRING_EQUAL(nic->key, "net0");
    CU_ASSERT_STRING_EQUAL(nic->mac, MAC1);
    CU_ASSERT_STRING_EQUAL(nic->dev, "vnet1");
    CU_ASSERT_STRING_EQUAL(nic->type, "ethernet");
    CU_ASSERT_STRING_EQUAL(nic->bridge, "br0");
    CU_ASSERT_PTR_NULL(nic->skip);
    CU_ASSERT_PTR_NULL(nic->error);
    assert_settings(nic, "vlan=42 mac-limit=4 isolated=yes rate-in=100M "
                    "rate-out=100M dhcp-guard=yes ra-guard=yes "
                    "allowed-macs=" MAC1);

    /* No entry: the default bridge, port security on its <mac>. */
    nic = g_ptr_array_index(dom->nics, 1);
    CU_ASSERT_STRING_EQUAL(nic->bridge, "brdef");
    assert_settings(nic, "allowed-macs=" MAC2);

    /* Other types: skipped with a reason, not an error. */
    for (guint i = 2; i < 4; i++) {
        nic = g_ptr_array_index(dom->nics, i);
        CU_ASSERT_PTR_NULL(nic->bridge);
        CU_ASSERT_PTR_NULL(nic->settings);
        CU_ASSERT_PTR_NULL(nic->error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(nic->skip);
        CU_ASSERT_PTR_NOT_NULL(strstr(nic->skip, "type='ethernet'"));
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(((struct libvirt_nic *)
                                   g_ptr_array_index(dom->nics, 2))->skip,
                                  "'bridge'"));
    libvirt_domain_free(dom);
    g_free(xml);
    g_free(nics);
    g_free(n1);
    g_free(n2);
}

static void
test_no_entry_no_default(void)
{
    char *n1 = nic_xml(MAC1, "vnet1", NULL, NULL);
    char *xml = domain_xml("", n1);
    struct libvirt_domain *dom = parse_ok(xml, NULL);
    const struct libvirt_nic *nic;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dom);
    CU_ASSERT_EQUAL_FATAL(dom->nics->len, 1);
    nic = g_ptr_array_index(dom->nics, 0);
    CU_ASSERT_STRING_EQUAL(nic->key, MAC1 "#0");
    CU_ASSERT_PTR_NULL(nic->bridge);
    CU_ASSERT_PTR_NULL(nic->error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(nic->skip);
    CU_ASSERT_PTR_NOT_NULL(strstr(nic->skip, "default-bridge"));
    libvirt_domain_free(dom);
    g_free(xml);
    g_free(n1);
}

static void
test_entry_without_bridge(void)
{
    struct libvirt_domain *dom = one_nic("vlan='5'", NULL, NULL);

    assert_nic_error(g_ptr_array_index(dom->nics, 0), "names no bridge");
    libvirt_domain_free(dom);
}

static void
test_trunk_native(void)
{
    struct libvirt_domain *dom = one_nic("bridge='br0' trunks='10,20' "
                                         "native='10'", NULL, NULL);

    assert_settings(g_ptr_array_index(dom->nics, 0),
                    "trunks=10,20 native=10 allowed-macs=" MAC1);
    libvirt_domain_free(dom);
}

static void
test_allowed_macs(void)
{
    struct libvirt_domain *dom;

    dom = one_nic("bridge='br0'",
                  "<vsw:allowed-mac>52:54:00:00:00:99</vsw:allowed-mac>"
                  "<vsw:allowed-mac> 52:54:00:00:00:AA </vsw:allowed-mac>",
                  NULL);
    assert_settings(g_ptr_array_index(dom->nics, 0),
                    "allowed-macs=" MAC1 ",52:54:00:00:00:99,"
                    "52:54:00:00:00:aa");
    libvirt_domain_free(dom);

    dom = one_nic("bridge='br0' allowed-macs='any'", NULL, NULL);
    assert_settings(g_ptr_array_index(dom->nics, 0), "allowed-macs=any");
    libvirt_domain_free(dom);

    dom = one_nic("bridge='br0' allowed-macs='any'",
                  "<vsw:allowed-mac>52:54:00:00:00:99</vsw:allowed-mac>",
                  NULL);
    assert_nic_error(g_ptr_array_index(dom->nics, 0), "not both");
    libvirt_domain_free(dom);

    dom = one_nic("bridge='br0'",
                  "<vsw:allowed-mac>52:54:00:00:99</vsw:allowed-mac>", NULL);
    assert_nic_error(g_ptr_array_index(dom->nics, 0),
                     "\"52:54:00:00:99\" on line");
    libvirt_domain_free(dom);

    dom = one_nic("bridge='br0' mac-security='strict'", NULL, NULL);
    assert_settings(g_ptr_array_index(dom->nics, 0),
                    "mac-security=strict allowed-macs=" MAC1);
    libvirt_domain_free(dom);
}

static void
test_standard_elements(void)
{
    struct libvirt_domain *dom;

    dom = one_nic("bridge='br0'", NULL,
                  "<mtu size='9000'/><link state='down'/>");
    assert_settings(g_ptr_array_index(dom->nics, 0),
                    "allowed-macs=" MAC1 " mtu=9000 enabled=no");
    libvirt_domain_free(dom);

    /* The metadata overrides them. */
    dom = one_nic("bridge='br0' mtu='1500' enabled='yes'", NULL,
                  "<mtu size='9000'/><link state='down'/>");
    assert_settings(g_ptr_array_index(dom->nics, 0),
                    "mtu=1500 enabled=yes allowed-macs=" MAC1);
    libvirt_domain_free(dom);

    dom = one_nic("bridge='br0'", NULL, "<link state='up'/>");
    assert_settings(g_ptr_array_index(dom->nics, 0), "allowed-macs=" MAC1);
    libvirt_domain_free(dom);

    dom = one_nic("bridge='br0'", NULL, "<mtu size='20'/>");
    assert_nic_error(g_ptr_array_index(dom->nics, 0), "mtu");
    libvirt_domain_free(dom);
}

/* Values are checked by config_port_set(), set-port's code. */
static void
test_bad_values(void)
{
    static const struct {
        const char *attrs;       /* Entry attributes. */
        const char *needle;      /* In the NIC's error. */
    } cases[] = {
        { "bridge='br0' vlan='4095'", "4095" },
        { "bridge='br0' vlan='0'", "vlan" },
        { "bridge='br0' vlan='ten'", "ten" },
        { "bridge='br0' trunks='10,5000'", "5000" },
        { "bridge='br0' native='10'", "native=10 needs trunks" },
        { "bridge='br0' vlan='10' trunks='20'", "not both" },
        { "bridge='br0' rate-in='fast'", "fast" },
        { "bridge='br0' rate-out='1'", "rate-out" },
        { "bridge='br0' mac-limit='-3'", "mac-limit" },
        { "bridge='br0' isolated='maybe'", "maybe" },
        { "bridge='br0' allowed-macs='52:54:00'", "52:54:00" },
        { "bridge='br0' uplink='a/b'", "uplink" },
        { "bridge='br0' vlan=''", "vlan" },
        { "bridge='a-bridge-name-too-long'", "a-bridge-name-too-long" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        struct libvirt_domain *dom = one_nic(cases[i].attrs, NULL, NULL);
        const struct libvirt_nic *nic = g_ptr_array_index(dom->nics, 0);

        assert_nic_error(nic, cases[i].needle);
        CU_ASSERT_PTR_NOT_NULL(strstr(nic->error, "NIC net0"));
        CU_ASSERT_PTR_NULL(strchr(nic->error, '\n'));
        libvirt_domain_free(dom);
    }
}

static void
test_bad_mac_element(void)
{
    char *n1 = nic_xml("52:54:00:zz:00:01", "vnet1", "net0", NULL);
    char *xml = domain_xml("", n1);
    struct libvirt_domain *dom = parse_ok(xml, "br0");

    assert_nic_error(g_ptr_array_index(dom->nics, 0), "52:54:00:zz:00:01");
    libvirt_domain_free(dom);
    g_free(xml);
    g_free(n1);
}

static void
test_bad_metadata(void)
{
    static const struct {
        const char *metadata;    /* Inside <metadata>. */
        const char *needle;      /* In the domain's error. */
    } cases[] = {
        { "<vsw:ports " NS "><vsw:port mac='" MAC1 "' bridge='br0' "
          "vlna='4' colour='red'/></vsw:ports>", "unknown vlna, colour" },
        /* "type": a tap is always a system port. */
        { "<vsw:ports " NS "><vsw:port mac='" MAC1 "' type='internal'/>"
          "</vsw:ports>", "unknown type" },
        /* An attribute in a namespace is not ours either. */
        { "<vsw:ports " NS "><vsw:port mac='" MAC1 "' vsw:vlan='4'/>"
          "</vsw:ports>", "unknown vlan" },
        { "<vsw:ports " NS "><vsw:port mac='" MAC1 "'><vsw:vlan>4"
          "</vsw:vlan></vsw:port></vsw:ports>", "unknown <vlan>" },
        { "<vsw:ports " NS "><vsw:prt mac='" MAC1 "'/></vsw:ports>",
          "<prt> on line 4 in <vsw:ports> (expected <vsw:port>)" },
        { "<vsw:bridge " NS "/>", "<bridge> on line 4 in namespace" },
        { "<vsw:ports " NS "/><vsw:ports " NS "/>", "twice" },
        { "<vsw:ports " NS "><vsw:port bridge='br0'/></vsw:ports>",
          "names no NIC" },
        { "<vsw:ports " NS "><vsw:port mac='52-54' bridge='br0'/>"
          "</vsw:ports>", "\"52-54\" is not a MAC" },
        { "<vsw:ports " NS "><vsw:port mac='" MAC1 "'/><vsw:port "
          "mac='52:54:00:00:00:01'/></vsw:ports>", "repeats the one on" },
        /* A typo in a MAC must not leave the NIC without its policy. */
        { "<vsw:ports " NS "><vsw:port mac='" MAC2 "' bridge='br0'/>"
          "</vsw:ports>", MAC2 ", which no <interface>" },
    };
    char *n1 = nic_xml(MAC1, "vnet1", "net0", NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *xml = domain_xml(cases[i].metadata, n1);

        metadata_fails(xml, cases[i].needle);
        g_free(xml);
    }
    g_free(n1);
}

/* An entry for a NIC that is not ethernet. */
static void
test_entry_for_other_type(void)
{
    char *xml = domain_xml("<vsw:ports " NS "><vsw:port mac='" MAC1 "' "
                           "bridge='br0'/></vsw:ports>",
                           "<interface type='bridge'><mac address='" MAC1
                           "'/><source bridge='br0'/></interface>");
    struct libvirt_domain *dom = parse_ok(xml, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(dom);
    assert_nic_error(g_ptr_array_index(dom->nics, 0), "type 'bridge'");
    libvirt_domain_free(dom);
    g_free(xml);
}

static void
test_duplicate_macs(void)
{
    char *n1 = nic_xml(MAC1, "vnet1", "net0", NULL);
    char *n2 = nic_xml(MAC1, "vnet2", "ua-second", NULL);
    char *n3 = nic_xml(MAC1, "vnet3", NULL, NULL);
    char *n4 = nic_xml(MAC1, "vnet4", NULL, NULL);
    char *nics = g_strconcat(n1, n2, n3, n4, NULL);
    char *xml = domain_xml("<vsw:ports " NS ">"
                           "<vsw:port mac='" MAC1 "' bridge='br0' "
                           "vlan='10'/>"
                           "<vsw:port alias='ua-second' bridge='br1' "
                           "vlan='20'/></vsw:ports>", nics);
    struct libvirt_domain *dom = parse_ok(xml, NULL);
    const char *keys[] = { "net0", "ua-second", MAC1 "#2", MAC1 "#3" };
    const char *bridges[] = { "br0", "br1", "br0", "br0" };

    CU_ASSERT_EQUAL_FATAL(dom->nics->len, 4);
    for (guint i = 0; i < 4; i++) {
        const struct libvirt_nic *nic = g_ptr_array_index(dom->nics, i);

        CU_ASSERT_STRING_EQUAL(nic->key, keys[i]);
        CU_ASSERT_STRING_EQUAL(nic->bridge, bridges[i]);
    }
    assert_settings(g_ptr_array_index(dom->nics, 1),
                    "vlan=20 allowed-macs=" MAC1);
    assert_settings(g_ptr_array_index(dom->nics, 3),
                    "vlan=10 allowed-macs=" MAC1);
    libvirt_domain_free(dom);
    g_free(xml);
    g_free(nics);
    g_free(n1);
    g_free(n2);
    g_free(n3);
    g_free(n4);
}

static void
test_malformed(void)
{
    parse_fails("<domain><name>x</name>", -EINVAL, "malformed", "line");
    parse_fails("", -EINVAL, "malformed");
    parse_fails("<network><name>x</name></network>", -EINVAL,
                "root is <network>");
    parse_fails("<domain><devices/></domain>", -EINVAL, "no <name>");
    parse_fails("<domain xmlns='urn:x'><name>x</name></domain>", -EINVAL,
                "not a domain");
    parse_fails_len("<domain>\0<name>x</name></domain>", 31, -EINVAL,
                    "NUL", (const char *) NULL);
}

/* ---- Hostile documents -------------------------------------------------- */

static void
test_too_big(void)
{
    size_t len = LIBVIRT_XML_MAX + 1;
    char *xml = g_malloc(len);

    memset(xml, ' ', len);
    memcpy(xml, "<domain>", 8);
    parse_fails_len(xml, len, -EFBIG, "4194305 bytes",
                    (const char *) NULL);
    g_free(xml);
}

/* A document just under the limit, most of it a description, still
 * parses: the bound is the size, not a guess at what domains hold. */
static void
test_big_but_allowed(void)
{
    GString *s = g_string_new("<domain><name>big</name><description>");
    struct libvirt_domain *dom;
    char *n1 = nic_xml(MAC1, "vnet1", "net0", NULL);

    while (s->len < LIBVIRT_XML_MAX - 4096) {
        g_string_append(s, "lorem ipsum dolor sit amet ");
    }
    g_string_append_printf(s, "</description><devices>%s</devices>"
                           "</domain>", n1);
    dom = parse_ok(s->str, "br0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dom);
    CU_ASSERT_EQUAL(dom->nics->len, 1);
    libvirt_domain_free(dom);
    g_string_free(s, TRUE);
    g_free(n1);
}

static void
test_billion_laughs(void)
{
    GString *s = g_string_new("<?xml version='1.0'?>\n"
                              "<!DOCTYPE domain [\n"
                              "  <!ENTITY lol 'lol'>\n");

    for (int i = 1; i < 10; i++) {
        g_string_append_printf(s, "  <!ENTITY lol%d '", i);
        for (int j = 0; j < 10; j++) {
            if (i > 1) {
                g_string_append_printf(s, "&lol%d;", i - 1);
            } else {
                g_string_append(s, "&lol;");
            }
        }
        g_string_append(s, "'>\n");
    }
    g_string_append(s, "]>\n<domain><name>&lol9;</name></domain>\n");
    parse_fails(s->str, -EINVAL, "<!DOCTYPE");
    g_string_free(s, TRUE);

    /* An entity declaration without a DOCTYPE is not well-formed; still
     * refused before the parser sees it. */
    parse_fails("<domain><!ENTITY a 'b'><name>x</name></domain>", -EINVAL,
                "<!ENTITY");
}

static void
test_external_entities(void)
{
    static const char *const docs[] = {
        "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
        "<domain><name>&x;</name></domain>",
        "<!DOCTYPE domain [<!ENTITY x SYSTEM 'http://198.18.0.1/x'>]>"
        "<domain><name>&x;</name></domain>",
        "<!DOCTYPE domain SYSTEM 'http://198.18.0.1/domain.dtd'>"
        "<domain><name>x</name></domain>",
        "<!DOCTYPE domain [<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;]>"
        "<domain><name>x</name></domain>",
    };
    gint64 start = g_get_monotonic_time();

    for (size_t i = 0; i < G_N_ELEMENTS(docs); i++) {
        parse_fails(docs[i], -EINVAL, "<!DOCTYPE", "no DTD or entities");
    }
    /* XInclude is not processed: the element stays an unknown one. */
    {
        struct libvirt_domain *dom = parse_ok(
            "<domain xmlns:xi='http://www.w3.org/2001/XInclude'>"
            "<name>x<xi:include href='file:///etc/passwd' parse='text'/>"
            "</name></domain>", "br0");

        CU_ASSERT_PTR_NOT_NULL_FATAL(dom);
        CU_ASSERT_STRING_EQUAL(dom->name, "x");
        libvirt_domain_free(dom);
    }
    /* Nothing was fetched: no network wait (a generous bound, not a
     * timing assertion on the parser). */
    CU_ASSERT(g_get_monotonic_time() - start < 5 * G_USEC_PER_SEC);
}

static void
test_deep_nesting(void)
{
    GString *s = g_string_new("<domain><name>deep</name><description>");

    /* libxml2's limit without XML_PARSE_HUGE is 256 levels. */
    for (int i = 0; i < 300; i++) {
        g_string_append(s, "<a>");
    }
    for (int i = 0; i < 300; i++) {
        g_string_append(s, "</a>");
    }
    g_string_append(s, "</description></domain>");
    parse_fails(s->str, -EINVAL, "malformed", "depth");
    g_string_free(s, TRUE);
}

int
main(void)
{
    static const CU_TestInfo tests[] = {
        { "several NICs, other types skipped", test_several_nics },
        { "NIC without entry, no default bridge", test_no_entry_no_default },
        { "entry without bridge", test_entry_without_bridge },
        { "trunk and native", test_trunk_native },
        { "allowed MACs", test_allowed_macs },
        { "mtu and link state", test_standard_elements },
        { "bad values refused per NIC", test_bad_values },
        { "bad <mac>", test_bad_mac_element },
        { "bad metadata", test_bad_metadata },
        { "entry for another type", test_entry_for_other_type },
        { "duplicate MACs", test_duplicate_macs },
        { "malformed documents", test_malformed },
        { "over the size limit", test_too_big },
        { "big but allowed", test_big_but_allowed },
        { "billion laughs", test_billion_laughs },
        { "external entities", test_external_entities },
        { "deep nesting", test_deep_nesting },
        CU_TEST_INFO_NULL,
    };

    return unit_run_suite("libvirt-xml", NULL, NULL, tests);
}
