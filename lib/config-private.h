/* config-private: the helpers the configuration module's files share.
 *
 * The module is, from the bottom up:
 *   config.c           the model: objects (teams' too), lookups, names,
 *                      bridges, ports, static entries, deleting a team;
 *   config-team.c      teams: their settings, members, enum names;
 *   config-validate.c  config_validate(), the whole-configuration checks;
 *   config-file.c      loading, saving and comparing the key file.
 * Each file calls only the files above it in this list, never one below:
 * config.c calls none of the others.  This header is what each of them
 * needs from another; nothing outside config*.c includes it, and the
 * contract for everyone else stays config.h.
 *
 * Thread-safety: control thread only, as config.h. */
#ifndef VSWITCH_CONFIG_PRIVATE_H
#define VSWITCH_CONFIG_PRIVATE_H 1

#include "config.h"

/* Defaults of a new bridge; the file writes only values that differ. */
#define DEFAULT_MAC_AGING 300
#define DEFAULT_MAC_TABLE_SIZE 8192

/* Objects (config.c), unchecked: the callers validate. */
struct config_bridge *config_bridge_new(const char *name);
/* A port of a configuration's 'ports' (config-port.c), shared between a
 * configuration and its clones: made by config_port_new() or
 * config_port_dup() (a deep copy of 'src'), one more configuration has it
 * after config_port_ref(), one fewer after config_port_unref() (the
 * array's free function), and config_port_unshare() returns port 'i' of
 * 'cfg' ready to change: a copy of its own if it was shared. */
struct config_port *config_port_new(const char *name, const char *bridge);
struct config_port *config_port_dup(const struct config_port *src);
struct config_port *config_port_ref(struct config_port *);
void config_port_unref(void *port);
struct config_port *config_port_unshare(struct config *, guint i);
/* The fields of a port, also of the port inside a team: 'init' fills
 * uninitialized memory, 'uninit' frees what it owns, 'copy' makes an
 * uninitialized 'dst' a deep copy. */
void config_port_init(struct config_port *, const char *name,
                      const char *bridge);
void config_port_uninit(struct config_port *);
void config_port_copy(struct config_port *dst, const struct config_port *src);
bool config_port_equal(const struct config_port *, const struct config_port *);
struct config_fdb *config_fdb_new(const char *bridge, uint16_t vlan,
                                  const uint8_t mac[ETH_ADDR_LEN],
                                  const char *port);
/* Removes the static entries that point to port or team 'port'. */
void config_del_port_fdbs(struct config *, const char *port);
/* Team objects: a member (not disabled), a team's deep copy and its
 * destructor (a GPtrArray free function, as is the member's). */
struct config_team_member *config_team_member_new(const char *name);
void config_team_member_free(void *member);
struct config_team *config_team_clone(const struct config_team *);
void config_team_free(void *team);
/* Clears the uplink of the ports of 'bridge' that preferred 'member'. */
void config_clear_uplinks(struct config *, const char *bridge,
                          const char *member);

/* Checks and formatting shared by the adders, the setters and the key
 * file (config.c). */
int config_name_is_free(const struct config *, const char *name,
                        const char *kind, char **msg);
/* Puts the text 'fmt' before the message '*msg' (nothing if it is NULL),
 * as the key file and the checks say where a refused value is. */
void config_prefix_msg(char **msg, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Sets '*msg' to say that 'name', wanted as a 'kind' ("bridge", "port",
 * "team" or "member"), is taken by a 'taken' of 'owner' (a bridge or team
 * name, NULL for a bridge). */
void config_name_taken_error(char **msg, const char *name,
                             const char *kind, const char *taken,
                             const char *owner);
int config_bridge_exists(const struct config *, const char *bridge,
                         char **msg);
int config_parse_setting(const char *key, const char *value,
                         unsigned long min, unsigned long max,
                         const char *unit, unsigned int *out, char **msg);
/* "all" or a list, as the file writes trunks.  Caller frees. */
char *config_trunks_to_string(const struct vlan_bitmap *);

/* Teams (config-team.c). */
struct config_team *config_team_new(const char *name, const char *bridge,
                                    char *const *members);
bool config_team_equal(const struct config_team *, const struct config_team *);
/* The text of one of a team's own keys ("members" or one of
 * config_team_settings[]), as the file writes it.  Caller frees. */
char *config_team_get(const struct config_team *, const char *key);
/* A team's own settings in file order, NULL-terminated. */
extern const char *const config_team_settings[];
/* Every key a [team] group or set-team takes, for messages. */
#define CONFIG_TEAM_KEYS_TEXT "policy, hash-fields, mode, updelay, " \
    "downdelay, failback, announce, announce-count, announce-interval, " \
    "rebalance, probe, probe-interval, lacp, lacp-rate, lacp-fallback, " \
    "lacp-system-priority, lacp-system-id, min-links, disabled, " \
    "lacp-port-priority, vlan, trunks or native"
/* Says that 'key', a port policy key (port-policy.h), is not a team key:
 * teams keep the default policy. */
int config_team_policy_key_error(char **msg, const char *key);
/* Splits and checks a list of device names ("members", "disabled"). */
char **config_parse_names(const char *key, const char *value, char **msg);

#endif /* config-private.h */
