/* The hash team policy: frames go into one of TEAM_BUCKETS buckets by a
 * hash of their L2, L2+L3 or L3+L4 fields (team_hash_bucket()), and each
 * bucket is on one member.  One station's flows leave on several members,
 * so upstream must aggregate the members (static link aggregation): it
 * may deliver a frame on any member, and a move needs no announcement. */
#include <autoconf.h>
#include "team-policy.h"

#include <stdio.h>

static bool
hash_needs_l3(enum team_hash_fields fields)
{
    return fields != TEAM_HASH_L2;
}

static uint32_t
hash_select_item(const struct team_frame *f, enum team_hash_fields fields)
{
    return team_hash_bucket(f->pi, f->vlan, fields);
}

static bool
hash_rx_item(const struct team_frame *f, enum team_hash_fields fields,
             uint32_t *id)
{
    return false;
}

static void
hash_show(enum team_hash_fields fields, char *buf, size_t size)
{
    snprintf(buf, size, "hash %s", team_hash_fields_name(fields));
}

static void
hash_explain(const struct team_frame *f, enum team_hash_fields fields,
             uint32_t id, const char *port_name, char *buf, size_t size)
{
    snprintf(buf, size, "policy hash, fields %s: bucket %u",
             team_hash_fields_name(fields), id);
}

const struct team_policy_class team_policy_hash = {
    .policy = TEAM_POLICY_HASH,
    .name = "hash",
    .item = TEAM_ITEM_BUCKET,
    .rebalances = true,
    .needs_l3 = hash_needs_l3,
    .select_item = hash_select_item,
    .rx_item = hash_rx_item,
    .station_moved = NULL,
    .show = hash_show,
    .explain = hash_explain,
};
