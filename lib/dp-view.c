/* dp-view: a port's view, what the datapath threads read of it (struct
 * dp_view): made from the port, kept while the port does not change,
 * freed after a grace period once a snapshot replaced it.  Control
 * thread only, but the deferred free. */
#include <autoconf.h>

#include <stdlib.h>
#include <string.h>
#include "datapath-private.h"
#include "dp-pipeline.h"

/* A view with its deferred free. */
struct view_node {
    struct rcu_head rcu_head;
    struct dp_view view;
};

static void
view_free_cb(struct rcu_head *head)
{
    free(CONTAINER_OF(head, struct view_node, rcu_head));
}

void
dp_view_free(struct dp_view *v)
{
    if (v) {
        free(CONTAINER_OF(v, struct view_node, view));
    }
}

void
dp_view_retire(struct dp_view *v)
{
    if (v) {
        call_rcu(&CONTAINER_OF(v, struct view_node, view)->rcu_head,
                 view_free_cb);
    }
}

static void
view_init(struct dp_view *v, struct dp_port *port)
{
    memset(v, 0, sizeof *v);
    v->port = port;
    v->bridge = port->bridge;
    v->fd = port->dev ? port->dev->fd : -1;
    v->tx_fd = port->dev ? port->dev->tx_fd : -1;
    v->fd_serial = port->dev ? port->dev->serial : 0;
    v->mem = port->dev ? port->dev->mem : NULL;
    v->can_send = v->fd >= 0 || v->mem;
    v->team = port->team;
    for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
        const struct dp_team_member *m = port->team ? &port->team->members[i]
                                                    : NULL;
        v->member_fd[i] = m && m->dev ? m->dev->fd : -1;
        v->member_tx_fd[i] = m && m->dev ? m->dev->tx_fd : -1;
        v->member_serial[i] = m && m->dev ? m->dev->serial : 0;
        v->member_mem[i] = m && m->dev ? m->dev->mem : NULL;
        v->member_ifindex[i] = m && m->dev ? m->dev->ifindex : 0;
        if (m && m->dev) {
            memcpy(v->member_mac[i], m->dev->mac, ETH_ADDR_LEN);
        }
        v->can_send |= dp_view_member_attached(v, i);
    }
    v->port_no = port->port_no;
    v->vlan = port->vlan;
    v->policy = port->policy;
    dp_policy_view_init(v, port_rate_burst(&port->policy.rate_in),
                        port_rate_burst(&port->policy.rate_out));
}

struct dp_view *
dp_view_get(struct dp_port *p)
{
    struct view_node *node;
    struct dp_view now;

    view_init(&now, p);
    if (p->view && !memcmp(p->view, &now, sizeof now)) {
        return p->view;
    }
    node = malloc(sizeof *node);
    if (node) {
        memcpy(&node->view, &now, sizeof now);
    }
    return node ? &node->view : NULL;
}
