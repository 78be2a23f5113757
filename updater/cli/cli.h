/* SPDX-License-Identifier: MIT */
/*
 * cli — the slotflip command. Each cmd_*() parses its own arguments, does its
 * work through the library and returns 0 or -SF_* with @err set. A command
 * says what it did twice: as text for people (cli_say(), printed unless
 * --json) and as members of the JSON result (c->out, always written). main()
 * then prints, without --json, err->msg as one line on standard error; with
 * --json, exactly one object on standard output: {"ok", "exit", "reason",
 * "message"} and the command's members (docs/agent.md). The exit code is the
 * category (docs/exit-codes.md).
 */
#ifndef SF_CLI_H
#define SF_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "common/sf_err.h"
#include "core/core.h"
#include "io/env.h"
#include "cli/json.h"
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
 * @json:   --json: the result is one JSON object on standard output
 * @out:    the command's members of that object
 * @events: where JSON lines go with --json (progress): standard error, or
 *          --progress-fd
 * @stop:   set by SIGINT, SIGTERM and SIGHUP (the library's stop flag)
 */
struct cli {
	const char *config;
	struct sysconf sys;
	struct env_uboot *env;
	struct keyring *keys;
	struct sf_ctx ctx;
	int lock;
	bool json;
	struct json out;
	FILE *events;
	const volatile sig_atomic_t *stop;
};

/** cli_say() - text for people: printed on standard output unless --json */
void cli_say(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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

/**
 * cli_hash_engine() - the SHA-256 engine for image data: AUTO, or the one
 * SLOTFLIP_SHA256 forces ("auto", "cpu", "afalg", "mbedtls")
 * Return: 0, or -SF_ECONFIG when the variable names no engine or one this
 * machine cannot run.
 */
int cli_hash_engine(enum sha256_engine *out, struct sf_err *err) __attribute__((warn_unused_result));

/** cli_teardown() - release what cli_setup() took */
void cli_teardown(struct cli *c);

/** cli_usage() - record a usage error; returns -SF_EUSAGE */
int cli_usage(struct sf_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3), warn_unused_result));

/**
 * struct cli_command - a command of slotflip
 * @name:  what the user types
 * @fn:    what runs it
 * @usage: its usage, one line
 * @help:  what it does and its options
 */
struct cli_command {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv, struct sf_err *err);
	const char *usage;
	const char *help;
};

extern const struct cli_command cli_commands[];
extern const unsigned int cli_n_commands;

/** cli_find_command() - the command called @name, NULL when there is none */
const struct cli_command *cli_find_command(const char *name);

/** cli_print_help() - full help of @cmd on @f; the general help when @cmd is NULL */
void cli_print_help(FILE *f, const struct cli_command *cmd);

/**
 * cli_command_usage() - the usage line of command @name, for a usage error
 * Return: a static string; the general usage for an unknown name.
 */
const char *cli_command_usage(const char *name);

/**
 * cli_bad_option() - a usage error for an option @name does not take:
 * "unknown option '--x'; usage: slotflip status [--json]"
 * @argv: the command's arguments, with optind just past the bad one
 */
int cli_bad_option(const char *name, char **argv, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * cli_read_cmdline() - the kernel command line, for "slotflip.<c>=<slot>"
 * ($SLOTFLIP_CMDLINE names another file, for tests)
 * Return: a string to free(); "" when it cannot be read; NULL without memory.
 */
char *cli_read_cmdline(void);

int cmd_init(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_install(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_status(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_boot_check(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_activate(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_commit(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_remove(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_bundle(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_policy(struct cli *c, int argc, char **argv, struct sf_err *err);
int cmd_repair(struct cli *c, int argc, char **argv, struct sf_err *err);

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
 * cli_parse_factory() - parse `--factory COMPONENT=VERSION:SV` (a baseline)
 * Return: 0, or -SF_EUSAGE naming the argument.
 */
int cli_parse_factory(const char *arg, struct sf_factory *f, struct sf_err *err)
	__attribute__((warn_unused_result));

struct fit_create_opts;

/**
 * cli_parse_bundle_create() - the arguments of `bundle create`: global options
 * anywhere (-o and -b once each; -k once per signing key, each optionally
 * followed by one -n naming it), then one group per image, each ended by
 * --image FILE after its --component, --version and --security-version (and
 * optional --base-version, --requires), each given once per group; --delta-from
 * ACTIVE right after an --image makes that image a delta from ACTIVE
 * @argc, @argv: from "create" on
 * @out:        the bundle to make; its strings point into @argv
 * @err:        failure reason
 * Return: 0, or -SF_EUSAGE naming what is missing, repeated or out of place;
 * -SF_EFAIL (SF_R_NO_MEMORY).
 */
int cli_parse_bundle_create(int argc, char **argv, struct fit_create_opts *out, struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * cli_progress_line() - one component's progress bar:
 * "webkit           [#########        ]  45%    312.4 MiB/s  ETA 0:03"
 * (the rate and time left only once half a second passed and bytes moved)
 * @out, @size: where to write it
 * @p:          the progress report
 * @seconds:    time since the component's write began
 */
void cli_progress_line(char *out, size_t size, const struct sf_progress *p, double seconds);

#endif /* SF_CLI_H */
