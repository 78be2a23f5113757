// SPDX-License-Identifier: MIT
#include "fit/keyring.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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
#include "sf_kconfig.h"

#define KEY_FILE_MAX (64 * 1024) /* a PEM key or certificate is a few KiB */

struct keyring_key {
	char name[FIT_NAME_MAX];
	const char *algo;
	bool rsa;
	mbedtls_pk_context pk;
};

struct keyring {
	unsigned int n;
	struct keyring_key *key; /* CONFIG_MAX_KEYS entries */
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "dev.pem" -> 4 (length of the key name), 0 when the file is no key file. */
static size_t key_name_len(const char *file)
{
	size_t len = strlen(file);

	if (file[0] == '.' || len < 5)
		return 0;
	if (strcmp(file + len - 4, ".pem") && strcmp(file + len - 4, ".crt"))
		return 0;
	return len - 4;
}

static int read_key_file(int dirfd, const char *dir, const char *file, unsigned char **buf, size_t *len,
			 struct sf_err *err)
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
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > KEY_FILE_MAX) {
		ret = sf_fail(err, SF_ECONFIG, "keyring '%s': '%s' is not a key file of at most %d bytes", dir,
			      file, KEY_FILE_MAX);
		goto out;
	}
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

/* The key record decides algorithm and padding. */
static int classify_key(struct keyring_key *k, const char *dir, struct sf_err *err)
{
	k->algo = fit_pk_algo(&k->pk);
	if (!k->algo)
		return sf_fail(err, SF_ECONFIG,
			       "keyring '%s': key '%s' is not RSA-2048, RSA-4096 or EC P-256", dir, k->name);
	k->rsa = mbedtls_pk_get_type(&k->pk) == MBEDTLS_PK_RSA;
	if (k->rsa && !IS_ENABLED(CONFIG_SIG_RSA))
		return sf_fail(err, SF_ECONFIG, "keyring '%s': key '%s' is an RSA key; RSA support is not built in",
			       dir, k->name);
	if (!k->rsa && !IS_ENABLED(CONFIG_SIG_ECDSA))
		return sf_fail(err, SF_ECONFIG, "keyring '%s': key '%s' is an EC key; ECDSA support is not built in",
			       dir, k->name);
	return 0;
}

static int load_one(struct keyring *kr, int dirfd, const char *dir, const char *file, size_t name_len,
		    struct sf_err *err)
{
	struct keyring_key *k = &kr->key[kr->n];
	unsigned char *buf = NULL;
	size_t len = 0;
	int ret;

	if (!fit_name_valid(file, name_len))
		return sf_fail(err, SF_ECONFIG, "keyring '%s': '%s' does not name a key ([A-Za-z0-9,._+-], at most %d characters)",
			       dir, file, FIT_NAME_MAX - 1);
	memcpy(k->name, file, name_len);
	k->name[name_len] = '\0';
	for (unsigned int i = 0; i < kr->n; i++)
		if (!strcmp(kr->key[i].name, k->name))
			return sf_fail(err, SF_ECONFIG, "keyring '%s': key '%s' is defined twice", dir, k->name);
	ret = read_key_file(dirfd, dir, file, &buf, &len, err);
	if (ret)
		return ret;
	mbedtls_pk_init(&k->pk);
	kr->n++; /* from here on keyring_free() releases it */
	if (parse_key(&k->pk, buf, len)) {
		ret = sf_fail(err, SF_ECONFIG, "keyring '%s': '%s' is not a PEM public key or certificate", dir, file);
		goto out;
	}
	ret = classify_key(k, dir, err);
out:
	free(buf);
	return ret;
}

int keyring_load(struct keyring **out, const char *dir, struct sf_err *err)
{
	struct keyring *kr = NULL;
	char *files[CONFIG_MAX_KEYS];
	unsigned int n_files = 0;
	struct dirent *de;
	DIR *d = NULL;
	int ret;

	kr = calloc(1, sizeof(*kr));
	if (kr)
		kr->key = calloc(CONFIG_MAX_KEYS, sizeof(*kr->key));
	if (!kr || !kr->key) {
		ret = sf_fail_errno(err, SF_ECONFIG, ENOMEM, "loading keyring '%s'", dir);
		goto out;
	}
	d = opendir(dir);
	if (!d) {
		ret = sf_fail_errno(err, SF_ECONFIG, errno, "cannot read keyring '%s'", dir);
		goto out;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!key_name_len(de->d_name))
			continue;
		if (n_files == CONFIG_MAX_KEYS) {
			ret = sf_fail(err, SF_ECONFIG, "keyring '%s' holds more than %d keys", dir, CONFIG_MAX_KEYS);
			goto out;
		}
		files[n_files] = strdup(de->d_name);
		if (!files[n_files]) {
			ret = sf_fail_errno(err, SF_ECONFIG, ENOMEM, "loading keyring '%s'", dir);
			goto out;
		}
		n_files++;
	}
	if (errno) {
		ret = sf_fail_errno(err, SF_ECONFIG, errno, "cannot read keyring '%s'", dir);
		goto out;
	}
	if (!n_files) {
		ret = sf_fail(err, SF_ECONFIG, "keyring '%s' holds no key", dir);
		goto out;
	}
	/* a stable order: messages and "which key verified" do not depend on readdir() */
	qsort(files, n_files, sizeof(files[0]), name_cmp);
	for (unsigned int i = 0; i < n_files; i++) {
		ret = load_one(kr, dirfd(d), dir, files[i], key_name_len(files[i]), err);
		if (ret)
			goto out;
	}
	*out = kr;
	kr = NULL;
	ret = 0;
out:
	while (n_files)
		free(files[--n_files]);
	if (d)
		closedir(d);
	keyring_free(kr);
	return ret;
}

void keyring_free(struct keyring *kr)
{
	if (!kr)
		return;
	for (unsigned int i = 0; i < kr->n; i++)
		mbedtls_pk_free(&kr->key[i].pk);
	free(kr->key);
	free(kr);
}

unsigned int keyring_count(const struct keyring *kr)
{
	return kr ? kr->n : 0;
}

static struct keyring_key *find_key(const struct keyring *kr, const char *name)
{
	for (unsigned int i = 0; kr && i < kr->n; i++)
		if (!strcmp(kr->key[i].name, name))
			return &kr->key[i];
	return NULL;
}

bool keyring_has(const struct keyring *kr, const char *name)
{
	return find_key(kr, name) != NULL;
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
	int ret;

	if (!k)
		return sf_fail(err, SF_EVERIFY, "no key '%s' in the keyring", name);
	if (strcmp(algo, k->algo))
		return sf_fail(err, SF_EVERIFY, "signature algorithm '%s' does not match key '%s' (%s)", algo, name,
			       k->algo);
	/* RSA keys demand PKCS#1 v1.5 ("pkcs-1.5" or no padding property); ECDSA has none */
	if (padding && (!k->rsa || strcmp(padding, "pkcs-1.5")))
		return sf_fail(err, SF_EVERIFY, "padding '%s' does not match key '%s'", padding, name);
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
