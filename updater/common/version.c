// SPDX-License-Identifier: MIT
#include "common/version.h"

#include "common/text.h"

#include <errno.h>
#include <string.h>

bool sf_component_valid(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++) {
		char c = name[n];

		if (n >= SF_COMPONENT_MAX - 1)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return n > 0;
}

bool sf_version_valid(const char *v, size_t len)
{
	if (len == 0 || len >= SF_VERSION_MAX)
		return false;
	if (v[0] == ' ' || v[len - 1] == ' ')
		return false;
	return sf_text_valid(v, len);
}

/* Length of the patch suffix " (x)" at the end of @v, 0 when there is none. */
static size_t patch_suffix_len(const char *v)
{
	size_t len = strlen(v), i;

	if (len < 5 || v[len - 1] != ')')
		return 0;
	for (i = len - 2; i > 0 && v[i] != '('; i--) {
		char c = v[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return 0;
	}
	/* 1..3 suffix characters, "(" preceded by a blank that is not the first character */
	if (v[i] != '(' || len - 2 - i < 1 || len - 2 - i > 3 || i < 2 || v[i - 1] != ' ')
		return 0;
	return len - (i - 1);
}

bool sf_version_is_patch(const char *v)
{
	return patch_suffix_len(v) > 0;
}

const char *sf_version_base_problem(const char *version, const char *base)
{
	char baseline[SF_VERSION_MAX];

	if (!base)
		return sf_version_is_patch(version) ? "is a patch version but has no base version" : NULL;
	sf_version_baseline(version, baseline);
	if (!sf_version_is_patch(version) || strcmp(baseline, base))
		return "is not a patch of its base version";
	return NULL;
}

void sf_version_baseline(const char *v, char out[SF_VERSION_MAX])
{
	size_t len = strnlen(v, SF_VERSION_MAX - 1);
	size_t suffix = patch_suffix_len(v);

	if (suffix > len)
		suffix = 0;
	memcpy(out, v, len - suffix);
	out[len - suffix] = '\0';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Compare one segment [a, a+alen) with [b, b+blen). */
static int segment_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	bool anum = alen > 0, bnum = blen > 0;
	int r;

	for (size_t i = 0; i < alen; i++)
		anum = anum && is_digit(a[i]);
	for (size_t i = 0; i < blen; i++)
		bnum = bnum && is_digit(b[i]);
	if (anum && bnum) {
		/* numbers: skip leading zeros, then longer is larger */
		while (alen > 1 && *a == '0')
			a++, alen--;
		while (blen > 1 && *b == '0')
			b++, blen--;
		if (alen != blen)
			return alen < blen ? -1 : 1;
	}
	r = memcmp(a, b, alen < blen ? alen : blen);
	if (r)
		return r;
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

int sf_version_cmp(const char *a, const char *b)
{
	char ba[SF_VERSION_MAX], bb[SF_VERSION_MAX];
	const char *pa, *pb;
	size_t sa, sb;
	int r;

	sf_version_baseline(a, ba);
	sf_version_baseline(b, bb);
	pa = ba;
	pb = bb;
	for (;;) {
		size_t la = strcspn(pa, "."), lb = strcspn(pb, ".");

		r = segment_cmp(pa, la, pb, lb);
		if (r)
			return r;
		pa += la;
		pb += lb;
		if (!*pa || !*pb)
			break;
		pa++;
		pb++;
	}
	if (*pa || *pb)
		return *pa ? 1 : -1;
	sa = patch_suffix_len(a);
	sb = patch_suffix_len(b);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return sa ? strcmp(a + strlen(a) - sa, b + strlen(b) - sb) : 0;
}

int sf_require_parse(const char *s, char component[SF_COMPONENT_MAX], char version[SF_VERSION_MAX])
{
	const char *op = strstr(s, ">=");
	size_t nlen;

	if (!op)
		return -EINVAL;
	nlen = (size_t)(op - s);
	if (nlen == 0 || nlen >= SF_COMPONENT_MAX)
		return -EINVAL;
	memcpy(component, s, nlen);
	component[nlen] = '\0';
	if (!sf_component_valid(component) || !sf_version_valid(op + 2, strlen(op + 2)))
		return -EINVAL;
	strcpy(version, op + 2);
	return 0;
}
