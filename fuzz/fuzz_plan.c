// SPDX-License-Identifier: MIT
/*
 * Planning from a parsed bundle and a state read from the environment, then
 * the state transitions, with the policy's properties checked after each step.
 *
 * Input: "name=value" lines (the sf_* variables) up to the first NUL byte;
 * then a bundle header (its size from its own first bytes); then one byte per
 * transition (component = byte % 3, operation = byte / 3 % 5). The bundle is
 * parsed with fit_inspect(): the same structural and metadata checks as
 * fit_verify() without the signature (which a fuzzer cannot forge), so the
 * planner sees exactly what a signed bundle could make it see.
 *
 * Properties (DESIGN §1, §5): a plan targets the inactive slot of an existing
 * component, at or above its floor, fitting its slot, a patch only on its
 * baseline; the install's two stores never move the floor or the active slot;
 * the floor rises only when a baseline commits, never for a patch; removal
 * never returns below the floor; the state survives the environment round trip.
 */
#include <stdlib.h>
#include <string.h>

#include "common/kv.h"
#include "fit/fit.h"
#include "fuzz.h"
#include "plan/plan.h"
#include "plan/state.h"

#define N_COMPS 3
#define SLOT_SIZE (128 * 1024ULL)
#define MAX_STEPS 64 /* transitions per input: enough for any sequence of interest */

static const char *const names[N_COMPS] = { "webkit", "libcrypto", "kernel" };

/* Invalid names and values are not set: the state parser then sees them absent. */
static void set_var(struct kv *env, const char *name, const char *value)
{
	if (kv_set(env, name, value))
		return;
}

static void parse_env(const uint8_t *p, size_t len, struct kv *env)
{
	char line[KV_NAME_MAX + KV_VALUE_MAX + 2];

	while (len) {
		const uint8_t *nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) : len;
		char *eq;

		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			eq = strchr(line, '=');
			if (eq) {
				*eq = '\0';
				set_var(env, line, eq + 1);
			}
		}
		n += nl != NULL;
		p += n;
		len -= n;
	}
}

static void check_roundtrip(const struct sys_state *st)
{
	static struct kv env;
	static struct sys_state back;
	struct sf_err err;

	kv_clear(&env);
	fuzz_check(!state_to_env(st, &env, &err), "state_to_env");
	fuzz_check(!state_from_env(&back, &env, names, N_COMPS, &err), "a stored state reads back");
	fuzz_check(back.n == st->n, "same count");
	for (unsigned int i = 0; i < st->n; i++) {
		const struct comp_state *a = &st->c[i], *b = &back.c[i];

		fuzz_check(a->active == b->active && a->trial == b->trial && a->tries == b->tries &&
				   a->bad == b->bad && a->floor == b->floor,
			   "state survives the environment");
		for (int s = SLOT_A; s <= SLOT_B; s++)
			fuzz_check(!strcmp(a->slot[s].version, b->slot[s].version) &&
					   (!a->slot[s].version[0] || a->slot[s].sv == b->slot[s].sv),
				   "slots survive the environment");
	}
}

static void check_plan(const struct fit_bundle *b, const struct sys_state *st, const struct plan *p)
{
	fuzz_check(p->n == b->n_images, "one item per image");
	for (unsigned int k = 0; k < p->n; k++) {
		const struct plan_item *it = &p->item[k];
		const struct fit_image *img = &b->image[it->image];
		const struct comp_state *c;
		char base[SF_VERSION_MAX];

		fuzz_check(it->comp < st->n && it->image < b->n_images, "indexes");
		c = &st->c[it->comp];
		fuzz_check(!strcmp(c->name, img->component), "the image's component");
		fuzz_check(it->slot == slot_other(c->active), "the inactive slot");
		fuzz_check(img->security_version >= c->floor, "at or above the floor");
		fuzz_check(!c->slot[c->active].version[0] || img->security_version >= c->slot[c->active].sv,
			   "at or above the running image");
		fuzz_check(!c->broken, "never a broken component");
		fuzz_check(img->data_size <= SLOT_SIZE, "fits the slot");
		if (img->base_version[0]) {
			fuzz_check(c->slot[c->active].version[0] != '\0', "a patch needs a version");
			sf_version_baseline(c->slot[c->active].version, base);
			fuzz_check(!strcmp(base, img->base_version), "a patch only on its baseline");
		}
		for (unsigned int j = 0; j < k; j++)
			fuzz_check(p->item[j].comp != it->comp, "one image per component");
	}
}

static void check_install(const struct fit_bundle *b, const struct sys_state *st, const struct plan *p)
{
	struct sys_state next = *st;

	plan_apply_invalidate(&next, p);
	for (unsigned int k = 0; k < p->n; k++) {
		const struct comp_state *c = &next.c[p->item[k].comp], *o = &st->c[p->item[k].comp];

		fuzz_check(c->active == o->active && c->floor == o->floor, "store (1) keeps active and floor");
		fuzz_check(!c->slot[p->item[k].slot].version[0] && c->trial != p->item[k].slot,
			   "store (1) empties the target");
	}
	check_roundtrip(&next);
	plan_apply_arm(&next, p, b, 3);
	for (unsigned int k = 0; k < p->n; k++) {
		const struct comp_state *c = &next.c[p->item[k].comp], *o = &st->c[p->item[k].comp];

		fuzz_check(c->active == o->active && c->floor == o->floor, "store (2) keeps active and floor");
		fuzz_check(c->trial == p->item[k].slot && c->tries == 3, "store (2) arms the target");
	}
	check_roundtrip(&next);
}

/* One transition on component @c, its properties checked. */
static void transition(struct comp_state *c, unsigned int op)
{
	struct comp_state before = *c;
	struct sf_err err;

	switch (op) {
	case 0:
		(void)state_spend_try(c);
		fuzz_check(c->floor == before.floor && c->active == before.active, "a try moves nothing else");
		break;
	case 1:
		state_commit(c);
		fuzz_check(c->floor >= before.floor, "the floor never falls");
		if (before.trial == SLOT_NONE || sf_version_is_patch(before.slot[before.trial].version))
			fuzz_check(c->floor == before.floor, "only a baseline commit raises the floor");
		break;
	case 2:
		state_fallback(c, SF_R_HEALTH, "fuzz");
		fuzz_check(c->active == before.active && c->floor == before.floor, "a fallback keeps active and floor");
		break;
	case 3:
		if (!state_remove(c, &err) && c->active != before.active)
			fuzz_check(c->slot[c->active].sv >= c->floor && c->slot[c->active].version[0],
				   "removal never goes below the floor");
		fuzz_check(c->floor == before.floor, "removal keeps the floor");
		break;
	default:
		if (c->trial == SLOT_NONE) {
			struct slot_info img = { .version = "1.0", .sv = before.floor, .id = "0123456789abcdef" };

			state_invalidate(c, slot_other(c->active));
			state_arm(c, slot_other(c->active), &img, 2);
			fuzz_check(c->floor == before.floor, "installing never moves the floor");
		}
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kv env;
	static struct sys_state st;
	static struct plan plan;
	uint64_t slot_size[N_COMPS][2];
	const uint8_t *nul = memchr(data, '\0', size), *hdr;
	struct fit_bundle *b;
	struct sf_err err;
	unsigned int n_sigs = 0;
	size_t rest, hs;
	uint8_t *copy;

	if (!nul)
		return 0;
	kv_clear(&env);
	parse_env(data, (size_t)(nul - data), &env);
	if (state_from_env(&st, &env, names, N_COMPS, &err))
		return 0;
	check_roundtrip(&st);
	hdr = nul + 1;
	rest = size - (size_t)(hdr - data);
	if (fit_header_size(hdr, rest, &hs, &err) || hs > rest)
		return 0;
	copy = malloc(hs);
	b = calloc(1, sizeof(*b));
	fuzz_check(copy && b, "memory");
	memcpy(copy, hdr, hs);
	if (!fit_inspect(copy, hs, FIT_SIZE_UNKNOWN, b, NULL, &n_sigs, &err)) {
		const struct plan_input in = { .board = "sim", .st = &st,
					       .slot_size = (const uint64_t(*)[2])slot_size };

		for (unsigned int i = 0; i < N_COMPS; i++)
			slot_size[i][0] = slot_size[i][1] = SLOT_SIZE;
		if (!plan_install(b, &in, &plan, &err)) {
			fuzz_deep++;
			check_plan(b, &st, &plan);
			check_install(b, &st, &plan);
		} else {
			fuzz_check(err.cat == SF_EPOLICY || (err.cat == SF_ECONFIG && err.reason != SF_R_CONFIG) ||
					   err.reason == SF_R_LIMIT,
				   "a planner refusal is a policy refusal, a broken component or a requirement too long");
		}
	}
	for (const uint8_t *p = hdr + hs; p < data + size && p < hdr + hs + MAX_STEPS; p++)
		if (!st.c[*p % N_COMPS].broken)
			transition(&st.c[*p % N_COMPS], *p / N_COMPS % 5);
	check_roundtrip(&st);
	free(b);
	free(copy);
	return 0;
}
