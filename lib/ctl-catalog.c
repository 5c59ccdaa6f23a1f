#include <autoconf.h>
#include "ctl-command.h"

#include <string.h>
#include "util.h"

/* The commands of the daemon, in the order "vswitch-ctl --help" lists them
 * and under the headings of the COMMANDS section of vswitch-ctl(8).  A new
 * command is added here, bound to its handler by the module that owns it
 * (ctl_command_bind()), and documented in the man page:
 * tests/check-ctl-commands.sh fails otherwise. */
const struct ctl_command_doc ctl_command_docs[] = {
    { "Bridges", "add-br", "BR [mac-aging=SECS] [mac-table-size=N]",
      "Create bridge BR.", 1, 3 },
    { "Bridges", "set-br", "BR KEY=VALUE...",
      "Change mac-aging or mac-table-size of BR.", 2, -1 },
    { "Bridges", "del-br", "BR",
      "Delete bridge BR and all its ports.", 1, 1 },
    { "Bridges", "list-br", "", "List the bridges.", 0, 0 },

    { "Ports", "add-port",
      "BR IFACE [type=internal] [vlan=N | trunks=LIST [native=N]] "
      "[uplink=IFACE] "
      "[enabled=yes|no] [bpdu-guard=yes|no] "
      "[allowed-macs=MAC,...|any] [mac-security=source|strict] "
      "[mac-limit=N|unlimited] [mac-limit-action=drop|flood] "
      "[isolated=yes|no] [dhcp-guard=yes|no] [ra-guard=yes|no] "
      "[rate-in=RATE[,burst=BYTES]|none] "
      "[rate-out=RATE[,burst=BYTES]|none] [storm-limit=PPS|none] "
      "[mtu=N|none]",
      "Attach network device IFACE to bridge BR, with its VLAN "
      "settings and policy (type=internal: create IFACE, the host's own "
      "port).", 2, -1 },
    { "Ports", "set-port", "IFACE KEY=VALUE...",
      "Change a port's VLAN settings, uplink or policy (keys as for "
      "add-port; enabled=yes also lifts a BPDU guard's block).", 2, -1 },
    { "Ports", "del-port", "[BR] IFACE",
      "Detach IFACE from its bridge.", 1, 2 },
    { "Ports", "list-ports", "BR", "List the ports of BR.", 1, 1 },

    { "Teams", "add-team",
      "BR TEAM IFACE IFACE... [policy=src-port|src-mac|"
      "hash|active-backup] [hash-fields=l2|l23|l34] "
      "[mode=switch-independent|static|lacp] [updelay=MS] "
      "[downdelay=MS] [failback=yes|no] [announce=yes|no] "
      "[announce-count=N] [announce-interval=MS] "
      "[rebalance=SECS] [probe=arp:ADDR|none] "
      "[probe-interval=MS] [disabled=IFACE,...] "
      "[lacp=active|passive] [lacp-rate=slow|fast] "
      "[lacp-fallback=active-backup|none] [lacp-system-priority=N] "
      "[lacp-system-id=MAC|auto] [min-links=N] "
      "[lacp-port-priority=IFACE:N,...|none] "
      "[trunks=LIST] [native=N] [vlan=N]",
      "Create team TEAM on bridge BR from the member "
      "devices, in failover order.", 4, -1 },
    { "Teams", "set-team", "TEAM KEY=VALUE...",
      "Change a team's settings (keys as for add-team).", 2, -1 },
    { "Teams", "del-team", "TEAM", "Delete a team.", 1, 1 },
    { "Teams", "add-team-member", "TEAM IFACE",
      "Add a member at the end of the failover order.", 2, 2 },
    { "Teams", "del-team-member", "TEAM IFACE",
      "Remove a member; what it carried moves.", 2, 2 },
    { "Teams", "team/set-member", "TEAM IFACE enable|disable",
      "Drain a member for maintenance, or bring it back.", 3, 3 },
    { "Teams", "team/migrate", "TEAM port=IFACE|bucket=N member=IFACE",
      "Move one assignment to another member by hand.", 3, 3 },
    { "Teams", "team/show", "[TEAM]",
      "Show teams: policy, members' state and load, what "
      "each carries, counters.", 0, 1 },
    { "Teams", "team/hash",
      "TEAM MAC [vlan=N] [dst-mac=MAC] [src-ip=IP] "
      "[dst-ip=IP] [proto=tcp|udp|N] [sport=N] [dport=N]",
      "Which member a frame would leave on, and why.", 2, -1 },
    { "Teams", "team/events", "TEAM",
      "Recent history: member changes, migrations and "
      "how long they took, announcements.", 1, 1 },
    { "Teams", "lacp/show", "[TEAM]",
      "LACP of mode=lacp teams: actor and partner, each member's state "
      "bits, what it carries, LACPDU counters.", 0, 1 },

    { "Status", "show", "",
      "Show every bridge and port with its VLAN mode, state and "
      "policy.", 0, 0 },
    { "Status", "port/stats", "[IFACE]",
      "Show received, sent and dropped counters.", 0, 1 },
    { "Status", "metrics", "",
      "Print every counter in the Prometheus text format (with "
      "--output=FILE, for node_exporter's textfile collector).", 0, 0 },
    { "Status", "trace",
      "BR in_port=PORT [dl_src=MAC] [dl_dst=MAC] [vlan=N] [pcp=N] "
      "[dl_type=TYPE] [nw_src=IP] [nw_dst=IP] [nw_proto=PROTO] "
      "[tp_src=N] [tp_dst=N] [len=N] | BR in_port=PORT hex=FRAME",
      "Run a frame through the pipeline without sending it: each "
      "stage's decision, the outputs or the drop reason.", 2, -1 },
    { "Status", "port/announce", "IFACE",
      "Announce a port's stations on the team members carrying it "
      "(after a VM's live migration).", 1, 1 },

    { "MAC table", "fdb/show", "BR", "Show the MAC table of BR.", 1, 1 },
    { "MAC table", "fdb/flush", "BR [vlan=N] [port=IFACE]",
      "Forget learned MAC entries of BR (static ones stay).", 1, 3 },
    { "MAC table", "fdb/add", "BR MAC vlan=N port=IFACE",
      "Add a static MAC entry (kept in the configuration).", 3, 4 },
    { "MAC table", "fdb/del", "BR MAC vlan=N",
      "Delete a MAC entry, static or learned.", 2, 3 },

    { "Help", "list-commands", "",
      "List the commands that the daemon provides.", 0, 0 },
    { "Help", "help", "[COMMAND]",
      "Show the usage and help of COMMAND, or list the commands.", 0, 1 },
    { "Help", "version", "", "Show the daemon's version.", 0, 0 },
};

const size_t ctl_n_command_docs = ARRAY_SIZE(ctl_command_docs);

const struct ctl_command_doc *
ctl_command_doc_find(const char *name)
{
    for (size_t i = 0; i < ctl_n_command_docs; i++) {
        if (!strcmp(ctl_command_docs[i].name, name)) {
            return &ctl_command_docs[i];
        }
    }
    return NULL;
}
