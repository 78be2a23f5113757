// SPDX-License-Identifier: MIT
/*
 * The signed-region walker (fit/fit_region.c) against the rules of U-Boot's
 * fdt_find_regions(): exact region lists for small trees, and for a whole
 * bundle the check that a property's bytes are signed exactly when its node
 * is in the node list and its name is not one of the data properties.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"
#include "fit/fit_internal.h"
#include "tap.h"
#include "tests/support/fitbuild.h"

#define MAX_REGIONS 64

struct regions {
	unsigned int n;
	size_t off[MAX_REGIONS], size[MAX_REGIONS];
};

static int collect(void *priv, size_t offset, size_t size)
{
	struct regions *r = priv;

	if (r->n == MAX_REGIONS)
		return 1;
	r->off[r->n] = offset;
	r->size[r->n] = size;
	r->n++;
	return 0;
}

static int find_regions(const void *blob, const char *const *inc, unsigned int n_inc, struct regions *r,
			uint32_t *names_end)
{
	struct sf_err err = { 0 };
	int ret;

	memset(r, 0, sizeof(*r));
	ret = fit_regions(blob, inc, n_inc, collect, r, names_end, &err);
	if (ret)
		tap_diag("fit_regions: %s", err.msg);
	return ret;
}

/* Absolute offset of property @name of node @path. */
static size_t prop_at(const void *blob, const char *path, const char *name)
{
	int node = fdt_path_offset(blob, path), off;

	fdt_for_each_property_offset(off, blob, node) {
		const char *pname;

		if (fdt_getprop_by_offset(blob, off, &pname, NULL) && !strcmp(pname, name))
			return fdt_off_dt_struct(blob) + (size_t)off;
	}
	tap_diag("no property %s in %s", name, path);
	abort();
}

static size_t node_at(const void *blob, const char *path)
{
	return fdt_off_dt_struct(blob) + (size_t)fdt_path_offset(blob, path);
}

static size_t struct_end(const void *blob)
{
	return fdt_off_dt_struct(blob) + fdt_size_dt_struct(blob);
}

static bool in_regions(const struct regions *r, size_t off)
{
	for (unsigned int i = 0; i < r->n; i++)
		if (off >= r->off[i] && off - r->off[i] < r->size[i])
			return true;
	return false;
}

/* An image with an excluded property in the middle: one hole, exactly it. */
static void test_excluded_property(void)
{
	static const char *const inc[] = { "/", "/images/x", "/images/x/hash-1" };
	struct fb_node *t = fb_tree_new();
	struct regions r;
	uint32_t names_end;
	size_t size;
	void *blob;

	fb_prop_u32(t, "/", "a", 1);
	fb_prop_u32(t, "/images/x", "q", 2);
	fb_prop_u32(t, "/images/x", "data-size", 4);
	fb_prop_u32(t, "/images/x", "p", 3);
	fb_prop_u32(t, "/images/x/hash-1", "v", 5);
	blob = fb_build(t, 0, &size);
	ok(!find_regions(blob, inc, 3, &r, &names_end), "regions of a small tree");
	is_int(r.n, 2, "one hole: two regions");
	is_int(r.off[0], fdt_off_dt_struct(blob), "first region starts at the structure block");
	is_int(r.off[0] + r.size[0], prop_at(blob, "/images/x", "data-size"), "it stops at data-size");
	is_int(r.off[1], prop_at(blob, "/images/x", "p"), "the next one starts after data-size");
	is_int(r.off[1] + r.size[1], struct_end(blob), "and runs through FDT_END");
	fb_tree_free(t);
	free(blob);
}

/* A node not in the list, below a node with want 1: its whole subtree is out. */
static void test_excluded_node(void)
{
	static const char *const inc[] = { "/", "/images/x", "/images/x/hash-1" };
	struct fb_node *t = fb_tree_new();
	struct regions r;
	uint32_t names_end;
	size_t size;
	void *blob;

	fb_prop_u32(t, "/", "a", 1);
	fb_prop_u32(t, "/images/x/hash-1", "v", 5);
	fb_prop_u32(t, "/images/y", "q", 1);
	fb_prop_u32(t, "/images/y/hash-1", "v", 6);
	blob = fb_build(t, 0, &size);
	ok(!find_regions(blob, inc, 3, &r, &names_end), "regions with an unlisted image");
	is_int(r.n, 2, "two regions");
	is_int(r.off[0] + r.size[0], node_at(blob, "/images/y"), "the first stops at y's begin tag");
	/* y's end tag is followed by the end tag of /images, which is included */
	is_int(r.off[1], struct_end(blob) - 4 - 4 - 4, "the second starts at the end tag of /images");
	is_int(r.off[1] + r.size[1], struct_end(blob), "and runs through FDT_END");
	fb_tree_free(t);
	free(blob);
}

/* Properties of a node with want 1 (/configurations) are out; its listed child is in. */
static void test_want_one(void)
{
	static const char *const inc[] = { "/", "/configurations/c" };
	struct fb_node *t = fb_tree_new();
	struct regions r;
	uint32_t names_end;
	size_t size;
	void *blob;

	fb_prop_u32(t, "/", "a", 1);
	fb_prop_str(t, "/configurations", "default", "c");
	fb_prop_str(t, "/configurations/c", "compatible", "board");
	fb_prop_u32(t, "/configurations/c/signature-1", "value", 7);
	fb_prop_u32(t, "/configurations/c/signature-1", "timestamp", 7);
	blob = fb_build(t, 0, &size);
	ok(!find_regions(blob, inc, 2, &r, &names_end), "regions of a configuration");
	is_int(r.n, 3, "three regions");
	is_int(r.off[0] + r.size[0], prop_at(blob, "/configurations", "default"), "default is not signed");
	is_int(r.off[1], node_at(blob, "/configurations/c"), "the configuration's begin tag starts region 2");
	/* signature-1's begin tag is in (want 2 -> 1), its properties are out */
	is_int(r.off[1] + r.size[1], prop_at(blob, "/configurations/c/signature-1", "value"),
	       "region 2 stops at the signature's first property");
	is_int(r.off[2] + r.size[2], struct_end(blob), "region 3 runs through FDT_END");
	ok(!in_regions(&r, prop_at(blob, "/configurations/c/signature-1", "timestamp")),
	   "signature timestamp unsigned");
	ok(in_regions(&r, prop_at(blob, "/configurations/c", "compatible")), "compatible signed");
	ok(names_end > 0 && names_end <= fdt_size_dt_strings(blob), "names_end within the strings block");
	fb_tree_free(t);
	free(blob);
}

static bool excluded_name(const char *name)
{
	return !strcmp(name, "data") || !strcmp(name, "data-size") || !strcmp(name, "data-position") ||
	       !strcmp(name, "data-offset");
}

/* The strings block counts up to hashed-strings, not further. */
static void strings_count(const void *blob, const struct fit_inc *inc, const uint8_t base[SHA256_LEN])
{
	uint8_t d[SHA256_LEN];
	struct sf_err err = { 0 };
	uint32_t names_end;

	ok(!fit_signed_digest(blob, inc, fdt_size_dt_strings(blob) - 1, d, &names_end, &err),
	   "digest over fewer strings");
	ok(memcmp(d, base, SHA256_LEN), "hashed-strings size is part of the digest");
	is_reason(fit_signed_digest(blob, inc, fdt_size_dt_strings(blob) + 1, d, &names_end, &err), &err,
		  SF_R_MALFORMED, "hashed-strings beyond the strings block refused");
}

/*
 * For every property of a full bundle: its value bytes are inside a region
 * exactly when its node is listed and its name is not a data property; and
 * changing its first byte changes the digest exactly then.
 */
static void test_bundle_properties(const struct fb_key *key)
{
	static const struct fb_image img[] = {
		{ .node = "webkit-1", .component = "webkit", .version = "26.3", .sv = 4, .size = 1000 },
		{ .node = "libc-1", .component = "libc", .version = "2.36", .sv = 1, .size = 5000 },
	};
	struct fb_node *t = fb_bundle(img, 2, key);
	struct fit_inc *inc = calloc(1, sizeof(*inc));
	uint8_t base[SHA256_LEN], d[SHA256_LEN];
	uint32_t names_end, max_name = 0;
	unsigned int checked = 0, wrong = 0, wrong_digest = 0;
	struct sf_err err = { 0 };
	struct regions r;
	char path[FIT_PATH_MAX];
	size_t size;
	uint8_t *blob;
	int node, depth = 0;

	/* an image not in loadables, with data-offset; and an unsigned extra node */
	fb_prop_u32(t, "/images/other-1", "data-size", 4);
	fb_prop_u32(t, "/images/other-1", "data-offset", 0);
	fb_prop_str(t, "/images/other-1", "slotflip,component", "other");
	fb_prop_str(t, "/images/other-1/hash-1", "algo", "sha256");
	fb_prop_str(t, "/configurations/conf-2", "compatible", "x");
	blob = fb_build(t, 0, &size);
	ok(!fit_check_blob(blob, size, &err), "bundle passes the structure checks");
	ok(!fit_config_inc(blob, fdt_path_offset(blob, "/configurations/conf-1"), inc, &err),
	   "node list rebuilt from the configuration");
	is_int(inc->n, 6, "/, conf-1, two images with one hash node each");
	ok(!find_regions(blob, inc->path, inc->n, &r, &names_end), "regions of the bundle");
	ok(!fit_signed_digest(blob, inc, fdt_size_dt_strings(blob), base, &names_end, &err), "digest");

	for (unsigned int i = 1; i < r.n; i++)
		if (r.off[i] <= r.off[i - 1] + r.size[i - 1])
			wrong++;
	is_int(wrong, 0, "regions ascend, never touch or overlap (merged)");
	is_int(r.off[r.n - 1] + r.size[r.n - 1], struct_end(blob), "last region ends with FDT_END");

	for (node = 0; node >= 0; node = fdt_next_node(blob, node, &depth)) {
		bool listed;
		int off;

		if (fdt_get_path(blob, node, path, sizeof(path)))
			break;
		listed = false;
		for (unsigned int i = 0; i < inc->n; i++)
			listed |= !strcmp(inc->path[i], path);
		fdt_for_each_property_offset(off, blob, node) {
			const struct fdt_property *p = fdt_get_property_by_offset(blob, off, NULL);
			const char *name = fdt_string(blob, (int)fdt32_to_cpu(p->nameoff));
			size_t at = fdt_off_dt_struct(blob) + (size_t)off;
			bool want = listed && !excluded_name(name);
			uint8_t *v = blob + at + 12;

			checked++;
			if (in_regions(&r, at) != want || in_regions(&r, at + 11) != want) {
				wrong++;
				tap_diag("%s:%s signed=%d, expected %d", path, name, !want, want);
			}
			if (want && fdt32_to_cpu(p->nameoff) + strlen(name) + 1 > max_name)
				max_name = fdt32_to_cpu(p->nameoff) + (uint32_t)strlen(name) + 1;
			if (!fdt32_to_cpu(p->len))
				continue;
			*v ^= 0x01;
			if (fit_signed_digest(blob, inc, fdt_size_dt_strings(blob), d, &names_end, &err) ||
			    !memcmp(d, base, sizeof(d)) == want)
				wrong_digest++;
			*v ^= 0x01;
		}
	}
	is_int(checked, 40, "every property of the bundle looked at");
	is_int(wrong, 0, "each property signed exactly when its node is listed and it is no data property");
	is_int(wrong_digest, 0, "changing a value changes the digest exactly for signed properties");
	is_int(names_end, max_name, "names_end is the end of the last signed property name");

	strings_count(blob, inc, base);
	free(inc);
	free(blob);
	fb_tree_free(t);
}

/* The digest is SHA-256 over the regions then the hashed strings, nothing else. */
static void test_digest_definition(const struct fb_key *key)
{
	static const struct fb_image img[] = {
		{ .node = "webkit-1", .component = "webkit", .version = "26.3", .sv = 4, .size = 100 },
	};
	struct fit_inc *inc = calloc(1, sizeof(*inc));
	uint8_t want[SHA256_LEN], got[SHA256_LEN], *cat;
	struct sf_err err = { 0 };
	uint32_t names_end, hs;
	struct regions r;
	size_t size, len = 0;
	uint8_t *blob = fb_make_bundle(img, 1, key, &size);

	ok(!fit_config_inc(blob, fdt_path_offset(blob, "/configurations/conf-1"), inc, &err), "node list");
	ok(!find_regions(blob, inc->path, inc->n, &r, &names_end), "regions");
	hs = fdt_size_dt_strings(blob);
	cat = malloc(size + hs);
	for (unsigned int i = 0; i < r.n; i++) {
		memcpy(cat + len, blob + r.off[i], r.size[i]);
		len += r.size[i];
	}
	memcpy(cat + len, blob + fdt_off_dt_strings(blob), hs);
	len += hs;
	ok(!sha256_buf(cat, len, want), "reference digest");
	ok(!fit_signed_digest(blob, inc, hs, got, &names_end, &err), "fit_signed_digest");
	ok(!memcmp(want, got, sizeof(want)), "digest = sha256(regions || strings[0, hashed-strings))");
	free(cat);
	free(inc);
	free(blob);
}

static void test_walker_refusals(void)
{
	static const char *const inc[] = { "/" };
	struct fb_node *t = fb_tree_new();
	struct sf_err err = { 0 };
	char path[200] = "";
	struct regions r;
	uint32_t names_end;
	size_t size;
	void *blob;

	fb_prop_u32(t, "/", "a", 1);
	blob = fb_build(t, 1, &size);
	is_reason(fit_regions(blob, inc, 1, collect, &r, &names_end, &err), &err, SF_R_MALFORMED,
		  "second root refused by the walker");
	free(blob);
	fb_tree_free(t);

	t = fb_tree_new();
	for (int i = 0; i < 32; i++)
		strcat(path, "/n");
	fb_prop_u32(t, path, "deep", 1);
	blob = fb_build(t, 0, &size);
	memset(&r, 0, sizeof(r));
	is_reason(fit_regions(blob, inc, 1, collect, &r, &names_end, &err), &err, SF_R_LIMIT,
		  "33 levels refused by the walker");
	is_reason(fit_check_blob(blob, size, &err), &err, SF_R_LIMIT, "and by the structure check");
	free(blob);
	fb_tree_free(t);

	/*
	 * 31 levels below the root, only the deepest listed: U-Boot keeps the
	 * begin tag of the root's child, then the deepest node with the end tag
	 * of its parent (an end tag closes a region after itself), then the end
	 * tags from the root's child on.
	 */
	t = fb_tree_new();
	path[2 * 31] = '\0';
	fb_prop_u32(t, path, "deep", 1);
	blob = fb_build(t, 0, &size);
	{
		const char *const deep_inc[] = { "/", path };
		size_t base = fdt_off_dt_struct(blob);

		memset(&r, 0, sizeof(r));
		ok(!fit_regions(blob, deep_inc, 2, collect, &r, &names_end, &err), "32 levels accepted");
		is_int(r.n, 3, "three regions");
		is_int(r.off[0] + r.size[0], node_at(blob, "/n/n"), "region 1 stops at the second level");
		is_int(r.off[1], node_at(blob, path), "region 2 starts with the listed node");
		ok(in_regions(&r, prop_at(blob, path, "deep")), "its property is signed");
		is_int(r.off[1] + r.size[1], base + fdt_size_dt_struct(blob) - 4 - 4 - 29 * 4,
		       "region 2 ends after its parent's end tag");
		is_int(r.off[2], base + fdt_size_dt_struct(blob) - 4 - 4 - 4, "region 3: end tag of /n on");
	}
	free(blob);
	fb_tree_free(t);
}

int main(void)
{
	struct fb_key key;

	fb_key_gen(&key, "ec", FB_EC256);
	test_excluded_property();
	test_excluded_node();
	test_want_one();
	test_bundle_properties(&key);
	test_digest_definition(&key);
	test_walker_refusals();
	fb_key_free(&key);
	return tap_done();
}
