/* netdev-packet: a network device opened as a switch port with AF_PACKET.
 *
 * Owns two AF_PACKET sockets bound to one device: one receives, set up the
 * way a switch port needs it, the other only sends (see tx_fd):
 *   - PACKET_VNET_HDR: every frame is read and written with a virtio-net
 *     header, so large GSO segments and frames whose checksum the kernel has
 *     not filled in yet pass through whole and the output device completes
 *     or segments them (offloads stay on everywhere);
 *   - PACKET_AUXDATA: the VLAN tag the kernel moved out of a frame is
 *     reported, so the datapath can put it back;
 *   - PACKET_IGNORE_OUTGOING: frames the switch (or anyone) sends on the
 *     device are not read back;
 *   - PACKET_QDISC_BYPASS, promiscuous membership, device set up.
 * The socket is non-blocking in use (MSG_DONTWAIT): readiness comes from
 * poll() in the datapath thread.
 *
 * Thread-safety: open/close and netdev_packet_set_up() are control-thread
 * only.  'fd' may be read by one datapath thread and 'tx_fd' written by
 * several at once (the kernel serialises), as long as close waits for a
 * grace period. */
#ifndef VSWITCH_NETDEV_PACKET_H
#define VSWITCH_NETDEV_PACKET_H 1

#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include "rcu.h"

/* What every frame read or written is prefixed with. */
#define NETDEV_VNET_HDR_LEN ((int) sizeof(struct virtio_net_hdr))
/* Largest frame accepted: a 64 KB GSO segment plus its headers. */
#define NETDEV_MAX_FRAME (65536 + 64)

struct netdev_memory;

/* Descriptors a port may not take: kept for the control socket's clients
 * and everything else that is not a port (the teams' ARP probes' sockets
 * included), so that when ports have used the process's limit an operator
 * can still connect and remove some. */
#define NETDEV_FD_RESERVE 32

struct netdev_packet {
    int fd;                       /* AF_PACKET socket that receives,
                                   * owned; -1 for an in-memory device. */
    int tx_fd;                    /* AF_PACKET socket to send on, owned;
                                   * -1 for an in-memory device.  Bound
                                   * to protocol 0, so it receives
                                   * nothing, and nobody polls it: a
                                   * frame sent and freed wakes the
                                   * socket's waiters, and a socket that
                                   * had the datapath thread's epoll as
                                   * one paid a locked wake-up call per
                                   * frame sent. */
    uint64_t serial;              /* Unique to this socket for the
                                   * process's lifetime (1, 2, ...; 0 for
                                   * an in-memory device): tells it from a
                                   * later socket that gets the same 'fd'
                                   * number once this one is closed. */
    struct netdev_memory *mem;    /* Owned: an in-memory device's queue
                                   * (netdev-memory.h, tests), or NULL. */
    int ifindex;                  /* Device index when opened. */
    uint8_t mac[6];               /* Device's own MAC when opened. */
    char name[IF_NAMESIZE];       /* Device name. */
    struct rcu_head rcu_head;     /* Datapath: closes it after a grace
                                   * period once it is retired. */
    struct netdev_packet *retired_next; /* Datapath: in its list of
                                   * devices to close. */
};

/* Looks device 'name' up, touching nothing.  Returns its ifindex, or a
 * negative errno (-ENODEV when there is no such device) and writes a
 * reason for the operator into 'err'. */
int netdev_packet_lookup(const char *name, char *err, size_t err_size);
/* Opens device 'name' as a port.  Returns 0 and sets '*devp', or a negative
 * errno (-ENODEV when there is no such device) and writes a reason for the
 * operator into 'err'. */
int netdev_packet_open(const char *name, struct netdev_packet **devp,
                       char *err, size_t err_size);
/* Closes the socket (or frees an in-memory device's queue) and frees.
 * Accepts NULL. */
void netdev_packet_close(struct netdev_packet *);
/* Closes the sockets of the 'n' devices 'devs' (NULL entries and devices
 * without sockets allowed; the array's order is not kept), all at once:
 * each close waits for a grace period of the kernel's RCU (packet_release()
 * calls synchronize_net(), about 12 ms here), so a thousand ports closed one
 * after another took 24 s, and closed from several threads they share their
 * grace periods.  The devices stay, without sockets: close them with
 * netdev_packet_close(). */
void netdev_packet_close_sockets(struct netdev_packet **devs, size_t n);

/* Frames the kernel dropped because the socket's receive buffer was full,
 * since the last call (the kernel resets its counter when read); 0 for an
 * in-memory device. */
uint64_t netdev_packet_take_rx_drops(struct netdev_packet *);

/* Reads the device's carrier state (true: link up and carrier).  Returns
 * false for a device that does not exist. */
bool netdev_packet_carrier(const char *name);

#endif /* netdev-packet.h */
