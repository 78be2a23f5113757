#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the tests of a cross build under qemu-user, on CPU models with and
# without the SHA-256 instructions, and print one summary line.
#
#   scripts/cross-tests.sh [--quick] arm64|armhf BUILD_DIR
#
# --quick (make check-ARCH CROSS_QUICK=1, what CI runs) leaves out
# test_powercut: its thousand seeded runs of signed installs take minutes of
# CPU under emulation, and it checks architecture-independent logic over
# in-memory fakes, which make check runs natively and under ASan/UBSan.
#
# BUILD_DIR holds a cross build of the tests (make check-ARCH makes it). Each
# run is scripts/run-tests.sh with SF_RUN naming QEMU and its CPU model, and
# SF_TEST_CPU_SHA telling test_sha256 whether that model has the instructions
# (it then checks the run-time choice). The first run of an architecture runs
# every unit and host integration test; the second, on the other CPU, the
# SHA-256 unit test and the host integration tests (every install, verify and
# refusal, end to end), which is where the engine makes a difference:
#   arm64  -cpu cortex-a72   SHA-256 instructions: the ARMv8 engine is chosen
#          -cpu cortex-a72   SLOTFLIP_SHA256=mbedtls: every install and verify of
#                            the host tests forced onto mbedTLS. QEMU 7.2
#                            (Debian 12) has no AArch64 CPU model without SHA-256
#                            (a64fx, cortex-a35/a53/a57/a72/a76, neoverse-n1 and
#                            max all have it): the missing-instructions path is
#                            the armhf cortex-a15 run, the same code
#                            (sha256_armv8.c)
#   armhf  -cpu max          an ARMv8 CPU running AArch32: the ARMv8 engine
#          -cpu cortex-a15   ARMv7, no SHA-256: AUTO must fall back to mbedTLS
# Exit code: 0 when nothing failed, 1 otherwise, 2 usage.
set -u
quick=0
if [ "${1:-}" = --quick ]; then
	quick=1
	shift
fi
[ $# -eq 2 ] || { echo "usage: $0 [--quick] arm64|armhf BUILD_DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
arch=$1
case $arch in
arm64) qemu=qemu-aarch64-static runs="cortex-a72:1: cortex-a72:1:mbedtls" ;;
armhf) qemu=qemu-arm-static runs="max:1: cortex-a15:0:" ;;
*) echo "usage: $0 arm64|armhf BUILD_DIR" >&2; exit 2 ;;
esac
build=$2
command -v $qemu >/dev/null || { echo "cross-tests: no $qemu (scripts/deps.sh check-$arch)" >&2; exit 1; }
build=$(cd "$build" && pwd)
log=$(mktemp)
views=$(mktemp -d)
trap 'rm -rf "$log" "$views"' EXIT
# a view of the build folder: slotflip and the unit tests named
view() { # name, test paths relative to the build folder...
	v=$views/$1
	shift
	mkdir -p "$v/updater/tests" "$v/boot/tests"
	ln -s "$build/slotflip" "$v/slotflip"
	for t in "$@"; do ln -s "$build/$t" "$v/$t"; done
}
all=$(cd "$build" && for t in updater/tests/test_* boot/tests/test_*; do
	case $t in *.d | *.o | *'*'*) ;; */test_powercut) [ $quick = 1 ] || echo "$t" ;; *) [ -x "$t" ] && echo "$t" ;; esac
done)
# shellcheck disable=SC2086
view first $all
view second updater/tests/test_sha256
passed=0
failed=0
start=$(date +%s)
dir=$views/first
for r in $runs; do
	cpu=${r%%:*}
	sha=${r#*:}
	sha=${sha%%:*}
	force=${r##*:}
	echo "== $arch: QEMU -cpu $cpu${force:+, SLOTFLIP_SHA256=$force}"
	SF_RUN="$qemu -cpu $cpu" SF_TEST_CPU_SHA=$sha SLOTFLIP_SHA256=$force \
		"$top/scripts/run-tests.sh" "$dir" | tee "$log" |
		sed '/^== /d; s/^\([0-9]* passed, [0-9]* failed\)$/  (this run: \1)/'
	dir=$views/second
	summary=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$log" | tail -n 1)
	if [ -n "$summary" ]; then
		passed=$((passed + ${summary% *}))
		failed=$((failed + ${summary#* }))
	else
		failed=$((failed + 1))
		echo "FAIL the run printed no summary"
	fi
done
echo "cross tests ($arch$([ $quick = 1 ] && echo ", quick")): $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
