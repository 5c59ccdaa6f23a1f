#!/usr/bin/env bash
# test-port-thread-full: a datapath thread serves at most 1,024 sockets (one
# per port, one per team member).  A port past that used to be attached and
# shown up, but its socket was never read: its frames were lost without a
# word.  Now it is refused with a message that says what to do, and the
# room a removed port makes takes it.
#   1,022 ports that see no frame (veths whose peers stay down) and two
#   VMs fill the one thread; a third VM's port is refused; once one of the
#   others is removed, it attaches and pings.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

CAP=1024
N=$((CAP - 2))
hard=$(ulimit -Hn)
[[ $hard == unlimited ]] || ((hard >= 2 * CAP + 256)) \
    || skip "the hard limit of open files here is $hard (< $((2 * CAP + 256)))"

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
idle_veths_add d "$N"

expect_log "(port|team) ${P}(vm3|d1|late|team): .*datapath thread 0 already serves $CAP sockets"
sw_start
ctl_ok add-br br0
attach br0 vm1
attach br0 vm2
for ((i = 1; i <= N; i++)); do
    ctl_ok add-port br0 "$(dev "d$i")"
done
log "$((N + 2)) ports added: $(sw_fds) descriptors open"

# The thread is full: the next port is refused, with the way out.
vm3=$(port_of vm3)
out=$(ctl add-port br0 "$vm3" 2>&1) \
    && fail "port $((CAP + 1)) added to a thread that serves $CAP sockets: \
$out"
[[ $out == *"datapath thread 0 already serves $CAP sockets, the most one \
thread serves (one per port, one per team member): start vswitchd with more \
--datapath-threads, or remove a port"* ]] \
    || fail "refusal of port $((CAP + 1)) does not say why: $out"
log "port $((CAP + 1)) refused: $out"
assert_eq "" "$(port_state "$vm3")" "vm3's port, refused: not added"
assert_eq "$CAP" "$(ctl metrics | awk '$1 == \
"vswitch_datapath_thread_sockets{thread=\"0\"}" {print $2}')" \
    "sockets of thread 0 in the metrics"
assert_no_ping vm3 198.18.0.1

# A port removed makes room: vm3's port, added again, attaches and pings.
ctl_ok del-port "$(dev d1)"
ctl_ok add-port br0 "$vm3"
wait_port "$vm3" up
assert_ping vm3 198.18.0.1
assert_ping vm1 198.18.0.2
# The refusal again, for a port past the cap once more.
out=$(ctl add-port br0 "$(dev d1)" 2>&1) \
    && fail "a port added to the full thread again: $out"
# A port configured before its device exists is refused when the device
# appears: it stays absent, with the message in the log.
late=$(dev late)
ctl_ok add-port br0 "$late"
ip -n "$(ns sw)" link add "$late" type veth peer name "$(dev late2)" \
    || fail "cannot create $late"
wait_for 10 grep -q "port $late: .*datapath thread 0 already serves" \
    "$VST_LOG" || fail "no refusal logged for $late, whose device appeared"
assert_eq absent "$(port_state "$late")" "$late, past the cap"
# A team member takes a socket of its team's thread too.
idle_veths_add u 2
ctl_ok add-team br0 "$(dev team)" "$(dev u1)" "$(dev u2)"
wait_for 10 grep -q "team $(dev team): $(dev u1): datapath thread 0 already \
serves" "$VST_LOG" || fail "no refusal logged for the team member"
assert_eq "absent absent" "$(ctl --json team/show "$(dev team)" \
    | json "' '.join(m['state'] for m in d['teams'][0]['members'])")" \
    "the team members' states"
# Closing a packet socket waits for a grace period of the kernel's (about
# 12 ms): the daemon closes its 2,048 sockets together, not one after
# another (24 s, past sw_signal's 10 s).
t0=$(date +%s%N)
sw_signal TERM
log "stopped in $((($(date +%s%N) - t0) / 1000000)) ms with $CAP ports"
assert_eq 0 "$SW_STATUS" "exit status"
exit 0
