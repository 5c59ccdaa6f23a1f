# The systemd unit and an example configuration, installed by make install.
systemdsystemunit_DATA = data/vswitchd.service
CLEANFILES += data/vswitchd.service
EXTRA_DIST += data/vswitchd.service.in data/vswitchd.conf.example
data/vswitchd.service: data/vswitchd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' $(srcdir)/data/vswitchd.service.in > $@

exampledir = $(docdir)/examples
dist_example_DATA = data/vswitchd.conf.example

# The metrics timer and its service (vswitch-ctl(8), METRICS): installed,
# never enabled by make install; the operator enables the timer.
systemdsystemunit_DATA += data/vswitch-metrics.service
dist_systemdsystemunit_DATA = data/vswitch-metrics.timer
CLEANFILES += data/vswitch-metrics.service
EXTRA_DIST += data/vswitch-metrics.service.in
data/vswitch-metrics.service: data/vswitch-metrics.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && sed -e 's|@bindir[@]|$(bindir)|g' \
	    $(srcdir)/data/vswitch-metrics.service.in > $@
