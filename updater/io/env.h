/* SPDX-License-Identifier: MIT */
/*
 * env — the narrow interface to the U-Boot environment.
 *
 * slotflip owns the variables whose names start with "sf_" and leaves every other
 * variable alone. A store replaces the whole sf_* set in one atomic write (one
 * libuboot_env_store(): with a redundant environment the new copy gets the next
 * flags value, so a power cut leaves either the old or the new set).
 *
 * Back-ends: env_uboot (libubootenv, the real thing) and an in-memory fake in
 * the tests.
 */
#ifndef SF_ENV_H
#define SF_ENV_H

#include <stddef.h>

#include "common/kv.h"
#include "common/sf_err.h"

#define ENV_PREFIX "sf_"

/**
 * enum env_state - what the environment's storage holds, decoded once (by
 * env_image_state()) for every back-end
 * @ENV_VALID:   a copy's CRC holds; its variables are the environment
 * @ENV_BLANK:   no valid copy, every copy blank (all 0x00 or all 0xff): a
 *               factory-fresh environment; only `init` may proceed
 * @ENV_TORN:    no valid copy, one blank and the other not: the first store
 *               ever made (init's) was cut short; there never was an A/B state,
 *               so `init` may proceed
 * @ENV_DAMAGED: no valid copy and none blank: a wrong configuration or both
 *               copies damaged; nothing may write it
 */
enum env_state {
	ENV_VALID,
	ENV_BLANK,
	ENV_TORN,
	ENV_DAMAGED,
};

/**
 * struct env_ops - environment back-end
 * @load:  read the current sf_* variables into @out and what the storage
 *         holds into @state (@out is filled only for ENV_VALID).
 *         Return: 0; -E2BIG when an sf_* variable does not fit struct kv (name
 *         or value too long, too many of them); other -errno when it cannot be
 *         read.
 * @store: make @vars the complete sf_* set, in one atomic store, and check it
 *         by reading it back. Works on a blank or torn env too (that is `init`).
 *         Return: 0 once the new set is durable and read back, -ENOSPC when it
 *         does not fit, -errno otherwise.
 * @space: the bytes the environment would need to hold @vars as its sf_* set,
 *         every other variable kept (@need), and the bytes it has (@avail).
 *         Return: 0 or -errno when it cannot be read.
 */
struct env_ops {
	int (*load)(void *priv, struct kv *out, enum env_state *state);
	int (*store)(void *priv, const struct kv *vars);
	int (*space)(void *priv, const struct kv *vars, size_t *need, size_t *avail);
};

struct env_uboot;
struct uboot_ctx;

/**
 * struct env_uboot_medium - how a store reaches the environment's devices
 * @store: write the environment prepared in @ctx; libuboot_env_store() itself
 *         unless a test puts a faulty device in between (one that drops or
 *         corrupts the write: the read-back must then fail the store).
 *         Return: 0 or -errno.
 * @priv:  its first argument
 */
struct env_uboot_medium {
	int (*store)(void *priv, struct uboot_ctx *ctx);
	void *priv;
};

/**
 * env_uboot_open() - the libubootenv back-end
 * @out:    its private data, for env_uboot_ops; release with env_uboot_close()
 * @config: an fw_env.config file
 * @err:    failure reason
 *
 * The configuration is checked first (env_config_check()): two copies of one
 * size, on devices that exist and hold them.
 *
 * Return: 0, or -SF_ECONFIG when the configuration cannot be read or fails
 * those checks.
 */
int env_uboot_open(struct env_uboot **out, const char *config, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * env_uboot_open_on() - env_uboot_open() with stores going through @medium
 * (copied; NULL means libuboot_env_store() directly)
 * Return: as env_uboot_open().
 */
int env_uboot_open_on(struct env_uboot **out, const char *config, const struct env_uboot_medium *medium,
		      struct sf_err *err) __attribute__((warn_unused_result));

/** env_uboot_close() - release; NULL is accepted */
void env_uboot_close(struct env_uboot *e);

extern const struct env_ops env_uboot_ops;

#endif /* SF_ENV_H */
