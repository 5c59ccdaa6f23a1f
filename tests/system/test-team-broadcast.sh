#!/usr/bin/env bash
# test-team-broadcast: the receive rules of a switch-independent team (two
# uplinks to a kernel bridge, which floods to both):
#   1. N broadcasts from a remote host reach each VM exactly N times: the
#      copy arriving on the non-designated member is dropped (team-rx).
#   2. N broadcasts from a VM on the non-designated member come back from
#      the kernel bridge through the designated member: the reflections
#      are dropped (drops.reflection of the team grows by N), so the VM
#      never receives its own frames, every other VM gets each one exactly
#      once, and the VM's MAC stays learned on its own port.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init
require_scapy

N=20
VMS=(vm1 vm2 vm3)

team_world 3 2 -- policy=src-port rebalance=0
DES=$(designated)
[[ -n $DES ]] || tfail "no member is designated to receive floods"
OTHER=$(member u1)
[[ $OTHER == "$DES" ]] && OTHER=$(member u2)
log "floods are received on $DES"

# bcast_counts NAME FILTER: per VM, the frames matching FILTER that the
# capture NAME-VM received.
bcast_counts()
{
    local vm out=()
    for vm in "${VMS[@]}"; do
        out+=("$vm=$(capture_count "$1-$vm" "$2")")
    done
    printf '%s' "${out[*]}"
}

# 1. Broadcasts from a remote host.
for vm in "${VMS[@]}"; do
    tcap_start "$vm" "$(dev_of "$vm")" "rh-$vm" in "arp"
    pids+=("$CAP_PID")
done
rx0=$(stat_of "$TEAM" drops.team-rx)
send_bcast rh1 "$(rh_mac 1)" "$(rh_ip 1)" "$N"
sleep 0.3
for p in "${pids[@]}"; do
    capture_stop "$p"
done
pids=()
rx1=$(stat_of "$TEAM" drops.team-rx)
log "broadcasts from rh1 received:" \
    "$(bcast_counts rh "$BCAST_FILTER and ether src $(rh_mac 1)")"
for vm in "${VMS[@]}"; do
    assert_eq "$N" "$(capture_count "rh-$vm" "$BCAST_FILTER and ether src \
$(rh_mac 1)")" "broadcasts from rh1 received by $vm"
done
assert_cmp "$((rx1 - rx0))" -ge "$N" \
    "drops.team-rx of $TEAM (copies on the non-designated member)"

# 2. Broadcasts from a VM on the non-designated member.
X=
for vm in "${VMS[@]}"; do
    if [[ $(carrier_of "$(port_of "$vm")") == "$OTHER" ]]; then
        X=$vm
        break
    fi
done
if [[ -z $X ]]; then
    X=vm1
    ctl_ok team/migrate "$TEAM" port="$(port_of vm1)" member="$OTHER" \
        >/dev/null
    wait_carrier "$(port_of vm1)" "$OTHER"
fi
XMAC=$(vm_mac "$X")
log "$X ($XMAC) is on $OTHER; its broadcasts come back on $DES"
assert_eq "$(port_of "$X")" "$(fdb_json "$TEAM_BR" "next((e['port'] \
for e in d['entries'] if e['mac'] == '$XMAC'), '')")" \
    "fdb port of $X's MAC before"

for vm in "${VMS[@]}"; do
    tcap_start "$vm" "$(dev_of "$vm")" "vm-$vm" in "arp"
    pids+=("$CAP_PID")
done
tcap_start rh1 "$(dev_of rh1)" vm-rh1 in "arp"
pids+=("$CAP_PID")
ref0=$(stat_of "$TEAM" drops.reflection)
send_bcast "$X" "$XMAC" "198.18.0.${X#vm}" "$N"
sleep 0.3
for p in "${pids[@]}"; do
    capture_stop "$p"
done
ref1=$(stat_of "$TEAM" drops.reflection)
log "broadcasts from $X received:" \
    "$(bcast_counts vm "$BCAST_FILTER and ether src $XMAC")" \
    "rh1=$(capture_count vm-rh1 "$BCAST_FILTER and ether src $XMAC")"
assert_eq "$N" "$(capture_count vm-rh1 "$BCAST_FILTER and ether src \
$XMAC")" "broadcasts from $X received by rh1 (they went upstream)"
for vm in "${VMS[@]}"; do
    if [[ $vm == "$X" ]]; then
        assert_eq 0 "$(capture_count "vm-$vm" "$BCAST_FILTER and ether \
src $XMAC")" "own broadcasts delivered back to $X"
    else
        assert_eq "$N" "$(capture_count "vm-$vm" "$BCAST_FILTER and \
ether src $XMAC")" "broadcasts from $X received by $vm"
    fi
done
assert_cmp "$((ref1 - ref0))" -ge "$N" "drops.reflection of $TEAM"
assert_eq "$(port_of "$X")" "$(fdb_json "$TEAM_BR" "next((e['port'] \
for e in d['entries'] if e['mac'] == '$XMAC'), '')")" \
    "fdb port of $X's MAC after its reflected broadcasts"
assert_eq "$OTHER" "$(carrier_of "$(port_of "$X")")" \
    "member carrying $X's port after"
exit 0
