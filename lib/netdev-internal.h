/* netdev-internal: the devices of internal ports, the host's own ports on
 * a bridge.
 *
 * An internal port NAME is a veth pair the daemon creates: NAME is the
 * host's end, on which the host puts its addresses; its peer, named by
 * netdev_internal_peer_name(), is the switch's end, which the datapath
 * opens with AF_PACKET like any port's device.  (A tap would not do: what
 * AF_PACKET sends on a tap goes to the tap's file descriptor, not to the
 * host's stack.)  Frames the host sends on NAME arrive on the peer, into
 * the bridge; what the bridge sends on the peer arrives on NAME, into the
 * host's stack.
 *
 * The pair is recognised as the daemon's by its shape: NAME is a veth whose
 * peer has the derived name.  A device NAME of any other shape belongs to
 * someone else and is never touched.  Deleting NAME deletes the peer too.
 *
 * Errors: 0 or a negative errno, with '*msg' (caller frees with g_free())
 * naming the device and the fix on failure, NULL on success.
 *
 * Thread-safety: control thread only (each call opens its own netlink
 * socket). */
#ifndef VSWITCH_NETDEV_INTERNAL_H
#define VSWITCH_NETDEV_INTERNAL_H 1

#include <net/if.h>
#include <stdbool.h>

/* The peer's name: this prefix and 8 hexadecimal digits of the 32-bit
 * FNV-1a hash of NAME, 12 characters in all ("vsi-1a2b3c4d"), so that it
 * fits any NAME within IFNAMSIZ and stays the same across restarts and
 * versions. */
#define NETDEV_INTERNAL_PREFIX "vsi-"

/* Writes the name of the switch's end of internal port 'name' into
 * 'peer'. */
void netdev_internal_peer_name(const char *name, char peer[IF_NAMESIZE]);

/* What device 'name' is: 1 if it is an internal port's pair (a veth whose
 * peer has the derived name), 0 if there is no such device, -EEXIST if it
 * is another device (with '*msg'), -EIO if netlink fails. */
int netdev_internal_probe(const char *name, char **msg);

/* Makes sure internal port 'name''s pair exists: reuses it if it does (the
 * host's addresses on it survive a restart of the daemon), creates it with
 * both ends up if not.  '*created' says which.  -EEXIST (with '*msg') if
 * 'name' or the peer's name is taken by another device. */
int netdev_internal_ensure(const char *name, bool *created, char **msg);

/* Deletes internal port 'name''s pair.  0 if it is gone (or was not
 * there); a device 'name' that is not the daemon's pair is left alone:
 * -EEXIST with '*msg'. */
int netdev_internal_delete(const char *name, char **msg);

#endif /* netdev-internal.h */
