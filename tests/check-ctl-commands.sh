#!/bin/sh
# Fails if a command registered in the sources is missing from
# "vswitch-ctl --help" or from the COMMANDS section of vswitch-ctl(8), or if
# a registration is written in a way this script cannot read (so that it
# cannot pass by missing one).  The daemon itself refuses to start when a
# registered command is not in lib/ctl-catalog.c, which --help prints.
# Run by `make check` (srcdir and VSWITCH_CTL set by tests/automake.mk).
set -u
: "${srcdir:=.}"
: "${VSWITCH_CTL:=./utilities/vswitch-ctl}"
status=0

help=$("$VSWITCH_CTL" --help) || { echo "FAIL: $VSWITCH_CTL --help"; exit 1; }

sources=$(ls "$srcdir"/lib/*.c "$srcdir"/vswitchd/*.c)
# The names the registrations give, on the line of the call.
names=$(cat $sources |
        sed -n 's/.*ctl_command_\(bind\|register\)("\([^"]*\)".*/\2/p')
# A call this script cannot read (the name not a string on the line of the
# call) fails, so that the check cannot pass by missing a command.  The
# definitions and mentions "ctl_command_bind()" are not calls.
unread=$(grep -n 'ctl_command_\(bind\|register\)(' $sources |
         grep -v 'ctl_command_\(bind\|register\)("' |
         grep -v 'ctl_command_\(bind\|register\)()' |
         grep -v ':ctl_command_\(bind\|register\)(const char')
if [ -n "$unread" ]; then
    echo "FAIL: registrations that do not name their command as a string" \
         "on the line of the call:"
    echo "$unread"
    status=1
fi
# Registrations inside lib/ctl-command.c go through add_documented() with
# a literal name: the built-ins.
builtins=$(sed -n 's/.*add_documented(ctl_commands, "\([^"]*\)".*/\1/p' \
           "$srcdir"/lib/ctl-command.c)
[ -n "$builtins" ] || { echo "FAIL: no built-in commands found"; status=1; }

# The command lines of the man page's COMMANDS section: the line after
# each .TP, first word, with the roff escapes removed.
man=$(awk '/^\.SH COMMANDS/ { on = 1; next }
           /^\.SH / { on = 0 }
           on && tag { print $1; print $2 }
           { tag = on && /^\.TP/ }' "$srcdir"/man/vswitch-ctl.8 |
      sed 's/\\f[BIR]//g; s/\\-/-/g; s/^\.B$//')

checked=0
for name in $names $builtins; do
    checked=$((checked + 1))
    if ! printf '%s\n' "$help" | grep -q "^  $name\( \|\$\)"; then
        echo "FAIL: command $name is registered but missing from" \
             "vswitch-ctl --help (add it to lib/ctl-catalog.c)"
        status=1
    fi
    if ! printf '%s\n' "$man" | grep -qx -- "$name"; then
        echo "FAIL: command $name is registered but missing from the" \
             "COMMANDS section of man/vswitch-ctl.8"
        status=1
    fi
done
[ "$checked" -gt 20 ] || { echo "FAIL: only $checked commands found"; exit 1; }
[ $status -eq 0 ] && echo "ok: $checked commands in --help and vswitch-ctl(8)"
exit $status
