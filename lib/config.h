/* config: the daemon's configuration, the one source of truth.
 *
 * Owns an in-memory model of /etc/vswitch/vswitchd.conf (a GLib key file):
 * bridges, ports, teams (NIC teams: one logical port of a bridge made of
 * member devices) and static MAC entries, with the parsers and validators
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
 *     uplink=eth2              # preferred member of the bridge's team
 *
 *     [port vnet1]
 *     bridge=br0
 *     trunks=10,20             # trunk; "native=N" adds an untagged VLAN
 *
 *     [team bond0]
 *     bridge=br0
 *     members=eth1,eth2        # devices, in failover order
 *     policy=hash              # src-port (default), src-mac, hash or
 *     hash-fields=l34          # active-backup; l2, l23 or l34 with hash
 *     updelay=200              # ms a member must be up before it is used
 *     trunks=10,20,100-199     # VLAN keys as a port's: a team is a port
 *
 *     [fdb br0 02:00:00:00:00:01]
 *     vlan=10
 *     port=vnet0               # a port or a team of the bridge
 *
 * Bridges, ports, teams and team members share one namespace: a name is
 * used once.  Other team keys (see struct config_team): mode, downdelay,
 * failback, announce, announce-count, announce-interval, rebalance, probe
 * ("arp:IPV4ADDR" or "none"), probe-interval and disabled (members taken
 * out of service by the operator).  One [libvirt] group, without a name,
 * holds default-bridge (struct config's libvirt_bridge).  The file holds
 * only what differs from the defaults.
 *
 * Errors, lib/'s convention (util.h): a function that can fail returns 0
 * or a negative errno (-EINVAL: the configuration or value is refused;
 * -EIO: the file cannot be read or written) and sets '*msg' (caller frees
 * with g_free()) to a message an operator can act on: it names the file
 * and line or the group and key, the bad value and the accepted range.  The
 * adders (config_add_*()) return the new object, or NULL with '*msg' set
 * (a refusal, -EINVAL).  '*msg' is left alone on success unless said
 * otherwise.
 *
 * Thread-safety: control thread only.  A 'struct config' is a plain value;
 * the daemon edits a clone and swaps it in only after the change was applied
 * and saved. */
#ifndef VSWITCH_CONFIG_H
#define VSWITCH_CONFIG_H 1

#include <stdbool.h>
#include <stdint.h>
#include "util.h"             /* Before glib.h, which redefines MIN, MAX. */
#include "port-policy.h"
#include "team-policy.h"        /* enum team_policy, team_hash_fields. */
#include "vlan.h"
#include <glib.h>

#define CONFIG_MAC_AGING_MAX 1000000        /* Seconds. */
#define CONFIG_MAC_TABLE_SIZE_MAX 1048576   /* Entries. */
#define CONFIG_NAME_MAX 15                  /* IFNAMSIZ - 1. */
#define CONFIG_OWNER_MAX 64                 /* A port's "owner". */

/* Team limits.  CONFIG_TEAM_MEMBERS_MAX is team-map.h's TEAM_MAX_MEMBERS:
 * a team the file accepts is one the daemon can run. */
#define CONFIG_TEAM_MEMBERS_MAX 16
#define CONFIG_TEAM_DELAY_MAX 600000            /* updelay, downdelay: ms. */
#define CONFIG_TEAM_ANNOUNCE_COUNT_MAX 100
#define CONFIG_TEAM_ANNOUNCE_INTERVAL_MIN 1     /* ms. */
#define CONFIG_TEAM_ANNOUNCE_INTERVAL_MAX 60000 /* ms. */
#define CONFIG_TEAM_REBALANCE_MAX 86400         /* Seconds. */
#define CONFIG_TEAM_PROBE_INTERVAL_MIN 10       /* ms. */
#define CONFIG_TEAM_PROBE_INTERVAL_MAX 60000    /* ms. */

struct config_bridge {
    char *name;                  /* Owned.  Unique among bridges. */
    unsigned int mac_aging;      /* Seconds, 0 = never; default 300. */
    unsigned int mac_table_size; /* Entries; default 8192. */
};

/* What device a port is (the "type" key). */
enum config_port_type {
    CONFIG_PORT_SYSTEM,          /* "system" (default): an existing device
                                  * (a VM's tap, a NIC), attached when it
                                  * appears. */
    CONFIG_PORT_INTERNAL,        /* "internal": the host's own port, a
                                  * device the daemon creates (at start
                                  * from the file, on add-port) and removes
                                  * (on del-port), for the host's
                                  * addresses. */
};

struct config_port {
    char *name;                  /* Owned.  Device name, unique. */
    enum config_port_type type;  /* Default CONFIG_PORT_SYSTEM; always so
                                  * in a team's 'port'. */
    char *bridge;                /* Owned.  Name of the owning bridge. */
    enum vlan_mode mode;         /* How VLANs are handled. */
    uint16_t vlan;               /* VLAN_MODE_ACCESS: the VLAN; else 0. */
    struct vlan_bitmap trunks;   /* VLAN_MODE_TRUNK: tagged VLANs. */
    uint16_t native;             /* VLAN_MODE_TRUNK: untagged VLAN, 0 =
                                  * none (untagged frames dropped). */
    char *uplink;                /* Owned.  Preferred team member device
                                  * for this port's traffic, NULL = none.
                                  * Must be a member of a team of the same
                                  * bridge.  Always NULL in a team's
                                  * 'port'. */
    char *owner;                 /* Owned.  Who attached the port when not
                                  * the operator, e.g. "libvirt:UUID" (the
                                  * libvirt hook), else NULL.  An owned
                                  * port is shown, never saved to the
                                  * file: its owner adds it again. */
    struct port_policy policy;   /* Port security, guards, rates, MTU,
                                  * admin state (port-policy.h): the keys
                                  * port_policy_set() takes.  A team's
                                  * 'port' keeps the defaults for a
                                  * team. */
};

/* What the upstream switch does (the "mode" key). */
enum config_team_mode {
    CONFIG_TEAM_SWITCH_INDEPENDENT, /* "switch-independent" (default): the
                                     * upstream sees separate links. */
    CONFIG_TEAM_STATIC,          /* "static": the upstream aggregates the
                                  * members (static link aggregation). */
    CONFIG_TEAM_LACP,            /* "lacp": the upstream aggregates the
                                  * members it agrees on by LACP
                                  * (802.1AX); lib/lacp.h. */
};

/* LACP's defaults. */
#define CONFIG_LACP_PORT_PRIORITY 32768
#define CONFIG_LACP_SYSTEM_PRIORITY 65534

struct config_team_member {
    char *name;                  /* Owned.  Device name. */
    bool disabled;               /* Taken out of service by the operator
                                  * (the "disabled" key). */
    unsigned int lacp_port_priority; /* 1-65535, lower wins; default
                                  * CONFIG_LACP_PORT_PRIORITY (the
                                  * "lacp-port-priority" key). */
};

/* A team: one logical port of a bridge made of member devices.  Every
 * setting has the default written next to it; the file holds only those
 * that differ. */
struct config_team {
    struct config_port port;     /* The team as a port of its bridge: its
                                  * name (the team's), bridge and VLAN
                                  * settings, which the config_port_*()
                                  * functions handle as for any port.
                                  * 'port.uplink' is unused (NULL). */
    GPtrArray *members;          /* Owned 'struct config_team_member *', in
                                  * failover order; 1 to
                                  * CONFIG_TEAM_MEMBERS_MAX. */
    enum team_policy policy;     /* "policy" (team_policy_name()):
                                  * default TEAM_POLICY_SRC_PORT. */
    enum team_hash_fields hash_fields; /* "hash-fields"
                                  * (team_hash_fields_name()): default
                                  * TEAM_HASH_L34; used only with
                                  * TEAM_POLICY_HASH (kept otherwise). */
    enum config_team_mode mode;  /* Default
                                  * CONFIG_TEAM_SWITCH_INDEPENDENT. */
    unsigned int updelay;        /* ms a member must have carrier before it
                                  * is used, 0-600000; default 0. */
    unsigned int downdelay;      /* ms a member may lose carrier before it
                                  * is given up, 0-600000; default 0. */
    bool failback;               /* Moved traffic returns to its member when
                                  * that member is usable again; default
                                  * true. */
    bool announce;               /* Announce moved MACs on their new member
                                  * (RARP or gratuitous ARP); default
                                  * true. */
    unsigned int announce_count; /* Announcements per move, 0-100; default
                                  * 3. */
    unsigned int announce_interval; /* ms between them, 1-60000; default
                                  * 100. */
    unsigned int rebalance;      /* Seconds between rebalancing runs,
                                  * 0 = off, 0-86400; default 10. */
    uint32_t probe_ip;           /* ARP probe target, network byte order;
                                  * 0 = no probing ("none", the default). */
    unsigned int probe_interval; /* ms between probes, 10-60000; default
                                  * 1000. */
    /* LACP (used with mode=lacp, kept otherwise). */
    bool lacp_active;            /* "lacp": active (default) or passive. */
    bool lacp_fast;              /* "lacp-rate": fast (1 s, 3 s time-out)
                                  * or slow (default; 30 s, 90 s). */
    bool lacp_fallback;          /* "lacp-fallback": active-backup
                                  * (default) or none. */
    unsigned int lacp_system_priority; /* 1-65535; default
                                  * CONFIG_LACP_SYSTEM_PRIORITY. */
    uint8_t lacp_system_id[ETH_ADDR_LEN]; /* "lacp-system-id"; all zeros
                                  * = "auto" (default): the MAC of the first
                                  * member. */
    unsigned int min_links;      /* Fewer members in the aggregator: the
                                  * team is down; 0-16, default 1. */
};

struct config_fdb {
    char *bridge;                /* Owned.  Bridge name. */
    uint8_t mac[ETH_ADDR_LEN];   /* Station address. */
    uint16_t vlan;               /* VLAN 0-4094 (0: untagged on ALL ports). */
    char *port;                  /* Owned.  Port (device) or team name. */
};

struct config {
    GPtrArray *bridges;          /* Owned 'struct config_bridge *'. */
    GPtrArray *ports;            /* Owned 'struct config_port *'. */
    GPtrArray *teams;            /* Owned 'struct config_team *'. */
    GPtrArray *fdbs;             /* Owned 'struct config_fdb *'. */
    char *libvirt_bridge;        /* Owned, or NULL.  [libvirt]
                                  * default-bridge: where libvirt's hook
                                  * and agent attach a NIC its domain's
                                  * metadata does not name (not checked
                                  * against the bridges: a missing one is
                                  * the hook's error at the VM's start). */
};

struct config *config_new(void);
/* A copy of 'cfg' that shares its ports (see config_edit_port()): O(1)
 * per port. */
struct config *config_clone(const struct config *);
void config_free(struct config *);          /* Accepts NULL. */
bool config_equal(const struct config *, const struct config *);

/* Loads 'path' into '*cfgp' (caller owns).  A missing file gives an empty
 * configuration (first start).  Returns 0, or -EINVAL on a syntax error or
 * an invalid value and -EIO when the file cannot be read, with '*cfgp'
 * NULL and '*msg' set ('*msg' is NULL on success). */
int config_load(const char *path, struct config **cfgp, char **msg);
/* Same, but a missing file is an error (-EIO): for a reload, where a file
 * that is gone (an editor saving by rename, a mistaken mv) must not be
 * taken for an empty configuration. */
int config_load_existing(const char *path, struct config **cfgp,
                         char **msg);
/* Same from memory; 'source' names it in messages. */
int config_load_data(const char *data, size_t len, const char *source,
                     struct config **cfgp, char **msg);
/* Writes atomically; creates the parent directory if missing.  Returns 0,
 * -EINVAL for a configuration that would not load again, or -EIO ('*msg'
 * is NULL on success). */
int config_save(const struct config *, const char *path, char **msg);
/* config_save() of a configuration the caller has just validated with
 * config_validate() (a transaction's commit): does not validate it again.
 * Returns 0 or -EIO. */
int config_write(const struct config *, const char *path, char **msg);
/* The key-file text config_save() writes.  Caller frees with g_free(). */
char *config_to_data(const struct config *, size_t *len);

/* Whole-configuration checks: references resolve, names are unique, values
 * consistent.  The loader calls it; so does every control command before it
 * applies a change.  0 or -EINVAL ('*msg' is NULL on success). */
int config_validate(const struct config *, char **msg);

struct config_bridge *config_find_bridge(const struct config *,
                                         const char *name);
/* A port of a configuration is read through config_find_port() and
 * changed only through config_edit_port(): configurations made by
 * config_clone() share their ports until one of them changes one.  Both
 * return NULL if there is no port 'name'. */
const struct config_port *config_find_port(const struct config *,
                                           const char *name);
struct config_port *config_edit_port(struct config *, const char *name);
/* The ports of 'cfg' by name (name -> const struct config_port *, both
 * owned by 'cfg'), for who looks many up: config_find_port() scans.  The
 * caller destroys the table (g_hash_table_destroy()) before changing
 * 'cfg'. */
GHashTable *config_port_index(const struct config *);
struct config_fdb *config_find_fdb(const struct config *, const char *bridge,
                                   uint16_t vlan,
                                   const uint8_t mac[ETH_ADDR_LEN]);

struct config_team *config_find_team(const struct config *,
                                     const char *name);
/* The team that has device 'member' as a member, or NULL. */
struct config_team *config_find_team_of_member(const struct config *,
                                               const char *member);
struct config_team_member *config_team_find_member(const struct config_team *,
                                                   const char *member);

/* Copies into 'to' the owned ports of 'from' (config_port 'owner') whose
 * bridge 'to' has and whose name it does not use: a reload from the file,
 * which never holds them, keeps them. */
void config_keep_owned_ports(struct config *to, const struct config *from);

/* Checks a bridge or device name: 1-15 characters from [A-Za-z0-9_.-]. */
int config_name_valid(const char *what, const char *name, char **msg);

/* Adds a bridge with default settings.  Fails if the name is bad or taken
 * (by a bridge, a port, a team or a team member). */
struct config_bridge *config_add_bridge(struct config *, const char *name,
                                        char **msg);
/* Removes a bridge, its ports, its teams and its static entries.  Returns
 * false if there is no such bridge. */
bool config_del_bridge(struct config *, const char *name);
/* Sets "mac-aging" or "mac-table-size" from text. */
int config_bridge_set(struct config_bridge *, const char *key,
                      const char *value, char **msg);

/* Adds port 'name' to 'bridge' (untagged, all VLANs).  Fails if the bridge
 * does not exist or the name is taken: by a port (of any bridge, the
 * message says which), a bridge, a team or a team member. */
struct config_port *config_add_port(struct config *, const char *bridge,
                                    const char *name, char **msg);
/* Removes a port and the static entries that point to it. */
bool config_del_port(struct config *, const char *name);
/* Sets one port key from text: "type" ("system" or "internal": only
 * add-port sets it, the daemon refuses a change of a running port's
 * type), "vlan" (1-4094, or "none"), "trunks" (a
 * list, "all", or "none"), "native" (1-4094 or "none"), "uplink" (a device
 * name or "none"), "owner" (who attached it, 1-CONFIG_OWNER_MAX printable
 * characters without spaces, or "none"; not allowed in the file), and the
 * port-policy.h keys.  Setting vlan makes it an access port; trunks makes it a
 * trunk.  Consistency across keys is checked by config_port_validate(), so
 * that "trunks=10 native=20" can be applied in any order; that the uplink
 * is a member of a team of the port's bridge, by config_validate(). */
int config_port_set(struct config_port *, const char *key,
                    const char *value, char **msg);
int config_port_validate(const struct config_port *, char **msg);
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

/* Teams. */

/* Adds team 'name' to 'bridge' with default settings and 'members' (a
 * NULL-terminated list of device names, at least one, in failover order).
 * Fails if the bridge does not exist, the name or a member is bad or taken
 * (by a bridge, a port, a team or a member of a team; a member may not be
 * listed twice), or there are too many members. */
struct config_team *config_add_team(struct config *, const char *bridge,
                                    const char *name, char *const *members,
                                    char **msg);
/* Removes a team and the static entries that point to it, and clears the
 * 'uplink' of the ports of its bridge that named one of its members.
 * Returns false if there is no such team. */
bool config_del_team(struct config *, const char *name);
/* Sets one team key from text:
 *   policy             src-port, src-mac, hash or active-backup
 *   hash-fields        l2, l23 or l34
 *   mode               switch-independent, static or lacp
 *   updelay, downdelay ms, 0-600000
 *   failback, announce yes or no
 *   announce-count     0-100
 *   announce-interval  ms, 1-60000
 *   rebalance          seconds, 0-86400, 0 = off
 *   probe              arp:IPV4ADDR or none
 *   probe-interval     ms, 10-60000
 *   lacp               active or passive
 *   lacp-rate          slow or fast
 *   lacp-fallback      active-backup or none
 *   lacp-system-priority  1-65535
 *   lacp-system-id     a unicast MAC, or auto
 *   lacp-port-priority MEMBER:N,... (1-65535; members not listed get the
 *                      default), or none
 *   min-links          0-16
 *   disabled           the members to disable, comma-separated (all others
 *                      are enabled), or none
 *   vlan, trunks, native  as config_port_set()
 * The bridge and the members are not settings: see config_add_team() and
 * config_team_add_member(). */
int config_team_set(struct config_team *, const char *key,
                    const char *value, char **msg);
/* Checks one team on its own (values in range, members named well and
 * listed once, VLAN settings consistent); config_validate() also checks
 * it against the rest of the configuration. */
int config_team_validate(const struct config_team *, char **msg);
/* Appends 'member' to the failover order of 'team', which must be in
 * 'cfg'.  Fails as config_add_team() does for a bad member. */
int config_team_add_member(struct config *, struct config_team *,
                           const char *member, char **msg);
/* Removes 'member' from 'team' (which must be in 'cfg') and clears the
 * 'uplink' of the ports of its bridge that named it.  Refuses to remove
 * the last member: that is deleting the team. */
int config_team_del_member(struct config *, struct config_team *,
                           const char *member, char **msg);
/* Disables a member (it carries nothing) or enables it again.  Fails if
 * 'member' is not a member of 'team'. */
int config_team_set_disabled(struct config_team *, const char *member,
                             bool disabled, char **msg);

/* Names of the team mode as the file writes them, and back (the parser
 * returns false for an unknown name).  The policy and hash-fields names
 * are team_policy_name() and team_hash_fields_name(). */
const char *config_team_mode_to_string(enum config_team_mode);
bool config_team_mode_from_string(const char *, enum config_team_mode *);

#endif /* config.h */
