/* The carrier link watcher (see member-watch.h): the link works while the
 * device has its carrier, as the control thread last read it. */
#include <autoconf.h>
#include "member-watch.h"

#include <stdio.h>
#include <string.h>

static bool
carrier_wanted(const struct member_watch_settings *s)
{
    return true;
}

static int
carrier_start(struct member_watch *w, const struct member_watch_settings *s,
              uint64_t now_usec)
{
    memset(w, 0, sizeof *w);
    w->cls = &member_watch_carrier;
    w->ok = false;              /* Until the first reading. */
    return 0;
}

static void
carrier_stop(struct member_watch *w)
{
    memset(w, 0, sizeof *w);
}

static int
carrier_fd(const struct member_watch *w)
{
    return -1;
}

static bool
carrier_event(struct member_watch *w, const struct member_watch_event *ev,
              uint64_t now_usec, char *why, size_t why_size)
{
    bool changed;

    if (!ev->has_carrier) {
        return false;
    }
    changed = w->ok != ev->carrier;
    w->ok = ev->carrier;
    if (why_size) {
        why[0] = '\0';          /* The member's state change says it. */
    }
    return changed;
}

static unsigned int
carrier_interval_ms(const struct member_watch_settings *s)
{
    return 0;
}

/* The carrier does not depend on the settings: a change keeps the
 * reading. */
static bool
carrier_same(const struct member_watch *w,
             const struct member_watch_settings *s)
{
    return true;
}

static bool
carrier_timer(struct member_watch *w, uint64_t now_usec, char *why,
              size_t why_size)
{
    return false;
}

static void
carrier_show(const struct member_watch *w, char *buf, size_t size)
{
    snprintf(buf, size, "carrier %s", w->ok ? "up" : "down");
}

const struct member_watch_class member_watch_carrier = {
    .name = "carrier",
    .wanted = carrier_wanted,
    .start = carrier_start,
    .stop = carrier_stop,
    .fd = carrier_fd,
    .event = carrier_event,
    .interval_ms = carrier_interval_ms,
    .same = carrier_same,
    .timer = carrier_timer,
    .show = carrier_show,
};
