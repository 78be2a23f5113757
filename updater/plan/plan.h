/* SPDX-License-Identifier: MIT */
/*
 * plan — decide what an install does, or why it must not happen. Pure: a verified
 * bundle and the current state in, a plan or a refusal out; no I/O, so every
 * policy rule is a unit test.
 *
 * Policy (DESIGN §1, §3, §5), checked for every image before anything is written:
 *  - the bundle's board (configuration `compatible`) equals this board's;
 *  - the component exists on this board;
 *  - its security version is at or above the component's floor;
 *  - a patch (`slotflip,base-version` set) needs an active slot that holds a
 *    version whose baseline equals the patch's base version, and, when the active
 *    slot holds that baseline itself, a security version at or above it;
 *  - every `slotflip,requires` entry "c>=v" holds for the version c will run:
 *    the one in this bundle, else the active slot's;
 *  - the image fits the target slot.
 * The target is always the inactive slot (the other one than sf_C_active); an
 * armed trial there is simply replaced.
 */
#ifndef SF_PLAN_H
#define SF_PLAN_H

#include <stdint.h>

#include "common/sf_err.h"
#include "fit/fit.h"
#include "plan/state.h"

/**
 * struct plan_input - what the planner needs to know about the board
 * @board:     this board's name (system description `slotflip,board`)
 * @st:        current state of every component
 * @slot_size: bytes of slot a and b, per component, in @st order
 */
struct plan_input {
	const char *board;
	const struct sys_state *st;
	const uint64_t (*slot_size)[2];
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
 * Return: 0, or -SF_EPOLICY naming the rule, component and values, e.g.
 * "bundle is for board 'x', this board is 'y'", "security version 4 is below the
 * floor 5 of webkit", "patch needs baseline 26.9, slot a holds 26.3".
 */
int plan_install(const struct fit_bundle *b, const struct plan_input *in, struct plan *out,
		 struct sf_err *err) __attribute__((warn_unused_result));

/** plan_apply_invalidate() - env store (1): invalidate every target slot of @p */
void plan_apply_invalidate(struct sys_state *st, const struct plan *p);

/**
 * plan_apply_arm() - env store (2): record each written image and arm the targets
 * together, each with @tries tries
 */
void plan_apply_arm(struct sys_state *st, const struct plan *p, const struct fit_bundle *b, unsigned int tries);

#endif /* SF_PLAN_H */
