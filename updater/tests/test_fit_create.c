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
#include "tests/support/fitbuild.h"

static char *dir;

static char *path_of(const char *name)
{
	static char p[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static uint8_t *read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st)) {
		buf = malloc((size_t)st.st_size + 1);
		if (buf && read(fd, buf, (size_t)st.st_size) != st.st_size) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)st.st_size;
	}
	close(fd);
	return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		abort();
}

static void make_image(const char *name, unsigned int index, size_t size)
{
	uint8_t *data = malloc(size ? size : 1);

	fb_image_data(index, data, size);
	write_file(path_of(name), data, size);
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

static struct fit_create_opts base_opts(const char *key)
{
	struct fit_create_opts o = {
		.out_path = path_of("out.fit"),
		.board = "qemu-x86_64",
		.key_path = path_of(key),
		.n_images = 3,
		.image = {
			{ .path = path_of("webkit.img"), .component = "webkit", .version = "26.3 (a)",
			  .base_version = "26.3", .security_version = 42, .requires = "libc>=2.36,kernel>=6.1" },
			{ .path = path_of("libc.img"), .component = "libc", .version = "2.36", .security_version = 7 },
			{ .path = path_of("tiny.img"), .component = "tiny_1", .version = "1", .security_version = 0 },
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
	buf = read_file(o.out_path, &len);
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
		uint8_t *img = read_file(path_of(images[i]), &ilen);

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

static void refused(struct fit_create_opts *o, int cat, const char *want, const char *what)
{
	struct sf_err err = { 0 };
	int ret;

	unlink(path_of("bad.fit"));
	o->out_path = path_of("bad.fit");
	ret = fit_create(o, &err);
	if (!ok(ret == -cat && strstr(err.msg, want), "%s: refused", what))
		tap_diag("ret %d, '%s', expected %d '%s'", ret, err.msg, -cat, want);
	else
		tap_diag("  \"%s\"", err.msg);
	ok(access(path_of("bad.fit"), F_OK) && count_files("bad.fit") == 0, "%s: nothing written", what);
}

static void test_refusals(void)
{
	struct fit_create_opts o;

	o = base_opts("dev.pem");
	o.image[0].component = "Web-Kit";
	refused(&o, SF_EUSAGE, "component 'Web-Kit'", "bad component");
	o = base_opts("dev.pem");
	o.image[1].version = " 2.36";
	refused(&o, SF_EUSAGE, "version ' 2.36' is not valid", "bad version");
	o = base_opts("dev.pem");
	o.image[0].base_version = NULL;
	refused(&o, SF_EUSAGE, "is a patch version and needs a base version", "patch without base");
	o = base_opts("dev.pem");
	o.image[0].base_version = "26.2";
	refused(&o, SF_EUSAGE, "is not a patch of base version '26.2'", "patch of another baseline");
	o = base_opts("dev.pem");
	o.image[1].base_version = "2.36";
	refused(&o, SF_EUSAGE, "is not a patch of base version", "baseline with a base version");
	o = base_opts("dev.pem");
	o.image[0].requires = "libc=2.36";
	refused(&o, SF_EUSAGE, "requires entry 'libc=2.36' is not component>=version", "bad requires");
	o = base_opts("dev.pem");
	o.image[0].requires = "a>=1,b>=1,c>=1,d>=1,e>=1,f>=1,g>=1,h>=1,i>=1";
	refused(&o, SF_EUSAGE, "more than 8 requires entries", "too many requires");
	o = base_opts("dev.pem");
	o.image[2].component = "webkit";
	refused(&o, SF_EUSAGE, "component 'webkit' is given twice", "duplicate component");
	o = base_opts("dev.pem");
	o.n_images = 0;
	refused(&o, SF_EUSAGE, "1 to 8 images", "no image");
	o = base_opts("dev.pem");
	o.n_images = CONFIG_MAX_BUNDLE_IMAGES + 1;
	refused(&o, SF_EUSAGE, "1 to 8 images", "too many images");
	o = base_opts("dev.pem");
	o.board = "";
	refused(&o, SF_EUSAGE, "board '' must be 1 to 63", "empty board");
	o = base_opts("dev.pem");
	o.key_name = "bad name";
	refused(&o, SF_EUSAGE, "key name 'bad name'", "key name with a blank");
	o = base_opts("dev.pem");
	o.image[1].path = path_of("missing.img");
	refused(&o, SF_EIO, "cannot open image", "missing image file");
	o = base_opts("dev.pem");
	o.image[1].path = path_of("empty.img");
	refused(&o, SF_EUSAGE, "is empty", "empty image file");
	o = base_opts("dev.pem");
	o.image[1].path = dir;
	refused(&o, SF_EIO, "is not a regular file", "a folder as image");
	o = base_opts("missing.pem");
	refused(&o, SF_ECONFIG, "cannot read private key", "missing key");
	o = base_opts("webkit.img");
	refused(&o, SF_ECONFIG, "cannot read private key", "key file that is no key");
	o = base_opts("dev-public.pem");
	refused(&o, SF_ECONFIG, "cannot read private key", "public key instead of a private one");

	o = base_opts("p384.pem");
	refused(&o, SF_ECONFIG, "is not RSA-2048, RSA-4096 or EC P-256", "P-384 key");

	o = base_opts("dev.pem");
	o.out_path = path_of("no/such/dir/out.fit");
	{
		struct sf_err err = { 0 };
		int ret = fit_create(&o, &err);

		ok(ret == -SF_EIO && strstr(err.msg, "cannot create"), "output folder missing: %s", err.msg);
	}
}

static void test_replace_and_names(const struct keyring *kr)
{
	struct fit_create_opts o = base_opts("ec.pem");
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err = { 0 };
	size_t len, hs;
	uint8_t *buf;

	write_file(path_of("out.fit"), "old", 3);
	o.n_images = 1;
	o.image[0].requires = NULL;
	ok(!fit_create(&o, &err), "fit_create over an existing file");
	buf = read_file(o.out_path, &len);
	ok(buf && len > 4096 && !fit_header_size(buf, len, &hs, &err) && !fit_verify(buf, hs, len, kr, b, &err),
	   "the old file was replaced by a valid bundle");
	free(buf);

	/* key_name decides key-name-hint: a name not in the keyring is not trusted */
	o.key_name = "other";
	ok(!fit_create(&o, &err), "fit_create with key name 'other'");
	buf = read_file(o.out_path, &len);
	ok(buf && !fit_header_size(buf, len, &hs, &err) && fit_verify(buf, hs, len, kr, b, &err) == -SF_EVERIFY &&
		   strstr(err.msg, "signed with 'other'"),
	   "signed with 'other': %s", err.msg);
	free(buf);
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
	if (!IS_ENABLED(CONFIG_SIG_RSA) || !IS_ENABLED(CONFIG_SIG_ECDSA)) {
		/* the fixtures use both algorithms; test_keyring checks the refusal */
		tap_diag("skipped: needs CONFIG_SIG_RSA and CONFIG_SIG_ECDSA");
		return tap_done();
	}
	dir = fb_tmpdir();
	fb_key_gen(&dev, "dev", FB_RSA2048);
	fb_key_gen(&ec, "ec", FB_EC256);
	fb_key_write_private(&dev, path_of("dev.pem"));
	fb_key_write_private(&ec, path_of("ec.pem"));
	mkdir(path_of("keyring"), 0755);
	fb_key_write_public(&dev, path_of("keyring"));
	fb_key_write_public(&ec, path_of("keyring"));
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
	write_file(path_of("empty.img"), "", 0);
	if (!ok(!keyring_load(&kr, path_of("keyring"), &err), "keyring loads"))
		tap_diag("%s", err.msg);

	round_trip(kr, "dev.pem", "dev", "sha256,rsa2048");
	round_trip(kr, "ec.pem", "ec", "sha256,ecdsa256");
	round_trip(kr, "big.key", "big", "sha256,rsa4096");
	test_refusals();
	test_replace_and_names(kr);

	keyring_free(kr);
	fb_key_free(&dev);
	fb_key_free(&ec);
	fb_rmtree(dir);
	free(dir);
	return tap_done();
}
