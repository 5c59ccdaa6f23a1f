/* port-kind-internal: internal ports' devices (port-kind-internal.h). */
#include <autoconf.h>
#include "port-kind-internal.h"

#include <errno.h>
#include <glib.h>
#include "config.h"
#include "log.h"
#include "netdev-internal.h"

#define THIS_MODULE "bridge"

char *
internal_port_device(const struct config_port *cp)
{
    char peer[IF_NAMESIZE];
    bool created;
    char *msg;

    if (cp->type != CONFIG_PORT_INTERNAL) {
        return g_strdup(cp->name);
    }
    netdev_internal_peer_name(cp->name, peer);
    if (netdev_internal_ensure(cp->name, &created, &msg)) {
        VLOG_ERR("%s", msg);
        g_free(msg);
    } else if (created) {
        VLOG_INFO("internal port %s: created device %s for the host (the "
                  "switch opens its veth peer %s)", cp->name, cp->name, peer);
    } else {
        VLOG_INFO("internal port %s: device %s exists, kept with its "
                  "addresses", cp->name, cp->name);
    }
    return g_strdup(peer);
}

void
internal_port_delete(const char *name)
{
    char *msg;

    if (netdev_internal_delete(name, &msg)) {
        VLOG_WARN("%s", msg);
        g_free(msg);
    } else {
        VLOG_INFO("internal port %s: device %s deleted", name, name);
    }
}

static bool
has_internal(const struct config *cfg)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        const struct config_port *cp = g_ptr_array_index(cfg->ports, i);

        if (cp->type == CONFIG_PORT_INTERNAL) {
            return true;
        }
    }
    return false;
}

/* At start there is no running configuration: a clash found then is
 * logged by internal_port_device() instead, and the daemon still
 * starts. */
int
internal_port_check(const struct config *running, const struct config *cfg,
                    char **msg)
{
    GHashTable *old_ports;
    int retval = 0;

    /* With no internal port on either side every type is "system": a
     * scan, not a table of every port, for each command. */
    if (!running || (!has_internal(running) && !has_internal(cfg))) {
        return 0;
    }
    old_ports = config_port_index(running);
    for (guint i = 0; !retval && i < cfg->ports->len; i++) {
        const struct config_port *cp = g_ptr_array_index(cfg->ports, i);
        const struct config_port *old = g_hash_table_lookup(old_ports,
                                                            cp->name);

        if (old && old->type != cp->type) {
            *msg = g_strdup_printf("port %s is %s port; its type cannot "
                                   "change (del-port it, then add-port it "
                                   "again with the type wanted)", cp->name,
                                   (old->type == CONFIG_PORT_INTERNAL
                                    ? "an internal" : "a system"));
            retval = -EINVAL;
        } else if (!old && cp->type == CONFIG_PORT_INTERNAL) {
            retval = netdev_internal_probe(cp->name, msg);
            retval = (retval == -EEXIST ? -EINVAL
                      : retval < 0 ? retval : 0);
        }
    }
    g_hash_table_destroy(old_ports);
    return retval;
}
