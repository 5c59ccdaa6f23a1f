/* team-publish: each team's map published to the datapath, with the moves
 * it makes announced and timed, and the state file that keeps an
 * active-backup team's active member across restarts.  Calls team-base.c
 * and team-announce.c only. */
#include <autoconf.h>
#include "team-private.h"

#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "datapath.h"
#include "log.h"
#include "util.h"

#define THIS_MODULE "team"

static char *state_path;             /* The state file (owned). */
static GKeyFile *saved_state;        /* Its contents, as read at start and
                                      * kept up to date (owned). */

/* ---- Runtime state --------------------------------------------------------
 *
 * Which member an active-backup team has active is not configuration, but
 * it must survive the daemon: after a crash or a restart the team keeps
 * the member it had (with failback=no, the one it failed over to), so the
 * physical network sees no move.  It is kept in a key file beside the
 * configuration (CONFIG.state), one group per team, written atomically
 * when it changes and read once at start. */

static void
state_save(void)
{
    GError *error = NULL;
    gchar *data = g_key_file_to_data(saved_state, NULL, NULL);

    if (!g_file_set_contents(state_path, data, -1, &error)) {
        static struct log_ratelimit rl = LOG_RATELIMIT_INIT(1, 60000);

        if (log_ratelimit_pass(&rl)) {
            VLOG_WARN("cannot save the teams' state to %s: %s", state_path,
                      error->message);
        }
        g_error_free(error);
    }
    g_free(data);
}

/* Records 't''s active member, if it changed. */
static void
state_note_active(struct team *t, int active)
{
    const char *name;
    gchar *group;

    if (t->cls->item != TEAM_ITEM_ACTIVE
        || active < 0
        || !t->members[active].name) {
        return;
    }
    name = t->members[active].name;
    if (t->saved_active && !strcmp(t->saved_active, name)) {
        return;
    }
    g_free(t->saved_active);
    t->saved_active = g_strdup(name);
    group = g_strconcat("team ", t->name, NULL);
    g_key_file_set_string(saved_state, group, "active", name);
    g_free(group);
    state_save();
}

/* The member 't' had active when the state was last saved, or NULL. */
char *
team_state_saved_active(const struct team *t)
{
    gchar *group = g_strconcat("team ", t->name, NULL);
    char *name = g_key_file_get_string(saved_state, group, "active", NULL);

    g_free(group);
    return name;
}

/* Forgets a team that was deleted. */
void
team_state_forget(const struct team *t)
{
    gchar *group = g_strconcat("team ", t->name, NULL);

    if (g_key_file_remove_group(saved_state, group, NULL)) {
        state_save();
    }
    g_free(group);
}

void
team_state_open(const char *path)
{
    state_path = g_strdup(path);
    saved_state = g_key_file_new();
    /* A missing or unreadable state file: start afresh. */
    g_key_file_load_from_file(saved_state, state_path, G_KEY_FILE_NONE, NULL);
}

void
team_state_close(void)
{
    g_clear_pointer(&saved_state, g_key_file_free);
    g_clear_pointer(&state_path, g_free);
}

/* ---- Publishing --------------------------------------------------------- */

static void
describe_item(const struct team_move *mv, char *buf, size_t size)
{
    struct dp_port *p;

    switch (mv->kind) {
    case TEAM_ITEM_PORT:
        p = datapath_find_port(team_datapath, mv->id);
        snprintf(buf, size, "port %s", p ? dp_port_name(p) : "?");
        break;
    case TEAM_ITEM_BUCKET:
        snprintf(buf, size, "bucket %u", mv->id);
        break;
    case TEAM_ITEM_ACTIVE:
    default:
        snprintf(buf, size, "active member");
        break;
    }
}

static gboolean
migration_timed(gpointer t_)
{
    struct team *t = t_;
    uint64_t published, first_use;

    t->timing_source = 0;
    if (!t->pending_event_usec) {
        return G_SOURCE_REMOVE;
    }
    dp_team_map_times(t->dp, &published, &first_use);
    if (first_use >= t->pending_event_usec) {
        t->last_migration_usec = first_use - t->pending_event_usec;
        team_log(t, "%s: %u item(s) moved; new map in use %" G_GINT64_FORMAT
                 " us after the event (published after %" G_GUINT64_FORMAT
                 " us)", t->pending_what, t->pending_moves,
                 t->last_migration_usec, published - t->pending_event_usec);
    } else {
        team_log(t, "%s: %u item(s) moved; new map published %"
                 G_GUINT64_FORMAT " us after the event (no traffic has used "
                 "it yet)", t->pending_what, t->pending_moves,
                 published - t->pending_event_usec);
    }
    t->pending_event_usec = 0;
    g_clear_pointer(&t->pending_what, g_free);
    return G_SOURCE_REMOVE;
}

/* The member that takes floods from upstream: for active-backup the active
 * one, even when failback=no keeps it off the first in order. */
int
team_designated(const struct team *t)
{
    return t->cls->item == TEAM_ITEM_ACTIVE
           ? team_map_member_of(t->map, TEAM_ITEM_ACTIVE, 0)
           : team_map_designated(t->map);
}

void
team_publish(struct team *t, GArray *moves, uint64_t event_usec,
             const char *what)
{
    struct dp_team_map_desc d;
    uint32_t *port_nos;
    int *slots;
    int members[TEAM_MAX_MEMBERS];
    int n_members;
    size_t n_ports;
    int error;

    memset(&d, 0, sizeof d);
    d.policy = t->s.policy;
    d.fields = t->s.fields;
    /* A LACP team that fell back to active-backup receives as a
     * switch-independent one: upstream does not aggregate. */
    d.switch_independent = t->s.switch_independent
                           || (t->lacp && t->lacp_status == LACP_FALLBACK);
    d.lacp = t->lacp != NULL;
    for (int i = 0; i < TEAM_MAX_MEMBERS; i++) {
        if (t->members[i].name && t->members[i].lacp_ok) {
            d.collecting |= 1u << i;
        }
    }
    n_members = team_map_members(t->map, members);
    for (int i = 0; i < n_members; i++) {
        if (team_map_is_usable(t->map, members[i])) {
            d.usable |= 1u << members[i];
        }
        d.order[i] = members[i];
    }
    d.n_order = n_members;
    d.fast_down = !t->s.downdelay;
    d.active = team_map_member_of(t->map, TEAM_ITEM_ACTIVE, 0);
    state_note_active(t, d.active);
    d.designated = team_designated(t);
    for (int b = 0; b < TEAM_BUCKETS; b++) {
        d.bucket[b] = team_map_member_of(t->map, TEAM_ITEM_BUCKET, b);
    }
    n_ports = team_map_ports(t->map, NULL, 0);
    port_nos = g_new(uint32_t, n_ports + 1);
    slots = g_new(int, n_ports + 1);
    team_map_ports(t->map, port_nos, n_ports);
    for (size_t i = 0; i < n_ports; i++) {
        slots[i] = team_map_member_of(t->map, TEAM_ITEM_PORT, port_nos[i]);
    }
    d.n_ports = n_ports;
    d.port_nos = port_nos;
    d.port_slots = slots;
    error = datapath_team_publish(team_datapath, t->dp, &d);
    g_free(port_nos);
    g_free(slots);
    if (error) {
        /* The threads keep the previous map; moving traffic was not
         * done, so nothing is announced.  The next change republishes. */
        VLOG_ERR("team %s: new member map not published (%s): out of "
                 "memory; the datapath keeps the previous one until the "
                 "next change", t->name, what);
        return;
    }

    if (!moves || !moves->len) {
        return;
    }
    t->moves += moves->len;
    for (guint i = 0; i < moves->len && i < 8; i++) {
        const struct team_move *mv = &g_array_index(moves, struct team_move,
                                                    i);
        char item[64];
        describe_item(mv, item, sizeof item);
        team_log(t, "%s moved %s -> %s (%s)", item,
                 mv->from >= 0 && t->members[mv->from].name
                 ? t->members[mv->from].name : "none",
                 mv->to >= 0 && t->members[mv->to].name
                 ? t->members[mv->to].name : "none",
                 team_move_reason_name(mv->reason));
    }
    if (moves->len > 8) {
        team_log(t, "... and %u more move(s)", moves->len - 8);
    }
    if (event_usec) {
        t->pending_event_usec = event_usec;
        t->pending_moves = moves->len;
        g_free(t->pending_what);
        t->pending_what = g_strdup(what);
        if (!t->timing_source) {
            t->timing_source = g_timeout_add(100, migration_timed, t);
        }
    }
    team_announce_moves(t, moves);
}

