#include <autoconf.h>
#include "packet.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "vlan.h"

#define FRAME_SIZE 2048

/* Parses the first 'len' bytes of 'frame' from a heap block of exactly
 * 'len' bytes, so that AddressSanitizer or valgrind catch any read past the
 * end, and then its L3 if the Ethernet parse succeeded.  The MAC pointers of
 * '*pi' are checked and then cleared: the block is gone on return. */
static int
parse(const uint8_t *frame, size_t len, bool aux, uint16_t aux_tpid,
      uint16_t aux_tci, struct packet_info *pi)
{
    uint8_t *copy = unit_dup(frame, len);
    int error;

    memset(pi, 0xa5, sizeof *pi);     /* No field may keep old contents. */
    error = packet_parse(copy, len, aux, aux_tpid, aux_tci, pi);
    if (!error) {
        CU_ASSERT_PTR_EQUAL(pi->eth_dst, copy);
        CU_ASSERT_PTR_EQUAL(pi->eth_src, copy + ETH_ADDR_LEN);
        CU_ASSERT(pi->payload_ofs <= len);
        packet_parse_l3(copy, len, pi);
    }
    pi->eth_dst = pi->eth_src = NULL;
    free(copy);
    return error;
}

static int
parse_plain(const uint8_t *frame, size_t len, struct packet_info *pi)
{
    return parse(frame, len, false, 0, 0, pi);
}

/* Whether nothing of L3 was parsed. */
static bool
l3_is_zero(const struct packet_info *pi)
{
    static const uint8_t zero[16];

    return (!pi->ip_proto && !pi->ip_fragment && !pi->l4_present
            && !memcmp(pi->ip_src, zero, 16) && !memcmp(pi->ip_dst, zero, 16)
            && !pi->l4_src && !pi->l4_dst);
}

/* A UDP/IPv4 frame from 198.18.0.1:1000 to 198.18.0.2:2000, with 'n_tags'
 * tags taken from 'tags'. */
static struct unit_frame
udp4_frame(size_t n_tags, const struct unit_tag *tags)
{
    struct unit_frame f = {
        .eth_dst = UNIT_MAC(2),
        .eth_src = UNIT_MAC(1),
        .n_tags = n_tags,
        .ip_proto = IPPROTO_UDP,
        .l4_src = 1000,
        .l4_dst = 2000,
        .payload_len = 18,
    };

    for (size_t i = 0; i < n_tags; i++) {
        f.tags[i] = tags[i];
    }
    CU_ASSERT(unit_frame_set_ips(&f, "198.18.0.1", "198.18.0.2"));
    return f;
}

/* A TCP/IPv6 frame from [2001:db8::1]:40000 to [2001:db8::2]:443. */
static struct unit_frame
tcp6_frame(void)
{
    struct unit_frame f = {
        .eth_dst = UNIT_MAC(2),
        .eth_src = UNIT_MAC(1),
        .ip_proto = IPPROTO_TCP,
        .l4_src = 40000,
        .l4_dst = 443,
        .payload_len = 10,
    };

    CU_ASSERT(unit_frame_set_ips(&f, "2001:db8::1", "2001:db8::2"));
    return f;
}

static bool
is_udp4_flow(const struct packet_info *pi)
{
    static const uint8_t src[16] = { 198, 18, 0, 1 };
    static const uint8_t dst[16] = { 198, 18, 0, 2 };

    return (pi->ip_proto == IPPROTO_UDP && !pi->ip_fragment && pi->l4_present
            && !memcmp(pi->ip_src, src, 16) && !memcmp(pi->ip_dst, dst, 16)
            && pi->l4_src == 1000 && pi->l4_dst == 2000);
}

static void
test_runts(void)
{
    uint8_t frame[ETH_HEADER_LEN] = { 0 };
    struct packet_info pi;

    for (size_t len = 0; len < ETH_MIN_FRAME_LEN; len++) {
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), -EINVAL);
        CU_ASSERT_EQUAL(parse(frame, len, true, ETH_TYPE_VLAN, 10, &pi),
                        -EINVAL);
    }
    CU_ASSERT_EQUAL(packet_parse(NULL, 0, false, 0, 0, &pi), -EINVAL);
    CU_ASSERT_EQUAL(parse_plain(frame, ETH_HEADER_LEN, &pi), 0);
}

static void
test_untagged(void)
{
    struct unit_frame f = { .eth_type = ETH_TYPE_ARP, .payload_len = 28 };
    uint8_t frame[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    struct packet_info pi;

    CU_ASSERT_EQUAL(len, 42);
    CU_ASSERT_EQUAL(packet_parse(frame, len, false, 0, 0, &pi), 0);
    CU_ASSERT_PTR_EQUAL(pi.eth_dst, frame);
    CU_ASSERT_PTR_EQUAL(pi.eth_src, frame + 6);
    CU_ASSERT_EQUAL(pi.tag_source, PACKET_TAG_NONE);
    CU_ASSERT(!pi.vlan_present);
    CU_ASSERT_EQUAL(pi.vlan_tpid, 0);
    CU_ASSERT_EQUAL(pi.vlan_tci, 0);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_ARP);
    CU_ASSERT_EQUAL(pi.payload_ofs, 14);

    /* Untagged frames of 14 to 17 bytes are whole frames. */
    for (size_t cut = 14; cut < 18; cut++) {
        CU_ASSERT_EQUAL(parse_plain(frame, cut, &pi), 0);
        CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_ARP);
        CU_ASSERT_EQUAL(pi.payload_ofs, 14);
        CU_ASSERT(l3_is_zero(&pi));
    }

    /* An 802.3 length field is just an ethertype to us. */
    unit_put_be16(frame + 12, 46);
    CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
    CU_ASSERT_EQUAL(pi.eth_type, 46);
    CU_ASSERT(!pi.vlan_present);
}

static void
check_tagged_in_frame(uint16_t tpid)
{
    struct unit_tag tag = { tpid, vlan_tci(100, 0xa000) };
    struct unit_frame f = udp4_frame(1, &tag);
    uint8_t frame[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    struct packet_info pi;

    CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
    CU_ASSERT_EQUAL(pi.tag_source, PACKET_TAG_IN_FRAME);
    CU_ASSERT(pi.vlan_present);
    CU_ASSERT_EQUAL(pi.vlan_tpid, tpid);
    CU_ASSERT_EQUAL(pi.vlan_tci, 0xa064);
    CU_ASSERT_EQUAL(pi.vlan_tci & VLAN_VID_MASK, 100);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_IPV4);
    CU_ASSERT_EQUAL(pi.payload_ofs, 18);
    CU_ASSERT(is_udp4_flow(&pi));

    /* The tag cut anywhere: -EINVAL. */
    for (size_t cut = 14; cut < 18; cut++) {
        CU_ASSERT_EQUAL(parse_plain(frame, cut, &pi), -EINVAL);
    }
    /* A tag and nothing after it is a valid (if useless) frame. */
    CU_ASSERT_EQUAL(parse_plain(frame, 18, &pi), 0);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_IPV4);
    CU_ASSERT(l3_is_zero(&pi));
}

static void
test_tagged_8021q(void)
{
    check_tagged_in_frame(ETH_TYPE_VLAN);
}

static void
test_tagged_8021ad(void)
{
    check_tagged_in_frame(ETH_TYPE_VLAN_8021AD);
}

/* Other TPIDs (the old 0x9100 QinQ, say) are not tags. */
static void
test_other_tpid_is_not_a_tag(void)
{
    struct unit_tag tag = { 0x9100, 100 };
    struct unit_frame f = udp4_frame(1, &tag);
    uint8_t frame[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    struct packet_info pi;

    CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
    CU_ASSERT(!pi.vlan_present);
    CU_ASSERT_EQUAL(pi.eth_type, 0x9100);
    CU_ASSERT_EQUAL(pi.payload_ofs, 14);
    CU_ASSERT(l3_is_zero(&pi));
    CU_ASSERT_EQUAL(parse_plain(frame, 15, &pi), 0);
}

static void
test_aux_tag(void)
{
    struct unit_frame f = udp4_frame(0, NULL);
    uint8_t frame[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    struct packet_info pi;

    CU_ASSERT_EQUAL(parse(frame, len, true, ETH_TYPE_VLAN_8021AD,
                          vlan_tci(200, 0x2000), &pi), 0);
    CU_ASSERT_EQUAL(pi.tag_source, PACKET_TAG_AUXDATA);
    CU_ASSERT(pi.vlan_present);
    CU_ASSERT_EQUAL(pi.vlan_tpid, ETH_TYPE_VLAN_8021AD);
    CU_ASSERT_EQUAL(pi.vlan_tci, 0x20c8);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_IPV4);
    CU_ASSERT_EQUAL(pi.payload_ofs, 14);
    CU_ASSERT(is_udp4_flow(&pi));

    /* A kernel that does not report the TPID: 802.1Q. */
    CU_ASSERT_EQUAL(parse(frame, len, true, 0, 200, &pi), 0);
    CU_ASSERT_EQUAL(pi.vlan_tpid, ETH_TYPE_VLAN);
    CU_ASSERT_EQUAL(pi.vlan_tci, 200);

    /* A valid aux tag of TCI 0 is still a tag. */
    CU_ASSERT_EQUAL(parse(frame, len, true, ETH_TYPE_VLAN, 0, &pi), 0);
    CU_ASSERT(pi.vlan_present);
    CU_ASSERT_EQUAL(pi.tag_source, PACKET_TAG_AUXDATA);
    CU_ASSERT_EQUAL(pi.vlan_tci, 0);

    /* Without the flag the aux values mean nothing. */
    CU_ASSERT_EQUAL(parse(frame, len, false, ETH_TYPE_VLAN, 200, &pi), 0);
    CU_ASSERT(!pi.vlan_present);
    CU_ASSERT_EQUAL(pi.tag_source, PACKET_TAG_NONE);
    CU_ASSERT_EQUAL(pi.vlan_tci, 0);
    CU_ASSERT_EQUAL(pi.vlan_tpid, 0);
}

/* Outer S-tag, inner C-tag, in the frame. */
static void
test_qinq_in_frame(void)
{
    struct unit_tag tags[] = {
        { ETH_TYPE_VLAN_8021AD, 300 },
        { ETH_TYPE_VLAN, vlan_tci(10, 0xe000) },
    };
    struct unit_frame f = udp4_frame(2, tags);
    uint8_t frame[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    struct packet_info pi;

    CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
    CU_ASSERT_EQUAL(pi.tag_source, PACKET_TAG_IN_FRAME);
    CU_ASSERT_EQUAL(pi.vlan_tpid, ETH_TYPE_VLAN_8021AD);
    CU_ASSERT_EQUAL(pi.vlan_tci, 300);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_VLAN);
    CU_ASSERT_EQUAL(pi.payload_ofs, 18);
    CU_ASSERT(is_udp4_flow(&pi));     /* Seen through the inner tag. */

    /* The inner tag cut short: the outer one parses, L3 does not. */
    for (size_t cut = 18; cut < 22; cut++) {
        CU_ASSERT_EQUAL(parse_plain(frame, cut, &pi), 0);
        CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_VLAN);
        CU_ASSERT(l3_is_zero(&pi));
    }
}

/* The kernel removed the S-tag; the C-tag is still in the bytes. */
static void
test_qinq_aux(void)
{
    struct unit_tag tag = { ETH_TYPE_VLAN, 10 };
    struct unit_frame f = udp4_frame(1, &tag);
    uint8_t frame[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    struct packet_info pi;

    CU_ASSERT_EQUAL(parse(frame, len, true, ETH_TYPE_VLAN_8021AD, 300, &pi),
                    0);
    CU_ASSERT_EQUAL(pi.tag_source, PACKET_TAG_AUXDATA);
    CU_ASSERT_EQUAL(pi.vlan_tpid, ETH_TYPE_VLAN_8021AD);
    CU_ASSERT_EQUAL(pi.vlan_tci, 300);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_VLAN);
    CU_ASSERT_EQUAL(pi.payload_ofs, 14);
    CU_ASSERT(is_udp4_flow(&pi));

    /* The inner tag is not the outer tag: cut short, the frame is still
     * fine; only L3 is lost. */
    for (size_t cut = 14; cut < 18; cut++) {
        CU_ASSERT_EQUAL(parse(frame, cut, true, ETH_TYPE_VLAN_8021AD, 300,
                              &pi), 0);
        CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_VLAN);
        CU_ASSERT_EQUAL(pi.payload_ofs, 14);
        CU_ASSERT(l3_is_zero(&pi));
    }
}

/* Only one inner tag is looked through. */
static void
test_triple_tag(void)
{
    struct unit_tag tags[] = {
        { ETH_TYPE_VLAN_8021AD, 1 },
        { ETH_TYPE_VLAN, 2 },
        { ETH_TYPE_VLAN, 3 },
    };
    struct unit_frame f = udp4_frame(3, tags);
    uint8_t frame[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    struct packet_info pi;

    CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
    CU_ASSERT_EQUAL(pi.vlan_tci, 1);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_VLAN);
    CU_ASSERT(l3_is_zero(&pi));
}

/* VID 0 with a priority: a tag, whose VID 0 the datapath reads as
 * untagged-with-priority. */
static void
test_priority_tag(void)
{
    struct unit_tag tag = { ETH_TYPE_VLAN, vlan_tci(0, 0xa000) };
    struct unit_frame f = udp4_frame(1, &tag);
    uint8_t frame[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    struct packet_info pi;

    CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
    CU_ASSERT(pi.vlan_present);
    CU_ASSERT_EQUAL(pi.tag_source, PACKET_TAG_IN_FRAME);
    CU_ASSERT_EQUAL(pi.vlan_tci & VLAN_VID_MASK, 0);
    CU_ASSERT_EQUAL(pi.vlan_tci >> VLAN_PCP_SHIFT, 5);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_IPV4);
    CU_ASSERT_EQUAL(pi.payload_ofs, 18);
    CU_ASSERT(is_udp4_flow(&pi));

    /* The same, reported by the kernel. */
    f = udp4_frame(0, NULL);
    len = unit_frame_build(frame, sizeof frame, &f);
    CU_ASSERT_EQUAL(parse(frame, len, true, ETH_TYPE_VLAN, 0xa000, &pi), 0);
    CU_ASSERT(pi.vlan_present);
    CU_ASSERT_EQUAL(pi.tag_source, PACKET_TAG_AUXDATA);
    CU_ASSERT_EQUAL(pi.vlan_tci, 0xa000);
}

static void
test_ipv4_ports(void)
{
    static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP,
                                      IPPROTO_SCTP };
    uint8_t frame[FRAME_SIZE];
    struct packet_info pi;

    for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
        struct unit_frame f = udp4_frame(0, NULL);
        size_t len;

        f.ip_proto = protos[i];
        f.l4_src = 65535;
        f.l4_dst = 1;
        len = unit_frame_build(frame, sizeof frame, &f);
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
        CU_ASSERT_EQUAL(pi.ip_proto, protos[i]);
        CU_ASSERT(!pi.ip_fragment);
        CU_ASSERT(pi.l4_present);
        CU_ASSERT_EQUAL(pi.l4_src, 65535);
        CU_ASSERT_EQUAL(pi.l4_dst, 1);
        CU_ASSERT(!memcmp(pi.ip_src, f.ip_src, 16));
        CU_ASSERT(!memcmp(pi.ip_dst, f.ip_dst, 16));
    }

    /* Other protocols: addresses, no ports. */
    {
        struct unit_frame f = udp4_frame(0, NULL);
        size_t len;

        f.ip_proto = IPPROTO_ICMP;
        len = unit_frame_build(frame, sizeof frame, &f);
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
        CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_ICMP);
        CU_ASSERT(!pi.l4_present);
        CU_ASSERT_EQUAL(pi.l4_src, 0);
        CU_ASSERT_EQUAL(pi.l4_dst, 0);
        CU_ASSERT_EQUAL(pi.ip_src[0], 198);
    }
}

/* Options move the transport header: IHL 6 to 15. */
static void
test_ipv4_options(void)
{
    uint8_t frame[FRAME_SIZE];
    struct packet_info pi;

    for (size_t opts = 4; opts <= 40; opts += 4) {
        struct unit_frame f = udp4_frame(0, NULL);
        size_t len;

        f.ip4_opts_len = opts;
        len = unit_frame_build(frame, sizeof frame, &f);
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
        CU_ASSERT(is_udp4_flow(&pi));
    }
}

static void
test_ipv4_malformed(void)
{
    struct unit_frame f = udp4_frame(0, NULL);
    uint8_t frame[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    size_t l3 = unit_frame_l3_ofs(&f);
    uint16_t tot_len = unit_get_be16(frame + l3 + 2);
    struct packet_info pi;
    uint8_t copy[FRAME_SIZE];

    CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
    CU_ASSERT(is_udp4_flow(&pi));

    /* IHL below 5. */
    for (uint8_t ihl = 0; ihl < 5; ihl++) {
        memcpy(copy, frame, len);
        copy[l3] = 0x40 | ihl;
        CU_ASSERT_EQUAL(parse_plain(copy, len, &pi), 0);
        CU_ASSERT(l3_is_zero(&pi));
    }

    /* IHL beyond the total length, and beyond the frame. */
    memcpy(copy, frame, len);
    copy[l3] = 0x4f;
    CU_ASSERT_EQUAL(parse_plain(copy, len, &pi), 0);
    CU_ASSERT(l3_is_zero(&pi));
    memcpy(copy, frame, len);
    copy[l3] = 0x4f;
    unit_put_be16(copy + l3 + 2, 60);
    CU_ASSERT_EQUAL(parse_plain(copy, l3 + 59, &pi), 0);
    CU_ASSERT(l3_is_zero(&pi));

    /* Not version 4 under ethertype IPv4. */
    memcpy(copy, frame, len);
    copy[l3] = 0x65;
    CU_ASSERT_EQUAL(parse_plain(copy, len, &pi), 0);
    CU_ASSERT(l3_is_zero(&pi));

    /* Total length beyond the frame, by one byte or a lot. */
    memcpy(copy, frame, len);
    unit_put_be16(copy + l3 + 2, tot_len + 1);
    CU_ASSERT_EQUAL(parse_plain(copy, len, &pi), 0);
    CU_ASSERT(l3_is_zero(&pi));
    unit_put_be16(copy + l3 + 2, 65535);
    CU_ASSERT_EQUAL(parse_plain(copy, len, &pi), 0);
    CU_ASSERT(l3_is_zero(&pi));

    /* Total length below the header length. */
    unit_put_be16(copy + l3 + 2, 19);
    CU_ASSERT_EQUAL(parse_plain(copy, len, &pi), 0);
    CU_ASSERT(l3_is_zero(&pi));
    unit_put_be16(copy + l3 + 2, 0);
    CU_ASSERT_EQUAL(parse_plain(copy, len, &pi), 0);
    CU_ASSERT(l3_is_zero(&pi));

    /* The header itself cut short. */
    for (size_t cut = l3; cut < l3 + 20; cut++) {
        CU_ASSERT_EQUAL(parse_plain(frame, cut, &pi), 0);
        CU_ASSERT(l3_is_zero(&pi));
    }
}

/* A complete IP header with a transport header cut short (total length
 * consistent): addresses yes, ports no. */
static void
test_ipv4_l4_truncated(void)
{
    struct unit_frame f = udp4_frame(0, NULL);
    uint8_t frame[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    size_t l3 = unit_frame_l3_ofs(&f);
    size_t l4 = unit_frame_l4_ofs(&f);
    struct packet_info pi;

    CU_ASSERT(len > l4 + 4);
    for (size_t cut = l4; cut <= l4 + 4; cut++) {
        unit_put_be16(frame + l3 + 2, (uint16_t) (cut - l3));
        CU_ASSERT_EQUAL(parse_plain(frame, cut, &pi), 0);
        CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_UDP);
        CU_ASSERT_EQUAL(pi.ip_src[0], 198);
        CU_ASSERT_EQUAL(pi.ip_dst[3], 2);
        CU_ASSERT_EQUAL(pi.l4_present, cut == l4 + 4);
        CU_ASSERT_EQUAL(pi.l4_src, cut == l4 + 4 ? 1000 : 0);
        CU_ASSERT_EQUAL(pi.l4_dst, cut == l4 + 4 ? 2000 : 0);

        /* The same with the rest of the frame still there: the IP length
         * bounds the transport header, not the frame. */
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
        CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_UDP);
        CU_ASSERT_EQUAL(pi.l4_present, cut == l4 + 4);
    }
}

/* Ethernet padding after a short packet is not part of it. */
static void
test_ipv4_padding(void)
{
    struct unit_frame f = udp4_frame(0, NULL);
    uint8_t frame[FRAME_SIZE];
    size_t len;
    struct packet_info pi;

    f.payload_len = 0;
    f.min_len = 60;
    len = unit_frame_build(frame, sizeof frame, &f);
    CU_ASSERT_EQUAL(len, 60);
    CU_ASSERT_EQUAL(unit_get_be16(frame + 16), 28);
    CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
    CU_ASSERT(is_udp4_flow(&pi));
}

static void
test_ipv4_fragments(void)
{
    static const struct {
        uint16_t frag;          /* Flags and offset field. */
        bool fragment;          /* Expected 'ip_fragment'. */
    } cases[] = {
        { 0x0000, false },
        { 0x4000, false },      /* DF. */
        { 0x2000, true },       /* MF, offset 0: the first fragment. */
        { 0x2001, true },       /* MF, offset 8. */
        { 0x0001, true },       /* Last fragment. */
        { 0x1fff, true },       /* Largest offset. */
        { 0x8000, false },      /* Reserved bit: not a fragment. */
    };
    uint8_t frame[FRAME_SIZE];
    struct packet_info pi;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct unit_frame f = udp4_frame(0, NULL);
        size_t len;

        f.ip_frag = cases[i].frag;
        len = unit_frame_build(frame, sizeof frame, &f);
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
        CU_ASSERT_EQUAL(pi.ip_fragment, cases[i].fragment);
        CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_UDP);
        CU_ASSERT_EQUAL(pi.ip_src[3], 1);
        CU_ASSERT_EQUAL(pi.l4_present, !cases[i].fragment);
        CU_ASSERT_EQUAL(pi.l4_src, cases[i].fragment ? 0 : 1000);
    }
}

/* A frame too big for a 16-bit total length: Linux writes 0. */
static void
test_ipv4_big_gso(void)
{
    struct unit_frame f = udp4_frame(0, NULL);
    size_t big = 70000;
    uint8_t *frame = calloc(1, big);
    size_t l3 = unit_frame_l3_ofs(&f);
    size_t len;
    struct packet_info pi;

    f.ip_proto = IPPROTO_TCP;
    len = unit_frame_build(frame, big, &f);
    CU_ASSERT(len > 0);
    unit_put_be16(frame + l3 + 2, 0);
    CU_ASSERT_EQUAL(parse_plain(frame, big, &pi), 0);
    CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_TCP);
    CU_ASSERT(pi.l4_present);
    CU_ASSERT_EQUAL(pi.l4_dst, 2000);

    /* A total length of 0 in a normal frame is just wrong. */
    CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
    CU_ASSERT(l3_is_zero(&pi));
    free(frame);
}

static void
test_ipv6_ports(void)
{
    static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP,
                                      IPPROTO_SCTP };
    uint8_t frame[FRAME_SIZE];
    struct packet_info pi;

    for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
        struct unit_tag tag = { ETH_TYPE_VLAN, 5 };
        struct unit_frame f = tcp6_frame();
        size_t len;

        f.ip_proto = protos[i];
        f.n_tags = i == 1;      /* Tagged once, for variety. */
        f.tags[0] = tag;
        len = unit_frame_build(frame, sizeof frame, &f);
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
        CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_IPV6);
        CU_ASSERT_EQUAL(pi.ip_proto, protos[i]);
        CU_ASSERT(!pi.ip_fragment);
        CU_ASSERT(pi.l4_present);
        CU_ASSERT_EQUAL(pi.l4_src, 40000);
        CU_ASSERT_EQUAL(pi.l4_dst, 443);
        CU_ASSERT(!memcmp(pi.ip_src, f.ip_src, 16));
        CU_ASSERT(!memcmp(pi.ip_dst, f.ip_dst, 16));
        CU_ASSERT_EQUAL(pi.ip_dst[15], 2);
    }
}

static void
test_ipv6_ext_headers(void)
{
    static const uint8_t chain[] = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS,
                                     IPPROTO_ROUTING, IPPROTO_DSTOPTS };
    uint8_t frame[FRAME_SIZE];
    struct packet_info pi;

    for (size_t n = 1; n <= ARRAY_SIZE(chain); n++) {
        struct unit_frame f = tcp6_frame();
        size_t len;

        f.n_ext = n;
        memcpy(f.ext, chain, n);
        len = unit_frame_build(frame, sizeof frame, &f);
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
        CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_TCP);
        CU_ASSERT(pi.l4_present);
        CU_ASSERT_EQUAL(pi.l4_src, 40000);
        CU_ASSERT_EQUAL(pi.l4_dst, 443);
    }

    /* A longer header (16 bytes) is skipped by its length. */
    {
        struct unit_frame f = tcp6_frame();
        size_t l3, len;

        f.n_ext = 2;
        f.ext[0] = IPPROTO_DSTOPTS;
        f.ext[1] = IPPROTO_DSTOPTS;
        len = unit_frame_build(frame, sizeof frame, &f);
        l3 = unit_frame_l3_ofs(&f);
        frame[l3 + 40] = IPPROTO_TCP;   /* Skip the second... */
        frame[l3 + 41] = 1;             /* ...as part of the first. */
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
        CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_TCP);
        CU_ASSERT_EQUAL(pi.l4_dst, 443);
    }

    /* Headers we do not skip (AH, ESP, no next header) are the
     * protocol. */
    {
        struct unit_frame f = tcp6_frame();
        size_t len;

        f.ip_proto = IPPROTO_ESP;
        len = unit_frame_build(frame, sizeof frame, &f);
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
        CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_ESP);
        CU_ASSERT(!pi.l4_present);
        CU_ASSERT_EQUAL(pi.ip_src[0], 0x20);
    }
}

/* Eight extension headers are walked; a ninth is one too many. */
static void
test_ipv6_ext_header_limit(void)
{
    uint8_t frame[FRAME_SIZE];
    struct packet_info pi;

    for (size_t n = 8; n <= 9; n++) {
        struct unit_frame f = tcp6_frame();
        size_t len;

        f.n_ext = n;
        memset(f.ext, IPPROTO_DSTOPTS, n);
        len = unit_frame_build(frame, sizeof frame, &f);
        CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
        CU_ASSERT_EQUAL(pi.ip_proto, n == 8 ? IPPROTO_TCP : 0);
        CU_ASSERT_EQUAL(pi.l4_present, n == 8);
        CU_ASSERT_EQUAL(pi.ip_src[1], 0x01);    /* Addresses either way. */
    }
}

static void
test_ipv6_fragments(void)
{
    static const uint16_t frags[] = { 0x0000, 0x0001, 0x0008, 0xfff8 };
    uint8_t frame[FRAME_SIZE];
    struct packet_info pi;

    /* Any fragment header makes a fragment, even offset 0 without M. */
    for (size_t i = 0; i < ARRAY_SIZE(frags); i++) {
        for (size_t hbh = 0; hbh <= 1; hbh++) {
            struct unit_frame f = tcp6_frame();
            size_t len;

            f.n_ext = hbh + 1;
            f.ext[0] = IPPROTO_HOPOPTS;
            f.ext[hbh] = IPPROTO_FRAGMENT;
            f.ip_frag = frags[i];
            len = unit_frame_build(frame, sizeof frame, &f);
            CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
            CU_ASSERT(pi.ip_fragment);
            CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_TCP);
            CU_ASSERT(!pi.l4_present);
            CU_ASSERT_EQUAL(pi.l4_src, 0);
            CU_ASSERT_EQUAL(pi.ip_dst[15], 2);
        }
    }
}

static void
test_ipv6_malformed(void)
{
    struct unit_frame f = tcp6_frame();
    uint8_t frame[FRAME_SIZE], copy[FRAME_SIZE];
    size_t len = unit_frame_build(frame, sizeof frame, &f);
    size_t l3 = unit_frame_l3_ofs(&f);
    size_t l4 = unit_frame_l4_ofs(&f);
    struct packet_info pi;

    /* The fixed header cut short. */
    for (size_t cut = l3; cut < l3 + 40; cut++) {
        CU_ASSERT_EQUAL(parse_plain(frame, cut, &pi), 0);
        CU_ASSERT(l3_is_zero(&pi));
    }

    /* Not version 6. */
    memcpy(copy, frame, len);
    copy[l3] = 0x45;
    CU_ASSERT_EQUAL(parse_plain(copy, len, &pi), 0);
    CU_ASSERT(l3_is_zero(&pi));

    /* Payload length beyond the frame. */
    memcpy(copy, frame, len);
    unit_put_be16(copy + l3 + 4, (uint16_t) (len - l4 + 1));
    CU_ASSERT_EQUAL(parse_plain(copy, len, &pi), 0);
    CU_ASSERT(l3_is_zero(&pi));

    /* Payload length 0 (jumbogram, large GSO): the frame says. */
    memcpy(copy, frame, len);
    unit_put_be16(copy + l3 + 4, 0);
    CU_ASSERT_EQUAL(parse_plain(copy, len, &pi), 0);
    CU_ASSERT(pi.l4_present);
    CU_ASSERT_EQUAL(pi.l4_src, 40000);

    /* The transport header cut short, payload length consistent. */
    for (size_t cut = l4; cut <= l4 + 4; cut++) {
        memcpy(copy, frame, len);
        unit_put_be16(copy + l3 + 4, (uint16_t) (cut - l4));
        CU_ASSERT_EQUAL(parse_plain(copy, cut, &pi), 0);
        CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_TCP);
        CU_ASSERT_EQUAL(pi.l4_present, cut == l4 + 4);
        CU_ASSERT_EQUAL(pi.l4_dst, cut == l4 + 4 ? 443 : 0);
        CU_ASSERT_EQUAL(pi.ip_src[15], 1);
    }
}

/* Extension headers cut short, at every byte, with a payload length that
 * agrees: the addresses are known, the protocol is not. */
static void
test_ipv6_ext_truncated(void)
{
    static const uint8_t types[] = { IPPROTO_HOPOPTS, IPPROTO_ROUTING,
                                     IPPROTO_DSTOPTS, IPPROTO_FRAGMENT };
    uint8_t frame[FRAME_SIZE];
    struct packet_info pi;

    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        struct unit_frame f = tcp6_frame();
        size_t l3, ext, len;

        f.n_ext = 2;
        f.ext[0] = IPPROTO_DSTOPTS;
        f.ext[1] = types[i];
        len = unit_frame_build(frame, sizeof frame, &f);
        l3 = unit_frame_l3_ofs(&f);
        ext = l3 + 40 + UNIT_IPV6_EXT_LEN;    /* The second header. */

        for (size_t cut = ext; cut < ext + UNIT_IPV6_EXT_LEN; cut++) {
            unit_put_be16(frame + l3 + 4, (uint16_t) (cut - l3 - 40));
            CU_ASSERT_EQUAL(parse_plain(frame, cut, &pi), 0);
            CU_ASSERT_EQUAL(pi.ip_proto, 0);
            CU_ASSERT(!pi.l4_present);
            CU_ASSERT_EQUAL(pi.ip_src[15], 1);
            CU_ASSERT_EQUAL(pi.ip_dst[15], 2);
            /* A fragment header is recognised by its type alone. */
            CU_ASSERT_EQUAL(pi.ip_fragment, types[i] == IPPROTO_FRAGMENT);
        }

        /* A header whose length runs past the packet. */
        if (types[i] != IPPROTO_FRAGMENT) {
            unit_put_be16(frame + l3 + 4, (uint16_t) (len - l3 - 40));
            frame[ext + 1] = 5;                 /* 48 bytes. */
            CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
            CU_ASSERT_EQUAL(pi.ip_proto, 0);
            CU_ASSERT(!pi.l4_present);
            frame[ext + 1] = 0;
            CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
            CU_ASSERT_EQUAL(pi.ip_proto, IPPROTO_TCP);
        }
    }
}

static void
test_not_ip(void)
{
    struct unit_frame f = udp4_frame(0, NULL);
    uint8_t frame[FRAME_SIZE];
    size_t len;
    struct packet_info pi;

    /* An IP header under another ethertype is not looked at. */
    f.eth_type = ETH_TYPE_ARP;
    len = unit_frame_build(frame, sizeof frame, &f);
    CU_ASSERT_EQUAL(parse_plain(frame, len, &pi), 0);
    CU_ASSERT_EQUAL(pi.eth_type, ETH_TYPE_ARP);
    CU_ASSERT(l3_is_zero(&pi));

    /* packet_parse_l3() forgets what an earlier call found. */
    f.eth_type = 0;
    len = unit_frame_build(frame, sizeof frame, &f);
    CU_ASSERT_EQUAL(packet_parse(frame, len, false, 0, 0, &pi), 0);
    packet_parse_l3(frame, len, &pi);
    CU_ASSERT(is_udp4_flow(&pi));
    pi.eth_type = ETH_TYPE_RARP;
    packet_parse_l3(frame, len, &pi);
    CU_ASSERT(l3_is_zero(&pi));

    /* A 'payload_ofs' past 'len' (a caller's mistake) reads nothing. */
    CU_ASSERT_EQUAL(packet_parse(frame, len, false, 0, 0, &pi), 0);
    packet_parse_l3(frame, pi.payload_ofs - 1, &pi);
    CU_ASSERT(l3_is_zero(&pi));
}

/* Every prefix of a rich frame: no read past the end (the copies are
 * exact), and once the IP packet is cut, no L3 from it. */
static void
test_every_cut(void)
{
    struct unit_tag tags[] = {
        { ETH_TYPE_VLAN_8021AD, 7 },
        { ETH_TYPE_VLAN, 8 },
    };
    struct unit_frame frames[3];
    uint8_t frame[FRAME_SIZE];

    frames[0] = udp4_frame(2, tags);
    frames[0].ip4_opts_len = 8;
    frames[1] = tcp6_frame();
    frames[1].n_tags = 2;
    memcpy(frames[1].tags, tags, sizeof tags);
    frames[1].n_ext = 3;
    frames[1].ext[0] = IPPROTO_HOPOPTS;
    frames[1].ext[1] = IPPROTO_ROUTING;
    frames[1].ext[2] = IPPROTO_DSTOPTS;
    frames[2] = frames[1];
    frames[2].n_tags = 1;
    frames[2].ext[2] = IPPROTO_FRAGMENT;

    for (size_t i = 0; i < ARRAY_SIZE(frames); i++) {
        size_t len = unit_frame_build(frame, sizeof frame, &frames[i]);
        struct packet_info pi;

        CU_ASSERT(len > 0);
        for (size_t cut = 0; cut <= len; cut++) {
            int error = parse_plain(frame, cut, &pi);

            CU_ASSERT_EQUAL(error, cut < 18 ? -EINVAL : 0);
            if (!error && cut < len) {
                CU_ASSERT(l3_is_zero(&pi));
            }
            if (cut == len) {
                CU_ASSERT(!error);
                CU_ASSERT_NOT_EQUAL(pi.ip_proto, 0);
                CU_ASSERT_EQUAL(pi.l4_present, i < 2);
                CU_ASSERT_EQUAL(pi.ip_fragment, i == 2);
            }
        }
    }
}

/* Random bytes, and valid frames with random damage, fed to the parser from
 * exact heap copies: it must not crash or read out of bounds (run it under
 * AddressSanitizer or valgrind) and its results must be consistent. */
static void
test_fuzz(void)
{
    struct unit_tag tags[] = {
        { ETH_TYPE_VLAN_8021AD, 7 },
        { ETH_TYPE_VLAN, 8 },
    };
    struct unit_frame templates[6];
    uint8_t frame[FRAME_SIZE];
    uint32_t seed = 0x5eed1234;
    unsigned int inconsistent = 0, deep = 0, tagged = 0;

    templates[0] = udp4_frame(0, NULL);
    templates[1] = udp4_frame(2, tags);
    templates[1].ip4_opts_len = 12;
    templates[2] = tcp6_frame();
    templates[3] = tcp6_frame();
    templates[3].n_tags = 1;
    templates[3].tags[0] = tags[1];
    templates[3].n_ext = 3;
    templates[3].ext[0] = IPPROTO_HOPOPTS;
    templates[3].ext[1] = IPPROTO_ROUTING;
    templates[3].ext[2] = IPPROTO_FRAGMENT;
    templates[4] = tcp6_frame();
    templates[4].n_ext = 2;
    templates[4].ext[0] = IPPROTO_DSTOPTS;
    templates[4].ext[1] = IPPROTO_DSTOPTS;
    templates[4].ip_proto = IPPROTO_SCTP;
    templates[5] = udp4_frame(1, tags);
    templates[5].ip_frag = 0x2000;

    for (int iter = 0; iter < 200000; iter++) {
        uint32_t r = unit_rand(&seed);
        bool aux = r & 1;
        size_t len;
        struct packet_info pi;
        uint16_t type;
        int error;

        if (r & 2) {
            /* Pure noise, often looking like a tagged or IP frame. */
            len = unit_rand(&seed) % 160;
            for (size_t i = 0; i < len; i++) {
                frame[i] = unit_rand(&seed);
            }
            if (len >= 14 && r & 4) {
                static const uint16_t types[] = {
                    ETH_TYPE_VLAN, ETH_TYPE_VLAN_8021AD, ETH_TYPE_IPV4,
                    ETH_TYPE_IPV6,
                };
                unit_put_be16(frame + 12, types[(r >> 8) % 4]);
            }
        } else {
            /* A valid frame, a few bytes changed, maybe cut short. */
            const struct unit_frame *t = &templates[(r >> 8) % 6];
            size_t full = unit_frame_build(frame, sizeof frame, t);
            int n_changes = (r >> 16) % 4;

            for (int i = 0; i < n_changes; i++) {
                frame[unit_rand(&seed) % full] = unit_rand(&seed);
            }
            len = r & 4 ? unit_rand(&seed) % (full + 1) : full;
        }

        error = parse(frame, len, aux, ETH_TYPE_VLAN, 10, &pi);
        type = len >= 14 ? unit_get_be16(frame + 12) : 0;
        if (error != (len < 14 || (!aux && len < 18
                                   && (type == ETH_TYPE_VLAN
                                       || type == ETH_TYPE_VLAN_8021AD))
                      ? -EINVAL : 0)) {
            inconsistent++;
            continue;
        }
        if (error) {
            continue;
        }
        if (pi.vlan_present != (pi.tag_source != PACKET_TAG_NONE)
            || pi.payload_ofs > len
            || (pi.l4_present && pi.ip_fragment)
            || (pi.l4_present && pi.ip_proto != IPPROTO_TCP
                && pi.ip_proto != IPPROTO_UDP
                && pi.ip_proto != IPPROTO_SCTP)
            || (!pi.l4_present && (pi.l4_src || pi.l4_dst))
            || (pi.ip_proto && pi.eth_type != ETH_TYPE_IPV4
                && pi.eth_type != ETH_TYPE_IPV6
                && pi.eth_type != ETH_TYPE_VLAN
                && pi.eth_type != ETH_TYPE_VLAN_8021AD)) {
            inconsistent++;
        }
        deep += pi.l4_present;
        tagged += pi.tag_source == PACKET_TAG_IN_FRAME;
    }
    CU_ASSERT_EQUAL(inconsistent, 0);
    /* The loop reached the deep paths, not just the runt check. */
    CU_ASSERT(deep > 10000);
    CU_ASSERT(tagged > 10000);
}

/* The addresses a bridge never forwards: exactly 01:80:c2:00:00:00-0f. */
static void
test_link_local(void)
{
    uint8_t mac[ETH_ADDR_LEN] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

    for (int i = 0; i < 256; i++) {
        mac[5] = i;
        CU_ASSERT_EQUAL(eth_addr_is_link_local(mac), i < 16);
    }
    mac[5] = 0;
    for (int b = 0; b < 5 * 8; b++) {
        uint8_t m[ETH_ADDR_LEN];

        memcpy(m, mac, sizeof m);
        m[b / 8] ^= 1u << (b % 8);
        CU_ASSERT(!eth_addr_is_link_local(m));
    }
}

static const CU_TestInfo tests[] = {
    { "link-local addresses", test_link_local },
    { "runts", test_runts },
    { "untagged", test_untagged },
    { "802.1Q tag in frame", test_tagged_8021q },
    { "802.1ad tag in frame", test_tagged_8021ad },
    { "other TPID is not a tag", test_other_tpid_is_not_a_tag },
    { "aux tag", test_aux_tag },
    { "QinQ in frame", test_qinq_in_frame },
    { "QinQ with aux tag", test_qinq_aux },
    { "triple tag", test_triple_tag },
    { "priority tag", test_priority_tag },
    { "IPv4 ports", test_ipv4_ports },
    { "IPv4 options", test_ipv4_options },
    { "IPv4 malformed", test_ipv4_malformed },
    { "IPv4 transport truncated", test_ipv4_l4_truncated },
    { "IPv4 Ethernet padding", test_ipv4_padding },
    { "IPv4 fragments", test_ipv4_fragments },
    { "IPv4 big GSO", test_ipv4_big_gso },
    { "IPv6 ports", test_ipv6_ports },
    { "IPv6 extension headers", test_ipv6_ext_headers },
    { "IPv6 extension header limit", test_ipv6_ext_header_limit },
    { "IPv6 fragments", test_ipv6_fragments },
    { "IPv6 malformed", test_ipv6_malformed },
    { "IPv6 extension headers truncated", test_ipv6_ext_truncated },
    { "not IP", test_not_ip },
    { "every cut of a frame", test_every_cut },
    { "fuzz", test_fuzz },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("packet", NULL, NULL, tests);
}
