/* SPDX-License-Identifier: MIT */
/*
 * bundle — a whole bundle from a stream, for the host commands (`bundle verify`,
 * `bundle info`) and the install pipeline: the same header reader and the same
 * verifier the device uses.
 */
#ifndef SF_BUNDLE_H
#define SF_BUNDLE_H

#include <stddef.h>

#include "common/sf_err.h"
#include "common/sha256.h"
#include "fit/fit.h"
#include "io/src.h"

/**
 * bundle_read_header() - read the FIT header from the start of a stream
 * @src:    positioned at the bundle's first byte
 * @header: out: the header, malloc'd; free() it
 * @size:   out: its size
 * @err:    failure reason
 *
 * The size comes from the header's totalsize, checked against
 * CONFIG_MAX_HEADER_SIZE before anything is allocated.
 *
 * Return: 0, -SF_EVERIFY (not a FIT, too large, truncated) or -SF_EIO.
 */
int bundle_read_header(struct src *src, void **header, size_t *size, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * bundle_data_order() - image indexes of @b in the order their data lies in the
 * bundle (a stream can only be read forward)
 * @b:     a verified header
 * @order: out: b->n_images indexes
 */
void bundle_data_order(const struct fit_bundle *b, unsigned int order[]);

/**
 * bundle_verify() - verify a whole bundle: header, signature, and each image's
 * data against its signed hash, in bounded memory
 * @src:    the stream
 * @keys:   trusted keys
 * @engine: SHA-256 engine for the image data
 * @out:    the verified header
 * @err:    failure reason
 *
 * Return: 0, -SF_EVERIFY or -SF_EIO.
 */
int bundle_verify(struct src *src, const struct keyring *keys, enum sha256_engine engine, struct fit_bundle *out,
		  struct sf_err *err) __attribute__((warn_unused_result));

#endif /* SF_BUNDLE_H */
