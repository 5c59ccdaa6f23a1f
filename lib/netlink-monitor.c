#include <autoconf.h>
#include "netlink-monitor.h"

#include <errno.h>
#include <string.h>
#include <glib.h>
#include <glib-unix.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include "log.h"

#define THIS_MODULE "netlink"

struct netlink_monitor {
    struct nl_sock *sock;      /* Owned libnl socket. */
    guint watch;               /* GLib source id of the fd watch. */
    netlink_link_cb *cb;       /* Called per event. */
    void *aux;                 /* Passed to cb. */
};

static int
monitor_parse(struct nl_msg *msg, void *mon_)
{
    struct netlink_monitor *mon = mon_;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct netlink_link_event ev;
    struct nlattr *tb[IFLA_MAX + 1];
    struct ifinfomsg *ifi;

    if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) {
        return NL_OK;
    }
    if (nlmsg_parse(nlh, sizeof *ifi, tb, IFLA_MAX, NULL) < 0
        || !tb[IFLA_IFNAME]) {
        return NL_OK;
    }
    ifi = nlmsg_data(nlh);
    ev.ifindex = ifi->ifi_index;
    ev.name = nla_get_string(tb[IFLA_IFNAME]);
    ev.removed = nlh->nlmsg_type == RTM_DELLINK;
    ev.up = ifi->ifi_flags & IFF_UP;
    ev.carrier = (ifi->ifi_flags & IFF_LOWER_UP) != 0;
    mon->cb(&ev, mon->aux);
    return NL_OK;
}

static gboolean
monitor_readable(gint fd, GIOCondition cond, gpointer mon_)
{
    struct netlink_monitor *mon = mon_;

    for (;;) {
        int error = nl_recvmsgs_default(mon->sock);
        if (error == -NLE_AGAIN || error == 0) {
            break;
        }
        if (error == -NLE_NOMEM) {
            /* Socket buffer overran: events were lost. */
            struct netlink_link_event ev = { .ifindex = 0 };
            VLOG_WARN("link notifications were lost; resynchronising");
            mon->cb(&ev, mon->aux);
            continue;
        }
        VLOG_WARN("netlink receive failed: %s", nl_geterror(error));
        break;
    }
    return G_SOURCE_CONTINUE;
}

struct netlink_monitor *
netlink_monitor_create(netlink_link_cb *cb, void *aux, int *errorp)
{
    struct netlink_monitor *mon = calloc(1, sizeof *mon);
    int error;

    if (!mon) {
        *errorp = -ENOMEM;
        return NULL;
    }
    mon->cb = cb;
    mon->aux = aux;
    mon->sock = nl_socket_alloc();
    if (!mon->sock) {
        error = -ENOMEM;
        goto free_mon;
    }
    nl_socket_disable_seq_check(mon->sock);
    nl_socket_modify_cb(mon->sock, NL_CB_VALID, NL_CB_CUSTOM, monitor_parse,
                        mon);
    error = nl_connect(mon->sock, NETLINK_ROUTE);
    if (error) {
        error = -EIO;
        goto free_sock;
    }
    error = nl_socket_add_membership(mon->sock, RTNLGRP_LINK);
    if (error) {
        error = -EIO;
        goto free_sock;
    }
    nl_socket_set_nonblocking(mon->sock);
    nl_socket_set_buffer_size(mon->sock, 1024 * 1024, 0);
    mon->watch = g_unix_fd_add(nl_socket_get_fd(mon->sock), G_IO_IN,
                               monitor_readable, mon);
    return mon;

free_sock:
    nl_socket_free(mon->sock);
free_mon:
    free(mon);
    *errorp = error;
    return NULL;
}

void
netlink_monitor_destroy(struct netlink_monitor *mon)
{
    if (mon) {
        g_source_remove(mon->watch);
        nl_socket_free(mon->sock);
        free(mon);
    }
}

int
netlink_link_get(const char *name, struct netlink_link_info *info)
{
    struct nl_sock *sock = nl_socket_alloc();
    struct rtnl_link *link = NULL;
    const char *kind;
    int error;

    memset(info, 0, sizeof *info);
    if (!sock) {
        return -ENOMEM;
    }
    error = nl_connect(sock, NETLINK_ROUTE);
    if (error) {
        error = -EIO;
        goto out;
    }
    error = rtnl_link_get_kernel(sock, 0, name, &link);
    if (error) {
        error = (error == -NLE_OBJ_NOTFOUND || error == -NLE_NODEV
                 ? -ENODEV : -EIO);
        goto out;
    }
    kind = rtnl_link_get_type(link);
    info->loopback = rtnl_link_get_flags(link) & IFF_LOOPBACK;
    info->bridge = kind && !strcmp(kind, "bridge");
    info->master = rtnl_link_get_master(link);
    rtnl_link_put(link);

out:
    nl_socket_free(sock);
    return error;
}
