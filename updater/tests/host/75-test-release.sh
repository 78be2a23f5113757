#!/bin/sh
# Test releases from outside, as an agent meets them (docs/bundles.md "Test
# releases"): a signed patch carrying the running baseline's own image is
# installed, activated, committed and at once taken back to the baseline, byte
# for byte, and recorded in status; it never blocks a later patch; a failing one
# is recorded failed; one on a component that does not run its base, or a mark
# on a baseline, is refused with nothing written; as a delta from the baseline
# itself it is a bundle of 1.5 KB; the mark can be neither added to a signed
# bundle nor stripped from one.
. "$TOP/updater/tests/host/common.inc"
new_board
sf init >/dev/null || exit 1
key=$board/signing/dev.key
now() { date +%s; }
md5() { md5sum "$1" | cut -d' ' -f1; }
tr_status() { sf status --json | json_q "$1"; }

# the baseline webkit 26.3, committed in slot b
make_image "$board/webkit-26.3.img" "webkit 26.3"
sf bundle create -o "$board/base.fit" -b sim-x86_64 -k "$key" --component webkit --version 26.3 \
	--security-version 5 --image "$board/webkit-26.3.img" >/dev/null &&
	sf install "$board/base.fit" >/dev/null && sf activate >/dev/null
ok $? "baseline webkit 26.3 installed and committed"
is "$(env_get sf_webkit_active)" b "  running from slot b"
is "$(tr_status 'd["components"]["webkit"]["test_release"]')" null "  status: no test release yet"

# ---- the test release: the baseline's own image as patch "26.3 (t)" ------------------
test_release() { # OUT [VERSION [BASE]]: a test release of the baseline's image
	sf bundle create --test-release -o "$1" -b sim-x86_64 -k "$key" --component webkit \
		--version "${2:-26.3 (t)}" --base-version "${3:-26.3}" --security-version 5 \
		--image "$board/webkit-26.3.img"
}
out=$(test_release "$board/test.fit")
ok $? "bundle create --test-release of the baseline's image"
out=$(sf bundle info "$board/test.fit")
like "$out" "test release: installed, activated, then removed again automatically" "  bundle info says it is a test release"
is "$(sf bundle info --json "$board/test.fit" | json_q 'd["test_release"]')" true "  bundle info --json: test_release true"
is "$(sf bundle verify --json "$board/test.fit" | json_q '[d["verified"], d["test_release"]]')" '[true, true]' \
	"  bundle verify --json: verified, test_release true"
is "$(sf bundle info --json "$board/base.fit" | json_q 'd["test_release"]')" false "  a plain bundle: test_release false"
sf bundle info "$board/base.fit" | grep -q "test release"
is "$?" 1 "  and bundle info says nothing of a test release"

slot_b=$(md5 "$board/slots/webkit_b.img")
t0=$(now)
sf install "$board/test.fit" >/dev/null
ok $? "the test release installs"
is "$(env_get sf_webkit_trial)" a "  armed in slot a"
like "$(env_get sf_webkit_test)" "armed " "  sf_webkit_test records it armed"
is "$(tr_status 'd["components"]["webkit"]["test_release"]["result"]')" armed "  status: result armed"
out=$(sf activate --json)
ok $? "activate: exit 0"
is "$(echo "$out" | json_q 'd["components"]')" '{"webkit": "committed"}' "  webkit committed"
t1=$(now)
is "$(env_get sf_webkit_active)" b "  then back to the baseline at once: slot b active"
is "$(env_get sf_webkit_trial)" "" "  nothing armed"
is "$(md5 "$board/slots/webkit_b.img")" "$slot_b" "  the baseline's slot is byte for byte what it was"
cmp -s -n 1048576 "$board/webkit-26.3.img" "$board/slots/webkit_b.img"
ok $? "  and holds the baseline image"
is "$(env_get sf_webkit_removed)" "" "  no removal record (sf_webkit_removed empty)"
is "$(env_get sf_webkit_floor)" 5 "  the floor unchanged"
tr=$(sf status --json)
is "$(echo "$tr" | json_q '[d["components"]["webkit"]["slots"][s]["state"] for s in "ab"]')" '["removed", "good"]' \
	"  status: slot a removed, slot b good"
is "$(echo "$tr" | json_q 'sorted(d["components"]["webkit"]["test_release"])')" \
	'["activate_ms", "install_ms", "remove_ms", "result", "version", "when"]' \
	"  status --json: test_release {version, result, when, install_ms, activate_ms, remove_ms}"
is "$(echo "$tr" | json_q '[d["components"]["webkit"]["test_release"][k] for k in ("version", "result")]')" \
	'["26.3 (t)", "passed"]' "  version 26.3 (t), result passed"
when=$(echo "$tr" | json_q 'd["components"]["webkit"]["test_release"]["when"]')
case $when in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) ok 0 "  when is UTC ($when)" ;;
*) ok 1 "  when is UTC ($when)" ;;
esac
w=$(date -u -d "$when" +%s 2>/dev/null || echo 0)
ok "$([ "$w" -ge "$t0" ] && [ "$w" -le "$t1" ]; echo $?)" "  and the time of the install"
is "$(echo "$tr" | json_q 'all(isinstance(d["components"]["webkit"]["test_release"][k], int) and d["components"]["webkit"]["test_release"][k] < 60000 for k in ("install_ms", "activate_ms", "remove_ms"))')" \
	true "  install_ms, activate_ms, remove_ms: milliseconds"
like "$(sf status)" "test release 26.3 (t): passed (install " "  status (text) shows it"
sf boot-check >/dev/null
ok $? "the next boot-check: nothing pending"
is "$(env_get sf_webkit_active)/$(md5 "$board/slots/webkit_b.img")" "b/$slot_b" "  still the baseline"

# ---- its removal never blocks a real patch, whatever its letter ----------------------
make_bundle "$board/patch-t.fit" webkit "26.3 (t)" 5 26.3 >/dev/null
sf install "$board/patch-t.fit" >/dev/null
ok $? "a real patch of the test release's own version 26.3 (t) installs"
make_bundle "$board/patch-a.fit" webkit "26.3 (a)" 5 26.3 >/dev/null
sf install "$board/patch-a.fit" >/dev/null && sf activate >/dev/null
ok $? "a real patch 26.3 (a) of the same security version installs and commits"
is "$(env_get sf_webkit_active)/$(env_get sf_webkit_a_ver)" "a/26.3 (a)" "  it runs from slot a"
is "$(tr_status 'd["components"]["webkit"]["test_release"]["result"]')" passed "  the record of the test release stays"

# ---- a test release on a component that does not run its base: nothing written -------
sum=$(board_sum)
sf_rc install "$board/test.fit"
is "$rc" 4 "a test release while patch 26.3 (a) runs: refused (exit 4)"
like "$msg" "a test release runs on its baseline: webkit 26.3 (t) needs 26.3, slot a runs 26.3 (a)" "  with the reason"
is "$(sf install --json "$board/test.fit" | json_q 'd["reason"]')" wrong-baseline "  reason wrong-baseline"
is "$(board_sum)" "$sum" "  nothing written"
sf remove webkit >/dev/null
ok $? "the user removes 26.3 (a): the baseline runs again"
test_release "$board/test-26.2.fit" "26.2 (t)" 26.2 >/dev/null
sum=$(board_sum)
sf_rc install "$board/test-26.2.fit"
is "$rc" 4 "a test release of baseline 26.2 while 26.3 runs: refused (exit 4)"
is "$(board_sum)" "$sum" "  nothing written"

# ---- a failing health check: recorded failed, the baseline runs ---------------------
slot_b=$(md5 "$board/slots/webkit_b.img")
sf install "$board/test.fit" >/dev/null
ok $? "a test release after the user's removal of 26.3 (a) installs (it reinstalls nothing removed)"
printf '#!/bin/sh\necho "webkit: the shop page does not load" >&2\nexit 1\n' >"$board/health.d/webkit/20-shop"
chmod +x "$board/health.d/webkit/20-shop"
sf_rc activate
rm -f "$board/health.d/webkit/20-shop"
is "$rc" 6 "activate with a failing health check: exit 6 (fell back)"
like "$msg" "20-shop" "  naming the check"
tr=$(sf status --json)
is "$(echo "$tr" | json_q '[d["components"]["webkit"]["test_release"][k] for k in ("version", "result")]')" \
	'["26.3 (t)", "failed"]' "  status: test_release result failed"
is "$(echo "$tr" | json_q '[d["components"]["webkit"][k] for k in ("active", "trial")]')" '["b", null]' \
	"  the baseline in slot b runs, nothing armed"
is "$(echo "$tr" | json_q 'd["components"]["webkit"]["failure"]["reason"]')" health-check-failed \
	"  the failure recorded as any fallback's"
is "$(md5 "$board/slots/webkit_b.img")" "$slot_b" "  the baseline's slot untouched"

# ---- as a delta from the baseline itself: a bundle of a few hundred bytes of payload ----
sf bundle create --test-release -o "$board/test-delta.fit" -b sim-x86_64 -k "$key" --component webkit \
	--version "26.3 (t)" --base-version 26.3 --security-version 5 --image "$board/webkit-26.3.img" \
	--delta-from "$board/webkit-26.3.img" >/dev/null
ok $? "a test release as a delta from the baseline's image"
size=$(stat -c %s "$board/test-delta.fit")
ok "$([ "$size" -lt 4096 ]; echo $?)" "  the whole bundle is $size bytes (the image: 1 MiB)"
sf install "$board/test-delta.fit" >/dev/null && sf activate >/dev/null
ok $? "  installed and activated"
is "$(tr_status '[d["components"]["webkit"]["test_release"]["result"], d["components"]["webkit"]["active"]]')" \
	'["passed", "b"]' "  passed, the baseline runs"
is "$(md5 "$board/slots/webkit_b.img")" "$slot_b" "  its slot untouched"
cmp -s -n 1048576 "$board/webkit-26.3.img" "$board/slots/webkit_a.img"
ok $? "  the test release's slot holds the image the delta made: the baseline's"

# ---- the mark on a baseline: refused by create and by install -----------------------
sf_rc bundle create --test-release -o "$board/tr-base.fit" -b sim-x86_64 -k "$key" --component webkit \
	--version 26.4 --security-version 6 --image "$board/webkit-26.3.img"
is "$rc" 2 "bundle create --test-release of a baseline: exit 2"
like "$msg" "a test release holds patches only: component 'webkit' has no --base-version" "  with the reason"
ok "$([ ! -e "$board/tr-base.fit" ]; echo $?)" "  nothing written"
# mkimage writes the mark wherever an .its puts it
mk=$board/mk
mkdir -p "$mk/keys"
cp "$key" "$mk/keys/dev.pem"
cp "$board/webkit-26.3.img" "$mk/webkit.img"
cat >"$mk/base.its" <<'ITS'
/dts-v1/;
/ {
	description = "a baseline marked as a test release";
	#address-cells = <1>;
	images {
		webkit-1 {
			description = "webkit";
			data = /incbin/("webkit.img");
			type = "filesystem";
			compression = "none";
			slotflip,component = "webkit";
			slotflip,version = "26.4";
			slotflip,security-version = <6>;
			hash-1 { algo = "sha256"; };
		};
	};
	configurations {
		default = "conf-1";
		conf-1 {
			description = "simulated board";
			compatible = "sim-x86_64";
			loadables = "webkit-1";
			slotflip,test-release;
			signature-1 {
				algo = "sha256,ecdsa256";
				key-name-hint = "dev";
				sign-images = "loadables";
			};
		};
	};
};
ITS
(cd "$mk" && mkimage -f base.its -k keys -E -p 0x1000 base.fit >/dev/null)
ok $? "mkimage signs a baseline marked as a test release"
is "$(sf bundle verify --json "$mk/base.fit" | json_q '[d["verified"], d["test_release"]]')" '[true, true]' \
	"  it verifies, marked"
sum=$(board_sum)
sf_rc install "$mk/base.fit"
is "$rc" 4 "install of a baseline marked as a test release: refused (exit 4)"
like "$msg" "a test release holds patches only: webkit 26.4 is a baseline" "  with the reason"
is "$(board_sum)" "$sum" "  nothing written"

# ---- the mark can be neither added nor stripped --------------------------------------
# edit_header IN OUT FDTPUT-ARGS...: fdtput on the bundle's header, the data kept at 4 KiB
edit_header() {
	in=$1 out=$2
	shift 2
	hs=$(od -An -tu1 -j4 -N4 "$in" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	head -c "$hs" "$in" >"$board/header.dtb"
	fdtput "$board/header.dtb" "$@" || return 1
	cat "$board/header.dtb" >"$out"
	truncate -s 4096 "$out"
	tail -c +4097 "$in" >>"$out"
}
edit_header "$board/test.fit" "$board/stripped.fit" -d /configurations/conf-1 slotflip,test-release
ok $? "the mark stripped from a signed test release (fdtput -d)"
out=$(sf bundle info --json "$board/stripped.fit")
is "$(echo "$out" | json_q 'd["test_release"]')" false "  bundle info: no longer marked"
sum=$(board_sum)
sf_rc install "$board/stripped.fit"
is "$rc" 3 "  install: refused, verification failed (exit 3)"
is "$(sf install --json "$board/stripped.fit" | json_q 'd["reason"]')" signature-invalid "  signature-invalid"
is "$(board_sum)" "$sum" "  nothing written"
make_bundle "$board/patch-c.fit" webkit "26.3 (c)" 6 26.3 >/dev/null
edit_header "$board/patch-c.fit" "$board/added.fit" /configurations/conf-1 slotflip,test-release
ok $? "the mark added to a signed patch (fdtput)"
is "$(sf bundle info --json "$board/added.fit" | json_q 'd["test_release"]')" true "  bundle info: marked"
sf_rc install "$board/added.fit"
is "$rc" 3 "  install: refused, verification failed (exit 3)"
is "$(sf bundle verify --json "$board/added.fit" | json_q 'd["reason"]')" signature-invalid \
	"  bundle verify: signature-invalid"
is "$(board_sum)" "$sum" "  nothing written"
edit_header "$board/test.fit" "$board/valued.fit" -t s /configurations/conf-1 slotflip,test-release yes
sf_rc bundle info "$board/valued.fit"
is "$rc" 3 "a mark with a value: refused even by bundle info (exit 3)"
like "$msg" "slotflip,test-release has a value" "  with the reason"
done_testing
