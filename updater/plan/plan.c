// SPDX-License-Identifier: MIT
#include "plan/plan.h"

#include <string.h>

/* The version component @name will run once @b is installed, or NULL. */
static const char *version_after(const struct fit_bundle *b, const struct sys_state *st, const char *name)
{
	int i;

	for (unsigned int k = 0; k < b->n_images; k++)
		if (!strcmp(b->image[k].component, name))
			return b->image[k].version;
	i = state_find(st, name);
	if (i < 0 || !st->c[i].slot[st->c[i].active].version[0])
		return NULL;
	return st->c[i].slot[st->c[i].active].version;
}

static int check_patch(const struct fit_image *img, const struct comp_state *c, struct sf_err *err)
{
	const struct slot_info *act = &c->slot[c->active];
	char base[SF_VERSION_MAX];

	if (!act->version[0])
		return sf_fail(err, SF_EPOLICY, "patch %s of %s needs baseline %s, slot %s holds no version",
			       img->version, c->name, img->base_version, slot_name(c->active));
	sf_version_baseline(act->version, base);
	if (strcmp(base, img->base_version))
		return sf_fail(err, SF_EPOLICY, "patch needs baseline %s, slot %s holds %s", img->base_version,
			       slot_name(c->active), act->version);
	if (!strcmp(act->version, img->base_version) && img->security_version < act->sv)
		return sf_fail(err, SF_EPOLICY,
			       "patch %s of %s has security version %u, below its baseline's %u", img->version,
			       c->name, (unsigned int)img->security_version, (unsigned int)act->sv);
	return 0;
}

static int check_requires(const struct fit_bundle *b, const struct fit_image *img, const struct sys_state *st,
			  struct sf_err *err)
{
	for (unsigned int r = 0; r < img->n_requires; r++) {
		const struct fit_require *req = &img->requires[r];
		const char *have = version_after(b, st, req->component);

		if (!have)
			return sf_fail(err, SF_EPOLICY, "%s %s requires %s>=%s, which this board does not run",
				       img->component, img->version, req->component, req->version);
		if (sf_version_cmp(have, req->version) < 0)
			return sf_fail(err, SF_EPOLICY, "%s %s requires %s>=%s, the board would run %s",
				       img->component, img->version, req->component, req->version, have);
	}
	return 0;
}

int plan_install(const struct fit_bundle *b, const struct plan_input *in, struct plan *out, struct sf_err *err)
{
	int ret;

	if (strcmp(b->board, in->board))
		return sf_fail(err, SF_EPOLICY, "bundle is for board '%s', this board is '%s'", b->board, in->board);
	out->n = 0;
	for (unsigned int k = 0; k < b->n_images; k++) {
		const struct fit_image *img = &b->image[k];
		int i = state_find(in->st, img->component);
		const struct comp_state *c;
		int target;

		if (i < 0)
			return sf_fail(err, SF_EPOLICY, "bundle image '%s' is for component '%s', which this board does not have",
				       img->node, img->component);
		c = &in->st->c[i];
		if (img->security_version < c->floor)
			return sf_fail(err, SF_EPOLICY, "security version %u is below the floor %u of %s",
				       (unsigned int)img->security_version, (unsigned int)c->floor, c->name);
		if (img->base_version[0]) {
			ret = check_patch(img, c, err);
			if (ret)
				return ret;
		}
		ret = check_requires(b, img, in->st, err);
		if (ret)
			return ret;
		target = slot_other(c->active);
		if (img->data_size > in->slot_size[i][target])
			return sf_fail(err, SF_EPOLICY, "image of %s is %llu bytes, slot %s holds only %llu", c->name,
				       (unsigned long long)img->data_size, slot_name(target),
				       (unsigned long long)in->slot_size[i][target]);
		out->item[out->n].comp = (unsigned int)i;
		out->item[out->n].slot = target;
		out->item[out->n].image = k;
		out->n++;
	}
	return 0;
}

void plan_apply_invalidate(struct sys_state *st, const struct plan *p)
{
	for (unsigned int k = 0; k < p->n; k++)
		state_invalidate(&st->c[p->item[k].comp], p->item[k].slot);
}

void plan_apply_arm(struct sys_state *st, const struct plan *p, const struct fit_bundle *b, unsigned int tries)
{
	for (unsigned int k = 0; k < p->n; k++) {
		const struct fit_image *img = &b->image[p->item[k].image];

		state_arm(&st->c[p->item[k].comp], p->item[k].slot, img->version, img->security_version, tries);
	}
}
