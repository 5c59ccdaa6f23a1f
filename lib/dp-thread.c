/* dp-thread: the datapath threads' loop, the pipeline function that takes a
 * batch of frames through the stages (dp-pipeline.h), and the stages owned
 * by no other module: parse, lookup (forwarding), the team's receive rules
 * and member selection, and output.
 *
 * Everything here runs on datapath threads: no allocation, lock, logging,
 * GLib call or per-frame system call (tests/check-datapath-symbols.sh keeps
 * it so).  See datapath.h for the design. */
#include <autoconf.h>

#include <string.h>
#include <unistd.h>
#include "dp-pipeline.h"
#include "lacp.h"

static void
stats_add(uint64_t *stats, int idx, uint64_t n)
{
    if (n) {
        uatomic_add(&stats[idx], n);
    }
}

/* The src-port assignment of a VM port, or NULL. */
static const struct dp_team_port *
team_port_find(const struct dp_team_map *map, uint32_t port_no)
{
    size_t lo = 0, hi = map->n_ports;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (map->ports[mid].port_no == port_no) {
            return &map->ports[mid];
        } else if (map->ports[mid].port_no < port_no) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* The member slot a VM port is assigned to (src-port), or TEAM_NONE. */
static int
team_port_slot(const struct dp_team_map *map, uint32_t port_no)
{
    const struct dp_team_port *tp = team_port_find(map, port_no);

    return tp ? tp->slot : TEAM_NONE;
}

/* True if item 'id' of kind 'kind' left member 'slot' less than
 * DP_TEAM_MOVE_GRACE_USEC before 'now_usec' (dp_team_map's 'prev_*'). */
static bool
team_item_left_rcu(const struct dp_team_map *map, enum team_item_kind kind,
                   uint32_t id, int slot, uint64_t now_usec)
{
    const struct dp_team_port *tp;

    switch (kind) {
    case TEAM_ITEM_PORT:
        tp = team_port_find(map, id);
        return tp && tp->prev_slot == slot && now_usec < tp->prev_until;
    case TEAM_ITEM_BUCKET:
        return (id < TEAM_BUCKETS && map->prev_bucket[id] == slot
                && now_usec < map->prev_bucket_until[id]);
    case TEAM_ITEM_ACTIVE:
    default:
        return map->prev_active == slot && now_usec < map->prev_active_until;
    }
}

/* Team 'v''s map, as batch 'b' uses it (noting its first use, unless 'b'
 * is a trace).  The first use reads the clock: the batch's time was read
 * before the thread handled the sockets it found ready, maybe before the
 * map was published. */
static const struct dp_team_map *
team_map_rcu(const struct dp_batch *b, const struct dp_view *v)
{
    struct dp_team_map *map = rcu_dereference(v->team->map);

    if (OVS_UNLIKELY(!CMM_LOAD_SHARED(map->first_use_usec)) && !b->trace) {
        CMM_STORE_SHARED(map->first_use_usec, dp_now_usec(b->t->dp));
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
        || !dp_view_member_attached(team, slot)) {
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
        if (dp_view_member_attached(team, m)
            && (!memcmp(f->pi.eth_dst, team->member_mac[m], ETH_ADDR_LEN)
                || !memcmp(f->pi.eth_src, team->member_mac[m],
                           ETH_ADDR_LEN))) {
            return true;
        }
    }
    return false;
}

/* Picks the member a frame from 'b->in' leaves 'team' on (team_select()),
 * and counts its load (unless 'b' is a trace: then it records the choice
 * and why).  Returns TEAM_NONE when no member can carry it. */
static int
team_select_rcu(const struct dp_batch *b, const struct dp_view *team,
                struct dp_frame *f)
{
    const struct dp_view *in = b->in;
    const struct dp_team_map *map = team_map_rcu(b, team);
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
    if (OVS_UNLIKELY(b->trace)) {
        dp_trace_add(b->trace, &(struct dp_trace_rec) {
                         .stage = DP_TRACE_TEAM_SELECT,
                         .verdict = slot < 0 ? DP_DROP_TEAM_DOWN : DP_PASS,
                         .what = cls->item, .slot = slot,
                         .port_no = team->port_no, .a = item,
                         .b = dp_team_member_of(&sel, cls->item, item),
                         .name = cls->name });
        return slot;
    }
    if (cls->item == TEAM_ITEM_PORT) {
        in->port->team_tx_bytes += f->len;
    } else if (cls->item == TEAM_ITEM_BUCKET) {
        team->team->bucket_bytes[item] += f->len;
    }
    return slot;
}

/* Applies the receive rules of switch-independent teaming to frame 'f'
 * that arrived on member 'b->slot' of team 'b->in' (team_rx_expected()).
 * Returns the drop reason, or DP_N_DROPS to accept. */
static int
team_receive_rules_rcu(const struct dp_batch *b, const struct dp_frame *f)
{
    const struct dp_view *in = b->in;
    const struct mac_entry *dst = f->dst;
    const struct dp_team_map *map = team_map_rcu(b, in);
    struct dp_team_sel sel = { in, map };
    struct team_frame tf;
    bool flooded;
    int expected, verdict;
    uint32_t id;

    if (!map->switch_independent) {
        /* With LACP, a member out of the aggregator (not collecting)
         * delivers nothing (802.1AX): what the partner still sends there
         * is not for us. */
        if (map->lacp && !(map->collecting & (1u << b->slot))) {
            dp_trace_note(b, DP_TRACE_TEAM_RX, DP_DROP_TEAM_RX,
                          DP_TRACE_TEAM_RX_NOT_COLLECTING, in->port_no,
                          b->slot, 0, 0);
            return DP_DROP_TEAM_RX;
        }
        dp_trace_note(b, DP_TRACE_TEAM_RX, DP_PASS, DP_TRACE_TEAM_RX_STATIC,
                      in->port_no, b->slot, 0, 0);
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
    verdict = (expected == TEAM_ANY || b->slot == expected ? DP_PASS
                                                           : DP_DROP_TEAM_RX);
    if (verdict != DP_PASS && !flooded
        && map->cls->rx_item(&tf, map->fields, &id)
        && team_item_left_rcu(map, map->cls->item, id, b->slot,
                              b->now_usec)) {
        /* Sent by upstream before it learned of the move (rule 2's
         * grace). */
        verdict = DP_PASS;
    }
    dp_trace_note(b, DP_TRACE_TEAM_RX, verdict, DP_TRACE_TEAM_RX_RULES,
                  in->port_no, b->slot, expected, 0);
    return verdict;
}

/* The team's receive stage (stage 3, before the policies), for a frame that
 * arrived on member 'b->slot' of team 'b->in': the switch's own link probes
 * are not switched, and the receive rules keep one copy of what upstream
 * floods to every member. */
static int
team_receive_rcu(const struct dp_batch *b, const struct dp_frame *f)
{
    if (team_frame_is_local(b->in, f)) {
        dp_trace_note(b, DP_TRACE_TEAM_RX, DP_DROP_LOCAL,
                      DP_TRACE_TEAM_RX_LOCAL, b->in->port_no, b->slot, 0, 0);
        return DP_DROP_LOCAL;
    }
    return team_receive_rules_rcu(b, f);
}

/* Stage 9, team select: the member of team 'out' that 'f' leaves on (its
 * load counted), or TEAM_NONE when none can carry it. */
static int
team_stage_rcu(const struct dp_batch *b, const struct dp_view *out,
               struct dp_frame *f)
{
    int slot = team_select_rcu(b, out, f);

    if (slot >= 0 && !b->in->team && !b->trace) {
        dp_fdb_note_team_tx_rcu(b, f);
    }
    return slot;
}

static void thread_flush(struct dp_thread *);

/* Stage 10, output: queues frame 'f' on 'out' (member 'slot' if a team),
 * with its tag pushed if 'tag_out', and its tag from the frame popped. */
static void
output_rcu(struct dp_thread *t, const struct dp_view *out, int slot,
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
        tx->fd = out->member_tx_fd[slot];
        tx->mem = OVS_UNLIKELY(tx->fd < 0) ? out->member_mem[slot] : NULL;
        tx->member_stats = out->team->members[slot].stats;
    } else {
        tx->fd = out->tx_fd;
        tx->mem = OVS_UNLIKELY(tx->fd < 0) ? out->mem : NULL;
        tx->member_stats = NULL;
    }
    tx->vnet = *f->vnet;
    tx->n_iov = 0;
    tx->iov[tx->n_iov++] = (struct iovec) { &tx->vnet, NETDEV_VNET_HDR_LEN };
    tx->iov[tx->n_iov++] = (struct iovec) { (void *) f->data, 12 };
    if (tag_out) {
        vlan_tag_put(tx->tag, f->vlan, f->tci);
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

/* Stages 7 to 10 for one output port: VLAN egress, egress policy, team
 * select if 'out' is a team, output.  'flood': 'out' is one of the ports
 * a flood goes to. */
static void
output_port_rcu(struct dp_batch *b, const struct dp_view *out,
                struct dp_frame *f, bool flood)
{
    bool tag_out;
    int slot = -1;

    if (!vlan_port_egress(&out->vlan, f->vlan, f->pi.eth_type, &tag_out)) {
        dp_trace_note(b, DP_TRACE_VLAN_OUT, DP_DROP_VLAN, 0, out->port_no, -1,
                      0, 0);
        b->drops[DP_DROP_VLAN]++;
        return;
    }
    dp_trace_note(b, DP_TRACE_VLAN_OUT, DP_PASS, 0, out->port_no, -1,
                  tag_out, f->vlan);
    if (!dp_policy_egress_rcu(b, out, f, flood)) {
        return;
    }
    if (out->team) {
        slot = team_stage_rcu(b, out, f);
        if (slot < 0) {
            b->drops[DP_DROP_TEAM_DOWN]++;
            return;
        }
    }
    if (OVS_UNLIKELY(b->trace)) {
        dp_trace_note(b, DP_TRACE_OUTPUT, DP_PASS, 0, out->port_no, slot,
                      tag_out, f->vlan);
        return;
    }
    output_rcu(b->t, out, slot, f, tag_out);
}

/* Sends the 'm' messages at 'msgs' on in-memory device 'mem' (tests), as
 * sendmmsg() would.  Returns how many it took, or -1 if it refused the
 * first. */
static int
memory_send(struct netdev_memory *mem, const struct mmsghdr *msgs, size_t m)
{
    int sent = 0;

    while ((size_t) sent < m) {
        const struct msghdr *mh = &msgs[sent].msg_hdr;

        if (netdev_memory_send(mem, mh->msg_iov, mh->msg_iovlen)) {
            break;
        }
        sent++;
    }
    return sent ? sent : -1;
}

/* Sends every queued frame, one sendmmsg per output socket. */
static void
thread_flush(struct dp_thread *t)
{
    size_t n = t->n_tx;

    memset(t->tx_done, 0, n * sizeof t->tx_done[0]);
    for (size_t i = 0; i < n; i++) {
        const struct dp_view *out;
        struct netdev_memory *mem;
        uint64_t *member_stats;
        uint64_t bytes = 0, packets = 0;
        size_t m = 0;
        int fd, sent;

        if (t->tx_done[i]) {
            continue;
        }
        out = t->tx[i].out;
        fd = t->tx[i].fd;
        mem = t->tx[i].mem;
        member_stats = t->tx[i].member_stats;
        for (size_t j = i; j < n; j++) {
            if (!t->tx_done[j] && t->tx[j].fd == fd && t->tx[j].mem == mem) {
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
            sent = (OVS_UNLIKELY(mem)
                    ? memory_send(mem, &t->tx_msgs[k], m - k)
                    : sendmmsg(fd, &t->tx_msgs[k], m - k, MSG_DONTWAIT));
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

/* Frame 'i' of the batch, out of the receive buffer, with the auxiliary
 * data the kernel moved its tag to in '*auxp' (NULL if none).  Returns
 * DP_PASS, or DP_DROP_RUNT for a truncated one. */
static int
receive_frame_rcu(struct dp_batch *b, int i, struct dp_frame *f,
                  const struct tpacket_auxdata **auxp)
{
    struct mmsghdr *mm = &b->t->rx_msgs[i];
    const uint8_t *buf = b->t->rx_buf + (size_t) i * DP_RX_SLOT;
    const struct tpacket_auxdata *aux = NULL;

    if (mm->msg_len < (unsigned int) NETDEV_VNET_HDR_LEN
        || (mm->msg_hdr.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
        return DP_DROP_RUNT;
    }
    f->vnet = (const void *) buf;
    f->data = buf + NETDEV_VNET_HDR_LEN;
    f->len = mm->msg_len - NETDEV_VNET_HDR_LEN;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mm->msg_hdr); c;
         c = CMSG_NXTHDR(&mm->msg_hdr, c)) {
        if (c->cmsg_level == SOL_PACKET
            && c->cmsg_type == PACKET_AUXDATA
            && c->cmsg_len >= CMSG_LEN(sizeof *aux)) {
            aux = (const struct tpacket_auxdata *) (void *) CMSG_DATA(c);
        }
    }
    *auxp = aux;
    return DP_PASS;
}

/* Stage 1's slow-protocol case: a LACPDU that arrived on member 'b->slot'
 * of a LACP team goes to the control thread.  (The map is read directly,
 * not with team_map_rcu(): a LACPDU is no use of a new map, whose first
 * use times a migration.) */
static int
parse_slow_rcu(struct dp_batch *b, const struct dp_frame *f)
{
    const struct dp_team_map *map = rcu_dereference(b->in->team->map);
    struct dp_thread *t = b->t;
    uint32_t head, tail;
    struct dp_slow *s;

    if (f->pi.eth_type != LACP_ETH_TYPE || !map->lacp
        || memcmp(f->pi.eth_dst, lacp_dst_mac, ETH_ADDR_LEN)) {
        return DP_DROP_LINK_LOCAL;
    }
    if (OVS_UNLIKELY(b->trace)) {
        return DP_DROP_LACP;
    }
    head = t->slow_head;
    tail = CMM_LOAD_SHARED(t->slow_tail);
    if (head - tail >= DP_SLOW_RING) {
        return DP_DROP_LACP_QUEUE;
    }
    s = &t->slow[head % DP_SLOW_RING];
    s->port_no = b->in->port_no;
    s->slot = b->slot;
    s->len = MIN(f->len, DATAPATH_SLOW_LEN);
    memcpy(s->frame, f->data, s->len);
    cmm_smp_wmb();
    CMM_STORE_SHARED(t->slow_head, head + 1);
    b->learned = true;
    return DP_DROP_LACP;
}

/* Stage 1, parse: frame 'f' (its bytes set), with the tag the kernel moved
 * to the auxiliary data 'aux' (or NULL) put back.  Frames no station may
 * send, and link-local control frames (they belong to the link they
 * arrived on), go no further. */
static int
parse_rcu(struct dp_batch *b, struct dp_frame *f,
          const struct tpacket_auxdata *aux)
{
    f->l3_parsed = false;
    f->no_learn = false;
    if (packet_parse(f->data, f->len,
                     aux && (aux->tp_status & TP_STATUS_VLAN_VALID),
                     aux && (aux->tp_status & TP_STATUS_VLAN_TPID_VALID)
                     ? aux->tp_vlan_tpid : 0,
                     aux ? aux->tp_vlan_tci : 0, &f->pi)) {
        return DP_DROP_RUNT;
    }
    b->rx_bytes += f->len + (f->pi.tag_source == PACKET_TAG_AUXDATA
                             ? VLAN_HEADER_LEN : 0);
    /* No station sends from a group or null address (the kernel bridge
     * drops these too). */
    if (eth_addr_is_multicast(f->pi.eth_src)
        || eth_addr_is_zero(f->pi.eth_src)) {
        return DP_DROP_BAD_SRC;
    }
    if (eth_addr_is_link_local(f->pi.eth_dst)) {
        if (b->slot >= 0) {
            return parse_slow_rcu(b, f);
        }
        return (OVS_UNLIKELY(b->in->policy.bpdu_guard)
                ? dp_policy_link_local_rcu(b, f) : DP_DROP_LINK_LOCAL);
    }
    return DP_PASS;
}

/* Stage 6, lookup: a known destination's port gets the frame, or, for a
 * group or unknown destination, every port of its VLAN but the input (a
 * team counts as one port). */
static int
lookup_rcu(struct dp_batch *b, struct dp_frame *f)
{
    const struct dp_view *in = b->in;

    if (f->dst) {
        const struct dp_view *out;

        if (f->dst->port_no == in->port_no) {
            dp_trace_note(b, DP_TRACE_LOOKUP, DP_DROP_LOOP,
                          DP_TRACE_LOOKUP_LOOP, in->port_no, -1, 0, 0);
            return DP_DROP_LOOP;
        }
        out = dp_snapshot_find_rcu(b, f->dst->port_no);
        if (out && out->can_send && vlan_port_carries(&out->vlan, f->vlan)) {
            dp_trace_note(b, DP_TRACE_LOOKUP, DP_PASS, DP_TRACE_LOOKUP_KNOWN,
                          out->port_no, -1, 0, 0);
            output_port_rcu(b, out, f, false);
            return DP_PASS;
        }
        /* Stale entry (port gone or changed): flood. */
        dp_trace_note(b, DP_TRACE_LOOKUP, DP_PASS, DP_TRACE_LOOKUP_STALE,
                      f->dst->port_no, -1, 0, 0);
    } else {
        dp_trace_note(b, DP_TRACE_LOOKUP, DP_PASS, DP_TRACE_LOOKUP_FLOOD, 0,
                      -1, 0, 0);
    }
    for (uint32_t k = b->first; k < b->first + b->count; k++) {
        const struct dp_view *out = b->snap->entries[k].view;

        if (out != in && out->can_send
            && vlan_port_carries(&out->vlan, f->vlan)) {
            output_port_rcu(b, out, f, true);
        }
    }
    return DP_PASS;
}

/* Records stages 1 to 3's results in 'b''s trace. */
static void
trace_ingress(const struct dp_batch *b, const struct dp_frame *f,
              enum dp_trace_stage stage, int verdict)
{
    const struct packet_info *pi = &f->pi;
    uint32_t what = 0;

    switch (stage) {
    case DP_TRACE_PARSE:
        dp_trace_note(b, stage, verdict, pi->tag_source, 0, -1,
                      pi->eth_type,
                      pi->vlan_present ? 0x10000u | pi->vlan_tci : 0);
        break;
    case DP_TRACE_VLAN_IN:
        dp_trace_note(b, stage, verdict, 0, 0, -1, f->vlan, f->tci);
        break;
    case DP_TRACE_ENTRIES:
        what = ((f->src && f->src->is_static ? DP_TRACE_SRC_STATIC : 0)
                | (f->dst && f->dst->is_static ? DP_TRACE_DST_STATIC : 0)
                | (eth_addr_is_multicast(pi->eth_dst)
                   ? DP_TRACE_DST_GROUP : 0));
        dp_trace_note(b, stage, verdict, what, 0, -1,
                      f->src ? f->src->port_no : 0,
                      f->dst ? f->dst->port_no : 0);
        break;
    default:
        break;
    }
}

/* The pipeline from stage 1 on, for frame 'f' whose bytes are set, with
 * the kernel's auxiliary data 'aux' (or NULL).  Returns DP_PASS, or why
 * the frame was dropped. */
static int
pipeline_frame_rcu(struct dp_batch *b, struct dp_frame *f,
                   const struct tpacket_auxdata *aux)
{
    int verdict;

    verdict = parse_rcu(b, f, aux);
    if (OVS_UNLIKELY(b->trace)) {
        trace_ingress(b, f, DP_TRACE_PARSE, verdict);
    }
    if (verdict != DP_PASS) {
        return verdict;
    }
    if (!vlan_port_ingress(&b->in->vlan, &f->pi, &f->vlan, &f->tci)) {
        dp_trace_note(b, DP_TRACE_VLAN_IN, DP_DROP_VLAN, 0, 0, -1, 0, 0);
        return DP_DROP_VLAN;
    }
    dp_fdb_lookup_rcu(b, f);
    if (OVS_UNLIKELY(b->trace)) {
        trace_ingress(b, f, DP_TRACE_VLAN_IN, DP_PASS);
        trace_ingress(b, f, DP_TRACE_ENTRIES, DP_PASS);
    }
    if (b->slot >= 0) {
        verdict = team_receive_rcu(b, f);
        if (verdict != DP_PASS) {
            return verdict;
        }
    }
    verdict = dp_policy_ingress_rcu(b, f);
    if (verdict != DP_PASS) {
        return verdict;
    }
    verdict = dp_fdb_learn_rcu(b, f);
    dp_trace_note(b, DP_TRACE_LEARN, verdict, DP_TRACE_LEARN_VERDICT, 0, -1,
                  0, 0);
    if (verdict != DP_PASS) {
        return verdict;
    }
    return lookup_rcu(b, f);
}

/* The pipeline: frame 'i' of the batch through the stages, in order (see
 * dp-pipeline.h).  Returns DP_PASS, or why the frame was dropped. */
static int
pipeline_rcu(struct dp_batch *b, int i)
{
    const struct tpacket_auxdata *aux;
    struct dp_frame f;
    int verdict;

    verdict = receive_frame_rcu(b, i, &f, &aux);
    return verdict != DP_PASS ? verdict : pipeline_frame_rcu(b, &f, aux);
}

int
dp_thread_trace_rcu(const struct dp_snapshot *snap, const struct dp_entry *in,
                    int slot, const uint8_t *frame, size_t len,
                    uint64_t now_usec, struct dp_trace *trace)
{
    static const struct virtio_net_hdr no_offload;
    struct dp_batch b = {
        .snap = snap, .in = in->view, .slot = slot,
        .first = in->first, .count = in->count,
        .now = now_usec / 1000000, .now_usec = now_usec,
        .tick = mac_tick(now_usec), .trace = trace,
    };
    struct dp_frame f = { .vnet = &no_offload, .data = frame, .len = len };
    int verdict;

    dp_policy_batch_init_rcu(&b);
    verdict = pipeline_frame_rcu(&b, &f, NULL);
    memcpy(trace->counted, b.drops, sizeof trace->counted);
    if (verdict != DP_PASS) {
        trace->counted[verdict]++;
    }
    trace->verdict = verdict;
    return verdict;
}

int
dp_thread_process_rcu(struct dp_thread *t, const struct dp_snapshot *snap,
                      const struct dp_entry *e, int slot, int n,
                      uint64_t now_usec)
{
    const struct dp_view *in = e->view;
    struct dp_batch b = {
        .t = t, .snap = snap, .in = in, .slot = slot,
        .first = e->first, .count = e->count,
        .now = now_usec / 1000000, .now_usec = now_usec,
        .tick = mac_tick(now_usec),
    };

    dp_policy_batch_init_rcu(&b);
    for (int i = 0; i < n; i++) {
        int verdict = pipeline_rcu(&b, i);

        if (verdict != DP_PASS) {
            b.drops[verdict]++;
        }
    }

    thread_flush(t);
    stats_add(in->port->stats, ST_RX_PKTS, n);
    stats_add(in->port->stats, ST_RX_BYTES, b.rx_bytes);
    if (slot >= 0) {
        uint64_t *ms = in->team->members[slot].stats;
        stats_add(ms, ST_RX_PKTS, n);
        stats_add(ms, ST_RX_BYTES, b.rx_bytes);
    }
    for (int r = 0; r < DP_N_DROPS; r++) {
        stats_add(in->port->stats, ST_DROPS + r, b.drops[r]);
    }
    if (b.learned) {
        uint64_t one = 1;
        if (write(t->dp->learn_fd, &one, sizeof one) < 0) {
            /* The counter is saturated: the control thread is awake. */
        }
    }
    return b.drops[DP_DROP_STORM];
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
    dp_sockets_rebuild(t, rcu_dereference(dp->snap));
    rcu_read_unlock();

    while (!CMM_LOAD_SHARED(dp->exiting)) {
        const struct dp_snapshot *snap;
        uint64_t now_usec;

        /* Poll outside any read section, so an idle thread never holds up
         * a grace period.  The sockets polled may be closed meanwhile: then
         * the generation has changed and the results are ignored. */
        int timeout = dp_sockets_mute(t);
        bool received = false;

        if (dp->busy_poll
            || (t->awake_until && dp_now_usec(dp) < t->awake_until)) {
            timeout = 0;
        } else {
            t->awake_until = 0;
        }
        int n_ev = epoll_wait(t->epfd, t->evs, (int) t->n_pfds + 1,
                              timeout);
        if (n_ev <= 0) {
            continue;
        }
        for (int k = 0; k < n_ev; k++) {
            if (!t->evs[k].data.u64) {
                uint64_t v;
                if (read(t->kick_fd, &v, sizeof v) < 0) {
                    /* Nothing pending after all. */
                }
            }
        }

        rcu_read_lock();
        snap = rcu_dereference(dp->snap);
        if (snap->gen != t->gen) {
            dp_sockets_rebuild(t, snap);
            rcu_read_unlock();
            continue;
        }
        now_usec = dp_now_usec(dp);
        for (int k = 0; k < n_ev; k++) {
            uint32_t events = t->evs[k].events;
            int i = dp_sockets_index(t, t->evs[k].data.u64);

            if (i < 0) {
                continue;
            }
            if (OVS_UNLIKELY(events & EPOLLERR)) {
                /* A pending socket error (ENETDOWN when the device was set
                 * down) keeps epoll_wait() returning at once until it is
                 * read: read it, or the thread spins. */
                int err;
                socklen_t len = sizeof err;

                if (getsockopt(t->pfds[i], SOL_SOCKET, SO_ERROR, &err,
                               &len) < 0) {
                    /* Closed meanwhile: the next snapshot drops it. */
                }
            }
            if (events & EPOLLIN) {
                int n = thread_receive(t, t->pfds[i]);

                received |= n > 0;
                if (n > 0
                    && dp_thread_process_rcu(t, snap, t->pentries[i],
                                             t->pslots[i], n, now_usec)
                       >= DP_BATCH / 2) {
                    dp_sockets_quiet(t, i, now_usec);
                }
            }
        }
        rcu_read_unlock();
        if (received && dp->poll_window_usec) {
            t->awake_until = now_usec + dp->poll_window_usec;
        }
    }

    rcu_unregister_thread();
    return NULL;
}
