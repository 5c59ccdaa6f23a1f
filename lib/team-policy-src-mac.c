/* The src-mac team policy: frames go into one of TEAM_BUCKETS buckets by
 * their source MAC and VLAN (team_hash_src_mac()), and each bucket is on
 * one member.  Upstream needs nothing (switch-independent): a station's
 * frames always leave on one member, so upstream sends frames for it
 * there. */
#include <autoconf.h>
#include "team-policy.h"

#include <stdio.h>

static uint32_t
src_mac_select_item(const struct team_frame *f, enum team_hash_fields fields)
{
    return team_hash_src_mac(f->pi->eth_src, f->vlan);
}

static bool
src_mac_rx_item(const struct team_frame *f, enum team_hash_fields fields,
                uint32_t *id)
{
    /* The destination's bucket is the one its own frames fall in. */
    *id = team_hash_src_mac(f->pi->eth_dst, f->vlan);
    return true;
}

static bool
src_mac_station_moved(uint32_t id, const uint8_t mac[ETH_ADDR_LEN],
                      uint16_t vlan, uint32_t port_no)
{
    return team_hash_src_mac(mac, vlan) == id;
}

static void
src_mac_show(enum team_hash_fields fields, char *buf, size_t size)
{
    snprintf(buf, size, "src-mac");
}

static void
src_mac_explain(const struct team_frame *f, enum team_hash_fields fields,
                uint32_t id, const char *port_name, char *buf, size_t size)
{
    snprintf(buf, size, "policy src-mac: hash of " ETH_ADDR_FMT " and vlan "
             "%u is bucket %u", ETH_ADDR_ARGS(f->pi->eth_src), f->vlan, id);
}

const struct team_policy_class team_policy_src_mac = {
    .policy = TEAM_POLICY_SRC_MAC,
    .name = "src-mac",
    .item = TEAM_ITEM_BUCKET,
    .rebalances = true,
    .needs_l3 = NULL,
    .select_item = src_mac_select_item,
    .rx_item = src_mac_rx_item,
    .station_moved = src_mac_station_moved,
    .show = src_mac_show,
    .explain = src_mac_explain,
};
