/* The src-port team policy: each VM port of the bridge is assigned to one
 * member, and everything the port sends leaves there.  Upstream needs
 * nothing (switch-independent): a station is always behind one member, so
 * upstream sends frames for it to that member. */
#include <autoconf.h>
#include "team-policy.h"

#include <stdio.h>

static uint32_t
src_port_select_item(const struct team_frame *f, enum team_hash_fields fields)
{
    return f->port_no;
}

static bool
src_port_rx_item(const struct team_frame *f, enum team_hash_fields fields,
                 uint32_t *id)
{
    *id = f->port_no;
    return true;
}

static bool
src_port_station_moved(uint32_t id, const uint8_t mac[ETH_ADDR_LEN],
                       uint16_t vlan, uint32_t port_no)
{
    return port_no == id;
}

static void
src_port_show(enum team_hash_fields fields, char *buf, size_t size)
{
    snprintf(buf, size, "src-port");
}

static void
src_port_explain(const struct team_frame *f, enum team_hash_fields fields,
                 uint32_t id, const char *port_name, char *buf, size_t size)
{
    snprintf(buf, size, "policy src-port: " ETH_ADDR_FMT " is on port %s, "
             "which is assigned to this member",
             ETH_ADDR_ARGS(f->pi->eth_src), port_name ? port_name : "?");
}

const struct team_policy_class team_policy_src_port = {
    .policy = TEAM_POLICY_SRC_PORT,
    .name = "src-port",
    .item = TEAM_ITEM_PORT,
    .rebalances = true,
    .needs_l3 = NULL,
    .select_item = src_port_select_item,
    .rx_item = src_port_rx_item,
    .station_moved = src_port_station_moved,
    .show = src_port_show,
    .explain = src_port_explain,
};
