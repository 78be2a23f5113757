#!/bin/sh
# Run every test of one or more build folders and print one summary line.
#
#   scripts/run-tests.sh [--fast] [--list] [--only NAME] BUILD_DIR [BUILD_DIR...]
#
# In each folder: the unit test programs (updater/tests/test_*, boot/tests/test_*),
# then the host integration tests (updater/tests/host/*.sh, boot/tests/host/*.sh,
# integration/tests/host/*.sh)
# against BUILD_DIR/slotflip. Every program prints TAP lines; a program that exits
# non-zero without a failing line, or prints no plan, counts as one failure.
#
#   --fast       leave out the host tests marked "# test-tier: qemu" in their first
#                lines (the boot script in U-Boot under QEMU: slow, and blind to
#                the C code)
#   --list       print the names of the selected tests, one a line, run nothing
#   --only NAME  run only the test of that name (as --list prints it)
#
# Exit code: 0 when nothing failed, 1 otherwise, 2 usage.
#
# Cross builds: SF_RUN is the command that runs the folder's programs (e.g.
# "qemu-aarch64-static -cpu max"): the unit tests run under it and the host
# integration tests get a SLOTFLIP that runs BUILD_DIR/slotflip under it. The
# boot script tests, which do not run slotflip, are left to the native run.
# SF_HOST_TESTS ("10-story 60-bundle ...") runs only the host tests it names.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
fast=0
list=0
only=
while [ $# -gt 0 ]; do
	case "$1" in
	--fast) fast=1 ;;
	--list) list=1 ;;
	--only)
		[ $# -ge 2 ] || { echo "usage: $0 [--fast] [--list] [--only NAME] BUILD_DIR..." >&2; exit 2; }
		only=$2
		shift
		;;
	-*) echo "usage: $0 [--fast] [--list] [--only NAME] BUILD_DIR..." >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 1 ] || { echo "usage: $0 [--fast] [--list] [--only NAME] BUILD_DIR..." >&2; exit 2; }
passed=0
failed=0
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

run_one() { # label, command...
	label=$1
	shift
	log="$logdir/out"
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $label exited with status $rc" >>"$log"
	fi
	if ! grep -q '^1\.\.' "$log" && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $label printed no plan" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		echo "FAIL $label ($p passed, $f failed)"
		grep -v '^ok ' "$log" | sed 's/^/    /' | tail -n 40
	else
		echo "ok   $label ($p passed)"
	fi
}

# Is test NAME selected by --only, and (a script FILE) by --fast?
selected() { # NAME [FILE]
	[ -z "$only" ] || [ "$1" = "$only" ] || return 1
	[ $# -lt 2 ] || [ "$fast" -eq 0 ] || ! head -n 5 "$2" | grep -q '^# test-tier: qemu'
}

run=${SF_RUN:-}
for build in "$@"; do
	build=$(cd "$build" && pwd)
	[ "$list" -eq 1 ] || [ -n "$only" ] || echo "== $build${run:+ (under $run)}"
	slotflip=$build/slotflip
	hosttests="$top/updater/tests/host/*.sh $top/boot/tests/host/*.sh $top/integration/tests/host/*.sh"
	if [ -n "$run" ]; then
		slotflip=$logdir/slotflip
		# the host tests run it as nobody too: the folder must let them
		chmod 755 "$logdir"
		printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$run" "$build/slotflip" >"$slotflip"
		chmod +x "$slotflip"
		hosttests="$top/updater/tests/host/*.sh"
	fi
	for t in "$build"/updater/tests/test_* "$build"/boot/tests/test_*; do
		case "$t" in *.d | *.o | *'*'*) continue ;; esac
		[ -x "$t" ] || continue
		name=${t#"$build"/}
		selected "$name" || continue
		# shellcheck disable=SC2086
		if [ "$list" -eq 1 ]; then echo "$name"; else run_one "$name" $run "$t"; fi
	done
	for t in $hosttests; do
		[ -f "$t" ] || continue
		# SF_HOST_TESTS, when set: only the host tests it names (without .sh)
		case " ${SF_HOST_TESTS:-$(basename "$t" .sh)} " in *" $(basename "$t" .sh) "*) ;; *) continue ;; esac
		name=${t#"$top"/}
		selected "$name" "$t" || continue
		if [ "$list" -eq 1 ]; then
			echo "$name"
		else
			run_one "$name ($(basename "$build"))" env SLOTFLIP="$slotflip" BUILD="$build" TOP="$top" \
				sh "$t"
		fi
	done
done
[ "$list" -eq 1 ] && exit 0
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$((passed + failed))" -gt 0 ]
