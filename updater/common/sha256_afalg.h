/* SPDX-License-Identifier: MIT */
/*
 * sha256_afalg — the kernel's "sha256" through an AF_ALG socket (internal to
 * sha256.c). Built with CONFIG_HASH_AFALG; without it every call fails with
 * -ENOTSUP and sha256.c uses mbedTLS.
 */
#ifndef SF_SHA256_AFALG_H
#define SF_SHA256_AFALG_H

#include <stddef.h>
#include <errno.h>
#include <stdint.h>

struct sha256_afalg;

#ifdef CONFIG_HASH_AFALG
/**
 * sha256_afalg_open() - bind a "hash"/"sha256" socket and accept an operation
 * Return: 0, or -errno (-EAFNOSUPPORT, -ENOENT when the kernel lacks it).
 */
int sha256_afalg_open(struct sha256_afalg **out) __attribute__((warn_unused_result));
/** sha256_afalg_update() - send @len bytes (MSG_MORE); 0 or -errno */
int sha256_afalg_update(struct sha256_afalg *a, const void *data, size_t len)
	__attribute__((warn_unused_result));
/** sha256_afalg_final() - end the message and read the digest; 0 or -errno */
int sha256_afalg_final(struct sha256_afalg *a, uint8_t digest[32]) __attribute__((warn_unused_result));
/** sha256_afalg_close() - release; NULL is accepted */
void sha256_afalg_close(struct sha256_afalg *a);
#else
static inline int sha256_afalg_open(struct sha256_afalg **out)
{
	(void)out;
	return -ENOTSUP;
}
static inline int sha256_afalg_update(struct sha256_afalg *a, const void *data, size_t len)
{
	(void)a, (void)data, (void)len;
	return -ENOTSUP;
}
static inline int sha256_afalg_final(struct sha256_afalg *a, uint8_t digest[32])
{
	(void)a, (void)digest;
	return -ENOTSUP;
}
static inline void sha256_afalg_close(struct sha256_afalg *a)
{
	(void)a;
}
#endif

#endif /* SF_SHA256_AFALG_H */
