// SPDX-License-Identifier: MIT
#include "fit/keyring.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/x509_crt.h>

#include "common/file.h"
#include "common/text.h"
#include "fit/fit.h"
#include "fit/fit_internal.h"
#include "fit/keyring_internal.h"
#include "sf_kconfig.h"

#define KEY_FILE_MAX ((size_t)64 * 1024) /* a PEM key or certificate is a few KiB */

/* Kconfig guarantees it (SIG_ECDSA has no prompt without SIG_RSA); a build that verifies nothing is no build */
_Static_assert(IS_ENABLED(CONFIG_SIG_RSA) || IS_ENABLED(CONFIG_SIG_ECDSA), "no signature algorithm is built in");

enum key_file {
	KEY_FILE_NONE,
	KEY_FILE_PEM, /* NAME.pem or NAME.crt: one key named NAME */
	KEY_FILE_DTB, /* FILE.dtb: the keys of a U-Boot key blob */
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *file, size_t len, const char *suffix)
{
	return !strcmp(file + len - 4, suffix);
}

static enum key_file key_file_kind(const char *file)
{
	size_t len = strlen(file);

	if (file[0] == '.' || len < 5)
		return KEY_FILE_NONE;
	if (has_suffix(file, len, ".pem") || has_suffix(file, len, ".crt"))
		return KEY_FILE_PEM;
	if (has_suffix(file, len, ".dtb"))
		return KEY_FILE_DTB;
	return KEY_FILE_NONE;
}

/* A folder or file of the keyring that cannot be read: permission problems are their own reason. */
static int read_fail(const struct keyring *kr, int errnum, const char *file, size_t max, struct sf_err *err)
{
	if (errnum == -EINVAL || errnum == -EFBIG)
		return sf_fail(err, SF_R_KEYRING, "keyring '%s': '%s' is not a key file of at most %zu bytes", kr->dir,
			       file, max);
	if (errnum == -ENOMEM)
		return sf_fail(err, SF_R_NO_MEMORY, "keyring '%s': out of memory reading '%s'", kr->dir, file);
	return sf_fail_errno(err, errnum == -EACCES || errnum == -EPERM ? SF_R_PERMISSION : SF_R_KEYRING, errnum,
			     "keyring '%s': cannot read '%s'", kr->dir, file);
}

/* Parses a PEM public key, or the public key of a PEM X.509 certificate. */
static int parse_key(mbedtls_pk_context *pk, const unsigned char *buf, size_t len)
{
	unsigned char der[2048];
	mbedtls_x509_crt crt;
	int ret, n;

	if (!strstr((const char *)buf, "-----BEGIN CERTIFICATE-----"))
		return mbedtls_pk_parse_public_key(pk, buf, len + 1);
	mbedtls_x509_crt_init(&crt);
	ret = mbedtls_x509_crt_parse(&crt, buf, len + 1);
	if (ret)
		goto out;
	/* the DER is written at the end of the buffer */
	n = mbedtls_pk_write_pubkey_der(&crt.pk, der, sizeof(der));
	if (n <= 0) {
		ret = n ? n : -1;
		goto out;
	}
	ret = mbedtls_pk_parse_public_key(pk, der + sizeof(der) - n, (size_t)n);
out:
	mbedtls_x509_crt_free(&crt);
	return ret;
}

const char *fit_pk_algo(const struct mbedtls_pk_context *pk)
{
	switch (mbedtls_pk_get_type(pk)) {
	case MBEDTLS_PK_RSA:
		if (mbedtls_pk_get_bitlen(pk) == 2048)
			return "sha256,rsa2048";
		if (mbedtls_pk_get_bitlen(pk) == 4096)
			return "sha256,rsa4096";
		return NULL;
	case MBEDTLS_PK_ECKEY:
	case MBEDTLS_PK_ECDSA:
		if (mbedtls_pk_ec(*pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1)
			return "sha256,ecdsa256";
		return NULL;
	default:
		return NULL;
	}
}

static struct keyring_key *find_key(const struct keyring *kr, const char *name)
{
	for (unsigned int i = 0; kr && i < kr->n; i++)
		if (!strcmp(kr->key[i].name, name))
			return &kr->key[i];
	return NULL;
}

/* A key name as a signature's key-name-hint can give it, not yet in the keyring. */
static int check_name(const struct keyring *kr, const char *name, size_t len, const char *what, struct sf_err *err)
{
	char copy[KEYRING_NAME_MAX];

	if (!fit_name_valid(name, len))
		return sf_fail(err, SF_R_KEYRING, "keyring '%s': %s does not name a key ([A-Za-z0-9,._+-], at most %d characters)",
			       kr->dir, what, KEYRING_NAME_MAX - 1);
	/* fit_name_valid(): len < FIT_NAME_MAX == KEYRING_NAME_MAX */
	memcpy(copy, name, len);
	copy[len] = '\0';
	if (find_key(kr, copy))
		return sf_fail(err, SF_R_KEYRING, "keyring '%s': key '%s' is defined twice", kr->dir, copy);
	return 0;
}

/*
 * Makes a new record, already counted in kr->n (so that keyring_free()
 * releases it), a key of the keyring: the key decides its algorithm, which
 * must be one the build verifies.
 */
static int adopt(const struct keyring *kr, struct keyring_key *k, struct sf_err *err)
{
	k->algo = fit_pk_algo(&k->pk);
	if (!k->algo)
		return sf_fail(err, SF_R_KEYRING, "keyring '%s': key '%s' is not RSA-2048, RSA-4096 or EC P-256", kr->dir,
			       k->name);
	k->rsa = mbedtls_pk_get_type(&k->pk) == MBEDTLS_PK_RSA;
	if (k->rsa && !IS_ENABLED(CONFIG_SIG_RSA))
		return sf_fail(err, SF_R_KEYRING, "keyring '%s': key '%s' is an RSA key; RSA support is not built in",
			       kr->dir, k->name);
	if (!k->rsa && !IS_ENABLED(CONFIG_SIG_ECDSA))
		return sf_fail(err, SF_R_KEYRING, "keyring '%s': key '%s' is an EC key; ECDSA support is not built in",
			       kr->dir, k->name);
	return 0;
}

static int load_pem(struct keyring *kr, int dirfd, const char *file, struct sf_err *err)
{
	/* NAME.pem and NAME.crt: the name is the file name without its suffix */
	size_t len = strlen(file) - 4, size = 0;
	struct keyring_key *k;
	void *buf = NULL;
	char what[300];
	int ret;

	snprintf(what, sizeof(what), "'%s'", file);
	ret = check_name(kr, file, len, what, err);
	if (ret)
		return ret;
	if (kr->n == CONFIG_MAX_KEYS)
		return sf_fail(err, SF_R_KEYRING, "keyring '%s' holds more than %d keys", kr->dir, CONFIG_MAX_KEYS);
	k = &kr->key[kr->n++];
	memcpy(k->name, file, len);
	mbedtls_pk_init(&k->pk);
	ret = sf_file_read(dirfd, file, KEY_FILE_MAX, &buf, &size);
	if (ret)
		return read_fail(kr, ret, file, KEY_FILE_MAX, err);
	if (parse_key(&k->pk, buf, size))
		ret = sf_fail(err, SF_R_KEYRING, "keyring '%s': '%s' is not a PEM public key or certificate", kr->dir,
			      file);
	free(buf);
	return ret ?: adopt(kr, k, err);
}

static int load_dtb(struct keyring *kr, int dirfd, const char *file, struct sf_err *err)
{
	enum keyring_mode mode;
	unsigned int n = 0, first = kr->n;
	char where[300];
	size_t size = 0;
	void *buf = NULL;
	int ret;

	ret = sf_file_read(dirfd, file, KEYRING_DTB_MAX, &buf, &size);
	if (ret)
		return read_fail(kr, ret, file, KEYRING_DTB_MAX, err);
	snprintf(where, sizeof(where), "keyring '%s': '%s'", kr->dir, file);
	ret = keyring_dtb_parse(buf, size, where, kr->key + kr->n, CONFIG_MAX_KEYS - kr->n, &n, &mode, err);
	free(buf);
	if (ret)
		return ret;
	for (unsigned int i = first; i < first + n && !ret; i++) {
		char what[400];

		snprintf(what, sizeof(what), "'%s' node of key '%s'", file, kr->key[i].name);
		/* the records are counted once each is checked: a twin is not found as itself */
		ret = check_name(kr, kr->key[i].name, strlen(kr->key[i].name), what, err);
		kr->n++;
		ret = ret ?: adopt(kr, &kr->key[i], err);
	}
	/* records never checked are released here, the others by keyring_free() */
	for (unsigned int i = kr->n; i < first + n; i++)
		mbedtls_pk_free(&kr->key[i].pk);
	if (!ret && mode != KEYRING_MODE_UNSET && kr->blob_mode != KEYRING_MODE_UNSET && mode != kr->blob_mode)
		ret = sf_fail(err, SF_R_KEYRING, "%s: /signature required-mode contradicts another key blob's", where);
	if (!ret && mode != KEYRING_MODE_UNSET)
		kr->blob_mode = mode;
	return ret;
}

/* Collects the key files of @d, sorted: messages and key order do not depend on readdir(). */
static int list_files(DIR *d, const struct keyring *kr, char *files[], unsigned int *n, struct sf_err *err)
{
	struct dirent *de;

	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (key_file_kind(de->d_name) == KEY_FILE_NONE)
			continue;
		if (*n == CONFIG_MAX_KEYS)
			return sf_fail(err, SF_R_KEYRING, "keyring '%s' holds more than %d keys", kr->dir,
				       CONFIG_MAX_KEYS);
		files[*n] = strdup(de->d_name);
		if (!files[*n])
			return sf_fail(err, SF_R_NO_MEMORY, "out of memory loading keyring '%s'", kr->dir);
		(*n)++;
	}
	if (errno)
		return read_fail(kr, -errno, ".", 0, err);
	qsort(files, *n, sizeof(files[0]), name_cmp);
	return 0;
}

int keyring_load(struct keyring **out, const char *dir, struct sf_err *err)
{
	struct keyring *kr = NULL;
	char *files[CONFIG_MAX_KEYS];
	unsigned int n_files = 0;
	DIR *d = NULL;
	int ret;

	kr = calloc(1, sizeof(*kr));
	if (kr)
		kr->key = calloc(CONFIG_MAX_KEYS, sizeof(*kr->key));
	if (!kr || !kr->key) {
		ret = sf_fail(err, SF_R_NO_MEMORY, "out of memory loading keyring '%s'", dir);
		goto out;
	}
	if (snprintf(kr->dir, sizeof(kr->dir), "%s", dir) >= (int)sizeof(kr->dir)) {
		ret = sf_fail(err, SF_R_KEYRING, "keyring path '%s' is too long", dir);
		goto out;
	}
	d = opendir(dir);
	if (!d) {
		ret = sf_fail_errno(err, errno == EACCES || errno == EPERM ? SF_R_PERMISSION : SF_R_KEYRING, errno,
				    "cannot read keyring '%s'", dir);
		goto out;
	}
	ret = list_files(d, kr, files, &n_files, err);
	for (unsigned int i = 0; i < n_files && !ret; i++) {
		if (key_file_kind(files[i]) == KEY_FILE_DTB)
			ret = load_dtb(kr, dirfd(d), files[i], err);
		else
			ret = load_pem(kr, dirfd(d), files[i], err);
	}
	if (!ret && !kr->n)
		ret = sf_fail(err, SF_R_KEYRING, "keyring '%s' holds no key", dir);
	ret = ret ?: keyring_set_policy(kr, NULL, err);
	if (ret)
		goto out;
	*out = kr;
	kr = NULL;
out:
	while (n_files)
		free(files[--n_files]);
	if (d)
		closedir(d);
	keyring_free(kr);
	return ret;
}

/* The policy's names must be keyring keys, each named once. */
static int check_names(const struct keyring *kr, const char (*names)[KEYRING_NAME_MAX], unsigned int n,
		       const char *what, struct sf_err *err)
{
	if (n > CONFIG_MAX_KEYS)
		return sf_fail(err, SF_R_KEYRING, "more than %d %s keys", CONFIG_MAX_KEYS, what);
	for (unsigned int i = 0; i < n; i++) {
		char shown[KEYRING_NAME_MAX];

		sf_text_sanitize(shown, sizeof(shown), names[i], KEYRING_NAME_MAX);
		if (!memchr(names[i], '\0', KEYRING_NAME_MAX) || !find_key(kr, names[i]))
			return sf_fail(err, SF_R_KEYRING, "%s key '%s' is not in keyring '%s'", what, shown, kr->dir);
		for (unsigned int j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return sf_fail(err, SF_R_KEYRING, "%s key '%s' is listed twice", what, shown);
	}
	return 0;
}

static bool listed(const char (*names)[KEYRING_NAME_MAX], unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static const char *mode_name(enum keyring_mode m)
{
	return m == KEYRING_MODE_ANY ? "any" : "all";
}

int keyring_set_policy(struct keyring *kr, const struct keyring_policy *p, struct sf_err *err)
{
	static const struct keyring_policy none;
	enum keyring_mode mode;
	unsigned int n_required = 0, n_usable = 0;
	int ret;

	if (!p)
		p = &none;
	ret = check_names(kr, p->required, p->n_required, "required", err);
	if (!ret)
		ret = check_names(kr, p->revoked, p->n_revoked, "revoked", err);
	if (ret)
		return ret;
	if (p->mode != KEYRING_MODE_UNSET && kr->blob_mode != KEYRING_MODE_UNSET && p->mode != kr->blob_mode)
		return sf_fail(err, SF_R_KEYRING, "required-mode \"%s\" contradicts the key blobs' required-mode \"%s\"",
			       mode_name(p->mode), mode_name(kr->blob_mode));
	mode = p->mode != KEYRING_MODE_UNSET ? p->mode : kr->blob_mode;
	for (unsigned int i = 0; i < kr->n; i++) {
		const struct keyring_key *k = &kr->key[i];
		bool req = k->blob_required || listed(p->required, p->n_required, k->name);
		bool rev = listed(p->revoked, p->n_revoked, k->name);

		if (req && rev)
			return sf_fail(err, SF_R_KEYRING, "key '%s' is both required and revoked", k->name);
		n_required += req;
		n_usable += !rev;
	}
	if (p->mode != KEYRING_MODE_UNSET && !n_required)
		return sf_fail(err, SF_R_KEYRING, "required-mode is set but no key is required");
	if (mode != KEYRING_MODE_ANY && n_required > CONFIG_MAX_SIGNATURES)
		return sf_fail(err, SF_R_KEYRING, "%u keys are required in mode \"all\", but only %d signatures are looked at",
			       n_required, CONFIG_MAX_SIGNATURES);
	if (!n_usable)
		return sf_fail(err, SF_R_KEYRING, "every key of keyring '%s' is revoked", kr->dir);
	/* checked: now apply */
	for (unsigned int i = 0; i < kr->n; i++) {
		struct keyring_key *k = &kr->key[i];

		k->required = k->blob_required || listed(p->required, p->n_required, k->name);
		k->revoked = listed(p->revoked, p->n_revoked, k->name);
	}
	kr->mode = mode == KEYRING_MODE_ANY ? KEYRING_MODE_ANY : KEYRING_MODE_ALL;
	kr->n_required = n_required;
	return 0;
}

void keyring_free(struct keyring *kr)
{
	if (!kr)
		return;
	for (unsigned int i = 0; kr->key && i < kr->n; i++)
		mbedtls_pk_free(&kr->key[i].pk);
	free(kr->key);
	free(kr);
}

unsigned int keyring_count(const struct keyring *kr)
{
	return kr ? kr->n : 0;
}

/* Whether a valid signature by @k counts: not revoked, and required when any key is. */
static bool counts(const struct keyring *kr, const struct keyring_key *k)
{
	return k && !k->revoked && (!kr->n_required || k->required);
}

bool keyring_counts(const struct keyring *kr, const char *name)
{
	return counts(kr, find_key(kr, name));
}

static bool listed_in(const char *const names[], unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* Names the required keys into @out, for a refusal. */
static void required_names(const struct keyring *kr, char *out, size_t room)
{
	size_t at = 0;

	out[0] = '\0';
	for (unsigned int k = 0; k < kr->n && at < room; k++)
		if (kr->key[k].required)
			at += (size_t)snprintf(out + at, room - at, "%s'%s'", at ? ", " : "", kr->key[k].name);
}

int keyring_accept(const struct keyring *kr, const char *const signers[], unsigned int n,
		   struct keyring_verdict *out, struct sf_err *err)
{
	const struct keyring_key *first = NULL;
	char names[SF_ERR_MSG_MAX / 2];
	unsigned int have = 0;

	/* signers that count, each once (U-Boot's fit_config_verify_required_keys()) */
	for (unsigned int i = 0; i < n; i++) {
		const struct keyring_key *k = find_key(kr, signers[i]);
		bool twice = false;

		for (unsigned int j = 0; j < i; j++)
			twice |= !strcmp(signers[i], signers[j]);
		if (twice || !counts(kr, k))
			continue;
		have++;
		first = first ? first : k;
	}
	if (have && (!kr->n_required || kr->mode == KEYRING_MODE_ANY || have == kr->n_required)) {
		out->key = first->name;
		out->algo = first->algo;
		return 0;
	}
	required_names(kr, names, sizeof(names));
	if (have) {
		for (unsigned int k = 0; k < kr->n; k++)
			if (kr->key[k].required && !listed_in(signers, n, kr->key[k].name))
				return sf_fail(err, SF_R_KEY_POLICY,
					       "no signature by required key '%s' (required-mode \"all\": %u of %u present)",
					       kr->key[k].name, have, kr->n_required);
	}
	if (n)
		return sf_fail(err, SF_R_KEY_POLICY, "signed only by key '%s', which is not a required key (%s of %s)",
			       signers[0], kr->mode == KEYRING_MODE_ANY ? "any" : "all", names);
	return sf_fail(err, SF_R_UNSIGNED, "no valid signature");
}

static int verify_rsa(struct keyring_key *k, const uint8_t digest[32], const uint8_t *sig, size_t sig_len)
{
	mbedtls_rsa_context *rsa = mbedtls_pk_rsa(k->pk);

	if (sig_len != mbedtls_rsa_get_len(rsa))
		return -1;
	return mbedtls_rsa_rsassa_pkcs1_v15_verify(rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_SHA256, 32,
						    digest, sig);
}

static int verify_ecdsa(struct keyring_key *k, const uint8_t digest[32], const uint8_t *sig, size_t sig_len)
{
	mbedtls_ecp_keypair *ec = mbedtls_pk_ec(k->pk);
	mbedtls_mpi r, s;
	int ret;

	if (sig_len != 64)
		return -1;
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ret = mbedtls_mpi_read_binary(&r, sig, 32);
	if (!ret)
		ret = mbedtls_mpi_read_binary(&s, sig + 32, 32);
	if (!ret)
		ret = mbedtls_ecdsa_verify(&ec->grp, digest, 32, &ec->Q, &r, &s);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	return ret;
}

int keyring_check_claim(const struct keyring *kr, const char *name, const char *algo, const char *padding,
			struct sf_err *err)
{
	const struct keyring_key *k = find_key(kr, name);
	char shown[KEYRING_NAME_MAX];

	/* the bundle's strings go into messages sanitized: one line, printable */
	if (!k)
		return sf_fail(err, SF_R_UNKNOWN_KEY, "no key '%s' in the keyring",
			       sf_text_sanitize(shown, sizeof(shown), name, strlen(name)));
	if (k->revoked)
		return sf_fail(err, SF_R_KEY_POLICY, "key '%s' is revoked", name);
	if (algo && strcmp(algo, k->algo))
		return sf_fail(err, SF_R_ALGORITHM, "signature algorithm '%s' does not match key '%s' (%s)",
			       sf_text_sanitize(shown, sizeof(shown), algo, strlen(algo)), name, k->algo);
	/* RSA keys demand PKCS#1 v1.5 ("pkcs-1.5" or no padding property); ECDSA has none */
	if (algo && padding && (!k->rsa || strcmp(padding, "pkcs-1.5")))
		return sf_fail(err, SF_R_ALGORITHM, "padding '%s' does not match key '%s'",
			       sf_text_sanitize(shown, sizeof(shown), padding, strlen(padding)), name);
	return 0;
}

int keyring_verify(const struct keyring *kr, const char *name, const char *algo, const char *padding,
		   const uint8_t digest[32], const uint8_t *sig, size_t sig_len, struct sf_err *err)
{
	struct keyring_key *k = find_key(kr, name);
	int ret;

	ret = keyring_check_claim(kr, name, algo, padding, err);
	if (ret)
		return ret;
	if (k->rsa && IS_ENABLED(CONFIG_SIG_RSA))
		ret = verify_rsa(k, digest, sig, sig_len);
	else if (!k->rsa && IS_ENABLED(CONFIG_SIG_ECDSA))
		ret = verify_ecdsa(k, digest, sig, sig_len);
	else
		ret = -1;
	/* mbedTLS: only 0 means a valid signature */
	if (ret != 0)
		return sf_fail(err, SF_R_SIGNATURE, "signature does not verify with key '%s'", name);
	return 0;
}
