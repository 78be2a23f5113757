// SPDX-License-Identifier: MIT
/*
 * The command's own logic (cli/main.c, cmd_state.c, cmd_install.c,
 * json.c): JSON string escaping, `--factory` parsing, the progress bar line
 * (`bundle create` arguments: test_cli_bundle.c). The commands as a whole are
 * driven by the host tests (updater/tests/host/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
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

int main(void)
{
	test_json_writer();
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
