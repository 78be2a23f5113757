// SPDX-License-Identifier: MIT
/*
 * Structural checks of an untrusted FIT header, over the bounded walk of
 * fit_walk.c: node names, the order of properties and subnodes, no twins;
 * then libfdt's own fdt_check_full().
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "fit/fit_internal.h"

struct name_ref {
	const char *name;
	bool prop;
};

/* The names seen in the open nodes, for the twin check at each node's end. */
struct check {
	struct name_ref *refs;	/* room for one entry per 4 bytes of the structure block */
	size_t n_refs;
	size_t first_ref[FIT_MAX_DEPTH];
	bool had_subnode[FIT_MAX_DEPTH];
};

bool fit_name_valid(const char *s, size_t len)
{
	if (len == 0 || len >= FIT_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ',' ||
		      c == '.' || c == '_' || c == '+' || c == '-'))
			return false;
	}
	return true;
}

static int name_ref_cmp(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;

	if (x->prop != y->prop)
		return x->prop ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Sorts the names of one node's subnodes and properties, reports a twin. */
static int check_unique(struct name_ref *refs, size_t n, const char *path, struct sf_err *err)
{
	qsort(refs, n, sizeof(*refs), name_ref_cmp);
	for (size_t i = 1; i < n; i++) {
		if (refs[i].prop != refs[i - 1].prop || strcmp(refs[i].name, refs[i - 1].name))
			continue;
		char shown[FIT_NAME_MAX];

		return sf_fail(err, SF_R_MALFORMED, "node '%s' has two %s named '%s'", path,
			       refs[i].prop ? "properties" : "subnodes",
			       sf_text_sanitize(shown, sizeof(shown), refs[i].name, FIT_NAME_MAX));
	}
	return 0;
}

static int check_node(struct check *c, const struct fit_tag *t, struct sf_err *err)
{
	char shown[FIT_PATH_MAX];

	if (t->depth) {
		/* the path ends with the name: show it sanitized, whatever its bytes */
		sf_text_sanitize(shown, sizeof(shown), t->path, sizeof(shown));
		if (memchr(t->name, '@', t->name_len))
			return sf_fail(err, SF_R_MALFORMED, "node '%s' has a unit address", shown);
		if (!fit_name_valid(t->name, t->name_len))
			return sf_fail(err, SF_R_MALFORMED, "node '%s' has an invalid name", shown);
		c->had_subnode[t->depth - 1] = true;
		/* a subnode's name belongs to its parent's list */
		c->refs[c->n_refs++] = (struct name_ref){ .name = t->name, .prop = false };
	}
	c->first_ref[t->depth] = c->n_refs;
	c->had_subnode[t->depth] = false;
	return 0;
}

static int check_tag(void *priv, const struct fit_tag *t, struct sf_err *err)
{
	struct check *c = priv;
	int ret;

	switch (t->tag) {
	case FDT_BEGIN_NODE:
		return check_node(c, t, err);
	case FDT_PROP:
		if (c->had_subnode[t->depth])
			return sf_fail(err, SF_R_MALFORMED, "node '%s' has a property after a subnode", t->path);
		c->refs[c->n_refs++] = (struct name_ref){ .name = t->name, .prop = true };
		return 0;
	case FDT_END_NODE:
		ret = check_unique(c->refs + c->first_ref[t->depth], c->n_refs - c->first_ref[t->depth], t->path,
				   err);
		c->n_refs = c->first_ref[t->depth];
		return ret;
	default:
		return 0;
	}
}

int fit_check_blob(const void *fit, size_t size, struct sf_err *err)
{
	struct check c = { 0 };
	int ret;

	ret = fit_check_header(fit, size, err);
	if (ret)
		return ret;
	c.refs = calloc(fdt_size_dt_struct(fit) / 4 + 1, sizeof(*c.refs));
	if (!c.refs)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory checking the header");
	ret = fit_walk(fit, size, check_tag, &c, err);
	if (ret)
		goto out;
	ret = fdt_check_full(fit, size);
	if (ret)
		ret = sf_fail(err, SF_R_MALFORMED, "header is malformed: %s", fdt_strerror(ret));
out:
	free(c.refs);
	return ret;
}
