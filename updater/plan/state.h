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
 *   sf_C_a_id,  sf_C_b_id   id of the bundle the image came from (16 hex digits);
 *                           the armed set of a trial is its slot's bundle id
 *   sf_C_a_req, sf_C_b_req  the image's `slotflip,requires`, "c>=v" entries
 *                           separated by one blank
 *   sf_C_fail     "REASON[ DETAIL]"  the last fallback: a reason name of exit
 *                 category 6 (docs/agent.md) and what failed
 *   sf_C_fail_ver the version that failed
 *   sf_C_removed  "SV VERSION"  the last image the user removed: a patch of
 *                 that security version or lower is not installed again
 *   sf_C_test     "RESULT WHEN INSTALL_MS ACTIVATE_MS REMOVE_MS VERSION"  the
 *                 last test release: armed, passed or failed; when it was
 *                 armed (seconds since 1970); how long each step took
 * An absent variable reads as "". Parsing is strict: a value outside its
 * grammar makes that component's state unreadable ("broken": it is reported
 * and left alone, the other components go on; fail closed, never guess).
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

#define STATE_ID_MAX 17	   /* 16 hex digits + NUL */
#define STATE_TEXT_MAX 80  /* recorded texts, as a U-Boot variable value (KV_VALUE_MAX) */
#define STATE_REASON_MAX 32

/**
 * struct slot_info - what one slot holds
 * @version: "" when the slot holds nothing valid
 * @sv:      security version; meaningful only when @version is set
 * @id:      the bundle id it came from, "" when unknown (init --factory)
 * @req:     its requirements, "c>=v" entries separated by one blank, "" for none
 */
struct slot_info {
	char version[SF_VERSION_MAX];
	uint32_t sv;
	char id[STATE_ID_MAX];
	char req[STATE_TEXT_MAX];
};

/**
 * struct fail_info - the last fallback of a component
 * @reason:  its reason name (docs/agent.md, exit category 6), "" for none
 * @detail:  what failed, "" when nothing more is known
 * @version: the version that failed
 */
struct fail_info {
	char reason[STATE_REASON_MAX];
	char detail[STATE_TEXT_MAX];
	char version[SF_VERSION_MAX];
};

#define STATE_TEST_MAX 128 /* the test release record */

/**
 * struct test_info - the last test release: a patch carrying the running
 * baseline's own image, installed, activated, committed and removed again
 * to rehearse the whole path
 * @result:      "" (none), "armed", "passed" or "failed"
 * @version:     its version
 * @when:        when it was armed, seconds since 1970 (UTC)
 * @install_ms:  how long its install took
 * @activate_ms: its activation (soft restart, health checks, commit)
 * @remove_ms:   its removal (back to the baseline)
 */
struct test_info {
	char result[8];
	char version[SF_VERSION_MAX];
	uint64_t when;
	uint32_t install_ms;
	uint32_t activate_ms;
	uint32_t remove_ms;
};

/**
 * struct removed_info - the last image the user removed
 * @version: "" for none
 * @sv:      its security version
 */
struct removed_info {
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
 * @fail:    the last fallback
 * @removed: the last removal
 * @test:    the last test release
 * @broken:  the component's variables could not be read: @why says which;
 *           nothing else in this struct is meaningful but the bundle ids of
 *           its slots (@slot[].id, those that read: the sets it may belong
 *           to), and state_to_env() leaves its variables exactly as they are
 * @why:     the reason (SF_R_ENV_MALFORMED, SF_R_ENV_BLANK) and message
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
	struct fail_info fail;
	struct removed_info removed;
	struct test_info test;
	bool broken;
	struct sf_err why;
};

/**
 * struct sys_state - every component of the system, in system-description
 * order: component i of the state is component i of the system description
 * (state_from_env() reads them in the order of its @names), so one index
 * names a component everywhere (slots, sizes, hooks)
 */
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
 * A component whose variables cannot be read is marked broken, with the reason
 * in its @why: SF_R_ENV_BLANK when it is not initialised ("webkit is not
 * initialised (sf_webkit_active is not set); run 'slotflip init'"),
 * SF_R_ENV_MALFORMED when a variable holds a value outside its grammar
 * ("sf_webkit_tries = '03' is not a number") or the variables contradict each
 * other (trial equal to active). The others are read as usual.
 *
 * Return: 0; -SF_ECONFIG (SF_R_CONFIG) when @n exceeds CONFIG_MAX_COMPONENTS.
 */
int state_from_env(struct sys_state *st, const struct kv *env, const char *const names[], unsigned int n,
		   struct sf_err *err) __attribute__((warn_unused_result));

/**
 * state_to_env() - write every sf_* variable of @st into @env
 *
 * Empty values are written as deletions, so the environment holds only what is
 * set. Variables of components not in @st, and of broken ones, are left alone.
 *
 * Return: 0, or -SF_ECONFIG (SF_R_ENV_FULL) when @env has no room.
 */
int state_to_env(const struct sys_state *st, struct kv *env, struct sf_err *err)
	__attribute__((warn_unused_result));

/** state_find() - index of a component, -1 when absent */
int state_find(const struct sys_state *st, const char *name);

/** state_slot() - what `status` reports for slot @slot of @c */
enum slot_state state_slot(const struct comp_state *c, int slot);

/**
 * state_set_id() - the armed set a component's trial belongs to: the bundle id
 * of its trial slot; "" when nothing is armed or the id is unknown (a set of
 * its own)
 */
const char *state_set_id(const struct comp_state *c);

/** state_same_set() - @a and @b have trials armed by the same bundle */
bool state_same_set(const struct comp_state *a, const struct comp_state *b);

/**
 * state_set_broken() - a member of @c's set is gone: some component holds the
 * set's bundle in a slot that failed or was removed (U-Boot fell a member
 * back, or a newer install replaced it), or in either slot while its state
 * cannot be read (the set can no longer be judged whole); @c must fall back
 * Return: the index of that component in @st, or -1.
 */
int state_set_broken(const struct sys_state *st, const struct comp_state *c);

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
 * state_arm() - env store (2) of an install: record the image in @slot (@img
 * says what it holds) and arm it as the trial with @tries tries. A bad or
 * removed mark on @slot goes too, whether or not state_invalidate() ran
 * before: an armed slot is never also bad.
 */
void state_arm(struct comp_state *c, int slot, const struct slot_info *img, unsigned int tries);

/**
 * state_disarm() - drop an armed trial that never ran (a removal, or a newer
 * install replacing part of its set): its slot is marked removed, so it can
 * never become active; no removal record (nothing the user ran was removed).
 * No effect when nothing is armed.
 */
void state_disarm(struct comp_state *c);

/**
 * state_spend_try() - take one try of the armed trial before attempting it
 * Return: true when a try was taken, false when none was left (or none armed).
 */
bool state_spend_try(struct comp_state *c);

/**
 * state_commit() - the trial passed: it becomes the active slot. Committing a
 * baseline raises the floor to its security version (never lowers it); a patch
 * never changes the floor. A removal record at or below what commits is
 * dropped (a newer image arrived, or the user forced the removed one back). No
 * effect when nothing is armed.
 */
void state_commit(struct comp_state *c);

/**
 * state_fallback() - the trial failed: the active slot stays, the trial slot is
 * marked bad (failed) and the failure recorded
 * @c:      the component
 * @reason: a reason of exit category 6 (SF_R_HEALTH, SF_R_TRIES, ...)
 * @detail: what failed (sanitised and cut to fit), may be ""
 * No effect when nothing is armed.
 */
void state_fallback(struct comp_state *c, int reason, const char *detail);

/**
 * state_remove() - user removal (DESIGN §1)
 *
 * With a trial armed, the trial is dropped (state_disarm(); the caller drops
 * the rest of its set too). Otherwise the other slot becomes active, if it
 * holds a good image at or above the floor, the slot left behind is marked
 * removed, and its image is recorded as removed (a patch of that security
 * version or lower is refused by a later install).
 *
 * Return: 0, or -SF_EPOLICY (SF_R_CANNOT_REMOVE) with the reason ("slot a of
 * webkit is empty", "slot a of webkit was removed", "slot a of webkit holds
 * security version 3, below the floor 5").
 */
int state_remove(struct comp_state *c, struct sf_err *err) __attribute__((warn_unused_result));

/**
 * state_req_each() - walk a recorded requirement list (struct slot_info @req):
 * "c>=v" entries separated by one blank. A version holds no '=', so an entry
 * ends where the next "name>=" begins.
 * @req:  the list, "" for none
 * @fn:   called with each entry's component and version; a non-zero return
 *        stops the walk and is returned; may be NULL (only check the list)
 * @priv: for @fn
 * Return: 0, @fn's value, or -EINVAL when @req is not such a list.
 */
int state_req_each(const char *req, int (*fn)(void *priv, const char *comp, const char *version), void *priv)
	__attribute__((warn_unused_result));

/**
 * state_salvage() - read what can be read of a broken component, variable by
 * variable, for an operator's repair: slots whose variables all read keep
 * their image, others are empty; the floor, the failure and removal records
 * and a bad mark are kept when they read; nothing is armed
 * @c:        out: the component (not broken)
 * @env:      the sf_* variables
 * @name:     the component
 * @active:   the slot the operator says it runs
 * @floor_ok: out: the floor read
 */
void state_salvage(struct comp_state *c, const struct kv *env, const char *name, int active, bool *floor_ok);

/**
 * state_test_armed() - is the armed trial of @c a test release?
 */
bool state_test_armed(const struct comp_state *c);

/**
 * state_test_back() - a test release passed and was committed: return to the
 * slot it replaced, at once (the slot left is marked removed; no removal
 * record: a rehearsal's removal never blocks a later patch) and record it
 * passed with its timings. No effect unless @c's active slot is the test
 * release it just committed.
 */
void state_test_back(struct comp_state *c, uint32_t activate_ms, uint32_t remove_ms);

/**
 * state_ran() - has the armed trial of @c run? A reboot component's did when
 * U-Boot booted it (@booted is the slot the kernel command line names); a soft
 * component's when a try was spent on it (@tries below @max_tries).
 */
bool state_ran(const struct comp_state *c, bool reboot, int booted, unsigned int max_tries);

#endif /* SF_STATE_H */
