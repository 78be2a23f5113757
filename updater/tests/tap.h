/* SPDX-License-Identifier: MIT */
/*
 * tap.h — the tiny test harness of slotflip's unit tests (header only).
 *
 * Each test program prints TAP lines ("ok 3 - text" / "not ok 4 - text") and a
 * plan line at the end; scripts/run-tests.sh counts them. A program that dies
 * before its plan line counts as a failure.
 *
 *   ok(cond, "what %s", x);        one check
 *   is_int(got, want, "what");     integer equality, prints both on failure
 *   is_str(got, want, "what");     string equality
 *   is_reason(ret, &err, SF_R_X, "what");  a failure with that reason (and its
 *                                  category), one line of message; prints it
 *   return tap_done();             plan line; exit status 1 when a check failed
 */
#ifndef SF_TAP_H
#define SF_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sf_err.h"

static int tap_count, tap_failed;

__attribute__((format(printf, 4, 5), unused)) static int tap_ok(int pass, const char *file, int line,
								  const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass)
		printf("#   failed at %s:%d\n", file, line);
	fflush(stdout);
	return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                               \
	do {                                                                                 \
		long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);             \
		if (!tap_ok(tap_g_ == tap_w_, __FILE__, __LINE__, __VA_ARGS__))              \
			printf("#   got %lld, want %lld\n", tap_g_, tap_w_);                     \
	} while (0)

#define is_str(got, want, ...)                                                               \
	do {                                                                                 \
		const char *tap_gs_ = (got), *tap_ws_ = (want);                              \
		if (!tap_ok(tap_gs_ && tap_ws_ && !strcmp(tap_gs_, tap_ws_), __FILE__, __LINE__, \
			    __VA_ARGS__))                                                    \
			printf("#   got '%s', want '%s'\n", tap_gs_ ? tap_gs_ : "(null)",       \
			       tap_ws_ ? tap_ws_ : "(null)");                                \
	} while (0)

/*
 * A failure is judged by its reason code, never by its text (code decides on
 * the reason, common/sf_err.h); the text is shown, and must be one line.
 */
#define is_reason(tap_ret, tap_err, tap_reason, ...)                                                     \
	do {                                                                                 \
		int tap_r_ = (tap_ret), tap_want_ = (tap_reason);                                    \
		const struct sf_err *tap_e_ = (tap_err);                                        \
		if (!tap_ok(tap_r_ == -sf_reason_cat(tap_want_) && tap_e_->reason == tap_want_ && \
				    tap_e_->msg[0] && !strchr(tap_e_->msg, '\n'),                 \
			    __FILE__, __LINE__, __VA_ARGS__))                                \
			printf("#   got %d %s '%s', want %s\n", tap_r_,                       \
			       tap_r_ ? sf_reason_name(tap_e_->reason) : "success", tap_e_->msg,   \
			       sf_reason_name(tap_want_));                                     \
		else                                                                         \
			printf("#   %s: %s\n", sf_reason_name(tap_want_), tap_e_->msg);            \
	} while (0)

/** tap_diag() - a comment line in the output */
#define tap_diag(...)                                                                        \
	do {                                                                                 \
		printf("# ");                                                                \
		printf(__VA_ARGS__);                                                         \
		printf("\n");                                                                \
	} while (0)

/** tap_tmpdir() - a fresh folder /tmp/sf-@name-XXXXXX, its path in @buf; exits on failure */
__attribute__((unused)) static char *tap_tmpdir(char buf[64], const char *name)
{
	snprintf(buf, 64, "/tmp/sf-%s-XXXXXX", name);
	if (!mkdtemp(buf)) {
		printf("Bail out! cannot make %s\n", buf);
		exit(1);
	}
	return buf;
}

/** tap_rmtree() - remove a folder made by tap_tmpdir() */
__attribute__((unused)) static void tap_rmtree(const char *dir)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("# cannot remove %s\n", dir);
}

__attribute__((unused)) static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif /* SF_TAP_H */
