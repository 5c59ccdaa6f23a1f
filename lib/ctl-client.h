/* ctl-client: the command line's side of the control socket.
 *
 * Errors: lib/'s convention (util.h): a negative errno with a message
 * that names the socket and the fix.
 *
 * Thread-safety: any thread; blocking calls with a timeout. */
#ifndef VSWITCH_CTL_CLIENT_H
#define VSWITCH_CTL_CLIENT_H 1

#include <glib.h>
#include <stdbool.h>
#include "ctl-proto.h"

/* Connects to 'socket_path', sends 'request', waits at most 'timeout_ms'
 * (0 = forever) for the reply and fills 'reply' (initialised by the caller).
 * Returns 0, or a negative errno with '*msg' set (caller frees with
 * g_free()) when the daemon cannot be reached (the connect's errno), does
 * not answer in time (-ETIMEDOUT), closes the connection (-ECONNRESET) or
 * answers too much (-EMSGSIZE) or nonsense (-EINVAL); the message says
 * what to do ("is vswitchd running? (socket /run/vswitch/vswitchd.sock: No
 * such file or directory)"). */
int ctl_client_transact(const char *socket_path,
                        const struct ctl_request *request, int timeout_ms,
                        struct ctl_reply *reply, char **msg);

#endif /* ctl-client.h */
