// SPDX-License-Identifier: MIT
/*
 * fit_create(): round trips through fit_verify() for the three key types, the
 * file layout (header, 4 KiB aligned data, nothing else), and every refusal
 * with its category. The RSA-4096 key comes from openssl (mbedTLS key
 * generation of that size is slow under the sanitizers).
 */
#include <dirent.h>
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

static void make_image(const char *name, unsigned int index, size_t size)
{
	uint8_t *data = malloc(size ? size : 1);

	fb_image_data(index, data, size);
	tf_write(path_of(name), data, size);
	free(data);
}

/* Files in the folder whose name starts with @prefix (left-over temp files). */
static int count_files(const char *prefix)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	while (d && (de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	if (d)
		closedir(d);
	return n;
}

/* A path that stays valid (tf_path() reuses its buffers): one of 16 kept in turn. */
static const char *kept(const char *name)
{
	static char p[16][512];
	static int i;

	i = (i + 1) % 16;
	snprintf(p[i], sizeof(p[i]), "%s", path_of(name));
	return p[i];
}

static struct fit_create_opts base_opts(const char *key)
{
	struct fit_create_opts o = {
		.out_path = kept("out.fit"),
		.board = "qemu-x86_64",
		.n_keys = 1,
		.key = { { .path = kept(key) } },
		.n_images = 3,
		.image = {
			{ .path = kept("webkit.img"), .component = "webkit", .version = "26.3 (a)",
			  .base_version = "26.3", .security_version = 42, .requires = "libc>=2.36,kernel>=6.1" },
			{ .path = kept("libc.img"), .component = "libc", .version = "2.36", .security_version = 7 },
			{ .path = kept("tiny.img"), .component = "tiny_1", .version = "1", .security_version = 0 },
		},
	};

	return o;
}

static void round_trip(const struct keyring *kr, const char *key, const char *name, const char *algo)
{
	static const char *const images[] = { "webkit.img", "libc.img", "tiny.img" };
	struct fit_create_opts o = base_opts(key);
	struct fit_bundle *b = calloc(1, sizeof(*b));
	uint8_t digest[SHA256_LEN], *buf;
	struct sf_err err = { 0 };
	size_t len = 0, hs = 0;
	uint64_t expect_end;

	if (!ok(!fit_create(&o, &err), "%s: fit_create", algo))
		tap_diag("%s", err.msg);
	buf = tf_read(o.out_path, &len);
	if (!ok(buf != NULL, "%s: bundle written", algo)) {
		free(b);
		return;
	}
	ok(!fit_header_size(buf, len, &hs, &err), "header size readable");
	if (!ok(!fit_verify(buf, hs, len, kr, b, &err), "%s: fit_verify accepts it", algo))
		tap_diag("%s", err.msg);
	is_str(b->key_name, name, "key name from the key file name");
	is_str(b->algo, algo, "algorithm chosen by the key");
	is_str(b->config, "conf-1", "configuration conf-1");
	is_str(b->board, "qemu-x86_64", "board");
	is_int(b->n_images, 3, "three images");
	is_str(b->image[0].node, "webkit-1", "image node named after the component");
	is_str(b->image[0].version, "26.3 (a)", "version");
	is_str(b->image[0].base_version, "26.3", "base version");
	is_int(b->image[0].security_version, 42, "security version");
	is_int(b->image[0].n_requires, 2, "requires split at ','");
	is_str(b->image[0].requires[0].component, "libc", "requires[0]");
	is_str(b->image[0].requires[1].version, "6.1", "requires[1]");
	is_str(b->image[1].base_version, "", "libc is a baseline");
	is_str(b->image[2].component, "tiny_1", "third component");
	is_int(b->image[0].data_offset, 4096, "header padded to 4 KiB");
	expect_end = 0;
	for (unsigned int i = 0; i < b->n_images && i < 3; i++) {
		const struct fit_image *im = &b->image[i];
		size_t ilen;
		uint8_t *img = tf_read(path_of(images[i]), &ilen);

		ok(im->data_offset % 4096 == 0, "image %u at a 4 KiB boundary (%llu)", i,
		   (unsigned long long)im->data_offset);
		ok(i == 0 || im->data_offset == (b->image[i - 1].data_offset + b->image[i - 1].data_size + 4095) / 4096 * 4096,
		   "image %u at the next boundary after the previous one", i);
		is_int(im->data_size, ilen, "image %u size", i);
		ok(img && im->data_offset + ilen <= len && !memcmp(buf + im->data_offset, img, ilen),
		   "image %u bytes are the input file", i);
		ok(!sha256_buf(buf + im->data_offset, im->data_size, digest) && !memcmp(digest, im->sha256, 32),
		   "image %u hash is the signed hash", i);
		expect_end = im->data_offset + im->data_size;
		free(img);
	}
	is_int(len, expect_end, "the file ends with the last image");
	{
		bool zero = true;

		for (size_t i = hs; i < 4096; i++)
			zero = zero && !buf[i];
		ok(zero, "header padding is zero");
	}
	is_int(count_files("out.fit.tmp"), 0, "no temp file left");
	free(buf);
	free(b);
}

static void refused(struct fit_create_opts *o, int reason, const char *what)
{
	struct sf_err err = { 0 };
	int ret;

	o->out_path = kept("bad.fit");
	unlink(o->out_path);
	ret = fit_create(o, &err);
	if (!ok(ret == -sf_reason_cat(reason) && err.reason == reason, "%s: refused (%s)", what, sf_reason_name(reason)))
		tap_diag("ret %d, reason %s: '%s'", ret, sf_reason_name(err.reason), err.msg);
	else
		tap_diag("  \"%s\"", err.msg);
	ok(access(path_of("bad.fit"), F_OK) && count_files("bad.fit") == 0, "%s: nothing written", what);
}

static void test_refusals(void)
{
	struct fit_create_opts o;

	o = base_opts("dev.pem");
	o.image[0].component = "Web-Kit";
	refused(&o, SF_R_USAGE, "bad component");
	o = base_opts("dev.pem");
	o.image[1].version = " 2.36";
	refused(&o, SF_R_USAGE, "bad version");
	o = base_opts("dev.pem");
	o.image[0].base_version = NULL;
	refused(&o, SF_R_USAGE, "patch without base");
	o = base_opts("dev.pem");
	o.image[0].base_version = "26.2";
	refused(&o, SF_R_USAGE, "patch of another baseline");
	o = base_opts("dev.pem");
	o.image[1].base_version = "2.36";
	refused(&o, SF_R_USAGE, "baseline with a base version");
	o = base_opts("dev.pem");
	o.image[0].requires = "libc=2.36";
	refused(&o, SF_R_USAGE, "bad requires");
	o = base_opts("dev.pem");
	o.image[0].requires = "a>=1,b>=1,c>=1,d>=1,e>=1,f>=1,g>=1,h>=1,i>=1";
	refused(&o, SF_R_USAGE, "too many requires");
	o = base_opts("dev.pem");
	o.image[2].component = "webkit";
	refused(&o, SF_R_USAGE, "duplicate component");
	o = base_opts("dev.pem");
	o.n_images = 0;
	refused(&o, SF_R_USAGE, "no image");
	o = base_opts("dev.pem");
	o.n_images = CONFIG_MAX_BUNDLE_IMAGES + 1;
	refused(&o, SF_R_USAGE, "too many images");
	o = base_opts("dev.pem");
	o.board = "";
	refused(&o, SF_R_USAGE, "empty board");
	o = base_opts("dev.pem");
	o.key[0].name = "bad name";
	refused(&o, SF_R_USAGE, "key name with a blank");
	o = base_opts("dev.pem");
	o.image[1].path = kept("missing.img");
	refused(&o, SF_R_INPUT_NOT_FOUND, "missing image file");
	o = base_opts("dev.pem");
	o.image[1].path = kept("empty.img");
	refused(&o, SF_R_USAGE, "empty image file");
	o = base_opts("dev.pem");
	o.image[1].path = dir;
	refused(&o, SF_R_INPUT_NOT_FILE, "a folder as image");
	o = base_opts("missing.pem");
	refused(&o, SF_R_SIGNING_KEY, "missing key");
	o = base_opts("webkit.img");
	refused(&o, SF_R_SIGNING_KEY, "key file that is no key");
	o = base_opts("dev-public.pem");
	refused(&o, SF_R_SIGNING_KEY, "public key instead of a private one");

	o = base_opts("p384.pem");
	refused(&o, SF_R_SIGNING_KEY, "P-384 key");

	o = base_opts("dev.pem");
	o.out_path = kept("no/such/dir/out.fit");
	{
		struct sf_err err = { 0 };
		int ret = fit_create(&o, &err);

		ok(ret == -SF_EIO && err.reason == SF_R_OUTPUT_IO, "output folder missing: %s", err.msg);
	}
}

static void test_replace_and_names(const struct keyring *kr)
{
	struct fit_create_opts o = base_opts("ec.pem");
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err = { 0 };
	size_t len, hs;
	uint8_t *buf;

	tf_write(path_of("out.fit"), "old", 3);
	o.n_images = 1;
	o.image[0].requires = NULL;
	ok(!fit_create(&o, &err), "fit_create over an existing file");
	buf = tf_read(o.out_path, &len);
	ok(buf && len > 4096 && !fit_header_size(buf, len, &hs, &err) && !fit_verify(buf, hs, len, kr, b, &err),
	   "the old file was replaced by a valid bundle");
	free(buf);

	/* the key's name decides key-name-hint: a name not in the keyring is not trusted */
	o.key[0].name = "other";
	ok(!fit_create(&o, &err), "fit_create with key name 'other'");
	buf = tf_read(o.out_path, &len);
	ok(buf && !fit_header_size(buf, len, &hs, &err) && fit_verify(buf, hs, len, kr, b, &err) == -SF_EVERIFY &&
		   err.reason == SF_R_UNKNOWN_KEY,
	   "signed with 'other': %s", err.msg);
	free(buf);
	free(b);
}

/* Verifies out.fit with the keys of folder @keyring alone. */
static int verify_with(const char *keyring, struct fit_bundle *b, struct sf_err *err)
{
	struct keyring *kr = NULL;
	size_t len = 0, hs = 0;
	uint8_t *buf = tf_read(path_of("out.fit"), &len);
	int ret = keyring_load(&kr, path_of(keyring), err);

	ret = ret ?: buf ? fit_header_size(buf, len, &hs, err) : -1;
	ret = ret ?: fit_verify(buf, hs, len, kr, b, err);
	keyring_free(kr);
	free(buf);
	return ret;
}

/* Several keys: one signature node each, over the same regions; each verifies alone (docs/keys.md). */
static void test_dual_signing(void)
{
	struct fit_create_opts o = base_opts("dev.pem");
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct fit_sig_info sigs[4];
	unsigned int n_sigs = 4;
	struct sf_err err = { 0 };
	size_t len = 0, hs = 0;
	uint8_t *buf;

	o.n_keys = 2;
	o.key[1].path = kept("ec.pem");
	o.key[1].name = "next";
	if (!ok(!fit_create(&o, &err), "fit_create with two keys"))
		tap_diag("%s", err.msg);
	buf = tf_read(o.out_path, &len);
	ok(buf && !fit_header_size(buf, len, &hs, &err) && !fit_inspect(buf, hs, len, b, sigs, &n_sigs, &err),
	   "the bundle parses");
	is_int(n_sigs, 2, "two signature nodes");
	is_str(sigs[0].key_name_hint, "dev", "  signature-1 by dev");
	is_str(sigs[1].key_name_hint, "next", "  signature-2 by the second key, named by -n");
	is_str(sigs[1].algo, "sha256,ecdsa256", "  with its own algorithm");
	free(buf);
	ok(!verify_with("only-dev", b, &err), "verifies with dev alone");
	is_str(b->key_name, "dev", "  signed with dev");
	if (!ok(!verify_with("only-next", b, &err), "verifies with the second key alone"))
		tap_diag("%s", err.msg);
	is_str(b->key_name, "next", "  signed with next");
	ok(verify_with("keyring", b, &err) == 0, "verifies with a keyring that does not know the second key");

	o.key[1].name = "dev";
	refused(&o, SF_R_USAGE, "two keys of one name");
	o.key[1].name = NULL;
	o.key[1].path = kept("missing.pem");
	refused(&o, SF_R_SIGNING_KEY, "a second key that cannot be read");
	o.n_keys = 0;
	refused(&o, SF_R_USAGE, "no key");
	free(b);
}

int main(void)
{
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };
	struct fb_key dev, ec;
	char cmd[1024];
	int ret;

	if (!IS_ENABLED(CONFIG_BUNDLE_CREATE)) {
		struct fit_create_opts o = { 0 };

		ok(fit_create(&o, &err) == -SF_EUSAGE && strstr(err.msg, "without bundle creation"),
		   "without CONFIG_BUNDLE_CREATE fit_create refuses: %s", err.msg);
		return tap_done();
	}
	if (!fb_both_algorithms())
		return tap_done();
	dir = fb_tmpdir();
	fb_key_gen(&dev, "dev", FB_RSA2048);
	fb_key_gen(&ec, "ec", FB_EC256);
	fb_key_write_private(&dev, path_of("dev.pem"));
	fb_key_write_private(&ec, path_of("ec.pem"));
	mkdir(path_of("keyring"), 0755);
	fb_key_write_public(&dev, path_of("keyring"));
	fb_key_write_public(&ec, path_of("keyring"));
	mkdir(path_of("only-dev"), 0755);
	fb_key_write_public(&dev, path_of("only-dev"));
	mkdir(path_of("only-next"), 0755);
	fb_key_write_public(&ec, path_of("only-next"));
	rename(path_of("only-next/ec.pem"), path_of("only-next/next.pem"));
	mkdir(path_of("pub"), 0755);
	fb_key_write_public(&dev, path_of("pub"));
	rename(path_of("pub/dev.pem"), path_of("dev-public.pem"));
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out big.key 2>/dev/null"
		 " && openssl pkey -in big.key -pubout -out keyring/big.pem"
		 " && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem 2>/dev/null",
		 dir);
	ret = system(cmd);
	ok(ret == 0, "openssl made an RSA-4096 and a P-384 key");
	make_image("webkit.img", 0, 10000);
	make_image("libc.img", 1, 8192);
	make_image("tiny.img", 2, 1);
	tf_write(path_of("empty.img"), "", 0);
	if (!ok(!keyring_load(&kr, path_of("keyring"), &err), "keyring loads"))
		tap_diag("%s", err.msg);

	round_trip(kr, "dev.pem", "dev", "sha256,rsa2048");
	round_trip(kr, "ec.pem", "ec", "sha256,ecdsa256");
	round_trip(kr, "big.key", "big", "sha256,rsa4096");
	test_refusals();
	test_replace_and_names(kr);
	test_dual_signing();

	keyring_free(kr);
	fb_key_free(&dev);
	fb_key_free(&ec);
	fb_rmtree(dir);
	free(dir);
	return tap_done();
}
