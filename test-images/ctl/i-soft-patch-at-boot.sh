# (i) a userspace patch installed but not activated, then a real boot: the
# boot-check spends its try, runs the health checks and commits before the
# service starts
case $BOOTNR in
1)
	sf_install webkit-26.3a.fit
	sf_reboot
	;;
*)
	sf_serving
	slotflip status
	sf_done
	;;
esac
