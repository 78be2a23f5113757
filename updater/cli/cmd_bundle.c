// SPDX-License-Identifier: MIT
/* bundle create | verify | info: the host side, with the device's verifier. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/bundle.h"
#include "delta/delta_file.h"
#include "delta/delta_format.h"
#include "fit/fit_create.h"
#include "fit/keyring.h"
#include "sf_kconfig.h"

static const char bundle_usage[] =
	"usage: slotflip bundle create -o OUT -b BOARD -k KEY [-n NAME] IMAGE...\n"
	"  IMAGE: --component C --version V --security-version N [--base-version B]\n"
	"    [--requires R] --image FILE [--delta-from ACTIVE]\n"
	"  or: bundle delta ACTIVE NEW -o DELTA | bundle info BUNDLE|-\n"
	"  or: bundle verify [--keyring DIR] [--board B] BUNDLE|-";

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
		{ "delta-from", required_argument, NULL, 'D' },	    { NULL, 0, NULL, 0 },
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
		case 'D':
			/* belongs to the --image just before it */
			if (!o.n_images || cur.component || cur.version || cur.base_version || cur.requires || have_sv)
				return cli_usage(err, "--delta-from %s must follow the --image it belongs to", optarg);
			if (o.image[o.n_images - 1].delta_from)
				return cli_usage(err, "--delta-from given twice for --image %s", o.image[o.n_images - 1].path);
			o.image[o.n_images - 1].delta_from = optarg;
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
		if (img->delta.format[0])
			printf("    delta %s: %llu bytes from an active slot holding %llu bytes (sha256 %02x%02x%02x%02x...)\n",
			       img->delta.format, (unsigned long long)img->delta.target_size,
			       (unsigned long long)img->delta.source_size, img->delta.source_sha256[0],
			       img->delta.source_sha256[1], img->delta.source_sha256[2], img->delta.source_sha256[3]);
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
	ret = src_open(&src, argv[optind], err);
	ret = ret ?: bundle_verify(&src, c->keys, SHA256_ENGINE_AUTO, b, err);
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

static void print_hex_prop(const char *name, const uint8_t *v, size_t n)
{
	printf("%s = [", name);
	for (size_t i = 0; i < n; i++)
		printf("%s%02x", i ? " " : "", v[i]);
	printf("];\n");
}

/* `bundle delta OLD NEW -o DELTA`: the delta file and the properties its .its image node needs. */
static int bundle_delta(int argc, char **argv, struct sf_err *err)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 } };
	uint64_t max = (uint64_t)CONFIG_MAX_IMAGE_SIZE_MIB * 1024 * 1024;
	const char *out = NULL;
	struct delta_desc d;
	char *tmp = NULL;
	int opt, fd, ret;

	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt != 'o')
			return cli_usage(err, "%s", bundle_usage);
		out = optarg;
	}
	if (argc - optind != 2 || !out)
		return cli_usage(err, "%s", bundle_usage);
	if (!IS_ENABLED(CONFIG_BUNDLE_CREATE))
		return sf_fail(err, SF_EUSAGE, "this slotflip was built without CONFIG_BUNDLE_CREATE");
	if (asprintf(&tmp, "%s.tmp.XXXXXX", out) < 0)
		return sf_fail_errno(err, SF_EFAIL, ENOMEM, "bundle delta");
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = sf_fail_errno(err, SF_EIO, errno, "cannot create '%s'", tmp);
		free(tmp);
		return ret;
	}
	ret = delta_file_make(argv[optind], argv[optind + 1], max, NULL, fd, &d, err);
	if (!ret && (fchmod(fd, 0644) || fsync(fd)))
		ret = sf_fail_errno(err, SF_EIO, errno, "cannot write '%s'", tmp);
	if (close(fd) && !ret)
		ret = sf_fail_errno(err, SF_EIO, errno, "cannot write '%s'", tmp);
	if (!ret && rename(tmp, out))
		ret = sf_fail_errno(err, SF_EIO, errno, "cannot write '%s'", out);
	if (ret)
		unlink(tmp);
	free(tmp);
	if (ret)
		return ret;
	/* the image node's properties; data = /incbin/(DELTA) carries the payload */
	printf("slotflip,delta = \"%s\";\n", DELTA_FORMAT_NAME);
	printf("slotflip,delta-source-size = /bits/ 64 <%llu>;\n", (unsigned long long)d.source_size);
	print_hex_prop("slotflip,delta-source-sha256", d.source_sha256, SHA256_LEN);
	printf("slotflip,delta-target-size = /bits/ 64 <%llu>;\n", (unsigned long long)d.target_size);
	print_hex_prop("slotflip,delta-target-sha256", d.target_sha256, SHA256_LEN);
	fprintf(stderr, "delta: %llu bytes (%s), %llu -> %llu bytes, %llu operations, transforms 0x%x\n",
		(unsigned long long)d.payload_size, out, (unsigned long long)d.source_size,
		(unsigned long long)d.target_size, (unsigned long long)d.stats.ops, d.stats.flags);
	return 0;
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
	if (!strcmp(argv[1], "delta"))
		return bundle_delta(argc - 1, argv + 1, err);
	return cli_usage(err, "%s", bundle_usage);
}
