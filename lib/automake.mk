# libvswitch: every part of the switch, linked by the daemon, the command
# line, the hook and the tests.  Datapath modules first, then control modules.
noinst_LIBRARIES += lib/libvswitch.a
lib_libvswitch_a_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(JSONGLIB_CFLAGS) \
	$(LIBNL_CFLAGS) $(URCU_CFLAGS)
lib_libvswitch_a_SOURCES = \
	lib/util.c lib/util.h \
	lib/rcu.c lib/rcu.h \
	lib/vlan.c lib/vlan.h \
	lib/packet.c lib/packet.h \
	lib/arp.c lib/arp.h \
	lib/mac-table.c lib/mac-table.h \
	lib/team-hash.c lib/team-hash.h \
	lib/team-policy.c lib/team-policy.h \
	lib/team-policy-src-port.c lib/team-policy-src-mac.c \
	lib/team-policy-hash.c lib/team-policy-active-backup.c \
	lib/team-map.c lib/team-map.h \
	lib/member-health.c lib/member-health.h \
	lib/lacp.c lib/lacp.h \
	lib/announce-queue.c lib/announce-queue.h \
	lib/member-watch.c lib/member-watch.h \
	lib/member-watch-carrier.c lib/member-watch-arp.c \
	lib/member-watch-lacp.c \
	lib/netdev-packet.c lib/netdev-packet.h \
	lib/netdev-memory.c lib/netdev-memory.h \
	lib/datapath.c lib/datapath.h lib/datapath-private.h \
	lib/dp-pipeline.h lib/dp-thread.c lib/dp-sockets.c lib/dp-fdb.c \
	lib/dp-policy.c \
	lib/dp-devices.c lib/dp-grave.c lib/dp-memory.c lib/dp-team.c lib/dp-trace.c lib/dp-trace.h \
	lib/dp-view.c \
	lib/trace-frame.c lib/trace-frame.h \
	lib/link-watch.c lib/link-watch.h \
	lib/log.c lib/log.h \
	lib/sd-notify.c lib/sd-notify.h \
	lib/config.c lib/config.h lib/config-private.h lib/config-port.c \
	lib/config-team.c lib/config-validate.c lib/config-file.c \
	lib/config-txn.c lib/config-txn.h \
	lib/ctl-proto.c lib/ctl-proto.h \
	lib/ctl-command.c lib/ctl-command.h lib/ctl-catalog.c \
	lib/ctl-server.c lib/ctl-server.h \
	lib/ctl-util.c lib/ctl-util.h \
	lib/ctl-client.c lib/ctl-client.h \
	lib/netlink-monitor.c lib/netlink-monitor.h \
	lib/netdev-internal.c lib/netdev-internal.h \
	lib/arp-probe.c lib/arp-probe.h \
	lib/port-policy.c lib/port-policy.h \
	lib/metrics.c lib/metrics.h

# The datapath objects: checked by tests/check-datapath-symbols.sh so that no
# allocation, lock, GLib call or logging sneaks onto the per-frame path.
DATAPATH_OBJS = lib/libvswitch_a-packet.o lib/libvswitch_a-vlan.o \
	lib/libvswitch_a-arp.o \
	lib/libvswitch_a-dp-thread.o lib/libvswitch_a-dp-sockets.o \
	lib/libvswitch_a-dp-fdb.o \
	lib/libvswitch_a-dp-policy.o \
	lib/libvswitch_a-team-hash.o \
	lib/libvswitch_a-link-watch.o lib/libvswitch_a-team-policy.o \
	lib/libvswitch_a-team-policy-src-port.o \
	lib/libvswitch_a-team-policy-src-mac.o \
	lib/libvswitch_a-team-policy-hash.o \
	lib/libvswitch_a-team-policy-active-backup.o

LIBVSWITCH_LIBS = lib/libvswitch.a $(GLIB_LIBS) $(JSONGLIB_LIBS) \
	$(LIBNL_LIBS) $(URCU_LIBS) -lpthread

# libvswitch-libvirt: the libvirt domain XML reader, the only libxml2 user,
# apart so that the daemon does not link libxml2.  For the hook and tests.
noinst_LIBRARIES += lib/libvswitch-libvirt.a
lib_libvswitch_libvirt_a_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(XML_CFLAGS)
lib_libvswitch_libvirt_a_SOURCES = lib/libvirt-xml.c lib/libvirt-xml.h
LIBVIRT_XML_LIBS = lib/libvswitch-libvirt.a $(XML_LIBS) $(LIBVSWITCH_LIBS)
