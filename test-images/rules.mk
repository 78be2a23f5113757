# SPDX-License-Identifier: MIT
# QEMU system tests of the qemu-x86_64 board, included by the top Makefile.
#
#   make qemu-test    every scenario of test-images/scenarios.py; last line
#                     "N passed, M failed"
#   make qemu-demo    scenarios a, b and h with their console lines
#   make qemu-bench   soft-restart activation against a full reboot cycle, in
#                     the same VM, QEMU_BENCH_RUNS runs each, medians
#
# Everything goes to $(O)/qemu: the device build (qemu-x86_64_defconfig), the
# images test-images/build.sh makes from it, the Debian systemd image
# test-images/systemd/build.sh makes next to them (systemd/; its Debian root is
# cached there), and run/<scenario>/ (disk copy, console log). The host build $(O)/slotflip makes the bundles and the factory
# environment.
# Variables: QEMU_JOBS (scenarios run in parallel, default 2), QEMU_BENCH_RUNS
# (default 5).

QEMU_OUT := $(O)/qemu
QEMU_JOBS ?= 2
QEMU_BENCH_RUNS ?= 5

.PHONY: qemu-images qemu-test qemu-demo qemu-bench

qemu-images:
	$(Q)scripts/deps.sh qemu
	$(Q)$(MAKE) --no-print-directory O=$(O) all
	$(Q)$(MAKE) --no-print-directory O=$(QEMU_OUT) DEFCONFIG=qemu-x86_64_defconfig all
	$(Q)test-images/build.sh $(QEMU_OUT) $(QEMU_OUT)/slotflip $(O)/slotflip
	$(Q)rm -rf $(QEMU_OUT)/systemd/stage
	$(Q)$(MAKE) --no-print-directory O=$(QEMU_OUT) DESTDIR=$(abspath $(QEMU_OUT))/systemd/stage PREFIX=/usr \
		install >/dev/null
	$(Q)HOST=$(O)/slotflip test-images/systemd/build.sh $(QEMU_OUT) $(QEMU_OUT)/systemd/stage

qemu-test: qemu-images
	$(Q)test-images/scenarios.py --out $(QEMU_OUT) --jobs $(QEMU_JOBS)

qemu-demo: qemu-images
	$(Q)test-images/scenarios.py --out $(QEMU_OUT) --demo a b h

qemu-bench: qemu-images
	$(Q)test-images/bench.py --out $(QEMU_OUT) --runs $(QEMU_BENCH_RUNS)
