/* SPDX-License-Identifier: MIT */
/*
 * delta_predict — what a copy operation of a delta takes from the source: the
 * source bytes, with the numbers that moved between the two images predicted
 * (the DELTA_T_* transforms of delta_format.h). The encoder and the decoder
 * run the same code, in the same order, so they predict the same bytes.
 *
 * Why: in an executable, a change shifts the code after it, and every relative
 * branch, RIP-relative access and absolute pointer that crosses the change
 * gets a new value. A byte-wise difference leaves one non-zero residual per
 * such number; learning where the referenced addresses moved, and predicting
 * each number from that, leaves zeros, which the diff stream's LZMA2 codes in
 * almost nothing.
 *
 * A copy ("run") maps source bytes [src, src + len) onto target bytes
 * [dst, dst + len). It is cut into units, left to right; at run position q the
 * first rule that holds decides the unit (all tests look at source bytes only):
 *  1. rel32 (DELTA_T_X86), 4 bytes: q + 4 <= len and before q, inside the run,
 *     an opcode whose 32-bit operand is relative to the next instruction: E8 or
 *     E9 at q-1 (call, jmp), 0F 80..8F at q-2 (jcc), or at q-1 a ModRM byte with
 *     mod 00 and r/m 101 (RIP-relative) after one of the opcode bytes of
 *     delta_rip_op[] at q-2; and the target t = (src + q + 4 + operand, signed)
 *     lies inside the source (and at most DELTA_ADDR_MAX). Predicted operand: operand + shift(t) - (dst -
 *     src), where shift(t) is the learned shift of t (its own, else its 4 KiB
 *     page's) or, when neither is known, dst - src (the operand unchanged).
 *     Learned: t moved to dst + q + 4 + the target operand.
 *  2. abs64 (DELTA_T_ABS64), 8 bytes: src + q a multiple of 8, q + 8 <= len, a
 *     value v with DELTA_ABS_MIN <= v <= DELTA_ADDR_MAX. Predicted: v plus the learned shift of v's 4 KiB page, else of
 *     the nearest of the 8 pages below it, else of its 64 KiB block, else 0.
 *     Learned when the target value differs from v by less than 2^24.
 *  3. word (DELTA_T_WORD), 4 bytes: src + q a multiple of 4, q + 4 <= len, rule
 *     1 holds at none of q+1..q+3. Predicted: the source word.
 *  4. byte: predicted: the source byte.
 * Each target byte is the predicted byte plus its residual byte, modulo 256,
 * except in a word unit: there the target word is the predicted word plus the
 * residual word, modulo 2^32, little-endian (a table of numbers that all moved
 * by the same amount then repeats one residual word; a predicted number that is
 * a little off keeps zero high bytes per byte).
 *
 * Learned shifts live in direct-mapped tables of fixed size (DELTA_PRED_*_BITS,
 * key * 0x9E3779B1 >> (32 - bits)), part of the format, and persist over the
 * whole delta: about 360 KiB whatever the image size.
 */
#ifndef SF_DELTA_PREDICT_H
#define SF_DELTA_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DELTA_ADDR_MAX 0xFFFFFFEFu /* highest address a rule predicts */
#define DELTA_ABS_MIN 0x1000u	   /* smaller values are counts, not addresses */
#define DELTA_PRED_REL_BITS 15	   /* exact rel32 targets */
#define DELTA_PRED_PAGE_BITS 13	   /* 4 KiB pages of rel32 targets */
#define DELTA_PRED_ABS_BITS 12	   /* 4 KiB pages of abs64 values */
#define DELTA_PRED_BLOCK_BITS 10   /* 64 KiB blocks of abs64 values */
#define DELTA_PRED_LOOKAHEAD 12	   /* source bytes needed past the last unit start */
#define DELTA_PRED_UNIT_MAX 8	   /* largest unit */

struct delta_pred;

/**
 * struct delta_run - one copy
 * @src:   source offset of its first byte
 * @dst:   target offset of its first byte
 * @len:   bytes
 * @flags: DELTA_T_* transforms in force
 */
struct delta_run {
	uint64_t src;
	uint64_t dst;
	uint64_t len;
	unsigned int flags;
};

/**
 * delta_pred_new() - empty learned tables
 * @out:         the predictor
 * @source_size: bytes of the source (rule 1 predicts targets inside it only)
 * Return: 0 or -ENOMEM.
 */
int delta_pred_new(struct delta_pred **out, uint64_t source_size) __attribute__((warn_unused_result));

/** delta_pred_free() - release the tables; NULL is accepted */
void delta_pred_free(struct delta_pred *p);

/**
 * delta_pred_decode() - target bytes of the units of @run starting in [@pos, @end)
 * @p:     learned shifts (updated)
 * @run:   the run
 * @s:     source byte of run position @pos; s[-1] and s[-2] must be valid when
 *         @pos is at least 1 and 2
 * @pos:   first unit start (0, or where the previous call stopped)
 * @end:   stop at the first unit starting at or after it; @pos < @end <= len
 * @res:   residuals of positions @pos on, NULL when they are all zero
 * @out:   receives the target bytes of positions @pos on
 *
 * @s must hold the source up to min(@end + DELTA_PRED_LOOKAHEAD, len), and
 * @res and @out room up to min(@end + DELTA_PRED_UNIT_MAX - 1, len).
 *
 * Return: the run position after the last unit, in @end..@end + 7 (at most len).
 */
uint64_t delta_pred_decode(struct delta_pred *p, const struct delta_run *run, const uint8_t *s, uint64_t pos,
			   uint64_t end, const uint8_t *res, uint8_t *out);

/**
 * delta_pred_encode() - residuals of the units of @run starting in [@pos, @end)
 * @p, @run, @s, @pos, @end: as delta_pred_decode()
 * @tgt:  target bytes of positions @pos on
 * @res:  receives the residuals
 * @mark: may be NULL; receives 1 for each byte of a rel32 or abs64 unit, 0 for
 *        the others
 *
 * Return: as delta_pred_decode().
 */
uint64_t delta_pred_encode(struct delta_pred *p, const struct delta_run *run, const uint8_t *s, uint64_t pos,
			   uint64_t end, const uint8_t *tgt, uint8_t *res, uint8_t *mark);

#endif /* SF_DELTA_PREDICT_H */
