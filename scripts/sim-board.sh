#!/bin/sh
# Lay out a simulated board in DIR: the system description compiled from
# partitions/sim/system.dts, slot image files, a factory-fresh redundant U-Boot
# environment (two zeroed 16 KiB copies in one file), its fw_env.config, a dev
# signing key pair (keys/dev.key private, keyring keys/dev.pem public) and a
# health folder whose webkit check reads the slot under trial.
#
#   scripts/sim-board.sh DIR [SLOT_MIB]
#
# Exit codes: 0 done, 1 a tool failed, 2 usage.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 DIR [SLOT_MIB]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
mib=${2:-8}
mkdir -p "$dir/slots" "$dir/keys" "$dir/health.d/webkit" "$dir/signing"
dir=$(cd "$dir" && pwd)

dtc -q -I dts -O dtb -o "$dir/system.dtb" "$top/partitions/sim/system.dts"
for c in webkit libcrypto kernel; do
	for s in a b; do
		truncate -s "${mib}M" "$dir/slots/${c}_$s.img"
	done
done
head -c 32768 /dev/zero >"$dir/uboot.env"
cat >"$dir/fw_env.config" <<CFG
# device            offset  size    (two lines: redundant environment)
$dir/uboot.env 0x0000 0x4000
$dir/uboot.env 0x4000 0x4000
CFG
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/signing/dev.key" 2>/dev/null
openssl pkey -in "$dir/signing/dev.key" -pubout -out "$dir/keys/dev.pem" 2>/dev/null
# The webkit image carries its own verdict: a self-test that fails on "BROKEN".
cat >"$dir/health.d/webkit/10-selftest" <<'CHECK'
#!/bin/sh
# Fails when the image under trial is marked broken.
if head -c 4096 "$SLOTFLIP_DEVICE" | grep -q BROKEN; then
	echo "webkit $SLOTFLIP_VERSION: self-test failed" >&2
	exit 1
fi
CHECK
chmod +x "$dir/health.d/webkit/10-selftest"
