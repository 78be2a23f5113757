/* SPDX-License-Identifier: MIT */
/*
 * sha256 — streaming SHA-256 with a choice of engine.
 *
 * mbedTLS is always available. With CONFIG_HASH_CPU, the CPU's own SHA
 * instructions (x86 SHA extensions, ARMv8 crypto extensions) are used when the
 * CPU reports them at run time (CPUID, the kernel's hardware capabilities); with
 * CONFIG_HASH_AFALG, the kernel's "sha256" through an AF_ALG socket when the
 * kernel offers it. All give the same digests (tested).
 */
#ifndef SF_SHA256_H
#define SF_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

enum sha256_engine {
	SHA256_ENGINE_AUTO = 0, /* the fastest engine that works here: cpu, afalg, mbedtls */
	SHA256_ENGINE_MBEDTLS,
	SHA256_ENGINE_AFALG,
	SHA256_ENGINE_CPU,
};

struct sha256;

/**
 * sha256_new() - start a digest
 * @out:    the new context
 * @engine: which engine; AUTO picks the CPU's instructions, else AF_ALG, else
 *          mbedTLS, each when built in and usable
 *
 * Return: 0, -ENOMEM, or -ENOTSUP when @engine was asked for explicitly and is
 * not built in or not usable on this kernel.
 */
int sha256_new(struct sha256 **out, enum sha256_engine engine) __attribute__((warn_unused_result));

/**
 * sha256_update() - hash @len more bytes
 * Return: 0, or -errno when the engine failed (AF_ALG socket error); the
 * context is then unusable except for sha256_free().
 */
int sha256_update(struct sha256 *h, const void *data, size_t len) __attribute__((warn_unused_result));

/**
 * sha256_final() - finish and write the digest; the context may be reused
 * after it (a new digest starts)
 * Return: 0 or -errno as sha256_update().
 */
int sha256_final(struct sha256 *h, uint8_t digest[SHA256_LEN]) __attribute__((warn_unused_result));

/** sha256_free() - release a context; NULL is accepted */
void sha256_free(struct sha256 *h);

/** sha256_engine_name() - "mbedtls", "afalg" or "cpu": the engine a context uses */
const char *sha256_engine_name(const struct sha256 *h);

/**
 * sha256_engine_detail() - for the "cpu" engine, which instructions it runs
 * ("x86 SHA extensions", "ARMv8 crypto extensions"); "" for the others
 */
const char *sha256_engine_detail(const struct sha256 *h);

/**
 * sha256_engine_parse() - an engine by name: "auto", "cpu", "afalg", "mbedtls"
 * (what SLOTFLIP_SHA256 may say, to force an engine)
 * Return: 0, or -EINVAL for any other name (NULL included).
 */
int sha256_engine_parse(const char *name, enum sha256_engine *out) __attribute__((warn_unused_result));

/**
 * sha256_buf() - one-shot digest of a buffer with mbedTLS
 * Return: 0 or -EIO.
 */
int sha256_buf(const void *data, size_t len, uint8_t digest[SHA256_LEN]) __attribute__((warn_unused_result));

/**
 * struct sha256_ops - the digest calls of the install pipeline, as a seam:
 * sha256_default_ops calls the functions above; tests wrap them to make any
 * one of them fail.
 */
struct sha256_ops {
	int (*create)(struct sha256 **out, enum sha256_engine engine);
	int (*update)(struct sha256 *h, const void *data, size_t len);
	int (*final)(struct sha256 *h, uint8_t digest[SHA256_LEN]);
	void (*destroy)(struct sha256 *h);
};

extern const struct sha256_ops sha256_default_ops;

#endif /* SF_SHA256_H */
