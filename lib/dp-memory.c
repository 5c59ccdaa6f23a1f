/* dp-memory: in-memory devices and the test clock, the datapath side
 * (datapath.h, "In-memory devices and the test clock").
 *
 * A frame pushed into an in-memory device runs through the pipeline on the
 * caller's thread, in a thread context of its own ('inject' in struct
 * datapath, created with the first in-memory device), whose learning queue
 * datapath_run_learning() drains with the threads'.  Control thread only. */
#include <autoconf.h>
#include "datapath.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "datapath-private.h"

/* The thread context that runs the pipeline for frames pushed into
 * in-memory devices, created on first use. */
static int
inject_thread_create(struct datapath *dp)
{
    struct dp_thread *t;

    if (dp->inject) {
        return 0;
    }
    t = calloc(1, sizeof *t);
    if (!t) {
        return -ENOMEM;
    }
    t->rx_buf = malloc(DP_RX_SLOT);
    if (!t->rx_buf) {
        free(t);
        return -ENOMEM;
    }
    t->dp = dp;
    t->id = dp->n_threads;
    t->kick_fd = -1;
    t->epfd = -1;
    dp->inject = t;
    return 0;
}

/* Gives '*devp' an in-memory device named 'name'. */
static int
attach_memory(struct datapath *dp, struct netdev_packet **devp,
              const char *name, int ifindex, const uint8_t mac[ETH_ADDR_LEN])
{
    int error;

    if (*devp) {
        return (*devp)->mem ? 0 : -EBUSY;
    }
    error = inject_thread_create(dp);
    if (!error) {
        error = netdev_memory_open(name, ifindex, mac, devp);
    }
    if (!error) {
        error = datapath_publish(dp);
        if (error) {
            netdev_packet_close(*devp);
            *devp = NULL;
        }
    }
    return error;
}

int
datapath_port_attach_memory(struct datapath *dp, struct dp_port *p,
                            int ifindex, const uint8_t mac[ETH_ADDR_LEN])
{
    return attach_memory(dp, &p->dev, p->name, ifindex, mac);
}

int
datapath_team_member_attach_memory(struct datapath *dp, struct dp_port *p,
                                   int slot, int ifindex,
                                   const uint8_t mac[ETH_ADDR_LEN])
{
    struct dp_team_member *m = &p->team->members[slot];

    return attach_memory(dp, &m->dev, m->name, ifindex, mac);
}

/* The in-memory device of 'p' (member 'slot' of a team, or -1), or NULL. */
static struct netdev_memory *
port_memory(const struct dp_port *p, int slot)
{
    const struct netdev_packet *dev;

    if (slot < 0) {
        dev = p->dev;
    } else if (p->team && slot < TEAM_MAX_MEMBERS) {
        dev = p->team->members[slot].dev;
    } else {
        dev = NULL;
    }
    return dev ? dev->mem : NULL;
}

int
datapath_memory_receive(struct datapath *dp, struct dp_port *p, int slot,
                        const struct virtio_net_hdr *vnet,
                        const void *frame, size_t len)
{
    return datapath_memory_receive_at(dp, p, slot, vnet, frame, len,
                                      dp_now_usec(dp));
}

int
datapath_memory_receive_at(struct datapath *dp, struct dp_port *p, int slot,
                           const struct virtio_net_hdr *vnet,
                           const void *frame, size_t len, uint64_t now_usec)
{
    struct dp_thread *t = dp->inject;
    const struct dp_snapshot *snap;
    const struct dp_entry *in;
    struct mmsghdr *mm;

    if (!port_memory(p, slot)) {
        return -ENODEV;
    }
    mm = &t->rx_msgs[0];
    if (len > NETDEV_MAX_FRAME) {
        return -EMSGSIZE;
    }
    if (vnet) {
        memcpy(t->rx_buf, vnet, NETDEV_VNET_HDR_LEN);
    } else {
        memset(t->rx_buf, 0, NETDEV_VNET_HDR_LEN);
    }
    memcpy(t->rx_buf + NETDEV_VNET_HDR_LEN, frame, len);
    memset(mm, 0, sizeof *mm);
    mm->msg_len = NETDEV_VNET_HDR_LEN + len;

    rcu_read_lock();
    snap = rcu_dereference(dp->snap);
    in = dp_snapshot_entry_of(snap, p);
    if (in) {
        dp_thread_process_rcu(t, snap, in, slot, 1, now_usec);
    }
    rcu_read_unlock();
    return in ? 0 : -ENOENT;
}

int
datapath_memory_take(const struct dp_port *p, int slot,
                     struct netdev_memory_frame *frame)
{
    struct netdev_memory *mem = port_memory(p, slot);

    return mem ? netdev_memory_take(mem, frame) : -ENODEV;
}

int
datapath_memory_set_carrier(struct datapath *dp, struct dp_port *p, int slot,
                            bool carrier)
{
    struct netdev_memory *mem = port_memory(p, slot);
    int ifindex;

    if (!mem) {
        return -ENODEV;
    }
    mem->carrier = carrier;
    ifindex = slot < 0 ? p->dev->ifindex : p->team->members[slot].dev->ifindex;
    dp_link_changed(ifindex, carrier, false, dp);
    return 0;
}

void
datapath_set_clock(struct datapath *dp, uint64_t usec)
{
    CMM_STORE_SHARED(dp->clock_usec, usec);
}
