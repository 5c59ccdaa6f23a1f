/* team-base: what every file of the team module shares, at the bottom of
 * the module (it calls none of the others): the table of teams, the
 * datapath, and each team's event history. */
#include <autoconf.h>
#include "team-private.h"

#include <glib.h>
#include <stdarg.h>
#include "ctl-server.h"
#include "log.h"

#define THIS_MODULE "team"

struct datapath *team_datapath;      /* Borrowed. */
GHashTable *team_table;              /* name -> struct team *. */

/* ---- Events ------------------------------------------------------------- */

void
team_log(struct team *t, const char *fmt, ...)
{
    unsigned int i = t->n_events++ % TEAM_EVENTS;
    va_list args;

    g_free(t->events[i]);
    va_start(args, fmt);
    t->events[i] = g_strdup_vprintf(fmt, args);
    va_end(args);
    t->event_time[i] = g_get_real_time();
    VLOG_INFO("team %s: %s", t->name, t->events[i]);
}

struct team *
find_team(const char *name, struct ctl_reply *reply)
{
    struct team *t = g_hash_table_lookup(team_table, name);

    if (!t) {
        ctl_reply_error(reply, CTL_REFUSED, "no team named %s", name);
    }
    return t;
}
