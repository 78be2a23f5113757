// SPDX-License-Identifier: MIT
/*
 * slotflip's metadata, read from signed nodes only (the default
 * configuration and the images of its `loadables`): the board, each image's
 * hash, component, versions, security version and requirements. Every string
 * is checked with its property's own length and must be metadata text
 * (common/text.h): what the environment, U-Boot's script, JSON and a terminal
 * all keep as it is.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "common/text.h"
#include "fit/fit_internal.h"

int fit_meta_config(const void *fit, int conf, struct fit_bundle *b, struct sf_err *err)
{
	char what[FIT_NAME_MAX + 32];
	const char *board;
	size_t len;
	int ret;

	snprintf(what, sizeof(what), "configuration '%s'", b->config);
	ret = fit_get_string(fit, conf, "compatible", what, true, &board, err);
	if (ret)
		return ret;
	len = strlen(board);
	if (!len || len >= FIT_BOARD_MAX || !sf_text_valid(board, len))
		return sf_fail(err, SF_R_METADATA,
			       "%s: compatible must be 1 to %d printable characters without '\\' and '='", what,
			       FIT_BOARD_MAX - 1);
	memcpy(b->board, board, len + 1);
	return 0;
}

/* A version property: NUL-terminated, valid with its own length. */
static int get_version(const void *fit, int node, const char *prop, const char *what, bool required,
		       char out[SF_VERSION_MAX], bool *found, struct sf_err *err)
{
	const char *v;
	int len;

	*found = false;
	v = fdt_getprop(fit, node, prop, &len);
	if (!v)
		return required ? sf_fail(err, SF_R_METADATA, "%s has no %s", what, prop) : 0;
	if (len < 1 || v[len - 1] != '\0' || !sf_version_valid(v, (size_t)len - 1))
		return sf_fail(err, SF_R_METADATA, "%s: %s is not a valid version string", what, prop);
	memcpy(out, v, (size_t)len);
	*found = true;
	return 0;
}

static int read_requires(const void *fit, int img, const char *what, struct fit_image *im, struct sf_err *err)
{
	const char *req;
	int len, n;

	im->n_requires = 0;
	req = fdt_getprop(fit, img, "slotflip,requires", &len);
	if (!req)
		return 0;
	n = fit_stringlist_valid(req, len);
	if (n < 0)
		return sf_fail(err, SF_R_METADATA, "%s: slotflip,requires is not a list of strings", what);
	if (n > FIT_REQUIRES_MAX)
		return sf_fail(err, SF_R_LIMIT, "%s: slotflip,requires has %d entries, at most %d are supported", what,
			       n, FIT_REQUIRES_MAX);
	for (int i = 0; i < n; i++, req += strlen(req) + 1) {
		struct fit_require *r = &im->requires[i];
		char shown[SF_VERSION_MAX + SF_COMPONENT_MAX + 2];

		if (sf_require_parse(req, r->component, r->version))
			return sf_fail(err, SF_R_METADATA, "%s: slotflip,requires entry '%s' is not component>=version",
				       what, sf_text_sanitize(shown, sizeof(shown), req, strlen(req)));
	}
	im->n_requires = (unsigned int)n;
	return 0;
}

static int read_metadata(const void *fit, int img, const char *what, struct fit_image *im, struct sf_err *err)
{
	const char *comp, *problem;
	bool based;
	int ret;

	ret = fit_get_string(fit, img, "slotflip,component", what, true, &comp, err);
	if (ret)
		return ret;
	if (!sf_component_valid(comp))
		return sf_fail(err, SF_R_METADATA, "%s: slotflip,component is not a component name ([a-z0-9_]{1,16})",
			       what);
	snprintf(im->component, sizeof(im->component), "%s", comp);
	ret = get_version(fit, img, "slotflip,version", what, true, im->version, &based, err);
	ret = ret ?: fit_get_u32(fit, img, "slotflip,security-version", what, true, NULL, &im->security_version, err);
	ret = ret ?: get_version(fit, img, "slotflip,base-version", what, false, im->base_version, &based, err);
	if (ret)
		return ret;
	if (!based)
		im->base_version[0] = '\0';
	problem = sf_version_base_problem(im->version, based ? im->base_version : NULL);
	if (problem)
		return sf_fail(err, SF_R_METADATA, "%s: version '%s' %s%s%s%s", what, im->version, problem,
			       based ? " ('" : "", based ? im->base_version : "", based ? "')" : "");
	return read_requires(fit, img, what, im, err);
}

static int read_hash(const void *fit, int img, const char *what, struct fit_image *im, struct sf_err *err)
{
	char hwhat[FIT_NAME_MAX + 32];
	const char *algo;
	const void *value;
	int hash, len, ret;

	hash = fdt_subnode_offset(fit, img, "hash-1");
	if (hash < 0)
		return sf_fail(err, SF_R_MALFORMED, "%s has no hash-1 node", what);
	snprintf(hwhat, sizeof(hwhat), "%s: hash-1", what);
	ret = fit_get_string(fit, hash, "algo", hwhat, true, &algo, err);
	if (ret)
		return ret;
	if (strcmp(algo, "sha256"))
		return sf_fail(err, SF_R_MALFORMED, "%s: hash-1 algo is not sha256", what);
	value = fdt_getprop(fit, hash, "value", &len);
	if (!value)
		return sf_fail(err, SF_R_MALFORMED, "%s: hash-1 has no value", what);
	if (len != SHA256_LEN)
		return sf_fail(err, SF_R_MALFORMED, "%s: hash-1 value is %d bytes, expected %d", what, len, SHA256_LEN);
	memcpy(im->sha256, value, SHA256_LEN);
	return 0;
}

int fit_meta_image(const void *fit, int img, const char *what, unsigned int i, struct fit_bundle *b,
		   struct sf_err *err)
{
	struct fit_image *im = &b->image[i];
	const char *comp = NULL;
	int ret;

	ret = read_hash(fit, img, what, im, err);
	ret = ret ?: fit_get_string(fit, img, "compression", what, false, &comp, err);
	if (!ret && comp && strcmp(comp, "none"))
		ret = sf_fail(err, SF_R_METADATA, "%s: compression is not \"none\"", what);
	ret = ret ?: read_metadata(fit, img, what, im, err);
	ret = ret ?: fit_read_delta(fit, img, what, &im->delta, err);
	for (unsigned int j = 0; !ret && j < i; j++) {
		const struct fit_image *o = &b->image[j];

		if (!strcmp(o->component, im->component))
			ret = sf_fail(err, SF_R_METADATA, "images '%s' and '%s' are both for component '%s'", o->node,
				      im->node, im->component);
	}
	return ret;
}
