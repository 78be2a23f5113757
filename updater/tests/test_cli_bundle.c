// SPDX-License-Identifier: MIT
/*
 * The arguments of `bundle create` (cli/cmd_bundle.c): image groups, options
 * given twice refused (never "the last one wins"), several signing keys each
 * named by the -n after it. The commands as a whole run in
 * updater/tests/host/60-bundle.sh.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "fit/fit_create.h"
#include "tap.h"

/* Parse a `bundle create` command line given as one string of words. */
static int parse_create(const char *line, struct fit_create_opts *o, struct sf_err *err)
{
	static char buf[512];
	char *argv[40];
	int argc = 0;

	snprintf(buf, sizeof(buf), "create %s", line);
	for (char *w = strtok(buf, " "); w && argc < 39; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	optind = 0;
	memset(err, 0, sizeof(*err));
	memset(o, 0, sizeof(*o));
	return cli_parse_bundle_create(argc, argv, o, err);
}

#define GROUP "--component w --version 1 --security-version 1 --image w.img"

static void refused(const char *line, const char *what)
{
	struct fit_create_opts o;
	struct sf_err err;
	int ret = parse_create(line, &o, &err);

	if (!ok(ret == -SF_EUSAGE && err.reason == SF_R_USAGE && !strchr(err.msg, '\n'), "%s: refused", what))
		tap_diag("ret %d: %s", ret, err.msg);
	else
		tap_diag("  %s", err.msg);
}

static void test_groups(void)
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
	is_int(o.n_keys, 1, "  one key");
	is_str(o.key[0].path, "dev.key", "  the key");
	ok(o.key[0].name == NULL, "  named after its file");

	refused("-o b.fit -b q -k k --component w --version 1 --image w.img", "an image without a security version");
	refused("-o b.fit -b q -k k " GROUP " --base-version 1", "image options after the last --image");
	refused("-o b.fit -b q -k k --component w --version 1 --security-version x --image w",
		"a security version that is not a number");
	refused("-b q -k k " GROUP, "no output file");
	refused("-o b.fit -b q " GROUP, "no key");
	refused("-o b.fit -b q -k k", "no image");
	refused("-o b.fit -b q -k k --frobnicate " GROUP, "an unknown option");
	refused("-o b.fit -b q -k k " GROUP " extra", "a word after the options");
}

/* Each option once: a repeated one is refused, whichever comes first. */
static void test_repeated(void)
{
	static const char *const twice[] = {
		"--component w --component x --version 1 --security-version 1 --image w.img",
		"--component w --version 1 --version 2 --security-version 1 --image w.img",
		"--component w --version 1 --security-version 1 --security-version 2 --image w.img",
		"--component w --version 1.1 --base-version 1 --base-version 2 --security-version 1 --image w.img",
		"--component w --version 1 --requires a>=1 --requires b>=2 --security-version 1 --image w.img",
	};
	struct fit_create_opts o;
	struct sf_err err;

	for (unsigned int i = 0; i < sizeof(twice) / sizeof(twice[0]); i++) {
		char line[256];

		snprintf(line, sizeof(line), "-o b.fit -b q -k k %s", twice[i]);
		refused(line, twice[i]);
	}
	refused("-o b.fit -o c.fit -b q -k k " GROUP, "-o twice");
	refused("-o b.fit -b q -b r -k k " GROUP, "-b twice");
	is_int(parse_create("-o b.fit -b q -k k " GROUP " --component x --version 2 --security-version 2 --image x.img",
			    &o, &err),
	       0, "the same options again after --image start the next group");
}

static void test_keys(void)
{
	struct fit_create_opts o;
	struct sf_err err;

	is_int(parse_create("-o b.fit -b q -k old.key -n old -k new.pem " GROUP, &o, &err), 0, "two keys");
	is_int(o.n_keys, 2, "  two keys");
	is_str(o.key[0].path, "old.key", "  first key");
	is_str(o.key[0].name, "old", "  named by the -n after it");
	is_str(o.key[1].path, "new.pem", "  second key");
	ok(o.key[1].name == NULL, "  named after its file");
	refused("-o b.fit -b q -n dev -k k " GROUP, "-n before any -k");
	refused("-o b.fit -b q -k k -n a -n b " GROUP, "-n twice for one key");
	{
		char line[512] = "-o b.fit -b q ";

		for (int i = 0; i <= FIT_CREATE_KEYS_MAX; i++)
			strcat(line, "-k k ");
		strcat(line, GROUP);
		refused(line, "more keys than a verifier looks at");
	}
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
	test_groups();
	test_repeated();
	test_keys();
	test_bundle_create_delta_args();
	return tap_done();
}
