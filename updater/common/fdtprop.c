// SPDX-License-Identifier: MIT
#include "common/fdtprop.h"

#include <errno.h>
#include <libfdt.h>
#include <string.h>

uint32_t sf_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int sf_fdt_string(const void *fdt, int node, const char *prop, const char **out)
{
	const char *v;
	int len;

	*out = NULL;
	v = fdt_getprop(fdt, node, prop, &len);
	if (!v)
		return -ENOENT;
	/* the value's own length bounds the string: one NUL, at its end */
	if (len < 1 || v[len - 1] != '\0' || memchr(v, '\0', (size_t)len - 1))
		return -EINVAL;
	*out = v;
	return 0;
}

int sf_fdt_u32(const void *fdt, int node, const char *prop, uint32_t *out, int *len)
{
	const void *v;
	int l;

	v = fdt_getprop(fdt, node, prop, &l);
	if (!v)
		return -ENOENT;
	if (len)
		*len = l;
	if (l != 4)
		return -EINVAL;
	*out = sf_be32(v);
	return 0;
}
