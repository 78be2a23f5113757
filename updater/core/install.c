// SPDX-License-Identifier: MIT
/*
 * The install pipeline (DESIGN §7). The order of the durable steps is the point
 * of this file: nothing is written before the header, every signature and the
 * policy are checked; store (1) marks the targets empty before their first byte
 * changes; store (2), the last write, arms them only after every image was
 * written, read back from the device, matched its signed hash and was synced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bundle.h"
#include "core/core.h"
#include "core/stream.h"
#include "plan/plan.h"

#define CHUNK ((size_t)CONFIG_IO_CHUNK_KIB * 1024)

struct install {
	const struct sf_ctx *ctx;
	struct src *src;
	struct sf_err *err;
	struct sf_session sess;
	struct fit_bundle bundle;
	struct plan plan;
	uint64_t slot_size[CONFIG_MAX_COMPONENTS][2];
	void *header;
	struct sha256 *hash;
	size_t chunk;
	uint64_t total, done;
	const char *cur_comp;
	const struct sha256_ops *hops;
};

static void report(struct install *in, const char *phase, const char *comp, uint64_t done, uint64_t total)
{
	struct sf_progress p = { .phase = phase, .component = comp, .done = done, .total = total };

	if (in->ctx->progress)
		in->ctx->progress(in->ctx->progress_priv, &p);
}

static int read_header(struct install *in)
{
	size_t size;
	int ret;

	ret = bundle_read_header(in->src, &in->header, &size, in->err);
	if (ret)
		return ret;
	report(in, "verify", "", 0, 0);
	return fit_verify(in->header, size, in->src->size, in->ctx->keys, &in->bundle, in->err);
}

static int measure_slots(struct install *in)
{
	const struct sysconf *sys = in->ctx->sys;
	int ret;

	for (unsigned int k = 0; k < in->bundle.n_images; k++) {
		int i = sysconf_find(sys, in->bundle.image[k].component);

		if (i < 0)
			continue; /* the planner refuses it with a clear message */
		for (int s = SLOT_A; s <= SLOT_B; s++) {
			ret = in->ctx->slot->size(in->ctx->slot_priv, sys->c[i].slot[s], &in->slot_size[i][s]);
			if (ret)
				return sf_fail_errno(in->err, SF_EIO, ret, "slot %s of %s (%s)", slot_name(s),
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

static void on_write(void *priv, uint64_t done)
{
	struct install *in = priv;

	report(in, "write", in->cur_comp, in->done + done, in->total);
}

/*
 * Stream image @k into its slot, hashing exactly the bytes written and reading
 * them back as they reach the device, then sync.
 */
static int write_image(struct install *in, unsigned int k)
{
	const struct plan_item *it = &in->plan.item[k];
	const struct fit_image *img = &in->bundle.image[it->image];
	const struct sysconf_comp *sc = &in->ctx->sys->c[it->comp];
	const char *path = sc->slot[it->slot];
	struct stream_job job = { .src = in->src, .size = img->data_size, .chunk = in->chunk, .ops = in->ctx->slot,
				  .hops = in->hops, .hash = in->hash, .progress = on_write, .priv = in };
	char what[SYSCONF_PATH_MAX + 64];
	uint8_t digest[SHA256_LEN];
	int ret, cret;

	snprintf(what, sizeof(what), "slot %s of %s (%s)", slot_name(it->slot), sc->name, path);
	job.what = what;
	in->cur_comp = sc->name;
	ret = src_skip_to(in->src, img->data_offset, in->err);
	if (ret)
		return ret;
	ret = job.ops->open(in->ctx->slot_priv, path, SLOT_WRITE, &job.wh);
	if (ret)
		return sf_fail_errno(in->err, SF_EIO, ret, "cannot open %s", what);
	ret = job.ops->open(in->ctx->slot_priv, path, SLOT_READ, &job.rh);
	if (ret) {
		ret = sf_fail_errno(in->err, SF_EIO, ret, "cannot open %s to read it back", what);
		goto out;
	}
	ret = stream_copy(&job, digest, in->err);
	if (!ret && memcmp(digest, img->sha256, SHA256_LEN))
		ret = sf_fail(in->err, SF_EVERIFY,
			      "image '%s' (%s): the payload (%llu bytes at offset %llu) does not match its signed sha256",
			      img->node, img->component, (unsigned long long)img->data_size,
			      (unsigned long long)img->data_offset);
	if (!ret) {
		ret = job.ops->sync(job.wh);
		if (ret)
			ret = sf_fail_errno(in->err, SF_EIO, ret, "cannot sync %s", what);
	}
	cret = job.ops->close(job.rh);
	if (!ret && cret)
		ret = sf_fail_errno(in->err, SF_EIO, cret, "cannot close %s", what);
out:
	cret = job.ops->close(job.wh);
	if (!ret && cret)
		ret = sf_fail_errno(in->err, SF_EIO, cret, "cannot close %s", what);
	in->done += img->data_size;
	return ret;
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
	ret = plan_install(&in->bundle, &pin, &in->plan, in->err);
	if (ret)
		return ret;
	sort_by_offset(in);
	for (unsigned int k = 0; k < in->plan.n; k++)
		in->total += in->bundle.image[in->plan.item[k].image].data_size;

	ret = in->hops->create(&in->hash, in->ctx->hash_engine);
	if (ret)
		return sf_fail_errno(in->err, SF_EFAIL, ret, "cannot start sha256");

	/* store (1): from here on the target slots hold nothing valid */
	next = in->sess.st;
	plan_apply_invalidate(&next, &in->plan);
	ret = sf_store(in->ctx, &in->sess, &next, in->err);
	if (ret)
		return ret;

	for (unsigned int k = 0; k < in->plan.n && !ret; k++)
		ret = write_image(in, k);
	if (ret)
		return ret;

	/* store (2): the last write of an install */
	report(in, "arm", "", in->total, in->total);
	next = in->sess.st;
	plan_apply_arm(&next, &in->plan, &in->bundle, in->ctx->sys->max_tries);
	return sf_store(in->ctx, &in->sess, &next, in->err);
}

int sf_install(const struct sf_ctx *ctx, struct src *src, struct sf_installed *out, struct sf_err *err)
{
	struct install *in;
	int ret;

	in = calloc(1, sizeof(*in));
	if (!in)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "install");
	in->ctx = ctx;
	in->src = src;
	in->err = err;
	in->chunk = ctx->io_chunk ? ctx->io_chunk : CHUNK;
	in->hops = ctx->hash ? ctx->hash : &sha256_default_ops;
	ret = run(in);
	if (!ret && out) {
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
