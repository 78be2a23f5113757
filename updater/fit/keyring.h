/* SPDX-License-Identifier: MIT */
/*
 * keyring — the trusted public keys, a folder of NAME.pem files.
 *
 * A key's name is its file name without ".pem"; a bundle's signature names the key
 * it was made with in `key-name-hint`. The key record decides the algorithm
 * ("sha256,rsa2048", "sha256,rsa4096", "sha256,ecdsa256") and the RSA padding
 * (PKCS#1 v1.5); a signature claiming anything else is refused.
 *
 * Keys are loaded once, up front: no path is ever built from a bundle's bytes.
 */
#ifndef SF_KEYRING_H
#define SF_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "common/sf_err.h"

struct keyring;

/**
 * keyring_load() - load every NAME.pem of a folder
 * @out: the keyring, to be released with keyring_free()
 * @dir: the folder
 * @err: failure reason
 *
 * Return: 0; -SF_ECONFIG when the folder cannot be read, a file is not a PEM
 * public key (or certificate) of a supported type, there are more than
 * CONFIG_MAX_KEYS keys, or there is no key at all ("keyring 'DIR' holds no key":
 * no key means no bundle verifies, so it is refused up front).
 */
int keyring_load(struct keyring **out, const char *dir, struct sf_err *err) __attribute__((warn_unused_result));

/** keyring_free() - release a keyring; NULL is accepted */
void keyring_free(struct keyring *kr);

/** keyring_count() - number of keys */
unsigned int keyring_count(const struct keyring *kr);

/**
 * keyring_verify() - check one signature with one named key
 * @kr:      the keyring
 * @name:    key name (`key-name-hint`)
 * @algo:    the signature's `algo` string
 * @padding: the signature's `padding`, or NULL when it has none
 * @digest:  SHA-256 of the signed data
 * @sig:     the signature (`value`): PKCS#1 v1.5 for RSA, raw r||s for ECDSA
 * @sig_len: bytes in @sig
 * @err:     failure reason
 *
 * Return: 0 only when the signature is valid; -SF_EVERIFY otherwise, with one of
 * "no key 'NAME' in the keyring", "signature algorithm 'A' does not match key
 * 'NAME' (B)", "padding 'P' does not match key 'NAME'", "signature does not
 * verify with key 'NAME'".
 */
int keyring_verify(const struct keyring *kr, const char *name, const char *algo, const char *padding,
		   const uint8_t digest[32], const uint8_t *sig, size_t sig_len, struct sf_err *err)
	__attribute__((warn_unused_result));

#endif /* SF_KEYRING_H */
