/* SPDX-License-Identifier: MIT */
/*
 * fit_create — build and sign a bundle on the host (`slotflip bundle create`).
 *
 * The result has the layout `mkimage -f bundle.its -k KEYDIR -E -p 0x1000` gives:
 * a FIT header padded to a 4 KiB boundary, then each image's data at the next
 * 4 KiB boundary (`data-position` + `data-size`; a delta at the next 8-byte
 * boundary instead, so that a small delta makes a small bundle), each image with a `hash-1`
 * sha256 node, one configuration `conf-1` (made default) listing the images in
 * `loadables` with the board in `compatible`, signed over the regions U-Boot
 * signs in `signature-1`, and in `signature-2`... by each further key (the
 * dual signing of a key rotation, docs/keys.md). fit_verify() accepts both
 * kinds alike.
 *
 * Signing uses mbedTLS with a PEM private key: RSA-2048 ("sha256,rsa2048"),
 * RSA-4096 ("sha256,rsa4096", both PKCS#1 v1.5) or EC P-256 ("sha256,ecdsa256",
 * raw r||s).
 */
#ifndef SF_FIT_CREATE_H
#define SF_FIT_CREATE_H

#include <stdint.h>

#include "common/sf_err.h"
#include "fit/fit.h"

/**
 * struct fit_create_image - one component image to put in
 * @path:             file holding the image data
 * @component:        `slotflip,component`
 * @version:          `slotflip,version`
 * @base_version:     `slotflip,base-version`, NULL for a baseline
 * @security_version: `slotflip,security-version`
 * @requires:         NULL, or "comp>=ver" entries separated by ','
 * @delta_from:       NULL, or the image the device runs: the bundle then
 *                    carries the delta from it to @path (delta/delta_file.h)
 *                    and the signed `slotflip,delta*` properties
 */
struct fit_create_image {
	const char *path;
	const char *component;
	const char *version;
	const char *base_version;
	uint32_t security_version;
	const char *requires;
	const char *delta_from;
};

#define FIT_CREATE_KEYS_MAX CONFIG_MAX_SIGNATURES /* signature nodes a verifier looks at */

/**
 * struct fit_create_key - one signing key
 * @path: PEM private key
 * @name: `key-name-hint`; NULL: the key file's name without its extension
 */
struct fit_create_key {
	const char *path;
	const char *name;
};

/**
 * struct fit_create_opts - the bundle to make
 * @out_path:  where to write it (replaced atomically: written beside, renamed)
 * @board:     the configuration's `compatible`
 * @n_keys:    entries in @key, 1..FIT_CREATE_KEYS_MAX
 * @key:       the keys, one signature node each, in this order
 * @n_images:  entries in @image, 1..CONFIG_MAX_BUNDLE_IMAGES
 * @image:     the images, in `loadables` order
 */
struct fit_create_opts {
	const char *out_path;
	const char *board;
	unsigned int n_keys;
	struct fit_create_key key[FIT_CREATE_KEYS_MAX];
	unsigned int n_images;
	struct fit_create_image image[CONFIG_MAX_BUNDLE_IMAGES];
};

/**
 * fit_create() - write a signed bundle
 * @o:   what to build
 * @err: failure reason
 *
 * The metadata must be what fit_verify() accepts: the same rules, from the
 * same functions (common/version.h, common/text.h).
 *
 * Return: 0; -SF_EUSAGE (SF_R_USAGE) for invalid metadata (bad component
 * name, version, patch without its base version, requires entry, board text,
 * too many images or keys, two keys of one name, an empty image, a header
 * over CONFIG_MAX_HEADER_SIZE); -SF_ECONFIG (SF_R_SIGNING_KEY) for an
 * unreadable or unsupported private key; for an image: -SF_ENOINPUT
 * (SF_R_INPUT_NOT_FOUND, SF_R_INPUT_NOT_FILE), -SF_EPERM (SF_R_PERMISSION),
 * -SF_EINPUT (SF_R_INPUT_UNREADABLE, SF_R_INPUT_TRUNCATED when it shrinks
 * while read); -SF_EIO (SF_R_OUTPUT_IO) when the output cannot be written;
 * -SF_EFAIL (SF_R_NO_MEMORY, SF_R_FAILED for hashing and signing); for an
 * image with @delta_from, the errors of delta_file_make() (delta/delta_file.h).
 */
#ifdef CONFIG_BUNDLE_CREATE
int fit_create(const struct fit_create_opts *o, struct sf_err *err) __attribute__((warn_unused_result));
#else
static inline int fit_create(const struct fit_create_opts *o, struct sf_err *err)
{
	(void)o;
	return sf_fail(err, SF_R_USAGE, "this slotflip was built without bundle creation (CONFIG_BUNDLE_CREATE)");
}
#endif

#endif /* SF_FIT_CREATE_H */
