/* config-txn: changing the running configuration (see config-txn.h). */
#include <autoconf.h>
#include "config-txn.h"

#include <errno.h>

/* The errno for a configuration GError: -EIO for a file that cannot be
 * read or written, -EINVAL for a configuration that is refused.  Moves the
 * message to '*msg' and frees 'error'. */
static int
error_from_gerror(GError *error, char **msg)
{
    int retval = (g_error_matches(error, CONFIG_ERROR, CONFIG_ERROR_IO)
                  ? -EIO : -EINVAL);

    *msg = g_strdup(error->message);
    g_error_free(error);
    return retval;
}

/* config_validate() and the store's own checks. */
static int
check(const struct config_store *store, const struct config *cfg,
      char **msg)
{
    GError *error = NULL;

    if (!config_validate(cfg, &error)) {
        return error_from_gerror(error, msg);
    }
    return store->check ? store->check(cfg, msg, store->aux) : 0;
}

int
config_txn_read(const struct config_store *store, bool must_exist,
                struct config **cfgp, char **msg)
{
    GError *error = NULL;
    struct config *cfg;
    int retval;

    *cfgp = NULL;
    *msg = NULL;
    cfg = (must_exist
           ? config_load_existing(store->path, &error)
           : config_load(store->path, &error));
    if (!cfg) {
        return error_from_gerror(error, msg);
    }
    /* The loader validated it; only the store's checks remain. */
    retval = store->check ? store->check(cfg, msg, store->aux) : 0;
    if (retval) {
        config_free(cfg);
        return retval;
    }
    *cfgp = cfg;
    return 0;
}

struct config *
config_txn_begin(const struct config_store *store)
{
    return config_clone(*store->running);
}

int
config_txn_commit(const struct config_store *store, struct config *cfg,
                  char **msg)
{
    GError *error = NULL;
    int retval;

    *msg = NULL;
    retval = check(store, cfg, msg);
    if (retval) {
        goto free_cfg;
    }
    if (!config_save(cfg, store->path, &error)) {
        *msg = g_strdup_printf("cannot save configuration: %s",
                               error->message);
        g_error_free(error);
        retval = -EIO;
        goto free_cfg;
    }
    store->apply(cfg, store->aux);
    config_free(*store->running);
    *store->running = cfg;
    return 0;

free_cfg:
    config_free(cfg);
    return retval;
}
