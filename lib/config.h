/* config: the daemon's configuration, the one source of truth.
 *
 * Owns an in-memory model of /etc/vswitch/vswitchd.conf (a GLib key file):
 * bridges, ports and static MAC entries, with the parsers and validators
 * that both the file loader and the control commands use, so that a value
 * is checked by one piece of code whichever way it arrives.  Saving is
 * atomic (write a temporary file, fsync, rename).
 *
 * File format (see vswitchd.conf(5)):
 *
 *     [bridge br0]
 *     mac-aging=300
 *     mac-table-size=8192
 *
 *     [port vnet0]
 *     bridge=br0
 *     vlan=10                  # access port in VLAN 10
 *
 *     [port eth1]
 *     bridge=br0
 *     trunks=10,20,100-199     # trunk; "native=N" adds an untagged VLAN
 *
 *     [fdb br0 02:00:00:00:00:01]
 *     vlan=10
 *     port=vnet0
 *
 * Errors are reported through GError (domain CONFIG_ERROR) with messages an
 * operator can act on: they name the file and line or the group and key,
 * the bad value and the accepted range.
 *
 * Thread-safety: control thread only.  A 'struct config' is a plain value;
 * the daemon edits a clone and swaps it in only after the change was applied
 * and saved. */
#ifndef VSWITCH_CONFIG_H
#define VSWITCH_CONFIG_H 1

#include <stdbool.h>
#include <stdint.h>
#include "util.h"             /* Before glib.h, which redefines MIN, MAX. */
#include "vlan.h"
#include <glib.h>

#define CONFIG_ERROR (config_error_quark())
GQuark config_error_quark(void);
enum { CONFIG_ERROR_INVALID, CONFIG_ERROR_IO };

#define CONFIG_MAC_AGING_MAX 1000000        /* Seconds. */
#define CONFIG_MAC_TABLE_SIZE_MAX 1048576   /* Entries. */
#define CONFIG_NAME_MAX 15                  /* IFNAMSIZ - 1. */

enum config_vlan_mode {
    CONFIG_VLAN_ALL,     /* No VLAN settings: trunk of every VLAN, VLAN 0
                          * (untagged) included. */
    CONFIG_VLAN_ACCESS,  /* Untagged port in 'vlan'. */
    CONFIG_VLAN_TRUNK,   /* Tagged VLANs 'trunks', plus 'native' untagged. */
};

struct config_bridge {
    char *name;                  /* Owned.  Unique among bridges. */
    unsigned int mac_aging;      /* Seconds, 0 = never; default 300. */
    unsigned int mac_table_size; /* Entries; default 8192. */
};

struct config_port {
    char *name;                  /* Owned.  Device name, unique. */
    char *bridge;                /* Owned.  Name of the owning bridge. */
    enum config_vlan_mode mode;  /* How VLANs are handled. */
    uint16_t vlan;               /* CONFIG_VLAN_ACCESS: the VLAN; else 0. */
    struct vlan_bitmap trunks;   /* CONFIG_VLAN_TRUNK: tagged VLANs. */
    uint16_t native;             /* CONFIG_VLAN_TRUNK: untagged VLAN, 0 =
                                  * none (untagged frames dropped). */
};

struct config_fdb {
    char *bridge;                /* Owned.  Bridge name. */
    uint8_t mac[ETH_ADDR_LEN];   /* Station address. */
    uint16_t vlan;               /* VLAN 0-4094 (0: untagged on ALL ports). */
    char *port;                  /* Owned.  Port (device) name. */
};

struct config {
    GPtrArray *bridges;          /* Owned 'struct config_bridge *'. */
    GPtrArray *ports;            /* Owned 'struct config_port *'. */
    GPtrArray *fdbs;             /* Owned 'struct config_fdb *'. */
};

struct config *config_new(void);
struct config *config_clone(const struct config *);
void config_free(struct config *);          /* Accepts NULL. */
bool config_equal(const struct config *, const struct config *);

/* Loads 'path'.  A missing file gives an empty configuration (first start).
 * Returns NULL with 'error' set on a syntax error or an invalid value. */
struct config *config_load(const char *path, GError **error);
/* Same from memory; 'source' names it in messages. */
struct config *config_load_data(const char *data, size_t len,
                                const char *source, GError **error);
/* Writes atomically; creates the parent directory if missing. */
bool config_save(const struct config *, const char *path, GError **error);
/* The key-file text config_save() writes.  Caller frees with g_free(). */
char *config_to_data(const struct config *, size_t *len);

/* Whole-configuration checks: references resolve, names are unique, values
 * consistent.  The loader calls it; so does every control command before it
 * applies a change. */
bool config_validate(const struct config *, GError **error);

struct config_bridge *config_find_bridge(const struct config *,
                                         const char *name);
struct config_port *config_find_port(const struct config *,
                                     const char *name);
struct config_fdb *config_find_fdb(const struct config *, const char *bridge,
                                   uint16_t vlan,
                                   const uint8_t mac[ETH_ADDR_LEN]);

/* Checks a bridge or device name: 1-15 characters from [A-Za-z0-9_.-]. */
bool config_name_valid(const char *what, const char *name, GError **error);

/* Adds a bridge with default settings.  Fails if the name is bad or taken
 * (by a bridge or a port). */
struct config_bridge *config_add_bridge(struct config *, const char *name,
                                        GError **error);
/* Removes a bridge, its ports and its static entries.  Returns false if
 * there is no such bridge. */
bool config_del_bridge(struct config *, const char *name);
/* Sets "mac-aging" or "mac-table-size" from text. */
bool config_bridge_set(struct config_bridge *, const char *key,
                       const char *value, GError **error);

/* Adds port 'name' to 'bridge' (untagged, all VLANs).  Fails if the bridge
 * does not exist or the device is already a port (of any bridge, the
 * message says which). */
struct config_port *config_add_port(struct config *, const char *bridge,
                                    const char *name, GError **error);
/* Removes a port and the static entries that point to it. */
bool config_del_port(struct config *, const char *name);
/* Sets one port key from text: "vlan" (1-4094, or "none"), "trunks" (a
 * list, "all", or "none"), "native" (1-4094 or "none").  Setting vlan makes
 * it an access port; trunks makes it a trunk.  Consistency across keys is
 * checked by config_port_validate(), so that "trunks=10 native=20" can be
 * applied in any order. */
bool config_port_set(struct config_port *, const char *key,
                     const char *value, GError **error);
bool config_port_validate(const struct config_port *, GError **error);
/* True if 'port' carries 'vlan' (for static entries and checks). */
bool config_port_has_vlan(const struct config_port *, uint16_t vlan);
/* Describes the port's VLAN settings for 'show': "access vlan=10",
 * "trunk trunks=10,20 native=1", "trunk (all VLANs)".  Caller frees. */
char *config_port_vlan_describe(const struct config_port *);

/* Adds or replaces a static entry; removes one.  No validation against
 * ports here: config_validate() does it. */
struct config_fdb *config_add_fdb(struct config *, const char *bridge,
                                  uint16_t vlan,
                                  const uint8_t mac[ETH_ADDR_LEN],
                                  const char *port);
bool config_del_fdb(struct config *, const char *bridge, uint16_t vlan,
                    const uint8_t mac[ETH_ADDR_LEN]);

#endif /* config.h */
