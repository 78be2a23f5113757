// SPDX-License-Identifier: MIT
/* The install policy, rule by rule, on hand-made verified bundles. */
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"
#include "tap.h"

static struct sys_state st;
static uint64_t sizes[CONFIG_MAX_COMPONENTS][2];
static struct fit_bundle b;

static void board(void)
{
	st.n = 2;
	state_init_comp(&st.c[0], "webkit", "26.3", 5);
	state_init_comp(&st.c[1], "libcrypto", "3.0", 2);
	for (int i = 0; i < 2; i++)
		sizes[i][0] = sizes[i][1] = 1 << 20;
	memset(&b, 0, sizeof(b));
	strcpy(b.board, "qemu-x86_64");
}

static struct fit_image *image(const char *comp, const char *version, const char *base, uint32_t sv)
{
	struct fit_image *img = &b.image[b.n_images++];

	snprintf(img->node, sizeof(img->node), "%s-1", comp);
	snprintf(img->component, sizeof(img->component), "%s", comp);
	snprintf(img->version, sizeof(img->version), "%s", version);
	snprintf(img->base_version, sizeof(img->base_version), "%s", base ? base : "");
	img->security_version = sv;
	img->data_size = 4096;
	img->data_offset = 4096 * b.n_images;
	return img;
}

static int plan(struct plan *p, struct sf_err *err)
{
	struct plan_input in = { .board = "qemu-x86_64", .st = &st, .slot_size = (const uint64_t(*)[2])sizes };

	memset(err, 0, sizeof(*err));
	return plan_install(&b, &in, p, err);
}

#define refused(needle, what)                                                                     \
	do {                                                                                      \
		is_int(plan(&p, &err), -SF_EPOLICY, what);                                        \
		ok(strstr(err.msg, needle) != NULL, "  says '%s': %s", needle, err.msg);          \
	} while (0)

static void test_board_and_floor(void)
{
	struct sf_err err;
	struct plan p;

	board();
	image("webkit", "26.3 (a)", "26.3", 6);
	is_int(plan(&p, &err), 0, "patch on its baseline is planned");
	is_int(p.n, 1, "one item");
	is_int(p.item[0].slot, SLOT_B, "target is the inactive slot");

	board();
	strcpy(b.board, "other-board");
	image("webkit", "26.4", NULL, 6);
	refused("bundle is for board 'other-board', this board is 'qemu-x86_64'", "foreign board refused");

	board();
	image("webkit", "26.2", NULL, 4);
	refused("security version 4 is below the floor 5 of webkit", "rollback below the floor refused");

	board();
	image("webkit", "26.3", NULL, 5);
	is_int(plan(&p, &err), 0, "same security version as the floor is allowed (reinstall)");

	board();
	image("chromium", "1.0", NULL, 1);
	refused("component 'chromium', which this board does not have", "unknown component refused");

	board();
	sizes[0][SLOT_B] = 4095;
	image("webkit", "26.4", NULL, 6);
	refused("image of webkit is 4096 bytes, slot b holds only 4095", "image larger than its slot refused");
}

static void test_patches(void)
{
	struct sf_err err;
	struct plan p;

	board();
	image("webkit", "26.9 (a)", "26.9", 7);
	refused("patch needs baseline 26.9, slot a holds 26.3", "patch for another baseline refused");

	board();
	image("webkit", "26.3 (a)", "26.3", 4);
	refused("security version 4 is below the floor 5", "patch below the floor refused");

	board();
	st.c[0].floor = 0;
	image("webkit", "26.3 (a)", "26.3", 4);
	refused("below its baseline's 5", "patch below its baseline's security version refused");

	board();
	state_init_comp(&st.c[0], "webkit", NULL, 0);
	image("webkit", "26.3 (a)", "26.3", 4);
	refused("holds no version", "patch on an empty active slot refused");

	board();
	st.c[0].active = SLOT_B;
	st.c[0].slot[SLOT_B] = st.c[0].slot[SLOT_A];
	strcpy(st.c[0].slot[SLOT_B].version, "26.3 (a)");
	image("webkit", "26.3 (b)", "26.3", 6);
	is_int(plan(&p, &err), 0, "patch on a patch of the same baseline is planned");
	is_int(p.item[0].slot, SLOT_A, "it replaces the baseline in slot a");
}

static void test_requires(void)
{
	struct fit_image *img;
	struct sf_err err;
	struct plan p;

	board();
	img = image("webkit", "26.4", NULL, 6);
	img->n_requires = 1;
	strcpy(img->requires[0].component, "libcrypto");
	strcpy(img->requires[0].version, "3.1");
	refused("requires libcrypto>=3.1, the board would run 3.0", "unmet requirement refused");
	image("libcrypto", "3.1", NULL, 3);
	is_int(plan(&p, &err), 0, "requirement met by the same bundle");
	is_int(p.n, 2, "two items");

	board();
	img = image("webkit", "26.4", NULL, 6);
	img->n_requires = 1;
	strcpy(img->requires[0].component, "libcrypto");
	strcpy(img->requires[0].version, "2.9");
	is_int(plan(&p, &err), 0, "requirement met by the running version");
	strcpy(img->requires[0].component, "kernel");
	refused("requires kernel>=2.9, which this board does not run", "requirement on a missing component refused");
}

static void test_store_transitions(void)
{
	struct sf_err err;
	struct plan p;

	board();
	st.c[0].trial = SLOT_B;
	st.c[0].tries = 2;
	image("webkit", "26.3 (a)", "26.3", 6);
	is_int(plan(&p, &err), 0, "installing over an armed trial is allowed");
	plan_apply_invalidate(&st, &p);
	is_int(st.c[0].trial, SLOT_NONE, "store (1) disarms it");
	is_int(state_slot(&st.c[0], SLOT_B), SLOT_EMPTY, "and empties the target");
	plan_apply_arm(&st, &p, &b, 3);
	is_int(st.c[0].trial, SLOT_B, "store (2) arms the target");
	is_str(st.c[0].slot[SLOT_B].version, "26.3 (a)", "with its version");
	is_int(st.c[0].slot[SLOT_B].sv, 6, "and security version");
	is_int(st.c[0].tries, 3, "and max tries");
	is_int(st.c[0].active, SLOT_A, "the active slot never changes on install");
}

int main(void)
{
	test_board_and_floor();
	test_patches();
	test_requires();
	test_store_transitions();
	return tap_done();
}
