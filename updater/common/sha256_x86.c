// SPDX-License-Identifier: MIT
/*
 * SHA-256 (FIPS 180-4) with the x86 SHA extensions. The state lives in two
 * registers as the instructions want it: ABEF (A in the top lane) and CDGH.
 * Each group of four rounds adds four round constants to four schedule words
 * and runs SHA256RNDS2 twice; schedule words 16..63 come from SHA256MSG1,
 * a 4-byte realignment of the previous two groups and SHA256MSG2. The four
 * schedule registers rotate by name, so everything stays in registers.
 */
#include "common/sha256_cpu.h"

#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

static const uint32_t k256[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

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
		__m128i m_ = _mm_add_epi32((msg), _mm_load_si128((const __m128i *)&k256[k]));       \
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m_);                                       \
		abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(m_, 0x0e));              \
	} while (0)

/* W[t..t+3] into @w0, from W[t-16..] (@w0), W[t-12..] (@w1), W[t-8..] (@w2), W[t-4..] (@w3). */
#define SCHEDULE(w0, w1, w2, w3)                                                                   \
	((w0) = _mm_sha256msg2_epu32(                                                              \
		 _mm_add_epi32(_mm_sha256msg1_epu32((w0), (w1)), _mm_alignr_epi8((w3), (w2), 4)), (w3)))

__attribute__((target("sha,sse4.1,ssse3"))) static void compress(uint32_t h[8], const uint8_t *p, size_t blocks)
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
		ROUNDS4(m0, 0);
		ROUNDS4(m1, 4);
		ROUNDS4(m2, 8);
		ROUNDS4(m3, 12);
		for (int k = 16; k < 64; k += 16) {
			SCHEDULE(m0, m1, m2, m3);
			ROUNDS4(m0, k);
			SCHEDULE(m1, m2, m3, m0);
			ROUNDS4(m1, k + 4);
			SCHEDULE(m2, m3, m0, m1);
			ROUNDS4(m2, k + 8);
			SCHEDULE(m3, m0, m1, m2);
			ROUNDS4(m3, k + 12);
		}
		abef = _mm_add_epi32(abef, save_abef);
		cdgh = _mm_add_epi32(cdgh, save_cdgh);
	}

	/* ABEF, CDGH  ->  A B C D, E F G H */
	t = _mm_shuffle_epi32(abef, 0x1b);
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));
}

void sha256_cpu_init(struct sha256_cpu *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(c->h, iv, sizeof(iv));
	c->fill = 0;
	c->total = 0;
}

void sha256_cpu_update(struct sha256_cpu *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->total += len;
	if (c->fill) {
		size_t n = 64 - c->fill < len ? 64 - c->fill : len;

		memcpy(c->buf + c->fill, p, n);
		c->fill += n;
		p += n;
		len -= n;
		if (c->fill < 64)
			return;
		compress(c->h, c->buf, 1);
		c->fill = 0;
	}
	if (len >= 64) {
		compress(c->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	memcpy(c->buf, p, len);
	c->fill = len;
}

void sha256_cpu_final(struct sha256_cpu *c, uint8_t digest[32])
{
	uint64_t bits = c->total * 8;

	c->buf[c->fill++] = 0x80;
	if (c->fill > 56) {
		memset(c->buf + c->fill, 0, 64 - c->fill);
		compress(c->h, c->buf, 1);
		c->fill = 0;
	}
	memset(c->buf + c->fill, 0, 56 - c->fill);
	for (int i = 0; i < 8; i++)
		c->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	compress(c->h, c->buf, 1);
	for (int i = 0; i < 8; i++) {
		digest[4 * i] = (uint8_t)(c->h[i] >> 24);
		digest[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		digest[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		digest[4 * i + 3] = (uint8_t)c->h[i];
	}
}
