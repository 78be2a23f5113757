// SPDX-License-Identifier: MIT
#include "delta/delta_match.h"

#include <divsufsort.h>
#include <divsufsort64.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_CAP (1u << 20) /* longest exact match measured at once */
#define NEAR_SCAN 64	     /* suffixes looked at around the longest match */

/* The source and its suffix array (32-bit indexes below 2 GiB, else 64-bit). */
struct sa {
	const uint8_t *s;
	uint64_t n;
	int32_t *a32;
	int64_t *a64;
};

struct parse {
	const struct sa *sa;
	const uint8_t *dst;
	uint64_t dn;
	struct delta_copies *out;
};

static inline uint64_t sa_at(const struct sa *sa, uint64_t i)
{
	return sa->a32 ? (uint64_t)sa->a32[i] : (uint64_t)sa->a64[i];
}

static uint64_t common(const uint8_t *a, uint64_t an, const uint8_t *b, uint64_t bn)
{
	uint64_t n = an < bn ? an : bn, i = 0;

	if (n > MATCH_CAP)
		n = MATCH_CAP;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/*
 * The longest exact match of @p in the source; among the suffixes that match
 * as long, the one nearest @want (where the current alignment would read).
 */
static uint64_t longest(const struct sa *sa, const uint8_t *p, uint64_t pn, uint64_t want, uint64_t *pos)
{
	uint64_t lo = 0, hi = sa->n, best = 0, len, at;

	if (pn > MATCH_CAP)
		pn = MATCH_CAP;
	/* suffixes [lo, hi) sort at or after... : binary search for p's place */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2, o = sa_at(sa, mid);
		uint64_t n = sa->n - o < pn ? sa->n - o : pn;
		int c = memcmp(sa->s + o, p, (size_t)n);

		if (c < 0 || (c == 0 && n < pn))
			lo = mid;
		else
			hi = mid;
	}
	at = lo;
	len = common(sa->s + sa_at(sa, lo), sa->n - sa_at(sa, lo), p, pn);
	if (hi < sa->n) {
		uint64_t l2 = common(sa->s + sa_at(sa, hi), sa->n - sa_at(sa, hi), p, pn);

		if (l2 > len) {
			len = l2;
			at = hi;
		}
	}
	if (!len) {
		*pos = 0;
		return 0;
	}
	/* neighbours with the same match length: take the nearest to @want */
	best = sa_at(sa, at);
	for (int dir = -1; dir <= 1; dir += 2) {
		uint64_t i = at;

		for (int k = 0; k < NEAR_SCAN; k++) {
			uint64_t o;

			if ((dir < 0 && i == 0) || (dir > 0 && i + 1 >= sa->n))
				break;
			i = dir < 0 ? i - 1 : i + 1;
			o = sa_at(sa, i);
			if (common(sa->s + o, sa->n - o, p, len) < len)
				break;
			if ((o > want ? o - want : want - o) < (best > want ? best - want : want - best))
				best = o;
		}
	}
	*pos = best;
	return len;
}

static int add(struct delta_copies *c, uint64_t dst, uint64_t src, uint64_t len)
{
	if (!len)
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct delta_copy *n = realloc(c->c, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->c = n;
		c->cap = cap;
	}
	c->c[c->n++] = (struct delta_copy){ .dst = dst, .src = src, .len = len };
	return 0;
}

/* Does the source byte at target offset @i under alignment @off equal the target's? */
static inline bool agrees(const struct parse *ps, uint64_t i, int64_t off)
{
	int64_t o = (int64_t)i + off;

	return o >= 0 && (uint64_t)o < ps->sa->n && ps->sa->s[o] == ps->dst[i];
}

/*
 * How far a copy at (@dst, @src) carries forward, up to @limit target bytes:
 * the length with the best (agreeing - differing) balance.
 */
static uint64_t extend_fwd(const struct parse *ps, uint64_t dst, uint64_t src, uint64_t limit)
{
	int64_t score = 0, best = 0;
	uint64_t len = 0;

	for (uint64_t i = 0; i < limit && src + i < ps->sa->n; i++) {
		score += ps->sa->s[src + i] == ps->dst[dst + i] ? 1 : -1;
		if (score > best) {
			best = score;
			len = i + 1;
		}
	}
	return len;
}

/* The same backwards from (@dst, @src), not before target offset @floor. */
static uint64_t extend_back(const struct parse *ps, uint64_t dst, uint64_t src, uint64_t floor)
{
	int64_t score = 0, best = 0;
	uint64_t len = 0;

	for (uint64_t i = 1; dst - floor >= i && src >= i; i++) {
		score += ps->sa->s[src - i] == ps->dst[dst - i] ? 1 : -1;
		if (score > best) {
			best = score;
			len = i;
		}
	}
	return len;
}

static int run_parse(struct parse *ps)
{
	const uint8_t *dst = ps->dst;
	uint64_t dn = ps->dn, scan = 0, len = 0, pos = 0, last_dst = 0, last_src = 0;
	int64_t last_off = 0;

	while (scan < dn) {
		uint64_t here = 0, sc;

		for (sc = scan += len; scan < dn; scan++) {
			uint64_t want = (int64_t)scan + last_off < 0 ? 0 : (uint64_t)((int64_t)scan + last_off);

			len = longest(ps->sa, dst + scan, dn - scan, want, &pos);
			for (; sc < scan + len; sc++)
				here += agrees(ps, sc, last_off);
			if ((len == here && len) || len > here + 8)
				break;
			here -= agrees(ps, scan, last_off);
		}
		if (len != here || scan == dn) {
			uint64_t f = extend_fwd(ps, last_dst, last_src, scan - last_dst), b = 0;

			if (scan < dn)
				b = extend_back(ps, scan, pos, last_dst);
			if (last_dst + f > scan - b) {
				/* the two overlap: split where the second copy starts to do better */
				uint64_t overlap = last_dst + f - (scan - b), cut = 0;
				int64_t s = 0, best = 0;

				for (uint64_t i = 0; i < overlap; i++) {
					uint64_t d = last_dst + f - overlap + i;

					s += dst[d] == ps->sa->s[last_src + f - overlap + i];
					s -= dst[scan - b + i] == ps->sa->s[pos - b + i];
					if (s > best) {
						best = s;
						cut = i + 1;
					}
				}
				f += cut - overlap;
				b -= cut;
			}
			if (add(ps->out, last_dst, last_src, f))
				return -ENOMEM;
			last_dst = scan - b;
			last_src = pos - b;
			last_off = (int64_t)pos - (int64_t)scan;
		}
	}
	return 0;
}

int delta_match(const uint8_t *src, uint64_t src_size, const uint8_t *dst, uint64_t dst_size,
		struct delta_copies *out, struct sf_err *err)
{
	struct sa sa = { .s = src, .n = src_size };
	struct parse ps = { .sa = &sa, .dst = dst, .dn = dst_size, .out = out };
	int ret;

	if (!src_size)
		return 0;
	if (src_size < INT32_MAX) {
		sa.a32 = malloc(src_size * sizeof(*sa.a32));
		ret = sa.a32 ? divsufsort(src, sa.a32, (saidx_t)src_size) : -1;
	} else {
		sa.a64 = malloc(src_size * sizeof(*sa.a64));
		ret = sa.a64 ? divsufsort64(src, sa.a64, (saidx64_t)src_size) : -1;
	}
	if (ret) {
		ret = sf_fail(err, SF_EFAIL, "cannot suffix-sort the source (%llu bytes)", (unsigned long long)src_size);
		goto out;
	}
	ret = run_parse(&ps);
	if (ret)
		ret = sf_fail_errno(err, SF_EFAIL, ret, "choosing copies");
out:
	free(sa.a32);
	free(sa.a64);
	return ret;
}

void delta_copies_free(struct delta_copies *c)
{
	free(c->c);
	c->c = NULL;
	c->n = c->cap = 0;
}
