/* SPDX-License-Identifier: MIT */
/*
 * plan — decide what an install does, or why it must not happen. Pure: a verified
 * bundle and the current state in, a plan or a refusal out; no I/O, so every
 * policy rule is a unit test.
 *
 * Policy (DESIGN §1, §3, §5), checked for every image before anything is written:
 *  - the bundle's board (configuration `compatible`) equals this board's;
 *  - the component exists on this board and its state is readable;
 *  - its security version is at or above the component's floor, and at or
 *    above the security version of the image its active slot runs (going back
 *    is what removal is for: a captured older bundle cannot undo a patch);
 *  - a patch (`slotflip,base-version` set) needs an active slot that holds a
 *    version whose baseline equals the patch's base version;
 *  - a patch at or below the security version of the last image the user
 *    removed from that component is refused, unless the caller allows it;
 *  - every `slotflip,requires` entry "c>=v" holds for the version c will run:
 *    the one in this bundle, else the active slot's; and the recorded
 *    requirements of every other component's active image and armed trial
 *    still hold once this bundle runs;
 *  - the image fits the target slot;
 *  - a test release holds only patches, of components activated softly.
 * The target is always the inactive slot (the other one than sf_C_active); an
 * armed trial there is simply replaced, and the rest of its set is disarmed (a
 * bundle is one transaction: part of it never runs alone).
 */
#ifndef SF_PLAN_H
#define SF_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "common/sf_err.h"
#include "fit/fit.h"
#include "plan/state.h"

/**
 * struct plan_input - what the planner needs to know about the board
 * @board:     this board's name (system description `slotflip,board`)
 * @st:        current state of every component
 * @slot_size: bytes of slot a and b, per component, in @st order
 * @allow_removed: install a patch the user removed before
 * @reboot:    per component, in @st order: activated by a reboot (a test
 *             release rehearses a soft restart: refused for those); may be
 *             NULL when the bundle is not a test release
 */
struct plan_input {
	const char *board;
	const struct sys_state *st;
	const uint64_t (*slot_size)[2];
	bool allow_removed;
	const bool *reboot;
};

/**
 * struct plan_item - one image to write
 * @comp:  component index in the state
 * @slot:  target slot
 * @image: image index in the bundle
 */
struct plan_item {
	unsigned int comp;
	int slot;
	unsigned int image;
};

/** struct plan - the images to write, in bundle order */
struct plan {
	unsigned int n;
	struct plan_item item[CONFIG_MAX_BUNDLE_IMAGES];
};

/**
 * plan_install() - check policy and choose the target slots
 * @b:   a bundle header that fit_verify() accepted
 * @in:  the board and its state
 * @out: the plan, on success
 * @err: failure reason
 *
 * Return: 0, or -SF_EPOLICY naming the rule, component and values, with the
 * reason SF_R_WRONG_BOARD ("bundle is for board 'x', this board is 'y'"),
 * SF_R_NO_SUCH_COMPONENT, SF_R_BELOW_FLOOR ("security version 4 is below the
 * floor 5 of webkit"), SF_R_DOWNGRADE, SF_R_WRONG_BASELINE ("patch needs
 * baseline 26.9, slot a holds 26.3"), SF_R_REMOVED_BEFORE, SF_R_REQUIRES or
 * SF_R_SLOT_TOO_SMALL ("image of webkit is N bytes, slot b holds only M": for
 * a delta the size it makes; "the delta for webkit applies to N bytes, active
 * slot a holds only M"), SF_R_POLICY (a test release that is not a patch of a
 * soft component); -SF_ECONFIG (the component's own reason) when a
 * component of the bundle is broken; -SF_EVERIFY (SF_R_LIMIT) when an image's
 * requirements are too long to be recorded.
 */
int plan_install(const struct fit_bundle *b, const struct plan_input *in, struct plan *out,
		 struct sf_err *err) __attribute__((warn_unused_result));

/**
 * plan_apply_invalidate() - env store (1): invalidate every target slot of @p
 * and disarm the rest of every set a target's trial belonged to
 */
void plan_apply_invalidate(struct sys_state *st, const struct plan *p);

/**
 * plan_apply_arm() - env store (2): record each written image (version,
 * security version, the bundle's id, its requirements) and arm the targets
 * together, each with @tries tries: one set
 */
void plan_apply_arm(struct sys_state *st, const struct plan *p, const struct fit_bundle *b, unsigned int tries);

/**
 * plan_requires() - do the requirements of every image that would run hold?
 * @st:  the state
 * @run: per component of @st, the image that would run; NULL entries (or a
 *       NULL @run) mean the component's active slot
 * @err: failure reason
 *
 * Broken components and slots without a version are skipped as requirers; a
 * requirement on a broken component, or on one that runs no version, is unmet.
 *
 * Return: 0, or -SF_EPOLICY (SF_R_REQUIRES) naming the first unmet one:
 * "webkit 27.0 requires kernel>=6.2, the board would run kernel 6.1".
 */
int plan_requires(const struct sys_state *st, const struct slot_info *const run[], struct sf_err *err)
	__attribute__((warn_unused_result));

/**
 * plan_image_slot() - what a bundle image will record in its slot: version,
 * security version, the bundle's id and its requirements as a list
 * Return: 0, or -SF_EVERIFY (SF_R_LIMIT) when the requirements do not fit.
 */
int plan_image_slot(const struct fit_bundle *b, const struct fit_image *img, struct slot_info *out,
		    struct sf_err *err) __attribute__((warn_unused_result));

#endif /* SF_PLAN_H */
