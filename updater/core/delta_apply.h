/* SPDX-License-Identifier: MIT */
/*
 * delta_apply — the install pipeline's side of a delta image (fit_delta,
 * delta_dec): the source comes from the component's active slot, the target
 * goes through the same pipeline as a full image (core/stream.h), into the
 * inactive slot.
 *
 * Two steps, in the install's fixed order:
 *  - before store (1), delta_apply_check_sources(): each delta's active slot
 *    must hold the delta's source (its first source-size bytes hash to the
 *    signed source sha256); otherwise the bundle is refused by policy and
 *    nothing is written;
 *  - after store (1), per delta image, delta_apply_start() opens the active
 *    slot for reading only (it is never opened for writing) and a decoder over
 *    the bundle stream; the pipeline pulls the target from delta_apply_fill();
 *    delta_apply_finish() then requires the delta to end exactly there, the
 *    payload to match its signed `hash-1`, and the bytes written to match the
 *    signed target sha256.
 * The active slot is opened in SLOT_SOURCE mode (through the page cache: the
 * check reads it once from the device, the decoder then mostly from the cache)
 * and read with aligned reads through a window of DELTA_APPLY_WINDOW bytes.
 * Memory: the decoder's (delta_dec.h) and one window.
 */
#ifndef SF_DELTA_APPLY_H
#define SF_DELTA_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "common/sf_err.h"
#include "core/core.h"
#include "plan/plan.h"

#define DELTA_APPLY_WINDOW ((size_t)256 * 1024)
/* the pipeline's chunk for a delta image (memory: STREAM_BUFFERS + 1 of them) */
#define DELTA_APPLY_CHUNK ((size_t)128 * 1024)

struct delta_apply;

/**
 * delta_apply_check_sources() - the active slot of each delta of @p holds its source
 * @ctx:   the context (slot back-end, hash engine)
 * @b:     the verified bundle
 * @p:     the plan
 * @st:    the state the plan was made from (which slot is active)
 * @chunk: bytes per read
 * @err:   failure reason
 *
 * Return: 0; -SF_EPOLICY (reason delta-source-mismatch) "the active slot a of
 * webkit (/dev/x) does not hold the image the delta applies to: sha256 of its
 * first N bytes differs"; -SF_EIO when the slot cannot be read; -SF_EFAIL when
 * memory or the hash engine is lacking.
 */
int delta_apply_check_sources(const struct sf_ctx *ctx, const struct fit_bundle *b, const struct plan *p,
			      const struct sys_state *st, size_t chunk, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * delta_apply_start() - set up the decoding of one delta image
 * @ctx:    the context
 * @img:    the delta image (img->delta.format set)
 * @path:   the component's active slot
 * @what:   names it in messages ("active slot a of webkit (/dev/x)")
 * @src:    the bundle stream, positioned at the image's data
 * @out:    the state, for delta_apply_fill() and delta_apply_finish()
 * @err:    failure reason
 *
 * Return: 0; -SF_EIO when the slot cannot be opened; what delta_dec_new()
 * returns (a malformed header: -SF_EVERIFY; a truncated stream); -SF_EVERIFY
 * when the delta's header disagrees with the signed sizes.
 */
int delta_apply_start(const struct sf_ctx *ctx, const struct fit_image *img, const char *path, const char *what,
		      struct src *src, struct delta_apply **out, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * delta_apply_fill() - the next @len target bytes (struct stream_job's fill)
 * @priv: a struct delta_apply
 * Return: as delta_dec_read(), or -SF_EIO for the active slot's reads.
 */
int delta_apply_fill(void *priv, void *buf, size_t len, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * delta_apply_finish() - the delta ends where the target does, and both hashes match
 * @da:     the state
 * @digest: sha256 of the bytes written
 * @err:    failure reason
 *
 * Return: 0; what delta_dec_finish() returns; -SF_EVERIFY (reason
 * hash-mismatch) when the payload does not match its signed sha256 or the
 * bytes written do not match the signed target sha256; -SF_EIO when the active
 * slot's handle does not close.
 */
int delta_apply_finish(struct delta_apply *da, const uint8_t digest[SHA256_LEN], struct sf_err *err)
	__attribute__((warn_unused_result));

/** delta_apply_free() - close the active slot, release everything; NULL is accepted */
void delta_apply_free(struct delta_apply *da);

#endif /* SF_DELTA_APPLY_H */
