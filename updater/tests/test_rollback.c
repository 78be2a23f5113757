// SPDX-License-Identifier: MIT
/*
 * Anti-rollback, as a matrix on the simulated board: security floor (set by
 * `init --factory`) x the bundle's security version x baseline or patch, each
 * installed, committed, fallen back from and removed, and malformed floors and
 * security versions. The rules (DESIGN §1, §5): an image below the floor is
 * refused before anything is written; the floor rises only when a baseline
 * commits, to its security version, never on install and never for a patch;
 * it never blocks the fallback to the committed slot; removal never goes
 * below it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "boot/bootcheck.h"
#include "fit/keyring.h"
#include "sf_kconfig.h"
#include "support/simboard.h"
#include "tap.h"
#include "tests/support/fitbuild.h"

#define CONF "/configurations/conf-1"
#define IMG "/images/webkit-1"

static const uint32_t floors[] = { 0, 5, UINT32_MAX };
static const uint32_t svs[] = { 0, 4, 5, 6, UINT32_MAX };

static char tmp[64], health_fail[128];
static struct keyring *keys;
static struct fb_key alt;

static struct comp_state webkit(struct simboard *b)
{
	struct sf_session s;
	struct sf_err err;

	if (sf_load(&b->ctx, &s, &err)) {
		struct comp_state none = { .active = SLOT_NONE };

		tap_diag("sf_load: %s", err.msg);
		return none;
	}
	return s.st.c[state_find(&s.st, "webkit")];
}

/* A board whose webkit slot a holds the factory baseline 26.3 with security version @floor. */
static void factory(struct simboard *b, uint32_t floor)
{
	struct sf_factory f = { .component = "webkit", .version = "26.3", .sv = floor };
	struct sf_err err;

	simboard_init(b, keys);
	if (sf_init(&b->ctx, &f, 1, &err))
		abort();
	b->env.stores = 0;
	b->slots.writes = 0;
}

static const char *bundle(uint32_t sv, bool patch)
{
	static char path[128];
	struct sim_spec s = { .comp = "webkit", .version = patch ? "26.3 (a)" : "26.4", .sv = sv,
			      .base = patch ? "26.3" : NULL };

	snprintf(path, sizeof(path), "%s/%s-%u.fit", tmp, patch ? "patch" : "base", sv);
	sim_bundle(tmp, path, &s, 1);
	return path;
}

/* Install, then commit (or fall back with a failing health check), then try to remove. */
static void one(uint32_t floor, uint32_t sv, bool patch)
{
	static struct simboard b;
	const char *what = patch ? "patch" : "baseline";
	bool allowed = sv >= floor;
	struct comp_state c;
	struct bc_report rep;
	struct sf_err err = { 0 };
	char msg[SF_ERR_MSG_MAX];
	int ret;

	factory(&b, floor);
	c = webkit(&b);
	is_int(c.floor, floor, "floor %u: init --factory sets it", floor);
	ret = sim_install(&b, bundle(sv, patch), &err);
	if (!allowed) {
		snprintf(msg, sizeof(msg), "security version %u is below the floor %u of webkit", sv, floor);
		ok(ret == -SF_EPOLICY && strstr(err.msg, msg) && !b.env.stores && !b.slots.writes,
		   "floor %u, %s sv %u: refused before anything is written (%s)", floor, what, sv, err.msg);
		simboard_free(&b);
		return;
	}
	c = webkit(&b);
	ok(!ret && c.trial == SLOT_B && c.floor == floor, "floor %u, %s sv %u: installed, floor unchanged (%s)", floor,
	   what, sv, err.msg);

	if (sim_boot_check(&b, NULL, &err))
		tap_diag("commit: %s", err.msg);
	c = webkit(&b);
	is_int(c.floor, patch ? floor : sv, "floor %u, %s sv %u: committed, floor %s", floor, what, sv,
	       patch ? "unchanged (a patch never raises it)" : "raised to the baseline's security version");

	/* removal back to slot a (26.3 with security version @floor) */
	ret = sf_remove(&b.ctx, "webkit", NULL, NULL, &err);
	c = webkit(&b);
	if (floor >= c.floor)
		ok(!ret && c.active == SLOT_A && c.floor == floor, "floor %u, %s sv %u: removal back to 26.3 allowed",
		   floor, what, sv);
	else
		ok(ret == -SF_EPOLICY && strstr(err.msg, "below the floor") && c.active == SLOT_B,
		   "floor %u, %s sv %u: removal below the new floor %u refused (%s)", floor, what, sv, c.floor, err.msg);
	simboard_free(&b);

	/* the same install failing its health check: the fallback is never blocked */
	factory(&b, floor);
	if (sim_install(&b, bundle(sv, patch), &err))
		abort();
	strcpy(b.sys.health_dir, health_fail);
	ret = bootcheck_run(&b.ctx, NULL, 0, "", NULL, &rep, &err);
	c = webkit(&b);
	ok(ret == -SF_EFELLBACK && c.active == SLOT_A && c.trial == SLOT_NONE && c.bad == SLOT_B && c.floor == floor,
	   "floor %u, %s sv %u: a failing trial falls back to slot a, floor unchanged", floor, what, sv);
	simboard_free(&b);
}

/* The floor a tampered environment puts above the committed slot does not stop the fallback. */
static void fallback_above_floor(void)
{
	static struct simboard b;
	struct sf_session s;
	struct bc_report rep;
	struct sf_err err;
	int ret;

	factory(&b, 5);
	if (sim_install(&b, bundle(9, false), &err) || sf_load(&b.ctx, &s, &err))
		abort();
	s.st.c[state_find(&s.st, "webkit")].floor = 100;
	if (sf_store(&b.ctx, &s, &s.st, &err))
		abort();
	strcpy(b.sys.health_dir, health_fail);
	ret = bootcheck_run(&b.ctx, NULL, 0, "", NULL, &rep, &err);
	ok(ret == -SF_EFELLBACK && webkit(&b).active == SLOT_A && webkit(&b).floor == 100,
	   "floor 100 above the committed slot's 5: the failing trial still falls back to it");
	/* tries spent without a verdict: the same */
	simboard_free(&b);
	factory(&b, 5);
	if (sim_install(&b, bundle(9, false), &err) || sf_load(&b.ctx, &s, &err))
		abort();
	s.st.c[state_find(&s.st, "webkit")].floor = UINT32_MAX;
	s.st.c[state_find(&s.st, "webkit")].tries = 0;
	if (sf_store(&b.ctx, &s, &s.st, &err))
		abort();
	ret = bootcheck_run(&b.ctx, NULL, 0, "", NULL, &rep, &err);
	ok(ret == -SF_EFELLBACK && webkit(&b).active == SLOT_A && webkit(&b).trial == SLOT_NONE,
	   "floor 4294967295, no tries left: falls back to the committed slot");
	simboard_free(&b);
}

/* A patch below its baseline's security version, and a second patch on a committed patch. */
static void patches(void)
{
	static struct simboard b;
	struct sim_spec p2 = { .comp = "webkit", .version = "26.3 (b)", .sv = 6, .base = "26.3" };
	struct sim_spec p3 = { .comp = "webkit", .version = "26.3 (c)", .sv = 8, .base = "26.3" };
	unsigned int stores;
	char path[128];
	struct sf_err err;
	int ret;

	factory(&b, 5);
	if (sim_install(&b, bundle(7, true), &err) || sim_boot_check(&b, NULL, &err))
		abort();
	is_int(webkit(&b).floor, 5, "patch 26.3 (a) sv 7 committed: floor stays 5");
	snprintf(path, sizeof(path), "%s/patch-b.fit", tmp);
	sim_bundle(tmp, path, &p2, 1);
	stores = b.env.stores;
	ret = sim_install(&b, path, &err);
	ok(ret == -SF_EPOLICY && err.reason == SF_R_DOWNGRADE && b.env.stores == stores,
	   "patch 26.3 (b) sv 6 on running patch (a) sv 7: above the floor 5 but below what runs, refused (%s)",
	   err.msg);
	snprintf(path, sizeof(path), "%s/patch-c.fit", tmp);
	sim_bundle(tmp, path, &p3, 1);
	ret = sim_install(&b, path, &err);
	ok(!ret && webkit(&b).trial == SLOT_A, "patch 26.3 (c) sv 8 on patch (a) sv 7: installed (%s)", err.msg);
	if (sim_boot_check(&b, NULL, &err))
		abort();
	is_int(webkit(&b).floor, 5, "patch (c) committed: floor still 5");
	ret = sf_remove(&b.ctx, "webkit", NULL, NULL, &err);
	ok(!ret && webkit(&b).active == SLOT_B && webkit(&b).floor == 5, "removal back to patch (a): allowed");
	simboard_free(&b);
}

/* Environment floors outside the grammar stop the install before anything is written. */
static void malformed_floor(const char *value)
{
	static struct simboard b;
	struct sf_err err = { 0 };
	int ret;

	factory(&b, 5);
	sim_env_edit(&b, "sf_webkit_floor", value);
	ret = sim_install(&b, bundle(6, false), &err);
	ok(ret == -SF_ECONFIG && strstr(err.msg, "sf_webkit_floor") && !b.env.stores && !b.slots.writes,
	   "floor '%s' in the environment: install refused, nothing written (%s)", value, err.msg);
	ret = sf_remove(&b.ctx, "webkit", NULL, NULL, &err);
	ok(ret == -SF_ECONFIG && !b.env.stores, "floor '%s': removal refused too", value);
	simboard_free(&b);
}

/* Signed bundles whose security version is not one 32-bit cell: refused, nothing written. */
static void malformed_sv(const void *val, size_t len, bool del, const char *what)
{
	static const struct fb_image img[] = {
		{ .node = "webkit-1", .component = "webkit", .version = "26.4", .sv = 6, .size = 4096 },
	};
	static struct simboard b;
	struct fb_node *t = fb_bundle(img, 1, &alt);
	struct sf_err err = { 0 };
	char path[128];
	size_t size;
	void *blob;
	int ret;

	fb_prop_str(t, CONF, "compatible", "sim");
	if (del)
		fb_prop_del(t, IMG, "slotflip,security-version");
	else
		fb_prop(t, IMG, "slotflip,security-version", val, len);
	blob = fb_build(t, 0, &size);
	fb_tree_free(t);
	fb_sign(blob, CONF "/signature-1", &alt, NULL, 0, FB_HS_FULL, true);
	snprintf(path, sizeof(path), "%s/sv.fit", tmp);
	if (!fb_write_file(path, blob, size, img, 1))
		abort();
	free(blob);
	factory(&b, 5);
	ret = sim_install(&b, path, &err);
	is_reason(ret, &err, SF_R_METADATA, "security version %s: refused", what);
	ok(!b.env.stores && !b.slots.writes, "  nothing written");
	simboard_free(&b);
}

int main(void)
{
	static const char *const bad_floors[] = { "abc", "-1", "4294967296", "05", " 5", "5 ", "0x5", "1e3" };
	struct sf_err err;
	char path[160];
	FILE *f;

	if (!IS_ENABLED(CONFIG_SIG_RSA)) {
		tap_diag("skipped: the simulated board signs with RSA (CONFIG_SIG_RSA)");
		return tap_done();
	}
	tap_tmpdir(tmp, "rollback");
	keyring_free(sim_setup(tmp));
	/* a second key signs the hand-made bundles with malformed security versions */
	fb_key_gen(&alt, "alt", FB_RSA2048);
	fb_key_write_public(&alt, tmp);
	if (keyring_load(&keys, tmp, &err)) {
		tap_diag("%s", err.msg);
		return 1;
	}
	/* a health folder whose webkit check always fails */
	snprintf(health_fail, sizeof(health_fail), "%s/health", tmp);
	snprintf(path, sizeof(path), "%s/webkit", health_fail);
	if (mkdir(health_fail, 0755) || mkdir(path, 0755))
		abort();
	snprintf(path, sizeof(path), "%s/webkit/10-fail", health_fail);
	f = fopen(path, "w");
	if (!f || fputs("#!/bin/sh\nexit 1\n", f) < 0 || fclose(f) ||
	    chmod(path, 0755))
		abort();

	for (unsigned int i = 0; i < sizeof(floors) / sizeof(floors[0]); i++)
		for (unsigned int j = 0; j < sizeof(svs) / sizeof(svs[0]); j++) {
			one(floors[i], svs[j], false);
			one(floors[i], svs[j], true);
		}
	fallback_above_floor();
	patches();
	for (unsigned int i = 0; i < sizeof(bad_floors) / sizeof(bad_floors[0]); i++)
		malformed_floor(bad_floors[i]);
	malformed_sv("\0\0\0\0\0\0\0\6", 8, false, "of 64 bits");
	malformed_sv("\6", 1, false, "of one byte");
	malformed_sv(NULL, 0, true, "missing");
	malformed_sv("", 0, false, "empty");

	keyring_free(keys);
	fb_key_free(&alt);
	tap_rmtree(tmp);
	return tap_done();
}
