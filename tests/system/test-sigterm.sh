#!/usr/bin/env bash
# test-sigterm: SIGTERM and SIGINT shut the daemon down cleanly: exit status
# 0, control socket and pidfile removed, ports released (no longer in
# promiscuous mode); a start after that restores the ports.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24

promiscuity()
{
    ip -d -n "$(ns sw)" link show dev "$1" \
        | sed -n 's/.* promiscuity \([0-9]*\) .*/\1/p'
}

for sig in TERM INT; do
    sw_start
    if [[ $sig == TERM ]]; then
        ctl_ok add-br br0
        attach br0 vm1 vlan=10
        attach br0 vm2 vlan=10
    else
        wait_port "$(port_of vm1)" up
        wait_port "$(port_of vm2)" up
    fi
    assert_ping vm1 198.18.0.2
    assert_eq "$VST_DAEMON_PID" "$(cat "$VST_PIDFILE" 2>/dev/null)" \
        "pid in the pidfile"
    [[ -S $VST_SOCK ]] || fail "no control socket at $VST_SOCK"
    assert_cmp "$(promiscuity "$(port_of vm1)")" -ge 1 \
        "promiscuity of vm1's port while attached"

    sw_signal "$sig"
    assert_eq 0 "$SW_STATUS" "exit status after SIG$sig"
    [[ ! -e $VST_SOCK ]] || fail "control socket still there after SIG$sig"
    [[ ! -e $VST_PIDFILE ]] || fail "pidfile still there after SIG$sig"
    assert_eq 0 "$(promiscuity "$(port_of vm1)")" \
        "promiscuity of vm1's port after SIG$sig"
    assert_no_ping vm1 198.18.0.2
done
exit 0
