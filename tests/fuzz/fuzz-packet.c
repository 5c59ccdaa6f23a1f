/* fuzz-packet: the frame parser and what classifies a frame from its
 * result (see fuzz.h).
 *
 * Input: one byte of flags (bit 0: the kernel reported a removed outer tag
 * in PACKET_AUXDATA), the auxdata TPID and TCI (big-endian, 2 bytes each),
 * then the frame as AF_PACKET would deliver it.
 *
 * Checks, beyond "no crash, no sanitizer report":
 *   - packet_parse() either fails with -EINVAL and leaves the result zero,
 *     or succeeds on a frame of at least ETH_MIN_FRAME_LEN bytes with a
 *     result consistent with where the outer tag came from, and an offset
 *     inside the frame;
 *   - packet_parse_l3() reports L4 ports only for a TCP, UDP or SCTP
 *     packet that is not a fragment, and gives the same result when run
 *     again;
 *   - packet_guard_classify() (the DHCP and RA guards) returns one of its
 *     classes;
 *   - a frame with its outer tag in the bytes and the same frame with that
 *     tag removed and reported as auxdata (what the kernel does on veth and
 *     most NICs) are parsed, classified and hashed alike: the switch must
 *     not treat a frame differently depending on the device it came from;
 *   - the VLAN arithmetic the datapath applies to the result keeps the VID
 *     and the priority bits. */
#include <autoconf.h>
#include "fuzz.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include "packet.h"
#include "team-hash.h"
#include "vlan.h"

#define FUZZ_PACKET_HEADER 5    /* Flags, auxdata TPID, auxdata TCI. */
#define FUZZ_AUX_VALID 0x01     /* Flags: the auxdata tag is present. */

static const enum team_hash_fields all_fields[] = {
    TEAM_HASH_L2, TEAM_HASH_L23, TEAM_HASH_L34,
};

static uint16_t
get_be16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

/* The VLAN a frame belongs to as a trunk that carries every VLAN sees it:
 * its outer tag's VID, 0 for untagged and priority-tagged frames. */
static uint16_t
frame_vid(const struct packet_info *pi)
{
    return pi->vlan_present ? pi->vlan_tci & VLAN_VID_MASK : 0;
}

static void
check_vlan_arithmetic(const struct packet_info *pi)
{
    struct vlan_bitmap b;
    uint16_t vid = frame_vid(pi);
    uint16_t tci;

    vlan_bitmap_clear_all(&b);
    FUZZ_CHECK(!vlan_bitmap_test(&b, vid));
    vlan_bitmap_set(&b, vid);
    FUZZ_CHECK(vlan_bitmap_test(&b, vid));
    FUZZ_CHECK(!vlan_bitmap_is_empty(&b));

    /* Retagging (egress on a trunk) keeps the frame's priority. */
    for (uint16_t out = 0; out < VLAN_COUNT; out += 4095) {
        tci = vlan_tci(out, pi->vlan_tci);
        FUZZ_CHECK((tci & VLAN_VID_MASK) == out);
        FUZZ_CHECK((tci & (VLAN_PCP_MASK | VLAN_CFI))
                   == (pi->vlan_tci & (VLAN_PCP_MASK | VLAN_CFI)));
    }
}

static void
check_l3(const uint8_t *frame, size_t len, struct packet_info *pi)
{
    struct packet_info again;

    packet_parse_l3(frame, len, pi);
    if (pi->l4_present) {
        FUZZ_CHECK(!pi->ip_fragment);
        FUZZ_CHECK(pi->ip_proto == IPPROTO_TCP
                   || pi->ip_proto == IPPROTO_UDP
                   || pi->ip_proto == IPPROTO_SCTP);
    } else {
        FUZZ_CHECK(!pi->l4_src && !pi->l4_dst);
    }

    again = *pi;
    packet_parse_l3(frame, len, &again);
    FUZZ_CHECK(!memcmp(&again, pi, sizeof again));
}

/* Parses 'frame' and checks the result.  Returns false if it is not a
 * frame the datapath accepts. */
static bool
parse_and_check(const uint8_t *frame, size_t len, bool aux_valid,
                uint16_t aux_tpid, uint16_t aux_tci, struct packet_info *pi)
{
    static const struct packet_info zero;
    int error;

    error = packet_parse(frame, len, aux_valid, aux_tpid, aux_tci, pi);
    if (error) {
        FUZZ_CHECK(error == -EINVAL);
        FUZZ_CHECK(!memcmp(pi, &zero, sizeof *pi));
        return false;
    }
    FUZZ_CHECK(len >= ETH_MIN_FRAME_LEN);
    FUZZ_CHECK(pi->eth_dst == frame);
    FUZZ_CHECK(pi->eth_src == frame + ETH_ADDR_LEN);
    FUZZ_CHECK(pi->payload_ofs <= len);
    switch (pi->tag_source) {
    case PACKET_TAG_NONE:
        FUZZ_CHECK(!aux_valid && !pi->vlan_present);
        FUZZ_CHECK(pi->eth_type == get_be16(frame + 2 * ETH_ADDR_LEN));
        FUZZ_CHECK(pi->payload_ofs == ETH_HEADER_LEN);
        break;
    case PACKET_TAG_IN_FRAME:
        FUZZ_CHECK(!aux_valid && pi->vlan_present);
        FUZZ_CHECK(pi->vlan_tpid == ETH_TYPE_VLAN
                   || pi->vlan_tpid == ETH_TYPE_VLAN_8021AD);
        FUZZ_CHECK(pi->payload_ofs == ETH_HEADER_LEN + VLAN_HEADER_LEN);
        break;
    case PACKET_TAG_AUXDATA:
        FUZZ_CHECK(aux_valid && pi->vlan_present);
        FUZZ_CHECK(pi->vlan_tci == aux_tci);
        FUZZ_CHECK(pi->vlan_tpid == (aux_tpid ? aux_tpid : ETH_TYPE_VLAN));
        FUZZ_CHECK(pi->payload_ofs == ETH_HEADER_LEN);
        break;
    default:
        FUZZ_CHECK(!"a tag source packet.h does not list");
    }
    check_l3(frame, len, pi);
    FUZZ_CHECK(packet_guard_classify(frame, len, pi) <= PACKET_GUARD_UNKNOWN);
    check_vlan_arithmetic(pi);
    return true;
}

/* Two parses of one frame, as it was on the wire ('a') and as the kernel
 * delivered it with the outer tag in auxdata ('b'), must agree. */
static void
check_same_classification(const struct packet_info *a,
                          const struct packet_info *b)
{
    uint16_t vid = frame_vid(a);

    FUZZ_CHECK(b->vlan_present && frame_vid(b) == vid);
    FUZZ_CHECK(a->vlan_tci == b->vlan_tci && a->vlan_tpid == b->vlan_tpid);
    FUZZ_CHECK(a->eth_type == b->eth_type);
    FUZZ_CHECK(!memcmp(a->eth_dst, b->eth_dst, ETH_ADDR_LEN));
    FUZZ_CHECK(!memcmp(a->eth_src, b->eth_src, ETH_ADDR_LEN));
    FUZZ_CHECK(a->ip_proto == b->ip_proto);
    FUZZ_CHECK(a->ip_fragment == b->ip_fragment);
    FUZZ_CHECK(a->l4_present == b->l4_present);
    FUZZ_CHECK(!memcmp(a->ip_src, b->ip_src, sizeof a->ip_src));
    FUZZ_CHECK(!memcmp(a->ip_dst, b->ip_dst, sizeof a->ip_dst));
    FUZZ_CHECK(a->l4_src == b->l4_src && a->l4_dst == b->l4_dst);
    FUZZ_CHECK(team_hash_src_mac(a->eth_src, vid)
               == team_hash_src_mac(b->eth_src, vid));
    for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++) {
        FUZZ_CHECK(team_hash_bucket(a, vid, all_fields[i])
                   == team_hash_bucket(b, vid, all_fields[i]));
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct packet_info pi, stripped_pi;
    const uint8_t *frame;
    uint8_t *stripped;
    uint16_t aux_tpid, aux_tci, vid;
    bool aux_valid;
    size_t len;

    if (size < FUZZ_PACKET_HEADER) {
        return 0;
    }
    aux_valid = data[0] & FUZZ_AUX_VALID;
    aux_tpid = get_be16(data + 1);
    aux_tci = get_be16(data + 3);
    frame = data + FUZZ_PACKET_HEADER;
    len = size - FUZZ_PACKET_HEADER;

    if (!parse_and_check(frame, len, aux_valid, aux_tpid, aux_tci, &pi)) {
        return 0;
    }

    /* The bucket functions must cope with whatever the parser produced. */
    vid = frame_vid(&pi);
    (void) team_hash_src_mac(pi.eth_src, vid);
    (void) team_hash_src_mac(pi.eth_dst, vid);
    for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++) {
        (void) team_hash_bucket(&pi, vid, all_fields[i]);
    }

    if (pi.tag_source == PACKET_TAG_IN_FRAME) {
        /* The same frame as the kernel would hand it over: without its
         * outer tag, which is reported in auxdata instead.  A block of
         * exactly its size, so that an overread is caught. */
        size_t slen = len - VLAN_HEADER_LEN;

        stripped = malloc(slen);
        FUZZ_CHECK(stripped);
        memcpy(stripped, frame, 2 * ETH_ADDR_LEN);
        memcpy(stripped + 2 * ETH_ADDR_LEN,
               frame + 2 * ETH_ADDR_LEN + VLAN_HEADER_LEN,
               slen - 2 * ETH_ADDR_LEN);
        FUZZ_CHECK(parse_and_check(stripped, slen, true, pi.vlan_tpid,
                                   pi.vlan_tci, &stripped_pi));
        check_same_classification(&pi, &stripped_pi);
        FUZZ_CHECK(packet_guard_classify(frame, len, &pi)
                   == packet_guard_classify(stripped, slen, &stripped_pi));
        free(stripped);
    }
    return 0;
}
