// SPDX-License-Identifier: MIT
/* bundle create | delta | verify | info: the host side, with the device's verifier. */
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

static const char create_usage[] =
	"usage: slotflip bundle create [--json] -o OUT -b BOARD -k KEY [-n NAME] [-k KEY [-n NAME]]... IMAGE...\n"
	"  IMAGE: --component C --version V --security-version N [--base-version B]\n"
	"         [--requires 'c>=v,...'] --image FILE [--delta-from ACTIVE]\n"
	"\n"
	"Makes a bundle: a FIT image with external data, as 'mkimage -E -p 0x1000' lays it out,\n"
	"signed by each key in a signature node of its own.\n"
	"  -o, --output OUT          the bundle file (written beside OUT, then renamed over it)\n"
	"  -b, --board BOARD         the board it installs on (the configuration's compatible)\n"
	"  -k, --key KEY             a PEM private key: RSA-2048, RSA-4096 or EC P-256; another -k\n"
	"                            signs again (dual signing during a key rotation, docs/keys.md)\n"
	"  -n, --key-name NAME       key-name-hint of the -k before it (default: its file name\n"
	"                            without the extension)\n"
	"  --component C             component name, [a-z0-9_]{1,16}\n"
	"  --version V               its version: \"26.3\", or a patch \"26.3 (a)\"\n"
	"  --security-version N      its security version (0 to 4294967295)\n"
	"  --base-version B          the baseline a patch installs on (needed by a patch version)\n"
	"  --requires 'c>=v,...'     other components it needs, at or above a version\n"
	"  --image FILE              the image data; ends the group (each option once per group)\n"
	"  --delta-from ACTIVE       right after an --image: ship it as a delta from ACTIVE, the\n"
	"                            image the device runs (docs/bundles.md)\n"
	"  --json                    one JSON result object on standard output (docs/agent.md)\n";

static const char verify_usage[] =
	"usage: slotflip bundle verify [--json] [--keyring DIR] [--board BOARD] BUNDLE|-\n"
	"\n"
	"Verifies a bundle as the installer does: header, signatures and key policy, then each\n"
	"image's data against its signed sha256. Without --keyring: this device's keyring, key\n"
	"policy and board (from the system description, --config PATH).\n"
	"  --keyring DIR             trust the keys of DIR instead (no key policy)\n"
	"  --board BOARD             refuse a bundle for another board\n"
	"  --json                    one JSON result object on standard output (docs/agent.md)\n";

static const char info_usage[] =
	"usage: slotflip bundle info [--json] BUNDLE|-\n"
	"\n"
	"Shows what a bundle's header says, without checking its signatures (nothing shown is\n"
	"verified: 'slotflip bundle verify' is the check). The structure and metadata rules of\n"
	"the verifier apply, and every string is shown as printable text.\n"
	"  --json                    one JSON result object on standard output (docs/agent.md)\n";

static const char delta_usage[] =
	"usage: slotflip bundle delta [--json] -o DELTA ACTIVE NEW\n"
	"\n"
	"Makes the delta from ACTIVE (the image the device runs) to NEW, for a bundle made with\n"
	"mkimage: prints the properties of its image node (slotflip,delta and the sizes and\n"
	"sha256 of both images) for the .its, whose data is /incbin/(\"DELTA\").\n"
	"  -o, --output DELTA        the delta file (written beside DELTA, then renamed over it)\n"
	"  --json                    one JSON result object on standard output (docs/agent.md)\n";

static const char bundle_usage[] =
	"usage: slotflip bundle create|delta|verify|info [--json] ...\n"
	"       slotflip bundle help [create|delta|verify|info]\n"
	"\n"
	"  create   make and sign a bundle\n"
	"  delta    make a delta image for a bundle made with mkimage\n"
	"  verify   check a bundle with the installer's verifier\n"
	"  info     show a bundle's header, unverified\n"
	"\n"
	"'slotflip bundle SUBCOMMAND --help' shows a subcommand's options.\n";

/* A usage error: what was wrong, and the first line of the usage. */
static int usage_error(struct sf_err *err, const char *usage, const char *what, const char *arg)
{
	int len = (int)strcspn(usage, "\n");

	if (arg)
		return cli_usage(err, "%s '%s' (%.*s)", what, arg, len, usage);
	return cli_usage(err, "%s (%.*s)", what, len, usage);
}

/* The argument getopt_long() stopped at, for the message of an unknown option. */
static const char *bad_option(char **argv)
{
	return argv[optind - 1] ? argv[optind - 1] : "?";
}

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

/* What one `bundle create` image group or the global options already hold. */
struct create_parse {
	struct fit_create_opts o;
	struct fit_create_image cur;
	bool have_sv, named;
};

/* An option of an image group: each at most once before its --image. */
static int group_option(struct create_parse *p, int opt, const char *arg, struct sf_err *err)
{
	const char **slot = opt == 'C' ? &p->cur.component :
			    opt == 'V' ? &p->cur.version :
			    opt == 'B' ? &p->cur.base_version :
			    opt == 'R' ? &p->cur.requires :
					 NULL;

	if ((slot && *slot) || (opt == 'S' && p->have_sv))
		return usage_error(err, create_usage, "an option given twice for one image, before --image", arg);
	if (slot) {
		*slot = arg;
		return 0;
	}
	if (parse_u32(arg, &p->cur.security_version))
		return cli_usage(err, "--security-version '%s' is not a 32-bit number", arg);
	p->have_sv = true;
	return 0;
}

/* --delta-from: belongs to the --image just before it, once. */
static int delta_option(struct create_parse *p, const char *arg, struct sf_err *err)
{
	struct fit_create_image *last = p->o.n_images ? &p->o.image[p->o.n_images - 1] : NULL;

	if (!last || p->cur.component || p->cur.version || p->cur.base_version || p->cur.requires || p->have_sv)
		return usage_error(err, create_usage, "--delta-from must follow the --image it belongs to", arg);
	if (last->delta_from)
		return usage_error(err, create_usage, "--delta-from given twice for one --image", arg);
	last->delta_from = arg;
	return 0;
}

static int end_group(struct create_parse *p, const char *file, struct sf_err *err)
{
	if (!p->cur.component || !p->cur.version || !p->have_sv)
		return cli_usage(err, "--image %s needs --component, --version and --security-version before it", file);
	if (p->o.n_images >= CONFIG_MAX_BUNDLE_IMAGES)
		return cli_usage(err, "more than %d images", CONFIG_MAX_BUNDLE_IMAGES);
	p->cur.path = file;
	p->o.image[p->o.n_images++] = p->cur;
	memset(&p->cur, 0, sizeof(p->cur));
	p->have_sv = false;
	return 0;
}

/* -o, -b once; -k once per key; -n once, after the -k it names. */
static int global_option(struct create_parse *p, int opt, const char *arg, struct sf_err *err)
{
	switch (opt) {
	case 'o':
	case 'b':
		if (*(opt == 'o' ? &p->o.out_path : &p->o.board))
			return usage_error(err, create_usage, opt == 'o' ? "-o given twice" : "-b given twice", arg);
		*(opt == 'o' ? &p->o.out_path : &p->o.board) = arg;
		return 0;
	case 'k':
		if (p->o.n_keys == FIT_CREATE_KEYS_MAX)
			return cli_usage(err, "more than %d keys (-k)", FIT_CREATE_KEYS_MAX);
		p->o.key[p->o.n_keys++].path = arg;
		p->named = false;
		return 0;
	default: /* 'n' */
		if (!p->o.n_keys || p->named)
			return usage_error(err, create_usage, "-n names the key of the -k just before it, once", arg);
		p->o.key[p->o.n_keys - 1].name = arg;
		p->named = true;
		return 0;
	}
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
	struct create_parse *p;
	int opt, ret = 0;

	p = calloc(1, sizeof(*p));
	if (!p)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory");
	opterr = 0;
	while (!ret && (opt = getopt_long(argc, argv, "o:b:k:n:", opts, NULL)) != -1) {
		if (strchr("obkn", opt))
			ret = global_option(p, opt, optarg, err);
		else if (opt == 'I')
			ret = end_group(p, optarg, err);
		else if (opt == 'D')
			ret = delta_option(p, optarg, err);
		else if (strchr("CVSBR", opt))
			ret = group_option(p, opt, optarg, err);
		else
			ret = usage_error(err, create_usage, "unknown option or missing value", bad_option(argv));
	}
	if (!ret && (optind != argc || !p->o.out_path || !p->o.board || !p->o.n_keys || !p->o.n_images))
		ret = usage_error(err, create_usage, "-o, -b, -k and at least one image are needed", NULL);
	if (!ret && (p->cur.component || p->cur.version || p->cur.base_version || p->cur.requires || p->have_sv))
		ret = cli_usage(err, "image options after the last --image");
	if (!ret)
		*out = p->o;
	free(p);
	return ret;
}

static void hex_of(char *out, const uint8_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", v[i]);
}

/* The "delta" member: a delta image's source and target, or a delta file made. */
static void delta_fields(struct json *j, const char *format, uint64_t source_size, const uint8_t *source_sha256,
			 uint64_t target_size, const uint8_t *target_sha256)
{
	char hex[2 * SHA256_LEN + 1];

	json_key(j, "delta");
	json_obj(j);
	json_kstr(j, "format", format);
	json_kuint(j, "source_size", source_size);
	hex_of(hex, source_sha256, SHA256_LEN);
	json_kstr(j, "source_sha256", hex);
	json_kuint(j, "target_size", target_size);
	hex_of(hex, target_sha256, SHA256_LEN);
	json_kstr(j, "target_sha256", hex);
	json_end(j);
}

/* The JSON members of a header: what `bundle info` and `bundle verify` show. */
static void bundle_fields(struct json *j, const struct fit_bundle *b)
{
	char hex[2 * SHA256_LEN + 1];

	json_kstr(j, "id", b->id);
	json_kstr(j, "board", b->board);
	json_kstr(j, "config", b->config);
	json_kuint(j, "header_size", b->header_size);
	json_key(j, "images");
	json_arr(j);
	for (unsigned int k = 0; k < b->n_images; k++) {
		const struct fit_image *img = &b->image[k];

		json_obj(j);
		json_kstr(j, "node", img->node);
		json_kstr(j, "component", img->component);
		json_kstr(j, "version", img->version);
		json_kstr(j, "base_version", img->base_version[0] ? img->base_version : NULL);
		json_kuint(j, "security_version", img->security_version);
		json_key(j, "requires");
		json_arr(j);
		for (unsigned int r = 0; r < img->n_requires; r++) {
			json_obj(j);
			json_kstr(j, "component", img->requires[r].component);
			json_kstr(j, "version", img->requires[r].version);
			json_end(j);
		}
		json_end(j);
		json_kuint(j, "data_offset", img->data_offset);
		json_kuint(j, "data_size", img->data_size);
		hex_of(hex, img->sha256, SHA256_LEN);
		json_kstr(j, "sha256", hex);
		if (img->delta.format[0])
			delta_fields(j, img->delta.format, img->delta.source_size, img->delta.source_sha256,
				     img->delta.target_size, img->delta.target_sha256);
		json_end(j);
	}
	json_end(j);
}

static void sig_fields(struct json *j, const struct fit_sig_info *sigs, unsigned int n)
{
	json_key(j, "signatures");
	json_arr(j);
	for (unsigned int k = 0; k < n && k < CONFIG_MAX_SIGNATURES; k++) {
		json_obj(j);
		json_kstr(j, "node", sigs[k].node);
		json_kstr(j, "algo", sigs[k].algo);
		json_kstr(j, "key_name_hint", sigs[k].key_name_hint);
		json_kstr(j, "padding", sigs[k].padding[0] ? sigs[k].padding : NULL);
		json_end(j);
	}
	json_end(j);
}

static void print_bundle(const struct fit_bundle *b)
{
	printf("bundle id %s: board %s, configuration %s, header %llu bytes\n", b->id, b->board, b->config,
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

static void print_sigs(const struct fit_sig_info *sigs, unsigned int n)
{
	for (unsigned int k = 0; k < n && k < CONFIG_MAX_SIGNATURES; k++)
		printf("  signature %s: %s, key '%s'%s%s\n", sigs[k].node, sigs[k].algo, sigs[k].key_name_hint,
		       sigs[k].padding[0] ? ", padding " : "", sigs[k].padding);
}

/* What `bundle verify` and `bundle info` read, and what their output shows. */
struct shown {
	const char *path;
	bool verified;
	bool have;
	struct fit_bundle b;
	struct fit_sig_info sigs[CONFIG_MAX_SIGNATURES];
	unsigned int n_sigs;
};

static void shown_fields(struct json *j, const struct shown *s)
{
	json_kstr(j, "bundle", s->path);
	json_kbool(j, "verified", s->verified && s->have);
	if (!s->have)
		return;
	if (s->verified) {
		json_kstr(j, "key", s->b.key_name);
		json_kstr(j, "algo", s->b.algo);
	}
	bundle_fields(j, &s->b);
	sig_fields(j, s->sigs, s->n_sigs);
}

/* Reads a header and checks it: verified with @keys, or only inspected. */
static int read_and_check(struct src *src, const struct keyring *keys, struct shown *s, struct sf_err *err)
{
	struct fit_bundle *tmp = NULL;
	void *header = NULL;
	size_t size;
	int ret;

	s->n_sigs = CONFIG_MAX_SIGNATURES;
	ret = bundle_read_header(src, &header, &size, err);
	if (!ret && keys) {
		tmp = calloc(1, sizeof(*tmp));
		ret = tmp ? fit_verify(header, size, src->size, keys, &s->b, err) :
			    sf_fail(err, SF_R_NO_MEMORY, "out of memory");
		/* the signature nodes as found, for the output: they passed the checks already */
		if (!ret && fit_inspect(header, size, src->size, tmp, s->sigs, &s->n_sigs, err))
			s->n_sigs = 0;
	} else if (!ret) {
		ret = fit_inspect(header, size, src->size, &s->b, s->sigs, &s->n_sigs, err);
	}
	free(tmp);
	free(header);
	return ret;
}

/* The keyring: --keyring DIR, else the device's own (with its policy and board). */
static int verify_keys(struct cli *c, const char *keyring, const char **board, struct sf_err *err)
{
	int ret;

	if (!keyring) {
		ret = sysconf_load(&c->sys, c->config, err);
		if (ret)
			return ret;
		keyring = c->sys.keyring;
		*board = *board ? *board : c->sys.board;
	}
	ret = keyring_load(&c->keys, keyring, err);
	/* the device's keyring comes with the device's key policy */
	if (!ret && keyring == c->sys.keyring)
		ret = keyring_set_policy(c->keys, &c->sys.key_policy, err);
	return ret;
}

static int bundle_verify_cmd(struct cli *c, int argc, char **argv, bool json, struct shown *s, struct sf_err *err)
{
	static const struct option opts[] = { { "keyring", required_argument, NULL, 'k' },
					      { "board", required_argument, NULL, 'b' },
					      { NULL, 0, NULL, 0 } };
	const char *keyring = NULL, *board = NULL;
	struct src src = { .fd = -1 };
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "k:b:", opts, NULL)) != -1) {
		if (opt == 'k')
			keyring = optarg;
		else if (opt == 'b')
			board = optarg;
		else
			return usage_error(err, verify_usage, "unknown option or missing value", bad_option(argv));
	}
	if (argc - optind != 1)
		return usage_error(err, verify_usage, "one bundle is needed", NULL);
	s->path = argv[optind];
	s->verified = true;
	ret = verify_keys(c, keyring, &board, err);
	ret = ret ?: cli_hash_engine(&c->ctx.hash_engine, err);
	ret = ret ?: src_open(&src, argv[optind], err);
	ret = ret ?: read_and_check(&src, c->keys, s, err);
	ret = ret ?: bundle_check_payloads(&src, &s->b, c->ctx.hash_engine, err);
	if (!ret && board && strcmp(board, s->b.board))
		ret = sf_fail(err, SF_R_WRONG_BOARD, "bundle is for board '%s', this board is '%s'", s->b.board, board);
	s->have = !ret;
	if (!ret && !json) {
		printf("verified: signed with key '%s' (%s)\n", s->b.key_name, s->b.algo);
		print_bundle(&s->b);
	}
	src_close(&src);
	return ret;
}

static int bundle_info(int argc, char **argv, bool json, struct shown *s, struct sf_err *err)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };
	struct src src = { .fd = -1 };
	int ret;

	opterr = 0;
	if (getopt_long(argc, argv, "", opts, NULL) != -1)
		return usage_error(err, info_usage, "unknown option", bad_option(argv));
	if (argc - optind != 1)
		return usage_error(err, info_usage, "one bundle is needed", NULL);
	s->path = argv[optind];
	ret = src_open(&src, argv[optind], err);
	ret = ret ?: read_and_check(&src, NULL, s, err);
	s->have = !ret;
	if (!ret && !json) {
		printf("not verified (use 'slotflip bundle verify')\n");
		print_bundle(&s->b);
		print_sigs(s->sigs, s->n_sigs);
	}
	src_close(&src);
	return ret;
}

static void created_fields(struct json *j, const struct shown *s)
{
	json_kstr(j, "output", s->path);
	if (!s->have)
		return;
	bundle_fields(j, &s->b);
	sig_fields(j, s->sigs, s->n_sigs);
}

static int bundle_create(int argc, char **argv, bool json, struct shown *s, struct sf_err *err)
{
	struct fit_create_opts *o;
	struct src src = { .fd = -1 };
	int ret;

	o = calloc(1, sizeof(*o));
	if (!o)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory");
	ret = cli_parse_bundle_create(argc, argv, o, err);
	s->path = ret ? NULL : o->out_path;
	ret = ret ?: fit_create(o, err);
	/* what was written, read back as `bundle info` reads it (for --json) */
	if (!ret && json) {
		ret = src_open(&src, o->out_path, err);
		ret = ret ?: read_and_check(&src, NULL, s, err);
		s->have = !ret;
		src_close(&src);
	}
	free(o);
	return ret;
}

static void print_hex_prop(const char *name, const uint8_t *v, size_t n)
{
	printf("%s = [", name);
	for (size_t i = 0; i < n; i++)
		printf("%s%02x", i ? " " : "", v[i]);
	printf("];\n");
}

/* Writes the delta from @active to @new into @out (beside it, then renamed over it). */
static int write_delta(const char *active, const char *new, const char *out, struct delta_desc *d, struct sf_err *err)
{
	char *tmp = NULL;
	int fd, ret;

	if (asprintf(&tmp, "%s.tmp.XXXXXX", out) < 0)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory");
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = sf_fail_errno(err, SF_R_OUTPUT_IO, errno, "cannot create '%s'", tmp);
		free(tmp);
		return ret;
	}
	ret = delta_file_make(active, new, FIT_IMAGE_MAX, NULL, fd, d, err);
	if (!ret && (fchmod(fd, 0644) || fsync(fd)))
		ret = sf_fail_errno(err, SF_R_OUTPUT_IO, errno, "cannot write '%s'", tmp);
	if (close(fd) && !ret)
		ret = sf_fail_errno(err, SF_R_OUTPUT_IO, errno, "cannot write '%s'", tmp);
	if (!ret && rename(tmp, out))
		ret = sf_fail_errno(err, SF_R_OUTPUT_IO, errno, "cannot write '%s'", out);
	if (ret)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* `bundle delta -o DELTA ACTIVE NEW`: the delta file and the properties its .its image node needs. */
static int bundle_delta(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 } };
	const char *out = NULL;
	struct delta_desc d;
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt != 'o')
			return usage_error(err, delta_usage, "unknown option or missing value", bad_option(argv));
		if (out)
			return usage_error(err, delta_usage, "-o given twice", optarg);
		out = optarg;
	}
	if (argc - optind != 2 || !out)
		return usage_error(err, delta_usage, "-o, the active image and the new image are needed", NULL);
	json_kstr(&c->out, "output", out);
	ret = write_delta(argv[optind], argv[optind + 1], out, &d, err);
	if (ret)
		return ret;
	delta_fields(&c->out, DELTA_FORMAT_NAME, d.source_size, d.source_sha256, d.target_size, d.target_sha256);
	json_kuint(&c->out, "size", d.payload_size);
	if (c->json)
		return 0;
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

/* --help or -h anywhere before "--": the full usage. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static const char *usage_of(const char *sub)
{
	if (!sub)
		return bundle_usage;
	if (!strcmp(sub, "create"))
		return create_usage;
	if (!strcmp(sub, "verify"))
		return verify_usage;
	if (!strcmp(sub, "info"))
		return info_usage;
	if (!strcmp(sub, "delta"))
		return delta_usage;
	return NULL;
}

/* The usage of @sub on standard output, or as the "usage" member with --json. */
static int show_usage(struct cli *c, const char *sub)
{
	if (c->json)
		json_kstr(&c->out, "usage", usage_of(sub));
	else
		fputs(usage_of(sub), stdout);
	return 0;
}

int cmd_bundle(struct cli *c, int argc, char **argv, struct sf_err *err)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	struct shown *s;
	int ret;

	if (sub && (!strcmp(sub, "help") || !strcmp(sub, "--help") || !strcmp(sub, "-h"))) {
		if (argc > 3 || !usage_of(argc > 2 ? argv[2] : NULL))
			return usage_error(err, bundle_usage, "no such bundle subcommand", argc > 2 ? argv[2] : "");
		return show_usage(c, argc > 2 ? argv[2] : NULL);
	}
	if (!sub || !usage_of(sub))
		return usage_error(err, bundle_usage, sub ? "no such bundle subcommand" : "a subcommand is needed", sub);
	if (wants_help(argc - 1, argv + 1))
		return show_usage(c, sub);
	s = calloc(1, sizeof(*s));
	if (!s)
		return sf_fail(err, SF_R_NO_MEMORY, "out of memory");
	optind = 0;
	if (!strcmp(sub, "create")) {
		ret = IS_ENABLED(CONFIG_BUNDLE_CREATE) ?
			      bundle_create(argc - 1, argv + 1, c->json, s, err) :
			      sf_fail(err, SF_R_USAGE, "this slotflip was built without CONFIG_BUNDLE_CREATE");
		created_fields(&c->out, s);
	} else if (!strcmp(sub, "delta")) {
		ret = IS_ENABLED(CONFIG_BUNDLE_CREATE) ?
			      bundle_delta(c, argc - 1, argv + 1, err) :
			      sf_fail(err, SF_R_USAGE, "this slotflip was built without CONFIG_BUNDLE_CREATE");
	} else {
		ret = !strcmp(sub, "verify") ? bundle_verify_cmd(c, argc - 1, argv + 1, c->json, s, err) :
					       bundle_info(argc - 1, argv + 1, c->json, s, err);
		shown_fields(&c->out, s);
	}
	free(s);
	return ret;
}
