#!/usr/bin/env bash
# fuzz.sh: `make fuzz`.  Builds the fuzz targets with libFuzzer, ASan and
# UBSan (clang) in build-fuzz/ and fuzzes each for SECONDS.
#
#   tests/fuzz/fuzz.sh [SECONDS [TARGET...]]     (default 60, every target)
#
# Each target starts from its committed inputs (tests/fuzz/corpus/T/ and
# tests/fuzz/regress/T/, read only) and keeps what it learns in
# build-fuzz/corpus/T/, so that the next run goes on from there.  A crash
# (or a failed check) stops that target; the input is saved in
# build-fuzz/crashes/T/ and the message says how to replay it and keep it
# as a regression input.  Inputs in tests/fuzz/open/ (known, unfixed bugs)
# are not used.
#
# Prints one line per target and "N passed, N failed, N skipped"; exits
# non-zero if a target found a crash.  Logs: build-fuzz/T.log.

set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
SRCDIR=$(pwd)
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(packet ctl config)
B=$SRCDIR/build-fuzz
passed=0
failed=0
skipped=0

totals()
{
    printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" \
        "$skipped"
}

if ! [[ $SECONDS_EACH =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz: FUZZ_SECONDS must be a positive number of seconds" >&2
    exit 2
fi

# clang with libFuzzer: the Debian packages clang and libclang-rt-14-dev
# (tests/setup.sh --fuzz installs them).
if ! command -v clang >/dev/null 2>&1 \
    || ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null \
        | grep -q 'install ok installed'; then
    if ! bash tests/setup.sh --fuzz; then
        echo "SKIP fuzz: clang and libFuzzer are not installed (as root:" \
             "tests/setup.sh --fuzz)"
        skipped=${#TARGETS[@]}
        totals
        exit 0
    fi
fi

mkdir -p "$B"
if ! bash tests/build-variant.sh "$B" CC=clang --enable-fuzzing \
        -- fuzz-programs; then
    echo "FAIL fuzz: the libFuzzer build failed (log: build-fuzz/build.log)"
    failed=1
    totals
    exit 1
fi

for t in "${TARGETS[@]}"; do
    prog=$B/obj/tests/fuzz/fuzz-$t
    log=$B/$t.log
    dirs=()
    if [[ ! -x $prog ]]; then
        printf 'FAIL fuzz/%s: no such target\n' "$t"
        failed=$((failed + 1))
        continue
    fi
    mkdir -p "$B/corpus/$t" "$B/crashes/$t"
    for d in "tests/fuzz/corpus/$t" "tests/fuzz/regress/$t"; do
        [[ -d $d ]] && dirs+=("$SRCDIR/$d")
    done
    opts=(-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048
          -print_final_stats=1 -artifact_prefix="$B/crashes/$t/")
    [[ -f tests/fuzz/$t.dict ]] && opts+=(-dict="$SRCDIR/tests/fuzz/$t.dict")
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$prog" "${opts[@]}" "$B/corpus/$t" "${dirs[@]}" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corpus=$(find "$B/corpus/$t" -type f | wc -l)
    if ((rc == 0)); then
        passed=$((passed + 1))
        printf 'PASS fuzz/%s (%s s, %s runs, coverage %s, corpus %s)\n' \
            "$t" "$SECONDS_EACH" "${runs:-?}" "${cov:-?}" "$corpus"
    else
        failed=$((failed + 1))
        crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" \
                | tail -1)
        printf 'FAIL fuzz/%s (exit status %d): log build-fuzz/%s.log\n' \
            "$t" "$rc" "$t"
        grep -m 3 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|fuzz check failed' \
            "$log" | sed 's/^/    /'
        if [[ -n $crash ]]; then
            printf '    input: %s\n' "${crash#"$SRCDIR"/}"
            printf '    replay: tests/fuzz/fuzz-%s %s\n' "$t" \
                "${crash#"$SRCDIR"/}"
            printf '    keep it: tests/fuzz/open/%s/ until fixed, then' "$t"
            printf ' tests/fuzz/regress/%s/\n' "$t"
        fi
    fi
done

totals
((failed == 0))
