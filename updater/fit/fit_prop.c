// SPDX-License-Identifier: MIT
/* Property readers of the verifier: common/fdtprop.h with the bundle's failure reasons. */
#include <errno.h>
#include <libfdt.h>
#include <string.h>

#include "common/fdtprop.h"
#include "fit/fit_internal.h"

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

/*
 * The reason a bad property gives: slotflip's own properties and the board
 * are metadata, the data placement is layout, the rest is the FIT's structure.
 */
static int prop_reason(const char *prop)
{
	if (!strncmp(prop, FIT_META_PREFIX, strlen(FIT_META_PREFIX)) || !strcmp(prop, "compatible"))
		return SF_R_METADATA;
	if (!strncmp(prop, "data", 4))
		return SF_R_LAYOUT;
	return SF_R_MALFORMED;
}

int fit_get_string(const void *fit, int node, const char *prop, const char *what, bool required, const char **out,
		   struct sf_err *err)
{
	int reason = prop_reason(prop), ret = sf_fdt_string(fit, node, prop, out);

	if (ret == -ENOENT)
		return required ? sf_fail(err, reason, "%s has no %s", what, prop) : 0;
	if (ret)
		return sf_fail(err, reason, "%s: %s is not a NUL-terminated string", what, prop);
	return 0;
}

int fit_get_u32(const void *fit, int node, const char *prop, const char *what, bool required, bool *found,
		uint32_t *val, struct sf_err *err)
{
	int len = 0, reason = prop_reason(prop), ret = sf_fdt_u32(fit, node, prop, val, &len);

	if (found)
		*found = !ret;
	if (ret == -ENOENT)
		return required ? sf_fail(err, reason, "%s has no %s", what, prop) : 0;
	if (ret)
		return sf_fail(err, reason, "%s: %s is %d bytes, expected 4", what, prop, len);
	return 0;
}
