// SPDX-License-Identifier: MIT
#include "fake_env.h"

#include <errno.h>

static int fake_load(void *priv, struct kv *out)
{
	struct fake_env *e = priv;

	e->loads++;
	if (e->power && e->power->off)
		return -EIO;
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
	switch (e->power ? power_op(e->power, 'e') : POWER_DO) {
	case POWER_DEAD:
	case POWER_TEAR_AND_DIE:
		return -EIO;
	case POWER_DO_AND_DIE:
		e->kv = *vars;
		e->valid = true;
		return -EIO;
	case POWER_DO:
		break;
	}
	e->kv = *vars;
	e->valid = true;
	return 0;
}

const struct env_ops fake_env_ops = {
	.load = fake_load,
	.store = fake_store,
};
