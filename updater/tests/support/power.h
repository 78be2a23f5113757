/* SPDX-License-Identifier: MIT */
/*
 * power — the power switch of the simulated board (power-cut simulator and fault
 * injection). Every durable operation of the fake slots and the fake environment
 * (a slot write, a slot sync, an environment store by slotflip, a copy written
 * by U-Boot's boot script) asks power_op() first; the switch counts them, cuts
 * the power at a chosen one in a chosen way, and keeps a log of their kinds.
 */
#ifndef SF_POWER_H
#define SF_POWER_H

#include <stdbool.h>

enum cut_mode {
	CUT_BEFORE, /* the operation does not happen */
	CUT_AFTER,  /* the operation happens completely */
	CUT_TORN,   /* only a prefix of the operation reaches storage */
	CUT_LOST,   /* the operation does not happen and every unsynced write is lost */
	CUT_MODES,
};

enum power_verdict {
	POWER_DO,	   /* power is on: do it */
	POWER_DEAD,	   /* power is off (cut before, or earlier): do nothing, fail */
	POWER_DO_AND_DIE,  /* do it, then the power is off */
	POWER_TEAR_AND_DIE, /* do a prefix of it, then the power is off */
};

#define POWER_LOG_MAX 256

/**
 * struct power
 * @ops:    durable operations asked for so far
 * @cut_at: the operation (1-based) at which the power goes; 0 = never
 * @mode:   how
 * @tear:   for CUT_TORN of an environment write, which prefix of the new copy
 *          reaches the medium (fake_env_tear_len(), 0..FAKE_ENV_TEARS-1); a
 *          torn slot write keeps half of its bytes whatever @tear says
 * @off:    the power is off
 * @log:    the first POWER_LOG_MAX operation kinds, 'w' write, 's' sync, 'e' env
 *          store (slotflip), 'u' one env copy written by U-Boot's boot script
 */
struct power {
	unsigned int ops;
	unsigned int cut_at;
	enum cut_mode mode;
	unsigned int tear;
	bool off;
	char log[POWER_LOG_MAX + 1];
};

/** power_op() - one durable operation of kind @kind ('w', 's', 'e', 'u') */
enum power_verdict power_op(struct power *p, char kind);

/** cut_mode_name() - "before", "after", "torn", "lost" */
const char *cut_mode_name(enum cut_mode m);

#endif /* SF_POWER_H */
