#include <autoconf.h>
#include "rcu.h"

void
vs_rcu_init(void)
{
    /* liburcu initialises itself from a constructor; nothing else needed. */
}

void
vs_rcu_barrier(void)
{
    rcu_barrier();
}
