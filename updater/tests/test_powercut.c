// SPDX-License-Identifier: MIT
/*
 * The power-cut simulator. The board lives in memory behind the slot and env
 * seams (support/simboard.h): webkit and libcrypto (soft) and kernel (reboot),
 * a redundant environment kept in its real two-copy layout (CRC-32, flags
 * byte, libubootenv's choice of copy), and U-Boot's boot script at every
 * power-on (sim_uboot(): it spends the kernel's tries or falls it back, and
 * writes both copies). Every durable operation of every command is cut in
 * turn: slot writes and syncs, slotflip's environment stores and the two
 * copies U-Boot writes; before it, after it, with every unsynced write lost,
 * and torn: a torn environment copy is a prefix of the new copy over the old
 * bytes, cut at six places (fake_env_tear_len(): in the CRC, after the flags,
 * inside the data, at its end, half of the copy).
 *
 * The commands: init (of an erased, a zeroed and a torn environment);
 * install (a three-component bundle, a patch, over an armed trial, a bundle of
 * a reboot and a soft component that requires it); power-on and the early-boot
 * check committing and falling back (a set whose reboot member U-Boot fell
 * back; U-Boot falling it back itself); activate (a patch; a set that waits
 * for its reboot beside one that does not); commit of trials that ran (a
 * patch; a kernel and its soft member); removal of a committed patch and of
 * an armed set; repair of a malformed component.
 *
 * From every crash state the board is recovered in the two orders an agent
 * meets: (A) power-on (U-Boot, early-boot check), the interrupted command
 * again, another power-on; (B) U-Boot, the interrupted command again, the
 * early-boot check, another power-on: then the board must be where the
 * uncut command and a power-on leave it. Checked after the cut and after
 * every step:
 *   - the environment reads; after a cut init it may read as blank or torn
 *     (never damaged), and init runs again;
 *   - every component's active slot holds exactly its recorded version, and
 *     an armed trial's slot exactly its version (nothing partial ever runs);
 *   - right after the cut, the committed state is the one before or the one
 *     after the command, and the one after once the command completed;
 *   - the floor never goes down;
 *   - sets: the members of a bundle are committed all together or none of
 *     them; a soft member's trial is mounted only once its try is stored as
 *     spent and while every reboot member of its bundle runs its own trial
 *     (no member runs alone); after an early-boot check no trial stays armed
 *     whose bundle lost a member; every committed image's requirements hold;
 *   - the command run again completes, or refuses with a documented reason
 *     and writes nothing.
 * Then seeded random runs of random commands (a malformed variable and its
 * repair among them), some cut, some of their recoveries cut again. The
 * suite prints how many crash states it checked, how many tore an environment
 * copy, and fails below its floor.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/bootcheck.h"
#include "core/core.h"
#include "fit/keyring.h"
#include "io/env_image.h"
#include "plan/plan.h"
#include "support/simboard.h"
#include "tap.h"

#define STATES_FLOOR 2000
#define RANDOM_RUNS 1000
#define N_COMPS SIM_COMPS

enum { WEBKIT, LIBCRYPTO, KERNEL };

static char tmp[64];
static char fail_dir[96];
static struct keyring *keys;
/* crash states checked; those with a torn env copy; those left with a torn first store */
static unsigned long states, torn_states, torn_first_states, violations;

static void world_init(struct simboard *w)
{
	simboard_init(w, keys);
}

/* The power comes back: what was not synced survives unless the cut lost it. */
static void power_cycle(struct simboard *w)
{
	fake_slots_power_cycle(&w->slots, w->power.off && w->power.mode == CUT_LOST);
	memset(&w->power, 0, sizeof(w->power));
}

__attribute__((format(printf, 3, 4))) static bool violated(const char *where, const char *step, const char *fmt,
							     ...)
{
	char what[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (violations++ < 20)
		tap_diag("violation: %s, %s: %s", where, step, what);
	return false;
}

/* ---- bundles ------------------------------------------------------------- */

/* Per component, baselines 1..3 and patches (a), (b) of each; then bundles of several images. */
#define POOL_PER_COMP 9
#define POOL(c, base, p) ((int)((c) * POOL_PER_COMP + ((base) - 1) * 3 + (p)))
enum {
	B_ALL = N_COMPS * POOL_PER_COMP, /* webkit 1 (a), libcrypto 2, kernel 2: one set, a reboot member */
	B_MIXED,			 /* kernel 2 and webkit 2, which requires kernel>=2 */
	B_MIXED3,			 /* kernel 3 and webkit 3, which requires kernel>=3 */
	B_SOFTSET,			 /* webkit 2 (a) and libcrypto 2 (a): two soft members */
	B_DELTA_1A,			 /* webkit 1 (a) as a delta from 1 */
	B_DELTA_1B,			 /* webkit 1 (b) as a delta from 1 (a) */
	POOL_N,
};
static char pool[POOL_N][128];

static void bundle_at(int idx, const char *name, const struct sim_spec *s, unsigned int n)
{
	snprintf(pool[idx], sizeof(pool[idx]), "%s/%s.fit", tmp, name);
	sim_bundle(tmp, pool[idx], s, n);
}

static void make_pool(void)
{
	static const char *const sfx[] = { "", " (a)", " (b)" };
	static const struct sim_spec all[] = { { "webkit", "1 (a)", 1, "1", NULL, NULL },
					       { "libcrypto", "2", 2, NULL, NULL, NULL },
					       { "kernel", "2", 2, NULL, NULL, NULL } };
	static const struct sim_spec mixed[] = { { "kernel", "2", 2, NULL, NULL, NULL },
						 { "webkit", "2", 2, NULL, "kernel>=2", NULL } };
	static const struct sim_spec mixed3[] = { { "kernel", "3", 3, NULL, NULL, NULL },
						  { "webkit", "3", 3, NULL, "kernel>=3", NULL } };
	static const struct sim_spec softset[] = { { "webkit", "2 (a)", 2, "2", NULL, NULL },
						   { "libcrypto", "2 (a)", 2, "2", NULL, NULL } };

	for (unsigned int c = 0; c < N_COMPS; c++)
		for (unsigned int base = 1; base <= 3; base++)
			for (unsigned int p = 0; p < 3; p++) {
				char version[32], basev[8], name[32];
				struct sim_spec s = { sim_comps[c], version, base, p ? basev : NULL, NULL, NULL };

				snprintf(version, sizeof(version), "%u%s", base, sfx[p]);
				snprintf(basev, sizeof(basev), "%u", base);
				snprintf(name, sizeof(name), "pool-%d", POOL(c, base, p));
				bundle_at(POOL(c, base, p), name, &s, 1);
			}
	bundle_at(B_ALL, "all", all, 3);
	bundle_at(B_MIXED, "mixed", mixed, 2);
	bundle_at(B_MIXED3, "mixed3", mixed3, 2);
	bundle_at(B_SOFTSET, "softset", softset, 2);
	bundle_at(B_DELTA_1A, "delta-1a", &(struct sim_spec){ "webkit", "1 (a)", 1, "1", NULL, "1" }, 1);
	bundle_at(B_DELTA_1B, "delta-1b", &(struct sim_spec){ "webkit", "1 (b)", 1, "1", NULL, "1 (a)" }, 1);
}

/* ---- commands ------------------------------------------------------------ */

enum op {
	OP_INIT,
	OP_INSTALL,
	OP_BOOT,  /* power-on: U-Boot's script, then the early-boot check */
	OP_UBOOT, /* power-on up to the kernel, which dies before the early-boot check */
	OP_CHECK, /* the early-boot check of the running boot */
	OP_ACTIVATE,
	OP_COMMIT,
	OP_REMOVE,
	OP_REPAIR,
	OP_COUNT,
};

static const char *const op_names[OP_COUNT] = { "init",	    "install",	"power-on", "power-on, kernel panic",
						"boot-check", "activate", "commit",   "remove",
						"repair" };

/**
 * struct action - one command
 * @arg:  OP_INSTALL: a bundle of the pool; otherwise a component, -1 for
 *        every one (none named)
 * @slot: OP_REPAIR: the slot the operator says the component runs
 * @sick: OP_BOOT, OP_CHECK, OP_ACTIVATE: the health checks fail
 */
struct action {
	enum op op;
	int arg;
	int slot;
	bool sick;
};

static bool is_boot(enum op op)
{
	return op == OP_BOOT || op == OP_UBOOT;
}

static void describe(const struct action *a, char *out, size_t n)
{
	if (a->op == OP_INSTALL)
		snprintf(out, n, "install %s", strrchr(pool[a->arg], '/') + 1);
	else
		snprintf(out, n, "%s%s%s%s", op_names[a->op], a->arg >= 0 ? " " : "", a->arg >= 0 ? sim_comps[a->arg] : "",
			 a->sick ? " (unhealthy)" : "");
}

/*
 * The live check of "no member runs alone": the early-boot check and activate
 * mount a soft component's slot through this hook (bc_hooks.use). A trial is
 * mounted only when its spent try is durable, its slot holds its version, and
 * every reboot member of its bundle runs its own trial (the kernel command
 * line names it).
 */
struct live {
	struct simboard *w;
	const char *where;
};

static int live_use(void *priv, const struct sysconf_comp *sc, int slot, struct sf_err *err)
{
	static struct sf_session s;
	const struct live *l = priv;
	struct simboard *w = l->w;
	const struct comp_state *c;
	struct sf_err lerr;
	int i;

	(void)err;
	if (sc->reboot || w->power.off || sf_load(&w->ctx, &s, &lerr))
		return 0;
	i = state_find(&s.st, sc->name);
	c = &s.st.c[i];
	if (c->broken || slot != c->trial)
		return 0;
	if (c->tries >= w->sys.max_tries)
		violated(l->where, "mounting a trial", "%s slot %s is mounted before a spent try was stored", c->name,
			 slot_name(slot));
	if (!sim_holds(fake_slots_find(&w->slots, sc->slot[slot]), c->name, c->slot[slot].version))
		violated(l->where, "mounting a trial", "%s slot %s does not hold %s", c->name, slot_name(slot),
			 c->slot[slot].version);
	for (unsigned int j = 0; j < s.st.n; j++) {
		const struct comp_state *m = &s.st.c[j];

		if ((int)j == i || m->broken || m->trial == SLOT_NONE || !state_same_set(m, c) || !w->sys.c[j].reboot)
			continue;
		if (sf_booted_slot(w->cmdline, m->name) != m->trial)
			violated(l->where, "mounting a trial", "%s runs its trial while %s of the same bundle does not (%s)",
				 c->name, m->name, w->cmdline);
	}
	return 0;
}

/* Run @a on @w; the library's return value. */
static int run_op(struct simboard *w, const struct action *a, const char *where, struct sf_err *err)
{
	struct live l = { w, where };
	const struct bc_hooks hooks = { .use = live_use, .priv = &l };
	const char *name = a->op != OP_INSTALL && a->arg >= 0 ? sim_comps[a->arg] : NULL;
	const char *const names[1] = { name };
	unsigned int n = name ? 1 : 0;
	struct sf_repair rep = { a->slot, -1 };
	struct bc_report report;
	int ret = 0;

	memset(err, 0, sizeof(*err));
	snprintf(w->sys.health_dir, sizeof(w->sys.health_dir), "%s", a->sick ? fail_dir : "");
	switch (a->op) {
	case OP_INIT:
		ret = sf_init(&w->ctx, NULL, 0, err);
		break;
	case OP_INSTALL:
		ret = sim_install(w, pool[a->arg], err);
		break;
	case OP_BOOT:
	case OP_UBOOT:
		if (sim_uboot(w)) {
			ret = sf_fail(err, SF_R_ENV_IO, "the power went while U-Boot wrote the environment");
			break;
		}
		if (a->op == OP_UBOOT)
			break;
		ret = bootcheck_run(&w->ctx, NULL, 0, w->cmdline, &hooks, &report, err);
		break;
	case OP_CHECK:
		ret = bootcheck_run(&w->ctx, NULL, 0, w->cmdline, &hooks, &report, err);
		break;
	case OP_ACTIVATE:
		ret = bootcheck_activate(&w->ctx, names, n, w->cmdline, &hooks, &report, err);
		break;
	case OP_COMMIT:
		ret = sf_commit(&w->ctx, names, n, w->cmdline, NULL, err);
		break;
	case OP_REMOVE:
		ret = sf_remove(&w->ctx, name, NULL, NULL, err);
		break;
	case OP_REPAIR:
		ret = sf_repair(&w->ctx, name, &rep, err);
		break;
	default:
		abort();
	}
	w->sys.health_dir[0] = '\0';
	return ret;
}

/* ---- what the board holds ------------------------------------------------ */

/**
 * struct snap - the state as slotflip reads it
 * @valid:  the environment reads
 * @reason: why it does not (SF_R_ENV_BLANK, ...)
 */
struct snap {
	bool valid;
	int reason;
	struct sys_state st;
};

static void snap_of(struct simboard *w, struct snap *out)
{
	static struct sf_session s;
	struct sf_err err;

	out->valid = false;
	out->reason = SF_R_NONE;
	if (sf_load(&w->ctx, &s, &err)) {
		out->reason = err.reason;
		return;
	}
	out->valid = true;
	out->st = s.st;
}

static bool same_committed(const struct snap *a, const struct snap *b, unsigned int i)
{
	const struct comp_state *x = &a->st.c[i], *y = &b->st.c[i];

	if (a->valid != b->valid)
		return false;
	if (!a->valid || x->broken || y->broken)
		return !a->valid || x->broken == y->broken;
	return x->active == y->active && !strcmp(x->slot[x->active].version, y->slot[y->active].version);
}

/* Same committed slots, versions, armed trials and floors; NULL or what differs. */
static const char *same_board(const struct snap *a, const struct snap *b, char *why, size_t n)
{
	if (a->valid != b->valid) {
		snprintf(why, n, "the environment reads in one and not the other");
		return why;
	}
	for (unsigned int i = 0; a->valid && i < N_COMPS; i++) {
		const struct comp_state *x = &a->st.c[i], *y = &b->st.c[i];

		if (x->broken != y->broken || (!x->broken && (x->active != y->active || x->trial != y->trial ||
							       x->floor != y->floor ||
							       strcmp(x->slot[0].version, y->slot[0].version) ||
							       strcmp(x->slot[1].version, y->slot[1].version)))) {
			snprintf(why, n, "%s: active %s trial %s floor %u (%s | %s), against active %s trial %s floor %u (%s | %s)",
				 x->name, slot_name(x->active), slot_name(x->trial), (unsigned int)x->floor,
				 x->slot[0].version, x->slot[1].version, slot_name(y->active), slot_name(y->trial),
				 (unsigned int)y->floor, y->slot[0].version, y->slot[1].version);
			return why;
		}
	}
	return NULL;
}

/* ---- invariants ---------------------------------------------------------- */

/* The components one install of a bundle armed: each with the slot its image went to. */
struct set {
	char id[STATE_ID_MAX];
	unsigned int n;
	int comp[N_COMPS];
	int slot[N_COMPS];
	bool on; /* a member was seen committed */
};

#define SETS_MAX (8 * N_COMPS)

/**
 * struct expect - what a command is checked against
 * @before: the state before it
 * @after:  the state the uncut command leaves
 * @set:    the bundles armed before or after it (by what could be read then)
 */
struct expect {
	struct snap before, after;
	unsigned int n_sets;
	struct set set[SETS_MAX];
};

static void add_sets(struct expect *x, const struct snap *s)
{
	for (unsigned int i = 0; s->valid && i < N_COMPS; i++) {
		const struct comp_state *c = &s->st.c[i];
		struct set *set = NULL;
		bool have = false;

		if (c->broken || c->trial == SLOT_NONE || !c->slot[c->trial].id[0])
			continue;
		/* the same bundle installed again arms other slots: another install, another set */
		for (unsigned int k = 0; k < x->n_sets && !set; k++) {
			bool other = false;

			for (unsigned int m = 0; m < x->set[k].n; m++)
				other |= x->set[k].comp[m] == (int)i && x->set[k].slot[m] != c->trial;
			if (!strcmp(x->set[k].id, c->slot[c->trial].id) && !other)
				set = &x->set[k];
		}
		if (!set) {
			if (x->n_sets == sizeof(x->set) / sizeof(x->set[0]))
				abort();
			set = &x->set[x->n_sets++];
			memset(set, 0, sizeof(*set));
			strcpy(set->id, c->slot[c->trial].id);
		}
		for (unsigned int k = 0; k < set->n; k++)
			have |= set->comp[k] == (int)i;
		if (!have) {
			set->comp[set->n] = (int)i;
			set->slot[set->n++] = c->trial;
		}
	}
}

/* Members of @set committed on it in @now, and whether every member can be read. */
static unsigned int set_on(const struct set *set, const struct snap *now, bool *readable)
{
	unsigned int on = 0;

	*readable = now->valid;
	for (unsigned int m = 0; now->valid && m < set->n; m++) {
		const struct comp_state *c = &now->st.c[set->comp[m]];

		*readable &= !c->broken;
		on += !c->broken && c->active == set->slot[m] && !strcmp(c->slot[set->slot[m]].id, set->id);
	}
	return on;
}

/* @x for a command that starts from @w; @known also names sets (read before a component broke). */
static void expect_begin(struct expect *x, struct simboard *w, const struct snap *known)
{
	x->n_sets = 0;
	snap_of(w, &x->before);
	add_sets(x, &x->before);
	if (known)
		add_sets(x, known);
}

/* The sets of @x once the command's sets are all named: which were committed already. */
static void expect_sets_done(struct expect *x)
{
	for (unsigned int k = 0; k < x->n_sets; k++) {
		bool readable;

		x->set[k].on |= set_on(&x->set[k], &x->before, &readable) > 0;
	}
}

/*
 * The members of each set commit together or not at all: no member is
 * committed while another is still armed, or was fallen back or dropped
 * untried. (A member the user removes after the commit, or a later install
 * replaces, leaves the set behind: no longer its image in that slot, or
 * removed with a removal record.)
 */
static bool check_sets(struct expect *x, const struct snap *now, const char *step, const char *where)
{
	bool good = true;

	for (unsigned int k = 0; k < x->n_sets; k++) {
		struct set *set = &x->set[k];
		unsigned int on = 0, armed = 0, dropped = 0;
		bool readable;

		/* the first time a member is committed, every member is */
		on = set_on(set, now, &readable);
		if (!readable)
			continue;
		if (on && !set->on && on < set->n)
			good = violated(where, step, "%u of the %u components of one bundle were committed", on, set->n);
		set->on |= on > 0;
		on = 0;

		for (unsigned int m = 0; m < set->n; m++) {
			const struct comp_state *c = &now->st.c[set->comp[m]];
			int slot = set->slot[m];
			const struct slot_info *si = &c->slot[slot];

			if (c->broken || strcmp(si->id, set->id))
				continue;
			on += c->active == slot;
			armed += c->trial == slot;
			dropped += c->bad == slot && (c->bad_why == BAD_FAILED || strcmp(c->removed.version, si->version));
		}
		if (on && (armed || dropped)) {
			char who[160] = "";

			for (unsigned int m = 0; m < set->n; m++) {
				const struct comp_state *c = &now->st.c[set->comp[m]];

				snprintf(who + strlen(who), sizeof(who) - strlen(who), " %s:%s(a %s t %s b %s %s)", c->name,
					 slot_name(set->slot[m]), slot_name(c->active), slot_name(c->trial), slot_name(c->bad),
					 c->slot[set->slot[m]].id);
			}
			good = violated(where, step, "%u of the %u components of one bundle are committed, %u armed, %u dropped:%s",
					on, set->n, armed, dropped, who);
		}
	}
	return good;
}

/*
 * The invariants of @w now. @crash: right after the cut (the committed state
 * is the one before or after; @done: the command had completed); @judged: an
 * early-boot check of every component just ran to its end.
 */
static bool check_state(struct simboard *w, struct expect *x, bool crash, bool done, bool judged,
			const char *step, const char *where)
{
	static struct snap now;
	bool good = true, broken = false;
	struct sf_err err;

	snap_of(w, &now);
	if (!now.valid) {
		/* only an environment never initialised stays unreadable, and then init runs on it */
		if (x->before.valid || (crash && done) || now.reason != SF_R_ENV_BLANK)
			return violated(where, step, "the environment does not read (%s)", sf_reason_name(now.reason));
		return true;
	}
	for (unsigned int i = 0; i < N_COMPS; i++) {
		const struct comp_state *c = &now.st.c[i];
		const struct sysconf_comp *sc = &w->sys.c[i];

		if (c->broken) {
			broken = true;
			continue;
		}
		if (c->slot[c->active].version[0] &&
		    !sim_holds(fake_slots_find(&w->slots, sc->slot[c->active]), c->name, c->slot[c->active].version))
			good = violated(where, step, "%s: the active slot does not hold %s", c->name,
					c->slot[c->active].version);
		if (c->trial != SLOT_NONE &&
		    !sim_holds(fake_slots_find(&w->slots, sc->slot[c->trial]), c->name, c->slot[c->trial].version))
			good = violated(where, step, "%s: the armed trial slot does not hold %s", c->name,
					c->slot[c->trial].version);
		if (x->before.valid && !x->before.st.c[i].broken && c->floor < x->before.st.c[i].floor)
			good = violated(where, step, "%s: the floor went down", c->name);
		if (crash && !same_committed(&now, &x->before, i) && !same_committed(&now, &x->after, i))
			good = violated(where, step, "%s: the committed state is neither the old nor the new one", c->name);
		if (crash && done && !same_committed(&now, &x->after, i))
			good = violated(where, step, "%s: a completed command was undone (%s %s, after: %s %s)", c->name,
					slot_name(c->active), c->slot[c->active].version,
					slot_name(x->after.st.c[i].active),
					x->after.st.c[i].slot[x->after.st.c[i].active].version);
		if (judged && c->trial != SLOT_NONE && state_set_broken(&now.st, c) >= 0)
			good = violated(where, step, "%s stays armed although its bundle lost a member", c->name);
	}
	good &= check_sets(x, &now, step, where);
	if (!broken && plan_requires(&now.st, NULL, &err))
		good = violated(where, step, "a requirement of the committed images does not hold: %s", err.msg);
	return good;
}

/* An early-boot check that ran to its end (every set judged). */
static bool judged_all(const struct action *a, int ret, const struct sf_err *err)
{
	return (a->op == OP_BOOT || a->op == OP_CHECK) &&
	       (!ret || ret == -SF_EFELLBACK || err->reason == SF_R_ENV_MALFORMED);
}

/* Did the command do its work (it may have found it done, or judged and fallen back)? */
static bool completed(const struct action *a, int ret, const struct sf_err *err)
{
	if (!ret)
		return true;
	switch (a->op) {
	case OP_BOOT:
	case OP_CHECK:
		return ret == -SF_EFELLBACK || err->reason == SF_R_ENV_MALFORMED;
	case OP_ACTIVATE:
		return ret == -SF_EFELLBACK || ret == -SF_EWAITING;
	default:
		return false;
	}
}

/* The refusals each command documents for a state it cannot act on. */
static bool documented_refusal(const struct action *a, const struct sf_err *err)
{
	int r = err->reason;

	if (r == SF_R_ENV_BLANK)
		return true; /* never initialised: "run 'slotflip init'" */
	switch (a->op) {
	case OP_INIT:
		return r == SF_R_ENV_IN_USE;
	case OP_INSTALL:
		return err->cat == SF_EPOLICY || r == SF_R_ENV_MALFORMED;
	case OP_ACTIVATE:
		return r == SF_R_NOT_ARMED || r == SF_R_REBOOT_ONLY || r == SF_R_ENV_MALFORMED;
	case OP_COMMIT:
		return r == SF_R_NOT_ARMED || r == SF_R_NOT_TRIED || r == SF_R_REQUIRES || r == SF_R_POLICY ||
		       r == SF_R_ENV_MALFORMED;
	case OP_REMOVE:
		return r == SF_R_CANNOT_REMOVE || r == SF_R_REQUIRES || r == SF_R_ENV_MALFORMED;
	case OP_REPAIR:
		return r == SF_R_STATE_READABLE;
	default:
		return false;
	}
}

/* The refusal of a command run again once it had completed: it finds nothing left to do. */
static int done_refusal(enum op op)
{
	switch (op) {
	case OP_INIT:
		return SF_R_ENV_IN_USE;
	case OP_ACTIVATE:
	case OP_COMMIT:
		return SF_R_NOT_ARMED;
	case OP_REMOVE:
		return SF_R_CANNOT_REMOVE;
	case OP_REPAIR:
		return SF_R_STATE_READABLE;
	default:
		return SF_R_NONE;
	}
}

/* A command run again: it completes, or refuses with a documented reason, in one line, writing nothing. */
static bool check_rerun(struct simboard *w, const struct action *a, int ret, const struct sf_err *err,
			unsigned int stores, unsigned int writes, const char *where)
{
	if (completed(a, ret, err))
		return true;
	if (!documented_refusal(a, err) || !sf_reason_name(err->reason) || !err->msg[0] || strchr(err->msg, '\n'))
		return violated(where, "run again", "it ended with %d (%s: %s), neither done nor a documented refusal",
				ret, sf_reason_name(err->reason) ?: "?", err->msg);
	if (w->env.stores != stores || w->slots.writes != writes)
		return violated(where, "run again", "it refused (%s) but wrote", sf_reason_name(err->reason));
	return true;
}

/* ---- the exhaustive part ------------------------------------------------- */

static void count_state(struct simboard *w)
{
	states++;
	torn_states += w->power.off && w->power.mode == CUT_TORN && w->power.log[w->power.cut_at - 1] &&
		       strchr("eu", w->power.log[w->power.cut_at - 1]);
	torn_first_states += env_image_state(w->env.copy[0], FAKE_ENV_SIZE, w->env.copy[1], FAKE_ENV_SIZE,
					     FAKE_ENV_SIZE) == ENV_TORN;
}

/* (A) power-on with the early-boot check, the command again, another power-on. */
static bool recover_a(struct simboard *w, const struct action *a, struct expect *x, const char *where)
{
	const struct action boot = { OP_BOOT, -1, 0, false };
	unsigned int stores, writes;
	struct sf_err err;
	bool good;
	int ret;

	ret = run_op(w, &boot, where, &err);
	good = check_state(w, x, false, false, judged_all(&boot, ret, &err), "A: after power-on", where);
	stores = w->env.stores;
	writes = w->slots.writes;
	ret = run_op(w, a, where, &err);
	good &= check_rerun(w, a, ret, &err, stores, writes, where);
	good &= check_state(w, x, false, false, judged_all(a, ret, &err), "A: after running it again", where);
	ret = run_op(w, &boot, where, &err);
	return good & check_state(w, x, false, false, judged_all(&boot, ret, &err), "A: after the next power-on", where);
}

/*
 * (B) U-Boot, the command again, the early-boot check, another power-on: it
 * completes, or refuses because it had completed; the board ends as @final.
 */
static bool recover_b(struct simboard *w, const struct action *a, struct expect *x, const struct snap *final,
		      const char *where)
{
	const struct action boot = { OP_BOOT, -1, 0, false }, check = { OP_CHECK, -1, 0, false },
			    uboot = { OP_UBOOT, -1, 0, false };
	static struct snap pre, end;
	unsigned int stores, writes;
	struct sf_err err;
	char why[320];
	bool good = true;
	int ret;

	if (!is_boot(a->op)) {
		(void)run_op(w, &uboot, where, &err);
		good &= check_state(w, x, false, false, false, "B: after U-Boot", where);
	}
	snap_of(w, &pre);
	stores = w->env.stores;
	writes = w->slots.writes;
	ret = run_op(w, a, where, &err);
	good &= check_rerun(w, a, ret, &err, stores, writes, where);
	if (!completed(a, ret, &err)) {
		if (err.reason != done_refusal(a->op))
			good = violated(where, "B: run again", "refused (%s: %s) although it had not completed",
					sf_reason_name(err.reason) ?: "?", err.msg);
		else if (same_board(&pre, &x->after, why, sizeof(why)))
			good = violated(where, "B: run again", "refused as done, but the board is not: %s", why);
	}
	good &= check_state(w, x, false, false, judged_all(a, ret, &err), "B: after running it again", where);
	ret = run_op(w, &check, where, &err);
	good &= check_state(w, x, false, false, judged_all(&check, ret, &err), "B: after the early-boot check", where);
	ret = run_op(w, &boot, where, &err);
	good &= check_state(w, x, false, false, judged_all(&boot, ret, &err), "B: after the next power-on", where);
	snap_of(w, &end);
	if (same_board(&end, final, why, sizeof(why)))
		good = violated(where, "B: at the end", "not where the uncut command leaves the board: %s", why);
	return good;
}

/*
 * Cut @a, run from @start, at each durable operation in each way (a torn
 * environment copy at each tear), and recover both ways. @known: a state
 * that names bundles @start cannot (read before a component broke); may be NULL.
 */
static void exhaust(const struct simboard *start, const struct action *a, const char *label, const struct snap *known)
{
	const struct action boot = { OP_BOOT, -1, 0, false };
	static struct simboard ref, w, b;
	static struct expect x, xa, xb;
	static struct snap final;
	char where[200], log[POWER_LOG_MAX + 1];
	unsigned int total, bad = 0, n = 0;
	struct sf_err err;

	world_init(&ref);
	world_init(&w);
	world_init(&b);
	simboard_restore(&ref, start);
	expect_begin(&x, &ref, known);
	(void)run_op(&ref, a, label, &err);
	total = ref.power.ops;
	snprintf(log, sizeof(log), "%s", ref.power.log);
	snap_of(&ref, &x.after);
	add_sets(&x, &x.after);
	expect_sets_done(&x);
	/* where the uncut command and a power-on leave the board */
	(void)run_op(&ref, &boot, label, &err);
	snap_of(&ref, &final);
	for (unsigned int cut = 1; cut <= total; cut++)
		for (int mode = 0; mode < CUT_MODES; mode++) {
			unsigned int tears = mode == CUT_TORN && strchr("eu", log[cut - 1]) ? FAKE_ENV_TEARS : 1;

			for (unsigned int tear = 0; tear < tears; tear++) {
				bool good;

				simboard_restore(&w, start);
				w.power.cut_at = cut;
				w.power.mode = (enum cut_mode)mode;
				w.power.tear = tear;
				snprintf(where, sizeof(where), "%s, cut %s (%u) operation %u ('%c') of %u", label,
					 cut_mode_name((enum cut_mode)mode), tear, cut, log[cut - 1], total);
				(void)run_op(&w, a, where, &err);
				count_state(&w);
				power_cycle(&w);
				xa = x;
				good = check_state(&w, &xa, true, cut == total && mode == CUT_AFTER, false, "after the cut",
						   where);
				xb = xa;
				simboard_restore(&b, &w);
				good &= recover_a(&w, a, &xa, where);
				good &= recover_b(&b, a, &xb, &final, where);
				bad += !good;
				n++;
			}
		}
	ok(total > 0 && bad == 0, "%s: %u durable operations (%s), %u crash states, all consistent and re-run", label,
	   total, log, n);
	simboard_free(&ref);
	simboard_free(&w);
	simboard_free(&b);
}

/* Run @a uncut on @w; abort when it does not return @want. */
static void must(struct simboard *w, struct action a, int want)
{
	struct sf_err err;
	int ret = run_op(w, &a, "preparing", &err);

	if (ret != want) {
		char what[64];

		describe(&a, what, sizeof(what));
		fprintf(stderr, "preparing: %s returned %d, not %d: %s\n", what, ret, want, err.msg);
		abort();
	}
}

/* Run @a cut right after its durable operation @at; the power comes back, U-Boot runs. */
static void cut_after(struct simboard *w, struct action a, unsigned int at)
{
	struct sf_err err;

	memset(&w->power, 0, sizeof(w->power));
	w->power.cut_at = at;
	w->power.mode = CUT_AFTER;
	(void)run_op(w, &a, "preparing", &err);
	if (!w->power.off) {
		fprintf(stderr, "preparing: operation %u never came (%s): %s\n", at, w->power.log, err.msg);
		abort();
	}
	power_cycle(w);
	must(w, (struct action){ OP_UBOOT, -1, 0, false }, 0);
}

/* init, then every component on a committed baseline 1. */
static void prepare(struct simboard *w)
{
	must(w, (struct action){ OP_INIT, -1, 0, false }, 0);
	for (unsigned int c = 0; c < N_COMPS; c++) {
		must(w, (struct action){ OP_INSTALL, POOL(c, 1, 0), 0, false }, 0);
		must(w, (struct action){ OP_BOOT, -1, 0, false }, 0);
	}
}

static void corrupt(struct simboard *w, int comp)
{
	char name[KV_NAME_MAX];

	snprintf(name, sizeof(name), "sf_%s_tries", sim_comps[comp]);
	sim_env_edit(w, name, "03");
}

static void test_init(void)
{
	static struct simboard fresh, erased, torn;
	const struct action init = { OP_INIT, -1, 0, false };
	struct sf_err err;

	world_init(&fresh);
	exhaust(&fresh, &init, "init of a zeroed environment", NULL);
	world_init(&erased);
	fake_env_erased(&erased.env);
	exhaust(&erased, &init, "init of an erased environment", NULL);

	/* a first store torn inside its data: no valid copy, one blank */
	world_init(&torn);
	torn.power.cut_at = 1;
	torn.power.mode = CUT_TORN;
	torn.power.tear = 2;
	(void)run_op(&torn, &init, "init", &err);
	power_cycle(&torn);
	is_int(env_image_state(torn.env.copy[0], FAKE_ENV_SIZE, torn.env.copy[1], FAKE_ENV_SIZE, FAKE_ENV_SIZE), ENV_TORN,
	       "a cut first store leaves a torn environment");
	exhaust(&torn, &init, "init of a torn environment", NULL);
	simboard_free(&fresh);
	simboard_free(&erased);
	simboard_free(&torn);
}

static void test_install(const struct simboard *base)
{
	static struct simboard armed;

	exhaust(base, &(struct action){ OP_INSTALL, B_ALL, 0, false }, "install of a three-component bundle", NULL);
	exhaust(base, &(struct action){ OP_INSTALL, POOL(WEBKIT, 1, 1), 0, false }, "install of a patch", NULL);
	exhaust(base, &(struct action){ OP_INSTALL, B_MIXED, 0, false }, "install of a kernel and a soft component", NULL);
	world_init(&armed);
	simboard_restore(&armed, base);
	must(&armed, (struct action){ OP_INSTALL, B_ALL, 0, false }, 0);
	exhaust(&armed, &(struct action){ OP_INSTALL, B_ALL, 0, false }, "install over an armed trial", NULL);
	exhaust(&armed, &(struct action){ OP_INSTALL, B_MIXED, 0, false }, "install over part of an armed set", NULL);
	simboard_free(&armed);
}

/* Delta patches: made from the image the active slot holds, read from it while the other is written. */
static void test_install_delta(const struct simboard *base)
{
	static struct simboard patched, other;
	struct sf_err err;
	int ret;

	exhaust(base, &(struct action){ OP_INSTALL, B_DELTA_1A, 0, false },
		"install of a delta patch (from the active baseline)", NULL);
	world_init(&patched);
	simboard_restore(&patched, base);
	must(&patched, (struct action){ OP_INSTALL, B_DELTA_1A, 0, false }, 0);
	must(&patched, (struct action){ OP_ACTIVATE, WEBKIT, 0, false }, 0);
	exhaust(&patched, &(struct action){ OP_INSTALL, B_DELTA_1B, 0, false }, "install of a delta patch over a patch",
		NULL);

	/* a delta for an image the active slot does not hold: refused, nothing durable */
	world_init(&other);
	simboard_restore(&other, base);
	ret = run_op(&other, &(struct action){ OP_INSTALL, B_DELTA_1B, 0, false }, "refused", &err);
	ok(ret == -SF_EPOLICY && err.reason == SF_R_SOURCE_MISMATCH && !other.power.ops && !other.env.stores,
	   "a delta for another image is refused before any durable operation (%d, %s, %u operations)", ret,
	   sf_reason_name(err.reason), other.power.ops);
	simboard_free(&patched);
	simboard_free(&other);
}

static void test_boot(const struct simboard *base)
{
	static struct simboard armed, spent, fell;

	world_init(&armed);
	simboard_restore(&armed, base);
	must(&armed, (struct action){ OP_INSTALL, B_ALL, 0, false }, 0);
	exhaust(&armed, &(struct action){ OP_BOOT, -1, 0, false }, "power-on: the set commits", NULL);
	exhaust(&armed, &(struct action){ OP_BOOT, -1, 0, true }, "power-on: the set falls back", NULL);
	exhaust(&armed, &(struct action){ OP_UBOOT, -1, 0, false }, "power-on: the kernel panics", NULL);

	/* the kernel of a mixed set panics three times: U-Boot falls it back */
	world_init(&spent);
	simboard_restore(&spent, base);
	must(&spent, (struct action){ OP_INSTALL, B_MIXED, 0, false }, 0);
	for (int k = 0; k < 3; k++)
		must(&spent, (struct action){ OP_UBOOT, -1, 0, false }, 0);
	exhaust(&spent, &(struct action){ OP_BOOT, -1, 0, false }, "power-on: U-Boot falls the kernel back, its set follows",
		NULL);
	world_init(&fell);
	simboard_restore(&fell, &spent);
	must(&fell, (struct action){ OP_UBOOT, -1, 0, false }, 0);
	exhaust(&fell, &(struct action){ OP_CHECK, -1, 0, false }, "boot-check of a set whose kernel U-Boot fell back",
		NULL);
	exhaust(&fell, &(struct action){ OP_ACTIVATE, WEBKIT, 0, false }, "activate of a set whose kernel fell back",
		NULL);
	simboard_free(&armed);
	simboard_free(&spent);
	simboard_free(&fell);
}

static void test_activate_commit(const struct simboard *base)
{
	static struct simboard patch, ran, waits, mixed_ran, w;
	struct sf_err err;
	int ret;

	world_init(&patch);
	simboard_restore(&patch, base);
	must(&patch, (struct action){ OP_INSTALL, POOL(WEBKIT, 1, 1), 0, false }, 0);
	exhaust(&patch, &(struct action){ OP_ACTIVATE, WEBKIT, 0, false }, "activate of a patch", NULL);
	exhaust(&patch, &(struct action){ OP_ACTIVATE, -1, 0, true }, "activate of an unhealthy patch", NULL);

	/* the try of the patch was spent, then the power went: commit it */
	world_init(&ran);
	simboard_restore(&ran, &patch);
	cut_after(&ran, (struct action){ OP_ACTIVATE, WEBKIT, 0, false }, 1);
	exhaust(&ran, &(struct action){ OP_COMMIT, WEBKIT, 0, false }, "commit of a patch that ran", NULL);

	/* a set waiting for its reboot beside a set that does not */
	world_init(&waits);
	simboard_restore(&waits, base);
	must(&waits, (struct action){ OP_INSTALL, B_MIXED, 0, false }, 0);
	world_init(&w);
	simboard_restore(&w, &waits);
	w.env.stores = 0;
	ret = run_op(&w, &(struct action){ OP_ACTIVATE, WEBKIT, 0, false }, "activate of a waiting set", &err);
	ok(ret == -SF_EWAITING && !w.power.ops && !w.env.stores,
	   "activate of a set whose kernel has not booted waits and writes nothing (%d, %s)", ret, err.msg);
	must(&waits, (struct action){ OP_INSTALL, POOL(LIBCRYPTO, 1, 1), 0, false }, 0);
	exhaust(&waits, &(struct action){ OP_ACTIVATE, -1, 0, false }, "activate: one set tried, one waits", NULL);
	exhaust(&waits, &(struct action){ OP_CHECK, -1, 0, false }, "boot-check: one set commits, one waits", NULL);
	exhaust(&waits, &(struct action){ OP_REMOVE, KERNEL, 0, false }, "removal of an armed set", NULL);

	/* U-Boot booted the kernel of a mixed set, its soft member's try was spent, then the power went */
	world_init(&mixed_ran);
	simboard_restore(&mixed_ran, base);
	must(&mixed_ran, (struct action){ OP_INSTALL, B_MIXED, 0, false }, 0);
	cut_after(&mixed_ran, (struct action){ OP_BOOT, -1, 0, false }, 3);
	exhaust(&mixed_ran, &(struct action){ OP_COMMIT, KERNEL, 0, false }, "commit of a kernel and its soft member",
		NULL);
	exhaust(&mixed_ran, &(struct action){ OP_COMMIT, -1, 0, false }, "commit of every set that ran", NULL);
	simboard_free(&patch);
	simboard_free(&ran);
	simboard_free(&waits);
	simboard_free(&mixed_ran);
	simboard_free(&w);
}

static void test_remove_repair(const struct simboard *base)
{
	static struct simboard committed, broken, set_broken;
	static struct snap known;
	struct snap s;

	world_init(&committed);
	simboard_restore(&committed, base);
	must(&committed, (struct action){ OP_INSTALL, POOL(WEBKIT, 1, 1), 0, false }, 0);
	must(&committed, (struct action){ OP_ACTIVATE, WEBKIT, 0, false }, 0);
	exhaust(&committed, &(struct action){ OP_REMOVE, WEBKIT, 0, false }, "removal of a committed patch", NULL);

	world_init(&broken);
	simboard_restore(&broken, &committed);
	snap_of(&broken, &s);
	corrupt(&broken, WEBKIT);
	exhaust(&broken, &(struct action){ OP_REPAIR, WEBKIT, s.st.c[WEBKIT].active, false },
		"repair of a malformed component", NULL);

	/* the soft member of an armed mixed set breaks; the operator repairs it */
	world_init(&set_broken);
	simboard_restore(&set_broken, base);
	must(&set_broken, (struct action){ OP_INSTALL, B_MIXED, 0, false }, 0);
	snap_of(&set_broken, &known);
	corrupt(&set_broken, WEBKIT);
	exhaust(&set_broken, &(struct action){ OP_REPAIR, WEBKIT, known.st.c[WEBKIT].active, false },
		"repair of a malformed member of an armed set", &known);
	simboard_free(&committed);
	simboard_free(&broken);
	simboard_free(&set_broken);
}

/* ---- the order of an install --------------------------------------------- */

static void test_order(const struct simboard *base)
{
	static struct simboard w;
	const char *log;
	size_t len;

	world_init(&w);
	simboard_restore(&w, base);
	must(&w, (struct action){ OP_INSTALL, B_ALL, 0, false }, 0);
	log = w.power.log;
	len = strlen(log);
	tap_diag("durable operations of the install: %s", log);
	ok(len > 2 && log[0] == 'e' && log[len - 1] == 'e', "the install starts and ends with an env store");
	ok(strchr(log + 1, 'e') == log + len - 1, "exactly two env stores");
	ok(strspn(log + 1, "ws") == len - 2, "between them only slot writes and syncs");
	ok(log[len - 2] == 's', "the last slot operation before store (2) is a sync");
	simboard_free(&w);
}

/* ---- seeded random runs -------------------------------------------------- */

static uint64_t rnd_state;

static unsigned int rnd(unsigned int n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned int)(rnd_state % n);
}

/* A step of a random run: a command, or the interrupted one run again. */
struct step {
	struct action a;
	bool rerun;
};

static struct action random_action(void)
{
	unsigned int r = rnd(100);
	struct action a = { OP_INSTALL, -1, 0, rnd(3) == 0 };

	if (r < 35) {
		a.arg = (int)rnd(POOL_N);
		a.sick = false;
		return a;
	}
	a.op = r < 52 ? OP_BOOT : r < 56 ? OP_UBOOT : r < 70 ? OP_ACTIVATE : r < 78 ? OP_COMMIT : r < 90 ? OP_REMOVE
		: r < 96 ? OP_REPAIR : OP_CHECK;
	if (a.op == OP_REMOVE || a.op == OP_REPAIR || rnd(2))
		a.arg = (int)rnd(N_COMPS);
	return a;
}

static void test_random(const struct simboard *base)
{
	static struct simboard w, fresh, probe;
	static struct expect x;
	static struct snap known;
	unsigned long before_states = states;
	unsigned int bad_runs = 0;

	world_init(&w);
	world_init(&fresh);
	world_init(&probe);
	for (unsigned int run = 0; run < RANDOM_RUNS; run++) {
		struct step queue[4];
		struct set carried[SETS_MAX];
		unsigned int cuts, qn = 0, n_carried = 0, carry_at;
		bool good = true;

		rnd_state = 0x9e3779b97f4a7c15ull * (run + 1);
		cuts = 2 + rnd(4);
		/* one run in ten starts from a factory-fresh board, zeroed or erased */
		if (rnd(10)) {
			simboard_restore(&w, base);
		} else {
			simboard_restore(&w, &fresh);
			if (rnd(2))
				fake_env_erased(&w.env);
			queue[qn++] = (struct step){ { OP_INIT, -1, 0, false }, false };
		}
		for (unsigned int k = 0; k < 60 && cuts; k++) {
			struct step st;
			char where[200], what[64];
			unsigned int stores, writes;
			const struct snap *kn = NULL;
			bool cut_here, done;
			struct sf_err err;
			int ret;

			if (qn) {
				st = queue[0];
				memmove(queue, queue + 1, --qn * sizeof(queue[0]));
			} else {
				st = (struct step){ random_action(), false };
				n_carried = 0;
			}
			if (st.a.op == OP_REPAIR && !st.rerun) {
				/* a variable goes bad (a tool outside slotflip); the operator repairs it */
				snap_of(&w, &known);
				if (!known.valid || known.st.c[st.a.arg].broken)
					continue;
				st.a.slot = known.st.c[st.a.arg].active;
				corrupt(&w, st.a.arg);
				kn = &known;
			}
			describe(&st.a, what, sizeof(what));
			expect_begin(&x, &w, kn);
			/* while recovering, the sets of the command that was cut are checked too */
			carry_at = x.n_sets;
			if (x.n_sets + n_carried > SETS_MAX)
				abort();
			for (unsigned int s = 0; s < n_carried; s++)
				x.set[x.n_sets++] = carried[s];
			/* the uncut outcome, for "the old or the new state" */
			simboard_restore(&probe, &w);
			(void)run_op(&probe, &st.a, "probe", &err);
			snap_of(&probe, &x.after);
			add_sets(&x, &x.after);
			expect_sets_done(&x);
			cut_here = cuts && probe.power.ops && (st.rerun ? rnd(4) == 0 : rnd(2) || 60 - k <= cuts);
			snprintf(where, sizeof(where), "run %u step %u, %s%s", run, k, what, st.rerun ? " (again)" : "");
			stores = w.env.stores;
			writes = w.slots.writes;
			if (!cut_here) {
				memset(&w.power, 0, sizeof(w.power));
				ret = run_op(&w, &st.a, where, &err);
				if (st.rerun)
					good &= check_rerun(&w, &st.a, ret, &err, stores, writes, where);
				good &= check_state(&w, &x, false, false, judged_all(&st.a, ret, &err), "after it", where);
				memcpy(carried, x.set + carry_at, sizeof(carried[0]) * n_carried);
				continue;
			}
			/* the switch counts this command's durable operations only */
			memset(&w.power, 0, sizeof(w.power));
			w.power.cut_at = 1 + rnd(probe.power.ops);
			w.power.mode = (enum cut_mode)rnd(CUT_MODES);
			w.power.tear = rnd(FAKE_ENV_TEARS);
			(void)run_op(&w, &st.a, where, &err);
			if (!w.power.off)
				good = violated(where, "cutting", "the power never went: the command did other durable operations than uncut");
			snprintf(where + strlen(where), sizeof(where) - strlen(where), ", cut %s (%u) at %u of %u (%.16s)",
				 cut_mode_name(w.power.mode), w.power.tear, w.power.cut_at, probe.power.ops, probe.power.log);
			count_state(&w);
			done = w.power.cut_at == probe.power.ops && w.power.mode == CUT_AFTER;
			power_cycle(&w);
			good &= check_state(&w, &x, true, done, false, "after the cut", where);
			cuts--;
			/* recover: (A) power-on, run it again; (B) U-Boot, run it again, the early-boot check */
			/* carried: the sets of the command first cut and of this one, each once */
			memcpy(carried, x.set + carry_at, sizeof(carried[0]) * n_carried);
			for (unsigned int s = 0; s < x.n_sets; s++) {
				bool have = false;

				for (unsigned int t = 0; t < n_carried && !have; t++)
					have = !strcmp(carried[t].id, x.set[s].id) && carried[t].n == x.set[s].n &&
					       !memcmp(carried[t].comp, x.set[s].comp, sizeof(carried[t].comp)) &&
					       !memcmp(carried[t].slot, x.set[s].slot, sizeof(carried[t].slot));
				if (!have && n_carried < SETS_MAX / 2)
					carried[n_carried++] = x.set[s];
			}
			qn = 0;
			if (rnd(2)) {
				queue[qn++] = (struct step){ { OP_BOOT, -1, 0, false }, false };
				queue[qn++] = (struct step){ st.a, true };
			} else {
				if (!is_boot(st.a.op))
					queue[qn++] = (struct step){ { OP_UBOOT, -1, 0, false }, false };
				queue[qn++] = (struct step){ st.a, true };
				queue[qn++] = (struct step){ { OP_CHECK, -1, 0, false }, false };
			}
		}
		bad_runs += !good;
	}
	ok(bad_runs == 0, "%d seeded random runs: every crash state consistent, every command re-run (%lu states)",
	   RANDOM_RUNS, states - before_states);
	simboard_free(&w);
	simboard_free(&fresh);
	simboard_free(&probe);
}

int main(void)
{
	static struct simboard base;
	char path[160];
	FILE *f;

	tap_tmpdir(tmp, "powercut");
	keys = sim_setup(tmp);
	snprintf(fail_dir, sizeof(fail_dir), "%s/fail.d", tmp);
	mkdir(fail_dir, 0755);
	snprintf(path, sizeof(path), "%s/10-fail", fail_dir);
	f = fopen(path, "w");
	if (!f)
		return 1;
	fputs("#!/bin/sh\nexit 1\n", f);
	fclose(f);
	chmod(path, 0755);
	make_pool();
	world_init(&base);
	prepare(&base);

	test_order(&base);
	test_init();
	test_install(&base);
	test_install_delta(&base);
	test_boot(&base);
	test_activate_commit(&base);
	test_remove_repair(&base);
	test_random(&base);
	tap_diag("crash states checked: %lu (floor %d), %lu with a torn environment copy, %lu left a torn first store; violations: %lu",
		 states, STATES_FLOOR, torn_states, torn_first_states, violations);
	ok(states >= STATES_FLOOR, "at least %d crash states checked (%lu)", STATES_FLOOR, states);
	ok(torn_first_states > 0, "some crash states left a torn first store, and init ran on each (%lu)",
	   torn_first_states);
	is_int(violations, 0, "no invariant violated");

	simboard_free(&base);
	keyring_free(keys);
	tap_rmtree(tmp);
	return tap_done();
}
