# The benchmark (included from the top Makefile.am): our switch, the Linux
# kernel bridge and Open vSwitch's userspace datapath side by side, on one
# topology of network namespaces, in the same run.  It needs root, iperf3,
# ethtool, and for the peers and the chart Debian's openvswitch-switch and
# python3-matplotlib.  Results: a table on stdout, results/bench-DATE.json
# and results/bench-DATE.png in the build tree.
#
#   make bench              full run (4 rounds of 10 s runs and the scale
#                           figures, about 30 min)
#   make bench QUICK=1      short run (2 rounds of 3 s runs, about 7 min)
#
# See the head of tests/bench/bench.sh for the other settings.
EXTRA_DIST += tests/bench/bench.mk tests/bench/bench.sh tests/bench/bench-deps.sh \
	tests/bench/bench-report.py tests/bench/udp-flood.c

.PHONY: bench
# Installs what it needs, runs the switches side by side, then the MAC table
# microbenchmark (tests/perf/perf-mac-table), whose output goes next to the
# JSON and the chart.
bench: all tests/perf/perf-mac-table
	$(top_srcdir)/tests/bench/bench-deps.sh
	BUILD='$(abs_top_builddir)' QUICK='$(QUICK)' CC='$(CC)' \
	  $(top_srcdir)/tests/bench/bench.sh
	@mkdir -p results
	@echo "MAC table microbenchmark (tests/perf/perf-mac-table):"
	d=1; test -z '$(QUICK)' || d=0.3; \
	  tests/perf/perf-mac-table -d $$d \
	  | tee results/perf-mac-table-$$(date +%Y%m%d-%H%M%S).txt
