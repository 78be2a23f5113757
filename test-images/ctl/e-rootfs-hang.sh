# (e) an init that hangs: the watchdog resets the board, U-Boot spends the
# tries and falls back
case $BOOTNR in
1)
	sf_install rootfs-1.3.fit
	sf_reboot
	;;
*)
	slotflip status
	sf_done
	;;
esac
