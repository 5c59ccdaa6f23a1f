/* Tests for lib/member-health.c: the member state machine and its up and
 * down delays, driven by a fake clock (milliseconds chosen by the test). */
#include <autoconf.h>
#include "member-health.h"

#include <CUnit/Basic.h>
#include "unit.h"

/* A member as the tests drive it. */
struct fake_member {
    struct member_health h;     /* The state machine. */
    struct member_health_input in; /* What it is fed. */
    uint64_t now;               /* The fake clock, ms. */
};

static void
fake_init(struct fake_member *f, unsigned int updelay, unsigned int downdelay)
{
    member_health_init(&f->h);
    f->in = (struct member_health_input) {
        .attached = true, .link_ok = true, .updelay_ms = updelay,
        .downdelay_ms = downdelay,
    };
    f->now = 1000;
}

/* Advances the clock by 'ms' and runs the machine as the caller's timer
 * would (when the deadline is reached). */
static void
advance(struct fake_member *f, uint64_t ms)
{
    f->now += ms;
    member_health_run(&f->h, f->now);
}

static bool
update(struct fake_member *f)
{
    return member_health_update(&f->h, &f->in, f->now);
}

static void
test_names(void)
{
    CU_ASSERT_STRING_EQUAL(member_state_name(MEMBER_ABSENT), "absent");
    CU_ASSERT_STRING_EQUAL(member_state_name(MEMBER_WAIT_UP), "waiting-up");
    CU_ASSERT_STRING_EQUAL(member_state_name(MEMBER_WAIT_DOWN),
                           "waiting-down");
    CU_ASSERT_STRING_EQUAL(member_state_name(MEMBER_DISABLED), "disabled");
    CU_ASSERT(member_state_in_use(MEMBER_UP));
    CU_ASSERT(member_state_in_use(MEMBER_WAIT_DOWN));
    CU_ASSERT(!member_state_in_use(MEMBER_WAIT_UP));
    CU_ASSERT(!member_state_in_use(MEMBER_DOWN));
}

/* Without delays a member follows its link at once. */
static void
test_no_delays(void)
{
    struct fake_member f;

    fake_init(&f, 0, 0);
    CU_ASSERT_EQUAL(f.h.state, MEMBER_ABSENT);
    CU_ASSERT(update(&f));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_UP);
    CU_ASSERT(!update(&f));
    f.in.link_ok = false;
    CU_ASSERT(update(&f));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_DOWN);
    CU_ASSERT_EQUAL(member_health_deadline(&f.h), 0);
    f.in.link_ok = true;
    CU_ASSERT(update(&f));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_UP);
    f.in.attached = false;
    CU_ASSERT(update(&f));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_ABSENT);
}

/* A link that comes back waits out the up delay; one that goes again
 * meanwhile cancels it. */
static void
test_updelay(void)
{
    struct fake_member f;

    fake_init(&f, 500, 0);
    update(&f);
    CU_ASSERT_EQUAL(f.h.state, MEMBER_UP);   /* From absent: no delay. */
    f.in.link_ok = false;
    update(&f);
    CU_ASSERT_EQUAL(f.h.state, MEMBER_DOWN);

    f.in.link_ok = true;
    CU_ASSERT(update(&f));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_WAIT_UP);
    CU_ASSERT_EQUAL(member_health_deadline(&f.h), f.now + 500);
    advance(&f, 499);
    CU_ASSERT_EQUAL(f.h.state, MEMBER_WAIT_UP);
    CU_ASSERT(!update(&f));                  /* The wait goes on... */
    CU_ASSERT_EQUAL(member_health_deadline(&f.h), f.now + 1);
    advance(&f, 1);                          /* ...and ends on time. */
    CU_ASSERT_EQUAL(f.h.state, MEMBER_UP);
    CU_ASSERT_EQUAL(member_health_deadline(&f.h), 0);

    f.in.link_ok = false;
    update(&f);
    f.in.link_ok = true;
    update(&f);
    CU_ASSERT_EQUAL(f.h.state, MEMBER_WAIT_UP);
    advance(&f, 200);
    f.in.link_ok = false;                    /* Flaps within the wait. */
    CU_ASSERT(update(&f));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_DOWN);
    CU_ASSERT_EQUAL(member_health_deadline(&f.h), 0);
    advance(&f, 1000);
    CU_ASSERT_EQUAL(f.h.state, MEMBER_DOWN);
}

/* A lost link keeps the member in use through the down delay; the link
 * back within it is as if nothing happened. */
static void
test_downdelay(void)
{
    struct fake_member f;

    fake_init(&f, 0, 300);
    update(&f);
    f.in.link_ok = false;
    CU_ASSERT(update(&f));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_WAIT_DOWN);
    CU_ASSERT(member_state_in_use(f.h.state));
    advance(&f, 100);
    f.in.link_ok = true;
    CU_ASSERT(update(&f));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_UP);
    advance(&f, 1000);
    CU_ASSERT_EQUAL(f.h.state, MEMBER_UP);

    f.in.link_ok = false;
    update(&f);
    advance(&f, 299);
    CU_ASSERT_EQUAL(f.h.state, MEMBER_WAIT_DOWN);
    advance(&f, 1);
    CU_ASSERT_EQUAL(f.h.state, MEMBER_DOWN);
}

/* The operator's disable wins over everything and cancels a delay; an
 * enabled member comes back without waiting for the up delay. */
static void
test_disabled(void)
{
    struct fake_member f;

    fake_init(&f, 500, 500);
    update(&f);
    f.in.link_ok = false;
    update(&f);
    CU_ASSERT_EQUAL(f.h.state, MEMBER_WAIT_DOWN);
    f.in.disabled = true;
    CU_ASSERT(update(&f));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_DISABLED);
    CU_ASSERT_EQUAL(member_health_deadline(&f.h), 0);
    f.in.link_ok = true;
    CU_ASSERT(!update(&f));
    f.in.disabled = false;
    CU_ASSERT(update(&f));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_UP);
}

/* A run before the deadline, or with no delay running, changes nothing. */
static void
test_run_early(void)
{
    struct fake_member f;

    fake_init(&f, 100, 0);
    CU_ASSERT(!member_health_run(&f.h, f.now));
    update(&f);
    f.in.link_ok = false;
    update(&f);
    f.in.link_ok = true;
    update(&f);
    CU_ASSERT(!member_health_run(&f.h, f.now + 99));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_WAIT_UP);
    CU_ASSERT(member_health_run(&f.h, f.now + 100));
    CU_ASSERT_EQUAL(f.h.state, MEMBER_UP);
    CU_ASSERT(!member_health_run(&f.h, f.now + 200));
}

static const CU_TestInfo tests[] = {
    { "names", test_names },
    { "no delays", test_no_delays },
    { "updelay", test_updelay },
    { "downdelay", test_downdelay },
    { "disabled", test_disabled },
    { "run before the deadline", test_run_early },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("member-health", NULL, NULL, tests);
}
