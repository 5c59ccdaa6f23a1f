#include <autoconf.h>
#include "vlan.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "packet.h"
#include "util.h"

static void set_err(char *err, size_t err_size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t err_size, const char *format, ...)
{
    va_list args;

    if (!err || !err_size) {
        return;
    }
    va_start(args, format);
    vsnprintf(err, err_size, format, args);
    va_end(args);
}

/* Parses the 'n' bytes at 's' as a decimal number into '*value'.  Returns
 * false if they are not all digits, or there are none.  The value saturates
 * far above any VLAN ID, so a huge number is reported as out of range, not
 * wrapped around into one. */
static bool
parse_decimal(const char *s, size_t n, uint32_t *value)
{
    uint32_t v = 0;

    if (!n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char) s[i])) {
            return false;
        }
        v = MIN(v * 10 + (uint32_t) (s[i] - '0'), 10 * VLAN_COUNT);
    }
    *value = v;
    return true;
}

static bool
vid_in_range(uint32_t v)
{
    return v >= VLAN_MIN && v <= VLAN_MAX;
}

void
vlan_bitmap_clear_all(struct vlan_bitmap *b)
{
    memset(b, 0, sizeof *b);
}

/* A word at a time: the team checks, at each configuration change, each
 * port's VLANs against its own, and a port in no VLAN mode is all of them
 * (bit by bit that was half of an add-port's time at 1,000 ports). */
void
vlan_bitmap_set_all(struct vlan_bitmap *b)
{
    memset(b, 0xff, sizeof *b);
    b->bits[0] &= ~UINT64_C(1);                           /* VLAN 0. */
    b->bits[ARRAY_SIZE(b->bits) - 1] &= ~(UINT64_C(1) << 63); /* 4095. */
}

bool
vlan_bitmap_is_empty(const struct vlan_bitmap *b)
{
    for (size_t i = 0; i < ARRAY_SIZE(b->bits); i++) {
        if (b->bits[i]) {
            return false;
        }
    }
    return true;
}

bool
vlan_bitmap_equal(const struct vlan_bitmap *a, const struct vlan_bitmap *b)
{
    return !memcmp(a->bits, b->bits, sizeof a->bits);
}

/* Parses one element of a trunk list, the 'n' bytes at 'elem': "10" or
 * "100-199".  Adds its VLANs to 'b'.  'list' is the whole list, for
 * messages. */
static int
parse_element(const char *list, const char *elem, size_t n,
              struct vlan_bitmap *b, char *err, size_t err_size)
{
    const char *dash = memchr(elem, '-', n);
    size_t lo_len = dash ? (size_t) (dash - elem) : n;
    uint32_t lo, hi;

    if (!n) {
        set_err(err, err_size, "bad vlan list \"%s\": empty element", list);
        return -EINVAL;
    }
    if (!parse_decimal(elem, lo_len, &lo)
        || (dash && !parse_decimal(dash + 1, n - lo_len - 1, &hi))) {
        set_err(err, err_size, "bad vlan list \"%s\": \"%.*s\" is neither a "
                "vlan nor a range of vlans (write 10 or 100-199)",
                list, (int) n, elem);
        return -EINVAL;
    }
    if (!vid_in_range(lo)) {
        set_err(err, err_size, "vlan %.*s is out of range (%d-%d)",
                (int) lo_len, elem, VLAN_MIN, VLAN_MAX);
        return -EINVAL;
    }
    if (!dash) {
        hi = lo;
    } else if (!vid_in_range(hi)) {
        set_err(err, err_size, "vlan %.*s is out of range (%d-%d)",
                (int) (n - lo_len - 1), dash + 1, VLAN_MIN, VLAN_MAX);
        return -EINVAL;
    } else if (hi < lo) {
        set_err(err, err_size, "vlan range %.*s is reversed (write %"PRIu32
                "-%"PRIu32")", (int) n, elem, hi, lo);
        return -EINVAL;
    }
    for (uint32_t vid = lo; vid <= hi; vid++) {
        vlan_bitmap_set(b, vid);
    }
    return 0;
}

/* The empty string is the empty set, so that whatever vlan_bitmap_format()
 * writes reads back the same.  On error 'b' is left empty, never half
 * filled. */
int
vlan_bitmap_parse(const char *s, struct vlan_bitmap *b,
                  char *err, size_t err_size)
{
    vlan_bitmap_clear_all(b);
    if (!s) {
        set_err(err, err_size, "missing vlan list (write e.g. 10,20,100-199)");
        return -EINVAL;
    }
    for (const char *p = s; *p; p++) {
        if (isspace((unsigned char) *p)) {
            set_err(err, err_size, "bad vlan list \"%s\": spaces are not "
                    "allowed (write e.g. 10,20,100-199)", s);
            return -EINVAL;
        }
    }
    if (!*s) {
        return 0;
    }

    for (const char *p = s;; ) {
        size_t n = strcspn(p, ",");
        int error = parse_element(s, p, n, b, err, err_size);

        if (error) {
            vlan_bitmap_clear_all(b);
            return error;
        }
        if (!p[n]) {
            return 0;
        }
        p += n + 1;
    }
}

/* An output buffer that, like snprintf, counts what does not fit. */
struct fmt_buf {
    char *buf;          /* Caller's buffer, possibly NULL if 'size' is 0. */
    size_t size;        /* Size of 'buf'. */
    size_t len;         /* Length of the full output so far. */
};

static void
fmt_append(struct fmt_buf *f, const char *s)
{
    for (; *s; s++, f->len++) {
        if (f->len + 1 < f->size) {
            f->buf[f->len] = *s;
        }
    }
}

size_t
vlan_bitmap_format(const struct vlan_bitmap *b, char *buf, size_t size)
{
    struct fmt_buf f = { .buf = buf, .size = size, .len = 0 };
    unsigned int vid = 0;

    while (vid < VLAN_COUNT) {
        char tmp[16];
        unsigned int first;

        if (!vlan_bitmap_test(b, vid)) {
            vid++;
            continue;
        }
        first = vid;
        while (vid + 1 < VLAN_COUNT && vlan_bitmap_test(b, vid + 1)) {
            vid++;
        }
        if (vid != first) {
            snprintf(tmp, sizeof tmp, "%s%u-%u", f.len ? "," : "", first, vid);
        } else {
            snprintf(tmp, sizeof tmp, "%s%u", f.len ? "," : "", first);
        }
        fmt_append(&f, tmp);
        vid++;
    }
    if (size) {
        buf[MIN(f.len, size - 1)] = '\0';
    }
    return f.len;
}

int
vlan_parse_vid(const char *what, const char *s, uint16_t *vid,
               char *err, size_t err_size)
{
    uint32_t v;

    if (!s || !*s) {
        set_err(err, err_size, "missing %s (write a vlan %d-%d)",
                what, VLAN_MIN, VLAN_MAX);
        return -EINVAL;
    }
    if (!parse_decimal(s, strlen(s), &v)) {
        set_err(err, err_size, "%s \"%s\" is not a number (write a vlan "
                "%d-%d)", what, s, VLAN_MIN, VLAN_MAX);
        return -EINVAL;
    }
    if (!vid_in_range(v)) {
        set_err(err, err_size, "%s %s is out of range (%d-%d)",
                what, s, VLAN_MIN, VLAN_MAX);
        return -EINVAL;
    }
    *vid = v;
    return 0;
}

bool
vlan_ingress(const struct packet_info *pi, bool access, int untagged_vlan,
             const struct vlan_bitmap *member, uint16_t *vlan, uint16_t *tci)
{
    if (pi->vlan_present && (pi->vlan_tci & VLAN_VID_MASK)) {
        *vlan = pi->vlan_tci & VLAN_VID_MASK;
        *tci = pi->vlan_tci;
        return !access && vlan_bitmap_test(member, *vlan);
    }
    *tci = pi->vlan_present ? pi->vlan_tci : 0;
    *vlan = untagged_vlan < 0 ? 0 : untagged_vlan;
    return untagged_vlan >= 0 && !vlan_tpid_is_tag(pi->eth_type);
}

static const char *const vlan_mode_names[] = {
    [VLAN_MODE_ALL] = "all",
    [VLAN_MODE_ACCESS] = "access",
    [VLAN_MODE_TRUNK] = "trunk",
};

const char *
vlan_mode_name(enum vlan_mode mode)
{
    return (unsigned int) mode < ARRAY_SIZE(vlan_mode_names)
           ? vlan_mode_names[mode] : "?";
}

void
vlan_port_init(struct vlan_port *vp, enum vlan_mode mode, uint16_t vid,
               const struct vlan_bitmap *trunks, uint16_t native)
{
    memset(vp, 0, sizeof *vp);
    switch (mode) {
    case VLAN_MODE_ACCESS:
        vp->access = true;
        vp->untagged = vid;
        vlan_bitmap_set(&vp->member, vid);
        break;
    case VLAN_MODE_TRUNK:
        if (trunks) {
            vp->member = *trunks;
        }
        vp->untagged = native ? native : -1;
        if (native) {
            vlan_bitmap_set(&vp->member, native);
        }
        break;
    case VLAN_MODE_ALL:
    default:
        vp->untagged = 0;
        vlan_bitmap_set_all(&vp->member);
        vlan_bitmap_set(&vp->member, 0);     /* Untagged traffic. */
        break;
    }
}

bool
vlan_port_shares(const struct vlan_port *a, const struct vlan_port *b)
{
    for (size_t i = 0; i < ARRAY_SIZE(a->member.bits); i++) {
        if (a->member.bits[i] & b->member.bits[i]) {
            return true;
        }
    }
    return false;
}

void
vlan_tag_put(uint8_t tag[4], uint16_t vid, uint16_t pcp_tci)
{
    uint16_t tci = vlan_tci(vid, pcp_tci);

    tag[0] = ETH_TYPE_VLAN >> 8;
    tag[1] = ETH_TYPE_VLAN & 0xff;
    tag[2] = tci >> 8;
    tag[3] = tci & 0xff;
}
