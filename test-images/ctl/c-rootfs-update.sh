# (c) a kernel + root file system update: reboot into the trial, committed by
# the boot-check
case $BOOTNR in
1)
	sf_install rootfs-1.1.fit
	sf_env
	sf_reboot
	;;
*)
	slotflip status
	sf_done
	;;
esac
