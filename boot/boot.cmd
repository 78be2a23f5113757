# slotflip U-Boot boot script (hush). DESIGN §5, "The boot environment".
#
# scripts/qemu-bootscr puts a generated preamble in front of this file (the
# sfb_* settings listed below, derived from the system description, the GPT
# and fw_env.config) and makes boot.scr with
#   mkimage -A x86 -O linux -T script -C none -d boot.cmd boot.scr
#
# What it does, in order:
#   1. read both copies of the redundant environment (libubootenv layout:
#      crc32 | flags | data, two copies on a raw partition) and import the
#      sf_* variables of the current one, chosen exactly as libubootenv
#      chooses it;
#   2. for every component with activation = "reboot": spend one try of an
#      armed trial before booting it, or fall back when no try is left;
#   3. if anything changed, write both copies back, holding every sf_*
#      variable of every component and nothing else, in an order that leaves
#      one consistent state whatever the power cut;
#   4. load the kernel and initramfs from the chosen slot of the boot
#      component, pass slotflip.<component>=<slot> for every reboot component
#      on the command line, and boot. A trial that cannot be loaded or booted
#      falls back at once (stored), and the committed slots are booted.
# The early-boot check (slotflip boot-check) then judges the trial, commits it
# or falls back; both sides implement the same rules (updater/plan/state.c).
#
# Constraints of Debian's qemu-x86 U-Boot 2023.01 that shape this script:
#   - no environment of its own (ENV_IS_NOWHERE, no saveenv): the script reads
#     and writes the env partition with block reads and writes;
#   - no setexpr, no bootcount: tries are counted down with a table, 9..0
#     (slotflip,max-tries is 1..9);
#   - at most 16 words per command (SYS_MAXARGS) and 512 characters per
#     argument (SYS_CBSIZE): imports and exports go in groups of at most ten
#     names, two per component and one for the device-wide variables, each
#     export into a chunk of its own;
#   - 'env export -b NAMES' fails when none of NAMES is set: every second
#     group lists sfb_always, which this script always sets (and which the
#     import of the chunks brings back into the written environment: it is
#     dropped again before the write);
#   - 'env export -b/-c' zero-fills ENV_SIZE (256 KiB) after its address
#     whatever -s says: the buffers below are 1 MiB apart;
#   - 'run' parses an env variable in place, so nothing that replaces the
#     whole environment may run inside 'run': that part is written out here;
#   - '&&' and '||' do not combine as in sh ('a && b || c' skips c when a
#     fails): conditions use one kind only.
#
# Preamble settings (set by the generator; none is ever persisted):
#   sfb_iface, sfb_devnum     block device holding the environment and slots
#   sfb_lba1, sfb_lba2        first block of env copy 1 and copy 2
#   sfb_blks                  blocks per copy
#   sfb_isize                 copy size - 1 (crc32 + data, for env import -c)
#   sfb_c1, sfb_c2            RAM buffers the copies are read into
#   sfb_c1_body, sfb_c2_body  buffer + 1: the copy as crc32 | data once the
#                             crc32 has been moved next to the data
#   sfb_c1_flags, ...         buffer + 4: the flags byte as read
#   sfb_out, sfb_out_body, sfb_out_flags   the same for the copy being written
#   sfb_f1, sfb_f2            scratch bytes keeping each copy's flags byte
#   sfb_tmp, sfb_zero         4 scratch bytes; 2 zero bytes (an empty env)
#   sfb_bak                   backup of the whole U-Boot environment
#   sfb_all                   every component of the system description
#   sfb_chunk_<C>, sfb_chunk2_<C>, sfb_chunk_dev, sfb_chunks
#                             where each group of variables is exported, and
#                             all of them in the order they are written
#   sfb_reboot                components with activation = "reboot"
#   sfb_boot                  the reboot component whose slots hold the kernel
#   sfb_part_<C>_a/_b         partition number of each slot of each reboot
#                             component
#   sfb_kernel, sfb_initrd    file names in the boot component's slot
#   sfb_kaddr, sfb_iaddr      load addresses
#   sfb_bootcmd               boots what was loaded (${sfb_isize_loaded} is
#                             the initramfs size); returns only on failure
#   sfb_bootargs              kernel command line before the slotflip.* part
# Test hook: sfb_hold is never set here. A test stores it in the environment
# (fw_setenv sfb_hold 2) and the script pauses that many seconds after
# writing each env copy, so that a harness can cut the power between the two
# writes. It is not an sf_* variable, so the first write drops it again.

echo "slotflip: boot script, reboot components: ${sfb_reboot}"
setenv sfb_always 1

# ---------------------------------------------------------------------------
# 1. Read the environment.
# A copy that cannot be read is zeroed, which makes its crc32 fail.
${sfb_iface} dev ${sfb_devnum}
if ${sfb_iface} read ${sfb_c1} ${sfb_lba1} ${sfb_blks}; then setenv sfb_rd 1; else
	echo "slotflip: cannot read env copy 1"
	mw.b ${sfb_c1} 0 0x10
fi
if ${sfb_iface} read ${sfb_c2} ${sfb_lba2} ${sfb_blks}; then setenv sfb_rd 2; else
	echo "slotflip: cannot read env copy 2"
	mw.b ${sfb_c2} 0 0x10
fi
# Keep each flags byte (offset 4), then move each crc32 (offsets 0..3) up by
# one byte, next to the data: offset 1 then holds a plain crc32 | data
# environment, which 'env import -c' checks exactly as libubootenv does.
cp.b ${sfb_c1_flags} ${sfb_f1} 1
cp.b ${sfb_c2_flags} ${sfb_f2} 1
cp.b ${sfb_c1} ${sfb_tmp} 4
cp.b ${sfb_tmp} ${sfb_c1_body} 4
cp.b ${sfb_c2} ${sfb_tmp} 4
cp.b ${sfb_tmp} ${sfb_c2_body} 4

# libubootenv (uboot_env.c, FLAGS_INCREMENTAL): with both copies valid, copy 2
# is current when its flags byte is greater, except that 255 -> 0 wraps (0
# after 255 is newer, 255 before 0 is older); equal flags: copy 1. With one
# valid copy, that one. Trying the preferred copy first and the other one
# second gives exactly that.
setenv sfb_first 1
if itest.b *${sfb_f2} -gt *${sfb_f1}; then setenv sfb_first 2; fi
if itest.b *${sfb_f1} == 0xff && itest.b *${sfb_f2} == 0; then setenv sfb_first 2; fi
if itest.b *${sfb_f2} == 0xff && itest.b *${sfb_f1} == 0; then setenv sfb_first 1; fi
# (An import of the name sfb_crc_only, which no environment holds, checks the
# crc32 and imports nothing.)
setenv sfb_cur none
if test "${sfb_first}" = 1; then
	if env import -c ${sfb_c1_body} ${sfb_isize} sfb_crc_only; then setenv sfb_cur 1
	elif env import -c ${sfb_c2_body} ${sfb_isize} sfb_crc_only; then setenv sfb_cur 2; fi
else
	if env import -c ${sfb_c2_body} ${sfb_isize} sfb_crc_only; then setenv sfb_cur 2
	elif env import -c ${sfb_c1_body} ${sfb_isize} sfb_crc_only; then setenv sfb_cur 1; fi
fi
if test "${sfb_cur}" = none; then
	# Factory-fresh or destroyed: nothing is known, so nothing is decided
	# and nothing is written; only "slotflip init" creates the state.
	echo "slotflip: no valid environment copy: booting slot a, writing nothing"
else
	# Import the eighteen sf_* variables of each component of the
	# board, the device-wide ones (the install policy) and the test hook,
	# nothing else: a stored variable can never replace U-Boot's own or
	# this script's settings.
	if test "${sfb_cur}" = 1; then setenv sfb_body ${sfb_c1_body}; else setenv sfb_body ${sfb_c2_body}; fi
	for c in ${sfb_all}; do
		env import -c ${sfb_body} ${sfb_isize} sf_${c}_active sf_${c}_trial sf_${c}_tries sf_${c}_bad sf_${c}_bad_why sf_${c}_floor sf_${c}_a_ver sf_${c}_b_ver sf_${c}_a_sv sf_${c}_b_sv
		env import -c ${sfb_body} ${sfb_isize} sf_${c}_a_id sf_${c}_b_id sf_${c}_a_req sf_${c}_b_req sf_${c}_fail sf_${c}_fail_ver sf_${c}_removed sf_${c}_test
	done
	env import -c ${sfb_body} ${sfb_isize} sf_auto sf_window sfb_hold
	echo "slotflip: environment copy ${sfb_cur}"
fi

# ---------------------------------------------------------------------------
# 2. Decide, per reboot component C, from sf_C_active, sf_C_trial and
# sf_C_tries (an absent variable reads as empty):
#
#   no valid env copy                  -> slot a, no write
#   active not a|b                     -> slot a, no write (state unknown)
#   trial empty                        -> active slot, no write
#   trial not a|b, or equal to active  -> active slot, no write (a row no
#                                         rule matches boots the committed slot)
#   trial set, tries 1..9              -> tries - 1, write, trial slot
#   trial set, tries 0 or empty        -> fallback, write, active slot
#   trial set, tries anything else     -> active slot, no write
#
# Fallback is the early-boot check's transition (state_fallback()): the
# active slot stays, sf_C_bad = the trial slot, sf_C_bad_why = failed,
# sf_C_trial and sf_C_tries are cleared; versions are kept.
# The slot chosen goes to sfb_slot_<C>; the components booting a trial are
# listed in sfb_trials: they fall back together if the boot fails.
setenv sfb_dirty 0
setenv sfb_trials
for c in ${sfb_reboot}; do
	setenv sfb_get "setenv sfb_active \${sf_${c}_active}; setenv sfb_trial \${sf_${c}_trial}; setenv sfb_tries \${sf_${c}_tries}"
	run sfb_get
	setenv sfb_slot a
	setenv sfb_next
	if test "${sfb_cur}" = none; then
		setenv sfb_slot a
	elif test "${sfb_active}" != a && test "${sfb_active}" != b; then
		echo "slotflip: ${c}: sf_${c}_active is '${sfb_active}': booting slot a, writing nothing"
	elif test -z "${sfb_trial}"; then
		setenv sfb_slot ${sfb_active}
	elif test "${sfb_trial}" = "${sfb_active}"; then
		echo "slotflip: ${c}: sf_${c}_trial names the active slot: booting it"
		setenv sfb_slot ${sfb_active}
	elif test "${sfb_trial}" != a && test "${sfb_trial}" != b; then
		echo "slotflip: ${c}: sf_${c}_trial is '${sfb_trial}': booting the active slot ${sfb_active}"
		setenv sfb_slot ${sfb_active}
	else
		if test -z "${sfb_tries}" || test "${sfb_tries}" = 0; then setenv sfb_next none
		elif test "${sfb_tries}" = 1; then setenv sfb_next 0
		elif test "${sfb_tries}" = 2; then setenv sfb_next 1
		elif test "${sfb_tries}" = 3; then setenv sfb_next 2
		elif test "${sfb_tries}" = 4; then setenv sfb_next 3
		elif test "${sfb_tries}" = 5; then setenv sfb_next 4
		elif test "${sfb_tries}" = 6; then setenv sfb_next 5
		elif test "${sfb_tries}" = 7; then setenv sfb_next 6
		elif test "${sfb_tries}" = 8; then setenv sfb_next 7
		elif test "${sfb_tries}" = 9; then setenv sfb_next 8
		else setenv sfb_next bad; fi
		if test "${sfb_next}" = none; then
			echo "slotflip: ${c}: trial ${sfb_trial} has no tries left: falling back to ${sfb_active}"
			setenv sfb_set "setenv sf_${c}_bad ${sfb_trial}; setenv sf_${c}_bad_why failed; setenv sf_${c}_trial; setenv sf_${c}_tries; setenv sf_${c}_fail tries-exhausted U-Boot found no try left for slot ${sfb_trial}; setenv sf_${c}_fail_ver"
			run sfb_set
			setenv sfb_dirty 1
			setenv sfb_slot ${sfb_active}
		elif test "${sfb_next}" = bad; then
			echo "slotflip: ${c}: sf_${c}_tries is '${sfb_tries}': booting the active slot ${sfb_active}"
			setenv sfb_slot ${sfb_active}
		else
			echo "slotflip: ${c}: trial ${sfb_trial}, tries ${sfb_tries} -> ${sfb_next}"
			setenv sfb_set "setenv sf_${c}_tries ${sfb_next}"
			run sfb_set
			setenv sfb_dirty 1
			setenv sfb_slot ${sfb_trial}
			setenv sfb_trials "${sfb_trials} ${c}"
		fi
	fi
	setenv sfb_set "setenv sfb_slot_${c} ${sfb_slot}"
	run sfb_set
done

# ---------------------------------------------------------------------------
# 3 and 4, in two passes: store what changed, then boot. Pass 2 runs only
# after a trial failed to load or boot in pass 1 and was fallen back.
setenv sfb_done 0
for sfb_pass in 1 2; do
	if test "${sfb_done}" = 0 && test "${sfb_dirty}" = 1; then
		# Store. The new environment holds exactly the ten sf_* variables
		# of every component: each component's set is exported as a
		# chunk, U-Boot's environment is replaced by the chunks alone
		# (only hush locals survive that), exported with a crc32, and the
		# full environment is put back from a backup.
		setenv sfb_dirty 0
		setenv sfb_saved 0
		sfb_l_ok=0
		if env export -b ${sfb_bak}; then
			for c in ${sfb_all}; do
				setenv sfb_get "setenv sfb_chunk \${sfb_chunk_${c}}; setenv sfb_chunk2 \${sfb_chunk2_${c}}"
				run sfb_get
				env export -b ${sfb_chunk} sf_${c}_active sf_${c}_trial sf_${c}_tries sf_${c}_bad sf_${c}_bad_why sf_${c}_floor sf_${c}_a_ver sf_${c}_b_ver sf_${c}_a_sv sf_${c}_b_sv
				env export -b ${sfb_chunk2} sfb_always sf_${c}_a_id sf_${c}_b_id sf_${c}_a_req sf_${c}_b_req sf_${c}_fail sf_${c}_fail_ver sf_${c}_removed sf_${c}_test
			done
			env export -b ${sfb_chunk_dev} sfb_always sf_auto sf_window
			mw.b ${sfb_zero} 0 2
			sfb_l_zero=${sfb_zero}
			sfb_l_chunks="${sfb_chunks}"
			sfb_l_out=${sfb_out_body}
			sfb_l_isize=${sfb_isize}
			sfb_l_bak=${sfb_bak}
			sfb_l_ok=1
			if env import -d -b ${sfb_l_zero} 2; then
				for sfb_l_a in ${sfb_l_chunks}; do
					env import -b ${sfb_l_a} - || sfb_l_ok=0
				done
				setenv sfb_always
				env export -c -s ${sfb_l_isize} ${sfb_l_out} || sfb_l_ok=0
			else
				sfb_l_ok=0
			fi
			env import -d -b ${sfb_l_bak} -
		fi
		# Write both copies: the non-current one first, each with its own
		# flags byte as read. During the first write the current copy
		# still holds the old state; after it both copies are valid and
		# the old one is still preferred (flags unchanged); the second
		# write makes the new state current. A write cut short leaves its
		# copy invalid and the other one consistent. libubootenv's next
		# store goes to the non-current copy with flags + 1, as always.
		if test "${sfb_l_ok}" = 1; then
			cp.b ${sfb_out_body} ${sfb_tmp} 4
			cp.b ${sfb_tmp} ${sfb_out} 4
			if test "${sfb_cur}" = 2; then setenv sfb_order "1 2"; else setenv sfb_order "2 1"; fi
			setenv sfb_saved 1
			for n in ${sfb_order}; do
				if test "$n" = 1; then
					cp.b ${sfb_f1} ${sfb_out_flags} 1
					setenv sfb_lba ${sfb_lba1}
				else
					cp.b ${sfb_f2} ${sfb_out_flags} 1
					setenv sfb_lba ${sfb_lba2}
				fi
				if ${sfb_iface} write ${sfb_out} ${sfb_lba} ${sfb_blks}; then
					echo "slotflip: wrote env copy $n"
				else
					echo "slotflip: cannot write env copy $n"
					setenv sfb_saved 0
				fi
				if test -n "${sfb_hold}"; then
					echo "slotflip: test hold ${sfb_hold}s after env copy $n"
					sleep ${sfb_hold}
				fi
			done
		else
			echo "slotflip: cannot export the environment"
		fi
		# A try that cannot be stored must not be spent: boot the
		# committed slots instead.
		if test "${sfb_saved}" != 1; then
			echo "slotflip: environment not stored: booting the active slots"
			for c in ${sfb_trials}; do
				setenv sfb_set "setenv sfb_slot_${c} \${sf_${c}_active}"
				run sfb_set
			done
			setenv sfb_trials
		fi
	fi
	if test "${sfb_done}" = 0; then
		# Load the boot component's chosen slot and build the command line.
		setenv sfb_cmdline "${sfb_bootargs}"
		for c in ${sfb_reboot}; do
			setenv sfb_get "setenv sfb_s \${sfb_slot_${c}}"
			run sfb_get
			setenv sfb_cmdline "${sfb_cmdline} slotflip.${c}=${sfb_s}"
		done
		setenv sfb_get "setenv sfb_slot \${sfb_slot_${sfb_boot}}"
		run sfb_get
		setenv sfb_get "setenv sfb_part \${sfb_part_${sfb_boot}_${sfb_slot}}"
		run sfb_get
		echo "slotflip: boot ${sfb_boot} slot ${sfb_slot} (${sfb_iface} ${sfb_devnum}:${sfb_part}):${sfb_cmdline}"
		setenv sfb_loaded 0
		if load ${sfb_iface} ${sfb_devnum}:${sfb_part} ${sfb_kaddr} ${sfb_kernel}; then
			if load ${sfb_iface} ${sfb_devnum}:${sfb_part} ${sfb_iaddr} ${sfb_initrd}; then
				setenv sfb_isize_loaded ${filesize}
				setenv sfb_loaded 1
			fi
		fi
		if test "${sfb_loaded}" = 1; then
			setenv bootargs "${sfb_cmdline}"
			run sfb_bootcmd
			echo "slotflip: ${sfb_boot} slot ${sfb_slot} did not boot"
		else
			echo "slotflip: ${sfb_boot} slot ${sfb_slot} cannot be loaded"
		fi
		# Only a trial gets a second chance: every component that was
		# booting a trial falls back, and pass 2 stores that and boots
		# the committed slots.
		if test -n "${sfb_trials}"; then
			for c in ${sfb_trials}; do
				setenv sfb_get "setenv sfb_active \${sf_${c}_active}; setenv sfb_trial \${sf_${c}_trial}"
				run sfb_get
				echo "slotflip: ${c}: trial ${sfb_trial} failed to boot: falling back to ${sfb_active}"
				setenv sfb_set "setenv sf_${c}_bad ${sfb_trial}; setenv sf_${c}_bad_why failed; setenv sf_${c}_trial; setenv sf_${c}_tries; setenv sf_${c}_fail slot-unusable U-Boot could not load or boot slot ${sfb_trial}; setenv sf_${c}_fail_ver; setenv sfb_slot_${c} ${sfb_active}"
				run sfb_set
			done
			setenv sfb_trials
			setenv sfb_dirty 1
		else
			setenv sfb_done 1
		fi
	fi
done
echo "slotflip: no bootable slot"
