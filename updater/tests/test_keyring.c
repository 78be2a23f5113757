// SPDX-License-Identifier: MIT
/*
 * keyring_load() and keyring_verify(): which folders and files make a
 * keyring, and that the key record alone decides algorithm, padding and
 * signature length. Certificates are made with openssl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>

#include "fit/keyring.h"
#include "sf_kconfig.h"
#include "tap.h"
#include "tests/support/files.h"
#include "tests/support/fitbuild.h"

static char *dir;

static const char *sub(const char *name)
{
	return tf_path(dir, name);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
}

static void load_fails(const char *folder, int reason, const char *what)
{
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };
	int ret = keyring_load(&kr, folder, &err);

	is_reason(ret, &err, reason, "%s: refused", what);
	keyring_free(kr);
}

static void sign(const struct fb_key *k, const uint8_t digest[32], uint8_t *sig, size_t *len)
{
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;

	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0) ||
	    mbedtls_pk_sign((mbedtls_pk_context *)&k->pk, MBEDTLS_MD_SHA256, digest, 32, sig, len,
			    mbedtls_ctr_drbg_random, &drbg))
		abort();
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
}

/* keyring_verify() accepts (@reason 0) or refuses with @reason. */
static void verify_is(const struct keyring *kr, const char *name, const char *algo, const char *padding,
		      const uint8_t *digest, const uint8_t *sig, size_t len, int reason, const char *what)
{
	struct sf_err err = { 0 };
	int ret = keyring_verify(kr, name, algo, padding, digest, sig, len, &err);

	if (!reason) {
		if (!ok(ret == 0, "%s: verifies", what))
			tap_diag("%s", err.msg);
		return;
	}
	is_reason(ret, &err, reason, "%s: refused", what);
}

/*
 * A valid signature (@sig, @len bytes, with room for one more; @rs a valid
 * r||s) with bytes after it: a value is exactly the modulus' length (RSA) or
 * 64 bytes (ECDSA), never a valid signature followed by anything.
 */
static void verify_lengths(const struct keyring *kr, const uint8_t *digest, uint8_t *sig, size_t len,
			   const uint8_t rs[64])
{
	uint8_t longer[128] = { 0 };

	sig[len] = 0;
	verify_is(kr, "dev", "sha256,rsa2048", NULL, digest, sig, len + 1, SF_R_SIGNATURE,
		  "valid RSA signature and one byte more");
	memcpy(longer, rs, 64);
	verify_is(kr, "ec", "sha256,ecdsa256", NULL, digest, longer, 65, SF_R_SIGNATURE,
		  "valid r||s and one zero byte more");
	memcpy(longer + 64, rs, 64);
	verify_is(kr, "ec", "sha256,ecdsa256", NULL, digest, longer, 128, SF_R_SIGNATURE,
		  "valid r||s twice");
	verify_is(kr, "ec", "sha256,ecdsa256", NULL, digest, longer, 63, SF_R_SIGNATURE,
		  "r||s one byte short");
}

static void test_folders(const struct fb_key *dev)
{
	char cmd[1024];

	load_fails(sub("missing"), SF_R_KEYRING, "missing folder");
	mkdir(sub("empty"), 0755);
	write_text(sub("empty/README"), "no keys here\n");
	write_text(sub("empty/dev.key"), "not a key file name\n");
	load_fails(sub("empty"), SF_R_KEYRING, "folder without NAME.pem");

	mkdir(sub("junk"), 0755);
	write_text(sub("junk/dev.pem"), "-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----\n");
	load_fails(sub("junk"), SF_R_KEYRING, "garbage PEM");

	mkdir(sub("private"), 0755);
	fb_key_write_private(dev, sub("private/dev.pem"));
	load_fails(sub("private"), SF_R_KEYRING, "a private key");

	mkdir(sub("twice"), 0755);
	fb_key_write_public(dev, sub("twice"));
	snprintf(cmd, sizeof(cmd), "cp '%s/twice/dev.pem' '%s/twice/dev.crt'", dir, dir);
	ok(!system(cmd), "dev.pem copied to dev.crt");
	load_fails(sub("twice"), SF_R_KEYRING, "one name in two files");

	mkdir(sub("badname"), 0755);
	fb_key_write_public(dev, sub("badname"));
	snprintf(cmd, sizeof(cmd), "mv '%s/badname/dev.pem' '%s/badname/my key.pem'", dir, dir);
	ok(!system(cmd), "key file renamed");
	load_fails(sub("badname"), SF_R_KEYRING, "blank in a key name");

	mkdir(sub("many"), 0755);
	for (int i = 0; i <= CONFIG_MAX_KEYS; i++) {
		struct fb_key copy = *dev;

		snprintf(copy.name, sizeof(copy.name), "k%d", i);
		fb_key_write_public(&copy, sub("many"));
	}
	load_fails(sub("many"), SF_R_KEYRING, "more than CONFIG_MAX_KEYS keys");

	mkdir(sub("odd"), 0755);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s/odd' && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 2>/dev/null |"
		 " openssl pkey -pubout -out rsa1024.pem",
		 dir);
	ok(!system(cmd), "openssl made an RSA-1024 key");
	load_fails(sub("odd"), SF_R_KEYRING, "RSA-1024");
	unlink(sub("odd/rsa1024.pem"));
	snprintf(cmd, sizeof(cmd),
		 "cd '%s/odd' && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 2>/dev/null |"
		 " openssl pkey -pubout -out p384.pem",
		 dir);
	ok(!system(cmd), "openssl made a P-384 key");
	load_fails(sub("odd"), SF_R_KEYRING, "P-384");
	unlink(sub("odd/p384.pem"));
	snprintf(cmd, sizeof(cmd),
		 "cd '%s/odd' && openssl genpkey -algorithm ED25519 2>/dev/null | openssl pkey -pubout -out ed.pem",
		 dir);
	ok(!system(cmd), "openssl made an Ed25519 key");
	load_fails(sub("odd"), SF_R_KEYRING, "Ed25519");
}

static void test_verify(const struct fb_key *dev, const struct fb_key *ec)
{
	uint8_t digest[32], other[32], sig[1024], esig[256], bad[64];
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };
	size_t len, elen;
	char cmd[1024];

	/* dev as a certificate, ec as a public key */
	mkdir(sub("ring"), 0755);
	fb_key_write_private(dev, sub("dev-private.pem"));
	snprintf(cmd, sizeof(cmd),
		 "openssl req -batch -new -x509 -key '%s/dev-private.pem' -out '%s/ring/dev.crt' -subj /CN=dev",
		 dir, dir);
	ok(!system(cmd), "openssl made a certificate for dev");
	fb_key_write_public(ec, sub("ring"));
	write_text(sub("ring/.hidden.pem"), "ignored\n");
	if (!ok(!keyring_load(&kr, sub("ring"), &err), "certificate and public key load"))
		tap_diag("%s", err.msg);
	is_int(keyring_count(kr), 2, "two keys (hidden files ignored)");
	is_int(keyring_count(NULL), 0, "no keyring, no keys");

	memset(digest, 0x5a, sizeof(digest));
	memset(other, 0xa5, sizeof(other));
	sign(dev, digest, sig, &len);
	sign(ec, digest, esig, &elen);
	is_int(len, 256, "RSA-2048 signature of 256 bytes");

	verify_is(kr, "dev", "sha256,rsa2048", NULL, digest, sig, len, 0, "RSA key from a certificate");
	verify_is(kr, "dev", "sha256,rsa2048", "pkcs-1.5", digest, sig, len, 0, "padding pkcs-1.5");
	verify_is(kr, "dev", "sha256,rsa2048", NULL, other, sig, len, SF_R_SIGNATURE,
		  "other digest");
	verify_is(kr, "dev", "sha256,rsa2048", NULL, digest, sig, len - 1, SF_R_SIGNATURE,
		  "signature one byte short");
	verify_is(kr, "dev", "sha256,rsa2048", "pss", digest, sig, len, SF_R_ALGORITHM,
		  "pss");
	verify_is(kr, "dev", "sha256,rsa4096", NULL, digest, sig, len, SF_R_ALGORITHM, "rsa4096 claimed");
	verify_is(kr, "nobody", "sha256,rsa2048", NULL, digest, sig, len, SF_R_UNKNOWN_KEY,
		  "unknown key");

	/* mbedtls_pk_sign writes ECDSA as DER; FIT wants raw r||s */
	{
		mbedtls_mpi r, s;
		unsigned char *p = esig;
		size_t rlen;

		mbedtls_mpi_init(&r);
		mbedtls_mpi_init(&s);
		/* SEQUENCE { INTEGER r, INTEGER s } */
		ok(p[0] == 0x30, "DER signature");
		p += 2;
		rlen = p[1];
		ok(!mbedtls_mpi_read_binary(&r, p + 2, rlen), "r");
		p += 2 + rlen;
		ok(!mbedtls_mpi_read_binary(&s, p + 2, p[1]), "s");
		ok(!mbedtls_mpi_write_binary(&r, bad, 32) && !mbedtls_mpi_write_binary(&s, bad + 32, 32), "r||s");
		mbedtls_mpi_free(&r);
		mbedtls_mpi_free(&s);
	}
	verify_is(kr, "ec", "sha256,ecdsa256", NULL, digest, bad, 64, 0, "raw r||s ECDSA signature");
	verify_lengths(kr, digest, sig, len, bad);
	verify_is(kr, "ec", "sha256,ecdsa256", NULL, digest, esig, elen, SF_R_SIGNATURE,
		  "DER ECDSA signature refused");
	verify_is(kr, "ec", "sha256,ecdsa256", NULL, other, bad, 64, SF_R_SIGNATURE,
		  "ECDSA over another digest");
	verify_is(kr, "ec", "sha256,ecdsa256", "pkcs-1.5", digest, bad, 64, SF_R_ALGORITHM,
		  "padding on ECDSA");
	verify_is(kr, "ec", "sha256,rsa2048", NULL, digest, bad, 64, SF_R_ALGORITHM, "RSA claimed for EC");
	memset(bad, 0, 32);
	verify_is(kr, "ec", "sha256,ecdsa256", NULL, digest, bad, 64, SF_R_SIGNATURE,
		  "r = 0");
	memset(bad, 0xff, 64);
	verify_is(kr, "ec", "sha256,ecdsa256", NULL, digest, bad, 64, SF_R_SIGNATURE,
		  "r, s beyond the group order");
	keyring_free(kr);
	keyring_free(NULL);
}

/* A configuration without one of the algorithms refuses its keys up front. */
static void test_algorithm_not_built_in(const struct fb_key *dev, const struct fb_key *ec)
{
	mkdir(sub("rsa"), 0755);
	fb_key_write_public(dev, sub("rsa"));
	mkdir(sub("ec"), 0755);
	fb_key_write_public(ec, sub("ec"));
	if (!IS_ENABLED(CONFIG_SIG_RSA))
		load_fails(sub("rsa"), SF_R_KEYRING, "RSA key without CONFIG_SIG_RSA");
	if (!IS_ENABLED(CONFIG_SIG_ECDSA))
		load_fails(sub("ec"), SF_R_KEYRING, "EC key without CONFIG_SIG_ECDSA");
}

int main(void)
{
	struct fb_key dev, ec;

	dir = fb_tmpdir();
	fb_key_gen(&dev, "dev", FB_RSA2048);
	fb_key_gen(&ec, "ec", FB_EC256);
	if (!IS_ENABLED(CONFIG_SIG_RSA) || !IS_ENABLED(CONFIG_SIG_ECDSA)) {
		test_algorithm_not_built_in(&dev, &ec);
		goto out;
	}
	test_folders(&dev);
	test_verify(&dev, &ec);
out:
	fb_key_free(&dev);
	fb_key_free(&ec);
	fb_rmtree(dir);
	free(dir);
	return tap_done();
}
