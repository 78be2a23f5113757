// SPDX-License-Identifier: MIT
/*
 * Several keys: the key policy (required keys in mode "all" and "any",
 * revoked keys) as fit_verify() applies it to bundles with several signature
 * nodes; keyring_set_policy()'s configuration errors; the policy as the
 * system description states it (sysconf_load()); and U-Boot key blobs made
 * by `mkimage -K` (fit/keyring_dtb.c), which must load into the same keys, verify mkimage-signed
 * bundles, carry their `required` marks and `required-mode` over, and be
 * refused when any of their values is wrong. Needs mkimage, dtc, fdtput and
 * openssl (`scripts/deps.sh check`).
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fit/fit.h"
#include "fit/keyring.h"
#include "io/sysconf.h"
#include "sf_kconfig.h"
#include "tap.h"
#include "tests/support/files.h"
#include "tests/support/fitbuild.h"

#define CONF "/configurations/conf-1"

static char *dir;
static struct fb_key dev, ec, third, old, stranger;

static const struct fb_image one[] = {
	{ .node = "webkit-1", .component = "webkit", .version = "26.3", .sv = 7, .size = 3000 },
};

static const char *sub(const char *name)
{
	return tf_path(dir, name);
}

/* A signature node like signature-1 of fb_bundle(), for @key. */
static void add_sig(struct fb_node *t, const char *node, const struct fb_key *key)
{
	uint8_t zero[512] = { 0 };
	char path[128];

	snprintf(path, sizeof(path), CONF "/%s", node);
	fb_prop(t, path, "hashed-strings", zero, 8);
	fb_prop(t, path, "value", zero, key->sig_len);
	fb_prop_str(t, path, "algo", key->algo);
	fb_prop_str(t, path, "key-name-hint", key->name);
	fb_prop_str(t, path, "sign-images", "loadables");
}

/*
 * A bundle with one signature node per key of @keys, each signed by the key
 * it names, except that @broken (if any) signs over a corrupted digest.
 */
static void *multi(const struct fb_key *const *keys, unsigned int n, const struct fb_key *broken, size_t *size)
{
	struct fb_node *t = fb_bundle(one, 1, keys[0]);
	char node[64];
	void *blob;

	for (unsigned int i = 1; i < n; i++) {
		snprintf(node, sizeof(node), "signature-%u", i + 1);
		add_sig(t, node, keys[i]);
	}
	blob = fb_build(t, 0, size);
	fb_tree_free(t);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(node, sizeof(node), CONF "/signature-%u", i + 1);
		fb_sign(blob, node, keys[i], NULL, 0, FB_HS_FULL, true);
		if (keys[i] == broken) {
			uint8_t *v = (uint8_t *)fdt_getprop(blob, fdt_path_offset(blob, node), "value", NULL);

			v[0] ^= 0x01;
		}
	}
	return blob;
}

static struct keyring_policy *policy(const char *required, int mode, const char *revoked)
{
	static struct keyring_policy p;
	const char *s;

	memset(&p, 0, sizeof(p));
	p.mode = (enum keyring_mode)mode;
	for (s = required; s && *s; s += strlen(s) + 1)
		snprintf(p.required[p.n_required++], KEYRING_NAME_MAX, "%s", s);
	for (s = revoked; s && *s; s += strlen(s) + 1)
		snprintf(p.revoked[p.n_revoked++], KEYRING_NAME_MAX, "%s", s);
	return &p;
}

/* The bundle of multi() verifies with key @key, or is refused with @reason. */
static void verdict(struct keyring *kr, const struct fb_key *const *keys, unsigned int n,
		    const struct fb_key *broken, const char *key, int reason, const char *what)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct sf_err err = { 0 };
	size_t size;
	void *blob = multi(keys, n, broken, &size);
	int ret = fit_verify(blob, size, FIT_SIZE_UNKNOWN, kr, b, &err);

	if (key) {
		if (!ok(ret == 0 && !strcmp(b->key_name, key), "%s: verifies, key '%s'", what, key))
			tap_diag("ret %d '%s', key '%s'", ret, err.msg, b->key_name);
	} else {
		is_reason(ret, &err, reason, "%s: refused", what);
	}
	free(blob);
	free(b);
}

static void set_policy(struct keyring *kr, struct keyring_policy *p, const char *what)
{
	struct sf_err err = { 0 };

	if (!ok(!keyring_set_policy(kr, p, &err), "policy: %s", what))
		tap_diag("%s", err.msg);
}

static void test_policy(void)
{
	const struct fb_key *de[] = { &dev, &ec }, *d[] = { &dev }, *e[] = { &ec }, *t[] = { &third };
	const struct fb_key *ed[] = { &ec, &dev }, *od[] = { &old, &dev }, *o[] = { &old };
	const struct fb_key *unk[] = { &stranger, &dev };
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };

	mkdir(sub("ring"), 0755);
	fb_key_write_public(&dev, sub("ring"));
	fb_key_write_public(&ec, sub("ring"));
	fb_key_write_public(&third, sub("ring"));
	fb_key_write_public(&old, sub("ring"));
	if (!ok(!keyring_load(&kr, sub("ring"), &err), "keyring of four keys"))
		tap_diag("%s", err.msg);

	/* no policy: any one valid signature of a keyring key */
	verdict(kr, d, 1, NULL, "dev", 0, "no policy, dev");
	verdict(kr, e, 1, NULL, "ec", 0, "no policy, ec");
	verdict(kr, de, 2, NULL, "dev", 0, "no policy, dev and ec");
	verdict(kr, de, 2, &dev, "ec", 0, "no policy, dev broken, ec valid");
	verdict(kr, de, 2, &dev, "ec", 0, "no policy, a broken signature beside a valid one is ignored");
	verdict(kr, d, 1, &dev, NULL, SF_R_SIGNATURE, "no policy, only a broken signature");

	set_policy(kr, policy("dev\0ec\0", KEYRING_MODE_ALL, NULL), "required dev, ec; all");
	verdict(kr, de, 2, NULL, "dev", 0, "all: dev and ec");
	verdict(kr, ed, 2, NULL, "ec", 0, "all: ec and dev, the first signature names the key");
	verdict(kr, d, 1, NULL, NULL, SF_R_KEY_POLICY,
		"all: ec missing");
	verdict(kr, de, 2, &ec, NULL, SF_R_SIGNATURE, "all: ec's signature broken");
	verdict(kr, t, 1, NULL, NULL, SF_R_KEY_POLICY,
		"all: only a non-required key");

	set_policy(kr, policy("dev\0ec\0", KEYRING_MODE_ANY, NULL), "required dev, ec; any");
	verdict(kr, d, 1, NULL, "dev", 0, "any: dev alone");
	verdict(kr, e, 1, NULL, "ec", 0, "any: ec alone");
	verdict(kr, de, 2, &dev, "ec", 0, "any: dev broken, ec valid");
	verdict(kr, t, 1, NULL, NULL, SF_R_KEY_POLICY,
		"any: only a non-required key");
	verdict(kr, d, 1, &dev, NULL, SF_R_SIGNATURE, "any: the required signature broken");

	set_policy(kr, policy("dev\0", KEYRING_MODE_UNSET, NULL), "required dev, mode unset (all)");
	verdict(kr, de, 2, NULL, "dev", 0, "dev required, dev and ec");
	verdict(kr, e, 1, NULL, NULL, SF_R_KEY_POLICY, "dev required, ec only");

	set_policy(kr, policy(NULL, KEYRING_MODE_UNSET, "old\0"), "old revoked");
	verdict(kr, o, 1, NULL, NULL, SF_R_KEY_POLICY, "revoked key alone");
	verdict(kr, od, 2, NULL, "dev", 0, "a revoked key beside a valid one (rotation)");
	verdict(kr, unk, 2, NULL, "dev", 0, "an unknown key beside a valid one");

	set_policy(kr, NULL, "no policy again");
	verdict(kr, o, 1, NULL, "old", 0, "old is trusted again");
	keyring_free(kr);
}

static void policy_fails(struct keyring *kr, struct keyring_policy *p, const char *what)
{
	struct sf_err err = { 0 };

	is_reason(keyring_set_policy(kr, p, &err), &err, SF_R_KEYRING, "%s: refused", what);
}

/* Fail closed: every policy that cannot mean what it says is a configuration error. */
static void test_policy_errors(void)
{
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };
	struct keyring_policy *p;
	const struct fb_key *e[] = { &ec };

	if (keyring_load(&kr, sub("ring"), &err))
		abort();
	set_policy(kr, policy("ec\0", KEYRING_MODE_ALL, NULL), "ec required");
	policy_fails(kr, policy("nobody\0", KEYRING_MODE_ALL, NULL), "required key not in the keyring");
	policy_fails(kr, policy(NULL, KEYRING_MODE_UNSET, "gone\0"), "revoked key not in the keyring");
	policy_fails(kr, policy("dev\0", KEYRING_MODE_ALL, "dev\0"), "required and revoked");
	policy_fails(kr, policy(NULL, KEYRING_MODE_ANY, NULL), "mode without required keys");
	policy_fails(kr, policy("dev\0dev\0", KEYRING_MODE_ALL, NULL), "a required key twice");
	policy_fails(kr, policy(NULL, KEYRING_MODE_UNSET, "dev\0ec\0third\0old\0"), "every key revoked");
	p = policy(NULL, KEYRING_MODE_UNSET, NULL);
	memset(p->required[0], 'x', KEYRING_NAME_MAX);
	p->n_required = 1;
	policy_fails(kr, p, "a name without NUL");
	if (CONFIG_MAX_SIGNATURES < 4)
		policy_fails(kr, policy("dev\0ec\0third\0old\0", KEYRING_MODE_ALL, NULL), "more required keys than signatures looked at");
	/* the failed calls left "ec required" in force */
	verdict(kr, e, 1, NULL, "ec", 0, "the earlier policy stays after refusals");
	{
		const struct fb_key *d[] = { &dev };

		verdict(kr, d, 1, NULL, NULL, SF_R_KEY_POLICY, "dev still not required");
	}
	keyring_free(kr);
}

static void write_text(const char *path, const char *text)
{
	tf_write(path, text, strlen(text));
}

/* A system description with @extra in its root node. */
static int sysconf_with(const char *extra, struct sysconf *sc, struct sf_err *err)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "/dts-v1/;\n/ {\n\tcompatible = \"slotflip,system-v1\";\n\tslotflip,board = \"sim\";\n"
		 "\tslotflip,env-config = \"fw_env.config\";\n\tslotflip,keyring = \"keys\";\n%s\n"
		 "\tcomponents { webkit { slot-a = \"a.img\"; slot-b = \"b.img\"; }; };\n};\n",
		 extra);
	write_text(sub("system.dts"), text);
	if (tf_run("dtc -I dts -O dtb -o '%s' '%s' 2>/dev/null", sub("system.dtb"), sub("system.dts")))
		return -1;
	memset(err, 0, sizeof(*err));
	return sysconf_load(sc, sub("system.dtb"), err);
}

static void sysconf_fails(const char *extra, const char *what)
{
	struct sysconf *sc = calloc(1, sizeof(*sc));
	struct sf_err err;

	is_reason(sysconf_with(extra, sc, &err), &err, SF_R_CONFIG, "system description, %s: refused", what);
	free(sc);
}

static void test_sysconf(void)
{
	struct sysconf *sc = calloc(1, sizeof(*sc));
	struct sf_err err;
	char many[CONFIG_MAX_KEYS * 8 + 64] = "slotflip,revoked-keys = ";

	ok(!sysconf_with("", sc, &err), "no key policy: %s", err.msg);
	is_int(sc->key_policy.n_required + sc->key_policy.n_revoked, 0, "nothing required or revoked");
	is_int(sc->key_policy.mode, KEYRING_MODE_UNSET, "mode unset");
	ok(!sysconf_with("slotflip,required-keys = \"dev\", \"ec\";\nslotflip,required-mode = \"any\";\n"
			 "slotflip,revoked-keys = \"old\";",
			 sc, &err),
	   "required, mode and revoked: %s", err.msg);
	is_int(sc->key_policy.n_required, 2, "two required keys");
	is_str(sc->key_policy.required[1], "ec", "second required key");
	is_int(sc->key_policy.mode, KEYRING_MODE_ANY, "mode any");
	is_int(sc->key_policy.n_revoked, 1, "one revoked key");
	is_str(sc->key_policy.revoked[0], "old", "revoked key");
	ok(!sysconf_with("slotflip,required-keys = \"dev\";\nslotflip,required-mode = \"all\";", sc, &err),
	   "mode all: %s", err.msg);
	is_int(sc->key_policy.mode, KEYRING_MODE_ALL, "mode all");
	free(sc);

	sysconf_fails("slotflip,required-keys = \"dev\";\nslotflip,required-mode = \"some\";", "unknown mode");
	sysconf_fails("slotflip,required-mode = \"all\";",
		      "mode without keys");
	sysconf_fails("slotflip,required-keys = \"dev\", \"\";",
		      "empty name");
	sysconf_fails("slotflip,revoked-keys = <1>;",
		      "a number");
	sysconf_fails("slotflip,required-keys = [];", "empty list");
	sysconf_fails("slotflip,required-keys = \"k0123456789012345678901234567890123456789012345678901234567890123\";", "a name of 64 characters");
	for (int i = 0; i <= CONFIG_MAX_KEYS; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s\"k%d\"", i ? ", " : "", i);
	strcat(many, ";");
	sysconf_fails(many, "more than CONFIG_MAX_KEYS names");
	sysconf_fails("slotflip,required-mode = <1>;", "a numeric mode");
}

/* U-Boot key blobs: made by mkimage -K while signing, then broken one value at a time. */
static void dtb_fails(const char *name, const char *fdtput_args, const char *what)
{
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };
	int ret;

	tf_run("rm -rf '%s' && mkdir -p '%s' && cp '%s' '%s/keys.dtb'", sub(name), sub(name), sub("ub/keys.dtb"),
	    sub(name));
	if (fdtput_args[0] && tf_run("cd '%s' && %s", sub(name), fdtput_args)) {
		ok(0, "%s: fdtput", what);
		return;
	}
	ret = keyring_load(&kr, sub(name), &err);
	is_reason(ret, &err, SF_R_KEYRING, "key blob, %s: refused", what);
	keyring_free(kr);
}

static int verify_file(const char *path, const struct keyring *kr, struct fit_bundle *b, struct sf_err *err)
{
	return tf_verify_file(path, kr, b, err);
}

static const char its[] =
	"/dts-v1/;\n/ {\n\tdescription = \"key blob test\";\n\t#address-cells = <1>;\n\timages {\n"
	"\t\twebkit-1 {\n\t\t\tdata = /incbin/(\"webkit.img\");\n\t\t\ttype = \"filesystem\";\n"
	"\t\t\tcompression = \"none\";\n\t\t\tslotflip,component = \"webkit\";\n"
	"\t\t\tslotflip,version = \"26.3\";\n\t\t\tslotflip,security-version = <5>;\n"
	"\t\t\thash-1 { algo = \"sha256\"; };\n\t\t};\n\t};\n\tconfigurations {\n\t\tdefault = \"conf-1\";\n"
	"\t\tconf-1 {\n\t\t\tcompatible = \"sim\";\n\t\t\tloadables = \"webkit-1\";\n%s\t\t};\n\t};\n};\n";

static void test_key_blobs(void)
{
	static const char sig_rsa[] = "\t\t\tsignature-1 { algo = \"sha256,rsa2048\"; key-name-hint = \"prod\"; "
				      "sign-images = \"loadables\"; };\n";
	static const char sig_ec[] = "\t\t\tsignature-2 { algo = \"sha256,ecdsa256\"; key-name-hint = \"ec\"; "
				     "sign-images = \"loadables\"; };\n";
	char text[4096], both[512];
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };
	char ub[512];

	snprintf(ub, sizeof(ub), "%s", sub("ub"));
	mkdir(ub, 0755);
	ok(!tf_run("cd '%s' && mkdir -p keys blob && "
		"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out keys/prod.key 2>/dev/null && "
		"openssl req -batch -new -x509 -key keys/prod.key -out keys/prod.crt -subj /CN=prod && "
		"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out keys/big.key 2>/dev/null && "
		"openssl req -batch -new -x509 -key keys/big.key -out keys/big.crt -subj /CN=big && "
		"openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out keys/ec.pem 2>/dev/null && "
		"head -c 3000 /dev/urandom >webkit.img && printf '/dts-v1/;\\n/ { };\\n' | "
		"dtc -I dts -O dtb -o keys.dtb - 2>/dev/null",
		ub),
	   "keys and an empty key blob");
	snprintf(both, sizeof(both), "%s%s", sig_rsa, sig_ec);
	snprintf(text, sizeof(text), its, both);
	write_text(sub("ub/both.its"), text);
	snprintf(text, sizeof(text), its,
		 "\t\t\tsignature-1 { algo = \"sha256,rsa4096\"; key-name-hint = \"big\"; sign-images = \"loadables\"; };\n");
	write_text(sub("ub/big.its"), text);
	/* -r marks prod required in keys.dtb (mkimage 2023.01 writes no mark on ECDSA keys); big goes in without -r */
	ok(!tf_run("cd '%s' && mkimage -f both.its -k keys -K keys.dtb -r -E -p 0x1000 both.fit >/dev/null && "
		"mkimage -f big.its -k keys -K keys.dtb -E -p 0x1000 big.fit >/dev/null && cp keys.dtb blob/",
		ub),
	   "mkimage signed two bundles and wrote three public keys into keys.dtb");
	if (!ok(!keyring_load(&kr, sub("ub/blob"), &err), "the key blob loads as a keyring"))
		tap_diag("%s", err.msg);
	is_int(keyring_count(kr), 3, "three keys: RSA-2048, RSA-4096 and P-256");
	if (!ok(!verify_file(sub("ub/both.fit"), kr, b, &err), "a bundle signed by prod and ec verifies"))
		tap_diag("%s", err.msg);
	is_str(b->key_name, "prod", "first signature: prod");
	is_reason(verify_file(sub("ub/big.fit"), kr, b, &err), &err, SF_R_KEY_POLICY,
		  "required = \"conf\" in the blob makes prod required: big alone is refused");
	keyring_free(kr);
	kr = NULL;

	ok(!tf_run("cd '%s' && fdtput -t s blob/keys.dtb /signature required-mode any && "
		"fdtput -t s blob/keys.dtb /signature/ec required conf", ub),
	   "required-mode any, ec marked required too");
	ok(!keyring_load(&kr, sub("ub/blob"), &err), "blob with required-mode any loads: %s", err.msg);
	is_reason(verify_file(sub("ub/big.fit"), kr, b, &err), &err, SF_R_KEY_POLICY, "big alone still refused");
	set_policy(kr, policy("big\0", KEYRING_MODE_UNSET, NULL), "big added to the blob's required keys");
	ok(!verify_file(sub("ub/big.fit"), kr, b, &err), "mode any: big alone suffices: %s", err.msg);
	is_str(b->key_name, "big", "verified by big");
	policy_fails(kr, policy("big\0", KEYRING_MODE_ALL, NULL), "system description says all, the blob any");
	keyring_free(kr);
	kr = NULL;

	ok(!tf_run("cd '%s' && fdtput -t s blob/keys.dtb /signature required-mode all", ub), "required-mode all");
	ok(!keyring_load(&kr, sub("ub/blob"), &err), "blob loads: %s", err.msg);
	ok(!verify_file(sub("ub/both.fit"), kr, b, &err), "mode all: prod and ec both signed: %s", err.msg);
	set_policy(kr, policy("big\0", KEYRING_MODE_UNSET, NULL), "big required as well");
	is_reason(verify_file(sub("ub/both.fit"), kr, b, &err), &err, SF_R_KEY_POLICY,
		  "mode all: big's signature missing");
	keyring_free(kr);
	kr = NULL;

	free(b);
}

/* The blob without required marks, and beside a PEM key of one of its names. */
static void test_key_blob_marks(void)
{
	struct fit_bundle *b = calloc(1, sizeof(*b));
	struct keyring *kr = NULL;
	struct sf_err err = { 0 };
	char ub[512];

	snprintf(ub, sizeof(ub), "%s", sub("ub"));
	tf_run("cp '%s' '%s'", sub("ub/keys.dtb"), sub("ub/blob/keys.dtb"));
	ok(!tf_run("cd '%s' && fdtput -d blob/keys.dtb /signature/key-prod required", ub), "no key marked required");
	ok(!keyring_load(&kr, sub("ub/blob"), &err), "blob loads: %s", err.msg);
	ok(!verify_file(sub("ub/big.fit"), kr, b, &err) && !strcmp(b->key_name, "big"),
	   "without required marks any key of the blob suffices: %s", err.msg);
	keyring_free(kr);
	kr = NULL;

	/* same keys, PEM beside the blob: one name twice */
	tf_run("cp '%s' '%s' && openssl pkey -in '%s' -pubout -out '%s' 2>/dev/null", sub("ub/keys.dtb"),
	    sub("ub/blob/keys.dtb"), sub("ub/keys/ec.pem"), sub("ub/blob/ec.pem"));
	is_reason(keyring_load(&kr, sub("ub/blob"), &err), &err, SF_R_KEYRING, "a blob key and a PEM key of one name");
	keyring_free(kr);

	free(b);
}

/* A key blob broken one value at a time: each is a configuration error. */
static void test_key_blob_errors(void)
{
	dtb_fails("d1", "fdtput -t x keys.dtb /signature/key-prod rsa,n0-inverse 1234", "wrong n0-inverse");
	dtb_fails("d2", "fdtput -t x keys.dtb /signature/key-prod rsa,r-squared 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
			"0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1", "wrong r-squared");
	dtb_fails("d3", "fdtput -t x keys.dtb /signature/key-prod rsa,num-bits 400", "1024 bits");
	dtb_fails("d4", "fdtput -t x keys.dtb /signature/key-prod rsa,modulus 1 2 3", "short modulus");
	dtb_fails("d5", "fdtput -t x keys.dtb /signature/key-prod rsa,exponent 3", "32-bit exponent");
	dtb_fails("d6", "fdtput -t s keys.dtb /signature/key-prod algo sha256,rsa4096",
		  "algo of another size");
	dtb_fails("d7", "fdtput -t s keys.dtb /signature/key-prod key-name-hint dev", "key-name-hint of another key");
	dtb_fails("d8", "fdtput -t s keys.dtb /signature/key-prod required yes", "required = yes");
	dtb_fails("d9", "fdtput -t s keys.dtb /signature required-mode some", "required-mode = some");
	dtb_fails("d10", "fdtput -t s keys.dtb /signature/ec ecdsa,curve secp384r1", "another curve");
	dtb_fails("d11", "fdtput -t x keys.dtb /signature/ec ecdsa,x-point 1 2 3 4 5 6 7", "short x");
	dtb_fails("d12", "fdtput -t x keys.dtb /signature/ec ecdsa,y-point 1 2 3 4 5 6 7 8", "point off the curve");
	dtb_fails("d13", "fdtput -d keys.dtb /signature/key-prod rsa,modulus && fdtput -d keys.dtb /signature/key-prod rsa,num-bits", "neither kind");
	dtb_fails("d14", "fdtput -d keys.dtb /signature/key-prod rsa,r-squared", "no r-squared");
	dtb_fails("d15", "fdtput -c keys.dtb '/signature/key-a b'", "a blank in a key name");
	dtb_fails("d16", "fdtput -r keys.dtb /signature", "no /signature");
	dtb_fails("d17", "printf 'not a blob' >keys.dtb", "not a device tree");
	dtb_fails("d18", "fdtput -r keys.dtb /signature/key-prod && fdtput -r keys.dtb /signature/ec && "
			 "fdtput -r keys.dtb /signature/key-big", "empty /signature");
	dtb_fails("d19", "fdtput -t x keys.dtb /signature/key-prod rsa,modulus 0x7fffffff"
			 " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
			 " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1", "2047-bit modulus");
	dtb_fails("d20", "truncate -s -4 keys.dtb", "truncated blob");
}

int main(void)
{
	if (!fb_both_algorithms())
		return tap_done();
	dir = fb_tmpdir();
	fb_key_gen(&dev, "dev", FB_RSA2048);
	fb_key_gen(&ec, "ec", FB_EC256);
	fb_key_gen(&third, "third", FB_EC256);
	fb_key_gen(&old, "old", FB_RSA2048);
	fb_key_gen(&stranger, "stranger", FB_EC256);
	test_policy();
	test_policy_errors();
	test_sysconf();
	test_key_blobs();
	test_key_blob_marks();
	test_key_blob_errors();
	fb_key_free(&dev);
	fb_key_free(&ec);
	fb_key_free(&third);
	fb_key_free(&old);
	fb_key_free(&stranger);
	fb_rmtree(dir);
	free(dir);
	return tap_done();
}
