/* config-port: a port of the configuration as an object: its fields
 * (also those of the port inside each team), copies, comparison, and its
 * sharing between a configuration and its clones (see config_edit_port()
 * in config.h).  Its settings are config.c's; it calls none of the rest of
 * the module. */
#include <autoconf.h>
#include "config.h"

#include <string.h>
#include "config-private.h"

/* A port's fields, also those of the port inside each team. */
void
config_port_init(struct config_port *p, const char *name, const char *bridge)
{
    memset(p, 0, sizeof *p);
    p->name = g_strdup(name);
    p->bridge = g_strdup(bridge);
    p->mode = VLAN_MODE_ALL;
    vlan_bitmap_clear_all(&p->trunks);
    port_policy_init(&p->policy, false);
}

void
config_port_uninit(struct config_port *p)
{
    g_free(p->name);
    g_free(p->bridge);
    g_free(p->uplink);
    g_free(p->owner);
}

/* Makes 'dst' (uninitialized) a deep copy of 'src'. */
void
config_port_copy(struct config_port *dst, const struct config_port *src)
{
    *dst = *src;
    dst->name = g_strdup(src->name);
    dst->bridge = g_strdup(src->bridge);
    dst->uplink = g_strdup(src->uplink);
    dst->owner = g_strdup(src->owner);
}

bool
config_port_equal(const struct config_port *x, const struct config_port *y)
{
    return (!strcmp(x->name, y->name) && !strcmp(x->bridge, y->bridge)
            && x->mode == y->mode && x->vlan == y->vlan
            && vlan_bitmap_equal(&x->trunks, &y->trunks)
            && x->native == y->native && !g_strcmp0(x->uplink, y->uplink)
            && x->type == y->type && !g_strcmp0(x->owner, y->owner)
            && port_policy_equal(&x->policy, &y->policy));
}

/* A configuration's port.  config_clone() shares it rather than copying
 * it, until a change to one configuration's port (config_edit_port())
 * gives that configuration a copy of its own: a transaction over a
 * thousand ports copies a thousand pointers, and who applies its result
 * knows a port that did not change by its address.  Configurations are
 * the control thread's: the count is plain. */
struct port_box {
    unsigned int refs;              /* Configurations that have it. */
    struct config_port port;
};

static struct port_box *
port_box(const struct config_port *p)
{
    return CONTAINER_OF(p, struct port_box, port);
}

struct config_port *
config_port_new(const char *name, const char *bridge)
{
    struct port_box *box = g_new(struct port_box, 1);

    box->refs = 1;
    config_port_init(&box->port, name, bridge);
    return &box->port;
}

struct config_port *
config_port_dup(const struct config_port *src)
{
    struct port_box *box = g_new(struct port_box, 1);

    box->refs = 1;
    config_port_copy(&box->port, src);
    return &box->port;
}

void
config_port_unref(void *p)
{
    struct port_box *box = port_box(p);

    if (!--box->refs) {
        config_port_uninit(&box->port);
        g_free(box);
    }
}

struct config_port *
config_port_ref(struct config_port *p)
{
    port_box(p)->refs++;
    return p;
}

struct config_port *
config_port_unshare(struct config *cfg, guint i)
{
    struct config_port *p = g_ptr_array_index(cfg->ports, i);

    if (port_box(p)->refs > 1) {
        port_box(p)->refs--;
        p = config_port_dup(p);
        cfg->ports->pdata[i] = p;
    }
    return p;
}

