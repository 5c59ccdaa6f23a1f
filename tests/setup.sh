#!/usr/bin/env bash
# setup.sh: makes a fresh Debian 12 machine ready to build and test vswitch,
# and builds it.  Idempotent: installs only missing packages (apt-get update
# only then), regenerates the build system only when it is missing or
# older than configure.ac, configures only when there is no Makefile
# (with $CONFIGURE_FLAGS), then runs make.
#
# Output is a few lines; the details go to tests/setup.log (or $SETUP_LOG).
# Run as root when packages are missing.
#
# With --fuzz, also installs what `make fuzz` and the CI's sanitizer passes
# need beyond the compiler: clang with libFuzzer (FUZZ_PACKAGES).

set -euo pipefail

cd "$(dirname "$0")/.."
SRCDIR=$(pwd)
LOG=${SETUP_LOG:-$SRCDIR/tests/setup.log}

PACKAGES=(
    build-essential autoconf automake libtool pkg-config
    libglib2.0-dev libjson-glib-dev libnl-3-dev libnl-route-3-dev
    liburcu-dev libxml2-dev libvirt-dev libcunit1-dev
    iproute2 iputils-ping iperf3 python3 python3-scapy tcpdump ethtool
    procps man-db python3-matplotlib  # the demo's timeline picture
    dpkg-dev debhelper lintian fakeroot  # test-package: the Debian package
    busybox-static cpio  # test-libvirt-guest: the guest's initramfs
)
# Installed without starting their system service (see below): Open
# vSwitch, the upstream switch of the LACP system tests, which start their
# own private instance (tests/system/ovs-lib.sh) and never use the
# machine's.
# test-libvirt-guest's libvirtd with its QEMU driver, virsh and QEMU: not
# libvirt-daemon-system (a service, and a default network with virbr0);
# the test starts its own private libvirtd.
NOSTART_PACKAGES=(openvswitch-switch libvirt-daemon libvirt-daemon-driver-qemu
                  libvirt-clients qemu-system-x86)
# `make fuzz` (tests/fuzz/fuzz.sh): clang's -fsanitize=fuzzer is in
# libclang-rt-14-dev, which clang only recommends.  GCC's ASan, UBSan,
# LSan and TSan runtimes come with build-essential.
FUZZ_PACKAGES=(clang libclang-rt-14-dev)

if [[ ${1:-} == --fuzz ]]; then
    PACKAGES+=("${FUZZ_PACKAGES[@]}")
    shift
fi
PACKAGES+=("${NOSTART_PACKAGES[@]}")
if (($#)); then
    printf 'usage: %s [--fuzz]\n' "$0" >&2
    exit 2
fi

step()
{
    printf 'setup: %s\n' "$*"
}

die()
{
    printf 'setup: error: %s\n' "$*" >&2
    if [[ -s $LOG ]]; then
        printf 'setup: --- last lines of %s ---\n' "$LOG" >&2
        tail -n 30 "$LOG" >&2
    fi
    exit 1
}

: >"$LOG" || die "cannot write the log file $LOG"

# 1. Packages.
missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        die "missing packages: ${missing[*]}
  run this script as root, or: sudo apt-get install ${missing[*]}"
    fi
    step "installing ${missing[*]} (log: $LOG)"
    export DEBIAN_FRONTEND=noninteractive
    # A package of NOSTART_PACKAGES would start its service on
    # installation: a policy-rc.d that forbids service starts (an existing
    # one is left alone) is in place for the install, and removed after.
    policy=/usr/sbin/policy-rc.d
    made_policy=false
    for p in "${NOSTART_PACKAGES[@]}"; do
        if [[ " ${missing[*]} " == *" $p "* && ! -e $policy ]]; then
            printf '#!/bin/sh\nexit 101\n' >"$policy" \
                || die "cannot write $policy"
            chmod 755 "$policy"
            made_policy=true
            trap 'rm -f "$policy"' EXIT
            break
        fi
    done
    apt-get update -q >>"$LOG" 2>&1 \
        || die "apt-get update failed (is a Debian mirror reachable?)"
    apt-get install -y -q --no-install-recommends "${missing[@]}" \
        >>"$LOG" 2>&1 || die "apt-get install ${missing[*]} failed"
    if $made_policy; then
        rm -f "$policy"
        trap - EXIT
    fi
else
    step "all ${#PACKAGES[@]} packages present"
fi

# test-libvirt-guest's guest kernel: Debian's, as a package file in apt's
# own cache (/var/cache/apt/archives, emptied by apt-get clean), never
# installed; the test unpacks it in its temp dir.
if [[ $(id -u) -eq 0 ]]; then
    bash tests/system/guest-image.sh --kernel-deb /var/cache/apt/archives \
        >>"$LOG" 2>&1 \
        || step "no kernel package file for test-libvirt-guest (it will skip)"
fi

# 2. Build system.
if [[ ! -f configure || configure.ac -nt configure ]]; then
    step "autoreconf -fi"
    autoreconf -fi >>"$LOG" 2>&1 || die "autoreconf failed"
fi
if [[ ! -f Makefile ]]; then
    step "./configure ${CONFIGURE_FLAGS:-}"
    # shellcheck disable=SC2086
    ./configure ${CONFIGURE_FLAGS:-} >>"$LOG" 2>&1 \
        || die "./configure failed (see config.log)"
fi

# 3. Build.
jobs=$(nproc 2>/dev/null || echo 2)
step "make -j$jobs"
make -j"$jobs" >>"$LOG" 2>&1 || die "make failed"
step "built vswitchd/vswitchd and utilities/vswitch-ctl"
