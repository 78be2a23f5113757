/* SPDX-License-Identifier: MIT */
/*
 * delta_enc — make a delta (delta_format.h) from a source and a target image
 * held in memory: the host side of delta bundles.
 *
 * The copies delta_match chooses become operations. Each copy's residuals are
 * computed with the same predictor the decoder runs (delta_predict.h); a copy is
 * cut where long stretches need no residual, and those parts become exact
 * operations that carry no diff bytes at all (a rebuild with no code change is
 * a few operations). The three streams are compressed with liblzma (LZMA2,
 * dictionaries of at most 2 MiB, each stream with the literal context that suits
 * it; the literal stream's dictionary starts with the part of the source that
 * helps it most, if any) and cut into frames in the order the decoder will ask
 * for them. Before it returns, the encoder decodes its own output with
 * delta_dec and compares it with the target.
 */
#ifndef SF_DELTA_ENC_H
#define SF_DELTA_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "common/sf_err.h"

/**
 * struct delta_enc_opts - encoder settings; zero means the default
 * @flags:    DELTA_T_* transforms, or DELTA_ENC_AUTO (the default): "all
 *            transforms", "x86-64 and absolute addresses" (no word
 *            subtraction) and "none" are tried, the smallest delta is kept
 * @exact_min: shortest stretch without residuals that becomes an exact
 *            operation (default DELTA_ENC_EXACT_MIN)
 */
struct delta_enc_opts {
	unsigned int flags;
	unsigned int exact_min;
};

#define DELTA_ENC_AUTO 0u
#define DELTA_ENC_NONE 0x100u /* no transform at all */
#define DELTA_ENC_EXACT_MIN 1024

/**
 * struct delta_enc_stats - what the delta is made of
 * @ops:       operations
 * @copied:    target bytes copied from the source
 * @exact:     of those, bytes in exact operations
 * @literal:   target bytes from the literal stream
 * @raw:       decoded bytes of each stream
 * @packed:    compressed bytes of each stream (frame headers not counted)
 * @frames:    frames, END included
 * @flags:     the transforms used
 * @size:      bytes of the whole payload
 */
struct delta_enc_stats {
	uint64_t ops;
	uint64_t copied;
	uint64_t exact;
	uint64_t literal;
	uint64_t raw[3];
	uint64_t packed[3];
	uint64_t frames;
	unsigned int flags;
	uint64_t size;
};

/**
 * delta_encode() - make a delta from @src to @dst
 * @src:      the source image (what the device runs)
 * @src_size: its bytes; 0 is allowed
 * @dst:      the target image
 * @dst_size: its bytes, at least 1
 * @o:        settings; NULL for the defaults
 * @out:      receives the payload, malloc'd; free() it
 * @out_size: its bytes
 * @st:       statistics; may be NULL
 * @err:      failure reason
 *
 * Return: 0; -SF_EUSAGE for an empty target or unknown flags; -SF_EFAIL when
 * memory is lacking, liblzma fails, or the payload does not decode back to
 * @dst (a bug, never a property of the input).
 */
#ifdef CONFIG_BUNDLE_CREATE
int delta_encode(const uint8_t *src, uint64_t src_size, const uint8_t *dst, uint64_t dst_size,
		 const struct delta_enc_opts *o, uint8_t **out, size_t *out_size, struct delta_enc_stats *st,
		 struct sf_err *err) __attribute__((warn_unused_result));
#else
static inline int delta_encode(const uint8_t *src, uint64_t src_size, const uint8_t *dst, uint64_t dst_size,
			       const struct delta_enc_opts *o, uint8_t **out, size_t *out_size,
			       struct delta_enc_stats *st, struct sf_err *err)
{
	(void)src, (void)src_size, (void)dst, (void)dst_size, (void)o, (void)out, (void)out_size, (void)st;
	return sf_fail(err, SF_EUSAGE, "this slotflip was built without delta encoding (CONFIG_BUNDLE_CREATE)");
}
#endif

#endif /* SF_DELTA_ENC_H */
