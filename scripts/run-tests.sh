#!/bin/sh
# Run every test of one or more build folders and print one summary line.
#
#   scripts/run-tests.sh BUILD_DIR [BUILD_DIR...]
#
# In each folder: the unit test programs (updater/tests/test_*, boot/tests/test_*),
# then the host integration tests (updater/tests/host/*.sh, boot/tests/host/*.sh,
# integration/tests/host/*.sh)
# against BUILD_DIR/slotflip. Every program prints TAP lines; a program that exits
# non-zero without a failing line, or prints no plan, counts as one failure.
# Exit code: 0 when nothing failed, 1 otherwise.
#
# Cross builds: SF_RUN is the command that runs the folder's programs (e.g.
# "qemu-aarch64-static -cpu max"): the unit tests run under it and the host
# integration tests get a SLOTFLIP that runs BUILD_DIR/slotflip under it. The
# boot script tests, which do not run slotflip, are left to the native run.
# SF_HOST_TESTS ("10-story 60-bundle ...") runs only the host tests it names.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
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

run=${SF_RUN:-}
for build in "$@"; do
	build=$(cd "$build" && pwd)
	echo "== $build${run:+ (under $run)}"
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
		# shellcheck disable=SC2086
		run_one "${t#"$build"/}" $run "$t"
	done
	for t in $hosttests; do
		[ -f "$t" ] || continue
		# SF_HOST_TESTS, when set: only the host tests it names (without .sh)
		case " ${SF_HOST_TESTS:-$(basename "$t" .sh)} " in *" $(basename "$t" .sh) "*) ;; *) continue ;; esac
		run_one "${t#"$top"/} ($(basename "$build"))" env SLOTFLIP="$slotflip" BUILD="$build" \
			TOP="$top" sh "$t"
	done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
