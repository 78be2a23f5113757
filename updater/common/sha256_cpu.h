/* SPDX-License-Identifier: MIT */
/*
 * sha256_cpu — SHA-256 on the CPU's own SHA instructions, internal to sha256.c.
 *
 * sha256_cpu.c buffers and pads the message; the compression function and the
 * run-time probe come from the architecture's file: sha256_x86.c (x86-64 SHA
 * extensions, probed with CPUID) or sha256_armv8.c (the SHA-256 instructions of
 * the ARMv8 cryptographic extensions, AArch64 and AArch32, probed with
 * getauxval()). Built with CONFIG_HASH_CPU on x86-64, arm64 and armhf; on a CPU
 * without the instructions sha256_cpu_usable() says so and sha256.c uses
 * another engine. Elsewhere the stubs below report "not usable".
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

/* keep in step with the hash-cpu objects of updater/Makefile.objs */
#if defined(CONFIG_HASH_CPU) && (defined(__x86_64__) || defined(__aarch64__) || \
				 (defined(__arm__) && defined(__ARM_PCS_VFP)))
#define SHA256_CPU_BUILT 1

/** sha256_cpu_k - the 64 round constants (FIPS 180-4, 4.2.2), 16-byte aligned */
extern const uint32_t sha256_cpu_k[64];

/*
 * SHA256_CPU_ROUNDS() - the 64 rounds of one block over its four message
 * vectors, as both instruction sets take them: four rounds at a time, the
 * message schedule four words at a time. The architecture's file defines
 * ROUNDS4(msg, k) (rounds k..k+3 on @msg) and SCHEDULE(w0, w1, w2, w3) (the
 * next four words into @w0) with its instructions.
 */
#define SHA256_CPU_ROUNDS(m0, m1, m2, m3)                  \
	do {                                               \
		ROUNDS4(m0, 0);                            \
		ROUNDS4(m1, 4);                            \
		ROUNDS4(m2, 8);                            \
		ROUNDS4(m3, 12);                           \
		for (int k_ = 16; k_ < 64; k_ += 16) {     \
			SCHEDULE(m0, m1, m2, m3);          \
			ROUNDS4(m0, k_);                   \
			SCHEDULE(m1, m2, m3, m0);          \
			ROUNDS4(m1, k_ + 4);               \
			SCHEDULE(m2, m3, m0, m1);          \
			ROUNDS4(m2, k_ + 8);               \
			SCHEDULE(m3, m0, m1, m2);          \
			ROUNDS4(m3, k_ + 12);              \
		}                                          \
	} while (0)

/** sha256_cpu_usable() - the CPU has the instructions (architecture's file) */
int sha256_cpu_usable(void);
/** sha256_cpu_name() - what the instructions are called, e.g. "ARMv8 crypto extensions" */
const char *sha256_cpu_name(void);
/**
 * sha256_cpu_blocks() - compress @blocks 64-byte blocks at @p into @h
 * (architecture's file); only called when sha256_cpu_usable()
 */
void sha256_cpu_blocks(uint32_t h[8], const uint8_t *p, size_t blocks);

/** sha256_cpu_init() - start a digest */
void sha256_cpu_init(struct sha256_cpu *c);
/** sha256_cpu_update() - hash @len bytes */
void sha256_cpu_update(struct sha256_cpu *c, const void *data, size_t len);
/** sha256_cpu_final() - write the digest; the state must be initialised again to reuse it */
void sha256_cpu_final(struct sha256_cpu *c, uint8_t digest[32]);
#else
#define SHA256_CPU_BUILT 0
static inline int sha256_cpu_usable(void)
{
	return 0;
}
static inline const char *sha256_cpu_name(void)
{
	return "none";
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
