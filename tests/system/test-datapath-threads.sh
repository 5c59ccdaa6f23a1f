#!/usr/bin/env bash
# test-datapath-threads: with --datapath-threads=2 the ports are shared out
# between two threads (by port number), and frames cross from one thread's
# ports to the other's: three VMs, on both threads, reach each other.  The
# threads are named, as top -H and ps -L show them (vswitchd(8)).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24 2001:db8::1/64
vm_add vm2 198.18.0.2/24 2001:db8::2/64
vm_add vm3 198.18.0.3/24 2001:db8::3/64
sw_start --datapath-threads=2
ctl_ok add-br br0
attach br0 vm1
attach br0 vm2
attach br0 vm3

# Ports 1 and 3 are on one thread, port 2 on the other.
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.3
assert_ping vm3 198.18.0.1
assert_ping vm1 2001:db8::3
assert_ping vm2 2001:db8::1

# Ports 1 and 3 are thread 1's, port 2 thread 0's (port number modulo 2).
socks=$(ctl metrics | awk '$1 ~ /^vswitch_datapath_thread_sockets\{/ \
{print $1 "=" $2}' | sort | tr '\n' ' ')
fam=vswitch_datapath_thread_sockets
assert_eq "$fam{thread=\"0\"}=1 $fam{thread=\"1\"}=2 " "$socks" \
    "sockets each thread reads"

names=$(cat /proc/"$VST_DAEMON_PID"/task/*/comm | sort | tr '\n' ' ')
log "threads: $names"
for name in vswitchd datapath0 datapath1 link-watch rcu-free; do
    [[ " $names" == *" $name "* ]] \
        || fail "no thread named $name among the daemon's: $names"
done
[[ " $names" == *" datapath2 "* ]] && fail "a third datapath thread: $names"
sw_signal TERM
assert_eq 0 "$SW_STATUS" "exit status"
exit 0
