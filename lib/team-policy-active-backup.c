/* The active-backup team policy: everything leaves on one member, the
 * active one; the others stand by.  Upstream needs nothing; after a
 * failover every local station is announced on the new active member. */
#include <autoconf.h>
#include "team-policy.h"

#include <stdio.h>

static uint32_t
ab_select_item(const struct team_frame *f, enum team_hash_fields fields)
{
    return 0;
}

static bool
ab_rx_item(const struct team_frame *f, enum team_hash_fields fields,
           uint32_t *id)
{
    *id = 0;
    return true;
}

static bool
ab_station_moved(uint32_t id, const uint8_t mac[ETH_ADDR_LEN], uint16_t vlan,
                 uint32_t port_no)
{
    return true;
}

static void
ab_show(enum team_hash_fields fields, char *buf, size_t size)
{
    snprintf(buf, size, "active-backup");
}

static void
ab_explain(const struct team_frame *f, enum team_hash_fields fields,
           uint32_t id, const char *port_name, char *buf, size_t size)
{
    snprintf(buf, size, "policy active-backup: everything leaves on the "
             "active member");
}

const struct team_policy_class team_policy_active_backup = {
    .policy = TEAM_POLICY_ACTIVE_BACKUP,
    .name = "active-backup",
    .item = TEAM_ITEM_ACTIVE,
    .rebalances = false,
    .needs_l3 = NULL,
    .select_item = ab_select_item,
    .rx_item = ab_rx_item,
    .station_moved = ab_station_moved,
    .show = ab_show,
    .explain = ab_explain,
};
