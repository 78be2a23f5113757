#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build the qemu-x86_64 board booting a Debian systemd root file system, next
# to what test-images/build.sh made in OUT (U-Boot ROM, keys, webkit images,
# bundles), with the same disk layout and boot script (test-images/lib.sh):
#
#   test-images/systemd/build.sh OUT STAGE
#
# STAGE is `make install DESTDIR=STAGE PREFIX=/usr` of the device build: the
# slotflip binary and its systemd units, installed as a product would be.
#
# OUT/systemd/cache/debian-KEY.tar  the Debian root from Debian's packages
#     (mmdebstrap, variant minbase, merged /usr, no documentation): systemd,
#     udev, kmod, libubootenv-tool, busybox and slotflip's libraries, from the
#     machine's own apt sources. KEY hashes the package list, the sources and
#     the options: a rerun reuses it (delete the folder to refresh it).
# OUT/systemd/rootfs.ext4  that root + STAGE + test-images/systemd/rootfs/ +
#     the board's slotflip configuration (system-systemd.dts here: systemctl drives
#     the webkit service) + the health checks and test helpers of the busybox
#     image + the kernel modules slotflip mounts with; /boot/bzImage (Debian's
#     cloud kernel) and /boot/initrd.img (busybox-static and the virtio
#     modules: it mounts the rootfs slot U-Boot chose and switches to systemd).
#     The units are enabled with their preset (systemctl --root preset).
# OUT/systemd/disk.img, boot.scr, layout.env, fw_env.host.config  as
#     test-images/build.sh makes them, with rootfs slots of ROOTFS_MIB (256).
#
# Environment: KVER as test-images/build.sh, BOOTARGS.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 2 ] || { echo "usage: $0 OUT STAGE" >&2; exit 2; }
OUT=$(cd "$1" && pwd)
STAGE=$(cd "$2" && pwd)
SD=$OUT/systemd
SRC=$TOP/test-images
BOARD=$TOP/partitions/qemu-x86
HOST=$(realpath "${HOST:-$TOP/build/slotflip}")
KVER=${KVER:-$(dpkg-query -W -f='${Depends}' linux-image-cloud-amd64 | sed -n 's/.*linux-image-\([^ ,]*cloud-amd64\).*/\1/p')}
KERNEL=/boot/vmlinuz-$KVER
MODDIR=/lib/modules/$KVER
BOOTARGS=${BOOTARGS:-console=ttyS0,115200 panic=1 quiet nokaslr}
ROOTFS_MIB=${ROOTFS_MIB:-256}
step() { printf '  %-8s %s\n' "$1" "$2"; }
# shellcheck source=test-images/lib.sh
. "$SRC/lib.sh"
for f in "$OUT/u-boot.rom" "$OUT/webkit-26.3.erofs" "$STAGE/usr/bin/slotflip" "$KERNEL"; do
	[ -e "$f" ] || { echo "systemd/build.sh: $f is missing (make qemu-images)" >&2; exit 1; }
done

# ------------------------------------------------- Debian root, cached
# slotflip's own libraries, by package
libs=$(for l in $(ldd "$STAGE/usr/bin/slotflip" | grep -o '/[^ ]*'); do
	{ dpkg -S "$(readlink -f "$l")" 2>/dev/null || true; } | cut -d: -f1
done | grep -v '^libc6$' | sort -u | tr '\n' ',')
PKGS="systemd,systemd-sysv,udev,kmod,libubootenv-tool,busybox,${libs%,}"
sources=
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	if [ -s "$f" ]; then sources="$sources $f"; fi
done
OPTS=(--variant=minbase --include="$PKGS" --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
	--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*'
	--dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*'
	--dpkgopt='path-exclude=/usr/lib/udev/hwdb.d/*')
key=$( (echo "${OPTS[*]}"; for f in $sources; do cat "$f"; done) | sha256sum | cut -c1-16)
tarball=$SD/cache/debian-$key.tar
if [ ! -s "$tarball" ]; then
	step DEBIAN "mmdebstrap bookworm: ${PKGS//,/ }"
	rm -rf "$SD/cache"
	mkdir -p "$SD/cache"
	t0=$(date +%s)
	# shellcheck disable=SC2086
	mmdebstrap --quiet --format=tar "${OPTS[@]}" bookworm "$tarball.tmp" $sources >"$SD/cache/mmdebstrap.log" 2>&1 ||
		{ tail -n 30 "$SD/cache/mmdebstrap.log" >&2; exit 1; }
	mv "$tarball.tmp" "$tarball"
	step DEBIAN "cache/debian-$key.tar ($(($(date +%s) - t0)) s)"
else
	step DEBIAN "cache/debian-$key.tar (cached)"
fi

# ------------------------------------------------------------ the root
W=$SD/work
R=$W/root
rm -rf "$W"
mkdir -p "$R"
tar -xf "$tarball" -C "$R"
cp -a "$STAGE/." "$R/"
cp -a "$SRC/systemd/rootfs/." "$R/"
cp -a "$SRC/rootfs/etc/slotflip" "$SRC/rootfs/etc/sf-test.sh" "$R/etc/"
for a in httpd wget usleep; do ln -sf /usr/bin/busybox "$R/usr/local/bin/$a"; done
mkdir -p "$R/etc/slotflip/keys" "$R/opt/webkit"
dtc -q -i "$BOARD" -I dts -O dtb -o "$R/etc/slotflip/system.dtb" "$SRC/systemd/system-systemd.dts"
cp "$BOARD/fw_env.config" "$R/etc/slotflip/fw_env.config"
cp "$BOARD/fw_env.config" "$R/etc/fw_env.config"
cp "$OUT/keys/dev.pub.pem" "$R/etc/slotflip/keys/dev.pem"
echo slotflip-qemu >"$R/etc/hostname"
# a fixed machine ID: not a first boot (no preset-all), the same timer offsets every run
echo 5f1a7f11b0075d00d0000000000000a1 >"$R/etc/machine-id"
: >"$R/etc/fstab"
printf 'ROOTFS_VERSION=1.0\nROOTFS_VARIANT=systemd\n' >"$R/etc/slotflip-release"
systemctl --root="$R" preset slotflip-boot-check.service slotflip-window.timer >/dev/null 2>&1
# what an integrator adds: the boot-check waits for the slot devices (udev
# makes the /dev/disk/by-partlabel links while the boot goes on)
dtb=$R/etc/slotflip/system.dtb
mkdir -p "$R/etc/systemd/system/slotflip-boot-check.service.d"
{
	echo "# the slot devices of $(fdtget -ts "$dtb" / slotflip,board) (generated from system.dtb)"
	echo "[Unit]"
	for c in $(fdtget -l "$dtb" /components); do
		for p in $(fdtget -ts "$dtb" "/components/$c" slot-a) $(fdtget -ts "$dtb" "/components/$c" slot-b); do
			u=$(systemd-escape --path --suffix=device "$p")
			printf 'Wants=%s\nAfter=%s\n' "$u" "$u"
		done
	done
} >"$R/etc/systemd/system/slotflip-boot-check.service.d/slots.conf"
# timers the test system has no use for
systemctl --root="$R" mask apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
	fstrim.timer e2scrub_reap.service >/dev/null 2>&1
systemctl --root="$R" enable webkit.service sf-testctl.service >/dev/null 2>&1
# modules the running system loads on demand (erofs for the webkit slots, the
# kernel's SHA-256 for slotflip's hashing engine)
for m in erofs algif_hash; do add_module "$m"; done
for m in "${load_order[@]}"; do
	install -D -m 0644 "$MODDIR/$(mod_path "$m")" "$R/usr/lib/modules/$KVER/$(mod_path "$m")"
done
cp "$MODDIR"/modules.order "$MODDIR"/modules.builtin "$MODDIR"/modules.builtin.modinfo "$R/usr/lib/modules/$KVER/"
depmod -b "$R" "$KVER"
step ROOT "Debian systemd + slotflip ($(du -sm "$R" | cut -f1) MiB)"

# ------------------------------------------------ initramfs and kernel
I=$W/initrd
mkdir -p "$I"/{bin,proc,sys,dev,root,lib/modules}
install -m 0755 /bin/busybox "$I/bin/busybox"
for a in sh mount umount insmod switch_root sed grep cut cat sleep usleep reboot echo; do ln -s busybox "$I/bin/$a"; done
install -m 0755 "$SRC/systemd/initrd-init" "$I/init"
loaded=()
load_order=()
for m in virtio_pci virtio_blk; do add_module "$m"; done
for m in "${load_order[@]}"; do
	cp "$MODDIR/$(mod_path "$m")" "$I/lib/modules/$m.ko"
	echo "$m" >>"$I/lib/modules/load.list"
done
mkdir -p "$R/boot"
cp "$KERNEL" "$R/boot/bzImage"
(cd "$I" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$R/boot/initrd.img"

# ------------------------------------------------------------- images
rm -f "$SD/rootfs.ext4"
mkfs.ext4 -q -F -L rootfs-systemd -d "$R" "$SD/rootfs.ext4" "${ROOTFS_MIB}M" 2>&1 |
	grep -v '^Creating regular file' >&2 || true
e2fsck -fn "$SD/rootfs.ext4" >/dev/null 2>&1
step EXT4 "systemd/rootfs.ext4 ($ROOTFS_MIB MiB)"
make_disk "$SD" "$SD/rootfs.ext4" "$R/etc/slotflip/system.dtb" "$ROOTFS_MIB" "$BOOTARGS"
