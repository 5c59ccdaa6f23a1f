#include <autoconf.h>
#include "sd-notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A message longer than this is cut: STATUS= lines are short. */
#define SD_NOTIFY_MAX 1024

bool
sd_notify_enabled(void)
{
    const char *value = getenv("NOTIFY_SOCKET");

    return value && *value;
}

int
sd_notify_address(const char *value, struct sockaddr_un *addr,
                  socklen_t *len)
{
    size_t n = value ? strlen(value) : 0;

    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    if (n < 2 || (value[0] != '/' && value[0] != '@')
        || n >= sizeof addr->sun_path) {
        return -EINVAL;
    }
    memcpy(addr->sun_path, value, n);
    if (value[0] == '@') {
        /* Abstract: a NUL first, and the length says where it ends. */
        addr->sun_path[0] = '\0';
        *len = offsetof(struct sockaddr_un, sun_path) + n;
    } else {
        *len = offsetof(struct sockaddr_un, sun_path) + n + 1;
    }
    return 0;
}

int
sd_notify_send(const char *fmt, ...)
{
    struct sockaddr_un addr;
    char msg[SD_NOTIFY_MAX];
    socklen_t addr_len;
    va_list args;
    int fd, n, retval;

    if (!sd_notify_enabled()) {
        return 0;
    }
    retval = sd_notify_address(getenv("NOTIFY_SOCKET"), &addr, &addr_len);
    if (retval) {
        return retval;
    }
    va_start(args, fmt);
    n = vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    if (n < 0) {
        return -EINVAL;
    }
    if (n >= (int) sizeof msg) {
        n = sizeof msg - 1;
    }

    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    retval = 0;
    if (sendto(fd, msg, n, MSG_NOSIGNAL | MSG_DONTWAIT,
               (struct sockaddr *) &addr, addr_len) != n) {
        retval = errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
    close(fd);
    return retval;
}

uint64_t
sd_notify_watchdog_usec(void)
{
    const char *usec = getenv("WATCHDOG_USEC");
    const char *pid = getenv("WATCHDOG_PID");
    unsigned long long v;
    char *end;

    if (pid && *pid) {
        unsigned long long p;

        errno = 0;
        p = strtoull(pid, &end, 10);
        if (errno || *end || p != (unsigned long long) getpid()) {
            return 0;
        }
    }
    if (!usec || *usec < '0' || *usec > '9') {
        return 0;
    }
    errno = 0;
    v = strtoull(usec, &end, 10);
    return errno || *end ? 0 : v;
}

bool
sd_notify_is_journal(int fd)
{
    const char *value = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    char extra;

    if (!value
        || sscanf(value, "%llu:%llu%c", &dev, &ino, &extra) != 2
        || fstat(fd, &st) < 0) {
        return false;
    }
    return st.st_dev == (dev_t) dev && st.st_ino == (ino_t) ino;
}
