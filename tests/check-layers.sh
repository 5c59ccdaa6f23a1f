#!/bin/sh
# Fails if a lib/ file includes a vswitchd/ header: layers call down only
# (STYLE.md, "Layers call down only"), so lib/ builds and is unit-tested
# without the daemon.  Run by `make check` (srcdir set by automake).
set -u
: "${srcdir:=.}"
status=0
checked=0

# The daemon's headers, by name: lib/ may not include one by any path.
daemon_headers=$(cd "$srcdir"/vswitchd && ls *.h 2>/dev/null)

for f in "$srcdir"/lib/*.c "$srcdir"/lib/*.h; do
    checked=$((checked + 1))
    includes=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]\([^">]*\)[">].*/\1/p' "$f")
    for inc in $includes; do
        base=${inc##*/}
        case "$inc" in
        vswitchd/*|*/vswitchd/*)
            echo "FAIL: ${f#"$srcdir"/} includes $inc, a vswitchd/ header"
            status=1
            continue
            ;;
        esac
        for h in $daemon_headers; do
            if [ "$base" = "$h" ] && [ ! -f "$srcdir/lib/$base" ]; then
                echo "FAIL: ${f#"$srcdir"/} includes $inc, a vswitchd/ header"
                status=1
            fi
        done
    done
done
[ "$checked" -gt 0 ] || { echo "FAIL: no lib/ files found"; exit 1; }
[ $status -eq 0 ] && echo "ok: $checked lib/ files include no vswitchd/ header"
exit $status
