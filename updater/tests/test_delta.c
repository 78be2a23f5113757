// SPDX-License-Identifier: MIT
/*
 * delta/: the encoder and the decoder on synthetic images (identical, edited,
 * shifted x86-64 code with calls and pointers, unrelated, empty source, one
 * byte), decoded in pieces of every size; and the decoder against hostile
 * payloads made by hand: every header refusal, every prefix of valid deltas,
 * operations that seek outside the source, read past it or write past the
 * target, varints that overflow, frames out of order, too large, corrupt,
 * missing or left over. No refused delta ever produces a byte beyond the
 * target size.
 */
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/delta_dec.h"
#include "delta/delta_enc.h"
#include "delta/delta_format.h"
#include "tap.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

struct mem {
	const uint8_t *pay;
	size_t pay_n, pay_pos;
	const uint8_t *src;
	size_t src_n;
	unsigned int src_reads;
};

static int mem_payload(void *priv, void *buf, size_t len, struct sf_err *err)
{
	struct mem *m = priv;

	if (len > m->pay_n - m->pay_pos)
		return sf_fail(err, SF_EVERIFY, "bundle is truncated");
	memcpy(buf, m->pay + m->pay_pos, len);
	m->pay_pos += len;
	return 0;
}

static int mem_source(void *priv, void *buf, size_t len, uint64_t off, struct sf_err *err)
{
	struct mem *m = priv;

	m->src_reads++;
	if (off > m->src_n || len > m->src_n - off)
		return sf_fail(err, SF_EIO, "source read out of bounds (a decoder bug)");
	memcpy(buf, m->src + off, len);
	return 0;
}

/*
 * Apply @pay (of which the decoder is told @claimed bytes) to @src; pieces of
 * @step bytes (0: random sizes). @made: bytes the decoder handed out.
 */
static int apply(const uint8_t *pay, size_t pay_n, size_t claimed, const uint8_t *src, size_t src_n, uint8_t *out,
		 size_t out_room, size_t step, size_t *made, struct sf_err *err)
{
	struct mem m = { .pay = pay, .pay_n = pay_n, .src = src, .src_n = src_n };
	struct delta_dec_io io = { .read_payload = mem_payload, .read_source = mem_source, .priv = &m };
	struct delta_info info;
	struct delta_dec *d = NULL;
	size_t at = 0;
	int ret;

	*made = 0;
	ret = delta_dec_new(&d, &io, claimed, &info, err);
	if (ret)
		return ret;
	if (info.target_size > out_room) {
		delta_dec_free(d);
		return sf_fail(err, SF_EVERIFY, "target larger than the test's buffer");
	}
	while (!ret && at < info.target_size) {
		size_t n = step ? step : 1 + rnd() % 70000;

		if (n > info.target_size - at)
			n = (size_t)(info.target_size - at);
		ret = delta_dec_read(d, out + at, n, err);
		if (!ret)
			at += n;
	}
	*made = at;
	ret = ret ?: delta_dec_finish(d, err);
	delta_dec_free(d);
	return ret;
}

static void roundtrip(const char *what, const uint8_t *src, size_t sn, const uint8_t *dst, size_t dn,
		      unsigned int flags, size_t *size)
{
	struct delta_enc_opts o = { .flags = flags };
	struct delta_enc_stats st;
	struct sf_err err = { 0 };
	uint8_t *pay = NULL, *out = malloc(dn + 1);
	size_t n = 0, made;
	int ret;

	ret = delta_encode(src, sn, dst, dn, &o, &pay, &n, &st, &err);
	ok(!ret, "%s: encodes (%s)", what, ret ? err.msg : "ok");
	if (ret) {
		free(out);
		return;
	}
	ret = apply(pay, n, n, src, sn, out, dn, 0, &made, &err);
	ok(!ret && made == dn && !memcmp(out, dst, dn), "%s: %zu -> %zu bytes, delta %zu bytes, decodes back%s%s",
	   what, sn, dn, n, ret ? ": " : "", ret ? err.msg : "");
	if (size)
		*size = n;
	free(pay);
	free(out);
}

/*
 * x86-64-like code: instructions with calls (E8 rel32) and RIP-relative lea
 * (48 8D 05 disp32) to targets inside the image, 8-aligned pointers to them,
 * and filler, @n bytes before the insertion. @gap bytes are inserted at @at:
 * everything after moves, and every reference across the gap changes, as a
 * compiler's output does. @out has room for @n + @gap bytes.
 */
static size_t make_code(uint8_t *out, size_t n, size_t at, size_t gap, uint64_t seed)
{
	uint64_t saved = rng;
	size_t pos = 0, src_pos = 0;

	rng = seed;
	while (src_pos + 16 < n) {
		unsigned int kind = rnd() % 8;
		uint64_t target = rnd() % n;
		int64_t t_new = (int64_t)target + (target >= at ? (int64_t)gap : 0);

		if (src_pos >= at && src_pos < at + 16 && gap) {
			fill(out + pos, gap);
			pos += gap;
			gap = 0;
		}
		if (kind < 3) {
			int64_t here = (int64_t)pos + 5;

			out[pos] = 0xE8;
			for (int i = 0; i < 4; i++)
				out[pos + 1 + i] = (uint8_t)((uint64_t)(t_new - here) >> (8 * i));
			pos += 5;
			src_pos += 5;
		} else if (kind < 5) {
			int64_t here = (int64_t)pos + 7;

			out[pos] = 0x48;
			out[pos + 1] = 0x8D;
			out[pos + 2] = 0x05;
			for (int i = 0; i < 4; i++)
				out[pos + 3 + i] = (uint8_t)((uint64_t)(t_new - here) >> (8 * i));
			pos += 7;
			src_pos += 7;
		} else if (kind == 5 && !(pos & 7)) {
			delta_put_le64(out + pos, 0x400000 + (uint64_t)t_new);
			pos += 8;
			src_pos += 8;
		} else {
			size_t k = 1 + rnd() % 6;

			for (size_t i = 0; i < k; i++)
				out[pos + i] = (uint8_t)(0x40 + rnd() % 32);
			pos += k;
			src_pos += k;
		}
	}
	rng = saved;
	return pos;
}

static void test_roundtrips(void)
{
	enum { N = 300000 };
	uint8_t *a = malloc(N), *b = malloc(N + 70000), *c = malloc(N + 70000);
	size_t with = 0, without = 0, same = 0, n, m;

	fill(a, N);
	roundtrip("identical", a, N, a, N, 0, &same);
	ok(same < 200, "identical images: %zu bytes of delta", same);

	memcpy(b, a, N);
	for (int i = 0; i < 40; i++)
		b[rnd() % N] ^= (uint8_t)(1 + rnd() % 255);
	roundtrip("40 bytes changed", a, N, b, N, 0, NULL);

	memcpy(b, a, 1000);
	fill(b + 1000, 5000);
	memcpy(b + 6000, a + 1000, 100000);
	memcpy(b + 106000, a + 150000, N - 150000);
	memcpy(b + 106000 + N - 150000, a + 101000, 49000);
	n = 106000 + N - 150000 + 49000;
	roundtrip("insert, move, delete", a, N, b, n, 0, NULL);

	roundtrip("empty source", a, 0, b, n, 0, NULL);
	roundtrip("one byte target", a, N, a + 77, 1, 0, NULL);
	roundtrip("one byte source", a, 1, b, 5000, 0, NULL);
	fill(c, N);
	roundtrip("unrelated images", a, N, c, N, 0, NULL);
	roundtrip("target larger than 64 KiB frames of literals", a, 100, c, N, 0, NULL);

	n = make_code(b, N, 0, 0, 7);
	m = make_code(c, N, N / 3, 64, 7);
	roundtrip("x86-64 code shifted, transforms", b, n, c, m, DELTA_T_ALL, &with);
	roundtrip("x86-64 code shifted, no transform", b, n, c, m, DELTA_ENC_NONE, &without);
	ok(with * 2 < without, "the transforms halve the delta of shifted code at least (%zu vs %zu bytes)", with,
	   without);
	for (unsigned int f = 1; f < DELTA_T_ALL; f++) {
		char what[48];

		snprintf(what, sizeof(what), "x86-64 code, transforms 0x%x", f);
		roundtrip(what, b, n, c, m, f, NULL);
	}
	roundtrip("x86-64 code, automatic choice", b, n, c, m, DELTA_ENC_AUTO, NULL);

	/* new bytes made of short pieces of the source: no copy, but the literal preset finds them */
	for (size_t i = 0; i + 10 <= N; i += 10) {
		memcpy(c + i, a + 20000 + rnd() % 4000, 6);
		fill(c + i + 6, 4);
	}
	{
		struct sf_err err = { 0 };
		struct delta_info info;
		uint8_t *pay = NULL;
		size_t pn;

		ok(!delta_encode(a, N, c, N, NULL, &pay, &pn, NULL, &err) && !delta_header_parse(pay, &info, &err) &&
			   info.preset_size > 0 && info.preset_at <= 20000 && info.preset_at + info.preset_size >= 24000,
		   "literals made of source pieces: the literal dictionary starts with that part of the source");
		free(pay);
	}
	roundtrip("literals from a preset", a, N, c, N, 0, NULL);
	free(a);
	free(b);
	free(c);
}

/* ---- hostile payloads, made by hand --------------------------------------- */

struct craft {
	uint8_t buf[1 << 16];
	size_t n;
};

static void put(struct craft *c, const void *p, size_t n)
{
	if (n > sizeof(c->buf) - c->n)
		abort();
	memcpy(c->buf + c->n, p, n);
	c->n += n;
}

static void put_varint(struct craft *c, uint64_t v)
{
	uint8_t tmp[DELTA_VARINT_MAX];

	put(c, tmp, delta_varint_put(tmp, v));
}

static void header(struct craft *c, uint64_t src, uint64_t dst, unsigned int flags)
{
	uint8_t h[DELTA_HEADER_SIZE] = { 0 };

	memcpy(h, delta_magic, DELTA_MAGIC_LEN);
	delta_put_le64(h + 8, src);
	delta_put_le64(h + 16, dst);
	h[24] = (uint8_t)flags;
	h[25] = h[26] = h[27] = 12;
	c->n = 0;
	put(c, h, sizeof(h));
}

/* One frame: @raw compressed as the whole of a fresh LZMA2 stream of @kind. */
static void frame(struct craft *c, unsigned int kind, const void *raw, size_t n)
{
	lzma_options_lzma opt;
	lzma_filter f[2] = { { .id = LZMA_FILTER_LZMA2, .options = &opt }, { .id = LZMA_VLI_UNKNOWN } };
	lzma_stream lz = LZMA_STREAM_INIT;
	uint8_t out[1 << 15], k = (uint8_t)kind;

	if (lzma_lzma_preset(&opt, 6))
		abort();
	opt.dict_size = 4096;
	if (lzma_raw_encoder(&lz, f) != LZMA_OK)
		abort();
	lz.next_in = raw;
	lz.avail_in = n;
	lz.next_out = out;
	lz.avail_out = sizeof(out);
	while (lzma_code(&lz, LZMA_SYNC_FLUSH) == LZMA_OK)
		;
	put(c, &k, 1);
	put_varint(c, n);
	put_varint(c, sizeof(out) - lz.avail_out);
	put(c, out, sizeof(out) - lz.avail_out);
	lzma_end(&lz);
}

static void end(struct craft *c)
{
	uint8_t z = DELTA_FRAME_END;

	put(c, &z, 1);
}

/* A control stream from (seek, copy<<1|exact, literal) triples. */
static size_t ops(uint8_t *buf, const int64_t *v, size_t n_ops)
{
	size_t n = 0;

	for (size_t i = 0; i < n_ops; i++) {
		n += delta_varint_put(buf + n, delta_zigzag(v[3 * i]));
		n += delta_varint_put(buf + n, (uint64_t)v[3 * i + 1]);
		n += delta_varint_put(buf + n, (uint64_t)v[3 * i + 2]);
	}
	return n;
}

static uint8_t src[4096], out[8192];

/* Expect a refusal whose message holds @want, and no byte beyond @target bytes. */
static void refused(const char *what, const struct craft *c, size_t target, const char *want)
{
	struct sf_err err = { 0 };
	size_t made;
	int ret;

	ret = apply(c->buf, c->n, c->n, src, sizeof(src), out, sizeof(out), 0, &made, &err);
	ok(ret == -SF_EVERIFY && strstr(err.msg, want) && made <= target, "%s: refused (%s)", what,
	   ret ? err.msg : "accepted");
}

static void accepted(const char *what, const struct craft *c)
{
	struct sf_err err = { 0 };
	size_t made;
	int ret;

	ret = apply(c->buf, c->n, c->n, src, sizeof(src), out, sizeof(out), 0, &made, &err);
	ok(!ret, "%s: accepted%s%s", what, ret ? ": " : "", ret ? err.msg : "");
}

/* A delta of @n_ops operations over a 4096-byte source and @target bytes, literals "x". */
static void op_delta(struct craft *c, const int64_t *v, size_t n_ops, size_t target, size_t lits)
{
	uint8_t ctl[256], lit[8192];

	memset(lit, 'x', sizeof(lit));
	header(c, sizeof(src), target, 0);
	frame(c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, ops(ctl, v, n_ops));
	if (lits)
		frame(c, DELTA_FRAME_KIND(DELTA_LITERAL), lit, lits);
	end(c);
}

static void test_ops(void)
{
	struct craft c;

	{
		const int64_t v[] = { 100, 200 << 1 | 1, 10 };

		op_delta(&c, v, 1, 210, 10);
		accepted("exact copy and literal", &c);
	}
	{
		const int64_t v[] = { -1, 10 << 1 | 1, 0 };

		op_delta(&c, v, 1, 10, 0);
		refused("seek below the source", &c, 10, "outside the source");
	}
	{
		const int64_t v[] = { 4097, 0, 1 };

		op_delta(&c, v, 1, 1, 1);
		refused("seek past the source", &c, 1, "outside the source");
	}
	{
		const int64_t v[] = { INT64_MIN, 2 | 1, 0 };

		op_delta(&c, v, 1, 1, 0);
		refused("seek by -2^63", &c, 1, "outside the source");
	}
	{
		const int64_t v[] = { INT64_MAX, 2 | 1, 0 };

		op_delta(&c, v, 1, 1, 0);
		refused("seek by 2^63-1", &c, 1, "outside the source");
	}
	{
		const int64_t v[] = { 4000, 97 << 1 | 1, 0 };

		op_delta(&c, v, 1, 97, 0);
		refused("copy past the end of the source", &c, 97, "past the end of the source");
	}
	{
		const int64_t v[] = { 0, 100 << 1 | 1, 0 };

		op_delta(&c, v, 1, 99, 0);
		refused("copy past the end of the target", &c, 99, "past the end of the target");
	}
	{
		const int64_t v[] = { 0, 50 << 1 | 1, 0, 0, 49 << 1 | 1, 2 };

		op_delta(&c, v, 2, 100, 2);
		refused("literal past the end of the target", &c, 100, "past the end of the target");
	}
	{
		const int64_t v[] = { 0, 10 << 1 | 1, INT64_MAX };

		op_delta(&c, v, 1, 100, 0);
		refused("literal length overflowing with the copy", &c, 100, "past the end of the target");
	}
	{
		const int64_t v[] = { 5, 0, 0, 0, 10 << 1 | 1, 0 };

		op_delta(&c, v, 2, 10, 0);
		refused("operation that produces nothing", &c, 10, "produces nothing");
	}
	{
		const int64_t v[] = { 0, 10 << 1 | 1, 0 };

		op_delta(&c, v, 1, 20, 0);
		refused("control stream ends before the target", &c, 20, "END frame comes before");
	}
	{
		const int64_t v[] = { 0, 10 << 1 | 1, 0, 0, 10 << 1 | 1, 0 };

		op_delta(&c, v, 2, 10, 0);
		refused("operations after the complete target", &c, 10, "left over");
	}
	{
		/* a non-exact copy takes residuals: none were framed */
		const int64_t v[] = { 0, 10 << 1, 0 };

		op_delta(&c, v, 1, 10, 0);
		refused("copy with residuals and no diff frame", &c, 10, "END frame comes before");
	}
	{
		const int64_t v[] = { 0, 10 << 1, 0 };
		uint8_t ctl[64], res[10] = { 1, 2, 3 };

		header(&c, sizeof(src), 10, 0);
		frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, ops(ctl, v, 1));
		frame(&c, DELTA_FRAME_KIND(DELTA_DIFF), res, sizeof(res));
		end(&c);
		accepted("copy with residuals", &c);
		ok(out[0] == (uint8_t)(src[0] + 1) && out[2] == (uint8_t)(src[2] + 3) && out[9] == src[9],
		   "residuals are added to the source bytes");
	}
}

static void test_varints_and_frames(void)
{
	struct craft c;
	uint8_t ctl[64], lit[16] = "abcdefghij";
	size_t n;

	/* 11-byte varint: its tenth byte goes on */
	header(&c, sizeof(src), 1, 0);
	memset(ctl, 0x80, 10);
	ctl[10] = 0;
	frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, 11);
	end(&c);
	refused("varint of 11 bytes", &c, 1, "above 2^64 or longer than 10 bytes");

	header(&c, sizeof(src), 1, 0);
	memset(ctl, 0xff, 9);
	ctl[9] = 2;
	frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, 10);
	end(&c);
	refused("varint above 2^64", &c, 1, "above 2^64 or longer than 10 bytes");

	header(&c, sizeof(src), 1, 0);
	ctl[0] = 0x80;
	ctl[1] = 0;
	frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, 2);
	end(&c);
	refused("varint with a redundant zero byte", &c, 1, "redundant zero");

	/* frames in the wrong order: the literal frame comes where control is needed */
	header(&c, sizeof(src), 10, 0);
	n = ops(ctl, (const int64_t[]){ 0, 0, 10 }, 1);
	frame(&c, DELTA_FRAME_KIND(DELTA_LITERAL), lit, 10);
	frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, n);
	end(&c);
	refused("frame of another stream", &c, 10, "where the control stream was needed");

	header(&c, sizeof(src), 10, 0);
	put(&c, "\x07", 1);
	refused("unknown frame kind", &c, 10, "unknown frame kind 7");

	header(&c, sizeof(src), 10, 0);
	put(&c, "\x01", 1);
	put_varint(&c, DELTA_FRAME_MAX + 1);
	put_varint(&c, 10);
	refused("frame above the limit", &c, 10, "1 to 65536 allowed");

	header(&c, sizeof(src), 10, 0);
	put(&c, "\x01", 1);
	put_varint(&c, 0);
	put_varint(&c, 10);
	refused("empty frame", &c, 10, "1 to 65536 allowed");

	header(&c, sizeof(src), 10, 0);
	put(&c, "\x01", 1);
	put_varint(&c, 100);
	put_varint(&c, 100000);
	refused("compressed size beyond any LZMA2 output", &c, 10, "compressed into");

	header(&c, sizeof(src), 10, 0);
	put(&c, "\x01", 1);
	put_varint(&c, 100);
	put_varint(&c, 50);
	put(&c, "\x01\x02", 2);
	refused("compressed size beyond the payload", &c, 10, "left in the payload");

	header(&c, sizeof(src), 10, 0);
	put(&c, "\x01", 1);
	put_varint(&c, 10);
	put_varint(&c, 8);
	put(&c, "\xe0\xff\xff\xff\xff\xff\xff\xff", 8);
	end(&c);
	refused("corrupt LZMA2 data", &c, 10, "control stream");

	/* a frame that says 5 bytes but holds 10 */
	header(&c, sizeof(src), 10, 0);
	n = ops(ctl, (const int64_t[]){ 0, 0, 10 }, 1);
	frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, n);
	{
		struct craft f;

		f.n = 0;
		frame(&f, DELTA_FRAME_KIND(DELTA_LITERAL), lit, 10);
		f.buf[1] = 5; /* decoded size: one-byte varint */
		put(&c, f.buf, f.n);
	}
	end(&c);
	refused("frame that decodes to more than it says", &c, 10, "data after its 5 bytes");

	/* and one that says 12 but holds 10 */
	header(&c, sizeof(src), 10, 0);
	frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, n);
	{
		struct craft f;

		f.n = 0;
		frame(&f, DELTA_FRAME_KIND(DELTA_LITERAL), lit, 10);
		f.buf[1] = 12;
		put(&c, f.buf, f.n);
	}
	end(&c);
	refused("frame that decodes to less than it says", &c, 10, "less than its 12 bytes");

	header(&c, sizeof(src), 10, 0);
	frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, n);
	frame(&c, DELTA_FRAME_KIND(DELTA_LITERAL), lit, 12);
	end(&c);
	refused("literal stream left over", &c, 10, "2 bytes of the literal stream are left over");

	header(&c, sizeof(src), 10, 0);
	frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, n);
	frame(&c, DELTA_FRAME_KIND(DELTA_LITERAL), lit, 10);
	frame(&c, DELTA_FRAME_KIND(DELTA_LITERAL), lit, 10);
	end(&c);
	refused("frame after the complete target", &c, 10, "frames follow the complete target");

	header(&c, sizeof(src), 10, 0);
	frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, n);
	frame(&c, DELTA_FRAME_KIND(DELTA_LITERAL), lit, 10);
	end(&c);
	put(&c, "junk", 4);
	refused("bytes after the END frame", &c, 10, "4 bytes follow the END frame");

	header(&c, sizeof(src), 10, 0);
	frame(&c, DELTA_FRAME_KIND(DELTA_CONTROL), ctl, n);
	frame(&c, DELTA_FRAME_KIND(DELTA_LITERAL), lit, 10);
	refused("no END frame", &c, 10, "payload ends");
}

static void test_header(void)
{
	struct craft c;
	struct sf_err err = { 0 };
	struct delta_info info;
	uint8_t h[DELTA_HEADER_SIZE];

	header(&c, 5, 10, DELTA_T_ALL);
	memcpy(h, c.buf, sizeof(h));
	ok(!delta_header_parse(h, &info, &err) && info.source_size == 5 && info.target_size == 10 &&
		   info.flags == DELTA_T_ALL && info.dict_log[2] == 12,
	   "a valid header is read");
	h[0] = 'X';
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "not a slotflip delta"), "%s",
	   err.msg);
	memcpy(h, c.buf, sizeof(h));
	h[7] = 2;
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "version 2"), "%s", err.msg);
	memcpy(h, c.buf, sizeof(h));
	h[24] = 0x80;
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "0x80"), "%s", err.msg);
	memcpy(h, c.buf, sizeof(h));
	h[26] = 22;
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "diff stream is 2^22"), "%s",
	   err.msg);
	memcpy(h, c.buf, sizeof(h));
	h[27] = 11;
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "literal stream is 2^11"), "%s",
	   err.msg);
	memcpy(h, c.buf, sizeof(h));
	h[25] = h[26] = 21;
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "at most 3072 KiB"), "%s", err.msg);
	memcpy(h, c.buf, sizeof(h));
	h[25] = 21;
	h[26] = h[27] = 19;
	ok(!delta_header_parse(h, &info, &err), "dictionaries of 3 MiB together are allowed");
	memcpy(h, c.buf, sizeof(h));
	h[44] = 1;
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "reserved"), "%s", err.msg);
	memcpy(h, c.buf, sizeof(h));
	h[29] = 0x10; /* a preset of 4096 bytes: the whole 4 KiB literal dictionary */
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "outside the source"),
	   "a preset larger than the 5-byte source: %s", err.msg);
	h[29] = 0x10;
	h[28] = 1;
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "exceeds its dictionary"), "%s",
	   err.msg);
	memcpy(h, c.buf, sizeof(h));
	h[28] = 3;
	delta_put_le64(h + 32, 2);
	ok(!delta_header_parse(h, &info, &err) && info.preset_size == 3 && info.preset_at == 2,
	   "a preset of the source's last 3 bytes is read");
	delta_put_le64(h + 32, 3);
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "3 bytes at 3"), "%s", err.msg);
	delta_put_le64(h + 32, UINT64_MAX);
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "outside the source"),
	   "a preset at 2^64-1: %s", err.msg);
	memcpy(h, c.buf, sizeof(h));
	delta_put_le64(h + 16, 0);
	ok(delta_header_parse(h, &info, &err) == -SF_EVERIFY && strstr(err.msg, "target size is 0"), "%s",
	   err.msg);
}

/* Every prefix of a real delta, as a payload that short and as a stream cut short. */
static void test_prefixes(void)
{
	enum { N = 20000 };
	uint8_t *a = malloc(N), *b = malloc(N), *pay = NULL, *o = malloc(N);
	struct sf_err err = { 0 };
	unsigned int bad_short = 0, bad_cut = 0;
	size_t n, made;

	fill(a, N);
	memcpy(b, a, N);
	fill(b + 5000, 300);
	b[15000] ^= 1;
	if (delta_encode(a, N, b, N, NULL, &pay, &n, NULL, &err))
		abort();
	for (size_t k = 0; k < n; k++) {
		if (apply(pay, k, k, a, N, o, N, 4096, &made, &err) != -SF_EVERIFY || made > N)
			bad_short++;
		/* the header says more than the stream holds: the reader reports the cut */
		if (apply(pay, k, n, a, N, o, N, 4096, &made, &err) != -SF_EVERIFY || made > N)
			bad_cut++;
	}
	ok(!bad_short, "every one of the %zu prefixes is refused as a whole payload (%u accepted)", n, bad_short);
	ok(!bad_cut, "every one of the %zu prefixes is refused as a stream cut short (%u accepted)", n, bad_cut);
	ok(!apply(pay, n, n, a, N, o, N, 4096, &made, &err) && !memcmp(o, b, N), "the whole delta applies");

	/* one byte changed anywhere: refused, or a target of exactly the signed size */
	{
		unsigned int overrun = 0;

		for (size_t k = 0; k < n; k++) {
			uint8_t save = pay[k];

			pay[k] ^= (uint8_t)(1 + rnd() % 255);
			if (apply(pay, n, n, a, N, o, N, 0, &made, &err) == 0 && made != N)
				overrun++;
			if (made > N)
				overrun++;
			pay[k] = save;
		}
		ok(!overrun, "a changed byte never yields more or fewer bytes than the target (%zu payload bytes)", n);
	}
	free(a);
	free(b);
	free(o);
	free(pay);
}

int main(void)
{
	fill(src, sizeof(src));
	test_header();
	test_roundtrips();
	test_ops();
	test_varints_and_frames();
	test_prefixes();
	return tap_done();
}
