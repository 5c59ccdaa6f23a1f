/* bridge: the daemon's bridges and ports, kept equal to the configuration.
 *
 * Owns the running configuration and the datapath objects made from it.
 * Every change, from a vswitch-ctl command or a reloaded file, is applied
 * the same way: the new configuration is validated as a whole, written to
 * the file atomically, and then the difference between the running state and
 * the new configuration is applied to the datapath.  A refused change leaves
 * both the file and the running state as they were.
 *
 * Registers the commands add-br, set-br, del-br, list-br, add-port,
 * set-port, del-port, list-ports, show, fdb/show, fdb/flush, fdb/add,
 * fdb/del and port/stats.
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCHD_BRIDGE_H
#define VSWITCHD_BRIDGE_H 1

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stddef.h>

struct config;
struct config_port;
struct ctl_reply;
struct datapath;
struct dp_bridge;
struct dp_port;
struct dp_port_stats;
struct dp_port_settings;

/* Loads 'config_path' and builds every bridge and port in it.  Returns 0,
 * or a negative errno with '*msg' set (caller frees) if the file is
 * invalid (-EINVAL) or cannot be read (-EIO). */
int bridge_init(struct datapath *, const char *config_path, char **msg);
/* Registers the commands of bridge-cmd.c (those that involve no team);
 * bridge_init() registers the others.  Call after bridge_init(). */
void bridge_cmd_init(void);
/* Re-reads the configuration file and applies the difference.  An invalid
 * or missing file is logged and ignored: returns a negative errno then,
 * with '*msg' (caller frees) saying why; 0 once applied. */
int bridge_reload(char **msg);
/* One line on the running state, for systemd's STATUS=: "2 bridges, 5
 * ports (4 attached, 1 absent), 1 team" (ports as 'show' counts them: a
 * team is one line of its own).  Caller frees. */
char *bridge_status(void);
/* Removes every port and bridge from the datapath (the file is kept). */
void bridge_fini(void);

/* For the port kinds (port-kind.h: the teams), which run the rest of the
 * daemon's configuration.  The bridge calls them only through their ops
 * tables; they call in here. */

/* The running configuration (read only: change it through a
 * transaction, below). */
const struct config *bridge_config(void);
/* A change to the running configuration (config-txn.h), one path for the
 * bridge's commands, the port kinds' and any other module's: the copy of
 * the running configuration to edit, then its commit, which validates,
 * saves and applies it (takes 'cfg'; on failure changes nothing).
 * bridge_txn_commit() returns 0 or a negative errno with '*msg' set (caller
 * frees); bridge_commit() is the same for a control command, filling
 * 'reply' with the refusal. */
struct config *bridge_txn_begin(void);
int bridge_txn_commit(struct config *cfg, char **msg);
bool bridge_commit(struct config *cfg, struct ctl_reply *reply);
struct dp_bridge *bridge_dp_bridge(const char *name);
/* The datapath port of a plain port (not a team), or NULL. */
struct dp_port *bridge_dp_port(const char *name);
/* A port's VLAN settings as the datapath wants them. */
void bridge_port_settings(const struct config_port *,
                          struct dp_port_settings *);
/* Refuses (with a reply saying why) a device that can be neither a port
 * nor a team member: the loopback device, a Linux bridge, or a device that
 * a bridge, bond or team already holds (both would take its frames).  A
 * device the kernel cannot tell about is let through: the attach reports
 * what is wrong with it. */
bool bridge_device_ok(const char *name, struct ctl_reply *);

/* The counters of the switch's ports, as port/stats shows them and the
 * metrics command exports them: one gatherer, many readers. */

/* What a set of counters belongs to. */
enum bridge_counters_kind {
    BRIDGE_COUNTERS_PORT,        /* A plain port. */
    BRIDGE_COUNTERS_TEAM,        /* A team, as a port of its bridge. */
    BRIDGE_COUNTERS_MEMBER,      /* A team's member. */
};

/* One set of counters, valid for the call it is given to. */
struct bridge_counters {
    enum bridge_counters_kind kind; /* What it is. */
    const char *name;            /* The port, team or member. */
    const char *bridge;          /* Its bridge. */
    const char *team;            /* BRIDGE_COUNTERS_MEMBER: its team;
                                  * else NULL. */
    const char *state;           /* A port's state (one of
                                  * bridge_port_states[]) or a member's
                                  * (member_state_name()); NULL for a
                                  * team. */
    const struct dp_port_stats *stats; /* The counters. */
};
typedef void bridge_counters_func(const struct bridge_counters *,
                                  void *aux);

/* Calls 'func' for the counters of port, team or member 'name' (a team's
 * members follow it), or with 'name' NULL for every one: the plain ports
 * in configuration order, then each team and its members.  First adds
 * what only the kernel counts (datapath_collect_stats()).  Returns true if
 * 'func' was called. */
bool bridge_counters_foreach(const char *name, bridge_counters_func *func,
                             void *aux);

/* The states a plain port can be in, as 'show' and port/stats name them:
 * "up", "down" (no carrier), "absent" (no device). */
extern const char *const bridge_port_states[];
extern const size_t bridge_n_port_states;

#endif /* bridge.h */
