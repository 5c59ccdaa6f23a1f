/* member-watch: a team member's link watchers, one ops table each.
 *
 * A link watcher tells, from evidence of its own, whether a member's link
 * works.  Each kind is one file exposing a const 'struct member_watch_class'
 * listed in member_watch_classes[]:
 *
 *   - carrier (member-watch-carrier.c): the device's carrier, as the
 *     control thread reads it on each link event.  (The datapath's own fast
 *     path, which stops using a member within a millisecond of losing its
 *     link when the team has no down delay, is lib/link-watch.c's thread:
 *     it acts before this watcher hears of the loss.)
 *   - arp (member-watch-arp.c): ARP probes to an upstream address
 *     (lib/arp-probe.c), for failures beyond the first cable.
 *   - lacp (member-watch-lacp.c): whether the team's LACP (lib/lacp.h,
 *     run by the team) lets the member carry traffic: collecting and
 *     distributing in the aggregator, or the active member of a team that
 *     fell back to active-backup.  It also tells LACP the member's
 *     carrier.
 *
 * How several watchers combine: a member has every watcher whose class
 * wants the team's settings (carrier always, arp when probe=arp:ADDR is
 * set) and that started; its link works when ALL of them say so
 * (member_watches_ok()).  A watcher that cannot start (no such device yet,
 * no socket) does not count until it starts.  The verdict feeds
 * lib/member-health, which applies the up and down delays and the
 * operator's disable on top.
 *
 * The caller owns the memory and the event loop: it watches fd() for
 * readability and then calls event(), delivers carrier readings through
 * event() too, and calls timer() every interval_ms().
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCH_MEMBER_WATCH_H
#define VSWITCH_MEMBER_WATCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arp_probe;
struct lacp;

/* What a team's settings say of its members' watchers. */
struct member_watch_settings {
    const char *ifname;          /* The member's device. */
    uint32_t arp_target;         /* ARP probe target (network order), 0 =
                                  * no ARP watcher. */
    unsigned int arp_interval_ms; /* ms between probes. */
    struct lacp *lacp;           /* The team's LACP, NULL = no LACP
                                  * watcher. */
    int slot;                    /* The member's slot in it. */
    const bool *lacp_ok;         /* The team's verdict for the member,
                                  * kept up to date by the team. */
};

/* Something a watcher hears. */
struct member_watch_event {
    bool readable;               /* Its fd() is readable. */
    bool has_carrier;            /* A carrier reading is in 'carrier'. */
    bool carrier;                /* The device's carrier. */
    bool recheck;                /* What a watcher reads from its team
                                  * changed (LACP): read it again. */
};

struct member_watch {
    const struct member_watch_class *cls; /* Its kind; NULL = not
                                  * started. */
    bool ok;                     /* Its verdict: the link works. */

    /* arp: */
    struct arp_probe *probe;     /* Owned probe socket. */
    uint32_t target;             /* Address asked, network order. */
    unsigned int interval_ms;    /* ms between probes. */
    uint64_t reply_usec;         /* When the last reply came. */

    /* lacp: */
    struct lacp *lacp;           /* Borrowed: the team's. */
    int slot;                    /* The member's slot in it. */
    const bool *lacp_ok;         /* Borrowed: the team's verdict. */
};

struct member_watch_class {
    const char *name;            /* "carrier", "arp". */
    /* True if a member of a team with settings 's' has this watcher. */
    bool (*wanted)(const struct member_watch_settings *s);
    /* Starts watching at 'now_usec' (time_usec()).  Returns 0 or a
     * negative errno (then 'w' is left stopped). */
    int (*start)(struct member_watch *w, const struct member_watch_settings *,
                 uint64_t now_usec);
    /* Stops watching and frees what start() took. */
    void (*stop)(struct member_watch *w);
    /* The file descriptor to watch for readability, or -1. */
    int (*fd)(const struct member_watch *w);
    /* Handles 'ev' at 'now_usec'.  Returns true if the verdict changed;
     * then 'why' (of 'why_size' bytes) says why, or is empty. */
    bool (*event)(struct member_watch *w, const struct member_watch_event *ev,
                  uint64_t now_usec, char *why, size_t why_size);
    /* How often timer() is due under settings 's', in ms; 0 = never.
     * The caller runs one tick per team, at the shortest interval its
     * watchers want. */
    unsigned int (*interval_ms)(const struct member_watch_settings *s);
    /* True if running watcher 'w' already watches as settings 's' ask (a
     * settings change need not restart it).  NULL = never. */
    bool (*same)(const struct member_watch *w,
                 const struct member_watch_settings *s);
    /* The periodic work.  Returns as event() does. */
    bool (*timer)(struct member_watch *w, uint64_t now_usec, char *why,
                  size_t why_size);
    /* One line of state for team/show, into 'buf'. */
    void (*show)(const struct member_watch *w, char *buf, size_t size);
};

extern const struct member_watch_class member_watch_carrier;
extern const struct member_watch_class member_watch_arp;
extern const struct member_watch_class member_watch_lacp;

/* Every kind, in the order they are started. */
#define MEMBER_N_WATCHES 3
#define MEMBER_WATCH_LACP 2       /* member_watch_lacp's index. */
extern const struct member_watch_class *const
    member_watch_classes[MEMBER_N_WATCHES];

/* True if every started watcher among the 'n' in 'w' says the link
 * works. */
bool member_watches_ok(const struct member_watch *w, size_t n);

#endif /* member-watch.h */
