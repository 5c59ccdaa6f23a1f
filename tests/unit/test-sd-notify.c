/* Unit tests of lib/sd-notify.c: the address in $NOTIFY_SOCKET, messages
 * received on a socket of the test's own (a file and an abstract name),
 * with the sender's credentials, the watchdog's environment and the
 * journal stream's. */
#include <autoconf.h>

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "sd-notify.h"
#include "unit.h"

static void
test_address(void)
{
    char long_name[sizeof ((struct sockaddr_un *) 0)->sun_path + 1];
    struct sockaddr_un addr;
    socklen_t len;

    CU_ASSERT_EQUAL(sd_notify_address("/run/systemd/notify", &addr, &len),
                    0);
    CU_ASSERT_EQUAL(addr.sun_family, AF_UNIX);
    CU_ASSERT_STRING_EQUAL(addr.sun_path, "/run/systemd/notify");
    CU_ASSERT_EQUAL(len, offsetof(struct sockaddr_un, sun_path)
                         + strlen("/run/systemd/notify") + 1);

    /* Abstract: a NUL, the name without '@', no NUL counted after it. */
    CU_ASSERT_EQUAL(sd_notify_address("@/org/test/notify", &addr, &len), 0);
    CU_ASSERT_EQUAL(addr.sun_path[0], '\0');
    CU_ASSERT_EQUAL(memcmp(addr.sun_path + 1, "/org/test/notify", 16), 0);
    CU_ASSERT_EQUAL(len, offsetof(struct sockaddr_un, sun_path) + 17);

    CU_ASSERT_EQUAL(sd_notify_address(NULL, &addr, &len), -EINVAL);
    CU_ASSERT_EQUAL(sd_notify_address("", &addr, &len), -EINVAL);
    CU_ASSERT_EQUAL(sd_notify_address("@", &addr, &len), -EINVAL);
    CU_ASSERT_EQUAL(sd_notify_address("run/notify", &addr, &len), -EINVAL);
    CU_ASSERT_EQUAL(sd_notify_address("vsock:2:1234", &addr, &len),
                    -EINVAL);
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[0] = '/';
    long_name[sizeof long_name - 1] = '\0';
    CU_ASSERT_EQUAL(sd_notify_address(long_name, &addr, &len), -EINVAL);
    long_name[sizeof long_name - 2] = '\0';
    CU_ASSERT_EQUAL(sd_notify_address(long_name, &addr, &len), 0);
}

/* A datagram socket bound to 'addr', with SO_PASSCRED as systemd's. */
static int
listener(const struct sockaddr_un *addr, socklen_t len)
{
    int one = 1;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL_FATAL(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one,
                                     sizeof one), 0);
    CU_ASSERT_EQUAL_FATAL(bind(fd, (const struct sockaddr *) addr, len), 0);
    return fd;
}

/* Receives one datagram on 'fd' (already queued: the send is
 * synchronous) into 'buf'; checks that the kernel names us as its
 * sender. */
static void
receive(int fd, char *buf, size_t size)
{
    union {
        struct cmsghdr align;              /* Alignment. */
        char buf[CMSG_SPACE(sizeof (struct ucred))]; /* The data. */
    } control;
    struct iovec iov = { buf, size - 1 };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control.buf, .msg_controllen = sizeof control.buf,
    };
    struct cmsghdr *cmsg;
    bool found = false;
    ssize_t n;

    n = recvmsg(fd, &mh, MSG_DONTWAIT);
    CU_ASSERT_FATAL(n >= 0);
    buf[n] = '\0';
    for (cmsg = CMSG_FIRSTHDR(&mh); cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg)) {
        if (cmsg->cmsg_level == SOL_SOCKET
            && cmsg->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cred;

            memcpy(&cred, CMSG_DATA(cmsg), sizeof cred);
            CU_ASSERT_EQUAL(cred.pid, getpid());
            found = true;
        }
    }
    CU_ASSERT(found);
}

static void
test_send_path(void)
{
    char *dir = g_dir_make_tmp("test-sd-notify-XXXXXX", NULL);
    char *path = g_build_filename(dir, "notify", NULL);
    struct sockaddr_un addr;
    socklen_t len;
    char buf[256];
    int fd;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    CU_ASSERT_EQUAL_FATAL(sd_notify_address(path, &addr, &len), 0);
    fd = listener(&addr, len);
    setenv("NOTIFY_SOCKET", path, 1);
    CU_ASSERT(sd_notify_enabled());
    CU_ASSERT_EQUAL(sd_notify_send("READY=1\nSTATUS=%u bridges", 2u), 0);
    receive(fd, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "READY=1\nSTATUS=2 bridges");
    CU_ASSERT_EQUAL(sd_notify_send("WATCHDOG=1"), 0);
    receive(fd, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "WATCHDOG=1");

    /* Nobody listens any more. */
    close(fd);
    g_unlink(path);
    CU_ASSERT_EQUAL(sd_notify_send("READY=1"), -ENOENT);
    unsetenv("NOTIFY_SOCKET");
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

static void
test_send_abstract(void)
{
    char *name = g_strdup_printf("@vswitch-test-sd-notify-%ld",
                                 (long) getpid());
    struct sockaddr_un addr;
    socklen_t len;
    char buf[256];
    int fd;

    CU_ASSERT_EQUAL_FATAL(sd_notify_address(name, &addr, &len), 0);
    fd = listener(&addr, len);
    setenv("NOTIFY_SOCKET", name, 1);
    CU_ASSERT_EQUAL(sd_notify_send("STOPPING=1"), 0);
    receive(fd, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "STOPPING=1");
    close(fd);
    unsetenv("NOTIFY_SOCKET");
    g_free(name);
}

static void
test_send_nowhere(void)
{
    unsetenv("NOTIFY_SOCKET");
    CU_ASSERT(!sd_notify_enabled());
    CU_ASSERT_EQUAL(sd_notify_send("READY=1"), 0);
    setenv("NOTIFY_SOCKET", "", 1);
    CU_ASSERT(!sd_notify_enabled());
    CU_ASSERT_EQUAL(sd_notify_send("READY=1"), 0);
    setenv("NOTIFY_SOCKET", "relative/notify", 1);
    CU_ASSERT(sd_notify_enabled());
    CU_ASSERT_EQUAL(sd_notify_send("READY=1"), -EINVAL);
    unsetenv("NOTIFY_SOCKET");
}

static void
test_watchdog(void)
{
    char *pid = g_strdup_printf("%ld", (long) getpid());
    char *other = g_strdup_printf("%ld", (long) getpid() + 1);

    unsetenv("WATCHDOG_PID");
    unsetenv("WATCHDOG_USEC");
    CU_ASSERT_EQUAL(sd_notify_watchdog_usec(), 0);
    setenv("WATCHDOG_USEC", "400000", 1);
    CU_ASSERT_EQUAL(sd_notify_watchdog_usec(), 400000);
    setenv("WATCHDOG_PID", pid, 1);
    CU_ASSERT_EQUAL(sd_notify_watchdog_usec(), 400000);
    /* For another process (the one before a fork, say): not ours. */
    setenv("WATCHDOG_PID", other, 1);
    CU_ASSERT_EQUAL(sd_notify_watchdog_usec(), 0);
    setenv("WATCHDOG_PID", "12x", 1);
    CU_ASSERT_EQUAL(sd_notify_watchdog_usec(), 0);
    unsetenv("WATCHDOG_PID");
    setenv("WATCHDOG_USEC", "", 1);
    CU_ASSERT_EQUAL(sd_notify_watchdog_usec(), 0);
    setenv("WATCHDOG_USEC", "-400000", 1);
    CU_ASSERT_EQUAL(sd_notify_watchdog_usec(), 0);
    setenv("WATCHDOG_USEC", "4s", 1);
    CU_ASSERT_EQUAL(sd_notify_watchdog_usec(), 0);
    unsetenv("WATCHDOG_USEC");
    g_free(other);
    g_free(pid);
}

static void
test_journal(void)
{
    char *path = NULL;
    char *value;
    struct stat st;
    int fd = g_file_open_tmp("test-sd-notify-XXXXXX", &path, NULL);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL_FATAL(fstat(fd, &st), 0);

    unsetenv("JOURNAL_STREAM");
    CU_ASSERT(!sd_notify_is_journal(fd));
    value = g_strdup_printf("%llu:%llu", (unsigned long long) st.st_dev,
                            (unsigned long long) st.st_ino);
    setenv("JOURNAL_STREAM", value, 1);
    CU_ASSERT(sd_notify_is_journal(fd));
    g_free(value);

    /* Another inode, another device, a value with more after it. */
    value = g_strdup_printf("%llu:%llu", (unsigned long long) st.st_dev,
                            (unsigned long long) st.st_ino + 1);
    setenv("JOURNAL_STREAM", value, 1);
    CU_ASSERT(!sd_notify_is_journal(fd));
    g_free(value);
    value = g_strdup_printf("%llu:%llu", (unsigned long long) st.st_dev + 1,
                            (unsigned long long) st.st_ino);
    setenv("JOURNAL_STREAM", value, 1);
    CU_ASSERT(!sd_notify_is_journal(fd));
    g_free(value);
    value = g_strdup_printf("%llu:%llux", (unsigned long long) st.st_dev,
                            (unsigned long long) st.st_ino);
    setenv("JOURNAL_STREAM", value, 1);
    CU_ASSERT(!sd_notify_is_journal(fd));
    g_free(value);
    setenv("JOURNAL_STREAM", "journal", 1);
    CU_ASSERT(!sd_notify_is_journal(fd));

    /* Not an open file. */
    value = g_strdup_printf("%llu:%llu", (unsigned long long) st.st_dev,
                            (unsigned long long) st.st_ino);
    setenv("JOURNAL_STREAM", value, 1);
    close(fd);
    CU_ASSERT(!sd_notify_is_journal(fd));
    g_free(value);
    unsetenv("JOURNAL_STREAM");
    g_unlink(path);
    g_free(path);
}

static const CU_TestInfo tests[] = {
    { "address", test_address },
    { "send to a file socket", test_send_path },
    { "send to an abstract socket", test_send_abstract },
    { "send nowhere", test_send_nowhere },
    { "watchdog environment", test_watchdog },
    { "journal stream", test_journal },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("sd-notify", NULL, NULL, tests);
}
