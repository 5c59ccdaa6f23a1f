/* dp-thread: the datapath threads' loop and the forwarding pipeline.
 *
 * Everything here runs on datapath threads: no allocation, lock, logging,
 * GLib call or per-frame system call (tests/check-datapath-symbols.sh keeps
 * it so).  See datapath.h for the design. */
#include <autoconf.h>

#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>
#include "arp.h"
#include "datapath-private.h"

/* What the pipeline knows about the frame being processed. */
struct dp_frame {
    const struct virtio_net_hdr *vnet; /* Offload header as received. */
    const uint8_t *data;           /* Frame bytes. */
    size_t len;                    /* Frame length. */
    struct packet_info pi;         /* Parsed headers. */
    bool l3_parsed;                /* pi's L3/L4 part is filled. */
    uint16_t vlan;                 /* VLAN the frame is switched in. */
    uint16_t tci;                  /* Priority bits to keep. */
    struct mac_entry *src;         /* The source's MAC entry, or NULL. */
    uint32_t tick;                 /* mac_tick() of the batch. */
};

static void
stats_add(uint64_t *stats, int idx, uint64_t n)
{
    if (n) {
        uatomic_add(&stats[idx], n);
    }
}

static void
thread_rebuild_pollfds(struct dp_thread *t, const struct dp_snapshot *snap)
{
    size_t n = 0;

    for (size_t i = 0; i < snap->n; i++) {
        const struct dp_view *v = &snap->views[i];

        if (v->port_no % t->dp->n_threads != t->id) {
            continue;
        }
        if (v->fd >= 0 && n < DATAPATH_MAX_PORTS) {
            t->pfds[n] = (struct pollfd) { .fd = v->fd, .events = POLLIN };
            t->pviews[n] = v;
            t->pslots[n] = -1;
            n++;
        }
        for (int m = 0; m < TEAM_MAX_MEMBERS; m++) {
            if (v->member_fd[m] >= 0 && v->team && n < DATAPATH_MAX_PORTS) {
                t->pfds[n] = (struct pollfd) { .fd = v->member_fd[m],
                                               .events = POLLIN };
                t->pviews[n] = v;
                t->pslots[n] = m;
                n++;
            }
        }
    }
    t->pfds[n] = (struct pollfd) { .fd = t->kick_fd, .events = POLLIN };
    t->n_pfds = n;
    t->gen = snap->gen;
}

/* Queues a learning request; false if the ring is full. */
static bool
thread_learn(struct dp_thread *t, const struct dp_view *in, uint16_t vlan,
             const uint8_t mac[ETH_ADDR_LEN], bool announce)
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
    l->announce = announce;
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

/* ---- Reflections ----------------------------------------------------------
 * See DP_REFLECT_TICKS.  A local station's frame that went into a team is
 * noted; a frame from the team with a local station's source address is
 * that frame flooded back by upstream if the station sent into the team
 * within DP_REFLECT_TICKS, and a station really behind the team otherwise
 * (it moved there, or the local port forged its address). */

static uint32_t
pending_hash(uint16_t vlan, const uint8_t mac[ETH_ADDR_LEN])
{
    uint8_t key[ETH_ADDR_LEN + 2];
    uint32_t h;

    memcpy(key, mac, ETH_ADDR_LEN);
    key[ETH_ADDR_LEN] = vlan >> 8;
    key[ETH_ADDR_LEN + 1] = vlan;
    h = hash_bytes(key, sizeof key, 0);
    return h ? h : 1;
}

static bool
tick_recent(uint32_t then, uint32_t now)
{
    return now - then <= DP_REFLECT_TICKS;
}

/* Remembers that a not yet learned source, hash 'h', sent into a team at
 * 'tick'.  Two slots per hash: the older one gives way. */
static void
pending_note(struct dp_bridge *b, uint32_t h, uint32_t tick)
{
    uint64_t v = (uint64_t) h << 32 | tick;
    size_t i = h & (DP_PENDING_SLOTS - 1), j = i ^ 1, slot;
    uint64_t a = CMM_LOAD_SHARED(b->pending[i]);
    uint64_t c = CMM_LOAD_SHARED(b->pending[j]);

    if (a >> 32 == h || (c >> 32 != h
                         && tick - (uint32_t) a >= tick - (uint32_t) c)) {
        slot = i;
    } else {
        slot = j;
    }
    if ((slot == i ? a : c) != v) {
        CMM_STORE_SHARED(b->pending[slot], v);
    }
}

static bool
pending_recent(const struct dp_bridge *b, uint32_t h, uint32_t tick)
{
    size_t i = h & (DP_PENDING_SLOTS - 1);

    for (size_t k = 0; k < 2; k++) {
        uint64_t v = CMM_LOAD_SHARED(b->pending[i ^ k]);
        if (v >> 32 == h && tick_recent(v, tick)) {
            return true;
        }
    }
    return false;
}

/* A frame from local port 'in' goes into a team: note it. */
static void
reflect_note_rcu(const struct dp_view *in, const struct dp_frame *f)
{
    if (f->src && f->src->port_no == in->port_no) {
        mac_entry_mark_team_tx_rcu(f->src, f->tick);
    } else {
        pending_note(in->bridge, pending_hash(f->vlan, f->pi.eth_src),
                     f->tick);
    }
}

/* A frame arrived from team 'in' with a source that is not known on the
 * team: true if it is a local station's own frame coming back. */
static bool
reflect_is_echo_rcu(const struct dp_view *in, const struct dp_frame *f)
{
    return (f->src && tick_recent(CMM_LOAD_SHARED(f->src->team_tx), f->tick))
           || pending_recent(in->bridge, pending_hash(f->vlan, f->pi.eth_src),
                             f->tick);
}

/* True if the station of entry 'src' was seen where it is learned within
 * DP_ALIVE_SECS of 'now' (seconds). */
static bool
src_alive_rcu(const struct mac_entry *src, uint32_t now)
{
    return (int32_t) (now - CMM_LOAD_SHARED(src->used)) <= DP_ALIVE_SECS;
}

/* True if 'src' is learned on a team of 'in''s bridge and alive there. */
static bool
src_alive_behind_team_rcu(const struct dp_snapshot *snap,
                          const struct dp_view *in,
                          const struct mac_entry *src, uint32_t now)
{
    const struct dp_view *holder = snapshot_find_rcu(snap, in, src->port_no);

    return holder && holder->team && src_alive_rcu(src, now);
}

/* The member slot a VM port is assigned to (src-port), or TEAM_NONE. */
static int
team_port_slot(const struct dp_team_map *map, uint32_t port_no)
{
    size_t lo = 0, hi = map->n_ports;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (map->ports[mid].port_no == port_no) {
            return map->ports[mid].slot;
        } else if (map->ports[mid].port_no < port_no) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return TEAM_NONE;
}

static const struct dp_team_map *
team_map_rcu(const struct dp_view *v, uint64_t now_usec)
{
    struct dp_team_map *map = rcu_dereference(v->team->map);

    if (OVS_UNLIKELY(!CMM_LOAD_SHARED(map->first_use_usec))) {
        CMM_STORE_SHARED(map->first_use_usec, now_usec);
    }
    return map;
}

/* True if member 'slot' of 'team' may carry frames: usable in the map,
 * attached, and not seen losing its link by the link watcher since. */
static bool
team_member_live_rcu(const struct dp_view *team,
                     const struct dp_team_map *map, int slot)
{
    int down;

    if (slot < 0 || !(map->usable & (1u << slot))
        || team->member_fd[slot] < 0) {
        return false;
    }
    down = CMM_LOAD_SHARED(team->team->members[slot].down_ifindex);
    return OVS_LIKELY(!down) || down != team->member_ifindex[slot];
}

/* How team selection (team-policy.h) reads a published map: 'a' is a
 * struct dp_team_sel. */
struct dp_team_sel {
    const struct dp_view *team;    /* The team's view. */
    const struct dp_team_map *map; /* Its map. */
};

static int
dp_team_member_of(const void *a, enum team_item_kind kind, uint32_t id)
{
    const struct dp_team_map *map = ((const struct dp_team_sel *) a)->map;

    switch (kind) {
    case TEAM_ITEM_PORT:
        return team_port_slot(map, id);
    case TEAM_ITEM_BUCKET:
        return id < TEAM_BUCKETS ? map->bucket[id] : TEAM_NONE;
    case TEAM_ITEM_ACTIVE:
    default:
        return map->active;
    }
}

static bool
dp_team_live(const void *a, int slot)
{
    const struct dp_team_sel *sel = a;

    return team_member_live_rcu(sel->team, sel->map, slot);
}

static int
dp_team_designated(const void *a)
{
    return ((const struct dp_team_sel *) a)->map->designated;
}

static int
dp_team_nth_member(const void *a, int i)
{
    const struct dp_team_map *map = ((const struct dp_team_sel *) a)->map;

    return i < map->n_order ? map->order[i] : TEAM_NONE;
}

static const struct team_assignment_ops dp_team_ops = {
    .member_of = dp_team_member_of,
    .live = dp_team_live,
    .designated = dp_team_designated,
    .nth_member = dp_team_nth_member,
};

/* The link watcher's thread (link-watch.h): a device changed.  A team
 * member that lost its link is marked, and the datapath stops using it
 * from the next frame (team_member_live_rcu()), if its team has no down
 * delay.  Same rules as the datapath threads: no allocation, lock or
 * log. */
void
dp_link_changed(int ifindex, bool carrier, bool removed, void *dp_)
{
    struct datapath *dp = dp_;
    const struct dp_snapshot *snap;

    if (carrier && !removed) {
        return;         /* Only the control thread puts a member back. */
    }
    rcu_read_lock();
    snap = rcu_dereference(dp->snap);
    for (size_t i = 0; i < snap->n_watch; i++) {
        const struct dp_watch *w = &snap->watch[i];

        if (w->ifindex == ifindex
            && rcu_dereference(w->team->map)->fast_down) {
            CMM_STORE_SHARED(w->team->members[w->slot].down_ifindex,
                             ifindex);
        }
    }
    rcu_read_unlock();
}

/* True if a gratuitous ARP or a RARP: how a station announces a move. */
static bool
frame_is_announcement(const struct dp_frame *f)
{
    return arp_is_announcement(f->pi.eth_type, f->data + f->pi.payload_ofs,
                               f->len - f->pi.payload_ofs);
}

/* True if an ARP frame on a team is addressed to, or comes from, one of
 * the team's members' own MACs: the switch's link probes and their
 * replies, which are not VM traffic. */
static bool
team_frame_is_local(const struct dp_view *team, const struct dp_frame *f)
{
    if (f->pi.eth_type != ETH_TYPE_ARP) {
        return false;
    }
    for (int m = 0; m < TEAM_MAX_MEMBERS; m++) {
        if (team->member_fd[m] >= 0
            && (!memcmp(f->pi.eth_dst, team->member_mac[m], ETH_ADDR_LEN)
                || !memcmp(f->pi.eth_src, team->member_mac[m],
                           ETH_ADDR_LEN))) {
            return true;
        }
    }
    return false;
}

/* Picks the member a frame from 'in' leaves 'team' on (team_select()), and
 * counts its load.  Returns TEAM_NONE when no member can carry it. */
static int
team_select_rcu(const struct dp_view *in,
                const struct dp_view *team, struct dp_frame *f,
                uint64_t now_usec)
{
    const struct dp_team_map *map = team_map_rcu(team, now_usec);
    const struct team_policy_class *cls = map->cls;
    struct dp_team_sel sel = { team, map };
    struct team_frame tf;
    uint32_t item;
    int slot;

    if (cls->needs_l3 && !f->l3_parsed && cls->needs_l3(map->fields)) {
        packet_parse_l3(f->data, f->len, &f->pi);
        f->l3_parsed = true;
    }
    tf = (struct team_frame) { &f->pi, f->vlan, in->port_no };
    slot = team_select(cls, &tf, map->fields, &dp_team_ops, &sel, &item);
    if (cls->item == TEAM_ITEM_PORT) {
        in->port->team_tx_bytes += f->len;
    } else if (cls->item == TEAM_ITEM_BUCKET) {
        team->team->bucket_bytes[item] += f->len;
    }
    return slot;
}

/* Applies the receive rules of switch-independent teaming to a frame that
 * arrived on member 'slot' of team 'in' (team_rx_expected()).  Returns the
 * drop reason, or DP_N_DROPS to accept.  'dst' is the destination's entry
 * or NULL. */
static int
team_receive_rules_rcu(const struct dp_view *in, int slot,
                       const struct dp_frame *f, const struct mac_entry *dst,
                       uint64_t now_usec)
{
    const struct dp_team_map *map = team_map_rcu(in, now_usec);
    struct dp_team_sel sel = { in, map };
    struct team_frame tf;
    bool flooded;
    int expected;

    if (!map->switch_independent) {
        return DP_N_DROPS;
    }
    /* Flooded upstream: every member gets a copy; keep one.  Unicast to a
     * local station: upstream delivers it where it learned the station,
     * i.e. on the member the station's traffic leaves on.  A copy on
     * another member is an unknown-unicast flood. */
    flooded = (eth_addr_is_multicast(f->pi.eth_dst) || !dst
               || dst->port_no == in->port_no);
    tf = (struct team_frame) { &f->pi, f->vlan, dst ? dst->port_no : 0 };
    expected = team_rx_expected(map->cls, &tf, map->fields, flooded,
                                &dp_team_ops, &sel);
    return (expected == TEAM_ANY || slot == expected ? DP_N_DROPS
                                                     : DP_DROP_TEAM_RX);
}

static void thread_flush(struct dp_thread *);

/* Queues frame 'f' for output on 'out' (member 'slot' if a team). */
static bool
view_sends_tagged(const struct dp_view *out, uint16_t vlan)
{
    switch (out->mode) {
    case DP_VLAN_ACCESS:
        return false;
    case DP_VLAN_TRUNK:
        return vlan != out->native;
    case DP_VLAN_ALL:
    default:
        return vlan != 0;
    }
}

static void
thread_output(struct dp_thread *t, const struct dp_view *out, int slot,
              const struct dp_frame *f, bool tag_out)
{
    bool tagged_in_frame = f->pi.tag_source == PACKET_TAG_IN_FRAME;
    struct dp_tx *tx;
    size_t skip;
    int delta;

    if (t->n_tx >= DP_TX_MAX) {
        thread_flush(t);
    }
    tx = &t->tx[t->n_tx++];
    tx->out = out;
    if (slot >= 0) {
        tx->fd = out->member_fd[slot];
        tx->member_stats = out->team->members[slot].stats;
    } else {
        tx->fd = out->fd;
        tx->member_stats = NULL;
    }
    tx->vnet = *f->vnet;
    tx->n_iov = 0;
    tx->iov[tx->n_iov++] = (struct iovec) { &tx->vnet, NETDEV_VNET_HDR_LEN };
    tx->iov[tx->n_iov++] = (struct iovec) { (void *) f->data, 12 };
    if (tag_out) {
        uint16_t tpid = htons(ETH_TYPE_VLAN);
        uint16_t ntci = htons(vlan_tci(f->vlan, f->tci));
        memcpy(tx->tag, &tpid, 2);
        memcpy(tx->tag + 2, &ntci, 2);
        tx->iov[tx->n_iov++] = (struct iovec) { tx->tag, VLAN_HEADER_LEN };
    }
    skip = tagged_in_frame ? 12 + VLAN_HEADER_LEN : 12;
    tx->iov[tx->n_iov++] = (struct iovec) { (void *) (f->data + skip),
                                            f->len - skip };
    tx->len = 12 + (tag_out ? VLAN_HEADER_LEN : 0) + f->len - skip;

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

/* Queues 'f' on 'out', choosing a member when 'out' is a team. */
static void
thread_output_port(struct dp_thread *t, const struct dp_view *in,
                   const struct dp_view *out, struct dp_frame *f,
                   uint64_t now_usec, uint64_t *drops)
{
    bool tag_out = view_sends_tagged(out, f->vlan);
    int slot = -1;

    if (!vlan_egress_ok(f->pi.eth_type, tag_out)) {
        drops[DP_DROP_VLAN]++;
        return;
    }
    if (out->team) {
        slot = team_select_rcu(in, out, f, now_usec);
        if (slot < 0) {
            drops[DP_DROP_TEAM_DOWN]++;
            return;
        }
        if (!in->team) {
            reflect_note_rcu(in, f);
        }
    }
    thread_output(t, out, slot, f, tag_out);
}

/* Sends every queued frame, one sendmmsg per output socket. */
static void
thread_flush(struct dp_thread *t)
{
    size_t n = t->n_tx;

    memset(t->tx_done, 0, n * sizeof t->tx_done[0]);
    for (size_t i = 0; i < n; i++) {
        const struct dp_view *out;
        uint64_t *member_stats;
        uint64_t bytes = 0, packets = 0;
        size_t m = 0;
        int fd, sent;

        if (t->tx_done[i]) {
            continue;
        }
        out = t->tx[i].out;
        fd = t->tx[i].fd;
        member_stats = t->tx[i].member_stats;
        for (size_t j = i; j < n; j++) {
            if (!t->tx_done[j] && t->tx[j].fd == fd) {
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
            sent = sendmmsg(fd, &t->tx_msgs[k], m - k, MSG_DONTWAIT);
            if (sent <= 0) {
                /* The frame at 'k' was refused (buffer full, device gone,
                 * over the MTU): count it and go on with the rest. */
                stats_add(out->port->stats, ST_DROPS + DP_DROP_TX_ERROR, 1);
                k++;
                continue;
            }
            for (int s = 0; s < sent; s++) {
                bytes += t->tx_lens[k + s];
            }
            packets += sent;
            k += sent;
        }
        stats_add(out->port->stats, ST_TX_PKTS, packets);
        stats_add(out->port->stats, ST_TX_BYTES, bytes);
        if (member_stats) {
            stats_add(member_stats, ST_TX_PKTS, packets);
            stats_add(member_stats, ST_TX_BYTES, bytes);
        }
    }
    t->n_tx = 0;
}

/* Assigns the frame's VLAN per the input port's mode (vlan.c decides).
 * Returns false if the port does not accept it. */
static bool
ingress_vlan(const struct dp_view *in, struct dp_frame *f)
{
    int untagged = in->mode == DP_VLAN_ACCESS ? in->vlan
                   : in->mode == DP_VLAN_TRUNK ? (in->native ? in->native : -1)
                   : 0;

    return vlan_ingress(&f->pi, in->mode == DP_VLAN_ACCESS, untagged,
                        &in->member, &f->vlan, &f->tci);
}

/* Processes one received batch from 'in' (member 'slot' if a team). */
static void
thread_process_batch_rcu(struct dp_thread *t, const struct dp_snapshot *snap,
                         const struct dp_view *in, int slot, int n,
                         uint32_t now, uint64_t now_usec)
{
    uint64_t drops[DP_N_DROPS] = { 0 };
    uint64_t rx_bytes = 0;
    bool learned = false;

    for (int i = 0; i < n; i++) {
        struct mmsghdr *mm = &t->rx_msgs[i];
        const uint8_t *buf = t->rx_buf + (size_t) i * DP_RX_SLOT;
        struct tpacket_auxdata *aux = NULL;
        struct mac_entry *src, *dst = NULL;
        struct dp_frame f;
        int verdict;

        if (mm->msg_len < (unsigned int) NETDEV_VNET_HDR_LEN
            || (mm->msg_hdr.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
            drops[DP_DROP_RUNT]++;
            continue;
        }
        f.tick = mac_tick(now_usec);
        f.vnet = (const void *) buf;
        f.data = buf + NETDEV_VNET_HDR_LEN;
        f.len = mm->msg_len - NETDEV_VNET_HDR_LEN;
        f.l3_parsed = false;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mm->msg_hdr); c;
             c = CMSG_NXTHDR(&mm->msg_hdr, c)) {
            if (c->cmsg_level == SOL_PACKET
                && c->cmsg_type == PACKET_AUXDATA
                && c->cmsg_len >= CMSG_LEN(sizeof *aux)) {
                aux = (struct tpacket_auxdata *) (void *) CMSG_DATA(c);
            }
        }
        if (packet_parse(f.data, f.len,
                         aux && (aux->tp_status & TP_STATUS_VLAN_VALID),
                         aux && (aux->tp_status & TP_STATUS_VLAN_TPID_VALID)
                         ? aux->tp_vlan_tpid : 0,
                         aux ? aux->tp_vlan_tci : 0, &f.pi)) {
            drops[DP_DROP_RUNT]++;
            continue;
        }
        rx_bytes += f.len + (f.pi.tag_source == PACKET_TAG_AUXDATA
                             ? VLAN_HEADER_LEN : 0);
        /* No station sends from a group or null address (the kernel
         * bridge drops these too); link-local control frames belong to
         * the link they arrived on. */
        if (eth_addr_is_multicast(f.pi.eth_src)
            || eth_addr_is_zero(f.pi.eth_src)) {
            drops[DP_DROP_BAD_SRC]++;
            continue;
        }
        if (eth_addr_is_link_local(f.pi.eth_dst)) {
            drops[DP_DROP_LINK_LOCAL]++;
            continue;
        }
        if (!ingress_vlan(in, &f)) {
            drops[DP_DROP_VLAN]++;
            continue;
        }

        src = f.src = mac_table_lookup_rcu(in->bridge->macs, f.vlan,
                                           f.pi.eth_src);
        if (!eth_addr_is_multicast(f.pi.eth_dst)) {
            dst = mac_table_lookup_rcu(in->bridge->macs, f.vlan,
                                       f.pi.eth_dst);
        }

        if (slot >= 0) {
            if (team_frame_is_local(in, &f)) {
                drops[DP_DROP_LOCAL]++;
                continue;
            }
            verdict = team_receive_rules_rcu(in, slot, &f, dst, now_usec);
            if (verdict != DP_N_DROPS) {
                drops[verdict]++;
                continue;
            }
            if (!src || (src->port_no != in->port_no && !src->is_static)) {
                if (reflect_is_echo_rcu(in, &f)) {
                    /* A local station's own frame, flooded back. */
                    drops[DP_DROP_REFLECTION]++;
                    continue;
                }
                if (src && frame_is_announcement(&f)) {
                    /* A local station announces itself from upstream: it
                     * moved to another host (or it is our own announcement
                     * coming back, which the control thread tells apart).
                     * Relearning is all it is for. */
                    if (thread_learn(t, in, f.vlan, f.pi.eth_src, true)) {
                        learned = true;
                    }
                    drops[DP_DROP_REFLECTION]++;
                    continue;
                }
                if (src && src_alive_rcu(src, now)) {
                    /* Upstream sends from the address of a station alive
                     * on this host: not enough to move it (the control
                     * thread counts and logs the conflict). */
                    if (thread_learn(t, in, f.vlan, f.pi.eth_src, false)) {
                        learned = true;
                    }
                    drops[DP_DROP_SRC_CONFLICT]++;
                    continue;
                }
                /* Otherwise a station really behind the team, known here
                 * until now (one forged local frame, or a move without an
                 * announcement): learned and forwarded below. */
            }
        } else if (src && src->port_no != in->port_no && !src->is_static
                   && src_alive_behind_team_rcu(snap, in, src, now)
                   && !frame_is_announcement(&f)) {
            /* A local port sends from the address of a station that is
             * alive behind a team.  Forwarded, the frame would teach the
             * physical network that the station is here; the control
             * thread refuses the move too, and counts and logs it. */
            if (thread_learn(t, in, f.vlan, f.pi.eth_src, false)) {
                learned = true;
            }
            drops[DP_DROP_SRC_CONFLICT]++;
            continue;
        }

        /* Learn the source. */
        if (src && src->port_no == in->port_no) {
            mac_entry_touch_rcu(src, now);
        } else if (!src || !src->is_static) {
            if (thread_learn(t, in, f.vlan, f.pi.eth_src,
                             frame_is_announcement(&f))) {
                learned = true;
            } else {
                drops[DP_DROP_LEARN_QUEUE]++;
            }
        }

        /* Forward: known unicast to its port, else flood the VLAN. */
        if (dst) {
            const struct dp_view *out;

            if (dst->port_no == in->port_no) {
                drops[DP_DROP_LOOP]++;
                continue;
            }
            out = snapshot_find_rcu(snap, in, dst->port_no);
            if (out && out->can_send
                && vlan_bitmap_test(&out->member, f.vlan)) {
                thread_output_port(t, in, out, &f, now_usec, drops);
                continue;
            }
            /* Stale entry (port gone or changed): flood. */
        }
        for (uint32_t k = in->first; k < in->first + in->count; k++) {
            const struct dp_view *out = &snap->views[k];
            if (out != in && out->can_send
                && vlan_bitmap_test(&out->member, f.vlan)) {
                thread_output_port(t, in, out, &f, now_usec, drops);
            }
        }
    }

    thread_flush(t);
    stats_add(in->port->stats, ST_RX_PKTS, n);
    stats_add(in->port->stats, ST_RX_BYTES, rx_bytes);
    if (slot >= 0) {
        uint64_t *ms = in->team->members[slot].stats;
        stats_add(ms, ST_RX_PKTS, n);
        stats_add(ms, ST_RX_BYTES, rx_bytes);
    }
    for (int r = 0; r < DP_N_DROPS; r++) {
        stats_add(in->port->stats, ST_DROPS + r, drops[r]);
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
        uint64_t now_usec;

        /* Poll outside any read section, so an idle thread never holds up
         * a grace period.  The sockets polled may be closed meanwhile: then
         * the generation has changed and the results are ignored. */
        if (poll(t->pfds, t->n_pfds + 1, dp->busy_poll ? 0 : -1) <= 0) {
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
        now_usec = time_usec();
        for (size_t i = 0; i < t->n_pfds; i++) {
            if (OVS_UNLIKELY(t->pfds[i].revents & POLLERR)) {
                /* A pending socket error (ENETDOWN when the device was set
                 * down) keeps poll() returning at once until it is read:
                 * read it, or the thread spins. */
                int err;
                socklen_t len = sizeof err;

                if (getsockopt(t->pfds[i].fd, SOL_SOCKET, SO_ERROR, &err,
                               &len) < 0) {
                    /* Closed meanwhile: the next snapshot drops it. */
                }
            }
            if (t->pfds[i].revents & POLLIN) {
                int n = thread_receive(t, t->pfds[i].fd);
                if (n > 0) {
                    thread_process_batch_rcu(t, snap, t->pviews[i],
                                             t->pslots[i], n,
                                             now_usec / 1000000, now_usec);
                }
            }
        }
        rcu_read_unlock();
    }

    rcu_unregister_thread();
    return NULL;
}
