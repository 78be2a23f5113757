/* SPDX-License-Identifier: MIT */
/*
 * delta_format — the slotflip delta format, version 1: the bytes of a delta
 * payload and the rules its encoder (delta_enc) and decoder (delta_dec) share.
 *
 * A delta turns a source image S (what a component's active slot holds) into a
 * target image T in one forward pass: T is produced front to back, S is read
 * with positioned reads, the payload is read once, in order. The decoder's
 * memory depends on the dictionary sizes in the header (at most 2 MiB each,
 * 3 MiB together), never on the size of S or T.
 *
 * Payload (integers little-endian):
 *
 *   header, DELTA_HEADER_SIZE bytes
 *     0   8  "SFDELTA" and the version byte 1
 *     8   8  size of S
 *    16   8  size of T (at least 1)
 *    24   1  transforms (DELTA_T_*; other bits must be 0)
 *    25   3  log2 of the LZMA2 dictionary of the control, diff and literal
 *            stream (DELTA_DICT_LOG_MIN..DELTA_DICT_LOG_MAX each, at most
 *            DELTA_DICT_TOTAL_MAX bytes together)
 *    28   4  P: bytes of the source the literal stream's dictionary starts
 *            with (its LZMA2 preset dictionary), 0 for none; at most that
 *            dictionary's size
 *    32   8  X: where in the source those P bytes begin (X + P within the source)
 *    40   8  zero
 *   frames, each
 *     1 byte kind: DELTA_FRAME_END, _CONTROL, _DIFF or _LITERAL
 *     unless END: varint decoded size (1..DELTA_FRAME_MAX), varint compressed
 *     size (1..DELTA_FRAME_BOUND(decoded size)), then the compressed bytes: the
 *     next part of that stream's raw LZMA2 data. Each of the three streams is one
 *     LZMA2 stream continued from frame to frame (every frame ends at an
 *     LZMA_SYNC_FLUSH point, none holds the end marker).
 *   the payload ends with the END frame (its one byte).
 *
 * Frames come in the order the decoder asks for them: it reads a frame only
 * when it needs one more byte of a stream whose decoded bytes are all used, and
 * that frame must be of that stream. So the decoder holds at most one decoded
 * frame per stream.
 *
 * The control stream is a list of operations of three varints each:
 *   seek   zigzag-encoded signed value added to the source cursor (which
 *          starts at 0); the cursor must stay within 0..size of S
 *   copy   (length << 1) | exact: the next `length` bytes of T are the
 *          source bytes at the cursor as the transforms predict them
 *          (delta_predict.h), plus, unless `exact`, one residual byte each from
 *          the diff stream; the cursor then moves past them
 *   literal the next `literal` bytes of T are the next bytes of the literal stream
 * An operation produces at least one byte, and never a byte beyond the size of
 * T; the decoder checks every value before producing any byte of the operation.
 * When T is complete the next frame must be END, and every stream must be used
 * up, with nothing left in its last frame.
 *
 * Varints are LEB128: 7 bits per byte, least significant first, at most 10
 * bytes, value below 2^64, no redundant trailing zero byte.
 */
#ifndef SF_DELTA_FORMAT_H
#define SF_DELTA_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define DELTA_MAGIC_LEN 8
/* "SFDELTA" and the version byte */
static const uint8_t delta_magic[DELTA_MAGIC_LEN] __attribute__((unused)) = { 'S', 'F', 'D', 'E', 'L', 'T', 'A', 1 };
#define DELTA_HEADER_SIZE 48
#define DELTA_FORMAT_NAME "sfdelta-1" /* the signed `slotflip,delta` value */

/* transforms (delta_predict.h) */
#define DELTA_T_X86 0x01   /* x86-64 rel32 branch and RIP-relative displacements */
#define DELTA_T_ABS64 0x02 /* 64-bit absolute addresses (pointers, relocations) */
#define DELTA_T_WORD 0x04  /* aligned 32-bit words differ by subtraction, not per byte */
#define DELTA_T_ALL (DELTA_T_X86 | DELTA_T_ABS64 | DELTA_T_WORD)

#define DELTA_DICT_LOG_MIN 12 /* 4 KiB, LZMA2's smallest */
#define DELTA_DICT_LOG_MAX 21 /* 2 MiB */
#define DELTA_DICT_TOTAL_MAX (3u << 20) /* the three dictionaries together */

enum delta_stream {
	DELTA_CONTROL = 0,
	DELTA_DIFF = 1,
	DELTA_LITERAL = 2,
	DELTA_STREAMS = 3,
};

/* frame kinds: the stream number plus one; END is 0 */
#define DELTA_FRAME_END 0
#define DELTA_FRAME_KIND(stream) ((stream) + 1)

#define DELTA_FRAME_MAX ((size_t)64 * 1024) /* decoded bytes in one frame */
/* largest compressed frame: LZMA2 stores incompressible data with 3 bytes per 64 KiB */
#define DELTA_FRAME_BOUND(decoded) ((decoded) + (decoded) / 16 + 64)

#define DELTA_VARINT_MAX 10

/** delta_zigzag() - a signed value as an unsigned one (0, -1, 1, -2 -> 0, 1, 2, 3) */
static inline uint64_t delta_zigzag(int64_t v)
{
	uint64_t u = (uint64_t)v;

	return (u << 1) ^ ((uint64_t)0 - (u >> 63));
}

/** delta_unzigzag() - the inverse of delta_zigzag() */
static inline int64_t delta_unzigzag(uint64_t u)
{
	return (int64_t)((u >> 1) ^ ((uint64_t)0 - (u & 1)));
}

/**
 * delta_varint_put() - write @v as a varint
 * @buf: room for DELTA_VARINT_MAX bytes
 * Return: the number of bytes written.
 */
static inline size_t delta_varint_put(uint8_t *buf, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		buf[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	buf[n++] = (uint8_t)v;
	return n;
}

static inline uint64_t delta_le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline void delta_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

#endif /* SF_DELTA_FORMAT_H */
