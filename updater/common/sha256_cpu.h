/* SPDX-License-Identifier: MIT */
/*
 * sha256_cpu — SHA-256 on the CPU's own SHA instructions (x86 SHA extensions),
 * internal to sha256.c. Built with CONFIG_HASH_CPU on x86-64; the instructions
 * are probed at run time (CPUID), and without them sha256_cpu_open() fails with
 * -ENOTSUP so that sha256.c falls back to another engine.
 */
#ifndef SF_SHA256_CPU_H
#define SF_SHA256_CPU_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct sha256_cpu - digest state
 * @h:     the eight working words
 * @buf:   a partial block
 * @fill:  bytes in @buf
 * @total: bytes hashed so far
 */
struct sha256_cpu {
	uint32_t h[8];
	uint8_t buf[64];
	size_t fill;
	uint64_t total;
};

#if defined(CONFIG_HASH_CPU) && defined(__x86_64__)
/** sha256_cpu_usable() - the CPU has the instructions */
int sha256_cpu_usable(void);
/** sha256_cpu_init() - start a digest */
void sha256_cpu_init(struct sha256_cpu *c);
/** sha256_cpu_update() - hash @len bytes */
void sha256_cpu_update(struct sha256_cpu *c, const void *data, size_t len);
/** sha256_cpu_final() - write the digest; the state must be initialised again to reuse it */
void sha256_cpu_final(struct sha256_cpu *c, uint8_t digest[32]);
#else
static inline int sha256_cpu_usable(void)
{
	return 0;
}
static inline void sha256_cpu_init(struct sha256_cpu *c)
{
	(void)c;
}
static inline void sha256_cpu_update(struct sha256_cpu *c, const void *data, size_t len)
{
	(void)c, (void)data, (void)len;
}
static inline void sha256_cpu_final(struct sha256_cpu *c, uint8_t digest[32])
{
	(void)c, (void)digest;
}
#endif

#endif /* SF_SHA256_CPU_H */
