// SPDX-License-Identifier: MIT
#include "plan/plan.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int plan_image_slot(const struct fit_bundle *b, const struct fit_image *img, struct slot_info *out,
		    struct sf_err *err)
{
	size_t len = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->version, sizeof(out->version), "%s", img->version);
	out->sv = img->security_version;
	snprintf(out->id, sizeof(out->id), "%s", b->id);
	for (unsigned int r = 0; r < img->n_requires; r++) {
		const struct fit_require *req = &img->requires[r];
		int n = snprintf(out->req + len, sizeof(out->req) - len, "%s%s>=%s", r ? " " : "", req->component,
				 req->version);

		if (n < 0 || (size_t)n >= sizeof(out->req) - len)
			return sf_fail(err, SF_R_LIMIT,
				       "the requirements of %s %s are longer than the %zu characters the environment records",
				       img->component, img->version, sizeof(out->req) - 1);
		len += (size_t)n;
	}
	return 0;
}

struct req_check {
	const struct sys_state *st;
	const struct slot_info *const *run;
	const struct comp_state *who;
	const struct slot_info *what;
	struct sf_err *err;
};

static const struct slot_info *running(const struct sys_state *st, const struct slot_info *const run[], unsigned int i)
{
	return run && run[i] ? run[i] : &st->c[i].slot[st->c[i].active];
}

static int one_req(void *priv, const char *comp, const char *version)
{
	struct req_check *rc = priv;
	int i = state_find(rc->st, comp);
	const struct slot_info *have;

	if (i < 0 || rc->st->c[i].broken || !(have = running(rc->st, rc->run, (unsigned int)i))->version[0])
		return sf_fail(rc->err, SF_R_REQUIRES, "%s %s requires %s>=%s, which this board would not run",
			       rc->who->name, rc->what->version, comp, version);
	if (sf_version_cmp(have->version, version) < 0)
		return sf_fail(rc->err, SF_R_REQUIRES, "%s %s requires %s>=%s, the board would run %s %s",
			       rc->who->name, rc->what->version, comp, version, comp, have->version);
	return 0;
}

int plan_requires(const struct sys_state *st, const struct slot_info *const run[], struct sf_err *err)
{
	struct req_check rc = { .st = st, .run = run, .err = err };
	int ret;

	for (unsigned int i = 0; i < st->n; i++) {
		rc.who = &st->c[i];
		rc.what = running(st, run, i);
		if (rc.who->broken || !rc.what->version[0])
			continue;
		ret = state_req_each(rc.what->req, one_req, &rc);
		if (ret == -EINVAL)
			return sf_fail(err, SF_R_ENV_MALFORMED, "the requirements of %s %s cannot be read", rc.who->name,
				       rc.what->version);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_patch(const struct fit_image *img, const struct comp_state *c, bool allow_removed,
		       struct sf_err *err)
{
	const struct slot_info *act = &c->slot[c->active];
	char base[SF_VERSION_MAX];

	if (!act->version[0])
		return sf_fail(err, SF_R_WRONG_BASELINE, "patch %s of %s needs baseline %s, slot %s holds no version",
			       img->version, c->name, img->base_version, slot_name(c->active));
	sf_version_baseline(act->version, base);
	if (strcmp(base, img->base_version))
		return sf_fail(err, SF_R_WRONG_BASELINE, "patch needs baseline %s, slot %s holds %s",
			       img->base_version, slot_name(c->active), act->version);
	if (c->removed.version[0] && img->security_version <= c->removed.sv && !allow_removed)
		return sf_fail(err, SF_R_REMOVED_BEFORE,
			       "%s %s was removed from %s (security version %u): a patch needs a higher security version, or 'install --allow-removed' installs it again",
			       c->name, c->removed.version, c->name, (unsigned int)c->removed.sv);
	return 0;
}

/* The image of @b for component @i, or NULL. */
static const struct fit_image *image_for(const struct fit_bundle *b, const struct sys_state *st, unsigned int i)
{
	for (unsigned int k = 0; k < b->n_images; k++)
		if (!strcmp(b->image[k].component, st->c[i].name))
			return &b->image[k];
	return NULL;
}

/*
 * The run of @st with the armed set of @c trying as well: its members run their
 * trials (@run otherwise); false when @b replaces one of them (store (1)
 * disarms the rest, so the set never runs).
 */
static bool set_run(const struct sys_state *st, const struct comp_state *c, const struct slot_info *const run[],
		    const struct slot_info *out[])
{
	for (unsigned int j = 0; j < st->n; j++) {
		const struct comp_state *m = &st->c[j];

		out[j] = run[j];
		if (m->broken || m->trial == SLOT_NONE || !state_same_set(m, c))
			continue;
		if (run[j])
			return false;
		out[j] = &m->slot[m->trial];
	}
	return true;
}

/*
 * The requirements once @b runs: every component runs its image of @b, else
 * its active slot; then each armed set that @b leaves alone, in its turn, its
 * members running together.
 */
static int check_requires(const struct fit_bundle *b, const struct sys_state *st, struct sf_err *err)
{
	struct slot_info img[CONFIG_MAX_COMPONENTS];
	const struct slot_info *run[CONFIG_MAX_COMPONENTS], *with_set[CONFIG_MAX_COMPONENTS];
	int ret;

	for (unsigned int i = 0; i < st->n; i++) {
		const struct fit_image *fi = image_for(b, st, i);

		run[i] = NULL;
		if (!fi)
			continue;
		ret = plan_image_slot(b, fi, &img[i], err);
		if (ret)
			return ret;
		run[i] = &img[i];
	}
	ret = plan_requires(st, run, err);
	for (unsigned int i = 0; i < st->n && !ret; i++) {
		const struct comp_state *c = &st->c[i];

		if (run[i] || c->broken || c->trial == SLOT_NONE || !set_run(st, c, run, with_set))
			continue;
		ret = plan_requires(st, with_set, err);
	}
	return ret;
}

static int check_image(const struct fit_image *img, const struct comp_state *c, const struct plan_input *in,
		       struct sf_err *err)
{
	const struct slot_info *act = &c->slot[c->active];

	if (c->broken) {
		*err = c->why;
		return -err->cat;
	}
	if (img->security_version < c->floor)
		return sf_fail(err, SF_R_BELOW_FLOOR, "security version %u is below the floor %u of %s",
			       (unsigned int)img->security_version, (unsigned int)c->floor, c->name);
	if (act->version[0] && img->security_version < act->sv)
		return sf_fail(err, SF_R_DOWNGRADE,
			       "%s %s has security version %u, below the %u of %s running from slot %s; 'slotflip remove' is the way back",
			       c->name, img->version, (unsigned int)img->security_version, (unsigned int)act->sv,
			       act->version, slot_name(c->active));
	if (img->base_version[0])
		return check_patch(img, c, in->allow_removed, err);
	return 0;
}

/* A test release rehearses a soft restart with a patch: nothing else. */
static int check_test_release(const struct fit_image *img, const struct plan_input *in, int i, struct sf_err *err)
{
	if (!img->base_version[0])
		return sf_fail(err, SF_R_POLICY, "a test release holds patches only: %s %s is a baseline",
			       img->component, img->version);
	if (in->reboot && in->reboot[i])
		return sf_fail(err, SF_R_POLICY,
			       "a test release rehearses a soft restart: %s is activated by a reboot", img->component);
	return 0;
}

int plan_install(const struct fit_bundle *b, const struct plan_input *in, struct plan *out, struct sf_err *err)
{
	int ret;

	if (strcmp(b->board, in->board))
		return sf_fail(err, SF_R_WRONG_BOARD, "bundle is for board '%s', this board is '%s'", b->board,
			       in->board);
	out->n = 0;
	for (unsigned int k = 0; k < b->n_images; k++) {
		const struct fit_image *img = &b->image[k];
		int i = state_find(in->st, img->component);
		const struct comp_state *c;
		int target;

		if (i < 0)
			return sf_fail(err, SF_R_NO_SUCH_COMPONENT,
				       "bundle image '%s' is for component '%s', which this board does not have",
				       img->node, img->component);
		c = &in->st->c[i];
		ret = check_image(img, c, in, err);
		if (!ret && b->test_release)
			ret = check_test_release(img, in, i, err);
		if (ret)
			return ret;
		target = slot_other(c->active);
		if (fit_image_size(img) > in->slot_size[i][target])
			return sf_fail(err, SF_R_SLOT_TOO_SMALL, "image of %s is %llu bytes, slot %s holds only %llu",
				       c->name, (unsigned long long)fit_image_size(img), slot_name(target),
				       (unsigned long long)in->slot_size[i][target]);
		/* a delta reads its source from the active slot (its content is checked before store (1)) */
		if (img->delta.format[0] && img->delta.source_size > in->slot_size[i][c->active])
			return sf_fail(err, SF_R_SLOT_TOO_SMALL,
				       "the delta for %s applies to %llu bytes, active slot %s holds only %llu", c->name,
				       (unsigned long long)img->delta.source_size, slot_name(c->active),
				       (unsigned long long)in->slot_size[i][c->active]);
		out->item[out->n].comp = (unsigned int)i;
		out->item[out->n].slot = target;
		out->item[out->n].image = k;
		out->n++;
	}
	return check_requires(b, in->st, err);
}

void plan_apply_invalidate(struct sys_state *st, const struct plan *p)
{
	for (unsigned int k = 0; k < p->n; k++) {
		struct comp_state *c = &st->c[p->item[k].comp];

		/* part of an armed set is replaced: the rest of it never runs alone */
		if (c->trial != SLOT_NONE)
			for (unsigned int i = 0; i < st->n; i++)
				if (&st->c[i] != c && !st->c[i].broken && state_same_set(&st->c[i], c))
					state_disarm(&st->c[i]);
		state_invalidate(c, p->item[k].slot);
	}
}

void plan_apply_arm(struct sys_state *st, const struct plan *p, const struct fit_bundle *b, unsigned int tries)
{
	for (unsigned int k = 0; k < p->n; k++) {
		const struct fit_image *img = &b->image[p->item[k].image];
		struct slot_info si;
		struct sf_err err;

		/* plan_install() built each one already: this cannot fail */
		if (plan_image_slot(b, img, &si, &err))
			continue;
		state_arm(&st->c[p->item[k].comp], p->item[k].slot, &si, tries);
	}
}
