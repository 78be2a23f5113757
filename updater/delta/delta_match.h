/* SPDX-License-Identifier: MIT */
/*
 * delta_match — which parts of the target to copy from where in the source
 * (the host side of a delta; the encoder, delta_enc, turns the choice into
 * operations).
 *
 * The source is suffix-sorted with libdivsufsort. The target is then read front
 * to back, as bsdiff does: exact matches found in the suffix array propose new
 * alignments (target offset - source offset), and a copy may keep its alignment
 * through bytes that differ, as long as enough of them agree; the bytes no copy
 * covers become literals. What differs from bsdiff is which match is proposed:
 * among the suffixes that share the longest match, the one nearest the current
 * alignment is taken, not any one of them, so that a copy follows the same
 * file of an image (two libraries built from one source share long runs) and
 * keeps residuals small.
 *
 * Memory: the source's suffix array (4 bytes per source byte, 8 above 2 GiB)
 * and the list of copies.
 */
#ifndef SF_DELTA_MATCH_H
#define SF_DELTA_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "common/sf_err.h"

/**
 * struct delta_copy - target bytes [dst, dst + len) follow source bytes
 * [src, src + len), byte for byte or nearly
 */
struct delta_copy {
	uint64_t dst;
	uint64_t src;
	uint64_t len;
};

/**
 * struct delta_copies - copies in increasing, non-overlapping target order;
 * the target bytes between them are literals
 */
struct delta_copies {
	struct delta_copy *c;
	size_t n;
	size_t cap;
};

/**
 * delta_match() - choose the copies
 * @src:      the source image
 * @src_size: its bytes (0 is allowed: then the whole target is literal)
 * @dst:      the target image
 * @dst_size: its bytes
 * @out:      receives the copies (zero-initialise it; free with delta_copies_free())
 * @err:      failure reason
 *
 * Return: 0; -SF_EFAIL when memory is lacking or suffix sorting fails.
 */
int delta_match(const uint8_t *src, uint64_t src_size, const uint8_t *dst, uint64_t dst_size,
		struct delta_copies *out, struct sf_err *err) __attribute__((warn_unused_result));

/** delta_copies_free() - release the list */
void delta_copies_free(struct delta_copies *c);

#endif /* SF_DELTA_MATCH_H */
