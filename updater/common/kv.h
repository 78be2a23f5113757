/* SPDX-License-Identifier: MIT */
/*
 * kv — a bounded name=value table, the in-memory form of slotflip's part of the
 * U-Boot environment (the sf_* variables). Fixed capacity, no allocation: a table
 * is a plain struct that can be copied, compared and kept as a snapshot (the
 * power-cut simulator keeps one per durable state).
 *
 * Names are U-Boot variable names (no '=', no whitespace); values hold no '\n'
 * and no NUL. An empty value and an absent name are different things.
 */
#ifndef SF_KV_H
#define SF_KV_H

#include <stdbool.h>
#include <stddef.h>

#define KV_MAX 512
#define KV_NAME_MAX 40	 /* including the terminating NUL */
#define KV_VALUE_MAX 128 /* including the terminating NUL */

struct kv_ent {
	char name[KV_NAME_MAX];
	char value[KV_VALUE_MAX];
};

/**
 * struct kv - the table; zero-initialise (or kv_clear()) before use
 * @n: entries in use, in insertion order
 */
struct kv {
	unsigned int n;
	struct kv_ent e[KV_MAX];
};

/** kv_clear() - empty the table */
void kv_clear(struct kv *kv);

/**
 * kv_get() - look a name up
 * Return: the value (valid until the table changes), or NULL when absent.
 */
const char *kv_get(const struct kv *kv, const char *name);

/**
 * kv_set() - add, replace or (with @value NULL) delete a name
 *
 * Return: 0, or
 * -EINVAL       @name empty or holding '=' or whitespace, @value holding '\n',
 * -ENAMETOOLONG @name or @value longer than the table holds,
 * -ENOSPC       the table is full.
 * On error the table is unchanged.
 */
int kv_set(struct kv *kv, const char *name, const char *value) __attribute__((warn_unused_result));

/**
 * kv_equal() - same names with the same values, in any order
 */
bool kv_equal(const struct kv *a, const struct kv *b);

/**
 * kv_bytes() - bytes the entries take in a U-Boot environment's data area:
 * "name=value" and a NUL each (the area's final NUL not included)
 */
size_t kv_bytes(const struct kv *kv);

#endif /* SF_KV_H */
