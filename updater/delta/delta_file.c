// SPDX-License-Identifier: MIT
#include "delta/delta_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct image {
	const char *path;
	int fd;
	uint8_t *map;
	uint64_t size;
};

static int map_image(struct image *im, uint64_t max_size, struct sf_err *err)
{
	struct stat st;

	im->fd = open(im->path, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0)
		return sf_fail_errno(err, SF_EIO, errno, "cannot open image '%s'", im->path);
	if (fstat(im->fd, &st))
		return sf_fail_errno(err, SF_EIO, errno, "cannot stat image '%s'", im->path);
	if (!S_ISREG(st.st_mode))
		return sf_fail(err, SF_EIO, "image '%s' is not a regular file", im->path);
	if (!st.st_size)
		return sf_fail(err, SF_EUSAGE, "image '%s' is empty", im->path);
	if ((uint64_t)st.st_size > max_size)
		return sf_fail(err, SF_EUSAGE, "image '%s' is larger than %llu MiB", im->path,
			       (unsigned long long)(max_size >> 20));
	im->size = (uint64_t)st.st_size;
	im->map = mmap(NULL, (size_t)im->size, PROT_READ, MAP_PRIVATE, im->fd, 0);
	if (im->map == MAP_FAILED) {
		im->map = NULL;
		return sf_fail_errno(err, SF_EIO, errno, "cannot map image '%s'", im->path);
	}
	return 0;
}

static void unmap_image(struct image *im)
{
	if (im->map)
		munmap(im->map, (size_t)im->size);
	if (im->fd >= 0)
		close(im->fd);
}

static int hash(const struct image *im, uint8_t digest[SHA256_LEN], struct sf_err *err)
{
	struct sha256 *h = NULL;
	int ret;

	ret = sha256_new(&h, SHA256_ENGINE_AUTO);
	ret = ret ?: sha256_update(h, im->map, (size_t)im->size);
	ret = ret ?: sha256_final(h, digest);
	sha256_free(h);
	return ret ? sf_fail_errno(err, SF_EFAIL, ret, "sha256 of '%s'", im->path) : 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int delta_file_make(const char *source_path, const char *target_path, uint64_t max_size,
		    const struct delta_enc_opts *o, int out_fd, struct delta_desc *desc, struct sf_err *err)
{
	struct image src = { .path = source_path, .fd = -1 }, dst = { .path = target_path, .fd = -1 };
	uint8_t *payload = NULL;
	size_t n = 0;
	int ret;

	ret = map_image(&src, max_size, err);
	ret = ret ?: map_image(&dst, max_size, err);
	ret = ret ?: hash(&src, desc->source_sha256, err);
	ret = ret ?: hash(&dst, desc->target_sha256, err);
	ret = ret ?: delta_encode(src.map, src.size, dst.map, dst.size, o, &payload, &n, &desc->stats, err);
	if (!ret) {
		ret = write_all(out_fd, payload, n);
		if (ret)
			ret = sf_fail_errno(err, SF_EIO, ret, "cannot write the delta");
	}
	if (!ret) {
		desc->source_size = src.size;
		desc->target_size = dst.size;
		desc->payload_size = n;
	}
	free(payload);
	unmap_image(&dst);
	unmap_image(&src);
	return ret;
}
