/* ctl-command: the daemon's command registry and the table of its commands.
 *
 * The table (ctl_command_docs[], lib/ctl-catalog.c) lists every command the
 * daemon provides: name, argument synopsis, one sentence of help, argument
 * counts, and the section of "vswitch-ctl --help" it belongs to.  It is
 * compiled into both the daemon and vswitch-ctl, so that --help works with
 * no daemon running and cannot forget a command: modules bind their handlers
 * to its entries (ctl_command_bind()), and the daemon refuses to start when
 * a registered command is missing from it, or one of its entries has no
 * handler (ctl_command_check_table()).  tests/check-ctl-commands.sh checks
 * that every command registered in the sources appears in --help and in
 * vswitch-ctl(8).
 *
 * The registry maps names to handlers.  Built in: "list-commands",
 * "help [COMMAND]" and "version".
 *
 * Errors: registering a name twice, or with strings or argument counts that
 * differ from the table's entry of that name, is a programming error found
 * at startup: it is logged and aborts.  ctl_command_check_table() returns 0
 * or -EINVAL with a message naming the command and the fix.
 *
 * Thread-safety: the table is constant, any thread.  The registry is
 * control thread only (handlers run in the main loop). */
#ifndef VSWITCH_CTL_COMMAND_H
#define VSWITCH_CTL_COMMAND_H 1

#include <stdbool.h>
#include <stddef.h>
#include "ctl-proto.h"

/* One command of the table. */
struct ctl_command_doc {
    const char *section;        /* Heading in --help and vswitch-ctl(8). */
    const char *name;           /* Command name, e.g. "add-br". */
    const char *usage;          /* Argument synopsis, maybe "". */
    const char *help;           /* One sentence. */
    int min_args;               /* Fewest arguments accepted. */
    int max_args;               /* Most arguments accepted, -1: no limit. */
};

/* Every command the daemon provides, grouped by section in --help order. */
extern const struct ctl_command_doc ctl_command_docs[];
extern const size_t ctl_n_command_docs;

/* The table's entry for 'name', or NULL. */
const struct ctl_command_doc *ctl_command_doc_find(const char *name);

/* A command handler.  'args' holds the command's arguments only (not the
 * command name), 'n_args' of them.  'want_json' tells whether the client
 * asked for JSON: handlers of queries always fill reply->text and, when
 * 'want_json', also reply->result. */
typedef void ctl_handler_func(struct ctl_reply *reply, int n_args,
                              char *args[], bool want_json, void *aux);

/* Registers the handler of 'name', a command of the table, with the table's
 * usage, help and argument counts.  A name not in the table is a
 * programming error (aborts). */
void ctl_command_bind(const char *name, ctl_handler_func *handler,
                      void *aux);
/* Registers 'name' with its own strings ('usage' is the argument synopsis
 * "BR IFACE [vlan=N]", 'help' one sentence; 'max_args' may be -1 for "no
 * limit").  For a command of the table, they must be the table's (aborts
 * otherwise); tests register commands of their own.  Registering a name
 * twice is a programming error (aborts). */
void ctl_command_register(const char *name, const char *usage,
                          const char *help, int min_args, int max_args,
                          ctl_handler_func *handler, void *aux);
/* Forgets every registration (tests, shutdown). */
void ctl_command_unregister_all(void);

/* Checks that the registry and the table hold the same commands.  Returns
 * 0, or -EINVAL with '*msg' (caller frees) naming the first command that is
 * in one and not the other. */
int ctl_command_check_table(char **msg);

/* Runs a request through the registry as the socket would; used by the
 * server and by tests.  Fills 'reply' (initialised by the caller). */
void ctl_command_execute(const struct ctl_request *, struct ctl_reply *);

#endif /* ctl-command.h */
