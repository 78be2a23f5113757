/* SPDX-License-Identifier: MIT */
/*
 * fake_env — an in-memory redundant U-Boot environment behind struct env_ops,
 * for unit tests and the power-cut simulator. It keeps the real on-storage
 * layout (two copies, CRC-32 and flags, env_image.h) and stores as libubootenv
 * does: the new state goes to the copy that is not current, with the next flags
 * value (the first store of a blank environment goes to copy 2). Loading uses
 * the verdict code every back-end shares (env_image_state()). It counts loads
 * and stores, can refuse the N-th store, and tears a store on a power cut: a
 * prefix of the new copy is written, the rest keeps the old bytes (a block
 * device or a card written in place; fake_env_tear_len() says which prefixes).
 * It also writes the environment as U-Boot's boot script does (both copies,
 * one after the other), each copy a durable operation of its own.
 */
#ifndef SF_FAKE_ENV_H
#define SF_FAKE_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "io/env.h"
#include "power.h"

#define FAKE_ENV_SIZE 0x4000 /* bytes per copy, as the simulated board's */

/**
 * struct fake_env
 * @copy:       the two copies as stored
 * @size:       bytes per copy used (0 means FAKE_ENV_SIZE)
 * @foreign:    variables that are not slotflip's (kept by every store)
 * @stores:     stores done so far
 * @loads:      loads done so far
 * @fail_store: when non-zero, the store with this number (1-based) fails with
 *              -EIO and changes nothing
 * @power:      the power switch, may be NULL: a store is one durable
 *              operation; cut before or lost, nothing is written; cut torn,
 *              the prefix of the new copy that @power->tear names is; cut
 *              after, all of it
 */
struct fake_env {
	uint8_t copy[2][FAKE_ENV_SIZE];
	size_t size;
	struct kv foreign;
	unsigned int stores;
	unsigned int loads;
	unsigned int fail_store;
	struct power *power;
};

extern const struct env_ops fake_env_ops;

/** fake_env_blank() - both copies all 0x00 (factory-fresh); @foreign emptied */
void fake_env_blank(struct fake_env *e);

/** fake_env_erased() - both copies all 0xff (an erased flash); @foreign emptied */
void fake_env_erased(struct fake_env *e);

#define FAKE_ENV_TEARS 6

/**
 * fake_env_tear_len() - how many bytes of a new copy a torn write leaves on the
 * medium (the rest of the copy keeps its old bytes)
 * @tear:     0..FAKE_ENV_TEARS-1: part of the CRC; the CRC and the flags byte;
 *            half of the data; the data but its last byte; the data without
 *            the zero tail behind it; half of the copy
 * @data_len: bytes of the new copy's data area in use ("name=value" strings
 *            and the empty one that ends them)
 * @size:     bytes per copy
 */
size_t fake_env_tear_len(unsigned int tear, size_t data_len, size_t size);

/**
 * fake_env_uboot_store() - store @vars as the boot script does (boot/boot.cmd,
 * step 3): the same data, holding @vars only (the variables that are not
 * slotflip's are dropped), written to both copies, the copy that is not
 * current first, each keeping the flags byte it holds; each copy is one
 * durable operation ('u') that the power switch may cut or tear
 * Return: 0; -ENODATA when no copy is valid (the script writes nothing then);
 * -ENOSPC; -EIO when the power went.
 */
int fake_env_uboot_store(struct fake_env *e, const struct kv *vars);

/**
 * fake_env_set() - make @vars (with @e's foreign variables) the environment,
 * as one store would, without counting it or asking the power switch
 * Return: 0 or -ENOSPC.
 */
int fake_env_set(struct fake_env *e, const struct kv *vars);

/** fake_env_get() - the sf_* variables of the current copy; -ENODATA when none is valid */
int fake_env_get(const struct fake_env *e, struct kv *out);

#endif /* SF_FAKE_ENV_H */
