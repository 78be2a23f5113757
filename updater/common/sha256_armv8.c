// SPDX-License-Identifier: MIT
/*
 * The SHA-256 compression function on the SHA-256 instructions of the ARMv8
 * cryptographic extensions (AArch64, and AArch32 on an ARMv8 CPU). The state
 * lives in two vector registers, ABCD and EFGH, as SHA256H / SHA256H2 want it.
 * Each group of four rounds adds four round constants to four schedule words;
 * SHA256H computes the new ABCD and SHA256H2 the new EFGH from the old pair.
 * Schedule words 16..63 come from SHA256SU0 (sigma0 of W[t-15..]) and
 * SHA256SU1 (W[t-7..] and sigma1 of W[t-2..]). The four schedule registers
 * rotate by name, so everything stays in registers. Chosen at run time: the
 * kernel's hardware capabilities (getauxval) say whether the CPU has them.
 */
#include "common/sha256_cpu.h"

#include <arm_neon.h>
#include <sys/auxv.h>

#include "common/sha256_armv8.h"

const char *sha256_cpu_name(void)
{
	return "ARMv8 crypto extensions";
}

int sha256_cpu_usable(void)
{
	return sha256_armv8_caps_ok(getauxval(AT_HWCAP), getauxval(AT_HWCAP2));
}

/* Four rounds: the schedule words in @msg plus the round constants from sha256_cpu_k[@k]. */
#define ROUNDS4(msg, k)                                                                            \
	do {                                                                                       \
		uint32x4_t wk_ = vaddq_u32((msg), vld1q_u32(&sha256_cpu_k[k]));                     \
		uint32x4_t abcd_ = abcd;                                                           \
		abcd = vsha256hq_u32(abcd, efgh, wk_);                                              \
		efgh = vsha256h2q_u32(efgh, abcd_, wk_);                                            \
	} while (0)

/* W[t..t+3] into @w0, from W[t-16..] (@w0), W[t-12..] (@w1), W[t-8..] (@w2), W[t-4..] (@w3). */
#define SCHEDULE(w0, w1, w2, w3) ((w0) = vsha256su1q_u32(vsha256su0q_u32((w0), (w1)), (w2), (w3)))

/* big-endian message words */
#define LOAD(p) vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)))

SHA256_ARMV8_TARGET void sha256_cpu_blocks(uint32_t h[8], const uint8_t *p, size_t blocks)
{
	uint32x4_t abcd = vld1q_u32(&h[0]), efgh = vld1q_u32(&h[4]);
	uint32x4_t m0, m1, m2, m3;

	for (; blocks; blocks--, p += 64) {
		uint32x4_t save_abcd = abcd, save_efgh = efgh;

		m0 = LOAD(p);
		m1 = LOAD(p + 16);
		m2 = LOAD(p + 32);
		m3 = LOAD(p + 48);
		SHA256_CPU_ROUNDS(m0, m1, m2, m3);
		abcd = vaddq_u32(abcd, save_abcd);
		efgh = vaddq_u32(efgh, save_efgh);
	}
	vst1q_u32(&h[0], abcd);
	vst1q_u32(&h[4], efgh);
}
