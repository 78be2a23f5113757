#!/bin/sh
# The key policy of the system description, through the command: required
# keys, revoked keys and their configuration errors (exit 7, nothing changed),
# a U-Boot key blob (`mkimage -K`) as the keyring, and a key rotation from an
# old key to a new one as docs/keys.md describes it.
. "$TOP/updater/tests/host/common.inc"
new_board
sf init >/dev/null
ok $? "init"

# system.dtb with EXTRA lines added after slotflip,keyring
policy() {
	sed "s|^\(\tslotflip,keyring = .*\)$|\1\n$1|" "$TOP/partitions/sim/system.dts" >"$board/system.dts"
	dtc -q -I dts -O dtb -o "$board/system.dtb" "$board/system.dts"
}
refused() { # EXIT NEEDLE WHAT COMMAND...
	want=$1 needle=$2 what=$3
	shift 3
	before=$(board_sum)
	sf_rc "$@"
	is "$rc" "$want" "$what: exit $want"
	like "$msg" "$needle" "  says: $needle"
	is "$(board_sum)" "$before" "  env and slots byte-identical"
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$board/signing/new.key" 2>/dev/null
openssl pkey -in "$board/signing/new.key" -pubout -out "$board/keys/new.pem" 2>/dev/null
make_bundle "$board/dev.fit" webkit 26.3 5 >/dev/null
KEY=$board/signing/new.key make_bundle "$board/new.fit" webkit 26.4 6 >/dev/null

policy '\tslotflip,required-keys = "ghost";'
refused 7 "required key 'ghost' is not in keyring" "a required key missing from the keyring" install "$board/dev.fit"
policy '\tslotflip,revoked-keys = "ghost";'
refused 7 "revoked key 'ghost' is not in keyring" "a revoked key missing from the keyring" install "$board/dev.fit"
policy '\tslotflip,required-keys = "dev";\n\tslotflip,required-mode = "most";'
refused 7 "slotflip,required-mode = 'most' is neither 'all' nor 'any'" "an unknown required-mode" \
	install "$board/dev.fit"
policy '\tslotflip,required-keys = "dev";\n\tslotflip,revoked-keys = "dev";'
refused 7 "key 'dev' is both required and revoked" "required and revoked" install "$board/dev.fit"
policy '\tslotflip,revoked-keys = "dev", "new";'
refused 7 "is revoked" "every key revoked" install "$board/dev.fit"

# rotation, step 1: new is trusted beside dev, dev still works
policy ''
sf install "$board/dev.fit" >/dev/null 2>&1
ok $? "no policy: a dev bundle installs"
# step 2: new is required; dev bundles count for nothing
policy '\tslotflip,required-keys = "new";'
refused 3 "signed only by key 'dev', which is not a required key" "new required, dev bundle" \
	install "$board/dev.fit"
refused 3 "which is not a required key" "bundle verify applies the device's policy" bundle verify "$board/dev.fit"
out=$(sf bundle verify --json "$board/dev.fit" 2>/dev/null)
like "$out" '"reason": "key-policy"' "  --json names the reason: key-policy"
sf bundle verify --keyring "$board/keys" "$board/dev.fit" >/dev/null 2>&1
ok $? "bundle verify --keyring DIR has no policy"
# step 3: dev revoked
policy '\tslotflip,revoked-keys = "dev";'
refused 3 "key 'dev' is revoked" "dev revoked" install "$board/dev.fit"
out=$(sf bundle verify --json "$board/dev.fit" 2>/dev/null)
like "$out" '"reason": "key-policy"' "  bundle verify --json: key-policy"
sf install "$board/new.fit" >/dev/null 2>&1
ok $? "dev revoked: a bundle signed by new installs"
is "$(env_get sf_webkit_b_ver)" "26.4" "  slot b holds 26.4"

# a U-Boot key blob as the keyring: mkimage -K writes it while signing
mkdir -p "$board/ub/keys" "$board/blob"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$board/ub/keys/prod.key" 2>/dev/null
openssl req -batch -new -x509 -key "$board/ub/keys/prod.key" -out "$board/ub/keys/prod.crt" -subj /CN=prod 2>/dev/null
make_image "$board/ub/webkit.img" "webkit 26.5"
cat >"$board/ub/b.its" <<ITS
/dts-v1/;
/ {
	description = "webkit 26.5";
	#address-cells = <1>;
	images {
		webkit-1 {
			data = /incbin/("webkit.img");
			type = "filesystem";
			compression = "none";
			slotflip,component = "webkit";
			slotflip,version = "26.5";
			slotflip,security-version = <7>;
			hash-1 { algo = "sha256"; };
		};
	};
	configurations {
		default = "conf-1";
		conf-1 {
			compatible = "sim-x86_64";
			loadables = "webkit-1";
			signature-1 { algo = "sha256,rsa2048"; key-name-hint = "prod"; sign-images = "loadables"; };
		};
	};
};
ITS
printf '/dts-v1/;\n/ { };\n' | dtc -q -I dts -O dtb -o "$board/blob/u-boot-keys.dtb" -
(cd "$board/ub" && mkimage -f b.its -k keys -K "$board/blob/u-boot-keys.dtb" -r -E -p 0x1000 prod.fit >/dev/null)
ok $? "mkimage signed a bundle and wrote prod (required) into a key blob"
sed "s|slotflip,keyring = \"keys\"|slotflip,keyring = \"blob\"|" "$TOP/partitions/sim/system.dts" >"$board/system.dts"
dtc -q -I dts -O dtb -o "$board/system.dtb" "$board/system.dts"
sf install "$board/ub/prod.fit" >/dev/null 2>&1
ok $? "the key blob is the keyring: the mkimage bundle installs"
refused 3 "no key 'dev' in the keyring" "a key outside the blob" install "$board/dev.fit"
out=$(sf bundle verify --json "$board/dev.fit" 2>/dev/null)
like "$out" '"reason": "unknown-key"' "  bundle verify --json: unknown-key"
done_testing
