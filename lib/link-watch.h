/* link-watch: a thread of its own that follows the devices' carrier from
 * the kernel's link notifications, for what must not wait for the control
 * thread: a team member that loses its link is taken out of use by the
 * datapath within a millisecond, however long the control thread is busy
 * (a reload of 10,000 ports, a slow log disk).
 *
 * Owns a netlink socket (NETLINK_ROUTE, group RTNLGRP_LINK) of its own,
 * apart from the control thread's (netlink-monitor), and the thread that
 * reads it.  The thread calls the callback for every link message: the
 * device's index, whether it has its carrier (administratively up with
 * its lower layer up), and whether it was removed.  When the kernel says
 * that notifications were lost (ENOBUFS), the thread asks for a dump of
 * every device, whose answers come through the same callback.
 *
 * The caller provides the memory ('struct link_watch', e.g. inside its own
 * structure): this module allocates nothing, takes no lock and logs
 * nothing, so the thread follows the datapath's rules
 * (tests/check-datapath-symbols.sh checks it).
 *
 * Thread-safety: link_watch_start() and link_watch_stop() from one thread
 * (the control thread).  The callback runs on the watcher's thread, which
 * is registered with RCU: it may read RCU-protected state in a read-side
 * section; it must not block, allocate, lock or log. */
#ifndef VSWITCH_LINK_WATCH_H
#define VSWITCH_LINK_WATCH_H 1

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Called on the watcher's thread for each link message. */
typedef void link_watch_cb(int ifindex, bool carrier, bool removed,
                           void *aux);

/* Big enough for the largest message the kernel sends on a route socket
 * (a dump fills its messages up to a page or 8 KiB). */
#define LINK_WATCH_BUF 65536

struct link_watch {
    int fd;                        /* Netlink socket, or -1. */
    int stop_fd;                   /* eventfd: written to stop the thread. */
    pthread_t thread;              /* The watcher thread. */
    bool running;                  /* The thread was started. */
    link_watch_cb *cb;             /* Called per link message. */
    void *aux;                     /* Passed to 'cb'. */
    bool dump_wanted;              /* Notifications were lost: a dump is
                                    * to be asked for (thread only). */
    bool dumping;                  /* A dump is under way (thread only). */
    uint32_t seq;                  /* Sequence number of the last dump
                                    * request (thread only). */
    uint64_t n_dumps;              /* Dumps asked for: notifications were
                                    * lost (written by the thread, relaxed
                                    * atomic reads). */
    uint8_t buf[LINK_WATCH_BUF];   /* Receive buffer (thread only). */
};

/* Opens the socket and starts the thread.  Returns 0 or a negative errno
 * (then nothing is left open). */
int link_watch_start(struct link_watch *, link_watch_cb *, void *aux);
/* Stops the thread and closes the socket.  Safe on a watch that was not
 * started or failed to start (zeroed memory). */
void link_watch_stop(struct link_watch *);

/* Calls 'cb' for each RTM_NEWLINK and RTM_DELLINK message of the 'len'
 * bytes of netlink messages in 'buf'; stops at a malformed message.
 * Returns true if the buffer ends a dump (NLMSG_DONE or NLMSG_ERROR).
 * What the thread uses; exposed for the unit tests. */
bool link_watch_parse(const void *buf, size_t len, link_watch_cb *,
                      void *aux);

#endif /* link-watch.h */
