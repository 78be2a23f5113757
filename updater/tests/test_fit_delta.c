// SPDX-License-Identifier: MIT
/*
 * fit/fit_delta.c through fit_verify(): a delta image's signed properties are
 * read and bounded (format, both sizes, both sha256 values), every malformed
 * or incomplete description is refused with its own message, the properties
 * are covered by the signature (changing one breaks it), and a full image
 * carries none of them.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit.h"
#include "fit/keyring.h"
#include "sf_kconfig.h"
#include "tap.h"
#include "tests/support/fitbuild.h"

#define SIG "/configurations/conf-1/signature-1"
#define IMG "/images/webkit-1"

static struct fb_key ec;
static struct keyring *kr;

static const struct fb_image one[] = {
	{ .node = "webkit-1", .component = "webkit", .version = "26.3 (a)", .base = "26.3", .sv = 7, .size = 300 },
};

static const uint8_t src_sha[32] = { 1, 2, 3 }, dst_sha[32] = { 4, 5, 6 };

/* A patch whose image node describes a delta; the caller may spoil it before signing. */
static struct fb_node *delta_tree(void)
{
	struct fb_node *t = fb_bundle(one, 1, &ec);
	uint8_t size64[8] = { 0, 0, 0, 0, 0, 0x10, 0, 2 }; /* 2^20 + 2 */

	fb_prop_str(t, IMG, "slotflip,delta", "sfdelta-1");
	fb_prop_u32(t, IMG, "slotflip,delta-source-size", 5000);
	fb_prop(t, IMG, "slotflip,delta-source-sha256", src_sha, sizeof(src_sha));
	fb_prop(t, IMG, "slotflip,delta-target-size", size64, sizeof(size64));
	fb_prop(t, IMG, "slotflip,delta-target-sha256", dst_sha, sizeof(dst_sha));
	return t;
}

static int verify_tree(struct fb_node *t, struct fit_bundle *b, struct sf_err *err)
{
	size_t size;
	void *blob = fb_build(t, 0, &size);
	int ret;

	fb_tree_free(t);
	fb_sign(blob, SIG, &ec, NULL, 0, FB_HS_FULL, true);
	memset(err, 0, sizeof(*err));
	ret = fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, b, err);
	free(blob);
	return ret;
}

static void refused(struct fb_node *t, const char *want, const char *what)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err;
	int ret = verify_tree(t, b, &err);

	ok(ret == -SF_EVERIFY && strstr(err.msg, want), "%s: refused (%s)", what, ret ? err.msg : "accepted");
	free(b);
}

static void test_properties(void)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err;
	struct fb_node *t;
	int ret;

	ret = verify_tree(delta_tree(), b, &err);
	ok(!ret, "a delta image verifies%s%s", ret ? ": " : "", ret ? err.msg : "");
	is_str(b->image[0].delta.format, "sfdelta-1", "  its format");
	is_int(b->image[0].delta.source_size, 5000, "  source size (one cell)");
	ok(b->image[0].delta.target_size == (1ull << 20) + 2, "  target size (two cells)");
	ok(!memcmp(b->image[0].delta.source_sha256, src_sha, 32) && !memcmp(b->image[0].delta.target_sha256, dst_sha, 32),
	   "  both sha256 values");
	ok(fit_image_size(&b->image[0]) == (1ull << 20) + 2, "  the slot gets the target's size, not the payload's");

	ret = verify_tree(fb_bundle(one, 1, &ec), b, &err);
	ok(!ret && !b->image[0].delta.format[0] && fit_image_size(&b->image[0]) == 300,
	   "a full image has no delta and takes its payload's size");
	free(b);

	t = delta_tree();
	fb_prop_str(t, IMG, "slotflip,delta", "bsdiff40");
	refused(t, "'bsdiff40' is not a delta format this slotflip reads (sfdelta-1)", "unknown format");
	t = delta_tree();
	fb_prop(t, IMG, "slotflip,delta", "sfdelta-1", 9);
	refused(t, "slotflip,delta is not a NUL-terminated string", "format without its NUL");
	for (int i = 0; i < 4; i++) {
		static const char *const props[] = { "slotflip,delta-source-size", "slotflip,delta-source-sha256",
						     "slotflip,delta-target-size", "slotflip,delta-target-sha256" };
		char want[96], what[96];

		t = delta_tree();
		fb_prop_del(t, IMG, props[i]);
		snprintf(want, sizeof(want), "a delta image needs %s", props[i]);
		snprintf(what, sizeof(what), "%s missing", props[i]);
		refused(t, want, what);

		t = fb_bundle(one, 1, &ec);
		fb_prop(t, IMG, props[i], dst_sha, i % 2 ? 32 : 4);
		snprintf(want, sizeof(want), "%s without slotflip,delta", props[i]);
		snprintf(what, sizeof(what), "%s on a full image", props[i]);
		refused(t, want, what);
	}
	t = delta_tree();
	fb_prop(t, IMG, "slotflip,delta-source-size", "\0\0\1", 3);
	refused(t, "slotflip,delta-source-size is 3 bytes, expected 4 or 8", "size of 3 bytes");
	t = delta_tree();
	fb_prop_u32(t, IMG, "slotflip,delta-target-size", 0);
	refused(t, "slotflip,delta-target-size is 0", "target size 0");
	t = delta_tree();
	fb_prop(t, IMG, "slotflip,delta-source-size", (const uint8_t[8]){ 0xff, 0, 0, 0, 0, 0, 0, 0 }, 8);
	refused(t, "exceeds the limit of", "source size above the image limit");
	t = delta_tree();
	fb_prop(t, IMG, "slotflip,delta-target-sha256", dst_sha, 31);
	refused(t, "slotflip,delta-target-sha256 is 31 bytes, expected 32", "sha256 of 31 bytes");
}

/* The properties are signed: one byte changed after signing breaks the signature. */
static void test_signed(void)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err;
	size_t size;
	struct fb_node *t = delta_tree();
	void *blob = fb_build(t, 0, &size);
	uint8_t *v;
	int len, node;

	fb_tree_free(t);
	fb_sign(blob, SIG, &ec, NULL, 0, FB_HS_FULL, true);
	node = fdt_path_offset(blob, IMG);
	v = fdt_getprop_w(blob, node, "slotflip,delta-source-sha256", &len);
	v[0] ^= 1;
	ok(fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, b, &err) == -SF_EVERIFY && strstr(err.msg, "does not verify"),
	   "a changed source sha256 breaks the signature (%s)", err.msg);
	v[0] ^= 1;
	v = fdt_getprop_w(blob, node, "slotflip,delta-target-size", &len);
	v[7] ^= 1;
	ok(fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, b, &err) == -SF_EVERIFY && strstr(err.msg, "does not verify"),
	   "a changed target size breaks the signature (%s)", err.msg);
	free(blob);
	free(b);
}

int main(void)
{
	struct sf_err err = { 0 };
	char *dir;

	if (!IS_ENABLED(CONFIG_SIG_ECDSA)) {
		tap_diag("skipped: needs CONFIG_SIG_ECDSA");
		return tap_done();
	}
	dir = fb_tmpdir();
	fb_key_gen(&ec, "ec", FB_EC256);
	fb_key_write_public(&ec, dir);
	if (!ok(!keyring_load(&kr, dir, &err), "keyring loads"))
		tap_diag("%s", err.msg);
	test_properties();
	test_signed();
	keyring_free(kr);
	fb_key_free(&ec);
	fb_rmtree(dir);
	free(dir);
	return tap_done();
}
