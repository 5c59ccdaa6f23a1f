#include <autoconf.h>
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct timespec
monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts;
}

uint64_t
time_msec(void)
{
    struct timespec ts = monotonic_now();
    return (uint64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t
time_usec(void)
{
    struct timespec ts = monotonic_now();
    return (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

uint32_t
time_sec(void)
{
    return monotonic_now().tv_sec;
}

bool
eth_addr_parse(const char *s, uint8_t mac[ETH_ADDR_LEN])
{
    unsigned int b[ETH_ADDR_LEN];
    int n = 0;

    if (strlen(s) != 17
        || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n",
                  &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &n) != 6
        || n != 17) {
        return false;
    }
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        if (!isxdigit((unsigned char) s[i * 3])
            || !isxdigit((unsigned char) s[i * 3 + 1])) {
            return false;
        }
        mac[i] = b[i];
    }
    return true;
}

bool
str_to_uint_range(const char *s, unsigned long min, unsigned long max,
                  unsigned long *value)
{
    char *end;
    unsigned long v;

    if (!s || !isdigit((unsigned char) *s)) {
        return false;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max) {
        return false;
    }
    *value = v;
    return true;
}

/* Murmur3-style mixing, one 32-bit word at a time. */
uint32_t
hash_bytes(const void *p_, size_t n, uint32_t basis)
{
    const uint8_t *p = p_;
    uint32_t h = basis ^ (uint32_t) n;

    while (n >= 4) {
        uint32_t k;
        memcpy(&k, p, 4);
        k *= 0xcc9e2d51u;
        k = (k << 15) | (k >> 17);
        k *= 0x1b873593u;
        h ^= k;
        h = (h << 13) | (h >> 19);
        h = h * 5 + 0xe6546b64u;
        p += 4;
        n -= 4;
    }
    if (n) {
        uint32_t k = 0;
        memcpy(&k, p, n);
        k *= 0xcc9e2d51u;
        k = (k << 15) | (k >> 17);
        k *= 0x1b873593u;
        h ^= k;
    }
    return hash_finish32(h);
}
