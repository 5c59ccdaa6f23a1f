#!/usr/bin/env bash
# test-libvirt-hook: vswitch-libvirt-hook run as libvirt runs it (DOMAIN
# OPERATION SUB-OPERATION EXTRA, the domain XML on stdin; no libvirtd
# needed) against the real daemon, a veth "VM" and a tap (issue 10 item 2).
#
#   vm1 (the domain's NIC net0, by the hook, VLAN 42) --+
#   tap (the domain's NIC net1, by the hook, default bridge) --+-- br0
#   vm2 (operator's port, VLAN 42) --+
#   vm3 (operator's port, VLAN 43) --+
#
# prepare accepts a good policy and refuses a bad one with one line;
# started attaches both NICs with their policy and owner (show --json),
# vm1 reaches vm2 on VLAN 42 but not vm3; the owned ports are not in the
# file; started again changes nothing; migrate/restore print nothing;
# stopped and release remove exactly the domain's ports, twice over; a
# failed start (prepare, stopped, release) works; with the daemon down,
# reconnect exits 0, prepare goes on, started refuses, and a domain with
# no NIC on the switch starts and stops as if the hook were not there.
# The hook never writes to stdout.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=libvirt-lib.sh
. "$(dirname "$0")/libvirt-lib.sh"
vst_init

HOOK=$VST_BUILD/utilities/vswitch-libvirt-hook
[[ -x $HOOK ]] || fail "$HOOK not built (make)"
UUID=c7a5fdbd-edaf-9455-926a-d65c16db1809
OWNER=libvirt:$UUID

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
TAP=$(dev tap)
ip -n "$(ns sw)" tuntap add dev "$TAP" mode tap || fail "cannot create tap"
sw_start
ctl_ok add-br br0
attach br0 vm2 vlan=42
attach br0 vm3 vlan=43
# The default bridge, in the daemon's own file: written there, read on
# SIGHUP, shown by show, kept when the daemon rewrites the file.
libvirt_default_bridge br0
ctl show | grep -qx 'libvirt: default-bridge=br0' \
    || fail "show does not say the default bridge: $(ctl show)"
ctl_ok set-br br0 mac-aging=301
grep -A1 -x '\[libvirt\]' "$VST_CONF" | grep -qx 'default-bridge=br0' \
    || fail "the rewritten file lost [libvirt]: $(cat "$VST_CONF")"
log "ok: [libvirt] default-bridge=br0 read on SIGHUP, shown and kept"

# domain_xml NAME UUID PORT-ATTRS: a domain with NIC net0 on vm1's port
# (its <vsw:port> has PORT-ATTRS), NIC net1 on the tap (no entry: the
# default bridge) and a type='bridge' NIC (skipped).
domain_xml()
{
    cat <<EOF
<domain type='kvm'>
  <name>$1</name>
  <uuid>$2</uuid>
  <metadata>
    <vsw:ports xmlns:vsw="urn:vswitchd:libvirt:1">
      <vsw:port mac="$(vm_mac vm1)" $3/>
    </vsw:ports>
  </metadata>
  <devices>
    <interface type='ethernet'>
      <mac address='$(vm_mac vm1)'/>
      <target dev='$(port_of vm1)' managed='no'/>
      <alias name='net0'/>
    </interface>
    <interface type='ethernet'>
      <mac address='52:54:00:00:00:77'/>
      <target dev='$TAP' managed='no'/>
      <alias name='net1'/>
      <mtu size='1400'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:00:00:78'/>
      <source bridge='virbr0'/>
    </interface>
  </devices>
</domain>
EOF
}

GOOD='bridge="br0" vlan="42" mac-limit="4" dhcp-guard="yes" rate-in="100M"'

# hook XML DOMAIN OP SUB: runs the hook; sets RC, OUT (stdout), ERR.
hook()
{
    local xml=$1
    shift
    OUT=$(printf '%s' "$xml" | VSWITCH_SOCKET=$VST_SOCK \
          timeout 20 "$HOOK" "$@" - 2>"$VST_TMP/hook.err")
    RC=$?
    ERR=$(cat "$VST_TMP/hook.err")
    [[ -z $OUT ]] || fail "hook $* wrote to stdout: $OUT"
}

# hook_ok XML DOMAIN OP SUB: the hook exits 0.
hook_ok()
{
    hook "$@"
    [[ $RC == 0 ]] || fail "hook $2 $3 $4: exit $RC: $ERR"
    log "ok: hook $2 $3 $4: exit 0${ERR:+ ($ERR)}"
}

# hook_refuses XML DOMAIN OP SUB WORD: exit 1, one line naming WORD.
hook_refuses()
{
    hook "${@:1:4}"
    [[ $RC == 1 ]] || fail "hook $2 $3 $4: exit $RC, expected 1 ($ERR)"
    [[ $(printf '%s\n' "$ERR" | wc -l) == 1 ]] \
        || fail "hook $2 $3 $4: not one line on stderr: $ERR"
    [[ $ERR == *"$5"* ]] || fail "hook $2 $3 $4: '$5' not in: $ERR"
    log "ok: hook $2 $3 $4 refused: $ERR"
}

# port_policy PORT KEY: one policy key of the port from show --json.
port_policy()
{
    ctl --json show | json "next((p['policy']['$2'] for b in d['bridges'] \
for p in b['ports'] if p['name'] == '$1'), '')"
}

P1=$(port_of vm1)
XML=$(domain_xml vm1 "$UUID" "$GOOD")

log "prepare: good and bad policies"
hook_ok "$XML" vm1 prepare begin
assert_eq "" "$ERR" "prepare's stderr"
hook_refuses "$(domain_xml vm1 "$UUID" 'bridge="br0" vlan="4095"')" \
    vm1 prepare begin 4095
hook_refuses "$(domain_xml vm1 "$UUID" 'bridge="br9" vlan="42"')" \
    vm1 prepare begin "no bridge named br9"
hook_refuses "$(domain_xml vm1 "$UUID" 'bridge="br0" rate-in="fast"')" \
    vm1 prepare begin fast
hook_refuses "$(domain_xml vm1 "$UUID" 'bridge="br0" colour="red"')" \
    vm1 prepare begin colour
hook_refuses "$(domain_xml vm1 "$UUID" \
    'bridge="br0" allowed-macs="52:54:00:zz:00:01"')" \
    vm1 prepare begin 52:54:00:zz
hook_ok "$XML" vm1 start begin

log "started: attached with the policy in force"
hook_ok "$XML" vm1 started begin
assert_eq "$OWNER" "$(port_field "$P1" owner)" "owner of $P1"
assert_eq 42 "$(port_field "$P1" vlan)" "vlan of $P1"
assert_eq "$OWNER" "$(port_field "$TAP" owner)" "owner of the tap"
assert_eq "" "$(port_field "$(port_of vm2)" owner)" "owner of vm2's port"
assert_eq 4 "$(port_policy "$P1" mac-limit)" "mac-limit of $P1"
assert_eq yes "$(port_policy "$P1" dhcp-guard)" "dhcp-guard of $P1"
assert_eq "$(vm_mac vm1)" "$(port_policy "$P1" allowed-macs)" \
    "allowed-macs of $P1 (its <mac>)"
assert_eq 1400 "$(port_policy "$TAP" mtu)" "mtu of the tap (its <mtu>)"
assert_eq 52:54:00:00:00:77 "$(port_policy "$TAP" allowed-macs)" \
    "allowed-macs of the tap"
wait_port "$P1" up
assert_ping vm1 198.18.0.2
assert_no_ping vm1 198.18.0.3
grep -q "$P1\|$TAP" "$VST_CONF" && fail "owned ports written to $VST_CONF"
log "ok: the owned ports are not in the file"
sw_signal HUP
wait_for 5 grep -q "SIGHUP received" "$VST_LOG" || fail "no reload logged"
ctl_ok list-br >/dev/null
assert_eq "$OWNER" "$(port_field "$P1" owner)" "owner of $P1 after a reload"
assert_ping vm1 198.18.0.2

log "started again, with another policy: it replaces the old one"
hook_ok "$(domain_xml vm1 "$UUID" 'bridge="br0" trunks="42,43"')" \
    vm1 started begin
assert_eq trunk "$(port_field "$P1" mode)" "mode of $P1"
assert_eq 0 "$(port_field "$P1" vlan)" "vlan of $P1"
assert_eq no "$(port_policy "$P1" dhcp-guard)" "dhcp-guard of $P1, reset"
hook_ok "$XML" vm1 started begin
assert_eq 42 "$(port_field "$P1" vlan)" "vlan of $P1"
assert_eq "" "$(port_field "$P1" trunks)" "trunks of $P1"
assert_ping vm1 198.18.0.2

log "a port another domain owns is not taken over"
hook_refuses "$(domain_xml vm5 5a5a5a5a-0000-4000-8000-000000000005 \
    "$GOOD")" vm5 started begin "already on bridge br0"

log "migrate and restore: validation only, nothing on stdout"
hook_ok "$XML" vm1 migrate begin
hook_ok "$XML" vm1 restore begin

log "stopped, release: the domain's ports go, the operator's stay"
hook_ok "$XML" vm1 stopped end
assert_eq "" "$(port_field "$P1" name)" "port $P1 after stopped"
assert_eq "" "$(port_field "$TAP" name)" "tap port after stopped"
assert_eq 42 "$(port_field "$(port_of vm2)" vlan)" "vm2's port after stopped"
hook_ok "$XML" vm1 release end
hook_ok "$XML" vm1 stopped end
hook_ok "$XML" vm1 release end

log "a failed start: prepare, stopped, release"
hook_ok "$XML" vm1 prepare begin
hook_ok "$XML" vm1 stopped end
hook_ok "$XML" vm1 release end
assert_eq 43 "$(port_field "$(port_of vm3)" vlan)" "vm3's port after all"

log "the daemon down"
hook_ok "$XML" vm1 started begin
sw_signal TERM
hook_ok "$XML" vm1 reconnect begin
hook_ok "$XML" vm1 prepare begin
[[ $ERR == *"bridges not checked"* ]] || fail "prepare said: $ERR"
hook_refuses "$XML" vm1 started begin "is vswitchd running?"
hook_ok "$XML" vm1 stopped end
hook_ok "$XML" vm1 release end
hook_ok "$(domain_xml vm1 "$UUID" 'bridge="br0" vlan="4095"')" \
    vm1 reconnect begin
# A domain with no NIC on the switch (a libvirt network's NIC only) does
# not depend on vswitchd: libvirt runs the hook for every domain.
OTHER="<domain type='kvm'><name>vm9</name>
<uuid>0f4d2c1e-3a5b-4c6d-8e7f-901a2b3c4d5e</uuid><devices>
<interface type='network'><mac address='52:54:00:00:00:99'/>
<source network='default'/><target dev='vnet99'/></interface>
</devices></domain>"
for op in "prepare begin" "started begin" "stopped end" "release end"; do
    # shellcheck disable=SC2086 # OPERATION SUB-OPERATION
    hook_ok "$OTHER" vm9 $op
done
log "PASS"
