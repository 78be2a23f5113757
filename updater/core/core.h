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

#include <stdbool.h>
#include <signal.h>
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

/** What a progress report marks. */
enum sf_progress_event {
	SF_PROGRESS_START, /* a phase begins (for a component) */
	SF_PROGRESS_STEP,  /* it advanced */
	SF_PROGRESS_END,   /* it is done */
};

/**
 * struct sf_progress - one progress report of an install
 * @phase:     "verify" (the header), "write" (an image's data written and
 *             hashed), "readback" (read back from the device, alongside the
 *             write), "sync" (made durable), "arm" (store (2))
 * @component: the component being written, read back or synced; NULL for
 *             verify and arm
 * @event:     enum sf_progress_event
 * @done:      bytes of this phase done (of this component's image)
 * @total:     bytes of this phase in all (0 when not known yet)
 */
struct sf_progress {
	const char *phase;
	const char *component;
	enum sf_progress_event event;
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
 * @stop:           may be NULL; when it points at a non-zero value (set by a
 *                  signal handler), an operation stops at its next safe point
 *                  and fails with SF_R_INTERRUPTED: an install before store
 *                  (2) (nothing armed), a boot-check or activation before it
 *                  stores a verdict (a try already spent stays spent)
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
	const volatile sig_atomic_t *stop;
};

/** sf_stopped() - has the caller asked the operation to stop? */
static inline bool sf_stopped(const struct sf_ctx *ctx)
{
	return ctx->stop && *ctx->stop;
}

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
 * sf_booted_slot() - the slot U-Boot booted for @comp, from
 * "slotflip.<comp>=<a|b>" on the kernel command line @cmdline (may be NULL)
 * Return: SLOT_A, SLOT_B or SLOT_NONE.
 */
int sf_booted_slot(const char *cmdline, const char *comp);

/**
 * sf_load() - read the environment and the state of every component
 *
 * A component whose variables are malformed is loaded as broken (struct
 * comp_state): the others can go on.
 *
 * Return: 0; -SF_ECONFIG when no copy is valid (SF_R_ENV_BLANK: blank or a cut
 * first store, "run 'slotflip init'"; SF_R_ENV_DAMAGED) or the sf_* variables
 * exceed what slotflip writes (SF_R_ENV_MALFORMED); -SF_EPERM
 * (SF_R_PERMISSION); -SF_EIO (SF_R_ENV_IO) when it cannot be read.
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
 * On success @s holds the new state. Return: 0; -SF_ECONFIG (SF_R_ENV_FULL)
 * when the environment has no room; -SF_EPERM; -SF_EIO (SF_R_ENV_IO).
 */
int sf_store(const struct sf_ctx *ctx, struct sf_session *s, const struct sys_state *st, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * sf_env_fits() - would the environment hold each of @n states? (an install
 * checks, before its first store, the states its later stores may write)
 * Return: 0; -SF_ECONFIG (SF_R_ENV_FULL) naming the bytes needed and there;
 * -SF_EIO (SF_R_ENV_IO).
 */
int sf_env_fits(const struct sf_ctx *ctx, const struct sf_session *s, const struct sys_state *const st[],
		unsigned int n, struct sf_err *err) __attribute__((warn_unused_result));

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
 * Refuses when a valid environment copy exists. Proceeds on a blank one and on
 * a torn one (its first store was cut: no state was ever recorded). Every
 * component becomes active in slot a with nothing armed and floor 0, or as
 * @factory says.
 *
 * Return: 0; -SF_EPOLICY (SF_R_ENV_IN_USE) when the environment is already
 * valid; -SF_ECONFIG (SF_R_ENV_DAMAGED) when it holds data but no valid copy;
 * -SF_EUSAGE (SF_R_UNKNOWN_COMPONENT) for an unknown component in @factory;
 * -SF_EIO when the store fails.
 */
int sf_init(const struct sf_ctx *ctx, const struct sf_factory *factory, unsigned int n_factory,
	    struct sf_err *err) __attribute__((warn_unused_result));

/**
 * struct sf_install_opts - how to install
 * @allow_removed: install a patch the user removed before (plan.h)
 */
struct sf_install_opts {
	bool allow_removed;
};

/**
 * struct sf_installed - what an install did
 * @bundle: the verified bundle header
 * @slot:   the slot each of its images went to
 * @tries:  the tries each was armed with
 */
struct sf_installed {
	struct fit_bundle bundle;
	int slot[CONFIG_MAX_BUNDLE_IMAGES];
	unsigned int tries;
};

/**
 * sf_install() - verify a bundle, write its images to the inactive slots, arm them
 * @ctx:  the context (keys must be set)
 * @src:  the bundle stream, positioned at its first byte
 * @opts: options, may be NULL
 * @out:  what was installed, for the caller's report; may be NULL
 * @err:  failure reason
 *
 * Before store (1), besides the header, signatures and policy (plan.h): the
 * environment must hold the state after store (2) and after a fallback of the
 * new set (-SF_ECONFIG, SF_R_ENV_FULL), and every target slot must open for
 * writing (-SF_EIO, SF_R_SLOT_IO; -SF_EPERM).
 *
 * Return: 0 once the trials are armed; -SF_EVERIFY, -SF_EPOLICY, -SF_ECONFIG,
 * -SF_EIO, -SF_EPERM, -SF_EINPUT before anything is written (environment and
 * slots untouched); while streaming -SF_EVERIFY (payload does not match its
 * hash), -SF_EINPUT (the stream ended early or could not be read), -SF_EIO
 * or -SF_EINTR (stopped): then only store (1) happened: the target slots are
 * marked empty (the bytes already written stay in them), nothing is armed.
 */
int sf_install(const struct sf_ctx *ctx, struct src *src, const struct sf_install_opts *opts,
	       struct sf_installed *out, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * sf_commit() - commit armed trials without health checks, in one store
 * @ctx:       the context
 * @names:     components; every armed set when @n is 0
 * @n:         count
 * @cmdline:   the kernel command line ("slotflip.<c>=<slot>"), may be NULL
 * @committed: out, may be NULL: CONFIG_MAX_COMPONENTS entries, true for each
 *             component committed (system-description order)
 * @err:       failure reason
 *
 * A bundle is one transaction: naming one component commits its whole set.
 * Only a trial that ran is committed (state_ran(): a reboot component booted
 * in its trial slot, a soft one had a try spent), and only when every
 * requirement holds afterwards. Without names, sets that cannot be committed
 * are left as they are.
 *
 * Return: 0; -SF_EUSAGE (SF_R_UNKNOWN_COMPONENT); -SF_EPOLICY when a named
 * component has nothing armed (SF_R_NOT_ARMED), a member of its set never
 * ran (SF_R_NOT_TRIED), its set is no longer whole (SF_R_POLICY) or a
 * requirement would break (SF_R_REQUIRES); -SF_ECONFIG for a broken
 * component; -SF_EIO.
 */
int sf_commit(const struct sf_ctx *ctx, const char *const names[], unsigned int n, const char *cmdline,
	      bool committed[], struct sf_err *err) __attribute__((warn_unused_result));

/**
 * struct sf_restart - a soft restart around a removal's store, for a component
 * whose active slot changes (boot/ provides it: stop-command, mount, start)
 * @stop:  before the store; a failure stops the removal, nothing stored
 * @start: after the store, with the slot that is active then (the old one
 *         when the store failed); its failure is the removal's
 * @priv:  their argument
 */
struct sf_restart {
	int (*stop)(void *priv, unsigned int comp, struct sf_err *err);
	int (*start)(void *priv, unsigned int comp, int slot, struct sf_err *err);
	void *priv;
};

/**
 * sf_remove() - user removal of the update of @name (DESIGN §1), one store
 * @ctx:     the context
 * @name:    the component
 * @restart: what to do around the store when the active slot changes; NULL
 *           for nothing
 * @active:  out: the active slot after the removal; may be NULL
 * @err:     failure reason
 *
 * With a trial armed, the trial and the rest of its set are dropped (nothing
 * ran them, no restart). Otherwise the component returns to its other slot,
 * when the requirements of every component still hold then; a refused removal
 * stops nothing.
 *
 * Return: 0; -SF_EUSAGE (SF_R_UNKNOWN_COMPONENT); -SF_EPOLICY when the other
 * slot cannot be returned to (SF_R_CANNOT_REMOVE, SF_R_REQUIRES); -SF_ECONFIG
 * for a broken component; -SF_EIO; what @restart returns.
 */
int sf_remove(const struct sf_ctx *ctx, const char *name, const struct sf_restart *restart, int *active,
	      struct sf_err *err) __attribute__((warn_unused_result));

/**
 * struct sf_repair - what an operator states about a broken component
 * @active: the slot it runs (SLOT_A or SLOT_B)
 * @floor:  its security floor, or -1 to keep the one recorded (which must then
 *          be readable)
 */
struct sf_repair {
	int active;
	int64_t floor;
};

/**
 * sf_repair() - rewrite the state of one component whose variables cannot be
 * read (`slotflip repair`), in one store
 *
 * The component runs @r->active; nothing is armed; what each slot holds is
 * kept where its variables read (a version with its security version, id and
 * requirements), every other slot is recorded as empty (never activated until
 * it is written again); the failure and removal records are kept where they
 * read. The other slot, when its image never ran (its variables show it
 * armed, or its bundle is armed, failed or dropped untried in another
 * component), is marked removed, as the removal of a trial would: it is never
 * activated, and the rest of its bundle falls back at the next early-boot
 * check (a commit refuses it). Only that component's variables change.
 *
 * Return: 0; -SF_EUSAGE (SF_R_UNKNOWN_COMPONENT, SF_R_USAGE: no floor given
 * when none can be read); -SF_EPOLICY (SF_R_STATE_READABLE) when its state
 * reads; -SF_ECONFIG, -SF_EIO as sf_load()/sf_store().
 */
int sf_repair(const struct sf_ctx *ctx, const char *name, const struct sf_repair *r, struct sf_err *err)
	__attribute__((warn_unused_result));

#endif /* SF_CORE_H */
