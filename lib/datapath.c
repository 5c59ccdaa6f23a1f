#include <autoconf.h>
#include "datapath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include "datapath-private.h"
#include "log.h"

#define THIS_MODULE "datapath"

static const char *const drop_names[DP_N_DROPS] = {
    [DP_DROP_RUNT] = "runt",
    [DP_DROP_VLAN] = "vlan",
    [DP_DROP_LOOP] = "loop",
    [DP_DROP_LEARN_QUEUE] = "learn-queue",
    [DP_DROP_TX_ERROR] = "tx-error",
    [DP_DROP_TEAM_RX] = "team-rx",
    [DP_DROP_REFLECTION] = "reflection",
    [DP_DROP_TEAM_DOWN] = "team-down",
    [DP_DROP_LOCAL] = "local",
    [DP_DROP_RX_OVERRUN] = "rx-overrun",
    [DP_DROP_LINK_LOCAL] = "link-local",
    [DP_DROP_BAD_SRC] = "bad-src",
    [DP_DROP_SRC_CONFLICT] = "src-conflict",
};

const char *
dp_drop_reason_name(enum dp_drop_reason r)
{
    return r < DP_N_DROPS ? drop_names[r] : "?";
}

/* ---- Control side -------------------------------------------------------- */

static void
kick_threads(struct datapath *dp)
{
    uint64_t one = 1;

    for (unsigned int i = 0; i < dp->n_threads; i++) {
        if (write(dp->threads[i]->kick_fd, &one, sizeof one) < 0) {
            /* Already pending. */
        }
    }
}

static void
snapshot_free_cb(struct rcu_head *head)
{
    free(CONTAINER_OF(head, struct dp_snapshot, rcu_head));
}

static void
view_init(struct dp_view *v, struct dp_port *port)
{
    const struct dp_port_settings *s = &port->settings;

    memset(v, 0, sizeof *v);
    v->port = port;
    v->bridge = port->bridge;
    v->fd = port->dev ? port->dev->fd : -1;
    v->can_send = v->fd >= 0;
    v->team = port->team;
    for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
        const struct dp_team_member *m = port->team ? &port->team->members[i]
                                                    : NULL;
        v->member_fd[i] = m && m->dev ? m->dev->fd : -1;
        v->member_ifindex[i] = m && m->dev ? m->dev->ifindex : 0;
        if (m && m->dev) {
            memcpy(v->member_mac[i], m->dev->mac, ETH_ADDR_LEN);
        }
        if (v->member_fd[i] >= 0) {
            v->can_send = true;
        }
    }
    v->port_no = port->port_no;
    v->mode = s->mode;
    switch (s->mode) {
    case DP_VLAN_ACCESS:
        v->vlan = s->vlan;
        vlan_bitmap_set(&v->member, s->vlan);
        break;
    case DP_VLAN_TRUNK:
        v->member = s->trunks;
        v->native = s->native;
        if (s->native) {
            vlan_bitmap_set(&v->member, s->native);
        }
        break;
    case DP_VLAN_ALL:
    default:
        vlan_bitmap_set_all(&v->member);
        vlan_bitmap_set(&v->member, 0);   /* Untagged traffic. */
        break;
    }
}

static int
view_cmp(const void *a_, const void *b_)
{
    const struct dp_view *a = a_, *b = b_;

    if (a->bridge->id != b->bridge->id) {
        return a->bridge->id < b->bridge->id ? -1 : 1;
    }
    return a->port_no < b->port_no ? -1 : a->port_no > b->port_no;
}

static void
port_free_cb(struct rcu_head *head);

static void
dev_free_cb(struct rcu_head *head)
{
    struct dev_free *df = CONTAINER_OF(head, struct dev_free, rcu_head);

    netdev_packet_close(df->dev);
    free(df);
}

/* Builds and publishes a new snapshot from the control thread's lists,
 * then hands what the old one still refers to (removed ports, retired
 * devices) to call_rcu. */
static void
publish_now(struct datapath *dp)
{
    struct dp_snapshot *snap, *old;
    size_t n = dp->n_ports, n_watch = 0;

    for (struct dp_port *p = dp->ports; p; p = p->next) {
        for (int i = 0; p->team && i < TEAM_MAX_MEMBERS; i++) {
            n_watch += p->team->members[i].dev != NULL;
        }
    }
    snap = calloc(1, sizeof *snap + n * sizeof snap->views[0]
                     + n_watch * sizeof snap->watch[0]);
    if (!snap) {
        abort();
    }
    snap->gen = ++dp->gen;
    snap->watch = (struct dp_watch *) (void *) &snap->views[n];
    for (struct dp_port *p = dp->ports; p; p = p->next) {
        view_init(&snap->views[snap->n++], p);
        for (int i = 0; p->team && i < TEAM_MAX_MEMBERS; i++) {
            if (p->team->members[i].dev) {
                snap->watch[snap->n_watch++] = (struct dp_watch) {
                    .ifindex = p->team->members[i].dev->ifindex,
                    .slot = i,
                    .team = p->team,
                };
            }
        }
    }
    qsort(snap->views, snap->n, sizeof snap->views[0], view_cmp);
    for (size_t i = 0; i < snap->n;) {
        size_t j = i;
        while (j < snap->n && snap->views[j].bridge == snap->views[i].bridge) {
            j++;
        }
        for (size_t k = i; k < j; k++) {
            snap->views[k].first = i;
            snap->views[k].count = j - i;
        }
        i = j;
    }

    old = dp->snap;
    rcu_assign_pointer(dp->snap, snap);
    dp->publish_pending = false;
    kick_threads(dp);
    if (old) {
        call_rcu(&old->rcu_head, snapshot_free_cb);
    }
    while (dp->removed_ports) {
        struct dp_port *p = dp->removed_ports;

        dp->removed_ports = p->next;
        call_rcu(&p->rcu_head, port_free_cb);
    }
    while (dp->retired_devs) {
        struct dev_free *df = dp->retired_devs;

        dp->retired_devs = df->next;
        call_rcu(&df->rcu_head, dev_free_cb);
    }
}

/* Publishes the control thread's lists now, or at the end of the
 * transaction under way. */
static void
datapath_publish(struct datapath *dp)
{
    if (dp->txn_depth) {
        dp->publish_pending = true;
    } else {
        publish_now(dp);
    }
}

void
datapath_txn_begin(struct datapath *dp)
{
    dp->txn_depth++;
}

void
datapath_txn_commit(struct datapath *dp)
{
    if (dp->txn_depth && !--dp->txn_depth && dp->publish_pending) {
        publish_now(dp);
    }
}

uint64_t
datapath_snapshot_gen(const struct datapath *dp)
{
    return dp->gen;
}

/* ---- Ports by number ---- */

static size_t
port_bucket(const struct datapath *dp, uint32_t port_no)
{
    return hash_finish32(port_no) & dp->port_hash_mask;
}

static void
port_hash_resize(struct datapath *dp, size_t n_buckets)
{
    struct dp_port **buckets = calloc(n_buckets, sizeof *buckets);

    if (!buckets) {
        abort();
    }
    free(dp->port_hash);
    dp->port_hash = buckets;
    dp->port_hash_mask = n_buckets - 1;
    for (struct dp_port *p = dp->ports; p; p = p->next) {
        size_t b = port_bucket(dp, p->port_no);

        p->hash_next = buckets[b];
        buckets[b] = p;
    }
}

/* Puts new port 'p' in the datapath's list and hash, numbered. */
static void
port_link(struct datapath *dp, struct dp_port *p)
{
    size_t b;

    p->port_no = dp->next_port_no++;
    p->prev = NULL;
    p->next = dp->ports;
    if (dp->ports) {
        dp->ports->prev = p;
    }
    dp->ports = p;
    if (++dp->n_ports > dp->port_hash_mask + 1) {
        port_hash_resize(dp, 2 * (dp->port_hash_mask + 1));
    } else {
        b = port_bucket(dp, p->port_no);
        p->hash_next = dp->port_hash[b];
        dp->port_hash[b] = p;
    }
}

/* Takes 'p' out of the datapath's list and hash: it is freed after the
 * next publication. */
static void
port_unlink(struct datapath *dp, struct dp_port *p)
{
    struct dp_port **pp = &dp->port_hash[port_bucket(dp, p->port_no)];

    for (; *pp; pp = &(*pp)->hash_next) {
        if (*pp == p) {
            *pp = p->hash_next;
            break;
        }
    }
    if (p->prev) {
        p->prev->next = p->next;
    } else {
        dp->ports = p->next;
    }
    if (p->next) {
        p->next->prev = p->prev;
    }
    dp->n_ports--;
    p->next = dp->removed_ports;
    dp->removed_ports = p;
}

struct datapath *
datapath_create(const struct datapath_options *o)
{
    unsigned int n_threads = o->n_threads;
    struct datapath *dp;
    int error;

    if (n_threads < 1 || n_threads > DATAPATH_MAX_THREADS) {
        errno = EINVAL;
        return NULL;
    }
    dp = calloc(1, sizeof *dp);
    if (!dp) {
        return NULL;
    }
    dp->n_threads = n_threads;
    dp->busy_poll = o->busy_poll;
    dp->link_watch.fd = dp->link_watch.stop_fd = -1;
    port_hash_resize(dp, 64);
    dp->next_port_no = 1;
    dp->next_bridge_id = 1;
    dp->learn_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (dp->learn_fd < 0) {
        free(dp);
        return NULL;
    }
    for (unsigned int i = 0; i < n_threads; i++) {
        struct dp_thread *t = calloc(1, sizeof *t);
        if (!t) {
            abort();
        }
        t->dp = dp;
        t->id = i;
        t->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        t->rx_buf = malloc((size_t) DP_BATCH * DP_RX_SLOT);
        if (t->kick_fd < 0 || !t->rx_buf) {
            abort();
        }
        dp->threads[i] = t;
    }
    publish_now(dp);
    for (unsigned int i = 0; i < n_threads; i++) {
        error = pthread_create(&dp->threads[i]->thread, NULL,
                               dp_thread_main, dp->threads[i]);
        if (error) {
            abort();
        }
        if (o->n_cpus) {
            cpu_set_t set;

            CPU_ZERO(&set);
            CPU_SET(o->cpus[i % o->n_cpus], &set);
            error = pthread_setaffinity_np(dp->threads[i]->thread,
                                           sizeof set, &set);
            if (error) {
                datapath_destroy(dp);
                errno = error;
                return NULL;
            }
        }
    }
    error = link_watch_start(&dp->link_watch, dp_link_changed, dp);
    if (error) {
        datapath_destroy(dp);
        errno = -error;
        return NULL;
    }
    return dp;
}

static void
port_free_cb(struct rcu_head *head)
{
    struct dp_port *port = CONTAINER_OF(head, struct dp_port, rcu_head);

    netdev_packet_close(port->dev);
    if (port->team) {
        for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
            netdev_packet_close(port->team->members[i].dev);
        }
        free(port->team->map);
        free(port->team);
    }
    free(port);
}

void
datapath_destroy(struct datapath *dp)
{
    if (!dp) {
        return;
    }
    link_watch_stop(&dp->link_watch);
    CMM_STORE_SHARED(dp->exiting, true);
    kick_threads(dp);
    for (unsigned int i = 0; i < dp->n_threads; i++) {
        if (dp->threads[i]->thread) {
            pthread_join(dp->threads[i]->thread, NULL);
        }
    }
    datapath_txn_begin(dp);
    while (dp->ports) {
        datapath_port_remove(dp, dp->ports);
    }
    datapath_txn_commit(dp);
    while (dp->bridges) {
        datapath_bridge_destroy(dp, dp->bridges);
    }
    rcu_barrier();
    free(dp->snap);
    free(dp->port_hash);
    for (unsigned int i = 0; i < dp->n_threads; i++) {
        close(dp->threads[i]->kick_fd);
        free(dp->threads[i]->rx_buf);
        free(dp->threads[i]);
    }
    close(dp->learn_fd);
    free(dp);
}

int
datapath_learning_fd(const struct datapath *dp)
{
    return dp->learn_fd;
}

static struct dp_bridge *
find_bridge_by_id(const struct datapath *dp, uint32_t id)
{
    for (struct dp_bridge *b = dp->bridges; b; b = b->next) {
        if (b->id == id) {
            return b;
        }
    }
    return NULL;
}

struct dp_port *
datapath_find_port(const struct datapath *dp, uint32_t port_no)
{
    for (struct dp_port *p = dp->port_hash[port_bucket(dp, port_no)]; p;
         p = p->hash_next) {
        if (p->port_no == port_no) {
            return p;
        }
    }
    return NULL;
}

static bool
port_carries(const struct dp_port *p, uint16_t vlan)
{
    const struct dp_port_settings *s = &p->settings;

    switch (s->mode) {
    case DP_VLAN_ACCESS:
        return vlan == s->vlan;
    case DP_VLAN_TRUNK:
        return vlan_bitmap_test(&s->trunks, vlan) || vlan == s->native;
    case DP_VLAN_ALL:
    default:
        return true;
    }
}

/* Whether a learning request may move an address between a team and a
 * port of this host.  The datapath has already dropped a local station's
 * own frames flooded back by upstream (reflections), so what is asked here
 * is about two stations claiming one address:
 *
 * - An address alive where it is (seen there in the last DP_ALIVE_SECS)
 *   is not moved by an ordinary frame from the other side: a VM forging the
 *   gateway's address would black-hole the gateway, a host upstream forging
 *   a VM's would black-hole the VM.  The refusal is counted and logged.
 * - A gratuitous ARP or RARP announces a move (live migration) and is
 *   believed, except our own announcements coming back from upstream,
 *   which 'learn_filter' recognises.
 * - An address that is not alive where it is moves, as in any learning
 *   switch. */
static bool
learn_allowed(const struct datapath *dp, const struct dp_bridge *b,
              const struct dp_port *p, const struct dp_learn *l, uint32_t now)
{
    static struct log_ratelimit rl = LOG_RATELIMIT_INIT(5, 10000);
    const struct dp_port *holder;
    struct mac_entry *e;
    uint32_t holder_no = 0, used = 0;
    bool exists;

    rcu_read_lock();
    e = mac_table_lookup_rcu(b->macs, l->vlan, l->mac);
    exists = e && e->port_no != p->port_no;
    if (exists) {
        holder_no = e->port_no;
        used = CMM_LOAD_SHARED(e->used);
    }
    rcu_read_unlock();
    if (!exists) {
        return true;
    }
    holder = datapath_find_port((struct datapath *) dp, holder_no);
    if (!holder || !p->team == !holder->team) {
        return true;            /* Between two local ports or two teams. */
    }
    if (l->announce) {
        return !p->team || !dp->learn_filter
               || dp->learn_filter(p->port_no, l->vlan, l->mac,
                                   dp->learn_filter_aux);
    }
    if ((int32_t) (now - used) > DP_ALIVE_SECS) {
        return true;
    }
    mac_table_note_conflict(b->macs);
    if (log_ratelimit_pass(&rl)) {
        VLOG_WARN("%s %s sent from " ETH_ADDR_FMT " (vlan %u), an address "
                  "alive on %s %s: not moved (a forged source address?)",
                  p->team ? "team" : "port", p->name, ETH_ADDR_ARGS(l->mac),
                  l->vlan, holder->team ? "team" : "port", holder->name);
    }
    return false;
}

void
datapath_set_learn_filter(struct datapath *dp, datapath_learn_filter *filter,
                          void *aux)
{
    dp->learn_filter = filter;
    dp->learn_filter_aux = aux;
}

size_t
datapath_run_learning(struct datapath *dp, uint32_t now)
{
    size_t n = 0;
    uint64_t v;

    if (read(dp->learn_fd, &v, sizeof v) < 0) {
        /* Nothing signalled; drain anyway. */
    }
    for (unsigned int i = 0; i < dp->n_threads; i++) {
        struct dp_thread *t = dp->threads[i];
        uint32_t head = CMM_LOAD_SHARED(t->ring_head);
        uint32_t tail = t->ring_tail;

        cmm_smp_rmb();
        for (; tail != head; tail++) {
            const struct dp_learn *l = &t->ring[tail % DP_LEARN_RING];
            struct dp_bridge *b = find_bridge_by_id(dp, l->bridge_id);
            struct dp_port *p = datapath_find_port(dp, l->port_no);

            /* The port may have gone, or changed VLANs, since the frame
             * was seen: learn only what is still true. */
            if (b && p && p->bridge == b && port_carries(p, l->vlan)
                && learn_allowed(dp, b, p, l, now)) {
                mac_table_learn(b->macs, l->vlan, l->mac, l->port_no, now);
            }
            n++;
        }
        cmm_smp_mb();
        CMM_STORE_SHARED(t->ring_tail, tail);
    }
    return n;
}

struct dp_bridge *
datapath_bridge_create(struct datapath *dp, const char *name,
                       unsigned int mac_table_size, unsigned int mac_aging)
{
    struct dp_bridge *b = calloc(1, sizeof *b);

    if (!b) {
        return NULL;
    }
    b->macs = mac_table_create(mac_table_size, mac_aging);
    if (!b->macs) {
        free(b);
        return NULL;
    }
    b->id = dp->next_bridge_id++;
    snprintf(b->name, sizeof b->name, "%s", name);
    b->next = dp->bridges;
    dp->bridges = b;
    return b;
}

void
datapath_bridge_destroy(struct datapath *dp, struct dp_bridge *b)
{
    for (struct dp_bridge **bp = &dp->bridges; *bp; bp = &(*bp)->next) {
        if (*bp == b) {
            *bp = b->next;
            break;
        }
    }
    /* Its ports are gone: once the snapshot without them is out, no
     * snapshot refers to the bridge, but a thread may still be inside a
     * batch that started before: wait it out.  The hash table cannot be
     * destroyed from a call_rcu callback. */
    if (dp->publish_pending) {
        publish_now(dp);
    }
    synchronize_rcu();
    mac_table_destroy(b->macs);
    free(b);
}

struct mac_table *
dp_bridge_mac_table(const struct dp_bridge *b)
{
    return b->macs;
}

struct dp_port *
datapath_port_add(struct datapath *dp, struct dp_bridge *b, const char *name,
                  const struct dp_port_settings *s)
{
    struct dp_port *p = calloc(1, sizeof *p);

    if (!p) {
        return NULL;
    }
    snprintf(p->name, sizeof p->name, "%s", name);
    p->bridge = b;
    p->settings = *s;
    port_link(dp, p);
    datapath_publish(dp);
    return p;
}

void
datapath_port_remove(struct datapath *dp, struct dp_port *p)
{
    uint32_t port_no = p->port_no;
    struct mac_table *macs = p->bridge->macs;

    port_unlink(dp, p);
    datapath_publish(dp);
    /* 'p' is freed after the snapshot without it is out (maybe already,
     * outside a transaction): only what was saved is used from here. */
    mac_table_flush(macs, MAC_VLAN_ANY, port_no, true);
}

void
datapath_port_set(struct datapath *dp, struct dp_port *p,
                  const struct dp_port_settings *s)
{
    p->settings = *s;
    datapath_publish(dp);
    mac_table_flush(p->bridge->macs, MAC_VLAN_ANY, p->port_no, false);
}

int
datapath_port_attach(struct datapath *dp, struct dp_port *p,
                     char *err, size_t err_size)
{
    int error;

    if (p->dev) {
        return 0;
    }
    error = netdev_packet_open(p->name, &p->dev, err, err_size);
    if (!error) {
        datapath_publish(dp);
    }
    return error;
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
 * period. */
static void
retire_dev(struct datapath *dp, struct netdev_packet **devp, uint64_t *stats,
           uint64_t *team_stats)
{
    struct dev_free *df = calloc(1, sizeof *df);

    if (!df) {
        abort();
    }
    count_rx_overrun(*devp, stats, team_stats);
    df->dev = *devp;
    *devp = NULL;
    df->next = dp->retired_devs;
    dp->retired_devs = df;
    datapath_publish(dp);
}

void
datapath_port_detach(struct datapath *dp, struct dp_port *p)
{
    if (!p->dev) {
        return;
    }
    retire_dev(dp, &p->dev, p->stats, NULL);
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

uint32_t
dp_port_no(const struct dp_port *p)
{
    return p->port_no;
}

const char *
dp_port_name(const struct dp_port *p)
{
    return p->name;
}

bool
dp_port_is_attached(const struct dp_port *p)
{
    return p->dev != NULL;
}

int
dp_port_ifindex(const struct dp_port *p)
{
    return p->dev ? p->dev->ifindex : 0;
}

static void
stats_read(const uint64_t *stats, struct dp_port_stats *s)
{
    s->rx_packets = uatomic_read(&stats[ST_RX_PKTS]);
    s->rx_bytes = uatomic_read(&stats[ST_RX_BYTES]);
    s->tx_packets = uatomic_read(&stats[ST_TX_PKTS]);
    s->tx_bytes = uatomic_read(&stats[ST_TX_BYTES]);
    for (int r = 0; r < DP_N_DROPS; r++) {
        s->drops[r] = uatomic_read(&stats[ST_DROPS + r]);
    }
}

void
dp_port_get_stats(const struct dp_port *p, struct dp_port_stats *s)
{
    stats_read(p->stats, s);
}

/* ---- Teams ---------------------------------------------------------------- */

struct dp_port *
datapath_team_add(struct datapath *dp, struct dp_bridge *b, const char *name,
                  const struct dp_port_settings *s)
{
    struct dp_team *team = calloc(1, sizeof *team);
    struct dp_team_map *map = calloc(1, sizeof *map);
    struct dp_port *p;

    if (!team || !map) {
        free(team);
        free(map);
        return NULL;
    }
    map->cls = team_policy_class(TEAM_POLICY_SRC_PORT);
    map->designated = TEAM_NONE;
    map->active = TEAM_NONE;
    memset(map->bucket, TEAM_NONE, sizeof map->bucket);
    team->map = map;

    p = calloc(1, sizeof *p);
    if (!p) {
        free(team);
        free(map);
        return NULL;
    }
    snprintf(p->name, sizeof p->name, "%s", name);
    p->bridge = b;
    p->settings = *s;
    p->team = team;
    port_link(dp, p);
    datapath_publish(dp);
    return p;
}

bool
dp_port_is_team(const struct dp_port *p)
{
    return p->team != NULL;
}

void
datapath_team_member_set(struct datapath *dp, struct dp_port *p, int slot,
                         const char *name)
{
    struct dp_team_member *m = &p->team->members[slot];

    m->present = true;
    snprintf(m->name, sizeof m->name, "%s", name);
    memset(m->stats, 0, sizeof m->stats);
    CMM_STORE_SHARED(m->down_ifindex, 0);
}

void
datapath_team_member_clear(struct datapath *dp, struct dp_port *p, int slot)
{
    datapath_team_member_detach(dp, p, slot);
    p->team->members[slot].present = false;
    p->team->members[slot].name[0] = '\0';
    CMM_STORE_SHARED(p->team->members[slot].down_ifindex, 0);
}

int
datapath_team_member_attach(struct datapath *dp, struct dp_port *p, int slot,
                            char *err, size_t err_size)
{
    struct dp_team_member *m = &p->team->members[slot];
    int error;

    if (m->dev) {
        return 0;
    }
    error = netdev_packet_open(m->name, &m->dev, err, err_size);
    if (!error) {
        datapath_publish(dp);
    }
    return error;
}

void
datapath_team_member_detach(struct datapath *dp, struct dp_port *p, int slot)
{
    struct dp_team_member *m = &p->team->members[slot];

    if (m->dev) {
        retire_dev(dp, &m->dev, m->stats, p->stats);
    }
}

bool
datapath_team_member_carrier(struct dp_port *p, int slot, bool *lost)
{
    struct dp_team_member *m = &p->team->members[slot];
    int down = CMM_LOAD_SHARED(m->down_ifindex);

    *lost = down && m->dev && down == m->dev->ifindex;
    if (!netdev_packet_carrier(m->name)) {
        return false;
    }
    if (!down) {
        return true;
    }
    /* The link is back: clear the watcher's mark, then look again, so
     * that a loss the watcher reports meanwhile is not wiped out. */
    uatomic_xchg(&m->down_ifindex, 0);
    if (netdev_packet_carrier(m->name)) {
        return true;
    }
    if (m->dev && p->team->map->fast_down) {
        CMM_STORE_SHARED(m->down_ifindex, m->dev->ifindex);
    }
    return false;
}

bool
dp_team_member_is_attached(const struct dp_port *p, int slot)
{
    return p->team->members[slot].dev != NULL;
}

int
dp_team_member_ifindex(const struct dp_port *p, int slot)
{
    const struct dp_team_member *m = &p->team->members[slot];

    return m->dev ? m->dev->ifindex : 0;
}

void
dp_team_member_get_stats(const struct dp_port *p, int slot,
                         struct dp_port_stats *s)
{
    stats_read(p->team->members[slot].stats, s);
}

static void
team_map_free_cb(struct rcu_head *head)
{
    free(CONTAINER_OF(head, struct dp_team_map, rcu_head));
}

void
datapath_team_publish(struct datapath *dp, struct dp_port *p,
                      const struct dp_team_map_desc *d)
{
    struct dp_team_map *map, *old;

    map = calloc(1, sizeof *map + d->n_ports * sizeof map->ports[0]);
    if (!map) {
        abort();
    }
    map->cls = team_policy_class(d->policy);
    map->fields = d->fields;
    map->switch_independent = d->switch_independent;
    map->usable = d->usable;
    map->designated = d->designated;
    map->active = d->active;
    memcpy(map->bucket, d->bucket, sizeof map->bucket);
    map->n_order = MIN(d->n_order, TEAM_MAX_MEMBERS);
    for (int i = 0; i < map->n_order; i++) {
        map->order[i] = d->order[i];
    }
    map->fast_down = d->fast_down;
    map->n_ports = d->n_ports;
    for (size_t i = 0; i < d->n_ports; i++) {
        map->ports[i].port_no = d->port_nos[i];
        map->ports[i].slot = d->port_slots[i];
    }
    map->published_usec = time_usec();

    old = p->team->map;
    rcu_assign_pointer(p->team->map, map);
    call_rcu(&old->rcu_head, team_map_free_cb);
}

void
dp_team_map_times(const struct dp_port *p, uint64_t *published,
                  uint64_t *first_use)
{
    const struct dp_team_map *map = p->team->map;

    *published = map->published_usec;
    *first_use = CMM_LOAD_SHARED(map->first_use_usec);
}

void
dp_team_bucket_bytes(const struct dp_port *p, uint64_t bytes[TEAM_BUCKETS])
{
    for (int i = 0; i < TEAM_BUCKETS; i++) {
        bytes[i] = CMM_LOAD_SHARED(p->team->bucket_bytes[i]);
    }
}

uint64_t
dp_port_team_tx_bytes(const struct dp_port *p)
{
    return CMM_LOAD_SHARED(p->team_tx_bytes);
}

int
datapath_team_send(struct dp_port *p, int slot, const void *frame,
                   size_t len)
{
    struct dp_team_member *m = &p->team->members[slot];
    struct virtio_net_hdr vnet;
    struct iovec iov[2];
    struct msghdr mh;

    if (!m->dev) {
        return -ENETDOWN;
    }
    memset(&vnet, 0, sizeof vnet);
    iov[0] = (struct iovec) { &vnet, sizeof vnet };
    iov[1] = (struct iovec) { (void *) frame, len };
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = iov;
    mh.msg_iovlen = 2;
    if (sendmsg(m->dev->fd, &mh, MSG_DONTWAIT) < 0) {
        return -errno;
    }
    uatomic_add(&m->stats[ST_TX_PKTS], 1);
    uatomic_add(&m->stats[ST_TX_BYTES], len);
    return 0;
}
