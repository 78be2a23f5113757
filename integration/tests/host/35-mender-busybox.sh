#!/bin/sh
# The Mender flows of 30-mender.sh again, with the update module and the
# inventory script run by busybox's sh, which runs its own awk, sed, grep, tr,
# sort, ... (Debian's busybox-static prefers its applets): what a device
# without coreutils has.
exec env SF_MENDER_SHELL=/bin/busybox sh "$TOP/integration/tests/host/30-mender.sh"
