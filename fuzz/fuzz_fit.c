// SPDX-License-Identifier: MIT
/*
 * The bundle header as the installer sees it: the first bytes give the
 * header size (fit_header_size()), that many bytes are the header, the input's
 * length is the bundle's size. fit_verify() checks it against a fixed keyring
 * (fuzz/keys: public keys whose private halves were discarded after signing
 * the seeds) and fit_inspect() parses it without signatures, as `bundle info`
 * does. The bundle's last byte (image data, which the header checks never
 * read) picks the key policy: none, "dev" required, "dev" and "ec" required in
 * mode all or any, or "dev" revoked. Properties checked for every input: only
 * the documented results, a one-line message on failure, for an accepted
 * header the guarantees of fit.h (data inside the bundle, behind the header,
 * images apart) and the policy (the reported key counts under it).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit.h"
#include "fit/keyring.h"
#include "fuzz.h"

#define N_POLICIES 5

static struct keyring *keys;
static struct keyring_policy policies[N_POLICIES];

static void load_keys(void)
{
	const char *dir = getenv("SLOTFLIP_FUZZ_KEYS");
	struct sf_err err;

	if (keys)
		return;
	if (keyring_load(&keys, dir ? dir : "fuzz/keys", &err))
		fuzz_check(0, err.msg);
	/* 0: none; 1: dev required; 2, 3: dev and ec required, all / any; 4: dev revoked */
	for (int i = 1; i <= 3; i++) {
		strcpy(policies[i].required[policies[i].n_required++], "dev");
		if (i > 1)
			strcpy(policies[i].required[policies[i].n_required++], "ec");
	}
	policies[2].mode = KEYRING_MODE_ALL;
	policies[3].mode = KEYRING_MODE_ANY;
	strcpy(policies[4].revoked[policies[4].n_revoked++], "dev");
}

/* The key that verified counts under @policy. */
static void check_policy(unsigned int policy, const struct fit_bundle *b)
{
	bool dev = !strcmp(b->key_name, "dev"), ec = !strcmp(b->key_name, "ec");

	fuzz_check(dev || ec, "a keyring key verified");
	if (policy == 1 || policy == 2)
		fuzz_check(dev, "the required key verified");
	if (policy == 3)
		fuzz_check(dev || ec, "a required key verified");
	if (policy == 4)
		fuzz_check(!dev, "a revoked key never verifies");
}

static void check_err(int ret, const struct sf_err *err)
{
	fuzz_check(ret == 0 || ret == -SF_EVERIFY || ret == -SF_EFAIL || ret == -SF_EINPUT,
		   "result outside 0, -SF_EVERIFY, -SF_EFAIL, -SF_EINPUT");
	if (!ret)
		return;
	fuzz_check(err->cat == -ret && sf_reason_cat(err->reason) == -ret, "a reason of the result's category");
	fuzz_check(ret != -SF_EINPUT || err->reason == SF_R_INPUT_TRUNCATED, "the input ended early, nothing else");
	fuzz_check(memchr(err->msg, '\0', sizeof(err->msg)) != NULL && err->msg[0], "a message");
	fuzz_check(!strchr(err->msg, '\n'), "one line");
}

static void check_bundle(const struct fit_bundle *b, size_t header_size, uint64_t file_size)
{
	fuzz_check(b->header_size == header_size, "header size reported");
	fuzz_check(b->n_images >= 1 && b->n_images <= CONFIG_MAX_BUNDLE_IMAGES, "image count");
	for (unsigned int i = 0; i < b->n_images; i++) {
		const struct fit_image *im = &b->image[i];

		fuzz_check(im->data_offset >= header_size, "data behind the header");
		fuzz_check(im->data_size > 0, "data not empty");
		fuzz_check(file_size == FIT_SIZE_UNKNOWN ||
				   (im->data_offset <= file_size && im->data_size <= file_size - im->data_offset),
			   "data inside the bundle");
		for (unsigned int j = 0; j < i; j++)
			fuzz_check(im->data_offset >= b->image[j].data_offset + b->image[j].data_size ||
					   b->image[j].data_offset >= im->data_offset + im->data_size,
				   "images apart");
	}
}

static void one(const uint8_t *header, size_t hs, uint64_t file_size, unsigned int policy)
{
	struct fit_bundle *v = calloc(1, sizeof(*v)), *n = calloc(1, sizeof(*n));
	struct fit_sig_info sigs[CONFIG_MAX_SIGNATURES];
	unsigned int n_sigs = CONFIG_MAX_SIGNATURES;
	struct sf_err err = { 0 };
	int rv, ri;

	fuzz_check(v && n, "memory");
	rv = fit_verify(header, hs, file_size, keys, v, &err);
	check_err(rv, &err);
	memset(&err, 0, sizeof(err));
	ri = fit_inspect(header, hs, file_size, n, sigs, &n_sigs, &err);
	check_err(ri, &err);
	if (!rv) {
		fuzz_deep++;
		check_bundle(v, hs, file_size);
		check_policy(policy, v);
		fuzz_check(!ri, "what verifies also parses");
		fuzz_check(n->n_images == v->n_images && !memcmp(n->image, v->image, sizeof(v->image)),
			   "fit_inspect reports what fit_verify does");
	}
	free(n);
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int policy = size ? data[size - 1] % N_POLICIES : 0;
	struct sf_err err;
	uint8_t *header;
	size_t hs;

	load_keys();
	if (fit_header_size(data, size, &hs, &err))
		return 0;
	fuzz_check(hs >= FIT_PROBE_SIZE && hs <= CONFIG_MAX_HEADER_SIZE, "header size bounded");
	if (hs > size)
		return 0;
	/* an exact copy: the sanitizer sees the header's end */
	header = malloc(hs);
	fuzz_check(header != NULL, "memory");
	memcpy(header, data, hs);
	/* the policy comes from the bundle's tail: a header-only input has none */
	if (hs == size)
		policy = 0;
	fuzz_check(!keyring_set_policy(keys, &policies[policy], &err), "the policies are valid");
	one(header, hs, size, policy);
	one(header, hs, FIT_SIZE_UNKNOWN, policy);
	free(header);
	return 0;
}
