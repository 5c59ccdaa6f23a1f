/* Tests for lib/arp.c: the one ARP/RARP frame builder and parser. */
#include <autoconf.h>
#include "arp.h"

#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <string.h>
#include "packet.h"
#include "unit.h"
#include "vlan.h"

static const uint8_t bcast[ETH_ADDR_LEN] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* The RARP a team sends after a move, byte by byte as RFC 903 lays it
 * out: untagged it is padded to 60 bytes, tagged to 64. */
static void
test_rarp_layout(void)
{
    const uint8_t mac[ETH_ADDR_LEN] = UNIT_MAC(9);
    uint8_t f[ARP_FRAME_MAX];
    struct arp_body b;
    size_t len;

    arp_body_init(&b, ARP_OP_RARP_REQUEST);
    memcpy(b.sha, mac, ETH_ADDR_LEN);
    memcpy(b.tha, mac, ETH_ADDR_LEN);

    len = arp_frame_build(f, bcast, mac, false, 0, ETH_TYPE_RARP, &b,
                          ARP_PAD_LEN);
    CU_ASSERT_EQUAL(len, 60);
    CU_ASSERT(!memcmp(f, bcast, 6));
    CU_ASSERT(!memcmp(f + 6, mac, 6));
    CU_ASSERT(!memcmp(f + 12, "\x80\x35", 2));
    CU_ASSERT(!memcmp(f + 14, "\x00\x01\x08\x00\x06\x04\x00\x03", 8));
    CU_ASSERT(!memcmp(f + 22, mac, 6));
    CU_ASSERT(!memcmp(f + 28, "\0\0\0\0", 4));
    CU_ASSERT(!memcmp(f + 32, mac, 6));
    CU_ASSERT(!memcmp(f + 38, "\0\0\0\0", 4));
    for (size_t i = 42; i < len; i++) {
        CU_ASSERT_EQUAL(f[i], 0);
    }

    len = arp_frame_build(f, bcast, mac, true, 100, ETH_TYPE_RARP, &b,
                          ARP_PAD_LEN);
    CU_ASSERT_EQUAL(len, 64);
    CU_ASSERT(!memcmp(f + 12, "\x81\x00\x00\x64\x80\x35", 6));
    CU_ASSERT(!memcmp(f + 18, "\x00\x01\x08\x00\x06\x04\x00\x03", 8));
    CU_ASSERT(!memcmp(f + 26, mac, 6));

    /* No padding asked: the bare 42 bytes of an ARP probe. */
    len = arp_frame_build(f, bcast, mac, false, 0, ETH_TYPE_ARP, &b, 0);
    CU_ASSERT_EQUAL(len, 42);
}

static void
test_parse_round_trip(void)
{
    const uint8_t mac[ETH_ADDR_LEN] = UNIT_MAC(3);
    uint8_t f[ARP_FRAME_MAX];
    struct arp_body b, back;

    arp_body_init(&b, ARP_OP_REPLY);
    memcpy(b.sha, mac, ETH_ADDR_LEN);
    b.spa = htonl(0xc6120001);
    b.tpa = htonl(0xc6120002);
    arp_frame_build(f, bcast, mac, false, 0, ETH_TYPE_ARP, &b, ARP_PAD_LEN);
    CU_ASSERT_FATAL(arp_body_parse(f + 14, ARP_BODY_LEN, &back));
    CU_ASSERT(arp_body_is_eth_ipv4(&back));
    CU_ASSERT_EQUAL(back.op, ARP_OP_REPLY);
    CU_ASSERT(!memcmp(back.sha, mac, ETH_ADDR_LEN));
    CU_ASSERT_EQUAL(back.spa, b.spa);
    CU_ASSERT_EQUAL(back.tpa, b.tpa);
    CU_ASSERT(!arp_body_parse(f + 14, ARP_BODY_LEN - 1, &back));
    f[14] = 6;                  /* htype 0x0601: not Ethernet. */
    CU_ASSERT(arp_body_parse(f + 14, ARP_BODY_LEN, &back));
    CU_ASSERT(!arp_body_is_eth_ipv4(&back));
}

/* A station announces itself with a RARP or a gratuitous ARP (sender and
 * target addresses equal); any other ARP, or a cut one, is not that. */
static void
test_announcement(void)
{
    uint8_t body[ARP_BODY_LEN];
    struct arp_body b;

    arp_body_init(&b, ARP_OP_REQUEST);
    b.spa = b.tpa = htonl(0xc6120005);
    arp_body_put(body, &b);
    CU_ASSERT(arp_is_announcement(ETH_TYPE_ARP, body, sizeof body));
    CU_ASSERT(!arp_is_announcement(ETH_TYPE_ARP, body, sizeof body - 1));
    CU_ASSERT(!arp_is_announcement(ETH_TYPE_IPV4, body, sizeof body));
    CU_ASSERT(arp_is_announcement(ETH_TYPE_RARP, body, 0));
    b.tpa = htonl(0xc6120006);
    arp_body_put(body, &b);
    CU_ASSERT(!arp_is_announcement(ETH_TYPE_ARP, body, sizeof body));
}

static const CU_TestInfo tests[] = {
    { "RARP layout", test_rarp_layout },
    { "parse round trip", test_parse_round_trip },
    { "announcements", test_announcement },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("arp", NULL, NULL, tests);
}
