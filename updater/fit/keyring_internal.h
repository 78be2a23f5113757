/* SPDX-License-Identifier: MIT */
/*
 * keyring_internal — the keyring's record, shared by keyring.c (folders, PEM
 * keys, policy, verification) and keyring_dtb.c (U-Boot key blobs, parsed
 * into key records that keyring.c adopts). Not part of the library's public
 * API.
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
 * keyring_dtb_parse() - the keys of a U-Boot key blob, as key records
 * @blob:  the file's bytes
 * @size:  bytes in @blob (at most KEYRING_DTB_MAX)
 * @where: "keyring 'DIR': 'FILE'", for messages
 * @out:   room for @room records; on success the first *@n hold a name, the
 *         public key (@pk, released by the caller) and @blob_required, and
 *         nothing else; on failure none is left initialised
 * @room:  records in @out
 * @n:     out: records filled
 * @mode:  out: /signature's `required-mode`, KEYRING_MODE_UNSET when absent
 * @err:   failure reason
 *
 * Every node under /signature must be a key of a supported kind. RSA keys
 * (`rsa,num-bits` 2048 or 4096, `rsa,modulus`, `rsa,exponent`, and the
 * Montgomery values `rsa,r-squared` and `rsa,n0-inverse` U-Boot computes
 * with, which must agree with the modulus); ECDSA keys (`ecdsa,curve` =
 * "prime256v1", 32-byte `ecdsa,x-point` and `ecdsa,y-point`, a point on the
 * curve). A key is named after its node ("key-NAME", or "NAME" as mkimage
 * 2023.01 names ECDSA keys). An `algo` property must match the key; a
 * `key-name-hint` property must match the name; `required` must be "conf" or
 * "image" (both make the key required: slotflip checks configuration
 * signatures only, which cover the images through their hashes).
 * /signature's `required-mode` must be "all" or "any". The names are not
 * checked here: the keyring checks every key's name alike.
 *
 * Return: 0; -SF_ECONFIG with SF_R_KEYRING naming the file, node and property
 * at fault (also for more keys than @room); -SF_EFAIL (SF_R_NO_MEMORY).
 */
int keyring_dtb_parse(const void *blob, size_t size, const char *where, struct keyring_key *out, unsigned int room,
		      unsigned int *n, enum keyring_mode *mode, struct sf_err *err) __attribute__((warn_unused_result));

#endif /* SF_KEYRING_INTERNAL_H */
