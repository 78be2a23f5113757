#!/bin/sh
# Bundles made by U-Boot's own mkimage (-E -p 0x1000, and -E alone) install like
# bundles made by slotflip: ECDSA-P256 and RSA-4096 keys beside the dev key.
. "$TOP/updater/tests/host/common.inc"
new_board
mk=$board/mk
mkdir -p "$mk/keys"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$mk/keys/vendor.pem" 2>/dev/null
openssl pkey -in "$mk/keys/vendor.pem" -pubout -out "$board/keys/vendor.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$mk/keys/big.key" 2>/dev/null
openssl req -batch -new -x509 -key "$mk/keys/big.key" -out "$mk/keys/big.crt" -subj /CN=big 2>/dev/null
openssl pkey -in "$mk/keys/big.key" -pubout -out "$board/keys/big.pem" 2>/dev/null
make_image "$mk/webkit.img" "webkit 26.3"
make_image "$mk/libcrypto.img" "libcrypto 3.1"

its() { # ALGO KEY: a webkit baseline and a libcrypto baseline, one configuration
	cat <<ITS
/dts-v1/;
/ {
	description = "vendor release";
	#address-cells = <1>;
	images {
		webkit-1 {
			description = "webkit";
			data = /incbin/("webkit.img");
			type = "filesystem";
			compression = "none";
			slotflip,component = "webkit";
			slotflip,version = "26.3";
			slotflip,security-version = <5>;
			slotflip,requires = "libcrypto>=3.1";
			hash-1 { algo = "sha256"; };
		};
		libcrypto-1 {
			description = "libcrypto";
			data = /incbin/("libcrypto.img");
			type = "filesystem";
			compression = "none";
			slotflip,component = "libcrypto";
			slotflip,version = "3.1";
			slotflip,security-version = <2>;
			hash-1 { algo = "sha256"; };
		};
	};
	configurations {
		default = "conf-1";
		conf-1 {
			description = "simulated board";
			compatible = "sim-x86_64";
			loadables = "webkit-1", "libcrypto-1";
			signature-1 {
				algo = "$1";
				key-name-hint = "$2";
				sign-images = "loadables";
			};
		};
	};
};
ITS
}
its sha256,ecdsa256 vendor >"$mk/ecdsa.its"
its sha256,rsa4096 big >"$mk/rsa.its"
(cd "$mk" && mkimage -f ecdsa.its -k keys -E -p 0x1000 ecdsa.fit >/dev/null && mkimage -f rsa.its -k keys -E rsa.fit >/dev/null)
ok $? "mkimage signs both bundles"

sf init >/dev/null
out=$(sf bundle verify "$mk/ecdsa.fit")
ok $? "bundle verify accepts the mkimage ECDSA bundle"
like "$out" "signed with key 'vendor' (sha256,ecdsa256)" "  with the vendor key"
sf install "$mk/ecdsa.fit" >/dev/null
ok $? "install of the mkimage bundle (data-position)"
is "$(env_get sf_webkit_trial)" b "  webkit armed"
is "$(env_get sf_libcrypto_trial)" b "  libcrypto armed in the same store"
cmp -s -n 1048576 "$mk/webkit.img" "$board/slots/webkit_b.img"
ok $? "  slot b holds the webkit image"
sf activate >/dev/null
ok $? "both committed together"
is "$(env_get sf_libcrypto_floor)" 2 "  libcrypto floor raised to 2"

sf install "$mk/rsa.fit" >/dev/null
ok $? "install of the mkimage RSA-4096 bundle (data-offset)"
is "$(env_get sf_webkit_trial)" a "  armed in slot a"
cmp -s -n 1048576 "$mk/libcrypto.img" "$board/slots/libcrypto_a.img"
ok $? "  slot a of libcrypto holds its image"

# the same mkimage bundle with a signed property changed
cp "$mk/ecdsa.fit" "$mk/forged.fit"
python3 - "$mk/forged.fit" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
i = b.find(b"26.3\0")
b[i:i + 4] = b"26.4"
open(p, 'wb').write(bytes(b))
PY
before=$(board_sum)
sf_rc install "$mk/forged.fit"
is "$rc" 3 "a forged mkimage bundle is refused (exit 3)"
like "$msg" "signature does not verify with key 'vendor'" "  with the reason"
is "$(board_sum)" "$before" "  and nothing is written"
done_testing
