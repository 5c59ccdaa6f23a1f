/* ctl-util: helpers for command handlers (see ctl-util.h). */
#include <autoconf.h>
#include "ctl-util.h"

#include <string.h>
#include "datapath.h"

bool
ctl_split_kv(const char *arg, char **key, const char **value)
{
    const char *eq = strchr(arg, '=');

    if (!eq || eq == arg) {
        return false;
    }
    *key = g_strndup(arg, eq - arg);
    *value = eq + 1;
    return true;
}

bool
ctl_refuse_msg(struct ctl_reply *reply, char *msg)
{
    ctl_reply_error(reply, CTL_REFUSED, "%s", msg);
    g_free(msg);
    return false;
}

bool
ctl_set_kv_args(void *target, ctl_kv_setter *set, int n_args, char *args[],
                struct ctl_reply *reply)
{
    for (int i = 0; i < n_args; i++) {
        const char *value;
        char *msg = NULL;
        char *key;
        int error;

        if (!ctl_split_kv(args[i], &key, &value)) {
            ctl_reply_error(reply, CTL_USAGE, "\"%s\" is not KEY=VALUE",
                            args[i]);
            return false;
        }
        error = set(target, key, value, &msg);
        g_free(key);
        if (error) {
            return ctl_refuse_msg(reply, msg);
        }
    }
    return true;
}

void
ctl_reply_set_object(struct ctl_reply *reply, JsonObject *o)
{
    ctl_reply_set_result(reply, json_node_init_object(json_node_alloc(), o));
    json_object_unref(o);
}

void
ctl_reply_set_array_member(struct ctl_reply *reply, bool want_json,
                           const char *name, JsonArray *array)
{
    if (want_json) {
        JsonObject *o = json_object_new();

        json_object_set_array_member(o, name, array);
        ctl_reply_set_object(reply, o);
    } else {
        json_array_unref(array);
    }
}

void
ctl_stats_text(struct ctl_reply *reply, const struct dp_port_stats *s)
{
    ctl_reply_printf(reply, "  rx: %" G_GUINT64_FORMAT " packets, %"
                     G_GUINT64_FORMAT " bytes\n  tx: %" G_GUINT64_FORMAT
                     " packets, %" G_GUINT64_FORMAT " bytes\n  drops:",
                     s->rx_packets, s->rx_bytes, s->tx_packets, s->tx_bytes);
    for (int r = 0; r < DP_N_DROPS; r++) {
        ctl_reply_printf(reply, " %s=%" G_GUINT64_FORMAT,
                         dp_drop_reason_name(r), s->drops[r]);
    }
    ctl_reply_printf(reply, "\n");
}

void
ctl_stats_json(JsonObject *o, const struct dp_port_stats *s)
{
    JsonObject *d = json_object_new();

    json_object_set_int_member(o, "rx-packets", s->rx_packets);
    json_object_set_int_member(o, "rx-bytes", s->rx_bytes);
    json_object_set_int_member(o, "tx-packets", s->tx_packets);
    json_object_set_int_member(o, "tx-bytes", s->tx_bytes);
    for (int r = 0; r < DP_N_DROPS; r++) {
        json_object_set_int_member(d, dp_drop_reason_name(r), s->drops[r]);
    }
    json_object_set_object_member(o, "drops", d);
}
