/* bridge-policy: the parts of the ports' policies (port-policy.h) that
 * bridge.c and bridge-cmd.c share and that need none of their state: the
 * device's MTU, the policy's text in logs and 'show', the end of 'show'
 * (the [libvirt] group, the JSON answer).  Calls only lib/
 * (bridge-private.h). */
#include <autoconf.h>
#include "bridge-private.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "config.h"
#include "ctl-server.h"
#include "ctl-util.h"
#include "port-policy.h"

int
bridge_device_set_mtu(const char *name, unsigned int mtu, unsigned int *old,
                      char *err, size_t err_size)
{
    struct ifreq ifr;
    int error = 0;
    int fd;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = -errno;
        snprintf(err, err_size, "cannot set the mtu of %s: socket: %s",
                 name, g_strerror(-error));
        return error;
    }
    memset(&ifr, 0, sizeof ifr);
    g_strlcpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
    if (ioctl(fd, SIOCGIFMTU, &ifr)) {
        error = -errno;
        snprintf(err, err_size, "cannot read the mtu of %s: %s", name,
                 g_strerror(-error));
    } else {
        if (old) {
            *old = ifr.ifr_mtu;
        }
        if ((unsigned int) ifr.ifr_mtu != mtu) {
            ifr.ifr_mtu = mtu;
            if (ioctl(fd, SIOCSIFMTU, &ifr)) {
                error = -errno;
                snprintf(err, err_size, "device %s refuses mtu %u: %s (give "
                         "an mtu its driver takes, or mtu=none to leave the "
                         "device's as it is)", name, mtu,
                         g_strerror(-error));
            }
        }
    }
    close(fd);
    return error;
}

void
bridge_policy_append_key(const char *key, const char *value, void *s)
{
    g_string_append_printf(s, " %s=%s", key, value);
}

static void
show_policy_json(const char *key, const char *value, void *o)
{
    json_object_set_string_member(o, key, value);
}

void
bridge_show_port_policy(const struct config_port *cp, const char *state,
                        struct ctl_reply *reply, JsonObject *jp)
{
    JsonObject *jpolicy = json_object_new();
    GString *keys = g_string_new(NULL);

    if (!strcmp(state, "disabled")) {
        ctl_reply_printf(reply, ", disabled by operator (enabled=no)");
    } else if (strcmp(state, "enabled")) {
        ctl_reply_printf(reply, ", blocked by bpdu-guard (re-enable: "
                         "vswitch-ctl set-port %s enabled=yes)", cp->name);
    }
    ctl_reply_printf(reply, "\n");
    port_policy_format(&cp->policy, false, false, bridge_policy_append_key,
                       keys);
    if (keys->len) {
        ctl_reply_printf(reply, "        policy:%s\n", keys->str);
    }
    g_string_free(keys, TRUE);
    port_policy_format(&cp->policy, false, true, show_policy_json, jpolicy);
    json_object_set_string_member(jp, "admin-state", state);
    json_object_set_object_member(jp, "policy", jpolicy);
}

void
bridge_show_end(const struct config *cfg, JsonArray *jbridges, bool json,
                struct ctl_reply *reply)
{
    JsonObject *o, *jl;

    if (cfg->libvirt_bridge) {
        ctl_reply_printf(reply, "libvirt: default-bridge=%s\n",
                         cfg->libvirt_bridge);
    }
    if (!json) {
        json_array_unref(jbridges);
        return;
    }
    o = json_object_new();
    jl = json_object_new();
    json_object_set_array_member(o, "bridges", jbridges);
    json_object_set_string_member(jl, "default-bridge",
                                  cfg->libvirt_bridge ? cfg->libvirt_bridge
                                  : "");
    json_object_set_object_member(o, "libvirt", jl);
    ctl_reply_set_object(reply, o);
}
