// SPDX-License-Identifier: MIT
/*
 * The adversarial corpus: every case that updater/tests/fixtures/adversarial.py
 * derives from genuine mkimage bundles is installed on a simulated board
 * (support/simboard.h) from a file, from a pipe or from an endless pipe, and
 * must be refused with its exit code and its reason code; refused before the
 * payload, with no environment store and no byte written to any slot; refused
 * while streaming, with only store (1) of DESIGN §5 and nothing armed. The
 * genuine bundles the cases come from must install, and every refusal's
 * message must be one line of its own.
 *
 * Then every prefix of each genuine bundle file, read as the installer reads
 * it (header size from the first bytes, the header, the prefix's length as the
 * bundle's size): each is refused, cut inside its header as no bundle (exit
 * 3), cut inside the data its verified header describes as an input that
 * ended early (exit 9: a download to retry, never a bundle to reject), and
 * none is read outside its bytes (this test runs under ASan in `make check`); every 512th prefix also
 * goes through the whole install on a board, which must not change a byte.
 *
 * Needs python3, mkimage and openssl (`scripts/deps.sh check`).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fit/keyring.h"
#include "sf_kconfig.h"
#include "support/simboard.h"
#include "tap.h"
#include "tests/support/files.h"
#include "tests/support/fitbuild.h"

#define MAX_CASES 128
#define MIN_REFUSALS 45

struct corpus_case {
	char name[64];
	char source[16];
	char policy[128];
	int exit;
	char phase[16];
	char reason[96]; /* "name" or "name|name" */
};

struct feeder {
	int fd;
	const uint8_t *data;
	size_t len;
	bool endless;
};

static char *dir;
static char seen[MAX_CASES][SF_ERR_MSG_MAX];
static unsigned int n_seen, dups;

/* Writes the case into the pipe; an endless one then writes zeros until the reader closes. */
static void *feed(void *arg)
{
	struct feeder *f = arg;
	static const uint8_t zeros[4096];
	size_t off = 0;

	while (off < f->len) {
		ssize_t n = write(f->fd, f->data + off, f->len - off);

		if (n <= 0)
			goto out;
		off += (size_t)n;
	}
	while (f->endless && write(f->fd, zeros, sizeof(zeros)) > 0)
		;
out:
	close(f->fd);
	return NULL;
}

/* "required=a,b;mode=all;revoked=c" */
static int apply_policy(struct keyring *kr, const char *text, struct sf_err *err)
{
	struct keyring_policy *p = calloc(1, sizeof(*p));
	char buf[128], *save = NULL, *item;
	int ret;

	snprintf(buf, sizeof(buf), "%s", text);
	for (item = strtok_r(buf, ";", &save); item && strcmp(text, "-"); item = strtok_r(NULL, ";", &save)) {
		char *val = strchr(item, '='), *s2 = NULL, *name;

		if (!val)
			abort();
		*val++ = '\0';
		if (!strcmp(item, "mode")) {
			p->mode = !strcmp(val, "any") ? KEYRING_MODE_ANY : KEYRING_MODE_ALL;
			continue;
		}
		for (name = strtok_r(val, ",", &s2); name; name = strtok_r(NULL, ",", &s2)) {
			if (!strcmp(item, "required"))
				snprintf(p->required[p->n_required++], KEYRING_NAME_MAX, "%s", name);
			else
				snprintf(p->revoked[p->n_revoked++], KEYRING_NAME_MAX, "%s", name);
		}
	}
	ret = keyring_set_policy(kr, p, err);
	free(p);
	return ret;
}

static int install(struct simboard *b, const struct corpus_case *c, const char *path, struct sf_installed *out,
		   struct sf_err *err)
{
	struct feeder f = { 0 };
	struct src src;
	pthread_t th;
	int fds[2], ret;

	if (!strcmp(c->source, "file")) {
		if (src_open(&src, path, err))
			abort();
		ret = sf_install(&b->ctx, &src, NULL, out, err);
		src_close(&src);
		return ret;
	}
	f.data = tf_read(path, &f.len);
	if (!f.data || pipe(fds))
		abort();
	f.fd = fds[1];
	f.endless = !strcmp(c->source, "endless");
	if (pthread_create(&th, NULL, feed, &f))
		abort();
	if (src_open_fd(&src, fds[0], "standard input", err))
		abort();
	ret = sf_install(&b->ctx, &src, NULL, out, err);
	/* the feeder sees EPIPE and stops */
	close(fds[0]);
	pthread_join(th, NULL);
	free((void *)f.data);
	return ret;
}

static bool slots_untouched(struct simboard *b)
{
	for (unsigned int i = 0; i < b->slots.n; i++) {
		const struct fake_dev *d = &b->slots.dev[i];

		for (size_t k = 0; k < d->size; k++)
			if (d->durable[k] || d->volatile_[k])
				return false;
	}
	return true;
}

/* Nothing armed, every component still active in a, the targets empty. */
static bool nothing_armed(struct simboard *b)
{
	struct sf_session s;
	struct sf_err err;

	if (sf_load(&b->ctx, &s, &err))
		return false;
	for (unsigned int i = 0; i < s.st.n; i++) {
		const struct comp_state *c = &s.st.c[i];

		if (c->trial != SLOT_NONE || c->active != SLOT_A || c->floor || c->slot[SLOT_A].version[0] ||
		    c->slot[SLOT_B].version[0])
			return false;
	}
	return true;
}

/* A genuine bundle: installed, armed, each target slot holding exactly the image's bytes. */
static void check_installed(struct simboard *b, const struct corpus_case *c, const char *path,
			    const struct sf_installed *out)
{
	size_t len = 0;
	uint8_t *file = tf_read(path, &len), digest[SHA256_LEN];
	const struct fit_bundle *fb = &out->bundle;
	struct sf_session s;
	struct sf_err err;
	bool same = file != NULL;

	is_int(b->env.stores, 2, "%s: two environment stores", c->name);
	ok(!sf_load(&b->ctx, &s, &err), "%s: environment reads back", c->name);
	for (unsigned int k = 0; same && k < fb->n_images; k++) {
		const struct fit_image *img = &fb->image[k];
		int i = sysconf_find(&b->sys, img->component);
		const struct fake_dev *d = fake_slots_find(&b->slots, b->sys.c[i].slot[out->slot[k]]);

		same = img->data_offset + img->data_size <= len &&
		       !memcmp(d->durable, file + img->data_offset, img->data_size) &&
		       !sha256_buf(d->durable, img->data_size, digest) && !memcmp(digest, img->sha256, SHA256_LEN) &&
		       s.st.c[i].trial == out->slot[k] && !strcmp(s.st.c[i].slot[out->slot[k]].version, img->version);
	}
	ok(same, "%s: every image armed, its slot holding the signed bytes", c->name);
	free(file);
}

/* Whether @reason is one of the "a|b" alternatives of @want. */
static bool reason_in(int reason, const char *want)
{
	const char *name = sf_reason_name(reason);
	size_t len = name ? strlen(name) : 0;

	for (const char *p = want; name && *p; p += strcspn(p, "|"), p += *p == '|')
		if (strcspn(p, "|") == len && !strncmp(p, name, len))
			return true;
	return false;
}

static void check_refused(struct simboard *b, const struct corpus_case *c, int ret, const struct sf_err *err)
{
	bool header = !strcmp(c->phase, "header");

	if (!ok(ret == -c->exit && reason_in(err->reason, c->reason) && sf_reason_cat(err->reason) == c->exit,
		"%s: refused with exit %d, %s", c->name, c->exit, c->reason))
		tap_diag("ret %d, reason %s: '%s'", ret, sf_reason_name(err->reason), err->msg);
	else
		tap_diag("  \"%s\"", err->msg);
	if (!strchr(err->msg, '\n') && n_seen < MAX_CASES) {
		for (unsigned int i = 0; i < n_seen; i++)
			if (!strcmp(seen[i], err->msg)) {
				dups++;
				ok(0, "%s: the message is its own (case %u says the same)", c->name, i);
			}
		snprintf(seen[n_seen++], SF_ERR_MSG_MAX, "%s", err->msg);
	}
	if (header) {
		ok(b->env.stores == 0 && b->slots.writes == 0 && slots_untouched(b),
		   "%s: refused before the payload: 0 environment stores, 0 slot writes (%u, %u)", c->name,
		   b->env.stores, b->slots.writes);
	} else {
		ok(b->env.stores == 1 && nothing_armed(b),
		   "%s: refused while streaming: only store (1), nothing armed (%u stores)", c->name, b->env.stores);
	}
}

/* The installer's view of @len bytes of a bundle file: 0 when it would go on to stream. */
static int parse_prefix(const uint8_t *buf, size_t len, const struct keyring *kr, struct fit_bundle *b,
			struct sf_err *err)
{
	uint8_t *p = malloc(len ? len : 1), *h;
	size_t hs = 0;
	int ret;

	/* exact copies: ASan sees each one's end */
	memcpy(p, buf, len);
	ret = fit_header_size(p, len, &hs, err);
	if (!ret && hs > len)
		ret = sf_fail(err, SF_R_MALFORMED, "header cut short");
	if (!ret) {
		h = malloc(hs);
		memcpy(h, p, hs);
		ret = fit_verify(h, hs, len, kr, b, err);
		free(h);
	}
	free(p);
	return ret;
}

/* What @l bytes of a genuine bundle of @len bytes are: no bundle, a header cut short, or a download cut short. */
static int prefix_reason(const uint8_t *buf, size_t len, size_t l)
{
	size_t hs = 0;
	struct sf_err err;

	if (l < FIT_PROBE_SIZE || fit_header_size(buf, len, &hs, &err))
		return SF_R_NOT_A_BUNDLE;
	return l < hs ? SF_R_MALFORMED : SF_R_INPUT_TRUNCATED;
}

static void every_prefix(struct keyring *kr, const char *name)
{
	static struct simboard b;
	struct fit_bundle *fb = calloc(1, sizeof(*fb));
	unsigned int wrong = 0, installs = 0;
	char path[600], part[640];
	struct sf_err err;
	size_t len = 0;
	uint8_t *buf;

	snprintf(path, sizeof(path), "%s/cases/%s.fit", dir, name);
	buf = tf_read(path, &len);
	if (!ok(buf && !parse_prefix(buf, len, kr, fb, &err), "%s: the whole file verifies", name))
		goto out;
	snprintf(part, sizeof(part), "%s/prefix", dir);
	for (size_t l = 0; l < len; l++) {
		/* no bundle before the header is whole; after it, a download to retry */
		int ret = parse_prefix(buf, l, kr, fb, &err), want = prefix_reason(buf, len, l);
		FILE *f;

		if ((ret != -sf_reason_cat(want) || err.reason != want) && wrong++ < 3)
			tap_diag("%s: prefix of %zu bytes: %d %s", name, l, ret, ret ? err.msg : "accepted");
		if (l % 512)
			continue;
		f = fopen(part, "wb");
		if (!f || fwrite(buf, 1, l, f) != l || fclose(f))
			abort();
		simboard_init(&b, kr);
		if (sf_init(&b.ctx, NULL, 0, &err))
			abort();
		b.env.stores = 0;
		installs++;
		ret = sim_install(&b, part, &err);
		if (ret != -sf_reason_cat(want) || err.reason != want || b.env.stores || b.slots.writes ||
		    !slots_untouched(&b)) {
			wrong++;
			tap_diag("%s: install of a %zu-byte prefix: %d '%s', %u stores, %u writes", name, l, ret, err.msg,
				 b.env.stores, b.slots.writes);
		}
		simboard_free(&b);
	}
	is_int(wrong, 0, "%s: every prefix refused, input-truncated once the header is whole (%u of them installed on "
	       "a board: nothing written)", name, installs);
out:
	free(buf);
	free(fb);
}

static int parse_line(char *line, struct corpus_case *c)
{
	char *field[6], *save = NULL;
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	for (char *t = strtok_r(line, "\t", &save); t && n < 6; t = strtok_r(NULL, "\t", &save))
		field[n++] = t;
	if (n < 5)
		return -1;
	snprintf(c->name, sizeof(c->name), "%s", field[0]);
	snprintf(c->source, sizeof(c->source), "%s", field[1]);
	snprintf(c->policy, sizeof(c->policy), "%s", field[2]);
	c->exit = atoi(field[3]);
	snprintf(c->phase, sizeof(c->phase), "%s", field[4]);
	snprintf(c->reason, sizeof(c->reason), "%s", n > 5 ? field[5] : "");
	return 0;
}

static void run_corpus(struct keyring *kr)
{
	static struct simboard b;
	static struct sf_installed out;
	struct corpus_case c;
	unsigned int refusals = 0, controls = 0;
	char line[1024], path[600];
	struct sf_err err;
	FILE *m;

	snprintf(path, sizeof(path), "%s/manifest.tsv", dir);
	m = fopen(path, "r");
	if (!ok(m != NULL, "manifest"))
		return;
	while (fgets(line, sizeof(line), m)) {
		int ret;

		if (parse_line(line, &c)) {
			ok(0, "manifest line '%s'", line);
			continue;
		}
		memset(&err, 0, sizeof(err));
		if (apply_policy(kr, c.policy, &err)) {
			ok(0, "%s: policy '%s': %s", c.name, c.policy, err.msg);
			continue;
		}
		simboard_init(&b, kr);
		if (sf_init(&b.ctx, NULL, 0, &err))
			abort();
		b.env.stores = 0;
		b.slots.writes = 0;
		snprintf(path, sizeof(path), "%s/cases/%s.fit", dir, c.name);
		memset(&err, 0, sizeof(err));
		ret = install(&b, &c, path, &out, &err);
		if (c.exit == 0) {
			controls++;
			if (!ok(ret == 0, "%s: genuine bundle installs (%s)", c.name, c.source))
				tap_diag("%s", err.msg);
			else
				check_installed(&b, &c, path, &out);
		} else {
			refusals++;
			check_refused(&b, &c, ret, &err);
		}
		simboard_free(&b);
	}
	fclose(m);
	ok(refusals >= MIN_REFUSALS, "%u refusal cases (at least %d), %u genuine controls", refusals, MIN_REFUSALS,
	   controls);
	ok(controls >= 4, "the genuine bundles behind the cases install");
	ok(n_seen == refusals && !dups, "every one of the %u refusals has a one-line message of its own", n_seen);
	if (apply_policy(kr, "-", &err))
		abort();
}

int main(void)
{
	static const char *const genuine[] = { "genuine-pos", "genuine-off", "genuine-two", "genuine-ec" };
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };
	char cmd[1024], ring[600];

	if (!fb_both_algorithms())
		return tap_done();
	signal(SIGPIPE, SIG_IGN);
	dir = fb_tmpdir();
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 updater/tests/fixtures/adversarial.py '%s' %d %d %d >/dev/null", dir,
		 CONFIG_MAX_HEADER_SIZE, CONFIG_MAX_BUNDLE_IMAGES, SIM_SLOT_SIZE);
	if (!ok(!system(cmd), "the generator derived the corpus from mkimage bundles"))
		goto out;
	snprintf(ring, sizeof(ring), "%s/keyring", dir);
	if (!ok(!keyring_load(&kr, ring, &err), "keyring dev, ec, other, old"))
		tap_diag("%s", err.msg);
	else
		run_corpus(kr);
	for (unsigned int i = 0; kr && i < sizeof(genuine) / sizeof(genuine[0]); i++)
		every_prefix(kr, genuine[i]);
	keyring_free(kr);
out:
	fb_rmtree(dir);
	free(dir);
	return tap_done();
}
