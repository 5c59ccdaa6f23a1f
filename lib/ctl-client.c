#include <autoconf.h>
#include "ctl-client.h"

#include <errno.h>
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

/* Sets '*msg' for a daemon that cannot be reached.  Returns -err. */
static int
set_unreachable_error(const struct ctl_transaction *t, int err, char **msg)
{
    *msg = g_strdup_printf("is vswitchd running? (socket %s: %s)", t->path,
                           g_strerror(err));
    return -err;
}

/* Sets '*msg' for a daemon that does not answer.  Returns -ETIMEDOUT. */
static int
set_timeout_error(const struct ctl_transaction *t, char **msg)
{
    *msg = g_strdup_printf("vswitchd did not answer within %.1f s; is it busy "
                           "or hung? (socket %s; a longer --timeout may help)",
                           t->timeout_ms / 1000.0, t->path);
    return -ETIMEDOUT;
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

static int
do_connect(struct ctl_transaction *t, char **msg)
{
    struct sockaddr_un sun;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (!t->path[0] || strlen(t->path) >= sizeof sun.sun_path) {
        *msg = g_strdup_printf("socket path \"%s\" is empty or too long (at "
                               "most %zu bytes)", t->path,
                               sizeof sun.sun_path - 1);
        return -EINVAL;
    }
    strcpy(sun.sun_path, t->path);

    t->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (t->fd < 0) {
        return set_unreachable_error(t, errno, msg);
    }
    for (;;) {
        if (!connect(t->fd, (struct sockaddr *) &sun, sizeof sun)) {
            return 0;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN) {
            return set_unreachable_error(t, errno, msg);
        }
        /* A unix socket's connect() fails with EAGAIN when the daemon's
         * backlog is full: it is busy, so try again until the deadline. */
        if (!time_left_ms(t)) {
            return set_timeout_error(t, msg);
        }
        g_usleep(CTL_CONNECT_RETRY_MS * 1000);
    }
}

static int
send_all(struct ctl_transaction *t, const char *data, size_t len,
         char **msg)
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
            return set_unreachable_error(t, errno, msg);
        }
        err = wait_for(t, POLLOUT);
        if (err == ETIMEDOUT) {
            return set_timeout_error(t, msg);
        } else if (err) {
            return set_unreachable_error(t, err, msg);
        }
    }
    return 0;
}

/* Reads one line (without its newline) into 'line'. */
static int
recv_line(struct ctl_transaction *t, GString *line, char **msg)
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
                return 0;
            }
            if (line->len > CTL_MAX_REPLY) {
                *msg = g_strdup_printf("reply from vswitchd is longer than %d "
                                       "bytes (socket %s)", CTL_MAX_REPLY,
                                       t->path);
                return -EMSGSIZE;
            }
            continue;
        } else if (!n) {
            *msg = g_strdup_printf("vswitchd closed the connection without "
                                   "answering; see its log (socket %s)",
                                   t->path);
            return -ECONNRESET;
        } else if (errno == EINTR) {
            continue;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            return set_unreachable_error(t, errno, msg);
        }

        err = wait_for(t, POLLIN);
        if (err == ETIMEDOUT) {
            return set_timeout_error(t, msg);
        } else if (err) {
            return set_unreachable_error(t, err, msg);
        }
    }
}

int
ctl_client_transact(const char *socket_path,
                    const struct ctl_request *request, int timeout_ms,
                    struct ctl_reply *reply, char **msg)
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
    char *decode_msg;
    char *encoded;
    char *body;
    size_t len;
    int error;

    *msg = NULL;
    body = ctl_request_encode(request);
    len = strlen(body);
    encoded = g_strconcat(body, "\n", NULL);
    g_free(body);
    if (len > CTL_MAX_MESSAGE) {
        *msg = g_strdup_printf("request is longer than the limit of %d bytes",
                               CTL_MAX_MESSAGE);
        error = -EMSGSIZE;
        goto out;
    }
    error = do_connect(&t, msg);
    if (!error) {
        error = send_all(&t, encoded, len + 1, msg);
    }
    if (!error) {
        error = recv_line(&t, line, msg);
    }
    if (error) {
        goto out;
    }
    error = ctl_reply_decode(line->str, reply, &decode_msg);
    if (error) {
        *msg = g_strdup_printf("vswitchd sent a bad reply: %s (socket %s)",
                               decode_msg, socket_path);
        g_free(decode_msg);
    }

out:
    if (t.fd >= 0) {
        close(t.fd);
    }
    g_free(encoded);
    g_string_free(line, TRUE);
    return error;
}
