/* config-txn: changing the running configuration (see config-txn.h). */
#include <autoconf.h>
#include "config-txn.h"

#include <errno.h>

/* config_validate() and the store's own checks. */
static int
check(const struct config_store *store, const struct config *cfg,
      char **msg)
{
    int retval = config_validate(cfg, msg);

    if (retval) {
        return retval;
    }
    return store->check ? store->check(cfg, msg, store->aux) : 0;
}

int
config_txn_read(const struct config_store *store, bool must_exist,
                struct config **cfgp, char **msg)
{
    struct config *cfg;
    int retval;

    *cfgp = NULL;
    *msg = NULL;
    retval = (must_exist
              ? config_load_existing(store->path, &cfg, msg)
              : config_load(store->path, &cfg, msg));
    if (retval) {
        return retval;
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
    char *save_msg;
    int retval;

    *msg = NULL;
    retval = check(store, cfg, msg);
    if (retval) {
        goto free_cfg;
    }
    /* check() validated it: config_save() would again. */
    if (config_write(cfg, store->path, &save_msg)) {
        *msg = g_strdup_printf("cannot save configuration: %s", save_msg);
        g_free(save_msg);
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
