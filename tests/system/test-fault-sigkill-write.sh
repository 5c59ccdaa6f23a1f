#!/usr/bin/env bash
# test-fault-sigkill-write: SIGKILL while the daemon writes its
# configuration file.  A writer keeps changing the configuration as fast
# as the daemon answers (vswitch-ctl set-br br0 mac-aging=K, K = 1000,
# 1001, ...; each change rewrites the whole file, which holds 60 bridges
# so that writing it takes a while), and remembers the last K the daemon
# acknowledged.  KILLS times (default 100) the daemon is killed (SIGKILL)
# a random 5-60 ms after the writer's first change to the running daemon
# was acknowledged, and started again.  After each kill:
#   - the file is exactly the state of the last acknowledged change or
#     of the one in flight: byte for byte the file of K or K+1 (the file
#     of any K is the file of the first one with the value replaced; this
#     is checked before the kills);
#   - the daemon starts from it and runs with that value (show --json).
# Prints the number of changes acknowledged, how many kills fell on each
# of "old" and "new", and how many left a temporary file behind (a kill
# while the file was being written: the proof that kills fell inside
# writes).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vst_init

KILLS=${KILLS:-100}
K0=1000

sw_ns
vm_add vm1 198.18.0.1/24
sw_start
ctl_ok add-br br0
attach br0 vm1 vlan=10
for ((i = 1; i < 60; i++)); do
    ctl_ok add-br "bridge$i" mac-aging=$((i * 7)) mac-table-size=$((i * 100))
done
ctl_ok set-br br0 mac-aging="$K0"
cp "$VST_CONF" "$VST_TMP/conf.template" || fail "no configuration file"
assert_eq 1 "$(grep -c "mac-aging=$K0\$" "$VST_TMP/conf.template")" \
    "lines with mac-aging=$K0 in the file"
log "the configuration file has $(wc -c <"$VST_CONF") bytes"
CONF_DIR=$(dirname "$VST_CONF")
CONF_BASE=$(basename "$VST_CONF")

# conf_of K: the file of state K.
conf_of()
{
    sed "s/mac-aging=$K0\$/mac-aging=$1/" "$VST_TMP/conf.template"
}

# The file of a state is what conf_of says (a few changes without kills).
for k in 1001 1002 1003; do
    ctl_ok set-br br0 mac-aging="$k"
    [[ $(cat "$VST_CONF") == "$(conf_of "$k")" ]] \
        || fail "the file of mac-aging=$k is not the template's: $(diff \
            <(conf_of "$k") "$VST_CONF")"
done
ctl_ok set-br br0 mac-aging="$K0"

# aging_of: br0's mac-aging from the running daemon.
aging_of()
{
    ctl --json show | json "next(b['mac-aging'] for b in d['bridges'] \
if b['name'] == 'br0')"
}
assert_eq "$K0" "$(aging_of)" "br0's mac-aging from show --json"

# The writer: one change after another (a change refused because the
# daemon is dead is tried again); the last acknowledged K in $ACKED
# (written by rename, so always whole).  While $PAUSE exists it sends
# nothing, and says so with $PAUSED: the test checks the restarted daemon
# without a change coming in between.
ACKED=$VST_TMP/acked
PAUSE=$VST_TMP/pause
PAUSED=$VST_TMP/paused
echo "$K0" >"$ACKED"
# shellcheck disable=SC2016 # the writer's own script, expanded there
bg "$VST_TMP/writer.log" bash -c '
vsctl=$1 sock=$2 acked=$3 pause=$4 paused=$5 k=$(($6 + 1))
while true; do
    if [[ -e $pause ]]; then
        : >"$paused"
        while [[ -e $pause ]]; do
            sleep 0.005
        done
        rm -f "$paused"
    elif "$vsctl" --socket="$sock" --timeout=1 set-br br0 mac-aging="$k" \
        >/dev/null 2>&1; then
        echo "$k" >"$acked.tmp" && mv "$acked.tmp" "$acked"
        k=$((k + 1))
    else
        sleep 0.005
    fi
done' writer "$VSCTL" "$VST_SOCK" "$ACKED" "$PAUSE" "$PAUSED" "$K0"
WRITER=$BG_PID

# wait_acked K: until the writer has had a change after K acknowledged,
# so that every kill falls among the writes of a running daemon.
wait_acked()
{
    local i
    for ((i = 0; i < 2000; i++)); do
        (($(cat "$ACKED") > $1)) && return 0
        sleep 0.005
    done
    fail "no change acknowledged in 10 s after mac-aging=$1 (the daemon \
does not take changes after a restart)"
}

old=0
new=0
for ((kill = 1; kill <= KILLS; kill++)); do
    wait_acked "$(cat "$ACKED")"
    sleep "0.0$(printf '%02d' $((5 + RANDOM % 56)))"
    kill -0 "$WRITER" 2>/dev/null || fail "the writer died: \
$(cat "$VST_TMP/writer.log")"
    sw_signal KILL
    a=$(cat "$ACKED")
    [[ -e $VST_CONF ]] || fail "kill $kill: the configuration file is gone"
    v=$(sed -n '/^\[bridge br0\]/,/^\[/s/^mac-aging=\([0-9]*\)$/\1/p' \
        "$VST_CONF")
    if [[ $v == "$a" ]]; then
        old=$((old + 1))
    elif [[ $v == "$((a + 1))" ]]; then
        new=$((new + 1))
    else
        fail "kill $kill: the file says mac-aging='$v'; the last change \
acknowledged was $a, so it must be $a or $((a + 1)):
$(cat "$VST_CONF")"
    fi
    [[ $(cat "$VST_CONF") == "$(conf_of "$v")" ]] \
        || fail "kill $kill: the file is not the whole state of \
mac-aging=$v: $(diff <(conf_of "$v") "$VST_CONF")"
    : >"$PAUSE"
    for ((i = 0; i < 1000; i++)); do
        [[ -e $PAUSED ]] && break
        sleep 0.005
    done
    [[ -e $PAUSED ]] || fail "the writer does not pause"
    sw_start
    got=$(aging_of)
    [[ $got == "$v" ]] \
        || fail "kill $kill: the daemon runs with mac-aging '$got', the \
file says $v"
    rm -f "$PAUSE"
done
stop_pid "$WRITER"
acked=$(cat "$ACKED")
left=$(find "$CONF_DIR" -maxdepth 1 -name "$CONF_BASE.?*" | wc -l)
log "$KILLS kills during $((acked - K0)) acknowledged changes: the file \
held the last acknowledged state $old times, the one in flight $new times"
log "temporary files left next to the file by kills during a write: $left"
assert_cmp "$((old + new))" -eq "$KILLS" "kills with a whole old or new file"
assert_eq "$(cat "$VST_CONF")" "$(conf_of "$(aging_of)")" \
    "the file against the running state at the end"
wait_port "$(port_of vm1)" up
exit 0
