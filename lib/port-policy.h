/* port-policy: what a port may do, beyond its VLANs.
 *
 * One plain value per port (a VM's tap, the host's internal port, a plain
 * uplink): source MAC security, a limit on learned addresses, isolation,
 * DHCP and router-advertisement guards, BPDU guard, rate limits in both
 * directions, a storm limit, an MTU and an administrative state.  The
 * configuration holds one in each 'struct config_port' (config.h); the
 * datapath gets a copy (datapath_port_set_policy()) and enforces it in its
 * policy stages (dp-policy.c, see dp-pipeline.h).  This module owns the
 * keys: their names, defaults, parsing, ranges and the text they are
 * written back as, so that the file, the control commands, 'show' and the
 * libvirt agent all go through one piece of code.
 *
 * Keys (set-port/add-port KEY=VALUE, the same in vswitchd.conf):
 *   enabled=yes|no            administrative state (default yes)
 *   bpdu-guard=yes|no         a BPDU (01:80:C2:00:00:00) from the port
 *                             blocks it until an operator re-enables it
 *                             (default no)
 *   allowed-macs=MAC[,MAC...]|any
 *                             source MACs the port may send from (default
 *                             any), at most PORT_POLICY_MACS_MAX
 *   mac-security=source|strict
 *                             source: only the source is checked (default);
 *                             strict: frames to a MAC not allowed on the
 *                             port are not delivered to it either
 *   mac-limit=N|unlimited     learned addresses, 1-PORT_POLICY_MAC_LIMIT_MAX
 *                             (default PORT_POLICY_MAC_LIMIT_DEFAULT for a
 *                             port, unlimited for a team)
 *   mac-limit-action=drop|flood
 *                             what happens to a new source beyond the limit
 *                             (default drop); either way it is not learned
 *   isolated=yes|no           isolated ports never reach each other
 *                             (default no)
 *   dhcp-guard=yes|no         drop DHCPv4/DHCPv6 server messages from the
 *                             port (default no)
 *   ra-guard=yes|no           drop ICMPv6 router advertisements and
 *                             redirects from the port (default no)
 *   rate-in=RATE[,burst=BYTES]|none
 *                             traffic to the VM; RATE in bits/s with an
 *                             optional k, M or G suffix (powers of 1000)
 *   rate-out=RATE[,burst=BYTES]|none
 *                             traffic from the VM
 *   storm-limit=PPS|none      broadcast, multicast and unknown unicast
 *                             frames per second from the port
 *   mtu=N|none                the device's MTU, PORT_POLICY_MTU_MIN to
 *                             PORT_POLICY_MTU_MAX; larger frames dropped
 *                             (GSO frames excepted)
 *
 * Errors: 0 or a negative errno with a message naming the key, the value
 * and the range (util.h's convention).
 *
 * Thread-safety: pure functions on plain values; the control thread uses
 * them, the datapath reads a copy. */
#ifndef VSWITCH_PORT_POLICY_H
#define VSWITCH_PORT_POLICY_H 1

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "util.h"

#define PORT_POLICY_MACS_MAX 16
#define PORT_POLICY_MAC_LIMIT_DEFAULT 64
#define PORT_POLICY_MAC_LIMIT_MAX 1048576   /* config.h's table maximum. */
#define PORT_POLICY_RATE_MIN 8000ULL        /* bits/s. */
#define PORT_POLICY_RATE_MAX 400000000000ULL  /* 400 Gbit/s. */
#define PORT_POLICY_BURST_MIN 1500          /* Bytes. */
#define PORT_POLICY_BURST_MAX (1U << 30)    /* Bytes. */
#define PORT_POLICY_STORM_MAX 100000000     /* Frames per second. */
#define PORT_POLICY_MTU_MIN 68
#define PORT_POLICY_MTU_MAX 65535

enum port_mac_security {
    PORT_MAC_SECURITY_SOURCE,    /* Source addresses checked (default). */
    PORT_MAC_SECURITY_STRICT,    /* Destinations too. */
};

enum port_mac_limit_action {
    PORT_MAC_LIMIT_DROP,         /* A new source beyond the limit is
                                  * dropped (default). */
    PORT_MAC_LIMIT_FLOOD,        /* Forwarded, not learned: replies to it
                                  * flood. */
};

/* A policer: bits per second and the bucket's depth. */
struct port_rate {
    uint64_t bps;                /* Bits per second, 0 = no limit. */
    uint64_t burst;              /* Bytes the bucket holds; 0 = the
                                  * default made from 'bps'
                                  * (port_rate_burst()). */
};

struct port_policy {
    bool enabled;                /* Administrative state; default true. */
    bool bpdu_guard;             /* Default false. */
    uint8_t allowed_macs[PORT_POLICY_MACS_MAX][ETH_ADDR_LEN];
                                 /* Allowed sources, 'n_allowed_macs' of
                                  * them, no duplicates. */
    unsigned int n_allowed_macs; /* 0 = any source. */
    enum port_mac_security mac_security; /* Default source. */
    unsigned int mac_limit;      /* Learned addresses; 0 = unlimited. */
    enum port_mac_limit_action mac_limit_action; /* Default drop. */
    bool isolated;               /* Default false. */
    bool dhcp_guard;             /* Default false. */
    bool ra_guard;               /* Default false. */
    struct port_rate rate_in;    /* To the VM (egress from the switch). */
    struct port_rate rate_out;   /* From the VM (ingress to the switch). */
    unsigned int storm_limit;    /* Frames per second, 0 = none. */
    unsigned int mtu;            /* 0 = the device's as it is. */
};

/* The defaults: for a team ('is_team') the MAC limit is unlimited. */
void port_policy_init(struct port_policy *, bool is_team);
bool port_policy_equal(const struct port_policy *,
                       const struct port_policy *);

/* True if 'key' is one of this module's keys. */
bool port_policy_is_key(const char *key);
/* Sets 'key' from 'value'.  Returns 0, or -EINVAL with '*msg' set (caller
 * frees with g_free()), naming the key, the value and the range; then the
 * policy is unchanged. */
int port_policy_set(struct port_policy *, const char *key,
                    const char *value, char **msg);
/* Calls 'cb' for each key whose value differs from the defaults for
 * 'is_team', with the text port_policy_set() takes back (for the file and
 * 'show'); 'all' calls it for every key. */
void port_policy_format(const struct port_policy *, bool is_team, bool all,
                        void (*cb)(const char *key, const char *value,
                                   void *aux),
                        void *aux);

/* The bucket depth the datapath uses for 'r': 'r->burst', or when 0 a
 * default deep enough for TCP (the larger of 64 KiB and 200 ms at the
 * rate: TCP's minimum retransmission timeout). */
uint64_t port_rate_burst(const struct port_rate *r);

/* True if 'mac' may be a source on a port with policy 'pp'.  Inline: the
 * datapath calls it per frame and must not link to the parsers. */
static inline bool
port_policy_mac_allowed(const struct port_policy *pp,
                        const uint8_t mac[ETH_ADDR_LEN])
{
    if (!pp->n_allowed_macs) {
        return true;
    }
    for (unsigned int i = 0; i < pp->n_allowed_macs; i++) {
        if (!memcmp(pp->allowed_macs[i], mac, ETH_ADDR_LEN)) {
            return true;
        }
    }
    return false;
}

#endif /* port-policy.h */
