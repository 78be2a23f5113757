# SPDX-License-Identifier: MIT
# What slotflip ships besides the binary, included by the top Makefile: the
# Mender update module and inventory script (integration/mender/), the man pages
# (integration/man/, scdoc), the bash completion (integration/completion/) and an
# example system description (integration/examples/). `make tests` builds them
# into $(O)/integration; `make install` installs every group listed in install-y
# (one rule per group: a new group is `install-y += install-NAME` and its rule).

mender-outputs := $(O)/integration/mender/slotflip $(O)/integration/mender/mender-inventory-slotflip
man-pages := slotflip.8 slotflip-system.5 slotflip-env.7
man-outputs := $(addprefix $(O)/integration/man/,$(man-pages))
integration-outputs := $(mender-outputs) $(man-outputs)

# json.awk is inlined between single quotes: it must not hold one
$(O)/integration/mender/%: integration/mender/%.sh integration/mender/json.awk
	@mkdir -p $(dir $@)
	$(Q)if grep -q "'" integration/mender/json.awk; then echo "json.awk holds a single quote" >&2; exit 1; fi
	$(Q)sed -e '/^@JSON_AWK@$$/{r integration/mender/json.awk' -e 'd}' $< >$@.tmp
	$(Q)chmod 0755 $@.tmp && mv $@.tmp $@

# the page's date is its source's last commit (reproducible), else today
$(O)/integration/man/%: integration/man/%.scd
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  SCDOC   $<")
	$(Q)t=$$(git log -1 --format=%ct -- $< 2>/dev/null); \
		if [ -n "$$t" ]; then export SOURCE_DATE_EPOCH=$$t; fi; scdoc <$< >$@.tmp && mv $@.tmp $@

tests: $(integration-outputs)

.PHONY: install-man install-completion install-mender install-examples
install-y += install-man install-completion install-mender install-examples

install-man: $(man-outputs)
	$(Q)for p in $(man-pages); do \
		install -D -m 0644 $(O)/integration/man/$$p $(DESTDIR)$(PREFIX)/share/man/man$${p##*.}/$$p || exit 1; \
	done

install-completion:
	install -D -m 0644 integration/completion/slotflip.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/slotflip

install-mender: $(mender-outputs)
	install -D -m 0755 $(O)/integration/mender/slotflip $(DESTDIR)$(PREFIX)/share/mender/modules/v3/slotflip
	install -D -m 0755 $(O)/integration/mender/mender-inventory-slotflip \
		$(DESTDIR)$(PREFIX)/share/mender/inventory/mender-inventory-slotflip

install-examples:
	install -D -m 0644 integration/examples/system.dts $(DESTDIR)$(PREFIX)/share/doc/slotflip/examples/system.dts
	install -D -m 0644 integration/examples/fw_env.config $(DESTDIR)$(PREFIX)/share/doc/slotflip/examples/fw_env.config
