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

struct config;
struct config_port;
struct ctl_reply;
struct datapath;
struct dp_bridge;
struct dp_port;
struct dp_port_stats;
struct dp_port_settings;

/* Loads 'config_path' and builds every bridge and port in it.  Returns false
 * with 'error' set if the file is invalid. */
bool bridge_init(struct datapath *, const char *config_path, GError **error);
/* Registers the commands of bridge-cmd.c (those that involve no team);
 * bridge_init() registers the others.  Call after bridge_init(). */
void bridge_cmd_init(void);
/* Re-reads the configuration file and applies the difference.  An invalid
 * file is logged and ignored. */
void bridge_reload(void);
/* Removes every port and bridge from the datapath (the file is kept). */
void bridge_fini(void);

/* For team.c, the other half of the daemon's configuration.  The commit,
 * KEY=VALUE and counter helpers below wrap lib/config-txn.h and
 * lib/ctl-util.h, which team.c can call itself instead. */

/* The running configuration (do not change it: clone, edit, commit). */
const struct config *bridge_config(void);
/* Validates, saves and applies 'cfg' (takes ownership); on failure fills
 * 'reply' and changes nothing. */
bool bridge_commit(struct config *cfg, struct ctl_reply *reply);
struct dp_bridge *bridge_dp_bridge(const char *name);
/* The datapath port of a plain port (not a team), or NULL. */
struct dp_port *bridge_dp_port(const char *name);
/* A port's VLAN settings as the datapath wants them. */
void bridge_port_settings(const struct config_port *,
                          struct dp_port_settings *);
/* Refuses with 'error''s message (freeing it); returns false. */
bool bridge_refuse(struct ctl_reply *, GError *error);
/* Applies "KEY=VALUE" arguments to 'target' with 'set'; on the first bad
 * one fills 'reply' (usage error or refusal) and returns false. */
typedef bool bridge_kv_setter(void *target, const char *key,
                              const char *value, GError **error);
bool bridge_set_kv_args(void *target, bridge_kv_setter *set, int n_args,
                        char *args[], struct ctl_reply *reply);
/* port/stats output of one set of counters: the rx/tx/drops lines, and
 * the counters as members of 'o'.  One format for ports, teams and team
 * members. */
void bridge_stats_text(struct ctl_reply *, const struct dp_port_stats *);
void bridge_stats_json(JsonObject *o, const struct dp_port_stats *);
/* Splits "key=value" (caller frees '*key'); false if there is no '='. */
bool bridge_split_kv(const char *arg, char **key, const char **value);

/* Refuses (with a reply saying why) a device that can be neither a port
 * nor a team member: the loopback device, a Linux bridge, or a device that
 * a bridge, bond or team already holds (both would take its frames).  A
 * device the kernel cannot tell about is let through: the attach reports
 * what is wrong with it. */
bool bridge_device_ok(const char *name, struct ctl_reply *);

#endif /* bridge.h */
