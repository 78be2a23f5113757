// SPDX-License-Identifier: MIT
#include "delta/delta_predict.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "delta/delta_format.h"

#define EMPTY 0xFFFFFFFFu /* no key: addresses stop at DELTA_ADDR_MAX */
#define ABS_LEARN_MAX (1LL << 24)

struct slot {
	uint32_t key;
	int32_t shift;
};

struct delta_pred {
	uint64_t source_size;
	struct slot rel[1u << DELTA_PRED_REL_BITS];
	struct slot page[1u << DELTA_PRED_PAGE_BITS];
	struct slot abs[1u << DELTA_PRED_ABS_BITS];
	struct slot block[1u << DELTA_PRED_BLOCK_BITS];
};

/*
 * Opcode bytes that take a ModRM operand (the byte before it, after any 0F
 * escape): ALU, mov, lea, movsxd, test, the FF group, immediates, and the SSE
 * and movzx/movsx forms. Decoding is not needed to be right, only to agree
 * on both ends: a byte that is no opcode only costs a wrong guess.
 */
static const uint8_t rip_op[256] = {
	[0x01] = 1, [0x03] = 1, [0x09] = 1, [0x0B] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1,
	[0x16] = 1, [0x17] = 1, [0x19] = 1, [0x1B] = 1, [0x21] = 1, [0x23] = 1, [0x28] = 1, [0x29] = 1,
	[0x2B] = 1, [0x2E] = 1, [0x2F] = 1, [0x31] = 1, [0x33] = 1, [0x39] = 1, [0x3B] = 1, [0x51] = 1,
	[0x54] = 1, [0x57] = 1, [0x58] = 1, [0x59] = 1, [0x5A] = 1, [0x5C] = 1, [0x5E] = 1, [0x63] = 1,
	[0x6E] = 1, [0x6F] = 1, [0x7E] = 1, [0x7F] = 1, [0x80] = 1, [0x81] = 1, [0x83] = 1, [0x85] = 1,
	[0x87] = 1, [0x88] = 1, [0x89] = 1, [0x8A] = 1, [0x8B] = 1, [0x8D] = 1, [0xB6] = 1, [0xB7] = 1,
	[0xBE] = 1, [0xBF] = 1, [0xC6] = 1, [0xC7] = 1, [0xD6] = 1, [0xDB] = 1, [0xEF] = 1, [0xF6] = 1,
	[0xF7] = 1, [0xFF] = 1,
};

int delta_pred_new(struct delta_pred **out, uint64_t source_size)
{
	struct delta_pred *p = malloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	/* EMPTY is all ones in every byte of a key; shifts are don't-care */
	memset(p, 0xff, sizeof(*p));
	p->source_size = source_size;
	*out = p;
	return 0;
}

void delta_pred_free(struct delta_pred *p)
{
	free(p);
}

static inline uint32_t hash(uint32_t key, unsigned int bits)
{
	return (key * 0x9E3779B1u) >> (32 - bits);
}

static inline uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline void put_le32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

/*
 * What the byte just before an operand may be: 1 the E8/E9 opcode itself, 2 the
 * second byte of a 0F 8x jcc, 4 a ModRM byte with mod 00 and r/m 101. One load
 * rejects most bytes.
 */
#define OP_CALL 1
#define OP_JCC 2
#define OP_MODRM 4
static const uint8_t op_before[256] = {
#define JCC(x) [0x80 + (x)] = OP_JCC
	JCC(0), JCC(1), JCC(2), JCC(3), JCC(4), JCC(5), JCC(6), JCC(7), JCC(8), JCC(9), JCC(10), JCC(11),
	JCC(12), JCC(13), JCC(14), JCC(15),
#undef JCC
	[0x05] = OP_MODRM, [0x0D] = OP_MODRM, [0x15] = OP_MODRM, [0x1D] = OP_MODRM, [0x25] = OP_MODRM,
	[0x2D] = OP_MODRM, [0x35] = OP_MODRM, [0x3D] = OP_MODRM,
	[0xE8] = OP_CALL, [0xE9] = OP_CALL,
};

/* Rule 1's opcode test at run position q (s points at position q). */
static inline bool rel_opcode(const uint8_t *s, uint64_t q)
{
	unsigned int t;

	if (q < 1)
		return false;
	t = op_before[s[-1]];
	if (!t)
		return false;
	if (t & OP_CALL)
		return true;
	if (q < 2)
		return false;
	return ((t & OP_JCC) && s[-2] == 0x0F) || ((t & OP_MODRM) && rip_op[s[-2]]);
}

/* Rule 1 at run position q: the target, or -1 when the rule does not hold. */
static inline int64_t rel_target(const struct delta_pred *p, const struct delta_run *run, const uint8_t *s,
				 uint64_t q)
{
	int64_t t;

	if (!(run->flags & DELTA_T_X86) || q + 4 > run->len || !rel_opcode(s, q))
		return -1;
	t = (int64_t)(run->src + q) + 4 + (int32_t)le32(s);
	return t >= 0 && (uint64_t)t < p->source_size && t <= DELTA_ADDR_MAX ? t : -1;
}

static inline bool rel_within(const struct delta_pred *p, const struct delta_run *run, const uint8_t *s,
			      uint64_t q, unsigned int n)
{
	for (unsigned int k = 1; k <= n; k++)
		if (rel_target(p, run, s + k, q + k) >= 0)
			return true;
	return false;
}

static int64_t rel_shift(const struct delta_pred *p, uint32_t t, int64_t cur)
{
	const struct slot *e = &p->rel[hash(t, DELTA_PRED_REL_BITS)];

	if (e->key == t)
		return e->shift;
	e = &p->page[hash(t >> 12, DELTA_PRED_PAGE_BITS)];
	if (e->key == t >> 12)
		return e->shift;
	return cur;
}

static void rel_learn(struct delta_pred *p, uint32_t t, int64_t shift)
{
	struct slot *e;

	if (shift < INT32_MIN || shift > INT32_MAX)
		return;
	e = &p->rel[hash(t, DELTA_PRED_REL_BITS)];
	e->key = t;
	e->shift = (int32_t)shift;
	e = &p->page[hash(t >> 12, DELTA_PRED_PAGE_BITS)];
	e->key = t >> 12;
	e->shift = (int32_t)shift;
}

static int64_t abs_shift(const struct delta_pred *p, uint32_t v)
{
	uint32_t page = v >> 12;
	const struct slot *e;

	for (uint32_t b = 0; b <= 8 && b <= page; b++) {
		e = &p->abs[hash(page - b, DELTA_PRED_ABS_BITS)];
		if (e->key == page - b)
			return e->shift;
	}
	e = &p->block[hash(v >> 16, DELTA_PRED_BLOCK_BITS)];
	return e->key == v >> 16 ? e->shift : 0;
}

static void abs_learn(struct delta_pred *p, uint32_t v, int64_t shift)
{
	struct slot *e;

	if (shift <= -ABS_LEARN_MAX || shift >= ABS_LEARN_MAX)
		return;
	e = &p->abs[hash(v >> 12, DELTA_PRED_ABS_BITS)];
	e->key = v >> 12;
	e->shift = (int32_t)shift;
	e = &p->block[hash(v >> 16, DELTA_PRED_BLOCK_BITS)];
	e->key = v >> 16;
	e->shift = (int32_t)shift;
}

/* Byte-wise residuals of a predicted number: a small change leaves its high bytes 0. */
static inline void bytes_sub(uint8_t *out, const uint8_t *tgt, const uint8_t *pred, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = (uint8_t)(tgt[i] - pred[i]);
}

static inline void bytes_add(uint8_t *out, const uint8_t *pred, const uint8_t *res, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = (uint8_t)(pred[i] + (res ? res[i] : 0));
}

/*
 * The units of walk(), each in both directions: @iq holds residuals (decode;
 * NULL: zeros) or target bytes (encode), @oq receives the other, @mark (or
 * NULL) says which bytes a learnt address covers. Each returns its length.
 */

/* A 32-bit word predicted as itself. */
static inline __attribute__((always_inline)) unsigned int word_unit(const uint8_t *sq, const uint8_t *iq, uint8_t *oq,
								     uint8_t *mark, bool encode)
{
	uint32_t pred = le32(sq);

	if (encode && iq)
		put_le32(oq, le32(iq) - pred);
	else
		put_le32(oq, pred + (iq ? le32(iq) : 0));
	if (mark)
		memset(mark, 0, 4);
	return 4;
}

/* A rel32 operand aimed at source address @t, from target address @at (the unit's). */
static inline __attribute__((always_inline)) unsigned int rel_unit(struct delta_pred *p, uint32_t t, int64_t at,
								    int64_t cur, const uint8_t *sq, const uint8_t *iq,
								    uint8_t *oq, uint8_t *mark, bool encode)
{
	uint32_t pred = le32(sq) + (uint32_t)(rel_shift(p, t, cur) - cur), nv;
	uint8_t pb[4];

	put_le32(pb, pred);
	if (encode && iq) {
		nv = le32(iq);
		bytes_sub(oq, iq, pb, 4);
	} else {
		bytes_add(oq, pb, iq, 4);
		nv = le32(oq);
	}
	rel_learn(p, t, at + 4 + (int32_t)nv - t);
	if (mark)
		memset(mark, 1, 4);
	return 4;
}

/* An absolute 64-bit address @v below 4 GiB. */
static inline __attribute__((always_inline)) unsigned int abs_unit(struct delta_pred *p, uint64_t v, const uint8_t *iq,
								    uint8_t *oq, uint8_t *mark, bool encode)
{
	uint64_t pred = v + (uint64_t)abs_shift(p, (uint32_t)v), nv;
	uint8_t pb[8];

	delta_put_le64(pb, pred);
	if (encode && iq) {
		nv = delta_le64(iq);
		bytes_sub(oq, iq, pb, 8);
	} else {
		bytes_add(oq, pb, iq, 8);
		nv = delta_le64(oq);
	}
	abs_learn(p, (uint32_t)v, (int64_t)(nv - v));
	if (mark)
		memset(mark, 1, 8);
	return 8;
}

/*
 * The one walk over the units, for both directions: @in holds residuals
 * (decode; NULL: zeros) or target bytes (encode), @out receives the other.
 */
static inline __attribute__((always_inline)) uint64_t walk(struct delta_pred *p, const struct delta_run *run,
							    const uint8_t *s, uint64_t pos, uint64_t end,
							    const uint8_t *in, uint8_t *out, uint8_t *mark,
							    bool encode)
{
	const int64_t cur = (int64_t)run->dst - (int64_t)run->src;
	const unsigned int flags = run->flags;
	uint64_t q = pos;

	while (q < end) {
		const uint8_t *sq = s + (q - pos);
		const uint8_t *iq = in ? in + (q - pos) : NULL;
		uint8_t *oq = out + (q - pos);
		uint64_t so = run->src + q;
		int64_t t;

		/*
		 * Fast path, same units: an aligned word that no rule 1 opcode
		 * precedes at any of its bytes, and that cannot be an abs64 unit,
		 * is a word unit.
		 */
		if ((flags & DELTA_T_WORD) && !(so & 3) && q && q + 4 <= run->len &&
		    !(op_before[sq[-1]] | op_before[sq[0]] | op_before[sq[1]] | op_before[sq[2]]) &&
		    (!(flags & DELTA_T_ABS64) || (so & 7) || q + 8 > run->len || le32(sq + 4))) {
			q += word_unit(sq, iq, oq, mark ? mark + (q - pos) : NULL, encode);
			continue;
		}
		t = rel_target(p, run, sq, q);

		if (t >= 0) {
			q += rel_unit(p, (uint32_t)t, (int64_t)(run->dst + q), cur, sq, iq, oq,
				      mark ? mark + (q - pos) : NULL, encode);
			continue;
		}
		/* an address below 4 GiB: its high half is zero (one load rejects most words) */
		if ((flags & DELTA_T_ABS64) && !(so & 7) && q + 8 <= run->len && !le32(sq + 4)) {
			uint64_t v = le32(sq);

			if (v >= DELTA_ABS_MIN && v <= DELTA_ADDR_MAX) {
				q += abs_unit(p, v, iq, oq, mark ? mark + (q - pos) : NULL, encode);
				continue;
			}
		}
		if ((flags & DELTA_T_WORD) && !(so & 3) && q + 4 <= run->len && !rel_within(p, run, sq, q, 3)) {
			q += word_unit(sq, iq, oq, mark ? mark + (q - pos) : NULL, encode);
			continue;
		}
		if (encode && iq)
			*oq = (uint8_t)(*iq - *sq);
		else
			*oq = (uint8_t)(*sq + (iq ? *iq : 0));
		if (mark)
			mark[q - pos] = 0;
		q++;
	}
	return q;
}

/* No transform: bytes only, in a loop the compiler vectorises. */
static uint64_t bytes_only(const uint8_t *s, uint64_t pos, uint64_t end, const uint8_t *in, uint8_t *out,
			   bool encode)
{
	size_t n = (size_t)(end - pos);

	if (!in) {
		memcpy(out, s, n);
		return end;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = encode ? (uint8_t)(in[i] - s[i]) : (uint8_t)(s[i] + in[i]);
	return end;
}

uint64_t delta_pred_decode(struct delta_pred *p, const struct delta_run *run, const uint8_t *s, uint64_t pos,
			   uint64_t end, const uint8_t *res, uint8_t *out)
{
	if (!run->flags)
		return bytes_only(s, pos, end, res, out, false);
	return walk(p, run, s, pos, end, res, out, NULL, false);
}

uint64_t delta_pred_encode(struct delta_pred *p, const struct delta_run *run, const uint8_t *s, uint64_t pos,
			   uint64_t end, const uint8_t *tgt, uint8_t *res, uint8_t *mark)
{
	if (!run->flags) {
		if (mark)
			memset(mark, 0, (size_t)(end - pos));
		return bytes_only(s, pos, end, tgt, res, true);
	}
	return walk(p, run, s, pos, end, tgt, res, mark, true);
}
