#include <autoconf.h>
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

static enum log_level log_level = LOG_LVL_INFO;
static int log_fd = STDERR_FILENO;
static char *log_path;
static bool log_journal;      /* stderr is the journal: log_set_journal(). */

static const char *const level_names[] = { "err", "warn", "info", "dbg" };
/* syslog(3)'s LOG_ERR, LOG_WARNING, LOG_INFO and LOG_DEBUG, by level. */
static const int level_priorities[] = { 3, 4, 6, 7 };

int
log_level_from_string(const char *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (!strcmp(s, level_names[i])) {
            return i;
        }
    }
    if (!strcmp(s, "debug")) {
        return LOG_LVL_DBG;
    }
    if (!strcmp(s, "error")) {
        return LOG_LVL_ERR;
    }
    if (!strcmp(s, "warning")) {
        return LOG_LVL_WARN;
    }
    return -1;
}

const char *
log_level_to_string(enum log_level level)
{
    return level < ARRAY_SIZE(level_names) ? level_names[level] : "?";
}

void
log_set_level(enum log_level level)
{
    log_level = level;
}

int
log_set_file(const char *path)
{
    int fd;

    if (!path) {
        if (log_fd != STDERR_FILENO) {
            close(log_fd);
        }
        log_fd = STDERR_FILENO;
        free(log_path);
        log_path = NULL;
        return 0;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) {
        return -errno;
    }
    if (log_fd != STDERR_FILENO) {
        close(log_fd);
    }
    log_fd = fd;
    if (path != log_path) {
        free(log_path);
        log_path = strdup(path);
    }
    return 0;
}

int
log_reopen(void)
{
    return log_path ? log_set_file(log_path) : 0;
}

void
log_set_journal(bool journal)
{
    log_journal = journal;
}

void
vs_log(enum log_level level, const char *module, const char *fmt, ...)
{
    char line[1024];
    struct timeval tv;
    struct tm tm;
    va_list args;
    int n;

    if (level > log_level) {
        return;
    }
    if (log_journal && log_fd == STDERR_FILENO) {
        n = snprintf(line, sizeof line, "<%d>%s|%s|",
                     level_priorities[level], log_level_to_string(level),
                     module);
    } else {
        gettimeofday(&tv, NULL);
        gmtime_r(&tv.tv_sec, &tm);
        n = snprintf(line, sizeof line,
                     "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ|%s|%s|",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (long) tv.tv_usec / 1000, log_level_to_string(level),
                     module);
    }
    va_start(args, fmt);
    n += vsnprintf(line + n, sizeof line - n - 1, fmt, args);
    va_end(args);
    if (n > (int) sizeof line - 2) {
        n = sizeof line - 2;
    }
    line[n++] = '\n';
    if (write(log_fd, line, n) < 0) {
        /* Nowhere left to report it. */
    }
}

bool
log_ratelimit_pass(struct log_ratelimit *rl)
{
    uint64_t now = time_msec();

    if (now >= rl->next_msec) {
        rl->tokens = rl->burst;
        rl->next_msec = now + rl->interval_ms;
    }
    if (rl->tokens) {
        rl->tokens--;
        return true;
    }
    rl->suppressed++;
    return false;
}
