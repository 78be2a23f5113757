// SPDX-License-Identifier: MIT
/* init, status, boot-check, activate, commit, remove, repair. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boot/bootcheck.h"
#include "cli/cli.h"

/* Commands that take only component names. */
static int names_only(const char *name, int argc, char **argv, struct sf_err *err)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };

	if (getopt_long(argc, argv, "", opts, NULL) != -1)
		return cli_bad_option(name, argv, err);
	if (argc - optind > CONFIG_MAX_COMPONENTS)
		return cli_usage(err, "%s: too many components", name);
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
			return cli_bad_option("init", argv, err);
		if (n >= CONFIG_MAX_COMPONENTS)
			return cli_usage(err, "too many --factory entries");
		ret = cli_parse_factory(optarg, &factory[n++], err);
		if (ret)
			return ret;
	}
	if (optind != argc)
		return cli_usage(err, "init takes no operands; %s", cli_command_usage("init"));
	ret = cli_setup(c, CLI_NEEDS_LOCK, err);
	ret = ret ?: sf_init(&c->ctx, factory, n, err);
	if (ret)
		return ret;
	cli_say(c, "initialised the environment: %u components active in slot a\n", c->sys.n);
	json_key(&c->out, "components");
	json_obj(&c->out);
	for (unsigned int i = 0; i < c->sys.n; i++) {
		const struct sf_factory *f = NULL;

		for (unsigned int k = 0; k < n; k++)
			if (!strcmp(factory[k].component, c->sys.names[i]))
				f = &factory[k];
		json_key(&c->out, c->sys.names[i]);
		json_obj(&c->out);
		json_kstr(&c->out, "active", "a");
		json_kstr(&c->out, "version", f ? f->version : NULL);
		json_kuint(&c->out, "floor", f ? f->sv : 0);
		json_end(&c->out);
	}
	json_end(&c->out);
	return 0;
}

/* ---- status -------------------------------------------------------------- */

static int req_json(void *priv, const char *comp, const char *version)
{
	struct json *j = priv;
	char entry[SF_COMPONENT_MAX + 2 + SF_VERSION_MAX];

	snprintf(entry, sizeof(entry), "%s>=%s", comp, version);
	json_str(j, entry);
	return 0;
}

static void slot_json(struct json *j, const struct comp_state *cs, int s)
{
	const struct slot_info *si = &cs->slot[s];

	json_key(j, slot_name(s));
	json_obj(j);
	json_kstr(j, "state", slot_state_name(state_slot(cs, s)));
	json_kstr(j, "version", si->version[0] ? si->version : NULL);
	json_key(j, "security_version");
	if (si->version[0])
		json_uint(j, si->sv);
	else
		json_null(j);
	json_kstr(j, "bundle", si->version[0] && si->id[0] ? si->id : NULL);
	json_key(j, "requires");
	json_arr(j);
	(void)!state_req_each(si->req, req_json, j);
	json_end(j);
	json_end(j);
}

/* The last failure: a reason and what failed; U-Boot's records name the slot's version. */
static void failure_json(struct json *j, const struct comp_state *cs)
{
	const char *version = cs->fail.version;

	json_key(j, "failure");
	if (!cs->fail.reason[0]) {
		json_null(j);
		return;
	}
	if (!version[0] && cs->bad != SLOT_NONE && cs->bad_why == BAD_FAILED)
		version = cs->slot[cs->bad].version;
	json_obj(j);
	json_kstr(j, "reason", cs->fail.reason);
	json_kstr(j, "detail", cs->fail.detail[0] ? cs->fail.detail : NULL);
	json_kstr(j, "version", version[0] ? version : NULL);
	json_end(j);
}

/* The last test release: what, its result, when (UTC) and how long each step took. */
static void test_json(struct json *j, const struct test_info *t)
{
	char when[32] = "";
	time_t secs = (time_t)t->when;
	struct tm tm;

	json_key(j, "test_release");
	if (!t->result[0]) {
		json_null(j);
		return;
	}
	if (gmtime_r(&secs, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_obj(j);
	json_kstr(j, "version", t->version);
	json_kstr(j, "result", t->result);
	json_kstr(j, "when", when);
	json_kuint(j, "install_ms", t->install_ms);
	json_kuint(j, "activate_ms", t->activate_ms);
	json_kuint(j, "remove_ms", t->remove_ms);
	json_end(j);
}

static void comp_json(struct json *j, const struct cli *c, const struct comp_state *cs, unsigned int i,
		      const char *cmdline)
{
	int booted = sf_booted_slot(cmdline, cs->name);

	json_key(j, cs->name);
	json_obj(j);
	json_kstr(j, "state", cs->broken ? "unreadable" : "ok");
	json_kstr(j, "activation", c->sys.c[i].reboot ? "reboot" : "soft");
	if (cs->broken) {
		json_key(j, "error");
		json_obj(j);
		json_kstr(j, "reason", sf_reason_name(cs->why.reason));
		json_kstr(j, "message", cs->why.msg);
		json_end(j);
		json_end(j);
		return;
	}
	json_kstr(j, "active", slot_name(cs->active));
	json_kstr(j, "trial", cs->trial == SLOT_NONE ? NULL : slot_name(cs->trial));
	json_kuint(j, "tries_left", cs->tries);
	json_kuint(j, "floor", cs->floor);
	json_kstr(j, "set", *state_set_id(cs) ? state_set_id(cs) : NULL);
	json_kstr(j, "booted", c->sys.c[i].reboot && booted != SLOT_NONE ? slot_name(booted) : NULL);
	failure_json(j, cs);
	json_key(j, "removed");
	if (cs->removed.version[0]) {
		json_obj(j);
		json_kstr(j, "version", cs->removed.version);
		json_kuint(j, "security_version", cs->removed.sv);
		json_end(j);
	} else {
		json_null(j);
	}
	test_json(j, &cs->test);
	json_key(j, "slots");
	json_obj(j);
	for (int s = SLOT_A; s <= SLOT_B; s++)
		slot_json(j, cs, s);
	json_end(j);
	json_end(j);
}

static void status_text(const struct cli *c, const struct sys_state *st)
{
	cli_say(c, "board %s\n", c->sys.board);
	for (unsigned int i = 0; i < st->n; i++) {
		const struct comp_state *cs = &st->c[i];

		if (cs->broken) {
			cli_say(c, "%-16s unreadable: %s\n", cs->name, cs->why.msg);
			continue;
		}
		cli_say(c, "%-16s active %s, floor %u", cs->name, slot_name(cs->active), (unsigned int)cs->floor);
		if (cs->trial != SLOT_NONE)
			cli_say(c, ", trial %s armed (%u %s left)", slot_name(cs->trial), cs->tries,
				cs->tries == 1 ? "try" : "tries");
		cli_say(c, "\n");
		for (int s = SLOT_A; s <= SLOT_B; s++) {
			cli_say(c, "  slot %s  %-8s", slot_name(s), slot_state_name(state_slot(cs, s)));
			if (cs->slot[s].version[0])
				cli_say(c, " %s (security version %u)", cs->slot[s].version, (unsigned int)cs->slot[s].sv);
			cli_say(c, "%s\n", s == cs->active ? "  <- active" : "");
		}
		if (cs->fail.reason[0])
			cli_say(c, "  last failure: %s%s%s\n", cs->fail.reason, cs->fail.detail[0] ? ": " : "",
				cs->fail.detail);
		if (cs->removed.version[0])
			cli_say(c, "  removed by the user: %s (security version %u)\n", cs->removed.version,
				(unsigned int)cs->removed.sv);
		if (cs->test.result[0])
			cli_say(c, "  test release %s: %s (install %u ms, activation %u ms, removal %u ms)\n",
				cs->test.version, cs->test.result, (unsigned int)cs->test.install_ms,
				(unsigned int)cs->test.activate_ms, (unsigned int)cs->test.remove_ms);
	}
}

int cmd_status(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	struct sf_session *s;
	size_t need, avail;
	char *cmdline;
	int ret;

	ret = names_only("status", argc, argv, err);
	if (!ret && optind != argc)
		ret = cli_usage(err, "status takes no operands; %s", cli_command_usage("status"));
	ret = ret ?: cli_setup(c, 0, err);
	if (ret)
		return ret;
	s = malloc(sizeof(*s));
	cmdline = cli_read_cmdline();
	if (!s || !cmdline) {
		ret = sf_fail(err, SF_R_NO_MEMORY, "out of memory");
		goto out;
	}
	json_kstr(&c->out, "board", c->sys.board);
	ret = sf_load(&c->ctx, s, err);
	if (ret)
		goto out;
	status_text(c, &s->st);
	json_key(&c->out, "components");
	json_obj(&c->out);
	for (unsigned int i = 0; i < s->st.n; i++)
		comp_json(&c->out, c, &s->st.c[i], i, cmdline);
	json_end(&c->out);
	if (!c->ctx.env->space(c->ctx.env_priv, &s->env, &need, &avail)) {
		json_key(&c->out, "environment");
		json_obj(&c->out);
		json_kuint(&c->out, "bytes_used", need);
		json_kuint(&c->out, "bytes_available", avail);
		json_end(&c->out);
	}
out:
	free(cmdline);
	free(s);
	return ret;
}

/* ---- boot-check, activate, commit ---------------------------------------- */

/*
 * The outcome of each component a run touched: text, and "components": {NAME:
 * OUTCOME}; "nothing pending" unless @quiet (the caller said why already).
 */
static void report(struct cli *c, const struct bc_report *rep, bool quiet)
{
	bool any = false;

	json_key(&c->out, "components");
	json_obj(&c->out);
	for (unsigned int i = 0; i < c->sys.n; i++) {
		const char *o = bc_outcome_name((enum bc_outcome)rep->outcome[i]);

		if (!o)
			continue;
		json_kstr(&c->out, c->sys.names[i], o);
		cli_say(c, "%s: %s\n", c->sys.names[i], o);
		any = true;
	}
	json_end(&c->out);
	if (!any && !quiet)
		cli_say(c, "nothing pending\n");
}

int cmd_boot_check(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	struct bc_report rep = { 0 };
	char *cmdline;
	int ret;

	ret = names_only("boot-check", argc, argv, err);
	ret = ret ?: cli_setup(c, CLI_NEEDS_LOCK, err);
	if (ret)
		return ret;
	cmdline = cli_read_cmdline();
	ret = bootcheck_run(&c->ctx, (const char *const *)argv + optind, (unsigned int)(argc - optind), cmdline,
			    &bc_system_hooks, &rep, err);
	free(cmdline);
	report(c, &rep, false);
	return ret;
}

int cmd_activate(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	bool due = argc > 1 && !strcmp(argv[1], "--due");
	struct bc_report rep = { 0 };
	enum policy_due what;
	char *cmdline;
	int ret;

	/* --due (the window timer's command): the policy decides; a soft restart of every staged soft component */
	if (due && argc > 2)
		return cli_usage(err, "activate --due takes no component names");
	argc -= due; /* names_only() sees "--due" as the command name */
	argv += due;
	ret = names_only("activate", argc, argv, err);
	ret = ret ?: cli_setup(c, CLI_NEEDS_LOCK, err);
	if (!ret && due) {
		ret = cli_due(c, &what, err);
		if (!ret && what != POLICY_DUE_SOFT) {
			report(c, &rep, true);
			return 0;
		}
	}
	if (ret)
		return ret;
	cmdline = cli_read_cmdline();
	ret = bootcheck_activate(&c->ctx, (const char *const *)argv + optind, (unsigned int)(argc - optind), cmdline,
				 &bc_system_hooks, &rep, err);
	free(cmdline);
	report(c, &rep, false);
	return ret;
}

int cmd_commit(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	bool committed[CONFIG_MAX_COMPONENTS];
	struct bc_report rep = { 0 };
	char *cmdline;
	int ret;

	ret = names_only("commit", argc, argv, err);
	ret = ret ?: cli_setup(c, CLI_NEEDS_LOCK, err);
	if (ret)
		return ret;
	cmdline = cli_read_cmdline();
	ret = sf_commit(&c->ctx, (const char *const *)argv + optind, (unsigned int)(argc - optind), cmdline,
			committed, err);
	free(cmdline);
	for (unsigned int i = 0; !ret && i < c->sys.n; i++)
		rep.outcome[i] = committed[i] ? BC_OUT_COMMITTED : BC_OUT_NONE;
	report(c, &rep, false);
	return ret;
}

/* ---- remove, repair ------------------------------------------------------ */

/* What a component runs now: text and "component", "active", "version". */
static void now_runs(struct cli *c, const char *name, const char *what)
{
	struct sf_session *s = malloc(sizeof(*s));
	const struct comp_state *cs;
	struct sf_err err;
	int i;

	json_kstr(&c->out, "component", name);
	if (!s || sf_load(&c->ctx, s, &err) || (i = state_find(&s->st, name)) < 0 || s->st.c[i].broken) {
		free(s);
		return;
	}
	cs = &s->st.c[i];
	json_kstr(&c->out, "active", slot_name(cs->active));
	json_kstr(&c->out, "version", cs->slot[cs->active].version[0] ? cs->slot[cs->active].version : NULL);
	cli_say(c, "%s %s: slot %s (%s) is active\n", what, name, slot_name(cs->active),
		cs->slot[cs->active].version[0] ? cs->slot[cs->active].version : "no version");
	free(s);
}

int cmd_remove(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	int ret;

	ret = names_only("remove", argc, argv, err);
	if (!ret && argc - optind != 1)
		ret = cli_usage(err, "%s", cli_command_usage("remove"));
	ret = ret ?: cli_setup(c, CLI_NEEDS_LOCK, err);
	ret = ret ?: bootcheck_remove(&c->ctx, argv[optind], &bc_system_hooks, err);
	if (!ret)
		now_runs(c, argv[optind], "removed the update of");
	return ret;
}

int cmd_repair(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	static const struct option opts[] = { { "active", required_argument, NULL, 'a' },
					      { "floor", required_argument, NULL, 'f' },
					      { NULL, 0, NULL, 0 } };
	struct sf_repair r = { .active = SLOT_NONE, .floor = -1 };
	char *end;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'a' && (!strcmp(optarg, "a") || !strcmp(optarg, "b")))
			r.active = optarg[0] == 'a' ? SLOT_A : SLOT_B;
		else if (opt == 'a')
			return cli_usage(err, "repair: --active takes a or b, not '%s'", optarg);
		else if (opt == 'f') {
			errno = 0;
			r.floor = strtoll(optarg, &end, 10);
			if (*end || errno || !optarg[0] || optarg[0] == '-' || r.floor > UINT32_MAX)
				return cli_usage(err, "repair: --floor takes a security version, not '%s'", optarg);
		} else
			return cli_bad_option("repair", argv, err);
	}
	if (argc - optind != 1 || r.active == SLOT_NONE)
		return cli_usage(err, "%s", cli_command_usage("repair"));
	ret = cli_setup(c, CLI_NEEDS_LOCK, err);
	ret = ret ?: sf_repair(&c->ctx, argv[optind], &r, err);
	if (!ret)
		now_runs(c, argv[optind], "repaired");
	return ret;
}
