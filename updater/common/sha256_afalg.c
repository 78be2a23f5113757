// SPDX-License-Identifier: MIT
#include "common/sha256_afalg.h"

#include <errno.h>
#include <linux/if_alg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif

struct sha256_afalg {
	int tfm; /* bound transform socket */
	int op;	 /* accepted operation socket */
};

int sha256_afalg_open(struct sha256_afalg **out)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	struct sha256_afalg *a;
	int ret;

	strcpy((char *)sa.salg_type, "hash");
	strcpy((char *)sa.salg_name, "sha256");
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->op = -1;
	a->tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (a->tfm < 0) {
		ret = -errno;
		free(a);
		return ret;
	}
	if (bind(a->tfm, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	a->op = accept4(a->tfm, NULL, NULL, SOCK_CLOEXEC);
	if (a->op < 0) {
		ret = -errno;
		goto out;
	}
	*out = a;
	return 0;
out:
	sha256_afalg_close(a);
	return ret;
}

int sha256_afalg_update(struct sha256_afalg *a, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = send(a->op, p, len, MSG_MORE);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int sha256_afalg_final(struct sha256_afalg *a, uint8_t digest[32])
{
	size_t got = 0;

	/* an empty send without MSG_MORE ends the message */
	while (send(a->op, NULL, 0, 0) < 0)
		if (errno != EINTR)
			return -errno;
	while (got < 32) {
		ssize_t n = read(a->op, digest + got, 32 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		got += (size_t)n;
	}
	return 0;
}

void sha256_afalg_close(struct sha256_afalg *a)
{
	if (!a)
		return;
	if (a->op >= 0)
		close(a->op);
	if (a->tfm >= 0)
		close(a->tfm);
	free(a);
}
