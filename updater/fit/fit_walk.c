// SPDX-License-Identifier: MIT
/*
 * The one walker over an untrusted FIT header: the header fields first, then
 * every tag of the structure block by its own bounds. Debian's libfdt 1.6.1
 * fdt_next_tag() can overflow on a huge property length and its
 * fdt_check_full() accepts a second root node, so neither is trusted here;
 * both the structure checks (fit_check.c) and the signed regions
 * (fit_region.c) see the tree only through this walk.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "common/fdtprop.h"
#include "fit/fit_internal.h"

#define FDT_RSV_ENTRY_SIZE 16

int fit_header_size(const void *probe, size_t len, size_t *size, struct sf_err *err)
{
	uint32_t total;

	if (len < FIT_PROBE_SIZE)
		return sf_fail(err, SF_R_NOT_A_BUNDLE, "not a FIT image: %zu bytes, too short for a FIT header", len);
	if (sf_be32(probe) != FDT_MAGIC)
		return sf_fail(err, SF_R_NOT_A_BUNDLE, "not a FIT image (magic 0x%08x, expected 0x%08x)",
			       sf_be32(probe), FDT_MAGIC);
	total = sf_be32((const uint8_t *)probe + 4);
	if (total < FIT_PROBE_SIZE)
		return sf_fail(err, SF_R_MALFORMED, "header size %u is too small", total);
	if (total > CONFIG_MAX_HEADER_SIZE)
		return sf_fail(err, SF_R_LIMIT, "header size %u exceeds the limit %d", total, CONFIG_MAX_HEADER_SIZE);
	*size = total;
	return 0;
}

/*
 * The blocks of a header of @size bytes: what makes a walk over it bounded.
 * The size limits are fit_header_size()'s business: a signer in the tests
 * walks headers of any size.
 */
static int check_blocks(const uint8_t *b, size_t size, struct sf_err *err)
{
	uint32_t total, off_struct, off_strings, off_rsv, size_strings, size_struct;
	size_t struct_end, strings_end;

	if (size < FIT_PROBE_SIZE || sf_be32(b) != FDT_MAGIC)
		return sf_fail(err, SF_R_NOT_A_BUNDLE, "not a FIT image");
	total = fdt_totalsize(b);
	/* a header not yet verified that ends early is no bundle: nothing says more is coming */
	if (total > size)
		return sf_fail(err, SF_R_MALFORMED, "header is truncated: %zu of %u bytes", size, total);
	if (total != size)
		return sf_fail(err, SF_R_MALFORMED, "header size %zu does not match its totalsize %u", size, total);
	if (fdt_version(b) < 17 || fdt_last_comp_version(b) > 17)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: FDT version %u (compatible %u) is not supported",
			       fdt_version(b), fdt_last_comp_version(b));
	off_struct = fdt_off_dt_struct(b);
	size_struct = fdt_size_dt_struct(b);
	off_strings = fdt_off_dt_strings(b);
	size_strings = fdt_size_dt_strings(b);
	off_rsv = fdt_off_mem_rsvmap(b);
	/* untrusted offsets and sizes: compare by subtraction so nothing wraps */
	if (off_struct > size || size_struct > size - off_struct)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: structure block outside the header");
	/* same for the strings block */
	if (off_strings > size || size_strings > size - off_strings)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: strings block outside the header");
	/* the reservation map sits between the header and the structure block */
	if (off_rsv < FIT_PROBE_SIZE || off_rsv > off_struct || off_struct - off_rsv < FDT_RSV_ENTRY_SIZE ||
	    off_rsv % 8 || off_struct % 4 || size_struct % 4)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: bad block layout");
	for (size_t i = 0; i < FDT_RSV_ENTRY_SIZE; i++)
		if (b[off_rsv + i])
			return sf_fail(err, SF_R_MALFORMED, "header is malformed: memory reservation map is not empty");
	struct_end = (size_t)off_struct + size_struct;
	strings_end = (size_t)off_strings + size_strings;
	if (!(struct_end <= off_strings || strings_end <= off_struct))
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: structure and strings blocks overlap");
	return 0;
}

int fit_check_header(const void *fit, size_t size, struct sf_err *err)
{
	size_t total;
	int ret;

	ret = fit_header_size(fit, size, &total, err);
	return ret ?: check_blocks(fit, size, err);
}

/* State of the walk; the path of the node at depth d is path[0 .. plen[d]). */
struct walk {
	const uint8_t *s;	/* the structure block */
	size_t size;		/* its size */
	const char *strings;	/* the strings block */
	size_t size_strings;
	int depth;		/* of the open node; -1 outside the root */
	bool root_closed;
	size_t plen[FIT_MAX_DEPTH];
	char path[FIT_PATH_MAX];
};

static size_t tag_align(size_t off)
{
	return (off + 3) & ~(size_t)3;
}

static const char *cur_path(const struct walk *w)
{
	return w->depth > 0 ? w->path : "/";
}

static int begin_node(struct walk *w, struct fit_tag *t, struct sf_err *err)
{
	const char *name = (const char *)w->s + t->offset + 4;
	const char *nul;
	size_t at;

	/* offset + 4 <= size was checked by the caller */
	nul = memchr(name, '\0', w->size - t->offset - 4);
	if (!nul)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: node name runs past the structure block");
	t->name = name;
	t->name_len = (size_t)(nul - name);
	if (w->depth + 1 >= FIT_MAX_DEPTH)
		return sf_fail(err, SF_R_LIMIT, "nodes are nested deeper than %d levels", FIT_MAX_DEPTH);
	if (t->name_len >= FIT_NAME_MAX)
		return sf_fail(err, SF_R_MALFORMED, "node in '%s' has a name longer than %d characters", cur_path(w),
			       FIT_NAME_MAX - 1);
	if (w->depth < 0 && t->name_len)
		return sf_fail(err, SF_R_MALFORMED, "root node has a name");
	w->depth++;
	/* depth < FIT_MAX_DEPTH and names < FIT_NAME_MAX: the path fits */
	at = w->depth ? w->plen[w->depth - 1] : 0;
	if (w->depth) {
		w->path[at++] = '/';
		memcpy(w->path + at, name, t->name_len);
		at += t->name_len;
	}
	w->path[at] = '\0';
	w->plen[w->depth] = at;
	t->next = tag_align(t->offset + 4 + t->name_len + 1);
	return 0;
}

static int prop(struct walk *w, struct fit_tag *t, struct sf_err *err)
{
	if (w->depth < 0)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: property outside the root node");
	/* 12 bytes of tag, length and name offset must be there; offset <= size */
	if (w->size - t->offset < 12)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: property runs past the structure block");
	t->len = sf_be32(w->s + t->offset + 4);
	t->nameoff = sf_be32(w->s + t->offset + 8);
	/* the value must fit in what is left after those 12 bytes */
	if (t->len > w->size - t->offset - 12)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: property in '%s' runs past the structure block",
			       cur_path(w));
	/* the name must start inside the strings block and end there */
	if (t->nameoff >= w->size_strings || !memchr(w->strings + t->nameoff, '\0', w->size_strings - t->nameoff))
		return sf_fail(err, SF_R_MALFORMED,
			       "header is malformed: property name in '%s' lies outside the strings block", cur_path(w));
	t->name = w->strings + t->nameoff;
	t->name_len = strlen(t->name);
	t->value = w->s + t->offset + 12;
	t->next = tag_align(t->offset + 12 + t->len);
	return 0;
}

/* Reads the tag at t->offset and moves the walk's state past it. */
static int next_tag(struct walk *w, struct fit_tag *t, struct sf_err *err)
{
	/* a tag needs 4 bytes; offset <= size holds, so the subtraction is safe */
	if (w->size - t->offset < 4)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: structure block ends without FDT_END");
	t->tag = sf_be32(w->s + t->offset);
	t->next = t->offset + 4;
	if (w->root_closed && t->tag != FDT_END)
		return sf_fail(err, SF_R_MALFORMED, "header has more than one root node");
	switch (t->tag) {
	case FDT_BEGIN_NODE:
		return begin_node(w, t, err);
	case FDT_PROP:
		return prop(w, t, err);
	case FDT_NOP:
		return 0;
	case FDT_END_NODE:
		if (w->depth < 0)
			return sf_fail(err, SF_R_MALFORMED, "header is malformed: unbalanced end of node");
		return 0;
	case FDT_END:
		if (!w->root_closed)
			return sf_fail(err, SF_R_MALFORMED, "header is malformed: structure block ends inside a node");
		if (w->size - t->offset != 4)
			return sf_fail(err, SF_R_MALFORMED, "header is malformed: data after FDT_END");
		return 0;
	default:
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: unknown tag 0x%x at structure offset %zu",
			       t->tag, t->offset);
	}
}

int fit_walk(const void *fit, size_t size, fit_walk_fn fn, void *priv, struct sf_err *err)
{
	struct walk *w;
	struct fit_tag t = { 0 };
	int ret;

	ret = check_blocks(fit, size, err);
	if (ret)
		return ret;
	w = calloc(1, sizeof(*w));
	if (!w)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory checking the header");
	w->s = (const uint8_t *)fit + fdt_off_dt_struct(fit);
	w->size = fdt_size_dt_struct(fit);
	w->strings = (const char *)fit + fdt_off_dt_strings(fit);
	w->size_strings = fdt_size_dt_strings(fit);
	w->depth = -1;
	do {
		t = (struct fit_tag){ .offset = t.next };
		ret = next_tag(w, &t, err);
		if (!ret && t.next > w->size)
			ret = sf_fail(err, SF_R_MALFORMED, "header is malformed: tag runs past the structure block");
		if (ret)
			break;
		t.depth = w->depth;
		t.path = cur_path(w);
		ret = fn(priv, &t, err);
		if (ret)
			break;
		if (t.tag == FDT_END_NODE) {
			w->path[w->depth > 0 ? w->plen[w->depth - 1] : 0] = '\0';
			if (--w->depth < 0)
				w->root_closed = true;
		}
	} while (t.tag != FDT_END);
	free(w);
	return ret;
}
