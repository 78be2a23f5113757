// SPDX-License-Identifier: MIT
#define SF_ERR_IMPL /* the definitions below, not the analyser macros of sf_err.h */
#include "common/sf_err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Every reason: its stable name, the one exit category it belongs to, what it means (docs/agent.md). */
static const struct {
	const char *name;
	int cat;
	const char *meaning;
} reasons[SF_R_COUNT] = {
	[SF_R_FAILED] = { "failed", SF_EFAIL, "failed, for no more precise reason" },
	[SF_R_USAGE] = { "usage", SF_EUSAGE, "a bad command line" },
	[SF_R_VERIFY] = { "verification-failed", SF_EVERIFY, "the bundle does not verify, for no more precise reason" },
	[SF_R_POLICY] = { "refused", SF_EPOLICY, "refused by policy, for no more precise reason" },
	[SF_R_IO] = { "io-error", SF_EIO, "an I/O error, for no more precise reason" },
	[SF_R_FELL_BACK] = { "fell-back", SF_EFELLBACK, "a trial fell back, for no more precise reason" },
	[SF_R_CONFIG] = { "config-invalid", SF_ECONFIG, "the system description or `fw_env.config` is unusable" },
	[SF_R_BUSY] = { "busy", SF_EBUSY, "another slotflip holds the lock" },
	[SF_R_INPUT_UNREADABLE] = { "input-unreadable", SF_EINPUT, "the bundle cannot be read" },
	[SF_R_INPUT_NOT_FOUND] = { "input-not-found", SF_ENOINPUT, "the bundle does not exist" },
	[SF_R_PERMISSION] = { "permission-denied", SF_EPERM, "not allowed (run as root)" },
	[SF_R_WAITING] = { "waiting-for-reboot", SF_EWAITING, "nothing done: a reboot component of the same bundle has not booted yet" },
	[SF_R_INTERRUPTED] = { "interrupted", SF_EINTR, "stopped by SIGINT, SIGTERM or SIGHUP" },
	[SF_R_NO_MEMORY] = { "out-of-memory", SF_EFAIL, "out of memory" },
	[SF_R_COMMAND_FAILED] = { "command-failed", SF_EFAIL, "a stop-, start- or reboot command failed" },
	[SF_R_UNKNOWN_COMPONENT] = { "unknown-component", SF_EUSAGE, "a component the system description does not have, named on the command line" },
	[SF_R_NOT_A_BUNDLE] = { "not-a-bundle", SF_EVERIFY, "no FIT header" },
	[SF_R_MALFORMED] = { "malformed", SF_EVERIFY, "the header's structure, names or required nodes" },
	[SF_R_LIMIT] = { "limit-exceeded", SF_EVERIFY, "a size or count beyond a configured limit" },
	[SF_R_LAYOUT] = { "bad-layout", SF_EVERIFY, "external data that overlaps, lies inside the header or further than an alignment mkimage makes" },
	[SF_R_METADATA] = { "bad-metadata", SF_EVERIFY, "a `slotflip,*` property or the board outside its grammar (text: printable ASCII without `\\` and `=`)" },
	[SF_R_UNSIGNED] = { "unsigned", SF_EVERIFY, "no signature" },
	[SF_R_SIGNATURE] = { "signature-invalid", SF_EVERIFY, "a signature that does not verify" },
	[SF_R_UNKNOWN_KEY] = { "unknown-key", SF_EVERIFY, "no trusted key signed it" },
	[SF_R_ALGORITHM] = { "algorithm-mismatch", SF_EVERIFY, "an algorithm or padding the key does not allow" },
	[SF_R_KEY_POLICY] = { "key-policy", SF_EVERIFY, "required keys missing, or a revoked key" },
	[SF_R_HASH_MISMATCH] = { "hash-mismatch", SF_EVERIFY, "an image's bytes do not match their signed SHA-256" },
	[SF_R_WRONG_BOARD] = { "wrong-board", SF_EPOLICY, "the bundle is for another board" },
	[SF_R_NO_SUCH_COMPONENT] = { "component-not-on-board", SF_EPOLICY, "the bundle holds a component this board does not have" },
	[SF_R_BELOW_FLOOR] = { "below-floor", SF_EPOLICY, "a security version below the component's floor" },
	[SF_R_DOWNGRADE] = { "below-active", SF_EPOLICY, "a security version below the running image's (removal is the way back)" },
	[SF_R_WRONG_BASELINE] = { "wrong-baseline", SF_EPOLICY, "a patch for a baseline the component does not run" },
	[SF_R_REQUIRES] = { "requires-unmet", SF_EPOLICY, "a requirement (`slotflip,requires`) that would not hold" },
	[SF_R_SLOT_TOO_SMALL] = { "slot-too-small", SF_EPOLICY, "an image larger than its slot" },
	[SF_R_REMOVED_BEFORE] = { "removed-before", SF_EPOLICY, "a patch the user removed (`install --allow-removed` forces it)" },
	[SF_R_NOT_ARMED] = { "not-armed", SF_EPOLICY, "nothing armed to activate or commit" },
	[SF_R_NOT_TRIED] = { "not-tried", SF_EPOLICY, "commit of a trial that never ran" },
	[SF_R_REBOOT_ONLY] = { "needs-reboot", SF_EPOLICY, "activate of a component that only a reboot activates" },
	[SF_R_CANNOT_REMOVE] = { "cannot-remove", SF_EPOLICY, "the other slot cannot be returned to" },
	[SF_R_ENV_IN_USE] = { "env-initialised", SF_EPOLICY, "init on an environment that holds a valid copy" },
	[SF_R_STATE_READABLE] = { "state-readable", SF_EPOLICY, "repair of a component whose state reads" },
	[SF_R_AUTO_OFF] = { "automatic-off", SF_EPOLICY, "`install --auto` while automatic updates are off" },
	[SF_R_SOURCE_MISMATCH] = { "delta-source-mismatch", SF_EPOLICY, "the active slot does not hold the image a delta was made from" },
	[SF_R_SLOT_IO] = { "slot-io", SF_EIO, "a slot cannot be written, synced or read back" },
	[SF_R_ENV_IO] = { "env-io", SF_EIO, "the environment's device cannot be read or written" },
	[SF_R_HEALTH] = { "health-check-failed", SF_EFELLBACK, "a health check failed" },
	[SF_R_DEADLINE] = { "deadline", SF_EFELLBACK, "the health checks did not finish in time" },
	[SF_R_TRIES] = { "tries-exhausted", SF_EFELLBACK, "no tries left" },
	[SF_R_SET_FELL_BACK] = { "set-fell-back", SF_EFELLBACK, "another member of the same bundle fell back or was removed" },
	[SF_R_SLOT_UNUSABLE] = { "slot-unusable", SF_EFELLBACK, "the trial slot could not be mounted (or, by U-Boot, loaded or booted)" },
	[SF_R_REQUIRES_BROKEN] = { "requires-broken", SF_EFELLBACK, "a requirement would not hold once the set commits" },
	[SF_R_KEYRING] = { "keyring-invalid", SF_ECONFIG, "the keyring is unusable" },
	[SF_R_ENV_BLANK] = { "env-blank", SF_ECONFIG, "no valid environment copy (factory-fresh, or its first store was cut): run `slotflip init`; or a component was never initialised" },
	[SF_R_ENV_DAMAGED] = { "env-damaged", SF_ECONFIG, "no valid copy but data: wrong configuration or both copies damaged" },
	[SF_R_ENV_MALFORMED] = { "env-malformed", SF_ECONFIG, "an `sf_*` variable outside its grammar (`slotflip repair`)" },
	[SF_R_ENV_FULL] = { "env-full", SF_ECONFIG, "the environment cannot hold the state (bytes needed and available in the message)" },
	[SF_R_INPUT_TRUNCATED] = { "input-truncated", SF_EINPUT, "the stream stopped, or the file ends, before the data its verified header describes" },
	[SF_R_INPUT_NOT_FILE] = { "input-not-a-file", SF_ENOINPUT, "the bundle is a directory or a device, not a file or a pipe" },
	[SF_R_SIGNING_KEY] = { "signing-key-invalid", SF_ECONFIG, "`bundle create`: a private key that cannot be read or is not RSA-2048, RSA-4096 or EC P-256" },
	[SF_R_OUTPUT_IO] = { "output-io", SF_EIO, "`bundle create`: the bundle file cannot be written" },
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

int sf_errno_reason(int errnum, int io_reason)
{
	if (errnum < 0)
		errnum = -errnum;
	return errnum == EACCES || errnum == EPERM ? SF_R_PERMISSION : io_reason;
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

const char *sf_reason_meaning(int reason)
{
	return known(reason) ? reasons[reason].meaning : NULL;
}

int sf_reason_from_name(const char *name)
{
	for (int r = SF_R_NONE + 1; r < SF_R_COUNT; r++)
		if (known(r) && !strcmp(reasons[r].name, name))
			return r;
	return SF_R_NONE;
}
