# SPDX-License-Identifier: MIT
# QEMU system tests of the test boards, included by the top Makefile.
#
#   make qemu-test    every scenario of test-images/scenarios.py on the
#                     qemu-x86_64 board; last line "N passed, M failed"
#   make qemu-demo    scenarios a, b and h with their console lines
#   make qemu-bench   soft-restart activation against a full reboot cycle, in
#                     the same VM, QEMU_BENCH_RUNS runs each, medians
#   make qemu-test-arm64, qemu-demo-arm64, qemu-bench-arm64
#                     the same on the qemu-arm64 board (QEMU virt, Cortex-A57,
#                     slotflip cross-built with aarch64-linux-gnu-), in
#                     $(O)/qemu-arm64; its profile is test-images/boards/qemu-arm64.sh
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

.PHONY: qemu-images qemu-test qemu-demo qemu-bench qemu-images-arm64 qemu-test-arm64 qemu-demo-arm64 \
	qemu-bench-arm64

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

QEMU_ARM64_OUT := $(O)/qemu-arm64
# the scenarios of the arm64 board: every one but k (the systemd image is x86's)
QEMU_ARM64_SCENARIOS ?= a b c d e j l m f g g2 i h

qemu-images-arm64:
	$(Q)scripts/deps.sh qemu-arm64
	$(Q)$(MAKE) --no-print-directory O=$(O) all
	$(Q)$(MAKE) --no-print-directory O=$(QEMU_ARM64_OUT) CROSS_COMPILE=aarch64-linux-gnu- \
		DEFCONFIG=qemu-arm64_defconfig all
	$(Q)test-images/build.sh --board qemu-arm64 $(QEMU_ARM64_OUT) $(QEMU_ARM64_OUT)/slotflip $(O)/slotflip

qemu-test-arm64: qemu-images-arm64
	$(Q)test-images/scenarios.py --out $(QEMU_ARM64_OUT) --jobs $(QEMU_JOBS) $(QEMU_ARM64_SCENARIOS)

qemu-demo-arm64: qemu-images-arm64
	$(Q)test-images/scenarios.py --out $(QEMU_ARM64_OUT) --demo a b h

qemu-bench-arm64: qemu-images-arm64
	$(Q)test-images/bench.py --out $(QEMU_ARM64_OUT) --runs $(QEMU_BENCH_RUNS)
