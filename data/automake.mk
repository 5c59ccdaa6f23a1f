# The systemd unit and an example configuration, installed by make install.
systemdsystemunit_DATA = data/vswitchd.service
CLEANFILES += data/vswitchd.service
EXTRA_DIST += data/vswitchd.service.in data/vswitchd.conf.example
data/vswitchd.service: data/vswitchd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' $(srcdir)/data/vswitchd.service.in > $@

exampledir = $(docdir)/examples
dist_example_DATA = data/vswitchd.conf.example
