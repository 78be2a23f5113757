# slotflip — kbuild-style Makefile.
#
#   make                      build $(O)/slotflip with the current (or default) configuration
#   make defconfig            load configs/$(DEFCONFIG) into $(O)/.config
#   make <name>_defconfig     load configs/<name>_defconfig into $(O)/.config
#   make menuconfig           edit $(O)/.config
#   make install DESTDIR=... PREFIX=/usr
#   make check                set-up, unit + host integration tests, again under ASan/UBSan
#   make check-fast           unit + host tests once, without the sanitizers and the QEMU test
#   make mutate               mutation run over the decision code (scripts/mutants.txt)
#   make demo                 set-up, then the update story on a simulated board
#   make fuzz                 run every fuzzer for FUZZ_SECONDS (clang, libFuzzer)
#   make lint                 clang-tidy and cppcheck over the verifier and env code
#   make bench                benchmarks (install speed and memory against RAUC and SWUpdate;
#                             delta bundles on Debian security updates: make bench-delta alone)
#   make qemu-test            the boot chain in QEMU (U-Boot, Linux, slotflip)
#   make qemu-demo            soft restart, fallback and removal in QEMU, readable
#   make qemu-bench           soft-restart activation against a reboot, in QEMU
#   make check-arm64          cross build for arm64, unit + host tests under qemu-user
#   make check-armhf          the same for armhf
#   make qemu-test-arm64      the boot chain on the arm64 QEMU board (U-Boot, Linux, slotflip)
#
# Variables: O= output folder (default build), CROSS_COMPILE= tool prefix, V=1 verbose,
# SAN=1 sanitizer build, DEFCONFIG= configuration used when $(O)/.config does not exist
# (x86_64_defconfig natively, arm64_defconfig / armhf_defconfig in a cross build),
# MUTANTS="a b" only these mutants of scripts/mutants.txt (make mutate).

O ?= build
V ?= 0
SAN ?= 0
CROSS_COMPILE ?=
PREFIX ?= /usr/local
DESTDIR ?=
PYTHON ?= /usr/bin/python3
KCONFIGLIB ?= /usr/lib/python3/dist-packages

ifeq ($(V),1)
Q :=
else
Q := @
endif

CC := $(CROSS_COMPILE)gcc
STRIP := $(CROSS_COMPILE)strip
# Cross builds (Debian multiarch): the tool prefix names the Debian architecture whose
# libraries are linked; scripts/deps.sh cross-ARCH installs the compiler and them.
SF_TRIPLET := $(patsubst %-,%,$(CROSS_COMPILE))
SF_DEB_ARCH := $(if $(SF_TRIPLET),$(or $(patsubst aarch64-linux-gnu,arm64,$(filter aarch64-linux-gnu,$(SF_TRIPLET))),$(patsubst arm-linux-gnueabihf,armhf,$(filter arm-linux-gnueabihf,$(SF_TRIPLET)))))
SF_ARCH := $(or $(SF_TRIPLET),$(shell $(CC) -dumpmachine 2>/dev/null))
DEFCONFIG ?= $(if $(SF_DEB_ARCH),$(SF_DEB_ARCH)_defconfig,x86_64_defconfig)
PKG_CONFIG := $(if $(SF_TRIPLET),PKG_CONFIG_LIBDIR=/usr/lib/$(SF_TRIPLET)/pkgconfig:/usr/share/pkgconfig) pkg-config

CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wvla -Wformat=2 -Wimplicit-fallthrough -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
SF_CFLAGS := -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-include $(O)/include/generated/autoconf.h -Iinclude -Iupdater -I. -MMD -MP
SF_VERSION := $(shell cat VERSION)
# libfdt-dev is not Multi-Arch: same in Debian 12, so a cross build uses its native
# (architecture-independent) headers and links the :ARCH runtime library by name.
SF_LIBFDT := $(if $(SF_TRIPLET),-l:libfdt.so.1,-lfdt)
# expanded when linking, after the set-up: libubootenv's pkg-config file of the target
SF_LDLIBS = $(or $(shell $(PKG_CONFIG) --libs libubootenv 2>/dev/null),-lubootenv) $(SF_LIBFDT) \
	-lmbedx509 -lmbedcrypto -lpthread
ifeq ($(SAN),1)
SF_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SF_LDFLAGS += -fsanitize=address,undefined
endif

config := $(O)/.config
autoconf := $(O)/include/generated/autoconf.h
kconfig_env := KCONFIG_CONFIG=$(config) srctree=$(CURDIR) SF_ARCH=$(SF_ARCH)

# The configuration decides which objects are built (obj-$(CONFIG_X)).
ifeq ($(filter %defconfig menuconfig clean distclean help deps,$(MAKECMDGOALS)),)
-include $(config)
endif

include updater/Makefile.objs
include boot/Makefile.objs
include test-images/rules.mk
include boot/systemd/rules.mk
include integration/rules.mk
include fuzz/Makefile.inc

lib-objs := $(addprefix $(O)/,$(lib-y))
boot-objs := $(addprefix $(O)/,$(boot-y))
cli-objs := $(addprefix $(O)/,$(cli-y))
test-srcs := $(wildcard updater/tests/test_*.c boot/tests/test_*.c)
test-bins := $(patsubst %.c,$(O)/%,$(test-srcs))
test-support := $(addprefix $(O)/,$(test-support-y))

.PHONY: all install check check-fast mutate tests demo fuzz lint bench bench-delta qemu-test qemu-demo clean distclean \
	menuconfig defconfig savedefconfig help deps cross-deps all-defconfigs
.DEFAULT_GOAL := all

all: $(O)/slotflip

# A missing configuration is the default one; an existing one is brought up to
# date with Kconfig (new options take their defaults) before make reads it.
$(config): Kconfig
	@mkdir -p $(O)
	$(Q)if [ -f $@ ]; then \
		$(kconfig_env) $(PYTHON) $(KCONFIGLIB)/olddefconfig.py Kconfig >/dev/null; touch $@; \
	else \
		echo "  DEFCONFIG $(DEFCONFIG)"; \
		$(kconfig_env) $(PYTHON) $(KCONFIGLIB)/defconfig.py --kconfig Kconfig configs/$(DEFCONFIG) >/dev/null; \
	fi

defconfig: configs/$(DEFCONFIG)
	@mkdir -p $(O)
	$(Q)$(kconfig_env) $(PYTHON) $(KCONFIGLIB)/defconfig.py --kconfig Kconfig $<

%_defconfig: configs/%_defconfig
	@mkdir -p $(O)
	$(Q)$(kconfig_env) $(PYTHON) $(KCONFIGLIB)/defconfig.py --kconfig Kconfig $<

menuconfig:
	@mkdir -p $(O)
	$(Q)$(kconfig_env) $(PYTHON) $(KCONFIGLIB)/menuconfig.py Kconfig

savedefconfig: $(config)
	$(Q)$(kconfig_env) $(PYTHON) $(KCONFIGLIB)/savedefconfig.py --kconfig Kconfig --out $(O)/defconfig

# a cross build installs its compiler and :ARCH libraries first (scripts/deps.sh)
$(autoconf): $(config) Kconfig | $(if $(SF_TRIPLET),cross-deps)
	@mkdir -p $(dir $@)
	$(Q)$(kconfig_env) $(PYTHON) $(KCONFIGLIB)/genconfig.py --header-path $@ Kconfig

$(O)/%.o: %.c $(autoconf)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(SF_CFLAGS) $(CFLAGS) -c -o $@ $<

# tests include the harness (tap.h) and the fakes (support/)
$(O)/updater/tests/%.o $(O)/boot/tests/%.o: SF_CFLAGS += -Iupdater/tests

$(O)/updater/cli/main.o: SF_CFLAGS += -DSLOTFLIP_VERSION='"$(SF_VERSION)"'
$(O)/updater/cli/main.o: VERSION

$(O)/libslotflip.a: $(lib-objs)
	$(Q)rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

# the early-boot check: its own archive, over the library
$(O)/libslotflip-boot.a: $(boot-objs)
	$(Q)rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

$(O)/slotflip: $(cli-objs) $(O)/libslotflip-boot.a $(O)/libslotflip.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(SF_LDFLAGS) $(LDFLAGS) -o $@ $^ $(SF_LDLIBS)

$(test-bins): $(O)/%: $(O)/%.o $(test-support) $(O)/libslotflip-boot.a $(O)/libslotflip.a
	$(Q)$(CC) $(SF_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(SF_LDLIBS)

# the command's own logic is tested apart from main()
$(O)/updater/tests/test_cli $(O)/updater/tests/test_cli_bundle: $(addprefix $(O)/,$(cli-lib-y))

tests: $(O)/slotflip $(test-bins)

# one rule per group; integration/rules.mk adds the others to install-y
.PHONY: install-bin
install-y += install-bin
install: $(install-y)

install-bin: $(O)/slotflip
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(O)/slotflip $(DESTDIR)$(PREFIX)/bin/slotflip

deps:
	$(Q)scripts/deps.sh check

cross-deps:
	$(Q)test -n "$(SF_DEB_ARCH)" || { echo "CROSS_COMPILE=$(CROSS_COMPILE): known prefixes are aarch64-linux-gnu- and arm-linux-gnueabihf-" >&2; exit 2; }
	$(Q)scripts/deps.sh cross-$(SF_DEB_ARCH)

# every board configuration builds (warnings are errors)
defconfigs := $(patsubst configs/%,%,$(wildcard configs/*_defconfig))
all-defconfigs:
	$(Q)for d in $(defconfigs); do \
		$(MAKE) --no-print-directory O=$(O)/defconfigs/$$d DEFCONFIG=$$d all >/dev/null || exit 1; \
		echo "  built $$d"; \
	done

check: deps
	$(Q)$(MAKE) --no-print-directory O=$(O) all-defconfigs
	$(Q)$(MAKE) --no-print-directory O=$(O) tests
	$(Q)$(MAKE) --no-print-directory O=$(O)/asan SAN=1 tests
	$(Q)scripts/lint.sh $(O)
	$(Q)scripts/run-tests.sh $(O) $(O)/asan

# the quick loop: what a change in the C code can break, in a fraction of make check
check-fast: deps
	$(Q)$(MAKE) --no-print-directory O=$(O) tests
	$(Q)scripts/run-tests.sh --fast $(O)

# not part of check (it builds and runs the fast tests once per mutant)
mutate: deps
	$(Q)$(PYTHON) scripts/mutate.py --history $(O)/mutate-history.txt $(if $(MUTANTS),--only "$(MUTANTS)")

# The cross builds' tests under qemu-user (scripts/deps.sh check-ARCH): unit and host
# integration tests of a cross build of the test configuration (x86_64_defconfig: the
# bundle tool and everything the tests cover), on a CPU model with the SHA-256
# instructions and one without; see scripts/cross-tests.sh. CROSS_QUICK=1 (CI) leaves
# out the power-cut simulator, which make check runs natively.
CROSS_QUICK ?= 0
cross-prefix-arm64 := aarch64-linux-gnu-
cross-prefix-armhf := arm-linux-gnueabihf-
.PHONY: check-arm64 check-armhf
check-arm64 check-armhf: check-%:
	$(Q)scripts/deps.sh check-$*
	$(Q)$(MAKE) --no-print-directory O=$(O)/check-$* CROSS_COMPILE=$(cross-prefix-$*) DEFCONFIG=x86_64_defconfig tests
	$(Q)scripts/cross-tests.sh $(if $(filter 1,$(CROSS_QUICK)),--quick) $* $(O)/check-$*

lint: $(autoconf)
	$(Q)scripts/lint.sh $(O)

demo: deps
	$(Q)$(MAKE) --no-print-directory O=$(O) all
	$(Q)scripts/demo.sh $(O)/slotflip

$(O)/scripts/bench/onepass: $(O)/scripts/bench/onepass.o $(O)/libslotflip.a
	$(Q)$(CC) $(SF_LDFLAGS) $(LDFLAGS) -o $@ $^ $(SF_LDLIBS)

bench:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory O=$(O) all $(O)/scripts/bench/onepass
	$(Q)scripts/bench/bench.sh $(O)
	$(Q)scripts/bench/delta.sh $(O)

# the delta part of make bench alone (its section of docs/bench.md)
bench-delta:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory O=$(O) all
	$(Q)scripts/bench/delta.sh $(O)

help:
	@sed -n '2,21p' Makefile | sed 's/^# \{0,1\}//'

clean:
	rm -rf $(O)/updater $(O)/boot $(O)/slotflip $(O)/libslotflip.a $(O)/libslotflip-boot.a $(O)/asan $(O)/tests

distclean:
	rm -rf $(O)

-include $(lib-objs:.o=.d) $(boot-objs:.o=.d) $(cli-objs:.o=.d) $(test-bins:=.d) $(test-support:.o=.d) $(O)/scripts/bench/onepass.d
