// SPDX-License-Identifier: MIT
#include "io/src.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The reason an agent acts on: retry (unreadable), fix the path, or get permission. */
static int open_reason(int errnum)
{
	switch (errnum) {
	case ENOENT:
	case ENOTDIR:
		return SF_R_INPUT_NOT_FOUND;
	case EACCES:
	case EPERM:
		return SF_R_PERMISSION;
	case EISDIR:
		return SF_R_INPUT_NOT_FILE;
	default:
		return SF_R_INPUT_UNREADABLE;
	}
}

static const char *kind_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "not a regular file or pipe";
}

int src_open_fd(struct src *s, int fd, const char *name, struct sf_err *err)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	snprintf(s->name, sizeof(s->name), "%s", name);
	if (fstat(fd, &st) < 0)
		return sf_fail_errno(err, open_reason(errno), errno, "%s", s->name);
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
		return sf_fail(err, SF_R_INPUT_NOT_FILE, "%s is %s%s, not a bundle", s->name, kind_of(st.st_mode),
			       isatty(fd) ? " (a terminal)" : "");
	s->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : SRC_SIZE_UNKNOWN;
	/* a regular file opened elsewhere may not be at offset 0: read from where it is */
	if (S_ISREG(st.st_mode)) {
		off_t pos = lseek(fd, 0, SEEK_CUR);

		if (pos > 0 && (uint64_t)pos <= s->size)
			s->size -= (uint64_t)pos;
	}
	return 0;
}

int src_open(struct src *s, const char *path, struct sf_err *err)
{
	int fd, ret;

	if (!strcmp(path, "-"))
		return src_open_fd(s, STDIN_FILENO, "standard input", err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return sf_fail(err, SF_R_INPUT_NOT_FOUND, "bundle '%s' does not exist", path);
	if (fd < 0)
		return sf_fail_errno(err, open_reason(errno), errno, "cannot open bundle '%s'", path);
	ret = src_open_fd(s, fd, path, err);
	s->owned = 1;
	if (ret)
		src_close(s);
	return ret;
}

void src_close(struct src *s)
{
	if (s->owned && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int src_read(struct src *s, void *buf, size_t len, struct sf_err *err)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(s->fd, p, len);

		if (n < 0) {
			if (errno == EINTR && s->stop && *s->stop)
				return sf_fail(err, SF_R_INTERRUPTED, "stopped by a signal while reading %s at byte %llu",
					       s->name, (unsigned long long)s->pos);
			if (errno == EINTR)
				continue;
			return sf_fail_errno(err, SF_R_INPUT_UNREADABLE, errno, "cannot read %s at byte %llu", s->name,
					     (unsigned long long)s->pos);
		}
		if (n == 0)
			return sf_fail(err, SF_R_INPUT_TRUNCATED, "bundle is truncated at byte %llu (%s)",
				       (unsigned long long)s->pos, s->name);
		p += n;
		len -= (size_t)n;
		s->pos += (uint64_t)n;
	}
	return 0;
}

int src_skip_to(struct src *s, uint64_t off, struct sf_err *err)
{
	char buf[4096];
	int ret;

	if (off < s->pos)
		return sf_fail(err, SF_R_LAYOUT, "bundle data at byte %llu lies behind byte %llu already read",
			       (unsigned long long)off, (unsigned long long)s->pos);
	/* known size: off > size means the data cannot be there */
	if (s->size != SRC_SIZE_UNKNOWN && off > s->size)
		return sf_fail(err, SF_R_INPUT_TRUNCATED, "bundle is truncated: byte %llu is past its end %llu",
			       (unsigned long long)off, (unsigned long long)s->size);
	while (s->pos < off) {
		size_t n = off - s->pos < sizeof(buf) ? (size_t)(off - s->pos) : sizeof(buf);

		ret = src_read(s, buf, n, err);
		if (ret)
			return ret;
	}
	return 0;
}
