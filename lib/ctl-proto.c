#include <autoconf.h>
#include "ctl-proto.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include "util.h"

/* Encoding and decoding of the control protocol's requests and replies.
 *
 * Both are built and read with json-glib.  The generator escapes control
 * characters (a newline inside an argument becomes "\n"), so an encoded
 * message never contains a raw newline and can be framed by one. */

static char *
node_to_line(JsonNode *root)
{
    JsonGenerator *gen = json_generator_new();
    char *line;

    json_generator_set_pretty(gen, FALSE);
    json_generator_set_root(gen, root);
    line = json_generator_to_data(gen, NULL);
    g_object_unref(gen);
    return line;
}

/* Adds 's' as a string value to 'b', repairing invalid UTF-8 so that the
 * output is always valid JSON. */
static void
add_utf8_string(JsonBuilder *b, const char *s)
{
    if (g_utf8_validate(s, -1, NULL)) {
        json_builder_add_string_value(b, s);
    } else {
        char *valid = g_utf8_make_valid(s, -1);

        json_builder_add_string_value(b, valid);
        g_free(valid);
    }
}

/* Checks 'line' before json-glib sees it, in one cheap pass over the
 * bytes: json-glib parses nested arrays and objects by recursion, so a
 * message of a few hundred kilobytes of "[[[[..." would overflow the stack
 * of the daemon; and it decodes "\u0000" into a NUL that silently cuts a
 * string short ("br0\u0000junk" would be "br0").  Counts the nesting
 * outside strings and looks for \u0000 inside them.  JSON that is malformed
 * in other ways passes here: the parser refuses it. */
static int
check_json_shape(const char *line, const char *what, char **msg)
{
    bool in_string = false;
    int depth = 0;

    for (const char *p = line; *p; p++) {
        if (in_string) {
            if (*p == '"') {
                in_string = false;
            } else if (*p == '\\' && p[1]) {
                p++;
                if (*p == 'u' && !strncmp(p + 1, "0000", 4)) {
                    *msg = g_strdup_printf("%s contains a NUL character "
                                           "(\\u0000) in a string; names and "
                                           "values cannot hold one", what);
                    return -EINVAL;
                }
            }
        } else if (*p == '"') {
            in_string = true;
        } else if (*p == '[' || *p == '{') {
            if (++depth > CTL_MAX_DEPTH) {
                *msg = g_strdup_printf("%s is nested deeper than %d levels of "
                                       "arrays and objects", what,
                                       CTL_MAX_DEPTH);
                return -EINVAL;
            }
        } else if (*p == ']' || *p == '}') {
            depth--;
        }
    }
    return 0;
}

/* Members parsed into each object, to catch a key given twice: json-glib
 * keeps the last value silently, so {"command": "del-br", "command":
 * "list-br"} would mean whatever the reader of the log did not expect. */
struct member_count {
    GHashTable *counts;         /* Owned.  JsonObject * -> members parsed
                                 * into it so far. */
    char *duplicate;            /* Owned.  First key given twice, or NULL. */
};

/* "object-member" handler: json-glib has just stored member 'name' in
 * 'object', so a repeated name leaves the object smaller than the count of
 * members parsed into it. */
static void
count_member(JsonParser *parser, JsonObject *object, char *name,
             void *mc_)
{
    struct member_count *mc = mc_;
    unsigned int n = GPOINTER_TO_UINT(g_hash_table_lookup(mc->counts,
                                                          object)) + 1;

    g_hash_table_insert(mc->counts, object, GUINT_TO_POINTER(n));
    if (n > json_object_get_size(object) && !mc->duplicate) {
        mc->duplicate = g_strdup(name);
    }
}

/* Parses 'line' into a parser whose root is an object.  'what' names the
 * message for errors ("request", "reply").  Returns the parser (caller
 * unrefs) or NULL with '*msg' set. */
static JsonParser *
parse_object(const char *line, const char *what, char **msg)
{
    struct member_count mc = { NULL, NULL };
    JsonParser *parser;
    GError *parse_error = NULL;
    JsonNode *root;
    bool loaded;

    if (check_json_shape(line, what, msg)) {
        return NULL;
    }
    parser = json_parser_new();
    mc.counts = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_signal_connect(parser, "object-member", G_CALLBACK(count_member), &mc);
    loaded = json_parser_load_from_data(parser, line, -1, &parse_error);
    g_signal_handlers_disconnect_by_data(parser, &mc);
    g_hash_table_destroy(mc.counts);

    if (!loaded) {
        const char *why = parse_error->message;

        if (g_str_has_prefix(why, "<data>:")) {
            why += strlen("<data>:");
        }
        *msg = g_strdup_printf("%s is not valid JSON (%s)", what, why);
        g_error_free(parse_error);
        goto error;
    }
    if (mc.duplicate) {
        *msg = g_strdup_printf("%s is refused: key \"%s\" is given twice in "
                               "an object", what, mc.duplicate);
        goto error;
    }
    root = json_parser_get_root(parser);
    if (!root) {
        *msg = g_strdup_printf("%s is empty: expected a JSON object", what);
        goto error;
    }
    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        *msg = g_strdup_printf("%s must be a JSON object, not a JSON %s", what,
                               json_node_type_name(root));
        goto error;
    }
    return parser;

error:
    g_free(mc.duplicate);
    g_object_unref(parser);
    return NULL;
}

static bool
node_is_string(JsonNode *node)
{
    return node && JSON_NODE_HOLDS_VALUE(node)
           && json_node_get_value_type(node) == G_TYPE_STRING;
}

static bool
node_is_int(JsonNode *node)
{
    return node && JSON_NODE_HOLDS_VALUE(node)
           && json_node_get_value_type(node) == G_TYPE_INT64;
}

static bool
node_is_boolean(JsonNode *node)
{
    return node && JSON_NODE_HOLDS_VALUE(node)
           && json_node_get_value_type(node) == G_TYPE_BOOLEAN;
}

void
ctl_request_init(struct ctl_request *req)
{
    req->command = NULL;
    req->args = NULL;
    req->json = false;
}

void
ctl_request_destroy(struct ctl_request *req)
{
    if (req) {
        g_free(req->command);
        g_strfreev(req->args);
        req->command = NULL;
        req->args = NULL;
    }
}

char *
ctl_request_encode(const struct ctl_request *req)
{
    JsonBuilder *b = json_builder_new();
    JsonNode *root;
    char *line;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "command");
    add_utf8_string(b, req->command ? req->command : "");
    json_builder_set_member_name(b, "args");
    json_builder_begin_array(b);
    for (char **arg = req->args; arg && *arg; arg++) {
        add_utf8_string(b, *arg);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "json");
    json_builder_add_boolean_value(b, req->json);
    json_builder_end_object(b);

    root = json_builder_get_root(b);
    line = node_to_line(root);
    json_node_unref(root);
    g_object_unref(b);
    return line;
}

/* Fills 'req->args' from 'node', the "args" member (absent or null means no
 * arguments). */
static int
decode_args(JsonNode *node, struct ctl_request *req, char **msg)
{
    JsonArray *array;
    unsigned int n;

    if (!node || JSON_NODE_HOLDS_NULL(node)) {
        req->args = g_new0(char *, 1);
        return 0;
    }
    if (!JSON_NODE_HOLDS_ARRAY(node)) {
        *msg = g_strdup("request \"args\" must be an array of strings");
        return -EINVAL;
    }
    array = json_node_get_array(node);
    n = json_array_get_length(array);
    if (n > CTL_MAX_ARGS) {
        *msg = g_strdup_printf("request has %u arguments, more than the limit "
                               "of %d", n, CTL_MAX_ARGS);
        return -EINVAL;
    }
    req->args = g_new0(char *, n + 1);
    for (unsigned int i = 0; i < n; i++) {
        JsonNode *elem = json_array_get_element(array, i);

        if (!node_is_string(elem)) {
            *msg = g_strdup_printf("request argument %u is not a string",
                                   i + 1);
            return -EINVAL;
        }
        if (!g_utf8_validate(json_node_get_string(elem), -1, NULL)) {
            /* json-glib passes a lone surrogate (\ud800) through as bytes
             * that are not UTF-8: echoed in a reply, they would make the
             * reply undecodable. */
            *msg = g_strdup_printf("request argument %u is not valid UTF-8",
                                   i + 1);
            return -EINVAL;
        }
        req->args[i] = g_strdup(json_node_get_string(elem));
    }
    return 0;
}

int
ctl_request_decode(const char *line, struct ctl_request *req, char **msg)
{
    JsonParser *parser;
    JsonObject *obj;
    JsonNode *node;

    *msg = NULL;
    ctl_request_destroy(req);
    ctl_request_init(req);

    if (strlen(line) > CTL_MAX_MESSAGE) {
        *msg = g_strdup_printf("request is longer than %d bytes",
                               CTL_MAX_MESSAGE);
        return -EMSGSIZE;
    }
    parser = parse_object(line, "request", msg);
    if (!parser) {
        return -EINVAL;
    }
    obj = json_node_get_object(json_parser_get_root(parser));

    node = json_object_get_member(obj, "command");
    if (!node) {
        *msg = g_strdup("request lacks \"command\"");
        goto error;
    }
    if (!node_is_string(node) || !json_node_get_string(node)[0]) {
        *msg = g_strdup_printf("request \"command\" must be a non-empty "
                               "string");
        goto error;
    }
    if (!g_utf8_validate(json_node_get_string(node), -1, NULL)) {
        *msg = g_strdup("request \"command\" is not valid UTF-8");
        goto error;
    }
    req->command = g_strdup(json_node_get_string(node));

    if (decode_args(json_object_get_member(obj, "args"), req, msg)) {
        goto error;
    }

    node = json_object_get_member(obj, "json");
    if (node && !JSON_NODE_HOLDS_NULL(node)) {
        if (!node_is_boolean(node)) {
            *msg = g_strdup("request \"json\" must be true or false");
            goto error;
        }
        req->json = json_node_get_boolean(node);
    }

    g_object_unref(parser);
    return 0;

error:
    g_object_unref(parser);
    ctl_request_destroy(req);
    return -EINVAL;
}

void
ctl_reply_init(struct ctl_reply *reply)
{
    reply->status = CTL_OK;
    reply->text = g_string_new("");
    reply->result = NULL;
}

void
ctl_reply_destroy(struct ctl_reply *reply)
{
    if (reply) {
        if (reply->text) {
            g_string_free(reply->text, TRUE);
            reply->text = NULL;
        }
        if (reply->result) {
            json_node_unref(reply->result);
            reply->result = NULL;
        }
    }
}

char *
ctl_reply_encode(const struct ctl_reply *reply)
{
    JsonBuilder *b = json_builder_new();
    JsonNode *root;
    char *line;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "status");
    json_builder_add_int_value(b, reply->status);
    json_builder_set_member_name(b, "text");
    add_utf8_string(b, reply->text ? reply->text->str : "");
    json_builder_set_member_name(b, "result");
    if (reply->result) {
        json_builder_add_value(b, json_node_copy(reply->result));
    } else {
        json_builder_add_null_value(b);
    }
    json_builder_end_object(b);

    root = json_builder_get_root(b);
    line = node_to_line(root);
    json_node_unref(root);
    g_object_unref(b);
    return line;
}

int
ctl_reply_decode(const char *line, struct ctl_reply *reply, char **msg)
{
    JsonParser *parser;
    JsonObject *obj;
    JsonNode *node;
    gint64 status;

    *msg = NULL;
    parser = parse_object(line, "reply", msg);
    if (!parser) {
        return -EINVAL;
    }
    obj = json_node_get_object(json_parser_get_root(parser));

    node = json_object_get_member(obj, "status");
    if (!node_is_int(node)) {
        *msg = g_strdup("reply lacks an integer \"status\"");
        goto error;
    }
    status = json_node_get_int(node);
    if (status < CTL_OK || status > CTL_USAGE) {
        *msg = g_strdup_printf("reply status %" G_GINT64_FORMAT " is not 0, "
                               "1 or 2", status);
        goto error;
    }

    node = json_object_get_member(obj, "text");
    if (node && !JSON_NODE_HOLDS_NULL(node) && !node_is_string(node)) {
        *msg = g_strdup("reply \"text\" is not a string");
        goto error;
    }

    reply->status = status;
    if (!reply->text) {
        reply->text = g_string_new("");
    }
    g_string_assign(reply->text,
                    node_is_string(node) ? json_node_get_string(node) : "");

    node = json_object_get_member(obj, "result");
    if (reply->result) {
        json_node_unref(reply->result);
    }
    reply->result = (node && !JSON_NODE_HOLDS_NULL(node)
                     ? json_node_copy(node) : NULL);

    g_object_unref(parser);
    return 0;

error:
    g_object_unref(parser);
    return -EINVAL;
}

void
ctl_reply_printf(struct ctl_reply *reply, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    g_string_append_vprintf(reply->text, fmt, args);
    va_end(args);
}

void
ctl_reply_error(struct ctl_reply *reply, enum ctl_status status,
                const char *fmt, ...)
{
    va_list args;

    /* An error that claims success would be printed as output and exit 0:
     * treat it as a refusal. */
    reply->status = status == CTL_OK ? CTL_REFUSED : status;
    g_string_truncate(reply->text, 0);
    va_start(args, fmt);
    g_string_append_vprintf(reply->text, fmt, args);
    va_end(args);

    /* A refusal quotes what it refuses: never a megabyte of it. */
    str_shorten_quoted(reply->text->str, MSG_QUOTE_MAX, MSG_MAX_LEN);
    g_string_truncate(reply->text, strlen(reply->text->str));
}

void
ctl_reply_set_result(struct ctl_reply *reply, JsonNode *result)
{
    if (reply->result) {
        json_node_unref(reply->result);
    }
    reply->result = result;
}
