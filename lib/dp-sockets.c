/* dp-sockets: the set of sockets a datapath thread serves, registered with
 * its epoll instance (see struct dp_thread in datapath-private.h): built
 * from each new snapshot by registering and unregistering only what
 * changed, and storming ports' sockets muted for their quiet time.
 *
 * Runs on datapath threads, as dp-thread.c: no allocation, lock, logging
 * or GLib call (tests/check-datapath-symbols.sh keeps it so). */
#include <autoconf.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "datapath-private.h"

/* The slot of 'serial' in 'x', or the free slot where it would go. */
static size_t
serial_slot(const struct dp_serial_index *x, uint64_t serial)
{
    size_t mask = DP_SERIAL_SLOTS - 1;
    size_t i = (size_t) ((serial * UINT64_C(0x9e3779b97f4a7c15)) >> 40) & mask;

    while (x->serial[i] && x->serial[i] != serial) {
        i = (i + 1) & mask;
    }
    return i;
}

/* The pfds index registered under 'serial' in 'x', or -1. */
static int
serial_index(const struct dp_serial_index *x, uint64_t serial)
{
    size_t i = serial_slot(x, serial);

    return x->serial[i] ? x->index[i] : -1;
}

/* Registers, changes or unregisters socket 'fd' (under 'serial') with the
 * thread's epoll instance.  A socket closed meanwhile fails (EBADF, ENOENT)
 * and is of no concern: the next snapshot no longer has it. */
static void
thread_epoll(struct dp_thread *t, int op, int fd, uint64_t serial,
             uint32_t events)
{
    struct epoll_event ev = { .events = events, .data.u64 = serial };

    if (epoll_ctl(t->epfd, op, fd, &ev) < 0) {
        /* See above. */
    }
}

/* Adds the socket ('fd', 'serial') of port 'e' (member 'slot', or -1) as
 * entry 'n' of the new set, indexed in 'idx'. */
static void
thread_add_pfd(struct dp_thread *t, struct dp_serial_index *idx, size_t n,
               const struct dp_entry *e, int slot, int fd, uint64_t serial)
{
    size_t s = serial_slot(idx, serial);

    t->pfds[n] = fd;
    t->pserial[n] = serial;
    t->pentries[n] = e;
    t->pslots[n] = slot;
    t->pquiet[n] = 0;
    t->pmuted[n] = false;
    idx->serial[s] = serial;
    idx->index[s] = (uint16_t) n;
}

/* Makes the sockets the thread serves those of 'snap': only the changes
 * reach epoll (a socket that stays keeps its registration and its quiet
 * time), so a new port costs one registration, not one per port. */
void
dp_sockets_rebuild(struct dp_thread *t, const struct dp_snapshot *snap)
{
    struct dp_serial_index *old_idx = t->pidx, *idx = t->pidx_old;
    size_t old_n = t->n_pfds, n = 0;

    for (size_t j = 0; j < old_n; j++) {
        t->pold[j] = (struct dp_pfd_old) {
            .fd = t->pfds[j], .muted = t->pmuted[j],
            .serial = t->pserial[j], .quiet = t->pquiet[j],
        };
    }
    memset(idx->serial, 0, sizeof idx->serial);
    /* (dp_open_dev() refuses a socket past DATAPATH_MAX_PORTS: the bounds
     * below only keep the arrays safe.) */
    for (size_t i = 0; i < snap->n; i++) {
        const struct dp_entry *e = &snap->entries[i];
        const struct dp_view *v;

        if (dp_thread_of(t->dp, e->port_no) != t->id) {
            continue;
        }
        v = e->view;
        if (v->fd >= 0 && n < DATAPATH_MAX_PORTS) {
            thread_add_pfd(t, idx, n++, e, -1, v->fd, v->fd_serial);
        }
        for (int m = 0; m < TEAM_MAX_MEMBERS; m++) {
            if (v->member_fd[m] >= 0 && v->team && n < DATAPATH_MAX_PORTS) {
                thread_add_pfd(t, idx, n++, e, m, v->member_fd[m],
                               v->member_serial[m]);
            }
        }
    }
    /* Sockets gone from the set first: a new socket may have the number
     * of one that was closed. */
    for (size_t j = 0; j < old_n; j++) {
        if (serial_index(idx, t->pold[j].serial) < 0) {
            thread_epoll(t, EPOLL_CTL_DEL, t->pold[j].fd, 0, 0);
        }
    }
    t->n_quiet = 0;
    for (size_t k = 0; k < n; k++) {
        int j = serial_index(old_idx, t->pserial[k]);

        if (j < 0) {
            thread_epoll(t, EPOLL_CTL_ADD, t->pfds[k], t->pserial[k],
                         EPOLLIN);
        } else {
            t->pquiet[k] = t->pold[j].quiet;
            t->pmuted[k] = t->pold[j].muted;
            t->n_quiet += t->pquiet[k] != 0;
        }
    }
    t->pidx = idx;
    t->pidx_old = old_idx;
    t->n_pfds = n;
    t->gen = snap->gen;
}

/* The pfds index of the socket an epoll event names ('serial'), or -1 for
 * the kick or a socket no longer served. */
int
dp_sockets_index(const struct dp_thread *t, uint64_t serial)
{
    return serial ? serial_index(t->pidx, serial) : -1;
}

/* A port whose batch of DP_BATCH frames had at least half dropped by its
 * storm limit is storming: its socket is left unread for this long, so
 * that the kernel drops the excess when the socket's buffer fills (counted
 * as rx-overrun), at no cost to this thread and the other ports it
 * serves, instead of this thread reading every frame of the storm to drop
 * it.  The port's other frames wait as long (or are dropped with the
 * storm when the buffer is full): only while it storms. */
#define DP_STORM_QUIET_USEC 1000

/* Mutes the sockets of storming ports, until their quiet time is over,
 * and unmutes them after.  Returns epoll_wait()'s timeout: the time to the
 * first quiet time's end (ms, rounded up), or -1 for none. */
int
dp_sockets_mute(struct dp_thread *t)
{
    uint64_t now, next = 0;

    if (OVS_LIKELY(!t->n_quiet)) {
        return -1;
    }
    now = dp_now_usec(t->dp);
    for (size_t i = 0; i < t->n_pfds; i++) {
        if (!t->pquiet[i]) {
            continue;
        }
        if (t->pquiet[i] > now) {
            if (!t->pmuted[i]) {
                thread_epoll(t, EPOLL_CTL_MOD, t->pfds[i], t->pserial[i],
                             0);
                t->pmuted[i] = true;
            }
            next = next && next < t->pquiet[i] ? next : t->pquiet[i];
        } else {
            t->pquiet[i] = 0;
            t->n_quiet--;
            if (t->pmuted[i]) {
                thread_epoll(t, EPOLL_CTL_MOD, t->pfds[i], t->pserial[i],
                             EPOLLIN);
                t->pmuted[i] = false;
            }
        }
    }
    return next ? (int) ((next - now + 999) / 1000) : -1;
}

/* pfds entry 'i' stormed: its socket is muted until 'now' plus the quiet
 * time. */
void
dp_sockets_quiet(struct dp_thread *t, int i, uint64_t now)
{
    t->n_quiet += !t->pquiet[i];
    t->pquiet[i] = now + DP_STORM_QUIET_USEC;
}

/* Makes the thread's epoll instance, with its kick registered under 0.
 * Returns 0 or a positive errno. */
int
dp_sockets_init(struct dp_thread *t)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0 };

    t->pidx = &t->pidx_mem[0];
    t->pidx_old = &t->pidx_mem[1];
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (t->epfd < 0 || epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->kick_fd, &ev)) {
        return errno;
    }
    return 0;
}

void
dp_sockets_fini(struct dp_thread *t)
{
    if (t->epfd >= 0) {
        close(t->epfd);
        t->epfd = -1;
    }
}
