/* SPDX-License-Identifier: MIT */
/*
 * version — component names and version strings (DESIGN §1).
 *
 * A version is 1..63 characters of metadata text (printable ASCII without '\'
 * and '=', common/text.h) without leading or trailing blanks, e.g. "26.3" or
 * "26.3 (a)". A version ending in " (x)", where
 * x is 1 to 3 characters of [a-z0-9], is a patch version; its baseline is the
 * string without that suffix. A version without it is its own baseline.
 */
#ifndef SF_VERSION_H
#define SF_VERSION_H

#include <stdbool.h>
#include <stddef.h>

#define SF_COMPONENT_MAX 17 /* [a-z0-9_]{1,16} + NUL */
#define SF_VERSION_MAX 64   /* 63 characters + NUL */

/** sf_component_valid() - @name matches [a-z0-9_]{1,16} */
bool sf_component_valid(const char *name);

/**
 * sf_version_valid() - @v is a well-formed version string
 * @v:   the string
 * @len: its length, so that unterminated property data can be checked safely
 */
bool sf_version_valid(const char *v, size_t len);

/** sf_version_is_patch() - @v ends with a " (x)" patch suffix */
bool sf_version_is_patch(const char *v);

/**
 * sf_version_base_problem() - the patch/baseline rule (DESIGN §1) for one image
 * @version: a valid version
 * @base:    its base version (`slotflip,base-version`), NULL for none
 *
 * A version with a base version must be a patch of exactly that baseline; a
 * version without one must not be a patch.
 *
 * Return: NULL when the rule holds; otherwise what is wrong, as words that
 * follow "version 'V' " in a message ("is not a patch of its base version",
 * "is a patch version but has no base version").
 */
const char *sf_version_base_problem(const char *version, const char *base);

/**
 * sf_version_baseline() - the baseline of a version
 * @v:   a valid version
 * @out: SF_VERSION_MAX bytes; receives @v without its patch suffix
 */
void sf_version_baseline(const char *v, char out[SF_VERSION_MAX]);

/**
 * sf_version_cmp() - order two versions
 *
 * Baselines compare segment by segment (split at '.'), numerically where both
 * segments are numbers and bytewise otherwise; for equal baselines, no patch
 * sorts before any patch, and patches compare by suffix (shorter first, then
 * bytewise): "26.3" < "26.3 (a)" < "26.3 (b)" < "26.10".
 *
 * Return: <0, 0 or >0.
 */
int sf_version_cmp(const char *a, const char *b);

/**
 * sf_require_parse() - split a "component>=version" requirement
 * @s:         the entry, NUL-terminated
 * @component: SF_COMPONENT_MAX bytes out
 * @version:   SF_VERSION_MAX bytes out
 *
 * Return: 0, or -EINVAL when @s is not of that form with a valid name and version.
 */
int sf_require_parse(const char *s, char component[SF_COMPONENT_MAX], char version[SF_VERSION_MAX])
	__attribute__((warn_unused_result));

#endif /* SF_VERSION_H */
