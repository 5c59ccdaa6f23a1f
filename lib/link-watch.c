#include <autoconf.h>
#include "link-watch.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include "rcu.h"

/* Socket buffer: room for the notifications of many devices changing at
 * once (a host starting its VMs) before the thread reads them. */
#define LINK_WATCH_SOCKBUF (4 * 1024 * 1024)

bool
link_watch_parse(const void *buf, size_t len, link_watch_cb *cb, void *aux)
{
    const struct nlmsghdr *nlh = buf;
    bool done = false;

    for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
        const struct ifinfomsg *ifi;

        if (nlh->nlmsg_type == NLMSG_DONE
            || nlh->nlmsg_type == NLMSG_ERROR) {
            done = true;
            continue;
        }
        if ((nlh->nlmsg_type != RTM_NEWLINK
             && nlh->nlmsg_type != RTM_DELLINK)
            || nlh->nlmsg_len < NLMSG_LENGTH(sizeof *ifi)) {
            continue;
        }
        ifi = NLMSG_DATA(nlh);
        if (ifi->ifi_family != AF_UNSPEC || ifi->ifi_index <= 0) {
            /* AF_BRIDGE messages tell a bridge port's state, and an
             * RTM_DELLINK of them only that it left its bridge. */
            continue;
        }
        cb(ifi->ifi_index,
           (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_LOWER_UP),
           nlh->nlmsg_type == RTM_DELLINK, aux);
    }
    return done;
}

/* Asks the kernel for every device's state (notifications were lost). */
static void
request_dump(struct link_watch *lw)
{
    struct {
        struct nlmsghdr nlh;
        struct ifinfomsg ifi;
    } req;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

    memset(&req, 0, sizeof req);
    req.nlh.nlmsg_len = sizeof req;
    req.nlh.nlmsg_type = RTM_GETLINK;
    req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nlh.nlmsg_seq = ++lw->seq;
    req.ifi.ifi_family = AF_UNSPEC;
    if (sendto(lw->fd, &req, sizeof req, 0, (struct sockaddr *) &kernel,
               sizeof kernel) == (ssize_t) sizeof req) {
        lw->dump_wanted = false;
        lw->dumping = true;
        uatomic_add(&lw->n_dumps, 1);
    }
    /* Otherwise (EBUSY, ENOBUFS) it is asked again after the next read. */
}

/* Reads every pending message. */
static void
drain(struct link_watch *lw)
{
    for (;;) {
        ssize_t n = recv(lw->fd, lw->buf, sizeof lw->buf, MSG_DONTWAIT);

        if (n < 0) {
            if (errno == ENOBUFS) {
                lw->dump_wanted = true;
                continue;
            }
            if (errno == EINTR) {
                continue;
            }
            break;              /* EAGAIN: all read. */
        }
        if (link_watch_parse(lw->buf, n, lw->cb, lw->aux)) {
            lw->dumping = false;
        }
    }
    if (lw->dump_wanted && !lw->dumping) {
        request_dump(lw);
    }
}

static void *
link_watch_main(void *lw_)
{
    struct link_watch *lw = lw_;

    rcu_register_thread();
    for (;;) {
        struct pollfd pfds[2] = {
            { .fd = lw->fd, .events = POLLIN },
            { .fd = lw->stop_fd, .events = POLLIN },
        };

        if (poll(pfds, 2, -1) < 0) {
            continue;           /* EINTR. */
        }
        if (pfds[1].revents) {
            break;
        }
        if (pfds[0].revents) {
            drain(lw);
        }
    }
    rcu_unregister_thread();
    return NULL;
}

static void
close_fds(struct link_watch *lw)
{
    if (lw->fd >= 0) {
        close(lw->fd);
    }
    if (lw->stop_fd >= 0) {
        close(lw->stop_fd);
    }
    lw->fd = lw->stop_fd = -1;
}

int
link_watch_start(struct link_watch *lw, link_watch_cb *cb, void *aux)
{
    struct sockaddr_nl sa = {
        .nl_family = AF_NETLINK,
        .nl_groups = 1u << (RTNLGRP_LINK - 1),
    };
    int size = LINK_WATCH_SOCKBUF;
    int error;

    memset(lw, 0, offsetof(struct link_watch, buf));
    lw->cb = cb;
    lw->aux = aux;
    lw->fd = lw->stop_fd = -1;
    lw->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (lw->stop_fd < 0) {
        error = -errno;
        goto fail;
    }
    lw->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    NETLINK_ROUTE);
    if (lw->fd < 0) {
        error = -errno;
        goto fail;
    }
    /* The larger buffer needs CAP_NET_ADMIN; otherwise what is allowed. */
    if (setsockopt(lw->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size)) {
        setsockopt(lw->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    if (bind(lw->fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
        error = -errno;
        goto fail;
    }
    error = -pthread_create(&lw->thread, NULL, link_watch_main, lw);
    if (error) {
        goto fail;
    }
    pthread_setname_np(lw->thread, "link-watch");
    lw->running = true;
    return 0;

fail:
    close_fds(lw);
    return error;
}

void
link_watch_stop(struct link_watch *lw)
{
    uint64_t one = 1;

    if (lw->running) {
        if (write(lw->stop_fd, &one, sizeof one) < 0) {
            /* Cannot fail: the counter is far from saturated. */
        }
        pthread_join(lw->thread, NULL);
        lw->running = false;
        close_fds(lw);
    }
}
