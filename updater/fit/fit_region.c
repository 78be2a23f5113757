// SPDX-License-Identifier: MIT
/*
 * What a FIT configuration signature covers. The region selection follows
 * U-Boot's fdt_find_regions() as called by its configuration verifier (a
 * format fact, written anew here over libfdt's tag walker); the node list is
 * rebuilt from the configuration as U-Boot does since it stopped trusting
 * `hashed-nodes`.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

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
 * The walk of U-Boot's fdt_find_regions(): @want is 2 inside a listed node
 * (its properties and subnodes' tags are included), 1 in the direct subnode
 * of such a node (only its begin and end tags), 0 elsewhere.
 */
struct region_walk {
	const void *fit;
	const char *const *inc;
	unsigned int n_inc;
	int depth;
	int want;
	int stack[FIT_MAX_DEPTH]; /* want of the parent, per depth */
	size_t plen[FIT_MAX_DEPTH]; /* path length with the node of each depth */
	char path[FIT_PATH_MAX];
	uint32_t *names_end;
};

static int region_prop(struct region_walk *w, int offset, int *include, struct sf_err *err)
{
	const struct fdt_property *prop;
	const char *name;
	uint32_t nameoff;

	*include = w->want >= 2;
	prop = fdt_get_property_by_offset(w->fit, offset, NULL);
	if (!prop)
		return sf_fail(err, SF_EVERIFY, "header is malformed: bad property");
	nameoff = fdt32_to_cpu(prop->nameoff);
	name = fdt_string(w->fit, (int)nameoff);
	if (!name)
		return sf_fail(err, SF_EVERIFY, "header is malformed: bad property name");
	if (in_list(name, excluded_props, sizeof(excluded_props) / sizeof(excluded_props[0])))
		*include = 0;
	/* nameoff and the name lie inside the strings block: no overflow */
	if (*include && *w->names_end < nameoff + strlen(name) + 1)
		*w->names_end = (uint32_t)(nameoff + strlen(name) + 1);
	return 0;
}

static int region_begin_node(struct region_walk *w, int offset, int *include, int *stop_at, struct sf_err *err)
{
	const char *name;
	size_t end;
	int len;

	if (++w->depth >= FIT_MAX_DEPTH)
		return sf_fail(err, SF_EVERIFY, "nodes are nested deeper than %d levels", FIT_MAX_DEPTH);
	name = fdt_get_name(w->fit, offset, &len);
	if (!name || len < 0)
		return sf_fail(err, SF_EVERIFY, "header is malformed: bad node name");
	if (!w->depth && len)
		return sf_fail(err, SF_EVERIFY, "root node has a name");
	/* the root is "/", its children "/name", deeper nodes add "/name" */
	end = w->depth ? w->plen[w->depth - 1] : 0;
	/* end < sizeof(path) always holds, so subtract: room for "/", name, NUL */
	if ((size_t)len + 2 > sizeof(w->path) - end)
		return sf_fail(err, SF_EVERIFY, "node path too long");
	if (w->depth != 1)
		w->path[end++] = '/';
	memcpy(w->path + end, name, (size_t)len);
	end += (size_t)len;
	w->path[end] = '\0';
	w->plen[w->depth] = end;

	w->stack[w->depth] = w->want;
	if (w->want == 1)
		*stop_at = offset;
	if (in_list(w->path, w->inc, w->n_inc))
		w->want = 2;
	else if (w->want)
		w->want--;
	else
		*stop_at = offset;
	*include = w->want;
	return 0;
}

static int region_end_node(struct region_walk *w, int *include, bool *expect_end, struct sf_err *err)
{
	if (w->depth < 0)
		return sf_fail(err, SF_EVERIFY, "header is malformed: unbalanced end of node");
	*include = w->want;
	w->want = w->stack[w->depth--];
	if (w->depth >= 0)
		w->path[w->plen[w->depth]] = '\0';
	else
		*expect_end = true;
	return 0;
}

int fit_regions(const void *fit, const char *const inc[], unsigned int n_inc,
		int (*emit)(void *priv, size_t offset, size_t size), void *priv, uint32_t *names_end,
		struct sf_err *err)
{
	struct region_acc acc = { .emit = emit, .priv = priv };
	size_t base = fdt_off_dt_struct(fit);
	int nextoffset = 0, start = -1, ret;
	struct region_walk *w;
	bool expect_end = false;
	uint32_t tag;

	*names_end = 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "finding the signed regions");
	*w = (struct region_walk){ .fit = fit, .inc = inc, .n_inc = n_inc, .depth = -1, .names_end = names_end };
	do {
		int include = 0, stop_at, offset = nextoffset;

		tag = fdt_next_tag(fit, offset, &nextoffset);
		if (nextoffset < 0) {
			ret = sf_fail(err, SF_EVERIFY, "header is malformed: %s", fdt_strerror(nextoffset));
			goto out;
		}
		/* by default a region that ends here ends after this tag */
		stop_at = nextoffset;
		if (expect_end && tag != FDT_END) {
			ret = sf_fail(err, SF_EVERIFY, "header has more than one root node");
			goto out;
		}
		switch (tag) {
		case FDT_PROP:
			stop_at = offset;
			ret = region_prop(w, offset, &include, err);
			break;
		case FDT_NOP:
			include = w->want >= 2;
			stop_at = offset;
			ret = 0;
			break;
		case FDT_BEGIN_NODE:
			ret = region_begin_node(w, offset, &include, &stop_at, err);
			break;
		case FDT_END_NODE:
			ret = region_end_node(w, &include, &expect_end, err);
			break;
		case FDT_END:
			include = 1;
			ret = 0;
			break;
		default:
			ret = sf_fail(err, SF_EVERIFY, "header is malformed: unknown tag 0x%x", tag);
			break;
		}
		if (ret)
			goto out;
		if (include && start == -1)
			start = offset;
		if (!include && start != -1) {
			ret = region_add(&acc, base + (size_t)start, (size_t)(stop_at - start));
			if (ret)
				goto out;
			start = -1;
		}
	} while (tag != FDT_END);

	if ((uint32_t)nextoffset != fdt_size_dt_struct(fit)) {
		ret = sf_fail(err, SF_EVERIFY, "header is malformed: data after FDT_END");
		goto out;
	}
	/* the last region runs through the FDT_END tag */
	ret = region_add(&acc, base + (size_t)start, (size_t)(nextoffset - start));
	if (!ret)
		ret = acc.emit(acc.priv, acc.offset, acc.size);
out:
	free(w);
	return ret;
}

int fit_stringlist_valid(const char *data, int len)
{
	int n = 0, i = 0;

	if (!data || len <= 0 || data[len - 1] != '\0')
		return -1;
	while (i < len) {
		int l = (int)strlen(data + i);

		if (!l)
			return -1;
		i += l + 1;
		n++;
	}
	return n;
}

bool fit_stringlist_has(const char *data, int len, const char *s)
{
	for (int i = 0; i < len; i += (int)strlen(data + i) + 1)
		if (!strcmp(data + i, s))
			return true;
	return false;
}

int fit_get_string(const void *fit, int node, const char *prop, const char *what, bool required,
		   const char **out, struct sf_err *err)
{
	const char *data;
	int len;

	*out = NULL;
	data = fdt_getprop(fit, node, prop, &len);
	if (!data) {
		if (!required)
			return 0;
		return sf_fail(err, SF_EVERIFY, "%s has no %s", what, prop);
	}
	if (len <= 0 || data[len - 1] != '\0' || strlen(data) != (size_t)len - 1)
		return sf_fail(err, SF_EVERIFY, "%s: %s is not a NUL-terminated string", what, prop);
	*out = data;
	return 0;
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
		return sf_fail(err, SF_EVERIFY, "configuration '%s' names image '%s', which is not in /images",
			       conf_name, name);
	inc_add(inc, "/images/", name, "");
	fdt_for_each_subnode(sub, fit, img) {
		const char *sname = fdt_get_name(fit, sub, NULL);

		if (!sname)
			return sf_fail(err, SF_EVERIFY, "header is malformed: bad node in image '%s'", name);
		if (!strcmp(sname, "cipher"))
			return sf_fail(err, SF_EVERIFY, "image '%s' is encrypted, which is not supported", name);
		if (strncmp(sname, "hash", 4))
			continue;
		if (++hashes > FIT_HASH_NODES_MAX)
			return sf_fail(err, SF_EVERIFY, "image '%s' has more than %d hash nodes", name,
				       FIT_HASH_NODES_MAX);
		inc_add(inc, inc->path[inc->n - hashes], "/", sname);
	}
	if (sub < 0 && sub != -FDT_ERR_NOTFOUND)
		return sf_fail(err, SF_EVERIFY, "header is malformed: %s", fdt_strerror(sub));
	if (!hashes)
		return sf_fail(err, SF_EVERIFY, "image '%s' has no hash node", name);
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
			return sf_fail(err, SF_EVERIFY, "header is malformed: bad property in configuration '%s'",
				       conf_name);
		if (!in_list(pname, config_props, sizeof(config_props) / sizeof(config_props[0])))
			return sf_fail(err, SF_EVERIFY,
				       "configuration '%s': property '%s' is not supported (images must be listed in loadables only)",
				       conf_name, fit_sanitize(shown, sizeof(shown), pname, strlen(pname)));
	}
	return 0;
}

int fit_config_inc(const void *fit, int conf, struct fit_inc *inc, struct sf_err *err)
{
	const char *conf_name, *loadables, *s;
	int len, images, n, i, ret;

	conf_name = fdt_get_name(fit, conf, NULL);
	if (!conf_name)
		return sf_fail(err, SF_EVERIFY, "header is malformed: bad configuration node");
	ret = check_config_props(fit, conf, conf_name, err);
	if (ret)
		return ret;
	loadables = fdt_getprop(fit, conf, "loadables", &len);
	if (!loadables)
		return sf_fail(err, SF_EVERIFY, "configuration '%s' has no loadables", conf_name);
	n = fit_stringlist_valid(loadables, len);
	if (n < 0)
		return sf_fail(err, SF_EVERIFY, "configuration '%s': loadables is not a list of names", conf_name);
	/* refused before any further work */
	if (n > CONFIG_MAX_BUNDLE_IMAGES)
		return sf_fail(err, SF_EVERIFY, "configuration '%s' lists %d images, at most %d are supported",
			       conf_name, n, CONFIG_MAX_BUNDLE_IMAGES);
	images = fdt_subnode_offset(fit, 0, "images");
	if (images < 0)
		return sf_fail(err, SF_EVERIFY, "the header has no /images node");

	inc->n = 0;
	inc_add(inc, "/", "", "");
	inc_add(inc, "/configurations/", conf_name, "");
	for (s = loadables, i = 0; i < n; s += strlen(s) + 1, i++) {
		char shown[FIT_NAME_MAX];
		const char *t = loadables;

		if (!fit_name_valid(s, strlen(s)))
			return sf_fail(err, SF_EVERIFY, "configuration '%s': loadables entry '%s' is not a node name",
				       conf_name, fit_sanitize(shown, sizeof(shown), s, strlen(s)));
		for (int j = 0; j < i; j++, t += strlen(t) + 1)
			if (!strcmp(s, t))
				return sf_fail(err, SF_EVERIFY, "configuration '%s' lists image '%s' twice", conf_name, s);
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
		return sf_fail(err, SF_EVERIFY, "hashed-strings size %u exceeds the strings block (%u bytes)",
			       strings_size, fdt_size_dt_strings(fit));
	ret = sha256_new(&h, SHA256_ENGINE_MBEDTLS);
	if (ret)
		return sf_fail_errno(err, SF_EFAIL, ret, "hashing the header");
	ctx[0] = h;
	ctx[1] = (void *)fit;
	ret = fit_regions(fit, inc->path, inc->n, digest_emit, ctx, names_end, err);
	if (ret > 0) {
		ret = sf_fail_errno(err, SF_EFAIL, EIO, "hashing the header");
		goto out;
	}
	if (ret)
		goto out;
	if (sha256_update(h, (const uint8_t *)fit + fdt_off_dt_strings(fit), strings_size) ||
	    sha256_final(h, digest)) {
		ret = sf_fail_errno(err, SF_EFAIL, EIO, "hashing the header");
		goto out;
	}
out:
	sha256_free(h);
	return ret;
}
