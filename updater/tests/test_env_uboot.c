// SPDX-License-Identifier: MIT
/*
 * The environment back-end on real files: io/env_config.c parses and checks
 * fw_env.config; io/env_uboot.c stores through libubootenv in one store, keeps
 * the variables it does not own (sfboot is not sf_boot), reads back what it
 * stored — so a device that drops or corrupts the write fails the store — and
 * tells a blank environment (-ENODATA) from one that holds data but no valid
 * copy (-EBADMSG).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libuboot.h>

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
	ok(strstr(err.msg, "lists more than two environment copies") != NULL, "  at the third line: %s", err.msg);
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

static char *fw_printenv_n(const char *name)
{
	static char line[128];
	char cmd[512];
	FILE *p;

	line[0] = '\0';
	snprintf(cmd, sizeof(cmd), "fw_printenv -c %s -n %s 2>/dev/null", cfg, name);
	p = popen(cmd, "r");
	if (!p)
		abort();
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* Variables that merely start like ours are U-Boot's: never read, never dropped. */
static void test_foreign(void)
{
	static const char data[] = "sfboot=mmc 0\0sf=1\0sfx_active=b\0sf_x_active=b\0sf_gone=1\0";
	static uint8_t buf[0x8000];
	static struct kv kv, back;
	enum env_state state;
	struct env_uboot *e;
	struct sf_err err;

	env_make_copy(buf, 0x4000, 3, data, sizeof(data));
	memset(buf + 0x4000, 0, 0x4000);
	make_env(buf, sizeof(buf));
	if (env_uboot_open(&e, cfg, &err))
		abort();
	is_int(env_uboot_ops.load(e, &back, &state), 0, "an env with sfboot, sf and sfx_active beside sf_x_active");
	is_int(back.n, 2, "  only the two sf_ variables are read");
	ok(!kv_get(&back, "sfboot") && !kv_get(&back, "sf") && !kv_get(&back, "sfx_active"),
	   "  sfboot, sf and sfx_active are not state");
	kv_clear(&kv);
	if (kv_set(&kv, "sf_x_active", "a"))
		abort();
	is_int(env_uboot_ops.store(e, &kv), 0, "a store of another set");
	env_uboot_close(e);
	is_str(fw_printenv_n("sfboot"), "mmc 0", "  keeps sfboot (fw_printenv)");
	is_str(fw_printenv_n("sf"), "1", "  keeps sf");
	is_str(fw_printenv_n("sfx_active"), "b", "  keeps sfx_active");
	is_str(fw_printenv_n("sf_gone"), "", "  drops sf_gone, which it owns");
	is_str(fw_printenv_n("sf_x_active"), "a", "  and stores sf_x_active=a");
}

/*
 * A device that lies: libubootenv writes and reports success (0.3.2 ignores
 * fsync() and close() errors), but the bytes never arrive, arrive damaged, or
 * arrive without their new flags byte, so the old copy stays current.
 */
enum fault { FAULT_NONE, FAULT_DROP, FAULT_CORRUPT, FAULT_OLD_FLAGS };

static const char *const fault_name[] = { "a faithful device", "a device that drops the write",
					  "a device that corrupts one byte of it",
					  "a device that loses the new flags byte" };

struct faulty {
	enum fault fault;
	unsigned int stores;
};

static size_t read_env(uint8_t *buf, size_t room)
{
	FILE *f = fopen(file, "rb");
	size_t n;

	if (!f)
		abort();
	n = fread(buf, 1, room, f);
	fclose(f);
	return n;
}

static int faulty_store(void *priv, struct uboot_ctx *ctx)
{
	static uint8_t before[0x8000], after[0x8000];
	struct faulty *f = priv;
	size_t n = read_env(before, sizeof(before)), c;
	int ret;

	ret = libuboot_env_store(ctx);
	f->stores++;
	if (ret || f->fault == FAULT_NONE)
		return ret;
	if (read_env(after, sizeof(after)) != n || n != 0x8000)
		abort();
	/* the copy that was written */
	c = memcmp(before, after, 0x4000) ? 0 : 0x4000;
	switch (f->fault) {
	case FAULT_DROP:
		memcpy(after, before, n);
		break;
	case FAULT_CORRUPT:
		after[c + ENV_HDR_REDUND + 3] ^= 0x20;
		break;
	case FAULT_OLD_FLAGS:
		/* one behind the other copy's, counting as U-Boot does (0 follows 255) */
		after[c + 4] = (uint8_t)(after[(c ^ 0x4000) + 4] - 1);
		break;
	default:
		abort();
	}
	make_env(after, n);
	return 0;
}

static void test_readback(void)
{
	static uint8_t buf[0x8000];
	static struct kv a, b, back;
	struct faulty f = { FAULT_NONE, 0 };
	struct env_uboot_medium medium = { faulty_store, &f };
	enum env_state state;
	struct env_uboot *e;
	struct sf_err err;

	memset(buf, 0xff, sizeof(buf));
	make_env(buf, sizeof(buf));
	is_int(env_uboot_open_on(&e, cfg, &medium, &err), 0, "open with a device between libubootenv and the file");
	kv_clear(&a);
	kv_clear(&b);
	if (kv_set(&a, "sf_x_active", "a") || kv_set(&a, "sf_x_floor", "1") || kv_set(&b, "sf_x_active", "b") ||
	    kv_set(&b, "sf_x_floor", "2"))
		abort();
	is_int(env_uboot_ops.store(e, &a), 0, "a store through a faithful device succeeds");
	is_int(f.stores, 1, "  through the device");
	for (int fault = FAULT_DROP; fault <= FAULT_OLD_FLAGS; fault++) {
		f.fault = (enum fault)fault;
		is_int(env_uboot_ops.store(e, &b), -EIO, "%s: the store fails (-EIO), its read-back saw it",
		       fault_name[fault]);
		is_int(env_uboot_ops.load(e, &back, &state), 0, "  the environment still reads");
		is_int(state, ENV_VALID, "  a valid copy");
		ok(kv_equal(&back, &a), "  with the set before the store: nothing is reported armed that is not");
	}
	is_int(f.stores, 4, "every store went through the device");
	f.fault = FAULT_NONE;
	is_int(env_uboot_ops.store(e, &b), 0, "the device faithful again: the store succeeds");
	is_int(env_uboot_ops.load(e, &back, &state), 0, "  and reads back");
	ok(kv_equal(&back, &b), "  the new set");
	env_uboot_close(e);
}

int main(void)
{
	tap_tmpdir(dir, "envuboot");
	snprintf(cfg, sizeof(cfg), "%s/fw_env.config", dir);
	snprintf(file, sizeof(file), "%s/uboot.env", dir);
	test_parse();
	test_uboot();
	test_foreign();
	test_readback();
	tap_rmtree(dir);
	return tap_done();
}
