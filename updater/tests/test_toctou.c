// SPDX-License-Identifier: MIT
/*
 * Time of check, time of use: the bundle's bytes change after its header was
 * verified — on disk under the open file, at every point of the install, and
 * in a pipe that sends another payload than the one signed. Whatever changes,
 * a slot that ends up armed holds exactly the bytes whose SHA-256 the verified
 * header signs, and a change that reaches the bytes written is refused with
 * nothing armed and only store (1) made (DESIGN §5, §7).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fit/fit.h"
#include "fit/keyring.h"
#include "sf_kconfig.h"
#include "support/simboard.h"
#include "tap.h"

enum when {
	AT_VERIFY,	/* the header was read, before it is verified */
	AT_FIRST_CHUNK, /* the first chunk of the payload was read */
	AT_LAST_CHUNK,	/* every chunk was read, before store (2) */
	AT_ARM,		/* written, synced and read back, before store (2) */
};

static const char *const when_name[] = { "after the header was read", "after the first chunk was read",
					 "after the last chunk was read", "before the trial is armed" };

struct tamper {
	int fd;		  /* the bundle file, opened a second time for writing */
	enum when when;
	uint64_t off;	  /* where to write */
	const uint8_t *bytes;
	size_t len;
	bool done;
};

static char tmp[64], good[128], other[128], patch[128];
static struct keyring *keys;

static void on_progress(void *priv, const struct sf_progress *p)
{
	struct tamper *t = priv;
	bool now = false;

	if (t->done)
		return;
	switch (t->when) {
	case AT_VERIFY:
		now = !strcmp(p->phase, "verify") && p->event == SF_PROGRESS_END;
		break;
	case AT_FIRST_CHUNK:
		now = !strcmp(p->phase, "write") && p->done > 0;
		break;
	case AT_LAST_CHUNK:
		now = !strcmp(p->phase, "write") && p->done == p->total;
		break;
	case AT_ARM:
		now = !strcmp(p->phase, "arm");
		break;
	}
	if (!now)
		return;
	if (pwrite(t->fd, t->bytes, t->len, (off_t)t->off) != (ssize_t)t->len)
		abort();
	t->done = true;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(1 << 20);

	if (!f || !buf)
		abort();
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* The signed facts of a bundle file, as the installer will verify them. */
static void facts(const uint8_t *buf, size_t len, struct fit_bundle *b)
{
	struct sf_err err;
	size_t hs;

	if (fit_header_size(buf, len, &hs, &err) || fit_verify(buf, hs, len, keys, b, &err))
		abort();
}

/* Armed slots hold exactly the signed bytes; a refusal armed nothing and stored only (1). */
static void judge(struct simboard *b, int ret, const struct sf_err *err, const struct fit_bundle *signed_b,
		  bool want_ok, const char *what)
{
	struct sf_session s;
	struct sf_err e;
	int i = sysconf_find(&b->sys, "webkit");
	const struct comp_state *c;
	uint8_t digest[SHA256_LEN];

	if (sf_load(&b->ctx, &s, &e))
		abort();
	c = &s.st.c[i];
	if (c->trial != SLOT_NONE) {
		const struct fake_dev *d = fake_slots_find(&b->slots, b->sys.c[i].slot[c->trial]);

		ok(!sha256_buf(d->durable, signed_b->image[0].data_size, digest) &&
			   !memcmp(digest, signed_b->image[0].sha256, SHA256_LEN) &&
			   !strcmp(c->slot[c->trial].version, signed_b->image[0].version) &&
			   c->slot[c->trial].sv == signed_b->image[0].security_version,
		   "%s: the armed slot holds exactly the signed image, recorded with the signed metadata", what);
	}
	if (want_ok) {
		ok(!ret && c->trial == SLOT_B && b->env.stores == 2, "%s: installed (%s)", what, err->msg);
	} else {
		ok(ret == -SF_EVERIFY && strstr(err->msg, "does not match its signed sha256") &&
			   c->trial == SLOT_NONE && !c->slot[SLOT_B].version[0] && b->env.stores == 1,
		   "%s: refused, nothing armed, only store (1) (%s)", what, err->msg);
	}
}

/* Install @good while @t changes the file under the installer. */
static void file_case(struct tamper *t, bool want_ok, const char *what)
{
	static struct simboard b;
	struct fit_bundle *signed_b = calloc(1, sizeof(*signed_b));
	char copy[160], full[256];
	size_t len;
	uint8_t *buf = read_file(good, &len);
	struct sf_err err = { 0 };
	FILE *f;
	int ret;

	/* a fresh copy: the tamperer writes into it */
	snprintf(copy, sizeof(copy), "%s/victim.fit", tmp);
	f = fopen(copy, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		abort();
	facts(buf, len, signed_b);
	t->fd = open(copy, O_WRONLY);
	if (t->fd < 0)
		abort();
	simboard_init(&b, keys);
	if (sf_init(&b.ctx, NULL, 0, &err))
		abort();
	b.env.stores = 0;
	b.ctx.progress = on_progress;
	b.ctx.progress_priv = t;
	ret = sim_install(&b, copy, &err);
	snprintf(full, sizeof(full), "%s %s", what, when_name[t->when]);
	ok(t->done, "%s: the file was changed", full);
	judge(&b, ret, &err, signed_b, want_ok, full);
	close(t->fd);
	simboard_free(&b);
	free(signed_b);
	free(buf);
}

struct pipe_feed {
	int fd;
	const uint8_t *head, *tail;
	size_t head_len, tail_len;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool verified;
};

/* Sends the genuine header, waits until the installer verified it, then sends other bytes. */
static void *feed(void *arg)
{
	struct pipe_feed *p = arg;

	if (write(p->fd, p->head, p->head_len) != (ssize_t)p->head_len)
		goto out;
	pthread_mutex_lock(&p->mu);
	while (!p->verified)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	for (size_t off = 0; off < p->tail_len;) {
		ssize_t n = write(p->fd, p->tail + off, p->tail_len - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
out:
	close(p->fd);
	return NULL;
}

static void release(struct pipe_feed *p)
{
	pthread_mutex_lock(&p->mu);
	p->verified = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* The board's environment, which lets the feeder go on once store (1) is made: the header was verified. */
struct env_tap {
	struct fake_env *env;
	struct pipe_feed *feed;
};

static int tap_load(void *priv, struct kv *out, enum env_state *state)
{
	struct env_tap *t = priv;

	return fake_env_ops.load(t->env, out, state);
}

static int tap_space(void *priv, const struct kv *vars, size_t *need, size_t *avail)
{
	struct env_tap *t = priv;

	return fake_env_ops.space(t->env, vars, need, avail);
}

static int tap_store(void *priv, const struct kv *vars)
{
	struct env_tap *t = priv;
	int ret = fake_env_ops.store(t->env, vars);

	release(t->feed);
	return ret;
}

static const struct env_ops tap_env_ops = { .load = tap_load, .store = tap_store, .space = tap_space };

/*
 * A pipe: the header of @good, then, once the installer has checked it, the
 * rest of @from (another validly signed bundle of the same layout).
 */
static void pipe_case(const char *from, bool want_ok, const char *what)
{
	static struct simboard b;
	struct fit_bundle *signed_b = calloc(1, sizeof(*signed_b));
	struct pipe_feed p = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
	struct env_tap tap = { .feed = &p };
	size_t glen, flen, hs;
	uint8_t *g = read_file(good, &glen), *f = read_file(from, &flen);
	struct sf_err err = { 0 };
	struct src src;
	pthread_t th;
	int fds[2], ret;

	facts(g, glen, signed_b);
	hs = (size_t)signed_b->header_size;
	/* the header and the padding behind it; the rest only after store (1) */
	p.head = g;
	p.head_len = 4096;
	p.tail = f + 4096;
	p.tail_len = flen - 4096;
	if (hs > 4096 || pipe(fds))
		abort();
	p.fd = fds[1];
	simboard_init(&b, keys);
	if (sf_init(&b.ctx, NULL, 0, &err))
		abort();
	b.env.stores = 0;
	tap.env = &b.env;
	b.ctx.env = &tap_env_ops;
	b.ctx.env_priv = &tap;
	if (pthread_create(&th, NULL, feed, &p) || src_open_fd(&src, fds[0], "standard input", &err))
		abort();
	ret = sf_install(&b.ctx, &src, NULL, NULL, &err);
	/* a refusal before store (1) would leave the feeder waiting */
	release(&p);
	close(fds[0]);
	pthread_join(th, NULL);
	b.ctx.env = &fake_env_ops;
	b.ctx.env_priv = &b.env;
	judge(&b, ret, &err, signed_b, want_ok, what);
	simboard_free(&b);
	free(signed_b);
	free(g);
	free(f);
}

int main(void)
{
	static const struct sim_spec good_spec = { .comp = "webkit", .version = "26.4", .sv = 6 };
	static const struct sim_spec other_spec = { .comp = "webkit", .version = "26.5", .sv = 7 };
	static const struct sim_spec patch_spec = { .comp = "webkit", .version = "26.4 (a)", .sv = 8,
						    .base = "26.4" };
	struct fit_bundle *gb = calloc(1, sizeof(*gb)), *ob = calloc(1, sizeof(*ob));
	uint8_t flip[64], *obuf;
	size_t olen, glen;
	uint8_t *gbuf;
	uint64_t data;

	if (!IS_ENABLED(CONFIG_SIG_RSA)) {
		tap_diag("skipped: the simulated board signs with RSA (CONFIG_SIG_RSA)");
		return tap_done();
	}
	signal(SIGPIPE, SIG_IGN);
	tap_tmpdir(tmp, "toctou");
	keys = sim_setup(tmp);
	snprintf(good, sizeof(good), "%s/good.fit", tmp);
	snprintf(other, sizeof(other), "%s/other.fit", tmp);
	snprintf(patch, sizeof(patch), "%s/patch.fit", tmp);
	sim_bundle(tmp, good, &good_spec, 1);
	sim_bundle(tmp, other, &other_spec, 1);
	sim_bundle(tmp, patch, &patch_spec, 1);
	gbuf = read_file(good, &glen);
	obuf = read_file(other, &olen);
	facts(gbuf, glen, gb);
	facts(obuf, olen, ob);
	data = gb->image[0].data_offset;
	ok(glen == olen && data == ob->image[0].data_offset && gb->image[0].data_size == SIM_IMG_SIZE,
	   "two signed bundles of one layout, %u-byte images in %u-byte chunks", SIM_IMG_SIZE, SIM_CHUNK);

	/* payload bytes changed on disk: where the installer has not read yet, it is refused */
	for (enum when w = AT_VERIFY; w <= AT_ARM; w++) {
		for (unsigned int i = 0; i < sizeof(flip); i++)
			flip[i] = gbuf[data + SIM_IMG_SIZE - sizeof(flip) + i] ^ 0xa5;
		struct tamper t = { .when = w, .off = data + SIM_IMG_SIZE - sizeof(flip), .bytes = flip,
				    .len = sizeof(flip) };

		file_case(&t, w >= AT_LAST_CHUNK, "last payload bytes changed");
	}
	/* bytes already read and hashed: changing them on disk changes nothing */
	for (unsigned int i = 0; i < sizeof(flip); i++)
		flip[i] = gbuf[data + i] ^ 0x5a;
	{
		struct tamper t = { .when = AT_FIRST_CHUNK, .off = data, .bytes = flip, .len = sizeof(flip) };

		file_case(&t, true, "first payload bytes changed");
	}
	/* the header changed on disk after it was read: the verified copy in memory rules */
	{
		uint8_t big[4096];
		struct tamper t = { .when = AT_VERIFY, .off = 0, .bytes = big, .len = gb->header_size };

		memcpy(big, obuf, sizeof(big));
		file_case(&t, true, "header replaced by another signed bundle's");
	}
	/* the whole bundle swapped for another validly signed one of the same size */
	{
		struct tamper t = { .when = AT_VERIFY, .off = 0, .bytes = obuf, .len = olen };

		file_case(&t, false, "whole file swapped for another signed bundle");
	}
	{
		struct tamper t = { .when = AT_VERIFY, .off = data, .bytes = obuf + data, .len = SIM_IMG_SIZE };

		file_case(&t, false, "payload swapped for another signed bundle's");
	}

	/* a pipe: the verified header of one bundle, then the payload of another */
	pipe_case(good, true, "pipe carrying the signed payload");
	pipe_case(other, false, "pipe switching to another signed bundle's payload after the header");
	pipe_case(patch, false, "pipe switching to a signed patch's payload after the header");

	free(gbuf);
	free(obuf);
	free(gb);
	free(ob);
	keyring_free(keys);
	tap_rmtree(tmp);
	return tap_done();
}
