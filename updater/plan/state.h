/* SPDX-License-Identifier: MIT */
/*
 * state — the A/B state of every component, as kept in the U-Boot environment
 * (DESIGN §5), and the pure transitions between states.
 *
 * Per component C the environment holds:
 *   sf_C_active   a|b      the committed slot
 *   sf_C_trial    ""|a|b   the armed trial slot
 *   sf_C_tries    N        tries left for the trial (decimal)
 *   sf_C_bad      ""|a|b   the slot that failed a trial or was removed
 *   sf_C_bad_why  failed|removed
 *   sf_C_floor    N        the security floor
 *   sf_C_a_ver, sf_C_b_ver  version in the slot, "" = nothing valid
 *   sf_C_a_sv,  sf_C_b_sv   security version of that image
 * An absent variable reads as "". Parsing is strict: any other value makes the
 * whole state unreadable (fail closed, never guess).
 *
 * Every transition below works on a struct sys_state in memory; the caller turns
 * the result into one environment store (state_to_env() + one env store).
 */
#ifndef SF_STATE_H
#define SF_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/kv.h"
#include "common/sf_err.h"
#include "common/version.h"

enum { SLOT_NONE = -1, SLOT_A = 0, SLOT_B = 1 };

/** slot_name() - 'a' or 'b' as a string, "" for SLOT_NONE */
const char *slot_name(int slot);

/** slot_other() - the other slot of a component */
static inline int slot_other(int slot)
{
	return slot == SLOT_A ? SLOT_B : SLOT_A;
}

enum bad_why { BAD_FAILED = 0, BAD_REMOVED = 1 };

/** What `status` reports for a slot. */
enum slot_state { SLOT_EMPTY, SLOT_GOOD, SLOT_TRIAL, SLOT_BAD, SLOT_REMOVED };

/** slot_state_name() - "empty", "good", "trial", "bad", "removed" */
const char *slot_state_name(enum slot_state s);

/**
 * struct slot_info - what one slot holds
 * @version: "" when the slot holds nothing valid
 * @sv:      security version; meaningful only when @version is set
 */
struct slot_info {
	char version[SF_VERSION_MAX];
	uint32_t sv;
};

/**
 * struct comp_state - one component
 * @name:    component name
 * @active:  SLOT_A or SLOT_B
 * @trial:   SLOT_NONE or the armed slot (never equal to @active)
 * @tries:   tries left for the trial (0 when none is armed)
 * @bad:     SLOT_NONE or the slot marked bad/removed
 * @bad_why: enum bad_why, meaningful when @bad is set
 * @floor:   security floor
 * @slot:    per slot contents
 */
struct comp_state {
	char name[SF_COMPONENT_MAX];
	int active;
	int trial;
	unsigned int tries;
	int bad;
	int bad_why;
	uint32_t floor;
	struct slot_info slot[2];
};

/** struct sys_state - every component of the system, in system-description order */
struct sys_state {
	unsigned int n;
	struct comp_state c[CONFIG_MAX_COMPONENTS];
};

/**
 * state_from_env() - read the state of the named components
 * @st:    out
 * @env:   the sf_* variables read from the environment
 * @names: component names (validated by the caller)
 * @n:     count, at most CONFIG_MAX_COMPONENTS
 * @err:   failure reason
 *
 * Return: 0; -SF_ECONFIG when a component is not initialised ("webkit is not
 * initialised (sf_webkit_active is not set); run 'slotflip init'") or a variable
 * holds a value outside its grammar ("sf_webkit_tries = 'x' is not a number"),
 * or the variables contradict each other (trial equal to active).
 */
int state_from_env(struct sys_state *st, const struct kv *env, const char *const names[], unsigned int n,
		   struct sf_err *err) __attribute__((warn_unused_result));

/**
 * state_to_env() - write every sf_* variable of @st into @env
 *
 * Empty values are written as deletions, so the environment holds only what is
 * set. Variables of components not in @st are left alone.
 *
 * Return: 0, or -SF_EFAIL when @env is full.
 */
int state_to_env(const struct sys_state *st, struct kv *env, struct sf_err *err)
	__attribute__((warn_unused_result));

/** state_find() - index of a component, -1 when absent */
int state_find(const struct sys_state *st, const char *name);

/** state_slot() - what `status` reports for slot @slot of @c */
enum slot_state state_slot(const struct comp_state *c, int slot);

/**
 * state_init_comp() - a factory-fresh component: active a, nothing armed, floor 0,
 * both slots empty; with @version set, slot a holds that image and the floor is @sv
 */
void state_init_comp(struct comp_state *c, const char *name, const char *version, uint32_t sv);

/**
 * state_invalidate() - env store (1) of an install: the target slot holds nothing
 * valid; a trial or bad mark on it is dropped
 */
void state_invalidate(struct comp_state *c, int slot);

/**
 * state_arm() - env store (2) of an install: record the image in @slot and arm
 * it as the trial with @tries tries
 */
void state_arm(struct comp_state *c, int slot, const char *version, uint32_t sv, unsigned int tries);

/**
 * state_spend_try() - take one try of the armed trial before attempting it
 * Return: true when a try was taken, false when none was left (or none armed).
 */
bool state_spend_try(struct comp_state *c);

/**
 * state_commit() - the trial passed: it becomes the active slot. Committing a
 * baseline raises the floor to its security version; a patch never does.
 * No effect when nothing is armed.
 */
void state_commit(struct comp_state *c);

/**
 * state_fallback() - the trial failed: the active slot stays, the trial slot is
 * marked bad (failed). No effect when nothing is armed.
 */
void state_fallback(struct comp_state *c);

/**
 * state_remove() - user removal (DESIGN §1)
 *
 * With a trial armed, the trial is dropped and its slot marked removed (nothing
 * ran it yet). Otherwise the other slot becomes active, if it holds a good image
 * at or above the floor, and the slot left behind is marked removed.
 *
 * Return: 0, or -SF_EPOLICY with the reason ("slot a of webkit is empty",
 * "slot a of webkit was removed", "slot a of webkit holds security version 3,
 * below the floor 5").
 */
int state_remove(struct comp_state *c, struct sf_err *err) __attribute__((warn_unused_result));

#endif /* SF_STATE_H */
