/* SPDX-License-Identifier: MIT */
/*
 * keyring_internal — the keyring's record, shared by keyring.c (folders, PEM
 * keys, policy, verification) and keyring_dtb.c (U-Boot key blobs). Not part
 * of the library's public API; the verifier reaches the policy through the
 * keyring_*() queries of fit_internal.h.
 */
#ifndef SF_KEYRING_INTERNAL_H
#define SF_KEYRING_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <mbedtls/pk.h>

#include "common/sf_err.h"
#include "fit/keyring.h"

#define KEYRING_DTB_MAX ((size_t)512 * 1024) /* a U-Boot control DTB is well below this */

/**
 * struct keyring_key - one trusted key
 * @name:         the name a signature's `key-name-hint` gives
 * @algo:         the one FIT algorithm it verifies (fit_pk_algo())
 * @rsa:          an RSA key (PKCS#1 v1.5); else ECDSA
 * @blob_required: a key blob marks it `required`
 * @required:     the policy in force requires it
 * @revoked:      the policy in force revokes it
 * @pk:           the public key
 */
struct keyring_key {
	char name[KEYRING_NAME_MAX];
	const char *algo;
	bool rsa;
	bool blob_required;
	bool required;
	bool revoked;
	mbedtls_pk_context pk;
};

/**
 * struct keyring - the keys and the policy in force
 * @dir:        the folder, for messages
 * @n:          keys in @key
 * @key:        CONFIG_MAX_KEYS entries
 * @blob_mode:  `required-mode` of the key blobs (KEYRING_MODE_UNSET if none says)
 * @mode:       the mode in force, KEYRING_MODE_ALL or KEYRING_MODE_ANY
 * @n_required: keys with @required set
 */
struct keyring {
	char dir[256];
	unsigned int n;
	struct keyring_key *key;
	enum keyring_mode blob_mode;
	enum keyring_mode mode;
	unsigned int n_required;
};

/**
 * keyring_add() - the next free key record, its name set and checked
 * @kr:   the keyring
 * @name: the key name (need not be NUL-terminated)
 * @len:  its length
 * @what: where the name comes from, for messages ("'dev.pem'")
 * @out:  out: the record, whose @pk is initialised and is released by
 *        keyring_free() from now on
 * @err:  failure reason
 *
 * Return: 0 or -SF_ECONFIG (invalid name, defined twice, more than
 * CONFIG_MAX_KEYS keys).
 */
int keyring_add(struct keyring *kr, const char *name, size_t len, const char *what, struct keyring_key **out,
		struct sf_err *err) __attribute__((warn_unused_result));

/**
 * keyring_classify() - set a new key's algorithm, refusing unsupported keys
 * Return: 0 or -SF_ECONFIG.
 */
int keyring_classify(const struct keyring *kr, struct keyring_key *k, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * keyring_dtb_load() - add the keys of a U-Boot key blob
 * @kr:   the keyring
 * @blob: the file's bytes
 * @size: bytes in @blob (at most KEYRING_DTB_MAX)
 * @file: its name, for messages
 * @err:  failure reason
 *
 * Every node under /signature must be a key of a supported kind. RSA keys
 * (`rsa,num-bits` 2048 or 4096, `rsa,modulus`, `rsa,exponent`, and the
 * Montgomery values `rsa,r-squared` and `rsa,n0-inverse` U-Boot computes
 * with, which must agree with the modulus); ECDSA keys (`ecdsa,curve` =
 * "prime256v1", 32-byte `ecdsa,x-point` and `ecdsa,y-point`, a point on the
 * curve). An `algo` property must match the key; a `key-name-hint` property
 * must match the node's name; `required` must be "conf" or "image" (both make
 * the key required: slotflip checks configuration signatures only, which
 * cover the images through their hashes). /signature's `required-mode` must
 * be "all" or "any".
 *
 * Return: 0 or -SF_ECONFIG naming the file, node and property at fault.
 */
int keyring_dtb_load(struct keyring *kr, const void *blob, size_t size, const char *file, struct sf_err *err)
	__attribute__((warn_unused_result));

#endif /* SF_KEYRING_INTERNAL_H */
