/* ctl-client: the command line's side of the control socket.
 *
 * Errors: GError (G_IO_ERROR codes), the older form of lib/'s convention
 * (util.h): false with a message that names the socket and the fix.
 *
 * Thread-safety: any thread; blocking calls with a timeout. */
#ifndef VSWITCH_CTL_CLIENT_H
#define VSWITCH_CTL_CLIENT_H 1

#include <glib.h>
#include <stdbool.h>
#include "ctl-proto.h"

/* Connects to 'socket_path', sends 'request', waits at most 'timeout_ms'
 * (0 = forever) for the reply and fills 'reply' (initialised by the caller).
 * Returns false with 'error' set when the daemon cannot be reached or does
 * not answer in time; the message says what to do ("is vswitchd running?
 * (socket /run/vswitch/vswitchd.sock: No such file or directory)"). */
bool ctl_client_transact(const char *socket_path,
                         const struct ctl_request *request, int timeout_ms,
                         struct ctl_reply *reply, GError **error);

#endif /* ctl-client.h */
