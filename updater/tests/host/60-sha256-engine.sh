#!/bin/sh
# SLOTFLIP_SHA256 forces a SHA-256 engine: --version names it, an install with
# each engine this machine runs writes and verifies the same slot, an engine it
# cannot run and an unknown name are refused (exit 7) before anything is read.
. "$TOP/updater/tests/host/common.inc"
new_board
sf init >/dev/null

auto=$(sf --version | sed -n 's/^sha256 engine: //p')
[ -n "$auto" ]
ok $? "--version names the engine it picks: '$auto'"
case "$auto" in
cpu*) like "$auto" "cpu (" "  the cpu engine names its instructions" ;;
*) ok 0 "  (no SHA instructions here: the cpu engine is tested where there are)" ;;
esac
make_bundle "$board/base.fit" webkit 26.3 5 >/dev/null
before=$(board_sum)
for e in mbedtls cpu afalg auto; do
	if name=$(SLOTFLIP_SHA256=$e sf --version 2>/dev/null | sed -n 's/^sha256 engine: //p') && [ -n "$name" ]; then
		case $e in auto) ;; *) like "$name" "$e" "SLOTFLIP_SHA256=$e: --version says '$name'" ;; esac
		SLOTFLIP_SHA256=$e sf install "$board/base.fit" >/dev/null
		ok $? "  install with the $e engine"
		cmp -s -n 1048576 "$board/webkit-5.img" "$board/slots/webkit_b.img"
		ok $? "  slot b holds the image"
		SLOTFLIP_SHA256=$e sf bundle verify -k "$board/keys" "$board/base.fit" >/dev/null
		ok $? "  bundle verify with the $e engine"
		# a payload byte changed: the engine must notice
		cp "$board/base.fit" "$board/bad.fit"
		size=$(stat -c %s "$board/bad.fit")
		printf 'X' | dd of="$board/bad.fit" bs=1 seek=$((size - 1000)) conv=notrunc status=none
		SLOTFLIP_SHA256=$e "$SLOTFLIP" bundle verify -k "$board/keys" "$board/bad.fit" >/dev/null 2>&1
		is "$?" 3 "  a changed payload byte fails verification with the $e engine (exit 3)"
	else
		before=$(board_sum)
		msg=$(SLOTFLIP_SHA256=$e "$SLOTFLIP" install "$board/base.fit" 2>&1 >/dev/null)
		is "$?" 7 "SLOTFLIP_SHA256=$e: this machine cannot run it, install refused (exit 7)"
		like "$msg" "cannot run that SHA-256 engine" "  with the reason"
		is "$(board_sum)" "$before" "  nothing written"
	fi
done
before=$(board_sum)
msg=$(SLOTFLIP_SHA256=sha1 "$SLOTFLIP" install "$board/base.fit" 2>&1 >/dev/null)
is "$?" 7 "an unknown engine name is refused (exit 7)"
like "$msg" "SLOTFLIP_SHA256='sha1' names no SHA-256 engine" "  naming the variable and the value"
is "$(board_sum)" "$before" "  nothing written"
done_testing
