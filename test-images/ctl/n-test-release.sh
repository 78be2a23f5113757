# (n) a test release of webkit: the factory baseline's own image as patch
# "26.3 (t)", activated by a soft restart, checked and committed, then back to
# the baseline at once (its slot never written: same bytes before and after);
# status records it; one boot
sf_serving
before=$(sha256sum /dev/disk/by-partlabel/webkit_a | cut -d' ' -f1)
sf_install webkit-26.3t.fit
sf_now "activate"
slotflip activate webkit
echo "SF-TEST: activate exit $?"
sf_now "activated"
sf_serving
echo "SF-TEST: mounted at /opt/webkit: $(grep ' /opt/webkit ' /proc/mounts | cut -d' ' -f1)"
after=$(sha256sum /dev/disk/by-partlabel/webkit_a | cut -d' ' -f1)
if [ "$before" = "$after" ]; then
	echo "SF-TEST: the baseline's slot is unchanged"
else
	echo "SF-TEST: the baseline's slot CHANGED: $before -> $after"
fi
slotflip status
sf_status
sf_done
