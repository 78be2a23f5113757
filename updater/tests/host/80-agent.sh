#!/bin/sh
# The machine contract, tried from outside as an agent integrator would
# (docs/agent.md): with --json every command prints exactly one JSON object on
# standard output, on success and on each failure class it can hit, with ok,
# exit, reason and message matching its exit code, a documented reason of that
# exit code, nothing but JSON lines on standard error, and its own members;
# help and usage; the reason table against the docs; progress events on
# standard error and on their own descriptor; and the example agent
# (scripts/agent-example.sh) through its main outcomes.
. "$TOP/updater/tests/host/common.inc"
new_board 2 # MiB slots: the board is summed often
chmod 755 "$board" # the unprivileged user reads the board, and writes nothing of it
export SLOTFLIP_CMDLINE="$board/cmdline" SLOTFLIP_NOW=13:05
: >"$SLOTFLIP_CMDLINE"
as="" # a command to run slotflip through (setpriv: as another user)
# Debian's interpreter (scripts/deps.sh), not a wrapper in PATH that takes ten times longer to start
py=/usr/bin/python3
[ -x "$py" ] || py=python3

# sfj ARGS...: slotflip --json ARGS, its standard output in $board/out, its
# standard error in $board/err, its exit status in $board/rc (also from a pipeline)
sfj() {
	$as "$SLOTFLIP" --json "$@" >"$board/out" 2>"$board/err"
	echo $? >"$board/rc"
}
# contract EXIT REASON WHAT: the last sfj exited EXIT with REASON (any of EXIT's when
# empty) and kept the contract; EXIT -1: one JSON object, whatever its exit and reason
contract() {
	problems=$("$py" "$TOP/updater/tests/host/contract.py" result "$(cat "$board/rc")" "$board/out" "$board/err" \
		"$board/reasons.json" "$1" "$2")
	[ "$1" -ge 0 ] && set -- "$1" "$2" "$3: exit $1${2:+ ($2)},"
	is "$problems" "" "$(echo "$3" | sed "s|$board/||g") one JSON object"
}
m() { # m EXPR: the Python expression EXPR over the last result (d), as json_q
	"$py" -c 'import json, sys; d = json.load(sys.stdin); v = eval(sys.argv[1], {"d": d}); print(json.dumps(v) if isinstance(v, (dict, list)) or v is None or isinstance(v, bool) else v)' "$1" <"$board/out"
}
progress() { # FILE COMPONENTS WHAT: progress lines of the last sfj install
	is "$("$py" "$TOP/updater/tests/host/contract.py" progress "$1" "$2" "$board/out")" "" "$3"
}

# ---- the reasons ------------------------------------------------------------
sf --json help reasons | "$py" -c 'import json, sys; print(json.dumps({k: v["exit"] for k, v in json.load(sys.stdin)["reasons"].items()}))' \
	>"$board/reasons.json"
ok $? "help reasons --json lists the reasons"
sed -n '/^## Exit codes and reasons/,/^## /p' "$TOP/docs/agent.md" | grep '^| `' >"$board/reasons.md"
is "$(sf help reasons)" "$(cat "$board/reasons.md")" "'slotflip help reasons' prints the table of docs/agent.md"
is "$("$py" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$board/reasons.json")" \
	"$(wc -l <"$board/reasons.md" | tr -d ' ')" "  as many reasons in --json"
missing=""
for code in $("$py" -c 'import json, sys; print(" ".join(sorted({str(v) for v in json.load(open(sys.argv[1])).values()})))' "$board/reasons.json"); do
	grep -q "^| $code |" "$TOP/docs/exit-codes.md" || missing="$missing $code"
done
is "$missing" "" "  every reason's exit code is in docs/exit-codes.md"
missing=""
for r in signature-invalid unknown-key wrong-board below-floor wrong-baseline input-truncated input-unreadable slot-io \
	slot-too-small env-damaged env-full busy permission-denied health-check-failed deadline tries-exhausted removed-before; do
	grep -q "\"$r\"" "$board/reasons.json" || missing="$missing $r"
done
is "$missing" "" "  the reasons agents asked for are all there"

# ---- help and usage ---------------------------------------------------------
for cmd in init install status boot-check activate commit remove repair policy; do
	out=$(sf "$cmd" --help 2>"$board/e")
	is "$?" 0 "$cmd --help: exit 0"
	like "$out" "usage: slotflip $cmd" "  prints its usage on standard output"
	is "$(wc -c <"$board/e")" 0 "  nothing on standard error"
	ok "$([ "$(echo "$out" | wc -l)" -ge 4 ]; echo $?)" "  the full usage: what it does, not one line"
	is "$(sf help "$cmd")" "$out" "  'slotflip help $cmd' prints the same"
	sfj "$cmd" --help
	contract 0 "" "  $cmd --help --json"
	is "$(m 'd["usage"]')" "$out" "  the usage member holds it"
	sf "$cmd" --no-such-option >"$board/o" 2>"$board/e"
	is "$?" 2 "$cmd --no-such-option: exit 2"
	like "$(cat "$board/e")" "unknown option or missing value '--no-such-option'; usage: slotflip $cmd" \
		"  names the option, with a short usage"
	is "$(wc -l <"$board/e" | tr -d ' ')$(wc -c <"$board/o" | tr -d ' ')" 10 "  in one line on standard error, nothing on standard output"
	sfj "$cmd" --no-such-option
	contract 2 usage "  with --json"
done
out=$(sf help)
is "$?" 0 "help: exit 0"
missing=""
for cmd in init install status boot-check activate commit remove repair policy bundle; do
	case $out in *"slotflip $cmd"*) ;; *) missing="$missing $cmd" ;; esac
done
is "$missing" "" "  names every command"
is "$(sf --help)" "$out" "  --help prints the same"
sfj help
contract 0 "" "help --json"
is "$(m 'd["usage"]')" "$out" "  the usage member holds it"
sfj help nosuch
contract 2 usage "help of an unknown command"
out=$(sf --version)
like "$out" "slotflip " "--version names the version"
sfj --version
contract 0 "" "--version --json"
is "$(m '[type(d.get(k)).__name__ for k in ("version", "sha256_engine")]')" '["str", "str"]' \
	"  members: version and sha256_engine"
like "$out" "slotflip $(m 'd["version"]')
sha256 engine: $(m 'd["sha256_engine"]')" "  the same as --version prints"
sf --no-such-option >"$board/o" 2>"$board/e"
is "$?" 2 "slotflip --no-such-option: exit 2"
is "$(cat "$board/e")" "slotflip: unknown option or missing value '--no-such-option'; $(sf help 2>&1 | head -n 1) (see 'slotflip help')" \
	"  names it in one line, with a short usage"
sfj --no-such-option
contract 2 usage "  with --json"
sfj
contract 2 usage "no command"
sfj frobnicate
contract 2 usage "an unknown command"

# ---- a factory-fresh environment ----------------------------------------------
make_bundle "$board/pa.fit" webkit "26.3 (a)" 6 26.3 >/dev/null
before=$(board_sum)
for cmd in status "install $board/pa.fit" boot-check activate commit "remove webkit" "repair webkit --active a" policy \
	"policy set automatic=on"; do
	sfj $cmd
	contract 7 env-blank "$cmd before init"
done
is "$(board_sum)" "$before" "  nothing written"
sfj status
is "$(m 'd["board"]')" sim-x86_64 "  status names the board even so"
sfj --config "$board/none.dtb" status
contract 7 config-invalid "a missing system description"
sfj init --factory webkit
contract 2 usage "init --factory webkit"
sfj init --factory nosuch=1.0:1
contract 2 unknown-component "init --factory of a component the board lacks"
sfj init --factory webkit=26.3:5
contract 0 "" "init --factory webkit=26.3:5"
is "$(m 'sorted(d["components"])')" '["kernel", "libcrypto", "webkit"]' "  components: every one of the board"
is "$(m 'd["components"]["webkit"]')" '{"active": "a", "version": "26.3", "floor": 5}' "  webkit: active a, 26.3, floor 5"
is "$(m 'd["components"]["kernel"]')" '{"active": "a", "version": null, "floor": 0}' "  kernel: active a, no version, floor 0"
sfj init
contract 4 env-initialised "init again"

# ---- install: each failure class ------------------------------------------------
refused() { # EXIT REASON WHAT: nothing written either
	contract "$1" "$2" "$3"
	is "$(board_sum)" "$before" "  env and slots byte-identical"
}
before=$(board_sum)
sfj install "$board/missing.fit"
refused 10 input-not-found "install of a missing bundle"
sfj install "$board/slots"
refused 10 input-not-a-file "install of a directory"
sfj install /dev/null
refused 10 input-not-a-file "install of a device"
printf 'garbage' >"$board/garbage.fit"
sfj install "$board/garbage.fit"
refused 3 not-a-bundle "install of a file that is no bundle"
cp "$board/pa.fit" "$board/forged.fit"
"$py" - "$board/forged.fit" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
j = b.find(struct.pack('>I', 6), 0, 4096)  # the only big-endian 6 in the header: the security version
b[j:j + 4] = struct.pack('>I', 9)
open(p, 'wb').write(bytes(b))
PY
cat "$board/forged.fit" | sfj install -
refused 3 "" "a forged bundle piped in"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$board/signing/evil.key" 2>/dev/null
KEY=$board/signing/evil.key make_bundle "$board/evil.fit" webkit 26.4 7 >/dev/null
sfj install "$board/evil.fit"
refused 3 "" "a bundle signed by an unknown key"
BOARD_NAME=rpi4 make_bundle "$board/rpi.fit" webkit 26.4 7 >/dev/null
sfj install "$board/rpi.fit"
refused 4 wrong-board "a bundle for another board"
make_bundle "$board/old.fit" webkit 26.2 4 >/dev/null
sfj install "$board/old.fit"
refused 4 below-floor "a security version below the floor"
make_bundle "$board/other.fit" webkit "26.9 (a)" 7 26.9 >/dev/null
sfj install "$board/other.fit"
refused 4 wrong-baseline "a patch for another baseline"
make_bundle "$board/chromium.fit" chromium 1.0 1 >/dev/null
sfj install "$board/chromium.fit"
refused 4 component-not-on-board "a component the board lacks"
make_bundle "$board/req.fit" libcrypto 3.1 2 "" --requires "kernel>=9" >/dev/null
sfj install "$board/req.fit"
refused 4 requires-unmet "an unmet requirement"
make_bundle "$board/big.fit" kernel 1.0 1 >/dev/null
truncate -s 512K "$board/slots/kernel_b.img"
before=$(board_sum)
sfj install "$board/big.fit"
refused 4 slot-too-small "an image larger than its slot"
truncate -s 2M "$board/slots/kernel_b.img"
before=$(board_sum)
sfj install --auto "$board/pa.fit"
refused 4 automatic-off "install --auto while automatic updates are off"
for args in "" "$board/pa.fit $board/pa.fit" "--progress=xml $board/pa.fit" "--progress-fd=77 $board/pa.fit" \
	"--progress-fd=x $board/pa.fit"; do
	sfj install $args
	refused 2 usage "install $args"
done
cp "$board/system.dtb" "$board/full.dtb"
fdtput -ts "$board/full.dtb" /components/webkit slot-b /dev/full
sfj --config "$board/full.dtb" install "$board/pa.fit"
refused 5 slot-io "install into a slot on a device that cannot take it"
cp "$board/pa.fit" "$board/tampered.fit"
printf 'X' | dd of="$board/tampered.fit" bs=1 seek=5000 conv=notrunc status=none
sfj install "$board/tampered.fit"
contract 3 hash-mismatch "a payload that does not match its signed hash"
is "$(env_get sf_webkit_trial)$(env_get sf_webkit_active)" a "  nothing armed, slot a active"
head -c 300000 "$board/pa.fit" | sfj install --progress=json --progress-fd=3 - 3>"$board/p3"
contract 9 input-truncated "a download cut short, piped in"
progress "$board/p3" webkit "  progress: the phases so far, then failed with the result's exit, reason and message"
is "$(env_get sf_webkit_trial)$(env_get sf_webkit_active)$(env_get sf_webkit_a_ver)" a26.3 "  nothing armed, the active slot kept"

# interrupted: SIGTERM while the stream trickles in
mkfifo "$board/fifo"
$as "$SLOTFLIP" --json install --progress=json --progress-fd=3 - <"$board/fifo" >"$board/out" 2>"$board/err" 3>"$board/p3" &
pid=$!
exec 4>"$board/fifo"
head -c 200000 "$board/pa.fit" >&4
sleep 0.5
kill -TERM "$pid"
wait "$pid"
echo $? >"$board/rc"
exec 4>&-
contract 13 interrupted "install stopped by SIGTERM while the stream is slow"
progress "$board/p3" webkit "  progress ends with failed"
is "$(env_get sf_webkit_trial)$(env_get sf_webkit_active)$(env_get sf_webkit_a_ver)" a26.3 "  nothing armed, the active slot kept"

# ---- install: success, progress ---------------------------------------------------
sfj install --progress=json "$board/pa.fit"
contract 0 "" "install of patch 26.3 (a)"
is "$(m 'd["armed"]')" \
	'{"webkit": {"slot": "b", "version": "26.3 (a)", "security_version": 6, "tries": 3, "activation": "soft", "tried_by": "activate"}}' \
	"  armed: webkit in slot b, 3 tries, tried by activate"
is "$(m '[sorted(d["bundle"]), d["bundle"]["board"], d["bundle"]["key"], d["bundle"]["algo"]]')" \
	'[["algo", "board", "id", "key"], "sim-x86_64", "dev", "sha256,ecdsa256"]' "  bundle: id, board, key, algo"
id=$(m 'd["bundle"]["id"]')
ok "$(echo "$id" | grep -qx '[0-9a-f]\{16\}'; echo $?)" "  the bundle id: 16 hex digits"
progress "$board/err" webkit "  --progress=json on standard error: verify, write, readback, sync, arm, done"
sfj status
contract 0 "" "status"
is "$(m '[d["components"]["webkit"][k] for k in ("trial", "tries_left", "set", "booted", "failure", "removed")]')" \
	"[\"b\", 3, \"$id\", null, null, null]" "  webkit: trial b, 3 tries, its set, no failure"
is "$(m 'd["components"]["webkit"]["slots"]["b"]')" \
	"{\"state\": \"trial\", \"version\": \"26.3 (a)\", \"security_version\": 6, \"bundle\": \"$id\", \"requires\": []}" \
	"  slot b names the bundle it came from"
is "$(m '[d["components"]["webkit"]["slots"]["a"][k] for k in ("state", "version", "bundle")]')" '["good", "26.3", null]' \
	"  slot a: the factory image"
is "$(m '[sorted(d["environment"]), d["environment"]["bytes_available"], 0 < d["environment"]["bytes_used"] < 16378]')" \
	'[["bytes_available", "bytes_used"], 16378, true]' "  environment: bytes used and available"
is "$(m '[d["components"][c]["activation"] for c in ("webkit", "kernel")]')" '["soft", "reboot"]' "  activation per component"
sfj status extra
contract 2 usage "status with an operand"

sfj install --progress=json --progress-fd=3 - <"$board/pa.fit" 3>"$board/p3"
contract 0 "" "install - --progress-fd=3"
is "$(wc -c <"$board/err")" 0 "  nothing on standard error"
progress "$board/p3" webkit "  descriptor 3 holds the progress lines and nothing else"
sf install --progress=json --progress-fd=3 "$board/pa.fit" >"$board/o" 2>"$board/e" 3>"$board/p3"
is "$?" 0 "install --progress=json --progress-fd=3 without --json"
like "$(cat "$board/o")" "installed webkit 26.3 (a) into slot b" "  text on standard output"
is "$(wc -c <"$board/e")" 0 "  nothing on standard error"
progress "$board/p3" webkit "  progress lines on descriptor 3"
sfj install --progress "$board/pa.fit"
contract 0 "" "install --progress --json: JSON lines on standard error, no bar"

# ---- activate, boot-check, commit --------------------------------------------------
sfj activate
contract 0 "" "activate of the healthy patch"
is "$(m 'd["components"]')" '{"webkit": "committed"}' "  components: webkit committed"
is "$(env_get sf_webkit_active)" b "  webkit active b"
for cmd in activate boot-check commit; do
	sfj $cmd
	contract 0 "" "$cmd with nothing pending"
	is "$(m 'd["components"]')" '{}' "  components: {}"
done
sfj activate webkit
contract 4 not-armed "activate webkit with nothing armed"
sfj commit webkit
contract 4 not-armed "commit webkit with nothing armed"
for cmd in activate boot-check commit remove; do
	sfj $cmd nosuch
	contract 2 unknown-component "$cmd nosuch"
done

broken_bundle() { # FILE VERSION SV: a webkit patch whose self-test fails
	make_bundle "$1" webkit "$2" "$3" 26.3 >/dev/null
	printf 'BROKEN\n' | dd of="$board/webkit-$3.img" bs=1 seek=100 conv=notrunc status=none
	sf bundle create -o "$1" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit --version "$2" \
		--base-version 26.3 --security-version "$3" --image "$board/webkit-$3.img"
}
broken_bundle "$board/pb.fit" "26.3 (b)" 6
sf install "$board/pb.fit" >/dev/null
sfj activate
contract 6 health-check-failed "activate of an unhealthy patch"
is "$(m 'd["components"]')" '{"webkit": "fell-back"}' "  components: webkit fell back"
sfj status
is "$(m '[d["components"]["webkit"]["failure"][k] for k in ("reason", "version")]')" '["health-check-failed", "26.3 (b)"]' \
	"  status: the failure's reason and version"
like "$(m 'd["components"]["webkit"]["failure"]["detail"]')" "webkit/10-selftest" "  and the failing check"
is "$(m 'd["components"]["webkit"]["slots"]["a"]["state"]')" bad "  slot a bad"

broken_bundle "$board/pc.fit" "26.3 (c)" 7
sf install "$board/pc.fit" >/dev/null
sfj boot-check
contract 6 health-check-failed "boot-check of an unhealthy patch"
is "$(m 'd["components"]')" '{"webkit": "fell-back"}' "  components: webkit fell back"
make_bundle "$board/pt.fit" webkit "26.3 (t)" 7 26.3 >/dev/null
sf install "$board/pt.fit" >/dev/null
fw_setenv -c "$board/fw_env.config" sf_webkit_tries 0
sfj boot-check
contract 6 tries-exhausted "boot-check of a trial with no tries left"
is "$(m 'd["components"]')" '{"webkit": "fell-back"}' "  components: webkit fell back"
make_bundle "$board/pd.fit" webkit "26.3 (d)" 7 26.3 >/dev/null
sf install "$board/pd.fit" >/dev/null
sfj boot-check
contract 0 "" "boot-check of a healthy patch"
is "$(m 'd["components"]')" '{"webkit": "committed"}' "  components: webkit committed"

# a health check past its deadline, then one stopped by SIGTERM
mkdir -p "$board/health.d/libcrypto"
cat >"$board/health.d/libcrypto/10-slow" <<'CHECK'
#!/bin/sh
# A check that takes its time on an image marked SLOW.
if head -c 4096 "$SLOTFLIP_DEVICE" | grep -q SLOW; then sleep 10; fi
CHECK
chmod +x "$board/health.d/libcrypto/10-slow"
make_bundle "$board/slow.fit" libcrypto 3.0 1 >/dev/null
printf 'SLOW\n' | dd of="$board/libcrypto-1.img" bs=1 seek=100 conv=notrunc status=none
sf bundle create -o "$board/slow.fit" -b sim-x86_64 -k "$board/signing/dev.key" --component libcrypto --version 3.0 \
	--security-version 1 --image "$board/libcrypto-1.img"
fdtput -t u "$board/system.dtb" / slotflip,health-timeout-ms 300
sf install "$board/slow.fit" >/dev/null
sfj activate libcrypto
contract 6 deadline "activate of a patch whose check outlives the deadline"
is "$(m 'd["components"]')" '{"libcrypto": "fell-back"}' "  components: libcrypto fell back"
fdtput -t u "$board/system.dtb" / slotflip,health-timeout-ms 20000
make_bundle "$board/slow2.fit" libcrypto 3.1 2 >/dev/null
printf 'SLOW\n' | dd of="$board/libcrypto-2.img" bs=1 seek=100 conv=notrunc status=none
sf bundle create -o "$board/slow2.fit" -b sim-x86_64 -k "$board/signing/dev.key" --component libcrypto --version 3.1 \
	--security-version 2 --image "$board/libcrypto-2.img"
sf install "$board/slow2.fit" >/dev/null
"$SLOTFLIP" --json activate libcrypto >"$board/out" 2>"$board/err" &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"
echo $? >"$board/rc"
contract 13 interrupted "activate stopped by SIGTERM during the health checks"
is "$(m 'd["components"]')" '{"libcrypto": "interrupted"}' "  components: libcrypto interrupted"
is "$(env_get sf_libcrypto_trial)$(env_get sf_libcrypto_tries)" b2 "  the trial stays armed, its try spent"
fdtput -t u "$board/system.dtb" / slotflip,health-timeout-ms 5000
sfj remove libcrypto
contract 0 "" "remove of an armed trial"
is "$(m 'd')" '{"ok": true, "exit": 0, "reason": null, "message": null, "component": "libcrypto", "active": "a", "version": null}' \
	"  component, active slot and version"
is "$(env_get sf_libcrypto_trial)" "" "  the trial dropped"

# ---- a bundle holding a reboot component ---------------------------------------------
make_image "$board/kernel-1.img" "kernel 6.1"
make_image "$board/libcrypto-3.img" "libcrypto 3.2"
sf bundle create -o "$board/mixed.fit" -b sim-x86_64 -k "$board/signing/dev.key" \
	--component kernel --version 6.1 --security-version 1 --image "$board/kernel-1.img" \
	--component libcrypto --version 3.2 --security-version 3 --image "$board/libcrypto-3.img"
sfj install --progress=json "$board/mixed.fit"
contract 0 "" "install of a bundle with a kernel and a soft component"
progress "$board/err" kernel,libcrypto "  progress: each component's write, readback and sync in bundle order"
is "$(m '[(c, a["activation"], a["tried_by"]) for c, a in sorted(d["armed"].items())]')" \
	'[["kernel", "reboot", "reboot"], ["libcrypto", "soft", "activate"]]' "  armed: the kernel tried by a reboot, libcrypto by activate"
mid=$(m 'd["bundle"]["id"]')
before=$(board_sum)
sfj activate
contract 12 waiting-for-reboot "activate of the mixed bundle"
is "$(m 'd["components"]')" '{"libcrypto": "waiting-for-reboot", "kernel": "waiting-for-reboot"}' \
	"  components: both wait for the reboot"
is "$(board_sum)" "$before" "  nothing switched"
sfj activate kernel
contract 4 needs-reboot "activate kernel"
sfj commit kernel
contract 4 not-tried "commit of a kernel that has not booted"
sfj boot-check
contract 0 "" "boot-check at a boot that did not try the kernel"
is "$(m 'sorted(set(d["components"].values()))')" '["waiting-for-reboot"]' "  the set waits"
sfj status
is "$(m '[d["components"][c]["set"] for c in ("kernel", "libcrypto")]')" "[\"$mid\", \"$mid\"]" "  status: one armed set"
echo "root=/dev/vda slotflip.kernel=b" >"$SLOTFLIP_CMDLINE"
sfj status
is "$(m '[d["components"]["kernel"]["booted"], d["components"]["libcrypto"]["booted"]]')" '["b", null]' \
	"  status: the slot U-Boot booted (reboot components only)"
sfj boot-check
contract 0 "" "boot-check after the reboot into the kernel"
is "$(m 'd["components"]')" '{"libcrypto": "committed", "kernel": "committed"}' "  components: both committed"
make_bundle "$board/k2.fit" kernel 6.2 2 >/dev/null
sfj install "$board/k2.fit"
is "$(m 'd["armed"]["kernel"]["slot"] + d["armed"]["kernel"]["tried_by"]')" areboot "install of a kernel: slot a, tried by a reboot"
sfj commit
contract 0 "" "commit before the kernel booted"
is "$(m 'd["components"]')" '{}' "  components: {}, the kernel stays armed"
echo "root=/dev/vda slotflip.kernel=a" >"$SLOTFLIP_CMDLINE"
sfj commit
contract 0 "" "commit after it booted"
is "$(m 'd["components"]')" '{"kernel": "committed"}' "  components: the kernel committed"
is "$(env_get sf_kernel_active)" a "  kernel active a"

# ---- remove, repair ------------------------------------------------------------------
sfj remove webkit
contract 0 "" "remove webkit"
is "$(m '[d[k] for k in ("component", "active", "version")]')" '["webkit", "b", "26.3 (a)"]' "  back to 26.3 (a) in slot b"
sfj status
is "$(m 'd["components"]["webkit"]["removed"]')" '{"version": "26.3 (d)", "security_version": 7}' "  status: the removed patch"
sfj remove webkit
contract 4 cannot-remove "remove webkit again"
sfj install "$board/pd.fit"
contract 4 removed-before "install of the removed patch"
sfj remove
contract 2 usage "remove without a component"
sfj repair webkit --active a
contract 4 state-readable "repair of a component whose state reads"
for args in "webkit" "webkit --active c" "webkit --active a --floor x"; do
	sfj repair $args
	contract 2 usage "repair $args"
done
sfj repair nosuch --active a
contract 2 unknown-component "repair nosuch"
fw_setenv -c "$board/fw_env.config" sf_libcrypto_tries xyz
sfj status
contract 0 "" "status with a malformed variable"
is "$(m '[d["components"]["libcrypto"][k] for k in ("state", "activation")] + [d["components"]["libcrypto"]["error"]["reason"]]')" \
	'["unreadable", "soft", "env-malformed"]' "  libcrypto: unreadable, why"
sfj activate libcrypto
contract 7 env-malformed "activate of that component"
sfj boot-check
contract 7 env-malformed "boot-check"
is "$(m 'd["components"]')" '{"libcrypto": "unreadable"}' "  components: libcrypto unreadable"
sfj repair libcrypto --active b
contract 0 "" "repair libcrypto --active b"
is "$(m '[d[k] for k in ("component", "active", "version")]')" '["libcrypto", "b", "3.2"]' "  libcrypto 3.2 in slot b runs"

# ---- policy -------------------------------------------------------------------------
sfj policy
contract 0 "" "policy"
is "$(m '[d[k] for k in ("automatic", "window", "now", "in_window", "due")] + [bool(d["reboot_command"])]')" \
	'[false, null, "13:05", true, "off", true]' "  automatic, window, now, in_window, due, reboot_command"
sfj policy set automatic=on window=02:00-04:00
contract 0 "" "policy set automatic=on window=02:00-04:00"
is "$(m '[d[k] for k in ("automatic", "window", "in_window", "due")]')" '[true, "02:00-04:00", false, "outside-window"]' \
	"  the new policy"
make_bundle "$board/pe.fit" webkit "26.3 (e)" 8 26.3 >/dev/null
sfj install --auto "$board/pe.fit"
contract 0 "" "install --auto"
is "$(m 'd["armed"]["webkit"]["tried_by"]')" "activate --due" "  tried by activate --due"
sfj activate --due
contract 0 "" "activate --due outside the window"
is "$(m 'd["components"]')" '{}' "  components: {}"
for args in "set automatic=maybe" "set" "show"; do
	sfj policy $args
	contract 2 usage "policy $args"
done
(SLOTFLIP_NOW=25:00 && export SLOTFLIP_NOW && sfj policy)
contract 2 usage "policy with SLOTFLIP_NOW=25:00"
fw_setenv -c "$board/fw_env.config" sf_auto yes
sfj policy
contract 7 env-malformed "policy with sf_auto=yes"
sfj install --auto "$board/pe.fit"
contract 7 env-malformed "install --auto with sf_auto=yes"
sfj policy set automatic=off window=none
contract 0 "" "policy set of both settings replaces it"

# ---- busy: an install holds the lock --------------------------------------------------
"$SLOTFLIP" install - <"$board/fifo" >/dev/null 2>&1 &
holder=$!
exec 4>"$board/fifo"
head -c 100 "$board/pe.fit" >&4
sleep 0.5
for cmd in "install $board/pe.fit" init boot-check activate commit "remove webkit" "repair webkit --active a" \
	"policy set automatic=on"; do
	sfj $cmd
	contract 8 busy "$cmd while another install runs"
done
like "$(m 'd["message"]')" "pid $holder" "  naming the holder"
sfj status
contract 0 "" "status still answers"
sfj policy
contract 0 "" "policy still answers"
tail -c +101 "$board/pe.fit" >&4
exec 4>&-
wait "$holder"
ok $? "the holder's install completes"

# ---- permission: an unprivileged user on a board it cannot write ------------------------
before=$(board_sum)
as="setpriv --reuid=nobody --regid=nogroup --clear-groups"
for cmd in "install $board/pe.fit" init boot-check activate commit "remove webkit" "repair webkit --active a" \
	"policy set automatic=on"; do
	sfj $cmd
	contract 11 permission-denied "$cmd by nobody (the lock)"
done
mkdir "$board/nobody"
chmod 777 "$board/nobody"
as="env SLOTFLIP_LOCK=$board/nobody/lock setpriv --reuid=nobody --regid=nogroup --clear-groups"
sfj install "$board/pe.fit"
contract 11 permission-denied "install by nobody (a slot)"
sfj activate
contract 11 permission-denied "activate by nobody (the environment)"
sfj policy set automatic=on
contract 11 permission-denied "policy set by nobody (the environment)"
cp "$board/pe.fit" "$board/private.fit"
chmod 600 "$board/private.fit"
sfj install "$board/private.fit"
contract 11 permission-denied "install by nobody of a bundle it may not read"
sfj status
contract 0 "" "status by nobody"
is "$(board_sum)" "$before" "  nothing written"
as=""

# ---- a full environment -----------------------------------------------------------------
small=$board/small
"$TOP/scripts/sim-board.sh" "$small" 2 >/dev/null
printf '%s 0x0000 0x60\n%s 0x4000 0x60\n' "$small/uboot.env" "$small/uboot.env" >"$small/fw_env.config"
sfj --config "$small/system.dtb" init
contract 7 env-full "init of an environment too small for the state"
is "$(md5sum <"$small/uboot.env")" "$(head -c 32768 /dev/zero | md5sum)" "  nothing written"
printf '%s 0x0000 0x100\n%s 0x4000 0x100\n' "$small/uboot.env" "$small/uboot.env" >"$small/fw_env.config"
sf --config "$small/system.dtb" init >/dev/null
KEY=$small/signing/dev.key make_bundle "$board/small.fit" webkit 26.3 5 >/dev/null
sum=$(md5sum <"$small/uboot.env")
sfj --config "$small/system.dtb" install --progress=json --progress-fd=3 "$board/small.fit" 3>"$board/p3"
contract 7 env-full "install into a full environment"
progress "$board/p3" webkit "  progress: failed"
is "$(md5sum <"$small/uboot.env")" "$sum" "  nothing written"
sfj --config "$small/system.dtb" status
is "$(m 'd["environment"]["bytes_available"]')" 250 "  status: 250 bytes available"
printf 'X' | dd of="$small/uboot.env" bs=1 seek=100 conv=notrunc status=none
printf 'X' | dd of="$small/uboot.env" bs=1 seek=16484 conv=notrunc status=none
for cmd in status init; do
	sfj --config "$small/system.dtb" $cmd
	contract 7 env-damaged "$cmd with both copies damaged"
done

# ---- bundle create, verify, info: one object each -----------------------------------------
for args in "info $board/pa.fit" "verify --keyring $board/keys $board/pa.fit" "info $board/missing.fit" \
	"verify --keyring $board/keys $board/garbage.fit" "create -o $board/x.fit" \
	"create -o $board/x.fit -b sim-x86_64 -k $board/signing/dev.key --component webkit --version 1 --security-version 1 --image $board/webkit-6.img"; do
	sfj bundle $args
	contract -1 "" "bundle $args:"
done

# ---- the example agent ----------------------------------------------------------------------
ag=$board/ag
"$TOP/scripts/sim-board.sh" "$ag" 2 >/dev/null
cat >"$board/slow.sh" <<'SH'
#!/bin/sh
# A slow download: the bundle in two parts.
head -c 65536 "$1"
sleep 0.2
tail -c +65537 "$1"
SH
cat >"$board/flaky.sh" <<'SH'
#!/bin/sh
# A download that stops early the first time.
if [ -e "$1.once" ]; then exec "$(dirname "$0")/slow.sh" "$1"; fi
: >"$1.once"
head -c 300000 "$1"
SH
chmod +x "$board/slow.sh" "$board/flaky.sh"
tries=3
agent() { # PRODUCER BUNDLE: the agent's output in $out, its exit status in $rc ($tries attempts)
	out=$(SLOTFLIP_CONFIG="$ag/system.dtb" SLOTFLIP_LOCK="$ag/lock" AGENT_PAUSE=0 AGENT_TRIES=$tries \
		AGENT_REBOOT="echo reboot >>'$ag/rebooted'" "$TOP/scripts/agent-example.sh" "$@" 2>&1)
	rc=$?
}
decisions() { echo "$out" | grep '^decision: ' | sed 's/ - .*//'; }
aenv() { fw_printenv -c "$ag/fw_env.config" -n "$1" 2>/dev/null; }
sf --config "$ag/system.dtb" init --factory webkit=26.3:5 >/dev/null
KEY=$ag/signing/dev.key make_bundle "$board/a1.fit" webkit "26.3 (a)" 6 26.3 >/dev/null
agent "$board/slow.sh" "$board/a1.fit"
is "$rc" 0 "agent, a healthy patch: exit 0"
is "$(decisions)" "decision: install exit 0 (ok): armed
decision: activate exit 0 (ok): webkit: committed" "  decides: activate; committed"
is "$(echo "$out" | grep '^progress: ' | grep -v '%$' | tr '\n' '|')" \
	"progress: verify|progress: write webkit|progress: readback webkit|progress: sync webkit|progress: arm|" \
	"  follows the progress"
is "$(aenv sf_webkit_active)" b "  webkit active b"

make_bundle "$board/a2.fit" webkit "26.3 (b)" 6 26.3 >/dev/null
printf 'BROKEN\n' | dd of="$board/webkit-6.img" bs=1 seek=100 conv=notrunc status=none
sf bundle create -o "$board/a2.fit" -b sim-x86_64 -k "$ag/signing/dev.key" --component webkit --version "26.3 (b)" \
	--base-version 26.3 --security-version 6 --image "$board/webkit-6.img"
agent "$board/slow.sh" "$board/a2.fit"
is "$rc" 6 "agent, an unhealthy patch: exit 6"
is "$(decisions)" "decision: install exit 0 (ok): armed
decision: activate exit 6 (health-check-failed): report (webkit: fell-back); 'slotflip status --json' names the failure" \
	"  decides: report the fallback"
is "$(aenv sf_webkit_active)$(aenv sf_webkit_bad)" ba "  rolled back: webkit active b, slot a bad"

KEY=$ag/signing/dev.key make_bundle "$board/a3.fit" webkit "26.3 (c)" 7 26.3 >/dev/null
agent "$board/flaky.sh" "$board/a3.fit"
is "$rc" 0 "agent, a download cut short once: exit 0"
is "$(decisions)" "decision: install exit 9 (input-truncated): retry the download (attempt 2 of 3)
decision: install exit 0 (ok): armed
decision: activate exit 0 (ok): webkit: committed" "  decides: retry, then activate; committed"
is "$(aenv sf_webkit_active)" a "  webkit active a"

cp "$board/a3.fit" "$board/a4.fit"
"$py" - "$board/a4.fit" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
j = b.find(struct.pack('>I', 7), 0, 4096)  # the security version
b[j:j + 4] = struct.pack('>I', 9)
open(p, 'wb').write(bytes(b))
PY
sum=$(cat "$ag/uboot.env" "$ag"/slots/*.img | md5sum)
agent "$board/slow.sh" "$board/a4.fit"
is "$rc" 3 "agent, a forged bundle: exit 3"
like "$(decisions)" "decision: install exit 3 (" "  decides: reject"
is "$(decisions | wc -l | tr -d ' ')$(echo "$out" | grep -c '^progress: verify')" 11 "  once, not fetched again"
is "$(cat "$ag/uboot.env" "$ag"/slots/*.img | md5sum)" "$sum" "  nothing written"

make_image "$board/kernel-9.img" "kernel 6.1"
make_image "$board/libcrypto-9.img" "libcrypto 3.0"
sf bundle create -o "$board/a5.fit" -b sim-x86_64 -k "$ag/signing/dev.key" \
	--component kernel --version 6.1 --security-version 1 --image "$board/kernel-9.img" \
	--component libcrypto --version 3.0 --security-version 1 --image "$board/libcrypto-9.img"
agent "$board/slow.sh" "$board/a5.fit"
is "$rc" 0 "agent, a bundle with a kernel: exit 0"
is "$(decisions)" "decision: install exit 0 (ok): armed
decision: activate exit 12 (waiting-for-reboot): reboot" "  decides: reboot"
is "$(cat "$ag/rebooted" 2>/dev/null)" reboot "  the reboot command ran"
is "$(aenv sf_kernel_trial)$(aenv sf_libcrypto_trial)" bb "  both stay armed for the boot-check"

tries=2
agent false
is "$rc" 3 "agent, a download that fails at once: exit 3"
is "$(decisions)" "decision: install exit 3 (not-a-bundle): retry the download (attempt 2 of 2)
decision: install exit 3 (not-a-bundle): give up after 2 attempts, report" "  decides: retry, then give up"
SLOTFLIP_CONFIG="$ag/system.dtb" SLOTFLIP_LOCK="$ag/lock" "$SLOTFLIP" install - <"$board/fifo" >/dev/null 2>&1 &
holder=$!
exec 4>"$board/fifo"
sleep 0.3
agent "$board/slow.sh" "$board/a3.fit"
is "$rc" 8 "agent while another install runs: exit 8"
is "$(decisions)" "decision: install exit 8 (busy): retry the download (attempt 2 of 2)
decision: install exit 8 (busy): give up after 2 attempts, report" "  decides: retry, then give up"
exec 4>&-
wait "$holder"

codes=""
for code in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 99; do
	codes="$codes $code:$("$TOP/scripts/agent-example.sh" --decide "$code")"
done
is "$codes" " 0:proceed 1:report 2:fix 3:reject 4:reject 5:report 6:report 7:operator 8:retry 9:retry 10:fix 11:fix 12:reboot 13:retry 99:report" \
	"agent: a decision for every exit code"
done_testing
