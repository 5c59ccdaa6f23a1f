#!/usr/bin/env bash
# test-team-src-port: team bond0 of two uplinks, policy src-port, four VMs:
# each member carries two VMs' ports (team/show --json "ports"), and the
# echo requests of each VM to a remote host leave on its own member only:
# that member's tx-packets grows by at least the requests sent, the other
# member's by fewer than that (nothing of this VM leaves there).  At the
# end each member sent at least the requests of its two VMs.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

N=50            # Echo requests per VM.

# rebalance=0: the assignment must not change under the test's feet.
team_world 4 2 -- policy=src-port rebalance=0
U1=$(member u1)
U2=$(member u2)
assert_eq "src-port" "$(team_json "t['policy']")" "policy"

# Two ports on each member, every VM port on exactly one.
for u in "$U1" "$U2"; do
    assert_eq 2 "$(team_json "len(m['$u']['ports'])")" \
        "number of ports carried by $u"
done
assert_eq 4 "$(team_json "len(set(m['$U1']['ports']) \
| set(m['$U2']['ports']))")" "distinct ports carried by the two members"

declare -A carrier before
for i in 1 2 3 4; do
    carrier[vm$i]=$(carrier_of "$(port_of "vm$i")")
    [[ -n ${carrier[vm$i]} ]] || tfail "no member carries vm$i's port"
    log "vm$i's port is carried by ${carrier[vm$i]}"
done
for u in "$U1" "$U2"; do
    before[$u]=$(member_tx "$u")
done

for i in 1 2 3 4; do
    vm=vm$i
    own=${carrier[$vm]}
    other=$U1
    [[ $own == "$U1" ]] && other=$U2
    t0=$(member_tx "$own")
    o0=$(member_tx "$other")
    out=$(in_ns "$vm" timeout 20 ping -n -q -c "$N" -i 0.01 -W 1 \
        "$(rh_ip 1)" 2>&1)
    got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")
    assert_eq "$N" "$got" "echo replies from rh1 to $vm"
    t1=$(member_tx "$own")
    o1=$(member_tx "$other")
    assert_cmp "$((t1 - t0))" -ge "$N" \
        "tx-packets of $own ($vm's member) during $vm's $N pings"
    assert_cmp "$((o1 - o0))" -lt "$N" \
        "tx-packets of $other (not $vm's member) during $vm's $N pings"
done

# Each member sent at least the requests of its two VMs.
for u in "$U1" "$U2"; do
    assert_cmp "$(($(member_tx "$u") - before[$u]))" -ge "$((2 * N))" \
        "tx-packets of $u over the whole run (2 VMs x $N)"
done
# And nothing moved.
for i in 1 2 3 4; do
    assert_eq "${carrier[vm$i]}" "$(carrier_of "$(port_of "vm$i")")" \
        "member carrying vm$i's port at the end"
done
exit 0
