# (a) a userspace patch, activated by a soft restart: healthy, committed, no reboot
sf_serving
sf_install webkit-26.3a.fit
sf_now "activate"
slotflip activate webkit
echo "SF-TEST: activate exit $?"
sf_now "activated"
sf_serving
slotflip status
sf_done
