#include <autoconf.h>
#include "rcu.h"

#include <pthread.h>

void
vs_rcu_init(void)
{
    /* liburcu initialises itself from a constructor.  Its worker that
     * runs the call_rcu() callbacks (frees what was replaced, closes the
     * sockets of removed ports) is named, as top -H and ps -L show it. */
    pthread_setname_np(get_call_rcu_thread(get_default_call_rcu_data()),
                       "rcu-free");
}

void
vs_rcu_barrier(void)
{
    rcu_barrier();
}
