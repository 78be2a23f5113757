// SPDX-License-Identifier: MIT
#include "tests/support/files.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/bundle.h"

const char *tf_path(const char *dir, const char *name)
{
	static char p[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

uint8_t *tf_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	struct stat st;

	if (f && !fstat(fileno(f), &st)) {
		buf = malloc((size_t)st.st_size + 1);
		if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		}
		if (buf)
			buf[st.st_size] = 0;
		*len = (size_t)st.st_size;
	}
	if (f)
		fclose(f);
	return buf;
}

void tf_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "tf_write: cannot write %s\n", path);
		abort();
	}
}

int tf_run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	if (ret)
		printf("# '%s' exited with %d\n", cmd, ret);
	return ret;
}

int tf_verify_file(const char *path, const struct keyring *kr, struct fit_bundle *b, struct sf_err *err)
{
	struct src src;
	int ret;

	ret = src_open(&src, path, err);
	if (ret)
		return ret;
	ret = bundle_verify(&src, kr, SHA256_ENGINE_AUTO, b, err);
	src_close(&src);
	return ret;
}
