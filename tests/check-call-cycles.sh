#!/bin/sh
# Fails if two object files of the switch call each other: a file that
# calls another is a layer above it, and layers call down only (STYLE.md).
# Checks every pair among lib/'s objects and among vswitchd/'s (lib/ may
# not call vswitchd/ at all: check-layers.sh).  Run by `make check` with
# CYCLE_OBJS and NM set by tests/automake.mk.
set -u
: "${NM:=nm}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
for obj in $CYCLE_OBJS; do
    if [ ! -f "$obj" ]; then
        echo "FAIL: $obj is missing (build first)"
        exit 1
    fi
    n=$((n + 1))
    # "D obj symbol" for what it defines, "U obj symbol" for what it uses.
    $NM -g --defined-only "$obj" | awk -v o="$obj" 'NF == 3 { print "D", o, $3 }'
    $NM -u "$obj" | awk -v o="$obj" '{ print "U", o, $NF }'
done > "$tmp/syms"
[ "$n" -gt 1 ] || { echo "FAIL: no objects to check"; exit 1; }

# Edges "user definer symbol", then pairs with an edge both ways.
awk 'NR == FNR { if ($1 == "D") def[$3] = $2; next }
     $1 == "U" && ($3 in def) { print $2, def[$3], $3 }' "$tmp/syms" \
    "$tmp/syms" | sort -u > "$tmp/edges"
awk '{ key = $1 " " $2; if (!(key in first)) first[key] = $3 }
     END { for (k in first) { split(k, p, " ");
                              back = p[2] " " p[1];
                              if ((back in first) && p[1] < p[2])
                                  print "FAIL: " p[1] " and " p[2] \
                                        " call each other (" first[k] \
                                        ", " first[back] ")" } }' \
    "$tmp/edges" > "$tmp/cycles"
if [ -s "$tmp/cycles" ]; then
    cat "$tmp/cycles"
    exit 1
fi
echo "ok: $n objects, no two call each other"
exit 0
