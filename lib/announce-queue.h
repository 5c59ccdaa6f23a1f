/* announce-queue: the schedule of a team's announcements after a move.
 *
 * After a migration each moved station is announced on its new member
 * 'count' times, 'interval' apart, so that the physical switch relearns it
 * there even if one frame is lost.  Thousands of stations can move at once
 * (a member carrying a busy bridge fails): the queue hands out at most a
 * budget of due announcements per call, oldest due first, and the caller
 * sends them (announcement frames: packet.h's RARP builder).
 *
 * Pure logic driven by the caller's clock: no timer, no I/O, so unit tests
 * drive it with a fake clock.  The caller runs announce_queue_run() from a
 * periodic tick while announce_queue_pending() is true.
 *
 * Thread-safety: one thread (the control thread). */
#ifndef VSWITCH_ANNOUNCE_QUEUE_H
#define VSWITCH_ANNOUNCE_QUEUE_H 1

#include <stdbool.h>
#include <stdint.h>
#include "util.h"

struct announce_queue;

/* Called for each announcement due: send station 'mac' in 'vlan' on member
 * 'slot'.  'left' is how many more times it will be announced after this
 * one. */
typedef void announce_send_cb(int slot, const uint8_t mac[ETH_ADDR_LEN],
                              uint16_t vlan, unsigned int left, void *aux);

struct announce_queue *announce_queue_create(void);
void announce_queue_destroy(struct announce_queue *);   /* Accepts NULL. */

/* Queues 'count' announcements of 'mac' in 'vlan' on member 'slot', the
 * first due at once. */
void announce_queue_add(struct announce_queue *, int slot,
                        const uint8_t mac[ETH_ADDR_LEN], uint16_t vlan,
                        unsigned int count);
/* Calls 'send' for the announcements due at 'now_usec', at most 'budget'
 * of them; each one sent is due again 'interval_usec' later while it has
 * sends left.  Each queued station is looked at once per call.  Returns
 * how many were sent. */
unsigned int announce_queue_run(struct announce_queue *, uint64_t now_usec,
                                uint64_t interval_usec, unsigned int budget,
                                announce_send_cb *send, void *aux);
/* True if announcements remain to be sent. */
bool announce_queue_pending(const struct announce_queue *);
/* Number of stations queued. */
unsigned int announce_queue_length(const struct announce_queue *);

#endif /* announce-queue.h */
