// SPDX-License-Identifier: MIT
/* bundle create | verify | info: the host side, with the device's verifier. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/bundle.h"
#include "fit/fit_create.h"
#include "fit/keyring.h"
#include "sf_kconfig.h"

static const char bundle_usage[] =
	"usage: slotflip bundle create -o OUT -b BOARD -k KEY.pem [-n KEYNAME] IMAGE...\n"
	"         IMAGE: --component C --version V --security-version N [--base-version B]\n"
	"                [--requires 'c>=v,...'] --image FILE\n"
	"       slotflip bundle verify [--keyring DIR] [--board BOARD] BUNDLE|-\n"
	"       slotflip bundle info BUNDLE|-";

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > UINT32_MAX || *s == '-')
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int cli_parse_bundle_create(int argc, char **argv, struct fit_create_opts *out, struct sf_err *err)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },	    { "board", required_argument, NULL, 'b' },
		{ "key", required_argument, NULL, 'k' },	    { "key-name", required_argument, NULL, 'n' },
		{ "component", required_argument, NULL, 'C' },	    { "version", required_argument, NULL, 'V' },
		{ "security-version", required_argument, NULL, 'S' }, { "base-version", required_argument, NULL, 'B' },
		{ "requires", required_argument, NULL, 'R' },	    { "image", required_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	struct fit_create_opts o = { 0 };
	struct fit_create_image cur = { 0 };
	bool have_sv = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "o:b:k:n:", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': o.out_path = optarg; break;
		case 'b': o.board = optarg; break;
		case 'k': o.key_path = optarg; break;
		case 'n': o.key_name = optarg; break;
		case 'C': cur.component = optarg; break;
		case 'V': cur.version = optarg; break;
		case 'B': cur.base_version = optarg; break;
		case 'R': cur.requires = optarg; break;
		case 'S':
			if (parse_u32(optarg, &cur.security_version))
				return cli_usage(err, "--security-version '%s' is not a 32-bit number", optarg);
			have_sv = true;
			break;
		case 'I':
			if (!cur.component || !cur.version || !have_sv)
				return cli_usage(err, "--image %s needs --component, --version and --security-version before it",
						 optarg);
			if (o.n_images >= CONFIG_MAX_BUNDLE_IMAGES)
				return cli_usage(err, "more than %d images", CONFIG_MAX_BUNDLE_IMAGES);
			cur.path = optarg;
			o.image[o.n_images++] = cur;
			memset(&cur, 0, sizeof(cur));
			have_sv = false;
			break;
		default:
			return cli_usage(err, "%s", bundle_usage);
		}
	}
	if (optind != argc || !o.out_path || !o.board || !o.key_path || !o.n_images)
		return cli_usage(err, "%s", bundle_usage);
	if (cur.component || cur.version || cur.base_version || cur.requires || have_sv)
		return cli_usage(err, "image options after the last --image");
	*out = o;
	return 0;
}

static int bundle_create(int argc, char **argv, struct sf_err *err)
{
	struct fit_create_opts o;
	int ret;

	if (!IS_ENABLED(CONFIG_BUNDLE_CREATE))
		return sf_fail(err, SF_EUSAGE, "this slotflip was built without CONFIG_BUNDLE_CREATE");
	ret = cli_parse_bundle_create(argc, argv, &o, err);
	return ret ?: fit_create(&o, err);
}

static void print_bundle(const struct fit_bundle *b)
{
	printf("board %s, configuration %s, header %llu bytes\n", b->board, b->config,
	       (unsigned long long)b->header_size);
	for (unsigned int k = 0; k < b->n_images; k++) {
		const struct fit_image *img = &b->image[k];

		printf("  %s: %s %s, security version %u", img->node, img->component, img->version,
		       (unsigned int)img->security_version);
		if (img->base_version[0])
			printf(", patch of %s", img->base_version);
		for (unsigned int r = 0; r < img->n_requires; r++)
			printf("%s%s>=%s", r ? ", " : ", requires ", img->requires[r].component,
			       img->requires[r].version);
		printf(", %llu bytes at %llu\n", (unsigned long long)img->data_size,
		       (unsigned long long)img->data_offset);
	}
}

static int bundle_verify_cmd(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	static const struct option opts[] = { { "keyring", required_argument, NULL, 'k' },
					      { "board", required_argument, NULL, 'b' },
					      { NULL, 0, NULL, 0 } };
	const char *keyring = NULL, *board = NULL;
	struct fit_bundle *b = NULL;
	struct src src = { .fd = -1 };
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "k:b:", opts, NULL)) != -1) {
		if (opt == 'k')
			keyring = optarg;
		else if (opt == 'b')
			board = optarg;
		else
			return cli_usage(err, "%s", bundle_usage);
	}
	if (argc - optind != 1)
		return cli_usage(err, "%s", bundle_usage);
	if (!keyring) {
		/* the device's own keyring and board */
		ret = sysconf_load(&c->sys, c->config, err);
		if (ret)
			return ret;
		keyring = c->sys.keyring;
		board = board ? board : c->sys.board;
	}
	ret = keyring_load(&c->keys, keyring, err);
	/* the device's keyring comes with the device's key policy */
	if (!ret && keyring == c->sys.keyring)
		ret = keyring_set_policy(c->keys, &c->sys.key_policy, err);
	if (ret)
		return ret;
	b = calloc(1, sizeof(*b));
	if (!b)
		return sf_fail(err, SF_EFAIL, "out of memory");
	ret = cli_hash_engine(&c->ctx.hash_engine, err);
	ret = ret ?: src_open(&src, argv[optind], err);
	ret = ret ?: bundle_verify(&src, c->keys, c->ctx.hash_engine, b, err);
	if (!ret && board && strcmp(board, b->board))
		ret = sf_fail(err, SF_EPOLICY, "bundle is for board '%s', this board is '%s'", b->board, board);
	if (!ret) {
		printf("verified: signed with key '%s' (%s)\n", b->key_name, b->algo);
		print_bundle(b);
	}
	src_close(&src);
	free(b);
	return ret;
}

static int bundle_info(int argc, char **argv, struct sf_err *err)
{
	struct fit_sig_info sigs[CONFIG_MAX_SIGNATURES];
	unsigned int n_sigs = CONFIG_MAX_SIGNATURES;
	struct fit_bundle *b = NULL;
	struct src src = { .fd = -1 };
	void *header = NULL;
	size_t size;
	int ret;

	if (argc != 2)
		return cli_usage(err, "%s", bundle_usage);
	b = calloc(1, sizeof(*b));
	if (!b)
		return sf_fail(err, SF_EFAIL, "out of memory");
	ret = src_open(&src, argv[1], err);
	ret = ret ?: bundle_read_header(&src, &header, &size, err);
	ret = ret ?: fit_inspect(header, size, src.size, b, sigs, &n_sigs, err);
	if (!ret) {
		printf("not verified (use 'slotflip bundle verify')\n");
		print_bundle(b);
		for (unsigned int k = 0; k < n_sigs && k < CONFIG_MAX_SIGNATURES; k++)
			printf("  signature %s: %s, key '%s'%s%s\n", sigs[k].node, sigs[k].algo, sigs[k].key_name_hint,
			       sigs[k].padding[0] ? ", padding " : "", sigs[k].padding);
	}
	src_close(&src);
	free(header);
	free(b);
	return ret;
}

int cmd_bundle(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	if (argc < 2)
		return cli_usage(err, "%s", bundle_usage);
	optind = 0;
	if (!strcmp(argv[1], "create"))
		return bundle_create(argc - 1, argv + 1, err);
	if (!strcmp(argv[1], "verify"))
		return bundle_verify_cmd(c, argc - 1, argv + 1, err);
	if (!strcmp(argv[1], "info"))
		return bundle_info(argc - 1, argv + 1, err);
	return cli_usage(err, "%s", bundle_usage);
}
