// SPDX-License-Identifier: MIT
/*
 * The environment through libubootenv. libubootenv 0.3.2 ignores fsync() and
 * close() errors on store, so every store is checked by opening the environment
 * again and comparing what it reads with what was meant to be written.
 */
#include "io/env.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libuboot.h>

#include "io/env_config.h"
#include "io/env_image.h"

struct env_uboot {
	struct uboot_ctx *ctx;
	struct env_config cfg;
	struct env_uboot_medium medium;
};

static int direct_store(void *priv, struct uboot_ctx *ctx)
{
	return libuboot_env_store(ctx);
}

int env_uboot_open(struct env_uboot **out, const char *config, struct sf_err *err)
{
	return env_uboot_open_on(out, config, NULL, err);
}

int env_uboot_open_on(struct env_uboot **out, const char *config, const struct env_uboot_medium *medium,
		      struct sf_err *err)
{
	struct env_uboot *e;
	int ret;

	e = calloc(1, sizeof(*e));
	if (!e)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "environment");
	e->medium = medium ? *medium : (struct env_uboot_medium){ .store = direct_store };
	ret = env_config_check(config, &e->cfg, err);
	if (ret) {
		free(e);
		return ret;
	}
	ret = libuboot_initialize(&e->ctx, NULL);
	if (ret < 0) {
		free(e);
		return sf_fail_errno(err, SF_ECONFIG, ret, "cannot initialise libubootenv");
	}
	ret = libuboot_read_config(e->ctx, config);
	if (ret < 0) {
		env_uboot_close(e);
		return sf_fail(err, SF_ECONFIG, "cannot use environment configuration '%s' (%s)", config,
			       strerror(-ret));
	}
	*out = e;
	return 0;
}

void env_uboot_close(struct env_uboot *e)
{
	if (!e)
		return;
	libuboot_exit(e->ctx);
	free(e);
}

static bool is_ours(const char *name)
{
	return !strncmp(name, ENV_PREFIX, strlen(ENV_PREFIX));
}

/* Copy the sf_* variables of an open context into @out. */
static int collect(struct uboot_ctx *ctx, struct kv *out)
{
	void *it = NULL;
	int ret;

	kv_clear(out);
	while ((it = libuboot_iterator(ctx, it))) {
		const char *name = libuboot_getname(it), *value = libuboot_getvalue(it);

		if (!name || !value || !is_ours(name))
			continue;
		/* too long, too many or holding a newline: not a variable slotflip wrote */
		ret = kv_set(out, name, value);
		if (ret)
			return -E2BIG;
	}
	return 0;
}

/* No copy is valid: tell blank, torn and damaged apart from the raw copies. */
static int diagnose_invalid(const struct env_uboot *e, enum env_state *state)
{
	size_t size = e->cfg.dev[0].size, got[2] = { 0, 0 };
	uint8_t *buf = malloc(2 * size);

	if (!buf)
		return -ENOMEM;
	for (unsigned int i = 0; i < 2 && i < e->cfg.n; i++)
		if (env_config_read_copy(&e->cfg, i, buf + i * size, &got[i]))
			got[i] = 0;
	*state = (enum env_state)env_image_state(buf, got[0], buf + size, got[1], size);
	/* libubootenv found no valid copy: never report one */
	if (*state == ENV_VALID)
		*state = ENV_DAMAGED;
	free(buf);
	return 0;
}

static int uboot_load(void *priv, struct kv *out, enum env_state *state)
{
	struct env_uboot *e = priv;
	int ret;

	kv_clear(out);
	ret = libuboot_open(e->ctx);
	if (ret < 0) {
		libuboot_close(e->ctx);
		return ret == -ENODATA ? diagnose_invalid(e, state) : ret;
	}
	*state = ENV_VALID;
	ret = collect(e->ctx, out);
	libuboot_close(e->ctx);
	return ret;
}

/* Make the sf_* set of the open context equal to @vars. */
static int apply(struct uboot_ctx *ctx, const struct kv *vars)
{
	char stale[KV_MAX][KV_NAME_MAX];
	unsigned int n_stale = 0;
	void *it = NULL;
	int ret;

	while ((it = libuboot_iterator(ctx, it))) {
		const char *name = libuboot_getname(it);

		if (!name || !is_ours(name) || kv_get(vars, name))
			continue;
		if (n_stale >= KV_MAX || strlen(name) >= KV_NAME_MAX)
			return -E2BIG;
		snprintf(stale[n_stale++], KV_NAME_MAX, "%s", name);
	}
	for (unsigned int i = 0; i < n_stale; i++) {
		ret = libuboot_set_env(ctx, stale[i], NULL);
		if (ret)
			return ret < 0 ? ret : -EIO;
	}
	for (unsigned int i = 0; i < vars->n; i++) {
		ret = libuboot_set_env(ctx, vars->e[i].name, vars->e[i].value);
		if (ret)
			return ret < 0 ? ret : -EIO;
	}
	return 0;
}

/* Bytes of every variable that is not ours, in the current copy (none when blank). */
static int foreign_bytes(struct uboot_ctx *ctx, size_t *out)
{
	void *it = NULL;
	int ret;

	*out = 0;
	ret = libuboot_open(ctx);
	if (ret < 0 && ret != -ENODATA) {
		libuboot_close(ctx);
		return ret;
	}
	while (ret == 0 && (it = libuboot_iterator(ctx, it))) {
		const char *name = libuboot_getname(it), *value = libuboot_getvalue(it);

		if (name && value && !is_ours(name))
			*out += strlen(name) + strlen(value) + 2;
	}
	libuboot_close(ctx);
	return 0;
}

static int uboot_space(void *priv, const struct kv *vars, size_t *need, size_t *avail)
{
	struct env_uboot *e = priv;
	size_t foreign;
	int ret;

	ret = foreign_bytes(e->ctx, &foreign);
	if (ret)
		return ret;
	*need = foreign + kv_bytes(vars);
	/* a redundant copy: crc32 and flags, then the data ended by one more NUL */
	*avail = e->cfg.dev[0].size - ENV_HDR_REDUND - 1;
	return 0;
}

/*
 * Can every copy's device be opened for writing? libubootenv reports a device
 * it cannot open as -EBADF, whatever the reason: ask the kernel for the errno
 * (-EACCES without root) before anything is written.
 */
static int writable(const struct env_config *cfg)
{
	for (unsigned int i = 0; i < cfg->n; i++) {
		int fd = open(cfg->dev[i].path, O_RDWR | O_CLOEXEC);

		if (fd < 0)
			return -errno;
		close(fd);
	}
	return 0;
}

static int uboot_store(void *priv, const struct kv *vars)
{
	struct env_uboot *e = priv;
	enum env_state state;
	struct kv *check;
	size_t need, avail;
	int ret;

	check = malloc(sizeof(*check));
	if (!check)
		return -ENOMEM;
	ret = uboot_space(e, vars, &need, &avail);
	if (!ret && need > avail)
		ret = -ENOSPC;
	ret = ret ?: writable(&e->cfg);
	if (ret)
		goto out;
	ret = libuboot_open(e->ctx);
	/* a store on an env without a valid copy only ever comes from init, which checked it is blank or torn */
	if (ret < 0 && ret != -ENODATA)
		goto out;
	ret = apply(e->ctx, vars);
	if (!ret)
		ret = e->medium.store(e->medium.priv, e->ctx);
	libuboot_close(e->ctx);
	if (ret)
		goto out;
	/* read back: libubootenv does not report fsync or close errors */
	ret = uboot_load(e, check, &state);
	if (!ret && (state != ENV_VALID || !kv_equal(check, vars)))
		ret = -EIO;
out:
	free(check);
	return ret < 0 ? ret : (ret ? -EIO : 0);
}

const struct env_ops env_uboot_ops = {
	.load = uboot_load,
	.store = uboot_store,
	.space = uboot_space,
};
