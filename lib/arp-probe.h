/* arp-probe: a team member's link watcher that asks an upstream address
 * with ARP, so that a failure beyond the first cable (the upstream switch's
 * own uplink, a dead switch whose ports still show carrier) takes the
 * member out of use.
 *
 * Owns one AF_PACKET socket per watched device, bound to ARP only, used by
 * the control thread: it sends "who-has TARGET" requests with the device's
 * own MAC and sender address 0.0.0.0 (an RFC 5227 probe, which changes no
 * neighbour cache upstream) and recognises replies from TARGET to that MAC:
 * only as the answer to a probe actually sent (once per probe, within the
 * probe interval after it went out), received by that device addressed to
 * it, and in the probe's own (untagged) VLAN.
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCH_ARP_PROBE_H
#define VSWITCH_ARP_PROBE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arp_probe;

/* Watches device 'ifname' for replies from 'target' (IPv4, network byte
 * order) to probes sent every 'interval_ms'.  Returns NULL with a negative
 * errno in '*errorp'. */
struct arp_probe *arp_probe_create(const char *ifname, uint32_t target,
                                   unsigned int interval_ms, int *errorp);
void arp_probe_destroy(struct arp_probe *);   /* Accepts NULL. */

/* The socket to watch for readability. */
int arp_probe_fd(const struct arp_probe *);
/* Sends one request at 'now_usec' (time_usec()).  Returns 0 or a negative
 * errno. */
int arp_probe_send(struct arp_probe *, uint64_t now_usec);
/* Reads what is pending at 'now_usec'; returns true if the answer to the
 * last probe sent was among it. */
bool arp_probe_receive(struct arp_probe *, uint64_t now_usec);

/* Frame helpers, exposed for the unit test: build a probe request from
 * 'mac' for 'target' into 'frame' (at least 42 bytes; returns the length),
 * and tell whether 'frame' is a reply from 'target' to 'mac'. */
size_t arp_probe_build(const uint8_t mac[6], uint32_t target,
                       uint8_t *frame);
bool arp_probe_is_reply(const uint8_t *frame, size_t len,
                        const uint8_t mac[6], uint32_t target);

/* Matching replies to the probes sent: the socket-free part of a probe,
 * exposed for the unit test. */
struct arp_probe_match {
    uint8_t mac[6];             /* Our MAC: the probe's sender. */
    uint32_t target;            /* Address asked for, network order. */
    uint64_t window_usec;       /* How long after a probe its reply counts. */
    uint64_t sent_usec;         /* When the last probe went out, 0 = none. */
    bool answered;              /* That probe's reply came already. */
};

void arp_probe_match_init(struct arp_probe_match *, const uint8_t mac[6],
                          uint32_t target, unsigned int interval_ms);
/* A probe went out at 'now_usec'. */
void arp_probe_match_sent(struct arp_probe_match *, uint64_t now_usec);
/* True if 'frame', seen at 'now_usec', answers the last probe sent.
 * 'received' says the member's device received it addressed to itself
 * (not a frame leaving, nor one for another host seen in promiscuous
 * mode). */
bool arp_probe_match_reply(struct arp_probe_match *, const uint8_t *frame,
                           size_t len, bool received, uint64_t now_usec);

#endif /* arp-probe.h */
