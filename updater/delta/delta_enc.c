// SPDX-License-Identifier: MIT
#include "delta/delta_enc.h"

#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "delta/delta_dec.h"
#include "delta/delta_format.h"
#include "delta/delta_match.h"
#include "delta/delta_predict.h"

/*
 * Each stream's literal coding (control varints, residuals, new bytes of code
 * and data) and largest dictionary: the decoder needs 2.25 MiB at most, and a
 * diff stream gains nothing measurable from more than 1 MiB.
 */
static const struct {
	unsigned int lc, lp, pb, dict_log_max;
} stream_lzma[DELTA_STREAMS] = {
	[DELTA_CONTROL] = { 1, 0, 0, 18 },
	[DELTA_DIFF] = { 2, 0, 0, 20 },
	[DELTA_LITERAL] = { 3, 0, 0, 20 },
};

struct gbuf {
	uint8_t *p;
	size_t n, cap;
};

/* What one operation takes from each stream, in the order the decoder takes it. */
struct op_use {
	uint64_t use[DELTA_STREAMS];
};

struct enc {
	const uint8_t *src, *dst;
	uint64_t sn, dn;
	unsigned int flags;
	uint64_t exact_min;
	struct delta_pred *pred;
	struct gbuf raw[DELTA_STREAMS];
	struct op_use *ops;
	size_t n_ops, cap_ops;
	uint64_t cursor;
	uint8_t *res, *mark;
	uint64_t *near;	     /* literal bytes next to each PRESET_BUCKET of the source */
	uint64_t preset_at;  /* the literal stream's preset dictionary */
	uint32_t preset_size;
	struct delta_enc_stats st;
};

#define PRESET_MAX ((uint64_t)1 << 20) /* the literal dictionary's size */
#define PRESET_BUCKET ((uint64_t)1 << 16)
#define PRESET_TRY_MAX ((size_t)1 << 20) /* literal bytes a preset is judged on */

/* Room for @n more bytes. */
static int reserve(struct gbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	uint8_t *p;

	if (n <= b->cap - b->n)
		return 0;
	while (n > cap - b->n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int gput(struct gbuf *b, const void *d, size_t n)
{
	if (reserve(b, n))
		return -ENOMEM;
	if (n)
		memcpy(b->p + b->n, d, n);
	b->n += n;
	return 0;
}

static int gvarint(struct gbuf *b, uint64_t v)
{
	uint8_t tmp[DELTA_VARINT_MAX];

	return gput(b, tmp, delta_varint_put(tmp, v));
}

static int emit_op(struct enc *e, int64_t seek, uint64_t len, bool exact, uint64_t lit)
{
	size_t before = e->raw[DELTA_CONTROL].n;
	struct op_use *u;
	int ret;

	if (e->n_ops == e->cap_ops) {
		size_t cap = e->cap_ops ? e->cap_ops * 2 : 1024;
		struct op_use *n = realloc(e->ops, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		e->ops = n;
		e->cap_ops = cap;
	}
	ret = gvarint(&e->raw[DELTA_CONTROL], delta_zigzag(seek));
	ret = ret ?: gvarint(&e->raw[DELTA_CONTROL], len << 1 | exact);
	ret = ret ?: gvarint(&e->raw[DELTA_CONTROL], lit);
	if (ret)
		return ret;
	u = &e->ops[e->n_ops++];
	u->use[DELTA_CONTROL] = e->raw[DELTA_CONTROL].n - before;
	u->use[DELTA_DIFF] = exact ? 0 : len;
	u->use[DELTA_LITERAL] = lit;
	e->st.ops++;
	e->st.copied += len;
	e->st.exact += exact ? len : 0;
	e->st.literal += lit;
	return 0;
}

/* One part [a, b) of a copy as an operation; residuals in e->res. */
static int emit_part(struct enc *e, const struct delta_copy *c, uint64_t a, uint64_t b, uint64_t lit)
{
	bool exact = true;
	int ret;

	for (uint64_t i = a; i < b && exact; i++)
		exact = !e->res[i];
	ret = emit_op(e, (int64_t)(c->src + a) - (int64_t)e->cursor, b - a, exact, lit);
	if (!ret && !exact)
		ret = gput(&e->raw[DELTA_DIFF], e->res + a, (size_t)(b - a));
	e->cursor = c->src + b;
	return ret;
}

/* Clean: no residual, no learned unit; nothing there depends on where an operation starts. */
static inline bool clean(const struct enc *e, uint64_t i)
{
	return !e->res[i] && !e->mark[i];
}

/*
 * A copy, cut at long clean stretches. A cut at p, 8-aligned in the source,
 * with [p - 8, p + 8) clean, leaves every prediction as it was in the uncut
 * copy (delta_predict.h's rules look at most 8 bytes around a unit, and no
 * learned unit is near), so the residuals computed once hold for the parts.
 */
static int encode_copy(struct enc *e, const struct delta_copy *c, uint64_t lit_after)
{
	struct delta_run run = { .src = c->src, .dst = c->dst, .len = c->len, .flags = e->flags };
	uint64_t len = c->len, start = 0, i = 0;
	uint8_t *res, *mark;
	int ret;

	res = realloc(e->res, (size_t)len);
	if (res)
		e->res = res;
	mark = realloc(e->mark, (size_t)len);
	if (mark)
		e->mark = mark;
	if (!res || !mark)
		return -ENOMEM;
	delta_pred_encode(e->pred, &run, e->src + c->src, 0, len, e->dst + c->dst, e->res, e->mark);
	while (i < len) {
		uint64_t a = i, b, p1, p2;

		if (!clean(e, i)) {
			i++;
			continue;
		}
		while (i < len && clean(e, i))
			i++;
		b = i;
		p1 = a ? a + 8 : 0;
		p1 += (8 - ((c->src + p1) & 7)) & 7;
		p2 = b == len ? len : b - 8;
		if (b != len)
			p2 -= (c->src + p2) & 7;
		if (b - a < 16 || p2 <= p1 || p2 - p1 < e->exact_min)
			continue;
		if (p1 > start) {
			ret = emit_part(e, c, start, p1, 0);
			if (ret)
				return ret;
		}
		ret = emit_part(e, c, p1, p2, p2 == len ? lit_after : 0);
		if (ret)
			return ret;
		start = p2;
	}
	if (start < len)
		return emit_part(e, c, start, len, lit_after);
	return 0;
}

static int literal(struct enc *e, uint64_t at, uint64_t n)
{
	return gput(&e->raw[DELTA_LITERAL], e->dst + at, (size_t)n);
}

static int make_ops(struct enc *e, const struct delta_copies *cp)
{
	uint64_t first = cp->n ? cp->c[0].dst : e->dn;
	int ret = 0;

	if (first) {
		ret = emit_op(e, 0, 0, true, first);
		ret = ret ?: literal(e, 0, first);
	}
	for (size_t k = 0; k < cp->n && !ret; k++) {
		const struct delta_copy *c = &cp->c[k];
		uint64_t end = c->dst + c->len, next = k + 1 < cp->n ? cp->c[k + 1].dst : e->dn;

		ret = encode_copy(e, c, next - end);
		ret = ret ?: literal(e, end, next - end);
		/* new bytes often reuse the source near where the copy before them read */
		if (e->near)
			e->near[(c->src + c->len - 1) / PRESET_BUCKET] += next - end;
	}
	return ret;
}

/* The literal stream compressed with the source bytes [at, at + size) as its preset dictionary. */
static size_t literal_cost(const struct enc *e, uint64_t at, uint32_t size)
{
	size_t n = e->raw[DELTA_LITERAL].n < PRESET_TRY_MAX ? e->raw[DELTA_LITERAL].n : PRESET_TRY_MAX;
	lzma_options_lzma opt;
	lzma_filter filters[2] = { { .id = LZMA_FILTER_LZMA2, .options = &opt }, { .id = LZMA_VLI_UNKNOWN } };
	size_t cap = n + n / 2 + 4096, out_n = 0;
	uint8_t *out = malloc(cap);

	if (!out || lzma_lzma_preset(&opt, 9 | LZMA_PRESET_EXTREME)) {
		free(out);
		return SIZE_MAX;
	}
	opt.dict_size = (uint32_t)PRESET_MAX;
	opt.lc = stream_lzma[DELTA_LITERAL].lc;
	opt.lp = stream_lzma[DELTA_LITERAL].lp;
	opt.pb = stream_lzma[DELTA_LITERAL].pb;
	opt.preset_dict = size ? e->src + at : NULL;
	opt.preset_dict_size = size;
	if (lzma_raw_buffer_encode(filters, NULL, e->raw[DELTA_LITERAL].p, n, out, &out_n, cap) != LZMA_OK)
		out_n = SIZE_MAX;
	free(out);
	return out_n;
}

/*
 * Which part of the source the literal stream's dictionary starts with (none
 * when no part helps): the window around the source the copies before the
 * literals came from, or the start or the end of the source, judged by
 * compressing the literals with each.
 */
static void choose_preset(struct enc *e)
{
	uint64_t size, span, best_w = 0, w = 0;
	uint64_t cand[3], n_buckets = (e->sn + PRESET_BUCKET - 1) / PRESET_BUCKET, heavy = 0;
	size_t best, cost;

	e->preset_at = 0;
	e->preset_size = 0;
	if (!e->raw[DELTA_LITERAL].n || !e->sn || !e->near)
		return;
	size = e->sn < PRESET_MAX ? e->sn : PRESET_MAX;
	span = size / PRESET_BUCKET;
	/* the window of span buckets with the most literal bytes next to it */
	for (uint64_t b = 0; b < n_buckets; b++) {
		w += e->near[b];
		if (b >= span)
			w -= e->near[b - span];
		if (w > best_w) {
			best_w = w;
			heavy = b + 1 > span ? (b + 1 - span) * PRESET_BUCKET : 0;
		}
	}
	cand[0] = heavy + size > e->sn ? e->sn - size : heavy;
	cand[1] = 0;
	cand[2] = e->sn - size;
	best = literal_cost(e, 0, 0);
	for (int i = 0; i < 3; i++) {
		if (i && cand[i] == cand[0])
			continue;
		cost = literal_cost(e, cand[i], (uint32_t)size);
		if (cost < best) {
			best = cost;
			e->preset_at = cand[i];
			e->preset_size = (uint32_t)size;
		}
	}
}

static unsigned int dict_log(uint64_t n, unsigned int max)
{
	unsigned int l = DELTA_DICT_LOG_MIN;

	while (l < max && (1ull << l) < n)
		l++;
	return l;
}

struct packer {
	struct enc *e;
	lzma_stream lz[DELTA_STREAMS];
	bool live[DELTA_STREAMS];
	unsigned int dict_log[DELTA_STREAMS];
	uint64_t delivered[DELTA_STREAMS], taken[DELTA_STREAMS];
	struct gbuf out, tmp;
};

static int frame(struct packer *pk, int s, size_t dsize, struct sf_err *err)
{
	lzma_stream *lz = &pk->lz[s];
	uint8_t hdr[1 + 2 * DELTA_VARINT_MAX];
	size_t h = 0;

	lz->next_in = pk->e->raw[s].p + pk->delivered[s];
	lz->avail_in = dsize;
	pk->tmp.n = 0;
	for (;;) {
		lzma_ret lr;

		if (reserve(&pk->tmp, 65536))
			return sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta");
		lz->next_out = pk->tmp.p + pk->tmp.n;
		lz->avail_out = pk->tmp.cap - pk->tmp.n;
		lr = lzma_code(lz, LZMA_SYNC_FLUSH);
		pk->tmp.n = pk->tmp.cap - lz->avail_out;
		if (lr == LZMA_STREAM_END)
			break;
		if (lr != LZMA_OK)
			return sf_fail(err, SF_EFAIL, "delta: LZMA2 compression failed (error %d)", (int)lr);
	}
	if (pk->tmp.n > DELTA_FRAME_BOUND(dsize))
		return sf_fail(err, SF_EFAIL, "delta: a frame of %zu bytes compressed to %zu bytes", dsize, pk->tmp.n);
	hdr[h++] = DELTA_FRAME_KIND(s);
	h += delta_varint_put(hdr + h, dsize);
	h += delta_varint_put(hdr + h, pk->tmp.n);
	if (gput(&pk->out, hdr, h) || gput(&pk->out, pk->tmp.p, pk->tmp.n))
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta");
	pk->delivered[s] += dsize;
	pk->e->st.packed[s] += pk->tmp.n;
	pk->e->st.frames++;
	return 0;
}

/* The decoder takes @n more bytes of @s: the frames it will need first come now. */
static int take(struct packer *pk, int s, uint64_t n, struct sf_err *err)
{
	pk->taken[s] += n;
	while (pk->taken[s] > pk->delivered[s]) {
		uint64_t left = pk->e->raw[s].n - pk->delivered[s];
		int ret = frame(pk, s, left < DELTA_FRAME_MAX ? (size_t)left : DELTA_FRAME_MAX, err);

		if (ret)
			return ret;
	}
	return 0;
}

static int pack(struct enc *e, struct gbuf *out, struct sf_err *err)
{
	struct packer pk = { .e = e };
	uint8_t hdr[DELTA_HEADER_SIZE] = { 0 };
	int ret = 0;

	memcpy(hdr, delta_magic, DELTA_MAGIC_LEN);
	delta_put_le64(hdr + 8, e->sn);
	delta_put_le64(hdr + 16, e->dn);
	hdr[24] = (uint8_t)e->flags;
	choose_preset(e);
	for (int i = 0; i < 4; i++)
		hdr[28 + i] = (uint8_t)(e->preset_size >> (8 * i));
	delta_put_le64(hdr + 32, e->preset_at);
	for (int s = 0; s < DELTA_STREAMS && !ret; s++) {
		lzma_options_lzma opt;
		lzma_filter filters[2] = { { .id = LZMA_FILTER_LZMA2, .options = &opt }, { .id = LZMA_VLI_UNKNOWN } };

		pk.dict_log[s] = dict_log(e->raw[s].n + (s == DELTA_LITERAL ? e->preset_size : 0),
					  stream_lzma[s].dict_log_max);
		hdr[25 + s] = (uint8_t)pk.dict_log[s];
		if (lzma_lzma_preset(&opt, 9 | LZMA_PRESET_EXTREME))
			return sf_fail(err, SF_EFAIL, "delta: no LZMA2 preset");
		opt.dict_size = 1u << pk.dict_log[s];
		opt.lc = stream_lzma[s].lc;
		opt.lp = stream_lzma[s].lp;
		opt.pb = stream_lzma[s].pb;
		if (s == DELTA_LITERAL && e->preset_size) {
			opt.preset_dict = e->src + e->preset_at;
			opt.preset_dict_size = e->preset_size;
		}
		pk.lz[s] = (lzma_stream)LZMA_STREAM_INIT;
		if (lzma_raw_encoder(&pk.lz[s], filters) != LZMA_OK)
			ret = sf_fail(err, SF_EFAIL, "delta: cannot start the LZMA2 encoder");
		else
			pk.live[s] = true;
		e->st.raw[s] = e->raw[s].n;
	}
	if (!ret && gput(&pk.out, hdr, sizeof(hdr)))
		ret = sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta");
	for (size_t k = 0; k < e->n_ops && !ret; k++)
		for (int s = 0; s < DELTA_STREAMS && !ret; s++)
			ret = take(&pk, s, e->ops[k].use[s], err);
	if (!ret) {
		uint8_t end = DELTA_FRAME_END;

		if (gput(&pk.out, &end, 1))
			ret = sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta");
		e->st.frames++;
	}
	for (int s = 0; s < DELTA_STREAMS; s++)
		if (pk.live[s])
			lzma_end(&pk.lz[s]);
	free(pk.tmp.p);
	if (ret) {
		free(pk.out.p);
		return ret;
	}
	*out = pk.out;
	return 0;
}

struct membuf {
	const uint8_t *p;
	size_t n, pos;
	const uint8_t *src;
	uint64_t src_size;
};

static int mem_payload(void *priv, void *buf, size_t len, struct sf_err *err)
{
	struct membuf *m = priv;

	if (len > m->n - m->pos)
		return sf_fail(err, SF_EFAIL, "delta self-check: read past the payload");
	memcpy(buf, m->p + m->pos, len);
	m->pos += len;
	return 0;
}

static int mem_source(void *priv, void *buf, size_t len, uint64_t off, struct sf_err *err)
{
	struct membuf *m = priv;

	if (off > m->src_size || len > m->src_size - off)
		return sf_fail(err, SF_EFAIL, "delta self-check: read past the source");
	memcpy(buf, m->src + off, len);
	return 0;
}

/* Decode the payload and compare it with the target: the encoder's own proof. */
static int self_check(const struct enc *e, const struct gbuf *payload, struct sf_err *err)
{
	struct membuf m = { .p = payload->p, .n = payload->n, .src = e->src, .src_size = e->sn };
	struct delta_dec_io io = { .read_payload = mem_payload, .read_source = mem_source, .priv = &m };
	struct delta_dec *d = NULL;
	uint8_t *buf = malloc(1 << 20);
	uint64_t at = 0;
	int ret;

	if (!buf)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta self-check");
	ret = delta_dec_new(&d, &io, payload->n, NULL, err);
	while (!ret && at < e->dn) {
		size_t n = e->dn - at < (1 << 20) ? (size_t)(e->dn - at) : (1 << 20);

		ret = delta_dec_read(d, buf, n, err);
		if (!ret && memcmp(buf, e->dst + at, n))
			ret = sf_fail(err, SF_EFAIL, "delta self-check: target differs near byte %llu",
				      (unsigned long long)at);
		at += n;
	}
	ret = ret ?: delta_dec_finish(d, err);
	if (ret)
		sf_err_prefix(err, "the delta made does not decode to the target (a bug)");
	delta_dec_free(d);
	free(buf);
	return ret ? -SF_EFAIL : 0;
}

static void enc_reset(struct enc *e)
{
	for (int s = 0; s < DELTA_STREAMS; s++)
		free(e->raw[s].p);
	free(e->ops);
	free(e->res);
	free(e->mark);
	free(e->near);
	e->near = NULL;
	delta_pred_free(e->pred);
	e->pred = NULL;
	memset(e->raw, 0, sizeof(e->raw));
	e->ops = NULL;
	e->n_ops = e->cap_ops = 0;
	e->res = e->mark = NULL;
	e->cursor = 0;
	memset(&e->st, 0, sizeof(e->st));
}

/* One complete encoding with @flags. */
static int encode_with(struct enc *e, const struct delta_copies *cp, unsigned int flags, struct gbuf *out,
		       struct sf_err *err)
{
	int ret;

	enc_reset(e);
	e->flags = flags;
	e->st.flags = flags;
	if (delta_pred_new(&e->pred, e->sn))
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta");
	e->near = calloc(e->sn / PRESET_BUCKET + 1, sizeof(*e->near));
	if (!e->near)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta");
	ret = make_ops(e, cp);
	if (ret)
		return sf_fail_errno(err, SF_EFAIL, ret, "delta");
	ret = pack(e, out, err);
	if (!ret)
		ret = self_check(e, out, err);
	if (ret) {
		free(out->p);
		out->p = NULL;
		return ret;
	}
	e->st.size = out->n;
	return 0;
}

int delta_encode(const uint8_t *src, uint64_t src_size, const uint8_t *dst, uint64_t dst_size,
		 const struct delta_enc_opts *o, uint8_t **out, size_t *out_size, struct delta_enc_stats *st,
		 struct sf_err *err)
{
	static const struct delta_enc_opts defaults = { 0 };
	struct enc e = { .src = src, .dst = dst, .sn = src_size, .dn = dst_size };
	struct delta_copies cp = { 0 };
	struct gbuf best = { 0 }, other = { 0 };
	struct delta_enc_stats best_st;
	unsigned int tries[3], n_tries = 0;
	int ret;

	if (!o)
		o = &defaults;
	if (!dst_size)
		return sf_fail(err, SF_EUSAGE, "delta: the target is empty");
	if (o->flags & ~(DELTA_T_ALL | DELTA_ENC_NONE))
		return sf_fail(err, SF_EUSAGE, "delta: unknown flags 0x%x", o->flags);
	e.exact_min = o->exact_min ? o->exact_min : DELTA_ENC_EXACT_MIN;
	if (o->flags == DELTA_ENC_AUTO) {
		tries[n_tries++] = DELTA_T_ALL;
		tries[n_tries++] = DELTA_T_X86 | DELTA_T_ABS64;
		tries[n_tries++] = 0;
	} else {
		tries[n_tries++] = o->flags & DELTA_ENC_NONE ? 0 : o->flags;
	}
	ret = delta_match(src, src_size, dst, dst_size, &cp, err);
	for (unsigned int t = 0; t < n_tries && !ret; t++) {
		ret = encode_with(&e, &cp, tries[t], &other, err);
		if (ret)
			break;
		if (!best.p || other.n < best.n) {
			free(best.p);
			best = other;
			best_st = e.st;
		} else {
			free(other.p);
		}
		other.p = NULL;
	}
	enc_reset(&e);
	delta_copies_free(&cp);
	if (ret) {
		free(best.p);
		return ret;
	}
	*out = best.p;
	*out_size = best.n;
	if (st)
		*st = best_st;
	return 0;
}
