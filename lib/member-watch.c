#include <autoconf.h>
#include "member-watch.h"

const struct member_watch_class *const
    member_watch_classes[MEMBER_N_WATCHES] = {
    &member_watch_carrier,
    &member_watch_arp,
    &member_watch_lacp,
};

bool
member_watches_ok(const struct member_watch *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (w[i].cls && !w[i].ok) {
            return false;
        }
    }
    return true;
}
