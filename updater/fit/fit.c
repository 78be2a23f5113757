// SPDX-License-Identifier: MIT
#include "fit/fit.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit_internal.h"
#include "fit/keyring.h"

#define MIB (1024ULL * 1024ULL)

struct fit_sig_list {
	struct fit_sig_info *sigs;
	unsigned int room;
	unsigned int found;
};

static uint32_t be32_at(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int fit_header_size(const void *probe, size_t len, size_t *size, struct sf_err *err)
{
	uint32_t total;

	if (len < FIT_PROBE_SIZE)
		return sf_fail(err, SF_EVERIFY, "not a FIT image");
	if (be32_at(probe) != FDT_MAGIC)
		return sf_fail(err, SF_EVERIFY, "not a FIT image (magic 0x%08x, expected 0x%08x)", be32_at(probe),
			       FDT_MAGIC);
	total = be32_at((const uint8_t *)probe + 4);
	if (total < FIT_PROBE_SIZE)
		return sf_fail(err, SF_EVERIFY, "header size %u is too small", total);
	if (total > CONFIG_MAX_HEADER_SIZE)
		return sf_fail(err, SF_EVERIFY, "header size %u exceeds the limit %d", total, CONFIG_MAX_HEADER_SIZE);
	*size = total;
	return 0;
}

/* Copies a checked string property into @out, refusing what does not fit. */
static int copy_string(char *out, size_t room, const char *s, const char *what, const char *prop,
		       struct sf_err *err)
{
	size_t len = strlen(s);

	if (len >= room)
		return sf_fail(err, SF_EVERIFY, "%s: %s is longer than %zu characters", what, prop, room - 1);
	memcpy(out, s, len + 1);
	return 0;
}

static int get_u32(const void *fit, int node, const char *prop, const char *what, bool required, bool *found,
		   uint32_t *val, struct sf_err *err)
{
	const void *data;
	int len;

	if (found)
		*found = false;
	data = fdt_getprop(fit, node, prop, &len);
	if (!data)
		return required ? sf_fail(err, SF_EVERIFY, "%s has no %s", what, prop) : 0;
	if (len != 4)
		return sf_fail(err, SF_EVERIFY, "%s: %s is %d bytes, expected 4", what, prop, len);
	*val = be32_at(data);
	if (found)
		*found = true;
	return 0;
}

/*
 * One signature node: everything it claims is checked against the rebuilt
 * node list and the key; the key decides algorithm and padding.
 */
static int check_one_sig(const void *fit, int sig, const char *what, const struct fit_inc *inc,
			 const struct keyring *keys, const char *hint, struct sf_err *err)
{
	const char *algo, *padding, *list;
	uint8_t digest[SHA256_LEN];
	uint32_t hs_start, hs_size, names_end;
	const uint8_t *value, *hs;
	int len, vlen, ret;

	value = fdt_getprop(fit, sig, "value", &vlen);
	if (!value || vlen <= 0)
		return sf_fail(err, SF_EVERIFY, "%s has no value (it was never signed)", what);
	ret = fit_get_string(fit, sig, "algo", what, true, &algo, err);
	if (!ret)
		ret = fit_get_string(fit, sig, "padding", what, false, &padding, err);
	if (ret)
		return ret;
	list = fdt_getprop(fit, sig, "sign-images", &len);
	if (fit_stringlist_valid(list, len) < 0 || !fit_stringlist_has(list, len, "loadables"))
		return sf_fail(err, SF_EVERIFY, "%s: sign-images does not include loadables", what);
	hs = fdt_getprop(fit, sig, "hashed-strings", &len);
	if (!hs)
		return sf_fail(err, SF_EVERIFY, "%s has no hashed-strings", what);
	if (len != 8)
		return sf_fail(err, SF_EVERIFY, "%s: hashed-strings is %d bytes, expected 8", what, len);
	hs_start = be32_at(hs);
	hs_size = be32_at(hs + 4);
	if (hs_start)
		return sf_fail(err, SF_EVERIFY, "%s: hashed-strings starts at %u, expected 0", what, hs_start);
	if (hs_size > fdt_size_dt_strings(fit))
		return sf_fail(err, SF_EVERIFY, "%s: hashed-strings size %u exceeds the strings block (%u bytes)", what,
			       hs_size, fdt_size_dt_strings(fit));
	ret = fit_signed_digest(fit, inc, hs_size, digest, &names_end, err);
	if (ret)
		return ret;
	if (names_end > hs_size)
		return sf_fail(err, SF_EVERIFY, "%s: hashed-strings does not cover signed property names", what);
	return keyring_verify(keys, hint, algo, padding, digest, value, (size_t)vlen, err);
}

/*
 * What the signature nodes of a configuration gave: per keyring key, a valid
 * signature or the reason its signature failed; what else was seen, for the
 * message when the policy is not met.
 */
struct sig_tally {
	bool valid[CONFIG_MAX_KEYS];
	struct sf_err fail[CONFIG_MAX_KEYS];
	char algo[CONFIG_MAX_KEYS][32]; /* of each valid signature: its key's */
	int order[CONFIG_MAX_SIGNATURES]; /* keys with a valid signature, in node order */
	unsigned int n_valid;
	int first_fail;		/* key index of the first failed one, -1 when none */
	unsigned int seen;	/* signature nodes looked at */
	char untrusted[FIT_NAME_MAX];
	char revoked[FIT_NAME_MAX];
};

/*
 * How the signature's own `hashed-nodes` differs from the rebuilt node set,
 * into @out ("" when it does not): a hint for the message of a signature that
 * does not verify, never a reason to accept or refuse.
 */
static void hashed_nodes_hint(const void *fit, int sig, const struct fit_inc *inc, char *out, size_t room)
{
	const char *list, *p, *missing = NULL;
	char extra[FIT_INC_PATH_MAX] = "";
	int len, n;

	out[0] = '\0';
	list = fdt_getprop(fit, sig, "hashed-nodes", &len);
	n = fit_stringlist_valid(list, len);
	if (!list || n < 0) {
		snprintf(out, room, "its hashed-nodes is not a list of paths");
		return;
	}
	for (unsigned int i = 0; i < inc->n && !missing; i++)
		if (!fit_stringlist_has(list, len, inc->path[i]))
			missing = inc->path[i];
	p = list;
	for (int i = 0; i < n && !extra[0]; i++, p += strlen(p) + 1) {
		bool signed_node = false;

		for (unsigned int j = 0; j < inc->n && !signed_node; j++)
			signed_node = inc->path[j] && !strcmp(p, inc->path[j]);
		if (!signed_node)
			fit_sanitize(extra, sizeof(extra), p, strlen(p));
	}
	if (missing && extra[0])
		snprintf(out, room, "its hashed-nodes leaves out '%s' and lists '%s' instead", missing, extra);
	else if (missing)
		snprintf(out, room, "its hashed-nodes leaves out '%s', which the configuration signs", missing);
	else if (extra[0])
		snprintf(out, room, "its hashed-nodes lists '%s', which the configuration does not sign", extra);
}

static void tally_one(const void *fit, int sub, const char *conf_name, const struct fit_inc *inc,
		      const struct keyring *keys, struct sig_tally *t)
{
	const char *sname = fdt_get_name(fit, sub, NULL), *hint, *algo;
	char what[2 * FIT_NAME_MAX + 32];
	struct sf_err e = { 0 };
	int k;

	snprintf(what, sizeof(what), "%s of configuration '%s'", sname, conf_name);
	if (fit_get_string(fit, sub, "key-name-hint", what, true, &hint, &e))
		return;
	k = keyring_index(keys, hint);
	if (k < 0) {
		if (!t->untrusted[0])
			fit_sanitize(t->untrusted, sizeof(t->untrusted), hint, strlen(hint));
		return;
	}
	if (keyring_revoked(keys, (unsigned int)k)) {
		if (!t->revoked[0])
			snprintf(t->revoked, sizeof(t->revoked), "%s", keyring_name(keys, (unsigned int)k));
		return;
	}
	if (t->valid[k])
		return;
	if (!check_one_sig(fit, sub, what, inc, keys, hint, &e)) {
		/* it verified, so algo is a string and matched the key's */
		if (!fit_get_string(fit, sub, "algo", what, true, &algo, &e))
			snprintf(t->algo[k], sizeof(t->algo[k]), "%s", algo);
		t->valid[k] = true;
		t->order[t->n_valid++] = k;
		return;
	}
	if (strstr(e.msg, "does not verify")) {
		char why[3 * FIT_INC_PATH_MAX];

		hashed_nodes_hint(fit, sub, inc, why, sizeof(why));
		if (why[0])
			sf_err_prefix(&e, "%s: %s", what, why);
	}
	if (!t->fail[k].cat)
		t->fail[k] = e;
	if (t->first_fail < 0)
		t->first_fail = k;
}

/* Whether an image of the signed set has a signature node of its own (U-Boot's image signing). */
static bool images_signed(const void *fit, const struct fit_inc *inc)
{
	for (unsigned int i = 2; i < inc->n; i++) {
		int node = fdt_path_offset(fit, inc->path[i]), sub;

		if (node < 0)
			continue;
		fdt_for_each_subnode(sub, fit, node) {
			const char *name = fdt_get_name(fit, sub, NULL);

			if (name && !strncmp(name, FIT_SIG_PREFIX, strlen(FIT_SIG_PREFIX)))
				return true;
		}
	}
	return false;
}

/* The refusal when the policy is not met, most specific reason first. */
static int sig_refusal(const void *fit, const struct fit_inc *inc, const struct keyring *keys, const char *conf_name,
		       const struct sig_tally *t, struct sf_err *err)
{
	unsigned int n_keys = keyring_count(keys), have = 0;
	bool required = keyring_n_required(keys) > 0;

	if (required && !keyring_mode_any(keys)) {
		for (unsigned int k = 0; k < n_keys; k++)
			have += keyring_required(keys, k) && t->valid[k];
		for (unsigned int k = 0; k < n_keys && have; k++) {
			if (!keyring_required(keys, k) || t->valid[k])
				continue;
			if (t->fail[k].cat) {
				*err = t->fail[k];
				return -err->cat;
			}
			return sf_fail(err, SF_EVERIFY,
				       "configuration '%s' has no signature by required key '%s' (required-mode \"all\": %u of %u present)",
				       conf_name, keyring_name(keys, k), have, keyring_n_required(keys));
		}
	}
	for (unsigned int k = 0; k < n_keys; k++)
		if (t->fail[k].cat && (!required || keyring_required(keys, k))) {
			*err = t->fail[k];
			return -err->cat;
		}
	if (t->n_valid) {
		char names[SF_ERR_MSG_MAX / 2] = "";
		size_t at = 0;

		for (unsigned int k = 0; k < n_keys && at < sizeof(names); k++)
			if (keyring_required(keys, k))
				at += (size_t)snprintf(names + at, sizeof(names) - at, "%s'%s'", at ? ", " : "",
						       keyring_name(keys, k));
		return sf_fail(err, SF_EVERIFY,
			       "configuration '%s' is signed only by key '%s', which is not a required key (%s of %s)",
			       conf_name, keyring_name(keys, (unsigned int)t->order[0]),
			       keyring_mode_any(keys) ? "any" : "all", names);
	}
	if (t->first_fail >= 0) {
		*err = t->fail[t->first_fail];
		return -err->cat;
	}
	if (t->revoked[0])
		return sf_fail(err, SF_EVERIFY, "configuration '%s' is signed only by revoked key '%s'", conf_name,
			       t->revoked);
	if (!t->seen && images_signed(fit, inc))
		return sf_fail(err, SF_EVERIFY,
			       "configuration '%s' is not signed (only its images are: slotflip needs a configuration signature)",
			       conf_name);
	if (!t->seen)
		return sf_fail(err, SF_EVERIFY, "configuration '%s' is not signed", conf_name);
	if (t->untrusted[0])
		return sf_fail(err, SF_EVERIFY, "no signature by a trusted key (signed with '%s')", t->untrusted);
	return sf_fail(err, SF_EVERIFY, "no signature by a trusted key (no key-name-hint)");
}

/*
 * Every signature node (at most CONFIG_MAX_SIGNATURES) by a keyring key that
 * is not revoked is checked; the keyring's policy then decides: any valid
 * signature, or one (mode "any") or each (mode "all") of the required keys.
 */
static int check_signatures(const void *fit, int conf, const char *conf_name, const struct fit_inc *inc,
			    const struct keyring *keys, struct fit_bundle *b, struct sf_err *err)
{
	unsigned int have = 0;
	struct sig_tally *t;
	int sub, first = -1, ret;

	t = calloc(1, sizeof(*t));
	if (!t)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "checking signatures");
	t->first_fail = -1;
	fdt_for_each_subnode(sub, fit, conf) {
		const char *sname = fdt_get_name(fit, sub, NULL);

		if (!sname)
			break;
		if (strncmp(sname, FIT_SIG_PREFIX, strlen(FIT_SIG_PREFIX)))
			continue;
		if (t->seen++ == CONFIG_MAX_SIGNATURES)
			break;
		tally_one(fit, sub, conf_name, inc, keys, t);
	}
	if (sub < 0 && sub != -FDT_ERR_NOTFOUND) {
		ret = sf_fail(err, SF_EVERIFY, "header is malformed: %s", fdt_strerror(sub));
		goto out;
	}
	/* the valid signatures that count: by any key, or by required keys only */
	for (unsigned int i = 0; i < t->n_valid; i++) {
		unsigned int k = (unsigned int)t->order[i];

		if (keyring_n_required(keys) && !keyring_required(keys, k))
			continue;
		have++;
		if (first < 0)
			first = (int)k;
	}
	if (!have || (keyring_n_required(keys) && !keyring_mode_any(keys) && have < keyring_n_required(keys))) {
		ret = sig_refusal(fit, inc, keys, conf_name, t, err);
		goto out;
	}
	/* the first counted key, in signature order */
	snprintf(b->key_name, sizeof(b->key_name), "%s", keyring_name(keys, (unsigned int)first));
	snprintf(b->algo, sizeof(b->algo), "%s", t->algo[first]);
	ret = 0;
out:
	free(t);
	return ret;
}

static void copy_sig_string(char *out, size_t room, const void *fit, int node, const char *prop)
{
	const char *s;
	struct sf_err e;

	out[0] = '\0';
	if (!fit_get_string(fit, node, prop, "", false, &s, &e) && s)
		fit_sanitize(out, room, s, strlen(s));
}

static int list_signatures(const void *fit, int conf, struct fit_sig_list *l, struct sf_err *err)
{
	int sub;

	fdt_for_each_subnode(sub, fit, conf) {
		const char *sname = fdt_get_name(fit, sub, NULL);
		struct fit_sig_info *si;

		if (!sname)
			break;
		if (strncmp(sname, FIT_SIG_PREFIX, strlen(FIT_SIG_PREFIX)))
			continue;
		if (l->found++ >= l->room)
			continue;
		si = &l->sigs[l->found - 1];
		snprintf(si->node, sizeof(si->node), "%s", sname);
		copy_sig_string(si->algo, sizeof(si->algo), fit, sub, "algo");
		copy_sig_string(si->key_name_hint, sizeof(si->key_name_hint), fit, sub, "key-name-hint");
		copy_sig_string(si->padding, sizeof(si->padding), fit, sub, "padding");
	}
	if (sub < 0 && sub != -FDT_ERR_NOTFOUND)
		return sf_fail(err, SF_EVERIFY, "header is malformed: %s", fdt_strerror(sub));
	return 0;
}

/* A version property: NUL-terminated, valid with its own length. */
static int get_version(const void *fit, int node, const char *prop, const char *what, bool required,
		       char out[SF_VERSION_MAX], bool *found, struct sf_err *err)
{
	const char *v;
	int len;

	*found = false;
	v = fdt_getprop(fit, node, prop, &len);
	if (!v)
		return required ? sf_fail(err, SF_EVERIFY, "%s has no %s", what, prop) : 0;
	if (len < 1 || v[len - 1] != '\0' || !sf_version_valid(v, (size_t)len - 1))
		return sf_fail(err, SF_EVERIFY, "%s: %s is not a valid version string", what, prop);
	memcpy(out, v, (size_t)len);
	*found = true;
	return 0;
}

static int read_metadata(const void *fit, int img, const char *what, struct fit_image *im, struct sf_err *err)
{
	char baseline[SF_VERSION_MAX];
	const char *comp, *req;
	bool found;
	int len, n, ret;

	ret = fit_get_string(fit, img, "slotflip,component", what, true, &comp, err);
	if (ret)
		return ret;
	if (!sf_component_valid(comp))
		return sf_fail(err, SF_EVERIFY, "%s: slotflip,component is not a component name ([a-z0-9_]{1,16})",
			       what);
	snprintf(im->component, sizeof(im->component), "%s", comp);
	ret = get_version(fit, img, "slotflip,version", what, true, im->version, &found, err);
	if (!ret)
		ret = get_u32(fit, img, "slotflip,security-version", what, true, NULL, &im->security_version, err);
	if (!ret)
		ret = get_version(fit, img, "slotflip,base-version", what, false, im->base_version, &found, err);
	if (ret)
		return ret;
	if (found) {
		sf_version_baseline(im->version, baseline);
		if (!sf_version_is_patch(im->version) || strcmp(baseline, im->base_version))
			return sf_fail(err, SF_EVERIFY, "%s: version '%s' is not a patch of base version '%s'", what,
				       im->version, im->base_version);
	} else {
		im->base_version[0] = '\0';
		if (sf_version_is_patch(im->version))
			return sf_fail(err, SF_EVERIFY, "%s: version '%s' is a patch version but has no slotflip,base-version",
				       what, im->version);
	}
	req = fdt_getprop(fit, img, "slotflip,requires", &len);
	im->n_requires = 0;
	if (!req)
		return 0;
	n = fit_stringlist_valid(req, len);
	if (n < 0)
		return sf_fail(err, SF_EVERIFY, "%s: slotflip,requires is not a list of strings", what);
	if (n > FIT_REQUIRES_MAX)
		return sf_fail(err, SF_EVERIFY, "%s: slotflip,requires has %d entries, at most %d are supported", what,
			       n, FIT_REQUIRES_MAX);
	for (int i = 0; i < n; i++, req += strlen(req) + 1) {
		struct fit_require *r = &im->requires[i];
		char shown[SF_VERSION_MAX + SF_COMPONENT_MAX + 2];

		if (sf_require_parse(req, r->component, r->version))
			return sf_fail(err, SF_EVERIFY, "%s: slotflip,requires entry '%s' is not component>=version",
				       what, fit_sanitize(shown, sizeof(shown), req, strlen(req)));
	}
	im->n_requires = (unsigned int)n;
	return 0;
}

static int read_data(const void *fit, int img, const char *what, uint64_t file_size, struct fit_image *im,
		     struct sf_err *err)
{
	uint64_t header_end = fdt_totalsize(fit);
	uint32_t size = 0, pos = 0, off = 0;
	bool has_pos, has_off;
	int ret;

	if (fdt_getprop(fit, img, "data", NULL))
		return sf_fail(err, SF_EVERIFY, "%s: embedded data is not supported; build with mkimage -E", what);
	ret = get_u32(fit, img, "data-size", what, true, NULL, &size, err);
	if (!ret)
		ret = get_u32(fit, img, "data-position", what, false, &has_pos, &pos, err);
	if (!ret)
		ret = get_u32(fit, img, "data-offset", what, false, &has_off, &off, err);
	if (ret)
		return ret;
	if (has_pos == has_off)
		return sf_fail(err, SF_EVERIFY, "%s: needs exactly one of data-position and data-offset", what);
	/* data-offset counts from the end of the FIT blob rounded up to 4 bytes */
	im->data_offset = has_pos ? pos : ((header_end + 3) & ~3ULL) + off;
	im->data_size = size;
	if (!size)
		return sf_fail(err, SF_EVERIFY, "%s: data-size is 0", what);
	if ((uint64_t)size > (uint64_t)CONFIG_MAX_IMAGE_SIZE_MIB * MIB)
		return sf_fail(err, SF_EVERIFY, "%s: data-size %u exceeds the limit of %d MiB", what, size,
			       CONFIG_MAX_IMAGE_SIZE_MIB);
	if (im->data_offset < header_end)
		return sf_fail(err, SF_EVERIFY, "%s: data at offset %llu lies inside the header (%llu bytes)", what,
			       (unsigned long long)im->data_offset, (unsigned long long)header_end);
	/* both values come from the bundle: compare by subtraction */
	if (file_size != FIT_SIZE_UNKNOWN &&
	    (im->data_offset > file_size || im->data_size > file_size - im->data_offset))
		return sf_fail(err, SF_EVERIFY, "%s: data (offset %llu, %llu bytes) lies beyond the end of the bundle (%llu bytes)",
			       what, (unsigned long long)im->data_offset, (unsigned long long)im->data_size,
			       (unsigned long long)file_size);
	return 0;
}

static int read_hash(const void *fit, int img, const char *what, struct fit_image *im, struct sf_err *err)
{
	char hwhat[FIT_NAME_MAX + 32];
	const char *algo;
	const void *value;
	int hash, len, ret;

	hash = fdt_subnode_offset(fit, img, "hash-1");
	if (hash < 0)
		return sf_fail(err, SF_EVERIFY, "%s has no hash-1 node", what);
	snprintf(hwhat, sizeof(hwhat), "%s: hash-1", what);
	ret = fit_get_string(fit, hash, "algo", hwhat, true, &algo, err);
	if (ret)
		return ret;
	if (strcmp(algo, "sha256"))
		return sf_fail(err, SF_EVERIFY, "%s: hash-1 algo is not sha256", what);
	value = fdt_getprop(fit, hash, "value", &len);
	if (!value)
		return sf_fail(err, SF_EVERIFY, "%s: hash-1 has no value", what);
	if (len != SHA256_LEN)
		return sf_fail(err, SF_EVERIFY, "%s: hash-1 value is %d bytes, expected %d", what, len, SHA256_LEN);
	memcpy(im->sha256, value, SHA256_LEN);
	return 0;
}

typedef int (*image_fn)(const void *fit, int img, const char *what, unsigned int i, uint64_t file_size,
			struct fit_bundle *b, struct sf_err *err);

/* Data placement: unsigned by design, so it can be and is checked before any signature. */
static int place_one(const void *fit, int img, const char *what, unsigned int i, uint64_t file_size,
		     struct fit_bundle *b, struct sf_err *err)
{
	struct fit_image *im = &b->image[i];
	int ret;

	ret = read_data(fit, img, what, file_size, im, err);
	for (unsigned int j = 0; !ret && j < i; j++) {
		const struct fit_image *o = &b->image[j];

		if (im->data_offset < o->data_offset + o->data_size && o->data_offset < im->data_offset + im->data_size)
			ret = sf_fail(err, SF_EVERIFY, "the data of images '%s' and '%s' overlap", o->node, im->node);
	}
	return ret;
}

/* What the signature covers: the hash, the compression and the slotflip metadata. */
static int image_one(const void *fit, int img, const char *what, unsigned int i, uint64_t file_size,
		     struct fit_bundle *b, struct sf_err *err)
{
	struct fit_image *im = &b->image[i];
	const char *comp = NULL;
	int ret;

	ret = read_hash(fit, img, what, im, err);
	if (!ret)
		ret = fit_get_string(fit, img, "compression", what, false, &comp, err);
	if (!ret && comp && strcmp(comp, "none"))
		ret = sf_fail(err, SF_EVERIFY, "%s: compression is not \"none\"", what);
	if (!ret)
		ret = read_metadata(fit, img, what, im, err);
	if (!ret)
		ret = fit_read_delta(fit, img, what, &im->delta, err);
	for (unsigned int j = 0; !ret && j < i; j++) {
		const struct fit_image *o = &b->image[j];

		if (!strcmp(o->component, im->component))
			ret = sf_fail(err, SF_EVERIFY, "images '%s' and '%s' are both for component '%s'", o->node,
				      im->node, im->component);
	}
	return ret;
}

/* Calls @fn for each image of the configuration's `loadables`, in order. */
static int each_image(const void *fit, int conf, uint64_t file_size, image_fn fn, struct fit_bundle *b,
		      struct sf_err *err)
{
	const char *name;
	int images, len, n, ret;

	images = fdt_subnode_offset(fit, 0, "images");
	name = fdt_getprop(fit, conf, "loadables", &len);
	n = fit_stringlist_valid(name, len);
	/* fit_config_inc() accepted both already; this keeps the invariant local */
	if (images < 0 || n < 1 || n > CONFIG_MAX_BUNDLE_IMAGES)
		return sf_fail(err, SF_EVERIFY, "configuration '%s' has no valid loadables", b->config);
	for (int i = 0; i < n; i++, name += strlen(name) + 1) {
		char what[FIT_NAME_MAX + 16];
		int img = fdt_subnode_offset(fit, images, name);

		snprintf(what, sizeof(what), "image '%s'", name);
		if (img < 0)
			return sf_fail(err, SF_EVERIFY, "%s is not in /images", what);
		snprintf(b->image[i].node, sizeof(b->image[i].node), "%s", name);
		ret = fn(fit, img, what, (unsigned int)i, file_size, b, err);
		if (ret)
			return ret;
	}
	b->n_images = (unsigned int)n;
	return 0;
}

static int read_config(const void *fit, int conf, struct fit_bundle *b, struct sf_err *err)
{
	char what[FIT_NAME_MAX + 32];
	const char *board;
	int ret;

	snprintf(what, sizeof(what), "configuration '%s'", b->config);
	ret = fit_get_string(fit, conf, "compatible", what, true, &board, err);
	if (ret)
		return ret;
	if (!board[0] || strlen(board) >= FIT_BOARD_MAX)
		return sf_fail(err, SF_EVERIFY, "%s: compatible must be 1 to %d characters", what, FIT_BOARD_MAX - 1);
	return copy_string(b->board, sizeof(b->board), board, what, "compatible", err);
}

/* The common path of fit_verify() (@keys set) and fit_inspect() (@sigs set). */
/* The bundle id: the first FIT_ID_LEN hex digits of the header's SHA-256. */
static int bundle_id(const void *fit, size_t size, char id[FIT_ID_LEN + 1], struct sf_err *err)
{
	uint8_t d[SHA256_LEN];

	if (sha256_buf(fit, size, d))
		return sf_fail(err, SF_EFAIL, "cannot hash the header");
	for (size_t i = 0; i < FIT_ID_LEN / 2; i++)
		snprintf(id + 2 * i, 3, "%02x", d[i]);
	return 0;
}

static int fit_parse(const void *fit, size_t fit_size, uint64_t file_size, const struct keyring *keys,
		     struct fit_sig_list *sigs, struct fit_bundle *out, struct sf_err *err)
{
	struct fit_bundle *b = NULL;
	struct fit_inc *inc = NULL;
	const char *def;
	void *copy = NULL;
	int confs, conf, ret;

	if (fit_size < FIT_PROBE_SIZE)
		return sf_fail(err, SF_EVERIFY, "not a FIT image");
	if (fit_size > CONFIG_MAX_HEADER_SIZE)
		return sf_fail(err, SF_EVERIFY, "header size %zu exceeds the limit %d", fit_size,
			       CONFIG_MAX_HEADER_SIZE);
	/* libfdt 1.6.1 refuses trees that are not 8-byte aligned */
	if ((uintptr_t)fit % 8) {
		copy = malloc(fit_size);
		if (!copy)
			return sf_fail_errno(err, SF_EFAIL, ENOMEM, "reading the header");
		memcpy(copy, fit, fit_size);
		fit = copy;
	}
	b = calloc(1, sizeof(*b));
	inc = calloc(1, sizeof(*inc));
	if (!b || !inc) {
		ret = sf_fail_errno(err, SF_EFAIL, ENOMEM, "reading the header");
		goto out;
	}
	ret = fit_check_blob(fit, fit_size, err);
	if (ret)
		goto out;
	if (file_size != FIT_SIZE_UNKNOWN && file_size < fit_size) {
		ret = sf_fail(err, SF_EVERIFY, "bundle (%llu bytes) is smaller than its header (%zu bytes)",
			      (unsigned long long)file_size, fit_size);
		goto out;
	}
	b->header_size = fit_size;
	ret = bundle_id(fit, fit_size, b->id, err);
	if (ret)
		goto out;
	confs = fdt_subnode_offset(fit, 0, "configurations");
	if (confs < 0) {
		ret = sf_fail(err, SF_EVERIFY, "the header has no /configurations node");
		goto out;
	}
	ret = fit_get_string(fit, confs, "default", "/configurations", true, &def, err);
	if (ret)
		goto out;
	if (!fit_name_valid(def, strlen(def))) {
		ret = sf_fail(err, SF_EVERIFY, "/configurations/default is not a node name");
		goto out;
	}
	conf = fdt_subnode_offset(fit, confs, def);
	if (conf < 0) {
		ret = sf_fail(err, SF_EVERIFY, "/configurations/default names '%s', which is not a configuration", def);
		goto out;
	}
	snprintf(b->config, sizeof(b->config), "%s", def);
	ret = fit_config_inc(fit, conf, inc, err);
	if (!ret)
		ret = each_image(fit, conf, file_size, place_one, b, err);
	if (ret)
		goto out;
	if (keys)
		ret = check_signatures(fit, conf, def, inc, keys, b, err);
	else
		ret = list_signatures(fit, conf, sigs, err);
	if (ret)
		goto out;
	ret = read_config(fit, conf, b, err);
	if (!ret)
		ret = each_image(fit, conf, file_size, image_one, b, err);
	if (ret)
		goto out;
	memcpy(out, b, sizeof(*b));
out:
	free(inc);
	free(b);
	free(copy);
	return ret;
}

int fit_verify(const void *fit, size_t fit_size, uint64_t file_size, const struct keyring *keys,
	       struct fit_bundle *out, struct sf_err *err)
{
	if (!keys || !keyring_count(keys))
		return sf_fail(err, SF_EVERIFY, "no trusted key: the keyring is empty");
	return fit_parse(fit, fit_size, file_size, keys, NULL, out, err);
}

int fit_inspect(const void *fit, size_t fit_size, uint64_t file_size, struct fit_bundle *out,
		struct fit_sig_info *sigs, unsigned int *n_sigs, struct sf_err *err)
{
	struct fit_sig_list l = { .sigs = sigs, .room = sigs ? *n_sigs : 0 };
	int ret;

	ret = fit_parse(fit, fit_size, file_size, NULL, &l, out, err);
	if (!ret)
		*n_sigs = l.found;
	return ret;
}
