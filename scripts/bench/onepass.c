// SPDX-License-Identifier: MIT
/*
 * onepass — the yardstick of `make bench`: one sequential pass that reads an
 * image, hashes it with SHA-256 and writes it to a slot, then fsyncs: what any
 * updater must at least do. No verification, no read-back, no pipelining.
 *
 *   onepass ENGINE IMAGE SLOT        ENGINE: cpu | mbedtls
 *
 * Prints the digest. Exit codes: 0 done, 1 failure, 2 usage.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sha256.h"

#define CHUNK (1024 * 1024)

int main(int argc, char **argv)
{
	enum sha256_engine e;
	uint8_t digest[SHA256_LEN];
	struct sha256 *h;
	char *buf;
	off_t off = 0;
	int in, out;

	if (argc != 4)
		return fprintf(stderr, "usage: onepass cpu|mbedtls IMAGE SLOT\n"), 2;
	e = !strcmp(argv[1], "cpu") ? SHA256_ENGINE_CPU : SHA256_ENGINE_MBEDTLS;
	buf = malloc(CHUNK);
	in = open(argv[2], O_RDONLY);
	out = open(argv[3], O_WRONLY);
	if (!buf || in < 0 || out < 0 || sha256_new(&h, e))
		return perror("onepass"), 1;
	for (;;) {
		ssize_t n = read(in, buf, CHUNK);

		if (n < 0)
			return perror("read"), 1;
		if (n == 0)
			break;
		if (sha256_update(h, buf, (size_t)n) || pwrite(out, buf, (size_t)n, off) != n)
			return perror("write"), 1;
		off += n;
	}
	if (fsync(out) || sha256_final(h, digest))
		return perror("fsync"), 1;
	for (int i = 0; i < SHA256_LEN; i++)
		printf("%02x", digest[i]);
	printf("  %s (%s)\n", argv[2], sha256_engine_name(h));
	sha256_free(h);
	return 0;
}
