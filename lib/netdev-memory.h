/* netdev-memory: an in-memory port device, for tests.
 *
 * A port or team member attached to an in-memory device (instead of a
 * network device opened with AF_PACKET, netdev-packet.h) has no socket: a
 * test pushes frames into it (datapath_memory_receive(), which runs the
 * real pipeline on them at once), and what the datapath sends on it is
 * queued here for the test to take, with its offload header.  Its carrier
 * is a flag the test sets.  So the whole pipeline runs in a unit test,
 * without root and without threads racing the test (Open vSwitch's dummy
 * netdevs are the model).
 *
 * The device is a 'struct netdev_packet' with no socket ('fd' is -1) and
 * 'mem' set, so the datapath keeps one device type in its structures.
 *
 * Thread-safety: netdev_memory_open() and the device's close are
 * control-thread only, like netdev-packet's.  netdev_memory_send() is for
 * the datapath (it neither allocates nor blocks) and netdev_memory_take()
 * for the test; the queue has one producer and one consumer, which in a
 * test are the same thread (frames enter through datapath_memory_receive()
 * on the test's thread). */
#ifndef VSWITCH_NETDEV_MEMORY_H
#define VSWITCH_NETDEV_MEMORY_H 1

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct netdev_packet;

/* Frames a device keeps until the test takes them: more are refused, as a
 * full socket buffer refuses them (the datapath counts "tx-error"). */
#define NETDEV_MEMORY_QUEUE 64
/* Largest frame it keeps (bigger ones are refused the same way). */
#define NETDEV_MEMORY_FRAME 2048

/* One frame the datapath sent. */
struct netdev_memory_frame {
    struct virtio_net_hdr vnet;    /* Its offload header. */
    size_t len;                    /* Bytes in 'data'. */
    uint8_t data[NETDEV_MEMORY_FRAME]; /* The frame. */
};

struct netdev_memory {
    bool carrier;                  /* Link state; the test sets it. */
    uint32_t head;                 /* Next frame written (producer). */
    uint32_t tail;                 /* Next frame taken (consumer). */
    struct netdev_memory_frame frames[NETDEV_MEMORY_QUEUE]; /* Sent. */
};

/* Creates an in-memory device named 'name' with index 'ifindex' and MAC
 * 'mac' (tests pick values no real device has), carrier up.  Returns 0 and
 * sets '*devp' (close it with netdev_packet_close()), or -ENOMEM. */
int netdev_memory_open(const char *name, int ifindex,
                       const uint8_t mac[6], struct netdev_packet **devp);

/* Datapath: queues the frame made of 'n_iov' pieces, the first one its
 * virtio-net header.  Returns 0, or -ENOBUFS when the queue is full, or
 * -EMSGSIZE when the frame is larger than NETDEV_MEMORY_FRAME. */
int netdev_memory_send(struct netdev_memory *, const struct iovec *iov,
                       int n_iov);

/* Test: takes the oldest frame sent into '*frame'.  Returns 0, or -EAGAIN
 * when nothing was sent. */
int netdev_memory_take(struct netdev_memory *,
                       struct netdev_memory_frame *frame);

#endif /* netdev-memory.h */
