#!/usr/bin/env bash
# bench-deps.sh: installs what `make bench` needs on a Debian 12 machine,
# as root: the peers (Open vSwitch), the traffic tools and the chart.
#
# Installing openvswitch-switch would start its system service; the
# benchmark never uses it (it starts its own private ovsdb-server and
# ovs-vswitchd), so the install runs with a policy-rc.d that forbids
# service starts, and removes it again.  An existing policy-rc.d is left
# alone.
set -euo pipefail

PACKAGES=(openvswitch-switch python3-matplotlib iperf3 ethtool iproute2
          iputils-ping procps)
missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]})) || exit 0
if [[ $(id -u) -ne 0 ]]; then
    echo "bench-deps: missing packages: ${missing[*]} (run as root)" >&2
    exit 1
fi
echo "bench-deps: installing ${missing[*]}"
policy=/usr/sbin/policy-rc.d
made_policy=false
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=true
fi
trap '$made_policy && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
