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
 * property against the real buffer (fit_walk()) before libfdt's own walker
 * (fdt_next_tag(), which lacks overflow checks in libfdt 1.6.1) touches it.
 *
 * The verifier is split by capability: fit_walk.c (the header fields and the
 * one bounded tree walk), fit_check.c (structure rules), fit_region.c (what a
 * signature covers), fit_prop.c (property readers), fit_sig.c (signature
 * nodes), fit_layout.c (data placement), fit_meta.c (slotflip metadata) and
 * fit.c (the order of the checks).
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
#define FIT_META_PREFIX "slotflip,"

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
 * Return: 0; -SF_EVERIFY with SF_R_NOT_A_BUNDLE (no FDT magic),
 * SF_R_LIMIT (totalsize over CONFIG_MAX_HEADER_SIZE, nesting), SF_R_MALFORMED
 * (everything else, a header cut short included: "node '/images/a@1' has a
 * unit address", "header has more than one root node", "node '/images' has
 * two subnodes named 'a'", ...); -SF_EFAIL (SF_R_NO_MEMORY).
 */
int fit_check_blob(const void *fit, size_t size, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * fit_check_header() - the FDT header fields of an untrusted header
 * @fit:  the header
 * @size: bytes in @fit
 * @err:  failure reason
 *
 * fit_header_size()'s checks, then: totalsize == @size, FDT version 17, the
 * structure and strings blocks inside the header and apart, an empty memory
 * reservation map.
 *
 * Return: 0, or the errors of fit_check_blob() but SF_R_NO_MEMORY.
 */
int fit_check_header(const void *fit, size_t size, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * struct fit_tag - one tag of the structure block, as fit_walk() reports it
 * @tag:      FDT_BEGIN_NODE, FDT_PROP, FDT_NOP, FDT_END_NODE or FDT_END
 * @offset:   of the tag in the structure block
 * @next:     of the tag after it (bounded by the block)
 * @depth:    of the node the tag opens, is in, or closes (the root is 0)
 * @path:     that node's path ("/", "/images/webkit-1"); for FDT_BEGIN_NODE
 *            it ends with the new node's name
 * @name:     FDT_BEGIN_NODE: the node's name (@name_len bytes, not checked
 *            beyond its length); FDT_PROP: the property's name, a string
 *            inside the strings block
 * @name_len: length of @name, below FIT_NAME_MAX for a node
 * @nameoff:  FDT_PROP: offset of the name in the strings block
 * @len:      FDT_PROP: length of the value
 * @value:    FDT_PROP: the value, @len bytes inside the structure block
 */
struct fit_tag {
	uint32_t tag;
	size_t offset;
	size_t next;
	int depth;
	const char *path;
	const char *name;
	size_t name_len;
	uint32_t nameoff;
	uint32_t len;
	const void *value;
};

/** fit_walk_fn - called by fit_walk() for each tag; non-zero stops the walk */
typedef int (*fit_walk_fn)(void *priv, const struct fit_tag *t, struct sf_err *err);

/**
 * fit_walk() - the one walk over an untrusted structure block
 * @fit:  the header
 * @size: bytes in @fit
 * @fn:   called for each tag, in order, once its bounds are checked
 * @priv: passed to @fn
 * @err:  failure reason
 *
 * Checks the header fields first (those of fit_check_header() but the size
 * limits, so that a test's signer walks any header), then each tag before
 * @fn sees it: names and values inside their blocks, nodes nested at most
 * FIT_MAX_DEPTH deep with names shorter than FIT_NAME_MAX (so @path always
 * fits), an unnamed root, properties inside a node, balanced nodes, one root,
 * FDT_END last. Nothing else (name characters, twins) is judged here.
 *
 * Return: 0, the non-zero value of @fn, or the errors of fit_check_header()
 * and SF_R_MALFORMED / SF_R_LIMIT for a tag out of bounds or out of place.
 */
int fit_walk(const void *fit, size_t size, fit_walk_fn fn, void *priv, struct sf_err *err)
	__attribute__((warn_unused_result));

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
 * Return: 0, the non-zero value of @emit, or the errors of fit_walk().
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
 * Return: 0 or -SF_EVERIFY with SF_R_LIMIT (too many images or hash nodes)
 * or SF_R_MALFORMED.
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
 * Return: 0; -SF_EVERIFY with SF_R_MALFORMED (@strings_size beyond the
 * strings block) or the errors of fit_walk(); -SF_EFAIL (SF_R_FAILED) when
 * SHA-256 fails.
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
 * Return: 0 or -SF_EVERIFY with SF_R_LIMIT (a size over the limit) or
 * SF_R_METADATA (any other) ("image 'a': slotflip,delta 'xd3' is not a delta
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
 * NUL-terminated string") with the reason the property's kind gives:
 * SF_R_METADATA for `slotflip,*` and `compatible`, SF_R_LAYOUT for `data*`,
 * SF_R_MALFORMED for the rest.
 */
int fit_get_string(const void *fit, int node, const char *prop, const char *what, bool required,
		   const char **out, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * fit_get_u32() - a property of one 32-bit cell
 * @fit, @node, @prop, @what, @required: as fit_get_string()
 * @found: out, may be NULL: whether the property is there
 * @val:   out: its value
 * @err:   failure reason
 *
 * Return: 0 or -SF_EVERIFY, with the reasons of fit_get_string().
 */
int fit_get_u32(const void *fit, int node, const char *prop, const char *what, bool required, bool *found,
		uint32_t *val, struct sf_err *err) __attribute__((warn_unused_result));

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
 * fit_pk_algo() - the FIT signature algorithm a key demands
 * @pk: a parsed public or private key
 *
 * Return: "sha256,rsa2048", "sha256,rsa4096", "sha256,ecdsa256", or NULL for
 * any other key (other RSA sizes, other curves, other types).
 */
const char *fit_pk_algo(const struct mbedtls_pk_context *pk);

/**
 * fit_image_data() - an image's data placement: `data-size` and exactly one of
 * `data-position` (absolute) or `data-offset` (from the header's end rounded
 * up to 4 bytes)
 * @fit:  a checked header
 * @img:  the image node
 * @what: "image 'NAME'", for messages
 * @im:   out: data_offset and data_size
 * @err:  failure reason
 *
 * Return: 0 or -SF_EVERIFY with SF_R_LAYOUT (embedded data, both or neither
 * placement, a size of 0) or SF_R_LIMIT (over CONFIG_MAX_IMAGE_SIZE_MIB).
 */
int fit_image_data(const void *fit, int img, const char *what, struct fit_image *im, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * fit_layout_check() - the data of all images, as a stream reads it
 * @b:   header_size and each image's data placement filled in
 * @err: failure reason
 *
 * In the order of their offsets, each image's data must start at or after
 * the end of the header (for the first) or of the image before, and at the
 * latest at the next FIT_DATA_ALIGN_MAX boundary after it: no overlap, and no
 * gap larger than an alignment mkimage produces (DESIGN §3).
 *
 * Return: 0 or -SF_EVERIFY with SF_R_LAYOUT.
 */
int fit_layout_check(const struct fit_bundle *b, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * fit_layout_in_file() - whether the bundle holds every byte its header places
 * @b:         a header whose layout fit_layout_check() accepted
 * @file_size: the bundle's size, FIT_SIZE_UNKNOWN for a stream (always 0)
 * @err:       failure reason
 *
 * Return: 0 or -SF_EINPUT with SF_R_INPUT_TRUNCATED ("bundle is truncated:
 * image 'a' needs N bytes, the file has M").
 */
int fit_layout_in_file(const struct fit_bundle *b, uint64_t file_size, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * fit_sig_check() - the signatures of the configuration and the key policy
 * @fit:  a checked header
 * @conf: the default configuration's node
 * @inc:  its signed node list (fit_config_inc())
 * @keys: the trusted keys and their policy
 * @b:    out: key_name and algo of the signature reported
 * @err:  failure reason
 *
 * Each of the first CONFIG_MAX_SIGNATURES signature nodes is checked against
 * the rebuilt node list and the key it names (keyring_verify()); the keyring
 * then decides (keyring_accept()).
 *
 * Return: 0; -SF_EVERIFY with the reason of the most telling failure: a
 * signature by a key that counts which does not verify (SF_R_SIGNATURE,
 * SF_R_ALGORITHM, SF_R_MALFORMED for its properties), else the policy's
 * refusal (SF_R_KEY_POLICY) when some signature verified, else a signature
 * by an unknown or revoked key (SF_R_UNKNOWN_KEY, SF_R_KEY_POLICY), else
 * SF_R_UNSIGNED; -SF_EFAIL (SF_R_NO_MEMORY, SF_R_FAILED).
 */
int fit_sig_check(const void *fit, int conf, const struct fit_inc *inc, const struct keyring *keys,
		  struct fit_bundle *b, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * fit_sig_list() - the configuration's signature nodes as found (`bundle info`)
 * @fit:    a checked header
 * @conf:   the configuration node
 * @sigs:   out: up to @room entries, their strings sanitized
 * @room:   entries in @sigs
 * @n_sigs: out: signature nodes found (may exceed @room)
 * @err:    failure reason
 *
 * Return: 0 or -SF_EVERIFY (SF_R_MALFORMED).
 */
int fit_sig_list(const void *fit, int conf, struct fit_sig_info *sigs, unsigned int room, unsigned int *n_sigs,
		 struct sf_err *err) __attribute__((warn_unused_result));

/**
 * fit_meta_config() - the board: the configuration's `compatible`, 1 to
 * FIT_BOARD_MAX - 1 characters of metadata text (common/text.h)
 * @fit:  a checked header
 * @conf: the configuration node
 * @b:    in: config; out: board
 * @err:  failure reason
 *
 * Return: 0 or -SF_EVERIFY with SF_R_METADATA.
 */
int fit_meta_config(const void *fit, int conf, struct fit_bundle *b, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * fit_meta_image() - what the signature covers of image @i: its `hash-1`, its
 * compression and its slotflip metadata
 * @fit:  a checked header
 * @img:  the image node
 * @what: "image 'NAME'", for messages
 * @i:    its index in @b
 * @b:    out: b->image[i]; images 0..i-1 already read
 * @err:  failure reason
 *
 * Return: 0 or -SF_EVERIFY with SF_R_MALFORMED (hash-1: missing, not sha256,
 * not 32 bytes), SF_R_LIMIT (more than FIT_REQUIRES_MAX requires) or
 * SF_R_METADATA (compression other than "none", a component name, a version
 * or base version, the patch/baseline rule, a security version, a requires
 * entry, a second image for one component); and those of fit_read_delta().
 */
int fit_meta_image(const void *fit, int img, const char *what, unsigned int i, struct fit_bundle *b,
		   struct sf_err *err) __attribute__((warn_unused_result));

#endif /* SF_FIT_INTERNAL_H */
