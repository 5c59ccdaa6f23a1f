/* team-hash: the bucket a frame falls in, for the src-mac and hash team
 * policies.
 *
 * Thread-safety: pure functions; safe on the datapath (no allocation, no
 * system call). */
#ifndef VSWITCH_TEAM_HASH_H
#define VSWITCH_TEAM_HASH_H 1

#include <stdbool.h>
#include <stdint.h>
#include "packet.h"

enum team_hash_fields {
    TEAM_HASH_L2,     /* Source and destination MAC, VLAN. */
    TEAM_HASH_L23,    /* L2 plus IP source and destination (else L2). */
    TEAM_HASH_L34,    /* IP addresses, protocol and TCP/UDP/SCTP ports;
                       * fragments fall back to L23 (so all fragments of a
                       * datagram take one member), non-IP to L2. */
};
#define TEAM_N_HASH_FIELDS (TEAM_HASH_L34 + 1)

const char *team_hash_fields_name(enum team_hash_fields);
bool team_hash_fields_from_string(const char *, enum team_hash_fields *);

/* Bucket 0..255 for the src-mac policy: source MAC and VLAN only. */
uint8_t team_hash_src_mac(const uint8_t mac[6], uint16_t vlan);

/* Bucket 0..255 for the hash policy.  'pi' must have been through
 * packet_parse_l3() when 'fields' is L23 or L34. */
uint8_t team_hash_bucket(const struct packet_info *pi, uint16_t vlan,
                         enum team_hash_fields fields);

#endif /* team-hash.h */
