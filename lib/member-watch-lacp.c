/* The LACP link watcher (see member-watch.h): the link works while the
 * team's LACP lets the member carry traffic.  The team runs the protocol
 * (lib/lacp.h) for all its members at once, because selection is
 * team-wide; it keeps a verdict per member and, when verdicts may have
 * changed, delivers an event with 'recheck' set.  This watcher reads the
 * verdict, and tells LACP the member's carrier (a member without link is
 * no part of an aggregator). */
#include <autoconf.h>
#include "member-watch.h"

#include <stdio.h>
#include <string.h>
#include "lacp.h"

static bool
lacp_wanted(const struct member_watch_settings *s)
{
    return s->lacp != NULL;
}

static int
lacp_start(struct member_watch *w, const struct member_watch_settings *s,
           uint64_t now_usec)
{
    memset(w, 0, sizeof *w);
    w->cls = &member_watch_lacp;
    w->lacp = s->lacp;
    w->slot = s->slot;
    w->lacp_ok = s->lacp_ok;
    w->ok = *w->lacp_ok;
    return 0;
}

static void
lacp_stop(struct member_watch *w)
{
    memset(w, 0, sizeof *w);
}

static int
lacp_fd(const struct member_watch *w)
{
    return -1;
}

/* Takes the team's verdict; true if it changed. */
static bool
lacp_reread(struct member_watch *w, char *why, size_t why_size)
{
    bool changed = w->ok != *w->lacp_ok;

    w->ok = *w->lacp_ok;
    if (why_size) {
        why[0] = '\0';          /* The team logs LACP's own changes. */
    }
    return changed;
}

static bool
lacp_event(struct member_watch *w, const struct member_watch_event *ev,
           uint64_t now_usec, char *why, size_t why_size)
{
    if (ev->has_carrier) {
        lacp_member_set_link(w->lacp, w->slot, ev->carrier, now_usec);
    }
    return lacp_reread(w, why, why_size);
}

/* The team's LACP tick drives it, not the watchers' tick. */
static unsigned int
lacp_interval_ms(const struct member_watch_settings *s)
{
    return 0;
}

static bool
lacp_same(const struct member_watch *w, const struct member_watch_settings *s)
{
    return w->lacp == s->lacp && w->slot == s->slot
           && w->lacp_ok == s->lacp_ok;
}

static bool
lacp_timer(struct member_watch *w, uint64_t now_usec, char *why,
           size_t why_size)
{
    return lacp_reread(w, why, why_size);
}

static void
lacp_show(const struct member_watch *w, char *buf, size_t size)
{
    struct lacp_member_view v;

    lacp_member_view(w->lacp, w->slot, &v);
    if (w->ok) {
        snprintf(buf, size, "lacp carries");
    } else {
        snprintf(buf, size, "lacp %s (%s)", lacp_member_status_name(v.status),
                 v.why == LACP_WHY_NONE ? "standby" : lacp_why_name(v.why));
    }
}

const struct member_watch_class member_watch_lacp = {
    .name = "lacp",
    .wanted = lacp_wanted,
    .start = lacp_start,
    .stop = lacp_stop,
    .fd = lacp_fd,
    .event = lacp_event,
    .interval_ms = lacp_interval_ms,
    .same = lacp_same,
    .timer = lacp_timer,
    .show = lacp_show,
};
