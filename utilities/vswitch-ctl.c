#include <autoconf.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "ctl-client.h"
#include "ctl-command.h"
#include "ctl-proto.h"

/* vswitch-ctl: sends one command to vswitchd over its control socket and
 * prints the answer.  The daemon owns the commands, their meaning and their
 * usage; this program only carries them. */

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif

#define DEFAULT_SOCKET RUNSTATEDIR "/vswitch/vswitchd.sock"
#define DEFAULT_TIMEOUT_SEC 10

/* Exit statuses besides the reply's own. */
#define EXIT_UNREACHABLE 1
#define EXIT_USAGE 2

/* What the command line asked for. */
struct options {
    const char *socket_path;    /* Borrowed from argv or the environment. */
    bool json;                  /* --json: print the result as JSON. */
    int timeout_ms;             /* --timeout, in ms; 0 waits forever. */
    const char *output;         /* --output: the file to write the answer
                                 * to instead of stdout, or NULL.
                                 * Borrowed from argv. */
};

/* Prints "  NAME USAGE", folded at spaces to fit 79 columns, continuation
 * lines indented under the arguments. */
static void
print_command(const struct ctl_command_doc *doc)
{
    char **words = g_strsplit(doc->usage, " ", -1);
    int col = printf("  %s", doc->name);

    for (char **w = words; *w; w++) {
        int len = strlen(*w);

        if (!len) {
            continue;
        }
        if (col + 1 + len > 79) {
            col = printf("\n      %s", *w) - 1;
        } else {
            col += printf(" %s", *w);
        }
    }
    putchar('\n');
    g_strfreev(words);
}

/* The commands come from the table the daemon registers them from
 * (lib/ctl-catalog.c), so that none is left out and --help needs no
 * running daemon. */
static void
usage(void)
{
    const char *section = NULL;

    printf("%s: control the virtual switch daemon (vswitchd)\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n",
           "vswitch-ctl", "vswitch-ctl");
    for (size_t i = 0; i < ctl_n_command_docs; i++) {
        const struct ctl_command_doc *doc = &ctl_command_docs[i];

        if (!section || strcmp(section, doc->section)) {
            section = doc->section;
            printf("\n%s:\n", section);
        }
        print_command(doc);
    }
    printf("\
\n\
vswitch-ctl help COMMAND asks the daemon for details;\n\
vswitch-ctl list-commands lists what the running daemon provides.\n\
\n\
Options:\n\
  --socket=PATH          daemon's control socket (default: $VSWITCH_SOCKET,\n\
                         or %s)\n\
  --json                 print the result as JSON\n\
  --timeout=SECS         wait at most SECS for the daemon (default: %d;\n\
                         0 waits forever)\n\
  --output=FILE          write the answer to FILE instead of stdout, all at\n\
                         once (a temporary file renamed over FILE), mode\n\
                         0644; FILE is left alone if the command fails\n\
  -h, --help             show this help and exit\n\
  -V, --version          show the version of vswitch-ctl and exit\n\
\n\
Exit status: 0 done, 1 refused or daemon unreachable, 2 usage error.\n",
           DEFAULT_SOCKET, DEFAULT_TIMEOUT_SEC);
}

static void G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN
usage_error(const char *fmt, ...)
{
    va_list args;

    fputs("vswitch-ctl: ", stderr);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputs("\n(use \"vswitch-ctl --help\" for help)\n", stderr);
    exit(EXIT_USAGE);
}

/* Parses "--timeout" seconds: a non-negative number, fractions allowed. */
static int
parse_timeout(const char *s)
{
    char *end;
    double secs;

    errno = 0;
    secs = g_ascii_strtod(s, &end);
    if (!s[0] || *end || errno || !isfinite(secs) || secs < 0
        || secs > G_MAXINT / 1000) {
        usage_error("--timeout=%s: expected a number of seconds, 0 or more",
                    s);
    }
    if (secs > 0 && secs < 0.001) {
        secs = 0.001;
    }
    return (int) (secs * 1000);
}

static void
parse_options(int argc, char *argv[], struct options *opts)
{
    enum {
        OPT_SOCKET = 256,
        OPT_JSON,
        OPT_TIMEOUT,
        OPT_OUTPUT,
    };
    static const struct option long_options[] = {
        { "socket", required_argument, NULL, OPT_SOCKET },
        { "json", no_argument, NULL, OPT_JSON },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { "output", required_argument, NULL, OPT_OUTPUT },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *env;

    opts->socket_path = NULL;
    opts->json = false;
    opts->timeout_ms = DEFAULT_TIMEOUT_SEC * 1000;
    opts->output = NULL;

    /* Report errors ourselves, in our own words. */
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":hV", long_options, NULL);

        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_SOCKET:
            if (!optarg[0]) {
                usage_error("--socket needs a path");
            }
            opts->socket_path = optarg;
            break;
        case OPT_JSON:
            opts->json = true;
            break;
        case OPT_TIMEOUT:
            opts->timeout_ms = parse_timeout(optarg);
            break;
        case OPT_OUTPUT:
            if (!optarg[0]) {
                usage_error("--output needs a file name");
            }
            opts->output = optarg;
            break;
        case 'h':
            usage();
            exit(EXIT_SUCCESS);
        case 'V':
            printf("vswitch-ctl (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
            exit(EXIT_SUCCESS);
        case ':':
            usage_error("option \"%s\" needs an argument",
                        argv[optind - 1]);
        case '?':
        default:
            if (optopt && optopt < 256) {
                usage_error("unknown option \"-%c\"", optopt);
            }
            usage_error("unknown option \"%s\"", argv[optind - 1]);
        }
    }

    if (!opts->socket_path) {
        env = getenv("VSWITCH_SOCKET");
        opts->socket_path = env && env[0] ? env : DEFAULT_SOCKET;
    }
}

/* Prints 'node' as indented JSON on 'out'. */
static void
print_json(FILE *out, JsonNode *node)
{
    JsonGenerator *gen = json_generator_new();
    char *s;

    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    json_generator_set_root(gen, node);
    s = json_generator_to_data(gen, NULL);
    fputs(s, out);
    putc('\n', out);
    g_free(s);
    g_object_unref(gen);
}

/* Reports a failure: "vswitch-ctl: MSG" on stderr and, with --json,
 * {"error": MSG} on stdout so that scripts always get JSON. */
static void
print_error(const struct options *opts, const char *msg)
{
    char *clean = g_strchomp(g_strdup(msg));

    fprintf(stderr, "vswitch-ctl: %s\n", clean);
    if (opts->json) {
        JsonObject *obj = json_object_new();
        JsonNode *node = json_node_new(JSON_NODE_OBJECT);

        json_object_set_string_member(obj, "error", clean);
        json_node_take_object(node, obj);
        print_json(stdout, node);
        json_node_unref(node);
    }
    g_free(clean);
}

/* Prints the answer of a command that succeeded on 'out'. */
static void
print_reply(const struct options *opts, const struct ctl_reply *reply,
            FILE *out)
{
    const char *text = reply->text->str;

    if (opts->json) {
        if (reply->result) {
            print_json(out, reply->result);
        } else {
            JsonNode *empty = json_node_new(JSON_NODE_OBJECT);

            json_node_take_object(empty, json_object_new());
            print_json(out, empty);
            json_node_unref(empty);
        }
    } else if (text[0]) {
        fputs(text, out);
        if (text[strlen(text) - 1] != '\n') {
            putc('\n', out);
        }
    }
}

/* --output: writes the answer to 'path' so that a reader (node_exporter's
 * textfile collector, every 15 s) sees the old file or the new one, never
 * a part: GLib writes a temporary file beside it and renames it over
 * 'path'.  Mode 0644 whatever the caller's umask: such readers run as
 * another user.  Returns 0, or EXIT_UNREACHABLE after saying why. */
static int
write_output(const struct options *opts, const struct ctl_reply *reply)
{
    GError *error = NULL;
    char *data = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&data, &len);
    int status = 0;

    if (!mem) {
        fprintf(stderr, "vswitch-ctl: out of memory for the answer\n");
        return EXIT_UNREACHABLE;
    }
    print_reply(opts, reply, mem);
    if (fclose(mem)) {
        fprintf(stderr, "vswitch-ctl: out of memory for the answer\n");
        free(data);
        return EXIT_UNREACHABLE;
    }
    umask(022);
    if (!g_file_set_contents_full(opts->output, data, len,
                                  G_FILE_SET_CONTENTS_CONSISTENT
                                  | G_FILE_SET_CONTENTS_DURABLE, 0644,
                                  &error)) {
        fprintf(stderr, "vswitch-ctl: cannot write %s (%s); check that its "
                "directory exists and is writable\n", opts->output,
                error->message);
        g_error_free(error);
        status = EXIT_UNREACHABLE;
    }
    free(data);
    return status;
}

int
main(int argc, char *argv[])
{
    struct ctl_request request;
    struct ctl_reply reply;
    struct options opts;
    char *msg;
    int n_args;
    int status;

    parse_options(argc, argv, &opts);
    if (optind >= argc) {
        usage_error("missing command");
    }
    n_args = argc - optind - 1;
    if (n_args > CTL_MAX_ARGS) {
        usage_error("too many arguments (%d); at most %d", n_args,
                    CTL_MAX_ARGS);
    }
    for (int i = optind; i < argc; i++) {
        if (!g_utf8_validate(argv[i], -1, NULL)) {
            usage_error("argument %d is not valid UTF-8", i - optind + 1);
        }
    }

    ctl_request_init(&request);
    request.command = g_strdup(argv[optind]);
    request.args = g_new0(char *, n_args + 1);
    for (int i = 0; i < n_args; i++) {
        request.args[i] = g_strdup(argv[optind + 1 + i]);
    }
    request.json = opts.json;

    ctl_reply_init(&reply);
    if (!ctl_client_transact(opts.socket_path, &request, opts.timeout_ms,
                             &reply, &msg)) {
        status = reply.status;
        if (status != CTL_OK) {
            print_error(&opts, (reply.text->str[0] ? reply.text->str
                                : "command failed"));
        } else if (opts.output) {
            status = write_output(&opts, &reply);
        } else {
            print_reply(&opts, &reply, stdout);
        }
    } else {
        print_error(&opts, msg);
        g_free(msg);
        status = EXIT_UNREACHABLE;
    }
    ctl_reply_destroy(&reply);
    ctl_request_destroy(&request);

    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "vswitch-ctl: cannot write output (%s)\n",
                g_strerror(errno));
        return EXIT_UNREACHABLE;
    }
    return status;
}
