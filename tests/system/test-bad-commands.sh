#!/usr/bin/env bash
# test-bad-commands: bad commands are refused with a one-line message that
# names what is wrong, exit status 1 (refused) or 2 (usage), and change
# nothing: `show --json`, the static entries and the configuration file stay
# exactly as they were; afterwards the daemon still takes good commands.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

sw_ns
vm_add vm1 198.18.0.1/24
vm_add vm2 198.18.0.2/24
sw_start
ctl_ok add-br br0
ctl_ok add-br br1
attach br0 vm1 vlan=10
ctl_ok fdb/add br0 02:00:00:00:aa:01 vlan=10 port="$(port_of vm1)"

P1=$(port_of vm1)
P2=$(port_of vm2)
NODEV=$(dev nodev)

state()
{
    ctl --json show
    ctl --json list-br
    fdb_json br0 "[e for e in d['entries'] if e['static']]"
}
before=$(state) || fail "cannot read the state"
cp "$VST_CONF" "$VST_TMP/conf.before" || fail "no configuration file written"

# refused WORD CMD...: CMD must be refused, with exit status 1 or 2 and one
# line "vswitch-ctl: REASON" on stderr that contains WORD; the state must not
# change.
refused()
{
    local word=$1 rc err
    shift
    ctl "$@" >"$VST_TMP/out" 2>"$VST_TMP/err"
    rc=$?
    err=$(cat "$VST_TMP/err")
    [[ $rc == 1 || $rc == 2 ]] \
        || fail "vswitch-ctl $*: expected exit status 1 or 2, got $rc ($err)"
    # A refusal is one line; a usage error may add a hint after it.
    if [[ $rc == 1 && $(wc -l <"$VST_TMP/err") != 1 ]]; then
        fail "vswitch-ctl $*: expected one line on stderr, got: $err"
    fi
    err=$(head -n 1 "$VST_TMP/err")
    [[ $err == "vswitch-ctl: "?* ]] \
        || fail "vswitch-ctl $*: stderr does not start with 'vswitch-ctl: ': $err"
    [[ ${err,,} == *"${word,,}"* ]] \
        || fail "vswitch-ctl $*: the message does not name '$word': $err"
    [[ $(state) == "$before" ]] \
        || fail "vswitch-ctl $*: refused (status $rc) but the state changed"
    cmp -s "$VST_CONF" "$VST_TMP/conf.before" \
        || fail "vswitch-ctl $*: refused (status $rc) but the config file changed"
    log "ok: refused with status $rc: vswitch-ctl $* -> $err"
}

refused 5000 add-port br0 "$P2" vlan=5000
refused 5000 set-port "$P1" vlan=5000
refused 5000 add-port br0 "$P2" trunks=10,5000
# A device that does not exist yet is accepted (test-port-absent); a name
# that no device can have is not.
refused "too long" add-port br0 "${NODEV}0123456789" vlan=10
refused br0 add-port br1 "$P1" vlan=10
refused br0 add-port br0 "$P1" vlan=10
refused nosuchbr del-br nosuchbr
refused nosuchbr add-port nosuchbr "$P2" vlan=10
refused native add-port br0 "$P2" native=10
refused native set-port "$P1" native=10
refused 02:00:00:00:00:zz fdb/add br0 02:00:00:00:00:zz vlan=10 port="$P1"
refused 02:00:00:00:00 fdb/add br0 02:00:00:00:00 vlan=10 port="$P1"
refused 4095 fdb/add br0 02:00:00:00:00:09 vlan=4095 port="$P1"
refused br0 add-br br0
refused "$P1" add-br "$P1"
refused mac-aging set-br br0 mac-aging=-1
refused mac-table-size add-br br2 mac-table-size=0
refused br01234567890123 add-br br01234567890123
refused "$P2" del-port br0 "$P2"
refused frobnicate frobnicate

# The JSON form of a refusal.
out=$(ctl --json add-port br0 "$P2" vlan=5000 2>/dev/null)
rc=$?
assert_eq 1 "$rc" "exit status of a refused command with --json"
assert_eq True "$(printf '%s' "$out" | json "'5000' in d['error']")" \
    "'error' of the JSON answer names 5000"
[[ $(state) == "$before" ]] || fail "the state changed"

# A good command still works.
attach br0 vm2 vlan=10
assert_ping vm1 198.18.0.2
exit 0
