#!/usr/bin/env bash
# test-metrics: "vswitch-ctl metrics" is valid Prometheus text (version
# 0.0.4) and says what the other commands say.  A team world (2 VMs, a
# team of 2 uplinks, a remote host), pings, a policy drop (vm2's port
# disabled: its 5 echo requests dropped as reason "disabled"), and later a
# cable pull.  Each time the text is read by a strict parser written here
# (every sample under a family declared by HELP then TYPE, names and label
# syntax valid, counters named *_total with whole values, no series twice)
# and compared with port/stats, team/show, fdb/show and version taken
# around it, while the world is quiet (no frame moves: the counters before
# and after are equal), so that every count must match exactly.  When
# promtool is installed (Debian's "prometheus" package; PROMTOOL=path
# also works), "promtool check metrics" must accept the text too.  And
# --output=FILE: replaced by rename (new inode, no temporary left), mode
# 0644 under umask 077, the same text as printed, untouched when the
# command fails or the directory is missing.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=team-lib.sh
. "$(dirname "$0")/team-lib.sh"
vst_init

T0=$(date +%s)
team_world 2 2 --
P1=$(port_of vm1)
P2=$(port_of vm2)
vm_neigh vm1 198.18.0.2 "$(vm_mac vm2)"
vm_neigh vm2 198.18.0.1 "$(vm_mac vm1)"
assert_ping vm1 198.18.0.2
assert_ping vm2 "$(rh_ip 1)"

PROM=$VST_TMP/prom.py
cat >"$PROM" <<'PY'
"""Strict reader of the Prometheus text format 0.0.4, and the checks of
test-metrics.sh against the switch's other commands."""
import json
import math
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*\Z')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*\Z')
TYPES = ('counter', 'gauge', 'histogram', 'summary', 'untyped')
errors = []


def err(lineno, msg):
    errors.append('line %d: %s' % (lineno, msg))


def parse_value(s):
    if s in ('NaN', '+Inf', '-Inf'):
        return float(s.replace('Inf', 'inf').replace('NaN', 'nan'))
    if not re.fullmatch(r'[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?', s):
        raise ValueError(s)
    return float(s)


def parse_labels(s, lineno):
    """'s' is what follows '{' up to the end of the line: returns the
    labels and the rest of the line after '}'."""
    labels, i = {}, 0
    while True:
        if s[i:i + 1] == '}':
            return labels, s[i + 1:]
        m = re.match(r'([^=]*)="', s[i:])
        if not m:
            raise ValueError('bad label at %r' % s[i:])
        name = m.group(1)
        if not LABEL.match(name) or name.startswith('__'):
            raise ValueError('bad label name %r' % name)
        if name in labels:
            raise ValueError('label %s twice' % name)
        i += m.end()
        value = []
        while True:
            c = s[i:i + 1]
            if c == '':
                raise ValueError('unterminated label value')
            if c == '\n':
                raise ValueError('raw line feed in a label value')
            if c == '\\':
                e = s[i + 1:i + 2]
                if e not in ('\\', '"', 'n'):
                    raise ValueError('bad escape \\%s' % e)
                value.append('\n' if e == 'n' else e)
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                value.append(c)
                i += 1
        labels[name] = ''.join(value)
        if s[i:i + 1] == ',':
            i += 1
        elif s[i:i + 1] != '}':
            raise ValueError('expected , or } at %r' % s[i:])


def parse(text):
    """Returns {family: {'type', 'help', 'samples': [(labels, value)]}}."""
    fams, current, series = {}, None, set()
    if not text.endswith('\n'):
        err(0, 'the text does not end with a line feed')
    for n, line in enumerate(text.split('\n')[:-1], 1):
        if line.startswith('#'):
            parts = line.split(' ', 3)
            if len(parts) >= 3 and parts[1] == 'HELP':
                name = parts[2]
                if not NAME.match(name):
                    err(n, 'bad family name %r' % name)
                if name in fams:
                    err(n, 'family %s declared again (not grouped)' % name)
                help_ = parts[3] if len(parts) > 3 else ''
                if re.search(r'\\[^\\n]', help_.replace('\\\\', '')):
                    err(n, 'bad escape in help of %s' % name)
                fams[name] = {'help': help_, 'type': None, 'samples': []}
                current = name
            elif len(parts) >= 3 and parts[1] == 'TYPE':
                if parts[2] != current or fams[current]['type']:
                    err(n, 'TYPE of %s not right after its HELP' % parts[2])
                elif len(parts) != 4 or parts[3] not in TYPES:
                    err(n, 'bad TYPE line %r' % line)
                else:
                    fams[current]['type'] = parts[3]
            else:
                err(n, 'comment that is neither HELP nor TYPE: %r' % line)
            continue
        if not line.strip():
            err(n, 'empty line')
            continue
        m = re.match(r'([^{ ]+)(\{?)(.*)\Z', line)
        name, rest = m.group(1), m.group(3)
        labels = {}
        try:
            if m.group(2):
                labels, rest = parse_labels(rest, n)
            if not rest.startswith(' '):
                raise ValueError('no space before the value')
            fields = rest[1:].split(' ')
            if len(fields) != 1:
                raise ValueError('a timestamp or junk after the value')
            value = parse_value(fields[0])
        except ValueError as e:
            err(n, '%s: %s' % (line, e))
            continue
        if not NAME.match(name):
            err(n, 'bad metric name %r' % name)
        if current is None or name != current or not fams[current]['type']:
            err(n, 'sample %s outside its family (HELP and TYPE first)'
                % name)
            continue
        if not name.startswith('vswitch_'):
            err(n, '%s: not in the vswitch_ namespace' % name)
        if fams[name]['type'] == 'counter':
            if not name.endswith('_total'):
                err(n, 'counter %s does not end in _total' % name)
            if not (value >= 0 and value == math.floor(value)):
                err(n, 'counter %s has value %s' % (name, fields[0]))
        key = (name, frozenset(labels.items()))
        if key in series:
            err(n, 'series %s%s twice' % (name, labels))
        series.add(key)
        fams[name]['samples'].append((labels, value))
    for name, f in fams.items():
        if not f['samples']:
            err(0, 'family %s has no sample' % name)
    return fams


def one(fams, name, **labels):
    """The value of the one sample of 'name' with these labels."""
    got = [v for l, v in fams.get(name, {'samples': []})['samples']
           if l == labels]
    if len(got) != 1:
        raise AssertionError('%d samples of %s%s' % (len(got), name, labels))
    return got[0]


def check(fams, stats, teams, fdb, version, threads, t0, now):
    """Compares with the other commands; returns the number of values
    compared."""
    n = 0

    def eq(want, got, what):
        nonlocal n
        n += 1
        if want != got:
            errors.append('%s: metrics say %s, the command %s'
                          % (what, got, want))

    eq(1, one(fams, 'vswitch_build_info', version=version), 'build info')
    eq(threads, one(fams, 'vswitch_datapath_threads'), 'datapath threads')
    # Every port and member of this world is attached: one socket each
    # (a team has none of its own).
    socks = fams['vswitch_datapath_thread_sockets']['samples']
    eq(threads, len(socks), 'threads with a socket count')
    eq(len([p for p in stats['ports'] if p.get('type') != 'team']),
       sum(v for _, v in socks), 'sockets the datapath threads read')
    eq(1024, one(fams, 'vswitch_datapath_thread_sockets_limit'),
       'sockets limit')
    start = one(fams, 'vswitch_start_time_seconds')
    up = one(fams, 'vswitch_uptime_seconds')
    eq(True, t0 - 1 <= start <= now + 1, 'start time %s in [%s, %s]'
       % (start, t0, now))
    eq(True, 0 < up <= now - t0 + 2, 'uptime %s' % up)
    for p in stats['ports']:
        kind = p.get('type', 'port')
        if kind == 'team-member':
            pre = 'vswitch_team_member_'
            lab = {'bridge': p['bridge'], 'team': p['team'],
                   'member': p['name']}
        else:
            pre = 'vswitch_port_'
            lab = {'bridge': p['bridge'], 'port': p['name']}
        for k in ('rx-packets', 'rx-bytes', 'tx-packets', 'tx-bytes'):
            eq(p[k], one(fams, pre + k.replace('-', '_') + '_total', **lab),
               '%s %s' % (p['name'], k))
        for reason, v in p['drops'].items():
            eq(v, one(fams, pre + 'drops_total', reason=reason, **lab),
               '%s drops.%s' % (p['name'], reason))
        eq(len(p['drops']), len([1 for l, _ in
                                 fams[pre + 'drops_total']['samples']
                                 if all(l.get(a) == b
                                        for a, b in lab.items())]),
           '%s: drop reasons' % p['name'])
    for t in teams['teams']:
        tl = {'bridge': t['bridge'], 'team': t['name']}
        for k in ('failovers', 'moves', 'announcements'):
            eq(t[k], one(fams, 'vswitch_team_%s_total' % k, **tl),
               'team %s %s' % (t['name'], k))
        for m in t['members']:
            ml = dict(tl, member=m['name'])
            states = {l['state']: v for l, v in
                      fams['vswitch_team_member_state']['samples']
                      if {a: l[a] for a in ml} == ml}
            eq(1, states.get(m['state']), 'member %s state %s'
               % (m['name'], m['state']))
            eq(1, sum(states.values()), 'member %s: one state' % m['name'])
            eq(m['load'], one(fams, 'vswitch_team_member_load_bytes', **ml),
               'member %s load' % m['name'])
            eq(int(m['active']), one(fams, 'vswitch_team_member_active',
                                     **ml), 'member %s active' % m['name'])
            eq(int(m['designated']),
               one(fams, 'vswitch_team_member_designated', **ml),
               'member %s designated' % m['name'])
            if t['policy'] == 'src-port':
                eq(len(m['ports']), one(fams, 'vswitch_team_member_ports',
                                        **ml), 'member %s ports' % m['name'])
            elif t['policy'] in ('src-mac', 'hash'):
                eq(m['buckets'], one(fams, 'vswitch_team_member_buckets',
                                     **ml), 'member %s buckets' % m['name'])
    for b in fdb:
        bl = {'bridge': b['bridge']}
        entries = sum(v for l, v in
                      fams['vswitch_mac_table_entries']['samples']
                      if l['bridge'] == b['bridge'])
        eq(b['count'], entries, 'bridge %s entries' % b['bridge'])
        for vlan in {e['vlan'] for e in b['entries']}:
            eq(len([e for e in b['entries'] if e['vlan'] == vlan]),
               one(fams, 'vswitch_mac_table_entries', vlan=str(vlan), **bl),
               'bridge %s entries in vlan %d' % (b['bridge'], vlan))
        eq(b['max'], one(fams, 'vswitch_mac_table_entries_limit', **bl),
           'bridge %s limit' % b['bridge'])
        eq(b['aging'], one(fams, 'vswitch_mac_table_aging_seconds', **bl),
           'bridge %s aging' % b['bridge'])
        for k, v in b['stats'].items():
            eq(v, one(fams, 'vswitch_mac_table_%s_total'
                      % k.replace('-', '_'), **bl),
               'bridge %s %s' % (b['bridge'], k))
    return n


def main():
    cmd = sys.argv[1]
    text = open(sys.argv[2]).read()
    fams = parse(text)
    if cmd == 'check' and not errors:
        a = sys.argv[3:]
        try:
            n = check(fams, json.load(open(a[0])), json.load(open(a[1])),
                      [json.load(open(f)) for f in a[6:]], a[2], int(a[3]),
                      float(a[4]), float(a[5]))
        except (AssertionError, KeyError) as e:
            errors.append('missing: %s' % e)
    if errors:
        print('\n'.join(errors[:20]))
        sys.exit(1)
    if cmd == 'check':
        print('%d families, %d samples, %d values equal to the commands\''
              % (len(fams), sum(len(f['samples']) for f in fams.values()),
                 n))
    elif cmd == 'get':
        print(one(fams, sys.argv[3], **json.loads(sys.argv[4])))


main()
PY

# promtool FILE: "promtool check metrics" accepts FILE, if promtool is
# installed; skipped, and said so, otherwise.
PROMTOOL=${PROMTOOL:-$(command -v promtool || true)}
promtool_check()
{
    local out
    if [[ -z $PROMTOOL ]]; then
        log "promtool not installed (Debian package prometheus): not run"
        return 0
    fi
    out=$("$PROMTOOL" check metrics <"$1" 2>&1) \
        || fail "promtool check metrics refused $1: $out"
    log "ok: promtool check metrics accepts $1${out:+ ($out)}"
}

# snapshot NAME: the metrics text in $VST_TMP/NAME.prom, with port/stats,
# team/show and fdb/show taken around it; again (up to 20 times, 0.5 s
# apart) until port/stats is the same before and after: then no frame moved
# while the metrics were read, and every count must be equal.
snapshot()
{
    local name=$1 i
    for ((i = 0; i < 20; i++)); do
        ctl --json port/stats >"$VST_TMP/$name.stats1" || fail "port/stats"
        ctl --json team/show >"$VST_TMP/$name.teams" || fail "team/show"
        ctl --json fdb/show br0 >"$VST_TMP/$name.fdb" || fail "fdb/show"
        NOW0=$(date +%s)
        ctl metrics >"$VST_TMP/$name.prom" || fail "vswitch-ctl metrics failed"
        ctl --json port/stats >"$VST_TMP/$name.stats2" || fail "port/stats"
        if cmp -s "$VST_TMP/$name.stats1" "$VST_TMP/$name.stats2" \
            && [[ $(ctl --json team/show) == "$(cat "$VST_TMP/$name.teams")" ]]
        then
            return 0
        fi
        sleep 0.5
    done
    fail "the counters never stood still for one metrics run in 10 s"
}

# check NAME: the strict parse and the comparison of snapshot NAME.
check()
{
    local name=$1 out
    out=$("$VST_PY" "$PROM" check "$VST_TMP/$name.prom" \
        "$VST_TMP/$name.stats1" "$VST_TMP/$name.teams" \
        "$(ctl version | awk '{ print $NF }')" 1 "$T0" "$((NOW0 + 1))" \
        "$VST_TMP/$name.fdb") || fail "metrics ($name) are wrong:
$out"
    log "ok: metrics ($name): $out"
    promtool_check "$VST_TMP/$name.prom"
}

# metric NAME FAMILY LABELS-JSON: one value of snapshot NAME.
metric()
{
    "$VST_PY" "$PROM" get "$VST_TMP/$1.prom" "$2" "$3" \
        || fail "no sample $2 $3 in the metrics"
}

# With --json, the same text in "text".
assert_eq True "$(ctl --json metrics | json "d['text'].startswith(
    '# HELP vswitch_build_info ') and 'vswitch_port_drops_total{' in d['text']")" \
    "metrics --json: the text in member \"text\""

# --- Traffic, and a policy drop. ------------------------------------------

snapshot before
check before
d0=$(metric before vswitch_port_drops_total \
    "{\"bridge\": \"br0\", \"port\": \"$P2\", \"reason\": \"disabled\"}")
ctl_ok set-port "$P2" enabled=no
assert_no_ping vm2 198.18.0.1
snapshot disabled
check disabled
d1=$(metric disabled vswitch_port_drops_total \
    "{\"bridge\": \"br0\", \"port\": \"$P2\", \"reason\": \"disabled\"}")
assert_eq 5 "$((${d1%.*} - ${d0%.*}))" \
    "vswitch_port_drops_total{port=$P2,reason=disabled} after 5 echo requests"
assert_eq 5 "$(($(stat_of "$P2" drops.disabled) - ${d0%.*}))" \
    "port/stats drops.disabled of $P2 after the same 5"
ctl_ok set-port "$P2" enabled=yes

# --- A cable pull: the team's counters and states move. ------------------

OLD=$(carrier_of "$P1")
[[ -n $OLD ]] || tfail "no member carries $P1"
cable "$OLD" down
wait_member "$OLD" down
snapshot pulled
check pulled
assert_eq 1 "$(metric pulled vswitch_team_member_state "{\"bridge\": \"br0\", \
\"team\": \"$TEAM\", \"member\": \"$OLD\", \"state\": \"down\"}" | cut -d. -f1)" \
    "vswitch_team_member_state of $OLD, state down, after its cable pull"
fo=$(metric pulled vswitch_team_failovers_total \
    "{\"bridge\": \"br0\", \"team\": \"$TEAM\"}")
assert_cmp "${fo%.*}" -ge 1 "vswitch_team_failovers_total after a cable pull"
cable "$OLD" up
wait_member "$OLD" up

# --- --output=FILE --------------------------------------------------------

OUT=$VST_TMP/textfile
mkdir "$OUT"
F=$OUT/vswitch.prom
# strip FILE: the text without its uptime line (the one value that moves
# between two runs in a quiet world).
strip()
{
    grep -v '^vswitch_uptime_seconds ' "$1"
}
ok=false
for ((i = 0; i < 20; i++)); do
    echo stale >"$F"
    chmod 600 "$F"
    ino0=$(stat -c %i "$F")
    ctl metrics >"$VST_TMP/out1.prom" || fail "metrics"
    (umask 077 && ctl --output="$F" metrics) \
        || fail "vswitch-ctl --output=$F metrics failed"
    ctl metrics >"$VST_TMP/out2.prom" || fail "metrics"
    if cmp -s <(strip "$VST_TMP/out1.prom") <(strip "$VST_TMP/out2.prom"); then
        ok=true
        break
    fi
    sleep 0.5
done
$ok || fail "the metrics never stood still between two runs in 10 s"
assert_eq "$(strip "$VST_TMP/out1.prom")" "$(strip "$F")" \
    "$F: the text that metrics prints (but the uptime)"
"$VST_PY" "$PROM" parse "$F" >/dev/null || fail "$F is not valid"
u=$(metric "textfile/vswitch" vswitch_uptime_seconds '{}')
u1=$(metric out1 vswitch_uptime_seconds '{}')
u2=$(metric out2 vswitch_uptime_seconds '{}')
"$VST_PY" -c "import sys; a, b, c = map(float, sys.argv[1:]); \
sys.exit(not a <= b <= c)" "$u1" "$u" "$u2" \
    || fail "uptime in $F ($u) is not between those printed before ($u1) and after ($u2)"
log "ok: uptime in $F between the runs before and after ($u1 <= $u <= $u2)"
assert_eq 644 "$(stat -c %a "$F")" "mode of $F written under umask 077"
assert_ne "$ino0" "$(stat -c %i "$F")" \
    "inode of $F (replaced by rename, not rewritten in place)"
assert_eq "vswitch.prom" "$(ls -A "$OUT")" \
    "files in $OUT (no temporary file left)"
promtool_check "$F"

# A command that fails leaves the file as it was; so does a missing
# directory, with a message that names the file.
sum0=$(md5sum <"$F")
ctl --output="$F" port/stats no-such-port >/dev/null 2>&1 \
    && fail "--output with a refused command succeeded"
assert_eq "$sum0" "$(md5sum <"$F")" "$F after a refused command"
if msg=$(ctl --output="$OUT/none/vswitch.prom" metrics 2>&1); then
    fail "--output into a missing directory succeeded"
fi
[[ $msg == *"$OUT/none/vswitch.prom"* ]] \
    || fail "the error for a missing directory does not name the file: $msg"
log "ok: --output into a missing directory fails: $msg"
exit 0
