#!/bin/bash
# One timed install for `make bench` (called by bench.sh under /usr/bin/time).
#
#   once.sh slotflip W BUNDLE        slotflip install into slot b
#   once.sh rauc W BUNDLE            private D-Bus + rauc service, rauc install, stop
#   once.sh swupdate W BUNDLE        swupdate -i, streamed
#   once.sh ns W COMMAND...          COMMAND in a mount namespace whose /etc holds
#                                    the bench's fw_env.config (both peers read
#                                    /etc/fw_env.config and nothing else)
#
# Each resets its environment file first. rauc and swupdate write the wall time
# of the install itself to W/inner.wall (the service start, and SWUpdate's idle
# polling after it printed "SWUPDATE successful", are left out).
# Exit codes: the tool's.
set -u
what=$1 W=$2
shift 2
ns_now() { date +%s%N; }
inner() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b - a) / 1e9 }' >"$W/inner.wall"; }

case $what in
slotflip)
	cp "$W/sf/uboot.env.pristine" "$W/sf/uboot.env"
	exec "$SF" install "$1"
	;;
rauc)
	cp "$W/rauc/env/uboot.env.pristine" "$W/rauc/env/uboot.env"
	rm -f "$W/rauc/run/dbus.sock"
	dbus-daemon --config-file="$W/rauc/dbus.conf" --nofork --nopidfile &
	dbus=$!
	export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$W/rauc/run/dbus.sock
	for _ in $(seq 100); do [ -S "$W/rauc/run/dbus.sock" ] && break; sleep 0.02; done
	rauc service --conf="$W/rauc/system.conf" --override-boot-slot=A >"$W/rauc/service.log" 2>&1 &
	svc=$!
	for _ in $(seq 250); do
		gdbus introspect --system -d de.pengutronix.rauc -o / >/dev/null 2>&1 && break
		sleep 0.02
	done
	t0=$(ns_now)
	rauc install "$1" >"$W/rauc/install.log" 2>&1
	rc=$?
	t1=$(ns_now)
	kill "$svc" "$dbus" 2>/dev/null
	wait "$svc" "$dbus" 2>/dev/null
	inner "$t0" "$t1"
	exit $rc
	;;
swupdate)
	cp "$W/rauc/env/uboot.env.pristine" "$W/rauc/env/uboot.env"
	: >"$W/swu/run.log"
	t0=$(ns_now)
	ok=$(TMPDIR=$W/swu/tmp swupdate -B uboot -k "$W/pki/ca.cert.pem" -H bench-board:1.0 -e stable,copy2 -i "$1" 2>&1 |
		while IFS= read -r l; do
			printf '%s\n' "$l" >>"$W/swu/run.log"
			case $l in *"SWUPDATE successful"*) ns_now ;; esac
		done)
	[ -n "$ok" ] || { tail -n 15 "$W/swu/run.log"; exit 1; }
	inner "$t0" "$ok"
	;;
ns)
	exec unshare -m --propagation private bash -c \
		'mount -t overlay overlay -o lowerdir=/etc,upperdir="$1",workdir="$2" /etc || exit 111; shift 2; exec "$@"' \
		ns "$W/ns/upper" "$W/ns/work" "$@"
	;;
*)
	echo "usage: once.sh slotflip|rauc|swupdate|ns W ..." >&2
	exit 2
	;;
esac
