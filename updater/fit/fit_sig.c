// SPDX-License-Identifier: MIT
/*
 * The signature nodes of a configuration: each is checked against the node
 * list rebuilt from the configuration and the key it names; the keyring's
 * policy then decides (keyring_accept()). This file only picks the most
 * telling message when the decision is no.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fdtprop.h"
#include "common/text.h"
#include "fit/fit_internal.h"
#include "fit/keyring.h"

/*
 * What the signature nodes gave: the keys whose signature verified, in node
 * order; the first failure of a signature whose key counts toward the policy
 * (the likely tampering) and the first other failure (an unknown or revoked
 * key, a node without a key name).
 */
struct sig_tally {
	const char *signers[CONFIG_MAX_SIGNATURES];
	unsigned int n_signers;
	unsigned int seen;
	struct sf_err counted;
	struct sf_err other;
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
			sf_text_sanitize(extra, sizeof(extra), p, strlen(p));
	}
	if (missing && extra[0])
		snprintf(out, room, "its hashed-nodes leaves out '%s' and lists '%s' instead", missing, extra);
	else if (missing)
		snprintf(out, room, "its hashed-nodes leaves out '%s', which the configuration signs", missing);
	else if (extra[0])
		snprintf(out, room, "its hashed-nodes lists '%s', which the configuration does not sign", extra);
}

/* `hashed-strings = <0 size>`, the size inside the strings block. */
static int hashed_strings(const void *fit, int sig, const char *what, uint32_t *size, struct sf_err *err)
{
	const uint8_t *hs;
	int len;

	hs = fdt_getprop(fit, sig, "hashed-strings", &len);
	if (!hs)
		return sf_fail(err, SF_R_MALFORMED, "%s has no hashed-strings", what);
	if (len != 8)
		return sf_fail(err, SF_R_MALFORMED, "%s: hashed-strings is %d bytes, expected 8", what, len);
	if (sf_be32(hs))
		return sf_fail(err, SF_R_MALFORMED, "%s: hashed-strings starts at %u, expected 0", what, sf_be32(hs));
	*size = sf_be32(hs + 4);
	if (*size > fdt_size_dt_strings(fit))
		return sf_fail(err, SF_R_MALFORMED, "%s: hashed-strings size %u exceeds the strings block (%u bytes)",
			       what, *size, fdt_size_dt_strings(fit));
	return 0;
}

/*
 * One signature node: everything it claims is checked against the rebuilt
 * node list and the key; the key decides algorithm and padding.
 */
static int check_one(const void *fit, int sig, const char *what, const char *hint, const struct fit_inc *inc,
		     const struct keyring *keys, struct sf_err *err)
{
	const char *algo, *padding, *list;
	uint8_t digest[SHA256_LEN];
	uint32_t hs_size = 0, names_end = 0;
	const uint8_t *value;
	int len, vlen, ret;

	/* the key first: a signature by a key nobody trusts costs nothing more */
	ret = keyring_check_claim(keys, hint, NULL, NULL, err);
	if (ret) {
		sf_err_prefix(err, "%s", what);
		return ret;
	}
	value = fdt_getprop(fit, sig, "value", &vlen);
	if (!value || vlen <= 0)
		return sf_fail(err, SF_R_UNSIGNED, "%s has no value (it was never signed)", what);
	ret = fit_get_string(fit, sig, "algo", what, true, &algo, err);
	ret = ret ?: fit_get_string(fit, sig, "padding", what, false, &padding, err);
	if (ret)
		return ret;
	list = fdt_getprop(fit, sig, "sign-images", &len);
	if (fit_stringlist_valid(list, len) < 0 || !fit_stringlist_has(list, len, "loadables"))
		return sf_fail(err, SF_R_MALFORMED, "%s: sign-images does not include loadables", what);
	ret = hashed_strings(fit, sig, what, &hs_size, err);
	ret = ret ?: fit_signed_digest(fit, inc, hs_size, digest, &names_end, err);
	if (ret)
		return ret;
	if (names_end > hs_size)
		return sf_fail(err, SF_R_SIGNATURE, "%s: hashed-strings does not cover signed property names", what);
	ret = keyring_verify(keys, hint, algo, padding, digest, value, (size_t)vlen, err);
	if (ret && err->reason == SF_R_SIGNATURE) {
		char why[3 * FIT_INC_PATH_MAX];

		hashed_nodes_hint(fit, sig, inc, why, sizeof(why));
		if (why[0])
			sf_err_prefix(err, "%s: %s", what, why);
		else
			sf_err_prefix(err, "%s", what);
	} else if (ret) {
		sf_err_prefix(err, "%s", what);
	}
	return ret;
}

static void tally_one(const void *fit, int sig, const char *sname, const char *conf_name, const struct fit_inc *inc,
		      const struct keyring *keys, struct sig_tally *t)
{
	char what[2 * FIT_NAME_MAX + 32];
	struct sf_err e = { 0 };
	const char *hint;
	int ret;

	snprintf(what, sizeof(what), "%s of configuration '%s'", sname, conf_name);
	if (sf_fdt_string(fit, sig, "key-name-hint", &hint))
		hint = NULL;
	for (unsigned int i = 0; hint && i < t->n_signers; i++)
		if (!strcmp(t->signers[i], hint))
			return; /* verified already */
	ret = hint ? check_one(fit, sig, what, hint, inc, keys, &e) :
		     sf_fail(&e, SF_R_UNKNOWN_KEY, "%s names no key (key-name-hint)", what);
	if (!ret) {
		t->signers[t->n_signers++] = hint;
		return;
	}
	if (hint && keyring_counts(keys, hint)) {
		if (!t->counted.cat)
			t->counted = e;
	} else if (!t->other.cat) {
		t->other = e;
	}
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

/* The refusal when the policy is not met (@err holds keyring_accept()'s), most telling first. */
static int refusal(const void *fit, const struct fit_inc *inc, const char *conf_name, const struct sig_tally *t,
		   struct sf_err *err)
{
	if (t->counted.cat)
		*err = t->counted;
	else if (t->n_signers)
		sf_err_prefix(err, "configuration '%s'", conf_name);
	else if (t->other.cat)
		*err = t->other;
	else if (images_signed(fit, inc))
		return sf_fail(err, SF_R_UNSIGNED,
			       "configuration '%s' is not signed (only its images are: slotflip needs a configuration signature)",
			       conf_name);
	else
		return sf_fail(err, SF_R_UNSIGNED, "configuration '%s' is not signed", conf_name);
	return -err->cat;
}

int fit_sig_check(const void *fit, int conf, const struct fit_inc *inc, const struct keyring *keys,
		  struct fit_bundle *b, struct sf_err *err)
{
	const char *conf_name = fdt_get_name(fit, conf, NULL);
	struct keyring_verdict v;
	struct sig_tally *t;
	int sub, ret;

	t = calloc(1, sizeof(*t));
	if (!t)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory checking signatures");
	fdt_for_each_subnode(sub, fit, conf) {
		const char *sname = fdt_get_name(fit, sub, NULL);

		if (!sname)
			break;
		if (strncmp(sname, FIT_SIG_PREFIX, strlen(FIT_SIG_PREFIX)))
			continue;
		if (t->seen++ == CONFIG_MAX_SIGNATURES)
			break;
		tally_one(fit, sub, sname, conf_name, inc, keys, t);
	}
	if (sub < 0 && sub != -FDT_ERR_NOTFOUND) {
		ret = sf_fail(err, SF_R_MALFORMED, "header is malformed: %s", fdt_strerror(sub));
		goto out;
	}
	ret = keyring_accept(keys, t->signers, t->n_signers, &v, err);
	if (ret) {
		ret = refusal(fit, inc, conf_name, t, err);
		goto out;
	}
	snprintf(b->key_name, sizeof(b->key_name), "%s", v.key);
	snprintf(b->algo, sizeof(b->algo), "%s", v.algo);
out:
	free(t);
	return ret;
}

static void copy_sig_string(char *out, size_t room, const void *fit, int node, const char *prop)
{
	const char *s;

	out[0] = '\0';
	if (!sf_fdt_string(fit, node, prop, &s))
		sf_text_sanitize(out, room, s, strlen(s));
}

int fit_sig_list(const void *fit, int conf, struct fit_sig_info *sigs, unsigned int room, unsigned int *n_sigs,
		 struct sf_err *err)
{
	int sub;

	*n_sigs = 0;
	fdt_for_each_subnode(sub, fit, conf) {
		const char *sname = fdt_get_name(fit, sub, NULL);
		struct fit_sig_info *si;

		if (!sname)
			break;
		if (strncmp(sname, FIT_SIG_PREFIX, strlen(FIT_SIG_PREFIX)))
			continue;
		if ((*n_sigs)++ >= room)
			continue;
		si = &sigs[*n_sigs - 1];
		snprintf(si->node, sizeof(si->node), "%s", sname);
		copy_sig_string(si->algo, sizeof(si->algo), fit, sub, "algo");
		copy_sig_string(si->key_name_hint, sizeof(si->key_name_hint), fit, sub, "key-name-hint");
		copy_sig_string(si->padding, sizeof(si->padding), fit, sub, "padding");
	}
	if (sub < 0 && sub != -FDT_ERR_NOTFOUND)
		return sf_fail(err, SF_R_MALFORMED, "header is malformed: %s", fdt_strerror(sub));
	return 0;
}
