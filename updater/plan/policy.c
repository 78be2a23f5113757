// SPDX-License-Identifier: MIT
#include "plan/policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ANY (-1)

void policy_default(struct policy *p)
{
	p->automatic = false;
	p->start = POLICY_NO_WINDOW;
	p->end = POLICY_NO_WINDOW;
}

static int two_digits(const char *s, int max)
{
	int v;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	v = (s[0] - '0') * 10 + (s[1] - '0');
	return v > max ? -1 : v;
}

/* "HH:MM" at @s, exactly five characters (the caller checks what follows). */
static int clock_at(const char *s)
{
	int h, m;

	if (strnlen(s, 5) < 5 || s[2] != ':')
		return -1;
	h = two_digits(s, 23);
	m = two_digits(s + 3, 59);
	return h < 0 || m < 0 ? -1 : h * 60 + m;
}

int policy_parse_clock(const char *s, int *minute)
{
	int m = clock_at(s);

	if (m < 0 || s[5])
		return -EINVAL;
	*minute = m;
	return 0;
}

int policy_parse_window(struct policy *p, const char *s, struct sf_err *err)
{
	int start, end;

	if (!*s || !strcmp(s, "none")) {
		p->start = p->end = POLICY_NO_WINDOW;
		return 0;
	}
	start = clock_at(s);
	/* the end is read only once the start and the dash are known to be there */
	end = start >= 0 && s[5] == '-' ? clock_at(s + 6) : -1;
	if (end < 0 || s[POLICY_WINDOW_LEN])
		return sf_fail(err, SF_EUSAGE, "window '%.32s' is not HH:MM-HH:MM (00:00 to 23:59)", s);
	if (start == end)
		return sf_fail(err, SF_EUSAGE, "window '%s' starts where it ends (use window=none for any time)", s);
	p->start = start;
	p->end = end;
	return 0;
}

void policy_format_window(const struct policy *p, char *out)
{
	unsigned int s, e;

	if (p->start == POLICY_NO_WINDOW) {
		out[0] = '\0';
		return;
	}
	/* in range whatever the struct holds, so the text always fits */
	s = (unsigned int)p->start % POLICY_MINUTES_PER_DAY;
	e = (unsigned int)p->end % POLICY_MINUTES_PER_DAY;

	snprintf(out, POLICY_WINDOW_LEN + 1, "%02u:%02u-%02u:%02u", s / 60, s % 60, e / 60, e % 60);
}

int policy_assign(struct policy *p, const char *arg, struct sf_err *err)
{
	const char *v = strchr(arg, '=');

	if (v && (size_t)(v - arg) == strlen("automatic") && !strncmp(arg, "automatic", (size_t)(v - arg))) {
		if (!strcmp(v + 1, "on"))
			p->automatic = true;
		else if (!strcmp(v + 1, "off"))
			p->automatic = false;
		else
			return sf_fail(err, SF_EUSAGE, "automatic='%.32s' is neither 'on' nor 'off'", v + 1);
		return 0;
	}
	if (v && (size_t)(v - arg) == strlen("window") && !strncmp(arg, "window", (size_t)(v - arg)))
		return policy_parse_window(p, v + 1, err);
	return sf_fail(err, SF_EUSAGE, "'%.64s' is not automatic=on|off or window=HH:MM-HH:MM", arg);
}

int policy_from_env(struct policy *p, const struct kv *env, struct sf_err *err)
{
	const char *a = kv_get(env, POLICY_VAR_AUTO), *w = kv_get(env, POLICY_VAR_WINDOW);
	struct sf_err why;

	policy_default(p);
	if (a && !strcmp(a, "on"))
		p->automatic = true;
	else if (a && strcmp(a, "off"))
		return sf_fail(err, SF_R_ENV_MALFORMED, "%s = '%s' is neither 'on' nor 'off'", POLICY_VAR_AUTO, a);
	/* an empty value is what "no window" reads as, but slotflip deletes it instead */
	if (w && (!*w || !strcmp(w, "none") || policy_parse_window(p, w, &why)))
		return sf_fail(err, SF_R_ENV_MALFORMED, "%s = '%s' is not HH:MM-HH:MM", POLICY_VAR_WINDOW, w);
	return 0;
}

int policy_to_env(const struct policy *p, struct kv *env, struct sf_err *err)
{
	char w[POLICY_WINDOW_LEN + 1];
	int ret;

	policy_format_window(p, w);
	ret = kv_set(env, POLICY_VAR_AUTO, p->automatic ? "on" : "off");
	if (ret)
		return sf_fail_errno(err, SF_EFAIL, ret, "cannot set %s", POLICY_VAR_AUTO);
	ret = kv_set(env, POLICY_VAR_WINDOW, w[0] ? w : NULL);
	if (ret)
		return sf_fail_errno(err, SF_EFAIL, ret, "cannot set %s", POLICY_VAR_WINDOW);
	return 0;
}

bool policy_in_window(const struct policy *p, int minute)
{
	if (p->start == POLICY_NO_WINDOW)
		return true;
	if (p->start < p->end)
		return minute >= p->start && minute < p->end;
	/* across midnight: from the start to 24:00, and from 00:00 to the end */
	return minute >= p->start || minute < p->end;
}

/*
 * A reboot tries every armed component (U-Boot the reboot ones, the early-boot
 * check the soft ones), so it covers soft trials armed beside a reboot one.
 */
const struct policy_due_rule policy_due_table[] = {
	/* automatic inside soft reboot */
	{ 0, ANY, ANY, ANY, POLICY_DUE_OFF },
	{ 1, 0, ANY, ANY, POLICY_DUE_OUTSIDE },
	{ 1, 1, ANY, 1, POLICY_DUE_REBOOT },
	{ 1, 1, 1, 0, POLICY_DUE_SOFT },
	{ 1, 1, 0, 0, POLICY_DUE_NOTHING },
};

const unsigned int policy_due_table_len = sizeof(policy_due_table) / sizeof(policy_due_table[0]);

static bool match(int rule, bool v)
{
	return rule == ANY || rule == (int)v;
}

enum policy_due policy_due(const struct policy *p, int minute, bool soft, bool reboot)
{
	bool inside = policy_in_window(p, minute);

	for (unsigned int i = 0; i < policy_due_table_len; i++) {
		const struct policy_due_rule *r = &policy_due_table[i];

		if (match(r->automatic, p->automatic) && match(r->inside, inside) && match(r->soft, soft) &&
		    match(r->reboot, reboot))
			return r->then;
	}
	return POLICY_DUE_NOTHING;
}

const char *policy_due_name(enum policy_due d)
{
	static const char *const names[] = {
		[POLICY_DUE_OFF] = "off",	  [POLICY_DUE_OUTSIDE] = "outside-window",
		[POLICY_DUE_NOTHING] = "nothing", [POLICY_DUE_SOFT] = "soft-restart",
		[POLICY_DUE_REBOOT] = "reboot",
	};

	return (unsigned int)d < sizeof(names) / sizeof(names[0]) ? names[d] : "nothing";
}
