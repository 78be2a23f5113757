/* SPDX-License-Identifier: MIT */
/*
 * policy — the device-wide install policy (pure: no I/O, no clock).
 *
 * Two environment variables hold it (docs/environment.md):
 *   sf_auto     on|off          automatic (background) installs allowed;
 *                               absent reads as off
 *   sf_window   HH:MM-HH:MM     the local-time window in which staged updates
 *                               are activated by `slotflip activate --due`;
 *                               absent means any time
 * A window whose end is before its start runs across midnight (22:00-04:00);
 * the start minute is inside, the end minute is not. Start and end differ.
 *
 * `install --auto` is refused while automatic updates are off; with them on it
 * stages (writes and arms) and leaves activation to the window. What
 * `activate --due` does at a given minute is policy_due(), a const table.
 */
#ifndef SF_POLICY_H
#define SF_POLICY_H

#include <stdbool.h>

#include "common/kv.h"
#include "common/sf_err.h"

#define POLICY_VAR_AUTO "sf_auto"
#define POLICY_VAR_WINDOW "sf_window"
#define POLICY_WINDOW_LEN 11 /* "HH:MM-HH:MM" */
#define POLICY_NO_WINDOW (-1)
#define POLICY_MINUTES_PER_DAY (24 * 60)

/**
 * struct policy - the install policy
 * @automatic: background installs (install --auto) are allowed
 * @start:     first minute of the window (0..1439), POLICY_NO_WINDOW for none
 * @end:       first minute after the window (0..1439, != @start)
 */
struct policy {
	bool automatic;
	int start;
	int end;
};

/** policy_default() - what an environment without sf_auto/sf_window means: off, no window */
void policy_default(struct policy *p);

/**
 * policy_parse_clock() - "HH:MM" (two digits each, 00:00..23:59) to a minute of the day
 * @s:      the text, NUL-terminated
 * @minute: out
 * Return: 0, or -EINVAL when @s is anything else.
 */
int policy_parse_clock(const char *s, int *minute) __attribute__((warn_unused_result));

/**
 * policy_parse_window() - "HH:MM-HH:MM" into @p's window; "" or "none" clears it
 * @p:   the policy to change (its window only)
 * @s:   the text
 * @err: failure reason
 * Return: 0, or -SF_EUSAGE ("window '25:00-04:00' is not HH:MM-HH:MM",
 * "window '02:00-02:00' starts where it ends").
 */
int policy_parse_window(struct policy *p, const char *s, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * policy_format_window() - @p's window as "HH:MM-HH:MM", "" when there is none
 * @out: at least POLICY_WINDOW_LEN + 1 bytes
 */
void policy_format_window(const struct policy *p, char *out);

/**
 * policy_assign() - apply one `policy set` argument: "automatic=on|off" or
 * "window=HH:MM-HH:MM" ("window=" or "window=none": no window)
 * Return: 0, or -SF_EUSAGE naming the argument.
 */
int policy_assign(struct policy *p, const char *arg, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * policy_from_env() - read sf_auto and sf_window
 * Return: 0, or -SF_ECONFIG (reason env-malformed) naming the variable whose
 * value is outside its grammar ("sf_auto = 'yes' is neither 'on' nor 'off'").
 */
int policy_from_env(struct policy *p, const struct kv *env, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * policy_to_env() - write sf_auto (always) and sf_window (deleted when there is no window)
 * Return: 0, or -SF_EFAIL when @env is full.
 */
int policy_to_env(const struct policy *p, struct kv *env, struct sf_err *err) __attribute__((warn_unused_result));

/** policy_in_window() - is @minute (0..1439) inside the window? Always true without one. */
bool policy_in_window(const struct policy *p, int minute);

/** What `activate --due` does. */
enum policy_due {
	POLICY_DUE_OFF,	    /* automatic updates are off: nothing */
	POLICY_DUE_OUTSIDE, /* outside the window: nothing */
	POLICY_DUE_NOTHING, /* nothing staged */
	POLICY_DUE_SOFT,    /* soft restart of the staged soft components */
	POLICY_DUE_REBOOT,  /* a reboot tries every staged component, soft ones too */
};

/**
 * struct policy_due_rule - a row of policy_due_table; BC-style: -1 matches all
 * @automatic, @inside, @soft, @reboot: automatic on, inside the window, a soft
 * component / a reboot component has an armed trial
 */
struct policy_due_rule {
	int automatic, inside, soft, reboot;
	enum policy_due then;
};

extern const struct policy_due_rule policy_due_table[];
extern const unsigned int policy_due_table_len;

/**
 * policy_due() - what `activate --due` does at @minute: the first row of
 * policy_due_table that matches; POLICY_DUE_NOTHING when none does
 * @p:        the policy
 * @minute:   local time, minute of the day
 * @soft:     a soft component has an armed trial
 * @reboot:   a reboot component has an armed trial
 */
enum policy_due policy_due(const struct policy *p, int minute, bool soft, bool reboot);

/** policy_due_name() - "off", "outside-window", "nothing", "soft-restart", "reboot" */
const char *policy_due_name(enum policy_due d);

#endif /* SF_POLICY_H */
