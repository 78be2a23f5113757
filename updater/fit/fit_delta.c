// SPDX-License-Identifier: MIT
/*
 * The signed description of a delta image: which format, and the size and
 * sha256 of the image it applies to and of the image it makes. Read from a
 * signed image node only (fit_verify() calls this after the signature).
 */
#include <libfdt.h>
#include <string.h>

#include "common/text.h"
#include "delta/delta_format.h"
#include "fit/fit_internal.h"

#define MIB (1024ULL * 1024ULL)
#define P_FORMAT "slotflip,delta"

static const char *const delta_props[] = {
	"slotflip,delta-source-size",
	"slotflip,delta-source-sha256",
	"slotflip,delta-target-size",
	"slotflip,delta-target-sha256",
};

/* One or two big-endian cells, 1 byte to the image size limit. */
static int get_size(const void *fit, int img, const char *prop, const char *what, uint64_t *out,
		    struct sf_err *err)
{
	const uint8_t *v;
	uint64_t n = 0;
	int len;

	v = fdt_getprop(fit, img, prop, &len);
	if (!v)
		return sf_fail(err, SF_R_METADATA, "%s: a delta image needs %s", what, prop);
	if (len != 4 && len != 8)
		return sf_fail(err, SF_R_METADATA, "%s: %s is %d bytes, expected 4 or 8", what, prop, len);
	for (int i = 0; i < len; i++)
		n = n << 8 | v[i];
	if (!n)
		return sf_fail(err, SF_R_METADATA, "%s: %s is 0", what, prop);
	if (n > (uint64_t)CONFIG_MAX_IMAGE_SIZE_MIB * MIB)
		return sf_fail(err, SF_R_LIMIT, "%s: %s %llu exceeds the limit of %d MiB", what, prop,
			       (unsigned long long)n, CONFIG_MAX_IMAGE_SIZE_MIB);
	*out = n;
	return 0;
}

static int get_sha256(const void *fit, int img, const char *prop, const char *what, uint8_t out[SHA256_LEN],
		      struct sf_err *err)
{
	const void *v;
	int len;

	v = fdt_getprop(fit, img, prop, &len);
	if (!v)
		return sf_fail(err, SF_R_METADATA, "%s: a delta image needs %s", what, prop);
	if (len != SHA256_LEN)
		return sf_fail(err, SF_R_METADATA, "%s: %s is %d bytes, expected %d", what, prop, len, SHA256_LEN);
	memcpy(out, v, SHA256_LEN);
	return 0;
}

int fit_read_delta(const void *fit, int img, const char *what, struct fit_delta *out, struct sf_err *err)
{
	char shown[FIT_DELTA_FORMAT_MAX];
	const char *format;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = fit_get_string(fit, img, P_FORMAT, what, false, &format, err);
	if (ret)
		return ret;
	if (!format) {
		for (size_t i = 0; i < sizeof(delta_props) / sizeof(delta_props[0]); i++)
			if (fdt_getprop(fit, img, delta_props[i], NULL))
				return sf_fail(err, SF_R_METADATA, "%s: %s without %s", what, delta_props[i], P_FORMAT);
		return 0;
	}
	if (strcmp(format, DELTA_FORMAT_NAME))
		return sf_fail(err, SF_R_METADATA, "%s: %s '%s' is not a delta format this slotflip reads (%s)", what,
			       P_FORMAT, sf_text_sanitize(shown, sizeof(shown), format, strlen(format)),
			       DELTA_FORMAT_NAME);
	ret = get_size(fit, img, delta_props[0], what, &out->source_size, err);
	ret = ret ?: get_sha256(fit, img, delta_props[1], what, out->source_sha256, err);
	ret = ret ?: get_size(fit, img, delta_props[2], what, &out->target_size, err);
	ret = ret ?: get_sha256(fit, img, delta_props[3], what, out->target_sha256, err);
	if (ret)
		return ret;
	memcpy(out->format, DELTA_FORMAT_NAME, sizeof(DELTA_FORMAT_NAME));
	return 0;
}
