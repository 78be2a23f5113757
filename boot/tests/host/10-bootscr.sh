#!/bin/sh
# SPDX-License-Identifier: MIT
# test-tier: qemu
#
# The U-Boot boot script (boot/boot.cmd) in the real U-Boot: Debian's qemu-x86
# ROM runs in QEMU (TCG) on a disk laid out like the qemu-x86 board
# (partitions/qemu-x86/gpt.sfdisk), with crafted redundant environments. Each
# case stops when the script hands over to the kernel (the test's boot command
# prints a marker and waits) and then reads the environment on the host with
# fw_printenv (libubootenv) and envimg.py. Checked:
#   - the choice of env copy, against fw_printenv's: both valid, either newer,
#     equal flags, the 255 -> 0 wrap both ways, either copy corrupt, both corrupt;
#   - the try spending: tries - 1 stored before the trial boots, written to
#     both copies, non-current first, flags kept, exactly the sf_* variables;
#   - the fallbacks: no tries left, no tries variable, a trial slot that
#     cannot be loaded;
#   - the rows that must not write: no trial, unknown values, trial = active;
#   - a power cut between the two copy writes, and after both.
# TAP output. Needs qemu-system-x86, u-boot-qemu, u-boot-tools, fdisk,
# dosfstools, mtools, e2fsprogs, device-tree-compiler, libubootenv-tool and
# python3 (scripts/deps.sh check installs them); a missing tool fails.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
ENVIMG="python3 $TOP/boot/tests/host/envimg.py"
BOARD=$TOP/partitions/qemu-x86
ENV_SIZE=0x4000

n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
nok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}
check() { # description, command...
	d=$1
	shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}
finish() {
	echo "1..$n"
	if [ "$failed" -eq 0 ]; then
		[ -n "${W:-}" ] && rm -rf "$W"
		exit 0
	fi
	[ -n "${W:-}" ] && echo "# images and console logs kept in $W"
	exit 1
}

missing=""
for t in qemu-system-x86_64 mkimage sfdisk mkfs.vfat mcopy mkfs.ext4 dtc fdtget fw_printenv python3; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -f /usr/lib/u-boot/qemu-x86/u-boot.rom ] || missing="$missing u-boot.rom(u-boot-qemu)"
if [ -n "$missing" ]; then
	nok "tools present (missing:$missing; run scripts/deps.sh check)"
	finish
fi
ok "tools present"

# ---------------------------------------------------------------- the disk
# a folder of its own: several test runs may share one build folder
mkdir -p "$BUILD/boot/tests"
W=$(mktemp -d "$BUILD/boot/tests/bootscr.XXXXXX")
mkdir -p "$W/slot-a/boot" "$W/slot-b/boot"
if ! "$TOP/scripts/qemu-uboot-rom" "$W/u-boot.rom"; then
	nok "U-Boot ROM patched"
	finish
fi
truncate -s 96M "$W/base.img"
sfdisk -q "$W/base.img" <"$BOARD/gpt.sfdisk" || { nok "GPT written"; finish; }
# the slots: /boot/initrd.img is 0x3e8 bytes in slot a, 0x7d0 in slot b, so the
# size U-Boot loaded tells which slot it booted
printf 'kernel a' >"$W/slot-a/boot/bzImage"
printf 'kernel b' >"$W/slot-b/boot/bzImage"
head -c 1000 /dev/zero >"$W/slot-a/boot/initrd.img"
head -c 2000 /dev/zero >"$W/slot-b/boot/initrd.img"
put_part() { # image, partition number, file
	dd if="$3" of="$1" bs=512 seek=$(($($ENVIMG offsets "$1" "$2") / 512)) conv=notrunc status=none
}
for s in a b; do
	mkfs.ext4 -q -F -d "$W/slot-$s" "$W/slot-$s.ext4" 4M >/dev/null 2>&1
done
put_part "$W/base.img" 3 "$W/slot-a.ext4"
put_part "$W/base.img" 4 "$W/slot-b.ext4"
# boot.scr with a boot command that only reports and waits for the harness
with_bootscr() { # system.dts, output image
	cp --sparse=always "$W/base.img" "$2" &&
		"$TOP/scripts/qemu-bootscr" --system "$1" --boot rootfs --env-config "$BOARD/fw_env.config" \
			--disk "$2" --bootargs "console=ttyS0,115200" \
			--bootcmd 'echo "slotflip-test: loaded ${sfb_isize_loaded}:${bootargs}"; sleep 30' \
			-o "$2.cmd" --scr "$2.scr" &&
		rm -f "$2.vfat" && mkfs.vfat -C "$2.vfat" 8192 >/dev/null && mcopy -i "$2.vfat" "$2.scr" ::/boot.scr &&
		put_part "$2" 1 "$2.vfat"
}
if ! with_bootscr "$BOARD/system.dts" "$W/board.img"; then
	nok "boot.scr generated"
	finish
fi
# a board with a second reboot component, fw, in partitions 5 and 6, listed
# first (the kernel is still rootfs's: --boot)
sed 's|^\(\tcomponents {\)$|\1\n\t\tfw {\n\t\t\tslot-a = "/dev/vda5";\n\t\t\tslot-b = "/dev/vda6";\n\t\t\tactivation = "reboot";\n\t\t};|' \
	"$BOARD/system.dts" >"$W/system-fw.dts"
if ! grep -q 'fw {' "$W/system-fw.dts" || ! with_bootscr "$W/system-fw.dts" "$W/board-fw.img"; then
	nok "boot.scr of a board with two reboot components generated"
	finish
fi
ok "disk images with boot.scr built"
ENV1=$($ENVIMG offsets "$W/board.img" 2)
ENV2=$((ENV1 + ENV_SIZE))

# ---------------------------------------------------------------- helpers
# The state after an install of rootfs 1.1 into slot b (trial, 3 tries), with a
# webkit patch armed too (a soft component: U-Boot must leave it alone) and one
# variable that is not slotflip's.
cat >"$W/vars.base" <<'EOF'
sf_rootfs_active=a
sf_rootfs_trial=b
sf_rootfs_tries=3
sf_rootfs_floor=1
sf_rootfs_a_ver=1.0
sf_rootfs_a_sv=1
sf_rootfs_b_ver=1.1
sf_rootfs_b_sv=1
sf_webkit_active=a
sf_webkit_trial=b
sf_webkit_tries=2
sf_webkit_floor=3
sf_webkit_a_ver=26.3
sf_webkit_a_sv=3
sf_webkit_b_ver=26.3 (a) "<rc>" 'x' & ; | $y
sf_webkit_b_sv=3
sf_rootfs_a_id=00112233445566aa
sf_rootfs_b_id=8899aabbccddeeff
sf_rootfs_b_req=fw>=7 (a) "q" <b>
sf_webkit_a_id=0011223344556677
sf_webkit_b_id=8899aabbccddeeff
sf_webkit_b_req=rootfs>=1.1 libc>=2.36
sf_webkit_fail=health-check-failed health check 'webkit/10-selftest' exited with status 1
sf_webkit_fail_ver=26.2 (c)
sf_webkit_removed=3 26.2 (c)
sf_webkit_test=passed 1764633600 812 1450 96 26.2 (t)
sf_auto=on
sf_window=02:00-04:30
vendor_serial=1234
EOF

vars() { # output file, then NAME=VALUE to set or -NAME to drop
	out=$1
	shift
	cp "$W/vars.base" "$out"
	for kv in "$@"; do
		name=${kv%%=*}
		name=${name#-}
		grep -v "^$name=" "$out" >"$out.tmp"
		case $kv in -*) ;; *) echo "$kv" >>"$out.tmp" ;; esac
		mv "$out.tmp" "$out"
	done
}

# new case: a fresh disk, copy 1 and copy 2 as FLAGS VALID VARFILE each
board=board
setup() { # name, flags1 valid1 vars1, flags2 valid2 vars2
	c=$1
	img=$W/$c.img
	cp --sparse=always "$W/$board.img" "$img"
	$ENVIMG put "$img" "$ENV1" $ENV_SIZE "$2" "$3" "$4"
	$ENVIMG put "$img" "$ENV2" $ENV_SIZE "$5" "$6" "$7"
	printf '%s %s %s\n%s %s %s\n' "$img" "$ENV1" $ENV_SIZE "$img" "$ENV2" $ENV_SIZE >"$W/$c.cfg"
	copies_before=$(copies)
}

copies() {
	echo "$($ENVIMG show "$img" "$ENV1" $ENV_SIZE) | $($ENVIMG show "$img" "$ENV2" $ENV_SIZE)"
}

getvar() {
	fw_printenv -c "$W/$c.cfg" -n "$1" 2>/dev/null
}

# the order of the env copy writes in the console log, e.g. "21"
write_order() {
	sed -n 's/.*slotflip: wrote env copy \([12]\).*/\1/p' "$W/$c.log" | tr -d '\n'
}

printenv_sorted() {
	fw_printenv -c "$W/$c.cfg" 2>/dev/null | LC_ALL=C sort
}

# run U-Boot until the kernel would start; sets copy (1|2|none), booted (a|b|?)
# and cmdline
boot() { # extra harness arguments
	python3 "$TOP/test-images/qemu-console.py" --quiet --log "$W/$c.log" --timeout 30 \
		--until 'slotflip-test: loaded|slotflip: no bootable slot' "$@" -- \
		qemu-system-x86_64 -accel tcg -machine pc -m 256 -smp 1 -display none -vga none \
		-serial stdio -monitor none -nic none -no-reboot -bios "$W/u-boot.rom" \
		-drive file="$img",format=raw,if=virtio >/dev/null 2>&1
	copy=$(sed -n 's/.*slotflip: environment copy \([12]\).*/\1/p' "$W/$c.log" | head -n 1)
	grep -q 'slotflip: no valid environment copy' "$W/$c.log" && copy=none
	loaded=$(sed -n 's/.*slotflip-test: loaded \([0-9a-fA-F]*\):.*/\1/p' "$W/$c.log" | tail -n 1)
	case $loaded in 3e8 | 3E8) booted=a ;; 7d0 | 7D0) booted=b ;; *) booted="?" ;; esac
	cmdline=$(sed -n 's/.*slotflip-test: loaded [0-9a-fA-F]*://p' "$W/$c.log" | tail -n 1)
}

# ------------------------------------------------- which copy is current
# copy 1 names slot a active, copy 2 slot b; no trial, so nothing is written
vars "$W/vars.a" -sf_rootfs_trial -sf_rootfs_tries
vars "$W/vars.b" sf_rootfs_active=b -sf_rootfs_trial -sf_rootfs_tries
while read -r c f1 v1 f2 v2 want; do
	setup "$c" "$f1" "$v1" "$W/vars.a" "$f2" "$v2" "$W/vars.b"
	host=$(fw_printenv -c "$W/$c.cfg" -n sf_rootfs_active 2>/dev/null)
	[ "$host" = a ] && host=1
	[ "$host" = b ] && host=2
	boot
	check "$c: U-Boot uses copy $want (got '$copy'), as fw_printenv does ('$host')" \
		eval '[ "$copy" = "$want" ] && [ "$host" = "$want" ]'
	[ "$want" = 1 ] && slot=a || slot=b
	check "$c: boots slot $slot, the one that copy names, and writes nothing" \
		eval '[ "$booted" = $slot ] && [ "$(copies)" = "$copies_before" ]' 
done <<'EOF'
copy2-newer     1 1 2 1 2
copy1-newer     2 1 1 1 1
equal-flags     5 1 5 1 1
wrap-255-0      255 1 0 1 2
wrap-0-255      0 1 255 1 1
copy1-corrupt   3 0 2 1 2
copy2-corrupt   2 1 3 0 1
EOF

c=both-corrupt
setup $c 1 0 "$W/vars.b" 2 0 "$W/vars.b"
boot
check "$c: no copy imported, slot a booted" eval '[ "$copy" = none ] && [ "$booted" = a ]' 
check "$c: nothing written (both copies still invalid, byte for byte)" [ "$(copies)" = "$copies_before" ]
check "$c: fw_printenv refuses it too" eval '! fw_printenv -c "$W/$c.cfg" >/dev/null 2>&1' 

# --------------------------------------------- only sf_* variables count
# stored variables named like the script's settings or U-Boot's are ignored:
# this one would load slot b's kernel from partition 6 if it were imported
c=foreign-vars
vars "$W/$c.vars" sfb_part_rootfs_b=6 'bootcmd=echo hijacked'
setup $c 1 1 "$W/$c.vars" 0 0 -
boot
check "$c: trial slot b loaded from its own partition" eval '[ "$booted" = b ]'
vars "$W/$c.want" sf_rootfs_tries=2 -vendor_serial -sfb_part_rootfs_b -bootcmd
check "$c: foreign variables dropped by U-Boot's write" \
	eval '[ "$(printenv_sorted)" = "$(LC_ALL=C sort "$W/$c.want")" ]'

# ------------------------------------------------------ spending a try
c=spend-3
vars "$W/$c.vars"
setup $c 1 1 "$W/$c.vars" 0 0 -
boot
check "$c: trial slot b booted with slotflip.rootfs=b" \
	eval '[ "$booted" = b ] && echo "$cmdline" | grep -q " slotflip.rootfs=b\$"' 
vars "$W/$c.want" sf_rootfs_tries=2 -vendor_serial
check "$c: stored tries 2, every other sf_* variable unchanged, nothing else kept" \
	[ "$(printenv_sorted)" = "$(LC_ALL=C sort "$W/$c.want")" ]
after=$(copies)
f1=$(echo "$after" | sed 's/^flags=\([0-9]*\) crc=ok.*| flags=\([0-9]*\) crc=ok.*/\1 \2/')
check "$c: both copies valid, flags kept (1 0): $after" [ "$f1" = "1 0" ]
check "$c: both copies hold the same data" \
	[ "$(echo "$after" | sed 's/.*sha=\([0-9a-f]*\) |.*/\1/')" = "$(echo "$after" | sed 's/.*sha=//')" ]
check "$c: non-current copy 2 written first" eval '[ "$(write_order)" = 21 ]' 

# the device-wide install policy (docs/environment.md) is slotflip's too: it
# must survive U-Boot's write
c=policy-kept
vars "$W/$c.vars" sf_auto=on sf_window=22:00-04:00
if grep -q 'sf_window' "$TOP/boot/boot.cmd"; then
	setup $c 1 1 "$W/$c.vars" 0 0 -
	boot
	vars "$W/$c.want" sf_rootfs_tries=2 -vendor_serial sf_auto=on sf_window=22:00-04:00
	check "$c: sf_auto and sf_window kept by U-Boot's write" \
		[ "$(printenv_sorted)" = "$(LC_ALL=C sort "$W/$c.want")" ]
else
	ok "$c # SKIP boot/boot.cmd does not keep sf_auto and sf_window yet"
fi

c=spend-wrap
vars "$W/$c.vars"
setup $c 255 1 "$W/$c.vars" 0 1 "$W/$c.vars"
boot
check "$c: copy 2 current (flags 0 after 255), written last" eval '[ "$copy" = 2 ] && [ "$(write_order)" = 12 ]' 
check "$c: fw_printenv reads tries 2 afterwards" eval '[ "$(getvar sf_rootfs_tries)" = 2 ]' 
check "$c: flags kept (255 0)" eval '[ "$(copies | sed "s/ crc[^|]*| / /; s/ crc.*//")" = "flags=255 flags=0" ]' 

c=spend-last
vars "$W/$c.vars" sf_rootfs_tries=1
setup $c 1 1 "$W/$c.vars" 0 0 -
boot
check "$c: tries 1 -> 0, trial slot b booted" \
	eval '[ "$booted" = b ] && [ "$(getvar sf_rootfs_tries)" = 0 ] && [ "$(getvar sf_rootfs_trial)" = b ]' 

# ------------------------------------------------------------ fallbacks
for c in no-tries-left tries-absent; do
	if [ $c = no-tries-left ]; then vars "$W/$c.vars" sf_rootfs_tries=0; else vars "$W/$c.vars" -sf_rootfs_tries; fi
	setup $c 4 1 "$W/$c.vars" 3 1 "$W/vars.b"
	boot
	check "$c: falls back, boots active slot a with slotflip.rootfs=a" \
		eval '[ "$booted" = a ] && echo "$cmdline" | grep -q " slotflip.rootfs=a\$"' 
	vars "$W/$c.want" -sf_rootfs_trial -sf_rootfs_tries sf_rootfs_bad=b sf_rootfs_bad_why=failed \
		"sf_rootfs_fail=tries-exhausted U-Boot found no try left for slot b" -vendor_serial
	check "$c: stored bad=b bad_why=failed and why, trial and tries cleared, every other sf_* variable kept as it was" \
		[ "$(printenv_sorted)" = "$(LC_ALL=C sort "$W/$c.want")" ]
done

c=trial-unloadable
vars "$W/$c.vars"
setup $c 1 1 "$W/$c.vars" 0 0 -
dd if=/dev/zero of="$img" bs=512 seek=$(($($ENVIMG offsets "$img" 4) / 512)) count=8192 conv=notrunc status=none
boot
check "$c: slot b cannot be loaded, falls back and boots slot a" \
	eval 'grep -q "slotflip: rootfs slot b cannot be loaded" "$W/$c.log" && [ "$booted" = a ]' 
vars "$W/$c.want" -sf_rootfs_trial -sf_rootfs_tries sf_rootfs_bad=b sf_rootfs_bad_why=failed \
	"sf_rootfs_fail=slot-unusable U-Boot could not load or boot slot b" -vendor_serial
check "$c: the spent try and the fallback are stored" \
	eval 'grep -q "tries 3 -> 2" "$W/$c.log" && [ "$(printenv_sorted)" = "$(LC_ALL=C sort "$W/$c.want")" ]' 

# ------------------------------------------------ rows that write nothing
while read -r c override want; do
	vars "$W/$c.vars" $(echo "$override" | tr , ' ')
	setup "$c" 1 1 "$W/$c.vars" 0 0 -
	boot
	check "$c: boots slot $want" [ "$booted" = "$want" ]
	check "$c: writes nothing" [ "$(copies)" = "$copies_before" ]
done <<'EOF'
committed-b     sf_rootfs_active=b,-sf_rootfs_trial     b
tries-garbage   sf_rootfs_tries=x                       a
tries-too-big   sf_rootfs_tries=10                      a
trial-is-active sf_rootfs_trial=a                       a
trial-garbage   sf_rootfs_trial=c                       a
active-garbage  sf_rootfs_active=c                      a
EOF

# ------------------------------------------- two reboot components, one set
# fw's trial is armed with rootfs's (one bundle): both spend a try, both are on
# the command line, all three components' variables are kept; when rootfs's
# trial cannot be loaded, both fall back together
board=board-fw
cat >>"$W/vars.base" <<'EOF'
sf_fw_active=a
sf_fw_trial=b
sf_fw_tries=3
sf_fw_floor=0
sf_fw_a_ver=7
sf_fw_a_sv=0
sf_fw_b_ver=8
sf_fw_b_sv=0
EOF
c=two-spend
vars "$W/$c.vars"
setup $c 1 1 "$W/$c.vars" 0 0 -
boot
check "$c: both trials booted: slotflip.fw=b slotflip.rootfs=b" \
	eval '[ "$booted" = b ] && [ "$cmdline" = "console=ttyS0,115200 slotflip.fw=b slotflip.rootfs=b" ]'
vars "$W/$c.want" sf_rootfs_tries=2 sf_fw_tries=2 -vendor_serial
check "$c: both tries stored, every sf_* variable of the three components and the device kept" \
	eval '[ "$(printenv_sorted)" = "$(LC_ALL=C sort "$W/$c.want")" ]'

c=two-unloadable
vars "$W/$c.vars"
setup $c 1 1 "$W/$c.vars" 0 0 -
dd if=/dev/zero of="$img" bs=512 seek=$(($($ENVIMG offsets "$img" 4) / 512)) count=8192 conv=notrunc status=none
boot
check "$c: both fall back: slotflip.fw=a slotflip.rootfs=a" \
	eval '[ "$booted" = a ] && [ "$cmdline" = "console=ttyS0,115200 slotflip.fw=a slotflip.rootfs=a" ]'
vars "$W/$c.want" -sf_rootfs_trial -sf_rootfs_tries sf_rootfs_bad=b sf_rootfs_bad_why=failed \
	"sf_rootfs_fail=slot-unusable U-Boot could not load or boot slot b" \
	-sf_fw_trial -sf_fw_tries sf_fw_bad=b sf_fw_bad_why=failed \
	"sf_fw_fail=slot-unusable U-Boot could not load or boot slot b" -vendor_serial
check "$c: both fallbacks stored" eval '[ "$(printenv_sorted)" = "$(LC_ALL=C sort "$W/$c.want")" ]'
board=board

# ----------------------------------------------------------- power cuts
# sfb_hold makes the script pause after each copy write; the harness cuts the
# power during the first pause (copy 2 written, current copy 1 not yet) or
# during the second one (both written)
vars "$W/hold.vars" sfb_hold=5
c=cut-after-first
setup $c 1 1 "$W/hold.vars" 0 0 -
boot --cut 'slotflip: test hold'
check "$c: power cut after the non-current copy was written" grep -q '### power cut' "$W/$c.log"
check "$c: libubootenv still reads the old state (tries 3)" \
	eval '[ "$(getvar sf_rootfs_tries)" = 3 ] && [ "$(getvar sf_rootfs_trial)" = b ]'
check "$c: both copies valid" eval '[ "$(copies | grep -o crc=ok | wc -l)" = 2 ]' 

c=cut-after-second
setup $c 1 1 "$W/hold.vars" 0 0 -
boot --cut 'slotflip: test hold .* after env copy 1'
check "$c: power cut after both copies were written" grep -q '### power cut' "$W/$c.log"
check "$c: libubootenv reads the new state (tries 2, hold dropped)" \
	eval '[ "$(getvar sf_rootfs_tries)" = 2 ] && [ -z "$(getvar sfb_hold)" ]' 

finish
