#include <autoconf.h>
#include "lacp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const uint8_t lacp_dst_mac[ETH_ADDR_LEN] = { 0x01, 0x80, 0xc2, 0, 0, 0x02 };

#define USEC_PER_SEC 1000000ULL
#define FAST_PERIODIC_USEC (1 * USEC_PER_SEC)   /* Partner asks short. */
#define SLOW_PERIODIC_USEC (30 * USEC_PER_SEC)  /* Partner asks long. */
#define SHORT_TIMEOUT_USEC (3 * USEC_PER_SEC)   /* current_while, short. */
#define LONG_TIMEOUT_USEC (90 * USEC_PER_SEC)   /* current_while, long. */
#define TX_BURST 3              /* LACPDUs at most in any second. */

/* Offsets in a LACPDU, from the start of the Ethernet frame. */
#define PDU_SUBTYPE 14
#define PDU_VERSION 15
#define PDU_ACTOR_TLV 16        /* Type, length, then the info. */
#define PDU_PARTNER_TLV 36
#define PDU_COLLECTOR_TLV 56    /* Type, length, max delay, reserved. */
#define PDU_TERMINATOR_TLV 72
#define INFO_TLV_LEN 20
#define COLLECTOR_TLV_LEN 16
#define SUBTYPE_LACP 1
#define TLV_TERMINATOR 0
#define TLV_ACTOR 1
#define TLV_PARTNER 2
#define TLV_COLLECTOR 3

/* The partner state bits that 802.1AX's update_NTT compares: a partner
 * whose view of us differs in these (or in our identity) hears from us at
 * once. */
#define NTT_STATE_MASK (LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT \
                        | LACP_STATE_AGGREGATION | LACP_STATE_SYNC)

/* One member ("port"). */
struct lacp_member {
    bool present;               /* Slot in use. */
    struct lacp_member_settings s; /* As lacp_member_set() gave them. */
    bool link;                  /* Link up, as the caller said. */
    enum lacp_member_status status; /* Receive machine. */
    uint64_t current_while;     /* CURRENT or EXPIRED: deadline of the
                                 * receive machine's timer. */
    struct lacp_info partner;   /* Actor info of the last LACPDU (zeros
                                 * while DEFAULTED). */
    struct lacp_info view;      /* Partner info of the last LACPDU: how the
                                 * partner sees us. */
    bool selected;              /* In the aggregator. */
    bool carries;               /* May carry traffic. */
    enum lacp_why why;          /* Why not (LACP_WHY_NONE: it carries). */
    struct lacp_info actor;     /* What we say, as of the last run. */
    bool ntt;                   /* Need to transmit. */
    bool sent_once;             /* 'last_sent' and 'last_tx' are valid. */
    struct lacp_info last_sent; /* Actor info of the last LACPDU sent. */
    uint64_t last_tx;           /* Clock of the last LACPDU sent. */
    uint64_t tx_times[TX_BURST]; /* Clocks of the last TX_BURST sent, a
                                  * ring; 0 = none. */
    unsigned int tx_next;       /* Next slot of 'tx_times' to overwrite. */
    uint64_t pdus_sent;         /* Counters, as lacp_member_view(). */
    uint64_t pdus_received;
    uint64_t pdus_bad;
    uint64_t last_rx_usec;
};

struct lacp {
    struct lacp_settings s;     /* As lacp_create()/lacp_configure(). */
    struct lacp_member members[LACP_MAX_MEMBERS]; /* By slot. */
    enum lacp_status status;    /* As of the last run. */
    bool reported;              /* lacp_run() has returned once. */
    enum lacp_status last_status; /* Status lacp_run() last reported. */
    bool last_carries[LACP_MAX_MEMBERS]; /* Carriers it last reported. */
};

/* Big-endian helpers for the wire format. */
static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static struct lacp_member *
member_get(struct lacp *lacp, int slot)
{
    if (slot < 0 || slot >= LACP_MAX_MEMBERS
        || !lacp->members[slot].present) {
        return NULL;
    }
    return &lacp->members[slot];
}

/* The receive machine enters DEFAULTED: no partner. */
static void
member_set_defaulted(struct lacp_member *m)
{
    m->status = LACP_DEFAULTED;
    memset(&m->partner, 0, sizeof m->partner);
    memset(&m->view, 0, sizeof m->view);
    m->current_while = 0;
}

struct lacp *
lacp_create(const struct lacp_settings *s)
{
    struct lacp *lacp = calloc(1, sizeof *lacp);

    if (lacp) {
        lacp->s = *s;
        lacp->status = LACP_DOWN;
    }
    return lacp;
}

void
lacp_destroy(struct lacp *lacp)
{
    free(lacp);
}

void
lacp_configure(struct lacp *lacp, const struct lacp_settings *s)
{
    lacp->s = *s;
}

void
lacp_member_set(struct lacp *lacp, int slot,
                const struct lacp_member_settings *s)
{
    struct lacp_member *m;

    if (slot < 0 || slot >= LACP_MAX_MEMBERS) {
        return;
    }
    m = &lacp->members[slot];
    if (!m->present) {
        memset(m, 0, sizeof *m);
        m->present = true;
        m->why = LACP_WHY_LINK_DOWN;
        member_set_defaulted(m);
    }
    m->s = *s;
}

void
lacp_member_remove(struct lacp *lacp, int slot)
{
    struct lacp_member *m = member_get(lacp, slot);

    if (m) {
        memset(m, 0, sizeof *m);
    }
}

void
lacp_member_set_link(struct lacp *lacp, int slot, bool up,
                     uint64_t now_usec)
{
    struct lacp_member *m = member_get(lacp, slot);

    if (!m || m->link == up) {
        return;
    }
    m->link = up;
    member_set_defaulted(m);
    m->selected = false;
    m->sent_once = false;
    /* Coming up: say so at once (if we may speak at all). */
    m->ntt = up;
}

/* Wire format. */

static void
info_put(uint8_t *p, uint8_t type, const struct lacp_info *info)
{
    p[0] = type;
    p[1] = INFO_TLV_LEN;
    put16(p + 2, info->sys_priority);
    memcpy(p + 4, info->sys_id, ETH_ADDR_LEN);
    put16(p + 10, info->key);
    put16(p + 12, info->port_priority);
    put16(p + 14, info->port_number);
    p[16] = info->state;
    /* p[17..19]: reserved, zero. */
}

static void
info_get(const uint8_t *p, struct lacp_info *info)
{
    info->sys_priority = get16(p + 2);
    memcpy(info->sys_id, p + 4, ETH_ADDR_LEN);
    info->key = get16(p + 10);
    info->port_priority = get16(p + 12);
    info->port_number = get16(p + 14);
    info->state = p[16];
}

void
lacp_pdu_build(uint8_t frame[LACP_PDU_LEN], const uint8_t src[ETH_ADDR_LEN],
               const struct lacp_info *actor, const struct lacp_info *partner)
{
    memset(frame, 0, LACP_PDU_LEN);
    memcpy(frame, lacp_dst_mac, ETH_ADDR_LEN);
    memcpy(frame + ETH_ADDR_LEN, src, ETH_ADDR_LEN);
    put16(frame + 2 * ETH_ADDR_LEN, LACP_ETH_TYPE);
    frame[PDU_SUBTYPE] = SUBTYPE_LACP;
    frame[PDU_VERSION] = 1;
    info_put(frame + PDU_ACTOR_TLV, TLV_ACTOR, actor);
    info_put(frame + PDU_PARTNER_TLV, TLV_PARTNER, partner);
    frame[PDU_COLLECTOR_TLV] = TLV_COLLECTOR;
    frame[PDU_COLLECTOR_TLV + 1] = COLLECTOR_TLV_LEN;
    /* Collector max delay 0, reserved, terminator (type 0, length 0) and
     * the 50 reserved bytes: all zero already. */
}

/* Parses the LACPDU 'frame' ('len' bytes) into 'actor' and 'partner'.
 * Returns 0, -EINVAL if it is truncated or malformed, -EPROTONOSUPPORT if
 * it is another slow protocol (or not a slow protocol at all). */
static int
pdu_parse(const uint8_t *p, size_t len, struct lacp_info *actor,
          struct lacp_info *partner)
{
    if (len <= PDU_SUBTYPE) {
        return -EINVAL;
    }
    if (get16(p + 2 * ETH_ADDR_LEN) != LACP_ETH_TYPE
        || p[PDU_SUBTYPE] != SUBTYPE_LACP) {
        return -EPROTONOSUPPORT;
    }
    if (len < LACP_PDU_LEN
        || p[PDU_VERSION] == 0
        || p[PDU_ACTOR_TLV] != TLV_ACTOR
        || p[PDU_ACTOR_TLV + 1] != INFO_TLV_LEN
        || p[PDU_PARTNER_TLV] != TLV_PARTNER
        || p[PDU_PARTNER_TLV + 1] != INFO_TLV_LEN
        || p[PDU_COLLECTOR_TLV] != TLV_COLLECTOR
        || p[PDU_COLLECTOR_TLV + 1] != COLLECTOR_TLV_LEN) {
        return -EINVAL;
    }
    /* Version 2 (802.1AX-2014) may put more TLVs before the terminator. */
    if (p[PDU_VERSION] == 1
        && (p[PDU_TERMINATOR_TLV] != TLV_TERMINATOR
            || p[PDU_TERMINATOR_TLV + 1] != 0)) {
        return -EINVAL;
    }
    info_get(p + PDU_ACTOR_TLV, actor);
    info_get(p + PDU_PARTNER_TLV, partner);
    return 0;
}

/* Receive machine. */

static bool
same_system(const struct lacp_info *a, const struct lacp_info *b)
{
    return (a->sys_priority == b->sys_priority
            && !memcmp(a->sys_id, b->sys_id, ETH_ADDR_LEN)
            && a->key == b->key);
}

static bool
info_equal(const struct lacp_info *a, const struct lacp_info *b)
{
    return (same_system(a, b)
            && a->port_priority == b->port_priority
            && a->port_number == b->port_number
            && a->state == b->state);
}

/* True if 'view' (how the partner sees us) names the actor 'actor': same
 * system, key and port, and what 802.1AX's update_NTT compares in the state
 * bits, masked by 'mask'. */
static bool
view_matches(const struct lacp_info *view, const struct lacp_info *actor,
             uint8_t mask)
{
    return (same_system(view, actor)
            && view->port_priority == actor->port_priority
            && view->port_number == actor->port_number
            && !((view->state ^ actor->state) & mask));
}

int
lacp_receive(struct lacp *lacp, int slot, const void *frame, size_t len,
             uint64_t now_usec)
{
    struct lacp_member *m = member_get(lacp, slot);
    struct lacp_info actor, partner;
    int error;

    if (!m) {
        return -ENOENT;
    }
    error = pdu_parse(frame, len, &actor, &partner);
    if (error) {
        if (error == -EINVAL) {
            m->pdus_bad++;
        }
        return error;
    }
    if (!m->link) {
        return -ENETDOWN;
    }
    m->pdus_received++;
    m->last_rx_usec = now_usec;
    m->status = LACP_CURRENT;
    m->partner = actor;
    m->view = partner;
    m->current_while = now_usec + (lacp->s.fast ? SHORT_TIMEOUT_USEC
                                   : LONG_TIMEOUT_USEC);
    if (!view_matches(&partner, &m->actor, NTT_STATE_MASK)) {
        m->ntt = true;
    }
    return 0;
}

/* The partner's state as the machines use it: EXPIRED no longer believes
 * its synchronization and asks it for the short timeout; a partner whose
 * view of us is not us is not in synchronization with us. */
static uint8_t
partner_state(const struct lacp_member *m)
{
    uint8_t state = m->partner.state;

    if (m->status == LACP_EXPIRED) {
        state &= ~LACP_STATE_SYNC;
        state |= LACP_STATE_TIMEOUT;
    } else if (m->status == LACP_CURRENT
               && (m->partner.state & LACP_STATE_AGGREGATION)
               && !view_matches(&m->view, &m->actor,
                                LACP_STATE_AGGREGATION)) {
        state &= ~LACP_STATE_SYNC;
    }
    return state;
}

static void
run_receive(struct lacp_member *m, uint64_t now)
{
    if (m->status == LACP_CURRENT && now >= m->current_while) {
        m->status = LACP_EXPIRED;
        m->current_while = now + SHORT_TIMEOUT_USEC;
    } else if (m->status == LACP_EXPIRED && now >= m->current_while) {
        member_set_defaulted(m);
    }
}

/* Selection and mux. */

/* True if member 'a' has a better (lower) port priority, then number, than
 * 'b'. */
static bool
port_better(const struct lacp_member *a, const struct lacp_member *b)
{
    if (a->s.port_priority != b->s.port_priority) {
        return a->s.port_priority < b->s.port_priority;
    }
    return a->s.port_number < b->s.port_number;
}

/* May member 'm' join an aggregator?  Not if its partner is our own
 * system: a loop between two members of the team. */
static bool
member_candidate(const struct lacp *lacp, const struct lacp_member *m)
{
    return (m->present && m->link && m->status == LACP_CURRENT
            && (m->partner.state & LACP_STATE_AGGREGATION)
            && memcmp(m->partner.sys_id, lacp->s.sys_id, ETH_ADDR_LEN));
}

/* Chooses the aggregator: returns the slot of the member whose partner is
 * the aggregator's (the best port of the largest group), or -1. */
static int
select_aggregator(const struct lacp *lacp)
{
    int best = -1;
    int best_count = 0;

    for (int i = 0; i < LACP_MAX_MEMBERS; i++) {
        const struct lacp_member *m = &lacp->members[i];
        int lead = i;
        int count = 0;

        if (!member_candidate(lacp, m)) {
            continue;
        }
        for (int j = 0; j < LACP_MAX_MEMBERS; j++) {
            const struct lacp_member *o = &lacp->members[j];

            if (member_candidate(lacp, o)
                && same_system(&o->partner, &m->partner)) {
                count++;
                if (port_better(o, &lacp->members[lead])) {
                    lead = j;
                }
            }
        }
        if (count > best_count
            || (count == best_count
                && port_better(&lacp->members[lead],
                               &lacp->members[best]))) {
            best = lead;
            best_count = count;
        }
    }
    return best;
}

/* What member 'm' says about itself. */
static void
actor_fill(const struct lacp *lacp, const struct lacp_member *m,
           bool collecting, struct lacp_info *a)
{
    a->sys_priority = lacp->s.sys_priority;
    memcpy(a->sys_id, lacp->s.sys_id, ETH_ADDR_LEN);
    a->key = lacp->s.key;
    a->port_priority = m->s.port_priority;
    a->port_number = m->s.port_number;
    a->state = LACP_STATE_AGGREGATION;
    if (lacp->s.active) {
        a->state |= LACP_STATE_ACTIVITY;
    }
    if (lacp->s.fast) {
        a->state |= LACP_STATE_TIMEOUT;
    }
    if (m->selected) {
        a->state |= LACP_STATE_SYNC;
    }
    if (collecting) {
        a->state |= LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;
    }
    if (m->status == LACP_DEFAULTED) {
        a->state |= LACP_STATE_DEFAULTED;
    } else if (m->status == LACP_EXPIRED) {
        a->state |= LACP_STATE_EXPIRED;
    }
}

/* Runs selection and the mux over every member: sets 'selected', 'actor',
 * 'carries' and 'why', and the team's status. */
static void
run_select(struct lacp *lacp)
{
    unsigned int min_links = lacp->s.min_links ? lacp->s.min_links : 1;
    bool in_sync[LACP_MAX_MEMBERS];
    unsigned int n_sync = 0;
    unsigned int n_carry = 0;
    bool any_partner = false;
    bool any_link = false;
    int agg = select_aggregator(lacp);

    for (int i = 0; i < LACP_MAX_MEMBERS; i++) {
        struct lacp_member *m = &lacp->members[i];

        in_sync[i] = false;
        if (!m->present) {
            continue;
        }
        any_link |= m->link;
        any_partner |= m->link && m->status != LACP_DEFAULTED;
        m->selected = (agg >= 0 && member_candidate(lacp, m)
                       && same_system(&m->partner,
                                      &lacp->members[agg].partner));
        /* partner_state() compares the partner's view with our identity
         * and AGGREGATION bit, which the mux does not change: the actor
         * may be filled before the mux has run. */
        actor_fill(lacp, m, false, &m->actor);
        if (m->selected && (partner_state(m) & LACP_STATE_SYNC)) {
            in_sync[i] = true;
            n_sync++;
        }
    }

    for (int i = 0; i < LACP_MAX_MEMBERS; i++) {
        struct lacp_member *m = &lacp->members[i];
        bool collecting = in_sync[i] && n_sync >= min_links;

        if (!m->present) {
            continue;
        }
        actor_fill(lacp, m, collecting, &m->actor);
        m->carries = (collecting
                      && (partner_state(m) & LACP_STATE_COLLECTING));
        if (!m->link) {
            m->why = LACP_WHY_LINK_DOWN;
        } else if (m->carries) {
            m->why = LACP_WHY_NONE;
        } else if (m->status != LACP_CURRENT) {
            m->why = LACP_WHY_NO_PARTNER;
        } else if (!(m->partner.state & LACP_STATE_AGGREGATION)) {
            m->why = LACP_WHY_INDIVIDUAL;
        } else if (!m->selected) {
            m->why = LACP_WHY_OTHER_PARTNER;
        } else if (in_sync[i] && !collecting) {
            m->why = LACP_WHY_MIN_LINKS;
        } else {
            m->why = LACP_WHY_PARTNER_NOT_READY;
        }
        n_carry += m->carries;
    }

    if (!any_partner && lacp->s.fallback && any_link) {
        lacp->status = LACP_FALLBACK;
        for (int i = 0; i < LACP_MAX_MEMBERS; i++) {
            struct lacp_member *m = &lacp->members[i];

            if (m->present && m->link) {
                m->carries = true;
                m->why = LACP_WHY_NONE;
            }
        }
    } else {
        lacp->status = n_carry ? LACP_NEGOTIATED : LACP_DOWN;
    }
}

/* Periodic and need-to-transmit. */

static void
run_transmit(struct lacp *lacp, int slot, uint64_t now, lacp_send_cb *send,
             void *aux)
{
    struct lacp_member *m = &lacp->members[slot];
    uint8_t partner = partner_state(m);
    uint64_t interval;
    uint64_t oldest;
    struct lacp_info pinfo;
    uint8_t frame[LACP_PDU_LEN];

    if (!m->link) {
        return;
    }
    if (!(m->actor.state & LACP_STATE_ACTIVITY)
        && !(partner & LACP_STATE_ACTIVITY)) {
        m->ntt = false;         /* Passive meets passive: no word. */
        return;
    }
    if (!m->sent_once || !info_equal(&m->last_sent, &m->actor)) {
        m->ntt = true;
    }
    interval = (partner & LACP_STATE_TIMEOUT ? FAST_PERIODIC_USEC
                : SLOW_PERIODIC_USEC);
    if (m->sent_once && now >= m->last_tx + interval) {
        m->ntt = true;
    }
    oldest = m->tx_times[m->tx_next];
    if (!m->ntt || (oldest && now < oldest + USEC_PER_SEC)) {
        return;
    }

    /* The partner as we see it: a partner whose view of us is stale reads
     * here that we do not believe its synchronization, and answers. */
    pinfo = m->partner;
    pinfo.state = partner;
    lacp_pdu_build(frame, m->s.mac, &m->actor, &pinfo);
    send(slot, frame, sizeof frame, aux);
    m->pdus_sent++;
    m->ntt = false;
    m->sent_once = true;
    m->last_sent = m->actor;
    m->last_tx = now;
    m->tx_times[m->tx_next] = now ? now : 1;
    m->tx_next = (m->tx_next + 1) % TX_BURST;
}

bool
lacp_run(struct lacp *lacp, uint64_t now_usec, lacp_send_cb *send, void *aux)
{
    bool changed;

    for (int i = 0; i < LACP_MAX_MEMBERS; i++) {
        struct lacp_member *m = &lacp->members[i];

        if (m->present && m->link) {
            run_receive(m, now_usec);
        }
    }
    run_select(lacp);
    for (int i = 0; i < LACP_MAX_MEMBERS; i++) {
        if (lacp->members[i].present) {
            run_transmit(lacp, i, now_usec, send, aux);
        }
    }

    changed = !lacp->reported || lacp->status != lacp->last_status;
    for (int i = 0; i < LACP_MAX_MEMBERS; i++) {
        bool carries = lacp->members[i].present && lacp->members[i].carries;

        changed |= carries != lacp->last_carries[i];
        lacp->last_carries[i] = carries;
    }
    lacp->reported = true;
    lacp->last_status = lacp->status;
    return changed;
}

/* Queries. */

bool
lacp_member_carries(const struct lacp *lacp, int slot)
{
    return (slot >= 0 && slot < LACP_MAX_MEMBERS
            && lacp->members[slot].present && lacp->members[slot].carries);
}

enum lacp_status
lacp_status(const struct lacp *lacp)
{
    return lacp->status;
}

void
lacp_member_view(const struct lacp *lacp, int slot,
                 struct lacp_member_view *v)
{
    const struct lacp_member *m;

    memset(v, 0, sizeof *v);
    if (slot < 0 || slot >= LACP_MAX_MEMBERS
        || !lacp->members[slot].present) {
        return;
    }
    m = &lacp->members[slot];
    v->present = true;
    v->status = m->status;
    v->why = m->why;
    v->selected = m->selected;
    v->actor = m->actor;
    v->partner = m->partner;
    if (m->status != LACP_DEFAULTED) {
        v->partner.state = partner_state(m);
    }
    v->pdus_sent = m->pdus_sent;
    v->pdus_received = m->pdus_received;
    v->pdus_bad = m->pdus_bad;
    v->last_rx_usec = m->last_rx_usec;
}

void
lacp_actor(const struct lacp *lacp, struct lacp_info *a)
{
    memset(a, 0, sizeof *a);
    a->sys_priority = lacp->s.sys_priority;
    memcpy(a->sys_id, lacp->s.sys_id, ETH_ADDR_LEN);
    a->key = lacp->s.key;
    a->state = LACP_STATE_AGGREGATION;
    if (lacp->s.active) {
        a->state |= LACP_STATE_ACTIVITY;
    }
    if (lacp->s.fast) {
        a->state |= LACP_STATE_TIMEOUT;
    }
}

/* Names. */

static const char *const status_names[] = {
    [LACP_NEGOTIATED] = "negotiated", [LACP_FALLBACK] = "fallback",
    [LACP_DOWN] = "down",
};

static const char *const member_status_names[] = {
    [LACP_CURRENT] = "current", [LACP_EXPIRED] = "expired",
    [LACP_DEFAULTED] = "defaulted",
};

static const char *const why_names[] = {
    [LACP_WHY_NONE] = "", [LACP_WHY_LINK_DOWN] = "link-down",
    [LACP_WHY_NO_PARTNER] = "no-partner",
    [LACP_WHY_OTHER_PARTNER] = "other-partner",
    [LACP_WHY_INDIVIDUAL] = "individual",
    [LACP_WHY_PARTNER_NOT_READY] = "partner-not-ready",
    [LACP_WHY_MIN_LINKS] = "min-links",
};

static const char *
name_of(const char *const *names, size_t n, unsigned int i)
{
    return i < n && names[i] ? names[i] : "unknown";
}

const char *
lacp_status_name(enum lacp_status s)
{
    return name_of(status_names, ARRAY_SIZE(status_names), s);
}

const char *
lacp_member_status_name(enum lacp_member_status s)
{
    return name_of(member_status_names, ARRAY_SIZE(member_status_names), s);
}

const char *
lacp_why_name(enum lacp_why why)
{
    return name_of(why_names, ARRAY_SIZE(why_names), why);
}

void
lacp_state_format(uint8_t state, char *buf, size_t size)
{
    static const char *const bits[8] = {
        "activity", "timeout", "aggregation", "synchronization",
        "collecting", "distributing", "defaulted", "expired",
    };
    size_t len = 0;

    if (!size) {
        return;
    }
    buf[0] = '\0';
    for (int i = 0; i < 8; i++) {
        if (state & (1u << i)) {
            int n = snprintf(buf + len, size - len, "%s%s",
                             len ? "," : "", bits[i]);

            if (n < 0 || (size_t) n >= size - len) {
                buf[len] = '\0';   /* Cut before the name that does not
                                     * fit. */
                return;
            }
            len += n;
        }
    }
}
