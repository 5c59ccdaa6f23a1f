#include <autoconf.h>
#include "link-watch.h"

#include <CUnit/Basic.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include "rcu.h"
#include "unit.h"

/* What the callback was told. */
struct seen {
    int n;                      /* Calls. */
    int ifindex[8];             /* Each call's arguments. */
    bool carrier[8];
    bool removed[8];
};

static void
record(int ifindex, bool carrier, bool removed, void *seen_)
{
    struct seen *s = seen_;

    if (s->n < 8) {
        s->ifindex[s->n] = ifindex;
        s->carrier[s->n] = carrier;
        s->removed[s->n] = removed;
    }
    s->n++;
}

/* Appends a netlink message of 'type' with an ifinfomsg (and an
 * IFLA_IFNAME attribute, as the kernel sends) to 'buf' at '*len'. */
static void
add_link(uint8_t *buf, size_t *len, uint16_t type, unsigned char family,
         int ifindex, unsigned int flags)
{
    struct nlmsghdr *nlh = (struct nlmsghdr *) (void *) (buf + *len);
    struct ifinfomsg *ifi;
    struct rtattr *rta;

    memset(nlh, 0, NLMSG_SPACE(sizeof *ifi + RTA_SPACE(IFNAMSIZ)));
    nlh->nlmsg_type = type;
    nlh->nlmsg_len = NLMSG_LENGTH(sizeof *ifi + RTA_SPACE(IFNAMSIZ));
    ifi = NLMSG_DATA(nlh);
    ifi->ifi_family = family;
    ifi->ifi_index = ifindex;
    ifi->ifi_flags = flags;
    rta = (struct rtattr *) (void *) ((uint8_t *) ifi + sizeof *ifi);
    rta->rta_type = IFLA_IFNAME;
    rta->rta_len = RTA_LENGTH(IFNAMSIZ);
    strcpy(RTA_DATA(rta), "vsw-u1");
    *len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void
add_type(uint8_t *buf, size_t *len, uint16_t type, size_t payload)
{
    struct nlmsghdr *nlh = (struct nlmsghdr *) (void *) (buf + *len);

    memset(nlh, 0, NLMSG_SPACE(payload));
    nlh->nlmsg_type = type;
    nlh->nlmsg_len = NLMSG_LENGTH(payload);
    *len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* Carrier is "up and lower layer up"; removal is RTM_DELLINK. */
static void
test_link_messages(void)
{
    static uint8_t buf[4096] __attribute__((aligned(4)));
    struct seen s = { 0 };
    size_t len = 0;

    add_link(buf, &len, RTM_NEWLINK, AF_UNSPEC, 7,
             IFF_UP | IFF_RUNNING | IFF_LOWER_UP);
    add_link(buf, &len, RTM_NEWLINK, AF_UNSPEC, 7, IFF_UP);
    add_link(buf, &len, RTM_NEWLINK, AF_UNSPEC, 8, IFF_LOWER_UP);
    add_link(buf, &len, RTM_DELLINK, AF_UNSPEC, 9, IFF_UP | IFF_LOWER_UP);
    CU_ASSERT_FALSE(link_watch_parse(buf, len, record, &s));
    CU_ASSERT_EQUAL_FATAL(s.n, 4);
    CU_ASSERT_EQUAL(s.ifindex[0], 7);
    CU_ASSERT_TRUE(s.carrier[0]);
    CU_ASSERT_FALSE(s.removed[0]);
    CU_ASSERT_EQUAL(s.ifindex[1], 7);
    CU_ASSERT_FALSE(s.carrier[1]);          /* Carrier lost. */
    CU_ASSERT_FALSE(s.removed[1]);
    CU_ASSERT_EQUAL(s.ifindex[2], 8);
    CU_ASSERT_FALSE(s.carrier[2]);          /* Set down by the admin. */
    CU_ASSERT_EQUAL(s.ifindex[3], 9);
    CU_ASSERT_TRUE(s.removed[3]);
}

/* What is not a device's own link message is skipped: other message
 * types, a bridge port's messages (AF_BRIDGE: an RTM_DELLINK only says it
 * left its bridge), a message too short for its header. */
static void
test_other_messages(void)
{
    static uint8_t buf[4096] __attribute__((aligned(4)));
    struct seen s = { 0 };
    size_t len = 0;

    add_type(buf, &len, RTM_NEWADDR, 16);
    add_link(buf, &len, RTM_DELLINK, AF_BRIDGE, 5, 0);
    add_link(buf, &len, RTM_NEWLINK, AF_BRIDGE, 5, 0);
    add_type(buf, &len, RTM_NEWLINK, 4);    /* Shorter than ifinfomsg. */
    add_link(buf, &len, RTM_NEWLINK, AF_UNSPEC, 6, IFF_UP);
    CU_ASSERT_FALSE(link_watch_parse(buf, len, record, &s));
    CU_ASSERT_EQUAL_FATAL(s.n, 1);
    CU_ASSERT_EQUAL(s.ifindex[0], 6);
    CU_ASSERT_FALSE(s.carrier[0]);
}

/* A dump's answers, then its end. */
static void
test_dump_end(void)
{
    static uint8_t buf[4096] __attribute__((aligned(4)));
    struct seen s = { 0 };
    size_t len = 0;

    add_link(buf, &len, RTM_NEWLINK, AF_UNSPEC, 1, IFF_UP | IFF_LOWER_UP);
    add_link(buf, &len, RTM_NEWLINK, AF_UNSPEC, 2, IFF_UP);
    add_type(buf, &len, NLMSG_DONE, sizeof(int));
    CU_ASSERT_TRUE(link_watch_parse(buf, len, record, &s));
    CU_ASSERT_EQUAL(s.n, 2);

    /* A refused request ends it too. */
    len = 0;
    add_type(buf, &len, NLMSG_ERROR, sizeof(struct nlmsgerr));
    CU_ASSERT_TRUE(link_watch_parse(buf, len, record, &s));
    CU_ASSERT_EQUAL(s.n, 2);
}

/* A message whose length runs past the buffer, or is shorter than a
 * header, ends the parse without reading beyond the buffer. */
static void
test_truncated(void)
{
    static uint8_t buf[4096] __attribute__((aligned(4)));
    struct seen s = { 0 };
    struct nlmsghdr *nlh;
    size_t len = 0, first;

    add_link(buf, &len, RTM_NEWLINK, AF_UNSPEC, 3, 0);
    first = len;
    add_link(buf, &len, RTM_NEWLINK, AF_UNSPEC, 4, 0);
    nlh = (struct nlmsghdr *) (void *) (buf + first);
    nlh->nlmsg_len = 10000;
    {
        uint8_t *copy = unit_dup(buf, len);

        CU_ASSERT_FALSE(link_watch_parse(copy, len, record, &s));
        free(copy);
    }
    CU_ASSERT_EQUAL(s.n, 1);

    nlh->nlmsg_len = 4;
    s.n = 0;
    CU_ASSERT_FALSE(link_watch_parse(buf, len, record, &s));
    CU_ASSERT_EQUAL(s.n, 1);

    s.n = 0;
    CU_ASSERT_FALSE(link_watch_parse(buf, 7, record, &s));
    CU_ASSERT_EQUAL(s.n, 0);
}

/* The thread starts on a socket of its own and stops cleanly, also after
 * a failed or no start. */
static void
test_start_stop(void)
{
    static struct link_watch lw, never;
    struct seen s = { 0 };

    CU_ASSERT_EQUAL_FATAL(link_watch_start(&lw, record, &s), 0);
    CU_ASSERT(lw.fd >= 0);
    link_watch_stop(&lw);
    CU_ASSERT_EQUAL(lw.fd, -1);
    link_watch_stop(&lw);
    link_watch_stop(&never);
}

static const CU_TestInfo tests[] = {
    { "link messages", test_link_messages },
    { "other messages skipped", test_other_messages },
    { "end of a dump", test_dump_end },
    { "truncated messages", test_truncated },
    { "start and stop", test_start_stop },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    vs_rcu_init();
    return unit_run_suite("link-watch", NULL, NULL, tests);
}
