// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* What an env_ops->load result means for a command other than init; decoded here only. */
static int env_verdict(const struct sf_ctx *ctx, int ret, enum env_state state, struct sf_err *err)
{
	const char *cfg = ctx->sys->env_config;

	if (ret == -E2BIG)
		return sf_fail(err, SF_R_ENV_MALFORMED,
			       "the environment (%s) holds sf_* variables slotflip cannot have written (more than %d, a name over %d characters, a value over %d or one holding a newline)",
			       cfg, KV_MAX, KV_NAME_MAX - 1, KV_VALUE_MAX - 1);
	if (ret)
		return sf_fail_errno(err, sf_errno_reason(ret, SF_R_ENV_IO), ret, "cannot read the environment (%s)", cfg);
	switch (state) {
	case ENV_VALID:
		return 0;
	case ENV_BLANK:
		return sf_fail(err, SF_R_ENV_BLANK,
			       "the environment (%s) has no valid copy; on a factory-fresh device run 'slotflip init'",
			       cfg);
	case ENV_TORN:
		return sf_fail(err, SF_R_ENV_BLANK,
			       "the environment (%s) has no valid copy: its first store was cut short and no state was ever recorded; run 'slotflip init' again",
			       cfg);
	case ENV_DAMAGED:
	default:
		return sf_fail(err, SF_R_ENV_DAMAGED,
			       "the environment (%s) has no valid copy but holds data: its offsets or size may be wrong, or both copies are damaged; slotflip will not overwrite it",
			       cfg);
	}
}

int sf_load(const struct sf_ctx *ctx, struct sf_session *s, struct sf_err *err)
{
	enum env_state state = ENV_DAMAGED;
	int ret;

	kv_clear(&s->env);
	ret = ctx->env->load(ctx->env_priv, &s->env, &state);
	ret = env_verdict(ctx, ret, state, err);
	if (ret)
		return ret;
	return state_from_env(&s->st, &s->env, ctx->sys->names, ctx->sys->n, err);
}

int sf_env_fits(const struct sf_ctx *ctx, const struct sf_session *s, const struct sys_state *const st[],
		unsigned int n, struct sf_err *err)
{
	size_t need = 0, avail = 0, most = 0;
	struct kv *next;
	int ret = 0;

	next = malloc(sizeof(*next));
	if (!next)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory");
	for (unsigned int k = 0; k < n && !ret; k++) {
		*next = s->env;
		ret = state_to_env(st[k], next, err);
		if (ret)
			break;
		ret = ctx->env->space(ctx->env_priv, next, &need, &avail);
		if (ret)
			ret = sf_fail_errno(err, SF_R_ENV_IO, ret, "cannot read the environment (%s)",
					    ctx->sys->env_config);
		else if (need > most)
			most = need;
	}
	free(next);
	if (!ret && most > avail)
		ret = sf_fail(err, SF_R_ENV_FULL,
			      "the environment (%s) is too small: this needs %zu bytes, it has %zu; nothing was written",
			      ctx->sys->env_config, most, avail);
	return ret;
}

int sf_store(const struct sf_ctx *ctx, struct sf_session *s, const struct sys_state *st, struct sf_err *err)
{
	struct kv *next;
	size_t need = 0, avail = 0;
	int ret;

	next = malloc(sizeof(*next));
	if (!next)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory");
	*next = s->env;
	ret = state_to_env(st, next, err);
	if (ret)
		goto out;
	ret = ctx->env->store(ctx->env_priv, next);
	if (ret == -ENOSPC && !ctx->env->space(ctx->env_priv, next, &need, &avail))
		ret = sf_fail(err, SF_R_ENV_FULL, "the environment (%s) is full: the new state needs %zu bytes, it has %zu",
			      ctx->sys->env_config, need, avail);
	else if (ret)
		ret = sf_fail_errno(err, sf_errno_reason(ret, SF_R_ENV_IO), ret, "cannot store the environment (%s)",
				    ctx->sys->env_config);
	if (ret)
		goto out;
	s->env = *next;
	s->st = *st;
out:
	free(next);
	return ret;
}

int sf_booted_slot(const char *cmdline, const char *comp)
{
	char key[48];
	size_t klen;
	const char *p = cmdline;

	if (!cmdline)
		return SLOT_NONE;
	klen = (size_t)snprintf(key, sizeof(key), "slotflip.%s=", comp);
	while ((p = strstr(p, key))) {
		if ((p == cmdline || p[-1] == ' ') && (p[klen] == 'a' || p[klen] == 'b') &&
		    (p[klen + 1] == '\0' || p[klen + 1] == ' ' || p[klen + 1] == '\n'))
			return p[klen] == 'a' ? SLOT_A : SLOT_B;
		p += klen;
	}
	return SLOT_NONE;
}
