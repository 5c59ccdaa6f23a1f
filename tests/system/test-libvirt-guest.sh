#!/usr/bin/env bash
# vst-timeout: 300
# test-libvirt-guest: a real QEMU guest run by a real libvirtd plugs itself
# into the switch with the policy of its domain XML (issue 10, the
# end-to-end test).
#
#   guest eth0 (tap t0, metadata: br0 VLAN 42) --+
#   guest eth1 (tap t1, hot-plugged, VLAN 43) ---+-- br0
#   h1 198.18.0.1 (VLAN 42)  h3 198.18.0.3 (VLAN 43) --+
#   h2 198.18.1.1 (VLAN 43) -------------------------+
#
# The guest is Debian's kernel (the linux-image package file, unpacked in
# the temp dir, not installed) and a busybox initramfs that
# tests/system/guest-image.sh builds; it runs under TCG, or KVM if a
# probe guest boots under KVM within 8 s.  libvirtd (Debian's) runs in the
# switch's namespace, in a private mount namespace where /etc/libvirt,
# /run/libvirt, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt,
# /etc/passwd and /etc/group are the test's own (under its temp dir): its
# configuration, its hook directory (hooks/qemu.d/vswitch runs the
# project's vswitch-libvirt-hook with this test's VSWITCH_SOCKET), its
# socket and state, and the user libvirt-qemu it looks up.  Its taps and
# QEMU live in the switch's namespace.  On the machine itself the test
# only creates those five libvirt directories as empty mount points if
# they are missing (and removes them at the end); libvirtd and the agent
# are stopped by pid, QEMU with the namespace (after a virsh destroy).
#
#   - virsh create: the hook's started attaches tap t0 to br0, VLAN 42,
#     owned by the domain, with no add-port; the guest (198.18.0.2)
#     answers h1 on VLAN 42, not h3 (same subnet, VLAN 43), and its own
#     pings (sent by its init) reach h1, not h3;
#   - virsh attach-device --live: the event agent attaches tap t1 to the
#     default bridge (no entry for its MAC yet), untagged: h2 does not
#     reach the guest's eth1 (198.18.1.2);
#   - virsh metadata --live --set with an entry for it (VLAN 43): the
#     agent moves it to VLAN 43, h2 reaches the guest's eth1;
#   - virsh destroy: both ports are gone.
# Skips when QEMU, libvirtd, busybox-static or a Debian kernel package is
# not available (tests/setup.sh installs and fetches them).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=libvirt-lib.sh
. "$(dirname "$0")/libvirt-lib.sh"
vst_init

HOOK=$VST_BUILD/utilities/vswitch-libvirt-hook
AGENT=$VST_BUILD/utilities/vswitch-libvirt-agent
[[ -x $HOOK ]] || fail "$HOOK not built (make)"
[[ -x $AGENT ]] || skip "$AGENT not built (configured without libvirt)"
QEMU=/usr/bin/qemu-system-x86_64
[[ -x $QEMU ]] || skip "no $QEMU (apt-get install qemu-system-x86)"
LIBVIRTD=/usr/sbin/libvirtd
[[ -x $LIBVIRTD ]] || skip "no $LIBVIRTD (apt-get install libvirt-daemon)"
LV_DRIVERS=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver
[[ -e $LV_DRIVERS/libvirt_driver_qemu.so ]] \
    || skip "no libvirt QEMU driver \
(apt-get install libvirt-daemon-driver-qemu)"
require_cmd virsh unshare cpio dpkg-deb

NSURI=urn:vswitchd:libvirt:1
UUID=4f1c6a52-9d0e-4b7a-8c21-6f3e5d2a1b90
OWNER=libvirt:$UUID
DOM=$P-guest
MAC0=52:54:00:5e:00:01
MAC1=52:54:00:5e:00:02
TAP0=$(dev t0)
TAP1=$(dev t1)
LV=$VST_TMP/lv
LV_SOCK=$LV/run/libvirt-sock
URI="qemu:///system?socket=$LV_SOCK"
LIBVIRTD_PID=
MADE_DIRS=()

# ---------------------------------------------------------------------------
# Cleanup beyond lib.sh's: the domain, libvirtd, the mount points we made.

lv_cleanup()
{
    local d
    if [[ -n $LIBVIRTD_PID ]] && kill -0 "$LIBVIRTD_PID" 2>/dev/null; then
        timeout 10 virsh -q -c "$URI" destroy "$DOM" >/dev/null 2>&1
        stop_pid "$LIBVIRTD_PID"
    fi
    for d in "${MADE_DIRS[@]}"; do
        rmdir "$d" 2>/dev/null
    done
}
lv_exit()
{
    local rc=$?
    lv_cleanup
    (exit "$rc")
    vst_cleanup
}
trap lv_exit EXIT

# lv_fail MSG: fails with the end of libvirtd's, QEMU's, the agent's and
# the guest console's logs.
lv_fail()
{
    local f
    for f in "$LV"/log/libvirtd.log "$LV"/log/qemu/"$DOM".log \
             "$VST_TMP"/agent.log "$VST_TMP"/hook-calls.log \
             "$VST_TMP"/console.log; do
        [[ -s $f ]] || continue
        printf '%s: --- last lines of %s ---\n' "$VST_NAME" \
            "${f#"$VST_TMP"/}" >&2
        tail -n 15 "$f" >&2
    done
    fail "$@"
}

vsh()
{
    timeout 60 virsh -q -c "$URI" "$@"
}

# ---------------------------------------------------------------------------
# The guest's kernel and initramfs.

# A Debian kernel package file (tests/setup.sh leaves one in apt's
# cache), its kernel and modules unpacked in the temp dir.
# guest_image ARGS...: guest-image.sh ARGS, its stdout (and stderr) in OUT;
# skips if the machine lacks something, fails on any other error.
guest_image()
{
    local rc=0
    OUT=$(bash "$VST_SYSDIR/guest-image.sh" "$@" 2>&1) || rc=$?
    ((rc != 77)) || skip "no guest: $OUT"
    ((rc == 0)) || fail "guest-image.sh $*: $OUT"
}
guest_image --kernel-deb "$VST_TMP"
DEB=$OUT
GUEST=$VST_TMP/guest
guest_image "$DEB" "$GUEST"
log "guest: kernel from $(basename "$DEB"), initramfs \
$(($(stat -c %s "$GUEST/initramfs.gz") / 1024)) KiB"
CMDLINE="console=ttyS0 quiet panic=-1 vswip=$MAC0,198.18.0.2/24 \
vswip=$MAC1,198.18.1.2/24 vswping=198.18.0.1 vswping=198.18.0.3"

# KVM only if a guest really runs under it: on some machines /dev/kvm
# opens but a guest never gets to its console.
ACCEL=tcg
DOMTYPE=qemu
CPU_XML=
if [[ -r /dev/kvm && -w /dev/kvm ]]; then
    # In a subshell that outlives it: QEMU may abort, and bash would say
    # so on stderr.
    (timeout -k 1 8 "$QEMU" -accel kvm -cpu host -m 128 -nodefaults \
        -display none -no-reboot -kernel "$GUEST/vmlinuz" \
        -initrd "$GUEST/initramfs.gz" \
        -append "console=ttyS0 quiet panic=-1 vswprobe" \
        -serial "file:$VST_TMP/kvm-probe.log" >"$VST_TMP/kvm-probe.out" 2>&1
        true) 2>/dev/null
    if grep -qs 'guest: init' "$VST_TMP/kvm-probe.log"; then
        ACCEL=kvm
        DOMTYPE=kvm
        CPU_XML="<cpu mode='host-passthrough'/>"
    else
        log "KVM: a probe guest did not reach its init (within 8 s): \
TCG then ($(head -n 1 "$VST_TMP/kvm-probe.out"))"
    fi
fi
log "accelerator: $ACCEL"

# ---------------------------------------------------------------------------
# The switch and the hosts.

sw_ns
vm_add h1 198.18.0.1/24
vm_add h2 198.18.1.1/24
vm_add h3 198.18.0.3/24
sw_start
ctl_ok add-br br0
attach br0 h1 vlan=42
attach br0 h2 vlan=43
attach br0 h3 vlan=43
# NICs without a <vsw:port> entry go to br0, untagged (read by the agent).
libvirt_default_bridge br0

# ---------------------------------------------------------------------------
# libvirtd, private to the test.

mkdir -p "$LV"/{etc/hooks/qemu.d,run,lib,cache,log/qemu} \
    || fail "cannot make $LV"
cat >"$LV/etc/libvirtd.conf" <<EOF
unix_sock_dir = "/run/libvirt"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
# No cgroups, no security labels, no per-VM mount namespace, no virtlogd:
# nothing outside the test's directories and namespace.
cat >"$LV/etc/qemu.conf" <<EOF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
EOF
# The hook libvirt runs (it clears the environment): the project's hook,
# pointed at this test's daemon (and, on a sanitized build, given the
# runner's sanitizer options); each call is logged for the report.
# shellcheck disable=SC2016 # single quotes in the generated script
cat >"$LV/etc/hooks/qemu.d/vswitch" <<EOF
#!/bin/sh
echo "\$*" >>"$VST_TMP/hook-calls.log"
${ASAN_OPTIONS:+export ASAN_OPTIONS='$ASAN_OPTIONS'}
${UBSAN_OPTIONS:+export UBSAN_OPTIONS='$UBSAN_OPTIONS'}
VSWITCH_SOCKET='$VST_SOCK' exec '$HOOK' "\$@"
EOF
chmod 755 "$LV/etc/hooks/qemu.d/vswitch"
cp /etc/passwd "$LV/passwd" || fail "cannot copy /etc/passwd"
cp /etc/group "$LV/group" || fail "cannot copy /etc/group"
# The QEMU driver looks up its user and group before it reads qemu.conf.
grep -q '^libvirt-qemu:' "$LV/passwd" \
    || echo 'libvirt-qemu:x:64055:64055::/nonexistent:/usr/sbin/nologin' \
        >>"$LV/passwd"
grep -q '^libvirt-qemu:' "$LV/group" \
    || echo 'libvirt-qemu:x:64055:' >>"$LV/group"
grep -q '^kvm:' "$LV/group" || echo 'kvm:x:64056:' >>"$LV/group"

for d in /etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt \
         /var/log/libvirt; do
    if [[ ! -d $d ]]; then
        mkdir "$d" || fail "cannot make the mount point $d"
        MADE_DIRS+=("$d")
    fi
done
cat >"$LV/start" <<EOF
set -e
mount --bind "$LV/etc" /etc/libvirt
mount --bind "$LV/run" /run/libvirt
mount --bind "$LV/lib" /var/lib/libvirt
mount --bind "$LV/cache" /var/cache/libvirt
mount --bind "$LV/log" /var/log/libvirt
mount --bind "$LV/passwd" /etc/passwd
mount --bind "$LV/group" /etc/group
exec "$LIBVIRTD" --config /etc/libvirt/libvirtd.conf
EOF
bg_ns sw "$VST_TMP/libvirtd.out" unshare --mount --propagation private \
    sh "$LV/start"
LIBVIRTD_PID=$BG_PID
t0=$SECONDS
# shellcheck disable=SC2317 # called through wait_for
libvirtd_answers() { virsh -q -c "$URI" version >/dev/null 2>&1; }
wait_for 30 libvirtd_answers || lv_fail "libvirtd did not answer on \
$LV_SOCK within 30 s: $(tail -n 5 "$VST_TMP/libvirtd.out")"
log "libvirtd (pid $LIBVIRTD_PID) answers after $((SECONDS - t0)) s"

# ---------------------------------------------------------------------------
# The domain.

cat >"$VST_TMP/domain.xml" <<EOF
<domain type='$DOMTYPE'>
  <name>$DOM</name>
  <uuid>$UUID</uuid>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  $CPU_XML
  <metadata>
    <vsw:ports xmlns:vsw="$NSURI">
      <vsw:port mac="$MAC0" bridge="br0" vlan="42" mac-limit="4"/>
    </vsw:ports>
  </metadata>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST/vmlinuz</kernel>
    <initrd>$GUEST/initramfs.gz</initrd>
    <cmdline>$CMDLINE</cmdline>
  </os>
  <features><acpi/></features>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>$QEMU</emulator>
    <interface type='ethernet'>
      <mac address='$MAC0'/>
      <target dev='$TAP0'/>
      <model type='virtio'/>
      <rom enabled='no'/>
    </interface>
    <serial type='file'>
      <source path='$VST_TMP/console.log'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
cat >"$VST_TMP/nic1.xml" <<EOF
<interface type='ethernet'>
  <mac address='$MAC1'/>
  <target dev='$TAP1'/>
  <model type='virtio'/>
  <rom enabled='no'/>
</interface>
EOF

console_has() { grep -qs -- "$1" "$VST_TMP/console.log"; }

log "virsh create"
t0=$SECONDS
out=$(vsh create "$VST_TMP/domain.xml" 2>&1) \
    || lv_fail "virsh create failed: $out"
log "created in $((SECONDS - t0)) s: $out"
grep -q "^$DOM prepare begin" "$VST_TMP/hook-calls.log" \
    || lv_fail "libvirt did not run the hook's prepare"
grep -q "^$DOM started begin" "$VST_TMP/hook-calls.log" \
    || lv_fail "libvirt did not run the hook's started"
has_port "$TAP0" || lv_fail "no port $TAP0 after started: $(ctl show)"
assert_eq "$OWNER" "$(port_field "$TAP0" owner)" "owner of $TAP0"
assert_eq 42 "$(port_field "$TAP0" vlan)" "vlan of $TAP0"
wait_port "$TAP0" up

t0=$SECONDS
wait_for 120 console_has "guest: eth0 $MAC0 198.18.0.2/24 up" \
    || lv_fail "the guest did not bring eth0 up within 120 s"
log "guest booted ($ACCEL): $(grep -a -m 1 -o 'init at [0-9.]*' \
"$VST_TMP/console.log") s of its uptime, eth0 up $((SECONDS - t0)) s after \
virsh create returned"
wait_for 20 ping_reaches h1 198.18.0.2 \
    || lv_fail "h1 (VLAN 42) does not reach the guest's eth0 within 20 s"
assert_ping h1 198.18.0.2
assert_no_ping h3 198.18.0.2
# The guest's own pings, sent once its eth0 was up.
wait_for 30 console_has "guest: ping 198.18.0.3: " \
    || lv_fail "the guest did not report its pings within 30 s"
guest_ping()
{
    grep -a -o "guest: ping $1: [0-9]* of 3" "$VST_TMP/console.log" \
        | tr -d '\r' | sed 's/.*: //'
}
assert_eq "3 of 3" "$(guest_ping 198.18.0.1)" "the guest's pings to h1 \
(VLAN 42)"
assert_eq "0 of 3" "$(guest_ping 198.18.0.3)" "the guest's pings to h3 \
(VLAN 43)"

log "hot-plug a second NIC: the agent attaches it"
bg_ns sw "$VST_TMP/agent.log" "$AGENT" --connect="$URI" \
    --socket="$VST_SOCK" --verbose
wait_for 10 grep -q "$DOM" "$VST_TMP/agent.log" \
    || lv_fail "the agent did not resync $DOM within 10 s"
out=$(vsh attach-device "$DOM" "$VST_TMP/nic1.xml" --live 2>&1) \
    || lv_fail "virsh attach-device failed: $out"
t0=$SECONDS
wait_for 10 has_port "$TAP1" || lv_fail "no port $TAP1 10 s after the hot-plug"
log "port $TAP1 added within $((SECONDS - t0)) s of the hot-plug"
ctl show | grep -q "$TAP1" || fail "vswitch-ctl show does not list $TAP1"
assert_eq "$OWNER" "$(port_field "$TAP1" owner)" "owner of $TAP1"
assert_eq 0 "$(port_field "$TAP1" vlan)" "vlan of $TAP1 (no entry: untagged)"
wait_for 60 console_has "guest: eth1 $MAC1 198.18.1.2/24 up" \
    || lv_fail "the guest did not bring eth1 up within 60 s"
assert_no_ping h2 198.18.1.2

log "its policy in the live metadata: VLAN 43"
out=$(vsh metadata "$DOM" "$NSURI" --live --key vsw --set "<ports>\
<port mac='$MAC0' bridge='br0' vlan='42' mac-limit='4'/>\
<port mac='$MAC1' bridge='br0' vlan='43'/></ports>" 2>&1) \
    || lv_fail "virsh metadata --set failed: $out"
wait_for 5 port_field_is "$TAP1" vlan 43 \
    || lv_fail "$TAP1 on VLAN '$(port_field "$TAP1" vlan)' 5 s after the \
metadata change, not 43"
wait_for 20 ping_reaches h2 198.18.1.2 \
    || lv_fail "h2 (VLAN 43) does not reach the guest's eth1 within 20 s"
assert_ping h2 198.18.1.2
assert_ping h1 198.18.0.2
assert_eq 42 "$(port_field "$TAP0" vlan)" "vlan of $TAP0"

log "virsh destroy: the ports go"
out=$(vsh destroy "$DOM" 2>&1) || lv_fail "virsh destroy failed: $out"
grep -q "^$DOM release end" "$VST_TMP/hook-calls.log" \
    || lv_fail "libvirt did not run the hook's release"
wait_for 5 no_port "$TAP0" || lv_fail "port $TAP0 still there after destroy"
wait_for 5 no_port "$TAP1" || lv_fail "port $TAP1 still there after destroy"
assert_eq "" "$(ctl show | grep -E "$TAP0|$TAP1")" "the guest's ports in show"
log "hook calls: $(tr '\n' ';' <"$VST_TMP/hook-calls.log")"
assert_eq 42 "$(port_field "$(port_of h1)" vlan)" "h1's port after destroy"
log "PASS"
