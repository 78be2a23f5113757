# (k) the systemd image: the early-boot check runs before the component's
# service; a patch staged by 'install --auto' is activated by the window timer
# at the window's start; a failing patch staged next is rolled back by the
# timer's service at the next tick; systemctl shows each unit's result. The
# guest boots at 01:45 (scenarios.py sets its RTC), and its clock is set
# forward to just before the ticks at 02:00 and 02:15.

# unit UNIT: its state in one line
unit() {
	echo "SF-TEST: unit $1 $(systemctl show -p ActiveState -p Result -p ExecMainStatus "$1" | sort | tr '\n' ' ')"
}
# wait_window VAR VALUE SINCE: until the timer's service has set VAR to
# VALUE and ended (90 s at most); then what it said since SINCE (its journal)
wait_window() {
	i=0
	while { [ "$(fw_printenv -n "$1" 2>/dev/null)" != "$2" ] ||
		[ "$(systemctl show -P ActiveState slotflip-window.service)" = activating ]; } && [ $i -lt 90 ]; do
		sleep 1
		i=$((i + 1))
	done
	echo "SF-TEST: $1=$(fw_printenv -n "$1" 2>/dev/null) after $i s"
	journalctl -q -o cat --no-pager -u slotflip-window.service --since "$today $3" | sed 's/^/SF-TEST: window: /'
}

systemd-analyze time | sed -n 's/^/SF-TEST: /p' | head -n 1
systemd-analyze blame --no-pager | head -n 5 | sed 's/^/SF-TEST: blame: /'
bc=$(systemctl show -P ExecMainExitTimestampMonotonic slotflip-boot-check.service)
wk=$(systemctl show -P ExecMainStartTimestampMonotonic webkit.service)
if [ "${bc:-0}" -gt 0 ] && [ "$bc" -lt "${wk:-0}" ]; then
	echo "SF-TEST: the boot-check ended before webkit started ($bc < $wk us)"
else
	echo "SF-TEST: ORDER WRONG: boot-check ended at '$bc', webkit started at '$wk' us"
fi
unit slotflip-boot-check.service
sf_serving

today=$(date -u +%F)
slotflip policy set automatic=on window=02:00-03:00 | sed 's/^/SF-TEST: policy: /'
sf_install webkit-26.3a.fit --auto
date -u -s "$today 01:59:45" >/dev/null
slotflip activate --due
echo "SF-TEST: activate --due exit $?"
systemctl list-timers --no-pager slotflip-window.timer | sed -n 's/^/SF-TEST: /p' | head -n 2
wait_window sf_webkit_active b 02:00
unit slotflip-window.service
sf_serving

sf_install webkit-26.3b.fit --auto
date -u -s "$today 02:14:50" >/dev/null
wait_window sf_webkit_bad a 02:15
unit slotflip-window.service
systemctl --failed --no-legend --no-pager | sed 's/^/SF-TEST: failed: /'
sf_serving
slotflip status
sf_done
