# The benchmark (included from the top Makefile.am): our switch, the Linux
# kernel bridge and Open vSwitch's userspace datapath side by side, on one
# topology of network namespaces, in the same run.  It needs root, iperf3,
# ethtool, and for the peers and the chart Debian's openvswitch-switch and
# python3-matplotlib.  Results: a table on stdout, results/bench-DATE.json
# and results/bench-DATE.png in the build tree.
#
#   make bench              full run (4 rounds of 10 s runs, about 15 min)
#   make bench QUICK=1      short run (2 rounds of 3 s runs, under 5 min)
#
# See the head of tests/bench/bench.sh for the other settings.
EXTRA_DIST += tests/bench/bench.mk tests/bench/bench.sh \
	tests/bench/bench-report.py tests/bench/udp-flood.c

.PHONY: bench
bench: all
	BUILD='$(abs_top_builddir)' QUICK='$(QUICK)' CC='$(CC)' \
	  $(top_srcdir)/tests/bench/bench.sh
