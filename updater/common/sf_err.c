// SPDX-License-Identifier: MIT
#define SF_ERR_IMPL /* the definitions below, not the analyser macros of sf_err.h */
#include "common/sf_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int sf_vfail(struct sf_err *err, int cat, int errnum, const char *fmt, va_list ap)
{
	size_t len;

	err->cat = cat;
	err->errnum = errnum < 0 ? -errnum : errnum;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (err->errnum) {
		len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(err->errnum));
	}
	return -cat;
}

int sf_fail(struct sf_err *err, int cat, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = sf_vfail(err, cat, 0, fmt, ap);
	va_end(ap);
	return ret;
}

int sf_fail_errno(struct sf_err *err, int cat, int errnum, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = sf_vfail(err, cat, errnum, fmt, ap);
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
	static const char *const names[] = {
		[SF_OK] = "success",
		[SF_EFAIL] = "failed",
		[SF_EUSAGE] = "usage",
		[SF_EVERIFY] = "verification failed",
		[SF_EPOLICY] = "refused by policy",
		[SF_EIO] = "I/O error",
		[SF_EFELLBACK] = "fell back",
		[SF_ECONFIG] = "configuration error",
		[SF_EBUSY] = "busy",
	};

	if (cat < 0 || (size_t)cat >= sizeof(names) / sizeof(names[0]) || !names[cat])
		return "unknown error";
	return names[cat];
}
