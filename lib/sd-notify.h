/* sd-notify: what a service says to systemd, without libsystemd.
 *
 * The notification protocol of sd_notify(3): one datagram per message,
 * newline-separated VAR=VALUE assignments ("READY=1", "STATUS=...",
 * "WATCHDOG=1"...), sent to the AF_UNIX datagram socket named by
 * $NOTIFY_SOCKET: a file name, or an abstract name when it starts with '@'.
 * The kernel attaches our credentials (systemd sets SO_PASSCRED), which is
 * how NotifyAccess=main knows the sender.  Without $NOTIFY_SOCKET (not run
 * by systemd, or not Type=notify) every call does nothing.
 *
 * Also the two other things systemd tells a service through its
 * environment: the watchdog interval ($WATCHDOG_USEC, for $WATCHDOG_PID if
 * set) and whether stderr is the journal ($JOURNAL_STREAM, the
 * "device:inode" of the stream systemd connected).
 *
 * Owns nothing: each message opens, uses and closes its own socket, sent
 * without waiting (MSG_DONTWAIT): a service manager that does not read
 * never blocks the caller.
 *
 * Thread-safety: any thread (no state; reads the environment, which the
 * daemon never changes). */
#ifndef VSWITCH_SD_NOTIFY_H
#define VSWITCH_SD_NOTIFY_H 1

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

/* True if $NOTIFY_SOCKET is set: messages go somewhere. */
bool sd_notify_enabled(void);

/* Sends one message, a printf-style format expanding to newline-separated
 * assignments.  Returns 0 if it was sent or there is nowhere to send it,
 * else a negative errno (-EINVAL for a $NOTIFY_SOCKET that is no AF_UNIX
 * address; -EAGAIN if the manager's queue is full). */
int sd_notify_send(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Parses the value of $NOTIFY_SOCKET into an AF_UNIX address: an absolute
 * file name, or '@' and an abstract name.  Returns 0, or -EINVAL (empty,
 * relative, or too long for sun_path). */
int sd_notify_address(const char *value, struct sockaddr_un *addr,
                      socklen_t *len);

/* The watchdog interval systemd expects pings within, in microseconds:
 * $WATCHDOG_USEC if it is a positive number and $WATCHDOG_PID is unset or
 * names this process; else 0 (no watchdog).  Ping at half of it. */
uint64_t sd_notify_watchdog_usec(void);

/* True if file descriptor 'fd' is the stream $JOURNAL_STREAM names
 * ("DEVICE:INODE" in decimal, as systemd.exec(5) says): its lines go to
 * the journal, which reads "<N>" syslog priority prefixes and adds its own
 * time stamps. */
bool sd_notify_is_journal(int fd);

#endif /* sd-notify.h */
