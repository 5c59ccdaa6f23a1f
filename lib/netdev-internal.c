/* netdev-internal: the devices of internal ports (see netdev-internal.h). */
#include <autoconf.h>
#include "netdev-internal.h"

#include <errno.h>
#include <glib.h>
#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <string.h>

void
netdev_internal_peer_name(const char *name, char peer[IF_NAMESIZE])
{
    uint32_t hash = 2166136261u;            /* FNV-1a, 32 bits. */

    for (const unsigned char *s = (const unsigned char *) name; *s; s++) {
        hash = (hash ^ *s) * 16777619u;
    }
    snprintf(peer, IF_NAMESIZE, NETDEV_INTERNAL_PREFIX "%08x", hash);
}

/* Opens a route netlink socket into '*sockp'. */
static int
route_socket(struct nl_sock **sockp, const char *name, char **msg)
{
    struct nl_sock *sock = nl_socket_alloc();

    if (!sock) {
        *msg = g_strdup_printf("internal port %s: out of memory", name);
        return -ENOMEM;
    }
    if (nl_connect(sock, NETLINK_ROUTE)) {
        nl_socket_free(sock);
        *msg = g_strdup_printf("internal port %s: cannot open a netlink "
                               "socket", name);
        return -EIO;
    }
    *sockp = sock;
    return 0;
}

/* netdev_internal_probe() on an open socket. */
static int
probe(struct nl_sock *sock, const char *name, char **msg)
{
    struct rtnl_link *link = NULL;
    char peer[IF_NAMESIZE], actual[IF_NAMESIZE];
    const char *kind;
    int error = rtnl_link_get_kernel(sock, 0, name, &link);
    bool ours;

    if (error == -NLE_OBJ_NOTFOUND || error == -NLE_NODEV) {
        return 0;
    } else if (error) {
        *msg = g_strdup_printf("internal port %s: cannot read the device: "
                               "%s", name, nl_geterror(error));
        return -EIO;
    }
    netdev_internal_peer_name(name, peer);
    kind = rtnl_link_get_type(link);
    ours = (kind && !strcmp(kind, "veth")
            && if_indextoname(rtnl_link_get_link(link), actual)
            && !strcmp(actual, peer));
    rtnl_link_put(link);
    if (!ours) {
        *msg = g_strdup_printf("a device named %s exists and is not an "
                               "internal port of this switch (a veth whose "
                               "peer is %s); pick another name, or remove "
                               "the device first", name, peer);
        return -EEXIST;
    }
    return 1;
}

/* Opens a socket into '*sockp' and probes 'name' on it: probe()'s values.
 * On a negative one, no socket is left open. */
static int
open_probe(const char *name, struct nl_sock **sockp, char **msg)
{
    int retval;

    *msg = NULL;
    retval = route_socket(sockp, name, msg);
    if (retval) {
        return retval;
    }
    retval = probe(*sockp, name, msg);
    if (retval < 0) {
        nl_socket_free(*sockp);
    }
    return retval;
}

int
netdev_internal_probe(const char *name, char **msg)
{
    struct nl_sock *sock;
    int retval = open_probe(name, &sock, msg);

    if (retval >= 0) {
        nl_socket_free(sock);
    }
    return retval;
}

/* Brings device 'name' administratively up.  (Flags given with the veth's
 * creation make libnl fail: they are set afterwards.) */
static int
set_up(struct nl_sock *sock, const char *name)
{
    struct rtnl_link *link = NULL, *change;
    int error = rtnl_link_get_kernel(sock, 0, name, &link);

    if (error) {
        return error;
    }
    change = rtnl_link_alloc();
    if (!change) {
        rtnl_link_put(link);
        return -NLE_NOMEM;
    }
    rtnl_link_set_flags(change, IFF_UP);
    error = rtnl_link_change(sock, link, change, 0);
    rtnl_link_put(change);
    rtnl_link_put(link);
    return error;
}

/* Creates the pair, both ends up. */
static int
create(struct nl_sock *sock, const char *name, char **msg)
{
    struct rtnl_link *link = rtnl_link_veth_alloc();
    struct rtnl_link *peer;
    char peer_name[IF_NAMESIZE];
    int error;

    if (!link) {
        *msg = g_strdup_printf("internal port %s: out of memory", name);
        return -ENOMEM;
    }
    netdev_internal_peer_name(name, peer_name);
    peer = rtnl_link_veth_get_peer(link);
    rtnl_link_set_name(link, name);
    rtnl_link_set_name(peer, peer_name);
    rtnl_link_put(peer);
    error = rtnl_link_add(sock, link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_veth_release(link);
    if (error == -NLE_EXIST) {
        *msg = g_strdup_printf("internal port %s: cannot create its veth "
                               "pair: a device named %s exists (remove it "
                               "first)", name, peer_name);
        return -EEXIST;
    } else if (error) {
        *msg = g_strdup_printf("internal port %s: cannot create its veth "
                               "pair (%s and %s): %s", name, name, peer_name,
                               nl_geterror(error));
        return error == -NLE_PERM ? -EPERM : -EIO;
    }
    error = set_up(sock, name);
    if (!error) {
        error = set_up(sock, peer_name);
    }
    if (error) {
        *msg = g_strdup_printf("internal port %s: created, but cannot set "
                               "it up: %s (ip link set %s up)", name,
                               nl_geterror(error), name);
        return -EIO;
    }
    return 0;
}

int
netdev_internal_ensure(const char *name, bool *created, char **msg)
{
    struct nl_sock *sock;
    int retval = open_probe(name, &sock, msg);

    *created = false;
    if (retval < 0) {
        return retval;
    }
    if (retval == 0) {
        retval = create(sock, name, msg);
        *created = !retval;
    } else {
        retval = 0;
    }
    nl_socket_free(sock);
    return retval;
}

int
netdev_internal_delete(const char *name, char **msg)
{
    struct nl_sock *sock;
    int retval = open_probe(name, &sock, msg);

    if (retval < 0) {
        return retval;
    }
    if (retval == 1) {
        struct rtnl_link *link = rtnl_link_alloc();
        int error;

        if (!link) {
            *msg = g_strdup_printf("internal port %s: out of memory", name);
            retval = -ENOMEM;
            goto out;
        }
        rtnl_link_set_name(link, name);
        error = rtnl_link_delete(sock, link);
        rtnl_link_put(link);
        if (error && error != -NLE_OBJ_NOTFOUND && error != -NLE_NODEV) {
            *msg = g_strdup_printf("internal port %s: cannot delete the "
                                   "device: %s (delete it with ip link del "
                                   "%s)", name, nl_geterror(error), name);
            retval = -EIO;
            goto out;
        }
        retval = 0;
    }
out:
    nl_socket_free(sock);
    return retval;
}
