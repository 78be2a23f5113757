#!/bin/sh
# The man pages (scdoc sources in integration/man/, built into
# $BUILD/integration/man): clean under groff's strictest warnings, indexable
# by man-db, and complete: every command and option `slotflip --help` lists,
# every exit code, every environment variable the code reads, every sf_*
# variable of docs/environment.md and every system description property the
# parser reads is named in its page.
. "$TOP/updater/tests/host/common.inc"
. "$TOP/integration/tests/host/usage.inc"
man=${INTEGRATION:-$BUILD/integration}/man
tmp=$(mktemp -d)
export SLOTFLIP_LOCK="$tmp/lock"
trap 'rm -rf "$tmp"' EXIT

for page in slotflip.8 slotflip-system.5 slotflip-env.7; do
	out=$(groff -t -man -Tutf8 -ww -z "$man/$page" 2>&1)
	is "$?:$out" "0:" "$page: groff -t -man -Tutf8 -ww -z prints no warning"
	name=${page%.*}
	like "$(lexgrog "$man/$page" 2>&1)" "$name - " "  man-db reads its NAME line"
	head -n 20 "$man/$page" | grep -q "^\.TH \"$name\" \"${page##*.}\""
	ok $? "  its title names section ${page##*.}"
	# the text as a reader sees it, hyphenation and adjustment off
	MANWIDTH=200 groff -t -man -Tutf8 -rHY=0 -dAD=l "$man/$page" 2>/dev/null | col -b >"$tmp/$page.txt"
done

# every page SEE ALSO names exists: one of these, or installed on this machine (or
# at least its program, where an image leaves out /usr/share/man)
for page in slotflip.8 slotflip-system.5 slotflip-env.7; do
	missing=""
	for ref in $(sed -n '/^SEE ALSO/,/^[A-Z]/p' "$tmp/$page.txt" | grep -oE '[a-z_.-]+\([0-9]\)'); do
		name=${ref%(*} sect=$(echo "$ref" | tr -dc 0-9)
		[ -f "$man/$name.$sect" ] || man -w "$sect" "$name" >/dev/null 2>&1 || command -v "$name" >/dev/null ||
			missing="$missing $ref"
	done
	is "$missing" "" "$page: every page of SEE ALSO exists"
done

# slotflip(8): one subsection per command, naming each of its options
txt=$tmp/slotflip.8.txt
usage_table >"$tmp/usage"
# (a command may have several lines, e.g. one per form)
ok "$([ "$(wc -l <"$tmp/usage")" -ge 11 ]; echo $?)" "slotflip --help and slotflip bundle list at least 10 commands and the global options"
while IFS="$(printf '\t')" read -r cmd opts; do
	if [ "$cmd" = - ]; then
		for o in $opts; do
			grep -q -- "^ *$o\b" "$txt"
			ok $? "slotflip(8) documents the global option $o"
		done
		continue
	fi
	grep -q "^   $cmd\b" "$txt"
	ok $? "slotflip(8) has a subsection for '$cmd'"
	missing=""
	# the subsection: from its heading to the next one
	sed -n "/^   $cmd\b/,/^   [a-z]/p" "$txt" >"$tmp/section"
	for o in $opts; do
		grep -q -- "$o\b" "$tmp/section" || missing="$missing $o"
	done
	is "$missing" "" "  and it names every option of '$cmd'"
done <"$tmp/usage"

codes=$("$SLOTFLIP" --help | tr '\n' ' ' | sed -n 's/.*Exit codes: \(.*\)/\1/p' | grep -o '[0-9][0-9]* [a-z]' | cut -d' ' -f1)
missing=""
for c in $codes 9 10 11 12 13; do
	sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$txt" | grep -q "│$c  *│" || missing="$missing $c"
done
is "$missing" "" "slotflip(8) lists every exit code (0-13)"

missing=""
for v in $(grep -rhoE 'getenv\("[A-Z_]+"\)' "$TOP/updater" "$TOP/boot" --include='*.c' --exclude-dir=tests | sed 's/getenv("\(.*\)")/\1/' | sort -u); do
	sed -n '/^ENVIRONMENT/,/^[A-Z]/p' "$txt" | grep -q "$v" || missing="$missing $v"
done
is "$missing" "" "slotflip(8) documents every environment variable slotflip reads"

# slotflip-env(7): the variables of docs/environment.md
missing=""
# (each row of its variable tables starts with the variables it describes)
for v in $(grep '^| `sf_' "$TOP/docs/environment.md" | cut -d'|' -f2 | grep -oE '`sf_[A-Za-z_{},]+`' | tr -d '`'); do
	case $v in
	*'{a,b}'*) set -- "$(echo "$v" | sed 's/{a,b}/a/')" "$(echo "$v" | sed 's/{a,b}/b/')" ;;
	*) set -- "$v" ;;
	esac
	for w; do grep -q "$w" "$tmp/slotflip-env.7.txt" || missing="$missing $w"; done
done
is "$missing" "" "slotflip-env(7) names every sf_* variable of docs/environment.md"
grep -q '^\| `sf_C_' "$TOP/docs/environment.md"
ok $? "  (docs/environment.md's table was found)"

# slotflip-system(5): every property the system description parser reads
props=$(grep -hoE '"(slotflip,[a-z-]+|slot-[ab]|mount-point|fstype|stop-command|start-command|activation)"' \
	"$TOP/updater/io/sysconf.c" | tr -d '"' | sort -u)
missing=""
for p in $props; do
	grep -q -- "$p" "$tmp/slotflip-system.5.txt" || missing="$missing $p"
done
is "$missing" "" "slotflip-system(5) documents every property sysconf.c reads ($(echo "$props" | wc -l))"
for h in SLOTFLIP_COMPONENTS SLOTFLIP_COMPONENT SLOTFLIP_SLOT SLOTFLIP_VERSION SLOTFLIP_DEVICE SLOTFLIP_MOUNT; do
	grep -q "setenv(\"$h\"" "$TOP/boot/health.c" && grep -q "$h" "$tmp/slotflip-system.5.txt"
	ok $? "slotflip-system(5) documents the health check variable $h"
done

# the example of slotflip-system(5) is a system description slotflip accepts
# (from "/dts-v1/;" to the prose after it, which starts at the text's own indentation)
awk '/dts-v1/ { on = 1 } on && /^       [A-Z]/ { exit } on' "$tmp/slotflip-system.5.txt" >"$tmp/example.dts"
dtc -q -I dts -O dtb -o "$tmp/example.dtb" "$tmp/example.dts"
ok $? "slotflip-system(5)'s example compiles with dtc"
head -c 32768 /dev/zero >"$tmp/env"
printf '%s 0x0000 0x4000\n%s 0x4000 0x4000\n' "$tmp/env" "$tmp/env" >"$tmp/fw_env.config"
out=$("$SLOTFLIP" --config "$tmp/example.dtb" status 2>&1)
is "$?" 7 "  slotflip reads it (and stops at the factory-fresh environment: exit 7)"
like "$out" "run 'slotflip init'" "  naming the environment, not the description"
done_testing
