/* team-private: what the files of the team module share.
 *
 * The team module (team.h) is seven files, one concern each, listed from
 * the bottom up: each file calls only files above it in this list, so no
 * two call each other (tests/check-call-cycles.sh):
 *   - team-base.c: the table of teams, the datapath, the event history.
 *   - team-announce.c: announcing moved stations on their new member
 *     (lib/announce-queue, RARP frames from lib/arp) and the learning filter
 *     that recognises those announcements coming back.
 *   - team-publish.c: publishing a team's map to the datapath (announcing
 *     and timing the moves it makes), and the state file that keeps the
 *     active member across restarts.
 *   - team-member.c: member health: attaching devices, the carrier, the
 *     link watchers, and the up/down delays (lib/member-health).
 *   - team-lacp.c: LACP (lib/lacp) for mode=lacp: its tick, the LACPDUs
 *     the datapath hands over, the verdict per member that the lacp link
 *     watcher reads, fallback to active-backup, and lacp/show.
 *   - team-show.c: what team/show, team/events, show, port/stats and
 *     metrics print of the teams.
 *   - team-cmd.c: the control commands (add-team ... team/events), and
 *     team/hash's answer through team_select() (team-policy.h).
 *   - team.c: the teams' life: applying the configuration, link events,
 *     rebalancing, the module's start and end.
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCHD_TEAM_PRIVATE_H
#define VSWITCHD_TEAM_PRIVATE_H 1

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include "announce-queue.h"
#include "datapath.h"
#include "lacp.h"
#include "member-health.h"
#include "member-watch.h"
#include "team-map.h"
#include "team-policy.h"

#define TEAM_EVENTS 64            /* History kept per team. */

struct ctl_reply;

struct member {
    char *name;                  /* Owned; NULL for a free slot. */
    bool admin_disabled;         /* From the configuration. */
    struct member_health health; /* State and the delay running. */
    gint64 since;                /* Wall clock (µs) of the last change. */
    guint delay_timer;           /* Source ending the delay, or 0. */
    uint64_t delay_deadline;     /* The deadline it was armed for. */
    struct member_watch watch[MEMBER_N_WATCHES]; /* Link watchers, by
                                  * index in member_watch_classes[]; 'cls'
                                  * NULL when not running. */
    guint watch_source[MEMBER_N_WATCHES]; /* Their fds' sources, or 0. */
    unsigned int lacp_port_priority; /* From the configuration. */
    bool lacp_ok;                /* LACP lets it carry (the lacp watcher
                                  * reads it); team-lacp.c writes it. */
    enum lacp_member_status lacp_status; /* As last logged. */
    enum lacp_why lacp_why;      /* As last logged. */
};

struct team_settings {
    enum team_policy policy;     /* Distribution policy. */
    enum team_hash_fields fields;/* For the hash policy. */
    bool switch_independent;     /* Receive rules on. */
    unsigned int updelay;        /* ms. */
    unsigned int downdelay;      /* ms. */
    bool failback;               /* Return items to their home member. */
    bool announce;               /* Announce moved stations. */
    unsigned int announce_count; /* Announcements per station and move. */
    unsigned int announce_interval; /* ms between them. */
    unsigned int rebalance;      /* Seconds, 0 = off. */
    uint32_t probe_ip;           /* ARP probe target, 0 = none. */
    unsigned int probe_interval; /* ms between probes. */
    bool lacp;                   /* mode=lacp. */
    struct lacp_settings lacp_s; /* Its settings ('sys_id' all zeros:
                                  * "auto"; 'key' filled in by
                                  * team-lacp.c). */
};

struct team {
    char *name;                  /* Owned.  Key in 'team_table'. */
    char *bridge;                /* Owned.  Bridge name. */
    struct dp_port *dp;          /* The team's datapath port. */
    struct team_map *map;        /* Owned assignment state. */
    const struct team_policy_class *cls; /* Its policy, 's.policy''s. */
    struct team_settings s;      /* Applied settings. */
    struct dp_port_settings vlan;/* Applied VLAN settings. */
    struct member members[TEAM_MAX_MEMBERS]; /* By map slot. */

    /* Counters. */
    uint64_t failovers;          /* Members taken out of use. */
    uint64_t moves;              /* Items moved, all reasons. */
    uint64_t announcements;      /* Announcement frames sent. */
    int64_t last_migration_usec; /* Event to new map in use, or -1. */

    /* Migration being timed: the event time and the number of moves. */
    uint64_t pending_event_usec; /* 0 = none. */
    unsigned int pending_moves;  /* Moves it made. */
    char *pending_what;          /* What happened (owned). */
    guint timing_source;         /* migration_timed() source, or 0. */

    /* History: a ring of lines. */
    char *events[TEAM_EVENTS];   /* Owned strings, NULL when unused. */
    gint64 event_time[TEAM_EVENTS]; /* Wall clock, µs. */
    unsigned int n_events;       /* Total ever logged. */

    /* Load measurement for rebalancing. */
    uint64_t bucket_base[TEAM_BUCKETS]; /* Counters at the last run. */
    GHashTable *port_base;       /* port_no -> bytes at the last run. */
    guint rebalance_timer;       /* Source id, or 0. */
    guint probe_timer;           /* Link watchers' tick, or 0. */

    struct announce_queue *announce_queue; /* Owned: stations to announce
                                  * after a move. */

    /* LACP (mode=lacp), team-lacp.c's. */
    struct lacp *lacp;           /* Owned, or NULL. */
    guint lacp_timer;            /* Its tick, or 0. */
    enum lacp_status lacp_status; /* As last published. */
    int lacp_active;             /* In fallback: the one member that
                                  * carries, or TEAM_NONE. */
    char *saved_active;          /* Active member as last written to the
                                  * state file (owned), or NULL. */
};

extern struct datapath *team_datapath; /* Borrowed (team_init()). */
extern GHashTable *team_table;    /* name -> struct team *. */

/* team-base.c */
void team_log(struct team *, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* The team named 'name', or NULL after refusing in 'reply'. */
struct team *find_team(const char *name, struct ctl_reply *reply);

/* team-publish.c */
/* Reads the state file at 'path' (missing: start afresh); the state is
 * saved there as it changes until team_state_close(). */
void team_state_open(const char *path);
void team_state_close(void);
/* The member 't' had active when the state was last saved, or NULL (owned
 * by the caller). */
char *team_state_saved_active(const struct team *t);
/* Forgets a team that was deleted. */
void team_state_forget(const struct team *t);
/* Publishes the map as it stands and announces the moves; 'event_usec'
 * (0 = none) starts timing the migration, described by 'what'. */
void team_publish(struct team *, GArray *moves, uint64_t event_usec,
                  const char *what);
/* The member that takes floods from upstream: for active-backup the active
 * one, even when failback=no keeps it off the first in order. */
int team_designated(const struct team *);

/* team-member.c */
int member_slot(const struct team *, const char *name);
bool member_in_use(const struct member *);
/* Recomputes a member's state from its device, link and administrative
 * state, applying the delays. */
void member_update(struct team *, int slot, uint64_t event_usec);
void member_read_carrier(struct team *, int slot, uint64_t event_usec);
void member_try_attach(struct team *, int slot);
/* Stops a member's timers and watchers (it goes away). */
void member_stop(struct member *);
/* (Re)starts the link watchers of every member as the settings changed,
 * and the team's watcher tick. */
void team_set_probing(struct team *);
void team_stop_probing(struct team *);

/* Re-reads the lacp watcher's verdict of member 'slot' and updates the
 * member if it changed. */
void member_lacp_recheck(struct team *, int slot, uint64_t now_usec);

/* team-lacp.c */
void team_lacp_init(void);
/* Starts, reconfigures or stops 't''s LACP as 't->s' says; call after its
 * members are set.  Returns true if LACP started or stopped (the link
 * watchers must be restarted). */
bool team_lacp_apply(struct team *);
void team_lacp_stop(struct team *);
void cmd_lacp_show(struct ctl_reply *, int n_args, char *args[], bool json,
                   void *aux);

/* team-announce.c */
void team_announce_init(void);
void team_announce_fini(void);
/* Queues announcements of every local station that 'moves' moved. */
void team_announce_moves(struct team *, const GArray *moves);
/* Queues 'announce-count' announcements of station 'mac' in 'vlan' on
 * member 'slot' (port/announce: a VM that arrived by live migration). */
void team_announce_station(struct team *, int slot,
                           const uint8_t mac[ETH_ADDR_LEN], uint16_t vlan);

/* team-cmd.c */
void team_cmd_register(void);

/* team-show.c: the handlers of team/show and team/events. */
void cmd_team_show(struct ctl_reply *, int n_args, char *args[], bool json,
                   void *aux);
void cmd_team_events(struct ctl_reply *, int n_args, char *args[], bool json,
                     void *aux);

#endif /* team-private.h */
