// SPDX-License-Identifier: MIT
/*
 * The SHA-256 compression function on the x86 SHA extensions. The state lives
 * in two registers as the instructions want it: ABEF (A in the top lane) and CDGH.
 * Each group of four rounds adds four round constants to four schedule words
 * and runs SHA256RNDS2 twice; schedule words 16..63 come from SHA256MSG1,
 * a 4-byte realignment of the previous two groups and SHA256MSG2. The four
 * schedule registers rotate by name, so everything stays in registers.
 */
#include "common/sha256_cpu.h"

#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

const char *sha256_cpu_name(void)
{
	return "x86 SHA extensions";
}

int sha256_cpu_usable(void)
{
	unsigned int a, b, c, d;

	/* CPUID leaf 7: EBX bit 29 = SHA; leaf 1: ECX bit 19 = SSE4.1, bit 9 = SSSE3 */
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & (1u << 29)))
		return 0;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9)))
		return 0;
	return 1;
}

/* Four rounds: the schedule words in @msg plus the round constants from k256[@k]. */
#define ROUNDS4(msg, k)                                                                            \
	do {                                                                                       \
		__m128i m_ = _mm_add_epi32((msg), _mm_load_si128((const __m128i *)&sha256_cpu_k[k]));       \
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m_);                                       \
		abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(m_, 0x0e));              \
	} while (0)

/* W[t..t+3] into @w0, from W[t-16..] (@w0), W[t-12..] (@w1), W[t-8..] (@w2), W[t-4..] (@w3). */
#define SCHEDULE(w0, w1, w2, w3)                                                                   \
	((w0) = _mm_sha256msg2_epu32(                                                              \
		 _mm_add_epi32(_mm_sha256msg1_epu32((w0), (w1)), _mm_alignr_epi8((w3), (w2), 4)), (w3)))

__attribute__((target("sha,sse4.1,ssse3"))) void sha256_cpu_blocks(uint32_t h[8], const uint8_t *p, size_t blocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
	__m128i abef, cdgh, t, m0, m1, m2, m3;

	/* h[0..3] = A B C D, h[4..7] = E F G H  ->  ABEF, CDGH */
	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xb1);
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1b);
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);

	for (; blocks; blocks--, p += 64) {
		__m128i save_abef = abef, save_cdgh = cdgh;

		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);
		SHA256_CPU_ROUNDS(m0, m1, m2, m3);
		abef = _mm_add_epi32(abef, save_abef);
		cdgh = _mm_add_epi32(cdgh, save_cdgh);
	}

	/* ABEF, CDGH  ->  A B C D, E F G H */
	t = _mm_shuffle_epi32(abef, 0x1b);
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));
}
