#!/bin/bash
# `make bench`: slotflip against RAUC and SWUpdate (Debian's packages) installing
# the same raw image into the same loop-device slot, page-cached input, plus the
# yardstick (one read + SHA-256 + write + fsync pass) and slotflip's own latencies
# and size. Prints one table and writes docs/bench.md and docs/bench.png.
#
#   scripts/bench/bench.sh BUILD_DIR
#
# Knobs (environment): SIZES="64 256 1024" (MiB), RUNS=5 (timed runs per row;
# 3 at 1 GiB), WARMUP=1, OUT=docs (where bench.md/bench.png go).
# Exit codes: 0 done, 1 a step failed, 2 usage.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
sf=$build/slotflip
onepass=$build/scripts/bench/onepass
once=$top/scripts/bench/once.sh
W=$build/bench
OUT=${OUT:-$top/docs}
SIZES=${SIZES:-64 256 1024}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
BOARD=bench-board
metrics=$W/metrics.txt
log() { printf '[bench] %s\n' "$*" >&2; }

mkdir -p "$W"/{img,slots,pki,sf,rauc/run,rauc/mnt,swu/tmp,ns/upper,ns/work}
: >"$metrics"

# ---- workload: random images, two 1 GiB slots on loop devices ---------------
for s in $SIZES; do
	[ -s "$W/img/img-$s.bin" ] || { log "image $s MiB"; head -c "${s}M" /dev/urandom >"$W/img/img-$s.bin"; }
done
loops=()
cleanup() {
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
}
trap cleanup EXIT
for s in a b; do
	f=$W/slots/slot-$s.img
	[ -s "$f" ] || { fallocate -l 1G "$f"; dd if=/dev/zero of="$f" bs=1M count=1024 conv=fsync status=none; }
	loops+=("$(losetup -f --show --direct-io=on "$f")")
done
SLOT_A=${loops[0]}
SLOT_B=${loops[1]}
log "slots: $SLOT_A (a), $SLOT_B (b)"

# ---- keys: one RSA-4096 CA and signer for the peers, the signer key for slotflip
if [ ! -s "$W/pki/signer.cert.pem" ]; then
	openssl req -x509 -newkey rsa:4096 -nodes -keyout "$W/pki/ca.key" -out "$W/pki/ca.cert.pem" -days 3650 \
		-subj "/O=bench/CN=bench CA" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
	openssl req -newkey rsa:4096 -nodes -keyout "$W/pki/signer.key" -out "$W/pki/signer.csr" \
		-subj "/O=bench/CN=bench signer" 2>/dev/null
	printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' >"$W/pki/ext"
	openssl x509 -req -in "$W/pki/signer.csr" -CA "$W/pki/ca.cert.pem" -CAkey "$W/pki/ca.key" \
		-CAcreateserial -out "$W/pki/signer.cert.pem" -days 3650 -extfile "$W/pki/ext" 2>/dev/null
fi

# ---- timing: wall by the clock, CPU and peak RSS of everything waited for ----
# measure TOOL SIZE CMD...: one metrics line "tool size wall cpu rss_kib"
measure() {
	local tool=$1 size=$2 t0 t1 u s m
	shift 2
	t0=$(date +%s%N)
	/usr/bin/time -f '%U %S %M' -o "$W/time.out" "$@" >"$W/last.log" 2>&1 ||
		{ log "$tool $size failed:"; tail -5 "$W/last.log" >&2; return 1; }
	t1=$(date +%s%N)
	read -r u s m <"$W/time.out"
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
	# a wrapper may report the part of the run that is the install itself
	[ -s "$W/inner.wall" ] && wall=$(cat "$W/inner.wall") && rm -f "$W/inner.wall"
	echo "$tool $size $wall $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') $m" >>"$metrics"
}
# repeat TOOL SIZE CMD...: warm-up runs, then timed runs back to back
repeat() {
	local tool=$1 size=$2 n=$RUNS
	shift 2
	[ "$size" -ge 1024 ] && [ "$n" -gt 3 ] && n=3
	for _ in $(seq "$WARMUP"); do measure "$tool" warmup "$@"; done
	sed -i '/ warmup /d' "$metrics"
	for _ in $(seq "$n"); do measure "$tool" "$size" "$@"; done
	log "$tool $size MiB: $(grep "^$tool $size " "$metrics" | awk '{print $3}' | tr '\n' ' ')"
}

# ---- slotflip: a board whose component "rootfs" has the two loop slots ------
mkdir -p "$W/sf/keys" "$W/sf/health.d"
openssl rsa -in "$W/pki/signer.key" -pubout -out "$W/sf/keys/bench.pem" 2>/dev/null
cat >"$W/sf/system.dts" <<DTS
/dts-v1/;
/ {
	compatible = "slotflip,system-v1";
	slotflip,board = "$BOARD";
	slotflip,env-config = "fw_env.config";
	slotflip,keyring = "keys";
	slotflip,health-dir = "health.d";
	components {
		rootfs {
			slot-a = "$SLOT_A";
			slot-b = "$SLOT_B";
		};
	};
};
DTS
dtc -q -I dts -O dtb -o "$W/sf/system.dtb" "$W/sf/system.dts"
head -c 32768 /dev/zero >"$W/sf/uboot.env"
printf '%s 0x0 0x4000\n%s 0x4000 0x4000\n' "$W/sf/uboot.env" "$W/sf/uboot.env" >"$W/sf/fw_env.config"
export SLOTFLIP_CONFIG=$W/sf/system.dtb SLOTFLIP_LOCK=$W/sf/lock SF=$sf
"$sf" init >/dev/null
cp "$W/sf/uboot.env" "$W/sf/uboot.env.pristine"
for s in $SIZES; do
	b=$W/sf/bundle-$s.fit
	[ -s "$b" ] || "$sf" bundle create -o "$b" -b "$BOARD" -k "$W/pki/signer.key" -n bench --component rootfs \
		--version "1.$s" --security-version 1 --image "$W/img/img-$s.bin"
done

# ---- RAUC: private D-Bus, its service, /etc/fw_env.config in a mount namespace
mkdir -p "$W/rauc/env"
printf 'BOOT_ORDER=A B\nBOOT_A_LEFT=3\nBOOT_B_LEFT=3\nbootdelay=0\n' >"$W/rauc/env/vars"
mkenvimage -s 0x4000 -o "$W/rauc/env/uboot.env.pristine" "$W/rauc/env/vars"
printf '%s 0x0 0x4000\n' "$W/rauc/env/uboot.env" >"$W/ns/upper/fw_env.config"
cat >"$W/rauc/dbus.conf" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$W/rauc/run/dbus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
XML
cat >"$W/rauc/system.conf" <<CONF
[system]
compatible=$BOARD
bootloader=uboot
mountprefix=$W/rauc/mnt
statusfile=$W/rauc/status.raucs

[keyring]
path=$W/pki/ca.cert.pem

[slot.rootfs.0]
device=$SLOT_A
type=raw
bootname=A
install-same=true

[slot.rootfs.1]
device=$SLOT_B
type=raw
bootname=B
install-same=true
CONF
for s in $SIZES; do
	b=$W/rauc/bundle-$s.raucb
	[ -s "$b" ] && continue
	log "RAUC bundle $s MiB (mksquashfs)"
	rm -rf "$W/rauc/content-$s"
	mkdir -p "$W/rauc/content-$s"
	ln -f "$W/img/img-$s.bin" "$W/rauc/content-$s/rootfs.img"
	printf '[update]\ncompatible=%s\nversion=1.%s\n\n[bundle]\nformat=plain\n\n[image.rootfs]\nfilename=rootfs.img\n' \
		"$BOARD" "$s" >"$W/rauc/content-$s/manifest.raucm"
	rauc bundle --cert="$W/pki/signer.cert.pem" --key="$W/pki/signer.key" --keyring="$W/pki/ca.cert.pem" \
		"$W/rauc/content-$s" "$b" >/dev/null
done
# ---- SWUpdate: streamed (installed-directly), CMS-signed sw-description ------
mkdir -p "$W/swu/env"
cp "$W/rauc/env/uboot.env.pristine" "$W/swu/env/uboot.env.pristine"
# a .swu names its slot device: made again when the loop devices changed
[ "$(cat "$W/swu/.slots" 2>/dev/null)" = "$SLOT_B" ] || rm -f "$W"/swu/bundle-*.swu
echo "$SLOT_B" >"$W/swu/.slots"
for s in $SIZES; do
	out=$W/swu/bundle-$s.swu c=$W/swu/content-$s
	[ -s "$out" ] && continue
	rm -rf "$c"
	mkdir -p "$c"
	ln -f "$W/img/img-$s.bin" "$c/rootfs.img"
	sha=$(sha256sum <"$c/rootfs.img" | cut -d' ' -f1)
	cat >"$c/sw-description" <<SWD
software =
{
	version = "1.$s";
	hardware-compatibility = [ "1.0" ];
	stable = {
		copy2 = {
			images: (
				{
					filename = "rootfs.img";
					device = "$SLOT_B";
					type = "raw";
					sha256 = "$sha";
					installed-directly = true;
				}
			);
			bootenv: (
				{ name = "BOOT_ORDER"; value = "B A"; },
				{ name = "BOOT_B_LEFT"; value = "3"; }
			);
		};
	};
}
SWD
	openssl cms -sign -in "$c/sw-description" -out "$c/sw-description.sig" -signer "$W/pki/signer.cert.pem" \
		-inkey "$W/pki/signer.key" -outform DER -nosmimecap -binary
	(cd "$c" && printf 'sw-description\nsw-description.sig\nrootfs.img\n' | cpio -o -L -H crc --quiet >"$out")
done
# ---- the runs ---------------------------------------------------------------
for s in $SIZES; do
	img=$W/img/img-$s.bin
	cat "$img" "$W/sf/bundle-$s.fit" "$W/rauc/bundle-$s.raucb" "$W/swu/bundle-$s.swu" >/dev/null
	repeat limit "$s" "$onepass" cpu "$img" "$SLOT_B"
	repeat slotflip "$s" "$once" slotflip "$W" "$W/sf/bundle-$s.fit"
	repeat rauc "$s" "$once" ns "$W" "$once" rauc "$W" "$W/rauc/bundle-$s.raucb"
	repeat swupdate "$s" "$once" ns "$W" "$once" swupdate "$W" "$W/swu/bundle-$s.swu"
done

# ---- slotflip's own latencies and size --------------------------------------
cp "$W/sf/uboot.env.pristine" "$W/sf/uboot.env"
lat() { # COMMAND...: median milliseconds over 50 runs
	for _ in $(seq 50); do
		t0=$(date +%s%N)
		"$@" >/dev/null
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] / 1000 }'
}
bootcheck_ms=$(lat "$sf" boot-check)
status_ms=$(lat "$sf" status --json)
true_ms=$(lat /bin/true)
# the binary a board carries (no bundle tool), and the host build measured above
make -C "$top" --no-print-directory O="$W/device" DEFCONFIG=qemu-x86_64_defconfig all >/dev/null
strip -o "$W/slotflip.device" "$W/device/slotflip"
strip -o "$W/slotflip.host" "$sf"
size_kib=$(($(stat -c %s "$W/slotflip.device") / 1024))
host_kib=$(($(stat -c %s "$W/slotflip.host") / 1024))

# which SHA-256 each tool used
engine_of_lib() { # BINARY: does the libcrypto it loads use the SHA extensions?
	local lib
	lib=$(ldd "$(command -v "$1")" | awk '/libcrypto\.so/ { print $3; exit }')
	# count, not grep -q: an early exit would make objdump fail under pipefail
	if [ -n "$lib" ] && [ "$(objdump -d "$lib" | grep -c sha256rnds2)" -gt 0 ]; then
		echo "OpenSSL $(openssl version | cut -d' ' -f2) (SHA extensions)"
	else
		echo "OpenSSL, portable code"
	fi
}
sf_engine=$("$sf" --version | sed -n 's/^sha256 engine: //p')

/usr/bin/python3 "$top/scripts/bench/report.py" "$metrics" "$OUT" \
	"slotflip=$sf_engine (own SHA-256 on the CPU's SHA instructions when it has them)" \
	"limit=same engine as slotflip" \
	"rauc=$(engine_of_lib rauc)" \
	"swupdate=$(engine_of_lib swupdate)" \
	"bootcheck_ms=$bootcheck_ms" "status_ms=$status_ms" "true_ms=$true_ms" "size_kib=$size_kib" \
	"host_kib=$host_kib"
