// SPDX-License-Identifier: MIT
#include "core/stream.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Four independent multiply-rotate lanes over 32-byte steps (fast on any
 * 64-bit CPU), folded and avalanched at the end. It detects storage errors;
 * it is not meant to resist an adversary (the SHA-256 is).
 */
uint64_t stream_sum(const void *data, size_t len)
{
	static const uint64_t m1 = 0x9e3779b97f4a7c15ull, m2 = 0xbf58476d1ce4e5b9ull, m3 = 0x94d049bb133111ebull;
	uint64_t lane[4] = { m1, m2, m3, m1 ^ m2 }, h;
	const uint8_t *p = data;
	size_t n = len;

	for (; n >= 32; n -= 32, p += 32)
		for (int j = 0; j < 4; j++)
			lane[j] = rotl(lane[j] + load64(p + 8 * j) * m2, 31) * m1;
	h = rotl(lane[0], 1) + rotl(lane[1], 7) + rotl(lane[2], 12) + rotl(lane[3], 18) + (uint64_t)len;
	for (; n; n--, p++)
		h = rotl(h ^ (*p * m3), 11) * m1;
	h ^= h >> 31;
	h *= m2;
	h ^= h >> 29;
	h *= m3;
	return h ^ (h >> 32);
}

struct buf {
	uint8_t *data;
	size_t len;
	int refs; /* stages still using it */
};

enum stage { ST_READ, ST_HASH, ST_WRITE, ST_VERIFY };

struct pipe {
	const struct stream_job *job;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf buf[STREAM_BUFFERS];
	uint64_t produced, hashed, written, verified;
	bool eof;
	int failed; /* first stage failure: -errno, or 1 for a mismatch */
	enum stage fail_stage;
	uint64_t fail_off;
	uint64_t *sums;
	uint8_t *vbuf; /* the verifier's own buffer */
};

static void fail(struct pipe *p, enum stage st, int ret, uint64_t idx)
{
	if (p->failed)
		return;
	p->failed = ret;
	p->fail_stage = st;
	p->fail_off = idx * p->job->chunk;
}

/* Wait for chunk @*next of the hasher or writer; NULL at the end or after a failure. */
static struct buf *stage_next(struct pipe *p, uint64_t *next)
{
	struct buf *b = NULL;

	pthread_mutex_lock(&p->mu);
	while (!p->failed && *next == p->produced && !p->eof)
		pthread_cond_wait(&p->cv, &p->mu);
	if (!p->failed && *next < p->produced)
		b = &p->buf[*next % STREAM_BUFFERS];
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void stage_done(struct pipe *p, struct buf *b, uint64_t *next, int ret, enum stage st)
{
	pthread_mutex_lock(&p->mu);
	if (ret)
		fail(p, st, ret, *next);
	b->refs--;
	(*next)++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void *hasher(void *arg)
{
	struct pipe *p = arg;
	struct buf *b;

	while ((b = stage_next(p, &p->hashed)))
		stage_done(p, b, &p->hashed, p->job->hops->update(p->job->hash, b->data, b->len), ST_HASH);
	return NULL;
}

static void *writer(void *arg)
{
	struct pipe *p = arg;
	const struct stream_job *job = p->job;
	struct buf *b;

	while ((b = stage_next(p, &p->written))) {
		uint64_t idx = p->written;
		int ret = job->ops->write(job->wh, b->data, b->len, idx * job->chunk);

		p->sums[idx] = stream_sum(b->data, b->len);
		stage_done(p, b, &p->written, ret, ST_WRITE);
	}
	return NULL;
}

/* Follow the writer: each written chunk to the device, read back, compared. */
static void *verifier(void *arg)
{
	struct pipe *p = arg;
	const struct stream_job *job = p->job;

	for (;;) {
		uint64_t idx, off;
		size_t n;
		int ret;

		pthread_mutex_lock(&p->mu);
		while (!p->failed && p->verified == p->written && !(p->eof && p->written == p->produced))
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->failed || p->verified == p->written) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		idx = p->verified;
		pthread_mutex_unlock(&p->mu);

		off = idx * job->chunk;
		n = job->size - off < job->chunk ? (size_t)(job->size - off) : job->chunk;
		ret = job->ops->flush ? job->ops->flush(job->wh, off, n) : 0;
		ret = ret ?: job->ops->read(job->rh, p->vbuf, n, off);
		if (!ret && stream_sum(p->vbuf, n) != p->sums[idx])
			ret = 1;

		pthread_mutex_lock(&p->mu);
		if (ret)
			fail(p, ST_VERIFY, ret, idx);
		p->verified++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

/* Read the stream into free buffers until the image is in or a stage failed. */
static int produce(struct pipe *p, struct sf_err *err)
{
	const struct stream_job *job = p->job;
	uint64_t off = 0, verified;
	int ret = 0;

	while (off < job->size) {
		struct buf *b = &p->buf[p->produced % STREAM_BUFFERS];
		size_t n = job->size - off < job->chunk ? (size_t)(job->size - off) : job->chunk;

		pthread_mutex_lock(&p->mu);
		while (b->refs && !p->failed)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		if (p->failed)
			break;
		if (job->stop && *job->stop) {
			ret = sf_fail(err, SF_R_INTERRUPTED, "stopped by a signal while writing %s, at byte %llu",
				      job->what, (unsigned long long)off);
			break;
		}
		ret = job->fill ? job->fill(job->fill_priv, b->data, n, err) : src_read(job->src, b->data, n, err);
		if (ret)
			break;
		off += n;
		pthread_mutex_lock(&p->mu);
		b->len = n;
		b->refs = 2;
		p->produced++;
		verified = p->verified * job->chunk;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (job->progress)
			job->progress(job->priv, off, verified < job->size ? verified : job->size);
	}
	pthread_mutex_lock(&p->mu);
	p->eof = true;
	if (ret)
		fail(p, ST_READ, -ECANCELED, p->produced); /* the reader's own error is in @err */
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return ret;
}

static int report(const struct pipe *p, struct sf_err *err)
{
	const char *what = p->job->what;
	unsigned long long off = (unsigned long long)p->fail_off;

	switch (p->fail_stage) {
	case ST_HASH:
		return sf_fail_errno(err, SF_EIO, p->failed, "sha256 of %s", what);
	case ST_WRITE:
		return sf_fail_errno(err, SF_EIO, p->failed, "cannot write %s at byte %llu", what, off);
	case ST_VERIFY:
		if (p->failed > 0)
			return sf_fail(err, SF_EIO, "%s does not read back what was written (chunk at byte %llu)", what,
				       off);
		return sf_fail_errno(err, SF_EIO, p->failed, "cannot read back %s at byte %llu", what, off);
	default:
		return sf_fail(err, SF_EFAIL, "%s: pipeline stopped", what);
	}
}

int stream_copy(const struct stream_job *job, uint8_t digest[SHA256_LEN], struct sf_err *err)
{
	static void *(*const stages[])(void *) = { hasher, writer, verifier };
	struct pipe p = { .job = job };
	pthread_t th[3];
	sigset_t all, old;
	unsigned int started = 0;
	uint64_t chunks = (job->size + job->chunk - 1) / job->chunk;
	int ret = 0;

	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	p.sums = calloc(chunks + 1, sizeof(*p.sums));
	if (!p.sums || posix_memalign((void **)&p.vbuf, SLOT_IO_ALIGN, job->chunk))
		ret = sf_fail(err, SF_EFAIL, "cannot allocate the checksums of %s", job->what);
	for (int i = 0; i < STREAM_BUFFERS && !ret; i++)
		if (posix_memalign((void **)&p.buf[i].data, SLOT_IO_ALIGN, job->chunk))
			ret = sf_fail(err, SF_EFAIL, "cannot allocate %d buffers of %zu bytes", STREAM_BUFFERS,
				      job->chunk);
	/* the workers block every signal: a signal interrupts this thread's reads */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (; !ret && started < 3; started++) {
		if (pthread_create(&th[started], NULL, stages[started], &p)) {
			ret = sf_fail(err, SF_EFAIL, "cannot start a thread for %s", job->what);
			pthread_mutex_lock(&p.mu);
			fail(&p, ST_READ, -EAGAIN, 0);
			pthread_cond_broadcast(&p.cv);
			pthread_mutex_unlock(&p.mu);
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ret)
		ret = produce(&p, err);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (!ret && p.failed)
		ret = report(&p, err);
	if (!ret && job->progress)
		job->progress(job->priv, job->size, job->size);
	if (!ret && job->hops->final(job->hash, digest))
		ret = sf_fail(err, SF_EIO, "sha256 of %s failed", job->what);
	for (int i = 0; i < STREAM_BUFFERS; i++)
		free(p.buf[i].data);
	free(p.vbuf);
	free(p.sums);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return ret;
}
