/* netlink-monitor: follows network devices appearing, disappearing and
 * changing carrier, from the kernel's RTNLGRP_LINK notifications (libnl-3
 * route socket, its fd in the GLib main loop; no polling).
 *
 * Also answers one-off questions about a device (netlink_link_get()).
 *
 * Owns the netlink socket.  Calls the callback for each link message; when
 * the kernel reports that notifications were lost (ENOBUFS), calls it once
 * with ifindex 0 and name NULL so the owner resynchronises.
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCH_NETLINK_MONITOR_H
#define VSWITCH_NETLINK_MONITOR_H 1

#include <stdbool.h>

struct netlink_link_event {
    int ifindex;          /* Device index; 0 = resynchronise everything. */
    const char *name;     /* Device name (NULL on resync). */
    bool removed;         /* RTM_DELLINK: the device is gone. */
    bool up;              /* Administratively up. */
    bool carrier;         /* Lower layer up (carrier). */
};

typedef void netlink_link_cb(const struct netlink_link_event *, void *aux);

struct netlink_monitor;

/* Subscribes to link events.  Returns NULL with a negative errno in
 * '*errorp' on failure. */
struct netlink_monitor *netlink_monitor_create(netlink_link_cb *cb, void *aux,
                                               int *errorp);
void netlink_monitor_destroy(struct netlink_monitor *);

/* What a device is, for refusing the ones that cannot be ports. */
struct netlink_link_info {
    bool loopback;            /* The loopback device (IFF_LOOPBACK). */
    bool bridge;              /* A Linux bridge (link kind "bridge"). */
    int master;               /* Ifindex of the bridge, bond or team the
                               * device is enslaved to; 0 = none. */
};

/* Asks the kernel (one RTM_GETLINK, on a socket of its own) about device
 * 'name' in the daemon's network namespace.  Returns 0, -ENODEV if there is
 * no such device, or another negative errno. */
int netlink_link_get(const char *name, struct netlink_link_info *);

#endif /* netlink-monitor.h */
