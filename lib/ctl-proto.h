/* ctl-proto: the control protocol between vswitch-ctl and vswitchd.
 *
 * One request and one reply per connection turn, each a single JSON object
 * on one line (newline-terminated) over a unix stream socket:
 *
 *   request: {"command": "add-port", "args": ["br0", "vnet0", "vlan=10"],
 *             "json": false}
 *   reply:   {"status": 0, "text": "...", "result": <any JSON>}
 *
 * status: 0 done, 1 refused (text says why, one line), 2 usage error.
 * "text" is what a person reads; "result" is the machine-readable answer
 * (present when the request asked for "json": true: {} from a command with
 * nothing to return, {"error": TEXT} when refused; null otherwise).
 *
 * Requests larger than CTL_MAX_MESSAGE are refused, and so are messages
 * nested deeper than CTL_MAX_DEPTH (checked before the JSON parser, which
 * recurses), with a key given twice in an object, or with a string holding
 * a NUL character (\u0000).
 *
 * Errors: lib/'s convention (util.h): the decoders return 0 or a negative
 * errno (-EINVAL: not a valid message; -EMSGSIZE: over the size limit)
 * with '*msg' set to a message a client may be shown.
 *
 * Thread-safety: pure encode/decode of caller-owned values; any thread. */
#ifndef VSWITCH_CTL_PROTO_H
#define VSWITCH_CTL_PROTO_H 1

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

#define CTL_MAX_MESSAGE (1024 * 1024)
#define CTL_MAX_ARGS 256
/* Deepest nesting of arrays and objects in a message (a request needs 2). */
#define CTL_MAX_DEPTH 32

enum ctl_status {
    CTL_OK = 0,
    CTL_REFUSED = 1,
    CTL_USAGE = 2,
};

struct ctl_request {
    char *command;       /* Owned.  Command name, e.g. "add-br". */
    char **args;         /* Owned NULL-terminated vector (g_strfreev). */
    bool json;           /* Caller wants 'result' filled. */
};

struct ctl_reply {
    enum ctl_status status; /* Outcome. */
    GString *text;          /* Owned.  Human-readable output or the reason
                             * for a refusal. */
    JsonNode *result;       /* Owned, may be NULL.  Machine-readable. */
};

void ctl_request_init(struct ctl_request *);
void ctl_request_destroy(struct ctl_request *);
/* Encodes as one line of JSON, without the trailing newline.  Caller frees. */
char *ctl_request_encode(const struct ctl_request *);
/* Decodes one line into a request initialised by the caller (what it held
 * is freed).  Returns 0, or a negative errno with '*msg' set (caller frees
 * with g_free()) when it is not valid JSON, not an object, lacks
 * "command", has a non-string argument, or breaks one of the limits
 * above. */
int ctl_request_decode(const char *line, struct ctl_request *, char **msg);

void ctl_reply_init(struct ctl_reply *);
void ctl_reply_destroy(struct ctl_reply *);
char *ctl_reply_encode(const struct ctl_reply *);
/* Decodes one line into a reply initialised by the caller.  Returns 0, or
 * -EINVAL with '*msg' set (caller frees). */
int ctl_reply_decode(const char *line, struct ctl_reply *, char **msg);

/* Convenience for command handlers. */
void ctl_reply_printf(struct ctl_reply *, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Sets status CTL_REFUSED (or 'status') and replaces the text with the
 * message, shortened by str_shorten_quoted() so that a huge value given by
 * a client is not echoed whole. */
void ctl_reply_error(struct ctl_reply *, enum ctl_status status,
                     const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Takes ownership of 'result'. */
void ctl_reply_set_result(struct ctl_reply *, JsonNode *result);

#endif /* ctl-proto.h */
