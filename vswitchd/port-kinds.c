/* The list of port kinds (port-kind.h). */
#include <autoconf.h>
#include "port-kind.h"

#include "team.h"
#include "util.h"

const struct port_kind_class *const port_kinds[] = {
    &team_port_kind,
};

const size_t n_port_kinds = ARRAY_SIZE(port_kinds);
