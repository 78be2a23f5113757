#!/bin/sh
# The bundle commands as a program drives them: --help and usage errors, one
# JSON object per run with --json (success and each failure class, with its
# reason code and nothing else on stderr), the exit codes of the input (9 cut
# short, 10 missing or not a file, 11 permission denied), bundle ids, dual
# signing with several -k, options given twice, bundle strings shown
# sanitized; and the Kconfig guard that keeps one signature algorithm built.
. "$TOP/updater/tests/host/common.inc"
new_board
sf init >/dev/null

# json FILE EXPR: the value of a Python expression over the one JSON object in FILE
json() {
	python3 -c 'import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, "%d lines on stdout" % len(lines)
j = json.loads(lines[0])
print(eval(sys.argv[2]))' "$1" "$2" 2>&1
}
# sfj ARGS...: run slotflip, stdout to $board/out.json, stderr to $board/err; exit status in $rc
sfj() {
	"$SLOTFLIP" "$@" >"$board/out.json" 2>"$board/err"
	rc=$?
}
# a failure with --json: exit code, reason, one object on stdout, nothing on stderr
json_refused() { # EXIT REASON WHAT ARGS...
	want=$1 reason=$2 what=$3
	shift 3
	sfj "$@"
	is "$rc" "$want" "$what: exit $want"
	is "$(json "$board/out.json" '[j["ok"], j["exit"], j["reason"], j["message"] is not None and "\n" not in j["message"]]')" \
		"[False, $want, '$reason', True]" "  one JSON object: ok false, exit $want, reason $reason, a one-line message"
	is "$(wc -c <"$board/err")" 0 "  nothing on stderr"
}

# help: full usage on stdout, exit 0; a mistake: a short usage, exit 2
for sub in "bundle --help" "bundle help" "bundle help create" "bundle create --help" "bundle verify --help" \
	"bundle info -h"; do
	# shellcheck disable=SC2086
	out=$("$SLOTFLIP" $sub 2>"$board/err")
	is "$?" 0 "slotflip $sub: exit 0"
	like "$out" "usage: slotflip bundle" "  usage on stdout"
done
out=$("$SLOTFLIP" bundle create --help)
like "$out" "--security-version N" "bundle create --help shows every option"
like "$out" "--base-version B" "  the base version too"
for bad in "bundle" "bundle frobnicate" "bundle create --frobnicate" "bundle info" "bundle verify --keyring"; do
	# shellcheck disable=SC2086
	sf_rc $bad
	is "$rc" 2 "slotflip $bad: exit 2"
	is "$(echo "$msg" | wc -l)" 1 "  one line"
	like "$msg" "usage: slotflip bundle" "  with a short usage"
done
json_refused 2 usage "bundle info --json (no bundle)" bundle info --json

# a bundle, its id, info and verify in text and JSON
make_bundle "$board/good.fit" webkit 26.4 6 >/dev/null
ok $? "bundle create"
out=$(sf bundle info "$board/good.fit")
like "$out" "not verified" "bundle info says it verified nothing"
id=$(echo "$out" | sed -n 's/^bundle id \([0-9a-f]\{16\}\): .*/\1/p')
is "${#id}" 16 "bundle info prints the bundle id ($id)"
out=$(sf bundle verify --keyring "$board/keys" "$board/good.fit")
like "$out" "verified: signed with key 'dev'" "bundle verify"
like "$out" "bundle id $id" "  prints the same bundle id"
out=$(sf bundle verify - <"$board/good.fit")
like "$out" "verified: signed with key 'dev'" "bundle verify - reads standard input (the device's keyring)"

sfj bundle info --json "$board/good.fit"
is "$rc" 0 "bundle info --json: exit 0"
is "$(json "$board/out.json" '[j["ok"], j["exit"], j["reason"], j["message"], j["verified"], j["id"]]')" \
	"[True, 0, None, None, False, '$id']" "  ok, no reason, not verified, the id"
is "$(json "$board/out.json" '[(i["component"], i["version"], i["security_version"], i["base_version"]) for i in j["images"]]')" \
	"[('webkit', '26.4', 6, None)]" "  the image"
is "$(json "$board/out.json" '[s["key_name_hint"] for s in j["signatures"]]')" "['dev']" "  the signature"
is "$(wc -c <"$board/err")" 0 "  nothing on stderr"
sha=$(json "$board/out.json" 'j["images"][0]["sha256"]')
is "${#sha}" 64 "  the signed sha256 in hex"
sfj bundle verify --json --keyring "$board/keys" "$board/good.fit"
is "$(json "$board/out.json" '[j["ok"], j["verified"], j["key"], j["algo"], j["id"], j["board"]]')" \
	"[True, True, 'dev', '$(json "$board/out.json" 'j["algo"]')', '$id', 'sim-x86_64']" \
	"bundle verify --json: verified by dev, the id and the board"

# every failure class of verify and info
cp "$board/good.fit" "$board/tampered.fit"
printf 'X' | dd of="$board/tampered.fit" bs=1 seek=5000 conv=notrunc status=none
json_refused 3 hash-mismatch "a payload changed" bundle verify --json --keyring "$board/keys" "$board/tampered.fit"
head -c 6000 "$board/good.fit" >"$board/short.fit"
json_refused 9 input-truncated "a download cut short" bundle verify --json --keyring "$board/keys" "$board/short.fit"
head -c 300 "$board/good.fit" >"$board/shorter.fit"
json_refused 3 malformed "cut inside the header (nothing verified: no bundle)" bundle info --json "$board/shorter.fit"
printf 'garbage' >"$board/garbage.fit"
json_refused 3 not-a-bundle "not a bundle" bundle info --json "$board/garbage.fit"
json_refused 10 input-not-found "a missing bundle" bundle info --json "$board/nosuch.fit"
json_refused 10 input-not-a-file "a folder" bundle verify --json "$board/keys"
json_refused 10 input-not-a-file "a device" bundle info --json /dev/null
json_refused 4 wrong-board "another board" bundle verify --json --keyring "$board/keys" --board rpi4 "$board/good.fit"
mkdir -p "$board/other"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$board/signing/new.key" 2>/dev/null
openssl pkey -in "$board/signing/new.key" -pubout -out "$board/other/new.pem" 2>/dev/null
json_refused 3 unknown-key "a keyring without the key" bundle verify --json --keyring "$board/other" "$board/good.fit"
# permission denied: the board folder (mode 0700) is root's; run as nobody
chmod 0700 "$board"
setpriv --reuid=65534 --regid=65534 --clear-groups "$SLOTFLIP" bundle info "$board/good.fit" >/dev/null 2>"$board/err"
is "$?" 11 "a bundle that may not be read (as nobody): exit 11"
like "$(cat "$board/err")" "Permission denied" "  says why"

# the layout rule: data placed far away is refused before anything is read past the header
python3 - "$board/good.fit" "$board/far.fit" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
# the data-position property: FDT_PROP, length 4, the offset of its name in the strings block
off_struct, off_strings = struct.unpack('>II', b[8:16])
name = b.find(b'data-position\0', off_strings) - off_strings
j = b.find(struct.pack('>III', 3, 4, name), off_struct) + 12
b[j:j + 4] = struct.pack('>I', 0x40000000)
open(sys.argv[2], 'wb').write(bytes(b))
PY
json_refused 3 bad-layout "data placed 1 GiB away" bundle verify --json --keyring "$board/keys" "$board/far.fit"

# bundle create: --json, options given twice, several keys
make_image "$board/w.img" "webkit 26.5"
sfj bundle create --json -o "$board/c.fit" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit \
	--version 26.5 --security-version 7 --image "$board/w.img"
is "$(json "$board/out.json" '[j["ok"], j["exit"], j["output"], j["images"][0]["version"]]')" \
	"[True, 0, '$board/c.fit', '26.5']" "bundle create --json: the bundle made"
cid=$(json "$board/out.json" 'j["id"]')
is "$(sf bundle info "$board/c.fit" | sed -n 's/^bundle id \([0-9a-f]*\):.*/\1/p')" "$cid" "  its id is the one bundle info prints"
for twice in "--version 1 --version 2 --security-version 1" "--version 1 --security-version 1 --security-version 2" \
	"--version 1 --security-version 1 --component libc"; do
	# shellcheck disable=SC2086
	json_refused 2 usage "an option given twice before --image ($twice)" bundle create --json -o "$board/d.fit" \
		-b sim-x86_64 -k "$board/signing/dev.key" --component webkit $twice --image "$board/w.img"
	[ ! -e "$board/d.fit" ]
	ok $? "  no bundle written"
done
json_refused 2 usage "-o twice" bundle create --json -o "$board/d.fit" -o "$board/e.fit" -b sim-x86_64 \
	-k "$board/signing/dev.key" --component webkit --version 1 --security-version 1 --image "$board/w.img"
json_refused 10 input-not-found "a missing image" bundle create --json -o "$board/d.fit" -b sim-x86_64 \
	-k "$board/signing/dev.key" --component webkit --version 1 --security-version 1 --image "$board/none.img"
json_refused 7 signing-key-invalid "a missing key" bundle create --json -o "$board/d.fit" -b sim-x86_64 \
	-k "$board/signing/none.key" --component webkit --version 1 --security-version 1 --image "$board/w.img"
json_refused 2 usage "a board with a backslash" bundle create --json -o "$board/d.fit" -b 'sim\x86' \
	-k "$board/signing/dev.key" --component webkit --version 1 --security-version 1 --image "$board/w.img"

sf bundle create -o "$board/dual.fit" -b sim-x86_64 -k "$board/signing/dev.key" -k "$board/signing/new.key" \
	--component webkit --version 26.6 --security-version 8 --image "$board/w.img"
ok $? "bundle create with two keys"
sfj bundle info --json "$board/dual.fit"
is "$(json "$board/out.json" '[(s["node"], s["key_name_hint"]) for s in j["signatures"]]')" \
	"[('signature-1', 'dev'), ('signature-2', 'new')]" "  one signature node per key"
out=$(sf bundle verify --keyring "$board/keys" "$board/dual.fit")
like "$out" "signed with key 'dev'" "  verifies with the old key alone"
out=$(sf bundle verify --keyring "$board/other" "$board/dual.fit")
like "$out" "signed with key 'new'" "  verifies with the new key alone"
sf install "$board/dual.fit" >/dev/null
ok $? "  and installs on the board"

# bundle strings are shown sanitized: a board forged to hold an escape sequence and a second line
python3 - "$board/good.fit" "$board/escape.fit" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
# the board is the configuration's description and compatible: both
for _ in range(2):
    j = b.find(b'sim-x86_64\0', 0, 4096)
    b[j:j + 10] = b'\x1b[2J\nOK:  '
open(sys.argv[2], 'wb').write(bytes(b))
PY
sf_rc bundle info "$board/escape.fit"
is "$rc" 3 "bundle info of a board with an escape sequence and a newline: exit 3"
is "$(echo "$msg" | wc -l)" 1 "  one line"
is "$(printf '%s' "$msg" | tr -d '[:print:]' | wc -c)" 0 "  printable only"
json_refused 3 bad-metadata "  with --json" bundle info --json "$board/escape.fit"

# Kconfig: without RSA, ECDSA cannot be turned off (a build that verifies nothing)
printf '# CONFIG_SIG_RSA is not set\n# CONFIG_SIG_ECDSA is not set\n' >"$board/.config"
(cd "$TOP" && KCONFIG_CONFIG="$board/.config" srctree="$TOP" python3 /usr/lib/python3/dist-packages/olddefconfig.py \
	Kconfig >/dev/null)
like "$(cat "$board/.config")" "CONFIG_SIG_ECDSA=y" "Kconfig keeps ECDSA when RSA is off"
done_testing
