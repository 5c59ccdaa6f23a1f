#include <autoconf.h>
#include "announce-queue.h"

#include <glib.h>
#include <string.h>

/* One station to announce. */
struct announcement {
    int slot;                    /* Member to send on. */
    uint8_t mac[ETH_ADDR_LEN];   /* Station. */
    uint16_t vlan;               /* Its VLAN. */
    unsigned int left;           /* Sends left. */
    uint64_t next_usec;          /* When the next is due (0: at once). */
};

struct announce_queue {
    GQueue queue;                /* Of owned struct announcement *. */
};

struct announce_queue *
announce_queue_create(void)
{
    struct announce_queue *q = g_new0(struct announce_queue, 1);

    g_queue_init(&q->queue);
    return q;
}

void
announce_queue_destroy(struct announce_queue *q)
{
    if (q) {
        g_queue_clear_full(&q->queue, g_free);
        g_free(q);
    }
}

void
announce_queue_add(struct announce_queue *q, int slot,
                   const uint8_t mac[ETH_ADDR_LEN], uint16_t vlan,
                   unsigned int count)
{
    struct announcement *a;

    if (!count) {
        return;
    }
    a = g_new0(struct announcement, 1);
    a->slot = slot;
    memcpy(a->mac, mac, ETH_ADDR_LEN);
    a->vlan = vlan;
    a->left = count;
    a->next_usec = 0;
    g_queue_push_tail(&q->queue, a);
}

unsigned int
announce_queue_run(struct announce_queue *q, uint64_t now_usec,
                   uint64_t interval_usec, unsigned int budget,
                   announce_send_cb *send, void *aux)
{
    unsigned int n = g_queue_get_length(&q->queue);
    unsigned int sent = 0;

    /* Each entry is looked at once; due ones are sent and go to the back
     * with one send fewer. */
    for (unsigned int i = 0; i < n && sent < budget; i++) {
        struct announcement *a = g_queue_pop_head(&q->queue);

        if (a->next_usec > now_usec) {
            g_queue_push_tail(&q->queue, a);
            continue;
        }
        a->left--;
        send(a->slot, a->mac, a->vlan, a->left, aux);
        sent++;
        if (a->left) {
            a->next_usec = now_usec + interval_usec;
            g_queue_push_tail(&q->queue, a);
        } else {
            g_free(a);
        }
    }
    return sent;
}

bool
announce_queue_pending(const struct announce_queue *q)
{
    return q->queue.length != 0;
}

unsigned int
announce_queue_length(const struct announce_queue *q)
{
    return q->queue.length;
}
