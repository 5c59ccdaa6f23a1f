bin_PROGRAMS += utilities/vswitch-ctl
utilities_vswitch_ctl_SOURCES = utilities/vswitch-ctl.c
utilities_vswitch_ctl_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(JSONGLIB_CFLAGS)
utilities_vswitch_ctl_LDADD = $(LIBVSWITCH_LIBS)

EXTRA_DIST += utilities/demo.sh

# The libvirt event agent (vswitch-libvirt-agent(8)) and its systemd unit.
sbin_PROGRAMS += utilities/vswitch-libvirt-agent
utilities_vswitch_libvirt_agent_SOURCES = utilities/vswitch-libvirt-agent.c
utilities_vswitch_libvirt_agent_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) \
	$(JSONGLIB_CFLAGS) $(LIBVIRT_CFLAGS)
utilities_vswitch_libvirt_agent_LDADD = lib/libvswitch-libvirt.a \
	$(LIBVSWITCH_LIBS) $(XML_LIBS) $(LIBVIRT_LIBS)

agentunitdir = $(systemdsystemunitdir)
agentunit_DATA = utilities/vswitch-libvirt-agent.service
CLEANFILES += utilities/vswitch-libvirt-agent.service
EXTRA_DIST += utilities/vswitch-libvirt-agent.service.in
utilities/vswitch-libvirt-agent.service: \
		utilities/vswitch-libvirt-agent.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) utilities && sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@runstatedir[@]|$(runstatedir)|g' \
	    $(srcdir)/utilities/vswitch-libvirt-agent.service.in > $@
