// SPDX-License-Identifier: MIT
#include "simboard.h"

#include "boot/bootcheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit_create.h"
#include "fit/keyring.h"
#include "fitbuild.h"

const char *const sim_comps[SIM_COMPS] = { "webkit", "libcrypto", "kernel" };

void simboard_init(struct simboard *b, const struct keyring *keys)
{
	memset(b, 0, sizeof(*b));
	strcpy(b->sys.board, "sim");
	b->sys.max_tries = 3;
	b->sys.health_timeout_ms = 5000;
	b->sys.n = SIM_COMPS;
	for (unsigned int i = 0; i < SIM_COMPS; i++) {
		struct sysconf_comp *c = &b->sys.c[i];

		strcpy(c->name, sim_comps[i]);
		snprintf(c->slot[0], sizeof(c->slot[0]), "/dev/%s_a", sim_comps[i]);
		snprintf(c->slot[1], sizeof(c->slot[1]), "/dev/%s_b", sim_comps[i]);
		c->reboot = !strcmp(sim_comps[i], "kernel");
		b->sys.names[i] = c->name;
		fake_slots_add(&b->slots, c->slot[0], SIM_SLOT_SIZE);
		fake_slots_add(&b->slots, c->slot[1], SIM_SLOT_SIZE);
	}
	strcpy(b->cmdline, "slotflip.kernel=a");
	b->slots.power = &b->power;
	b->env.power = &b->power;
	b->ctx = (struct sf_ctx){ .sys = &b->sys, .env = &fake_env_ops, .env_priv = &b->env,
				  .slot = &fake_slot_ops, .slot_priv = &b->slots, .keys = keys,
				  .hash_engine = SHA256_ENGINE_AUTO, .io_chunk = SIM_CHUNK };
}

void simboard_restore(struct simboard *dst, const struct simboard *src)
{
	fake_slots_copy(&dst->slots, &src->slots);
	memcpy(dst->env.copy, src->env.copy, sizeof(dst->env.copy));
	dst->env.size = src->env.size;
	dst->env.foreign = src->env.foreign;
	memcpy(dst->cmdline, src->cmdline, sizeof(dst->cmdline));
	memset(&dst->power, 0, sizeof(dst->power));
}

/*
 * boot.cmd step 2 for reboot component @c: the slot it boots into @slot; @vars
 * changed and @dirty set when a try is spent or the trial falls back.
 */
static void uboot_decide(struct kv *vars, const char *c, bool *dirty, char slot[2])
{
	char n_active[KV_NAME_MAX], n_trial[KV_NAME_MAX], n_tries[KV_NAME_MAX], name[KV_NAME_MAX], text[KV_VALUE_MAX];
	const char *active, *trial, *tries;
	int ok = 0;

	snprintf(n_active, sizeof(n_active), "sf_%s_active", c);
	snprintf(n_trial, sizeof(n_trial), "sf_%s_trial", c);
	snprintf(n_tries, sizeof(n_tries), "sf_%s_tries", c);
	active = kv_get(vars, n_active) ?: "";
	trial = kv_get(vars, n_trial) ?: "";
	tries = kv_get(vars, n_tries) ?: "";
	strcpy(slot, "a");
	if (strcmp(active, "a") && strcmp(active, "b"))
		return;
	strcpy(slot, active);
	if (!*trial || !strcmp(trial, active) || (strcmp(trial, "a") && strcmp(trial, "b")))
		return;
	if (!*tries || !strcmp(tries, "0")) {
		/* no try left: the fallback of the early-boot check, recorded as the script does */
		snprintf(text, sizeof(text), "tries-exhausted U-Boot found no try left for slot %s", trial);
		snprintf(name, sizeof(name), "sf_%s_bad", c);
		ok |= kv_set(vars, name, trial);
		snprintf(name, sizeof(name), "sf_%s_bad_why", c);
		ok |= kv_set(vars, name, "failed");
		snprintf(name, sizeof(name), "sf_%s_fail", c);
		ok |= kv_set(vars, name, text);
		snprintf(name, sizeof(name), "sf_%s_fail_ver", c);
		ok |= kv_set(vars, name, NULL);
		ok |= kv_set(vars, n_trial, NULL);
		ok |= kv_set(vars, n_tries, NULL);
		if (ok)
			abort();
		*dirty = true;
		return;
	}
	if (strlen(tries) != 1 || tries[0] < '1' || tries[0] > '9')
		return;
	text[0] = (char)(tries[0] - 1);
	text[1] = '\0';
	if (kv_set(vars, n_tries, text))
		abort();
	*dirty = true;
	strcpy(slot, trial);
}

int sim_uboot(struct simboard *b)
{
	char booted[SIM_COMPS][2], active[SIM_COMPS][2];
	bool dirty = false, spent = false;
	struct kv vars;
	size_t len = 0;
	int ret = 0;

	b->cmdline[0] = '\0';
	if (fake_env_get(&b->env, &vars))
		kv_clear(&vars); /* no valid copy: every reboot component boots slot a */
	for (unsigned int i = 0; i < b->sys.n; i++) {
		char name[KV_NAME_MAX];
		const char *a;

		if (!b->sys.c[i].reboot)
			continue;
		snprintf(name, sizeof(name), "sf_%s_active", b->sys.names[i]);
		a = kv_get(&vars, name) ?: "";
		snprintf(active[i], sizeof(active[i]), "%s", strcmp(a, "b") ? "a" : "b");
		uboot_decide(&vars, b->sys.names[i], &dirty, booted[i]);
		spent |= strcmp(booted[i], active[i]) != 0;
	}
	if (dirty) {
		ret = fake_env_uboot_store(&b->env, &vars);
		if (ret && b->power.off)
			return -EIO;
	}
	for (unsigned int i = 0; i < b->sys.n; i++) {
		if (!b->sys.c[i].reboot)
			continue;
		/* a try that cannot be stored is not spent: the committed slot boots */
		len += (size_t)snprintf(b->cmdline + len, sizeof(b->cmdline) - len, "%sslotflip.%s=%s", len ? " " : "",
					b->sys.names[i], ret && spent ? active[i] : booted[i]);
	}
	return 0;
}

void simboard_free(struct simboard *b)
{
	fake_slots_free(&b->slots);
}

static uint64_t seed_of(const char *comp, const char *version)
{
	uint64_t x = 1469598103934665603ull;

	for (const char *p = comp; *p; p++)
		x = (x ^ (uint8_t)*p) * 1099511628211ull;
	for (const char *p = version; *p; p++)
		x = (x ^ (uint8_t)*p) * 1099511628211ull;
	return x;
}

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * A baseline is random bytes; a patch "B (p)" is its baseline's bytes with 64
 * bytes changed in every 8 KiB, as a security fix changes a real image, so
 * that a delta between them is small.
 */
static void image_bytes(const char *comp, const char *version, uint8_t *buf, size_t len)
{
	const char *patch = strstr(version, " (");
	uint64_t x = seed_of(comp, version);

	if (!patch) {
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)next(&x);
		return;
	}
	{
		char base[SF_VERSION_MAX];

		snprintf(base, sizeof(base), "%.*s", (int)(patch - version), version);
		memcpy(buf, sim_image(comp, base), len);
	}
	for (size_t at = next(&x) % 8192; at + 64 <= len; at += 8192)
		for (size_t i = 0; i < 64; i++)
			buf[at + i] = (uint8_t)next(&x);
}

const uint8_t *sim_image(const char *comp, const char *version)
{
	static struct {
		char key[48];
		uint8_t *bytes;
	} cache[64];
	char key[48];
	unsigned int i;

	snprintf(key, sizeof(key), "%s %s", comp, version);
	for (i = 0; i < 64 && cache[i].bytes; i++)
		if (!strcmp(cache[i].key, key))
			return cache[i].bytes;
	if (i == 64 || !(cache[i].bytes = malloc(SIM_IMG_SIZE)))
		abort();
	strcpy(cache[i].key, key);
	image_bytes(comp, version, cache[i].bytes, SIM_IMG_SIZE);
	return cache[i].bytes;
}

bool sim_holds(const struct fake_dev *dev, const char *comp, const char *version)
{
	const uint8_t *want = sim_image(comp, version);

	return !memcmp(dev->durable, want, SIM_IMG_SIZE) && !memcmp(dev->volatile_, want, SIM_IMG_SIZE);
}

struct keyring *sim_setup(const char *dir)
{
	struct keyring *keys;
	struct fb_key key;
	struct sf_err err;
	char path[256];

	/* RSA: thousands of installs verify fast */
	fb_key_gen(&key, "dev", FB_RSA2048);
	snprintf(path, sizeof(path), "%s/dev.key", dir);
	fb_key_write_private(&key, path);
	fb_key_write_public(&key, dir);
	fb_key_free(&key);
	if (keyring_load(&keys, dir, &err)) {
		fprintf(stderr, "keyring: %s\n", err.msg);
		abort();
	}
	return keys;
}

static void write_image(const char *path, const char *comp, const char *version)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(sim_image(comp, version), 1, SIM_IMG_SIZE, f) != SIM_IMG_SIZE || fclose(f))
		abort();
}

void sim_bundle(const char *dir, const char *out, const struct sim_spec *s, unsigned int n)
{
	struct fit_create_opts o = { .out_path = out, .board = "sim", .n_images = n };
	char key[256], path[CONFIG_MAX_BUNDLE_IMAGES][256], from[CONFIG_MAX_BUNDLE_IMAGES][256];
	struct sf_err err;

	snprintf(key, sizeof(key), "%s/dev.key", dir);
	o.n_keys = 1;
	o.key[0].path = key;
	for (unsigned int k = 0; k < n; k++) {
		snprintf(path[k], sizeof(path[k]), "%s/img-%u", dir, k);
		write_image(path[k], s[k].comp, s[k].version);
		o.image[k] = (struct fit_create_image){ .path = path[k], .component = s[k].comp,
							.version = s[k].version, .base_version = s[k].base,
							.security_version = s[k].sv, .requires = s[k].requires };
		if (s[k].delta_from) {
			snprintf(from[k], sizeof(from[k]), "%s/from-%u", dir, k);
			write_image(from[k], s[k].comp, s[k].delta_from);
			o.image[k].delta_from = from[k];
		}
	}
	if (fit_create(&o, &err)) {
		fprintf(stderr, "fit_create: %s\n", err.msg);
		abort();
	}
}

int sim_install(struct simboard *b, const char *path, struct sf_err *err)
{
	struct src src;
	int ret;

	if (src_open(&src, path, err))
		abort();
	ret = sf_install(&b->ctx, &src, NULL, NULL, err);
	src_close(&src);
	return ret;
}

int sim_boot_check(struct simboard *b, const char *health_dir, struct sf_err *err)
{
	char cmdline[256] = "", saved[SYSCONF_PATH_MAX];
	struct bc_report rep;
	struct kv env;
	int ret;

	if (!fake_env_get(&b->env, &env))
		for (unsigned int i = 0; i < b->sys.n; i++) {
			char name[KV_NAME_MAX];
			const char *trial;
			size_t len = strlen(cmdline);

			snprintf(name, sizeof(name), "sf_%s_trial", b->sys.names[i]);
			trial = kv_get(&env, name);
			if (b->sys.c[i].reboot && trial && *trial)
				snprintf(cmdline + len, sizeof(cmdline) - len, " slotflip.%s=%s", b->sys.names[i], trial);
		}
	memcpy(saved, b->sys.health_dir, sizeof(saved));
	snprintf(b->sys.health_dir, sizeof(b->sys.health_dir), "%s", health_dir ? health_dir : "");
	ret = bootcheck_run(&b->ctx, NULL, 0, cmdline, NULL, &rep, err);
	memcpy(b->sys.health_dir, saved, sizeof(saved));
	return ret;
}

void sim_env_edit(struct simboard *b, const char *name, const char *value)
{
	struct kv env;

	if (fake_env_get(&b->env, &env) || kv_set(&env, name, value) || fake_env_set(&b->env, &env))
		abort();
}
