#!/bin/sh
# Bad input is refused with one line naming what was wrong and a documented exit
# code; a refusal before streaming changes no byte of the env or any slot; a
# failure while streaming leaves only env store (1).
. "$TOP/updater/tests/host/common.inc"
new_board
sf init --factory webkit=26.3:5 >/dev/null
ok $? "init with a factory image: webkit 26.3, floor 5"
is "$(env_get sf_webkit_a_ver)" "26.3" "  slot a records the factory image"
is "$(env_get sf_webkit_floor)" 5 "  floor 5"

refused() { # BUNDLE EXIT NEEDLE WHAT
	before=$(board_sum)
	sf_rc install "$1"
	is "$rc" "$2" "$4: exit $2"
	like "$msg" "$3" "  says: $3"
	is "$(echo "$msg" | wc -l)" 1 "  in one line"
	is "$(board_sum)" "$before" "  env and slots byte-identical"
}

make_bundle "$board/old.fit" webkit 26.2 4 >/dev/null
refused "$board/old.fit" 4 "security version 4 is below the floor 5 of webkit" "older security version"

BOARD_NAME=rpi4 make_bundle "$board/foreign.fit" webkit 26.4 6 >/dev/null
refused "$board/foreign.fit" 4 "bundle is for board 'rpi4', this board is 'sim-x86_64'" "foreign board"

make_bundle "$board/other-base.fit" webkit "26.9 (a)" 7 26.9 >/dev/null
refused "$board/other-base.fit" 4 "patch needs baseline 26.9, slot a holds 26.3" "patch for another baseline"

make_bundle "$board/big.fit" kernel 1.0 1 >/dev/null
truncate -s 512K "$board/slots/kernel_b.img"
refused "$board/big.fit" 4 "image of kernel is 1048576 bytes, slot b holds only 524288" "image larger than its slot"
truncate -s 1048575 "$board/slots/kernel_b.img"
refused "$board/big.fit" 4 "slot b holds only 1048575" "image one byte larger than its slot"
truncate -s 1M "$board/slots/kernel_b.img"
sf install "$board/big.fit" >/dev/null
ok $? "an image of exactly its slot's size installs"
cmp -s "$board/kernel-1.img" "$board/slots/kernel_b.img"
ok $? "  the slot holds it byte for byte"
is "$(stat -c %s "$board/slots/kernel_b.img")" 1048576 "  and keeps its size"
is "$(env_get sf_kernel_trial)" b "  armed"
truncate -s 8M "$board/slots/kernel_b.img"

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$board/signing/evil.key" 2>/dev/null
KEY=$board/signing/evil.key make_bundle "$board/evil.fit" webkit 26.4 6 "" -n dev >/dev/null
refused "$board/evil.fit" 3 "does not verify with key 'dev'" "bundle signed by a key not in the keyring"

KEY=$board/signing/evil.key make_bundle "$board/unknown.fit" webkit 26.4 6 >/dev/null
refused "$board/unknown.fit" 3 "evil" "bundle signed by an unknown key"

make_bundle "$board/good.fit" webkit 26.4 6 >/dev/null
# a signed property changed in the header: security version 6 -> 9
cp "$board/good.fit" "$board/forged.fit"
python3 - "$board/forged.fit" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
# the only big-endian 6 in the header is the security version
j = b.find(struct.pack('>I', 6), 0, 4096)
b[j:j + 4] = struct.pack('>I', 9)
open(p, 'wb').write(bytes(b))
PY
refused "$board/forged.fit" 3 "signature does not verify" "forged header (security version changed)"

printf 'garbage' >"$board/garbage.fit"
refused "$board/garbage.fit" 3 "not a bundle" "not a bundle at all"
: >"$board/empty.fit"
refused "$board/empty.fit" 3 "not a bundle" "empty file"
head -c 2000 "$board/good.fit" >"$board/short.fit"
refused "$board/short.fit" 9 "bundle is truncated" "bundle cut short after its header (retry)"
head -c 500 "$board/good.fit" >"$board/short.fit"
refused "$board/short.fit" 3 "truncated" "bundle cut short inside its header (nothing verified: no bundle)"

# payload tampered: the header verifies, the data does not match its hash
cp "$board/good.fit" "$board/tampered.fit"
printf 'X' | dd of="$board/tampered.fit" bs=1 seek=5000 conv=notrunc status=none
active_before=$(md5sum <"$board/slots/webkit_a.img")
sf_rc install "$board/tampered.fit"
is "$rc" 3 "tampered payload: exit 3"
like "$msg" "does not match its signed sha256" "  says the payload does not match"
is "$(env_get sf_webkit_trial)" "" "  nothing armed"
is "$(env_get sf_webkit_b_ver)" "" "  only store (1): the target slot is marked empty"
is "$(env_get sf_webkit_active)" a "  the active slot stays"
is "$(env_get sf_webkit_a_ver)" 26.3 "  and keeps its version"
is "$(md5sum <"$board/slots/webkit_a.img")" "$active_before" "  the active slot's bytes are untouched"

# a stream that ends inside the payload
head -c 300000 "$board/good.fit" | { sf_rc install -; echo "$rc|$msg" >"$board/out"; }
out=$(cat "$board/out")
is "${out%%|*}" 9 "truncated stream: exit 9 (retry the download)"
like "$out" "truncated" "  says it is truncated"
is "$(env_get sf_webkit_trial)" "" "  nothing armed"
is "$(env_get sf_webkit_active)" a "  the active slot stays"

sf install "$board/good.fit" >/dev/null
ok $? "the genuine bundle still installs"
is "$(env_get sf_webkit_trial)" b "  armed"

sf_rc frobnicate
is "$rc" 2 "unknown command: exit 2"
sf_rc install
is "$rc" 2 "install without a bundle: exit 2"
sf_rc --config /nonexistent.dtb status
is "$rc" 7 "missing system description: exit 7"
like "$msg" "/nonexistent.dtb" "  names the file"
sf_rc remove nosuch
is "$rc" 2 "unknown component: exit 2"

# the bundle itself missing or not a file: exit 10, nothing touched
before=$(board_sum)
sf_rc install "$board/nosuch.fit"
is "$rc" 10 "missing bundle: exit 10"
like "$msg" "nosuch.fit" "  names it"
sf_rc install "$board/slots"
is "$rc" 10 "a folder as bundle: exit 10"
sf_rc install /dev/null
is "$rc" 10 "a device as bundle: exit 10"
is "$(board_sum)" "$before" "  env and slots byte-identical"
done_testing
