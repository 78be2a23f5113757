// SPDX-License-Identifier: MIT
#include "io/env_image.h"

#include "io/env.h"

#include <errno.h>
#include <string.h>

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * CRC-32 (IEEE 802.3, reflected), as U-Boot and zlib compute it, eight bytes
 * at a time through tables built on the stack (no global state): a copy is
 * up to ENV_COPY_MAX_SIZE bytes and every load checks two of them.
 */
static uint32_t crc32_ieee(const uint8_t *p, size_t len)
{
	uint32_t t[8][256], crc = 0xffffffffu;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
		t[0][i] = c;
	}
	/* t[k][i]: the CRC of byte i followed by k zero bytes */
	for (int k = 1; k < 8; k++)
		for (int i = 0; i < 256; i++)
			t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t a = crc ^ get_le32(p);

		crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^ t[5][(a >> 16) & 0xff] ^ t[4][a >> 24] ^ t[3][p[4]] ^
		      t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
	}
	while (len--)
		crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t data_crc(const uint8_t *copy, size_t size)
{
	return crc32_ieee(copy + ENV_HDR_REDUND, size - ENV_HDR_REDUND);
}

bool env_copy_valid(const uint8_t *copy, size_t len, size_t size)
{
	if (size <= ENV_HDR_REDUND || len < size)
		return false;
	return get_le32(copy) == data_crc(copy, size);
}

bool env_copy_blank(const uint8_t *copy, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (copy[i] != copy[0] || (copy[0] != 0x00 && copy[0] != 0xff))
			return false;
	return true;
}

int env_choose(const uint8_t *c0, size_t len0, const uint8_t *c1, size_t len1, size_t size)
{
	bool v0 = env_copy_valid(c0, len0, size), v1 = env_copy_valid(c1, len1, size);
	uint8_t f0, f1;

	if (len0 < size || len1 < size)
		return -EIO;
	if (!v0 && !v1)
		return -ENODATA;
	if (v0 != v1)
		return v0 ? 0 : 1;
	f0 = c0[4];
	f1 = c1[4];
	if (f0 == 0xff && f1 == 0)
		return 1;
	if (f1 == 0xff && f0 == 0)
		return 0;
	return f1 > f0 ? 1 : 0;
}

int env_image_state(const uint8_t *c0, size_t len0, const uint8_t *c1, size_t len1, size_t size)
{
	bool b0 = len0 >= size && env_copy_blank(c0, size), b1 = len1 >= size && env_copy_blank(c1, size);

	if (env_choose(c0, len0, c1, len1, size) >= 0)
		return ENV_VALID;
	if (b0 && b1)
		return ENV_BLANK;
	return b0 || b1 ? ENV_TORN : ENV_DAMAGED;
}

int env_walk(const uint8_t *copy, size_t size, int (*fn)(void *priv, const char *name, const char *value),
	     void *priv)
{
	const char *p = (const char *)copy + ENV_HDR_REDUND;
	const char *end = (const char *)copy + size;
	char entry[4096];
	int ret;

	while (p < end && *p) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *eq;
		size_t len;

		if (!nul)
			return -EINVAL;
		len = (size_t)(nul - p);
		eq = memchr(p, '=', len);
		if (!eq || eq == p || len >= sizeof(entry))
			return -EINVAL;
		memcpy(entry, p, len + 1);
		entry[eq - p] = '\0';
		ret = fn(priv, entry, entry + (eq - p) + 1);
		if (ret)
			return ret;
		p = nul + 1;
	}
	return p < end ? 0 : -EINVAL;
}

int env_make_copy(uint8_t *out, size_t size, uint8_t flags, const void *data, size_t len)
{
	uint32_t crc;

	if (size <= ENV_HDR_REDUND || len > size - ENV_HDR_REDUND)
		return -ENOSPC;
	memset(out, 0, size);
	memcpy(out + ENV_HDR_REDUND, data, len);
	out[4] = flags;
	crc = data_crc(out, size);
	out[0] = (uint8_t)crc;
	out[1] = (uint8_t)(crc >> 8);
	out[2] = (uint8_t)(crc >> 16);
	out[3] = (uint8_t)(crc >> 24);
	return 0;
}
