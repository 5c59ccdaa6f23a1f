#!/usr/bin/env bash
# build-variant.sh: builds this tree a second way, in a directory of its
# own, without touching the normal in-tree build.
#
#   tests/build-variant.sh DIR [CONFIGURE-ARGS...] [-- MAKE-TARGETS...]
#
# e.g. tests/build-variant.sh build-asan --enable-sanitizers
#      tests/build-variant.sh build-fuzz CC=clang --enable-fuzzing \
#          -- fuzz-programs
#
# The tree itself is configured and built in place (tests/setup.sh), and
# automake refuses a second, out-of-tree build of a configured source
# directory (make would take the in-tree objects for its own).  So the
# variant builds from a clean copy of the sources: `make distdir` copies
# what the release tarball holds (timestamps kept, so that rebuilds are
# incremental) into DIR/src, and DIR/obj is an out-of-tree build of that
# copy, configured with CONFIGURE-ARGS (again whenever they change).
# Binaries land in DIR/obj as they do in the tree (DIR/obj/vswitchd/
# vswitchd...), so VSWITCH_BUILD=DIR/obj points the system tests at them.
#
# Output: a line or two; details in DIR/build.log.  Exits non-zero, with
# the end of the log, if a step fails.

set -euo pipefail

cd "$(dirname "$0")/.."
SRCDIR=$(pwd)

if (($# < 1)); then
    echo "usage: $0 DIR [CONFIGURE-ARGS...] [-- MAKE-TARGETS...]" >&2
    exit 2
fi
DIR=$1
shift
[[ $DIR == /* ]] || DIR=$SRCDIR/$DIR
CONF_ARGS=()
while (($#)) && [[ $1 != -- ]]; do
    CONF_ARGS+=("$1")
    shift
done
(($#)) && shift
TARGETS=("$@")
LOG=$DIR/build.log
jobs=$(nproc 2>/dev/null || echo 2)

mkdir -p "$DIR/obj"
: >"$LOG"

die()
{
    printf 'build-variant: error: %s (log: %s)\n' "$*" "$LOG" >&2
    tail -n 30 "$LOG" >&2
    exit 1
}

# The copy of the sources.  The tree must be configured for `make
# distdir`: tests/setup.sh does it.
if [[ ! -f Makefile ]]; then
    bash tests/setup.sh >>"$LOG" 2>&1 || die "tests/setup.sh failed"
fi
make distdir distdir="$DIR/src" >>"$LOG" 2>&1 \
    || die "make distdir failed: a file the build needs is not listed \
in EXTRA_DIST or a _SOURCES variable"

# Configure, again when the arguments changed.
args_file=$DIR/obj/.configure-args
want=$(printf '%q ' "${CONF_ARGS[@]}")
if [[ ! -f $DIR/obj/Makefile || ! -f $args_file \
      || $(cat "$args_file") != "$want" ]]; then
    printf 'build-variant: configuring %s: %s\n' "${DIR#"$SRCDIR"/}" "$want"
    rm -f "$args_file"
    (cd "$DIR/obj" && "$DIR/src/configure" "${CONF_ARGS[@]}") \
        >>"$LOG" 2>&1 || die "configure ${CONF_ARGS[*]} failed"
    printf '%s' "$want" >"$args_file"
fi

printf 'build-variant: make -j%s %s in %s\n' "$jobs" "${TARGETS[*]:-all}" \
    "${DIR#"$SRCDIR"/}/obj"
make -C "$DIR/obj" -j"$jobs" "${TARGETS[@]}" >>"$LOG" 2>&1 \
    || die "make ${TARGETS[*]} failed"
