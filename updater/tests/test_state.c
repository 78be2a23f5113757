// SPDX-License-Identifier: MIT
/* The env grammar of DESIGN §5 and the pure state transitions. */
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

static int load(struct sys_state *st, const struct kv *env, struct sf_err *err)
{
	memset(err, 0, sizeof(*err));
	return state_from_env(st, env, names, 2, err);
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
	ok(kv_get(&env, "sf_kernel_a_ver") == NULL, "empty slot has no version variable");
	is_str(kv_get(&env, "sf_kernel_floor"), "0", "floor 0");

	is_int(load(&st2, &env, &err), 0, "state reads back");
	ok(!memcmp(&st, &st2, sizeof(st)), "read back identical");
	kv_clear(&env2);
	is_int(state_to_env(&st2, &env2, &err), 0, "written again");
	ok(kv_equal(&env, &env2), "same variables");
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
	state_arm(&c, SLOT_B, "26.3 (a)", 6, 3);
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
	state_arm(&c, SLOT_B, "27.0", 9, 3);
	state_commit(&c);
	is_int(c.floor, 9, "a committed baseline raises the floor");
	is_int(state_remove(&c, &err), -SF_EPOLICY, "removal below the floor refused");
	ok(strstr(err.msg, "below the floor 9") != NULL, "message: %s", err.msg);

	state_invalidate(&c, SLOT_A);
	state_arm(&c, SLOT_A, "27.0 (a)", 9, 1);
	ok(state_spend_try(&c), "last try spent");
	ok(!state_spend_try(&c), "no try left");
	state_fallback(&c);
	is_int(c.active, SLOT_B, "fallback keeps the active slot");
	is_int(state_slot(&c, SLOT_A), SLOT_BAD, "trial slot marked bad");
	is_int(c.trial, SLOT_NONE, "nothing armed");
	is_int(state_remove(&c, &err), -SF_EPOLICY, "cannot remove back to a failed slot");

	state_invalidate(&c, SLOT_A);
	state_arm(&c, SLOT_A, "27.0 (b)", 9, 3);
	is_int(state_remove(&c, &err), 0, "removing an armed trial");
	is_int(c.active, SLOT_B, "active unchanged");
	is_int(state_slot(&c, SLOT_A), SLOT_REMOVED, "dropped trial marked removed");

	state_init_comp(&c, "webkit", NULL, 0);
	is_int(state_remove(&c, &err), -SF_EPOLICY, "nothing to remove to on a fresh component");
	ok(strstr(err.msg, "holds no image") != NULL, "message: %s", err.msg);
}

int main(void)
{
	test_roundtrip();
	test_grammar();
	test_transitions();
	return tap_done();
}
