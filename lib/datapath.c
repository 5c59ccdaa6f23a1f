#include <autoconf.h>
#include "datapath.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include "netdev-packet.h"
#include "packet.h"
#include "rcu.h"
#include "util.h"

/* Frames taken from one socket per system call. */
#define DP_BATCH 32
/* Output frames queued before a flush (a batch flooded to many ports). */
#define DP_TX_MAX 512
/* Learning requests a thread can queue before the control thread runs. */
#define DP_LEARN_RING 1024
#define DP_RX_SLOT (NETDEV_VNET_HDR_LEN + NETDEV_MAX_FRAME)
#define DP_AUX_SPACE CMSG_SPACE(sizeof(struct tpacket_auxdata))

/* A bridge: long-lived, owned by the datapath, freed by the control thread
 * after a grace period. */
struct dp_bridge {
    struct dp_bridge *next;        /* In datapath's list; control only. */
    uint32_t id;                   /* Unique for the daemon's lifetime. */
    char name[16];                 /* For debugging. */
    struct mac_table *macs;        /* Owned.  RCU-readable. */
};

/* A port: long-lived, owned by the datapath.  Settings and device are
 * copied into each snapshot; only the counters are written after
 * publication, with atomics, once per batch. */
struct dp_port {
    struct dp_port *next;          /* In datapath's list; control only. */
    uint32_t port_no;              /* Unique for the daemon's lifetime. */
    char name[IF_NAMESIZE];        /* Device name. */
    struct dp_bridge *bridge;      /* Borrowed: its bridge. */
    struct dp_port_settings settings; /* Control thread's copy. */
    struct netdev_packet *dev;     /* Owned, NULL when detached.  Closed
                                    * after a grace period. */
    struct rcu_head rcu_head;      /* For the deferred free. */
    uint64_t stats[4 + DP_N_DROPS];/* rx pkts, rx bytes, tx pkts, tx bytes,
                                    * drops: atomic adds by any thread. */
};
enum { ST_RX_PKTS, ST_RX_BYTES, ST_TX_PKTS, ST_TX_BYTES, ST_DROPS };

/* One port as the datapath sees it in a snapshot: immutable. */
struct dp_view {
    struct dp_port *port;          /* Borrowed, RCU-protected lifetime. */
    struct dp_bridge *bridge;      /* Borrowed, RCU-protected lifetime. */
    int fd;                        /* Socket, or -1 when detached. */
    uint32_t port_no;              /* Copy of port->port_no. */
    uint32_t first, count;         /* Range of this bridge's views in the
                                    * snapshot, sorted by port_no. */
    enum dp_vlan_mode mode;        /* VLAN mode. */
    uint16_t vlan;                 /* Access VLAN. */
    uint16_t native;               /* Trunk native VLAN, 0 = none. */
    struct vlan_bitmap member;     /* VLANs this port carries (access VLAN,
                                    * trunks plus native, or all + 0). */
};

/* The published port view.  Views of one bridge are contiguous. */
struct dp_snapshot {
    struct rcu_head rcu_head;      /* For the deferred free. */
    uint64_t gen;                  /* Generation, increases by one. */
    size_t n;                      /* Number of views. */
    struct dp_view views[];        /* The views. */
};

struct dp_learn {
    uint32_t bridge_id;            /* Bridge the frame arrived on. */
    uint32_t port_no;              /* Port the source was seen on. */
    uint16_t vlan;                 /* VLAN of the frame. */
    uint8_t mac[ETH_ADDR_LEN];     /* Source address. */
};

/* A frame queued for output: points into the receive buffer. */
struct dp_tx {
    const struct dp_view *out;     /* Output port view (snapshot). */
    struct virtio_net_hdr vnet;    /* Offload header, adjusted for the tag. */
    uint8_t tag[VLAN_HEADER_LEN];  /* The tag to insert, if iov[2] used. */
    struct iovec iov[4];           /* vnet, MACs, tag, rest. */
    int n_iov;                     /* Used entries of iov. */
    size_t len;                    /* Frame length on the wire. */
};

struct dp_thread {
    struct datapath *dp;           /* Owner. */
    unsigned int id;               /* Index, 0-based. */
    pthread_t thread;              /* The thread. */
    int kick_fd;                   /* eventfd: snapshot changed or exit. */

    /* Learning ring: single producer (this thread), single consumer (the
     * control thread). */
    struct dp_learn ring[DP_LEARN_RING]; /* Requests. */
    uint32_t ring_head;            /* Next write; written by producer. */
    uint32_t ring_tail;            /* Next read; written by consumer. */

    /* Everything below is private to the thread. */
    uint64_t gen;                  /* Snapshot generation of 'pfds'. */
    struct pollfd pfds[DATAPATH_MAX_PORTS + 1]; /* Ports, then kick_fd. */
    const struct dp_view *pviews[DATAPATH_MAX_PORTS]; /* pfds' views. */
    size_t n_pfds;                 /* Port entries in pfds. */
    uint8_t *rx_buf;               /* DP_BATCH slots of DP_RX_SLOT. */
    struct mmsghdr rx_msgs[DP_BATCH];
    struct iovec rx_iov[DP_BATCH];
    uint8_t rx_aux[DP_BATCH][DP_AUX_SPACE];
    struct dp_tx tx[DP_TX_MAX];
    size_t n_tx;
    bool tx_done[DP_TX_MAX];
    struct mmsghdr tx_msgs[DP_TX_MAX];
    size_t tx_lens[DP_TX_MAX];     /* Wire length of each tx_msgs entry. */
};

struct datapath {
    struct dp_snapshot *snap;      /* RCU-protected.  Control writes. */
    uint64_t gen;                  /* Last published generation. */
    struct dp_bridge *bridges;     /* Control only. */
    struct dp_port *ports;         /* Control only. */
    uint32_t next_port_no;         /* Control only. */
    uint32_t next_bridge_id;       /* Control only. */
    int learn_fd;                  /* eventfd: learning requests queued. */
    bool exiting;                  /* Set once, read by threads. */
    unsigned int n_threads;        /* Number of threads. */
    struct dp_thread *threads[DATAPATH_MAX_THREADS]; /* Owned. */
};

static const char *const drop_names[DP_N_DROPS] = {
    [DP_DROP_RUNT] = "runt",
    [DP_DROP_VLAN] = "vlan",
    [DP_DROP_LOOP] = "loop",
    [DP_DROP_LEARN_QUEUE] = "learn-queue",
    [DP_DROP_TX_ERROR] = "tx-error",
};

const char *
dp_drop_reason_name(enum dp_drop_reason r)
{
    return r < DP_N_DROPS ? drop_names[r] : "?";
}

/* ---- Datapath thread ---------------------------------------------------- */

static void
port_count(struct dp_port *port, int idx, uint64_t n)
{
    if (n) {
        uatomic_add(&port->stats[idx], n);
    }
}

static void
thread_rebuild_pollfds(struct dp_thread *t, const struct dp_snapshot *snap)
{
    size_t n = 0;

    for (size_t i = 0; i < snap->n && n < DATAPATH_MAX_PORTS; i++) {
        const struct dp_view *v = &snap->views[i];
        if (v->fd >= 0 && v->port_no % t->dp->n_threads == t->id) {
            t->pfds[n].fd = v->fd;
            t->pfds[n].events = POLLIN;
            t->pviews[n] = v;
            n++;
        }
    }
    t->pfds[n].fd = t->kick_fd;
    t->pfds[n].events = POLLIN;
    t->n_pfds = n;
    t->gen = snap->gen;
}

/* Queues a learning request; false if the ring is full. */
static bool
thread_learn(struct dp_thread *t, const struct dp_view *in, uint16_t vlan,
             const uint8_t mac[ETH_ADDR_LEN])
{
    uint32_t head = t->ring_head;
    uint32_t tail = CMM_LOAD_SHARED(t->ring_tail);
    struct dp_learn *l;

    if (head - tail >= DP_LEARN_RING) {
        return false;
    }
    l = &t->ring[head % DP_LEARN_RING];
    l->bridge_id = in->bridge->id;
    l->port_no = in->port_no;
    l->vlan = vlan;
    memcpy(l->mac, mac, ETH_ADDR_LEN);
    cmm_smp_wmb();
    CMM_STORE_SHARED(t->ring_head, head + 1);
    return true;
}

/* Finds the view of 'port_no' among the views of 'in''s bridge. */
static const struct dp_view *
snapshot_find_rcu(const struct dp_snapshot *snap, const struct dp_view *in,
                  uint32_t port_no)
{
    size_t lo = in->first, hi = in->first + in->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t no = snap->views[mid].port_no;
        if (no == port_no) {
            return &snap->views[mid];
        } else if (no < port_no) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

static void thread_flush(struct dp_thread *);

/* Queues 'frame' (as received: 'tagged_in_frame' says whether its outer tag
 * is in the bytes) for output on 'out' in VLAN 'vlan' with priority bits
 * from 'tci'. */
static void
thread_output(struct dp_thread *t, const struct dp_view *out,
              const struct virtio_net_hdr *vnet, const uint8_t *frame,
              size_t len, bool tagged_in_frame, uint16_t vlan, uint16_t tci)
{
    struct dp_tx *tx;
    bool tag_out;
    int delta;

    switch (out->mode) {
    case DP_VLAN_ACCESS:
        tag_out = false;
        break;
    case DP_VLAN_TRUNK:
        tag_out = vlan != out->native;
        break;
    case DP_VLAN_ALL:
    default:
        tag_out = vlan != 0;
        break;
    }

    if (t->n_tx >= DP_TX_MAX) {
        thread_flush(t);
    }
    tx = &t->tx[t->n_tx++];
    tx->out = out;
    tx->vnet = *vnet;
    tx->n_iov = 0;
    tx->iov[tx->n_iov++] = (struct iovec) { &tx->vnet, NETDEV_VNET_HDR_LEN };
    tx->iov[tx->n_iov++] = (struct iovec) { (void *) frame, 12 };
    if (tag_out) {
        uint16_t tpid = htons(ETH_TYPE_VLAN);
        uint16_t ntci = htons(vlan_tci(vlan, tci));
        memcpy(tx->tag, &tpid, 2);
        memcpy(tx->tag + 2, &ntci, 2);
        tx->iov[tx->n_iov++] = (struct iovec) { tx->tag, VLAN_HEADER_LEN };
    }
    {
        size_t skip = tagged_in_frame ? 12 + VLAN_HEADER_LEN : 12;
        tx->iov[tx->n_iov++] = (struct iovec) { (void *) (frame + skip),
                                                len - skip };
        tx->len = 12 + (tag_out ? VLAN_HEADER_LEN : 0) + len - skip;
    }

    /* Offsets in the offload header count from the frame's start: moving
     * the payload by a tag moves them too. */
    delta = (tag_out ? VLAN_HEADER_LEN : 0)
            - (tagged_in_frame ? VLAN_HEADER_LEN : 0);
    if (delta) {
        if (tx->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
            tx->vnet.csum_start += delta;
        }
        if (tx->vnet.hdr_len) {
            tx->vnet.hdr_len += delta;
        }
    }
    /* "Checksum already verified" means nothing to the output device. */
    tx->vnet.flags &= ~VIRTIO_NET_HDR_F_DATA_VALID;
}

/* Sends every queued frame, one sendmmsg per output port. */
static void
thread_flush(struct dp_thread *t)
{
    size_t n = t->n_tx;

    memset(t->tx_done, 0, n * sizeof t->tx_done[0]);
    for (size_t i = 0; i < n; i++) {
        const struct dp_view *out;
        uint64_t bytes = 0, packets = 0;
        size_t m = 0;
        int sent;

        if (t->tx_done[i]) {
            continue;
        }
        out = t->tx[i].out;
        for (size_t j = i; j < n; j++) {
            if (!t->tx_done[j] && t->tx[j].out == out) {
                struct msghdr *mh = &t->tx_msgs[m].msg_hdr;
                memset(mh, 0, sizeof *mh);
                mh->msg_iov = t->tx[j].iov;
                mh->msg_iovlen = t->tx[j].n_iov;
                t->tx_lens[m] = t->tx[j].len;
                t->tx_done[j] = true;
                m++;
            }
        }

        for (size_t k = 0; k < m;) {
            sent = sendmmsg(out->fd, &t->tx_msgs[k], m - k, MSG_DONTWAIT);
            if (sent <= 0) {
                /* The frame at 'k' was refused (buffer full, device gone,
                 * over the MTU): count it and go on with the rest. */
                port_count(out->port, ST_DROPS + DP_DROP_TX_ERROR, 1);
                k++;
                continue;
            }
            for (int s = 0; s < sent; s++) {
                bytes += t->tx_lens[k + s];
            }
            packets += sent;
            k += sent;
        }
        port_count(out->port, ST_TX_PKTS, packets);
        port_count(out->port, ST_TX_BYTES, bytes);
    }
    t->n_tx = 0;
}

/* Processes one received batch from 'in'. */
static void
thread_process_batch_rcu(struct dp_thread *t, const struct dp_snapshot *snap,
                         const struct dp_view *in, int n, uint32_t now)
{
    uint64_t drops[DP_N_DROPS] = { 0 };
    uint64_t rx_bytes = 0;
    bool learned = false;

    for (int i = 0; i < n; i++) {
        struct mmsghdr *mm = &t->rx_msgs[i];
        const uint8_t *slot = t->rx_buf + (size_t) i * DP_RX_SLOT;
        const struct virtio_net_hdr *vnet = (const void *) slot;
        const uint8_t *frame = slot + NETDEV_VNET_HDR_LEN;
        struct tpacket_auxdata *aux = NULL;
        struct packet_info pi;
        bool aux_valid = false;
        uint16_t vlan, tci = 0;
        size_t len;

        if (mm->msg_len < (unsigned int) NETDEV_VNET_HDR_LEN
            || (mm->msg_hdr.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
            drops[DP_DROP_RUNT]++;
            continue;
        }
        len = mm->msg_len - NETDEV_VNET_HDR_LEN;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mm->msg_hdr); c;
             c = CMSG_NXTHDR(&mm->msg_hdr, c)) {
            if (c->cmsg_level == SOL_PACKET
                && c->cmsg_type == PACKET_AUXDATA
                && c->cmsg_len >= CMSG_LEN(sizeof *aux)) {
                aux = (struct tpacket_auxdata *) (void *) CMSG_DATA(c);
            }
        }
        if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID)) {
            aux_valid = true;
        }
        if (packet_parse(frame, len, aux_valid,
                         aux && (aux->tp_status & TP_STATUS_VLAN_TPID_VALID)
                         ? aux->tp_vlan_tpid : ETH_TYPE_VLAN,
                         aux ? aux->tp_vlan_tci : 0, &pi)) {
            drops[DP_DROP_RUNT]++;
            continue;
        }
        rx_bytes += len + (pi.tag_source == PACKET_TAG_AUXDATA
                           ? VLAN_HEADER_LEN : 0);

        /* Input VLAN: a priority tag (VID 0) counts as untagged. */
        if (pi.vlan_present && (pi.vlan_tci & VLAN_VID_MASK)) {
            vlan = pi.vlan_tci & VLAN_VID_MASK;
            tci = pi.vlan_tci;
            if (in->mode == DP_VLAN_ACCESS
                || !vlan_bitmap_test(&in->member, vlan)) {
                drops[DP_DROP_VLAN]++;
                continue;
            }
        } else {
            tci = pi.vlan_present ? pi.vlan_tci : 0;
            if (in->mode == DP_VLAN_ACCESS) {
                vlan = in->vlan;
            } else if (in->mode == DP_VLAN_TRUNK) {
                if (!in->native) {
                    drops[DP_DROP_VLAN]++;
                    continue;
                }
                vlan = in->native;
            } else {
                vlan = 0;
            }
        }

        /* Learn the source. */
        if (!eth_addr_is_multicast(pi.eth_src)
            && !eth_addr_is_zero(pi.eth_src)) {
            struct mac_entry *e = mac_table_lookup_rcu(in->bridge->macs,
                                                       vlan, pi.eth_src);
            if (e && e->port_no == in->port_no) {
                mac_entry_touch_rcu(e, now);
            } else if (!e || !e->is_static) {
                if (thread_learn(t, in, vlan, pi.eth_src)) {
                    learned = true;
                } else {
                    drops[DP_DROP_LEARN_QUEUE]++;
                }
            }
        }

        /* Forward. */
        bool in_frame = pi.tag_source == PACKET_TAG_IN_FRAME;
        if (!eth_addr_is_multicast(pi.eth_dst)) {
            struct mac_entry *e = mac_table_lookup_rcu(in->bridge->macs,
                                                       vlan, pi.eth_dst);
            if (e) {
                const struct dp_view *out;
                if (e->port_no == in->port_no) {
                    drops[DP_DROP_LOOP]++;
                    continue;
                }
                out = snapshot_find_rcu(snap, in, e->port_no);
                if (out && out->fd >= 0
                    && vlan_bitmap_test(&out->member, vlan)) {
                    thread_output(t, out, vnet, frame, len, in_frame, vlan,
                                  tci);
                    continue;
                }
                /* Stale entry (port gone or changed): flood. */
            }
        }
        for (uint32_t k = in->first; k < in->first + in->count; k++) {
            const struct dp_view *out = &snap->views[k];
            if (out != in && out->fd >= 0
                && vlan_bitmap_test(&out->member, vlan)) {
                thread_output(t, out, vnet, frame, len, in_frame, vlan, tci);
            }
        }
    }

    thread_flush(t);
    port_count(in->port, ST_RX_PKTS, n);
    port_count(in->port, ST_RX_BYTES, rx_bytes);
    for (int r = 0; r < DP_N_DROPS; r++) {
        port_count(in->port, ST_DROPS + r, drops[r]);
    }
    if (learned) {
        uint64_t one = 1;
        if (write(t->dp->learn_fd, &one, sizeof one) < 0) {
            /* The counter is saturated: the control thread is awake. */
        }
    }
}

static int
thread_receive(struct dp_thread *t, int fd)
{
    for (int i = 0; i < DP_BATCH; i++) {
        struct msghdr *mh = &t->rx_msgs[i].msg_hdr;
        t->rx_iov[i].iov_base = t->rx_buf + (size_t) i * DP_RX_SLOT;
        t->rx_iov[i].iov_len = DP_RX_SLOT;
        mh->msg_name = NULL;
        mh->msg_namelen = 0;
        mh->msg_iov = &t->rx_iov[i];
        mh->msg_iovlen = 1;
        mh->msg_control = t->rx_aux[i];
        mh->msg_controllen = DP_AUX_SPACE;
        mh->msg_flags = 0;
    }
    return recvmmsg(fd, t->rx_msgs, DP_BATCH, MSG_DONTWAIT, NULL);
}

static void *
thread_main(void *t_)
{
    struct dp_thread *t = t_;
    struct datapath *dp = t->dp;

    rcu_register_thread();
    rcu_read_lock();
    thread_rebuild_pollfds(t, rcu_dereference(dp->snap));
    rcu_read_unlock();

    while (!CMM_LOAD_SHARED(dp->exiting)) {
        const struct dp_snapshot *snap;
        uint32_t now;

        /* Poll outside any read section, so an idle thread never holds up
         * a grace period.  The sockets polled may be closed meanwhile: then
         * the generation has changed and the results are ignored. */
        if (poll(t->pfds, t->n_pfds + 1, -1) < 0) {
            continue;
        }
        if (t->pfds[t->n_pfds].revents) {
            uint64_t v;
            if (read(t->kick_fd, &v, sizeof v) < 0) {
                /* Nothing pending after all. */
            }
        }

        rcu_read_lock();
        snap = rcu_dereference(dp->snap);
        if (snap->gen != t->gen) {
            thread_rebuild_pollfds(t, snap);
            rcu_read_unlock();
            continue;
        }
        now = time_sec();
        for (size_t i = 0; i < t->n_pfds; i++) {
            if (t->pfds[i].revents & POLLIN) {
                int n = thread_receive(t, t->pfds[i].fd);
                if (n > 0) {
                    thread_process_batch_rcu(t, snap, t->pviews[i], n, now);
                }
            }
        }
        rcu_read_unlock();
    }

    rcu_unregister_thread();
    return NULL;
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

/* Builds and publishes a new snapshot from the control thread's lists. */
static void
datapath_publish(struct datapath *dp)
{
    struct dp_snapshot *snap, *old;
    size_t n = 0;

    for (struct dp_port *p = dp->ports; p; p = p->next) {
        n++;
    }
    snap = calloc(1, sizeof *snap + n * sizeof snap->views[0]);
    if (!snap) {
        abort();
    }
    snap->gen = ++dp->gen;
    for (struct dp_port *p = dp->ports; p; p = p->next) {
        view_init(&snap->views[snap->n++], p);
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
    kick_threads(dp);
    if (old) {
        call_rcu(&old->rcu_head, snapshot_free_cb);
    }
}

struct datapath *
datapath_create(unsigned int n_threads)
{
    struct datapath *dp;

    if (n_threads < 1 || n_threads > DATAPATH_MAX_THREADS) {
        errno = EINVAL;
        return NULL;
    }
    dp = calloc(1, sizeof *dp);
    if (!dp) {
        return NULL;
    }
    dp->n_threads = n_threads;
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
    datapath_publish(dp);
    for (unsigned int i = 0; i < n_threads; i++) {
        int error = pthread_create(&dp->threads[i]->thread, NULL,
                                   thread_main, dp->threads[i]);
        if (error) {
            abort();
        }
    }
    return dp;
}

static void
port_free_cb(struct rcu_head *head)
{
    struct dp_port *port = CONTAINER_OF(head, struct dp_port, rcu_head);

    netdev_packet_close(port->dev);
    free(port);
}

void
datapath_destroy(struct datapath *dp)
{
    if (!dp) {
        return;
    }
    CMM_STORE_SHARED(dp->exiting, true);
    kick_threads(dp);
    for (unsigned int i = 0; i < dp->n_threads; i++) {
        pthread_join(dp->threads[i]->thread, NULL);
    }
    while (dp->ports) {
        datapath_port_remove(dp, dp->ports);
    }
    while (dp->bridges) {
        datapath_bridge_destroy(dp, dp->bridges);
    }
    rcu_barrier();
    free(dp->snap);
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
    for (struct dp_port *p = dp->ports; p; p = p->next) {
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
            if (b && p && p->bridge == b && port_carries(p, l->vlan)) {
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
    /* No snapshot refers to the bridge (its ports are gone), but a thread
     * may still be inside a batch that started before: wait it out.  The
     * hash table cannot be destroyed from a call_rcu callback. */
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
    p->port_no = dp->next_port_no++;
    snprintf(p->name, sizeof p->name, "%s", name);
    p->bridge = b;
    p->settings = *s;
    p->next = dp->ports;
    dp->ports = p;
    datapath_publish(dp);
    return p;
}

void
datapath_port_remove(struct datapath *dp, struct dp_port *p)
{
    for (struct dp_port **pp = &dp->ports; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    datapath_publish(dp);
    mac_table_flush(p->bridge->macs, MAC_VLAN_ANY, p->port_no, true);
    call_rcu(&p->rcu_head, port_free_cb);
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

struct dev_free {
    struct rcu_head rcu_head;
    struct netdev_packet *dev;
};

static void
dev_free_cb(struct rcu_head *head)
{
    struct dev_free *df = CONTAINER_OF(head, struct dev_free, rcu_head);

    netdev_packet_close(df->dev);
    free(df);
}

void
datapath_port_detach(struct datapath *dp, struct dp_port *p)
{
    struct dev_free *df;

    if (!p->dev) {
        return;
    }
    df = calloc(1, sizeof *df);
    if (!df) {
        abort();
    }
    df->dev = p->dev;
    p->dev = NULL;
    datapath_publish(dp);
    mac_table_flush(p->bridge->macs, MAC_VLAN_ANY, p->port_no, false);
    call_rcu(&df->rcu_head, dev_free_cb);
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
dp_port_get_stats(const struct dp_port *p, struct dp_port_stats *s)
{
    s->rx_packets = uatomic_read(&p->stats[ST_RX_PKTS]);
    s->rx_bytes = uatomic_read(&p->stats[ST_RX_BYTES]);
    s->tx_packets = uatomic_read(&p->stats[ST_TX_PKTS]);
    s->tx_bytes = uatomic_read(&p->stats[ST_TX_BYTES]);
    for (int r = 0; r < DP_N_DROPS; r++) {
        s->drops[r] = uatomic_read(&p->stats[ST_DROPS + r]);
    }
}
