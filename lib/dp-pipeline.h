/* dp-pipeline: the stages a frame goes through on a datapath thread.
 *
 * dp-thread.c's pipeline function calls them in this order, for each frame
 * of a batch received from one port (or one member of a team):
 *
 *   1. parse          dp-thread.c: the frame and its offload header out of
 *                     the receive buffer, packet_parse() (packet.c) with the
 *                     tag the kernel moved to the auxiliary data; runts, a
 *                     group or null source and link-local destinations are
 *                     dropped; a BPDU trips the port's BPDU guard
 *                     (dp_policy_link_local_rcu()); a LACPDU on a member
 *                     of a LACP team is queued for the control thread.
 *   2. VLAN ingress   vlan.c, vlan_port_ingress(): the frame's VLAN, or a
 *                     drop.
 *   3. entries        dp-fdb.c, dp_fdb_lookup_rcu(): the source's and
 *                     destination's MAC entries, looked up once; a frame
 *                     from a team passes the team's receive rules
 *                     (dp-thread.c).
 *   4. policy         dp-policy.c, dp_policy_ingress_rcu(): the input
 *                     port's policies: blocked (disabled or BPDU guard),
 *                     allowed source MACs, MTU, DHCP and RA guards, MAC
 *                     limit, storm limit, rate-out.
 *   5. learn          dp-fdb.c, dp_fdb_learn_rcu(): refreshes the source's
 *                     entry or queues a learning request for the control
 *                     thread (the datapath never writes the table), and
 *                     drops a local station's frames reflected by upstream
 *                     and forged sources.
 *   6. lookup         dp-thread.c: a known destination's port, or a flood to
 *                     every port of the VLAN but the input.
 *   For each output port:
 *   7. VLAN egress    vlan.c, vlan_port_egress(): tagged or not, or a drop;
 *                     decided before the team counts the frame's load.
 *   8. egress policy  dp-policy.c, dp_policy_egress_rcu(): the output
 *                     port's policies: blocked, isolation, strict MAC
 *                     security, MTU, rate-in.
 *   9. team select    dp-thread.c's team code: the member of an output team
 *                     (team_select_rcu(), through the team's policy class,
 *                     team-policy.h).
 *  10. output         dp-thread.c: the frame queued on the output device,
 *                     its tag pushed (vlan_tag_put()) or popped; the queue
 *                     goes out once per batch, one sendmmsg per socket.
 *
 * A stage returns DP_PASS, or the reason the frame is dropped, which the
 * pipeline counts on the input port.
 *
 * Tracing (dp-trace.h, "vswitch-ctl trace"): the same stages run on one
 * frame with 'trace' set in the batch (and no thread): each records its
 * decision with dp_trace_note(), and each step with a side effect
 * (learning queued, entry refreshed, bucket charged, guard tripped, load
 * or counter added, frame queued for output) records it instead of doing
 * it.  A new side effect in a stage must do the same.
 *
 * Thread-safety: datapath threads only (and the control thread for frames
 * pushed into in-memory devices), inside an RCU read section; no
 * allocation, lock, logging or GLib call. */
#ifndef VSWITCH_DP_PIPELINE_H
#define VSWITCH_DP_PIPELINE_H 1

#include "datapath-private.h"
#include "dp-trace.h"

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
    bool no_learn;                 /* The policy stage forbids learning the
                                    * source (MAC limit, action flood). */
};

/* What the stages share while a batch from one port goes through. */
struct dp_batch {
    struct dp_thread *t;           /* The thread: its learning queue and
                                    * output queue. */
    const struct dp_snapshot *snap; /* The snapshot the batch runs on. */
    const struct dp_view *in;      /* The input port. */
    uint32_t first, count;         /* Its bridge's entries in 'snap'. */
    int slot;                      /* Team member it arrived on, or -1. */
    uint32_t now;                  /* Time, in seconds (MAC entries). */
    uint64_t now_usec;             /* Time, in time_usec() units. */
    uint32_t tick;                 /* mac_tick(now_usec). */
    uint64_t rx_bytes;             /* Bytes received, as on the wire. */
    bool learned;                  /* A learning request or a LACPDU was
                                    * queued, or a BPDU guard tripped: wake
                                    * the control thread. */
    int blocked;                   /* DP_PASS, or why everything from the
                                    * port is dropped (DP_DROP_DISABLED,
                                    * DP_DROP_BPDU_GUARD). */
    bool policy_in;                /* The slow path of the ingress policy
                                    * stage runs: in->policy_in, or
                                    * blocked. */
    uint64_t drops[DP_N_DROPS];    /* Drops by reason, added to the input
                                    * port's counters at the end. */
    struct dp_trace *trace;        /* NULL, or a trace (dp-trace.h): the
                                    * stages record their decisions and
                                    * leave out their side effects; then
                                    * 't' is NULL. */
};

/* Records a decision in 'b''s trace, if it has one (dp-trace.h says what
 * the values mean for each stage).  A test per call on the fast path. */
static inline void
dp_trace_note(const struct dp_batch *b, enum dp_trace_stage stage,
              int verdict, int what, uint32_t port_no, int slot,
              uint32_t a, uint32_t b_)
{
    if (OVS_UNLIKELY(b->trace)) {
        dp_trace_add(b->trace, &(struct dp_trace_rec) {
                         .stage = stage, .verdict = verdict, .what = what,
                         .slot = slot, .port_no = port_no, .a = a,
                         .b = b_ });
    }
}

/* ---- dp-policy.c: the policy stages ---- */

/* Policers keep time in ticks of 2^-DP_POLICY_TICK_SHIFT microseconds. */
#define DP_POLICY_TICK_SHIFT 12

/* Control thread: fills the policy part of view 'v' from 'v->policy' (and
 * the port's BPDU guard state), with the rate limits' bucket depths in
 * bytes (port_rate_burst()). */
void dp_policy_view_init(struct dp_view *v, uint64_t rate_in_burst,
                         uint64_t rate_out_burst);

/* Start of a batch from 'b->in': sets 'b->blocked' and 'b->policy_in'. */
void dp_policy_batch_init_rcu(struct dp_batch *);

/* Stage 1's link-local drop, for a port with BPDU guard: a BPDU trips the
 * guard (the port is blocked from this frame on, the control thread is
 * told).  Returns the drop reason. */
int dp_policy_link_local_rcu(struct dp_batch *, const struct dp_frame *);

int dp_policy_ingress_slow_rcu(struct dp_batch *, struct dp_frame *);
int dp_policy_mac_limit_rcu(struct dp_batch *, struct dp_frame *);
bool dp_policy_egress_slow_rcu(struct dp_batch *, const struct dp_view *out,
                               const struct dp_frame *, bool flood);

/* Stage 4, ingress policy: DP_PASS, or the drop reason.  May set
 * 'f->no_learn'.  Inline: a port with the default policy costs a test or
 * two per frame. */
static inline int
dp_policy_ingress_rcu(struct dp_batch *b, struct dp_frame *f)
{
    const struct dp_view *in = b->in;

    if (OVS_UNLIKELY(b->policy_in)) {
        return dp_policy_ingress_slow_rcu(b, f);
    }
    if (in->policy.mac_limit
        && OVS_UNLIKELY(!f->src || f->src->port_no != in->port_no)) {
        return dp_policy_mac_limit_rcu(b, f);
    }
    return DP_PASS;
}

/* Stage 8, egress policy: true if 'f' may go out on 'out'.  A drop is
 * counted (on the input port through 'b', or on 'out' for its own rate-in
 * and MTU), except that a flood ('flood') skips the ports that isolation or
 * strict MAC security keep it from without counting. */
static inline bool
dp_policy_egress_rcu(struct dp_batch *b, const struct dp_view *out,
                     const struct dp_frame *f, bool flood)
{
    return OVS_LIKELY(!out->policy_out)
           || dp_policy_egress_slow_rcu(b, out, f, flood);
}

/* dp-fdb.c: stages 3 and 5, entries and learning. */
void dp_fdb_lookup_rcu(const struct dp_batch *, struct dp_frame *);
int dp_fdb_learn_rcu(struct dp_batch *, struct dp_frame *);
/* A frame from local port 'b->in' goes into a team: note it, to know it
 * when upstream reflects it back. */
void dp_fdb_note_team_tx_rcu(const struct dp_batch *,
                             const struct dp_frame *);

/* The view of 'port_no' among the entries of 'b''s bridge (sorted by
 * port number), or NULL.  Inline: the lookup stage and learning both run
 * it per frame, and neither file then calls the other for it. */
static inline const struct dp_view *
dp_snapshot_find_rcu(const struct dp_batch *b, uint32_t port_no)
{
    const struct dp_entry *e = b->snap->entries;
    size_t lo = b->first, hi = (size_t) b->first + b->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t no = e[mid].port_no;

        if (no == port_no) {
            return e[mid].view;
        } else if (no < port_no) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

#endif /* dp-pipeline.h */
