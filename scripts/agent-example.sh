#!/bin/sh
# An example OTA agent: how a program drives slotflip (docs/agent.md).
#
#   scripts/agent-example.sh COMMAND [ARG...]
#   scripts/agent-example.sh --decide EXIT
#
# COMMAND writes the bundle on its standard output (`curl -fsS URL`, `cat FILE`).
# The agent pipes it straight into `slotflip install -` (no copy on disk),
# follows the progress on descriptor 3, activates what was armed, and decides
# from each exit code what to do next, printing one line per decision:
#   progress: PHASE [COMPONENT] [PERCENT%]
#   decision: STEP exit N (REASON): WHAT IT DOES
# `--decide EXIT` prints the decision an exit code leads to (proceed, retry,
# reject, report, reboot, operator, fix) and nothing else.
#
# Environment: SLOTFLIP (the command, default slotflip), AGENT_TRIES (attempts
# of a step that may be retried, default 3), AGENT_PAUSE (seconds between them,
# default 10), AGENT_REBOOT (the reboot command, default 'reboot').
#
# Exit codes: 0 when the update runs or waits for the reboot just started, 1
# when the reboot command failed, otherwise the exit code of the slotflip step
# that decided (docs/exit-codes.md).
set -u
SLOTFLIP=${SLOTFLIP:-slotflip}
tries=${AGENT_TRIES:-3}
pause=${AGENT_PAUSE:-10}

# Every exit code of slotflip, and what an agent does about it.
decide() {
	case $1 in
	0) echo proceed ;;
	3 | 4) echo reject ;;     # the bundle does not verify, or the device's policy refuses it
	8 | 9 | 13) echo retry ;; # busy, the download stopped early, interrupted
	12) echo reboot ;;        # a reboot component of the bundle waits for its boot
	7) echo operator ;;       # configuration or environment: not for an agent to fix
	2 | 10 | 11) echo fix ;;  # the agent's own call: usage, a wrong path, not root
	*) echo report ;;         # 1 failed, 5 I/O error, 6 fell back, and any code not known yet
	esac
}
if [ "${1:-}" = --decide ]; then
	decide "$2"
	exit 0
fi
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARG...] | --decide EXIT" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The result's reason and message (it starts with ok, exit, reason, message), empty when null.
reason() { sed -n 's/^{"ok": [a-z]*, "exit": [0-9]*, "reason": "\([a-z-]*\)".*/\1/p' "$tmp/result"; }
message() {
	sed -e 's/^.*"reason": [^,]*, "message": //' -e 's/^null.*//' -e 's/^"//' -e 's/", "[a-z_]*": .*$//' \
		-e 's/"}$//' "$tmp/result"
}

# One line per decision: STEP EXIT WHAT.
say() {
	r=$(reason)
	m=$(message)
	echo "decision: $1 exit $2 (${r:-ok}): $3${m:+ - $m}"
}

# The reboot that tries a reboot component (the boot-check judges it at boot).
do_reboot() {
	sh -c "${AGENT_REBOOT:-reboot}" && exit 0
	echo "decision: the reboot command failed: report"
	exit 1
}

# The progress lines: each phase's start, the share written.
follow() {
	while IFS= read -r line; do
		phase=${line#*'"phase": "'}
		phase=${phase%%'"'*}
		comp=${line#*'"component": '}
		comp=${comp%%[,\}]*}
		if [ "$comp" = null ]; then comp=""; else comp=${comp#'"'}; comp=" ${comp%'"'}"; fi
		case $line in
		*'"event": "start"'*) echo "progress: $phase$comp" ;;
		*'"phase": "write"'*'"event": "progress"'*)
			bytes=${line#*'"done": '} total=${line#*'"total": '}
			echo "progress: $phase$comp $((${bytes%%[,\}]*} * 100 / ${total%%[,\}]*}))%"
			;;
		esac
	done
}

# Download into install: the producer's status in $got, slotflip's in $rc.
fetch_and_install() {
	{ { "$@"; echo $? >"$tmp/got"; } | "$SLOTFLIP" --json install --progress=json --progress-fd=3 - 3>&1 \
		>"$tmp/result"; echo $? >"$tmp/rc"; } | follow
	rc=$(cat "$tmp/rc") got=$(cat "$tmp/got")
}

attempt=1
while :; do
	fetch_and_install "$@"
	what=$(decide "$rc")
	# a download that failed before a bundle came (nothing, or an error page) is fetched again
	[ "$got" -ne 0 ] && [ "$(reason)" = not-a-bundle ] && what=retry
	case $what in
	proceed) say install "$rc" "armed" ;;
	retry) ;;
	reject) say install "$rc" "reject the bundle, do not fetch it again" ;;
	operator) say install "$rc" "needs an operator" ;;
	fix) say install "$rc" "fix the agent's call" ;;
	*) say install "$rc" "report the failure" ;;
	esac
	[ "$what" = proceed ] && break
	[ "$what" = retry ] || exit "$rc"
	if [ "$attempt" -ge "$tries" ]; then
		say install "$rc" "give up after $tries attempts, report"
		exit "$rc"
	fi
	attempt=$((attempt + 1))
	say install "$rc" "retry the download (attempt $attempt of $tries)"
	sleep "$pause"
done

# What install armed says how it is tried: a soft restart, or only a reboot.
if ! grep -q '"tried_by": "activate"' "$tmp/result"; then
	say install 0 "only a reboot tries it: reboot"
	do_reboot
fi
attempt=1
while :; do
	"$SLOTFLIP" --json activate >"$tmp/result"
	rc=$?
	outcomes=$(sed -n 's/.*"components": {\(.*\)}}$/\1/p' "$tmp/result" | tr -d '"')
	case $(decide "$rc") in
	proceed)
		say activate "$rc" "${outcomes:-nothing pending}"
		exit 0
		;;
	reboot)
		say activate "$rc" "reboot"
		do_reboot
		;;
	retry)
		if [ "$attempt" -ge "$tries" ]; then
			say activate "$rc" "give up after $tries attempts, report"
			exit "$rc"
		fi
		attempt=$((attempt + 1))
		say activate "$rc" "try again (attempt $attempt of $tries)"
		sleep "$pause"
		;;
	operator)
		say activate "$rc" "needs an operator"
		exit "$rc"
		;;
	*)
		say activate "$rc" "report${outcomes:+ ($outcomes)}; 'slotflip status --json' names the failure"
		exit "$rc"
		;;
	esac
done
