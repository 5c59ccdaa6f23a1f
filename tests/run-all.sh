#!/usr/bin/env bash
# run-all.sh: every test of the project, the README's test command.
#
#   1. tests/setup.sh (packages, build);
#   2. `make check`: the unit tests (CUnit: counted per test case, from each
#      program's "Run Summary"), the fuzz targets' replays of their committed
#      inputs, and the other automake checks;
#   3. every tests/system/test-*.sh, as root (skipped otherwise), each with
#      a timeout ($VST_TIMEOUT seconds, default 120) and its own log.
#
# Prints one line per test program and a closing line
# "N passed, N failed, N skipped"; exits non-zero if anything failed.
# Logs: tests/logs/.  With arguments, runs only the system tests named
# (no unit tests):  ./tests/run-all.sh test-ping test-vlan-isolation
#
# --sanitizers[=address] (or VST_SANITIZERS=address): the same on a second
# build with AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer
# (--enable-sanitizers, in build-asan/, see tests/build-variant.sh): `make
# check` there, then the system tests against its binaries
# (VSWITCH_BUILD).  Every sanitized process of a system test (the daemon,
# vswitch-ctl) writes its reports to tests/logs/asan/sanitizers/TEST/, and
# a test that leaves a report there fails, whatever its exit status.
# Timeout default 240 s.  Logs: tests/logs/asan/.
#
# --sanitizers=thread (or VST_SANITIZERS=thread): `make check` on a build
# with ThreadSanitizer (build-tsan/), which runs the RCU reader/writer
# stress tests of tests/unit/test-mac-table under it; liburcu's own
# internals are suppressed (tests/sanitizers/tsan.supp: TSan cannot see
# its memory-barrier-based grace periods).  No system tests.  Logs:
# tests/logs/tsan/.

set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
SRCDIR=$(pwd)
MODE=${VST_SANITIZERS:-plain}
case ${1:-} in
--sanitizers|--sanitizers=address)
    MODE=address
    shift
    ;;
--sanitizers=thread)
    MODE=thread
    shift
    ;;
--sanitizers=*)
    echo "usage: $0 [--sanitizers[=address|thread]] [test-NAME...]" >&2
    exit 2
    ;;
esac
case $MODE in
plain)
    BUILD=$SRCDIR
    LOGDIR=$SRCDIR/tests/logs
    TIMEOUT=${VST_TIMEOUT:-120}
    ;;
address)
    BUILD=$SRCDIR/build-asan/obj
    LOGDIR=$SRCDIR/tests/logs/asan
    TIMEOUT=${VST_TIMEOUT:-240}
    ;;
thread)
    BUILD=$SRCDIR/build-tsan/obj
    LOGDIR=$SRCDIR/tests/logs/tsan
    TIMEOUT=${VST_TIMEOUT:-120}
    if (($#)); then
        echo "$0: --sanitizers=thread runs the unit tests only" >&2
        exit 2
    fi
    ;;
*)
    echo "$0: VST_SANITIZERS=$MODE: use address or thread" >&2
    exit 2
    ;;
esac
passed=0
failed=0
skipped=0

mkdir -p "$LOGDIR"

# show_tail FILE: the end of a log, indented, for a failure.
show_tail()
{
    [[ -s $1 ]] || return 0
    # A system test's verdict comes before the daemon's log it prints.
    grep -m 5 ': FAIL: ' "$1" | sed 's/^/    /'
    printf '    --- last lines of %s ---\n' "${1#"$SRCDIR"/}"
    tail -n "${2:-25}" "$1" | sed 's/^/    /'
}

totals()
{
    printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
}

# 1. Setup and build.
setup_failed()
{
    echo "FAIL setup: $1 failed, nothing was tested"
    failed=$((failed + 1))
    totals
    exit 1
}
bash ./tests/setup.sh || setup_failed tests/setup.sh
case $MODE in
address)
    bash ./tests/build-variant.sh build-asan --enable-sanitizers \
        || setup_failed "the ASan+UBSan build (build-asan/build.log)"
    # Reports stop the program (halt_on_error); leaks are checked at exit.
    export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:check_initialization_order=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    export VSWITCH_BUILD=$BUILD
    ;;
thread)
    bash ./tests/build-variant.sh build-tsan --enable-sanitizers=thread \
        || setup_failed "the TSan build (build-tsan/build.log)"
    # suppress_equal_addresses=0: TSan's check of an address against every
    # address it reported before (each suppressed deferred free adds one)
    # grows with the reports; thousands of ports' views, each freed on its
    # own after a grace period, made test-datapath take 18 minutes.
    # Identical stacks are still reported once.
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=7:\
suppress_equal_addresses=0:suppressions=$SRCDIR/tests/sanitizers/tsan.supp"
    # Under TSan every deferred free is a (suppressed) report whose
    # handling costs milliseconds: a stress of 2,000 read sections per
    # reader (not 100,000) against 10,000 writes keeps the pass to minutes.
    export VST_STRESS_ROUNDS=${VST_STRESS_ROUNDS:-2000}
    export VST_STRESS_OPS=${VST_STRESS_OPS:-10000}
    ;;
esac

# 2. Unit tests (not when system tests were named).
run_unit()
{
    local stamp mc unit_failed trs_files trs name log result total ran p f
    stamp=$(mktemp)
    sleep 1     # .trs files written by this run are strictly newer.
    echo "make check (log: ${LOGDIR#"$SRCDIR"/}/make-check.log)"
    make -C "$BUILD" -j"$(nproc 2>/dev/null || echo 2)" check \
        >"$LOGDIR/make-check.log" 2>&1
    mc=$?
    unit_failed=0
    mapfile -t trs_files < <(cd "$BUILD" && find . -name '*.trs' \
        -newer "$stamp" -not -path './tests/logs/*' -not -path './build-*' \
        | sort)
    for trs in "${trs_files[@]}"; do
        name=${trs#./}
        name=${name%.trs}
        log=$BUILD/${trs#./}
        log=${log%.trs}.log
        trs=$BUILD/${trs#./}
        result=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
        # CUnit's summary: "tests TOTAL RAN PASSED FAILED INACTIVE".
        read -r total ran p f < <(awk '
            /Run Summary/ { s = 1 }
            s && $1 == "tests" && NF == 6 {
                t += $2; r += $3; p += $4; f += $5
            }
            END { print t + 0, r + 0, p + 0, f + 0 }' "$log" 2>/dev/null)
        if grep -q 'Run Summary' "$log" 2>/dev/null; then
            # Tests that were due but did not run (a suite's set-up failed)
            # count as failed; so does a program that failed after its
            # summary.
            f=$((f + total - ran))
            if [[ $result != PASS && $f -eq 0 ]]; then
                f=1
            fi
            passed=$((passed + p))
            failed=$((failed + f))
            if ((f == 0)); then
                printf 'PASS %s (%d CUnit tests)\n' "$name" "$p"
            else
                printf 'FAIL %s (%d of %d CUnit tests failed)\n' "$name" "$f" \
                    "$total"
                unit_failed=$((unit_failed + 1))
                show_tail "$log" 30
            fi
            continue
        fi
        case $result in
        PASS|XFAIL)
            passed=$((passed + 1))
            printf 'PASS %s\n' "$name"
            ;;
        SKIP)
            skipped=$((skipped + 1))
            printf 'SKIP %s: %s\n' "$name" "$(tail -n 1 "$log" 2>/dev/null)"
            ;;
        *)
            failed=$((failed + 1))
            unit_failed=$((unit_failed + 1))
            printf 'FAIL %s (%s)\n' "$name" "${result:-no result}"
            show_tail "$log" 30
            ;;
        esac
    done
    if ((mc != 0 && unit_failed == 0)); then
        failed=$((failed + 1))
        printf 'FAIL make check (exit status %d)\n' "$mc"
        show_tail "$LOGDIR/make-check.log" 30
    fi
    rm -f "$stamp"
}
if (($# == 0)); then
    run_unit
fi
if [[ $MODE == thread ]]; then
    totals
    ((failed == 0))
    exit
fi

# 3. System tests.

# sweep PREFIX: removes what a test killed by the timeout could not: its
# namespaces (after stopping, by pid, whatever still runs in them) and its
# temp directory.  Only names with this run's unique prefix.
sweep()
{
    local prefix=$1 n pid
    for n in $(ip netns list 2>/dev/null | awk '{print $1}' \
               | grep "^$prefix-"); do
        for pid in $(ip netns pids "$n" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null
        done
        ip netns del "$n" 2>/dev/null \
            && printf '    removed leftover namespace %s\n' "$n"
    done
    rm -rf "/tmp/$prefix".??????
}

if (($#)); then
    tests=()
    for t in "$@"; do
        t=${t%.sh}
        tests+=("tests/system/${t#tests/system/}.sh")
    done
else
    mapfile -t tests < <(ls tests/system/test-*.sh 2>/dev/null)
fi

idx=0
digits=0123456789abcdefghijklmnopqrstuvwxyz
for t in "${tests[@]}"; do
    name=system/$(basename "$t" .sh)
    log=$LOGDIR/$(basename "$t" .sh).log
    if [[ $(id -u) -ne 0 ]]; then
        skipped=$((skipped + 1))
        printf 'SKIP %s: needs root (network namespaces); run: sudo %s\n' \
            "$name" "$0"
        continue
    fi
    if [[ ! -f $t ]]; then
        failed=$((failed + 1))
        printf 'FAIL %s: no such test\n' "$name"
        continue
    fi
    # A test that needs longer than the default says so in its first
    # lines: "# vst-timeout: SECS" (test-package builds a package).
    t_timeout=$(sed -n '1,5s/^# vst-timeout: \([0-9][0-9]*\)$/\1/p' "$t")
    if [[ -z $t_timeout ]] || ((t_timeout < TIMEOUT)); then
        t_timeout=$TIMEOUT
    fi
    # A prefix unique to this run and test: "v", this runner's pid in hex,
    # one character for the test.
    prefix=v$(printf '%x' $$)${digits:idx % 36:1}
    idx=$((idx + 1))
    san_env=()
    if [[ $MODE == address ]]; then
        # Each sanitized process writes its reports to SANDIR/asan.PID
        # (ubsan.PID); a test that leaves one fails.
        sandir=$LOGDIR/sanitizers/$(basename "$t" .sh)
        rm -rf "$sandir"
        mkdir -p "$sandir"
        san_env=(ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$sandir/asan"
                 UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$sandir/ubsan")
    fi
    start=$SECONDS
    env "${san_env[@]}" VST_PREFIX="$prefix" \
        timeout -k 10 "$t_timeout" bash "$t" </dev/null >"$log" 2>&1
    rc=$?
    secs=$((SECONDS - start))
    sweep "$prefix"
    if [[ $MODE == address && -n $(ls -A "$sandir") ]]; then
        failed=$((failed + 1))
        printf 'FAIL %s (exit status %d, %d s): sanitizer report(s) in %s\n' \
            "$name" "$rc" "$secs" "${sandir#"$SRCDIR"/}"
        for f in "$sandir"/*; do
            show_tail "$f" 30
        done
        ((rc == 0 || rc == 77)) || show_tail "$log"
        continue
    fi
    case $rc in
    0)
        passed=$((passed + 1))
        printf 'PASS %s (%d s)\n' "$name" "$secs"
        ;;
    77)
        skipped=$((skipped + 1))
        printf 'SKIP %s: %s\n' "$name" \
            "$(sed -n 's/^SKIP: //p' "$log" | tail -n 1)"
        ;;
    124|137)
        failed=$((failed + 1))
        printf 'FAIL %s: timed out after %d s\n' "$name" "$t_timeout"
        show_tail "$log"
        ;;
    *)
        failed=$((failed + 1))
        printf 'FAIL %s (exit status %d, %d s)\n' "$name" "$rc" "$secs"
        show_tail "$log"
        ;;
    esac
done

totals
((failed == 0))
