// SPDX-License-Identifier: MIT
/* init, commit and remove: one environment store each. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int sf_init(const struct sf_ctx *ctx, const struct sf_factory *factory, unsigned int n_factory,
	    struct sf_err *err)
{
	struct sf_session *s;
	struct sys_state st;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "init");
	ret = ctx->env->load(ctx->env_priv, &s->env);
	if (ret == 0) {
		ret = sf_fail(err, SF_EPOLICY,
			      "the environment (%s) already holds a valid copy; init only sets up a factory-fresh one",
			      ctx->sys->env_config);
		goto out;
	}
	if (ret == -EBADMSG) {
		ret = sf_fail(err, SF_ECONFIG,
			      "the environment (%s) is not valid but not blank either: check fw_env.config; init only sets up an erased (all 0x00 or 0xff) one",
			      ctx->sys->env_config);
		goto out;
	}
	if (ret != -ENODATA) {
		ret = sf_fail_errno(err, SF_EIO, ret, "cannot read the environment (%s)", ctx->sys->env_config);
		goto out;
	}
	kv_clear(&s->env);
	for (unsigned int k = 0; k < n_factory; k++) {
		if (sysconf_find(ctx->sys, factory[k].component) < 0) {
			ret = sf_fail(err, SF_EUSAGE, "--factory names component '%s', which this board does not have",
				      factory[k].component);
			goto out;
		}
	}
	st.n = ctx->sys->n;
	for (unsigned int i = 0; i < st.n; i++) {
		const struct sf_factory *f = NULL;

		for (unsigned int k = 0; k < n_factory; k++)
			if (!strcmp(factory[k].component, ctx->sys->names[i]))
				f = &factory[k];
		state_init_comp(&st.c[i], ctx->sys->names[i], f ? f->version : NULL, f ? f->sv : 0);
	}
	ret = sf_store(ctx, s, &st, err);
out:
	free(s);
	return ret;
}

int sf_commit(const struct sf_ctx *ctx, const char *const names[], unsigned int n, struct sf_err *err)
{
	int idx[CONFIG_MAX_COMPONENTS];
	struct sf_session *s;
	struct sys_state st;
	unsigned int count, armed = 0;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "commit");
	ret = sysconf_select(ctx->sys, names, n, idx, &count, err);
	ret = ret ?: sf_load(ctx, s, err);
	if (ret)
		goto out;
	st = s->st;
	for (unsigned int k = 0; k < count; k++) {
		struct comp_state *c = &st.c[idx[k]];

		if (c->trial == SLOT_NONE) {
			if (n) {
				ret = sf_fail(err, SF_EPOLICY, "%s has no armed trial to commit", c->name);
				goto out;
			}
			continue;
		}
		state_commit(c);
		armed++;
	}
	if (armed)
		ret = sf_store(ctx, s, &st, err);
out:
	free(s);
	return ret;
}

int sf_remove(const struct sf_ctx *ctx, const char *name, int *active, struct sf_err *err)
{
	struct sf_session *s;
	struct sys_state st;
	int i, ret;

	i = sysconf_find(ctx->sys, name);
	if (i < 0)
		return sf_fail(err, SF_EUSAGE, "unknown component '%s'", name);
	s = calloc(1, sizeof(*s));
	if (!s)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "remove");
	ret = sf_load(ctx, s, err);
	if (ret)
		goto out;
	st = s->st;
	ret = state_remove(&st.c[i], err);
	ret = ret ?: sf_store(ctx, s, &st, err);
	if (!ret && active)
		*active = st.c[i].active;
out:
	free(s);
	return ret;
}
