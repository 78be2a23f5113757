#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build a QEMU test system of one board from Debian packages, without
# root-only steps (no loop mounts: mkfs.ext4 -d, mkfs.vfat -C + mcopy,
# mkfs.erofs, sfdisk on a file, dd):
#
#   test-images/build.sh [--board NAME] OUT DEVICE_SLOTFLIP HOST_SLOTFLIP
#
# NAME is a profile in test-images/boards/ (default qemu-x86_64; qemu-arm64):
# it names the board's files in partitions/, its U-Boot, kernel, busybox and
# libubootenv tools, kernel modules, boot script options and QEMU command.
#
# OUT/u-boot.rom|.bin     Debian's U-Boot for the board, boot delay 0
# OUT/boot.cmd, boot.scr  boot/boot.cmd with the board's preamble
# OUT/rootfs-V.ext4       rootfs slot images: the kernel (/boot/bzImage or
#                         /boot/Image) + /boot/initrd.img (busybox-static,
#                         DEVICE_SLOTFLIP and its libraries, fw_printenv, the
#                         modules needed, test-images/rootfs/): 1.0 (factory),
#                         1.1, 1.2-panic (kernel crash), 1.3-hang (init hangs),
#                         1.4-unhealthy (fails its health check)
# OUT/webkit-V.erofs      webkit slot images, uncompressed erofs: 26.3
#                         (factory), 26.3a (patch "26.3 (a)"), 26.3b (patch
#                         "26.3 (b)", fails its self test), 26.3c (patch
#                         "26.3 (c)")
# OUT/bundles/*.fit       signed bundles of the updates, made with
#                         HOST_SLOTFLIP bundle create and OUT/keys/dev.pem (a
#                         P-256 key generated here once; its public half is
#                         the device keyring); rootfs-V+webkit-26.3c.fit
#                         are bundles of two components (one set): rootfs V
#                         (1.1 healthy, 1.2 panics) and patch "26.3 (c)",
#                         which requires rootfs>=V
# OUT/disk.img            the board's GPT (partitions/BOARD/gpt.sfdisk)
#                         plus two test partitions (payload: a tar of
#                         bundles; testctl: the scenario's control script),
#                         slot a of rootfs and webkit written, the
#                         environment initialised by HOST_SLOTFLIP init
# OUT/layout.env          byte offsets of the partitions, for the runners
# OUT/qemu.cmd            the QEMU command line, one word a line (@OUT@ and
#                         @DISK@ stand for OUT and the disk image)
#
# Environment: KVER (kernel version; default: the board profile's), BOOTARGS.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BOARD_NAME=qemu-x86_64
if [ "${1:-}" = --board ]; then
	BOARD_NAME=${2:-}
	shift 2
fi
[ $# -eq 3 ] || { echo "usage: $0 [--board NAME] OUT DEVICE_SLOTFLIP HOST_SLOTFLIP" >&2; exit 2; }
[ -f "$TOP/test-images/boards/$BOARD_NAME.sh" ] || { echo "build: no board profile $BOARD_NAME" >&2; exit 2; }
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
DEV=$(realpath "$2")
HOST=$(realpath "$3")
SRC=$TOP/test-images
W=$OUT/work

step() { printf '  %-8s %s\n' "$1" "$2"; }
# the board: its files, U-Boot, kernel, modules, tools, QEMU command
# shellcheck source=test-images/boards/qemu-x86_64.sh
. "$SRC/boards/$BOARD_NAME.sh"
BOARD=$BOARD_DIR
# shellcheck source=test-images/lib.sh
. "$SRC/lib.sh"
board_fetch
[ -r "$KERNEL" ] || { echo "build: no kernel $KERNEL (scripts/deps.sh for the board)" >&2; exit 1; }
for f in "$DEV" "$HOST"; do
	[ -x "$f" ] || { echo "build: $f is not built" >&2; exit 1; }
done

rm -rf "$W" "$OUT/bundles"
mkdir -p "$W" "$OUT/bundles" "$OUT/keys"
printf '%s\n' "${QEMU_CMD[@]}" >"$OUT/qemu.cmd"

# ------------------------------------------------------------------ U-Boot
step UBOOT "$UBOOT"
"$TOP/scripts/qemu-uboot-rom" "$OUT/$UBOOT" "$UBOOT_IN"

# ------------------------------------------------------------- signing key
if [ ! -f "$OUT/keys/dev.pem" ]; then
	step KEY keys/dev.pem
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$OUT/keys/dev.pem" 2>/dev/null
fi
openssl pkey -in "$OUT/keys/dev.pem" -pubout -out "$OUT/keys/dev.pub.pem" 2>/dev/null

# ------------------------------------------------------------- root trees
step ROOT "busybox, slotflip, fw_printenv, modules ($KVER)"
R=$W/root
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,opt/webkit,lib/modules,var}
install -m 0755 "$BUSYBOX" "$R/bin/busybox"
for a in $($BUSYBOX_RUN "$BUSYBOX" --list-full); do
	[ "$a" = bin/busybox ] || [ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"
done
cp "$DEV" "$W/slotflip"
copy_with_libs "$R" "$W/slotflip" "$FW_PRINTENV" "$FW_SETENV"
cp -a "$SRC/rootfs/." "$R/"
mkdir -p "$R/etc/slotflip/keys"
dtc -q -I dts -O dtb -o "$R/etc/slotflip/system.dtb" "$BOARD/system.dts"
cp "$BOARD/fw_env.config" "$R/etc/slotflip/fw_env.config"
cp "$BOARD/fw_env.config" "$R/etc/fw_env.config"
cp "$OUT/keys/dev.pub.pem" "$R/etc/slotflip/keys/dev.pem"
for spec in $MODULES; do
	add_module "${spec%%:*}"
done
: >"$R/lib/modules/load.list"
for m in "${load_order[@]}"; do
	cp "$MODDIR/$(mod_path "$m")" "$R/lib/modules/$m.ko"
	args=
	for spec in $MODULES; do
		[ "${spec%%:*}" = "$m" ] && [ "$spec" != "$m" ] && args=${spec#*:}
	done
	echo "$m $args" >>"$R/lib/modules/load.list"
done

# ---------------------------------------------------------- rootfs slots
make_rootfs() { # version variant
	local v=$1 variant=$2 t=$W/rootfs-$1 size
	rm -rf "$t" "$W/slot-$v"
	cp -a "$R" "$t"
	printf 'ROOTFS_VERSION=%s\nROOTFS_VARIANT=%s\n' "$v" "$variant" >"$t/etc/slotflip-release"
	if [ "$variant" = unhealthy ]; then
		# an image that forgot a driver: no softdog, no /dev/watchdog
		sed -i '/^softdog /d' "$t/lib/modules/load.list"
		rm "$t/lib/modules/softdog.ko"
	fi
	mkdir -p "$W/slot-$v/boot"
	cp "$KERNEL" "$W/slot-$v$KERNEL_NAME"
	(cd "$t" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$W/slot-$v/boot/initrd.img"
	# the file system is about as small as its contents allow (a bundle
	# carries all of it): contents + 10 % + 4 MiB for ext4's own blocks
	size=$(($(du -sm "$W/slot-$v" | cut -f1) * 11 / 10 + 4))
	rm -f "$OUT/rootfs-$v.ext4"
	mkfs.ext4 -q -F -L "rootfs-$v" -d "$W/slot-$v" "$OUT/rootfs-$v.ext4" "${size}M" 2>&1 |
		grep -v '^Creating regular file' >&2 || true
	[ -s "$OUT/rootfs-$v.ext4" ] && e2fsck -fn "$OUT/rootfs-$v.ext4" >/dev/null 2>&1
	step EXT4 "rootfs-$v.ext4 ($variant, $size MiB)"
}
make_rootfs 1.0 ok
make_rootfs 1.1 ok
make_rootfs 1.2 panic
make_rootfs 1.3 hang
make_rootfs 1.4 unhealthy

# ---------------------------------------------------------- webkit slots
make_webkit() { # tag version health
	local t=$W/webkit-$1
	rm -rf "$t"
	mkdir -p "$t/bin" "$t/www"
	install -m 0755 "$SRC/webkit/bin/webkit" "$t/bin/webkit"
	echo "$2" >"$t/VERSION"
	echo "webkit $2" >"$t/www/index.html"
	echo "$3" >"$t/www/health"
	rm -f "$OUT/webkit-$1.erofs"
	mkfs.erofs --quiet --all-root -T 0 "$OUT/webkit-$1.erofs" "$t"
	step EROFS "webkit-$1.erofs ($2, health $3)"
}
make_webkit 26.3 "26.3" ok
make_webkit 26.3a "26.3 (a)" ok
make_webkit 26.3b "26.3 (b)" broken
make_webkit 26.3c "26.3 (c)" ok

# ---------------------------------------------------------------- bundles
BOARD_STRING=$(fdtget -ts "$R/etc/slotflip/system.dtb" / slotflip,board)
bundle() { # name, then component options
	local name=$1
	shift
	"$HOST" bundle create -o "$OUT/bundles/$name.fit" -b "$BOARD_STRING" -k "$OUT/keys/dev.pem" -n dev "$@" >/dev/null
	step FIT "bundles/$name.fit"
}
bundle rootfs-1.1 --component rootfs --version 1.1 --security-version 2 --image "$OUT/rootfs-1.1.ext4"
bundle rootfs-1.2 --component rootfs --version 1.2 --security-version 2 --image "$OUT/rootfs-1.2.ext4"
bundle rootfs-1.3 --component rootfs --version 1.3 --security-version 2 --image "$OUT/rootfs-1.3.ext4"
bundle rootfs-1.4 --component rootfs --version 1.4 --security-version 2 --image "$OUT/rootfs-1.4.ext4"
bundle webkit-26.3a --component webkit --version "26.3 (a)" --security-version 4 --base-version 26.3 \
	--image "$OUT/webkit-26.3a.erofs"
bundle webkit-26.3b --component webkit --version "26.3 (b)" --security-version 4 --base-version 26.3 \
	--image "$OUT/webkit-26.3b.erofs"
for v in 1.1 1.2; do # one bundle: a kernel + rootfs and a patch that needs it
	bundle "rootfs-$v+webkit-26.3c" --component rootfs --version $v --security-version 2 \
		--image "$OUT/rootfs-$v.ext4" --component webkit --version "26.3 (c)" --security-version 4 \
		--base-version 26.3 --requires "rootfs>=$v" --image "$OUT/webkit-26.3c.erofs"
done

# ------------------------------------------------------------------- disk
make_disk "$OUT" "$OUT/rootfs-1.0.ext4" "$R/etc/slotflip/system.dtb" "$ROOTFS_MIB" "$BOOTARGS"
fw_printenv -c "$OUT/fw_env.host.config" | sed 's/^/           /'
