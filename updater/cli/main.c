// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* Help on standard output, or as the "usage" member of the JSON result. */
static int show_help(struct cli *c, const struct cli_command *cmd)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!c->json) {
		cli_print_help(stdout, cmd);
		return 0;
	}
	f = open_memstream(&text, &len);
	if (!f)
		return 0;
	cli_print_help(f, cmd);
	fclose(f);
	json_kstr(&c->out, "usage", text);
	free(text);
	return 0;
}

/* Every reason with its exit code and meaning, as docs/agent.md lists them. */
static int show_reasons(struct cli *c)
{
	json_key(&c->out, "reasons");
	json_obj(&c->out);
	for (int cat = SF_EFAIL; cat < SF_ECAT_COUNT; cat++)
		for (int r = SF_R_NONE + 1; r < SF_R_COUNT; r++) {
			if (!sf_reason_name(r) || sf_reason_cat(r) != cat)
				continue;
			cli_say(c, "| `%s` | %d | %s |\n", sf_reason_name(r), cat, sf_reason_meaning(r));
			json_key(&c->out, sf_reason_name(r));
			json_obj(&c->out);
			json_kuint(&c->out, "exit", (uint64_t)cat);
			json_kstr(&c->out, "meaning", sf_reason_meaning(r));
			json_end(&c->out);
		}
	json_end(&c->out);
	return 0;
}

/*
 * Version and the SHA-256 engine this machine gets (or SLOTFLIP_SHA256 forces):
 * text, and "version" and "sha256_engine" members.
 */
static int print_version(struct cli *c, struct sf_err *err)
{
	enum sha256_engine e;
	struct sha256 *h;
	int ret;

	cli_say(c, "slotflip %s\n", SLOTFLIP_VERSION);
	json_kstr(&c->out, "version", SLOTFLIP_VERSION);
	ret = cli_hash_engine(&e, err);
	if (ret)
		return ret;
	if (sha256_new(&h, e))
		return sf_fail(err, SF_EFAIL, "no SHA-256 engine could be started");
	cli_say(c, "sha256 engine: %s", sha256_engine_name(h));
	if (*sha256_engine_detail(h))
		cli_say(c, " (%s)", sha256_engine_detail(h));
	cli_say(c, "\n");
	json_kstr(&c->out, "sha256_engine", sha256_engine_name(h));
	sha256_free(h);
	return 0;
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	stop_flag = sig;
}

/* SIGINT, SIGTERM and SIGHUP ask the operation to stop at a safe point (no SA_RESTART: reads return). */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * --json anywhere before "--" makes the result JSON; it is taken out of @argv
 * so that no command sees it. Return: the new argc.
 */
static int take_json(int argc, char **argv, bool *json)
{
	int n = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--json"))
			*json = true;
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

/*
 * With --json, the result goes to a copy of standard output, progress lines
 * to a copy of standard error, and what the processes slotflip starts (health
 * checks, stop- and start-commands) write is discarded: nothing but JSON on
 * either stream.
 */
static int json_streams(FILE **result, FILE **events)
{
	int out = dup(STDOUT_FILENO), errfd = dup(STDERR_FILENO), null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (out < 0 || errfd < 0 || null < 0)
		return -1;
	fcntl(out, F_SETFD, FD_CLOEXEC);
	fcntl(errfd, F_SETFD, FD_CLOEXEC);
	*result = fdopen(out, "w");
	*events = fdopen(errfd, "w");
	if (!*result || !*events)
		return -1;
	fflush(stdout);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	close(null);
	setvbuf(*events, NULL, _IOLBF, 0);
	return 0;
}

static void print_result(FILE *f, int code, const struct sf_err *err, const char *members, size_t len)
{
	struct json j;

	json_start(&j, f);
	json_obj(&j);
	json_kbool(&j, "ok", code == 0);
	json_kuint(&j, "exit", (uint64_t)code);
	json_kstr(&j, "reason", code ? sf_reason_name(err->reason ? err->reason : code) : NULL);
	json_kstr(&j, "message", code && err->msg[0] ? err->msg : NULL);
	fwrite(members, 1, len, f);
	json_end(&j);
	fputc('\n', f);
	fflush(f);
}

/* The command and its arguments: help, usage errors, or the command itself. */
static int dispatch(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	const struct cli_command *cmd;

	if (argc < 1)
		return cli_usage(err, "%s", cli_command_usage(""));
	if (!strcmp(argv[0], "help") && argc > 1 && !strcmp(argv[1], "reasons"))
		return show_reasons(c);
	if (!strcmp(argv[0], "help")) {
		cmd = argc > 1 ? cli_find_command(argv[1]) : NULL;
		if (argc > 1 && !cmd)
			return cli_usage(err, "help: unknown command '%s' (see 'slotflip help')", argv[1]);
		/* "help bundle [SUBCOMMAND]" is "bundle help [SUBCOMMAND]" */
		if (cmd && cmd->fn == cmd_bundle) {
			argv[0] = argv[1];
			argv[1] = "help";
			return cmd_bundle(c, argc, argv, err);
		}
		return show_help(c, cmd);
	}
	cmd = cli_find_command(argv[0]);
	if (!cmd)
		return cli_usage(err, "unknown command '%s' (see 'slotflip help')", argv[0]);
	/* COMMAND --help (the bundle subcommands answer it themselves) */
	for (int i = 1; i < argc && cmd->fn != cmd_bundle; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return show_help(c, cmd);
	}
	optind = 0; /* each command runs getopt on its own arguments */
	/* the device commands name a bad option in their one line; bundle's usage lets getopt name it */
	opterr = cmd->fn == cmd_bundle;
	return cmd->fn(c, argc, argv, err);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct sf_err err = { 0 };
	FILE *result = stdout, *members;
	char *buf = NULL;
	size_t len = 0;
	bool help = false, version = false;
	const char *bad = NULL;
	struct cli *c;
	int ret, opt;

	c = calloc(1, sizeof(*c));
	if (!c) {
		fprintf(stderr, "slotflip: out of memory\n");
		return SF_EFAIL;
	}
	c->lock = -1;
	c->events = stderr;
	c->stop = &stop_flag;
	c->config = getenv("SLOTFLIP_CONFIG");
	if (!c->config || !*c->config)
		c->config = CONFIG_DEFAULT_SYSTEM_CONFIG;
	argc = take_json(argc, argv, &c->json);
	members = open_memstream(&buf, &len);
	if (!members || (c->json && json_streams(&result, &c->events))) {
		fprintf(stderr, "slotflip: cannot set up the output\n");
		return SF_EFAIL;
	}
	json_fragment(&c->out, members);
	catch_signals();
	/* '+': options end at the command name; each command parses its own */
	opterr = 0; /* a bad option is one line of ours, not getopt's as well */
	while ((opt = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		if (opt == 'c')
			c->config = optarg;
		else if (opt == 'h')
			help = true;
		else if (opt == 'V')
			version = true;
		else if (!bad)
			bad = argv[optind - 1];
	}
	if (bad)
		ret = -cli_usage(&err, "unknown option or missing value '%s'; %s", bad, cli_command_usage(""));
	else if (help)
		ret = show_help(c, NULL);
	else if (version)
		ret = -print_version(c, &err);
	else
		ret = -dispatch(c, argc - optind, argv + optind, &err);
	cli_teardown(c);
	fflush(members);
	if (c->json)
		print_result(result, ret, &err, buf, len);
	else if (ret && err.msg[0])
		fprintf(stderr, "slotflip: %s\n", err.msg);
	if (ret == SF_EUSAGE && !c->json && !strstr(err.msg, "usage:"))
		fprintf(stderr, "%s\n", cli_command_usage(argc - optind > 0 ? argv[optind] : ""));
	fclose(members);
	free(buf);
	free(c);
	return ret;
}
