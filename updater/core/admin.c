// SPDX-License-Identifier: MIT
/* init, commit, remove and repair: one environment store each. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "plan/plan.h"

int sf_init(const struct sf_ctx *ctx, const struct sf_factory *factory, unsigned int n_factory,
	    struct sf_err *err)
{
	enum env_state state = ENV_DAMAGED;
	struct sf_session *s;
	struct sys_state st;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory");
	ret = ctx->env->load(ctx->env_priv, &s->env, &state);
	if (ret == -EACCES || ret == -EPERM) {
		ret = sf_fail_errno(err, SF_R_PERMISSION, ret, "cannot read the environment (%s)", ctx->sys->env_config);
		goto out;
	}
	if (ret == 0 && state == ENV_VALID) {
		ret = sf_fail(err, SF_R_ENV_IN_USE,
			      "the environment (%s) already holds a valid copy; init only sets up a factory-fresh one",
			      ctx->sys->env_config);
		goto out;
	}
	if (ret == 0 && state == ENV_DAMAGED) {
		ret = sf_fail(err, SF_R_ENV_DAMAGED,
			      "the environment (%s) is not valid but not blank either: check fw_env.config; init only sets up an erased (all 0x00 or 0xff) one, or one whose first store was cut short",
			      ctx->sys->env_config);
		goto out;
	}
	if (ret) {
		ret = sf_fail_errno(err, ret == -E2BIG ? SF_R_ENV_MALFORMED : SF_R_ENV_IO, ret,
				    "cannot read the environment (%s)", ctx->sys->env_config);
		goto out;
	}
	/* blank, or torn: no A/B state was ever recorded */
	kv_clear(&s->env);
	for (unsigned int k = 0; k < n_factory; k++) {
		if (sysconf_find(ctx->sys, factory[k].component) < 0) {
			ret = sf_fail(err, SF_R_UNKNOWN_COMPONENT,
				      "--factory names component '%s', which this board does not have",
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

/* The broken component @i stops the operation: its own reason and message. */
static int broken(const struct sys_state *st, int i, struct sf_err *err)
{
	*err = st->c[i].why;
	return -err->cat;
}

/*
 * Can the set of armed component @i be committed? Every member ran, none is
 * broken; then commit the set in @st.
 */
static int commit_set(const struct sf_ctx *ctx, struct sys_state *st, unsigned int i, const char *cmdline,
		      struct sf_err *err)
{
	const struct comp_state *c = &st->c[i];
	const struct slot_info *run[CONFIG_MAX_COMPONENTS] = { NULL };
	int ret;

	for (unsigned int j = 0; j < st->n; j++) {
		const struct comp_state *m = &st->c[j];
		const struct sysconf_comp *sc = &ctx->sys->c[j];

		if (m->broken || m->trial == SLOT_NONE || !state_same_set(m, c))
			continue;
		if (!state_ran(m, sc->reboot, sf_booted_slot(cmdline, m->name), ctx->sys->max_tries))
			return sf_fail(err, SF_R_NOT_TRIED,
				       sc->reboot ? "%s %s in slot %s has not booted yet; commit it after the reboot that tries it"
						  : "%s %s in slot %s has not been activated yet; 'slotflip activate' tries it",
				       m->name, m->slot[m->trial].version, slot_name(m->trial));
		run[j] = &m->slot[m->trial];
	}
	ret = state_set_broken(st, c);
	if (ret >= 0)
		return sf_fail(err, SF_R_POLICY, "the bundle that armed %s is no longer whole (%s %s)", c->name,
			       st->c[ret].name, st->c[ret].broken ? "cannot be read" : "fell back or was removed");
	ret = plan_requires(st, run, err);
	if (ret)
		return ret;
	for (unsigned int j = 0; j < st->n; j++)
		if (run[j])
			state_commit(&st->c[j]);
	return 0;
}

int sf_commit(const struct sf_ctx *ctx, const char *const names[], unsigned int n, const char *cmdline,
	      bool committed[], struct sf_err *err)
{
	int idx[CONFIG_MAX_COMPONENTS];
	struct sf_session *s;
	struct sys_state *st;
	unsigned int count, done = 0;
	int ret;

	if (committed)
		memset(committed, 0, CONFIG_MAX_COMPONENTS * sizeof(*committed));
	s = calloc(1, sizeof(*s));
	st = malloc(sizeof(*st));
	if (!s || !st) {
		ret = sf_fail(err, SF_R_NO_MEMORY, "out of memory");
		goto out;
	}
	ret = sysconf_select(ctx->sys, names, n, idx, &count, err);
	ret = ret ?: sf_load(ctx, s, err);
	if (ret)
		goto out;
	*st = s->st;
	for (unsigned int k = 0; k < count && !ret; k++) {
		struct comp_state *c = &st->c[idx[k]];
		struct sys_state before;

		if (c->broken) {
			if (n)
				ret = broken(st, idx[k], err);
			continue;
		}
		if (c->trial == SLOT_NONE) {
			/* nothing armed, or committed with an earlier member of its set */
			if (n && s->st.c[idx[k]].trial == SLOT_NONE)
				ret = sf_fail(err, SF_R_NOT_ARMED, "%s has no armed trial to commit", c->name);
			continue;
		}
		before = *st;
		ret = commit_set(ctx, st, (unsigned int)idx[k], cmdline, err);
		if (ret && !n) {
			/* without names: a set that cannot be committed stays armed */
			*st = before;
			ret = 0;
			continue;
		}
		done += !ret;
	}
	/* what changed, before sf_store() makes @st the session's state */
	for (unsigned int i = 0; !ret && committed && i < st->n; i++)
		committed[i] = !st->c[i].broken && st->c[i].active != s->st.c[i].active;
	if (!ret && done)
		ret = sf_store(ctx, s, st, err);
	if (ret && committed)
		memset(committed, 0, CONFIG_MAX_COMPONENTS * sizeof(*committed));
out:
	free(st);
	free(s);
	return ret;
}

/*
 * Component @name (index *@i), a session loaded (*@s) and a copy of its state
 * to change (*@st); the caller frees both, also on failure.
 */
static int load_one(const struct sf_ctx *ctx, const char *name, struct sf_session **s, struct sys_state **st,
		    int *i, struct sf_err *err)
{
	int ret;

	*i = sysconf_find(ctx->sys, name);
	if (*i < 0)
		return sf_fail(err, SF_R_UNKNOWN_COMPONENT, "unknown component '%s'", name);
	*s = calloc(1, sizeof(**s));
	*st = malloc(sizeof(**st));
	if (!*s || !*st)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory");
	ret = sf_load(ctx, *s, err);
	if (!ret)
		**st = (*s)->st;
	return ret;
}

int sf_remove(const struct sf_ctx *ctx, const char *name, const struct sf_restart *restart, int *active,
	      struct sf_err *err)
{
	struct sf_session *s = NULL;
	struct sys_state *st = NULL;
	struct comp_state *c;
	bool switched = false;
	struct sf_err serr;
	int i, ret, sret;

	ret = load_one(ctx, name, &s, &st, &i, err);
	if (ret)
		goto out;
	c = &st->c[i];
	if (c->broken) {
		ret = broken(st, i, err);
		goto out;
	}
	if (c->trial != SLOT_NONE) {
		/* an armed bundle never ran: drop all of it */
		for (unsigned int j = 0; j < st->n; j++)
			if ((int)j != i && !st->c[j].broken && state_same_set(&st->c[j], c))
				state_disarm(&st->c[j]);
		state_disarm(c);
	} else {
		ret = state_remove(c, err);
		ret = ret ?: plan_requires(st, NULL, err);
		if (ret == -SF_EPOLICY && err->reason == SF_R_REQUIRES)
			sf_err_prefix(err, "cannot remove the update of %s", name);
		switched = !ret;
	}
	/* a refused removal stops nothing; an accepted one restarts around its store */
	if (!ret && switched && restart)
		ret = restart->stop(restart->priv, (unsigned int)i, err);
	if (ret)
		goto out;
	ret = sf_store(ctx, s, st, err);
	if (switched && restart) {
		sret = restart->start(restart->priv, (unsigned int)i, s->st.c[i].active, &serr);
		if (sret && !ret) {
			*err = serr;
			ret = sret;
		}
	}
	if (!ret && active)
		*active = st->c[i].active;
out:
	free(st);
	free(s);
	return ret;
}

/*
 * Slot @slot of component @i, which the operator does not run: did its image
 * never run? Its variables show it armed, or its bundle is armed, failed or
 * dropped untried in another component (its set never committed).
 */
static bool never_ran(const struct sys_state *st, const struct kv *env, unsigned int i, int slot)
{
	const struct comp_state *c = &st->c[i];
	const struct slot_info *si = &c->slot[slot];
	char var[KV_NAME_MAX];
	const char *trial;

	snprintf(var, sizeof(var), "sf_%s_trial", c->name);
	trial = kv_get(env, var);
	if (trial && !strcmp(trial, slot_name(slot)))
		return true;
	if (!si->version[0] || !si->id[0])
		return false;
	for (unsigned int j = 0; j < st->n; j++) {
		const struct comp_state *o = &st->c[j];

		if (j == i || o->broken)
			continue;
		if (o->trial != SLOT_NONE && !strcmp(o->slot[o->trial].id, si->id))
			return true;
		if (o->bad != SLOT_NONE && !strcmp(o->slot[o->bad].id, si->id) &&
		    (o->bad_why == BAD_FAILED || strcmp(o->removed.version, o->slot[o->bad].version)))
			return true;
	}
	return false;
}

int sf_repair(const struct sf_ctx *ctx, const char *name, const struct sf_repair *r, struct sf_err *err)
{
	struct sf_session *s = NULL;
	struct sys_state *st = NULL;
	bool floor_ok;
	int i, ret;

	ret = load_one(ctx, name, &s, &st, &i, err);
	if (ret)
		goto out;
	if (!s->st.c[i].broken) {
		ret = sf_fail(err, SF_R_STATE_READABLE,
			      "the state of %s reads: repair only rewrites a component whose variables cannot be read",
			      name);
		goto out;
	}
	state_salvage(&st->c[i], &s->env, name, r->active, &floor_ok);
	/* an image that never ran is dropped as a removal of a trial would: never activated, its set falls back */
	if (st->c[i].bad == SLOT_NONE && never_ran(st, &s->env, (unsigned int)i, slot_other(r->active))) {
		st->c[i].bad = slot_other(r->active);
		st->c[i].bad_why = BAD_REMOVED;
	}
	if (r->floor >= 0)
		st->c[i].floor = (uint32_t)r->floor;
	else if (!floor_ok) {
		ret = sf_fail(err, SF_R_USAGE, "sf_%s_floor cannot be read: give the floor with --floor", name);
		goto out;
	}
	ret = sf_store(ctx, s, st, err);
out:
	free(st);
	free(s);
	return ret;
}
