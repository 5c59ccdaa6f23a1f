/* vswitch-libvirt-hook: libvirt's qemu hook for this switch, installed as
 * /etc/libvirt/hooks/qemu.d/vswitch.
 *
 * libvirt runs it as "DOMAIN OPERATION SUB-OPERATION EXTRA" with the domain
 * XML on stdin and waits for it.  It reads the NICs' port settings from
 * the XML (libvirt-xml.h) and talks to vswitchd over the control socket:
 *
 *   prepare begin, migrate begin, restore begin
 *       validate: every NIC's policy, and that its bridge exists; refuse
 *       (exit 1, one line on stderr) otherwise
 *   started begin, reconnect begin
 *       attach every NIC's tap with its whole policy in one add-port, so
 *       that no frame is forwarded before it is in force
 *   stopped end, release end
 *       remove the domain's ports (idempotent)
 *
 * Rules it keeps (see ../shared/notes/libvirt.md): nothing on stdout (for
 * migrate and restore it would replace the domain XML); exit 0 on
 * reconnect whatever happens (libvirt kills the guest otherwise); never a
 * libvirt call (deadlock); 'stopped' and 'release' may come without a
 * 'started'.  When vswitchd cannot be reached: prepare, migrate and restore
 * fail open (the values were checked, the bridge could not be); started
 * fails closed (the guest would run with its NICs connected to nothing);
 * reconnect, stopped and release log and exit 0. */
#include <autoconf.h>

#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ctl-client.h"
#include "libvirt-xml.h"
#include "port-policy.h"

#define DEFAULT_SOCKET RUNSTATEDIR "/vswitch/vswitchd.sock"
/* libvirt waits for its hooks: a hung daemon must not hang a VM start. */
#define HOOK_TIMEOUT_MS 5000

#define PROG "vswitch-libvirt-hook"

/* What the hook knows of the switch, from one "show", read once per run
 * before the domain's XML (which needs the default bridge). */
struct switch_view {
    int error;                   /* 0, or why the view is empty: ctl()'s
                                  * errors. */
    char *msg;                   /* Owned.  If 'error': what went wrong. */
    GHashTable *bridges;         /* Owned.  Bridge names (a set). */
    GHashTable *owners;          /* Owned.  Port name -> owner ("" for the
                                  * operator's). */
    GHashTable *port_bridge;     /* Owned.  Port name -> its bridge. */
    char *default_bridge;        /* Owned, or NULL.  The daemon's [libvirt]
                                  * default-bridge. */
};

/* The operations, from argv[2] and argv[3]. */
enum hook_action {
    HOOK_NOTHING,                /* An operation this hook ignores. */
    HOOK_VALIDATE,               /* prepare, migrate, restore. */
    HOOK_ATTACH,                 /* started. */
    HOOK_REATTACH,               /* reconnect: never fails. */
    HOOK_DETACH,                 /* stopped, release: never fails. */
};

static void G_GNUC_PRINTF(1, 2)
say(const char *fmt, ...)
{
    va_list args;

    fputs(PROG ": ", stderr);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
}

static void
usage(void)
{
    /* On stderr: libvirt reads stdout. */
    fprintf(stderr, "usage: %s DOMAIN OPERATION SUB-OPERATION EXTRA "
            "< DOMAIN-XML\n"
            "libvirt's qemu hook for vswitchd (installed as "
            "/etc/libvirt/hooks/qemu.d/vswitch);\n"
            "see vswitch-libvirt-hook(8).\n"
            "Environment: VSWITCH_SOCKET (default %s).\n"
            "NICs without a <vsw:port> go to the daemon's [libvirt] "
            "default-bridge.\n",
            PROG, DEFAULT_SOCKET);
}

/* ---- The daemon: every call goes through ctl() ------------------------ */

/* Sends 'argv' (the command and its arguments) to the daemon.  Returns 0
 * with '*result' (if not NULL) set to the JSON answer (caller frees),
 * -ENOTCONN when the daemon cannot be reached or does not answer in time,
 * -EINVAL when it refused; '*msg' says why (caller frees). */
static int
ctl(const char *const *argv, JsonNode **result, char **msg)
{
    const char *path = getenv("VSWITCH_SOCKET");
    struct ctl_request request;
    struct ctl_reply reply;
    int retval = 0;

    if (!path || !path[0]) {
        path = DEFAULT_SOCKET;
    }
    ctl_request_init(&request);
    ctl_reply_init(&reply);
    request.command = g_strdup(argv[0]);
    request.args = g_strdupv((char **) argv + 1);
    request.json = result != NULL;
    if (ctl_client_transact(path, &request, HOOK_TIMEOUT_MS, &reply, msg)) {
        retval = -ENOTCONN;
    } else if (reply.status != CTL_OK) {
        *msg = g_strchomp(g_strdup(reply.text->str));
        retval = -EINVAL;
    } else if (result) {
        *result = reply.result;
        reply.result = NULL;
    }
    ctl_request_destroy(&request);
    ctl_reply_destroy(&reply);
    return retval;
}

static void
switch_view_destroy(struct switch_view *v)
{
    g_clear_pointer(&v->bridges, g_hash_table_destroy);
    g_clear_pointer(&v->owners, g_hash_table_destroy);
    g_clear_pointer(&v->port_bridge, g_hash_table_destroy);
    g_clear_pointer(&v->default_bridge, g_free);
    g_clear_pointer(&v->msg, g_free);
}

/* Fills 'v' from "show": 0, or ctl()'s errors. */
static int
switch_view_fill(struct switch_view *v, char **msg)
{
    static const char *const argv[] = { "show", NULL };
    JsonNode *result = NULL;
    JsonObject *libvirt;
    JsonArray *bridges;
    int retval = ctl(argv, &result, msg);

    v->bridges = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       NULL);
    v->owners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      g_free);
    v->port_bridge = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           g_free);
    if (retval) {
        return retval;
    }
    if (!JSON_NODE_HOLDS_OBJECT(result)
        || !json_object_has_member(json_node_get_object(result),
                                   "bridges")) {
        *msg = g_strdup("vswitchd's show --json has no \"bridges\" (is "
                        "vswitchd as new as this hook?)");
        json_node_unref(result);
        return -EINVAL;
    }
    bridges = json_object_get_array_member(json_node_get_object(result),
                                           "bridges");
    for (guint i = 0; bridges && i < json_array_get_length(bridges); i++) {
        JsonObject *b = json_array_get_object_element(bridges, i);
        const char *name = json_object_get_string_member(b, "name");
        JsonArray *ports = json_object_get_array_member(b, "ports");

        g_hash_table_add(v->bridges, g_strdup(name));
        for (guint j = 0; ports && j < json_array_get_length(ports); j++) {
            JsonObject *p = json_array_get_object_element(ports, j);
            const char *port = json_object_get_string_member(p, "name");
            const char *owner = (json_object_has_member(p, "owner")
                                 ? json_object_get_string_member(p, "owner")
                                 : "");

            g_hash_table_insert(v->owners, g_strdup(port), g_strdup(owner));
            g_hash_table_insert(v->port_bridge, g_strdup(port),
                                g_strdup(name));
        }
    }
    libvirt = (json_object_has_member(json_node_get_object(result),
                                      "libvirt")
               ? json_object_get_object_member(json_node_get_object(result),
                                               "libvirt")
               : NULL);
    if (libvirt) {
        const char *b = json_object_get_string_member_with_default(
            libvirt, "default-bridge", "");

        v->default_bridge = b[0] ? g_strdup(b) : NULL;
    }
    json_node_unref(result);
    return 0;
}

/* Reads the view once: 'v->error' and 'v->msg' say what went wrong. */
static void
switch_view_read(struct switch_view *v)
{
    memset(v, 0, sizeof *v);
    v->error = switch_view_fill(v, &v->msg);
}

/* ---- Operations ------------------------------------------------------- */

/* The owner of the domain's ports. */
static char *
domain_owner(const struct libvirt_domain *dom)
{
    return g_strdup_printf("libvirt:%s", dom->uuid ? dom->uuid : dom->name);
}

/* The first thing wrong with the domain's policy, or NULL: its metadata,
 * or a NIC's values. */
static char *
policy_problem(const struct libvirt_domain *dom)
{
    for (guint i = 0; !dom->error && i < dom->nics->len; i++) {
        const struct libvirt_nic *nic = g_ptr_array_index(dom->nics, i);

        if (nic->error) {
            return g_strdup_printf("domain %s: %s", dom->name, nic->error);
        }
    }
    return (dom->error ? g_strdup_printf("domain %s: %s", dom->name,
                                         dom->error)
            : NULL);
}

/* True if one of the domain's NICs goes on the switch: a domain without
 * one does not depend on the daemon (libvirt runs the hook for every
 * domain of the host). */
static bool
has_switch_nics(const struct libvirt_domain *dom)
{
    for (guint i = 0; i < dom->nics->len; i++) {
        const struct libvirt_nic *nic = g_ptr_array_index(dom->nics, i);

        if (nic->bridge) {
            return true;
        }
    }
    return false;
}

static int
validate(const struct libvirt_domain *dom, const struct switch_view *v)
{
    char *msg = policy_problem(dom);
    bool checked = !v->error;
    int retval = 0;

    if (msg) {
        say("%s", msg);
        g_free(msg);
        return 1;
    }
    if (!has_switch_nics(dom)) {
        return 0;
    }
    if (v->error == -ENOTCONN) {
        say("domain %s: bridges not checked, %s; its start goes on "
            "(started will attach its NICs)", dom->name, v->msg);
    } else if (v->error) {
        say("domain %s: %s", dom->name, v->msg);
        retval = 1;
    }
    for (guint i = 0; checked && !retval && i < dom->nics->len; i++) {
        const struct libvirt_nic *nic = g_ptr_array_index(dom->nics, i);

        if (nic->bridge && !g_hash_table_contains(v->bridges, nic->bridge)) {
            say("domain %s: NIC %s: no bridge named %s on this switch "
                "(create it with vswitch-ctl add-br %s, or fix bridge= in "
                "the domain's <vsw:port>)", dom->name, nic->key,
                nic->bridge, nic->bridge);
            retval = 1;
        }
    }
    return retval;
}

static void
add_key(const char *key, const char *value, void *argv)
{
    g_ptr_array_add(argv, g_strdup_printf("%s=%s", key, value));
}

/* Appends to 'argv' every port key at its default, so that a set-port
 * that then gives a NIC's settings replaces the port's whole policy. */
static void
add_defaults(GPtrArray *argv)
{
    static const char *const vlan_keys[] = {
        "vlan=none", "trunks=none", "native=none", "uplink=none",
    };
    struct port_policy defaults;

    for (size_t i = 0; i < G_N_ELEMENTS(vlan_keys); i++) {
        g_ptr_array_add(argv, g_strdup(vlan_keys[i]));
    }
    port_policy_init(&defaults, false);
    port_policy_format(&defaults, false, true, add_key, argv);
}

/* Attaches one NIC: add-port with every setting and the owner, or, for a
 * port the domain already owns (reconnect, a second 'started'), set-port
 * with every key at its default and then the same settings: one
 * transaction either way.  Returns 0 or 1 with a line said. */
static int
attach_nic(const struct libvirt_domain *dom, const struct libvirt_nic *nic,
           const struct switch_view *v, const char *owner)
{
    const char *have = g_hash_table_lookup(v->owners, nic->dev);
    const char *have_bridge = g_hash_table_lookup(v->port_bridge, nic->dev);
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    char *msg = NULL;
    int retval = 0;

    if (have && strcmp(have, owner)) {
        say("domain %s: NIC %s: port %s is already on bridge %s, %s%s "
            "(remove it with vswitch-ctl del-port %s)", dom->name, nic->key,
            nic->dev, have_bridge, have[0] ? "owned by " : "added by the "
            "operator", have, nic->dev);
        g_ptr_array_free(argv, TRUE);
        return 1;
    }
    if (have && strcmp(have_bridge, nic->bridge)) {
        const char *del[] = { "del-port", nic->dev, NULL };

        if (ctl(del, NULL, &msg) && !strstr(msg, "no port named")) {
            retval = 1;
        }
        have = NULL;
    }
    if (!retval) {
        if (have) {
            g_ptr_array_add(argv, g_strdup("set-port"));
            g_ptr_array_add(argv, g_strdup(nic->dev));
            add_defaults(argv);
        } else {
            g_ptr_array_add(argv, g_strdup("add-port"));
            g_ptr_array_add(argv, g_strdup(nic->bridge));
            g_ptr_array_add(argv, g_strdup(nic->dev));
        }
        for (char **kv = nic->settings; *kv; kv++) {
            g_ptr_array_add(argv, g_strdup(*kv));
        }
        g_ptr_array_add(argv, g_strdup_printf("owner=%s", owner));
        g_ptr_array_add(argv, NULL);
        g_clear_pointer(&msg, g_free);
        retval = ctl((const char *const *) argv->pdata, NULL, &msg) ? 1 : 0;
    }
    if (retval) {
        say("domain %s: NIC %s: %s", dom->name, nic->key, msg);
    }
    g_free(msg);
    g_ptr_array_free(argv, TRUE);
    return retval;
}

static int
attach(const struct libvirt_domain *dom, const struct switch_view *v)
{
    char *owner = domain_owner(dom);
    char *msg = policy_problem(dom);
    int retval = 0;

    if (msg) {
        say("%s", msg);
        g_free(msg);
        g_free(owner);
        return 1;
    }
    if (!has_switch_nics(dom)) {
        g_free(owner);
        return 0;
    }
    if (v->error) {
        say("domain %s: NICs not attached: %s", dom->name, v->msg);
        retval = 1;
    }
    for (guint i = 0; !retval && i < dom->nics->len; i++) {
        const struct libvirt_nic *nic = g_ptr_array_index(dom->nics, i);

        if (!nic->bridge) {
            continue;
        } else if (!nic->dev) {
            say("domain %s: NIC %s has no <target dev> (libvirt names the "
                "tap before 'started'; is this the live XML?)", dom->name,
                nic->key);
            retval = 1;
        } else {
            retval = attach_nic(dom, nic, v, owner);
        }
    }
    g_free(owner);
    return retval;
}

/* Removes every port the domain owns: also those of NICs its XML no
 * longer lists (hot-unplugged), or that a bad metadata edit hides. */
static int
detach(const struct libvirt_domain *dom, const struct switch_view *v)
{
    char *owner = domain_owner(dom);
    GHashTableIter iter;
    const char *port, *have;
    char *msg = NULL;

    if (v->error) {
        say("domain %s: ports not removed: %s", dom->name, v->msg);
    } else {
        g_hash_table_iter_init(&iter, v->owners);
        while (g_hash_table_iter_next(&iter, (void **) &port,
                                      (void **) &have)) {
            const char *del[] = { "del-port", port, NULL };

            if (strcmp(have, owner)) {
                continue;
            }
            g_clear_pointer(&msg, g_free);
            if (ctl(del, NULL, &msg) && !strstr(msg, "no port named")) {
                say("domain %s: port %s not removed: %s", dom->name, port,
                    msg);
            }
        }
    }
    g_free(msg);
    g_free(owner);
    return 0;
}

/* ---- Main ------------------------------------------------------------- */

static enum hook_action
action_of(const char *op, const char *sub)
{
    static const struct {
        const char *op, *sub;    /* argv[2], argv[3]. */
        enum hook_action action; /* What to do. */
    } table[] = {
        { "prepare", "begin", HOOK_VALIDATE },
        { "migrate", "begin", HOOK_VALIDATE },
        { "restore", "begin", HOOK_VALIDATE },
        { "started", "begin", HOOK_ATTACH },
        { "reconnect", "begin", HOOK_REATTACH },
        { "stopped", "end", HOOK_DETACH },
        { "release", "end", HOOK_DETACH },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(table); i++) {
        if (!strcmp(op, table[i].op) && !strcmp(sub, table[i].sub)) {
            return table[i].action;
        }
    }
    return HOOK_NOTHING;
}

/* Reads stdin, at most LIBVIRT_XML_MAX + 1 bytes (one more says it is too
 * big).  Returns the text (caller frees) or NULL with a line said. */
static GString *
read_stdin(void)
{
    GString *s = g_string_sized_new(65536);
    char buf[65536];

    while (s->len <= LIBVIRT_XML_MAX) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);

        if (n > 0) {
            g_string_append_len(s, buf, n);
        } else if (!n) {
            break;
        } else if (errno != EINTR) {
            say("reading the domain XML from stdin: %s", g_strerror(errno));
            g_string_free(s, TRUE);
            return NULL;
        }
    }
    return s;
}

int
main(int argc, char *argv[])
{
    struct libvirt_domain *dom = NULL;
    struct switch_view v = { 0 };
    enum hook_action action;
    char *msg = NULL;
    GString *xml;
    int retval;

    if (argc < 4) {
        usage();
        return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
    }
    action = action_of(argv[2], argv[3]);
    xml = read_stdin();         /* Always drained: libvirt writes it. */
    if (action == HOOK_NOTHING) {
        retval = 0;
        goto out;
    }
    if (!xml) {
        retval = 1;
        goto out;
    }
    switch_view_read(&v);
    retval = libvirt_domain_parse(xml->str, xml->len, v.default_bridge, &dom,
                                  &msg);
    if (retval) {
        say("domain %s: %s", argv[1], msg);
        retval = 1;
        goto out;
    }
    switch (action) {
    case HOOK_VALIDATE:
        retval = validate(dom, &v);
        break;
    case HOOK_ATTACH:
    case HOOK_REATTACH:
        retval = attach(dom, &v);
        break;
    case HOOK_DETACH:
        retval = detach(dom, &v);
        break;
    case HOOK_NOTHING:
        break;
    }
out:
    if (action == HOOK_REATTACH || action == HOOK_DETACH) {
        retval = 0;             /* libvirt kills the guest, or ignores it. */
    }
    libvirt_domain_free(dom);
    switch_view_destroy(&v);
    if (xml) {
        g_string_free(xml, TRUE);
    }
    g_free(msg);
    return retval;
}
