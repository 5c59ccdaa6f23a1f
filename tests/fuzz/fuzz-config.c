/* fuzz-config: the configuration file parser, from memory (see fuzz.h).
 *
 * Input: the bytes of a vswitchd.conf.  config_load_data() either refuses
 * them with -EINVAL and a message that says why, or accepts a
 * configuration that:
 *
 *   - passes config_validate() (the loader promises to check it);
 *   - survives saving: config_to_data() writes a file that loads back to an
 *     equal configuration (the daemon rewrites the file on every change and
 *     reads it back at the next start or SIGHUP), and writing that again
 *     gives the same bytes;
 *   - clones to an equal configuration (the daemon edits a clone);
 *   - can be described for 'show' (config_port_vlan_describe()). */
#include <autoconf.h>
#include "fuzz.h"

#include <errno.h>
#include <string.h>
#include "config.h"

static void
describe_port(const struct config_port *port)
{
    char *s = config_port_vlan_describe(port);

    FUZZ_CHECK(s && s[0]);
    g_free(s);
}

static void
describe_ports(const struct config *cfg)
{
    for (guint i = 0; i < cfg->ports->len; i++) {
        describe_port(g_ptr_array_index(cfg->ports, i));
    }
    for (guint i = 0; i < cfg->teams->len; i++) {
        const struct config_team *team = g_ptr_array_index(cfg->teams, i);

        describe_port(&team->port);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config *cfg, *back, *clone;
    char *text, *text2;
    size_t len, len2;
    char *msg;
    int error;

    error = config_load_data((const char *) data, size, "fuzz.conf", &cfg,
                             &msg);
    if (error) {
        FUZZ_CHECK(error == -EINVAL && !cfg);
        FUZZ_CHECK(msg && msg[0]);
        g_free(msg);
        return 0;
    }
    FUZZ_CHECK(cfg && !msg);
    FUZZ_CHECK(!config_validate(cfg, &msg) && !msg);

    text = config_to_data(cfg, &len);
    FUZZ_CHECK(text && strlen(text) == len);
    if (config_load_data(text, len, "saved.conf", &back, &msg)) {
        fprintf(stderr, "a saved configuration does not load: %s\n--\n%s",
                msg, text);
        FUZZ_CHECK(!"a saved configuration loads");
    }
    if (!config_equal(cfg, back)) {
        fprintf(stderr, "saved as:\n%s", text);
        FUZZ_CHECK(!"a saved configuration loads as it was");
    }
    text2 = config_to_data(back, &len2);
    FUZZ_CHECK(len == len2 && !memcmp(text, text2, len));

    clone = config_clone(cfg);
    FUZZ_CHECK(config_equal(cfg, clone));
    describe_ports(cfg);

    config_free(clone);
    g_free(text2);
    config_free(back);
    g_free(text);
    config_free(cfg);
    return 0;
}
