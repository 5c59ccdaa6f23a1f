/* rcu: the one place that includes liburcu and fixes its flavour.
 *
 * Flavour: the "memb" flavour (liburcu's default, urcu.h).  Readers bracket
 * their accesses with rcu_read_lock()/rcu_read_unlock(), which cost two
 * thread-local counter writes and no fence on kernels with membarrier.  We
 * prefer it to QSBR because the control thread, the call_rcu worker and test
 * threads may then read RCU-protected state anywhere without online/offline
 * bookkeeping, and a datapath thread that blocks in poll() outside a read
 * section never holds up a grace period.
 *
 * Rules, for every RCU-protected object in this project:
 *   - Every thread that reads must be registered (rcu_register_thread()).
 *   - Readers access protected pointers only between rcu_read_lock() and
 *     rcu_read_unlock(), through rcu_dereference(); functions that must run
 *     in such a section end in _rcu.
 *   - The control thread is the single writer.  It builds a new object
 *     completely, publishes it with rcu_assign_pointer() (or a cds_lfht
 *     operation), and frees the old one with call_rcu() after a grace period.
 *   - A published object is never changed, except the fields its comment
 *     names, which are written with relaxed atomics.
 *
 * Thread-safety: everything here is safe on any registered thread;
 * synchronize_rcu() must not be called inside a read section. */
#ifndef VSWITCH_RCU_H
#define VSWITCH_RCU_H 1

/* Inline the read-side primitives and rcu_dereference() instead of calling
 * into the library: they run per frame. */
#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE 1
#endif
#include <urcu.h>
#include <urcu/rculfhash.h>
#include <urcu/compiler.h>
#include <urcu/uatomic.h>

/* Called once per process before any thread registers: makes sure the
 * call_rcu worker exists.  Safe to call more than once. */
void vs_rcu_init(void);

/* Waits until every callback queued with call_rcu() so far has run.  Used at
 * shutdown and in tests, never on the datapath. */
void vs_rcu_barrier(void);

#endif /* rcu.h */
