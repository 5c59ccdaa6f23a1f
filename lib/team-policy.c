#include <autoconf.h>
#include "team-policy.h"

#include <string.h>

const struct team_policy_class *const team_policies[TEAM_N_POLICIES] = {
    [TEAM_POLICY_SRC_PORT] = &team_policy_src_port,
    [TEAM_POLICY_SRC_MAC] = &team_policy_src_mac,
    [TEAM_POLICY_HASH] = &team_policy_hash,
    [TEAM_POLICY_ACTIVE_BACKUP] = &team_policy_active_backup,
};

const struct team_policy_class *
team_policy_class(enum team_policy policy)
{
    return ((unsigned int) policy < TEAM_N_POLICIES
            ? team_policies[policy] : team_policies[TEAM_POLICY_SRC_PORT]);
}

const char *
team_policy_name(enum team_policy policy)
{
    return ((unsigned int) policy < TEAM_N_POLICIES
            ? team_policies[policy]->name : "unknown");
}

bool
team_policy_from_string(const char *s, enum team_policy *policy)
{
    for (int i = 0; i < TEAM_N_POLICIES; i++) {
        if (!strcmp(s, team_policies[i]->name)) {
            *policy = team_policies[i]->policy;
            return true;
        }
    }
    return false;
}
