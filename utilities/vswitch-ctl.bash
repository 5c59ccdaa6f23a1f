# bash completion for vswitch-ctl(8)                      -*- shell-script -*-
#
# "make install" installs this file as "vswitch-ctl" in bash-completion's
# completions directory, where bash-completion finds it the first time
# vswitch-ctl is completed; without bash-completion, source it from
# ~/.bashrc.  It completes:
#
#   - the options, as "vswitch-ctl --help" lists them;
#   - the command names, from the running daemon ("list-commands"), or from
#     the list built into "vswitch-ctl --help" when no daemon answers;
#   - each command's arguments, as its usage names them: BR (bridges), TEAM
#     (teams), IFACE (ports and teams; a team's members after TEAM; the
#     host's network devices not yet in the switch for add-port, add-team
#     and add-team-member), COMMAND, literal choices (enable|disable), and
#     KEY= names with their literal values (enabled=yes|no); set-port,
#     set-team and set-br take the keys of add-port, add-team and add-br.
#
# Names come from the daemon the line would talk to: --socket=PATH (or
# --socket PATH) already on the line, else $VSWITCH_SOCKET, else the
# default.  Each query waits at most $VSWITCH_COMP_TIMEOUT seconds (default
# 0.5) and prints nothing when no daemon answers.
#
# Words are taken from COMP_LINE up to COMP_POINT, split at blanks, so that
# "vlan=10" or "--socket=/run/x" is one word whatever COMP_WORDBREAKS says;
# the candidates are then cut to the part bash replaces (after the last
# COMP_WORDBREAKS character of the word, such as "=" or ":").

# _vswitch_ctl_query ARGS...: vswitch-ctl ARGS against the line's daemon,
# quietly, with the short timeout.
_vswitch_ctl_query()
{
    "$_vsc_prog" ${_vsc_socket:+"--socket=$_vsc_socket"} \
        --timeout="${VSWITCH_COMP_TIMEOUT:-0.5}" "$@" 2>/dev/null
}

# _vswitch_ctl_table: sets _vsc_table to a "NAME USAGE" line for each
# command: from the daemon's list-commands ("  NAME USAGE" lines), else
# from the static list of --help (the same lines, folded: continuation
# lines are indented by 6).  Sets _vsc_up to yes if the daemon answered.
_vswitch_ctl_table()
{
    local out
    _vsc_up=yes
    if ! out=$(_vswitch_ctl_query list-commands) || [[ -z $out ]]; then
        _vsc_up=no
        out=$("$_vsc_prog" --help 2>/dev/null)
    fi
    _vsc_table=$(awk '
        /^  [a-z]/ { if (c != "") print c; c = substr($0, 3); next }
        /^      / && c != "" { sub(/^ +/, ""); c = c " " $0; next }
        { if (c != "") print c; c = "" }
        END { if (c != "") print c }' <<<"$out")
}

# _vswitch_ctl_names: prints "KIND NAME PARENT" for each bridge ("bridges
# BR -"), port ("ports PORT BR"), team ("teams TEAM BR") and team member
# ("members IFACE TEAM") of "show --json".  The JSON is indented by 2 per
# level: a "name" at indent N belongs to an object in the array whose key
# is at indent N - 4, whose own object's "name" (the parent) is there too.
_vswitch_ctl_names()
{
    [[ $_vsc_up == yes ]] || return 0
    _vswitch_ctl_query --json show | awk '
        match($0, /^ *"/) {
            n = RLENGTH - 1
            rest = substr($0, RLENGTH + 1)
            key = rest
            sub(/".*/, "", key)
            if (rest ~ /" : [[{]$/) {
                k[n] = key
            } else if (key == "name" && rest ~ /^name" : "/) {
                v = rest
                sub(/^name" : "/, "", v)
                sub(/",?$/, "", v)
                nm[n] = v
                print k[n - 4], v, (n >= 10 ? nm[n - 4] : "-")
            }
        }'
}

# _vswitch_ctl_pick KIND [PARENT]: the names of that kind from _vsc_names.
_vswitch_ctl_pick()
{
    local kind name parent
    while read -r kind name parent; do
        [[ $kind == "$1" && ( -z ${2-} || $parent == "$2" ) ]] \
            && printf '%s\n' "$name"
    done <<<"$_vsc_names"
}

# _vswitch_ctl_devices: the host's network devices that are neither a
# port, team or team member of the switch nor already on the line (for
# add-port, add-team...).
_vswitch_ctl_devices()
{
    local d known
    known=$'\n'$(_vswitch_ctl_pick ports; _vswitch_ctl_pick teams;
                _vswitch_ctl_pick members;
                printf '%s\n' "${_vsc_args[@]}")$'\n'
    for d in /sys/class/net/*; do
        d=${d##*/}
        [[ $d == lo || $d == '*' || $known == *$'\n'"$d"$'\n'* ]] \
            || printf '%s\n' "$d"
    done
}

# _vswitch_ctl_fill PLACEHOLDER: the names a placeholder of the usage
# stands for, at this point of the line (_vsc_cmd, _vsc_args).
_vswitch_ctl_fill()
{
    local a
    case $_vsc_cmd:$1 in
    add-br:BR|add-team:TEAM)
        ;;                              # A new name: nothing to offer.
    add-*:IFACE)
        _vswitch_ctl_devices
        ;;
    *:BR)
        _vswitch_ctl_pick bridges
        ;;
    *:TEAM)
        _vswitch_ctl_pick teams
        ;;
    *:IFACE)
        if [[ $_vsc_usage == TEAM\ * && -n ${_vsc_args[0]-} ]]; then
            _vswitch_ctl_pick members "${_vsc_args[0]}"
        else
            _vswitch_ctl_pick ports
            _vswitch_ctl_pick teams
        fi
        ;;
    *:PORT)                             # uplink=, port=: any port.
        _vswitch_ctl_pick ports
        _vswitch_ctl_pick teams
        ;;
    *:MEMBER)                           # disabled=, member= of a team.
        if [[ $_vsc_cmd == add-team ]]; then
            for a in "${_vsc_args[@]:2}"; do
                [[ $a == *=* ]] || printf '%s\n' "$a"
            done
        else
            _vswitch_ctl_pick members "${_vsc_args[0]-}"
        fi
        ;;
    *:COMMAND)
        printf '%s\n' "${_vsc_commands[@]}"
        ;;
    *:*[A-Z]*)
        ;;                              # MAC, N, SECS...: typed by hand.
    *)
        printf '%s\n' "${1//|/$'\n'}"   # Literal choices: enable|disable.
        ;;
    esac
}

# _vswitch_ctl_value KEY VALUE-SO-FAR: the values of KEY=, from the spec
# after "KEY=" in the usage: literal choices (yes|no), placeholders
# (IFACE, BR...) and comma lists (IFACE,...).
_vswitch_ctl_value()
{
    local key=$1 sofar=$2 spec head tail lead alt
    [[ " $_vsc_keyusage" =~ [\ \[\|]$key=([^ ]*) ]] || return 0
    spec=${BASH_REMATCH[1]}
    # Drop nested options ("RATE[,burst=BYTES]|none]") and closing brackets.
    while [[ $spec == *\[*\]* ]]; do
        head=${spec%%\[*}
        tail=${spec#*\[}
        spec=$head${tail#*\]}
    done
    spec=${spec//]/}
    lead=
    if [[ $spec == *,... ]]; then       # A list: complete its last item.
        spec=${spec%,...}
        lead=${sofar%"${sofar##*,}"}
    fi
    if [[ $spec == IFACE ]]; then
        case $key in
        member|disabled) spec=MEMBER ;;
        *) spec=PORT ;;
        esac
    fi
    for alt in ${spec//|/ }; do
        _vswitch_ctl_fill "$alt"
    done | while read -r alt; do
        printf '%s=%s%s\n' "$key" "$lead" "$alt"
    done
}

_vswitch_ctl()
{
    local line cur keep tail breaks w i expect='' line_cmd usage
    local -a words candidates=() utoks
    local _vsc_prog=vswitch-ctl _vsc_socket='' _vsc_up=no _vsc_names=''
    local _vsc_table=''
    local _vsc_cmd='' _vsc_usage='' _vsc_keyusage=''
    local -a _vsc_args=() _vsc_commands=()
    local -A _vsc_usages=()

    COMPREPLY=()
    if [[ -n ${COMP_LINE-} ]]; then
        line=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}}
    else
        line="${COMP_WORDS[*]:0:COMP_CWORD+1}"
    fi
    read -ra words <<<"$line"
    if ((${#words[@]} == 0)) || [[ $line == *[[:blank:]] ]]; then
        words+=("")
    fi
    cur=${words[${#words[@]} - 1]}

    # The part of cur that bash keeps: up to its last break character.
    breaks=${COMP_WORDBREAKS-}
    breaks=${breaks//[[:space:]\"\'\\]/}
    tail=$cur
    if [[ -n $breaks ]]; then
        tail=${cur##*["$breaks"]}
    fi
    keep=${cur:0:${#cur}-${#tail}}

    # The program as typed (./utilities/vswitch-ctl), the socket, the
    # command and its arguments before cur.
    w=${words[0]/#\~/$HOME}
    [[ $w == */* && -x $w ]] && _vsc_prog=$w
    for ((i = 1; i < ${#words[@]} - 1; i++)); do
        w=${words[i]}
        if [[ -n $expect ]]; then
            [[ $expect == socket ]] && _vsc_socket=$w
            expect=
        elif [[ -n $_vsc_cmd ]]; then
            [[ $w == -* ]] || _vsc_args+=("$w")
        else
            case $w in
            --socket=*) _vsc_socket=${w#--socket=} ;;
            --socket) expect=socket ;;
            --timeout) expect=timeout ;;
            -*) ;;
            *) _vsc_cmd=$w ;;
            esac
        fi
    done
    _vsc_socket=${_vsc_socket/#\~/$HOME}

    if [[ $expect == socket || $cur == --socket=* ]]; then
        w=${cur#--socket=}
        mapfile -t candidates < <(compgen -f -- "$w")
        candidates=("${candidates[@]/#/${cur%"$w"}}")
        compopt -o filenames 2>/dev/null
    elif [[ $cur == -* ]]; then
        mapfile -t candidates < <("$_vsc_prog" --help 2>/dev/null \
            | awk '/^Options:/ { o = 1 } o' \
            | grep -o -- '--[a-z][a-z-]*=\{0,1\}')
    elif [[ -z $expect ]]; then
        _vswitch_ctl_table
        while read -r line_cmd usage; do
            [[ -n $line_cmd ]] || continue
            _vsc_commands+=("$line_cmd")
            _vsc_usages[$line_cmd]=$usage
        done <<<"$_vsc_table"
        if [[ -z $_vsc_cmd ]]; then
            candidates=("${_vsc_commands[@]}")
        elif [[ -n ${_vsc_usages[$_vsc_cmd]+set} ]]; then
            _vsc_usage=${_vsc_usages[$_vsc_cmd]}
            _vsc_keyusage=$_vsc_usage
            if [[ $_vsc_usage == *KEY=VALUE* && $_vsc_cmd == set-* ]]; then
                _vsc_keyusage=${_vsc_usages[add-${_vsc_cmd#set-}]-}
            fi
            _vsc_names=$(_vswitch_ctl_names)
            if [[ $cur == *=* ]]; then
                mapfile -t candidates < <(_vswitch_ctl_value "${cur%%=*}" \
                                                             "${cur#*=}")
            else
                _vswitch_ctl_args
            fi
        fi
    fi

    for w in "${candidates[@]}"; do
        [[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("${w#"$keep"}")
    done
    for w in "${COMPREPLY[@]}"; do
        if [[ $w == *= ]]; then         # KEY=: the value follows at once.
            compopt -o nospace 2>/dev/null
            break
        fi
    done
    return 0
}

# _vswitch_ctl_args: the candidates (into the caller's 'candidates') for
# a word that is no KEY=VALUE: the placeholder of the usage at this
# position (an optional one, "[BR] IFACE", also offers the next), and the
# KEY= names not yet given once the required placeholders are.
_vswitch_ctl_args()
{
    local tok k=0 a required=0 last_repeats=no key
    local -a pos=() opt=()
    local -A given=()

    read -ra utoks <<<"$_vsc_usage"
    for tok in "${utoks[@]}"; do
        if [[ $tok =~ ^\[([A-Z]+)\]$ ]]; then
            pos+=("${BASH_REMATCH[1]}")
            opt+=(yes)
        elif [[ $tok =~ ^[A-Z]+(\.\.\.)?$ ]] \
            || [[ $tok =~ ^[a-z][a-z|-]*$ ]]; then
            pos+=("${tok%...}")
            opt+=(no)
            required=$((required + 1))
            [[ $tok == *... ]] && last_repeats=yes
        fi
    done
    for a in "${_vsc_args[@]}"; do
        if [[ $a == *=* ]]; then
            given[${a%%=*}]=1
        else
            k=$((k + 1))
        fi
    done
    if ((k < ${#pos[@]})); then
        mapfile -t candidates < <(_vswitch_ctl_fill "${pos[k]}"
            if [[ ${opt[k]} == yes && -n ${pos[k + 1]-} ]]; then
                _vswitch_ctl_fill "${pos[k + 1]}"
            fi)
    elif [[ $last_repeats == yes ]]; then
        mapfile -t candidates < <(_vswitch_ctl_fill "${pos[-1]}")
    fi
    if ((k >= required)); then
        for key in $(grep -o -E '(^|[][ |])[a-z][a-z0-9-]*=' \
                     <<<"$_vsc_keyusage" | tr -d '[]| ' | sort -u); do
            [[ -n ${given[${key%=}]+set} ]] || candidates+=("$key")
        done
    fi
}

complete -F _vswitch_ctl vswitch-ctl
