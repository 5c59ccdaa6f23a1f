#!/usr/bin/env bash
# vst-timeout: 1500
# test-package: the Debian package (debian/).  From a copy of the source
# tree (the files git knows, as they are in the work tree, without build
# products: the tree's own in-tree build is not disturbed), in a scratch
# directory:
#   - dpkg-buildpackage -us -uc -b builds vswitch_VERSION_ARCH.deb, VERSION
#     being configure.ac's (autoreconf, configure, make, make check and
#     make install run inside);
#   - lintian on the .deb reports no error (its warnings are printed);
#   - dpkg -x unpacks it into a scratch root, where every binary, manual
#     page, systemd unit and the bash completion is present, nothing is
#     under /usr/local or /etc/libvirt (the hook is left to the
#     administrator), no file is outside the expected directories, and
#     each unit's ExecStart program exists;
#   - its postinst enables vswitchd.service and no other unit.
# Skips (77) when the packaging tools are missing (tests/setup.sh installs
# them) or the build dependencies are, and under the sanitizer pass (the
# package is built from the source, not from the sanitizer build: the
# plain pass checks it).  Prints how long the build took.  The header line
# "vst-timeout" gives tests/run-all.sh this test's timeout in seconds.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[[ -z ${VSWITCH_BUILD:-} ]] \
    || skip "the package is built from the source, not from \
$VSWITCH_BUILD: the plain pass checks it"
for c in dpkg-buildpackage dpkg-checkbuilddeps dh lintian git; do
    command -v "$c" >/dev/null 2>&1 \
        || skip "$c not installed (run tests/setup.sh: it installs \
dpkg-dev, debhelper, lintian, fakeroot)"
done
git -C "$VST_SRCDIR" rev-parse --git-dir >/dev/null 2>&1 \
    || skip "$VST_SRCDIR is not a git work tree: cannot tell sources \
from build products"

trap vst_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 1' USR1
VST_TMP=$(mktemp -d "/tmp/${VST_PREFIX:-vspkg}.XXXXXX") \
    || fail "cannot make a temp dir"
log "temp dir $VST_TMP"

VERSION=$(sed -n 's/^AC_INIT(\[[^]]*\], \[\([^]]*\)\].*/\1/p' \
          "$VST_SRCDIR/configure.ac")
[[ -n $VERSION ]] || fail "cannot read the version in configure.ac's AC_INIT"
SRC=$VST_TMP/vswitch-$VERSION
ROOT=$VST_TMP/root

# 1. The source: what git tracks or would track (not ignored), as it is in
# the work tree.
mkdir -p "$SRC" || fail "cannot make $SRC"
(cd "$VST_SRCDIR" && git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do
          [[ -e $f || -L $f ]] && printf '%s\0' "$f"
      done | tar --null -T - -cf -) | tar -xf - -C "$SRC" \
    || fail "cannot copy the source tree to $SRC"
log "source copied: $(find "$SRC" -type f | wc -l) files"

CHANGELOG_VERSION=$(cd "$SRC" && dpkg-parsechangelog -S Version)
assert_eq "$VERSION" "$CHANGELOG_VERSION" \
    "debian/changelog's version (configure.ac's AC_INIT)"

missing=$(cd "$SRC" && dpkg-checkbuilddeps 2>&1) \
    || skip "build dependencies missing: ${missing#*: }"

# 2. The build.
start=$SECONDS
(cd "$SRC" && DEB_BUILD_OPTIONS="parallel=$(nproc 2>/dev/null || echo 2)" \
    dpkg-buildpackage -us -uc -b) >"$VST_TMP/build.log" 2>&1
rc=$?
build_secs=$((SECONDS - start))
if ((rc != 0)); then
    tail -n 40 "$VST_TMP/build.log" >&2
    fail "dpkg-buildpackage failed (exit status $rc) after $build_secs s"
fi
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
DEB=$VST_TMP/vswitch_${VERSION}_$ARCH.deb
[[ -f $DEB ]] || fail "no $DEB after the build: $(ls "$VST_TMP")"
log "ok: built $(basename "$DEB") in $build_secs s \
($(du -k "$DEB" | cut -f1) KiB)"
log "make check in the build: $(grep -c '^PASS: ' "$VST_TMP/build.log") \
programs passed"

# 3. lintian: no error (its warnings and notes are printed).
start=$SECONDS
lintian --display-info --fail-on error "$DEB" >"$VST_TMP/lintian.log" 2>&1
rc=$?
tags()
{
    grep -c "^$1: " "$VST_TMP/lintian.log"
}
log "lintian ($((SECONDS - start)) s): $(tags E) error(s), $(tags W) \
warning(s), $(tags I) note(s)"
sed 's/^/    /' "$VST_TMP/lintian.log"
((rc == 0)) \
    || fail "lintian reports errors on $(basename "$DEB") (exit status $rc)"
log "ok: lintian reports no error"

# 4. The files.
dpkg -x "$DEB" "$ROOT" || fail "dpkg -x $DEB failed"
dpkg-deb -e "$DEB" "$VST_TMP/control" || fail "dpkg-deb -e $DEB failed"
for f in usr/sbin/vswitchd usr/bin/vswitch-ctl \
         usr/sbin/vswitch-libvirt-hook usr/sbin/vswitch-libvirt-agent; do
    [[ -f $ROOT/$f && -x $ROOT/$f ]] || fail "/$f is not in the package"
    [[ $(head -c 4 "$ROOT/$f" | od -An -c | tr -d ' ') == 177ELF ]] \
        || fail "/$f is not an ELF program"
done
log "ok: the four programs are there"
for f in man8/vswitchd.8 man8/vswitch-ctl.8 man8/vswitch-libvirt-hook.8 \
         man8/vswitch-libvirt-agent.8 man5/vswitchd.conf.5; do
    [[ -f $ROOT/usr/share/man/$f.gz ]] \
        || fail "/usr/share/man/$f.gz is not in the package"
done
log "ok: the five manual pages are there"
UNITDIR=$ROOT/lib/systemd/system
for f in vswitchd.service vswitch-libvirt-agent.service; do
    [[ -f $UNITDIR/$f ]] || fail "/lib/systemd/system/$f is not in the package"
done
COMPLETION=usr/share/bash-completion/completions/vswitch-ctl
[[ -f $ROOT/$COMPLETION ]] || fail "/$COMPLETION is not in the package"
cmp -s "$ROOT/$COMPLETION" "$SRC/utilities/vswitch-ctl.bash" \
    || fail "/$COMPLETION differs from utilities/vswitch-ctl.bash"
for f in copyright changelog.gz README.md.gz examples/vswitchd.conf.example; do
    [[ -f $ROOT/usr/share/doc/vswitch/$f ]] \
        || fail "/usr/share/doc/vswitch/$f is not in the package"
done
log "ok: units, completion and documents are there"

[[ ! -e $ROOT/usr/local ]] \
    || fail "files under /usr/local: $(cd "$ROOT" && find usr/local | head)"
[[ ! -e $ROOT/etc/libvirt ]] \
    || fail "the package installs /etc/libvirt: \
$(cd "$ROOT" && find etc/libvirt)"
# Every file in a directory of its kind; a package-private directory
# (usr/libexec/vswitch, usr/share/vswitch) is fine too.
allowed='^\./(usr/bin|usr/sbin|usr/share/man/man[1-8]|usr/share/doc/vswitch'
allowed+='|usr/share/bash-completion/completions|lib/systemd/system'
allowed+='|usr/libexec/vswitch|usr/share/vswitch|etc/vswitch)/'
stray=$(cd "$ROOT" && find . ! -type d | grep -Ev "$allowed")
[[ -z $stray ]] || fail "files outside the expected directories: $stray"
log "ok: $(cd "$ROOT" && find . ! -type d | wc -l) files, none outside the \
expected directories"

# Each unit runs a program that exists (in the package or on the system),
# and none names /usr/local.
for unit in "$UNITDIR"/*; do
    name=$(basename "$unit")
    grep -q /usr/local "$unit" && fail "$name names /usr/local"
    while read -r prog; do
        prog=${prog#[-+@!:]}
        [[ -x $ROOT$prog || -x $prog ]] \
            || fail "$name runs $prog, which is neither in the package \
nor on the system"
    done < <(sed -n 's/^Exec[A-Za-z]*=\([^ ]*\).*/\1/p' "$unit")
done
log "ok: every unit's programs exist: $(cd "$UNITDIR" && echo *)"

# 5. Enabled and started on installation: vswitchd.service only.
POSTINST=$VST_TMP/control/postinst
[[ -f $POSTINST ]] || fail "the package has no postinst"

# unguarded FILE STRING GUARD: FILE (a maintainer script) has a line with
# STRING that is not inside an "if" whose condition holds GUARD.
unguarded()
{
    awk -v str="$2" -v guard="$3" '
        /^[ \t]*if / { stack[++n] = $0; next }
        /^[ \t]*fi([ \t;]|$)/ { n--; next }
        index($0, str) {
            guarded = 0
            for (i = 1; i <= n; i++) {
                if (index(stack[i], guard)) {
                    guarded = 1
                }
            }
            if (!guarded) {
                found = 1
            }
        }
        END { exit !found }' "$1"
}

# enabled_on_install UNIT: the postinst enables UNIT outside the guard
# "if deb-systemd-helper debian-installed 'UNIT'" of dh_installsystemd
# --no-enable (under which only a unit the administrator had enabled is
# enabled again).
enabled_on_install()
{
    unguarded "$POSTINST" "deb-systemd-helper enable '$1'" \
        "debian-installed '$1'"
}

# started_on_install UNIT: the postinst starts UNIT (deb-systemd-invoke).
started_on_install()
{
    grep -q "deb-systemd-invoke [^ ]* '$1'" "$POSTINST"
}

enabled_on_install vswitchd.service \
    || fail "the postinst does not enable vswitchd.service"
started_on_install vswitchd.service \
    || fail "the postinst does not start vswitchd.service"
# Not restarted by an upgrade: no restart in the postinst, and the prerm
# stops it only for a removal.
grep -Eq "(_dh_action=|deb-systemd-invoke )(try-)?restart" "$POSTINST" \
    && fail "the postinst restarts vswitchd.service on upgrade"
if [[ -f $VST_TMP/control/prerm ]] \
    && unguarded "$VST_TMP/control/prerm" "stop 'vswitchd.service'" \
                 "[ \"\$1\" = remove ]"; then
    fail "the prerm stops vswitchd.service on upgrade, not only on removal"
fi
others=()
for unit in "$UNITDIR"/*; do
    name=$(basename "$unit")
    [[ $name == vswitchd.service ]] && continue
    others+=("$name")
    enabled_on_install "$name" && fail "the postinst enables $name"
    started_on_install "$name" && fail "the postinst starts $name"
done
log "ok: the postinst enables and starts vswitchd.service, and neither \
enables nor starts ${others[*]}"
log "PASS (build $build_secs s, $((SECONDS)) s in all)"
