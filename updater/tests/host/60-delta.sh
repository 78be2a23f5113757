#!/bin/sh
# Delta bundles on a simulated board: a delta patch built from the active image
# installs into the inactive slot (the active slot is only read), commits, a
# further delta patch replaces a patch, removal goes back; a bundle mixing a
# delta and a full image; a delta made with mkimage from `bundle delta`'s
# output; and the refusals: a delta for another image (exit 4, nothing
# written), a tampered payload (exit 3 after store (1) only), a cut stream.
. "$TOP/updater/tests/host/common.inc"
new_board
sf init --factory webkit=26.3:5 >/dev/null
ok $? "init: webkit 26.3 in slot a"

# the images: 3 MiB of code-like bytes, each patch a few edits and an insertion
cat "$SLOTFLIP" /bin/sh /usr/bin/* 2>/dev/null | head -c 3145728 >"$board/base.img"
edit() { # IN OUT SEED: a copy of IN with bytes changed and 100 bytes inserted at 1 MiB
	head -c 1048576 "$1" >"$2"
	head -c 100 /dev/urandom >>"$2"
	tail -c +1048577 "$1" | head -c $((3145728 - 1048676)) >>"$2"
	printf '%s' "$3" | dd of="$2" bs=1 seek=2000000 conv=notrunc status=none
}
edit "$board/base.img" "$board/p1.img" "patch one"
for i in 2 3 4 5; do edit "$board/p$((i - 1)).img" "$board/p$i.img" "patch $i"; done
dd if="$board/base.img" of="$board/slots/webkit_a.img" conv=notrunc status=none

mk() { # OUT VERSION SV IMAGE FROM [more options]
	out=$1 ver=$2 svn=$3 img=$4 from=$5
	shift 5
	sf bundle create -o "$out" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit --version "$ver" \
		--base-version 26.3 --security-version "$svn" --image "$img" --delta-from "$from" "$@"
}
mk "$board/p1.fit" "26.3 (a)" 6 "$board/p1.img" "$board/base.img"
ok $? "bundle create --delta-from"
size=$(stat -c %s "$board/p1.fit")
[ "$size" -lt 300000 ]
ok $? "  the delta bundle is small ($size bytes for a 3 MiB image)"
info=$(sf bundle info "$board/p1.fit")
like "$info" "delta sfdelta-1: 3145728 bytes from an active slot holding 3145728 bytes" "  bundle info names the delta"
sf bundle verify --keyring "$board/keys" "$board/p1.fit" >/dev/null
ok $? "  bundle verify accepts it"

a_before=$(md5sum <"$board/slots/webkit_a.img")
sf install "$board/p1.fit" >/dev/null
ok $? "delta patch installed"
is "$(env_get sf_webkit_trial)" b "  armed in slot b"
is "$(env_get sf_webkit_b_ver)" "26.3 (a)" "  version recorded"
cmp -s -n 3145728 "$board/p1.img" "$board/slots/webkit_b.img"
ok $? "  slot b holds the new image, byte for byte"
is "$(md5sum <"$board/slots/webkit_a.img")" "$a_before" "  the active slot (the source) is unchanged"
sf activate >/dev/null
ok $? "  activated and committed"
is "$(env_get sf_webkit_active)" b "  webkit active b"

# a delta for the image slot b does not hold: refused before anything is written
mk "$board/stale.fit" "26.3 (b)" 6 "$board/p2.img" "$board/base.img"
before=$(board_sum)
sf_rc install "$board/stale.fit"
is "$rc" 4 "a delta made from another image: exit 4"
like "$msg" "the active slot b of webkit" "  names the active slot"
like "$msg" "does not hold the image the delta of 'webkit-1' applies to" "  and why"
is "$(board_sum)" "$before" "  env and slots byte-identical"

# a delta patch over a patch, streamed from standard input
mk "$board/p2.fit" "26.3 (b)" 7 "$board/p2.img" "$board/p1.img"
b_before=$(md5sum <"$board/slots/webkit_b.img")
sf install - <"$board/p2.fit" >/dev/null
ok $? "delta patch over a patch, from standard input"
cmp -s -n 3145728 "$board/p2.img" "$board/slots/webkit_a.img"
ok $? "  slot a holds the second patch"
is "$(md5sum <"$board/slots/webkit_b.img")" "$b_before" "  its source, active slot b, is unchanged"
sf activate >/dev/null
ok $? "  committed"
sf remove webkit >/dev/null
ok $? "remove: back to the first patch"
is "$(env_get sf_webkit_active)" b "  webkit active b again"
cmp -s -n 3145728 "$board/p1.img" "$board/slots/webkit_b.img"
ok $? "  which still holds the first patch"

# a bundle with a delta and a full image
make_image "$board/libcrypto.img" "libcrypto 3.1"
sf bundle create -o "$board/mixed.fit" -b sim-x86_64 -k "$board/signing/dev.key" \
	--component webkit --version "26.3 (c)" --base-version 26.3 --security-version 8 \
	--image "$board/p3.img" --delta-from "$board/p1.img" \
	--component libcrypto --version 3.1 --security-version 2 --image "$board/libcrypto.img"
ok $? "bundle with a delta and a full image"
sf install "$board/mixed.fit" >/dev/null
ok $? "  installed"
cmp -s -n 3145728 "$board/p3.img" "$board/slots/webkit_a.img" &&
	cmp -s -n 1048576 "$board/libcrypto.img" "$board/slots/libcrypto_b.img"
ok $? "  both slots hold their images"
sf activate >/dev/null
ok $? "  committed together"

# the mkimage route: bundle delta writes the payload and the properties
props=$(sf bundle delta "$board/p3.img" "$board/p4.img" -o "$board/mk.delta" 2>/dev/null)
ok $? "bundle delta writes a delta file"
like "$props" 'slotflip,delta = "sfdelta-1";' "  and prints the properties"
cat >"$board/mk.its" <<ITS
/dts-v1/;
/ {
	description = "delta made with mkimage";
	#address-cells = <1>;
	images {
		webkit-1 {
			description = "webkit 26.3 (d)";
			data = /incbin/("mk.delta");
			type = "filesystem";
			compression = "none";
			slotflip,component = "webkit";
			slotflip,version = "26.3 (d)";
			slotflip,base-version = "26.3";
			slotflip,security-version = <9>;
$props
			hash-1 { algo = "sha256"; };
		};
	};
	configurations {
		default = "conf-1";
		conf-1 {
			description = "simulated board";
			compatible = "sim-x86_64";
			loadables = "webkit-1";
			signature-1 {
				algo = "sha256,ecdsa256";
				key-name-hint = "dev";
				sign-images = "loadables";
			};
		};
	};
};
ITS
mkdir -p "$board/mkkeys"
cp "$board/signing/dev.key" "$board/mkkeys/dev.pem"
(cd "$board" && mkimage -f mk.its -k mkkeys -E -p 0x1000 mk.fit >/dev/null 2>&1)
ok $? "  mkimage signs a bundle with them"
sf install "$board/mk.fit" >/dev/null
ok $? "  the mkimage delta bundle installs"
cmp -s -n 3145728 "$board/p4.img" "$board/slots/webkit_b.img"
ok $? "  and slot b holds its target"
sf activate >/dev/null
ok $? "  committed"

# a tampered payload: refused while streaming, after store (1) only
mk "$board/t.fit" "26.3 (e)" 10 "$board/p5.img" "$board/p4.img"
hdr=$(sf bundle info "$board/t.fit" | sed -n 's/.* bytes at \([0-9]*\)$/\1/p')
printf 'X' | dd of="$board/t.fit" bs=1 seek=$((hdr + 40)) conv=notrunc status=none
b_before=$(md5sum <"$board/slots/webkit_b.img")
sf_rc install "$board/t.fit"
is "$rc" 3 "a tampered delta payload: exit 3"
is "$(echo "$msg" | wc -l)" 1 "  in one line: $msg"
is "$(env_get sf_webkit_a_ver)" "" "  the target slot is marked empty (store (1))"
is "$(env_get sf_webkit_trial)" "" "  nothing armed"
is "$(md5sum <"$board/slots/webkit_b.img")" "$b_before" "  the active slot is unchanged"

# a stream cut short
mk "$board/p5.fit" "26.3 (f)" 10 "$board/p5.img" "$board/p4.img"
head -c $(($(stat -c %s "$board/p5.fit") - 10)) "$board/p5.fit" >"$board/cut"
make_bundle "$board/full.fit" webkit "26.3 (f)" 10 26.3 >/dev/null
head -c $(($(stat -c %s "$board/full.fit") - 10)) "$board/full.fit" | "$SLOTFLIP" install - >/dev/null 2>&1
full_rc=$?
msg=$(cat "$board/cut" | "$SLOTFLIP" install - 2>&1 >/dev/null)
rc=$?
is "$rc" "$full_rc" "a delta bundle cut short on standard input: exit $full_rc, as a full bundle cut short"
like "$msg" "truncated" "  says so: $msg"
sf install "$board/p5.fit" >/dev/null
ok $? "the whole bundle then installs"
cmp -s -n 3145728 "$board/p5.img" "$board/slots/webkit_a.img"
ok $? "  slot a holds its target"
done_testing
