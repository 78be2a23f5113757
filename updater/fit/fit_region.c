// SPDX-License-Identifier: MIT
/*
 * What a FIT configuration signature covers. The region selection follows
 * U-Boot's fdt_find_regions() as called by its configuration verifier (a
 * format fact, written anew here over the walk of fit_walk.c); the node list is
 * rebuilt from the configuration as U-Boot does since it stopped trusting
 * `hashed-nodes`.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "common/text.h"
#include "fit/fit_internal.h"

static const char *const excluded_props[] = { "data", "data-size", "data-position", "data-offset" };

/* Properties a configuration may have; any other one could reference images. */
static const char *const config_props[] = { "description", "compatible", "loadables" };

struct region_acc {
	int (*emit)(void *priv, size_t offset, size_t size);
	void *priv;
	bool pending;
	size_t offset, size;
};

static bool in_list(const char *s, const char *const list[], unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* Adds a region, merging it with the previous one when they touch. */
static int region_add(struct region_acc *acc, size_t offset, size_t size)
{
	int ret;

	if (acc->pending && acc->offset + acc->size == offset) {
		acc->size += size;
		return 0;
	}
	if (acc->pending) {
		ret = acc->emit(acc->priv, acc->offset, acc->size);
		if (ret)
			return ret;
	}
	acc->pending = true;
	acc->offset = offset;
	acc->size = size;
	return 0;
}

/*
 * The selection of U-Boot's fdt_find_regions(): @want is 2 inside a listed
 * node (its properties and subnodes' tags are included), 1 in the direct
 * subnode of such a node (only its begin and end tags), 0 elsewhere. A region
 * starts at the first included tag and stops before the next excluded
 * property or node, or after an excluded end tag.
 */
struct region_walk {
	struct region_acc acc;
	size_t base;		  /* offset of the structure block */
	const char *const *inc;
	unsigned int n_inc;
	int want;
	int stack[FIT_MAX_DEPTH]; /* want of the parent, per depth */
	long start;		  /* first tag of the open region, -1 when none */
	uint32_t *names_end;
};

/* Whether tag @t is signed, and where a region that ends at it stops. */
static int region_select(struct region_walk *w, const struct fit_tag *t, size_t *stop_at)
{
	int include;

	*stop_at = t->next;
	switch (t->tag) {
	case FDT_PROP:
		*stop_at = t->offset;
		if (w->want < 2 || in_list(t->name, excluded_props, sizeof(excluded_props) / sizeof(excluded_props[0])))
			return 0;
		/* the name lies inside the strings block (fit_walk()): no overflow */
		if (*w->names_end < t->nameoff + t->name_len + 1)
			*w->names_end = (uint32_t)(t->nameoff + t->name_len + 1);
		return 1;
	case FDT_NOP:
		*stop_at = t->offset;
		return w->want >= 2;
	case FDT_BEGIN_NODE:
		w->stack[t->depth] = w->want;
		if (w->want == 1)
			*stop_at = t->offset;
		if (in_list(t->path, w->inc, w->n_inc))
			w->want = 2;
		else if (w->want)
			w->want--;
		else
			*stop_at = t->offset;
		return w->want;
	case FDT_END_NODE:
		include = w->want;
		w->want = w->stack[t->depth];
		return include;
	default: /* FDT_END */
		return 1;
	}
}

static int region_tag(void *priv, const struct fit_tag *t, struct sf_err *err)
{
	struct region_walk *w = priv;
	size_t stop_at;
	int include, ret = 0;

	include = region_select(w, t, &stop_at);
	if (include && w->start < 0)
		w->start = (long)t->offset;
	if (!include && w->start >= 0) {
		ret = region_add(&w->acc, w->base + (size_t)w->start, stop_at - (size_t)w->start);
		w->start = -1;
	}
	/* the last region runs through the FDT_END tag */
	if (!ret && t->tag == FDT_END) {
		ret = region_add(&w->acc, w->base + (size_t)w->start, t->next - (size_t)w->start);
		ret = ret ?: w->acc.emit(w->acc.priv, w->acc.offset, w->acc.size);
	}
	return ret;
}

int fit_regions(const void *fit, const char *const inc[], unsigned int n_inc,
		int (*emit)(void *priv, size_t offset, size_t size), void *priv, uint32_t *names_end,
		struct sf_err *err)
{
	struct region_walk w = { .acc = { .emit = emit, .priv = priv },
				 .base = fdt_off_dt_struct(fit),
				 .inc = inc,
				 .n_inc = n_inc,
				 .start = -1,
				 .names_end = names_end };

	*names_end = 0;
	return fit_walk(fit, fdt_totalsize(fit), region_tag, &w, err);
}

/* Appends a path; the callers keep within FIT_INC_MAX entries. */
static void inc_add(struct fit_inc *inc, const char *a, const char *b, const char *c)
{
	/* node names are shorter than FIT_NAME_MAX (fit_check_blob()): this fits */
	snprintf(inc->buf[inc->n], FIT_INC_PATH_MAX, "%s%s%s", a, b, c);
	inc->path[inc->n] = inc->buf[inc->n];
	inc->n++;
}

/* "/images/IMG" and its hash* subnodes; at most 1 + FIT_HASH_NODES_MAX entries. */
static int inc_image(const void *fit, int images, const char *name, const char *conf_name, struct fit_inc *inc,
		     struct sf_err *err)
{
	int img, sub, hashes = 0;

	img = fdt_subnode_offset(fit, images, name);
	if (img < 0)
		return sf_fail(err, SF_R_MALFORMED, "configuration '%s' names image '%s', which is not in /images",
			       conf_name, name);
	inc_add(inc, "/images/", name, "");
	fdt_for_each_subnode(sub, fit, img) {
		const char *sname = fdt_get_name(fit, sub, NULL);

		if (!sname)
			return sf_fail(err, SF_R_MALFORMED, "header is malformed: bad node in image '%s'", name);
		if (!strcmp(sname, "cipher"))
			return sf_fail(err, SF_R_MALFORMED, "image '%s' is encrypted, which is not supported", name);
		if (strncmp(sname, "hash", 4))
			continue;
		if (++hashes > FIT_HASH_NODES_MAX)
			return sf_fail(err, SF_R_LIMIT, "image '%s' has more than %d hash nodes", name,
				       FIT_HASH_NODES_MAX);
		inc_add(inc, inc->path[inc->n - hashes], "/", sname);
	}
	if (sub < 0 && sub != -FDT_ERR_NOTFOUND)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: %s", fdt_strerror(sub));
	if (!hashes)
		return sf_fail(err, SF_R_MALFORMED, "image '%s' has no hash node", name);
	return 0;
}

/* Only description, compatible and loadables: anything else might name images. */
static int check_config_props(const void *fit, int conf, const char *conf_name, struct sf_err *err)
{
	int prop;

	fdt_for_each_property_offset(prop, fit, conf) {
		char shown[FIT_NAME_MAX];
		const char *pname;

		if (!fdt_getprop_by_offset(fit, prop, &pname, NULL) || !pname)
			return sf_fail(err, SF_R_MALFORMED, "header is malformed: bad property in configuration '%s'",
				       conf_name);
		if (!in_list(pname, config_props, sizeof(config_props) / sizeof(config_props[0])))
			return sf_fail(err, SF_R_MALFORMED,
				       "configuration '%s': property '%s' is not supported (images must be listed in loadables only)",
				       conf_name, sf_text_sanitize(shown, sizeof(shown), pname, strlen(pname)));
	}
	return 0;
}

int fit_config_inc(const void *fit, int conf, struct fit_inc *inc, struct sf_err *err)
{
	const char *conf_name, *loadables, *s;
	int len, images, n, i, ret;

	conf_name = fdt_get_name(fit, conf, NULL);
	if (!conf_name)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: bad configuration node");
	ret = check_config_props(fit, conf, conf_name, err);
	if (ret)
		return ret;
	loadables = fdt_getprop(fit, conf, "loadables", &len);
	if (!loadables)
		return sf_fail(err, SF_R_MALFORMED, "configuration '%s' has no loadables", conf_name);
	n = fit_stringlist_valid(loadables, len);
	if (n < 0)
		return sf_fail(err, SF_R_MALFORMED, "configuration '%s': loadables is not a list of names", conf_name);
	/* refused before any further work */
	if (n > CONFIG_MAX_BUNDLE_IMAGES)
		return sf_fail(err, SF_R_LIMIT, "configuration '%s' lists %d images, at most %d are supported",
			       conf_name, n, CONFIG_MAX_BUNDLE_IMAGES);
	images = fdt_subnode_offset(fit, 0, "images");
	if (images < 0)
		return sf_fail(err, SF_R_MALFORMED, "the header has no /images node");

	inc->n = 0;
	inc_add(inc, "/", "", "");
	inc_add(inc, "/configurations/", conf_name, "");
	for (s = loadables, i = 0; i < n; s += strlen(s) + 1, i++) {
		char shown[FIT_NAME_MAX];
		const char *t = loadables;

		if (!fit_name_valid(s, strlen(s)))
			return sf_fail(err, SF_R_MALFORMED, "configuration '%s': loadables entry '%s' is not a node name",
				       conf_name, sf_text_sanitize(shown, sizeof(shown), s, strlen(s)));
		for (int j = 0; j < i; j++, t += strlen(t) + 1)
			if (!strcmp(s, t))
				return sf_fail(err, SF_R_MALFORMED, "configuration '%s' lists image '%s' twice", conf_name, s);
		ret = inc_image(fit, images, s, conf_name, inc, err);
		if (ret)
			return ret;
	}
	return 0;
}

static int digest_emit(void *priv, size_t offset, size_t size)
{
	void **ctx = priv;

	/* a positive value: fit_regions() passes it through, unlike its own errors */
	return sha256_update(ctx[0], (const uint8_t *)ctx[1] + offset, size) ? 1 : 0;
}

int fit_signed_digest(const void *fit, const struct fit_inc *inc, uint32_t strings_size,
		      uint8_t digest[SHA256_LEN], uint32_t *names_end, struct sf_err *err)
{
	struct sha256 *h = NULL;
	void *ctx[2];
	int ret;

	if (strings_size > fdt_size_dt_strings(fit))
		return sf_fail(err, SF_R_MALFORMED, "hashed-strings size %u exceeds the strings block (%u bytes)",
			       strings_size, fdt_size_dt_strings(fit));
	ret = sha256_new(&h, SHA256_ENGINE_MBEDTLS);
	if (ret)
		return sf_fail_errno(err, SF_R_FAILED, ret, "hashing the header");
	ctx[0] = h;
	ctx[1] = (void *)fit;
	ret = fit_regions(fit, inc->path, inc->n, digest_emit, ctx, names_end, err);
	if (ret > 0) {
		ret = sf_fail_errno(err, SF_R_FAILED, EIO, "hashing the header");
		goto out;
	}
	if (ret)
		goto out;
	if (sha256_update(h, (const uint8_t *)fit + fdt_off_dt_strings(fit), strings_size) ||
	    sha256_final(h, digest)) {
		ret = sf_fail_errno(err, SF_R_FAILED, EIO, "hashing the header");
		goto out;
	}
out:
	sha256_free(h);
	return ret;
}
