#include <autoconf.h>
#include "ctl-client.h"

#include <errno.h>
#include <gio/gio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A reply may be much larger than a request ("show" on a big switch), but
 * not without bound: a runaway peer must not eat the client's memory. */
#define CTL_MAX_REPLY (64 * CTL_MAX_MESSAGE)

/* How often a connect is retried while the daemon's backlog is full. */
#define CTL_CONNECT_RETRY_MS 10

/* One transaction's state, for the helpers below. */
struct ctl_transaction {
    const char *path;           /* Borrowed.  Socket file name. */
    int fd;                     /* Owned.  Connected socket, or -1. */
    int timeout_ms;             /* As passed by the caller; 0: forever. */
    gint64 deadline;            /* Monotonic time (us) to give up, or 0. */
};

/* Milliseconds left until the deadline for poll(): -1 for no deadline, 0
 * when it has passed. */
static int
time_left_ms(const struct ctl_transaction *t)
{
    gint64 left;

    if (!t->deadline) {
        return -1;
    }
    left = t->deadline - g_get_monotonic_time();
    if (left <= 0) {
        return 0;
    }
    return MIN((left + 999) / 1000, (gint64) G_MAXINT);
}

static void
set_unreachable_error(const struct ctl_transaction *t, int err,
                      GError **error)
{
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
                "is vswitchd running? (socket %s: %s)", t->path,
                g_strerror(err));
}

static void
set_timeout_error(const struct ctl_transaction *t, GError **error)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                "vswitchd did not answer within %.1f s; is it busy or hung? "
                "(socket %s; a longer --timeout may help)",
                t->timeout_ms / 1000.0, t->path);
}

/* Waits until 'fd' is ready for 'events'.  Returns 0, ETIMEDOUT, or another
 * errno value. */
static int
wait_for(const struct ctl_transaction *t, short events)
{
    for (;;) {
        struct pollfd pfd = { .fd = t->fd, .events = events };
        int n = poll(&pfd, 1, time_left_ms(t));

        if (n > 0) {
            return 0;
        } else if (!n) {
            return ETIMEDOUT;
        } else if (errno != EINTR) {
            return errno;
        }
    }
}

static bool
do_connect(struct ctl_transaction *t, GError **error)
{
    struct sockaddr_un sun;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (!t->path[0] || strlen(t->path) >= sizeof sun.sun_path) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "socket path \"%s\" is empty or too long (at most %zu "
                    "bytes)", t->path, sizeof sun.sun_path - 1);
        return false;
    }
    strcpy(sun.sun_path, t->path);

    t->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (t->fd < 0) {
        set_unreachable_error(t, errno, error);
        return false;
    }
    for (;;) {
        if (!connect(t->fd, (struct sockaddr *) &sun, sizeof sun)) {
            return true;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN) {
            set_unreachable_error(t, errno, error);
            return false;
        }
        /* A unix socket's connect() fails with EAGAIN when the daemon's
         * backlog is full: it is busy, so try again until the deadline. */
        if (!time_left_ms(t)) {
            set_timeout_error(t, error);
            return false;
        }
        g_usleep(CTL_CONNECT_RETRY_MS * 1000);
    }
}

static bool
send_all(struct ctl_transaction *t, const char *data, size_t len,
         GError **error)
{
    while (len) {
        ssize_t n = send(t->fd, data, len, MSG_NOSIGNAL);
        int err;

        if (n >= 0) {
            data += n;
            len -= n;
            continue;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            set_unreachable_error(t, errno, error);
            return false;
        }
        err = wait_for(t, POLLOUT);
        if (err == ETIMEDOUT) {
            set_timeout_error(t, error);
            return false;
        } else if (err) {
            set_unreachable_error(t, err, error);
            return false;
        }
    }
    return true;
}

/* Reads one line (without its newline) into 'line'. */
static bool
recv_line(struct ctl_transaction *t, GString *line, GError **error)
{
    char buf[65536];

    for (;;) {
        ssize_t n = recv(t->fd, buf, sizeof buf, 0);
        char *nl;
        int err;

        if (n > 0) {
            nl = memchr(buf, '\n', n);
            g_string_append_len(line, buf, nl ? nl - buf : n);
            if (nl) {
                return true;
            }
            if (line->len > CTL_MAX_REPLY) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                            "reply from vswitchd is longer than %d bytes "
                            "(socket %s)", CTL_MAX_REPLY, t->path);
                return false;
            }
            continue;
        } else if (!n) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                        "vswitchd closed the connection without answering; "
                        "see its log (socket %s)", t->path);
            return false;
        } else if (errno == EINTR) {
            continue;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            set_unreachable_error(t, errno, error);
            return false;
        }

        err = wait_for(t, POLLIN);
        if (err == ETIMEDOUT) {
            set_timeout_error(t, error);
            return false;
        } else if (err) {
            set_unreachable_error(t, err, error);
            return false;
        }
    }
}

bool
ctl_client_transact(const char *socket_path,
                    const struct ctl_request *request, int timeout_ms,
                    struct ctl_reply *reply, GError **error)
{
    struct ctl_transaction t = {
        .path = socket_path,
        .fd = -1,
        .timeout_ms = MAX(timeout_ms, 0),
        .deadline = (timeout_ms > 0
                     ? g_get_monotonic_time() + (gint64) timeout_ms * 1000
                     : 0),
    };
    GString *line = g_string_new(NULL);
    GError *decode_error = NULL;
    char *encoded;
    char *body;
    size_t len;
    bool ok = false;

    body = ctl_request_encode(request);
    len = strlen(body);
    encoded = g_strconcat(body, "\n", NULL);
    g_free(body);
    if (len > CTL_MAX_MESSAGE) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                    "request is longer than the limit of %d bytes",
                    CTL_MAX_MESSAGE);
        goto out;
    }
    if (!do_connect(&t, error)
        || !send_all(&t, encoded, len + 1, error)
        || !recv_line(&t, line, error)) {
        goto out;
    }
    if (!ctl_reply_decode(line->str, reply, &decode_error)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "vswitchd sent a bad reply: %s (socket %s)",
                    decode_error->message, socket_path);
        g_error_free(decode_error);
        goto out;
    }
    ok = true;

out:
    if (t.fd >= 0) {
        close(t.fd);
    }
    g_free(encoded);
    g_string_free(line, TRUE);
    return ok;
}
