/* The ARP link watcher (see member-watch.h): the link works while the
 * upstream address answers the probes (lib/arp-probe.c) sent every
 * interval; three intervals without an answer and it does not.  A watcher
 * that just started is given those three intervals, so that enabling
 * probing on a running team, or a member coming up, does not drop traffic
 * while the first reply is on its way. */
#include <autoconf.h>
#include "member-watch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "arp-probe.h"

/* Intervals without a reply before the link counts as failed. */
#define ARP_MISSES 3

static bool
arp_wanted(const struct member_watch_settings *s)
{
    return s->arp_target != 0;
}

static int
arp_start(struct member_watch *w, const struct member_watch_settings *s,
          uint64_t now_usec)
{
    int error;

    memset(w, 0, sizeof *w);
    w->probe = arp_probe_create(s->ifname, s->arp_target,
                                s->arp_interval_ms, &error);
    if (!w->probe) {
        return error;
    }
    w->cls = &member_watch_arp;
    w->target = s->arp_target;
    w->interval_ms = s->arp_interval_ms;
    w->ok = true;
    w->reply_usec = now_usec;
    arp_probe_send(w->probe, now_usec);
    return 0;
}

static void
arp_stop(struct member_watch *w)
{
    arp_probe_destroy(w->probe);
    memset(w, 0, sizeof *w);
}

static int
arp_fd(const struct member_watch *w)
{
    return arp_probe_fd(w->probe);
}

static const char *
target_string(const struct member_watch *w, char buf[INET_ADDRSTRLEN])
{
    return inet_ntop(AF_INET, &w->target, buf, INET_ADDRSTRLEN);
}

static bool
arp_event(struct member_watch *w, const struct member_watch_event *ev,
          uint64_t now_usec, char *why, size_t why_size)
{
    char ip[INET_ADDRSTRLEN];

    if (!ev->readable || !arp_probe_receive(w->probe, now_usec)) {
        return false;
    }
    w->reply_usec = now_usec;
    if (w->ok) {
        return false;
    }
    w->ok = true;
    snprintf(why, why_size, "upstream %s answers ARP", target_string(w, ip));
    return true;
}

static unsigned int
arp_interval_ms(const struct member_watch_settings *s)
{
    return s->arp_target ? s->arp_interval_ms : 0;
}

static bool
arp_same(const struct member_watch *w, const struct member_watch_settings *s)
{
    return (w->target == s->arp_target
            && w->interval_ms == s->arp_interval_ms);
}

/* Gives up on an upstream silent for ARP_MISSES intervals, and asks
 * again. */
static bool
arp_timer(struct member_watch *w, uint64_t now_usec, char *why,
          size_t why_size)
{
    uint64_t limit = ARP_MISSES * (uint64_t) w->interval_ms * 1000;
    bool changed = false;
    char ip[INET_ADDRSTRLEN];

    if (w->ok && now_usec - w->reply_usec > limit) {
        w->ok = false;
        snprintf(why, why_size, "no ARP reply from %s for %u ms",
                 target_string(w, ip), ARP_MISSES * w->interval_ms);
        changed = true;
    }
    arp_probe_send(w->probe, now_usec);
    return changed;
}

static void
arp_show(const struct member_watch *w, char *buf, size_t size)
{
    char ip[INET_ADDRSTRLEN];

    snprintf(buf, size, "arp %s every %u ms: %s", target_string(w, ip),
             w->interval_ms, w->ok ? "answers" : "silent");
}

const struct member_watch_class member_watch_arp = {
    .name = "arp",
    .wanted = arp_wanted,
    .start = arp_start,
    .stop = arp_stop,
    .fd = arp_fd,
    .event = arp_event,
    .interval_ms = arp_interval_ms,
    .same = arp_same,
    .timer = arp_timer,
    .show = arp_show,
};
