// SPDX-License-Identifier: MIT
#include "io/env_config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/env_image.h"

static int parse_num(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

int env_config_parse(const char *text, size_t len, struct env_config *out, const char *name, struct sf_err *err)
{
	unsigned int lineno = 0;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		char line[512], *field[6], *save = NULL, *hash;
		size_t end = pos;
		unsigned int nf = 0;
		uint64_t off, size;

		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		if (end - pos >= sizeof(line))
			return sf_fail(err, SF_ECONFIG, "%s line %u is too long", name, lineno);
		memcpy(line, text + pos, end - pos);
		line[end - pos] = '\0';
		pos = end + 1;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (char *f = strtok_r(line, " \t\r", &save); f && nf < 6; f = strtok_r(NULL, " \t\r", &save))
			field[nf++] = f;
		if (!nf)
			continue;
		if (nf < 3 || nf > 5)
			return sf_fail(err, SF_ECONFIG, "%s line %u: expected DEVICE OFFSET SIZE [SECTOR_SIZE [SECTORS]]",
				       name, lineno);
		if (out->n == 2)
			return sf_fail(err, SF_ECONFIG, "%s lists more than two environment copies", name);
		if (parse_num(field[1], &off))
			return sf_fail(err, SF_ECONFIG, "%s line %u: offset '%s' is not a number", name, lineno, field[1]);
		if (parse_num(field[2], &size))
			return sf_fail(err, SF_ECONFIG, "%s line %u: size '%s' is not a number", name, lineno, field[2]);
		if (size <= ENV_HDR_REDUND || size > ENV_COPY_MAX_SIZE)
			return sf_fail(err, SF_ECONFIG, "%s line %u: size %s is outside 6..%d bytes", name, lineno,
				       field[2], ENV_COPY_MAX_SIZE);
		if (strlen(field[0]) >= sizeof(out->dev[0].path))
			return sf_fail(err, SF_ECONFIG, "%s line %u: device path is too long", name, lineno);
		snprintf(out->dev[out->n].path, sizeof(out->dev[out->n].path), "%s", field[0]);
		out->dev[out->n].offset = off;
		out->dev[out->n].size = (size_t)size;
		out->n++;
	}
	if (out->n != 2)
		return sf_fail(err, SF_ECONFIG,
			       "%s lists %u environment cop%s; slotflip needs two (a redundant environment) so that every store is atomic",
			       name, out->n, out->n == 1 ? "y" : "ies");
	if (out->dev[0].size != out->dev[1].size)
		return sf_fail(err, SF_ECONFIG, "%s: the two environment copies differ in size (0x%zx, 0x%zx)", name,
			       out->dev[0].size, out->dev[1].size);
	if (!strcmp(out->dev[0].path, out->dev[1].path) && out->dev[0].offset < out->dev[1].offset + out->dev[1].size &&
	    out->dev[1].offset < out->dev[0].offset + out->dev[0].size)
		return sf_fail(err, SF_ECONFIG, "%s: the two environment copies overlap", name);
	return 0;
}

static int device_size(const char *path, uint64_t *size, bool *known)
{
	struct stat st;
	int fd, ret = 0;

	*known = false;
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		*known = true;
	} else if (S_ISBLK(st.st_mode)) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (ioctl(fd, BLKGETSIZE64, size) < 0)
			ret = -errno;
		else
			*known = true;
		close(fd);
	}
	return ret;
}

int env_config_check(const char *path, struct env_config *out, struct sf_err *err)
{
	char text[ENV_CONFIG_MAX_SIZE];
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sf_fail_errno(err, SF_ECONFIG, errno, "cannot open environment configuration '%s'", path);
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0)
		return sf_fail_errno(err, SF_ECONFIG, errno, "cannot read '%s'", path);
	if ((size_t)n == sizeof(text))
		return sf_fail(err, SF_ECONFIG, "'%s' is larger than %d bytes", path, ENV_CONFIG_MAX_SIZE);
	ret = env_config_parse(text, (size_t)n, out, path, err);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < out->n; i++) {
		const struct env_dev *d = &out->dev[i];
		uint64_t size;
		bool known;

		ret = device_size(d->path, &size, &known);
		if (ret == -ENOENT)
			return sf_fail(err, SF_ECONFIG, "environment device %s (copy %u in %s) does not exist", d->path,
				       i + 1, path);
		if (ret)
			return sf_fail_errno(err, SF_ECONFIG, ret, "environment device %s", d->path);
		/* offset > size or env size > size - offset: the copy does not fit */
		if (known && (d->offset > size || d->size > size - d->offset))
			return sf_fail(err, SF_ECONFIG,
				       "environment copy %u (%s at 0x%llx, 0x%zx bytes) lies beyond the end of the device (0x%llx bytes): check %s",
				       i + 1, d->path, (unsigned long long)d->offset, d->size, (unsigned long long)size,
				       path);
	}
	return 0;
}

int env_config_read_copy(const struct env_config *c, unsigned int idx, uint8_t *buf, size_t *got)
{
	const struct env_dev *d = &c->dev[idx];
	int fd, ret = 0;

	*got = 0;
	fd = open(d->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (*got < d->size) {
		ssize_t n = pread(fd, buf + *got, d->size - *got, (off_t)(d->offset + *got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = -errno;
		if (n <= 0)
			break;
		*got += (size_t)n;
	}
	close(fd);
	return ret;
}
