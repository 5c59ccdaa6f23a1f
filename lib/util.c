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

/* The largest n <= 'max' such that the first n bytes of 's' end on a
 * UTF-8 character boundary. */
static size_t
utf8_cut(const char *s, size_t max)
{
    size_t n = max;

    while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80) {
        n--;
    }
    return n;
}

/* If 's' starts with an opening quote, returns its length and sets
 * '*close' to the matching closing quote; otherwise returns 0. */
static size_t
quote_open(const char *s, const char **close)
{
    static const struct {
        const char *open;
        const char *close;
    } quotes[] = {
        { "\"", "\"" },
        { "[", "]" },
        { "\xe2\x80\x9c", "\xe2\x80\x9d" },   /* U+201C, U+201D. */
    };

    for (size_t i = 0; i < ARRAY_SIZE(quotes); i++) {
        size_t len = strlen(quotes[i].open);

        if (!strncmp(s, quotes[i].open, len)) {
            *close = quotes[i].close;
            return len;
        }
    }
    return 0;
}

char *
str_shorten_quoted(char *s, size_t max_quoted, size_t max_len)
{
    const char *r = s;
    char *w = s;
    size_t len;

    /* 'w' never passes 'r': a run is only cut when it is longer than what
     * replaces it. */
    while (*r) {
        const char *close, *end;
        size_t open = quote_open(r, &close);
        size_t run;

        if (!open) {
            *w++ = *r++;
            continue;
        }
        memmove(w, r, open);
        w += open;
        r += open;
        end = strstr(r, close);
        run = end ? (size_t) (end - r) : strlen(r);
        if (run > max_quoted + 3) {
            size_t keep = utf8_cut(r, max_quoted);

            memmove(w, r, keep);
            memcpy(w + keep, "...", 3);
            w += keep + 3;
        } else {
            memmove(w, r, run);
            w += run;
        }
        r += run;
        if (end) {
            size_t n = strlen(close);

            memmove(w, r, n);
            w += n;
            r += n;
        }
    }
    *w = '\0';

    len = w - s;
    if (len > max_len && max_len >= 3) {
        size_t keep = utf8_cut(s, max_len - 3);

        memcpy(s + keep, "...", 4);
    }
    return s;
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
