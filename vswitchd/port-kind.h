/* port-kind: the kinds of port the bridge module does not run itself, as
 * ops tables.
 *
 * bridge.c runs the plain ports; a kind of port with a life of its own (a
 * team of uplinks today) is one 'struct port_kind_class' listed in
 * port_kinds[] (port-kinds.c).  bridge.c calls every kind at the same
 * points of the daemon's life and of every configuration change, and asks
 * them in turn about ports it does not know, so that it calls no kind
 * directly: a kind depends on the bridge (bridge.h), never the reverse.
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCHD_PORT_KIND_H
#define VSWITCHD_PORT_KIND_H 1

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include "bridge.h"

struct config;
struct ctl_reply;
struct datapath;
struct dp_port;
struct metrics;
struct netlink_link_event;

struct port_kind_class {
    const char *name;            /* "team". */
    /* The key under which 'show --json' lists a bridge's ports of this
     * kind ("teams"). */
    const char *show_key;

    /* Starts the kind on 'dp'; 'config_path' is the configuration file's
     * (a kind may keep runtime state beside it). */
    void (*init)(struct datapath *dp, const char *config_path);
    void (*fini)(void);

    /* A configuration change: 'apply_removals' before bridges go away
     * (removes the ports 'cfg' no longer has), 'apply' after the plain
     * ports exist (creates and updates the rest).  'cfg_ports' is 'cfg''s
     * config_port_index(), built once per change by the bridge (borrowed,
     * valid for the call). */
    void (*apply_removals)(const struct config *cfg);
    void (*apply)(const struct config *cfg, GHashTable *cfg_ports);

    /* A link event (or, with ifindex 0, a resynchronisation). */
    void (*link_event)(const struct netlink_link_event *);

    /* The datapath port of the kind's port 'name', or NULL. */
    struct dp_port *(*dp_port)(const char *name);
    /* Appends the kind's ports of 'bridge' to 'show' output (text in
     * 'reply', objects in 'ports'). */
    void (*show_bridge)(const char *bridge, struct ctl_reply *reply,
                        JsonArray *ports);
    /* Calls 'func' for the counters of 'name' (NULL: of every port of
     * the kind and its parts), as bridge_counters_foreach() says; returns
     * true if it did. */
    bool (*counters)(const char *name, bridge_counters_func *func,
                     void *aux);
    /* Declares the kind's own metric families in 'm' and adds their
     * samples (metrics.h): what the kind knows beyond its counters. */
    void (*metrics)(struct metrics *m);
};

/* Every kind. */
extern const struct port_kind_class *const port_kinds[];
extern const size_t n_port_kinds;

#endif /* port-kind.h */
