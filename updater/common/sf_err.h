/* SPDX-License-Identifier: MIT */
/*
 * sf_err — the one error idiom of slotflip.
 *
 * A function that can fail for a reason a user must read takes a `struct sf_err *`
 * and returns 0 on success or a negative exit category (-SF_E*). On failure it
 * has filled the struct with a reason code (enum sf_reason), the category that
 * reason belongs to, and one line of text that names what was wrong and where
 * ("signature does not verify with key 'dev'"). Libraries never print: main()
 * prints err->msg (and, with --json, the reason's name) and exits with the
 * category as exit code. Code decides on the reason, never on the text.
 *
 * Low-level I/O helpers behind the ops seams return 0 or -errno instead; their
 * callers turn that into an sf_err with context (which slot, which path).
 */
#ifndef SF_ERR_H
#define SF_ERR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Exit categories. Their values are the documented, stable exit codes of the
 * slotflip command (docs/exit-codes.md); never renumber them.
 */
enum sf_errcat {
	SF_OK = 0,	   /* success; boot-check/activate: committed or nothing pending */
	SF_EFAIL = 1,	   /* generic failure */
	SF_EUSAGE = 2,	   /* bad command line */
	SF_EVERIFY = 3,	   /* bundle malformed, signature or hash does not verify: reject it */
	SF_EPOLICY = 4,	   /* refused by policy: board, rollback, baseline, size, state */
	SF_EIO = 5,	   /* I/O error on a slot or the environment's device */
	SF_EFELLBACK = 6,  /* a trial failed and was rolled back */
	SF_ECONFIG = 7,	   /* system description, keyring or environment unusable */
	SF_EBUSY = 8,	   /* another slotflip holds the lock */
	SF_EINPUT = 9,	   /* the bundle ended early or could not be read: retry the download */
	SF_ENOINPUT = 10,  /* the bundle is missing or not a file or pipe */
	SF_EPERM = 11,	   /* permission denied (not root?) */
	SF_EWAITING = 12,  /* nothing done yet: a bundle waits for its reboot */
	SF_EINTR = 13,	   /* stopped by a signal; nothing armed */
	SF_ECAT_COUNT
};

/*
 * Reasons: the stable, documented machine codes of a failure (docs/agent.md),
 * each printed as a kebab-case name and belonging to exactly one exit category.
 * The first ones are the generic reason of each category and share its number,
 * so that sf_fail(err, SF_EPOLICY, ...) means "refused, for no more precise
 * reason"; every other reason is more precise.
 */
enum sf_reason {
	SF_R_NONE = 0,
	SF_R_FAILED = SF_EFAIL,		      /* "failed" */
	SF_R_USAGE = SF_EUSAGE,		      /* "usage" */
	SF_R_VERIFY = SF_EVERIFY,	      /* "verification-failed" */
	SF_R_POLICY = SF_EPOLICY,	      /* "refused" */
	SF_R_IO = SF_EIO,		      /* "io-error" */
	SF_R_FELL_BACK = SF_EFELLBACK,	      /* "fell-back" */
	SF_R_CONFIG = SF_ECONFIG,	      /* "config-invalid" */
	SF_R_BUSY = SF_EBUSY,		      /* "busy" */
	SF_R_INPUT_UNREADABLE = SF_EINPUT,    /* "input-unreadable" */
	SF_R_INPUT_NOT_FOUND = SF_ENOINPUT,   /* "input-not-found" */
	SF_R_PERMISSION = SF_EPERM,	      /* "permission-denied" */
	SF_R_WAITING = SF_EWAITING,	      /* "waiting-for-reboot" */
	SF_R_INTERRUPTED = SF_EINTR,	      /* "interrupted" */
	/* 1 failed */
	SF_R_NO_MEMORY = 32,		      /* "out-of-memory" */
	SF_R_COMMAND_FAILED,		      /* "command-failed": a stop-/start-command */
	/* 2 usage */
	SF_R_UNKNOWN_COMPONENT,		      /* "unknown-component" (named on the command line) */
	/* 3 verification failed */
	SF_R_NOT_A_BUNDLE,		      /* "not-a-bundle": no FIT header */
	SF_R_MALFORMED,			      /* "malformed": structure, names, required nodes */
	SF_R_LIMIT,			      /* "limit-exceeded": a Kconfig limit */
	SF_R_LAYOUT,			      /* "bad-layout": data offsets wrap, overlap, gap, outside */
	SF_R_METADATA,			      /* "bad-metadata": slotflip,* properties */
	SF_R_UNSIGNED,			      /* "unsigned": no signature node */
	SF_R_SIGNATURE,			      /* "signature-invalid" */
	SF_R_UNKNOWN_KEY,		      /* "unknown-key": no trusted key signed it */
	SF_R_ALGORITHM,			      /* "algorithm-mismatch": algo/padding the key forbids */
	SF_R_KEY_POLICY,		      /* "key-policy": required keys missing, revoked key */
	SF_R_HASH_MISMATCH,		      /* "hash-mismatch": payload vs its signed sha256 */
	/* 4 refused by policy */
	SF_R_WRONG_BOARD,		      /* "wrong-board" */
	SF_R_NO_SUCH_COMPONENT,		      /* "component-not-on-board" */
	SF_R_BELOW_FLOOR,		      /* "below-floor" */
	SF_R_DOWNGRADE,			      /* "below-active": below the running image */
	SF_R_WRONG_BASELINE,		      /* "wrong-baseline" */
	SF_R_REQUIRES,			      /* "requires-unmet" */
	SF_R_SLOT_TOO_SMALL,		      /* "slot-too-small" */
	SF_R_REMOVED_BEFORE,		      /* "removed-before" */
	SF_R_NOT_ARMED,			      /* "not-armed": nothing to activate/commit */
	SF_R_NOT_TRIED,			      /* "not-tried": commit of a trial that never ran */
	SF_R_REBOOT_ONLY,		      /* "needs-reboot": activate of a reboot component */
	SF_R_CANNOT_REMOVE,		      /* "cannot-remove" */
	SF_R_ENV_IN_USE,		      /* "env-initialised": init on a valid environment */
	SF_R_STATE_READABLE,		      /* "state-readable": repair of a readable state */
	SF_R_AUTO_OFF,			      /* "automatic-off" */
	SF_R_SOURCE_MISMATCH,		      /* "delta-source-mismatch" */
	/* 5 I/O error */
	SF_R_SLOT_IO,			      /* "slot-io" */
	SF_R_ENV_IO,			      /* "env-io" */
	/* 6 fell back */
	SF_R_HEALTH,			      /* "health-check-failed" */
	SF_R_DEADLINE,			      /* "deadline" */
	SF_R_TRIES,			      /* "tries-exhausted" */
	SF_R_SET_FELL_BACK,		      /* "set-fell-back": another member of its bundle failed */
	SF_R_SLOT_UNUSABLE,		      /* "slot-unusable": could not be mounted or loaded */
	SF_R_REQUIRES_BROKEN,		      /* "requires-broken": a required version no longer runs */
	/* 7 configuration or environment */
	SF_R_KEYRING,			      /* "keyring-invalid" */
	SF_R_ENV_BLANK,			      /* "env-blank": factory-fresh, run init */
	SF_R_ENV_DAMAGED,		      /* "env-damaged" */
	SF_R_ENV_MALFORMED,		      /* "env-malformed": an sf_* variable */
	SF_R_ENV_FULL,			      /* "env-full" */
	/* 9 input */
	SF_R_INPUT_TRUNCATED,		      /* "input-truncated" */
	/* 10 no input */
	SF_R_INPUT_NOT_FILE,		      /* "input-not-a-file" */
	/* bundle create */
	SF_R_SIGNING_KEY,		      /* "signing-key-invalid" (7): a private key to sign with */
	SF_R_OUTPUT_IO,			      /* "output-io" (5): the bundle file being written */
	SF_R_COUNT
};

#define SF_ERR_MSG_MAX 320

/**
 * struct sf_err - what went wrong, for the user and for programs
 * @cat:    an enum sf_errcat value, 0 while nothing failed
 * @reason: an enum sf_reason value, SF_R_NONE while nothing failed
 * @errnum: the errno behind an I/O failure, 0 when there is none
 * @msg:    one line, no trailing newline
 */
struct sf_err {
	int cat;
	int reason;
	int errnum;
	char msg[SF_ERR_MSG_MAX];
};

/**
 * sf_fail() - record a failure
 * @err:    where to record it (must not be NULL)
 * @reason: enum sf_reason value, not SF_R_NONE; its category becomes @err->cat
 * @fmt:    printf format of the one-line message
 *
 * Return: minus the reason's category, so that callers can write
 * `return sf_fail(err, ...);`.
 */
int sf_fail(struct sf_err *err, int reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), warn_unused_result));

/**
 * sf_record() - sf_fail() for a failure kept for later (the first of several,
 * reported when the rest is done): no return value to use
 */
void sf_record(struct sf_err *err, int reason, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * sf_fail_errno() - record an I/O failure, appending ": strerror(errnum)"
 * @err:    where to record it
 * @reason: reason (usually SF_R_SLOT_IO or SF_R_ENV_IO)
 * @errnum: positive or negative errno value
 * @fmt:    message describing the operation and its object
 *
 * Return: minus the reason's category.
 */
int sf_fail_errno(struct sf_err *err, int reason, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), warn_unused_result));

/**
 * sf_errno_reason() - the reason of a failed system call: SF_R_PERMISSION for
 * EACCES and EPERM (positive or negative), @io_reason for everything else
 */
int sf_errno_reason(int errnum, int io_reason);

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

/**
 * sf_reason_name() - the kebab-case name of a reason ("below-floor")
 * Return: a static string; NULL for SF_R_NONE and values outside the enum.
 */
const char *sf_reason_name(int reason);

/**
 * sf_reason_cat() - the exit category a reason belongs to
 * Return: an enum sf_errcat value; SF_EFAIL for values outside the enum.
 */
int sf_reason_cat(int reason);

/** sf_reason_meaning() - what a reason means, one line; NULL as sf_reason_name() */
const char *sf_reason_meaning(int reason);

/**
 * sf_reason_from_name() - the reason named @name (for records read back from
 * the environment)
 * Return: the reason, or SF_R_NONE when @name is not one.
 */
int sf_reason_from_name(const char *name);

#if defined(__clang_analyzer__) && !defined(SF_ERR_IMPL)
/*
 * Static analysers (make lint) see one file at a time and would assume a
 * failure may return 0, then report the "success" path that follows: tell
 * them what sf_fail() and sf_fail_errno() return (never 0).
 */
#define sf_fail(err, reason, ...) ((void)sf_fail(err, reason, __VA_ARGS__), -1)
#define sf_fail_errno(err, reason, ...) ((void)sf_fail_errno(err, reason, __VA_ARGS__), -1)
#endif

#endif /* SF_ERR_H */
