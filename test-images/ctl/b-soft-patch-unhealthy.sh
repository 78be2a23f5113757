# (b) a userspace patch that fails its health check: automatic fallback, the
# old version serves again
sf_serving
sf_install webkit-26.3b.fit
slotflip activate webkit
echo "SF-TEST: activate exit $?"
sf_serving
slotflip status
sf_done
