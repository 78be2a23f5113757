// SPDX-License-Identifier: MIT
/*
 * core/admin.c and core/session.c: init, commit and remove on an in-memory
 * environment, each one store or none, and each refusal changing nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "support/fake_env.h"
#include "tap.h"

static struct sysconf sys;
static struct fake_env fenv;
static struct sf_ctx ctx;

static void board(void)
{
	memset(&sys, 0, sizeof(sys));
	strcpy(sys.board, "test");
	strcpy(sys.env_config, "/etc/fw_env.config");
	sys.max_tries = 3;
	sys.n = 2;
	strcpy(sys.c[0].name, "webkit");
	strcpy(sys.c[1].name, "kernel");
	sys.c[1].reboot = true;
	sys.names[0] = sys.c[0].name;
	sys.names[1] = sys.c[1].name;
	memset(&fenv, 0, sizeof(fenv));
	ctx = (struct sf_ctx){ .sys = &sys, .env = &fake_env_ops, .env_priv = &fenv };
}

static const struct comp_state *comp(int i)
{
	static struct sf_session s;
	struct sf_err err;

	return sf_load(&ctx, &s, &err) ? NULL : &s.st.c[i];
}

int main(void)
{
	struct sf_factory f[2] = { { "webkit", "26.3", 5 }, { "nosuch", "1", 1 } };
	const char *webkit[] = { "webkit" }, *kernel[] = { "kernel" }, *bogus[] = { "bogus" };
	struct sf_session s;
	struct sf_err err;
	struct sys_state st;
	int active;
	bool committed[CONFIG_MAX_COMPONENTS];

	board();
	is_int(sf_load(&ctx, &s, &err), -SF_ECONFIG, "a factory-fresh env does not load");
	ok(strstr(err.msg, "run 'slotflip init'") != NULL, "  and says to run init: %s", err.msg);
	is_int(sf_init(&ctx, &f[1], 1, &err), -SF_EUSAGE, "init with an unknown factory component");
	is_int(fenv.stores, 0, "  stores nothing");
	is_int(sf_init(&ctx, f, 1, &err), 0, "init with a factory image");
	is_int(fenv.stores, 1, "  one store");
	is_str(comp(0)->slot[SLOT_A].version, "26.3", "  webkit slot a holds 26.3");
	is_int(comp(0)->floor, 5, "  webkit floor 5");
	is_int(comp(1)->floor, 0, "  kernel floor 0");
	is_int(comp(1)->active, SLOT_A, "  kernel active a");
	is_int(sf_init(&ctx, NULL, 0, &err), -SF_EPOLICY, "init on a valid env is refused");
	is_int(fenv.stores, 1, "  and stores nothing");

	is_int(sf_commit(&ctx, webkit, 1, NULL, NULL, &err), -SF_EPOLICY, "commit of a component without a trial");
	ok(strstr(err.msg, "webkit has no armed trial to commit") != NULL, "  message: %s", err.msg);
	is_int(sf_commit(&ctx, NULL, 0, NULL, NULL, &err), 0, "commit of all: nothing armed is fine");
	is_int(fenv.stores, 1, "  and stores nothing");
	is_int(sf_commit(&ctx, bogus, 1, NULL, NULL, &err), -SF_EUSAGE, "commit of an unknown component");

	if (sf_load(&ctx, &s, &err))
		return 1;
	st = s.st;
	state_arm(&st.c[0], SLOT_B, &(struct slot_info){ .version = "26.3 (a)", .sv = 6, .id = "00000000000000a1" }, 3);
	state_arm(&st.c[1], SLOT_B, &(struct slot_info){ .version = "6.1", .sv = 2, .id = "00000000000000b2" }, 3);
	is_int(sf_store(&ctx, &s, &st, &err), 0, "two trials armed, by two bundles");
	is_int(sf_commit(&ctx, kernel, 1, NULL, NULL, &err), -SF_EPOLICY, "commit of a reboot trial that never booted");
	is_int(err.reason, SF_R_NOT_TRIED, "  reason not-tried: %s", err.msg);
	is_int(sf_commit(&ctx, kernel, 1, "root=/dev/vda slotflip.kernel=a", NULL, &err), -SF_EPOLICY,
	       "commit of a reboot trial while U-Boot booted the other slot");
	is_int(sf_commit(&ctx, webkit, 1, NULL, NULL, &err), -SF_EPOLICY, "commit of a soft trial never activated");
	is_int(err.reason, SF_R_NOT_TRIED, "  reason not-tried: %s", err.msg);
	is_int(comp(1)->trial, SLOT_B, "  nothing changed");
	is_int(sf_commit(&ctx, kernel, 1, "root=/dev/vda slotflip.kernel=b", NULL, &err), 0,
	       "commit one by name after it booted");
	is_int(comp(1)->active, SLOT_B, "  kernel active b");
	is_int(comp(1)->floor, 2, "  a baseline raises the floor");
	is_int(comp(0)->trial, SLOT_B, "  webkit still armed");
	is_int(sf_commit(&ctx, NULL, 0, NULL, NULL, &err), 0, "commit of all leaves a trial that never ran");
	is_int(comp(0)->trial, SLOT_B, "  webkit still armed");
	if (sf_load(&ctx, &s, &err))
		return 1;
	st = s.st;
	st.c[0].tries--; /* an activation spent a try, then the power went */
	is_int(sf_store(&ctx, &s, &st, &err), 0, "a try of webkit spent");
	is_int(sf_commit(&ctx, NULL, 0, NULL, committed, &err), 0, "commit the rest");
	ok(committed[0] && !committed[1], "  reports webkit committed, nothing else");
	is_int(comp(0)->active, SLOT_B, "  webkit active b");
	is_int(comp(0)->floor, 5, "  a patch keeps the floor");

	is_int(sf_remove(&ctx, "webkit", NULL, &active, &err), 0, "remove webkit");
	is_int(active, SLOT_A, "  back on slot a");
	is_int(sf_remove(&ctx, "kernel", NULL, &active, &err), -SF_EPOLICY, "remove the kernel: slot a is empty");
	ok(strstr(err.msg, "holds no image") != NULL, "  message: %s", err.msg);
	is_int(sf_remove(&ctx, "bogus", NULL, NULL, &err), -SF_EUSAGE, "remove of an unknown component");

	fenv.fail_store = fenv.stores + 1;
	is_int(sf_remove(&ctx, "webkit", NULL, NULL, &err), -SF_EPOLICY, "a refused removal never stores");
	if (sf_load(&ctx, &s, &err))
		return 1;
	st = s.st;
	state_invalidate(&st.c[0], SLOT_B);
	is_int(sf_store(&ctx, &s, &st, &err), -SF_EIO, "a failing store is an I/O error");
	ok(strstr(err.msg, "cannot store the environment (/etc/fw_env.config)") != NULL, "  message: %s", err.msg);
	is_str(comp(0)->slot[SLOT_B].version, "26.3 (a)", "  nothing changed");

	/* a member of an armed set turns malformed, the operator repairs it */
	fenv.fail_store = 0;
	if (sf_load(&ctx, &s, &err))
		return 1;
	st = s.st;
	state_arm(&st.c[0], SLOT_B, &(struct slot_info){ .version = "27.0", .sv = 7, .id = "00000000000000c3" }, 3);
	state_arm(&st.c[1], SLOT_A, &(struct slot_info){ .version = "6.2", .sv = 3, .id = "00000000000000c3" }, 3);
	is_int(sf_store(&ctx, &s, &st, &err), 0, "one bundle armed webkit and the kernel");
	{
		struct kv env;

		if (fake_env_get(&fenv, &env) || kv_set(&env, "sf_webkit_trial", "x") || fake_env_set(&fenv, &env))
			return 1;
	}
	is_int(sf_commit(&ctx, kernel, 1, "slotflip.kernel=a", NULL, &err), -SF_EPOLICY,
	       "the kernel does not commit without its malformed set member");
	ok(strstr(err.msg, "webkit cannot be read") != NULL, "  message: %s", err.msg);
	is_int(sf_repair(&ctx, "webkit", &(struct sf_repair){ SLOT_A, -1 }, &err), 0, "webkit repaired: it runs slot a");
	ok(comp(0)->bad == SLOT_B && comp(0)->bad_why == BAD_REMOVED && comp(0)->trial == SLOT_NONE,
	   "  its image that never ran is marked removed");
	is_int(sf_commit(&ctx, kernel, 1, "slotflip.kernel=a", NULL, &err), -SF_EPOLICY, "  the kernel does not commit alone");
	ok(strstr(err.msg, "no longer whole") != NULL, "  message: %s", err.msg);
	is_int(sf_remove(&ctx, "webkit", NULL, NULL, &err), -SF_EPOLICY, "  webkit 27.0, never run, is never returned to");

	fake_env_blank(&fenv);
	is_int(sf_commit(&ctx, NULL, 0, NULL, NULL, &err), -SF_ECONFIG, "commit on an unreadable env");
	return tap_done();
}
