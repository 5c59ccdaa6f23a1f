/* ctl-server: the daemon's control socket and its command registry.
 *
 * Modules register the commands they own (name, usage, help, argument
 * counts, handler) from their init functions; the server listens on a unix
 * socket in the GLib main loop, decodes requests (ctl-proto), checks the
 * argument count against the registration (a usage error, status 2, with the
 * usage line), and calls the handler.  Built in: "list-commands",
 * "help [COMMAND]" and "version".
 *
 * Thread-safety: control thread only (handlers run in the main loop). */
#ifndef VSWITCH_CTL_SERVER_H
#define VSWITCH_CTL_SERVER_H 1

#include <glib.h>
#include <stdbool.h>
#include "ctl-proto.h"

/* A command handler.  'args' holds the command's arguments only (not the
 * command name), 'n_args' of them.  'want_json' tells whether the client
 * asked for JSON: handlers of queries always fill reply->text and, when
 * 'want_json', also reply->result. */
typedef void ctl_handler_func(struct ctl_reply *reply, int n_args,
                              char *args[], bool want_json, void *aux);

/* Registers 'name'.  'usage' is the argument synopsis ("BR IFACE [vlan=N]"),
 * 'help' one sentence.  'max_args' may be -1 for "no limit".  Registering a
 * name twice is a programming error (aborts). */
void ctl_command_register(const char *name, const char *usage,
                          const char *help, int min_args, int max_args,
                          ctl_handler_func *handler, void *aux);
/* Forgets every registration (tests, shutdown). */
void ctl_command_unregister_all(void);

/* Runs a request through the registry as the socket would; used by the
 * server and by tests.  Fills 'reply' (initialised by the caller). */
void ctl_command_execute(const struct ctl_request *, struct ctl_reply *);

struct ctl_server;

/* Listens on 'path' (an existing stale socket is replaced, a live one is
 * refused: another daemon is running), mode 0660, and serves requests from
 * the default GLib main context.  Creates the parent directory if missing. */
struct ctl_server *ctl_server_create(const char *path, GError **error);
/* Changes the deadlines of 'server' (CTL_REQUEST_TIMEOUT_MS and
 * CTL_IDLE_TIMEOUT_MS by default): tests use short ones. */
void ctl_server_set_timeouts(struct ctl_server *, unsigned int request_ms,
                             unsigned int idle_ms);
/* Stops listening, closes clients, removes the socket file.  Accepts NULL. */
void ctl_server_destroy(struct ctl_server *);

#endif /* ctl-server.h */
