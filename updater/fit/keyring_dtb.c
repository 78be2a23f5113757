// SPDX-License-Identifier: MIT
/*
 * U-Boot key blobs (`mkimage -K`): the nodes under /signature turned into
 * mbedTLS keys. The format is U-Boot's (doc/usage/fit/signature.rst): an RSA
 * key is its modulus and exponent plus the two Montgomery values U-Boot
 * verifies with, an ECDSA key the curve's name and the point's coordinates;
 * big numbers are big-endian (32-bit cells, most significant first).
 *
 * The blob is configuration, not bundle input, but it is still read with
 * every length checked: fdt_check_full() against the file size, then each
 * property's exact length before its bytes are used.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "common/fdtprop.h"
#include "fit/fit_internal.h"
#include "fit/keyring_internal.h"

#define KEY_NODE_PREFIX "key-"
#define EC_COORD_LEN 32 /* P-256 */

struct dtb_ctx {
	const void *fdt;
	const char *where;
	char node[KEYRING_NAME_MAX + 16]; /* "/signature/NAME", for messages */
	struct sf_err *err;
};

static int bad(struct dtb_ctx *c, const char *what)
{
	return sf_fail(c->err, SF_R_KEYRING, "%s: %s %s", c->where, c->node, what);
}

/* A property of exactly @len bytes (any length when @len is 0); NULL and an error otherwise. */
static const uint8_t *get_bytes(struct dtb_ctx *c, int node, const char *prop, int len, int *ret)
{
	char what[96];
	const uint8_t *v;
	int got;

	v = fdt_getprop(c->fdt, node, prop, &got);
	if (!v) {
		snprintf(what, sizeof(what), "has no %s", prop);
		*ret = bad(c, what);
		return NULL;
	}
	if (len && got != len) {
		snprintf(what, sizeof(what), "%s is %d bytes, expected %d", prop, got, len);
		*ret = bad(c, what);
		return NULL;
	}
	return v;
}

/* An optional string property; *@s is NULL when absent. */
static int get_string(struct dtb_ctx *c, int node, const char *prop, const char **s)
{
	char what[96];
	int ret = sf_fdt_string(c->fdt, node, prop, s);

	if (!ret || ret == -ENOENT)
		return 0;
	snprintf(what, sizeof(what), "%s is not a string", prop);
	return bad(c, what);
}

/*
 * U-Boot verifies with r-squared = 2^(2 * bits) mod n and n0-inverse =
 * -n^-1 mod 2^32 as stored, not recomputed: values that disagree with the
 * modulus would make U-Boot and slotflip judge signatures differently.
 */
static int check_montgomery(const mbedtls_mpi *n, unsigned int bits, const uint8_t *rr, const uint8_t *n0inv,
			    bool *agree)
{
	mbedtls_mpi want, got, b32, n0, inv_n0;
	uint8_t inv[4];
	int ret;

	mbedtls_mpi_init(&inv_n0);
	mbedtls_mpi_init(&want);
	mbedtls_mpi_init(&got);
	mbedtls_mpi_init(&b32);
	mbedtls_mpi_init(&n0);
	ret = mbedtls_mpi_lset(&want, 1);
	ret = ret ?: mbedtls_mpi_shift_l(&want, 2 * (size_t)bits);
	ret = ret ?: mbedtls_mpi_mod_mpi(&want, &want, n);
	ret = ret ?: mbedtls_mpi_read_binary(&got, rr, bits / 8);
	if (ret)
		goto out;
	*agree = !mbedtls_mpi_cmp_mpi(&want, &got);
	ret = mbedtls_mpi_lset(&b32, 1);
	ret = ret ?: mbedtls_mpi_shift_l(&b32, 32);
	ret = ret ?: mbedtls_mpi_mod_mpi(&n0, n, &b32);
	ret = ret ?: mbedtls_mpi_inv_mod(&inv_n0, &n0, &b32);
	ret = ret ?: mbedtls_mpi_sub_mpi(&want, &b32, &inv_n0);
	ret = ret ?: mbedtls_mpi_write_binary(&want, inv, sizeof(inv));
	if (!ret)
		*agree = *agree && !memcmp(inv, n0inv, sizeof(inv));
out:
	mbedtls_mpi_free(&n0);
	mbedtls_mpi_free(&b32);
	mbedtls_mpi_free(&got);
	mbedtls_mpi_free(&want);
	mbedtls_mpi_free(&inv_n0);
	return ret;
}

static int rsa_key(struct dtb_ctx *c, int node, struct keyring_key *k)
{
	static const uint8_t f4[8] = { 0, 0, 0, 0, 0, 1, 0, 1 }; /* U-Boot's default exponent */
	const uint8_t *nbits, *mod, *exp, *rr, *n0inv;
	mbedtls_mpi n, e;
	unsigned int bits;
	bool agree = false;
	int ret = 0, len;

	nbits = get_bytes(c, node, "rsa,num-bits", 4, &ret);
	if (!nbits)
		return ret;
	bits = sf_be32(nbits);
	if (bits != 2048 && bits != 4096)
		return bad(c, "rsa,num-bits is neither 2048 nor 4096");
	mod = get_bytes(c, node, "rsa,modulus", (int)bits / 8, &ret);
	rr = mod ? get_bytes(c, node, "rsa,r-squared", (int)bits / 8, &ret) : NULL;
	n0inv = rr ? get_bytes(c, node, "rsa,n0-inverse", 4, &ret) : NULL;
	if (!n0inv)
		return ret;
	exp = fdt_getprop(c->fdt, node, "rsa,exponent", &len);
	if (!exp)
		exp = f4;
	else if (len != 8)
		return bad(c, "rsa,exponent is not 64 bits");
	mbedtls_mpi_init(&n);
	mbedtls_mpi_init(&e);
	if (mbedtls_mpi_read_binary(&n, mod, bits / 8) || mbedtls_mpi_read_binary(&e, exp, 8)) {
		ret = bad(c, "cannot be read (out of memory)");
		goto out;
	}
	if (mbedtls_mpi_bitlen(&n) != bits || mbedtls_mpi_get_bit(&n, 0) != 1) {
		ret = bad(c, "rsa,modulus is not an odd number of rsa,num-bits bits");
		goto out;
	}
	if (check_montgomery(&n, bits, rr, n0inv, &agree) || !agree) {
		ret = bad(c, "rsa,r-squared or rsa,n0-inverse does not match rsa,modulus");
		goto out;
	}
	if (mbedtls_pk_setup(&k->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) ||
	    mbedtls_rsa_import(mbedtls_pk_rsa(k->pk), &n, NULL, NULL, NULL, &e) ||
	    mbedtls_rsa_complete(mbedtls_pk_rsa(k->pk)) || mbedtls_rsa_check_pubkey(mbedtls_pk_rsa(k->pk)))
		ret = bad(c, "is not a valid RSA public key");
out:
	mbedtls_mpi_free(&e);
	mbedtls_mpi_free(&n);
	return ret;
}

static int ecdsa_key(struct dtb_ctx *c, int node, const char *curve, struct keyring_key *k)
{
	uint8_t point[1 + 2 * EC_COORD_LEN] = { 0x04 }; /* uncompressed: 04 || x || y */
	const uint8_t *x, *y;
	mbedtls_ecp_keypair *ec;
	int ret = 0;

	if (strcmp(curve, "prime256v1"))
		return bad(c, "ecdsa,curve is not \"prime256v1\"");
	x = get_bytes(c, node, "ecdsa,x-point", EC_COORD_LEN, &ret);
	y = x ? get_bytes(c, node, "ecdsa,y-point", EC_COORD_LEN, &ret) : NULL;
	if (!y)
		return ret;
	memcpy(point + 1, x, EC_COORD_LEN);
	memcpy(point + 1 + EC_COORD_LEN, y, EC_COORD_LEN);
	if (mbedtls_pk_setup(&k->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)))
		return bad(c, "cannot be read (out of memory)");
	ec = mbedtls_pk_ec(k->pk);
	if (mbedtls_ecp_group_load(&ec->grp, MBEDTLS_ECP_DP_SECP256R1) ||
	    mbedtls_ecp_point_read_binary(&ec->grp, &ec->Q, point, sizeof(point)) ||
	    mbedtls_ecp_check_pubkey(&ec->grp, &ec->Q))
		return bad(c, "is not a point on P-256");
	return 0;
}

/* `algo`, `key-name-hint` and `required` must agree with the key and its node. */
static int key_props(struct dtb_ctx *c, int node, struct keyring_key *k)
{
	const char *algo, *hint, *required;
	int ret;

	ret = get_string(c, node, "algo", &algo);
	ret = ret ?: get_string(c, node, "key-name-hint", &hint);
	ret = ret ?: get_string(c, node, "required", &required);
	if (ret)
		return ret;
	if (algo && (!fit_pk_algo(&k->pk) || strcmp(algo, fit_pk_algo(&k->pk))))
		return bad(c, "algo does not match the key");
	if (hint && strcmp(hint, k->name))
		return bad(c, "key-name-hint does not match the node name");
	if (required && strcmp(required, "conf") && strcmp(required, "image"))
		return bad(c, "required is neither \"conf\" nor \"image\"");
	k->blob_required = required != NULL;
	return 0;
}

/* Key node @node into record @k; on failure @k's key is released. */
static int load_key(struct dtb_ctx *c, int node, struct keyring_key *k)
{
	const char *name = fdt_get_name(c->fdt, node, NULL), *curve;
	size_t plen = strlen(KEY_NODE_PREFIX);
	int ret;

	if (!name)
		return sf_fail(c->err, SF_R_KEYRING, "%s is malformed", c->where);
	snprintf(c->node, sizeof(c->node), "/signature/%.*s", KEYRING_NAME_MAX, name);
	/* "key-NAME" is U-Boot's form; mkimage 2023.01 names ECDSA key nodes "NAME" */
	if (!strncmp(name, KEY_NODE_PREFIX, plen))
		name += plen;
	memset(k, 0, sizeof(*k));
	/* an over-long name is cut here and refused by the keyring's name check */
	snprintf(k->name, sizeof(k->name), "%s", name);
	mbedtls_pk_init(&k->pk);
	ret = get_string(c, node, "ecdsa,curve", &curve);
	if (!ret && curve)
		ret = ecdsa_key(c, node, curve, k);
	else if (!ret && fdt_getprop(c->fdt, node, "rsa,modulus", NULL))
		ret = rsa_key(c, node, k);
	else if (!ret)
		ret = bad(c, "is neither an RSA nor an ECDSA key");
	ret = ret ?: key_props(c, node, k);
	if (ret)
		mbedtls_pk_free(&k->pk);
	return ret;
}

static int blob_mode(struct dtb_ctx *c, int sig, enum keyring_mode *mode)
{
	const char *m;
	int ret;

	*mode = KEYRING_MODE_UNSET;
	snprintf(c->node, sizeof(c->node), "/signature");
	ret = get_string(c, sig, "required-mode", &m);
	if (ret || !m)
		return ret;
	if (!strcmp(m, "all"))
		*mode = KEYRING_MODE_ALL;
	else if (!strcmp(m, "any"))
		*mode = KEYRING_MODE_ANY;
	else
		return bad(c, "required-mode is neither \"all\" nor \"any\"");
	return 0;
}

int keyring_dtb_parse(const void *blob, size_t size, const char *where, struct keyring_key *out, unsigned int room,
		      unsigned int *n, enum keyring_mode *mode, struct sf_err *err)
{
	struct dtb_ctx c = { .fdt = blob, .where = where, .err = err };
	int sig, node, ret;

	*n = 0;
	ret = size < FIT_PROBE_SIZE ? -FDT_ERR_TRUNCATED : fdt_check_full(blob, size);
	if (ret || fdt_totalsize(blob) != size)
		return sf_fail(err, SF_R_KEYRING, "%s is not a valid device tree blob (%s)", where,
			       ret ? fdt_strerror(ret) : "size mismatch");
	sig = fdt_subnode_offset(blob, 0, "signature");
	if (sig < 0)
		return sf_fail(err, SF_R_KEYRING, "%s has no /signature node", where);
	ret = blob_mode(&c, sig, mode);
	fdt_for_each_subnode(node, blob, sig) {
		if (ret)
			break;
		if (*n == room) {
			ret = sf_fail(err, SF_R_KEYRING, "%s: more than %u keys", where, room);
			break;
		}
		ret = load_key(&c, node, &out[*n]);
		*n += !ret;
	}
	if (!ret && node != -FDT_ERR_NOTFOUND)
		ret = sf_fail(err, SF_R_KEYRING, "%s: %s", where, fdt_strerror(node));
	if (!ret && !*n)
		ret = sf_fail(err, SF_R_KEYRING, "%s holds no key under /signature", where);
	if (ret) {
		while (*n)
			mbedtls_pk_free(&out[--*n].pk);
	}
	return ret;
}
