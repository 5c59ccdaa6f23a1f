/* vlan: 802.1Q VLAN sets, tag arithmetic, and every tagging decision.
 *
 * A 'struct vlan_bitmap' is a set of VLAN IDs 0-4095 (4096 bits).  Ports use
 * it for the VLANs a trunk carries; the datapath tests membership per frame.
 *
 * A 'struct vlan_port' is a port's VLAN rules (access, trunk with or without
 * a native VLAN, or every VLAN), built once by the control thread from the
 * port's settings.  The datapath's two VLAN stages are functions of it:
 * vlan_port_ingress() (which VLAN a received frame is in, or that the port
 * refuses it) and vlan_port_egress() (whether a frame leaves a port tagged,
 * or not at all); vlan_tag_put() writes the tag it pushes.  Nothing else in
 * the switch decides about tags.
 *
 * Thread-safety: pure functions on caller-owned memory; safe anywhere,
 * including the datapath.  vlan_bitmap_parse() and vlan_bitmap_format() are
 * meant for the control thread (they format operator messages) but allocate
 * nothing. */
#ifndef VSWITCH_VLAN_H
#define VSWITCH_VLAN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VLAN_MIN 1
#define VLAN_MAX 4094
#define VLAN_COUNT 4096

#define VLAN_VID_MASK 0x0fff
#define VLAN_PCP_MASK 0xe000
#define VLAN_PCP_SHIFT 13
#define VLAN_CFI 0x1000

#define ETH_TYPE_VLAN 0x8100      /* 802.1Q C-tag. */
#define ETH_TYPE_VLAN_8021AD 0x88a8 /* 802.1ad S-tag. */
#define ETH_TYPE_VLAN_QINQ_OLD 0x9100 /* Pre-standard QinQ S-tag. */

struct packet_info;

/* How a port treats VLANs: the one enum of the configuration (config.h's
 * ports and teams), the datapath's port settings and the rules below. */
enum vlan_mode {
    VLAN_MODE_ALL,     /* No VLAN settings: every VLAN tagged, VLAN 0
                        * (untagged) included. */
    VLAN_MODE_ACCESS,  /* Untagged, in 'vlan'. */
    VLAN_MODE_TRUNK,   /* 'trunks' tagged, 'native' untagged (0: untagged
                        * frames dropped). */
};

/* The mode's name, as the control interface shows it: "all", "access",
 * "trunk" ("?" for a value out of range). */
const char *vlan_mode_name(enum vlan_mode);

struct vlan_bitmap {
    uint64_t bits[VLAN_COUNT / 64]; /* Bit 'v' set: VLAN 'v' is a member. */
};

static inline bool
vlan_bitmap_test(const struct vlan_bitmap *b, uint16_t vid)
{
    return (b->bits[(vid & VLAN_VID_MASK) / 64] >> (vid % 64)) & 1;
}

static inline void
vlan_bitmap_set(struct vlan_bitmap *b, uint16_t vid)
{
    b->bits[(vid & VLAN_VID_MASK) / 64] |= UINT64_C(1) << (vid % 64);
}

void vlan_bitmap_clear_all(struct vlan_bitmap *);
/* Sets VLANs VLAN_MIN..VLAN_MAX ("1-4094"), not 0 or 4095. */
void vlan_bitmap_set_all(struct vlan_bitmap *);
bool vlan_bitmap_is_empty(const struct vlan_bitmap *);
bool vlan_bitmap_equal(const struct vlan_bitmap *, const struct vlan_bitmap *);

/* Parses a trunk list such as "10,20,100-199" into 'b' (cleared first).
 * Accepts VLANs VLAN_MIN..VLAN_MAX, single or as ascending ranges, separated
 * by commas, no spaces.  Returns 0, or -EINVAL with an operator-readable
 * reason in 'err' (e.g. "vlan 5000 is out of range (1-4094)"). */
int vlan_bitmap_parse(const char *s, struct vlan_bitmap *b,
                      char *err, size_t err_size);

/* Formats 'b' in the compact form vlan_bitmap_parse() reads, ranges
 * collapsed ("10,20,100-199").  Writes "" for an empty set.  Returns the
 * length the full string needs (like snprintf). */
size_t vlan_bitmap_format(const struct vlan_bitmap *b, char *buf,
                          size_t size);

/* Parses a single VLAN ID VLAN_MIN..VLAN_MAX.  Returns 0 or -EINVAL with a
 * reason in 'err' naming 'what' (e.g. "vlan", "native"). */
int vlan_parse_vid(const char *what, const char *s, uint16_t *vid,
                   char *err, size_t err_size);

/* Builds a TCI from a VID and the priority bits of 'pcp_tci' (only its PCP
 * and CFI bits are used). */
static inline uint16_t
vlan_tci(uint16_t vid, uint16_t pcp_tci)
{
    return (pcp_tci & (VLAN_PCP_MASK | VLAN_CFI)) | (vid & VLAN_VID_MASK);
}

/* True if 'type' is the TPID of a VLAN tag that some switch would read as
 * one (802.1Q, 802.1ad, or the pre-standard 0x9100). */
static inline bool
vlan_tpid_is_tag(uint16_t type)
{
    return type == ETH_TYPE_VLAN || type == ETH_TYPE_VLAN_8021AD
           || type == ETH_TYPE_VLAN_QINQ_OLD;
}

/* VLAN ingress: decides which VLAN the frame that 'pi' describes belongs
 * to on a port, or that the port does not accept it.
 *
 *   'access'         the port is an access port: no tagged frame enters.
 *   'untagged_vlan'  the VLAN of untagged frames (access VLAN, trunk's
 *                    native VLAN, 0 for a port without VLAN settings), or
 *                    -1 when untagged frames are refused.
 *   'member'         the VLANs the port carries.
 *
 * A priority tag (VID 0) counts as untagged.  A frame classified as
 * untagged must not carry a VLAN tag after its priority tag: that inner tag
 * would surface wherever the frame leaves untagged, and the frame would
 * change VLAN (the priority-tag VLAN hop).  On success stores the VLAN in
 * '*vlan' and the tag whose priority bits are kept in '*tci', and returns
 * true. */
bool vlan_ingress(const struct packet_info *pi, bool access,
                  int untagged_vlan, const struct vlan_bitmap *member,
                  uint16_t *vlan, uint16_t *tci);

/* VLAN egress: true if a frame whose ethertype after its outer tag is
 * 'inner_type' (packet_info's 'eth_type') may leave a port with
 * ('tag_out') or without a VLAN tag.  A frame that would leave untagged
 * with another VLAN tag right behind its addresses is refused: that tag
 * would put it in another VLAN on the wire. */
static inline bool
vlan_egress_ok(uint16_t inner_type, bool tag_out)
{
    return tag_out || !vlan_tpid_is_tag(inner_type);
}

/* ---- A port's VLAN rules: the datapath's VLAN stages -------------------- */

/* What a port does with VLANs.  Built by vlan_port_init(), then read only
 * (the datapath copies it into each snapshot). */
struct vlan_port {
    bool access;                /* Access port: no tagged frame enters. */
    int untagged;               /* VLAN of untagged frames and the VLAN
                                 * that leaves untagged: the access VLAN,
                                 * the trunk's native VLAN, 0 for a port in
                                 * VLAN_MODE_ALL; -1 for a trunk without a
                                 * native VLAN (untagged frames refused). */
    struct vlan_bitmap member;  /* VLANs the port carries (access VLAN,
                                 * trunks plus native, or 1-4094 plus 0). */
};

/* Builds the rules of a port in 'mode': 'vid' is the access VLAN,
 * 'trunks' (NULL for none) and 'native' (0 for none) a trunk's. */
void vlan_port_init(struct vlan_port *, enum vlan_mode mode, uint16_t vid,
                    const struct vlan_bitmap *trunks, uint16_t native);

/* True if the port carries VLAN 'vid' (a frame in it may enter or leave
 * the port). */
static inline bool
vlan_port_carries(const struct vlan_port *vp, uint16_t vid)
{
    return vlan_bitmap_test(&vp->member, vid);
}

/* The VLAN ingress stage: vlan_ingress() with the port's rules. */
static inline bool
vlan_port_ingress(const struct vlan_port *vp, const struct packet_info *pi,
                  uint16_t *vlan, uint16_t *tci)
{
    return vlan_ingress(pi, vp->access, vp->untagged, &vp->member, vlan, tci);
}

/* True if a frame in VLAN 'vid' leaves the port tagged: every VLAN but the
 * one the port sends untagged, and never VLAN 0, which is untagged traffic
 * (a tag with VID 0 would be a priority tag).  This is also what an
 * announcement the switch sends on the port does.
 *
 * In the datapath only ports in VLAN_MODE_ALL carry VLAN 0, and they send
 * it untagged anyway; the VLAN 0 rule matters for a team's announcement
 * queued for VLAN 0 while the team carried it and sent after the team
 * became a trunk without a native VLAN: it leaves untagged, as it always
 * did. */
static inline bool
vlan_port_tags(const struct vlan_port *vp, uint16_t vid)
{
    return !vp->access && vid && vid != vp->untagged;
}

/* True if ports 'a' and 'b' carry a VLAN in common. */
bool vlan_port_shares(const struct vlan_port *a, const struct vlan_port *b);

/* The VLAN egress stage, for a frame in VLAN 'vid' that the port carries,
 * with 'inner_type' after its outer tag (packet_info's 'eth_type'): sets
 * '*tag_out' to vlan_port_tags(), and returns false if the frame may not
 * leave at all (vlan_egress_ok()). */
static inline bool
vlan_port_egress(const struct vlan_port *vp, uint16_t vid,
                 uint16_t inner_type, bool *tag_out)
{
    *tag_out = vlan_port_tags(vp, vid);
    return vlan_egress_ok(inner_type, *tag_out);
}

/* Writes the 802.1Q tag pushed on output: VID 'vid' with the priority bits
 * of 'pcp_tci' (vlan_tci()), 4 bytes in network order. */
void vlan_tag_put(uint8_t tag[4], uint16_t vid, uint16_t pcp_tci);

#endif /* vlan.h */
