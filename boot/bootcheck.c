// SPDX-License-Identifier: MIT
#include "bootcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"

#define Y 1
#define N 0
#define ANY BC_ANY

/*
 * The decisions. Phase 1 rows (health not run yet) choose between doing
 * nothing, waiting for a reboot, falling back at once and running the checks;
 * phase 2 rows turn the health result into commit or fallback.
 */
const struct bc_rule bc_table[] = {
	/* pending reboot tries  booted              health */
	{ { N, ANY, ANY, ANY, ANY }, BC_NOTHING },
	/* soft components: the boot-check spends the try */
	{ { Y, N, N, ANY, BC_HEALTH_NOT_RUN }, BC_FALLBACK },
	{ { Y, N, Y, ANY, BC_HEALTH_NOT_RUN }, BC_SPEND_AND_CHECK },
	/* reboot components: U-Boot spent the try; judge what it booted */
	{ { Y, Y, ANY, BC_BOOTED_TRIAL, BC_HEALTH_NOT_RUN }, BC_CHECK },
	{ { Y, Y, N, ANY, BC_HEALTH_NOT_RUN }, BC_FALLBACK },
	{ { Y, Y, Y, BC_BOOTED_OTHER, BC_HEALTH_NOT_RUN }, BC_WAIT },
	{ { Y, Y, Y, BC_BOOTED_UNKNOWN, BC_HEALTH_NOT_RUN }, BC_WAIT },
	/* after the health checks */
	{ { Y, ANY, ANY, ANY, BC_HEALTH_PASS }, BC_COMMIT },
	{ { Y, ANY, ANY, ANY, BC_HEALTH_FAIL }, BC_FALLBACK },
};

const unsigned int bc_table_len = sizeof(bc_table) / sizeof(bc_table[0]);

static bool field_match(int rule, int value)
{
	return rule == BC_ANY || rule == value;
}

enum bc_action bc_decide(const struct bc_input *in)
{
	for (unsigned int i = 0; i < bc_table_len; i++) {
		const struct bc_input *w = &bc_table[i].when;

		if (field_match(w->pending, in->pending) && field_match(w->reboot, in->reboot) &&
		    field_match(w->tries_left, in->tries_left) && field_match(w->booted, in->booted) &&
		    field_match(w->health, in->health))
			return bc_table[i].then;
	}
	return in->pending ? BC_FALLBACK : BC_NOTHING;
}

const char *bc_action_name(enum bc_action a)
{
	static const char *const names[] = {
		[BC_NOTHING] = "nothing", [BC_SPEND_AND_CHECK] = "spend-and-check",
		[BC_CHECK] = "check",	  [BC_WAIT] = "wait",
		[BC_FALLBACK] = "fallback", [BC_COMMIT] = "commit",
	};

	return names[a];
}

/* Which slot U-Boot booted for @comp, from "slotflip.<comp>=<a|b>" on @cmdline. */
static int booted_slot(const char *cmdline, const char *comp)
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

static int use_slot(const struct bc_hooks *hooks, const struct sysconf_comp *c, int slot, struct sf_err *err)
{
	if (!hooks || !hooks->use)
		return 0;
	return hooks->use(hooks->priv, c, slot, err);
}

struct run {
	const struct sf_ctx *ctx;
	const struct bc_hooks *hooks;
	struct bc_report *rep;
	struct sf_err *err;
	struct sf_session sess;
	struct sys_state next;
	int idx[CONFIG_MAX_COMPONENTS];
	enum bc_action act[CONFIG_MAX_COMPONENTS];
	unsigned int count;
};

static bool in_set(enum bc_action a)
{
	return a == BC_SPEND_AND_CHECK || a == BC_CHECK;
}

/*
 * Mount the committed slot of every component not being tried (of all, with
 * @set_too). Every component gets its turn even when one fails: the first
 * failure is returned, with @err set.
 */
static int use_committed(struct run *r, bool set_too, struct sf_err *err)
{
	int first = 0;

	for (unsigned int k = 0; k < r->count; k++) {
		const struct comp_state *c = &r->next.c[r->idx[k]];
		struct sf_err one;
		int ret;

		if (in_set(r->act[k]) && !set_too)
			continue;
		ret = use_slot(r->hooks, &r->ctx->sys->c[r->idx[k]], c->active, &one);
		if (ret && !first) {
			first = ret;
			*err = one;
		}
	}
	return first;
}

/* Fall back every component of the set (and those that must), one store. */
static int fall_back(struct run *r, const char *why)
{
	struct sf_err mount_err;
	int ret;

	for (unsigned int k = 0; k < r->count; k++) {
		struct comp_state *c = &r->next.c[r->idx[k]];

		if (c->trial == SLOT_NONE || r->act[k] == BC_WAIT)
			continue;
		state_fallback(c);
		r->rep->fell_back++;
	}
	snprintf(r->rep->why, sizeof(r->rep->why), "%s", why);
	ret = sf_store(r->ctx, &r->sess, &r->next, r->err);
	if (ret)
		return ret;
	if (use_committed(r, true, &mount_err))
		return sf_fail(r->err, SF_EFELLBACK, "fell back to the committed slot: %s; and then %s", why,
			       mount_err.msg);
	return sf_fail(r->err, SF_EFELLBACK, "fell back to the committed slot: %s", why);
}

static int check_set(struct run *r)
{
	struct hc_comp hc[CONFIG_MAX_COMPONENTS];
	struct sf_err why = { 0 };
	bool spent = false;
	unsigned int m = 0;
	int ret;

	for (unsigned int k = 0; k < r->count; k++)
		if (r->act[k] == BC_SPEND_AND_CHECK)
			spent |= state_spend_try(&r->next.c[r->idx[k]]);
	/* a try is spent before it is attempted, so a crash during the checks counts */
	if (spent) {
		ret = sf_store(r->ctx, &r->sess, &r->next, r->err);
		if (ret)
			return ret;
	}
	for (unsigned int k = 0; k < r->count; k++) {
		const struct comp_state *c = &r->next.c[r->idx[k]];
		const struct sysconf_comp *sc = &r->ctx->sys->c[r->idx[k]];

		if (!in_set(r->act[k]))
			continue;
		hc[m].name = c->name;
		hc[m].slot = slot_name(c->trial);
		hc[m].version = c->slot[c->trial].version;
		hc[m].device = sc->slot[c->trial];
		hc[m].mount = sc->mount_point;
		m++;
		ret = use_slot(r->hooks, sc, c->trial, &why);
		if (ret)
			return fall_back(r, why.msg);
	}
	ret = hc_run(r->ctx->sys->health_dir, hc, m, r->ctx->sys->health_timeout_ms, &why);
	for (unsigned int k = 0; k < r->count; k++) {
		struct bc_input in = { .pending = 1, .health = ret ? BC_HEALTH_FAIL : BC_HEALTH_PASS };

		if (!in_set(r->act[k]))
			continue;
		in.reboot = r->ctx->sys->c[r->idx[k]].reboot;
		r->act[k] = bc_decide(&in);
	}
	if (ret)
		return fall_back(r, why.msg);
	for (unsigned int k = 0; k < r->count; k++) {
		if (r->act[k] != BC_COMMIT)
			continue;
		state_commit(&r->next.c[r->idx[k]]);
		r->rep->committed++;
	}
	return sf_store(r->ctx, &r->sess, &r->next, r->err);
}

int bootcheck_run(const struct sf_ctx *ctx, const char *const names[], unsigned int n, const char *cmdline,
		  const struct bc_hooks *hooks, struct bc_report *rep, struct sf_err *err)
{
	char why[SF_ERR_MSG_MAX] = "";
	unsigned int set = 0, must_fall = 0;
	struct run *r;
	int ret;

	memset(rep, 0, sizeof(*rep));
	r = calloc(1, sizeof(*r));
	if (!r)
		return sf_fail(err, SF_EFAIL, "out of memory");
	r->ctx = ctx;
	r->hooks = hooks;
	r->rep = rep;
	r->err = err;
	ret = sysconf_select(ctx->sys, names, n, r->idx, &r->count, err);
	ret = ret ?: sf_load(ctx, &r->sess, err);
	if (ret)
		goto out;
	r->next = r->sess.st;
	for (unsigned int k = 0; k < r->count; k++) {
		const struct comp_state *c = &r->next.c[r->idx[k]];
		const struct sysconf_comp *sc = &ctx->sys->c[r->idx[k]];
		int booted = booted_slot(cmdline, c->name);
		struct bc_input in = {
			.pending = c->trial != SLOT_NONE,
			.reboot = sc->reboot,
			.tries_left = c->tries > 0,
			.booted = booted == SLOT_NONE ? BC_BOOTED_UNKNOWN
				  : booted == c->trial ? BC_BOOTED_TRIAL
						       : BC_BOOTED_OTHER,
			.health = BC_HEALTH_NOT_RUN,
		};

		r->act[k] = bc_decide(&in);
		set += in_set(r->act[k]);
		rep->waiting += r->act[k] == BC_WAIT;
		if (r->act[k] == BC_FALLBACK && !must_fall++)
			snprintf(why, sizeof(why), "the trial of %s in slot %s has no tries left", c->name,
				 slot_name(c->trial));
	}
	if (must_fall) {
		ret = fall_back(r, why);
		goto out;
	}
	ret = use_committed(r, false, err);
	if (!ret && set)
		ret = check_set(r);
out:
	free(r);
	return ret;
}

static int run_cmd(const struct bc_hooks *hooks, const char *cmd, struct sf_err *err)
{
	if (!hooks || !hooks->run || !cmd[0])
		return 0;
	return hooks->run(hooks->priv, cmd, err);
}

int bootcheck_activate(const struct sf_ctx *ctx, const char *const names[], unsigned int n,
		       const struct bc_hooks *hooks, struct bc_report *rep, struct sf_err *err)
{
	const char *sel[CONFIG_MAX_COMPONENTS];
	int idx[CONFIG_MAX_COMPONENTS], chosen[CONFIG_MAX_COMPONENTS];
	const struct sysconf *sys = ctx->sys;
	struct sf_session *s;
	unsigned int named, count = 0, stopped = 0;
	struct sf_err serr;
	int ret, sret;

	memset(rep, 0, sizeof(*rep));
	s = calloc(1, sizeof(*s));
	if (!s)
		return sf_fail(err, SF_EFAIL, "out of memory");
	ret = sysconf_select(sys, names, n, idx, &named, err);
	ret = ret ?: sf_load(ctx, s, err);
	if (ret)
		goto out;
	for (unsigned int k = 0; k < named; k++) {
		const struct sysconf_comp *c = &sys->c[idx[k]];

		if (c->reboot || s->st.c[idx[k]].trial == SLOT_NONE) {
			if (!n)
				continue;
			ret = sf_fail(err, SF_EPOLICY, c->reboot ? "%s is activated by a reboot, not softly"
							 : "%s has no armed trial to activate",
				      c->name);
			goto out;
		}
		chosen[count] = idx[k];
		sel[count++] = c->name;
	}
	while (stopped < count && !ret)
		ret = run_cmd(hooks, sys->c[chosen[stopped++]].stop_cmd, err);
	if (ret)
		stopped--; /* that one did not stop */
	else if (count)
		ret = bootcheck_run(ctx, sel, count, NULL, hooks, rep, err);
	/* what was stopped starts again whatever the verdict: on the new slot or the old one */
	for (unsigned int k = 0; k < stopped; k++) {
		sret = run_cmd(hooks, sys->c[chosen[k]].start_cmd, &serr);
		if (sret && !ret) {
			*err = serr;
			ret = sret;
		}
	}
out:
	free(s);
	return ret;
}

int bootcheck_remove(const struct sf_ctx *ctx, const char *name, const struct bc_hooks *hooks, struct sf_err *err)
{
	int i = sysconf_find(ctx->sys, name);
	const struct sysconf_comp *sc;
	struct sf_session *s;
	struct sf_err serr;
	int active, ret, sret;

	if (i < 0)
		return sf_fail(err, SF_EUSAGE, "unknown component '%s'", name);
	sc = &ctx->sys->c[i];
	if (!sc->mount_point[0] || sc->reboot)
		return sf_remove(ctx, name, NULL, err);
	s = calloc(1, sizeof(*s));
	if (!s)
		return sf_fail(err, SF_EFAIL, "out of memory");
	ret = sf_load(ctx, s, err);
	/* an armed trial never ran: dropping it needs no restart */
	if (ret || s->st.c[i].trial != SLOT_NONE) {
		free(s);
		return ret ?: sf_remove(ctx, name, NULL, err);
	}
	/* a refused removal must not stop the service it leaves running */
	ret = state_remove(&s->st.c[i], err);
	free(s);
	if (ret)
		return ret;
	ret = run_cmd(hooks, sc->stop_cmd, err);
	if (ret)
		return ret;
	ret = sf_remove(ctx, name, &active, err);
	if (!ret)
		ret = use_slot(hooks, sc, active, err);
	sret = run_cmd(hooks, sc->start_cmd, &serr);
	if (sret && !ret) {
		*err = serr;
		ret = sret;
	}
	return ret;
}
