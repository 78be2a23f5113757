# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034,SC2054
# Board profile of qemu-x86_64 (sourced by test-images/build.sh): QEMU PC,
# Debian's 32-bit qemu-x86 U-Boot ROM, Debian's installed cloud kernel.
# See test-images/boards/README.md for what a profile sets.
BOARD_DIR=$TOP/partitions/qemu-x86
UBOOT_IN=/usr/lib/u-boot/qemu-x86/u-boot.rom
UBOOT=u-boot.rom
MKIMAGE_ARCH=x86
LIBDIRS="/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu"
READELF=readelf
# the kernel Debian's linux-image-cloud-amd64 depends on, installed on this machine
KVER=${KVER:-$(dpkg-query -W -f='${Depends}' linux-image-cloud-amd64 | sed -n 's/.*linux-image-\([^ ,]*cloud-amd64\).*/\1/p')}
KERNEL=/boot/vmlinuz-$KVER
MODDIR=/lib/modules/$KVER
KERNEL_NAME=/boot/bzImage
BUSYBOX=/bin/busybox
BUSYBOX_RUN=
FW_PRINTENV=/usr/bin/fw_printenv
FW_SETENV=/usr/bin/fw_setenv
# nokaslr: in-process reboots under TCG otherwise stall 1.5-2.5 s at random
BOOTARGS=${BOOTARGS:-console=ttyS0,115200 panic=1 quiet nokaslr}
MODULES="virtio_pci virtio_blk erofs algif_hash softdog:soft_margin=3"
BOOTSCR_OPTS=()
# rootfs slot size (make_disk, test-images/lib.sh)
ROOTFS_MIB=32
# @OUT@ and @DISK@ are replaced by the runners
QEMU_CMD=(qemu-system-x86_64 -accel tcg -machine pc -m 512 -smp 1 -display none -vga none
	-serial stdio -monitor none -nic none -bios @OUT@/u-boot.rom
	-drive file=@DISK@,format=raw,if=virtio)
board_fetch() { :; }
