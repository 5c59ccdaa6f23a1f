#include <autoconf.h>
#include "vlan.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

/* Big enough for the longest list: every other VLAN, about 9,700 bytes. */
#define LIST_SIZE 16384

static size_t
count_vlans(const struct vlan_bitmap *b)
{
    size_t n = 0;

    for (unsigned int vid = 0; vid < VLAN_COUNT; vid++) {
        n += vlan_bitmap_test(b, vid);
    }
    return n;
}

static void
test_bitmap_basics(void)
{
    struct vlan_bitmap a, b;

    vlan_bitmap_clear_all(&a);
    CU_ASSERT(vlan_bitmap_is_empty(&a));
    CU_ASSERT_EQUAL(count_vlans(&a), 0);

    vlan_bitmap_set(&a, 10);
    CU_ASSERT(!vlan_bitmap_is_empty(&a));
    CU_ASSERT(vlan_bitmap_test(&a, 10));
    CU_ASSERT(!vlan_bitmap_test(&a, 11));
    CU_ASSERT(!vlan_bitmap_test(&a, 9));
    /* Only the VID bits of a TCI count. */
    CU_ASSERT(vlan_bitmap_test(&a, vlan_tci(10, 0xe000)));

    vlan_bitmap_clear_all(&b);
    CU_ASSERT(!vlan_bitmap_equal(&a, &b));
    vlan_bitmap_set(&b, 10);
    CU_ASSERT(vlan_bitmap_equal(&a, &b));
    vlan_bitmap_set(&b, 4095);
    CU_ASSERT(!vlan_bitmap_equal(&a, &b));

    /* The last bit of the last word is its own. */
    vlan_bitmap_clear_all(&b);
    vlan_bitmap_set(&b, 4095);
    CU_ASSERT(!vlan_bitmap_is_empty(&b));
    CU_ASSERT_EQUAL(count_vlans(&b), 1);
}

static void
test_bitmap_set_all(void)
{
    struct vlan_bitmap b;
    char buf[32];

    memset(&b, 0xff, sizeof b);    /* Garbage that set_all must clear. */
    vlan_bitmap_set_all(&b);
    CU_ASSERT(!vlan_bitmap_test(&b, 0));
    CU_ASSERT(vlan_bitmap_test(&b, VLAN_MIN));
    CU_ASSERT(vlan_bitmap_test(&b, 2048));
    CU_ASSERT(vlan_bitmap_test(&b, VLAN_MAX));
    CU_ASSERT(!vlan_bitmap_test(&b, 4095));
    CU_ASSERT_EQUAL(count_vlans(&b), VLAN_MAX - VLAN_MIN + 1);
    CU_ASSERT_EQUAL(vlan_bitmap_format(&b, buf, sizeof buf), 6);
    CU_ASSERT_STRING_EQUAL(buf, "1-4094");
}

/* Parses 's', expecting success, and returns the set formatted back. */
static const char *
parse_format(const char *s, struct vlan_bitmap *b)
{
    static char buf[LIST_SIZE];
    char err[128] = "";
    int error = vlan_bitmap_parse(s, b, err, sizeof err);

    CU_ASSERT_EQUAL(error, 0);
    CU_ASSERT_STRING_EQUAL(err, "");
    vlan_bitmap_format(b, buf, sizeof buf);
    return buf;
}

static void
test_parse_good(void)
{
    struct vlan_bitmap b;

    CU_ASSERT_STRING_EQUAL(parse_format("10,20,100-199", &b),
                           "10,20,100-199");
    CU_ASSERT_EQUAL(count_vlans(&b), 102);
    CU_ASSERT(vlan_bitmap_test(&b, 10));
    CU_ASSERT(vlan_bitmap_test(&b, 20));
    CU_ASSERT(vlan_bitmap_test(&b, 100));
    CU_ASSERT(vlan_bitmap_test(&b, 199));
    CU_ASSERT(!vlan_bitmap_test(&b, 99));
    CU_ASSERT(!vlan_bitmap_test(&b, 200));
    CU_ASSERT(!vlan_bitmap_test(&b, 11));

    CU_ASSERT_STRING_EQUAL(parse_format("1", &b), "1");
    CU_ASSERT_STRING_EQUAL(parse_format("4094", &b), "4094");
    CU_ASSERT_STRING_EQUAL(parse_format("1-4094", &b), "1-4094");
    CU_ASSERT_EQUAL(count_vlans(&b), 4094);
    CU_ASSERT_STRING_EQUAL(parse_format("7-7", &b), "7");
    CU_ASSERT_EQUAL(count_vlans(&b), 1);

    /* Sets, not sequences: order and overlap do not matter. */
    CU_ASSERT_STRING_EQUAL(parse_format("30,10,20", &b), "10,20,30");
    CU_ASSERT_STRING_EQUAL(parse_format("5-10,8-12,10", &b), "5-12");
    CU_ASSERT_STRING_EQUAL(parse_format("3,1,2", &b), "1-3");
    CU_ASSERT_STRING_EQUAL(parse_format("010", &b), "10");
    CU_ASSERT_STRING_EQUAL(parse_format("00000000000000000010-0011", &b),
                           "10-11");

    /* The previous contents are replaced, not added to. */
    vlan_bitmap_set_all(&b);
    CU_ASSERT_STRING_EQUAL(parse_format("42", &b), "42");

    /* "" is what the empty set formats to, and it reads back. */
    vlan_bitmap_set_all(&b);
    CU_ASSERT_STRING_EQUAL(parse_format("", &b), "");
    CU_ASSERT(vlan_bitmap_is_empty(&b));
}

/* Parses 's', expecting -EINVAL and the message 'expected', and checks that
 * 'b' was left empty. */
static void
check_parse_error(const char *s, const char *expected)
{
    struct vlan_bitmap b;
    char err[256] = "";

    vlan_bitmap_set_all(&b);
    CU_ASSERT_EQUAL(vlan_bitmap_parse(s, &b, err, sizeof err), -EINVAL);
    CU_ASSERT_STRING_EQUAL(err, expected);
    if (strcmp(err, expected)) {
        fprintf(stderr, "\nfor \"%s\"\n  got      \"%s\"\n  expected \"%s\"\n",
                s ? s : "(null)", err, expected);
    }
    CU_ASSERT(vlan_bitmap_is_empty(&b));
}

static void
test_parse_errors(void)
{
    check_parse_error("5000", "vlan 5000 is out of range (1-4094)");
    check_parse_error("4095", "vlan 4095 is out of range (1-4094)");
    check_parse_error("0", "vlan 0 is out of range (1-4094)");
    check_parse_error("10,0", "vlan 0 is out of range (1-4094)");
    check_parse_error("0-10", "vlan 0 is out of range (1-4094)");
    check_parse_error("100-5000", "vlan 5000 is out of range (1-4094)");
    check_parse_error("99999999999999999999",
                      "vlan 99999999999999999999 is out of range (1-4094)");
    check_parse_error("4294967306",     /* 2^32 + 10: no wrap to 10. */
                      "vlan 4294967306 is out of range (1-4094)");

    check_parse_error("10,,20", "bad vlan list \"10,,20\": empty element");
    check_parse_error(",10", "bad vlan list \",10\": empty element");
    check_parse_error("10,", "bad vlan list \"10,\": empty element");
    check_parse_error(",", "bad vlan list \",\": empty element");

    check_parse_error("20-10", "vlan range 20-10 is reversed (write 10-20)");
    check_parse_error("11-10", "vlan range 11-10 is reversed (write 10-11)");
    check_parse_error("1,4094-1",
                      "vlan range 4094-1 is reversed (write 1-4094)");

    check_parse_error("abc", "bad vlan list \"abc\": \"abc\" is neither a "
                      "vlan nor a range of vlans (write 10 or 100-199)");
    check_parse_error("10,x1", "bad vlan list \"10,x1\": \"x1\" is neither a "
                      "vlan nor a range of vlans (write 10 or 100-199)");
    check_parse_error("10-", "bad vlan list \"10-\": \"10-\" is neither a "
                      "vlan nor a range of vlans (write 10 or 100-199)");
    check_parse_error("-10", "bad vlan list \"-10\": \"-10\" is neither a "
                      "vlan nor a range of vlans (write 10 or 100-199)");
    check_parse_error("1-2-3", "bad vlan list \"1-2-3\": \"1-2-3\" is neither "
                      "a vlan nor a range of vlans (write 10 or 100-199)");
    check_parse_error("+5", "bad vlan list \"+5\": \"+5\" is neither a "
                      "vlan nor a range of vlans (write 10 or 100-199)");
    check_parse_error("10;20", "bad vlan list \"10;20\": \"10;20\" is neither "
                      "a vlan nor a range of vlans (write 10 or 100-199)");

    check_parse_error("10, 20", "bad vlan list \"10, 20\": spaces are not "
                      "allowed (write e.g. 10,20,100-199)");
    check_parse_error(" 10", "bad vlan list \" 10\": spaces are not "
                      "allowed (write e.g. 10,20,100-199)");
    check_parse_error("10\n", "bad vlan list \"10\n\": spaces are not "
                      "allowed (write e.g. 10,20,100-199)");

    check_parse_error(NULL, "missing vlan list (write e.g. 10,20,100-199)");
}

static void
test_parse_error_buffer(void)
{
    struct vlan_bitmap b;
    char err[8];

    /* A short buffer gets a terminated prefix, nothing past its end. */
    memset(err, 'x', sizeof err);
    CU_ASSERT_EQUAL(vlan_bitmap_parse("5000", &b, err, 6), -EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "vlan ");
    CU_ASSERT_EQUAL(err[6], 'x');

    /* No buffer at all is fine too. */
    CU_ASSERT_EQUAL(vlan_bitmap_parse("5000", &b, NULL, 0), -EINVAL);
    CU_ASSERT_EQUAL(vlan_bitmap_parse("10,,", &b, err, 0), -EINVAL);
    CU_ASSERT_EQUAL(err[0], 'v');
    CU_ASSERT_EQUAL(vlan_bitmap_parse("10", &b, NULL, 0), 0);
    CU_ASSERT(vlan_bitmap_test(&b, 10));
}

static void
test_format(void)
{
    struct vlan_bitmap b;
    char buf[64];

    vlan_bitmap_clear_all(&b);
    memset(buf, 'x', sizeof buf);
    CU_ASSERT_EQUAL(vlan_bitmap_format(&b, buf, sizeof buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");

    /* Runs of two or more become ranges. */
    vlan_bitmap_set(&b, 1);
    vlan_bitmap_set(&b, 3);
    vlan_bitmap_set(&b, 4);
    vlan_bitmap_set(&b, 6);
    vlan_bitmap_set(&b, 7);
    vlan_bitmap_set(&b, 8);
    vlan_bitmap_set(&b, 4094);
    CU_ASSERT_EQUAL(vlan_bitmap_format(&b, buf, sizeof buf), 14);
    CU_ASSERT_STRING_EQUAL(buf, "1,3-4,6-8,4094");

    /* VLANs 0 and 4095 are shown if someone set them, even though the
     * parser would refuse them. */
    vlan_bitmap_clear_all(&b);
    vlan_bitmap_set(&b, 0);
    vlan_bitmap_set(&b, 4095);
    vlan_bitmap_format(&b, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "0,4095");
    vlan_bitmap_set(&b, 4094);
    vlan_bitmap_format(&b, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "0,4094-4095");
}

static void
test_format_truncated(void)
{
    struct vlan_bitmap b;
    const char *full = "10,20,100-199";
    size_t full_len = strlen(full);
    char buf[32];

    CU_ASSERT_EQUAL(vlan_bitmap_parse(full, &b, NULL, 0), 0);

    /* Like snprintf: the full length, and as much as fits, terminated. */
    for (size_t size = 1; size <= full_len + 1; size++) {
        memset(buf, 'x', sizeof buf);
        CU_ASSERT_EQUAL(vlan_bitmap_format(&b, buf, size), full_len);
        CU_ASSERT_EQUAL(strlen(buf), size - 1);
        CU_ASSERT(!strncmp(buf, full, size - 1));
        CU_ASSERT_EQUAL(buf[size], 'x');
    }
    CU_ASSERT_EQUAL(vlan_bitmap_format(&b, NULL, 0), full_len);
    buf[0] = 'x';
    CU_ASSERT_EQUAL(vlan_bitmap_format(&b, buf, 0), full_len);
    CU_ASSERT_EQUAL(buf[0], 'x');
}

/* Every other VLAN: the longest list there is. */
static void
test_format_longest(void)
{
    struct vlan_bitmap b, c;
    char *buf = malloc(LIST_SIZE);
    size_t len;

    vlan_bitmap_clear_all(&b);
    for (uint16_t vid = 1; vid <= VLAN_MAX; vid += 2) {
        vlan_bitmap_set(&b, vid);
    }
    len = vlan_bitmap_format(&b, buf, LIST_SIZE);
    /* 5 one-digit, 45 two-digit, 450 three-digit and 1547 four-digit
     * VLANs, and 2046 commas. */
    CU_ASSERT_EQUAL(len, 5 + 45 * 2 + 450 * 3 + 1547 * 4 + 2046);
    CU_ASSERT_EQUAL(strlen(buf), len);
    CU_ASSERT(!strncmp(buf, "1,3,5,7,9,11,", 13));
    CU_ASSERT(!strcmp(buf + len - 10, ",4091,4093"));
    CU_ASSERT_EQUAL(vlan_bitmap_parse(buf, &c, NULL, 0), 0);
    CU_ASSERT(vlan_bitmap_equal(&b, &c));
    free(buf);
}

/* Random sets of every density format and parse back to themselves. */
static void
test_round_trip_random(void)
{
    static char buf[LIST_SIZE];
    uint32_t seed = 12345;
    int failures = 0;

    for (int i = 0; i < 500; i++) {
        /* Density from 1 in 2 to 1 in 4096, and runs of various lengths. */
        uint32_t one_in = 1u << (i % 13);
        struct vlan_bitmap b, c;
        char err[128] = "";
        size_t len;

        vlan_bitmap_clear_all(&b);
        for (uint16_t vid = VLAN_MIN; vid <= VLAN_MAX; vid++) {
            if (unit_rand(&seed) % one_in == 0) {
                uint16_t run = unit_rand(&seed) % 8;

                for (; run && vid <= VLAN_MAX; run--, vid++) {
                    vlan_bitmap_set(&b, vid);
                }
            }
        }
        len = vlan_bitmap_format(&b, buf, sizeof buf);
        CU_ASSERT(len < sizeof buf);
        if (vlan_bitmap_parse(buf, &c, err, sizeof err)
            || !vlan_bitmap_equal(&b, &c)
            || vlan_bitmap_format(&c, NULL, 0) != len) {
            failures++;
        }
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static void
check_vid_ok(const char *s, uint16_t expected)
{
    uint16_t vid = 0;
    char err[128] = "";

    CU_ASSERT_EQUAL(vlan_parse_vid("vlan", s, &vid, err, sizeof err), 0);
    CU_ASSERT_EQUAL(vid, expected);
    CU_ASSERT_STRING_EQUAL(err, "");
}

static void
check_vid_error(const char *what, const char *s, const char *expected)
{
    uint16_t vid = 77;
    char err[128] = "";

    CU_ASSERT_EQUAL(vlan_parse_vid(what, s, &vid, err, sizeof err), -EINVAL);
    CU_ASSERT_EQUAL(vid, 77);
    CU_ASSERT_STRING_EQUAL(err, expected);
    if (strcmp(err, expected)) {
        fprintf(stderr, "\nfor \"%s\"\n  got      \"%s\"\n  expected \"%s\"\n",
                s ? s : "(null)", err, expected);
    }
}

static void
test_parse_vid(void)
{
    check_vid_ok("1", 1);
    check_vid_ok("100", 100);
    check_vid_ok("4094", 4094);
    check_vid_ok("0100", 100);
    check_vid_ok("000000000000000000004094", 4094);

    check_vid_error("vlan", "5000", "vlan 5000 is out of range (1-4094)");
    check_vid_error("native", "0", "native 0 is out of range (1-4094)");
    check_vid_error("native", "4095", "native 4095 is out of range (1-4094)");
    check_vid_error("tag", "123456789012",
                    "tag 123456789012 is out of range (1-4094)");
    check_vid_error("native", "", "missing native (write a vlan 1-4094)");
    check_vid_error("native", NULL, "missing native (write a vlan 1-4094)");
    check_vid_error("tag", "abc",
                    "tag \"abc\" is not a number (write a vlan 1-4094)");
    check_vid_error("tag", "-1",
                    "tag \"-1\" is not a number (write a vlan 1-4094)");
    check_vid_error("tag", "+1",
                    "tag \"+1\" is not a number (write a vlan 1-4094)");
    check_vid_error("tag", " 1",
                    "tag \" 1\" is not a number (write a vlan 1-4094)");
    check_vid_error("tag", "1 ",
                    "tag \"1 \" is not a number (write a vlan 1-4094)");
    check_vid_error("tag", "0x10",
                    "tag \"0x10\" is not a number (write a vlan 1-4094)");
    check_vid_error("tag", "10,20",
                    "tag \"10,20\" is not a number (write a vlan 1-4094)");
}

static void
test_tci(void)
{
    CU_ASSERT_EQUAL(vlan_tci(10, 0), 10);
    CU_ASSERT_EQUAL(vlan_tci(10, 0xa000), 0xa00a);       /* PCP 5 kept. */
    CU_ASSERT_EQUAL(vlan_tci(10, 0xb123), 0xb00a);       /* CFI kept, old
                                                          * VID dropped. */
    CU_ASSERT_EQUAL(vlan_tci(0x1fff, 0), 0x0fff);        /* VID masked. */
    CU_ASSERT_EQUAL(vlan_tci(20, 0xe000) >> VLAN_PCP_SHIFT, 7);
}

/* Parses a frame with the given tags (outermost first), either all in the
 * frame or the outer one reported by the kernel as auxdata, as a datapath
 * thread would see it. */
static void
parse_tagged(const struct unit_tag *tags, size_t n_tags, bool aux,
             uint8_t *buf, size_t size, struct packet_info *pi)
{
    struct unit_frame f = { .eth_dst = UNIT_MAC(2), .eth_src = UNIT_MAC(1),
                            .ip_version = 4, .ip_proto = 17 };
    size_t len;

    f.n_tags = n_tags;
    if (n_tags) {
        memcpy(f.tags, tags, n_tags * sizeof tags[0]);
    }
    if (aux && n_tags) {
        /* The kernel strips the outer tag into PACKET_AUXDATA. */
        f.n_tags = n_tags - 1;
        memcpy(f.tags, tags + 1, (n_tags - 1) * sizeof tags[0]);
    }
    len = unit_frame_build(buf, size, &f);
    CU_ASSERT_FATAL(len > 0);
    CU_ASSERT_EQUAL_FATAL(packet_parse(buf, len, aux && n_tags,
                                       n_tags ? tags[0].tpid : 0,
                                       n_tags ? tags[0].tci : 0, pi), 0);
}

/* The VLAN ingress matrix: port modes against stacks of tags. */
static void
test_ingress_matrix(void)
{
    static const uint16_t tpids[] = { ETH_TYPE_VLAN, ETH_TYPE_VLAN_8021AD };
    struct vlan_bitmap trunk, all;
    uint8_t buf[256];

    vlan_bitmap_clear_all(&trunk);
    vlan_bitmap_set(&trunk, 10);
    vlan_bitmap_set(&trunk, 20);
    vlan_bitmap_set_all(&all);
    vlan_bitmap_set(&all, 0);

    for (int aux = 0; aux < 2; aux++) {
        for (size_t i = 0; i < ARRAY_SIZE(tpids); i++) {
            struct packet_info pi;
            uint16_t vlan, tci;
            struct unit_tag prio_then_20[] = {
                { tpids[i], 0xa000 }, { ETH_TYPE_VLAN, 20 },
            };
            struct unit_tag prio[] = { { tpids[i], 0xa000 } };
            struct unit_tag t10[] = { { tpids[i], 10 } };
            struct unit_tag t10_then_20[] = {
                { tpids[i], 10 }, { ETH_TYPE_VLAN, 20 },
            };

            /* Untagged: access VLAN, native VLAN, VLAN 0, or refused. */
            parse_tagged(NULL, 0, aux, buf, sizeof buf, &pi);
            CU_ASSERT(vlan_ingress(&pi, true, 10, &trunk, &vlan, &tci));
            CU_ASSERT_EQUAL(vlan, 10);
            CU_ASSERT(vlan_ingress(&pi, false, 20, &trunk, &vlan, &tci));
            CU_ASSERT_EQUAL(vlan, 20);
            CU_ASSERT(vlan_ingress(&pi, false, 0, &all, &vlan, &tci));
            CU_ASSERT_EQUAL(vlan, 0);
            CU_ASSERT(!vlan_ingress(&pi, false, -1, &trunk, &vlan, &tci));

            /* A priority tag alone counts as untagged, priority kept. */
            parse_tagged(prio, 1, aux, buf, sizeof buf, &pi);
            CU_ASSERT(vlan_ingress(&pi, true, 10, &trunk, &vlan, &tci));
            CU_ASSERT_EQUAL(vlan, 10);
            CU_ASSERT_EQUAL(tci, 0xa000);

            /* A priority tag in front of another tag is the VLAN hop: it
             * enters on no port mode. */
            parse_tagged(prio_then_20, 2, aux, buf, sizeof buf, &pi);
            CU_ASSERT(!vlan_ingress(&pi, true, 10, &trunk, &vlan, &tci));
            CU_ASSERT(!vlan_ingress(&pi, false, 10, &trunk, &vlan, &tci));
            CU_ASSERT(!vlan_ingress(&pi, false, 0, &all, &vlan, &tci));

            /* Tagged: never on an access port; on a trunk only its VLANs,
             * also with an inner tag (QinQ stays in the outer VLAN). */
            parse_tagged(t10, 1, aux, buf, sizeof buf, &pi);
            CU_ASSERT(!vlan_ingress(&pi, true, 10, &trunk, &vlan, &tci));
            CU_ASSERT(vlan_ingress(&pi, false, -1, &trunk, &vlan, &tci));
            CU_ASSERT_EQUAL(vlan, 10);
            parse_tagged(t10_then_20, 2, aux, buf, sizeof buf, &pi);
            CU_ASSERT(!vlan_ingress(&pi, true, 10, &trunk, &vlan, &tci));
            CU_ASSERT(vlan_ingress(&pi, false, -1, &trunk, &vlan, &tci));
            CU_ASSERT_EQUAL(vlan, 10);
            /* ...but it may not leave untagged: its inner tag would
             * surface as its VLAN. */
            CU_ASSERT(vlan_egress_ok(pi.eth_type, true));
            CU_ASSERT(!vlan_egress_ok(pi.eth_type, false));
        }
    }
    /* The pre-standard 0x9100 TPID is a tag to some switches. */
    CU_ASSERT(!vlan_egress_ok(ETH_TYPE_VLAN_QINQ_OLD, false));
    CU_ASSERT(vlan_egress_ok(ETH_TYPE_IPV4, false));
}

/* A port's rules, from each mode: what it carries, and which VLANs leave
 * it tagged. */
static void
test_port_rules(void)
{
    struct vlan_bitmap trunks;
    struct vlan_port vp;
    uint8_t tag[4];
    char err[64];

    vlan_port_init(&vp, VLAN_MODE_ACCESS, 10, NULL, 0);
    CU_ASSERT_TRUE(vp.access);
    CU_ASSERT_TRUE(vlan_port_carries(&vp, 10));
    CU_ASSERT_FALSE(vlan_port_carries(&vp, 0));
    CU_ASSERT_FALSE(vlan_port_carries(&vp, 11));
    CU_ASSERT_FALSE(vlan_port_tags(&vp, 10));

    CU_ASSERT_EQUAL(vlan_bitmap_parse("10,20", &trunks, err, sizeof err), 0);
    vlan_port_init(&vp, VLAN_MODE_TRUNK, 0, &trunks, 30);
    CU_ASSERT_FALSE(vp.access);
    CU_ASSERT_EQUAL(vp.untagged, 30);
    CU_ASSERT_TRUE(vlan_port_carries(&vp, 10));
    CU_ASSERT_TRUE(vlan_port_carries(&vp, 30));
    CU_ASSERT_FALSE(vlan_port_carries(&vp, 40));
    CU_ASSERT_TRUE(vlan_port_tags(&vp, 20));
    CU_ASSERT_FALSE(vlan_port_tags(&vp, 30));

    vlan_port_init(&vp, VLAN_MODE_TRUNK, 0, &trunks, 0);
    CU_ASSERT_EQUAL(vp.untagged, -1);
    CU_ASSERT_FALSE(vlan_port_carries(&vp, 0));
    CU_ASSERT_TRUE(vlan_port_tags(&vp, 10));

    vlan_port_init(&vp, VLAN_MODE_ALL, 0, NULL, 0);
    CU_ASSERT_TRUE(vlan_port_carries(&vp, 0));
    CU_ASSERT_TRUE(vlan_port_carries(&vp, 4094));
    CU_ASSERT_FALSE(vlan_port_carries(&vp, 4095));
    CU_ASSERT_FALSE(vlan_port_tags(&vp, 0));
    CU_ASSERT_TRUE(vlan_port_tags(&vp, 1));

    vlan_tag_put(tag, 0x123, 0xa000 | 0x456);
    CU_ASSERT_EQUAL(tag[0], 0x81);
    CU_ASSERT_EQUAL(tag[1], 0x00);
    CU_ASSERT_EQUAL(tag[2], 0xa1);
    CU_ASSERT_EQUAL(tag[3], 0x23);
}

/* The team's announcements use the port rules: a trunk without a native
 * VLAN sends VLAN 0 (an announcement queued while the team carried it)
 * untagged, as the team's own code always did, never with a VID 0 tag;
 * and two ports share a VLAN only if both carry it. */
static void
test_port_rules_announce(void)
{
    struct vlan_bitmap trunks, others;
    struct vlan_port vp, access10, access11, all, trunk_others;
    char err[64];

    CU_ASSERT_EQUAL(vlan_bitmap_parse("10,20", &trunks, err, sizeof err), 0);
    vlan_port_init(&vp, VLAN_MODE_TRUNK, 0, &trunks, 0);
    CU_ASSERT_FALSE(vlan_port_tags(&vp, 0));
    CU_ASSERT_TRUE(vlan_port_tags(&vp, 20));

    vlan_port_init(&access10, VLAN_MODE_ACCESS, 10, NULL, 0);
    vlan_port_init(&access11, VLAN_MODE_ACCESS, 11, NULL, 0);
    vlan_port_init(&all, VLAN_MODE_ALL, 0, NULL, 0);
    CU_ASSERT_EQUAL(vlan_bitmap_parse("30-40", &others, err, sizeof err), 0);
    vlan_port_init(&trunk_others, VLAN_MODE_TRUNK, 0, &others, 0);
    CU_ASSERT_TRUE(vlan_port_shares(&vp, &access10));
    CU_ASSERT_FALSE(vlan_port_shares(&vp, &access11));
    CU_ASSERT_FALSE(vlan_port_shares(&vp, &trunk_others));
    CU_ASSERT_TRUE(vlan_port_shares(&all, &trunk_others));
    CU_ASSERT_TRUE(vlan_port_shares(&all, &access11));
}

static const CU_TestInfo tests[] = {
    { "bitmap basics", test_bitmap_basics },
    { "bitmap set all", test_bitmap_set_all },
    { "parse good lists", test_parse_good },
    { "parse errors", test_parse_errors },
    { "parse error buffer", test_parse_error_buffer },
    { "format", test_format },
    { "format truncated", test_format_truncated },
    { "format longest list", test_format_longest },
    { "round trip random sets", test_round_trip_random },
    { "parse vid", test_parse_vid },
    { "tci", test_tci },
    { "ingress and egress matrix", test_ingress_matrix },
    { "a port's rules", test_port_rules },
    { "a port's rules for announcements", test_port_rules_announce },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("vlan", NULL, NULL, tests);
}
