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
#include <stdbool.h>

struct datapath;

/* Loads 'config_path' and builds every bridge and port in it.  Returns false
 * with 'error' set if the file is invalid. */
bool bridge_init(struct datapath *, const char *config_path, GError **error);
/* Re-reads the configuration file and applies the difference.  An invalid
 * file is logged and ignored. */
void bridge_reload(void);
/* Removes every port and bridge from the datapath (the file is kept). */
void bridge_fini(void);

#endif /* bridge.h */
