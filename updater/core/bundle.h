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
 * CONFIG_MAX_HEADER_SIZE before anything is allocated (fit_header_size()).
 *
 * Before a header is verified, an input that ends early is no bundle: nothing
 * says more is coming (exit 9 is for data a verified header describes).
 *
 * Return: 0; -SF_EVERIFY with SF_R_NOT_A_BUNDLE (fewer than FIT_PROBE_SIZE
 * bytes, or no FIT magic), SF_R_MALFORMED (the input ends inside the header,
 * or fit_header_size()'s) or SF_R_LIMIT; -SF_EINPUT with
 * SF_R_INPUT_UNREADABLE; -SF_EINTR with SF_R_INTERRUPTED (src_read());
 * -SF_EFAIL with SF_R_NO_MEMORY.
 */
int bundle_read_header(struct src *src, void **header, size_t *size, struct sf_err *err)
	__attribute__((warn_unused_result));

/** bundle_data_order() - fit_data_order(), under its former name */
static inline void bundle_data_order(const struct fit_bundle *b, unsigned int order[])
{
	fit_data_order(b, order);
}

/**
 * bundle_check_payloads() - each image's data against its signed hash
 * @src:    the stream, after the header
 * @b:      a verified header
 * @engine: SHA-256 engine for the image data
 * @err:    failure reason
 *
 * Reads forward, in data order, in bounded memory.
 *
 * Return: 0; the errors of src_skip_to() and src_read(); -SF_EVERIFY with
 * SF_R_HASH_MISMATCH (fit_image_check_digest()); -SF_EFAIL with SF_R_FAILED
 * or SF_R_NO_MEMORY.
 */
int bundle_check_payloads(struct src *src, const struct fit_bundle *b, enum sha256_engine engine,
			  struct sf_err *err) __attribute__((warn_unused_result));

/**
 * bundle_verify() - verify a whole bundle: header, signature, and each image's
 * data against its signed hash, in bounded memory
 * @src:    the stream
 * @keys:   trusted keys
 * @engine: SHA-256 engine for the image data
 * @out:    the verified header
 * @err:    failure reason
 *
 * Return: 0; the errors of bundle_read_header(), fit_verify() (with
 * src->size as the file size) and bundle_check_payloads().
 */
int bundle_verify(struct src *src, const struct keyring *keys, enum sha256_engine engine, struct fit_bundle *out,
		  struct sf_err *err) __attribute__((warn_unused_result));

#endif /* SF_BUNDLE_H */
