/* libvirt-xml: a libvirt domain's XML to the ports its NICs want.  See
 * libvirt-xml.h for the XML and the rules. */
#include <autoconf.h>
#include "libvirt-xml.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "util.h"

/* xmlGetLineNo() is a long; our messages print an int. */
#define LINE(N) ((int) xmlGetLineNo(N))

/* Attributes of <vsw:port> that are not port keys. */
static const char *const entry_attrs[] = { "mac", "alias", "bridge", NULL };

/* The port keys of set-port the metadata may give, besides
 * port-policy.h's (port_policy_is_key()).  "type" is not one: a VM's tap
 * is always a "system" port. */
static const char *const port_attrs[] = {
    "vlan", "trunks", "native", "uplink", NULL,
};

/* One <vsw:port> entry of the metadata. */
struct entry {
    xmlNode *node;       /* The <vsw:port> element (owned by the doc). */
    char *mac;           /* Owned.  Normalised "mac" attribute, or NULL. */
    char *alias;         /* Owned.  "alias" attribute, or NULL. */
    bool used;           /* Some NIC took it. */
};

static bool
str_in(const char *s, const char *const *list)
{
    for (; *list; list++) {
        if (!strcmp(s, *list)) {
            return true;
        }
    }
    return false;
}

/* ---- libxml2, hardened -------------------------------------------------- */

/* No entity, DTD or XInclude is ever fetched, from a file or the network:
 * the parser is not asked to, and this loader refuses if it still tries. */
static xmlParserInputPtr
refuse_entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    return NULL;
}

/* libxml2 prints its errors unless told otherwise: a hook's stdout is the
 * domain XML for libvirt, and its stderr goes to libvirt's log, so it
 * prints nothing; the error is taken from the context instead. */
static void
quiet_structured(void *ctx, xmlErrorPtr error)
{
}

static void G_GNUC_PRINTF(2, 3)
quiet_generic(void *ctx, const char *fmt, ...)
{
}

/* Refuses what a domain XML never holds and a hostile one does: NUL bytes
 * (UTF-16, or text cut short), a DOCTYPE (and with it entity declarations:
 * billion laughs, external entities) or an entity declaration anywhere. */
static int
check_text(const char *xml, size_t len, char **msg)
{
    static const char *const banned[] = { "<!DOCTYPE", "<!ENTITY", NULL };

    if (len > LIBVIRT_XML_MAX) {
        *msg = g_strdup_printf("domain XML of %zu bytes refused (at most %d "
                               "bytes)", len, LIBVIRT_XML_MAX);
        return -EFBIG;
    }
    if (memchr(xml, '\0', len)) {
        *msg = g_strdup("domain XML refused: it holds a NUL byte (give it "
                        "as UTF-8 text, as libvirt writes it)");
        return -EINVAL;
    }
    for (const char *const *b = banned; *b; b++) {
        if (g_strstr_len(xml, len, *b)) {
            *msg = g_strdup_printf("domain XML refused: it holds %s (a "
                                   "domain XML has no DTD or entities)",
                                   *b);
            return -EINVAL;
        }
    }
    return 0;
}

static int
read_doc(const char *xml, size_t len, xmlDoc **docp, char **msg)
{
    int options = (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
                   | XML_PARSE_NOCDATA | XML_PARSE_NOXINCNODE);
    xmlParserCtxt *ctxt;
    xmlDoc *doc;
    int error;

    error = check_text(xml, len, msg);
    if (error) {
        return error;
    }
    xmlSetExternalEntityLoader(refuse_entity_loader);
    xmlSetStructuredErrorFunc(NULL, quiet_structured);
    xmlSetGenericErrorFunc(NULL, quiet_generic);
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        *msg = g_strdup("domain XML not read: out of memory");
        return -ENOMEM;
    }
    doc = xmlCtxtReadMemory(ctxt, xml, len, "domain.xml", "UTF-8", options);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);

        *msg = g_strdup_printf("domain XML is malformed: line %d: %s",
                               e ? e->line : 0,
                               e && e->message ? g_strchomp(e->message)
                               : "unknown error");
        xmlFreeParserCtxt(ctxt);
        return -EINVAL;
    }
    xmlFreeParserCtxt(ctxt);
    if (doc->intSubset || doc->extSubset) {
        /* check_text() makes this unreachable; kept as the last line. */
        xmlFreeDoc(doc);
        *msg = g_strdup("domain XML refused: it has a DTD");
        return -EINVAL;
    }
    *docp = doc;
    return 0;
}

/* ---- Small readers ------------------------------------------------------ */

static bool
is_elem(const xmlNode *n, const char *name, const char *ns)
{
    if (n->type != XML_ELEMENT_NODE || strcmp((const char *) n->name, name)) {
        return false;
    }
    if (!ns) {
        return !n->ns;
    }
    return n->ns && n->ns->href && !strcmp((const char *) n->ns->href, ns);
}

static xmlNode *
child(const xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent->children; n; n = n->next) {
        if (is_elem(n, name, NULL)) {
            return n;
        }
    }
    return NULL;
}

/* An attribute without namespace, as a g_malloc()ed string, or NULL. */
static char *
attr(const xmlNode *n, const char *name)
{
    xmlChar *v = n ? xmlGetNoNsProp(n, (const xmlChar *) name) : NULL;
    char *s = v ? g_strdup((const char *) v) : NULL;

    xmlFree(v);
    return s;
}

static char *
text(const xmlNode *n)
{
    xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
    char *s = v ? g_strstrip(g_strdup((const char *) v)) : NULL;

    xmlFree(v);
    return s;
}

/* 'in' as "xx:xx:xx:xx:xx:xx" in lower case, or NULL if not a MAC. */
static char *
mac_normalise(const char *in)
{
    uint8_t mac[ETH_ADDR_LEN];

    if (!in || !eth_addr_parse(in, mac)) {
        return NULL;
    }
    return g_strdup_printf(ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
}

/* ---- Metadata ----------------------------------------------------------- */

static void
entries_free(GPtrArray *entries)
{
    for (guint i = 0; i < entries->len; i++) {
        struct entry *e = g_ptr_array_index(entries, i);

        g_free(e->mac);
        g_free(e->alias);
        g_free(e);
    }
    g_ptr_array_free(entries, TRUE);
}

/* Checks one <vsw:port>: its attributes and children are ones we know, it
 * names its NIC once.  The values are checked later, per NIC. */
static int
read_entry(xmlNode *n, GPtrArray *entries, char **msg)
{
    char *mac_text = attr(n, "mac");
    struct entry *e = g_new0(struct entry, 1);
    GString *unknown = g_string_new(NULL);

    e->node = n;
    e->alias = attr(n, "alias");
    e->mac = mac_normalise(mac_text);
    for (xmlAttr *a = n->properties; a; a = a->next) {
        const char *name = (const char *) a->name;

        if (a->ns || (!str_in(name, entry_attrs) && !str_in(name, port_attrs)
                      && !port_policy_is_key(name))) {
            g_string_append_printf(unknown, "%s%s", unknown->len ? ", " : "",
                                   name);
        }
    }
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE
            && !is_elem(c, "allowed-mac", LIBVIRT_XML_NS)) {
            g_string_append_printf(unknown, "%s<%s>",
                                   unknown->len ? ", " : "", c->name);
        }
    }
    g_ptr_array_add(entries, e);

    if (unknown->len) {
        *msg = g_strdup_printf("<vsw:port> on line %d: unknown %s (the "
                               "keys are those of vswitch-ctl set-port, "
                               "with mac, alias and bridge; see "
                               "vswitch-libvirt-hook(8))",
                               LINE(n), unknown->str);
    } else if (!mac_text && !e->alias) {
        *msg = g_strdup_printf("<vsw:port> on line %d names no NIC (give "
                               "mac=\"52:54:00:...\" or alias=\"ua-...\")",
                               LINE(n));
    } else if (mac_text && !e->mac) {
        *msg = g_strdup_printf("<vsw:port> on line %d: mac \"%s\" is not a "
                               "MAC address (write xx:xx:xx:xx:xx:xx)",
                               LINE(n), mac_text);
    }
    g_string_free(unknown, TRUE);
    g_free(mac_text);
    if (*msg) {
        return -EINVAL;
    }
    for (guint i = 0; i + 1 < entries->len; i++) {
        const struct entry *o = g_ptr_array_index(entries, i);

        if ((e->alias && o->alias && !strcmp(e->alias, o->alias))
            || (!e->alias && !o->alias && !strcmp(e->mac, o->mac))) {
            *msg = g_strdup_printf("<vsw:port> on line %d repeats the one "
                                   "on line %d for %s %s (give one entry "
                                   "per NIC)", LINE(n),
                                   LINE(o->node),
                                   e->alias ? "alias" : "mac",
                                   e->alias ? e->alias : e->mac);
            return -EINVAL;
        }
    }
    return 0;
}

/* Fills 'entries' from <metadata><vsw:ports>; none is fine. */
static int
read_metadata(const xmlNode *root, GPtrArray *entries, char **msg)
{
    const xmlNode *md = child(root, "metadata");
    const xmlNode *ports = NULL;

    if (!md) {
        return 0;
    }
    for (xmlNode *n = md->children; n; n = n->next) {
        if (is_elem(n, "ports", LIBVIRT_XML_NS)) {
            if (ports) {
                *msg = g_strdup_printf("<vsw:ports> given twice (lines %d "
                                       "and %d): put every <vsw:port> in "
                                       "one", LINE(ports),
                                       LINE(n));
                return -EINVAL;
            }
            ports = n;
        } else if (n->type == XML_ELEMENT_NODE && n->ns && n->ns->href
                   && !strcmp((const char *) n->ns->href, LIBVIRT_XML_NS)) {
            *msg = g_strdup_printf("unknown element <%s> on line %d in "
                                   "namespace %s (expected <ports>)",
                                   n->name, LINE(n), LIBVIRT_XML_NS);
            return -EINVAL;
        }
    }
    if (!ports) {
        return 0;
    }
    for (xmlNode *n = ports->children; n; n = n->next) {
        int error;

        if (n->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (!is_elem(n, "port", LIBVIRT_XML_NS)) {
            *msg = g_strdup_printf("unknown element <%s> on line %d in "
                                   "<vsw:ports> (expected <vsw:port>)",
                                   n->name, LINE(n));
            return -EINVAL;
        }
        error = read_entry(n, entries, msg);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* The entry for a NIC: by alias first, then by MAC. */
static struct entry *
find_entry(GPtrArray *entries, const char *alias, const char *mac)
{
    for (guint i = 0; alias && i < entries->len; i++) {
        struct entry *e = g_ptr_array_index(entries, i);

        if (e->alias && !strcmp(e->alias, alias)) {
            return e;
        }
    }
    for (guint i = 0; mac && i < entries->len; i++) {
        struct entry *e = g_ptr_array_index(entries, i);

        if (!e->alias && e->mac && !strcmp(e->mac, mac)) {
            return e;
        }
    }
    return NULL;
}

/* ---- One NIC ------------------------------------------------------------ */

static void
nic_free(void *nic_)
{
    struct libvirt_nic *nic = nic_;

    g_free(nic->key);
    g_free(nic->alias);
    g_free(nic->mac);
    g_free(nic->type);
    g_free(nic->dev);
    g_free(nic->bridge);
    g_strfreev(nic->settings);
    g_free(nic->skip);
    g_free(nic->error);
    g_free(nic);
}

/* "allowed-macs": the NIC's <mac> and the entry's <vsw:allowed-mac>
 * children, or NULL with 'nic->error' set. */
static char *
allowed_macs(struct libvirt_nic *nic, const xmlNode *entry)
{
    GString *s = g_string_new(nic->mac);

    for (xmlNode *c = entry ? entry->children : NULL; c; c = c->next) {
        char *t, *mac;

        if (!is_elem(c, "allowed-mac", LIBVIRT_XML_NS)) {
            continue;
        }
        t = text(c);
        mac = mac_normalise(t);
        if (!mac) {
            nic->error = g_strdup_printf("NIC %s: <vsw:allowed-mac> \"%s\" "
                                         "on line %d is not a MAC address "
                                         "(write xx:xx:xx:xx:xx:xx)",
                                         nic->key, t, LINE(c));
            g_free(t);
            g_string_free(s, TRUE);
            return NULL;
        }
        g_string_append_printf(s, "%s%s", s->len ? "," : "", mac);
        g_free(mac);
        g_free(t);
    }
    return g_string_free(s, !s->len);
}

static bool
has_attr(const xmlNode *entry, const char *key)
{
    return entry && xmlHasNsProp(entry, (const xmlChar *) key, NULL);
}

static bool
has_allowed_mac_child(const xmlNode *entry)
{
    for (xmlNode *c = entry->children; c; c = c->next) {
        if (is_elem(c, "allowed-mac", LIBVIRT_XML_NS)) {
            return true;
        }
    }
    return false;
}

/* Adds "key=value" to 'kv' unless the entry sets 'key' itself. */
static void
add_default(GPtrArray *kv, const xmlNode *entry, const char *key,
            const char *value)
{
    if (value && !has_attr(entry, key)) {
        g_ptr_array_add(kv, g_strdup_printf("%s=%s", key, value));
    }
}

/* The settings of 'nic' from its <interface> 'iface' and metadata 'entry'
 * (NULL if none), checked by the code behind set-port. */
static void
nic_settings(struct libvirt_nic *nic, const xmlNode *iface,
             const xmlNode *entry)
{
    GPtrArray *kv = g_ptr_array_new_with_free_func(g_free);
    char *mtu = attr(child(iface, "mtu"), "size");
    char *link = attr(child(iface, "link"), "state");
    struct config *cfg = config_new();
    struct config_port *cp = NULL;
    char *msg = NULL;
    char *macs = NULL;

    for (xmlAttr *a = entry ? entry->properties : NULL; a; a = a->next) {
        const char *name = (const char *) a->name;
        xmlChar *v;

        if (str_in(name, entry_attrs)) {
            continue;
        }
        v = xmlNodeListGetString(a->doc, a->children, 1);
        g_ptr_array_add(kv, g_strdup_printf("%s=%s", name,
                                            v ? (const char *) v : ""));
        xmlFree(v);
    }
    if (has_attr(entry, "vlan") && has_attr(entry, "trunks")) {
        /* set-port applies them in turn, the last one winning; in one
         * element there is no order to go by. */
        nic->error = g_strdup_printf("NIC %s: give vlan= (an access port) "
                                     "or trunks= (a trunk), not both",
                                     nic->key);
        goto out;
    }
    if (!has_attr(entry, "allowed-macs")) {
        macs = allowed_macs(nic, entry);
        if (nic->error) {
            goto out;
        }
        add_default(kv, entry, "allowed-macs", macs);
    } else if (has_allowed_mac_child(entry)) {
        nic->error = g_strdup_printf("NIC %s: give allowed-macs= or "
                                     "<vsw:allowed-mac> elements, not both",
                                     nic->key);
        goto out;
    }
    add_default(kv, entry, "mtu", mtu);
    add_default(kv, entry, "enabled",
                link && !strcmp(link, "down") ? "no" : NULL);

    /* Check everything as add-port would, on a scratch configuration. */
    if (!config_add_bridge(cfg, nic->bridge, &msg)
        || !(cp = config_add_port(cfg, nic->bridge,
                                  nic->dev ? nic->dev : "vsw-check",
                                  &msg))) {
        nic->error = g_strdup_printf("NIC %s: %s", nic->key, msg);
        goto out;
    }
    for (guint i = 0; i < kv->len; i++) {
        const char *s = g_ptr_array_index(kv, i);
        char *key = g_strndup(s, strcspn(s, "="));
        int error = config_port_set(cp, key, s + strlen(key) + 1, &msg);

        g_free(key);
        if (error) {
            break;
        }
    }
    if (msg || config_port_validate(cp, &msg)) {
        nic->error = g_strdup_printf("NIC %s: %s", nic->key, msg);
        goto out;
    }
    g_ptr_array_add(kv, NULL);
    nic->settings = (char **) g_ptr_array_free(kv, FALSE);
    kv = NULL;

out:
    if (nic->error) {
        g_clear_pointer(&nic->bridge, g_free);
    }
    g_free(msg);
    if (kv) {
        g_ptr_array_free(kv, TRUE);
    }
    config_free(cfg);
    g_free(macs);
    g_free(mtu);
    g_free(link);
}

/* One <interface>; 'index' is its position, 'same_mac' how many NICs with
 * its MAC came before it. */
static struct libvirt_nic *
read_nic(const xmlNode *iface, guint index, GPtrArray *entries,
         const char *default_bridge, const GPtrArray *nics)
{
    struct libvirt_nic *nic = g_new0(struct libvirt_nic, 1);
    char *mac_text = attr(child(iface, "mac"), "address");
    struct entry *e;
    guint same_mac = 0;

    nic->type = attr(iface, "type");
    nic->alias = attr(child(iface, "alias"), "name");
    nic->dev = attr(child(iface, "target"), "dev");
    nic->mac = mac_normalise(mac_text);
    for (guint i = 0; nic->mac && i < nics->len; i++) {
        const struct libvirt_nic *o = g_ptr_array_index(nics, i);

        same_mac += o->mac && !strcmp(o->mac, nic->mac);
    }
    nic->key = (nic->alias ? g_strdup(nic->alias)
                : nic->mac ? g_strdup_printf("%s#%u", nic->mac, same_mac)
                : g_strdup_printf("#%u", index));

    e = find_entry(entries, nic->alias, nic->mac);
    if (e) {
        e->used = true;
    }
    if (!nic->type || strcmp(nic->type, "ethernet")) {
        nic->skip = g_strdup_printf("NIC %s: type '%s' is not ours (only "
                                    "type='ethernet' NICs are attached)",
                                    nic->key,
                                    nic->type ? nic->type : "(none)");
        if (e) {
            nic->error = g_strdup_printf("NIC %s has a <vsw:port> entry but "
                                         "type '%s' (make it "
                                         "<interface type='ethernet'>)",
                                         nic->key,
                                         nic->type ? nic->type : "");
        }
    } else if (mac_text && !nic->mac) {
        nic->error = g_strdup_printf("NIC %s: <mac address='%s'> is not a "
                                     "MAC address", nic->key, mac_text);
    } else if (!e && !default_bridge) {
        nic->skip = g_strdup_printf("NIC %s: no <vsw:port> entry and no "
                                    "default bridge ([libvirt] "
                                    "default-bridge)", nic->key);
    } else {
        char *bridge = e ? attr(e->node, "bridge") : NULL;

        nic->bridge = bridge ? bridge : g_strdup(default_bridge);
        if (!nic->bridge) {
            nic->error = g_strdup_printf("NIC %s: its <vsw:port> names no "
                                         "bridge and there is no default "
                                         "bridge (add bridge=\"br0\")",
                                         nic->key);
        } else {
            nic_settings(nic, iface, e ? e->node : NULL);
        }
    }
    g_free(mac_text);
    return nic;
}

/* ---- The domain --------------------------------------------------------- */

void
libvirt_domain_free(struct libvirt_domain *dom)
{
    if (dom) {
        g_free(dom->name);
        g_free(dom->uuid);
        g_free(dom->error);
        g_ptr_array_free(dom->nics, TRUE);
        g_free(dom);
    }
}

static int
read_domain(xmlDoc *doc, const char *default_bridge,
            struct libvirt_domain *dom, char **msg)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    GPtrArray *entries = g_ptr_array_new();
    const xmlNode *devices;
    int error = 0;

    if (!root || !is_elem(root, "domain", NULL)) {
        *msg = g_strdup_printf("not a domain XML: the root is <%s>, not "
                               "<domain>",
                               root ? (const char *) root->name : "");
        error = -EINVAL;
        goto out;
    }
    dom->name = text(child(root, "name"));
    dom->uuid = text(child(root, "uuid"));
    if (!dom->name || !dom->name[0]) {
        *msg = g_strdup("domain XML has no <name>");
        error = -EINVAL;
        goto out;
    }
    if (read_metadata(root, entries, &dom->error)) {
        goto out;
    }
    devices = child(root, "devices");
    for (xmlNode *n = devices ? devices->children : NULL; n; n = n->next) {
        if (is_elem(n, "interface", NULL)) {
            g_ptr_array_add(dom->nics,
                            read_nic(n, dom->nics->len, entries,
                                     default_bridge, dom->nics));
        }
    }
    for (guint i = 0; i < entries->len; i++) {
        const struct entry *e = g_ptr_array_index(entries, i);

        if (!e->used) {
            g_ptr_array_set_size(dom->nics, 0);
            dom->error = g_strdup_printf("<vsw:port> on line %d is for %s %s, "
                                   "which no <interface> of domain %s has",
                                   LINE(e->node),
                                   e->alias ? "alias" : "mac",
                                   e->alias ? e->alias : e->mac, dom->name);
            goto out;
        }
    }
out:
    entries_free(entries);
    return error;
}

int
libvirt_domain_parse(const char *xml, size_t len, const char *default_bridge,
                     struct libvirt_domain **domp, char **msg)
{
    struct libvirt_domain *dom;
    xmlDoc *doc;
    int error;

    *domp = NULL;
    *msg = NULL;
    error = read_doc(xml, len, &doc, msg);
    if (error) {
        return error;
    }
    dom = g_new0(struct libvirt_domain, 1);
    dom->nics = g_ptr_array_new_with_free_func(nic_free);
    error = read_domain(doc, default_bridge, dom, msg);
    xmlFreeDoc(doc);
    if (error) {
        libvirt_domain_free(dom);
        return error;
    }
    *domp = dom;
    return 0;
}
