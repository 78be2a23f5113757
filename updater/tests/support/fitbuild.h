/* SPDX-License-Identifier: MIT */
/*
 * fitbuild — bundle headers built in memory for the fit tests.
 *
 * A test describes a FIT as a small tree (fb_tree_*), usually starting from
 * fb_bundle(), which lays it out as `mkimage -E -p 0x1000` does; changes what it
 * wants to attack; serialises it with libfdt's sequential-write API
 * (fb_build()); and signs it (fb_sign()) with a key generated at run time by
 * mbedTLS, either over the regions a genuine signer covers or over any node
 * list an attacker chooses.
 *
 * Test support aborts on its own failures (out of memory, a libfdt or mbedTLS
 * error while building): those are bugs in the test, not results.
 */
#ifndef SF_FITBUILD_H
#define SF_FITBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/pk.h>

enum fb_key_type {
	FB_RSA2048,
	FB_EC256,
};

/**
 * struct fb_key - a signing key made for one test run
 * @name: key name (the keyring file name and `key-name-hint`)
 * @algo: the FIT algorithm it signs with
 * @sig_len: bytes of a signature `value`
 * @pk:   the key pair
 */
struct fb_key {
	char name[32];
	const char *algo;
	size_t sig_len;
	mbedtls_pk_context pk;
};

/**
 * fb_both_algorithms() - whether the build verifies RSA and ECDSA, as the
 * fixtures need; prints the TAP comment of a skipped program when it does not
 * (test_keyring checks the refusal of a key the build does not verify)
 */
bool fb_both_algorithms(void);

/** fb_key_gen() - generate a key (RSA-2048 or EC P-256) with mbedTLS */
void fb_key_gen(struct fb_key *k, const char *name, enum fb_key_type type);

/** fb_key_write_public() - write DIR/NAME.pem, the public key in PEM */
void fb_key_write_public(const struct fb_key *k, const char *dir);

/** fb_key_write_private() - write the private key in PEM to @path */
void fb_key_write_private(const struct fb_key *k, const char *path);

/** fb_key_free() - release a key */
void fb_key_free(struct fb_key *k);

struct fb_node;

/** fb_tree_new() - an empty tree: just the unnamed root */
struct fb_node *fb_tree_new(void)
	__attribute__((warn_unused_result));

/** fb_tree_free() - release a tree */
void fb_tree_free(struct fb_node *root);

/**
 * fb_node() - the node at @path ("/images/webkit-1"), created with its
 * parents when missing
 */
struct fb_node *fb_node(struct fb_node *root, const char *path)
	__attribute__((warn_unused_result));

/** fb_node_add() - append a new subnode @name to @path, even if one exists */
void fb_node_add(struct fb_node *root, const char *path, const char *name);

/** fb_node_del() - remove the node at @path and everything under it */
void fb_node_del(struct fb_node *root, const char *path);

/** fb_node_to_end() - make the node at @path the last child of its parent */
void fb_node_to_end(struct fb_node *root, const char *path);

/** fb_node_rename() - give the node at @path a new name */
void fb_node_rename(struct fb_node *root, const char *path, const char *name);

/** fb_prop() - set property @name of node @path (replaced in place, or appended) */
void fb_prop(struct fb_node *root, const char *path, const char *name, const void *val, size_t len);
void fb_prop_str(struct fb_node *root, const char *path, const char *name, const char *s);
void fb_prop_u32(struct fb_node *root, const char *path, const char *name, uint32_t v);

/** fb_prop_del() - remove property @name of node @path */
void fb_prop_del(struct fb_node *root, const char *path, const char *name);

/**
 * struct fb_image - one image of fb_bundle()
 * @node:      node name under /images
 * @component: slotflip,component
 * @version:   slotflip,version
 * @base:      slotflip,base-version or NULL
 * @requires:  slotflip,requires as NUL-separated strings, or NULL
 * @requires_len: bytes in @requires
 * @sv:        slotflip,security-version
 * @size:      data-size; the data is fb_image_data(index)
 */
struct fb_image {
	const char *node;
	const char *component;
	const char *version;
	const char *base;
	const char *requires;
	size_t requires_len;
	uint32_t sv;
	uint32_t size;
};

/**
 * fb_bundle() - a well-formed bundle tree
 * @img:    the images, all in `loadables` of /configurations/conf-1
 * @n:      entries in @img
 * @key:    the key signature-1 names (algo, key-name-hint, value length)
 *
 * Data positions are 4 KiB aligned from 4096 on, as fb_layout() reports.
 */
struct fb_node *fb_bundle(const struct fb_image *img, unsigned int n, const struct fb_key *key)
	__attribute__((warn_unused_result));

/** fb_image_data() - the synthetic content of image @index: @size bytes into @buf */
void fb_image_data(unsigned int index, uint8_t *buf, size_t size);

/** fb_image_position() - where fb_bundle() puts image @index of @img */
uint64_t fb_image_position(const struct fb_image *img, unsigned int index)
	__attribute__((warn_unused_result));

/**
 * fb_build() - serialise a tree with fdt_sw
 * @root:        the tree
 * @extra_roots: number of further (empty) root nodes written after the root
 * @size:        out: bytes of the blob (its totalsize, rounded up to 4 bytes)
 *
 * Return: the blob, malloc'd (8-byte aligned).
 */
void *fb_build(const struct fb_node *root, unsigned int extra_roots, size_t *size)
	__attribute__((warn_unused_result));

#define FB_HS_FULL UINT32_MAX /* hashed-strings: the whole strings block */

/**
 * fb_sign() - sign a built blob in place, as a signer would
 * @blob:     from fb_build()
 * @sig_path: the signature node ("/configurations/conf-1/signature-1")
 * @key:      the signing key; its signature must fit the `value` placeholder
 * @inc:      node list to sign, or NULL for the genuine list rebuilt from the
 *            configuration of @sig_path (the library's fit_config_inc())
 * @n_inc:    entries in @inc
 * @hs_size:  strings bytes to sign, FB_HS_FULL for the whole block
 * @set_hs:   also write `hashed-strings = <0 hs_size>` (an 8-byte property
 *            must exist)
 */
void fb_sign(void *blob, const char *sig_path, const struct fb_key *key, const char *const *inc,
	     unsigned int n_inc, uint32_t hs_size, bool set_hs);

/**
 * fb_make_bundle() - fb_bundle() + fb_build() + fb_sign() of signature-1
 */
void *fb_make_bundle(const struct fb_image *img, unsigned int n, const struct fb_key *key, size_t *size)
	__attribute__((warn_unused_result));

/**
 * fb_write_file() - a whole bundle file: header, zero padding, image data
 * @path: the file
 * @blob: header from fb_build(), @size bytes
 * @img, @n: the images as given to fb_bundle()
 *
 * Return: the file size.
 */
uint64_t fb_write_file(const char *path, const void *blob, size_t size, const struct fb_image *img,
		       unsigned int n) __attribute__((warn_unused_result));

/** fb_tmpdir() - a new temporary folder (mkdtemp); fb_rmtree() removes it */
char *fb_tmpdir(void)
	__attribute__((warn_unused_result));
void fb_rmtree(const char *dir);

#endif /* SF_FITBUILD_H */
