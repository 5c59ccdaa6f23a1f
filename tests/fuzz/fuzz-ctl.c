/* fuzz-ctl: the control protocol, as the daemon reads it from its socket
 * and as vswitch-ctl reads the daemon's replies (see fuzz.h).
 *
 * Input: bytes as a client would send them.  Like the server, the target
 * splits them into newline-terminated lines (the last may lack its
 * newline), skips blank lines and refuses lines with a NUL byte, and for
 * each line:
 *
 *   - decodes it as a request (ctl_request_decode()); a request it accepts
 *     has a non-empty command and at most CTL_MAX_ARGS arguments, encodes
 *     to one line without a newline, and decodes back to the same request
 *     (strings compared after UTF-8 repair, which the encoder does);
 *   - runs an accepted request through the command registry
 *     (ctl_command_execute(): argument counts, the built-in commands and a
 *     test command), and checks that its reply encodes to one line that
 *     vswitch-ctl decodes back to the same status and text;
 *   - decodes the line as a reply too (ctl_reply_decode()), for the
 *     client's side. */
#include <autoconf.h>
#include "fuzz.h"

#include <string.h>
#include "ctl-proto.h"
#include "ctl-server.h"

/* A command with arguments, so that the argument-count check and a handler
 * that reads every argument run. */
static void
echo_handler(struct ctl_reply *reply, int n_args, char *args[],
             bool want_json, void *aux)
{
    for (int i = 0; i < n_args; i++) {
        ctl_reply_printf(reply, "%s%s", i ? " " : "", args[i]);
    }
    if (want_json) {
        ctl_reply_set_result(reply, json_node_init_int(json_node_alloc(),
                                                       n_args));
    }
}

static char *
valid_utf8(const char *s)
{
    return g_utf8_make_valid(s, -1);
}

/* True if 'a' and 'b' are equal once 'a' is repaired to valid UTF-8. */
static bool
same_string(const char *a, const char *b)
{
    char *fixed = valid_utf8(a);
    bool same = !strcmp(fixed, b);

    g_free(fixed);
    return same;
}

static void
check_request_round_trip(const struct ctl_request *req)
{
    struct ctl_request back;
    char *msg;
    char *line;

    FUZZ_CHECK(req->command && req->command[0]);
    FUZZ_CHECK(req->args);
    FUZZ_CHECK(g_strv_length(req->args) <= CTL_MAX_ARGS);

    line = ctl_request_encode(req);
    FUZZ_CHECK(line && !strchr(line, '\n'));
    ctl_request_init(&back);
    if (ctl_request_decode(line, &back, &msg)) {
        fprintf(stderr, "encoded request %s does not decode: %s\n", line,
                msg);
        FUZZ_CHECK(!"an encoded request decodes");
    }
    FUZZ_CHECK(same_string(req->command, back.command));
    FUZZ_CHECK(g_strv_length(req->args) == g_strv_length(back.args));
    for (guint i = 0; req->args[i]; i++) {
        FUZZ_CHECK(same_string(req->args[i], back.args[i]));
    }
    FUZZ_CHECK(req->json == back.json);
    ctl_request_destroy(&back);
    g_free(line);
}

static void
check_execute(const struct ctl_request *req)
{
    struct ctl_reply reply, back;
    char *msg;
    char *line;

    ctl_reply_init(&reply);
    ctl_command_execute(req, &reply);
    FUZZ_CHECK(reply.status == CTL_OK || reply.status == CTL_REFUSED
               || reply.status == CTL_USAGE);
    FUZZ_CHECK(!req->json == !reply.result);

    line = ctl_reply_encode(&reply);
    FUZZ_CHECK(line && !strchr(line, '\n'));
    ctl_reply_init(&back);
    if (ctl_reply_decode(line, &back, &msg)) {
        fprintf(stderr, "encoded reply %s does not decode: %s\n", line,
                msg);
        FUZZ_CHECK(!"an encoded reply decodes");
    }
    FUZZ_CHECK(back.status == reply.status);
    FUZZ_CHECK(same_string(reply.text->str, back.text->str));
    FUZZ_CHECK(!back.result == !reply.result);
    ctl_reply_destroy(&back);
    ctl_reply_destroy(&reply);
    g_free(line);
}

static bool
is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isspace(s[i])) {
            return false;
        }
    }
    return true;
}

static void
run_line(const char *data, size_t len)
{
    struct ctl_request req;
    struct ctl_reply reply;
    char *msg;
    char *line;

    if (is_blank(data, len) || memchr(data, '\0', len)) {
        return;
    }
    line = g_strndup(data, len);

    ctl_request_init(&req);
    if (!ctl_request_decode(line, &req, &msg)) {
        FUZZ_CHECK(!msg);
        check_request_round_trip(&req);
        check_execute(&req);
    } else {
        FUZZ_CHECK(msg && msg[0]);
        FUZZ_CHECK(!req.command && !req.args);
        g_free(msg);
    }
    ctl_request_destroy(&req);

    ctl_reply_init(&reply);
    if (ctl_reply_decode(line, &reply, &msg)) {
        FUZZ_CHECK(msg && msg[0]);
        g_free(msg);
    } else {
        FUZZ_CHECK(reply.status == CTL_OK || reply.status == CTL_REFUSED
                   || reply.status == CTL_USAGE);
    }
    ctl_reply_destroy(&reply);
    g_free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool registered;
    const char *p = (const char *) data;
    const char *end = p + size;

    if (!registered) {
        ctl_command_register("echo", "ARG [ARG...]", "Repeats ARGs.", 1, 3,
                             echo_handler, NULL);
        registered = true;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);

        run_line(p, len);
        p += len + 1;
    }
    return 0;
}
