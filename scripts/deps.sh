#!/bin/sh
# Install the Debian packages a slotflip target needs, only when one is missing.
#
#   scripts/deps.sh build     compile slotflip (libfdt, mbedTLS, libubootenv, Kconfiglib) and
#                             its man pages (scdoc)
#   scripts/deps.sh check     build + what the host tests use (dtc, mkimage, fw_printenv, openssl,
#                             QEMU + U-Boot for the boot script tests, mender-client and
#                             mender-artifact (and busybox) for the update module, groff and
#                             man-db for the man pages, shellcheck for the shipped scripts) and
#                             make lint (clang-tidy, cppcheck)
#   scripts/deps.sh qemu      check + what the QEMU system tests use (U-Boot ROM, kernel, busybox)
#   scripts/deps.sh fuzz      clang and libFuzzer
#   scripts/deps.sh bench     qemu + RAUC, SWUpdate and the plotting tools
#
# Exit codes: 0 everything present (or installed), 1 a package could not be installed,
# 2 usage.
set -eu

build="make gcc libc6-dev pkg-config python3 python3-kconfiglib libfdt-dev libmbedtls-dev libubootenv-dev scdoc"
check="$build systemd device-tree-compiler u-boot-tools libubootenv-tool openssl coreutils clang-tidy cppcheck qemu-system-x86 u-boot-qemu fdisk e2fsprogs dosfstools mtools mender-client mender-artifact busybox-static groff-base man-db bsdextrautils shellcheck"
qemu="$check linux-image-cloud-amd64 busybox-static cpio erofs-utils python3 mmdebstrap kmod"
fuzz="$build clang libclang-rt-14-dev llvm"
bench="$check rauc swupdate gnuplot-nox squashfs-tools dbus cpio time binutils util-linux"

case "${1:-}" in
build) want=$build ;;
check) want=$check ;;
qemu) want=$qemu ;;
fuzz) want=$fuzz ;;
bench) want=$bench ;;
*) echo "usage: $0 build|check|qemu|fuzz|bench" >&2; exit 2 ;;
esac

missing=""
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
apt-get update -qq || { echo "deps: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ echo "deps: apt-get install failed for:$missing" >&2; exit 1; }
