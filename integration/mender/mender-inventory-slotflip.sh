#!/bin/sh
# SPDX-License-Identifier: MIT
#
# mender-inventory-slotflip — Mender inventory script: what slotflip runs, as
# "key=value" lines (a key printed twice is a list). Installed in
# /usr/share/mender/inventory/; runs `slotflip status --json` through PATH with
# the system description slotflip finds (SLOTFLIP_CONFIG, else the default).
#
#   slotflip_board=BOARD
#   slotflip_components=NAME                 (one line per component)
#   slotflip_NAME_version=VERSION            running version (active slot), "none" if empty
#   slotflip_NAME_active_slot=a|b
#   slotflip_NAME_activation=soft|reboot
#   slotflip_NAME_floor=N                    security floor
#   slotflip_NAME_slot_a=STATE VERSION (security version N)    and slot_b; "empty"
#   slotflip_NAME_trial=SLOT VERSION         only while a trial is armed
#   slotflip_NAME_last_failure=VERSION: REASON (DETAIL)   the last fallback slotflip
#                                            recorded (else VERSION in slot S while a slot
#                                            is marked failed)
#   slotflip_NAME_removed=VERSION in slot S  only while a slot is marked removed
#   slotflip_status=ok | error: MESSAGE
#
# Exit status: 0, or slotflip's exit code when the state cannot be read (the
# slotflip_status line then says why).
set -u

flatten() {
	awk -v multi=0 '
@JSON_AWK@
'
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/slotflip-inventory.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
get() { awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$tmp/flat"; }
# one line of text as an attribute value
clean() { printf '%s' "$*" | tr '\n\r' '  '; }

slotflip status --json >"$tmp/json" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ] || ! flatten <"$tmp/json" >"$tmp/flat" 2>>"$tmp/err"; then
	# with --json the reason is the object's message, else the line on standard error
	why=$(flatten <"$tmp/json" 2>/dev/null | sed -n 's/^message=//p')
	printf '%s\n' "slotflip_status=error: $(clean "${why:-$(sed 's/^slotflip: //' "$tmp/err")}")"
	[ "$rc" -ne 0 ] || rc=1
	exit "$rc"
fi

printf '%s\n' "slotflip_board=$(get board)"
# component names are [a-z0-9_]: one word each
# shellcheck disable=SC2013
for c in $(sed -n 's/^components\.\([a-z0-9_]*\)\.active=.*/\1/p' "$tmp/flat"); do
	p=components.$c
	active=$(get "$p.active")
	failed=""
	printf '%s\n' "slotflip_components=$c"
	v=$(get "$p.slots.$active.version")
	printf '%s\n' "slotflip_${c}_version=${v:-none}"
	printf '%s\n' "slotflip_${c}_active_slot=$active"
	printf '%s\n' "slotflip_${c}_activation=$(get "$p.activation")"
	printf '%s\n' "slotflip_${c}_floor=$(get "$p.floor")"
	for s in a b; do
		st=$(get "$p.slots.$s.state")
		v=$(get "$p.slots.$s.version")
		if [ -n "$v" ]; then
			printf '%s\n' "slotflip_${c}_slot_$s=$st $v (security version $(get "$p.slots.$s.security_version"))"
		else
			printf '%s\n' "slotflip_${c}_slot_$s=$st"
		fi
		case $st in
		bad) failed="$v in slot $s" ;;
		removed) printf '%s\n' "slotflip_${c}_removed=$v in slot $s" ;;
		esac
	done
	# the last fallback as slotflip records it, else the slot marked failed
	reason=$(get "$p.failure.reason")
	if [ -n "$reason" ]; then
		detail=$(get "$p.failure.detail")
		failed="$(get "$p.failure.version"): $reason${detail:+ ($detail)}"
	fi
	[ -z "$failed" ] || printf '%s\n' "slotflip_${c}_last_failure=$(clean "$failed")"
	t=$(get "$p.trial")
	[ -z "$t" ] || printf '%s\n' "slotflip_${c}_trial=$t $(get "$p.slots.$t.version")"
done
printf '%s\n' "slotflip_status=ok"
