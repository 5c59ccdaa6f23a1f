/* bridge-private: what bridge.c gives bridge-cmd.c, the file of the bridge's
 * commands that involve no team.  Nothing else includes it; the contract
 * for the rest of the daemon stays bridge.h.  bridge-cmd.c calls bridge.c,
 * never the other way.
 *
 * Thread-safety: control thread only, as bridge.h. */
#ifndef VSWITCHD_BRIDGE_PRIVATE_H
#define VSWITCHD_BRIDGE_PRIVATE_H 1

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct config_port;
struct ctl_reply;
struct dp_port;

/* A running bridge. */
struct br {
    char *name;                    /* Owned.  Key in bridge.c's table. */
    struct dp_bridge *dp;          /* Owned datapath bridge. */
    unsigned int mac_aging;        /* Applied aging time. */
    unsigned int mac_table_size;   /* Applied size limit. */
};

/* The running bridge 'name'; NULL, with 'reply' refused, if none. */
struct br *bridge_find_br(const char *name, struct ctl_reply *reply);
/* The ports of 'bridge' in configuration order ('struct config_port *'
 * of the running configuration).  Caller frees the array. */
GPtrArray *bridge_config_ports(const char *bridge);
/* The datapath port numbered 'port_no', or NULL. */
struct dp_port *bridge_dp_port_by_no(uint32_t port_no);
/* Opens the device of the configured port 'name' now.  Returns 0, or a
 * negative errno with the reason in 'err' (-ENODEV: no such device). */
int bridge_port_attach(const char *name, char *err, size_t err_size);
/* The state of the configured port 'name' as 'show' says it: "up",
 * "down", or "absent" (no device, or not opened). */
const char *bridge_port_state(const char *name);

/* The administrative state of port 'name' as 'show --json' says it:
 * "enabled", "disabled" (enabled=no) or "blocked-by-bpdu-guard". */
const char *bridge_port_admin_state(const char *name);
/* Lifts the block the BPDU guard put on port 'name'.  Returns true if
 * there was one. */
bool bridge_port_guard_reset(const char *name);

/* Port policies, the part with no state (bridge-policy.c, which calls
 * only lib/). */

/* Sets the MTU of device 'name' to 'mtu' (SIOCSIFMTU), first storing the
 * one it had in '*old' (if nonnull).  Returns 0, or a negative errno with
 * the reason in 'err'. */
int bridge_device_set_mtu(const char *name, unsigned int mtu,
                          unsigned int *old, char *err, size_t err_size);
/* A port_policy_format() callback: appends " KEY=VALUE" to the GString
 * 'aux', for logs and 'show'. */
void bridge_policy_append_key(const char *key, const char *value, void *aux);
/* Ends the port's line of 'show' with its administrative state 'state'
 * (bridge_port_admin_state()) when it is not "enabled", and adds a line of
 * the policy keys that differ from the defaults; in the port's JSON
 * object 'jp', "admin-state" and "policy" with every key. */
/* The end of "show": the [libvirt] group, and the JSON answer made of
 * 'jbridges' (taken) if 'json'. */
void bridge_show_end(const struct config *, JsonArray *jbridges, bool json,
                     struct ctl_reply *);
void bridge_show_port_policy(const struct config_port *, const char *state,
                             struct ctl_reply *, JsonObject *jp);

/* Parses the "vlan=N" and "port=IFACE" arguments of the fdb commands
 * ('port' NULL: port= is refused); fills 'reply' and returns false on a
 * bad one. */
bool bridge_fdb_args(int n_args, char *args[], int *vlan, const char **port,
                     struct ctl_reply *reply);

#endif /* bridge-private.h */
