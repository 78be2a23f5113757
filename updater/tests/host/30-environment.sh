#!/bin/sh
# The environment: an independent writer (mkenvimage) and reader (fw_printenv),
# a never-written env, misconfigured fw_env.config files and damaged copies.
. "$TOP/updater/tests/host/common.inc"
new_board
cfg=$board/fw_env.config
cp "$cfg" "$board/fw_env.good"

make_bundle "$board/b.fit" webkit 26.3 5 >/dev/null
for cmd in "status" "install $board/b.fit" "boot-check" "activate" "commit" "remove webkit"; do
	sf_rc $cmd
	is "$rc" 7 "never-written env: '$cmd' refused (exit 7)"
	like "$msg" "run 'slotflip init'" "  and says to run init"
done
is "$(md5sum <"$board/uboot.env")" "$(head -c 32768 /dev/zero | md5sum)" "  nothing was written"

# an env written by U-Boot's own tool, with variables slotflip does not own
cat >"$board/vars.txt" <<VARS
bootcmd=run distro_bootcmd
bootdelay=0
sf_webkit_active=b
sf_webkit_b_ver=26.3
sf_webkit_b_sv=5
sf_webkit_floor=5
sf_libcrypto_active=a
sf_kernel_active=a
VARS
mkenvimage -r -s 0x4000 -o "$board/copy1" "$board/vars.txt"
ok $? "mkenvimage writes a redundant copy"
dd if="$board/copy1" of="$board/uboot.env" conv=notrunc status=none
sf_rc init
is "$rc" 4 "init refuses an env with a valid copy"
sf status | grep -q 'slot b  good     26.3 (security version 5)  <- active'
ok $? "slotflip reads the state mkenvimage wrote"
make_bundle "$board/p.fit" webkit "26.3 (a)" 6 26.3 >/dev/null
sf install "$board/p.fit" >/dev/null
ok $? "install on that env"
is "$(env_get bootcmd)" "run distro_bootcmd" "  U-Boot's own variables are kept"
is "$(env_get bootdelay)" 0 "  all of them"
is "$(env_get sf_webkit_trial)" a "  fw_printenv reads the armed trial"

# misconfigurations
sed 's/0x4000$/0x2000/' "$board/fw_env.good" >"$cfg"
sf_rc status
is "$rc" 7 "wrong size in fw_env.config: refused (exit 7)"
like "$msg" "holds data" "  says the env holds data that does not read"
before=$(board_sum)
sf_rc init
is "$rc" 7 "  and init will not overwrite it"
is "$(board_sum)" "$before" "  nothing written"

sed '3s/0x4000 0x4000/0x5000 0x4000/' "$board/fw_env.good" >"$cfg"
sf_rc status
is "$rc" 7 "wrong offset of copy 2: refused (exit 7)"
like "$msg" "beyond the end of the device" "  says copy 2 lies beyond the device"

sed '3d' "$board/fw_env.good" >"$cfg"
sf_rc status
is "$rc" 7 "one copy listed: refused (exit 7)"
like "$msg" "needs two (a redundant environment)" "  says why"

sed "s|$board/uboot.env|$board/missing.env|" "$board/fw_env.good" >"$cfg"
sf_rc status
is "$rc" 7 "missing device: refused (exit 7)"
like "$msg" "missing.env (copy 1" "  names the device"

printf '%s 0x0 x4000\n' "$board/uboot.env" >"$cfg"
sf_rc status
is "$rc" 7 "malformed line: refused (exit 7)"
like "$msg" "line 1: size 'x4000' is not a number" "  names the line and field"
cp "$board/fw_env.good" "$cfg"

# both copies damaged: nothing may proceed, nothing is written
printf 'X' | dd of="$board/uboot.env" bs=1 seek=100 conv=notrunc status=none
printf 'X' | dd of="$board/uboot.env" bs=1 seek=16484 conv=notrunc status=none
before=$(board_sum)
sf_rc install "$board/p.fit"
is "$rc" 7 "both copies damaged: install refused (exit 7)"
sf_rc init
is "$rc" 7 "  init refused"
sf_rc boot-check
is "$rc" 7 "  boot-check refused"
is "$(board_sum)" "$before" "  env and slots untouched"
done_testing
