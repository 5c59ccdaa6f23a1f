/* ctl-util: helpers for the command handlers of every module.
 *
 * KEY=VALUE arguments (split one, or apply a list of them with a setter),
 * refusing a command with a configuration message, and the one format of
 * port counters that port/stats and team/show share.  Handlers of the
 * bridge, the teams and the future libvirt agent use these instead of
 * calling each other.
 *
 * Errors: the functions that take a 'struct ctl_reply' fill it (status and
 * text) when they fail and return false; that is the end of the command.
 * The KEY=VALUE setters follow lib/'s convention (util.h), as config.h's
 * do: 0, or a negative errno with a message, which becomes the refusal.
 *
 * Thread-safety: control thread only (handlers run in the main loop). */
#ifndef VSWITCH_CTL_UTIL_H
#define VSWITCH_CTL_UTIL_H 1

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include "ctl-proto.h"

struct dp_port_stats;

/* Splits "key=value" (caller frees '*key'; '*value' points into 'arg');
 * false if there is no '=' or the key is empty. */
bool ctl_split_kv(const char *arg, char **key, const char **value);

/* Sets one KEY=VALUE on 'target': 0, or a negative errno with '*msg' set
 * (the callee allocates it, the caller frees it). */
typedef int ctl_kv_setter(void *target, const char *key, const char *value,
                          char **msg);
/* Applies "KEY=VALUE" arguments to 'target' with 'set', in order; on the
 * first bad one fills 'reply' (a usage error when it is not KEY=VALUE, a
 * refusal with the setter's message otherwise) and returns false. */
bool ctl_set_kv_args(void *target, ctl_kv_setter *set, int n_args,
                     char *args[], struct ctl_reply *reply);

/* Refuses with the message 'msg' (takes and frees it); returns false. */
bool ctl_refuse_msg(struct ctl_reply *, char *msg);

/* Sets the result of 'reply' to 'o' (takes it). */
void ctl_reply_set_object(struct ctl_reply *, JsonObject *o);
/* When 'want_json', sets the result of 'reply' to {"NAME": array}; takes
 * 'array' either way. */
void ctl_reply_set_array_member(struct ctl_reply *, bool want_json,
                                const char *name, JsonArray *array);

/* port/stats output of one set of counters: the rx/tx/drops lines, and
 * the counters as members of 'o'.  One format for ports, teams and team
 * members. */
void ctl_stats_text(struct ctl_reply *, const struct dp_port_stats *);
void ctl_stats_json(JsonObject *o, const struct dp_port_stats *);

#endif /* ctl-util.h */
