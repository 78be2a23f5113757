# (d) a kernel that panics: U-Boot spends the tries and falls back
# (the crashing boots never get here, so boot 2 is the one after the fallback)
case $BOOTNR in
1)
	sf_install rootfs-1.2.fit
	sf_reboot
	;;
*)
	slotflip status
	sf_done
	;;
esac
