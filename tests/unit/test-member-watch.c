/* Tests for lib/member-watch.c: the table of link watchers, how their
 * verdicts combine, and the carrier watcher.  (The ARP watcher's frames and
 * reply matching are tested through lib/arp-probe in test-arp-probe.) */
#include <autoconf.h>
#include "member-watch.h"

#include <CUnit/Basic.h>
#include <string.h>
#include "unit.h"

static void
test_table(void)
{
    struct member_watch_settings s = { .ifname = "veth0" };

    for (int i = 0; i < MEMBER_N_WATCHES; i++) {
        const struct member_watch_class *cls = member_watch_classes[i];

        CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
        CU_ASSERT_PTR_NOT_NULL(cls->start);
        CU_ASSERT_PTR_NOT_NULL(cls->stop);
        CU_ASSERT_PTR_NOT_NULL(cls->event);
        CU_ASSERT_PTR_NOT_NULL(cls->timer);
        CU_ASSERT_PTR_NOT_NULL(cls->show);
        for (int j = 0; j < i; j++) {
            CU_ASSERT(strcmp(member_watch_classes[j]->name, cls->name));
        }
    }
    CU_ASSERT(member_watch_carrier.wanted(&s));
    CU_ASSERT(!member_watch_arp.wanted(&s));
    CU_ASSERT_EQUAL(member_watch_arp.interval_ms(&s), 0);
    s.arp_target = htonl(0xc6120064);       /* 198.18.0.100 */
    s.arp_interval_ms = 250;
    CU_ASSERT(member_watch_arp.wanted(&s));
    CU_ASSERT_EQUAL(member_watch_arp.interval_ms(&s), 250);
    CU_ASSERT_EQUAL(member_watch_carrier.interval_ms(&s), 0);
}

static void
test_carrier(void)
{
    struct member_watch_settings s = { .ifname = "veth0" };
    struct member_watch_event up = { .has_carrier = true, .carrier = true };
    struct member_watch_event down = { .has_carrier = true };
    struct member_watch_event readable = { .readable = true };
    struct member_watch w;
    char why[64], line[64];

    CU_ASSERT_EQUAL(member_watch_carrier.start(&w, &s, 1000), 0);
    CU_ASSERT_PTR_EQUAL(w.cls, &member_watch_carrier);
    CU_ASSERT(!w.ok);                       /* Until the first reading. */
    CU_ASSERT_EQUAL(member_watch_carrier.fd(&w), -1);
    CU_ASSERT(member_watch_carrier.event(&w, &up, 2000, why, sizeof why));
    CU_ASSERT(w.ok);
    CU_ASSERT(!member_watch_carrier.event(&w, &up, 3000, why, sizeof why));
    CU_ASSERT(!member_watch_carrier.event(&w, &readable, 3000, why,
                                          sizeof why));
    CU_ASSERT(w.ok);
    member_watch_carrier.show(&w, line, sizeof line);
    CU_ASSERT_STRING_EQUAL(line, "carrier up");
    CU_ASSERT(member_watch_carrier.event(&w, &down, 4000, why, sizeof why));
    CU_ASSERT(!w.ok);
    CU_ASSERT(!member_watch_carrier.timer(&w, 5000, why, sizeof why));
    CU_ASSERT(member_watch_carrier.same(&w, &s));
    member_watch_carrier.stop(&w);
    CU_ASSERT_PTR_NULL(w.cls);
}

/* The link works when every running watcher says so; watchers that are
 * not running do not count. */
static void
test_combine(void)
{
    struct member_watch w[MEMBER_N_WATCHES];

    memset(w, 0, sizeof w);
    CU_ASSERT(member_watches_ok(w, MEMBER_N_WATCHES));
    w[0].cls = &member_watch_carrier;
    CU_ASSERT(!member_watches_ok(w, MEMBER_N_WATCHES));
    w[0].ok = true;
    CU_ASSERT(member_watches_ok(w, MEMBER_N_WATCHES));
    w[1].cls = &member_watch_arp;
    CU_ASSERT(!member_watches_ok(w, MEMBER_N_WATCHES));
    w[1].ok = true;
    CU_ASSERT(member_watches_ok(w, MEMBER_N_WATCHES));
    w[0].ok = false;
    CU_ASSERT(!member_watches_ok(w, MEMBER_N_WATCHES));
}

static const CU_TestInfo tests[] = {
    { "table", test_table },
    { "carrier watcher", test_carrier },
    { "verdicts combine", test_combine },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("member-watch", NULL, NULL, tests);
}
