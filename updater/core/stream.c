// SPDX-License-Identifier: MIT
#include "core/stream.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

uint64_t stream_chunks(const struct stream_job *job)
{
	return (job->size + job->chunk - 1) / job->chunk;
}

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

struct pipe {
	const struct stream_job *job;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf buf[STREAM_BUFFERS];
	uint64_t produced, hashed, written;
	bool eof;
	int failed;	   /* first stage failure: -errno */
	bool write_failed; /* it was the writer's */
	uint64_t fail_off;
	uint64_t *sums;
};

/* Wait for chunk @*next of a stage; NULL at the end or after a failure. */
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

static void stage_done(struct pipe *p, struct buf *b, uint64_t *next, int ret, bool writer)
{
	pthread_mutex_lock(&p->mu);
	if (ret && !p->failed) {
		p->failed = ret;
		p->write_failed = writer;
		p->fail_off = *next * p->job->chunk;
	}
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
		stage_done(p, b, &p->hashed, p->job->hops->update(p->job->hash, b->data, b->len), false);
	return NULL;
}

static void *writer(void *arg)
{
	struct pipe *p = arg;
	const struct stream_job *job = p->job;
	struct buf *b;

	while ((b = stage_next(p, &p->written))) {
		uint64_t idx = p->written;
		int ret = job->ops->write(job->h, b->data, b->len, idx * job->chunk);

		p->sums[idx] = stream_sum(b->data, b->len);
		stage_done(p, b, &p->written, ret, true);
	}
	return NULL;
}

/* Read the stream into free buffers until the image is in or a stage failed. */
static int produce(struct pipe *p, struct sf_err *err)
{
	const struct stream_job *job = p->job;
	uint64_t off = 0;
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
		ret = src_read(job->src, b->data, n, err);
		if (ret)
			break;
		off += n;
		pthread_mutex_lock(&p->mu);
		b->len = n;
		b->refs = 2;
		p->produced++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (job->progress)
			job->progress(job->priv, off);
	}
	pthread_mutex_lock(&p->mu);
	p->eof = true;
	if (ret && !p->failed)
		p->failed = -ECANCELED; /* the reader's own error is in @err */
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return ret;
}

int stream_write(const struct stream_job *job, uint8_t digest[SHA256_LEN], uint64_t *sums, struct sf_err *err)
{
	struct pipe p = { .job = job, .sums = sums };
	pthread_t th[2];
	int started = 0, ret;

	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	for (int i = 0; i < STREAM_BUFFERS; i++) {
		if (posix_memalign((void **)&p.buf[i].data, SLOT_IO_ALIGN, job->chunk)) {
			ret = sf_fail(err, SF_EFAIL, "cannot allocate %d buffers of %zu bytes", STREAM_BUFFERS,
				      job->chunk);
			goto out;
		}
	}
	if (pthread_create(&th[0], NULL, hasher, &p)) {
		ret = sf_fail(err, SF_EFAIL, "cannot start the hashing thread");
		goto out;
	}
	started++;
	if (pthread_create(&th[1], NULL, writer, &p)) {
		ret = sf_fail(err, SF_EFAIL, "cannot start the writing thread");
		pthread_mutex_lock(&p.mu);
		p.failed = -EAGAIN;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		goto join;
	}
	started++;
	ret = produce(&p, err);
join:
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (!ret && p.failed) {
		if (p.write_failed)
			ret = sf_fail_errno(err, SF_EIO, p.failed, "cannot write %s at byte %llu", job->what,
					    (unsigned long long)p.fail_off);
		else
			ret = sf_fail_errno(err, SF_EIO, p.failed, "sha256 of %s", job->what);
	}
	if (!ret && job->hops->final(job->hash, digest))
		ret = sf_fail(err, SF_EIO, "sha256 of %s failed", job->what);
out:
	for (int i = 0; i < STREAM_BUFFERS; i++)
		free(p.buf[i].data);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return ret;
}

int stream_readback(const struct stream_job *job, const uint64_t *sums, struct sf_err *err)
{
	uint64_t off = 0, idx = 0;
	void *buf;
	int ret = 0;

	if (posix_memalign(&buf, SLOT_IO_ALIGN, job->chunk))
		return sf_fail(err, SF_EFAIL, "cannot allocate a buffer of %zu bytes", job->chunk);
	for (; off < job->size && !ret; off += job->chunk, idx++) {
		size_t n = job->size - off < job->chunk ? (size_t)(job->size - off) : job->chunk;

		ret = job->ops->read(job->h, buf, n, off);
		if (ret)
			ret = sf_fail_errno(err, SF_EIO, ret, "cannot read back %s at byte %llu", job->what,
					    (unsigned long long)off);
		else if (stream_sum(buf, n) != sums[idx])
			ret = sf_fail(err, SF_EIO, "%s does not read back what was written (chunk at byte %llu)",
				      job->what, (unsigned long long)off);
		else if (job->progress)
			job->progress(job->priv, off + n);
	}
	free(buf);
	return ret;
}
