// SPDX-License-Identifier: MIT
/*
 * The env corruption matrix: each of the two copies of a redundant environment
 * in each of 7 states — 49 combinations. Our reader (io/env_image) must pick the
 * same copy as libubootenv's fw_printenv, and refuse exactly when it refuses.
 * Then two valid copies with equal flags but different data (the matrix's
 * equal-flag pairs hold the same data, so they cannot tell the copies apart),
 * and the entries env_walk() accepts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/env_image.h"
#include "tap.h"

#define SIZE 0x4000

enum st { ST_OLD, ST_NEW, ST_BADCRC, ST_ZERO, ST_ERASED, ST_TRUNC, ST_WRAP, ST_COUNT };
static const char *const st_name[] = { "valid old", "valid new", "bad CRC", "zeroed", "erased 0xff",
				       "truncated", "flags wrapped" };

static char dir[64];

/* Write copy @idx in state @s; return the bytes written. */
static size_t write_copy(int idx, enum st s)
{
	static const char old[] = "sf_webkit_active=a\0sf_webkit_floor=3\0gen=old\0";
	static const char new_[] = "sf_webkit_active=b\0sf_webkit_floor=5\0gen=new\0";
	static const char wrap[] = "sf_webkit_active=a\0sf_webkit_floor=7\0gen=wrapped\0";
	static uint8_t buf[SIZE];
	size_t len = SIZE;
	char path[96];
	FILE *f;

	switch (s) {
	case ST_OLD:
		env_make_copy(buf, SIZE, 254, old, sizeof(old));
		break;
	case ST_NEW:
		env_make_copy(buf, SIZE, 255, new_, sizeof(new_));
		break;
	case ST_BADCRC:
		env_make_copy(buf, SIZE, 255, new_, sizeof(new_));
		buf[20] ^= 0x01;
		break;
	case ST_ZERO:
		memset(buf, 0, SIZE);
		break;
	case ST_ERASED:
		memset(buf, 0xff, SIZE);
		break;
	case ST_TRUNC:
		env_make_copy(buf, SIZE, 254, old, sizeof(old));
		len = SIZE / 2;
		break;
	case ST_WRAP:
		env_make_copy(buf, SIZE, 0, wrap, sizeof(wrap));
		break;
	default:
		abort();
	}
	snprintf(path, sizeof(path), "%s/copy%d", dir, idx);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		abort();
	return len;
}

/* Copy @idx: valid, flags @flags, the variables @data (@len bytes). */
static void write_raw(int idx, uint8_t flags, const char *data, size_t len)
{
	static uint8_t buf[SIZE];
	char path[96];
	FILE *f;

	if (env_make_copy(buf, SIZE, flags, data, len))
		abort();
	snprintf(path, sizeof(path), "%s/copy%d", dir, idx);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, SIZE, f) != SIZE || fclose(f))
		abort();
}

static size_t read_copy(int idx, uint8_t *buf)
{
	char path[96];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/copy%d", dir, idx);
	f = fopen(path, "rb");
	if (!f)
		abort();
	n = fread(buf, 1, SIZE, f);
	fclose(f);
	return n;
}

static int collect(void *priv, const char *name, const char *value)
{
	char *out = priv;
	size_t len = strlen(out);

	snprintf(out + len, 4096 - len, "%s=%s\n", name, value);
	return 0;
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the lines of @text in place (fw_printenv prints variables sorted). */
static void sort_lines(char *text)
{
	char copy[4096], *lines[64];
	size_t n = 0, len = 0;

	snprintf(copy, sizeof(copy), "%s", text);
	for (char *l = strtok(copy, "\n"); l && n < 64; l = strtok(NULL, "\n"))
		lines[n++] = l;
	qsort(lines, n, sizeof(lines[0]), line_cmp);
	text[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, 4096 - len, "%s\n", lines[i]);
}

/* fw_printenv's output and status. */
static int fw_printenv(char *out, size_t size)
{
	char cmd[256];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "fw_printenv -c %s/fw_env.config 2>/dev/null", dir);
	p = popen(cmd, "r");
	if (!p)
		abort();
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	return pclose(p);
}

static int count(void *priv, const char *name, const char *value)
{
	(*(unsigned int *)priv)++;
	return 0;
}

/* What the walk accepts as "name=value" entries. */
static void test_walk(void)
{
	static const struct {
		const char *data;
		size_t len;
		int ret;
		unsigned int n;
		const char *what;
	} cases[] = {
		{ "a=1\0b=\0\0", 9, 0, 2, "entries with and without a value" },
		{ "a=1\0=x\0\0", 9, -EINVAL, 1, "an entry without a name" },
		{ "a=1\0noequals\0\0", 15, -EINVAL, 1, "an entry without '='" },
	};
	static uint8_t copy[SIZE];

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int n = 0;

		if (env_make_copy(copy, SIZE, 1, cases[i].data, cases[i].len))
			abort();
		is_int(env_walk(copy, SIZE, count, &n), cases[i].ret, "env_walk: %s", cases[i].what);
		is_int(n, cases[i].n, "  after %u entries", cases[i].n);
	}
}

int main(void)
{
	static uint8_t c0[SIZE], c1[SIZE];
	char cfg[96], ours[4096], theirs[4096];
	unsigned int agree = 0, refused = 0;
	FILE *f;

	tap_tmpdir(dir, "envmatrix");
	snprintf(cfg, sizeof(cfg), "%s/fw_env.config", dir);
	f = fopen(cfg, "w");
	if (!f)
		return 1;
	fprintf(f, "%s/copy0 0x0 0x%x\n%s/copy1 0x0 0x%x\n", dir, SIZE, dir, SIZE);
	fclose(f);

	for (int a = 0; a < ST_COUNT; a++)
		for (int b = 0; b < ST_COUNT; b++) {
			size_t l0, l1;
			int cur, rc;

			write_copy(0, (enum st)a);
			write_copy(1, (enum st)b);
			l0 = read_copy(0, c0);
			l1 = read_copy(1, c1);
			cur = env_choose(c0, l0, c1, l1, SIZE);
			ours[0] = '\0';
			if (cur >= 0 && env_walk(cur ? c1 : c0, SIZE, collect, ours))
				cur = -1;
			sort_lines(ours);
			rc = fw_printenv(theirs, sizeof(theirs));
			if (cur < 0) {
				ok(rc != 0, "%s / %s: unreadable (%s), fw_printenv refuses too", st_name[a], st_name[b],
				   cur == -EIO ? "a copy is short" : "no valid copy");
				refused++;
			} else {
				ok(rc == 0 && !strcmp(ours, theirs), "%s / %s: copy %d, as fw_printenv", st_name[a],
				   st_name[b], cur + 1);
				if (rc || strcmp(ours, theirs))
					tap_diag("ours:\n%s# fw_printenv (status %d):\n%s", ours, rc, theirs);
			}
			agree++;
		}
	tap_diag("%u combinations, %u without a valid copy", agree, refused);
	is_int(agree, 49, "all 49 combinations compared");

	for (unsigned int k = 0; k < 4; k++) {
		static const uint8_t flags[] = { 0, 1, 128, 255 };
		static const char first[] = "sf_webkit_active=a\0gen=first\0", second[] = "sf_webkit_active=b\0gen=second\0";
		int cur, rc;

		write_raw(0, flags[k], first, sizeof(first));
		write_raw(1, flags[k], second, sizeof(second));
		cur = env_choose(c0, read_copy(0, c0), c1, read_copy(1, c1), SIZE);
		ours[0] = '\0';
		if (cur >= 0 && env_walk(cur ? c1 : c0, SIZE, collect, ours))
			cur = -1;
		sort_lines(ours);
		rc = fw_printenv(theirs, sizeof(theirs));
		is_int(cur, 0, "equal flags %u, different data: copy 1 is current", flags[k]);
		ok(rc == 0 && !strcmp(ours, theirs), "  the same choice as fw_printenv");
		if (rc || strcmp(ours, theirs))
			tap_diag("ours:\n%s# fw_printenv (status %d):\n%s", ours, rc, theirs);
	}
	test_walk();
	tap_rmtree(dir);
	return tap_done();
}
