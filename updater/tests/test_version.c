// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/kv.h"
#include "common/version.h"
#include "tap.h"

static void test_names(void)
{
	ok(sf_component_valid("webkit"), "webkit is a component name");
	ok(sf_component_valid("lib_crypto3"), "digits and underscores are allowed");
	ok(sf_component_valid("abcdefghijklmnop"), "16 characters are allowed");
	ok(!sf_component_valid("abcdefghijklmnopq"), "17 characters are not");
	ok(!sf_component_valid(""), "empty name refused");
	ok(!sf_component_valid("WebKit"), "upper case refused");
	ok(!sf_component_valid("web-kit"), "dash refused");
	ok(!sf_component_valid("a/b"), "slash refused");
}

static void test_versions(void)
{
	char base[SF_VERSION_MAX];

	ok(sf_version_valid("26.3", 4), "26.3 is a version");
	ok(sf_version_valid("26.3 (a)", 8), "26.3 (a) is a version");
	ok(!sf_version_valid("", 0), "empty version refused");
	ok(!sf_version_valid(" 26.3", 5), "leading blank refused");
	ok(!sf_version_valid("26.3 ", 5), "trailing blank refused");
	ok(!sf_version_valid("a=b", 3), "'=' refused (it would break the env)");
	ok(!sf_version_valid("1.1 \\(a)", 8), "'\\' refused (U-Boot's env import/export drops it: a baseline would turn into a patch)");
	ok(sf_version_valid("1.1 \"rc\" <x>", 12), "quotes and angle brackets allowed");
	ok(!sf_version_base_problem("26.3", NULL), "a baseline without a base version");
	ok(!sf_version_base_problem("26.3 (a)", "26.3"), "a patch of its base version");
	ok(sf_version_base_problem("26.3 (a)", NULL) != NULL, "a patch without a base version");
	ok(sf_version_base_problem("26.3 (a)", "26.2") != NULL, "a patch of another baseline");
	ok(sf_version_base_problem("26.3", "26.3") != NULL, "a baseline with a base version");
	ok(!sf_version_valid("26\n3", 4), "newline refused");
	ok(!sf_version_valid("x", 64), "64 characters refused");

	ok(!sf_version_is_patch("26.3"), "26.3 is a baseline");
	ok(sf_version_is_patch("26.3 (a)"), "26.3 (a) is a patch");
	ok(sf_version_is_patch("26.3 (b12)"), "three-character suffix is a patch");
	ok(!sf_version_is_patch("26.3 (abcd)"), "four characters is not a patch suffix");
	ok(!sf_version_is_patch("26.3(a)"), "suffix needs the blank");
	ok(!sf_version_is_patch("(a)"), "suffix alone is not a patch");
	ok(!sf_version_is_patch("26.3 (A)"), "upper-case suffix is not a patch");

	sf_version_baseline("26.3 (a)", base);
	is_str(base, "26.3", "baseline of 26.3 (a)");
	sf_version_baseline("26.3", base);
	is_str(base, "26.3", "baseline of a baseline is itself");
}

static void test_order(void)
{
	ok(sf_version_cmp("26.3", "26.3") == 0, "equal");
	ok(sf_version_cmp("26.3", "26.3 (a)") < 0, "baseline before its patch");
	ok(sf_version_cmp("26.3 (a)", "26.3 (b)") < 0, "patch a before b");
	ok(sf_version_cmp("26.3 (z)", "26.3 (aa)") < 0, "shorter suffix first");
	ok(sf_version_cmp("26.3 (b)", "26.10") < 0, "26.3 patches before 26.10");
	ok(sf_version_cmp("26.9", "26.10") < 0, "numeric segments compare as numbers");
	ok(sf_version_cmp("26.010", "26.10") == 0, "leading zeros do not count");
	ok(sf_version_cmp("3.1", "3.1.1") < 0, "shorter prefix first");
	ok(sf_version_cmp("3.1rc", "3.1") > 0, "non-numeric segment compares bytewise");
}

static void test_requires(void)
{
	char c[SF_COMPONENT_MAX], v[SF_VERSION_MAX];

	is_int(sf_require_parse("libcrypto>=3.1", c, v), 0, "requirement parses");
	is_str(c, "libcrypto", "component");
	is_str(v, "3.1", "version");
	ok(sf_require_parse("libcrypto=3.1", c, v) < 0, "'=' alone refused");
	ok(sf_require_parse(">=3.1", c, v) < 0, "missing component refused");
	ok(sf_require_parse("libcrypto>=", c, v) < 0, "missing version refused");
	ok(sf_require_parse("Lib>=1", c, v) < 0, "invalid component refused");
}

static void test_kv(void)
{
	static struct kv a, b;
	char longname[KV_NAME_MAX + 1];

	kv_clear(&a);
	is_int(kv_set(&a, "sf_x_active", "a"), 0, "set");
	is_str(kv_get(&a, "sf_x_active"), "a", "get");
	is_int(kv_set(&a, "sf_x_active", "b"), 0, "replace");
	is_str(kv_get(&a, "sf_x_active"), "b", "replaced value");
	is_int(a.n, 1, "one entry");
	is_int(kv_set(&a, "bad name", "v"), -EINVAL, "blank in name refused");
	is_int(kv_set(&a, "a=b", "v"), -EINVAL, "'=' in name refused");
	is_int(kv_set(&a, "n", "x\ny"), -EINVAL, "newline in value refused");
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	is_int(kv_set(&a, longname, "v"), -ENAMETOOLONG, "long name refused");
	is_int(kv_set(&a, "sf_y", ""), 0, "empty value is a value");
	kv_clear(&b);
	is_int(kv_set(&b, "sf_y", ""), 0, "other table");
	is_int(kv_set(&b, "sf_x_active", "b"), 0, "other table, other order");
	ok(kv_equal(&a, &b), "equal in any order");
	is_int(kv_set(&b, "sf_y", NULL), 0, "delete");
	ok(kv_get(&b, "sf_y") == NULL, "deleted");
	ok(!kv_equal(&a, &b), "no longer equal");
	kv_clear(&b);
	for (int i = 0; i < KV_MAX; i++) {
		char n[16];

		snprintf(n, sizeof(n), "v%d", i);
		if (kv_set(&b, n, "1"))
			break;
	}
	is_int(kv_set(&b, "one_more", "1"), -ENOSPC, "full table refuses");
}

int main(void)
{
	test_names();
	test_versions();
	test_order();
	test_requires();
	test_kv();
	return tap_done();
}
