/* SPDX-License-Identifier: MIT */
/*
 * delta_file — a delta between two image files, with what a bundle must sign
 * about it: the source's and the target's size and sha256. Used by `bundle
 * create --delta-from` and by `bundle delta` (for mkimage users).
 *
 * Both images are mapped read-only and each is read in full: hashed and
 * handed to the encoder (delta_enc.h).
 */
#ifndef SF_DELTA_FILE_H
#define SF_DELTA_FILE_H

#include <stdint.h>

#include "common/sf_err.h"
#include "common/sha256.h"
#include "delta/delta_enc.h"

/**
 * struct delta_desc - a delta as a bundle describes it
 * @source_size:   bytes of the source image
 * @source_sha256: its sha256
 * @target_size:   bytes of the target image
 * @target_sha256: its sha256
 * @payload_size:  bytes of the delta written
 * @stats:         the encoder's statistics
 */
struct delta_desc {
	uint64_t source_size;
	uint8_t source_sha256[SHA256_LEN];
	uint64_t target_size;
	uint8_t target_sha256[SHA256_LEN];
	uint64_t payload_size;
	struct delta_enc_stats stats;
};

/**
 * delta_file_make() - write the delta from @source_path to @target_path
 * @source_path: the image the device runs
 * @target_path: the new image
 * @max_size:    largest image allowed, in bytes
 * @o:           encoder settings, NULL for the defaults
 * @out_fd:      where the payload goes, written from its current offset
 * @desc:        out: sizes, hashes, statistics
 * @err:         failure reason
 *
 * Return: 0; -SF_EUSAGE for an empty image or one over @max_size;
 * -SF_EIO when an image cannot be read or the payload written; -SF_EFAIL as
 * delta_encode().
 */
#ifdef CONFIG_BUNDLE_CREATE
int delta_file_make(const char *source_path, const char *target_path, uint64_t max_size,
		    const struct delta_enc_opts *o, int out_fd, struct delta_desc *desc, struct sf_err *err)
	__attribute__((warn_unused_result));
#else
static inline int delta_file_make(const char *source_path, const char *target_path, uint64_t max_size,
				  const struct delta_enc_opts *o, int out_fd, struct delta_desc *desc,
				  struct sf_err *err)
{
	(void)source_path, (void)target_path, (void)max_size, (void)o, (void)out_fd, (void)desc;
	return sf_fail(err, SF_EUSAGE, "this slotflip was built without deltas (CONFIG_BUNDLE_CREATE)");
}
#endif

#endif /* SF_DELTA_FILE_H */
