// SPDX-License-Identifier: MIT
#include "fake_env.h"

#include <errno.h>

static int fake_load(void *priv, struct kv *out)
{
	struct fake_env *e = priv;

	e->loads++;
	if (!e->valid)
		return -ENODATA;
	*out = e->kv;
	return 0;
}

static int fake_store(void *priv, const struct kv *vars)
{
	struct fake_env *e = priv;

	e->stores++;
	if (e->fail_store && e->stores == e->fail_store)
		return -EIO;
	e->kv = *vars;
	e->valid = true;
	return 0;
}

const struct env_ops fake_env_ops = {
	.load = fake_load,
	.store = fake_store,
};
