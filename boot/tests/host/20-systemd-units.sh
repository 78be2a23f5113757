#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The systemd units as `make install` installs them, checked by systemd itself:
# `systemd-analyze verify --man=no --root=ROOT` in a root that holds what a
# real system does (the machine's own units: targets, slices, sockets; the
# slotflip binary the units run), for PREFIX=/usr and PREFIX=/usr/local; the
# preset enables them where they belong (`systemctl --root preset`); broken
# copies are refused, so the check can fail. TAP output. Needs systemd
# (systemd-analyze, systemctl) and make.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
. "$TOP/updater/tests/host/common.inc"
T=$(mktemp -d /tmp/sf-units-XXXXXX)
trap 'rm -rf "$T"' EXIT
UNITS="slotflip-boot-check.service slotflip-window.service slotflip-window.timer"

install_root() { # ROOT PREFIX: make install, then the machine's own units beside ours
	make -s --no-print-directory -C "$TOP" O="$BUILD" DESTDIR="$1" PREFIX="$2" install >"$T/install.log" 2>&1 ||
		{ cat "$T/install.log"; return 1; }
	mkdir -p "$1/usr/lib/systemd/system"
	cp -an /usr/lib/systemd/system/. "$1/usr/lib/systemd/system/"
}
verify() { # ROOT UNITDIR UNIT...: systemd-analyze verify, its output in $out
	root=$1 dir=$2
	shift 2
	out=$(cd "$dir" && systemd-analyze verify --man=no --root="$root" "$@" 2>&1)
}

for prefix in /usr /usr/local; do
	R=$T/root$(echo "$prefix" | tr / _)
	install_root "$R" "$prefix"
	ok $? "make install DESTDIR=... PREFIX=$prefix"
	U=$R$prefix/lib/systemd/system
	for u in $UNITS; do
		[ -f "$U/$u" ]
		ok $? "  installs $prefix/lib/systemd/system/$u"
	done
	[ -f "$R$prefix/lib/systemd/system-preset/80-slotflip.preset" ]
	ok $? "  installs $prefix/lib/systemd/system-preset/80-slotflip.preset"
	grep -q "^ExecStart=$prefix/bin/slotflip boot-check$" "$U/slotflip-boot-check.service"
	ok $? "  the boot-check runs $prefix/bin/slotflip"
	verify "$R" "$U" $UNITS
	ok $? "  systemd-analyze verify passes"
	is "$out" "" "  and finds nothing to say"
done

R=$T/root_usr
U=$R/usr/lib/systemd/system
prop() { sed -n "s/^$2=//p" "$U/$1" | tr '\n' ' ' | sed 's/ $//'; }
is "$(prop slotflip-boot-check.service DefaultDependencies)" no "boot-check: no default dependencies (early boot)"
like "$(prop slotflip-boot-check.service Before)" "basic.target boot-complete.target" \
	"  before basic.target (every default service) and boot-complete.target"
is "$(prop slotflip-boot-check.service Type)" oneshot "  a oneshot"
is "$(prop slotflip-boot-check.service TimeoutStartSec)" 3min "  bounded: 3 minutes at most"
like "$(prop slotflip-window.service After)" slotflip-boot-check.service "window service: after the boot-check"
is "$(prop slotflip-window.service ExecStart)" "/usr/bin/slotflip activate --due" "  runs activate --due"
is "$(prop slotflip-window.timer OnCalendar)" "*:0/15" "window timer: every quarter of an hour"
is "$(prop slotflip-window.timer FixedRandomDelay)" true "  at a fixed random offset"
next=$(systemd-analyze calendar --iterations=4 "$(prop slotflip-window.timer OnCalendar)" 2>&1 | grep -c ':[0-4][05]:00 ')
is "$next" 4 "  systemd reads the calendar as four quarter hours"

systemctl --root="$R" preset $UNITS >/dev/null 2>&1
ok $? "systemctl preset of the units"
for l in basic.target.wants/slotflip-boot-check.service boot-complete.target.requires/slotflip-boot-check.service \
	timers.target.wants/slotflip-window.timer; do
	[ -L "$R/etc/systemd/system/$l" ]
	ok $? "  enables $l"
done
[ ! -e "$R/etc/systemd/system/multi-user.target.wants/slotflip-window.service" ]
ok $? "  the window service itself is started by its timer only"

# the check can fail: a missing binary, a bad calendar, an unknown setting
mv "$R/usr/bin/slotflip" "$T/slotflip.moved"
verify "$R" "$U" slotflip-boot-check.service
ok "$([ $? -ne 0 ]; echo $?)" "verify refuses a unit whose binary is missing"
like "$out" "Command /usr/bin/slotflip is not executable" "  saying so"
mv "$T/slotflip.moved" "$R/usr/bin/slotflip"
sed 's|^OnCalendar=.*|OnCalendar=*:0/15x|' "$U/slotflip-window.timer" >"$U/broken.timer"
sed 's|^Before=|Befor=|' "$U/slotflip-boot-check.service" >"$U/broken.service"
verify "$R" "$U" broken.timer
ok "$([ $? -ne 0 ]; echo $?)" "verify refuses a timer with a bad calendar"
verify "$R" "$U" broken.service
like "$out" "Unknown key 'Befor'" "verify reports an unknown setting"
done_testing
