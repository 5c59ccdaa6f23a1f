/* log: the daemon's log, with levels and rate limiting.
 *
 * Writes "2026-11-25T08:17:24.123Z|warn|bridge|message" lines to stderr or to
 * a log file (reopened on SIGHUP by the daemon).  When stderr is the systemd
 * journal (log_set_journal()), lines on stderr are "<4>warn|bridge|message"
 * instead: the syslog priority first, for journald to keep, and no time
 * stamp, which journald adds.  Never used on the datapath: the datapath
 * counts instead of logging.
 *
 * Thread-safety: vs_log() may be called from any thread (one write(2) per
 * line); configuration calls are control-thread only. */
#ifndef VSWITCH_LOG_H
#define VSWITCH_LOG_H 1

#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DBG };

/* Parses "err", "warn", "info" or "dbg"/"debug".  Returns -1 if unknown. */
int log_level_from_string(const char *);
const char *log_level_to_string(enum log_level);

void log_set_level(enum log_level);
/* Sends output to 'path' (appending), or stderr when NULL.  Returns 0 or a
 * negative errno. */
int log_set_file(const char *path);
/* Reopens the log file (after rotation). */
int log_reopen(void);
/* Whether stderr is the journal (sd_notify_is_journal()): if so, lines
 * written to stderr carry the syslog priority of their level (<3> err, <4>
 * warn, <6> info, <7> dbg) and no time stamp.  A log file is unaffected. */
void log_set_journal(bool);

void vs_log(enum log_level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* At most 'burst' messages then one per 'interval_ms'; the rest are counted
 * and reported with the next message that passes. */
struct log_ratelimit {
    uint64_t next_msec;      /* When the next message may pass. */
    unsigned int tokens;     /* Messages left in the current burst. */
    unsigned int suppressed; /* Messages dropped since the last one. */
    unsigned int burst;      /* Burst size. */
    unsigned int interval_ms;/* Refill interval. */
};
#define LOG_RATELIMIT_INIT(BURST, INTERVAL_MS) \
    { 0, (BURST), 0, (BURST), (INTERVAL_MS) }
bool log_ratelimit_pass(struct log_ratelimit *);

#define VLOG_ERR(...) vs_log(LOG_LVL_ERR, THIS_MODULE, __VA_ARGS__)
#define VLOG_WARN(...) vs_log(LOG_LVL_WARN, THIS_MODULE, __VA_ARGS__)
#define VLOG_INFO(...) vs_log(LOG_LVL_INFO, THIS_MODULE, __VA_ARGS__)
#define VLOG_DBG(...) vs_log(LOG_LVL_DBG, THIS_MODULE, __VA_ARGS__)

#endif /* log.h */
