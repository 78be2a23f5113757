# (f) power cut while the slot is written (the harness kills the machine at a
# progress line): the old slot boots, the environment is unchanged
case $BOOTNR in
1)
	sf_env
	sf_install rootfs-1.1.fit --progress=json
	sf_reboot
	;;
*)
	slotflip status
	sf_done
	;;
esac
