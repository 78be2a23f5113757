// SPDX-License-Identifier: MIT
#include "delta/delta_dec.h"

#include <errno.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/delta_format.h"
#include "delta/delta_predict.h"

#define BLOCK ((size_t)64 * 1024)	/* target bytes per step */
#define IN_CHUNK ((size_t)16 * 1024) /* payload bytes read at once */
#define HIST 2		     /* source bytes before a unit that rule 1 looks at */

static const char *const stream_name[DELTA_STREAMS] = { "control", "diff", "literal" };

struct dstream {
	lzma_stream lz;
	bool live;
	uint8_t *buf; /* one decoded frame */
	size_t pos, len;
};

enum phase { NEED_OP, COPY, LITERAL, DONE };

struct delta_dec {
	struct delta_dec_io io;
	struct delta_info info;
	uint64_t payload_size;
	uint64_t payload_read; /* bytes taken from io.read_payload */
	uint8_t *in;	       /* payload read ahead: in[in_pos..in_len) */
	size_t in_pos, in_len;
	struct dstream st[DELTA_STREAMS];
	struct delta_pred *pred;
	enum phase phase;
	uint64_t op;	    /* operations read */
	uint64_t cursor;    /* source cursor */
	uint64_t produced;  /* target bytes made */
	struct delta_run run;
	bool exact;
	uint64_t run_pos;
	uint64_t lit_left;
	uint8_t *sbuf; /* HIST + BLOCK + lookahead source bytes */
	uint8_t *rbuf; /* residuals of run positions [run_pos, run_pos + r_len) */
	size_t r_len;
	uint8_t *obuf; /* target bytes made, obuf[o_pos..o_len) not yet handed out */
	size_t o_pos, o_len;
};

static int corrupt(struct sf_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int corrupt(struct sf_err *err, const char *fmt, ...)
{
	char msg[SF_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sf_fail(err, SF_EVERIFY, "delta: %s", msg);
}

int delta_header_parse(const uint8_t *buf, struct delta_info *info, struct sf_err *err)
{
	static const char zero[8];

	if (memcmp(buf, delta_magic, DELTA_MAGIC_LEN - 1))
		return corrupt(err, "not a slotflip delta");
	if (buf[DELTA_MAGIC_LEN - 1] != 1)
		return corrupt(err, "format version %u is not supported (this slotflip reads version 1)",
			       buf[DELTA_MAGIC_LEN - 1]);
	info->source_size = delta_le64(buf + 8);
	info->target_size = delta_le64(buf + 16);
	info->flags = buf[24];
	if (info->flags & ~(unsigned int)DELTA_T_ALL)
		return corrupt(err, "unknown transform flags 0x%02x", info->flags & ~(unsigned int)DELTA_T_ALL);
	for (int s = 0; s < DELTA_STREAMS; s++) {
		info->dict_log[s] = buf[25 + s];
		if (info->dict_log[s] < DELTA_DICT_LOG_MIN || info->dict_log[s] > DELTA_DICT_LOG_MAX)
			return corrupt(err, "dictionary of the %s stream is 2^%u bytes, 2^%d to 2^%d allowed",
				       stream_name[s], info->dict_log[s], DELTA_DICT_LOG_MIN, DELTA_DICT_LOG_MAX);
	}
	if ((1u << info->dict_log[0]) + (1u << info->dict_log[1]) + (1u << info->dict_log[2]) > DELTA_DICT_TOTAL_MAX)
		return corrupt(err, "dictionaries of %u KiB together, at most %u KiB allowed",
			       ((1u << info->dict_log[0]) + (1u << info->dict_log[1]) + (1u << info->dict_log[2])) >> 10,
			       DELTA_DICT_TOTAL_MAX >> 10);
	if (memcmp(buf + 40, zero, sizeof(zero)))
		return corrupt(err, "reserved header bytes are not zero");
	if (!info->target_size)
		return corrupt(err, "target size is 0");
	info->preset_size = (uint32_t)buf[28] | (uint32_t)buf[29] << 8 | (uint32_t)buf[30] << 16 |
			    (uint32_t)buf[31] << 24;
	info->preset_at = delta_le64(buf + 32);
	if (info->preset_size > 1u << info->dict_log[DELTA_LITERAL])
		return corrupt(err, "the literal preset of %u bytes exceeds its dictionary (%u bytes)",
			       info->preset_size, 1u << info->dict_log[DELTA_LITERAL]);
	/* both from the header: compare by subtraction */
	if (info->preset_at > info->source_size || info->preset_size > info->source_size - info->preset_at)
		return corrupt(err, "the literal preset (%u bytes at %llu) lies outside the source (%llu bytes)",
			       info->preset_size, (unsigned long long)info->preset_at,
			       (unsigned long long)info->source_size);
	return 0;
}

/* Refill the read-ahead buffer once it is used up; never reads past the payload. */
static int pay_fill(struct delta_dec *d, struct sf_err *err)
{
	uint64_t left = d->payload_size - d->payload_read;
	size_t n;
	int ret;

	if (d->in_pos < d->in_len)
		return 0;
	if (!left)
		return corrupt(err, "the payload ends before the target is complete (%llu bytes made)",
			       (unsigned long long)d->produced);
	n = left < IN_CHUNK ? (size_t)left : IN_CHUNK;
	ret = d->io.read_payload(d->io.priv, d->in, n, err);
	if (ret)
		return ret;
	d->payload_read += n;
	d->in_pos = 0;
	d->in_len = n;
	return 0;
}

/* Exactly @len payload bytes, through the read-ahead buffer. */
static int pay_read(struct delta_dec *d, void *buf, size_t len, struct sf_err *err)
{
	uint8_t *p = buf;

	while (len) {
		size_t n;
		int ret = pay_fill(d, err);

		if (ret)
			return ret;
		n = d->in_len - d->in_pos < len ? d->in_len - d->in_pos : len;
		memcpy(p, d->in + d->in_pos, n);
		d->in_pos += n;
		p += n;
		len -= n;
	}
	return 0;
}

/* payload bytes not yet consumed, buffered or not */
static uint64_t pay_left(const struct delta_dec *d)
{
	return d->payload_size - d->payload_read + (d->in_len - d->in_pos);
}

/* A varint from @next, one byte per call. */
static int varint(struct delta_dec *d, int (*next)(struct delta_dec *, uint8_t *, struct sf_err *),
		  uint64_t *out, const char *what, struct sf_err *err)
{
	uint64_t v = 0;
	uint8_t b;
	int ret;

	for (unsigned int i = 0; i < DELTA_VARINT_MAX; i++) {
		ret = next(d, &b, err);
		if (ret)
			return ret;
		/* the tenth byte holds bit 63 only, and ends the varint */
		if (i == DELTA_VARINT_MAX - 1 && b > 1)
			return corrupt(err, "%s: varint above 2^64 or longer than %d bytes", what, DELTA_VARINT_MAX);
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			if (i && !b)
				return corrupt(err, "%s: varint with a redundant zero byte", what);
			break;
		}
	}
	*out = v;
	return 0;
}

static int pay_byte(struct delta_dec *d, uint8_t *b, struct sf_err *err)
{
	return pay_read(d, b, 1, err);
}

/* Decode one frame of @s: exactly its decoded size from exactly its compressed size. */
static int decode_frame(struct delta_dec *d, int s, size_t dsize, uint64_t csize, struct sf_err *err)
{
	struct dstream *st = &d->st[s];
	lzma_stream *lz = &st->lz;
	uint64_t cleft = csize;

	lz->next_out = st->buf;
	lz->avail_out = dsize;
	for (;;) {
		size_t before_in, before_out;
		lzma_ret lr;

		/* feed what is buffered, never more than this frame's bytes */
		if (cleft) {
			int ret = pay_fill(d, err);

			if (ret)
				return ret;
		}
		lz->next_in = d->in + d->in_pos;
		lz->avail_in = d->in_len - d->in_pos < cleft ? d->in_len - d->in_pos : (size_t)cleft;
		before_in = lz->avail_in;
		before_out = lz->avail_out;
		lr = lzma_code(lz, LZMA_RUN);
		d->in_pos += before_in - lz->avail_in;
		cleft -= before_in - lz->avail_in;
		if (lr == LZMA_STREAM_END)
			return corrupt(err, "the %s stream ends inside a frame", stream_name[s]);
		if (lr != LZMA_OK && lr != LZMA_BUF_ERROR)
			return corrupt(err, "the %s stream is corrupt (LZMA2 error %d at payload byte %llu)",
				       stream_name[s], (int)lr, (unsigned long long)(d->payload_size - pay_left(d)));
		if (!cleft && !lz->avail_out) {
			uint8_t extra;

			/* the frame must not decode to more than it says */
			lz->avail_in = 0;
			lz->next_out = &extra;
			lz->avail_out = 1;
			lr = lzma_code(lz, LZMA_RUN);
			if (lz->avail_out == 0 || lr == LZMA_STREAM_END)
				return corrupt(err, "a frame of the %s stream has data after its %zu bytes",
					       stream_name[s], dsize);
			break;
		}
		if (before_in == lz->avail_in && before_out == lz->avail_out) {
			if (lz->avail_out)
				return corrupt(err, "a frame of the %s stream holds less than its %zu bytes",
					       stream_name[s], dsize);
			return corrupt(err, "a frame of the %s stream has data after its %zu bytes", stream_name[s],
				       dsize);
		}
	}
	st->pos = 0;
	st->len = dsize;
	return 0;
}

static int load_frame(struct delta_dec *d, int s, struct sf_err *err)
{
	uint64_t dsize = 0, csize = 0;
	uint8_t kind;
	int ret;

	ret = pay_read(d, &kind, 1, err);
	if (ret)
		return ret;
	if (kind == DELTA_FRAME_END)
		return corrupt(err, "the END frame comes before the target is complete (%llu of %llu bytes made)",
			       (unsigned long long)d->produced, (unsigned long long)d->info.target_size);
	if (kind > DELTA_STREAMS)
		return corrupt(err, "unknown frame kind %u", kind);
	if (kind != DELTA_FRAME_KIND(s))
		return corrupt(err, "frame of the %s stream where the %s stream was needed",
			       stream_name[kind - 1], stream_name[s]);
	ret = varint(d, pay_byte, &dsize, "frame size", err);
	if (!ret)
		ret = varint(d, pay_byte, &csize, "frame size", err);
	if (ret)
		return ret;
	if (!dsize || dsize > DELTA_FRAME_MAX)
		return corrupt(err, "frame of %llu bytes, 1 to %zu allowed", (unsigned long long)dsize, DELTA_FRAME_MAX);
	if (!csize || csize > DELTA_FRAME_BOUND(dsize))
		return corrupt(err, "frame of %llu bytes compressed into %llu bytes", (unsigned long long)dsize,
			       (unsigned long long)csize);
	/* both sizes come from the payload: compare by subtraction */
	if (csize > pay_left(d))
		return corrupt(err, "frame of %llu compressed bytes, only %llu left in the payload",
			       (unsigned long long)csize, (unsigned long long)pay_left(d));
	return decode_frame(d, s, (size_t)dsize, csize, err);
}

/* Exactly @len decoded bytes of stream @s. */
static int take(struct delta_dec *d, int s, uint8_t *buf, size_t len, struct sf_err *err)
{
	struct dstream *st = &d->st[s];

	while (len) {
		size_t n;
		int ret;

		if (st->pos == st->len) {
			ret = load_frame(d, s, err);
			if (ret)
				return ret;
		}
		n = st->len - st->pos < len ? st->len - st->pos : len;
		memcpy(buf, st->buf + st->pos, n);
		st->pos += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int ctl_byte(struct delta_dec *d, uint8_t *b, struct sf_err *err)
{
	return take(d, DELTA_CONTROL, b, 1, err);
}

/* Read and check the next operation; nothing of it is produced yet. */
static int next_op(struct delta_dec *d, struct sf_err *err)
{
	uint64_t zseek = 0, copy = 0, lit = 0, len, room = d->info.target_size - d->produced, mag;
	int64_t seek;
	char what[64];
	int ret;

	snprintf(what, sizeof(what), "operation %llu", (unsigned long long)d->op);
	ret = varint(d, ctl_byte, &zseek, what, err);
	ret = ret ?: varint(d, ctl_byte, &copy, what, err);
	ret = ret ?: varint(d, ctl_byte, &lit, what, err);
	if (ret)
		return ret;
	seek = delta_unzigzag(zseek);
	len = copy >> 1;
	snprintf(what, sizeof(what), "operation %llu at target byte %llu", (unsigned long long)d->op,
		 (unsigned long long)d->produced);
	/* the cursor is within the source; a negative seek must not pass 0 */
	mag = seek < 0 ? (uint64_t)0 - (uint64_t)seek : (uint64_t)seek;
	if (seek < 0 ? mag > d->cursor : mag > d->info.source_size - d->cursor)
		return corrupt(err, "%s seeks by %lld from source byte %llu, outside the source (%llu bytes)", what,
			       (long long)seek, (unsigned long long)d->cursor,
			       (unsigned long long)d->info.source_size);
	d->cursor = seek < 0 ? d->cursor - mag : d->cursor + mag;
	if (len > d->info.source_size - d->cursor)
		return corrupt(err, "%s copies %llu bytes at source byte %llu, past the end of the source (%llu bytes)",
			       what, (unsigned long long)len, (unsigned long long)d->cursor,
			       (unsigned long long)d->info.source_size);
	if (len > room || lit > room - len)
		return corrupt(err, "%s writes %llu + %llu bytes, past the end of the target (%llu bytes left)", what,
			       (unsigned long long)len, (unsigned long long)lit, (unsigned long long)room);
	if (!len && !lit)
		return corrupt(err, "%s produces nothing", what);
	d->op++;
	d->run.src = d->cursor;
	d->run.dst = d->produced;
	d->run.len = len;
	d->run.flags = d->info.flags;
	d->exact = copy & 1;
	d->run_pos = 0;
	d->r_len = 0;
	d->lit_left = lit;
	d->phase = len ? COPY : LITERAL;
	return 0;
}

static void op_done(struct delta_dec *d)
{
	d->phase = d->produced == d->info.target_size ? DONE : NEED_OP;
}

/* One block of a copy into obuf. */
static int copy_block(struct delta_dec *d, struct sf_err *err)
{
	const struct delta_run *run = &d->run;
	uint64_t pos = d->run_pos, end, look, stop;
	size_t hist = pos < HIST ? (size_t)pos : HIST;
	int ret;

	end = run->len - pos < BLOCK ? run->len : pos + BLOCK;
	look = run->len - end < DELTA_PRED_LOOKAHEAD ? run->len : end + DELTA_PRED_LOOKAHEAD;
	ret = d->io.read_source(d->io.priv, d->sbuf, (size_t)(look - pos) + hist, run->src + pos - hist, err);
	if (ret)
		return ret;
	if (!d->exact) {
		/* residuals up to the longest unit that may start before end */
		uint64_t want = run->len - end < DELTA_PRED_UNIT_MAX - 1 ? run->len : end + DELTA_PRED_UNIT_MAX - 1;
		size_t need = (size_t)(want - pos);

		if (need > d->r_len) {
			ret = take(d, DELTA_DIFF, d->rbuf + d->r_len, need - d->r_len, err);
			if (ret)
				return ret;
			d->r_len = need;
		}
	}
	stop = delta_pred_decode(d->pred, run, d->sbuf + hist, pos, end, d->exact ? NULL : d->rbuf, d->obuf);
	d->o_pos = 0;
	d->o_len = (size_t)(stop - pos);
	if (!d->exact) {
		memmove(d->rbuf, d->rbuf + d->o_len, d->r_len - d->o_len);
		d->r_len -= d->o_len;
	}
	d->run_pos = stop;
	d->produced += stop - pos;
	if (stop == run->len) {
		d->cursor = run->src + run->len;
		if (d->lit_left)
			d->phase = LITERAL;
		else
			op_done(d);
	}
	return 0;
}

static int literal_block(struct delta_dec *d, struct sf_err *err)
{
	size_t n = d->lit_left < BLOCK ? (size_t)d->lit_left : BLOCK;
	int ret;

	ret = take(d, DELTA_LITERAL, d->obuf, n, err);
	if (ret)
		return ret;
	d->o_pos = 0;
	d->o_len = n;
	d->lit_left -= n;
	d->produced += n;
	if (!d->lit_left)
		op_done(d);
	return 0;
}

int delta_dec_read(struct delta_dec *d, void *buf, size_t len, struct sf_err *err)
{
	uint8_t *p = buf;
	int ret;

	while (len) {
		size_t n;

		if (d->o_pos == d->o_len) {
			switch (d->phase) {
			case NEED_OP:
				ret = next_op(d, err);
				break;
			case COPY:
				ret = copy_block(d, err);
				break;
			case LITERAL:
				ret = literal_block(d, err);
				break;
			default:
				return sf_fail(err, SF_EFAIL, "delta: %zu bytes asked for past the end of the target",
					       len);
			}
			if (ret)
				return ret;
			continue;
		}
		n = d->o_len - d->o_pos < len ? d->o_len - d->o_pos : len;
		memcpy(p, d->obuf + d->o_pos, n);
		d->o_pos += n;
		p += n;
		len -= n;
	}
	return 0;
}

int delta_dec_finish(struct delta_dec *d, struct sf_err *err)
{
	uint8_t kind;
	int ret;

	if (d->phase != DONE || d->o_pos != d->o_len)
		return corrupt(err, "the target is not complete (%llu of %llu bytes made)",
			       (unsigned long long)(d->produced - (d->o_len - d->o_pos)),
			       (unsigned long long)d->info.target_size);
	for (int s = 0; s < DELTA_STREAMS; s++)
		if (d->st[s].pos != d->st[s].len)
			return corrupt(err, "%zu bytes of the %s stream are left over at the end",
				       d->st[s].len - d->st[s].pos, stream_name[s]);
	ret = pay_read(d, &kind, 1, err);
	if (ret)
		return ret;
	if (kind != DELTA_FRAME_END)
		return corrupt(err, "frames follow the complete target (kind %u)", kind);
	if (pay_left(d))
		return corrupt(err, "%llu bytes follow the END frame", (unsigned long long)pay_left(d));
	return 0;
}

static int init_stream(struct delta_dec *d, int s, struct sf_err *err)
{
	struct dstream *st = &d->st[s];
	lzma_options_lzma opt = { .dict_size = 1u << d->info.dict_log[s] };
	lzma_filter filters[2] = { { .id = LZMA_FILTER_LZMA2, .options = &opt }, { .id = LZMA_VLI_UNKNOWN } };
	uint8_t *preset = NULL;
	lzma_ret lr;
	int ret;

	st->buf = malloc(DELTA_FRAME_MAX);
	if (!st->buf)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta decoder");
	if (s == DELTA_LITERAL && d->info.preset_size) {
		/* liblzma copies it into the dictionary: the buffer goes at once */
		preset = malloc(d->info.preset_size);
		if (!preset)
			return sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta decoder");
		ret = d->io.read_source(d->io.priv, preset, d->info.preset_size, d->info.preset_at, err);
		if (ret) {
			free(preset);
			return ret;
		}
		opt.preset_dict = preset;
		opt.preset_dict_size = d->info.preset_size;
	}
	st->lz = (lzma_stream)LZMA_STREAM_INIT;
	lr = lzma_raw_decoder(&st->lz, filters);
	free(preset);
	if (lr != LZMA_OK)
		return sf_fail(err, SF_EFAIL, "delta: cannot start the LZMA2 decoder of the %s stream (error %d)",
			       stream_name[s], (int)lr);
	st->live = true;
	return 0;
}

int delta_dec_new(struct delta_dec **out, const struct delta_dec_io *io, uint64_t payload_size,
		  struct delta_info *info, struct sf_err *err)
{
	uint8_t header[DELTA_HEADER_SIZE];
	struct delta_dec *d;
	int ret;

	if (payload_size < DELTA_HEADER_SIZE + 1)
		return corrupt(err, "payload of %llu bytes is too short for a delta", (unsigned long long)payload_size);
	d = calloc(1, sizeof(*d));
	if (!d)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta decoder");
	d->io = *io;
	d->payload_size = payload_size;
	d->in = malloc(IN_CHUNK);
	ret = d->in ? 0 : sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta decoder");
	ret = ret ?: pay_read(d, header, sizeof(header), err);
	ret = ret ?: delta_header_parse(header, &d->info, err);
	for (int s = 0; s < DELTA_STREAMS && !ret; s++)
		ret = init_stream(d, s, err);
	if (!ret) {
		d->sbuf = malloc(HIST + BLOCK + DELTA_PRED_LOOKAHEAD);
		d->rbuf = malloc(BLOCK + DELTA_PRED_UNIT_MAX);
		d->obuf = malloc(BLOCK + DELTA_PRED_UNIT_MAX);
		if (!d->sbuf || !d->rbuf || !d->obuf || delta_pred_new(&d->pred, d->info.source_size))
			ret = sf_fail_errno(err, SF_EFAIL, ENOMEM, "delta decoder");
	}
	if (ret) {
		delta_dec_free(d);
		return ret;
	}
	d->phase = NEED_OP;
	if (info)
		*info = d->info;
	*out = d;
	return 0;
}

void delta_dec_free(struct delta_dec *d)
{
	if (!d)
		return;
	for (int s = 0; s < DELTA_STREAMS; s++) {
		if (d->st[s].live)
			lzma_end(&d->st[s].lz);
		free(d->st[s].buf);
	}
	delta_pred_free(d->pred);
	free(d->sbuf);
	free(d->rbuf);
	free(d->obuf);
	free(d->in);
	free(d);
}
