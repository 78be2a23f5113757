/* SPDX-License-Identifier: MIT */
/*
 * fit_internal — the pieces of the FIT module that the verifier, the bundle
 * tool and the tests share. Not part of the library's public API.
 *
 * There is exactly one implementation of "which bytes does a configuration
 * signature cover" (fit_regions() and fit_signed_digest()): fit_verify() checks
 * signatures with it and fit_create() makes them with it.
 *
 * All functions here expect a header that passed fit_check_blob() unless
 * their comment says otherwise: that check bounds every tag, name and
 * property against the real buffer before libfdt's own walker
 * (fdt_next_tag(), which lacks overflow checks in libfdt 1.6.1) touches it.
 */
#ifndef SF_FIT_INTERNAL_H
#define SF_FIT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/sf_err.h"
#include "fit/fit.h"

struct keyring;
struct mbedtls_pk_context;

#define FIT_MAX_DEPTH 32	 /* node nesting, as U-Boot's region finder */
#define FIT_PATH_MAX (FIT_MAX_DEPTH * FIT_NAME_MAX)
#define FIT_HASH_NODES_MAX 4	 /* hash* subnodes looked at per image */
#define FIT_INC_PATH_MAX (2 * FIT_NAME_MAX + 16) /* "/images/IMG/HASH" */
#define FIT_INC_MAX (2 + CONFIG_MAX_BUNDLE_IMAGES * (1 + FIT_HASH_NODES_MAX))
#define FIT_SIG_PREFIX "signature"

/**
 * struct fit_inc - the node paths a configuration signature covers
 * @n:    entries in @path
 * @path: "/", "/configurations/CONF", then per loadable image "/images/IMG"
 *        followed by its "/images/IMG/hash*" subnodes
 * @buf:  storage of the strings @path points into
 */
struct fit_inc {
	unsigned int n;
	const char *path[FIT_INC_MAX];
	char buf[FIT_INC_MAX][FIT_INC_PATH_MAX];
};

/**
 * fit_check_blob() - structural checks of an untrusted header
 * @fit:  the header; must be 8-byte aligned (libfdt demands it)
 * @size: bytes in @fit
 * @err:  failure reason
 *
 * Checks, in this order and without trusting any field: the FDT header
 * (magic, version, totalsize == @size, blocks inside the buffer, empty memory
 * reservation map); every tag of the structure block by its own bounds
 * (names and property values inside the block, property names inside the
 * strings block); a single root node with an empty name, nesting of at most
 * FIT_MAX_DEPTH, no property after a subnode, node names of
 * [A-Za-z0-9,._+-] only (so no '@' unit address and no '/'); then
 * fdt_check_full(); then no two sibling nodes and no two properties of a node
 * with the same name.
 *
 * Return: 0 or -SF_EVERIFY ("header is truncated: N of M bytes", "node
 * '/images/a@1' has a unit address", "header has more than one root node",
 * "node '/images' has two subnodes named 'a'", ...).
 */
int fit_check_blob(const void *fit, size_t size, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * fit_regions() - the regions of the structure block a signature covers
 * @fit:       a checked header
 * @inc:       node paths whose properties are included (see U-Boot's
 *             fdt_find_regions(): their parents' begin/end tags come along)
 * @n_inc:     entries in @inc
 * @emit:      called once per region, in order, with absolute offsets into
 *             @fit; adjacent regions are merged first; a non-zero return
 *             stops the walk and is returned
 * @priv:      passed to @emit
 * @names_end: out: the highest (nameoff + strlen + 1) of any included
 *             property name, 0 when none was included
 * @err:       failure reason
 *
 * The properties "data", "data-size", "data-position" and "data-offset" are
 * never included. The last region ends after the FDT_END tag; the strings
 * region (hashed-strings) is not emitted: fit_signed_digest() adds it.
 *
 * Return: 0, the non-zero value of @emit, or -SF_EVERIFY for a tree the walk
 * cannot accept (too deep, a second root, a path too long).
 */
int fit_regions(const void *fit, const char *const inc[], unsigned int n_inc,
		int (*emit)(void *priv, size_t offset, size_t size), void *priv, uint32_t *names_end,
		struct sf_err *err) __attribute__((warn_unused_result));

/**
 * fit_config_inc() - rebuild the signed node list of a configuration
 * @fit:  a checked header
 * @conf: offset of the configuration node
 * @inc:  out: the list
 * @err:  failure reason
 *
 * Uses the configuration's `loadables` only (never `hashed-nodes`). Refuses
 * other image references (kernel, fdt, ramdisk, ...), more than
 * CONFIG_MAX_BUNDLE_IMAGES loadables, duplicate or missing images, and images
 * without a hash* subnode or with more than FIT_HASH_NODES_MAX of them.
 *
 * Return: 0 or -SF_EVERIFY.
 */
int fit_config_inc(const void *fit, int conf, struct fit_inc *inc, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * fit_signed_digest() - SHA-256 of what a configuration signature covers
 * @fit:          a checked header
 * @inc:          the node list (fit_config_inc(), or any list in tests)
 * @strings_size: the hashed-strings size; must not exceed the strings block
 * @digest:       out
 * @names_end:    out: as fit_regions()
 * @err:          failure reason
 *
 * Return: 0 or -SF_EVERIFY.
 */
int fit_signed_digest(const void *fit, const struct fit_inc *inc, uint32_t strings_size,
		      uint8_t digest[SHA256_LEN], uint32_t *names_end, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * fit_read_delta() - a delta image's signed properties (fit_delta.c)
 * @fit:  a checked header
 * @img:  a signed image node
 * @what: the image as messages name it ("image 'webkit-1'")
 * @out:  filled; all zero (format "") for an image without delta properties
 * @err:  failure reason
 *
 * A delta image has `slotflip,delta` (a format this build reads) and all of
 * `slotflip,delta-source-size`, `-source-sha256`, `-target-size` and
 * `-target-sha256`: sizes of one or two cells, 1 byte to
 * CONFIG_MAX_IMAGE_SIZE_MIB MiB, sha256 values of 32 bytes.
 *
 * Return: 0 or -SF_EVERIFY ("image 'a': slotflip,delta 'xd3' is not a delta
 * format this slotflip reads (sfdelta-1)", "image 'a': a delta image needs
 * slotflip,delta-target-size", "image 'a': slotflip,delta-source-size is 2
 * bytes, expected 4 or 8", "... is 0", "... exceeds the limit of 4095 MiB",
 * "image 'a': slotflip,delta-target-sha256 is 31 bytes, expected 32", "image
 * 'a': slotflip,delta-source-size without slotflip,delta").
 */
int fit_read_delta(const void *fit, int img, const char *what, struct fit_delta *out, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * fit_get_string() - a string property that must be NUL-terminated
 * @fit:      a checked header
 * @node:     node offset
 * @prop:     property name
 * @what:     the node as the message should name it ("image 'webkit-1'")
 * @required: whether a missing property is an error
 * @out:      out: the string, NULL when absent and not required
 * @err:      failure reason
 *
 * Return: 0 or -SF_EVERIFY ("image 'a': slotflip,version is not a
 * NUL-terminated string").
 */
int fit_get_string(const void *fit, int node, const char *prop, const char *what, bool required,
		   const char **out, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * fit_stringlist_valid() - a property is a list of non-empty NUL-terminated strings
 * @data: property value
 * @len:  its length
 *
 * Return: the number of strings, or -1 when the value is not such a list.
 */
int fit_stringlist_valid(const char *data, int len) __attribute__((warn_unused_result));

/**
 * fit_stringlist_has() - whether a checked string list holds @s
 */
bool fit_stringlist_has(const char *data, int len, const char *s);

/**
 * fit_name_valid() - a node name as slotflip accepts it
 * @s:   the name (need not be NUL-terminated)
 * @len: its length
 *
 * Return: true for 1..FIT_NAME_MAX-1 characters of [A-Za-z0-9,._+-]: no '@'
 * unit address, no '/', nothing libfdt's name lookups could match loosely.
 */
bool fit_name_valid(const char *s, size_t len);

/**
 * fit_sanitize() - a copy of untrusted text that is safe to put in a message
 * @dst:    receives at most @dst_size - 1 characters and a NUL
 * @dst_size: room in @dst (at least 1)
 * @src:    the text
 * @len:    bytes of @src to copy at most; a NUL ends it earlier
 *
 * Return: @dst, with every byte outside printable ASCII replaced by '?'.
 */
const char *fit_sanitize(char *dst, size_t dst_size, const char *src, size_t len);

/**
 * fit_pk_algo() - the FIT signature algorithm a key demands
 * @pk: a parsed public or private key
 *
 * Return: "sha256,rsa2048", "sha256,rsa4096", "sha256,ecdsa256", or NULL for
 * any other key (other RSA sizes, other curves, other types).
 */
const char *fit_pk_algo(const struct mbedtls_pk_context *pk);

/*
 * The keyring as the verifier sees it: keys by index (0..keyring_count()-1)
 * and the policy in force (keyring.h).
 */

/** keyring_index() - index of the key named @name, -1 when there is none */
int keyring_index(const struct keyring *kr, const char *name);

/** keyring_name() - name of key @idx */
const char *keyring_name(const struct keyring *kr, unsigned int idx);

/** keyring_required() - whether key @idx must (or, in mode "any", may) sign */
bool keyring_required(const struct keyring *kr, unsigned int idx);

/** keyring_revoked() - whether key @idx is revoked: its signatures never count */
bool keyring_revoked(const struct keyring *kr, unsigned int idx);

/** keyring_n_required() - how many keys are required; 0: any key suffices */
unsigned int keyring_n_required(const struct keyring *kr);

/** keyring_mode_any() - one required key suffices (else every one must sign) */
bool keyring_mode_any(const struct keyring *kr);

#endif /* SF_FIT_INTERNAL_H */
