// SPDX-License-Identifier: MIT
/*
 * Interchangeability with U-Boot's tools (DESIGN §3): bundles signed by
 * mkimage verify with fit_verify() and their external data matches the signed
 * hashes; bundles made by fit_create() are read by dumpimage, which lists them
 * and extracts the very image bytes; every prefix of each mkimage bundle file,
 * read as the installer reads it, is refused (under ASan in `make check`).
 * Needs mkimage, dumpimage and openssl (u-boot-tools, openssl:
 * `scripts/deps.sh check`).
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fit/fit.h"
#include "fit/fit_create.h"
#include "fit/keyring.h"
#include "sf_kconfig.h"
#include "tap.h"
#include "tests/support/files.h"
#include "tests/support/fitbuild.h"

static char *dir;

static const char *path_of(const char *name)
{
	return tf_path(dir, name);
}

/* Verifies a whole bundle file: header, signature, and every image's data against its signed hash. */
static int verify_file(const char *file, const struct keyring *kr, struct fit_bundle *b, struct sf_err *err)
{
	return tf_verify_file(file, kr, b, err);
}

static bool same_as_file(const uint8_t *data, size_t len, const char *file)
{
	size_t flen;
	uint8_t *f = tf_read(file, &flen);
	bool same = f && flen == len && !memcmp(f, data, len);

	free(f);
	return same;
}

/* The image @index of bundle @file equals the file @image. */
static bool image_is(const char *file, const struct fit_image *im, const char *image)
{
	size_t len;
	uint8_t *buf = tf_read(file, &len);
	bool same = buf && im->data_offset + im->data_size <= len &&
		    same_as_file(buf + im->data_offset, im->data_size, image);

	free(buf);
	return same;
}

static void test_mkimage_bundles(const struct keyring *kr)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err = { 0 };
	size_t len;
	uint8_t *buf;

	if (!ok(!verify_file(path_of("rsa2048.fit"), kr, b, &err), "mkimage RSA-2048 bundle (data-position) verifies"))
		tap_diag("%s", err.msg);
	is_str(b->key_name, "dev", "signed by dev");
	is_str(b->algo, "sha256,rsa2048", "sha256,rsa2048");
	is_str(b->board, "qemu-x86_64", "board");
	is_int(b->n_images, 1, "one image");
	is_str(b->image[0].component, "webkit", "component");
	is_str(b->image[0].version, "26.3 (a)", "version");
	is_str(b->image[0].base_version, "26.3", "base version");
	is_int(b->image[0].security_version, 12, "security version");
	is_int(b->image[0].n_requires, 2, "requires");
	is_str(b->image[0].requires[1].component, "kernel", "second requirement");
	is_str(b->image[0].requires[1].version, "6.1", "its version");
	is_int(b->image[0].data_offset, 0x1000, "data at -p 0x1000");
	ok(image_is(path_of("rsa2048.fit"), &b->image[0], path_of("webkit.img")), "data is webkit.img");

	if (!ok(!verify_file(path_of("rsa4096.fit"), kr, b, &err),
		"mkimage RSA-4096 bundle (data-offset, certificate in the keyring) verifies"))
		tap_diag("%s", err.msg);
	is_str(b->key_name, "big", "signed by big");
	is_str(b->algo, "sha256,rsa4096", "sha256,rsa4096");
	is_int(b->n_images, 2, "two images");
	is_int(b->image[0].data_offset, (b->header_size + 3) & ~3ULL, "first image right after the header");
	ok(image_is(path_of("rsa4096.fit"), &b->image[0], path_of("webkit.img")), "first data is webkit.img");
	ok(image_is(path_of("rsa4096.fit"), &b->image[1], path_of("libc.img")), "second data is libc.img");
	is_str(b->image[1].component, "libc", "second component");

	/* the layouts mkimage makes with several images: the data of each next image at most one alignment away */
	if (!ok(!verify_file(path_of("multi-p.fit"), kr, b, &err), "mkimage -E -p 0x1000, two images, verifies"))
		tap_diag("%s", err.msg);
	is_int(b->image[0].data_offset, 0x1000, "  first image at 0x1000");
	is_int(b->image[1].data_offset, (0x1000 + b->image[0].data_size + 3) & ~3ULL,
	       "  the second at the next 4-byte boundary");
	if (!ok(!verify_file(path_of("aligned.fit"), kr, b, &err), "mkimage -E -B 0x10000, two images, verifies"))
		tap_diag("%s", err.msg);
	is_int(b->header_size, 0x10000, "  the header padded to 64 KiB");
	is_int(b->image[1].data_offset, 0x20000, "  the second image at the next 64 KiB boundary");
	ok(image_is(path_of("aligned.fit"), &b->image[1], path_of("libc.img")), "  second data is libc.img");

	if (!ok(!verify_file(path_of("ecdsa.fit"), kr, b, &err), "mkimage ECDSA P-256 bundle verifies"))
		tap_diag("%s", err.msg);
	is_str(b->key_name, "ec", "signed by ec");
	is_str(b->algo, "sha256,ecdsa256", "sha256,ecdsa256");

	/* the header is what is signed: one changed byte there is refused */
	buf = tf_read(path_of("ecdsa.fit"), &len);
	if (buf) {
		uint8_t *sv = (uint8_t *)fdt_getprop(buf, fdt_path_offset(buf, "/images/webkit-1"),
						     "slotflip,security-version", NULL);
		size_t hs = 0;

		ok(sv != NULL && !fit_header_size(buf, len, &hs, &err), "found the security version");
		if (sv)
			sv[3] = 0x0d;
		is_reason(fit_verify(buf, hs, len, kr, b, &err), &err, SF_R_SIGNATURE,
			  "mkimage bundle with a changed security version refused");
		free(buf);
	}
	free(b);
}

/*
 * Every prefix of a genuine bundle file, read as the installer reads it:
 * header size from the first bytes, the header, the prefix's length as the
 * file size. Each is refused: cut inside the header, it is no bundle (exit 3:
 * nothing verified says more is coming); cut inside the data its verified
 * header describes, it is a download to retry (exit 9), never a forgery.
 */
static void every_prefix(const char *name, const struct keyring *kr)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	unsigned int wrong = 0;
	struct sf_err err;
	size_t len = 0;
	uint8_t *buf = tf_read(path_of(name), &len);

	for (size_t l = 0; buf && l < len; l++) {
		uint8_t *p = malloc(l ? l : 1), *h;
		size_t hs = 0;
		int ret, want;

		memcpy(p, buf, l);
		ret = fit_header_size(p, l, &hs, &err);
		if (!ret && hs <= l) {
			h = malloc(hs);
			memcpy(h, p, hs);
			ret = fit_verify(h, hs, l, kr, b, &err);
			free(h);
		} else if (!ret) {
			/* the installer's read of the header ends early */
			ret = sf_fail(&err, SF_R_MALFORMED, "header cut short");
		}
		want = l < FIT_PROBE_SIZE ? SF_R_NOT_A_BUNDLE : hs > l ? SF_R_MALFORMED : SF_R_INPUT_TRUNCATED;
		if ((ret != -sf_reason_cat(want) || err.reason != want) && wrong++ < 3)
			tap_diag("%s: prefix of %zu bytes: %d %s", name, l, ret, err.msg);
		free(p);
	}
	ok(buf && !wrong, "%s: every one of its %zu prefixes refused: no bundle in the header, input-truncated after",
	   name, len);
	free(buf);
	free(b);
}

static int run(const char *cmd)
{
	return tf_run("%s", cmd);
}

static void test_fit_create_with_uboot_tools(const struct keyring *kr)
{
	struct fit_create_opts o = {
		.board = "qemu-x86_64",
		.n_images = 2,
		.image = {
			{ .path = path_of("webkit.img"), .component = "webkit", .version = "26.4", .security_version = 13 },
			{ .path = path_of("libc.img"), .component = "libc", .version = "2.37", .security_version = 4,
			  .requires = "webkit>=26.4" },
		},
	};
	static const char *const keys[][2] = {
		{ "keys/dev.key", "sha256,rsa2048:dev" },
		{ "keys/big.key", "sha256,rsa4096:big" },
		{ "keys/ec.pem", "sha256,ecdsa256:ec" },
	};
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err = { 0 };
	char cmd[2048], out[600], key_path[600];

	for (unsigned int k = 0; k < 3; k++) {
		size_t len;
		char *listing;

		snprintf(out, sizeof(out), "%s/created-%u.fit", dir, k);
		o.out_path = out;
		o.n_keys = 1;
		o.key[0].path = key_path;
		snprintf(key_path, sizeof(key_path), "%s", path_of(keys[k][0]));
		if (!ok(!fit_create(&o, &err), "fit_create with %s", keys[k][0]))
			tap_diag("%s", err.msg);
		if (!ok(!verify_file(out, kr, b, &err), "fit_verify accepts it"))
			tap_diag("%s", err.msg);
		snprintf(cmd, sizeof(cmd), "dumpimage -l '%s' >'%s/list-%u.txt' 2>&1", out, dir, k);
		ok(!run(cmd), "dumpimage -l lists it");
		snprintf(cmd, sizeof(cmd), "%s/list-%u.txt", dir, k);
		listing = (char *)tf_read(cmd, &len);
		if (listing) {
			listing[len] = '\0';
			ok(strstr(listing, keys[k][1]) != NULL, "dumpimage shows 'Sign algo: %s'", keys[k][1]);
			ok(strstr(listing, "Loadables:    webkit-1") != NULL && strstr(listing, "libc-1"),
			   "dumpimage shows the loadables");
			ok(strstr(listing, "Filesystem Image") != NULL, "dumpimage shows the image type");
			free(listing);
		}
		snprintf(cmd, sizeof(cmd), "dumpimage -T flat_dt -p 1 -o '%s/extracted' '%s' >/dev/null 2>&1", dir, out);
		ok(!run(cmd), "dumpimage extracts image 1");
		snprintf(cmd, sizeof(cmd), "cmp -s '%s/extracted' '%s'", dir, path_of("libc.img"));
		ok(!run(cmd), "the extracted bytes are libc.img");
	}
	free(b);
}

int main(void)
{
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };
	char cmd[1024];

	if (!fb_both_algorithms())
		return tap_done();
	dir = fb_tmpdir();
	snprintf(cmd, sizeof(cmd), "sh updater/tests/fixtures/mkimage-bundles.sh '%s'", dir);
	if (!ok(!run(cmd), "mkimage made the fixture bundles")) {
		fb_rmtree(dir);
		free(dir);
		return tap_done();
	}
	if (!ok(!keyring_load(&kr, path_of("keyring"), &err), "keyring of PEM keys and a certificate loads"))
		tap_diag("%s", err.msg);
	is_int(keyring_count(kr), 3, "three keys");
	test_mkimage_bundles(kr);
	every_prefix("rsa2048.fit", kr);
	every_prefix("rsa4096.fit", kr);
	every_prefix("ecdsa.fit", kr);
	if (IS_ENABLED(CONFIG_BUNDLE_CREATE))
		test_fit_create_with_uboot_tools(kr);
	keyring_free(kr);
	fb_rmtree(dir);
	free(dir);
	return tap_done();
}
