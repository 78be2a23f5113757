// SPDX-License-Identifier: MIT
/*
 * The environment back-end on real files: io/env_config.c parses and checks
 * fw_env.config; io/env_uboot.c stores through libubootenv in one store, keeps
 * the variables it does not own, reads back what it stored, and tells a blank
 * environment (-ENODATA) from one that holds data but no valid copy (-EBADMSG).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/env.h"
#include "io/env_config.h"
#include "io/env_image.h"
#include "tap.h"

static char dir[64], cfg[128], file[128];

static int parse(const char *text, struct env_config *c, struct sf_err *err)
{
	memset(err, 0, sizeof(*err));
	return env_config_parse(text, strlen(text), c, "fw_env.config", err);
}

static void test_parse(void)
{
	struct env_config c;
	struct sf_err err;

	is_int(parse("# comment\n/dev/mmcblk0 0x3e0000 0x4000\n\n/dev/mmcblk0 4079616 16384 # copy 2\n", &c, &err),
	       0, "two copies, hex and decimal, comments");
	is_int(c.n, 2, "  two");
	is_int(c.dev[1].offset, 0x3e4000, "  offset of copy 2");
	is_int(c.dev[0].size, 0x4000, "  size");
	is_int(parse("/dev/mtd1 0x0 0x4000 0x10000 1\n/dev/mtd2 0x0 0x4000 0x10000 1\n", &c, &err), 0,
	       "sector size and count are accepted");
	is_int(parse("/dev/x 0x0 0x4000\n", &c, &err), -SF_ECONFIG, "one copy refused");
	ok(strstr(err.msg, "needs two (a redundant environment)") != NULL, "  message: %s", err.msg);
	is_int(parse("/dev/x 0 0x4000\n/dev/x 0x4000 0x4000\n/dev/x 0x8000 0x4000\n", &c, &err), -SF_ECONFIG,
	       "three copies refused");
	is_int(parse("/dev/x 0 0x4000\n/dev/x 0x4000 0x2000\n", &c, &err), -SF_ECONFIG, "different sizes refused");
	is_int(parse("/dev/x 0 0x4000\n/dev/x 0x2000 0x4000\n", &c, &err), -SF_ECONFIG, "overlapping copies refused");
	is_int(parse("/dev/x 0 0x4000\n/dev/x zz 0x4000\n", &c, &err), -SF_ECONFIG, "bad offset refused");
	ok(strstr(err.msg, "line 2: offset 'zz' is not a number") != NULL, "  message: %s", err.msg);
	is_int(parse("/dev/x 0 -16\n/dev/x 0x4000 0x4000\n", &c, &err), -SF_ECONFIG, "negative size refused");
	is_int(parse("/dev/x 0 5\n/dev/x 0x4000 5\n", &c, &err), -SF_ECONFIG, "a size without room for data refused");
	is_int(parse("/dev/x 0\n/dev/x 0x4000 0x4000\n", &c, &err), -SF_ECONFIG, "missing size refused");
	is_int(parse("", &c, &err), -SF_ECONFIG, "empty file refused");
}

static void write_cfg(const char *text)
{
	FILE *f = fopen(cfg, "w");

	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static void make_env(const void *fill, size_t len)
{
	FILE *f = fopen(file, "wb");

	if (!f || fwrite(fill, 1, len, f) != len)
		abort();
	fclose(f);
}

static void test_uboot(void)
{
	static uint8_t buf[0x8000];
	static struct kv kv, back;
	struct env_uboot *e;
	struct env_config c;
	struct sf_err err;
	char text[512];
	enum env_state state;
	int ret;

	snprintf(text, sizeof(text), "%s 0x0 0x4000\n%s 0x4000 0x4000\n", file, file);
	write_cfg(text);
	memset(buf, 0xff, sizeof(buf));
	make_env(buf, sizeof(buf));
	is_int(env_config_check(cfg, &c, &err), 0, "the configuration checks out");
	is_int(env_uboot_open(&e, cfg, &err), 0, "open");
	is_int(env_uboot_ops.load(e, &kv, &state), 0, "erased (0xff) env loads");
	is_int(state, ENV_BLANK, "  blank: factory-fresh");
	kv_clear(&kv);
	if (kv_set(&kv, "sf_x_active", "a") || kv_set(&kv, "sf_x_floor", "0"))
		abort();
	is_int(env_uboot_ops.store(e, &kv), 0, "the first store makes it valid");
	is_int(env_uboot_ops.load(e, &back, &state), 0, "and it reads back");
	is_int(state, ENV_VALID, "  valid");
	ok(kv_equal(&kv, &back), "  with the stored variables");
	env_uboot_close(e);

	/* a U-Boot variable slotflip does not own survives every store */
	{
		static const char data[] = "bootcmd=run distro_bootcmd\0sf_x_active=b\0sf_gone=1\0";

		env_make_copy(buf, 0x4000, 7, data, sizeof(data));
		memset(buf + 0x4000, 0, 0x4000);
		make_env(buf, sizeof(buf));
	}
	is_int(env_uboot_open(&e, cfg, &err), 0, "open an env written elsewhere");
	is_int(env_uboot_ops.load(e, &back, &state), 0, "load");
	is_str(kv_get(&back, "sf_x_active"), "b", "  its sf_ variables are read");
	ok(kv_get(&back, "bootcmd") == NULL, "  others are not ours");
	is_int(env_uboot_ops.store(e, &kv), 0, "store our set");
	is_int(env_uboot_ops.load(e, &back, &state), 0, "load again");
	ok(kv_equal(&kv, &back), "  exactly our set: sf_gone was dropped");
	env_uboot_close(e);
	{
		FILE *p;
		char line[128] = "";

		snprintf(text, sizeof(text), "fw_printenv -c %s -n bootcmd 2>&1", cfg);
		p = popen(text, "r");
		if (!p || !fgets(line, sizeof(line), p))
			abort();
		pclose(p);
		is_str(line, "run distro_bootcmd\n", "  and fw_printenv still sees bootcmd");
	}

	/* an sf_ value longer than slotflip ever writes */
	{
		char data[300];
		size_t len = (size_t)snprintf(data, sizeof(data), "sf_x_a_ver=%0200d", 7) + 2;

		env_make_copy(buf, 0x4000, 9, data, len);
		memset(buf + 0x4000, 0, 0x4000);
		make_env(buf, sizeof(buf));
	}
	is_int(env_uboot_open(&e, cfg, &err), 0, "open an env with an oversized sf_ value");
	is_int(env_uboot_ops.load(e, &back, &state), -E2BIG, "  load refuses it: -E2BIG");
	env_uboot_close(e);

	/* data, but no valid copy: damaged, or a wrong configuration */
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 100, "sf_x_active=a", 13);
	memcpy(buf + 0x4000 + 100, "sf_x_active=b", 13);
	make_env(buf, sizeof(buf));
	is_int(env_uboot_open(&e, cfg, &err), 0, "open a damaged env");
	is_int(env_uboot_ops.load(e, &back, &state), 0, "no valid copy, data in both: loads");
	is_int(state, ENV_DAMAGED, "  damaged");
	env_uboot_close(e);

	/* one copy blank, the other cut short: the first store ever (init's) was torn */
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 0x4000, "\x12\x34\x56\x78\x01sf_x_active=a", 18);
	make_env(buf, sizeof(buf));
	is_int(env_uboot_open(&e, cfg, &err), 0, "open a torn env");
	is_int(env_uboot_ops.load(e, &back, &state), 0, "one copy blank, the other invalid: loads");
	is_int(state, ENV_TORN, "  torn");
	env_uboot_close(e);

	memset(buf, 0, sizeof(buf));
	make_env(buf, 0x6000);
	ret = env_uboot_open(&e, cfg, &err);
	is_int(ret, -SF_ECONFIG, "a device too short for copy 2 is refused at open");
	ok(strstr(err.msg, "copy 2") && strstr(err.msg, "beyond the end of the device"), "  message: %s", err.msg);
	unlink(file);
	is_int(env_uboot_open(&e, cfg, &err), -SF_ECONFIG, "a missing device is refused at open");
	ok(strstr(err.msg, "does not exist") != NULL, "  message: %s", err.msg);
}

int main(void)
{
	tap_tmpdir(dir, "envuboot");
	snprintf(cfg, sizeof(cfg), "%s/fw_env.config", dir);
	snprintf(file, sizeof(file), "%s/uboot.env", dir);
	test_parse();
	test_uboot();
	tap_rmtree(dir);
	return tap_done();
}
