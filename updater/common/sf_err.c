// SPDX-License-Identifier: MIT
#define SF_ERR_IMPL /* the definitions below, not the analyser macros of sf_err.h */
#include "common/sf_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Every reason: its stable name and the one exit category it belongs to. */
static const struct {
	const char *name;
	int cat;
} reasons[SF_R_COUNT] = {
	[SF_R_FAILED] = { "failed", SF_EFAIL },
	[SF_R_USAGE] = { "usage", SF_EUSAGE },
	[SF_R_VERIFY] = { "verification-failed", SF_EVERIFY },
	[SF_R_POLICY] = { "refused", SF_EPOLICY },
	[SF_R_IO] = { "io-error", SF_EIO },
	[SF_R_FELL_BACK] = { "fell-back", SF_EFELLBACK },
	[SF_R_CONFIG] = { "config-invalid", SF_ECONFIG },
	[SF_R_BUSY] = { "busy", SF_EBUSY },
	[SF_R_INPUT_UNREADABLE] = { "input-unreadable", SF_EINPUT },
	[SF_R_INPUT_NOT_FOUND] = { "input-not-found", SF_ENOINPUT },
	[SF_R_PERMISSION] = { "permission-denied", SF_EPERM },
	[SF_R_WAITING] = { "waiting-for-reboot", SF_EWAITING },
	[SF_R_INTERRUPTED] = { "interrupted", SF_EINTR },
	[SF_R_NO_MEMORY] = { "out-of-memory", SF_EFAIL },
	[SF_R_COMMAND_FAILED] = { "command-failed", SF_EFAIL },
	[SF_R_UNKNOWN_COMPONENT] = { "unknown-component", SF_EUSAGE },
	[SF_R_NOT_A_BUNDLE] = { "not-a-bundle", SF_EVERIFY },
	[SF_R_MALFORMED] = { "malformed", SF_EVERIFY },
	[SF_R_LIMIT] = { "limit-exceeded", SF_EVERIFY },
	[SF_R_LAYOUT] = { "bad-layout", SF_EVERIFY },
	[SF_R_METADATA] = { "bad-metadata", SF_EVERIFY },
	[SF_R_UNSIGNED] = { "unsigned", SF_EVERIFY },
	[SF_R_SIGNATURE] = { "signature-invalid", SF_EVERIFY },
	[SF_R_UNKNOWN_KEY] = { "unknown-key", SF_EVERIFY },
	[SF_R_ALGORITHM] = { "algorithm-mismatch", SF_EVERIFY },
	[SF_R_KEY_POLICY] = { "key-policy", SF_EVERIFY },
	[SF_R_HASH_MISMATCH] = { "hash-mismatch", SF_EVERIFY },
	[SF_R_WRONG_BOARD] = { "wrong-board", SF_EPOLICY },
	[SF_R_NO_SUCH_COMPONENT] = { "component-not-on-board", SF_EPOLICY },
	[SF_R_BELOW_FLOOR] = { "below-floor", SF_EPOLICY },
	[SF_R_DOWNGRADE] = { "below-active", SF_EPOLICY },
	[SF_R_WRONG_BASELINE] = { "wrong-baseline", SF_EPOLICY },
	[SF_R_REQUIRES] = { "requires-unmet", SF_EPOLICY },
	[SF_R_SLOT_TOO_SMALL] = { "slot-too-small", SF_EPOLICY },
	[SF_R_REMOVED_BEFORE] = { "removed-before", SF_EPOLICY },
	[SF_R_NOT_ARMED] = { "not-armed", SF_EPOLICY },
	[SF_R_NOT_TRIED] = { "not-tried", SF_EPOLICY },
	[SF_R_REBOOT_ONLY] = { "needs-reboot", SF_EPOLICY },
	[SF_R_CANNOT_REMOVE] = { "cannot-remove", SF_EPOLICY },
	[SF_R_ENV_IN_USE] = { "env-initialised", SF_EPOLICY },
	[SF_R_STATE_READABLE] = { "state-readable", SF_EPOLICY },
	[SF_R_AUTO_OFF] = { "automatic-off", SF_EPOLICY },
	[SF_R_SOURCE_MISMATCH] = { "delta-source-mismatch", SF_EPOLICY },
	[SF_R_SLOT_IO] = { "slot-io", SF_EIO },
	[SF_R_ENV_IO] = { "env-io", SF_EIO },
	[SF_R_HEALTH] = { "health-check-failed", SF_EFELLBACK },
	[SF_R_DEADLINE] = { "deadline", SF_EFELLBACK },
	[SF_R_TRIES] = { "tries-exhausted", SF_EFELLBACK },
	[SF_R_SET_FELL_BACK] = { "set-fell-back", SF_EFELLBACK },
	[SF_R_SLOT_UNUSABLE] = { "slot-unusable", SF_EFELLBACK },
	[SF_R_REQUIRES_BROKEN] = { "requires-broken", SF_EFELLBACK },
	[SF_R_KEYRING] = { "keyring-invalid", SF_ECONFIG },
	[SF_R_ENV_BLANK] = { "env-blank", SF_ECONFIG },
	[SF_R_ENV_DAMAGED] = { "env-damaged", SF_ECONFIG },
	[SF_R_ENV_MALFORMED] = { "env-malformed", SF_ECONFIG },
	[SF_R_ENV_FULL] = { "env-full", SF_ECONFIG },
	[SF_R_INPUT_TRUNCATED] = { "input-truncated", SF_EINPUT },
	[SF_R_INPUT_NOT_FILE] = { "input-not-a-file", SF_ENOINPUT },
};

static bool known(int reason)
{
	return reason > SF_R_NONE && reason < SF_R_COUNT && reasons[reason].name;
}

static int sf_vfail(struct sf_err *err, int reason, int errnum, const char *fmt, va_list ap)
{
	size_t len;

	err->reason = known(reason) ? reason : SF_R_FAILED;
	err->cat = reasons[err->reason].cat;
	err->errnum = errnum < 0 ? -errnum : errnum;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (err->errnum) {
		len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(err->errnum));
	}
	return -err->cat;
}

int sf_fail(struct sf_err *err, int reason, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = sf_vfail(err, reason, 0, fmt, ap);
	va_end(ap);
	return ret;
}

void sf_record(struct sf_err *err, int reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)sf_vfail(err, reason, 0, fmt, ap);
	va_end(ap);
}

int sf_fail_errno(struct sf_err *err, int reason, int errnum, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = sf_vfail(err, reason, errnum, fmt, ap);
	va_end(ap);
	return ret;
}

void sf_err_prefix(struct sf_err *err, const char *fmt, ...)
{
	char old[SF_ERR_MSG_MAX];
	size_t len;
	va_list ap;

	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", old);
}

const char *sf_errcat_name(int cat)
{
	static const char *const names[SF_ECAT_COUNT] = {
		[SF_OK] = "success",
		[SF_EFAIL] = "failed",
		[SF_EUSAGE] = "usage",
		[SF_EVERIFY] = "verification failed",
		[SF_EPOLICY] = "refused by policy",
		[SF_EIO] = "I/O error",
		[SF_EFELLBACK] = "fell back",
		[SF_ECONFIG] = "configuration error",
		[SF_EBUSY] = "busy",
		[SF_EINPUT] = "input ended early or unreadable",
		[SF_ENOINPUT] = "no such bundle",
		[SF_EPERM] = "permission denied",
		[SF_EWAITING] = "waiting for a reboot",
		[SF_EINTR] = "interrupted",
	};

	if (cat < 0 || cat >= SF_ECAT_COUNT || !names[cat])
		return "unknown error";
	return names[cat];
}

const char *sf_reason_name(int reason)
{
	return known(reason) ? reasons[reason].name : NULL;
}

int sf_reason_cat(int reason)
{
	return known(reason) ? reasons[reason].cat : SF_EFAIL;
}

int sf_reason_from_name(const char *name)
{
	for (int r = SF_R_NONE + 1; r < SF_R_COUNT; r++)
		if (known(r) && !strcmp(reasons[r].name, name))
			return r;
	return SF_R_NONE;
}
