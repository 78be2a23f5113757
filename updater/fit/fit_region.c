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

int fit_regions(const void *fit, const char *const inc[], unsigned int n_inc,
		int (*emit)(void *priv, size_t offset, size_t size), void *priv, uint32_t *names_end,
		struct sf_err *err)
{
	struct region_acc acc = { .emit = emit, .priv = priv };
	size_t base = fdt_off_dt_struct(fit);
	int stack[FIT_MAX_DEPTH];
	size_t plen[FIT_MAX_DEPTH];
	char path[FIT_PATH_MAX];
	int nextoffset = 0, start = -1, depth = -1, want = 0, ret;
	bool expect_end = false;
	uint32_t tag;

	*names_end = 0;
	path[0] = '\0';
	do {
		const struct fdt_property *prop;
		const char *name;
		int include = 0, stop_at, offset, len;
		size_t end, nlen;
		uint32_t nameoff;

		offset = nextoffset;
		tag = fdt_next_tag(fit, offset, &nextoffset);
		if (nextoffset < 0)
			return sf_fail(err, SF_EVERIFY, "header is malformed: %s", fdt_strerror(nextoffset));
		stop_at = nextoffset;
		if (expect_end && tag != FDT_END)
			return sf_fail(err, SF_EVERIFY, "header has more than one root node");

		switch (tag) {
		case FDT_PROP:
			include = want >= 2;
			stop_at = offset;
			prop = fdt_get_property_by_offset(fit, offset, NULL);
			if (!prop)
				return sf_fail(err, SF_EVERIFY, "header is malformed: bad property");
			nameoff = fdt32_to_cpu(prop->nameoff);
			name = fdt_string(fit, (int)nameoff);
			if (!name)
				return sf_fail(err, SF_EVERIFY, "header is malformed: bad property name");
			if (in_list(name, excluded_props, sizeof(excluded_props) / sizeof(excluded_props[0])))
				include = 0;
			if (include && *names_end < nameoff + strlen(name) + 1)
				*names_end = (uint32_t)(nameoff + strlen(name) + 1);
			break;
		case FDT_NOP:
			include = want >= 2;
			stop_at = offset;
			break;
		case FDT_BEGIN_NODE:
			if (++depth >= FIT_MAX_DEPTH)
				return sf_fail(err, SF_EVERIFY, "nodes are nested deeper than %d levels", FIT_MAX_DEPTH);
			name = fdt_get_name(fit, offset, &len);
			if (!name || len < 0)
				return sf_fail(err, SF_EVERIFY, "header is malformed: bad node name");
			if (!depth && len)
				return sf_fail(err, SF_EVERIFY, "root node has a name");
			/* the root is "/", every other node adds "/name" ("/" + name) */
			end = depth ? plen[depth - 1] : 0;
			nlen = (size_t)len;
			/* end < sizeof(path) always holds, so subtract: room for "/", name, NUL */
			if (nlen + 2 > sizeof(path) - end)
				return sf_fail(err, SF_EVERIFY, "node path too long");
			if (depth != 1)
				path[end++] = '/';
			memcpy(path + end, name, nlen);
			end += nlen;
			path[end] = '\0';
			plen[depth] = end;
			stack[depth] = want;
			if (want == 1)
				stop_at = offset;
			if (in_list(path, inc, n_inc))
				want = 2;
			else if (want)
				want--;
			else
				stop_at = offset;
			include = want;
			break;
		case FDT_END_NODE:
			if (depth < 0)
				return sf_fail(err, SF_EVERIFY, "header is malformed: unbalanced end of node");
			include = want;
			want = stack[depth--];
			if (depth >= 0)
				path[plen[depth]] = '\0';
			if (depth == -1)
				expect_end = true;
			break;
		case FDT_END:
			include = 1;
			break;
		default:
			return sf_fail(err, SF_EVERIFY, "header is malformed: unknown tag 0x%x", tag);
		}

		if (include && start == -1)
			start = offset;
		if (!include && start != -1) {
			ret = region_add(&acc, base + (size_t)start, (size_t)(stop_at - start));
			if (ret)
				return ret;
			start = -1;
		}
	} while (tag != FDT_END);

	if (nextoffset < 0 || (uint32_t)nextoffset != fdt_size_dt_struct(fit))
		return sf_fail(err, SF_EVERIFY, "header is malformed: data after FDT_END");
	/* the last region runs through the FDT_END tag */
	ret = region_add(&acc, base + (size_t)start, (size_t)(nextoffset - start));
	if (ret)
		return ret;
	return acc.emit(acc.priv, acc.offset, acc.size);
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

static char *inc_slot(struct fit_inc *inc)
{
	return inc->buf[inc->n];
}

int fit_config_inc(const void *fit, int conf, struct fit_inc *inc, struct sf_err *err)
{
	const char *conf_name, *loadables, *s;
	int len, images, prop, n, i;

	conf_name = fdt_get_name(fit, conf, NULL);
	if (!conf_name)
		return sf_fail(err, SF_EVERIFY, "header is malformed: bad configuration node");
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
	loadables = fdt_getprop(fit, conf, "loadables", &len);
	if (!loadables)
		return sf_fail(err, SF_EVERIFY, "configuration '%s' has no loadables", conf_name);
	n = fit_stringlist_valid(loadables, len);
	if (n < 0)
		return sf_fail(err, SF_EVERIFY, "configuration '%s': loadables is not a list of names", conf_name);
	if (n > CONFIG_MAX_BUNDLE_IMAGES)
		return sf_fail(err, SF_EVERIFY, "configuration '%s' lists %d images, at most %d are supported",
			       conf_name, n, CONFIG_MAX_BUNDLE_IMAGES);
	images = fdt_subnode_offset(fit, 0, "images");
	if (images < 0)
		return sf_fail(err, SF_EVERIFY, "the header has no /images node");

	inc->n = 0;
	strcpy(inc_slot(inc), "/");
	inc->path[inc->n] = inc->buf[inc->n];
	inc->n++;
	/* node names are shorter than FIT_NAME_MAX (fit_check_blob()): these fit */
	snprintf(inc_slot(inc), FIT_INC_PATH_MAX, "/configurations/%s", conf_name);
	inc->path[inc->n] = inc->buf[inc->n];
	inc->n++;

	for (s = loadables, i = 0; i < n; s += strlen(s) + 1, i++) {
		const char *t = loadables;
		int img, sub, hashes = 0;

		char shown[FIT_NAME_MAX];

		if (!fit_name_valid(s, strlen(s)))
			return sf_fail(err, SF_EVERIFY, "configuration '%s': loadables entry '%s' is not a node name",
				       conf_name, fit_sanitize(shown, sizeof(shown), s, strlen(s)));
		for (int j = 0; j < i; j++, t += strlen(t) + 1)
			if (!strcmp(s, t))
				return sf_fail(err, SF_EVERIFY, "configuration '%s' lists image '%s' twice", conf_name, s);
		img = fdt_subnode_offset(fit, images, s);
		if (img < 0)
			return sf_fail(err, SF_EVERIFY, "configuration '%s' names image '%s', which is not in /images",
				       conf_name, s);
		snprintf(inc_slot(inc), FIT_INC_PATH_MAX, "/images/%s", s);
		inc->path[inc->n] = inc->buf[inc->n];
		inc->n++;
		fdt_for_each_subnode(sub, fit, img) {
			const char *sname = fdt_get_name(fit, sub, NULL);

			if (!sname)
				return sf_fail(err, SF_EVERIFY, "header is malformed: bad node in image '%s'", s);
			if (!strcmp(sname, "cipher"))
				return sf_fail(err, SF_EVERIFY, "image '%s' is encrypted, which is not supported", s);
			if (strncmp(sname, "hash", 4))
				continue;
			if (++hashes > FIT_HASH_NODES_MAX)
				return sf_fail(err, SF_EVERIFY, "image '%s' has more than %d hash nodes", s,
					       FIT_HASH_NODES_MAX);
			snprintf(inc_slot(inc), FIT_INC_PATH_MAX, "/images/%s/%s", s, sname);
			inc->path[inc->n] = inc->buf[inc->n];
			inc->n++;
		}
		if (sub < 0 && sub != -FDT_ERR_NOTFOUND)
			return sf_fail(err, SF_EVERIFY, "header is malformed: %s", fdt_strerror(sub));
		if (!hashes)
			return sf_fail(err, SF_EVERIFY, "image '%s' has no hash node", s);
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
