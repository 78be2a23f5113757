#!/bin/sh
# Two slotflips at once: the second refuses clearly (exit 8) and nothing
# interleaves; a lock left by a killed process blocks nothing.
. "$TOP/updater/tests/host/common.inc"
new_board
sf init >/dev/null
make_bundle "$board/a.fit" webkit 26.3 5 >/dev/null
make_bundle "$board/b.fit" libcrypto 3.0 2 >/dev/null

# the first install holds the lock while its bundle trickles in through a pipe
fifo=$board/fifo
mkfifo "$fifo"
"$SLOTFLIP" install - <"$fifo" >"$board/first.out" 2>&1 &
first=$!
exec 3>"$fifo"
head -c 100 "$board/a.fit" >&3
sleep 0.5
before=$(board_sum)
sf_rc install "$board/b.fit"
is "$rc" 8 "a second install while the first runs: exit 8"
like "$msg" "another slotflip (pid $first) is changing the system" "  names the holder"
sf_rc remove webkit
is "$rc" 8 "  remove is refused too"
is "$(board_sum)" "$before" "  and wrote nothing"
sf status >/dev/null
ok $? "status (read only) still answers"
tail -c +101 "$board/a.fit" >&3
exec 3>&-
wait "$first"
ok $? "the first install completes"
is "$(env_get sf_webkit_trial)" b "  armed"

# a holder killed with SIGKILL: the kernel drops its lock
mkfifo "$board/fifo2"
"$SLOTFLIP" install - <"$board/fifo2" >/dev/null 2>&1 &
second=$!
exec 4>"$board/fifo2"
sleep 0.5
kill -9 "$second"
wait "$second" 2>/dev/null
exec 4>&-
sf install "$board/b.fit" >/dev/null
ok $? "after the holder was killed, the next install runs"
is "$(env_get sf_libcrypto_trial)" b "  and arms its trial"
is "$(env_get sf_webkit_trial)" b "  the killed install changed nothing"
done_testing
