#include <autoconf.h>
#include "ctl-command.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"

#define THIS_MODULE "ctl"

struct ctl_command {
    char *name;                 /* Owned.  Command name, the table's key. */
    char *usage;                /* Owned.  Argument synopsis, maybe "". */
    char *help;                 /* Owned.  One sentence. */
    int min_args;               /* Fewest arguments accepted. */
    int max_args;               /* Most arguments accepted, -1: no limit. */
    ctl_handler_func *handler;  /* Runs the command. */
    void *aux;                  /* Passed to 'handler'. */
};

/* Name -> struct ctl_command *.  Created with the built-in commands on first
 * use, so ctl_command_unregister_all() leaves the built-ins in place. */
static GHashTable *ctl_commands;

static GHashTable *get_commands(void);

static void
ctl_command_free(void *cmd_)
{
    struct ctl_command *cmd = cmd_;

    g_free(cmd->name);
    g_free(cmd->usage);
    g_free(cmd->help);
    g_free(cmd);
}

/* A registration that disagrees with the table's entry of the same name
 * would make --help and the daemon tell different stories. */
static bool
doc_matches(const struct ctl_command_doc *doc, const char *usage,
            const char *help, int min_args, int max_args)
{
    return (!strcmp(doc->usage, usage ? usage : "")
            && !strcmp(doc->help, help ? help : "")
            && doc->min_args == min_args && doc->max_args == max_args);
}

/* Adds command 'name' to 'table'.  Its abort()s are for programming
 * errors only (util.h): commands are registered once, at startup, by the
 * daemon's own *_register_commands() with literal names and handlers, and
 * never from a request, so no user or network input reaches them; a daemon
 * built with a command registered twice, or disagreeing with its entry in
 * lib/ctl-catalog.c, stops at once instead of serving a wrong --help. */
static void
add_command(GHashTable *table, const char *name, const char *usage,
            const char *help, int min_args, int max_args,
            ctl_handler_func *handler, void *aux)
{
    const struct ctl_command_doc *doc;
    struct ctl_command *cmd;

    if (!name || !name[0] || !handler || min_args < 0
        || (max_args >= 0 && max_args < min_args)) {
        VLOG_ERR("bad registration of command \"%s\" (min %d, max %d)",
                 name ? name : "(null)", min_args, max_args);
        abort();
    }
    if (g_hash_table_contains(table, name)) {
        VLOG_ERR("command \"%s\" registered twice", name);
        abort();
    }
    doc = ctl_command_doc_find(name);
    if (doc && !doc_matches(doc, usage, help, min_args, max_args)) {
        VLOG_ERR("command \"%s\" registered with a usage, help or argument "
                 "count other than its entry in lib/ctl-catalog.c (bind it "
                 "with ctl_command_bind())", name);
        abort();
    }
    cmd = g_new0(struct ctl_command, 1);
    cmd->name = g_strdup(name);
    cmd->usage = g_strdup(usage ? usage : "");
    cmd->help = g_strdup(help ? help : "");
    cmd->min_args = min_args;
    cmd->max_args = max_args;
    cmd->handler = handler;
    cmd->aux = aux;
    g_hash_table_insert(table, cmd->name, cmd);
}

/* Adds the table's command 'name' to 'table'. */
static void
add_documented(GHashTable *table, const char *name,
               ctl_handler_func *handler, void *aux)
{
    const struct ctl_command_doc *doc = ctl_command_doc_find(name);

    if (!doc) {
        VLOG_ERR("command \"%s\" is not in lib/ctl-catalog.c (add it "
                 "there, then document it in vswitch-ctl(8))", name);
        abort();
    }
    add_command(table, doc->name, doc->usage, doc->help, doc->min_args,
                doc->max_args, handler, aux);
}

void
ctl_command_bind(const char *name, ctl_handler_func *handler, void *aux)
{
    add_documented(get_commands(), name, handler, aux);
}

void
ctl_command_register(const char *name, const char *usage, const char *help,
                     int min_args, int max_args, ctl_handler_func *handler,
                     void *aux)
{
    add_command(get_commands(), name, usage, help, min_args, max_args,
                handler, aux);
}

void
ctl_command_unregister_all(void)
{
    if (ctl_commands) {
        g_hash_table_destroy(ctl_commands);
        ctl_commands = NULL;
    }
}

int
ctl_command_check_table(char **msg)
{
    GHashTable *table = get_commands();
    GHashTableIter iter;
    gpointer name;

    *msg = NULL;
    for (size_t i = 0; i < ctl_n_command_docs; i++) {
        if (!g_hash_table_contains(table, ctl_command_docs[i].name)) {
            *msg = g_strdup_printf("command \"%s\" of lib/ctl-catalog.c has "
                                   "no handler: bind one with "
                                   "ctl_command_bind() or remove the entry",
                                   ctl_command_docs[i].name);
            return -EINVAL;
        }
    }
    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, &name, NULL)) {
        if (!ctl_command_doc_find(name)) {
            *msg = g_strdup_printf("command \"%s\" is registered but not "
                                   "in lib/ctl-catalog.c: add it there so "
                                   "that \"vswitch-ctl --help\" lists it",
                                   (const char *) name);
            return -EINVAL;
        }
    }
    return 0;
}

static int
compare_commands(const void *a_, const void *b_)
{
    const struct ctl_command *a = a_;
    const struct ctl_command *b = b_;

    return strcmp(a->name, b->name);
}

/* Returns the registered commands sorted by name.  Caller frees the list
 * (not the commands). */
static GList *
sorted_commands(void)
{
    return g_list_sort(g_hash_table_get_values(get_commands()),
                       compare_commands);
}

static void
append_usage(GString *s, const struct ctl_command *cmd)
{
    g_string_append_printf(s, "usage: vswitch-ctl %s%s%s", cmd->name,
                           cmd->usage[0] ? " " : "", cmd->usage);
}

static JsonNode *
command_to_json(const struct ctl_command *cmd)
{
    JsonObject *obj = json_object_new();
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_object_set_string_member(obj, "name", cmd->name);
    json_object_set_string_member(obj, "usage", cmd->usage);
    json_object_set_string_member(obj, "help", cmd->help);
    json_node_take_object(node, obj);
    return node;
}

static void
reply_unknown_command(struct ctl_reply *reply, const char *name)
{
    ctl_reply_error(reply, CTL_USAGE,
                    "unknown command \"%s\"; try \"vswitch-ctl "
                    "list-commands\"", name);
}

static void
list_commands(struct ctl_reply *reply, bool want_json)
{
    GList *list = sorted_commands();
    JsonArray *array = want_json ? json_array_new() : NULL;

    for (GList *l = list; l; l = l->next) {
        const struct ctl_command *cmd = l->data;

        ctl_reply_printf(reply, "  %s%s%s\n", cmd->name,
                         cmd->usage[0] ? " " : "", cmd->usage);
        if (array) {
            json_array_add_element(array, command_to_json(cmd));
        }
    }
    if (array) {
        JsonNode *node = json_node_new(JSON_NODE_ARRAY);

        json_node_take_array(node, array);
        ctl_reply_set_result(reply, node);
    }
    g_list_free(list);
}

static void
builtin_list_commands(struct ctl_reply *reply, int n_args, char *args[],
                      bool want_json, void *aux)
{
    list_commands(reply, want_json);
}

static void
builtin_help(struct ctl_reply *reply, int n_args, char *args[],
             bool want_json, void *aux)
{
    const struct ctl_command *cmd;

    if (!n_args) {
        list_commands(reply, want_json);
        return;
    }
    cmd = g_hash_table_lookup(get_commands(), args[0]);
    if (!cmd) {
        reply_unknown_command(reply, args[0]);
        return;
    }
    append_usage(reply->text, cmd);
    g_string_append_c(reply->text, '\n');
    if (cmd->help[0]) {
        ctl_reply_printf(reply, "%s\n", cmd->help);
    }
    if (want_json) {
        ctl_reply_set_result(reply, command_to_json(cmd));
    }
}

static void
builtin_version(struct ctl_reply *reply, int n_args, char *args[],
                bool want_json, void *aux)
{
    ctl_reply_printf(reply, "vswitchd (%s) %s\n", PACKAGE_NAME,
                     PACKAGE_VERSION);
    if (want_json) {
        JsonObject *obj = json_object_new();
        JsonNode *node = json_node_new(JSON_NODE_OBJECT);

        json_object_set_string_member(obj, "name", PACKAGE_NAME);
        json_object_set_string_member(obj, "version", PACKAGE_VERSION);
        json_node_take_object(node, obj);
        ctl_reply_set_result(reply, node);
    }
}

static GHashTable *
get_commands(void)
{
    if (!ctl_commands) {
        ctl_commands = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                             ctl_command_free);
        add_documented(ctl_commands, "list-commands", builtin_list_commands,
                       NULL);
        add_documented(ctl_commands, "help", builtin_help, NULL);
        add_documented(ctl_commands, "version", builtin_version, NULL);
    }
    return ctl_commands;
}

void
ctl_command_execute(const struct ctl_request *req, struct ctl_reply *reply)
{
    static char *no_args[] = { NULL };
    char **args = req->args ? req->args : no_args;
    int n_args = g_strv_length(args);
    const struct ctl_command *cmd;

    cmd = (req->command
           ? g_hash_table_lookup(get_commands(), req->command) : NULL);
    if (!cmd) {
        reply_unknown_command(reply, req->command ? req->command : "");
    } else if (n_args < cmd->min_args
               || (cmd->max_args >= 0 && n_args > cmd->max_args)) {
        reply->status = CTL_USAGE;
        g_string_truncate(reply->text, 0);
        append_usage(reply->text, cmd);
    } else {
        cmd->handler(reply, n_args, args, req->json, cmd->aux);
    }

    /* A JSON request always gets JSON back, so that "vswitch-ctl --json"
     * prints JSON whatever the command; a text request gets none. */
    if (!req->json) {
        ctl_reply_set_result(reply, NULL);
    } else if (!reply->result) {
        JsonObject *obj = json_object_new();
        JsonNode *node = json_node_new(JSON_NODE_OBJECT);

        if (reply->status != CTL_OK) {
            char *msg = g_strchomp(g_strdup(reply->text->str));

            json_object_set_string_member(obj, "error", msg);
            g_free(msg);
        }
        json_node_take_object(node, obj);
        ctl_reply_set_result(reply, node);
    }
}

