// SPDX-License-Identifier: MIT
/* What every command shares: setting up the context, usage errors, JSON strings. */
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

int cli_setup(struct cli *c, unsigned int needs, struct sf_err *err)
{
	const char *lock_path = getenv("SLOTFLIP_LOCK");
	int ret;

	ret = sysconf_load(&c->sys, c->config, err);
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
	c->ctx.hash_engine = SHA256_ENGINE_AUTO;
	return 0;
}

void cli_teardown(struct cli *c)
{
	keyring_free(c->keys);
	env_uboot_close(c->env);
	if (c->lock >= 0)
		close(c->lock);
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}
