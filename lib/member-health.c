#include <autoconf.h>
#include "member-health.h"

#include <string.h>
#include "util.h"

static const char *const state_names[] = {
    [MEMBER_ABSENT] = "absent", [MEMBER_DOWN] = "down",
    [MEMBER_WAIT_UP] = "waiting-up", [MEMBER_UP] = "up",
    [MEMBER_WAIT_DOWN] = "waiting-down", [MEMBER_DISABLED] = "disabled",
};

const char *
member_state_name(enum member_state state)
{
    return ((unsigned int) state < ARRAY_SIZE(state_names)
            ? state_names[state] : "unknown");
}

bool
member_state_in_use(enum member_state state)
{
    return state == MEMBER_UP || state == MEMBER_WAIT_DOWN;
}

void
member_health_init(struct member_health *h)
{
    memset(h, 0, sizeof *h);
    h->state = MEMBER_ABSENT;
}

/* Goes to 'state'; a wait of 'delay_ms' runs from 'now_msec' if nonzero,
 * any running wait is cancelled otherwise. */
static bool
set_state(struct member_health *h, enum member_state state,
          unsigned int delay_ms, uint64_t now_msec)
{
    bool changed = h->state != state;

    h->state = state;
    h->deadline_msec = delay_ms ? now_msec + delay_ms : 0;
    return changed;
}

bool
member_health_update(struct member_health *h,
                     const struct member_health_input *in, uint64_t now_msec)
{
    if (in->disabled) {
        return set_state(h, MEMBER_DISABLED, 0, now_msec);
    } else if (!in->attached) {
        return set_state(h, MEMBER_ABSENT, 0, now_msec);
    } else if (in->link_ok) {
        switch (h->state) {
        case MEMBER_UP:
        case MEMBER_WAIT_UP:
            return false;       /* A running up delay goes on. */
        case MEMBER_WAIT_DOWN:
            /* Link back within the down delay: nothing happened. */
            return set_state(h, MEMBER_UP, 0, now_msec);
        case MEMBER_DOWN:
            if (in->updelay_ms) {
                return set_state(h, MEMBER_WAIT_UP, in->updelay_ms,
                                 now_msec);
            }
            return set_state(h, MEMBER_UP, 0, now_msec);
        case MEMBER_ABSENT:
        case MEMBER_DISABLED:
        default:
            return set_state(h, MEMBER_UP, 0, now_msec);
        }
    } else {
        switch (h->state) {
        case MEMBER_DOWN:
        case MEMBER_WAIT_DOWN:
            return false;       /* A running down delay goes on. */
        case MEMBER_UP:
            if (in->downdelay_ms) {
                return set_state(h, MEMBER_WAIT_DOWN, in->downdelay_ms,
                                 now_msec);
            }
            return set_state(h, MEMBER_DOWN, 0, now_msec);
        case MEMBER_WAIT_UP:
        case MEMBER_ABSENT:
        case MEMBER_DISABLED:
        default:
            return set_state(h, MEMBER_DOWN, 0, now_msec);
        }
    }
}

bool
member_health_run(struct member_health *h, uint64_t now_msec)
{
    if (!h->deadline_msec || now_msec < h->deadline_msec) {
        return false;
    }
    if (h->state == MEMBER_WAIT_UP) {
        return set_state(h, MEMBER_UP, 0, now_msec);
    } else if (h->state == MEMBER_WAIT_DOWN) {
        return set_state(h, MEMBER_DOWN, 0, now_msec);
    }
    h->deadline_msec = 0;
    return false;
}

uint64_t
member_health_deadline(const struct member_health *h)
{
    return h->deadline_msec;
}
