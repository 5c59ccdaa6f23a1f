sbin_PROGRAMS += vswitchd/vswitchd
vswitchd_vswitchd_SOURCES = \
	vswitchd/vswitchd.c \
	vswitchd/bridge.c vswitchd/bridge.h vswitchd/bridge-private.h \
	vswitchd/bridge-cmd.c vswitchd/bridge-policy.c \
	vswitchd/team.c vswitchd/team.h vswitchd/team-private.h \
	vswitchd/team-base.c vswitchd/team-publish.c \
	vswitchd/team-member.c vswitchd/team-lacp.c vswitchd/team-announce.c \
	vswitchd/team-cmd.c vswitchd/team-show.c \
	vswitchd/metrics-cmd.c vswitchd/metrics-cmd.h \
	vswitchd/trace-cmd.c vswitchd/trace-cmd.h \
	vswitchd/port-kind.h vswitchd/port-kinds.c \
	vswitchd/port-kind-internal.c vswitchd/port-kind-internal.h
vswitchd_vswitchd_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(JSONGLIB_CFLAGS) \
	$(LIBNL_CFLAGS) $(URCU_CFLAGS)
vswitchd_vswitchd_LDADD = $(LIBVSWITCH_LIBS)
