#include <autoconf.h>
#include "netdev-memory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netdev-packet.h"
#include "rcu.h"

int
netdev_memory_open(const char *name, int ifindex, const uint8_t mac[6],
                   struct netdev_packet **devp)
{
    struct netdev_packet *dev = calloc(1, sizeof *dev);
    struct netdev_memory *mem = calloc(1, sizeof *mem);

    *devp = NULL;
    if (!dev || !mem) {
        free(dev);
        free(mem);
        return -ENOMEM;
    }
    mem->carrier = true;
    dev->fd = -1;
    dev->tx_fd = -1;
    dev->ifindex = ifindex;
    memcpy(dev->mac, mac, sizeof dev->mac);
    snprintf(dev->name, sizeof dev->name, "%s", name);
    dev->mem = mem;
    *devp = dev;
    return 0;
}

int
netdev_memory_send(struct netdev_memory *mem, const struct iovec *iov,
                   int n_iov)
{
    uint32_t head = mem->head;
    struct netdev_memory_frame *f;
    size_t len = 0;

    if (head - CMM_LOAD_SHARED(mem->tail) >= NETDEV_MEMORY_QUEUE) {
        return -ENOBUFS;
    }
    for (int i = 1; i < n_iov; i++) {
        len += iov[i].iov_len;
    }
    if (n_iov < 1 || iov[0].iov_len != sizeof f->vnet
        || len > NETDEV_MEMORY_FRAME) {
        return -EMSGSIZE;
    }
    f = &mem->frames[head % NETDEV_MEMORY_QUEUE];
    memcpy(&f->vnet, iov[0].iov_base, sizeof f->vnet);
    f->len = 0;
    for (int i = 1; i < n_iov; i++) {
        memcpy(f->data + f->len, iov[i].iov_base, iov[i].iov_len);
        f->len += iov[i].iov_len;
    }
    cmm_smp_wmb();
    CMM_STORE_SHARED(mem->head, head + 1);
    return 0;
}

int
netdev_memory_take(struct netdev_memory *mem,
                   struct netdev_memory_frame *frame)
{
    uint32_t tail = mem->tail;

    if (tail == CMM_LOAD_SHARED(mem->head)) {
        return -EAGAIN;
    }
    cmm_smp_rmb();
    *frame = mem->frames[tail % NETDEV_MEMORY_QUEUE];
    cmm_smp_mb();
    CMM_STORE_SHARED(mem->tail, tail + 1);
    return 0;
}
