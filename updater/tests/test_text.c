// SPDX-License-Identifier: MIT
/*
 * The small helpers every reader of untrusted bytes shares: metadata text and
 * its sanitizer (common/text.c), the property readers (common/fdtprop.c) and
 * the bounded file reader (common/file.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fdtprop.h"
#include "common/file.h"
#include "common/text.h"
#include "common/version.h"
#include "tap.h"
#include "tests/support/files.h"

static void test_text(void)
{
	char out[16];

	ok(sf_text_valid("qemu-x86_64", 11), "a board name is text");
	ok(sf_text_valid("26.3 (a) \"beta\" <rc>", 20), "quotes and angle brackets are text");
	ok(!sf_text_valid("", 0), "nothing is not text");
	ok(!sf_text_valid("1.1 \\(a)", 8), "a backslash is not (U-Boot's env import drops it)");
	ok(!sf_text_valid("a=b", 3), "'=' is not (it ends a variable name)");
	ok(!sf_text_valid("a\nb", 3), "a newline is not");
	ok(!sf_text_valid("\x1b[2J", 4), "an escape sequence is not");
	ok(!sf_text_valid("caf\xc3\xa9", 5), "bytes above 0x7e are not");
	ok(!sf_text_valid("a\0b", 3), "a NUL inside is not");

	is_str(sf_text_sanitize(out, sizeof(out), "ok\n\x1b[2J\x7f\xff", 9), "ok??[2J??", "control bytes become '?'");
	is_str(sf_text_sanitize(out, sizeof(out), "a\0b", 3), "a", "a NUL ends the text");
	is_str(sf_text_sanitize(out, 4, "abcdef", 6), "abc", "cut to the room");
	is_str(sf_text_sanitize(out, 1, "abc", 3), "", "one byte of room: empty");
	ok(sf_version_valid("26.3 (a)", 8) && !sf_version_valid("1.1 \\(a)", 8), "versions follow the text rule");
}

static void test_props(void)
{
	static const char two[] = "a\0b";
	char buf[512];
	const char *s;
	uint32_t v = 7;
	int node, len = 0;

	if (fdt_create(buf, sizeof(buf)) || fdt_finish_reservemap(buf) || fdt_begin_node(buf, "") ||
	    fdt_property_string(buf, "str", "text") || fdt_property(buf, "two", two, sizeof(two)) ||
	    fdt_property(buf, "bare", "abc", 3) || fdt_property(buf, "empty", "", 1) ||
	    fdt_property_u32(buf, "cell", 0x01020304) || fdt_property(buf, "long", "12345678", 8) ||
	    fdt_end_node(buf) || fdt_finish(buf))
		abort();
	node = 0;
	ok(!sf_fdt_string(buf, node, "str", &s) && !strcmp(s, "text"), "a string");
	ok(!sf_fdt_string(buf, node, "empty", &s) && !strcmp(s, ""), "an empty string is one");
	is_int(sf_fdt_string(buf, node, "two", &s), -EINVAL, "two strings are not one");
	ok(s == NULL, "  and give nothing");
	is_int(sf_fdt_string(buf, node, "bare", &s), -EINVAL, "no NUL at the end");
	is_int(sf_fdt_string(buf, node, "none", &s), -ENOENT, "an absent property");
	ok(!sf_fdt_u32(buf, node, "cell", &v, &len) && v == 0x01020304 && len == 4, "one cell, big-endian");
	is_int(sf_fdt_u32(buf, node, "long", &v, &len), -EINVAL, "8 bytes are not one cell");
	is_int(len, 8, "  its length is reported");
	is_int(sf_fdt_u32(buf, node, "none", &v, NULL), -ENOENT, "absent");
	is_int(sf_be32("\xd0\x0d\xfe\xed"), 0xd00dfeed, "sf_be32");
}

static void test_file(void)
{
	char dir[64];
	void *buf = NULL;
	size_t len = 0;

	tap_tmpdir(dir, "text");
	tf_write(tf_path(dir, "f"), "hello", 5);
	ok(!sf_file_read(AT_FDCWD, tf_path(dir, "f"), 5, &buf, &len) && len == 5 && !memcmp(buf, "hello", 6),
	   "a file of the limit's size, NUL-terminated");
	free(buf);
	is_int(sf_file_read(AT_FDCWD, tf_path(dir, "f"), 4, &buf, &len), -EFBIG, "one byte over the limit");
	tf_write(tf_path(dir, "empty"), "", 0);
	is_int(sf_file_read(AT_FDCWD, tf_path(dir, "empty"), 5, &buf, &len), -EFBIG, "an empty file");
	is_int(sf_file_read(AT_FDCWD, dir, 5, &buf, &len), -EINVAL, "a folder");
	is_int(sf_file_read(AT_FDCWD, tf_path(dir, "none"), 5, &buf, &len), -ENOENT, "a missing file");
	tap_rmtree(dir);
}

int main(void)
{
	test_text();
	test_props();
	test_file();
	return tap_done();
}
