/* dp-fdb: the datapath's entry lookup and learning stages (dp-pipeline.h,
 * stages 3 and 5).
 *
 * Reads the bridge's MAC table (mac-table.h) under RCU and never writes
 * it: a new source, or a known one on a new port, is queued on the
 * thread's learning queue for the control thread (datapath_run_learning()
 * in datapath.c, which applies learn_allowed() and mac_table_learn()).
 * Here are also the rules that keep a team's upstream from teaching the
 * table wrong: a local station's own frames flooded back (reflections) and
 * sources forged across a team are dropped, not learned.
 *
 * Datapath code: no allocation, lock, logging or GLib call
 * (tests/check-datapath-symbols.sh). */
#include <autoconf.h>

#include <string.h>
#include "arp.h"
#include "dp-pipeline.h"

/* Queues a learning request; false if the queue is full. */
static bool
fdb_queue_learn(struct dp_batch *b, const struct dp_frame *f, bool announce)
{
    struct dp_thread *t = b->t;
    uint32_t head, tail;
    struct dp_learn *l;

    if (OVS_UNLIKELY(b->trace)) {
        dp_trace_note(b, DP_TRACE_LEARN, DP_PASS,
                      announce ? DP_TRACE_LEARN_ANNOUNCE
                               : DP_TRACE_LEARN_QUEUE,
                      b->in->port_no, -1, f->src ? f->src->port_no : 0, 0);
        return true;
    }
    head = t->ring_head;
    tail = CMM_LOAD_SHARED(t->ring_tail);
    if (head - tail >= DP_LEARN_RING) {
        return false;
    }
    l = &t->ring[head % DP_LEARN_RING];
    l->bridge_id = b->in->bridge->id;
    l->port_no = b->in->port_no;
    l->announce = announce;
    l->vlan = f->vlan;
    memcpy(l->mac, f->pi.eth_src, ETH_ADDR_LEN);
    cmm_smp_wmb();
    CMM_STORE_SHARED(t->ring_head, head + 1);
    b->learned = true;
    return true;
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

void
dp_fdb_note_team_tx_rcu(const struct dp_batch *b, const struct dp_frame *f)
{
    if (f->src && f->src->port_no == b->in->port_no) {
        mac_entry_mark_team_tx_rcu(f->src, b->tick);
    } else {
        pending_note(b->in->bridge, pending_hash(f->vlan, f->pi.eth_src),
                     b->tick);
    }
}

/* A frame arrived from team 'b->in' with a source that is not known on the
 * team: true if it is a local station's own frame coming back. */
static bool
reflect_is_echo_rcu(const struct dp_batch *b, const struct dp_frame *f)
{
    return (f->src && tick_recent(CMM_LOAD_SHARED(f->src->team_tx), b->tick))
           || pending_recent(b->in->bridge,
                             pending_hash(f->vlan, f->pi.eth_src), b->tick);
}

/* True if the station of entry 'src' was seen where it is learned within
 * DP_ALIVE_SECS of 'now' (seconds). */
static bool
src_alive_rcu(const struct mac_entry *src, uint32_t now)
{
    return (int32_t) (now - CMM_LOAD_SHARED(src->used)) <= DP_ALIVE_SECS;
}

/* True if 'src' is learned on a team of 'b->in''s bridge and alive
 * there. */
static bool
src_alive_behind_team_rcu(const struct dp_batch *b,
                          const struct mac_entry *src)
{
    const struct dp_view *holder = dp_snapshot_find_rcu(b, src->port_no);

    return holder && holder->team && src_alive_rcu(src, b->now);
}

/* True if a gratuitous ARP or a RARP: how a station announces a move. */
static bool
frame_is_announcement(const struct dp_frame *f)
{
    return arp_is_announcement(f->pi.eth_type, f->data + f->pi.payload_ofs,
                               f->len - f->pi.payload_ofs);
}

void
dp_fdb_lookup_rcu(const struct dp_batch *b, struct dp_frame *f)
{
    const struct mac_table *macs = b->in->bridge->macs;

    f->src = mac_table_lookup_rcu(macs, f->vlan, f->pi.eth_src);
    f->dst = (eth_addr_is_multicast(f->pi.eth_dst) ? NULL
              : mac_table_lookup_rcu(macs, f->vlan, f->pi.eth_dst));
}

/* A frame from a team member that passed the team's receive rules, with a
 * source not learned on the team: a local station's frame reflected, an
 * announcement of a move, a conflict, or (DP_PASS) a station really behind
 * the team. */
static int
fdb_from_team_rcu(struct dp_batch *b, const struct dp_frame *f)
{
    const struct mac_entry *src = f->src;

    if (reflect_is_echo_rcu(b, f)) {
        /* A local station's own frame, flooded back. */
        return DP_DROP_REFLECTION;
    }
    if (src && frame_is_announcement(f)) {
        /* A local station announces itself from upstream: it moved to
         * another host (or it is our own announcement coming back, which
         * the control thread tells apart).  Relearning is all it is for. */
        fdb_queue_learn(b, f, true);
        return DP_DROP_REFLECTION;
    }
    if (src && src_alive_rcu(src, b->now)) {
        /* Upstream sends from the address of a station alive on this
         * host: not enough to move it (the control thread counts and logs
         * the conflict). */
        fdb_queue_learn(b, f, false);
        return DP_DROP_SRC_CONFLICT;
    }
    /* Otherwise a station really behind the team, known here until now
     * (one forged local frame, or a move without an announcement): learned
     * and forwarded. */
    return DP_PASS;
}

int
dp_fdb_learn_rcu(struct dp_batch *b, struct dp_frame *f)
{
    const struct dp_view *in = b->in;
    struct mac_entry *src = f->src;

    if (b->slot >= 0) {
        if (!src || (src->port_no != in->port_no && !src->is_static)) {
            int verdict = fdb_from_team_rcu(b, f);

            if (verdict != DP_PASS) {
                return verdict;
            }
        }
    } else if (src && src->port_no != in->port_no && !src->is_static
               && src_alive_behind_team_rcu(b, src)
               && !frame_is_announcement(f)) {
        /* A local port sends from the address of a station that is alive
         * behind a team.  Forwarded, the frame would teach the physical
         * network that the station is here; the control thread refuses the
         * move too, and counts and logs it. */
        fdb_queue_learn(b, f, false);
        return DP_DROP_SRC_CONFLICT;
    }

    if (src && src->port_no == in->port_no) {
        if (OVS_LIKELY(!b->trace)) {
            mac_entry_touch_rcu(src, b->now);
        }
        dp_trace_note(b, DP_TRACE_LEARN, DP_PASS, DP_TRACE_LEARN_REFRESH,
                      in->port_no, -1, src->port_no, 0);
    } else if (OVS_UNLIKELY(b->trace) && (f->no_learn
                                         || (src && src->is_static))) {
        dp_trace_note(b, DP_TRACE_LEARN, DP_PASS,
                      f->no_learn ? DP_TRACE_LEARN_NO_LEARN
                                  : DP_TRACE_LEARN_STATIC,
                      in->port_no, -1, src ? src->port_no : 0, 0);
    } else if ((!src || !src->is_static) && !f->no_learn
               && !fdb_queue_learn(b, f, frame_is_announcement(f))) {
        /* Not learned, still forwarded. */
        b->drops[DP_DROP_LEARN_QUEUE]++;
    }
    return DP_PASS;
}
