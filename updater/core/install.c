// SPDX-License-Identifier: MIT
/*
 * The install pipeline (DESIGN §7). The order of the durable steps is the point
 * of this file: nothing is written before the header, every signature, the
 * policy, the environment's room for every state the install may leave and the
 * target slots' writability are checked; store (1) marks the targets empty
 * before their first byte changes; store (2), the last write, arms them only
 * after every image was written, read back from the device, matched its signed
 * hash and was synced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bundle.h"
#include "core/core.h"
#include "core/delta_apply.h"
#include "core/stream.h"
#include "plan/plan.h"

#define CHUNK ((size_t)CONFIG_IO_CHUNK_KIB * 1024)

struct install {
	const struct sf_ctx *ctx;
	const struct sf_install_opts *opts;
	struct src *src;
	struct sf_err *err;
	struct sf_session sess;
	struct fit_bundle bundle;
	struct plan plan;
	uint64_t slot_size[CONFIG_MAX_COMPONENTS][2];
	void *header;
	struct sha256 *hash;
	size_t chunk;
	const char *cur_comp;
	uint64_t cur_size;
	const struct sha256_ops *hops;
	bool reboot[CONFIG_MAX_COMPONENTS];
	struct timespec started;
	void *wh[CONFIG_MAX_BUNDLE_IMAGES];
	void *rh[CONFIG_MAX_BUNDLE_IMAGES];
	char what[CONFIG_MAX_BUNDLE_IMAGES][SYSCONF_PATH_MAX + 64];
};

static void report(struct install *in, const char *phase, const char *comp, enum sf_progress_event ev, uint64_t done,
		   uint64_t total)
{
	struct sf_progress p = { .phase = phase, .component = comp, .event = ev, .done = done, .total = total };

	if (in->ctx->progress)
		in->ctx->progress(in->ctx->progress_priv, &p);
}

static int read_header(struct install *in)
{
	size_t size;
	int ret;

	report(in, "verify", NULL, SF_PROGRESS_START, 0, 0);
	ret = bundle_read_header(in->src, &in->header, &size, in->err);
	if (ret)
		return ret;
	ret = fit_verify(in->header, size, in->src->size, in->ctx->keys, &in->bundle, in->err);
	if (!ret)
		report(in, "verify", NULL, SF_PROGRESS_END, size, size);
	return ret;
}

static int measure_slots(struct install *in)
{
	const struct sysconf *sys = in->ctx->sys;
	int ret;

	for (unsigned int k = 0; k < in->bundle.n_images; k++) {
		/* one index for a component: the state's, which is the system description's */
		int i = state_find(&in->sess.st, in->bundle.image[k].component);

		if (i < 0)
			continue; /* the planner refuses it with a clear message */
		for (int s = SLOT_A; s <= SLOT_B; s++) {
			ret = in->ctx->slot->size(in->ctx->slot_priv, sys->c[i].slot[s], &in->slot_size[i][s]);
			if (ret)
				return sf_fail_errno(in->err, SF_R_SLOT_IO, ret, "slot %s of %s (%s)", slot_name(s),
						     sys->c[i].name, sys->c[i].slot[s]);
		}
	}
	return 0;
}

/* Plan items in the order their data appears in the bundle (a stream only goes forward). */
static void sort_by_offset(struct install *in)
{
	unsigned int order[CONFIG_MAX_BUNDLE_IMAGES];
	struct plan sorted = { .n = 0 };

	bundle_data_order(&in->bundle, order);
	for (unsigned int j = 0; j < in->bundle.n_images; j++)
		for (unsigned int k = 0; k < in->plan.n; k++)
			if (in->plan.item[k].image == order[j])
				sorted.item[sorted.n++] = in->plan.item[k];
	in->plan = sorted;
}

static void on_write(void *priv, uint64_t written, uint64_t verified)
{
	struct install *in = priv;

	report(in, "write", in->cur_comp, SF_PROGRESS_STEP, written, in->cur_size);
	report(in, "readback", in->cur_comp, SF_PROGRESS_STEP, verified, in->cur_size);
}

/* A slot cannot be opened: permission or I/O. */
static int open_failed(struct install *in, int ret, const char *how, const char *what)
{
	return sf_fail_errno(in->err, sf_errno_reason(ret, SF_R_SLOT_IO), ret, "cannot open %s %s", what, how);
}

/* Open every target slot for writing and for the read-back, before store (1). */
static int open_targets(struct install *in)
{
	int ret;

	for (unsigned int k = 0; k < in->plan.n; k++) {
		const struct plan_item *it = &in->plan.item[k];
		const struct sysconf_comp *sc = &in->ctx->sys->c[it->comp];
		const char *path = sc->slot[it->slot];

		snprintf(in->what[k], sizeof(in->what[k]), "slot %s of %s (%s)", slot_name(it->slot), sc->name, path);
		ret = in->ctx->slot->open(in->ctx->slot_priv, path, SLOT_WRITE, &in->wh[k]);
		if (ret) {
			in->wh[k] = NULL;
			return open_failed(in, ret, "for writing; nothing was written", in->what[k]);
		}
		ret = in->ctx->slot->open(in->ctx->slot_priv, path, SLOT_READ, &in->rh[k]);
		if (ret) {
			in->rh[k] = NULL;
			return open_failed(in, ret, "to read it back; nothing was written", in->what[k]);
		}
	}
	return 0;
}

/* Close what open_targets() opened; the first error (a deferred write error) when none came before. */
static int close_targets(struct install *in, int ret)
{
	for (unsigned int k = 0; k < in->plan.n; k++) {
		int cret = 0;

		if (in->rh[k])
			cret = in->ctx->slot->close(in->rh[k]);
		if (in->wh[k])
			cret = in->ctx->slot->close(in->wh[k]) ?: cret;
		in->rh[k] = in->wh[k] = NULL;
		if (!ret && cret)
			ret = sf_fail_errno(in->err, SF_R_SLOT_IO, cret, "cannot close %s", in->what[k]);
	}
	return ret;
}

/* A delta image: the pipeline pulls its target from the decoder (core/delta_apply.h). */
static int start_delta(struct install *in, const struct plan_item *it, struct stream_job *job,
		       struct delta_apply **da)
{
	const struct sysconf_comp *sc = &in->ctx->sys->c[it->comp];
	int active = in->sess.st.c[it->comp].active;
	char what[SYSCONF_PATH_MAX + 64];
	int ret;

	snprintf(what, sizeof(what), "active slot %s of %s (%s)", slot_name(active), sc->name, sc->slot[active]);
	ret = delta_apply_start(in->ctx, &in->bundle.image[it->image], sc->slot[active], what, in->src, da, in->err);
	job->fill = delta_apply_fill;
	job->fill_priv = *da;
	/* the decoder is the bottleneck, not the chunk size: its memory comes from the pipeline's */
	if (job->chunk > DELTA_APPLY_CHUNK)
		job->chunk = DELTA_APPLY_CHUNK;
	return ret;
}

/*
 * Stream image @k into its slot, hashing exactly the bytes written and reading
 * them back as they reach the device, then sync.
 */
static int write_image(struct install *in, unsigned int k)
{
	const struct plan_item *it = &in->plan.item[k];
	const struct fit_image *img = &in->bundle.image[it->image];
	struct stream_job job = { .src = in->src, .size = fit_image_size(img), .chunk = in->chunk,
				  .ops = in->ctx->slot, .wh = in->wh[k], .rh = in->rh[k], .hops = in->hops,
				  .hash = in->hash, .what = in->what[k], .progress = on_write, .priv = in,
				  .stop = in->ctx->stop };
	struct delta_apply *da = NULL;
	uint8_t digest[SHA256_LEN];
	int ret;

	in->cur_comp = in->ctx->sys->c[it->comp].name;
	in->cur_size = job.size;
	ret = src_skip_to(in->src, img->data_offset, in->err);
	if (!ret && img->delta.format[0])
		ret = start_delta(in, it, &job, &da);
	report(in, "write", in->cur_comp, SF_PROGRESS_START, 0, job.size);
	report(in, "readback", in->cur_comp, SF_PROGRESS_START, 0, job.size);
	ret = ret ?: stream_copy(&job, digest, in->err);
	if (!ret) {
		report(in, "write", in->cur_comp, SF_PROGRESS_END, job.size, job.size);
		report(in, "readback", in->cur_comp, SF_PROGRESS_END, job.size, job.size);
	}
	if (!ret && da)
		ret = delta_apply_finish(da, digest, in->err);
	else if (!ret && memcmp(digest, img->sha256, SHA256_LEN))
		ret = sf_fail(in->err, SF_R_HASH_MISMATCH,
			      "image '%s' (%s): the payload (%llu bytes at offset %llu) does not match its signed sha256",
			      img->node, img->component, (unsigned long long)img->data_size,
			      (unsigned long long)img->data_offset);
	delta_apply_free(da);
	if (!ret) {
		report(in, "sync", in->cur_comp, SF_PROGRESS_START, 0, job.size);
		ret = job.ops->sync(job.wh);
		if (ret)
			ret = sf_fail_errno(in->err, SF_R_SLOT_IO, ret, "cannot sync %s", in->what[k]);
		else
			report(in, "sync", in->cur_comp, SF_PROGRESS_END, job.size, job.size);
	}
	return ret;
}

/*
 * The states the install may leave: after store (2), and after the new set
 * falls back with the longest failure record. Both must fit the environment
 * before store (1), or a later fallback could not be stored.
 */
static int check_room(struct install *in)
{
	struct sys_state *st = malloc(2 * sizeof(*st));
	const struct sys_state *states[2];
	char detail[STATE_TEXT_MAX];
	int ret;

	if (!st)
		return sf_fail(in->err, SF_R_NO_MEMORY, "out of memory");
	st[0] = in->sess.st;
	plan_apply_invalidate(&st[0], &in->plan);
	plan_apply_arm(&st[0], &in->plan, &in->bundle, in->ctx->sys->max_tries);
	st[1] = st[0];
	memset(detail, 'x', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	for (unsigned int k = 0; k < in->plan.n; k++)
		state_fallback(&st[1].c[in->plan.item[k].comp], SF_R_HEALTH, detail);
	states[0] = &st[0];
	states[1] = &st[1];
	ret = sf_env_fits(in->ctx, &in->sess, states, 2, in->err);
	free(st);
	return ret;
}

/* A test release's record: armed now, after an install of so many milliseconds. */
static void record_test(struct install *in, struct sys_state *next)
{
	struct timespec now;
	uint32_t ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (uint32_t)((now.tv_sec - in->started.tv_sec) * 1000 + (now.tv_nsec - in->started.tv_nsec) / 1000000);
	for (unsigned int k = 0; k < in->plan.n; k++) {
		const struct fit_image *img = &in->bundle.image[in->plan.item[k].image];
		struct test_info *t = &next->c[in->plan.item[k].comp].test;

		memset(t, 0, sizeof(*t));
		snprintf(t->result, sizeof(t->result), "armed");
		snprintf(t->version, sizeof(t->version), "%s", img->version);
		t->when = (uint64_t)time(NULL);
		t->install_ms = ms;
	}
}

static int stopped(struct install *in, const char *when)
{
	return sf_fail(in->err, SF_R_INTERRUPTED, "stopped by a signal %s", when);
}

static int run(struct install *in)
{
	struct sys_state next;
	struct plan_input pin;
	int ret;

	ret = sf_load(in->ctx, &in->sess, in->err);
	ret = ret ?: read_header(in);
	ret = ret ?: measure_slots(in);
	if (ret)
		return ret;
	pin.board = in->ctx->sys->board;
	pin.st = &in->sess.st;
	pin.slot_size = (const uint64_t(*)[2])in->slot_size;
	pin.allow_removed = in->opts && in->opts->allow_removed;
	for (unsigned int i = 0; i < in->ctx->sys->n; i++)
		in->reboot[i] = in->ctx->sys->c[i].reboot;
	pin.reboot = in->reboot;
	ret = plan_install(&in->bundle, &pin, &in->plan, in->err);
	if (ret)
		return ret;
	sort_by_offset(in);
	ret = check_room(in);
	/* a delta applies only to the image it was made from: checked before anything is written */
	ret = ret ?: delta_apply_check_sources(in->ctx, &in->bundle, &in->plan, &in->sess.st, in->chunk, in->err);
	ret = ret ?: open_targets(in);
	if (ret)
		return ret;
	ret = in->hops->create(&in->hash, in->ctx->hash_engine);
	if (ret)
		return sf_fail_errno(in->err, SF_R_FAILED, ret, "cannot start sha256");
	if (sf_stopped(in->ctx))
		return stopped(in, "before anything was written");

	/* store (1): from here on the target slots hold nothing valid */
	next = in->sess.st;
	plan_apply_invalidate(&next, &in->plan);
	ret = sf_store(in->ctx, &in->sess, &next, in->err);
	if (ret)
		return ret;

	for (unsigned int k = 0; k < in->plan.n && !ret; k++)
		ret = write_image(in, k);
	ret = close_targets(in, ret);
	if (!ret && sf_stopped(in->ctx))
		ret = stopped(in, "before the new images were armed");
	if (ret)
		return ret;

	/* store (2): the last write of an install */
	report(in, "arm", NULL, SF_PROGRESS_START, 0, in->plan.n);
	next = in->sess.st;
	plan_apply_arm(&next, &in->plan, &in->bundle, in->ctx->sys->max_tries);
	if (in->bundle.test_release)
		record_test(in, &next);
	ret = sf_store(in->ctx, &in->sess, &next, in->err);
	if (!ret)
		report(in, "arm", NULL, SF_PROGRESS_END, in->plan.n, in->plan.n);
	return ret;
}

int sf_install(const struct sf_ctx *ctx, struct src *src, const struct sf_install_opts *opts,
	       struct sf_installed *out, struct sf_err *err)
{
	struct install *in;
	int ret;

	in = calloc(1, sizeof(*in));
	if (!in)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory");
	in->ctx = ctx;
	in->opts = opts;
	clock_gettime(CLOCK_MONOTONIC, &in->started);
	in->src = src;
	src->stop = ctx->stop;
	in->err = err;
	in->chunk = ctx->io_chunk ? ctx->io_chunk : CHUNK;
	in->hops = ctx->hash ? ctx->hash : &sha256_default_ops;
	ret = run(in);
	ret = close_targets(in, ret);
	if (!ret && out) {
		out->tries = ctx->sys->max_tries;
		out->bundle = in->bundle;
		for (unsigned int k = 0; k < in->plan.n; k++)
			out->slot[in->plan.item[k].image] = in->plan.item[k].slot;
	}
	if (in->hash)
		in->hops->destroy(in->hash);
	free(in->header);
	free(in);
	return ret;
}
