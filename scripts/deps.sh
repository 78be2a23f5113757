#!/bin/sh
# Install the Debian packages a slotflip target needs, only when one is missing.
#
#   scripts/deps.sh build     compile slotflip (libfdt, mbedTLS, libubootenv, liblzma, libdivsufsort,
#                             Kconfiglib) and its man pages (scdoc)
#   scripts/deps.sh check     build + what the host tests use (dtc, mkimage, fw_printenv, openssl,
#                             QEMU + U-Boot for the boot script tests, mender-client and
#                             mender-artifact (and busybox) for the update module, groff and
#                             man-db for the man pages, shellcheck for the shipped scripts) and
#                             make lint (clang-tidy, cppcheck)
#   scripts/deps.sh qemu      check + what the QEMU system tests use (U-Boot ROM, kernel, busybox)
#   scripts/deps.sh fuzz      clang and libFuzzer
#   scripts/deps.sh bench     qemu + RAUC, SWUpdate, the plotting tools, and erofs-utils, bsdiff,
#                             xdelta3, zstd (the delta comparison)
#   scripts/deps.sh cross-arm64|cross-armhf
#                             build with CROSS_COMPILE=aarch64-linux-gnu- / arm-linux-gnueabihf-:
#                             the cross compiler and the :arm64 / :armhf libraries (Debian
#                             multiarch; the architecture is added to dpkg when missing)
#   scripts/deps.sh check-arm64|check-armhf
#                             cross + check + qemu-user-static: the tests of the cross build
#   scripts/deps.sh qemu-arm64
#                             check-arm64 + the arm64 QEMU board: qemu-system-arm, Debian's
#                             qemu_arm64 U-Boot, kmod (depmod). Debian's arm64 kernel,
#                             busybox-static:arm64 and libubootenv-tool:arm64 are fetched with
#                             apt-get download by test-images/build.sh, never installed
#
# libfdt-dev and busybox-static are not Multi-Arch: same in Debian 12: installing
# their foreign versions would remove the native ones. A cross build uses the native
# libfdt headers with the foreign runtime library (libfdt1:ARCH); busybox-static:arm64
# is only ever downloaded and unpacked.
#
# Exit codes: 0 everything present (or installed), 1 a package could not be installed,
# 2 usage.
set -eu

build="make gcc libc6-dev pkg-config python3 python3-kconfiglib libfdt-dev libmbedtls-dev libubootenv-dev liblzma-dev libdivsufsort-dev scdoc"
check="$build systemd device-tree-compiler u-boot-tools libubootenv-tool openssl coreutils clang-tidy cppcheck qemu-system-x86 u-boot-qemu fdisk e2fsprogs dosfstools mtools mender-client mender-artifact busybox-static groff-base man-db bsdextrautils shellcheck"
qemu="$check linux-image-cloud-amd64 busybox-static cpio erofs-utils python3 mmdebstrap kmod"
fuzz="$build clang libclang-rt-14-dev llvm"
bench="$check rauc swupdate gnuplot-nox squashfs-tools dbus cpio time binutils util-linux erofs-utils bsdiff xdelta3 zstd"
# ARCH:TRIPLET of the cross targets; their libraries are the :ARCH builds
cross_libs="libfdt1 libmbedtls-dev libubootenv-dev liblzma-dev libdivsufsort-dev"

case "${1:-}" in
build) want=$build ;;
check) want=$check ;;
qemu) want=$qemu ;;
fuzz) want=$fuzz ;;
bench) want=$bench ;;
cross-* | check-* | qemu-arm64) ;;
*) echo "usage: $0 build|check|qemu|fuzz|bench|cross-ARCH|check-ARCH|qemu-arm64 (ARCH: arm64, armhf)" >&2; exit 2 ;;
esac
case "${1:-}" in
*-arm64) arch=arm64 triplet=aarch64-linux-gnu ;;
*-armhf) arch=armhf triplet=arm-linux-gnueabihf ;;
cross-* | check-*) echo "usage: $0 cross-ARCH|check-ARCH (ARCH: arm64, armhf)" >&2; exit 2 ;;
*) arch="" ;;
esac
if [ -n "$arch" ]; then
	want="$build gcc-$triplet binutils-$triplet"
	for p in $cross_libs; do want="$want $p:$arch"; done
	case "$1" in
	check-* | qemu-*) want="$want $check qemu-user-static" ;;
	esac
	case "$1" in
	qemu-*) want="$want qemu-system-arm u-boot-qemu cpio erofs-utils kmod" ;;
	esac
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		if [ "$(id -u)" != 0 ]; then
			echo "deps: dpkg does not know the $arch architecture (run as root: dpkg --add-architecture $arch)" >&2
			exit 1
		fi
		echo "deps: adding the $arch architecture to dpkg"
		dpkg --add-architecture "$arch" || { echo "deps: dpkg --add-architecture $arch failed" >&2; exit 1; }
	fi
fi

missing=""
# shellcheck disable=SC2086
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root, or install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq || { echo "deps: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null ||
	{ echo "deps: apt-get install failed for:$missing" >&2; exit 1; }
