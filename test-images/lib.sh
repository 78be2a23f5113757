# SPDX-License-Identifier: MIT
# Shared by the QEMU image builders (sourced by test-images/build.sh and
# test-images/systemd/build.sh, bash): copying binaries with their libraries,
# kernel module closures, and the disk of a QEMU board.
# Needs TOP, BOARD (partitions/qemu-x86 or another board's folder), HOST (host
# slotflip), MODDIR (the kernel's module folder) and step() from the sourcing
# script; a board profile (test-images/boards/) may set LIBDIRS and READELF
# (where its libraries are, what reads its binaries), MKIMAGE_ARCH and
# BOOTSCR_OPTS (its boot script); the defaults are the x86-64 board's.
LIBDIRS=${LIBDIRS:-/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu}
READELF=${READELF:-readelf}
MKIMAGE_ARCH=${MKIMAGE_ARCH:-x86}

# the board's libraries an ELF file needs, found in LIBDIRS, and its loader
# (readelf, not ldd: the binaries may be another architecture's)
elf_libs() { # file
	local f=$1 n d
	$READELF -l "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p'
	for n in $($READELF -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		for d in $LIBDIRS; do
			if [ -e "$d/$n" ]; then
				echo "$d/$n"
				elf_libs "$d/$n"
				break
			fi
		done
	done
}

copy_with_libs() { # root, binary...
	local root=$1 f lib
	shift
	for f in "$@"; do
		install -D -m 0755 "$f" "$root/usr/bin/$(basename "$f")"
		for lib in $(elf_libs "$f" | sort -u); do
			[ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
		done
	done
}

# module closure from modules.dep, dependencies first
mod_path() { sed -n "s|^\(.*/$1\.ko\):.*|\1|p" "$MODDIR/modules.dep"; }
mod_deps() { sed -n "s|^.*/$1\.ko: *||p" "$MODDIR/modules.dep" | tr ' ' '\n' | sed -n 's|.*/\(.*\)\.ko$|\1|p'; }
declare -A loaded=()
load_order=()
add_module() { # name
	local d
	[ -n "${loaded[$1]:-}" ] && return
	for d in $(mod_deps "$1" | tac); do add_module "$d"; done
	loaded[$1]=1
	load_order+=("$1")
}

# make_disk DIR ROOTFS_IMAGE SYSTEM_DTB ROOTFS_MIB BOOTARGS
# DIR/disk.img: the board's GPT (BOARD/gpt.sfdisk, the rootfs
# slots ROOTFS_MIB MiB each) plus two test partitions (7 payload: a tar of
# bundles; 8 testctl: the scenario's control script), boot.scr in partition 1,
# ROOTFS_IMAGE in slot a of rootfs and webkit 26.3 (from the build folder OUT)
# in slot a of webkit; the factory environment written by HOST init with
# SYSTEM_DTB. Also DIR/boot.cmd, boot.scr, layout.env (byte offsets for the
# runners) and fw_env.host.config (the environment in the image file).
make_disk() {
	local dir=$1 rootfs=$2 dtb=$3 mib=$4 bootargs=$5 w=$1/work-disk env1 rel
	rel=${dir#"$OUT"}
	rel=${rel#/}
	rel=${rel:+$rel/}
	rm -rf "$w"
	mkdir -p "$w/host/keys"
	step DISK "${rel}disk.img"
	{
		grep -v '^#' "$BOARD/gpt.sfdisk" | sed "s/^size=[0-9]*MiB\(, .*name=rootfs_[ab]\)$/size=${mib}MiB\1/"
		echo "size=64MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=payload"
		echo "size=1MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=testctl"
	} >"$w/gpt.sfdisk"
	rm -f "$dir/disk.img"
	truncate -s $((160 + 2 * (mib - 32)))M "$dir/disk.img"
	sfdisk -q "$dir/disk.img" <"$w/gpt.sfdisk"
	part_offset() { # number -> byte offset
		sfdisk -J "$dir/disk.img" | python3 -c "import json,sys
t=json.load(sys.stdin)['partitiontable']
print([p['start'] for p in t['partitions'] if p['node'].endswith('img$1')][0] * t.get('sectorsize', 512))"
	}
	put() { # partition number, file
		dd if="$2" of="$dir/disk.img" bs=1M oflag=seek_bytes seek="$(part_offset "$1")" conv=notrunc,sparse status=none
	}
	"$TOP/scripts/qemu-bootscr" --system "$dtb" --env-config "$BOARD/fw_env.config" \
		--disk "$dir/disk.img" --arch "$MKIMAGE_ARCH" --bootargs "$bootargs" \
		${BOOTSCR_OPTS[@]+"${BOOTSCR_OPTS[@]}"} -o "$dir/boot.cmd" --scr "$dir/boot.scr"
	step SCR "${rel}boot.scr"
	mkfs.vfat -n BOOT -C "$w/boot.vfat" 8192 >/dev/null
	mcopy -i "$w/boot.vfat" "$dir/boot.scr" ::/boot.scr
	put 1 "$w/boot.vfat"
	put 3 "$rootfs"
	put 5 "$OUT/webkit-26.3.erofs"

	env1=$(part_offset 2)
	{
		for n in 1 2 3 4 5 6 7 8; do echo "P${n}_OFFSET=$(part_offset $n)"; done
		echo "ENV1_OFFSET=$env1"
		echo "ENV2_OFFSET=$((env1 + 0x4000))"
		echo "ENV_SIZE=0x4000"
		echo "PAYLOAD_PART=7"
		echo "TESTCTL_PART=8"
	} >"$dir/layout.env"

	# factory state, made by the same code the device runs: a host copy of the
	# system description whose env configuration names the image file
	cp "$dtb" "$w/host/system.dtb"
	printf '%s 0x%x 0x4000\n%s 0x%x 0x4000\n' "$dir/disk.img" "$env1" "$dir/disk.img" $((env1 + 0x4000)) \
		>"$w/host/fw_env.config"
	"$HOST" --config "$w/host/system.dtb" init --factory rootfs=1.0:1 --factory webkit=26.3:3 >/dev/null
	step ENV "factory: rootfs 1.0, webkit 26.3 in slot a"
	cp "$w/host/fw_env.config" "$dir/fw_env.host.config"
}
