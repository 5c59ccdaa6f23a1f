/* datapath: the switching threads and the forwarding state they read.
 *
 * Owns the datapath threads, the bridges' forwarding state (each bridge's MAC
 * table) and the ports (their packet sockets and counters).  The control
 * thread creates and changes bridges and ports through this interface; each
 * change builds a new immutable snapshot of the port view (every port's
 * bridge, VLAN mode and device) and publishes it with RCU, then wakes the
 * threads so they watch the new set of sockets.  Threads never wait for the
 * control thread.
 *
 * Each datapath thread owns the receive side of a share of the ports (port
 * number modulo thread count), its sockets registered with an epoll
 * instance of its own (a new snapshot registers and unregisters only what
 * changed, so a wake-up costs the sockets that are ready, not all of them).
 * Its loop: epoll_wait(), take a batch of frames from each ready socket
 * (recvmmsg), and run the batch through the
 * pipeline, one stage per function in the module that owns it (dp-pipeline.h
 * lists them): parse, VLAN ingress (vlan.c), the MAC entries (dp-fdb.c),
 * ingress policy (dp-policy.c), learn (dp-fdb.c), lookup, and per output
 * port VLAN egress (vlan.c), egress policy, team select and output; then
 * send each port's queue with one sendmmsg.  A lone frame is sent at once.
 * No allocation, lock, logging or per-frame system call on this path.
 *
 * Learning is queued to the control thread: the threads only read the MAC
 * table.  A thread that sees an unknown source, or a known one on a new
 * port, queues (bridge, VLAN, MAC, port) on its fixed-size learning queue and
 * signals the control thread through an eventfd (once per batch); the
 * control thread calls datapath_run_learning() to apply them (and to refuse
 * moves across a team that look forged).  A full queue drops the request
 * and counts it ("learn-queue" drops); the frame is still forwarded.
 *
 * Publication: each change republishes the snapshot (a copy of every
 * port's view, O(number of ports)), unless it is made inside a transaction
 * (datapath_txn_begin() ... datapath_txn_commit()): then the snapshot is
 * published once, at the commit, so that applying N ports costs O(N), not
 * O(N^2).  Until the commit the threads keep forwarding with the previous
 * snapshot.
 *
 * Link watcher: a thread of the datapath (link-watch.h) follows the
 * carrier of the team members' devices on a netlink socket of its own.
 * When a member of a team without down delay loses its link, it marks the
 * member, and from the next frame on the threads treat the member as
 * unusable: what it carried goes out on the designated member (or, if the
 * designated member is the one that failed, the first usable member in
 * failover order), floods are taken from that member, all without waiting
 * for the control thread, which may be busy for seconds.  The control
 * thread does the rest (the new map, announcements, the log) when its own
 * notification comes, and clears the mark when it sees the link back
 * (datapath_team_member_carrier()).
 *
 * Tests: a port or team member can be attached to an in-memory device
 * (netdev-memory.h) instead of a network device; frames pushed into it run
 * through the same pipeline at once, on the caller's thread, and what the
 * datapath sends on such devices is kept for the test to take.  With a test
 * clock set, the datapath reads it instead of the real clock.  See the end
 * of this file.
 *
 * Errors (util.h's convention): a function that can fail returns 0 or a
 * negative errno, with a reason for the operator in 'err' where the
 * caller shows one; a constructor (datapath_port_add(), ...) returns NULL
 * when out of memory.  Nothing here aborts on a path a command, a
 * configuration or the network reaches: running out of memory refuses the
 * change and leaves the datapath as it was.  A removal or detach cannot
 * fail: if the snapshot without the port or device cannot be allocated,
 * the threads keep the previous one, what it refers to is kept, and the
 * change is published with the next publication that succeeds.
 *
 * Thread-safety: every function here is control-thread only, except the
 * threads' own loop.  Changing a port republishes the snapshot; port memory
 * and sockets are freed after a grace period.  datapath_bridge_destroy()
 * waits for one grace period (a few microseconds: one batch). */
#ifndef VSWITCH_DATAPATH_H
#define VSWITCH_DATAPATH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mac-table.h"
#include "port-policy.h"
#include "team-hash.h"
#include "team-map.h"
#include "vlan.h"

#define DATAPATH_MAX_THREADS 16
#define DATAPATH_MAX_PORTS 1024

struct dp_port_settings {
    enum vlan_mode mode;         /* VLAN mode. */
    uint16_t vlan;               /* VLAN_MODE_ACCESS: the VLAN. */
    struct vlan_bitmap trunks;   /* VLAN_MODE_TRUNK: tagged VLANs. */
    uint16_t native;             /* VLAN_MODE_TRUNK: untagged VLAN or 0. */
};

enum dp_drop_reason {
    DP_DROP_RUNT,         /* Malformed, too short, or truncated. */
    DP_DROP_VLAN,         /* VLAN not allowed on the input port. */
    DP_DROP_LOOP,         /* Destination is the input port. */
    DP_DROP_LEARN_QUEUE,  /* Source not learned: learning queue full. */
    DP_DROP_TX_ERROR,     /* The output device refused the frame. */
    DP_DROP_TEAM_RX,      /* Team receive rule: a flood or a unicast on a
                           * member that must not deliver it (the copy
                           * that arrives on the right member is kept);
                           * with LACP, a frame on a member that is not
                           * collecting. */
    DP_DROP_REFLECTION,   /* Team: a frame of a local station came back
                           * from upstream. */
    DP_DROP_TEAM_DOWN,    /* Team: no usable member to send on. */
    DP_DROP_LOCAL,        /* Team: ARP to or from a member's own address
                           * (the switch's link probes), not switched. */
    DP_DROP_RX_OVERRUN,   /* The kernel dropped it before we read it: the
                           * port's socket buffer was full (counted by the
                           * control thread, see datapath_collect_stats()). */
    DP_DROP_LINK_LOCAL,   /* To 01:80:C2:00:00:00-0F (STP, pause, LACP,
                           * 802.1X, LLDP): never forwarded. */
    DP_DROP_LACP,         /* A LACPDU on a member of a mode=lacp team: not
                           * forwarded, but handed to the control thread's
                           * LACP (datapath_set_slow_func()). */
    DP_DROP_LACP_QUEUE,   /* The same, lost: the queue to the control
                           * thread was full. */
    DP_DROP_BAD_SRC,      /* Multicast or all-zero source address. */
    DP_DROP_SRC_CONFLICT, /* From a local port with the source address of
                           * a station alive behind a team (forged). */
    /* Per-port policies (port-policy.h, dp-policy.c).  Counted on the
     * input port, except "rate-in" and, for frames sent, "mtu": those on
     * the output port whose limit refused the frame. */
    DP_DROP_DISABLED,     /* The port is disabled (enabled=no). */
    DP_DROP_BPDU_GUARD,   /* A BPDU tripped the port's BPDU guard, or the
                           * port is blocked by it. */
    DP_DROP_SRC_MAC,      /* Source MAC not in the port's allowed-macs. */
    DP_DROP_DST_MAC,      /* Unicast to a MAC not allowed on its output
                           * port, which is in mac-security=strict. */
    DP_DROP_MAC_LIMIT,    /* New source beyond the port's mac-limit
                           * (mac-limit-action=drop). */
    DP_DROP_MAC_LIMIT_FLOOD, /* New source beyond the port's mac-limit
                           * (mac-limit-action=flood): forwarded but not
                           * learned. */
    DP_DROP_ISOLATED,     /* Unicast from an isolated port to another. */
    DP_DROP_DHCP_GUARD,   /* DHCP server message from a dhcp-guard port. */
    DP_DROP_RA_GUARD,     /* ICMPv6 router advertisement or redirect from
                           * an ra-guard port. */
    DP_DROP_RATE_OUT,     /* Over the port's rate-out (from the VM). */
    DP_DROP_RATE_IN,      /* Over the port's rate-in (to the VM). */
    DP_DROP_STORM,        /* Broadcast, multicast or unknown unicast over
                           * the port's storm-limit. */
    DP_DROP_MTU,          /* Longer than the port's mtu (GSO excepted). */
    DP_N_DROPS
};
enum { ST_RX_PKTS, ST_RX_BYTES, ST_TX_PKTS, ST_TX_BYTES, ST_DROPS,
       DP_N_STATS = ST_DROPS + DP_N_DROPS };
const char *dp_drop_reason_name(enum dp_drop_reason);

struct dp_port_stats {
    uint64_t rx_packets;          /* Frames received. */
    uint64_t rx_bytes;            /* Bytes received (frames as on wire). */
    uint64_t tx_packets;          /* Frames sent. */
    uint64_t tx_bytes;            /* Bytes sent. */
    uint64_t drops[DP_N_DROPS];   /* Drops by reason. */
};

struct datapath;
struct dp_bridge;
struct dp_port;

struct datapath_options {
    unsigned int n_threads;       /* Datapath threads, 1 to
                                   * DATAPATH_MAX_THREADS. */
    bool busy_poll;               /* Threads never sleep in epoll_wait():
                                   * they check their sockets in a loop, a
                                   * whole CPU each, saving the wake-up
                                   * latency (opt-in). */
    unsigned int poll_window_usec; /* After a thread last received a
                                   * frame, it keeps checking its sockets
                                   * without sleeping for this long: the
                                   * next frame of a conversation finds it
                                   * awake; an idle thread sleeps.  0 =
                                   * sleep at once. */
    const int *cpus;              /* If n_cpus > 0, thread i runs only on
                                   * CPU cpus[i % n_cpus]. */
    size_t n_cpus;                /* Entries in 'cpus'. */
};

/* Starts the datapath threads and the link watcher.  Returns NULL with
 * errno set on failure (EINVAL for a bad thread count or a CPU the system
 * does not let us use). */
struct datapath *datapath_create(const struct datapath_options *);
/* Stops the threads and frees everything (ports and bridges included).
 * Accepts NULL. */
void datapath_destroy(struct datapath *);

/* Changes until the matching commit are published together, in one
 * snapshot, at the commit (transactions nest; the outermost commit
 * publishes).  Within a transaction the threads still forward with the
 * snapshot from before it.  datapath_bridge_destroy() publishes what is
 * pending. */
void datapath_txn_begin(struct datapath *);
/* Returns 0, or -ENOMEM if the outermost commit could not publish: then
 * the threads keep forwarding with the snapshot from before the
 * transaction and its changes stay pending, published by the next
 * publication that succeeds. */
int datapath_txn_commit(struct datapath *);
/* Snapshots published so far (for tests and diagnostics). */
uint64_t datapath_snapshot_gen(const struct datapath *);
/* The datapath threads running. */
unsigned int datapath_n_threads(const struct datapath *);
/* The sockets datapath thread 'i' reads: one per attached port and team
 * member, at most DATAPATH_MAX_PORTS. */
unsigned int datapath_thread_sockets(const struct datapath *, unsigned int i);

/* An eventfd the control thread watches: readable when learning requests
 * are queued.  Then call datapath_run_learning(). */
int datapath_learning_fd(const struct datapath *);
/* Applies queued learning requests.  Returns how many were processed. */
size_t datapath_run_learning(struct datapath *, uint32_t now);

struct dp_bridge *datapath_bridge_create(struct datapath *, const char *name,
                                         unsigned int mac_table_size,
                                         unsigned int mac_aging);
/* Destroys a bridge that has no ports left.  Returns 0, or -ENOMEM if the
 * snapshot without its ports could not be published: then the bridge
 * stays. */
int datapath_bridge_destroy(struct datapath *, struct dp_bridge *);
struct mac_table *dp_bridge_mac_table(const struct dp_bridge *);

/* Adds a port (no device yet: see dp_port_attach()).  Returns NULL when out
 * of memory (the datapath is then as it was). */
struct dp_port *datapath_port_add(struct datapath *, struct dp_bridge *,
                                  const char *name,
                                  const struct dp_port_settings *);
/* Removes a port: its MAC entries are flushed, its socket closed. */
void datapath_port_remove(struct datapath *, struct dp_port *);
/* Changes a port's VLAN settings; its learned entries are flushed.
 * Returns 0, or -ENOMEM with the port's settings as they were. */
int datapath_port_set(struct datapath *, struct dp_port *,
                       const struct dp_port_settings *);
/* Gives a port the policy 'pp' (port-policy.h), enforced by the pipeline's
 * policy stages from the next snapshot on.  A new port has the defaults
 * (port_policy_init(), a team's for a team).  Returns 0, or -ENOMEM if the
 * snapshot could not be published (then the port keeps its policy). */
int datapath_port_set_policy(struct datapath *, struct dp_port *,
                             const struct port_policy *pp);
/* The policy the datapath applies to the port. */
const struct port_policy *dp_port_policy(const struct dp_port *);

/* BPDU guard (port_policy.bpdu_guard): a BPDU from such a port blocks it
 * (it then drops everything it receives and gets nothing) until
 * datapath_port_guard_reset().  The datapath thread that sees the BPDU
 * marks the port, drops what the port sends from that frame on, and wakes
 * the control thread (through the learning eventfd), which calls 'func'
 * for it from datapath_run_learning(), once per trip, and publishes the
 * port as blocked: from then on nothing is sent to it either. */
typedef void datapath_guard_func(struct dp_port *, void *aux);
void datapath_set_guard_func(struct datapath *, datapath_guard_func *,
                             void *aux);
/* True while the port is blocked by its BPDU guard. */
bool dp_port_guard_tripped(const struct dp_port *);
/* Lifts the block: an operator re-enabled the port (publishes). */
void datapath_port_guard_reset(struct datapath *, struct dp_port *);

/* Opens the port's device.  Returns 0 or a negative errno with a reason in
 * 'err' (-ENOSPC: the datapath thread that would read it reads
 * DATAPATH_MAX_PORTS sockets already; -ENOMEM: it could not be published,
 * and is closed again). */
int datapath_port_attach(struct datapath *, struct dp_port *,
                         char *err, size_t err_size);
/* Same, but opens device 'device' for the port: an internal port's frames
 * go through its veth peer (netdev-internal.h) while the port keeps its
 * name. */
int datapath_port_attach_device(struct datapath *, struct dp_port *,
                                const char *device, char *err,
                                size_t err_size);
/* Closes the port's device (it disappeared); the port stays. */
void datapath_port_detach(struct datapath *, struct dp_port *);

/* Adds to each port's counters what only the kernel counts (frames dropped
 * on a full socket buffer).  Call periodically and before reading stats. */
void datapath_collect_stats(struct datapath *);

uint32_t dp_port_no(const struct dp_port *);
const char *dp_port_name(const struct dp_port *);
bool dp_port_is_attached(const struct dp_port *);
int dp_port_ifindex(const struct dp_port *);
void dp_port_get_stats(const struct dp_port *, struct dp_port_stats *);
/* The port's VLAN rules (vlan.h), as the datapath applies them. */
const struct vlan_port *dp_port_vlan(const struct dp_port *);
/* The port numbered 'port_no', or NULL. */
struct dp_port *datapath_find_port(const struct datapath *, uint32_t port_no);

/* Learning moves a station from a local port onto a team only when the
 * frame announced it (gratuitous ARP or RARP: a VM that migrated to another
 * host) and this filter agrees (it is not the switch's own announcement
 * coming back).  Without a filter, such moves are accepted. */
typedef bool datapath_learn_filter(uint32_t team_port_no, uint16_t vlan,
                                   const uint8_t mac[ETH_ADDR_LEN],
                                   void *aux);
void datapath_set_learn_filter(struct datapath *, datapath_learn_filter *,
                               void *aux);

/* ---- Teams ----
 *
 * A team is a port (it has a port number, VLAN settings, MAC entries) whose
 * frames go out on one of its member devices, chosen per frame from the
 * team's published map, and come in on any member subject to the receive
 * rules of switch-independent teaming. */

/* After a map moves an item (a VM port, a bucket, the active member) to
 * another member, upstream may still deliver the item's unicast on the
 * previous member: frames already in flight, and those sent before the
 * upstream switch hears the station's announcement on the new one.  For
 * this long after the move, the receive rules accept them there too. */
#define DP_TEAM_MOVE_GRACE_USEC 1000000

/* What the control thread publishes for a team. */
struct dp_team_map_desc {
    enum team_policy policy;       /* Distribution policy. */
    enum team_hash_fields fields;  /* For TEAM_POLICY_HASH. */
    bool switch_independent;       /* Apply the receive rules. */
    uint32_t usable;               /* Bit per usable member slot. */
    int designated;                /* Flood-receiving member or TEAM_NONE. */
    int active;                    /* active-backup's member or TEAM_NONE. */
    int8_t bucket[TEAM_BUCKETS];   /* Bucket -> member slot. */
    int order[TEAM_MAX_MEMBERS];   /* Member slots in failover order... */
    int n_order;                   /* ...this many. */
    bool fast_down;                /* A member that loses its link is out
                                    * of use at once (the link watcher's
                                    * doing): the team has no down delay. */
    bool lacp;                     /* Hand the LACPDUs that members receive
                                    * to the control thread, and take in
                                    * only what 'collecting' members
                                    * receive (without the receive rules of
                                    * 'switch_independent'). */
    uint32_t collecting;           /* With 'lacp': bit per member slot that
                                    * LACP has collecting.  A member may
                                    * collect without carrying (disabled by
                                    * the operator, in its up delay): what
                                    * the partner sends there is taken. */
    size_t n_ports;                /* src-port assignments: */
    const uint32_t *port_nos;      /* ...ports, ascending... */
    const int *port_slots;         /* ...and their member slots. */
};

/* Adds a team port (no members yet).  Returns NULL when out of memory (the
 * datapath is then as it was). */
struct dp_port *datapath_team_add(struct datapath *, struct dp_bridge *,
                                  const char *name,
                                  const struct dp_port_settings *);
bool dp_port_is_team(const struct dp_port *);
/* Names member slot 'slot' (no device opened yet). */
void datapath_team_member_set(struct datapath *, struct dp_port *team,
                              int slot, const char *name);
/* Forgets member 'slot' (closing its device). */
void datapath_team_member_clear(struct datapath *, struct dp_port *team,
                                int slot);
/* Opens member 'slot''s device: as datapath_port_attach(). */
int datapath_team_member_attach(struct datapath *, struct dp_port *team,
                                int slot, char *err, size_t err_size);
void datapath_team_member_detach(struct datapath *, struct dp_port *team,
                                 int slot);
bool dp_team_member_is_attached(const struct dp_port *team, int slot);
/* Reads member 'slot''s carrier now (its device's).  Sets '*lost' if the
 * link watcher saw the member's device lose its link (and the datapath
 * stopped using the member) since the control thread last saw the link
 * back; the mark is cleared when the carrier is up. */
bool datapath_team_member_carrier(struct dp_port *team, int slot,
                                  bool *lost);
int dp_team_member_ifindex(const struct dp_port *team, int slot);
/* The MAC of member 'slot''s device as it was opened; false if none. */
bool dp_team_member_mac(const struct dp_port *team, int slot,
                        uint8_t mac[ETH_ADDR_LEN]);
void dp_team_member_get_stats(const struct dp_port *team, int slot,
                              struct dp_port_stats *);
/* Publishes a new map; the datapath uses it from its next frame on.
 * Returns 0, or -ENOMEM: then the previous map stays in use. */
int datapath_team_publish(struct datapath *, struct dp_port *team,
                           const struct dp_team_map_desc *);
/* When the current map was published and first used by a datapath thread
 * (0 if not yet), in time_usec(). */
void dp_team_map_times(const struct dp_port *team, uint64_t *published,
                       uint64_t *first_use);
/* Cumulative bytes sent per bucket, and by a port into its team. */
void dp_team_bucket_bytes(const struct dp_port *team,
                          uint64_t bytes[TEAM_BUCKETS]);
uint64_t dp_port_team_tx_bytes(const struct dp_port *);
/* LACPDUs (slow protocols, 01:80:C2:00:00:02) that members of a team
 * published with 'lacp' receive go to the control thread through a
 * fixed-size queue per datapath thread (a full queue drops them, counted
 * as "lacp-queue"); datapath_run_learning() hands each to 'func': the
 * team's port, the member's slot and the frame (at most
 * DATAPATH_SLOW_LEN bytes of it). */
#define DATAPATH_SLOW_LEN 128
typedef void datapath_slow_func(struct dp_port *team, int slot,
                                const void *frame, size_t len, void *aux);
void datapath_set_slow_func(struct datapath *, datapath_slow_func *,
                            void *aux);
/* Sends one frame (no offload) on a member: announcements, LACPDUs.
 * Returns 0 or a negative errno. */
int datapath_team_send(struct dp_port *team, int slot, const void *frame,
                       size_t len);

/* ---- In-memory devices and the test clock (unit tests) ----
 *
 * For tests that push frames through the real pipeline without root or
 * network devices.  Control thread only (the test's thread, registered with
 * RCU).  A port or member has either a network device or an in-memory one;
 * datapath_port_detach() and datapath_team_member_detach() close either. */

struct netdev_memory_frame;
struct virtio_net_hdr;

/* Attaches an in-memory device with index 'ifindex' and MAC 'mac' to port
 * 'p', or to member 'slot' of team 'team' (named first), in place of its
 * network device.  Pick an 'ifindex' no real device has: the link watcher
 * hears about real ones.  Returns 0, -EBUSY if a network device is
 * attached, or -ENOMEM. */
int datapath_port_attach_memory(struct datapath *, struct dp_port *p,
                                int ifindex,
                                const uint8_t mac[ETH_ADDR_LEN]);
int datapath_team_member_attach_memory(struct datapath *,
                                       struct dp_port *team, int slot,
                                       int ifindex,
                                       const uint8_t mac[ETH_ADDR_LEN]);
/* Pushes one frame of 'len' bytes, with offload header 'vnet' (NULL for
 * none), into the in-memory device of port 'p' (of member 'slot' of team
 * 'p', or -1), and runs the pipeline on it before returning, at the
 * datapath's clock: whatever it forwards is in the output devices' queues,
 * its counters are counted, its learning requests queued (apply them with
 * datapath_run_learning()).  Returns 0, -ENODEV if the device is not in
 * memory, -ENOENT if the port is not published yet, or -EMSGSIZE. */
int datapath_memory_receive(struct datapath *, struct dp_port *p, int slot,
                            const struct virtio_net_hdr *vnet,
                            const void *frame, size_t len);
/* The same, with the batch's clock read at 'now_usec' instead of now: a
 * datapath thread reads its clock once for all the sockets it finds ready,
 * so a batch may run on a time from before what it sees published. */
int datapath_memory_receive_at(struct datapath *, struct dp_port *p,
                               int slot, const struct virtio_net_hdr *vnet,
                               const void *frame, size_t len,
                               uint64_t now_usec);
/* Takes the oldest frame the datapath sent on the in-memory device of 'p'
 * (member 'slot', or -1).  Returns 0, -EAGAIN if none, -ENODEV. */
int datapath_memory_take(const struct dp_port *p, int slot,
                         struct netdev_memory_frame *);
/* Sets the carrier of an in-memory device and tells the datapath as the
 * link watcher would (a member of a team without down delay that loses it
 * is out of use at once).  Returns 0 or -ENODEV. */
int datapath_memory_set_carrier(struct datapath *, struct dp_port *p,
                                int slot, bool carrier);
/* Makes the datapath read 'usec' (time_usec() units) as the time, until
 * the next call; 0 goes back to the real clock. */
void datapath_set_clock(struct datapath *, uint64_t usec);

#endif /* datapath.h */
