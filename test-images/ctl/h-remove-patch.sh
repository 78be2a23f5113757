# (h) removal of a committed userspace patch: soft restart back to the baseline
sf_install webkit-26.3a.fit
slotflip activate webkit
echo "SF-TEST: activate exit $?"
sf_serving
sf_now "remove"
slotflip remove webkit
echo "SF-TEST: remove exit $?"
sf_now "removed"
sf_serving
slotflip status
sf_done
