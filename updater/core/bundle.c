// SPDX-License-Identifier: MIT
#include "core/bundle.h"

#include <stdlib.h>
#include <string.h>

#include "common/fdtprop.h"
#include "sf_kconfig.h"

int bundle_read_header(struct src *src, void **header, size_t *size, struct sf_err *err)
{
	uint8_t probe[FIT_PROBE_SIZE] = { 0 };
	uint64_t start = src->pos;
	void *buf;
	int ret;

	/* before a header is verified, a short input is not a bundle: nothing says more is coming */
	ret = src_read(src, probe, sizeof(probe), err);
	if (ret && err->reason == SF_R_INPUT_TRUNCATED)
		return sf_fail(err, SF_R_NOT_A_BUNDLE, "%s is not a bundle: %llu bytes, too short for a FIT header",
			       src->name, (unsigned long long)(src->pos - start));
	if (ret)
		return ret;
	ret = fit_header_size(probe, sizeof(probe), size, err);
	if (ret)
		return ret;
	buf = malloc(*size);
	if (!buf)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory for a bundle header of %zu bytes", *size);
	memcpy(buf, probe, sizeof(probe));
	ret = src_read(src, (char *)buf + sizeof(probe), *size - sizeof(probe), err);
	if (ret && err->reason == SF_R_INPUT_TRUNCATED)
		ret = sf_fail(err, SF_R_MALFORMED, "bundle is truncated at byte %llu (%s), inside its %zu-byte header",
			      (unsigned long long)src->pos, src->name, *size);
	if (ret) {
		free(buf);
		return ret;
	}
	*header = buf;
	return 0;
}

static int check_image(struct src *src, const struct fit_image *img, struct sha256 *h, void *buf,
		       struct sf_err *err)
{
	uint8_t digest[SHA256_LEN];
	uint64_t off = 0;
	int ret;

	ret = src_skip_to(src, img->data_offset, err);
	while (!ret && off < img->data_size) {
		size_t n = img->data_size - off < SF_IO_CHUNK ? (size_t)(img->data_size - off) : SF_IO_CHUNK;

		ret = src_read(src, buf, n, err);
		if (!ret && sha256_update(h, buf, n))
			ret = sf_fail(err, SF_R_FAILED, "sha256 failed");
		off += n;
	}
	if (!ret && sha256_final(h, digest))
		ret = sf_fail(err, SF_R_FAILED, "sha256 failed");
	return ret ?: fit_image_check_digest(img, digest, err);
}

int bundle_check_payloads(struct src *src, const struct fit_bundle *b, enum sha256_engine engine,
			  struct sf_err *err)
{
	unsigned int order[CONFIG_MAX_BUNDLE_IMAGES];
	struct sha256 *h = NULL;
	void *buf;
	int ret = 0;

	buf = malloc(SF_IO_CHUNK);
	if (!buf || sha256_new(&h, engine)) {
		ret = sf_fail(err, SF_R_NO_MEMORY, "cannot set up hashing");
		goto out;
	}
	fit_data_order(b, order);
	for (unsigned int k = 0; k < b->n_images && !ret; k++)
		ret = check_image(src, &b->image[order[k]], h, buf, err);
out:
	sha256_free(h);
	free(buf);
	return ret;
}

int bundle_verify(struct src *src, const struct keyring *keys, enum sha256_engine engine, struct fit_bundle *out,
		  struct sf_err *err)
{
	void *header = NULL;
	size_t size;
	int ret;

	ret = bundle_read_header(src, &header, &size, err);
	ret = ret ?: fit_verify(header, size, src->size, keys, out, err);
	ret = ret ?: bundle_check_payloads(src, out, engine, err);
	free(header);
	return ret;
}
