/* bridge-private: what bridge.c gives bridge-cmd.c, the file of the bridge's
 * commands that involve no team.  Nothing else includes it; the contract
 * for the rest of the daemon stays bridge.h.  bridge-cmd.c calls bridge.c,
 * never the other way.
 *
 * Thread-safety: control thread only, as bridge.h. */
#ifndef VSWITCHD_BRIDGE_PRIVATE_H
#define VSWITCHD_BRIDGE_PRIVATE_H 1

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
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
 * negative errno with the reason in 'err'. */
int bridge_port_attach(const char *name, char *err, size_t err_size);

/* Parses the "vlan=N" and "port=IFACE" arguments of the fdb commands
 * ('port' NULL: port= is refused); fills 'reply' and returns false on a
 * bad one. */
bool bridge_fdb_args(int n_args, char *args[], int *vlan, const char **port,
                     struct ctl_reply *reply);

#endif /* bridge-private.h */
