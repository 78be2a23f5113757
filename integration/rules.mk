# SPDX-License-Identifier: MIT
# What slotflip ships besides the binary, included by the top Makefile: the
# Mender update module and inventory script (integration/mender/). `make tests`
# builds them into $(O)/integration; `make install` installs every group listed
# in install-y (one rule per group: a new group is `install-y += install-NAME`
# and its rule).

mender-outputs := $(O)/integration/mender/slotflip $(O)/integration/mender/mender-inventory-slotflip
integration-outputs := $(mender-outputs)

# json.awk is inlined between single quotes: it must not hold one
$(O)/integration/mender/%: integration/mender/%.sh integration/mender/json.awk
	@mkdir -p $(dir $@)
	$(Q)if grep -q "'" integration/mender/json.awk; then echo "json.awk holds a single quote" >&2; exit 1; fi
	$(Q)sed -e '/^@JSON_AWK@$$/{r integration/mender/json.awk' -e 'd}' $< >$@.tmp
	$(Q)chmod 0755 $@.tmp && mv $@.tmp $@

tests: $(integration-outputs)

.PHONY: install-mender
install-y += install-mender

install-mender: $(mender-outputs)
	install -D -m 0755 $(O)/integration/mender/slotflip $(DESTDIR)$(PREFIX)/share/mender/modules/v3/slotflip
	install -D -m 0755 $(O)/integration/mender/mender-inventory-slotflip \
		$(DESTDIR)$(PREFIX)/share/mender/inventory/mender-inventory-slotflip
