# SPDX-License-Identifier: MIT
# Helpers for the test control scripts (sourced by /init before the script).
# The payload partition holds a tar archive of the scenario's bundles.
PAYLOAD=/dev/disk/by-partlabel/payload

# sf_install NAME [ARGS]: stream bundle NAME from the payload into slotflip
sf_install() {
	b=$1
	shift
	echo "SF-TEST: install $b"
	tar -xOf $PAYLOAD "$b" | slotflip install "$@" -
	rc=$?
	echo "SF-TEST: install $b exit $rc"
	return $rc
}

# sf_env: the slotflip variables, one line
sf_env() {
	echo "SF-TEST: env $(fw_printenv 2>/dev/null | grep '^sf_' | tr '\n' ' ')"
}

# sf_status: slotflip status --json, one line
sf_status() {
	echo "SF-TEST: status $(slotflip status --json)"
}

# sf_serving: what the webkit service answers on its port
sf_serving() {
	echo "SF-TEST: serving '$(timeout 2 wget -q -O - http://127.0.0.1:8080/ 2>/dev/null)'"
}

# sf_now LABEL: a timestamp line (seconds since boot)
sf_now() {
	echo "SF-TEST: at $(cut -d' ' -f1 /proc/uptime) $1"
}

sf_reboot() {
	echo "SF-TEST: reboot"
	sync
	reboot -f
}

sf_done() {
	sf_env
	echo "SF-TEST: done"
	sync
	poweroff -f
}
