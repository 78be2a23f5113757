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

#define refused_for(code, needle, what)                                                           \
	do {                                                                                      \
		refused(needle, what);                                                            \
		is_str(sf_reason_name(err.reason), sf_reason_name(code), "  reason");             \
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
	strcpy(b.board, "qemu-x86");
	image("webkit", "26.4", NULL, 6);
	refused("bundle is for board 'qemu-x86', this board is 'qemu-x86_64'", "board named by a prefix of ours refused");

	board();
	strcpy(b.board, "qemu-x86_64-v2");
	image("webkit", "26.4", NULL, 6);
	refused("bundle is for board 'qemu-x86_64-v2'", "board whose name starts with ours refused");

	board();
	image("chromium", "1.0", NULL, 1);
	refused("component 'chromium', which this board does not have", "unknown component refused");

	board();
	sizes[0][SLOT_B] = 4095;
	image("webkit", "26.4", NULL, 6);
	refused("image of webkit is 4096 bytes, slot b holds only 4095", "image larger than its slot refused");

	board();
	sizes[0][SLOT_B] = 4096;
	image("webkit", "26.4", NULL, 6);
	is_int(plan(&p, &err), 0, "an image exactly the size of its slot is planned");
}

/* A delta's slot needs are the sizes it makes and reads, not its payload's. */
static void test_delta_sizes(void)
{
	struct sf_err err;
	struct fit_image *img;
	struct plan p;

	board();
	img = image("webkit", "26.3 (a)", "26.3", 6);
	strcpy(img->delta.format, "sfdelta-1");
	img->delta.source_size = 1 << 20;
	img->delta.target_size = 1 << 20;
	is_int(plan(&p, &err), 0, "delta filling both slots exactly is planned");

	board();
	img = image("webkit", "26.3 (a)", "26.3", 6);
	strcpy(img->delta.format, "sfdelta-1");
	img->delta.source_size = 1000;
	img->delta.target_size = (1 << 20) + 1;
	refused("image of webkit is 1048577 bytes, slot b holds only 1048576",
		"delta making more than the target slot holds refused (its payload is 4096 bytes)");

	board();
	img = image("webkit", "26.3 (a)", "26.3", 6);
	strcpy(img->delta.format, "sfdelta-1");
	img->delta.source_size = (1 << 20) + 1;
	img->delta.target_size = 1000;
	refused("the delta for webkit applies to 1048577 bytes, active slot a holds only 1048576",
		"delta reading more than the active slot holds refused");
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
	refused_for(SF_R_DOWNGRADE, "below the 5 of 26.3 running from slot a",
		    "patch below its baseline's security version refused");

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
	refused_for(SF_R_REQUIRES, "requires libcrypto>=3.1, the board would run libcrypto 3.0",
		    "unmet requirement refused");
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
	refused("requires kernel>=2.9, which this board would not run", "requirement on a missing component refused");

	/* the recorded requirements of what runs already must hold once the bundle runs */
	board();
	strcpy(st.c[0].slot[SLOT_A].req, "libcrypto>=3.0");
	image("libcrypto", "2.9", NULL, 2);
	refused_for(SF_R_REQUIRES, "webkit 26.3 requires libcrypto>=3.0, the board would run libcrypto 2.9",
		    "a bundle breaking the running image's requirement refused");
	board();
	strcpy(st.c[0].slot[SLOT_A].req, "libcrypto>=3.0");
	image("libcrypto", "3.2", NULL, 2);
	is_int(plan(&p, &err), 0, "a bundle keeping it is planned");
	/* and those of an armed trial of another bundle */
	board();
	state_arm(&st.c[0], SLOT_B, &(struct slot_info){ .version = "27.0", .sv = 6, .req = "libcrypto>=3.0" }, 3);
	image("libcrypto", "2.9", NULL, 2);
	refused_for(SF_R_REQUIRES, "webkit 27.0 requires libcrypto>=3.0", "a bundle breaking an armed trial refused");
	/* an armed set runs as a whole: a member's requirement on another member holds */
	board();
	st.n = 3;
	state_init_comp(&st.c[2], "kernel", "6.1", 1);
	sizes[2][0] = sizes[2][1] = 1 << 20;
	state_arm(&st.c[0], SLOT_B,
		  &(struct slot_info){ .version = "27.0", .sv = 6, .id = "00000000000000aa", .req = "libcrypto>=3.1" }, 3);
	state_arm(&st.c[1], SLOT_B, &(struct slot_info){ .version = "3.1", .sv = 3, .id = "00000000000000aa" }, 3);
	image("kernel", "6.2", NULL, 2);
	is_int(plan(&p, &err), 0, "a bundle beside an armed set whose member requires another member is planned");
	/* a bundle replacing part of the set disarms the rest: its requirement no longer counts */
	board();
	st.n = 3;
	state_init_comp(&st.c[2], "kernel", "6.1", 1);
	state_arm(&st.c[0], SLOT_B,
		  &(struct slot_info){ .version = "27.0", .sv = 6, .id = "00000000000000aa", .req = "kernel>=6.2" }, 3);
	state_arm(&st.c[2], SLOT_B, &(struct slot_info){ .version = "6.2", .sv = 2, .id = "00000000000000aa" }, 3);
	image("kernel", "6.1 (a)", "6.1", 1);
	is_int(plan(&p, &err), 0, "a bundle replacing a member of an armed set is not held to the rest's requirements");
	/* the list an image records */
	{
		struct slot_info si;

		board();
		img = image("webkit", "27.0", NULL, 6);
		img->n_requires = 2;
		strcpy(img->requires[0].component, "libcrypto");
		strcpy(img->requires[0].version, "3.0 (a)");
		strcpy(img->requires[1].component, "kernel");
		strcpy(img->requires[1].version, "6.2");
		strcpy(b.id, "0123456789abcdef");
		is_int(plan_image_slot(&b, img, &si, &err), 0, "the slot record of an image");
		is_str(si.req, "libcrypto>=3.0 (a) kernel>=6.2", "  lists its requirements");
		is_str(si.id, "0123456789abcdef", "  names its bundle");
		strcpy(img->requires[1].version, "6.2.0000000000000000000000000000000000000000000000000000000000");
		is_int(plan_image_slot(&b, img, &si, &err), -SF_EVERIFY, "requirements longer than a variable holds");
		is_int(err.reason, SF_R_LIMIT, "  limit-exceeded");
	}
}

/* No replay downgrade; a removed patch is not installed again silently; broken components. */
static void test_transactions(void)
{
	struct sf_err err;
	struct plan p;

	board();
	st.c[0].active = SLOT_B;
	st.c[0].slot[SLOT_B] = st.c[0].slot[SLOT_A];
	strcpy(st.c[0].slot[SLOT_B].version, "26.3 (a)");
	st.c[0].slot[SLOT_B].sv = 7;
	image("webkit", "26.3", NULL, 5);
	refused_for(SF_R_DOWNGRADE, "has security version 5, below the 7 of 26.3 (a) running from slot b",
		    "a captured older baseline over a running patch refused");
	ok(strstr(err.msg, "'slotflip remove'") != NULL, "  and says how to go back");

	board();
	strcpy(st.c[0].removed.version, "26.3 (b)");
	st.c[0].removed.sv = 7;
	image("webkit", "26.3 (b)", "26.3", 7);
	refused_for(SF_R_REMOVED_BEFORE, "26.3 (b) was removed from webkit (security version 7)",
		    "a removed patch is not installed again");
	ok(strstr(err.msg, "--allow-removed") != NULL, "  and says how to force it");
	{
		struct plan_input in = { .board = "qemu-x86_64", .st = &st, .slot_size = (const uint64_t(*)[2])sizes,
					 .allow_removed = true };

		is_int(plan_install(&b, &in, &p, &err), 0, "  unless forced");
	}
	b.image[0].security_version = 8;
	strcpy(b.image[0].version, "26.3 (c)");
	is_int(plan(&p, &err), 0, "a patch with a higher security version installs");

	board();
	st.c[0].broken = true;
	sf_record(&st.c[0].why, SF_R_ENV_MALFORMED, "sf_webkit_tries = '03' is not a number");
	image("webkit", "26.4", NULL, 6);
	is_int(plan(&p, &err), -SF_ECONFIG, "a bundle for a component whose state cannot be read is refused");
	is_int(err.reason, SF_R_ENV_MALFORMED, "  with that component's reason: %s", err.msg);
	board();
	st.c[0].broken = true;
	image("libcrypto", "3.1", NULL, 3);
	is_int(plan(&p, &err), 0, "the other components install");
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

/* A test release: patches of soft components, on the baseline that runs. */
static void test_test_release(void)
{
	bool reboot[CONFIG_MAX_COMPONENTS] = { false, true };
	struct plan_input in = { .board = "qemu-x86_64", .st = &st, .slot_size = (const uint64_t(*)[2])sizes,
				 .reboot = reboot };
	struct sf_err err;
	struct plan p;

	board();
	b.test_release = true;
	image("webkit", "26.3 (t)", "26.3", 5);
	is_int(plan_install(&b, &in, &p, &err), 0, "a test release on its running baseline is planned");
	is_int(p.item[0].slot, SLOT_B, "  into the inactive slot");

	board();
	b.test_release = true;
	image("webkit", "26.4", NULL, 6);
	is_int(plan_install(&b, &in, &p, &err), -SF_EPOLICY, "a test release of a baseline");
	is_str(sf_reason_name(err.reason), "refused", "  reason refused: %s", err.msg);

	board();
	b.test_release = true;
	image("libcrypto", "3.0 (t)", "3.0", 2);
	is_int(plan_install(&b, &in, &p, &err), -SF_EPOLICY, "a test release of a reboot component");
	ok(strstr(err.msg, "activated by a reboot") != NULL, "  says so: %s", err.msg);

	/* webkit runs patch (a) in slot b, its baseline waits in slot a */
	board();
	b.test_release = true;
	st.c[0].active = SLOT_B;
	st.c[0].slot[SLOT_B] = st.c[0].slot[SLOT_A];
	strcpy(st.c[0].slot[SLOT_B].version, "26.3 (a)");
	image("webkit", "26.3 (t)", "26.3", 5);
	is_int(plan_install(&b, &in, &p, &err), -SF_EPOLICY, "a test release over a running patch");
	is_str(sf_reason_name(err.reason), "wrong-baseline", "  reason wrong-baseline: %s", err.msg);
	b.test_release = false;
	strcpy(b.image[0].version, "26.3 (c)");
	is_int(plan_install(&b, &in, &p, &err), 0, "  the same patch, not a test release, is planned");

	/* the user removed 26.3 (b), security version 6 */
	board();
	st.c[0].removed.sv = 6;
	strcpy(st.c[0].removed.version, "26.3 (b)");
	image("webkit", "26.3 (t)", "26.3", 5);
	is_int(plan_install(&b, &in, &p, &err), -SF_EPOLICY, "after a removal, a patch of a lower security version");
	is_str(sf_reason_name(err.reason), "removed-before", "  is refused as removed before");
	b.test_release = true;
	is_int(plan_install(&b, &in, &p, &err), 0, "  a test release is not: it reinstalls nothing removed");
}

int main(void)
{
	test_board_and_floor();
	test_delta_sizes();
	test_patches();
	test_requires();
	test_transactions();
	test_test_release();
	test_store_transitions();
	return tap_done();
}
