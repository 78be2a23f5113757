// SPDX-License-Identifier: MIT
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_text[] =
	"usage: slotflip [--config PATH] COMMAND [ARGS]\n"
	"\n"
	"device commands:\n"
	"  init [--factory C=VER:SV ...]          initialise a factory-fresh environment\n"
	"  install [--progress[=json]] [--auto] BUNDLE|-\n"
	"                                         verify a bundle, write the inactive slot(s), arm;\n"
	"                                         --auto: a background install, as the policy allows\n"
	"  status [--json]                        slots, versions, trials and floors\n"
	"  boot-check [COMPONENT...]              early-boot check: commit or fall back\n"
	"  activate [COMPONENT...]                soft restart into the armed trial(s)\n"
	"  activate --due                         what is staged, if the policy's window is open now\n"
	"  commit [COMPONENT...]                  commit armed trial(s) without checks\n"
	"  remove COMPONENT                       go back to the previous slot\n"
	"  policy [--json]                        the install policy\n"
	"  policy set automatic=on|off window=HH:MM-HH:MM|none   store it\n"
	"host commands:\n"
	"  bundle create|verify|info ...          make and check bundles ('slotflip bundle' for help)\n"
	"  --version                              version and SHA-256 engine\n"
	"\n"
	"The system description is --config PATH, else $SLOTFLIP_CONFIG, else " CONFIG_DEFAULT_SYSTEM_CONFIG ".\n"
	"Exit codes: 0 ok, 1 failure, 2 usage, 3 verification failed, 4 refused by policy,\n"
	"5 I/O error, 6 boot-check fell back, 7 configuration or environment error, 8 busy.\n";

/* Version and the SHA-256 engine this machine gets. */
static int print_version(void)
{
	struct sha256 *h;

	printf("slotflip %s\n", SLOTFLIP_VERSION);
	if (sha256_new(&h, SHA256_ENGINE_AUTO))
		return SF_EFAIL;
	printf("sha256 engine: %s\n", sha256_engine_name(h));
	sha256_free(h);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv, struct sf_err *err);
} commands[] = {
	{ "init", cmd_init },		  { "install", cmd_install },	{ "status", cmd_status },
	{ "boot-check", cmd_boot_check }, { "activate", cmd_activate }, { "commit", cmd_commit },
	{ "remove", cmd_remove },	  { "bundle", cmd_bundle },	{ "policy", cmd_policy },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli *c;
	struct sf_err err = { 0 };
	int ret = -SF_EUSAGE, opt;

	c = calloc(1, sizeof(*c));
	if (!c) {
		fprintf(stderr, "slotflip: out of memory\n");
		return SF_EFAIL;
	}
	c->lock = -1;
	c->config = getenv("SLOTFLIP_CONFIG");
	if (!c->config || !*c->config)
		c->config = CONFIG_DEFAULT_SYSTEM_CONFIG;
	/* '+': options end at the command name; each command parses its own */
	while ((opt = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			c->config = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			free(c);
			return 0;
		case 'V':
			ret = print_version();
			free(c);
			return ret;
		default:
			fputs(usage_text, stderr);
			free(c);
			return SF_EUSAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		free(c);
		return SF_EUSAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		int first = optind;

		optind = 0; /* each command runs getopt on its own arguments */
		ret = commands[i].fn(c, argc - first, argv + first, &err);
		goto out;
	}
	ret = cli_usage(&err, "unknown command '%s' (see 'slotflip --help')", argv[optind]);
out:
	cli_teardown(c);
	free(c);
	if (ret && err.msg[0])
		fprintf(stderr, "slotflip: %s\n", err.msg);
	return ret < 0 ? -ret : ret;
}
