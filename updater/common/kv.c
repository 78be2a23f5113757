// SPDX-License-Identifier: MIT
#include "common/kv.h"

#include <errno.h>
#include <string.h>

void kv_clear(struct kv *kv)
{
	kv->n = 0;
}

static int kv_find(const struct kv *kv, const char *name)
{
	for (unsigned int i = 0; i < kv->n; i++)
		if (!strcmp(kv->e[i].name, name))
			return (int)i;
	return -1;
}

const char *kv_get(const struct kv *kv, const char *name)
{
	int i = kv_find(kv, name);

	return i < 0 ? NULL : kv->e[i].value;
}

static bool kv_name_ok(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '=' || *p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

int kv_set(struct kv *kv, const char *name, const char *value)
{
	int i;

	if (!kv_name_ok(name) || (value && strchr(value, '\n')))
		return -EINVAL;
	if (strlen(name) >= KV_NAME_MAX || (value && strlen(value) >= KV_VALUE_MAX))
		return -ENAMETOOLONG;
	i = kv_find(kv, name);
	if (!value) {
		if (i >= 0) {
			memmove(&kv->e[i], &kv->e[i + 1], (kv->n - (unsigned int)i - 1) * sizeof(kv->e[0]));
			kv->n--;
		}
		return 0;
	}
	if (i < 0) {
		if (kv->n >= KV_MAX)
			return -ENOSPC;
		i = (int)kv->n++;
		strcpy(kv->e[i].name, name);
	}
	strcpy(kv->e[i].value, value);
	return 0;
}

bool kv_equal(const struct kv *a, const struct kv *b)
{
	if (a->n != b->n)
		return false;
	for (unsigned int i = 0; i < a->n; i++) {
		const char *v = kv_get(b, a->e[i].name);

		if (!v || strcmp(v, a->e[i].value))
			return false;
	}
	return true;
}

size_t kv_bytes(const struct kv *kv)
{
	size_t n = 0;

	for (unsigned int i = 0; i < kv->n; i++)
		n += strlen(kv->e[i].name) + strlen(kv->e[i].value) + 2;
	return n;
}
