/* SPDX-License-Identifier: MIT */
/*
 * delta_dec — apply a delta (delta_format.h) in one forward pass, in bounded
 * memory: the target is produced front to back as the caller pulls it, the
 * source is read with positioned reads, the payload is read once, in order.
 *
 * The payload is untrusted. Every frame size, dictionary size, operation and
 * varint is checked before it is used; an operation that would seek outside
 * the source, read past its end, or produce a byte beyond the target size is
 * refused before any byte of it is produced, so no byte beyond the target size
 * ever comes out. Nothing is allocated after delta_dec_new() (which reads the
 * literal preset from the source into a buffer it frees again): memory is the
 * three LZMA2 dictionaries the header asks for (at most 3 MiB together), three
 * decoded frames (DELTA_FRAME_MAX each), the predictor's tables (about 360 KiB)
 * and a few 64 KiB buffers, whatever the image sizes.
 */
#ifndef SF_DELTA_DEC_H
#define SF_DELTA_DEC_H

#include <stddef.h>
#include <stdint.h>

#include "common/sf_err.h"

struct delta_dec;

/**
 * struct delta_dec_io - where the decoder reads from
 * @read_payload: read exactly @len more payload bytes; 0, or a negative
 *                category with @err set (a truncated bundle, an I/O error)
 * @read_source:  read exactly @len source bytes at @off; 0, or a negative
 *                category with @err set
 * @priv:         passed to both
 */
struct delta_dec_io {
	int (*read_payload)(void *priv, void *buf, size_t len, struct sf_err *err);
	int (*read_source)(void *priv, void *buf, size_t len, uint64_t off, struct sf_err *err);
	void *priv;
};

/**
 * struct delta_info - what a delta's header says
 * @source_size: bytes of the source
 * @target_size: bytes of the target
 * @flags:       DELTA_T_* transforms
 * @dict_log:    log2 of each stream's LZMA2 dictionary
 * @preset_size: bytes of the source the literal dictionary starts with
 * @preset_at:   where in the source they begin
 */
struct delta_info {
	uint64_t source_size;
	uint64_t target_size;
	unsigned int flags;
	unsigned int dict_log[3];
	uint32_t preset_size;
	uint64_t preset_at;
};

/**
 * delta_header_parse() - check a delta's header
 * @buf:  its first DELTA_HEADER_SIZE bytes
 * @info: out
 * @err:  failure reason
 *
 * Return: 0, or -SF_EVERIFY ("delta: not a slotflip delta", "delta: format
 * version N is not supported", "delta: unknown transform flags 0x..",
 * "delta: dictionary of the diff stream is 2^N bytes, 2^12 to 2^21 allowed",
 * "delta: dictionaries of 5120 KiB together, at most 3072 KiB allowed",
 * "delta: the literal preset of 70000 bytes exceeds its dictionary (65536
 * bytes)", "delta: the literal preset (N bytes at M) lies outside the source",
 * "delta: target size is 0", "delta: reserved header bytes are not zero").
 */
int delta_header_parse(const uint8_t *buf, struct delta_info *info, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * delta_dec_new() - read a delta's header and set up its decoder
 * @out:          the decoder
 * @io:           its input (copied)
 * @payload_size: bytes of the whole delta payload (header and frames)
 * @info:         out: the header; may be NULL
 * @err:          failure reason
 *
 * Return: 0; -SF_EVERIFY for a payload too short for a header and for every
 * refusal of delta_header_parse(); what @io->read_payload returned; -SF_EFAIL
 * when memory is lacking.
 */
int delta_dec_new(struct delta_dec **out, const struct delta_dec_io *io, uint64_t payload_size,
		  struct delta_info *info, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * delta_dec_read() - the next @len bytes of the target
 * @d:   the decoder
 * @buf: receives them
 * @len: at most what is left of the target
 * @err: failure reason
 *
 * Return: 0; -SF_EVERIFY for a malformed delta, with the place named
 * ("delta: operation 12 at target byte 4096 seeks to -8, outside the source
 * (1000 bytes)", "... copies 64 bytes at source byte 990, past the end of the
 * source", "... writes 10 bytes past the end of the target", "delta: frame of
 * the literal stream where the diff stream was needed", "delta: the payload
 * ends before the target is complete", "delta: frame of 70000 bytes, 1 to
 * 65536 allowed", "delta: the diff stream is corrupt (LZMA2 error 9 at payload
 * byte 700)", "delta: operation 3: varint above 2^64 or longer than 10 bytes",
 * "delta: operation 3 at target byte 40 produces nothing");
 * -SF_EFAIL when @len exceeds what is left of the target; what the io
 * callbacks returned. After a failure the decoder is only good for
 * delta_dec_free().
 */
int delta_dec_read(struct delta_dec *d, void *buf, size_t len, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * delta_dec_finish() - check that the delta ends where the target does
 * @d:   a decoder that produced the whole target
 * @err: failure reason
 *
 * Return: 0; -SF_EVERIFY when the target is not complete, the next frame is
 * not the END frame, a stream has decoded bytes left over, or the payload has
 * bytes after the END frame; what the io callbacks returned.
 */
int delta_dec_finish(struct delta_dec *d, struct sf_err *err) __attribute__((warn_unused_result));

/** delta_dec_free() - release a decoder; NULL is accepted */
void delta_dec_free(struct delta_dec *d);

#endif /* SF_DELTA_DEC_H */
