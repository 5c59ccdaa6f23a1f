/* Tests for lib/announce-queue.c: the pacing of announcements, driven by a
 * fake clock (microseconds chosen by the test). */
#include <autoconf.h>
#include "announce-queue.h"

#include <CUnit/Basic.h>
#include <string.h>
#include "unit.h"

#define MAX_SENT 64

/* What the send callback saw. */
struct log {
    unsigned int n;             /* Sends. */
    int slot[MAX_SENT];         /* Their members... */
    uint8_t mac_last[MAX_SENT]; /* ...the last byte of their MACs... */
    uint16_t vlan[MAX_SENT];    /* ...their VLANs... */
    unsigned int left[MAX_SENT]; /* ...and the sends left after each. */
};

static void
record(int slot, const uint8_t mac[ETH_ADDR_LEN], uint16_t vlan,
       unsigned int left, void *log_)
{
    struct log *log = log_;

    if (log->n < MAX_SENT) {
        log->slot[log->n] = slot;
        log->mac_last[log->n] = mac[5];
        log->vlan[log->n] = vlan;
        log->left[log->n] = left;
    }
    log->n++;
}

/* Each station is sent 'count' times, 'interval' apart, the first at
 * once. */
static void
test_count_and_interval(void)
{
    struct announce_queue *q = announce_queue_create();
    uint8_t mac[ETH_ADDR_LEN] = UNIT_MAC(1);
    struct log log;

    memset(&log, 0, sizeof log);
    announce_queue_add(q, 2, mac, 10, 3);
    CU_ASSERT(announce_queue_pending(q));
    CU_ASSERT_EQUAL(announce_queue_run(q, 1000, 500, 64, record, &log), 1);
    CU_ASSERT_EQUAL(log.slot[0], 2);
    CU_ASSERT_EQUAL(log.mac_last[0], mac[5]);
    CU_ASSERT_EQUAL(log.vlan[0], 10);
    CU_ASSERT_EQUAL(log.left[0], 2);
    /* Not due before the interval. */
    CU_ASSERT_EQUAL(announce_queue_run(q, 1499, 500, 64, record, &log), 0);
    CU_ASSERT_EQUAL(announce_queue_run(q, 1500, 500, 64, record, &log), 1);
    CU_ASSERT_EQUAL(log.left[1], 1);
    CU_ASSERT(announce_queue_pending(q));
    CU_ASSERT_EQUAL(announce_queue_run(q, 2000, 500, 64, record, &log), 1);
    CU_ASSERT_EQUAL(log.left[2], 0);
    CU_ASSERT(!announce_queue_pending(q));
    CU_ASSERT_EQUAL(announce_queue_run(q, 9000, 500, 64, record, &log), 0);
    CU_ASSERT_EQUAL(log.n, 3);
    announce_queue_destroy(q);
}

/* No more than the budget per run; the rest wait for the next run, in
 * the order they were queued. */
static void
test_budget(void)
{
    struct announce_queue *q = announce_queue_create();
    struct log log;

    memset(&log, 0, sizeof log);
    for (int i = 0; i < 10; i++) {
        uint8_t mac[ETH_ADDR_LEN] = UNIT_MAC(i);

        announce_queue_add(q, 0, mac, 1, 1);
    }
    CU_ASSERT_EQUAL(announce_queue_length(q), 10);
    CU_ASSERT_EQUAL(announce_queue_run(q, 0, 1000, 4, record, &log), 4);
    CU_ASSERT_EQUAL(announce_queue_length(q), 6);
    CU_ASSERT_EQUAL(announce_queue_run(q, 0, 1000, 4, record, &log), 4);
    CU_ASSERT_EQUAL(announce_queue_run(q, 0, 1000, 4, record, &log), 2);
    CU_ASSERT_EQUAL(log.n, 10);
    for (unsigned int i = 1; i < log.n; i++) {
        CU_ASSERT(log.mac_last[i] > log.mac_last[i - 1]);
    }
    CU_ASSERT(!announce_queue_pending(q));
    CU_ASSERT_EQUAL(announce_queue_run(q, 0, 1000, 0, record, &log), 0);
    announce_queue_destroy(q);
}

/* A count of 0 queues nothing; destroy frees what is left. */
static void
test_zero_and_destroy(void)
{
    struct announce_queue *q = announce_queue_create();
    uint8_t mac[ETH_ADDR_LEN] = UNIT_MAC(7);

    announce_queue_add(q, 1, mac, 5, 0);
    CU_ASSERT(!announce_queue_pending(q));
    announce_queue_add(q, 1, mac, 5, 3);
    CU_ASSERT(announce_queue_pending(q));
    announce_queue_destroy(q);
    announce_queue_destroy(NULL);
}

static const CU_TestInfo tests[] = {
    { "count and interval", test_count_and_interval },
    { "budget", test_budget },
    { "zero count and destroy", test_zero_and_destroy },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("announce-queue", NULL, NULL, tests);
}
