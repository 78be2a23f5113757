// SPDX-License-Identifier: MIT
#include "common/sha256.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "common/sha256_afalg.h"
#include "common/sha256_cpu.h"
#include "sf_kconfig.h"

struct sha256 {
	enum sha256_engine engine;
	mbedtls_sha256_context mbed;
	struct sha256_afalg *afalg;
	struct sha256_cpu cpu;
};

static int mbed_start(struct sha256 *h)
{
	mbedtls_sha256_init(&h->mbed);
	return mbedtls_sha256_starts_ret(&h->mbed, 0) ? -EIO : 0;
}

int sha256_new(struct sha256 **out, enum sha256_engine engine)
{
	struct sha256 *h;
	int ret = -ENOMEM;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	if ((engine == SHA256_ENGINE_AUTO || engine == SHA256_ENGINE_CPU) && sha256_cpu_usable()) {
		h->engine = SHA256_ENGINE_CPU;
		sha256_cpu_init(&h->cpu);
		*out = h;
		return 0;
	}
	if (engine == SHA256_ENGINE_CPU) {
		ret = -ENOTSUP;
		goto out;
	}
	if (engine != SHA256_ENGINE_MBEDTLS && IS_ENABLED(CONFIG_HASH_AFALG)) {
		ret = sha256_afalg_open(&h->afalg);
		if (!ret) {
			h->engine = SHA256_ENGINE_AFALG;
			*out = h;
			return 0;
		}
	}
	if (engine == SHA256_ENGINE_AFALG) {
		ret = -ENOTSUP;
		goto out;
	}
	h->engine = SHA256_ENGINE_MBEDTLS;
	ret = mbed_start(h);
	if (!ret) {
		*out = h;
		return 0;
	}
out:
	free(h);
	return ret;
}

int sha256_update(struct sha256 *h, const void *data, size_t len)
{
	if (h->engine == SHA256_ENGINE_CPU) {
		sha256_cpu_update(&h->cpu, data, len);
		return 0;
	}
	if (h->engine == SHA256_ENGINE_AFALG)
		return sha256_afalg_update(h->afalg, data, len);
	return mbedtls_sha256_update_ret(&h->mbed, data, len) ? -EIO : 0;
}

int sha256_final(struct sha256 *h, uint8_t digest[SHA256_LEN])
{
	if (h->engine == SHA256_ENGINE_CPU) {
		sha256_cpu_final(&h->cpu, digest);
		sha256_cpu_init(&h->cpu);
		return 0;
	}
	if (h->engine == SHA256_ENGINE_AFALG)
		return sha256_afalg_final(h->afalg, digest);
	if (mbedtls_sha256_finish_ret(&h->mbed, digest))
		return -EIO;
	mbedtls_sha256_free(&h->mbed);
	return mbed_start(h);
}

void sha256_free(struct sha256 *h)
{
	if (!h)
		return;
	if (h->engine == SHA256_ENGINE_AFALG)
		sha256_afalg_close(h->afalg);
	else if (h->engine == SHA256_ENGINE_MBEDTLS)
		mbedtls_sha256_free(&h->mbed);
	free(h);
}

const char *sha256_engine_name(const struct sha256 *h)
{
	static const char *const names[] = {
		[SHA256_ENGINE_MBEDTLS] = "mbedtls", [SHA256_ENGINE_AFALG] = "afalg", [SHA256_ENGINE_CPU] = "cpu"
	};

	return names[h->engine];
}

const char *sha256_engine_detail(const struct sha256 *h)
{
	return h->engine == SHA256_ENGINE_CPU ? sha256_cpu_name() : "";
}

int sha256_engine_parse(const char *name, enum sha256_engine *out)
{
	static const struct {
		const char *name;
		enum sha256_engine engine;
	} names[] = {
		{ "auto", SHA256_ENGINE_AUTO },
		{ "cpu", SHA256_ENGINE_CPU },
		{ "afalg", SHA256_ENGINE_AFALG },
		{ "mbedtls", SHA256_ENGINE_MBEDTLS },
	};

	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i].name)) {
			*out = names[i].engine;
			return 0;
		}
	}
	return -EINVAL;
}

int sha256_buf(const void *data, size_t len, uint8_t digest[SHA256_LEN])
{
	return mbedtls_sha256_ret(data, len, digest, 0) ? -EIO : 0;
}

const struct sha256_ops sha256_default_ops = {
	.create = sha256_new,
	.update = sha256_update,
	.final = sha256_final,
	.destroy = sha256_free,
};
