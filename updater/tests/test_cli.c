// SPDX-License-Identifier: MIT
/*
 * The command's own logic (cli/main.c, cmd_state.c, cmd_install.c,
 * cmd_bundle.c): JSON string escaping, `--factory` parsing, the progress bar
 * line, the image groups of `bundle create`. The commands as a whole are driven
 * by the host tests (updater/tests/host/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "cli/cli.h"
#include "fit/fit_create.h"
#include "tap.h"

static const char *json(const char *s)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (!f)
		abort();
	json_escape(f, s);
	fclose(f);
	return buf;
}

/* The writer puts the commas, nests, and starts inside an envelope. */
static void test_json_writer(void)
{
	char buf[256];
	struct json j;
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (!f)
		abort();
	json_start(&j, f);
	json_obj(&j);
	json_kbool(&j, "ok", true);
	json_kstr(&j, "reason", NULL);
	json_key(&j, "list");
	json_arr(&j);
	json_uint(&j, 1);
	json_str(&j, "x");
	json_obj(&j);
	json_end(&j);
	json_arr(&j);
	json_end(&j);
	json_end(&j);
	json_key(&j, "n");
	json_int(&j, -3);
	json_end(&j);
	fclose(f);
	is_str(buf, "{\"ok\": true, \"reason\": null, \"list\": [1, \"x\", {}, []], \"n\": -3}", "nested values");
	f = fmemopen(buf, sizeof(buf), "w");
	if (!f)
		abort();
	json_fragment(&j, f);
	json_kstr(&j, "a", "1");
	json_key(&j, "o");
	json_obj(&j);
	json_kuint(&j, "b", 2);
	json_end(&j);
	fclose(f);
	is_str(buf, ", \"a\": \"1\", \"o\": {\"b\": 2}", "members of an object already open");
}

/* Parse a `bundle create` command line given as one string of words. */
static int parse_create(const char *line, struct fit_create_opts *o, struct sf_err *err)
{
	static char buf[512];
	char *argv[32];
	int argc = 0;

	snprintf(buf, sizeof(buf), "create %s", line);
	for (char *w = strtok(buf, " "); w && argc < 31; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	optind = 0;
	memset(err, 0, sizeof(*err));
	return cli_parse_bundle_create(argc, argv, o, err);
}

static void test_bundle_create_args(void)
{
	struct fit_create_opts o;
	struct sf_err err;

	is_int(parse_create("-o b.fit -b qemu -k dev.key --component webkit --version 26.3 --security-version 5 "
			    "--image w.img --component libc --version 2.36 --security-version 3 --base-version 2.36 "
			    "--requires webkit>=26 --image l.img",
			    &o, &err),
	       0, "two image groups");
	is_int(o.n_images, 2, "  two images");
	is_str(o.image[0].component, "webkit", "  first component");
	ok(o.image[0].base_version == NULL && o.image[0].requires == NULL, "  no options leak into the first group");
	is_str(o.image[1].base_version, "2.36", "  second group's base version");
	is_str(o.image[1].requires, "webkit>=26", "  and requirement");
	is_int(o.image[1].security_version, 3, "  and security version");
	is_str(o.key_path, "dev.key", "  the key");
	is_int(parse_create("-o b.fit -b q -k k --component w --version 1 --image w.img", &o, &err), -SF_EUSAGE,
	       "an image without a security version");
	ok(strstr(err.msg, "needs --component, --version and --security-version") != NULL, "  message: %s", err.msg);
	is_int(parse_create("-o b.fit -b q -k k --component w --version 1 --security-version 1 --image w.img "
			    "--base-version 1",
			    &o, &err),
	       -SF_EUSAGE, "image options after the last --image");
	is_int(parse_create("-o b.fit -b q -k k --component w --version 1 --security-version x --image w", &o, &err),
	       -SF_EUSAGE, "a security version that is not a number");
	is_int(parse_create("-b q -k k --component w --version 1 --security-version 1 --image w", &o, &err),
	       -SF_EUSAGE, "no output file");
}

static void test_bundle_create_delta_args(void)
{
	struct fit_create_opts o;
	struct sf_err err;

	is_int(parse_create("-o b.fit -b q -k k --component w --version 1 --security-version 1 --image w.img "
			    "--delta-from old.img --component l --version 2 --security-version 1 --image l.img",
			    &o, &err),
	       0, "--delta-from after an --image");
	is_str(o.image[0].delta_from, "old.img", "  belongs to the image before it");
	ok(o.image[1].delta_from == NULL, "  and to no other: the second image is full");
	is_int(parse_create("-o b.fit -b q -k k --delta-from old.img --component w --version 1 --security-version 1 "
			    "--image w.img",
			    &o, &err),
	       -SF_EUSAGE, "--delta-from before any --image");
	ok(strstr(err.msg, "must follow the --image it belongs to") != NULL, "  message: %s", err.msg);
	is_int(parse_create("-o b.fit -b q -k k --component w --version 1 --security-version 1 --image w.img "
			    "--component l --delta-from old.img --version 2 --security-version 1 --image l.img",
			    &o, &err),
	       -SF_EUSAGE, "--delta-from inside the next image's options");
	is_int(parse_create("-o b.fit -b q -k k --component w --version 1 --security-version 1 --image w.img "
			    "--delta-from a.img --delta-from b.img",
			    &o, &err),
	       -SF_EUSAGE, "--delta-from twice");
	ok(strstr(err.msg, "given twice") != NULL, "  message: %s", err.msg);
}
int main(void)
{
	test_bundle_create_args();
	test_json_writer();
	test_bundle_create_delta_args();

	struct sf_factory f;
	struct sf_err err;
	char line[160];
	struct sf_progress p = { .phase = "write", .component = "webkit", .done = 50 << 20, .total = 100 << 20 };

	is_str(json("26.3 (a)"), "\"26.3 (a)\"", "plain string quoted");
	is_str(json("a\"b\\c"), "\"a\\\"b\\\\c\"", "quote and backslash escaped");
	is_str(json("x\ty\x01"), "\"x\\u0009y\\u0001\"", "control characters as \\u escapes");
	is_str(json("\x1b[2J\xff"), "\"\\u001b[2J\\u00ff\"", "escape sequences and bytes above 0x7e escaped");

	is_int(cli_parse_factory("webkit=26.3:5", &f, &err), 0, "COMPONENT=VERSION:SV");
	is_str(f.component, "webkit", "  component");
	is_str(f.version, "26.3", "  version");
	is_int(f.sv, 5, "  security version");
	is_int(cli_parse_factory("kernel=6.1:rc1:2", &f, &err), 0, "the last ':' separates the security version");
	is_str(f.version, "6.1:rc1", "  version with a colon");
	is_int(cli_parse_factory("webkit=26.3 (a):5", &f, &err), -SF_EUSAGE, "a patch is not a factory image");
	is_int(cli_parse_factory("webkit=26.3:-1", &f, &err), -SF_EUSAGE, "negative security version refused");
	is_int(cli_parse_factory("webkit=26.3:4294967296", &f, &err), -SF_EUSAGE, "beyond 32 bits refused");
	is_int(cli_parse_factory("webkit:5", &f, &err), -SF_EUSAGE, "missing '=' refused");
	is_int(cli_parse_factory("Web=1:1", &f, &err), -SF_EUSAGE, "invalid component refused");
	ok(strstr(err.msg, "--factory 'Web=1:1'") != NULL, "  message names the argument: %s", err.msg);

	cli_progress_line(line, sizeof(line), &p, 0.5);
	ok(!strncmp(line, "webkit           [###############               ]  50%    100.0 MiB/s  ETA 0:00", 82),
	   "half done at 100 MiB/s: %s", line);
	cli_progress_line(line, sizeof(line), &p, 0.1);
	ok(!strstr(line, "MiB/s") && !strstr(line, "ETA"), "no rate nor time left before there is one: %s", line);
	p.done = 0;
	cli_progress_line(line, sizeof(line), &p, 3);
	ok(!strstr(line, "MiB/s"), "nor with nothing done: %s", line);
	p.done = p.total;
	cli_progress_line(line, sizeof(line), &p, 2.0);
	ok(strstr(line, "100%") && strstr(line, "[##############################]"), "complete: %s", line);
	p.total = 0;
	p.done = 0;
	cli_progress_line(line, sizeof(line), &p, 0);
	ok(strstr(line, "100%") != NULL, "nothing to do counts as complete: %s", line);
	return tap_done();
}
