#!/bin/bash
# `make bench` (and `make bench-delta` alone): delta bundles on real Debian
# security updates. Each pair of package versions becomes two component images
# as the issue defines them (the package's files without usr/share/doc, an
# uncompressed reproducible erofs), then:
#   - sizes, each as % of "full" (the new image compressed with zstd -19 --long=27):
#     slotflip's whole signed delta bundle (and its payload), bsdiff, bsdiff's
#     streams recompressed with xz (2 MiB dictionary), zstd --patch-from, xdelta3;
#   - installs, side by side on one board (two loop-device slots, direct I/O):
#     the delta bundle and the full bundle of the same new image, alternately,
#     wall time and peak RSS of the whole command, median of RUNS;
#   - the time `bundle create --delta-from` takes.
# Writes W/delta-metrics.txt and has report_delta.py add the "Delta bundles"
# section to OUT/bench.md and draw OUT/bench-delta.png.
#
#   scripts/bench/delta.sh BUILD_DIR
#
# Knobs (environment): RUNS=5, OUT=docs. Needs root (loop devices), the Debian
# mirror (apt-get download), erofs-utils, bsdiff, xdelta3, zstd, gnuplot.
# Exit codes: 0 done, 1 a step failed, 2 usage.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
sf=$build/slotflip
W=$build/bench/delta
OUT=${OUT:-$top/docs}
RUNS=${RUNS:-5}
UUID=6f1e3c2a-8b4d-4e5f-9a7b-1c2d3e4f5a6b
metrics=$W/delta-metrics.txt
log() { printf '[bench-delta] %s\n' "$*" >&2; }
# name package old-version new-version what
PAIRS=(
	"libssl3 libssl3 3.0.20-1~deb12u2 3.0.22-1~deb12u2 12-CVE-fix"
	"libexpat1 libexpat1 2.5.0-1+deb12u2 2.5.0-1+deb12u5 27-CVE-fix"
	"rebuild libwebkit2gtk-4.1-0 2.50.6-1~deb12u1 2.50.6-1~deb12u2 rebuild-no-code-change"
)
mkdir -p "$W"/{pkgs,img,tree,work,pki,board}
: >"$metrics"

# ---- images -----------------------------------------------------------------
# fetch PACKAGE VERSION: the .deb, from the mirror (apt-get download)
fetch() {
	local f
	f=$(ls "$W/pkgs/$1_$(printf '%s' "$2" | sed 's/:/%3a/')"_*.deb 2>/dev/null | head -1 || true)
	[ -n "$f" ] && { echo "$f"; return; }
	(cd "$W/pkgs" && apt-get download -q "$1=$2" >/dev/null 2>&1) || return 1
	ls "$W/pkgs/$1_$(printf '%s' "$2" | sed 's/:/%3a/')"_*.deb | head -1
}
# image DEB OUT: the package's files without usr/share/doc, uncompressed erofs
image() {
	local t=$W/tree/$(basename "$1" .deb)
	[ -s "$2" ] && return
	rm -rf "$t"
	mkdir -p "$t"
	dpkg-deb -x "$1" "$t"
	rm -rf "$t/usr/share/doc"
	SOURCE_DATE_EPOCH=0 mkfs.erofs -T0 -U "$UUID" --all-root "$2" "$t" >/dev/null
}
declare -A OLD NEW
for p in "${PAIRS[@]}"; do
	read -r name pkg ov nv _ <<<"$p"
	if ! od=$(fetch "$pkg" "$ov") || ! nd=$(fetch "$pkg" "$nv"); then
		# the mirror moved on: the two newest versions it has, said in the report
		mapfile -t vs < <(apt-cache madison "$pkg" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -uV | tail -2)
		[ ${#vs[@]} -eq 2 ] || { log "$pkg: no two versions on the mirror"; exit 1; }
		log "$pkg $ov -> $nv not on the mirror: using ${vs[0]} -> ${vs[1]}"
		ov=${vs[0]} nv=${vs[1]}
		od=$(fetch "$pkg" "$ov") && nd=$(fetch "$pkg" "$nv") || { log "$pkg: download failed"; exit 1; }
	fi
	image "$od" "$W/img/$name-old.img"
	image "$nd" "$W/img/$name-new.img"
	OLD[$name]=$W/img/$name-old.img NEW[$name]=$W/img/$name-new.img
	echo "pair $name $pkg $ov $nv $(stat -c %s "${OLD[$name]}") $(stat -c %s "${NEW[$name]}")" >>"$metrics"
done

# ---- the signing key (the bench's RSA-4096 signer when it exists) ------------
key=$build/bench/pki/signer.key
if [ ! -s "$key" ]; then
	key=$W/pki/signer.key
	[ -s "$key" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$key" 2>/dev/null
fi

# ---- sizes ------------------------------------------------------------------
# bsdiff's three bzip2 streams recompressed with xz, as the issue measured them
bsdiff_xz() {
	/usr/bin/python3 - "$1" <<'PY'
import bz2, lzma, struct, sys
d = open(sys.argv[1], 'rb').read()
c, n = struct.unpack('<QQ', d[8:24])
streams = (d[32:32 + c], d[32 + c:32 + c + n], d[32 + c + n:])
f = [{'id': lzma.FILTER_LZMA2, 'preset': 9 | lzma.PRESET_EXTREME, 'dict_size': 2 << 20}]
print(32 + sum(len(lzma.compress(bz2.decompress(s), format=lzma.FORMAT_RAW, filters=f)) for s in streams))
PY
}
for p in "${PAIRS[@]}"; do
	read -r name _ <<<"$p"
	o=${OLD[$name]} n=${NEW[$name]} w=$W/work/$name
	mkdir -p "$w"
	log "$name: sizes"
	full=$(zstd -q -19 --long=27 -c "$n" | wc -c)
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$w/create.rss" "$sf" bundle create -o "$w/delta.fit" -b bench-board -k "$key" \
		-n bench --component lib --version "1.0 (a)" --base-version 1.0 --security-version 1 \
		--image "$n" --delta-from "$o"
	t1=$(date +%s%N)
	create_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	bundle=$(stat -c %s "$w/delta.fit")
	payload=$("$sf" bundle info "$w/delta.fit" | sed -n 's/.*, \([0-9]*\) bytes at [0-9]*$/\1/p')
	bsdiff "$o" "$n" "$w/p.bsdiff"
	bsd=$(stat -c %s "$w/p.bsdiff")
	bsdxz=$(bsdiff_xz "$w/p.bsdiff")
	zpf=$(zstd -q -19 --long=27 --patch-from="$o" -c "$n" | wc -c)
	xdelta3 -e -9 -f -s "$o" "$n" "$w/p.xd3"
	xd=$(stat -c %s "$w/p.xd3")
	echo "size $name $full $bundle $payload $bsd $bsdxz $zpf $xd $create_s $(cat "$w/create.rss")" >>"$metrics"
	log "$name: full $full, bundle $bundle (payload $payload), bsdiff $bsd, bsdiff+xz $bsdxz, zstd $zpf, xdelta3 $xd"
done

# ---- installs: one board, slots on loop devices (direct I/O) ----------------
loops=()
cleanup() { for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done; }
trap cleanup EXIT
max=0
for p in "${PAIRS[@]}"; do
	read -r name _ <<<"$p"
	s=$(stat -c %s "${NEW[$name]}")
	[ "$s" -gt "$max" ] && max=$s
done
slot_mib=$(((max >> 20) + 16))
for s in a b; do
	f=$W/board/slot-$s.img
	[ "$(stat -c %s "$f" 2>/dev/null || echo 0)" = $((slot_mib << 20)) ] || {
		rm -f "$f"
		fallocate -l "${slot_mib}M" "$f"
	}
	loops+=("$(losetup -f --show --direct-io=on "$f")")
done
B=$W/board
mkdir -p "$B/keys" "$B/health.d"
openssl rsa -in "$key" -pubout -out "$B/keys/bench.pem" 2>/dev/null
cat >"$B/system.dts" <<DTS
/dts-v1/;
/ {
	compatible = "slotflip,system-v1";
	slotflip,board = "bench-board";
	slotflip,env-config = "fw_env.config";
	slotflip,keyring = "keys";
	slotflip,health-dir = "health.d";
	components {
		lib {
			slot-a = "${loops[0]}";
			slot-b = "${loops[1]}";
		};
	};
};
DTS
dtc -q -I dts -O dtb -o "$B/system.dtb" "$B/system.dts"
printf '%s 0x0 0x4000\n%s 0x4000 0x4000\n' "$B/uboot.env" "$B/uboot.env" >"$B/fw_env.config"
export SLOTFLIP_CONFIG=$B/system.dtb SLOTFLIP_LOCK=$B/lock
run() { # KIND NAME BUNDLE: one install from the pristine environment
	local t0 t1
	cp "$B/uboot.env.pristine" "$B/uboot.env"
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$W/time.out" "$sf" install "$3" >/dev/null
	t1=$(date +%s%N)
	echo "install $1 $2 $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }') $(cat "$W/time.out")" >>"$metrics"
}
for p in "${PAIRS[@]}"; do
	read -r name _ <<<"$p"
	o=${OLD[$name]} n=${NEW[$name]} w=$W/work/$name
	log "$name: installs"
	# the active slot a holds the old image, as the factory put it there
	dd if="$o" of="${loops[0]}" bs=1M oflag=direct conv=fsync status=none
	head -c 32768 /dev/zero >"$B/uboot.env"
	"$sf" init --factory lib=1.0:1 >/dev/null
	cp "$B/uboot.env" "$B/uboot.env.pristine"
	"$sf" bundle create -o "$w/full.fit" -b bench-board -k "$key" -n bench --component lib --version "1.0 (a)" \
		--base-version 1.0 --security-version 1 --image "$n"
	# both bundles and the active slot come from the page cache, as in the main bench
	cat "$w/full.fit" "$w/delta.fit" "${loops[0]}" >/dev/null
	run full "$name" "$w/full.fit"
	run delta "$name" "$w/delta.fit"
	sed -i '/^install /{/ '"$name"' /d}' "$metrics"
	for _ in $(seq "$RUNS"); do
		run full "$name" "$w/full.fit"
		run delta "$name" "$w/delta.fit"
	done
	cmp -s -n "$(stat -c %s "$n")" "$n" "${loops[1]}" || { log "$name: slot b does not hold the new image"; exit 1; }
done

/usr/bin/python3 "$top/scripts/bench/report_delta.py" "$metrics" "$OUT"
