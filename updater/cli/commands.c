// SPDX-License-Identifier: MIT
/* The commands: their names, functions, usage lines and help. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_text[] =
	"usage: slotflip [--config PATH] [--json] COMMAND [ARGS]\n"
	"       slotflip help [COMMAND]    slotflip COMMAND --help    slotflip --version\n";

const struct cli_command cli_commands[] = {
	{ "init", cmd_init, "slotflip init [--factory COMPONENT=VERSION:SV ...]",
	  "Initialise a factory-fresh environment (both copies blank, or the first store cut short):\n"
	  "every component active in slot a, nothing armed, floor 0; --factory records slot a as\n"
	  "that baseline and sets the floor to SV. Refused when a valid copy exists.\n" },
	{ "install", cmd_install,
	  "slotflip install [--progress[=json]] [--progress-fd=N] [--auto] [--allow-removed] BUNDLE|-",
	  "Verify a bundle (header, signature, policy), write its images into the inactive slots,\n"
	  "read them back, and arm them as one set; '-' reads standard input. Nothing runs them until\n"
	  "'activate' (soft components) or a reboot (reboot components).\n"
	  "  --progress        a progress bar on a terminal, one line per phase otherwise\n"
	  "  --progress=json   one JSON object per line: phases verify, write, readback, sync, arm,\n"
	  "                    then done or failed (docs/agent.md)\n"
	  "  --progress-fd=N   write the progress to file descriptor N instead of standard error\n"
	  "  --auto            a background install: refused while automatic updates are off\n"
	  "  --allow-removed   install a patch the user removed before\n" },
	{ "status", cmd_status, "slotflip status [--json]",
	  "Slots, versions, trials, floors, the armed sets and the last failure of every component.\n" },
	{ "boot-check", cmd_boot_check, "slotflip boot-check [COMPONENT...]",
	  "The early-boot check: judge every armed set whose trials were booted or are soft (spend a\n"
	  "try, mount, health checks), commit or fall back; mount the committed slots. Run at every\n"
	  "boot before the components' services.\n" },
	{ "activate", cmd_activate, "slotflip activate [--due] [COMPONENT...]",
	  "Soft restart into the armed trials of soft components (all of them without names): stop\n"
	  "their services, judge their sets as the boot-check does, start the services again. A set\n"
	  "that holds a reboot component not booted yet waits (exit 12).\n"
	  "  --due   the window timer's command: only inside the install policy's window\n" },
	{ "commit", cmd_commit, "slotflip commit [COMPONENT...]",
	  "Commit armed sets without health checks, only where every member ran (a reboot component\n"
	  "booted in its trial slot, a soft one had a try spent).\n" },
	{ "remove", cmd_remove, "slotflip remove COMPONENT",
	  "Remove the update of a component: back to its other slot (a soft restart when mounted), or,\n"
	  "with a trial armed, drop that trial and the rest of its set.\n" },
	{ "repair", cmd_repair, "slotflip repair COMPONENT --active a|b [--floor N]",
	  "Rewrite the state of a component whose sf_* variables cannot be read: it runs slot --active,\n"
	  "nothing is armed, every slot whose variables read keeps its image, the others are empty.\n"
	  "Refused when its state reads. --floor is needed when the floor cannot be read.\n" },
	{ "policy", cmd_policy, "slotflip policy [set automatic=on|off window=HH:MM-HH:MM|none]",
	  "Show or set the install policy: automatic (background) installs on or off, and the window\n"
	  "in which 'activate --due' activates staged updates.\n" },
	{ "bundle", cmd_bundle, "slotflip bundle create|verify|info ...",
	  "Make and check bundles on the host, with the verifier of the device ('slotflip bundle\n"
	  "help', 'slotflip bundle create --help').\n" },
};

const unsigned int cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);

const char *cli_command_usage(const char *name)
{
	static char buf[256];

	for (size_t i = 0; i < cli_n_commands; i++)
		if (!strcmp(cli_commands[i].name, name)) {
			snprintf(buf, sizeof(buf), "usage: %s", cli_commands[i].usage);
			return buf;
		}
	return "usage: slotflip [--config PATH] [--json] COMMAND [ARGS] (see 'slotflip help')";
}

const struct cli_command *cli_find_command(const char *name)
{
	for (size_t i = 0; i < cli_n_commands; i++)
		if (!strcmp(cli_commands[i].name, name))
			return &cli_commands[i];
	return NULL;
}

void cli_print_help(FILE *f, const struct cli_command *cmd)
{
	if (cmd) {
		fprintf(f, "usage: %s\n\n%s", cmd->usage, cmd->help);
		fputs("\nWith --json: one JSON object on standard output, success or failure (docs/agent.md).\n", f);
		return;
	}
	fputs(usage_text, f);
	fputs("\ncommands:\n", f);
	for (size_t i = 0; i < cli_n_commands; i++)
		fprintf(f, "  %s\n", cli_commands[i].usage);
	fputs("\nThe system description is --config PATH, else $SLOTFLIP_CONFIG, else " CONFIG_DEFAULT_SYSTEM_CONFIG ".\n"
	      "SLOTFLIP_SHA256=auto|cpu|afalg|mbedtls forces a SHA-256 engine (default: auto, the fastest).\n"
	      "Exit codes: 0 ok, 1 failure, 2 usage, 3 verification failed, 4 refused by policy,\n"
	      "5 I/O error, 6 fell back, 7 configuration or environment error, 8 busy, 9 input ended\n"
	      "early or unreadable (retry), 10 no such bundle, 11 permission denied, 12 waiting for a\n"
	      "reboot, 13 interrupted (docs/exit-codes.md).\n",
	      f);
}

