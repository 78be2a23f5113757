#!/bin/sh
# SPDX-License-Identifier: MIT
#
# slotflip — Mender update module (update module protocol v3) for slotflip
# bundles. Installed as /usr/share/mender/modules/v3/slotflip; artifacts are
# made with
#
#   mender-artifact write module-image -T slotflip -t DEVICE_TYPE -n NAME -f BUNDLE.fit
#
# (one bundle per artifact). Mender calls it as `slotflip STATE TREE`, TREE being
# the payload's file tree (also the working directory). It runs `slotflip`
# through PATH; the system description is found the way slotflip finds it
# (SLOTFLIP_CONFIG, else the default path). The state mapping is in
# docs/mender.md:
#
#   Download                 the bundle streams from streams/NAME into
#                            `slotflip install -` (verify, write, arm; no copy);
#                            --allow-removed when the artifact's meta-data holds
#                            {"slotflip": {"allow_removed": true}}
#   ArtifactInstall          check that what Download armed is still armed
#   NeedsArtifactReboot      "Automatic" when the bundle holds a reboot component
#   SupportsRollback         "Yes"
#   ArtifactVerifyReboot     the early-boot check committed every component
#   ArtifactCommit           soft bundles: `slotflip activate` (soft restart,
#                            health checks, commit); bundles with a reboot
#                            component: the early-boot check committed them
#   ArtifactRollback         drop what is still armed (`slotflip remove`), or go
#                            back to the previous slot if it was committed
#   ArtifactVerifyRollbackReboot  the reboot components run their previous slot
#   ArtifactFailure          report where each component stands
#   Cleanup                  drop a trial Download armed if ArtifactInstall never ran
#
# What Download armed is recorded in TREE/tmp/slotflip-armed, one line per
# component: NAME, SLOT, ACTIVATION and VERSION separated by tabs (a version is
# printable ASCII, blanks included); TREE/tmp/slotflip-installed marks a finished
# ArtifactInstall. Mender keeps TREE until Cleanup, across reboots.
#
# Exit status: 0 done (and for any state this module does not know), otherwise
# slotflip's exit code for the step that failed (see slotflip(8)), or 1.
# Every failure prints one line on standard error naming the state and why.
set -u

state=${1:-}
tree=${2:-.}
work=$tree/tmp
record=$work/slotflip-armed
installed=$work/slotflip-installed
busy_wait=${SLOTFLIP_MENDER_BUSY_WAIT:-60}
tab=$(printf '\t')

say() { printf 'slotflip-mender: %s: %s\n' "$state" "$*" >&2; }
die() { # die CODE MESSAGE
	code=$1
	shift
	say "$*"
	[ "$code" -ne 0 ] || code=1
	exit "$code"
}

# JSON on standard input -> "path=value" lines (json.awk, inlined at build time)
flatten() {
	awk -v multi="${1:-0}" '
@JSON_AWK@
'
}

# slotflip ARGS..., waiting while another slotflip holds the lock (exit 8)
sf() {
	waited=0
	while :; do
		slotflip "$@"
		sf_code=$?
		[ "$sf_code" -eq 8 ] && [ "$waited" -lt "$busy_wait" ] || return "$sf_code"
		sleep 1
		waited=$((waited + 1))
	done
}

# Read `slotflip status --json` into $work/status.flat; returns slotflip's code.
load_status() {
	sf status --json >"$work/status.json" 2>"$work/status.err"
	status_code=$?
	if [ "$status_code" -ne 0 ]; then
		# with --json the reason is the object's message
		why=$(flatten <"$work/status.json" 2>/dev/null | sed -n 's/^message=//p')
		say "slotflip status failed (exit $status_code): ${why:-$(cat "$work/status.err")}"
		return "$status_code"
	fi
	if ! flatten <"$work/status.json" >"$work/status.flat" 2>"$work/status.err"; then
		say "slotflip status --json printed what is not JSON: $(cat "$work/status.err")"
		return 1
	fi
}

# get PATH: the value at PATH in the last status read, empty when absent or null
get() {
	awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$work/status.flat"
}

# The record's lines, read on descriptor 3 (slotflip and the health checks it
# runs keep the module's standard input): c (component), slot, act
# (activation), ver (version).
each_armed() { # each_armed FUNCTION: FUNCTION for every line; stops at the first failure
	[ -s "$record" ] || return 0
	while IFS=$tab read -r c slot act ver <&3; do
		"$1" || return $?
	done 3<"$record"
}

has_reboot() { [ -s "$record" ] && awk -F '\t' '$3 == "reboot" { found = 1 } END { exit !found }' "$record"; }

# The component of the current record line as it stands now.
where() {
	active=$(get "components.$c.active")
	trial=$(get "components.$c.trial")
	now=$(get "components.$c.slots.$slot.version")
	slot_state=$(get "components.$c.slots.$slot.state")
}

is_committed() {
	where
	[ "$active" = "$slot" ] && [ -z "$trial" ] && [ "$now" = "$ver" ]
}

is_armed() {
	where
	[ "$trial" = "$slot" ] && [ "$now" = "$ver" ]
}

# For a failure message: where the component of the current line stands.
describe() {
	where
	if [ "$trial" = "$slot" ] && [ "$now" = "$ver" ]; then
		if [ "$act" = reboot ]; then
			printf '%s\n' "$c $ver is still armed in slot $slot: reboot, and let the early-boot check judge it, before committing"
		else
			printf '%s\n' "$c $ver is still armed in slot $slot"
		fi
	elif [ "$active" = "$slot" ] && [ "$now" = "$ver" ]; then
		printf '%s\n' "$c $ver is committed in slot $slot"
	elif [ "$slot_state" = bad ]; then
		printf '%s\n' "$c $ver failed its trial: slot $active ($(get "components.$c.slots.$active.version")) runs"
	elif [ "$slot_state" = removed ]; then
		printf '%s\n' "$c $ver was removed: slot $active ($(get "components.$c.slots.$active.version")) runs"
	else
		printf '%s\n' "$c: slot $slot no longer holds $ver"
	fi
}

all() { # all PREDICATE: true when something is recorded and PREDICATE holds for every line
	[ -s "$record" ] && each_armed "$1"
}

why_not_committed() {
	msg=""
	while IFS=$tab read -r c slot act ver <&3; do
		is_committed || msg="${msg:+$msg; }$(describe)"
	done 3<"$record"
	printf '%s\n' "$msg"
}

names() { awk -F '\t' '{ printf "%s%s", sep, $1; sep = " " }' "$record"; }

do_download() {
	next=$(cat "$tree/stream-next") || die 1 "cannot read stream-next"
	[ -n "$next" ] || die 1 "the artifact holds no file: one slotflip bundle per artifact (mender-artifact write module-image -T slotflip -f BUNDLE.fit)"
	case $next in
	streams/*) ;;
	*) die 1 "unexpected stream '$next'" ;;
	esac
	# The artifact's meta-data (signed with the artifact) may ask to install a
	# patch the user removed: {"slotflip": {"allow_removed": true}}
	allow=""
	if [ -s "$tree/header/meta-data" ]; then
		flatten <"$tree/header/meta-data" >"$work/meta.flat" 2>"$work/meta.err" ||
			die 1 "the artifact's meta-data is not JSON: $(cat "$work/meta.err")"
		if grep -qx 'slotflip.allow_removed=true' "$work/meta.flat"; then
			allow=--allow-removed
			say "the artifact's meta-data allows a patch the user removed"
		fi
	fi
	# The stream goes straight into slotflip (no copy on disk); a refused
	# bundle stops reading and Mender's writer fails. Bytes past the end of
	# an accepted bundle are drained so that Mender can check its checksum.
	{
		sf install --progress=json $allow - 2>"$work/install.err"
		rc=$?
		[ "$rc" -ne 0 ] || cat >/dev/null
	} <"$tree/$next"
	grep -v '^{' "$work/install.err" >&2
	[ "$rc" -eq 0 ] || die "$rc" "slotflip install refused ${next#streams/} (exit $rc)"
	grep '^{' "$work/install.err" | flatten 1 >"$work/progress.flat" ||
		die 1 "slotflip install --progress=json printed what is not JSON"
	load_status || die $? "cannot read the state after the install"
	: >"$record.new"
	# component names are [a-z0-9_]: one word each
	# shellcheck disable=SC2013
	for c in $(sed -n 's/^[0-9]*\.component=\(..*\)$/\1/p' "$work/progress.flat" | sort -u); do
		slot=$(get "components.$c.trial")
		[ -n "$slot" ] || die 1 "$c was installed but nothing is armed"
		printf '%s\t%s\t%s\t%s\n' "$c" "$slot" "$(get "components.$c.activation")" \
			"$(get "components.$c.slots.$slot.version")" >>"$record.new"
	done
	[ -s "$record.new" ] || die 1 "slotflip install armed no component"
	mv "$record.new" "$record" && sync
	say "armed: $(awk -F '\t' '{ printf "%s%s %s in slot %s", sep, $1, $4, $2; sep = ", " }' "$record")"
	more=$(cat "$tree/stream-next") || die 1 "cannot read stream-next"
	[ -z "$more" ] || die 1 "the artifact holds more than one file (${more#streams/}): one slotflip bundle per artifact"
}

check_armed() { is_armed || die 1 "$(describe)"; }

do_install() {
	[ -s "$record" ] || die 1 "Download armed nothing"
	load_status || die $? "cannot read the state"
	each_armed check_armed
	: >"$installed" && sync
}

do_commit() {
	load_status || die $? "cannot read the state"
	[ -s "$record" ] || die 1 "nothing was installed"
	if all is_committed; then
		say "committed: $(names)"
		return 0
	fi
	if has_reboot; then
		# The early-boot check commits (or falls back) after the reboot;
		# committing here is only a check that it did.
		die 1 "not committed by the early-boot check: $(why_not_committed)"
	fi
	# component names are [a-z0-9_]: split on purpose
	# shellcheck disable=SC2046
	out=$(sf activate $(names) 2>&1)
	activate_code=$?
	[ -z "$out" ] || printf '%s\n' "$out" >&2
	load_status || die $? "cannot read the state"
	all is_committed || die "$activate_code" "not committed: $(why_not_committed)"
	say "committed: $(names)"
}

do_verify_reboot() {
	load_status || die $? "cannot read the state"
	all is_committed || die 1 "not committed by the early-boot check: $(why_not_committed)"
}

rollback_one() {
	if is_armed; then
		sf remove "$c" >&2 || die $? "cannot drop the trial of $c in slot $slot"
		say "dropped the trial of $c $ver in slot $slot"
	elif is_committed; then
		sf remove "$c" >&2 || die $? "cannot return $c to its previous slot"
		say "$c returned from $ver to its previous slot"
	else
		say "$(describe): nothing to roll back"
	fi
	load_status || die $? "cannot read the state"
}

do_rollback() {
	[ -s "$record" ] || return 0
	load_status || die $? "cannot read the state"
	each_armed rollback_one
}

# The slot U-Boot booted for component $c ("slotflip.C=S" on the command line).
booted() {
	tr ' ' '\n' <"${SLOTFLIP_CMDLINE:-/proc/cmdline}" 2>/dev/null | sed -n "s/^slotflip\\.$c=//p" | tail -n 1
}

verify_rollback_one() {
	[ "$act" = reboot ] || return 0
	where
	b=$(booted)
	if [ "$trial" = "$slot" ] || [ "$active" = "$slot" ] || { [ -n "$b" ] && [ "$b" != "$active" ]; }; then
		die 1 "$c is not back on its previous slot (active $active, booted ${b:-unknown})"
	fi
}

do_verify_rollback_reboot() {
	[ -s "$record" ] || return 0
	load_status || die $? "cannot read the state"
	each_armed verify_rollback_one
}

report_one() {
	where
	say "$c: slot $active runs $(get "components.$c.slots.$active.version")${trial:+, slot $trial armed}"
}

do_failure() {
	[ -s "$record" ] || return 0
	load_status || return 0
	each_armed report_one
}

cleanup_one() {
	if is_armed; then
		sf remove "$c" >&2 || die $? "cannot drop the trial of $c in slot $slot"
		say "dropped the trial of $c $ver in slot $slot: the deployment ended before ArtifactInstall"
		load_status || die $? "cannot read the state"
	fi
}

do_cleanup() {
	[ -s "$record" ] && [ ! -e "$installed" ] || return 0
	load_status || die $? "cannot read the state"
	each_armed cleanup_one
}

case $state in
Download) do_download ;;
ArtifactInstall) do_install ;;
NeedsArtifactReboot) if has_reboot; then echo Automatic; else echo No; fi ;;
SupportsRollback) echo Yes ;;
ArtifactVerifyReboot) do_verify_reboot ;;
ArtifactCommit) do_commit ;;
ArtifactRollback) do_rollback ;;
ArtifactVerifyRollbackReboot) do_verify_rollback_reboot ;;
ArtifactFailure) do_failure ;;
Cleanup) do_cleanup ;;
*) ;; # ArtifactReboot, ArtifactRollbackReboot (Mender reboots: "Automatic") and unknown calls
esac
exit 0
