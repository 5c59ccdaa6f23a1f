/* dp-thread: the datapath threads' loop and the forwarding pipeline.
 *
 * Everything here runs on datapath threads: no allocation, lock, logging,
 * GLib call or per-frame system call (tests/check-datapath-symbols.sh keeps
 * it so).  See datapath.h for the design. */
#include <autoconf.h>

#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>
#include "datapath-private.h"

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

void *
dp_thread_main(void *t_)
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

