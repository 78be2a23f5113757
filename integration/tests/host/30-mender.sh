#!/bin/sh
# The Mender update module and inventory script driven by Debian's real
# mender-client (standalone mode: `mender install`, `commit`, `rollback`) with
# artifacts made by the real mender-artifact, on a simulated board: a healthy
# soft patch, an unhealthy one, a rollback, a reboot component (healthy,
# unhealthy, committed before its reboot) and refused artifacts. The client
# insists on /etc/mender, /var/lib/mender and /usr/share/mender: the flows run
# in a private mount namespace with temporary folders bound over those paths,
# and the test checks that the machine's own are unchanged afterwards.
# Needs root (unshare -m). Prints the time of each flow. With SF_MENDER_SHELL
# (e.g. /bin/busybox) the module and the inventory script run under
# "$SF_MENDER_SHELL sh" instead of /bin/sh (35-mender-busybox.sh).
. "$TOP/updater/tests/host/common.inc"
INTEGRATION=${INTEGRATION:-$BUILD/integration}

# Every file under the paths the client uses, with its checksum.
machine_sum() {
	for d in /etc/mender /var/lib/mender /usr/share/mender; do
		echo "== $d $(readlink "$d")"
		[ -e "$d" ] && find -L "$d" -exec ls -ld {} + 2>/dev/null | awk '{ $6 = $7 = $8 = ""; print }'
		[ -e "$d" ] && find -L "$d" -type f -exec md5sum {} + 2>/dev/null
	done | sort
}

if [ "${1:-}" != inside ]; then
	new_board
	before=$(machine_sum)
	SF_STATE=$board/tap unshare -m sh "$0" inside
	rc=$?
	[ -f "$board/tap" ] && . "$board/tap"
	is "$rc" 0 "the flows ran in a private mount namespace"
	is "$(machine_sum)" "$before" "/etc/mender, /var/lib/mender and /usr/share/mender of the machine are unchanged"
	done_testing
	exit
fi

# ---- inside the namespace
# new_board's folder comes from the outer run: reuse it (its trap removes it)
board=$(dirname "$SF_STATE")
export SLOTFLIP_CONFIG="$board/system.dtb" SLOTFLIP_LOCK="$board/lock"
trap 'echo "n=$n failed=$failed" >"$SF_STATE"' EXIT
root=$board/mender-root
mkdir -p "$root/etc" "$root/share/modules/v3" "$root/share/inventory" "$root/var/mender" "$root/bin"
bind() { # bind FOLDER PATH: mount FOLDER over PATH, or over a dangling symlink's parent
	if [ -d "$2" ]; then
		mount --bind "$1" "$2"
	else
		mkdir -p "$1.parent/$(basename "$2")" && mount --bind "$1.parent" "$(dirname "$2")" &&
			mount --bind "$1" "$2"
	fi
}
bind "$root/etc" /etc/mender && bind "$root/share" /usr/share/mender && bind "$root/var/mender" /var/lib/mender
ok $? "temporary /etc/mender, /usr/share/mender and /var/lib/mender bound in the namespace"
for f in modules/v3/slotflip inventory/mender-inventory-slotflip; do
	if [ -n "${SF_MENDER_SHELL:-}" ]; then
		{ echo "#!$SF_MENDER_SHELL sh"; sed 1d "$INTEGRATION/mender/${f##*/}"; } >"/usr/share/mender/$f"
	else
		cat "$INTEGRATION/mender/${f##*/}" >"/usr/share/mender/$f"
	fi
	chmod 0755 "/usr/share/mender/$f"
done
# the module runs `slotflip` through PATH
ln -s "$SLOTFLIP" "$root/bin/slotflip"
export PATH="$root/bin:$PATH"
echo '{}' >/etc/mender/mender.conf
echo 'artifact_name=factory' >/etc/mender/artifact_info
echo 'device_type=sim-x86_64' >/var/lib/mender/device_type
tree=/var/lib/mender/modules/v3/payloads/0000/tree
module=/usr/share/mender/modules/v3/slotflip

sf init --factory webkit=26.2:4 --factory kernel=6.1:1 >/dev/null
m() { mender --no-syslog --log-level error "$@"; }
m_rc() { # m_rc ARGS...: mender's exit status in $rc, its output in $out
	out=$(mender --no-syslog --log-level info "$@" 2>&1)
	rc=$?
}
artifact() { # artifact NAME BUNDLE [mender-artifact options...]: a module-image artifact of type slotflip
	name=$1 file=$2
	shift 2
	mender-artifact write module-image -T slotflip -t sim-x86_64 -n "$name" -f "$file" -o "$board/$name.mender" \
		"$@" >/dev/null
}
now() { date +%s%N; }
took() { # took START LABEL
	ms=$((($(now) - $1) / 1000000))
	echo "# time: $2${SF_MENDER_SHELL:+ (module under $SF_MENDER_SHELL)}: $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
}
state() { # state COMPONENT: "active SLOT VERSION, trial SLOT"
	a=$(env_get "sf_$1_active")
	echo "active $a $(env_get "sf_$1_${a}_ver"), trial $(env_get "sf_$1_trial")"
}

# ---- soft, healthy: install + commit
make_bundle "$board/webkit-base.fit" webkit 26.3 5 >/dev/null
artifact webkit-26.3 "$board/webkit-base.fit" --software-name webkit --software-version 26.3
t0=$(now)
m_rc install "$board/webkit-26.3.mender"
is "$rc" 0 "soft healthy: mender install"
like "$out" "Use 'commit' to update, or 'rollback'" "  Mender offers commit or rollback (rollback supported)"
like "$out" "armed: webkit 26.3 in slot b" "  the module armed webkit 26.3 in slot b"
is "$(state webkit)" "active a 26.2, trial b" "  installed and armed, not running yet"
ok "$([ -d "$tree/streams" ] && [ ! -e "$tree/files" ]; echo $?)" "  streamed from Mender's FIFO: no files/ copy in the payload tree"
cmp -s -n 1048576 "$board/webkit-5.img" "$board/slots/webkit_b.img"
ok $? "  slot b holds the image"
is "$(m show-artifact)" factory "  mender show-artifact: still the factory artifact"
m_rc commit
is "$rc" 0 "  mender commit: soft restart, health checks passed"
took "$t0" "soft healthy (install + commit)"
is "$(state webkit)" "active b 26.3, trial " "  webkit 26.3 committed in slot b"
is "$(env_get sf_webkit_floor)" 5 "  a committed baseline raises the floor"
is "$(m show-artifact)" webkit-26.3 "  mender show-artifact names the new artifact"
like "$(m show-provides)" "rootfs-image.webkit.version=26.3" "  mender show-provides: webkit's version"
ok "$([ ! -e "$tree" ]; echo $?)" "  Mender removed the payload tree (Cleanup)"

# ---- soft, unhealthy: the health check fails at commit; back on the old slot
make_image "$board/webkit-bad.img" "webkit 26.3 (a) BROKEN"
sf bundle create -o "$board/webkit-a.fit" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit \
	--version "26.3 (a)" --base-version 26.3 --security-version 6 --image "$board/webkit-bad.img" >/dev/null
artifact webkit-26.3a "$board/webkit-a.fit"
t0=$(now)
m_rc install "$board/webkit-26.3a.mender"
is "$rc" 0 "soft unhealthy: mender install"
is "$(state webkit)" "active b 26.3, trial a" "  armed in slot a"
m_rc commit
ok "$([ "$rc" -ne 0 ]; echo $?)" "  mender commit fails"
took "$t0" "soft unhealthy (install + failing commit)"
like "$out" "health check 'webkit/10-selftest' exited with status 1" "  the deployment log names the failed health check"
like "$out" "webkit 26.3 (a) failed its trial: slot b (26.3) runs" "  and where webkit stands"
like "$out" "Update module terminated abnormally: exit status 6" "  the module exits with slotflip's fallback code"
is "$(state webkit)" "active b 26.3, trial " "  slotflip fell back: 26.3 runs in slot b"
is "$(env_get sf_webkit_bad)" a "  slot a marked bad"
is "$(m show-artifact)" webkit-26.3 "  the artifact name is unchanged"

# ---- rollback of an installed, uncommitted patch
make_bundle "$board/webkit-b.fit" webkit "26.3 (b)" 6 26.3 >/dev/null
artifact webkit-26.3b "$board/webkit-b.fit"
t0=$(now)
m_rc install "$board/webkit-26.3b.mender"
is "$rc" 0 "rollback: mender install of 26.3 (b)"
is "$(state webkit)" "active b 26.3, trial a" "  armed in slot a"
m_rc rollback
is "$rc" 0 "  mender rollback"
took "$t0" "rollback (install + rollback)"
like "$out" "dropped the trial of webkit 26.3 (b) in slot a" "  the module dropped the trial"
is "$(state webkit)" "active b 26.3, trial " "  the previous version runs, nothing armed"
is "$(env_get sf_webkit_bad_why)" removed "  slot a is marked removed (nothing ran it)"
is "$(m show-artifact)" webkit-26.3 "  the artifact name is unchanged"

# the same patch again, committed this time; then a patch over it, rolled back
m_rc install "$board/webkit-26.3b.mender"
is "$rc" 0 "a later install of the same artifact"
m_rc commit
is "$rc" 0 "  committed"
is "$(state webkit)" "active a 26.3 (b), trial " "  26.3 (b) runs in slot a"
is "$(m show-artifact)" webkit-26.3b "  mender show-artifact names it"

# ---- a reboot component: install, reboot (U-Boot + early-boot check), commit
make_bundle "$board/kernel.fit" kernel 6.2 2 >/dev/null
artifact kernel-6.2 "$board/kernel.fit" --software-name kernel --software-version 6.2
t0=$(now)
m_rc install --reboot-exit-code "$board/kernel-6.2.mender"
is "$rc" 4 "reboot component: mender install --reboot-exit-code exits 4 (reboot required)"
like "$out" "At least one payload requested a reboot" "  Mender reports that a reboot is required"
is "$(state kernel)" "active a 6.1, trial b" "  armed in slot b"
# the reboot: U-Boot's script spends a try and boots slot b, then the
# early-boot check judges what it booted
fw_setenv -c "$board/fw_env.config" sf_kernel_tries 2
echo "console=ttyS0 slotflip.kernel=b" >"$board/cmdline"
SLOTFLIP_CMDLINE=$board/cmdline sf boot-check >/dev/null
ok $? "  after the reboot the early-boot check commits"
# what the daemon would call after its reboot, on the tree the client left
"$module" ArtifactVerifyReboot "$tree" 2>/dev/null
ok $? "  ArtifactVerifyReboot (daemon mode) passes"
m_rc commit
is "$rc" 0 "  mender commit: the early-boot check committed it"
took "$t0" "reboot component (install + boot-check + commit, reboot not counted)"
is "$(state kernel)" "active b 6.2, trial " "  kernel 6.2 runs in slot b"
is "$(m show-artifact)" kernel-6.2 "  mender show-artifact names it"
provides=$(m show-provides)
like "$provides" "rootfs-image.kernel.version=6.2" "  mender show-provides: the kernel's version"
like "$provides" "rootfs-image.webkit.version=26.3" "  and still webkit's (--software-name clears only its own key)"

# committing before the reboot fails, and Mender rolls the update back
make_bundle "$board/kernel-63.fit" kernel 6.3 2 >/dev/null
artifact kernel-6.3 "$board/kernel-63.fit"
m_rc install "$board/kernel-6.3.mender"
is "$rc" 0 "reboot component, no reboot: mender install"
m_rc commit
ok "$([ "$rc" -ne 0 ]; echo $?)" "  mender commit before the reboot fails"
like "$out" "kernel 6.3 is still armed in slot a: reboot" "  saying to reboot first"
is "$(state kernel)" "active b 6.2, trial " "  Mender's rollback dropped the trial"
is "$(m show-artifact)" kernel-6.2 "  the artifact name is unchanged"

# one bundle, a reboot component and a soft one: the set commits after the reboot
make_image "$board/kernel-65.img" "kernel 6.5"
make_image "$board/webkit-c.img" "webkit 26.3 (c)"
sf bundle create -o "$board/mixed.fit" -b sim-x86_64 -k "$board/signing/dev.key" \
	--component kernel --version 6.5 --security-version 2 --image "$board/kernel-65.img" \
	--component webkit --version "26.3 (c)" --base-version 26.3 --security-version 6 --image "$board/webkit-c.img"
artifact mixed "$board/mixed.fit"
t0=$(now)
m_rc install --reboot-exit-code "$board/mixed.mender"
is "$rc" 4 "a bundle with a reboot and a soft component: mender install asks for a reboot"
like "$out" "armed: kernel 6.5 in slot a, webkit 26.3 (c) in slot b" "  both armed"
fw_setenv -c "$board/fw_env.config" sf_kernel_tries 2
echo "slotflip.kernel=a" >"$board/cmdline"
SLOTFLIP_CMDLINE=$board/cmdline sf boot-check >/dev/null
ok $? "  after the reboot the early-boot check commits the set"
m_rc commit
is "$rc" 0 "  mender commit"
took "$t0" "reboot + soft set (install + boot-check + commit)"
is "$(state kernel) / $(state webkit)" "active a 6.5, trial  / active b 26.3 (c), trial " "  both committed"
is "$(m show-artifact)" mixed "  mender show-artifact names it"

# an unhealthy kernel: the early-boot check falls back, commit fails
mkdir -p "$board/health.d/kernel"
printf '#!/bin/sh\necho "kernel $SLOTFLIP_VERSION: driver probe failed" >&2\nexit 1\n' >"$board/health.d/kernel/10-probe"
chmod +x "$board/health.d/kernel/10-probe"
make_bundle "$board/kernel-64.fit" kernel 6.4 2 >/dev/null
artifact kernel-6.4 "$board/kernel-64.fit"
t0=$(now)
m_rc install "$board/kernel-6.4.mender"
is "$rc" 0 "unhealthy reboot component: mender install"
fw_setenv -c "$board/fw_env.config" sf_kernel_tries 2
echo "slotflip.kernel=b" >"$board/cmdline"
SLOTFLIP_CMDLINE=$board/cmdline sf boot-check >/dev/null 2>&1
is "$?" 6 "  after the reboot the early-boot check falls back (exit 6)"
out=$("$module" ArtifactVerifyReboot "$tree" 2>&1)
ok "$([ $? -ne 0 ]; echo $?)" "  ArtifactVerifyReboot (daemon mode) fails"
like "$out" "not committed by the early-boot check: kernel 6.4 failed its trial" "  saying why"
out=$(SLOTFLIP_CMDLINE=$board/cmdline "$module" ArtifactVerifyRollbackReboot "$tree" 2>&1)
ok "$([ $? -ne 0 ]; echo $?)" "  ArtifactVerifyRollbackReboot while the failed slot b still runs: fails (Mender reboots again)"
like "$out" "kernel is not back on its previous slot (active a, booted b)" "  saying why"
echo "slotflip.kernel=a" >"$board/cmdline"
SLOTFLIP_CMDLINE=$board/cmdline "$module" ArtifactVerifyRollbackReboot "$tree"
ok $? "  ArtifactVerifyRollbackReboot once slot a booted again: passes"
m_rc commit
ok "$([ "$rc" -ne 0 ]; echo $?)" "  mender commit fails"
took "$t0" "unhealthy reboot component (install + boot-check + failing commit)"
like "$out" "kernel 6.4 failed its trial: slot a (6.5) runs" "  naming the failure"
is "$(state kernel)" "active a 6.5, trial " "  kernel 6.5 stays committed"
is "$(m show-artifact)" mixed "  the artifact name is unchanged"
rm -r "$board/health.d/kernel"


# ---- refused artifacts: nothing armed, nothing written
sum=$(board_sum)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$board/other.key" 2>/dev/null
KEY=$board/other.key make_bundle "$board/forged.fit" webkit "26.3 (c)" 6 26.3 >/dev/null
artifact forged "$board/forged.fit"
m_rc install "$board/forged.mender"
ok "$([ "$rc" -ne 0 ]; echo $?)" "a bundle signed by an untrusted key: mender install fails"
like "$out" "slotflip install refused forged.fit (exit 3)" "  with slotflip's verification code"
is "$(board_sum)" "$sum" "  environment and slots byte-identical"
is "$(m show-artifact)" mixed "  the artifact name is unchanged"
ok "$([ ! -e "$tree" ]; echo $?)" "  no payload tree left behind"

make_bundle "$board/lib.fit" libcrypto 3.0 1 >/dev/null
mender-artifact write module-image -T slotflip -t sim-x86_64 -n two -f "$board/lib.fit" -f "$board/webkit-b.fit" \
	-o "$board/two.mender" >/dev/null
m_rc install "$board/two.mender"
ok "$([ "$rc" -ne 0 ]; echo $?)" "an artifact with two bundles: mender install fails"
like "$out" "one slotflip bundle per artifact" "  one bundle per artifact"
like "$out" "dropped the trial of libcrypto 3.0 in slot b: the deployment ended before ArtifactInstall" \
	"  Cleanup dropped what the first bundle armed"
is "$(state libcrypto)" "active a , trial " "  libcrypto: nothing armed"

# a version with two blanks in a row, quotes and a '$' reaches every state intact
odd='3.1  "lts" $HOME'
make_bundle "$board/lib-odd.fit" libcrypto "$odd" 2 >/dev/null
artifact lib-odd "$board/lib-odd.fit"
m_rc install "$board/lib-odd.mender"
is "$rc" 0 "a version with blanks, quotes and \$: mender install"
like "$out" 'armed: libcrypto 3.1  \"lts\" $HOME in slot b' "  the module names it as it is (the client's log escapes quotes)"
m_rc commit
is "$rc" 0 "  mender commit"
is "$(state libcrypto)" "active b $odd, trial " "  committed"

echo 'not a mender artifact' >"$board/junk.mender"
m_rc install "$board/junk.mender"
ok "$([ "$rc" -ne 0 ]; echo $?)" "not an artifact: mender install fails"

# ---- the module's answers to the information calls, and unknown calls
mkdir -p "$board/t/tmp"
out=$("$module" SupportsRollback "$board/t")
is "$out" Yes "SupportsRollback: Yes"
out=$("$module" NeedsArtifactReboot "$board/t")
is "$out" No "NeedsArtifactReboot without an install: No"
out=$("$module" SomeFutureCall "$board/t")
is "$?:$out" "0:" "an unknown call prints nothing and exits 0"

# ---- the inventory script (after the user removed the webkit patch)
sf remove webkit >/dev/null
inv=$(/usr/share/mender/inventory/mender-inventory-slotflip)
is "$?" 0 "inventory script"
bad=$(printf '%s\n' "$inv" | grep -v -c '^[a-z0-9_]*=.*')
is "$bad" 0 "  every line is key=value"
like "$inv" "slotflip_webkit_version=26.3 (b)" "  webkit's running version"
like "$inv" "slotflip_webkit_removed=26.3 (c) in slot b" "  a removed slot"
like "$inv" "slotflip_kernel_version=6.5" "  kernel's running version"
like "$inv" "slotflip_webkit_floor=5" "  webkit's floor"
like "$inv" "slotflip_kernel_slot_b=bad 6.4 (security version 2)" "  the slots"
like "$inv" "slotflip_kernel_last_failure=6.4: health-check-failed (health check 'kernel/10-probe' exited with status 1)" \
	"  the last failure, with slotflip's reason"
like "$inv" "slotflip_libcrypto_version=$odd" "  a version with blanks, quotes and \$"
is "$(printf '%s\n' "$inv" | grep -c '^slotflip_components=')" 3 "  three components listed"
inv=$(SLOTFLIP_CONFIG=$board/missing.dtb /usr/share/mender/inventory/mender-inventory-slotflip)
is "$?" 7 "inventory without a system description: slotflip's exit code 7"
like "$inv" "slotflip_status=error: cannot read system description" "  and one attribute saying why"
if [ ! -e /etc/slotflip/system.dtb ]; then
	inv=$(env -u SLOTFLIP_CONFIG /usr/share/mender/inventory/mender-inventory-slotflip)
	like "$inv" "cannot read system description '/etc/slotflip/system.dtb'" \
		"without SLOTFLIP_CONFIG the inventory uses slotflip's default path"
else
	ok 0 "# skip this machine has /etc/slotflip/system.dtb"
fi

# a patch the user removed: a deployment does not bring it back, unless the
# artifact's meta-data says so
sf bundle create -o "$board/webkit-c.fit" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit \
	--version "26.3 (c)" --base-version 26.3 --security-version 6 --image "$board/webkit-c.img"
artifact webkit-26.3c "$board/webkit-c.fit"
before=$(state webkit)
sum=$(board_sum)
m_rc install "$board/webkit-26.3c.mender"
ok "$([ "$rc" -ne 0 ]; echo $?)" "a patch the user removed: mender install fails"
like "$out" "webkit 26.3 (c) was removed from webkit" "  slotflip says the user removed it"
is "$(board_sum)" "$sum" "  environment and slots byte-identical"
printf '{"slotflip": {"allow_removed": true}}\n' >"$board/meta.json"
artifact webkit-26.3c-again "$board/webkit-c.fit" --meta-data "$board/meta.json"
m_rc install "$board/webkit-26.3c-again.mender"
is "$rc" 0 "  with {\"slotflip\": {\"allow_removed\": true}} in the artifact's meta-data: installed"
like "$out" "the artifact's meta-data allows a patch the user removed" "  the module says why"
m_rc commit
is "$rc:$(state webkit)" "0:active b 26.3 (c), trial " "  and committed"

# a download cut in the middle of the bundle: nothing armed, the running slot untouched
head -c 1048576 /dev/urandom >"$board/webkit-rand.img"
sf bundle create -o "$board/webkit-d.fit" -b sim-x86_64 -k "$board/signing/dev.key" --component webkit \
	--version "26.3 (d)" --base-version 26.3 --security-version 6 --image "$board/webkit-rand.img"
artifact webkit-26.3d "$board/webkit-d.fit"
size=$(stat -c %s "$board/webkit-26.3d.mender")
head -c $((size / 2)) "$board/webkit-26.3d.mender" >"$board/cut.mender"
before=$(state webkit)
m_rc install "$board/cut.mender"
ok "$([ "$rc" -ne 0 ]; echo $?)" "a download cut halfway: mender install fails"
like "$out" "slotflip install refused webkit-d.fit" "  slotflip refused the truncated stream"
is "$(state webkit)" "$before" "  nothing armed, the same slot runs"
is "$(env_get sf_webkit_a_ver)" "" "  the target slot is recorded empty (install's first store)"
is "$(m show-artifact)" webkit-26.3c-again "  the artifact name is unchanged"
