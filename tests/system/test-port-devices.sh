#!/usr/bin/env bash
# test-port-devices: add-port refuses devices that cannot be ports (issue 7,
# hole 14): the loopback device, a Linux bridge, and a device already
# enslaved to a Linux bridge; each with a message that names the device and
# the way out, and nothing changed.  An ordinary veth is still accepted.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
kbr=$(dev kbr)
slave=$(dev ks)
ip -n "$(ns sw)" link add "$kbr" type bridge || fail "cannot create $kbr"
ip -n "$(ns sw)" link add "$slave" type veth peer name "$(dev kp)" \
    || fail "cannot create $slave"
ip -n "$(ns sw)" link set "$slave" master "$kbr" \
    || fail "cannot enslave $slave to $kbr"

sw_start
ctl_ok add-br br0

# refused IFACE WORDS: add-port br0 IFACE must fail with status 1 and a
# message containing WORDS, and leave br0 without ports.
refused()
{
    local err rc
    err=$(ctl add-port br0 "$1" 2>&1)
    rc=$?
    assert_eq 1 "$rc" "exit status of add-port br0 $1"
    [[ $err == *"$2"* ]] || fail "add-port br0 $1: '$err' lacks '$2'"
    log "ok: refused: $err"
    assert_eq "" "$(ctl list-ports br0)" "ports of br0 after add-port $1"
}

refused lo "lo is the loopback device"
refused "$kbr" "$kbr is a Linux bridge"
refused "$slave" "$slave is already enslaved to $kbr"
grep -q '^\[port ' "$VST_CONF" \
    && fail "a refused device was saved in the configuration: \
$(cat "$VST_CONF")"

log "the same devices as team members"
team_refused()
{
    local err rc
    err=$(ctl "$@" 2>&1)
    rc=$?
    assert_eq 1 "$rc" "exit status of $*"
    log "ok: refused: $err"
}
team_refused add-team br0 bond0 lo "$(port_of vm1)"
team_refused add-team br0 bond0 "$kbr" "$(port_of vm1)"
team_refused add-team br0 bond0 "$slave" "$(port_of vm1)"
grep -q '^\[team ' "$VST_CONF" \
    && fail "a refused team was saved in the configuration"

log "an ordinary veth is accepted"
attach br0 vm1
assert_eq "$(port_of vm1)" "$(ctl list-ports br0)" "ports of br0"

log "PASS"
