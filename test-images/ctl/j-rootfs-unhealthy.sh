# (j) a kernel + root file system update that fails its health check: the
# boot-check falls back and /init reboots into the committed slot
# (the trial boot reboots before it gets here)
case $BOOTNR in
1)
	sf_install rootfs-1.4.fit
	sf_reboot
	;;
*)
	slotflip status
	sf_done
	;;
esac
