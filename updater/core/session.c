// SPDX-License-Identifier: MIT
#include <errno.h>

#include "core/core.h"

int sf_load(const struct sf_ctx *ctx, struct sf_session *s, struct sf_err *err)
{
	int ret;

	kv_clear(&s->env);
	ret = ctx->env->load(ctx->env_priv, &s->env);
	if (ret == -ENODATA)
		return sf_fail(err, SF_ECONFIG,
			       "the environment (%s) has no valid copy; on a factory-fresh device run 'slotflip init'",
			       ctx->sys->env_config);
	if (ret == -EBADMSG)
		return sf_fail(err, SF_ECONFIG,
			       "the environment (%s) has no valid copy but holds data: its offsets or size may be wrong, or both copies are damaged; slotflip will not overwrite it",
			       ctx->sys->env_config);
	if (ret == -E2BIG)
		return sf_fail(err, SF_ECONFIG,
			       "the environment (%s) holds sf_* variables slotflip cannot have written (more than %d, a name over %d or a value over %d characters)",
			       ctx->sys->env_config, KV_MAX, KV_NAME_MAX - 1, KV_VALUE_MAX - 1);
	if (ret)
		return sf_fail_errno(err, SF_EIO, ret, "cannot read the environment (%s)", ctx->sys->env_config);
	return state_from_env(&s->st, &s->env, ctx->sys->names, ctx->sys->n, err);
}

int sf_store(const struct sf_ctx *ctx, struct sf_session *s, const struct sys_state *st, struct sf_err *err)
{
	struct kv next = s->env;
	int ret;

	ret = state_to_env(st, &next, err);
	if (ret)
		return ret;
	ret = ctx->env->store(ctx->env_priv, &next);
	if (ret)
		return sf_fail_errno(err, SF_EIO, ret, "cannot store the environment (%s)", ctx->sys->env_config);
	s->env = next;
	s->st = *st;
	return 0;
}
