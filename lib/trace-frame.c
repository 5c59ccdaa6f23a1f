/* trace-frame: the frame of "vswitch-ctl trace" (trace-frame.h). */
#include <autoconf.h>
#include "trace-frame.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "packet.h"
#include "util.h"

#define TRACE_FRAME_MIN 60         /* Ethernet's minimum, without FCS. */
#define IPV4_HLEN 20
#define IPV6_HLEN 40
#define ARP_LEN 28
#define DHCP6_SERVER_PORT 547
#define DHCP6_REPLY 7

/* The fields of a frame, as given or defaulted. */
struct trace_fields {
    uint8_t dl_src[ETH_ADDR_LEN];  /* Source MAC. */
    uint8_t dl_dst[ETH_ADDR_LEN];  /* Destination MAC. */
    bool tagged;                   /* vlan= or pcp= given. */
    unsigned long vlan, pcp;       /* The tag's VLAN and priority. */
    bool has_type;                 /* dl_type= given. */
    unsigned long dl_type;         /* Ethertype. */
    int family;                    /* AF_INET6 if an address is IPv6,
                                    * AF_INET if one is IPv4, else 0. */
    bool has_src, has_dst;         /* nw_src=, nw_dst= given. */
    uint8_t nw_src[16], nw_dst[16]; /* Addresses (IPv4: first 4 bytes). */
    unsigned long nw_proto;        /* IP protocol. */
    bool has_tp_src, has_tp_dst;   /* tp_src=, tp_dst= given. */
    unsigned long tp_src, tp_dst;  /* Ports, or ICMP type and code. */
    unsigned long len;             /* Pad to this length. */
    const char *hex;               /* hex=, or NULL. */
};

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static int
bad(char **msg, const char *key, const char *value, const char *takes)
{
    *msg = g_strdup_printf("trace: %s=%s is not valid: %s takes %s", key,
                           value, key, takes);
    return -EINVAL;
}

/* Parses an address of either family into 'addr', setting '*family'
 * (addresses of both families in one frame are refused). */
static int
parse_addr(const char *key, const char *value, uint8_t addr[16],
           int *family, char **msg)
{
    int af = strchr(value, ':') ? AF_INET6 : AF_INET;

    memset(addr, 0, 16);
    if (inet_pton(af, value, addr) != 1) {
        return bad(msg, key, value, "an IPv4 or IPv6 address");
    }
    if (*family && *family != af) {
        *msg = g_strdup_printf("trace: %s=%s is not of the family of the "
                               "other address: give both nw_src and nw_dst "
                               "as IPv4, or both as IPv6", key, value);
        return -EINVAL;
    }
    *family = af;
    return 0;
}

/* Parses a number in [0, max], decimal or 0x hex, or one of 'names' (NULL
 * ended, with their values in 'values'). */
static bool
parse_num(const char *s, unsigned long max, const char *const *names,
          const unsigned long *values, unsigned long *v)
{
    char *end;

    for (size_t i = 0; names && names[i]; i++) {
        if (!strcmp(s, names[i])) {
            *v = values[i];
            return true;
        }
    }
    if (!*s || *s == '-') {
        return false;
    }
    *v = strtoul(s, &end, 0);
    return !*end && *v <= max;
}

static int
set_field(struct trace_fields *tf, const char *key, const char *value,
          char **msg)
{
    static const char *const type_names[] = { "ip", "ipv4", "ipv6", "arp",
                                              "rarp", NULL };
    static const unsigned long type_values[] = {
        ETH_TYPE_IPV4, ETH_TYPE_IPV4, ETH_TYPE_IPV6, ETH_TYPE_ARP,
        ETH_TYPE_RARP,
    };
    static const char *const proto_names[] = { "udp", "tcp", "icmp",
                                               "icmpv6", NULL };
    static const unsigned long proto_values[] = {
        IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP, IPPROTO_ICMPV6,
    };

    if (!strcmp(key, "dl_src") || !strcmp(key, "dl_dst")) {
        if (!eth_addr_parse(value, key[3] == 's' ? tf->dl_src
                                                 : tf->dl_dst)) {
            return bad(msg, key, value, "a MAC address (02:00:00:00:00:01)");
        }
    } else if (!strcmp(key, "vlan")) {
        if (!str_to_uint_range(value, 0, 4095, &tf->vlan)) {
            return bad(msg, key, value, "a VLAN from 0 to 4095");
        }
        tf->tagged = true;
    } else if (!strcmp(key, "pcp")) {
        if (!str_to_uint_range(value, 0, 7, &tf->pcp)) {
            return bad(msg, key, value, "a priority from 0 to 7");
        }
        tf->tagged = true;
    } else if (!strcmp(key, "dl_type")) {
        if (!parse_num(value, 0xffff, type_names, type_values,
                       &tf->dl_type)) {
            return bad(msg, key, value, "an ethertype (0x0800) or ip, ipv6, "
                       "arp, rarp");
        }
        tf->has_type = true;
    } else if (!strcmp(key, "nw_src") || !strcmp(key, "nw_dst")) {
        bool src = key[3] == 's';

        *(src ? &tf->has_src : &tf->has_dst) = true;
        return parse_addr(key, value, src ? tf->nw_src : tf->nw_dst,
                          &tf->family, msg);
    } else if (!strcmp(key, "nw_proto")) {
        if (!parse_num(value, 255, proto_names, proto_values,
                       &tf->nw_proto)) {
            return bad(msg, key, value, "a protocol number (0-255) or udp, "
                       "tcp, icmp, icmpv6");
        }
    } else if (!strcmp(key, "tp_src") || !strcmp(key, "tp_dst")) {
        bool src = key[3] == 's';

        if (!str_to_uint_range(value, 0, 65535,
                               src ? &tf->tp_src : &tf->tp_dst)) {
            return bad(msg, key, value, "a port from 0 to 65535 (ICMP: a "
                       "type or code)");
        }
        *(src ? &tf->has_tp_src : &tf->has_tp_dst) = true;
    } else if (!strcmp(key, "len")) {
        if (!str_to_uint_range(value, ETH_MIN_FRAME_LEN, 65535, &tf->len)) {
            return bad(msg, key, value, "a frame length from 14 to 65535");
        }
    } else if (!strcmp(key, "hex")) {
        tf->hex = value;
    } else {
        *msg = g_strdup_printf("trace: unknown field \"%s\" (the frame's "
                               "fields are dl_src, dl_dst, vlan, pcp, "
                               "dl_type, nw_src, nw_dst, nw_proto, tp_src, "
                               "tp_dst, len, or hex)", key);
        return -EINVAL;
    }
    return 0;
}

static int
hex_frame(const char *hex, uint8_t *buf, size_t size, size_t *len,
          char **msg)
{
    size_t n = 0;

    for (const char *p = hex; *p; ) {
        int hi, lo;

        if (*p == ':' || *p == ' ' || *p == '.') {
            p++;
            continue;
        }
        hi = g_ascii_xdigit_value(p[0]);
        lo = p[1] ? g_ascii_xdigit_value(p[1]) : -1;
        if (hi < 0 || lo < 0) {
            return bad(msg, "hex", hex, "pairs of hex digits");
        }
        if (n >= size) {
            return bad(msg, "hex", hex, "a frame of at most 65535 bytes");
        }
        buf[n++] = hi << 4 | lo;
        p += 2;
    }
    *len = n;
    return 0;
}

/* IPv4's header checksum of 'n' bytes at 'p'. */
static uint16_t
ipv4_csum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t) p[i] << 8 | p[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum;
}

/* Writes the L4 header of 'tf' at 'p'; returns its length. */
static size_t
put_l4(const struct trace_fields *tf, uint8_t *p)
{
    switch (tf->nw_proto) {
    case IPPROTO_UDP:
        put16(p, tf->tp_src);
        put16(p + 2, tf->tp_dst);
        if (tf->tp_src == DHCP6_SERVER_PORT
            && tf->dl_type == ETH_TYPE_IPV6) {
            p[8] = DHCP6_REPLY;
            return 12;
        }
        return 8;
    case IPPROTO_TCP:
        put16(p, tf->tp_src);
        put16(p + 2, tf->tp_dst);
        p[12] = 5 << 4;            /* Data offset: 20 bytes. */
        p[13] = 0x02;              /* SYN. */
        put16(p + 14, 65535);      /* Window. */
        return 20;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        p[0] = tf->tp_src;
        p[1] = tf->tp_dst;
        return 8;
    default:
        return 0;
    }
}

/* Writes what follows the Ethernet header at 'p' (zeroed, room enough);
 * returns its length. */
static size_t
put_payload(const struct trace_fields *tf, uint8_t *p)
{
    size_t l4;

    switch (tf->dl_type) {
    case ETH_TYPE_IPV4:
        l4 = put_l4(tf, p + IPV4_HLEN);
        p[0] = 0x45;
        put16(p + 2, IPV4_HLEN + l4);
        p[8] = 64;
        p[9] = tf->nw_proto;
        memcpy(p + 12, tf->nw_src, 4);
        memcpy(p + 16, tf->nw_dst, 4);
        put16(p + 10, ipv4_csum(p, IPV4_HLEN));
        if (tf->nw_proto == IPPROTO_UDP) {
            put16(p + IPV4_HLEN + 4, l4);
        }
        return IPV4_HLEN + l4;
    case ETH_TYPE_IPV6:
        l4 = put_l4(tf, p + IPV6_HLEN);
        p[0] = 0x60;
        put16(p + 4, l4);
        p[6] = tf->nw_proto;
        p[7] = 255;
        memcpy(p + 8, tf->nw_src, 16);
        memcpy(p + 24, tf->nw_dst, 16);
        if (tf->nw_proto == IPPROTO_UDP) {
            put16(p + IPV6_HLEN + 4, l4);
        }
        return IPV6_HLEN + l4;
    case ETH_TYPE_ARP:
    case ETH_TYPE_RARP:
        put16(p, 1);               /* Ethernet. */
        put16(p + 2, ETH_TYPE_IPV4);
        p[4] = ETH_ADDR_LEN;
        p[5] = 4;
        put16(p + 6, tf->dl_type == ETH_TYPE_ARP ? 1 : 3); /* Request. */
        memcpy(p + 8, tf->dl_src, ETH_ADDR_LEN);
        memcpy(p + 14, tf->nw_src, 4);
        memcpy(p + 24, tf->nw_dst, 4);
        return ARP_LEN;
    default:
        return 0;
    }
}

/* Fills what was not given. */
static int
defaults(struct trace_fields *tf, char **msg)
{
    bool v6;

    if (!tf->has_type) {
        tf->dl_type = tf->family == AF_INET6 ? ETH_TYPE_IPV6 : ETH_TYPE_IPV4;
    }
    v6 = tf->dl_type == ETH_TYPE_IPV6;
    if (tf->family && (tf->family == AF_INET6) != v6
        && (v6 || tf->dl_type == ETH_TYPE_IPV4
            || tf->dl_type == ETH_TYPE_ARP
            || tf->dl_type == ETH_TYPE_RARP)) {
        *msg = g_strdup_printf("trace: dl_type=0x%04lx does not carry "
                               "IPv%d addresses: give addresses of its "
                               "family, or no dl_type", tf->dl_type,
                               tf->family == AF_INET6 ? 6 : 4);
        return -EINVAL;
    }
    if (!tf->has_src) {
        inet_pton(v6 ? AF_INET6 : AF_INET, v6 ? "2001:db8::1" : "198.18.0.1",
                  tf->nw_src);
    }
    if (!tf->has_dst) {
        inet_pton(v6 ? AF_INET6 : AF_INET, v6 ? "2001:db8::2" : "198.18.0.2",
                  tf->nw_dst);
    }
    if (tf->nw_proto == IPPROTO_ICMP && v6) {
        tf->nw_proto = IPPROTO_ICMPV6;
    }
    if (tf->nw_proto == IPPROTO_ICMP || tf->nw_proto == IPPROTO_ICMPV6) {
        if (!tf->has_tp_src) {
            tf->tp_src = tf->nw_proto == IPPROTO_ICMP ? 8 : 128;
        }
        if (!tf->has_tp_dst) {
            tf->tp_dst = 0;
        }
        if (tf->tp_src > 255 || tf->tp_dst > 255) {
            *msg = g_strdup("trace: an ICMP type (tp_src) and code (tp_dst) "
                            "are 0 to 255");
            return -EINVAL;
        }
    }
    return 0;
}

int
trace_frame_build(int n, char *args[], uint8_t *buf, size_t size,
                  size_t *len, char **msg)
{
    struct trace_fields tf = {
        .dl_src = { 0x02, 0, 0, 0, 0, 0x01 },
        .dl_dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
        .nw_proto = IPPROTO_UDP, .tp_src = 49152, .tp_dst = 9,
        .len = TRACE_FRAME_MIN,
    };
    size_t ofs;
    int error;

    *msg = NULL;
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(args[i], '=');
        char *key;

        if (!eq || eq == args[i]) {
            *msg = g_strdup_printf("trace: \"%s\" is not a field: give "
                                   "KEY=VALUE (dl_src=02:00:00:00:00:01)",
                                   args[i]);
            return -EINVAL;
        }
        key = g_strndup(args[i], eq - args[i]);
        error = set_field(&tf, key, eq + 1, msg);
        g_free(key);
        if (error) {
            return error;
        }
    }
    if (tf.hex) {
        if (n > 1) {
            *msg = g_strdup("trace: hex= gives the whole frame: give no "
                            "other field with it");
            return -EINVAL;
        }
        return hex_frame(tf.hex, buf, size, len, msg);
    }
    error = defaults(&tf, msg);
    if (error) {
        return error;
    }
    if (size < MAX(tf.len, (unsigned long) 256)) {
        *msg = g_strdup("trace: the frame does not fit");
        return -EINVAL;
    }
    memset(buf, 0, MAX(tf.len, (unsigned long) 256));
    memcpy(buf, tf.dl_dst, ETH_ADDR_LEN);
    memcpy(buf + ETH_ADDR_LEN, tf.dl_src, ETH_ADDR_LEN);
    ofs = 2 * ETH_ADDR_LEN;
    if (tf.tagged) {
        put16(buf + ofs, 0x8100);
        put16(buf + ofs + 2, tf.pcp << 13 | tf.vlan);
        ofs += VLAN_HEADER_LEN;
    }
    put16(buf + ofs, tf.dl_type);
    ofs += 2;
    ofs += put_payload(&tf, buf + ofs);
    *len = MAX(ofs, tf.len);
    return 0;
}
