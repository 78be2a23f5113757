// SPDX-License-Identifier: MIT
/* init, status, boot-check, activate, commit, remove. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcheck.h"
#include "cli/cli.h"

/* Commands that take only component names. */
static int names_only(int argc, char **argv, struct sf_err *err)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };

	if (getopt_long(argc, argv, "", opts, NULL) != -1)
		return cli_usage(err, "%s takes component names only", argv[0]);
	if (argc - optind > CONFIG_MAX_COMPONENTS)
		return cli_usage(err, "%s: too many components", argv[0]);
	return 0;
}

int cli_parse_factory(const char *arg, struct sf_factory *f, struct sf_err *err)
{
	const char *eq = strchr(arg, '='), *colon = strrchr(arg, ':');
	char *end;
	unsigned long sv;

	if (!eq || !colon || colon < eq || (size_t)(eq - arg) >= sizeof(f->component) ||
	    (size_t)(colon - eq - 1) >= sizeof(f->version))
		return cli_usage(err, "--factory '%s' is not COMPONENT=VERSION:SECURITY_VERSION", arg);
	snprintf(f->component, sizeof(f->component), "%.*s", (int)(eq - arg), arg);
	snprintf(f->version, sizeof(f->version), "%.*s", (int)(colon - eq - 1), eq + 1);
	errno = 0;
	sv = strtoul(colon + 1, &end, 10);
	if (!sf_component_valid(f->component) || !sf_version_valid(f->version, strlen(f->version)) ||
	    sf_version_is_patch(f->version) || !colon[1] || *end || errno || sv > UINT32_MAX || colon[1] == '-')
		return cli_usage(err, "--factory '%s' is not COMPONENT=VERSION:SECURITY_VERSION of a baseline", arg);
	f->sv = (uint32_t)sv;
	return 0;
}

int cmd_init(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	static const struct option opts[] = { { "factory", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	struct sf_factory factory[CONFIG_MAX_COMPONENTS];
	unsigned int n = 0;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		if (opt != 'f')
			return cli_usage(err, "usage: slotflip init [--factory COMPONENT=VERSION:SV ...]");
		if (n >= CONFIG_MAX_COMPONENTS)
			return cli_usage(err, "too many --factory entries");
		ret = cli_parse_factory(optarg, &factory[n++], err);
		if (ret)
			return ret;
	}
	if (optind != argc)
		return cli_usage(err, "usage: slotflip init [--factory COMPONENT=VERSION:SV ...]");
	ret = cli_setup(c, CLI_NEEDS_LOCK, err);
	ret = ret ?: sf_init(&c->ctx, factory, n, err);
	if (!ret)
		printf("initialised the environment: %u components active in slot a\n", c->sys.n);
	return ret;
}

static void status_json(const struct cli *c, const struct sys_state *st)
{
	printf("{\"board\": ");
	json_str(stdout, c->sys.board);
	printf(", \"components\": {");
	for (unsigned int i = 0; i < st->n; i++) {
		const struct comp_state *cs = &st->c[i];

		printf("%s", i ? ", " : "");
		json_str(stdout, cs->name);
		printf(": {\"active\": \"%s\", \"trial\": ", slot_name(cs->active));
		if (cs->trial == SLOT_NONE)
			printf("null");
		else
			printf("\"%s\"", slot_name(cs->trial));
		printf(", \"tries_left\": %u, \"floor\": %u, \"activation\": \"%s\", \"slots\": {", cs->tries,
		       (unsigned int)cs->floor, c->sys.c[i].reboot ? "reboot" : "soft");
		for (int s = SLOT_A; s <= SLOT_B; s++) {
			printf("%s\"%s\": {\"state\": \"%s\", \"version\": ", s ? ", " : "", slot_name(s),
			       slot_state_name(state_slot(cs, s)));
			if (cs->slot[s].version[0]) {
				json_str(stdout, cs->slot[s].version);
				printf(", \"security_version\": %u}", (unsigned int)cs->slot[s].sv);
			} else {
				printf("null, \"security_version\": null}");
			}
		}
		printf("}}");
	}
	printf("}}\n");
}

static void status_text(const struct cli *c, const struct sys_state *st)
{
	printf("board %s\n", c->sys.board);
	for (unsigned int i = 0; i < st->n; i++) {
		const struct comp_state *cs = &st->c[i];

		printf("%-16s active %s, floor %u", cs->name, slot_name(cs->active), (unsigned int)cs->floor);
		if (cs->trial != SLOT_NONE)
			printf(", trial %s armed (%u %s left)", slot_name(cs->trial), cs->tries,
			       cs->tries == 1 ? "try" : "tries");
		printf("\n");
		for (int s = SLOT_A; s <= SLOT_B; s++) {
			printf("  slot %s  %-8s", slot_name(s), slot_state_name(state_slot(cs, s)));
			if (cs->slot[s].version[0])
				printf(" %s (security version %u)", cs->slot[s].version, (unsigned int)cs->slot[s].sv);
			printf("%s\n", s == cs->active ? "  <- active" : "");
		}
	}
}

int cmd_status(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' }, { NULL, 0, NULL, 0 } };
	struct sf_session *s;
	bool json = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'j')
			return cli_usage(err, "usage: slotflip status [--json]");
		json = true;
	}
	if (optind != argc)
		return cli_usage(err, "usage: slotflip status [--json]");
	ret = cli_setup(c, 0, err);
	if (ret)
		return ret;
	s = malloc(sizeof(*s));
	if (!s)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "status");
	ret = sf_load(&c->ctx, s, err);
	if (!ret) {
		if (json)
			status_json(c, &s->st);
		else
			status_text(c, &s->st);
	}
	free(s);
	return ret;
}

static void print_report(const struct bc_report *rep, int ret)
{
	if (rep->committed)
		printf("committed %u component%s\n", rep->committed, rep->committed == 1 ? "" : "s");
	if (rep->fell_back)
		printf("fell back %u component%s: %s\n", rep->fell_back, rep->fell_back == 1 ? "" : "s", rep->why);
	if (rep->waiting)
		printf("%u component%s armed for the next reboot\n", rep->waiting, rep->waiting == 1 ? "" : "s");
	if (!ret && !rep->committed && !rep->fell_back && !rep->waiting)
		printf("nothing pending\n");
}

/* The kernel command line, for "slotflip.<c>=<slot>"; SLOTFLIP_CMDLINE overrides the file. */
static char *read_cmdline(void)
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

static const struct bc_hooks *hooks_for(const struct cli *c)
{
	/* the simulated board of the tests mounts nothing */
	for (unsigned int i = 0; i < c->sys.n; i++)
		if (c->sys.c[i].mount_point[0] || c->sys.c[i].stop_cmd[0] || c->sys.c[i].start_cmd[0])
			return &bc_system_hooks;
	return NULL;
}

int cmd_boot_check(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	struct bc_report rep;
	char *cmdline;
	int ret;

	ret = names_only(argc, argv, err);
	ret = ret ?: cli_setup(c, CLI_NEEDS_LOCK, err);
	if (ret)
		return ret;
	cmdline = read_cmdline();
	ret = bootcheck_run(&c->ctx, (const char *const *)argv + optind, (unsigned int)(argc - optind), cmdline,
			    hooks_for(c), &rep, err);
	free(cmdline);
	print_report(&rep, ret);
	return ret;
}

int cmd_activate(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	bool due = argc > 1 && !strcmp(argv[1], "--due");
	enum policy_due what;
	struct bc_report rep;
	char *cmdline;
	int ret;

	/* --due (the window timer's command): the policy decides; a soft restart of every staged soft component */
	if (due && argc > 2)
		return cli_usage(err, "usage: slotflip activate --due (takes no component names)");
	argc -= due; /* names_only() sees "--due" as the command name */
	argv += due;
	ret = names_only(argc, argv, err);
	ret = ret ?: cli_setup(c, CLI_NEEDS_LOCK, err);
	if (!ret && due) {
		ret = cli_due(c, &what, err);
		if (!ret && what != POLICY_DUE_SOFT)
			return 0;
	}
	if (ret)
		return ret;
	cmdline = read_cmdline();
	ret = bootcheck_activate(&c->ctx, (const char *const *)argv + optind, (unsigned int)(argc - optind), cmdline,
				 hooks_for(c), &rep, err);
	free(cmdline);
	print_report(&rep, ret);
	return ret;
}

int cmd_commit(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	int ret;

	char *cmdline;

	ret = names_only(argc, argv, err);
	ret = ret ?: cli_setup(c, CLI_NEEDS_LOCK, err);
	if (ret)
		return ret;
	cmdline = read_cmdline();
	ret = sf_commit(&c->ctx, (const char *const *)argv + optind, (unsigned int)(argc - optind), cmdline, err);
	free(cmdline);
	if (!ret)
		printf("committed\n");
	return ret;
}

/* "webkit: slot b active, 26.3" after a removal */
static void print_active(struct cli *c, const char *name)
{
	struct sf_session *s = malloc(sizeof(*s));
	struct sf_err err;
	int i;

	if (s && !sf_load(&c->ctx, s, &err) && (i = state_find(&s->st, name)) >= 0)
		printf("removed the update of %s: slot %s (%s) is active again\n", name,
		       slot_name(s->st.c[i].active), s->st.c[i].slot[s->st.c[i].active].version);
	free(s);
}

int cmd_remove(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	int ret;

	ret = names_only(argc, argv, err);
	if (!ret && argc - optind != 1)
		ret = cli_usage(err, "usage: slotflip remove COMPONENT");
	ret = ret ?: cli_setup(c, CLI_NEEDS_LOCK, err);
	ret = ret ?: bootcheck_remove(&c->ctx, argv[optind], hooks_for(c), err);
	if (!ret)
		print_active(c, argv[optind]);
	return ret;
}
