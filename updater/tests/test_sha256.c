// SPDX-License-Identifier: MIT
/*
 * Every SHA-256 engine (common/sha256.c over mbedTLS, sha256_cpu.c on the CPU's
 * SHA instructions — x86 SHA extensions or ARMv8 crypto extensions —,
 * sha256_afalg.c through the kernel) gives the same digests: known vectors,
 * random inputs of every length from 0 to 1100 bytes (every position of the
 * padding, one to seventeen blocks), arbitrary splits of the input, and longer
 * inputs. An engine this machine cannot run is said so and skipped; the
 * cross-build tests (make check-arm64, check-armhf) run this under QEMU with a
 * CPU model that has the instructions and one that has not, and say which in
 * SF_TEST_CPU_SHA (1 or 0): then the run-time choice is checked too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"
#include "tap.h"

static void hex(const uint8_t d[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static int digest(enum sha256_engine e, const uint8_t *data, size_t len, size_t split, uint8_t out[32])
{
	struct sha256 *h;
	int ret = sha256_new(&h, e);

	if (ret)
		return ret;
	for (size_t off = 0; off < len && !ret; off += split)
		ret = sha256_update(h, data + off, len - off < split ? len - off : split);
	ret = ret ?: sha256_final(h, out);
	sha256_free(h);
	return ret;
}

static void vectors(enum sha256_engine e, const char *name)
{
	static uint8_t million[1000000];
	uint8_t d[32];
	char x[65];

	is_int(digest(e, (const uint8_t *)"abc", 3, 3, d), 0, "%s: abc", name);
	hex(d, x);
	is_str(x, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "%s: digest of abc", name);
	is_int(digest(e, NULL, 0, 1, d), 0, "%s: empty", name);
	hex(d, x);
	is_str(x, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "%s: digest of nothing", name);
	memset(million, 'a', sizeof(million));
	is_int(digest(e, million, sizeof(million), 4096, d), 0, "%s: a million a", name);
	hex(d, x);
	is_str(x, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "%s: digest of a million a",
	       name);
}

/* the names SLOTFLIP_SHA256 accepts, and nothing else */
static void names(void)
{
	static const char *const bad[] = { "", "CPU", "mbedTLS", "cpu ", "sha256", "x86", NULL };
	enum sha256_engine e = SHA256_ENGINE_MBEDTLS;

	is_int(sha256_engine_parse("auto", &e), 0, "parse: auto");
	is_int(e, SHA256_ENGINE_AUTO, "  is AUTO");
	is_int(sha256_engine_parse("cpu", &e), 0, "parse: cpu");
	is_int(e, SHA256_ENGINE_CPU, "  is CPU");
	is_int(sha256_engine_parse("afalg", &e), 0, "parse: afalg");
	is_int(e, SHA256_ENGINE_AFALG, "  is AFALG");
	is_int(sha256_engine_parse("mbedtls", &e), 0, "parse: mbedtls");
	is_int(e, SHA256_ENGINE_MBEDTLS, "  is MBEDTLS");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(sha256_engine_parse(bad[i], &e), -EINVAL, "parse refuses '%s'", bad[i] ? bad[i] : "(null)");
}

/* Under QEMU the harness knows whether the CPU model has SHA-256 instructions. */
static void run_time_choice(void)
{
	const char *want = getenv("SF_TEST_CPU_SHA");
	struct sha256 *h;
	int has;

	if (!want || (strcmp(want, "1") && strcmp(want, "0"))) {
		tap_diag("SF_TEST_CPU_SHA not set: the run-time choice is checked under QEMU only");
		return;
	}
	has = !strcmp(want, "1");
	if (sha256_new(&h, SHA256_ENGINE_CPU) == 0) {
		ok(has, "the cpu engine starts: the CPU model has SHA-256 instructions (%s)", sha256_engine_detail(h));
		sha256_free(h);
	} else {
		ok(!has, "the cpu engine refuses to start: the CPU model has no SHA-256 instructions");
	}
	if (sha256_new(&h, SHA256_ENGINE_AUTO)) {
		ok(0, "AUTO starts");
		return;
	}
	/* QEMU's user mode has no AF_ALG: without the instructions AUTO is mbedTLS */
	is_str(sha256_engine_name(h), has ? "cpu" : "mbedtls", "AUTO picks %s", has ? "cpu" : "mbedtls");
	sha256_free(h);
}

int main(void)
{
	static const struct {
		enum sha256_engine e;
		const char *name;
	} engines[] = {
		{ SHA256_ENGINE_CPU, "cpu" },
		{ SHA256_ENGINE_AFALG, "afalg" },
	};
	static uint8_t data[3 * 4096 + 77];
	static uint8_t rnd[1100];
	FILE *urandom = fopen("/dev/urandom", "rb");
	struct sha256 *h;
	uint64_t x = 88172645463325252ull;

	for (size_t i = 0; i < sizeof(data); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		data[i] = (uint8_t)x;
	}
	/* fresh random bytes every run (the fixed ones above where /dev/urandom is missing) */
	if (!urandom || fread(rnd, 1, sizeof(rnd), urandom) != sizeof(rnd))
		memcpy(rnd, data, sizeof(rnd));
	if (urandom)
		fclose(urandom);
	names();
	run_time_choice();
	vectors(SHA256_ENGINE_MBEDTLS, "mbedtls");
	is_int(sha256_new(&h, SHA256_ENGINE_AUTO), 0, "AUTO picks an engine");
	tap_diag("engine picked here: %s", sha256_engine_name(h));
	sha256_free(h);
	for (size_t k = 0; k < sizeof(engines) / sizeof(engines[0]); k++) {
		unsigned int same = 0, tried = 0;
		uint8_t a[32], b[32];

		if (sha256_new(&h, engines[k].e)) {
			tap_diag("%s engine not usable on this machine: compared where it is", engines[k].name);
			continue;
		}
		sha256_free(h);
		vectors(engines[k].e, engines[k].name);
		for (size_t len = 0; len <= 300; len++)
			for (size_t split = 1; split <= 130; split += 43) {
				tried++;
				same += !digest(SHA256_ENGINE_MBEDTLS, data, len, split, a) &&
					!digest(engines[k].e, data, len, split, b) && !memcmp(a, b, 32);
			}
		for (size_t len = 0; len <= sizeof(rnd); len++) {
			tried++;
			same += !digest(SHA256_ENGINE_MBEDTLS, rnd, len, len ? len : 1, a) &&
				!digest(engines[k].e, rnd, len, 1 + len % 97, b) && !memcmp(a, b, 32);
		}
		for (size_t len = 4000; len < sizeof(data); len += 333) {
			tried++;
			same += !digest(SHA256_ENGINE_MBEDTLS, data, len, 1000, a) &&
				!digest(engines[k].e, data, len, 64 * 17, b) && !memcmp(a, b, 32);
		}
		is_int(same, tried, "%s equals mbedtls on %u inputs and splits", engines[k].name, tried);
	}
	return tap_done();
}
