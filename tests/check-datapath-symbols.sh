#!/bin/sh
# Fails if a datapath object calls something the datapath may not: memory
# allocation, locks, GLib, logging (STYLE.md, "The datapath may not").
# Run by `make check` with DATAPATH_OBJS and NM set by tests/automake.mk.
set -u
: "${NM:=nm}"
status=0
checked=0
for obj in $DATAPATH_OBJS; do
    if [ ! -f "$obj" ]; then
        echo "FAIL: $obj is missing (build first)"
        exit 1
    fi
    checked=$((checked + 1))
    bad=$($NM -u "$obj" | awk '{print $NF}' |
          grep -E '^(malloc|calloc|realloc|free|strdup|pthread_mutex_.*|pthread_rwlock_.*|pthread_spin_.*|g_.*|syslog|vs_log|printf|fprintf|synchronize_rcu.*|call_rcu.*)(@.*)?$')
    if [ -n "$bad" ]; then
        echo "FAIL: $obj calls, on the datapath:" $bad
        status=1
    else
        echo "ok: $obj"
    fi
done
[ "$checked" -gt 0 ] || { echo "FAIL: no objects to check"; exit 1; }
exit $status
