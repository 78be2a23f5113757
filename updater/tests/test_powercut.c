// SPDX-License-Identifier: MIT
/*
 * The power-cut simulator. The board lives in memory behind the slot and env
 * seams; every durable operation (slot write, slot sync, env store) of an
 * install, a commit, a fallback, a removal and init is cut in turn in four
 * ways (before it, after it, torn, every unsynced write lost), then the board
 * boots again and these must hold:
 *   - the environment reads;
 *   - every component's active slot holds exactly the image of the version it
 *     records (a verified slot boots);
 *   - an armed trial's slot holds exactly its recorded version (no partial
 *     image is ever armed, so none is ever booted);
 *   - the committed state is the one before or the one after the operation,
 *     never a third, and never the one before once the operation completed
 *     (the last committed state is never lost, a commit is never undone);
 *   - the floor never goes down;
 *   - after the early-boot check runs, all of the above still hold.
 * Installs include delta bundles (a patch made from the image the active slot
 * holds, read from it while the inactive slot is written), and a delta for
 * another image must be refused without a single durable operation.
 * Then 1,000 seeded random runs of random operations, 2 to 5 of them cut.
 * The suite prints how many crash states it checked and fails below its floor.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/bootcheck.h"
#include "core/core.h"
#include "fit/fit_create.h"
#include "fit/keyring.h"
#include "support/simboard.h"
#include "tap.h"

#define STATES_FLOOR 2000
#define RANDOM_RUNS 1000
#define N_COMPS SIM_COMPS

static char tmp[64];
static struct keyring *keys;
static unsigned long states, violations;

static void world_init(struct simboard *w, const char *health_dir)
{
	simboard_init(w, keys);
	snprintf(w->sys.health_dir, sizeof(w->sys.health_dir), "%s", health_dir);
}

/* The power comes back. */
static void power_cycle(struct simboard *w)
{
	fake_slots_power_cycle(&w->slots, w->power.off && w->power.mode == CUT_LOST);
	memset(&w->power, 0, sizeof(w->power));
}

/*
 * A pool of bundles: baselines 1..3 and patches (a), (b) of each, per
 * component; then per component the deltas 1 -> 1 (a), 1 (a) -> 1 (b) and
 * 1 -> 1 (b); the three-component bundle last.
 */
#define POOL_PER_COMP 9
#define DELTAS_PER_COMP 3
#define POOL_DELTAS (N_COMPS * POOL_PER_COMP)
static char pool[N_COMPS * (POOL_PER_COMP + DELTAS_PER_COMP) + 1][128];
static unsigned int pool_n;

static void make_pool(void)
{
	static const char *const sfx[] = { "", " (a)", " (b)" };

	for (unsigned int c = 0; c < N_COMPS; c++)
		for (unsigned int base = 1; base <= 3; base++)
			for (unsigned int p = 0; p < 3; p++) {
				char version[32], basev[8];
				struct sim_spec s = { sim_comps[c], version, base, NULL, NULL };

				snprintf(version, sizeof(version), "%u%s", base, sfx[p]);
				snprintf(basev, sizeof(basev), "%u", base);
				if (p)
					s.base = basev;
				snprintf(pool[pool_n], sizeof(pool[0]), "%s/pool-%u.fit", tmp, pool_n);
				sim_bundle(tmp, pool[pool_n++], &s, 1);
			}
	for (unsigned int c = 0; c < N_COMPS; c++) {
		static const char *const from[DELTAS_PER_COMP] = { "1", "1 (a)", "1" };
		static const char *const to[DELTAS_PER_COMP] = { "1 (a)", "1 (b)", "1 (b)" };

		for (unsigned int d = 0; d < DELTAS_PER_COMP; d++) {
			struct sim_spec s = { sim_comps[c], to[d], 1, "1", from[d] };

			snprintf(pool[pool_n], sizeof(pool[0]), "%s/pool-%u.fit", tmp, pool_n);
			sim_bundle(tmp, pool[pool_n++], &s, 1);
		}
	}
	/* one bundle with all three components (the reference install) */
	{
		struct sim_spec s[3] = { { "webkit", "1 (a)", 1, "1", NULL }, { "libcrypto", "2", 2, NULL, NULL },
					 { "kernel", "2", 2, NULL, NULL } };

		snprintf(pool[pool_n], sizeof(pool[0]), "%s/all.fit", tmp);
		sim_bundle(tmp, pool[pool_n++], s, 3);
	}
}

/* ---- operations --------------------------------------------------------- */

enum op { OP_INIT, OP_INSTALL, OP_BOOT_PASS, OP_BOOT_FAIL, OP_REMOVE, OP_COUNT };

static const char *const op_names[] = { "init", "install", "boot-check (healthy)", "boot-check (unhealthy)",
					"remove" };

struct action {
	enum op op;
	unsigned int arg; /* bundle index, or component index */
};

static char fail_dir[96];

/* Run @a on @w; the library's return value. */
static int run_op(struct simboard *w, const struct action *a)
{
	char cmdline[128] = "";
	struct bc_report rep;
	struct sf_err err;
	int ret, i;

	switch (a->op) {
	case OP_INIT:
		return sf_init(&w->ctx, NULL, 0, &err);
	case OP_INSTALL:
		return sim_install(w, pool[a->arg], &err);
	case OP_BOOT_PASS:
	case OP_BOOT_FAIL:
		/* U-Boot boots an armed kernel trial (its try counting is the boot script's) */
		{
			struct sf_session s;

			if (!sf_load(&w->ctx, &s, &err) && (i = state_find(&s.st, "kernel")) >= 0 &&
			    s.st.c[i].trial != SLOT_NONE)
				snprintf(cmdline, sizeof(cmdline), "slotflip.kernel=%s", slot_name(s.st.c[i].trial));
		}
		snprintf(w->sys.health_dir, sizeof(w->sys.health_dir), "%s", a->op == OP_BOOT_FAIL ? fail_dir : "");
		ret = bootcheck_run(&w->ctx, NULL, 0, cmdline, NULL, &rep, &err);
		w->sys.health_dir[0] = '\0';
		return ret;
	case OP_REMOVE:
		return sf_remove(&w->ctx, sim_comps[a->arg], NULL, NULL, &err);
	default:
		abort();
	}
}

/* ---- invariants --------------------------------------------------------- */

struct committed {
	bool valid; /* the env has a valid copy */
	int active[N_COMPS];
	char version[N_COMPS][SF_VERSION_MAX];
	uint32_t floor[N_COMPS];
};

static void committed_of(struct simboard *w, struct committed *c)
{
	struct sf_session s;
	struct sf_err err;

	memset(c, 0, sizeof(*c));
	if (sf_load(&w->ctx, &s, &err))
		return;
	c->valid = true;
	for (unsigned int i = 0; i < N_COMPS; i++) {
		c->active[i] = s.st.c[i].active;
		strcpy(c->version[i], s.st.c[i].slot[s.st.c[i].active].version);
		c->floor[i] = s.st.c[i].floor;
	}
}

static bool same_committed(const struct committed *a, const struct committed *b, unsigned int i)
{
	return a->valid == b->valid && (!a->valid || (a->active[i] == b->active[i] && !strcmp(a->version[i], b->version[i])));
}

static bool violated(const char *what, const char *where)
{
	if (violations++ < 20)
		tap_diag("violation after %s: %s", where, what);
	return false;
}

/*
 * Check the board after a power cycle. @before/@after: the committed states
 * before and after the interrupted operation, or NULL to check the slots only;
 * @done: it had completed.
 */
static bool check_board(struct simboard *w, const struct committed *before, const struct committed *after, bool done,
			const char *where)
{
	struct sf_session s;
	struct sf_err err;
	bool good = true;

	if (sf_load(&w->ctx, &s, &err)) {
		/* only a factory-fresh env may stay unreadable (a cut init) */
		if (!before || before->valid)
			return violated(err.msg, where);
		return true;
	}
	for (unsigned int i = 0; i < N_COMPS; i++) {
		const struct comp_state *c = &s.st.c[i];
		const struct sysconf_comp *sc = &w->sys.c[i];
		struct committed now;

		if (c->slot[c->active].version[0] &&
		    !sim_holds(fake_slots_find(&w->slots, sc->slot[c->active]), c->name, c->slot[c->active].version))
			good = violated("the active slot does not hold its recorded version", where);
		if (c->trial != SLOT_NONE &&
		    !sim_holds(fake_slots_find(&w->slots, sc->slot[c->trial]), c->name, c->slot[c->trial].version))
			good = violated("an armed trial slot does not hold its recorded version", where);
		if (!before)
			continue;
		committed_of(w, &now);
		if (!same_committed(&now, before, i) && !same_committed(&now, after, i))
			good = violated("the committed state is neither the old nor the new one", where);
		if (done && !same_committed(&now, after, i))
			good = violated("a completed operation was undone", where);
		if (before->valid && c->floor < before->floor[i])
			good = violated("the floor went down", where);
	}
	return good;
}

/* After a cut: power back, check, run the early-boot check, check again. */
static bool reboot_and_check(struct simboard *w, const struct committed *before, const struct committed *after, bool done,
			     const char *where)
{
	struct action boot = { OP_BOOT_PASS, 0 };
	struct committed now;
	bool good;

	power_cycle(w);
	good = check_board(w, before, after, done, where);
	committed_of(w, &now);
	if (now.valid) {
		(void)run_op(w, &boot);
		/* the boot-check may commit a complete trial: only the slot invariants apply */
		good &= check_board(w, NULL, NULL, false, where);
	}
	states++;
	return good;
}

/* ---- the exhaustive part ------------------------------------------------ */

/* Prepare a world: init, then every component on a committed baseline 1. */
static void prepare(struct simboard *w)
{
	struct action a = { OP_INIT, 0 };

	if (run_op(w, &a))
		abort();
	for (unsigned int c = 0; c < N_COMPS; c++) {
		struct action inst = { OP_INSTALL, c * POOL_PER_COMP }, boot = { OP_BOOT_PASS, 0 };

		if (run_op(w, &inst) || run_op(w, &boot))
			abort();
	}
}

/* Cut @a, run from @start, at each durable operation in each way. */
static void exhaust(const struct simboard *start, const struct action *a, const char *label)
{
	static struct simboard ref, w;
	struct committed before, after;
	char where[160];
	unsigned int total, bad = 0;

	world_init(&ref, "");
	simboard_restore(&ref, start);
	committed_of(&ref, &before);
	(void)run_op(&ref, a);
	total = ref.power.ops;
	committed_of(&ref, &after);
	world_init(&w, "");
	for (unsigned int cut = 1; cut <= total; cut++)
		for (int mode = 0; mode < CUT_MODES; mode++) {
			simboard_restore(&w, start);
			w.power.cut_at = cut;
			w.power.mode = (enum cut_mode)mode;
			(void)run_op(&w, a);
			snprintf(where, sizeof(where), "%s, cut %s operation %u ('%c') of %u", label,
				 cut_mode_name((enum cut_mode)mode), cut, w.power.log[cut - 1], total);
			/* the last durable operation done whole: the operation completed */
			bad += !reboot_and_check(&w, &before, &after, cut == total && mode == CUT_AFTER, where);
		}
	ok(total > 0 && bad == 0, "%s: %u durable operations x %d ways, all consistent (%s)", label, total, CUT_MODES,
	   ref.power.log);
	simboard_free(&ref);
	simboard_free(&w);
}

static void test_exhaustive(void)
{
	static struct simboard fresh, base, armed, failed;
	struct action init = { OP_INIT, 0 }, all = { OP_INSTALL, pool_n - 1 }, pass = { OP_BOOT_PASS, 0 },
		      fail = { OP_BOOT_FAIL, 0 }, rm = { OP_REMOVE, 0 };

	world_init(&fresh, "");
	exhaust(&fresh, &init, "init");

	world_init(&base, "");
	prepare(&base);
	exhaust(&base, &all, "install of a three-component bundle");
	{
		struct action patch = { OP_INSTALL, 1 };

		exhaust(&base, &patch, "install of a patch");
	}

	{
		static struct simboard patched;
		struct action delta = { OP_INSTALL, POOL_DELTAS }, over = { OP_INSTALL, POOL_DELTAS + 1 },
			      stale = { OP_INSTALL, POOL_DELTAS + 1 };
		struct committed before, after;

		exhaust(&base, &delta, "install of a delta patch (from the active baseline)");
		world_init(&patched, "");
		simboard_restore(&patched, &base);
		if (run_op(&patched, &delta) || run_op(&patched, &pass))
			abort();
		exhaust(&patched, &over, "install of a delta patch over a patch");
		/* a delta for an image the active slot does not hold: refused, nothing durable */
		simboard_restore(&patched, &base);
		committed_of(&patched, &before);
		is_int(run_op(&patched, &stale), -SF_EPOLICY, "a delta for another image is refused by policy");
		committed_of(&patched, &after);
		ok(patched.power.ops == 0 && same_committed(&before, &after, 0),
		   "  without a single durable operation (%u)", patched.power.ops);
		simboard_free(&patched);
	}

	world_init(&armed, "");
	simboard_restore(&armed, &base);
	if (run_op(&armed, &all))
		abort();
	exhaust(&armed, &pass, "commit by the boot-check");
	exhaust(&armed, &fail, "fallback by the boot-check");
	{
		struct action reinstall = { OP_INSTALL, pool_n - 1 };

		exhaust(&armed, &reinstall, "install over an armed trial");
	}

	world_init(&failed, "");
	simboard_restore(&failed, &armed);
	if (run_op(&failed, &pass))
		abort();
	exhaust(&failed, &rm, "removal");
	simboard_free(&fresh);
	simboard_free(&base);
	simboard_free(&armed);
	simboard_free(&failed);
}

/* ---- the order of an install -------------------------------------------- */

static void test_order(void)
{
	static struct simboard w;
	struct action all = { OP_INSTALL, pool_n - 1 };
	const char *log;
	size_t len;

	world_init(&w, "");
	prepare(&w);
	memset(&w.power, 0, sizeof(w.power));
	is_int(run_op(&w, &all), 0, "reference install succeeds");
	log = w.power.log;
	len = strlen(log);
	tap_diag("durable operations of the install: %s", log);
	ok(len > 2 && log[0] == 'e' && log[len - 1] == 'e', "the install starts and ends with an env store");
	ok(strchr(log + 1, 'e') == log + len - 1, "exactly two env stores");
	ok(strspn(log + 1, "ws") == len - 2, "between them only slot writes and syncs");
	ok(log[len - 2] == 's', "the last slot operation before store (2) is a sync");
	simboard_free(&w);
}

/* ---- seeded random runs ------------------------------------------------- */

static uint64_t rnd_state;

static unsigned int rnd(unsigned int n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned int)(rnd_state % n);
}

static void test_random(void)
{
	static struct simboard w, base, probe;
	unsigned long before_states = states;
	unsigned int bad_runs = 0;

	world_init(&base, "");
	prepare(&base);
	world_init(&w, "");
	world_init(&probe, "");
	for (unsigned int run = 0; run < RANDOM_RUNS; run++) {
		unsigned int n_ops, cuts;
		bool good = true;

		rnd_state = 0x9e3779b97f4a7c15ull * (run + 1);
		n_ops = 40;
		cuts = 2 + rnd(4);
		simboard_restore(&w, &base);
		for (unsigned int k = 0; k < n_ops && cuts; k++) {
			struct action a;
			struct committed before, after;
			bool cut_here;
			char where[128];
			int r = rnd(10);

			a.op = r < 5 ? OP_INSTALL : r < 7 ? OP_BOOT_PASS : r < 9 ? OP_BOOT_FAIL : OP_REMOVE;
			a.arg = a.op == OP_INSTALL ? rnd(pool_n) : rnd(N_COMPS);
			committed_of(&w, &before);
			/* the uncut outcome, for the "old or new" invariant */
			simboard_restore(&probe, &w);
			(void)run_op(&probe, &a);
			committed_of(&probe, &after);
			/* cut half of the operations that write, until the run's cuts are made */
			cut_here = cuts && probe.power.ops && (rnd(2) || n_ops - k <= cuts);
			if (!cut_here) {
				(void)run_op(&w, &a);
				continue;
			}
			w.power.cut_at = 1 + rnd(probe.power.ops);
			w.power.mode = (enum cut_mode)rnd(CUT_MODES);
			(void)run_op(&w, &a);
			snprintf(where, sizeof(where), "run %u, %s, cut %s at %u of %u", run, op_names[a.op],
				 cut_mode_name(w.power.mode), w.power.cut_at, probe.power.ops);
			good &= reboot_and_check(&w, &before, &after,
						 w.power.cut_at == probe.power.ops && w.power.mode == CUT_AFTER, where);
			cuts--;
		}
		bad_runs += !good;
	}
	ok(bad_runs == 0, "%d seeded random runs: every crash state consistent (%lu states)", RANDOM_RUNS,
	   states - before_states);
	simboard_free(&w);
	simboard_free(&base);
	simboard_free(&probe);
}

int main(void)
{
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

	test_order();
	test_exhaustive();
	test_random();
	tap_diag("crash states checked: %lu (floor %d), violations: %lu", states, STATES_FLOOR, violations);
	ok(states >= STATES_FLOOR, "at least %d crash states checked (%lu)", STATES_FLOOR, states);
	is_int(violations, 0, "no invariant violated");

	keyring_free(keys);
	tap_rmtree(tmp);
	return tap_done();
}
