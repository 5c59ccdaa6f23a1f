/* dp-devices: the devices of ports and team members as the datapath holds
 * them: opened and published (or refused when the datapath thread that
 * would serve them is full), retired, and their kernel-only counters
 * collected.  Control thread only. */
#include <autoconf.h>

#include <errno.h>
#include <stdio.h>
#include "datapath-private.h"

int
dp_open_dev(struct datapath *dp, struct dp_port *p, const char *name,
            struct netdev_packet **devp, char *err, size_t err_size)
{
    unsigned int t = dp_thread_of(dp, p->port_no);
    int error;

    if (*devp) {
        return 0;
    }
    if (dp->thread_sockets[t] >= DATAPATH_MAX_PORTS) {
        bool one = dp->n_threads == 1;
        char sharing[64] = "";

        /* A device still to come is no socket yet: the port waits for it,
         * absent, as any other (and is refused then if it must be). */
        error = netdev_packet_lookup(name, err, err_size);
        if (error < 0) {
            return error;
        }
        /* One thread: any port removed makes room.  Several: a port's
         * thread is its number modulo theirs, and a port added again gets
         * a new number. */
        if (!one) {
            snprintf(sharing, sizeof sharing, "; a port goes to the thread "
                     "of its port-no modulo %u", dp->n_threads);
        }
        snprintf(err, err_size, "%s: datapath thread %u already serves %d "
                 "sockets, the most one thread serves (one per port, one "
                 "per team member%s): start vswitchd with more "
                 "--datapath-threads%s", name, t, DATAPATH_MAX_PORTS,
                 sharing, one ? ", or remove a port and add this one again"
                              : "");
        return -ENOSPC;
    }
    error = netdev_packet_open(name, devp, err, err_size);
    if (error) {
        return error;
    }
    error = dp_publish_port(dp, p);
    if (error) {
        snprintf(err, err_size, "%s: out of memory publishing the device "
                 "to the datapath threads: not attached (try again, or "
                 "free memory)", name);
        netdev_packet_close(*devp);
        *devp = NULL;
        return error;
    }
    dp_count_socket(dp, p, *devp, 1);
    return 0;
}

unsigned int
datapath_thread_sockets(const struct datapath *dp, unsigned int i)
{
    return i < dp->n_threads ? dp->thread_sockets[i] : 0;
}

int
datapath_port_attach(struct datapath *dp, struct dp_port *p,
                     char *err, size_t err_size)
{
    return datapath_port_attach_device(dp, p, p->name, err, err_size);
}

int
datapath_port_attach_device(struct datapath *dp, struct dp_port *p,
                            const char *device, char *err, size_t err_size)
{
    return dp_open_dev(dp, p, device, &p->dev, err, err_size);
}

/* Adds what the kernel dropped on 'dev''s full socket to 'stats' and, for
 * a team member, to its team's 'team_stats' too. */
static void
count_rx_overrun(struct netdev_packet *dev, uint64_t *stats,
                 uint64_t *team_stats)
{
    uint64_t n = netdev_packet_take_rx_drops(dev);

    if (n) {
        uatomic_add(&stats[ST_DROPS + DP_DROP_RX_OVERRUN], n);
        if (team_stats) {
            uatomic_add(&team_stats[ST_DROPS + DP_DROP_RX_OVERRUN], n);
        }
    }
}

/* Takes '*devp' out of the datapath: its last counts are taken, a new
 * snapshot without it is published, and it is closed after a grace
 * period.  Allocates nothing of its own, so it cannot fail: if the
 * snapshot cannot be allocated, the device stays open (the threads may
 * still use it) until a later publication succeeds. */
void
dp_retire_dev(struct datapath *dp, struct dp_port *p,
              struct netdev_packet **devp, uint64_t *stats,
              uint64_t *team_stats)
{
    struct netdev_packet *dev = *devp;

    count_rx_overrun(dev, stats, team_stats);
    dp_count_socket(dp, p, dev, -1);
    *devp = NULL;
    dev->retired_next = dp->retired_devs;
    dp->retired_devs = dev;
    dp_publish_port(dp, p);
}

void
datapath_port_detach(struct datapath *dp, struct dp_port *p)
{
    if (!p->dev) {
        return;
    }
    dp_retire_dev(dp, p, &p->dev, p->stats, NULL);
    mac_table_flush(p->bridge->macs, MAC_VLAN_ANY, p->port_no, false);
}

void
datapath_collect_stats(struct datapath *dp)
{
    for (struct dp_port *p = dp->ports; p; p = p->next) {
        if (p->dev) {
            count_rx_overrun(p->dev, p->stats, NULL);
        }
        for (int i = 0; p->team && i < TEAM_MAX_MEMBERS; i++) {
            struct dp_team_member *m = &p->team->members[i];
            if (m->dev) {
                count_rx_overrun(m->dev, m->stats, p->stats);
            }
        }
    }
}
