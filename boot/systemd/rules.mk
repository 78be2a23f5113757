# SPDX-License-Identifier: MIT
# systemd units of slotflip, included by the top Makefile:
#
#   make install-systemd    (part of make install) the units under
#                           $(PREFIX)/lib/systemd/system and their preset under
#                           $(PREFIX)/lib/systemd/system-preset, with
#                           $(PREFIX)/bin/slotflip in their command lines
#
# SYSTEMD_UNITDIR and SYSTEMD_PRESETDIR override the folders.

SYSTEMD_UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSTEMD_PRESETDIR ?= $(PREFIX)/lib/systemd/system-preset
systemd-units-in := slotflip-boot-check.service slotflip-window.service
systemd-units := slotflip-window.timer

.PHONY: install-systemd
install: install-systemd

install-systemd:
	install -d $(DESTDIR)$(SYSTEMD_UNITDIR) $(DESTDIR)$(SYSTEMD_PRESETDIR)
	$(Q)for u in $(systemd-units-in); do \
		sed 's|@BINDIR@|$(PREFIX)/bin|g' boot/systemd/$$u.in >$(DESTDIR)$(SYSTEMD_UNITDIR)/$$u.tmp && \
		chmod 0644 $(DESTDIR)$(SYSTEMD_UNITDIR)/$$u.tmp && \
		mv $(DESTDIR)$(SYSTEMD_UNITDIR)/$$u.tmp $(DESTDIR)$(SYSTEMD_UNITDIR)/$$u || exit 1; \
		echo "install -m 0644 boot/systemd/$$u.in $(DESTDIR)$(SYSTEMD_UNITDIR)/$$u"; \
	done
	install -m 0644 $(addprefix boot/systemd/,$(systemd-units)) $(DESTDIR)$(SYSTEMD_UNITDIR)
	install -m 0644 boot/systemd/80-slotflip.preset $(DESTDIR)$(SYSTEMD_PRESETDIR)
