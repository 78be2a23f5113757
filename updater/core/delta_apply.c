// SPDX-License-Identifier: MIT
#include "core/delta_apply.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/delta_dec.h"

/* Reads of a slot at any offset and length, through one aligned window. */
struct reader {
	const struct slot_ops *ops;
	void *h;
	uint64_t slot_size;
	uint8_t *win;
	uint64_t base;
	size_t len;
	const char *what;
};

struct delta_apply {
	const struct fit_image *img;
	struct src *src;
	const struct sha256_ops *hops;
	struct sha256 *payload_hash;
	struct reader rd;
	struct delta_dec *dec;
	char what[SYSCONF_PATH_MAX + 64];
};

static int reader_open(struct reader *r, const struct sf_ctx *ctx, const char *path, const char *what,
		       struct sf_err *err)
{
	int ret;

	r->ops = ctx->slot;
	r->what = what;
	ret = r->ops->size(ctx->slot_priv, path, &r->slot_size);
	if (ret)
		return sf_fail_errno(err, SF_R_SLOT_IO, ret, "cannot measure %s", what);
	ret = r->ops->open(ctx->slot_priv, path, SLOT_SOURCE, &r->h);
	if (ret) {
		r->h = NULL;
		return sf_fail_errno(err, SF_R_SLOT_IO, ret, "cannot open %s", what);
	}
	if (posix_memalign((void **)&r->win, SLOT_IO_ALIGN, DELTA_APPLY_WINDOW)) {
		r->win = NULL;
		return sf_fail_errno(err, SF_R_NO_MEMORY, ENOMEM, "reading %s", what);
	}
	return 0;
}

static int reader_close(struct reader *r)
{
	int ret = r->h ? r->ops->close(r->h) : 0;

	free(r->win);
	r->h = NULL;
	r->win = NULL;
	return ret;
}

/* Load the aligned window holding @off: whole blocks, but for the slot's last one. */
static int reader_load(struct reader *r, uint64_t off, struct sf_err *err)
{
	uint64_t base = off - off % SLOT_IO_ALIGN;
	size_t n = r->slot_size - base < DELTA_APPLY_WINDOW ? (size_t)(r->slot_size - base) : DELTA_APPLY_WINDOW;
	int ret;

	ret = r->ops->read(r->h, r->win, n, base);
	if (ret)
		return sf_fail_errno(err, SF_R_SLOT_IO, ret, "cannot read %s at byte %llu", r->what,
				     (unsigned long long)base);
	r->base = base;
	r->len = n;
	return 0;
}

static int reader_read(struct reader *r, uint8_t *buf, size_t len, uint64_t off, struct sf_err *err)
{
	/* the decoder checked the range against the signed source size, and that against the slot */
	if (off > r->slot_size || len > r->slot_size - off)
		return sf_fail(err, SF_R_SLOT_IO, "read of %zu bytes at byte %llu is outside %s", len,
			       (unsigned long long)off, r->what);
	while (len) {
		size_t n;
		int ret;

		if (off < r->base || off >= r->base + r->len) {
			ret = reader_load(r, off, err);
			if (ret)
				return ret;
		}
		n = r->base + r->len - off < len ? (size_t)(r->base + r->len - off) : len;
		memcpy(buf, r->win + (off - r->base), n);
		buf += n;
		len -= n;
		off += n;
	}
	return 0;
}

/*
 * The source check reads and hashes at once: a thread reads the next chunk
 * while the caller hashes the last one, so the check costs the longer of the
 * two, not their sum.
 */
struct prefetch {
	const struct sf_ctx *ctx;
	pthread_t thread;
	void *h;
	uint64_t size, slot_size;
	size_t chunk;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *buf[2];
	size_t len[2];
	bool full[2];
	bool stop;
	int ret; /* the reader's -errno */
	uint64_t ret_off;
};

static void *prefetch_run(void *arg)
{
	struct prefetch *pf = arg;
	uint64_t off = 0;

	for (unsigned int i = 0; off < pf->size; i++) {
		unsigned int b = i % 2;
		size_t n = pf->size - off < pf->chunk ? (size_t)(pf->size - off) : pf->chunk;
		/* whole blocks, as direct I/O wants, unless the slot ends first */
		size_t rn = (n + SLOT_IO_ALIGN - 1) / SLOT_IO_ALIGN * SLOT_IO_ALIGN;
		bool stop;
		int ret;

		pthread_mutex_lock(&pf->mu);
		while (pf->full[b] && !pf->stop)
			pthread_cond_wait(&pf->cv, &pf->mu);
		stop = pf->stop;
		pthread_mutex_unlock(&pf->mu);
		if (stop)
			break;
		if (rn > pf->slot_size - off)
			rn = (size_t)(pf->slot_size - off);
		ret = pf->ctx->slot->read(pf->h, pf->buf[b], rn, off);
		pthread_mutex_lock(&pf->mu);
		if (ret) {
			pf->ret = ret;
			pf->ret_off = off;
			pf->stop = true;
		} else {
			pf->len[b] = n;
			pf->full[b] = true;
		}
		pthread_cond_broadcast(&pf->cv);
		pthread_mutex_unlock(&pf->mu);
		if (ret)
			break;
		off += n;
	}
	return NULL;
}

/* Hash what the reader fills, in order; 0, or a failure already in @err. */
static int prefetch_hash(struct prefetch *pf, const struct sha256_ops *hops, struct sha256 *h, const char *what,
			 struct sf_err *err)
{
	uint64_t off = 0;
	int ret = 0;

	for (unsigned int i = 0; off < pf->size && !ret; i++) {
		unsigned int b = i % 2;

		pthread_mutex_lock(&pf->mu);
		while (!pf->full[b] && !pf->ret)
			pthread_cond_wait(&pf->cv, &pf->mu);
		pthread_mutex_unlock(&pf->mu);
		if (!pf->full[b])
			return sf_fail_errno(err, SF_R_SLOT_IO, pf->ret, "cannot read %s at byte %llu", what,
					     (unsigned long long)pf->ret_off);
		ret = hops->update(h, pf->buf[b], pf->len[b]);
		if (ret)
			ret = sf_fail_errno(err, SF_R_SLOT_IO, ret, "sha256 of %s", what);
		off += pf->len[b];
		pthread_mutex_lock(&pf->mu);
		pf->full[b] = false;
		pthread_cond_broadcast(&pf->cv);
		pthread_mutex_unlock(&pf->mu);
	}
	return ret;
}

/* sha256 of the first @size bytes of the slot at @path. */
static int hash_slot(const struct sf_ctx *ctx, const char *path, const char *what, uint64_t size, size_t chunk,
		     uint8_t digest[SHA256_LEN], struct sf_err *err)
{
	const struct sha256_ops *hops = ctx->hash ? ctx->hash : &sha256_default_ops;
	struct prefetch pf = { .ctx = ctx, .size = size, .chunk = chunk };
	struct sha256 *h = NULL;
	bool started = false;
	int ret, cret;

	pthread_mutex_init(&pf.mu, NULL);
	pthread_cond_init(&pf.cv, NULL);
	ret = ctx->slot->size(ctx->slot_priv, path, &pf.slot_size);
	if (ret) {
		ret = sf_fail_errno(err, SF_R_SLOT_IO, ret, "cannot measure %s", what);
		goto out_sync;
	}
	ret = ctx->slot->open(ctx->slot_priv, path, SLOT_SOURCE, &pf.h);
	if (ret) {
		ret = sf_fail_errno(err, SF_R_SLOT_IO, ret, "cannot open %s", what);
		goto out_sync;
	}
	if (posix_memalign((void **)&pf.buf[0], SLOT_IO_ALIGN, chunk) ||
	    posix_memalign((void **)&pf.buf[1], SLOT_IO_ALIGN, chunk)) {
		ret = sf_fail_errno(err, SF_R_NO_MEMORY, ENOMEM, "reading %s", what);
		goto out;
	}
	ret = hops->create(&h, ctx->hash_engine);
	if (ret) {
		h = NULL;
		ret = sf_fail_errno(err, SF_R_FAILED, ret, "cannot start sha256");
		goto out;
	}
	if (pthread_create(&pf.thread, NULL, prefetch_run, &pf)) {
		ret = sf_fail(err, SF_R_FAILED, "cannot start a thread to read %s", what);
		goto out;
	}
	started = true;
	ret = prefetch_hash(&pf, hops, h, what, err);
	if (!ret) {
		ret = hops->final(h, digest);
		if (ret)
			ret = sf_fail_errno(err, SF_R_SLOT_IO, ret, "sha256 of %s", what);
	}
out:
	if (started) {
		pthread_mutex_lock(&pf.mu);
		pf.stop = true;
		pthread_cond_broadcast(&pf.cv);
		pthread_mutex_unlock(&pf.mu);
		pthread_join(pf.thread, NULL);
	}
	if (h)
		hops->destroy(h);
	free(pf.buf[0]);
	free(pf.buf[1]);
	cret = ctx->slot->close(pf.h);
	if (!ret && cret)
		ret = sf_fail_errno(err, SF_R_SLOT_IO, cret, "cannot close %s", what);
out_sync:
	pthread_cond_destroy(&pf.cv);
	pthread_mutex_destroy(&pf.mu);
	return ret;
}

int delta_apply_check_sources(const struct sf_ctx *ctx, const struct fit_bundle *b, const struct plan *p,
			      const struct sys_state *st, size_t chunk, struct sf_err *err)
{
	for (unsigned int k = 0; k < p->n; k++) {
		const struct fit_image *img = &b->image[p->item[k].image];
		const struct sysconf_comp *sc = &ctx->sys->c[p->item[k].comp];
		int active = st->c[p->item[k].comp].active;
		char what[SYSCONF_PATH_MAX + 64];
		uint8_t digest[SHA256_LEN];
		int ret;

		if (!img->delta.format[0])
			continue;
		snprintf(what, sizeof(what), "active slot %s of %s (%s)", slot_name(active), sc->name,
			 sc->slot[active]);
		ret = hash_slot(ctx, sc->slot[active], what, img->delta.source_size, chunk, digest, err);
		if (ret)
			return ret;
		if (memcmp(digest, img->delta.source_sha256, SHA256_LEN))
			return sf_fail(err, SF_R_SOURCE_MISMATCH,
				       "the %s does not hold the image the delta of '%s' applies to: sha256 of its first %llu bytes differs",
				       what, img->node, (unsigned long long)img->delta.source_size);
	}
	return 0;
}

static int read_payload(void *priv, void *buf, size_t len, struct sf_err *err)
{
	struct delta_apply *da = priv;
	int ret;

	ret = src_read(da->src, buf, len, err);
	if (ret)
		return ret;
	ret = da->hops->update(da->payload_hash, buf, len);
	return ret ? sf_fail_errno(err, SF_R_FAILED, ret, "sha256 of the delta of '%s'", da->img->node) : 0;
}

static int read_source(void *priv, void *buf, size_t len, uint64_t off, struct sf_err *err)
{
	struct delta_apply *da = priv;

	return reader_read(&da->rd, buf, len, off, err);
}

int delta_apply_start(const struct sf_ctx *ctx, const struct fit_image *img, const char *path, const char *what,
		      struct src *src, struct delta_apply **out, struct sf_err *err)
{
	struct delta_dec_io io = { .read_payload = read_payload, .read_source = read_source };
	struct delta_apply *da;
	struct delta_info info;
	int ret;

	da = calloc(1, sizeof(*da));
	if (!da)
		return sf_fail_errno(err, SF_R_NO_MEMORY, ENOMEM, "delta of '%s'", img->node);
	da->img = img;
	da->src = src;
	da->hops = ctx->hash ? ctx->hash : &sha256_default_ops;
	snprintf(da->what, sizeof(da->what), "%s", what);
	io.priv = da;
	ret = da->hops->create(&da->payload_hash, ctx->hash_engine);
	if (ret) {
		da->payload_hash = NULL;
		ret = sf_fail_errno(err, SF_R_FAILED, ret, "cannot start sha256");
	}
	ret = ret ?: reader_open(&da->rd, ctx, path, da->what, err);
	ret = ret ?: delta_dec_new(&da->dec, &io, img->data_size, &info, err);
	if (!ret && (info.source_size != img->delta.source_size || info.target_size != img->delta.target_size))
		ret = sf_fail(err, SF_R_MALFORMED,
			      "image '%s' (%s): the delta makes %llu bytes from %llu, its signed description says %llu from %llu",
			      img->node, img->component, (unsigned long long)info.target_size,
			      (unsigned long long)info.source_size, (unsigned long long)img->delta.target_size,
			      (unsigned long long)img->delta.source_size);
	if (ret) {
		delta_apply_free(da);
		return ret;
	}
	*out = da;
	return 0;
}

int delta_apply_fill(void *priv, void *buf, size_t len, struct sf_err *err)
{
	struct delta_apply *da = priv;

	return delta_dec_read(da->dec, buf, len, err);
}

int delta_apply_finish(struct delta_apply *da, const uint8_t digest[SHA256_LEN], struct sf_err *err)
{
	const struct fit_image *img = da->img;
	uint8_t payload[SHA256_LEN];
	int ret;

	ret = delta_dec_finish(da->dec, err);
	if (ret)
		return ret;
	ret = da->hops->final(da->payload_hash, payload);
	if (ret)
		return sf_fail_errno(err, SF_R_FAILED, ret, "sha256 of the delta of '%s'", img->node);
	if (memcmp(payload, img->sha256, SHA256_LEN))
		return sf_fail(err, SF_R_HASH_MISMATCH,
			       "image '%s' (%s): the payload (%llu bytes at offset %llu) does not match its signed sha256",
			       img->node, img->component, (unsigned long long)img->data_size,
			       (unsigned long long)img->data_offset);
	if (memcmp(digest, img->delta.target_sha256, SHA256_LEN))
		return sf_fail(err, SF_R_HASH_MISMATCH,
			       "image '%s' (%s): the %llu bytes the delta made do not match the signed target sha256",
			       img->node, img->component, (unsigned long long)img->delta.target_size);
	ret = reader_close(&da->rd);
	if (ret)
		return sf_fail_errno(err, SF_R_SLOT_IO, ret, "cannot close %s", da->what);
	return 0;
}

void delta_apply_free(struct delta_apply *da)
{
	if (!da)
		return;
	delta_dec_free(da->dec);
	(void)reader_close(&da->rd);
	if (da->payload_hash)
		da->hops->destroy(da->payload_hash);
	free(da);
}
