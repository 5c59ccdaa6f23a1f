/* vswitch-libvirt-agent: follows libvirt's domains and keeps their ports on
 * the switch as their domain XML says.
 *
 * A process of its own, so that a libvirtd that hangs stalls only this
 * agent, never the switch: it talks to vswitchd only through the control
 * socket (lib/ctl-client), with a short timeout, and to libvirt through
 * its API with libvirt's default event loop.
 *
 * What it does:
 *   - on connecting (and reconnecting: libvirtd restarted) it reads the
 *     live XML of every running domain and reconciles that domain's ports,
 *     then removes the owned ports of domains that no longer run;
 *   - on a domain's lifecycle, device-added, device-removed and
 *     metadata-change events it reads the domain's live XML again and
 *     reconciles its ports: it adds the missing ones with all their keys
 *     in one add-port (so no frame passes before the policy is in force),
 *     changes the others' policy with one set-port that names every key
 *     (so a key dropped from the metadata goes back to its default), and
 *     removes the ports of NICs that are gone; a stopped domain loses all
 *     its ports;
 *   - a domain that arrives by live migration (resumed, detail migrated or
 *     post-copy) has its ports announced on the team members that carry
 *     them (port/announce), so that the physical network relearns its MACs
 *     at once;
 *   - every AGENT_CHECK_MS it compares the ports the daemon shows with what
 *     it last applied, so that ports lost to a daemon restart come back and
 *     a NIC whose tap did not exist yet is tried again.
 *
 * The ports it adds carry owner=libvirt:UUID (the domain's UUID), as the
 * hook's do: the daemon shows them and never writes them to its file. */
#include <autoconf.h>

#include <errno.h>
#include <getopt.h>
#include <json-glib/json-glib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libvirt-agent.h"
#include "libvirt-xml.h"
#include "log.h"
#include "util.h"

#define THIS_MODULE "libvirt-agent"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif

#define DEFAULT_SOCKET RUNSTATEDIR "/vswitch/vswitchd.sock"
#define DEFAULT_URI "qemu:///system"
#define OWNER_PREFIX "libvirt:"
/* The hook's file: both must send the same NICs to the same bridge. */

#define AGENT_TICK_MS 250          /* Longest the event loop sleeps. */
#define AGENT_CHECK_MS 2000        /* Daemon check and retry period. */
#define AGENT_BACKOFF_MIN_MS 1000  /* First reconnect delay... */
#define AGENT_BACKOFF_MAX_MS 30000 /* ...doubling up to this. */

/* What the command line asked for. */
struct options {
    const char *uri;             /* libvirt connection URI. */
    const char *socket_path;     /* vswitchd's control socket. */
    char *default_bridge;        /* Owned.  For NICs without a metadata
                                  * entry, or NULL. */
    const char *test_script;     /* --test-script FILE, or NULL. */
};

/* A domain the agent has seen running. */
struct agent_domain {
    char *uuid;                  /* Owned.  Key in 'domains'. */
    char *name;                  /* Owned.  For messages. */
    GHashTable *aliases;         /* alias -> port name (both owned): what
                                  * a DEVICE_REMOVED names. */
    GHashTable *applied;         /* port name -> "BRIDGE KEY=VALUE..."
                                  * (both owned): what was last applied. */
    bool dirty;                  /* Reconcile at the next turn. */
    bool announce;               /* Announce its ports once reconciled
                                  * (it arrived by live migration). */
    bool retry;                  /* Something failed: try again at the
                                  * next check. */
    char *last_problem;          /* Owned.  Last warning logged, so that a
                                  * retry does not repeat it. */
};

static struct options opts;
static virConnectPtr conn;       /* NULL while disconnected. */
static int event_ids[4] = { -1, -1, -1, -1 }; /* Domain event callbacks. */
static bool conn_closed;         /* libvirt closed 'conn' under us. */
static uint64_t next_connect_ms; /* When to try connecting again. */
static unsigned int backoff_ms = AGENT_BACKOFF_MIN_MS;
static uint64_t next_check_ms;   /* Next daemon check. */
static GHashTable *domains;      /* uuid -> struct agent_domain *. */
static volatile sig_atomic_t stop_signal; /* SIGTERM or SIGINT seen. */


static void
agent_domain_free(gpointer d_)
{
    struct agent_domain *d = d_;

    g_free(d->uuid);
    g_free(d->name);
    g_hash_table_destroy(d->aliases);
    g_hash_table_destroy(d->applied);
    g_free(d->last_problem);
    g_free(d);
}

static struct agent_domain *
agent_domain_get(const char *uuid, const char *name)
{
    struct agent_domain *d = g_hash_table_lookup(domains, uuid);

    if (!d) {
        d = g_new0(struct agent_domain, 1);
        d->uuid = g_strdup(uuid);
        d->aliases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           g_free);
        d->applied = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           g_free);
        g_hash_table_insert(domains, d->uuid, d);
    }
    if (name && g_strcmp0(d->name, name)) {
        g_free(d->name);
        d->name = g_strdup(name);
    }
    return d;
}

/* Logs 'msg' as a warning about 'd' unless it is the one last logged. */
static void
domain_problem(struct agent_domain *d, char *msg)
{
    if (g_strcmp0(d->last_problem, msg)) {
        VLOG_WARN("domain %s: %s", d->name, msg);
        g_free(d->last_problem);
        d->last_problem = msg;
    } else {
        g_free(msg);
    }
}

/* Removes every port the daemon shows as owned by 'uuid'.  Returns 0, or
 * -1 if one could not be removed. */
static int
remove_owned_ports(GHashTable *ports, const char *uuid, const char *name,
                   const char *why)
{
    char *owner = g_strconcat(OWNER_PREFIX, uuid, NULL);
    GHashTableIter iter;
    gpointer key, value;
    int rc = 0;

    g_hash_table_iter_init(&iter, ports);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const struct daemon_port *p = value;

        if (!strcmp(p->owner, owner)
            && daemon_del_port(name ? name : uuid, key, why)) {
            rc = -1;
        }
    }
    g_free(owner);
    return rc;
}

/* Attaches or updates the port of 'nic' of domain 'd'.  Returns 0, or -1
 * when it must be tried again. */
static int
reconcile_nic(struct agent_domain *d, const struct libvirt_nic *nic,
              GHashTable *ports, const char *owner)
{
    const struct daemon_port *p = g_hash_table_lookup(ports, nic->dev);
    char **full = full_settings(nic->settings, owner);
    char *joined = g_strjoinv(" ", full);
    char *signature = g_strdup_printf("%s %s", nic->bridge, joined);
    const char *applied = g_hash_table_lookup(d->applied, nic->dev);
    char *text = NULL;
    int rc = 0;

    if (p && strcmp(p->owner, owner)) {
        domain_problem(d, g_strdup_printf(
                           "NIC %s: port %s already exists on bridge %s "
                           "(owner %s): left alone (remove it, or give the "
                           "NIC another <target dev>)", nic->key, nic->dev,
                           p->bridge, p->owner[0] ? p->owner : "operator"));
        goto out;
    }
    if (p && strcmp(p->bridge, nic->bridge)) {
        /* Moved to another bridge: set-port cannot do that. */
        if (daemon_del_port(d->name, nic->dev, "its NIC moved bridge")) {
            rc = -1;
            goto out;
        }
        p = NULL;
    }
    if (!p) {
        GPtrArray *args = g_ptr_array_new();

        g_ptr_array_add(args, nic->bridge);
        g_ptr_array_add(args, nic->dev);
        g_ptr_array_add(args, g_strdup_printf("owner=%s", owner));
        for (char **s = nic->settings; *s; s++) {
            g_ptr_array_add(args, *s);
        }
        g_ptr_array_add(args, NULL);
        rc = daemon_run("add-port", (char **) args->pdata, NULL, &text);
        g_free(args->pdata[2]);
        g_ptr_array_free(args, TRUE);
        if (!rc) {
            VLOG_INFO("domain %s: NIC %s attached as port %s on bridge %s",
                      d->name, nic->key, nic->dev, nic->bridge);
        }
    } else if (g_strcmp0(applied, signature)) {
        GPtrArray *args = g_ptr_array_new();

        g_ptr_array_add(args, nic->dev);
        for (char **s = full; *s; s++) {
            g_ptr_array_add(args, *s);
        }
        g_ptr_array_add(args, NULL);
        rc = daemon_run("set-port", (char **) args->pdata, NULL, &text);
        g_ptr_array_free(args, TRUE);
        if (!rc) {
            VLOG_INFO("domain %s: port %s policy set from NIC %s", d->name,
                      nic->dev, nic->key);
        }
    }
    if (rc) {
        domain_problem(d, g_strdup_printf("NIC %s, port %s: %s%s", nic->key,
                                          nic->dev, text,
                                          rc < 0 ? "" : " (will retry)"));
        rc = -1;
    } else {
        g_hash_table_replace(d->applied, g_strdup(nic->dev), signature);
        signature = NULL;
    }

out:
    g_free(text);
    g_free(signature);
    g_free(joined);
    g_strfreev(full);
    return rc;
}

/* Asks the daemon to announce the ports of 'd' (port/announce). */
static void
announce_ports(struct agent_domain *d)
{
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init(&iter, d->applied);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        char *text;
        int rc = daemon_run("port/announce", (char *[]) { key, NULL }, NULL,
                            &text);

        if (rc) {
            VLOG_WARN("domain %s: cannot announce port %s: %s", d->name,
                      (char *) key, text);
        } else {
            VLOG_INFO("domain %s arrived by migration: port %s: %s",
                      d->name, (char *) key, text);
        }
        g_free(text);
    }
}

/* The bridge for NICs without a <vsw:port> entry: --default-bridge
 * ("none": no bridge), else the daemon's [libvirt] default-bridge. */
static const char *
default_bridge(void)
{
    if (!opts.default_bridge) {
        return daemon_default_bridge();
    }
    return strcmp(opts.default_bridge, "none") ? opts.default_bridge : NULL;
}

/* Makes the daemon's ports for domain 'uuid' what its live XML says: all
 * gone if it does not run.  'ports' is the daemon's view (updated by the
 * caller after changes).  Returns 0, or -1 when something must be tried
 * again. */
static int
reconcile_domain(const char *uuid, GHashTable *ports)
{
    virDomainPtr dom = conn ? virDomainLookupByUUIDString(conn, uuid) : NULL;
    struct agent_domain *d = g_hash_table_lookup(domains, uuid);
    struct libvirt_domain *ld = NULL;
    char *owner = g_strconcat(OWNER_PREFIX, uuid, NULL);
    GHashTable *wanted;
    GHashTableIter iter;
    gpointer key, value;
    char *xml = NULL;
    char *msg = NULL;
    int rc = 0;

    if (!dom || virDomainIsActive(dom) != 1
        || !(xml = virDomainGetXMLDesc(dom, 0))) {
        /* Gone or not running (or its XML vanished with it). */
        rc = remove_owned_ports(ports, uuid, d ? d->name : NULL,
                                "its domain is not running");
        if (!rc) {
            g_hash_table_remove(domains, uuid);
        } else if (d) {
            d->retry = true;
        }
        goto out;
    }
    if (libvirt_domain_parse(xml, strlen(xml), default_bridge(), &ld,
                             &msg)) {
        d = agent_domain_get(uuid, virDomainGetName(dom));
        domain_problem(d, g_strdup_printf("cannot read its XML: %s", msg));
        goto out;
    }
    d = agent_domain_get(uuid, ld->name);
    if (ld->error) {
        /* Leave its ports as they are: better the last good policy than
         * none, and the hook refuses such a domain at start. */
        domain_problem(d, g_strdup_printf("%s (its ports are left as they "
                                          "are)", ld->error));
        goto out;
    }

    wanted = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_remove_all(d->aliases);
    for (guint i = 0; i < ld->nics->len; i++) {
        const struct libvirt_nic *nic = g_ptr_array_index(ld->nics, i);

        if (nic->dev && nic->alias) {
            g_hash_table_replace(d->aliases, g_strdup(nic->alias),
                                 g_strdup(nic->dev));
        }
        if (nic->skip) {
            VLOG_DBG("domain %s: %s", d->name, nic->skip);
            continue;
        }
        if (nic->error) {
            domain_problem(d, g_strdup_printf("%s (port %s left as it is)",
                                              nic->error,
                                              nic->dev ? nic->dev : "-"));
            if (nic->dev) {
                g_hash_table_add(wanted, nic->dev);
            }
            continue;
        }
        if (!nic->dev) {
            domain_problem(d, g_strdup_printf("NIC %s has no <target dev> "
                                              "yet (will retry)", nic->key));
            rc = -1;
            continue;
        }
        g_hash_table_add(wanted, nic->dev);
        if (reconcile_nic(d, nic, ports, owner)) {
            rc = -1;
        }
    }
    /* Owned ports whose NIC is gone. */
    g_hash_table_iter_init(&iter, ports);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const struct daemon_port *p = value;

        if (!strcmp(p->owner, owner) && !g_hash_table_contains(wanted, key)) {
            if (daemon_del_port(d->name, key, "its NIC is gone")) {
                rc = -1;
            } else {
                g_hash_table_remove(d->applied, key);
            }
        }
    }
    /* What was applied to ports no longer wanted is forgotten. */
    g_hash_table_iter_init(&iter, d->applied);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (!g_hash_table_contains(wanted, key)) {
            g_hash_table_iter_remove(&iter);
        }
    }
    g_hash_table_destroy(wanted);
    if (!rc) {
        g_clear_pointer(&d->last_problem, g_free);
    }
    if (!rc && d->announce) {
        d->announce = false;
        announce_ports(d);
    }
    d->retry = rc != 0;

out:
    libvirt_domain_free(ld);
    g_free(msg);
    free(xml);
    g_free(owner);
    if (dom) {
        virDomainFree(dom);
    }
    return rc;
}

/* Reconciles every domain marked dirty (or due a retry, if 'retries'). */
static void
reconcile_dirty(bool retries)
{
    GPtrArray *todo = g_ptr_array_new_with_free_func(g_free);
    GHashTable *ports;
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, domains);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct agent_domain *d = value;

        if (d->dirty || (retries && d->retry)) {
            g_ptr_array_add(todo, g_strdup(d->uuid));
        }
    }
    if (!todo->len) {
        g_ptr_array_free(todo, TRUE);
        return;
    }
    ports = daemon_ports();
    for (guint i = 0; i < todo->len; i++) {
        struct agent_domain *d = g_hash_table_lookup(domains,
                                                     todo->pdata[i]);

        if (!ports) {
            d->retry = true;
            continue;
        }
        d->dirty = false;
        reconcile_domain(todo->pdata[i], ports);
        /* Later domains see the ports as they are now. */
        g_hash_table_destroy(ports);
        ports = daemon_ports();
    }
    if (ports) {
        g_hash_table_destroy(ports);
    }
    g_ptr_array_free(todo, TRUE);
}

/* Marks the domain 'dom' for reconciling. */
static struct agent_domain *
mark_dirty(virDomainPtr dom)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    struct agent_domain *d;

    if (virDomainGetUUIDString(dom, uuid)) {
        return NULL;
    }
    d = agent_domain_get(uuid, virDomainGetName(dom));
    d->dirty = true;
    return d;
}

/* ---- libvirt events --------------------------------------------------- */

static int
on_lifecycle(virConnectPtr c, virDomainPtr dom, int event, int detail,
             void *aux)
{
    struct agent_domain *d = mark_dirty(dom);

    VLOG_DBG("domain %s: lifecycle event %d detail %d",
             virDomainGetName(dom), event, detail);
    /* Incoming migration: STARTED/MIGRATED comes while the guest is still
     * paused here and running on the source; it runs here from
     * RESUMED/MIGRATED (or RESUMED/POSTCOPY), and that is when its MACs
     * have moved. */
    if (d && event == VIR_DOMAIN_EVENT_RESUMED
        && (detail == VIR_DOMAIN_EVENT_RESUMED_MIGRATED
            || detail == VIR_DOMAIN_EVENT_RESUMED_POSTCOPY)) {
        d->announce = true;
    }
    return 0;
}

static void
on_device_added(virConnectPtr c, virDomainPtr dom, const char *alias,
                void *aux)
{
    VLOG_DBG("domain %s: device %s added", virDomainGetName(dom), alias);
    mark_dirty(dom);
}

static void
on_device_removed(virConnectPtr c, virDomainPtr dom, const char *alias,
                  void *aux)
{
    struct agent_domain *d = mark_dirty(dom);
    const char *port = d ? g_hash_table_lookup(d->aliases, alias) : NULL;

    VLOG_DBG("domain %s: device %s removed%s%s", virDomainGetName(dom),
             alias, port ? ", port " : "", port ? port : "");
}

static void
on_metadata_change(virConnectPtr c, virDomainPtr dom, int type,
                   const char *nsuri, void *aux)
{
    if (type == VIR_DOMAIN_METADATA_ELEMENT
        && g_strcmp0(nsuri, LIBVIRT_XML_NS)) {
        return;     /* Another application's metadata. */
    }
    VLOG_DBG("domain %s: metadata changed", virDomainGetName(dom));
    mark_dirty(dom);
}

static void
on_close(virConnectPtr c, int reason, void *aux)
{
    conn_closed = true;
}

/* ---- The connection --------------------------------------------------- */

static void
disconnect(void)
{
    if (!conn) {
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(event_ids); i++) {
        if (event_ids[i] >= 0) {
            virConnectDomainEventDeregisterAny(conn, event_ids[i]);
            event_ids[i] = -1;
        }
    }
    virConnectUnregisterCloseCallback(conn, on_close);
    virConnectClose(conn);
    conn = NULL;
}

/* After (re)connecting: every running domain is reconciled, and the owned
 * ports of domains that no longer run are removed. */
static void
resync_all(void)
{
    virDomainPtr *list = NULL;
    GHashTable *running = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                g_free, NULL);
    GHashTable *ports;
    GHashTableIter iter;
    gpointer key, value;
    int n;

    n = virConnectListAllDomains(conn, &list,
                                 VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    if (n < 0) {
        VLOG_WARN("cannot list the running domains: %s",
                  virGetLastErrorMessage());
        g_hash_table_destroy(running);
        return;
    }
    for (int i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN];

        if (!virDomainGetUUIDString(list[i], uuid)) {
            g_hash_table_add(running, g_strdup(uuid));
            mark_dirty(list[i]);
        }
        virDomainFree(list[i]);
    }
    free(list);
    VLOG_INFO("%d running domain(s) to resync", n);

    /* Domains we knew that stopped while we were away. */
    g_hash_table_iter_init(&iter, domains);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        ((struct agent_domain *) value)->dirty = true;
    }
    reconcile_dirty(false);

    ports = daemon_ports();
    if (ports) {
        g_hash_table_iter_init(&iter, ports);
        while (g_hash_table_iter_next(&iter, &key, &value)) {
            const struct daemon_port *p = value;
            const char *uuid = p->owner + strlen(OWNER_PREFIX);

            if (g_str_has_prefix(p->owner, OWNER_PREFIX)
                && !g_hash_table_contains(running, uuid)) {
                daemon_del_port(uuid, key, "its domain is not running");
            }
        }
        g_hash_table_destroy(ports);
    }
    g_hash_table_destroy(running);
}

static void
try_connect(void)
{
    static const struct {
        int id;
        virConnectDomainEventGenericCallback cb;
    } events[] = {
        { VIR_DOMAIN_EVENT_ID_LIFECYCLE,
          VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle) },
        { VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
          VIR_DOMAIN_EVENT_CALLBACK(on_device_added) },
        { VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
          VIR_DOMAIN_EVENT_CALLBACK(on_device_removed) },
        { VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
          VIR_DOMAIN_EVENT_CALLBACK(on_metadata_change) },
    };

    conn = virConnectOpen(opts.uri);
    if (!conn) {
        VLOG_WARN("cannot connect to libvirt at %s: %s (retrying in %u s; "
                  "is libvirtd running?)", opts.uri,
                  virGetLastErrorMessage(), backoff_ms / 1000);
        next_connect_ms = time_msec() + backoff_ms;
        backoff_ms = MIN(backoff_ms * 2, AGENT_BACKOFF_MAX_MS);
        return;
    }
    conn_closed = false;
    if (virConnectRegisterCloseCallback(conn, on_close, NULL, NULL) < 0) {
        VLOG_DBG("no close callback on %s: %s", opts.uri,
                 virGetLastErrorMessage());
    }
    /* A libvirtd that stops answering closes the connection. */
    virConnectSetKeepAlive(conn, 5, 3);
    for (size_t i = 0; i < G_N_ELEMENTS(events); i++) {
        event_ids[i] = virConnectDomainEventRegisterAny(conn, NULL,
                                                        events[i].id,
                                                        events[i].cb, NULL,
                                                        NULL);
        if (event_ids[i] < 0) {
            VLOG_ERR("cannot subscribe to libvirt's events on %s: %s "
                     "(reconnecting)", opts.uri, virGetLastErrorMessage());
            disconnect();
            next_connect_ms = time_msec() + backoff_ms;
            return;
        }
    }
    backoff_ms = AGENT_BACKOFF_MIN_MS;
    VLOG_INFO("connected to libvirt at %s", opts.uri);
    resync_all();
}
/* ---- Main loop -------------------------------------------------------- */

static void
tick(int timer, void *aux)
{
    /* Nothing: it only bounds how long virEventRunDefaultImpl() sleeps. */
}

static void
on_signal(int signo)
{
    stop_signal = signo;
}

/* Every AGENT_CHECK_MS: domains whose ports the daemon lost (it restarted)
 * or that failed are reconciled again. */
static void
check_daemon(void)
{
    GHashTable *ports = daemon_ports();
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, domains);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct agent_domain *d = value;
        char *owner = g_strconcat(OWNER_PREFIX, d->uuid, NULL);
        GHashTableIter pi;
        gpointer port;

        g_hash_table_iter_init(&pi, d->applied);
        while (ports && g_hash_table_iter_next(&pi, &port, NULL)) {
            const struct daemon_port *p = g_hash_table_lookup(ports, port);

            if (!p || strcmp(p->owner, owner)) {
                VLOG_INFO("domain %s: port %s is gone from the switch "
                          "(daemon restarted?): adding it again", d->name,
                          (char *) port);
                g_hash_table_iter_remove(&pi);
                d->dirty = true;
            }
        }
        g_free(owner);
    }
    if (ports) {
        g_hash_table_destroy(ports);
    }
    reconcile_dirty(true);
}

static void
usage(void)
{
    printf("%s: keeps libvirt domains' ports on the virtual switch\n"
           "usage: %s [OPTIONS]\n"
           "\n"
           "Options:\n"
           "  --connect=URI          libvirt URI (default: %s)\n"
           "  --socket=PATH          vswitchd's control socket (default:\n"
           "                         $VSWITCH_SOCKET, or %s)\n"
           "  --default-bridge=BR    bridge for ethernet NICs without a\n"
           "                         <vsw:port> entry (default: vswitchd's\n"
           "                         [libvirt] default-bridge; none: such\n"
           "                         NICs are left alone)\n"
           "  --verbose              log every event (debug level)\n"
           "  --test-script=FILE     run FILE's libvirt calls on the agent's\n"
           "                         own connection (tests only)\n"
           "  -h, --help             show this help and exit\n"
           "  -V, --version          show the version and exit\n",
           "vswitch-libvirt-agent", "vswitch-libvirt-agent", DEFAULT_URI,
           DEFAULT_SOCKET);
}

static void G_GNUC_NORETURN
usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "vswitch-libvirt-agent: %s%s\n"
            "(use \"vswitch-libvirt-agent --help\" for help)\n", msg, arg);
    exit(2);
}

static void
parse_options(int argc, char *argv[])
{
    enum { OPT_CONNECT = 256, OPT_SOCKET, OPT_DEFAULT_BRIDGE, OPT_VERBOSE,
           OPT_TEST_SCRIPT };
    static const struct option long_options[] = {
        { "connect", required_argument, NULL, OPT_CONNECT },
        { "socket", required_argument, NULL, OPT_SOCKET },
        { "default-bridge", required_argument, NULL, OPT_DEFAULT_BRIDGE },
        { "verbose", no_argument, NULL, OPT_VERBOSE },
        { "test-script", required_argument, NULL, OPT_TEST_SCRIPT },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *env = getenv("VSWITCH_SOCKET");

    opts.uri = DEFAULT_URI;
    opts.socket_path = env && env[0] ? env : DEFAULT_SOCKET;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":hV", long_options, NULL);

        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_CONNECT:
            opts.uri = optarg;
            break;
        case OPT_SOCKET:
            opts.socket_path = optarg;
            break;
        case OPT_DEFAULT_BRIDGE:
            g_free(opts.default_bridge);
            opts.default_bridge = g_strdup(optarg);
            break;
        case OPT_VERBOSE:
            log_set_level(LOG_LVL_DBG);
            break;
        case OPT_TEST_SCRIPT:
            opts.test_script = optarg;
            break;
        case 'h':
            usage();
            exit(EXIT_SUCCESS);
        case 'V':
            printf("vswitch-libvirt-agent (%s) %s\n", PACKAGE_NAME,
                   PACKAGE_VERSION);
            exit(EXIT_SUCCESS);
        case ':':
            usage_error("option needs an argument: ", argv[optind - 1]);
        default:
            usage_error("unknown option ", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        usage_error("unexpected argument ", argv[optind]);
    }
    if (!opts.uri[0] || !opts.socket_path[0]) {
        usage_error("--connect and --socket need a value", "");
    }
}

/* libvirt's own error printing goes to stderr unformatted: route it to
 * our log at debug level (the caller logs what matters). */
static void
on_libvirt_error(void *aux, virErrorPtr err)
{
    VLOG_DBG("libvirt: %s", err && err->message ? err->message : "?");
}

int
main(int argc, char *argv[])
{
    struct sigaction sa;

    parse_options(argc, argv);
    if (opts.test_script && agent_script_load(opts.test_script)) {
        return 1;
    }
    agent_daemon_init(opts.socket_path);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    virSetErrorFunc(NULL, on_libvirt_error);
    /* Before any connection: libvirt's events need a loop. */
    if (virEventRegisterDefaultImpl() < 0) {
        VLOG_ERR("cannot start libvirt's event loop: %s",
                 virGetLastErrorMessage());
        return 1;
    }
    /* Without a timer, virEventRunDefaultImpl() may sleep forever. */
    virEventAddTimeout(AGENT_TICK_MS, tick, NULL, NULL);

    domains = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                    agent_domain_free);
    VLOG_INFO("starting: libvirt %s, switch %s", opts.uri, opts.socket_path);
    while (!stop_signal) {
        uint64_t now = time_msec();

        if (!conn && now >= next_connect_ms) {
            try_connect();
        }
        if (virEventRunDefaultImpl() < 0) {
            VLOG_WARN("libvirt's event loop: %s", virGetLastErrorMessage());
        }
        if (conn && conn_closed) {
            VLOG_WARN("lost the connection to libvirt at %s (libvirtd "
                      "restarted?): reconnecting", opts.uri);
            disconnect();
            next_connect_ms = time_msec() + AGENT_BACKOFF_MIN_MS;
        }
        if (conn) {
            reconcile_dirty(false);
            agent_script_step(conn);
        }
        if (time_msec() >= next_check_ms) {
            next_check_ms = time_msec() + AGENT_CHECK_MS;
            if (conn) {
                check_daemon();
            }
        }
    }
    VLOG_INFO("exiting on signal %d (ports stay as they are)",
              (int) stop_signal);
    disconnect();
    g_hash_table_destroy(domains);
    agent_script_free();
    g_free(opts.default_bridge);
    return 0;
}
