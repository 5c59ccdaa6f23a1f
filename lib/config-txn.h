/* config-txn: changing the running configuration, all or nothing.
 *
 * A module that changes the configuration (a control command of the
 * bridge, the teams, the libvirt agent) does it as one transaction:
 *
 *     struct config *cfg = config_txn_begin(store);     a clone to edit
 *     ...edit 'cfg' with config.h's functions...
 *     error = config_txn_commit(store, cfg, &msg);      validate, save, apply
 *
 * config_txn_commit() validates the whole configuration (config_validate()
 * and the store's own 'check'), writes the file atomically, calls the
 * store's 'apply' to make the running state match, and only then makes
 * 'cfg' the running configuration.  On failure nothing changed, neither the
 * file nor the running state, and the caller gets a negative errno and a
 * message for the operator; it decides how to pass it on (a control reply,
 * a log line), which is why no control type appears here.
 *
 * The daemon keeps one 'struct config_store' for its life: it says where
 * the running configuration is, which file it is saved to, and what
 * checking and applying mean for the daemon.
 *
 * Errors: functions return 0 or a negative errno (-EINVAL: the
 * configuration is refused; -EIO: the file cannot be read or written) and
 * set '*msg' (caller frees with g_free()) to a message that names the thing
 * and the fix; '*msg' is NULL on success.
 *
 * Thread-safety: control thread only, as config.h. */
#ifndef VSWITCH_CONFIG_TXN_H
#define VSWITCH_CONFIG_TXN_H 1

#include <stdbool.h>
#include "config.h"

/* The daemon's checks beyond config_validate(): 0 or -EINVAL with '*msg'
 * set (caller frees). */
typedef int config_check_func(const struct config *, char **msg,
                              void *aux);
/* Makes the running state equal to 'cfg', which passed the checks. */
typedef void config_apply_func(const struct config *cfg, void *aux);

/* Where the running configuration is and what changing it means. */
struct config_store {
    const char *path;            /* Borrowed.  The file it is saved to. */
    struct config **running;     /* Borrowed.  The daemon's running
                                  * configuration, replaced (and the old
                                  * one freed) by a commit. */
    config_check_func *check;    /* The daemon's own checks, or NULL. */
    config_apply_func *apply;    /* Applies a configuration. */
    void *aux;                   /* For 'check' and 'apply'. */
};

/* Reads the store's file and checks it, without applying it: for the
 * daemon's start and reload, which apply it themselves.  A missing file
 * is an empty configuration unless 'must_exist' (a reload: a file that is
 * gone must not be taken for an empty configuration), then -EIO.  On
 * success '*cfgp' is the configuration (caller owns). */
int config_txn_read(const struct config_store *, bool must_exist,
                    struct config **cfgp, char **msg);

/* Begins a change: returns a copy of the running configuration for the
 * caller to edit, then to pass to config_txn_commit() or config_free(). */
struct config *config_txn_begin(const struct config_store *);
/* Validates, saves and applies 'cfg' (takes ownership), which becomes the
 * running configuration.  On failure changes nothing and frees 'cfg'. */
int config_txn_commit(const struct config_store *, struct config *cfg,
                      char **msg);

#endif /* config-txn.h */
