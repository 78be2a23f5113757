// SPDX-License-Identifier: MIT
/*
 * The bundle tool. The header is built once with placeholders of final length
 * (data-position, hash values, hashed-strings, the signature), so its size,
 * and with it every data position, is known before any image is read. Each
 * image is then read once: hashed and written in the same pass, so the hash
 * covers exactly the bytes in the bundle. The signature is made last, over
 * the regions fit_verify() checks, computed by the same code.
 */
#include "fit/fit_create.h"

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "common/text.h"
#include "delta/delta_file.h"
#include "delta/delta_format.h"
#include "fit/fit_internal.h"
#include "sf_kconfig.h"

#define BUNDLE_ALIGN 4096ULL
#define DELTA_ALIGN 8ULL /* a delta is small: no page of padding before it */
#define SIG_MAX 1024 /* RSA-4096: 512 bytes */
#define CONF_NAME "conf-1"

struct create_image {
	char node[FIT_NAME_MAX];
	const struct fit_create_image *in;
	unsigned int n_requires;
	size_t requires_len;
	char requires[FIT_REQUIRES_MAX * (SF_COMPONENT_MAX + SF_VERSION_MAX + 2)];
	int fd;
	uint64_t size;
	uint64_t position;
	struct delta_desc delta; /* when in->delta_from is set */
};

struct create_key {
	const char *path;
	char name[FIT_NAME_MAX];
	const char *algo;
	size_t sig_len;
	mbedtls_pk_context pk;
};

struct create_ctx {
	const struct fit_create_opts *o;
	struct create_image img[CONFIG_MAX_BUNDLE_IMAGES];
	struct create_key key[FIT_CREATE_KEYS_MAX];
	void *blob;
	size_t blob_size;
	uint64_t header_end;
	char *tmp_path;
	int out_fd;
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* "a>=1,b>=2" into the NUL-separated list a `slotflip,requires` property holds. */
static int parse_requires(struct create_image *ci, const char *what, struct sf_err *err)
{
	const char *p = ci->in->requires;

	ci->n_requires = 0;
	ci->requires_len = 0;
	if (!p || !*p)
		return 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		char entry[SF_COMPONENT_MAX + SF_VERSION_MAX + 2];
		char comp[SF_COMPONENT_MAX], ver[SF_VERSION_MAX];

		if (ci->n_requires == FIT_REQUIRES_MAX)
			return sf_fail(err, SF_R_USAGE, "%s: more than %d requires entries", what, FIT_REQUIRES_MAX);
		if (len >= sizeof(entry))
			return sf_fail(err, SF_R_USAGE, "%s: requires entry '%.*s' is too long", what, (int)len, p);
		memcpy(entry, p, len);
		entry[len] = '\0';
		if (sf_require_parse(entry, comp, ver))
			return sf_fail(err, SF_R_USAGE, "%s: requires entry '%s' is not component>=version", what, entry);
		memcpy(ci->requires + ci->requires_len, entry, len + 1);
		ci->requires_len += len + 1;
		ci->n_requires++;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* Each key's name: -n NAME, else the key file's name without its extension; each once. */
static int check_keys(struct create_ctx *c, struct sf_err *err)
{
	const struct fit_create_opts *o = c->o;

	if (o->n_keys < 1 || o->n_keys > FIT_CREATE_KEYS_MAX)
		return sf_fail(err, SF_R_USAGE, "a bundle is signed with 1 to %d keys, not %u", FIT_CREATE_KEYS_MAX,
			       o->n_keys);
	for (unsigned int i = 0; i < o->n_keys; i++) {
		const char *base = o->key[i].name, *dot;
		size_t len;

		if (!o->key[i].path)
			return sf_fail(err, SF_R_USAGE, "key %u has no file", i + 1);
		if (!base) {
			base = strrchr(o->key[i].path, '/');
			base = base ? base + 1 : o->key[i].path;
			dot = strrchr(base, '.');
			len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
		} else {
			len = strlen(base);
		}
		if (!fit_name_valid(base, len))
			return sf_fail(err, SF_R_USAGE, "key name '%.*s' is not 1 to %d characters of [A-Za-z0-9,._+-]",
				       (int)(len < FIT_NAME_MAX ? len : FIT_NAME_MAX), base, FIT_NAME_MAX - 1);
		c->key[i].path = o->key[i].path;
		memcpy(c->key[i].name, base, len);
		c->key[i].name[len] = '\0';
		for (unsigned int j = 0; j < i; j++)
			if (!strcmp(c->key[j].name, c->key[i].name))
				return sf_fail(err, SF_R_USAGE, "two keys are named '%s' (-n gives one another name)",
					       c->key[i].name);
	}
	return 0;
}

/* The metadata rules of the verifier (fit_meta.c), as usage errors. */
static int check_image(struct create_ctx *c, unsigned int i, struct sf_err *err)
{
	const struct fit_create_image *in = &c->o->image[i];
	struct create_image *ci = &c->img[i];
	char what[SF_COMPONENT_MAX + 16];
	const char *problem;

	ci->in = in;
	if (!in->path || !in->component || !in->version)
		return sf_fail(err, SF_R_USAGE, "image %u needs a file, a component and a version", i + 1);
	if (!sf_component_valid(in->component))
		return sf_fail(err, SF_R_USAGE, "image %u: component '%s' is not [a-z0-9_]{1,16}", i + 1, in->component);
	snprintf(what, sizeof(what), "component '%s'", in->component);
	snprintf(ci->node, sizeof(ci->node), "%s-1", in->component);
	if (!sf_version_valid(in->version, strlen(in->version)))
		return sf_fail(err, SF_R_USAGE, "%s: version '%s' is not valid", what, in->version);
	if (in->base_version && !sf_version_valid(in->base_version, strlen(in->base_version)))
		return sf_fail(err, SF_R_USAGE, "%s: base version '%s' is not valid", what, in->base_version);
	problem = sf_version_base_problem(in->version, in->base_version);
	if (problem)
		return sf_fail(err, SF_R_USAGE, "%s: version '%s' %s (--base-version)", what, in->version, problem);
	for (unsigned int j = 0; j < i; j++)
		if (!strcmp(c->o->image[j].component, in->component))
			return sf_fail(err, SF_R_USAGE, "component '%s' is given twice", in->component);
	return parse_requires(ci, what, err);
}

static int check_opts(struct create_ctx *c, struct sf_err *err)
{
	const struct fit_create_opts *o = c->o;
	size_t len;
	int ret;

	if (!o->out_path || !o->board)
		return sf_fail(err, SF_R_USAGE, "bundle create needs an output path, a key and a board");
	len = strlen(o->board);
	if (len >= FIT_BOARD_MAX || !sf_text_valid(o->board, len))
		return sf_fail(err, SF_R_USAGE, "board '%s' must be 1 to %d printable characters without '\\' and '='",
			       o->board, FIT_BOARD_MAX - 1);
	if (o->n_images < 1 || o->n_images > CONFIG_MAX_BUNDLE_IMAGES)
		return sf_fail(err, SF_R_USAGE, "a bundle holds 1 to %d images, not %u", CONFIG_MAX_BUNDLE_IMAGES,
			       o->n_images);
	ret = check_keys(c, err);
	for (unsigned int i = 0; i < o->n_images && !ret; i++)
		ret = check_image(c, i, err);
	return ret;
}

static int load_key(struct create_key *k, struct sf_err *err)
{
	int ret;

	ret = mbedtls_pk_parse_keyfile(&k->pk, k->path, NULL);
	if (ret)
		return sf_fail(err, SF_R_SIGNING_KEY, "cannot read private key '%s' (mbedTLS error -0x%04x)", k->path,
			       (unsigned int)-ret);
	k->algo = fit_pk_algo(&k->pk);
	if (!k->algo)
		return sf_fail(err, SF_R_SIGNING_KEY, "key '%s' is not RSA-2048, RSA-4096 or EC P-256", k->path);
	k->sig_len = mbedtls_pk_get_type(&k->pk) == MBEDTLS_PK_RSA ? mbedtls_pk_get_len(&k->pk) : 64;
	return 0;
}

/* A delta image's payload: made into an anonymous file that stands in for the image file. */
static int open_delta(struct create_image *ci, struct sf_err *err)
{
	uint64_t max = (uint64_t)CONFIG_MAX_IMAGE_SIZE_MIB * 1024 * 1024;
	int ret;

	ci->fd = memfd_create("slotflip-delta", MFD_CLOEXEC);
	if (ci->fd < 0)
		return sf_fail_errno(err, SF_EIO, errno, "cannot make a file for the delta of '%s'", ci->in->path);
	ret = delta_file_make(ci->in->delta_from, ci->in->path, max, NULL, ci->fd, &ci->delta, err);
	if (ret) {
		sf_err_prefix(err, "delta from '%s' to '%s'", ci->in->delta_from, ci->in->path);
		return ret;
	}
	if (lseek(ci->fd, 0, SEEK_SET))
		return sf_fail_errno(err, SF_EIO, errno, "delta of '%s'", ci->in->path);
	ci->size = ci->delta.payload_size;
	return 0;
}

/* An image file that cannot be used: the input reasons of a bundle, for the same problems. */
static int image_fail(const struct create_image *ci, int errnum, struct sf_err *err)
{
	int reason = errnum == ENOENT || errnum == ENOTDIR ? SF_R_INPUT_NOT_FOUND :
		     errnum == EACCES || errnum == EPERM   ? SF_R_PERMISSION :
		     errnum == EISDIR			   ? SF_R_INPUT_NOT_FILE :
							     SF_R_INPUT_UNREADABLE;

	return sf_fail_errno(err, reason, errnum, "cannot read image '%s'", ci->in->path);
}

static int open_images(struct create_ctx *c, struct sf_err *err)
{
	for (unsigned int i = 0; i < c->o->n_images; i++) {
		struct create_image *ci = &c->img[i];
		struct stat st;
		int ret;

		if (ci->in->delta_from) {
			ret = open_delta(ci, err);
			if (ret)
				return ret;
			continue;
		}
		ci->fd = open(ci->in->path, O_RDONLY | O_CLOEXEC);
		if (ci->fd < 0 || fstat(ci->fd, &st))
			return image_fail(ci, errno, err);
		if (!S_ISREG(st.st_mode))
			return sf_fail(err, SF_R_INPUT_NOT_FILE, "image '%s' is not a regular file", ci->in->path);
		if (st.st_size <= 0)
			return sf_fail(err, SF_R_USAGE, "image '%s' is empty", ci->in->path);
		if ((uint64_t)st.st_size > FIT_IMAGE_MAX)
			return sf_fail(err, SF_R_USAGE, "image '%s' is larger than %d MiB", ci->in->path,
				       CONFIG_MAX_IMAGE_SIZE_MIB);
		ci->size = (uint64_t)st.st_size;
	}
	return 0;
}

/* A string list property from NUL-separated strings. */
static int prop_list(void *fdt, const char *name, const char *const *s, unsigned int n)
{
	char buf[FIT_INC_MAX * FIT_INC_PATH_MAX];
	size_t len = 0;

	for (unsigned int i = 0; i < n; i++) {
		size_t l = strlen(s[i]) + 1;

		if (l > sizeof(buf) - len)
			return -FDT_ERR_NOSPACE;
		memcpy(buf + len, s[i], l);
		len += l;
	}
	return fdt_property(fdt, name, buf, (int)len);
}

#define TRY(x)                      \
	do {                        \
		int ret_ = (x);     \
		if (ret_)           \
			return ret_; \
	} while (0)

static const uint8_t zeros[SIG_MAX];

/* What fit_read_delta() reads: the format, and the source's and target's size and sha256. */
static int delta_props(void *fdt, const struct delta_desc *d)
{
	TRY(fdt_property_string(fdt, "slotflip,delta", DELTA_FORMAT_NAME));
	TRY(fdt_property_u64(fdt, "slotflip,delta-source-size", d->source_size));
	TRY(fdt_property(fdt, "slotflip,delta-source-sha256", d->source_sha256, SHA256_LEN));
	TRY(fdt_property_u64(fdt, "slotflip,delta-target-size", d->target_size));
	return fdt_property(fdt, "slotflip,delta-target-sha256", d->target_sha256, SHA256_LEN);
}

/* One image node with placeholders for data-position and the hash. */
static int build_image(void *fdt, const struct create_image *ci)
{
	char desc[SF_COMPONENT_MAX + SF_VERSION_MAX + 2];

	snprintf(desc, sizeof(desc), "%s %s", ci->in->component, ci->in->version);
	TRY(fdt_begin_node(fdt, ci->node));
	TRY(fdt_property_string(fdt, "description", desc));
	TRY(fdt_property_string(fdt, "type", "filesystem"));
	TRY(fdt_property_string(fdt, "compression", "none"));
	TRY(fdt_property_u32(fdt, "data-size", (uint32_t)ci->size));
	TRY(fdt_property_u32(fdt, "data-position", 0));
	TRY(fdt_property_string(fdt, "slotflip,component", ci->in->component));
	TRY(fdt_property_string(fdt, "slotflip,version", ci->in->version));
	TRY(fdt_property_u32(fdt, "slotflip,security-version", ci->in->security_version));
	if (ci->in->base_version)
		TRY(fdt_property_string(fdt, "slotflip,base-version", ci->in->base_version));
	if (ci->n_requires)
		TRY(fdt_property(fdt, "slotflip,requires", ci->requires, (int)ci->requires_len));
	if (ci->in->delta_from)
		TRY(delta_props(fdt, &ci->delta));
	TRY(fdt_begin_node(fdt, "hash-1"));
	TRY(fdt_property(fdt, "value", zeros, SHA256_LEN));
	TRY(fdt_property_string(fdt, "algo", "sha256"));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

/* /configurations with conf-1 and its signature-1, placeholders for the signature. */
static int build_config(void *fdt, const struct create_ctx *c, uint32_t now)
{
	const char *names[CONFIG_MAX_BUNDLE_IMAGES], *hashed[FIT_INC_MAX];
	char paths[FIT_INC_MAX][FIT_INC_PATH_MAX];
	unsigned int n_hashed = 0;

	/* what fit_config_inc() rebuilds; informational, as in mkimage's output */
	hashed[n_hashed++] = "/";
	hashed[n_hashed++] = "/configurations/" CONF_NAME;
	for (unsigned int i = 0; i < c->o->n_images; i++) {
		names[i] = c->img[i].node;
		snprintf(paths[n_hashed], sizeof(paths[0]), "/images/%s", c->img[i].node);
		hashed[n_hashed] = paths[n_hashed];
		n_hashed++;
		snprintf(paths[n_hashed], sizeof(paths[0]), "/images/%s/hash-1", c->img[i].node);
		hashed[n_hashed] = paths[n_hashed];
		n_hashed++;
	}
	TRY(fdt_begin_node(fdt, "configurations"));
	TRY(fdt_property_string(fdt, "default", CONF_NAME));
	TRY(fdt_begin_node(fdt, CONF_NAME));
	TRY(fdt_property_string(fdt, "description", c->o->board));
	TRY(fdt_property_string(fdt, "compatible", c->o->board));
	TRY(prop_list(fdt, "loadables", names, c->o->n_images));
	for (unsigned int k = 0; k < c->o->n_keys; k++) {
		char node[32];

		snprintf(node, sizeof(node), "signature-%u", k + 1);
		TRY(fdt_begin_node(fdt, node));
		TRY(fdt_property_u32(fdt, "timestamp", now));
		TRY(fdt_property_string(fdt, "signer-name", "slotflip"));
		TRY(fdt_property_string(fdt, "algo", c->key[k].algo));
		TRY(fdt_property_string(fdt, "key-name-hint", c->key[k].name));
		TRY(fdt_property_string(fdt, "sign-images", "loadables"));
		TRY(prop_list(fdt, "hashed-nodes", hashed, n_hashed));
		TRY(fdt_property(fdt, "hashed-strings", zeros, 8));
		TRY(fdt_property(fdt, "value", zeros, (int)c->key[k].sig_len));
		TRY(fdt_end_node(fdt));
	}
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

/* The whole header with zeroed placeholders; fdt_sw errors are returned as is. */
static int build_header(struct create_ctx *c, void *fdt, int size)
{
	uint32_t now = (uint32_t)time(NULL);

	TRY(fdt_create(fdt, size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "description", "slotflip bundle"));
	TRY(fdt_property_u32(fdt, "timestamp", now));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_begin_node(fdt, "images"));
	for (unsigned int i = 0; i < c->o->n_images; i++)
		TRY(build_image(fdt, &c->img[i]));
	TRY(fdt_end_node(fdt));
	TRY(build_config(fdt, c, now));
	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}

#undef TRY

static int make_header(struct create_ctx *c, struct sf_err *err)
{
	uint64_t pos;
	size_t size = 16384 + (size_t)c->o->n_images * 2048, total;
	int ret;

	for (;;) {
		free(c->blob);
		c->blob = calloc(1, size);
		if (!c->blob)
			return sf_fail(err, SF_R_NO_MEMORY, "out of memory building the header");
		ret = build_header(c, c->blob, (int)size);
		if (ret != -FDT_ERR_NOSPACE)
			break;
		if (size >= CONFIG_MAX_HEADER_SIZE)
			return sf_fail(err, SF_R_USAGE, "the header would exceed %d bytes", CONFIG_MAX_HEADER_SIZE);
		size *= 2;
	}
	if (ret)
		return sf_fail(err, SF_R_FAILED, "building the header: %s", fdt_strerror(ret));
	/* like mkimage -E: totalsize rounded up to 4 bytes (calloc zeroed the padding) */
	total = align_up(fdt_totalsize(c->blob), 4);
	if (total > size || total > CONFIG_MAX_HEADER_SIZE)
		return sf_fail(err, SF_R_USAGE, "the header would exceed %d bytes", CONFIG_MAX_HEADER_SIZE);
	memset((uint8_t *)c->blob + fdt_totalsize(c->blob), 0, total - fdt_totalsize(c->blob));
	fdt_set_totalsize(c->blob, (uint32_t)total);
	c->blob_size = total;
	pos = total;
	for (unsigned int i = 0; i < c->o->n_images; i++) {
		pos = align_up(pos, c->img[i].in->delta_from ? DELTA_ALIGN : BUNDLE_ALIGN);
		c->img[i].position = pos;
		if (!i)
			c->header_end = pos;
		pos += c->img[i].size;
		/* data-position and data-size are 32-bit cells */
		if (c->img[i].position + c->img[i].size > UINT32_MAX)
			return sf_fail(err, SF_R_USAGE, "the bundle would exceed 4 GiB");
	}
	return 0;
}

static int image_node(struct create_ctx *c, unsigned int i)
{
	int images = fdt_subnode_offset(c->blob, 0, "images");

	return images < 0 ? images : fdt_subnode_offset(c->blob, images, c->img[i].node);
}

static int write_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t w = pwrite(fd, p, len, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* Zeroes [from, to) of the output: the padding between header and images. */
static int write_zeros(int fd, uint64_t from, uint64_t to)
{
	static const uint8_t zero[BUNDLE_ALIGN];
	int ret;

	while (from < to) {
		size_t n = to - from > sizeof(zero) ? sizeof(zero) : (size_t)(to - from);

		ret = write_all(fd, zero, n, from);
		if (ret)
			return ret;
		from += n;
	}
	return 0;
}

/* Copies image @i into the output, hashing exactly the bytes written. */
static int copy_image(struct create_ctx *c, unsigned int i, struct sha256 *h, uint8_t *buf, struct sf_err *err)
{
	struct create_image *ci = &c->img[i];
	uint64_t done = 0;
	int ret;

	while (done < ci->size) {
		size_t want = ci->size - done > SF_IO_CHUNK ? SF_IO_CHUNK : (size_t)(ci->size - done);
		ssize_t r = read(ci->fd, buf, want);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return image_fail(ci, errno, err);
		if (r == 0)
			return sf_fail(err, SF_R_INPUT_TRUNCATED, "image '%s' shrank while it was read", ci->in->path);
		if (sha256_update(h, buf, (size_t)r))
			return sf_fail(err, SF_R_FAILED, "hashing image '%s' failed", ci->in->path);
		ret = write_all(c->out_fd, buf, (size_t)r, ci->position + done);
		if (ret)
			return sf_fail_errno(err, SF_R_OUTPUT_IO, ret, "cannot write '%s'", c->tmp_path);
		done += (uint64_t)r;
	}
	/* zero the gap up to the next image (or nothing after the last one) */
	ret = i + 1 < c->o->n_images ? write_zeros(c->out_fd, ci->position + ci->size, c->img[i + 1].position) : 0;
	if (ret)
		return sf_fail_errno(err, SF_R_OUTPUT_IO, ret, "cannot write '%s'", c->tmp_path);
	return 0;
}

/* Reads each image once, then fills in its position and hash. */
static int stream_images(struct create_ctx *c, struct sf_err *err)
{
	uint8_t *buf, digest[SHA256_LEN];
	struct sha256 *h = NULL;
	int ret = 0, node;

	buf = malloc(SF_IO_CHUNK);
	if (!buf || sha256_new(&h, SHA256_ENGINE_AUTO)) {
		ret = sf_fail(err, SF_R_NO_MEMORY, "cannot set up copying and hashing images");
		goto out;
	}
	for (unsigned int i = 0; i < c->o->n_images && !ret; i++) {
		struct create_image *ci = &c->img[i];

		ret = copy_image(c, i, h, buf, err);
		if (!ret && sha256_final(h, digest))
			ret = sf_fail(err, SF_R_FAILED, "hashing image '%s' failed", ci->in->path);
		if (ret)
			break;
		node = image_node(c, i);
		ret = node < 0 ? node : fdt_setprop_inplace_u32(c->blob, node, "data-position", (uint32_t)ci->position);
		ret = ret ?: fdt_setprop_inplace(c->blob, fdt_subnode_offset(c->blob, node, "hash-1"), "value", digest,
						 SHA256_LEN);
		if (ret)
			ret = sf_fail(err, SF_R_FAILED, "filling in image '%s': %s", ci->node, fdt_strerror(ret));
	}
out:
	sha256_free(h);
	free(buf);
	return ret;
}

static int sign_digest(struct create_key *k, const uint8_t digest[SHA256_LEN], uint8_t *sig, struct sf_err *err)
{
	static const char pers[] = "slotflip fit_create";
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_mpi r, s;
	size_t len = 0;
	int ret;

	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)pers,
				    sizeof(pers) - 1);
	if (ret) {
		ret = sf_fail(err, SF_R_FAILED, "cannot seed the random generator (mbedTLS error -0x%04x)",
			      (unsigned int)-ret);
		goto out;
	}
	if (mbedtls_pk_get_type(&k->pk) == MBEDTLS_PK_RSA) {
		mbedtls_rsa_set_padding(mbedtls_pk_rsa(k->pk), MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
		ret = mbedtls_pk_sign(&k->pk, MBEDTLS_MD_SHA256, digest, SHA256_LEN, sig, &len,
				      mbedtls_ctr_drbg_random, &drbg);
		if (!ret && len != k->sig_len)
			ret = -1;
	} else {
		mbedtls_ecp_keypair *ec = mbedtls_pk_ec(k->pk);

		/* FIT ECDSA signatures are raw r||s, each 32 bytes big-endian */
		ret = mbedtls_ecdsa_sign(&ec->grp, &r, &s, &ec->d, digest, SHA256_LEN, mbedtls_ctr_drbg_random,
					 &drbg);
		if (!ret)
			ret = mbedtls_mpi_write_binary(&r, sig, 32);
		if (!ret)
			ret = mbedtls_mpi_write_binary(&s, sig + 32, 32);
	}
	if (ret)
		ret = sf_fail(err, SF_R_FAILED, "signing with key '%s' failed (mbedTLS error -0x%04x)", k->path,
			      (unsigned int)-ret);
out:
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	return ret;
}

/* signature-@k's node in the finished header, its hashed-strings filled in. */
static int sig_node(struct create_ctx *c, unsigned int k, int *node, struct sf_err *err)
{
	uint32_t hs[2] = { 0, cpu_to_fdt32(fdt_size_dt_strings(c->blob)) };
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/configurations/" CONF_NAME "/signature-%u", k + 1);
	*node = fdt_path_offset(c->blob, path);
	ret = *node < 0 ? *node : fdt_setprop_inplace(c->blob, *node, "hashed-strings", hs, sizeof(hs));
	if (ret)
		return sf_fail(err, SF_R_FAILED, "filling in the signature: %s", fdt_strerror(ret));
	return 0;
}

/*
 * Signs the finished header with the regions fit_verify() checks. A
 * signature node's properties are not in them: every key signs one digest.
 */
static int sign_header(struct create_ctx *c, struct sf_err *err)
{
	uint8_t digest[SHA256_LEN], sig[SIG_MAX];
	int node[FIT_CREATE_KEYS_MAX] = { 0 }, ret = 0;
	struct fit_inc *inc = NULL;
	uint32_t names_end;

	for (unsigned int k = 0; k < c->o->n_keys && !ret; k++)
		ret = sig_node(c, k, &node[k], err);
	if (ret)
		return ret;
	/* the same checks a bundle gets before verification: our own output passes them */
	ret = fit_check_blob(c->blob, c->blob_size, err);
	if (ret) {
		sf_err_prefix(err, "the header built is invalid");
		return ret;
	}
	inc = calloc(1, sizeof(*inc));
	if (!inc)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory signing");
	ret = fit_config_inc(c->blob, fdt_parent_offset(c->blob, node[0]), inc, err);
	ret = ret ?: fit_signed_digest(c->blob, inc, fdt_size_dt_strings(c->blob), digest, &names_end, err);
	for (unsigned int k = 0; k < c->o->n_keys && !ret; k++) {
		int fret;

		ret = sign_digest(&c->key[k], digest, sig, err);
		fret = ret ? 0 : fdt_setprop_inplace(c->blob, node[k], "value", sig, (int)c->key[k].sig_len);
		if (fret)
			ret = sf_fail(err, SF_R_FAILED, "filling in the signature: %s", fdt_strerror(fret));
	}
	free(inc);
	return ret;
}

/* Makes the rename durable: the folder entry is synced too. */
static int sync_parent(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd, ret = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	/* no slash: the current folder ("" may not hold ".") */
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(dir);
	return ret;
}

/* The header and the image data into a file beside @o->out_path, renamed over it once durable. */
static int write_bundle(struct create_ctx *c, struct sf_err *err)
{
	const char *out = c->o->out_path;
	int ret;

	if (asprintf(&c->tmp_path, "%s.tmp.XXXXXX", out) < 0) {
		c->tmp_path = NULL;
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory in bundle create");
	}
	c->out_fd = mkstemp(c->tmp_path);
	if (c->out_fd < 0) {
		ret = sf_fail_errno(err, errno == EACCES || errno == EPERM ? SF_R_PERMISSION : SF_R_OUTPUT_IO, errno,
				    "cannot create '%s'", c->tmp_path);
		free(c->tmp_path);
		c->tmp_path = NULL;
		return ret;
	}
	ret = stream_images(c, err);
	ret = ret ?: sign_header(c, err);
	if (ret)
		return ret;
	ret = write_all(c->out_fd, c->blob, c->blob_size, 0);
	ret = ret ?: write_zeros(c->out_fd, c->blob_size, c->header_end);
	if (!ret && fchmod(c->out_fd, 0644))
		ret = -errno;
	if (!ret && fsync(c->out_fd))
		ret = -errno;
	if (!ret) {
		ret = close(c->out_fd) ? -errno : 0;
		c->out_fd = -1;
	}
	if (!ret && rename(c->tmp_path, out))
		ret = -errno;
	if (ret)
		return sf_fail_errno(err, SF_R_OUTPUT_IO, ret, "cannot write '%s'", out);
	free(c->tmp_path);
	c->tmp_path = NULL;
	ret = sync_parent(out);
	if (ret)
		return sf_fail_errno(err, SF_R_OUTPUT_IO, ret, "cannot sync the folder of '%s'", out);
	return 0;
}

int fit_create(const struct fit_create_opts *o, struct sf_err *err)
{
	struct create_ctx *c;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory in bundle create");
	c->o = o;
	c->out_fd = -1;
	for (unsigned int i = 0; i < CONFIG_MAX_BUNDLE_IMAGES; i++)
		c->img[i].fd = -1;
	for (unsigned int k = 0; k < FIT_CREATE_KEYS_MAX; k++)
		mbedtls_pk_init(&c->key[k].pk);

	ret = check_opts(c, err);
	for (unsigned int k = 0; k < o->n_keys && !ret; k++)
		ret = load_key(&c->key[k], err);
	ret = ret ?: open_images(c, err);
	ret = ret ?: make_header(c, err);
	ret = ret ?: write_bundle(c, err);
	if (c->out_fd >= 0)
		close(c->out_fd);
	if (c->tmp_path) {
		unlink(c->tmp_path);
		free(c->tmp_path);
	}
	for (unsigned int i = 0; i < CONFIG_MAX_BUNDLE_IMAGES; i++)
		if (c->img[i].fd >= 0)
			close(c->img[i].fd);
	for (unsigned int k = 0; k < FIT_CREATE_KEYS_MAX; k++)
		mbedtls_pk_free(&c->key[k].pk);
	free(c->blob);
	free(c);
	return ret;
}
