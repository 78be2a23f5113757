// SPDX-License-Identifier: MIT
#include "bootcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "health.h"
#include "plan/plan.h"

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

enum bc_action bc_set_decide(const enum bc_action member[], unsigned int n, bool gone)
{
	bool wait = false, check = true;

	for (unsigned int k = 0; k < n; k++) {
		if (member[k] == BC_FALLBACK)
			gone = true;
		wait |= member[k] == BC_WAIT;
		check &= member[k] == BC_SPEND_AND_CHECK || member[k] == BC_CHECK;
	}
	if (gone)
		return BC_FALLBACK;
	if (wait)
		return BC_WAIT;
	return check && n ? BC_CHECK : BC_NOTHING;
}

const char *bc_outcome_name(enum bc_outcome o)
{
	static const char *const names[] = {
		[BC_OUT_NONE] = NULL,		    [BC_OUT_COMMITTED] = "committed",
		[BC_OUT_FELL_BACK] = "fell-back",   [BC_OUT_WAITING] = "waiting-for-reboot",
		[BC_OUT_UNREADABLE] = "unreadable", [BC_OUT_INTERRUPTED] = "interrupted",
	};

	return names[o];
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

static int use_slot(const struct bc_hooks *hooks, const struct sysconf_comp *c, int slot, struct sf_err *err)
{
	if (!hooks || !hooks->use)
		return 0;
	return hooks->use(hooks->priv, c, slot, err);
}

static int run_cmd(const struct bc_hooks *hooks, const char *cmd, struct sf_err *err)
{
	if (!hooks || !hooks->run || !cmd[0])
		return 0;
	return hooks->run(hooks->priv, cmd, err);
}

/* One armed set: its members (indexes in the state) and its verdict. */
struct set {
	unsigned int n;
	int member[CONFIG_MAX_COMPONENTS];
	enum bc_action act;
	int reason;			/* why it falls back */
	char detail[SF_ERR_MSG_MAX];	/* what failed */
};

struct run {
	const struct sf_ctx *ctx;
	const struct bc_hooks *hooks;
	const char *cmdline;
	struct bc_report *rep;
	struct sf_err *err;
	struct sf_session sess;
	struct sys_state next;
	bool sel[CONFIG_MAX_COMPONENTS];   /* selected by the command (with their sets) */
	bool in_set[CONFIG_MAX_COMPONENTS]; /* member of a set being tried */
	unsigned int n_sets;
	struct set set[CONFIG_MAX_COMPONENTS];
	struct sf_err first;	/* the first fallback */
	bool fell, stopped;
};

static enum bc_action member_action(const struct run *r, unsigned int i)
{
	const struct comp_state *c = &r->next.c[i];
	const struct sysconf_comp *sc = &r->ctx->sys->c[i];
	int booted = sf_booted_slot(r->cmdline, c->name);
	struct bc_input in = {
		.pending = c->trial != SLOT_NONE,
		.reboot = sc->reboot,
		.tries_left = c->tries > 0,
		.booted = booted == SLOT_NONE ? BC_BOOTED_UNKNOWN : booted == c->trial ? BC_BOOTED_TRIAL : BC_BOOTED_OTHER,
		.health = BC_HEALTH_NOT_RUN,
	};

	return bc_decide(&in);
}

/* Group the armed trials of the selected components into sets and decide each. */
static void make_sets(struct run *r)
{
	const struct sys_state *st = &r->next;
	bool done[CONFIG_MAX_COMPONENTS] = { false };

	for (unsigned int i = 0; i < st->n; i++) {
		enum bc_action act[CONFIG_MAX_COMPONENTS];
		struct set *set = &r->set[r->n_sets];
		bool selected = false;
		int gone;

		if (done[i] || st->c[i].broken || st->c[i].trial == SLOT_NONE)
			continue;
		memset(set, 0, sizeof(*set));
		for (unsigned int j = i; j < st->n; j++) {
			if (st->c[j].broken || st->c[j].trial == SLOT_NONE || !state_same_set(&st->c[j], &st->c[i]))
				continue;
			done[j] = true;
			selected |= r->sel[j];
			act[set->n] = member_action(r, j);
			set->member[set->n++] = (int)j;
		}
		if (!selected)
			continue;
		gone = state_set_broken(st, &st->c[i]);
		set->act = bc_set_decide(act, set->n, gone >= 0);
		for (unsigned int k = 0; k < set->n; k++)
			r->sel[set->member[k]] = true;
		if (gone >= 0) {
			set->reason = SF_R_SET_FELL_BACK;
			snprintf(set->detail, sizeof(set->detail), "%s of the same bundle %s", st->c[gone].name,
				 st->c[gone].broken		       ? "cannot be read"
				 : st->c[gone].bad_why == BAD_REMOVED ? "was removed"
								       : "fell back");
		}
		for (unsigned int k = 0; k < set->n && !set->reason; k++) {
			const struct comp_state *c = &st->c[set->member[k]];

			if (act[k] != BC_FALLBACK)
				continue;
			set->reason = SF_R_TRIES;
			snprintf(set->detail, sizeof(set->detail), "the trial of %s in slot %s has no tries left",
				 c->name, slot_name(c->trial));
		}
		r->n_sets++;
	}
}

static void outcome(struct run *r, unsigned int i, enum bc_outcome o)
{
	r->rep->outcome[i] = o;
	r->rep->committed += o == BC_OUT_COMMITTED;
	r->rep->fell_back += o == BC_OUT_FELL_BACK;
	r->rep->waiting += o == BC_OUT_WAITING;
	r->rep->unreadable += o == BC_OUT_UNREADABLE;
}

/* Record a set's fallback in the next state (the caller stores it). */
static void fall_back_set(struct run *r, struct set *set)
{
	for (unsigned int k = 0; k < set->n; k++) {
		state_fallback(&r->next.c[set->member[k]], set->reason, set->detail);
		outcome(r, (unsigned int)set->member[k], BC_OUT_FELL_BACK);
	}
	if (!r->fell) {
		r->fell = true;
		snprintf(r->rep->why, sizeof(r->rep->why), "%s", set->detail);
		sf_record(&r->first, set->reason, "fell back to the committed slot: %s", set->detail);
	}
}

/*
 * Mount the committed slot of every selected component that is not being
 * tried. Every component gets its turn even when one fails: the first failure
 * is returned, with @err set.
 */
static int use_committed(struct run *r, struct sf_err *err)
{
	int first = 0;

	for (unsigned int i = 0; i < r->next.n; i++) {
		const struct comp_state *c = &r->next.c[i];
		struct sf_err one;
		int ret;

		if (!r->sel[i] || r->in_set[i] || c->broken)
			continue;
		ret = use_slot(r->hooks, &r->ctx->sys->c[i], c->active, &one);
		if (ret && !first) {
			first = ret;
			*err = one;
		}
	}
	return first;
}

/* Mount the committed slots of a set's members again (after a fallback or a stop). */
static void use_set_committed(struct run *r, const struct set *set)
{
	for (unsigned int k = 0; k < set->n; k++) {
		unsigned int i = (unsigned int)set->member[k];
		struct sf_err ignored;

		r->in_set[i] = false;
		if (use_slot(r->hooks, &r->ctx->sys->c[i], r->next.c[i].active, &ignored) && !r->fell)
			sf_record(&r->first, SF_R_SLOT_UNUSABLE, "%s", ignored.msg);
	}
}

/* Stopped with a try spent: the set stays armed; the committed slots run. */
static int stop_set(struct run *r, const struct set *set, const char *when)
{
	use_set_committed(r, set);
	for (unsigned int k = 0; k < set->n; k++)
		outcome(r, (unsigned int)set->member[k], BC_OUT_INTERRUPTED);
	r->stopped = true;
	return sf_fail(r->err, SF_R_INTERRUPTED, "stopped by a signal %s; the trial stays armed", when);
}

static uint32_t ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint32_t)((now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000);
}

/*
 * A test release passed and was committed: back to the slot it replaced, at
 * once (mount it, then one store recording the rehearsal), the way a removal
 * goes; the services the caller stopped start on it.
 */
static int test_back(struct run *r, const struct set *set, uint32_t activate_ms)
{
	struct timespec t0;
	struct sf_err why;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int k = 0; k < set->n; k++) {
		unsigned int i = (unsigned int)set->member[k];
		const struct comp_state *c = &r->next.c[i];

		if (!ret && use_slot(r->hooks, &r->ctx->sys->c[i], slot_other(c->active), &why)) {
			*r->err = why;
			ret = -why.cat;
		}
	}
	for (unsigned int k = 0; k < set->n && !ret; k++)
		state_test_back(&r->next.c[set->member[k]], activate_ms, ms_since(&t0));
	return ret ?: sf_store(r->ctx, &r->sess, &r->next, r->err);
}

/* Try one set: spend, mount, check, then commit or fall back; each verdict one store. */
static int try_set(struct run *r, struct set *set)
{
	struct hc_comp hc[CONFIG_MAX_COMPONENTS];
	const struct slot_info *run[CONFIG_MAX_COMPONENTS] = { NULL };
	struct sf_err why = { 0 };
	struct hc_run hr = { .dir = r->ctx->sys->health_dir, .comps = hc, .n = set->n,
			     .deadline_ms = r->ctx->sys->health_timeout_ms, .stop = r->ctx->stop };
	struct timespec t0;
	bool spent = false, test = false;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sf_stopped(r->ctx))
		return stop_set(r, set, "before the trial started");
	for (unsigned int k = 0; k < set->n; k++)
		if (!r->ctx->sys->c[set->member[k]].reboot)
			spent |= state_spend_try(&r->next.c[set->member[k]]);
	/* a try is spent before it is attempted, so a crash during the checks counts */
	if (spent) {
		ret = sf_store(r->ctx, &r->sess, &r->next, r->err);
		if (ret)
			return ret;
	}
	for (unsigned int k = 0; k < set->n; k++) {
		unsigned int i = (unsigned int)set->member[k];
		const struct comp_state *c = &r->next.c[i];
		const struct sysconf_comp *sc = &r->ctx->sys->c[i];

		hc[k] = (struct hc_comp){ .name = c->name, .slot = slot_name(c->trial), .version = c->slot[c->trial].version,
					  .device = sc->slot[c->trial], .mount = sc->mount_point };
		run[i] = &c->slot[c->trial];
		r->in_set[i] = true;
		if (!ret && use_slot(r->hooks, sc, c->trial, &why)) {
			set->reason = SF_R_SLOT_UNUSABLE;
			snprintf(set->detail, sizeof(set->detail), "%s", why.msg);
			ret = -1;
		}
	}
	if (!ret) {
		ret = hc_run(&hr, &why);
		if (ret && why.reason == SF_R_INTERRUPTED)
			return stop_set(r, set, "during the health checks");
		if (ret) {
			set->reason = why.reason == SF_R_DEADLINE ? SF_R_DEADLINE : SF_R_HEALTH;
			snprintf(set->detail, sizeof(set->detail), "%s", why.msg);
		}
	}
	if (!ret && plan_requires(&r->next, run, &why)) {
		set->reason = SF_R_REQUIRES_BROKEN;
		snprintf(set->detail, sizeof(set->detail), "%s", why.msg);
		ret = -1;
	}
	if (ret) {
		fall_back_set(r, set);
		ret = sf_store(r->ctx, &r->sess, &r->next, r->err);
		use_set_committed(r, set);
		return ret;
	}
	for (unsigned int k = 0; k < set->n; k++) {
		test |= state_test_armed(&r->next.c[set->member[k]]);
		state_commit(&r->next.c[set->member[k]]);
		outcome(r, (unsigned int)set->member[k], BC_OUT_COMMITTED);
	}
	ret = sf_store(r->ctx, &r->sess, &r->next, r->err);
	return ret || !test ? ret : test_back(r, set, ms_since(&t0));
}

/* Load, select and group: what both the boot-check and activate start with. */
static int prepare(struct run *r, const char *const names[], unsigned int n)
{
	int idx[CONFIG_MAX_COMPONENTS];
	unsigned int count;
	int ret;

	ret = sysconf_select(r->ctx->sys, names, n, idx, &count, r->err);
	ret = ret ?: sf_load(r->ctx, &r->sess, r->err);
	if (ret)
		return ret;
	r->next = r->sess.st;
	for (unsigned int k = 0; k < count; k++)
		r->sel[idx[k]] = true;
	make_sets(r);
	return 0;
}

/* Judge the prepared sets; mount the committed slots of the rest. */
static int judge(struct run *r)
{
	bool falls = false;
	int ret = 0;

	for (unsigned int s = 0; s < r->n_sets; s++) {
		struct set *set = &r->set[s];

		if (set->act == BC_FALLBACK) {
			fall_back_set(r, set);
			falls = true;
		}
		for (unsigned int k = 0; k < set->n; k++) {
			if (set->act == BC_WAIT)
				outcome(r, (unsigned int)set->member[k], BC_OUT_WAITING);
			/* a set about to be tried mounts its trial slots, not the committed ones */
			r->in_set[set->member[k]] = set->act == BC_CHECK;
		}
	}
	if (falls)
		ret = sf_store(r->ctx, &r->sess, &r->next, r->err);
	if (!ret && use_committed(r, r->err))
		ret = -r->err->cat;
	for (unsigned int s = 0; s < r->n_sets && !ret && !r->stopped; s++)
		if (r->set[s].act == BC_CHECK)
			ret = try_set(r, &r->set[s]);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < r->next.n; i++)
		if (r->sel[i] && r->next.c[i].broken)
			outcome(r, i, BC_OUT_UNREADABLE);
	if (r->fell) {
		*r->err = r->first;
		return -r->err->cat;
	}
	for (unsigned int i = 0; i < r->next.n; i++)
		if (r->sel[i] && r->next.c[i].broken) {
			*r->err = r->next.c[i].why;
			return -r->err->cat;
		}
	return 0;
}

static struct run *run_new(const struct sf_ctx *ctx, const char *cmdline, const struct bc_hooks *hooks,
			   struct bc_report *rep, struct sf_err *err)
{
	struct run *r = calloc(1, sizeof(*r));

	memset(rep, 0, sizeof(*rep));
	if (!r) {
		sf_record(err, SF_R_NO_MEMORY, "out of memory");
		return NULL;
	}
	r->ctx = ctx;
	r->cmdline = cmdline;
	r->hooks = hooks;
	r->rep = rep;
	r->err = err;
	return r;
}

int bootcheck_run(const struct sf_ctx *ctx, const char *const names[], unsigned int n, const char *cmdline,
		  const struct bc_hooks *hooks, struct bc_report *rep, struct sf_err *err)
{
	struct run *r = run_new(ctx, cmdline, hooks, rep, err);
	int ret;

	if (!r)
		return -err->cat;
	ret = prepare(r, names, n);
	ret = ret ?: judge(r);
	free(r);
	return ret;
}

/* The components activate acts on: named soft ones with a trial, or every such one. */
static int activate_select(struct run *r, const char *const names[], unsigned int n, const char **sel,
			   unsigned int *count)
{
	const struct sysconf *sys = r->ctx->sys;
	int idx[CONFIG_MAX_COMPONENTS];
	unsigned int named;
	int ret;

	*count = 0;
	ret = sysconf_select(sys, names, n, idx, &named, r->err);
	ret = ret ?: sf_load(r->ctx, &r->sess, r->err);
	for (unsigned int k = 0; k < named && !ret; k++) {
		const struct comp_state *c = &r->sess.st.c[idx[k]];

		if (sys->c[idx[k]].reboot || c->broken || c->trial == SLOT_NONE) {
			if (!n)
				continue;
			if (c->broken)
				*r->err = c->why;
			else
				sf_record(r->err, sys->c[idx[k]].reboot ? SF_R_REBOOT_ONLY : SF_R_NOT_ARMED,
					      sys->c[idx[k]].reboot ? "%s is activated by a reboot, not softly"
								    : "%s has no armed trial to activate",
					      c->name);
			return -r->err->cat;
		}
		sel[(*count)++] = sys->c[idx[k]].name;
	}
	return ret;
}

int bootcheck_activate(const struct sf_ctx *ctx, const char *const names[], unsigned int n, const char *cmdline,
		       const struct bc_hooks *hooks, struct bc_report *rep, struct sf_err *err)
{
	const char *sel[CONFIG_MAX_COMPONENTS];
	const struct sysconf *sys = ctx->sys;
	struct run *r = run_new(ctx, cmdline, hooks, rep, err);
	int stopped[CONFIG_MAX_COMPONENTS];
	unsigned int count, n_stopped = 0;
	struct sf_err serr;
	int ret, sret;

	if (!r)
		return -err->cat;
	ret = activate_select(r, names, n, sel, &count);
	if (ret || !count)
		goto out;
	ret = prepare(r, sel, count);
	/* stop the services of the soft members of the sets that are tried */
	for (unsigned int s = 0; s < r->n_sets && !ret; s++) {
		const struct set *set = &r->set[s];

		for (unsigned int k = 0; k < set->n && !ret && set->act == BC_CHECK; k++) {
			int i = set->member[k];

			if (sys->c[i].reboot || !sys->c[i].stop_cmd[0])
				continue;
			if (sf_stopped(ctx))
				ret = sf_fail(err, SF_R_INTERRUPTED, "stopped by a signal before the soft restart");
			else
				ret = run_cmd(hooks, sys->c[i].stop_cmd, err);
			if (!ret)
				stopped[n_stopped++] = i;
		}
	}
	if (!ret)
		ret = judge(r);
	if (!ret && rep->waiting)
		ret = sf_fail(err, SF_R_WAITING,
			      "%u component%s wait%s for the reboot that tries the rest of %s bundle; nothing was switched",
			      rep->waiting, rep->waiting == 1 ? "" : "s", rep->waiting == 1 ? "s" : "",
			      rep->waiting == 1 ? "its" : "their");
	/* what was stopped starts again whatever the verdict: on the new slot or the old one */
	for (unsigned int k = 0; k < n_stopped; k++) {
		sret = run_cmd(hooks, sys->c[stopped[k]].start_cmd, &serr);
		if (sret && (!ret || ret == -SF_EWAITING)) {
			*err = serr;
			ret = sret;
		}
	}
out:
	free(r);
	return ret;
}

struct remove_restart {
	const struct sf_ctx *ctx;
	const struct bc_hooks *hooks;
};

static int remove_stop(void *priv, unsigned int comp, struct sf_err *err)
{
	const struct remove_restart *rr = priv;

	return run_cmd(rr->hooks, rr->ctx->sys->c[comp].stop_cmd, err);
}

/* Mount the slot now active, then start the service (whatever the mount did). */
static int remove_start(void *priv, unsigned int comp, int slot, struct sf_err *err)
{
	const struct remove_restart *rr = priv;
	const struct sysconf_comp *sc = &rr->ctx->sys->c[comp];
	struct sf_err serr;
	int ret, sret;

	ret = use_slot(rr->hooks, sc, slot, err);
	sret = run_cmd(rr->hooks, sc->start_cmd, &serr);
	if (sret && !ret) {
		*err = serr;
		ret = sret;
	}
	return ret;
}

int bootcheck_remove(const struct sf_ctx *ctx, const char *name, const struct bc_hooks *hooks, struct sf_err *err)
{
	struct remove_restart rr = { .ctx = ctx, .hooks = hooks };
	const struct sf_restart restart = { .stop = remove_stop, .start = remove_start, .priv = &rr };

	return sf_remove(ctx, name, &restart, NULL, err);
}
