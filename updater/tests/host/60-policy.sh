#!/bin/sh
# The install policy on a simulated board: `policy` and `policy set` (one store
# of sf_auto and sf_window), `install --auto` refused while automatic updates
# are off, staged when they are on, and `activate --due` at injected times
# (SLOTFLIP_NOW) inside and outside windows, across midnight too; a staged
# reboot component runs the reboot command. Manual install and activate work
# whatever the policy.
. "$TOP/updater/tests/host/common.inc"
new_board
# the reboot command leaves a mark instead of rebooting
fdtput -ts "$board/system.dtb" / slotflip,reboot-command "echo reboot >>'$board/rebooted'"
sf init --factory webkit=26.3:5 --factory kernel=1.0:1 >/dev/null
ok $? "init: webkit 26.3, kernel 1.0"
export SLOTFLIP_NOW=13:05

out=$(sf policy)
like "$out" "automatic updates: off" "by default automatic updates are off"
like "$out" "window: none (any time)" "  and there is no window"
is "$(env_get sf_auto)" "" "  nothing stored: sf_auto absent"
is "$(sf policy --json)" '{"ok": true, "exit": 0, "reason": null, "message": null, "automatic": false, "window": null, "now": "13:05", "in_window": true, "due": "off", "reboot_command": "echo reboot >>'"'$board/rebooted'"'"}' \
	"policy --json"

make_bundle "$board/a.fit" webkit "26.3 (a)" 6 26.3 >/dev/null
before=$(board_sum)
sf_rc install --auto "$board/a.fit"
is "$rc" 4 "install --auto while automatic updates are off: exit 4"
like "$msg" "automatic updates are off" "  says why"
is "$(echo "$msg" | wc -l)" 1 "  in one line"
is "$(board_sum)" "$before" "  env and slots byte-identical"

before=$(board_sum)
for bad in automatic=yes window=2:00-4:00 window=02:00-02:00 auto=on; do
	sf_rc policy set "$bad"
	is "$rc" 2 "policy set $bad: exit 2"
done
like "$msg" "'auto=on' is not automatic=on|off or window=HH:MM-HH:MM" "  naming the argument"
sf_rc policy set automatic=on window=25:00-01:00
is "$rc" 2 "one bad argument of two: exit 2"
is "$(board_sum)" "$before" "  nothing stored"
sf_rc policy set
is "$rc" 2 "policy set without a setting: exit 2"

out=$(sf policy set automatic=on window=02:00-04:00)
ok $? "policy set automatic=on window=02:00-04:00"
like "$out" "window: 02:00-04:00 local time (now 13:05, outside)" "  shows the new policy"
is "$(env_get sf_auto)" on "  sf_auto=on"
is "$(env_get sf_window)" 02:00-04:00 "  sf_window=02:00-04:00"
is "$(env_get sf_webkit_a_ver)" 26.3 "  the state is kept"
before=$(board_sum)
sf policy set automatic=on >/dev/null
is "$(board_sum)" "$before" "setting what is already set stores nothing"

out=$(sf install --auto "$board/a.fit")
ok $? "install --auto with automatic updates on"
like "$out" "staged: 'slotflip activate --due' tries it inside the window" "  says it is staged"
is "$(env_get sf_webkit_trial)" b "  armed in slot b"

before=$(board_sum)
out=$(SLOTFLIP_NOW=13:05 sf activate --due)
ok $? "activate --due outside the window: exit 0"
is "$out" "outside the window 02:00-04:00 (now 13:05): nothing activated" "  says so"
out=$(SLOTFLIP_NOW=04:00 sf activate --due)
like "$out" "outside the window" "  at 04:00, the window's end, too"
is "$(board_sum)" "$before" "  nothing written"
is "$(sf policy --json | sed 's/.*"due": "\([^"]*\)".*/\1/')" outside-window "policy --json: due outside-window"
is "$(SLOTFLIP_NOW=02:30 sf policy --json | sed 's/.*"due": "\([^"]*\)".*/\1/')" soft-restart "  and soft-restart at 02:30"

out=$(SLOTFLIP_NOW=02:00 sf activate --due)
ok $? "activate --due at 02:00, the window's start: exit 0"
like "$out" "webkit: committed" "  the staged patch committed"
is "$(env_get sf_webkit_active)" b "  webkit active b"
out=$(SLOTFLIP_NOW=02:01 sf activate --due)
is "$out" "nothing staged" "activate --due again: nothing staged"

sf policy set window=22:00-04:00 >/dev/null
is "$(env_get sf_window)" 22:00-04:00 "a window across midnight"
make_bundle "$board/b.fit" webkit "26.3 (b)" 6 26.3 >/dev/null
printf 'BROKEN\n' | dd of="$board/webkit-6.img" bs=1 seek=100 conv=notrunc status=none
sf bundle create -o "$board/b.fit" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit \
	--version "26.3 (b)" --base-version 26.3 --security-version 6 --image "$board/webkit-6.img"
sf install --auto "$board/b.fit" >/dev/null
ok $? "a failing patch staged"
for t in 12:00 21:59 04:00; do
	like "$(SLOTFLIP_NOW=$t sf activate --due)" "outside the window 22:00-04:00 (now $t)" "  $t is outside"
done
is "$(env_get sf_webkit_trial)" a "  still staged"
sf_rc activate --due
SLOTFLIP_NOW=23:30 sf_rc activate --due
is "$rc" 6 "activate --due at 23:30: the health check fails, exit 6"
is "$(env_get sf_webkit_bad)" a "  rolled back: slot a marked bad"
is "$(env_get sf_webkit_active)" b "  the committed patch stays"

make_bundle "$board/k.fit" kernel 1.1 2 >/dev/null
make_bundle "$board/c.fit" webkit "26.3 (c)" 7 26.3 >/dev/null
sf install --auto "$board/k.fit" >/dev/null && sf install --auto "$board/c.fit" >/dev/null
ok $? "a kernel and a webkit patch staged"
SLOTFLIP_NOW=12:00 sf activate --due >/dev/null
ok "$([ ! -e "$board/rebooted" ]; echo $?)" "  outside the window: no reboot"
out=$(SLOTFLIP_NOW=03:59 sf activate --due)
ok $? "activate --due at 03:59 with a reboot component staged: exit 0"
like "$out" "rebooting" "  says it reboots"
is "$(cat "$board/rebooted" 2>/dev/null)" reboot "  the reboot command ran once"
is "$(env_get sf_kernel_trial)" b "  the kernel waits for U-Boot"
is "$(env_get sf_webkit_trial)" a "  the webkit patch for the boot-check at that boot"

sf policy set automatic=off >/dev/null
before=$(board_sum)
out=$(SLOTFLIP_NOW=03:00 sf activate --due)
ok $? "activate --due while automatic updates are off: exit 0"
is "$out" "automatic updates are off: nothing activated" "  says so"
is "$(board_sum)" "$before" "  nothing written"
out=$(sf activate webkit)
ok $? "a manual activate works whatever the policy"
is "$(env_get sf_webkit_active)" a "  webkit 26.3 (c) active"
make_bundle "$board/d.fit" webkit "26.3 (d)" 7 26.3 >/dev/null
sf install "$board/d.fit" >/dev/null
ok $? "a manual install works whatever the policy"

sf policy set window=none >/dev/null
is "$(env_get sf_window)" "" "window=none deletes sf_window"
sf policy set automatic=on >/dev/null
out=$(SLOTFLIP_NOW=09:00 sf activate --due)
like "$out" "rebooting" "without a window, activate --due acts at any time"

fw_setenv -c "$board/fw_env.config" sf_auto yes
before=$(board_sum)
sf_rc policy
is "$rc" 7 "sf_auto=yes in the environment: policy exits 7"
like "$msg" "sf_auto = 'yes' is neither 'on' nor 'off'" "  naming the variable"
sf_rc install --auto "$board/d.fit"
is "$rc" 7 "  install --auto exits 7"
sf_rc policy set window=01:00-02:00
is "$rc" 7 "  policy set of one setting exits 7"
is "$(board_sum)" "$before" "  nothing written"
sf policy set automatic=off window=none >/dev/null
ok $? "  policy set of both settings replaces it"
is "$(env_get sf_auto)" off "  sf_auto=off"

SLOTFLIP_NOW=25:00 sf_rc policy
is "$rc" 2 "SLOTFLIP_NOW=25:00: exit 2"
done_testing
