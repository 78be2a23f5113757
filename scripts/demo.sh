#!/bin/sh
# `make demo`: the main job of slotflip, end to end, on a simulated board (slot
# image files and a redundant U-Boot environment file, in a temporary folder).
#
#   scripts/demo.sh PATH/TO/slotflip
#
# A baseline is installed and committed; a security patch streamed from standard
# input fails its health check and is rolled back automatically; a second patch
# is committed; the user removes it and the baseline runs again; then forged,
# old, foreign and tampered bundles are refused.
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
image() { # FILE TEXT: a 4 MiB image
	printf '%s\n' "$2" >"$1"
	truncate -s 4M "$1"
}
bundle() { # OUT VERSION SV [BASE]
	set -- "$@" ""
	"$sf_bin" bundle create -o "$board/$1" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit \
		--version "$2" --security-version "$3" ${4:+--base-version "$4"} --image "$board/img"
}
env_vars() { fw_printenv -c "$board/fw_env.config" | grep '^sf_webkit' | tr '\n' ' '; echo; }
slotflip() { "$sf_bin" "$@"; }

step "A factory-fresh board: the environment has no valid copy yet"
try slotflip status
run slotflip init
run slotflip status

step "The vendor ships webkit 26.3 (security version 5) as a signed bundle"
image "$board/img" "webkit 26.3"
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
cp "$board/patch-b.fit" "$board/tampered.fit"
printf 'X' | dd of="$board/tampered.fit" bs=1 seek=8192 conv=notrunc status=none
try slotflip install "$board/tampered.fit"
run slotflip status
printf '\n%sdone%s: every step above ran against %s (removed on exit)\n' "$bold" "$norm" "$board"
