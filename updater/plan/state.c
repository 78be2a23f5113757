// SPDX-License-Identifier: MIT
#include "plan/state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define VAR_MAX KV_NAME_MAX

const char *slot_name(int slot)
{
	return slot == SLOT_A ? "a" : slot == SLOT_B ? "b" : "";
}

const char *slot_state_name(enum slot_state s)
{
	static const char *const names[] = {
		[SLOT_EMPTY] = "empty", [SLOT_GOOD] = "good", [SLOT_TRIAL] = "trial",
		[SLOT_BAD] = "bad",	[SLOT_REMOVED] = "removed",
	};

	return names[s];
}

static void var_name(char out[VAR_MAX], const char *comp, const char *suffix)
{
	snprintf(out, VAR_MAX, "sf_%s_%s", comp, suffix);
}

static const char *get_var(const struct kv *env, const char *comp, const char *suffix, char name[VAR_MAX])
{
	const char *v;

	var_name(name, comp, suffix);
	v = kv_get(env, name);
	return v ? v : "";
}

/* "a"/"b" → slot; "" → SLOT_NONE when @empty_ok. */
static int parse_slot(const char *v, bool empty_ok, int *slot)
{
	if (!strcmp(v, "a"))
		*slot = SLOT_A;
	else if (!strcmp(v, "b"))
		*slot = SLOT_B;
	else if (empty_ok && !*v)
		*slot = SLOT_NONE;
	else
		return -EINVAL;
	return 0;
}

/* Decimal u32 without sign, blanks or leading zeros ("0" itself is fine). */
static int parse_u32(const char *v, uint32_t *out)
{
	uint64_t n = 0;

	if (!*v || (v[0] == '0' && v[1]))
		return -EINVAL;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > UINT32_MAX)
			return -ERANGE;
	}
	*out = (uint32_t)n;
	return 0;
}

static int comp_from_env(struct comp_state *c, const struct kv *env, const char *comp, struct sf_err *err)
{
	char name[VAR_MAX];
	const char *v;
	uint32_t u;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", comp);

	v = get_var(env, comp, "active", name);
	if (!*v)
		return sf_fail(err, SF_ECONFIG, "%s is not initialised (%s is not set); run 'slotflip init'",
			       comp, name);
	if (parse_slot(v, false, &c->active))
		goto bad_value;

	v = get_var(env, comp, "trial", name);
	if (parse_slot(v, true, &c->trial))
		goto bad_value;
	if (c->trial == c->active)
		return sf_fail(err, SF_ECONFIG, "%s = '%s' names the active slot", name, v);

	v = get_var(env, comp, "tries", name);
	if (*v && parse_u32(v, &u))
		goto bad_number;
	c->tries = *v ? u : 0;
	if (c->trial == SLOT_NONE)
		c->tries = 0;

	v = get_var(env, comp, "bad", name);
	if (parse_slot(v, true, &c->bad))
		goto bad_value;
	v = get_var(env, comp, "bad_why", name);
	if (!strcmp(v, "removed"))
		c->bad_why = BAD_REMOVED;
	else if (!strcmp(v, "failed") || (!*v && c->bad == SLOT_NONE))
		c->bad_why = BAD_FAILED;
	else
		goto bad_value;

	v = get_var(env, comp, "floor", name);
	if (*v && parse_u32(v, &c->floor))
		goto bad_number;

	for (int s = SLOT_A; s <= SLOT_B; s++) {
		char suffix[8];

		snprintf(suffix, sizeof(suffix), "%s_ver", slot_name(s));
		v = get_var(env, comp, suffix, name);
		if (*v && !sf_version_valid(v, strlen(v)))
			goto bad_value;
		strcpy(c->slot[s].version, v);
		snprintf(suffix, sizeof(suffix), "%s_sv", slot_name(s));
		v = get_var(env, comp, suffix, name);
		if (*v && parse_u32(v, &c->slot[s].sv))
			goto bad_number;
		if (!*v && c->slot[s].version[0])
			return sf_fail(err, SF_ECONFIG, "%s is not set although slot %s of %s holds '%s'", name,
				       slot_name(s), comp, c->slot[s].version);
	}
	return 0;

bad_number:
	return sf_fail(err, SF_ECONFIG, "%s = '%s' is not a number", name, v);
bad_value:
	return sf_fail(err, SF_ECONFIG, "%s = '%s' is not a valid value", name, v);
}

int state_from_env(struct sys_state *st, const struct kv *env, const char *const names[], unsigned int n,
		   struct sf_err *err)
{
	int ret;

	if (n > CONFIG_MAX_COMPONENTS)
		return sf_fail(err, SF_ECONFIG, "%u components, at most %d are supported", n,
			       CONFIG_MAX_COMPONENTS);
	st->n = 0;
	for (unsigned int i = 0; i < n; i++) {
		ret = comp_from_env(&st->c[i], env, names[i], err);
		if (ret)
			return ret;
		st->n++;
	}
	return 0;
}

static int put(struct kv *env, const char *comp, const char *suffix, const char *value, struct sf_err *err)
{
	char name[VAR_MAX];
	int ret;

	var_name(name, comp, suffix);
	ret = kv_set(env, name, *value ? value : NULL);
	if (ret)
		return sf_fail_errno(err, SF_EFAIL, ret, "cannot set %s", name);
	return 0;
}

static int put_u32(struct kv *env, const char *comp, const char *suffix, uint32_t v, bool set,
		   struct sf_err *err)
{
	char buf[16] = "";

	if (set)
		snprintf(buf, sizeof(buf), "%u", (unsigned int)v);
	return put(env, comp, suffix, buf, err);
}

static int comp_to_env(const struct comp_state *c, struct kv *env, struct sf_err *err)
{
	const char *n = c->name;
	bool trial = c->trial != SLOT_NONE, bad = c->bad != SLOT_NONE;
	int ret;

	ret = put(env, n, "active", slot_name(c->active), err);
	ret = ret ?: put(env, n, "trial", slot_name(c->trial), err);
	ret = ret ?: put_u32(env, n, "tries", c->tries, trial, err);
	ret = ret ?: put(env, n, "bad", slot_name(c->bad), err);
	ret = ret ?: put(env, n, "bad_why", !bad ? "" : c->bad_why == BAD_REMOVED ? "removed" : "failed", err);
	ret = ret ?: put_u32(env, n, "floor", c->floor, true, err);
	ret = ret ?: put(env, n, "a_ver", c->slot[SLOT_A].version, err);
	ret = ret ?: put_u32(env, n, "a_sv", c->slot[SLOT_A].sv, c->slot[SLOT_A].version[0], err);
	ret = ret ?: put(env, n, "b_ver", c->slot[SLOT_B].version, err);
	ret = ret ?: put_u32(env, n, "b_sv", c->slot[SLOT_B].sv, c->slot[SLOT_B].version[0], err);
	return ret;
}

int state_to_env(const struct sys_state *st, struct kv *env, struct sf_err *err)
{
	int ret;

	for (unsigned int i = 0; i < st->n; i++) {
		ret = comp_to_env(&st->c[i], env, err);
		if (ret)
			return ret;
	}
	return 0;
}

int state_find(const struct sys_state *st, const char *name)
{
	for (unsigned int i = 0; i < st->n; i++)
		if (!strcmp(st->c[i].name, name))
			return (int)i;
	return -1;
}

enum slot_state state_slot(const struct comp_state *c, int slot)
{
	if (c->trial == slot)
		return SLOT_TRIAL;
	if (c->bad == slot)
		return c->bad_why == BAD_REMOVED ? SLOT_REMOVED : SLOT_BAD;
	if (!c->slot[slot].version[0])
		return SLOT_EMPTY;
	return SLOT_GOOD;
}

void state_init_comp(struct comp_state *c, const char *name, const char *version, uint32_t sv)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->active = SLOT_A;
	c->trial = SLOT_NONE;
	c->bad = SLOT_NONE;
	if (version) {
		snprintf(c->slot[SLOT_A].version, sizeof(c->slot[SLOT_A].version), "%s", version);
		c->slot[SLOT_A].sv = sv;
		c->floor = sv;
	}
}

void state_invalidate(struct comp_state *c, int slot)
{
	c->slot[slot].version[0] = '\0';
	c->slot[slot].sv = 0;
	if (c->trial == slot) {
		c->trial = SLOT_NONE;
		c->tries = 0;
	}
	if (c->bad == slot)
		c->bad = SLOT_NONE;
}

void state_arm(struct comp_state *c, int slot, const char *version, uint32_t sv, unsigned int tries)
{
	snprintf(c->slot[slot].version, sizeof(c->slot[slot].version), "%s", version);
	c->slot[slot].sv = sv;
	if (c->bad == slot)
		c->bad = SLOT_NONE;
	c->trial = slot;
	c->tries = tries;
}

bool state_spend_try(struct comp_state *c)
{
	if (c->trial == SLOT_NONE || c->tries == 0)
		return false;
	c->tries--;
	return true;
}

void state_commit(struct comp_state *c)
{
	const struct slot_info *s;

	if (c->trial == SLOT_NONE)
		return;
	s = &c->slot[c->trial];
	if (!sf_version_is_patch(s->version) && s->sv > c->floor)
		c->floor = s->sv;
	c->active = c->trial;
	c->trial = SLOT_NONE;
	c->tries = 0;
}

void state_fallback(struct comp_state *c)
{
	if (c->trial == SLOT_NONE)
		return;
	c->bad = c->trial;
	c->bad_why = BAD_FAILED;
	c->trial = SLOT_NONE;
	c->tries = 0;
}

int state_remove(struct comp_state *c, struct sf_err *err)
{
	int other = slot_other(c->active);
	const struct slot_info *s = &c->slot[other];

	if (c->trial != SLOT_NONE) {
		c->bad = c->trial;
		c->bad_why = BAD_REMOVED;
		c->trial = SLOT_NONE;
		c->tries = 0;
		return 0;
	}
	switch (state_slot(c, other)) {
	case SLOT_EMPTY:
		return sf_fail(err, SF_EPOLICY, "cannot remove the update of %s: slot %s holds no image", c->name,
			       slot_name(other));
	case SLOT_BAD:
		return sf_fail(err, SF_EPOLICY, "cannot remove the update of %s: slot %s failed its trial",
			       c->name, slot_name(other));
	case SLOT_REMOVED:
		return sf_fail(err, SF_EPOLICY, "cannot remove the update of %s: slot %s was removed before",
			       c->name, slot_name(other));
	default:
		break;
	}
	if (s->sv < c->floor)
		return sf_fail(err, SF_EPOLICY,
			       "cannot remove the update of %s: slot %s holds %s with security version %u, below the floor %u",
			       c->name, slot_name(other), s->version, (unsigned int)s->sv, (unsigned int)c->floor);
	c->bad = c->active;
	c->bad_why = BAD_REMOVED;
	c->active = other;
	return 0;
}
