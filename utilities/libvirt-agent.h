/* libvirt-agent: what the files of vswitch-libvirt-agent(8) share.
 *
 *   - vswitch-libvirt-agent.c: options, the libvirt connection and its
 *     events, reconciling a domain's ports, the main loop.
 *   - libvirt-agent-daemon.c: talking to vswitchd over its control socket
 *     (lib/ctl-client), and the keys of a port.
 *   - libvirt-agent-script.c: --test-script, libvirt calls run on the
 *     agent's own connection for the tests.
 *
 * Errors: 0 or -1 with the reason logged or in '*text', as each says.
 *
 * Thread-safety: one thread (the agent has no other). */
#ifndef VSWITCH_LIBVIRT_AGENT_H
#define VSWITCH_LIBVIRT_AGENT_H 1

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libvirt/libvirt.h>
#include <stdbool.h>

#define AGENT_CTL_TIMEOUT_MS 3000  /* Per control command. */

/* libvirt-agent-daemon.c */

/* Sets the daemon's control socket. */
void agent_daemon_init(const char *socket_path);
/* Runs 'command' with the NULL-terminated 'args' on the daemon.  Returns 0
 * (done), the reply's status (refused: 1, usage: 2) with '*text' (caller
 * frees) saying why, or -1 when the daemon cannot be reached ('*text' says
 * why).  With 'result', asks for JSON and hands the result over. */
int daemon_run(const char *command, char **args, JsonNode **result,
               char **text);

/* A port as the daemon shows it. */
struct daemon_port {
    char *bridge;                /* Owned. */
    char *owner;                 /* Owned; "" for the operator's. */
};

/* The daemon's plain ports, from "show --json": name -> struct
 * daemon_port.  NULL (with a warning) when it cannot be reached.  Also
 * updates the default bridge (daemon_default_bridge()). */
GHashTable *daemon_ports(void);
/* The daemon's [libvirt] default-bridge as the last daemon_ports() read
 * it, or NULL if it has none. */
const char *daemon_default_bridge(void);
/* Removes port 'port' of domain 'dom_name' because of 'why' (logged).
 * Returns 0, or -1 when it failed (logged). */
int daemon_del_port(const char *dom_name, const char *port, const char *why);
/* Every key set-port takes for a port, each at its default, then
 * 'settings' (a NIC's) in place of the defaults they name, then
 * owner='owner': one set-port with it makes the port what 'settings'
 * says, whatever it was.  Caller frees with g_strfreev(). */
char **full_settings(char **settings, const char *owner);

/* libvirt-agent-script.c */

/* Loads the test script at 'path'.  Returns 0, or -1 (reported on
 * stderr). */
int agent_script_load(const char *path);
/* Runs the next line of the script on 'conn', if any. */
void agent_script_step(virConnectPtr conn);
void agent_script_free(void);

#endif /* libvirt-agent.h */
