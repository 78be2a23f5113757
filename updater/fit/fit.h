/* SPDX-License-Identifier: MIT */
/*
 * fit — parse and verify a slotflip bundle header (a signed FIT, DESIGN §3).
 *
 * A bundle is a FIT as `mkimage -f bundle.its -k KEYDIR -E [-p 0x1000]` makes it:
 * the FIT blob (the "header") followed by external image data. This module looks
 * at the header only, in memory; the install pipeline streams the data and checks
 * each image against the sha256 this module returns.
 *
 * Everything in the header is untrusted until fit_verify() returns 0. It then
 * guarantees:
 *  - fdt_check_full() passed against the real header size; one unnamed root;
 *    no '@' in any node name; no two sibling nodes with the same name;
 *  - the configuration named by /configurations/default carries a signature-N
 *    node whose signature verifies with a key of the keyring, with the algorithm
 *    and padding that key demands, over the regions U-Boot signs
 *    (doc/usage/fit/signature.rst): the node set is rebuilt from the configuration
 *    ("/", the configuration, each image in its `loadables` with its hash-N
 *    subnodes), never taken from `hashed-nodes`; the `hashed-strings` size is
 *    bounded by the real strings block and covers every signed property name;
 *  - the configuration references images through `loadables` only;
 *  - every image has external data that does not overlap the header or
 *    another image's, with no gap before it larger than an alignment mkimage
 *    produces (up to the next FIT_DATA_ALIGN_MAX boundary), all checked before
 *    any signature: placement is not signed, so a header that places its data
 *    impossibly, or far away, is refused without any cryptography;
 *  - every image has a `hash-1` node with algo "sha256" and a 32-byte value,
 *    and valid slotflip metadata (text as common/text.h allows it), read from
 *    signed nodes only: for a delta image, a known delta format with all four
 *    of its source and target sizes (1 byte to CONFIG_MAX_IMAGE_SIZE_MIB MiB)
 *    and sha256 values, and none of them on a full image;
 *  - the file holds every byte the header places (when its size is known).
 *
 * Failures carry a reason (common/sf_err.h): SF_R_NOT_A_BUNDLE (no FIT
 * magic), SF_R_MALFORMED (structure, names, FIT properties), SF_R_LIMIT (a
 * Kconfig limit), SF_R_LAYOUT (data placement), SF_R_UNSIGNED, SF_R_SIGNATURE,
 * SF_R_UNKNOWN_KEY, SF_R_ALGORITHM, SF_R_KEY_POLICY, SF_R_METADATA (slotflip
 * properties and the board): all in category SF_EVERIFY; and
 * SF_R_INPUT_TRUNCATED (SF_EINPUT) when the file ends before the data a
 * verified header describes: a download to retry, not a bundle to reject. A
 * header cut short is not verified, so it is malformed.
 */
#ifndef SF_FIT_H
#define SF_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sf_err.h"
#include "common/sha256.h"
#include "common/version.h"

#define FIT_PROBE_SIZE 40	 /* bytes needed by fit_header_size(): the FDT header */
#define FIT_NAME_MAX 64		 /* node names, key names, including NUL */
#define FIT_BOARD_MAX 64
#define FIT_REQUIRES_MAX 8
#define FIT_SIZE_UNKNOWN UINT64_MAX /* file size of a stream (stdin) */
#define FIT_ID_LEN 16		    /* hex digits of a bundle id */
#define FIT_DATA_ALIGN_MAX 0x10000u /* largest data alignment accepted (mkimage -B, -p) */
#define FIT_IMAGE_MAX ((uint64_t)CONFIG_MAX_IMAGE_SIZE_MIB << 20) /* largest image in bytes */

struct keyring;

/**
 * struct fit_require - one `slotflip,requires` entry, "component>=version"
 */
struct fit_require {
	char component[SF_COMPONENT_MAX];
	char version[SF_VERSION_MAX];
};

#define FIT_DELTA_FORMAT_MAX 16

/**
 * struct fit_delta - what a delta image's signed node says (all zero for a
 * full image)
 * @format:        `slotflip,delta`: the delta format ("sfdelta-1"); "" for a
 *                 full image
 * @source_size:   `slotflip,delta-source-size`: bytes the component's active
 *                 slot must hold
 * @source_sha256: `slotflip,delta-source-sha256`: their sha256
 * @target_size:   `slotflip,delta-target-size`: bytes the delta makes (and the
 *                 install writes)
 * @target_sha256: `slotflip,delta-target-sha256`: their sha256
 */
struct fit_delta {
	char format[FIT_DELTA_FORMAT_MAX];
	uint64_t source_size;
	uint8_t source_sha256[SHA256_LEN];
	uint64_t target_size;
	uint8_t target_sha256[SHA256_LEN];
};

/**
 * struct fit_image - one component image of the verified configuration
 * @node:             image node name under /images
 * @component:        `slotflip,component`
 * @version:          `slotflip,version`
 * @base_version:     `slotflip,base-version`; "" for a baseline
 * @security_version: `slotflip,security-version`
 * @n_requires:       entries in @requires
 * @requires:         `slotflip,requires`
 * @data_offset:      absolute offset of the data in the bundle file/stream
 * @data_size:        `data-size`
 * @sha256:           the signed `hash-1/value` (of the payload as shipped: for a
 *                    delta, of the delta)
 * @delta:            for a delta image, its description; format "" otherwise
 */
struct fit_image {
	char node[FIT_NAME_MAX];
	char component[SF_COMPONENT_MAX];
	char version[SF_VERSION_MAX];
	char base_version[SF_VERSION_MAX];
	uint32_t security_version;
	unsigned int n_requires;
	struct fit_require requires[FIT_REQUIRES_MAX];
	uint64_t data_offset;
	uint64_t data_size;
	uint8_t sha256[SHA256_LEN];
	struct fit_delta delta;
};

/**
 * fit_image_size() - bytes an image occupies in its slot: the payload's for a
 * full image, the target's for a delta
 */
static inline uint64_t fit_image_size(const struct fit_image *im)
{
	return im->delta.format[0] ? im->delta.target_size : im->data_size;
}

/**
 * struct fit_bundle - what a verified header says
 * @header_size: the FIT blob's totalsize
 * @id:          the bundle id: the first FIT_ID_LEN hex digits of the SHA-256
 *               of the header (its first @header_size bytes); it names the
 *               bundle a slot's image came from (sf_C_a_id, sf_C_b_id)
 * @config:      name of the default configuration
 * @board:       the configuration's `compatible`
 * @key_name:    the keyring key whose signature verified (fit_verify() only)
 * @algo:        that signature's `algo`
 * @n_images:    images in `loadables` order
 * @test_release: the configuration carries `slotflip,test-release`: a patch
 *               that carries the running baseline's own image, installed,
 *               activated and removed again to rehearse the whole path
 */
struct fit_bundle {
	uint64_t header_size;
	char id[FIT_ID_LEN + 1];
	char config[FIT_NAME_MAX];
	char board[FIT_BOARD_MAX];
	char key_name[FIT_NAME_MAX];
	char algo[32];
	bool test_release;
	unsigned int n_images;
	struct fit_image image[CONFIG_MAX_BUNDLE_IMAGES];
};

/**
 * struct fit_sig_info - a signature node as found, for `bundle info`
 */
struct fit_sig_info {
	char node[FIT_NAME_MAX];
	char algo[32];
	char key_name_hint[FIT_NAME_MAX];
	char padding[16];
};

/**
 * fit_header_size() - size of the header from its first FIT_PROBE_SIZE bytes
 * @probe: the first bytes of the bundle
 * @len:   bytes in @probe (at least FIT_PROBE_SIZE)
 * @size:  out: the header's totalsize
 * @err:   failure reason
 *
 * Checks the FDT magic and that totalsize lies between FIT_PROBE_SIZE and
 * CONFIG_MAX_HEADER_SIZE, so the caller can allocate @size bytes safely. The
 * one check of these limits: the verifier applies it too.
 *
 * Return: 0, or -SF_EVERIFY with SF_R_NOT_A_BUNDLE ("not a FIT image (magic
 * 0x12345678, ...)", fewer than FIT_PROBE_SIZE bytes), SF_R_MALFORMED
 * (totalsize below FIT_PROBE_SIZE) or SF_R_LIMIT ("header size N exceeds the
 * limit M").
 */
int fit_header_size(const void *probe, size_t len, size_t *size, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * fit_verify() - verify a bundle header and extract its metadata
 * @fit:       the whole header, @fit_size bytes
 * @fit_size:  bytes in @fit; must equal the header's totalsize
 * @file_size: size of the whole bundle, or FIT_SIZE_UNKNOWN for a stream
 * @keys:      the trusted keys
 * @out:       filled on success only
 * @err:       failure reason
 *
 * Return: 0 when the header is intact, signed by a trusted key and every rule in
 * the comment at the top of this file holds; otherwise a message naming the
 * rule and node ("signature does not verify with key 'dev'", "node
 * '/configurations/conf@1' has a unit address") and: -SF_EVERIFY with one of
 * the verification reasons listed at the top of this file; -SF_EINPUT with
 * SF_R_INPUT_TRUNCATED (@file_size below what the verified header places);
 * -SF_ECONFIG with
 * SF_R_KEYRING (no key in @keys); -SF_EFAIL with SF_R_NO_MEMORY or
 * SF_R_FAILED (SHA-256).
 */
int fit_verify(const void *fit, size_t fit_size, uint64_t file_size, const struct keyring *keys,
	       struct fit_bundle *out, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * fit_inspect() - parse a header without checking signatures (`bundle info`)
 * @fit, @fit_size, @file_size: as fit_verify()
 * @out:    metadata as fit_verify() would report it (key_name empty)
 * @sigs:   out: the default configuration's signature nodes
 * @n_sigs: in: room in @sigs; out: signature nodes found (may exceed room)
 * @err:    failure reason
 *
 * The same structural, layout and metadata checks as fit_verify() apply;
 * nothing it returns is trusted. The strings of @sigs are sanitized.
 *
 * Return: 0 or the errors of fit_verify() but the signature reasons and
 * SF_R_KEYRING.
 */
int fit_inspect(const void *fit, size_t fit_size, uint64_t file_size, struct fit_bundle *out,
		struct fit_sig_info *sigs, unsigned int *n_sigs, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * fit_data_order() - image indexes of @b in the order their data lies in the
 * bundle (a stream can only be read forward)
 * @b:     a verified header
 * @order: out: b->n_images indexes
 */
void fit_data_order(const struct fit_bundle *b, unsigned int order[]);

/**
 * fit_image_check_digest() - the one check of a payload against its image's
 * signed sha256
 * @img:    an image of a verified header
 * @digest: the SHA-256 of exactly the bytes read (and written)
 * @err:    failure reason
 *
 * Return: 0, or -SF_EVERIFY with SF_R_HASH_MISMATCH ("image 'webkit-1'
 * (webkit): the payload (N bytes at offset M) does not match its signed
 * sha256").
 */
int fit_image_check_digest(const struct fit_image *img, const uint8_t digest[SHA256_LEN], struct sf_err *err)
	__attribute__((warn_unused_result));

#endif /* SF_FIT_H */
