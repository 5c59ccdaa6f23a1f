/* trace-cmd: the "trace" command (trace-cmd.h). */
#include <autoconf.h>
#include "trace-cmd.h"

#include <errno.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include "bridge.h"
#include "ctl-command.h"
#include "ctl-util.h"
#include "datapath.h"
#include "dp-trace.h"
#include "netdev-packet.h"
#include "trace-frame.h"

static struct datapath *trace_dp;

/* The 'in_port=' argument among 'args' (its index), or -1. */
static int
find_in_port(int n_args, char *args[])
{
    for (int i = 0; i < n_args; i++) {
        if (!strncmp(args[i], "in_port=", 8)) {
            return i;
        }
    }
    return -1;
}

/* Fills 'reply' with trace 't' of 'frame' ('len' bytes) on bridge
 * 'bridge'. */
static void
trace_reply(struct ctl_reply *reply, bool json, const char *bridge,
            const struct dp_trace *t, const uint8_t *frame, size_t len)
{
    GString *text = g_string_new(NULL);
    JsonObject *o = json_object_new();
    char *hex = g_malloc(2 * len + 1);

    hex[0] = '\0';
    for (size_t i = 0; i < len; i++) {
        g_snprintf(hex + 2 * i, 3, "%02x", frame[i]);
    }
    g_string_append_printf(text, "bridge %s, frame of %zu bytes, ", bridge,
                           len);
    json_object_set_string_member(o, "bridge", bridge);
    json_object_set_string_member(o, "frame", hex);
    g_free(hex);
    dp_trace_format(trace_dp, t, text, o);
    ctl_reply_printf(reply, "%s", text->str);
    g_string_free(text, TRUE);
    if (json) {
        ctl_reply_set_object(reply, o);
    } else {
        json_object_unref(o);
    }
}

static void
cmd_trace(struct ctl_reply *reply, int n_args, char *args[], bool json,
          void *aux)
{
    struct dp_bridge *br = bridge_dp_bridge(args[0]);
    char *fields[CTL_MAX_ARGS];
    struct dp_trace *t = NULL;
    uint8_t *frame = NULL;
    const char *in_name;
    struct dp_port *in;
    int n_fields = 0, slot, ip, error;
    char *msg = NULL;
    size_t len;

    if (!br) {
        ctl_reply_error(reply, CTL_REFUSED, "no bridge %s (list-br lists "
                        "them)", args[0]);
        return;
    }
    ip = find_in_port(n_args - 1, args + 1);
    if (ip < 0) {
        ctl_reply_error(reply, CTL_USAGE, "trace needs the input port: "
                        "give in_port=PORT (a port, team or team member "
                        "of %s)", args[0]);
        return;
    }
    in_name = args[1 + ip] + strlen("in_port=");
    in = dp_trace_find_input(trace_dp, br, in_name, &slot);
    if (!in) {
        ctl_reply_error(reply, CTL_REFUSED, "%s is not a port, team or "
                        "team member of bridge %s (list-ports %s lists "
                        "them)", in_name, args[0], args[0]);
        return;
    }
    for (int i = 1; i < n_args; i++) {
        if (i != 1 + ip) {
            fields[n_fields++] = args[i];
        }
    }

    frame = g_malloc(NETDEV_MAX_FRAME);
    error = trace_frame_build(n_fields, fields, frame, NETDEV_MAX_FRAME,
                              &len, &msg);
    if (error) {
        ctl_refuse_msg(reply, msg);
        goto out;
    }
    t = g_new(struct dp_trace, 1);
    error = dp_trace_run(trace_dp, in, slot, frame, len, t);
    if (error) {
        ctl_reply_error(reply, CTL_REFUSED, "cannot trace from %s: %s "
                        "(try again once the port is applied)", in_name,
                        strerror(-error));
        goto out;
    }

    trace_reply(reply, json, args[0], t, frame, len);

out:
    g_free(t);
    g_free(frame);
}

void
trace_cmd_init(struct datapath *dp)
{
    trace_dp = dp;
    ctl_command_bind("trace", cmd_trace, NULL);
}
