/* SPDX-License-Identifier: MIT */
/*
 * fit_create — build and sign a bundle on the host (`slotflip bundle create`).
 *
 * The result has the layout `mkimage -f bundle.its -k KEYDIR -E -p 0x1000` gives:
 * a FIT header padded to a 4 KiB boundary, then each image's data at the next
 * 4 KiB boundary (`data-position` + `data-size`; a delta at the next 8-byte
 * boundary instead, so that a small delta makes a small bundle), each image with a `hash-1`
 * sha256 node, one configuration `conf-1` (made default) listing the images in
 * `loadables` with the board in `compatible`, signed in `signature-1` over the
 * regions U-Boot signs. fit_verify() accepts both kinds alike.
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

/**
 * struct fit_create_opts - the bundle to make
 * @out_path:  where to write it (replaced atomically: written beside, renamed)
 * @board:     the configuration's `compatible`
 * @key_path:  PEM private key
 * @key_name:  `key-name-hint`; NULL: the key file's name without its extension
 * @n_images:  entries in @image, 1..CONFIG_MAX_BUNDLE_IMAGES
 * @image:     the images, in `loadables` order
 */
struct fit_create_opts {
	const char *out_path;
	const char *board;
	const char *key_path;
	const char *key_name;
	unsigned int n_images;
	struct fit_create_image image[CONFIG_MAX_BUNDLE_IMAGES];
};

/**
 * fit_create() - write a signed bundle
 * @o:   what to build
 * @err: failure reason
 *
 * Return: 0; -SF_EUSAGE for invalid metadata (bad component name, version,
 * requires entry, too many images); -SF_ECONFIG for an unreadable or unsupported
 * key; -SF_EIO when an image cannot be read or the output written; -SF_EFAIL
 * when a delta cannot be made.
 */
#ifdef CONFIG_BUNDLE_CREATE
int fit_create(const struct fit_create_opts *o, struct sf_err *err) __attribute__((warn_unused_result));
#else
static inline int fit_create(const struct fit_create_opts *o, struct sf_err *err)
{
	(void)o;
	return sf_fail(err, SF_EUSAGE, "this slotflip was built without bundle creation (CONFIG_BUNDLE_CREATE)");
}
#endif

#endif /* SF_FIT_CREATE_H */
