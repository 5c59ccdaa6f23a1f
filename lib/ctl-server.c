#include <autoconf.h>
#include "ctl-server.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "log.h"
#include "util.h"

#define THIS_MODULE "ctl"

/* Most clients connected at once.  One more is still admitted: the
 * connection that has waited longest in its current state (idle, or in the
 * middle of a request) is dropped to make room, so that clients that
 * connect and wait, however many, never lock the operator out. */
#define CTL_MAX_CLIENTS 64

/* Bytes read from a client per wakeup. */
#define CTL_READ_CHUNK 65536

/* Requests handled per wakeup of one client, so that one client sending a
 * burst of requests cannot hold the main loop. */
#define CTL_BATCH 16

/* Deadlines, checked about four times per the shorter one (at most once a
 * second).  A request must arrive whole, and its reply be read, within
 * CTL_REQUEST_TIMEOUT_MS of its first byte: a deadline per request rather
 * than an idle timer, which a client trickling a byte now and then would
 * keep from firing.  A connection with no request under way is closed
 * after CTL_IDLE_TIMEOUT_MS. */
#define CTL_REQUEST_TIMEOUT_MS 5000
#define CTL_IDLE_TIMEOUT_MS 30000

static struct log_ratelimit ctl_rl = LOG_RATELIMIT_INIT(5, 60 * 1000);
/* Connections dropped to admit newcomers: a flood of those must not hide
 * the other messages. */
static struct log_ratelimit ctl_room_rl = LOG_RATELIMIT_INIT(5, 60 * 1000);

/* ---- The socket. -------------------------------------------------------- */

struct ctl_server;

struct ctl_conn {
    struct ctl_server *server;  /* Borrowed.  The server that accepted it. */
    int fd;                     /* Owned.  Non-blocking stream socket. */
    guint watch;                /* Source watching 'fd'; 0 while its
                                 * callback runs. */
    GString *in;                /* Owned.  Received, not yet handled. */
    GString *out;               /* Owned.  Encoded replies not yet sent. */
    size_t out_pos;             /* Bytes of 'out' already sent. */
    bool eof;                   /* The client shut down its sending side. */
    bool closing;               /* Close once 'out' is sent. */
    bool busy;                  /* A request is partly received or its
                                 * reply partly sent: the request deadline
                                 * applies, otherwise the idle one. */
    gint64 turn_start;          /* Monotonic time (us) the current turn
                                 * began: accepted, gone idle, first byte
                                 * of a request, or last request handled. */
};

struct ctl_server {
    char *path;                 /* Owned.  Socket file name. */
    int fd;                     /* Owned.  Listening socket, -1 if closed. */
    dev_t dev;                  /* Device of our socket file. */
    ino_t ino;                  /* Inode of our socket file, so that only
                                 * our own file is removed. */
    guint listen_watch;         /* Source accepting on 'fd', 0 if none. */
    guint accept_retry;         /* Timer resuming accepts after an error. */
    guint sweep;                /* Timer closing clients past their
                                 * deadline, 0 when no client is
                                 * connected. */
    gint64 request_timeout;     /* Request deadline, us. */
    gint64 idle_timeout;        /* Idle deadline, us. */
    GList *conns;               /* Owned struct ctl_conn *s. */
    unsigned int n_conns;       /* Length of 'conns'. */
    unsigned int dispatching;   /* Client callbacks running (handlers may
                                 * destroy the server). */
    bool destroyed;             /* ctl_server_destroy() was called while
                                 * 'dispatching'; free when it drops to 0. */
};

static gboolean conn_cb(int fd, GIOCondition cond, void *conn_);
static gboolean accept_cb(int fd, GIOCondition cond, void *server_);

static void
conn_close(struct ctl_conn *conn)
{
    struct ctl_server *server = conn->server;

    if (conn->watch) {
        g_source_remove(conn->watch);
    }
    close(conn->fd);
    g_string_free(conn->in, TRUE);
    g_string_free(conn->out, TRUE);
    server->conns = g_list_remove(server->conns, conn);
    server->n_conns--;
    g_free(conn);

    if (!server->n_conns && server->sweep) {
        g_source_remove(server->sweep);
        server->sweep = 0;
    }
}

static bool
conn_output_pending(const struct ctl_conn *conn)
{
    return conn->out_pos < conn->out->len;
}

/* True if 'conn->in' holds something to handle now: a whole line, or the
 * rest of the input after the client shut down its side. */
static bool
conn_input_ready(const struct ctl_conn *conn)
{
    return (memchr(conn->in->str, '\n', conn->in->len)
            || (conn->eof && conn->in->len));
}

/* Sends what it can of 'conn->out' without blocking.  Returns false if the
 * connection failed. */
static bool
conn_flush(struct ctl_conn *conn)
{
    while (conn_output_pending(conn)) {
        ssize_t n = send(conn->fd, conn->out->str + conn->out_pos,
                         conn->out->len - conn->out_pos,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
        conn->out_pos += n;
    }
    g_string_truncate(conn->out, 0);
    conn->out_pos = 0;
    return true;
}

static void
conn_queue_reply(struct ctl_conn *conn, const struct ctl_reply *reply)
{
    char *line = ctl_reply_encode(reply);

    g_string_append(conn->out, line);
    g_string_append_c(conn->out, '\n');
    g_free(line);
}

/* Answers a request that cannot be handled with a usage error, then closes
 * the connection once the answer is sent: after a malformed request, the
 * rest of the stream cannot be trusted to be framed right. */
static void G_GNUC_PRINTF(2, 3)
conn_refuse(struct ctl_conn *conn, const char *fmt, ...)
{
    struct ctl_reply reply;
    va_list args;
    char *msg;

    va_start(args, fmt);
    msg = g_strdup_vprintf(fmt, args);
    va_end(args);
    str_shorten_quoted(msg, MSG_QUOTE_MAX, MSG_MAX_LEN);

    if (log_ratelimit_pass(&ctl_rl)) {
        VLOG_WARN("%s: closing control connection: %s",
                  conn->server->path, msg);
    }
    ctl_reply_init(&reply);
    ctl_reply_error(&reply, CTL_USAGE, "%s", msg);
    conn_queue_reply(conn, &reply);
    ctl_reply_destroy(&reply);
    g_free(msg);
    conn->closing = true;
}

static bool
line_is_blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isspace(line[i])) {
            return false;
        }
    }
    return true;
}

/* Handles the request in the first 'len' bytes of 'line' (NUL-terminated
 * at 'len' by the caller). */
static void
conn_handle_line(struct ctl_conn *conn, const char *line, size_t len)
{
    struct ctl_request req;
    struct ctl_reply reply;
    char *msg;

    if (line_is_blank(line, len)) {
        return;
    }
    if (len > CTL_MAX_MESSAGE) {
        conn_refuse(conn, "request is longer than the limit of %d bytes",
                    CTL_MAX_MESSAGE);
        return;
    }
    if (memchr(line, '\0', len)) {
        conn_refuse(conn, "request contains a NUL byte");
        return;
    }

    ctl_request_init(&req);
    if (ctl_request_decode(line, &req, &msg)) {
        conn_refuse(conn, "%s", msg);
        g_free(msg);
        return;
    }
    ctl_reply_init(&reply);
    ctl_command_execute(&req, &reply);
    conn_queue_reply(conn, &reply);
    ctl_reply_destroy(&reply);
    ctl_request_destroy(&req);
}

/* Handles up to CTL_BATCH complete requests, one at a time: the next one
 * only once the previous reply is sent, so that a client that does not read
 * cannot make us buffer without bound. */
static void
conn_handle_input(struct ctl_conn *conn)
{
    for (int i = 0; i < CTL_BATCH; i++) {
        char *nl;
        size_t len;

        if (conn->closing || conn_output_pending(conn)) {
            return;
        }
        nl = memchr(conn->in->str, '\n', conn->in->len);
        if (nl) {
            len = nl - conn->in->str;
        } else if (conn->in->len > CTL_MAX_MESSAGE) {
            conn_refuse(conn, "request is longer than the limit of %d "
                        "bytes", CTL_MAX_MESSAGE);
            return;
        } else if (conn->eof && conn->in->len) {
            /* The last request may lack its newline. */
            len = conn->in->len;
        } else {
            return;
        }

        conn->in->str[len] = '\0';
        conn_handle_line(conn, conn->in->str, len);
        g_string_erase(conn->in, 0, MIN(len + 1, conn->in->len));
        /* The next request, or the reading of this reply, gets a deadline
         * of its own. */
        conn->turn_start = g_get_monotonic_time();
        if (!conn_flush(conn)) {
            conn->closing = true;
            g_string_truncate(conn->out, 0);
            conn->out_pos = 0;
            return;
        }
    }
}

/* Reads once from 'conn'.  Returns false if the connection failed. */
static bool
conn_read(struct ctl_conn *conn)
{
    size_t old_len = conn->in->len;
    ssize_t n;

    g_string_set_size(conn->in, old_len + CTL_READ_CHUNK);
    do {
        n = recv(conn->fd, conn->in->str + old_len, CTL_READ_CHUNK,
                 MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    g_string_set_size(conn->in, old_len + MAX(n, 0));

    if (n < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK;
    } else if (!n) {
        conn->eof = true;
    }
    return true;
}

/* A turn begins when the connection goes from idle to busy (the first byte
 * of a request) or back (the reply was read). */
static void
conn_update_turn(struct ctl_conn *conn)
{
    bool busy = conn->in->len || conn_output_pending(conn);

    if (busy != conn->busy) {
        conn->busy = busy;
        conn->turn_start = g_get_monotonic_time();
    }
}

/* Does what 'conn' allows now.  Returns false when it should be closed. */
static bool
conn_run(struct ctl_conn *conn)
{
    if (!conn_flush(conn)) {
        return false;
    }
    if (!conn_output_pending(conn) && !conn->closing && !conn->eof
        && !conn_input_ready(conn)) {
        if (!conn_read(conn)) {
            return false;
        }
    }
    conn_handle_input(conn);

    conn_update_turn(conn);

    if (conn_output_pending(conn)) {
        return true;
    }
    if (conn->closing) {
        return false;
    }
    return !conn->eof || conn->in->len;
}

/* Watches 'conn' for what it waits for: room to send when it has output or
 * requests to handle, otherwise input. */
static void
conn_watch(struct ctl_conn *conn)
{
    GIOCondition cond = (conn_output_pending(conn) || conn_input_ready(conn)
                         ? G_IO_OUT : G_IO_IN);

    conn->watch = g_unix_fd_add(conn->fd, cond, conn_cb, conn);
}

static void server_free(struct ctl_server *);

static gboolean
conn_cb(int fd, GIOCondition cond, void *conn_)
{
    struct ctl_conn *conn = conn_;
    struct ctl_server *server = conn->server;
    bool keep;

    /* This source goes away on return; conn_watch() makes the next one. */
    conn->watch = 0;

    server->dispatching++;
    keep = conn_run(conn);
    server->dispatching--;

    if (server->destroyed) {
        if (!server->dispatching) {
            server_free(server);
        }
    } else if (keep) {
        conn_watch(conn);
    } else {
        conn_close(conn);
    }
    return G_SOURCE_REMOVE;
}

/* Closes 'conn', past its deadline.  A client in the middle of sending a
 * request is told why, if its socket takes the line at once (a reply
 * being sent cannot be interrupted by another). */
static void
conn_expire(struct ctl_conn *conn)
{
    struct ctl_server *server = conn->server;

    if (conn->busy) {
        int ms = server->request_timeout / 1000;

        if (log_ratelimit_pass(&ctl_rl)) {
            VLOG_WARN("%s: closing control connection: request not %s "
                      "within %d ms", server->path,
                      conn_output_pending(conn) ? "read" : "received whole",
                      ms);
        }
        if (!conn_output_pending(conn)) {
            struct ctl_reply reply;

            ctl_reply_init(&reply);
            ctl_reply_error(&reply, CTL_USAGE, "request not received whole "
                            "within %d ms of its first byte; closing", ms);
            conn_queue_reply(conn, &reply);
            ctl_reply_destroy(&reply);
            conn_flush(conn);
        }
    } else if (log_ratelimit_pass(&ctl_rl)) {
        VLOG_WARN("%s: closing control connection idle for %d ms",
                  server->path, (int) (server->idle_timeout / 1000));
    }
    conn_close(conn);
}

static gboolean
sweep_cb(void *server_)
{
    struct ctl_server *server = server_;
    gint64 now = g_get_monotonic_time();
    GList *next;

    for (GList *l = server->conns; l; l = next) {
        struct ctl_conn *conn = l->data;
        gint64 limit = (conn->busy ? server->request_timeout
                        : server->idle_timeout);

        next = l->next;
        if (conn->watch && now - conn->turn_start > limit) {
            /* Closing the last connection removes this timer: then stop
             * at once. */
            if (server->n_conns == 1) {
                server->sweep = 0;
                conn_expire(conn);
                return G_SOURCE_REMOVE;
            }
            conn_expire(conn);
        }
    }
    return G_SOURCE_CONTINUE;
}

static void
sweep_start(struct ctl_server *server)
{
    gint64 period = MIN(server->request_timeout, server->idle_timeout) / 4;

    period = CLAMP(period / 1000, 10, 1000);
    server->sweep = g_timeout_add(period, sweep_cb, server);
}

/* The connection that has waited longest in its current state, idle or in
 * the middle of a request: the one to drop for a newcomer. */
static struct ctl_conn *
oldest_conn(const struct ctl_server *server)
{
    struct ctl_conn *oldest = NULL;

    for (GList *l = server->conns; l; l = l->next) {
        struct ctl_conn *conn = l->data;

        if (conn->watch
            && (!oldest || conn->turn_start < oldest->turn_start)) {
            oldest = conn;
        }
    }
    return oldest;
}

static void
conn_create(struct ctl_server *server, int fd)
{
    struct ctl_conn *conn = g_new0(struct ctl_conn, 1);

    conn->server = server;
    conn->fd = fd;
    conn->in = g_string_sized_new(256);
    conn->out = g_string_new("");
    conn->turn_start = g_get_monotonic_time();
    server->conns = g_list_prepend(server->conns, conn);
    server->n_conns++;
    conn_watch(conn);

    if (!server->sweep) {
        sweep_start(server);
    }
}

/* Admits a client over the limit: drops the connection that has waited
 * longest, so that the operator always gets in.  Returns false if none
 * can be dropped (all are being served right now). */
static bool
make_room(struct ctl_server *server)
{
    struct ctl_conn *victim = oldest_conn(server);

    if (!victim) {
        return false;
    }
    if (log_ratelimit_pass(&ctl_room_rl)) {
        VLOG_WARN("%s: %d control connections: to admit a new client, "
                  "dropping the %s", server->path, CTL_MAX_CLIENTS,
                  victim->busy ? "slowest (its request has taken longest)"
                  : "one idle longest");
    }
    conn_close(victim);
    return true;
}

/* Tells a client that cannot be admitted why, if its socket takes the
 * reply at once, and closes it. */
static void
refuse_client(struct ctl_server *server, int fd)
{
    struct ctl_reply reply;
    char *encoded;
    char *line;

    ctl_reply_init(&reply);
    ctl_reply_error(&reply, CTL_REFUSED, "vswitchd is serving too many "
                    "control connections (%d); try again later",
                    CTL_MAX_CLIENTS);
    encoded = ctl_reply_encode(&reply);
    line = g_strconcat(encoded, "\n", NULL);
    g_free(encoded);
    ctl_reply_destroy(&reply);
    /* Best effort: the client gets the reason only if its socket has room
     * for it right now; either way it sees the connection close. */
    if (send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
        VLOG_DBG("%s: could not tell a refused client why (%s)",
                 server->path, g_strerror(errno));
    }
    g_free(line);
    close(fd);
}

static gboolean
accept_retry_cb(void *server_)
{
    struct ctl_server *server = server_;

    server->accept_retry = 0;
    server->listen_watch = g_unix_fd_add(server->fd, G_IO_IN, accept_cb,
                                         server);
    return G_SOURCE_REMOVE;
}

static gboolean
accept_cb(int fd, GIOCondition cond, void *server_)
{
    struct ctl_server *server = server_;

    for (int i = 0; i < CTL_BATCH; i++) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (cfd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                || errno == ECONNABORTED) {
                break;
            }
            /* Out of file descriptors, say: the listening socket stays
             * readable, so pause instead of spinning. */
            if (log_ratelimit_pass(&ctl_rl)) {
                VLOG_WARN("%s: accept failed (%s); pausing for 1 s",
                          server->path, g_strerror(errno));
            }
            server->listen_watch = 0;
            server->accept_retry = g_timeout_add_seconds(1, accept_retry_cb,
                                                         server);
            return G_SOURCE_REMOVE;
        }
        if (server->n_conns >= CTL_MAX_CLIENTS && !make_room(server)) {
            refuse_client(server, cfd);
        } else {
            conn_create(server, cfd);
        }
    }
    return G_SOURCE_CONTINUE;
}

static int
set_errno_error(char **msg, int err, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Sets '*msg' to the message 'fmt' followed by the text of 'err' (an errno
 * value).  Returns -err. */
static int
set_errno_error(char **msg, int err, const char *fmt, ...)
{
    va_list args;
    char *what;

    va_start(args, fmt);
    what = g_strdup_vprintf(fmt, args);
    va_end(args);
    *msg = g_strdup_printf("%s (%s)", what, g_strerror(err));
    g_free(what);
    return -err;
}

/* Returns 0 if a server accepts connections on 'sun', ECONNREFUSED or
 * ENOENT if none does, another errno value if that cannot be told. */
static int
probe_socket(const struct sockaddr_un *sun)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int err = 0;

    if (fd < 0) {
        return errno;
    }
    if (connect(fd, (const struct sockaddr *) sun, sizeof *sun) < 0) {
        /* EAGAIN: the backlog is full, so someone is listening. */
        err = errno == EAGAIN ? 0 : errno;
    }
    close(fd);
    return err;
}

/* Makes room for our socket at 'sun->sun_path': refuses when a live server
 * answers there (-EADDRINUSE) or the name is not a socket (-EEXIST),
 * removes a stale socket.  Returns 0 or a negative errno with '*msg'
 * set. */
static int
clear_socket_path(const struct sockaddr_un *sun, char **msg)
{
    const char *path = sun->sun_path;
    struct stat st;
    int err;

    if (lstat(path, &st) < 0) {
        if (errno == ENOENT) {
            return 0;
        }
        return set_errno_error(msg, errno, "cannot check socket %s", path);
    }
    if (!S_ISSOCK(st.st_mode)) {
        *msg = g_strdup_printf("%s exists and is not a socket; remove it or "
                               "choose another socket path", path);
        return -EEXIST;
    }

    err = probe_socket(sun);
    if (!err) {
        *msg = g_strdup_printf("another vswitchd is already listening on %s",
                               path);
        return -EADDRINUSE;
    } else if (err != ECONNREFUSED && err != ENOENT) {
        return set_errno_error(msg, err, "cannot tell whether another "
                               "vswitchd is listening on %s", path);
    }

    if (unlink(path) < 0 && errno != ENOENT) {
        return set_errno_error(msg, errno, "cannot remove stale socket %s",
                               path);
    }
    VLOG_INFO("removed stale socket %s", path);
    return 0;
}

static int
make_parent_dir(const char *path, char **msg)
{
    char *dir = g_path_get_dirname(path);
    int error = 0;

    /* chmod() because the umask may have narrowed the mode: clients of
     * the socket's group must be able to reach it. */
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)
        && (g_mkdir_with_parents(dir, 0755) < 0 || chmod(dir, 0755) < 0)) {
        error = set_errno_error(msg, errno, "cannot create directory %s for "
                                "the control socket", dir);
    }
    g_free(dir);
    return error;
}

int
ctl_server_create(const char *path, struct ctl_server **serverp,
                  char **msg)
{
    struct ctl_server *server;
    struct sockaddr_un sun;
    struct stat st;
    int error;
    int fd;

    *serverp = NULL;
    *msg = NULL;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (!path[0] || strlen(path) >= sizeof sun.sun_path) {
        *msg = g_strdup_printf("socket path \"%s\" is empty or too long (at "
                               "most %zu bytes)", path,
                               sizeof sun.sun_path - 1);
        return -EINVAL;
    }
    strcpy(sun.sun_path, path);

    error = make_parent_dir(path, msg);
    if (!error) {
        error = clear_socket_path(&sun, msg);
    }
    if (error) {
        return error;
    }

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return set_errno_error(msg, errno, "cannot create control socket");
    }
    if (bind(fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
        if (errno == EADDRINUSE) {
            *msg = g_strdup_printf("another vswitchd is already listening on "
                                   "%s", path);
            error = -EADDRINUSE;
        } else {
            error = set_errno_error(msg, errno, "cannot bind control socket "
                                    "%s", path);
        }
        goto error_close;
    }
    /* Nobody can connect before listen(), so the mode is right before the
     * first client comes. */
    if (chmod(path, 0660) < 0 || stat(path, &st) < 0) {
        error = set_errno_error(msg, errno, "cannot set the mode of %s",
                                path);
        goto error_unlink;
    }
    if (listen(fd, CTL_MAX_CLIENTS) < 0) {
        error = set_errno_error(msg, errno, "cannot listen on %s", path);
        goto error_unlink;
    }

    server = g_new0(struct ctl_server, 1);
    server->path = g_strdup(path);
    server->fd = fd;
    server->dev = st.st_dev;
    server->ino = st.st_ino;
    server->request_timeout = (gint64) CTL_REQUEST_TIMEOUT_MS * 1000;
    server->idle_timeout = (gint64) CTL_IDLE_TIMEOUT_MS * 1000;
    server->listen_watch = g_unix_fd_add(fd, G_IO_IN, accept_cb, server);
    VLOG_INFO("listening for commands on %s", path);
    *serverp = server;
    return 0;

error_unlink:
    unlink(path);
error_close:
    close(fd);
    return error;
}

/* Stops accepting and removes the socket file, if it is still ours. */
static void
server_stop_listening(struct ctl_server *server)
{
    struct stat st;

    if (server->listen_watch) {
        g_source_remove(server->listen_watch);
        server->listen_watch = 0;
    }
    if (server->accept_retry) {
        g_source_remove(server->accept_retry);
        server->accept_retry = 0;
    }
    if (server->fd >= 0) {
        if (!stat(server->path, &st) && st.st_dev == server->dev
            && st.st_ino == server->ino) {
            unlink(server->path);
        }
        close(server->fd);
        server->fd = -1;
    }
}

static void
server_free(struct ctl_server *server)
{
    server_stop_listening(server);
    while (server->conns) {
        conn_close(server->conns->data);
    }
    if (server->sweep) {
        g_source_remove(server->sweep);
    }
    g_free(server->path);
    g_free(server);
}

void
ctl_server_destroy(struct ctl_server *server)
{
    if (!server) {
        return;
    }
    if (server->dispatching) {
        /* Called from a command handler: the connection whose callback is
         * running is still in use, so stop listening now and free the rest
         * when the callback returns. */
        server_stop_listening(server);
        server->destroyed = true;
        return;
    }
    server_free(server);
}

void
ctl_server_set_timeouts(struct ctl_server *server, unsigned int request_ms,
                        unsigned int idle_ms)
{
    server->request_timeout = (gint64) request_ms * 1000;
    server->idle_timeout = (gint64) idle_ms * 1000;
    if (server->sweep) {
        g_source_remove(server->sweep);
        sweep_start(server);
    }
}
