#!/bin/sh
# `make demo`: the main job of slotflip, end to end, on a simulated board (slot
# image files and a redundant U-Boot environment file, in a temporary folder).
#
#   scripts/demo.sh PATH/TO/slotflip
#
# A baseline is installed and committed; a security patch streamed from standard
# input fails its health check and is rolled back automatically; a second patch
# is committed; the user removes it and the baseline runs again; a third patch
# ships as a delta from the running image, a few KiB beside the full bundle's
# 4 MiB; then forged, old, foreign, tampered and wrong-baseline bundles and a
# delta for another image are refused.
set -eu
sf_bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
board=$(mktemp -d /tmp/slotflip-demo-XXXXXX)
trap 'rm -rf "$board"' EXIT
"$top/scripts/sim-board.sh" "$board" 16
export SLOTFLIP_CONFIG="$board/system.dtb" SLOTFLIP_LOCK="$board/lock"

bold=$(printf '\033[1m') norm=$(printf '\033[0m')
[ -t 1 ] || { bold=""; norm=""; }
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$norm"; }
run() { printf '%s$ %s%s\n' "$bold" "$*" "$norm"; "$@"; }
try() { # a command expected to fail: show its message and exit code
	printf '%s$ %s%s\n' "$bold" "$*" "$norm"
	if "$@"; then echo "(unexpectedly succeeded)"; exit 1; else echo "-> exit $?"; fi
}
# the images' body: 4 MiB of real machine code, the same in every version
cat "$sf_bin" /bin/* 2>/dev/null | head -c 4194304 >"$board/code"
image() { # FILE TEXT [EDIT]: a 4 MiB image: TEXT, then the code; EDIT changes a few bytes in it
	{ printf '%s\n' "$2"; cat "$board/code"; } | head -c 4194304 >"$1"
	[ -z "${3:-}" ] || printf '%s' "$3" | dd of="$1" bs=1 seek=2000000 conv=notrunc status=none
}
bundle() { # OUT VERSION SV [BASE [--delta-from IMAGE]]
	out=$1 ver=$2 svn=$3
	shift 3
	base=${1:-}
	[ $# -gt 0 ] && shift
	"$sf_bin" bundle create -o "$board/$out" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit \
		--version "$ver" --security-version "$svn" ${base:+--base-version "$base"} --image "$board/img" "$@"
}
env_vars() { fw_printenv -c "$board/fw_env.config" | grep '^sf_webkit' | tr '\n' ' '; echo; }
slotflip() { "$sf_bin" "$@"; }

step "A factory-fresh board: the environment has no valid copy yet"
try slotflip status
run slotflip init
run slotflip status

step "The vendor ships webkit 26.3 (security version 5) as a signed bundle"
image "$board/img" "webkit 26.3"
cp "$board/img" "$board/26.3.img"
bundle base.fit 26.3 5
run slotflip bundle info "$board/base.fit"
run slotflip install --progress "$board/base.fit"
run slotflip activate
echo "fw_printenv: $(env_vars)"

step "Rapid security response 26.3 (a), streamed from standard input; it is broken"
image "$board/img" "webkit 26.3 (a) BROKEN"
bundle patch-a.fit "26.3 (a)" 6 26.3
printf '%s$ cat patch-a.fit | slotflip install -%s\n' "$bold" "$norm"
slotflip install - <"$board/patch-a.fit"
try slotflip activate
run slotflip status

step "Rapid security response 26.3 (b), healthy"
image "$board/img" "webkit 26.3 (b)"
bundle patch-b.fit "26.3 (b)" 6 26.3
run slotflip install "$board/patch-b.fit"
run slotflip activate
run slotflip status

step "The user removes the security update: back to the baseline"
run slotflip remove webkit
run slotflip status
echo "fw_printenv: $(env_vars)"

step "Rapid security response 26.3 (c) as a delta from the image the board runs"
image "$board/img" "webkit 26.3 (c)" "a fixed bounds check"
bundle patch-c-full.fit "26.3 (c)" 7 26.3
bundle patch-c.fit "26.3 (c)" 7 26.3 --delta-from "$board/26.3.img"
run slotflip bundle info "$board/patch-c.fit"
full=$(stat -c %s "$board/patch-c-full.fit") delta=$(stat -c %s "$board/patch-c.fit")
echo "the delta bundle: $delta bytes; the same patch as a full bundle: $full bytes" \
	"($(awk -v d="$delta" -v f="$full" 'BEGIN { printf "%.2f", 100 * d / f }') %)"
run slotflip install --progress "$board/patch-c.fit"
run slotflip activate
run slotflip status

step "Refusals: nothing is written"
image "$board/img" "webkit 26.2"
bundle old.fit 26.2 4
try slotflip install "$board/old.fit"
"$sf_bin" bundle create -o "$board/foreign.fit" -b rpi4 -k "$board/signing/dev.key" --component webkit \
	--version 26.4 --security-version 7 --image "$board/img"
try slotflip install "$board/foreign.fit"
image "$board/img" "webkit 26.9 (a)"
bundle other.fit "26.9 (a)" 7 26.9
try slotflip install "$board/other.fit"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$board/evil.key" 2>/dev/null
"$sf_bin" bundle create -o "$board/forged.fit" -b sim-x86_64 -k "$board/evil.key" -n dev --component webkit \
	--version 27.0 --security-version 9 --image "$board/img"
try slotflip install "$board/forged.fit"
cp "$board/patch-c-full.fit" "$board/tampered.fit"
printf 'X' | dd of="$board/tampered.fit" bs=1 seek=8192 conv=notrunc status=none
try slotflip install "$board/tampered.fit"
image "$board/img" "webkit 26.3 (d)" "another fix"
bundle stale.fit "26.3 (d)" 8 26.3 --delta-from "$board/26.3.img"
echo "(a delta made from 26.3, while the board now runs 26.3 (c))"
try slotflip install "$board/stale.fit"
run slotflip status
printf '\n%sdone%s: every step above ran against %s (removed on exit)\n' "$bold" "$norm" "$board"
