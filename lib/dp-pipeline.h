/* dp-pipeline: the stages a frame goes through on a datapath thread.
 *
 * dp-thread.c's pipeline function calls them in this order, for each frame
 * of a batch received from one port (or one member of a team):
 *
 *   1. parse          dp-thread.c: the frame and its offload header out of
 *                     the receive buffer, packet_parse() (packet.c) with the
 *                     tag the kernel moved to the auxiliary data; runts, a
 *                     group or null source and link-local destinations are
 *                     dropped.
 *   2. VLAN ingress   vlan.c, vlan_port_ingress(): the frame's VLAN, or a
 *                     drop.
 *   3. policy         dp_policy_ingress_rcu() below: the slot for per-port
 *                     ingress policies.  Empty: no policy exists yet.
 *   4. learn          dp-fdb.c: the source's and destination's MAC entries
 *                     are looked up once; a frame from a team passes the
 *                     team's receive rules first (dp-thread.c); then
 *                     dp_fdb_learn_rcu() refreshes the source's entry or
 *                     queues a learning request for the control thread (the
 *                     datapath never writes the table), and drops a local
 *                     station's frames reflected by upstream and forged
 *                     sources.
 *   5. lookup         dp-thread.c: a known destination's port, or a flood to
 *                     every port of the VLAN but the input.
 *   For each output port:
 *   6. VLAN egress    vlan.c, vlan_port_egress(): tagged or not, or a drop;
 *                     decided before the team counts the frame's load.
 *   7. team select    dp-thread.c's team code: the member of an output team
 *                     (team_select_rcu(), through the team's policy class,
 *                     team-policy.h).
 *   8. output         dp-thread.c: the frame queued on the output device,
 *                     its tag pushed (vlan_tag_put()) or popped; the queue
 *                     goes out once per batch, one sendmmsg per socket.
 *
 * A stage returns DP_PASS, or the reason the frame is dropped, which the
 * pipeline counts on the input port.
 *
 * Thread-safety: datapath threads only (and the control thread for frames
 * pushed into in-memory devices), inside an RCU read section; no
 * allocation, lock, logging or GLib call. */
#ifndef VSWITCH_DP_PIPELINE_H
#define VSWITCH_DP_PIPELINE_H 1

#include "datapath-private.h"

/* A stage's verdict: the frame goes on. */
#define DP_PASS DP_N_DROPS

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
    struct mac_entry *dst;         /* The destination's, or NULL (also for
                                    * a group address). */
};

/* What the stages share while a batch from one port goes through. */
struct dp_batch {
    struct dp_thread *t;           /* The thread: its learning queue and
                                    * output queue. */
    const struct dp_snapshot *snap; /* The snapshot the batch runs on. */
    const struct dp_view *in;      /* The input port. */
    int slot;                      /* Team member it arrived on, or -1. */
    uint32_t now;                  /* Time, in seconds (MAC entries). */
    uint64_t now_usec;             /* Time, in time_usec() units. */
    uint32_t tick;                 /* mac_tick(now_usec). */
    uint64_t rx_bytes;             /* Bytes received, as on the wire. */
    bool learned;                  /* A learning request was queued: wake
                                    * the control thread. */
    uint64_t drops[DP_N_DROPS];    /* Drops by reason, added to the input
                                    * port's counters at the end. */
};

/* Stage 3, the ingress policy slot: where per-port policies (source MAC
 * security, MAC limit, DHCP/RA guards, storm and rate limits) will decide,
 * once they exist.  None does yet: every frame passes. */
static inline int
dp_policy_ingress_rcu(const struct dp_batch *b, const struct dp_frame *f)
{
    (void) b;
    (void) f;
    return DP_PASS;
}

/* dp-fdb.c: stage 4, learning. */
void dp_fdb_lookup_rcu(const struct dp_batch *, struct dp_frame *);
int dp_fdb_learn_rcu(struct dp_batch *, struct dp_frame *);
/* A frame from local port 'b->in' goes into a team: note it, to know it
 * when upstream reflects it back. */
void dp_fdb_note_team_tx_rcu(const struct dp_batch *,
                             const struct dp_frame *);

/* The view of 'port_no' among the views of 'in''s bridge (sorted by port
 * number), or NULL.  Inline: the lookup stage and learning both run it per
 * frame, and neither file then calls the other for it. */
static inline const struct dp_view *
dp_snapshot_find_rcu(const struct dp_snapshot *snap,
                     const struct dp_view *in, uint32_t port_no)
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

#endif /* dp-pipeline.h */
