/* SPDX-License-Identifier: MIT */
/*
 * cli — the slotflip command. Each cmd_*() parses its own arguments, does its
 * work through the library and returns 0 or -SF_* with @err set; main() prints
 * err->msg as one line on standard error and exits with the category
 * (docs/exit-codes.md).
 */
#ifndef SF_CLI_H
#define SF_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "common/sf_err.h"
#include "core/core.h"
#include "io/env.h"
#include "io/sysconf.h"
#include "plan/policy.h"

/**
 * struct cli - what a device command works with
 * @config: the system description path (--config, SLOTFLIP_CONFIG, or the default)
 * @sys:    the system description
 * @env:    the libubootenv back-end
 * @keys:   the keyring (install only)
 * @ctx:    the library context over the real back-ends
 * @lock:   the lock descriptor, -1 when not held
 */
struct cli {
	const char *config;
	struct sysconf sys;
	struct env_uboot *env;
	struct keyring *keys;
	struct sf_ctx ctx;
	int lock;
};

enum cli_needs {
	CLI_NEEDS_KEYS = 1, /* load the keyring */
	CLI_NEEDS_LOCK = 2, /* take the state lock */
};

/**
 * cli_setup() - load the system description, open the environment, take the
 * lock and load the keyring as @needs says
 * Return: 0 or -SF_ECONFIG / -SF_EBUSY / -SF_EIO.
 */
int cli_setup(struct cli *c, unsigned int needs, struct sf_err *err) __attribute__((warn_unused_result));

/** cli_teardown() - release what cli_setup() took */
void cli_teardown(struct cli *c);

/** cli_usage() - record a usage error; returns -SF_EUSAGE */
int cli_usage(struct sf_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3), warn_unused_result));

int cmd_init(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_install(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_status(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_boot_check(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_activate(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_commit(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_remove(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_bundle(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_policy(struct cli *c, int argc, char **argv, struct sf_err *err);

/**
 * cli_clock_minute() - the local time as a minute of the day; $SLOTFLIP_NOW
 * ("HH:MM") stands in for the clock (tests, and trying a window out)
 * Return: 0, or -SF_EUSAGE when SLOTFLIP_NOW is set but not HH:MM.
 */
int cli_clock_minute(int *minute, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * cli_auto_allowed() - may `install --auto` proceed? (cli_setup() done, lock held)
 * @p: out: the stored policy
 * Return: 0; -SF_EPOLICY (reason automatic-off) while automatic updates are
 * off; -SF_ECONFIG, -SF_EIO as sf_load() and policy_from_env().
 */
int cli_auto_allowed(struct cli *c, struct policy *p, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * cli_due() - the policy part of `activate --due` (cli_setup() done, lock held):
 * decide with policy_due() at the current minute, say what is (not) done, and
 * for POLICY_DUE_REBOOT run the system description's reboot command
 * @what: out: the decision; the caller does the soft restart of POLICY_DUE_SOFT
 * Return: 0; -SF_EFAIL when the reboot command fails; -SF_EUSAGE, -SF_ECONFIG,
 * -SF_EIO as cli_clock_minute(), sf_load() and policy_from_env().
 */
int cli_due(struct cli *c, enum policy_due *what, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * json_str() - write @s as a JSON string (quoted, escaped) to @f
 */
void json_str(FILE *f, const char *s);

/**
 * cli_parse_factory() - parse `--factory COMPONENT=VERSION:SV` (a baseline)
 * Return: 0, or -SF_EUSAGE naming the argument.
 */
int cli_parse_factory(const char *arg, struct sf_factory *f, struct sf_err *err)
	__attribute__((warn_unused_result));

struct fit_create_opts;

/**
 * cli_parse_bundle_create() - the arguments of `bundle create`: global options
 * (-o, -b, -k, -n) anywhere, then one group per image, each ended by --image
 * FILE after its --component, --version and --security-version (and optional
 * --base-version, --requires)
 * @argc, @argv: from "create" on
 * @out:        the bundle to make; its strings point into @argv
 * @err:        failure reason
 * Return: 0, or -SF_EUSAGE naming what is missing or out of place.
 */
int cli_parse_bundle_create(int argc, char **argv, struct fit_create_opts *out, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * cli_progress_line() - one line of the progress bar:
 * "[#########        ]  45%    312.4 MiB/s  ETA 0:03  write    webkit"
 * @out, @size: where to write it
 * @p:          the progress report
 * @seconds:    time since the phase began (for the rate and the ETA)
 */
void cli_progress_line(char *out, size_t size, const struct sf_progress *p, double seconds);

#endif /* SF_CLI_H */
