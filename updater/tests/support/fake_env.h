/* SPDX-License-Identifier: MIT */
/*
 * fake_env — an in-memory environment behind struct env_ops, for unit tests and
 * the power-cut simulator: it counts stores, can refuse the N-th one, and keeps
 * every stored state.
 */
#ifndef SF_FAKE_ENV_H
#define SF_FAKE_ENV_H

#include <stdbool.h>

#include "io/env.h"
#include "power.h"

/**
 * struct fake_env
 * @kv:         the current sf_* variables
 * @valid:      false: no valid copy (load returns -ENODATA)
 * @stores:     stores done so far
 * @loads:      loads done so far
 * @fail_store: when non-zero, the store with this number (1-based) fails with
 *              -EIO and changes nothing
 * @power:      the power switch, may be NULL. A store is one durable
 *              operation; like a redundant environment it is atomic: cut
 *              before, torn or lost leaves the old variables, cut after the new.
 */
struct fake_env {
	struct kv kv;
	bool valid;
	unsigned int stores;
	unsigned int loads;
	unsigned int fail_store;
	struct power *power;
};

extern const struct env_ops fake_env_ops;

#endif /* SF_FAKE_ENV_H */
