/* ctl-server: the daemon's control socket.
 *
 * Modules register the commands they own from their init functions in the
 * registry (ctl-command.h, included here for them); the server listens on a
 * unix socket in the GLib main loop, decodes requests (ctl-proto), and runs
 * them through the registry (ctl_command_execute(): the argument count is
 * checked against the registration, a usage error, status 2, with the
 * usage line, before the handler is called).
 *
 * Errors: lib/'s convention (util.h): ctl_server_create() returns a
 * negative errno and says why it cannot listen in '*msg'; a client's bad
 * request is answered (a usage error) and logged, rate-limited, never
 * fatal.
 *
 * Thread-safety: control thread only (handlers run in the main loop). */
#ifndef VSWITCH_CTL_SERVER_H
#define VSWITCH_CTL_SERVER_H 1

#include <glib.h>
#include <stdbool.h>
#include "ctl-command.h"
#include "ctl-proto.h"

struct ctl_server;

/* Listens on 'path' (an existing stale socket is replaced, a live one is
 * refused: another daemon is running), mode 0660, and serves requests from
 * the default GLib main context.  Creates the parent directory if missing.
 * Returns 0 with '*serverp' set, or a negative errno (-EADDRINUSE: another
 * daemon listens there; -EEXIST: 'path' is not a socket; -EINVAL: 'path'
 * is empty or too long; a system call's errno) with '*serverp' NULL and
 * '*msg' set (caller frees with g_free()). */
int ctl_server_create(const char *path, struct ctl_server **serverp,
                      char **msg);
/* Changes the deadlines of 'server' (CTL_REQUEST_TIMEOUT_MS and
 * CTL_IDLE_TIMEOUT_MS by default): tests use short ones. */
void ctl_server_set_timeouts(struct ctl_server *, unsigned int request_ms,
                             unsigned int idle_ms);
/* Stops listening, closes clients, removes the socket file.  Accepts NULL. */
void ctl_server_destroy(struct ctl_server *);

#endif /* ctl-server.h */
