#!/bin/sh
# Make the seed corpora of the fuzz harnesses (fuzz/corpus/*) and the keyring
# fuzz_fit verifies against (fuzz/keys). Run once; the results are committed.
# The private keys live in a temporary folder and are deleted: nobody can sign
# for fuzz/keys, so an input that verifies can only be a seed's own bytes.
#
#   fuzz/make-seeds.sh SLOTFLIP     (the built command, for `bundle create`)
#
# Needs openssl, mkimage and dtc. Exit code: 0, or 1 when a tool fails.
set -eu
sf=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
keys=$top/fuzz/keys
fit=$top/fuzz/corpus/fit plan=$top/fuzz/corpus/plan env=$top/fuzz/corpus/env
rm -rf "$keys" "$fit" "$plan" "$env"
mkdir -p "$keys" "$fit" "$plan" "$env" "$tmp/mk"
cd "$tmp"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out mk/dev.key 2>/dev/null
openssl req -batch -new -x509 -key mk/dev.key -out mk/dev.crt -subj /CN=dev 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out mk/ec.pem 2>/dev/null
openssl pkey -in mk/dev.key -pubout -out "$keys/dev.pem"
openssl pkey -in mk/ec.pem -pubout -out "$keys/ec.pem"
printf 'webkit 26.3\n' >w.img
printf 'libcrypto 3.0\n' >l.img
printf 'kernel 6.1\n' >k.img

# bundles of slotflip's own tool: header padded to 4 KiB, then the images
b() { # OUT KEY COMPONENT-ARGS...
	out=$1 key=$2
	shift 2
	"$sf" bundle create -o "$out" -b sim -k "$key" "$@" >/dev/null
}
mkdir -p fit
b fit/one-rsa.fit mk/dev.key --component webkit --version 26.3 --security-version 5 --image w.img
b fit/patch-ec.fit mk/ec.pem --component webkit --version '26.3 (a)' --base-version 26.3 --security-version 6 \
	--requires 'libcrypto>=3.0' --image w.img
b fit/three-rsa.fit mk/dev.key --component webkit --version 26.4 --security-version 7 --image w.img \
	--component libcrypto --version 3.1 --security-version 2 --image l.img \
	--component kernel --version 6.2 --security-version 1 --requires 'webkit>=26.4,libcrypto>=3.1' --image k.img

# bundles of mkimage: data-offset (-E) and data-position (-E -p), two signatures
cat >mk/b.its <<'ITS'
/dts-v1/;
/ {
	description = "seed";
	#address-cells = <1>;
	images {
		webkit-1 {
			data = /incbin/("../w.img");
			type = "filesystem";
			compression = "none";
			slotflip,component = "webkit";
			slotflip,version = "26.3 (b)";
			slotflip,base-version = "26.3";
			slotflip,security-version = <6>;
			hash-1 { algo = "sha256"; };
		};
	};
	configurations {
		default = "conf-1";
		conf-1 {
			compatible = "sim";
			loadables = "webkit-1";
			signature-1 { algo = "sha256,rsa2048"; key-name-hint = "dev"; sign-images = "loadables"; };
			signature-2 { algo = "sha256,ecdsa256"; key-name-hint = "ec"; sign-images = "loadables"; };
		};
	};
};
ITS
(cd mk && mkimage -f b.its -k . -E ../fit/mkimage-offset.fit >/dev/null)
(cd mk && mkimage -f b.its -k . -E -p 0x1000 ../fit/mkimage-position.fit >/dev/null)
# headers only, and an unsigned one (fit_inspect reads it, fit_verify refuses)
for f in one-rsa three-rsa; do
	size=$(od -An -tu1 -j4 -N4 "fit/$f.fit" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
	head -c "$size" "fit/$f.fit" >"fit/$f-header.fit"
done
sed '/signature-2/d; s/signature-1 .*/signature-1 { algo = "sha256,rsa2048"; key-name-hint = "nobody"; sign-images = "loadables"; };/' \
	mk/b.its >mk/u.its
(cd mk && mkimage -f u.its -E ../fit/unsigned.fit >/dev/null)
cp fit/* "$fit/"
# fuzz_fit takes its key policy from the bundle's last byte (% 5): seeds for each
for i in 1 2 3 4; do
	head -c -1 fit/mkimage-position.fit >"$fit/mkimage-position-policy$i.fit"
	printf "\\$(printf %03o "$i")" >>"$fit/mkimage-position-policy$i.fit"
done
head -c -1 fit/patch-ec.fit >"$fit/patch-ec-policy1.fit"
printf '\001' >>"$fit/patch-ec-policy1.fit"

# plan: environment lines, NUL, a header, transition bytes
envs() {
	case $1 in
	0) printf 'sf_webkit_active=a\nsf_libcrypto_active=a\nsf_kernel_active=a\n' ;;
	1) printf 'sf_webkit_active=a\nsf_webkit_a_ver=26.3\nsf_webkit_a_sv=5\nsf_webkit_floor=5\n'
	   printf 'sf_libcrypto_active=b\nsf_libcrypto_b_ver=3.0\nsf_libcrypto_b_sv=1\nsf_libcrypto_floor=1\n'
	   printf 'sf_kernel_active=a\nsf_kernel_a_ver=6.1\nsf_kernel_a_sv=0\n' ;;
	2) printf 'sf_webkit_active=a\nsf_webkit_a_ver=26.3\nsf_webkit_a_sv=5\nsf_webkit_floor=5\n'
	   printf 'sf_webkit_trial=b\nsf_webkit_tries=2\nsf_webkit_b_ver=26.3 (a)\nsf_webkit_b_sv=6\n'
	   printf 'sf_libcrypto_active=a\nsf_libcrypto_bad=b\nsf_libcrypto_bad_why=removed\n'
	   printf 'sf_libcrypto_b_ver=3.1\nsf_libcrypto_b_sv=2\nsf_kernel_active=b\nsf_kernel_b_ver=6.1\nsf_kernel_b_sv=3\n' ;;
	esac
}
n=0
for e in 0 1 2; do
	for f in one-rsa-header three-rsa-header patch-ec mkimage-position; do
		{ envs $e; printf '\000'; cat "fit/$f.fit"; printf '\001\004\007\012\015\002\005'; } >"$plan/e$e-$f"
		n=$((n + 1))
	done
done

# env: selector byte, then two copies of 256 bytes each; the text doubles as fw_env.config
copy() { # FLAGS TEXT: one 256-byte copy with a valid CRC
	printf '%s' "$2" | tr '\n' '\000' >data
	truncate -s 251 data
	# CRC-32 of the data, little endian, then the flags byte
	/usr/bin/python3 -c "import sys,zlib,struct;d=open('data','rb').read();sys.stdout.buffer.write(struct.pack('<I',zlib.crc32(d))+bytes([int(sys.argv[1])]))" "$1"
	cat data
}
vars1='sf_webkit_active=a
sf_webkit_floor=5
sf_webkit_a_ver=26.3
sf_webkit_a_sv=5
sf_libcrypto_active=b
sf_kernel_active=a
'
vars2='sf_webkit_active=b
sf_webkit_trial=a
sf_webkit_tries=1
sf_webkit_a_ver=26.4
sf_webkit_a_sv=6
sf_webkit_b_ver=26.3
sf_webkit_b_sv=5
sf_webkit_floor=5
sf_libcrypto_active=a
sf_kernel_active=a
bootcmd=run distro_bootcmd
'
{ printf '\000'; copy 1 "$vars1"; copy 2 "$vars2"; } >"$env/both-valid"
{ printf '\000'; copy 255 "$vars1"; copy 0 "$vars2"; } >"$env/wrapped-flags"
{ printf '\001'; copy 3 "$vars2"; head -c 256 /dev/zero; } >"$env/second-blank"
{ printf '\000'; head -c 512 /dev/zero; } >"$env/blank"
{ printf '\001'; printf '/dev/mmcblk0 0x3f8000 0x4000\n/dev/mmcblk0 0x3fc000 0x4000\n'; head -c 400 /dev/zero; } >"$env/config-text"
{ printf '\001'; printf '# comment\n/dev/mtd1 0 0x10000 0x10000 1\n/dev/mtd2 0 0x10000 0x10000 1\n'; head -c 300 /dev/zero; } >"$env/config-mtd"
echo "seeds: $(ls "$fit" | wc -l) fit, $n plan, $(ls "$env" | wc -l) env"
