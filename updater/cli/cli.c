// SPDX-License-Identifier: MIT
/* What every command shares: setting up the context, usage errors, JSON strings. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fit/keyring.h"
#include "io/lock.h"

int cli_usage(struct sf_err *err, const char *fmt, ...)
{
	va_list ap;

	err->cat = SF_EUSAGE;
	err->reason = SF_R_USAGE;
	err->errnum = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -SF_EUSAGE;
}

int cli_bad_option(const char *name, char **argv, struct sf_err *err)
{
	const char *bad = optind > 0 ? argv[optind - 1] : "?";

	return cli_usage(err, "%s: unknown option or missing value '%s'; %s", name, bad, cli_command_usage(name));
}

void cli_say(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

char *cli_read_cmdline(void)
{
	const char *path = getenv("SLOTFLIP_CMDLINE");
	char *buf = calloc(1, 4096);
	FILE *f;

	if (!buf)
		return NULL;
	f = fopen(path ? path : "/proc/cmdline", "re");
	if (f) {
		if (!fgets(buf, 4096, f))
			buf[0] = '\0';
		fclose(f);
	}
	return buf;
}

int cli_hash_engine(enum sha256_engine *out, struct sf_err *err)
{
	const char *name = getenv("SLOTFLIP_SHA256");
	struct sha256 *h;

	*out = SHA256_ENGINE_AUTO;
	if (!name || !*name)
		return 0;
	if (sha256_engine_parse(name, out))
		return sf_fail(err, SF_ECONFIG, "SLOTFLIP_SHA256='%.32s' names no SHA-256 engine (auto, cpu, afalg, mbedtls)",
			       name);
	if (sha256_new(&h, *out))
		return sf_fail(err, SF_ECONFIG, "SLOTFLIP_SHA256=%s: this machine cannot run that SHA-256 engine", name);
	sha256_free(h);
	return 0;
}

int cli_setup(struct cli *c, unsigned int needs, struct sf_err *err)
{
	const char *lock_path = getenv("SLOTFLIP_LOCK");
	int ret;

	ret = cli_hash_engine(&c->ctx.hash_engine, err);
	ret = ret ?: sysconf_load(&c->sys, c->config, err);
	if (ret)
		return ret;
	if (needs & CLI_NEEDS_LOCK) {
		ret = lock_take(lock_path ? lock_path : CONFIG_LOCK_PATH, 0, &c->lock, err);
		if (ret)
			return ret;
	}
	ret = env_uboot_open(&c->env, c->sys.env_config, err);
	if (ret)
		return ret;
	if (needs & CLI_NEEDS_KEYS) {
		ret = keyring_load(&c->keys, c->sys.keyring, err);
		ret = ret ?: keyring_set_policy(c->keys, &c->sys.key_policy, err);
		if (ret)
			return ret;
	}
	c->ctx.sys = &c->sys;
	c->ctx.env = &env_uboot_ops;
	c->ctx.env_priv = c->env;
	c->ctx.slot = &slot_file_ops;
	c->ctx.keys = c->keys;
	c->ctx.stop = c->stop;
	return 0;
}

void cli_teardown(struct cli *c)
{
	keyring_free(c->keys);
	env_uboot_close(c->env);
	if (c->lock >= 0)
		close(c->lock);
}

