# Fuzz targets (see tests/fuzz/fuzz.h): one program per parser that reads
# untrusted bytes.  A normal build links each with tests/fuzz/driver.c and
# `make check` replays the committed inputs (seeds and regressions); a
# build configured with --enable-fuzzing (CC=clang) links them with
# libFuzzer instead, which `make fuzz` does in build-fuzz/ and then runs
# each for $(FUZZ_SECONDS) seconds (tests/fuzz/fuzz.sh).
FUZZERS = \
	tests/fuzz/fuzz-packet \
	tests/fuzz/fuzz-ctl \
	tests/fuzz/fuzz-config
FUZZ_COMPILE = $(UNIT_CFLAGS)

if FUZZING
FUZZ_MAIN =
FUZZ_LINK = -fsanitize=fuzzer
EXTRA_PROGRAMS += $(FUZZERS)
CLEANFILES += $(FUZZERS)

# What tests/fuzz/fuzz.sh builds in the libFuzzer build directory.
fuzz-programs: $(FUZZERS)
else
FUZZ_MAIN = tests/fuzz/driver.c
FUZZ_LINK =
check_PROGRAMS += $(FUZZERS)
TESTS += $(FUZZERS)

# `make fuzz FUZZ_SECONDS=N`: builds the libFuzzer targets in build-fuzz/
# and fuzzes each for N seconds, starting from the committed inputs.
FUZZ_SECONDS = 60
fuzz:
	$(SHELL) $(srcdir)/tests/fuzz/fuzz.sh $(FUZZ_SECONDS)
endif

.PHONY: fuzz fuzz-programs

tests_fuzz_fuzz_packet_SOURCES = tests/fuzz/fuzz-packet.c $(FUZZ_MAIN)
tests_fuzz_fuzz_packet_CFLAGS = $(FUZZ_COMPILE) -DFUZZ_TARGET='"packet"'
tests_fuzz_fuzz_packet_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_packet_LDADD = $(UNIT_LIBS)
tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz-ctl.c $(FUZZ_MAIN)
tests_fuzz_fuzz_ctl_CFLAGS = $(FUZZ_COMPILE) -DFUZZ_TARGET='"ctl"'
tests_fuzz_fuzz_ctl_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_ctl_LDADD = $(UNIT_LIBS)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c $(FUZZ_MAIN)
tests_fuzz_fuzz_config_CFLAGS = $(FUZZ_COMPILE) -DFUZZ_TARGET='"config"'
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_config_LDADD = $(UNIT_LIBS)

EXTRA_DIST += tests/fuzz/fuzz.h tests/fuzz/fuzz.sh tests/fuzz/README.md \
	tests/fuzz/corpus tests/fuzz/regress tests/fuzz/open \
	tests/fuzz/ctl.dict tests/fuzz/config.dict tests/fuzz/make-seeds.py
