/* SPDX-License-Identifier: MIT */
/*
 * stream — move one image from the bundle stream into a slot and check the slot
 * holds it, at the storage's speed in bounded memory.
 *
 * Four stages run at once over STREAM_BUFFERS buffers of one chunk each:
 *  - the calling thread reads the bundle stream into a free buffer;
 *  - the hashing thread feeds the image's SHA-256;
 *  - the writing thread writes the buffer to the slot and records a 64-bit
 *    checksum of it (stream_sum());
 *  - the verifying thread follows the writer: it has each written chunk reach
 *    the device (slot_ops.flush), reads it back through a second handle (which
 *    bypasses the page cache where the device allows) and compares checksums.
 * Hasher and writer work on the same buffer, which nobody changes until both
 * are done with it, so the digest covers exactly the bytes written; the read
 * back checks the device returns them, without a second SHA-256 pass that would
 * cost as much as the whole write. Memory: STREAM_BUFFERS + 1 chunks, plus 8
 * bytes per chunk of checksums.
 */
#ifndef SF_STREAM_H
#define SF_STREAM_H

#include <stddef.h>
#include <signal.h>
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
 * @ops:      the slot back-end
 * @wh:       a handle opened with SLOT_WRITE
 * @rh:       a handle of the same slot opened with SLOT_READ
 * @hops:     the SHA-256 calls
 * @hash:     a started SHA-256 context
 * @what:     names the slot in messages ("slot b of webkit (/dev/x)")
 * @progress: called, from the calling thread, with the bytes written and the
 *            bytes read back so far; may be NULL
 * @priv:     its argument
 * @stop:     may be NULL; the copy stops before its next chunk once it points
 *            at a non-zero value
 * @fill:     when set, where the image's bytes come from instead of @src
 *            (a delta being applied: core/delta_apply.h); same contract as
 *            src_read()
 * @fill_priv: its argument
 */
struct stream_job {
	struct src *src;
	uint64_t size;
	size_t chunk;
	const struct slot_ops *ops;
	void *wh;
	void *rh;
	const struct sha256_ops *hops;
	struct sha256 *hash;
	const char *what;
	void (*progress)(void *priv, uint64_t written, uint64_t verified);
	void *priv;
	const volatile sig_atomic_t *stop;
	int (*fill)(void *priv, void *buf, size_t len, struct sf_err *err);
	void *fill_priv;
};

/**
 * stream_copy() - write the image, hash exactly what is written, read it back
 * @job:    the image
 * @digest: out: SHA-256 of the bytes written
 * @err:    failure reason
 *
 * Does not sync: the caller compares @digest with the signed hash, then syncs.
 * Signals are blocked in the worker threads: a signal interrupts the calling
 * thread's read of the stream.
 * Return: 0; -SF_EINPUT when the stream ends early or cannot be read (as
 * src_read()); -SF_EINTR (SF_R_INTERRUPTED) when stopped; -SF_EIO
 * (SF_R_SLOT_IO) for a write, flush or hash failure, or a chunk that does not
 * read back as written ("slot ... does not read back what was written (chunk
 * at byte N)"); -SF_EFAIL when threads or memory are lacking.
 */
int stream_copy(const struct stream_job *job, uint8_t digest[SHA256_LEN], struct sf_err *err)
	__attribute__((warn_unused_result));

/** stream_sum() - the 64-bit checksum of a chunk (not cryptographic) */
uint64_t stream_sum(const void *data, size_t len);

#endif /* SF_STREAM_H */
