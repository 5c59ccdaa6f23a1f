dist_man_MANS += man/vswitchd.8 man/vswitch-ctl.8 man/vswitchd.conf.5 \
	man/vswitch-libvirt-hook.8
dist_man_MANS += man/vswitch-libvirt-agent.8
