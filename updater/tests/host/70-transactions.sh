#!/bin/sh
# A bundle is one transaction, through the command (docs/environment.md "Sets"):
# a mixed bundle (kernel, activated by a reboot, and webkit, soft, requiring the
# new kernel) waits for its reboot, commits or falls back as one; commit only
# commits what ran; no downgrade by replay; a removed patch is not installed
# again silently; the environment's room and the slots' writability are checked
# before the first store; signals; a torn first store; one component's damage.
. "$TOP/updater/tests/host/common.inc"
new_board
sf init >/dev/null || exit 1
cmdline=$board/cmdline
export SLOTFLIP_CMDLINE="$cmdline"
: >"$cmdline"

# a bundle of several images: FILE then COMPONENT:VERSION:SV[:REQUIRES] ...
make_set() {
	out=$1
	shift
	set -- "$@"
	args=""
	for spec in "$@"; do
		c=${spec%%:*} rest=${spec#*:}
		v=${rest%%:*} rest=${rest#*:}
		s=${rest%%:*} r=""
		case $rest in *:*) r="--requires=${rest#*:}" ;; esac
		make_image "$board/$c-$s.img" "$c $v"
		args="$args --component $c --version $v --security-version $s $r --image $board/$c-$s.img"
	done
	# shellcheck disable=SC2086
	"$SLOTFLIP" bundle create -o "$out" -b sim-x86_64 -k "$board/signing/dev.key" $args >/dev/null
}

# baselines: kernel 1.0 and webkit 26.3, committed
make_set "$board/base.fit" kernel:1.0:1 webkit:26.3:5
sf install "$board/base.fit" >/dev/null
echo "slotflip.kernel=b" >"$cmdline"
sf boot-check >/dev/null
ok $? "two baselines of one bundle, booted and committed together"
is "$(env_get sf_kernel_active)/$(env_get sf_webkit_active)" b/b "  both active in slot b"
is "$(env_get sf_kernel_b_id)" "$(env_get sf_webkit_b_id)" "  both record the same bundle id"
echo "slotflip.kernel=b" >"$cmdline"

# ---- a mixed bundle whose reboot part has not booted yet ---------------------------
make_set "$board/mixed.fit" kernel:2.0:2 webkit:27.0:6:kernel\>=2.0
sf install "$board/mixed.fit" >/dev/null
ok $? "mixed bundle installed: kernel 2.0 and webkit 27.0 requiring it"
is "$(env_get sf_webkit_a_req)" "kernel>=2.0" "  webkit's requirement is recorded"
out=$(sf activate --json)
is "$?" 12 "activate: the set waits for its reboot (exit 12)"
is "$(echo "$out" | json_q 'sorted(d["components"].items())')" '[["kernel", "waiting-for-reboot"], ["webkit", "waiting-for-reboot"]]' \
	"  both members waiting-for-reboot"
is "$(echo "$out" | json_q 'd["reason"]')" waiting-for-reboot "  reason waiting-for-reboot"
is "$(env_get sf_webkit_tries)/$(env_get sf_webkit_active)" 3/b "  webkit neither spent nor switched"
sf_rc commit kernel
is "$rc" 4 "commit kernel before its reboot: refused (exit 4)"
like "$msg" "has not" "  a member never ran"
sf_rc commit webkit
is "$rc" 4 "commit webkit: refused too, it is the same transaction"
out=$(sf boot-check --json)
is "$?" 0 "boot-check while the old kernel runs: nothing to judge yet"
is "$(echo "$out" | json_q 'd["components"]["webkit"]')" waiting-for-reboot "  webkit waits with it"

# U-Boot spent the kernel's tries and fell it back (what boot.cmd writes)
fw_setenv -c "$board/fw_env.config" sf_kernel_trial "" 2>/dev/null
fw_setenv -c "$board/fw_env.config" sf_kernel_tries "" 2>/dev/null
fw_setenv -c "$board/fw_env.config" sf_kernel_bad a 2>/dev/null
fw_setenv -c "$board/fw_env.config" sf_kernel_bad_why failed 2>/dev/null
fw_setenv -c "$board/fw_env.config" sf_kernel_fail "tries-exhausted U-Boot found no try left for slot a" 2>/dev/null
out=$(sf boot-check --json)
is "$?" 6 "boot-check after U-Boot fell the kernel back: the rest of the set falls back (exit 6)"
is "$(echo "$out" | json_q 'd["reason"]')" set-fell-back "  reason set-fell-back"
is "$(env_get sf_webkit_active)/$(env_get sf_webkit_bad)" b/a "  webkit stays on 26.3, its trial marked bad"
like "$(env_get sf_webkit_fail)" "set-fell-back kernel of the same bundle fell back" "  and says why"
out=$(sf status --json)
is "$(echo "$out" | json_q 'd["components"]["kernel"]["failure"]["reason"]')" tries-exhausted \
	"status: the kernel's failure, as U-Boot recorded it"
is "$(echo "$out" | json_q 'd["components"]["kernel"]["failure"]["version"]')" 2.0 "  with the version that failed"
is "$(echo "$out" | json_q 'd["components"]["webkit"]["failure"]["reason"]')" set-fell-back "  webkit's"

# ---- the same bundle, booted: judged and committed as one ---------------------------
sf install "$board/mixed.fit" >/dev/null
echo "console=ttyS0 slotflip.kernel=a" >"$cmdline"
out=$(sf boot-check --json)
is "$?" 0 "after the reboot into the new kernel: the set is judged at once"
is "$(echo "$out" | json_q 'sorted(d["components"].items())')" '[["kernel", "committed"], ["webkit", "committed"]]' \
	"  both committed"
is "$(env_get sf_kernel_active)/$(env_get sf_webkit_active)" a/a "  in one store: both on slot a"

# ---- an unhealthy member takes the whole set back -----------------------------------
make_set "$board/mixed2.fit" kernel:2.1:2 webkit:27.1:6:kernel\>=2.1
sf install "$board/mixed2.fit" >/dev/null
echo "slotflip.kernel=b" >"$cmdline"
make_image "$board/broken.img" "BROKEN"
dd if="$board/broken.img" of="$board/slots/webkit_b.img" bs=4096 count=1 conv=notrunc status=none
sf_rc boot-check
is "$rc" 6 "the webkit member fails its health check: the set falls back"
is "$(env_get sf_kernel_active)/$(env_get sf_webkit_active)" a/a "  both stay on what they ran"
is "$(env_get sf_kernel_bad)/$(env_get sf_webkit_bad)" b/b "  both trials marked bad"
echo "slotflip.kernel=a" >"$cmdline"

# ---- removal of an armed member drops the set; a newer install replaces part of one --
sf install "$board/mixed2.fit" >/dev/null
sf remove webkit >/dev/null
ok $? "remove webkit while the mixed set is armed"
is "$(env_get sf_kernel_trial)/$(env_get sf_webkit_trial)" / "  the whole set is dropped"
is "$(env_get sf_kernel_bad_why)" removed "  the kernel's trial marked removed: it never runs alone"
sf install "$board/mixed2.fit" >/dev/null
make_set "$board/k22.fit" kernel:2.2:2
sf install "$board/k22.fit" >/dev/null
is "$(env_get sf_kernel_trial)/$(env_get sf_webkit_trial)" b/ "a kernel-only bundle over the set: webkit's part disarmed"
is "$(env_get sf_webkit_bad_why)" removed "  marked removed"
sf remove kernel >/dev/null

# ---- commit only what ran -------------------------------------------------------------
make_set "$board/w272.fit" webkit:27.2:6
sf install "$board/w272.fit" >/dev/null
sf_rc commit webkit
is "$rc" 4 "commit of a soft trial never activated: refused"
out=$(sf --json commit webkit)
is "$(echo "$out" | json_q 'd["reason"]')" not-tried "  reason not-tried"
is "$(env_get sf_webkit_trial)" b "  still armed"
sf activate >/dev/null

# ---- no downgrade by replay; removed patches -----------------------------------------
make_image "$board/webkit-8.img" "webkit 27.2 (a)"
"$SLOTFLIP" bundle create -o "$board/p-a.fit" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit \
	--version "27.2 (a)" --security-version 8 --base-version 27.2 --image "$board/webkit-8.img" >/dev/null
sf install "$board/p-a.fit" >/dev/null && sf activate >/dev/null
ok $? "patch 27.2 (a) security version 8 committed over 27.2 (6)"
sum=$(board_sum)
sf_rc install "$board/w272.fit"
is "$rc" 4 "the captured baseline 27.2 (6) replayed over the running patch: refused (exit 4)"
like "$msg" "below the 8 of 27.2 (a)" "  below the running image"
is "$(board_sum)" "$sum" "  nothing written"
sf remove webkit >/dev/null
is "$(env_get sf_webkit_removed)" "8 27.2 (a)" "remove the patch: recorded"
sf_rc install "$board/p-a.fit"
is "$rc" 4 "the removed patch is not installed again silently (exit 4)"
like "$msg" "was removed" "  it says so"
like "$msg" "--allow-removed" "  and how to force it"
out=$(sf --json install "$board/p-a.fit")
is "$(echo "$out" | json_q 'd["reason"]')" removed-before "  reason removed-before"
sf install --allow-removed "$board/p-a.fit" >/dev/null
ok $? "--allow-removed installs it"
sf remove webkit >/dev/null

# ---- checked before store (1) -----------------------------------------------------------
cp "$board/fw_env.config" "$board/fw_env.full"
sum=$(board_sum)
big=$(python3 -c 'print("x" * 70)')
for k in 1 2 3 4 5 6 7 8 9; do fw_setenv -c "$board/fw_env.config" "vendor_pad_$k" "$big$big$big$big$big$big$big" 2>/dev/null; done
used=$(sf --json status | json_q 'd["environment"]["bytes_used"]')
avail=$(sf --json status | json_q 'd["environment"]["bytes_available"]')
fill=$((avail - used - 20))
python3 -c "import sys; sys.stdout.write('x' * $fill)" >"$board/pad"
fw_setenv -c "$board/fw_env.config" vendor_fill "$(cat "$board/pad")" 2>/dev/null
sum=$(board_sum)
sf_rc install "$board/mixed.fit"
is "$rc" 7 "an environment too small for the armed state: refused before anything is written (exit 7)"
like "$msg" "needs" "  naming the bytes needed"
is "$(board_sum)" "$sum" "  environment and slots untouched"
fw_setenv -c "$board/fw_env.config" vendor_fill 2>/dev/null
for k in 1 2 3 4 5 6 7 8 9; do fw_setenv -c "$board/fw_env.config" "vendor_pad_$k" 2>/dev/null; done

if unshare -m true 2>/dev/null; then
	sum=$(board_sum)
	out=$(unshare -m sh -c "mount --bind '$board/slots/webkit_a.img' '$board/slots/webkit_a.img' &&
		mount -o remount,bind,ro '$board/slots/webkit_a.img' &&
		'$SLOTFLIP' --json install '$board/w272.fit'")
	rc=$?
	is "$rc" 5 "a target slot that cannot be written: refused before store (1) (exit 5)"
	like "$(echo "$out" | json_q 'd["message"]')" "for writing; nothing was written" "  says so"
	is "$(board_sum)" "$sum" "  its record and every byte untouched"
else
	ok 0 "# SKIP no mount namespace here"
fi

# ---- one component's damage is its own ----------------------------------------------------
sf install "$board/w272.fit" >/dev/null
fw_setenv -c "$board/fw_env.config" sf_libcrypto_tries 03 2>/dev/null
fw_setenv -c "$board/fw_env.config" sf_libcrypto_trial b 2>/dev/null
out=$(sf status --json)
is "$?" 0 "status with a malformed libcrypto variable"
is "$(echo "$out" | json_q 'd["components"]["libcrypto"]["state"]')" unreadable "  libcrypto unreadable"
is "$(echo "$out" | json_q 'd["components"]["libcrypto"]["error"]["reason"]')" env-malformed "  env-malformed"
is "$(echo "$out" | json_q 'd["components"]["webkit"]["state"]')" ok "  webkit reads"
out=$(sf boot-check --json)
is "$?" 7 "boot-check: reports libcrypto (exit 7)..."
is "$(echo "$out" | json_q 'sorted(d["components"].items())')" '[["libcrypto", "unreadable"], ["webkit", "committed"]]' \
	"  ...and judges the others"
is "$(env_get sf_libcrypto_tries)" 03 "  libcrypto's variables left as they were"
sf_rc repair webkit --active b
is "$rc" 4 "repair of a component whose state reads: refused"
sf repair libcrypto --active a --floor 0 >/dev/null
ok $? "repair libcrypto --active a"
is "$(env_get sf_libcrypto_tries)/$(env_get sf_libcrypto_trial)" / "  nothing armed"
sf status >/dev/null
ok $? "  and every component reads"

# ---- signals ---------------------------------------------------------------------------------
make_set "$board/big.fit" libcrypto:3.0:3
truncate -s 6M "$board/libcrypto-3.img"
"$SLOTFLIP" bundle create -o "$board/big.fit" -b sim-x86_64 -k "$board/signing/dev.key" --component libcrypto \
	--version 3.0 --security-version 3 --image "$board/libcrypto-3.img" >/dev/null
for cut in 1 600 3000; do
	before=$(env_get sf_libcrypto_a_ver)
	{ head -c $((cut * 1024)) "$board/big.fit"; sleep 3; tail -c +$((cut * 1024 + 1)) "$board/big.fit"; } |
		"$SLOTFLIP" install - >/dev/null 2>"$board/err" &
	pid=$!
	sleep 1
	kill -TERM $pid 2>/dev/null
	wait $pid
	rc=$?
	is "$rc" 13 "SIGTERM while install reads byte $((cut * 1024)) of a slow download: exit 13"
	is "$(wc -l <"$board/err")" 1 "  one line on stderr: $(cat "$board/err")"
	is "$(env_get sf_libcrypto_trial)" "" "  nothing armed"
	is "$(env_get sf_libcrypto_a_ver)" "$before" "  the active slot's record untouched"
done

# activate: a health check that hangs, a stop- and a start-command that leave marks
cat >"$board/health.d/webkit/05-hang" <<CHECK
#!/bin/sh
echo \$\$ >"$board/check.pid"
sleep 60 &
echo \$! >"$board/child.pid"
wait
CHECK
chmod +x "$board/health.d/webkit/05-hang"
sed -e "s|slot-b = \"slots/webkit_b.img\";|slot-b = \"slots/webkit_b.img\"; stop-command = \"echo stopped >>$board/svc\"; start-command = \"echo started >>$board/svc\";|" \
	"$TOP/partitions/sim/system.dts" | dtc -q -I dts -O dtb -o "$board/system-svc.dtb" -
make_set "$board/w273.fit" webkit:27.3:6
SLOTFLIP_CONFIG="$board/system-svc.dtb" "$SLOTFLIP" install "$board/w273.fit" >/dev/null
trial=$(env_get sf_webkit_trial)
: >"$board/svc"
SLOTFLIP_CONFIG="$board/system-svc.dtb" "$SLOTFLIP" activate >/dev/null 2>"$board/err" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$board/child.pid" ] && break; sleep 0.5; done
kill -TERM $pid
wait $pid
rc=$?
is "$rc" 13 "SIGTERM during activate's health check: exit 13"
is "$(cat "$board/svc" | tr '\n' ' ')" "stopped started " "  the service stopped for the soft restart started again"
# running: a process that exists and is not a zombie waiting to be reaped
running() { [ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }
sleep 0.2
running "$(cat "$board/check.pid")"
is "$?" 1 "  the health check was killed"
running "$(cat "$board/child.pid")"
is "$?" 1 "  and what it started: no orphan"
is "$(env_get sf_webkit_trial)/$(env_get sf_webkit_tries)" "$trial/2" "  the trial stays armed, the spent try spent"
rm -f "$board/health.d/webkit/05-hang"
sf activate >/dev/null
ok $? "activate again: committed"

# ---- a torn first store --------------------------------------------------------------------------
head -c 32768 /dev/zero >"$board/uboot.env"
sf init >/dev/null
dd if="$board/uboot.env" of="$board/copy2" bs=1 skip=16384 count=100 status=none
head -c 32768 /dev/zero >"$board/uboot.env"
dd if="$board/copy2" of="$board/uboot.env" bs=1 seek=16384 conv=notrunc status=none
sf_rc status
is "$rc" 7 "init's store cut after 100 bytes: no valid copy (exit 7)"
like "$msg" "first store was cut short" "  the reason"
sf init >/dev/null
ok $? "init runs again"
is "$(env_get sf_webkit_active)" a "  and the environment reads"

done_testing
