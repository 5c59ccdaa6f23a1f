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

/* ThreadSanitizer does not see the fences and volatile accesses liburcu
 * orders publication with, so under TSan publication and dereference are
 * the C11 release store and acquire load they stand for: what the writer
 * built before publishing then happens-before what a reader reads through
 * the pointer, as far as TSan can tell too.  Same semantics; other builds
 * unchanged. */
#if defined(__SANITIZE_THREAD__)
#define VS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define VS_TSAN 1
#endif
#endif
#ifdef VS_TSAN
#undef rcu_assign_pointer
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#undef rcu_dereference
#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
/* Fields shared by design ("written with relaxed atomics" above) are
 * relaxed atomics to TSan too, instead of volatile accesses it takes for
 * plain ones. */
#undef CMM_LOAD_SHARED
#define CMM_LOAD_SHARED(p) __atomic_load_n(&(p), __ATOMIC_RELAXED)
#undef CMM_STORE_SHARED
#define CMM_STORE_SHARED(x, v)                                  \
    __extension__ ({                                            \
        __typeof__(x) vs_tsan_v_ = (v);                         \
        __atomic_store_n(&(x), vs_tsan_v_, __ATOMIC_RELAXED);   \
        vs_tsan_v_;                                             \
    })
#endif

/* Called once per process before any thread registers: makes sure the
 * call_rcu worker exists.  Safe to call more than once. */
void vs_rcu_init(void);

/* Waits until every callback queued with call_rcu() so far has run.  Used at
 * shutdown and in tests, never on the datapath. */
void vs_rcu_barrier(void);

#endif /* rcu.h */
