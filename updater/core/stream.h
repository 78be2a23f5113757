/* SPDX-License-Identifier: MIT */
/*
 * stream — move one image from the bundle stream into a slot, and check what
 * the slot holds afterwards, at the storage's speed in bounded memory.
 *
 * Writing is a three-stage pipeline over STREAM_BUFFERS buffers of one chunk
 * each: the calling thread reads the bundle stream, one thread feeds the image's
 * SHA-256 and one writes the slot. Both work on the same buffer, which nobody
 * changes until both are done with it, so the digest covers exactly the bytes
 * written. The writer also records a 64-bit checksum of every chunk it wrote
 * (stream_sum()).
 *
 * Reading back compares each chunk read from the slot (after fsync, bypassing
 * the page cache where possible) with those checksums: it proves the storage
 * returns what was written without a second SHA-256 pass, which would cost as
 * much as the whole write. The SHA-256 over the written bytes is what ties the
 * slot to the signature.
 */
#ifndef SF_STREAM_H
#define SF_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "common/sf_err.h"
#include "common/sha256.h"
#include "io/slot.h"
#include "io/src.h"

#define STREAM_BUFFERS 4

/**
 * struct stream_job - one image to move
 * @src:      the bundle stream, positioned at the image's first byte
 * @size:     image bytes
 * @chunk:    bytes per step, a multiple of SLOT_IO_ALIGN
 * @ops, @h:  the slot back-end and a handle opened for writing (stream_write)
 *            or reading (stream_readback)
 * @hops:     the SHA-256 calls
 * @hash:     a started SHA-256 context (stream_write)
 * @what:     names the slot in messages ("slot b of webkit (/dev/x)")
 * @progress: called with the bytes done so far; may be NULL
 * @priv:     its argument
 */
struct stream_job {
	struct src *src;
	uint64_t size;
	size_t chunk;
	const struct slot_ops *ops;
	void *h;
	const struct sha256_ops *hops;
	struct sha256 *hash;
	const char *what;
	void (*progress)(void *priv, uint64_t done);
	void *priv;
};

/** stream_chunks() - how many chunks @job has, the length of its sums array */
uint64_t stream_chunks(const struct stream_job *job);

/**
 * stream_write() - write the image, hashing and checksumming exactly what is written
 * @job:    the image
 * @digest: out: SHA-256 of the bytes written
 * @sums:   out: stream_chunks() checksums
 * @err:    failure reason
 *
 * Does not sync. Return: 0; -SF_EVERIFY when the stream ends early; -SF_EIO
 * for a read, write or hash failure; -SF_EFAIL when threads or memory are
 * lacking.
 */
int stream_write(const struct stream_job *job, uint8_t digest[SHA256_LEN], uint64_t *sums, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * stream_readback() - read the slot back and compare every chunk's checksum
 * @job:  the image (@src and @hash unused)
 * @sums: what stream_write() recorded
 * @err:  failure reason
 * Return: 0; -SF_EIO when a read fails or a chunk differs ("slot ... does not
 * read back what was written (chunk at byte N)").
 */
int stream_readback(const struct stream_job *job, const uint64_t *sums, struct sf_err *err)
	__attribute__((warn_unused_result));

/** stream_sum() - the 64-bit checksum of a chunk (not cryptographic) */
uint64_t stream_sum(const void *data, size_t len);

#endif /* SF_STREAM_H */
