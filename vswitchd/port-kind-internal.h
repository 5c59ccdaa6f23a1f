/* port-kind-internal: what bridge.c does for internal ports, the host's own
 * ports ("type=internal", config.h).
 *
 * An internal port is a plain port of bridge.c whose device the daemon
 * owns: a veth pair (netdev-internal.h), NAME for the host and a peer the
 * port opens.  bridge.c asks for the device when it adds the port (or
 * finds it detached at a configuration change), deletes it when the port
 * is removed from the configuration (not when the daemon exits: the
 * host's addresses stay for the next start), and checks every
 * configuration change here.
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCHD_PORT_KIND_INTERNAL_H
#define VSWITCHD_PORT_KIND_INTERNAL_H 1

struct config;
struct config_port;

/* The device port 'cp' opens (caller frees): its own name, or for an
 * internal port the pair's peer, after making sure the pair exists
 * (created if missing, logged either way; a failure is logged and the
 * port waits for its device). */
char *internal_port_device(const struct config_port *cp);

/* Deletes internal port 'name''s pair (its port was removed); logs. */
void internal_port_delete(const char *name);

/* Checks a change from 'running' (NULL at start: nothing to check) to
 * 'cfg': a port's type never changes, and a new internal port may not take
 * a device name someone else's device has.  0, or a negative errno with
 * '*msg' set (caller frees). */
int internal_port_check(const struct config *running,
                        const struct config *cfg, char **msg);

#endif /* port-kind-internal.h */
