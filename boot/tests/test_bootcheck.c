// SPDX-License-Identifier: MIT
/* The early-boot check: its decision table row by row, then whole runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/bootcheck.h"
#include "support/fake_env.h"
#include "tap.h"

/* A concrete input matching row @r (BC_ANY fields take their first value). */
static struct bc_input row_input(const struct bc_rule *r)
{
	struct bc_input in = r->when;

	in.pending = in.pending == BC_ANY ? 0 : in.pending;
	in.reboot = in.reboot == BC_ANY ? 0 : in.reboot;
	in.tries_left = in.tries_left == BC_ANY ? 0 : in.tries_left;
	in.booted = in.booted == BC_ANY ? BC_BOOTED_UNKNOWN : in.booted;
	in.health = in.health == BC_ANY ? BC_HEALTH_NOT_RUN : in.health;
	return in;
}

static void test_table(void)
{
	unsigned int bad_commit = 0, bad_nothing = 0, bad_fail = 0, bad_spend = 0, n = 0;

	for (unsigned int i = 0; i < bc_table_len; i++) {
		struct bc_input in = row_input(&bc_table[i]);

		is_int(bc_decide(&in), bc_table[i].then, "row %u: %s", i, bc_action_name(bc_table[i].then));
	}
	/* safety properties over every input */
	for (int p = 0; p <= 1; p++)
		for (int rb = 0; rb <= 1; rb++)
			for (int t = 0; t <= 1; t++)
				for (int b = 0; b <= 2; b++)
					for (int h = 0; h <= 2; h++) {
						struct bc_input in = { p, rb, t, b, h };
						enum bc_action a = bc_decide(&in);

						n++;
						bad_commit += a == BC_COMMIT && h != BC_HEALTH_PASS;
						bad_nothing += !p && a != BC_NOTHING;
						bad_fail += p && h == BC_HEALTH_FAIL && a != BC_FALLBACK;
						bad_spend += a == BC_SPEND_AND_CHECK && (rb || !t);
					}
	is_int(n, 72, "all 72 inputs decided");
	is_int(bad_commit, 0, "nothing commits without passing health checks");
	is_int(bad_nothing, 0, "nothing happens without an armed trial");
	is_int(bad_fail, 0, "a failed health check always falls back");
	is_int(bad_spend, 0, "only soft components with tries left spend a try");
	{
		struct bc_input in = { 1, 0, 0, BC_BOOTED_UNKNOWN, BC_HEALTH_NOT_RUN };

		is_int(bc_decide(&in), BC_FALLBACK, "soft trial without tries falls back");
		in.reboot = 1;
		in.tries_left = 1;
		in.booted = BC_BOOTED_OTHER;
		is_int(bc_decide(&in), BC_WAIT, "reboot trial not booted yet waits");
		in.booted = BC_BOOTED_TRIAL;
		in.tries_left = 0;
		is_int(bc_decide(&in), BC_CHECK, "reboot trial booted on its last try is judged, not dropped");
		/* inputs outside every row (values no caller should produce) */
		in = (struct bc_input){ 1, 2, 1, BC_BOOTED_TRIAL, BC_HEALTH_NOT_RUN };
		is_int(bc_decide(&in), BC_FALLBACK, "an armed trial no row matches falls back, never proceeds");
		in = (struct bc_input){ 1, 0, 1, BC_BOOTED_UNKNOWN, 3 };
		is_int(bc_decide(&in), BC_FALLBACK, "  (an unknown health result)");
		in.pending = 0;
		is_int(bc_decide(&in), BC_NOTHING, "  without a trial, nothing");
	}
}

static char tmp[64];
static struct sysconf sys;
static struct fake_env fenv;
static struct sf_ctx ctx;

static void write_file(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, (mode_t)mode);
}

/*
 * Every component armed with @tries tries; @set says which bundle armed each
 * (the same letter: one bundle, armed as one set).
 */
static void setup_sets(unsigned int tries, const char *set)
{
	struct sys_state st;
	struct sf_err err;
	struct kv env;
	char path[512];

	memset(&sys, 0, sizeof(sys));
	strcpy(sys.board, "test");
	snprintf(sys.health_dir, sizeof(sys.health_dir), "%s/health.d", tmp);
	sys.max_tries = 3;
	sys.health_timeout_ms = 2000;
	sys.n = 3;
	strcpy(sys.c[0].name, "webkit");
	strcpy(sys.c[1].name, "libfoo");
	strcpy(sys.c[2].name, "kernel");
	sys.c[2].reboot = true;
	for (unsigned int i = 0; i < sys.n; i++)
		sys.names[i] = sys.c[i].name;

	memset(&fenv, 0, sizeof(fenv));
	kv_clear(&env);
	st.n = 3;
	for (unsigned int i = 0; i < 3; i++) {
		struct slot_info img = { .version = "1.0 (a)", .sv = 1 };

		snprintf(img.id, sizeof(img.id), "00000000000000%c%c", set[i], set[i]);
		state_init_comp(&st.c[i], sys.names[i], "1.0", 1);
		state_arm(&st.c[i], SLOT_B, &img, tries);
	}
	if (state_to_env(&st, &env, &err) || fake_env_set(&fenv, &env))
		tap_diag("cannot set up the environment: %s", err.msg);
	ctx = (struct sf_ctx){ .sys = &sys, .env = &fake_env_ops, .env_priv = &fenv };

	snprintf(path, sizeof(path), "rm -rf %s/health.d && mkdir -p %s/health.d/webkit %s/health.d/libfoo", tmp, tmp,
		 tmp);
	if (system(path))
		tap_diag("cannot make the health folder");
}

/* Three components armed by three bundles. */
static void setup(unsigned int tries)
{
	setup_sets(tries, "abc");
}

static const struct comp_state *comp(const char *name)
{
	static struct sf_session s;
	struct sf_err err;

	if (sf_load(&ctx, &s, &err))
		return NULL;
	return &s.st.c[state_find(&s.st, name)];
}

static void check(const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/health.d/%s", tmp, name);
	write_file(path, text, 0755);
}

static void test_runs(void)
{
	const char *webkit[] = { "webkit" }, *both[] = { "webkit", "libfoo" }, *kernel[] = { "kernel" };
	struct bc_report rep;
	struct sf_err err = { 0 };
	char marker[128], text[256];

	setup(3);
	check("00-ok", "#!/bin/sh\nexit 0\n");
	check("webkit/10-env", "#!/bin/sh\n[ \"$SLOTFLIP_COMPONENT\" = webkit ] && [ \"$SLOTFLIP_SLOT\" = b ] && "
			       "[ \"$SLOTFLIP_VERSION\" = '1.0 (a)' ]\n");
	is_int(bootcheck_run(&ctx, webkit, 1, NULL, NULL, &rep, &err), 0, "healthy soft trial: success");
	is_int(rep.committed, 1, "committed one");
	is_int(fenv.stores, 2, "two stores: spend a try, then commit");
	is_int(comp("webkit")->active, SLOT_B, "trial slot active");
	is_int(comp("webkit")->trial, SLOT_NONE, "nothing armed");
	is_int(comp("libfoo")->trial, SLOT_B, "components not named are left alone");

	setup(3);
	check("webkit/20-fail", "#!/bin/sh\nexit 3\n");
	is_int(bootcheck_run(&ctx, webkit, 1, NULL, NULL, &rep, &err), -SF_EFELLBACK, "failing check falls back");
	ok(strstr(err.msg, "health check 'webkit/20-fail' exited with status 3") != NULL, "message: %s", err.msg);
	is_int(comp("webkit")->active, SLOT_A, "old slot stays active");
	is_int(state_slot(comp("webkit"), SLOT_B), SLOT_BAD, "trial slot marked bad");
	is_int(fenv.stores, 2, "two stores: spend, fall back");

	setup(0);
	snprintf(marker, sizeof(marker), "%s/ran", tmp);
	unlink(marker);
	snprintf(text, sizeof(text), "#!/bin/sh\ntouch %s\n", marker);
	check("00-mark", text);
	is_int(bootcheck_run(&ctx, webkit, 1, NULL, NULL, &rep, &err), -SF_EFELLBACK, "no tries left: fallback");
	ok(access(marker, F_OK) != 0, "the checks did not even run");
	ok(strstr(err.msg, "no tries left") != NULL, "message: %s", err.msg);
	is_int(fenv.stores, 1, "one store");

	setup_sets(3, "aac");
	check("libfoo/10-fail", "#!/bin/sh\nexit 1\n");
	is_int(bootcheck_run(&ctx, both, 2, NULL, NULL, &rep, &err), -SF_EFELLBACK, "one failing component...");
	is_int(rep.fell_back, 2, "...and the whole set falls back");
	is_int(comp("webkit")->active, SLOT_A, "webkit back on a");
	is_int(comp("libfoo")->active, SLOT_A, "libfoo back on a");

	/* a member of the set turns malformed: the rest is never committed without it */
	setup_sets(3, "aac");
	{
		struct kv env;

		if (fake_env_get(&fenv, &env) || kv_set(&env, "sf_libfoo_tries", "03") || fake_env_set(&fenv, &env))
			tap_diag("cannot edit the environment");
	}
	is_int(bootcheck_run(&ctx, webkit, 1, NULL, NULL, &rep, &err), -SF_EFELLBACK,
	       "a set with an unreadable member falls back");
	ok(strstr(err.msg, "libfoo of the same bundle cannot be read") != NULL, "message: %s", err.msg);
	is_int(comp("webkit")->active, SLOT_A, "webkit stays on a");
	ok(comp("libfoo")->broken, "libfoo is left alone");

	setup(3);
	check("00-slow", "#!/bin/sh\nsleep 10\n");
	sys.health_timeout_ms = 300;
	is_int(bootcheck_run(&ctx, webkit, 1, NULL, NULL, &rep, &err), -SF_EFELLBACK, "deadline missed: fallback");
	ok(strstr(err.msg, "did not finish within 300 ms (running '00-slow')") != NULL, "message: %s", err.msg);

	setup(2);
	is_int(bootcheck_run(&ctx, kernel, 1, "console=ttyS0 slotflip.kernel=a", NULL, &rep, &err), 0,
	       "reboot trial not booted yet");
	is_int(rep.waiting, 1, "it waits");
	is_int(fenv.stores, 0, "and stores nothing");
	is_int(bootcheck_run(&ctx, kernel, 1, "console=ttyS0 slotflip.kernel=b quiet", NULL, &rep, &err), 0,
	       "reboot trial booted by U-Boot");
	is_int(rep.committed, 1, "is committed");
	is_int(fenv.stores, 1, "in one store: U-Boot spent the try, the check does not");

	setup(0);
	is_int(bootcheck_run(&ctx, kernel, 1, "slotflip.kernel=b", NULL, &rep, &err), 0,
	       "reboot trial on its last try (tries 0) is judged");
	is_int(comp("kernel")->active, SLOT_B, "and committed");

	setup(0);
	is_int(bootcheck_run(&ctx, kernel, 1, "slotflip.kernel=a", NULL, &rep, &err), -SF_EFELLBACK,
	       "tries spent and U-Boot booted the old slot: fallback");

	setup(3);
	fenv.fail_store = 2;
	is_int(bootcheck_run(&ctx, webkit, 1, NULL, NULL, &rep, &err), -SF_EIO, "a failed commit store is an error");
	is_int(comp("webkit")->trial, SLOT_B, "the trial stays armed, with a try spent");
	is_int(comp("webkit")->tries, 2, "two tries left");

	setup(3);
	is_int(bootcheck_run(&ctx, NULL, 0, "", NULL, &rep, &err), 0, "all components: soft ones checked");
	is_int(rep.committed, 2, "two soft components committed");
	is_int(rep.waiting, 1, "the kernel waits for its reboot");
}

/* A component's tries in the fake environment. */
static void set_tries(const char *name, const char *tries)
{
	static struct kv env;
	char var[64];

	snprintf(var, sizeof(var), "sf_%s_tries", name);
	if (fake_env_get(&fenv, &env) || kv_set(&env, var, tries) || fake_env_set(&fenv, &env))
		abort();
}

/* Where the decisions meet: the last try, the command line, two components at once. */
static void test_edges(void)
{
	const char *webkit[] = { "webkit" }, *kernel[] = { "kernel" }, *wk[] = { "webkit", "kernel" };
	struct bc_report rep;
	struct sf_err err = { 0 };
	char marker[128], text[256];

	snprintf(marker, sizeof(marker), "%s/ran", tmp);
	snprintf(text, sizeof(text), "#!/bin/sh\ntouch %s\n", marker);

	/* tries 1 (or max-tries 1): the last try is spent and the checks run */
	setup(1);
	unlink(marker);
	check("00-mark", text);
	is_int(bootcheck_run(&ctx, webkit, 1, NULL, NULL, &rep, &err), 0, "soft trial with one try left: committed");
	ok(access(marker, F_OK) == 0, "  its checks ran");
	is_int(fenv.stores, 2, "  two stores: the last try spent, then the commit");
	is_int(comp("webkit")->active, SLOT_B, "  the trial is active");

	setup(1);
	unlink(marker);
	check("00-mark", text);
	check("webkit/20-fail", "#!/bin/sh\nexit 1\n");
	is_int(bootcheck_run(&ctx, webkit, 1, NULL, NULL, &rep, &err), -SF_EFELLBACK,
	       "soft trial with one try left, unhealthy: fallback");
	ok(access(marker, F_OK) == 0, "  after running its checks");
	ok(strstr(err.msg, "webkit/20-fail") != NULL, "  the message names the failed check: %s", err.msg);

	/* what U-Boot booted: only a whole "slotflip.<c>=<slot>" word counts */
	setup(2);
	is_int(bootcheck_run(&ctx, kernel, 1, "noslotflip.kernel=b", NULL, &rep, &err), 0,
	       "'noslotflip.kernel=b' is not slotflip.kernel=b");
	is_int(rep.waiting, 1, "  the kernel trial waits");
	is_int(fenv.stores, 0, "  nothing stored");
	is_int(bootcheck_run(&ctx, kernel, 1, "slotflip.kernel=bb quiet", NULL, &rep, &err), 0,
	       "'slotflip.kernel=bb' is not slot b");
	is_int(rep.waiting, 1, "  the kernel trial waits");
	is_int(bootcheck_run(&ctx, kernel, 1, "root=/dev/vda slotflip.kernel=b\n", NULL, &rep, &err), 0,
	       "'slotflip.kernel=b' at the end of /proc/cmdline");
	is_int(rep.committed, 1, "  is judged and committed");

	/*
	 * A reboot trial still waiting for its reboot, and another component
	 * (armed by another bundle) that falls back: the waiting one stays armed.
	 */
	setup(3);
	check("webkit/20-fail", "#!/bin/sh\nexit 1\n");
	is_int(bootcheck_run(&ctx, wk, 2, "slotflip.kernel=a", NULL, &rep, &err), -SF_EFELLBACK,
	       "webkit unhealthy while the kernel waits for its reboot: webkit falls back");
	is_int(rep.fell_back, 1, "  one component fell back");
	is_int(rep.waiting, 1, "  one waits");
	is_int(state_slot(comp("webkit"), SLOT_B), SLOT_BAD, "  webkit's trial slot is bad");
	is_int(comp("kernel")->trial, SLOT_B, "  the kernel trial stays armed");
	is_int(comp("kernel")->tries, 3, "  with its tries");
	ok(comp("kernel")->bad == SLOT_NONE, "  and is not marked bad");

	setup(3);
	set_tries("webkit", "0");
	is_int(bootcheck_run(&ctx, wk, 2, "slotflip.kernel=a", NULL, &rep, &err), -SF_EFELLBACK,
	       "webkit out of tries while the kernel waits: webkit falls back");
	is_int(comp("kernel")->trial, SLOT_B, "  the kernel trial stays armed");
	is_int(comp("kernel")->tries, 3, "  with its tries");
	is_int(state_slot(comp("webkit"), SLOT_B), SLOT_BAD, "  webkit's trial slot is bad");
}

struct calls {
	char log[512];
	const char *fail; /* the command that fails */
	const char *fail_use; /* the "use COMPONENT SLOT" that fails */
};

static int rec_use(void *priv, const struct sysconf_comp *c, int slot, struct sf_err *err)
{
	struct calls *k = priv;
	size_t len = strlen(k->log);

	snprintf(k->log + len, sizeof(k->log) - len, "use %s %s;", c->name, slot_name(slot));
	if (k->fail_use && !strncmp(k->log + len + 4, k->fail_use, strlen(k->fail_use)))
		return sf_fail(err, SF_EIO, "cannot mount %s", k->fail_use);
	return 0;
}

static int rec_run(void *priv, const char *cmd, struct sf_err *err)
{
	struct calls *k = priv;
	size_t len = strlen(k->log);

	snprintf(k->log + len, sizeof(k->log) - len, "run %s;", cmd);
	if (k->fail && !strcmp(cmd, k->fail))
		return sf_fail(err, SF_EFAIL, "'%s' failed", cmd);
	return 0;
}

static void test_activate(void)
{
	struct calls k = { "", NULL, NULL };
	struct bc_hooks hooks = { rec_use, rec_run, &k };
	const char *webkit[] = { "webkit" }, *kernel[] = { "kernel" }, *both[] = { "webkit", "libfoo" };
	struct bc_report rep;
	struct sf_err err = { 0 };

	setup(3);
	strcpy(sys.c[0].stop_cmd, "stop-webkit");
	strcpy(sys.c[0].start_cmd, "start-webkit");
	is_int(bootcheck_activate(&ctx, webkit, 1, NULL, &hooks, &rep, &err), 0, "soft restart commits");
	is_str(k.log, "run stop-webkit;use webkit b;run start-webkit;", "stop, mount the trial, start");

	setup(3);
	k.log[0] = '\0';
	strcpy(sys.c[0].stop_cmd, "stop-webkit");
	strcpy(sys.c[0].start_cmd, "start-webkit");
	check("webkit/fail", "#!/bin/sh\nexit 1\n");
	is_int(bootcheck_activate(&ctx, webkit, 1, NULL, &hooks, &rep, &err), -SF_EFELLBACK, "unhealthy soft restart");
	is_str(k.log, "run stop-webkit;use webkit b;use webkit a;run start-webkit;",
	       "stop, trial, back to the old slot, start");

	setup(3);
	is_int(bootcheck_activate(&ctx, kernel, 1, NULL, &hooks, &rep, &err), -SF_EPOLICY, "kernel is not soft");
	ok(strstr(err.msg, "activated by a reboot") != NULL, "message: %s", err.msg);

	setup(3);
	k.log[0] = '\0';
	strcpy(sys.c[0].mount_point, "/opt/webkit");
	strcpy(sys.c[0].stop_cmd, "stop-webkit");
	strcpy(sys.c[0].start_cmd, "start-webkit");
	is_int(bootcheck_activate(&ctx, webkit, 1, NULL, &hooks, &rep, &err), 0, "committed patch");
	k.log[0] = '\0';
	is_int(bootcheck_remove(&ctx, "webkit", &hooks, &err), 0, "removal of a mounted component");
	is_str(k.log, "run stop-webkit;use webkit a;run start-webkit;", "soft restart back to the baseline");
	is_int(comp("webkit")->active, SLOT_A, "baseline active");
	is_int(state_slot(comp("webkit"), SLOT_B), SLOT_REMOVED, "patch slot removed");
	k.log[0] = '\0';
	is_int(bootcheck_remove(&ctx, "webkit", &hooks, &err), -SF_EPOLICY, "a refused removal...");
	is_str(k.log, "", "  ...stops no service and mounts nothing");

	setup(3);
	k.log[0] = '\0';
	strcpy(sys.c[0].stop_cmd, "stop-webkit");
	strcpy(sys.c[0].start_cmd, "start-webkit");
	strcpy(sys.c[1].stop_cmd, "stop-libfoo");
	strcpy(sys.c[1].start_cmd, "start-libfoo");
	k.fail = "stop-libfoo";
	is_int(bootcheck_activate(&ctx, NULL, 0, NULL, &hooks, &rep, &err), -SF_EFAIL, "a stop-command that fails");
	is_str(k.log, "run stop-webkit;run stop-libfoo;run start-webkit;",
	       "  restarts what it stopped, tries nothing");
	is_int(comp("webkit")->trial, SLOT_B, "  the trials stay armed");
	is_int(comp("webkit")->tries, 3, "  with no try spent");
	k.fail = NULL;

	/* every fallback leaves each member of the set on its committed slot (webkit and libfoo: one bundle) */
	setup_sets(3, "aac");
	set_tries("libfoo", "0");
	k.log[0] = '\0';
	is_int(bootcheck_run(&ctx, both, 2, NULL, &hooks, &rep, &err), -SF_EFELLBACK,
	       "at boot, libfoo out of tries: its set falls back before any check");
	is_str(k.log, "use webkit a;use libfoo a;", "  both run their committed slot, webkit too");
	setup_sets(3, "aac");
	k.log[0] = '\0';
	k.fail_use = "webkit b";
	is_int(bootcheck_run(&ctx, both, 2, NULL, &hooks, &rep, &err), -SF_EFELLBACK,
	       "the trial slot of webkit cannot be mounted: the set falls back");
	ok(strstr(err.msg, "cannot mount webkit b") != NULL, "  message: %s", err.msg);
	is_str(k.log, "use webkit b;use webkit a;use libfoo a;", "  both back on their committed slot");
	k.fail_use = NULL;

	/* the same with libfoo armed by another bundle: libfoo's fallback leaves webkit's trial to run */
	setup(3);
	set_tries("libfoo", "0");
	k.log[0] = '\0';
	is_int(bootcheck_run(&ctx, both, 2, NULL, &hooks, &rep, &err), -SF_EFELLBACK,
	       "libfoo out of tries, webkit armed by another bundle: libfoo falls back");
	is_str(k.log, "use libfoo a;use webkit b;", "  libfoo on its committed slot, webkit's trial tried");
	is_int(comp("webkit")->active, SLOT_B, "  and committed");
	{
		const char *twice[] = { "webkit", "webkit" };

		is_int(bootcheck_activate(&ctx, twice, 2, NULL, &hooks, &rep, &err), -SF_EUSAGE, "a component named twice");
		ok(strstr(err.msg, "named twice") != NULL, "  message: %s", err.msg);
	}
}

/* A test release: committed by its activation, then back to the baseline at once, recorded. */
static void test_release(void)
{
	struct calls k = { "", NULL, NULL };
	struct bc_hooks hooks = { rec_use, rec_run, &k };
	const char *webkit[] = { "webkit" };
	struct bc_report rep;
	struct sf_err err = { 0 };
	struct kv env;

	for (int healthy = 1; healthy >= 0; healthy--) {
		setup(3);
		k.log[0] = '\0';
		if (!healthy)
			check("webkit/fail", "#!/bin/sh\nexit 1\n");
		/* webkit's trial "1.0 (a)" carries the baseline's own image: a test release */
		if (fake_env_get(&fenv, &env) || kv_set(&env, "sf_webkit_test", "armed 1764633600 812 0 0 1.0 (a)") ||
		    fake_env_set(&fenv, &env))
			tap_diag("cannot arm the test release");
		strcpy(sys.c[0].stop_cmd, "stop-webkit");
		strcpy(sys.c[0].start_cmd, "start-webkit");
		if (healthy) {
			is_int(bootcheck_activate(&ctx, webkit, 1, NULL, &hooks, &rep, &err), 0, "a test release activated");
			is_str(k.log, "run stop-webkit;use webkit b;use webkit a;run start-webkit;",
			       "  its trial mounted, checked, then the baseline again, before the service starts");
			is_int(comp("webkit")->active, SLOT_A, "  committed, then removed: the baseline runs");
			is_int(state_slot(comp("webkit"), SLOT_B), SLOT_REMOVED, "  the test release's slot removed");
			is_str(comp("webkit")->test.result, "passed", "  recorded as passed");
			is_int(comp("webkit")->test.install_ms, 812, "  with the install's time kept");
			is_str(comp("webkit")->removed.version, "", "  no removal record: it never blocks a later patch");
			is_int(rep.outcome[0], BC_OUT_COMMITTED, "  outcome: committed");
		} else {
			is_int(bootcheck_activate(&ctx, webkit, 1, NULL, &hooks, &rep, &err), -SF_EFELLBACK,
			       "an unhealthy test release");
			is_str(comp("webkit")->test.result, "failed", "  recorded as failed");
			is_int(comp("webkit")->active, SLOT_A, "  the baseline runs");
		}
	}
}

int main(void)
{
	tap_tmpdir(tmp, "bootcheck");
	test_table();
	test_runs();
	test_edges();
	test_activate();
	test_release();
	tap_rmtree(tmp);
	return tap_done();
}
