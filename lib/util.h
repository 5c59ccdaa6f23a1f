/* util: small foundations shared by every module.
 *
 * Owns nothing.  Everything here is safe on any thread: the helpers are pure
 * or read the monotonic clock (vDSO, no system call on Linux).
 *
 * Errors, the convention of every lib/ module (STYLE.md, "Errors and
 * ownership"):
 *   - A function that can fail returns 0 or a negative errno (-EINVAL
 *     refused, -ENOENT no such thing, -EEXIST taken, -ENOSPC full, -ENOMEM,
 *     -EIO the file or device failed...); a predicate returns bool; a lookup
 *     returns NULL for "none"; a constructor returns NULL when out of
 *     memory.
 *   - Where an operator must read why, the function also gives a message
 *     through a 'char **msg' argument (set on failure, NULL on success; the
 *     caller frees it with g_free()), or, on the datapath side where nothing
 *     may allocate, into a caller's buffer 'char *err, size_t err_size'.  The
 *     message names the thing and the fix ("vlan 5000 is out of range
 *     (1-4094)"), never just "invalid argument".
 *   - No lib/ module says it with GError any more (config and the control
 *     layer did): GLib's and json-glib's own GErrors are translated to the
 *     above where they are called.
 *   - Nothing a user or the network can trigger aborts: running out of
 *     memory on such a path is a refusal or a counted drop.  abort() is kept
 *     for broken programming contracts found at startup (a command
 *     registered twice) or that no input can reach (a second writer). */
#ifndef VSWITCH_UTIL_H
#define VSWITCH_UTIL_H 1

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ARRAY_SIZE(ARRAY) (sizeof (ARRAY) / sizeof (ARRAY)[0])
#define CONTAINER_OF(POINTER, STRUCT, MEMBER) \
    ((STRUCT *) (void *) ((char *) (POINTER) - offsetof(STRUCT, MEMBER)))
#define OVS_LIKELY(X) __builtin_expect(!!(X), 1)
#define OVS_UNLIKELY(X) __builtin_expect(!!(X), 0)
#ifndef MIN
#define MIN(A, B) ((A) < (B) ? (A) : (B))
#endif
#ifndef MAX
#define MAX(A, B) ((A) > (B) ? (A) : (B))
#endif

#define ETH_ADDR_LEN 6
#define ETH_ADDR_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define ETH_ADDR_ARGS(EA) \
    (EA)[0], (EA)[1], (EA)[2], (EA)[3], (EA)[4], (EA)[5]
/* Big enough for "xx:xx:xx:xx:xx:xx" and its NUL. */
#define ETH_ADDR_STRLEN 18

/* Monotonic clock in milliseconds and in whole seconds. */
uint64_t time_msec(void);
uint64_t time_usec(void);
uint32_t time_sec(void);

/* Parses "xx:xx:xx:xx:xx:xx" (hex, case-insensitive).  Returns true on
 * success. */
bool eth_addr_parse(const char *s, uint8_t mac[ETH_ADDR_LEN]);
static inline bool
eth_addr_is_multicast(const uint8_t mac[ETH_ADDR_LEN])
{
    return mac[0] & 1;
}
static inline bool
eth_addr_is_zero(const uint8_t mac[ETH_ADDR_LEN])
{
    return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}
/* 01:80:C2:00:00:00 to 01:80:C2:00:00:0F, the addresses IEEE 802.1D
 * reserves for link-local control protocols (STP, pause, slow protocols
 * such as LACP, 802.1X, LLDP): a bridge never forwards them. */
static inline bool
eth_addr_is_link_local(const uint8_t mac[ETH_ADDR_LEN])
{
    return mac[0] == 0x01 && mac[1] == 0x80 && mac[2] == 0xc2
           && !mac[3] && !mac[4] && !(mac[5] & 0xf0);
}

/* Parses a decimal unsigned integer in [min, max], the whole string.
 * Returns true on success. */
bool str_to_uint_range(const char *s, unsigned long min, unsigned long max,
                       unsigned long *value);

/* Messages to operators quote what they were given; a value longer than
 * this is cut in them, and a whole message longer than MSG_MAX_LEN too. */
#define MSG_QUOTE_MAX 64
#define MSG_MAX_LEN 1024

/* Shortens 's' in place for a message: every run of text between quotes
 * ("...", \u201c...\u201d as GKeyFile writes them, or [...]) longer than
 * 'max_quoted' bytes keeps its first 'max_quoted' bytes followed by "...";
 * then the whole string is cut to at most 'max_len' bytes, ending in "...".
 * Never cuts a UTF-8 character in two.  Returns 's'. */
char *str_shorten_quoted(char *s, size_t max_quoted, size_t max_len);

/* A 32-bit hash of 'n' bytes (not cryptographic; good spread, stable across
 * runs for the same 'basis'). */
uint32_t hash_bytes(const void *p, size_t n, uint32_t basis);
static inline uint32_t
hash_finish32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

#endif /* util.h */
