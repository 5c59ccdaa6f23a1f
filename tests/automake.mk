# Unit tests: one CUnit program per lib/ module; they need no privileges.
UNIT_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(JSONGLIB_CFLAGS) $(URCU_CFLAGS) \
	$(LIBNL_CFLAGS) $(CUNIT_CFLAGS)
UNIT_LIBS = $(LIBVSWITCH_LIBS) $(CUNIT_LIBS)

UNIT_TESTS = \
	tests/unit/test-vlan \
	tests/unit/test-packet \
	tests/unit/test-mac-table \
	tests/unit/test-config \
	tests/unit/test-ctl-proto \
	tests/unit/test-team-map \
	tests/unit/test-team-hash \
	tests/unit/test-team-policy \
	tests/unit/test-arp \
	tests/unit/test-member-health \
	tests/unit/test-lacp \
	tests/unit/test-announce-queue \
	tests/unit/test-member-watch \
	tests/unit/test-arp-probe \
	tests/unit/test-link-watch \
	tests/unit/test-datapath \
	tests/unit/test-datapath-nomem \
	tests/unit/test-pipeline \
	tests/unit/test-dp-policy \
	tests/unit/test-dp-trace \
	tests/unit/test-port-policy \
	tests/unit/test-netdev-internal \
	tests/unit/test-sd-notify \
	tests/unit/test-libvirt-xml \
	tests/unit/test-metrics
check_PROGRAMS += $(UNIT_TESTS)
# Checks of the shape of the code: what the datapath objects call, that lib/
# includes no daemon header, that every command is in --help and the man
# page, that no C source is over 1,000 lines, that no two files call each
# other.
SHAPE_CHECKS = tests/check-datapath-symbols.sh tests/check-layers.sh \
	tests/check-ctl-commands.sh tests/check-file-sizes.sh \
	tests/check-call-cycles.sh
TESTS += $(UNIT_TESTS) $(SHAPE_CHECKS)
EXTRA_DIST += $(SHAPE_CHECKS) tests/unit/unit.h tests/unit/unit-dp.h

tests_unit_test_vlan_SOURCES = tests/unit/test-vlan.c
tests_unit_test_vlan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_vlan_LDADD = $(UNIT_LIBS)
tests_unit_test_packet_SOURCES = tests/unit/test-packet.c
tests_unit_test_packet_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_packet_LDADD = $(UNIT_LIBS)
tests_unit_test_mac_table_SOURCES = tests/unit/test-mac-table.c
tests_unit_test_mac_table_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mac_table_LDADD = $(UNIT_LIBS)
tests_unit_test_config_SOURCES = tests/unit/test-config.c
tests_unit_test_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(UNIT_LIBS)
tests_unit_test_netdev_internal_SOURCES = tests/unit/test-netdev-internal.c
tests_unit_test_netdev_internal_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_netdev_internal_LDADD = $(UNIT_LIBS)
tests_unit_test_sd_notify_SOURCES = tests/unit/test-sd-notify.c
tests_unit_test_sd_notify_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sd_notify_LDADD = $(UNIT_LIBS)
tests_unit_test_ctl_proto_SOURCES = tests/unit/test-ctl-proto.c
tests_unit_test_ctl_proto_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ctl_proto_LDADD = $(UNIT_LIBS)

tests_unit_test_team_map_SOURCES = tests/unit/test-team-map.c
tests_unit_test_team_map_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_team_map_LDADD = $(UNIT_LIBS)
tests_unit_test_team_hash_SOURCES = tests/unit/test-team-hash.c
tests_unit_test_team_hash_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_team_hash_LDADD = $(UNIT_LIBS)

tests_unit_test_arp_SOURCES = tests/unit/test-arp.c
tests_unit_test_arp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arp_LDADD = $(UNIT_LIBS)
tests_unit_test_team_policy_SOURCES = tests/unit/test-team-policy.c
tests_unit_test_team_policy_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_team_policy_LDADD = $(UNIT_LIBS)

tests_unit_test_member_health_SOURCES = tests/unit/test-member-health.c
tests_unit_test_member_health_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_member_health_LDADD = $(UNIT_LIBS)
tests_unit_test_lacp_SOURCES = tests/unit/test-lacp.c
tests_unit_test_lacp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lacp_LDADD = $(UNIT_LIBS)
tests_unit_test_announce_queue_SOURCES = tests/unit/test-announce-queue.c
tests_unit_test_announce_queue_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_announce_queue_LDADD = $(UNIT_LIBS)
tests_unit_test_member_watch_SOURCES = tests/unit/test-member-watch.c
tests_unit_test_member_watch_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_member_watch_LDADD = $(UNIT_LIBS)

tests_unit_test_arp_probe_SOURCES = tests/unit/test-arp-probe.c
tests_unit_test_arp_probe_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arp_probe_LDADD = $(UNIT_LIBS)

tests_unit_test_link_watch_SOURCES = tests/unit/test-link-watch.c
tests_unit_test_link_watch_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_link_watch_LDADD = $(UNIT_LIBS)
tests_unit_test_datapath_SOURCES = tests/unit/test-datapath.c
tests_unit_test_datapath_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_datapath_LDADD = $(UNIT_LIBS)
tests_unit_test_datapath_nomem_SOURCES = tests/unit/test-datapath-nomem.c
tests_unit_test_datapath_nomem_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_datapath_nomem_LDADD = $(UNIT_LIBS)
tests_unit_test_pipeline_SOURCES = tests/unit/test-pipeline.c
tests_unit_test_pipeline_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pipeline_LDADD = $(UNIT_LIBS)
tests_unit_test_dp_policy_SOURCES = tests/unit/test-dp-policy.c
tests_unit_test_dp_policy_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dp_policy_LDADD = $(UNIT_LIBS)
tests_unit_test_dp_trace_SOURCES = tests/unit/test-dp-trace.c
tests_unit_test_dp_trace_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dp_trace_LDADD = $(UNIT_LIBS)
tests_unit_test_port_policy_SOURCES = tests/unit/test-port-policy.c
tests_unit_test_port_policy_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_port_policy_LDADD = $(UNIT_LIBS)
tests_unit_test_metrics_SOURCES = tests/unit/test-metrics.c
tests_unit_test_metrics_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_metrics_LDADD = $(UNIT_LIBS)
tests_unit_test_libvirt_xml_SOURCES = tests/unit/test-libvirt-xml.c
tests_unit_test_libvirt_xml_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_libvirt_xml_LDADD = $(LIBVIRT_XML_LIBS) $(CUNIT_LIBS)

TESTS_ENVIRONMENT = DATAPATH_OBJS='$(DATAPATH_OBJS)' NM='$(NM)' \
	CYCLE_OBJS='$(lib_libvswitch_a_OBJECTS) $(vswitchd_vswitchd_OBJECTS)' \
	VSWITCH_CTL='$(top_builddir)/utilities/vswitch-ctl'

# System tests need root and build their own namespaces: run by
# tests/run-all.sh (the README's test command), not by plain `make check`.
EXTRA_DIST += tests/setup.sh tests/run-all.sh tests/build-variant.sh \
	tests/sanitizers tests/system tests/bench

# Microbenchmarks: built by `make bench`, not by `make` or `make check`.
EXTRA_PROGRAMS = tests/perf/perf-mac-table
CLEANFILES += $(EXTRA_PROGRAMS)
tests_perf_perf_mac_table_SOURCES = tests/perf/perf-mac-table.c
tests_perf_perf_mac_table_CFLAGS = $(UNIT_CFLAGS) -O2
tests_perf_perf_mac_table_LDADD = $(UNIT_LIBS)

include tests/fuzz/automake.mk
