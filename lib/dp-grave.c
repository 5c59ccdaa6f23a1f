/* dp-grave: what a publication took out of the datapath (removed ports,
 * retired devices), closed and freed once no datapath thread can see it,
 * after a grace period.  Runs in call_rcu's thread. */
#include <autoconf.h>

#include <stdlib.h>
#include "datapath-private.h"

/* Frees removed port 'p' with its devices (their sockets closed). */
static void
port_free(struct dp_port *p)
{
    netdev_packet_close(p->dev);
    if (p->team) {
        for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
            netdev_packet_close(p->team->members[i].dev);
        }
        free(p->team->map);
        free(p->team);
    }
    dp_view_free(p->view);
    free(p);
}

static void
port_free_cb(struct rcu_head *head)
{
    port_free(CONTAINER_OF(head, struct dp_port, rcu_head));
}

static void
dev_free_cb(struct rcu_head *head)
{
    netdev_packet_close(CONTAINER_OF(head, struct netdev_packet, rcu_head));
}

/* What one publication took out, freed after its grace period in one go:
 * the sockets of a thousand ports removed at once (a reload, the daemon's
 * exit) are closed together (netdev_packet_close_sockets()), in about a
 * second, where one after another they took 24 s. */
struct dp_grave {
    struct rcu_head rcu_head;
    struct dp_port *ports;         /* Chained through 'next'. */
    struct netdev_packet *devs;    /* Chained through 'retired_next'. */
};

static void
grave_free_cb(struct rcu_head *head)
{
    struct dp_grave *g = CONTAINER_OF(head, struct dp_grave, rcu_head);
    struct netdev_packet **socks;
    size_t n = 0;

    for (struct dp_port *p = g->ports; p; p = p->next) {
        n += 1 + (p->team ? TEAM_MAX_MEMBERS : 0);
    }
    for (struct netdev_packet *dev = g->devs; dev; dev = dev->retired_next) {
        n++;
    }
    socks = calloc(n, sizeof *socks);
    if (socks) {            /* Else netdev_packet_close() closes each. */
        n = 0;
        for (struct dp_port *p = g->ports; p; p = p->next) {
            socks[n++] = p->dev;
            for (int i = 0; p->team && i < TEAM_MAX_MEMBERS; i++) {
                socks[n++] = p->team->members[i].dev;
            }
        }
        for (struct netdev_packet *d = g->devs; d; d = d->retired_next) {
            socks[n++] = d;
        }
        netdev_packet_close_sockets(socks, n);
        free(socks);
    }
    while (g->ports) {
        struct dp_port *p = g->ports;

        g->ports = p->next;
        port_free(p);
    }
    while (g->devs) {
        struct netdev_packet *dev = g->devs;

        g->devs = dev->retired_next;
        netdev_packet_close(dev);
    }
    free(g);
}

void
dp_bury(struct datapath *dp)
{
    struct dp_grave *g;

    if (!dp->removed_ports && !dp->retired_devs) {
        return;
    }
    g = malloc(sizeof *g);
    if (g) {
        g->ports = dp->removed_ports;
        g->devs = dp->retired_devs;
        dp->removed_ports = NULL;
        dp->retired_devs = NULL;
        call_rcu(&g->rcu_head, grave_free_cb);
        return;
    }
    /* Out of memory: each on its own. */
    while (dp->removed_ports) {
        struct dp_port *p = dp->removed_ports;

        dp->removed_ports = p->next;
        call_rcu(&p->rcu_head, port_free_cb);
    }
    while (dp->retired_devs) {
        struct netdev_packet *dev = dp->retired_devs;

        dp->retired_devs = dev->retired_next;
        call_rcu(&dev->rcu_head, dev_free_cb);
    }
}

