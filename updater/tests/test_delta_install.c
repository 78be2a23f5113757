// SPDX-License-Identifier: MIT
/*
 * core/delta_apply.c in the install pipeline, on a simulated board: a delta
 * patch lands in the inactive slot while its source, the active slot, is
 * never opened for writing and keeps every byte; a delta for another image is
 * refused by policy (delta-source-mismatch) before anything durable happens.
 * Then delta_apply on its own: the payload must match its signed sha256, the
 * bytes made the signed target sha256, and the delta's header the signed
 * sizes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/bootcheck.h"
#include "core/delta_apply.h"
#include "delta/delta_enc.h"
#include "fit/keyring.h"
#include "support/simboard.h"
#include "tap.h"

static char tmp[64];
static struct keyring *keys;

/* The fake back-end, recording which paths are opened for writing. */
static char opened_w[16][64];
static unsigned int n_opened_w;

static int spy_open(void *priv, const char *path, enum slot_mode mode, void **h)
{
	if (mode == SLOT_WRITE && n_opened_w < 16)
		snprintf(opened_w[n_opened_w++], sizeof(opened_w[0]), "%s", path);
	return fake_slot_ops.open(priv, path, mode, h);
}

static struct slot_ops spy_ops;

static bool opened_for_writing(const char *path)
{
	for (unsigned int i = 0; i < n_opened_w; i++)
		if (!strcmp(opened_w[i], path))
			return true;
	return false;
}

static void prepare(struct simboard *b, const char *base_bundle)
{
	struct bc_report rep;
	struct sf_err err;

	simboard_init(b, keys);
	spy_ops = fake_slot_ops;
	spy_ops.open = spy_open;
	b->ctx.slot = &spy_ops;
	if (sf_init(&b->ctx, NULL, 0, &err) || sim_install(b, base_bundle, &err) ||
	    bootcheck_run(&b->ctx, NULL, 0, "", NULL, &rep, &err))
		abort();
}

static void test_install(const char *base, const char *delta, const char *stale)
{
	static struct simboard b;
	struct fake_dev *src, *dst;
	uint8_t *before_d, *before_v;
	struct sf_session s;
	struct sf_err err;
	int ret;

	prepare(&b, base);
	src = fake_slots_find(&b.slots, "/dev/webkit_b");
	dst = fake_slots_find(&b.slots, "/dev/webkit_a");
	ok(sim_holds(src, "webkit", "1"), "baseline 1 active in slot b");
	before_d = malloc(src->size);
	before_v = malloc(src->size);
	memcpy(before_d, src->durable, src->size);
	memcpy(before_v, src->volatile_, src->size);
	n_opened_w = 0;
	ret = sim_install(&b, delta, &err);
	ok(!ret, "delta patch 1 -> 1 (a) installed%s%s", ret ? ": " : "", ret ? err.msg : "");
	ok(sim_holds(dst, "webkit", "1 (a)"), "  slot a holds the patch, byte for byte");
	ok(opened_for_writing("/dev/webkit_a") && !opened_for_writing("/dev/webkit_b"),
	   "  the source slot b was never opened for writing (only slot a was)");
	ok(!memcmp(before_d, src->durable, src->size) && !memcmp(before_v, src->volatile_, src->size),
	   "  and holds every byte it held");
	ok(!sf_load(&b.ctx, &s, &err) && s.st.c[0].trial == SLOT_A && !strcmp(s.st.c[0].slot[SLOT_A].version, "1 (a)"),
	   "  armed in slot a as 1 (a)");
	free(before_d);
	free(before_v);
	simboard_free(&b);

	prepare(&b, base);
	memset(&b.power, 0, sizeof(b.power));
	memset(&err, 0, sizeof(err));
	ret = sim_install(&b, stale, &err);
	ok(ret == -SF_EPOLICY && err.reason == SF_R_SOURCE_MISMATCH, "a delta from 1 (a) on a board running 1: refused (%s)",
	   err.msg);
	ok(strstr(err.msg, "the active slot b of webkit (/dev/webkit_b) does not hold the image the delta of 'webkit-1' applies to") != NULL,
	   "  naming the slot and the image");
	is_int(b.power.ops, 0, "  before any durable operation");
	simboard_free(&b);
}

/* ---- delta_apply on its own ------------------------------------------------- */

struct rig {
	struct simboard b;
	struct fit_image img;
	uint8_t *payload;
	size_t n;
	char path[128];
};

static void rig_make(struct rig *r)
{
	const uint8_t *a = sim_image("webkit", "1"), *t = sim_image("webkit", "1 (b)");
	struct sf_err err;
	int fd;

	simboard_init(&r->b, keys);
	memcpy(fake_slots_find(&r->b.slots, "/dev/webkit_a")->volatile_, a, SIM_IMG_SIZE);
	if (delta_encode(a, SIM_IMG_SIZE, t, SIM_IMG_SIZE, NULL, &r->payload, &r->n, NULL, &err))
		abort();
	snprintf(r->path, sizeof(r->path), "%s/payload", tmp);
	fd = open(r->path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0 || write(fd, r->payload, r->n) != (ssize_t)r->n || close(fd))
		abort();
	memset(&r->img, 0, sizeof(r->img));
	strcpy(r->img.node, "webkit-1");
	strcpy(r->img.component, "webkit");
	r->img.data_size = r->n;
	strcpy(r->img.delta.format, "sfdelta-1");
	r->img.delta.source_size = SIM_IMG_SIZE;
	r->img.delta.target_size = SIM_IMG_SIZE;
	if (sha256_buf(r->payload, r->n, r->img.sha256) || sha256_buf(a, SIM_IMG_SIZE, r->img.delta.source_sha256) ||
	    sha256_buf(t, SIM_IMG_SIZE, r->img.delta.target_sha256))
		abort();
}

/* Start, pull the whole target, finish: the return value of the first failing step. */
static int rig_run(struct rig *r, struct sf_err *err)
{
	uint8_t *out = malloc(SIM_IMG_SIZE), digest[SHA256_LEN];
	struct delta_apply *da = NULL;
	struct src src;
	int ret;

	memset(err, 0, sizeof(*err));
	if (src_open(&src, r->path, err))
		abort();
	ret = delta_apply_start(&r->b.ctx, &r->img, "/dev/webkit_a", "active slot a of webkit", &src, &da, err);
	ret = ret ?: delta_apply_fill(da, out, SIM_IMG_SIZE, err);
	if (!ret && sha256_buf(out, SIM_IMG_SIZE, digest))
		abort();
	ret = ret ?: delta_apply_finish(da, digest, err);
	delta_apply_free(da);
	src_close(&src);
	free(out);
	return ret;
}

static void test_apply(void)
{
	static struct rig r;
	struct sf_err err;
	int ret;

	rig_make(&r);
	ret = rig_run(&r, &err);
	ok(!ret, "delta_apply: start, fill, finish%s%s", ret ? ": " : "", ret ? err.msg : "");

	r.img.delta.target_sha256[5] ^= 1;
	ret = rig_run(&r, &err);
	ok(ret == -SF_EVERIFY && err.reason == SF_R_HASH_MISMATCH && strstr(err.msg, "do not match the signed target sha256"),
	   "a target that does not match the signed target sha256 is refused (%s)", err.msg);
	r.img.delta.target_sha256[5] ^= 1;

	r.img.sha256[0] ^= 1;
	ret = rig_run(&r, &err);
	ok(ret == -SF_EVERIFY && err.reason == SF_R_HASH_MISMATCH && strstr(err.msg, "does not match its signed sha256"),
	   "a payload that does not match hash-1 is refused (%s)", err.msg);
	r.img.sha256[0] ^= 1;

	r.img.delta.target_size--;
	ret = rig_run(&r, &err);
	ok(ret == -SF_EVERIFY && strstr(err.msg, "its signed description says"),
	   "a delta whose header disagrees with the signed sizes is refused (%s)", err.msg);
	r.img.delta.target_size++;

	r.b.slots.fail_call = 3; /* size, open, then the first read */
	r.b.slots.calls = 0;
	r.b.slots.fail_errno = -EIO;
	ret = rig_run(&r, &err);
	ok(ret == -SF_EIO, "a read of the active slot that fails is an I/O error (%s)", err.msg);
	simboard_free(&r.b);
	free(r.payload);
}

int main(void)
{
	char base[128], delta[128], stale[128];
	struct sim_spec b = { "webkit", "1", 1, NULL, NULL, NULL }, d = { "webkit", "1 (a)", 1, "1", NULL, "1" },
			s = { "webkit", "1 (b)", 1, "1", NULL, "1 (a)" };

	tap_tmpdir(tmp, "delta-install");
	keys = sim_setup(tmp);
	snprintf(base, sizeof(base), "%s/base.fit", tmp);
	snprintf(delta, sizeof(delta), "%s/delta.fit", tmp);
	snprintf(stale, sizeof(stale), "%s/stale.fit", tmp);
	sim_bundle(tmp, base, &b, 1);
	sim_bundle(tmp, delta, &d, 1);
	sim_bundle(tmp, stale, &s, 1);
	test_install(base, delta, stale);
	test_apply();
	keyring_free(keys);
	tap_rmtree(tmp);
	return tap_done();
}
