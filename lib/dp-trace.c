/* dp-trace: the control side of a trace (dp-trace.h): running one on the
 * current snapshot, and its text and JSON.  The records are made by the
 * pipeline's own stages (dp-thread.c, dp-fdb.c, dp-policy.c). */
#include <autoconf.h>
#include "dp-trace.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "dp-pipeline.h"
#include "team-policy.h"

int
dp_trace_run(struct datapath *dp, struct dp_port *p, int slot,
             const void *frame, size_t len, struct dp_trace *t)
{
    const struct dp_snapshot *snap;
    const struct dp_entry *in;

    if (len > NETDEV_MAX_FRAME) {
        return -EMSGSIZE;
    }
    if (p->team ? (slot < 0 || slot >= TEAM_MAX_MEMBERS
                   || !p->team->members[slot].present)
                : slot >= 0) {
        return -EINVAL;
    }
    t->n = t->n_lost = 0;
    memset(t->counted, 0, sizeof t->counted);
    t->verdict = DP_PASS;
    t->in_port_no = p->port_no;
    t->slot = slot;

    rcu_read_lock();
    snap = rcu_dereference(dp->snap);
    in = dp_snapshot_entry_of(snap, p);
    if (in) {
        dp_thread_trace_rcu(snap, in, slot, frame, len, dp_now_usec(dp), t);
    }
    rcu_read_unlock();
    return in ? 0 : -ENOENT;
}

struct dp_port *
dp_trace_find_input(const struct datapath *dp, const struct dp_bridge *br,
                    const char *name, int *slot)
{
    for (struct dp_port *p = dp->ports; p; p = p->next) {
        if (p->bridge != br) {
            continue;
        }
        if (!strcmp(p->name, name)) {
            *slot = -1;
            if (p->team) {
                int d = p->team->map->designated;

                for (int m = 0; m < TEAM_MAX_MEMBERS && *slot < 0; m++) {
                    if (p->team->members[m].present) {
                        *slot = m;
                    }
                }
                if (d >= 0 && d < TEAM_MAX_MEMBERS
                    && p->team->members[d].present) {
                    *slot = d;
                }
                if (*slot < 0) {
                    return NULL;
                }
            }
            return p;
        }
        for (int m = 0; p->team && m < TEAM_MAX_MEMBERS; m++) {
            if (p->team->members[m].present
                && !strcmp(p->team->members[m].name, name)) {
                *slot = m;
                return p;
            }
        }
    }
    return NULL;
}

/* ---- Formatting ---- */

static const char *const stage_names[DP_TRACE_N_STAGES] = {
    [DP_TRACE_PARSE] = "parse",
    [DP_TRACE_VLAN_IN] = "vlan-in",
    [DP_TRACE_ENTRIES] = "entries",
    [DP_TRACE_TEAM_RX] = "team-rx",
    [DP_TRACE_POLICY_IN] = "policy-in",
    [DP_TRACE_LEARN] = "learn",
    [DP_TRACE_LOOKUP] = "lookup",
    [DP_TRACE_VLAN_OUT] = "vlan-out",
    [DP_TRACE_POLICY_OUT] = "policy-out",
    [DP_TRACE_TEAM_SELECT] = "team-select",
    [DP_TRACE_OUTPUT] = "output",
};

/* What a trace is formatted with. */
struct trace_fmt {
    const struct datapath *dp;     /* For the names. */
    const struct dp_trace *t;      /* The trace. */
    GString *text;                 /* Text out. */
    JsonArray *stages;             /* A JSON object per record. */
    JsonArray *outputs;            /* A JSON object per output. */
};

/* Port 'port_no''s name, into 'buf'. */
static const char *
port_name(const struct datapath *dp, uint32_t port_no, char *buf,
          size_t size)
{
    const struct dp_port *p = datapath_find_port(dp, port_no);

    if (p) {
        return dp_port_name(p);
    }
    snprintf(buf, size, "port %"PRIu32, port_no);
    return buf;
}

/* The name of member 'slot' of team 'port_no', into 'buf'. */
static const char *
member_name(const struct datapath *dp, uint32_t port_no, int slot, char *buf,
            size_t size)
{
    const struct dp_port *p = datapath_find_port(dp, port_no);

    if (slot == TEAM_ANY) {
        return "any member";
    } else if (slot < 0 || slot >= TEAM_MAX_MEMBERS) {
        return "no member";
    } else if (p && p->team && p->team->members[slot].present) {
        return p->team->members[slot].name;
    }
    snprintf(buf, size, "member %d", slot);
    return buf;
}

/* Starts the text line and JSON object of record 'r'. */
static JsonObject *
rec_begin(struct trace_fmt *fmt, const struct dp_trace_rec *r)
{
    JsonObject *o = json_object_new();
    char buf[32];

    json_object_set_string_member(o, "stage", stage_names[r->stage]);
    json_object_set_string_member(o, "result", r->verdict == DP_PASS
                                               ? "pass" : "drop");
    if (r->verdict != DP_PASS) {
        json_object_set_string_member(o, "reason",
                                      dp_drop_reason_name(r->verdict));
    }
    if (r->stage >= DP_TRACE_VLAN_OUT) {
        const char *port = port_name(fmt->dp, r->port_no, buf, sizeof buf);

        g_string_append_printf(fmt->text, "    %s: %s: ", port,
                               stage_names[r->stage]);
        json_object_set_string_member(o, "port", port);
    } else {
        g_string_append_printf(fmt->text, "%s: ", stage_names[r->stage]);
    }
    return o;
}

/* Appends to the text " drop: REASON" if 'r' is a drop. */
static void
text_drop(struct trace_fmt *fmt, const struct dp_trace_rec *r)
{
    if (r->verdict != DP_PASS) {
        g_string_append_printf(fmt->text, "drop: %s",
                               dp_drop_reason_name(r->verdict));
    }
}

static void
format_parse(struct trace_fmt *fmt, const struct dp_trace_rec *r,
             JsonObject *o)
{
    if (r->verdict != DP_PASS) {
        text_drop(fmt, r);
        if (r->verdict == DP_DROP_BPDU_GUARD) {
            g_string_append(fmt->text, " (a BPDU on a port with bpdu-guard)");
        }
        return;
    }
    g_string_append_printf(fmt->text, "ethertype 0x%04"PRIx32, r->a);
    json_object_set_int_member(o, "dl-type", r->a);
    json_object_set_boolean_member(o, "tagged", r->b != 0);
    if (r->b) {
        g_string_append_printf(fmt->text, ", tagged: VLAN %u priority %u",
                               r->b & 0xfff, (r->b >> 13) & 7);
        json_object_set_int_member(o, "vlan", r->b & 0xfff);
        json_object_set_int_member(o, "pcp", (r->b >> 13) & 7);
    } else {
        g_string_append(fmt->text, ", untagged");
    }
}

static void
format_entries(struct trace_fmt *fmt, const struct dp_trace_rec *r,
               JsonObject *o)
{
    char buf[32];

    if (r->a) {
        const char *name = port_name(fmt->dp, r->a, buf, sizeof buf);

        g_string_append_printf(fmt->text, "source learned on %s%s", name,
                               r->what & DP_TRACE_SRC_STATIC
                               ? " (static)" : "");
        json_object_set_string_member(o, "src-port", name);
    } else {
        g_string_append(fmt->text, "source not learned");
    }
    if (r->what & DP_TRACE_DST_GROUP) {
        g_string_append(fmt->text, ", destination is a group address");
        json_object_set_boolean_member(o, "dst-group", true);
    } else if (r->b) {
        const char *name = port_name(fmt->dp, r->b, buf, sizeof buf);

        g_string_append_printf(fmt->text, ", destination learned on %s%s",
                               name, r->what & DP_TRACE_DST_STATIC
                               ? " (static)" : "");
        json_object_set_string_member(o, "dst-port", name);
    } else {
        g_string_append(fmt->text, ", destination not learned");
    }
}

static void
format_team_rx(struct trace_fmt *fmt, const struct dp_trace_rec *r,
               JsonObject *o)
{
    char buf[32], buf2[32];
    const char *arrived = member_name(fmt->dp, r->port_no, r->slot, buf,
                                      sizeof buf);

    json_object_set_string_member(o, "member", arrived);
    if (r->what == DP_TRACE_TEAM_RX_LOCAL) {
        g_string_append_printf(fmt->text, "on %s: ", arrived);
        text_drop(fmt, r);
        g_string_append(fmt->text, " (ARP to or from a member's own "
                        "address: the switch's link probe)");
    } else if (r->what == DP_TRACE_TEAM_RX_STATIC) {
        g_string_append_printf(fmt->text, "on %s: static mode, every "
                               "member delivers", arrived);
    } else if (r->what == DP_TRACE_TEAM_RX_NOT_COLLECTING) {
        g_string_append_printf(fmt->text, "on %s: ", arrived);
        text_drop(fmt, r);
        g_string_append(fmt->text, " (LACP: the member is not collecting, "
                        "out of the aggregator)");
    } else {
        const char *expected = member_name(fmt->dp, r->port_no,
                                           (int32_t) r->a, buf2,
                                           sizeof buf2);

        g_string_append_printf(fmt->text, "on %s, expected on %s: ",
                               arrived, expected);
        json_object_set_string_member(o, "expected", expected);
        if (r->verdict == DP_PASS) {
            g_string_append(fmt->text, "pass");
        } else {
            text_drop(fmt, r);
            g_string_append(fmt->text, " (the copy on the expected member "
                            "is kept)");
        }
    }
}

/* A policy check, stage 4 or 8. */
static void
format_policy(struct trace_fmt *fmt, const struct dp_trace_rec *r,
              JsonObject *o)
{
    static const char *const counted[] = {
        [DP_TRACE_COUNT_NONE] = "not counted",
        [DP_TRACE_COUNT_IN] = "counted on the input port",
        [DP_TRACE_COUNT_OUT] = "counted on the output port",
    };
    char buf[32];

    if (r->what < DP_N_DROPS) {
        const char *check = dp_drop_reason_name(r->what);

        json_object_set_string_member(o, "check", check);
        g_string_append_printf(fmt->text, "%s", check);
        if (r->stage == DP_TRACE_POLICY_IN) {
            g_string_append_printf(fmt->text, " of %s",
                                   port_name(fmt->dp, r->port_no, buf,
                                             sizeof buf));
        }
        g_string_append(fmt->text, ": ");
    }
    if (r->verdict == DP_PASS) {
        g_string_append(fmt->text, "pass");
    } else {
        text_drop(fmt, r);
    }
    if (r->what == DP_DROP_MAC_LIMIT_FLOOD) {
        g_string_append(fmt->text, " (over the MAC limit: forwarded, not "
                        "learned, counted as mac-limit-flood)");
    } else if (r->what == DP_DROP_STORM || r->what == DP_DROP_RATE_OUT
               || r->what == DP_DROP_RATE_IN) {
        g_string_append(fmt->text, " (with the bucket as it is now; "
                        "not charged)");
    } else if (r->stage == DP_TRACE_POLICY_IN
               && r->what == DP_DROP_BPDU_GUARD && r->a) {
        g_string_append(fmt->text, " (would trip the guard: not tripped "
                        "by a trace)");
    }
    if (r->stage == DP_TRACE_POLICY_OUT && r->verdict != DP_PASS
        && r->a < ARRAY_SIZE(counted)) {
        g_string_append_printf(fmt->text, ", %s", counted[r->a]);
        json_object_set_string_member(o, "counted", counted[r->a]);
    }
}

static void
format_learn(struct trace_fmt *fmt, const struct dp_trace_rec *r,
             JsonObject *o)
{
    static const char *const actions[] = {
        [DP_TRACE_LEARN_REFRESH] = "refresh",
        [DP_TRACE_LEARN_QUEUE] = "learn",
        [DP_TRACE_LEARN_ANNOUNCE] = "learn-announcement",
        [DP_TRACE_LEARN_STATIC] = "none-static",
        [DP_TRACE_LEARN_NO_LEARN] = "none-policy",
        [DP_TRACE_LEARN_VERDICT] = "verdict",
    };
    char buf[32], buf2[32];
    const char *in = port_name(fmt->dp, r->port_no, buf, sizeof buf);

    if (r->what < ARRAY_SIZE(actions)) {
        json_object_set_string_member(o, "action", actions[r->what]);
    }
    switch (r->what) {
    case DP_TRACE_LEARN_REFRESH:
        g_string_append_printf(fmt->text, "source known on %s: its entry "
                               "is refreshed", in);
        break;
    case DP_TRACE_LEARN_QUEUE:
    case DP_TRACE_LEARN_ANNOUNCE:
        g_string_append_printf(fmt->text, "would ask the control thread to "
                               "learn the source on %s%s", in,
                               r->what == DP_TRACE_LEARN_ANNOUNCE
                               ? " (an announcement)" : "");
        if (r->a && r->a != r->port_no) {
            g_string_append_printf(fmt->text, ", moving it from %s",
                                   port_name(fmt->dp, r->a, buf2,
                                             sizeof buf2));
        }
        g_string_append(fmt->text, " (not queued by a trace)");
        json_object_set_string_member(o, "port", in);
        break;
    case DP_TRACE_LEARN_STATIC:
        g_string_append(fmt->text, "the source's entry is static: nothing "
                        "learned");
        break;
    case DP_TRACE_LEARN_NO_LEARN:
        g_string_append(fmt->text, "not learned (mac-limit)");
        break;
    default:
        text_drop(fmt, r);
        if (r->verdict == DP_DROP_REFLECTION) {
            g_string_append(fmt->text, " (a local station's frame coming "
                            "back from upstream, or its announcement)");
        } else if (r->verdict == DP_DROP_SRC_CONFLICT) {
            g_string_append(fmt->text, " (the source is alive on another "
                            "port across a team)");
        }
        break;
    }
}

static void
format_lookup(struct trace_fmt *fmt, size_t i, const struct dp_trace_rec *r,
              JsonObject *o)
{
    const struct dp_trace *t = fmt->t;
    const char *name;
    JsonArray *ports;
    char buf[32];

    switch (r->what) {
    case DP_TRACE_LOOKUP_KNOWN:
        name = port_name(fmt->dp, r->port_no, buf, sizeof buf);
        g_string_append_printf(fmt->text, "destination on %s", name);
        json_object_set_string_member(o, "action", "unicast");
        json_object_set_string_member(o, "port", name);
        return;
    case DP_TRACE_LOOKUP_LOOP:
        text_drop(fmt, r);
        g_string_append(fmt->text, " (the destination is on the input "
                        "port)");
        json_object_set_string_member(o, "action", "drop");
        return;
    case DP_TRACE_LOOKUP_STALE:
        g_string_append_printf(fmt->text, "the destination's port %s cannot "
                               "take it: ",
                               port_name(fmt->dp, r->port_no, buf,
                                         sizeof buf));
        break;
    default:
        break;
    }
    g_string_append(fmt->text, "flood to");
    json_object_set_string_member(o, "action", "flood");
    ports = json_array_new();
    for (size_t k = i + 1; k < t->n; k++) {
        if (t->recs[k].stage == DP_TRACE_VLAN_OUT) {
            name = port_name(fmt->dp, t->recs[k].port_no, buf, sizeof buf);
            g_string_append_printf(fmt->text, " %s", name);
            json_array_add_string_element(ports, name);
        }
    }
    if (!json_array_get_length(ports)) {
        g_string_append(fmt->text, " no other port of the VLAN");
    }
    json_object_set_array_member(o, "flood", ports);
}

static void
format_vlan(struct trace_fmt *fmt, const struct dp_trace_rec *r,
            JsonObject *o)
{
    if (r->verdict != DP_PASS) {
        text_drop(fmt, r);
        g_string_append(fmt->text, r->stage == DP_TRACE_VLAN_IN
                        ? " (VLAN not allowed on the input port)"
                        : " (VLAN not carried untagged or tagged here)");
    } else if (r->stage == DP_TRACE_VLAN_IN) {
        g_string_append_printf(fmt->text, "VLAN %"PRIu32", priority %u",
                               r->a, (r->b >> 13) & 7);
        json_object_set_int_member(o, "vlan", r->a);
        json_object_set_int_member(o, "pcp", (r->b >> 13) & 7);
    } else {
        if (r->a) {
            g_string_append_printf(fmt->text, "tagged, VLAN %"PRIu32, r->b);
        } else {
            g_string_append(fmt->text, "untagged");
        }
        json_object_set_boolean_member(o, "tagged", r->a != 0);
    }
}

static void
format_team_select(struct trace_fmt *fmt, const struct dp_trace_rec *r,
                   JsonObject *o)
{
    char chosen[32], assigned[32], item[48], buf[32];
    const char *cn = member_name(fmt->dp, r->port_no, r->slot, chosen,
                                 sizeof chosen);
    const char *an = member_name(fmt->dp, r->port_no, (int32_t) r->b,
                                 assigned, sizeof assigned);

    switch (r->what) {
    case TEAM_ITEM_PORT:
        snprintf(item, sizeof item, "port %s",
                 port_name(fmt->dp, r->a, buf, sizeof buf));
        break;
    case TEAM_ITEM_BUCKET:
        snprintf(item, sizeof item, "hash bucket %"PRIu32, r->a);
        break;
    default:
        snprintf(item, sizeof item, "the active member");
        break;
    }
    json_object_set_string_member(o, "policy", r->name ? r->name : "?");
    json_object_set_string_member(o, "item", item);
    json_object_set_string_member(o, "assigned", an);
    if (r->verdict != DP_PASS) {
        text_drop(fmt, r);
        g_string_append_printf(fmt->text, " (policy %s, %s, no member can "
                               "carry)", r->name ? r->name : "?", item);
        return;
    }
    json_object_set_string_member(o, "member", cn);
    g_string_append_printf(fmt->text, "member %s (policy %s: %s on %s",
                           cn, r->name ? r->name : "?", item, an);
    if ((int32_t) r->b != r->slot) {
        g_string_append(fmt->text, ", which cannot carry: the designated "
                        "member takes it");
    }
    g_string_append(fmt->text, ")");
}

static void
format_output(struct trace_fmt *fmt, const struct dp_trace_rec *r,
              JsonObject *o)
{
    JsonObject *out = json_object_new();
    char buf[32], mbuf[32];
    const char *port = port_name(fmt->dp, r->port_no, buf, sizeof buf);

    json_object_set_string_member(out, "port", port);
    if (r->slot >= 0) {
        const char *m = member_name(fmt->dp, r->port_no, r->slot, mbuf,
                                    sizeof mbuf);

        g_string_append_printf(fmt->text, "sent on member %s, ", m);
        json_object_set_string_member(out, "member", m);
        json_object_set_string_member(o, "member", m);
    }
    if (r->a) {
        g_string_append_printf(fmt->text, "tagged VLAN %"PRIu32, r->b);
        json_object_set_int_member(out, "vlan", r->b);
    } else {
        g_string_append(fmt->text, "untagged");
    }
    json_object_set_boolean_member(out, "tagged", r->a != 0);
    json_object_set_boolean_member(o, "tagged", r->a != 0);
    json_array_add_object_element(fmt->outputs, out);
}

static void
format_rec(struct trace_fmt *fmt, size_t i)
{
    const struct dp_trace_rec *r = &fmt->t->recs[i];
    JsonObject *o;

    if (r->stage == DP_TRACE_LEARN && r->what == DP_TRACE_LEARN_VERDICT
        && r->verdict == DP_PASS) {
        return;                 /* The learn records said it all. */
    }
    o = rec_begin(fmt, r);
    switch (r->stage) {
    case DP_TRACE_PARSE:
        format_parse(fmt, r, o);
        break;
    case DP_TRACE_VLAN_IN:
    case DP_TRACE_VLAN_OUT:
        format_vlan(fmt, r, o);
        break;
    case DP_TRACE_ENTRIES:
        format_entries(fmt, r, o);
        break;
    case DP_TRACE_TEAM_RX:
        format_team_rx(fmt, r, o);
        break;
    case DP_TRACE_POLICY_IN:
    case DP_TRACE_POLICY_OUT:
        format_policy(fmt, r, o);
        break;
    case DP_TRACE_LEARN:
        format_learn(fmt, r, o);
        break;
    case DP_TRACE_LOOKUP:
        format_lookup(fmt, i, r, o);
        break;
    case DP_TRACE_TEAM_SELECT:
        format_team_select(fmt, r, o);
        break;
    case DP_TRACE_OUTPUT:
        format_output(fmt, r, o);
        break;
    default:
        break;
    }
    g_string_append_c(fmt->text, '\n');
    json_array_add_object_element(fmt->stages, o);
}

void
dp_trace_format(const struct datapath *dp, const struct dp_trace *t,
                GString *text, JsonObject *o)
{
    struct trace_fmt fmt = {
        .dp = dp, .t = t, .text = text,
        .stages = json_array_new(), .outputs = json_array_new(),
    };
    JsonObject *counted = json_object_new();
    char buf[32], mbuf[32];
    const char *in = port_name(dp, t->in_port_no, buf, sizeof buf);
    guint n_out;

    json_object_set_string_member(o, "in-port", in);
    g_string_append_printf(text, "in_port %s", in);
    if (t->slot >= 0) {
        const char *m = member_name(dp, t->in_port_no, t->slot, mbuf,
                                    sizeof mbuf);

        json_object_set_string_member(o, "member", m);
        g_string_append_printf(text, ", member %s", m);
    }
    g_string_append_c(text, '\n');
    for (size_t i = 0; i < t->n; i++) {
        format_rec(&fmt, i);
    }
    if (t->n_lost) {
        g_string_append_printf(text, "(%zu more decisions not recorded: "
                               "the trace holds %d)\n", t->n_lost,
                               DP_TRACE_MAX);
    }
    json_object_set_int_member(o, "records-lost", t->n_lost);

    n_out = json_array_get_length(fmt.outputs);
    if (t->verdict != DP_PASS) {
        g_string_append_printf(text, "result: drop: %s\n",
                               dp_drop_reason_name(t->verdict));
        json_object_set_string_member(o, "result", "drop");
        json_object_set_string_member(o, "drop-reason",
                                      dp_drop_reason_name(t->verdict));
    } else {
        g_string_append(text, "result: ");
        if (!n_out) {
            g_string_append(text, "no output");
        }
        for (guint k = 0; k < n_out; k++) {
            JsonObject *out = json_array_get_object_element(fmt.outputs, k);

            g_string_append_printf(text, "%s%s", k ? ", " : "output ",
                                   json_object_get_string_member(out,
                                                                 "port"));
            if (json_object_has_member(out, "member")) {
                g_string_append_printf(
                    text, " (%s)",
                    json_object_get_string_member(out, "member"));
            }
        }
        g_string_append_c(text, '\n');
        json_object_set_string_member(o, "result", n_out ? "output"
                                                         : "no-output");
    }
    for (int r = 0; r < DP_N_DROPS; r++) {
        if (!t->counted[r]) {
            continue;
        }
        if (r != t->verdict) {
            g_string_append_printf(text, "counted on %s: drop: %s (%"
                                   PRIu64")\n", in, dp_drop_reason_name(r),
                                   t->counted[r]);
        }
        json_object_set_int_member(counted, dp_drop_reason_name(r),
                                   t->counted[r]);
    }
    json_object_set_array_member(o, "stages", fmt.stages);
    json_object_set_array_member(o, "outputs", fmt.outputs);
    json_object_set_object_member(o, "counted-drops", counted);
}
