/* dp-trace: "vswitch-ctl trace", the real pipeline run on one frame that
 * is not sent, with each stage's decision recorded.
 *
 * The pipeline's stages (dp-pipeline.h) take a 'struct dp_trace *' in their
 * batch ('trace' in struct dp_batch), NULL in normal operation.  When it is
 * set, each stage appends a record of its decision to the trace's fixed
 * array (no allocation: the stages stay datapath code), and the steps with
 * side effects record what they would do instead of doing it: no learning
 * request is queued, no MAC entry touched, no policer bucket charged (a
 * policer decides with its bucket as it is now), no counter changed, no
 * BPDU guard tripped, no team load counted, nothing sent.  The trace is run
 * by the very functions that switch frames (dp_thread_trace_rcu() in
 * dp-thread.c), so it cannot drift from what the switch does.
 *
 * Control side (dp-trace.c): dp_trace_run() runs a trace on the current
 * snapshot, dp_trace_format() turns it into text and JSON for the
 * command.
 *
 * Thread-safety: dp_trace_add() is datapath code (called by the stages
 * under RCU); dp_trace_run() and dp_trace_format() are control-thread
 * only. */
#ifndef VSWITCH_DP_TRACE_H
#define VSWITCH_DP_TRACE_H 1

#include <stddef.h>
#include <stdint.h>
#include "datapath.h"

/* Records a trace keeps; a flood to more ports loses the rest (counted). */
#define DP_TRACE_MAX 512

/* The stage that made a record, in pipeline order (dp-pipeline.h). */
enum dp_trace_stage {
    DP_TRACE_PARSE,        /* a: ethertype; b: outer TCI | 0x10000 if
                            * tagged. */
    DP_TRACE_VLAN_IN,      /* a: the frame's VLAN; b: priority bits. */
    DP_TRACE_ENTRIES,      /* a: source's port (0 unknown); b: the
                            * destination's (0 unknown or group); what:
                            * DP_TRACE_SRC_STATIC | DP_TRACE_DST_... */
    DP_TRACE_TEAM_RX,      /* slot: member it arrived on; what:
                            * enum dp_trace_team_rx; a: expected member
                            * (int32: TEAM_ANY, TEAM_NONE or a slot). */
    DP_TRACE_POLICY_IN,    /* what: the check, named by the drop reason it
                            * guards; a: 1 if it would trip a BPDU
                            * guard. */
    DP_TRACE_LEARN,        /* what: enum dp_trace_learn; a: the port the
                            * source is learned on now (0 none). */
    DP_TRACE_LOOKUP,       /* what: enum dp_trace_lookup; port_no: the
                            * known destination's port. */
    DP_TRACE_VLAN_OUT,     /* port_no: output port; a: 1 if tagged. */
    DP_TRACE_POLICY_OUT,   /* port_no: output port; what: the check; a:
                            * enum dp_trace_count. */
    DP_TRACE_TEAM_SELECT,  /* port_no: the team; slot: member chosen (or
                            * TEAM_NONE); what: enum team_item_kind; a: the
                            * item; b: the member it is assigned to
                            * (int32); name: the team policy's name. */
    DP_TRACE_OUTPUT,       /* port_no, slot: where it goes; a: 1 if tagged;
                            * b: VLAN of the tag. */
    DP_TRACE_N_STAGES
};

/* DP_TRACE_ENTRIES's 'what' bits. */
#define DP_TRACE_SRC_STATIC 1      /* The source's entry is static. */
#define DP_TRACE_DST_STATIC 2      /* The destination's entry is static. */
#define DP_TRACE_DST_GROUP 4       /* The destination is a group address. */

/* DP_TRACE_TEAM_RX's 'what'. */
enum dp_trace_team_rx {
    DP_TRACE_TEAM_RX_RULES,        /* Receive rules applied. */
    DP_TRACE_TEAM_RX_STATIC,       /* Static mode: no receive rules. */
    DP_TRACE_TEAM_RX_LOCAL,        /* The switch's own link probe. */
    DP_TRACE_TEAM_RX_NOT_COLLECTING, /* LACP: the member does not
                                    * collect. */
};

/* DP_TRACE_LEARN's 'what'. */
enum dp_trace_learn {
    DP_TRACE_LEARN_REFRESH,        /* Known on the input port: its time is
                                    * refreshed. */
    DP_TRACE_LEARN_QUEUE,          /* A learning request would be queued. */
    DP_TRACE_LEARN_ANNOUNCE,       /* Same, for an announcement (gratuitous
                                    * ARP or RARP). */
    DP_TRACE_LEARN_STATIC,         /* Static entry: nothing learned. */
    DP_TRACE_LEARN_NO_LEARN,       /* The policy forbids learning it. */
    DP_TRACE_LEARN_VERDICT,        /* The learning stage's verdict. */
};

/* DP_TRACE_LOOKUP's 'what'. */
enum dp_trace_lookup {
    DP_TRACE_LOOKUP_KNOWN,         /* To the destination's port. */
    DP_TRACE_LOOKUP_FLOOD,         /* Group or unknown destination. */
    DP_TRACE_LOOKUP_STALE,         /* Known, but on a port that cannot
                                    * take it: flood. */
    DP_TRACE_LOOKUP_LOOP,          /* Known on the input port. */
};

/* DP_TRACE_POLICY_OUT's 'a': where a drop is counted. */
enum dp_trace_count {
    DP_TRACE_COUNT_NONE,           /* Not counted (a flood skips the port,
                                    * or the port is blocked). */
    DP_TRACE_COUNT_IN,             /* On the input port. */
    DP_TRACE_COUNT_OUT,            /* On the output port. */
};

/* One stage's decision. */
struct dp_trace_rec {
    uint8_t stage;                 /* enum dp_trace_stage. */
    uint8_t verdict;               /* DP_PASS (DP_N_DROPS) or the drop
                                    * reason. */
    uint8_t what;                  /* Stage-specific, see the stages. */
    int8_t slot;                   /* Team member, or -1. */
    uint32_t port_no;              /* Port concerned, or 0. */
    uint32_t a, b;                 /* Stage-specific values. */
    const char *name;              /* Static string, or NULL. */
};

/* A trace: filled by the stages, read by the control thread. */
struct dp_trace {
    size_t n;                      /* Records in 'recs'. */
    size_t n_lost;                 /* Records that did not fit. */
    struct dp_trace_rec recs[DP_TRACE_MAX]; /* In the order made. */
    int verdict;                   /* The pipeline's: DP_PASS, or why the
                                    * frame is dropped. */
    uint64_t counted[DP_N_DROPS];  /* Drops it would count, by reason
                                    * (also for a frame forwarded: a flood's
                                    * ports, mac-limit-flood). */
    uint32_t in_port_no;           /* The input port. */
    int slot;                      /* Its team member, or -1. */
};

/* Appends 'r' to 't'.  Datapath code. */
static inline void
dp_trace_add(struct dp_trace *t, const struct dp_trace_rec *r)
{
    if (t->n < DP_TRACE_MAX) {
        t->recs[t->n++] = *r;
    } else {
        t->n_lost++;
    }
}

/* ---- Control side (dp-trace.c) ---- */

struct dp_port;
struct _GString;                   /* GString (GLib). */
struct _JsonObject;                /* JsonObject (json-glib). */

/* The input of a trace on bridge 'br' named 'name': a port; a team (then
 * '*slot' is its designated member, or its first); or a team's member
 * (then the team, with '*slot' the member).  NULL if 'br' has none of
 * these. */
struct dp_port *dp_trace_find_input(const struct datapath *,
                                    const struct dp_bridge *br,
                                    const char *name, int *slot);

/* Runs frame 'frame' of 'len' bytes as received on port 'p' (on member
 * 'slot' of team 'p', or -1) through the pipeline, on the current snapshot
 * at the datapath's clock, into '*t'.  Returns 0, -ENOENT if the port is
 * not published yet, -EINVAL for a bad slot, or -EMSGSIZE. */
int dp_trace_run(struct datapath *, struct dp_port *p, int slot,
                 const void *frame, size_t len, struct dp_trace *t);

/* The text of trace 't' (a line per decision) appended to 'text', and
 * its JSON in 'o'.  Port and member names come from 'dp'. */
void dp_trace_format(const struct datapath *, const struct dp_trace *t,
                     struct _GString *text, struct _JsonObject *o);

#endif /* dp-trace.h */
