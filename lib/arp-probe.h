/* arp-probe: a team member's link watcher that asks an upstream address
 * with ARP, so that a failure beyond the first cable (the upstream switch's
 * own uplink, a dead switch whose ports still show carrier) takes the
 * member out of use.
 *
 * Owns one AF_PACKET socket per watched device, bound to ARP only, used by
 * the control thread: it sends "who-has TARGET" requests with the device's
 * own MAC and sender address 0.0.0.0 (an RFC 5227 probe, which changes no
 * neighbour cache upstream) and recognises replies from TARGET to that MAC.
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCH_ARP_PROBE_H
#define VSWITCH_ARP_PROBE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arp_probe;

/* Watches device 'ifname' for replies from 'target' (IPv4, network byte
 * order).  Returns NULL with a negative errno in '*errorp'. */
struct arp_probe *arp_probe_create(const char *ifname, uint32_t target,
                                   int *errorp);
void arp_probe_destroy(struct arp_probe *);   /* Accepts NULL. */

/* The socket to watch for readability. */
int arp_probe_fd(const struct arp_probe *);
/* Sends one request.  Returns 0 or a negative errno. */
int arp_probe_send(struct arp_probe *);
/* Reads what is pending; returns true if a reply from the target to us was
 * among it. */
bool arp_probe_receive(struct arp_probe *);

/* Frame helpers, exposed for the unit test: build a probe request from
 * 'mac' for 'target' into 'frame' (at least 42 bytes; returns the length),
 * and tell whether 'frame' is a reply from 'target' to 'mac'. */
size_t arp_probe_build(const uint8_t mac[6], uint32_t target,
                       uint8_t *frame);
bool arp_probe_is_reply(const uint8_t *frame, size_t len,
                        const uint8_t mac[6], uint32_t target);

#endif /* arp-probe.h */
