/* team: the daemon's teams of uplinks, kept equal to the configuration.
 *
 * Owns every running team: its datapath port, its assignment state
 * (lib/team-map), its members' health (carrier from netlink, up and down
 * delays, administrative state), the announcements sent after a move, the
 * periodic rebalancing, and the team's event history.  It is a port kind
 * (port-kind.h): bridge.c calls it through 'team_port_kind' at two points
 * of every configuration change (before bridges go away, and after ports
 * exist) and forwards link events; it calls back into bridge.h only.
 *
 * Registers add-team, set-team, del-team, add-team-member, del-team-member,
 * team/show, team/set-member, team/migrate, team/hash and team/events.
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCHD_TEAM_H
#define VSWITCHD_TEAM_H 1

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>
#include "bridge.h"

struct config;
struct ctl_reply;
struct datapath;
struct dp_port;
struct metrics;
struct netlink_link_event;
struct port_kind_class;

/* The team port kind: bridge.c's only way in. */
extern const struct port_kind_class team_port_kind;

/* 'state_path' is the file where the daemon keeps, across restarts, which
 * member each active-backup team had active (see team.c). */
void team_init(struct datapath *, const char *state_path);
void team_fini(void);

/* Removes the teams that 'cfg' no longer has (or that moved bridge).  Call
 * before bridges are destroyed. */
void team_apply_removals(const struct config *cfg);
/* Creates and updates teams from 'cfg', whose config_port_index() is
 * 'cfg_ports' (borrowed).  Call after ports exist. */
void team_apply(const struct config *cfg, GHashTable *cfg_ports);

/* A link event (or, with ifindex 0, a resynchronisation). */
void team_link_event(const struct netlink_link_event *);

/* The datapath port of team 'name', or NULL. */
struct dp_port *team_dp_port(const char *name);

/* Appends the teams of 'bridge' to 'show' output. */
void team_show_bridge(const char *bridge, struct ctl_reply *,
                      JsonArray *teams);
/* Calls 'func' for the counters of team or member 'name' (a team's
 * members follow it; NULL: every team and member).  Returns true if it
 * did. */
bool team_counters(const char *name, bridge_counters_func *func, void *aux);
/* Adds the teams' metric families and samples to 'm': the state, load and
 * share of each member, and each team's failovers, moves and
 * announcements (vswitch-ctl(8), "metrics"). */
void team_metrics(struct metrics *m);

#endif /* team.h */
