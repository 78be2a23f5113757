# (l, m) one bundle (the scenario's only one) holding a kernel + rootfs and a
# webkit patch that requires it: activating webkit waits for the reboot and
# switches nothing; the reboot tries the rootfs (U-Boot) and the early-boot
# check judges the set: both commit or both fall back
case $BOOTNR in
1)
	sf_install "$(tar -tf $PAYLOAD)"
	slotflip activate webkit
	echo "SF-TEST: activate exit $?"
	sf_serving
	sf_status
	sf_reboot
	;;
*)
	sf_serving
	sf_status
	sf_done
	;;
esac
