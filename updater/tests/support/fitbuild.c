// SPDX-License-Identifier: MIT
#include "tests/support/fitbuild.h"

#include <fcntl.h>
#include <ftw.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/rsa.h>

#include "common/sha256.h"
#include "fit/fit_internal.h"
#include "sf_kconfig.h"

struct fb_prop {
	char *name;
	uint8_t *val;
	size_t len;
	struct fb_prop *next;
};

struct fb_node {
	char *name;
	struct fb_prop *props;
	struct fb_node *children;
	struct fb_node *next;
};

static void die(const char *what, int code)
{
	fprintf(stderr, "fitbuild: %s failed (%d)\n", what, code);
	abort();
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		die("calloc", 0);
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("strdup", 0);
	return p;
}

static mbedtls_ctr_drbg_context *rng(void)
{
	static mbedtls_entropy_context entropy;
	static mbedtls_ctr_drbg_context drbg;
	static bool ready;
	int ret;

	if (!ready) {
		mbedtls_entropy_init(&entropy);
		mbedtls_ctr_drbg_init(&drbg);
		ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)"fb", 2);
		if (ret)
			die("mbedtls_ctr_drbg_seed", ret);
		ready = true;
	}
	return &drbg;
}

void fb_key_gen(struct fb_key *k, const char *name, enum fb_key_type type)
{
	int ret;

	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
	mbedtls_pk_init(&k->pk);
	if (type == FB_RSA2048) {
		ret = mbedtls_pk_setup(&k->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA));
		if (!ret)
			ret = mbedtls_rsa_gen_key(mbedtls_pk_rsa(k->pk), mbedtls_ctr_drbg_random, rng(), 2048, 65537);
		k->algo = "sha256,rsa2048";
		k->sig_len = 256;
	} else {
		ret = mbedtls_pk_setup(&k->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
		if (!ret)
			ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(k->pk), mbedtls_ctr_drbg_random,
						  rng());
		k->algo = "sha256,ecdsa256";
		k->sig_len = 64;
	}
	if (ret)
		die("key generation", ret);
}

static void write_text(const char *path, const unsigned char *pem)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs((const char *)pem, f) < 0 || fclose(f))
		die(path, 0);
}

void fb_key_write_public(const struct fb_key *k, const char *dir)
{
	unsigned char pem[4096];
	char path[512];
	int ret;

	ret = mbedtls_pk_write_pubkey_pem((mbedtls_pk_context *)&k->pk, pem, sizeof(pem));
	if (ret)
		die("mbedtls_pk_write_pubkey_pem", ret);
	snprintf(path, sizeof(path), "%s/%s.pem", dir, k->name);
	write_text(path, pem);
}

void fb_key_write_private(const struct fb_key *k, const char *path)
{
	unsigned char pem[8192];
	int ret;

	ret = mbedtls_pk_write_key_pem((mbedtls_pk_context *)&k->pk, pem, sizeof(pem));
	if (ret)
		die("mbedtls_pk_write_key_pem", ret);
	write_text(path, pem);
}

void fb_key_free(struct fb_key *k)
{
	mbedtls_pk_free(&k->pk);
}

struct fb_node *fb_tree_new(void)
{
	struct fb_node *n = xcalloc(1, sizeof(*n));

	n->name = xstrdup("");
	return n;
}

static void free_props(struct fb_prop *p)
{
	while (p) {
		struct fb_prop *next = p->next;

		free(p->name);
		free(p->val);
		free(p);
		p = next;
	}
}

void fb_tree_free(struct fb_node *n)
{
	while (n) {
		struct fb_node *next = n->next;

		fb_tree_free(n->children);
		free_props(n->props);
		free(n->name);
		free(n);
		n = next;
	}
}

static struct fb_node *child(struct fb_node *n, const char *name, size_t len, bool create)
{
	struct fb_node **pp = &n->children;

	for (; *pp; pp = &(*pp)->next)
		if (strlen((*pp)->name) == len && !strncmp((*pp)->name, name, len))
			return *pp;
	if (!create)
		return NULL;
	*pp = xcalloc(1, sizeof(**pp));
	(*pp)->name = strndup(name, len);
	if (!(*pp)->name)
		die("strndup", 0);
	return *pp;
}

static struct fb_node *walk(struct fb_node *root, const char *path, bool create)
{
	struct fb_node *n = root;

	while (n && *path) {
		size_t len;

		while (*path == '/')
			path++;
		len = strcspn(path, "/");
		if (!len)
			break;
		n = child(n, path, len, create);
		path += len;
	}
	if (!n)
		die("fitbuild: no such node", 0);
	return n;
}

struct fb_node *fb_node(struct fb_node *root, const char *path)
{
	return walk(root, path, true);
}

void fb_node_add(struct fb_node *root, const char *path, const char *name)
{
	struct fb_node *parent = walk(root, path, true), **pp = &parent->children;

	while (*pp)
		pp = &(*pp)->next;
	*pp = xcalloc(1, sizeof(**pp));
	(*pp)->name = xstrdup(name);
}

void fb_node_del(struct fb_node *root, const char *path)
{
	const char *slash = strrchr(path, '/');
	struct fb_node *parent, **pp;
	char *ppath = strndup(path, (size_t)(slash - path));

	if (!ppath)
		die("strndup", 0);
	parent = walk(root, ppath, false);
	free(ppath);
	for (pp = &parent->children; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, slash + 1))
			continue;
		struct fb_node *gone = *pp;

		*pp = gone->next;
		gone->next = NULL;
		fb_tree_free(gone);
		return;
	}
	die("fb_node_del: no such node", 0);
}

void fb_node_to_end(struct fb_node *root, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *ppath = strndup(path, (size_t)(slash - path));
	struct fb_node *parent, **pp, *moved = NULL;

	if (!ppath)
		die("strndup", 0);
	parent = walk(root, ppath, false);
	free(ppath);
	for (pp = &parent->children; *pp;) {
		if (!moved && !strcmp((*pp)->name, slash + 1)) {
			moved = *pp;
			*pp = moved->next;
			moved->next = NULL;
			continue;
		}
		pp = &(*pp)->next;
	}
	if (!moved)
		die("fb_node_to_end: no such node", 0);
	*pp = moved;
}

void fb_node_rename(struct fb_node *root, const char *path, const char *name)
{
	struct fb_node *n = walk(root, path, false);

	free(n->name);
	n->name = xstrdup(name);
}

void fb_prop(struct fb_node *root, const char *path, const char *name, const void *val, size_t len)
{
	struct fb_node *n = walk(root, path, true);
	struct fb_prop **pp = &n->props;

	for (; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->name, name))
			break;
	if (!*pp) {
		*pp = xcalloc(1, sizeof(**pp));
		(*pp)->name = xstrdup(name);
	}
	free((*pp)->val);
	(*pp)->val = xcalloc(1, len ? len : 1);
	memcpy((*pp)->val, val, len);
	(*pp)->len = len;
}

void fb_prop_str(struct fb_node *root, const char *path, const char *name, const char *s)
{
	fb_prop(root, path, name, s, strlen(s) + 1);
}

void fb_prop_u32(struct fb_node *root, const char *path, const char *name, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	fb_prop(root, path, name, &be, sizeof(be));
}

void fb_prop_del(struct fb_node *root, const char *path, const char *name)
{
	struct fb_node *n = walk(root, path, false);

	for (struct fb_prop **pp = &n->props; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name))
			continue;
		struct fb_prop *gone = *pp;

		*pp = gone->next;
		gone->next = NULL;
		free_props(gone);
		return;
	}
	die("fb_prop_del: no such property", 0);
}

void fb_image_data(unsigned int index, uint8_t *buf, size_t size)
{
	for (size_t i = 0; i < size; i++)
		buf[i] = (uint8_t)(index * 37 + i * 7 + (i >> 8));
}

uint64_t fb_image_position(const struct fb_image *img, unsigned int index)
{
	uint64_t pos = 4096;

	for (unsigned int i = 0; i < index; i++)
		pos = (pos + img[i].size + 4095) / 4096 * 4096;
	return pos;
}

struct fb_node *fb_bundle(const struct fb_image *img, unsigned int n, const struct fb_key *key)
{
	struct fb_node *root = fb_tree_new();
	char loadables[1024], hashed[4096], path[256];
	size_t ll = 0, hl = 0;
	uint8_t zero[512] = { 0 };

	fb_prop_str(root, "/", "description", "test bundle");
	fb_prop_u32(root, "/", "timestamp", 0x6b0bf081);
	fb_prop_u32(root, "/", "#address-cells", 1);
	hl += (size_t)sprintf(hashed + hl, "/") + 1;
	hl += (size_t)sprintf(hashed + hl, "/configurations/conf-1") + 1;
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *data = xcalloc(1, img[i].size ? img[i].size : 1), digest[SHA256_LEN];

		snprintf(path, sizeof(path), "/images/%s", img[i].node);
		fb_prop_u32(root, path, "data-size", img[i].size);
		fb_prop_u32(root, path, "data-position", (uint32_t)fb_image_position(img, i));
		fb_prop_str(root, path, "description", img[i].component);
		fb_prop_str(root, path, "type", "filesystem");
		fb_prop_str(root, path, "compression", "none");
		fb_prop_str(root, path, "slotflip,component", img[i].component);
		fb_prop_str(root, path, "slotflip,version", img[i].version);
		fb_prop_u32(root, path, "slotflip,security-version", img[i].sv);
		if (img[i].base)
			fb_prop_str(root, path, "slotflip,base-version", img[i].base);
		if (img[i].requires)
			fb_prop(root, path, "slotflip,requires", img[i].requires, img[i].requires_len);
		fb_image_data(i, data, img[i].size);
		if (sha256_buf(data, img[i].size, digest))
			die("sha256_buf", 0);
		free(data);
		snprintf(path, sizeof(path), "/images/%s/hash-1", img[i].node);
		fb_prop(root, path, "value", digest, sizeof(digest));
		fb_prop_str(root, path, "algo", "sha256");
		ll += (size_t)sprintf(loadables + ll, "%s", img[i].node) + 1;
		hl += (size_t)sprintf(hashed + hl, "/images/%s", img[i].node) + 1;
		hl += (size_t)sprintf(hashed + hl, "/images/%s/hash-1", img[i].node) + 1;
	}
	fb_prop_str(root, "/configurations", "default", "conf-1");
	fb_prop_str(root, "/configurations/conf-1", "description", "test configuration");
	fb_prop_str(root, "/configurations/conf-1", "compatible", "qemu-x86_64");
	fb_prop(root, "/configurations/conf-1", "loadables", loadables, ll);
	fb_prop(root, "/configurations/conf-1/signature-1", "hashed-strings", zero, 8);
	fb_prop(root, "/configurations/conf-1/signature-1", "hashed-nodes", hashed, hl);
	fb_prop_u32(root, "/configurations/conf-1/signature-1", "timestamp", 0x6b0bf081);
	fb_prop_str(root, "/configurations/conf-1/signature-1", "signer-name", "fitbuild");
	fb_prop(root, "/configurations/conf-1/signature-1", "value", zero, key->sig_len);
	fb_prop_str(root, "/configurations/conf-1/signature-1", "algo", key->algo);
	fb_prop_str(root, "/configurations/conf-1/signature-1", "key-name-hint", key->name);
	fb_prop_str(root, "/configurations/conf-1/signature-1", "sign-images", "loadables");
	return root;
}

static void emit(void *fdt, const struct fb_node *n)
{
	int ret = fdt_begin_node(fdt, n->name);

	for (const struct fb_prop *p = n->props; !ret && p; p = p->next)
		ret = fdt_property(fdt, p->name, p->val, (int)p->len);
	if (ret)
		die("fdt_sw node", ret);
	for (const struct fb_node *c = n->children; c; c = c->next)
		emit(fdt, c);
	ret = fdt_end_node(fdt);
	if (ret)
		die("fdt_end_node", ret);
}

void *fb_build(const struct fb_node *root, unsigned int extra_roots, size_t *size)
{
	size_t room = 1 << 20, total;
	void *fdt = xcalloc(1, room);
	int ret;

	ret = fdt_create(fdt, (int)room);
	if (!ret)
		ret = fdt_finish_reservemap(fdt);
	if (ret)
		die("fdt_create", ret);
	emit(fdt, root);
	for (unsigned int i = 0; i < extra_roots; i++) {
		ret = fdt_begin_node(fdt, "");
		if (!ret)
			ret = fdt_end_node(fdt);
		if (ret)
			die("extra root", ret);
	}
	ret = fdt_finish(fdt);
	if (ret)
		die("fdt_finish", ret);
	total = (fdt_totalsize(fdt) + 3) & ~(size_t)3;
	memset((uint8_t *)fdt + fdt_totalsize(fdt), 0, total - fdt_totalsize(fdt));
	fdt_set_totalsize(fdt, (uint32_t)total);
	*size = total;
	return fdt;
}

struct digest_ctx {
	struct sha256 *h;
	const uint8_t *blob;
};

static int digest_emit(void *priv, size_t offset, size_t size)
{
	struct digest_ctx *c = priv;

	return sha256_update(c->h, c->blob + offset, size) ? 1 : 0;
}

void fb_sign(void *blob, const char *sig_path, const struct fb_key *key, const char *const *inc,
	     unsigned int n_inc, uint32_t hs_size, bool set_hs)
{
	struct digest_ctx dc = { .blob = blob };
	uint8_t digest[SHA256_LEN], sig[1024];
	struct fit_inc *list = NULL;
	struct sf_err err = { 0 };
	uint32_t names_end;
	size_t len = 0;
	int sig_node, ret;

	sig_node = fdt_path_offset(blob, sig_path);
	if (sig_node < 0)
		die("fb_sign: no signature node", sig_node);
	if (hs_size == FB_HS_FULL)
		hs_size = fdt_size_dt_strings(blob);
	if (set_hs) {
		fdt32_t hs[2] = { 0, cpu_to_fdt32(hs_size) };

		ret = fdt_setprop_inplace(blob, sig_node, "hashed-strings", hs, sizeof(hs));
		if (ret)
			die("fb_sign: hashed-strings", ret);
	}
	if (!inc) {
		list = xcalloc(1, sizeof(*list));
		ret = fit_config_inc(blob, fdt_parent_offset(blob, sig_node), list, &err);
		if (ret) {
			fprintf(stderr, "fitbuild: %s\n", err.msg);
			die("fb_sign: fit_config_inc", ret);
		}
		inc = list->path;
		n_inc = list->n;
	}
	if (sha256_new(&dc.h, SHA256_ENGINE_MBEDTLS))
		die("sha256_new", 0);
	ret = fit_regions(blob, inc, n_inc, digest_emit, &dc, &names_end, &err);
	if (ret)
		die(err.msg, ret);
	if (sha256_update(dc.h, (const uint8_t *)blob + fdt_off_dt_strings(blob), hs_size) ||
	    sha256_final(dc.h, digest))
		die("sha256", 0);
	sha256_free(dc.h);
	free(list);
	if (mbedtls_pk_get_type(&key->pk) == MBEDTLS_PK_RSA) {
		ret = mbedtls_pk_sign((mbedtls_pk_context *)&key->pk, MBEDTLS_MD_SHA256, digest, sizeof(digest), sig,
				      &len, mbedtls_ctr_drbg_random, rng());
	} else {
		mbedtls_ecp_keypair *ec = mbedtls_pk_ec(key->pk);
		mbedtls_mpi r, s;

		mbedtls_mpi_init(&r);
		mbedtls_mpi_init(&s);
		ret = mbedtls_ecdsa_sign(&ec->grp, &r, &s, &ec->d, digest, sizeof(digest), mbedtls_ctr_drbg_random,
					 rng());
		if (!ret)
			ret = mbedtls_mpi_write_binary(&r, sig, 32);
		if (!ret)
			ret = mbedtls_mpi_write_binary(&s, sig + 32, 32);
		len = 64;
		mbedtls_mpi_free(&r);
		mbedtls_mpi_free(&s);
	}
	if (ret)
		die("signing", ret);
	ret = fdt_setprop_inplace(blob, sig_node, "value", sig, (int)len);
	if (ret)
		die("fb_sign: value (placeholder of another length?)", ret);
}

void *fb_make_bundle(const struct fb_image *img, unsigned int n, const struct fb_key *key, size_t *size)
{
	struct fb_node *root = fb_bundle(img, n, key);
	void *blob = fb_build(root, 0, size);

	fb_tree_free(root);
	fb_sign(blob, "/configurations/conf-1/signature-1", key, NULL, 0, FB_HS_FULL, true);
	return blob;
}

uint64_t fb_write_file(const char *path, const void *blob, size_t size, const struct fb_image *img,
		       unsigned int n)
{
	uint64_t end = size;
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(blob, 1, size, f) != size)
		die(path, 0);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t pos = fb_image_position(img, i);
		uint8_t *data = xcalloc(1, img[i].size ? img[i].size : 1);

		fb_image_data(i, data, img[i].size);
		if (fseek(f, (long)pos, SEEK_SET) || fwrite(data, 1, img[i].size, f) != img[i].size)
			die(path, 0);
		free(data);
		end = pos + img[i].size;
	}
	if (fclose(f))
		die(path, 0);
	return end;
}

char *fb_tmpdir(void)
{
	char *d = xstrdup("/tmp/slotflip-fit-XXXXXX");

	if (!mkdtemp(d))
		die("mkdtemp", 0);
	return d;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void fb_rmtree(const char *dir)
{
	if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS))
		die("fb_rmtree", 0);
}

bool fb_both_algorithms(void)
{
	if (IS_ENABLED(CONFIG_SIG_RSA) && IS_ENABLED(CONFIG_SIG_ECDSA))
		return true;
	printf("# skipped: needs CONFIG_SIG_RSA and CONFIG_SIG_ECDSA\n");
	return false;
}
