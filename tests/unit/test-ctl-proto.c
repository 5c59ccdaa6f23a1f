#include <autoconf.h>
#include "ctl-proto.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <gio/gio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ctl-client.h"
#include "ctl-server.h"
#include "log.h"

/* Tests of the control protocol (ctl-proto), the command registry and the
 * control socket (ctl-server, ctl-client).  The socket tests run the GLib
 * main loop in this thread, as the daemon does, and the client side in a
 * second thread. */

/* Generous bound on any wait in a socket test, so that a broken server makes
 * a test fail instead of hanging.  Never asserted as a duration. */
#define TEST_WAIT_MS 10000

/* ---- Encoding and decoding. ---- */

static void
check_request_roundtrip(const char *command, char **args, bool json)
{
    struct ctl_request req, out;
    char *msg = NULL;
    char *line;

    ctl_request_init(&req);
    req.command = g_strdup(command);
    req.args = args ? g_strdupv(args) : NULL;
    req.json = json;

    line = ctl_request_encode(&req);
    CU_ASSERT_PTR_NOT_NULL_FATAL(line);
    CU_ASSERT_PTR_NULL(strchr(line, '\n'));

    ctl_request_init(&out);
    CU_ASSERT_EQUAL_FATAL(ctl_request_decode(line, &out, &msg), 0);
    CU_ASSERT_PTR_NULL(msg);
    CU_ASSERT_STRING_EQUAL(out.command, command);
    CU_ASSERT_EQUAL(out.json, json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out.args);
    CU_ASSERT_EQUAL(g_strv_length(out.args), args ? g_strv_length(args) : 0);
    for (unsigned int i = 0; args && args[i]; i++) {
        CU_ASSERT_STRING_EQUAL(out.args[i], args[i]);
    }

    ctl_request_destroy(&out);
    ctl_request_destroy(&req);
    g_free(line);
}

static void
test_request_roundtrip(void)
{
    char *plain[] = { "br0", "vnet0", "vlan=10", NULL };
    char *unicode[] = {
        "brück-ü", "日本語", "emoji \xf0\x9f\x8e\x89",
        "quote \" backslash \\ slash /", "newline\nand\ttab\r",
        "\x01\x1f control", NULL,
    };
    char *empty_strings[] = { "", "", NULL };
    char *no_args[] = { NULL };
    char *many[CTL_MAX_ARGS + 1];

    check_request_roundtrip("add-port", plain, false);
    check_request_roundtrip("fdb/show", unicode, true);
    check_request_roundtrip("ünïcode-command", plain, true);
    check_request_roundtrip("set-port", empty_strings, false);
    check_request_roundtrip("list-br", no_args, false);
    check_request_roundtrip("list-br", NULL, true);

    for (int i = 0; i < CTL_MAX_ARGS; i++) {
        many[i] = g_strdup_printf("arg%d=%d", i, i * 7);
    }
    many[CTL_MAX_ARGS] = NULL;
    check_request_roundtrip("set-port", many, true);
    for (int i = 0; i < CTL_MAX_ARGS; i++) {
        g_free(many[i]);
    }
}

static void
test_request_decode_defaults(void)
{
    struct ctl_request req;
    char *msg = NULL;

    ctl_request_init(&req);
    CU_ASSERT_EQUAL_FATAL(ctl_request_decode("{\"command\": \"list-br\"}",
                                             &req, &msg), 0);
    CU_ASSERT_STRING_EQUAL(req.command, "list-br");
    CU_ASSERT_PTR_NOT_NULL_FATAL(req.args);
    CU_ASSERT_PTR_NULL(req.args[0]);
    CU_ASSERT_FALSE(req.json);

    /* Decoding again into a used request replaces its contents. */
    CU_ASSERT_EQUAL_FATAL(ctl_request_decode(
        " {\"json\": true, \"args\": [\"a\"], \"command\": \"show\"} ",
        &req, &msg), 0);
    CU_ASSERT_STRING_EQUAL(req.command, "show");
    CU_ASSERT_STRING_EQUAL(req.args[0], "a");
    CU_ASSERT_PTR_NULL(req.args[1]);
    CU_ASSERT_TRUE(req.json);

    CU_ASSERT_EQUAL_FATAL(ctl_request_decode(
        "{\"command\": \"x\", \"args\": null, \"json\": null}", &req,
        &msg), 0);
    CU_ASSERT_PTR_NULL(req.args[0]);
    CU_ASSERT_FALSE(req.json);
    ctl_request_destroy(&req);
}

/* Returns a request with 'n' arguments, as a line. */
static char *
request_with_n_args(int n)
{
    GString *s = g_string_new("{\"command\": \"set-port\", \"args\": [");

    for (int i = 0; i < n; i++) {
        g_string_append_printf(s, "%s\"a%d\"", i ? ", " : "", i);
    }
    g_string_append(s, "]}");
    return g_string_free(s, FALSE);
}

static void
check_request_rejected(const char *line, const char *expected_words)
{
    struct ctl_request req;
    char *msg = NULL;

    ctl_request_init(&req);
    CU_ASSERT(ctl_request_decode(line, &req, &msg) < 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    if (!strstr(msg, expected_words)) {
        fprintf(stderr, "\nfor %.60s: \"%s\" lacks \"%s\"\n", line,
                msg, expected_words);
        CU_FAIL("error message lacks the expected words");
    }
    CU_ASSERT_PTR_NULL(req.command);
    CU_ASSERT_PTR_NULL(req.args);
    g_free(msg);
    ctl_request_destroy(&req);
}

static void
test_request_malformed(void)
{
    char *line;

    check_request_rejected("", "empty");
    check_request_rejected("not json", "not valid JSON");
    check_request_rejected("{\"command\": \"x\"", "not valid JSON");
    check_request_rejected("{\"command\": \"x\",}", "not valid JSON");
    check_request_rejected("\xff\xfe", "not valid JSON");
    check_request_rejected("[\"add-br\", \"br0\"]", "must be a JSON object");
    check_request_rejected("42", "must be a JSON object");
    check_request_rejected("\"add-br\"", "must be a JSON object");
    check_request_rejected("null", "must be a JSON object");
    check_request_rejected("{}", "lacks \"command\"");
    check_request_rejected("{\"args\": [\"br0\"]}", "lacks \"command\"");
    check_request_rejected("{\"command\": 5}", "\"command\" must be");
    check_request_rejected("{\"command\": null}", "\"command\" must be");
    check_request_rejected("{\"command\": \"\"}", "\"command\" must be");
    /* A lone surrogate escape decodes to bytes that are not UTF-8: echoed
     * in a reply ("unknown command ..."), they made the reply undecodable
     * (found by the ctl fuzzer). */
    check_request_rejected("{\"command\": \"sh\\ud800ow\"}",
                           "\"command\" is not valid UTF-8");
    check_request_rejected("{\"command\": \"add-br\", \"args\": "
                           "[\"br0\", \"b\\udc00r\"]}",
                           "argument 2 is not valid UTF-8");
    check_request_rejected("{\"command\": [\"x\"]}", "\"command\" must be");
    check_request_rejected("{\"command\": \"x\", \"args\": [1]}",
                           "argument 1 is not a string");
    check_request_rejected("{\"command\": \"x\", \"args\": [\"a\", null]}",
                           "argument 2 is not a string");
    check_request_rejected("{\"command\": \"x\", \"args\": [\"a\", [\"b\"]]}",
                           "argument 2 is not a string");
    check_request_rejected("{\"command\": \"x\", \"args\": \"a\"}",
                           "must be an array");
    check_request_rejected("{\"command\": \"x\", \"args\": {}}",
                           "must be an array");
    check_request_rejected("{\"command\": \"x\", \"json\": \"yes\"}",
                           "\"json\" must be");

    line = request_with_n_args(CTL_MAX_ARGS + 1);
    check_request_rejected(line, "more than the limit");
    g_free(line);

    /* Valid JSON, but longer than CTL_MAX_MESSAGE. */
    line = g_strdup_printf("{\"command\": \"x\", \"args\": [\"%0*d\"]}",
                           CTL_MAX_MESSAGE, 0);
    check_request_rejected(line, "longer than");
    g_free(line);

    /* Exactly at the limit is still accepted. */
    line = request_with_n_args(CTL_MAX_ARGS);
    {
        struct ctl_request req;
        char *msg;

        ctl_request_init(&req);
        CU_ASSERT_EQUAL(ctl_request_decode(line, &req, &msg), 0);
        g_free(msg);
        CU_ASSERT_EQUAL(g_strv_length(req.args), CTL_MAX_ARGS);
        ctl_request_destroy(&req);
    }
    g_free(line);
}

/* "{"command": "x", "args": " + 'depth' - 1 '['s, then as many ']'s and
 * "}": a request nested 'depth' deep. */
static char *
request_nested(int depth)
{
    GString *s = g_string_new("{\"command\": \"x\", \"args\": ");

    for (int i = 1; i < depth; i++) {
        g_string_append_c(s, '[');
    }
    for (int i = 1; i < depth; i++) {
        g_string_append_c(s, ']');
    }
    g_string_append_c(s, '}');
    return g_string_free(s, FALSE);
}

/* Requests a hostile client could send: refused with a reason, never
 * crashing json-glib (it recurses once per level of nesting) and never
 * silently taken to mean something else. */
static void
test_request_hostile(void)
{
    struct ctl_request req;
    GString *s;
    char *msg;
    char *line;

    /* 100,000 levels in 200 KB: the stack of the parser would overflow. */
    line = request_nested(100000);
    check_request_rejected(line, "nested deeper than");
    g_free(line);
    s = g_string_new("{\"command\": \"x\", \"args\": [");
    for (int i = 0; i < 100000; i++) {
        g_string_append(s, "{\"a\": ");
    }
    check_request_rejected(s->str, "nested deeper than");
    g_string_free(s, TRUE);

    /* The limit itself is accepted (the parser decides the rest). */
    line = request_nested(CTL_MAX_DEPTH);
    check_request_rejected(line, "argument 1 is not a string");
    g_free(line);
    line = request_nested(CTL_MAX_DEPTH + 1);
    check_request_rejected(line, "nested deeper than");
    g_free(line);

    /* Brackets inside strings are text, also after escaped quotes and
     * backslashes. */
    s = g_string_new("{\"command\": \"x\", \"args\": [\"\\\\\", "
                     "\"\\\"");
    for (int i = 0; i < 2 * CTL_MAX_DEPTH; i++) {
        g_string_append(s, "[{");
    }
    g_string_append(s, "\"]}");
    ctl_request_init(&req);
    CU_ASSERT_EQUAL(ctl_request_decode(s->str, &req, &msg), 0);
    g_free(msg);
    CU_ASSERT_EQUAL(req.args ? g_strv_length(req.args) : 0, 2);
    CU_ASSERT_TRUE(req.args && req.args[0] && !strcmp(req.args[0], "\\"));
    CU_ASSERT_TRUE(req.args && req.args[1] && req.args[1][0] == '"'
                   && strlen(req.args[1]) == 1 + 4 * CTL_MAX_DEPTH);
    ctl_request_destroy(&req);
    g_string_free(s, TRUE);

    /* A key given twice: json-glib would keep the last one silently. */
    check_request_rejected("{\"command\": \"del-br\", "
                           "\"command\": \"list-br\"}",
                           "\"command\" is given twice");
    check_request_rejected("{\"command\": \"x\", \"args\": [\"a\"], "
                           "\"args\": [\"b\"]}",
                           "\"args\" is given twice");
    check_request_rejected("{\"command\": \"x\", "
                           "\"comm\\u0061nd\": \"y\"}",
                           "\"command\" is given twice");

    /* \u0000 would cut a name short ("br0\u0000junk" taken as "br0"). */
    check_request_rejected("{\"command\": \"x\", "
                           "\"args\": [\"br0\\u0000junk\"]}",
                           "NUL");
    check_request_rejected("{\"command\": \"list-br\\u0000x\"}", "NUL");
    check_request_rejected("{\"command\": \"x\", \"a\\u0000\": 1}",
                           "NUL");
    /* An escaped backslash before "u0000" is plain text. */
    ctl_request_init(&req);
    CU_ASSERT_EQUAL(ctl_request_decode("{\"command\": \"x\", "
                                       "\"args\": [\"a\\\\u0000\"]}",
                                       &req, &msg), 0);
    g_free(msg);
    CU_ASSERT_TRUE(req.args && req.args[0]
                   && !strcmp(req.args[0], "a\\u0000"));
    ctl_request_destroy(&req);
}

static JsonNode *
parse_json(const char *s)
{
    JsonParser *parser = json_parser_new();
    JsonNode *node;

    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(parser, s, -1, NULL));
    node = json_node_copy(json_parser_get_root(parser));
    g_object_unref(parser);
    return node;
}

static void
check_reply_roundtrip(enum ctl_status status, const char *text,
                      const char *result_json)
{
    struct ctl_reply reply, out;
    char *msg = NULL;
    char *line;

    ctl_reply_init(&reply);
    reply.status = status;
    g_string_assign(reply.text, text);
    if (result_json) {
        ctl_reply_set_result(&reply, parse_json(result_json));
    }

    line = ctl_reply_encode(&reply);
    CU_ASSERT_PTR_NULL(strchr(line, '\n'));

    ctl_reply_init(&out);
    CU_ASSERT_EQUAL_FATAL(ctl_reply_decode(line, &out, &msg), 0);
    CU_ASSERT_EQUAL(out.status, status);
    CU_ASSERT_STRING_EQUAL(out.text->str, text);
    if (result_json) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(out.result);
        CU_ASSERT_TRUE(json_node_equal(out.result, reply.result));
    } else {
        CU_ASSERT_PTR_NULL(out.result);
    }

    ctl_reply_destroy(&out);
    ctl_reply_destroy(&reply);
    g_free(line);
}

static void
test_reply_roundtrip(void)
{
    check_reply_roundtrip(CTL_OK, "", NULL);
    check_reply_roundtrip(CTL_OK, "br0\nbr1 ü 日本\n", NULL);
    check_reply_roundtrip(CTL_OK, "ok\n",
                          "{\"bridges\": [{\"name\": \"br0\", \"ports\": "
                          "[\"vnet0\", \"ä\"], \"mac-aging\": 300, "
                          "\"up\": true, \"ratio\": 0.25, \"none\": null}]}");
    check_reply_roundtrip(CTL_OK, "", "[1, \"two\", [3], {}]");
    check_reply_roundtrip(CTL_OK, "", "{}");
    check_reply_roundtrip(CTL_OK, "", "42");
    check_reply_roundtrip(CTL_REFUSED, "vlan 5000 is out of range (1-4094)",
                          "{\"error\": \"vlan 5000 is out of range\"}");
    check_reply_roundtrip(CTL_USAGE, "usage: vswitch-ctl del-br BR", NULL);
}

static void
test_reply_malformed(void)
{
    static const char *const lines[] = {
        "", "x", "[]", "{\"text\": \"a\"}",
        "{\"status\": \"0\", \"text\": \"\"}",
        "{\"status\": 3, \"text\": \"\"}",
        "{\"status\": -1, \"text\": \"\"}",
        "{\"status\": 0.5, \"text\": \"\"}",
        "{\"status\": 0, \"text\": 5}",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(lines); i++) {
        struct ctl_reply reply;
        char *msg = NULL;

        ctl_reply_init(&reply);
        CU_ASSERT(ctl_reply_decode(lines[i], &reply, &msg) < 0);
        CU_ASSERT_PTR_NOT_NULL(msg);
        g_free(msg);
        ctl_reply_destroy(&reply);
    }
}

/* A refusal never echoes a huge value whole: each quoted value is cut to
 * 64 bytes and "...", and the whole text to 1 KB. */
static void
test_reply_error_shortened(void)
{
    char *big = g_malloc(1024 * 1024 + 1);
    GString *s = g_string_new("");
    struct ctl_reply reply;
    char *json;

    memset(big, 'v', 1024 * 1024);
    big[1024 * 1024] = '\0';

    ctl_reply_init(&reply);
    ctl_reply_error(&reply, CTL_REFUSED, "vlan \"%s\" is not a number "
                    "(write 1-4094)", big);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "vlan \"vvvvvvvvvvvvvvvvvvvv"
                           "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv..."
                           "\" is not a number (write 1-4094)");
    ctl_reply_destroy(&reply);

    /* Not quoted: the whole text is bounded. */
    ctl_reply_init(&reply);
    ctl_reply_error(&reply, CTL_REFUSED, "no port named %s", big);
    CU_ASSERT(reply.text->len <= 1024);
    CU_ASSERT(g_str_has_suffix(reply.text->str, "..."));
    ctl_reply_destroy(&reply);

    /* A short value and GKeyFile's quotes are left alone. */
    ctl_reply_init(&reply);
    ctl_reply_error(&reply, CTL_REFUSED, "line \xe2\x80\x9c%.64s\xe2\x80\x9d "
                    "[%.64s] \"\"", big, big);
    CU_ASSERT_EQUAL(reply.text->len,
                    strlen("line \xe2\x80\x9c\xe2\x80\x9d [] \"\"") + 128);
    ctl_reply_destroy(&reply);

    /* Cut between characters, so that the reply stays valid UTF-8. */
    ctl_reply_init(&reply);
    g_string_assign(s, "a");
    for (int i = 0; i < 40; i++) {
        g_string_append(s, "\xc3\xa9");
    }
    ctl_reply_error(&reply, CTL_REFUSED, "name \"%s\"", s->str);
    CU_ASSERT(g_utf8_validate(reply.text->str, -1, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(reply.text->str, "...\""));
    CU_ASSERT(reply.text->len < 80);
    json = ctl_reply_encode(&reply);
    CU_ASSERT(strlen(json) < 200);
    g_free(json);
    ctl_reply_destroy(&reply);

    g_string_free(s, TRUE);
    g_free(big);
}

static void
test_reply_helpers(void)
{
    struct ctl_reply reply;

    ctl_reply_init(&reply);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "");
    CU_ASSERT_PTR_NULL(reply.result);

    ctl_reply_printf(&reply, "%s %d\n", "br0", 1);
    ctl_reply_printf(&reply, "br%d\n", 2);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "br0 1\nbr2\n");

    ctl_reply_set_result(&reply, parse_json("[1]"));
    ctl_reply_set_result(&reply, parse_json("[2]"));
    CU_ASSERT_EQUAL(json_array_get_int_element(
                        json_node_get_array(reply.result), 0), 2);

    ctl_reply_error(&reply, CTL_USAGE, "vlan %d is out of range", 5000);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "vlan 5000 is out of range");

    /* An error never claims success. */
    ctl_reply_error(&reply, CTL_OK, "no");
    CU_ASSERT_EQUAL(reply.status, CTL_REFUSED);

    ctl_reply_destroy(&reply);
    ctl_reply_destroy(&reply);      /* Twice is harmless. */
}

/* ---- The registry. ---- */

/* What the test handler saw. */
struct handler_log {
    int calls;                  /* Times called. */
    int n_args;                 /* 'n_args' of the last call. */
    char **args;                /* Copy of the last call's arguments. */
    bool want_json;             /* 'want_json' of the last call. */
    void *aux;                  /* 'aux' of the last call. */
};

static struct handler_log hlog;

static void
handler_log_reset(void)
{
    g_strfreev(hlog.args);
    memset(&hlog, 0, sizeof hlog);
}

static void
echo_handler(struct ctl_reply *reply, int n_args, char *args[],
             bool want_json, void *aux)
{
    hlog.calls++;
    hlog.n_args = n_args;
    g_strfreev(hlog.args);
    hlog.args = g_strdupv(args);
    hlog.want_json = want_json;
    hlog.aux = aux;

    ctl_reply_printf(reply, "echo:");
    for (int i = 0; i < n_args; i++) {
        ctl_reply_printf(reply, " %s", args[i]);
    }
    ctl_reply_printf(reply, "\n");
}

static void
refuse_handler(struct ctl_reply *reply, int n_args, char *args[],
               bool want_json, void *aux)
{
    ctl_reply_error(reply, CTL_REFUSED, "no bridge named %s", args[0]);
}

static void
result_handler(struct ctl_reply *reply, int n_args, char *args[],
               bool want_json, void *aux)
{
    ctl_reply_printf(reply, "value 7\n");
    ctl_reply_set_result(reply, parse_json("{\"value\": 7}"));
}

static int registry_aux;

static int
registry_setup(void)
{
    ctl_command_unregister_all();
    handler_log_reset();
    ctl_command_register("test/echo", "ARG [ARG]", "Echo the arguments.",
                         1, 2, echo_handler, &registry_aux);
    return 0;
}

static void
registry_test_setup(void)
{
    registry_setup();
}

static void
registry_teardown(void)
{
    ctl_command_unregister_all();
    handler_log_reset();
}

/* Runs 'command' with the NULL-terminated 'args' through the registry. */
static void
execute(struct ctl_reply *reply, const char *command, bool json,
        char **args)
{
    struct ctl_request req;

    ctl_request_init(&req);
    req.command = g_strdup(command);
    req.args = g_strdupv(args);
    req.json = json;
    ctl_reply_init(reply);
    ctl_command_execute(&req, reply);
    ctl_request_destroy(&req);
}

static void
test_execute_handler_args(void)
{
    char *args[] = { "br0", "ü vlan=10", NULL };
    struct ctl_reply reply;

    execute(&reply, "test/echo", true, args);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "echo: br0 ü vlan=10\n");
    CU_ASSERT_EQUAL(hlog.calls, 1);
    CU_ASSERT_EQUAL(hlog.n_args, 2);
    CU_ASSERT_STRING_EQUAL(hlog.args[0], "br0");
    CU_ASSERT_STRING_EQUAL(hlog.args[1], "ü vlan=10");
    CU_ASSERT_PTR_NULL(hlog.args[2]);
    CU_ASSERT_TRUE(hlog.want_json);
    CU_ASSERT_PTR_EQUAL(hlog.aux, &registry_aux);
    ctl_reply_destroy(&reply);
}

static void
test_execute_arg_counts(void)
{
    char *none[] = { NULL };
    char *three[] = { "a", "b", "c", NULL };
    char *many[201];
    struct ctl_reply reply;

    execute(&reply, "test/echo", false, none);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_STRING_EQUAL(reply.text->str,
                           "usage: vswitch-ctl test/echo ARG [ARG]");
    ctl_reply_destroy(&reply);

    execute(&reply, "test/echo", false, three);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_STRING_EQUAL(reply.text->str,
                           "usage: vswitch-ctl test/echo ARG [ARG]");
    ctl_reply_destroy(&reply);
    CU_ASSERT_EQUAL(hlog.calls, 0);

    /* A command without usage text, and a command without a maximum. */
    ctl_command_register("test/noargs", "", "Takes nothing.", 0, 0,
                         echo_handler, NULL);
    execute(&reply, "test/noargs", false, three);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "usage: vswitch-ctl test/noargs");
    ctl_reply_destroy(&reply);

    ctl_command_register("test/many", "KEY=VALUE...", "Takes any number.",
                         1, -1, echo_handler, NULL);
    for (int i = 0; i < 200; i++) {
        many[i] = g_strdup_printf("k%d=v", i);
    }
    many[200] = NULL;
    execute(&reply, "test/many", false, many);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_EQUAL(hlog.calls, 1);
    CU_ASSERT_EQUAL(hlog.n_args, 200);
    CU_ASSERT_STRING_EQUAL(hlog.args[199], "k199=v");
    ctl_reply_destroy(&reply);
    for (int i = 0; i < 200; i++) {
        g_free(many[i]);
    }

    execute(&reply, "test/many", false, none);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_STRING_EQUAL(reply.text->str,
                           "usage: vswitch-ctl test/many KEY=VALUE...");
    ctl_reply_destroy(&reply);
}

static void
test_execute_unknown(void)
{
    char *none[] = { NULL };
    struct ctl_reply reply;

    execute(&reply, "no-such", false, none);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "unknown command \"no-such\"; "
                           "try \"vswitch-ctl list-commands\"");
    ctl_reply_destroy(&reply);

    /* Unregistering forgets the module's commands, not the built-ins. */
    ctl_command_unregister_all();
    execute(&reply, "test/echo", false, none);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(reply.text->str, "unknown command"));
    ctl_reply_destroy(&reply);
    execute(&reply, "version", false, none);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    ctl_reply_destroy(&reply);

    /* A 1 MB name is not echoed whole, in text or in JSON. */
    {
        char *big = g_malloc0(1024 * 1024 + 1);

        memset(big, 'c', 1024 * 1024);
        execute(&reply, big, true, none);
        CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
        CU_ASSERT(reply.text->len < 200);
        CU_ASSERT_PTR_NOT_NULL(strstr(reply.text->str, "...\"; try"));
        CU_ASSERT_TRUE_FATAL(reply.result
                             && JSON_NODE_HOLDS_OBJECT(reply.result));
        CU_ASSERT(strlen(json_object_get_string_member(
                      json_node_get_object(reply.result), "error")) < 200);
        ctl_reply_destroy(&reply);
        g_free(big);
    }
}

static void
test_list_commands(void)
{
    char *none[] = { NULL };
    struct ctl_reply reply;
    JsonArray *array;
    JsonObject *obj;

    ctl_command_register("zz/last", "", "Last.", 0, 0, echo_handler, NULL);
    ctl_command_register("aa/first", "BR", "First.", 1, 1, echo_handler,
                         NULL);

    execute(&reply, "list-commands", false, none);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_STRING_EQUAL(reply.text->str,
                           "  aa/first BR\n"
                           "  help [COMMAND]\n"
                           "  list-commands\n"
                           "  test/echo ARG [ARG]\n"
                           "  version\n"
                           "  zz/last\n");
    CU_ASSERT_PTR_NULL(reply.result);
    ctl_reply_destroy(&reply);

    execute(&reply, "list-commands", true, none);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply.result);
    CU_ASSERT_TRUE_FATAL(JSON_NODE_HOLDS_ARRAY(reply.result));
    array = json_node_get_array(reply.result);
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(array), 6);
    obj = json_array_get_object_element(array, 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(obj, "name"),
                           "aa/first");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(obj, "usage"),
                           "BR");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(obj, "help"),
                           "First.");
    obj = json_array_get_object_element(array, 5);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(obj, "name"),
                           "zz/last");
    ctl_reply_destroy(&reply);

    /* Extra arguments are a usage error for the built-ins too. */
    {
        char *one[] = { "x", NULL };

        execute(&reply, "list-commands", false, one);
        CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
        CU_ASSERT_STRING_EQUAL(reply.text->str,
                               "usage: vswitch-ctl list-commands");
        ctl_reply_destroy(&reply);
    }
}

static void
test_help_and_version(void)
{
    char *none[] = { NULL };
    char *echo[] = { "test/echo", NULL };
    char *unknown[] = { "nope", NULL };
    char *two[] = { "a", "b", NULL };
    struct ctl_reply reply, list;

    execute(&reply, "help", false, echo);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_STRING_EQUAL(reply.text->str,
                           "usage: vswitch-ctl test/echo ARG [ARG]\n"
                           "Echo the arguments.\n");
    ctl_reply_destroy(&reply);

    execute(&reply, "help", true, echo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply.result);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(
                               json_node_get_object(reply.result), "help"),
                           "Echo the arguments.");
    ctl_reply_destroy(&reply);

    execute(&reply, "help", false, unknown);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(reply.text->str,
                                  "unknown command \"nope\""));
    ctl_reply_destroy(&reply);

    execute(&reply, "help", false, two);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_STRING_EQUAL(reply.text->str,
                           "usage: vswitch-ctl help [COMMAND]");
    ctl_reply_destroy(&reply);

    execute(&reply, "help", false, none);
    execute(&list, "list-commands", false, none);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_STRING_EQUAL(reply.text->str, list.text->str);
    ctl_reply_destroy(&list);
    ctl_reply_destroy(&reply);

    execute(&reply, "version", false, none);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_STRING_EQUAL(reply.text->str,
                           "vswitchd (" PACKAGE_NAME ") "
                           PACKAGE_VERSION "\n");
    ctl_reply_destroy(&reply);

    execute(&reply, "version", true, none);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply.result);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(
                               json_node_get_object(reply.result),
                               "version"), PACKAGE_VERSION);
    ctl_reply_destroy(&reply);
}

static void
test_json_results(void)
{
    char *echo_args[] = { "x", NULL };
    struct ctl_reply reply;
    JsonObject *obj;

    ctl_command_register("test/refuse", "BR", "Refuses.", 1, 1,
                         refuse_handler, NULL);
    ctl_command_register("test/result", "", "Returns 7.", 0, 0,
                         result_handler, NULL);

    /* A JSON request to a command that sets no result gets {}. */
    execute(&reply, "test/echo", true, echo_args);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply.result);
    CU_ASSERT_TRUE_FATAL(JSON_NODE_HOLDS_OBJECT(reply.result));
    CU_ASSERT_EQUAL(json_object_get_size(json_node_get_object(reply.result)),
                    0);
    ctl_reply_destroy(&reply);

    /* A refused JSON request gets {"error": TEXT}. */
    execute(&reply, "test/refuse", true, echo_args);
    CU_ASSERT_EQUAL(reply.status, CTL_REFUSED);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "no bridge named x");
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply.result);
    obj = json_node_get_object(reply.result);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(obj, "error"),
                           "no bridge named x");
    ctl_reply_destroy(&reply);

    /* So does an unknown command. */
    execute(&reply, "nope", true, echo_args);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply.result);
    CU_ASSERT_TRUE(json_object_has_member(
                       json_node_get_object(reply.result), "error"));
    ctl_reply_destroy(&reply);

    /* A text request gets no result, even from a handler that sets one. */
    execute(&reply, "test/result", false, NULL);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "value 7\n");
    CU_ASSERT_PTR_NULL(reply.result);
    ctl_reply_destroy(&reply);

    execute(&reply, "test/result", true, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply.result);
    CU_ASSERT_EQUAL(json_object_get_int_member(
                        json_node_get_object(reply.result), "value"), 7);
    ctl_reply_destroy(&reply);
}

/* Returns true if running 'func' in a child process aborts it. */
static bool
child_aborts(void (*func)(void))
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (!pid) {
        /* Keep the expected error message out of the test output. */
        if (!freopen("/dev/null", "w", stderr)) {
            _exit(3);
        }
        log_set_level(LOG_LVL_ERR);
        func();
        _exit(0);
    }
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void
register_echo_again(void)
{
    ctl_command_register("test/echo", "", "Again.", 0, 0, echo_handler,
                         NULL);
}

static void
register_builtin_again(void)
{
    ctl_command_register("version", "", "Mine.", 0, 0, echo_handler, NULL);
}

static void
register_bad_counts(void)
{
    ctl_command_register("test/bad", "", "Max below min.", 2, 1,
                         echo_handler, NULL);
}

static void
register_fresh(void)
{
    ctl_command_register("test/fresh", "", "Fine.", 0, 0, echo_handler,
                         NULL);
}

static void
test_register_twice_aborts(void)
{
    CU_ASSERT_TRUE(child_aborts(register_echo_again));
    CU_ASSERT_TRUE(child_aborts(register_builtin_again));
    CU_ASSERT_TRUE(child_aborts(register_bad_counts));
    CU_ASSERT_FALSE(child_aborts(register_fresh));
}

/* ---- The socket. ---- */

static char *tmp_dir;           /* Scratch directory of the socket tests. */
static int sock_seq;            /* Makes each test's socket path unique. */

/* Returns a fresh socket path in a directory that does not exist yet. */
static char *
new_socket_path(void)
{
    return g_strdup_printf("%s/run%d/vswitch/vswitchd.sock", tmp_dir,
                           ++sock_seq);
}

/* Work for a client thread, with its outcome. */
struct job {
    GThreadFunc func;           /* What the thread runs. */
    int done;                   /* Set (atomically) when it has finished. */
};

static void
job_finish(struct job *job)
{
    g_atomic_int_set(&job->done, 1);
    g_main_context_wakeup(NULL);
}

/* Runs 'job' in a new thread while iterating the default main context here,
 * as the daemon's main loop would, until the thread has finished. */
static void
run_job(struct job *job)
{
    GThread *thread;

    job->done = 0;
    thread = g_thread_new("client", job->func, job);
    while (!g_atomic_int_get(&job->done)) {
        g_main_context_iteration(NULL, TRUE);
    }
    g_thread_join(thread);
}

/* A transaction through ctl_client_transact(). */
struct transact_job {
    struct job job;             /* Must be first. */
    const char *path;           /* Socket to talk to. */
    struct ctl_request req;     /* Request to send. */
    struct ctl_reply reply;     /* Reply received. */
    int timeout_ms;             /* Passed to ctl_client_transact(). */
    bool ok;                    /* ctl_client_transact() returned 0. */
    int error;                  /* What ctl_client_transact() returned. */
    char *msg;                  /* Its message, if any. */
};

static void *
transact_thread(void *job_)
{
    struct transact_job *job = job_;

    job->error = ctl_client_transact(job->path, &job->req, job->timeout_ms,
                                     &job->reply, &job->msg);
    job->ok = !job->error;
    job_finish(&job->job);
    return NULL;
}

static void
transact_init(struct transact_job *job, const char *path, const char *cmd,
              char **args, bool json)
{
    memset(job, 0, sizeof *job);
    job->job.func = transact_thread;
    job->path = path;
    job->timeout_ms = TEST_WAIT_MS;
    ctl_request_init(&job->req);
    job->req.command = g_strdup(cmd);
    job->req.args = g_strdupv(args);
    job->req.json = json;
    ctl_reply_init(&job->reply);
}

static void
transact_destroy(struct transact_job *job)
{
    ctl_request_destroy(&job->req);
    ctl_reply_destroy(&job->reply);
    g_clear_pointer(&job->msg, g_free);
}

static int
connect_to(const char *path)
{
    struct sockaddr_un sun;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    g_strlcpy(sun.sun_path, path, sizeof sun.sun_path);
    if (fd >= 0 && connect(fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Reads from 'fd' into 'buf' until it holds 'n_lines' newlines (or, with
 * 'n_lines' < 0, until end of file), for at most TEST_WAIT_MS in all.
 * Returns true if it got what it waited for. */
static bool
read_lines(int fd, GString *buf, int n_lines, bool *eof)
{
    gint64 deadline = g_get_monotonic_time() + TEST_WAIT_MS * 1000;

    *eof = false;
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        gint64 left = deadline - g_get_monotonic_time();
        char chunk[4096];
        int have = 0;
        ssize_t n;

        for (size_t i = 0; i < buf->len; i++) {
            have += buf->str[i] == '\n';
        }
        if (n_lines >= 0 && have >= n_lines) {
            return true;
        }
        /* A server that never stops talking is as wrong as a silent one. */
        if (left <= 0 || buf->len > 4 * CTL_MAX_MESSAGE
            || poll(&pfd, 1, left / 1000 + 1) <= 0) {
            return false;
        }
        n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            *eof = true;
            return n_lines < 0;
        }
        g_string_append_len(buf, chunk, n);
    }
}

/* Raw bytes sent on one connection, and what came back. */
struct raw_job {
    struct job job;             /* Must be first. */
    const char *path;           /* Socket to talk to. */
    const char *data;           /* Bytes to send. */
    size_t len;                 /* Length of 'data'. */
    bool shut_wr;               /* Shut down our sending side after. */
    bool trickle;               /* Send one byte every 20 ms, and stop
                                 * when the server answers or closes. */
    size_t sent;                /* Bytes of 'data' sent. */
    int n_lines;                /* Lines to wait for, -1: until EOF. */
    bool connected;             /* The connection was made. */
    bool got_all;               /* read_lines() returned true. */
    bool eof;                   /* The server closed the connection. */
    GString *received;          /* What came back. */
};

static void *
raw_thread(void *job_)
{
    struct raw_job *job = job_;
    int fd = connect_to(job->path);

    job->connected = fd >= 0;
    if (fd >= 0) {
        while (job->sent < job->len) {
            struct pollfd pfd = { .fd = fd, .events = POLLIN };
            ssize_t n;

            if (job->trickle && poll(&pfd, 1, 20) > 0) {
                break;
            }
            n = send(fd, job->data + job->sent,
                     job->trickle ? 1 : job->len - job->sent, MSG_NOSIGNAL);
            if (n <= 0) {
                break;
            }
            job->sent += n;
        }
        if (job->shut_wr) {
            shutdown(fd, SHUT_WR);
        }
        job->got_all = read_lines(fd, job->received, job->n_lines,
                                  &job->eof);
        close(fd);
    }
    job_finish(&job->job);
    return NULL;
}

static void
raw_start(struct raw_job *job, const char *path, const char *data,
          size_t len, int n_lines, bool shut_wr, bool trickle)
{
    memset(job, 0, sizeof *job);
    job->job.func = raw_thread;
    job->path = path;
    job->data = data;
    job->len = len;
    job->n_lines = n_lines;
    job->shut_wr = shut_wr;
    job->trickle = trickle;
    job->received = g_string_new("");
    run_job(&job->job);
}

static void
raw_run(struct raw_job *job, const char *path, const char *data, size_t len,
        int n_lines, bool shut_wr)
{
    raw_start(job, path, data, len, n_lines, shut_wr, false);
}

/* Decodes line 'i' of 'text' as a reply. */
static void
reply_line(const char *text, int i, struct ctl_reply *reply)
{
    char **lines = g_strsplit(text, "\n", -1);
    char *msg;

    ctl_reply_init(reply);
    CU_ASSERT_FATAL(g_strv_length(lines) > (unsigned int) i);
    CU_ASSERT_EQUAL(ctl_reply_decode(lines[i], reply, &msg), 0);
    g_free(msg);
    g_strfreev(lines);
}

/* Sends 'data' on a new connection: the server must answer with a usage
 * error containing 'words', then hang up. */
static void
check_socket_refused(const char *path, const char *data, size_t len,
                     const char *words)
{
    struct ctl_reply reply;
    struct raw_job job;

    raw_run(&job, path, data, len, -1, false);
    CU_ASSERT_TRUE(job.eof);
    reply_line(job.received->str, 0, &reply);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    if (!strstr(reply.text->str, words)) {
        fprintf(stderr, "\n\"%s\" lacks \"%s\"\n", reply.text->str, words);
        CU_FAIL("refusal lacks the expected words");
    }
    ctl_reply_destroy(&reply);
    g_string_free(job.received, TRUE);
}

static struct ctl_server *
create_server(const char *path)
{
    struct ctl_server *server;
    char *msg;

    if (ctl_server_create(path, &server, &msg)) {
        fprintf(stderr, "\nctl_server_create: %s\n", msg);
        g_free(msg);
    }
    CU_ASSERT_PTR_NOT_NULL(server);
    return server;
}

static void
test_socket_roundtrip(void)
{
    char *args[] = { "hello", "wörld", NULL };
    struct transact_job t;
    struct ctl_server *server;
    char *path = new_socket_path();
    char *dir = g_path_get_dirname(path);
    struct stat st;

    server = create_server(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);

    CU_ASSERT_EQUAL(stat(dir, &st), 0);
    CU_ASSERT_TRUE(S_ISDIR(st.st_mode));
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0755);
    CU_ASSERT_EQUAL(lstat(path, &st), 0);
    CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
    CU_ASSERT_EQUAL(st.st_mode & 07777, 0660);

    transact_init(&t, path, "test/echo", args, false);
    run_job(&t.job);
    CU_ASSERT_TRUE(t.ok);
    CU_ASSERT_EQUAL(t.reply.status, CTL_OK);
    CU_ASSERT_STRING_EQUAL(t.reply.text->str, "echo: hello wörld\n");
    CU_ASSERT_PTR_NULL(t.reply.result);
    CU_ASSERT_EQUAL(hlog.calls, 1);
    transact_destroy(&t);

    /* --json: a command with no result still answers with JSON. */
    transact_init(&t, path, "test/echo", args, true);
    run_job(&t.job);
    CU_ASSERT_TRUE(t.ok);
    CU_ASSERT_PTR_NOT_NULL(t.reply.result);
    CU_ASSERT_TRUE(t.reply.result && JSON_NODE_HOLDS_OBJECT(t.reply.result));
    transact_destroy(&t);

    /* A usage error travels as status 2. */
    transact_init(&t, path, "test/echo", NULL, false);
    run_job(&t.job);
    CU_ASSERT_TRUE(t.ok);
    CU_ASSERT_EQUAL(t.reply.status, CTL_USAGE);
    CU_ASSERT_STRING_EQUAL(t.reply.text->str,
                           "usage: vswitch-ctl test/echo ARG [ARG]");
    transact_destroy(&t);

    ctl_server_destroy(server);
    CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS));
    g_free(dir);
    g_free(path);
}

static void
test_socket_sequential_requests(void)
{
    static const char requests[] =
        "{\"command\": \"test/echo\", \"args\": [\"one\"]}\n"
        "\n"
        "{\"command\": \"nope\"}\n"
        "{\"command\": \"test/echo\", \"args\": [\"two\"], \"json\": true}\n"
        "{\"command\": \"test/echo\", \"args\": [\"three\"]}";
    struct ctl_server *server;
    char *path = new_socket_path();
    struct ctl_reply reply;
    struct raw_job job;

    server = create_server(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);

    /* Four requests in one write, the last without its newline before the
     * client shuts down its side: four replies, in order, then EOF. */
    raw_run(&job, path, requests, strlen(requests), -1, true);
    CU_ASSERT_TRUE(job.connected);
    CU_ASSERT_TRUE(job.got_all);
    CU_ASSERT_TRUE(job.eof);

    reply_line(job.received->str, 0, &reply);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "echo: one\n");
    ctl_reply_destroy(&reply);
    reply_line(job.received->str, 1, &reply);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(reply.text->str, "unknown command"));
    ctl_reply_destroy(&reply);
    reply_line(job.received->str, 2, &reply);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "echo: two\n");
    CU_ASSERT_PTR_NOT_NULL(reply.result);
    ctl_reply_destroy(&reply);
    reply_line(job.received->str, 3, &reply);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "echo: three\n");
    ctl_reply_destroy(&reply);
    CU_ASSERT_EQUAL(hlog.calls, 3);

    g_string_free(job.received, TRUE);
    ctl_server_destroy(server);
    g_free(path);
}

static void
test_socket_malformed(void)
{
    static const char bad[] =
        "this is not json\n"
        "{\"command\": \"test/echo\", \"args\": [\"after\"]}\n";
    static const char bad_args[] = "{\"command\": \"x\", \"args\": [1]}\n";
    struct ctl_server *server;
    char *path = new_socket_path();
    struct ctl_reply reply;
    struct raw_job job;
    char *big, *line;

    server = create_server(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);

    /* One status-2 reply explaining why, then the server hangs up without
     * running the request that followed. */
    raw_run(&job, path, bad, strlen(bad), -1, false);
    CU_ASSERT_TRUE(job.got_all);
    CU_ASSERT_TRUE(job.eof);
    reply_line(job.received->str, 0, &reply);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(reply.text->str, "not valid JSON"));
    ctl_reply_destroy(&reply);
    CU_ASSERT_EQUAL(strchr(job.received->str, '\n') - job.received->str + 1,
                    (long) job.received->len);
    CU_ASSERT_EQUAL(hlog.calls, 0);
    g_string_free(job.received, TRUE);

    /* A request that is valid JSON but not a valid request. */
    check_socket_refused(path, bad_args, strlen(bad_args), "not a string");

    /* A line longer than the limit, never finished. */
    big = g_malloc(CTL_MAX_MESSAGE + 1);
    memset(big, 'a', CTL_MAX_MESSAGE + 1);
    check_socket_refused(path, big, CTL_MAX_MESSAGE + 1, "longer than");
    g_free(big);

    /* 100,000 levels of nesting: refused, and the server lives on. */
    line = request_nested(100000);
    big = g_strconcat(line, "\n", NULL);
    g_free(line);
    check_socket_refused(path, big, strlen(big), "nested deeper than");
    g_free(big);

    /* The server still serves well-behaved clients. */
    raw_run(&job, path, bad + 17, strlen(bad + 17), 1, false);
    reply_line(job.received->str, 0, &reply);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "echo: after\n");
    ctl_reply_destroy(&reply);
    g_string_free(job.received, TRUE);

    ctl_server_destroy(server);
    g_free(path);
}

static void
test_socket_live_refused(void)
{
    char *args[] = { "still", NULL };
    struct ctl_server *server, *second;
    char *path = new_socket_path();
    char *msg = NULL;
    struct transact_job t;
    char *expected;

    server = create_server(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);

    CU_ASSERT_EQUAL(ctl_server_create(path, &second, &msg), -EADDRINUSE);
    CU_ASSERT_PTR_NULL(second);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    expected = g_strdup_printf("another vswitchd is already listening on %s",
                               path);
    CU_ASSERT_STRING_EQUAL(msg, expected);
    g_free(expected);
    g_clear_pointer(&msg, g_free);
    ctl_server_destroy(second);

    /* The first server is untouched. */
    transact_init(&t, path, "test/echo", args, false);
    run_job(&t.job);
    CU_ASSERT_TRUE(t.ok);
    CU_ASSERT_STRING_EQUAL(t.reply.text->str, "echo: still\n");
    transact_destroy(&t);

    ctl_server_destroy(server);
    g_free(path);
}

static void
test_socket_stale_replaced(void)
{
    char *args[] = { "fresh", NULL };
    char *path = new_socket_path();
    char *dir = g_path_get_dirname(path);
    struct ctl_server *server;
    struct sockaddr_un sun;
    struct transact_job t;
    char *msg = NULL;
    int fd;

    /* A socket file nobody listens on, as a crashed daemon leaves. */
    CU_ASSERT_EQUAL_FATAL(g_mkdir_with_parents(dir, 0755), 0);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    g_strlcpy(sun.sun_path, path, sizeof sun.sun_path);
    CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *) &sun, sizeof sun), 0);
    close(fd);
    CU_ASSERT_TRUE(g_file_test(path, G_FILE_TEST_EXISTS));
    CU_ASSERT_EQUAL(connect_to(path), -1);

    server = create_server(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);
    transact_init(&t, path, "test/echo", args, false);
    run_job(&t.job);
    CU_ASSERT_TRUE(t.ok);
    CU_ASSERT_STRING_EQUAL(t.reply.text->str, "echo: fresh\n");
    transact_destroy(&t);
    ctl_server_destroy(server);

    /* A file that is not a socket is left alone. */
    CU_ASSERT_TRUE(g_file_set_contents(path, "keep me", -1, NULL));
    CU_ASSERT(ctl_server_create(path, &server, &msg) < 0);
    CU_ASSERT_PTR_NULL(server);
    CU_ASSERT_PTR_NOT_NULL(msg);
    CU_ASSERT_TRUE(msg && strstr(msg, "is not a socket"));
    g_clear_pointer(&msg, g_free);
    CU_ASSERT_TRUE(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    unlink(path);

    g_free(dir);
    g_free(path);
}

static void
test_socket_half_open_client(void)
{
    char *args[] = { "meanwhile", NULL };
    struct ctl_server *server;
    char *path = new_socket_path();
    struct transact_job t;
    int stuck;

    server = create_server(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);

    /* A client that sends half a request and then nothing... */
    stuck = connect_to(path);
    CU_ASSERT_FATAL(stuck >= 0);
    CU_ASSERT_EQUAL(send(stuck, "{\"command\": \"te", 15, MSG_NOSIGNAL),
                    15);
    for (int i = 0; i < 10; i++) {
        g_main_context_iteration(NULL, FALSE);
    }

    /* ...does not keep another client from being served. */
    transact_init(&t, path, "test/echo", args, false);
    run_job(&t.job);
    CU_ASSERT_TRUE(t.ok);
    CU_ASSERT_STRING_EQUAL(t.reply.text->str, "echo: meanwhile\n");
    transact_destroy(&t);

    close(stuck);
    ctl_server_destroy(server);
    g_free(path);
}

#define N_CROWD 64

/* Fills every client slot, then checks that one more client is still
 * served: the connection that waited longest is dropped to make room. */
struct crowd_job {
    struct job job;             /* Must be first. */
    const char *path;           /* Socket to talk to. */
    bool send_first;            /* The crowd sends a request each first;
                                 * otherwise it stays silent. */
    int served;                 /* Crowd connections that got a reply. */
    GString *extra;             /* What the client over the limit got. */
    bool first_eof;             /* The oldest connection was closed. */
    GString *again;             /* Reply to a second request on the last
                                 * connection of the crowd. */
};

static void *
crowd_thread(void *job_)
{
    static const char req[] = "{\"command\": \"test/echo\", "
                              "\"args\": [\"crowd\"]}\n";
    struct crowd_job *job = job_;
    int fds[N_CROWD];
    GString *got;
    bool eof;
    int fd;

    for (int i = 0; i < N_CROWD; i++) {
        got = g_string_new("");
        fds[i] = connect_to(job->path);
        if (fds[i] >= 0 && job->send_first
            && send(fds[i], req, strlen(req), MSG_NOSIGNAL) > 0
            && read_lines(fds[i], got, 1, &eof)) {
            job->served++;
        }
        g_string_free(got, TRUE);
    }

    fd = connect_to(job->path);
    if (fd >= 0 && send(fd, req, strlen(req), MSG_NOSIGNAL) > 0) {
        read_lines(fd, job->extra, 1, &eof);
        close(fd);
    }

    got = g_string_new("");
    if (fds[0] >= 0) {
        read_lines(fds[0], got, -1, &job->first_eof);
    }
    g_string_free(got, TRUE);
    if (fds[N_CROWD - 1] >= 0
        && send(fds[N_CROWD - 1], req, strlen(req), MSG_NOSIGNAL) > 0) {
        read_lines(fds[N_CROWD - 1], job->again, 1, &eof);
    }
    for (int i = 0; i < N_CROWD; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
        }
    }
    job_finish(&job->job);
    return NULL;
}

static void
check_crowd(bool send_first)
{
    struct ctl_server *server;
    char *path = new_socket_path();
    struct ctl_reply reply;
    struct crowd_job job;

    server = create_server(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);

    memset(&job, 0, sizeof job);
    job.job.func = crowd_thread;
    job.path = path;
    job.send_first = send_first;
    job.extra = g_string_new("");
    job.again = g_string_new("");
    run_job(&job.job);

    CU_ASSERT_EQUAL(job.served, send_first ? N_CROWD : 0);
    reply_line(job.extra->str, 0, &reply);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "echo: crowd\n");
    ctl_reply_destroy(&reply);
    CU_ASSERT_TRUE(job.first_eof);
    reply_line(job.again->str, 0, &reply);
    CU_ASSERT_STRING_EQUAL(reply.text->str, "echo: crowd\n");
    ctl_reply_destroy(&reply);

    g_string_free(job.extra, TRUE);
    g_string_free(job.again, TRUE);
    ctl_server_destroy(server);
    g_free(path);
}

/* 64 idle clients, or 64 that never send a byte, cannot lock out the
 * 65th. */
static void
test_socket_too_many_clients(void)
{
    check_crowd(true);
    check_crowd(false);
}

/* A request must arrive whole within the request deadline of its first
 * byte, however often bytes come; an idle client is closed after the idle
 * deadline. */
static void
test_socket_deadlines(void)
{
    /* Long enough to trickle for TEST_WAIT_MS. */
    char *slow = g_strdup_printf("{\"command\": \"test/echo\", "
                                 "\"args\": [\"%0*d\"]}\n",
                                 TEST_WAIT_MS / 20, 0);
    struct ctl_server *server;
    char *path = new_socket_path();
    struct ctl_reply reply;
    struct raw_job job;

    server = create_server(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);
    ctl_server_set_timeouts(server, 300, 600);

    /* One byte every 20 ms: closed although bytes keep coming. */
    raw_start(&job, path, slow, strlen(slow), -1, false, true);
    CU_ASSERT_TRUE(job.eof);
    CU_ASSERT(job.sent < strlen(slow));
    reply_line(job.received->str, 0, &reply);
    CU_ASSERT_EQUAL(reply.status, CTL_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(reply.text->str, "not received whole"));
    ctl_reply_destroy(&reply);
    g_string_free(job.received, TRUE);

    /* Connected and silent: closed, without a word. */
    raw_run(&job, path, "", 0, -1, false);
    CU_ASSERT_TRUE(job.got_all);
    CU_ASSERT_TRUE(job.eof);
    CU_ASSERT_EQUAL(job.received->len, 0);
    g_string_free(job.received, TRUE);

    /* A request sent at once is served as ever. */
    raw_run(&job, path, slow, strlen(slow), 1, false);
    reply_line(job.received->str, 0, &reply);
    CU_ASSERT_EQUAL(reply.status, CTL_OK);
    ctl_reply_destroy(&reply);
    g_string_free(job.received, TRUE);

    ctl_server_destroy(server);
    g_free(path);
    g_free(slow);
}

static void
destroy_handler(struct ctl_reply *reply, int n_args, char *args[],
                bool want_json, void *server_)
{
    struct ctl_server **server = server_;

    ctl_server_destroy(*server);
    *server = NULL;
    ctl_reply_printf(reply, "bye\n");
}

static void
test_socket_destroy_from_handler(void)
{
    struct ctl_server *server;
    char *path = new_socket_path();
    struct transact_job t;

    server = create_server(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);
    ctl_command_register("test/destroy", "", "Destroys the server.", 0, 0,
                         destroy_handler, &server);

    /* The server goes away while its handler runs (valgrind and the
     * sanitizers check that nothing is used after it is freed). */
    transact_init(&t, path, "test/destroy", NULL, false);
    run_job(&t.job);
    CU_ASSERT_PTR_NULL(server);
    CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS));
    transact_destroy(&t);

    g_free(path);
}

static void
test_client_errors(void)
{
    char *path = g_strdup_printf("%s/absent.sock", tmp_dir);
    char *long_path = g_strnfill(200, 'x');
    struct ctl_request req;
    struct ctl_reply reply;
    char *msg = NULL;
    struct sockaddr_un sun;
    char *expected;
    int fd;

    ctl_request_init(&req);
    req.command = g_strdup("show");
    ctl_reply_init(&reply);

    /* Nobody there. */
    CU_ASSERT(ctl_client_transact(path, &req, TEST_WAIT_MS, &reply,
                                  &msg) < 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    expected = g_strdup_printf("is vswitchd running? (socket %s: %s)", path,
                               g_strerror(ENOENT));
    CU_ASSERT_STRING_EQUAL(msg, expected);
    g_free(expected);
    g_clear_pointer(&msg, g_free);

    CU_ASSERT(ctl_client_transact(long_path, &req, TEST_WAIT_MS,
                                  &reply, &msg) < 0);
    CU_ASSERT_TRUE(msg && strstr(msg, "too long"));
    g_clear_pointer(&msg, g_free);

    /* Someone listens but never answers: the timeout ends the wait. */
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    g_strlcpy(sun.sun_path, path, sizeof sun.sun_path);
    CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *) &sun, sizeof sun), 0);
    CU_ASSERT_EQUAL_FATAL(listen(fd, 4), 0);
    CU_ASSERT_EQUAL(ctl_client_transact(path, &req, 50, &reply, &msg),
                    -ETIMEDOUT);
    CU_ASSERT_TRUE(msg && strstr(msg, path));
    g_clear_pointer(&msg, g_free);
    close(fd);
    unlink(path);

    ctl_reply_destroy(&reply);
    ctl_request_destroy(&req);
    g_free(long_path);
    g_free(path);
}

static void
remove_tree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);

    if (dir) {
        const char *name;

        while ((name = g_dir_read_name(dir))) {
            char *child = g_build_filename(path, name, NULL);

            remove_tree(child);
            g_free(child);
        }
        g_dir_close(dir);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int
socket_suite_init(void)
{
    tmp_dir = g_dir_make_tmp("test-ctl-proto-XXXXXX", NULL);
    return tmp_dir ? 0 : -1;
}

static int
socket_suite_clean(void)
{
    remove_tree(tmp_dir);
    g_free(tmp_dir);
    tmp_dir = NULL;
    return 0;
}

int
main(void)
{
    CU_pSuite suite;
    unsigned int failures;

    /* Keep the server's expected warnings from hiding the results. */
    log_set_level(LOG_LVL_ERR);

    if (CU_initialize_registry() != CUE_SUCCESS) {
        return CU_get_error();
    }

    suite = CU_add_suite("ctl-proto", NULL, NULL);
    CU_add_test(suite, "request round trip", test_request_roundtrip);
    CU_add_test(suite, "request defaults", test_request_decode_defaults);
    CU_add_test(suite, "request malformed", test_request_malformed);
    CU_add_test(suite, "request hostile", test_request_hostile);
    CU_add_test(suite, "reply round trip", test_reply_roundtrip);
    CU_add_test(suite, "reply malformed", test_reply_malformed);
    CU_add_test(suite, "reply helpers", test_reply_helpers);
    CU_add_test(suite, "refusals shortened", test_reply_error_shortened);

    suite = CU_add_suite_with_setup_and_teardown(
        "ctl-registry", NULL, NULL, registry_test_setup, registry_teardown);
    CU_add_test(suite, "handler gets its args", test_execute_handler_args);
    CU_add_test(suite, "argument counts", test_execute_arg_counts);
    CU_add_test(suite, "unknown command", test_execute_unknown);
    CU_add_test(suite, "list-commands", test_list_commands);
    CU_add_test(suite, "help and version", test_help_and_version);
    CU_add_test(suite, "json results", test_json_results);
    CU_add_test(suite, "bad registrations abort",
                test_register_twice_aborts);

    suite = CU_add_suite_with_setup_and_teardown(
        "ctl-socket", socket_suite_init, socket_suite_clean,
        registry_test_setup, registry_teardown);
    CU_add_test(suite, "round trip", test_socket_roundtrip);
    CU_add_test(suite, "sequential requests",
                test_socket_sequential_requests);
    CU_add_test(suite, "malformed requests", test_socket_malformed);
    CU_add_test(suite, "live socket refused", test_socket_live_refused);
    CU_add_test(suite, "stale socket replaced", test_socket_stale_replaced);
    CU_add_test(suite, "half-open client", test_socket_half_open_client);
    CU_add_test(suite, "too many clients", test_socket_too_many_clients);
    CU_add_test(suite, "request and idle deadlines", test_socket_deadlines);
    CU_add_test(suite, "destroy from a handler",
                test_socket_destroy_from_handler);
    CU_add_test(suite, "client errors", test_client_errors);

    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
