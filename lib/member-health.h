/* member-health: a team member's health state machine, with its up and
 * down delays.
 *
 * Pure logic, driven by the caller's clock: the caller feeds it what it
 * knows of the member (administratively disabled, device attached, link
 * good as its link watchers combined say) and the time, and it answers with
 * the member's state and, while a delay runs, when it ends.  The caller
 * arms a timer for member_health_deadline() and, when it fires, calls
 * member_health_run().  Unit tests drive it with a fake clock.
 *
 *   ABSENT      no device                    -> DOWN / WAIT_UP / UP
 *   DOWN        link lost                    -> WAIT_UP (updelay) or UP
 *   WAIT_UP     link back, waiting out updelay -> UP when it ends, DOWN
 *               if the link goes again (the wait is cancelled)
 *   UP          in use                       -> WAIT_DOWN (downdelay) or
 *                                               DOWN
 *   WAIT_DOWN   link lost, still in use while downdelay runs -> DOWN when
 *               it ends, UP if the link comes back meanwhile
 *   DISABLED    drained by the operator (wins over everything else)
 *
 * A member coming from ABSENT or DISABLED skips the up delay (its device
 * or the operator just said it is there).  A member is in use in UP and
 * WAIT_DOWN.
 *
 * Thread-safety: none needed; one member's state belongs to its caller. */
#ifndef VSWITCH_MEMBER_HEALTH_H
#define VSWITCH_MEMBER_HEALTH_H 1

#include <stdbool.h>
#include <stdint.h>

enum member_state {
    MEMBER_ABSENT,      /* No such device. */
    MEMBER_DOWN,        /* No carrier. */
    MEMBER_WAIT_UP,     /* Carrier back; waiting out updelay. */
    MEMBER_UP,          /* In use. */
    MEMBER_WAIT_DOWN,   /* Carrier lost; waiting out downdelay (in use). */
    MEMBER_DISABLED,    /* Drained by the operator. */
    MEMBER_N_STATES
};

/* What the caller knows of a member. */
struct member_health_input {
    bool disabled;              /* Administratively disabled. */
    bool attached;              /* Its device is open. */
    bool link_ok;               /* Its link watchers say the link works. */
    unsigned int updelay_ms;    /* Team's up delay, 0 = none. */
    unsigned int downdelay_ms;  /* Team's down delay, 0 = none. */
};

struct member_health {
    enum member_state state;    /* Current state. */
    uint64_t deadline_msec;     /* While WAIT_UP or WAIT_DOWN: when the
                                 * delay ends (caller's clock); else 0. */
};

/* Starts in ABSENT. */
void member_health_init(struct member_health *);
/* Recomputes the state from 'in' at 'now_msec'.  Returns true if the
 * state changed (at most one step per call). */
bool member_health_update(struct member_health *,
                          const struct member_health_input *in,
                          uint64_t now_msec);
/* Ends a delay that is due at 'now_msec': WAIT_UP becomes UP, WAIT_DOWN
 * becomes DOWN.  Returns true if the state changed. */
bool member_health_run(struct member_health *, uint64_t now_msec);
/* When a delay ends, or 0 if none runs. */
uint64_t member_health_deadline(const struct member_health *);

/* True in UP and WAIT_DOWN: the member carries traffic. */
bool member_state_in_use(enum member_state);
/* "absent", "down", "waiting-up", "up", "waiting-down", "disabled". */
const char *member_state_name(enum member_state);

#endif /* member-health.h */
