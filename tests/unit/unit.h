/* unit: helpers shared by the unit tests (tests/unit/test-*.c).
 *
 * Header only, every helper 'static inline', so a test program includes it
 * and links nothing more than the lib/ modules it tests.  It offers:
 *
 *   - unit_run_suite(): the main() of a test program: runs one CUnit suite
 *     in verbose mode and returns the exit status automake wants.
 *   - A frame builder: fill a 'struct unit_frame' (designated initializers
 *     read well) and unit_frame_build() writes the frame: Ethernet, up to
 *     UNIT_MAX_TAGS VLAN tags, optionally IPv4 (with options) or IPv6 (with
 *     extension headers), optionally TCP, UDP or SCTP, then a payload and
 *     padding.  IPv4, TCP and UDP checksums are correct.  unit_frame_l3_ofs()
 *     and unit_frame_l4_ofs() say where the headers landed, for tests that
 *     corrupt or cut a frame.
 *   - UNIT_MAC(), unit_mac_set(): MAC addresses from small integers.
 *   - unit_frame_set_ips(): IP addresses from text ("198.18.0.1",
 *     "2001:db8::1").
 *   - unit_dup(): a copy of a buffer in a heap block of exactly its length,
 *     so AddressSanitizer and valgrind catch a read past the end.
 *   - unit_rand(): a small deterministic PRNG for fuzz loops (fixed seed:
 *     a failure reproduces).
 *
 * Addresses in tests follow TESTING.md: IPv4 198.18.0.0/15, IPv6
 * 2001:db8::/32, locally administered MACs. */
#ifndef VSWITCH_TESTS_UNIT_H
#define VSWITCH_TESTS_UNIT_H 1

#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "packet.h"
#include "util.h"
#include "vlan.h"

/* Runs the tests in 'tests' (ended by CU_TEST_INFO_NULL) as one suite named
 * 'name', with optional 'init'/'clean' functions (NULL for none; they return
 * 0 on success).  Returns 0 if every test passed, 1 otherwise: return it
 * from main(). */
static inline int
unit_run_suite(const char *name, CU_InitializeFunc init,
               CU_CleanupFunc clean, const CU_TestInfo *tests)
{
    CU_pSuite suite;
    unsigned int failed;

    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "%s: CUnit: %s\n", name, CU_get_error_msg());
        return 1;
    }
    suite = CU_add_suite(name, init, clean);
    if (!suite) {
        goto error;
    }
    for (const CU_TestInfo *t = tests; t->pName; t++) {
        if (!CU_add_test(suite, t->pName, t->pTestFunc)) {
            goto error;
        }
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS) {
        goto error;
    }
    failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed()
             + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;

error:
    fprintf(stderr, "%s: CUnit: %s\n", name, CU_get_error_msg());
    CU_cleanup_registry();
    return 1;
}

/* A locally administered unicast MAC 02:00:nn:nn:nn:nn made from the 32-bit
 * integer 'N', as an initializer: .eth_src = UNIT_MAC(1). */
#define UNIT_MAC(N)                                                         \
    {                                                                       \
        0x02, 0x00, (uint8_t) ((uint32_t) (N) >> 24),                       \
        (uint8_t) ((uint32_t) (N) >> 16), (uint8_t) ((uint32_t) (N) >> 8), \
        (uint8_t) (N)                                                       \
    }

/* Stores UNIT_MAC(n) in 'mac'. */
static inline void
unit_mac_set(uint8_t mac[ETH_ADDR_LEN], uint32_t n)
{
    const uint8_t m[ETH_ADDR_LEN] = UNIT_MAC(n);

    memcpy(mac, m, ETH_ADDR_LEN);
}

static inline void
unit_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static inline uint16_t
unit_get_be16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

#define UNIT_MAX_TAGS 3         /* VLAN tags unit_frame_build() can write. */
#define UNIT_MAX_EXT 10         /* IPv6 extension headers it can write. */
#define UNIT_IPV6_EXT_LEN 8     /* Length of each of them. */
#define UNIT_MAX_IPV4_OPTS 40   /* Most IPv4 option bytes (IHL 15). */

/* One VLAN tag as it appears in a frame. */
struct unit_tag {
    uint16_t tpid;              /* ETH_TYPE_VLAN, ETH_TYPE_VLAN_8021AD... */
    uint16_t tci;               /* PCP, CFI and VID: vlan_tci() builds it. */
};

/* What unit_frame_build() writes.  Zero is a sensible default for every
 * member: a zeroed struct is an untagged frame of ethertype 0 with no
 * payload. */
struct unit_frame {
    uint8_t eth_dst[ETH_ADDR_LEN]; /* Destination MAC. */
    uint8_t eth_src[ETH_ADDR_LEN]; /* Source MAC. */
    size_t n_tags;              /* Tags in 'tags', 0..UNIT_MAX_TAGS. */
    struct unit_tag tags[UNIT_MAX_TAGS]; /* Tags after the MACs, outermost
                                          * first. */
    uint16_t eth_type;          /* Ethertype after the tags; 0 means the one
                                 * 'ip_version' calls for.  An IP header is
                                 * written under whatever is given here. */
    int ip_version;             /* 4 or 6 for an IP header, 0 for none. */
    uint8_t ip_src[16];         /* IPv4 in the first 4 bytes, or IPv6. */
    uint8_t ip_dst[16];         /* Same. */
    uint8_t ip_proto;           /* IPPROTO_*: TCP, UDP and SCTP get their
                                 * header; any other is written in the IP
                                 * header (or last extension header) only,
                                 * the payload following directly. */
    uint16_t ip_frag;           /* IPv4: the flags and fragment offset field
                                 * (0x2000 is MF, low 13 bits the offset in 8
                                 * byte units).  IPv6: the offset and M field
                                 * of the fragment extension header. */
    size_t ip4_opts_len;        /* IPv4 option bytes (NOPs), a multiple of 4
                                 * up to UNIT_MAX_IPV4_OPTS. */
    size_t n_ext;               /* IPv6 extension headers in 'ext'. */
    uint8_t ext[UNIT_MAX_EXT];  /* Their types in order (IPPROTO_HOPOPTS,
                                 * IPPROTO_ROUTING, IPPROTO_DSTOPTS,
                                 * IPPROTO_FRAGMENT...), each written with
                                 * UNIT_IPV6_EXT_LEN bytes: options headers
                                 * hold padding, a routing header has no
                                 * segments left. */
    uint16_t l4_src;            /* TCP, UDP or SCTP source port. */
    uint16_t l4_dst;            /* TCP, UDP or SCTP destination port. */
    size_t payload_len;         /* Payload bytes after the last header, each
                                 * the low byte of its index. */
    size_t min_len;             /* Zero padding up to this frame length
                                 * (e.g. 60), outside the IP packet. */
};

/* Parses 'src' and 'dst' as two IPv4 or two IPv6 addresses into 'f', and
 * sets its 'ip_version'.  Returns false if they do not parse or are not of
 * the same family. */
static inline bool
unit_frame_set_ips(struct unit_frame *f, const char *src, const char *dst)
{
    memset(f->ip_src, 0, sizeof f->ip_src);
    memset(f->ip_dst, 0, sizeof f->ip_dst);
    if (inet_pton(AF_INET, src, f->ip_src) == 1
        && inet_pton(AF_INET, dst, f->ip_dst) == 1) {
        f->ip_version = 4;
        return true;
    }
    if (inet_pton(AF_INET6, src, f->ip_src) == 1
        && inet_pton(AF_INET6, dst, f->ip_dst) == 1) {
        f->ip_version = 6;
        return true;
    }
    return false;
}

/* Offset of the IP header (or whatever follows the tags) in the frame. */
static inline size_t
unit_frame_l3_ofs(const struct unit_frame *f)
{
    return ETH_HEADER_LEN + f->n_tags * VLAN_HEADER_LEN;
}

/* Offset of the transport header (or the payload, if 'ip_proto' has no
 * header) in the frame. */
static inline size_t
unit_frame_l4_ofs(const struct unit_frame *f)
{
    size_t ofs = unit_frame_l3_ofs(f);

    if (f->ip_version == 4) {
        ofs += 20 + f->ip4_opts_len;
    } else if (f->ip_version == 6) {
        ofs += 40 + f->n_ext * UNIT_IPV6_EXT_LEN;
    }
    return ofs;
}

/* Length of the transport header unit_frame_build() writes for 'f'. */
static inline size_t
unit_frame_l4_hdr_len(const struct unit_frame *f)
{
    if (!f->ip_version) {
        return 0;
    }
    switch (f->ip_proto) {
    case IPPROTO_TCP:
        return 20;
    case IPPROTO_UDP:
        return 8;
    case IPPROTO_SCTP:
        return 12;
    default:
        return 0;
    }
}

/* Ones'-complement sum of 'n' bytes at 'p', added to 'sum' (RFC 1071). */
static inline uint32_t
unit_csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += unit_get_be16(p + i);
    }
    if (n & 1) {
        sum += (uint32_t) p[n - 1] << 8;
    }
    return sum;
}

static inline uint16_t
unit_csum_finish(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* Writes the frame 'f' describes into 'buf' ('size' bytes).  Returns its
 * length, or 0 if it does not fit or 'f' asks for what cannot be written
 * (too many tags or extension headers, bad IPv4 options length). */
static inline size_t
unit_frame_build(uint8_t *buf, size_t size, const struct unit_frame *f)
{
    size_t l3 = unit_frame_l3_ofs(f);
    size_t l4 = unit_frame_l4_ofs(f);
    size_t l4_hdr = unit_frame_l4_hdr_len(f);
    size_t end = l4 + l4_hdr + f->payload_len;
    size_t len = MAX(end, f->min_len);
    uint16_t eth_type = f->eth_type;
    uint8_t *p;

    if (f->n_tags > UNIT_MAX_TAGS || f->n_ext > UNIT_MAX_EXT
        || f->ip4_opts_len > UNIT_MAX_IPV4_OPTS || f->ip4_opts_len % 4
        || len > size || end - l3 > UINT16_MAX) {
        return 0;
    }
    if (!eth_type) {
        eth_type = (f->ip_version == 4 ? ETH_TYPE_IPV4
                    : f->ip_version == 6 ? ETH_TYPE_IPV6 : 0);
    }
    memset(buf, 0, len);

    /* Ethernet and tags. */
    memcpy(buf, f->eth_dst, ETH_ADDR_LEN);
    memcpy(buf + ETH_ADDR_LEN, f->eth_src, ETH_ADDR_LEN);
    p = buf + 2 * ETH_ADDR_LEN;
    for (size_t i = 0; i < f->n_tags; i++) {
        unit_put_be16(p, f->tags[i].tpid);
        unit_put_be16(p + 2, f->tags[i].tci);
        p += VLAN_HEADER_LEN;
    }
    unit_put_be16(p, eth_type);

    /* Payload. */
    for (size_t i = 0; i < f->payload_len; i++) {
        buf[l4 + l4_hdr + i] = (uint8_t) i;
    }

    /* IP. */
    p = buf + l3;
    if (f->ip_version == 4) {
        size_t ihl = 20 + f->ip4_opts_len;

        p[0] = 0x40 | (uint8_t) (ihl / 4);
        unit_put_be16(p + 2, (uint16_t) (end - l3));
        unit_put_be16(p + 4, 0x1234);           /* Identification. */
        unit_put_be16(p + 6, f->ip_frag);
        p[8] = 64;                              /* TTL. */
        p[9] = f->ip_proto;
        memcpy(p + 12, f->ip_src, 4);
        memcpy(p + 16, f->ip_dst, 4);
        memset(p + 20, 1, f->ip4_opts_len);     /* NOP options. */
        unit_put_be16(p + 10, unit_csum_finish(unit_csum_add(0, p, ihl)));
    } else if (f->ip_version == 6) {
        uint8_t *nh = p + 6;

        p[0] = 0x60;
        unit_put_be16(p + 4, (uint16_t) (end - l3 - 40));
        p[7] = 64;                              /* Hop limit. */
        memcpy(p + 8, f->ip_src, 16);
        memcpy(p + 24, f->ip_dst, 16);
        p += 40;
        for (size_t i = 0; i < f->n_ext; i++) {
            *nh = f->ext[i];
            nh = p;
            if (f->ext[i] == IPPROTO_FRAGMENT) {
                unit_put_be16(p + 2, f->ip_frag);
                p[4] = 0x12;                    /* Identification. */
                p[7] = 0x34;
            } else if (f->ext[i] == IPPROTO_ROUTING) {
                p[2] = 253;                     /* Experimental type... */
                p[3] = 0;                       /* ...nothing to route. */
            } else {
                p[2] = 1;                       /* PadN option, 4 bytes, */
                p[3] = 4;                       /* fills the header. */
            }
            p += UNIT_IPV6_EXT_LEN;
        }
        *nh = f->ip_proto;
    }

    /* Transport. */
    p = buf + l4;
    if (l4_hdr) {
        size_t l4_len = end - l4;
        uint32_t sum;
        uint8_t *csum;

        unit_put_be16(p, f->l4_src);
        unit_put_be16(p + 2, f->l4_dst);
        if (f->ip_proto == IPPROTO_TCP) {
            unit_put_be16(p + 4, 0x0001);       /* Sequence number. */
            p[12] = 5 << 4;                     /* Data offset. */
            p[13] = 0x10;                       /* ACK. */
            unit_put_be16(p + 14, 65535);       /* Window. */
            csum = p + 16;
        } else if (f->ip_proto == IPPROTO_UDP) {
            unit_put_be16(p + 4, (uint16_t) l4_len);
            csum = p + 6;
        } else {
            /* SCTP's CRC32c is left zero: nothing here checks it. */
            csum = NULL;
        }
        if (csum) {
            /* Pseudo-header, then the segment. */
            sum = unit_csum_add(0, f->ip_src, f->ip_version == 4 ? 4 : 16);
            sum = unit_csum_add(sum, f->ip_dst, f->ip_version == 4 ? 4 : 16);
            sum += f->ip_proto + (uint32_t) l4_len;
            sum = unit_csum_add(sum, p, l4_len);
            unit_put_be16(csum, unit_csum_finish(sum));
            if (f->ip_proto == IPPROTO_UDP && !unit_get_be16(csum)) {
                unit_put_be16(csum, 0xffff);
            }
        }
    }
    return len;
}

/* Returns a heap copy of the 'len' bytes at 'p', in a block of exactly
 * 'len' bytes (NULL for 0), for the caller to free(). */
static inline uint8_t *
unit_dup(const void *p, size_t len)
{
    uint8_t *copy;

    if (!len) {
        return NULL;
    }
    copy = malloc(len);
    if (!copy) {
        fprintf(stderr, "unit_dup: out of memory\n");
        abort();
    }
    memcpy(copy, p, len);
    return copy;
}

/* A xorshift32 PRNG.  '*state' must start non-zero (a fixed seed). */
static inline uint32_t
unit_rand(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

#endif /* unit.h */
