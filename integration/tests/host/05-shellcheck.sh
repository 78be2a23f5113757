#!/bin/sh
# The shipped shell scripts pass shellcheck: the Mender module and inventory
# script as built (POSIX sh, json.awk inlined) and the bash completion.
# SC2317 is off: it takes the functions called by name (each_armed FUNCTION)
# for unreachable code.
. "$TOP/updater/tests/host/common.inc"
mender=${INTEGRATION:-$BUILD/integration}/mender
for f in "$mender/slotflip" "$mender/mender-inventory-slotflip"; do
	out=$(shellcheck -s sh -e SC2317 "$f" 2>&1)
	is "$?:$out" "0:" "shellcheck -s sh ${f##*/}"
done
out=$(shellcheck -s bash "$TOP/integration/completion/slotflip.bash" 2>&1)
is "$?:$out" "0:" "shellcheck -s bash slotflip.bash"
done_testing
