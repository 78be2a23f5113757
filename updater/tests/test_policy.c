// SPDX-License-Identifier: MIT
/* The install policy: its grammar, the window at every kind of minute, and the due table. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan/policy.h"
#include "tap.h"

static int at(const char *hhmm)
{
	int m = -1;

	if (policy_parse_clock(hhmm, &m))
		printf("# bad clock %s\n", hhmm);
	return m;
}

static void test_clock(void)
{
	static const char *const bad[] = { "", "2:00", "02:0", "24:00", "23:60", "02-00", "02:00 ", " 02:00",
					   "0a:00", "02:00:00", "+2:00", "-1:00" };
	int m;

	is_int(at("00:00"), 0, "00:00 is minute 0");
	is_int(at("23:59"), 1439, "23:59 is minute 1439");
	is_int(at("02:30"), 150, "02:30 is minute 150");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(policy_parse_clock(bad[i], &m), -EINVAL, "clock '%s' refused", bad[i]);
}

static void test_window_grammar(void)
{
	static const char *const good[] = { "02:00-04:00", "22:30-03:15", "00:00-23:59", "23:59-00:00" };
	static const char *const bad[] = { "02:00", "02:00-", "02:00-4:00", "02:00_04:00", "02:00-04:00x",
					   "25:00-04:00", "02:00-04:60", "2:00-04:00", "02:00--04:00", "-" };
	struct policy p;
	struct sf_err err;
	char out[POLICY_WINDOW_LEN + 1];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		policy_default(&p);
		is_int(policy_parse_window(&p, good[i], &err), 0, "window '%s' parses", good[i]);
		policy_format_window(&p, out);
		is_str(out, good[i], "  and formats back the same");
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		policy_default(&p);
		memset(&err, 0, sizeof(err));
		is_int(policy_parse_window(&p, bad[i], &err), -SF_EUSAGE, "window '%s' refused", bad[i]);
		ok(strstr(err.msg, "is not HH:MM-HH:MM") != NULL, "  saying so: %s", err.msg);
		is_int(p.start, POLICY_NO_WINDOW, "  the policy is unchanged");
	}
	is_int(policy_parse_window(&p, "03:00-03:00", &err), -SF_EUSAGE, "a window of no length is refused");
	ok(strstr(err.msg, "starts where it ends") != NULL, "  saying so: %s", err.msg);
	is_int(policy_parse_window(&p, "03:00-05:00", &err), 0, "a window is set");
	is_int(policy_parse_window(&p, "none", &err), 0, "window none");
	is_int(p.start, POLICY_NO_WINDOW, "  clears it");
	policy_format_window(&p, out);
	is_str(out, "", "  and formats as empty");
	is_int(policy_parse_window(&p, "03:00-05:00", &err) ?: policy_parse_window(&p, "", &err), 0, "window ''");
	is_int(p.start, POLICY_NO_WINDOW, "  clears it too");
}

static void test_in_window(void)
{
	static const struct {
		const char *window, *now;
		bool inside;
	} rows[] = {
		{ "02:00-04:00", "01:59", false }, { "02:00-04:00", "02:00", true },
		{ "02:00-04:00", "03:59", true },  { "02:00-04:00", "04:00", false },
		{ "02:00-04:00", "13:00", false }, { "22:00-04:00", "21:59", false },
		{ "22:00-04:00", "22:00", true },  { "22:00-04:00", "23:59", true },
		{ "22:00-04:00", "00:00", true },  { "22:00-04:00", "03:59", true },
		{ "22:00-04:00", "04:00", false }, { "22:00-04:00", "12:00", false },
		{ "23:59-00:00", "23:59", true },  { "23:59-00:00", "00:00", false },
		{ "00:00-00:01", "00:00", true },  { "00:00-00:01", "23:59", false },
		{ "", "00:00", true },		   { "", "13:37", true },
	};
	struct policy p;
	struct sf_err err;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		policy_default(&p);
		if (policy_parse_window(&p, rows[i].window, &err))
			printf("# bad window %s\n", rows[i].window);
		is_int(policy_in_window(&p, at(rows[i].now)), rows[i].inside, "%s is %s window '%s'", rows[i].now,
		       rows[i].inside ? "inside" : "outside", rows[i].window);
	}
}

static void test_assign(void)
{
	static const char *const bad[] = { "automatic=yes", "automatic", "auto=on", "window=2-4", "windows=none",
					   "=on", "automatic=on=off", "" };
	struct policy p;
	struct sf_err err;

	policy_default(&p);
	ok(!p.automatic && p.start == POLICY_NO_WINDOW, "the default: automatic off, no window");
	is_int(policy_assign(&p, "automatic=on", &err), 0, "automatic=on");
	ok(p.automatic, "  sets it");
	is_int(policy_assign(&p, "window=22:00-04:00", &err), 0, "window=22:00-04:00");
	is_int(p.start, 22 * 60, "  from 22:00");
	is_int(p.end, 4 * 60, "  to 04:00");
	is_int(policy_assign(&p, "automatic=off", &err), 0, "automatic=off");
	ok(!p.automatic && p.start == 22 * 60, "  clears it and keeps the window");
	is_int(policy_assign(&p, "window=", &err), 0, "window=");
	is_int(p.start, POLICY_NO_WINDOW, "  clears the window");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		is_int(policy_assign(&p, bad[i], &err), -SF_EUSAGE, "'%s' refused", bad[i]);
		is_int(err.reason, SF_R_USAGE, "  as a usage error: %s", err.msg);
	}
}

static void test_env(void)
{
	static const struct {
		const char *var, *value;
	} bad[] = {
		{ POLICY_VAR_AUTO, "yes" }, { POLICY_VAR_AUTO, "" },	     { POLICY_VAR_AUTO, "ON" },
		{ POLICY_VAR_WINDOW, "" },  { POLICY_VAR_WINDOW, "none" }, { POLICY_VAR_WINDOW, "2:00-4:00" },
		{ POLICY_VAR_WINDOW, "02:00-02:00" },
	};
	static struct kv env, env2;
	struct policy p, q;
	struct sf_err err;

	kv_clear(&env);
	p.automatic = true;
	is_int(policy_from_env(&p, &env, &err), 0, "an environment without policy variables reads");
	ok(!p.automatic && p.start == POLICY_NO_WINDOW, "  as off, no window");

	is_int(policy_to_env(&p, &env, &err), 0, "the default policy written");
	is_str(kv_get(&env, POLICY_VAR_AUTO), "off", "  sf_auto=off");
	ok(kv_get(&env, POLICY_VAR_WINDOW) == NULL, "  no sf_window variable");

	if (policy_assign(&p, "automatic=on", &err) || policy_assign(&p, "window=23:30-01:00", &err))
		printf("# assign failed\n");
	is_int(policy_to_env(&p, &env, &err), 0, "a policy written");
	is_str(kv_get(&env, POLICY_VAR_AUTO), "on", "  sf_auto=on");
	is_str(kv_get(&env, POLICY_VAR_WINDOW), "23:30-01:00", "  sf_window=23:30-01:00");
	is_int(policy_from_env(&q, &env, &err), 0, "  reads back");
	ok(p.automatic == q.automatic && p.start == q.start && p.end == q.end, "  the same policy");
	/* the longest the two variables can be: what docs/environment.md counts */
	is_int(strlen(POLICY_VAR_AUTO "=off") + 1 + strlen(POLICY_VAR_WINDOW "=23:30-01:00") + 1, 34,
	       "at most 34 bytes of environment");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		env2 = env;
		if (kv_set(&env2, bad[i].var, bad[i].value))
			printf("# kv_set failed\n");
		memset(&err, 0, sizeof(err));
		is_int(policy_from_env(&q, &env2, &err), -SF_ECONFIG, "%s = '%s' is refused", bad[i].var,
		       bad[i].value);
		is_int(err.reason, SF_R_ENV_MALFORMED, "  as a malformed environment");
		ok(strstr(err.msg, bad[i].var) != NULL, "  naming the variable: %s", err.msg);
	}
}

static void test_due(void)
{
	static const struct {
		const char *automatic, *window, *now;
		bool soft, reboot;
		enum policy_due want;
	} rows[] = {
		{ "off", "02:00-04:00", "03:00", true, true, POLICY_DUE_OFF },
		{ "off", "none", "03:00", true, false, POLICY_DUE_OFF },
		{ "on", "02:00-04:00", "04:00", true, false, POLICY_DUE_OUTSIDE },
		{ "on", "02:00-04:00", "01:59", false, true, POLICY_DUE_OUTSIDE },
		{ "on", "02:00-04:00", "02:00", true, false, POLICY_DUE_SOFT },
		{ "on", "02:00-04:00", "02:00", false, true, POLICY_DUE_REBOOT },
		{ "on", "02:00-04:00", "03:00", true, true, POLICY_DUE_REBOOT },
		{ "on", "02:00-04:00", "03:00", false, false, POLICY_DUE_NOTHING },
		{ "on", "22:00-04:00", "00:30", true, false, POLICY_DUE_SOFT },
		{ "on", "22:00-04:00", "12:00", true, false, POLICY_DUE_OUTSIDE },
		{ "on", "none", "12:00", true, false, POLICY_DUE_SOFT },
		{ "on", "none", "12:00", false, false, POLICY_DUE_NOTHING },
	};
	struct policy p;
	struct sf_err err;
	char a[32];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		policy_default(&p);
		snprintf(a, sizeof(a), "automatic=%s", rows[i].automatic);
		if (policy_assign(&p, a, &err) || policy_parse_window(&p, rows[i].window, &err))
			printf("# bad row %zu\n", i);
		is_str(policy_due_name(policy_due(&p, at(rows[i].now), rows[i].soft, rows[i].reboot)),
		       policy_due_name(rows[i].want), "automatic %s, window %s, at %s, soft %d, reboot %d",
		       rows[i].automatic, rows[i].window, rows[i].now, rows[i].soft, rows[i].reboot);
	}
	/* every row of the table is reachable: each is the answer to its own input */
	for (unsigned int i = 0; i < policy_due_table_len; i++) {
		const struct policy_due_rule *r = &policy_due_table[i];
		int now = 3 * 60;

		policy_default(&p);
		p.automatic = r->automatic == 1;
		p.start = 2 * 60;
		p.end = r->inside == 0 ? now : 4 * 60; /* 'now' is the end minute: outside */
		is_int(policy_due(&p, now, r->soft == 1, r->reboot == 1), r->then, "table row %u decides its input", i);
	}
	is_str(policy_due_name((enum policy_due)99), "nothing", "an unknown value is named 'nothing'");
}

int main(void)
{
	test_clock();
	test_window_grammar();
	test_in_window();
	test_assign();
	test_env();
	test_due();
	return tap_done();
}
