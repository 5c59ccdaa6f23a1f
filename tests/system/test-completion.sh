#!/usr/bin/env bash
# test-completion: the bash completion of vswitch-ctl
# (utilities/vswitch-ctl.bash) against a running daemon with bridges br0
# (ports of vm1 and vm2, team bond0 of u1 and u2) and br1 (empty), and vm3's
# device in the switch's namespace but not in the switch.  A fresh bash
# sources the script, finds the function that "complete -p vswitch-ctl"
# names, and calls it as bash would: COMP_LINE and COMP_POINT at the end of
# the line, COMP_WORDS split at blanks and at "=" and ":" (bash's
# COMP_WORDBREAKS), COMP_CWORD the last word.  Checked:
#   - command names: exactly the daemon's list-commands, also by prefix;
#   - bridge, port, team and team-member names where the usage names BR,
#     IFACE, TEAM, and the host's devices not yet in the switch for
#     add-port;
#   - KEY= names from the usage (set-port takes add-port's), without those
#     already given, and literal values after "KEY=" (yes|no, policies,
#     members);
#   - options from --help; --socket=PATH and --socket PATH on the line win
#     over $VSWITCH_SOCKET;
#   - with no daemon, the command names still come (from --help, the same
#     list), names do not, and nothing is written to stderr; with a daemon
#     that does not answer (SIGSTOP), the same within a short timeout.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

COMPLETION=$VST_SRCDIR/utilities/vswitch-ctl.bash
[[ -r $COMPLETION ]] || fail "$COMPLETION is missing"

# The driver run by a fresh bash: $1 the completion script, $2 the line.
# Prints the candidates, one per line.
# shellcheck disable=SC2016 # expanded by the driver's bash
DRIVER='
set -u
. "$1" || exit 3
line=$2
spec=$(complete -p vswitch-ctl) || exit 4
func=${spec#*-F }
func=${func%% *}
COMP_LINE=$line
COMP_POINT=${#line}
COMP_TYPE=9
COMP_KEY=9
COMP_WORDS=()
read -ra blank_words <<<"$line"
for w in "${blank_words[@]}"; do
    while [[ -n $w ]]; do
        [[ $w =~ ^([=:]+)(.*)$ || $w =~ ^([^=:]+)(.*)$ ]]
        COMP_WORDS+=("${BASH_REMATCH[1]}")
        w=${BASH_REMATCH[2]}
    done
done
if [[ $line == *" " ]]; then
    COMP_WORDS+=("")
fi
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
"$func" vswitch-ctl "${COMP_WORDS[COMP_CWORD]}" \
    "${COMP_WORDS[COMP_CWORD - 1]}"
printf "%s\n" "${COMPREPLY[@]}"
'

# complete_line [--ns HOST] LINE: the candidates for LINE (sorted, one per
# line), with the build's vswitch-ctl first on PATH and VSWITCH_SOCKET as
# the caller set it.  Fails if the completion fails or writes to stderr.
complete_line()
{
    local pre=() out err=$VST_TMP/complete.err
    if [[ $1 == --ns ]]; then
        pre=(ip netns exec "$(ns "$2")")
        shift 2
    fi
    out=$("${pre[@]}" env PATH="$VST_BUILD/utilities:$PATH" \
          bash --norc --noprofile -c "$DRIVER" driver "$COMPLETION" "$1" \
          2>"$err") \
        || fail "completing '$1': exit status $?: $(cat "$err")"
    [[ -s $err ]] && fail "completing '$1' wrote to stderr: $(head -5 "$err")"
    printf '%s\n' "$out" | sed '/^$/d' | LC_ALL=C sort
}

# lines WORD...: the words, sorted, one per line (an expected list).
lines()
{
    printf '%s\n' "$@" | LC_ALL=C sort
}

# assert_has LIST WORD... / assert_lacks LIST WORD...
assert_has()
{
    local w
    for w in "${@:3}"; do
        grep -qxF -- "$w" <<<"$2" \
            || fail "$1: no '$w' among: $(tr '\n' ' ' <<<"$2")"
    done
    log "ok: $1: has ${*:3}"
}

assert_lacks()
{
    local w
    for w in "${@:3}"; do
        grep -qxF -- "$w" <<<"$2" && fail "$1: '$w' should not be offered"
    done
    log "ok: $1: no ${*:3}"
}

team_world 2 2
ctl_ok add-br br1
vm_add vm3 198.18.0.3/24        # A device in the switch's namespace only.
P1=$(port_of vm1)
P2=$(port_of vm2)
P3=$(port_of vm3)
U1=$(member u1)
U2=$(member u2)
export VSWITCH_SOCKET=$VST_SOCK

# 1. Command names, from the daemon.
commands=$(ctl list-commands | awk '{ print $1 }' | LC_ALL=C sort)
[[ $(wc -l <<<"$commands") -gt 20 ]] \
    || fail "list-commands gave too few commands: $commands"
assert_eq "$commands" "$(complete_line 'vswitch-ctl ')" \
    "commands offered (the daemon's list-commands)"
assert_eq "$(grep '^team/s' <<<"$commands")" \
    "$(complete_line 'vswitch-ctl team/s')" "commands offered for 'team/s'"
assert_eq "$(lines add-br add-port add-team add-team-member)" \
    "$(complete_line 'vswitch-ctl help add-')" "help COMMAND"

# 2. Names from the daemon.
assert_eq "$(lines br0 br1)" "$(complete_line 'vswitch-ctl list-ports ')" \
    "bridges (list-ports BR)"
assert_eq "$(lines "$P1" "$P2" "$TEAM")" \
    "$(complete_line 'vswitch-ctl set-port ')" "ports (set-port IFACE)"
assert_eq "$(lines br0 br1 "$P1" "$P2" "$TEAM")" \
    "$(complete_line 'vswitch-ctl del-port ')" "del-port [BR] IFACE"
assert_eq "$TEAM" "$(complete_line 'vswitch-ctl del-team ')" \
    "teams (del-team TEAM)"
assert_eq "$(lines "$U1" "$U2")" \
    "$(complete_line "vswitch-ctl team/set-member $TEAM ")" \
    "members (team/set-member TEAM IFACE)"
assert_eq "$(lines disable enable)" \
    "$(complete_line "vswitch-ctl team/set-member $TEAM $U1 ")" \
    "choices (team/set-member TEAM IFACE enable|disable)"
assert_eq "$P3" "$(complete_line --ns sw 'vswitch-ctl add-port br0 ')" \
    "devices not in the switch (add-port BR IFACE, in its namespace)"

# 3. Keys and values.
keys=$(complete_line "vswitch-ctl set-port $P1 ")
assert_has "set-port keys" "$keys" type= vlan= trunks= native= uplink= \
    enabled= bpdu-guard= allowed-macs= mac-security= mac-limit= \
    mac-limit-action= isolated= dhcp-guard= ra-guard= rate-in= rate-out= \
    storm-limit= mtu=
assert_lacks "set-port keys" "$keys" burst= "$P1"
grep -qv '=$' <<<"$keys" \
    && fail "set-port keys: not all end with '=': $(tr '\n' ' ' <<<"$keys")"
keys=$(complete_line "vswitch-ctl set-port $P1 vlan=10 ")
assert_lacks "set-port keys after vlan=10" "$keys" vlan=
assert_has "set-port keys after vlan=10" "$keys" trunks=
assert_eq enabled= "$(complete_line "vswitch-ctl set-port $P1 en")" \
    "key by prefix"
assert_eq "$(lines no yes)" \
    "$(complete_line "vswitch-ctl set-port $P1 enabled=")" \
    "values of enabled= (the part after '=')"
assert_eq "$(lines active-backup hash src-mac src-port)" \
    "$(complete_line "vswitch-ctl set-team $TEAM policy=")" \
    "values of policy="
assert_eq "$(lines "$U1" "$U2")" \
    "$(complete_line "vswitch-ctl set-team $TEAM disabled=")" \
    "values of disabled= (members)"
assert_eq "$(lines "$U1" "$U2")" \
    "$(complete_line "vswitch-ctl team/migrate $TEAM member=")" \
    "values of member="
assert_eq "$(lines mac-aging= mac-table-size=)" \
    "$(complete_line 'vswitch-ctl add-br br2 ')" "add-br keys"

# 4. Options and the socket on the line.
assert_eq "$(lines --help --json --output= --socket= --timeout= --version)" \
    "$(complete_line 'vswitch-ctl --')" "options"
export VSWITCH_SOCKET=$VST_TMP/none.sock
assert_eq "$(lines br0 br1)" \
    "$(complete_line "vswitch-ctl --socket=$VST_SOCK list-ports ")" \
    "--socket=PATH on the line"
assert_eq "$TEAM" \
    "$(complete_line "vswitch-ctl --json --socket $VST_SOCK del-team ")" \
    "--socket PATH on the line"

# 5. No daemon at $VSWITCH_SOCKET: command names from --help, no names,
# silent.
t0=${EPOCHREALTIME/./}
assert_eq "$commands" "$(complete_line 'vswitch-ctl ')" \
    "commands offered with no daemon (from --help)"
assert_eq "" "$(complete_line 'vswitch-ctl list-ports ')" \
    "bridges offered with no daemon"
ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
log "two completions with no daemon took $ms ms"

# 6. A daemon that does not answer: the same, each query giving up after
# the completion's own timeout (0.5 s) instead of vswitch-ctl's 10 s.
export VSWITCH_SOCKET=$VST_SOCK
sw_signal STOP
t0=$SECONDS
assert_eq "$commands" "$(complete_line 'vswitch-ctl ')" \
    "commands offered by a stopped daemon's completion (from --help)"
assert_eq "" "$(complete_line 'vswitch-ctl list-ports ')" \
    "bridges offered with a stopped daemon"
secs=$((SECONDS - t0))
sw_signal CONT
assert_cmp "$secs" -lt 5 "seconds for two completions with a stopped daemon"
ctl_ok list-br >/dev/null
log "PASS"
