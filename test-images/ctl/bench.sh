# Benchmark (test-images/bench.py): activating the same webkit patch by a soft
# restart and by a full reboot, RUNS times each, in one VM. The harness
# timestamps the SF-BENCH lines:
#   soft:   "soft start N" .. "soft end N" = slotflip activate (stop the
#           service, mount the new slot, boot-check with health checks,
#           commit, start the service and wait until it answers)
#   reboot: "reboot start N" .. "reboot end N" = reboot -f, firmware, U-Boot,
#           kernel, /init, boot-check (commits the patch), services up
# Between runs, 'slotflip remove webkit' goes back to the baseline (untimed).
RUNS=@RUNS@
if [ "$BOOTNR" = 1 ]; then
	i=1
	while [ $i -le $RUNS ]; do
		sf_install webkit-26.3a.fit >/dev/null 2>&1
		echo "SF-BENCH: soft start $i"
		slotflip activate webkit >/dev/null
		echo "SF-BENCH: soft end $i exit $?"
		slotflip remove webkit >/dev/null
		i=$((i + 1))
	done
else
	echo "SF-BENCH: reboot end $((BOOTNR - 1)) webkit $(cat /opt/webkit/VERSION)"
	slotflip remove webkit >/dev/null
fi
if [ "$BOOTNR" -le $RUNS ]; then
	sf_install webkit-26.3a.fit >/dev/null 2>&1
	sync
	echo "SF-BENCH: reboot start $BOOTNR"
	reboot -f
fi
sf_done
