/* perf-mac-table: a microbenchmark of lib/mac-table.c.  Not a test: it
 * asserts nothing and only prints figures.
 *
 * For each table size (1k, 64k and 1M entries by default) it measures:
 *   - lookups per second per reader thread, with 1..R reader threads
 *     (each lookup in a read section of 32, as a datapath batch would), both
 *     with the control thread idle ("writer off") and with the control
 *     thread churning ("writer on").  The table's contract has a single
 *     writer, so there is no case with two writers: "writer on" is the one
 *     control thread retiring the oldest MAC and learning a brand new one,
 *     then moving a random entry to another port, as fast as it can;
 *   - the writer's rates: new MACs learned per second and moves per second
 *     (and the rate of filling the empty table, which includes resizes);
 *   - memory per entry: sizeof(struct mac_entry), the malloc chunk that
 *     holds it, and the growth of the heap (glibc mallinfo2(), all arenas,
 *     mmap'ed blocks included) from before mac_table_create() to after the
 *     fill, divided by the entry count.  The difference between that and
 *     the chunk size is the table's own overhead: mostly cds_lfht's bucket
 *     nodes (16 bytes each; mac-table doubles the bucket array whenever the
 *     count passes it, so between 16 and 32 bytes per entry, exactly 16 at
 *     the default power-of-two sizes) plus fixed structures, which only
 *     show in small tables;
 *   - the longest single mac_table_learn() call of the fill: the control
 *     thread's pause when a learn doubles the bucket array.
 *
 * Usage: perf-mac-table [-d SECONDS] [-r MAX_READERS] [-s ENTRIES]...
 *
 * Reader threads are not pinned; when readers plus the writer outnumber the
 * CPUs, the figures measure time sharing, and the output says so. */
#include <autoconf.h>
#include "mac-table.h"

#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rcu.h"
#include "util.h"

#define BATCH 32                /* Lookups per read section. */
#define N_PORTS 48              /* Ports 1...N_PORTS. */
#define MAX_SIZES 16

struct reader {
    pthread_t thread;                /* The reader thread. */
    const struct mac_table *table;   /* Table under test. */
    pthread_barrier_t *start;        /* Released when all are ready. */
    uint32_t seed;                   /* xorshift32 state. */
    uint32_t n_entries;              /* Window width. */
    uint64_t lookups;                /* Lookups done. */
    uint64_t hits;                   /* Lookups that found an entry. */
    uint64_t sink;                   /* Keeps the port reads alive. */
};

/* Keys in the table are MAC numbers [window_lo, window_lo + n).  Written by
 * the control thread only, read by readers with relaxed loads. */
static uint32_t window_lo;
static int stop;                /* Set to end a case; atomic. */

static void
key_of(uint32_t i, uint16_t *vlan, uint8_t mac[ETH_ADDR_LEN])
{
    mac[0] = 0x02;
    mac[1] = 0x00;
    mac[2] = i >> 24;
    mac[3] = i >> 16;
    mac[4] = i >> 8;
    mac[5] = i;
    *vlan = 1 + i % 16;
}

static uint32_t
xorshift32(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static double
now_sec(void)
{
    return time_usec() / 1e6;
}

static void *
reader_main(void *r_)
{
    struct reader *r = r_;

    rcu_register_thread();
    pthread_barrier_wait(r->start);
    while (!uatomic_read(&stop)) {
        uint32_t lo = CMM_LOAD_SHARED(window_lo);

        rcu_read_lock();
        for (int i = 0; i < BATCH; i++) {
            uint8_t mac[ETH_ADDR_LEN];
            const struct mac_entry *e;
            uint16_t vlan;

            key_of(lo + xorshift32(&r->seed) % r->n_entries, &vlan, mac);
            e = mac_table_lookup_rcu(r->table, vlan, mac);
            if (e) {
                r->hits++;
                r->sink += e->port_no;
            }
        }
        rcu_read_unlock();
        r->lookups += BATCH;
    }
    rcu_unregister_thread();
    return NULL;
}

static size_t
heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();

    return mi.uordblks + mi.hblkhd;
}

/* Waits (at most 5 s) until the heap has not changed for 3 samples 100 ms
 * apart, and returns its size. */
static size_t
settle_heap(void)
{
    size_t last = 0, cur;
    int same = 0;

    for (int i = 0; i < 50 && same < 3; i++) {
        vs_rcu_barrier();
        usleep(100 * 1000);
        cur = heap_in_use();
        same = cur == last ? same + 1 : 0;
        last = cur;
    }
    return last;
}

/* The control thread's churn: retire the oldest MAC and learn a new one,
 * then move a random entry.  Returns when 'duration' has passed. */
static void
churn(struct mac_table *t, uint32_t n, double duration, uint64_t *learned,
      uint64_t *moved)
{
    double end = now_sec() + duration;
    uint32_t seed = 0x2545f491;
    uint8_t mac[ETH_ADDR_LEN];
    uint16_t vlan;

    for (uint64_t iter = 0;; iter++) {
        uint32_t lo = window_lo;
        uint32_t i;

        if (!(iter % 64) && now_sec() >= end) {
            break;
        }

        key_of(lo, &vlan, mac);
        mac_table_del(t, vlan, mac);
        key_of(lo + n, &vlan, mac);
        if (mac_table_learn(t, vlan, mac, 1 + (lo + n) % N_PORTS, 0)
            == MAC_LEARN_NEW) {
            (*learned)++;
        }
        CMM_STORE_SHARED(window_lo, lo + 1);

        i = lo + 1 + xorshift32(&seed) % n;
        key_of(i, &vlan, mac);
        if (mac_table_learn(t, vlan, mac, 1 + (i + iter) % N_PORTS, 0)
            == MAC_LEARN_MOVED) {
            (*moved)++;
        }
    }
}

static void
run_case(struct mac_table *t, uint32_t n, int n_readers, bool writer,
         double duration, long n_cpus)
{
    struct reader *readers = calloc(n_readers, sizeof *readers);
    uint64_t learned = 0, moved = 0, lookups = 0, hits = 0;
    pthread_barrier_t start;
    double t0, elapsed;

    if (!readers) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    uatomic_set(&stop, 0);
    pthread_barrier_init(&start, NULL, n_readers + 1);
    for (int i = 0; i < n_readers; i++) {
        readers[i].table = t;
        readers[i].start = &start;
        readers[i].seed = 0x9e3779b9u * (i + 1);
        readers[i].n_entries = n;
        if (pthread_create(&readers[i].thread, NULL, reader_main,
                           &readers[i])) {
            fprintf(stderr, "pthread_create failed\n");
            exit(1);
        }
    }
    pthread_barrier_wait(&start);
    t0 = now_sec();
    if (writer) {
        churn(t, n, duration, &learned, &moved);
    } else {
        struct timespec ts = {
            .tv_sec = (time_t) duration,
            .tv_nsec = (long) ((duration - (time_t) duration) * 1e9),
        };
        nanosleep(&ts, NULL);
    }
    uatomic_set(&stop, 1);
    elapsed = now_sec() - t0;
    for (int i = 0; i < n_readers; i++) {
        pthread_join(readers[i].thread, NULL);
        lookups += readers[i].lookups;
        hits += readers[i].hits;
    }
    pthread_barrier_destroy(&start);

    printf("%8" PRIu32 " %7d %6s %14.2f M %7.2f %12.0f %12.0f%s\n",
           n, n_readers, writer ? "on" : "off",
           lookups / elapsed / n_readers / 1e6,
           lookups ? 100.0 * hits / lookups : 0.0,
           writer ? learned / elapsed : 0.0,
           writer ? moved / elapsed : 0.0,
           n_readers + writer > n_cpus ? "  (more threads than CPUs)" : "");
    fflush(stdout);
    free(readers);
}

static void
run_size(uint32_t n, int max_readers, double duration, long n_cpus)
{
    size_t base = heap_in_use(), grown, chunk;
    uint64_t longest = 0;
    uint8_t mac[ETH_ADDR_LEN];
    struct mac_entry *e;
    struct mac_table *t;
    double t0, fill;
    uint16_t vlan;

    window_lo = 0;
    /* Room for the churn's one extra entry between its del and learn. */
    t = mac_table_create(n + 1, 0);
    if (!t) {
        fprintf(stderr, "mac_table_create failed\n");
        exit(1);
    }
    t0 = now_sec();
    for (uint32_t i = 0; i < n; i++) {
        uint64_t before = time_usec(), took;

        key_of(i, &vlan, mac);
        mac_table_learn(t, vlan, mac, 1 + i % N_PORTS, 0);
        took = time_usec() - before;
        longest = MAX(longest, took);
    }
    fill = now_sec() - t0;

    /* Let deferred frees run and the heap settle. */
    grown = settle_heap();
    grown = grown > base ? grown - base : 0;

    key_of(0, &vlan, mac);
    rcu_read_lock();
    e = mac_table_lookup_rcu(t, vlan, mac);
    /* glibc: usable size plus one 8-byte size field. */
    chunk = e ? malloc_usable_size(e) + sizeof(size_t) : 0;
    rcu_read_unlock();

    printf("%" PRIu32 " entries: filled at %.0f new MACs/s, longest learn "
           "%.2f ms; struct mac_entry %zu B, malloc chunk %zu B, ",
           n, n / fill, longest / 1e3, sizeof(struct mac_entry), chunk);
    if (grown) {
        printf("heap growth %.1f B/entry, so table overhead (lfht buckets, "
               "fixed parts) %.1f B/entry\n",
               (double) grown / n, (double) grown / n - chunk);
    } else {
        /* E.g. under ASan, whose allocator mallinfo2() does not see. */
        printf("heap growth not measurable here\n");
    }

    for (int writer = 0; writer <= 1; writer++) {
        for (int r = 1; r <= max_readers; r++) {
            run_case(t, n, r, writer, duration, n_cpus);
        }
    }
    mac_table_destroy(t);
    vs_rcu_barrier();
}

static void
usage(const char *name)
{
    printf("usage: %s [-d SECONDS] [-r MAX_READERS] [-s ENTRIES]...\n"
           "  -d SECONDS      duration of each case (default 1)\n"
           "  -r MAX_READERS  run 1...MAX_READERS reader threads (default 2)\n"
           "  -s ENTRIES      table size; repeatable (default 1024, 65536 "
           "and 1048576)\n", name);
}

int
main(int argc, char *argv[])
{
    uint32_t sizes[MAX_SIZES] = { 1024, 65536, 1048576 };
    int n_sizes = 3, user_sizes = 0, max_readers = 2;
    double duration = 1.0;
    unsigned long v;
    long n_cpus;
    char *end;
    int opt;

    while ((opt = getopt(argc, argv, "d:r:s:h")) != -1) {
        switch (opt) {
        case 'd':
            duration = strtod(optarg, &end);
            if (*end || !(duration > 0 && duration <= 3600)) {
                fprintf(stderr, "-d %s: give a duration in seconds "
                        "(0-3600], e.g. -d 0.5\n", optarg);
                return 1;
            }
            break;
        case 'r':
            if (!str_to_uint_range(optarg, 1, 64, &v)) {
                fprintf(stderr, "-r %s: give a reader count (1-64)\n",
                        optarg);
                return 1;
            }
            max_readers = v;
            break;
        case 's':
            if (user_sizes >= MAX_SIZES
                || !str_to_uint_range(optarg, 1, 1UL << 26, &v)) {
                fprintf(stderr, "-s %s: give a table size (1-67108864), "
                        "at most %d times\n", optarg, MAX_SIZES);
                return 1;
            }
            sizes[user_sizes++] = v;
            n_sizes = user_sizes;
            break;
        default:
            usage(argv[0]);
            return opt == 'h' ? 0 : 1;
        }
    }

    vs_rcu_init();
    rcu_register_thread();
    n_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    printf("perf-mac-table: %ld CPUs online, %.2f s per case, "
           "%d lookups per read section\n", n_cpus, duration, BATCH);
    printf("writer on = the control thread retires the oldest MAC, learns a "
           "new one and moves a random one, in a loop\n");
    printf("%8s %7s %6s %16s %7s %12s %12s\n", "entries", "readers",
           "writer", "lookups/s/reader", "hit%", "new MACs/s", "moves/s");
    for (int i = 0; i < n_sizes; i++) {
        run_size(sizes[i], max_readers, duration, n_cpus);
    }
    rcu_unregister_thread();
    return 0;
}
