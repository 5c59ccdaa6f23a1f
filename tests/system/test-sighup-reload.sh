#!/usr/bin/env bash
# test-sighup-reload: the daemon starts from a configuration file written by
# hand; SIGHUP makes it read the file again and apply the difference (a port
# added, then removed); a bad file is refused and the running state stays as
# it was.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24

conf_v1="[bridge br0]
mac-aging=300

[port $(port_of vm1)]
bridge=br0
vlan=10
"
conf_v2="$conf_v1
[port $(port_of vm2)]
bridge=br0
vlan=10
"
printf '%s' "$conf_v1" >"$VST_CONF"
sw_start
wait_port "$(port_of vm1)" up
assert_eq "$(port_of vm1)" "$(ctl list-ports br0)" "ports of br0 from the file"
assert_no_ping vm1 198.18.0.2

# has_port PORT: true if PORT is listed in br0.
# shellcheck disable=SC2317 # called through no_vm2
has_port()
{
    ctl list-ports br0 | grep -qx "$1"
}

log "SIGHUP with vm2's port added to the file"
printf '%s' "$conf_v2" >"$VST_CONF.new" && mv "$VST_CONF.new" "$VST_CONF"
sw_signal HUP
wait_port "$(port_of vm2)" up
assert_ping vm1 198.18.0.2

log "SIGHUP with a bad file (vlan 5000)"
expect_log \
    '\|err\|bridge\|configuration not reloaded, .*vlan 5000 is out of range'
before=$(ctl --json show)
printf '%s' "${conf_v2/vlan=10/vlan=5000}" >"$VST_CONF.new" \
    && mv "$VST_CONF.new" "$VST_CONF"
sw_signal HUP
sleep 1
kill -0 "$VST_DAEMON_PID" 2>/dev/null || fail "vswitchd died on a bad file"
assert_eq "$before" "$(ctl --json show)" "show --json after a bad file"
assert_ping vm1 198.18.0.2
grep -q 5000 "$VST_LOG" || fail "the log does not say what is wrong with the file"
log "ok: the log names the bad value: $(grep 5000 "$VST_LOG" | tail -n 1)"

log "SIGHUP with vm2's port removed from the file"
printf '%s' "$conf_v1" >"$VST_CONF.new" && mv "$VST_CONF.new" "$VST_CONF"
sw_signal HUP
# shellcheck disable=SC2317 # called through wait_for
no_vm2() { ! has_port "$(port_of vm2)"; }
wait_for 10 no_vm2 || fail "vm2's port is still there after SIGHUP"
assert_no_ping vm1 198.18.0.2
exit 0
