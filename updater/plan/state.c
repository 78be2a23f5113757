// SPDX-License-Identifier: MIT
#include "plan/state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/text.h"

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

int state_req_each(const char *req, int (*fn)(void *priv, const char *comp, const char *version), void *priv)
{
	const char *p = req;

	while (*p) {
		char entry[SF_COMPONENT_MAX + 2 + SF_VERSION_MAX], comp[SF_COMPONENT_MAX], ver[SF_VERSION_MAX];
		const char *ge = strstr(p, ">="), *next, *end;
		int ret;

		if (!ge)
			return -EINVAL;
		/* the entry ends before the blank that precedes the next "name>=" */
		next = strstr(ge + 2, ">=");
		end = p + strlen(p);
		if (next) {
			while (next > ge + 2 && next[-1] != ' ')
				next--;
			if (next <= ge + 3)
				return -EINVAL;
			end = next - 1;
		}
		if ((size_t)(end - p) >= sizeof(entry))
			return -EINVAL;
		memcpy(entry, p, (size_t)(end - p));
		entry[end - p] = '\0';
		if (sf_require_parse(entry, comp, ver))
			return -EINVAL;
		if (fn) {
			ret = fn(priv, comp, ver);
			if (ret)
				return ret;
		}
		p = next ? next : end;
	}
	return 0;
}

/* Bytes [a-z0-9-], as a reason name recorded by slotflip or the boot script. */
static bool reason_text(const char *v, size_t len)
{
	if (!len || len >= STATE_REASON_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			return false;
	return true;
}

/* 16 lowercase hex digits, or "". */
static bool id_valid(const char *v)
{
	size_t n = strlen(v);

	if (!n)
		return true;
	if (n != STATE_ID_MAX - 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
			return false;
	return true;
}

/* "REASON[ DETAIL]" */
static int parse_fail(const char *v, struct fail_info *f)
{
	const char *sp = strchr(v, ' ');
	size_t rlen = sp ? (size_t)(sp - v) : strlen(v);

	if (!*v)
		return 0;
	if (!reason_text(v, rlen) || (sp && !sf_text_valid(sp + 1, strlen(sp + 1))))
		return -EINVAL;
	memcpy(f->reason, v, rlen);
	f->reason[rlen] = '\0';
	snprintf(f->detail, sizeof(f->detail), "%s", sp ? sp + 1 : "");
	return 0;
}

/* "RESULT WHEN INSTALL_MS ACTIVATE_MS REMOVE_MS VERSION" */
static int parse_test(const char *v, struct test_info *t)
{
	char result[8];
	unsigned long long when;
	unsigned int ms[3];
	int used = 0;

	if (!*v)
		return 0;
	if (sscanf(v, "%7[a-z] %20llu %10u %10u %10u %n", result, &when, &ms[0], &ms[1], &ms[2], &used) != 5 || !used ||
	    v[used - 1] != ' ' || !sf_version_valid(v + used, strlen(v + used)) ||
	    (strcmp(result, "armed") && strcmp(result, "passed") && strcmp(result, "failed")))
		return -EINVAL;
	snprintf(t->result, sizeof(t->result), "%s", result);
	snprintf(t->version, sizeof(t->version), "%s", v + used);
	t->when = when;
	t->install_ms = ms[0];
	t->activate_ms = ms[1];
	t->remove_ms = ms[2];
	return 0;
}

/* "SV VERSION" */
static int parse_removed(const char *v, struct removed_info *r)
{
	const char *sp = strchr(v, ' ');
	char num[16];
	size_t n;

	if (!*v)
		return 0;
	n = sp ? (size_t)(sp - v) : 0;
	if (!sp || n >= sizeof(num) || !sf_version_valid(sp + 1, strlen(sp + 1)))
		return -EINVAL;
	memcpy(num, v, n);
	num[n] = '\0';
	if (parse_u32(num, &r->sv))
		return -EINVAL;
	snprintf(r->version, sizeof(r->version), "%s", sp + 1);
	return 0;
}

/* A variable that does not parse: its value, made printable, in the message (the env is untrusted). */
static int env_bad(const char *name, const char *v, const char *what, struct sf_err *err)
{
	char shown[KV_VALUE_MAX];

	return sf_fail(err, SF_R_ENV_MALFORMED, "%s = '%s' is not %s", name,
		       sf_text_sanitize(shown, sizeof(shown), v, strlen(v)), what);
}

static int comp_slots_from_env(struct comp_state *c, const struct kv *env, const char *comp, struct sf_err *err)
{
	char name[VAR_MAX], suffix[8];
	const char *v;

	for (int s = SLOT_A; s <= SLOT_B; s++) {
		struct slot_info *si = &c->slot[s];

		snprintf(suffix, sizeof(suffix), "%s_ver", slot_name(s));
		v = get_var(env, comp, suffix, name);
		if (*v && !sf_version_valid(v, strlen(v)))
			goto bad_value;
		strcpy(si->version, v);
		snprintf(suffix, sizeof(suffix), "%s_sv", slot_name(s));
		v = get_var(env, comp, suffix, name);
		if (*v && parse_u32(v, &si->sv))
			goto bad_number;
		if (!*v && si->version[0])
			return sf_fail(err, SF_R_ENV_MALFORMED, "%s is not set although slot %s of %s holds '%s'",
				       name, slot_name(s), comp, si->version);
		snprintf(suffix, sizeof(suffix), "%s_id", slot_name(s));
		v = get_var(env, comp, suffix, name);
		if (!id_valid(v))
			goto bad_value;
		strcpy(si->id, v);
		snprintf(suffix, sizeof(suffix), "%s_req", slot_name(s));
		v = get_var(env, comp, suffix, name);
		if (*v && state_req_each(v, NULL, NULL))
			goto bad_value;
		snprintf(si->req, sizeof(si->req), "%s", v);
	}
	return 0;

bad_number:
	return env_bad(name, v, "a number", err);
bad_value:
	return env_bad(name, v, "a valid value", err);
}

static int comp_from_env(struct comp_state *c, const struct kv *env, const char *comp, struct sf_err *err)
{
	char name[VAR_MAX];
	const char *v;
	uint32_t u;

	v = get_var(env, comp, "active", name);
	if (!*v)
		return sf_fail(err, SF_R_ENV_BLANK, "%s is not initialised (%s is not set); run 'slotflip init'",
			       comp, name);
	if (parse_slot(v, false, &c->active))
		goto bad_value;

	v = get_var(env, comp, "trial", name);
	if (parse_slot(v, true, &c->trial))
		goto bad_value;
	if (c->trial == c->active)
		return sf_fail(err, SF_R_ENV_MALFORMED, "%s = '%s' names the active slot", name, v);

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

	v = get_var(env, comp, "fail", name);
	if (parse_fail(v, &c->fail))
		goto bad_value;
	v = get_var(env, comp, "fail_ver", name);
	if (*v && !sf_version_valid(v, strlen(v)))
		goto bad_value;
	snprintf(c->fail.version, sizeof(c->fail.version), "%s", v);
	v = get_var(env, comp, "removed", name);
	if (parse_removed(v, &c->removed))
		goto bad_value;
	v = get_var(env, comp, "test", name);
	if (parse_test(v, &c->test))
		goto bad_value;
	return comp_slots_from_env(c, env, comp, err);

bad_number:
	return env_bad(name, v, "a number", err);
bad_value:
	return env_bad(name, v, "a valid value", err);
}

int state_from_env(struct sys_state *st, const struct kv *env, const char *const names[], unsigned int n,
		   struct sf_err *err)
{
	if (n > CONFIG_MAX_COMPONENTS)
		return sf_fail(err, SF_R_CONFIG, "%u components, at most %d are supported", n,
			       CONFIG_MAX_COMPONENTS);
	st->n = n;
	for (unsigned int i = 0; i < n; i++) {
		struct comp_state *c = &st->c[i];

		memset(c, 0, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%s", names[i]);
		if (comp_from_env(c, env, names[i], &c->why)) {
			/* only the name, the reason and the bundle ids that read are meaningful */
			struct sf_err why = c->why;
			char var[VAR_MAX];

			memset(c, 0, sizeof(*c));
			snprintf(c->name, sizeof(c->name), "%s", names[i]);
			c->why = why;
			c->broken = true;
			c->active = SLOT_A;
			c->trial = SLOT_NONE;
			c->bad = SLOT_NONE;
			for (int s = SLOT_A; s <= SLOT_B; s++) {
				const char *id = get_var(env, names[i], s == SLOT_A ? "a_id" : "b_id", var);

				if (id_valid(id))
					snprintf(c->slot[s].id, sizeof(c->slot[s].id), "%s", id);
			}
		}
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
		return sf_fail_errno(err, SF_R_ENV_FULL, ret, "cannot set %s", name);
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

static int slots_to_env(const struct comp_state *c, struct kv *env, struct sf_err *err)
{
	const char *n = c->name;
	int ret = 0;

	for (int s = SLOT_A; s <= SLOT_B && !ret; s++) {
		const struct slot_info *si = &c->slot[s];
		bool set = si->version[0] != '\0';
		char suffix[8];

		snprintf(suffix, sizeof(suffix), "%s_ver", slot_name(s));
		ret = put(env, n, suffix, si->version, err);
		snprintf(suffix, sizeof(suffix), "%s_sv", slot_name(s));
		ret = ret ?: put_u32(env, n, suffix, si->sv, set, err);
		snprintf(suffix, sizeof(suffix), "%s_id", slot_name(s));
		ret = ret ?: put(env, n, suffix, set ? si->id : "", err);
		snprintf(suffix, sizeof(suffix), "%s_req", slot_name(s));
		ret = ret ?: put(env, n, suffix, set ? si->req : "", err);
	}
	return ret;
}

static int comp_to_env(const struct comp_state *c, struct kv *env, struct sf_err *err)
{
	const char *n = c->name;
	bool trial = c->trial != SLOT_NONE, bad = c->bad != SLOT_NONE;
	char fail[STATE_REASON_MAX + STATE_TEXT_MAX] = "", removed[STATE_TEXT_MAX] = "", test[STATE_TEST_MAX] = "";
	const struct test_info *t = &c->test;
	int ret;

	if (c->fail.reason[0])
		snprintf(fail, sizeof(fail), "%s%s%s", c->fail.reason, c->fail.detail[0] ? " " : "",
			 c->fail.detail);
	if (c->removed.version[0])
		snprintf(removed, sizeof(removed), "%u %s", (unsigned int)c->removed.sv, c->removed.version);
	if (t->result[0])
		snprintf(test, sizeof(test), "%s %llu %u %u %u %s", t->result, (unsigned long long)t->when,
			 (unsigned int)t->install_ms, (unsigned int)t->activate_ms, (unsigned int)t->remove_ms, t->version);
	ret = put(env, n, "active", slot_name(c->active), err);
	ret = ret ?: put(env, n, "trial", slot_name(c->trial), err);
	ret = ret ?: put_u32(env, n, "tries", c->tries, trial, err);
	ret = ret ?: put(env, n, "bad", slot_name(c->bad), err);
	ret = ret ?: put(env, n, "bad_why", !bad ? "" : c->bad_why == BAD_REMOVED ? "removed" : "failed", err);
	ret = ret ?: put_u32(env, n, "floor", c->floor, true, err);
	ret = ret ?: put(env, n, "fail", fail, err);
	ret = ret ?: put(env, n, "fail_ver", c->fail.reason[0] ? c->fail.version : "", err);
	ret = ret ?: put(env, n, "removed", removed, err);
	ret = ret ?: put(env, n, "test", test, err);
	return ret ?: slots_to_env(c, env, err);
}

int state_to_env(const struct sys_state *st, struct kv *env, struct sf_err *err)
{
	int ret;

	for (unsigned int i = 0; i < st->n; i++) {
		if (st->c[i].broken)
			continue;
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

const char *state_set_id(const struct comp_state *c)
{
	return c->trial == SLOT_NONE ? "" : c->slot[c->trial].id;
}

bool state_same_set(const struct comp_state *a, const struct comp_state *b)
{
	const char *ia = state_set_id(a), *ib = state_set_id(b);

	return a == b || (*ia && !strcmp(ia, ib));
}

int state_set_broken(const struct sys_state *st, const struct comp_state *c)
{
	const char *id = state_set_id(c);

	if (!*id)
		return -1;
	for (unsigned int i = 0; i < st->n; i++) {
		const struct comp_state *o = &st->c[i];

		if (o == c)
			continue;
		if (o->broken ? !strcmp(o->slot[SLOT_A].id, id) || !strcmp(o->slot[SLOT_B].id, id)
			      : o->bad != SLOT_NONE && !strcmp(o->slot[o->bad].id, id))
			return (int)i;
	}
	return -1;
}

void state_invalidate(struct comp_state *c, int slot)
{
	memset(&c->slot[slot], 0, sizeof(c->slot[slot]));
	if (c->trial == slot) {
		c->trial = SLOT_NONE;
		c->tries = 0;
	}
	if (c->bad == slot)
		c->bad = SLOT_NONE;
}

void state_arm(struct comp_state *c, int slot, const struct slot_info *img, unsigned int tries)
{
	c->slot[slot] = *img;
	if (c->bad == slot)
		c->bad = SLOT_NONE;
	c->trial = slot;
	c->tries = tries;
}

void state_disarm(struct comp_state *c)
{
	if (c->trial == SLOT_NONE)
		return;
	c->bad = c->trial;
	c->bad_why = BAD_REMOVED;
	c->trial = SLOT_NONE;
	c->tries = 0;
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
	if (c->removed.version[0] && (s->sv > c->removed.sv || !sf_version_is_patch(s->version) ||
				      !strcmp(s->version, c->removed.version)))
		memset(&c->removed, 0, sizeof(c->removed));
	c->active = c->trial;
	c->trial = SLOT_NONE;
	c->tries = 0;
}

/* Copy @src into @dst (@size bytes), one line of printable text without '\\' or '='. */
static void sanitise(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (; *src && n + 1 < size; src++) {
		char ch = *src;

		dst[n++] = (ch < 0x20 || ch > 0x7e || ch == '\\' || ch == '=') ? '?' : ch;
	}
	dst[n] = '\0';
}

void state_fallback(struct comp_state *c, int reason, const char *detail)
{
	const char *name = sf_reason_name(reason);
	size_t room;

	if (c->trial == SLOT_NONE)
		return;
	if (state_test_armed(c))
		snprintf(c->test.result, sizeof(c->test.result), "failed");
	memset(&c->fail, 0, sizeof(c->fail));
	snprintf(c->fail.reason, sizeof(c->fail.reason), "%s", name ? name : "fell-back");
	/* "REASON DETAIL" must fit one variable value */
	room = sizeof(c->fail.detail) - strlen(c->fail.reason) - 1;
	sanitise(c->fail.detail, room, detail ? detail : "");
	snprintf(c->fail.version, sizeof(c->fail.version), "%s", c->slot[c->trial].version);
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
		state_disarm(c);
		return 0;
	}
	switch (state_slot(c, other)) {
	case SLOT_EMPTY:
		return sf_fail(err, SF_R_CANNOT_REMOVE, "cannot remove the update of %s: slot %s holds no image",
			       c->name, slot_name(other));
	case SLOT_BAD:
		return sf_fail(err, SF_R_CANNOT_REMOVE, "cannot remove the update of %s: slot %s failed its trial",
			       c->name, slot_name(other));
	case SLOT_REMOVED:
		return sf_fail(err, SF_R_CANNOT_REMOVE, "cannot remove the update of %s: slot %s was removed before",
			       c->name, slot_name(other));
	default:
		break;
	}
	if (s->sv < c->floor)
		return sf_fail(err, SF_R_CANNOT_REMOVE,
			       "cannot remove the update of %s: slot %s holds %s with security version %u, below the floor %u",
			       c->name, slot_name(other), s->version, (unsigned int)s->sv, (unsigned int)c->floor);
	snprintf(c->removed.version, sizeof(c->removed.version), "%s", c->slot[c->active].version);
	c->removed.sv = c->slot[c->active].sv;
	c->bad = c->active;
	c->bad_why = BAD_REMOVED;
	c->active = other;
	return 0;
}

bool state_test_armed(const struct comp_state *c)
{
	return c->trial != SLOT_NONE && !strcmp(c->test.result, "armed") &&
	       !strcmp(c->test.version, c->slot[c->trial].version);
}

void state_test_back(struct comp_state *c, uint32_t activate_ms, uint32_t remove_ms)
{
	int other = slot_other(c->active);

	if (c->trial != SLOT_NONE || strcmp(c->test.result, "armed") ||
	    strcmp(c->test.version, c->slot[c->active].version) || !c->slot[other].version[0])
		return;
	c->bad = c->active;
	c->bad_why = BAD_REMOVED;
	c->active = other;
	snprintf(c->test.result, sizeof(c->test.result), "passed");
	c->test.activate_ms = activate_ms;
	c->test.remove_ms = remove_ms;
}

bool state_ran(const struct comp_state *c, bool reboot, int booted, unsigned int max_tries)
{
	if (c->trial == SLOT_NONE)
		return false;
	return reboot ? booted == c->trial : c->tries < max_tries;
}

void state_salvage(struct comp_state *c, const struct kv *env, const char *name, int active, bool *floor_ok)
{
	char var[VAR_MAX];
	struct sf_err err;
	const char *v;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->active = active;
	c->trial = SLOT_NONE;
	c->bad = SLOT_NONE;
	*floor_ok = !parse_u32(get_var(env, name, "floor", var), &c->floor);
	if (parse_fail(get_var(env, name, "fail", var), &c->fail))
		memset(&c->fail, 0, sizeof(c->fail));
	v = get_var(env, name, "fail_ver", var);
	if (c->fail.reason[0] && sf_version_valid(v, strlen(v)))
		snprintf(c->fail.version, sizeof(c->fail.version), "%s", v);
	if (parse_removed(get_var(env, name, "removed", var), &c->removed))
		memset(&c->removed, 0, sizeof(c->removed));
	/* each slot on its own: a slot whose variables do not all read is empty */
	for (int s = SLOT_A; s <= SLOT_B; s++) {
		struct comp_state one = *c;

		if (comp_slots_from_env(&one, env, name, &err)) {
			struct kv only = *env;

			/* try this slot alone: drop the other's variables */
			for (const char *const *sfx = (const char *const[]){ "ver", "sv", "id", "req", NULL }; *sfx;
			     sfx++) {
				char suffix[8];

				snprintf(suffix, sizeof(suffix), "%s_%s", slot_name(slot_other(s)), *sfx);
				var_name(var, name, suffix);
				if (kv_set(&only, var, NULL))
					break;
			}
			one = *c;
			if (comp_slots_from_env(&one, &only, name, &err))
				continue;
		}
		c->slot[s] = one.slot[s];
	}
	v = get_var(env, name, "bad", var);
	if (!parse_slot(v, false, &c->bad) && c->bad != active) {
		v = get_var(env, name, "bad_why", var);
		if (!strcmp(v, "removed") || !strcmp(v, "failed"))
			c->bad_why = !strcmp(v, "removed") ? BAD_REMOVED : BAD_FAILED;
		else
			c->bad = SLOT_NONE;
	} else {
		c->bad = SLOT_NONE;
	}
}
