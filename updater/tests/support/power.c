// SPDX-License-Identifier: MIT
#include "power.h"

enum power_verdict power_op(struct power *p, char kind)
{
	if (p->off)
		return POWER_DEAD;
	p->ops++;
	if (p->ops <= POWER_LOG_MAX) {
		p->log[p->ops - 1] = kind;
		p->log[p->ops] = '\0';
	}
	if (!p->cut_at || p->ops != p->cut_at)
		return POWER_DO;
	p->off = true;
	switch (p->mode) {
	case CUT_AFTER:
		return POWER_DO_AND_DIE;
	case CUT_TORN:
		return POWER_TEAR_AND_DIE;
	default:
		return POWER_DEAD;
	}
}

const char *cut_mode_name(enum cut_mode m)
{
	static const char *const names[] = { "before", "after", "torn", "lost" };

	return m < CUT_MODES ? names[m] : "?";
}
