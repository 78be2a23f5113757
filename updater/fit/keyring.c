// SPDX-License-Identifier: MIT
#include "fit/keyring.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/x509_crt.h>

#include "fit/fit.h"
#include "fit/fit_internal.h"
#include "fit/keyring_internal.h"
#include "sf_kconfig.h"

#define KEY_FILE_MAX ((size_t)64 * 1024) /* a PEM key or certificate is a few KiB */

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

static int read_key_file(int dirfd, const char *dir, const char *file, size_t max, unsigned char **buf,
			 size_t *len, struct sf_err *err)
{
	unsigned char *b = NULL;
	struct stat st;
	size_t got = 0;
	int fd, ret;

	fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sf_fail_errno(err, SF_ECONFIG, errno, "keyring '%s': cannot open '%s'", dir, file);
	if (fstat(fd, &st)) {
		ret = sf_fail_errno(err, SF_ECONFIG, errno, "keyring '%s': cannot stat '%s'", dir, file);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > max) {
		ret = sf_fail(err, SF_ECONFIG, "keyring '%s': '%s' is not a key file of at most %zu bytes", dir, file,
			      max);
		goto out;
	}
	/* one byte more for the NUL that PEM parsing wants */
	b = malloc((size_t)st.st_size + 1);
	if (!b) {
		ret = sf_fail_errno(err, SF_ECONFIG, ENOMEM, "keyring '%s': reading '%s'", dir, file);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = sf_fail_errno(err, SF_ECONFIG, r < 0 ? errno : EIO, "keyring '%s': reading '%s'", dir,
					    file);
			goto out;
		}
		got += (size_t)r;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	b = NULL;
	ret = 0;
out:
	free(b);
	close(fd);
	return ret;
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

int keyring_classify(const struct keyring *kr, struct keyring_key *k, struct sf_err *err)
{
	k->algo = fit_pk_algo(&k->pk);
	if (!k->algo)
		return sf_fail(err, SF_ECONFIG, "keyring '%s': key '%s' is not RSA-2048, RSA-4096 or EC P-256",
			       kr->dir, k->name);
	k->rsa = mbedtls_pk_get_type(&k->pk) == MBEDTLS_PK_RSA;
	if (k->rsa && !IS_ENABLED(CONFIG_SIG_RSA))
		return sf_fail(err, SF_ECONFIG, "keyring '%s': key '%s' is an RSA key; RSA support is not built in",
			       kr->dir, k->name);
	if (!k->rsa && !IS_ENABLED(CONFIG_SIG_ECDSA))
		return sf_fail(err, SF_ECONFIG, "keyring '%s': key '%s' is an EC key; ECDSA support is not built in",
			       kr->dir, k->name);
	return 0;
}

static struct keyring_key *find_key(const struct keyring *kr, const char *name)
{
	for (unsigned int i = 0; kr && i < kr->n; i++)
		if (!strcmp(kr->key[i].name, name))
			return &kr->key[i];
	return NULL;
}

int keyring_add(struct keyring *kr, const char *name, size_t len, const char *what, struct keyring_key **out,
		struct sf_err *err)
{
	struct keyring_key *k;

	if (!fit_name_valid(name, len))
		return sf_fail(err, SF_ECONFIG, "keyring '%s': %s does not name a key ([A-Za-z0-9,._+-], at most %d characters)",
			       kr->dir, what, KEYRING_NAME_MAX - 1);
	if (kr->n == CONFIG_MAX_KEYS)
		return sf_fail(err, SF_ECONFIG, "keyring '%s' holds more than %d keys", kr->dir, CONFIG_MAX_KEYS);
	k = &kr->key[kr->n];
	memcpy(k->name, name, len);
	k->name[len] = '\0';
	if (find_key(kr, k->name))
		return sf_fail(err, SF_ECONFIG, "keyring '%s': key '%s' is defined twice", kr->dir, k->name);
	mbedtls_pk_init(&k->pk);
	kr->n++; /* from here on keyring_free() releases it */
	*out = k;
	return 0;
}

static int load_pem(struct keyring *kr, int dirfd, const char *file, struct sf_err *err)
{
	struct keyring_key *k;
	unsigned char *buf = NULL;
	char what[300];
	size_t len = 0;
	int ret;

	/* NAME.pem and NAME.crt: the name is the file name without its suffix */
	snprintf(what, sizeof(what), "'%s'", file);
	ret = keyring_add(kr, file, strlen(file) - 4, what, &k, err);
	if (ret)
		return ret;
	ret = read_key_file(dirfd, kr->dir, file, KEY_FILE_MAX, &buf, &len, err);
	if (ret)
		return ret;
	if (parse_key(&k->pk, buf, len)) {
		ret = sf_fail(err, SF_ECONFIG, "keyring '%s': '%s' is not a PEM public key or certificate", kr->dir,
			      file);
		goto out;
	}
	ret = keyring_classify(kr, k, err);
out:
	free(buf);
	return ret;
}

static int load_dtb(struct keyring *kr, int dirfd, const char *file, struct sf_err *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = read_key_file(dirfd, kr->dir, file, KEYRING_DTB_MAX, &buf, &len, err);
	if (ret)
		return ret;
	ret = keyring_dtb_load(kr, buf, len, file, err);
	free(buf);
	return ret;
}

/* Collects the key files of @d, sorted: messages and key order do not depend on readdir(). */
static int list_files(DIR *d, const char *dir, char *files[], unsigned int *n, struct sf_err *err)
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
			return sf_fail(err, SF_ECONFIG, "keyring '%s' holds more than %d keys", dir, CONFIG_MAX_KEYS);
		files[*n] = strdup(de->d_name);
		if (!files[*n])
			return sf_fail_errno(err, SF_ECONFIG, ENOMEM, "loading keyring '%s'", dir);
		(*n)++;
	}
	if (errno)
		return sf_fail_errno(err, SF_ECONFIG, errno, "cannot read keyring '%s'", dir);
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
		ret = sf_fail_errno(err, SF_ECONFIG, ENOMEM, "loading keyring '%s'", dir);
		goto out;
	}
	if (snprintf(kr->dir, sizeof(kr->dir), "%s", dir) >= (int)sizeof(kr->dir)) {
		ret = sf_fail(err, SF_ECONFIG, "keyring path '%s' is too long", dir);
		goto out;
	}
	d = opendir(dir);
	if (!d) {
		ret = sf_fail_errno(err, SF_ECONFIG, errno, "cannot read keyring '%s'", dir);
		goto out;
	}
	ret = list_files(d, dir, files, &n_files, err);
	if (ret)
		goto out;
	for (unsigned int i = 0; i < n_files && !ret; i++) {
		if (key_file_kind(files[i]) == KEY_FILE_DTB)
			ret = load_dtb(kr, dirfd(d), files[i], err);
		else
			ret = load_pem(kr, dirfd(d), files[i], err);
	}
	if (ret)
		goto out;
	if (!kr->n) {
		ret = sf_fail(err, SF_ECONFIG, "keyring '%s' holds no key", dir);
		goto out;
	}
	ret = keyring_set_policy(kr, NULL, err);
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
		return sf_fail(err, SF_ECONFIG, "more than %d %s keys", CONFIG_MAX_KEYS, what);
	for (unsigned int i = 0; i < n; i++) {
		char shown[KEYRING_NAME_MAX];

		fit_sanitize(shown, sizeof(shown), names[i], KEYRING_NAME_MAX);
		if (!memchr(names[i], '\0', KEYRING_NAME_MAX) || !find_key(kr, names[i]))
			return sf_fail(err, SF_ECONFIG, "%s key '%s' is not in keyring '%s'", what, shown, kr->dir);
		for (unsigned int j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return sf_fail(err, SF_ECONFIG, "%s key '%s' is listed twice", what, shown);
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
		return sf_fail(err, SF_ECONFIG, "required-mode \"%s\" contradicts the key blobs' required-mode \"%s\"",
			       mode_name(p->mode), mode_name(kr->blob_mode));
	mode = p->mode != KEYRING_MODE_UNSET ? p->mode : kr->blob_mode;
	for (unsigned int i = 0; i < kr->n; i++) {
		const struct keyring_key *k = &kr->key[i];
		bool req = k->blob_required || listed(p->required, p->n_required, k->name);
		bool rev = listed(p->revoked, p->n_revoked, k->name);

		if (req && rev)
			return sf_fail(err, SF_ECONFIG, "key '%s' is both required and revoked", k->name);
		n_required += req;
		n_usable += !rev;
	}
	if (p->mode != KEYRING_MODE_UNSET && !n_required)
		return sf_fail(err, SF_ECONFIG, "required-mode is set but no key is required");
	if (mode != KEYRING_MODE_ANY && n_required > CONFIG_MAX_SIGNATURES)
		return sf_fail(err, SF_ECONFIG, "%u keys are required in mode \"all\", but only %d signatures are looked at",
			       n_required, CONFIG_MAX_SIGNATURES);
	if (!n_usable)
		return sf_fail(err, SF_ECONFIG, "every key of keyring '%s' is revoked", kr->dir);
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

int keyring_index(const struct keyring *kr, const char *name)
{
	const struct keyring_key *k = find_key(kr, name);

	return k ? (int)(k - kr->key) : -1;
}

const char *keyring_name(const struct keyring *kr, unsigned int idx)
{
	return kr->key[idx].name;
}

bool keyring_required(const struct keyring *kr, unsigned int idx)
{
	return kr->key[idx].required;
}

bool keyring_revoked(const struct keyring *kr, unsigned int idx)
{
	return kr->key[idx].revoked;
}

unsigned int keyring_n_required(const struct keyring *kr)
{
	return kr->n_required;
}

bool keyring_mode_any(const struct keyring *kr)
{
	return kr->mode == KEYRING_MODE_ANY;
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

int keyring_verify(const struct keyring *kr, const char *name, const char *algo, const char *padding,
		   const uint8_t digest[32], const uint8_t *sig, size_t sig_len, struct sf_err *err)
{
	struct keyring_key *k = find_key(kr, name);
	char shown[KEYRING_NAME_MAX];
	int ret;

	/* the bundle's strings go into messages sanitized: one line, printable */
	if (!k)
		return sf_fail(err, SF_EVERIFY, "no key '%s' in the keyring",
			       fit_sanitize(shown, sizeof(shown), name, strlen(name)));
	if (strcmp(algo, k->algo))
		return sf_fail(err, SF_EVERIFY, "signature algorithm '%s' does not match key '%s' (%s)",
			       fit_sanitize(shown, sizeof(shown), algo, strlen(algo)), name, k->algo);
	/* RSA keys demand PKCS#1 v1.5 ("pkcs-1.5" or no padding property); ECDSA has none */
	if (padding && (!k->rsa || strcmp(padding, "pkcs-1.5")))
		return sf_fail(err, SF_EVERIFY, "padding '%s' does not match key '%s'",
			       fit_sanitize(shown, sizeof(shown), padding, strlen(padding)), name);
	if (k->rsa && IS_ENABLED(CONFIG_SIG_RSA))
		ret = verify_rsa(k, digest, sig, sig_len);
	else if (!k->rsa && IS_ENABLED(CONFIG_SIG_ECDSA))
		ret = verify_ecdsa(k, digest, sig, sig_len);
	else
		ret = -1;
	/* mbedTLS: only 0 means a valid signature */
	if (ret != 0)
		return sf_fail(err, SF_EVERIFY, "signature does not verify with key '%s'", name);
	return 0;
}
