// SPDX-License-Identifier: MIT
/*
 * The delta decoder (delta_dec, delta_predict) against any payload, and the
 * encoder (delta_match, delta_enc) against any pair of images.
 *
 * Input: byte 0 selects. Bit 0 clear: decode. Bytes 1-2 (little-endian) are
 * the source's length L, the next L bytes the source, the rest the payload;
 * bits 1-3 pick the sizes of the pieces the target is pulled in. Bit 0 set:
 * round trip. Bytes 1-2 split the rest into a source and a target; bits 4-7
 * pick the encoder's transforms; the delta made must decode to the target.
 *
 * Properties (decode): the decoder never reads the payload past its end nor
 * the source outside its bytes, never hands out a byte beyond the target size
 * its header declares, and a delta it accepts to the end produced the whole
 * target. Work is bounded: decoding stops (without a verdict) after
 * OUT_BUDGET target bytes. Properties (round trip): encoding never fails, and
 * decoding gives the target back byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "delta/delta_dec.h"
#include "delta/delta_enc.h"
#include "delta/delta_format.h"
#include "fuzz.h"
#include "sf_kconfig.h"

#define OUT_BUDGET (4u << 20) /* target bytes a decode may make */

struct io {
	const uint8_t *pay;
	size_t pay_n, pay_pos;
	const uint8_t *src;
	size_t src_n;
};

static int read_payload(void *priv, void *buf, size_t len, struct sf_err *err)
{
	struct io *io = priv;

	(void)err;
	fuzz_check(len <= io->pay_n - io->pay_pos, "the decoder reads within the payload");
	memcpy(buf, io->pay + io->pay_pos, len);
	io->pay_pos += len;
	return 0;
}

static int read_source(void *priv, void *buf, size_t len, uint64_t off, struct sf_err *err)
{
	struct io *io = priv;

	(void)err;
	fuzz_check(off <= io->src_n && len <= io->src_n - off, "the decoder reads within the source");
	memcpy(buf, io->src + off, len);
	return 0;
}

/*
 * Decode @pay against @src, pieces of sizes from @sel; 1 when the delta was
 * accepted to the end. @want, when set, is the expected target.
 */
static int decode(const uint8_t *src, size_t src_n, const uint8_t *pay, size_t pay_n, unsigned int sel,
		  const uint8_t *want, size_t want_n)
{
	static const size_t steps[8] = { 1, 7, 4096, 65536, 65543, 200000, 1 << 20, 0 };
	struct io io = { .pay = pay, .pay_n = pay_n, .src = src, .src_n = src_n };
	struct delta_dec_io dio = { .read_payload = read_payload, .read_source = read_source, .priv = &io };
	struct delta_dec *d = NULL;
	struct delta_info info;
	struct sf_err err = { 0 };
	uint8_t *buf = malloc(1 << 20);
	uint64_t made = 0, piece = 0;
	int ret;

	fuzz_check(buf != NULL, "memory");
	ret = delta_dec_new(&d, &dio, pay_n, &info, &err);
	if (ret) {
		fuzz_check(!d, "no decoder after a refusal");
		free(buf);
		return 0;
	}
	while (!ret && made < info.target_size && made < OUT_BUDGET) {
		size_t n = steps[sel & 7] ? steps[sel & 7] : 1 + (size_t)(piece++ * 7919 % 100000);

		if (n > info.target_size - made)
			n = (size_t)(info.target_size - made);
		ret = delta_dec_read(d, buf, n, &err);
		if (!ret) {
			fuzz_check(!want || (made + n <= want_n && !memcmp(buf, want + made, n)),
				   "the round trip gives the target back");
			made += n;
		}
		fuzz_check(ret != -SF_EFAIL, "no internal failure (asked within the target)");
	}
	fuzz_check(made <= info.target_size, "never more than the target size");
	if (!ret && made == info.target_size) {
		ret = delta_dec_finish(d, &err);
		if (!ret) {
			fuzz_check(io.pay_pos == pay_n, "an accepted delta was read to its end");
			fuzz_deep++;
		}
	} else if (!ret) {
		ret = 1; /* over budget: no verdict */
	}
	delta_dec_free(d);
	free(buf);
	return ret == 0;
}

static void round_trip(const uint8_t *data, size_t size)
{
	static const unsigned int flags[4] = { DELTA_T_ALL, DELTA_ENC_NONE, DELTA_T_X86 | DELTA_T_ABS64, DELTA_ENC_AUTO };
	struct delta_enc_opts o = { .flags = flags[(data[0] >> 4) & 3], .exact_min = 8u << ((data[0] >> 6) & 3) };
	size_t split = (size_t)(data[1] | data[2] << 8), n = 0;
	const uint8_t *a = data + 3, *b;
	struct sf_err err = { 0 };
	uint8_t *pay = NULL;

	size -= 3;
	if (split > size)
		split = size;
	b = a + split;
	if (size == split)
		return; /* an empty target is not a delta */
	fuzz_check(!delta_encode(a, split, b, size - split, &o, &pay, &n, NULL, &err), "encoding never fails");
	fuzz_check(decode(a, split, pay, n, (data[0] >> 1) & 7, b, size - split), "a delta made decodes");
	free(pay);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t src_n;

	if (size < 3)
		return 0;
	if (data[0] & 1) {
		if (IS_ENABLED(CONFIG_BUNDLE_CREATE))
			round_trip(data, size);
		return 0;
	}
	src_n = (size_t)(data[1] | data[2] << 8);
	if (src_n > size - 3)
		src_n = size - 3;
	(void)decode(data + 3, src_n, data + 3 + src_n, size - 3 - src_n, (data[0] >> 1) & 7, NULL, 0);
	return 0;
}
