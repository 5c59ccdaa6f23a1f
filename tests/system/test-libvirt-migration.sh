#!/usr/bin/env bash
# test-libvirt-migration: two hosts, one live migration (issue 10, item 4).
#
#   vm1 (198.18.0.1, VM namespace) --- tap on host A  or  tap on host B
#   host A (PREFIX-ha): vswitchd, bridge br0, team bond0 = a1 + a2 --+
#   host B (PREFIX-hb): vswitchd, bridge br0, team bond0 = b1 + b2 --+-- pbr
#   rh1 (198.18.0.101, remote host) ----------------------------------+
#
# Both teams are access ports of VLAN 42 on the same physical bridge (in
# PREFIX-phys); the domain's metadata puts its NIC in VLAN 42 with
# mac-limit 4 and one extra allowed MAC.  The hook runs as libvirt runs it,
# with the same domain XML on both hosts (the tap has the same name on
# each).  The VM starts on host A (prepare, start, started), then migrates
# to B and back to A, each time under a stream of echo requests from rh1
# (one per 10 ms):
#   - destination: migrate (exit 0, nothing on stdout); the tap is made
#     (managed='no': it exists before libvirt starts QEMU; the guest's end
#     stays down); prepare, start, started: the port is there with the
#     metadata's policy, owned by the domain;
#   - the switchover: the guest's device on the source goes, the one on
#     the destination comes up (the guest's address and ARP cache travel
#     with it) and the VM is announced: on the way to B by port/announce
#     on B, which is what vswitch-libvirt-agent does when the domain
#     resumes with detail "migrated" (no libvirtd here); on the way back by
#     the guest's own RARP, as QEMU's announce-self sends it;
#   - source: stopped, release: its port is gone.
# Checked each time: the policy on the destination (show --json, and
# forged frames dropped there while those of the extra allowed MAC pass),
# the source's port gone, a RARP with the VM's MAC from the destination's
# members into the physical bridge (with port/announce: from the member
# carrying the port, and counted by the team), and that rh1's stream
# resumed within 3 s.  Printed: the gap in ms (the longest run of
# unanswered requests, the time it lasted, and the time from the
# switchover to the first reply through the destination).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
# shellcheck source-path=SCRIPTDIR source=port-lib.sh
. "$(dirname "$0")/port-lib.sh"
vst_init

HOOK=$VST_BUILD/utilities/vswitch-libvirt-hook
[[ -x $HOOK ]] || fail "$HOOK not built (make)"
UUID=3e0c9a4f-6b1d-4c2e-9f8a-7d5b1c0e2a41
OWNER=libvirt:$UUID
VLAN=42
VM_IP=198.18.0.1
VM_MAC=$(vm_mac vm1)
EXTRA_MAC=52:54:00:00:00:99
INTERVAL_MS=10          # rh1's stream: one echo request every 10 ms.
MAX_GAP_MS=3000         # The bound the stream must resume within.
TAPDEV=$(dev vm1)       # The domain's <target dev>, on either host.
GUEST_A=$(dev gvm1)     # The guest's end of the tap on A...
GUEST_B=$(dev hvm1)     # ... and on B.

# ---------------------------------------------------------------------------
# The world.

phys_add
rhost_add rh1 "$(rh_ip 1)/24"
ip -n "$(ns rh1)" link set "$(dev_of rh1)" address "$(rh_mac 1)" \
    || fail "cannot set the MAC of rh1"
ns_add vm1

# host_add H: namespace PREFIX-hH, a daemon with bridge br0 and team bond0
# (VLAN 42) of members PREFIX+H1, PREFIX+H2 whose peers PREFIX+pH1... are
# on the physical bridge.
host_add()
{
    local h=$1 i m members=()
    ns_add "h$h"
    for i in 1 2; do
        m=$(dev "$h$i")
        veth_add "h$h" "$m" phys "$(phys_peer "$m")"
        ip -n "$(ns phys)" link set "$(phys_peer "$m")" master "$(dev pbr)" \
            up || fail "cannot plug $(phys_peer "$m")"
        members+=("$m")
    done
    sw_use "h$h"
    sw_start
    ctl_ok add-br "$TEAM_BR"
    ctl_ok add-team "$TEAM_BR" "$TEAM" "${members[@]}" vlan=$VLAN
    for m in "${members[@]}"; do
        wait_member "$m" up
    done
    sw_use sw
}
host_add a
host_add b

# guest_plug H GUEST-DEV: the domain's tap on host H (TAPDEV, in PREFIX-hH)
# and the guest's end of it (GUEST-DEV in the VM's namespace, with the VM's
# MAC, down: the guest is not running there yet).
guest_plug()
{
    veth_add "h$1" "$TAPDEV" vm1 "$2"
    ip -n "$(ns vm1)" link set "$2" address "$VM_MAC" \
        || fail "cannot set the MAC of $2"
}

# guest_up GUEST-DEV: the guest runs on GUEST-DEV: its address, its ARP
# cache entry for rh1 (permanent, as a migrated guest's cache is: only the
# switches decide the gap), its link up.
guest_up()
{
    local n
    n=$(ns vm1)
    if ! { ip -n "$n" addr add "$VM_IP/24" dev "$1" \
            && ip -n "$n" link set "$1" up \
            && ip -n "$n" neigh replace "$(rh_ip 1)" lladdr "$(rh_mac 1)" \
                nud permanent dev "$1"; }; then
        fail "cannot bring the guest up on $1"
    fi
}

domain_xml()
{
    cat <<EOF
<domain type='kvm'>
  <name>vm1</name>
  <uuid>$UUID</uuid>
  <metadata>
    <vsw:ports xmlns:vsw="urn:vswitchd:libvirt:1">
      <vsw:port mac="$VM_MAC" bridge="$TEAM_BR" vlan="$VLAN" mac-limit="4">
        <vsw:allowed-mac>$EXTRA_MAC</vsw:allowed-mac>
      </vsw:port>
    </vsw:ports>
  </metadata>
  <devices>
    <interface type='ethernet'>
      <mac address='$VM_MAC'/>
      <target dev='$TAPDEV' managed='no'/>
      <alias name='net0'/>
    </interface>
  </devices>
</domain>
EOF
}
XML=$(domain_xml)

# hook_on H OPERATION SUB-OPERATION: runs the hook as libvirt on host H
# runs it (its daemon's socket); it must exit 0 and print nothing.
hook_on()
{
    local sock=$VST_TMP/vswitchd-h$1.sock out rc
    out=$(printf '%s' "$XML" | VSWITCH_SOCKET=$sock timeout 20 "$HOOK" \
          vm1 "$2" "$3" - 2>"$VST_TMP/hook.err")
    rc=$?
    [[ $rc == 0 ]] || fail "host $1: hook vm1 $2 $3: exit $rc: \
$(cat "$VST_TMP/hook.err")"
    [[ -z $out ]] || fail "host $1: hook vm1 $2 $3 wrote to stdout: $out"
    log "ok: host $1: hook vm1 $2 $3: exit 0, nothing on stdout"
}

# port_json H EXPR: EXPR over host H's show --json entry of the domain's
# port, bound to 'p', and its bridge's, bound to 'b' (both None if there
# is no such port).
port_json()
{
    sw_on "h$1" ctl --json show | json "(lambda b, p: $2)(*next(((b, p) \
for b in d['bridges'] for p in b['ports'] if p['name'] == '$TAPDEV'), \
(None, None)))"
}

# assert_policy H: host H's port has the metadata's policy and owner.
assert_policy()
{
    assert_eq "$OWNER" "$(port_json "$1" "p and p['owner']")" \
        "host $1: owner of $TAPDEV"
    assert_eq "$TEAM_BR $VLAN" "$(port_json "$1" \
        "p and '%s %s' % (b['name'], p['vlan'])")" \
        "host $1: bridge and VLAN of $TAPDEV"
    assert_eq 4 "$(port_json "$1" "p and p['policy']['mac-limit']")" \
        "host $1: mac-limit of $TAPDEV"
    assert_eq "$VM_MAC,$EXTRA_MAC" "$(port_json "$1" \
        "p and ','.join(sorted(p['policy']['allowed-macs'].split(',')))")" \
        "host $1: allowed MACs of $TAPDEV (its <mac> and the metadata's)"
}

# ---------------------------------------------------------------------------
# The VM starts on host A.

guest_plug a "$GUEST_A"
hook_on a prepare begin
hook_on a start begin
hook_on a started begin
assert_policy a
guest_up "$GUEST_A"
sw_on ha wait_port "$TAPDEV" up
# rh1's cache entry for the VM is permanent: it keeps streaming to the
# VM's MAC across the migration, as a peer with a warm cache does.
ip -n "$(ns rh1)" neigh replace "$VM_IP" lladdr "$VM_MAC" nud permanent \
    dev "$(dev_of rh1)" || fail "cannot set rh1's neighbour entry"
wait_for 10 ping_reaches rh1 "$VM_IP" \
    || fail "rh1 does not reach vm1 on host A"
log "ok: rh1 reaches vm1 on host A"

# first_reply_after NAME T: the arrival time of the first reply of stream
# NAME to a request sent after T (its arrival minus its round trip).
first_reply_after()
{
    awk -v t="$2" '/bytes from/ {
            at = substr($1, 2, length($1) - 2)
            rtt = $0; sub(/.*time=/, "", rtt); sub(/ .*/, "", rtt)
            if (at - rtt / 1000 > t) { print at; f = 1; exit }
        }
        END { exit !f }' "$VST_TMP/$1.ping"
}

# guest_announce DEV: what QEMU does once the guest runs on the
# destination (announce-self): a broadcast RARP from the guest's MAC,
# through its own NIC.
guest_announce()
{
    local hex=${VM_MAC//:/}
    in_ns vm1 "$VST_PY" "$VST_SYSDIR/send-frames.py" --iface "$1" \
        --src "$VM_MAC" --dst ff:ff:ff:ff:ff:ff --type 0x8035 \
        --payload "0001080006040003${hex}00000000${hex}00000000" \
        >/dev/null || fail "send-frames.py in vm1 failed"
}

# migrate SRC DST OLD-DEV NEW-DEV HOW: the domain moves from host SRC to
# host DST under rh1's stream, the guest's device OLD-DEV (on SRC's tap)
# replaced by NEW-DEV (on DST's); HOW says who announces the VM on DST:
# "agent" (port/announce, as vswitch-libvirt-agent on a migrated resume)
# or "qemu" (the guest's own RARP, as QEMU's announce-self).
migrate()
{
    local src=$1 dst=$2 old=$3 new=$4 how=$5 name=to-$2 caps=() pid i n
    local t_switch out last sent got lost run outage_us maxgap_us first
    local resume_us ann0 carrier n_ann=0 d0 S D
    S=${src^^}
    D=${dst^^}
    log "--- migration from host $S to host $D, announced by $how"

    bg_ns rh1 "$VST_TMP/$name.ping" timeout 60 ping -n -D \
        -i "0.0$INTERVAL_MS" -W 1 "$VM_IP"
    pid=$BG_PID
    for i in 1 2; do
        tcap_start phys "$(phys_peer "$(dev "$dst$i")")" "$name$i" in rarp
        caps+=("$CAP_PID")
    done
    ann0=$(sw_on "h$dst" team_json "t['announcements']")
    sleep 1

    hook_on "$dst" migrate begin
    guest_plug "$dst" "$new"
    hook_on "$dst" prepare begin
    hook_on "$dst" start begin
    hook_on "$dst" started begin
    assert_policy "$dst"
    assert_eq "$OWNER" "$(port_json "$src" "p and p['owner']")" \
        "host $S: owner of $TAPDEV, still (the guest still runs there)"

    # The switchover: the guest stops on SRC (its device there is gone
    # when t_switch is taken) and resumes on DST.
    ip -n "$(ns vm1)" link del "$old" || fail "cannot delete $old"
    t_switch=$(date +%s.%N)
    guest_up "$new"
    if [[ $how == agent ]]; then
        out=$(sw_on "h$dst" ctl port/announce "$TAPDEV" 2>&1) \
            || fail "host $D: port/announce $TAPDEV: $out"
        log "host $D: port/announce $TAPDEV:"
        printf '%s\n' "$out" | sed 's/^/    /'
    else
        guest_announce "$new"
    fi
    hook_on "$src" stopped end
    hook_on "$src" release end
    assert_eq None "$(port_json "$src" "p")" \
        "host $S: port $TAPDEV after release"
    sw_on "h$dst" wait_port "$TAPDEV" up

    wait_for $((MAX_GAP_MS / 1000 + 2)) first_reply_after "$name" \
        "$t_switch" || fail "rh1's stream to vm1 did not resume after the \
switchover to host $D: $(tail -n 3 "$VST_TMP/$name.ping")"
    sleep 1
    ping_stop "$pid" "$VST_TMP/$name.ping" >/dev/null
    for pid in "${caps[@]}"; do
        capture_stop "$pid"
    done

    # The gap.  Requests after the highest sequence number answered were
    # cut off by the end of the stream, not lost.
    last=$(sed -n 's/.*icmp_seq=\([0-9]*\).*/\1/p' "$VST_TMP/$name.ping" \
           | sort -n | tail -n1)
    read -r sent got lost run outage_us maxgap_us < <(outage "$name" "$last")
    first=$(first_reply_after "$name" "$t_switch")
    resume_us=$("$VST_PY" -c "print(int((float('$first') - \
float('$t_switch')) * 1e6))")
    log "the stream: $sent requests sent, $got of the first $last \
answered, $lost lost, longest run $run ($((run * INTERVAL_MS)) ms at one \
per $INTERVAL_MS ms), longest time between replies \
$(us_to_ms "$maxgap_us") ms"
    log "GAP ($S to $D, $how): $(us_to_ms "$outage_us") ms from the last \
reply before the switchover to the first after it; first reply through \
$D $(us_to_ms "$resume_us") ms after the switchover"
    assert_cmp "$((outage_us / 1000))" -le "$MAX_GAP_MS" "gap in ms"
    assert_cmp "$((resume_us / 1000))" -le "$MAX_GAP_MS" \
        "ms from the switchover to the first reply through $D"

    # The announcement reached the physical network from DST.
    for i in 1 2; do
        n=$(capture_count "$name$i" "rarp and ether src $VM_MAC")
        log "RARPs with vm1's MAC from $(dev "$dst$i") into the physical \
bridge: $n"
        n_ann=$((n_ann + n))
    done
    assert_cmp "$n_ann" -ge 1 "RARPs with vm1's MAC from host $D's members"
    if [[ $how == agent ]]; then
        carrier=$(sw_on "h$dst" carrier_of "$TAPDEV")
        n=$(capture_count "$name${carrier: -1}" "rarp and ether src $VM_MAC")
        assert_cmp "$n" -ge 1 \
            "RARPs with vm1's MAC from $carrier, the member carrying its port"
        assert_cmp "$(sw_on "h$dst" team_json "t['announcements']")" -gt \
            "$ann0" "host $D's team announcements"
    fi

    # The port security of the metadata is in force on DST: frames from
    # the extra allowed MAC pass, forged ones are dropped.
    d0=$(sw_on "h$dst" stat_of "$TAPDEV" "drops.$DROP_MAC_SECURITY")
    for i in "$EXTRA_MAC" 02:00:00:00:00:66; do
        in_ns vm1 "$VST_PY" "$VST_SYSDIR/send-frames.py" --iface "$new" \
            --pace 0.005 --src "$i" --dst ff:ff:ff:ff:ff:ff --count 10 \
            >/dev/null || fail "send-frames.py in vm1 failed"
    done
    sleep 0.5
    n=$(sw_on "h$dst" stat_of "$TAPDEV" "drops.$DROP_MAC_SECURITY")
    assert_eq 10 "$((n - d0))" "host $D: frames of $TAPDEV dropped as \
$DROP_MAC_SECURITY (10 forged, 10 from the allowed $EXTRA_MAC)"
}

migrate a b "$GUEST_A" "$GUEST_B" agent
migrate b a "$GUEST_B" "$GUEST_A" qemu
log "PASS"
