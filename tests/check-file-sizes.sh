#!/bin/sh
# Fails if a C source file of the switch (lib/, vswitchd/, utilities/; the
# tests are excepted) is over 1,000 lines, and lists each such file: a file
# that big holds several concerns and is split by concern (STYLE.md,
# "Files stay small"), or has a line over 79 columns (the house style).
# Run by `make check` (srcdir set by automake).
set -u
: "${srcdir:=.}"
: "${MAX_LINES:=1000}"
status=0
checked=0
for f in "$srcdir"/lib/*.[ch] "$srcdir"/vswitchd/*.[ch] \
         "$srcdir"/utilities/*.[ch]; do
    [ -f "$f" ] || continue
    checked=$((checked + 1))
    n=$(wc -l < "$f")
    if [ "$n" -gt "$MAX_LINES" ]; then
        echo "FAIL: ${f#"$srcdir"/} has $n lines, more than $MAX_LINES:" \
             "split it by concern"
        status=1
    fi
    long=$(awk 'length > 79 { printf " %d", FNR }' "$f")
    if [ -n "$long" ]; then
        echo "FAIL: ${f#"$srcdir"/} has lines over 79 columns:$long"
        status=1
    fi
done
[ "$checked" -gt 0 ] || { echo "FAIL: no C sources found"; exit 1; }
[ $status -eq 0 ] && echo "ok: $checked C sources, none over $MAX_LINES lines or 79 columns"
exit $status
