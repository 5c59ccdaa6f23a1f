#!/usr/bin/env bash
# guest-image.sh: a tiny guest for QEMU from Debian's packages, built
# without installing anything on this machine.
#
# guest-image.sh --kernel-deb DIR: prints the path of a Debian kernel
# package file (linux-image-*-amd64, the one linux-image-amd64 depends
# on): the newest in apt's cache (/var/cache/apt/archives), else one
# downloaded now into DIR with apt-get download.  tests/setup.sh runs it
# with DIR = apt's cache, test-libvirt-guest with its temp dir.
#
# guest-image.sh KERNEL-DEB OUTDIR: builds
#
#   OUTDIR/vmlinuz        the kernel, taken out of KERNEL-DEB;
#   OUTDIR/initramfs.gz   busybox-static's /bin/busybox, the kernel's
#                         virtio-net modules (from the same package) and an
#                         init that loads them and configures every NIC
#                         that appears, hot-plugged ones included.
#
# The guest's init reads "vswip=MAC,ADDR/LEN" words from the kernel
# command line: the NIC with MAC gets ADDR/LEN, is brought up, and the
# console (ttyS0) gets "guest: NIC MAC ADDR/LEN up".  It logs
# "guest: init at UPTIME" when it starts (and powers off at once if the
# command line has the word "vswprobe") and "guest: ready" once the
# drivers are loaded; NICs without a vswip word are left down.  Once eth0
# is up, it pings each address of a "vswping=ADDR" word 3 times and logs
# "guest: ping ADDR: N of 3 replies".  The kernel answers pings on its own.
#
# Exits 0; 77 with a line on stderr if this machine lacks something
# (busybox-static, cpio, a kernel package); 1 with a line on other errors.
set -euo pipefail

if (($# != 2)); then
    echo "usage: $0 KERNEL-DEB OUTDIR | --kernel-deb DIR" >&2
    exit 2
fi
BUSYBOX=/bin/busybox
# virtio-net and what it needs, in dependency order (modinfo -F depends).
MODULES=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
         virtio_pci failover net_failover virtio_net)

die()
{
    printf 'guest-image: %s\n' "$*" >&2
    exit 1
}

# missing WHAT: something this machine lacks (not an error of ours).
missing()
{
    printf 'guest-image: %s\n' "$*" >&2
    exit 77
}

# kernel_deb DIR: see --kernel-deb above.
kernel_deb()
{
    local dir=$1 deb name
    deb=$(find /var/cache/apt/archives -maxdepth 1 \
          -name 'linux-image-[0-9]*-amd64_*_amd64.deb' -printf '%T@ %p\n' \
          2>/dev/null | sort -n | tail -n 1 | cut -d' ' -f2-)
    if [[ -z $deb ]]; then
        name=$(apt-cache depends linux-image-amd64 2>/dev/null \
               | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' \
               | head -n 1)
        [[ -n $name ]] || missing "no kernel package file in apt's cache, and \
apt knows no linux-image-amd64 (apt-get update?)"
        (cd "$dir" && timeout 300 apt-get download -q "$name") \
            >"$dir/apt-download.log" 2>&1 \
            || missing "cannot download $name: \
$(tail -n 1 "$dir/apt-download.log")"
        rm -f "$dir/apt-download.log"
        deb=$(find "$dir" -maxdepth 1 -name "${name}_*.deb" | head -n 1)
    fi
    [[ -n $deb ]] || missing "no kernel package file"
    printf '%s\n' "$deb"
}

if [[ $1 == --kernel-deb ]]; then
    kernel_deb "$2"
    exit 0
fi
DEB=$1
OUT=$2
[[ -f $DEB ]] || die "no kernel package $DEB"
[[ -x $BUSYBOX ]] || missing "no $BUSYBOX (apt-get install busybox-static)"
# Debian's busybox package has a dynamically linked one: the guest has
# no libraries.
if ! elf=$(LC_ALL=C readelf -l "$BUSYBOX" 2>/dev/null); then
    die "cannot read $BUSYBOX"
fi
[[ $elf == *"Requesting program interpreter"* ]] \
    && missing "$BUSYBOX is dynamically linked \
(apt-get install busybox-static)"
command -v cpio >/dev/null || missing "no cpio (apt-get install cpio)"

mkdir -p "$OUT/deb" "$OUT/root"
# Only the kernel and the modules we need: the package's data stream is
# read once.
dpkg-deb --fsys-tarfile "$DEB" \
    | tar -x -C "$OUT/deb" --wildcards './boot/vmlinuz-*' \
        './lib/modules/*/kernel/drivers/virtio/*' \
        './lib/modules/*/kernel/drivers/net/virtio_net.ko*' \
        './lib/modules/*/kernel/drivers/net/net_failover.ko*' \
        './lib/modules/*/kernel/net/core/failover.ko*' \
    || die "cannot extract the kernel from $DEB"
vmlinuz=("$OUT"/deb/boot/vmlinuz-*)
[[ -f ${vmlinuz[0]} ]] || die "no /boot/vmlinuz-* in $DEB"
mv "${vmlinuz[0]}" "$OUT/vmlinuz"

r=$OUT/root
mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/lib/modules"
cp "$BUSYBOX" "$r/bin/busybox"
for m in "${MODULES[@]}"; do
    f=$(find "$OUT/deb/lib/modules" -name "$m.ko*" | head -n 1)
    [[ -n $f ]] || die "no module $m in $DEB"
    case $f in
    *.ko) cp "$f" "$r/lib/modules/$m.ko" ;;
    *.ko.xz) xz -dc "$f" >"$r/lib/modules/$m.ko" ;;
    *.ko.zst) zstd -qdc "$f" >"$r/lib/modules/$m.ko" ;;
    *) die "module $f: unknown compression" ;;
    esac
done
rm -rf "$OUT/deb"

cat >"$r/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "guest: init at \$(cut -d' ' -f1 /proc/uptime)"
# A probe (is this accelerator usable?) only needs to get here.
case " \$(cat /proc/cmdline) " in
*" vswprobe "*) poweroff -f ;;
esac
for m in ${MODULES[*]}; do
    insmod /lib/modules/\$m.ko || echo "guest: insmod \$m failed"
done
ip link set lo up
echo "guest: ready"
# Every NIC that appears (at boot or hot-plugged) gets the address the
# command line gives its MAC.
while true; do
    for d in /sys/class/net/*; do
        n=\${d##*/}
        [ -e /tmp/up.\$n ] && continue
        mac=\$(cat \$d/address)
        for w in \$(cat /proc/cmdline); do
            case \$w in
            vswip=\$mac,*)
                a=\${w#vswip=\$mac,}
                ip addr add \$a dev \$n && ip link set \$n up \\
                    && echo "guest: \$n \$mac \$a up"
                touch /tmp/up.\$n
                ;;
            esac
        done
    done
    # Once eth0 is up, each "vswping=ADDR" word: 3 echo requests to ADDR,
    # in the background, and "guest: ping ADDR: N of 3 replies".
    if [ -e /tmp/up.eth0 ] && [ ! -e /tmp/pinged ]; then
        touch /tmp/pinged
        for w in \$(cat /proc/cmdline); do
            case \$w in
            vswping=*)
                a=\${w#vswping=}
                n=\$(ping -c 3 -W 2 \$a 2>/dev/null \\
                    | sed -n 's/.* \\([0-9]*\\) packets received.*/\\1/p')
                echo "guest: ping \$a: \${n:-0} of 3 replies"
                ;;
            esac
        done &
    fi
    sleep 0.2
done
EOF
chmod 755 "$r/init"
(cd "$r" && find . | cpio -o -H newc --quiet) | gzip -1 >"$OUT/initramfs.gz" \
    || die "cannot make the initramfs"
rm -rf "$r"
