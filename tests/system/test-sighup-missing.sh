#!/usr/bin/env bash
# test-sighup-missing: SIGHUP while the configuration file is gone (an editor
# saving by rename, a mistaken mv) or unreadable keeps every bridge and port
# running and logs a warning; once the file is back, SIGHUP applies it
# (issue 7, hole 11).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24

printf '[bridge br0]\n\n[port %s]\nbridge=br0\n\n[port %s]\nbridge=br0\n' \
    "$(port_of vm1)" "$(port_of vm2)" >"$VST_CONF"
sw_start
expect_log '\|warn\|bridge\|configuration not reloaded, running state kept: '
wait_port "$(port_of vm1)" up
wait_port "$(port_of vm2)" up
assert_ping vm1 198.18.0.2
before=$(ctl --json show)

# hup_kept WHAT: after SIGHUP the state is as before and traffic flows.
hup_kept()
{
    local warnings
    warnings=$(grep -c '|warn|.*configuration not reloaded' "$VST_LOG")
    sw_signal HUP
    wait_for 5 grep -q "$VST_CONF.*restore the file" "$VST_LOG"
    sleep 0.5
    kill -0 "$VST_DAEMON_PID" 2>/dev/null || fail "vswitchd died: $1"
    assert_eq "$before" "$(ctl --json show)" "show --json after SIGHUP, $1"
    assert_ping vm1 198.18.0.2
    assert_cmp "$(grep -c '|warn|.*configuration not reloaded' "$VST_LOG")" \
        -gt "$warnings" "warnings in the log after SIGHUP, $1"
}

log "SIGHUP with the file moved away"
mv "$VST_CONF" "$VST_CONF.moved"
hup_kept "file missing"
log "ok: $(grep 'is missing' "$VST_LOG" | tail -n 1)"

log "SIGHUP with a directory in place of the file (unreadable)"
mkdir "$VST_CONF"
hup_kept "file unreadable"
rmdir "$VST_CONF"

log "SIGHUP with the file back, without vm2's port"
mv "$VST_CONF.moved" "$VST_CONF"
printf '[bridge br0]\n\n[port %s]\nbridge=br0\n' "$(port_of vm1)" \
    >"$VST_CONF.new" && mv "$VST_CONF.new" "$VST_CONF"
sw_signal HUP
# shellcheck disable=SC2317 # called through wait_for
one_port()
{
    [[ $(ctl list-ports br0) == "$(port_of vm1)" ]]
}
wait_for 5 one_port || fail "the restored file was not applied: \
$(ctl list-ports br0)"
log "ok: the restored file was applied"

log "PASS"
