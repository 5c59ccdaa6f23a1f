bin_PROGRAMS += utilities/vswitch-ctl
utilities_vswitch_ctl_SOURCES = utilities/vswitch-ctl.c
utilities_vswitch_ctl_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(JSONGLIB_CFLAGS)
utilities_vswitch_ctl_LDADD = $(LIBVSWITCH_LIBS)

EXTRA_DIST += utilities/demo.sh
