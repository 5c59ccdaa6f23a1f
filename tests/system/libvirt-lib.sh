# shellcheck shell=bash
# libvirt-lib.sh: what the libvirt tests (test-libvirt-*.sh) share,
# sourced after lib.sh.

# port_field PORT KEY: KEY of PORT in show --json ("" when there is no
# PORT).
port_field()
{
    ctl --json show | json "next((str(p['$2']) for b in d['bridges'] \
for p in b['ports'] if p['name'] == '$1'), '')"
}

# port_field_is PORT KEY VALUE, has_port PORT, no_port PORT: for wait_for.
port_field_is() { [[ $(port_field "$1" "$2") == "$3" ]]; }
has_port() { [[ -n $(port_field "$1" name) ]]; }
no_port() { ! has_port "$1"; }

# default_bridge_is BR: show --json says [libvirt] default-bridge=BR.
default_bridge_is()
{
    [[ $(ctl --json show | json 'd["libvirt"]["default-bridge"]') == "$1" ]]
}

# libvirt_default_bridge BR: writes "[libvirt] default-bridge=BR" to the
# daemon's own file, sends SIGHUP and waits until show says so.
libvirt_default_bridge()
{
    printf '\n[libvirt]\ndefault-bridge=%s\n' "$1" >>"$VST_CONF"
    sw_signal HUP
    wait_for 10 default_bridge_is "$1" \
        || fail "show --json has no libvirt default-bridge $1 after SIGHUP: \
$(ctl --json show)"
}
