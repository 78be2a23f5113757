// SPDX-License-Identifier: MIT
/*
 * sf_install() end to end on the simulated board (core/install.c), at the edges
 * a correct-looking pipeline could miss:
 *  - near-miss digests: bundles, validly signed, whose signed sha256 differs
 *    from the payload's in one byte only (the last, the first, the middle) are
 *    refused with nothing armed: the whole 32 bytes are compared;
 *  - an image exactly the size of its slot installs, byte for byte (a slot
 *    size that is a multiple of the chunk and one that is not); one byte more
 *    is refused before anything is written;
 *  - the system description's max-tries is what the trial is armed with, and
 *    with max-tries 1 the boot-check still runs the checks on that one try;
 *  - images whose data lies in another order than `loadables` lists them are
 *    streamed in data order (a stream cannot go back).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/bootcheck.h"
#include "fit/keyring.h"
#include "support/fitbuild.h"
#include "support/simboard.h"
#include "tap.h"

#define SIG "/configurations/conf-1/signature-1"

static char *dir;
static struct fb_key key;
static struct keyring *keys;

/*
 * A webkit 2.0 bundle of @size bytes at @path, signed by the test key; with
 * @flip >= 0 its signed sha256 is the payload's with byte @flip changed.
 */
static void make_bundle(const char *path, uint32_t size, int flip)
{
	struct fb_image img = { .node = "webkit-1", .component = "webkit", .version = "2.0", .sv = 1, .size = size };
	struct fb_node *t = fb_bundle(&img, 1, &key);
	uint8_t *data = malloc(size), digest[SHA256_LEN];
	size_t hsize;
	void *blob;

	if (!data)
		abort();
	fb_prop_str(t, "/configurations/conf-1", "compatible", "sim");
	if (flip >= 0) {
		fb_image_data(0, data, size);
		if (sha256_buf(data, size, digest))
			abort();
		digest[flip] ^= 0x01;
		fb_prop(t, "/images/webkit-1/hash-1", "value", digest, sizeof(digest));
	}
	free(data);
	blob = fb_build(t, 0, &hsize);
	fb_tree_free(t);
	fb_sign(blob, SIG, &key, NULL, 0, FB_HS_FULL, true);
	if (!fb_write_file(path, blob, hsize, &img, 1))
		abort();
	free(blob);
}

/* A board just initialised: every component on slot a, nothing installed. */
static void board(struct simboard *b)
{
	struct sf_err err;

	simboard_init(b, keys);
	if (sf_init(&b->ctx, NULL, 0, &err))
		abort();
}

static struct comp_state *webkit(struct simboard *b)
{
	static struct sf_session s;
	struct sf_err err;

	if (sf_load(&b->ctx, &s, &err))
		abort();
	return &s.st.c[state_find(&s.st, "webkit")];
}

/* Does slot b of webkit hold exactly the first @size bytes of the test image, and nothing else was written? */
static bool slot_holds(struct simboard *b, uint32_t size)
{
	struct fake_dev *d = fake_slots_find(&b->slots, "/dev/webkit_b");
	uint8_t *want = malloc(size);
	bool same;

	if (!want)
		abort();
	fb_image_data(0, want, size);
	same = !memcmp(d->durable, want, size);
	free(want);
	return same;
}

static void test_near_miss(void)
{
	static const struct {
		int flip;
		const char *what;
	} cases[] = {
		{ 31, "the last byte (31 bytes in common)" },
		{ 0, "the first byte (31 bytes in common)" },
		{ 4, "byte 4 (a 4-byte prefix in common)" },
		{ 16, "byte 16 (a 16-byte prefix in common)" },
	};
	static struct simboard b;
	char path[256];
	struct sf_err err;

	snprintf(path, sizeof(path), "%s/genuine.fit", dir);
	make_bundle(path, 40000, -1);
	board(&b);
	is_int(sim_install(&b, path, &err), 0, "the genuine bundle installs (the cases' control)");
	is_int(webkit(&b)->trial, SLOT_B, "  armed");
	simboard_free(&b);

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "%s/near-%d.fit", dir, cases[i].flip);
		make_bundle(path, 40000, cases[i].flip);
		board(&b);
		memset(&err, 0, sizeof(err));
		is_int(sim_install(&b, path, &err), -SF_EVERIFY, "signed sha256 differs from the payload's in %s: refused",
		       cases[i].what);
		ok(strstr(err.msg, "does not match its signed sha256") != NULL, "  message: %s", err.msg);
		is_int(webkit(&b)->trial, SLOT_NONE, "  nothing armed");
		is_str(webkit(&b)->slot[SLOT_B].version, "", "  the target slot is recorded empty (store (1) only)");
		is_int(b.env.stores, 2, "  init and store (1), no store (2)");
		simboard_free(&b);
	}
}

static void test_slot_size(void)
{
	static const uint32_t sizes[] = { SIM_SLOT_SIZE, 100003 };
	static struct simboard b;
	char path[256];
	struct sf_err err;

	for (unsigned int i = 0; i < 2; i++) {
		uint32_t size = sizes[i];

		board(&b);
		/* a smaller device in the same buffers: reads and writes stop at its size */
		fake_slots_find(&b.slots, "/dev/webkit_b")->size = size;
		snprintf(path, sizeof(path), "%s/exact-%u.fit", dir, size);
		make_bundle(path, size, -1);
		memset(&err, 0, sizeof(err));
		if (!ok(sim_install(&b, path, &err) == 0, "an image of exactly its slot's %u bytes installs", size))
			tap_diag("%s", err.msg);
		ok(slot_holds(&b, size), "  the slot holds it byte for byte");
		is_int(webkit(&b)->trial, SLOT_B, "  armed");

		snprintf(path, sizeof(path), "%s/over-%u.fit", dir, size);
		make_bundle(path, size + 1, -1);
		simboard_free(&b);
		board(&b);
		fake_slots_find(&b.slots, "/dev/webkit_b")->size = size;
		memset(&err, 0, sizeof(err));
		is_int(sim_install(&b, path, &err), -SF_EPOLICY, "an image one byte larger than its slot is refused");
		ok(strstr(err.msg, "slot b holds only") != NULL, "  message: %s", err.msg);
		is_int(b.slots.writes, 0, "  before any slot write");
		is_int(b.env.stores, 1, "  and any store (init's only)");
		simboard_free(&b);
	}
}

static void test_max_tries(void)
{
	static struct simboard b;
	const char *names[] = { "webkit" };
	char path[256], marker[256], check[256];
	struct bc_report rep;
	struct sf_err err;
	FILE *f;

	snprintf(path, sizeof(path), "%s/genuine.fit", dir);
	snprintf(marker, sizeof(marker), "%s/checked", dir);
	snprintf(check, sizeof(check), "%s/health.d", dir);
	mkdir(check, 0755);
	snprintf(check, sizeof(check), "%s/health.d/10-mark", dir);
	f = fopen(check, "w");
	if (!f || fprintf(f, "#!/bin/sh\ntouch '%s'\n", marker) < 0 || fclose(f) || chmod(check, 0755))
		abort();

	for (unsigned int max = 1; max <= 4; max += 3) {
		board(&b);
		b.sys.max_tries = max;
		snprintf(b.sys.health_dir, sizeof(b.sys.health_dir), "%s/health.d", dir);
		is_int(sim_install(&b, path, &err), 0, "install with max-tries %u", max);
		is_int(webkit(&b)->tries, max, "  the trial is armed: sf_webkit_tries = %u", max);
		unlink(marker);
		is_int(bootcheck_run(&b.ctx, names, 1, NULL, NULL, &rep, &err), 0, "  the boot-check commits it");
		ok(access(marker, F_OK) == 0, "  after running its checks");
		is_int(webkit(&b)->active, SLOT_B, "  the new slot is active");
		simboard_free(&b);
	}
}

/* Two images, libcrypto's data first although loadables lists webkit first. */
static void test_data_order(void)
{
	static const struct fb_image img[2] = {
		{ .node = "webkit-1", .component = "webkit", .version = "2.0", .sv = 1, .size = 20000 },
		{ .node = "libcrypto-1", .component = "libcrypto", .version = "3.1", .sv = 1, .size = 9000 },
	};
	static struct simboard b;
	const uint32_t pos1 = 4096, pos0 = 4096 + 12288;
	struct fb_node *t = fb_bundle(img, 2, &key);
	struct sf_err err;
	char path[256];
	uint8_t *data = calloc(1, pos0 + img[0].size);
	size_t hsize;
	void *blob;
	FILE *f;

	if (!data)
		abort();
	fb_prop_str(t, "/configurations/conf-1", "compatible", "sim");
	fb_prop_u32(t, "/images/webkit-1", "data-position", pos0);
	fb_prop_u32(t, "/images/libcrypto-1", "data-position", pos1);
	blob = fb_build(t, 0, &hsize);
	fb_tree_free(t);
	fb_sign(blob, SIG, &key, NULL, 0, FB_HS_FULL, true);
	memcpy(data, blob, hsize);
	fb_image_data(0, data + pos0, img[0].size);
	fb_image_data(1, data + pos1, img[1].size);
	snprintf(path, sizeof(path), "%s/reordered.fit", dir);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, pos0 + img[0].size, f) != pos0 + img[0].size || fclose(f))
		abort();
	free(blob);
	free(data);

	board(&b);
	if (!ok(sim_install(&b, path, &err) == 0, "data in another order than loadables: installs"))
		tap_diag("%s", err.msg);
	ok(slot_holds(&b, img[0].size), "  webkit's slot holds its image");
	{
		struct fake_dev *d = fake_slots_find(&b.slots, "/dev/libcrypto_b");
		uint8_t want[9000];

		fb_image_data(1, want, sizeof(want));
		ok(!memcmp(d->durable, want, sizeof(want)), "  libcrypto's slot holds its image");
	}
	simboard_free(&b);
}

int main(void)
{
	dir = fb_tmpdir();
	fb_key_gen(&key, "dev", FB_EC256);
	fb_key_write_public(&key, dir);
	{
		struct sf_err err;

		if (keyring_load(&keys, dir, &err)) {
			printf("Bail out! %s\n", err.msg);
			return 1;
		}
	}
	test_near_miss();
	test_slot_size();
	test_max_tries();
	test_data_order();
	keyring_free(keys);
	fb_key_free(&key);
	fb_rmtree(dir);
	free(dir);
	return tap_done();
}
