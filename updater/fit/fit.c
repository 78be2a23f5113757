// SPDX-License-Identifier: MIT
/*
 * The order of the checks (docs/bundles.md): the header's blocks and tags,
 * the structure rules, the configuration and its node set, the data layout,
 * the signatures and the key policy, the signed metadata; last, for a header
 * now trusted, whether the file holds the data it places.
 */
#include "fit/fit.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit_internal.h"
#include "fit/keyring.h"

typedef int (*image_fn)(const void *fit, int img, const char *what, unsigned int i, struct fit_bundle *b,
			struct sf_err *err);

/* The bundle id: the first FIT_ID_LEN hex digits of the header's SHA-256. */
static int bundle_id(const void *fit, size_t size, char id[FIT_ID_LEN + 1], struct sf_err *err)
{
	uint8_t d[SHA256_LEN];

	if (sha256_buf(fit, size, d))
		return sf_fail(err, SF_R_FAILED, "cannot hash the header");
	for (unsigned int i = 0; i < FIT_ID_LEN / 2; i++)
		snprintf(id + (size_t)2 * i, 3, "%02x", d[i]);
	return 0;
}

static int place_one(const void *fit, int img, const char *what, unsigned int i, struct fit_bundle *b,
		     struct sf_err *err)
{
	return fit_image_data(fit, img, what, &b->image[i], err);
}

/* Calls @fn for each image of the configuration's `loadables`, in order. */
static int each_image(const void *fit, int conf, image_fn fn, struct fit_bundle *b, struct sf_err *err)
{
	const char *name;
	int images, len, n, ret;

	images = fdt_subnode_offset(fit, 0, "images");
	name = fdt_getprop(fit, conf, "loadables", &len);
	n = fit_stringlist_valid(name, len);
	/* fit_config_inc() accepted both already; this keeps the invariant local */
	if (images < 0 || n < 1 || n > CONFIG_MAX_BUNDLE_IMAGES)
		return sf_fail(err, SF_R_MALFORMED, "configuration '%s' has no valid loadables", b->config);
	for (int i = 0; i < n; i++, name += strlen(name) + 1) {
		char what[FIT_NAME_MAX + 16];
		int img = fdt_subnode_offset(fit, images, name);

		snprintf(what, sizeof(what), "image '%s'", name);
		if (img < 0)
			return sf_fail(err, SF_R_MALFORMED, "%s is not in /images", what);
		snprintf(b->image[i].node, sizeof(b->image[i].node), "%s", name);
		ret = fn(fit, img, what, (unsigned int)i, b, err);
		if (ret)
			return ret;
	}
	b->n_images = (unsigned int)n;
	return 0;
}

/* The default configuration: its node, its name in b->config. */
static int default_config(const void *fit, struct fit_bundle *b, int *conf, struct sf_err *err)
{
	const char *def;
	int confs, ret;

	confs = fdt_subnode_offset(fit, 0, "configurations");
	if (confs < 0)
		return sf_fail(err, SF_R_MALFORMED, "the header has no /configurations node");
	ret = fit_get_string(fit, confs, "default", "/configurations", true, &def, err);
	if (ret)
		return ret;
	if (!fit_name_valid(def, strlen(def)))
		return sf_fail(err, SF_R_MALFORMED, "/configurations/default is not a node name");
	*conf = fdt_subnode_offset(fit, confs, def);
	if (*conf < 0)
		return sf_fail(err, SF_R_MALFORMED, "/configurations/default names '%s', which is not a configuration",
			       def);
	snprintf(b->config, sizeof(b->config), "%s", def);
	return 0;
}

/* What fit_verify() (@keys set) and fit_inspect() (@sigs set) share. */
struct parse {
	const struct keyring *keys;
	struct fit_sig_info *sigs;
	unsigned int room, n_sigs;
	struct fit_inc inc;
	struct fit_bundle b;
};

static int parse_checked(const void *fit, size_t fit_size, uint64_t file_size, struct parse *p, struct sf_err *err)
{
	struct fit_bundle *b = &p->b;
	int conf = -1, ret;

	ret = fit_check_blob(fit, fit_size, err);
	if (ret)
		return ret;
	if (file_size != FIT_SIZE_UNKNOWN && file_size < fit_size)
		return sf_fail(err, SF_R_MALFORMED, "bundle is truncated: %llu bytes, its header alone has %zu",
			       (unsigned long long)file_size, fit_size);
	b->header_size = fit_size;
	ret = bundle_id(fit, fit_size, b->id, err);
	ret = ret ?: default_config(fit, b, &conf, err);
	ret = ret ?: fit_config_inc(fit, conf, &p->inc, err);
	ret = ret ?: each_image(fit, conf, place_one, b, err);
	ret = ret ?: fit_layout_check(b, err);
	if (ret)
		return ret;
	if (p->keys)
		ret = fit_sig_check(fit, conf, &p->inc, p->keys, b, err);
	else
		ret = fit_sig_list(fit, conf, p->sigs, p->room, &p->n_sigs, err);
	ret = ret ?: fit_meta_config(fit, conf, b, err);
	ret = ret ?: each_image(fit, conf, fit_meta_image, b, err);
	return ret ?: fit_layout_in_file(b, file_size, err);
}

/* One parse: verified with @keys, or inspected into @sigs (room *@n_sigs, then the count). */
static int fit_parse(const void *fit, size_t fit_size, uint64_t file_size, const struct keyring *keys,
		     struct fit_sig_info *sigs, unsigned int *n_sigs, struct fit_bundle *out, struct sf_err *err)
{
	struct parse *p = NULL;
	void *copy = NULL;
	int ret;

	/* the limits before anything is read or allocated; fit_check_header() says more */
	if (fit_size > CONFIG_MAX_HEADER_SIZE)
		return sf_fail(err, SF_R_LIMIT, "header size %zu exceeds the limit %d", fit_size, CONFIG_MAX_HEADER_SIZE);
	if (fit_size < FIT_PROBE_SIZE) {
		ret = fit_check_header(fit, fit_size, err);
		return ret ?: sf_fail(err, SF_R_MALFORMED, "header size %zu is too small", fit_size);
	}
	/* libfdt 1.6.1 refuses trees that are not 8-byte aligned */
	if ((uintptr_t)fit % 8) {
		copy = malloc(fit_size);
		if (copy)
			fit = memcpy(copy, fit, fit_size);
	}
	p = calloc(1, sizeof(*p));
	if (!p || ((uintptr_t)fit % 8)) {
		ret = sf_fail(err, SF_R_NO_MEMORY, "out of memory reading the header");
		goto out;
	}
	p->keys = keys;
	p->sigs = sigs;
	p->room = sigs && n_sigs ? *n_sigs : 0;
	ret = parse_checked(fit, fit_size, file_size, p, err);
	if (!ret)
		memcpy(out, &p->b, sizeof(p->b));
	if (!ret && n_sigs)
		*n_sigs = p->n_sigs;
out:
	free(p);
	free(copy);
	return ret;
}

int fit_verify(const void *fit, size_t fit_size, uint64_t file_size, const struct keyring *keys,
	       struct fit_bundle *out, struct sf_err *err)
{
	if (!keys || !keyring_count(keys))
		return sf_fail(err, SF_R_KEYRING, "no trusted key: the keyring is empty");
	return fit_parse(fit, fit_size, file_size, keys, NULL, NULL, out, err);
}

int fit_inspect(const void *fit, size_t fit_size, uint64_t file_size, struct fit_bundle *out,
		struct fit_sig_info *sigs, unsigned int *n_sigs, struct sf_err *err)
{
	return fit_parse(fit, fit_size, file_size, NULL, sigs, n_sigs, out, err);
}
