/* udp-flood: a bounded stream of small sequence-numbered UDP frames, and a
 * sink that counts them, for the benchmark (tests/bench/bench.sh).
 *
 *   udp-flood send --iface DEV --dst-mac MAC --src IP --dst IP
 *                  [--port N] [--seconds S] [--rate PPS] [--size BYTES]
 *   udp-flood sink [--port N] [--seconds S] [--bind IP] [--no-read]
 *
 * "send" writes ready-made Ethernet/IPv4/UDP frames straight to DEV through
 * an AF_PACKET socket with sendmmsg(), batches of 64, for S seconds (at most
 * 600) and, with --rate, no faster than PPS frames a second.  The frame is
 * --size bytes without the FCS (default 60, so 64 on the wire: 18 bytes of
 * UDP payload); the payload starts with a 64-bit big-endian sequence number,
 * 0, 1, 2...  The source MAC is DEV's own.  The UDP checksum is 0 (none),
 * which IPv4 allows.  It prints one JSON line:
 *   {"sent":N,"errors":N,"seconds":S}
 *
 * "sink" binds a UDP socket to port N (default 9) and counts the datagrams
 * it reads for S seconds, checking the sequence numbers.  It prints:
 *   {"received":N,"lost":N,"reordered":N,"max-seq":N,"seconds":S}
 * "lost" counts the sequence numbers skipped (so frames lost after the last
 * one seen are not counted), "reordered" those that went backwards.  With
 * --no-read it only holds the port (so the host answers no "port
 * unreachable") and reads nothing: the kernel drops what the full socket
 * buffer cannot take, and the counts are 0.
 *
 * Exit status: 0 done, 1 error (one line on stderr), 2 usage error. */

#include <autoconf.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MIN_FRAME 60            /* 14 Ethernet + 20 IPv4 + 8 UDP + 18. */
#define MAX_FRAME 1514
#define MAX_SECONDS 600.0
#define HDR_LEN 42              /* Ethernet + IPv4 + UDP headers. */

/* Command line. */
struct options {
    bool send;                  /* "send" (true) or "sink" (false). */
    const char *iface;          /* Output device (send). */
    uint8_t dst_mac[6];         /* Destination MAC (send). */
    bool have_dst_mac;          /* dst_mac was given. */
    struct in_addr src;         /* Source IPv4 address (send). */
    struct in_addr dst;         /* Destination IPv4 address (send). */
    struct in_addr bind;        /* Address to bind (sink), default any. */
    bool have_src;              /* src was given. */
    bool have_dst;              /* dst was given. */
    unsigned int port;          /* UDP destination port. */
    double seconds;             /* How long to run. */
    double rate;                /* Frames a second, 0 for no limit. */
    bool no_read;               /* Sink: hold the port, read nothing. */
    unsigned int size;          /* Frame size without FCS. */
};

static void
usage(void)
{
    fprintf(stderr,
            "usage: udp-flood send --iface DEV --dst-mac MAC --src IP "
            "--dst IP\n"
            "                      [--port N] [--seconds S] [--rate PPS] "
            "[--size BYTES]\n"
            "       udp-flood sink [--port N] [--seconds S] [--bind IP] "
            "[--no-read]\n");
    exit(2);
}

static void
die(const char *what, int error)
{
    fprintf(stderr, "udp-flood: %s: %s\n", what, strerror(error));
    exit(1);
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned int b[6];
    char extra;
    int i;

    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
               &b[5], &extra) != 6) {
        return false;
    }
    for (i = 0; i < 6; i++) {
        if (b[i] > 0xff) {
            return false;
        }
        mac[i] = b[i];
    }
    return true;
}

static double
parse_number(const char *s, const char *what, double min, double max)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || v < min || v > max) {
        fprintf(stderr, "udp-flood: %s '%s' is out of range (%g-%g)\n",
                what, s, min, max);
        exit(2);
    }
    return v;
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
    static const struct option longopts[] = {
        { "iface", required_argument, NULL, 'i' },
        { "dst-mac", required_argument, NULL, 'm' },
        { "src", required_argument, NULL, 's' },
        { "dst", required_argument, NULL, 'd' },
        { "bind", required_argument, NULL, 'b' },
        { "port", required_argument, NULL, 'p' },
        { "seconds", required_argument, NULL, 't' },
        { "rate", required_argument, NULL, 'r' },
        { "size", required_argument, NULL, 'l' },
        { "no-read", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    memset(o, 0, sizeof *o);
    o->port = 9;
    o->seconds = 10;
    o->size = MIN_FRAME;
    o->bind.s_addr = htonl(INADDR_ANY);
    if (argc < 2) {
        usage();
    }
    if (!strcmp(argv[1], "send")) {
        o->send = true;
    } else if (strcmp(argv[1], "sink")) {
        usage();
    }
    optind = 2;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            o->iface = optarg;
            break;
        case 'm':
            if (!parse_mac(optarg, o->dst_mac)) {
                fprintf(stderr, "udp-flood: '%s' is not a MAC address "
                        "(like 02:00:00:00:00:02)\n", optarg);
                exit(2);
            }
            o->have_dst_mac = true;
            break;
        case 's':
        case 'd':
        case 'b':
            if (inet_pton(AF_INET, optarg,
                          c == 's' ? &o->src : c == 'd' ? &o->dst
                          : &o->bind) != 1) {
                fprintf(stderr, "udp-flood: '%s' is not an IPv4 address\n",
                        optarg);
                exit(2);
            }
            o->have_src |= c == 's';
            o->have_dst |= c == 'd';
            break;
        case 'p':
            o->port = parse_number(optarg, "port", 1, 65535);
            break;
        case 't':
            o->seconds = parse_number(optarg, "seconds", 0.1, MAX_SECONDS);
            break;
        case 'r':
            o->rate = parse_number(optarg, "rate", 0, 1e8);
            break;
        case 'l':
            o->size = parse_number(optarg, "size", MIN_FRAME, MAX_FRAME);
            break;
        case 'n':
            o->no_read = true;
            break;
        default:
            usage();
        }
    }
    if (optind != argc) {
        usage();
    }
    if (o->send && (!o->iface || !o->have_dst_mac || !o->have_src
                    || !o->have_dst)) {
        fprintf(stderr, "udp-flood: send needs --iface, --dst-mac, --src "
                "and --dst\n");
        exit(2);
    }
}

static uint16_t
ip_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += (p[i] << 8) | p[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum & 0xffff;
}

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void
put64(uint8_t *p, uint64_t v)
{
    int i;

    for (i = 7; i >= 0; i--) {
        p[i] = v;
        v >>= 8;
    }
}

static uint64_t
get64(const uint8_t *p)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* Writes the headers of a frame of 'size' bytes into 'f'. */
static void
build_frame(uint8_t *f, const struct options *o, const uint8_t src_mac[6])
{
    uint8_t *ip = f + 14, *udp = ip + 20;
    size_t ip_len = o->size - 14;

    memset(f, 0, o->size);
    memcpy(f, o->dst_mac, 6);
    memcpy(f + 6, src_mac, 6);
    put16(f + 12, ETHERTYPE_IP);
    ip[0] = 0x45;
    put16(ip + 2, ip_len);
    ip[6] = 0x40;               /* Don't fragment. */
    ip[8] = 64;                 /* TTL. */
    ip[9] = IPPROTO_UDP;
    memcpy(ip + 12, &o->src, 4);
    memcpy(ip + 16, &o->dst, 4);
    put16(ip + 10, ip_checksum(ip, 20));
    put16(udp, 9);              /* Source port: discard. */
    put16(udp + 2, o->port);
    put16(udp + 4, ip_len - 20);
}

static int
do_send(const struct options *o)
{
    static uint8_t frames[BATCH][MAX_FRAME];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_ll sll;
    struct ifreq ifr;
    uint64_t seq = 0, errors = 0;
    double start, end, t;
    int fd, i, one = 1;

    fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) {
        die("socket(AF_PACKET)", errno);
    }
    memset(&ifr, 0, sizeof ifr);
    if (strlen(o->iface) >= sizeof ifr.ifr_name) {
        fprintf(stderr, "udp-flood: device name '%s' is too long\n",
                o->iface);
        return 2;
    }
    strcpy(ifr.ifr_name, o->iface);
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
        die(o->iface, errno);
    }
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = if_nametoindex(o->iface);
    if (!sll.sll_ifindex) {
        die(o->iface, errno);
    }
    if (bind(fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        die("bind", errno);
    }
    /* Not every kernel has it; the flood works without. */
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);

    for (i = 0; i < BATCH; i++) {
        build_frame(frames[i], o, (const uint8_t *) ifr.ifr_hwaddr.sa_data);
        iov[i].iov_base = frames[i];
        iov[i].iov_len = o->size;
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }

    start = t = now();
    end = start + o->seconds;
    while (t < end) {
        int n = BATCH, sent;

        if (o->rate > 0) {
            /* Frames due by now, at most one batch. */
            double due = (t - start) * o->rate - seq;

            if (due < 1) {
                struct timespec ts = { 0, 50000 };

                nanosleep(&ts, NULL);
                t = now();
                continue;
            }
            n = due < BATCH ? (int) due : BATCH;
        }
        for (i = 0; i < n; i++) {
            uint8_t *ip = frames[i] + 14;

            put64(frames[i] + HDR_LEN, seq + i);
            put16(ip + 4, (seq + i) & 0xffff);   /* IP id. */
            put16(ip + 10, 0);
            put16(ip + 10, ip_checksum(ip, 20));
        }
        sent = sendmmsg(fd, msgs, n, 0);
        if (sent < 0) {
            if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
                die("sendmmsg", errno);
            }
            errors++;
        } else {
            seq += sent;
        }
        t = now();
    }
    printf("{\"sent\":%" PRIu64 ",\"errors\":%" PRIu64
           ",\"seconds\":%.6f}\n", seq, errors, t - start);
    close(fd);
    return 0;
}

static int
do_sink(const struct options *o)
{
    static uint8_t bufs[BATCH][2048];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_in sin;
    struct timeval tv = { 0, 100000 };
    uint64_t received = 0, lost = 0, reordered = 0, next = 0, max_seq = 0;
    double start, end, t;
    int fd, i, rcvbuf = 4 << 20;

    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        die("socket(AF_INET)", errno);
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
        die("SO_RCVTIMEO", errno);
    }
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(o->port);
    sin.sin_addr = o->bind;
    if (bind(fd, (struct sockaddr *) &sin, sizeof sin) < 0) {
        die("bind", errno);
    }
    for (i = 0; i < BATCH; i++) {
        iov[i].iov_base = bufs[i];
        iov[i].iov_len = sizeof bufs[i];
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    /* Ready: the caller may start the sender. */
    fprintf(stderr, "udp-flood: sink ready on port %u\n", o->port);

    start = t = now();
    end = start + o->seconds;
    while (t < end && o->no_read) {
        struct timespec ts = { 0, 100000000 };

        nanosleep(&ts, NULL);
        t = now();
    }
    while (t < end) {
        int n = recvmmsg(fd, msgs, BATCH, 0, NULL);

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                die("recvmmsg", errno);
            }
        }
        for (i = 0; i < n; i++) {
            uint64_t seq;

            if (msgs[i].msg_len < 8) {
                continue;
            }
            seq = get64(bufs[i]);
            received++;
            if (seq >= next) {
                lost += seq - next;
                next = seq + 1;
            } else {
                reordered++;
            }
            if (seq > max_seq) {
                max_seq = seq;
            }
        }
        t = now();
    }
    printf("{\"received\":%" PRIu64 ",\"lost\":%" PRIu64
           ",\"reordered\":%" PRIu64 ",\"max-seq\":%" PRIu64
           ",\"seconds\":%.6f}\n",
           received, lost, reordered, max_seq, t - start);
    close(fd);
    return 0;
}

int
main(int argc, char *argv[])
{
    struct options o;

    parse_options(argc, argv, &o);
    return o.send ? do_send(&o) : do_sink(&o);
}
