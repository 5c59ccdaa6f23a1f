/* lacp: the Link Aggregation Control Protocol (IEEE 802.1AX, formerly
 * 802.3ad clause 43) for one team.
 *
 * One 'struct lacp' is one team's actor: its system (priority and MAC), its
 * key, and its members ("ports" in 802.1AX), each known by the team's slot
 * number.  The module keeps, per member, what the standard's machines keep:
 *
 *   - receive: the partner's information from the last LACPDU, and whether
 *     it is CURRENT (heard within the current_while time: 3 s with the
 *     short timeout, 90 s with the long one, as the actor's own timeout
 *     bit says), EXPIRED (one timeout missed: the partner is asked to send
 *     fast, its synchronization is no longer believed, the member leaves
 *     the aggregator) or DEFAULTED (3 s more in EXPIRED, link down, or
 *     never heard: no partner);
 *   - periodic transmission: a LACPDU every second while the partner asks
 *     for the short timeout, every 30 s while it asks for the long one,
 *     when either side is active; and at once (need-to-transmit) when what
 *     the actor says changes or the partner's view of the actor is wrong
 *     (system, key, port, or the activity, timeout, aggregation and
 *     synchronization bits, as 802.1AX's update_NTT), at most 3 LACPDUs in
 *     any second.  A defaulted partner counts as passive and asking for
 *     the long timeout;
 *   - selection: one aggregator per team.  The members that have a CURRENT
 *     partner which aggregates (its Aggregation bit) are grouped by partner
 *     (system priority, system MAC, key); the group with the most members
 *     is selected, a tie going to the group of the member with the best
 *     (lowest) port priority, then port number (ours, not the
 *     partner's).  A member of another group is kept out and shown as
 *     cabled to another partner, and so is a member whose partner has our
 *     own system MAC (two members of the team cabled to each other).  A
 *     member whose partner does not aggregate is kept out as individual;
 *   - mux (coupled control): a selected member is in synchronization (our
 *     SYNC bit); it says it collects and distributes once the partner says
 *     it is in synchronization (with us: its view of us in the LACPDU
 *     names our system, key and port); it carries traffic
 *     (lacp_member_carries()) once the partner says it is collecting too.
 *     (Asking the partner's COLLECTING before saying ours would deadlock
 *     two such instances.)
 *
 * min-links: while fewer than 'min_links' selected members have a partner
 * in synchronization, none says it collects nor carries (the team is down,
 * LACP_DOWN, and the partner stops sending on them too).
 *
 * Fallback ('fallback'): while no member has a partner (every one is
 * DEFAULTED or has no link) and one has link, the team is in
 * LACP_FALLBACK: every member with link "carries", and the caller runs the
 * team as active-backup (min-links does not apply).  The first LACPDU
 * heard ends it.  Without fallback, or without a member with link, a team
 * with no partner is LACP_DOWN.
 *
 * Pure logic, driven by the caller's clock (microseconds, any origin): no
 * timer, no socket.  The caller feeds it the LACPDUs its members receive
 * (lacp_receive()) and their link state, runs lacp_run() at least every
 * LACP_TICK_MS and whenever lacp_receive() or a change of settings or link
 * says so, and sends the frames lacp_run() hands to its callback.  Unit
 * tests run two instances against each other in memory with a fake clock.
 *
 * Thread-safety: none; one caller (the control thread). */
#ifndef VSWITCH_LACP_H
#define VSWITCH_LACP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"

/* Slow protocols: LACPDUs go to this group address with this EtherType. */
#define LACP_ETH_TYPE 0x8809
extern const uint8_t lacp_dst_mac[ETH_ADDR_LEN];  /* 01:80:c2:00:00:02 */
/* A LACPDU, Ethernet header included (14 + 110 bytes). */
#define LACP_PDU_LEN 124
/* How often the caller must run lacp_run() at most, in ms. */
#define LACP_TICK_MS 100
/* Members per instance: slots 0 .. LACP_MAX_MEMBERS - 1. */
#define LACP_MAX_MEMBERS 32

/* The actor's port state bits (802.1AX 6.4.2.3), as in a LACPDU. */
#define LACP_STATE_ACTIVITY     0x01  /* Active (else passive). */
#define LACP_STATE_TIMEOUT      0x02  /* Short timeout (else long). */
#define LACP_STATE_AGGREGATION  0x04  /* Aggregatable (else individual). */
#define LACP_STATE_SYNC         0x08  /* In synchronization. */
#define LACP_STATE_COLLECTING   0x10
#define LACP_STATE_DISTRIBUTING 0x20
#define LACP_STATE_DEFAULTED    0x40  /* Partner info is the default. */
#define LACP_STATE_EXPIRED      0x80  /* Receive machine in EXPIRED. */

/* A team's LACP settings. */
struct lacp_settings {
    bool active;                 /* lacp=active (else passive: speaks only
                                  * to an active partner). */
    bool fast;                   /* lacp-rate=fast: ask the partner for a
                                  * LACPDU every 1 s, time out after 3 s
                                  * (else 30 s and 90 s). */
    uint16_t sys_priority;       /* lacp-system-priority (lower wins). */
    uint8_t sys_id[ETH_ADDR_LEN]; /* lacp-system-id. */
    uint16_t key;                /* Operational key: one per team. */
    unsigned int min_links;      /* Fewer carrying members: team down;
                                  * 0 counts as 1. */
    bool fallback;               /* lacp-fallback=active-backup. */
};

/* One member's settings. */
struct lacp_member_settings {
    uint16_t port_priority;      /* lacp-port-priority (lower wins). */
    uint16_t port_number;        /* Non-zero, unique in the team. */
    uint8_t mac[ETH_ADDR_LEN];   /* Source of its LACPDUs. */
};

/* Where a member stands, for the caller and for lacp/show. */
enum lacp_member_status {
    LACP_CURRENT,                /* Partner heard within the timeout. */
    LACP_EXPIRED,                /* One timeout missed. */
    LACP_DEFAULTED,              /* No partner. */
};

/* Why a member does not carry traffic (or LACP_WHY_NONE: it does). */
enum lacp_why {
    LACP_WHY_NONE,               /* It carries (collecting and
                                  * distributing, or in fallback). */
    LACP_WHY_LINK_DOWN,          /* The caller said its link is down. */
    LACP_WHY_NO_PARTNER,         /* Defaulted (or expired). */
    LACP_WHY_OTHER_PARTNER,      /* Its partner is not the aggregator's. */
    LACP_WHY_INDIVIDUAL,         /* Its partner does not aggregate. */
    LACP_WHY_PARTNER_NOT_READY,  /* Selected; the partner is not yet in
                                  * sync or collecting. */
    LACP_WHY_MIN_LINKS,          /* Ready, but the team is below
                                  * min-links. */
};

/* The team's state. */
enum lacp_status {
    LACP_NEGOTIATED,             /* At least min-links members carry. */
    LACP_FALLBACK,               /* No partner: run as active-backup. */
    LACP_DOWN,                   /* Nothing carries. */
};

/* One system's or port's identity as a LACPDU carries it. */
struct lacp_info {
    uint16_t sys_priority;
    uint8_t sys_id[ETH_ADDR_LEN];
    uint16_t key;
    uint16_t port_priority;
    uint16_t port_number;
    uint8_t state;               /* LACP_STATE_* bits. */
};

/* What lacp/show prints of a member. */
struct lacp_member_view {
    bool present;                /* Slot in use. */
    enum lacp_member_status status;
    enum lacp_why why;           /* LACP_WHY_NONE: it carries. */
    bool selected;               /* In the aggregator. */
    struct lacp_info actor;      /* What we send. */
    struct lacp_info partner;    /* What we last heard (zeros when
                                  * defaulted). */
    uint64_t pdus_sent;          /* LACPDUs handed to the send callback. */
    uint64_t pdus_received;      /* Valid LACPDUs taken. */
    uint64_t pdus_bad;           /* Truncated or malformed ones, ignored. */
    uint64_t last_rx_usec;       /* Caller's clock of the last valid one,
                                  * 0 = never. */
};

struct lacp;

/* Sends 'frame' ('len' bytes, a whole Ethernet frame) on member 'slot'. */
typedef void lacp_send_cb(int slot, const void *frame, size_t len,
                          void *aux);

struct lacp *lacp_create(const struct lacp_settings *);
void lacp_destroy(struct lacp *);   /* Accepts NULL. */
/* Changes the settings; what changed is sent at the next lacp_run(). */
void lacp_configure(struct lacp *, const struct lacp_settings *);

/* Adds member 'slot' (its link down, DEFAULTED) or changes its settings. */
void lacp_member_set(struct lacp *, int slot,
                     const struct lacp_member_settings *);
void lacp_member_remove(struct lacp *, int slot);
/* The member's link (carrier, device attached, not disabled by the
 * operator).  A member whose link goes down becomes DEFAULTED. */
void lacp_member_set_link(struct lacp *, int slot, bool up,
                          uint64_t now_usec);

/* Takes a frame received on member 'slot' (the whole Ethernet frame).  A
 * LACPDU updates the partner; a marker or other slow protocol is ignored;
 * a truncated or malformed LACPDU is counted in pdus_bad and ignored.
 * Returns 0 for a LACPDU taken, -EINVAL for a bad one, -ENOENT for no
 * such member, -EPROTONOSUPPORT for another slow protocol (or a frame not
 * of LACP_ETH_TYPE), -ENETDOWN for a LACPDU on a member whose link is down
 * (ignored, not counted: the member stays DEFAULTED until its link is up).
 * Strict: 802.1AX TLV types and lengths must be right, the version
 * non-zero; a version 1 LACPDU must have its terminator in place; bytes
 * after the 124th (padding) are ignored. */
int lacp_receive(struct lacp *, int slot, const void *frame, size_t len,
                 uint64_t now_usec);

/* Runs the timers and machines at 'now_usec' and sends what is due through
 * 'send'.  Returns true if which members carry, or the team's status,
 * changed since the last call (the caller republishes its map). */
bool lacp_run(struct lacp *, uint64_t now_usec, lacp_send_cb *send,
              void *aux);

/* True if member 'slot' may carry traffic (as of the last lacp_run()). */
bool lacp_member_carries(const struct lacp *, int slot);
enum lacp_status lacp_status(const struct lacp *);
/* Fills '*v' for member 'slot'. */
void lacp_member_view(const struct lacp *, int slot,
                      struct lacp_member_view *v);
/* The actor as lacp/show prints it (port fields zero; state: the
 * activity, timeout and aggregation bits the settings give). */
void lacp_actor(const struct lacp *, struct lacp_info *);

/* Names for show output. */
const char *lacp_status_name(enum lacp_status);     /* "negotiated"... */
const char *lacp_member_status_name(enum lacp_member_status);
const char *lacp_why_name(enum lacp_why);           /* "", "link-down",
                                                     * "no-partner",
                                                     * "other-partner",
                                                     * "individual",
                                                     * "partner-not-ready",
                                                     * "min-links" */
/* The state bits as "activity,timeout,aggregation,synchronization,
 * collecting,distributing,defaulted,expired" (those set, in this order;
 * "" for none) into 'buf', truncated to 'size' - 1 bytes at a name. */
void lacp_state_format(uint8_t state, char *buf, size_t size);

/* Builds a LACPDU into 'frame' (LACP_PDU_LEN bytes) from source 'src',
 * actor 'actor' and partner 'partner'.  For tests and for lacp_run(). */
void lacp_pdu_build(uint8_t frame[LACP_PDU_LEN],
                    const uint8_t src[ETH_ADDR_LEN],
                    const struct lacp_info *actor,
                    const struct lacp_info *partner);

#endif /* lacp.h */
