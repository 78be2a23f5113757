/* SPDX-License-Identifier: MIT */
/*
 * simboard — a whole board in memory for the power-cut and fault tests: three
 * components (webkit and libcrypto soft, kernel reboot) with fake slots, a fake
 * environment and a power switch, plus bundles whose image bytes are known from
 * the component and version alone.
 */
#ifndef SF_SIMBOARD_H
#define SF_SIMBOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "fake_env.h"
#include "fake_slot.h"
#include "power.h"

#define SIM_IMG_SIZE (96 * 1024)
#define SIM_SLOT_SIZE (128 * 1024)
#define SIM_CHUNK (32 * 1024)
#define SIM_COMPS 3

extern const char *const sim_comps[SIM_COMPS];

#define SIM_CMDLINE_MAX 128

/**
 * struct simboard
 * @cmdline: the kernel command line of the running boot, as U-Boot's script
 *           passed it ("slotflip.kernel=a"; sim_uboot() sets it)
 */
struct simboard {
	struct sysconf sys;
	struct fake_slots slots;
	struct fake_env env;
	struct power power;
	struct sf_ctx ctx;
	char cmdline[SIM_CMDLINE_MAX];
};

/** simboard_init() - a board with zeroed slots and a factory-fresh env, running slot a */
void simboard_init(struct simboard *b, const struct keyring *keys);

/** simboard_restore() - give @dst the storage contents of @src and its command line; power on */
void simboard_restore(struct simboard *dst, const struct simboard *src);

/**
 * sim_uboot() - what U-Boot's boot script (boot/boot.cmd, steps 1 to 3) does
 * at power-on, for the components with activation = "reboot": from the
 * current environment copy, spend a try of an armed trial and boot it, or fall
 * it back when no try is left ("tries-exhausted"), or boot the active slot;
 * store what changed as the script does (fake_env_uboot_store()); set
 * @b->cmdline to the slots booted. No valid copy: slot a, nothing written. A
 * try that cannot be stored is not spent (the active slot boots).
 * Return: 0 once the kernel starts; -EIO when the power went during the store
 * (nothing booted).
 */
int sim_uboot(struct simboard *b);

/** simboard_free() - release the slots */
void simboard_free(struct simboard *b);

/**
 * sim_image() - the image bytes of @comp @version (SIM_IMG_SIZE bytes, cached):
 * random for a baseline, a patch "B (p)" differs from baseline B in 64 bytes of
 * every 8 KiB
 */
const uint8_t *sim_image(const char *comp, const char *version);

/** sim_holds() - does @dev hold exactly the image of @comp @version, durably and now? */
bool sim_holds(const struct fake_dev *dev, const char *comp, const char *version);

/**
 * struct sim_spec - one image of a simulated bundle
 * @requires:   NULL, or its `slotflip,requires` ("comp>=ver" entries separated by ',')
 * @delta_from: NULL for a full image, else the version whose image the
 *              bundle carries a delta from
 */
struct sim_spec {
	const char *comp;
	const char *version;
	uint32_t sv;
	const char *base;
	const char *requires;
	const char *delta_from;
};

/**
 * sim_setup() - make a folder with a dev signing key (dev.key) and its keyring
 * (dev.pem); the returned keyring trusts it. Aborts on failure.
 */
struct keyring *sim_setup(const char *dir);

/** sim_bundle() - a bundle at @out with the images of @s, signed by DIR/dev.key */
void sim_bundle(const char *dir, const char *out, const struct sim_spec *s, unsigned int n);

/** sim_install() - install the bundle at @path on @b; the library's return value */
int sim_install(struct simboard *b, const char *path, struct sf_err *err);

/**
 * sim_boot_check() - the early-boot check of a boot that tried every armed
 * trial: U-Boot booted each armed reboot trial (the kernel command line says
 * so); the health checks pass (no health folder) unless @health_dir names one
 * Return: the library's return value.
 */
int sim_boot_check(struct simboard *b, const char *health_dir, struct sf_err *err);

/**
 * sim_env_edit() - set (or, with @value NULL, delete) one variable of the
 * current environment directly, as a tool outside slotflip would; aborts when
 * the environment is not valid
 */
void sim_env_edit(struct simboard *b, const char *name, const char *value);

#endif /* SF_SIMBOARD_H */
