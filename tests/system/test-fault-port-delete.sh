#!/usr/bin/env bash
# test-fault-port-delete: a VM's device deleted and re-created under
# traffic CYCLES times (default 1000).  vm1 pings vm2 every 2 ms, so frames
# keep coming for vm2's port while its device goes, and vm3 pings vm1
# every 10 ms, a flow that has nothing to do with vm2.  Each cycle deletes
# vm2's port device (the veth pair), waits until the switch shows the port
# "absent", re-creates the device with the same name and waits until the
# switch has attached it again ("up").  Afterwards:
#   - the daemon still runs, with exactly the file descriptors it had at
#     cycle 10 and a resident memory (VmRSS) at most MAX_RSS_GROWTH_KB
#     (default 1024) above it: a leak of 1 KiB per cycle (a ring, a socket
#     buffer, a port name) would be 1 MiB, one of 100 bytes still ~100 KiB
#     while the allocator's noise between two quiet moments is some tens
#     of KiB;
#   - each "absent" and each re-attachment was seen within MAX_SECS
#     (default 2) of the deletion or re-creation;
#   - vm2's port is up with its settings, pings between vm1 and vm2 pass,
#     and vm3's unrelated flow lost at most MAX_OTHER_LOSS percent
#     (default 1).
# Prints the fds and rss at cycles 10 and CYCLES, the slowest detection
# and re-attachment, and the pings' counts.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

CYCLES=${CYCLES:-1000}
MAX_RSS_GROWTH_KB=${MAX_RSS_GROWTH_KB:-1024}
MAX_SECS=${MAX_SECS:-2}
MAX_OTHER_LOSS=${MAX_OTHER_LOSS:-1}

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
sw_start
ctl_ok add-br br0
for vm in vm1 vm2 vm3; do
    attach br0 "$vm" vlan=10
done
P2=$(port_of vm2)
G2=$(dev_of vm2)
NS2=$(ns vm2)
SW=$(ns sw)
# Permanent neighbours: no ARP is needed after a re-creation.
vm_neigh vm1 198.18.0.2 "$(vm_mac vm2)"
vm_neigh vm2 198.18.0.1 "$(vm_mac vm1)"
vm_neigh vm3 198.18.0.1 "$(vm_mac vm1)"
vm_neigh vm1 198.18.0.3 "$(vm_mac vm3)"
assert_ping vm1 198.18.0.2
assert_ping vm3 198.18.0.1

# vm2's device as vm_plug makes it, in two ip commands (the cycles are
# many): the veth with the VM's MAC, then address, neighbour and link up.
replug()
{
    ip -n "$SW" link add "$P2" type veth peer name "$G2" address \
        "$(vm_mac vm2)" netns "$NS2" || fail "cannot re-create $P2"
    ip -n "$NS2" -batch - <<EOF || fail "cannot set up $G2"
addr add 198.18.0.2/24 dev $G2
neigh replace 198.18.0.1 lladdr $(vm_mac vm1) nud permanent dev $G2
link set $G2 up
EOF
}

# wait_state STATE: waits (polling `show`, 5 ms apart) until vm2's port
# shows STATE, at most MAX_SECS; sets WAITED_US.
wait_state()
{
    local t0=${EPOCHREALTIME/./} limit
    limit=$((t0 + MAX_SECS * 1000000))
    while ! ctl show | grep -qE "port $P2: .*, $1\$"; do
        if ((${EPOCHREALTIME/./} > limit)); then
            fail "cycle $cycle: port $P2 is not $1 within $MAX_SECS s: \
$(ctl show | grep "port $P2:")"
        fi
        sleep 0.005
    done
    WAITED_US=$((${EPOCHREALTIME/./} - t0))
}

PING_SECS=150
bg_ns vm1 "$VST_TMP/vm1.ping" timeout "$PING_SECS" ping -n -q -i 0.002 \
    -W 1 198.18.0.2
PING1=$BG_PID
bg_ns vm3 "$VST_TMP/vm3.ping" timeout "$PING_SECS" ping -n -q -i 0.01 \
    -W 1 198.18.0.1
PING3=$BG_PID
PID0=$VST_DAEMON_PID

worst_gone=0
worst_back=0
start=$SECONDS
for ((cycle = 1; cycle <= CYCLES; cycle++)); do
    ip -n "$SW" link del "$P2" || fail "cycle $cycle: cannot delete $P2"
    wait_state absent
    ((WAITED_US > worst_gone)) && worst_gone=$WAITED_US
    replug
    wait_state up
    ((WAITED_US > worst_back)) && worst_back=$WAITED_US
    if ((cycle == 10)); then
        sleep 0.5
        FDS10=$(sw_fds)
        RSS10=$(sw_rss_kb)
    fi
done
log "$CYCLES cycles in $((SECONDS - start)) s; slowest: absent after \
$((worst_gone / 1000)) ms, up again after $((worst_back / 1000)) ms"
kill -0 "$VST_DAEMON_PID" 2>/dev/null || fail "vswitchd died"
assert_eq "$PID0" "$VST_DAEMON_PID" "daemon pid"
sleep 0.5
FDS1=$(sw_fds)
RSS1=$(sw_rss_kb)
log "fds: cycle 10 $FDS10, cycle $CYCLES $FDS1"
log "rss: cycle 10 $RSS10 KiB, cycle $CYCLES $RSS1 KiB ($((RSS1 - RSS10)) \
KiB)"

log "vm1 -> vm2 (the port deleted): $(ping_stop "$PING1" \
    "$VST_TMP/vm1.ping")"
other=$(ping_stop "$PING3" "$VST_TMP/vm3.ping")
log "vm3 -> vm1 (unrelated): $other"
read -r sent recv < <(printf '%s\n' "$other" \
    | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p')
[[ -n ${sent:-} && $sent -gt 0 ]] || fail "no count from vm3's ping"

assert_eq "$FDS10" "$FDS1" "the daemon's open file descriptors"
assert_rss_growth "$RSS10" "$RSS1" "$MAX_RSS_GROWTH_KB"
assert_cmp "$((sent - recv))" -le "$((sent * MAX_OTHER_LOSS / 100))" \
    "echo requests of vm3 lost (at most $MAX_OTHER_LOSS% of $sent)"
assert_eq "up access 10" "$(ctl --json show | json "next('%s %s %d' % (
    p['state'], p['mode'], p['vlan']) for b in d['bridges']
    for p in b['ports'] if p['name'] == '$P2')")" "vm2's port at the end"
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1
assert_ping vm3 198.18.0.1
exit 0
