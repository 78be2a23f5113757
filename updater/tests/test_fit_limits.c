// SPDX-License-Identifier: MIT
/*
 * The Kconfig limits at their exact boundaries: a header of exactly
 * CONFIG_MAX_HEADER_SIZE bytes verifies and one 4 bytes larger does not; a
 * bundle of CONFIG_MAX_BUNDLE_IMAGES images verifies and one more is refused;
 * an image of CONFIG_MAX_IMAGE_SIZE_MIB MiB passes the header checks and one
 * byte more is refused. Each refusal comes before the memory it would need:
 * the installer reads nothing of a header whose declared size is over the
 * limit, and nothing is written for an image larger than its slot.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bundle.h"
#include "fit/fit.h"
#include "fit/keyring.h"
#include "sf_kconfig.h"
#include "support/simboard.h"
#include "tap.h"
#include "tests/support/fitbuild.h"

#define CONF "/configurations/conf-1"
#define MIB (1024ULL * 1024ULL)

static struct fb_key dev;
static struct keyring *kr;
static char tmp[64];

static const struct fb_image one[] = {
	{ .node = "webkit-1", .component = "webkit", .version = "26.3", .sv = 7, .size = 3000 },
};

/* A signed one-image header padded with a root property of @pad bytes. */
static void *padded(size_t pad, size_t *size)
{
	struct fb_node *t = fb_bundle(one, 1, &dev);
	uint8_t *zeros = calloc(1, pad ? pad : 1);
	void *blob;

	fb_prop(t, "/", "padding", zeros, pad);
	blob = fb_build(t, 0, size);
	fb_tree_free(t);
	fb_sign(blob, CONF "/signature-1", &dev, NULL, 0, FB_HS_FULL, true);
	/* the data behind the header (its placement is not signed) */
	if (fdt_setprop_inplace_u32(blob, fdt_path_offset(blob, "/images/webkit-1"), "data-position",
				    (uint32_t)*size))
		abort();
	free(zeros);
	return blob;
}

static void test_header_size(void)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err = { 0 };
	size_t base, size, hs;
	void *blob;

	free(padded(0, &base));
	/* a property's value grows the header by itself, rounded to 4 bytes */
	blob = padded((size_t)CONFIG_MAX_HEADER_SIZE - base, &size);
	is_int(size, CONFIG_MAX_HEADER_SIZE, "a header of exactly CONFIG_MAX_HEADER_SIZE bytes");
	ok(!fit_header_size(blob, size, &hs, &err) && hs == size, "fit_header_size accepts it");
	if (!ok(!fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, b, &err), "and it verifies"))
		tap_diag("%s", err.msg);
	free(blob);
	blob = padded((size_t)CONFIG_MAX_HEADER_SIZE - base + 4, &size);
	is_int(size, CONFIG_MAX_HEADER_SIZE + 4, "4 bytes more");
	is_reason(fit_header_size(blob, size, &hs, &err), &err, SF_R_LIMIT, "fit_header_size refuses it");
	is_reason(fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, b, &err), &err, SF_R_LIMIT, "fit_verify refuses it too");
	free(blob);
	/* the length given is bounded before anything in it is read (or copied), whatever it declares */
	{
		uint8_t *big = calloc(1, (size_t)CONFIG_MAX_HEADER_SIZE + 4);
		char want[96];

		blob = padded(0, &size);
		if (!big)
			abort();
		memcpy(big, blob, size);
		snprintf(want, sizeof(want), "header size %d exceeds the limit %d", CONFIG_MAX_HEADER_SIZE + 4,
			 CONFIG_MAX_HEADER_SIZE);
		ok(fit_verify(big, (size_t)CONFIG_MAX_HEADER_SIZE + 4, FIT_SIZE_UNKNOWN, kr, b, &err) == -SF_EVERIFY &&
			   !strcmp(err.msg, want),
		   "a small header passed with a length over the limit: '%s'", err.msg);
		free(big);
		free(blob);
	}
	free(b);
}

/* The installer reads 40 bytes of a header that declares more than the limit, and stops. */
static void test_header_not_read(void)
{
	uint8_t probe[FIT_PROBE_SIZE] = { 0xd0, 0x0d, 0xfe, 0xed };
	struct sf_err err = { 0 };
	char path[128];
	struct src src;
	size_t size = 0;
	void *header = NULL;
	FILE *f;
	int ret;

	for (uint32_t declared = CONFIG_MAX_HEADER_SIZE + 1; declared; declared = declared < 0x7fffffff ? 0x7fffffff : 0) {
		probe[4] = (uint8_t)(declared >> 24);
		probe[5] = (uint8_t)(declared >> 16);
		probe[6] = (uint8_t)(declared >> 8);
		probe[7] = (uint8_t)declared;
		snprintf(path, sizeof(path), "%s/probe.fit", tmp);
		f = fopen(path, "wb");
		/* the file is as long as it says: only the check can stop the read */
		if (!f || fwrite(probe, 1, sizeof(probe), f) != sizeof(probe) || fclose(f) ||
		    truncate(path, (off_t)declared))
			abort();
		if (src_open(&src, path, &err))
			abort();
		ret = bundle_read_header(&src, &header, &size, &err);
		is_reason(ret, &err, SF_R_LIMIT, "declared header size %u: refused", declared);
		ok(!header && src.pos == FIT_PROBE_SIZE, "  after %llu bytes read, nothing allocated for it",
		   (unsigned long long)src.pos);
		src_close(&src);
		unlink(path);
	}
}

static void test_image_count(void)
{
	struct fb_image img[CONFIG_MAX_BUNDLE_IMAGES + 1];
	char node[CONFIG_MAX_BUNDLE_IMAGES + 1][16], comp[CONFIG_MAX_BUNDLE_IMAGES + 1][16];
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err = { 0 };
	size_t size;
	void *blob;

	for (int i = 0; i <= CONFIG_MAX_BUNDLE_IMAGES; i++) {
		snprintf(node[i], sizeof(node[i]), "c%d-1", i);
		snprintf(comp[i], sizeof(comp[i]), "c%d", i);
		img[i] = (struct fb_image){ .node = node[i], .component = comp[i], .version = "1.0", .sv = 1,
					    .size = 100 };
	}
	blob = fb_make_bundle(img, CONFIG_MAX_BUNDLE_IMAGES, &dev, &size);
	if (!ok(!fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, b, &err) && b->n_images == CONFIG_MAX_BUNDLE_IMAGES,
		"CONFIG_MAX_BUNDLE_IMAGES (%d) images verify", CONFIG_MAX_BUNDLE_IMAGES))
		tap_diag("%s", err.msg);
	free(blob);
	/* not signable: the signer's own node list refuses it; the count is checked before any signature */
	{
		struct fb_node *t = fb_bundle(img, CONFIG_MAX_BUNDLE_IMAGES + 1, &dev);

		blob = fb_build(t, 0, &size);
		fb_tree_free(t);
	}
	is_reason(fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, b, &err), &err, SF_R_LIMIT, "one more is refused");
	free(blob);
	free(b);
}

static void test_image_size(void)
{
	const uint64_t max = (uint64_t)CONFIG_MAX_IMAGE_SIZE_MIB * MIB;
	struct fit_bundle *b = calloc(1, sizeof(*b));
	static struct simboard board;
	struct sf_err err = { 0 };
	size_t size;
	uint8_t *blob;

	/* data-size is not signed: set it after signing */
	blob = fb_make_bundle(one, 1, &dev, &size);
	if (fdt_setprop_inplace_u32(blob, fdt_path_offset(blob, "/images/webkit-1"), "data-size", (uint32_t)max))
		abort();
	ok(!fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, b, &err) && b->image[0].data_size == max,
	   "an image of CONFIG_MAX_IMAGE_SIZE_MIB (%d) MiB passes the header checks", CONFIG_MAX_IMAGE_SIZE_MIB);
	if (max < UINT32_MAX) {
		if (fdt_setprop_inplace_u32(blob, fdt_path_offset(blob, "/images/webkit-1"), "data-size",
					    (uint32_t)max + 1))
			abort();
		is_reason(fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, b, &err), &err, SF_R_LIMIT,
			  "one byte more is refused");
	}
	/* the limit-sized image through the installer, from a pipe: larger than its slot, refused before writing */
	if (fdt_setprop_inplace_u32(blob, fdt_path_offset(blob, "/images/webkit-1"), "data-size", (uint32_t)max))
		abort();
	simboard_init(&board, kr);
	strcpy(board.sys.board, "qemu-x86_64"); /* fb_bundle()'s board */
	if (sf_init(&board.ctx, NULL, 0, &err))
		abort();
	board.env.stores = 0;
	{
		struct src src;
		int fds[2], ret;

		/* the header fits the pipe's buffer; then end of stream */
		if (pipe(fds) || write(fds[1], blob, size) != (ssize_t)size || close(fds[1]) ||
		    src_open_fd(&src, fds[0], "standard input", &err))
			abort();
		ret = sf_install(&board.ctx, &src, NULL, NULL, &err);
		ok(ret == -SF_EPOLICY && !board.env.stores && !board.slots.writes,
		   "installed from a pipe: an image larger than its slot refused before any write: %s", err.msg);
		close(fds[0]);
	}
	simboard_free(&board);
	free(blob);
	free(b);
}

int main(void)
{
	struct sf_err err = { 0 };

	if (!IS_ENABLED(CONFIG_SIG_RSA)) {
		tap_diag("skipped: needs CONFIG_SIG_RSA");
		return tap_done();
	}
	tap_tmpdir(tmp, "limits");
	fb_key_gen(&dev, "dev", FB_RSA2048);
	fb_key_write_public(&dev, tmp);
	if (keyring_load(&kr, tmp, &err)) {
		tap_diag("%s", err.msg);
		return 1;
	}
	test_header_size();
	test_header_not_read();
	test_image_count();
	test_image_size();
	keyring_free(kr);
	fb_key_free(&dev);
	tap_rmtree(tmp);
	return tap_done();
}
