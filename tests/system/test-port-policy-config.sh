#!/usr/bin/env bash
# test-port-policy-config: the per-port policy keys (port-policy.h) set with
# vswitch-ctl add-port and set-port: shown by show and show --json, written
# to the configuration file and read back by a restarted daemon, refused
# with a message naming the key and the range (all or nothing), mtu=N
# setting the device's MTU (also again when the port attaches at start)
# and dropping (counting) larger frames sent to the port,
# enabled=no blocking a port and enabled=yes restoring it, and a port
# blocked by its BPDU guard re-enabled by set-port enabled=yes.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
vm_add vm3 198.18.0.3/24
vm_add vm4 198.18.0.4/24
vm_add vm5 198.18.0.5/24
sw_start
P1=$(port_of vm1)
P2=$(port_of vm2)
P3=$(port_of vm3)

ctl_ok add-br br0
attach br0 vm1
attach br0 vm2
assert_ping vm1 198.18.0.2

# sw_mtu PORT: the MTU of the port's device, as the kernel says it.
sw_mtu()
{
    in_ns sw cat "/sys/class/net/$1/mtu"
}

mtu_is()
{
    [[ $(sw_mtu "$1") == "$2" ]]
}

# policy_of PORT KEY: one key of the port's policy in show --json.
policy_of()
{
    ctl --json show | json "next(p['policy']['$2'] for b in d['bridges'] \
for p in b['ports'] if p['name'] == '$1')"
}

admin_of()
{
    ctl --json show | json "next(p['admin-state'] for b in d['bridges'] \
for p in b['ports'] if p['name'] == '$1')"
}

admin_is()
{
    [[ $(admin_of "$1") == "$2" ]]
}

# ---- Every key through add-port and set-port ---------------------------

assert_eq 1500 "$(sw_mtu "$P3")" "vm3's device MTU before add-port"
ctl_ok add-port br0 "$P3" vlan=30 mtu=9000 rate-out=100M,burst=64k \
    rate-in=1G isolated=yes dhcp-guard=yes ra-guard=yes mac-limit=10 \
    mac-limit-action=flood storm-limit=1000 \
    allowed-macs="$(vm_mac vm3),02:00:00:00:00:aa" mac-security=strict
wait_port "$P3" up
assert_eq 9000 "$(sw_mtu "$P3")" "vm3's device MTU after add-port mtu=9000"
ctl_ok set-port "$P3" bpdu-guard=yes mac-limit=unlimited
ctl_ok set-port "$P3" rate-in=none

text=$(ctl show)
log "show:"
printf '%s\n' "$text" | sed 's/^/    /'
want="        policy: bpdu-guard=yes allowed-macs=$(vm_mac vm3),02:00:00:00:00:aa \
mac-security=strict mac-limit=unlimited mac-limit-action=flood isolated=yes \
dhcp-guard=yes ra-guard=yes rate-out=100M,burst=64k storm-limit=1000 mtu=9000"
printf '%s\n' "$text" | grep -qxF -- "$want" \
    || fail "show has no line '$want'"
# A port with the defaults has no policy line: the line after vm1's is the
# next port's.
assert_eq "    port $P2: trunk (all VLANs), up" \
    "$(printf '%s\n' "$text" | grep -A1 -F "port $P1:" | tail -n 1)" \
    "the line after vm1's in show"

policy_json=$(ctl --json show | json "next(p['policy'] for b in d['bridges'] \
for p in b['ports'] if p['name'] == '$P3')")
log "vm3's policy in show --json: $policy_json"
assert_eq "{\"allowed-macs\": \"$(vm_mac vm3),02:00:00:00:00:aa\", \
\"bpdu-guard\": \"yes\", \"dhcp-guard\": \"yes\", \"enabled\": \"yes\", \
\"isolated\": \"yes\", \"mac-limit\": \"unlimited\", \
\"mac-limit-action\": \"flood\", \"mac-security\": \"strict\", \
\"mtu\": \"9000\", \"ra-guard\": \"yes\", \"rate-in\": \"none\", \
\"rate-out\": \"100M,burst=64k\", \"storm-limit\": \"1000\"}" \
    "$policy_json" "vm3's policy in show --json"
assert_eq "64 enabled" "$(policy_of "$P1" mac-limit) $(admin_of "$P1")" \
    "vm1's mac-limit and state (defaults) in show --json"

# ---- Refusals: the message names the key and the range; nothing changes --

# refused MESSAGE ARGS...: vswitch-ctl ARGS must fail saying MESSAGE.
refused()
{
    local want=$1 out
    shift
    if out=$(ctl "$@" 2>&1); then
        fail "vswitch-ctl $* succeeded; expected: $want"
    fi
    [[ $out == *"$want"* ]] || fail "vswitch-ctl $*: expected '$want', got '$out'"
    log "ok: vswitch-ctl $* refused: $out"
}

conf_before=$(cat "$VST_CONF")
refused "mtu 10 is out of range (68-65535, or none)" \
    set-port "$P3" isolated=no mtu=10
refused 'rate-out "fast" is not a rate' set-port "$P3" rate-out=fast
refused 'rate-in "1k" is out of range (8k-400G bits/s)' \
    set-port "$P1" rate-in=1k
refused "allowed-macs: 01:00:5e:00:00:01 is not a station address" \
    set-port "$P1" allowed-macs=01:00:5e:00:00:01
refused "allowed-macs lists $(vm_mac vm1) twice" \
    set-port "$P1" allowed-macs="$(vm_mac vm1),$(vm_mac vm1)"
refused 'enabled "off" is not yes or no' set-port "$P1" enabled=off
refused "mac-security=strict needs allowed-macs" \
    set-port "$P1" mac-security=strict
refused "mac-limit 0 is out of range (1-1048576, or unlimited)" \
    add-port br0 "$(dev extra)" mac-limit=0
# A team takes none of the policy keys.
refused "mtu is a port policy key, which a team does not take" \
    add-team br0 "$(dev bond)" "$(port_of vm4)" "$(port_of vm5)" mtu=9000
assert_eq "$conf_before" "$(cat "$VST_CONF")" \
    "the configuration file after the refused commands"
assert_eq "yes" "$(policy_of "$P3" isolated)" \
    "vm3's isolated after a refused set-port that also set it"

# ---- enabled=no blocks a port, enabled=yes restores it -----------------

ctl_ok set-port "$P2" enabled=no
assert_eq disabled "$(admin_of "$P2")" "vm2's state after enabled=no"
ctl show | grep -qF "port $P2: trunk (all VLANs), up, disabled by operator" \
    || fail "show does not say vm2's port is disabled"
assert_no_ping vm1 198.18.0.2
ctl_ok set-port "$P2" enabled=yes
assert_eq enabled "$(admin_of "$P2")" "vm2's state after enabled=yes"
assert_ping vm1 198.18.0.2

# ---- BPDU guard: a BPDU blocks the port, set-port enabled=yes lifts it ---

expect_log "\|warn\|bridge\|port $P2: blocked by its BPDU guard"
ctl_ok set-port "$P2" bpdu-guard=yes
assert_ping vm1 198.18.0.2
send_frames vm2 --dst 01:80:c2:00:00:00 --src "$(vm_mac vm2)" --type 0x26 \
    --payload 424203000000000000
wait_for 5 admin_is "$P2" blocked-by-bpdu-guard \
    || fail "vm2's port is '$(admin_of "$P2")' after a BPDU, expected blocked-by-bpdu-guard"
ctl show | grep -qF "port $P2: trunk (all VLANs), up, blocked by bpdu-guard" \
    || fail "show does not say vm2's port is blocked by its BPDU guard"
grep -qF "port $P2: blocked by its BPDU guard" "$VST_LOG" \
    || fail "no log line names vm2's port blocked by its BPDU guard"
grep -qF "vswitch-ctl set-port $P2 enabled=yes" "$VST_LOG" \
    || fail "the log line does not say how to re-enable vm2's port"
assert_no_ping vm1 198.18.0.2
# The configuration does not change, yet the port is re-enabled.
ctl_ok set-port "$P2" enabled=yes
assert_eq enabled "$(admin_of "$P2")" "vm2's state after enabled=yes"
assert_ping vm1 198.18.0.2

# ---- Persisted: the file, then a restart --------------------------------

log "configuration file:"
sed 's/^/    /' "$VST_CONF"
for line in "[port $P3]" vlan=30 mtu=9000 rate-out=100M,burst=64k \
    isolated=yes bpdu-guard=yes storm-limit=1000 mac-limit=unlimited \
    mac-security=strict; do
    grep -qxF -- "$line" "$VST_CONF" || fail "'$line' is not in the file"
done
if grep -qF rate-in "$VST_CONF"; then
    fail "rate-in=none (the default) was written"
fi

show_before=$(ctl --json show)
sw_signal TERM
assert_eq 0 "$SW_STATUS" "exit status after SIGTERM"
# The device forgets; the daemon sets it again when the port attaches.
in_ns sw ip link set dev "$P3" mtu 1500
sw_start
for p in "$P1" "$P2" "$P3"; do
    wait_port "$p" up
done
assert_eq "$show_before" "$(ctl --json show)" "show --json after restart"
assert_eq 9000 "$(sw_mtu "$P3")" "vm3's device MTU after the restart"

# A changed mtu is set at once; mtu=none leaves the device's as it is.
ctl_ok set-port "$P3" mtu=4000
assert_eq 4000 "$(sw_mtu "$P3")" "vm3's device MTU after mtu=4000"
ctl_ok set-port "$P3" mtu=none
assert_eq 4000 "$(sw_mtu "$P3")" "vm3's device MTU after mtu=none"
assert_eq none "$(policy_of "$P3" mtu)" "vm3's mtu key after mtu=none"

# A policy key edited in the file is applied on SIGHUP.
sed -i "/^\[port $P3\]\$/a mtu=2000" "$VST_CONF"
sw_signal HUP
wait_for 5 mtu_is "$P3" 2000 \
    || fail "vm3's device MTU is $(sw_mtu "$P3") after mtu=2000 and SIGHUP"
assert_eq 2000 "$(policy_of "$P3" mtu)" "vm3's mtu key after SIGHUP"

# Frames larger than a port's mtu are not sent to it, and counted on it:
# vm1's port at 1400, pings from vm2 of 1400 bytes of IP pass, of 1500
# (don't fragment) do not.  (From the VM's side, the kernel's veth itself
# drops what exceeds the port device's MTU before the switch sees it.)
ctl_ok set-port "$P1" mtu=1400
assert_eq 1400 "$(sw_mtu "$P1")" "vm1's device MTU after mtu=1400"
d0=$(stat_of "$P1" drops.mtu)
assert_ping vm2 198.18.0.1 -s 1372 -M do
assert_no_ping vm2 198.18.0.1 -s 1472 -M do
d1=$(stat_of "$P1" drops.mtu)
assert_eq 5 "$((d1 - d0))" "vm1's drops.mtu after 5 pings of 1500 bytes"
ctl_ok set-port "$P1" mtu=1500
assert_ping vm2 198.18.0.1 -s 1472 -M do

# A disabled port stays disabled across a restart.
ctl_ok set-port "$P2" enabled=no
sw_signal TERM
sw_start
wait_port "$P2" up
assert_eq disabled "$(admin_of "$P2")" "vm2's state after a restart"
assert_no_ping vm1 198.18.0.2
ctl_ok set-port "$P2" enabled=yes
assert_ping vm1 198.18.0.2
exit 0
