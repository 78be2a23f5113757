#!/bin/sh
# `make install DESTDIR=... [PREFIX=...]` installs exactly the files it should,
# with their modes, and what it installs works: the binary, the Mender module
# and inventory script (the built ones), the man pages, the completion and the
# example system description (which slotflip accepts).
. "$TOP/updater/tests/host/common.inc"
tmp=$(mktemp -d)
export SLOTFLIP_LOCK="$tmp/lock"
trap 'rm -rf "$tmp"' EXIT

# The expected tree for PREFIX: "MODE PATH" lines. A new install group adds its
# files here.
expected() {
	cat <<EOF | sort
755 $1/bin/slotflip
644 $1/lib/systemd/system/slotflip-boot-check.service
644 $1/lib/systemd/system/slotflip-window.service
644 $1/lib/systemd/system/slotflip-window.timer
644 $1/lib/systemd/system-preset/80-slotflip.preset
644 $1/share/bash-completion/completions/slotflip
644 $1/share/doc/slotflip/examples/fw_env.config
644 $1/share/doc/slotflip/examples/system.dts
644 $1/share/man/man5/slotflip-system.5
644 $1/share/man/man7/slotflip-env.7
644 $1/share/man/man8/slotflip.8
755 $1/share/mender/inventory/mender-inventory-slotflip
755 $1/share/mender/modules/v3/slotflip
EOF
}
# make install into DESTDIR (the build itself is not redone: -o keeps the binary)
install_into() { # DESTDIR [PREFIX]
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$TOP" O="$BUILD" -o "$BUILD/slotflip" install \
		DESTDIR="$1" ${2:+PREFIX="$2"} >"$tmp/log" 2>&1
}
listing() { (cd "$1" && find . -type f -printf '%m %P\n' | sed 's|^\([0-7]*\) |\1 /|' | sort); }

install_into "$tmp/usr"
ok $? "make install DESTDIR=... (default PREFIX)"
is "$(listing "$tmp/usr")" "$(expected /usr/local)" "  installs exactly the expected files under /usr/local"
install_into "$tmp/root" /usr
ok $? "make install DESTDIR=... PREFIX=/usr"
is "$(listing "$tmp/root")" "$(expected /usr)" "  installs exactly the expected files under /usr"
is "$(find "$tmp/root" -type l -o -type p -o -type s | wc -l)" 0 "  and nothing but files and folders"

r=$tmp/root/usr
cmp -s "$r/bin/slotflip" "$BUILD/slotflip"
ok $? "the binary is the build's"
"$r/bin/slotflip" --version >/dev/null
ok $? "  and runs"
cmp -s "$r/share/mender/modules/v3/slotflip" "$BUILD/integration/mender/slotflip" &&
	cmp -s "$r/share/mender/inventory/mender-inventory-slotflip" "$BUILD/integration/mender/mender-inventory-slotflip"
ok $? "the Mender module and inventory script are the built ones"
grep -q '@JSON_AWK@' "$r/share/mender/modules/v3/slotflip" "$r/share/mender/inventory/mender-inventory-slotflip"
is "$?" 1 "  with the JSON reader inlined"
out=$("$r/share/mender/modules/v3/slotflip" SupportsRollback "$tmp")
is "$out" Yes "  the installed module answers SupportsRollback"
for p in man8/slotflip.8 man5/slotflip-system.5 man7/slotflip-env.7; do
	out=$(groff -t -man -Tutf8 -ww -z "$r/share/man/$p" 2>&1)
	is "$?:$out" "0:" "$p installed, clean under groff -ww"
done
MANPATH=$r/share/man man -w slotflip-env >/dev/null 2>&1
ok $? "man finds the pages under PREFIX/share/man"
out=$(bash --norc --noprofile -c '. "$1" && complete -p slotflip' x "$r/share/bash-completion/completions/slotflip")
is "$out" "complete -F _slotflip slotflip" "the installed completion registers itself"

# the example system description compiles and slotflip reads it
dtc -q -I dts -O dtb -o "$tmp/system.dtb" "$r/share/doc/slotflip/examples/system.dts"
ok $? "the example system description compiles with dtc"
head -c 32768 /dev/zero >"$tmp/env"
printf '%s 0x0000 0x4000\n%s 0x4000 0x4000\n' "$tmp/env" "$tmp/env" >"$tmp/fw_env.config"
out=$("$SLOTFLIP" --config "$tmp/system.dtb" status 2>&1)
like "$out" "run 'slotflip init'" "  slotflip reads it (and stops at the factory-fresh environment)"
"$SLOTFLIP" --config "$tmp/system.dtb" init >/dev/null
out=$("$SLOTFLIP" --config "$tmp/system.dtb" status --json | grep -o '"[a-z0-9_]*": {[^{]*"activation"' | cut -d'"' -f2 | tr '\n' ' ')
is "$out" "kernel webkit modem_fw " "  with its three components"
grep -q '^/dev/' "$r/share/doc/slotflip/examples/fw_env.config"
ok $? "the example fw_env.config names a device"
done_testing
