// SPDX-License-Identifier: MIT
/* The env grammar of DESIGN §5 and the pure state transitions. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan/state.h"
#include "tap.h"

static const char *const names[] = { "webkit", "kernel" };

static void set(struct kv *env, const char *n, const char *v)
{
	if (kv_set(env, n, v))
		printf("# kv_set %s failed\n", n);
}

/* Read the state; the first broken component's reason, as the commands see it. */
static int load(struct sys_state *st, const struct kv *env, struct sf_err *err)
{
	int ret;

	memset(err, 0, sizeof(*err));
	ret = state_from_env(st, env, names, 2, err);
	for (unsigned int i = 0; i < st->n && !ret; i++)
		if (st->c[i].broken) {
			*err = st->c[i].why;
			ret = -err->cat;
		}
	return ret;
}

static void test_roundtrip(void)
{
	static struct kv env, env2;
	static struct sys_state st, st2;
	struct sf_err err;

	kv_clear(&env);
	st.n = 2;
	state_init_comp(&st.c[0], "webkit", "26.3", 5);
	state_init_comp(&st.c[1], "kernel", NULL, 0);
	is_int(state_to_env(&st, &env, &err), 0, "init state written");
	is_str(kv_get(&env, "sf_webkit_active"), "a", "active a");
	is_str(kv_get(&env, "sf_webkit_a_ver"), "26.3", "factory version in slot a");
	is_str(kv_get(&env, "sf_webkit_a_sv"), "5", "factory security version");
	is_str(kv_get(&env, "sf_webkit_floor"), "5", "factory floor");
	ok(kv_get(&env, "sf_webkit_trial") == NULL, "no trial variable when none is armed");
	ok(kv_get(&env, "sf_webkit_tries") == NULL, "no tries variable either");
	ok(kv_get(&env, "sf_kernel_a_ver") == NULL, "empty slot has no version variable");
	is_str(kv_get(&env, "sf_kernel_floor"), "0", "floor 0");

	is_int(load(&st2, &env, &err), 0, "state reads back");
	ok(!memcmp(&st, &st2, sizeof(st)), "read back identical");
	kv_clear(&env2);
	is_int(state_to_env(&st2, &env2, &err), 0, "written again");
	ok(kv_equal(&env, &env2), "same variables");

	/* a trial armed, then committed: its variables go from the env */
	state_arm(&st.c[0], SLOT_B, &(struct slot_info){ .version = "26.3 (a)", .sv = 6 }, 3);
	is_int(state_to_env(&st, &env, &err), 0, "armed state written");
	is_str(kv_get(&env, "sf_webkit_tries"), "3", "  sf_webkit_tries = 3");
	state_commit(&st.c[0]);
	is_int(state_to_env(&st, &env, &err), 0, "committed state written over it");
	ok(!kv_get(&env, "sf_webkit_trial") && !kv_get(&env, "sf_webkit_tries"), "  sf_webkit_trial and sf_webkit_tries deleted");
}

static void test_grammar(void)
{
	static struct kv env;
	static struct sys_state st;
	struct sf_err err;

	kv_clear(&env);
	is_int(load(&st, &env, &err), -SF_ECONFIG, "uninitialised env refused");
	ok(strstr(err.msg, "webkit is not initialised") && strstr(err.msg, "slotflip init"), "message: %s", err.msg);

	set(&env, "sf_webkit_active", "a");
	set(&env, "sf_kernel_active", "b");
	is_int(load(&st, &env, &err), 0, "minimal env reads");
	is_int(st.c[1].active, SLOT_B, "kernel active b");
	is_int(st.c[0].trial, SLOT_NONE, "no trial");

	set(&env, "sf_webkit_active", "c");
	is_int(load(&st, &env, &err), -SF_ECONFIG, "active 'c' refused");
	ok(strstr(err.msg, "sf_webkit_active = 'c'") != NULL, "message names the variable: %s", err.msg);
	set(&env, "sf_webkit_active", "a");

	set(&env, "sf_webkit_trial", "a");
	is_int(load(&st, &env, &err), -SF_ECONFIG, "trial equal to active refused");
	set(&env, "sf_webkit_trial", "b");
	set(&env, "sf_webkit_tries", "x");
	is_int(load(&st, &env, &err), -SF_ECONFIG, "tries 'x' refused");
	ok(strstr(err.msg, "not a number") != NULL, "message: %s", err.msg);
	set(&env, "sf_webkit_tries", "-1");
	is_int(load(&st, &env, &err), -SF_ECONFIG, "negative tries refused");
	set(&env, "sf_webkit_tries", "03");
	is_int(load(&st, &env, &err), -SF_ECONFIG, "leading zero refused");
	set(&env, "sf_webkit_tries", "4294967296");
	is_int(load(&st, &env, &err), -SF_ECONFIG, "tries beyond 32 bits refused");
	set(&env, "sf_webkit_tries", "2");
	is_int(load(&st, &env, &err), 0, "armed trial reads");
	is_int(st.c[0].trial, SLOT_B, "trial b");
	is_int(st.c[0].tries, 2, "2 tries");

	set(&env, "sf_webkit_bad", "a");
	set(&env, "sf_webkit_bad_why", "broken");
	is_int(load(&st, &env, &err), -SF_ECONFIG, "unknown bad_why refused");
	set(&env, "sf_webkit_bad_why", "removed");
	is_int(load(&st, &env, &err), 0, "removed mark reads");
	is_int(st.c[0].bad_why, BAD_REMOVED, "removed");

	set(&env, "sf_webkit_b_ver", "26.3 (a)");
	is_int(load(&st, &env, &err), -SF_ECONFIG, "version without security version refused");
	set(&env, "sf_webkit_b_sv", "7");
	is_int(load(&st, &env, &err), 0, "slot version reads");
	is_str(st.c[0].slot[SLOT_B].version, "26.3 (a)", "version");
	is_int(st.c[0].slot[SLOT_B].sv, 7, "security version");
	set(&env, "sf_webkit_floor", "4294967295");
	is_int(load(&st, &env, &err), 0, "floor at UINT32_MAX reads");
	is_int(st.c[0].floor, 4294967295u, "floor");
}

static void test_transitions(void)
{
	struct comp_state c;
	struct sf_err err = { 0 };

	state_init_comp(&c, "webkit", "26.3", 5);
	state_invalidate(&c, SLOT_B);
	is_int(state_slot(&c, SLOT_B), SLOT_EMPTY, "invalidated slot is empty");
	state_arm(&c, SLOT_B, &(struct slot_info){ .version = "26.3 (a)", .sv = 6 }, 3);
	is_int(state_slot(&c, SLOT_B), SLOT_TRIAL, "armed slot is trial");
	is_int(c.tries, 3, "3 tries");
	ok(state_spend_try(&c), "a try is spent");
	is_int(c.tries, 2, "2 left");
	state_commit(&c);
	is_int(c.active, SLOT_B, "patch committed");
	is_int(c.floor, 5, "a patch does not raise the floor");
	is_int(state_slot(&c, SLOT_A), SLOT_GOOD, "baseline stays good");

	is_int(state_remove(&c, &err), 0, "patch removed");
	is_int(c.active, SLOT_A, "back on the baseline");
	is_int(state_slot(&c, SLOT_B), SLOT_REMOVED, "patch slot removed");
	is_int(state_remove(&c, &err), -SF_EPOLICY, "cannot remove back to a removed slot");
	ok(strstr(err.msg, "removed") != NULL, "message: %s", err.msg);

	state_invalidate(&c, SLOT_B);
	is_int(c.bad, SLOT_NONE, "invalidation drops the removed mark");
	state_arm(&c, SLOT_B, &(struct slot_info){ .version = "27.0", .sv = 9 }, 3);
	state_commit(&c);
	is_int(c.floor, 9, "a committed baseline raises the floor");
	is_int(state_remove(&c, &err), -SF_EPOLICY, "removal below the floor refused");
	ok(strstr(err.msg, "below the floor 9") != NULL, "message: %s", err.msg);

	state_invalidate(&c, SLOT_A);
	state_arm(&c, SLOT_A, &(struct slot_info){ .version = "27.0 (a)", .sv = 9 }, 1);
	ok(state_spend_try(&c), "last try spent");
	ok(!state_spend_try(&c), "no try left");
	state_fallback(&c, SF_R_HEALTH, "");
	is_int(c.active, SLOT_B, "fallback keeps the active slot");
	is_int(state_slot(&c, SLOT_A), SLOT_BAD, "trial slot marked bad");
	is_int(c.trial, SLOT_NONE, "nothing armed");
	is_int(state_remove(&c, &err), -SF_EPOLICY, "cannot remove back to a failed slot");

	state_invalidate(&c, SLOT_A);
	state_arm(&c, SLOT_A, &(struct slot_info){ .version = "27.0 (b)", .sv = 9 }, 3);
	is_int(state_remove(&c, &err), 0, "removing an armed trial");
	is_int(c.active, SLOT_B, "active unchanged");
	is_int(state_slot(&c, SLOT_A), SLOT_REMOVED, "dropped trial marked removed");

	/* arming stands on its own: without store (1) before it, the bad mark still goes */
	state_init_comp(&c, "webkit", "26.3", 5);
	c.bad = SLOT_B;
	c.bad_why = BAD_FAILED;
	state_arm(&c, SLOT_B, &(struct slot_info){ .version = "26.3 (a)", .sv = 6 }, 3);
	is_int(c.bad, SLOT_NONE, "arming a slot marked bad drops the mark");
	state_commit(&c);
	is_int(state_slot(&c, SLOT_A), SLOT_GOOD, "  so once it commits, the slot it left is good");
	is_int(state_remove(&c, &err), 0, "  and can be returned to");

	/* the floor only rises: a baseline below it (the env edited by hand) commits without lowering it */
	state_init_comp(&c, "webkit", "26.3", 9);
	state_arm(&c, SLOT_B, &(struct slot_info){ .version = "26.1", .sv = 4 }, 3);
	state_commit(&c);
	is_int(c.floor, 9, "committing a baseline below the floor leaves the floor");

	state_init_comp(&c, "webkit", NULL, 0);
	is_int(state_remove(&c, &err), -SF_EPOLICY, "nothing to remove to on a fresh component");
	ok(strstr(err.msg, "holds no image") != NULL, "message: %s", err.msg);
}

/* The variables of DESIGN §5 that issue 9 added, and one component's damage left to itself. */
static void test_records(void)
{
	static struct kv env, env2;
	static struct sys_state st, st2;
	struct sf_err err;
	bool floor_ok;
	int n = 0;

	kv_clear(&env);
	st.n = 2;
	state_init_comp(&st.c[0], "webkit", "26.3", 5);
	state_init_comp(&st.c[1], "kernel", "6.1", 2);
	state_arm(&st.c[0], SLOT_B,
		  &(struct slot_info){ .version = "27.0", .sv = 6, .id = "0123456789abcdef",
				       .req = "kernel>=6.2 libc>=2.36 (a)" },
		  3);
	state_arm(&st.c[1], SLOT_B, &(struct slot_info){ .version = "6.2", .sv = 3, .id = "0123456789abcdef" }, 3);
	ok(state_same_set(&st.c[0], &st.c[1]), "one bundle armed both: one set");
	is_str(state_set_id(&st.c[0]), "0123456789abcdef", "its id");
	is_int(state_set_broken(&st, &st.c[0]), -1, "the set is whole");
	state_fallback(&st.c[1], SF_R_TRIES, "U-Boot\\spent=them\n");
	is_int(state_set_broken(&st, &st.c[0]), 1, "the kernel fell back: the set is broken");
	is_str(st.c[1].fail.reason, "tries-exhausted", "the failure's reason");
	is_str(st.c[1].fail.detail, "U-Boot?spent?them?", "its detail, sanitised for the environment");
	is_str(st.c[1].fail.version, "6.2", "the version that failed");
	is_int(state_to_env(&st, &env, &err), 0, "written");
	is_str(kv_get(&env, "sf_webkit_b_id"), "0123456789abcdef", "sf_webkit_b_id");
	is_str(kv_get(&env, "sf_webkit_b_req"), "kernel>=6.2 libc>=2.36 (a)", "sf_webkit_b_req");
	is_str(kv_get(&env, "sf_kernel_fail"), "tries-exhausted U-Boot?spent?them?", "sf_kernel_fail");
	is_str(kv_get(&env, "sf_kernel_fail_ver"), "6.2", "sf_kernel_fail_ver");
	is_int(load(&st2, &env, &err), 0, "read back");
	kv_clear(&env2);
	ok(!state_to_env(&st2, &env2, &err) && kv_equal(&env, &env2), "and written again: the same variables");
	ok(!strcmp(st2.c[1].fail.detail, st.c[1].fail.detail) && !strcmp(st2.c[0].slot[SLOT_B].req, st.c[0].slot[SLOT_B].req) &&
		   state_same_set(&st2.c[0], &st.c[0]),
	   "the records read back");
	is_int(state_req_each(st2.c[0].slot[SLOT_B].req, NULL, NULL), 0, "the requirement list parses");
	{
		static const char *const bad[] = { "kernel", "kernel>=", ">=6.2", "kernel>=6.2 ", "KERNEL>=1",
						   "kernel>=6.2  libc>=1", "kernel>=6=2" };

		for (unsigned int k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			n += state_req_each(bad[k], NULL, NULL) == -EINVAL;
		is_int(n, (int)(sizeof(bad) / sizeof(bad[0])), "malformed requirement lists refused");
	}

	/* removal records: set by removing a running image, cleared by a newer commit */
	state_init_comp(&st.c[0], "webkit", "26.3", 5);
	state_arm(&st.c[0], SLOT_B, &(struct slot_info){ .version = "26.3 (b)", .sv = 7 }, 3);
	state_commit(&st.c[0]);
	is_int(state_remove(&st.c[0], &err), 0, "a running patch removed");
	is_str(st.c[0].removed.version, "26.3 (b)", "it is recorded");
	kv_clear(&env);
	is_int(state_to_env(&st, &env, &err), 0, "written");
	is_str(kv_get(&env, "sf_webkit_removed"), "7 26.3 (b)", "sf_webkit_removed");
	is_int(load(&st2, &env, &err), 0, "read back");
	is_int(st2.c[0].removed.sv, 7, "its security version");
	state_invalidate(&st.c[0], SLOT_B);
	state_arm(&st.c[0], SLOT_B, &(struct slot_info){ .version = "26.3 (c)", .sv = 8 }, 3);
	state_disarm(&st.c[0]);
	is_str(st.c[0].removed.version, "26.3 (b)", "disarming a trial that never ran records nothing");
	state_invalidate(&st.c[0], SLOT_B);
	state_arm(&st.c[0], SLOT_B, &(struct slot_info){ .version = "26.3 (c)", .sv = 8 }, 3);
	state_commit(&st.c[0]);
	is_str(st.c[0].removed.version, "", "a higher security version committed: the record goes");

	/* one component's damage stays its own */
	kv_clear(&env);
	set(&env, "sf_webkit_active", "a");
	set(&env, "sf_webkit_floor", "5");
	set(&env, "sf_webkit_a_ver", "26.3");
	set(&env, "sf_webkit_a_sv", "5");
	set(&env, "sf_webkit_b_ver", "27.0");
	set(&env, "sf_webkit_b_sv", "x");
	set(&env, "sf_webkit_tries", "03");
	set(&env, "sf_kernel_active", "b");
	is_int(state_from_env(&st, &env, names, 2, &err), 0, "a malformed component does not stop the rest");
	ok(st.c[0].broken && !st.c[1].broken, "webkit is broken, the kernel is not");
	is_int(st.c[0].why.reason, SF_R_ENV_MALFORMED, "  reason env-malformed: %s", st.c[0].why.msg);
	is_int(st.c[1].active, SLOT_B, "  the kernel reads");
	{
		struct kv esc = env;
		struct sys_state s2;

		set(&esc, "sf_kernel_fail", "health-check-failed \033[31mred");
		is_int(state_from_env(&s2, &esc, names, 2, &err), 0, "a record holding a terminal escape");
		ok(s2.c[1].broken && !strchr(s2.c[1].why.msg, '\033') && strstr(s2.c[1].why.msg, "'health-check-failed ?[31mred'"),
		   "  the kernel is broken and its message shows the value made printable: %s", s2.c[1].why.msg);
	}
	env2 = env;
	st.c[1].floor = 3;
	is_int(state_to_env(&st, &env2, &err), 0, "written");
	is_str(kv_get(&env2, "sf_webkit_tries"), "03", "the broken component's variables are left as they are");
	is_str(kv_get(&env2, "sf_kernel_floor"), "3", "the others are written");
	state_salvage(&st2.c[0], &env, "webkit", SLOT_A, &floor_ok);
	ok(floor_ok && st2.c[0].floor == 5, "salvage: the floor reads");
	is_str(st2.c[0].slot[SLOT_A].version, "26.3", "salvage: slot a keeps its image");
	is_str(st2.c[0].slot[SLOT_B].version, "", "salvage: slot b, whose variables do not read, is empty");
	ok(!st2.c[0].broken && st2.c[0].trial == SLOT_NONE, "salvage: readable, nothing armed");
	/* a malformed member of an armed set: its bundle ids read, the set is no longer whole */
	kv_clear(&env);
	set(&env, "sf_webkit_active", "a");
	set(&env, "sf_webkit_trial", "b");
	set(&env, "sf_webkit_tries", "03");
	set(&env, "sf_webkit_b_id", "0123456789abcdef");
	set(&env, "sf_kernel_active", "a");
	set(&env, "sf_kernel_trial", "b");
	set(&env, "sf_kernel_tries", "3");
	set(&env, "sf_kernel_b_ver", "6.2");
	set(&env, "sf_kernel_b_sv", "3");
	set(&env, "sf_kernel_b_id", "0123456789abcdef");
	is_int(state_from_env(&st, &env, names, 2, &err), 0, "a malformed member of an armed set");
	ok(st.c[0].broken && !strcmp(st.c[0].slot[SLOT_B].id, "0123456789abcdef"), "  its bundle ids read");
	is_int(state_set_broken(&st, &st.c[1]), 0, "  the rest of its set falls back: it cannot be judged whole");
	kv_clear(&env);
	set(&env, "sf_webkit_fail", "Health check failed");
	set(&env, "sf_webkit_active", "a");
	set(&env, "sf_kernel_active", "b");
	is_int(load(&st, &env, &err), -SF_ECONFIG, "a failure record outside its grammar");
}

int main(void)
{
	test_roundtrip();
	test_grammar();
	test_transitions();
	test_records();
	return tap_done();
}
