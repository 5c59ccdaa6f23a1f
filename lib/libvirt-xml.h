/* libvirt-xml: a libvirt domain's XML to the ports its NICs want.
 *
 * The project's only libxml2 user.  Takes the domain XML libvirt hands a
 * hook on stdin (or an agent gets from virDomainGetXMLDesc()) and returns
 * the domain's name and UUID and one entry per <interface>: its MAC, alias,
 * type, target device, and the port settings our metadata gives it:
 *
 *   <metadata>
 *     <vsw:ports xmlns:vsw="urn:vswitchd:libvirt:1">
 *       <vsw:port mac="52:54:00:00:00:01" bridge="br0" vlan="42"
 *                 mac-limit="4" rate-in="100M">
 *         <vsw:allowed-mac>52:54:00:00:00:99</vsw:allowed-mac>
 *       </vsw:port>
 *     </vsw:ports>
 *   </metadata>
 *
 * A <vsw:port> names its NIC by "mac" (every NIC with that MAC) or by
 * "alias" (one NIC, e.g. a user alias "ua-net1", for domains where two
 * NICs share a MAC); an alias entry wins over a MAC entry.  Its other
 * attributes are the port keys of set-port, by the same names: vlan,
 * trunks, native, uplink and every port-policy.h key; "bridge" names the
 * bridge.  Standard elements give defaults that the metadata overrides:
 * <mac address> is the port's allowed source (port security on, unless
 * the metadata says allowed-macs=any; <vsw:allowed-mac> children add
 * more), <mtu size> the MTU, <link state='down'> enabled=no.
 *
 * Every value goes through config_port_set() and config_port_validate(),
 * the code behind set-port, so a policy the hook accepts is one the daemon
 * takes.
 *
 * Hostile input: the text is bounded (LIBVIRT_XML_MAX), must be UTF-8
 * without NUL bytes, and may carry no DOCTYPE or entity declaration (a
 * domain XML never has one: that refuses billion-laughs and external
 * entities before libxml2 sees them); libxml2 runs with no network, no DTD
 * loading, no entity substitution, its default depth limit, no output on
 * stdout or stderr, and an external entity loader that refuses everything.
 *
 * Errors: 0 or a negative errno with a message (util.h's convention).
 *
 * Thread-safety: not thread-safe (libxml2's global entity loader is set on
 * first use); one thread of a small process (the hook) calls it. */
#ifndef VSWITCH_LIBVIRT_XML_H
#define VSWITCH_LIBVIRT_XML_H 1

#include <glib.h>
#include <stddef.h>

/* Largest domain XML accepted, in bytes. */
#define LIBVIRT_XML_MAX (4 * 1024 * 1024)
/* Our metadata's namespace. */
#define LIBVIRT_XML_NS "urn:vswitchd:libvirt:1"

/* One <interface> of the domain. */
struct libvirt_nic {
    char *key;           /* Owned.  Names the NIC within the domain: its
                          * alias, else "MAC#N" (N: how many NICs with that
                          * MAC came before), else "#N" (its index). */
    char *alias;         /* Owned.  <alias name>, or NULL. */
    char *mac;           /* Owned.  <mac address>, lower case, or NULL. */
    char *type;          /* Owned.  The interface's type attribute. */
    char *dev;           /* Owned.  <target dev>, or NULL (libvirt names
                          * auto-created taps only once the domain runs). */
    char *bridge;        /* Owned.  The bridge to attach to; NULL when
                          * 'skip' or 'error' is set. */
    char **settings;     /* Owned (g_strfreev()).  "KEY=VALUE" for add-port,
                          * NULL-terminated; NULL when 'bridge' is. */
    char *skip;          /* Owned.  Why the NIC is left alone (another type,
                          * no entry and no default bridge), or NULL. */
    char *error;         /* Owned.  Why its policy is refused (one line
                          * naming the NIC, the key and the fix), or
                          * NULL. */
};

struct libvirt_domain {
    char *name;          /* Owned.  <name>. */
    char *uuid;          /* Owned.  <uuid>, or NULL if it has none. */
    char *error;         /* Owned.  Why our metadata is refused (an
                          * element or attribute we do not know, an entry
                          * that names no NIC or one twice), or NULL.
                          * When set, 'nics' is empty: the name and UUID
                          * are still good for removing the domain's
                          * ports. */
    GPtrArray *nics;     /* Owned 'struct libvirt_nic *', in document
                          * order. */
};

/* Parses 'len' bytes of domain XML at 'xml'.  A NIC with no metadata entry
 * goes to 'default_bridge', or is skipped when that is NULL.  Returns 0 and
 * '*domp' (caller frees with libvirt_domain_free()), or -EINVAL (not a
 * domain, malformed, hostile) or -EFBIG (over LIBVIRT_XML_MAX) with '*msg'
 * set (caller frees with g_free()).  Bad metadata is not a parse error:
 * the domain carries it in its 'error'; nor is a NIC whose policy is
 * invalid: the NIC carries its own. */
int libvirt_domain_parse(const char *xml, size_t len,
                         const char *default_bridge,
                         struct libvirt_domain **domp, char **msg);
void libvirt_domain_free(struct libvirt_domain *);   /* Accepts NULL. */

#endif /* libvirt-xml.h */
