#include <autoconf.h>
#include "ctl-proto.h"

#include <gio/gio.h>
#include <stdarg.h>
#include <string.h>

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

/* Parses 'line' into a parser whose root is an object.  'what' names the
 * message for errors ("request", "reply").  Returns the parser (caller
 * unrefs) or NULL with 'error' set. */
static JsonParser *
parse_object(const char *line, const char *what, GError **error)
{
    JsonParser *parser = json_parser_new();
    GError *parse_error = NULL;
    JsonNode *root;

    if (!json_parser_load_from_data(parser, line, -1, &parse_error)) {
        const char *msg = parse_error->message;

        if (g_str_has_prefix(msg, "<data>:")) {
            msg += strlen("<data>:");
        }
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s is not valid JSON (%s)", what, msg);
        g_error_free(parse_error);
        g_object_unref(parser);
        return NULL;
    }
    root = json_parser_get_root(parser);
    if (!root) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s is empty: expected a JSON object", what);
        g_object_unref(parser);
        return NULL;
    }
    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s must be a JSON object, not a JSON %s", what,
                    json_node_type_name(root));
        g_object_unref(parser);
        return NULL;
    }
    return parser;
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
static bool
decode_args(JsonNode *node, struct ctl_request *req, GError **error)
{
    JsonArray *array;
    unsigned int n;

    if (!node || JSON_NODE_HOLDS_NULL(node)) {
        req->args = g_new0(char *, 1);
        return true;
    }
    if (!JSON_NODE_HOLDS_ARRAY(node)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "request \"args\" must be an array of strings");
        return false;
    }
    array = json_node_get_array(node);
    n = json_array_get_length(array);
    if (n > CTL_MAX_ARGS) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "request has %u arguments, more than the limit of %d",
                    n, CTL_MAX_ARGS);
        return false;
    }
    req->args = g_new0(char *, n + 1);
    for (unsigned int i = 0; i < n; i++) {
        JsonNode *elem = json_array_get_element(array, i);

        if (!node_is_string(elem)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "request argument %u is not a string", i + 1);
            return false;
        }
        req->args[i] = g_strdup(json_node_get_string(elem));
    }
    return true;
}

bool
ctl_request_decode(const char *line, struct ctl_request *req,
                   GError **error)
{
    JsonParser *parser;
    JsonObject *obj;
    JsonNode *node;

    ctl_request_destroy(req);
    ctl_request_init(req);

    if (strlen(line) > CTL_MAX_MESSAGE) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                    "request is longer than %d bytes", CTL_MAX_MESSAGE);
        return false;
    }
    parser = parse_object(line, "request", error);
    if (!parser) {
        return false;
    }
    obj = json_node_get_object(json_parser_get_root(parser));

    node = json_object_get_member(obj, "command");
    if (!node) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "request lacks \"command\"");
        goto error;
    }
    if (!node_is_string(node) || !json_node_get_string(node)[0]) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "request \"command\" must be a non-empty string");
        goto error;
    }
    req->command = g_strdup(json_node_get_string(node));

    if (!decode_args(json_object_get_member(obj, "args"), req, error)) {
        goto error;
    }

    node = json_object_get_member(obj, "json");
    if (node && !JSON_NODE_HOLDS_NULL(node)) {
        if (!node_is_boolean(node)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "request \"json\" must be true or false");
            goto error;
        }
        req->json = json_node_get_boolean(node);
    }

    g_object_unref(parser);
    return true;

error:
    g_object_unref(parser);
    ctl_request_destroy(req);
    return false;
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

bool
ctl_reply_decode(const char *line, struct ctl_reply *reply, GError **error)
{
    JsonParser *parser;
    JsonObject *obj;
    JsonNode *node;
    gint64 status;

    parser = parse_object(line, "reply", error);
    if (!parser) {
        return false;
    }
    obj = json_node_get_object(json_parser_get_root(parser));

    node = json_object_get_member(obj, "status");
    if (!node_is_int(node)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "reply lacks an integer \"status\"");
        goto error;
    }
    status = json_node_get_int(node);
    if (status < CTL_OK || status > CTL_USAGE) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "reply status %" G_GINT64_FORMAT " is not 0, 1 or 2",
                    status);
        goto error;
    }

    node = json_object_get_member(obj, "text");
    if (node && !JSON_NODE_HOLDS_NULL(node) && !node_is_string(node)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "reply \"text\" is not a string");
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
    return true;

error:
    g_object_unref(parser);
    return false;
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
}

void
ctl_reply_set_result(struct ctl_reply *reply, JsonNode *result)
{
    if (reply->result) {
        json_node_unref(reply->result);
    }
    reply->result = result;
}
