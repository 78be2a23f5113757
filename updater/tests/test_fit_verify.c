// SPDX-License-Identifier: MIT
/*
 * fit_verify() and fit_inspect() on in-memory bundles: what verifies, and every
 * refusal with the reason it must give (fit.c and its parts: fit_walk.c,
 * fit_check.c, fit_prop.c, fit_layout.c, fit_sig.c, fit_meta.c). Keys are generated for this run; the
 * keyring folder holds "dev" (RSA-2048) and "ec" (P-256); "evil" and "mallory"
 * sign but are not trusted.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit.h"
#include "fit/fit_internal.h"
#include "fit/keyring.h"
#include "sf_kconfig.h"
#include "tap.h"
#include "tests/support/fitbuild.h"

#define SIG "/configurations/conf-1/signature-1"
#define IMG "/images/webkit-1"
#define CONF "/configurations/conf-1"

static struct fb_key dev, ec, evil, mallory;
static struct keyring *kr;

static const struct fb_image one[] = {
	{ .node = "webkit-1", .component = "webkit", .version = "26.3", .sv = 7, .size = 3000 },
};

static const char *const std_inc[] = { "/", CONF, IMG, IMG "/hash-1" };

static int verify(const void *blob, size_t size, uint64_t file_size, struct fit_bundle *b, struct sf_err *err)
{
	memset(err, 0, sizeof(*err));
	return fit_verify(blob, size, file_size, kr, b, err);
}

/* Checks a refusal and its reason; frees @blob. */
static void refused_sized(void *blob, size_t size, uint64_t file_size, int reason, const char *what)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err;
	int ret;

	ret = verify(blob, size, file_size, b, &err);
	is_reason(ret, &err, reason, "%s: refused", what);
	free(b);
	free(blob);
}

static void refused(void *blob, size_t size, int reason, const char *what)
{
	refused_sized(blob, size, FIT_SIZE_UNKNOWN, reason, what);
}

/* As refused(), and the message holds @where: the one line must say what was wrong and where. */
static void refused_saying(void *blob, size_t size, int reason, const char *where, const char *what)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err;
	int ret;

	ret = verify(blob, size, FIT_SIZE_UNKNOWN, b, &err);
	is_reason(ret, &err, reason, "%s: refused", what);
	ok(strstr(err.msg, where) != NULL, "  the message says '%s': %s", where, err.msg);
	free(b);
	free(blob);
}

static void accepted(void *blob, size_t size, const char *what)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err;
	int ret;

	ret = verify(blob, size, FIT_SIZE_UNKNOWN, b, &err);
	if (!ok(ret == 0, "%s: verifies", what))
		tap_diag("ret %d: %s", ret, err.msg);
	free(b);
	free(blob);
}

/* Builds @t, signs it genuinely with @k (or over @inc), frees @t. */
static void *signed_tree(struct fb_node *t, const struct fb_key *k, const char *const *inc, unsigned int n_inc,
			 size_t *size)
{
	void *blob = fb_build(t, 0, size);

	fb_tree_free(t);
	fb_sign(blob, SIG, k, inc, n_inc, FB_HS_FULL, true);
	return blob;
}

static void set_u32(void *blob, const char *path, const char *prop, uint32_t v)
{
	int ret = fdt_setprop_inplace_u32(blob, fdt_path_offset(blob, path), prop, v);

	if (ret)
		abort();
}

static void test_valid(void)
{
	static const struct fb_image two[] = {
		{ .node = "webkit-1", .component = "webkit", .version = "26.3 (a)", .base = "26.3", .sv = 9,
		  .size = 5000, .requires = "libc>=2.36\0kernel>=6.1", .requires_len = 23 },
		{ .node = "libc-1", .component = "libc", .version = "2.36", .sv = 2, .size = 4096 },
	};
	struct fit_bundle *b = calloc(1, sizeof(*b));
	uint8_t data[5000], digest[SHA256_LEN];
	struct sf_err err;
	size_t size;
	void *blob;

	blob = fb_make_bundle(one, 1, &dev, &size);
	ok(!verify(blob, size, FIT_SIZE_UNKNOWN, b, &err), "RSA-2048 bundle verifies");
	is_str(b->key_name, "dev", "verified by dev");
	is_str(b->algo, "sha256,rsa2048", "algo");
	is_str(b->config, "conf-1", "configuration");
	is_str(b->board, "qemu-x86_64", "board from compatible");
	is_int(b->header_size, size, "header size");
	is_int(b->n_images, 1, "one image");
	is_str(b->image[0].node, "webkit-1", "image node");
	is_str(b->image[0].component, "webkit", "component");
	is_str(b->image[0].version, "26.3", "version");
	is_str(b->image[0].base_version, "", "a baseline");
	is_int(b->image[0].security_version, 7, "security version");
	is_int(b->image[0].n_requires, 0, "no requires");
	is_int(b->image[0].data_offset, 4096, "data at 4096");
	is_int(b->image[0].data_size, 3000, "data size");
	fb_image_data(0, data, 3000);
	ok(!sha256_buf(data, 3000, digest) && !memcmp(digest, b->image[0].sha256, SHA256_LEN), "signed sha256");
	ok(!verify(blob, size, 4096 + 3000, b, &err), "verifies with the exact file size");
	free(blob);

	blob = fb_make_bundle(one, 1, &ec, &size);
	ok(!verify(blob, size, FIT_SIZE_UNKNOWN, b, &err), "ECDSA P-256 bundle verifies");
	is_str(b->key_name, "ec", "verified by ec");
	is_str(b->algo, "sha256,ecdsa256", "algo");
	free(blob);

	blob = fb_make_bundle(two, 2, &ec, &size);
	if (!ok(!verify(blob, size, 4096 + 8192 + 4096, b, &err), "two-image bundle verifies"))
		tap_diag("%s", err.msg);
	is_int(b->n_images, 2, "two images");
	is_str(b->image[0].version, "26.3 (a)", "patch version");
	is_str(b->image[0].base_version, "26.3", "its base version");
	is_int(b->image[0].n_requires, 2, "two requires");
	is_str(b->image[0].requires[0].component, "libc", "requires[0] component");
	is_str(b->image[0].requires[0].version, "2.36", "requires[0] version");
	is_str(b->image[0].requires[1].component, "kernel", "requires[1] component");
	is_int(b->image[1].data_offset, 4096 + 8192, "second image 4 KiB aligned after the first");
	is_str(b->image[1].component, "libc", "second component");
	free(blob);

	/* libfdt wants 8-byte alignment: the verifier copies what is not aligned */
	blob = fb_make_bundle(one, 1, &dev, &size);
	{
		uint8_t *odd = malloc(size + 1);

		memcpy(odd + 1, blob, size);
		ok(!verify(odd + 1, size, FIT_SIZE_UNKNOWN, b, &err), "an unaligned buffer verifies");
		free(odd);
	}
	/* padding "pkcs-1.5" is what an RSA key demands anyway */
	free(blob);
	{
		struct fb_node *t = fb_bundle(one, 1, &dev);

		fb_prop_str(t, SIG, "padding", "pkcs-1.5");
		blob = signed_tree(t, &dev, NULL, 0, &size);
		accepted(blob, size, "explicit pkcs-1.5 padding");
	}
	free(b);
}

/* What the signature does not cover may change; what it covers may not. */
static void test_forged(void)
{
	size_t size;
	uint8_t *blob;
	int node, len;
	char *v;

	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, IMG, "slotflip,security-version", 99);
	refused(blob, size, SF_R_SIGNATURE, "security-version changed after signing");

	blob = fb_make_bundle(one, 1, &ec, &size);
	node = fdt_path_offset(blob, IMG);
	v = (char *)fdt_getprop(blob, node, "slotflip,version", &len);
	v[0] = '9';
	refused(blob, size, SF_R_SIGNATURE, "version changed after signing (ECDSA)");

	blob = fb_make_bundle(one, 1, &dev, &size);
	node = fdt_path_offset(blob, IMG "/hash-1");
	v = (char *)fdt_getprop(blob, node, "value", &len);
	v[31] ^= 1;
	refused(blob, size, SF_R_SIGNATURE, "image hash changed after signing");

	blob = fb_make_bundle(one, 1, &dev, &size);
	node = fdt_path_offset(blob, CONF);
	v = (char *)fdt_getprop(blob, node, "compatible", &len);
	v[0] = 'Q';
	refused(blob, size, SF_R_SIGNATURE, "board changed after signing");

	blob = fb_make_bundle(one, 1, &dev, &size);
	node = fdt_path_offset(blob, "/");
	v = (char *)fdt_getprop(blob, node, "description", &len);
	v[0] = 'X';
	refused(blob, size, SF_R_SIGNATURE, "root description changed after signing");

	blob = fb_make_bundle(one, 1, &dev, &size);
	node = fdt_path_offset(blob, SIG);
	v = (char *)fdt_getprop(blob, node, "value", &len);
	v[len - 1] ^= 1;
	refused(blob, size, SF_R_SIGNATURE, "signature value changed");

	/* unsigned by design: the signature's own properties, data-position */
	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, SIG, "timestamp", 1);
	set_u32(blob, IMG, "data-position", 8192);
	accepted(blob, size, "signature timestamp and data-position are not signed");
}

/*
 * @blob (freed) again, its signature value followed by @extra zero bytes: the
 * value is not signed, so what the signature covers is unchanged.
 */
static void *longer_value(void *blob, size_t *size, int extra)
{
	uint8_t value[1024];
	const void *v;
	size_t room = *size + 64;
	void *out = calloc(1, room);
	int len, node;

	if (!out || fdt_open_into(blob, out, (int)room))
		abort();
	free(blob);
	node = fdt_path_offset(out, SIG);
	v = fdt_getprop(out, node, "value", &len);
	if (!v || len + extra > (int)sizeof(value))
		abort();
	memset(value, 0, sizeof(value));
	memcpy(value, v, (size_t)len);
	if (fdt_setprop(out, node, "value", value, len + extra) || fdt_pack(out))
		abort();
	*size = fdt_totalsize(out);
	return out;
}

/* A genuine signature value with bytes after it: r||s is exactly 64 bytes, RSA the modulus' length. */
static void test_value_length(void)
{
	size_t size;
	void *blob;

	blob = longer_value(fb_make_bundle(one, 1, &ec, &size), &size, 0);
	accepted(blob, size, "the signature value moved, not changed (the test's own control)");
	blob = longer_value(fb_make_bundle(one, 1, &ec, &size), &size, 1);
	refused(blob, size, SF_R_SIGNATURE, "ECDSA value of 65 bytes (r||s and one more)");
	blob = longer_value(fb_make_bundle(one, 1, &ec, &size), &size, 64);
	refused(blob, size, SF_R_SIGNATURE, "ECDSA value of 128 bytes");
	blob = longer_value(fb_make_bundle(one, 1, &dev, &size), &size, 1);
	refused(blob, size, SF_R_SIGNATURE, "RSA-2048 value of 257 bytes");
}

static void test_keys(void)
{
	struct fb_node *t;
	size_t size;
	void *blob;

	t = fb_bundle(one, 1, &dev);
	fb_node_del(t, SIG);
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	refused(blob, size, SF_R_UNSIGNED, "no signature node");

	blob = fb_make_bundle(one, 1, &evil, &size);
	refused(blob, size, SF_R_UNKNOWN_KEY, "signed by an untrusted key");

	/* mallory signs but claims to be dev */
	t = fb_bundle(one, 1, &dev);
	blob = signed_tree(t, &mallory, NULL, 0, &size);
	refused(blob, size, SF_R_SIGNATURE, "other RSA key named dev");

	t = fb_bundle(one, 1, &ec);
	blob = signed_tree(t, &evil, NULL, 0, &size);
	refused(blob, size, SF_R_SIGNATURE, "other EC key named ec");

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, SIG, "algo", "sha256,rsa4096");
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_ALGORITHM,
		"rsa4096 claimed for a 2048-bit key");

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, SIG, "algo", "sha1,rsa2048");
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_ALGORITHM, "sha1 claimed");

	t = fb_bundle(one, 1, &ec);
	fb_prop_str(t, SIG, "algo", "sha256,rsa2048");
	blob = signed_tree(t, &ec, NULL, 0, &size);
	refused(blob, size, SF_R_ALGORITHM,
		"RSA claimed for an EC key");

	/* the bundle's strings reach messages sanitized (found by fuzz_fit: a newline in algo) */
	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, SIG, "algo", "sha2\n6,rsa2048");
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_ALGORITHM, "newline in algo");

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, SIG, "padding", "p\x1b[2Jss");
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_ALGORITHM, "escape sequence in padding");

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, SIG, "padding", "pss");
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_ALGORITHM, "pss padding against a PKCS#1 key");

	t = fb_bundle(one, 1, &ec);
	fb_prop_str(t, SIG, "padding", "pkcs-1.5");
	blob = signed_tree(t, &ec, NULL, 0, &size);
	refused(blob, size, SF_R_ALGORITHM, "padding on an ECDSA signature");

}

/* Several signature nodes: which are looked at, and which failure is reported. */
static void test_several_signatures(void)
{
	struct fb_node *t;
	size_t size;
	void *blob;

	/* a first signature by an unknown key does not stop a second, trusted one */
	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, CONF "/signature-0", "key-name-hint", "unknown");
	fb_prop_str(t, CONF "/signature-0", "algo", "sha256,rsa2048");
	fb_node_to_end(t, SIG);
	blob = signed_tree(t, &dev, NULL, 0, &size);
	accepted(blob, size, "a signature by an unknown key is skipped");

	/* a failing trusted signature is reported even when an untrusted one exists */
	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, CONF "/signature-0", "key-name-hint", "unknown");
	blob = signed_tree(t, &mallory, NULL, 0, &size);
	refused(blob, size, SF_R_SIGNATURE, "most specific message wins");

	/* only CONFIG_MAX_SIGNATURES signature nodes are looked at */
	t = fb_bundle(one, 1, &dev);
	for (int i = 0; i < CONFIG_MAX_SIGNATURES - 1; i++) {
		char path[64];

		snprintf(path, sizeof(path), CONF "/signature-0%d", i);
		fb_prop_str(t, path, "key-name-hint", "evil");
	}
	fb_node_to_end(t, SIG);
	blob = signed_tree(t, &dev, NULL, 0, &size);
	accepted(blob, size, "a valid signature as the CONFIG_MAX_SIGNATURES-th node");

	t = fb_bundle(one, 1, &dev);
	for (int i = 0; i < CONFIG_MAX_SIGNATURES; i++) {
		char path[64];

		snprintf(path, sizeof(path), CONF "/signature-0%d", i);
		fb_prop_str(t, path, "key-name-hint", "evil");
	}
	fb_node_to_end(t, SIG);
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_UNKNOWN_KEY,
		"a valid signature after CONFIG_MAX_SIGNATURES others is not looked at");

	t = fb_bundle(one, 1, &dev);
	fb_prop_del(t, SIG, "sign-images");
	fb_prop_str(t, SIG, "sign-images", "kernel");
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_MALFORMED, "sign-images without loadables");
}

/* hashed-nodes is never trusted: the node list is rebuilt from the configuration. */
static void test_hashed_nodes(void)
{
	static const char *const short_inc[] = { "/", CONF };
	struct fb_node *t;
	size_t size;
	uint8_t *blob;

	/* an attacker re-signs a reduced node list with a key of its own */
	t = fb_bundle(one, 1, &evil);
	fb_prop(t, SIG, "hashed-nodes", "/\0" CONF, sizeof("/\0" CONF));
	blob = signed_tree(t, &evil, short_inc, 2, &size);
	set_u32(blob, IMG, "slotflip,security-version", 1000);
	refused(blob, size, SF_R_UNKNOWN_KEY, "reduced list, untrusted key");

	t = fb_bundle(one, 1, &ec);
	fb_prop(t, SIG, "hashed-nodes", "/\0" CONF, sizeof("/\0" CONF));
	blob = signed_tree(t, &evil, short_inc, 2, &size);
	refused(blob, size, SF_R_SIGNATURE, "reduced list, attacker key named ec");

	/*
	 * A trusted key signed only what hashed-nodes lists (the image left
	 * out): a verifier that believed hashed-nodes would accept a changed
	 * image. Ours covers the image and refuses, changed or not.
	 */
	t = fb_bundle(one, 1, &dev);
	fb_prop(t, SIG, "hashed-nodes", "/\0" CONF, sizeof("/\0" CONF));
	blob = signed_tree(t, &dev, short_inc, 2, &size);
	set_u32(blob, IMG, "slotflip,security-version", 1000);
	refused(blob, size, SF_R_SIGNATURE, "trusted key over a lying list, image changed");

	t = fb_bundle(one, 1, &dev);
	fb_prop(t, SIG, "hashed-nodes", "/\0" CONF, sizeof("/\0" CONF));
	blob = signed_tree(t, &dev, short_inc, 2, &size);
	refused(blob, size, SF_R_SIGNATURE, "trusted key over a lying list, unchanged");

	/* the genuine signature stays, hashed-nodes is cut, an unlisted property changes */
	blob = fb_make_bundle(one, 1, &dev, &size);
	{
		int node = fdt_path_offset(blob, SIG), len;
		char *hn = (char *)fdt_getprop(blob, node, "hashed-nodes", &len);

		/* same length, fewer entries: "/images/webkit-1" becomes NULs */
		for (char *p = hn; p < hn + len; p += strlen(p) + 1)
			if (!strcmp(p, IMG))
				memset(p, 0, strlen(p));
	}
	set_u32(blob, IMG, "slotflip,security-version", 1000);
	refused(blob, size, SF_R_SIGNATURE, "genuine signature, hashed-nodes cut");
}

static void test_structure(void)
{
	struct fb_node *t;
	size_t size;
	uint8_t *blob;

	t = fb_bundle(one, 1, &dev);
	blob = fb_build(t, 1, &size);
	fb_tree_free(t);
	refused(blob, size, SF_R_MALFORMED, "two root nodes");

	t = fb_bundle(one, 1, &dev);
	fb_node_rename(t, IMG, "webkit@1");
	fb_prop(t, CONF, "loadables", "webkit@1", 9);
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	refused_saying(blob, size, SF_R_MALFORMED, "node '/images/webkit@1' has a unit address", "'@' in an image name");

	t = fb_bundle(one, 1, &dev);
	fb_node_rename(t, CONF, "conf@1");
	fb_prop_str(t, "/configurations", "default", "conf@1");
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	refused_saying(blob, size, SF_R_MALFORMED, "has a unit address", "'@' in a configuration name");

	t = fb_bundle(one, 1, &dev);
	fb_node_rename(t, IMG "/hash-1", "hash-1@0");
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	refused_saying(blob, size, SF_R_MALFORMED, "node '/images/webkit-1/hash-1@0' has a unit address",
		       "'@' in a hash node name");

	/* the root's name is empty (DTSpec): refused before any signature, saying so */
	t = fb_bundle(one, 1, &dev);
	fb_node_rename(t, "/", "fit");
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	refused_saying(blob, size, SF_R_MALFORMED, "root node has a name", "a root node with a name");

	t = fb_bundle(one, 1, &dev);
	fb_node_add(t, "/images", "webkit-1");
	fb_prop_u32(t, "/images/webkit-1", "x", 1);
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	refused(blob, size, SF_R_MALFORMED, "duplicate sibling");

	t = fb_bundle(one, 1, &dev);
	fb_node_add(t, CONF, "signature-1");
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	refused(blob, size, SF_R_MALFORMED,
		"duplicate signature node");

	t = fb_bundle(one, 1, &dev);
	fb_node_rename(t, IMG, "web/kit");
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	refused(blob, size, SF_R_MALFORMED, "'/' in a node name");

}

/* The configuration decides the signed set: what it may and may not name. */
static void test_configuration(void)
{
	struct fb_node *t;
	size_t size;
	uint8_t *blob;

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, "/configurations", "default", "conf-9");
	blob = signed_tree(t, &dev, std_inc, 4, &size);
	refused(blob, size, SF_R_MALFORMED,
		"default names a missing configuration");

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, "/configurations", "default", "/images/webkit-1");
	blob = signed_tree(t, &dev, std_inc, 4, &size);
	refused(blob, size, SF_R_MALFORMED, "default is a path");

	t = fb_bundle(one, 1, &dev);
	fb_prop(t, CONF, "loadables", "webkit-1\0nope", 14);
	blob = signed_tree(t, &dev, std_inc, 4, &size);
	refused(blob, size, SF_R_MALFORMED,
		"loadables names a missing image");

	t = fb_bundle(one, 1, &dev);
	fb_prop(t, CONF, "loadables", "webkit-1\0webkit-1", 18);
	blob = signed_tree(t, &dev, std_inc, 4, &size);
	refused(blob, size, SF_R_MALFORMED, "an image listed twice");

	t = fb_bundle(one, 1, &dev);
	fb_node_del(t, IMG "/hash-1");
	blob = signed_tree(t, &dev, std_inc, 3, &size);
	refused(blob, size, SF_R_MALFORMED, "image without hash node");

	t = fb_bundle(one, 1, &dev);
	{
		uint8_t v[20] = { 0 };

		fb_prop(t, IMG "/hash-1", "value", v, sizeof(v));
	}
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_MALFORMED, "hash value of 20 bytes");

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, IMG "/hash-1", "algo", "sha1");
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_MALFORMED, "sha1 image hash");

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, IMG "/hash-1", "algo", "sha224");
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_MALFORMED, "sha224 image hash (32-byte value)");

	t = fb_bundle(one, 1, &dev);
	{
		uint8_t v[33] = { 0 };

		fb_prop(t, IMG "/hash-1", "value", v, sizeof(v));
	}
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_MALFORMED, "hash value of 33 bytes");

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, CONF, "kernel", "webkit-1");
	blob = signed_tree(t, &dev, std_inc, 4, &size);
	refused(blob, size, SF_R_MALFORMED, "kernel = reference");

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, CONF, "fdt", "webkit-1");
	blob = signed_tree(t, &dev, std_inc, 4, &size);
	refused(blob, size, SF_R_MALFORMED, "fdt = reference");

	t = fb_bundle(one, 1, &dev);
	fb_prop_del(t, CONF, "loadables");
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	refused(blob, size, SF_R_MALFORMED, "no loadables");

	t = fb_bundle(one, 1, &dev);
	{
		char list[512];
		size_t len = 0;

		for (int i = 0; i <= CONFIG_MAX_BUNDLE_IMAGES; i++)
			len += (size_t)sprintf(list + len, "img-%d", i) + 1;
		fb_prop(t, CONF, "loadables", list, len);
	}
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	refused(blob, size, SF_R_LIMIT, "more than CONFIG_MAX_BUNDLE_IMAGES loadables");

	t = fb_bundle(one, 1, &dev);
	fb_prop_str(t, IMG "/cipher", "algo", "aes256");
	blob = signed_tree(t, &dev, std_inc, 4, &size);
	refused(blob, size, SF_R_MALFORMED, "cipher node");
}

static void test_hashed_strings(void)
{
	struct fb_node *t;
	size_t size;
	uint8_t *blob;

	/* consistently signed over 8 bytes of strings: names outside it */
	t = fb_bundle(one, 1, &dev);
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	fb_sign(blob, SIG, &dev, NULL, 0, 8, true);
	refused(blob, size, SF_R_SIGNATURE, "hashed-strings too short");

	/* at the exact edge: the strings up to the last signed name's NUL, or one byte fewer */
	{
		struct fit_inc *inc = calloc(1, sizeof(*inc));
		uint8_t digest[SHA256_LEN];
		struct sf_err err;
		uint32_t names_end = 0;

		blob = fb_make_bundle(one, 1, &dev, &size);
		if (!inc || fit_config_inc(blob, fdt_path_offset(blob, CONF), inc, &err) ||
		    fit_signed_digest(blob, inc, fdt_size_dt_strings(blob), digest, &names_end, &err))
			abort();
		free(inc);
		fb_sign(blob, SIG, &dev, NULL, 0, names_end, true);
		accepted(blob, size, "hashed-strings ending with the last signed property name");
		blob = fb_make_bundle(one, 1, &dev, &size);
		fb_sign(blob, SIG, &dev, NULL, 0, names_end - 1, true);
		refused(blob, size, SF_R_SIGNATURE, "hashed-strings one byte short of the last signed name");
	}

	t = fb_bundle(one, 1, &dev);
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	fb_sign(blob, SIG, &dev, NULL, 0, FB_HS_FULL, true);
	{
		uint32_t *hs = (uint32_t *)fdt_getprop(blob, fdt_path_offset(blob, SIG), "hashed-strings", NULL);

		hs[1] = cpu_to_fdt32(fdt_size_dt_strings(blob) + 1);
	}
	/* refused by the signature node's own check, which names the node (the digest's bound would not) */
	refused_saying(blob, size, SF_R_MALFORMED, "signature-1 of configuration 'conf-1': hashed-strings size",
		       "hashed-strings beyond the strings block");

	blob = fb_make_bundle(one, 1, &dev, &size);
	{
		uint32_t *hs = (uint32_t *)fdt_getprop(blob, fdt_path_offset(blob, SIG), "hashed-strings", NULL);

		hs[1] = cpu_to_fdt32(0xffffffff);
	}
	refused(blob, size, SF_R_MALFORMED, "hashed-strings size 0xffffffff");

	blob = fb_make_bundle(one, 1, &dev, &size);
	{
		uint32_t *hs = (uint32_t *)fdt_getprop(blob, fdt_path_offset(blob, SIG), "hashed-strings", NULL);

		hs[0] = cpu_to_fdt32(4);
	}
	refused(blob, size, SF_R_MALFORMED, "hashed-strings with a non-zero start");

	t = fb_bundle(one, 1, &dev);
	fb_prop_u32(t, SIG, "hashed-strings", 64);
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	fb_sign(blob, SIG, &dev, NULL, 0, FB_HS_FULL, false);
	refused(blob, size, SF_R_MALFORMED, "hashed-strings of one cell");

	t = fb_bundle(one, 1, &dev);
	fb_prop_del(t, SIG, "hashed-strings");
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	fb_sign(blob, SIG, &dev, NULL, 0, FB_HS_FULL, false);
	refused(blob, size, SF_R_MALFORMED, "no hashed-strings");
}

static void test_external_data(void)
{
	static const struct fb_image two[] = {
		{ .node = "webkit-1", .component = "webkit", .version = "26.3", .sv = 1, .size = 5000 },
		{ .node = "libc-1", .component = "libc", .version = "2.36", .sv = 2, .size = 4096 },
	};
	uint64_t file_size = 4096 + 3000;
	size_t size;
	uint8_t *blob;

	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, IMG, "data-position", 0xffffffff);
	refused_sized(blob, size, file_size, SF_R_LAYOUT, "data-position 0xffffffff");

	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, IMG, "data-position", 0x7fffffff);
	refused_sized(blob, size, file_size, SF_R_LAYOUT, "data-position 0x7fffffff");

	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, IMG, "data-position", 4097);
	refused_sized(blob, size, file_size, SF_R_INPUT_TRUNCATED,
		      "data one byte past the end of the file");

	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, IMG, "data-size", 3001);
	refused_sized(blob, size, file_size, SF_R_INPUT_TRUNCATED, "data-size one byte too large");

	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, IMG, "data-size", 0xffffffff);
	refused(blob, size, SF_R_LIMIT, "data-size 0xffffffff");

	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, IMG, "data-size", 0);
	refused(blob, size, SF_R_LAYOUT, "empty image");

	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, IMG, "data-position", 16);
	refused_saying(blob, size, SF_R_LAYOUT, "lies inside the header", "data-position inside the header");

	/* the header's last byte is still the header */
	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, IMG, "data-position", (uint32_t)size - 1);
	refused_saying(blob, size, SF_R_LAYOUT, "lies inside the header", "data starting on the header's last byte");
	blob = fb_make_bundle(one, 1, &dev, &size);
	set_u32(blob, IMG, "data-position", (uint32_t)size);
	accepted(blob, size, "data starting right after the header");

	/* data placed in another order than loadables lists the images is not an overlap */
	blob = fb_make_bundle(two, 2, &dev, &size);
	set_u32(blob, IMG, "data-position", 4096 + 8192);
	set_u32(blob, "/images/libc-1", "data-position", 4096);
	accepted(blob, size, "libc's data before webkit's");

	blob = fb_make_bundle(one, 1, &dev, &size);
	refused_sized(blob, size, size - 1, SF_R_MALFORMED, "file smaller than its header (not verified: no bundle)");

	blob = fb_make_bundle(two, 2, &dev, &size);
	set_u32(blob, "/images/libc-1", "data-position", 4096 + 4999);
	refused_saying(blob, size, SF_R_LAYOUT, "the data of images 'webkit-1' and 'libc-1' overlap", "overlapping images");

}

/* data-offset, and the properties that place data. */
static void test_data_properties(void)
{
	struct fb_node *t;
	size_t size;
	uint8_t *blob;

	/* data-offset counts from the header end rounded up to 4 bytes */
	t = fb_bundle(one, 1, &dev);
	fb_prop_del(t, IMG, "data-position");
	fb_prop_u32(t, IMG, "data-offset", 0);
	blob = signed_tree(t, &dev, NULL, 0, &size);
	{
		struct fit_bundle *b = calloc(1, sizeof(*b));
		struct sf_err err;

		ok(!verify(blob, size, size + 3000, b, &err), "data-offset bundle verifies");
		is_int(b->image[0].data_offset, size, "data right after the header");
		is_reason(verify(blob, size, size + 2999, b, &err), &err, SF_R_INPUT_TRUNCATED,
			  "one byte short: the input ended early");
		free(b);
	}
	free(blob);

	t = fb_bundle(one, 1, &dev);
	fb_prop_u32(t, IMG, "data-offset", 0);
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_LAYOUT, "both position and offset");

	t = fb_bundle(one, 1, &dev);
	fb_prop_del(t, IMG, "data-position");
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_LAYOUT, "neither position nor offset");

	t = fb_bundle(one, 1, &dev);
	fb_prop(t, IMG, "data", "payload", 7);
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_LAYOUT,
		"embedded data");

	t = fb_bundle(one, 1, &dev);
	fb_prop(t, IMG, "data-size", "\0\0\0\0\0\0\x0b\xb8", 8);
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_LAYOUT, "64-bit data-size");
}

/* Sets image @node's data-position, after signing (placement is not signed). */
static void *placed(const struct fb_image *img, unsigned int n, const char *node, uint32_t pos, size_t *size)
{
	uint8_t *blob = fb_make_bundle(img, n, &dev, size);
	char path[64];

	snprintf(path, sizeof(path), "/images/%s", node);
	set_u32(blob, path, "data-position", pos);
	return blob;
}

/*
 * The layout a stream can read: in data order, no overlap and no gap past the
 * next 64 KiB boundary (what mkimage -E, -p and -B make, docs/bundles.md).
 */
static void test_layout(void)
{
	static const struct fb_image two[] = {
		{ .node = "webkit-1", .component = "webkit", .version = "26.3", .sv = 1, .size = 5000 },
		{ .node = "libc-1", .component = "libc", .version = "2.36", .sv = 2, .size = 4099 },
	};
	const uint32_t al = FIT_DATA_ALIGN_MAX, end1 = 4096 + 5000, next = (end1 + al - 1) / al * al;
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err;
	size_t size;
	void *blob;

	blob = placed(two, 2, "libc-1", end1, &size);
	ok(!verify(blob, size, FIT_SIZE_UNKNOWN, b, &err), "the next image right after the previous one (mkimage -E)");
	free(blob);
	blob = placed(two, 2, "libc-1", (end1 + 3) & ~3u, &size);
	ok(!verify(blob, size, FIT_SIZE_UNKNOWN, b, &err), "at the next 4-byte boundary (mkimage -E -p)");
	free(blob);
	blob = placed(two, 2, "libc-1", next, &size);
	ok(!verify(blob, size, FIT_SIZE_UNKNOWN, b, &err), "at the next 64 KiB boundary (mkimage -E -B 0x10000)");
	free(blob);
	refused(placed(two, 2, "libc-1", next + 4, &size), size, SF_R_LAYOUT, "4 bytes past the next 64 KiB boundary");
	refused(placed(two, 2, "libc-1", end1 - 1, &size), size, SF_R_LAYOUT, "one byte over the image before");
	blob = placed(one, 1, "webkit-1", al, &size);
	ok(!verify(blob, size, FIT_SIZE_UNKNOWN, b, &err), "the first image at 64 KiB (mkimage -E -p 0x10000)");
	free(blob);
	refused(placed(one, 1, "webkit-1", al + 4, &size), size, SF_R_LAYOUT, "the first image past 64 KiB");
	refused(placed(one, 1, "webkit-1", 0x40000000, &size), size, SF_R_LAYOUT,
		"the first image 1 GiB away (a pipe would be read that far)");

	/* data order need not be loadables order: libc first in the file */
	blob = fb_make_bundle(two, 2, &dev, &size);
	set_u32(blob, "/images/libc-1", "data-position", 4096);
	set_u32(blob, "/images/webkit-1", "data-position", 4096 + 8192);
	if (!ok(!verify(blob, size, 4096 + 8192 + 5000, b, &err), "images in the file in another order than loadables"))
		tap_diag("%s", err.msg);
	free(blob);
	/* the same check with its real file size: one byte short is an input that ended early */
	blob = fb_make_bundle(two, 2, &dev, &size);
	refused_sized(blob, size, 4096 + 8192 + 4099 - 1, SF_R_INPUT_TRUNCATED, "the last image one byte short");
	free(b);
}

/* A tree change that the signer signed: only the metadata rules can refuse it. */
static void meta_case(const char *prop, const void *val, size_t len, bool del, int reason, const char *what)
{
	struct fb_node *t = fb_bundle(one, 1, &ec);
	size_t size;
	void *blob;

	if (del)
		fb_prop_del(t, IMG, prop);
	else
		fb_prop(t, IMG, prop, val, len);
	blob = signed_tree(t, &ec, NULL, 0, &size);
	refused(blob, size, reason, what);
}

static void test_metadata(void)
{
	static const struct fb_image same[] = {
		{ .node = "webkit-1", .component = "webkit", .version = "26.3", .sv = 1, .size = 10 },
		{ .node = "webkit-2", .component = "webkit", .version = "26.4", .sv = 1, .size = 10 },
	};
	char many[512];
	size_t len = 0, size;
	struct fb_node *t;
	void *blob;

	meta_case("slotflip,component", "WebKit", 7, false, SF_R_METADATA,
		  "upper-case component");
	meta_case("slotflip,component", NULL, 0, true, SF_R_METADATA, "no component");
	meta_case("slotflip,component", "web\0kit", 8, false, SF_R_METADATA,
		  "component with an inner NUL");
	meta_case("slotflip,version", "26.3", 4, false, SF_R_METADATA,
		  "version without NUL");
	meta_case("slotflip,version", "26.3\0", 6, false, SF_R_METADATA, "version with two NULs");
	meta_case("slotflip,version", "26\x01.3", 6, false, SF_R_METADATA, "control character");
	meta_case("slotflip,version", NULL, 0, true, SF_R_METADATA, "no version");
	meta_case("slotflip,security-version", "\0\0\0\0\0\0\0\1", 8, false,
		  SF_R_METADATA, "64-bit security version");
	meta_case("slotflip,security-version", NULL, 0, true, SF_R_METADATA, "no security version");
	meta_case("slotflip,version", "26.3 (a)", 9, false,
		  SF_R_METADATA, "patch without base");
	meta_case("slotflip,base-version", "26.2", 5, false, SF_R_METADATA,
		  "base version on a baseline");
	meta_case("slotflip,requires", "libc=2", 7, false, SF_R_METADATA,
		  "bad requires entry");
	meta_case("slotflip,requires", "libc>=2\0\0", 9, false, SF_R_METADATA,
		  "empty requires entry");
	for (int i = 0; i <= FIT_REQUIRES_MAX; i++)
		len += (size_t)sprintf(many + len, "c%d>=1", i) + 1;
	meta_case("slotflip,requires", many, len, false, SF_R_LIMIT, "too many requires");
	meta_case("compression", "gzip", 5, false, SF_R_METADATA, "gzip image");

	t = fb_bundle(one, 1, &ec);
	fb_prop_str(t, IMG, "slotflip,version", "26.3 (b)");
	fb_prop_str(t, IMG, "slotflip,base-version", "26.4");
	blob = signed_tree(t, &ec, NULL, 0, &size);
	refused(blob, size, SF_R_METADATA, "patch of another baseline");

	t = fb_bundle(one, 1, &ec);
	fb_prop_del(t, CONF, "compatible");
	blob = signed_tree(t, &ec, NULL, 0, &size);
	refused(blob, size, SF_R_METADATA, "no board");

	t = fb_bundle(one, 1, &ec);
	fb_prop_str(t, CONF, "compatible", "0123456789012345678901234567890123456789012345678901234567890123");
	blob = signed_tree(t, &ec, NULL, 0, &size);
	refused(blob, size, SF_R_METADATA, "board of 64 characters");

	t = fb_bundle(one, 1, &ec);
	fb_prop(t, CONF, "compatible", "a\0b", 4);
	blob = signed_tree(t, &ec, NULL, 0, &size);
	refused(blob, size, SF_R_METADATA, "board list");

	blob = fb_make_bundle(same, 2, &ec, &size);
	refused(blob, size, SF_R_METADATA, "one component twice");
}

/* Text that U-Boot's env import/export, JSON or a terminal would change is refused, signed or not. */
static void test_text_rules(void)
{
	static const char *const boards[] = { "sim\\x86", "sim=1", "sim\nverified: signed with key 'dev'",
					      "\x1b[2Jsim", "sim\x7f" };
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct fit_sig_info sigs[1];
	unsigned int n = 1;
	struct fb_node *t;
	struct sf_err err;
	size_t size;
	void *blob;

	meta_case("slotflip,version", "1.1 \\(a)", 9, false, SF_R_METADATA, "a backslash in a version");
	meta_case("slotflip,version", "1.1=2", 6, false, SF_R_METADATA, "'=' in a version");
	t = fb_bundle(one, 1, &ec);
	fb_prop_str(t, IMG, "slotflip,version", "26.3 (a)");
	fb_prop_str(t, IMG, "slotflip,base-version", "26\\3");
	blob = signed_tree(t, &ec, NULL, 0, &size);
	refused(blob, size, SF_R_METADATA, "a backslash in a base version");
	for (unsigned int i = 0; i < sizeof(boards) / sizeof(boards[0]); i++) {
		t = fb_bundle(one, 1, &ec);
		fb_prop_str(t, CONF, "compatible", boards[i]);
		blob = signed_tree(t, &ec, NULL, 0, &size);
		/* unverified too: bundle info shows no board it would not accept */
		n = 1;
		is_reason(fit_inspect(blob, size, FIT_SIZE_UNKNOWN, b, sigs, &n, &err), &err, SF_R_METADATA,
			  "board %u refused unverified (fit_inspect)", i);
		refused(blob, size, SF_R_METADATA, "board with a character U-Boot, JSON or a terminal would change");
	}
	t = fb_bundle(one, 1, &ec);
	fb_prop_str(t, CONF, "compatible", "\"sim\" <rev 2>");
	blob = signed_tree(t, &ec, NULL, 0, &size);
	ok(!verify(blob, size, FIT_SIZE_UNKNOWN, b, &err) && !strcmp(b->board, "\"sim\" <rev 2>"),
	   "quotes and angle brackets stay allowed");
	free(blob);
	free(b);
}

static void test_input(void)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	uint8_t junk[8192];
	struct sf_err err;
	size_t size, hs;
	uint8_t *blob;
	FILE *r;

	is_reason(verify("", 0, 0, b, &err), &err, SF_R_NOT_A_BUNDLE, "empty input refused");

	r = fopen("/dev/urandom", "rb");
	ok(r && fread(junk, 1, sizeof(junk), r) == sizeof(junk), "random bytes");
	if (r)
		fclose(r);
	junk[0] = 0x12; /* never the FDT magic */
	is_reason(verify(junk, sizeof(junk), FIT_SIZE_UNKNOWN, b, &err), &err, SF_R_NOT_A_BUNDLE, "random bytes refused");
	/* random bytes behind a plausible header */
	memcpy(junk, "\xd0\x0d\xfe\xed\x00\x00\x20\x00", 8);
	is_reason(verify(junk, sizeof(junk), FIT_SIZE_UNKNOWN, b, &err), &err, SF_R_MALFORMED, "random body refused");

	blob = fb_make_bundle(one, 1, &dev, &size);
	refused(malloc(1), 0, SF_R_NOT_A_BUNDLE, "zero bytes");
	is_reason(verify(blob, size - 1, FIT_SIZE_UNKNOWN, b, &err), &err, SF_R_MALFORMED,
		  "fit_size < totalsize: a header cut short is no bundle");
	{
		uint8_t *big = calloc(1, size + 8);

		memcpy(big, blob, size);
		is_reason(verify(big, size + 8, FIT_SIZE_UNKNOWN, b, &err), &err, SF_R_MALFORMED, "fit_size > totalsize");
		free(big);
	}
	((fdt32_t *)blob)[1] = cpu_to_fdt32(CONFIG_MAX_HEADER_SIZE + 4);
	is_reason(verify(blob, size, FIT_SIZE_UNKNOWN, b, &err), &err, SF_R_LIMIT, "totalsize over CONFIG_MAX_HEADER_SIZE");
	is_reason(fit_header_size(blob, FIT_PROBE_SIZE, &hs, &err), &err, SF_R_LIMIT, "fit_header_size refuses it too");
	((fdt32_t *)blob)[1] = cpu_to_fdt32((uint32_t)size);
	ok(!fit_header_size(blob, FIT_PROBE_SIZE, &hs, &err) && hs == size, "fit_header_size reads totalsize");
	is_reason(fit_header_size(blob, FIT_PROBE_SIZE - 1, &hs, &err), &err, SF_R_NOT_A_BUNDLE, "probe too short");
	is_reason(fit_header_size(junk + 1, FIT_PROBE_SIZE, &hs, &err), &err, SF_R_NOT_A_BUNDLE,
		  "fit_header_size: no magic");
	((fdt32_t *)blob)[1] = cpu_to_fdt32(8);
	is_reason(fit_header_size(blob, FIT_PROBE_SIZE, &hs, &err), &err, SF_R_MALFORMED, "fit_header_size: totalsize 8");
	((fdt32_t *)blob)[1] = cpu_to_fdt32((uint32_t)size);

	/* a property length reaching past the block, as the tag walker must never see */
	{
		int node = fdt_path_offset(blob, IMG), off = fdt_first_property_offset(blob, node);
		fdt32_t *lenp = (fdt32_t *)((uint8_t *)blob + fdt_off_dt_struct(blob) + off + 4);

		*lenp = cpu_to_fdt32(0xfffffff0);
		is_reason(verify(blob, size, FIT_SIZE_UNKNOWN, b, &err), &err, SF_R_MALFORMED, "huge property length");
		/* by one byte: its 12 bytes of tag, length and name offset count too */
		*lenp = cpu_to_fdt32(fdt_size_dt_struct(blob) - (uint32_t)off - 12 + 1);
		is_reason(verify(blob, size, FIT_SIZE_UNKNOWN, b, &err), &err, SF_R_MALFORMED,
			  "property length one byte past the block");
		ok(strstr(err.msg, "property in '" IMG "' runs past the structure block") != NULL,
		   "  the message names the node: %s", err.msg);
	}
	free(blob);
	is_reason(fit_verify(junk, 0, 0, NULL, b, &err), &err, SF_R_KEYRING, "no keyring, no verification");
	free(b);
}

/* A copy of @blob with room for @extra more bytes (libfdt edits in place). */
static void *roomy(const void *blob, size_t size, size_t extra)
{
	void *big = calloc(1, size + extra);

	if (!big || fdt_open_into(blob, big, (int)(size + extra)))
		abort();
	return big;
}

/* Packs @blob after an edit and reports its new size (rounded as fb_build() does). */
static size_t packed(void *blob)
{
	if (fdt_pack(blob))
		abort();
	fdt_set_totalsize(blob, (fdt_totalsize(blob) + 3) & ~3u);
	return fdt_totalsize(blob);
}

/*
 * `slotflip,test-release` in the configuration: empty, signed with it, read
 * only there; it can be neither added to a signed bundle nor stripped from one.
 */
static void test_test_release(void)
{
	static const struct fb_image patch[] = {
		{ .node = "webkit-1", .component = "webkit", .version = "26.3 (t)", .base = "26.3", .sv = 7,
		  .size = 3000 },
	};
	struct fit_bundle *b = calloc(1, sizeof(*b));
	uint32_t hs[2] = { 0, 0 };
	struct fb_node *t;
	struct sf_err err;
	size_t size, big_size;
	void *blob, *big;
	int conf;

	blob = fb_make_bundle(patch, 1, &dev, &size);
	ok(!verify(blob, size, FIT_SIZE_UNKNOWN, b, &err) && !b->test_release, "without the mark: no test release");
	/* added after signing: its name goes to the end of the strings, past hashed-strings */
	big = roomy(blob, size, 256);
	conf = fdt_path_offset(big, CONF);
	if (fdt_setprop_empty(big, conf, "slotflip,test-release"))
		abort();
	big_size = packed(big);
	refused(big, big_size, SF_R_SIGNATURE, "the mark added to a signed bundle");
	/* and with hashed-strings (unsigned) stretched over the new name */
	big = roomy(blob, size, 256);
	if (fdt_setprop_empty(big, fdt_path_offset(big, CONF), "slotflip,test-release"))
		abort();
	hs[1] = cpu_to_fdt32(fdt_size_dt_strings(big));
	if (fdt_setprop_inplace(big, fdt_path_offset(big, SIG), "hashed-strings", hs, sizeof(hs)))
		abort();
	big_size = packed(big);
	refused(big, big_size, SF_R_SIGNATURE, "the mark added, hashed-strings stretched over its name");
	free(blob);

	t = fb_bundle(patch, 1, &dev);
	fb_prop(t, CONF, "slotflip,test-release", "", 0);
	blob = signed_tree(t, &dev, NULL, 0, &size);
	if (!ok(!verify(blob, size, FIT_SIZE_UNKNOWN, b, &err), "a signed test release verifies"))
		tap_diag("%s", err.msg);
	ok(b->test_release, "  marked as a test release");
	ok(!fit_inspect(blob, size, FIT_SIZE_UNKNOWN, b, NULL, NULL, &err) && b->test_release,
	   "  fit_inspect reads the mark too");
	big = roomy(blob, size, 0);
	if (fdt_delprop(big, fdt_path_offset(big, CONF), "slotflip,test-release"))
		abort();
	big_size = packed(big);
	refused(big, big_size, SF_R_SIGNATURE, "the mark stripped from a signed test release");
	free(blob);

	/* the name already in the strings block (an unsigned node holds it): only the signature refuses */
	t = fb_bundle(patch, 1, &dev);
	fb_prop(t, SIG, "slotflip,test-release", "", 0);
	blob = signed_tree(t, &dev, NULL, 0, &size);
	ok(!verify(blob, size, FIT_SIZE_UNKNOWN, b, &err) && !b->test_release,
	   "the mark in the signature node is not read");
	big = roomy(blob, size, 64);
	hs[1] = fdt_size_dt_strings(big);
	if (fdt_setprop_empty(big, fdt_path_offset(big, CONF), "slotflip,test-release"))
		abort();
	ok(fdt_size_dt_strings(big) == hs[1], "  moved into the configuration: the strings stay the same");
	big_size = packed(big);
	refused(big, big_size, SF_R_SIGNATURE, "  and the signature refuses it");
	free(blob);

	t = fb_bundle(patch, 1, &dev);
	fb_prop_str(t, CONF, "slotflip,test-release", "no");
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_METADATA, "a signed test release mark with a value (\"no\")");
	t = fb_bundle(patch, 1, &dev);
	fb_prop_u32(t, CONF, "slotflip,test-release", 1);
	blob = signed_tree(t, &dev, NULL, 0, &size);
	refused(blob, size, SF_R_METADATA, "a signed test release mark of <1>");
	free(b);
}

static void test_inspect(void)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct fit_sig_info sigs[1];
	struct sf_err err = { 0 };
	unsigned int n = 1;
	struct fb_node *t;
	size_t size;
	void *blob;

	t = fb_bundle(one, 1, &evil);
	fb_prop_str(t, CONF "/signature-2", "key-name-hint", "other");
	blob = signed_tree(t, &evil, NULL, 0, &size);
	ok(!fit_inspect(blob, size, FIT_SIZE_UNKNOWN, b, sigs, &n, &err), "fit_inspect reads an untrusted bundle");
	is_int(n, 2, "two signature nodes found, one reported");
	is_str(sigs[0].node, "signature-1", "signature node");
	is_str(sigs[0].algo, "sha256,ecdsa256", "its algo");
	is_str(sigs[0].key_name_hint, "evil", "its key");
	is_str(sigs[0].padding, "", "no padding");
	is_str(b->key_name, "", "no key verified");
	is_str(b->image[0].component, "webkit", "metadata read");
	free(blob);

	t = fb_bundle(one, 1, &evil);
	fb_node_rename(t, IMG, "webkit@1");
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	n = 1;
	is_reason(fit_inspect(blob, size, FIT_SIZE_UNKNOWN, b, sigs, &n, &err), &err, SF_R_MALFORMED,
		  "fit_inspect applies the structural checks");
	free(blob);

	/* without a signature to check, nothing else would see a second root */
	t = fb_bundle(one, 1, &evil);
	blob = fb_build(t, 1, &size);
	fb_tree_free(t);
	n = 1;
	is_reason(fit_inspect(blob, size, FIT_SIZE_UNKNOWN, b, sigs, &n, &err), &err, SF_R_MALFORMED,
		  "fit_inspect refuses a second root node");
	free(blob);
	free(b);
}

int main(void)
{
	struct sf_err err = { 0 };
	char *dir;

	if (!fb_both_algorithms())
		return tap_done();
	dir = fb_tmpdir();
	fb_key_gen(&dev, "dev", FB_RSA2048);
	fb_key_gen(&mallory, "mallory", FB_RSA2048);
	fb_key_gen(&ec, "ec", FB_EC256);
	fb_key_gen(&evil, "evil", FB_EC256);
	fb_key_write_public(&dev, dir);
	fb_key_write_public(&ec, dir);
	if (!ok(!keyring_load(&kr, dir, &err), "keyring loads"))
		tap_diag("%s", err.msg);
	is_int(keyring_count(kr), 2, "two trusted keys");

	test_valid();
	test_forged();
	test_keys();
	test_value_length();
	test_several_signatures();
	test_hashed_nodes();
	test_structure();
	test_configuration();
	test_hashed_strings();
	test_external_data();
	test_data_properties();
	test_metadata();
	test_test_release();
	test_layout();
	test_text_rules();
	test_input();
	test_inspect();

	keyring_free(kr);
	fb_key_free(&dev);
	fb_key_free(&mallory);
	fb_key_free(&ec);
	fb_key_free(&evil);
	fb_rmtree(dir);
	free(dir);
	return tap_done();
}
