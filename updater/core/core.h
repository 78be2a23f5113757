/* SPDX-License-Identifier: MIT */
/*
 * core — slotflip's operations: init, install, commit, remove (and, in boot/,
 * boot-check and activate), each a fixed sequence of verified steps over the
 * slot and environment seams.
 *
 * Every operation loads the state from the environment, computes the next state
 * in memory (plan/, plan/state.h) and makes each transition durable with exactly
 * one environment store. The install order is fixed (DESIGN §7): verify header,
 * signature and policy → store (1) invalidates the target slots → stream each
 * image, hashing exactly the bytes written → fsync → read back and hash → store
 * (2) arms the trials. Nothing is written after store (2).
 */
#ifndef SF_CORE_H
#define SF_CORE_H

#include <stdint.h>

#include "common/kv.h"
#include "common/sf_err.h"
#include "common/sha256.h"
#include "fit/fit.h"
#include "fit/keyring.h"
#include "io/env.h"
#include "io/slot.h"
#include "io/src.h"
#include "io/sysconf.h"
#include "plan/state.h"

/**
 * struct sf_progress - one progress report of an install
 * @phase:     "verify" (header), "write" (image data: written, hashed, read back) or "arm"
 * @component: the component being written or read back, "" otherwise
 * @done:      bytes of this phase done
 * @total:     bytes of this phase in all
 */
struct sf_progress {
	const char *phase;
	const char *component;
	uint64_t done;
	uint64_t total;
};

/**
 * struct sf_ctx - what an operation works with; the I/O lives behind the ops
 * @sys:            the system description
 * @env, @env_priv: the environment back-end
 * @slot, @slot_priv: the slot back-end
 * @keys:           trusted keys (install only)
 * @hash_engine:    SHA-256 engine for image data
 * @hash:           the SHA-256 calls; NULL means sha256_default_ops
 * @io_chunk:       bytes per read/hash/write step; 0 means CONFIG_IO_CHUNK_KIB KiB
 *                  (a multiple of SLOT_IO_ALIGN)
 * @progress:       called as an install advances; may be NULL
 * @progress_priv:  its argument
 */
struct sf_ctx {
	const struct sysconf *sys;
	const struct env_ops *env;
	void *env_priv;
	const struct slot_ops *slot;
	void *slot_priv;
	const struct keyring *keys;
	enum sha256_engine hash_engine;
	const struct sha256_ops *hash;
	size_t io_chunk;
	void (*progress)(void *priv, const struct sf_progress *p);
	void *progress_priv;
};

/**
 * struct sf_session - the environment as loaded, and the state read from it
 * @env: every sf_* variable (those of components the board no longer has too)
 * @st:  the state of the board's components
 */
struct sf_session {
	struct kv env;
	struct sys_state st;
};

/**
 * sf_load() - read the environment and the state of every component
 * Return: 0; -SF_ECONFIG when no copy is valid ("run 'slotflip init'") or the
 * variables are malformed; -SF_EIO when it cannot be read.
 */
int sf_load(const struct sf_ctx *ctx, struct sf_session *s, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * sf_store() - make @st durable: one environment store, read back
 * @ctx: the context
 * @s:   the session as loaded (its other variables are kept)
 * @st:  the new state
 * @err: failure reason
 *
 * On success @s holds the new state. Return: 0 or -SF_EIO.
 */
int sf_store(const struct sf_ctx *ctx, struct sf_session *s, const struct sys_state *st, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * struct sf_factory - `init --factory C=VER:SV`: slot a of C holds VER
 */
struct sf_factory {
	char component[SF_COMPONENT_MAX];
	char version[SF_VERSION_MAX];
	uint32_t sv;
};

/**
 * sf_init() - initialise a factory-fresh environment (DESIGN §5)
 * @ctx:       the context
 * @factory:   factory images, may be NULL when @n_factory is 0
 * @n_factory: entries in @factory
 * @err:       failure reason
 *
 * Refuses when a valid environment copy exists. Every component becomes active
 * in slot a with nothing armed and floor 0, or as @factory says.
 *
 * Return: 0; -SF_EPOLICY when the environment is already valid; -SF_EUSAGE for
 * an unknown component in @factory; -SF_EIO when the store fails.
 */
int sf_init(const struct sf_ctx *ctx, const struct sf_factory *factory, unsigned int n_factory,
	    struct sf_err *err) __attribute__((warn_unused_result));

/**
 * struct sf_installed - what an install did
 * @bundle: the verified bundle header
 * @slot:   the slot each of its images went to
 */
struct sf_installed {
	struct fit_bundle bundle;
	int slot[CONFIG_MAX_BUNDLE_IMAGES];
};

/**
 * sf_install() - verify a bundle, write its images to the inactive slots, arm them
 * @ctx: the context (keys must be set)
 * @src: the bundle stream, positioned at its first byte
 * @out: what was installed, for the caller's report; may be NULL
 * @err: failure reason
 *
 * Return: 0 once the trials are armed; -SF_EVERIFY, -SF_EPOLICY before anything
 * is written (environment and slots untouched); -SF_EVERIFY (payload does not
 * match its hash, stream truncated) or -SF_EIO while streaming (then only store
 * (1) happened: the target slots are marked empty, nothing is armed).
 */
int sf_install(const struct sf_ctx *ctx, struct src *src, struct sf_installed *out, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * sf_commit() - commit the armed trials of the named components (all armed
 * trials when @n is 0) in one store; what boot-check does when health passes
 * Return: 0; -SF_EUSAGE for an unknown component; -SF_EPOLICY when a named
 * component has nothing armed; -SF_EIO.
 */
int sf_commit(const struct sf_ctx *ctx, const char *const names[], unsigned int n, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * sf_remove() - user removal of the update of @name (DESIGN §1), one store
 * @ctx:  the context
 * @name: the component
 * @active: out: the active slot after the removal; may be NULL
 * @err:  failure reason
 * Return: 0; -SF_EUSAGE for an unknown component; -SF_EPOLICY when the other
 * slot cannot be returned to; -SF_EIO.
 */
int sf_remove(const struct sf_ctx *ctx, const char *name, int *active, struct sf_err *err)
	__attribute__((warn_unused_result));

#endif /* SF_CORE_H */
