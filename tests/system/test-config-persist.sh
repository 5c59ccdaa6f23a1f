#!/usr/bin/env bash
# test-config-persist: every change made with vswitch-ctl is written to the
# configuration file, and a daemon started again (after a clean stop) reads
# it back: the same bridges, ports, VLAN settings and static entries, and
# traffic that depends on the changed settings flows.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
vm_add vm4 198.18.0.4/24
sw_start
[[ ! -e $VST_CONF ]] || fail "a configuration file exists before any change"

ctl_ok add-br br0 mac-aging=100 mac-table-size=500
ctl_ok set-br br0 mac-aging=150
ctl_ok add-br br1
ctl_ok add-br br2
ctl_ok del-br br2
attach br0 vm1 vlan=10
attach br0 vm2 vlan=20
ctl_ok set-port "$(port_of vm2)" vlan=10           # vm2 joins vm1's VLAN.
attach br0 vm3 trunks=10,20 native=30
ctl_ok set-port "$(port_of vm3)" trunks=10,20,100-199
attach br1 vm4
ctl_ok del-port br1 "$(port_of vm4)"
ctl_ok fdb/add br0 02:00:00:00:aa:01 vlan=10 port="$(port_of vm1)"
ctl_ok fdb/add br0 02:00:00:00:aa:02 vlan=20 port="$(port_of vm3)"
ctl_ok fdb/del br0 02:00:00:00:aa:02 vlan=20
assert_ping vm1 198.18.0.2

[[ -s $VST_CONF ]] || fail "no configuration file at $VST_CONF"
log "configuration file:"
sed 's/^/    /' "$VST_CONF"
for word in "$(port_of vm1)" "$(port_of vm2)" "$(port_of vm3)" br1 \
    02:00:00:00:aa:01 150 500; do
    grep -q -- "$word" "$VST_CONF" || fail "'$word' is not in the config file"
done
for word in br2 "$(port_of vm4)" 02:00:00:00:aa:02; do
    if grep -q -- "$word" "$VST_CONF"; then
        fail "'$word' was removed but is still in the config file"
    fi
done

show_before=$(ctl --json show)
statics='[(e["mac"], e["vlan"], e["port"]) for e in d["entries"] if e["static"]]'
static_before=$(fdb_json br0 "$statics")
assert_eq "[[\"02:00:00:00:aa:01\", 10, \"$(port_of vm1)\"]]" \
    "$static_before" "static entries before the restart"

sw_signal TERM
assert_eq 0 "$SW_STATUS" "exit status after SIGTERM"
sw_start
for vm in vm1 vm2 vm3; do
    wait_port "$(port_of "$vm")" up
done
assert_eq "$show_before" "$(ctl --json show)" "show --json after restart"
assert_eq "$static_before" "$(fdb_json br0 "$statics")" \
    "static entries after restart"
assert_eq "150 500" "$(ctl --json show | json "next('%d %d' % (b['mac-aging'],
    b['mac-table-size']) for b in d['bridges'] if b['name'] == 'br0')")" \
    "br0's aging and table size after restart"
assert_eq "trunk 10,20,100-199 30" "$(ctl --json show | json "next(
    '%s %s %d' % (p['mode'], p['trunks'], p['native'])
    for b in d['bridges'] for p in b['ports']
    if p['name'] == '$(port_of vm3)')")" "vm3's port after restart"
assert_ping vm1 198.18.0.2
assert_ping vm2 198.18.0.1
exit 0
