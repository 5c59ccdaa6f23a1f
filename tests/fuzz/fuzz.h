/* fuzz: what the fuzz targets in tests/fuzz/ share.
 *
 * Each target, tests/fuzz/fuzz-NAME.c, defines the libFuzzer entry point
 * LLVMFuzzerTestOneInput(), which feeds one input to a parser and checks
 * what came out with FUZZ_CHECK().  The same source is linked two ways:
 *
 *   - with clang's -fsanitize=fuzzer (and ASan, UBSan) by `make fuzz`, in
 *     its own build directory, where libFuzzer supplies main() and mutates
 *     the inputs;
 *   - with tests/fuzz/driver.c by the normal build, where main() replays
 *     the committed inputs (tests/fuzz/corpus/NAME/, the seeds, and
 *     tests/fuzz/regress/NAME/, every crash ever found) once each, so that
 *     `make check` catches a regression without clang.
 *
 * An input that makes a check fail or crashes is a bug: FUZZ_CHECK() names
 * the broken property and aborts, which both libFuzzer and the driver
 * report as a failure. */
#ifndef VSWITCH_TESTS_FUZZ_H
#define VSWITCH_TESTS_FUZZ_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with the property that failed, where. */
#define FUZZ_CHECK(COND)                                                  \
    do {                                                                  \
        if (!(COND)) {                                                    \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__,   \
                    __LINE__, #COND);                                     \
            abort();                                                      \
        }                                                                 \
    } while (0)

#endif /* fuzz.h */
