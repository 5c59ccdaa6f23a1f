/* datapath-private: the datapath's internal structures, shared by the
 * control side (datapath.c, dp-memory.c) and the threads (dp-thread.c, and
 * the pipeline stages through dp-pipeline.h).  Nothing outside the
 * datapath includes it.
 *
 * Thread-safety: as documented on each structure and member. */
#ifndef VSWITCH_DATAPATH_PRIVATE_H
#define VSWITCH_DATAPATH_PRIVATE_H 1

#include <linux/if_packet.h>
#include <sys/epoll.h>
#include <pthread.h>
#include <sys/socket.h>
#include "datapath.h"
#include "link-watch.h"
#include "netdev-memory.h"
#include "netdev-packet.h"
#include "packet.h"
#include "rcu.h"
#include "team-hash.h"
#include "team-map.h"
#include "util.h"

/* Slots of a thread's serial -> pfds index table: a power of 2, at least
 * twice DATAPATH_MAX_PORTS. */
#define DP_SERIAL_SLOTS 2048
/* Frames taken from one socket per system call. */
#define DP_BATCH 32
/* Output frames queued before a flush (a batch flooded to many ports). */
#define DP_TX_MAX 512
/* Learning requests a thread can queue before the control thread runs. */
#define DP_LEARN_RING 1024
/* LACPDUs a thread can queue before the control thread runs. */
#define DP_SLOW_RING 64
#define DP_RX_SLOT (NETDEV_VNET_HDR_LEN + NETDEV_MAX_FRAME)
#define DP_AUX_SPACE CMSG_SPACE(sizeof(struct tpacket_auxdata))

/* Frames from a local port that went into a team are remembered, so that
 * when upstream floods them back to us they are known as reflections, also
 * before their source is learned.  A learned station keeps the time in its
 * MAC entry ('team_tx'); one whose learning is still queued is remembered
 * here.  Within DP_REFLECT_TICKS (mac_tick() units, ~16 ms each) of its last
 * frame into a team, a station's address coming back from the team is its
 * own frame reflected; later, it is a station really there. */
#define DP_REFLECT_TICKS 16
#define DP_PENDING_SLOTS 1024      /* Power of 2. */

/* A station seen within this many seconds where it is learned is alive
 * there: a frame from the other side of a team with its address does not
 * move it (see learn_allowed() in datapath.c). */
#define DP_ALIVE_SECS 3

struct dp_bridge {
    struct dp_bridge *next;        /* In datapath's list; control only. */
    uint32_t id;                   /* Unique for the daemon's lifetime. */
    char name[16];                 /* For debugging. */
    struct mac_table *macs;        /* Owned.  RCU-readable. */
    uint64_t pending[DP_PENDING_SLOTS]; /* Not yet learned local sources
                                    * sent into a team: a 32-bit hash of
                                    * (VLAN, MAC) above the mac_tick() of the
                                    * last frame; 0 = empty.  Written and read
                                    * by datapath threads, one relaxed 64-bit
                                    * store or load each. */
};

/* A port: long-lived, owned by the datapath.  Settings and device are
 * copied into each snapshot; only the counters are written after
 * publication, with atomics, once per batch. */
struct dp_port {
    struct dp_port *next;          /* In datapath's list, or in its list
                                    * of removed ports waiting for the
                                    * next publication; control only. */
    struct dp_port *prev;          /* In datapath's list; control only. */
    struct dp_port *hash_next;     /* In datapath's port_no hash; control
                                    * only. */
    uint32_t port_no;              /* Unique for the daemon's lifetime. */
    char name[IF_NAMESIZE];        /* Device name. */
    struct dp_bridge *bridge;      /* Borrowed: its bridge. */
    struct dp_port_settings settings; /* Control thread's copy. */
    struct vlan_port vlan;         /* VLAN rules made from 'settings';
                                    * control thread's copy. */
    struct port_policy policy;     /* Control thread's copy. */
    bool guard_tripped;            /* BPDU guard blocked the port: set by a
                                    * datapath thread, cleared by the
                                    * control thread (relaxed atomics). */
    bool guard_reported;           /* The control thread told its guard
                                    * function of this trip; control
                                    * only. */
    struct netdev_packet *dev;     /* Owned, NULL when detached.  Closed
                                    * after a grace period. */
    struct rcu_head rcu_head;      /* For the deferred free. */
    uint64_t stats[DP_N_STATS];    /* rx pkts, rx bytes, tx pkts, tx bytes,
                                    * drops: atomic adds by any thread. */
    struct dp_team *team;          /* Owned; non-NULL for a team port. */
    struct dp_view *view;          /* Owned: its view in the published
                                    * snapshot, NULL before the first; kept
                                    * by the next snapshot if unchanged
                                    * (publish_now()).  Control only. */
    bool view_stale;               /* Something 'view' shows may have
                                    * changed (dp_publish_port()): the next
                                    * publication makes it again.  Control
                                    * only. */
    uint64_t team_tx_bytes;        /* Bytes this port sent into its
                                    * bridge's team (src-port load); written
                                    * by the thread that reads the port. */

    /* The policy stages' state (dp-policy.c); the settings are in the
     * views.  Policers are virtual-time buckets (GCRA): a bucket stores the
     * time, in DP_POLICY_TICK units, at which it is full again. */
    uint64_t rate_out_tat;         /* rate-out's bucket: charged by the one
                                    * thread that reads the port (relaxed
                                    * load and store). */
    uint64_t storm_tat;            /* storm-limit's bucket: as
                                    * 'rate_out_tat'. */
    uint64_t rate_in_tat;          /* rate-in's bucket: charged by any
                                    * thread that sends to the port
                                    * (compare-and-swap). */
    uint32_t n_macs;               /* Dynamic MAC entries learned on the
                                    * port: written by the control thread
                                    * (mac-table.c's count hook), read by
                                    * datapath threads (relaxed). */
};

/* The assignment of a team, as the datapath reads it: immutable once
 * published, except 'first_use_usec'. */
struct dp_team_map {
    struct rcu_head rcu_head;      /* For the deferred free. */
    const struct team_policy_class *cls; /* Distribution policy. */
    enum team_hash_fields fields;  /* For TEAM_POLICY_HASH. */
    bool switch_independent;       /* Apply the receive rules. */
    uint32_t usable;               /* Bit per member slot: may carry. */
    int designated;                /* Receives floods, or TEAM_NONE. */
    int active;                    /* active-backup's member. */
    int8_t bucket[TEAM_BUCKETS];   /* Bucket -> member slot. */
    int8_t order[TEAM_MAX_MEMBERS]; /* Member slots in failover order. */
    int n_order;                   /* Entries in 'order'. */
    bool fast_down;                /* The link watcher takes a member that
                                    * loses its link out of use at once (no
                                    * down delay). */
    bool lacp;                     /* Divert the members' LACPDUs. */
    uint32_t collecting;           /* With 'lacp': bit per member slot whose
                                    * frames are taken in. */
    uint64_t published_usec;       /* When the control thread published. */
    uint64_t first_use_usec;       /* When a datapath thread first used it;
                                    * written once, by any thread. */
    /* Where each item was before it last moved, while a frame from
     * upstream may still arrive there (DP_TEAM_MOVE_GRACE_USEC after the
     * move): the receive rules accept unicast to a station on its item's
     * previous member too.  TEAM_NONE, or an 'until' in the past: none. */
    int prev_active;               /* 'active' before. */
    uint64_t prev_active_until;    /* dp_now_usec() the grace ends. */
    int8_t prev_bucket[TEAM_BUCKETS]; /* 'bucket' before. */
    uint64_t prev_bucket_until[TEAM_BUCKETS];
    size_t n_ports;                /* Entries in 'ports'. */
    struct dp_team_port {
        uint32_t port_no;          /* A VM port of the bridge. */
        int slot;                  /* Its member (src-port). */
        int prev_slot;             /* Its member before. */
        uint64_t prev_until;       /* When that grace ends. */
    } ports[];                     /* Sorted by port_no. */
};

/* One member device of a team. */
struct dp_team_member {
    bool present;                  /* Slot in use (control only). */
    char name[IF_NAMESIZE];        /* Device name (control only). */
    struct netdev_packet *dev;     /* Owned, NULL when detached. */
    uint64_t stats[DP_N_STATS];    /* As dp_port's. */
    int down_ifindex;              /* The link watcher saw the device of
                                    * this index lose its link: while it is
                                    * the member's device, the datapath
                                    * does not use the member.  0 = not
                                    * seen.  Set by the link watcher's
                                    * thread, cleared by the control
                                    * thread once it saw the link back
                                    * (relaxed atomics); read by datapath
                                    * threads. */
};

struct dp_team {
    struct dp_team_map *map;       /* RCU-protected; control publishes. */
    struct dp_team_member members[TEAM_MAX_MEMBERS]; /* By slot. */
    uint64_t bucket_bytes[TEAM_BUCKETS]; /* Bytes sent per bucket: load for
                                    * rebalancing.  Plain read-modify-write
                                    * by datapath threads: approximate when
                                    * several threads hit one bucket. */
};

/* One port as the datapath sees it in a snapshot: immutable, and shared
 * by successive snapshots while the port does not change, so a snapshot
 * costs a pointer per port, not a copy of every port. */
struct dp_view {
    struct dp_port *port;          /* Borrowed, RCU-protected lifetime. */
    struct dp_bridge *bridge;      /* Borrowed, RCU-protected lifetime. */
    int fd;                        /* Socket, or -1 when detached or in
                                    * memory (always -1 for a team). */
    struct dp_team *team;          /* The port's team, or NULL. */
    int member_fd[TEAM_MAX_MEMBERS]; /* Team members' sockets, or -1. */
    int tx_fd;                     /* Socket to send on, or -1 (as fd). */
    int member_tx_fd[TEAM_MAX_MEMBERS]; /* Members' sockets to send on. */
    uint64_t fd_serial;            /* netdev_packet serial of 'fd'. */
    uint64_t member_serial[TEAM_MAX_MEMBERS]; /* Of 'member_fd'. */
    int member_ifindex[TEAM_MAX_MEMBERS]; /* Their devices, or 0. */
    uint8_t member_mac[TEAM_MAX_MEMBERS][ETH_ADDR_LEN]; /* Their MACs. */
    bool can_send;                 /* Has a device, or is a team with at
                                    * least one attached member. */
    uint32_t port_no;              /* Copy of port->port_no. */
    struct vlan_port vlan;         /* Copy of port->vlan: its VLAN rules. */
    struct port_policy policy;     /* Copy of port->policy. */
    /* Made from 'policy' by dp_policy_view_init() (dp-policy.c): */
    bool policy_in;                /* Ingress has checks beyond the MAC
                                    * limit's. */
    bool policy_out;               /* Egress has checks. */
    bool blocked;                  /* Disabled, or its BPDU guard tripped
                                    * when the snapshot was made: nothing
                                    * goes out on it. */
    bool isolated;                 /* policy.isolated, and not a team. */
    uint64_t rate_in_cpb;          /* rate-in: a byte's cost, in 2^-32
                                    * DP_POLICY_TICKs; 0 = no limit. */
    uint64_t rate_in_depth;        /* rate-in bucket's depth, in ticks. */
    uint64_t rate_out_cpb;         /* As 'rate_in_cpb', for rate-out. */
    uint64_t rate_out_depth;       /* As 'rate_in_depth', for rate-out. */
    uint64_t storm_cost;           /* storm-limit: a frame's cost in ticks;
                                    * 0 = no limit. */
    uint64_t storm_depth;          /* Its bucket's depth, in ticks. */
    /* In-memory devices (tests), last: read only where the matching
     * socket is -1, so frames between sockets never touch them. */
    struct netdev_memory *mem;     /* The port's, or NULL; RCU-protected
                                    * lifetime, like the sockets. */
    struct netdev_memory *member_mem[TEAM_MAX_MEMBERS]; /* Members'. */
};

/* True if member 'slot' of team view 'v' has a device (a socket, or an
 * in-memory one). */
static inline bool
dp_view_member_attached(const struct dp_view *v, int slot)
{
    return v->member_fd[slot] >= 0 || v->member_mem[slot];
}

/* A team member's device, for the link watcher. */
struct dp_watch {
    int ifindex;                   /* The member's device. */
    int slot;                      /* The member's slot. */
    struct dp_team *team;          /* Its team (RCU-protected lifetime). */
};

/* A port's place in a snapshot. */
struct dp_entry {
    const struct dp_view *view;    /* The port's view. */
    uint32_t port_no;              /* view->port_no, for the lookups. */
    uint32_t first, count;         /* Range of its bridge's entries in the
                                    * snapshot, sorted by port_no. */
};

/* The published ports.  Entries of one bridge are contiguous. */
struct dp_snapshot {
    struct rcu_head rcu_head;      /* For the deferred free. */
    uint64_t gen;                  /* Generation, increases by one. */
    size_t n_watch;                /* Entries in 'watch'. */
    struct dp_watch *watch;        /* Every attached team member (in the
                                    * same allocation, after 'entries'). */
    size_t n;                      /* Number of entries. */
    struct dp_entry entries[];     /* The ports. */
};

/* A port's view (dp-view.c).  dp_view_get() returns port 'p''s view as
 * it is now: 'p->view' if that is still right (byte for byte), else a new
 * one, or NULL when out of memory.  dp_view_retire() frees a view no
 * snapshot shows any more after a grace period, dp_view_free() at once;
 * both accept NULL. */
struct dp_view *dp_view_get(struct dp_port *p);
void dp_view_retire(struct dp_view *);
void dp_view_free(struct dp_view *);

/* The entry of port 'p' in 'snap', or NULL if 'p' is not published yet. */
static inline const struct dp_entry *
dp_snapshot_entry_of(const struct dp_snapshot *snap, const struct dp_port *p)
{
    for (size_t i = 0; i < snap->n; i++) {
        if (snap->entries[i].view->port == p) {
            return &snap->entries[i];
        }
    }
    return NULL;
}

struct dp_learn {
    uint32_t bridge_id;            /* Bridge the frame arrived on. */
    uint32_t port_no;              /* Port the source was seen on. */
    bool announce;                 /* The frame was a gratuitous ARP or a
                                    * RARP (a station announcing a move). */
    uint16_t vlan;                 /* VLAN of the frame. */
    uint8_t mac[ETH_ADDR_LEN];     /* Source address. */
};

/* A slow-protocol frame for the control thread. */
struct dp_slow {
    uint32_t port_no;              /* The team it arrived on. */
    int slot;                      /* The member. */
    uint16_t len;                  /* Bytes in 'frame'. */
    uint8_t frame[DATAPATH_SLOW_LEN]; /* Its first bytes. */
};

/* A frame queued for output: points into the receive buffer. */
struct dp_tx {
    const struct dp_view *out;     /* Output port view (snapshot). */
    int fd;                        /* Socket to send on, or -1... */
    struct netdev_memory *mem;     /* ...for this in-memory device. */
    uint64_t *member_stats;        /* Team member's counters, or NULL. */
    struct virtio_net_hdr vnet;    /* Offload header, adjusted for the tag. */
    uint8_t tag[VLAN_HEADER_LEN];  /* The tag to insert, if iov[2] used. */
    struct iovec iov[4];           /* vnet, MACs, tag, rest. */
    int n_iov;                     /* Used entries of iov. */
    size_t len;                    /* Frame length on the wire. */
};

struct dp_thread {
    struct datapath *dp;           /* Owner. */
    unsigned int id;               /* Index, 0-based. */
    pthread_t thread;              /* The thread. */
    int kick_fd;                   /* eventfd: snapshot changed or exit. */

    /* Learning ring: single producer (this thread), single consumer (the
     * control thread). */
    struct dp_learn ring[DP_LEARN_RING]; /* Requests. */
    uint32_t ring_head;            /* Next write; written by producer. */
    uint32_t ring_tail;            /* Next read; written by consumer. */
    /* Slow-protocol ring: as the learning ring. */
    struct dp_slow slow[DP_SLOW_RING]; /* LACPDUs. */
    uint32_t slow_head;            /* Next write; written by producer. */
    uint32_t slow_tail;            /* Next read; written by consumer. */

    /* Everything below is private to the thread. */
    uint64_t gen;                  /* Snapshot generation of 'pfds'. */
    /* The sockets the thread serves are registered with 'epfd', each under
     * its netdev_packet serial (the kick_fd under 0), so that a wake-up
     * costs what is ready, not what is there (poll() over 256 sockets cost
     * more than the frames).  pfds[i] and pserial[i] are what is
     * registered; 'pidx' maps a serial to its index i. */
    int epfd;                      /* epoll instance, or -1. */
    struct epoll_event evs[DATAPATH_MAX_PORTS + 1]; /* epoll_wait()'s. */
    int pfds[DATAPATH_MAX_PORTS];  /* Ports' sockets. */
    uint64_t pserial[DATAPATH_MAX_PORTS]; /* pfds' serials. */
    bool pmuted[DATAPATH_MAX_PORTS]; /* Registered with no events (quiet). */
    size_t n_quiet;                /* Entries of pquiet that are not 0. */
    struct dp_pfd_old {            /* Scratch of a rebuild: what was. */
        int fd;
        bool muted;
        uint64_t serial;
        uint64_t quiet;
    } pold[DATAPATH_MAX_PORTS];
    struct dp_serial_index *pidx;  /* Serial -> index, for pfds. */
    struct dp_serial_index *pidx_old; /* The other one (for a rebuild). */
    struct dp_serial_index {
        uint64_t serial[DP_SERIAL_SLOTS]; /* 0 = free. */
        uint16_t index[DP_SERIAL_SLOTS];
    } pidx_mem[2];
    const struct dp_entry *pentries[DATAPATH_MAX_PORTS]; /* pfds' ports. */
    int pslots[DATAPATH_MAX_PORTS];   /* Team member slot of pfds, or -1. */
    uint64_t pquiet[DATAPATH_MAX_PORTS]; /* pfds entry not polled before
                                    * this time (dp_now_usec()), 0 = polled:
                                    * a port storming past its storm-limit
                                    * (see DP_STORM_QUIET_USEC). */
    size_t n_pfds;                 /* Port entries in pfds. */
    uint64_t awake_until;          /* dp_now_usec() until which epoll_wait()
                                    * does not sleep (the poll window after
                                    * the last frame received). */
    uint8_t *rx_buf;               /* DP_BATCH slots of DP_RX_SLOT. */
    struct mmsghdr rx_msgs[DP_BATCH];
    struct iovec rx_iov[DP_BATCH];
    uint8_t rx_aux[DP_BATCH][DP_AUX_SPACE];
    struct dp_tx tx[DP_TX_MAX];
    size_t n_tx;
    bool tx_done[DP_TX_MAX];
    struct mmsghdr tx_msgs[DP_TX_MAX];
    size_t tx_lens[DP_TX_MAX];     /* Wire length of each tx_msgs entry. */
};

struct datapath {
    struct dp_snapshot *snap;      /* RCU-protected.  Control writes. */
    uint64_t gen;                  /* Last published generation. */
    struct dp_bridge *bridges;     /* Control only. */
    struct dp_port *ports;         /* Control only.  In the snapshot's
                                    * order: by bridge id, then port_no. */
    struct dp_port *ports_tail;    /* Its last port (control only). */
    struct dp_port **port_hash;    /* By port_no: chains through
                                    * 'hash_next'; control only. */
    size_t port_hash_mask;         /* Buckets minus one (power of 2). */
    size_t n_ports;                /* Ports in 'ports'. */
    unsigned int txn_depth;        /* datapath_txn_begin() nesting. */
    bool publish_pending;          /* Changed since the last snapshot. */
    bool views_stale;              /* A change no port was named for
                                    * (datapath_publish()): the next
                                    * publication checks every view. */
    struct dp_port *removed_ports; /* Freed after the next publication
                                    * (chained through 'next'). */
    struct netdev_packet *retired_devs; /* Closed after the next
                                    * publication (chained through
                                    * 'retired_next'). */
    uint32_t next_port_no;         /* Control only. */
    uint32_t next_bridge_id;       /* Control only. */
    int learn_fd;                  /* eventfd: learning requests queued. */
    bool exiting;                  /* Set once, read by threads. */
    unsigned int n_threads;        /* Number of threads. */
    unsigned int thread_sockets[DATAPATH_MAX_THREADS]; /* Sockets of the
                                    * devices published for the ports each
                                    * thread serves (dp_thread_of()), at
                                    * most DATAPATH_MAX_PORTS; control
                                    * only. */
    bool busy_poll;                /* Threads spin instead of sleeping. */
    uint64_t poll_window_usec;     /* Spin this long after a frame. */
    struct dp_thread *threads[DATAPATH_MAX_THREADS]; /* Owned. */
    struct dp_thread *inject;      /* Owned, or NULL: runs the pipeline on
                                    * the control thread for frames pushed
                                    * into in-memory devices (tests);
                                    * created with the first one. */
    uint64_t clock_usec;           /* The test clock (time_usec() units),
                                    * or 0 for the real one: see
                                    * dp_now_usec(). */
    datapath_learn_filter *learn_filter; /* Consulted for moves onto a
                                    * team; control only. */
    void *learn_filter_aux;        /* For learn_filter. */
    datapath_slow_func *slow_func; /* Takes the LACPDUs; control only. */
    void *slow_func_aux;           /* For slow_func. */
    datapath_guard_func *guard_func; /* Told of BPDU guard trips; control
                                    * only. */
    void *guard_func_aux;          /* For guard_func. */
    bool guard_pending;            /* A datapath thread tripped a BPDU
                                    * guard since the control thread last
                                    * looked (relaxed atomics). */
    struct link_watch link_watch;  /* Takes team members that lose their
                                    * link out of use (dp-thread.c's
                                    * dp_link_changed()). */
};

/* The datapath thread that serves the sockets of port 'port_no' and of its
 * team members. */
static inline unsigned int
dp_thread_of(const struct datapath *dp, uint32_t port_no)
{
    return port_no % dp->n_threads;
}

/* Counts 'dev' (just published, or 'delta' -1: leaving the snapshots), of
 * port 'p' or one of its members, in the sockets of the thread that serves
 * 'p' (dp->thread_sockets).  In-memory devices have no socket. */
static inline void
dp_count_socket(struct datapath *dp, const struct dp_port *p,
                const struct netdev_packet *dev, int delta)
{
    if (dev && dev->fd >= 0) {
        dp->thread_sockets[dp_thread_of(dp, p->port_no)] += delta;
    }
}

/* The datapath's clock: time_usec(), or the test clock when a test set one
 * (datapath_set_clock()). */
static inline uint64_t
dp_now_usec(const struct datapath *dp)
{
    uint64_t usec = CMM_LOAD_SHARED(dp->clock_usec);

    return OVS_UNLIKELY(usec) ? usec : time_usec();
}

/* Publishes the control thread's lists now, or at the end of the
 * transaction under way (datapath.c).  Returns 0, or -ENOMEM when the new
 * snapshot cannot be allocated (then the change stays pending and the
 * threads keep the previous snapshot). */
int datapath_publish(struct datapath *);
/* The same for a change to port 'changed' only, or with NULL to no port's
 * view (a port added or removed): the other ports keep their views without
 * a look, so a publication costs O(1) per port that did not change. */
int dp_publish_port(struct datapath *, struct dp_port *changed);

/* For dp-team.c (datapath.c): */
/* Gives 'p' the VLAN settings 's', and the rules made of them. */
void dp_port_set_settings(struct dp_port *p, const struct dp_port_settings *);
/* Links new port 'p' and publishes it.  Returns 0, or -ENOMEM: then 'p' is
 * taken out again and freed, and the datapath is as it was. */
int dp_port_link_publish(struct datapath *, struct dp_port *p);
/* For dp-team.c and datapath.c (dp-devices.c): */
/* Opens device 'name' as '*devp' (unless open already), the port's or one
 * of its team members', and publishes it.  Returns 0 or a negative errno
 * with a reason in 'err': -ENOSPC if the thread that serves 'p' serves
 * DATAPATH_MAX_PORTS sockets already, -ENOMEM if it could not be published
 * (then it is closed again), netdev_packet_open()'s errors. */
int dp_open_dev(struct datapath *, struct dp_port *p, const char *name,
                struct netdev_packet **devp, char *err, size_t err_size);
/* Takes '*devp', of 'p' or one of its members, out of the datapath (closed
 * after a grace period), adding its last kernel counts to 'stats' and
 * 'team_stats' (may be NULL). */
void dp_retire_dev(struct datapath *, struct dp_port *p,
                   struct netdev_packet **devp, uint64_t *stats,
                   uint64_t *team_stats);
/* For datapath.c (dp-grave.c): */
/* Hands what the snapshot just replaced still referred to (removed ports,
 * retired devices) to call_rcu, to be closed and freed after a grace
 * period. */
void dp_bury(struct datapath *);
/* Reads the counters 'stats' into 's'. */
void dp_stats_read(const uint64_t *stats, struct dp_port_stats *s);

/* The thread body (dp-thread.c). */
void *dp_thread_main(void *thread);
/* Runs the pipeline on the 'n' frames received in 't''s buffers from
 * port 'in' (member 'slot' of a team, or -1), at 'now_usec' (dp-thread.c).
 * Returns how many of them the storm limit dropped. */
int dp_thread_process_rcu(struct dp_thread *t,
                          const struct dp_snapshot *snap,
                          const struct dp_entry *in, int slot, int n,
                          uint64_t now_usec);
/* Runs frame 'frame' of 'len' bytes, from port 'in' (member 'slot' of a
 * team, or -1), through the pipeline at 'now_usec' as a trace
 * (dp-trace.h): the stages record their decisions in 'trace' and leave
 * out their side effects; nothing is sent (dp-thread.c).  Returns the
 * verdict. */
struct dp_trace;
int dp_thread_trace_rcu(const struct dp_snapshot *snap,
                        const struct dp_entry *in, int slot,
                        const uint8_t *frame, size_t len, uint64_t now_usec,
                        struct dp_trace *trace);
/* The link watcher's callback (dp-thread.c): 'aux' is the datapath. */
void dp_link_changed(int ifindex, bool carrier, bool removed, void *aux);

/* The set of sockets a datapath thread serves (dp-sockets.c). */
int dp_sockets_init(struct dp_thread *);
void dp_sockets_fini(struct dp_thread *);
void dp_sockets_rebuild(struct dp_thread *, const struct dp_snapshot *);
int dp_sockets_index(const struct dp_thread *, uint64_t serial);
int dp_sockets_mute(struct dp_thread *);
void dp_sockets_quiet(struct dp_thread *, int i, uint64_t now);

#endif /* datapath-private.h */
