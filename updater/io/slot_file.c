// SPDX-License-Identifier: MIT
/*
 * Slots in regular files and block devices. Writes and read-back use O_DIRECT
 * where the file system or device allows it, so what is compared is what the
 * device returns, not the page cache. Without it, flush() writes a range out,
 * waits for it and drops it from the cache, so that the read-back that follows
 * comes from the device too.
 */
#include "io/slot.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_kconfig.h"

struct slot_file {
	int fd;
	int direct; /* opened with O_DIRECT */
	const struct slot_sys *sys;
};

static const struct slot_sys real_sys = {
	.pwrite = pwrite,
	.pread = pread,
	.fsync = fsync,
};

static int fd_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	return -ENOTSUP;
}

static int file_size(void *priv, const char *path, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	(void)priv;
	if (fd < 0)
		return -errno;
	ret = fd_size(fd, size);
	close(fd);
	return ret;
}

static int file_open(void *priv, const char *path, enum slot_mode mode, void **h)
{
	struct slot_file *f;
	uint64_t size;
	int ret;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->sys = priv ? priv : &real_sys;
	if (mode == SLOT_WRITE) {
		f->fd = -1;
		if (IS_ENABLED(CONFIG_WRITE_DIRECT)) {
			f->fd = open(path, O_WRONLY | O_CLOEXEC | O_DIRECT);
			f->direct = f->fd >= 0;
		}
		if (f->fd < 0)
			f->fd = open(path, O_WRONLY | O_CLOEXEC);
	} else if (mode == SLOT_SOURCE) {
		f->fd = open(path, O_RDONLY | O_CLOEXEC);
	} else {
		f->fd = -1;
		if (IS_ENABLED(CONFIG_READBACK_DIRECT)) {
			f->fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT);
			f->direct = f->fd >= 0;
		}
		if (f->fd < 0)
			f->fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (f->fd < 0) {
		ret = -errno;
		goto out;
	}
	/* only regular files and block devices are slots */
	ret = fd_size(f->fd, &size);
	if (ret)
		goto out;
	if (mode == SLOT_READ && !f->direct)
		posix_fadvise(f->fd, 0, 0, POSIX_FADV_DONTNEED);
	*h = f;
	return 0;
out:
	if (f->fd >= 0)
		close(f->fd);
	free(f);
	return ret;
}

/* Direct I/O refused (an unaligned tail, a file system without it): go on through the page cache. */
static int leave_direct(struct slot_file *f)
{
	int fl = fcntl(f->fd, F_GETFL);

	if (fl < 0 || fcntl(f->fd, F_SETFL, fl & ~O_DIRECT) < 0)
		return -errno;
	f->direct = 0;
	return 0;
}

static int file_write(void *h, const void *buf, size_t len, uint64_t off)
{
	struct slot_file *f = h;
	const char *p = buf;
	int ret;

	while (len) {
		ssize_t n = f->sys->pwrite(f->fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINVAL && f->direct) {
				ret = leave_direct(f);
				if (ret)
					return ret;
				continue;
			}
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOSPC;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int file_read(void *h, void *buf, size_t len, uint64_t off)
{
	struct slot_file *f = h;
	char *p = buf;
	int ret;

	while (len) {
		ssize_t n = f->sys->pread(f->fd, p, len, (off_t)off);

		if (n < 0) {
			/* O_DIRECT refused for this range (unaligned tail): fall back */
			if (errno == EINVAL && f->direct) {
				ret = leave_direct(f);
				if (ret)
					return ret;
				posix_fadvise(f->fd, 0, 0, POSIX_FADV_DONTNEED);
				continue;
			}
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENODATA;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int file_flush(void *h, uint64_t off, uint64_t len)
{
	struct slot_file *f = h;
	unsigned int flags = SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;

	while (sync_file_range(f->fd, (off_t)off, (off_t)len, flags) < 0)
		if (errno != EINTR)
			return -errno;
	/* clean now, so dropping loses nothing; advice only, it cannot fail the install */
	posix_fadvise(f->fd, (off_t)off, (off_t)len, POSIX_FADV_DONTNEED);
	return 0;
}

static int file_sync(void *h)
{
	struct slot_file *f = h;

	while (f->sys->fsync(f->fd) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int file_close(void *h)
{
	struct slot_file *f = h;
	int ret = 0;

	if (close(f->fd) < 0)
		ret = -errno;
	free(f);
	return ret;
}

const struct slot_ops slot_file_ops = {
	.size = file_size,
	.open = file_open,
	.write = file_write,
	.read = file_read,
	.flush = file_flush,
	.sync = file_sync,
	.close = file_close,
};
