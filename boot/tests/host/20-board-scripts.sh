#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The boot script generator (scripts/qemu-bootscr) for every board in
# partitions/: the preamble is derived from the board's system description,
# GPT and fw_env.config (slot partition numbers by name, env copies' first
# blocks), the board's options land in it as given, the body is boot/boot.cmd
# unchanged, and mkimage wraps it for the board's architecture. Also an
# environment at a raw offset of the whole disk (fw_env.config naming
# /dev/mmcblk1), and refusals: a slot that is not on the disk, one env copy.
# The scripts themselves run in U-Boot in 10-bootscr.sh (x86) and in the QEMU
# scenarios (make qemu-test, make qemu-test-arm64). TAP output.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$TOP/updater/tests/host/common.inc"
W=$(mktemp -d /tmp/sf-bootscr-XXXXXX)
trap 'rm -rf "$W"' EXIT
gen="$TOP/scripts/qemu-bootscr"
body_lines=$(wc -l <"$TOP/boot/boot.cmd")

disk() { # board -> image file with its GPT
	truncate -s "$2" "$W/$1.img"
	grep -v '^#' "$TOP/partitions/$1/gpt.sfdisk" | sfdisk -q "$W/$1.img"
	echo "$W/$1.img"
}
pre() { # script variable -> its preamble value
	sed -n "s/^setenv $2 //p" "$1" | head -n 1
}
lba() { # image, partition number -> first block in hex
	printf '0x%x' "$(sfdisk -J "$1" | python3 -c "import json,sys
print([p['start'] for p in json.load(sys.stdin)['partitiontable']['partitions'] if p['node'].endswith('img$2')][0])")"
}

# qemu-x86: the defaults
img=$(disk qemu-x86 160M)
"$gen" --system "$TOP/partitions/qemu-x86/system.dts" --env-config "$TOP/partitions/qemu-x86/fw_env.config" \
	--disk "$img" -o "$W/x86.cmd" --scr "$W/x86.scr"
ok $? "qemu-x86: generated"
is "$(pre "$W/x86.cmd" sfb_iface)" virtio "  virtio"
is "$(pre "$W/x86.cmd" sfb_part_rootfs_b)" 4 "  rootfs_b is partition 4"
is "$(pre "$W/x86.cmd" sfb_lba1)" "$(lba "$img" 2)" "  env copy 1 at the start of uboot_env"
like "$(pre "$W/x86.cmd" sfb_bootcmd)" "zboot" "  zboot"
mkimage -l "$W/x86.scr" | grep -q 'Intel x86'
ok $? "  mkimage: an x86 script"

# qemu-arm64: booti, its addresses, arm64
img=$(disk qemu-arm64 240M)
# shellcheck disable=SC2016
"$gen" --system "$TOP/partitions/qemu-arm64/system.dts" --env-config "$TOP/partitions/qemu-arm64/fw_env.config" \
	--disk "$img" --arch arm64 --kernel /boot/Image --kaddr 0x40400000 --iaddr 0x44000000 --mem 0x50000000 \
	--bootcmd 'booti ${sfb_kaddr} ${sfb_iaddr}:${sfb_isize_loaded} ${fdtcontroladdr}' \
	--bootargs 'console=ttyAMA0 panic=1' -o "$W/arm64.cmd" --scr "$W/arm64.scr"
ok $? "qemu-arm64: generated"
is "$(pre "$W/arm64.cmd" sfb_kernel)" /boot/Image "  /boot/Image"
is "$(pre "$W/arm64.cmd" sfb_c1)" 0x50000000 "  work area at --mem"
# shellcheck disable=SC2016
is "$(pre "$W/arm64.cmd" sfb_bootcmd)" \
	"'booti \${sfb_kaddr} \${sfb_iaddr}:\${sfb_isize_loaded} \${fdtcontroladdr}'" "  booti with U-Boot's device tree"
is "$(pre "$W/arm64.cmd" sfb_part_rootfs_a)" 3 "  rootfs_a is partition 3"
mkimage -l "$W/arm64.scr" | grep -q 'AArch64'
ok $? "  mkimage: an AArch64 script"
tail -n "$body_lines" "$W/arm64.cmd" | cmp -s - "$TOP/boot/boot.cmd"
ok $? "  the body is boot/boot.cmd unchanged"

# rock-pi-4b: mmc 1, partition names, two components
img=$(disk rock-pi-4b 6G)
"$gen" --system "$TOP/partitions/rock-pi-4b/system.dts" --env-config "$TOP/partitions/rock-pi-4b/fw_env.config" \
	--disk "$img" --arch arm64 --iface mmc --devnum 1 --mem 0x10000000 --kernel /boot/Image \
	--kaddr 0x02080000 --iaddr 0x06000000 -o "$W/rp4.cmd" --scr "$W/rp4.scr"
ok $? "rock-pi-4b: generated"
is "$(pre "$W/rp4.cmd" sfb_iface)" mmc "  mmc"
is "$(pre "$W/rp4.cmd" sfb_devnum)" 1 "  device 1 (the microSD card)"
is "$(pre "$W/rp4.cmd" sfb_all)" '"rootfs browser"' "  every component"
is "$(pre "$W/rp4.cmd" sfb_reboot)" '"rootfs"' "  rootfs is the reboot component"
is "$(pre "$W/rp4.cmd" sfb_lba2)" "$(printf '0x%x' $(($(lba "$img" 2) + 0x20)))" "  env copy 2 16 KiB into uboot_env"
is "$(pre "$W/rp4.cmd" sfb_lba1)" 0x18000 "  uboot_env starts at 16 MiB + 32 MiB: block 0x18000"

# an environment at a raw offset of the whole disk
printf '/dev/mmcblk1 0x3f8000 0x8000\n/dev/mmcblk1 0x3f0000 0x8000\n' >"$W/raw.config"
"$gen" --system "$TOP/partitions/rock-pi-4b/system.dts" --env-config "$W/raw.config" --disk "$img" \
	--arch arm64 -o "$W/raw.cmd"
ok $? "env on the whole disk: generated"
is "$(pre "$W/raw.cmd" sfb_lba1)" 0x1fc0 "  copy 1 at 0x3f8000 = block 0x1fc0"
is "$(pre "$W/raw.cmd" sfb_lba2)" 0x1f80 "  copy 2 at 0x3f0000 = block 0x1f80"
is "$(pre "$W/raw.cmd" sfb_blks)" 0x40 "  32 KiB = 0x40 blocks"

# refusals
head -n 3 "$TOP/partitions/rock-pi-4b/fw_env.config" >"$W/one.config"
echo "/dev/disk/by-partlabel/uboot_env 0x0 0x4000" >>"$W/one.config"
msg=$("$gen" --system "$TOP/partitions/rock-pi-4b/system.dts" --env-config "$W/one.config" --disk "$img" \
	-o "$W/one.cmd" 2>&1)
is "$?" 1 "one env copy is refused"
like "$msg" "need two copies" "  with the reason"
sed 's/rootfs_b/kernel_b/' "$TOP/partitions/rock-pi-4b/system.dts" >"$W/bad.dts"
msg=$("$gen" --system "$W/bad.dts" --env-config "$TOP/partitions/rock-pi-4b/fw_env.config" --disk "$img" \
	-o "$W/bad.cmd" 2>&1)
is "$?" 1 "a reboot component whose slot is not on the disk is refused"
like "$msg" "no single partition named kernel_b" "  naming the partition"
done_testing
