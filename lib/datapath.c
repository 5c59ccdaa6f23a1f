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
#include "dp-pipeline.h"
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
    [DP_DROP_LACP] = "lacp",
    [DP_DROP_LACP_QUEUE] = "lacp-queue",
    [DP_DROP_BAD_SRC] = "bad-src",
    [DP_DROP_SRC_CONFLICT] = "src-conflict",
    [DP_DROP_DISABLED] = "disabled",
    [DP_DROP_BPDU_GUARD] = "bpdu-guard",
    [DP_DROP_SRC_MAC] = "src-mac",
    [DP_DROP_DST_MAC] = "dst-mac",
    [DP_DROP_MAC_LIMIT] = "mac-limit",
    [DP_DROP_MAC_LIMIT_FLOOD] = "mac-limit-flood",
    [DP_DROP_ISOLATED] = "isolated",
    [DP_DROP_DHCP_GUARD] = "dhcp-guard",
    [DP_DROP_RA_GUARD] = "ra-guard",
    [DP_DROP_RATE_OUT] = "rate-out",
    [DP_DROP_RATE_IN] = "rate-in",
    [DP_DROP_STORM] = "storm",
    [DP_DROP_MTU] = "mtu",
};

const char *
dp_drop_reason_name(enum dp_drop_reason r)
{
    return r < DP_N_DROPS ? drop_names[r] : "?";
}

/* ---- Control side ------------------------------------------------------- */

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

/* Builds and publishes a new snapshot from the control thread's lists,
 * then hands what the old one still refers to (removed ports, retired
 * devices, views replaced) to call_rcu.  A port that did not change keeps
 * its view, so a snapshot costs an entry per port (24 bytes), not a copy
 * of each port's view (about 1 KiB) in a fresh allocation: with a
 * thousand ports that copy's page faults made each add-port slower.
 * Returns 0, or -ENOMEM when memory runs out: then the threads keep the
 * previous snapshot, everything it refers to is kept, and the change stays
 * pending for the next publication. */
static int
publish_now(struct datapath *dp)
{
    static struct log_ratelimit rl = LOG_RATELIMIT_INIT(5, 10000);
    struct dp_snapshot *snap, *old;
    size_t n = dp->n_ports, n_watch = 0;
    struct dp_port *p;

    for (p = dp->ports; p; p = p->next) {
        for (int i = 0; p->team && i < TEAM_MAX_MEMBERS; i++) {
            n_watch += p->team->members[i].dev != NULL;
        }
    }
    snap = calloc(1, sizeof *snap + n * sizeof snap->entries[0]
                     + n_watch * sizeof snap->watch[0]);
    if (!snap) {
        goto nomem;
    }
    snap->gen = dp->gen + 1;
    snap->watch = (struct dp_watch *) (void *) &snap->entries[n];
    /* In order (port_link()). */
    for (p = dp->ports; p; p = p->next) {
        struct dp_entry *e = &snap->entries[snap->n];
        struct dp_view *v = (dp->views_stale || p->view_stale || !p->view
                             ? dp_view_get(p) : p->view);

        if (!v) {
            goto nomem_views;
        }
        e->view = v;
        e->port_no = p->port_no;
        snap->n++;
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
    for (size_t i = 0; i < snap->n;) {
        const struct dp_bridge *br = snap->entries[i].view->bridge;
        size_t j = i;

        while (j < snap->n && snap->entries[j].view->bridge == br) {
            j++;
        }
        for (size_t k = i; k < j; k++) {
            snap->entries[k].first = i;
            snap->entries[k].count = j - i;
        }
        i = j;
    }

    old = dp->snap;
    dp->gen = snap->gen;
    rcu_assign_pointer(dp->snap, snap);
    dp->publish_pending = false;
    kick_threads(dp);
    if (old) {
        call_rcu(&old->rcu_head, snapshot_free_cb);
    }
    /* The views replaced: freed once no thread can see 'old'. */
    dp->views_stale = false;
    p = dp->ports;
    for (size_t i = 0; i < snap->n; i++, p = p->next) {
        if (p->view != snap->entries[i].view) {
            dp_view_retire(p->view);
            p->view = (struct dp_view *) snap->entries[i].view;
        }
        p->view_stale = false;
    }
    dp_bury(dp);
    return 0;

nomem_views:
    p = dp->ports;
    for (size_t i = 0; i < snap->n; i++, p = p->next) {
        if (p->view != snap->entries[i].view) {
            dp_view_free((struct dp_view *) snap->entries[i].view);
        }
    }
    free(snap);
nomem:
    dp->publish_pending = true;
    if (log_ratelimit_pass(&rl)) {
        VLOG_WARN("out of memory publishing the datapath's ports (%zu): "
                  "the threads keep forwarding with the previous set", n);
    }
    return -ENOMEM;
}

int
dp_publish_port(struct datapath *dp, struct dp_port *changed)
{
    if (changed) {
        changed->view_stale = true;
    }
    if (dp->txn_depth) {
        dp->publish_pending = true;
        return 0;
    }
    return publish_now(dp);
}

int
datapath_publish(struct datapath *dp)
{
    dp->views_stale = true;
    return dp_publish_port(dp, NULL);
}

void
datapath_txn_begin(struct datapath *dp)
{
    dp->txn_depth++;
}

int
datapath_txn_commit(struct datapath *dp)
{
    if (dp->txn_depth && !--dp->txn_depth && dp->publish_pending) {
        return publish_now(dp);
    }
    return 0;
}

uint64_t
datapath_snapshot_gen(const struct datapath *dp)
{
    return dp->gen;
}

unsigned int
datapath_n_threads(const struct datapath *dp)
{
    return dp->n_threads;
}

/* Gives 'p' the VLAN settings 's', and the rules made of them. */
void
dp_port_set_settings(struct dp_port *p, const struct dp_port_settings *s)
{
    p->settings = *s;
    vlan_port_init(&p->vlan, s->mode, s->vlan, &s->trunks, s->native);
}

/* ---- Ports by number ---------------------------------------------------- */

static size_t
port_bucket(const struct datapath *dp, uint32_t port_no)
{
    return hash_finish32(port_no) & dp->port_hash_mask;
}

/* Rehashes the ports into 'n_buckets' buckets.  Returns 0, or -ENOMEM
 * (the table stays as it was: still right, only with longer chains). */
static int
port_hash_resize(struct datapath *dp, size_t n_buckets)
{
    struct dp_port **buckets = calloc(n_buckets, sizeof *buckets);

    if (!buckets) {
        return -ENOMEM;
    }
    free(dp->port_hash);
    dp->port_hash = buckets;
    dp->port_hash_mask = n_buckets - 1;
    for (struct dp_port *p = dp->ports; p; p = p->next) {
        size_t b = port_bucket(dp, p->port_no);

        p->hash_next = buckets[b];
        buckets[b] = p;
    }
    return 0;
}

/* Puts new port 'p' in the datapath's list (in the views' order: after
 * the last port of its bridge or an earlier one) and hash, numbered. */
static void
port_link(struct datapath *dp, struct dp_port *p)
{
    struct dp_port *after = dp->ports_tail;
    size_t b;

    p->port_no = dp->next_port_no++;
    while (after && after->bridge->id > p->bridge->id) {
        after = after->prev;
    }
    p->prev = after;
    p->next = after ? after->next : dp->ports;
    if (p->next) {
        p->next->prev = p;
    } else {
        dp->ports_tail = p;
    }
    if (after) {
        after->next = p;
    } else {
        dp->ports = p;
    }
    if (++dp->n_ports <= dp->port_hash_mask + 1
        || port_hash_resize(dp, 2 * (dp->port_hash_mask + 1))) {
        b = port_bucket(dp, p->port_no);
        p->hash_next = dp->port_hash[b];
        dp->port_hash[b] = p;
    }
}

/* Takes 'p' out of the datapath's list and hash. */
static void
port_unhash(struct datapath *dp, struct dp_port *p)
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
    } else {
        dp->ports_tail = p->prev;
    }
    dp->n_ports--;
}

/* Takes 'p' out of the datapath's list and hash: it is freed after the
 * next publication. */
static void
port_unlink(struct datapath *dp, struct dp_port *p)
{
    port_unhash(dp, p);
    p->next = dp->removed_ports;
    dp->removed_ports = p;
}

/* Links new port 'p' and publishes it.  Returns 0, or -ENOMEM: then 'p',
 * which no snapshot ever showed, is taken out again and freed, and the
 * datapath is as it was. */
int
dp_port_link_publish(struct datapath *dp, struct dp_port *p)
{
    int error;

    port_link(dp, p);
    error = dp_publish_port(dp, p);
    if (error) {
        port_unhash(dp, p);
        if (p->team) {
            free(p->team->map);
            free(p->team);
        }
        free(p);
    }
    return error;
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
    dp->busy_poll = o->busy_poll;
    dp->poll_window_usec = o->poll_window_usec;
    dp->link_watch.fd = dp->link_watch.stop_fd = -1;
    dp->next_port_no = 1;
    dp->next_bridge_id = 1;
    dp->learn_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (dp->learn_fd < 0 || port_hash_resize(dp, 64)) {
        error = dp->learn_fd < 0 ? errno : ENOMEM;
        goto error;
    }
    /* 'n_threads' counts the threads made so far: what
     * datapath_destroy() frees. */
    for (dp->n_threads = 0; dp->n_threads < n_threads; dp->n_threads++) {
        struct dp_thread *t = calloc(1, sizeof *t);

        if (!t) {
            error = ENOMEM;
            goto error;
        }
        t->dp = dp;
        t->id = dp->n_threads;
        t->epfd = -1;
        t->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        t->rx_buf = malloc((size_t) DP_BATCH * DP_RX_SLOT);
        dp->threads[dp->n_threads] = t;
        error = t->kick_fd < 0 ? errno : !t->rx_buf ? ENOMEM
                : dp_sockets_init(t);
        if (error) {
            dp->n_threads++;
            goto error;
        }
    }
    error = -publish_now(dp);
    if (error) {
        goto error;
    }
    for (unsigned int i = 0; i < n_threads; i++) {
        char name[16];

        error = pthread_create(&dp->threads[i]->thread, NULL,
                               dp_thread_main, dp->threads[i]);
        if (error) {
            goto error;
        }
        /* As top -H, ps -L and perf show it. */
        snprintf(name, sizeof name, "datapath%u", i);
        pthread_setname_np(dp->threads[i]->thread, name);
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
    error = -link_watch_start(&dp->link_watch, dp_link_changed, dp);
    if (error) {
        goto error;
    }
    return dp;

error:
    datapath_destroy(dp);
    errno = error;
    return NULL;
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
        if (dp->threads[i]->kick_fd >= 0) {
            close(dp->threads[i]->kick_fd);
        }
        dp_sockets_fini(dp->threads[i]);
        free(dp->threads[i]->rx_buf);
        free(dp->threads[i]);
    }
    if (dp->inject) {
        free(dp->inject->rx_buf);
        free(dp->inject);
    }
    if (dp->learn_fd >= 0) {
        close(dp->learn_fd);
    }
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

/* Tells the guard function of each BPDU guard a datapath thread tripped
 * since the last call, once per trip, and publishes the ports as blocked
 * (the threads stop sending to them). */
static void
report_guard_trips(struct datapath *dp)
{
    bool publish = false;

    CMM_STORE_SHARED(dp->guard_pending, false);
    cmm_smp_mb();
    for (struct dp_port *p = dp->ports; p; p = p->next) {
        if (CMM_LOAD_SHARED(p->guard_tripped) && !p->guard_reported) {
            p->guard_reported = true;
            p->view_stale = true;
            publish = true;
            if (dp->guard_func) {
                dp->guard_func(p, dp->guard_func_aux);
            }
        }
    }
    if (publish) {
        dp_publish_port(dp, NULL);
    }
}

/* Applies the learning requests 't' queued.  Returns how many. */
static size_t
run_learning_queue(struct datapath *dp, struct dp_thread *t, uint32_t now)
{
    uint32_t head = CMM_LOAD_SHARED(t->ring_head);
    uint32_t tail = t->ring_tail;
    size_t n = 0;

    cmm_smp_rmb();
    for (; tail != head; tail++) {
        const struct dp_learn *l = &t->ring[tail % DP_LEARN_RING];
        struct dp_bridge *b = find_bridge_by_id(dp, l->bridge_id);
        struct dp_port *p = datapath_find_port(dp, l->port_no);

        /* The port may have gone, or changed VLANs, since the frame was
         * seen: learn only what is still true. */
        if (b && p && p->bridge == b && vlan_port_carries(&p->vlan, l->vlan)
            && learn_allowed(dp, b, p, l, now)) {
            mac_table_learn_limited(b->macs, l->vlan, l->mac, l->port_no,
                                    now, p->policy.mac_limit);
        }
        n++;
    }
    cmm_smp_mb();
    CMM_STORE_SHARED(t->ring_tail, tail);
    return n;
}

/* Hands the LACPDUs 't' queued to the slow-protocol function. */
static void
run_slow_queue(struct datapath *dp, struct dp_thread *t)
{
    uint32_t head = CMM_LOAD_SHARED(t->slow_head);
    uint32_t tail = t->slow_tail;

    cmm_smp_rmb();
    for (; tail != head; tail++) {
        const struct dp_slow *s = &t->slow[tail % DP_SLOW_RING];
        struct dp_port *p = datapath_find_port(dp, s->port_no);

        if (p && p->team && dp->slow_func) {
            dp->slow_func(p, s->slot, s->frame, s->len, dp->slow_func_aux);
        }
    }
    cmm_smp_mb();
    CMM_STORE_SHARED(t->slow_tail, tail);
}

void
datapath_set_slow_func(struct datapath *dp, datapath_slow_func *func,
                       void *aux)
{
    dp->slow_func = func;
    dp->slow_func_aux = aux;
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
        n += run_learning_queue(dp, dp->threads[i], now);
        run_slow_queue(dp, dp->threads[i]);
    }
    if (dp->inject) {
        n += run_learning_queue(dp, dp->inject, now);
        run_slow_queue(dp, dp->inject);
    }
    if (CMM_LOAD_SHARED(dp->guard_pending)) {
        report_guard_trips(dp);
    }
    return n;
}

/* The MAC table's count hook: port 'port_no' holds 'n' learned entries. */
static void
port_count_changed(uint32_t port_no, size_t n, void *dp_)
{
    struct dp_port *p = datapath_find_port(dp_, port_no);

    if (p) {
        CMM_STORE_SHARED(p->n_macs, n > UINT32_MAX ? UINT32_MAX : n);
    }
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
    mac_table_set_count_func(b->macs, port_count_changed, dp);
    b->id = dp->next_bridge_id++;
    snprintf(b->name, sizeof b->name, "%s", name);
    b->next = dp->bridges;
    dp->bridges = b;
    return b;
}

int
datapath_bridge_destroy(struct datapath *dp, struct dp_bridge *b)
{
    /* Its ports are gone: once the snapshot without them is out, no
     * snapshot refers to the bridge.  If that snapshot cannot be made, the
     * bridge stays (threads may still read its table).  After
     * datapath_destroy() stopped the threads, nothing reads it. */
    if (dp->publish_pending && !CMM_LOAD_SHARED(dp->exiting)) {
        int error = publish_now(dp);

        if (error) {
            return error;
        }
    }
    for (struct dp_bridge **bp = &dp->bridges; *bp; bp = &(*bp)->next) {
        if (*bp == b) {
            *bp = b->next;
            break;
        }
    }
    /* A thread may still be inside a batch that started before the
     * snapshot without its ports: wait it out.  The hash table cannot be
     * destroyed from a call_rcu callback. */
    synchronize_rcu();
    mac_table_destroy(b->macs);
    free(b);
    return 0;
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
    dp_port_set_settings(p, s);
    port_policy_init(&p->policy, false);
    return dp_port_link_publish(dp, p) ? NULL : p;
}

void
datapath_port_remove(struct datapath *dp, struct dp_port *p)
{
    uint32_t port_no = p->port_no;
    struct mac_table *macs = p->bridge->macs;

    /* Its devices no longer take room in its thread (they are closed
     * when it is freed). */
    dp_count_socket(dp, p, p->dev, -1);
    for (int i = 0; p->team && i < TEAM_MAX_MEMBERS; i++) {
        dp_count_socket(dp, p, p->team->members[i].dev, -1);
    }
    port_unlink(dp, p);
    dp_publish_port(dp, NULL);
    /* 'p' is freed after the snapshot without it is out (maybe already,
     * outside a transaction): only what was saved is used from here. */
    mac_table_flush(macs, MAC_VLAN_ANY, port_no, true);
}

int
datapath_port_set(struct datapath *dp, struct dp_port *p,
                  const struct dp_port_settings *s)
{
    struct dp_port_settings old = p->settings;
    int error;

    dp_port_set_settings(p, s);
    error = dp_publish_port(dp, p);
    if (error) {
        dp_port_set_settings(p, &old);
        return error;
    }
    mac_table_flush(p->bridge->macs, MAC_VLAN_ANY, p->port_no, false);
    return 0;
}

int
datapath_port_set_policy(struct datapath *dp, struct dp_port *p,
                         const struct port_policy *pp)
{
    struct port_policy old = p->policy;
    int error;

    p->policy = *pp;
    error = dp_publish_port(dp, p);
    if (error) {
        p->policy = old;
    }
    return error;
}

void
datapath_set_guard_func(struct datapath *dp, datapath_guard_func *func,
                        void *aux)
{
    dp->guard_func = func;
    dp->guard_func_aux = aux;
}

bool
dp_port_guard_tripped(const struct dp_port *p)
{
    return CMM_LOAD_SHARED(p->guard_tripped);
}

void
datapath_port_guard_reset(struct datapath *dp, struct dp_port *p)
{
    if (CMM_LOAD_SHARED(p->guard_tripped)) {
        CMM_STORE_SHARED(p->guard_tripped, false);
        p->guard_reported = false;
        /* If this cannot be published, the port stays blocked for output
         * until the next publication that succeeds. */
        dp_publish_port(dp, p);
    }
}

const struct port_policy *
dp_port_policy(const struct dp_port *p)
{
    return &p->policy;
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

void
dp_stats_read(const uint64_t *stats, struct dp_port_stats *s)
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
    dp_stats_read(p->stats, s);
}

const struct vlan_port *
dp_port_vlan(const struct dp_port *p)
{
    return &p->vlan;
}
