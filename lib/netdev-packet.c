#include <autoconf.h>
#include "netdev-packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include "util.h"

/* Sockets buffers: enough for a few batches of 64 KB segments, so a burst
 * does not overflow while the datapath thread is busy on another port. */
#define NETDEV_SOCKBUF (4 * 1024 * 1024)

#define FD_LIMIT_HINT "; each port takes two sockets: raise vswitchd's " \
    "open files limit (LimitNOFILE=)"

static int
set_int_opt(int fd, int level, int opt, int value)
{
    return setsockopt(fd, level, opt, &value, sizeof value) ? -errno : 0;
}

/* A packet socket for device 'name' with what sending needs: virtio-net
 * headers, no qdisc, a large send buffer.  Protocol 0: it receives nothing
 * (until bound with another protocol).  Returns it, or a negative errno
 * with a reason in 'err'. */
static int
packet_socket(const char *name, char *err, size_t err_size)
{
    int fd, error;

    fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = -errno;
        snprintf(err, err_size, "%s: cannot open packet socket (%s)%s",
                 name, strerror(-error),
                 error == -EPERM || error == -EACCES
                 ? "; vswitchd needs CAP_NET_RAW"
                 : error == -EMFILE ? FD_LIMIT_HINT : "");
        return error;
    }
    if ((error = set_int_opt(fd, SOL_PACKET, PACKET_VNET_HDR, 1))
        || (error = set_int_opt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1))) {
        snprintf(err, err_size, "%s: packet socket option refused (%s)",
                 name, strerror(-error));
        close(fd);
        return error;
    }
    if (set_int_opt(fd, SOL_SOCKET, SO_SNDBUFFORCE, NETDEV_SOCKBUF)) {
        set_int_opt(fd, SOL_SOCKET, SO_SNDBUF, NETDEV_SOCKBUF);
    }
    return fd;
}

/* Binds packet socket 'fd' to device 'ifindex' for 'protocol' (network
 * order; 0: sending only).  Returns 0 or a negative errno with a reason in
 * 'err'. */
static int
packet_bind(int fd, const char *name, unsigned int ifindex,
            uint16_t protocol, char *err, size_t err_size)
{
    struct sockaddr_ll sll;

    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = protocol;
    sll.sll_ifindex = ifindex;
    if (bind(fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        int error = -errno;

        snprintf(err, err_size, "%s: cannot bind packet socket (%s)",
                 name, strerror(-error));
        return error;
    }
    return 0;
}

/* Brings the device administratively up: a port is useless down, and
 * hypervisors' taps and test veths are created down. */
static int
device_set_up(int fd, const char *name)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        return -errno;
    }
    if (!(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
            return -errno;
        }
    }
    return 0;
}

int
netdev_packet_lookup(const char *name, char *err, size_t err_size)
{
    unsigned int ifindex = if_nametoindex(name);

    if (!ifindex && errno != ENODEV) {
        /* It opens a socket to ask: EMFILE, say. */
        int error = -errno;

        snprintf(err, err_size, "%s: cannot look the device up (%s)", name,
                 strerror(-error));
        return error;
    }
    if (!ifindex) {
        snprintf(err, err_size, "no network device named \"%s\"", name);
        return -ENODEV;
    }
    return (int) ifindex;
}

int
netdev_packet_open(const char *name, struct netdev_packet **devp,
                   char *err, size_t err_size)
{
    struct packet_mreq mreq;
    struct netdev_packet *dev;
    struct rlimit rl;
    unsigned int ifindex;
    int fd, tx_fd, error;

    *devp = NULL;
    error = netdev_packet_lookup(name, err, err_size);
    if (error < 0) {
        return error;
    }
    ifindex = error;

    /* Both sockets first, and the limit checked, before the device is
     * touched: bringing it up or making it promiscuous makes link events,
     * and a port that failed after that would be retried on its own
     * events, again and again.  Protocol 0: neither receives anything
     * until it is set up and bound.
     *
     * The frames the switch sends go out on a socket of their own, one
     * nobody waits on: each frame sent, once freed, wakes the waiters of
     * the socket that sent it (sock_def_write_space()), and the receiving
     * socket has the datapath thread's epoll instance as one. */
    fd = packet_socket(name, err, err_size);
    if (fd < 0) {
        return fd;
    }
    tx_fd = packet_socket(name, err, err_size);
    if (tx_fd < 0) {
        error = tx_fd;
        goto close_fd;
    }
    /* (A descriptor's number, not a count: descriptors are allocated
     * lowest first, so it tells how near the limit the process is.) */
    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY
        && (rlim_t) tx_fd + NETDEV_FD_RESERVE >= rl.rlim_cur) {
        error = -EMFILE;
        snprintf(err, err_size, "%s: the open files limit (%llu) is nearly "
                 "reached and %d are kept for the control socket%s", name,
                 (unsigned long long) rl.rlim_cur, NETDEV_FD_RESERVE,
                 FD_LIMIT_HINT);
        goto close_tx_fd;
    }
    if ((error = set_int_opt(fd, SOL_PACKET, PACKET_AUXDATA, 1))
        || (error = set_int_opt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1))) {
        snprintf(err, err_size, "%s: packet socket option refused (%s)",
                 name, strerror(-error));
        goto close_tx_fd;
    }
    /* Larger buffers need CAP_NET_ADMIN (the FORCE variant); fall back to
     * what the system allows. */
    if (set_int_opt(fd, SOL_SOCKET, SO_RCVBUFFORCE, NETDEV_SOCKBUF)) {
        set_int_opt(fd, SOL_SOCKET, SO_RCVBUF, NETDEV_SOCKBUF);
    }

    /* Up before bind: a packet socket bound to a device that is down is
     * marked ENETDOWN, and reports it when polled. */
    error = device_set_up(fd, name);
    if (error) {
        snprintf(err, err_size, "%s: cannot bring the device up (%s)",
                 name, strerror(-error));
        goto close_tx_fd;
    }

    error = packet_bind(fd, name, ifindex, htons(ETH_P_ALL), err, err_size);
    if (!error) {
        error = packet_bind(tx_fd, name, ifindex, 0, err, err_size);
    }
    if (error) {
        goto close_tx_fd;
    }

    memset(&mreq, 0, sizeof mreq);
    mreq.mr_ifindex = ifindex;
    mreq.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq,
                   sizeof mreq) < 0) {
        error = -errno;
        snprintf(err, err_size, "%s: cannot enable promiscuous mode (%s)",
                 name, strerror(-error));
        goto close_tx_fd;
    }

    /* The device may still have gone down between the two (its peer, a
     * race with the operator): clear any error the bind left pending, so
     * that the datapath thread does not find it at its first poll. */
    {
        int so_error;
        socklen_t len = sizeof so_error;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    }

    dev = calloc(1, sizeof *dev);
    if (!dev) {
        error = -ENOMEM;
        snprintf(err, err_size, "out of memory");
        goto close_tx_fd;
    }
    static uint64_t next_serial;
    dev->fd = fd;
    dev->tx_fd = tx_fd;
    dev->serial = __atomic_add_fetch(&next_serial, 1, __ATOMIC_RELAXED);
    dev->ifindex = ifindex;
    {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
        if (!ioctl(fd, SIOCGIFHWADDR, &ifr)) {
            memcpy(dev->mac, ifr.ifr_hwaddr.sa_data, 6);
        }
    }
    snprintf(dev->name, sizeof dev->name, "%s", name);
    *devp = dev;
    return 0;

close_tx_fd:
    close(tx_fd);
close_fd:
    close(fd);
    return error;
}

void
netdev_packet_close(struct netdev_packet *dev)
{
    if (dev) {
        if (dev->fd >= 0) {
            close(dev->fd);
        }
        if (dev->tx_fd >= 0) {
            close(dev->tx_fd);
        }
        free(dev->mem);
        free(dev);
    }
}

/* A share of netdev_packet_close_sockets()' work: every 'stride'th device
 * from 'first'. */
struct close_share {
    pthread_t thread;
    struct netdev_packet **devs;
    size_t n, first, stride;
};

static void *
close_share(void *share_)
{
    struct close_share *s = share_;

    for (size_t i = s->first; i < s->n; i += s->stride) {
        struct netdev_packet *dev = s->devs[i];

        if (dev->fd >= 0) {
            close(dev->fd);
            dev->fd = -1;
        }
        if (dev->tx_fd >= 0) {
            close(dev->tx_fd);
            dev->tx_fd = -1;
        }
    }
    return NULL;
}

void
netdev_packet_close_sockets(struct netdev_packet **devs, size_t n)
{
    /* Enough threads that a grace period is shared by many closes; a
     * thread that cannot be made leaves its share to this one. */
    enum { MAX_THREADS = 32, PER_THREAD = 16 };
    struct close_share shares[MAX_THREADS];
    size_t n_shares, started = 0, n_socks = 0;

    /* Only devices with a socket, first: no thread is started for the
     * others (an in-memory device has none), which the closing threads
     * would otherwise read. */
    for (size_t i = 0; i < n; i++) {
        if (devs[i] && (devs[i]->fd >= 0 || devs[i]->tx_fd >= 0)) {
            devs[n_socks++] = devs[i];
        }
    }
    n = n_socks;
    n_shares = MIN(MAX_THREADS, (n + PER_THREAD - 1) / PER_THREAD);

    for (size_t k = 0; k < n_shares; k++) {
        shares[k] = (struct close_share) {
            .devs = devs, .n = n, .first = k, .stride = n_shares,
        };
    }
    for (; started + 1 < n_shares; started++) {
        if (pthread_create(&shares[started + 1].thread, NULL, close_share,
                           &shares[started + 1])) {
            break;
        }
    }
    for (size_t k = started + 1; k < n_shares; k++) {
        close_share(&shares[k]);
    }
    if (n_shares) {
        close_share(&shares[0]);
    }
    for (size_t k = 1; k <= started; k++) {
        pthread_join(shares[k].thread, NULL);
    }
}

uint64_t
netdev_packet_take_rx_drops(struct netdev_packet *dev)
{
    struct tpacket_stats st;
    socklen_t len = sizeof st;

    if (dev->fd < 0
        || getsockopt(dev->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len)) {
        return 0;
    }
    return st.tp_drops;
}

bool
netdev_packet_carrier(const char *name)
{
    char path[64 + IF_NAMESIZE];
    char buf[8] = "";
    FILE *f;

    snprintf(path, sizeof path, "/sys/class/net/%s/carrier", name);
    f = fopen(path, "r");
    if (!f) {
        return false;
    }
    if (!fgets(buf, sizeof buf, f)) {
        buf[0] = '\0';
    }
    fclose(f);
    return buf[0] == '1';
}
