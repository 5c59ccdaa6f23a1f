bin_PROGRAMS += utilities/vswitch-ctl
utilities_vswitch_ctl_SOURCES = utilities/vswitch-ctl.c
utilities_vswitch_ctl_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(JSONGLIB_CFLAGS)
utilities_vswitch_ctl_LDADD = $(LIBVSWITCH_LIBS)

EXTRA_DIST += utilities/demo.sh utilities/demo-timeline.py

# Bash completion, installed as "vswitch-ctl": bash-completion loads a
# command's completion from the file of the command's name.
EXTRA_DIST += utilities/vswitch-ctl.bash
install-data-local: install-bash-completion
install-bash-completion:
	$(MKDIR_P) '$(DESTDIR)$(bashcompletiondir)'
	$(INSTALL_DATA) $(srcdir)/utilities/vswitch-ctl.bash \
	    '$(DESTDIR)$(bashcompletiondir)/vswitch-ctl'
uninstall-local: uninstall-bash-completion
uninstall-bash-completion:
	rm -f '$(DESTDIR)$(bashcompletiondir)/vswitch-ctl'
.PHONY: install-bash-completion uninstall-bash-completion

# The libvirt qemu hook: built as a program, installed where libvirt looks
# for hooks (configure with --sysconfdir=/etc for /etc/libvirt/hooks).
# libvirt reads hooks only at its start: restart libvirtd after installing.
sbin_PROGRAMS += utilities/vswitch-libvirt-hook
utilities_vswitch_libvirt_hook_SOURCES = utilities/vswitch-libvirt-hook.c
utilities_vswitch_libvirt_hook_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) \
	$(JSONGLIB_CFLAGS)
utilities_vswitch_libvirt_hook_LDADD = $(LIBVIRT_XML_LIBS)
libvirthookdir = $(sysconfdir)/libvirt/hooks/qemu.d

install-exec-hook: install-libvirt-hook
install-libvirt-hook:
	$(MKDIR_P) '$(DESTDIR)$(libvirthookdir)'
	$(INSTALL_PROGRAM) utilities/vswitch-libvirt-hook \
	    '$(DESTDIR)$(libvirthookdir)/vswitch'
uninstall-local: uninstall-libvirt-hook
uninstall-libvirt-hook:
	rm -f '$(DESTDIR)$(libvirthookdir)/vswitch'
.PHONY: install-libvirt-hook uninstall-libvirt-hook

# The libvirt event agent (vswitch-libvirt-agent(8)) and its systemd unit.
sbin_PROGRAMS += utilities/vswitch-libvirt-agent
utilities_vswitch_libvirt_agent_SOURCES = \
	utilities/vswitch-libvirt-agent.c utilities/libvirt-agent.h \
	utilities/libvirt-agent-daemon.c utilities/libvirt-agent-script.c
utilities_vswitch_libvirt_agent_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) \
	$(JSONGLIB_CFLAGS) $(LIBVIRT_CFLAGS)
utilities_vswitch_libvirt_agent_LDADD = $(LIBVIRT_XML_LIBS) $(LIBVIRT_LIBS)

agentunitdir = $(systemdsystemunitdir)
agentunit_DATA = utilities/vswitch-libvirt-agent.service
CLEANFILES += utilities/vswitch-libvirt-agent.service
EXTRA_DIST += utilities/vswitch-libvirt-agent.service.in
utilities/vswitch-libvirt-agent.service: \
		utilities/vswitch-libvirt-agent.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) utilities && sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@runstatedir[@]|$(runstatedir)|g' \
	    $(srcdir)/utilities/vswitch-libvirt-agent.service.in > $@
