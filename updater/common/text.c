// SPDX-License-Identifier: MIT
#include "common/text.h"

static bool printable(char c)
{
	return c >= 0x20 && c <= 0x7e;
}

bool sf_text_valid(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!printable(s[i]) || s[i] == '\\' || s[i] == '=')
			return false;
	return true;
}

const char *sf_text_sanitize(char *dst, size_t dst_size, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len && i + 1 < dst_size && src[i]; i++)
		dst[i] = printable(src[i]) ? src[i] : '?';
	dst[i] = '\0';
	return dst;
}
