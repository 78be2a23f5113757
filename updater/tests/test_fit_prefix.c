// SPDX-License-Identifier: MIT
/*
 * Every prefix of valid bundle headers, handed to fit_verify() and
 * fit_inspect() as the whole header: as is (totalsize then exceeds the
 * buffer), with totalsize patched to the prefix length, and with the block
 * sizes clamped to the prefix as well. Each must be refused without reading
 * outside the buffer (this test runs under ASan in `make check`), except a
 * patched prefix that still holds both blocks whole, which is a valid header.
 * A copy of each prefix is made so that ASan sees its exact end.
 *
 * Then every single-byte corruption of the same headers: each is refused, or
 * verifies to exactly the signed facts of the original (data positions and
 * sizes aside, which the signature leaves out by design and the image hashes
 * cover).
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit.h"
#include "fit/fit_create.h"
#include "fit/keyring.h"
#include "sf_kconfig.h"
#include "tap.h"
#include "tests/support/fitbuild.h"

enum variant {
	AS_IS,
	TOTALSIZE,
	BLOCKS,
};

static const char *const variant_name[] = { "as is", "totalsize patched", "blocks clamped" };

static void put32(uint8_t *p, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	memcpy(p, &be, 4);
}

static uint32_t get32(const uint8_t *p)
{
	fdt32_t be;

	memcpy(&be, p, 4);
	return fdt32_to_cpu(be);
}

/* Returns whether the prefix still holds a whole, valid header. */
static bool patch(uint8_t *p, size_t len, enum variant v)
{
	uint32_t off_struct, size_struct, off_strings, size_strings;
	bool intact;

	if (v == AS_IS || len < 40)
		return false;
	put32(p + 4, (uint32_t)len);
	off_struct = get32(p + 8);
	off_strings = get32(p + 12);
	size_strings = get32(p + 32);
	size_struct = get32(p + 36);
	intact = off_struct + size_struct <= len && off_strings + size_strings <= len;
	if (v == BLOCKS) {
		if (off_struct <= len && off_struct + size_struct > len)
			put32(p + 36, (uint32_t)(len - off_struct) & ~3u);
		if (off_strings <= len && off_strings + size_strings > len)
			put32(p + 32, (uint32_t)(len - off_strings));
	}
	return intact;
}

/* A refusal of a header: a verification failure, or (cut short) an input that ended early. */
static bool refusal(int r, const struct sf_err *err)
{
	return r == -SF_EVERIFY || (r == -SF_EINPUT && err->reason == SF_R_INPUT_TRUNCATED);
}

static void every_prefix(const char *name, const uint8_t *blob, size_t size, uint64_t file_size,
			 const struct keyring *kr)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct fit_sig_info sigs[2];
	struct sf_err e1, e2;

	for (int v = AS_IS; v <= BLOCKS; v++) {
		unsigned int wrong = 0, accepted = 0;

		for (size_t len = 0; len < size; len++) {
			uint8_t *p = malloc(len ? len : 1);
			unsigned int n = 2;
			bool intact;
			int r1, r2;

			memcpy(p, blob, len);
			intact = patch(p, len, (enum variant)v);
			r1 = fit_verify(p, len, file_size, kr, b, &e1);
			r2 = fit_inspect(p, len, file_size, b, sigs, &n, &e2);
			if (intact && !r1 && !r2) {
				accepted++;
			} else if (!refusal(r1, &e1) || !refusal(r2, &e2)) {
				wrong++;
				if (wrong < 4)
					tap_diag("%s, %s, %zu bytes: verify %d, inspect %d (%s)", name, variant_name[v],
						 len, r1, r2, e1.msg);
			}
			free(p);
		}
		is_int(wrong, 0, "%s: every prefix of %zu bytes, %s, refused", name, size, variant_name[v]);
		/* only the 4-byte padding mkimage and fit_create put behind the strings may go */
		ok(accepted <= 3, "%s, %s: %u prefixes without the padding are still whole headers", name,
		   variant_name[v], accepted);
	}
	free(b);
}

/* The signed facts of a verified bundle, with the unsigned data placement cleared. */
static void signed_facts(struct fit_bundle *b)
{
	for (unsigned int i = 0; i < b->n_images; i++) {
		b->image[i].data_offset = 0;
		b->image[i].data_size = 0;
	}
	b->header_size = 0;
	memset(b->id, 0, sizeof(b->id)); /* the id names the bytes, unsigned ones too */
}

static void every_byte(const char *name, const uint8_t *blob, size_t size, const struct keyring *kr)
{
	struct fit_bundle *want = calloc(1, sizeof(*want)), *got = calloc(1, sizeof(*got));
	unsigned int wrong = 0, still_valid = 0;
	uint8_t *p = malloc(size);
	struct sf_err err;

	ok(!fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, want, &err), "%s verifies", name);
	signed_facts(want);
	for (size_t i = 0; i < size; i++) {
		for (int flip = 0; flip < 2; flip++) {
			int r;

			memcpy(p, blob, size);
			p[i] ^= flip ? 0x80 : 0x01;
			memset(got, 0, sizeof(*got));
			r = fit_verify(p, size, FIT_SIZE_UNKNOWN, kr, got, &err);
			if (r && !refusal(r, &err)) {
				wrong++;
			} else if (!r) {
				still_valid++;
				signed_facts(got);
				if (memcmp(got, want, sizeof(*got))) {
					wrong++;
					tap_diag("%s: byte %zu ^ %d verifies to other facts", name, i, flip ? 0x80 : 1);
				}
			}
		}
	}
	is_int(wrong, 0, "%s: %zu single-byte corruptions refused or harmless", name, 2 * size);
	tap_diag("%s: %u corruptions in unsigned bytes still verify", name, still_valid);
	free(p);
	free(got);
	free(want);
}

int main(void)
{
	static const struct fb_image one[] = {
		{ .node = "webkit-1", .component = "webkit", .version = "26.3", .sv = 7, .size = 3000 },
	};
	static const struct fb_image two[] = {
		{ .node = "webkit-1", .component = "webkit", .version = "26.3 (a)", .base = "26.3", .sv = 9,
		  .size = 5000, .requires = "libc>=2.36", .requires_len = 11 },
		{ .node = "libc-1", .component = "libc", .version = "2.36", .sv = 2, .size = 4096 },
	};
	struct fit_create_opts o = {
		.board = "qemu-x86_64",
		.n_images = 1,
		.image = { { .component = "webkit", .version = "26.3", .security_version = 1 } },
	};
	char *dir, path[512], key[512], img[512];
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };
	struct fb_key dev, ec;
	size_t size;
	uint8_t *blob;
	FILE *f;

	if (!fb_both_algorithms())
		return tap_done();
	dir = fb_tmpdir();
	fb_key_gen(&dev, "dev", FB_RSA2048);
	fb_key_gen(&ec, "ec", FB_EC256);
	fb_key_write_public(&dev, dir);
	fb_key_write_public(&ec, dir);
	if (!ok(!keyring_load(&kr, dir, &err), "keyring loads"))
		tap_diag("%s", err.msg);

	blob = fb_make_bundle(one, 1, &dev, &size);
	ok(!fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, &(struct fit_bundle){ 0 }, &err), "RSA fixture verifies");
	every_prefix("RSA-2048 bundle", blob, size, FIT_SIZE_UNKNOWN, kr);
	every_byte("RSA-2048 bundle", blob, size, kr);
	free(blob);

	blob = fb_make_bundle(two, 2, &ec, &size);
	every_prefix("two-image ECDSA bundle", blob, size, FIT_SIZE_UNKNOWN, kr);
	every_byte("two-image ECDSA bundle", blob, size, kr);
	free(blob);

	/* a header made by fit_create, checked with its real file size */
	if (!IS_ENABLED(CONFIG_BUNDLE_CREATE))
		goto out;
	snprintf(key, sizeof(key), "%s/ec.key", dir);
	snprintf(img, sizeof(img), "%s/webkit.img", dir);
	snprintf(path, sizeof(path), "%s/created.fit", dir);
	fb_key_write_private(&ec, key);
	f = fopen(img, "wb");
	ok(f && fwrite("0123456789", 1, 10, f) == 10 && !fclose(f), "image file");
	o.out_path = path;
	o.n_keys = 1;
	o.key[0].path = key;
	o.image[0].path = img;
	if (!ok(!fit_create(&o, &err), "fit_create"))
		tap_diag("%s", err.msg);
	f = fopen(path, "rb");
	blob = malloc(8192);
	size = f ? fread(blob, 1, 8192, f) : 0;
	if (f)
		fclose(f);
	ok(size == 4096 + 10, "bundle of %zu bytes", size);
	every_prefix("fit_create bundle", blob, fdt_totalsize(blob), size, kr);
	free(blob);
out:
	keyring_free(kr);
	fb_key_free(&dev);
	fb_key_free(&ec);
	fb_rmtree(dir);
	free(dir);
	return tap_done();
}
