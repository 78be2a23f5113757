// SPDX-License-Identifier: MIT
/*
 * Where each image's data lies. Placement is not signed (`data-size`,
 * `data-position` and `data-offset` are left out of the signed regions by
 * design), so it is judged before any signature: a header that places its
 * data impossibly, or makes a stream skip far ahead, costs no cryptography.
 * Whether the file then holds those bytes is a question about the input, not
 * about the header, and is asked only of a verified header.
 */
#include <libfdt.h>
#include <string.h>

#include "fit/fit_internal.h"
#include "sf_kconfig.h"

int fit_image_data(const void *fit, int img, const char *what, struct fit_image *im, struct sf_err *err)
{
	uint64_t header_end = fdt_totalsize(fit);
	uint32_t size = 0, pos = 0, off = 0;
	bool has_pos, has_off;
	int ret;

	if (fdt_getprop(fit, img, "data", NULL))
		return sf_fail(err, SF_R_LAYOUT, "%s: embedded data is not supported; build with mkimage -E", what);
	ret = fit_get_u32(fit, img, "data-size", what, true, NULL, &size, err);
	ret = ret ?: fit_get_u32(fit, img, "data-position", what, false, &has_pos, &pos, err);
	ret = ret ?: fit_get_u32(fit, img, "data-offset", what, false, &has_off, &off, err);
	if (ret)
		return ret;
	if (has_pos == has_off)
		return sf_fail(err, SF_R_LAYOUT, "%s: needs exactly one of data-position and data-offset", what);
	/* data-offset counts from the end of the FIT blob rounded up to 4 bytes; both fit in 64 bits */
	im->data_offset = has_pos ? pos : ((header_end + 3) & ~3ULL) + off;
	im->data_size = size;
	if (!size)
		return sf_fail(err, SF_R_LAYOUT, "%s: data-size is 0", what);
	if (size > FIT_IMAGE_MAX)
		return sf_fail(err, SF_R_LIMIT, "%s: data-size %u exceeds the limit of %d MiB", what, size,
			       CONFIG_MAX_IMAGE_SIZE_MIB);
	return 0;
}

void fit_data_order(const struct fit_bundle *b, unsigned int order[])
{
	for (unsigned int k = 0; k < b->n_images; k++) {
		unsigned int j = k;

		while (j > 0 && b->image[order[j - 1]].data_offset > b->image[k].data_offset) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
}

int fit_layout_check(const struct fit_bundle *b, struct sf_err *err)
{
	unsigned int order[CONFIG_MAX_BUNDLE_IMAGES];
	uint64_t end = b->header_size, limit;
	const struct fit_image *prev = NULL;

	fit_data_order(b, order);
	for (unsigned int k = 0; k < b->n_images; k++) {
		const struct fit_image *im = &b->image[order[k]];

		if (im->data_offset < end && !prev)
			return sf_fail(err, SF_R_LAYOUT, "image '%s': data at offset %llu lies inside the header (%llu bytes)",
				       im->node, (unsigned long long)im->data_offset, (unsigned long long)end);
		if (im->data_offset < end)
			return sf_fail(err, SF_R_LAYOUT, "the data of images '%s' and '%s' overlap", prev->node, im->node);
		/* mkimage aligns data to 4 bytes, to -B or to -p (0x1000 in DESIGN §3): never more */
		limit = (end + FIT_DATA_ALIGN_MAX - 1) / FIT_DATA_ALIGN_MAX * FIT_DATA_ALIGN_MAX;
		if (im->data_offset > limit)
			return sf_fail(err, SF_R_LAYOUT,
				       "image '%s': data at offset %llu leaves a gap of %llu bytes after %s (at most up to the next %u-byte boundary)",
				       im->node, (unsigned long long)im->data_offset,
				       (unsigned long long)(im->data_offset - end), prev ? "the image before" : "the header",
				       FIT_DATA_ALIGN_MAX);
		/* offsets below 2^33 and sizes below 2^32: no overflow */
		end = im->data_offset + im->data_size;
		prev = im;
	}
	return 0;
}

int fit_layout_in_file(const struct fit_bundle *b, uint64_t file_size, struct sf_err *err)
{
	if (file_size == FIT_SIZE_UNKNOWN)
		return 0;
	for (unsigned int k = 0; k < b->n_images; k++) {
		const struct fit_image *im = &b->image[k];

		/* both values are bounded above; compare by subtraction anyway */
		if (im->data_offset > file_size || im->data_size > file_size - im->data_offset)
			return sf_fail(err, SF_R_INPUT_TRUNCATED,
				       "bundle is truncated: image '%s' (%llu bytes at offset %llu) needs %llu bytes, the file has %llu",
				       im->node, (unsigned long long)im->data_size, (unsigned long long)im->data_offset,
				       (unsigned long long)(im->data_offset + im->data_size), (unsigned long long)file_size);
	}
	return 0;
}

int fit_image_check_digest(const struct fit_image *img, const uint8_t digest[SHA256_LEN], struct sf_err *err)
{
	if (!memcmp(digest, img->sha256, SHA256_LEN))
		return 0;
	return sf_fail(err, SF_R_HASH_MISMATCH,
		       "image '%s' (%s): the payload (%llu bytes at offset %llu) does not match its signed sha256",
		       img->node, img->component, (unsigned long long)img->data_size,
		       (unsigned long long)img->data_offset);
}
