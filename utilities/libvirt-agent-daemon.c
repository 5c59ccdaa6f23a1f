/* libvirt-agent-daemon: vswitch-libvirt-agent's side of vswitchd's control
 * socket (see libvirt-agent.h). */
#include <autoconf.h>
#include "libvirt-agent.h"

#include <string.h>
#include "ctl-client.h"
#include "ctl-proto.h"
#include "log.h"
#include "port-policy.h"

#define THIS_MODULE "libvirt-agent"

static const char *socket_path;  /* The daemon's control socket. */

void
agent_daemon_init(const char *path)
{
    socket_path = path;
}

/* Runs 'command' with the NULL-terminated 'args' on the daemon.  Returns 0
 * (done), the reply's status (refused: 1, usage: 2) with '*text' (caller
 * frees) saying why, or -1 when the daemon cannot be reached ('*text' says
 * why).  With 'result', asks for JSON and hands the result over. */
int
daemon_run(const char *command, char **args, JsonNode **result, char **text)
{
    struct ctl_request req;
    struct ctl_reply reply;
    int status;

    ctl_request_init(&req);
    req.command = g_strdup(command);
    req.args = g_strdupv(args);
    req.json = result != NULL;
    ctl_reply_init(&reply);
    if (ctl_client_transact(socket_path, &req, AGENT_CTL_TIMEOUT_MS, &reply,
                            text)) {
        status = -1;
    } else {
        status = reply.status;
        *text = g_strchomp(g_strdup(reply.text->str));
        if (result) {
            *result = reply.result ? json_node_ref(reply.result) : NULL;
        }
    }
    ctl_reply_destroy(&reply);
    ctl_request_destroy(&req);
    return status;
}

static void
daemon_port_free(gpointer p_)
{
    struct daemon_port *p = p_;

    g_free(p->bridge);
    g_free(p->owner);
    g_free(p);
}

/* The daemon's [libvirt] default-bridge, from the last "show". */
static char *default_bridge;

const char *
daemon_default_bridge(void)
{
    return default_bridge;
}

/* Remembers the default bridge of the "show --json" result 'show'. */
static void
read_default_bridge(JsonObject *show)
{
    JsonObject *libvirt = (json_object_has_member(show, "libvirt")
                           ? json_object_get_object_member(show, "libvirt")
                           : NULL);
    const char *b = (libvirt
                     ? json_object_get_string_member_with_default(
                         libvirt, "default-bridge", "")
                     : "");

    g_free(default_bridge);
    default_bridge = b[0] ? g_strdup(b) : NULL;
}

/* The daemon's plain ports, from "show --json": name -> struct
 * daemon_port.  NULL (with a warning) when it cannot be reached. */
GHashTable *
daemon_ports(void)
{
    static struct log_ratelimit rl = LOG_RATELIMIT_INIT(1, 30000);
    GHashTable *ports;
    JsonNode *result = NULL;
    JsonArray *bridges;
    char *text;
    int rc;

    rc = daemon_run("show", (char *[]) { NULL }, &result, &text);
    if (rc || !result || !JSON_NODE_HOLDS_OBJECT(result)
        || !json_object_has_member(json_node_get_object(result),
                                   "bridges")) {
        if (log_ratelimit_pass(&rl)) {
            VLOG_WARN("cannot read the switch's ports: %s (will retry)",
                      rc ? text : "show gave no bridges");
        }
        g_free(text);
        if (result) {
            json_node_unref(result);
        }
        return NULL;
    }
    g_free(text);
    read_default_bridge(json_node_get_object(result));

    ports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                  daemon_port_free);
    bridges = json_object_get_array_member(json_node_get_object(result),
                                           "bridges");
    for (guint i = 0; i < json_array_get_length(bridges); i++) {
        JsonObject *b = json_array_get_object_element(bridges, i);
        JsonArray *list = json_object_get_array_member(b, "ports");

        for (guint j = 0; list && j < json_array_get_length(list); j++) {
            JsonObject *jp = json_array_get_object_element(list, j);
            struct daemon_port *p = g_new0(struct daemon_port, 1);

            p->bridge = g_strdup(json_object_get_string_member(b, "name"));
            p->owner = g_strdup(json_object_get_string_member_with_default(
                                    jp, "owner", ""));
            g_hash_table_replace(
                ports, g_strdup(json_object_get_string_member(jp, "name")),
                p);
        }
    }
    json_node_unref(result);
    return ports;
}

/* Removes port 'port'.  Returns 0, or -1 when it failed (logged). */
int
daemon_del_port(const char *dom_name, const char *port, const char *why)
{
    char *text;
    int rc = daemon_run("del-port", (char *[]) { (char *) port, NULL },
                        NULL, &text);

    if (rc) {
        VLOG_WARN("domain %s: cannot remove port %s: %s", dom_name, port,
                  text);
    } else {
        VLOG_INFO("domain %s: port %s removed (%s)", dom_name, port, why);
    }
    g_free(text);
    return rc ? -1 : 0;
}

/* Appends "KEY=VALUE" of a default policy key to GPtrArray 'aux'. */
static void
add_default_key(const char *key, const char *value, void *aux)
{
    g_ptr_array_add(aux, g_strdup_printf("%s=%s", key, value));
}

/* Every key set-port takes for a port, each at its default, then
 * 'settings' (a NIC's) in place of the defaults they name, in an order
 * set-port applies cleanly ("vlan=none" before "trunks=..."): one set-port
 * with it makes the port what 'settings' says, whatever it was. */
char **
full_settings(char **settings, const char *owner)
{
    GPtrArray *kv = g_ptr_array_new();
    struct port_policy defaults;

    g_ptr_array_add(kv, g_strdup("vlan=none"));
    g_ptr_array_add(kv, g_strdup("trunks=none"));
    g_ptr_array_add(kv, g_strdup("native=none"));
    g_ptr_array_add(kv, g_strdup("uplink=none"));
    port_policy_init(&defaults, false);
    port_policy_format(&defaults, false, true, add_default_key, kv);
    for (char **s = settings; s && *s; s++) {
        size_t klen = strcspn(*s, "=");
        guint i;

        for (i = 0; i < kv->len; i++) {
            const char *d = g_ptr_array_index(kv, i);

            if (!strncmp(d, *s, klen) && d[klen] == '=') {
                g_free(kv->pdata[i]);
                kv->pdata[i] = g_strdup(*s);
                break;
            }
        }
        if (i == kv->len) {
            g_ptr_array_add(kv, g_strdup(*s));
        }
    }
    g_ptr_array_add(kv, g_strdup_printf("owner=%s", owner));
    g_ptr_array_add(kv, NULL);
    return (char **) g_ptr_array_free(kv, FALSE);
}
