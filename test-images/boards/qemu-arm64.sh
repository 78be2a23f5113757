# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034,SC2054
# Board profile of qemu-arm64 (sourced by test-images/build.sh): QEMU's virt
# machine with a Cortex-A57 (SHA-256 instructions), Debian's qemu_arm64 U-Boot,
# Debian's arm64 kernel, busybox-static:arm64 and libubootenv-tool:arm64. The
# foreign packages are fetched with apt-get download and unpacked with
# dpkg-deb -x into OUT/debs, never installed (busybox-static and
# libubootenv-tool are not Multi-Arch: same: installing them would replace the
# native ones). slotflip's own libraries are the :arm64 ones that
# scripts/deps.sh qemu-arm64 installs through multiarch.
BOARD_DIR=$TOP/partitions/qemu-arm64
UBOOT_IN=/usr/lib/u-boot/qemu_arm64/u-boot.bin
UBOOT=u-boot.bin
MKIMAGE_ARCH=arm64
LIBDIRS="/lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu"
READELF=aarch64-linux-gnu-readelf
DEBS=$OUT/debs
# the kernel Debian's linux-image-arm64 depends on
KPKG=$(apt-cache show --no-all-versions linux-image-arm64:arm64 2>/dev/null |
	sed -n 's/^Depends: \(linux-image-[^ ,]*\).*/\1/p' | head -n 1)
KVER=${KVER:-${KPKG#linux-image-}}
KERNEL=$DEBS/root/boot/vmlinuz-$KVER
MODDIR=$DEBS/root/lib/modules/$KVER
# Debian's arm64 vmlinuz is an uncompressed Image: booti loads it as it is
KERNEL_NAME=/boot/Image
BUSYBOX=$DEBS/root/bin/busybox
BUSYBOX_RUN=qemu-aarch64-static
FW_PRINTENV=$DEBS/root/usr/bin/fw_printenv
FW_SETENV=$DEBS/root/usr/bin/fw_setenv
BOOTARGS=${BOOTARGS:-console=ttyAMA0 panic=1 quiet nokaslr}
# crc32c_generic: libcrc32c (for erofs) asks the crypto API for "crc32c" when it loads
MODULES="virtio_mmio virtio_blk crc32c_generic erofs algif_hash softdog:soft_margin=3"
# Debian's U-Boot defaults: kernel_addr_r, ramdisk_addr_r; RAM from 0x40000000
# (-m 512); the device tree is U-Boot's own, which QEMU generated
# shellcheck disable=SC2016
BOOTSCR_OPTS=(--kernel /boot/Image --kaddr 0x40400000 --iaddr 0x44000000 --mem 0x50000000
	--bootcmd 'booti ${sfb_kaddr} ${sfb_iaddr}:${sfb_isize_loaded} ${fdtcontroladdr}')
# rootfs slot size (make_disk, test-images/lib.sh)
ROOTFS_MIB=64
QEMU_CMD=(qemu-system-aarch64 -accel tcg -machine virt -cpu cortex-a57 -m 512 -smp 1 -display none
	-serial stdio -monitor none -nic none -bios @OUT@/u-boot.bin
	-drive if=none,file=@DISK@,format=raw,id=disk -device virtio-blk-device,drive=disk)

# apt-get download + dpkg-deb -x, once per package version
board_fetch() {
	local p deb
	[ -n "$KPKG" ] || { echo "build: apt-cache knows no linux-image-arm64:arm64 (scripts/deps.sh qemu-arm64)" >&2; exit 1; }
	mkdir -p "$DEBS/root"
	for p in "$KPKG" busybox-static libubootenv-tool; do
		deb=$(find "$DEBS" -maxdepth 1 -name "${p}_*_arm64.deb" | head -n 1)
		if [ -z "$deb" ]; then
			step FETCH "$p:arm64"
			(cd "$DEBS" && apt-get download -q "$p:arm64" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) ||
				true
			deb=$(find "$DEBS" -maxdepth 1 -name "${p}_*_arm64.deb" | head -n 1)
			[ -n "$deb" ] || { echo "build: apt-get download $p:arm64 failed" >&2; exit 1; }
		fi
		if [ ! -f "$deb.unpacked" ]; then
			dpkg-deb -x "$deb" "$DEBS/root"
			touch "$deb.unpacked"
		fi
	done
	[ -f "$MODDIR/modules.dep" ] || depmod -b "$DEBS/root" "$KVER"
}
