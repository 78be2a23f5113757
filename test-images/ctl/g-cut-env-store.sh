# (g) power cut while U-Boot stores the spent try: sfb_hold makes the boot
# script pause after each env copy write, the harness cuts the power during a
# pause; the next boot finds one consistent state and goes on
case $BOOTNR in
1)
	sf_install rootfs-1.1.fit
	fw_setenv sfb_hold 2
	sf_reboot
	;;
*)
	slotflip status
	sf_done
	;;
esac
