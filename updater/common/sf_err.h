/* SPDX-License-Identifier: MIT */
/*
 * sf_err — the one error idiom of slotflip.
 *
 * A function that can fail for a reason a user must read takes a `struct sf_err *`
 * and returns 0 on success or a negative error category (-SF_E*). On failure it
 * has filled the struct with the category and one line of text that names what
 * was wrong and where ("signature does not verify with key 'dev'"). Libraries never
 * print: main() prints err->msg and exits with the category as exit code.
 *
 * Low-level I/O helpers behind the ops seams return 0 or -errno instead; their
 * callers turn that into an sf_err with context (which slot, which path).
 */
#ifndef SF_ERR_H
#define SF_ERR_H

#include <stddef.h>

/*
 * Error categories. Their values are the documented, stable exit codes of the
 * slotflip command (docs/exit-codes.md); never renumber them.
 */
enum sf_errcat {
	SF_OK = 0,	   /* success; boot-check: committed or nothing pending */
	SF_EFAIL = 1,	   /* generic failure */
	SF_EUSAGE = 2,	   /* bad command line */
	SF_EVERIFY = 3,	   /* bundle malformed, signature or hash does not verify */
	SF_EPOLICY = 4,	   /* refused by policy: board, rollback, baseline, size, state */
	SF_EIO = 5,	   /* I/O error on a slot, the bundle stream or the environment */
	SF_EFELLBACK = 6,  /* boot-check: a trial failed and was rolled back */
	SF_ECONFIG = 7,	   /* system description, keyring or env unreadable / not initialised */
	SF_EBUSY = 8,	   /* another slotflip holds the lock */
};

#define SF_ERR_MSG_MAX 320

/**
 * struct sf_err - what went wrong, for the user
 * @cat:    an enum sf_errcat value, 0 while nothing failed
 * @errnum: the errno behind an I/O failure, 0 when there is none
 * @msg:    one line, no trailing newline
 */
struct sf_err {
	int cat;
	int errnum;
	char msg[SF_ERR_MSG_MAX];
};

/**
 * sf_fail() - record a failure
 * @err: where to record it (must not be NULL)
 * @cat: enum sf_errcat value, not SF_OK
 * @fmt: printf format of the one-line message
 *
 * Return: -@cat, so that callers can write `return sf_fail(err, ...);`.
 */
int sf_fail(struct sf_err *err, int cat, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), warn_unused_result));

/**
 * sf_fail_errno() - record an I/O failure, appending ": strerror(errnum)"
 * @err:    where to record it
 * @cat:    category (usually SF_EIO)
 * @errnum: positive or negative errno value
 * @fmt:    message describing the operation and its object
 *
 * Return: -@cat.
 */
int sf_fail_errno(struct sf_err *err, int cat, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), warn_unused_result));

/**
 * sf_err_prefix() - put context in front of an already recorded message
 * @err: a failed error record
 * @fmt: the prefix; ": " is inserted between it and the old message
 */
void sf_err_prefix(struct sf_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * sf_errcat_name() - short name of a category ("verification failed", ...)
 * @cat: enum sf_errcat value
 *
 * Return: a static string; "unknown error" for values outside the enum.
 */
const char *sf_errcat_name(int cat);

#if defined(__clang_analyzer__) && !defined(SF_ERR_IMPL)
/*
 * Static analysers (make lint) see one file at a time and would assume a
 * failure may return 0, then report the "success" path that follows: tell
 * them what sf_fail() and sf_fail_errno() return.
 */
#define sf_fail(err, cat, ...) ((void)sf_fail(err, cat, __VA_ARGS__), -(cat))
#define sf_fail_errno(err, cat, ...) ((void)sf_fail_errno(err, cat, __VA_ARGS__), -(cat))
#endif

#endif /* SF_ERR_H */
