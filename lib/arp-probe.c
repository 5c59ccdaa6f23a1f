#include <autoconf.h>
#include "arp-probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "arp.h"
#include "packet.h"
#include "vlan.h"

struct arp_probe {
    int fd;                     /* AF_PACKET socket, ETH_P_ARP, owned. */
    int ifindex;                /* Device. */
    struct arp_probe_match match; /* Our MAC, the target, the last probe. */
};

size_t
arp_probe_build(const uint8_t mac[6], uint32_t target, uint8_t *frame)
{
    static const uint8_t broadcast[ETH_ADDR_LEN] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    uint8_t buf[ARP_FRAME_MAX];
    struct arp_body b;
    size_t len;

    /* Sender IP 0.0.0.0, target MAC unknown: an RFC 5227 probe. */
    arp_body_init(&b, ARP_OP_REQUEST);
    memcpy(b.sha, mac, ETH_ADDR_LEN);
    b.tpa = target;
    len = arp_frame_build(buf, broadcast, mac, false, 0, ETH_TYPE_ARP, &b,
                          0);
    memcpy(frame, buf, len);
    return len;
}

bool
arp_probe_is_reply(const uint8_t *frame, size_t len, const uint8_t mac[6],
                   uint32_t target)
{
    size_t ofs = 12;
    struct arp_body b;
    uint16_t type;

    if (len < 42 || memcmp(frame, mac, 6)) {
        return false;           /* Not addressed to us. */
    }
    memcpy(&type, frame + ofs, 2);
    if (ntohs(type) == ETH_TYPE_VLAN && len >= 46) {
        uint16_t tci;

        /* The probe went out untagged: its answer comes untagged, or with
         * a priority tag (VLAN 0).  A reply in another VLAN is not it. */
        memcpy(&tci, frame + ofs + 2, 2);
        if (ntohs(tci) & VLAN_VID_MASK) {
            return false;
        }
        ofs += 4;
        memcpy(&type, frame + ofs, 2);
    }
    ofs += 2;
    if (ntohs(type) != ETH_TYPE_ARP
        || !arp_body_parse(frame + ofs, len - ofs, &b)) {
        return false;
    }
    /* Reply from 'target' to 'mac'. */
    return (arp_body_is_eth_ipv4(&b) && b.op == ARP_OP_REPLY
            && b.spa == target && !memcmp(b.tha, mac, ETH_ADDR_LEN));
}

void
arp_probe_match_init(struct arp_probe_match *m, const uint8_t mac[6],
                     uint32_t target, unsigned int interval_ms)
{
    memset(m, 0, sizeof *m);
    memcpy(m->mac, mac, 6);
    m->target = target;
    m->window_usec = (uint64_t) interval_ms * 1000;
}

void
arp_probe_match_sent(struct arp_probe_match *m, uint64_t now_usec)
{
    m->sent_usec = now_usec;
    m->answered = false;
}

/* A reply counts once per probe, within the interval after it went out,
 * received by the member's device addressed to it: an L2 peer that
 * replies unasked, repeats itself, or answers from another VLAN does not
 * keep a member whose upstream is dead in use. */
bool
arp_probe_match_reply(struct arp_probe_match *m, const uint8_t *frame,
                      size_t len, bool received, uint64_t now_usec)
{
    if (!received || !m->sent_usec || m->answered
        || now_usec < m->sent_usec
        || now_usec - m->sent_usec > m->window_usec
        || !arp_probe_is_reply(frame, len, m->mac, m->target)) {
        return false;
    }
    m->answered = true;
    return true;
}

struct arp_probe *
arp_probe_create(const char *ifname, uint32_t target,
                 unsigned int interval_ms, int *errorp)
{
    struct arp_probe *p = calloc(1, sizeof *p);
    struct sockaddr_ll sll;
    struct ifreq ifr;
    int one = 1;

    if (!p) {
        *errorp = -ENOMEM;
        return NULL;
    }
    p->ifindex = if_nametoindex(ifname);
    if (!p->ifindex) {
        *errorp = -ENODEV;
        free(p);
        return NULL;
    }
    p->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   htons(ETH_P_ARP));
    if (p->fd < 0) {
        *errorp = -errno;
        free(p);
        return NULL;
    }
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, sizeof ifr.ifr_name - 1);
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ARP);
    sll.sll_ifindex = p->ifindex;
    if (ioctl(p->fd, SIOCGIFHWADDR, &ifr) < 0
        || setsockopt(p->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one)
           < 0
        || bind(p->fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        *errorp = -errno;
        close(p->fd);
        free(p);
        return NULL;
    }
    arp_probe_match_init(&p->match, (const uint8_t *) ifr.ifr_hwaddr.sa_data,
                         target, interval_ms);
    return p;
}

void
arp_probe_destroy(struct arp_probe *p)
{
    if (p) {
        close(p->fd);
        free(p);
    }
}

int
arp_probe_fd(const struct arp_probe *p)
{
    return p->fd;
}

int
arp_probe_send(struct arp_probe *p, uint64_t now_usec)
{
    uint8_t frame[64];
    size_t len = arp_probe_build(p->match.mac, p->match.target, frame);

    if (send(p->fd, frame, len, MSG_DONTWAIT) < 0) {
        return -errno;
    }
    arp_probe_match_sent(&p->match, now_usec);
    return 0;
}

/* True if the frame described by 'sll' and 'mh''s control data came in on
 * the device, to its own address, untagged (or priority-tagged): the
 * kernel takes the tag off into auxdata, and marks a frame of a VLAN the
 * device does not have as for another host. */
static bool
arp_probe_received(const struct sockaddr_ll *sll, struct msghdr *mh)
{
    if (sll->sll_pkttype != PACKET_HOST) {
        return false;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
        if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA
            && c->cmsg_len >= CMSG_LEN(sizeof(struct tpacket_auxdata))) {
            struct tpacket_auxdata aux;

            memcpy(&aux, CMSG_DATA(c), sizeof aux);
            if (aux.tp_status & TP_STATUS_VLAN_VALID
                && aux.tp_vlan_tci & VLAN_VID_MASK) {
                return false;
            }
        }
    }
    return true;
}

bool
arp_probe_receive(struct arp_probe *p, uint64_t now_usec)
{
    union {
        char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
        struct cmsghdr align;   /* For CMSG_FIRSTHDR(). */
    } control;
    uint8_t frame[256];
    bool seen = false;

    for (;;) {
        struct sockaddr_ll sll;
        struct iovec iov = { .iov_base = frame, .iov_len = sizeof frame };
        struct msghdr mh = {
            .msg_name = &sll, .msg_namelen = sizeof sll,
            .msg_iov = &iov, .msg_iovlen = 1,
            .msg_control = control.buf, .msg_controllen = sizeof control.buf,
        };
        ssize_t n = recvmsg(p->fd, &mh, MSG_DONTWAIT);

        if (n <= 0) {
            break;
        }
        if (arp_probe_match_reply(&p->match, frame, n,
                                  arp_probe_received(&sll, &mh), now_usec)) {
            seen = true;
        }
    }
    return seen;
}
