// SPDX-License-Identifier: MIT
/*
 * Structural checks of an untrusted FIT header. The structure block is walked
 * with our own bounds checks before libfdt sees it: Debian's libfdt 1.6.1
 * fdt_next_tag() can overflow on a huge property length, and its
 * fdt_check_full() accepts a second root node.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit_internal.h"

#define FDT_HEADER_SIZE 40
#define FDT_RSV_ENTRY_SIZE 16

struct name_ref {
	const char *name;
	bool prop;
};

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t tag_align(size_t off)
{
	return (off + 3) & ~(size_t)3;
}

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

const char *fit_sanitize(char *dst, size_t dst_size, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len && i + 1 < dst_size && src[i]; i++)
		dst[i] = (char)(src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?');
	dst[i] = '\0';
	return dst;
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

		return sf_fail(err, SF_EVERIFY, "node '%s' has two %s named '%s'", path,
			       refs[i].prop ? "properties" : "subnodes",
			       fit_sanitize(shown, sizeof(shown), refs[i].name, FIT_NAME_MAX));
	}
	return 0;
}

static int check_header_fields(const uint8_t *b, size_t size, struct sf_err *err)
{
	uint32_t totalsize, off_struct, off_strings, off_rsv, size_strings, size_struct;
	size_t struct_end, strings_end;

	if (size < FDT_HEADER_SIZE || fdt_magic(b) != FDT_MAGIC)
		return sf_fail(err, SF_EVERIFY, "not a FIT image");
	totalsize = fdt_totalsize(b);
	if (totalsize > CONFIG_MAX_HEADER_SIZE)
		return sf_fail(err, SF_EVERIFY, "header size %u exceeds the limit %d", totalsize,
			       CONFIG_MAX_HEADER_SIZE);
	if (totalsize > size)
		return sf_fail(err, SF_EVERIFY, "header is truncated: %zu of %u bytes", size, totalsize);
	if (totalsize != size)
		return sf_fail(err, SF_EVERIFY, "header size %zu does not match its totalsize %u", size, totalsize);
	if (fdt_version(b) < 17 || fdt_last_comp_version(b) > 17)
		return sf_fail(err, SF_EVERIFY, "header is malformed: FDT version %u (compatible %u) is not supported",
			       fdt_version(b), fdt_last_comp_version(b));
	off_struct = fdt_off_dt_struct(b);
	size_struct = fdt_size_dt_struct(b);
	off_strings = fdt_off_dt_strings(b);
	size_strings = fdt_size_dt_strings(b);
	off_rsv = fdt_off_mem_rsvmap(b);
	/* untrusted offsets and sizes: compare by subtraction so nothing wraps */
	if (off_struct > size || size_struct > size - off_struct)
		return sf_fail(err, SF_EVERIFY, "header is malformed: structure block outside the header");
	/* same for the strings block */
	if (off_strings > size || size_strings > size - off_strings)
		return sf_fail(err, SF_EVERIFY, "header is malformed: strings block outside the header");
	/* the reservation map sits between the header and the structure block */
	if (off_rsv < FDT_HEADER_SIZE || off_rsv > off_struct || off_struct - off_rsv < FDT_RSV_ENTRY_SIZE ||
	    off_rsv % 8 || off_struct % 4 || size_struct % 4)
		return sf_fail(err, SF_EVERIFY, "header is malformed: bad block layout");
	for (size_t i = 0; i < FDT_RSV_ENTRY_SIZE; i++)
		if (b[off_rsv + i])
			return sf_fail(err, SF_EVERIFY, "header is malformed: memory reservation map is not empty");
	struct_end = (size_t)off_struct + size_struct;
	strings_end = (size_t)off_strings + size_strings;
	if (!(struct_end <= off_strings || strings_end <= off_struct))
		return sf_fail(err, SF_EVERIFY, "header is malformed: structure and strings blocks overlap");
	return 0;
}

/* State of the bounded walk over the structure block. */
struct struct_walk {
	const uint8_t *s;	/* the structure block */
	size_t size;		/* its size */
	const char *strings;	/* the strings block */
	size_t size_strings;
	int depth;		/* of the current node; -1 outside the root */
	bool root_closed;
	char path[FIT_PATH_MAX];
	size_t plen[FIT_MAX_DEPTH + 1]; /* plen[d]: length of the parent path of depth d */
	bool had_subnode[FIT_MAX_DEPTH];
	struct name_ref *refs;	/* names seen in the open nodes, for check_unique() */
	size_t n_refs;
	size_t first_ref[FIT_MAX_DEPTH + 1];
};

static const char *walk_path(const struct struct_walk *w)
{
	return w->depth > 0 ? w->path : "/";
}

static int walk_begin_node(struct struct_walk *w, size_t off, size_t *next, struct sf_err *err)
{
	const char *name = (const char *)w->s + off + 4;
	char shown[FIT_NAME_MAX];
	const char *nul;
	size_t nlen, at;

	/* off + 4 <= size was checked by the caller */
	nul = memchr(name, '\0', w->size - off - 4);
	if (!nul)
		return sf_fail(err, SF_EVERIFY, "header is malformed: node name runs past the structure block");
	nlen = (size_t)(nul - name);
	if (w->depth + 1 >= FIT_MAX_DEPTH)
		return sf_fail(err, SF_EVERIFY, "nodes are nested deeper than %d levels", FIT_MAX_DEPTH);
	if (w->depth < 0 && nlen)
		return sf_fail(err, SF_EVERIFY, "root node has a name ('%s')",
			       fit_sanitize(shown, sizeof(shown), name, nlen));
	if (w->depth >= 0) {
		if (memchr(name, '@', nlen))
			return sf_fail(err, SF_EVERIFY, "node '%s/%s' has a unit address", w->path,
				       fit_sanitize(shown, sizeof(shown), name, nlen));
		if (!fit_name_valid(name, nlen))
			return sf_fail(err, SF_EVERIFY, "node '%s/%s' has an invalid name", w->path,
				       fit_sanitize(shown, sizeof(shown), name, nlen));
		w->had_subnode[w->depth] = true;
		w->refs[w->n_refs++] = (struct name_ref){ .name = name, .prop = false };
	}
	w->depth++;
	w->had_subnode[w->depth] = false;
	w->first_ref[w->depth] = w->n_refs;
	/* depth < FIT_MAX_DEPTH and names < FIT_NAME_MAX: the path fits */
	at = w->plen[w->depth];
	if (w->depth > 0) {
		w->path[at++] = '/';
		memcpy(w->path + at, name, nlen);
		at += nlen;
	}
	w->path[at] = '\0';
	w->plen[w->depth + 1] = at;
	*next = tag_align(off + 4 + nlen + 1);
	return 0;
}

static int walk_prop(struct struct_walk *w, size_t off, size_t *next, struct sf_err *err)
{
	uint32_t len, nameoff;

	if (w->depth < 0)
		return sf_fail(err, SF_EVERIFY, "header is malformed: property outside the root node");
	if (w->had_subnode[w->depth])
		return sf_fail(err, SF_EVERIFY, "node '%s' has a property after a subnode", walk_path(w));
	/* 12 bytes of tag, length and name offset must be there; off <= size */
	if (w->size - off < 12)
		return sf_fail(err, SF_EVERIFY, "header is malformed: property runs past the structure block");
	len = be32_at(w->s + off + 4);
	nameoff = be32_at(w->s + off + 8);
	/* the value must fit in what is left after those 12 bytes */
	if (len > w->size - off - 12)
		return sf_fail(err, SF_EVERIFY, "header is malformed: property in '%s' runs past the structure block",
			       walk_path(w));
	/* the name must start inside the strings block and end there */
	if (nameoff >= w->size_strings || !memchr(w->strings + nameoff, '\0', w->size_strings - nameoff))
		return sf_fail(err, SF_EVERIFY,
			       "header is malformed: property name in '%s' lies outside the strings block", walk_path(w));
	w->refs[w->n_refs++] = (struct name_ref){ .name = w->strings + nameoff, .prop = true };
	*next = tag_align(off + 12 + len);
	return 0;
}

static int walk_end_node(struct struct_walk *w, struct sf_err *err)
{
	int ret;

	if (w->depth < 0)
		return sf_fail(err, SF_EVERIFY, "header is malformed: unbalanced end of node");
	ret = check_unique(w->refs + w->first_ref[w->depth], w->n_refs - w->first_ref[w->depth], walk_path(w),
			   err);
	if (ret)
		return ret;
	w->n_refs = w->first_ref[w->depth];
	w->path[w->plen[w->depth]] = '\0';
	if (--w->depth < 0)
		w->root_closed = true;
	return 0;
}

/*
 * One pass over the structure block with explicit bounds. @refs has room for
 * one entry per 4 bytes of the block, more than tags can exist.
 */
static int walk_struct(const uint8_t *b, struct name_ref *refs, struct sf_err *err)
{
	struct struct_walk *w;
	size_t off = 0, next = 0;
	int ret;

	w = calloc(1, sizeof(*w));
	if (!w)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "checking the header");
	w->s = b + fdt_off_dt_struct(b);
	w->size = fdt_size_dt_struct(b);
	w->strings = (const char *)b + fdt_off_dt_strings(b);
	w->size_strings = fdt_size_dt_strings(b);
	w->depth = -1;
	w->refs = refs;
	for (;;) {
		uint32_t tag;

		/* a tag needs 4 bytes; off <= size holds, so the subtraction is safe */
		if (w->size - off < 4) {
			ret = sf_fail(err, SF_EVERIFY, "header is malformed: structure block ends without FDT_END");
			goto out;
		}
		tag = be32_at(w->s + off);
		if (w->root_closed && tag != FDT_END) {
			ret = sf_fail(err, SF_EVERIFY, "header has more than one root node");
			goto out;
		}
		switch (tag) {
		case FDT_BEGIN_NODE:
			ret = walk_begin_node(w, off, &next, err);
			break;
		case FDT_PROP:
			ret = walk_prop(w, off, &next, err);
			break;
		case FDT_NOP:
			ret = 0;
			next = off + 4;
			break;
		case FDT_END_NODE:
			ret = walk_end_node(w, err);
			next = off + 4;
			break;
		case FDT_END:
			if (!w->root_closed)
				ret = sf_fail(err, SF_EVERIFY, "header is malformed: structure block ends inside a node");
			else if (w->size - off != 4)
				ret = sf_fail(err, SF_EVERIFY, "header is malformed: data after FDT_END");
			else
				ret = 0;
			goto out;
		default:
			ret = sf_fail(err, SF_EVERIFY, "header is malformed: unknown tag 0x%x at structure offset %zu",
				      tag, off);
			break;
		}
		if (!ret && next > w->size)
			ret = sf_fail(err, SF_EVERIFY, "header is malformed: tag runs past the structure block");
		if (ret)
			goto out;
		off = next;
	}
out:
	free(w);
	return ret;
}

int fit_check_blob(const void *fit, size_t size, struct sf_err *err)
{
	struct name_ref *refs = NULL;
	int ret;

	ret = check_header_fields(fit, size, err);
	if (ret)
		return ret;
	refs = calloc(fdt_size_dt_struct(fit) / 4 + 1, sizeof(*refs));
	if (!refs)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "checking the header");
	ret = walk_struct(fit, refs, err);
	if (ret)
		goto out;
	ret = fdt_check_full(fit, size);
	if (ret) {
		ret = sf_fail(err, SF_EVERIFY, "header is malformed: %s", fdt_strerror(ret));
		goto out;
	}
out:
	free(refs);
	return ret;
}
