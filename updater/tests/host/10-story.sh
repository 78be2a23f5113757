#!/bin/sh
# The core story on a simulated board: baseline → commit; patch (a) from stdin
# fails its health check → fallback; patch (b) → commit; remove → baseline.
. "$TOP/updater/tests/host/common.inc"
new_board

sf_rc status
is "$rc" 7 "status on a factory-fresh env: exit 7"
like "$msg" "run 'slotflip init'" "  and says to run init"

sf init >/dev/null
ok $? "init"
sf_rc init
is "$rc" 4 "a second init is refused (exit 4)"
like "$msg" "already holds a valid copy" "  with the reason"
is "$(env_get sf_webkit_active)" a "fw_printenv reads what init wrote: webkit active a"
is "$(env_get sf_webkit_floor)" 0 "  floor 0"

make_bundle "$board/base.fit" webkit 26.3 5 >/dev/null
sf install "$board/base.fit" >/dev/null
ok $? "baseline 26.3 installed"
is "$(env_get sf_webkit_trial)" b "  armed in slot b"
is "$(env_get sf_webkit_tries)" 3 "  with 3 tries"
is "$(env_get sf_webkit_b_ver)" "26.3" "  version recorded"
cmp -s -n 1048576 "$board/webkit-5.img" "$board/slots/webkit_b.img"
ok $? "  slot b holds the image"
sf activate >/dev/null
ok $? "activate: healthy, committed"
is "$(env_get sf_webkit_active)" b "  webkit active b"
is "$(env_get sf_webkit_floor)" 5 "  a committed baseline raises the floor to 5"

make_bundle "$board/patch-a.fit" webkit "26.3 (a)" 6 26.3 >/dev/null
printf 'BROKEN\n' | dd of="$board/webkit-6.img" bs=1 seek=100 conv=notrunc status=none
sf bundle create -o "$board/patch-a.fit" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit \
	--version "26.3 (a)" --base-version 26.3 --security-version 6 --image "$board/webkit-6.img"
sf install - <"$board/patch-a.fit" >/dev/null
ok $? "patch 26.3 (a) installed from standard input"
is "$(env_get sf_webkit_trial)" a "  armed in slot a"
sf_rc activate webkit
is "$rc" 6 "activate: the health check fails, exit 6"
like "$msg" "health check 'webkit/10-selftest' exited with status 1" "  naming the failed check"
is "$(env_get sf_webkit_active)" b "  fallback: the baseline stays active"
is "$(env_get sf_webkit_bad)" a "  slot a marked bad"
is "$(env_get sf_webkit_bad_why)" failed "  because it failed"
is "$(env_get sf_webkit_trial)" "" "  nothing armed"

make_bundle "$board/patch-b.fit" webkit "26.3 (b)" 6 26.3 >/dev/null
sf install "$board/patch-b.fit" >/dev/null && sf activate >/dev/null
ok $? "patch 26.3 (b) installed and committed"
is "$(env_get sf_webkit_active)" a "  webkit active a"
is "$(env_get sf_webkit_floor)" 5 "  a patch does not raise the floor"
is "$(sf status --json | json_q '[d["components"]["webkit"][k] for k in ("active", "trial", "tries_left", "floor")]')" \
	'["a", null, 0, 5]' "  status --json agrees"

out=$(sf remove webkit)
ok $? "remove webkit"
is "$(env_get sf_webkit_active)" b "  back on the baseline in slot b"
is "$(env_get sf_webkit_bad_why)" removed "  the patch slot is marked removed"
sf_rc remove webkit
is "$rc" 4 "removing again is refused (exit 4)"
like "$msg" "was removed before" "  with the reason"
sf status | grep -q 'slot a  removed  26.3 (b)'
ok $? "  status shows the removed slot"
done_testing
