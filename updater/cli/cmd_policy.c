// SPDX-License-Identifier: MIT
/* policy, policy set; what install --auto and activate --due ask of the policy. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boot/bootcheck.h"
#include "cli/cli.h"
#include "plan/policy.h"

#define POLICY_USAGE "usage: slotflip policy [--json] | slotflip policy set [--json] automatic=on|off window=HH:MM-HH:MM|none"

int cli_clock_minute(int *minute, struct sf_err *err)
{
	const char *now = getenv("SLOTFLIP_NOW");
	struct tm tm;
	time_t t;

	if (now && *now) {
		if (policy_parse_clock(now, minute))
			return cli_usage(err, "SLOTFLIP_NOW='%.16s' is not HH:MM", now);
		return 0;
	}
	t = time(NULL);
	if (!localtime_r(&t, &tm))
		return sf_fail(err, SF_EFAIL, "cannot read the local time");
	*minute = tm.tm_hour * 60 + tm.tm_min;
	return 0;
}

/* The session and the policy it holds. */
static int load_policy(struct cli *c, struct sf_session **s, struct policy *p, struct sf_err *err)
{
	int ret;

	*s = malloc(sizeof(**s));
	if (!*s)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory");
	ret = sf_load(&c->ctx, *s, err);
	return ret ?: policy_from_env(p, &(*s)->env, err);
}

/* Is a trial armed on a soft (@reboot false) or a reboot component? */
static bool armed(const struct cli *c, const struct sys_state *st, bool reboot)
{
	for (unsigned int i = 0; i < st->n; i++)
		if (st->c[i].trial != SLOT_NONE && c->sys.c[i].reboot == reboot)
			return true;
	return false;
}

static void show(struct cli *c, const struct sys_state *st, const struct policy *p, int now)
{
	char w[POLICY_WINDOW_LEN + 1], hhmm[8];
	enum policy_due due = policy_due(p, now, armed(c, st, false), armed(c, st, true));

	policy_format_window(p, w);
	snprintf(hhmm, sizeof(hhmm), "%02d:%02d", now / 60 % 24, now % 60);
	json_kbool(&c->out, "automatic", p->automatic);
	json_kstr(&c->out, "window", w[0] ? w : NULL);
	json_kstr(&c->out, "now", hhmm);
	json_kbool(&c->out, "in_window", policy_in_window(p, now));
	json_kstr(&c->out, "due", policy_due_name(due));
	json_kstr(&c->out, "reboot_command", c->sys.reboot_cmd);
	cli_say(c, "automatic updates: %s\n", p->automatic ? "on" : "off");
	if (w[0])
		cli_say(c, "window: %s local time (now %s, %s)\n", w, hhmm,
			policy_in_window(p, now) ? "inside" : "outside");
	else
		cli_say(c, "window: none (any time)\n");
	cli_say(c, "activate --due now: %s\n", policy_due_name(due));
	cli_say(c, "reboot command: %s\n", c->sys.reboot_cmd);
}

/* Do the arguments of policy set give every setting? */
static bool sets_all(int argc, char **argv)
{
	bool a = false, w = false;

	for (int i = 0; i < argc; i++) {
		a |= !strncmp(argv[i], "automatic=", 10);
		w |= !strncmp(argv[i], "window=", 7);
	}
	return a && w;
}

/* policy set: every argument applied to the stored policy, then one store. */
static int set(struct cli *c, struct sf_session *s, struct policy *p, int argc, char **argv, struct sf_err *err)
{
	static struct kv before;
	int ret;

	before = s->env;
	for (int i = 0; i < argc; i++) {
		ret = policy_assign(p, argv[i], err);
		if (ret)
			return ret;
	}
	ret = policy_to_env(p, &s->env, err);
	if (ret || kv_equal(&before, &s->env))
		return ret;
	/* the state is stored unchanged: the policy variables ride along in the same single store */
	return sf_store(&c->ctx, s, &s->st, err);
}

int cmd_policy(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };
	struct sf_session *s = NULL;
	struct policy p;
	bool setting;
	int ret, now;

	if (getopt_long(argc, argv, "", opts, NULL) != -1)
		return cli_bad_option("policy", argv, err);
	setting = optind < argc && !strcmp(argv[optind], "set");
	if ((optind < argc && !setting) || (setting && optind + 1 == argc))
		return cli_usage(err, POLICY_USAGE);
	ret = cli_clock_minute(&now, err);
	ret = ret ?: cli_setup(c, setting ? CLI_NEEDS_LOCK : 0, err);
	ret = ret ?: load_policy(c, &s, &p, err);
	/* a malformed stored policy can be replaced whole: both settings given */
	if (ret && setting && s && err->reason == SF_R_ENV_MALFORMED && sets_all(argc - optind - 1, argv + optind + 1)) {
		policy_default(&p);
		ret = 0;
	}
	if (!ret && setting)
		ret = set(c, s, &p, argc - optind - 1, argv + optind + 1, err);
	if (!ret)
		show(c, &s->st, &p, now);
	free(s);
	return ret;
}

int cli_auto_allowed(struct cli *c, struct policy *p, struct sf_err *err)
{
	struct sf_session *s;
	int ret = load_policy(c, &s, p, err);

	if (!ret && !p->automatic)
		ret = sf_fail(err, SF_R_AUTO_OFF,
			      "automatic updates are off: nothing installed ('slotflip policy set automatic=on' allows them)");
	free(s);
	return ret;
}

int cli_due(struct cli *c, enum policy_due *what, struct sf_err *err)
{
	char w[POLICY_WINDOW_LEN + 1];
	struct sf_session *s = NULL;
	struct policy p;
	int ret, now;

	*what = POLICY_DUE_NOTHING;
	ret = cli_clock_minute(&now, err);
	ret = ret ?: load_policy(c, &s, &p, err);
	if (!ret) {
		*what = policy_due(&p, now, armed(c, &s->st, false), armed(c, &s->st, true));
		policy_format_window(&p, w);
	}
	free(s);
	if (ret)
		return ret;
	switch (*what) {
	case POLICY_DUE_OFF:
		cli_say(c, "automatic updates are off: nothing activated\n");
		break;
	case POLICY_DUE_OUTSIDE:
		cli_say(c, "outside the window %s (now %02d:%02d): nothing activated\n", w, now / 60, now % 60);
		break;
	case POLICY_DUE_NOTHING:
		cli_say(c, "nothing staged\n");
		break;
	case POLICY_DUE_REBOOT:
		cli_say(c, "a reboot component is staged: rebooting ('%s')\n", c->sys.reboot_cmd);
		return bc_system_hooks.run(NULL, c->sys.reboot_cmd, err);
	case POLICY_DUE_SOFT:
		break;
	}
	return 0;
}
