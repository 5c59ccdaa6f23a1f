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
#include "packet.h"
#include "vlan.h"

struct arp_probe {
    int fd;                     /* AF_PACKET socket, ETH_P_ARP, owned. */
    int ifindex;                /* Device. */
    uint8_t mac[6];             /* Device's MAC: our sender address. */
    uint32_t target;            /* Address asked for, network order. */
};

size_t
arp_probe_build(const uint8_t mac[6], uint32_t target, uint8_t *frame)
{
    uint16_t type = htons(ETH_TYPE_ARP);

    memset(frame, 0xff, 6);                 /* Broadcast. */
    memcpy(frame + 6, mac, 6);
    memcpy(frame + 12, &type, 2);
    /* htype 1, ptype IPv4, hlen 6, plen 4, op 1 (request). */
    memcpy(frame + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
    memcpy(frame + 22, mac, 6);             /* Sender MAC. */
    memset(frame + 28, 0, 4);               /* Sender IP 0.0.0.0. */
    memset(frame + 32, 0, 6);               /* Target MAC unknown. */
    memcpy(frame + 38, &target, 4);         /* Target IP. */
    return 42;
}

bool
arp_probe_is_reply(const uint8_t *frame, size_t len, const uint8_t mac[6],
                   uint32_t target)
{
    size_t ofs = 12;
    uint16_t type;

    if (len < 42) {
        return false;
    }
    memcpy(&type, frame + ofs, 2);
    if (ntohs(type) == ETH_TYPE_VLAN && len >= 46) {
        ofs += 4;
        memcpy(&type, frame + ofs, 2);
    }
    ofs += 2;
    if (ntohs(type) != ETH_TYPE_ARP || len < ofs + 28) {
        return false;
    }
    /* Reply (op 2) from 'target' to 'mac'. */
    return !memcmp(frame + ofs, "\x00\x01\x08\x00\x06\x04\x00\x02", 8)
           && !memcmp(frame + ofs + 14, &target, 4)
           && !memcmp(frame + ofs + 18, mac, 6);
}

struct arp_probe *
arp_probe_create(const char *ifname, uint32_t target, int *errorp)
{
    struct arp_probe *p = calloc(1, sizeof *p);
    struct sockaddr_ll sll;
    struct ifreq ifr;

    if (!p) {
        *errorp = -ENOMEM;
        return NULL;
    }
    p->target = target;
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
        || bind(p->fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        *errorp = -errno;
        close(p->fd);
        free(p);
        return NULL;
    }
    memcpy(p->mac, ifr.ifr_hwaddr.sa_data, 6);
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
arp_probe_send(struct arp_probe *p)
{
    uint8_t frame[64];
    size_t len = arp_probe_build(p->mac, p->target, frame);

    return send(p->fd, frame, len, MSG_DONTWAIT) < 0 ? -errno : 0;
}

bool
arp_probe_receive(struct arp_probe *p)
{
    uint8_t frame[256];
    bool seen = false;
    ssize_t n;

    while ((n = recv(p->fd, frame, sizeof frame, MSG_DONTWAIT)) > 0) {
        if (arp_probe_is_reply(frame, n, p->mac, p->target)) {
            seen = true;
        }
    }
    return seen;
}
