/* dp-policy: the per-port policy stages (dp-pipeline.h, stages 4 and 8),
 * which enforce each port's 'struct port_policy' (port-policy.h).
 *
 * Ingress, for a frame received from a port: a blocked port (disabled, or
 * its BPDU guard tripped) takes nothing; then the allowed source MACs, the
 * MTU, the DHCP and RA guards (packet_guard_classify(), packet.c), the MAC
 * limit, the storm limit and rate-out, in that order, so that a frame
 * dropped for one reason consumes no other budget.  Egress, for each port a
 * frame goes out on: blocked, isolation, strict MAC security, MTU and
 * rate-in.
 *
 * Policers (rate-in, rate-out, storm-limit) are token buckets kept as a
 * virtual time (GCRA): a bucket is one 64-bit word, the time at which it
 * would be full again ("theoretical arrival time"), in DP_POLICY_TICKs of
 * the batch's clock (the test clock in tests).  A frame costing C ticks
 * passes if the bucket, of depth D ticks, has room: max(tat, now) - now +
 * min(C, D) <= D; then tat = max(tat, now) + C.  Charging the whole cost
 * even past the depth lets a GSO super-frame larger than the bucket pass
 * when the bucket is full, and makes the senders behind it wait for the
 * whole of it: the rate stays exact.  rate-out and storm-limit are charged
 * only by the thread that reads the port (a plain store); rate-in by any
 * thread that sends to the port (compare-and-swap).
 *
 * The MAC limit: the port's count of learned entries (dp_port.n_macs, kept
 * by the MAC table's count hook on the control thread) against the limit,
 * for a source not learned on the port.  The control thread refuses to
 * learn past the limit too (mac_table_learn_limited()), for the frames that
 * raced past this check before the count caught up.
 *
 * Datapath code: no allocation, lock, logging or GLib call
 * (tests/check-datapath-symbols.sh); dp_policy_view_init() is the control
 * thread's, called when a snapshot is made. */
#include <autoconf.h>

#include <linux/virtio_net.h>
#include <string.h>
#include "dp-pipeline.h"

#define USEC_PER_SEC 1000000ULL

/* A storm limit's bucket holds a tenth of a second of frames, and at least
 * this many: a few broadcasts in a row (ARP, neighbour discovery at boot)
 * pass at any limit. */
#define DP_STORM_MIN_BURST 8

/* ---- Control side ---- */

/* The cost of a byte at 'bps' bits/s, in 2^-32 ticks. */
static uint64_t
rate_cost_per_byte(uint64_t bps)
{
    unsigned __int128 c = (unsigned __int128) 8 * USEC_PER_SEC
                          << (DP_POLICY_TICK_SHIFT + 32);

    return bps ? (uint64_t) (c / bps) : 0;
}

/* The cost of 'bytes' bytes at 'cpb' (rate_cost_per_byte()), in ticks. */
static uint64_t
rate_cost(uint64_t cpb, uint64_t bytes)
{
    return (uint64_t) (((unsigned __int128) bytes * cpb) >> 32);
}

void
dp_policy_view_init(struct dp_view *v, uint64_t rate_in_burst,
                    uint64_t rate_out_burst)
{
    const struct port_policy *pp = &v->policy;

    v->rate_in_cpb = rate_cost_per_byte(pp->rate_in.bps);
    v->rate_in_depth = rate_cost(v->rate_in_cpb, rate_in_burst);
    v->rate_out_cpb = rate_cost_per_byte(pp->rate_out.bps);
    v->rate_out_depth = rate_cost(v->rate_out_cpb, rate_out_burst);
    if (pp->storm_limit) {
        uint64_t burst = pp->storm_limit / 10;

        v->storm_cost = (USEC_PER_SEC << DP_POLICY_TICK_SHIFT)
                        / pp->storm_limit;
        v->storm_depth = v->storm_cost * (burst > DP_STORM_MIN_BURST
                                          ? burst : DP_STORM_MIN_BURST);
    } else {
        v->storm_cost = v->storm_depth = 0;
    }
    v->isolated = pp->isolated && !v->team;
    v->blocked = !pp->enabled || CMM_LOAD_SHARED(v->port->guard_tripped);
    v->policy_in = (!pp->enabled || pp->n_allowed_macs || pp->mtu
                    || pp->dhcp_guard || pp->ra_guard || v->storm_cost
                    || v->rate_out_cpb);
    v->policy_out = (v->blocked || v->isolated || pp->mtu || v->rate_in_cpb
                     || (pp->mac_security == PORT_MAC_SECURITY_STRICT
                         && pp->n_allowed_macs));
}

/* ---- Datapath side ---- */

/* Charges 'cost' ticks to the bucket '*tatp' of depth 'depth' at 'now'
 * (ticks).  'shared': other threads charge it too.  'dry': a trace, which
 * only asks (the bucket is left as it is).  Returns true if the frame
 * passes. */
static bool
bucket_charge(uint64_t *tatp, uint64_t now, uint64_t cost, uint64_t depth,
              bool shared, bool dry)
{
    uint64_t tat = CMM_LOAD_SHARED(*tatp);
    uint64_t need = cost < depth ? cost : depth;

    for (;;) {
        uint64_t start = tat > now ? tat : now;
        uint64_t old;

        if (start - now > depth - need) {
            return false;
        }
        if (dry) {
            return true;
        }
        if (!shared) {
            CMM_STORE_SHARED(*tatp, start + cost);
            return true;
        }
        old = uatomic_cmpxchg(tatp, tat, start + cost);
        if (old == tat) {
            return true;
        }
        tat = old;
    }
}

static uint64_t
batch_ticks(const struct dp_batch *b)
{
    return b->now_usec << DP_POLICY_TICK_SHIFT;
}

/* Records policy check 'check' (named by the drop reason it guards) of
 * port 'v' with 'verdict' in 'b''s trace, if any, and returns 'verdict'.
 * 'stage' is DP_TRACE_POLICY_IN or DP_TRACE_POLICY_OUT; 'a' as
 * dp-trace.h says for that stage. */
static int
policy_note(const struct dp_batch *b, enum dp_trace_stage stage,
            const struct dp_view *v, int check, int verdict, uint32_t a)
{
    dp_trace_note(b, stage, verdict, check, v->port_no, -1, a, 0);
    return verdict;
}

static bool
frame_is_gso(const struct dp_frame *f)
{
    return f->vnet->gso_type != VIRTIO_NET_HDR_GSO_NONE;
}

/* True if 'f' is longer than 'mtu' (0: no limit) allows: its payload after
 * the Ethernet header and one tag.  GSO frames are cut to size later. */
static bool
frame_over_mtu(const struct dp_frame *f, unsigned int mtu)
{
    return mtu && f->len - f->pi.payload_ofs > mtu && !frame_is_gso(f);
}

void
dp_policy_batch_init_rcu(struct dp_batch *b)
{
    const struct dp_view *in = b->in;

    if (OVS_UNLIKELY(!in->policy.enabled)) {
        b->blocked = DP_DROP_DISABLED;
    } else if (OVS_UNLIKELY(CMM_LOAD_SHARED(in->port->guard_tripped))) {
        b->blocked = DP_DROP_BPDU_GUARD;
    } else {
        b->blocked = DP_PASS;
    }
    b->policy_in = in->policy_in || b->blocked != DP_PASS;
}

int
dp_policy_link_local_rcu(struct dp_batch *b, const struct dp_frame *f)
{
    static const uint8_t bpdu_dst[ETH_ADDR_LEN] = {
        0x01, 0x80, 0xc2, 0x00, 0x00, 0x00
    };
    struct dp_port *p = b->in->port;

    if (!b->in->policy.bpdu_guard
        || memcmp(f->pi.eth_dst, bpdu_dst, ETH_ADDR_LEN)) {
        return DP_DROP_LINK_LOCAL;
    }
    if (OVS_UNLIKELY(b->trace)) {
        return policy_note(b, DP_TRACE_POLICY_IN, b->in, DP_DROP_BPDU_GUARD,
                           DP_DROP_BPDU_GUARD,
                           !CMM_LOAD_SHARED(p->guard_tripped));
    }
    if (!CMM_LOAD_SHARED(p->guard_tripped)) {
        CMM_STORE_SHARED(p->guard_tripped, true);
        cmm_smp_wmb();
        CMM_STORE_SHARED(b->t->dp->guard_pending, true);
        b->learned = true;          /* Wakes the control thread. */
    }
    if (b->blocked == DP_PASS) {
        b->blocked = DP_DROP_BPDU_GUARD;
        b->policy_in = true;
    }
    return DP_DROP_BPDU_GUARD;
}

int
dp_policy_mac_limit_rcu(struct dp_batch *b, struct dp_frame *f)
{
    const struct dp_view *in = b->in;

    if ((f->src && (f->src->is_static || f->src->port_no == in->port_no))
        || CMM_LOAD_SHARED(in->port->n_macs) < in->policy.mac_limit) {
        return policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_MAC_LIMIT,
                           DP_PASS, 0);
    }
    if (in->policy.mac_limit_action == PORT_MAC_LIMIT_DROP) {
        return policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_MAC_LIMIT,
                           DP_DROP_MAC_LIMIT, 0);
    }
    f->no_learn = true;
    b->drops[DP_DROP_MAC_LIMIT_FLOOD]++;
    return policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_MAC_LIMIT_FLOOD,
                       DP_PASS, 0);
}

/* The DHCP and RA guards. */
static int
guards_rcu(const struct dp_view *in, const struct dp_frame *f)
{
    const struct port_policy *pp = &in->policy;

    switch (packet_guard_classify(f->data, f->len, &f->pi)) {
    case PACKET_GUARD_DHCP_SERVER:
        return pp->dhcp_guard ? DP_DROP_DHCP_GUARD : DP_PASS;
    case PACKET_GUARD_ROUTER:
        return pp->ra_guard ? DP_DROP_RA_GUARD : DP_PASS;
    case PACKET_GUARD_UNKNOWN:
        return pp->ra_guard ? DP_DROP_RA_GUARD : DP_DROP_DHCP_GUARD;
    case PACKET_GUARD_NONE:
    default:
        return DP_PASS;
    }
}

int
dp_policy_ingress_slow_rcu(struct dp_batch *b, struct dp_frame *f)
{
    const struct dp_view *in = b->in;
    const struct port_policy *pp = &in->policy;
    struct dp_port *p = in->port;
    int verdict;

    if (b->blocked != DP_PASS) {
        return policy_note(b, DP_TRACE_POLICY_IN, in, b->blocked,
                           b->blocked, 0);
    }
    if (!port_policy_mac_allowed(pp, f->pi.eth_src)) {
        return policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_SRC_MAC,
                           DP_DROP_SRC_MAC, 0);
    } else if (pp->n_allowed_macs) {
        policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_SRC_MAC, DP_PASS, 0);
    }
    if (frame_over_mtu(f, pp->mtu)) {
        return policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_MTU,
                           DP_DROP_MTU, 0);
    } else if (pp->mtu) {
        policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_MTU, DP_PASS, 0);
    }
    if (pp->dhcp_guard || pp->ra_guard) {
        verdict = guards_rcu(in, f);
        if (verdict != DP_PASS) {
            return policy_note(b, DP_TRACE_POLICY_IN, in, verdict, verdict,
                               0);
        }
        if (pp->dhcp_guard) {
            policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_DHCP_GUARD,
                        DP_PASS, 0);
        }
        if (pp->ra_guard) {
            policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_RA_GUARD,
                        DP_PASS, 0);
        }
    }
    if (pp->mac_limit
        && (!f->src || f->src->port_no != in->port_no)) {
        verdict = dp_policy_mac_limit_rcu(b, f);
        if (verdict != DP_PASS) {
            return verdict;
        }
    }
    if (in->storm_cost
        && (eth_addr_is_multicast(f->pi.eth_dst) || !f->dst)) {
        verdict = (bucket_charge(&p->storm_tat, batch_ticks(b),
                                 in->storm_cost, in->storm_depth, false,
                                 b->trace)
                   ? DP_PASS : DP_DROP_STORM);
        if (policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_STORM, verdict,
                        0) != DP_PASS) {
            return verdict;
        }
    }
    if (in->rate_out_cpb) {
        verdict = (bucket_charge(&p->rate_out_tat, batch_ticks(b),
                                 rate_cost(in->rate_out_cpb, f->len),
                                 in->rate_out_depth, false, b->trace)
                   ? DP_PASS : DP_DROP_RATE_OUT);
        if (policy_note(b, DP_TRACE_POLICY_IN, in, DP_DROP_RATE_OUT,
                        verdict, 0) != DP_PASS) {
            return verdict;
        }
    }
    return DP_PASS;
}

/* Counts a drop for 'reason' on output port 'out' (a trace records it
 * instead). */
static bool
egress_drop(const struct dp_batch *b, const struct dp_view *out,
            enum dp_drop_reason reason)
{
    if (OVS_UNLIKELY(b->trace)) {
        policy_note(b, DP_TRACE_POLICY_OUT, out, reason, reason,
                    DP_TRACE_COUNT_OUT);
    } else {
        uatomic_inc(&out->port->stats[ST_DROPS + reason]);
    }
    return false;
}

/* A drop for 'reason' on the way to 'out', counted on the input port
 * unless the frame is a flood ('flood'), which just skips 'out'. */
static bool
egress_skip(struct dp_batch *b, const struct dp_view *out,
            enum dp_drop_reason reason, bool flood)
{
    b->drops[reason] += !flood;
    policy_note(b, DP_TRACE_POLICY_OUT, out, reason, reason,
                flood ? DP_TRACE_COUNT_NONE : DP_TRACE_COUNT_IN);
    return false;
}

bool
dp_policy_egress_slow_rcu(struct dp_batch *b, const struct dp_view *out,
                          const struct dp_frame *f, bool flood)
{
    const struct port_policy *pp = &out->policy;

    if (out->blocked) {
        /* Nothing goes out on a blocked port, uncounted. */
        policy_note(b, DP_TRACE_POLICY_OUT, out,
                    pp->enabled ? DP_DROP_BPDU_GUARD : DP_DROP_DISABLED,
                    pp->enabled ? DP_DROP_BPDU_GUARD : DP_DROP_DISABLED,
                    DP_TRACE_COUNT_NONE);
        return false;
    }
    if (out->isolated && b->in->isolated) {
        return egress_skip(b, out, DP_DROP_ISOLATED, flood);
    }
    if (pp->mac_security == PORT_MAC_SECURITY_STRICT
        && !eth_addr_is_multicast(f->pi.eth_dst)
        && !port_policy_mac_allowed(pp, f->pi.eth_dst)) {
        return egress_skip(b, out, DP_DROP_DST_MAC, flood);
    }
    if (frame_over_mtu(f, pp->mtu)) {
        return egress_drop(b, out, DP_DROP_MTU);
    }
    if (out->rate_in_cpb
        && !bucket_charge(&out->port->rate_in_tat, batch_ticks(b),
                          rate_cost(out->rate_in_cpb, f->len),
                          out->rate_in_depth, true, b->trace)) {
        return egress_drop(b, out, DP_DROP_RATE_IN);
    }
    if (OVS_UNLIKELY(b->trace)) {
        policy_note(b, DP_TRACE_POLICY_OUT, out, DP_N_DROPS, DP_PASS, 0);
    }
    return true;
}
