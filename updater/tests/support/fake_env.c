// SPDX-License-Identifier: MIT
#include "fake_env.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "io/env_image.h"

static size_t copy_size(const struct fake_env *e)
{
	return e->size ? e->size : FAKE_ENV_SIZE;
}

static int collect(void *priv, const char *name, const char *value)
{
	struct kv *out = priv;

	if (strncmp(name, ENV_PREFIX, strlen(ENV_PREFIX)))
		return 0;
	return kv_set(out, name, value) ? -E2BIG : 0;
}

int fake_env_get(const struct fake_env *e, struct kv *out)
{
	size_t size = copy_size(e);
	int cur = env_choose(e->copy[0], size, e->copy[1], size, size);

	kv_clear(out);
	if (cur < 0)
		return -ENODATA;
	return env_walk(e->copy[cur], size, collect, out);
}

static int fake_load(void *priv, struct kv *out, enum env_state *state)
{
	struct fake_env *e = priv;
	size_t size = copy_size(e);

	int cur;

	e->loads++;
	kv_clear(out);
	if (e->power && e->power->off)
		return -EIO;
	/* env_image_state() is ENV_VALID exactly when a copy is current: one CRC pass when it is */
	cur = env_choose(e->copy[0], size, e->copy[1], size, size);
	if (cur < 0) {
		*state = (enum env_state)env_image_state(e->copy[0], size, e->copy[1], size, size);
		return 0;
	}
	*state = ENV_VALID;
	return env_walk(e->copy[cur], size, collect, out);
}

/* "name=value\0..." of @e's foreign variables and @vars, ended by an empty string. */
static int serialise(const struct fake_env *e, const struct kv *vars, uint8_t *data, size_t room, size_t *len)
{
	const struct kv *sets[2] = { &e->foreign, vars };

	*len = 0;
	for (int k = 0; k < 2; k++)
		for (unsigned int i = 0; i < sets[k]->n; i++) {
			const struct kv_ent *v = &sets[k]->e[i];
			size_t n = strlen(v->name) + strlen(v->value) + 2;

			if (*len + n + 1 > room)
				return -ENOSPC;
			*len += (size_t)sprintf((char *)data + *len, "%s=%s", v->name, v->value) + 1;
		}
	data[(*len)++] = '\0';
	return 0;
}

/* The copy a store writes and its flags, as libubootenv chooses them. */
static void target(const struct fake_env *e, int *idx, uint8_t *flags)
{
	size_t size = copy_size(e);
	int cur = env_choose(e->copy[0], size, e->copy[1], size, size);

	if (cur < 0) {
		*idx = 1;
		*flags = 1;
		return;
	}
	*idx = !cur;
	*flags = (uint8_t)(e->copy[cur][4] + 1);
}

/* The new copy of a store: its index, and the bytes of its data area in use (@len). */
static int build(const struct fake_env *e, const struct kv *vars, uint8_t *out, int *idx, size_t *len)
{
	static uint8_t data[FAKE_ENV_SIZE];
	size_t size = copy_size(e);
	uint8_t flags;
	int ret;

	target(e, idx, &flags);
	ret = serialise(e, vars, data, size - ENV_HDR_REDUND, len);
	return ret ?: env_make_copy(out, size, flags, data, *len);
}

void fake_env_blank(struct fake_env *e)
{
	memset(e->copy, 0, sizeof(e->copy));
	kv_clear(&e->foreign);
}

void fake_env_erased(struct fake_env *e)
{
	memset(e->copy, 0xff, sizeof(e->copy));
	kv_clear(&e->foreign);
}

size_t fake_env_tear_len(unsigned int tear, size_t data_len, size_t size)
{
	size_t n;

	switch (tear) {
	case 0:
		n = 2;
		break;
	case 1:
		n = ENV_HDR_REDUND;
		break;
	case 2:
		n = ENV_HDR_REDUND + data_len / 2;
		break;
	case 3:
		n = ENV_HDR_REDUND + data_len - 1;
		break;
	case 4:
		n = ENV_HDR_REDUND + data_len;
		break;
	default:
		n = size / 2;
		break;
	}
	return n < size ? n : size - 1;
}

int fake_env_set(struct fake_env *e, const struct kv *vars)
{
	static uint8_t next[FAKE_ENV_SIZE];
	size_t len;
	int idx, ret;

	ret = build(e, vars, next, &idx, &len);
	if (!ret)
		memcpy(e->copy[idx], next, copy_size(e));
	return ret;
}

/* Write @next (@len bytes of data) over copy @idx as durable operation @kind. */
static int write_copy(struct fake_env *e, int idx, const uint8_t *next, size_t len, char kind)
{
	size_t size = copy_size(e);

	switch (e->power ? power_op(e->power, kind) : POWER_DO) {
	case POWER_DEAD:
		return -EIO;
	case POWER_TEAR_AND_DIE:
		/* a prefix of the new copy reaches the medium, the rest keeps the old bytes */
		memcpy(e->copy[idx], next, fake_env_tear_len(e->power->tear, len, size));
		return -EIO;
	case POWER_DO_AND_DIE:
		memcpy(e->copy[idx], next, size);
		return -EIO;
	case POWER_DO:
		break;
	}
	memcpy(e->copy[idx], next, size);
	return 0;
}

static int fake_store(void *priv, const struct kv *vars)
{
	static uint8_t next[FAKE_ENV_SIZE];
	struct fake_env *e = priv;
	size_t len;
	int idx, ret;

	e->stores++;
	if (e->fail_store && e->stores == e->fail_store)
		return -EIO;
	ret = build(e, vars, next, &idx, &len);
	return ret ?: write_copy(e, idx, next, len, 'e');
}

int fake_env_uboot_store(struct fake_env *e, const struct kv *vars)
{
	static uint8_t data[FAKE_ENV_SIZE], next[FAKE_ENV_SIZE];
	size_t size = copy_size(e), len;
	int cur = env_choose(e->copy[0], size, e->copy[1], size, size), ret;

	if (cur < 0)
		return -ENODATA;
	kv_clear(&e->foreign);
	ret = serialise(e, vars, data, size - ENV_HDR_REDUND, &len);
	if (ret)
		return ret;
	/* the copy that is not current first, then the current one; each keeps its flags byte */
	for (int k = 0; k < 2; k++) {
		int idx = k ? cur : !cur;

		ret = env_make_copy(next, size, e->copy[idx][4], data, len);
		ret = ret ?: write_copy(e, idx, next, len, 'u');
		if (ret)
			return ret;
	}
	return 0;
}

static int fake_space(void *priv, const struct kv *vars, size_t *need, size_t *avail)
{
	const struct fake_env *e = priv;

	*need = kv_bytes(&e->foreign) + kv_bytes(vars);
	*avail = copy_size(e) - ENV_HDR_REDUND - 1;
	return 0;
}

const struct env_ops fake_env_ops = {
	.load = fake_load,
	.store = fake_store,
	.space = fake_space,
};
