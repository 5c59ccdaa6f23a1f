/* vswitchd: the switching daemon.
 *
 * Wires the library together: the datapath threads, the bridges and ports
 * kept equal to the configuration file (bridge.c), the control socket, and
 * the signals.  Everything else lives in lib/. */
#include <autoconf.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <glib-unix.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bridge.h"
#include "ctl-server.h"
#include "datapath.h"
#include "log.h"
#include "metrics-cmd.h"
#include "netdev-packet.h"
#include "rcu.h"
#include "sd-notify.h"
#include "trace-cmd.h"
#include "util.h"

#define THIS_MODULE "vswitchd"

#define DEFAULT_CONFIG SYSCONFDIR "/vswitch/vswitchd.conf"
#define DEFAULT_SOCKET RUNSTATEDIR "/vswitch/vswitchd.sock"

struct options {
    const char *config;       /* Configuration file. */
    const char *socket;       /* Control socket path. */
    char *pidfile;            /* Pid file (absolute, owned), or NULL. */
    char *log_file;           /* Log file (absolute, owned), or NULL for
                               * stderr. */
    bool detach;              /* Run in the background. */
    unsigned int n_threads;   /* Datapath threads. */
    bool busy_poll;           /* Datapath threads never sleep. */
    unsigned int poll_window; /* --poll-window, µs. */
    int cpus[DATAPATH_MAX_THREADS]; /* CPUs for the datapath threads. */
    size_t n_cpus;            /* Entries in 'cpus', 0 = no pinning. */
};

static GMainLoop *main_loop;
static bool journal;          /* stderr is the systemd journal. */

/* A file locked for the daemon's life with a POSIX write lock, which the
 * kernel releases when the process ends, however it ends. */
struct lockfile {
    char *path;               /* Owned.  Absolute file name, NULL if none. */
    int fd;                   /* Owned.  Open and locked, -1 if none. */
    dev_t dev;                /* Device of our file... */
    ino_t ino;                /* ...and inode, so that only our own file is
                               * ever removed. */
};

/* One daemon per configuration: the lock on CONFIG.lock.  And the pidfile,
 * locked too, so that it names a live daemon and only its owner removes
 * it.  Released last at shutdown, and by die(). */
static struct lockfile config_lock = { NULL, -1, 0, 0 };
static struct lockfile pidfile_lock = { NULL, -1, 0, 0 };

static void lockfile_release(struct lockfile *);

/* --poll-window's default, in µs. */
#define DEFAULT_POLL_WINDOW 5000

static void
usage(void)
{
    printf("vswitchd: a virtual switch with teamed uplinks\n"
           "usage: vswitchd [OPTION]...\n"
           "\n"
           "  --config=FILE          configuration file (default %s)\n"
           "  --socket=PATH          control socket (default %s)\n"
           "  --pidfile=FILE         write the daemon's pid to FILE "
           "(locked: one daemon\n"
           "                         per pidfile)\n"
           "  --detach               run in the background once ready\n"
           "  --log-file=FILE        log to FILE instead of stderr\n"
           "  --log-level=LEVEL      err, warn, info (default) or dbg\n"
           "  --datapath-threads=N   switching threads, 1-%d (default 1), "
           "each serving\n"
           "                         up to %d ports and team members\n"
           "  --busy-poll            switching threads spin instead of "
           "sleeping: no\n"
           "                         wake-ups of their own, one busy CPU per "
           "thread\n"
           "  --poll-window=USEC     after a frame, switching threads keep "
           "polling this\n"
           "                         long before they sleep, 0-1000000 "
           "(default %u)\n"
           "  --datapath-cpus=LIST   pin switching thread i to the i-th CPU "
           "of LIST\n"
           "                         (e.g. 1 or 2,3; default: not pinned)\n"
           "  -h, --help             show this help and exit\n"
           "  -V, --version          show the version and exit\n"
           "\n"
           "One daemon per configuration: FILE.lock is locked while it "
           "runs.\n"
           "Signals: SIGTERM and SIGINT stop the daemon cleanly; SIGHUP "
           "re-reads the\nconfiguration file (kept as is if missing) and "
           "reopens the log file.\n"
           "Use vswitch-ctl(8) to configure it; see vswitchd(8).\n",
           DEFAULT_CONFIG, DEFAULT_SOCKET, DATAPATH_MAX_THREADS,
           DATAPATH_MAX_PORTS,
           DEFAULT_POLL_WINDOW);
}

static void
die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void
die(const char *fmt, ...)
{
    char msg[1024];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    /* <3>: LOG_ERR, for the journal. */
    fprintf(stderr, "%svswitchd: %s\n", journal ? "<3>" : "", msg);
    /* "systemctl status vswitchd" shows why. */
    sd_notify_send("STATUS=not started: %s", msg);
    lockfile_release(&pidfile_lock);
    lockfile_release(&config_lock);
    exit(EXIT_FAILURE);
}

/* Parses "1", "2,3" or "0-3" into o->cpus. */
static void
parse_cpus(const char *list, struct options *o)
{
    char **parts = g_strsplit(list, ",", -1);

    o->n_cpus = 0;
    for (char **p = parts; *p; p++) {
        char **range = g_strsplit(*p, "-", 2);
        unsigned long lo, hi;

        if (!range[0] || !str_to_uint_range(range[0], 0, CPU_SETSIZE - 1,
                                            &lo)
            || (range[1] && !str_to_uint_range(range[1], lo,
                                               CPU_SETSIZE - 1, &hi))) {
            die("--datapath-cpus=%s: \"%s\" is not a CPU number or an "
                "ascending range (e.g. 1 or 2,3 or 0-3)", list, *p);
        }
        if (!range[1]) {
            hi = lo;
        }
        for (unsigned long c = lo; c <= hi; c++) {
            if (o->n_cpus == DATAPATH_MAX_THREADS) {
                die("--datapath-cpus=%s: at most %d CPUs", list,
                    DATAPATH_MAX_THREADS);
            }
            o->cpus[o->n_cpus++] = c;
        }
        g_strfreev(range);
    }
    g_strfreev(parts);
    if (!o->n_cpus) {
        die("--datapath-cpus needs at least one CPU");
    }
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
    enum { OPT_CONFIG = 256, OPT_SOCKET, OPT_PIDFILE, OPT_DETACH,
           OPT_LOG_FILE, OPT_LOG_LEVEL, OPT_THREADS, OPT_BUSY_POLL,
           OPT_POLL_WINDOW,
           OPT_CPUS };
    static const struct option long_options[] = {
        { "config", required_argument, NULL, OPT_CONFIG },
        { "socket", required_argument, NULL, OPT_SOCKET },
        { "pidfile", required_argument, NULL, OPT_PIDFILE },
        { "detach", no_argument, NULL, OPT_DETACH },
        { "log-file", required_argument, NULL, OPT_LOG_FILE },
        { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
        { "datapath-threads", required_argument, NULL, OPT_THREADS },
        { "busy-poll", no_argument, NULL, OPT_BUSY_POLL },
        { "poll-window", required_argument, NULL, OPT_POLL_WINDOW },
        { "datapath-cpus", required_argument, NULL, OPT_CPUS },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    unsigned long n;
    int c, level;

    o->config = DEFAULT_CONFIG;
    o->socket = DEFAULT_SOCKET;
    o->n_threads = 1;
    o->poll_window = DEFAULT_POLL_WINDOW;
    while ((c = getopt_long(argc, argv, "hV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG:
            o->config = optarg;
            break;
        case OPT_SOCKET:
            o->socket = optarg;
            break;
        case OPT_PIDFILE:
            /* Absolute: --detach changes directory to /. */
            o->pidfile = g_canonicalize_filename(optarg, NULL);
            break;
        case OPT_DETACH:
            o->detach = true;
            break;
        case OPT_LOG_FILE:
            o->log_file = g_canonicalize_filename(optarg, NULL);
            break;
        case OPT_LOG_LEVEL:
            level = log_level_from_string(optarg);
            if (level < 0) {
                die("unknown log level \"%s\" (expected err, warn, info or "
                    "dbg)", optarg);
            }
            log_set_level(level);
            break;
        case OPT_THREADS:
            if (!str_to_uint_range(optarg, 1, DATAPATH_MAX_THREADS, &n)) {
                die("--datapath-threads=%s is out of range (1-%d)", optarg,
                    DATAPATH_MAX_THREADS);
            }
            o->n_threads = n;
            break;
        case OPT_BUSY_POLL:
            o->busy_poll = true;
            break;
        case OPT_POLL_WINDOW:
            if (!str_to_uint_range(optarg, 0, 1000000, &n)) {
                die("--poll-window=%s is out of range (0-1000000 "
                    "microseconds)", optarg);
            }
            o->poll_window = n;
            break;
        case OPT_CPUS:
            parse_cpus(optarg, o);
            break;
        case 'h':
            usage();
            exit(EXIT_SUCCESS);
        case 'V':
            printf("vswitchd (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
            exit(EXIT_SUCCESS);
        default:
            fprintf(stderr, "Try 'vswitchd --help' for more information.\n");
            exit(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vswitchd: unexpected argument \"%s\"\n"
                "Try 'vswitchd --help' for more information.\n",
                argv[optind]);
        exit(2);
    }
}

/* Forks; the parent waits until the child says it is ready (or failed),
 * then exits with the child's verdict, so "vswitchd --detach && vswitch-ctl
 * ..." works.  Returns in the child the fd to signal readiness on. */
static int
detach_start(void)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds)) {
        die("pipe: %s", strerror(errno));
    }
    pid = fork();
    if (pid < 0) {
        die("fork: %s", strerror(errno));
    }
    if (pid > 0) {
        char c;
        close(fds[1]);
        if (read(fds[0], &c, 1) == 1 && c == 'R') {
            _exit(EXIT_SUCCESS);
        }
        _exit(EXIT_FAILURE);
    }
    close(fds[0]);
    setsid();
    return fds[1];
}

static void
detach_finish(int fd)
{
    int null = open("/dev/null", O_RDWR);

    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        if (!getenv("VSWITCHD_KEEP_STDERR")) {
            dup2(null, STDERR_FILENO);
        }
        if (null > STDERR_FILENO) {
            close(null);
        }
    }
    if (write(fd, "R", 1) != 1) {
        /* The parent is gone; nothing to tell. */
    }
    close(fd);
    if (chdir("/")) {
        /* Not fatal. */
    }
}

/* Opens 'path' (creating it and its directory; mode 0644 whatever the
 * umask) and takes a write lock on it without waiting.  Returns 0, -EAGAIN
 * with '*holder' set to the pid that holds the lock (0 if unknown), or
 * another negative errno. */
static int
lockfile_take(struct lockfile *lf, const char *path, pid_t *holder)
{
    char *dir = g_path_get_dirname(path);

    g_mkdir_with_parents(dir, 0755);
    g_free(dir);
    *holder = 0;

    /* The owner removes the file before it lets go of the lock: if what
     * we locked is no longer the file at 'path', open it again. */
    for (int tries = 0; tries < 10; tries++) {
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
        struct stat st, st_path;
        int fd, err;

        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
            return -errno;
        }
        if (fcntl(fd, F_SETLK, &fl) < 0) {
            err = errno;
            if (err == EACCES || err == EAGAIN) {
                fl = (struct flock) { .l_type = F_WRLCK,
                                      .l_whence = SEEK_SET };
                if (!fcntl(fd, F_GETLK, &fl) && fl.l_type != F_UNLCK) {
                    *holder = fl.l_pid;
                }
                err = EAGAIN;
            }
            close(fd);
            return -err;
        }
        if (fstat(fd, &st) < 0) {
            err = errno;
            close(fd);
            return -err;
        }
        if (stat(path, &st_path) < 0 || st.st_dev != st_path.st_dev
            || st.st_ino != st_path.st_ino) {
            close(fd);
            continue;
        }
        if (fchmod(fd, 0644) < 0) {
            err = errno;
            close(fd);
            return -err;
        }
        lf->path = g_strdup(path);
        lf->fd = fd;
        lf->dev = st.st_dev;
        lf->ino = st.st_ino;
        return 0;
    }
    return -EAGAIN;
}

/* Removes the file if it is still ours, then lets go of the lock: in this
 * order, so that whoever takes the lock next finds no trace of us. */
static void
lockfile_release(struct lockfile *lf)
{
    struct stat st;

    if (lf->fd < 0) {
        return;
    }
    if (!stat(lf->path, &st) && st.st_dev == lf->dev
        && st.st_ino == lf->ino) {
        unlink(lf->path);
    }
    close(lf->fd);
    lf->fd = -1;
    g_free(lf->path);
    lf->path = NULL;
}

/* One daemon per configuration: two on the same file would attach the same
 * devices and deliver every frame twice.  The lock is on CONFIG.lock, not
 * on the configuration itself, which saving replaces by rename. */
static void
config_lock_take(const char *config)
{
    char *abs = g_canonicalize_filename(config, NULL);
    char *path = g_strconcat(abs, ".lock", NULL);
    char msg[PATH_MAX + 256];
    pid_t holder;
    int rc;

    rc = lockfile_take(&config_lock, path, &holder);
    if (rc == -EAGAIN) {
        snprintf(msg, sizeof msg, "another vswitchd (pid %ld) is running "
                 "with configuration %s; stop it first: one daemon per "
                 "configuration", (long) holder, abs);
    } else if (rc) {
        snprintf(msg, sizeof msg, "cannot lock %s: %s", path, strerror(-rc));
    }
    /* Freed before die(), which exits: LeakSanitizer checks the exit. */
    g_free(path);
    g_free(abs);
    if (rc) {
        die("%s", msg);
    }
}

static void
pidfile_take(const char *path)
{
    char *text;
    pid_t holder;
    ssize_t len;
    int rc;

    rc = lockfile_take(&pidfile_lock, path, &holder);
    if (rc == -EAGAIN) {
        die("pidfile %s is held by a running vswitchd (pid %ld); stop it "
            "or choose another --pidfile", path, (long) holder);
    } else if (rc) {
        die("cannot write pidfile %s: %s", path, strerror(-rc));
    }
    text = g_strdup_printf("%ld\n", (long) getpid());
    len = strlen(text);
    if (ftruncate(pidfile_lock.fd, 0) < 0
        || pwrite(pidfile_lock.fd, text, len, 0) != len) {
        rc = errno;
        g_free(text);
        die("cannot write pidfile %s: %s", path, strerror(rc));
    }
    g_free(text);
}

static gboolean
on_terminate(gpointer aux)
{
    VLOG_INFO("%s received: shutting down", (const char *) aux);
    sd_notify_send("STOPPING=1\nSTATUS=stopping (%s received)",
                   (const char *) aux);
    g_main_loop_quit(main_loop);
    return G_SOURCE_CONTINUE;
}

/* systemd's STATUS= line: 'status_prefix' ("running: ", or why the last
 * reload was not applied), then bridge_status(). */
static char *status_prefix;   /* Owned. */
static char *status_sent;     /* Owned.  The last line sent, or NULL. */

/* Sends READY=1 with the status line if 'ready'; else the status line
 * alone, if it changed since it was last sent. */
static int
notify_status(bool ready)
{
    char *status = bridge_status();
    char *line = g_strconcat(status_prefix, status, NULL);
    int rc = 0;

    g_free(status);
    if (!ready && !g_strcmp0(line, status_sent)) {
        g_free(line);
        return 0;
    }
    rc = sd_notify_send("%sSTATUS=%s", ready ? "READY=1\n" : "", line);
    g_free(status_sent);
    status_sent = line;
    return rc;
}

/* Tells systemd that the daemon is ready (again): the configuration is
 * applied and every port whose device exists is attached.  'prefix' starts
 * the STATUS= line until the next call. */
static void
notify_ready(const char *prefix)
{
    int rc;

    g_free(status_prefix);
    status_prefix = g_strdup(prefix);
    rc = notify_status(true);
    if (rc) {
        VLOG_WARN("cannot tell systemd that the daemon is ready: "
                  "NOTIFY_SOCKET=%s: %s", getenv("NOTIFY_SOCKET"),
                  strerror(-rc));
    }
}

/* Keeps STATUS= current as devices come and go (a port that was absent
 * at READY=1 attached later, say): checked each second, sent on change. */
static gboolean
on_status_tick(gpointer aux)
{
    notify_status(false);
    return G_SOURCE_CONTINUE;
}

static gboolean
on_hangup(gpointer aux)
{
    char *msg = NULL;

    VLOG_INFO("SIGHUP received: reloading configuration, reopening log");
    /* MONOTONIC_USEC: systemd 253 and later match it with the reload they
     * asked for; older ones ignore it. */
    sd_notify_send("RELOADING=1\nMONOTONIC_USEC=%" PRIu64 "\n"
                   "STATUS=reloading the configuration", time_usec());
    log_reopen();
    if (bridge_reload(&msg)) {
        char *prefix;

        /* STATUS= is one line. */
        if (msg) {
            g_strdelimit(msg, "\n", ' ');
        }
        prefix = g_strdup_printf("configuration not reloaded, running state "
                                 "kept: %s; ", msg ? msg : "see the log");
        notify_ready(prefix);
        g_free(prefix);
        g_free(msg);
    } else {
        notify_ready("running: ");
    }
    return G_SOURCE_CONTINUE;
}

/* The systemd watchdog's ping, from the control thread's main loop: a
 * control thread that is stuck stops pinging, and systemd acts
 * (WatchdogSec=, Restart=). */
static gboolean
on_watchdog(gpointer aux)
{
    sd_notify_send("WATCHDOG=1");
    return G_SOURCE_CONTINUE;
}

/* The timers of a daemon that systemd runs: the status line's and, if
 * asked for, the watchdog's. */
static void
notify_timers_start(void)
{
    uint64_t usec = sd_notify_watchdog_usec();
    guint interval_ms;

    if (!sd_notify_enabled()) {
        return;
    }
    g_timeout_add_seconds(1, on_status_tick, NULL);
    if (!usec) {
        return;
    }
    /* Twice per interval, as sd_watchdog_enabled(3) advises. */
    interval_ms = MAX(usec / 2000, 1);
    g_timeout_add(interval_ms, on_watchdog, NULL);
    VLOG_INFO("systemd watchdog: %" PRIu64 " ms, pinged every %u ms",
              usec / 1000, interval_ms);
}

/* Each port holds two sockets (netdev-packet.h), so a full switch needs
 * more files than the usual soft limit of 1,024 (systemd's default for
 * services, whose hard limit is 524,288): takes the hard limit, and says
 * so if even that is too low for the DATAPATH_MAX_PORTS ports each of the
 * 'n_threads' datapath threads serves. */
static void
raise_file_limit(unsigned int n_threads)
{
    const rlim_t want = 2 * (rlim_t) DATAPATH_MAX_PORTS * n_threads + 256;
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl)) {
        return;
    }
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t soft = rl.rlim_cur;

        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl)) {
            rl.rlim_cur = soft;
        }
    }
    if (rl.rlim_cur < want) {
        VLOG_WARN("open files are limited to %llu (RLIMIT_NOFILE): each "
                  "port takes two and %d are kept for the rest, so fewer "
                  "than %llu ports can attach; raise the limit to %llu for "
                  "%u (LimitNOFILE= in the systemd unit)",
                  (unsigned long long) rl.rlim_cur, NETDEV_FD_RESERVE,
                  (unsigned long long) (rl.rlim_cur > NETDEV_FD_RESERVE
                                        ? (rl.rlim_cur - NETDEV_FD_RESERVE)
                                          / 2 : 0),
                  (unsigned long long) want, DATAPATH_MAX_PORTS * n_threads);
    }
}

int
main(int argc, char *argv[])
{
    struct ctl_server *server;
    struct datapath *dp;
    struct options o = { 0 };
    int ready_fd = -1;
    char *msg;
    int rc;

    parse_options(argc, argv, &o);
    if (o.log_file && (rc = log_set_file(o.log_file))) {
        die("cannot open log file %s: %s", o.log_file, strerror(-rc));
    }
    /* Run by systemd with stderr to the journal: priorities, no time. */
    journal = sd_notify_is_journal(STDERR_FILENO);
    log_set_journal(journal && !o.log_file);
    raise_file_limit(o.n_threads);
    if (o.detach) {
        ready_fd = detach_start();
    }
    /* Before anything else: a second daemon must touch nothing. */
    config_lock_take(o.config);
    if (o.pidfile) {
        pidfile_take(o.pidfile);
    }

    vs_rcu_init();
    rcu_register_thread();
    main_loop = g_main_loop_new(NULL, FALSE);
    g_unix_signal_add(SIGTERM, on_terminate, "SIGTERM");
    g_unix_signal_add(SIGINT, on_terminate, "SIGINT");
    g_unix_signal_add(SIGHUP, on_hangup, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (ctl_server_create(o.socket, &server, &msg)) {
        die("%s", msg);
    }
    dp = datapath_create(&(struct datapath_options) {
        .n_threads = o.n_threads, .busy_poll = o.busy_poll,
        .poll_window_usec = o.poll_window,
        .cpus = o.cpus, .n_cpus = o.n_cpus,
    });
    if (!dp) {
        ctl_server_destroy(server);
        if (errno == EINVAL && o.n_cpus) {
            die("cannot pin the datapath threads: a CPU of --datapath-cpus "
                "is not available to this process (taskset -p %ld shows "
                "which are)", (long) getpid());
        }
        die("cannot start the datapath: %s", strerror(errno));
    }
    if (bridge_init(dp, o.config, &msg)) {
        datapath_destroy(dp);
        ctl_server_destroy(server);
        die("%s", msg);
    }
    bridge_cmd_init();
    metrics_cmd_init(dp);
    trace_cmd_init(dp);
    /* Every command must be in the table that "vswitch-ctl --help" prints:
     * a programming error, caught by the first start of the daemon. */
    if (ctl_command_check_table(&msg)) {
        bridge_fini();
        datapath_destroy(dp);
        ctl_server_destroy(server);
        die("%s", msg);
    }
    VLOG_INFO("vswitchd %s started: config %s, socket %s, %u datapath "
              "thread(s)%s", PACKAGE_VERSION, o.config, o.socket, o.n_threads,
              o.busy_poll ? ", busy polling" : "");
    if (ready_fd >= 0) {
        detach_finish(ready_fd);
    }
    notify_ready("running: ");
    notify_timers_start();

    g_main_loop_run(main_loop);

    /* Release the devices first, then remove the socket, the pidfile and
     * last the configuration lock: a daemon started meanwhile is refused
     * until nothing of this one is left. */
    bridge_fini();
    datapath_destroy(dp);
    ctl_server_destroy(server);
    ctl_command_unregister_all();
    g_free(o.pidfile);
    g_free(o.log_file);
    g_free(status_prefix);
    g_free(status_sent);
    g_main_loop_unref(main_loop);
    rcu_unregister_thread();
    VLOG_INFO("stopped");
    lockfile_release(&pidfile_lock);
    lockfile_release(&config_lock);
    return EXIT_SUCCESS;
}
