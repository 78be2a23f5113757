/* SPDX-License-Identifier: MIT */
/*
 * keyring — the trusted public keys, and which of them a bundle must be
 * signed with.
 *
 * A keyring is a folder. Each file in it is one of:
 *  - NAME.pem: a PEM public key, or a PEM X.509 certificate;
 *  - NAME.crt: a PEM X.509 certificate;
 *  - FILE.dtb: a U-Boot key blob as `mkimage -K FILE.dtb` writes it (or a
 *    U-Boot control DTB): every node under /signature is one key, named after
 *    the node ("key-NAME", or "NAME" as mkimage 2023.01 writes ECDSA keys),
 *    so that one key set serves U-Boot's verified boot and slotflip.
 * A bundle's signature names the key it was made with in `key-name-hint`.
 * The key record decides the algorithm ("sha256,rsa2048", "sha256,rsa4096",
 * "sha256,ecdsa256") and the RSA padding (PKCS#1 v1.5); a signature claiming
 * anything else is refused.
 *
 * Policy (struct keyring_policy, from the system description, plus the
 * `required` properties of key blobs): by default one valid signature by any
 * key of the keyring suffices. With required keys, a bundle needs a valid
 * signature by each of them (mode "all", the default, as U-Boot) or by one of
 * them (mode "any"); signatures by other keys then count for nothing. A
 * revoked key's signatures never count, whatever else the bundle carries.
 * The verifier checks each signature with keyring_verify() and leaves the
 * decision to keyring_accept().
 *
 * Keys are loaded once, up front: no path is ever built from a bundle's bytes.
 */
#ifndef SF_KEYRING_H
#define SF_KEYRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sf_err.h"
#include "sf_kconfig.h"

#define KEYRING_NAME_MAX 64 /* key names, including NUL (FIT_NAME_MAX) */

struct keyring;

/** enum keyring_mode - how many required keys must sign */
enum keyring_mode {
	KEYRING_MODE_UNSET = 0, /* not said: "all" unless a key blob says "any" */
	KEYRING_MODE_ALL,	/* every required key */
	KEYRING_MODE_ANY,	/* at least one required key */
};

/**
 * struct keyring_policy - the system description's say on keys
 * @mode:       `slotflip,required-mode`
 * @n_required: entries in @required (`slotflip,required-keys`)
 * @n_revoked:  entries in @revoked (`slotflip,revoked-keys`)
 * @required:   key names
 * @revoked:    key names
 */
struct keyring_policy {
	enum keyring_mode mode;
	unsigned int n_required;
	unsigned int n_revoked;
	char required[CONFIG_MAX_KEYS][KEYRING_NAME_MAX];
	char revoked[CONFIG_MAX_KEYS][KEYRING_NAME_MAX];
};

/**
 * keyring_load() - load every key file of a folder
 * @out: the keyring, to be released with keyring_free()
 * @dir: the folder
 * @err: failure reason
 *
 * The `required` keys and the `required-mode` of key blobs apply at once, as
 * keyring_set_policy() would merge them with an empty policy.
 *
 * Return: 0; -SF_ECONFIG (SF_R_KEYRING) when the folder cannot be read, a file
 * is not a PEM public key (or certificate) of a supported type or a valid key
 * blob, a key name is defined twice, there are more than CONFIG_MAX_KEYS keys,
 * or there is no key at all ("keyring 'DIR' holds no key": no key means no
 * bundle verifies, so it is refused up front); -SF_EPERM (SF_R_PERMISSION)
 * when the folder or a file may not be read; -SF_EFAIL (SF_R_NO_MEMORY).
 */
int keyring_load(struct keyring **out, const char *dir, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * keyring_set_policy() - apply the system description's key policy
 * @kr:  a loaded keyring
 * @p:   the policy; NULL means none (only the key blobs' own `required`)
 * @err: failure reason
 *
 * The required keys are those of @p and those a key blob marks `required`;
 * the mode is @p's, else the key blobs', else "all". Fails closed: a required
 * or revoked name that is not in the keyring, a key both required and revoked,
 * a mode given without required keys, modes that contradict each other, more
 * required keys than CONFIG_MAX_SIGNATURES in mode "all" (no bundle could
 * satisfy it) and a keyring whose every key is revoked are configuration
 * errors. On failure the previous policy stays.
 *
 * Return: 0 or -SF_ECONFIG with SF_R_KEYRING ("required key 'x' is not in
 * keyring 'DIR'").
 */
int keyring_set_policy(struct keyring *kr, const struct keyring_policy *p, struct sf_err *err)
	__attribute__((warn_unused_result));

/** keyring_free() - release a keyring; NULL is accepted */
void keyring_free(struct keyring *kr);

/** keyring_count() - number of keys */
unsigned int keyring_count(const struct keyring *kr);

/**
 * keyring_check_claim() - what a signature claims about its key, checked
 * before any cryptography
 * @kr:      the keyring
 * @name:    key name (`key-name-hint`)
 * @algo:    the signature's `algo`; NULL: check the name only
 * @padding: the signature's `padding`, or NULL when it has none
 * @err:     failure reason
 *
 * Return: 0 or -SF_EVERIFY with SF_R_UNKNOWN_KEY, SF_R_KEY_POLICY (revoked)
 * or SF_R_ALGORITHM, as keyring_verify().
 */
int keyring_check_claim(const struct keyring *kr, const char *name, const char *algo, const char *padding,
			struct sf_err *err) __attribute__((warn_unused_result));

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
 * keyring_check_claim() first; a revoked key verifies nothing; the rest of
 * the policy is keyring_accept()'s.
 *
 * Return: 0 only when the signature is valid; -SF_EVERIFY otherwise, with the
 * reason SF_R_UNKNOWN_KEY ("no key 'NAME' in the keyring"), SF_R_KEY_POLICY
 * ("key 'NAME' is revoked"), SF_R_ALGORITHM ("signature algorithm 'A' does
 * not match key 'NAME' (B)", "padding 'P' does not match key 'NAME'") or
 * SF_R_SIGNATURE ("signature does not verify with key 'NAME'").
 */
int keyring_verify(const struct keyring *kr, const char *name, const char *algo, const char *padding,
		   const uint8_t digest[32], const uint8_t *sig, size_t sig_len, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * struct keyring_verdict - the key a verified bundle is reported as signed with
 * @key:  its name (the keyring's string)
 * @algo: its algorithm ("sha256,rsa2048", ...)
 */
struct keyring_verdict {
	const char *key;
	const char *algo;
};

/**
 * keyring_accept() - the key policy's decision: do these signatures suffice?
 * @kr:      the keyring
 * @signers: names of the keys whose signature keyring_verify() accepted, in
 *           signature order
 * @n:       entries in @signers
 * @out:     on success: the first signer that counts
 * @err:     failure reason
 *
 * Signatures count when their key is not revoked and, once any key is
 * required, only when their key is required. The policy holds with one
 * counting signature, unless the mode is "all": then every required key must
 * have signed.
 *
 * Return: 0; -SF_EVERIFY with SF_R_KEY_POLICY ("no signature by required key
 * 'k' (required-mode "all": 1 of 2 present)", "signed only by key 'k', which
 * is not a required key (all of 'a', 'b')"), or with SF_R_UNSIGNED when
 * @n is 0.
 */
int keyring_accept(const struct keyring *kr, const char *const signers[], unsigned int n,
		   struct keyring_verdict *out, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * keyring_counts() - whether a valid signature by key @name would count
 * toward keyring_accept()'s decision (false for a name not in the keyring)
 */
bool keyring_counts(const struct keyring *kr, const char *name);

#endif /* SF_KEYRING_H */
