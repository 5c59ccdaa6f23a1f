/* Tests for lib/arp-probe.c: the probe request's bytes and the reply
 * recogniser (the sockets are exercised by the team system tests). */
#include <autoconf.h>

#include <arpa/inet.h>
#include <CUnit/Basic.h>
#include <string.h>
#include "arp-probe.h"
#include "unit.h"

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x11 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x22 };

static uint32_t
ip(const char *s)
{
    struct in_addr a;

    inet_pton(AF_INET, s, &a);
    return a.s_addr;
}

/* A reply from 'from_ip' to 'to_mac', optionally tagged (VLAN 10). */
static size_t
build_reply_vid(uint8_t *f, uint32_t from_ip, const uint8_t to_mac[6],
                bool tagged, uint16_t vid, uint16_t op)
{
    size_t o = 12;

    memcpy(f, to_mac, 6);
    memcpy(f + 6, peer_mac, 6);
    if (tagged) {
        memcpy(f + o, "\x81\x00", 2);
        f[o + 2] = vid >> 8;
        f[o + 3] = vid;
        o += 4;
    }
    memcpy(f + o, "\x08\x06\x00\x01\x08\x00\x06\x04", 8);
    f[o + 8] = 0;
    f[o + 9] = op;
    memcpy(f + o + 10, peer_mac, 6);
    memcpy(f + o + 16, &from_ip, 4);
    memcpy(f + o + 20, to_mac, 6);
    memset(f + o + 26, 0, 4);
    return o + 30;
}

static size_t
build_reply(uint8_t *f, uint32_t from_ip, const uint8_t to_mac[6],
            bool tagged, uint16_t op)
{
    return build_reply_vid(f, from_ip, to_mac, tagged, 10, op);
}

static void
test_build(void)
{
    uint8_t f[64];
    uint32_t target = ip("198.18.0.100");
    size_t n = arp_probe_build(our_mac, target, f);

    CU_ASSERT_EQUAL(n, 42);
    CU_ASSERT(!memcmp(f, "\xff\xff\xff\xff\xff\xff", 6));
    CU_ASSERT(!memcmp(f + 6, our_mac, 6));
    CU_ASSERT_EQUAL(unit_get_be16(f + 12), 0x0806);
    CU_ASSERT_EQUAL(unit_get_be16(f + 20), 1);          /* Request. */
    CU_ASSERT(!memcmp(f + 22, our_mac, 6));
    CU_ASSERT(!memcmp(f + 28, "\0\0\0\0", 4));          /* RFC 5227. */
    CU_ASSERT(!memcmp(f + 38, &target, 4));
}

static void
test_reply(void)
{
    uint8_t f[64];
    uint32_t target = ip("198.18.0.100");
    size_t n;

    n = build_reply(f, target, our_mac, false, 2);
    CU_ASSERT(arp_probe_is_reply(f, n, our_mac, target));
    /* A priority tag (VLAN 0) is the probe's own, untagged VLAN... */
    n = build_reply_vid(f, target, our_mac, true, 0, 2);
    CU_ASSERT(arp_probe_is_reply(f, n, our_mac, target));
    /* ...but the probe went out untagged: a reply in VLAN 10 is someone
     * else's (a forger's), not the answer. */
    n = build_reply(f, target, our_mac, true, 2);
    CU_ASSERT(!arp_probe_is_reply(f, n, our_mac, target));
    /* Sent to another MAC (broadcast), with us as the target MAC. */
    n = build_reply(f, target, our_mac, false, 2);
    memset(f, 0xff, 6);
    CU_ASSERT(!arp_probe_is_reply(f, n, our_mac, target));

    /* Not a reply, from another address, to another MAC, cut short. */
    n = build_reply(f, target, our_mac, false, 1);
    CU_ASSERT(!arp_probe_is_reply(f, n, our_mac, target));
    n = build_reply(f, ip("198.18.0.101"), our_mac, false, 2);
    CU_ASSERT(!arp_probe_is_reply(f, n, our_mac, target));
    n = build_reply(f, target, peer_mac, false, 2);
    CU_ASSERT(!arp_probe_is_reply(f, n, our_mac, target));
    n = build_reply(f, target, our_mac, false, 2);
    for (size_t cut = 0; cut < n; cut++) {
        CU_ASSERT(!arp_probe_is_reply(f, cut, our_mac, target));
    }
    /* Our own request is not a reply. */
    n = arp_probe_build(our_mac, target, f);
    CU_ASSERT(!arp_probe_is_reply(f, n, our_mac, target));
}

/* A reply counts only as the answer to a probe actually sent: received
 * on the member's own device and addressed to it, within the interval
 * after the probe went out, once per probe. */
static void
test_match(void)
{
    struct arp_probe_match m;
    uint32_t target = ip("198.18.0.100");
    uint8_t f[64];
    size_t n = build_reply(f, target, our_mac, false, 2);

    arp_probe_match_init(&m, our_mac, target, 100);

    /* No probe sent yet: an unsolicited reply is not an answer. */
    CU_ASSERT(!arp_probe_match_reply(&m, f, n, true, 1000000));

    arp_probe_match_sent(&m, 2000000);
    /* Seen leaving or passing by (not received by the member). */
    CU_ASSERT(!arp_probe_match_reply(&m, f, n, false, 2001000));
    /* The answer, 1 ms after the probe. */
    CU_ASSERT(arp_probe_match_reply(&m, f, n, true, 2001000));
    /* The same probe answered again (a forger repeating itself). */
    CU_ASSERT(!arp_probe_match_reply(&m, f, n, true, 2002000));

    /* The next probe: a reply after its interval is over is too late. */
    arp_probe_match_sent(&m, 3000000);
    CU_ASSERT(!arp_probe_match_reply(&m, f, n, true, 3100001));
    arp_probe_match_sent(&m, 3100002);
    CU_ASSERT(arp_probe_match_reply(&m, f, n, true, 3200002));

    /* A clock going backwards (a reply "before" its probe): no. */
    arp_probe_match_sent(&m, 4000000);
    CU_ASSERT(!arp_probe_match_reply(&m, f, n, true, 3999999));

    /* Not a reply from the target at all. */
    n = build_reply(f, ip("198.18.0.101"), our_mac, false, 2);
    CU_ASSERT(!arp_probe_match_reply(&m, f, n, true, 4000100));
    n = build_reply(f, target, our_mac, false, 2);
    CU_ASSERT(arp_probe_match_reply(&m, f, n, true, 4000200));
}

int
main(void)
{
    static const CU_TestInfo tests[] = {
        { "probe request bytes", test_build },
        { "reply recognised, others not", test_reply },
        { "reply matched to the probe sent", test_match },
        CU_TEST_INFO_NULL,
    };
    return unit_run_suite("arp-probe", NULL, NULL, tests);
}
